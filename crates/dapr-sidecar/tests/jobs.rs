//! The Jobs API, driven by a test clock.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use common::*;
use dapr_sidecar::{Clock, SidecarHandle, TestClock};
use serde_json::{json, Value};

struct JobsEnv {
    app: TestApp,
    sidecar: SidecarHandle,
    clock: Arc<TestClock>,
    client: Http,
    _res: TempDir,
    _state: TempDir,
}

async fn jobs_env() -> JobsEnv {
    let app = TestApp::start().await;
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let clock = Arc::new(TestClock::starting_now());
    let s = start(config(&app.url(), res.path(), state.path()).with_clock(clock.clone())).await;
    s.wait_ready(WAIT).await.unwrap();
    JobsEnv {
        app,
        sidecar: s,
        clock,
        client: Http::new(),
        _res: res,
        _state: state,
    }
}

async fn call(
    client: &Http,
    s: &SidecarHandle,
    method: &str,
    name: &str,
    body: Value,
) -> HttpResponse {
    let url = format!("{}/v1.0-alpha1/jobs/{name}", s.base_url());
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    client
        .send(method, &url, &[("content-type", "application/json")], body)
        .await
}

impl JobsEnv {
    async fn call(&self, method: &str, name: &str, body: Value) -> HttpResponse {
        call(&self.client, &self.sidecar, method, name, body).await
    }

    fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    /// No further trigger arrives for a short while.
    async fn quiet(&self, path: &str, count: usize) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            self.app.posts_to(path).len(),
            count,
            "unexpected triggers on {path}"
        );
    }
}

#[tokio::test]
async fn due_time_job_fires_once_with_its_data() {
    let env = jobs_env().await;
    let resp = env
        .call(
            "POST",
            "remind-1",
            json!({"dueTime": "10s", "data": {"taskId": "t1", "n": 2}}),
        )
        .await;
    assert_eq!(resp.status, 204, "{}", resp.text());

    let got = env.call("GET", "remind-1", Value::Null).await;
    assert_eq!(got.status, 200);
    let job = got.json();
    assert_eq!(job["name"], "remind-1");
    assert_eq!(job["dueTime"], "10s");
    assert_eq!(job["data"]["value"], json!({"taskId": "t1", "n": 2}));
    assert_eq!(
        job["data"]["@type"],
        "type.googleapis.com/google.protobuf.Value"
    );
    assert_eq!(
        job["failurePolicy"],
        json!({"constant": {"interval": "1s", "maxRetries": 3}})
    );

    env.advance(5);
    env.quiet("/job/remind-1", 0).await;
    env.advance(5);
    let got = env.app.wait_posts("/job/remind-1", 1).await;
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    assert_eq!(got[0].json(), json!({"taskId": "t1", "n": 2}));

    env.advance(3600);
    env.quiet("/job/remind-1", 1).await;
    let gone = env.call("GET", "remind-1", Value::Null).await;
    assert_eq!(gone.status, 500);
    assert_eq!(gone.json()["errorCode"], "DAPR_SCHEDULER_GET_JOB");
}

