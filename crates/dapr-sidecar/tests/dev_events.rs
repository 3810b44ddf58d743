//! The developer event stream (`GET /v1.0-dev/events`, not part of Dapr).

mod common;

use bytes::Bytes;
use common::*;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::Value;

async fn open(sidecar: &str, method: &str, token: Option<&str>) -> hyper::Response<Incoming> {
    let addr = sidecar.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(dapr_sidecar::DEV_EVENTS_PATH)
        .header("host", addr);
    if let Some(t) = token {
        req = req.header("dapr-api-token", t);
    }
    sender
        .send_request(req.body(Empty::<Bytes>::new()).unwrap())
        .await
        .unwrap()
}

/// Reads the stream until a `data:` line arrives; returns its JSON.
async fn next_event(body: &mut Incoming, buffer: &mut String) -> Value {
    loop {
        if let Some(start) = buffer.find("data: ") {
            if let Some(len) = buffer[start..].find("\n\n") {
                let line = buffer[start + 6..start + len].to_string();
                buffer.drain(..start + len + 2);
                return serde_json::from_str(&line).unwrap();
            }
        }
        let frame = tokio::time::timeout(WAIT, body.frame())
            .await
            .expect("an event in time")
            .expect("the stream is open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            buffer.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

#[tokio::test]
async fn the_stream_carries_publishes_and_deliveries() {
    let env = env().await;
    let resp = open(&env.sidecar.base_url(), "GET", None).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let mut body = resp.into_body();
    let mut buffer = String::new();

    let published = env
        .client
        .send(
            "POST",
            &format!(
                "{}/v1.0/publish/pubsub/tasks-lifecycle",
                env.sidecar.base_url()
            ),
            &[
                ("content-type", "application/cloudevents+json"),
            ],
            r#"{"specversion":"1.0","id":"e1","source":"tests","type":"tasks.created","data":{"n":1}}"#,
        )
        .await;
    assert_eq!(published.status, 204, "{}", published.text());
    let event = next_event(&mut body, &mut buffer).await;
    assert_eq!(event["record"], "published", "{event}");
    assert_eq!(event["topic"], "tasks-lifecycle");
    assert_eq!(event["pubsub"], "pubsub");
    assert_eq!(event["event"]["data"], serde_json::json!({"n": 1}));

    let delivery = next_event(&mut body, &mut buffer).await;
    assert_eq!(delivery["record"], "delivery", "{delivery}");
    assert_eq!(delivery["path"], "/events/created");
    assert_eq!(delivery["id"], "e1");
    assert_eq!(delivery["outcome"], "success");
}

#[tokio::test]
async fn the_stream_requires_the_dapr_api_token() {
    let env = env_with(|cfg| cfg.dapr_api_token = Some("tok".into())).await;
    let base = env.sidecar.base_url();
    assert_eq!(open(&base, "GET", None).await.status(), 401);
    assert_eq!(open(&base, "GET", Some("wrong")).await.status(), 401);
    assert_eq!(open(&base, "POST", Some("tok")).await.status(), 405);
    assert_eq!(open(&base, "GET", Some("tok")).await.status(), 200);
}
