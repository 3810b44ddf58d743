//! Cron input bindings and the HTTP output binding.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use dapr_sidecar::{SidecarHandle, TestClock};
use hyper::Method;
use serde_json::json;

/// The app refuses the probe for `/cron/unprobed`.
fn cron_app_reply(r: &Received) -> Reply {
    if r.method == Method::OPTIONS && r.path == "/cron/unprobed" {
        return Reply::new(404, "");
    }
    if r.method == Method::OPTIONS && r.path == "/cron/sweep" {
        return Reply::new(405, "");
    }
    default_reply(r)
}

async fn with_clock() -> (TestApp, SidecarHandle, Arc<TestClock>, TempDir, TempDir) {
    let app = TestApp::start().await;
    app.set_handler(cron_app_reply);
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let clock = Arc::new(TestClock::starting_now());
    let cfg = config(&app.url(), res.path(), state.path()).with_clock(clock.clone());
    let s = start(cfg).await;
    s.wait_ready(WAIT).await.unwrap();
    (app, s, clock, res, state)
}

#[tokio::test]
async fn cron_probes_then_ticks_on_the_clock() {
    let (app, s, clock, _res, _state) = with_clock().await;

    // Probed at start-up: OPTIONS per route, except `direction: input`.
    let probes: Vec<_> = app
        .requests()
        .into_iter()
        .filter(|r| r.method == Method::OPTIONS)
        .map(|r| r.path)
        .collect();
    assert!(probes.contains(&"/cron/sweep".to_string()));
    assert!(probes.contains(&"/cron/unprobed".to_string()));
    assert!(!probes.contains(&"/direct".to_string()));
    assert!(app.posts_to("/cron/sweep").is_empty());

    clock.advance(Duration::from_secs(3600));
    let ticks = app.wait_posts("/cron/sweep", 1).await;
    let t = &ticks[0];
    assert!(t.body.is_empty());
    assert_eq!(t.header("content-type"), Some("application/json"));
    assert_eq!(t.header("timezone"), Some("Local"));
    let read = t.header("readtimeutc").unwrap();
    assert!(read.ends_with(" +0000 UTC"), "{read}");
    app.wait_posts("/direct", 1).await;

    clock.advance(Duration::from_secs(3600));
    app.wait_posts("/cron/sweep", 2).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(app.posts_to("/cron/unprobed").is_empty(), "not subscribed");
    assert_eq!(app.posts_to("/cron/sweep").len(), 2, "one tick per period");
    s.shutdown().await;
}

#[tokio::test]
async fn trigger_binding_on_demand_and_failures_are_not_retried() {
    let (app, s, _clock, _res, _state) = with_clock().await;
    assert_eq!(s.trigger_binding("sweep").await.unwrap(), 200);
    assert_eq!(app.posts_to("/cron/sweep").len(), 1);

    app.set_handler(|r| {
        if r.method == Method::POST && r.path == "/cron/sweep" {
            Reply::new(500, "down")
        } else {
            default_reply(r)
        }
    });
    assert_eq!(s.trigger_binding("sweep").await.unwrap(), 500);
    assert_eq!(app.posts_to("/cron/sweep").len(), 2, "no retry");
    assert!(s.trigger_binding("unprobed").await.is_err());
    assert!(s.trigger_binding("no-such-binding").await.is_err());
    s.shutdown().await;
}

#[tokio::test]
async fn cron_every_second_on_real_time() {
    let app = TestApp::start().await;
    let dir = TempDir::new("resources");
    std::fs::write(
        dir.path().join("cron.yaml"),
        r#"
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: tick}
spec:
  type: bindings.cron
  version: v1
  metadata:
    - {name: schedule, value: "@every 300ms"}
    - {name: route, value: /cron/tick}
"#,
    )
    .unwrap();
    let state = TempDir::new("state");
    let s = start(config(&app.url(), dir.path(), state.path())).await;
    app.wait_posts("/cron/tick", 2).await;
    s.shutdown().await;
}

async fn output_env() -> (TestApp, Env) {
    let receiver = TestApp::start().await;
    let app = TestApp::start().await;
    let res = resources("basic", &receiver.url());
    let state = TempDir::new("state");
    let s = start(config(&app.url(), res.path(), state.path())).await;
    s.wait_ready(WAIT).await.unwrap();
    (
        receiver,
        Env {
            app,
            sidecar: s,
            state,
            resources: res,
            client: Http::new(),
        },
    )
}

