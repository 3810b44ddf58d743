//! Delivery to the app: routing, reply semantics, retries, dead letters,
//! ordering, the app being down, and persistence across restarts.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use dapr_sidecar::TestClock;
use serde_json::{json, Value};

fn ce(id: &str, ty: &str, data: Value) -> String {
    json!({"id": id, "type": ty, "source": "tests", "specversion": "1.0",
           "datacontenttype": "application/json", "data": data})
    .to_string()
}

async fn publish_ce(env: &Env, topic_and_query: &str, body: &str) {
    let resp = env
        .client
        .publish(
            &env.sidecar,
            topic_and_query,
            "application/cloudevents+json",
            body,
        )
        .await;
    assert_eq!(resp.status, 204, "{}", resp.text());
}

#[tokio::test]
async fn routes_by_rules_with_dapr_headers_and_exact_bytes() {
    let env = env().await;
    let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let body = json!({"id": "e1", "type": "tasks.created", "source": "tests", "specversion": "1.0",
                      "data": {"taskId": "t1"}, "traceparent": tp, "traceid": tp, "tracestate": "ro=1"})
    .to_string();
    publish_ce(
        &env,
        "pubsub/tasks-lifecycle?metadata.partitionKey=user-1&metadata.correlationId=c-9",
        &body,
    )
    .await;
    publish_ce(
        &env,
        "pubsub/tasks-lifecycle",
        &ce("e2", "tasks.updated", json!({})),
    )
    .await;
    publish_ce(
        &env,
        "pubsub/tasks-lifecycle",
        &ce("e3", "tasks.deleted", json!({})),
    )
    .await;
    env.sidecar.wait_idle(WAIT).await.unwrap();

    let created = env.app.posts_to("/events/created");
    assert_eq!(created.len(), 1);
    let r = &created[0];
    assert_eq!(
        r.header("content-type"),
        Some("application/cloudevents+json")
    );
    assert_eq!(r.header("pubsubname"), Some("pubsub"));
    assert_eq!(r.header("partitionkey"), Some("user-1"));
    assert_eq!(r.header("correlationid"), Some("c-9"));
    assert_eq!(r.header("__key"), Some("user-1"));
    assert_eq!(r.header("__topic"), Some("tasks-lifecycle"));
    assert!(r.header("__partition").unwrap().parse::<u32>().unwrap() < 8);
    assert!(r.header("__offset").unwrap().parse::<u64>().is_ok());
    assert!(r.header("__timestamp").unwrap().parse::<i64>().unwrap() > 1_600_000_000_000);
    assert_eq!(r.header("tracestate"), Some("ro=1"));
    let sent_tp = r.header("traceparent").unwrap();
    assert!(
        sent_tp.starts_with("00-0af7651916cd43dd8448eb211c80319c-"),
        "{sent_tp}"
    );
    assert_ne!(sent_tp, tp, "a child span of the event's traceparent");
    let stored = &env.sidecar.published_messages("tasks-lifecycle")[0].data;
    assert_eq!(&r.body[..], &stored[..], "the body is the stored bytes");
    assert_eq!(r.json()["id"], "e1");

    assert_eq!(env.app.posts_to("/events/changed")[0].json()["id"], "e2");
    assert_eq!(env.app.posts_to("/events/other")[0].json()["id"], "e3");
    assert!(env.sidecar.dead_letters().is_empty());
}

