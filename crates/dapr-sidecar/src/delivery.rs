//! Delivering stored messages to the app, one partition of one consumer
//! group (hosted app id) at a time.
//!
//! Per message, as that app id's daprd subscription handler does: find the
//! group's subscription to the topic (none: ack); build the event
//! (`rawPayload` subscriptions get a synthesised envelope); drop expired
//! events; pick the route by the CEL rules (no match: ack); POST the stored
//! bytes under the app id's inbound resiliency policy for the pubsub;
//! interpret the reply (SUCCESS/DROP/RETRY/404/…). A failure that survives
//! the policy goes to the dead-letter topic if the subscription has one
//! (a new publish, read by every group), otherwise back to the "broker",
//! which redelivers the same message after a back-off while the group's
//! partition waits behind it. Groups never wait for each other.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use hyper::Method;
use serde_json::Value;

use crate::broker::{Message, Partition};
use crate::cloudevent::{self, to_go_json, CloudEvent, TraceContext, CLOUDEVENTS_CONTENT_TYPE};
use crate::config::resiliency::{ComponentKind, PolicyDef};
use crate::config::resources::SubscriptionDef;
use crate::observe::{bytes_as_json, DeadLetter, DeliveryRecord};
use crate::runtime::{Group, Runtime};

/// What became of one handling of a message.
enum Disposition {
    /// Done with: remove it from the partition.
    Ack,
    /// Hand it back to the broker for redelivery.
    Redeliver(String),
}

/// The app's answer to one POST.
#[derive(Debug)]
enum Attempt {
    Success,
    Drop,
    NotFound,
    /// Retriable; `status` is set for HTTP status errors (which resiliency
    /// `matching` may declare permanent). `transport` marks failures where
    /// the app gave no answer at all.
    Failed {
        status: Option<u16>,
        reason: String,
        transport: bool,
    },
}

impl Attempt {
    fn outcome(&self) -> &'static str {
        match self {
            Attempt::Success => "success",
            Attempt::Drop => "drop",
            Attempt::NotFound => "not_found",
            Attempt::Failed {
                transport: true, ..
            } => "error",
            Attempt::Failed { .. } => "retry",
        }
    }
}