async fn invoke(env: &Env, name: &str, body: serde_json::Value) -> HttpResponse {
    env.client
        .send(
            "POST",
            &format!("{}/v1.0/bindings/{name}", env.sidecar.base_url()),
            &[("content-type", "application/json")],
            body.to_string(),
        )
        .await
}

#[tokio::test]
async fn http_output_binding_sends_and_reports() {
    let (receiver, env) = output_env().await;
    receiver.set_handler(|r| match r.path.as_str() {
        "/hooks/fail" => Reply::new(503, "unavailable"),
        _ => Reply::new(201, r#"{"received":true}"#),
    });

    let resp = invoke(
        &env,
        "webhook",
        json!({"operation": "post", "data": {"taskId": "t1"},
               "metadata": {"path": "/tasks/t1", "X-Signature": "sig", "lowercase": "not a header"}}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json(), json!({"received": true}));
    assert_eq!(resp.header("metadata.statuscode"), Some("201"));
    assert_eq!(resp.header("metadata.status"), Some("201 Created"));
    let got = receiver.wait_posts("/hooks/tasks/t1", 1).await;
    let r = &got[0];
    assert_eq!(r.json(), json!({"taskId": "t1"}));
    assert_eq!(r.header("x-signature"), Some("sig"));
    assert!(r.header("lowercase").is_none());
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("accept"), Some("application/json; charset=utf-8"));
    assert!(r.header("traceparent").is_some());

    // Strings are re-encoded as JSON (quotes included); create = POST.
    invoke(
        &env,
        "webhook",
        json!({"operation": "create", "data": "hi", "metadata": {"path": "s"}}),
    )
    .await;
    let got = receiver.wait_posts("/hooks/s", 1).await;
    assert_eq!(&got[0].body[..], br#""hi""#);

    // GET sends no body.
    let resp = invoke(
        &env,
        "webhook",
        json!({"operation": "get", "data": {"ignored": 1}}),
    )
    .await;
    assert_eq!(resp.status, 200);
    let gets: Vec<_> = receiver
        .requests()
        .into_iter()
        .filter(|r| r.method == Method::GET)
        .collect();
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].path, "/hooks");
    assert!(gets[0].body.is_empty());
}

#[tokio::test]
async fn http_output_binding_errors() {
    let (receiver, env) = output_env().await;
    receiver.set_handler(|_| Reply::new(503, "unavailable"));

    let resp = invoke(&env, "webhook", json!({"operation": "post", "data": 1})).await;
    assert_eq!(resp.status, 500);
    assert_eq!(resp.json()["errorCode"], "ERR_INVOKE_OUTPUT_BINDING");
    assert_eq!(
        resp.json()["message"],
        "error invoking output binding webhook: received status code 503"
    );
    assert_eq!(
        resp.header("metadata.statuscode"),
        Some("503"),
        "metadata even on errors"
    );

    let resp = invoke(
        &env,
        "webhook",
        json!({"operation": "post", "data": 1, "metadata": {"errorIfNot2XX": "false"}}),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), "unavailable");
    let resp = invoke(
        &env,
        "lenient-webhook",
        json!({"operation": "post", "data": 1}),
    )
    .await;
    assert_eq!(resp.status, 200);

    for (what, name, body) in [
        ("unknown binding", "nope", json!({"operation": "post"})),
        (
            "unsupported operation",
            "webhook",
            json!({"operation": "frobnicate"}),
        ),
        ("missing operation", "webhook", json!({"data": 1})),
        (
            "cron is not an output binding here",
            "sweep",
            json!({"operation": "delete"}),
        ),
    ] {
        let resp = invoke(&env, name, body).await;
        assert_eq!(resp.status, 500, "{what}");
        assert_eq!(
            resp.json()["errorCode"],
            "ERR_INVOKE_OUTPUT_BINDING",
            "{what}"
        );
    }
    let resp = env
        .client
        .send(
            "POST",
            &format!("{}/v1.0/bindings/webhook", env.sidecar.base_url()),
            &[],
            "{not json",
        )
        .await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["errorCode"], "ERR_MALFORMED_REQUEST");
}