#[tokio::test]
async fn rfc3339_due_time_and_scalar_data() {
    let env = jobs_env().await;
    let at = (env.clock.now() + TimeDelta::minutes(2)).to_rfc3339();
    let resp = env
        .call(
            "POST",
            "at-time",
            json!({"dueTime": at, "data": "someData"}),
        )
        .await;
    assert_eq!(resp.status, 204);
    let resp = env.call("POST", "no-data", json!({"dueTime": "1m"})).await;
    assert_eq!(resp.status, 204);
    env.advance(120);
    let got = env.app.wait_posts("/job/at-time", 1).await;
    assert_eq!(&got[0].body[..], br#""someData""#, "the data JSON verbatim");
    let got = env.app.wait_posts("/job/no-data", 1).await;
    assert!(got[0].body.is_empty());
}

#[tokio::test]
async fn schedule_with_repeats() {
    let env = jobs_env().await;
    let resp = env
        .call(
            "POST",
            "sweep",
            json!({"schedule": "@every 1m", "repeats": 2, "data": {"k": "v"}}),
        )
        .await;
    assert_eq!(resp.status, 204);
    env.advance(59);
    env.quiet("/job/sweep", 0).await;
    env.advance(1);
    env.app.wait_posts("/job/sweep", 1).await;
    env.advance(60);
    env.app.wait_posts("/job/sweep", 2).await;
    env.advance(60);
    env.quiet("/job/sweep", 2).await;
    assert!(env.sidecar.jobs().is_empty(), "done after its repeats");

    // Six-field cron with a due time: first at the due time, then each tick.
    let resp = env
        .call(
            "POST",
            "cron",
            json!({"schedule": "0 */5 * * * *", "dueTime": "30s", "repeats": 3, "data": 1}),
        )
        .await;
    assert_eq!(resp.status, 204);
    env.advance(30);
    env.app.wait_posts("/job/cron", 1).await;
    env.advance(300);
    env.app.wait_posts("/job/cron", 2).await;
    env.advance(300);
    env.app.wait_posts("/job/cron", 3).await;
    env.advance(300);
    env.quiet("/job/cron", 3).await;
}

#[tokio::test]
async fn overwrite_conflict_and_delete() {
    let env = jobs_env().await;
    assert_eq!(
        env.call("POST", "j", json!({"dueTime": "10s", "data": "old"}))
            .await
            .status,
        204
    );
    let resp = env
        .call("POST", "j", json!({"dueTime": "10s", "data": "new"}))
        .await;
    assert_eq!(resp.status, 409);
    assert_eq!(resp.json()["errorCode"], "DAPR_SCHEDULER_SCHEDULE_JOB");
    let resp = env
        .call(
            "POST",
            "j",
            json!({"dueTime": "20s", "data": "new", "overwrite": true}),
        )
        .await;
    assert_eq!(resp.status, 204);
    env.advance(10);
    env.quiet("/job/j", 0).await;
    env.advance(10);
    let got = env.app.wait_posts("/job/j", 1).await;
    assert_eq!(&got[0].body[..], br#""new""#);

    assert_eq!(
        env.call("POST", "d", json!({"dueTime": "10s", "data": 1}))
            .await
            .status,
        204
    );
    assert_eq!(env.call("DELETE", "d", Value::Null).await.status, 204);
    assert_eq!(
        env.call("DELETE", "never-existed", Value::Null)
            .await
            .status,
        204
    );
    env.advance(60);
    env.quiet("/job/d", 0).await;

    // The stable v1.0 route is the same API.
    let url = format!("{}/v1.0/jobs/stable", env.sidecar.base_url());
    let resp = env
        .client
        .send(
            "POST",
            &url,
            &[],
            json!({"dueTime": "1s", "data": 1}).to_string(),
        )
        .await;
    assert_eq!(resp.status, 204);
    assert_eq!(env.client.send("GET", &url, &[], "").await.status, 200);
}

#[tokio::test]
async fn request_errors() {
    let env = jobs_env().await;
    let cases = [
        (
            json!({"name": "x", "dueTime": "1s"}),
            400,
            "DAPR_SCHEDULER_JOB_NAME",
        ),
        (json!({}), 400, "DAPR_SCHEDULER_SCHEDULE_EMPTY"),
        (Value::Null, 400, "DAPR_SCHEDULER_SCHEDULE_EMPTY"),
        (
            json!({"dueTime": "1s", "repeats": -1}),
            400,
            "ERR_MALFORMED_REQUEST",
        ),
        (
            json!({"schedule": "every day"}),
            500,
            "DAPR_SCHEDULER_SCHEDULE_JOB",
        ),
        (
            json!({"schedule": "* * * * *"}),
            500,
            "DAPR_SCHEDULER_SCHEDULE_JOB",
        ),
        (
            json!({"dueTime": "tomorrow"}),
            500,
            "DAPR_SCHEDULER_SCHEDULE_JOB",
        ),
        (
            json!({"dueTime": "1s", "ttl": "1h"}),
            500,
            "DAPR_SCHEDULER_SCHEDULE_JOB",
        ),
    ];
    for (body, status, code) in cases {
        let resp = env.call("POST", "bad", body.clone()).await;
        assert_eq!(resp.status, status, "{body}: {}", resp.text());
        assert_eq!(resp.json()["errorCode"], code, "{body}");
    }
    let resp = env
        .client
        .send(
            "POST",
            &format!("{}/v1.0-alpha1/jobs/bad", env.sidecar.base_url()),
            &[],
            "{nope",
        )
        .await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["errorCode"], "ERR_MALFORMED_REQUEST");
    let resp = env.call("GET", "missing", Value::Null).await;
    assert_eq!(resp.status, 500);
    let body = resp.json();
    assert_eq!(body["errorCode"], "DAPR_SCHEDULER_GET_JOB");
    assert_eq!(body["details"][0]["reason"], "DAPR_SCHEDULER_GET_JOB");
}

#[tokio::test]
async fn failure_policies() {
    let env = jobs_env().await;
    env.app.set_handler(|r| match r.path.as_str() {
        "/job/gone" => Reply::new(404, ""),
        p if p.starts_with("/job/") => Reply::new(500, "fail"),
        _ => default_reply(r),
    });
    let post = |name: &'static str, extra: Value| {
        let mut body = json!({"dueTime": "10s", "data": name});
        if let Value::Object(m) = extra {
            body.as_object_mut().unwrap().extend(m);
        }
        env.call("POST", name, body)
    };
    assert_eq!(post("default", json!({})).await.status, 204);
    assert_eq!(
        post("drop", json!({"failurePolicy": {"drop": {}}}))
            .await
            .status,
        204
    );
    assert_eq!(
        post(
            "twice",
            json!({"failurePolicy": {"constant": {"interval": "5s", "maxRetries": 1}}})
        )
        .await
        .status,
        204
    );
    assert_eq!(post("gone", json!({})).await.status, 204);

    env.advance(10);
    env.app.wait_posts("/job/default", 1).await;
    env.app.wait_posts("/job/drop", 1).await;
    env.app.wait_posts("/job/twice", 1).await;
    env.app.wait_posts("/job/gone", 1).await;
    // Default: constant 1 s, 3 retries.
    for n in 2..=4 {
        env.advance(1);
        env.app.wait_posts("/job/default", n).await;
    }
    env.advance(1);
    env.quiet("/job/default", 4).await;
    // maxRetries 1 at 5 s.
    env.advance(2);
    env.app.wait_posts("/job/twice", 2).await;
    env.advance(30);
    env.quiet("/job/twice", 2).await;
    env.quiet("/job/drop", 1).await;
    env.quiet("/job/gone", 1).await;
    assert!(
        env.sidecar.jobs().is_empty(),
        "one-shot jobs end after their tick"
    );
}

