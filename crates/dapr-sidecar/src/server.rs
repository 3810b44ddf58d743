//! The sidecar's HTTP API (daprd's `:3500`).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;

use crate::app::{http_client, HttpClient};
use crate::bindings::{self, OutputBindingRequest};
use crate::cloudevent::TraceContext;
use crate::errors::{self, ApiError};
use crate::jobs::JobRequest;
use crate::publish::{self, PublishRequest};
use crate::runtime::Runtime;

type Resp = Response<Full<Bytes>>;

/// Accepts connections until shutdown.
pub(crate) async fn serve(rt: Arc<Runtime>, listener: TcpListener) {
    let client = http_client();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let rt2 = rt.clone();
        let client = client.clone();
        rt.tasks.spawn(async move {
            let service = service_fn(move |req| {
                let rt = rt2.clone();
                let client = client.clone();
                async move {
                    if let Some(resp) = crate::dev::handle(&rt, &req) {
                        return Ok::<_, Infallible>(resp);
                    }
                    Ok(route(&rt, &client, req).await.map(BodyExt::boxed))
                }
            });
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Resp {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = content_type {
        if let Ok(v) = HeaderValue::from_str(ct) {
            resp.headers_mut().insert(CONTENT_TYPE, v);
        }
    }
    resp
}

fn empty(status: u16) -> Resp {
    respond(status, None, Bytes::new())
}

fn error(e: &ApiError) -> Resp {
    respond(e.status, Some("application/json"), e.body())
}

/// Decodes `%XX` escapes (and `+` as space when `plus` is set).
fn percent_decode(s: &str, plus: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `metadata.<k>=<v>` query parameters (prefix stripped, first value wins).
fn query_metadata(query: Option<&str>) -> BTreeMap<String, String> {
    let mut md = BTreeMap::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k, true);
        if let Some(name) = k.strip_prefix("metadata.") {
            md.entry(name.to_string())
                .or_insert_with(|| percent_decode(v, true));
        }
    }
    md
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query.unwrap_or("").split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k, true) == name).then(|| percent_decode(v, true))
    })
}

fn header<'r>(req: &'r Request<Incoming>, name: &str) -> &'r str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn route(rt: &Arc<Runtime>, client: &HttpClient, req: Request<Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|s| percent_decode(s, false))
        .collect();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    let query = req.uri().query().map(str::to_string);
    let method = req.method().clone();

    // Health checks: no token, no tracing.
    match seg.as_slice() {
        ["v1.0", "healthz"] => return healthz(rt, query.as_deref()),
        ["v1.0", "healthz", "outbound"] => return empty(204),
        _ => {}
    }

    if let Some(expected) = &rt.cfg.dapr_api_token {
        if header(&req, "dapr-api-token") != expected {
            return respond(401, Some("text/plain"), "invalid api token");
        }
    }

    let trace =
        TraceContext::for_request(Some(header(&req, "traceparent")).filter(|s| !s.is_empty()));
    let tracestate = header(&req, "tracestate").to_string();
    let content_type = header(&req, "content-type").to_string();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return error(&errors::malformed(e)),
    };

    let mut resp = match (seg.as_slice(), &method) {
        (["v1.0", "publish", pubsub, topic @ ..], &Method::POST | &Method::PUT) => {
            let topic = topic.join("/");
            let r = publish::publish(
                rt,
                PublishRequest {
                    pubsub,
                    topic: &topic,
                    content_type: &content_type,
                    body,
                    metadata: query_metadata(query.as_deref()),
                    trace,
                    tracestate: &tracestate,
                },
            );
            match r {
                Ok(()) => empty(204),
                Err(e) => error(&e),
            }
        }
        (["v1.0-alpha1", "publish", "bulk", pubsub, topic @ ..], &Method::POST | &Method::PUT) => {
            let topic = topic.join("/");
            match publish::bulk_publish(
                rt,
                pubsub,
                &topic,
                &body,
                query_metadata(query.as_deref()),
                trace,
                &tracestate,
            ) {
                Ok(()) => empty(204),
                Err(e) => error(&e),
            }
        }
        (["v1.0", "bindings", name], &Method::POST | &Method::PUT) => {
            output_binding(rt, client, name, &body, trace).await
        }
        (["v1.0-alpha1" | "v1.0", "jobs", name], m) => jobs(rt, m, name, &body),
        (["v1.0", "metadata"], &Method::GET) => metadata(rt),
        (["v1.0", "publish", _, ..], _)
        | (["v1.0", "bindings", _], _)
        | (["v1.0-alpha1", "publish", "bulk", _, ..], _) => empty(405),
        _ => respond(
            404,
            Some("text/plain; charset=utf-8"),
            "404 page not found\n",
        ),
    };
    if let Ok(v) = HeaderValue::from_str(&trace.to_string()) {
        resp.headers_mut().entry("traceparent").or_insert(v);
    }
    resp
}

