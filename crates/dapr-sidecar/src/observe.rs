//! What the sidecar did, for tests and developer tools: recent published
//! messages per topic, dead letters, delivery attempts, a live feed, and one
//! JSON log line per delivery on stderr.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::broadcast;

/// Records kept per topic (and for dead letters and deliveries): enough for
/// tests and `events tail`, bounded so a long-running host does not grow.
const KEEP: usize = 10_000;

/// A message as the broker stored it.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedMessage {
    /// The publishing app id: the sidecar's `app_id` for the publish API,
    /// the consumer group for a dead-letter publish.
    pub app_id: String,
    pub pubsub: String,
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub key: Option<String>,
    /// The stored bytes (a CloudEvent unless published with `rawPayload`).
    #[serde(skip)]
    pub data: Bytes,
    /// The stored bytes parsed as JSON, or a JSON string of the text.
    pub event: Value,
    pub metadata: BTreeMap<String, String>,
    pub published_at: DateTime<Utc>,
}

/// A message handed to a dead-letter topic.
#[derive(Debug, Clone, Serialize)]
pub struct DeadLetter {
    /// The consumer group (app id) that gave up on it.
    pub app_id: String,
    pub pubsub: String,
    /// The topic the message failed on.
    pub topic: String,
    pub dead_letter_topic: String,
    pub event: Value,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// One attempt to hand something to the app.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRecord {
    /// `pubsub`, `job` or `binding`.
    pub kind: &'static str,
    /// The app id it was delivered for: the consumer group (pub/sub), the
    /// app id the binding is loaded for (cron), the sidecar's app id (jobs).
    pub app_id: String,
    pub pubsub: Option<String>,
    /// Topic, job name or binding name.
    pub topic: String,
    /// CloudEvent id (pub/sub) or empty.
    pub id: String,
    pub path: String,
    /// HTTP status, `None` for transport errors or when nothing was sent.
    pub status: Option<u16>,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub ms: u64,
    /// `success`, `retry`, `drop`, `not_found`, `error`, `expired`,
    /// `no_route`, `unsubscribed`, `dead_lettered`, `skipped`.
    pub outcome: String,
    pub at: DateTime<Utc>,
}

/// Everything observable, as a live feed.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObservedEvent {
    Published(PublishedMessage),
    Delivery(DeliveryRecord),
    DeadLetter(DeadLetter),
}

pub(crate) struct Observer {
    published: Mutex<HashMap<String, VecDeque<PublishedMessage>>>,
    dead_letters: Mutex<VecDeque<DeadLetter>>,
    deliveries: Mutex<VecDeque<DeliveryRecord>>,
    feed: broadcast::Sender<ObservedEvent>,
    log: bool,
}

fn push_bounded<T>(q: &mut VecDeque<T>, item: T) {
    if q.len() >= KEEP {
        q.pop_front();
    }
    q.push_back(item);
}

/// Parses stored bytes for display.
pub(crate) fn bytes_as_json(data: &[u8]) -> Value {
    serde_json::from_slice(data)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(data).into_owned()))
}

impl Observer {
    pub(crate) fn new(log: bool) -> Self {
        Self {
            published: Mutex::new(HashMap::new()),
            dead_letters: Mutex::new(VecDeque::new()),
            deliveries: Mutex::new(VecDeque::new()),
            feed: broadcast::channel(1024).0,
            log,
        }
    }

    pub(crate) fn published(&self, m: PublishedMessage) {
        let mut map = self.published.lock().unwrap_or_else(|e| e.into_inner());
        push_bounded(map.entry(m.topic.clone()).or_default(), m.clone());
        drop(map);
        let _ = self.feed.send(ObservedEvent::Published(m));
    }

    pub(crate) fn dead_letter(&self, d: DeadLetter) {
        if self.log {
            eprintln!(
                "{}",
                json!({
                    "ts": d.at.to_rfc3339_opts(SecondsFormat::Millis, true),
                    "component": "dapr-sidecar",
                    "event": "dead_letter",
                    "appId": d.app_id,
                    "pubsub": d.pubsub,
                    "topic": d.topic,
                    "deadLetterTopic": d.dead_letter_topic,
                    "id": d.event.get("id").cloned().unwrap_or(Value::Null),
                    "reason": d.reason,
                })
            );
        }
        let mut q = self.dead_letters.lock().unwrap_or_else(|e| e.into_inner());
        push_bounded(&mut q, d.clone());
        drop(q);
        let _ = self.feed.send(ObservedEvent::DeadLetter(d));
    }

    pub(crate) fn delivery(&self, r: DeliveryRecord) {
        if self.log {
            eprintln!(
                "{}",
                json!({
                    "ts": r.at.to_rfc3339_opts(SecondsFormat::Millis, true),
                    "component": "dapr-sidecar",
                    "event": "delivery",
                    "kind": r.kind,
                    "appId": r.app_id,
                    "pubsub": r.pubsub,
                    "topic": r.topic,
                    "id": r.id,
                    "path": r.path,
                    "status": r.status,
                    "attempt": r.attempt,
                    "ms": r.ms,
                    "outcome": r.outcome,
                })
            );
        }
        let mut q = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        push_bounded(&mut q, r.clone());
        drop(q);
        let _ = self.feed.send(ObservedEvent::Delivery(r));
    }

    pub(crate) fn warn(&self, msg: &str) {
        if self.log {
            eprintln!(
                "{}",
                json!({
                    "ts": Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
                    "component": "dapr-sidecar",
                    "event": "warning",
                    "message": msg,
                })
            );
        }
    }

    pub(crate) fn published_on(&self, topic: &str) -> Vec<PublishedMessage> {
        let map = self.published.lock().unwrap_or_else(|e| e.into_inner());
        map.get(topic)
            .map(|q| q.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(crate) fn topics(&self) -> Vec<String> {
        let map = self.published.lock().unwrap_or_else(|e| e.into_inner());
        let mut t: Vec<String> = map.keys().cloned().collect();
        t.sort();
        t
    }

    pub(crate) fn dead_letters(&self) -> Vec<DeadLetter> {
        let q = self.dead_letters.lock().unwrap_or_else(|e| e.into_inner());
        q.iter().cloned().collect()
    }

    pub(crate) fn deliveries(&self) -> Vec<DeliveryRecord> {
        let q = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        q.iter().cloned().collect()
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<ObservedEvent> {
        self.feed.subscribe()
    }
}