#[tokio::test]
async fn reply_semantics_retries_and_dead_letters() {
    let env = env().await;
    // The event's data says how the app should answer.
    env.app.set_handler(|r| {
        if r.path != "/events/retry" {
            return default_reply(r);
        }
        match r.json()["data"]["reply"].as_str().unwrap_or("") {
            "SUCCESS" => Reply::status("SUCCESS"),
            "EMPTY" => Reply::new(200, ""),
            "TEXT" => Reply::new(202, "ok then"),
            "OBJECT" => Reply::new(200, "{}"),
            "DROP" => Reply::status("DROP"),
            "RETRY" => Reply::status("RETRY"),
            "LOWER" => Reply::status("success"),
            "404" => Reply::new(404, "no route"),
            "500" => Reply::new(500, "boom"),
            "409" => Reply::new(409, "conflict"),
            other => panic!("unexpected {other}"),
        }
    });
    let cases = [
        ("SUCCESS", 1, false),
        ("EMPTY", 1, false),
        ("TEXT", 1, false),
        ("OBJECT", 1, false),
        ("DROP", 1, true),
        ("404", 1, false),
        ("RETRY", 3, true),
        ("LOWER", 3, true),
        ("500", 3, true),
        ("409", 3, true),
    ];
    for (reply, _, _) in &cases {
        publish_ce(
            &env,
            "pubsub/retry-demo",
            &ce(reply, "t", json!({"reply": reply})),
        )
        .await;
    }
    env.sidecar.wait_idle(WAIT).await.unwrap();

    let attempts = env.app.posts_to("/events/retry");
    let dlq = env.app.posts_to("/events/retry-dlq");
    for (reply, want_attempts, want_dlq) in cases {
        let got = attempts.iter().filter(|r| r.json()["id"] == reply).count();
        assert_eq!(got, want_attempts, "attempts for {reply}");
        let in_dlq = dlq.iter().filter(|r| r.json()["id"] == reply).count();
        assert_eq!(in_dlq, usize::from(want_dlq), "dead-lettered {reply}");
    }
    // Retries re-send the identical bytes; dead letters keep the original
    // bytes and metadata (the event still names the original topic).
    let retried: Vec<_> = attempts
        .iter()
        .filter(|r| r.json()["id"] == "500")
        .collect();
    assert!(retried.windows(2).all(|w| w[0].body == w[1].body));
    let dead = dlq.iter().find(|r| r.json()["id"] == "500").unwrap();
    assert_eq!(dead.body, retried[0].body);
    assert_eq!(dead.json()["topic"], "retry-demo");
    assert_eq!(
        dead.header("__topic"),
        Some("retry-demo"),
        "original broker headers travel along"
    );

    let recorded = env.sidecar.dead_letters();
    assert_eq!(recorded.len(), 5);
    assert!(recorded
        .iter()
        .all(|d| d.dead_letter_topic == "retry-demo-dlq"));
    let outcomes: Vec<_> = env
        .sidecar
        .deliveries()
        .into_iter()
        .filter(|d| d.id == "RETRY" && d.topic == "retry-demo")
        .map(|d| (d.attempt, d.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (1, "retry".into()),
            (2, "retry".into()),
            (3, "retry".into())
        ]
    );
}

#[tokio::test]
async fn resiliency_matching_limits_retries_to_listed_statuses() {
    let env = env().await;
    env.app.set_handler(
        |r| match (r.path.as_str(), r.json()["data"]["reply"].as_str()) {
            ("/events/mine", Some("400")) => Reply::new(400, "bad"),
            ("/events/mine", Some("503")) => Reply::new(503, "busy"),
            ("/events/mine", Some("RETRY")) => Reply::status("RETRY"),
            _ => default_reply(r),
        },
    );
    for reply in ["400", "503", "RETRY"] {
        publish_ce(
            &env,
            "restricted/mine",
            &ce(reply, "t", json!({"reply": reply})),
        )
        .await;
    }
    env.sidecar.wait_idle(WAIT).await.unwrap();
    let attempts = env.app.posts_to("/events/mine");
    let count = |id: &str| attempts.iter().filter(|r| r.json()["id"] == id).count();
    assert_eq!(count("400"), 1, "400 is not in 500-599: no retry");
    assert_eq!(count("503"), 4, "one attempt and three retries");
    assert_eq!(
        count("RETRY"),
        4,
        "RETRY is not a status error: always retried"
    );
    let dlq: Vec<_> = env
        .sidecar
        .dead_letters()
        .into_iter()
        .map(|d| d.event["id"].clone())
        .collect();
    assert_eq!(dlq.len(), 3);
}

