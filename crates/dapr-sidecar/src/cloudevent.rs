//! CloudEvents envelopes the way daprd builds them on publish, W3C trace
//! context, and Go-compatible JSON output.
//!
//! Dapr builds the envelope as a Go map and serialises it with
//! `encoding/json`, so keys come out sorted at every level and `<`, `>`, `&`,
//! U+2028 and U+2029 are escaped. [`to_go_json`] writes the same bytes, so
//! what the app receives matches what daprd would send, byte for byte, apart
//! from number spelling (Go keeps the literal text of numbers inside `data`;
//! here they go through `f64`/`i64`, so `1.50` becomes `1.5`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use chrono::{DateTime, Local, SecondsFormat, TimeDelta, Utc};
use serde_json::{Map, Value};

use crate::schedule::parse_go_duration;

/// A CloudEvent as a JSON object.
pub type CloudEvent = Map<String, Value>;

pub const DEFAULT_TYPE: &str = "com.dapr.event.sent";
pub const DEFAULT_SOURCE: &str = "Dapr";
pub const SPEC_VERSION: &str = "1.0";
pub const CLOUDEVENTS_CONTENT_TYPE: &str = "application/cloudevents+json";

/// A W3C `traceparent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: [u8; 16],
    pub span_id: [u8; 8],
    pub flags: u8,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    let mut filled = 0;
    while filled < N {
        let b = uuid::Uuid::new_v4().into_bytes();
        let n = (N - filled).min(16);
        out[filled..filled + n].copy_from_slice(&b[..n]);
        filled += n;
    }
    out
}

fn hex_decode<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != N * 2
        || !s
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return None;
    }
    let mut out = [0u8; N];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    Some(out)
}

impl TraceContext {
    /// Parses `00-<32 hex>-<16 hex>-<2 hex>`; all-zero ids are invalid.
    pub fn parse(s: &str) -> Option<TraceContext> {
        let mut parts = s.trim().split('-');
        let version = parts.next()?;
        let trace = parts.next()?;
        let span = parts.next()?;
        let flags = parts.next()?;
        if version.len() != 2 || version == "ff" || (version == "00" && parts.next().is_some()) {
            return None;
        }
        let trace_id = hex_decode::<16>(trace)?;
        let span_id = hex_decode::<8>(span)?;
        let flags = hex_decode::<1>(flags)?[0];
        if trace_id == [0; 16] || span_id == [0; 8] {
            return None;
        }
        Some(TraceContext {
            trace_id,
            span_id,
            flags,
        })
    }

    /// A new root context, not sampled (Dapr's tracing is off unless a
    /// Configuration turns it on, but spans still get valid ids).
    pub fn new_root() -> TraceContext {
        TraceContext {
            trace_id: random_bytes(),
            span_id: random_bytes(),
            flags: 0,
        }
    }

    /// A child span: same trace and flags, a new span id.
    pub fn child(&self) -> TraceContext {
        TraceContext {
            span_id: random_bytes(),
            ..*self
        }
    }

    /// The span daprd starts for an incoming request: a child of the
    /// caller's `traceparent`, or a new root.
    pub fn for_request(traceparent: Option<&str>) -> TraceContext {
        traceparent
            .and_then(TraceContext::parse)
            .map(|p| p.child())
            .unwrap_or_else(TraceContext::new_root)
    }
}

impl std::fmt::Display for TraceContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::with_capacity(55);
        s.push_str("00-");
        for b in self.trace_id {
            let _ = write!(s, "{b:02x}");
        }
        s.push('-');
        for b in self.span_id {
            let _ = write!(s, "{b:02x}");
        }
        let _ = write!(s, "-{:02x}", self.flags);
        f.write_str(&s)
    }
}

/// Serialises like Go's `json.Marshal` of `map[string]interface{}`: compact,
/// keys sorted, HTML-sensitive characters escaped.
pub fn to_go_json(v: &Value) -> Vec<u8> {
    let mut out = String::new();
    write_go_json(v, &mut out);
    out.into_bytes()
}

fn write_go_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_go_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(k, out);
                out.push(':');
                write_go_json(&map[k], out);
            }
            out.push('}');
        }
    }
}

fn write_go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `time.Now().Format(time.RFC3339)`: whole seconds in the local zone.
pub fn rfc3339_local(now: DateTime<Utc>) -> String {
    now.with_timezone(&Local)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Whether a content type is `expected`, ignoring case and parameters
/// (components-contrib `isContentType`).
pub fn is_content_type(content_type: &str, expected: &str) -> bool {
    let lower = content_type.to_ascii_lowercase();
    let base = lower.split(';').next().unwrap_or("");
    lower == expected || base == expected
}

/// What daprd knows when it wraps a published body.
#[derive(Debug, Clone)]
pub struct WrapInput<'a> {
    pub app_id: &'a str,
    pub pubsub: &'a str,
    pub topic: &'a str,
    /// The request `Content-Type` (empty when absent).
    pub content_type: &'a str,
    pub body: &'a [u8],
    /// The publish request's span (`traceparent` to write into the event).
    pub trace: TraceContext,
    /// The incoming `tracestate` header.
    pub tracestate: &'a str,
    /// Publish metadata (`metadata.*` query parameters).
    pub metadata: &'a BTreeMap<String, String>,
    pub now: DateTime<Utc>,
}

