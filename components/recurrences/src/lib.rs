//! Recurring series: `GET /api/v1/recurrences` (each with its rule, status,
//! description and instances), `POST /api/v1/recurrences/:id/stop`,
//! `POST /api/v1/recurrences/:id/resume`, `PATCH /api/v1/recurrences/:id`
//! (`{"rrule"?, "mode"?}`: applies to the instances after the open one),
//! `POST /api/v1/recurrences/:id/skip` (skips the open occurrence: it is
//! excluded from the rule and the next one takes its place).

use domain::time::{format_ms, now_ms};
use domain::{Error, ErrorKind};
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use serde_json::{json, Value};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::series::Series;
use store::Db;
use task_service::recurring;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("recurrences", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let rest = req.path.trim_start_matches("/api/v1/recurrences");
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", []) => {
            let (db, who) = open_authenticated(req)?;
            let items = store::series::list(&db, &who.user_id)?
                .iter()
                .map(|s| view(&db, s))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Reply::json(200, &json!({ "items": items })).into())
        }
        (_, []) => Err(method_not_allowed("GET")),
        ("PATCH", [id]) => {
            let body = req.json()?;
            let (db, who) = open_authenticated(req)?;
            let s = db.transaction(|db| recurring::edit(db, &who.user_id, id, &body, now_ms()))?;
            Ok(Reply::json(200, &view(&db, &s)?).into())
        }
        (_, [_]) => Err(method_not_allowed("PATCH")),
        ("POST", [id, action @ ("stop" | "resume")]) => {
            let (db, who) = open_authenticated(req)?;
            let (s, events) = db.transaction(|db| {
                recurring::set_status(
                    db,
                    &who.user_id,
                    id,
                    *action == "resume",
                    &origin(req),
                    now_ms(),
                )
            })?;
            let reply = Reply::json(200, &view(&db, &s)?);
            Ok(Outcome::with_events(reply, db, events))
        }
        (_, [_, "stop" | "resume"]) => Err(method_not_allowed("POST")),
        ("POST", [id, "skip"]) => {
            let (db, who) = open_authenticated(req)?;
            let (s, events) = db.transaction(|db| {
                let open = store::series::instances(db, &who.user_id, id)?
                    .into_iter()
                    .find(|i| i.completed_at.is_none());
                let Some(open) = open else {
                    store::series::get(db, &who.user_id, id)?
                        .ok_or_else(|| Error::not_found("series"))?;
                    return Err(Error::new(
                        ErrorKind::Conflict,
                        "no_open_instance",
                        "the series has no open occurrence to skip",
                    ));
                };
                let now = now_ms();
                let (_, events) =
                    recurring::skip(db, &who.user_id, &open.task_id, &origin(req), now)?;
                let s = store::series::get(db, &who.user_id, id)?
                    .ok_or_else(|| Error::not_found("series"))?;
                Ok((s, events))
            })?;
            let reply = Reply::json(200, &view(&db, &s)?);
            Ok(Outcome::with_events(reply, db, events))
        }
        (_, [_, "skip"]) => Err(method_not_allowed("POST")),
        _ => Err(Error::not_found("endpoint")),
    }
}

fn view(db: &Db, s: &Series) -> Result<Value, Error> {
    let mut v = recurring::display(s)?;
    let instances: Vec<Value> = store::series::instances(db, &s.user_id, &s.id)?
        .into_iter()
        .map(|i| {
            json!({ "taskId": i.task_id, "index": i.index, "dueAt": i.due_at.map(format_ms),
                    "completedAt": i.completed_at.map(format_ms) })
        })
        .collect();
    v["id"] = json!(s.id);
    v["status"] = json!(s.status);
    v["instances"] = json!(instances);
    v["updatedAt"] = json!(format_ms(s.updated_at));
    Ok(v)
}