/// Consumes one partition of one consumer group until shutdown.
pub(crate) async fn partition_worker(rt: Arc<Runtime>, part: Arc<Partition>) {
    rt.until_ready().await;
    let Some(group) = rt.groups.get(part.group) else {
        return;
    };
    let mut redeliveries: u64 = 0;
    loop {
        let msg = part.head().await;
        match handle(&rt, group, &msg).await {
            Disposition::Ack => {
                redeliveries = 0;
                if let Err(e) = rt.broker.ack(&part, &msg) {
                    rt.observer
                        .warn(&format!("could not record ack in the journal: {e}"));
                }
            }
            Disposition::Redeliver(reason) => {
                redeliveries += 1;
                if rt
                    .cfg
                    .broker_max_redeliveries
                    .is_some_and(|max| redeliveries > max)
                {
                    // Kafka's component gives up after backOffMaxRetries and
                    // moves on: the message is effectively skipped.
                    rt.observer.warn(&format!(
                        "app id {} gives up on message {} of {}/{} after {} redeliveries: {reason}",
                        group.app_id,
                        msg.offset,
                        msg.pubsub,
                        msg.topic,
                        redeliveries - 1
                    ));
                    record(&rt, &group.app_id, &msg, "", "", None, 0, 0, "skipped");
                    redeliveries = 0;
                    let _ = rt.broker.ack(&part, &msg);
                } else {
                    tokio::time::sleep(rt.cfg.broker_redelivery_backoff).await;
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    rt: &Runtime,
    app_id: &str,
    msg: &Message,
    id: &str,
    path: &str,
    status: Option<u16>,
    attempt: u32,
    ms: u64,
    outcome: &str,
) {
    rt.observer.delivery(DeliveryRecord {
        kind: "pubsub",
        app_id: app_id.to_string(),
        pubsub: Some(msg.pubsub.clone()),
        topic: msg.topic.clone(),
        id: id.to_string(),
        path: path.to_string(),
        status,
        attempt,
        ms,
        outcome: outcome.to_string(),
        at: rt.clock.now(),
    });
}

fn event_id(ce: &CloudEvent) -> String {
    match ce.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Sends the original bytes and metadata to the dead-letter topic: a new
/// publish by the group's app id, which every group reads.
fn dead_letter(
    rt: &Arc<Runtime>,
    group: &Group,
    sub: &SubscriptionDef,
    msg: &Message,
    reason: &str,
) -> bool {
    let Some(dlq) = &sub.dead_letter_topic else {
        return false;
    };
    // The record keeps the original metadata, including the broker fields
    // (`__key` becomes the new record's key), like daprd's DLQ publish.
    let mut md = delivery_metadata(msg);
    md.remove("content-length");
    if let Some(p) = group.resources.pubsubs.get(&msg.pubsub) {
        if !p.can_publish(dlq) {
            rt.observer.warn(&format!(
                "dead-letter topic {dlq} is not allowed for app id {}",
                group.app_id
            ));
            return false;
        }
    }
    match rt.publish(&group.app_id, &msg.pubsub, dlq, msg.data.clone(), md) {
        Ok(_) => {
            rt.observer.dead_letter(DeadLetter {
                app_id: group.app_id.clone(),
                pubsub: msg.pubsub.clone(),
                topic: msg.topic.clone(),
                dead_letter_topic: dlq.clone(),
                event: bytes_as_json(&msg.data),
                reason: reason.to_string(),
                at: rt.clock.now(),
            });
            true
        }
        Err(e) => {
            rt.observer.warn(&format!(
                "could not publish to dead-letter topic {dlq}: {e}"
            ));
            false
        }
    }
}

/// Broker fields and publish metadata, as the Kafka component hands them to
/// daprd (record headers override the broker fields of the same name).
fn delivery_metadata(msg: &Message) -> BTreeMap<String, String> {
    let mut md = BTreeMap::new();
    if let Some(k) = &msg.key {
        md.insert("__key".to_string(), k.clone());
    }
    md.insert("__offset".to_string(), msg.offset.to_string());
    md.insert("__topic".to_string(), msg.topic.clone());
    md.insert(
        "__timestamp".to_string(),
        msg.published_at.timestamp_millis().to_string(),
    );
    md.insert("__partition".to_string(), msg.partition.to_string());
    for (k, v) in &msg.metadata {
        md.insert(k.clone(), v.clone());
    }
    md.insert("pubsubname".to_string(), msg.pubsub.clone());
    md
}

async fn handle(rt: &Arc<Runtime>, group: &Group, msg: &Arc<Message>) -> Disposition {
    let Some(sub) = group.subscription(&msg.pubsub, &msg.topic) else {
        // Nobody in this consumer group reads the topic. Kafka would keep the
        // record for a subscription added later; this broker has one fixed
        // set of subscriptions per run (known once the app is up), so the
        // message is dropped here.
        return Disposition::Ack;
    };
    let fail = |reason: String| -> Disposition {
        if dead_letter(rt, group, &sub, msg, &reason) {
            Disposition::Ack
        } else {
            Disposition::Redeliver(reason)
        }
    };

    let raw = match sub.metadata.get("rawPayload").filter(|v| !v.is_empty()) {
        None => false,
        Some(v) => match parse_go_bool(v) {
            Some(b) => b,
            None => {
                return fail(format!(
                    "rawPayload value must be a valid boolean: actual is '{v}'"
                ))
            }
        },
    };

    let (ce, body) = if raw {
        let ce = cloudevent::from_raw_payload(&msg.data, &msg.topic, &msg.pubsub, &msg.metadata);
        let body = Bytes::from(to_go_json(&Value::Object(ce.clone())));
        (ce, body)
    } else {
        match serde_json::from_slice::<Value>(&msg.data) {
            Ok(Value::Object(mut ce)) => {
                // Trace context from the record headers when the event has none.
                for field in ["traceid", "traceparent", "tracestate"] {
                    if !ce.contains_key(field) {
                        if let Some(v) = msg.metadata.get(field) {
                            ce.insert(field.to_string(), Value::String(v.clone()));
                        }
                    }
                }
                (ce, msg.data.clone())
            }
            Ok(_) | Err(_) => {
                let reason = format!(
                    "error deserializing cloud event in pubsub {} and topic {}",
                    msg.pubsub, msg.topic
                );
                record(rt, &group.app_id, msg, "", "", None, 0, 0, "error");
                return fail(reason);
            }
        }
    };
    let id = event_id(&ce);

    if cloudevent::has_expired(&ce, rt.clock.now()) {
        record(rt, &group.app_id, msg, &id, "", None, 0, 0, "expired");
        dead_letter(rt, group, &sub, msg, "expired");
        return Disposition::Ack;
    }

    let path = match sub.route_for(&Value::Object(ce.clone())) {
        Ok(Some(p)) => p.to_string(),
        Ok(None) => {
            record(rt, &group.app_id, msg, &id, "", None, 0, 0, "no_route");
            dead_letter(rt, group, &sub, msg, "no matching route");
            return Disposition::Ack;
        }
        Err(e) => {
            record(rt, &group.app_id, msg, &id, "", None, 0, 0, "error");
            return fail(format!("error finding matching route: {e}"));
        }
    };

    let policy = group
        .resources
        .resiliency
        .component_inbound(&msg.pubsub, ComponentKind::Pubsub);
    let headers = delivery_headers(msg, &ce);
    let app_id = group.app_id.clone();
    let last = run_policy(&policy, |attempt| {
        let rt = rt.clone();
        let headers = headers.clone();
        let body = body.clone();
        let path = path.clone();
        let id = id.clone();
        let msg = msg.clone();
        let app_id = app_id.clone();
        async move {
            let started = Instant::now();
            let reply = rt
                .app
                .call(Method::POST, &path, headers, body, policy.timeout)
                .await;
            let (result, status) = classify(reply);
            record(
                &rt,
                &app_id,
                &msg,
                &id,
                &path,
                status,
                attempt,
                started.elapsed().as_millis() as u64,
                result.outcome(),
            );
            result
        }
    })
    .await;

    match last {
        Attempt::Success => Disposition::Ack,
        Attempt::Drop => {
            dead_letter(rt, group, &sub, msg, "DROP status returned from app");
            Disposition::Ack
        }
        Attempt::NotFound => {
            // Dapr 1.16 acks a 404 without dead-lettering it; 1.17 and later
            // treat it like DROP. The default follows 1.16 (see
            // `SidecarConfig::not_found_to_dead_letter`).
            if rt.cfg.not_found_to_dead_letter {
                dead_letter(rt, group, &sub, msg, "app returned 404");
            }
            Disposition::Ack
        }
        Attempt::Failed { reason, .. } => fail(reason),
    }
}

/// `strconv.ParseBool`.
fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn delivery_headers(msg: &Message, ce: &CloudEvent) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for (k, v) in delivery_metadata(msg) {
        let k = k.to_ascii_lowercase();
        if matches!(
            k.as_str(),
            "content-length" | "content-type" | "host" | "connection" | "transfer-encoding"
        ) {
            continue;
        }
        headers.push((k, v));
    }
    headers.push(("content-type".into(), CLOUDEVENTS_CONTENT_TYPE.into()));
    // daprd starts a span from the event's traceparent (else traceid) and
    // sends that span's context to the app.
    let parent = ce
        .get("traceparent")
        .or_else(|| ce.get("traceid"))
        .and_then(Value::as_str);
    if let Some(parent) = parent.and_then(TraceContext::parse) {
        headers.retain(|(k, _)| k != "traceparent" && k != "tracestate");
        headers.push(("traceparent".into(), parent.child().to_string()));
        if let Some(ts) = ce.get("tracestate").and_then(Value::as_str) {
            if !ts.is_empty() {
                headers.push(("tracestate".into(), ts.to_string()));
            }
        }
    }
    headers
}

fn classify(reply: Result<crate::app::Reply, String>) -> (Attempt, Option<u16>) {
    let r = match reply {
        Ok(r) => r,
        Err(e) => {
            return (
                Attempt::Failed {
                    status: None,
                    reason: format!(
                        "error returned from app channel while sending pub/sub event to app: {e}"
                    ),
                    transport: true,
                },
                None,
            )
        }
    };
    let status = Some(r.status);
    if (200..300).contains(&r.status) {
        // Only a JSON object with a string `status` is interpreted; an empty
        // or non-JSON body counts as success (Go's decoder fails and daprd
        // skips the status check).
        let parsed: Option<String> =
            serde_json::from_slice::<Value>(&r.body)
                .ok()
                .and_then(|v| match v {
                    Value::Object(m) => Some(
                        m.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("status"))
                            .and_then(|(_, v)| v.as_str())
                            .unwrap_or("")
                            .to_string(),
                    ),
                    _ => None,
                });
        let attempt = match parsed.as_deref() {
            None | Some("") | Some("SUCCESS") => Attempt::Success,
            Some("DROP") => Attempt::Drop,
            Some("RETRY") => Attempt::Failed {
                status: None,
                reason: "RETRY status returned from app".into(),
                transport: false,
            },
            Some(other) => Attempt::Failed {
                status: None,
                reason: format!("unknown status returned from app: {other}"),
                transport: false,
            },
        };
        return (attempt, status);
    }
    if r.status == 404 {
        return (Attempt::NotFound, status);
    }
    (
        Attempt::Failed {
            status,
            reason: format!(
                "retriable error returned from app, status code {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            ),
            transport: false,
        },
        status,
    )
}

/// Runs attempts under a resiliency policy: no retry policy means one
/// attempt; a status excluded by `matching.httpStatusCodes` stops retrying.
async fn run_policy<F, Fut>(policy: &PolicyDef, mut attempt: F) -> Attempt
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Attempt>,
{
    let mut backoff = policy.retry.as_ref().map(|r| r.backoff());
    let mut n = 1;
    loop {
        let result = attempt(n).await;
        let Attempt::Failed { status, .. } = &result else {
            return result;
        };
        let (Some(retry), Some(b)) = (&policy.retry, backoff.as_mut()) else {
            return result;
        };
        if let Some(code) = status {
            if !retry.should_retry_status(*code) {
                return result;
            }
        }
        match b.next_delay() {
            Some(d) => {
                if !d.is_zero() {
                    tokio::time::sleep(d).await;
                }
            }
            None => return result,
        }
        n += 1;
    }
}

/// Runs a binding event through its component inbound policy. For input
/// bindings daprd retries any status other than 200 when a retry policy
/// applies.
pub(crate) async fn run_binding_policy<F, Fut>(policy: &PolicyDef, mut attempt: F) -> Option<u16>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Option<u16>>,
{
    let mut backoff = policy.retry.as_ref().map(|r| r.backoff());
    let mut n = 1;
    loop {
        let status = attempt(n).await;
        if status == Some(200) {
            return status;
        }
        let (Some(retry), Some(b)) = (&policy.retry, backoff.as_mut()) else {
            return status;
        };
        if let Some(code) = status {
            if !retry.should_retry_status(code) {
                return status;
            }
        }
        match b.next_delay() {
            Some(d) => tokio::time::sleep(d).await,
            None => return status,
        }
        n += 1;
    }
}
