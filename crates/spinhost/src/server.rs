//! The HTTP listener and the per-request path: routing, Spin's headers, a
//! fresh instance per request, and Spin's answers for traps and misses.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::sync::{oneshot, watch};
use wasmtime::Store;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::WasiHttpView;

use crate::app::{AppInner, EPOCH_TICK};
use crate::host::HostState;
use crate::outbound::OutboundHooks;
use crate::router::{spin_headers, WELL_KNOWN_PREFIX};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type ResponseBody = UnsyncBoxBody<Bytes, BoxError>;

/// How long a client has to send a request's headers (hyper's default is 30 s).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server. Dropping it does not stop the server; call
/// [`ServeHandle::shutdown`].
pub struct ServeHandle {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<()>>,
}

impl ServeHandle {
    /// The bound address (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting, lets in-flight requests finish (up to 30 s) and
    /// closes idle keep-alive connections.
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.stop.send(true);
        self.task.await.context("server task panicked")?
    }

    /// Serves until the server stops by itself (it does not, unless the
    /// listener fails).
    pub async fn wait(self) -> Result<()> {
        self.task.await.context("server task panicked")?
    }
}

pub(crate) async fn serve(
    app: Arc<AppInner>,
    listener: tokio::net::TcpListener,
) -> Result<ServeHandle> {
    let local_addr = listener.local_addr()?;
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let (stream, client_addr) = match accepted {
                        Ok(a) => a,
                        Err(e) => {
                            // Running out of file descriptors is transient.
                            eprintln!("spinhost: accept failed: {e}");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let _ = stream.set_nodelay(true);
                    let app = app.clone();
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let app = app.clone();
                        async move {
                            Ok::<_, Infallible>(handle(app, req, client_addr, local_addr).await)
                        }
                    });
                    // A client that does not finish its request headers in
                    // time is disconnected, so slow connections cannot pile up.
                    let connection = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service);
                    let connection = graceful.watch(connection);
                    tokio::spawn(async move {
                        let _ = connection.await;
                    });
                }
                _ = stopped.changed() => break,
            }
        }
        drop(listener);
        if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown())
            .await
            .is_err()
        {
            eprintln!("spinhost: some connections were still busy after 30 s; closing them");
        }
        Ok(())
    });
    Ok(ServeHandle {
        local_addr,
        stop,
        task,
    })
}

