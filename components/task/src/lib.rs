//! One task: `GET|PATCH|DELETE /api/v1/tasks/:id`. Writes take the
//! expected version from `If-Match` (412 when stale) or the body's
//! `version` (409 when stale).

use domain::task::parse_patch;
use domain::time::now_ms;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use task_service::Expected;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("task", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    match req.method.as_str() {
        "GET" => read(req),
        "PATCH" => update(req),
        "DELETE" => delete(req),
        _ => Err(method_not_allowed("GET, PATCH, DELETE")),
    }
}

fn read(req: &Request) -> Result<Outcome, Error> {
    let id = req.path_param(http_api::TASK_ROUTE, "id")?;
    let (db, who) = open_authenticated(req)?;
    let task = task_service::get(&db, &who.user_id, &id)?;
    Ok(http_api::task_reply(200, &task).into())
}

fn update(req: &Request) -> Result<Outcome, Error> {
    let id = req.path_param(http_api::TASK_ROUTE, "id")?;
    let patch = parse_patch(&req.json()?)?;
    let expected = Expected {
        if_match: http_api::if_match(req)?,
        body_version: patch.expected_version,
    };
    let (db, who) = open_authenticated(req)?;
    let changed = task_service::update(&db, &who.user_id, &id, &patch, expected, &origin(req))?;
    Ok(Outcome::with_events(
        http_api::task_reply(200, &changed.task),
        db,
        changed.events,
    ))
}

/// `?scope=this` on an open instance of a repeating task deletes only this
/// occurrence (the series goes on with the next one); without it, or with
/// `scope=following`, the series ends with it.
fn delete(req: &Request) -> Result<Outcome, Error> {
    let id = req.path_param(http_api::TASK_ROUTE, "id")?;
    req.only_query_params(&["scope"])?;
    match req
        .query
        .iter()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.as_str())
    {
        None | Some("following") => {}
        Some("this") => {
            let (db, who) = open_authenticated(req)?;
            let (_, events) = db.transaction(|db| {
                task_service::recurring::skip(db, &who.user_id, &id, &origin(req), now_ms())
            })?;
            return Ok(Outcome::with_events(Reply::no_content(), db, events));
        }
        Some(_) => {
            return Err(Error::invalid(
                "scope",
                "scope must be this (only this occurrence) or following (the series ends)",
            ))
        }
    }
    let expected = Expected {
        if_match: http_api::if_match(req)?,
        body_version: None,
    };
    let (db, who) = open_authenticated(req)?;
    let changed = task_service::delete(&db, &who.user_id, &id, expected, &origin(req))?;
    Ok(Outcome::with_events(
        Reply::no_content(),
        db,
        changed.events,
    ))
}
