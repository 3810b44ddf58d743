//! Server-side session records: a signed token names a session, and the
//! session row lets sign-out revoke it before it expires.

use crate::db::{is_missing_schema, Db, Value};
use crate::migrations;
use domain::Error;

/// A session from sign-in (`grant_id` None), or one minted as an OAuth
/// access token under a grant (`store::oauth`), which ends with the grant.
pub fn insert(
    db: &Db,
    id: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
    grant_id: Option<&str>,
) -> Result<(), Error> {
    db.run(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at, grant_id)
         VALUES ($1, $2, $3, $4, NULL, $5)",
        &[
            id.into(),
            user_id.into(),
            Value::Int(now),
            Value::Int(expires_at),
            grant_id.into(),
        ],
    )
}

/// The session check as a condition inside another statement, so that a
/// request's main statement carries it instead of a round trip of its own
/// (on PostgreSQL each statement is a prepare and an execute). The
/// condition holds when the session is active and the schema is current.
/// A statement that comes back empty under it cannot tell "nothing there"
/// from "not signed in", so its caller then asks `is_active` (which also
/// migrates a schema that is behind) and runs the statement again without
/// the gate: see `sessions::Presented::confirm_within`.
pub struct Gate<'a> {
    pub session_id: &'a str,
    pub user_id: &'a str,
    pub now: i64,
}

impl Gate<'_> {
    /// The SQL condition, with its values appended to `params`.
    pub(crate) fn condition(&self, params: &mut Vec<Value>) -> String {
        params.push(self.session_id.into());
        let first = params.len();
        params.push(self.user_id.into());
        params.push(Value::Int(self.now));
        format!(
            "EXISTS (SELECT 1 FROM sessions s WHERE s.id = ${first} AND s.user_id = ${}
                AND s.revoked_at IS NULL AND s.expires_at > ${})
             AND (SELECT MAX(version) FROM schema_migrations) >= {}",
            first + 1,
            first + 2,
            migrations::latest()
        )
    }
}

/// True when the session exists, belongs to the user, is not revoked and
/// has not expired.
///
/// The same query reads the schema version, so a connection opened with
/// `Db::connect` is checked and, when behind, migrated here: every
/// authenticated request starts with this query, and saves a round trip.
pub fn is_active(db: &Db, id: &str, user_id: &str, now: i64) -> Result<bool, Error> {
    let check = || -> Result<(i64, bool), Error> {
        let rows = db.query(
            "SELECT (SELECT MAX(version) FROM schema_migrations),
                    (SELECT COUNT(*) FROM sessions
                     WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3)",
            &[id.into(), user_id.into(), Value::Int(now)],
        )?;
        let row = rows.first().ok_or_else(|| Error::internal("no row"))?;
        Ok((row.opt_int(0)?.unwrap_or(0), row.int(1)? > 0))
    };
    match check() {
        Ok((version, active)) if version >= migrations::latest() => Ok(active),
        Ok(_) => {
            migrations::migrate(db)?;
            Ok(check()?.1)
        }
        Err(e) if is_missing_schema(&e) => {
            migrations::migrate(db)?;
            Ok(check()?.1)
        }
        Err(e) => Err(e),
    }
}

pub fn revoke(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.run(
        "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[id.into(), Value::Int(now)],
    )
}