/// Why an envelope could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the body of an application/cloudevents+json request is not a JSON object: {0}")]
    NotCloudEventJson(String),
}

/// Case-insensitive metadata lookup (mapstructure's WeakDecode).
fn meta_ci<'m>(metadata: &'m BTreeMap<String, String>, key: &str) -> Option<&'m str> {
    metadata
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Builds the CloudEvent daprd stores for a non-raw publish (before TTL).
pub fn build_envelope(input: &WrapInput<'_>) -> Result<CloudEvent, EnvelopeError> {
    let traceparent = input.trace.to_string();
    if is_content_type(input.content_type, CLOUDEVENTS_CONTENT_TYPE) {
        // Passthrough: keep the caller's event, overwrite topic/pubsubname,
        // fill the rest only when missing. No id is generated and
        // `cloudevent.*` overrides do not apply here.
        let parsed: Value = serde_json::from_slice(input.body)
            .map_err(|e| EnvelopeError::NotCloudEventJson(e.to_string()))?;
        let Value::Object(mut ce) = parsed else {
            return Err(EnvelopeError::NotCloudEventJson(
                "expected a JSON object".into(),
            ));
        };
        if !ce.contains_key("time") {
            ce.insert("time".into(), Value::String(rfc3339_local(input.now)));
        }
        if !ce.contains_key("traceid") {
            ce.insert("traceid".into(), Value::String(traceparent.clone()));
            ce.insert("traceparent".into(), Value::String(traceparent));
        }
        if !ce.contains_key("tracestate") {
            ce.insert(
                "tracestate".into(),
                Value::String(input.tracestate.to_string()),
            );
        }
        ce.insert("topic".into(), Value::String(input.topic.to_string()));
        ce.insert("pubsubname".into(), Value::String(input.pubsub.to_string()));
        for (field, default) in [
            ("source", DEFAULT_SOURCE),
            ("type", DEFAULT_TYPE),
            ("specversion", SPEC_VERSION),
        ] {
            if ce.get(field).is_none_or(Value::is_null) {
                ce.insert(field.into(), Value::String(default.to_string()));
            }
        }
        return Ok(ce);
    }

    let md = |k: &str| meta_ci(input.metadata, k).filter(|v| !v.is_empty());
    let id = md("cloudevent.id")
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let source = md("cloudevent.source").unwrap_or(input.app_id).to_string();
    let event_type = md("cloudevent.type").unwrap_or(DEFAULT_TYPE).to_string();
    let subject = md("cloudevent.subject");
    // `cloudevent.traceparent` wins over `cloudevent.traceid`; either
    // replaces the request's span in both fields.
    let trace_id = md("cloudevent.traceparent")
        .or(md("cloudevent.traceid"))
        .map(str::to_string)
        .unwrap_or(traceparent);
    let tracestate = md("cloudevent.tracestate")
        .unwrap_or(input.tracestate)
        .to_string();
    let content_type = if input.content_type.is_empty() {
        "text/plain".to_string()
    } else {
        input.content_type.to_string()
    };

    let mut ce = CloudEvent::new();
    if is_content_type(&content_type, "application/json") {
        let data = serde_json::from_slice::<Value>(input.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(input.body).into_owned()));
        ce.insert("data".into(), data);
    } else if is_content_type(&content_type, "application/octet-stream")
        || is_content_type(&content_type, "application/cloudevents+protobuf")
    {
        ce.insert(
            "data_base64".into(),
            Value::String(base64::engine::general_purpose::STANDARD.encode(input.body)),
        );
    } else {
        ce.insert(
            "data".into(),
            Value::String(String::from_utf8_lossy(input.body).into_owned()),
        );
    }
    ce.insert("id".into(), Value::String(id));
    ce.insert("specversion".into(), Value::String(SPEC_VERSION.into()));
    ce.insert("datacontenttype".into(), Value::String(content_type));
    ce.insert("source".into(), Value::String(source));
    ce.insert("type".into(), Value::String(event_type));
    ce.insert("topic".into(), Value::String(input.topic.into()));
    ce.insert("pubsubname".into(), Value::String(input.pubsub.into()));
    ce.insert("traceid".into(), Value::String(trace_id.clone()));
    ce.insert("traceparent".into(), Value::String(trace_id));
    ce.insert("tracestate".into(), Value::String(tracestate));
    ce.insert("time".into(), Value::String(rfc3339_local(input.now)));
    if let Some(subject) = subject {
        ce.insert("subject".into(), Value::String(subject.into()));
    }
    Ok(ce)
}

