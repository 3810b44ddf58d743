//! Publishing events through the Dapr sidecar. The outbox row was written
//! with the change; here the event is POSTed as a CloudEvent to
//! `{dapr_http_endpoint}/v1.0/publish/{pubsub}/{topic}` with the user id as
//! partition key (one user's events stay in order), and the row is marked
//! sent on success. A failure leaves the row for the relay: the client's
//! request never fails because the sidecar or the broker is down.

pub mod jobs;
pub mod mail;

use domain::event::OutboxEvent;
use domain::Error;
use spin_sdk::http::{Method, Request, Response};
use store::Db;

pub struct Publisher {
    endpoint: String,
    pubsub: String,
    api_token: String,
}

impl Publisher {
    /// From the component's variables; undeclared ones take the defaults.
    pub fn from_variables() -> Publisher {
        let get = |name: &str| spin_sdk::variables::get(name).unwrap_or_default();
        let endpoint = get("dapr_http_endpoint");
        let pubsub = get("pubsub_name");
        Publisher {
            endpoint: if endpoint.is_empty() {
                "http://localhost:3500".into()
            } else {
                endpoint
            },
            pubsub: if pubsub.is_empty() {
                "pubsub".into()
            } else {
                pubsub
            },
            api_token: get("dapr_api_token"),
        }
    }

    pub fn publish_url(&self, topic: &str, partition_key: &str) -> String {
        format!(
            "{}/v1.0/publish/{}/{}?metadata.partitionKey={}",
            self.endpoint.trim_end_matches('/'),
            self.pubsub,
            topic,
            encode_query_value(partition_key)
        )
    }

    /// Publishes one envelope; Ok only when the sidecar accepted it (2xx).
    pub async fn publish(
        &self,
        topic: &str,
        partition_key: &str,
        envelope: &str,
        traceparent: Option<&str>,
    ) -> Result<(), Error> {
        let mut builder = Request::builder();
        builder
            .method(Method::Post)
            .uri(self.publish_url(topic, partition_key))
            .header("content-type", "application/cloudevents+json");
        if !self.api_token.is_empty() {
            builder.header("dapr-api-token", self.api_token.clone());
        }
        if let Some(tp) = traceparent {
            builder.header("traceparent", tp);
        }
        let request = builder.body(envelope.as_bytes().to_vec()).build();
        send_expecting_2xx(
            request,
            "publish to sidecar failed",
            "sidecar refused the event",
        )
        .await
    }

    /// Publishes events just written to the outbox and marks the ones the
    /// sidecar accepted. Failures are logged and left for the relay.
    pub async fn publish_and_mark(&self, db: &Db, events: &[OutboxEvent]) {
        for e in events {
            let tp = e.envelope["traceparent"].as_str();
            let outcome = self
                .publish(e.topic, &e.user_id, &e.envelope.to_string(), tp)
                .await
                .and_then(|()| store::outbox::mark_published(db, &e.id, domain::time::now_ms()));
            if let Err(err) = outcome {
                applog::warn(
                    "event left in the outbox for the relay",
                    serde_json::json!({
                        "eventId": e.id,
                        "type": e.event_type,
                        "correlationId": e.envelope["data"]["correlationId"],
                        "error": err.message,
                    }),
                );
            }
        }
    }
}

impl Publisher {
    /// The relay: publishes outbox rows the live path did not get out
    /// (sidecar or broker down), oldest first, and marks each one sent.
    /// Stops at the first failure: the sidecar is likely still down, and
    /// the rest keeps its order for the next tick.
    pub async fn relay(&self, db: &Db, rows: Vec<store::outbox::Unsent>) -> (usize, usize) {
        let total = rows.len();
        let mut published = 0;
        for row in rows {
            let envelope: serde_json::Value =
                serde_json::from_str(&row.payload).unwrap_or_default();
            let result = self
                .publish(
                    &row.topic,
                    &row.user_id,
                    &row.payload,
                    envelope["traceparent"].as_str(),
                )
                .await
                .and_then(|()| store::outbox::mark_published(db, &row.id, domain::time::now_ms()));
            if let Err(e) = result {
                applog::warn(
                    "relay stopped",
                    serde_json::json!({ "eventId": row.id, "error": e.message }),
                );
                break;
            }
            published += 1;
        }
        applog::emit(&serde_json::json!({
            "level": "info", "msg": "outbox relay", "unsent": total, "published": published,
        }));
        (published, total - published)
    }
}

/// Percent-encodes a query value (user ids are UUIDs, but be safe).
fn encode_query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends one request to the sidecar; Ok only on a 2xx answer. The errors
/// start with `unreachable` (no answer) or `refused` (then the status and
/// the sidecar's body).
async fn send_expecting_2xx(
    request: Request,
    unreachable: &str,
    refused: &str,
) -> Result<(), Error> {
    let response: Response = spin_sdk::http::send(request)
        .await
        .map_err(|e| Error::internal(format!("{unreachable}: {e}")))?;
    let status = *response.status();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(Error::internal(format!(
            "{refused}: {status} {}",
            String::from_utf8_lossy(response.body())
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_url_carries_partition_key() {
        let p = Publisher {
            endpoint: "http://localhost:3500/".into(),
            pubsub: "pubsub".into(),
            api_token: String::new(),
        };
        assert_eq!(
            p.publish_url("tasks-lifecycle", "u 1"),
            "http://localhost:3500/v1.0/publish/pubsub/tasks-lifecycle?metadata.partitionKey=u%201"
        );
    }
}
