//! API benchmark: starts `spinhost up` on the compiled components, then
//! drives create and list with N concurrent keep-alive clients (default 32)
//! and prints requests/s and p50/p95/p99 latency, on PostgreSQL and SQLite.
//!
//!   scripts/bench.sh api [--backend postgres|sqlite|both] [--clients 32] [--seconds 10]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use integration_tests::{pg, repo_root, Backend};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

struct Options {
    backends: Vec<Backend>,
    clients: usize,
    seconds: u64,
}

fn parse_args() -> Options {
    let mut o = Options {
        backends: vec![Backend::Postgres, Backend::Sqlite],
        clients: 32,
        seconds: 10,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--backend" => {
                o.backends = match value.as_str() {
                    "postgres" => vec![Backend::Postgres],
                    "sqlite" => vec![Backend::Sqlite],
                    _ => vec![Backend::Postgres, Backend::Sqlite],
                }
            }
            "--clients" => o.clients = value.parse().expect("--clients N"),
            "--seconds" => o.seconds = value.parse().expect("--seconds N"),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    o
}

/// The host as a separate process, as `spin up` would be.
struct Host {
    child: Child,
    base: String,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_host(backend: Backend) -> Host {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let state = tempfile::tempdir().unwrap().keep();
    let mut cmd = Command::new(repo_root().join("target/release/spinhost"));
    cmd.args([
        "up",
        "--quiet",
        "--no-sidecar",
        "--listen",
        &format!("127.0.0.1:{port}"),
    ])
    .arg("--from")
    .arg(repo_root().join("spin.toml"))
    .arg("--state-dir")
    .arg(&state)
    .args([
        "--variable",
        &format!("auth_secret={}", integration_tests::TEST_AUTH_SECRET),
    ])
    // No sidecar here: publishing fails fast and events stay in the
    // outbox; the events benchmark measures the publish path.
    .args(["--variable", "dapr_http_endpoint=http://localhost:9"])
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    if backend == Backend::Postgres {
        cmd.args(["--db", &pg::fresh_database("bench")]);
    }
    let child = cmd
        .spawn()
        .expect("target/release/spinhost (cargo build --release -p spinhost)");
    let host = Host {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "host did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    host
}

async fn call(
    client: &HttpClient,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut req = hyper::Request::builder().method(method).uri(url);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Full::new(Bytes::from(b.to_string()))
        }
        None => Full::new(Bytes::new()),
    };
    let resp = client
        .request(req.body(body).unwrap())
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

struct Stats {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u64>,
}

impl Stats {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }

    fn print(&self, label: &str) {
        println!(
            "{label:<22} {:>8.0} req/s   p50 {:>6.2} ms   p95 {:>6.2} ms   p99 {:>6.2} ms   ({} requests, {} errors)",
            self.requests as f64 / self.elapsed.as_secs_f64(),
            self.percentile(0.50),
            self.percentile(0.95),
            self.percentile(0.99),
            self.requests,
            self.errors
        );
    }
}

/// Each client repeats `op` for `seconds` on its own connection.
async fn run_load(
    client: &HttpClient,
    base: &str,
    tokens: &[String],
    seconds: u64,
    op: &'static str,
) -> Stats {
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (client, base, token) = (client.clone(), base.to_string(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut n = 0u64;
            while Instant::now() < end {
                let t0 = Instant::now();
                let (status, _) = match op {
                    "create" => {
                        let body = json!({"title": format!("bench task {i}-{n}"), "priority": "high", "tags": ["bench"],
                                          "dueAt": "2030-01-01T00:00:00Z"});
                        call(&client, "POST", &format!("{base}/api/v1/tasks"), Some(&token), Some(&body)).await
                    }
                    _ => call(&client, "GET", &format!("{base}/api/v1/tasks?limit=20&status=open"), Some(&token), None).await,
                };
                lat.push(t0.elapsed().as_micros() as u64);
                if !(200..300).contains(&status) {
                    errors += 1;
                }
                n += 1;
            }
            (lat, errors)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await.unwrap();
        latencies_us.extend(lat);
        errors += e;
    }
    latencies_us.sort_unstable();
    Stats {
        requests: latencies_us.len(),
        errors,
        elapsed: start.elapsed(),
        latencies_us,
    }
}

fn main() {
    let options = parse_args();
    // The load generator gets one thread; the host (another process) gets
    // the rest, as wrk against `spin up` on the same machine.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "API benchmark: {} concurrent clients, {} s per phase, host = target/release/spinhost",
        options.clients, options.seconds
    );
    for backend in &options.backends {
        let host = start_host(*backend);
        runtime.block_on(async {
            let client: HttpClient = Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(options.clients)
                .build_http();
            let mut tokens = Vec::new();
            for i in 0..options.clients {
                let email = format!("bench-{i}-{}@example.com", uuid::Uuid::new_v4());
                let (status, body) = call(
                    &client,
                    "POST",
                    &format!("{}/api/v1/auth/signup", host.base),
                    None,
                    Some(&json!({"email": email, "password": "bench password"})),
                )
                .await;
                assert_eq!(status, 201, "{body}");
                tokens.push(body["token"].as_str().unwrap().to_string());
            }
            let name = match backend {
                Backend::Postgres => "postgres",
                Backend::Sqlite => "sqlite",
            };
            // Warm up: connections, pools, page cache.
            run_load(&client, &host.base, &tokens, 2, "create").await;
            run_load(&client, &host.base, &tokens, options.seconds, "create")
                .await
                .print(&format!("{name} create"));
            run_load(&client, &host.base, &tokens, options.seconds, "list")
                .await
                .print(&format!("{name} list (20/page)"));
        });
        drop(host);
    }
}