async fn handle(
    app: Arc<AppInner>,
    req: Request<Incoming>,
    client_addr: SocketAddr,
    local_addr: SocketAddr,
) -> Response<ResponseBody> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = dispatch(&app, req, client_addr, local_addr).await;
    if app.options.log_requests {
        eprintln!(
            "{method} {path} {} {:.2}ms",
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    response
}

async fn dispatch(
    app: &Arc<AppInner>,
    mut req: Request<Incoming>,
    client_addr: SocketAddr,
    local_addr: SocketAddr,
) -> Response<ResponseBody> {
    let path = req.uri().path().to_string();
    if let Some(name) = path.strip_prefix(WELL_KNOWN_PREFIX) {
        return match name {
            "health" => text_response(StatusCode::OK, "OK"),
            "info" => app_info(app),
            _ => empty_response(StatusCode::NOT_FOUND),
        };
    }
    let Some(route) = app.router.route(&path) else {
        return empty_response(StatusCode::NOT_FOUND);
    };
    // A missing or malformed Host is the client's fault: 400, not a 500.
    let host = match request_host(&req) {
        Ok(host) => host,
        Err(e) => return text_response(StatusCode::BAD_REQUEST, e),
    };
    if let Err(e) = set_absolute_uri(&mut req, host.as_deref()) {
        if app.options.log_requests {
            eprintln!("spinhost: bad request: {e:#}");
        }
        return text_response(StatusCode::BAD_REQUEST, "invalid Host or request target");
    }
    let component_id = route.component_id.clone();
    match run_component(app, req, host, &route, client_addr, local_addr).await {
        Ok(response) => response,
        Err(e) => {
            if app.options.log_requests {
                eprintln!("spinhost: component {component_id:?} failed: {e:?}");
            }
            empty_response(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

async fn run_component(
    app: &Arc<AppInner>,
    mut req: Request<Incoming>,
    host: Option<String>,
    route: &crate::router::RouteMatch,
    client_addr: SocketAddr,
    local_addr: SocketAddr,
) -> Result<Response<ResponseBody>> {
    let component = app
        .components
        .get(&route.component_id)
        .ok_or_else(|| anyhow!("unknown component {:?}", route.component_id))?;

    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let headers = spin_headers(
        route,
        "http",
        host.as_deref().unwrap_or("localhost"),
        &path_and_query,
        client_addr,
    );
    // The client may send `spin-*` headers of its own; Spin appends its
    // values after them, so a component that reads the first would trust
    // the client's. The host removes them: only the runtime's reach the
    // component (stricter than Spin; the components never rely on it).
    let forged: Vec<HeaderName> = req
        .headers()
        .keys()
        .filter(|name| name.as_str().starts_with("spin-"))
        .cloned()
        .collect();
    for name in forged {
        req.headers_mut().remove(name);
    }
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            req.headers_mut().append(name, value);
        }
    }

    let context = component.context.clone();
    let hooks = OutboundHooks::new(
        context.id.clone(),
        context.allowed_hosts.clone(),
        Some(local_addr),
        app.options.log_requests,
    );
    let mut store = Store::new(&app.engine, HostState::new(context, hooks));
    let ticks = (app.options.request_timeout.as_millis() / EPOCH_TICK.as_millis()).max(1);
    store.set_epoch_deadline(ticks as u64);
    store.epoch_deadline_trap();

    let incoming = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, req)?;
    let (sender, receiver) = oneshot::channel();
    let outparam = store.data_mut().http().new_response_outparam(sender)?;
    let pre = component.pre.clone();
    let guest = tokio::spawn(async move {
        let proxy = pre.instantiate_async(&mut store).await?;
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, incoming, outparam)
            .await
    });

    // The epoch deadline stops a guest that computes; this bound also covers
    // one that waits forever in a host call.
    let limit = app.options.request_timeout + Duration::from_secs(5);
    let response = match tokio::time::timeout(limit, receiver).await {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => {
            let outcome = guest.await.context("guest task panicked")?;
            outcome
                .map_err(anyhow::Error::from)
                .context("guest invocation failed")?;
            return Err(anyhow!(
                "guest failed to produce a response prior to returning"
            ));
        }
        Err(_) => {
            guest.abort();
            return Err(anyhow!(
                "guest produced no response within {:?}",
                app.options.request_timeout
            ));
        }
    };
    let log = app.options.log_requests;
    let component_id = route.component_id.clone();
    tokio::spawn(async move {
        let outcome = match guest.await {
            Ok(result) => result.map_err(anyhow::Error::from),
            Err(e) => Err(anyhow!(e)),
        };
        if let Err(e) = outcome {
            if log {
                eprintln!(
                    "spinhost: component {component_id:?} failed after its response started; the body may be cut short: {e:?}"
                );
            }
        }
    });
    let response = response.map_err(|code| anyhow!("guest answered with error {code:?}"))?;
    Ok(response.map(|body| {
        body.map_err(|e| -> BoxError { e.to_string().into() })
            .boxed_unsync()
    }))
}

/// The Host header: absent is allowed when the URI carries the authority
/// (checked next); one that is not visible ASCII is refused.
fn request_host(req: &Request<Incoming>) -> Result<Option<String>, &'static str> {
    let mut hosts = req.headers().get_all(http::header::HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return Err("more than one Host header");
    }
    host.map(|h| {
        h.to_str()
            .map(str::to_string)
            .map_err(|_| "the Host header is not valid ASCII")
    })
    .transpose()
}

/// Gives the request an absolute URI from its Host header, as Spin does;
/// a request without any authority, or with two that disagree, is refused.
fn set_absolute_uri(req: &mut Request<Incoming>, host: Option<&str>) -> Result<()> {
    let mut parts = req.uri().clone().into_parts();
    let from_header: Option<http::uri::Authority> = host
        .map(|h| {
            h.parse()
                .context("'Host' header contains an invalid authority")
        })
        .transpose()?;
    let authority = match (from_header, parts.authority.take()) {
        (None, None) => anyhow::bail!("no 'Host' header present in request"),
        (Some(a), None) | (None, Some(a)) => a,
        (Some(a), Some(b)) => {
            if a != b {
                anyhow::bail!("authority in 'Host' header does not match authority in URI");
            }
            a
        }
    };
    parts.scheme = Some(http::uri::Scheme::HTTP);
    parts.authority = Some(authority);
    if parts.path_and_query.is_none() {
        parts.path_and_query = Some(http::uri::PathAndQuery::from_static("/"));
    }
    *req.uri_mut() = http::Uri::from_parts(parts)?;
    Ok(())
}

fn app_info(app: &AppInner) -> Response<ResponseBody> {
    let mut info = serde_json::Map::new();
    info.insert("name".into(), app.manifest.application.name.clone().into());
    if let Some(version) = &app.manifest.application.version {
        info.insert("version".into(), version.clone().into());
    }
    let body = serde_json::to_vec_pretty(&info).unwrap_or_default();
    let mut response = Response::new(full_body(body));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn full_body(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed_unsync()
}

fn text_response(status: StatusCode, text: &'static str) -> Response<ResponseBody> {
    let mut response = Response::new(full_body(text));
    *response.status_mut() = status;
    response
}

fn empty_response(status: StatusCode) -> Response<ResponseBody> {
    let mut response = Response::new(
        Empty::<Bytes>::new()
            .map_err(|never: Infallible| match never {})
            .boxed_unsync(),
    );
    *response.status_mut() = status;
    response
}
