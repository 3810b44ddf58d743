//! Events benchmark: publish → sidecar → one agent (the overdue agent, a
//! compiled component reading the task and recording the event), on the
//! host and the embedded sidecar in this process.
//!
//! Phase 1 publishes at a fixed rate (open loop) and reports the handled
//! rate and the publish-to-handled latency p50/p95/p99. Phase 2 publishes
//! as fast as the sidecar accepts (closed loop) and reports the sustained
//! handled rate.
//!
//!   scripts/bench.sh events [--backend sqlite|postgres|both] [--rate 1000] [--seconds 10] [--users 64]

use integration_tests::system::{SidecarSetup, System};
use integration_tests::{repo_root, Backend};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Options {
    backends: Vec<Backend>,
    rate: u64,
    seconds: u64,
    users: usize,
}

fn parse_args() -> Options {
    let mut o = Options {
        backends: vec![Backend::Sqlite, Backend::Postgres],
        rate: 1000,
        seconds: 10,
        users: 64,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let v = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--backend" => {
                o.backends = match v.as_str() {
                    "postgres" => vec![Backend::Postgres],
                    "sqlite" => vec![Backend::Sqlite],
                    _ => vec![Backend::Sqlite, Backend::Postgres],
                }
            }
            "--rate" => o.rate = v.parse().expect("--rate N"),
            "--seconds" => o.seconds = v.parse().expect("--seconds N"),
            "--users" => o.users = v.parse().expect("--users N"),
            other => panic!("unknown argument {other}"),
        }
    }
    o
}

