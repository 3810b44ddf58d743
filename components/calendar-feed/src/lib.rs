//! `GET /api/v1/calendar/feed/:token.ics`: the user's open tasks with a due
//! date as an iCalendar (RFC 5545) feed. Calendar apps fetch it without
//! signing in, so the secret in the URL is the only key. They poll it, so
//! every answer carries an `ETag` and a `Last-Modified`, and a request that
//! presents either unchanged gets a bodiless 304.

use chrono::DateTime;
use domain::Error;
use http_api::{method_not_allowed, Outcome, Reply, Request};
use sha2::{Digest, Sha256};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

const ROUTE: &str = "/api/v1/calendar/feed/:token";

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("calendar-feed", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    if req.method != "GET" && req.method != "HEAD" {
        return Err(method_not_allowed("GET, HEAD"));
    }
    let raw = req.path_param(ROUTE, "token")?;
    let token = raw.strip_suffix(".ics").unwrap_or(&raw);
    let gone = || Error::not_found("calendar feed");
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(gone());
    }
    let db = store::Db::open(&http_api::config::var("db_url")?)?;
    let feed = task_service::calendar::render(&db, token)?.ok_or_else(gone)?;
    let etag = format!(
        "\"{}\"",
        Sha256::digest(feed.body.as_bytes())
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    // Whole seconds, as HTTP dates have them.
    let modified = feed.last_modified / 1000;
    let unchanged = match (req.header("if-none-match"), req.header("if-modified-since")) {
        // An ETag, when sent, decides (RFC 9110 13.2.2).
        (Some(tags), _) => tags
            .split(',')
            .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*"),
        (None, Some(since)) => DateTime::parse_from_rfc2822(since)
            .map(|s| s.timestamp() >= modified)
            .unwrap_or(false),
        (None, None) => false,
    };
    let mut reply = if unchanged {
        Reply {
            status: 304,
            headers: vec![],
            body: vec![],
        }
    } else {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "text/calendar; charset=utf-8".into())],
            body: if req.method == "HEAD" {
                vec![]
            } else {
                feed.body.into_bytes()
            },
        }
    };
    let http_date = DateTime::from_timestamp(modified, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    reply = reply
        .with_header("etag", etag)
        .with_header("last-modified", http_date)
        // Per user and secret: no shared cache may keep it; clients may,
        // asking again with the validators above.
        .with_header("cache-control", "private, no-cache")
        .with_header("referrer-policy", "no-referrer");
    Ok(reply.into())
}
