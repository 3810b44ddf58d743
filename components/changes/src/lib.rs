//! The change feed for live sync: `GET /api/v1/changes?since=<cursor>`.
//!
//! - With `Accept: text/event-stream`: server-sent events, one `change`
//!   event per change with its sequence number as the event id, for up to
//!   `STREAM_SECONDS`; then a `reconnect` event and the stream ends (the
//!   browser's EventSource reconnects with `Last-Event-ID`, which resumes).
//! - Otherwise long-poll JSON: `{items, cursor}`, waiting up to `wait`
//!   seconds (at most 30) for the first change.
//!
//! The cursor is the user's own gap-free sequence, so a client that was
//! offline gets exactly what it missed. Without `since`, the answer is the
//! current cursor and no items (start from a fresh load). The feed keeps
//! about a week (store::retention); a cursor from before that answers 410
//! `cursor_expired`, and the client reloads as it does at start.

use domain::{Error, ErrorKind};
use futures::SinkExt;
use http_api::{error_reply, Config, Reply, Request};
use serde_json::{json, Value};
use spin_sdk::http::{Headers, IncomingRequest, OutgoingResponse, ResponseOutparam};
use spin_sdk::http_component;
use std::time::{Duration, Instant};
use store::changes::Change;
use store::Db;

const POLL: Duration = Duration::from_millis(250);
const STREAM_SECONDS: u64 = 25;
const HEARTBEAT: Duration = Duration::from_secs(10);
const MAX_WAIT_SECONDS: u64 = 30;
const PAGE: i64 = 500;

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    let started = Instant::now();
    let req = match Request::read("changes", incoming).await {
        Ok(r) => r,
        Err((e, (method, path, cid))) => {
            answer(out, Err(e), (&method, &path, &cid), started).await;
            return;
        }
    };
    let info = (
        req.method.as_str(),
        req.path.as_str(),
        req.correlation_id.as_str(),
    );
    match plan(&req) {
        Err(e) => answer(out, Err(e), info, started).await,
        Ok(Plan::Poll {
            db_url,
            user_id,
            since,
            wait,
        }) => {
            let body = long_poll(&db_url, &user_id, since, wait).map(|b| Reply::json(200, &b));
            answer(out, body, info, started).await;
        }
        Ok(Plan::Stream {
            db_url,
            user_id,
            since,
        }) => {
            http_api::log_line("changes", info.0, info.1, 200, started, info.2, None);
            stream(out, &db_url, &user_id, since, &req.correlation_id).await;
        }
    }
}

/// Sends a whole reply (or the error's) and logs the request.
async fn answer(
    out: ResponseOutparam,
    result: Result<Reply, Error>,
    info: (&str, &str, &str),
    started: Instant,
) {
    let (method, path, correlation_id) = info;
    let (reply, error) = match result {
        Ok(r) => (r, None),
        Err(e) => (error_reply(&e), Some(e)),
    };
    let status = reply.status;
    http_api::send(out, reply, correlation_id).await;
    http_api::log_line(
        "changes",
        method,
        path,
        status,
        started,
        correlation_id,
        error.as_ref(),
    );
}

enum Plan {
    Poll {
        db_url: String,
        user_id: String,
        since: Option<i64>,
        wait: u64,
    },
    Stream {
        db_url: String,
        user_id: String,
        since: Option<i64>,
    },
}

fn plan(req: &Request) -> Result<Plan, Error> {
    if req.method != "GET" {
        return Err(http_api::method_not_allowed("GET"));
    }
    let mut since = None;
    let mut wait = 0;
    for (k, v) in &req.query {
        match k.as_str() {
            "since" => since = Some(parse_cursor(v)?),
            "wait" => {
                wait = v
                    .parse::<u64>()
                    .ok()
                    .filter(|w| *w <= MAX_WAIT_SECONDS)
                    .ok_or_else(|| {
                        Error::invalid(
                            "wait",
                            format!("wait must be 0 to {MAX_WAIT_SECONDS} seconds"),
                        )
                    })?
            }
            other => {
                return Err(Error::bad_request(
                    "unknown_parameter",
                    format!("unknown query parameter `{other}`; expected since, wait"),
                ))
            }
        }
    }
    // EventSource resumes with the last id it saw.
    if let Some(last) = req.header("last-event-id").filter(|v| !v.is_empty()) {
        since = Some(parse_cursor(last)?);
    }
    let config = Config::load()?;
    let db = Db::connect(&config.db_url)?;
    let who = sessions::authenticate(&db, &config.keys(), req.session_token())?;
    let latest = store::changes::latest(&db, &who.user_id)?;
    if since.is_some_and(|s| s > latest) {
        return Err(Error::new(
            ErrorKind::Conflict,
            "cursor_ahead",
            "the cursor is ahead of the feed; reload everything and start from the new cursor",
        )
        .with_details(json!({ "cursor": latest })));
    }
    if let Some(s) = since {
        if store::changes::cursor_expired(&db, &who.user_id, s, latest)? {
            return Err(cursor_expired(latest));
        }
    }
    let sse = req
        .header("accept")
        .is_some_and(|a| a.contains("text/event-stream"));
    let db_url = config.db_url;
    Ok(if sse {
        Plan::Stream {
            db_url,
            user_id: who.user_id,
            since: Some(since.unwrap_or(latest)),
        }
    } else {
        Plan::Poll {
            db_url,
            user_id: who.user_id,
            since,
            wait,
        }
    })
}

