//! One sidecar hosting several app ids (consumer groups) on one broker:
//! per-app-id resources and subscriptions, independent delivery, per-group
//! acks across restarts, input bindings per app id.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use dapr_sidecar::{SidecarConfig, SidecarHandle, TestClock};
use hyper::Method;
use serde_json::{json, Value};

const RESOURCES: &str = r#"
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: pubsub
spec:
  type: pubsub.in-memory
  version: v1
---
apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: resiliency
spec:
  policies:
    retries:
      quick:
        policy: constant
        duration: 10ms
        maxRetries: 2
  targets:
    components:
      pubsub:
        inbound:
          retry: quick
---
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: a-orders
spec:
  pubsubname: pubsub
  topic: orders
  routes:
    rules:
      - match: event.type == "orders.special"
        path: /a/special
    default: /a/orders
  deadLetterTopic: orders-dlq
scopes:
  - group-a
---
# A second subscription of group-a to the same topic: the first one wins.
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: a-orders-late
spec:
  pubsubname: pubsub
  topic: orders
  routes:
    default: /a/late
scopes:
  - group-a
---
# No dead-letter topic: failures go back to the broker.
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: b-orders
spec:
  pubsubname: pubsub
  topic: orders
  routes:
    default: /b/orders
scopes:
  - group-b
---
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: a-dlq
spec:
  pubsubname: pubsub
  topic: orders-dlq
  routes:
    default: /a/dlq
scopes:
  - group-a
---
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: b-dlq
spec:
  pubsubname: pubsub
  topic: orders-dlq
  routes:
    default: /b/dlq
scopes:
  - group-b
---
# Scoped to an app id this sidecar does not host.
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: c-orders
spec:
  pubsubname: pubsub
  topic: orders
  routes:
    default: /c/orders
scopes:
  - group-c
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: a-tick
spec:
  type: bindings.cron
  version: v1
  metadata:
    - name: schedule
      value: "@every 1h"
    - name: route
      value: /cron/a-tick
scopes:
  - group-a
---
# No scopes: every hosted app id reads it.
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: all-tick
spec:
  type: bindings.cron
  version: v1
  metadata:
    - name: schedule
      value: "@every 1h"
    - name: route
      value: /cron/all-tick
"#;

const GROUPS: [&str; 2] = ["group-a", "group-b"];

fn resources_dir() -> TempDir {
    let dir = TempDir::new("resources");
    std::fs::write(dir.path().join("resources.yaml"), RESOURCES).unwrap();
    dir
}

/// App id `publisher`, hosting `group-a` and `group-b`.
fn multi_config(app_url: &str, resources: &Path, state: &Path) -> SidecarConfig {
    let mut cfg = config(app_url, resources, state).with_app_ids(GROUPS);
    cfg.app_id = "publisher".into();
    cfg
}

async fn publish(c: &Http, s: &SidecarHandle, key: &str, id: &str, ty: &str, n: u64) {
    let body = json!({"id": id, "type": ty, "source": "tests", "specversion": "1.0",
                      "data": {"key": key, "n": n}})
    .to_string();
    let resp = c
        .publish(
            s,
            &format!("pubsub/orders?metadata.partitionKey={key}"),
            "application/cloudevents+json",
            &body,
        )
        .await;
    assert_eq!(resp.status, 204, "{}", resp.text());
}

