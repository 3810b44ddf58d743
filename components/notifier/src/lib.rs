//! Notifier: delivers a due reminder through each channel the user enabled,
//! once per reminder whatever the redelivery.
//! - in-app: a notification in the inbox and an entry in the change feed,
//!   so open clients show it at once;
//! - webhook: the JSON body signed with HMAC-SHA256 (`X-Signature-256:
//!   sha256=<hex>`, key = the user's webhook secret), tried up to three times
//!   per delivery with backoff, every attempt recorded. Still failing, the
//!   event is handed back to the sidecar (RETRY) until `MAX_ATTEMPTS`
//!   attempts in all, then the reminder is marked failed;
//! - email: through Dapr's SMTP binding (`events::mail`), only to an
//!   address its owner confirmed, with a plain-text part and a one-click
//!   unsubscribe; tried and recorded like the webhook;
//! - push: to every browser the user subscribed (`push`), encrypted and
//!   signed for its push service; tried and recorded like the webhook, with
//!   the push service's 429 `Retry-After` honoured.
//!
//! Route: /events/notifier (topic reminders).

mod push;

use consumer::Event;
use domain::event::{self, Origin, REMINDERS_RELEASED, REMINDER_DELIVERED, REMINDER_DUE};
use domain::quiet::QuietHoursJobData;
use domain::reminder::Status;
use domain::time::now_ms;
use domain::user::Settings;
use domain::Error;
use hmac::{Hmac, Mac};
use http_api::{Outcome, Reply, Request};
use serde_json::json;
use sha2::Sha256;
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use std::time::{Duration, Instant};
use store::notifications::{self, Attempt, NewNotification};
use store::Db;

const NAME: &str = "notifier";
const TRIES_PER_DELIVERY: i64 = 3;
const MAX_ATTEMPTS: i64 = 9;
const BACKOFF: Duration = Duration::from_millis(200);
/// The longest pause a receiver may ask for (429 Retry-After) that this
/// delivery waits out itself; a longer one hands the event back.
const MAX_INLINE_WAIT: Duration = Duration::from_secs(5);

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve_async(
        NAME,
        req,
        out,
        |req: Request| async move { deliver(req).await },
    )
    .await
}

fn status(s: &str) -> Result<Outcome, Error> {
    Ok(consumer::dapr_status(s).into())
}

async fn deliver(req: Request) -> Result<Outcome, Error> {
    let started = Instant::now();
    let event = match consumer::receive(NAME, &req, started)? {
        Ok(e) => e,
        Err(answer) => return Ok(answer),
    };
    let handled = match event.kind.as_str() {
        REMINDER_DUE => run(&event).await,
        REMINDERS_RELEASED => release(&event).await,
        _ => {
            consumer::log_event(NAME, Some(&event), "SUCCESS", "ignored", started);
            return status("SUCCESS");
        }
    };
    match handled {
        Ok((db, verdict, events)) => {
            consumer::log_event(NAME, Some(&event), "SUCCESS", verdict, started);
            Ok(Outcome::with_events(
                Reply::json(200, &json!({ "status": "SUCCESS" })),
                db,
                events,
            ))
        }
        Err(e) if e.is_internal() => {
            consumer::log_event(NAME, Some(&event), "RETRY", &e.message, started);
            status("RETRY")
        }
        Err(e) => {
            consumer::log_event(NAME, Some(&event), "DROP", &e.message, started);
            status("DROP")
        }
    }
}

