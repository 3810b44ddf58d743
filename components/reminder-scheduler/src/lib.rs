//! Reminder scheduler: keeps one Dapr job per pending reminder, in step
//! with its task. On every event about a task (created, updated, completed,
//! incomplete, deleted, reminders.changed) it reconciles that task's
//! reminders: relative reminders follow the due time (the job is moved);
//! a completed or deleted task cancels them (job deleted,
//! `reminders.canceled` published); cancelled or dismissed reminders lose
//! their job. A task that gets a due time (created with one, or given one
//! later) first gets the user's default reminder, when the user has one and
//! the task has no reminders. Route: /events/reminder-scheduler (topic
//! tasks-lifecycle).

use consumer::{Event, Planned};
use domain::event::{self, Origin, REMINDER_CANCELED, TASK_CREATED, TASK_UPDATED};
use domain::reminder::{fire_time, job_name, ReminderJobData, Status};
use domain::Error;
use events::jobs::JobCommand;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::Db;

const NAME: &str = "reminder-scheduler";

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_event_with_jobs(NAME, req, out, plan).await
}

fn plan(db: &Db, event: &Event, now: i64) -> Result<Planned, Error> {
    let ids = event.ids()?;
    let (user_id, task_id) = (ids.user_id, ids.task_id);
    let task = store::tasks::get(db, &user_id, &task_id)?;
    let origin = Origin {
        source: NAME.into(),
        correlation_id: event.correlation_id().into(),
        traceparent: event.traceparent(),
    };
    let mut commands = vec![];
    let mut events = vec![];
    if let Some(t) = task.as_ref().filter(|_| gets_due_time(event)) {
        let minutes =
            store::users::get_user(db, &user_id)?.and_then(|(_, s)| s.default_reminder_minutes);
        if let Some(minutes) = minutes {
            if let Some(added) = task_service::reminders::add_default(db, t, minutes, &origin)? {
                events.extend(added.events);
            }
        }
    }
    // (reminder id, the job's fire time once the commands ran)
    let mut settled: Vec<(String, Option<i64>)> = vec![];
    for mut r in store::reminders::for_task(db, &user_id, &task_id)? {
        let live = task.as_ref().filter(|t| !t.completed);
        let fire = live.and_then(|t| fire_time(r.before_minutes, r.at, t));
        if r.status == Status::Scheduled && fire.is_none() {
            // The task is gone, completed, or lost the due time it hung on.
            store::reminders::transition(
                db,
                &r.id,
                &[Status::Scheduled],
                Status::Canceled,
                r.fire_at,
                now,
            )?;
            r.status = Status::Canceled;
            let title = task.as_ref().map(|t| t.title.as_str()).unwrap_or("");
            let id = uuid_like(&r.id, "canceled");
            let e = event::reminder_event(&id, REMINDER_CANCELED, &r, title, &origin, now);
            store::outbox::insert(db, &e)?;
            events.push(e);
        }
        if r.status == Status::Scheduled {
            let fire = fire.expect("scheduled reminders have a fire time here");
            if r.fire_at != Some(fire) {
                store::reminders::set_fire_at(db, &r.id, Some(fire), now)?;
            }
            if r.scheduled_for != Some(fire) {
                commands.push(JobCommand::Schedule {
                    name: job_name(&r.id),
                    due_at: fire,
                    data: ReminderJobData {
                        reminder_id: r.id.clone(),
                        fire_at: Some(fire),
                    },
                });
                settled.push((r.id.clone(), Some(fire)));
            }
        } else if r.scheduled_for.is_some()
            && matches!(r.status, Status::Canceled | Status::Dismissed)
        {
            commands.push(JobCommand::Delete {
                name: job_name(&r.id),
            });
            settled.push((r.id.clone(), None));
        }
    }
    let verdict = if commands.is_empty() {
        "in_step"
    } else {
        "jobs_changed"
    };
    Ok(Planned {
        verdict,
        commands,
        events,
        settle: Box::new(move |db| {
            settled
                .iter()
                .try_for_each(|(id, at)| store::reminders::set_scheduled_for(db, id, *at))
        }),
    })
}

/// Whether the event gives its task a due time: created with one, or an
/// update from none to one (a task whose due time only moves keeps the
/// reminders it has, or the lack of them the user chose).
fn gets_due_time(event: &Event) -> bool {
    let Ok(data) = event.task_data() else {
        return false;
    };
    match event.kind.as_str() {
        TASK_CREATED => data.task.due_at.is_some(),
        TASK_UPDATED => data
            .changes
            .as_ref()
            .and_then(|c| c.get("dueAt"))
            .is_some_and(|c| c.old.is_null() && !c.new.is_null()),
        _ => false,
    }
}

/// A stable event id per reminder and transition, so a redelivered event
/// that plans the same cancellation cannot publish it twice (the outbox id
/// is the primary key).
fn uuid_like(reminder_id: &str, what: &str) -> String {
    format!("{reminder_id}-{what}")
}
