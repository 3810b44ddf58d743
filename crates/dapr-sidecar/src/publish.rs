//! `POST|PUT /v1.0/publish/{pubsub}/{topic…}` and the bulk variant, in the
//! order daprd checks things: pubsub and topic, `rawPayload` metadata, the
//! envelope, topic scoping, then the broker.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use crate::cloudevent::{self, to_go_json, TraceContext, WrapInput};
use crate::errors::{pubsub as perr, ApiError};
use crate::runtime::Runtime;

/// One publish request as the HTTP layer parsed it.
pub(crate) struct PublishRequest<'a> {
    pub pubsub: &'a str,
    pub topic: &'a str,
    pub content_type: &'a str,
    pub body: Bytes,
    pub metadata: BTreeMap<String, String>,
    pub trace: TraceContext,
    pub tracestate: &'a str,
}

fn validate(rt: &Runtime, pubsub: &str, topic: &str) -> Result<(), ApiError> {
    if pubsub.is_empty() {
        return Err(perr::name_empty());
    }
    if !rt.resources.pubsubs.contains_key(pubsub) {
        return Err(perr::not_found(pubsub));
    }
    if topic.is_empty() {
        return Err(perr::topic_empty(pubsub));
    }
    Ok(())
}

/// `strconv.ParseBool` of `metadata.rawPayload` (exact key).
fn raw_payload(md: &BTreeMap<String, String>) -> Result<bool, String> {
    match md.get("rawPayload").map(String::as_str) {
        None | Some("") => Ok(false),
        Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok(true),
        Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok(false),
        Some(v) => Err(format!(
            "rawPayload value must be a valid boolean: actual is '{v}'"
        )),
    }
}

/// Builds the stored bytes for one message.
fn envelope(rt: &Runtime, req: &PublishRequest<'_>) -> Result<Bytes, ApiError> {
    let raw =
        raw_payload(&req.metadata).map_err(|e| perr::metadata(req.pubsub, &e, &req.metadata))?;
    if raw {
        return Ok(req.body.clone());
    }
    let now = rt.clock.now();
    let mut ce = cloudevent::build_envelope(&WrapInput {
        app_id: &rt.cfg.app_id,
        pubsub: req.pubsub,
        topic: req.topic,
        content_type: req.content_type,
        body: &req.body,
        trace: req.trace,
        tracestate: req.tracestate,
        metadata: &req.metadata,
        now,
    })
    .map_err(|e| perr::cloud_event(req.pubsub, &rt.cfg.app_id, &e.to_string()))?;
    cloudevent::apply_ttl(&mut ce, &req.metadata, now);
    Ok(Bytes::from(to_go_json(&Value::Object(ce))))
}

fn store(
    rt: &Arc<Runtime>,
    pubsub: &str,
    topic: &str,
    data: Bytes,
    metadata: BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let allowed = rt
        .resources
        .pubsubs
        .get(pubsub)
        .is_some_and(|p| p.can_publish(topic));
    if !allowed {
        return Err(perr::forbidden(pubsub, topic, &rt.cfg.app_id));
    }
    rt.publish(&rt.cfg.app_id, pubsub, topic, data, metadata)
        .map(|_| ())
        .map_err(|e| perr::publish(pubsub, topic, &e.to_string()))
}

/// A single publish.
pub(crate) fn publish(rt: &Arc<Runtime>, req: PublishRequest<'_>) -> Result<(), ApiError> {
    validate(rt, req.pubsub, req.topic)?;
    let data = envelope(rt, &req)?;
    store(rt, req.pubsub, req.topic, data, req.metadata)
}

/// `POST /v1.0-alpha1/publish/bulk/{pubsub}/{topic}`: each entry is wrapped
/// like a single publish (entry metadata over request metadata). Entries are
/// validated first, then stored in order.
pub(crate) fn bulk_publish(
    rt: &Arc<Runtime>,
    pubsub: &str,
    topic: &str,
    body: &[u8],
    metadata: BTreeMap<String, String>,
    trace: TraceContext,
    tracestate: &str,
) -> Result<(), ApiError> {
    validate(rt, pubsub, topic)?;
    raw_payload(&metadata).map_err(|e| perr::metadata(pubsub, &e, &metadata))?;
    let entries: Vec<Value> = serde_json::from_slice(body)
        .map_err(|e| perr::events_ser(pubsub, topic, &e.to_string()))?;
    let mut seen = std::collections::HashSet::new();
    let mut prepared = Vec::new();
    for entry in &entries {
        let entry_id = entry.get("entryId").and_then(Value::as_str).unwrap_or("");
        if entry_id.is_empty() {
            return Err(perr::events_ser(
                pubsub,
                topic,
                "entryId is duplicated or not present for entry",
            ));
        }
        if !seen.insert(entry_id.to_string()) {
            return Err(perr::events_ser(
                pubsub,
                topic,
                "entryId is duplicated or not present for entry",
            ));
        }
        let content_type = entry
            .get("contentType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let event = entry.get("event").cloned().unwrap_or(Value::Null);
        let data =
            event_bytes(&event, &content_type).map_err(|e| perr::events_ser(pubsub, topic, &e))?;
        let mut md = metadata.clone();
        if let Some(Value::Object(m)) = entry.get("metadata") {
            for (k, v) in m {
                if let Some(s) = v.as_str() {
                    md.insert(k.clone(), s.to_string());
                }
            }
        }
        let req = PublishRequest {
            pubsub,
            topic,
            content_type: &content_type,
            body: data,
            metadata: md,
            trace: trace.child(),
            tracestate,
        };
        let bytes = envelope(rt, &req)?;
        prepared.push((bytes, req.metadata));
    }
    for (bytes, md) in prepared {
        store(rt, pubsub, topic, bytes, md)?;
    }
    Ok(())
}

/// daprd's `ConvertEventToBytes` for bulk entries.
fn event_bytes(event: &Value, content_type: &str) -> Result<Bytes, String> {
    use base64::Engine as _;
    let ct = content_type.to_ascii_lowercase();
    let base = ct.split(';').next().unwrap_or("").trim().to_string();
    if base == "application/octet-stream" {
        let s = event
            .as_str()
            .ok_or("error: expected base64-encoded string for application/octet-stream")?;
        return base64::engine::general_purpose::STANDARD
            .decode(s)
            .map(Bytes::from)
            .map_err(|e| e.to_string());
    }
    if base.starts_with("text/") || base == "application/xml" {
        return event
            .as_str()
            .map(|s| Bytes::from(s.to_string()))
            .ok_or_else(|| format!("error: expected string for content type {content_type}"));
    }
    if base == "application/json"
        || base == "application/cloudevents+json"
        || base.ends_with("+json")
    {
        return Ok(Bytes::from(to_go_json(event)));
    }
    Err(format!(
        "unsupported content type {content_type} for bulk publish"
    ))
}
