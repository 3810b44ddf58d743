//! The task collection: `GET /api/v1/tasks` (filters, search, sort, cursor
//! pages) and `POST /api/v1/tasks`.

use domain::query::parse_list_query;
use domain::task::parse_new_task;
use domain::Error;
use http_api::{method_not_allowed, open_presented, origin, Outcome, Reply, Request};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("tasks", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    match req.method.as_str() {
        "GET" => list(req),
        "POST" => create(req),
        _ => Err(method_not_allowed("GET, POST")),
    }
}

fn list(req: &Request) -> Result<Outcome, Error> {
    let query = parse_list_query(&req.query)?;
    let (db, presented) = open_presented(req)?;
    let (_, page) = presented.confirm_within(&db, |who, gate| {
        task_service::list_gated(&db, &who.user_id, &query, gate)
    })?;
    // Serialized straight from the page: a `json!` value first would build
    // a map per task and cost a tenth of the request.
    Ok(Reply::json(200, &page).into())
}

fn create(req: &Request) -> Result<Outcome, Error> {
    // Validate before touching the database: bad input costs nothing.
    let input = parse_new_task(&req.json()?)?;
    let (db, presented) = open_presented(req)?;
    let (_, changed) = presented.confirm_within(&db, |who, gate| {
        task_service::create_gated(&db, &who.user_id, input.clone(), &origin(req), gate)
    })?;
    let reply = Reply::json(201, &changed.task)
        .with_header("location", format!("/api/v1/tasks/{}", changed.task.id))
        .with_header("etag", format!("\"{}\"", changed.task.version));
    Ok(Outcome::with_events(reply, db, changed.events))
}