#[tokio::test]
async fn without_dead_letter_topic_the_broker_redelivers_and_blocks_the_key() {
    let env = env().await;
    let failures = Arc::new(AtomicUsize::new(0));
    let f2 = failures.clone();
    env.app.set_handler(move |r| {
        if r.path == "/events/blocking"
            && r.json()["id"] == "first"
            && f2.fetch_add(1, Ordering::SeqCst) < 7
        {
            return Reply::new(500, "not yet");
        }
        default_reply(r)
    });
    publish_ce(
        &env,
        "pubsub/blocking?metadata.partitionKey=k",
        &ce("first", "t", json!({})),
    )
    .await;
    publish_ce(
        &env,
        "pubsub/blocking?metadata.partitionKey=k",
        &ce("second", "t", json!({})),
    )
    .await;
    env.sidecar.wait_idle(WAIT).await.unwrap();

    let ids: Vec<String> = env
        .app
        .posts_to("/events/blocking")
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    // Three attempts per handling (resiliency), redelivered by the broker
    // until the eighth attempt succeeds; "second" waits behind it.
    assert_eq!(ids.len(), 9, "{ids:?}");
    assert!(ids[..8].iter().all(|i| i == "first"));
    assert_eq!(ids[8], "second");
    assert!(env.sidecar.dead_letters().is_empty());
}

#[tokio::test]
async fn broker_gives_up_after_max_redeliveries_when_configured() {
    let env = env_with(|c| c.broker_max_redeliveries = Some(1)).await;
    env.app.set_handler(|r| {
        if r.path == "/events/blocking" && r.json()["id"] == "poison" {
            return Reply::status("RETRY");
        }
        default_reply(r)
    });
    publish_ce(
        &env,
        "pubsub/blocking?metadata.partitionKey=k",
        &ce("poison", "t", json!({})),
    )
    .await;
    publish_ce(
        &env,
        "pubsub/blocking?metadata.partitionKey=k",
        &ce("next", "t", json!({})),
    )
    .await;
    env.sidecar.wait_idle(WAIT).await.unwrap();
    let ids: Vec<String> = env
        .app
        .posts_to("/events/blocking")
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids.len(),
        7,
        "two handlings of three attempts, then skipped: {ids:?}"
    );
    assert_eq!(ids[6], "next");
}

