//! Dead letters for operators: the events a consumer gave up on (recorded
//! by the dead-letter recorder, see `consumers::record_dead_letter`), to
//! list, inspect, correct, replay to their original topic, or discard.

use crate::db::{Db, Row, Value};
use domain::Error;

/// One dead letter; `payload` is the CloudEvent as it was published.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    pub id: String,
    pub topic: String,
    pub event_type: String,
    pub user_id: Option<String>,
    pub payload: String,
    pub received_at: i64,
    pub replays: i64,
    pub last_replayed_at: Option<i64>,
}

const COLUMNS: &str =
    "id, topic, event_type, user_id, payload, received_at, replays, last_replayed_at";

fn from_row(r: &Row) -> Result<DeadLetter, Error> {
    Ok(DeadLetter {
        id: r.text(0)?,
        topic: r.text(1)?,
        event_type: r.text(2)?,
        user_id: r.opt_text(3)?,
        payload: r.text(4)?,
        received_at: r.int(5)?,
        replays: r.int(6)?,
        last_replayed_at: r.opt_int(7)?,
    })
}

/// Newest first; `before` is the (received_at, id) of the last letter of
/// the previous page.
pub fn list(db: &Db, before: Option<(i64, &str)>, limit: i64) -> Result<Vec<DeadLetter>, Error> {
    let rows = match before {
        None => db.query(
            &format!(
                "SELECT {COLUMNS} FROM dead_letters ORDER BY received_at DESC, id DESC LIMIT $1"
            ),
            &[Value::Int(limit)],
        )?,
        Some((at, id)) => db.query(
            &format!(
                "SELECT {COLUMNS} FROM dead_letters
                 WHERE received_at < $1 OR (received_at = $1 AND id < $2)
                 ORDER BY received_at DESC, id DESC LIMIT $3"
            ),
            &[Value::Int(at), id.into(), Value::Int(limit)],
        )?,
    };
    rows.iter().map(from_row).collect()
}

pub fn get(db: &Db, id: &str) -> Result<Option<DeadLetter>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM dead_letters WHERE id = $1"),
        &[id.into()],
    )?;
    rows.first().map(from_row).transpose()
}

/// Counts a replay the sidecar accepted.
pub fn mark_replayed(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.run(
        "UPDATE dead_letters SET replays = replays + 1, last_replayed_at = $2 WHERE id = $1",
        &[id.into(), Value::Int(now)],
    )
}

/// Replaces the recorded event with the operator's corrected one (same id
/// and type, checked by the caller), so the next replay publishes the fix;
/// false when there was no such letter.
pub fn amend(db: &Db, id: &str, payload: &str) -> Result<bool, Error> {
    Ok(db.execute(
        "UPDATE dead_letters SET payload = $2 WHERE id = $1",
        &[id.into(), payload.into()],
    )? > 0)
}

/// Removes a letter; false when there was none.
pub fn discard(db: &Db, id: &str) -> Result<bool, Error> {
    Ok(db.execute("DELETE FROM dead_letters WHERE id = $1", &[id.into()])? > 0)
}
