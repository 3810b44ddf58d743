//! The task collection: `GET /api/v1/tasks` (filters, search, sort, cursor
//! pages) and `POST /api/v1/tasks`.

use domain::query::parse_list_query;
use domain::task::parse_new_task;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use serde_json::json;
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
    let (db, who) = open_authenticated(req)?;
    let page = task_service::list(&db, &who.user_id, &query)?;
    Ok(Reply::json(
        200,
        &json!({ "items": page.items, "nextCursor": page.next_cursor }),
    )
    .into())
}

fn create(req: &Request) -> Result<Outcome, Error> {
    // Validate before touching the database: bad input costs nothing.
    let input = parse_new_task(&req.json()?)?;
    let (db, who) = open_authenticated(req)?;
    let changed = task_service::create(&db, &who.user_id, input, &origin(req))?;
    let reply = Reply::json(201, &changed.task)
        .with_header("location", format!("/api/v1/tasks/{}", changed.task.id))
        .with_header("etag", format!("\"{}\"", changed.task.version));
    Ok(Outcome::with_events(reply, db, changed.events))
}
