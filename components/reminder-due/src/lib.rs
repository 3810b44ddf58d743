//! Dapr job callbacks. Dapr calls `POST /job/<name>` with the job's data:
//! - `reminder-<id>`: a reminder's time has come; it becomes due and
//!   `reminders.due` is published to the `reminders` topic for the
//!   notifier. A job that no longer matches its reminder (moved, cancelled,
//!   already fired) is acknowledged and ignored: 2xx tells Dapr not to retry.
//! - `quiet-hours-<userId>`: the user's quiet hours ended;
//!   `reminders.released` tells the notifier to send what it held.
//!
//! Route: /job/... .

use domain::event::{self, Origin, REMINDER_DUE};
use domain::quiet::QuietHoursJobData;
use domain::reminder::{ReminderJobData, Status};
use domain::time::now_ms;
use domain::Error;
use http_api::{Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::Db;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("reminder-due", req, out, fire).await
}

fn fire(req: &Request) -> Result<Outcome, Error> {
    if req.method != "POST" {
        return Err(http_api::method_not_allowed("POST"));
    }
    http_api::check_app_token(req)?;
    if let Ok(quiet) = serde_json::from_slice::<QuietHoursJobData>(&req.body) {
        return release(req, &quiet);
    }
    let data: ReminderJobData = serde_json::from_slice(&req.body).map_err(|e| {
        Error::bad_request(
            "invalid_job_data",
            format!("the job data is not a reminder job: {e}"),
        )
    })?;
    let reminder_id = data.reminder_id.as_str();
    let planned_fire = data.fire_at;
    let db = Db::open(&http_api::config::var("db_url")?)?;
    let now = now_ms();
    let outcome = db.transaction(|db| {
        let Some(mut r) = store::reminders::get_any(db, reminder_id)? else {
            return Ok((json!({ "result": "unknown_reminder" }), vec![]));
        };
        if r.status != Status::Scheduled || r.fire_at != planned_fire {
            return Ok((
                json!({ "result": "stale_job", "status": r.status.as_str() }),
                vec![],
            ));
        }
        if !store::reminders::transition(
            db,
            &r.id,
            &[Status::Scheduled],
            Status::Due,
            r.fire_at,
            now,
        )? {
            return Ok((json!({ "result": "already_fired" }), vec![]));
        }
        r.status = Status::Due;
        let title = store::tasks::get(db, &r.user_id, &r.task_id)?
            .map(|t| t.title)
            .unwrap_or_default();
        let origin = Origin {
            source: "reminder-due".into(),
            correlation_id: format!("reminder-{}", r.id),
            traceparent: req.traceparent.clone(),
        };
        let e = event::reminder_event(
            &uuid::Uuid::new_v4().to_string(),
            REMINDER_DUE,
            &r,
            &title,
            &origin,
            now,
        );
        store::outbox::insert(db, &e)?;
        Ok((json!({ "result": "due", "reminderId": r.id }), vec![e]))
    })?;
    applog::emit(
        &json!({ "level": "info", "msg": "reminder job", "job": req.path, "outcome": outcome.0 }),
    );
    Ok(Outcome::with_events(
        Reply::json(200, &outcome.0),
        db,
        outcome.1,
    ))
}

/// The end of a user's quiet hours: `reminders.released`, through the outbox.
fn release(req: &Request, job: &QuietHoursJobData) -> Result<Outcome, Error> {
    let db = Db::open(&http_api::config::var("db_url")?)?;
    let origin = Origin {
        source: "reminder-due".into(),
        correlation_id: format!("quiet-hours-{}", job.user_id),
        traceparent: req.traceparent.clone(),
    };
    let now = now_ms();
    let e = event::release_event(
        &uuid::Uuid::new_v4().to_string(),
        &job.user_id,
        job.release_at,
        &origin,
        now,
    );
    db.transaction(|db| store::outbox::insert(db, &e))?;
    applog::emit(
        &json!({ "level": "info", "msg": "quiet hours job", "job": req.path, "userId": job.user_id }),
    );
    Ok(Outcome::with_events(
        Reply::json(200, &json!({ "result": "released", "userId": job.user_id })),
        db,
        vec![e],
    ))
}
