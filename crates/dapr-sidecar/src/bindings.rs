//! Bindings: cron input bindings (events into the app) and the HTTP and
//! SMTP output bindings (`POST /v1.0/bindings/{name}`; SMTP in `smtp.rs`).
//!
//! Input bindings are read per hosted app id, as each app id's daprd would:
//! a cron binding in scope for two hosted app ids is probed by both and
//! fires once per tick for each. Output bindings belong to the sidecar's
//! own app id.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::Method;
use serde::Deserialize;
use serde_json::Value;

use crate::app::{self, HttpClient};
use crate::cloudevent::TraceContext;
use crate::config::resiliency::ComponentKind;
use crate::config::resources::{is_truthy, CronBinding, HttpBinding};
use crate::errors::{self, ApiError};
use crate::observe::DeliveryRecord;
use crate::runtime::{Group, Runtime};
use crate::schedule::go_time_string_utc;

/// The OPTIONS probe daprd sends before reading an input binding: 2xx or
/// 405 means the app handles the route. `direction: input` skips it. Each
/// hosted app id probes the bindings in its scope.
pub(crate) async fn probe_cron_bindings(rt: &Arc<Runtime>) {
    for group in &rt.groups {
        probe_group(rt, group).await;
    }
}

async fn probe_group(rt: &Runtime, group: &Group) {
    for b in group.resources.cron_bindings.values() {
        if b.output_only {
            continue;
        }
        let subscribed = if b.explicit_input {
            true
        } else {
            match rt
                .app
                .call(
                    Method::OPTIONS,
                    &b.route,
                    vec![("content-type".into(), "application/json".into())],
                    Bytes::new(),
                    Some(Duration::from_secs(3)),
                )
                .await
            {
                Ok(r) => (200..300).contains(&r.status) || r.status == 405,
                Err(e) => {
                    rt.observer.warn(&format!(
                        "could not invoke OPTIONS method on input binding subscription endpoint {:?}: {e}",
                        b.route
                    ));
                    false
                }
            }
        };
        if subscribed {
            group
                .cron_subscribed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(b.name.clone());
        } else {
            rt.observer.warn(&format!(
                "app has not subscribed to binding {} (app id {}).",
                b.name, group.app_id
            ));
        }
    }
}

/// One schedule loop per subscribed cron binding and hosted app id, on the
/// sidecar's clock.
pub(crate) fn start_cron_loops(rt: &Arc<Runtime>) {
    for (index, group) in rt.groups.iter().enumerate() {
        for b in group.resources.cron_bindings.values() {
            if group.is_cron_subscribed(&b.name) {
                start_cron_loop(rt, index, b.clone());
            }
        }
    }
}

fn start_cron_loop(rt: &Arc<Runtime>, group: usize, b: CronBinding) {
    let rt2 = rt.clone();
    // The schedule starts now, not whenever the task first runs.
    let mut last = rt.clock.now();
    rt.tasks.spawn(async move {
        loop {
            let Some(next) = b.schedule.next(last) else {
                return;
            };
            rt2.clock.sleep_until(next).await;
            // Like robfig/cron, the next tick is computed from the time
            // the timer fired, so a clock that jumps ahead yields one
            // tick, not a burst of missed ones.
            last = rt2.clock.now().max(next);
            // Each tick runs on its own, like robfig/cron's jobs, so a
            // slow handler does not delay the next tick.
            let rt3 = rt2.clone();
            let b2 = b.clone();
            rt2.tasks.spawn(async move {
                if let Some(g) = rt3.groups.get(group) {
                    let _ = fire_cron(&rt3, g, &b2).await;
                }
            });
        }
    });
}

/// Sends one cron event for `group`. Returns the app's status (`None` on a
/// transport error). The cron component ignores the result: nothing is
/// retried unless a resiliency policy (of that app id) targets the binding.
pub(crate) async fn fire_cron(rt: &Arc<Runtime>, group: &Group, b: &CronBinding) -> Option<u16> {
    let now = rt.clock.now();
    // Header values as the cron component's metadata: `timeZone` is the
    // scheduler's location name (Go's `time.Local` prints "Local"),
    // `readTimeUTC` is Go's `Time.String()` of the UTC time.
    let headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("timezone".to_string(), "Local".to_string()),
        ("readtimeutc".to_string(), go_time_string_utc(now)),
        (
            "traceparent".to_string(),
            TraceContext::new_root().to_string(),
        ),
    ];
    let policy = group
        .resources
        .resiliency
        .component_inbound(&b.name, ComponentKind::Binding);
    crate::delivery::run_binding_policy(&policy, |attempt| {
        let rt = rt.clone();
        let app_id = group.app_id.clone();
        let headers = headers.clone();
        let route = b.route.clone();
        let name = b.name.clone();
        let timeout = policy.timeout;
        async move {
            let started = Instant::now();
            let reply = rt
                .app
                .call(Method::POST, &route, headers, Bytes::new(), timeout)
                .await;
            let status = reply.as_ref().ok().map(|r| r.status);
            let outcome = match status {
                Some(s) if (200..300).contains(&s) => "success",
                Some(_) => "retry",
                None => "error",
            };
            rt.observer.delivery(DeliveryRecord {
                kind: "binding",
                app_id,
                pubsub: None,
                topic: name,
                id: String::new(),
                path: route,
                status,
                attempt,
                ms: started.elapsed().as_millis() as u64,
                outcome: outcome.to_string(),
                at: rt.clock.now(),
            });
            status
        }
    })
    .await
}

