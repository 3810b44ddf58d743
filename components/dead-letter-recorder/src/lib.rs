//! Dead-letter recorder: keeps every event that reached a dead-letter topic
//! (`<topic>-dlq`) for inspection, once per event id.
//! Route: /events/dead-letter.

use consumer::{Event, Handled};
use domain::Error;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::consumers::{record_dead_letter, DeadLetter};
use store::Db;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_event("dead-letter-recorder", req, out, on_event).await
}

fn on_event(db: &Db, event: &Event, now: i64) -> Result<Handled, Error> {
    // Dapr republishes the original bytes, so `topic` names the topic the
    // event failed on, not the dead-letter topic.
    let letter = DeadLetter {
        id: &event.id,
        topic: &event.topic,
        event_type: &event.kind,
        user_id: event.data.get("userId").and_then(|v| v.as_str()),
        payload: &event.envelope.to_string(),
    };
    let new = record_dead_letter(db, &letter, now)?;
    applog::emit(&serde_json::json!({
        "level": "warn", "msg": "dead letter", "eventId": event.id, "eventType": event.kind,
        "topic": event.topic, "correlationId": event.correlation_id(),
    }));
    Ok(Handled::nothing(if new {
        "recorded"
    } else {
        "already_recorded"
    }))
}