async fn run(event: &Event) -> Result<(Db, &'static str, Vec<event::OutboxEvent>), Error> {
    let data = event.reminder_data()?;
    let (user_id, task_id) = (data.ids.user_id.as_str(), data.ids.task_id.as_str());
    let (reminder_id, title) = (data.reminder_id.as_str(), data.title.as_str());
    let fire_at = data
        .fire_at
        .map(domain::time::format_ms)
        .unwrap_or_default();
    let db = Db::open(&http_api::config::var("db_url")?)?;
    if store::consumers::was_processed(&db, NAME, &event.id)? {
        return Ok((db, "duplicate", vec![]));
    }
    let Some((_, settings)) = store::users::get_user(&db, user_id)? else {
        return Ok((db, "user_gone", vec![]));
    };
    let now = now_ms();
    // In-app: the inbox entry and the live-sync change, once.
    let notification_id = db.transaction(|db| {
        let fresh_id = uuid::Uuid::new_v4().to_string();
        let body = format!("Reminder for \u{201c}{title}\u{201d}");
        let n = NewNotification { id: &fresh_id, user_id, reminder_id, task_id, title, body: &body };
        let (id, new) = notifications::insert_once(db, &n, now)?;
        if new && settings.in_app_notifications {
            let payload = json!({ "id": id, "reminderId": reminder_id, "taskId": task_id, "title": title, "body": body, "fireAt": fire_at });
            store::changes::record(db, user_id, "notification.created", &id, &payload.to_string(), now)?;
            let attempt = Attempt { notification_id: &id, channel: "in_app", attempt: 1, status: "delivered", http_status: None, error: None };
            notifications::record_attempt(db, &attempt, now)?;
        }
        Ok(id)
    })?;
    // Outside channels: each tried until delivered, every attempt recorded;
    // a channel delivered before (a redelivery) is not tried again.
    let mut failed = false;
    let mut pending = false;
    if let (Some(url), Some(secret)) = (&settings.webhook_url, &settings.webhook_secret) {
        let body = json!({
            "type": REMINDER_DUE, "notificationId": notification_id, "reminderId": reminder_id,
            "taskId": task_id, "title": title, "fireAt": fire_at,
        })
        .to_string();
        // The rule is checked again at every delivery: a URL saved before
        // it (or a trusted host since removed) gets no request.
        let target = domain::webhook::check_target(url, &http_api::config::webhook_trusted_hosts());
        let outcome = try_channel(&db, &notification_id, "webhook", || async {
            match &target {
                Ok(target) => post_signed(target, secret, &notification_id, &body).await,
                Err(e) => Try::failed(None, &e.message),
            }
        })
        .await?;
        failed |= outcome == Channel::Failed;
        pending |= outcome == Channel::Pending;
    }
    // Email and push: at once, or held for the digest at the end of the
    // user's quiet hours (the inbox above already has it).
    let outside = Outside::load(&db, user_id, &settings)?;
    if outside.any() {
        let quiet_until = settings
            .quiet_hours
            .and_then(|q| q.release_at(now, settings.timezone.tz()));
        let held = if let Some(release_at) = quiet_until {
            // The job first: a hold whose job failed to be scheduled would
            // wait forever; the event comes back and tries both again.
            let job = QuietHoursJobData {
                user_id: user_id.to_string(),
                release_at,
            };
            events::Publisher::from_variables()
                .schedule_quiet_hours_end(&job)
                .await?;
            notifications::hold(&db, &notification_id, user_id, release_at)?;
            true
        } else {
            // Held before and not released yet: the release sends it.
            notifications::is_held(&db, &notification_id)?
        };
        if !held {
            let due = due_text(&db, user_id, task_id, &settings)?;
            let item = push::Item {
                notification_id: notification_id.clone(),
                reminder_id: reminder_id.to_string(),
                task_id: task_id.to_string(),
                title: title.to_string(),
                due: due.clone(),
            };
            let mail = |to: &str, base: &str, unsubscribe: &str| {
                domain::email::reminder(to, title, due.as_deref(), base, unsubscribe)
            };
            let message = push::Message::Reminder(item);
            for outcome in outside
                .send(&db, &notification_id, mail, &message, now)
                .await?
            {
                failed |= outcome == Channel::Failed;
                pending |= outcome == Channel::Pending;
            }
        }
    }
    if pending {
        return Err(Error::internal("a channel is not delivered yet; retrying"));
    }
    // Done: mark the event processed and the reminder delivered (or failed).
    let events = db.transaction(|db| {
        store::consumers::mark_processed(db, NAME, &event.id, now)?;
        let to = if failed {
            Status::Failed
        } else {
            Status::Delivered
        };
        let mut events = vec![];
        if store::reminders::transition(db, reminder_id, &[Status::Due], to, None, now)? {
            if let Some(mut r) = store::reminders::get_any(db, reminder_id)? {
                r.status = to;
                let origin = Origin {
                    source: NAME.into(),
                    correlation_id: event.correlation_id().into(),
                    traceparent: event.traceparent(),
                };
                let e = event::reminder_event(
                    &uuid::Uuid::new_v4().to_string(),
                    REMINDER_DELIVERED,
                    &r,
                    title,
                    &origin,
                    now,
                );
                store::outbox::insert(db, &e)?;
                events.push(e);
            }
        }
        Ok(events)
    })?;
    Ok((
        db,
        if failed {
            "channel_failed"
        } else {
            "delivered"
        },
        events,
    ))
}

