//! Internal components, called only by the Dapr sidecar.
//!
//! Event handlers (`serve_event`) answer Dapr's delivery contract:
//! `{"status":"SUCCESS"}` when done (or already done: the event id is
//! recorded per consumer in the same transaction as the effect, so a
//! redelivery changes nothing), `RETRY` for transient faults (the database
//! is unreachable), `DROP` for poison (an event that can never be handled;
//! the sidecar sends it to the dead-letter topic). Each event logs one JSON
//! line: type, ids, correlation id, duration, outcome.
//!
//! Cron bindings (`serve_cron`) answer the sidecar's OPTIONS probe and run
//! on each POST.

use domain::event::{EventIds, OutboxEvent, ReminderEventData, TaskEventData};
use domain::time::now_ms;
use domain::{Error, ErrorKind};
use http_api::{Outcome, Reply, Request};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use std::time::Instant;
use store::Db;

/// A delivered CloudEvent.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub topic: String,
    pub data: Value,
    /// The whole envelope, as delivered.
    pub envelope: Value,
}

impl Event {
    pub fn parse(body: &[u8]) -> Result<Event, Error> {
        let poison = |why: &str| Error::bad_request("poison_event", why.to_string());
        let envelope: Value =
            serde_json::from_slice(body).map_err(|_| poison("the body is not JSON"))?;
        let text = |k: &str| envelope.get(k).and_then(Value::as_str).map(str::to_string);
        Ok(Event {
            id: text("id").ok_or_else(|| poison("the event has no id"))?,
            kind: text("type").ok_or_else(|| poison("the event has no type"))?,
            topic: text("topic").unwrap_or_default(),
            data: envelope.get("data").cloned().unwrap_or(Value::Null),
            envelope,
        })
    }

    /// `data` as the contract of its type says; an event that does not
    /// follow it can never be handled, so it is poison.
    fn data_as<D: DeserializeOwned>(&self) -> Result<D, Error> {
        D::deserialize(&self.data).map_err(|e| {
            Error::bad_request(
                "poison_event",
                format!("{} event with data not in its schema: {e}", self.kind),
            )
        })
    }

    /// The task, user and correlation ids every event's data carries.
    pub fn ids(&self) -> Result<EventIds, Error> {
        self.data_as()
    }

    /// The data of a `tasks.*` event.
    pub fn task_data(&self) -> Result<TaskEventData, Error> {
        self.data_as()
    }

    /// The data of a `reminders.*` event.
    pub fn reminder_data(&self) -> Result<ReminderEventData, Error> {
        self.data_as()
    }

    /// The data of `reminders.released`.
    pub fn release_data(&self) -> Result<domain::event::ReleaseEventData, Error> {
        self.data_as()
    }

