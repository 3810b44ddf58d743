//! The Web Push channel: the reminder, encrypted for each browser the user
//! subscribed (RFC 8291) and signed for its push service (VAPID, RFC 8292),
//! POSTed to the subscription's endpoint (RFC 8030).
//!
//! A push service's answer decides what happens to the browser:
//! 201/2xx delivered; 404/410 the browser unsubscribed, so the subscription
//! is removed; 429 wait as long as `Retry-After` says, for that browser
//! only; anything else is a failed attempt, tried again like a webhook.

use crate::Try;
use serde_json::json;
use spin_sdk::http::Method;
use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;
use store::push::PushSubscription;
use store::Db;

/// How long the push service keeps the message for a browser that is offline:
/// a reminder half a day late is still worth showing, later it is noise.
const TTL_SECONDS: u32 = 12 * 3600;
/// When 429 comes without a usable Retry-After.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// One reminder, as the service worker shows it (frontend/src/notify.ts).
pub struct Item {
    pub notification_id: String,
    pub reminder_id: String,
    pub task_id: String,
    pub title: String,
    pub due: Option<String>,
}

/// What a push message says.
pub enum Message {
    /// A reminder, with Done and Snooze buttons.
    Reminder(Item),
    /// Several reminders held during quiet hours, in one notification
    /// (tagged with the first one's notification).
    Digest {
        notification_id: String,
        titles: Vec<String>,
    },
}

fn short(title: &str) -> String {
    title.chars().take(200).collect()
}

impl Message {
    fn notification_id(&self) -> &str {
        match self {
            Message::Reminder(item) => &item.notification_id,
            Message::Digest {
                notification_id, ..
            } => notification_id,
        }
    }

    /// The JSON the browser decrypts, kept under the 4 KiB a push message
    /// may carry whatever the titles.
    fn payload(&self) -> Vec<u8> {
        let value = match self {
            Message::Reminder(item) => json!({
                "kind": "reminder",
                "notificationId": item.notification_id,
                "reminderId": item.reminder_id,
                "taskId": item.task_id,
                "title": short(&item.title),
                "body": match &item.due {
                    Some(due) => format!("Due {due}"),
                    None => "Reminder".to_string(),
                },
                "url": "/",
            }),
            Message::Digest {
                notification_id,
                titles,
            } => {
                // Titles until about 1 KiB; the app shows the rest.
                let mut body = String::new();
                for (i, t) in titles.iter().enumerate() {
                    if body.len() > 1000 {
                        body.push_str(&format!("\n… and {} more", titles.len() - i));
                        break;
                    }
                    if !body.is_empty() {
                        body.push('\n');
                    }
                    body.push_str(&short(t));
                }
                json!({
                    "kind": "digest",
                    "notificationId": notification_id,
                    "title": format!("{} reminders from your quiet hours", titles.len()),
                    "body": body,
                    "url": "/",
                })
            }
        };
        value.to_string().into_bytes()
    }
}

pub struct Sender {
    pub vapid: webpush::Vapid,
    pub subject: String,
}

impl Sender {
    /// The server's key and contact, or None when push is not set up.
    pub fn from_variables() -> Result<Option<Sender>, domain::Error> {
        let key = http_api::config::var_or_empty("vapid_private_key");
        let Some(vapid) = webpush::Vapid::configured(&key)
            .map_err(|e| domain::Error::internal(format!("vapid_private_key: {e}")))?
        else {
            return Ok(None);
        };
        let configured = http_api::config::var_or_empty("vapid_subject");
        let base = http_api::config::var_or_empty("public_base_url");
        let subject = if !configured.trim().is_empty() {
            configured.trim().to_string()
        } else if base.starts_with("https://") {
            base.trim_end_matches('/').to_string()
        } else {
            "mailto:postmaster@localhost".to_string()
        };
        Ok(Some(Sender { vapid, subject }))
    }
}

/// The browsers this delivery is for: those not asked to wait until later.
pub fn ready(subscriptions: Vec<PushSubscription>, now: i64) -> Vec<PushSubscription> {
    subscriptions
        .into_iter()
        .filter(|s| s.retry_at.is_none_or(|at| at <= now))
        .collect()
}

/// The browsers served so far in this delivery, so that a retry goes only
/// to the rest.
#[derive(Default)]
pub struct Served {
    delivered: HashSet<String>,
    gone: HashSet<String>,
}

impl Served {
    fn contains(&self, id: &str) -> bool {
        self.delivered.contains(id) || self.gone.contains(id)
    }
}