/// The end of the user's quiet hours: everything held goes out in one
/// digest per channel (a single held reminder as itself, with its buttons).
/// The attempts are recorded on the first held notification and copied to
/// the others, so a redelivered event, or a redelivered reminder, sends
/// nothing twice.
async fn release(event: &Event) -> Result<(Db, &'static str, Vec<event::OutboxEvent>), Error> {
    let data = event.release_data()?;
    let user_id = data.user_id.as_str();
    let db = Db::open(&http_api::config::var("db_url")?)?;
    if store::consumers::was_processed(&db, NAME, &event.id)? {
        return Ok((db, "duplicate", vec![]));
    }
    let now = now_ms();
    let held = notifications::held(&db, user_id)?;
    let settings = store::users::get_user(&db, user_id)?.map(|(_, s)| s);
    let (Some(first), Some(settings)) = (held.first(), settings) else {
        store::consumers::mark_processed(&db, NAME, &event.id, now)?;
        return Ok((db, "nothing_held", vec![]));
    };
    let mut items = Vec::with_capacity(held.len());
    for h in &held {
        items.push((h, due_text(&db, user_id, &h.task_id, &settings)?));
    }
    let message = match items.as_slice() {
        [(h, due)] => push::Message::Reminder(push::Item {
            notification_id: h.id.clone(),
            reminder_id: h.reminder_id.clone(),
            task_id: h.task_id.clone(),
            title: h.title.clone(),
            due: due.clone(),
        }),
        _ => push::Message::Digest {
            notification_id: first.id.clone(),
            titles: held.iter().map(|h| h.title.clone()).collect(),
        },
    };
    let lines: Vec<(String, Option<String>)> = items
        .iter()
        .map(|(h, due)| (h.title.clone(), due.clone()))
        .collect();
    let mail = |to: &str, base: &str, unsubscribe: &str| {
        domain::email::digest(to, &lines, base, unsubscribe)
    };
    let outside = Outside::load(&db, user_id, &settings)?;
    let outcomes = outside.send(&db, &first.id, mail, &message, now).await?;
    if outcomes.contains(&Channel::Pending) {
        return Err(Error::internal("the digest is not delivered yet; retrying"));
    }
    let ids: Vec<String> = held.iter().map(|h| h.id.clone()).collect();
    db.transaction(|db| {
        for other in &ids[1..] {
            notifications::copy_attempts(db, &ids[0], other, now)?;
        }
        notifications::release(db, &ids)?;
        store::consumers::mark_processed(db, NAME, &event.id, now)
    })?;
    Ok((db, "released", vec![]))
}

/// A task's due time in the user's zone, for mail and push.
fn due_text(
    db: &Db,
    user_id: &str,
    task_id: &str,
    settings: &Settings,
) -> Result<Option<String>, Error> {
    let tz = settings.timezone.tz();
    Ok(store::tasks::get(db, user_id, task_id)?
        .and_then(|t| t.due_at)
        .map(|ms| {
            domain::time::utc(ms)
                .with_timezone(&tz)
                .format("%a %-d %b %Y, %H:%M")
                .to_string()
        }))
}

/// The channels that reach the user outside the app: their confirmed
/// address (while they want mail) and their subscribed browsers (while the
/// server has a VAPID key).
struct Outside {
    recipient: Option<(String, String)>,
    push: Option<(push::Sender, Vec<store::push::PushSubscription>)>,
}

impl Outside {
    fn load(db: &Db, user_id: &str, settings: &Settings) -> Result<Outside, Error> {
        // The settings say whether mail is wanted, without another query
        // for everyone else.
        let recipient = if settings.email_reminders && settings.email_confirmed {
            store::users::email_recipient(db, user_id)?
        } else {
            None
        };
        let push = match push::Sender::from_variables()? {
            Some(sender) => {
                let browsers = store::push::list(db, user_id)?;
                (!browsers.is_empty()).then_some((sender, browsers))
            }
            None => None,
        };
        Ok(Outside { recipient, push })
    }

    fn any(&self) -> bool {
        self.recipient.is_some() || self.push.is_some()
    }

    /// Sends the mail (made from the address, the app's URL and the
    /// unsubscribe link) and the push message, recording the attempts on
    /// `carrier`; answers where each channel stands.
    async fn send(
        &self,
        db: &Db,
        carrier: &str,
        mail: impl Fn(&str, &str, &str) -> domain::email::Mail,
        message: &push::Message,
        now: i64,
    ) -> Result<Vec<Channel>, Error> {
        let mut outcomes = vec![];
        if let Some((to, unsubscribe_token)) = &self.recipient {
            let base = domain::email::base_url(&http_api::config::var_or_empty("public_base_url"));
            let mail = mail(
                to,
                &base,
                &domain::email::unsubscribe_url(&base, unsubscribe_token),
            );
            let publisher = events::Publisher::from_variables();
            let outcome = try_channel(db, carrier, "email", || async {
                match publisher.send_mail(&mail).await {
                    Ok(()) => Try::delivered(None),
                    Err(e) => {
                        // The details (the sidecar's and the mail server's
                        // answers) are for operators, not the user's inbox.
                        applog::warn(
                            "mail not sent",
                            json!({ "notificationId": carrier, "error": e.message }),
                        );
                        Try::failed(None, "the mail server did not take the mail")
                    }
                }
            })
            .await?;
            outcomes.push(outcome);
        }
        // Push: every subscribed browser; one asked to wait (429) sits this
        // delivery out, and the event comes back for it.
        if let Some((sender, browsers)) = &self.push {
            let ready = push::ready(browsers.clone(), now);
            if ready.is_empty() {
                outcomes.push(Channel::Pending);
            } else {
                let served = std::cell::RefCell::new(push::Served::default());
                let outcome = try_channel(db, carrier, "push", || async {
                    push::attempt(db, sender, message, &ready, &served).await
                })
                .await?;
                outcomes.push(outcome);
            }
        }
        Ok(outcomes)
    }
}

