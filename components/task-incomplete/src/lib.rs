//! `POST /api/v1/tasks/:id/incomplete`. Repeating it is harmless: the task
//! is returned unchanged and no event is published.

use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Request};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use task_service::Expected;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("task-incomplete", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    if req.method != "POST" {
        return Err(method_not_allowed("POST"));
    }
    let id = req.path_param("id")?;
    let expected = Expected {
        if_match: http_api::if_match(req)?,
        body_version: None,
    };
    let (db, who) = open_authenticated(req)?;
    let changed =
        task_service::set_completion(&db, &who.user_id, &id, false, expected, &origin(req))?;
    Ok(Outcome::with_events(
        http_api::task_reply(200, &changed.task),
        db,
        changed.events,
    ))
}
