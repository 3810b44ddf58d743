//! The per-user change feed behind live sync. Each change a user should see
//! (a task written or deleted, later notifications) gets the next number of
//! that user's sequence, in the same transaction as the change itself.

use crate::db::{Db, Value};
use domain::Error;

pub const TASK_UPSERTED: &str = "task.upserted";
pub const TASK_DELETED: &str = "task.deleted";
pub const LIST_UPSERTED: &str = "list.upserted";
pub const LIST_DELETED: &str = "list.deleted";

/// One entry of the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: i64,
    pub kind: String,
    pub entity_id: String,
    /// JSON text: the entity as the API shows it, or `{"id"}` for deletions.
    pub payload: String,
    pub created_at: i64,
}

/// Appends a change for the user (inside the caller's transaction).
pub fn record(
    db: &Db,
    user_id: &str,
    kind: &str,
    entity_id: &str,
    payload: &str,
    now: i64,
) -> Result<(), Error> {
    db.run(
        "UPDATE users SET change_seq = change_seq + 1 WHERE id = $1",
        &[user_id.into()],
    )?;
    db.run(
        "INSERT INTO changes (user_id, seq, kind, entity_id, payload, created_at)
         SELECT $1, change_seq, $2, $3, $4, $5 FROM users WHERE id = $1",
        &[
            user_id.into(),
            kind.into(),
            entity_id.into(),
            payload.into(),
            Value::Int(now),
        ],
    )
}

/// PostgreSQL: the two CTEs that record a change in a single-statement
/// write, when the CTE named `gate` produced a row. `user`, `kind`, `entity`,
/// `payload` and `now` are parameter numbers.
pub(crate) fn pg_record_ctes(
    gate: &str,
    user: usize,
    kind: usize,
    entity: usize,
    payload: usize,
    now: usize,
) -> String {
    format!(
        "seq AS (
           UPDATE users SET change_seq = change_seq + 1
           WHERE id = ${user} AND EXISTS (SELECT 1 FROM {gate})
           RETURNING change_seq),
         chg AS (
           INSERT INTO changes (user_id, seq, kind, entity_id, payload, created_at)
           SELECT ${user}, change_seq, ${kind}, ${entity}, ${payload}, ${now} FROM seq)"
    )
}

/// The user's changes after `since`, oldest first.
pub fn since(db: &Db, user_id: &str, since: i64, limit: i64) -> Result<Vec<Change>, Error> {
    let rows = db.query(
        "SELECT seq, kind, entity_id, payload, created_at FROM changes
         WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        &[user_id.into(), Value::Int(since), Value::Int(limit)],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                seq: r.int(0)?,
                kind: r.text(1)?,
                entity_id: r.text(2)?,
                payload: r.text(3)?,
                created_at: r.int(4)?,
            })
        })
        .collect()
}

/// The user's latest sequence number (the cursor of "now").
pub fn latest(db: &Db, user_id: &str) -> Result<i64, Error> {
    let rows = db.query(
        "SELECT change_seq FROM users WHERE id = $1",
        &[user_id.into()],
    )?;
    rows.first().map(|r| r.int(0)).unwrap_or(Ok(0))
}

/// Whether the feed can no longer serve what follows `since` because it was
/// pruned (see `retention::prune_changes`): the change right after the
/// cursor is gone. The sequence is gap-free per user, so while the cursor is
/// behind `latest` the next retained change must be `since + 1`; none at
/// all, or a later one, means the client missed changes it can only get
/// back by reloading.
pub fn cursor_expired(db: &Db, user_id: &str, since: i64, latest: i64) -> Result<bool, Error> {
    if since >= latest {
        return Ok(false);
    }
    let rows = db.query(
        "SELECT MIN(seq) FROM changes WHERE user_id = $1 AND seq > $2",
        &[user_id.into(), Value::Int(since)],
    )?;
    let next = rows.first().map(|r| r.opt_int(0)).transpose()?.flatten();
    Ok(next.is_none_or(|seq| seq > since + 1))
}
