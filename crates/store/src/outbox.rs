//! The transactional outbox: events are written with the change that caused
//! them and marked sent once the sidecar accepted them.

use crate::db::{Db, Value};
use domain::event::OutboxEvent;
use domain::Error;

pub fn insert(db: &Db, e: &OutboxEvent) -> Result<(), Error> {
    db.execute(
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
    .map(|_| ())
}

pub fn mark_published(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.execute(
        "UPDATE outbox SET published_at = $2, attempts = attempts + 1 WHERE id = $1",
        &[id.into(), Value::Int(now)],
    )
    .map(|_| ())
}
