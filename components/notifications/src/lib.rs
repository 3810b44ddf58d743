//! The notification inbox: `GET /api/v1/notifications` (each with its
//! delivery attempts per channel) and `POST /api/v1/notifications/:id/read`.

use domain::time::now_ms;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("notifications", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let rest = req.path.trim_start_matches("/api/v1/notifications");
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", []) => {
            let (db, who) = open_authenticated(req)?;
            let items = store::notifications::list(&db, &who.user_id, 200)?;
            Ok(Reply::json(200, &json!({ "items": items })).into())
        }
        (_, []) => Err(method_not_allowed("GET")),
        ("POST", [id, "read"]) => {
            let (db, who) = open_authenticated(req)?;
            if !store::notifications::mark_read(&db, &who.user_id, id, now_ms())? {
                return Err(Error::not_found("notification"));
            }
            Ok(Reply::no_content().into())
        }
        (_, [_, "read"]) => Err(method_not_allowed("POST")),
        _ => Err(Error::not_found("endpoint")),
    }
}