fn healthz(rt: &Runtime, query: Option<&str>) -> Resp {
    if let Some(id) = query_param(query, "appid") {
        // The sidecar answers for its own app id and each hosted one.
        if id != rt.cfg.app_id && rt.group(&id).is_none() {
            return error(&ApiError::legacy(
                500,
                "ERR_HEALTH_APPID_NOT_MATCH",
                "dapr app-id does not match",
            ));
        }
    }
    if rt.is_ready() {
        empty(204)
    } else {
        error(&ApiError::legacy(
            500,
            "ERR_HEALTH_NOT_READY",
            "dapr is not ready: [app]",
        ))
    }
}

async fn output_binding(
    rt: &Arc<Runtime>,
    client: &HttpClient,
    name: &str,
    body: &[u8],
    trace: TraceContext,
) -> Resp {
    let req: OutputBindingRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return error(&errors::malformed(e)),
    };
    let result = bindings::invoke_output(rt, client, name, req, trace).await;
    let mut resp = match result.outcome {
        Ok(Some(data)) => respond(200, Some("application/json"), data),
        Ok(None) => empty(204),
        Err(e) => error(&e),
    };
    for (k, v) in result.metadata {
        let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(format!("metadata.{k}").as_bytes()),
            HeaderValue::from_str(&v),
        ) else {
            continue;
        };
        resp.headers_mut().append(name, value);
    }
    resp
}

fn jobs(rt: &Arc<Runtime>, method: &Method, name: &str, body: &[u8]) -> Resp {
    let app_id = &rt.cfg.app_id;
    match *method {
        Method::POST => {
            let req = match JobRequest::parse(body) {
                Ok(r) => r,
                Err(e) => return error(&e),
            };
            match rt.jobs.schedule(name, req, rt.clock.now(), app_id) {
                Ok(()) => empty(204),
                Err(e) => error(&e),
            }
        }
        Method::GET => match rt.jobs.get(name) {
            Some(job) => respond(
                200,
                Some("application/json"),
                serde_json::to_vec(&job).unwrap_or_default(),
            ),
            None => error(&errors::jobs::get(
                &format!("rpc error: code = NotFound desc = job not found: {name}"),
                app_id,
            )),
        },
        Method::DELETE => {
            rt.jobs.delete(name);
            empty(204)
        }
        _ => empty(405),
    }
}

/// A small `GET /v1.0/metadata`: app id, components, subscriptions. With
/// several hosted app ids, the components of every one are listed once and
/// each subscription names its app id (`appId`); `extended.hostedAppIds`
/// lists them.
fn metadata(rt: &Runtime) -> Resp {
    let mut components = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let views = std::iter::once(&rt.resources).chain(rt.groups.iter().map(|g| &g.resources));
    for res in views {
        let all = res
            .pubsubs
            .values()
            .map(|p| (p.name.as_str(), p.component_type.as_str()))
            .chain(
                res.cron_bindings
                    .values()
                    .map(|b| (b.name.as_str(), "bindings.cron")),
            )
            .chain(
                res.http_bindings
                    .values()
                    .map(|b| (b.name.as_str(), "bindings.http")),
            )
            .chain(
                res.smtp_bindings
                    .values()
                    .map(|b| (b.name.as_str(), "bindings.smtp")),
            );
        for (name, ty) in all {
            if seen.insert(name.to_string()) {
                components.push(json!({"name": name, "type": ty, "version": "v1"}));
            }
        }
    }
    let mut subs = Vec::new();
    for g in &rt.groups {
        let index = g.subscriptions.read().unwrap_or_else(|e| e.into_inner());
        subs.extend(index.values().map(|s| {
            json!({
                "appId": g.app_id,
                "pubsubname": s.pubsub,
                "topic": s.topic,
                "deadLetterTopic": s.dead_letter_topic.clone().unwrap_or_default(),
                "metadata": s.metadata,
                "rules": s.rules.iter().map(|r| json!({
                    "match": r.matcher.as_ref().map(|m| m.source().to_string()).unwrap_or_default(),
                    "path": r.path,
                })).collect::<Vec<_>>(),
                "type": s.origin.to_uppercase(),
            })
        }));
    }
    let hosted: Vec<&str> = rt.groups.iter().map(|g| g.app_id.as_str()).collect();
    let body = json!({
        "id": rt.cfg.app_id,
        "runtimeVersion": "edge",
        "components": components,
        "subscriptions": subs,
        "extended": {
            "appPID": "",
            "daprRuntimeVersion": "edge",
            "hostedAppIds": hosted.join(","),
        },
    });
    respond(
        200,
        Some("application/json"),
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_metadata_strips_prefix() {
        let md = query_metadata(Some(
            "metadata.partitionKey=u%201&metadata.ttlInSeconds=30&other=1&metadata.partitionKey=x",
        ));
        assert_eq!(md.get("partitionKey").unwrap(), "u 1");
        assert_eq!(md.get("ttlInSeconds").unwrap(), "30");
        assert_eq!(md.len(), 2);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Fb", false), "a/b");
        assert_eq!(percent_decode("a+b%", true), "a b%");
        assert_eq!(percent_decode("%zz", false), "%zz");
    }
}