/// Where one outside channel stands after this delivery.
#[derive(Debug, PartialEq)]
enum Channel {
    Delivered,
    /// Not yet: the event comes back (RETRY) and the channel is tried again.
    Pending,
    /// Given up after `MAX_ATTEMPTS` attempts in all.
    Failed,
}

/// Up to `TRIES_PER_DELIVERY` attempts of one channel with backoff, each
/// recorded.
async fn try_channel<F, Fut>(
    db: &Db,
    notification_id: &str,
    channel: &str,
    mut attempt_once: F,
) -> Result<Channel, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Try>,
{
    if notifications::delivered(db, notification_id, channel)? {
        return Ok(Channel::Delivered);
    }
    let mut attempt = notifications::attempts_so_far(db, notification_id, channel)?;
    let mut pause = None;
    for i in 0..TRIES_PER_DELIVERY {
        if attempt >= MAX_ATTEMPTS {
            break;
        }
        if i > 0 {
            std::thread::sleep(pause.unwrap_or(BACKOFF * 2u32.pow(i as u32 - 1)));
        }
        attempt += 1;
        let tried = attempt_once().await;
        let outcome = if tried.delivered {
            "delivered"
        } else {
            "failed"
        };
        let (code, error) = (tried.http_status, tried.error);
        if outcome == "failed" {
            applog::warn(
                "notification attempt failed",
                json!({ "notificationId": notification_id, "channel": channel, "httpStatus": code, "error": error }),
            );
        }
        let record = Attempt {
            notification_id,
            channel,
            attempt,
            status: outcome,
            http_status: code,
            error: error.as_deref(),
        };
        notifications::record_attempt(db, &record, now_ms())?;
        if tried.delivered {
            return Ok(Channel::Delivered);
        }
        if tried.last {
            return Ok(Channel::Failed);
        }
        // A pause the receiver asked for is kept; one longer than this
        // delivery can wait ends it, and the event comes back later.
        match tried.wait {
            Some(w) if w > MAX_INLINE_WAIT => return Ok(Channel::Pending),
            w => pause = w,
        }
    }
    Ok(if attempt < MAX_ATTEMPTS {
        Channel::Pending
    } else {
        Channel::Failed
    })
}

/// One attempt's result, as recorded.
pub(crate) struct Try {
    delivered: bool,
    http_status: Option<i64>,
    error: Option<String>,
    /// The receiver asked for a pause before the next attempt (429).
    wait: Option<Duration>,
    /// No attempt can succeed (the browser unsubscribed): give up now.
    last: bool,
}

impl Try {
    pub(crate) fn delivered(http_status: Option<i64>) -> Try {
        Try {
            delivered: true,
            http_status,
            error: None,
            wait: None,
            last: false,
        }
    }

    pub(crate) fn failed(http_status: Option<i64>, error: &str) -> Try {
        Try {
            delivered: false,
            http_status,
            error: Some(error.to_string()),
            wait: None,
            last: false,
        }
    }

    /// An answer that says it all: the status, no further words.
    pub(crate) fn refused(http_status: i64) -> Try {
        Try {
            delivered: false,
            http_status: Some(http_status),
            error: None,
            wait: None,
            last: false,
        }
    }

    pub(crate) fn wait(self, pause: Duration) -> Try {
        Try {
            wait: Some(pause),
            ..self
        }
    }

    pub(crate) fn last(self) -> Try {
        Try { last: true, ..self }
    }
}

/// One webhook attempt.
async fn post_signed(url: &str, secret: &str, id: &str, body: &str) -> Try {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    let signature: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let request = spin_sdk::http::Request::builder()
        .method(Method::Post)
        .uri(url)
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .header("x-signature-256", format!("sha256={signature}"))
        .header("x-webhook-id", id)
        .body(body.as_bytes().to_vec())
        .build();
    match spin_sdk::http::send::<_, spin_sdk::http::Response>(request).await {
        Ok(resp) if (200..300).contains(resp.status()) => {
            Try::delivered(Some(i64::from(*resp.status())))
        }
        Ok(resp) => Try::refused(i64::from(*resp.status())),
        Err(e) => Try::failed(None, &e.to_string()),
    }
}