#[tokio::test]
async fn per_key_order_under_concurrency() {
    let env = env().await;
    // Make some first attempts fail, so retries are part of the picture.
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let s2 = seen.clone();
    env.app.set_handler(move |r| {
        if r.path != "/events/ordered" {
            return default_reply(r);
        }
        let v = r.json();
        let id = v["id"].as_str().unwrap_or_default().to_string();
        let n = v["data"]["n"].as_u64().unwrap_or(0);
        let mut seen = s2.lock().unwrap();
        let tries = seen.entry(id).or_insert(0);
        *tries += 1;
        if n % 17 == 3 && *tries == 1 {
            Reply::new(503, "")
        } else {
            Reply::status("SUCCESS")
        }
    });

    let keys = ["alice", "bob", "carol"];
    let per_key = 200;
    let mut tasks = Vec::new();
    for key in keys {
        let client = env.client.clone();
        let url = format!(
            "{}/v1.0/publish/pubsub/ordered?metadata.partitionKey={key}",
            env.sidecar.base_url()
        );
        tasks.push(tokio::spawn(async move {
            for n in 0..per_key {
                let body = json!({"key": key, "n": n}).to_string();
                let resp = client
                    .send("POST", &url, &[("content-type", "application/json")], body)
                    .await;
                assert_eq!(resp.status, 204);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    env.sidecar
        .wait_idle(Duration::from_secs(20))
        .await
        .unwrap();

    // Successful deliveries per key, in arrival order.
    let mut by_key: HashMap<String, Vec<u64>> = HashMap::new();
    let seen_count: HashMap<String, usize> = seen.lock().unwrap().clone();
    let mut tries_so_far: HashMap<String, usize> = HashMap::new();
    for r in env.app.posts_to("/events/ordered") {
        let v = r.json();
        let id = v["id"].as_str().unwrap().to_string();
        let n = v["data"]["n"].as_u64().unwrap();
        let t = tries_so_far.entry(id.clone()).or_insert(0);
        *t += 1;
        let failed_first = n % 17 == 3 && *t == 1;
        if !failed_first {
            by_key
                .entry(v["data"]["key"].as_str().unwrap().to_string())
                .or_default()
                .push(n);
        }
        assert!(seen_count[&id] >= 1);
    }
    for key in keys {
        let got = &by_key[key];
        let want: Vec<u64> = (0..per_key).collect();
        assert_eq!(got, &want, "order for {key}");
    }
}

#[tokio::test]
async fn messages_published_while_the_app_is_down_are_delivered_later() {
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
    for i in 0..5 {
        let body = ce(&format!("down-{i}"), "tasks.created", json!({"i": i}));
        let resp = c
            .publish(
                &s,
                "pubsub/tasks-lifecycle?metadata.partitionKey=u",
                "application/cloudevents+json",
                &body,
            )
            .await;
        assert_eq!(resp.status, 204);
    }
    assert_eq!(s.pending_messages(), 5);
    assert!(s.wait_idle(Duration::from_millis(200)).await.is_err());

    let app = TestApp::start_on(app_addr).await;
    s.wait_idle(WAIT).await.unwrap();
    let ids: Vec<_> = app
        .posts_to("/events/created")
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, (0..5).map(|i| format!("down-{i}")).collect::<Vec<_>>());
    s.shutdown().await;
}

#[tokio::test]
async fn undelivered_messages_survive_a_restart() {
    let app_addr = free_addr();
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let c = Http::new();

    // First run: the app never comes up.
    let s1 = start(config(
        &format!("http://{app_addr}"),
        res.path(),
        state.path(),
    ))
    .await;
    for i in 0..10 {
        let key = if i % 2 == 0 { "even" } else { "odd" };
        let body = ce(&format!("m{i}"), "tasks.created", json!({"i": i}));
        let resp = c
            .publish(
                &s1,
                &format!("pubsub/tasks-lifecycle?metadata.partitionKey={key}"),
                "application/cloudevents+json",
                &body,
            )
            .await;
        assert_eq!(resp.status, 204);
    }
    s1.shutdown().await;

    // Second run: the app is up; everything arrives, in order per key.
    let app = TestApp::start_on(app_addr).await;
    let s2 = start(config(&app.url(), res.path(), state.path())).await;
    s2.wait_idle(WAIT).await.unwrap();
    let got: Vec<(String, u64)> = app
        .posts_to("/events/created")
        .iter()
        .map(|r| {
            let v = r.json();
            (
                v["id"].as_str().unwrap().to_string(),
                v["data"]["i"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 10);
    for parity in [0, 1] {
        let seq: Vec<u64> = got
            .iter()
            .map(|(_, i)| *i)
            .filter(|i| i % 2 == parity)
            .collect();
        let mut sorted = seq.clone();
        sorted.sort();
        assert_eq!(seq, sorted);
    }
    s2.shutdown().await;

    // Third run: acks were persisted, nothing is delivered again.
    let before = app.requests().len();
    let s3 = start(config(&app.url(), res.path(), state.path())).await;
    s3.wait_ready(WAIT).await.unwrap();
    s3.wait_idle(WAIT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after: Vec<_> = app.requests()[before..]
        .iter()
        .filter(|r| r.path.starts_with("/events/"))
        .cloned()
        .collect();
    assert!(after.is_empty(), "redelivered: {after:?}");
    s3.shutdown().await;
}

#[tokio::test]
async fn expired_messages_are_dropped_and_dead_lettered() {
    let app_addr = free_addr();
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let clock = Arc::new(TestClock::starting_now());
    let cfg =
        config(&format!("http://{app_addr}"), res.path(), state.path()).with_clock(clock.clone());
    let s = start(cfg).await;
    let c = Http::new();
    let body = ce("ttl-1", "tasks.created", json!({}));
    let resp = c
        .publish(
            &s,
            "pubsub/tasks-lifecycle?metadata.ttlInSeconds=5",
            "application/cloudevents+json",
            &body,
        )
        .await;
    assert_eq!(resp.status, 204);
    clock.advance(Duration::from_secs(6));

    let app = TestApp::start_on(app_addr).await;
    s.wait_idle(WAIT).await.unwrap();
    assert!(app.posts_to("/events/created").is_empty());
    // It went to the dead-letter topic with its bytes unchanged, so it is
    // still expired there and that subscription drops it too (as in Dapr).
    assert_eq!(s.published("tasks-lifecycle-dlq")[0]["id"], "ttl-1");
    assert!(app.posts_to("/events/dead-letters").is_empty());
    assert_eq!(s.dead_letters()[0].reason, "expired");
    s.shutdown().await;
}

#[tokio::test]
async fn raw_payload_subscriptions_get_a_synthesised_envelope() {
    let env = env().await;
    let resp = env
        .client
        .publish(
            &env.sidecar,
            "pubsub/raw?metadata.rawPayload=true",
            "application/octet-stream",
            "raw bytes",
        )
        .await;
    assert_eq!(resp.status, 204);
    let got = env.app.wait_posts("/events/raw", 1).await;
    let v = got[0].json();
    assert_eq!(v["datacontenttype"], "application/octet-stream");
    assert_eq!(v["data_base64"], "cmF3IGJ5dGVz");
    assert_eq!(v["source"], "Dapr");
    assert_eq!(v["topic"], "raw");
    assert!(uuid::Uuid::parse_str(v["id"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn unmatched_and_unsubscribed_events_are_acked() {
    let env = env().await;
    publish_ce(&env, "pubsub/only-rules", &ce("x", "unwanted", json!({}))).await;
    publish_ce(&env, "pubsub/only-rules", &ce("y", "wanted", json!({}))).await;
    publish_ce(&env, "pubsub/nobody-listens", &ce("z", "t", json!({}))).await;
    publish_ce(&env, "pubsub/not-mine", &ce("w", "t", json!({}))).await;
    publish_ce(&env, "pubsub/legacy", &ce("l", "t", json!({}))).await;
    env.sidecar.wait_idle(WAIT).await.unwrap();
    let paths: Vec<_> = env
        .app
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/events/"))
        .map(|r| r.path)
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths.contains(&"/events/wanted".to_string()));
    assert!(paths.contains(&"/events/legacy".to_string()));
    assert!(env
        .sidecar
        .deliveries()
        .iter()
        .any(|d| d.id == "x" && d.outcome == "no_route"));
}

#[tokio::test]
async fn programmatic_subscriptions_and_app_token() {
    let app = TestApp::start().await;
    app.set_handler(|r| match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/dapr/subscribe") => Reply::new(
            200,
            r#"[{"pubsubname":"pubsub","topic":"prog","route":"/events/prog"},
                {"pubsubname":"pubsub","topic":"legacy","routes":{"rules":[],"default":"/events/legacy2"}}]"#,
        ),
        _ => default_reply(r),
    });
    let res = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let mut cfg = config(&app.url(), res.path(), state.path());
    cfg.app_api_token = Some("app-secret".into());
    let s = start(cfg).await;
    s.wait_ready(WAIT).await.unwrap();
    let c = Http::new();
    for topic in ["prog", "legacy"] {
        let resp = c
            .publish(&s, &format!("pubsub/{topic}"), "text/plain", "hi")
            .await;
        assert_eq!(resp.status, 204);
    }
    s.wait_idle(WAIT).await.unwrap();
    let prog = app.posts_to("/events/prog");
    assert_eq!(prog.len(), 1);
    assert_eq!(prog[0].header("dapr-api-token"), Some("app-secret"));
    assert_eq!(
        app.posts_to("/events/legacy2").len(),
        1,
        "programmatic replaces declarative"
    );
    assert!(app.posts_to("/events/legacy").is_empty());
    let sub = app
        .requests()
        .into_iter()
        .find(|r| r.path == "/dapr/subscribe")
        .unwrap();
    assert_eq!(sub.header("dapr-app-id"), Some("tasks"));
    s.shutdown().await;
}