async fn start_at(app_url: &str, res: &Path, state: &Path, clock: Arc<TestClock>) -> SidecarHandle {
    start(config(app_url, res, state).with_clock(clock)).await
}

#[tokio::test]
async fn jobs_survive_a_restart() {
    let app = TestApp::start().await;
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let c = Http::new();
    let t0 = TestClock::starting_now().now();

    let s1 = start_at(
        &app.url(),
        res.path(),
        state.path(),
        Arc::new(TestClock::new(t0)),
    )
    .await;
    s1.wait_ready(WAIT).await.unwrap();
    for (name, body) in [
        ("missed", json!({"dueTime": "1h", "data": "missed"})),
        ("future", json!({"dueTime": "3h", "data": "future"})),
        ("hourly", json!({"schedule": "@every 1h", "data": "hourly"})),
    ] {
        assert_eq!(call(&c, &s1, "POST", name, body).await.status, 204);
    }
    s1.shutdown().await;

    // Two and a half hours later.
    let clock = Arc::new(TestClock::new(t0 + TimeDelta::minutes(150)));
    let s2 = start_at(&app.url(), res.path(), state.path(), clock.clone()).await;
    app.wait_posts("/job/missed", 1).await;
    app.wait_posts("/job/hourly", 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        app.posts_to("/job/hourly").len(),
        1,
        "missed ticks fire once"
    );
    assert!(app.posts_to("/job/future").is_empty());
    assert_eq!(
        call(&c, &s2, "GET", "missed", Value::Null).await.status,
        500
    );

    clock.advance(Duration::from_secs(30 * 60));
    app.wait_posts("/job/future", 1).await;
    clock.advance(Duration::from_secs(30 * 60));
    app.wait_posts("/job/hourly", 2).await;
    s2.shutdown().await;
}

#[tokio::test]
async fn jobs_wait_for_the_app() {
    let app_addr: SocketAddr = free_addr();
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let clock = Arc::new(TestClock::starting_now());
    let s = start_at(
        &format!("http://{app_addr}"),
        res.path(),
        state.path(),
        clock.clone(),
    )
    .await;
    let c = Http::new();
    assert_eq!(
        call(&c, &s, "POST", "early", json!({"dueTime": "1s", "data": 1}))
            .await
            .status,
        204
    );
    clock.advance(Duration::from_secs(5));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let app = TestApp::start_on(app_addr).await;
    app.wait_posts("/job/early", 1).await;
    s.shutdown().await;
}