/// One attempt: the message to every browser not yet served.
pub async fn attempt(
    db: &Db,
    sender: &Sender,
    message: &Message,
    subscriptions: &[PushSubscription],
    served: &RefCell<Served>,
) -> Try {
    let payload = message.payload();
    let services = http_api::config::var_or_empty("push_services");
    let mut failure: Option<(Option<i64>, String)> = None;
    let mut wait: Option<Duration> = None;
    // The push service's own 2xx answer, recorded with the delivery.
    let mut accepted: Option<i64> = None;
    let waiting: Vec<&PushSubscription> = {
        let served = served.borrow();
        subscriptions
            .iter()
            .filter(|s| !served.contains(&s.id))
            .collect()
    };
    for s in waiting {
        // The rule is checked again at every delivery: a subscription saved
        // under an older list gets no request.
        if let Err(e) = webpush::check_endpoint(&s.endpoint, &services) {
            failure = Some((None, e.0.to_string()));
            continue;
        }
        let answer = send(sender, message, s, &payload).await;
        match answer {
            Ok((status, _)) if (200..300).contains(&status) => {
                accepted = Some(status);
                served.borrow_mut().delivered.insert(s.id.clone());
            }
            Ok((404 | 410, _)) => {
                served.borrow_mut().gone.insert(s.id.clone());
                if let Err(e) = store::push::forget(db, &s.id) {
                    failure = Some((None, e.message));
                }
            }
            Ok((429, retry_after)) => {
                let pause = retry_after.unwrap_or(DEFAULT_WAIT);
                let until = domain::time::now_ms() + pause.as_millis() as i64;
                let _ = store::push::wait_until(db, &s.id, until);
                wait = Some(wait.map_or(pause, |w| w.max(pause)));
                failure = Some((
                    Some(429),
                    format!("the push service asked to wait {}s", pause.as_secs()),
                ));
            }
            Ok((status, _)) => {
                failure = Some((Some(status), format!("the push service answered {status}")));
            }
            Err(e) => failure = Some((None, e)),
        }
    }
    let served = served.borrow();
    let left = subscriptions
        .iter()
        .filter(|s| !served.contains(&s.id))
        .count();
    match failure {
        _ if left == 0 && !served.delivered.is_empty() => Try::delivered(accepted),
        _ if left == 0 => Try::failed(
            Some(410),
            "the browser unsubscribed; its subscription was removed",
        )
        .last(),
        Some((status, error)) => {
            let error = if subscriptions.len() > 1 {
                format!("{left} of {} browsers: {error}", subscriptions.len())
            } else {
                error
            };
            let tried = Try::failed(status, &error);
            match wait {
                Some(w) => tried.wait(w),
                None => tried,
            }
        }
        None => Try::failed(None, "no browser took the message"),
    }
}

/// POSTs one encrypted message; answers the status and any Retry-After.
async fn send(
    sender: &Sender,
    message: &Message,
    s: &PushSubscription,
    payload: &[u8],
) -> Result<(i64, Option<Duration>), String> {
    let keys = webpush::Keys::parse(&s.p256dh, &s.auth).map_err(|e| e.0.to_string())?;
    let body = webpush::encrypt(payload, &keys).map_err(|e| e.0.to_string())?;
    let authorization = sender
        .vapid
        .authorization(&s.endpoint, &sender.subject, domain::time::now_ms() / 1000)
        .map_err(|e| e.0.to_string())?;
    // Topic: a newer message for the same notification replaces one the
    // push service still holds for an offline browser (a uuid without its
    // dashes is 32 base64url characters, the most Topic allows).
    let topic: String = message
        .notification_id()
        .chars()
        .filter(|c| *c != '-')
        .take(32)
        .collect();
    let request = spin_sdk::http::Request::builder()
        .method(Method::Post)
        .uri(s.endpoint.as_str())
        .header("authorization", authorization)
        .header("content-encoding", "aes128gcm")
        .header("content-type", "application/octet-stream")
        .header("content-length", body.len().to_string())
        .header("ttl", TTL_SECONDS.to_string())
        .header("urgency", "high")
        .header("topic", topic)
        .body(body)
        .build();
    let response = spin_sdk::http::send::<_, spin_sdk::http::Response>(request)
        .await
        .map_err(|e| format!("the push service could not be reached: {e}"))?;
    let retry_after = response
        .header("retry-after")
        .and_then(|v| v.as_str())
        .and_then(retry_after);
    Ok((i64::from(*response.status()), retry_after))
}

/// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let ms = at.timestamp_millis() - domain::time::now_ms();
    Some(Duration::from_millis(ms.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_either_form() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn payload_stays_small() {
        let m = Message::Reminder(Item {
            notification_id: "n".into(),
            reminder_id: "r".into(),
            task_id: "t".into(),
            title: "\"".repeat(10_000),
            due: Some("Mon 7 Dec 2026, 09:00".into()),
        });
        assert!(m.payload().len() < webpush::MAX_PAYLOAD);
        let d = Message::Digest {
            notification_id: "n".into(),
            titles: vec!["\"".repeat(200); 500],
        };
        let payload: serde_json::Value = serde_json::from_slice(&d.payload()).unwrap();
        assert!(d.payload().len() < webpush::MAX_PAYLOAD);
        assert_eq!(payload["title"], "500 reminders from your quiet hours");
        assert!(payload["body"].as_str().unwrap().ends_with("more"));
    }
}