/// The changes after the client's cursor were pruned (the feed keeps a
/// week, see store::retention): only a full reload can bring it up to date.
/// Answered before any streaming starts, so SSE clients see the status too.
fn cursor_expired(latest: i64) -> Error {
    Error::new(
        ErrorKind::Gone,
        "cursor_expired",
        "the changes after this cursor are no longer kept; reload everything and start from the new cursor",
    )
    .with_details(json!({ "cursor": latest }))
}

/// Whether `changes` continue the feed right after `cursor`. The sequence
/// is gap-free, so a jump means a prune ran while the client waited.
fn continues(cursor: i64, changes: &[Change]) -> bool {
    changes.first().is_none_or(|c| c.seq == cursor + 1)
}

fn parse_cursor(v: &str) -> Result<i64, Error> {
    v.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| Error::invalid("since", "since must be a cursor returned by this endpoint"))
}

fn item(c: &Change) -> Value {
    json!({
        "seq": c.seq,
        "kind": c.kind,
        "entityId": c.entity_id,
        "data": serde_json::from_str::<Value>(&c.payload).unwrap_or(Value::Null),
        "createdAt": domain::time::format_ms(c.created_at),
    })
}

/// Each poll takes a pooled connection and gives it back, so waiting
/// clients do not hold database connections.
fn fetch(db_url: &str, user_id: &str, since: i64) -> Result<Vec<Change>, Error> {
    let db = Db::connect(db_url)?;
    store::changes::since(&db, user_id, since, PAGE)
}

fn long_poll(db_url: &str, user_id: &str, since: Option<i64>, wait: u64) -> Result<Value, Error> {
    let Some(since) = since else {
        let db = Db::connect(db_url)?;
        return Ok(json!({ "items": [], "cursor": store::changes::latest(&db, user_id)? }));
    };
    let deadline = Instant::now() + Duration::from_secs(wait);
    loop {
        let changes = fetch(db_url, user_id, since)?;
        if !continues(since, &changes) {
            let db = Db::connect(db_url)?;
            return Err(cursor_expired(store::changes::latest(&db, user_id)?));
        }
        if !changes.is_empty() || Instant::now() >= deadline {
            let cursor = changes.last().map(|c| c.seq).unwrap_or(since);
            let items: Vec<Value> = changes.iter().map(item).collect();
            return Ok(json!({ "items": items, "cursor": cursor }));
        }
        std::thread::sleep(POLL);
    }
}

async fn stream(
    out: ResponseOutparam,
    db_url: &str,
    user_id: &str,
    since: Option<i64>,
    correlation_id: &str,
) {
    let headers = Headers::from_list(&[
        ("content-type".to_string(), b"text/event-stream".to_vec()),
        ("cache-control".to_string(), b"no-store".to_vec()),
        (
            "x-correlation-id".to_string(),
            correlation_id.as_bytes().to_vec(),
        ),
    ])
    .unwrap_or_else(|_| Headers::new());
    let response = OutgoingResponse::new(headers);
    let _ = response.set_status_code(200);
    let mut body = response.take_body();
    out.set(response);
    let mut cursor = since.unwrap_or(0);
    // Tell the browser how soon to reconnect after the stream ends.
    if body.send(b"retry: 1000\n\n".to_vec()).await.is_err() {
        return;
    }
    let started = Instant::now();
    let mut last_write = Instant::now();
    while started.elapsed() < Duration::from_secs(STREAM_SECONDS) {
        let changes = match fetch(db_url, user_id, cursor) {
            Ok(c) => c,
            Err(e) => {
                applog::warn("change feed poll failed", json!({ "error": e.message }));
                break;
            }
        };
        if !continues(cursor, &changes) {
            // Pruned under the open stream: end it at the last change sent;
            // the browser reconnects from there and gets the 410.
            break;
        }
        let mut chunk = String::new();
        for c in &changes {
            chunk.push_str(&format!(
                "id: {}\nevent: change\ndata: {}\n\n",
                c.seq,
                item(c)
            ));
            cursor = c.seq;
        }
        if chunk.is_empty() && last_write.elapsed() >= HEARTBEAT {
            chunk.push_str(": heartbeat\n\n");
        }
        if !chunk.is_empty() {
            if body.send(chunk.into_bytes()).await.is_err() {
                return; // the client went away
            }
            last_write = Instant::now();
        }
        std::thread::sleep(POLL);
    }
    let _ = body
        .send(
            format!("id: {cursor}\nevent: reconnect\ndata: {{\"cursor\":{cursor}}}\n\n")
                .into_bytes(),
        )
        .await;
}
