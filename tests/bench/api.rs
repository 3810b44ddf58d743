//! API benchmark: starts `spinhost up` on the compiled components, then
//! drives create and list with N concurrent keep-alive clients (default 32)
//! and prints requests/s and p50/p95/p99 latency, on PostgreSQL and SQLite,
//! in two modes: the host as it runs by default, and `--spin-compat`, where
//! SQLite and the PostgreSQL pool behave as under Spin 3.6 (what `spin up`
//! users get). Then, per backend and mode, a page of 20 open tasks for one
//! user with 10,000 tasks; and the same create and list as a native Rust
//! handler over the same crates and database (`native.rs`), for the cost
//! of Wasm and of an instance per request.
//!
//!   scripts/bench.sh api [--backend postgres|sqlite|both] [--mode host|spin|both]
//!                        [--clients 32] [--seconds 10] [--large 10000] [--no-native]

mod native;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use integration_tests::{pg, repo_root, Backend};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `spinhost up` as it runs by default.
    Host,
    /// `spinhost up --spin-compat`.
    SpinCompat,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Host => "host",
            Mode::SpinCompat => "spin-compat",
        }
    }
}

struct Options {
    backends: Vec<Backend>,
    modes: Vec<Mode>,
    clients: usize,
    seconds: u64,
    /// Tasks of the one user whose list is measured at scale (0: skip).
    large: usize,
    native: bool,
}

