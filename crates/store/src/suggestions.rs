//! Agent suggestions: created once per dedup key, listed, dismissed,
//! accepted, and resolved when their task is completed or deleted. Every
//! new or closed suggestion is also a change in the user's feed, so open
//! pages show and drop them live.

use crate::changes;
use crate::db::{is_unique_violation, Db, Row, Value};
use domain::suggestion::{Status, Suggestion};
use domain::Error;

/// The change-feed kind of a suggestion written; its payload is the
/// suggestion as the API shows it (a closed one has a status other than open).
pub const SUGGESTION_UPSERTED: &str = "suggestion.upserted";

const COLUMNS: &str = "id, user_id, task_id, type, message, status, action, created_at, updated_at";

fn from_row(row: &Row) -> Result<Suggestion, Error> {
    Ok(Suggestion {
        id: row.text(0)?,
        user_id: row.text(1)?,
        task_id: row.opt_text(2)?,
        kind: row.text(3)?,
        message: row.text(4)?,
        status: Status::parse(&row.text(5)?).ok_or_else(|| Error::internal("stored status"))?,
        action: row
            .opt_text(6)?
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(|e| Error::internal(format!("stored action: {e}")))?,
        created_at: row.int(7)?,
        updated_at: row.int(8)?,
    })
}

/// Inserts unless a suggestion with the same dedup key exists; answers
/// whether it was inserted.
pub fn insert_once(db: &Db, s: &Suggestion, dedup_key: &str) -> Result<bool, Error> {
    db.transaction(|db| {
        let inserted = db.execute(
            "INSERT INTO suggestions (id, user_id, task_id, type, message, status, dedup_key, action,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
             ON CONFLICT (dedup_key) DO NOTHING",
            &[
                (&s.id).into(),
                (&s.user_id).into(),
                s.task_id.as_deref().into(),
                (&s.kind).into(),
                (&s.message).into(),
                s.status.as_str().into(),
                dedup_key.into(),
                s.action.as_ref().map(|a| a.to_string()).into(),
                Value::Int(s.created_at),
            ],
        );
        match inserted {
            Ok(0) => Ok(false),
            Ok(_) => {
                record_change(db, s)?;
                Ok(true)
            }
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        }
    })
}

fn record_change(db: &Db, s: &Suggestion) -> Result<(), Error> {
    let payload = serde_json::to_string(s).map_err(|e| Error::internal(e.to_string()))?;
    changes::record(
        db,
        &s.user_id,
        SUGGESTION_UPSERTED,
        &s.id,
        &payload,
        s.updated_at,
    )
}

/// How many suggestions the user got since `since` (rate limiting).
pub fn count_since(db: &Db, user_id: &str, since: i64) -> Result<i64, Error> {
    let rows = db.query(
        "SELECT COUNT(*) FROM suggestions WHERE user_id = $1 AND created_at >= $2",
        &[user_id.into(), Value::Int(since)],
    )?;
    rows.first().map(|r| r.int(0)).unwrap_or(Ok(0))
}

pub fn list(
    db: &Db,
    user_id: &str,
    status: Option<Status>,
    limit: i64,
) -> Result<Vec<Suggestion>, Error> {
    let rows = match status {
        Some(s) => db.query(
            &format!(
                "SELECT {COLUMNS} FROM suggestions WHERE user_id = $1 AND status = $2
                 ORDER BY created_at DESC, id DESC LIMIT $3"
            ),
            &[user_id.into(), s.as_str().into(), Value::Int(limit)],
        )?,
        None => db.query(
            &format!(
                "SELECT {COLUMNS} FROM suggestions WHERE user_id = $1
                 ORDER BY created_at DESC, id DESC LIMIT $2"
            ),
            &[user_id.into(), Value::Int(limit)],
        )?,
    };
    rows.iter().map(from_row).collect()
}

pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Option<Suggestion>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM suggestions WHERE id = $1 AND user_id = $2"),
        &[id.into(), user_id.into()],
    )?;
    rows.first().map(from_row).transpose()
}

/// Moves an open suggestion to `to`; answers it as closed, or `None` when
/// it was not open (or is not the user's).
pub fn close(
    db: &Db,
    user_id: &str,
    id: &str,
    to: Status,
    now: i64,
) -> Result<Option<Suggestion>, Error> {
    db.transaction(|db| {
        let n = db.execute(
            "UPDATE suggestions SET status = $3, updated_at = $4
             WHERE id = $1 AND user_id = $2 AND status = 'open'",
            &[
                id.into(),
                user_id.into(),
                to.as_str().into(),
                Value::Int(now),
            ],
        )?;
        if n == 0 {
            return Ok(None);
        }
        let closed = get(db, user_id, id)?;
        if let Some(s) = &closed {
            record_change(db, s)?;
        }
        Ok(closed)
    })
}

/// A completed or deleted task needs no more advice; answers how many
/// suggestions this closed.
pub fn resolve_for_task(db: &Db, user_id: &str, task_id: &str, now: i64) -> Result<u64, Error> {
    db.transaction(|db| {
        let open = db.query(
            "SELECT id FROM suggestions WHERE user_id = $1 AND task_id = $2 AND status = 'open'",
            &[user_id.into(), task_id.into()],
        )?;
        let mut closed = 0;
        for row in &open {
            if close(db, user_id, &row.text(0)?, Status::Resolved, now)?.is_some() {
                closed += 1;
            }
        }
        Ok(closed)
    })
}
