//! The publish API: envelopes, metadata, errors, tokens and health.

mod common;

use chrono::DateTime;
use common::*;
use serde_json::{json, Value};

fn event(env: &Env, topic: &str) -> Value {
    env.sidecar
        .published(topic)
        .last()
        .cloned()
        .expect("a published event")
}

#[tokio::test]
async fn json_is_wrapped_like_dapr() {
    let env = env().await;
    let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let resp = env
        .client
        .send(
            "POST",
            &format!("{}/v1.0/publish/pubsub/plain", env.sidecar.base_url()),
            &[
                ("content-type", "application/json"),
                ("traceparent", tp),
                ("tracestate", "k=v"),
            ],
            r#"{"taskId":"t1","n":1.5,"tags":["a"]}"#,
        )
        .await;
    assert_eq!(resp.status, 204, "{}", resp.text());
    assert!(resp.body.is_empty());

    let ev = event(&env, "plain");
    assert_eq!(ev["data"], json!({"taskId": "t1", "n": 1.5, "tags": ["a"]}));
    assert_eq!(ev["datacontenttype"], "application/json");
    assert_eq!(ev["source"], "tasks", "source is the app id");
    assert_eq!(ev["type"], "com.dapr.event.sent");
    assert_eq!(ev["specversion"], "1.0");
    assert_eq!(ev["topic"], "plain");
    assert_eq!(ev["pubsubname"], "pubsub");
    assert_eq!(ev["tracestate"], "k=v");
    assert!(uuid::Uuid::parse_str(ev["id"].as_str().unwrap()).is_ok());
    // The event carries daprd's span: same trace id, new span id.
    let traceid = ev["traceid"].as_str().unwrap();
    assert_eq!(ev["traceparent"], ev["traceid"]);
    assert!(traceid.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
    assert_ne!(traceid, tp);
    assert!(ev.get("expiration").is_none());
    assert!(ev.get("subject").is_none());
    let time = ev["time"].as_str().unwrap();
    assert!(DateTime::parse_from_rfc3339(time).is_ok());
    assert!(
        !time.contains('.'),
        "second precision like Go's RFC3339: {time}"
    );

    // The stored bytes are Go's json.Marshal of the map: sorted keys.
    let raw = &env.sidecar.published_messages("plain")[0].data;
    let text = std::str::from_utf8(raw).unwrap();
    assert!(
        text.starts_with(r#"{"data":{"n":1.5,"tags":["a"],"taskId":"t1"},"datacontenttype""#),
        "{text}"
    );
}

#[tokio::test]
async fn other_content_types() {
    let env = env().await;
    let c = &env.client;
    let s = &env.sidecar;

    // No content type: text/plain, data as a string.
    assert_eq!(c.publish(s, "pubsub/plain", "", "hello").await.status, 204);
    let ev = event(&env, "plain");
    assert_eq!(ev["datacontenttype"], "text/plain");
    assert_eq!(ev["data"], "hello");

    // application/json that does not parse: kept as a string.
    assert_eq!(
        c.publish(s, "pubsub/plain", "application/json", "{nope")
            .await
            .status,
        204
    );
    assert_eq!(event(&env, "plain")["data"], "{nope");

    // Other JSON-ish types are strings too.
    c.publish(s, "pubsub/plain", "application/problem+json", r#"{"a":1}"#)
        .await;
    assert_eq!(event(&env, "plain")["data"], r#"{"a":1}"#);

    // Binary: data_base64.
    c.publish(s, "pubsub/plain", "application/octet-stream", "\u{1}\u{2}")
        .await;
    let ev = event(&env, "plain");
    assert_eq!(ev["data_base64"], "AQI=");
    assert!(ev.get("data").is_none());

    // Parameters are kept verbatim in datacontenttype but ignored for the check.
    c.publish(
        s,
        "pubsub/plain",
        "application/json; charset=utf-8",
        r#"{"x":true}"#,
    )
    .await;
    let ev = event(&env, "plain");
    assert_eq!(ev["data"], json!({"x": true}));
    assert_eq!(ev["datacontenttype"], "application/json; charset=utf-8");

    // Topics may contain slashes.
    c.publish(s, "pubsub/a/b", "text/plain", "x").await;
    assert_eq!(event(&env, "a/b")["topic"], "a/b");
}

#[tokio::test]
async fn cloudevents_pass_through() {
    let env = env().await;
    let body = json!({
        "id": "evt-1", "type": "tasks.created", "source": "tasks-api", "specversion": "1.0",
        "subject": "task-9", "datacontenttype": "application/json", "data": {"taskId": "task-9"},
        "topic": "wrong", "pubsubname": "wrong", "traceparent": "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01",
        "traceid": "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01"
    });
    let resp = env
        .client
        .publish(
            &env.sidecar,
            "pubsub/tasks-lifecycle",
            "application/cloudevents+json",
            &body.to_string(),
        )
        .await;
    assert_eq!(resp.status, 204);
    let ev = event(&env, "tasks-lifecycle");
    assert_eq!(ev["id"], "evt-1", "the caller's id is kept");
    assert_eq!(ev["topic"], "tasks-lifecycle");
    assert_eq!(ev["pubsubname"], "pubsub");
    assert_eq!(ev["source"], "tasks-api");
    assert_eq!(ev["type"], "tasks.created");
    assert_eq!(ev["subject"], "task-9");
    assert_eq!(
        ev["traceparent"], body["traceparent"],
        "trace fields kept when present"
    );
    assert_eq!(ev["tracestate"], "", "missing fields are filled");
    assert!(ev["time"].is_string());

    // A bare event gets the defaults but no id.
    let resp = env
        .client
        .publish(
            &env.sidecar,
            "pubsub/plain?metadata.ttlInSeconds=60",
            "application/cloudevents+json",
            r#"{"data":1}"#,
        )
        .await;
    assert_eq!(resp.status, 204);
    let ev = event(&env, "plain");
    assert_eq!(ev["source"], "Dapr");
    assert_eq!(ev["type"], "com.dapr.event.sent");
    assert_eq!(ev["specversion"], "1.0");
    assert!(ev.get("id").is_none());
    assert!(ev.get("datacontenttype").is_none());
    assert!(ev["traceid"].as_str().unwrap().starts_with("00-"));
    assert!(ev["expiration"].is_string(), "TTL still applies");

    // Not JSON: 500 ERR_PUBSUB_CLOUD_EVENTS_SER.
    let resp = env
        .client
        .publish(
            &env.sidecar,
            "pubsub/plain",
            "application/cloudevents+json",
            "{oops",
        )
        .await;
    assert_eq!(resp.status, 500);
    assert_eq!(resp.json()["errorCode"], "ERR_PUBSUB_CLOUD_EVENTS_SER");
}

#[tokio::test]
async fn metadata_overrides_ttl_raw_and_keys() {
    let env = env().await;
    let (c, s) = (&env.client, &env.sidecar);
    let resp = c
        .publish(
            s,
            "pubsub/plain?metadata.cloudevent.id=my-id&metadata.CloudEvent.Type=tasks.updated\
             &metadata.cloudevent.source=me&metadata.cloudevent.subject=sub-1\
             &metadata.cloudevent.traceid=00-11111111111111111111111111111111-2222222222222222-01\
             &metadata.ttlInSeconds=30&metadata.partitionKey=user-7",
            "application/json",
            "{}",
        )
        .await;
    assert_eq!(resp.status, 204);
    let ev = event(&env, "plain");
    assert_eq!(ev["id"], "my-id");
    assert_eq!(
        ev["type"], "tasks.updated",
        "override keys are case-insensitive"
    );
    assert_eq!(ev["source"], "me");
    assert_eq!(ev["subject"], "sub-1");
    assert_eq!(
        ev["traceid"],
        "00-11111111111111111111111111111111-2222222222222222-01"
    );
    assert_eq!(ev["traceparent"], ev["traceid"]);
    let exp = DateTime::parse_from_rfc3339(ev["expiration"].as_str().unwrap()).unwrap();
    let time = DateTime::parse_from_rfc3339(ev["time"].as_str().unwrap()).unwrap();
    let diff = (exp - time).num_seconds();
    assert!(
        (29..=31).contains(&diff),
        "expiration is now + 30 s, got {diff}"
    );
    let msg = &s.published_messages("plain")[0];
    assert_eq!(msg.key.as_deref(), Some("user-7"));
    assert_eq!(msg.metadata["partitionKey"], "user-7");

    // rawPayload: the body is stored byte for byte.
    let resp = c
        .publish(
            s,
            "pubsub/raw-out?metadata.rawPayload=true",
            "text/plain",
            "not json",
        )
        .await;
    assert_eq!(resp.status, 204);
    assert_eq!(&s.published_messages("raw-out")[0].data[..], b"not json");

    // rawPayload that is not a bool: 400.
    let resp = c
        .publish(
            s,
            "pubsub/plain?metadata.rawPayload=maybe",
            "text/plain",
            "x",
        )
        .await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["errorCode"], "ERR_PUBSUB_REQUEST_METADATA");
}

#[tokio::test]
async fn error_codes() {
    let env = env().await;
    let (c, s) = (&env.client, &env.sidecar);

    let resp = c.publish(s, "nope/topic", "text/plain", "x").await;
    assert_eq!(resp.status, 404);
    let body = resp.json();
    assert_eq!(body["errorCode"], "ERR_PUBSUB_NOT_FOUND");
    assert_eq!(body["message"], "pubsub nope is not found");
    assert_eq!(resp.header("content-type"), Some("application/json"));

    let resp = c.publish(s, "pubsub/", "text/plain", "x").await;
    assert_eq!(resp.status, 404);
    assert_eq!(resp.json()["errorCode"], "ERR_TOPIC_NAME_EMPTY");

    // Scoping on the restricted pubsub: 403 for topics not allowed.
    assert_eq!(
        c.publish(s, "restricted/open", "text/plain", "x")
            .await
            .status,
        204
    );
    for topic in ["protected", "elsewhere"] {
        let resp = c
            .publish(s, &format!("restricted/{topic}"), "text/plain", "x")
            .await;
        assert_eq!(resp.status, 403, "{topic}");
        let body = resp.json();
        assert_eq!(body["errorCode"], "ERR_PUBSUB_FORBIDDEN");
        assert_eq!(
            body["message"],
            format!("topic {topic} is not allowed for app id tasks")
        );
    }

    // Wrong method and unknown routes.
    let resp = c
        .send(
            "GET",
            &format!("{}/v1.0/publish/pubsub/t", s.base_url()),
            &[],
            "",
        )
        .await;
    assert_eq!(resp.status, 405);
    let resp = c
        .send("POST", &format!("{}/v1.0/nothing", s.base_url()), &[], "")
        .await;
    assert_eq!(resp.status, 404);
}

#[tokio::test]
async fn api_token_and_health() {
    let app = TestApp::start().await;
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let mut cfg = config(&app.url(), res.path(), state.path());
    cfg.dapr_api_token = Some("secret-1".into());
    let s = start(cfg).await;
    s.wait_ready(WAIT).await.unwrap();
    let c = Http::new();
    let url = format!("{}/v1.0/publish/pubsub/plain", s.base_url());

    let resp = c
        .send("POST", &url, &[("content-type", "text/plain")], "x")
        .await;
    assert_eq!(resp.status, 401);
    assert_eq!(resp.text(), "invalid api token");
    assert!(resp
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let resp = c
        .send("POST", &url, &[("dapr-api-token", "wrong")], "x")
        .await;
    assert_eq!(resp.status, 401);
    let resp = c
        .send("POST", &url, &[("dapr-api-token", "secret-1")], "x")
        .await;
    assert_eq!(resp.status, 204);
    assert!(resp.header("traceparent").is_some());

    // Health routes need no token.
    let resp = c
        .send("GET", &format!("{}/v1.0/healthz", s.base_url()), &[], "")
        .await;
    assert_eq!(resp.status, 204);
    let resp = c
        .send(
            "GET",
            &format!("{}/v1.0/healthz/outbound", s.base_url()),
            &[],
            "",
        )
        .await;
    assert_eq!(resp.status, 204);
    let resp = c
        .send(
            "GET",
            &format!("{}/v1.0/healthz?appid=other", s.base_url()),
            &[],
            "",
        )
        .await;
    assert_eq!(resp.status, 500);
    assert_eq!(resp.json()["errorCode"], "ERR_HEALTH_APPID_NOT_MATCH");
    s.shutdown().await;
}

#[tokio::test]
async fn healthz_waits_for_the_app_and_publish_does_not() {
    let app_addr = free_addr();
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let s = start(config(
        &format!("http://{app_addr}"),
        res.path(),
        state.path(),
    ))
    .await;
    let c = Http::new();

    let resp = c
        .send("GET", &format!("{}/v1.0/healthz", s.base_url()), &[], "")
        .await;
    assert_eq!(resp.status, 500);
    assert_eq!(resp.json()["errorCode"], "ERR_HEALTH_NOT_READY");
    let resp = c
        .send(
            "GET",
            &format!("{}/v1.0/healthz/outbound", s.base_url()),
            &[],
            "",
        )
        .await;
    assert_eq!(resp.status, 204, "outbound is ready before the app");
    assert_eq!(
        c.publish(&s, "pubsub/plain", "text/plain", "queued")
            .await
            .status,
        204
    );

    let app = TestApp::start_on(app_addr).await;
    s.wait_ready(WAIT).await.unwrap();
    let resp = c
        .send("GET", &format!("{}/v1.0/healthz", s.base_url()), &[], "")
        .await;
    assert_eq!(resp.status, 204);
    drop(app);
    s.shutdown().await;
}

#[tokio::test]
async fn bulk_publish() {
    let env = env().await;
    let url = format!(
        "{}/v1.0-alpha1/publish/bulk/pubsub/plain",
        env.sidecar.base_url()
    );
    let body = json!([
        {"entryId": "1", "event": {"a": 1}, "contentType": "application/json"},
        {"entryId": "2", "event": "hi", "contentType": "text/plain", "metadata": {"partitionKey": "k"}},
    ]);
    let resp = env.client.send("POST", &url, &[], body.to_string()).await;
    assert_eq!(resp.status, 204, "{}", resp.text());
    let evs = env.sidecar.published("plain");
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[0]["data"], json!({"a": 1}));
    assert_eq!(evs[1]["data"], "hi");
    assert_eq!(
        env.sidecar.published_messages("plain")[1].key.as_deref(),
        Some("k")
    );

    let dup = json!([{"entryId": "1", "event": 1, "contentType": "application/json"},
                     {"entryId": "1", "event": 2, "contentType": "application/json"}]);
    let resp = env.client.send("POST", &url, &[], dup.to_string()).await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["errorCode"], "ERR_PUBSUB_EVENTS_SER");
}
