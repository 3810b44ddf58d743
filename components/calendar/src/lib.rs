//! The user's calendar feed: `GET /api/v1/calendar` (its URL, or null),
//! `POST /api/v1/calendar` (makes it, or gives it a new secret URL: the old
//! one stops working), `DELETE /api/v1/calendar` (turns it off).

use domain::time::format_ms;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, Outcome, Reply, Request};
use serde_json::{json, Value};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::calendar::Feed;
use task_service::calendar;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("calendar", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    match req.method.as_str() {
        "GET" => {
            let (db, who) = open_authenticated(req)?;
            let feed = calendar::get(&db, &who.user_id)?;
            Ok(Reply::json(200, &view(feed.as_ref())).into())
        }
        "POST" => {
            let (db, who) = open_authenticated(req)?;
            let feed = calendar::regenerate(&db, &who.user_id)?;
            Ok(Reply::json(201, &view(Some(&feed))).into())
        }
        "DELETE" => {
            let (db, who) = open_authenticated(req)?;
            calendar::revoke(&db, &who.user_id)?;
            Ok(Reply::no_content().into())
        }
        _ => Err(method_not_allowed("GET, POST, DELETE")),
    }
}

/// `{url, createdAt}`; the URL is absolute when `public_base_url` is set.
fn view(feed: Option<&Feed>) -> Value {
    match feed {
        None => json!({ "url": null, "createdAt": null }),
        Some(f) => {
            let base = http_api::config::var_or_empty("public_base_url");
            json!({
                "url": format!("{}/api/v1/calendar/feed/{}.ics", base.trim_end_matches('/'), f.token),
                "createdAt": format_ms(f.created_at),
            })
        }
    }
}
