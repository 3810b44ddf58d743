//! Suggestions API: `GET /api/v1/suggestions[?status=open|dismissed|accepted|resolved|all]`,
//! `POST /api/v1/suggestions/:id/dismiss`, `POST /api/v1/suggestions/:id/accept`
//! (applies the suggested change through the same task operations as the
//! REST API, so its events follow).

use domain::suggestion::Status;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

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
    let items = task_service::suggestions::list(&db, &who.user_id, status)?;
    Ok(Reply::json(200, &json!({ "items": items })).into())
}

fn dismiss(req: &Request, id: &str) -> Result<Outcome, Error> {
    let (db, who) = open_authenticated(req)?;
    let closed = task_service::suggestions::dismiss(&db, &who.user_id, id)?;
    Ok(Reply::json(200, &closed).into())
}

fn accept(req: &Request, id: &str) -> Result<Outcome, Error> {
    let (db, who) = open_authenticated(req)?;
    let accepted = task_service::suggestions::accept(&db, &who.user_id, id, &origin(req))?;
    Ok(Outcome::with_events(
        Reply::json(
            200,
            &json!({ "suggestion": accepted.suggestion, "task": accepted.task }),
        ),
        db,
        accepted.events,
    ))
}
