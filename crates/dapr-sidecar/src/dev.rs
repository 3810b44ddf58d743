//! Developer routes: not part of Dapr's API.
//!
//! `GET /v1.0-dev/events` streams what the sidecar does as server-sent
//! events, one `data:` line of JSON per published message, delivery attempt
//! and dead letter, from the moment of the request on (the same feed as
//! [`crate::SidecarHandle::subscribe_events`]). Each JSON object is the
//! record's own fields ([`crate::PublishedMessage`], [`crate::DeliveryRecord`],
//! [`crate::DeadLetter`]) plus `record`: `published`, `delivery` or
//! `dead_letter`; a subscriber too slow to keep up gets
//! `{"record": "lagged", "missed": n}`. Like every API route but the
//! health checks, it requires the `dapr-api-token` header when the sidecar
//! has a Dapr API token.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use crate::observe::ObservedEvent;
use crate::runtime::Runtime;

/// The path of the event stream.
pub const EVENTS_PATH: &str = "/v1.0-dev/events";

/// How often an idle stream sends a comment, so that proxies keep it open
/// and a vanished client is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub(crate) type DevBody = BoxBody<Bytes, Infallible>;

/// Answers the developer routes; `None` for every other request.
pub(crate) fn handle<B>(rt: &Arc<Runtime>, req: &Request<B>) -> Option<Response<DevBody>> {
    if req.uri().path() != EVENTS_PATH {
        return None;
    }
    if let Some(expected) = &rt.cfg.dapr_api_token {
        let given = req
            .headers()
            .get("dapr-api-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if given != expected {
            return Some(plain(StatusCode::UNAUTHORIZED, "invalid api token"));
        }
    }
    if req.method() != Method::GET {
        return Some(plain(StatusCode::METHOD_NOT_ALLOWED, ""));
    }
    Some(events(rt))
}

fn plain(status: StatusCode, text: &'static str) -> Response<DevBody> {
    let mut resp = Response::new(Full::new(Bytes::from_static(text.as_bytes())).boxed());
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    resp
}

/// One feed record as the JSON object the stream carries.
pub(crate) fn event_json(event: &ObservedEvent) -> Value {
    let (name, record) = match event {
        ObservedEvent::Published(m) => ("published", serde_json::to_value(m)),
        ObservedEvent::Delivery(d) => ("delivery", serde_json::to_value(d)),
        ObservedEvent::DeadLetter(d) => ("dead_letter", serde_json::to_value(d)),
    };
    let mut out = serde_json::Map::new();
    match record {
        Ok(Value::Object(fields)) => out.extend(fields),
        Ok(other) => {
            out.insert("value".into(), other);
        }
        Err(e) => {
            out.insert("error".into(), Value::from(e.to_string()));
        }
    }
    out.insert("record".into(), Value::from(name));
    Value::Object(out)
}

fn sse_data(value: &Value) -> Bytes {
    Bytes::from(format!("data: {value}\n\n"))
}

fn events(rt: &Arc<Runtime>) -> Response<DevBody> {
    let mut feed = rt.observer.subscribe();
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    rt.tasks.spawn(async move {
        // Tells the client the stream is live before the first event.
        if tx
            .send(Bytes::from_static(b": connected\n\n"))
            .await
            .is_err()
        {
            return;
        }
        let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
        keep_alive.tick().await;
        loop {
            let chunk = tokio::select! {
                received = feed.recv() => match received {
                    Ok(event) => sse_data(&event_json(&event)),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        sse_data(&json!({"record": "lagged", "missed": missed}))
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = keep_alive.tick() => Bytes::from_static(b": keep-alive\n\n"),
                _ = tx.closed() => return,
            };
            if tx.send(chunk).await.is_err() {
                return;
            }
        }
    });
    let mut resp = Response::new(ChannelBody(rx).boxed());
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

/// A response body fed from a channel; it ends when the sender is gone.
struct ChannelBody(mpsc::Receiver<Bytes>);

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|b| Ok(Frame::data(b))))
    }
}