/// The body of `POST /v1.0/bindings/{name}`.
#[derive(Debug, Deserialize)]
pub(crate) struct OutputBindingRequest {
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub data: Value,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// What the HTTP API answers for an output binding call.
pub(crate) struct OutputResult {
    /// `metadata.<k>` response headers (set even on errors).
    pub metadata: BTreeMap<String, String>,
    pub outcome: Result<Option<Bytes>, ApiError>,
}

const HTTP_OPERATIONS: [&str; 9] = [
    "create", "get", "head", "post", "put", "patch", "delete", "options", "trace",
];

/// Go's canonical header key form (`content-type` → `Content-Type`), which
/// is how the http binding names response-header metadata.
fn canonical_header(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

pub(crate) async fn invoke_output(
    rt: &Runtime,
    client: &HttpClient,
    name: &str,
    req: OutputBindingRequest,
    trace: TraceContext,
) -> OutputResult {
    let no_md = |e: ApiError| OutputResult {
        metadata: BTreeMap::new(),
        outcome: Err(e),
    };
    // Mail: the binding may be scoped to hosted app ids other than the
    // sidecar's own (the app ids that send mail).
    let smtp = std::iter::once(&rt.resources)
        .chain(rt.groups.iter().map(|g| &g.resources))
        .find_map(|r| r.smtp_bindings.get(name));
    if let Some(b) = smtp {
        if req.operation.is_empty() {
            return no_md(errors::output_binding(
                name,
                "operation field is missing from request",
            ));
        }
        let md = req.metadata.unwrap_or_default();
        return OutputResult {
            metadata: BTreeMap::new(),
            outcome: crate::smtp::invoke(
                b,
                &req.operation,
                &req.data,
                &md,
                rt.cfg.smtp_url.as_deref(),
                &rt.cfg.state_dir,
            )
            .await,
        };
    }
    let Some(binding) = rt.resources.http_bindings.get(name) else {
        return no_md(errors::output_binding(
            name,
            format!("couldn't find output binding {name}"),
        ));
    };
    if req.operation.is_empty() {
        return no_md(errors::output_binding(
            name,
            "operation field is missing from request",
        ));
    }
    if !HTTP_OPERATIONS.contains(&req.operation.as_str()) {
        return no_md(errors::output_binding(
            name,
            format!(
                "binding {name} does not support operation {}. supported operations:{}",
                req.operation,
                HTTP_OPERATIONS.join(" ")
            ),
        ));
    }
    // daprd re-encodes `data` with json.Marshal before the component sees it.
    let data = Bytes::from(crate::cloudevent::to_go_json(&req.data));
    let mut metadata = req.metadata.unwrap_or_default();
    metadata.insert("traceparent".into(), trace.to_string());
    http_invoke(client, binding, &req.operation, data, metadata).await
}

async fn http_invoke(
    client: &HttpClient,
    b: &HttpBinding,
    operation: &str,
    data: Bytes,
    md: BTreeMap<String, String>,
) -> OutputResult {
    let mut url = b.url.clone();
    if let Some(path) = md.get("path").filter(|p| !p.is_empty()) {
        url = format!(
            "{}/{}",
            url.trim_end_matches('/'),
            path.trim_start_matches('/')
        );
    }
    let error_if_not_2xx = match md.get("errorIfNot2XX").filter(|v| !v.is_empty()) {
        Some(v) => is_truthy(v),
        None => b.error_if_not_2xx,
    };
    let method = operation.to_ascii_uppercase();
    let method = if method == "CREATE" {
        "POST".to_string()
    } else {
        method
    };
    let with_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH");

    let mut headers: Vec<(String, String)> = Vec::new();
    let set = |headers: &mut Vec<(String, String)>, k: &str, v: &str| {
        headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
        headers.push((k.to_string(), v.to_string()));
    };
    if with_body && !md.contains_key("Content-Type") {
        set(
            &mut headers,
            "Content-Type",
            "application/json; charset=utf-8",
        );
    }
    if !md.contains_key("Accept") {
        set(&mut headers, "Accept", "application/json; charset=utf-8");
    }
    if let Some((h, t)) = &b.security_token {
        set(&mut headers, h, t);
    }
    for (k, v) in &md {
        if k.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            set(&mut headers, k, v);
        }
    }
    for k in ["traceparent", "tracestate", "baggage"] {
        if let Some(v) = md.get(k).filter(|v| !v.is_empty()) {
            set(&mut headers, k, v);
        }
    }
    let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::POST);
    let body = if with_body { data } else { Bytes::new() };
    let reply = match app::send(client, method, &url, &headers, body, b.response_timeout).await {
        Ok(r) => r,
        Err(e) => {
            return OutputResult {
                metadata: BTreeMap::new(),
                outcome: Err(errors::output_binding(&b.name, e)),
            }
        }
    };
    let mut metadata = BTreeMap::new();
    metadata.insert("statusCode".to_string(), reply.status.to_string());
    metadata.insert(
        "status".to_string(),
        format!("{} {}", reply.status, reply.reason)
            .trim_end()
            .to_string(),
    );
    for name in reply.headers.keys() {
        let values: Vec<&str> = reply
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        metadata.insert(canonical_header(name.as_str()), values.join(", "));
    }
    let outcome = if error_if_not_2xx && !(200..300).contains(&reply.status) {
        Err(errors::output_binding(
            &b.name,
            format!("received status code {}", reply.status),
        ))
    } else {
        Ok(Some(reply.body))
    };
    OutputResult { metadata, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_headers() {
        assert_eq!(canonical_header("content-type"), "Content-Type");
        assert_eq!(canonical_header("x-request-id"), "X-Request-Id");
    }
}