async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn ids(reqs: &[Received]) -> Vec<String> {
    reqs.iter()
        .map(|r| r.json()["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// `n` per key, in arrival order, of the requests to any of `paths`.
fn by_key(app: &TestApp, paths: &[&str]) -> BTreeMap<String, Vec<u64>> {
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for r in app.requests() {
        if r.method == Method::POST && paths.contains(&r.path.as_str()) {
            let v = r.json();
            out.entry(v["data"]["key"].as_str().unwrap().to_string())
                .or_default()
                .push(v["data"]["n"].as_u64().unwrap());
        }
    }
    out
}

#[tokio::test]
async fn every_app_id_gets_every_message_in_order_per_key() {
    let app = TestApp::start().await;
    // Group b's first attempt at every fourth message fails, so retries are
    // part of the picture.
    let tried: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let t2 = tried.clone();
    app.set_handler(move |r| {
        if r.path == "/b/orders" {
            let v = r.json();
            let first = t2
                .lock()
                .unwrap()
                .insert(v["id"].as_str().unwrap().to_string());
            if first && v["data"]["n"].as_u64().unwrap() % 4 == 1 {
                return Reply::new(503, "busy");
            }
        }
        default_reply(r)
    });
    let res = resources_dir();
    let state = TempDir::new("state");
    let s = start(multi_config(&app.url(), res.path(), state.path())).await;
    s.wait_ready(WAIT).await.unwrap();
    assert_eq!(s.app_id(), "publisher");
    assert_eq!(s.app_ids(), GROUPS);

    let c = Http::new();
    let keys = ["k0", "k1", "k2"];
    let total = 30;
    for n in 0..total {
        let ty = if n % 5 == 0 {
            "orders.special"
        } else {
            "orders.created"
        };
        publish(&c, &s, keys[n as usize % 3], &format!("m{n}"), ty, n).await;
    }
    s.wait_idle(WAIT).await.unwrap();

    // Each group got every message, at its own routes, in order per key.
    let want: BTreeMap<String, Vec<u64>> = keys
        .iter()
        .map(|k| {
            let i = keys.iter().position(|x| x == k).unwrap() as u64;
            (k.to_string(), (0..total).filter(|n| n % 3 == i).collect())
        })
        .collect();
    assert_eq!(by_key(&app, &["/a/orders", "/a/special"]), want);
    assert_eq!(app.posts_to("/a/special").len(), 6);
    let b_failed_first: Vec<u64> = {
        // Successful deliveries only: drop the first attempt of n % 4 == 1.
        let mut seen = BTreeSet::new();
        let mut per_key: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for r in app.posts_to("/b/orders") {
            let v = r.json();
            let n = v["data"]["n"].as_u64().unwrap();
            if n % 4 == 1 && seen.insert(n) {
                continue;
            }
            per_key
                .entry(v["data"]["key"].as_str().unwrap().to_string())
                .or_default()
                .push(n);
        }
        assert_eq!(per_key, want, "group b, in order per key");
        seen.into_iter().collect()
    };
    assert_eq!(b_failed_first.len(), 8);

    // The subscription scoped to an app id that is not hosted, and the
    // second declarative subscription of group a, are not used.
    assert!(app.posts_to("/c/orders").is_empty());
    assert!(app.posts_to("/a/late").is_empty());
    assert!(s.resources_for("group-c").is_none());
    let a_subs: Vec<_> = s
        .resources_for("group-a")
        .unwrap()
        .subscriptions
        .iter()
        .map(|x| x.name.clone())
        .collect();
    assert_eq!(a_subs, ["a-orders", "a-orders-late", "a-dlq"]);
    assert!(s.resources().subscriptions.is_empty(), "publisher: none");

    // Each message is stored once, published by the sidecar's own app id.
    let published = s.published_messages("orders");
    assert_eq!(published.len(), total as usize);
    assert!(published.iter().all(|m| m.app_id == "publisher"));

    // Delivery records name the consumer group.
    let deliveries = s.deliveries();
    for g in GROUPS {
        let ok = deliveries
            .iter()
            .filter(|d| d.app_id == g && d.topic == "orders" && d.outcome == "success")
            .count();
        assert_eq!(ok, total as usize, "{g}");
    }
    assert!(deliveries
        .iter()
        .filter(|d| d.app_id == "group-a")
        .all(|d| d.path.starts_with("/a/")));

    // Metadata lists the subscriptions of each hosted app id.
    let meta = c
        .send("GET", &format!("{}/v1.0/metadata", s.base_url()), &[], "")
        .await
        .json();
    assert_eq!(meta["id"], "publisher");
    assert_eq!(meta["extended"]["hostedAppIds"], "group-a,group-b");
    let subs: BTreeSet<(String, String)> = meta["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["appId"].as_str().unwrap().to_string(),
                x["topic"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want_subs: BTreeSet<(String, String)> = GROUPS
        .iter()
        .flat_map(|g| {
            [
                (g.to_string(), "orders".into()),
                (g.to_string(), "orders-dlq".into()),
            ]
        })
        .collect();
    assert_eq!(subs, want_subs);
    let health = c
        .send(
            "GET",
            &format!("{}/v1.0/healthz?appid=group-b", s.base_url()),
            &[],
            "",
        )
        .await;
    assert_eq!(health.status, 204);
    s.shutdown().await;
}

#[tokio::test]
async fn a_failing_group_dead_letters_without_affecting_the_other() {
    let app = TestApp::start().await;
    app.set_handler(|r| {
        if r.path == "/a/orders" {
            return Reply::new(500, "boom");
        }
        default_reply(r)
    });
    let res = resources_dir();
    let state = TempDir::new("state");
    let s = start(multi_config(&app.url(), res.path(), state.path())).await;
    s.wait_ready(WAIT).await.unwrap();
    let c = Http::new();
    for n in 0..5 {
        publish(&c, &s, "k", &format!("m{n}"), "orders.created", n).await;
    }
    s.wait_idle(WAIT).await.unwrap();

    let want: Vec<String> = (0..5).map(|n| format!("m{n}")).collect();
    // Group a: one attempt and two retries each, then the dead-letter topic.
    let a = ids(&app.posts_to("/a/orders"));
    assert_eq!(a.len(), 15, "{a:?}");
    for (i, id) in want.iter().enumerate() {
        assert!(a[i * 3..i * 3 + 3].iter().all(|x| x == id), "{a:?}");
    }
    // Group b: each message once, in order, no retries, no dead letters.
    assert_eq!(ids(&app.posts_to("/b/orders")), want);
    assert!(s
        .deliveries()
        .iter()
        .filter(|d| d.app_id == "group-b" && d.topic == "orders")
        .all(|d| d.attempt == 1 && d.outcome == "success"));
    // The dead letters are a new publish by group a, which every group
    // subscribed to the dead-letter topic reads.
    let dead = s.dead_letters();
    assert_eq!(dead.len(), 5);
    assert!(dead.iter().all(|d| d.app_id == "group-a"));
    let dlq = s.published_messages("orders-dlq");
    assert_eq!(dlq.len(), 5);
    assert!(dlq.iter().all(|m| m.app_id == "group-a"));
    assert_eq!(ids(&app.posts_to("/a/dlq")), want);
    assert_eq!(ids(&app.posts_to("/b/dlq")), want);
    s.shutdown().await;
}

#[tokio::test]
async fn a_blocked_group_does_not_hold_back_the_other() {
    let app = TestApp::start().await;
    let release = Arc::new(AtomicBool::new(false));
    let r2 = release.clone();
    app.set_handler(move |r| {
        if r.path == "/b/orders" && r.json()["id"] == "m0" && !r2.load(Ordering::SeqCst) {
            return Reply::new(500, "not yet");
        }
        default_reply(r)
    });
    let res = resources_dir();
    let state = TempDir::new("state");
    let s = start(multi_config(&app.url(), res.path(), state.path())).await;
    s.wait_ready(WAIT).await.unwrap();
    let c = Http::new();
    for n in 0..5 {
        publish(&c, &s, "k", &format!("m{n}"), "orders.created", n).await;
    }
    let want: Vec<String> = (0..5).map(|n| format!("m{n}")).collect();

    // Group a gets everything while group b's head of line keeps failing
    // (no dead-letter topic: the broker redelivers, the key waits).
    let a = app.wait_posts("/a/orders", 5).await;
    assert_eq!(ids(&a), want);
    app.wait_until("several redeliveries to group b", WAIT, |reqs| {
        reqs.iter().filter(|r| r.path == "/b/orders").count() >= 6
    })
    .await;
    assert!(ids(&app.posts_to("/b/orders")).iter().all(|i| i == "m0"));
    wait_for("group a to ack", || s.pending_messages_for("group-a") == 0).await;
    assert_eq!(s.pending_messages(), 5, "group b has acked none");
    assert_eq!(s.pending_messages_for("group-b"), 5);

    release.store(true, Ordering::SeqCst);
    s.wait_idle(WAIT).await.unwrap();
    let b = ids(&app.posts_to("/b/orders"));
    let after: Vec<String> = b.into_iter().skip_while(|i| i == "m0").collect();
    assert_eq!(after, want[1..]);
    assert_eq!(app.posts_to("/a/orders").len(), 5, "group a: no redelivery");
    assert!(s.dead_letters().is_empty());
    s.shutdown().await;
}

#[tokio::test]
async fn a_restart_redelivers_only_what_each_group_has_not_acked() {
    let app = TestApp::start().await;
    let b_up = Arc::new(AtomicBool::new(false));
    let b2 = b_up.clone();
    app.set_handler(move |r| {
        if r.path == "/b/orders" && !b2.load(Ordering::SeqCst) {
            return Reply::new(500, "down");
        }
        default_reply(r)
    });
    let res = resources_dir();
    let state = TempDir::new("state");
    let c = Http::new();

    // First run: group a handles everything, group b nothing.
    let s1 = start(multi_config(&app.url(), res.path(), state.path())).await;
    s1.wait_ready(WAIT).await.unwrap();
    for n in 0..6 {
        let key = if n % 2 == 0 { "even" } else { "odd" };
        publish(&c, &s1, key, &format!("m{n}"), "orders.created", n).await;
    }
    app.wait_posts("/a/orders", 6).await;
    app.wait_until("group b tried", WAIT, |reqs| {
        reqs.iter().any(|r| r.path == "/b/orders")
    })
    .await;
    wait_for("group a to ack", || s1.pending_messages_for("group-a") == 0).await;
    assert_eq!(s1.pending_messages_for("group-b"), 6);
    assert_eq!(s1.pending_messages(), 6);
    s1.shutdown().await;
    let a_before = app.posts_to("/a/orders").len();
    let b_before = app.posts_to("/b/orders").len();
    assert_eq!(a_before, 6);

    // Second run: only group b's messages come back, in order per key.
    b_up.store(true, Ordering::SeqCst);
    let s2 = start(multi_config(&app.url(), res.path(), state.path())).await;
    s2.wait_ready(WAIT).await.unwrap();
    s2.wait_idle(WAIT).await.unwrap();
    let b: Vec<Received> = app.posts_to("/b/orders")[b_before..].to_vec();
    assert_eq!(b.len(), 6, "{:?}", ids(&b));
    for parity in [0, 1] {
        let seq: Vec<u64> = b
            .iter()
            .map(|r| r.json()["data"]["n"].as_u64().unwrap())
            .filter(|n| n % 2 == parity)
            .collect();
        let want: Vec<u64> = (0..6).filter(|n| n % 2 == parity).collect();
        assert_eq!(seq, want);
    }
    assert_eq!(app.posts_to("/a/orders").len(), a_before, "group a acked");
    s2.shutdown().await;

    // Third run: both groups acked everything.
    let before = app.requests().len();
    let s3 = start(multi_config(&app.url(), res.path(), state.path())).await;
    s3.wait_ready(WAIT).await.unwrap();
    s3.wait_idle(WAIT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let again: Vec<_> = app.requests()[before..]
        .iter()
        .filter(|r| r.method == Method::POST)
        .map(|r| r.path.clone())
        .collect();
    assert!(again.is_empty(), "redelivered: {again:?}");
    s3.shutdown().await;
}

#[tokio::test]
async fn cron_bindings_fire_once_per_tick_per_app_id_in_scope() {
    let app = TestApp::start().await;
    let res = resources_dir();
    let state = TempDir::new("state");
    let clock = Arc::new(TestClock::starting_now());
    let cfg = multi_config(&app.url(), res.path(), state.path()).with_clock(clock.clone());
    let s = start(cfg).await;
    s.wait_ready(WAIT).await.unwrap();

    // Each app id probes the bindings in its scope.
    let probes = |path: &str| {
        app.requests()
            .iter()
            .filter(|r| r.method == Method::OPTIONS && r.path == path)
            .count()
    };
    assert_eq!(probes("/cron/a-tick"), 1);
    assert_eq!(probes("/cron/all-tick"), 2);

    for tick in 1..=2 {
        clock.advance(Duration::from_secs(3600));
        app.wait_posts("/cron/a-tick", tick).await;
        app.wait_posts("/cron/all-tick", 2 * tick).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(app.posts_to("/cron/a-tick").len(), tick, "once per tick");
        assert_eq!(
            app.posts_to("/cron/all-tick").len(),
            2 * tick,
            "once per tick per app id"
        );
    }
    let fired = |name: &str| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for d in s.deliveries() {
            if d.kind == "binding" && d.topic == name {
                *m.entry(d.app_id).or_default() += 1;
            }
        }
        m
    };
    assert_eq!(fired("a-tick"), BTreeMap::from([("group-a".into(), 2)]));
    assert_eq!(
        fired("all-tick"),
        BTreeMap::from([("group-a".into(), 2), ("group-b".into(), 2)])
    );

    // On demand: per app id, or once for each app id that reads it.
    assert!(s.trigger_binding_for("group-b", "a-tick").await.is_err());
    assert_eq!(
        s.trigger_binding_for("group-a", "a-tick").await.unwrap(),
        200
    );
    assert_eq!(app.posts_to("/cron/a-tick").len(), 3);
    assert_eq!(s.trigger_binding("all-tick").await.unwrap(), 200);
    assert_eq!(app.posts_to("/cron/all-tick").len(), 6);
    s.shutdown().await;
}

#[tokio::test]
async fn programmatic_subscriptions_are_read_per_app_id() {
    let app = TestApp::start().await;
    app.set_handler(|r| match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/dapr/subscribe") if r.header("dapr-app-id") == Some("group-b") => Reply::new(
            200,
            r#"[{"pubsubname":"pubsub","topic":"orders","route":"/b/prog"}]"#,
        ),
        _ => default_reply(r),
    });
    let res = resources_dir();
    let state = TempDir::new("state");
    let s = start(multi_config(&app.url(), res.path(), state.path())).await;
    s.wait_ready(WAIT).await.unwrap();
    let c = Http::new();
    publish(&c, &s, "k", "p1", "orders.created", 0).await;
    s.wait_idle(WAIT).await.unwrap();

    let asked: Vec<String> = app
        .requests()
        .iter()
        .filter(|r| r.path == "/dapr/subscribe")
        .map(|r| r.header("dapr-app-id").unwrap().to_string())
        .collect();
    assert_eq!(asked, GROUPS);
    // Programmatic replaces declarative within group b only.
    assert_eq!(ids(&app.posts_to("/b/prog")), ["p1"]);
    assert!(app.posts_to("/b/orders").is_empty());
    assert_eq!(ids(&app.posts_to("/a/orders")), ["p1"]);
    s.shutdown().await;
}

#[tokio::test]
async fn project_resources_with_every_app_id() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dapr");
    let app = TestApp::start().await;
    let state = TempDir::new("state");
    let clock = Arc::new(TestClock::starting_now());
    let hosted = [
        "overdue-agent",
        "prioritization-agent",
        "suggestion-cleanup",
        "dead-letters",
        "scheduler",
    ];
    let mut cfg = config(&app.url(), &dir, state.path())
        .with_app_ids(hosted)
        .with_clock(clock.clone());
    cfg.app_id = "task-service".into();
    let s = start(cfg).await;
    s.wait_ready(WAIT).await.unwrap();

    // Every cron binding in dapr/ is scoped to the one-replica scheduler.
    let all_crons = std::fs::read_to_string(dir.join("bindings.yaml"))
        .unwrap()
        .matches("type: bindings.cron")
        .count();
    assert!(all_crons >= 4, "the project's crons: {all_crons}");
    for id in hosted {
        let r = s.resources_for(id).unwrap();
        let crons = if id == "scheduler" { all_crons } else { 0 };
        assert_eq!(r.cron_bindings.len(), crons, "{id}");
        // The dead-letter recorder reads every dead-letter topic; each other
        // consumer its own subscription; the scheduler only has crons.
        let subs = match id {
            "scheduler" => 0,
            "dead-letters" => 2,
            _ => 1,
        };
        assert_eq!(r.subscriptions.len(), subs, "{id}");
        assert!(r.pubsubs.contains_key("pubsub"));
    }

    let c = Http::new();
    let body = json!({"taskId": "t1"}).to_string();
    let resp = c
        .send(
            "POST",
            &format!(
                "{}/v1.0/publish/pubsub/tasks-lifecycle?metadata.partitionKey=u1&metadata.cloudevent.type=tasks.created",
                s.base_url()
            ),
            &[("content-type", "application/json")],
            body,
        )
        .await;
    assert_eq!(resp.status, 204);
    s.wait_idle(WAIT).await.unwrap();
    for path in [
        "/events/overdue",
        "/events/prioritization",
        "/events/suggestion-cleanup",
    ] {
        let got = app.posts_to(path);
        assert_eq!(got.len(), 1, "{path}");
        let v: Value = got[0].json();
        assert_eq!(v["type"], "tasks.created");
        assert_eq!(v["source"], "task-service");
    }
    assert!(app.posts_to("/events/dead-letter").is_empty());

    // Each cron binding fires once per tick (only the scheduler reads them).
    clock.advance(Duration::from_secs(5));
    app.wait_posts("/cron/outbox-relay", 1).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(app.posts_to("/cron/outbox-relay").len(), 1);
    s.shutdown().await;
}

#[test]
fn resources_are_loaded_per_hosted_app_id() {
    let dir = resources_dir();
    let ids: Vec<String> = GROUPS.iter().map(|s| s.to_string()).collect();
    let views = dapr_sidecar::Resources::load_dirs_for(std::slice::from_ref(&dir.0), &ids).unwrap();
    let names = |id: &str| -> Vec<String> {
        views
            .get(id)
            .unwrap()
            .subscriptions
            .iter()
            .map(|s| s.name.clone())
            .collect()
    };
    assert_eq!(names("group-a"), ["a-orders", "a-orders-late", "a-dlq"]);
    assert_eq!(names("group-b"), ["b-orders", "b-dlq"]);
    assert!(views.get("group-c").is_none());
    let crons = |id: &str| -> Vec<String> {
        views
            .get(id)
            .unwrap()
            .cron_bindings
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(crons("group-a"), ["a-tick", "all-tick"]);
    assert_eq!(crons("group-b"), ["all-tick"]);
    // Only what no hosted app id loads is reported as scoped away, once.
    let scoped: Vec<_> = views
        .warnings
        .iter()
        .filter(|w| w.contains("scoped to other apps"))
        .collect();
    assert_eq!(scoped.len(), 1, "{scoped:?}");
    assert!(
        scoped[0].contains("(document 8): Subscription"),
        "{scoped:?}"
    );
}
