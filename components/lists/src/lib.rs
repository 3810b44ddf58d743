//! A user's lists: `GET /api/v1/lists` (all of them, open ones first) and
//! `POST /api/v1/lists`. The Inbox is not among them: it is where tasks
//! with no list are.

use domain::list::parse_new_list;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, origin, Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use task_service::lists;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("lists", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    match req.method.as_str() {
        "GET" => {
            let (db, who) = open_authenticated(req)?;
            let items = lists::all(&db, &who.user_id)?;
            Ok(Reply::json(200, &json!({ "items": items })).into())
        }
        "POST" => {
            let input = parse_new_list(&req.json()?)?;
            let (db, who) = open_authenticated(req)?;
            let changed = lists::create(&db, &who.user_id, input, &origin(req))?;
            let reply = Reply::json(201, &changed.list)
                .with_header("location", format!("/api/v1/lists/{}", changed.list.id));
            Ok(Outcome::with_events(reply, db, changed.events))
        }
        _ => Err(method_not_allowed("GET, POST")),
    }
}
