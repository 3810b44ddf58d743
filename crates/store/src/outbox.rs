//! The transactional outbox: events are written with the change that caused
//! them and marked sent once the sidecar accepted them.

use crate::db::{Db, Value};
use domain::event::OutboxEvent;
use domain::Error;

pub fn insert(db: &Db, e: &OutboxEvent) -> Result<(), Error> {
    db.run(
        "INSERT INTO outbox (id, topic, event_type, user_id, task_id, payload, created_at,
            published_at, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 0)",
        &[
            (&e.id).into(),
            e.topic.into(),
            e.event_type.into(),
            (&e.user_id).into(),
            (&e.task_id).into(),
            e.envelope.to_string().into(),
            Value::Int(e.created_at),
        ],
    )
}

pub fn mark_published(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.run(
        "UPDATE outbox SET published_at = $2, attempts = attempts + 1 WHERE id = $1",
        &[id.into(), Value::Int(now)],
    )
}

/// An outbox row still to publish.
pub struct Unsent {
    pub id: String,
    pub topic: String,
    pub user_id: String,
    pub payload: String,
}

/// The oldest unsent events created before `before` (the live path gets a
/// head start, so the relay rarely publishes an event twice).
pub fn unsent(db: &Db, before: i64, limit: i64) -> Result<Vec<Unsent>, Error> {
    let rows = db.query(
        "SELECT id, topic, user_id, payload FROM outbox
         WHERE published_at IS NULL AND created_at < $1
         ORDER BY created_at, id LIMIT $2",
        &[Value::Int(before), Value::Int(limit)],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Unsent {
                id: r.text(0)?,
                topic: r.text(1)?,
                user_id: r.text(2)?,
                payload: r.text(3)?,
            })
        })
        .collect()
}

pub fn count_unsent(db: &Db) -> Result<i64, Error> {
    let rows = db.query(
        "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL",
        &[],
    )?;
    rows.first().map(|r| r.int(0)).unwrap_or(Ok(0))
}
