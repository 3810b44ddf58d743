//! The host serving a real spin-sdk 5.2 guest over real HTTP.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{get, probe_manifest, probe_wasm, Client};
use spinhost::{App, AppOptions, EngineOptions};

struct Fixture {
    app: App,
    dir: PathBuf,
    upstream: SocketAddr,
}

/// An upstream HTTP server the probe is allowed to reach; it lives on its own
/// runtime so that it outlives every test's runtime.
fn start_upstream() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(|_req| async {
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(
                            http_body_util::Full::new(bytes::Bytes::from_static(
                                b"upstream says hi",
                            )),
                        ))
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

fn write_manifest() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spinhost-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spin.toml");
    std::fs::write(&path, probe_manifest(probe_wasm())).unwrap();
    path
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let upstream = start_upstream();
        let manifest = write_manifest();
        let dir = manifest.parent().unwrap().to_path_buf();
        let options = AppOptions {
            variables: HashMap::from([
                ("overridden".to_string(), "override".to_string()),
                ("upstream_port".to_string(), upstream.port().to_string()),
            ]),
            cache_dir: Some(common::workspace_root().join("target/spinhost-cache")),
            log_requests: false,
            ..AppOptions::default()
        };
        let app = App::load(&manifest, options).expect("loading the probe app");
        Fixture { app, dir, upstream }
    })
}