/// Only the overdue agent subscribes: the benchmark measures one agent.
fn bench_resources() -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    for f in ["pubsub.yaml", "resiliency.yaml"] {
        std::fs::copy(repo_root().join("dapr").join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("subscription.yaml"),
        "apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: bench\nspec:\n  pubsubname: pubsub\n  topic: tasks-lifecycle\n  routes:\n    default: /events/overdue\n  deadLetterTopic: tasks-lifecycle-dlq\nscopes:\n  - overdue-agent\n",
    )
    .unwrap();
    dir
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    let o = parse_args();
    println!(
        "Events benchmark: publish -> embedded sidecar -> overdue agent; {} users, {} s per phase",
        o.users, o.seconds
    );
    for backend in &o.backends {
        let setup = SidecarSetup {
            resources: bench_resources(),
            app_ids: vec!["overdue-agent".into()],
            ..Default::default()
        };
        let system = System::start_with(*backend, true, setup);
        let name = if *backend == Backend::Postgres {
            "postgres"
        } else {
            "sqlite"
        };
        // One task per user, not overdue: the agent reads it and records the event.
        let mut targets = Vec::new();
        for _ in 0..o.users {
            let u = system.app.sign_up();
            let t = system.app.create_task(
                &u,
                json!({"title": "bench", "dueAt": "2031-01-01T00:00:00Z"}),
            );
            targets.push((u.id, t["id"].as_str().unwrap().to_string()));
        }
        system.settle();
        let sidecar_url = format!("http://{}", system.sidecar_addr);
        let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
        let handled: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
        let mut feed = system.sidecar().subscribe_events();
        let recorder = {
            let handled = handled.clone();
            system.runtime.spawn(async move {
                loop {
                    match feed.recv().await {
                        Ok(dapr_sidecar::ObservedEvent::Delivery(d))
                            if d.path == "/events/overdue" && d.outcome == "success" =>
                        {
                            handled.lock().unwrap().push((d.id.clone(), Instant::now()));
                        }
                        Ok(_) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                            eprintln!("observer lagged by {n}")
                        }
                        Err(_) => break,
                    }
                }
            })
        };
        let client = reqwest::Client::new();
        let publish = |seq: u64| {
            let (user, task) = &targets[seq as usize % targets.len()];
            let id = format!("bench-{seq}");
            let body = json!({"specversion": "1.0", "id": id, "type": "tasks.updated", "source": "bench", "subject": task,
                              "datacontenttype": "application/json",
                              "data": {"taskId": task, "userId": user, "correlationId": id, "changes": {}}});
            let url = format!(
                "{sidecar_url}/v1.0/publish/pubsub/tasks-lifecycle?metadata.partitionKey={user}"
            );
            let req = client
                .post(url)
                .header("content-type", "application/cloudevents+json")
                .header("dapr-api-token", integration_tests::TEST_DAPR_API_TOKEN)
                .body(body.to_string());
            sent.lock().unwrap().insert(id, Instant::now());
            req
        };
        // Phase 1: open loop at the target rate.
        let total = o.rate * o.seconds;
        let phase_start = Instant::now();
        system.runtime.block_on(async {
            let mut in_flight = tokio::task::JoinSet::new();
            for seq in 0..total {
                let due = phase_start + Duration::from_secs_f64(seq as f64 / o.rate as f64);
                tokio::time::sleep_until(due.into()).await;
                let req = publish(seq);
                in_flight.spawn(async move {
                    req.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
                });
                while let Some(r) = in_flight.try_join_next() {
                    assert_eq!(r.unwrap(), 204);
                }
            }
            while let Some(r) = in_flight.join_next().await {
                assert_eq!(r.unwrap(), 204);
            }
        });
        let publish_secs = phase_start.elapsed().as_secs_f64();
        system.settle();
        let handled_secs = phase_start.elapsed().as_secs_f64();
        std::thread::sleep(Duration::from_millis(200));
        let mut latencies: Vec<Duration> = {
            let sent = sent.lock().unwrap();
            handled
                .lock()
                .unwrap()
                .iter()
                .filter_map(|(id, at)| sent.get(id).map(|s| at.duration_since(*s)))
                .collect()
        };
        latencies.sort();
        println!(
            "{name:<8} open loop {:>5} ev/s offered: published {:.0} ev/s, handled {} events in {:.2} s ({:.0} ev/s); latency p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms",
            o.rate, total as f64 / publish_secs, latencies.len(), handled_secs, latencies.len() as f64 / handled_secs,
            percentile(&latencies, 0.5), percentile(&latencies, 0.95), percentile(&latencies, 0.99)
        );
        // Phase 2: closed loop, 16 publishers as fast as the sidecar accepts.
        handled.lock().unwrap().clear();
        let start = Instant::now();
        let base = total;
        let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
        system.runtime.block_on(async {
            let mut workers = tokio::task::JoinSet::new();
            for _ in 0..16 {
                let counter = counter.clone();
                let client = client.clone();
                let targets = targets.clone();
                let sidecar_url = sidecar_url.clone();
                let end = start + Duration::from_secs(o.seconds);
                workers.spawn(async move {
                    while Instant::now() < end {
                        let seq = base + counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let (user, task) = &targets[seq as usize % targets.len()];
                        let body = json!({"specversion": "1.0", "id": format!("bench-{seq}"), "type": "tasks.updated", "source": "bench",
                                          "datacontenttype": "application/json",
                                          "data": {"taskId": task, "userId": user, "correlationId": "bench", "changes": {}}});
                        let url = format!("{sidecar_url}/v1.0/publish/pubsub/tasks-lifecycle?metadata.partitionKey={user}");
                        let r = client.post(url).header("content-type", "application/cloudevents+json").header("dapr-api-token", integration_tests::TEST_DAPR_API_TOKEN).body(body.to_string()).send().await;
                        assert_eq!(r.map(|r| r.status().as_u16()).unwrap_or(0), 204);
                    }
                });
            }
            while workers.join_next().await.is_some() {}
        });
        let published = counter.load(std::sync::atomic::Ordering::Relaxed);
        system.settle_within(Duration::from_secs(300));
        let secs = start.elapsed().as_secs_f64();
        let done = handled.lock().unwrap().len();
        println!(
            "{name:<8} closed loop: published {published} events ({:.0} ev/s), all {done} handled in {secs:.2} s: sustained {:.0} ev/s",
            published as f64 / o.seconds as f64, done as f64 / secs
        );
        recorder.abort();
    }
}