/// `metadata.ttlInSeconds` (alias `ttl`; a Go duration or whole seconds).
/// Invalid values are ignored, as in components-contrib.
pub fn ttl_from_metadata(metadata: &BTreeMap<String, String>) -> Option<TimeDelta> {
    let v = meta_ci(metadata, "ttl")
        .or_else(|| meta_ci(metadata, "ttlInSeconds"))
        .filter(|v| !v.is_empty())?;
    if let Ok(d) = parse_go_duration(v) {
        return Some(d.max(TimeDelta::zero()));
    }
    match v.parse::<i64>() {
        Ok(secs) if secs > 0 => Some(TimeDelta::try_seconds(secs).unwrap_or(TimeDelta::MAX)),
        _ => None,
    }
}

/// Adds `expiration` (RFC 3339, UTC) when the metadata carries a TTL. The
/// Kafka component lacks native message TTL, so Dapr always does this.
pub fn apply_ttl(ce: &mut CloudEvent, metadata: &BTreeMap<String, String>, now: DateTime<Utc>) {
    if let Some(ttl) = ttl_from_metadata(metadata) {
        let exp = now
            .checked_add_signed(ttl)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        ce.insert(
            "expiration".into(),
            Value::String(exp.to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
    }
}

/// Whether an event's `expiration` lies before `now`. Unparseable values
/// never expire.
pub fn has_expired(ce: &CloudEvent, now: DateTime<Utc>) -> bool {
    match ce.get("expiration").and_then(Value::as_str) {
        Some(e) if !e.is_empty() => DateTime::parse_from_rfc3339(e)
            .map(|t| t.with_timezone(&Utc) < now)
            .unwrap_or(false),
        _ => false,
    }
}

/// The event a subscription with `rawPayload: "true"` receives: built anew
/// for each handling of the message, so its `id` changes between broker
/// redeliveries.
pub fn from_raw_payload(
    data: &[u8],
    topic: &str,
    pubsub: &str,
    metadata: &BTreeMap<String, String>,
) -> CloudEvent {
    let mut ce = CloudEvent::new();
    ce.insert("id".into(), Value::String(uuid::Uuid::new_v4().to_string()));
    ce.insert("specversion".into(), Value::String(SPEC_VERSION.into()));
    ce.insert(
        "datacontenttype".into(),
        Value::String("application/octet-stream".into()),
    );
    ce.insert("source".into(), Value::String(DEFAULT_SOURCE.into()));
    ce.insert("type".into(), Value::String(DEFAULT_TYPE.into()));
    ce.insert("topic".into(), Value::String(topic.into()));
    ce.insert("pubsubname".into(), Value::String(pubsub.into()));
    ce.insert(
        "data_base64".into(),
        Value::String(base64::engine::general_purpose::STANDARD.encode(data)),
    );
    if let Some(t) = metadata.get("traceid") {
        ce.insert("traceid".into(), Value::String(t.clone()));
    }
    if let Some(t) = metadata.get("traceparent") {
        ce.insert("traceparent".into(), Value::String(t.clone()));
        ce.insert("traceid".into(), Value::String(t.clone()));
    }
    if let Some(t) = metadata.get("tracestate") {
        ce.insert("tracestate".into(), Value::String(t.clone()));
    }
    ce
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_json_sorts_and_escapes() {
        let v = json!({"b": 1, "a": {"z": "<x&y>", "c": [true, null]}, "\u{2028}": "\n"});
        assert_eq!(
            String::from_utf8(to_go_json(&v)).unwrap(),
            r#"{"a":{"c":[true,null],"z":"\u003cx\u0026y\u003e"},"b":1,"\u2028":"\n"}"#
        );
    }

    #[test]
    fn traceparent_round_trip() {
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let t = TraceContext::parse(tp).unwrap();
        assert_eq!(t.to_string(), tp);
        let c = t.child();
        assert_eq!(c.trace_id, t.trace_id);
        assert_ne!(c.span_id, t.span_id);
        assert!(
            TraceContext::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")
                .is_none()
        );
        assert!(TraceContext::parse("garbage").is_none());
    }

    #[test]
    fn ttl_forms() {
        let m = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert_eq!(
            ttl_from_metadata(&m("ttlInSeconds", "30")),
            Some(TimeDelta::seconds(30))
        );
        assert_eq!(
            ttl_from_metadata(&m("TTLINSECONDS", "1m")),
            Some(TimeDelta::seconds(60))
        );
        assert_eq!(ttl_from_metadata(&m("ttlInSeconds", "-5")), None);
        assert_eq!(ttl_from_metadata(&m("ttlInSeconds", "abc")), None);
    }
}
