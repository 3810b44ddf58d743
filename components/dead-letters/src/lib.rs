//! Dead-letter operations for operators (`admin_api_token`; the public
//! gateway never forwards `/admin`):
//!   GET    /admin/dead-letters[?before=<cursor>]   newest first, 50 a page
//!   GET    /admin/dead-letters/:id                 one letter with its event
//!   PUT    /admin/dead-letters/:id/event           correct the recorded event
//!   POST   /admin/dead-letters/:id/replay          publish it again to its topic
//!   DELETE /admin/dead-letters/:id                 discard it
//! A replay publishes the recorded CloudEvent, original id included, as a
//! new delivery: consumers that handled it meanwhile skip it (they keep
//! processed ids), the others get another try. When the event itself is
//! wrong (a producer bug), the operator first PUTs the corrected CloudEvent:
//! its id and type must stay those of the letter, so consumers still see
//! one event, handled at most once. The letter stays until it is
//! discarded; its `replays` count says what was tried.

use domain::time::now_ms;
use domain::Error;
use http_api::{check_admin_token, config, method_not_allowed, Outcome, Reply, Request};
use serde_json::{json, Value};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::dead_letters::{self, DeadLetter};
use store::Db;

const PAGE: i64 = 50;
const LETTER_ROUTE: &str = "/admin/dead-letters/:id";

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve_async("dead-letters", req, out, route).await
}

async fn route(req: Request) -> Result<Outcome, Error> {
    check_admin_token(&req)?;
    let rest = req
        .path
        .strip_prefix("/admin/dead-letters")
        .unwrap_or_default()
        .to_string();
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let db = Db::open(&config::var("db_url")?)?;
    match (req.method.as_str(), segments.as_slice()) {
        ("GET", []) => list(&db, &req),
        (_, []) => Err(method_not_allowed("GET")),
        ("GET", [_]) => Ok(Reply::json(200, &view(&find(&db, &req)?, true)).into()),
        ("DELETE", [_]) => {
            let id = req.path_param(LETTER_ROUTE, "id")?;
            if !dead_letters::discard(&db, &id)? {
                return Err(Error::not_found("dead letter"));
            }
            Ok(Reply::no_content().into())
        }
        (_, [_]) => Err(method_not_allowed("GET, DELETE")),
        ("POST", [_, "replay"]) => replay(&db, &req).await,
        (_, [_, "replay"]) => Err(method_not_allowed("POST")),
        ("PUT", [_, "event"]) => correct(&db, &req),
        (_, [_, "event"]) => Err(method_not_allowed("PUT")),
        _ => Err(Error::not_found("endpoint")),
    }
}

fn list(db: &Db, req: &Request) -> Result<Outcome, Error> {
    let before = req
        .query
        .iter()
        .find(|(k, _)| k == "before")
        .map(|(_, v)| parse_cursor(v))
        .transpose()?;
    let letters = dead_letters::list(db, before.as_ref().map(|(at, id)| (*at, id.as_str())), PAGE)?;
    let next = (letters.len() as i64 == PAGE)
        .then(|| {
            letters
                .last()
                .map(|l| format!("{}:{}", l.received_at, l.id))
        })
        .flatten();
    let items: Vec<Value> = letters.iter().map(|l| view(l, false)).collect();
    Ok(Reply::json(200, &json!({ "items": items, "nextCursor": next })).into())
}

fn parse_cursor(text: &str) -> Result<(i64, String), Error> {
    text.split_once(':')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.to_string())))
        .ok_or_else(|| Error::bad_request("bad_cursor", "before must be a nextCursor value"))
}

fn find(db: &Db, req: &Request) -> Result<DeadLetter, Error> {
    let id = req.path_param(LETTER_ROUTE, "id")?;
    dead_letters::get(db, &id)?.ok_or_else(|| Error::not_found("dead letter"))
}

/// Replaces the letter's event with the body, a CloudEvent 1.0 whose id
/// and type are the letter's own: a correction, never a different event.
fn correct(db: &Db, req: &Request) -> Result<Outcome, Error> {
    let letter = find(db, req)?;
    let event = req.json()?;
    let field = |name: &str| event.get(name).and_then(Value::as_str);
    if !event.is_object() {
        return Err(Error::invalid(
            "event",
            "the body must be a CloudEvent object",
        ));
    }
    if field("specversion") != Some("1.0") {
        return Err(Error::invalid("specversion", "must be \"1.0\""));
    }
    if field("id") != Some(letter.id.as_str()) {
        return Err(Error::invalid(
            "id",
            "must stay the dead letter's id, so consumers stay idempotent",
        ));
    }
    if field("type") != Some(letter.event_type.as_str()) {
        return Err(Error::invalid("type", "must stay the dead letter's type"));
    }
    if field("source").is_none_or(str::is_empty) {
        return Err(Error::invalid("source", "is required"));
    }
    if !dead_letters::amend(db, &letter.id, &event.to_string())? {
        return Err(Error::not_found("dead letter"));
    }
    let corrected = dead_letters::get(db, &letter.id)?.unwrap_or(letter);
    Ok(Reply::json(200, &view(&corrected, true)).into())
}

async fn replay(db: &Db, req: &Request) -> Result<Outcome, Error> {
    let letter = find(db, req)?;
    let envelope: Value = serde_json::from_str(&letter.payload).unwrap_or_default();
    let partition_key = letter.user_id.clone().unwrap_or_else(|| letter.id.clone());
    events::Publisher::from_variables()
        .publish(
            &letter.topic,
            &partition_key,
            &letter.payload,
            envelope["traceparent"].as_str(),
        )
        .await?;
    dead_letters::mark_replayed(db, &letter.id, now_ms())?;
    let replayed = dead_letters::get(db, &letter.id)?.unwrap_or(letter);
    Ok(Reply::json(202, &view(&replayed, false)).into())
}

fn view(l: &DeadLetter, with_event: bool) -> Value {
    let mut v = json!({
        "id": l.id,
        "topic": l.topic,
        "type": l.event_type,
        "userId": l.user_id,
        "receivedAt": domain::time::format_ms(l.received_at),
        "replays": l.replays,
        "lastReplayedAt": l.last_replayed_at.map(domain::time::format_ms),
    });
    if with_event {
        v["event"] = serde_json::from_str(&l.payload).unwrap_or(Value::String(l.payload.clone()));
    }
    v
}
