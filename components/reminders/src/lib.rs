//! Reminders API:
//! `GET|POST /api/v1/tasks/:id/reminders` (`{"before": "15m"}` or `{"at": "<time>"}`),
//! `DELETE /api/v1/reminders/:id` (cancel), `POST /api/v1/reminders/:id/snooze`
//! (`{"minutes": 10}`), `POST /api/v1/reminders/:id/dismiss`.

use domain::reminder::parse_spec;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use task_service::reminders;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("reminders", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let parts: Vec<&str> = req.path.trim_start_matches("/api/v1/").split('/').collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", ["tasks", task, "reminders"]) => list(req, task),
        ("POST", ["tasks", task, "reminders"]) => add(req, task),
        (_, ["tasks", _, "reminders"]) => Err(method_not_allowed("GET, POST")),
        ("DELETE", ["reminders", id]) => change(req, id, reminders::cancel),
        (_, ["reminders", _]) => Err(method_not_allowed("DELETE")),
        ("POST", ["reminders", id, "dismiss"]) => change(req, id, reminders::dismiss),
        ("POST", ["reminders", id, "snooze"]) => {
            let body = req.json()?;
            let minutes = body
                .get("minutes")
                .and_then(|m| m.as_i64())
                .ok_or_else(|| Error::invalid("minutes", "minutes must be a whole number"))?;
            change(req, id, |db, u, id, o| {
                reminders::snooze(db, u, id, minutes, o)
            })
        }
        (_, ["reminders", _, "dismiss" | "snooze"]) => Err(method_not_allowed("POST")),
        _ => Err(Error::not_found("endpoint")),
    }
}

fn list(req: &Request, task_id: &str) -> Result<Outcome, Error> {
    let (db, who) = open_authenticated(req)?;
    let items = reminders::list(&db, &who.user_id, task_id)?;
    Ok(Reply::json(200, &json!({ "items": items })).into())
}

fn add(req: &Request, task_id: &str) -> Result<Outcome, Error> {
    let spec = parse_spec(&req.json()?)?;
    let (db, who) = open_authenticated(req)?;
    let changed = reminders::add(&db, &who.user_id, task_id, spec, &origin(req))?;
    Ok(Outcome::with_events(
        Reply::json(201, &changed.reminder),
        db,
        changed.events,
    ))
}

fn change(
    req: &Request,
    id: &str,
    op: impl FnOnce(&store::Db, &str, &str, &domain::event::Origin) -> Result<reminders::Changed, Error>,
) -> Result<Outcome, Error> {
    let (db, who) = open_authenticated(req)?;
    let changed = op(&db, &who.user_id, id, &origin(req))?;
    Ok(Outcome::with_events(
        Reply::json(200, &changed.reminder),
        db,
        changed.events,
    ))
}
