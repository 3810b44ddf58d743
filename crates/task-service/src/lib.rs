//! Task operations, one function per use case. Each takes the open
//! database, the acting user and the event origin, applies the domain rules,
//! stores the change with its outbox event in one transaction, and returns
//! the task with the events to publish after the response.

use domain::event::{self, Origin, OutboxEvent};
use domain::query::ListQuery;
use domain::task::{apply_patch, set_completed, NewTask, Task, TaskPatch};
use domain::time::now_ms;
use domain::{Error, ErrorKind};
use store::tasks::Page;
use store::Db;

pub struct Changed {
    pub task: Task,
    pub events: Vec<OutboxEvent>,
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn create(db: &Db, user_id: &str, input: NewTask, origin: &Origin) -> Result<Changed, Error> {
    let now = now_ms();
    let task = Task {
        id: new_id(),
        user_id: user_id.to_string(),
        title: input.title,
        description: input.description,
        priority: input.priority,
        due_at: input.due_at,
        tags: input.tags,
        completed: false,
        completed_at: None,
        recurrence: None,
        series_id: None,
        series_index: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let e = event::task_created(&new_id(), &task, origin, now);
    let events = vec![e];
    store::tasks::insert(db, &task, &events)?;
    Ok(Changed { task, events })
}

pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Task, Error> {
    store::tasks::get(db, user_id, id)?.ok_or_else(|| Error::not_found("task"))
}

pub fn list(db: &Db, user_id: &str, q: &ListQuery) -> Result<Page, Error> {
    store::tasks::list(db, user_id, q)
}

/// The version the client expects, from `If-Match` (412 on mismatch) or
/// the body's `version` (409 on mismatch).
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected {
    pub if_match: Option<i64>,
    pub body_version: Option<i64>,
}

fn check_expected(task: &Task, expected: Expected) -> Result<(), Error> {
    if let Some(v) = expected.if_match {
        if v != task.version {
            return Err(Error::new(
                ErrorKind::PreconditionFailed,
                "precondition_failed",
                format!(
                    "the task is at version {}, not {v}; reload it and try again",
                    task.version
                ),
            )
            .with_details(serde_json::json!({ "currentVersion": task.version })));
        }
    }
    if let Some(v) = expected.body_version {
        if v != task.version {
            return Err(store::tasks::version_conflict()
                .with_details(serde_json::json!({ "currentVersion": task.version })));
        }
    }
    Ok(())
}

pub fn update(
    db: &Db,
    user_id: &str,
    id: &str,
    patch: &TaskPatch,
    expected: Expected,
    origin: &Origin,
) -> Result<Changed, Error> {
    let before = get(db, user_id, id)?;
    check_expected(&before, expected)?;
    let now = now_ms();
    let mut after = before.clone();
    let changed = apply_patch(&mut after, patch, now);
    if changed.is_empty() {
        return Ok(Changed {
            task: before,
            events: vec![],
        });
    }
    after.version += 1;
    after.updated_at = now;
    let mut events = vec![event::task_updated(
        &new_id(),
        &before,
        &after,
        &changed,
        origin,
        now,
    )];
    // Completing through PATCH is still a completion for the agents.
    if changed.contains(&"completed") {
        events.push(event::task_completion(&new_id(), &after, origin, now));
    }
    store::tasks::update(db, &after, &events)?;
    Ok(Changed {
        task: after,
        events,
    })
}

/// Completes or reopens a task. Doing it twice is harmless: the second call
/// changes nothing and publishes nothing.
pub fn set_completion(
    db: &Db,
    user_id: &str,
    id: &str,
    completed: bool,
    expected: Expected,
    origin: &Origin,
) -> Result<Changed, Error> {
    let before = get(db, user_id, id)?;
    check_expected(&before, expected)?;
    if before.completed == completed {
        return Ok(Changed {
            task: before,
            events: vec![],
        });
    }
    let now = now_ms();
    let mut after = before;
    set_completed(&mut after, completed, now);
    after.version += 1;
    after.updated_at = now;
    let events = vec![event::task_completion(&new_id(), &after, origin, now)];
    store::tasks::update(db, &after, &events)?;
    Ok(Changed {
        task: after,
        events,
    })
}

pub fn delete(
    db: &Db,
    user_id: &str,
    id: &str,
    expected: Expected,
    origin: &Origin,
) -> Result<Changed, Error> {
    let task = get(db, user_id, id)?;
    check_expected(&task, expected)?;
    let events = vec![event::task_deleted(&new_id(), &task, origin, now_ms())];
    store::tasks::delete(db, &task, &events)?;
    Ok(Changed { task, events })
}

/// Reminders: adding, cancelling, snoozing and dismissing write the
/// reminder and a `reminders.changed` event in one transaction; the reminder
/// scheduler then brings the Dapr job in line.
pub mod reminders {
    use super::new_id;
    use domain::event::{self, Origin, OutboxEvent, REMINDERS_CHANGED};
    use domain::reminder::{self, Reminder, Spec, Status};
    use domain::time::now_ms;
    use domain::{Error, ErrorKind};
    use store::Db;

    pub struct Changed {
        pub reminder: Reminder,
        pub events: Vec<OutboxEvent>,
    }

    fn changed_event(r: &Reminder, title: &str, origin: &Origin, now: i64) -> OutboxEvent {
        event::reminder_event(&new_id(), REMINDERS_CHANGED, r, title, origin, now)
    }

    pub fn add(
        db: &Db,
        user_id: &str,
        task_id: &str,
        spec: Spec,
        origin: &Origin,
    ) -> Result<Changed, Error> {
        db.transaction(|db| {
            let task = super::get(db, user_id, task_id)?;
            let active = store::reminders::for_task(db, user_id, task_id)?
                .iter()
                .filter(|r| r.status.is_pending())
                .count();
            let now = now_ms();
            let fire_at = reminder::check_new(spec, &task, active, now)?;
            let (before_minutes, at) = match spec {
                Spec::Before { minutes } => (Some(minutes), None),
                Spec::At { at } => (None, Some(at)),
            };
            let r = Reminder {
                id: new_id(),
                user_id: user_id.to_string(),
                task_id: task_id.to_string(),
                before_minutes,
                at,
                fire_at: Some(fire_at),
                status: Status::Scheduled,
                scheduled_for: None,
                created_at: now,
                updated_at: now,
            };
            store::reminders::insert(db, &r)?;
            let e = changed_event(&r, &task.title, origin, now);
            store::outbox::insert(db, &e)?;
            Ok(Changed {
                reminder: r,
                events: vec![e],
            })
        })
    }

    pub fn list(db: &Db, user_id: &str, task_id: &str) -> Result<Vec<Reminder>, Error> {
        super::get(db, user_id, task_id)?;
        store::reminders::for_task(db, user_id, task_id)
    }

    fn find(db: &Db, user_id: &str, id: &str) -> Result<Reminder, Error> {
        store::reminders::get(db, user_id, id)?.ok_or_else(|| Error::not_found("reminder"))
    }

    fn title_of(db: &Db, r: &Reminder) -> Result<String, Error> {
        Ok(store::tasks::get(db, &r.user_id, &r.task_id)?
            .map(|t| t.title)
            .unwrap_or_default())
    }

    /// Moves a reminder from one of `from` to `to` (with a new fire time).
    fn transition(
        db: &Db,
        user_id: &str,
        id: &str,
        from: &[Status],
        to: Status,
        fire_at: impl FnOnce(&Reminder) -> Option<i64>,
        origin: &Origin,
    ) -> Result<Changed, Error> {
        // Inside the caller's transaction.
        let mut r = find(db, user_id, id)?;
        let now = now_ms();
        let fire = fire_at(&r);
        if !store::reminders::transition(db, id, from, to, fire, now)? {
            return Err(Error::new(
                ErrorKind::Conflict,
                "reminder_state",
                format!("the reminder is {}", r.status.as_str()),
            ));
        }
        r.status = to;
        r.fire_at = fire;
        r.updated_at = now;
        let e = changed_event(&r, &title_of(db, &r)?, origin, now);
        store::outbox::insert(db, &e)?;
        Ok(Changed {
            reminder: r,
            events: vec![e],
        })
    }

    pub fn cancel(db: &Db, user_id: &str, id: &str, origin: &Origin) -> Result<Changed, Error> {
        db.transaction(|db| {
            transition(
                db,
                user_id,
                id,
                &[Status::Scheduled],
                Status::Canceled,
                |r| r.fire_at,
                origin,
            )
        })
    }

    pub fn dismiss(db: &Db, user_id: &str, id: &str, origin: &Origin) -> Result<Changed, Error> {
        let from = [Status::Scheduled, Status::Due, Status::Delivered];
        db.transaction(|db| {
            transition(
                db,
                user_id,
                id,
                &from,
                Status::Dismissed,
                |r| r.fire_at,
                origin,
            )
        })
    }

    /// Fires again `minutes` from now, whatever state it reached. A snoozed
    /// reminder fires at a fixed time, no longer relative to the due time.
    pub fn snooze(
        db: &Db,
        user_id: &str,
        id: &str,
        minutes: i64,
        origin: &Origin,
    ) -> Result<Changed, Error> {
        if !(1..=7 * 24 * 60).contains(&minutes) {
            return Err(Error::invalid("minutes", "minutes must be from 1 to 10080"));
        }
        let until = now_ms() + minutes * 60_000;
        db.transaction(|db| {
            find(db, user_id, id)?;
            store::reminders::make_absolute(db, id, until)?;
            transition(
                db,
                user_id,
                id,
                &[
                    Status::Scheduled,
                    Status::Due,
                    Status::Delivered,
                    Status::Failed,
                ],
                Status::Scheduled,
                |_| Some(until),
                origin,
            )
        })
    }
}
