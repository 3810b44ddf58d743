//! Server-side session records: a signed token names a session, and the
//! session row lets sign-out revoke it before it expires.

use crate::db::{Db, Value};
use domain::Error;

pub fn insert(db: &Db, id: &str, user_id: &str, now: i64, expires_at: i64) -> Result<(), Error> {
    db.execute(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at)
         VALUES ($1, $2, $3, $4, NULL)",
        &[id.into(), user_id.into(), Value::Int(now), Value::Int(expires_at)],
    )
    .map(|_| ())
}

/// True when the session exists, belongs to the user, is not revoked and
/// has not expired.
pub fn is_active(db: &Db, id: &str, user_id: &str, now: i64) -> Result<bool, Error> {
    let rows = db.query(
        "SELECT 1 FROM sessions
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3",
        &[id.into(), user_id.into(), Value::Int(now)],
    )?;
    Ok(!rows.is_empty())
}

pub fn revoke(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.execute(
        "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[id.into(), Value::Int(now)],
    )
    .map(|_| ())
}
