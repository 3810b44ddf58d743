//! Suggestions API: `GET /api/v1/suggestions[?status=open|dismissed|accepted|resolved|all]`,
//! `POST /api/v1/suggestions/:id/dismiss`, `POST /api/v1/suggestions/:id/accept`
//! (applies the suggested change through the same task operations as the
//! REST API, so its events follow).

use domain::suggestion::Status;
use domain::task::TaskPatch;
use domain::time::{now_ms, parse_instant};
use domain::{Error, ErrorKind};
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use task_service::Expected;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("suggestions", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let rest = req.path.trim_start_matches("/api/v1/suggestions");
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", []) => list(req),
        ("POST", [id, "dismiss"]) => dismiss(req, id),
        ("POST", [id, "accept"]) => accept(req, id),
        (_, []) => Err(method_not_allowed("GET")),
        (_, [_, "dismiss" | "accept"]) => Err(method_not_allowed("POST")),
        _ => Err(Error::not_found("endpoint")),
    }
}

fn list(req: &Request) -> Result<Outcome, Error> {
    let mut status = Some(Status::Open);
    for (k, v) in &req.query {
        match (k.as_str(), v.as_str()) {
            ("status", "all") => status = None,
            ("status", s) => {
                status = Some(Status::parse(s).ok_or_else(|| {
                    Error::invalid(
                        "status",
                        "status must be one of open, dismissed, accepted, resolved, all",
                    )
                })?)
            }
            (other, _) => {
                return Err(Error::bad_request(
                    "unknown_parameter",
                    format!("unknown query parameter `{other}`; expected status"),
                ))
            }
        }
    }
    let (db, who) = open_authenticated(req)?;
    let items = store::suggestions::list(&db, &who.user_id, status, 200)?;
    Ok(Reply::json(200, &json!({ "items": items })).into())
}

fn not_open() -> Error {
    Error::new(
        ErrorKind::Conflict,
        "suggestion_closed",
        "the suggestion is no longer open",
    )
}

fn dismiss(req: &Request, id: &str) -> Result<Outcome, Error> {
    let (db, who) = open_authenticated(req)?;
    match store::suggestions::close(&db, &who.user_id, id, Status::Dismissed, now_ms())? {
        Some(s) => Ok(Reply::json(200, &s).into()),
        // Unknown or someone else's (404), or no longer open (409).
        None => match store::suggestions::get(&db, &who.user_id, id)? {
            Some(_) => Err(not_open()),
            None => Err(Error::not_found("suggestion")),
        },
    }
}

/// Applies the suggested change and closes the suggestion in one
/// transaction: both happen, or neither (a suggestion closed meanwhile
/// leaves the task as it was).
fn accept(req: &Request, id: &str) -> Result<Outcome, Error> {
    let (db, who) = open_authenticated(req)?;
    let user_id = who.user_id.as_str();
    let (suggestion, task, events) = db.transaction(|db| {
        let suggestion = store::suggestions::get(db, user_id, id)?
            .ok_or_else(|| Error::not_found("suggestion"))?;
        if suggestion.status != Status::Open {
            return Err(not_open());
        }
        let action = suggestion.action.clone().unwrap_or_default();
        let (task, events) = match action["type"].as_str() {
            Some("reschedule") => {
                let task_id = action["taskId"]
                    .as_str()
                    .ok_or_else(|| Error::internal("action without taskId"))?;
                let due = parse_instant("dueAt", action["dueAt"].as_str().unwrap_or_default())?;
                let patch = TaskPatch {
                    due_at: Some(Some(due)),
                    ..Default::default()
                };
                let changed = task_service::update(
                    db,
                    user_id,
                    task_id,
                    &patch,
                    Expected::default(),
                    &origin(req),
                )?;
                (Some(changed.task), changed.events)
            }
            _ => (None, vec![]),
        };
        let closed = store::suggestions::close(db, user_id, id, Status::Accepted, now_ms())?
            .ok_or_else(not_open)?;
        Ok((closed, task, events))
    })?;
    Ok(Outcome::with_events(
        Reply::json(200, &json!({ "suggestion": suggestion, "task": task })),
        db,
        events,
    ))
}