    /// For logs, also of events that are not ours (dead letters).
    pub fn correlation_id(&self) -> &str {
        self.data
            .get("correlationId")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn traceparent(&self) -> String {
        self.envelope
            .get("traceparent")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }
}

/// What a handler did: a word for the log and events to publish.
pub struct Handled {
    pub verdict: &'static str,
    pub events: Vec<OutboxEvent>,
}

impl Handled {
    pub fn nothing(verdict: &'static str) -> Handled {
        Handled {
            verdict,
            events: vec![],
        }
    }
}

/// The checks every event handler starts with: POST only, the sidecar's
/// token, a parseable CloudEvent. `Ok(Err(answer))` answers the sidecar at
/// once (a poison event: DROP).
pub fn receive(
    consumer: &str,
    req: &Request,
    started: Instant,
) -> Result<Result<Event, Outcome>, Error> {
    if req.method != "POST" {
        return Err(http_api::method_not_allowed("POST"));
    }
    http_api::check_app_token(req)?;
    match Event::parse(&req.body) {
        Ok(e) => Ok(Ok(e)),
        Err(e) => {
            log_event(consumer, None, "DROP", &e.message, started);
            Ok(Err(dapr_status("DROP").into()))
        }
    }
}

/// Dapr's delivery answer: `{"status": "SUCCESS" | "RETRY" | "DROP"}`.
pub fn dapr_status(status: &str) -> Reply {
    Reply::json(200, &json!({ "status": status }))
}

/// Runs one event handler. `handle` runs inside a transaction together with
/// the idempotency record.
pub async fn serve_event<F>(
    consumer: &'static str,
    incoming: IncomingRequest,
    out: ResponseOutparam,
    handle: F,
) where
    F: FnOnce(&Db, &Event, i64) -> Result<Handled, Error>,
{
    http_api::serve(consumer, incoming, out, |req| {
        let started = Instant::now();
        let event = match receive(consumer, req, started)? {
            Ok(e) => e,
            Err(answer) => return Ok(answer),
        };
        let run = || -> Result<(Db, Handled), Error> {
            // No schema check up front (a round trip per event): the first
            // statement finds out, and a missing table migrates and retries.
            let db = Db::connect(&http_api::config::var("db_url")?)?;
            let now = now_ms();
            let mut handler = Some(handle);
            let mut migrated = false;
            loop {
                let result = db.transaction(|db| {
                    if !store::consumers::mark_processed(db, consumer, &event.id, now)? {
                        return Ok(Handled::nothing("duplicate"));
                    }
                    let handle = handler
                        .take()
                        .ok_or_else(|| Error::internal("handler ran twice"))?;
                    handle(db, &event, now)
                });
                match result {
                    Err(e) if store::is_missing_schema(&e) && handler.is_some() && !migrated => {
                        db.migrate()?;
                        migrated = true;
                    }
                    other => return other.map(|handled| (db, handled)),
                }
            }
        };
        match run() {
            Ok((db, handled)) => {
                log_event(consumer, Some(&event), "SUCCESS", handled.verdict, started);
                Ok(Outcome::with_events(
                    dapr_status("SUCCESS"),
                    db,
                    handled.events,
                ))
            }
            Err(e) if e.is_internal() => {
                log_event(consumer, Some(&event), "RETRY", &e.message, started);
                Ok(dapr_status("RETRY").into())
            }
            Err(e) => {
                log_event(consumer, Some(&event), "DROP", &e.message, started);
                Ok(dapr_status("DROP").into())
            }
        }
    })
    .await
}

pub fn log_event(
    consumer: &str,
    event: Option<&Event>,
    outcome: &str,
    detail: &str,
    started: Instant,
) {
    let mut line = json!({
        "level": if outcome == "SUCCESS" { "info" } else { "warn" },
        "consumer": consumer,
        "outcome": outcome,
        "detail": detail,
        "ms": started.elapsed().as_micros() as f64 / 1000.0,
    });
    if let Some(e) = event {
        line["eventId"] = e.id.clone().into();
        line["eventType"] = e.kind.clone().into();
        line["taskId"] = e.data.get("taskId").cloned().unwrap_or(Value::Null);
        line["userId"] = e.data.get("userId").cloned().unwrap_or(Value::Null);
        line["correlationId"] = e.correlation_id().into();
    }
    applog::emit(&line);
}

/// Runs a cron binding: OPTIONS is the sidecar's subscription probe, POST a
/// tick. `run` returns a JSON report and events to publish afterwards.
pub async fn serve_cron<F>(
    name: &'static str,
    incoming: IncomingRequest,
    out: ResponseOutparam,
    run: F,
) where
    F: FnOnce(&Db, i64) -> Result<(Value, Vec<OutboxEvent>), Error>,
{
    http_api::serve(name, incoming, out, |req: &Request| {
        match req.method.as_str() {
            "OPTIONS" => Ok(Reply::json(200, &json!({ "binding": name })).into()),
            "POST" => {
                http_api::check_app_token(req)?;
                let started = Instant::now();
                let db = Db::open(&http_api::config::var("db_url")?)?;
                let (mut report, events) = run(&db, now_ms())?;
                report["ms"] = json!(started.elapsed().as_micros() as f64 / 1000.0);
                applog::emit(&json!({ "level": "info", "cron": name, "report": report }));
                Ok(Outcome::with_events(Reply::json(200, &report), db, events))
            }
            _ => Err(http_api::method_not_allowed("OPTIONS, POST")),
        }
    })
    .await
}

/// The task an event is about, read fresh: the event may be older than the
/// task's current state. `None` when it no longer exists.
pub fn current_task(db: &Db, event: &Event) -> Result<Option<domain::task::Task>, Error> {
    let ids = event.ids()?;
    store::tasks::get(db, &ids.user_id, &ids.task_id)
}

/// Treats a non-internal error kind as poison for the sidecar.
pub fn is_poison(e: &Error) -> bool {
    !matches!(e.kind, ErrorKind::Internal | ErrorKind::Unavailable)
}

/// What to record once a plan's job calls succeeded.
pub type Settle = Box<dyn FnOnce(&Db) -> Result<(), Error>>;

/// What a handler that drives Dapr jobs decided: the commands to send to
/// the Jobs API, what to record once they succeeded, and events to publish.
pub struct Planned {
    pub verdict: &'static str,
    pub commands: Vec<events::jobs::JobCommand>,
    pub events: Vec<OutboxEvent>,
    pub settle: Settle,
}

/// Runs an event handler whose effect includes Dapr job calls, which cannot
/// share the database transaction. The plan commits first; the job calls
/// follow (they are idempotent: scheduling overwrites, deleting a missing
/// job is fine); only then are their results recorded and the event marked
/// processed. A failed job call answers RETRY, and the redelivery plans
/// again from the database and repeats the calls.
pub async fn serve_event_with_jobs<F>(
    consumer: &'static str,
    incoming: IncomingRequest,
    out: ResponseOutparam,
    plan: F,
) where
    F: FnOnce(&Db, &Event, i64) -> Result<Planned, Error>,
{
    http_api::serve_async(consumer, incoming, out, |req: Request| async move {
        let started = Instant::now();
        let event = match receive(consumer, &req, started)? {
            Ok(e) => e,
            Err(answer) => return Ok(answer),
        };
        let verdict = |outcome: &str, detail: &str| {
            log_event(consumer, Some(&event), outcome, detail, started)
        };
        let db = match http_api::config::var("db_url").and_then(|url| Db::open(&url)) {
            Ok(db) => db,
            Err(e) => {
                verdict("RETRY", &e.message);
                return Ok(dapr_status("RETRY").into());
            }
        };
        let now = now_ms();
        let planned =
            match store::consumers::was_processed(&db, consumer, &event.id).and_then(|done| {
                if done {
                    Ok(None)
                } else {
                    db.transaction(|db| plan(db, &event, now)).map(Some)
                }
            }) {
                Ok(None) => {
                    verdict("SUCCESS", "duplicate");
                    return Ok(dapr_status("SUCCESS").into());
                }
                Ok(Some(p)) => p,
                Err(e) => {
                    let outcome = if e.is_internal() { "RETRY" } else { "DROP" };
                    verdict(outcome, &e.message);
                    return Ok(dapr_status(outcome).into());
                }
            };
        let publisher = events::Publisher::from_variables();
        for command in &planned.commands {
            if let Err(e) = publisher.run_job_command(command).await {
                verdict("RETRY", &e.message);
                return Ok(dapr_status("RETRY").into());
            }
        }
        let settle = planned.settle;
        if let Err(e) = db.transaction(|db| {
            settle(db)?;
            store::consumers::mark_processed(db, consumer, &event.id, now).map(|_| ())
        }) {
            verdict("RETRY", &e.message);
            return Ok(dapr_status("RETRY").into());
        }
        verdict("SUCCESS", planned.verdict);
        Ok(Outcome::with_events(
            dapr_status("SUCCESS"),
            db,
            planned.events,
        ))
    })
    .await
}