fn parse_args() -> Options {
    let mut o = Options {
        backends: vec![Backend::Postgres, Backend::Sqlite],
        modes: vec![Mode::Host, Mode::SpinCompat],
        clients: 32,
        seconds: 10,
        large: 10_000,
        native: true,
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
            "--mode" => {
                o.modes = match value.as_str() {
                    "host" => vec![Mode::Host],
                    "spin" | "spin-compat" => vec![Mode::SpinCompat],
                    _ => vec![Mode::Host, Mode::SpinCompat],
                }
            }
            "--clients" => o.clients = value.parse().expect("--clients N"),
            "--seconds" => o.seconds = value.parse().expect("--seconds N"),
            "--large" => o.large = value.parse().expect("--large N"),
            "--no-native" => {
                o.native = false;
                i += 1;
                continue;
            }
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
    database: integration_tests::native::Database,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_host(backend: Backend, mode: Mode) -> Host {
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
    if mode == Mode::SpinCompat {
        cmd.arg("--spin-compat");
    }
    let database = match backend {
        Backend::Postgres => {
            let url = pg::fresh_database("bench");
            cmd.args(["--db", &url]);
            integration_tests::native::Database::Postgres(url)
        }
        Backend::Sqlite => integration_tests::native::Database::Sqlite(
            state.join(spinhost::sqlite::DEFAULT_DB_FILE),
        ),
    };
    let child = cmd
        .spawn()
        .expect("target/release/spinhost (cargo build --release -p spinhost)");
    let host = Host {
        child,
        base: format!("http://127.0.0.1:{port}"),
        database,
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

    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn print(&self, label: &str) {
        println!(
            "{label:<36} {:>7.0} req/s   p50 {:>6.2} ms   p95 {:>6.2} ms   p99 {:>6.2} ms   ({} requests, {} errors)",
            self.rate(),
            self.percentile(0.50),
            self.percentile(0.95),
            self.percentile(0.99),
            self.requests,
            self.errors
        );
    }
}

/// What each client repeats.
#[derive(Clone, Copy)]
enum Op {
    Create,
    List,
}

/// Each client repeats `op` for `seconds` on its own connection; client i
/// uses `tokens[i % tokens.len()]`.
async fn run_load(
    client: &HttpClient,
    base: &str,
    tokens: &[String],
    clients: usize,
    seconds: u64,
    op: Op,
) -> Stats {
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let token = tokens[i % tokens.len()].clone();
        let (client, base) = (client.clone(), base.to_string());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut n = 0u64;
            while Instant::now() < end {
                let t0 = Instant::now();
                let (status, _) = match op {
                    Op::Create => {
                        create(&client, &base, &token, &format!("bench task {i}-{n}")).await
                    }
                    Op::List => {
                        call(
                            &client,
                            "GET",
                            &format!("{base}/api/v1/tasks?limit=20&status=open"),
                            Some(&token),
                            None,
                        )
                        .await
                    }
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

async fn create(client: &HttpClient, base: &str, token: &str, title: &str) -> (u16, Value) {
    let body = json!({"title": title, "priority": "high", "tags": ["bench"],
                      "dueAt": "2030-01-01T00:00:00Z"});
    call(
        client,
        "POST",
        &format!("{base}/api/v1/tasks"),
        Some(token),
        Some(&body),
    )
    .await
}

async fn sign_up(client: &HttpClient, base: &str, users: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for i in 0..users {
        let email = format!("bench-{i}-{}@example.com", uuid::Uuid::new_v4());
        let (status, body) = call(
            client,
            "POST",
            &format!("{base}/api/v1/auth/signup"),
            None,
            Some(&json!({"email": email, "password": "bench password"})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        tokens.push(body["token"].as_str().unwrap().to_string());
    }
    tokens
}

/// Gives one user `count` open tasks (through the API, `clients` at once).
async fn seed(client: &HttpClient, base: &str, token: &str, count: usize, clients: usize) {
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, base, token, next) = (
            client.clone(),
            base.to_string(),
            token.to_string(),
            next.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= count {
                    break;
                }
                let (status, body) =
                    create(&client, &base, &token, &format!("seeded task {n}")).await;
                assert_eq!(status, 201, "{body}");
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
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
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(options.clients)
        .build_http();
    let seconds = options.seconds;
    let clients = options.clients;
    for backend in &options.backends {
        for mode in &options.modes {
            let name = format!("{} {}", backend_name(*backend), mode.label());
            let host = start_host(*backend, *mode);
            let (create_stats, large_token) = runtime.block_on(async {
                let tokens = sign_up(&client, &host.base, clients).await;
                // Warm up: connections, pools, page cache.
                run_load(&client, &host.base, &tokens, clients, 2, Op::Create).await;
                let created =
                    run_load(&client, &host.base, &tokens, clients, seconds, Op::Create).await;
                created.print(&format!("{name} create"));
                run_load(&client, &host.base, &tokens, clients, seconds, Op::List)
                    .await
                    .print(&format!("{name} list 20"));
                if options.large == 0 {
                    return (created, None);
                }
                let large = sign_up(&client, &host.base, 1).await;
                seed(&client, &host.base, &large[0], options.large, clients).await;
                run_load(&client, &host.base, &large, clients, 1, Op::List).await;
                run_load(&client, &host.base, &large, clients, seconds, Op::List)
                    .await
                    .print(&format!("{name} list 20 of {}", options.large));
                (created, Some(large))
            });
            if options.native && *mode == Mode::Host {
                run_native(
                    &runtime,
                    &client,
                    &host,
                    &name,
                    &options,
                    &create_stats,
                    large_token,
                );
            }
            drop(host);
        }
    }
}

/// The same operations on the native handler, over the database the host
/// just used, with its users and tasks; prints the Wasm/native ratio.
fn run_native(
    runtime: &tokio::runtime::Runtime,
    client: &HttpClient,
    host: &Host,
    name: &str,
    options: &Options,
    wasm_create: &Stats,
    large: Option<Vec<String>>,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    native::serve(host.database.clone(), listener);
    runtime.block_on(async {
        let tokens = sign_up(client, &host.base, options.clients).await;
        run_load(client, &base, &tokens, options.clients, 2, Op::Create).await;
        let created = run_load(
            client,
            &base,
            &tokens,
            options.clients,
            options.seconds,
            Op::Create,
        )
        .await;
        created.print(&format!("{name} native create"));
        println!(
            "{name}: Wasm create throughput is {:.2} of native",
            wasm_create.rate() / created.rate()
        );
        if let Some(large) = large {
            run_load(
                client,
                &base,
                &large,
                options.clients,
                options.seconds,
                Op::List,
            )
            .await
            .print(&format!("{name} native list 20 of {}", options.large));
        }
    });
}