async fn serve() -> spinhost::ServeHandle {
    fixture()
        .app
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn headers_json(body: &str) -> HashMap<String, String> {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn spin_headers_reach_the_guest() {
    let server = serve().await;
    let addr = server.local_addr();
    let mut client = Client::connect(addr).await;

    let reply = client.get("/headers/a/b/?x=1&y=2").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let h = headers_json(&reply.body);
    assert_eq!(
        h["spin-full-url"],
        format!("http://{addr}/headers/a/b/?x=1&y=2")
    );
    assert_eq!(h["spin-path-info"], "/a/b/");
    assert_eq!(h["spin-matched-route"], "/headers/...");
    assert_eq!(h["spin-raw-component-route"], "/headers/...");
    assert_eq!(h["spin-component-route"], "/headers");
    assert_eq!(h["spin-base-path"], "/");
    let client_addr: SocketAddr = h["spin-client-addr"].parse().unwrap();
    assert_eq!(client_addr.ip().to_string(), "127.0.0.1");
    assert_eq!(
        reply.headers["x-probe-saw-host"], "no",
        "host is a forbidden header"
    );

    let h = headers_json(&client.get("/items/42").await.body);
    assert_eq!(h["spin-path-match-id"], "42");
    assert_eq!(h["spin-path-info"], "");
    assert_eq!(h["spin-matched-route"], "/items/:id");

    let h = headers_json(&client.get("/items/7/files/x/y.txt").await.body);
    assert_eq!(h["spin-path-match-id"], "7");
    assert_eq!(h["spin-path-info"], "/x/y.txt");
    assert_eq!(h["spin-component-route"], "/items/:id/files");

    let h = headers_json(&client.get("/exact").await.body);
    assert_eq!(h["spin-path-info"], "");
    assert_eq!(h["spin-matched-route"], "/exact");

    // Spin appends its headers after the client's; spin-sdk's header map
    // keeps the last value, so the guest sees Spin's, not the forged one.
    let reply = client
        .get_with("/exact", &[("spin-path-info", "forged")])
        .await;
    assert_eq!(headers_json(&reply.body)["spin-path-info"], "");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unmatched_and_reserved_paths() {
    let server = serve().await;
    let addr = server.local_addr();
    let reply = get(addr, "/nothing/here").await;
    assert_eq!((reply.status, reply.body.as_str()), (404, ""));
    let reply = get(addr, "/items").await;
    assert_eq!(reply.status, 404);
    let reply = get(addr, "/.well-known/spin/health").await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "OK"));
    let reply = get(addr, "/.well-known/spin/info").await;
    let info: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(info["name"], "probe-app");
    assert_eq!(info["version"], "0.1.0");
    assert_eq!(get(addr, "/.well-known/spin/other").await.status, 404);
    server.shutdown().await.unwrap();
}

async fn var(client: &mut Client, name: &str) -> String {
    client.get(&format!("/var?name={name}")).await.body
}

#[tokio::test]
async fn variables() {
    let server = serve().await;
    let mut client = Client::connect(server.local_addr()).await;
    let c = &mut client;
    assert_eq!(var(c, "greeting").await, "ok:hello");
    assert_eq!(var(c, "overridden").await, "ok:override");
    assert_eq!(var(c, "composite").await, "ok:hello-override");
    assert_eq!(
        var(c, "needed").await,
        "err:Error::Provider(\"no provider resolved required variable \\\"needed\\\"\")"
    );
    assert_eq!(
        var(c, "upstream_port").await,
        "err:Error::Undefined(\"no variable for \\\"probe\\\".\\\"upstream_port\\\"\")"
    );
    let invalid = var(c, "Bad").await;
    assert!(
        invalid.starts_with("err:Error::InvalidName(\"\\\"Bad\\\": invalid character"),
        "{invalid}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn outbound_http_is_checked_against_allowed_hosts() {
    let server = serve().await;
    let mut client = Client::connect(server.local_addr()).await;
    let upstream = fixture().upstream;

    let allowed = client
        .get(&format!(
            "/outbound?url=http://127.0.0.1:{}/hello",
            upstream.port()
        ))
        .await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(allowed.body, "status:200 body:upstream says hi");

    // Same server, but named differently: hosts are matched literally.
    let by_name = client
        .get(&format!(
            "/outbound?url=http://localhost:{}/hello",
            upstream.port()
        ))
        .await;
    assert_eq!(by_name.status, 502);
    assert!(
        by_name.body.contains("HttpRequestDenied"),
        "{}",
        by_name.body
    );

    let other_port = client.get("/outbound?url=http://127.0.0.1:9/").await;
    assert!(
        other_port.body.contains("HttpRequestDenied"),
        "{}",
        other_port.body
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_trap_is_a_500_and_the_host_keeps_serving() {
    let server = serve().await;
    let mut client = Client::connect(server.local_addr()).await;
    let reply = client.get("/trap").await;
    assert_eq!((reply.status, reply.body.as_str()), (500, ""));
    // Same keep-alive connection, fresh instance.
    assert_eq!(client.get("/exact").await.status, 200);
    let reply = client.get("/trap").await;
    assert_eq!(reply.status, 500);
    assert_eq!(client.get("/var?name=greeting").await.body, "ok:hello");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn sqlite_through_the_guest() {
    let server = serve().await;
    let reply = get(server.local_addr(), "/sqlite").await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.starts_with("count:"), "{}", reply.body);
    assert!(reply.body.contains("columns:[\"n\"]"), "{}", reply.body);
    assert!(reply.body.contains("changes:1"), "{}", reply.body);
    assert!(
        reply.body.contains("other:Some(Error::AccessDenied)"),
        "{}",
        reply.body
    );
    assert!(fixture().dir.join(".spin/sqlite_db.db").exists());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn postgres_through_the_guest() {
    let server = serve().await;
    let addr = server.local_addr();
    let reply = get(addr, "/pg?url=postgres://postgres@127.0.0.1:5432/postgres").await;
    assert!(reply.body.starts_with("sum:42 "), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("int32-into-bigint:Error::QueryFailed(QueryError::Text(")
            && reply.body.contains("WrongType"),
        "{}",
        reply.body
    );
    let reply = get(addr, "/pg?url=postgres://postgres@localhost:5432/postgres").await;
    assert_eq!(
        reply.body,
        "open-error:Error::ConnectionFailed(\"address postgres://localhost:5432 is not permitted\")"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown_and_port_zero() {
    let server = serve().await;
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);
    let mut idle = Client::connect(addr).await;
    assert_eq!(idle.get("/exact").await.status, 200);
    tokio::time::timeout(Duration::from_secs(10), server.shutdown())
        .await
        .expect("shutdown waits for no idle connection")
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// Prints what one fresh instance plus one request costs, through HTTP on a
/// keep-alive connection, with and without the pooling allocator. A
/// benchmark, not a test: run by `scripts/bench.sh instantiate`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench.sh instantiate"]
async fn instantiation_cost() {
    let manifest = write_manifest();
    for pooling in [true, false] {
        let app = App::load(
            &manifest,
            AppOptions {
                variables: HashMap::from([("upstream_port".into(), "1".into())]),
                cache_dir: Some(common::workspace_root().join("target/spinhost-cache")),
                log_requests: false,
                engine: EngineOptions {
                    pooling,
                    ..EngineOptions::default()
                },
                ..AppOptions::default()
            },
        )
        .unwrap();
        let server = app.bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let mut client = Client::connect(server.local_addr()).await;
        for _ in 0..50 {
            assert_eq!(client.get("/exact").await.status, 200);
        }
        let n = 500;
        let started = Instant::now();
        for _ in 0..n {
            client.get("/exact").await;
        }
        let per_request = started.elapsed() / n;
        println!(
            "instantiation + request over HTTP keep-alive (pooling allocator {}): {per_request:?} mean over {n}",
            if pooling { "on" } else { "off" }
        );
        server.shutdown().await.unwrap();
    }
}

/// Sends raw bytes and returns what the server answered before closing
/// (or the first read's worth, for a kept-alive connection).
async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("the host answers")
        .unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test]
async fn a_malformed_host_is_a_400_not_a_500() {
    let server = serve().await;
    let addr = server.local_addr();
    for request in [
        &b"GET /exact HTTP/1.1\r\nHost: a b\r\n\r\n"[..],
        &b"GET /exact HTTP/1.1\r\nHost: h\xc3\xa9llo\r\n\r\n"[..],
        &b"GET /exact HTTP/1.0\r\n\r\n"[..],
        &b"GET /exact HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"[..],
    ] {
        let answer = raw_exchange(addr, request).await;
        assert!(
            answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.0 400"),
            "{:?} -> {answer:?}",
            String::from_utf8_lossy(request)
        );
    }
    // A well-formed one still works.
    let answer = raw_exchange(addr, b"GET /exact HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn client_sent_spin_headers_never_reach_the_guest() {
    let server = serve().await;
    let mut client = Client::connect(server.local_addr()).await;
    // A forged header the route does not set is removed, not passed on.
    let h = headers_json(
        &client
            .get_with("/exact", &[("spin-path-match-id", "forged")])
            .await
            .body,
    );
    assert!(!h.contains_key("spin-path-match-id"), "{h:?}");
    let h = headers_json(
        &client
            .get_with("/items/42", &[("spin-client-addr", "6.6.6.6:1")])
            .await
            .body,
    );
    assert_eq!(h["spin-path-match-id"], "42");
    assert!(h["spin-client-addr"].starts_with("127.0.0.1:"), "{h:?}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unfinished_request_headers_time_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = serve().await;
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    stream
        .write_all(b"GET /exact HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    // The host closes the connection (possibly after a 408) once the
    // header read timeout passes; it never waits for the client forever.
    let read = tokio::time::timeout(
        spinhost::HEADER_READ_TIMEOUT + std::time::Duration::from_secs(5),
        async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => continue,
                }
            }
        },
    )
    .await;
    assert!(
        read.is_ok(),
        "the connection was still open after {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() >= spinhost::HEADER_READ_TIMEOUT - std::time::Duration::from_secs(1));
    server.shutdown().await.unwrap();
}
