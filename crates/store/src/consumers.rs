//! What event consumers keep: which events each consumer has processed
//! (idempotency), and the dead letters.

use crate::db::{is_unique_violation, Db, Value};
use domain::Error;

/// Records that `consumer` processed `event_id`; false when it already had.
/// Run inside the consumer's transaction so the effect and the record
/// commit together.
pub fn mark_processed(db: &Db, consumer: &str, event_id: &str, now: i64) -> Result<bool, Error> {
    let result = db.execute(
        "INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3)
         ON CONFLICT (consumer, event_id) DO NOTHING",
        &[consumer.into(), event_id.into(), Value::Int(now)],
    );
    match result {
        Ok(n) => Ok(n > 0),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn was_processed(db: &Db, consumer: &str, event_id: &str) -> Result<bool, Error> {
    let rows = db.query(
        "SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2",
        &[consumer.into(), event_id.into()],
    )?;
    Ok(!rows.is_empty())
}

pub struct DeadLetter<'a> {
    pub id: &'a str,
    pub topic: &'a str,
    pub event_type: &'a str,
    pub user_id: Option<&'a str>,
    pub payload: &'a str,
}

/// Keeps a dead letter once, whatever the redelivery.
pub fn record_dead_letter(db: &Db, d: &DeadLetter, now: i64) -> Result<bool, Error> {
    let n = db.execute(
        "INSERT INTO dead_letters (id, topic, event_type, user_id, payload, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        &[
            d.id.into(),
            d.topic.into(),
            d.event_type.into(),
            d.user_id.into(),
            d.payload.into(),
            Value::Int(now),
        ],
    )?;
    Ok(n > 0)
}

pub fn count_dead_letters(db: &Db) -> Result<i64, Error> {
    let rows = db.query("SELECT COUNT(*) FROM dead_letters", &[])?;
    rows.first().map(|r| r.int(0)).unwrap_or(Ok(0))
}
