//! Test helpers: a scriptable in-process "app", temp dirs, an HTTP client.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use dapr_sidecar::{Sidecar, SidecarConfig, SidecarHandle};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Method, Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

pub const WAIT: Duration = Duration::from_secs(10);

/// A request the test app received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What the test app answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn new(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.to_string(),
        }
    }
    pub fn status(s: &str) -> Self {
        Self::new(200, &format!(r#"{{"status":"{s}"}}"#))
    }
}

type Handler = Arc<dyn Fn(&Received) -> Reply + Send + Sync>;

/// The default app: SUCCESS for POSTs, 200 for OPTIONS, 404 for
/// `/dapr/subscribe` (like a Spin app without that route).
pub fn default_reply(r: &Received) -> Reply {
    match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/dapr/subscribe") => Reply::new(404, ""),
        ("OPTIONS", _) => Reply::new(200, ""),
        _ => Reply::status("SUCCESS"),
    }
}

/// A tiny HTTP app that records requests and answers as scripted.
pub struct TestApp {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    notify: Arc<Notify>,
    handler: Arc<Mutex<Handler>>,
    stop: watch::Sender<bool>,
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_on("127.0.0.1:0".parse().unwrap()).await
    }

    pub async fn start_on(addr: SocketAddr) -> TestApp {
        let listener = TcpListener::bind(addr).await.expect("bind test app");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let notify = Arc::new(Notify::new());
        let handler: Arc<Mutex<Handler>> = Arc::new(Mutex::new(Arc::new(default_reply)));
        let (stop, stop_rx) = watch::channel(false);
        let (r2, n2, h2) = (received.clone(), notify.clone(), handler.clone());
        tokio::spawn(async move {
            let mut stop_rx = stop_rx;
            loop {
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    _ = stop_rx.wait_for(|s| *s) => return,
                };
                let Ok((stream, _)) = accepted else { continue };
                let (r3, n3, h3) = (r2.clone(), n2.clone(), h2.clone());
                let mut conn_stop = stop_rx.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<Incoming>| {
                        let (r4, n4, h4) = (r3.clone(), n3.clone(), h3.clone());
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let rec = Received {
                                method: parts.method,
                                path: parts.uri.path().to_string(),
                                headers: parts.headers,
                                body,
                            };
                            let handler = h4.lock().unwrap().clone();
                            let reply = handler(&rec);
                            r4.lock().unwrap().push(rec);
                            n4.notify_waiters();
                            let mut resp = Response::new(Full::new(Bytes::from(reply.body)));
                            *resp.status_mut() = hyper::StatusCode::from_u16(reply.status).unwrap();
                            Ok::<_, std::convert::Infallible>(resp)
                        }
                    });
                    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
                    tokio::select! {
                        _ = conn => {}
                        _ = conn_stop.wait_for(|s| *s) => {}
                    }
                });
            }
        });
        TestApp {
            addr,
            received,
            notify,
            handler,
            stop,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_handler(&self, f: impl Fn(&Received) -> Reply + Send + Sync + 'static) {
        *self.handler.lock().unwrap() = Arc::new(f);
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// POSTs to `path`.
    pub fn posts_to(&self, path: &str) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == Method::POST && r.path == path)
            .collect()
    }

    /// Waits until `pred` holds for the requests so far.
    pub async fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            let reqs = self.requests();
            if pred(&reqs) {
                return reqs;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "timed out waiting for {what}; got {:?}",
                    reqs.iter()
                        .map(|r| format!("{} {}", r.method, r.path))
                        .collect::<Vec<_>>()
                );
            }
            let _ = tokio::time::timeout(left.min(Duration::from_millis(50)), notified).await;
        }
    }

    /// Waits for at least `n` POSTs to `path`.
    pub async fn wait_posts(&self, path: &str, n: usize) -> Vec<Received> {
        let p = path.to_string();
        self.wait_until(&format!("{n} POST(s) to {path}"), WAIT, move |reqs| {
            reqs.iter()
                .filter(|r| r.method == Method::POST && r.path == p)
                .count()
                >= n
        })
        .await;
        self.posts_to(path)
    }

    pub fn stop(&self) {
        self.stop.send_replace(true);
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("dapr-sidecar-{tag}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The checked-in sample resources.
pub fn sample_dir(set: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/resources")
        .join(set)
}

/// Copies a sample resource set, replacing `{{RECEIVER_URL}}`.
pub fn resources(set: &str, receiver_url: &str) -> TempDir {
    let dir = TempDir::new("resources");
    for entry in std::fs::read_dir(sample_dir(set)).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(
            dir.path().join(p.file_name().unwrap()),
            text.replace("{{RECEIVER_URL}}", receiver_url),
        )
        .unwrap();
    }
    dir
}

/// Test settings: app id `tasks`, ephemeral port, quick broker back-off.
pub fn config(app_url: &str, resources: &Path, state: &Path) -> SidecarConfig {
    let mut cfg = SidecarConfig::new("tasks", app_url, state)
        .with_resources(resources)
        .with_listen("127.0.0.1:0".parse().unwrap());
    cfg.broker_redelivery_backoff = Duration::from_millis(30);
    cfg.log_deliveries = std::env::var_os("SIDECAR_TEST_LOG").is_some();
    cfg
}

pub async fn start(cfg: SidecarConfig) -> SidecarHandle {
    Sidecar::start(cfg).await.expect("sidecar starts")
}

/// A test app, the basic resources and a sidecar pointed at the app, ready.
pub struct Env {
    pub app: TestApp,
    pub sidecar: SidecarHandle,
    pub state: TempDir,
    pub resources: TempDir,
    pub client: Http,
}

pub async fn env() -> Env {
    env_with(|_| {}).await
}

pub async fn env_with(tweak: impl FnOnce(&mut SidecarConfig)) -> Env {
    let app = TestApp::start().await;
    let resources = resources("basic", "http://127.0.0.1:9");
    let state = TempDir::new("state");
    let mut cfg = config(&app.url(), resources.path(), state.path());
    tweak(&mut cfg);
    let sidecar = start(cfg).await;
    sidecar.wait_ready(WAIT).await.unwrap();
    Env {
        app,
        sidecar,
        state,
        resources,
        client: Http::new(),
    }
}

/// A free loopback port (bound, then released).
pub fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// A minimal HTTP client.
#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Http {
    pub fn new() -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> HttpResponse {
        let mut req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self
            .client
            .request(req.body(Full::new(body.into())).unwrap())
            .await
            .expect("request");
        let (parts, body) = resp.into_parts();
        HttpResponse {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        }
    }

    /// Publishes JSON to `pubsub/topic` with optional query string.
    pub async fn publish(
        &self,
        sidecar: &SidecarHandle,
        path_and_query: &str,
        content_type: &str,
        body: &str,
    ) -> HttpResponse {
        let url = format!("{}/v1.0/publish/{path_and_query}", sidecar.base_url());
        let headers: Vec<(&str, &str)> = if content_type.is_empty() {
            vec![]
        } else {
            vec![("content-type", content_type)]
        };
        self.send("POST", &url, &headers, body.to_string()).await
    }
}
