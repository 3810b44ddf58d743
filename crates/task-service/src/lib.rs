//! Task operations, one function per use case. Each takes the open
//! database, the acting user and the event origin, applies the domain rules,
//! stores the change with its outbox event in one transaction, and returns
//! the task with the events to publish after the response.

use domain::event::{self, Origin, OutboxEvent};
use domain::query::ListQuery;
use domain::task::{apply_patch, set_completed, NewTask, Task, TaskPatch};
use domain::time::now_ms;
use domain::{Error, ErrorKind};
use store::sessions::Gate;
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
    create_gated(db, user_id, input, origin, None)?
        .ok_or_else(|| Error::internal("a create without the gate answered as gated"))
}

/// `create` with the session check in the insert (see
/// `store::sessions::Gate`); `None` when nothing was written because of the
/// gate. A repeating task (two tables) and a task put into a list (whose
/// list is checked first) are never gated.
pub fn create_gated(
    db: &Db,
    user_id: &str,
    input: NewTask,
    origin: &Origin,
    gate: Option<&Gate>,
) -> Result<Option<Changed>, Error> {
    if let Some(list_id) = &input.list_id {
        // The list is checked once the session is: a revoked session must
        // learn nothing, not even whether a list exists.
        if gate.is_some() {
            return Ok(None);
        }
        lists::check_exists(db, user_id, list_id)?;
    }
    let now = now_ms();
    let mut task = Task {
        description: input.description,
        priority: input.priority,
        due_at: input.due_at,
        tags: input.tags,
        list_id: input.list_id,
        ..Task::new(new_id(), user_id.to_string(), input.title, now)
    };
    let Some(raw) = input.recurrence else {
        let events = vec![event::task_created(&new_id(), &task, origin, now)];
        let written = store::tasks::insert_gated(db, &task, &events, gate)?;
        return Ok(written.then_some(Changed { task, events }));
    };
    if gate.is_some() {
        return Ok(None);
    }
    let (series, first_due) = recurring::start(db, user_id, &raw, task.due_at, now)?;
    task.due_at = Some(first_due);
    task.series_id = Some(series.id.clone());
    task.series_index = Some(0);
    task.recurrence = Some(recurring::display(&series)?);
    let events = vec![event::task_created(&new_id(), &task, origin, now)];
    db.transaction(|db| {
        store::series::insert(db, &series)?;
        store::tasks::insert(db, &task, &events)
    })?;
    Ok(Some(Changed { task, events }))
}

pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Task, Error> {
    store::tasks::get(db, user_id, id)?.ok_or_else(|| Error::not_found("task"))
}

pub fn list(db: &Db, user_id: &str, q: &ListQuery) -> Result<Page, Error> {
    store::tasks::list(db, user_id, q)
}

/// `list` with the session check in the same statement; `None` when the
/// gated statement found nothing (see `store::sessions::Gate`).
pub fn list_gated(
    db: &Db,
    user_id: &str,
    q: &ListQuery,
    gate: Option<&Gate>,
) -> Result<Option<Page>, Error> {
    store::tasks::list_gated(db, user_id, q, gate)
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
            return Err(precondition_failed(format!(
                "the task is at version {}, not {v}; reload it and try again",
                task.version
            ))
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

/// A write that found the task at another version than the one read lost a
/// race with a concurrent writer. A client that sent `If-Match` gets the
/// same 412 it would get had it arrived a moment later, not a 409.
fn lost_race(e: Error, expected: Expected) -> Error {
    match (e.code, expected.if_match) {
        ("version_conflict", Some(v)) => precondition_failed(format!(
            "the task is no longer at version {v}; reload it and try again"
        )),
        _ => e,
    }
}

/// The 412 for an `If-Match` the task no longer matches.
fn precondition_failed(message: String) -> Error {
    Error::new(
        ErrorKind::PreconditionFailed,
        "precondition_failed",
        message,
    )
}

pub fn update(
    db: &Db,
    user_id: &str,
    id: &str,
    patch: &TaskPatch,
    expected: Expected,
    origin: &Origin,
) -> Result<Changed, Error> {
    let Some(rule) = &patch.recurrence else {
        return update_fields(db, user_id, id, patch, expected, origin, |_, _, _| {
            Ok(vec![])
        });
    };
    // The series starts, changes or stops with the task: one transaction.
    db.transaction(|db| {
        update_fields(db, user_id, id, patch, expected, origin, |db, task, now| {
            recurring::apply_to_task(db, task, rule.as_ref(), now)
        })
    })
}

/// The update itself; `series` applies a recurrence change to the task
/// first and answers which task fields that changed.
fn update_fields(
    db: &Db,
    user_id: &str,
    id: &str,
    patch: &TaskPatch,
    expected: Expected,
    origin: &Origin,
    series: impl FnOnce(&Db, &mut Task, i64) -> Result<Vec<&'static str>, Error>,
) -> Result<Changed, Error> {
    let before = get(db, user_id, id)?;
    check_expected(&before, expected)?;
    if let Some(Some(list_id)) = &patch.list_id {
        lists::check_exists(db, user_id, list_id)?;
    }
    let now = now_ms();
    let mut after = before.clone();
    let mut changed = apply_patch(&mut after, patch, now);
    for field in series(db, &mut after, now)? {
        if !changed.contains(&field) {
            changed.push(field);
        }
    }
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
    store::tasks::update(db, &after, &events).map_err(|e| lost_race(e, expected))?;
    if (&after.series_id, after.series_index) != (&before.series_id, before.series_index) {
        store::tasks::set_series(db, &after)?;
    }
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
    store::tasks::update(db, &after, &events).map_err(|e| lost_race(e, expected))?;
    Ok(Changed {
        task: after,
        events,
    })
}

/// Deletes a task. Deleting the open instance of a repeating task ends the
/// series too ("this and all future"); `recurring::skip` is "only this one".
pub fn delete(
    db: &Db,
    user_id: &str,
    id: &str,
    expected: Expected,
    origin: &Origin,
) -> Result<Changed, Error> {
    let task = get(db, user_id, id)?;
    check_expected(&task, expected)?;
    let now = now_ms();
    let events = vec![event::task_deleted(&new_id(), &task, origin, now)];
    let Some(series_id) = task.series_id.as_deref().filter(|_| !task.completed) else {
        store::tasks::delete(db, &task, &events).map_err(|e| lost_race(e, expected))?;
        return Ok(Changed { task, events });
    };
    db.transaction(|db| {
        store::tasks::delete(db, &task, &events).map_err(|e| lost_race(e, expected))?;
        store::series::stop_if_active(db, series_id, now)
    })?;
    Ok(Changed { task, events })
}

/// Lists: create, rename, colour, archive, and delete with their tasks.
/// Each change writes the list, its event and the owner's change-feed entry
/// in one transaction.
pub mod lists {
    use super::new_id;
    use domain::event::{self, Origin, OutboxEvent, LIST_CREATED, LIST_DELETED, LIST_UPDATED};
    use domain::limits::MAX_LISTS;
    use domain::list::{self, ListPatch, NewList, TaskList};
    use domain::time::now_ms;
    use domain::Error;
    use store::Db;

    pub struct Changed {
        pub list: TaskList,
        pub events: Vec<OutboxEvent>,
    }

    pub fn all(db: &Db, user_id: &str) -> Result<Vec<TaskList>, Error> {
        store::lists::all(db, user_id)
    }

    pub fn get(db: &Db, user_id: &str, id: &str) -> Result<TaskList, Error> {
        store::lists::get(db, user_id, id)?.ok_or_else(|| Error::not_found("list"))
    }

    /// A task's `listId` must name one of the user's lists.
    pub fn check_exists(db: &Db, user_id: &str, id: &str) -> Result<(), Error> {
        match store::lists::get(db, user_id, id)? {
            Some(_) => Ok(()),
            None => Err(list::unknown_list()),
        }
    }

    /// The user's list with this name, in any letter case.
    pub fn find_by_name(db: &Db, user_id: &str, name: &str) -> Result<Option<TaskList>, Error> {
        store::lists::find_by_name(db, user_id, name)
    }

    pub fn create(
        db: &Db,
        user_id: &str,
        input: NewList,
        origin: &Origin,
    ) -> Result<Changed, Error> {
        db.transaction(|db| {
            let existing = store::lists::all(db, user_id)?;
            if existing.len() >= MAX_LISTS {
                return Err(list::too_many());
            }
            let key = list::name_key(&input.name);
            if existing.iter().any(|l| list::name_key(&l.name) == key) {
                return Err(list::name_taken(&input.name));
            }
            let now = now_ms();
            let created = TaskList {
                id: new_id(),
                user_id: user_id.to_string(),
                name: input.name,
                color: input.color,
                archived: false,
                created_at: now,
                updated_at: now,
            };
            let events = vec![event::list_event(
                &new_id(),
                LIST_CREATED,
                &created,
                origin,
                now,
            )];
            store::lists::insert(db, &created, &events)?;
            Ok(Changed {
                list: created,
                events,
            })
        })
    }

    pub fn update(
        db: &Db,
        user_id: &str,
        id: &str,
        patch: &ListPatch,
        origin: &Origin,
    ) -> Result<Changed, Error> {
        db.transaction(|db| {
            let mut after = get(db, user_id, id)?;
            if !list::apply_list_patch(&mut after, patch) {
                return Ok(Changed {
                    list: after,
                    events: vec![],
                });
            }
            if let Some(other) = store::lists::find_by_name(db, user_id, &after.name)? {
                if other.id != after.id {
                    return Err(list::name_taken(&after.name));
                }
            }
            let now = now_ms();
            after.updated_at = now;
            let events = vec![event::list_event(
                &new_id(),
                LIST_UPDATED,
                &after,
                origin,
                now,
            )];
            store::lists::update(db, &after, &events)?;
            Ok(Changed {
                list: after,
                events,
            })
        })
    }

    /// Deletes the list and every task in it, each task with its own
    /// `tasks.deleted` (so reminders, suggestions and open clients follow),
    /// all in one transaction. Answers the list with every event.
    pub fn delete(db: &Db, user_id: &str, id: &str, origin: &Origin) -> Result<Changed, Error> {
        db.transaction(|db| {
            let gone = get(db, user_id, id)?;
            let now = now_ms();
            let mut events = vec![];
            for task in store::tasks::in_list(db, user_id, id)? {
                let e = event::task_deleted(&new_id(), &task, origin, now);
                store::tasks::delete(db, &task, std::slice::from_ref(&e))?;
                events.push(e);
            }
            let e = event::list_event(&new_id(), LIST_DELETED, &gone, origin, now);
            store::lists::delete(db, &gone, std::slice::from_ref(&e))?;
            events.push(e);
            Ok(Changed { list: gone, events })
        })
    }
}

/// The calendar feed: a secret per-user URL serving the open tasks with a
/// due date as iCalendar events, for calendar apps to subscribe to.
pub mod calendar {
    use chrono::{TimeZone, Timelike};
    use domain::reminder::Reminder;
    use domain::task::{Priority, Task};
    use domain::time::now_ms;
    use domain::Error;
    use ical::{Alarm, Event, Start};
    use std::collections::HashMap;
    use store::calendar::Feed;
    use store::series::Series;
    use store::Db;

    /// Most events one feed carries (the soonest due).
    pub const MAX_EVENTS: i64 = 2000;

    pub fn get(db: &Db, user_id: &str) -> Result<Option<Feed>, Error> {
        store::calendar::for_user(db, user_id)
    }

    /// Makes the user's feed, or gives it a new secret: the old URL stops
    /// working at once.
    pub fn regenerate(db: &Db, user_id: &str) -> Result<Feed, Error> {
        let feed = Feed {
            user_id: user_id.to_string(),
            token: format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            ),
            created_at: now_ms(),
        };
        store::calendar::replace(db, &feed)?;
        Ok(feed)
    }

    pub fn revoke(db: &Db, user_id: &str) -> Result<(), Error> {
        store::calendar::delete(db, user_id)
    }

    /// The feed's text and when what it shows last changed.
    pub struct Rendered {
        pub body: String,
        pub last_modified: i64,
    }

    /// The feed for a secret; `None` when no feed has it.
    pub fn render(db: &Db, token: &str) -> Result<Option<Rendered>, Error> {
        let Some(feed) = store::calendar::by_token(db, token)? else {
            return Ok(None);
        };
        let user = &feed.user_id;
        let tz = store::users::get_user(db, user)?
            .map(|(_, s)| s.timezone.tz())
            .unwrap_or(recurrence::Tz::UTC);
        let tasks = store::tasks::open_with_due(db, user, MAX_EVENTS)?;
        let series: HashMap<String, Series> = store::series::list(db, user)?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let mut reminders: HashMap<String, Vec<Reminder>> = HashMap::new();
        for r in store::reminders::scheduled_for_user(db, user)? {
            reminders.entry(r.task_id.clone()).or_default().push(r);
        }
        let mut last_modified = feed.created_at;
        last_modified = last_modified.max(store::calendar::last_change(db, user)?.unwrap_or(0));
        let mut events = Vec::with_capacity(tasks.len());
        for t in &tasks {
            let rs = reminders.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
            let s = t.series_id.as_ref().and_then(|id| series.get(id));
            last_modified = last_modified
                .max(t.updated_at)
                .max(s.map_or(0, |s| s.updated_at))
                .max(rs.iter().map(|r| r.updated_at).max().unwrap_or(0));
            events.push(event_of(t, s, rs, tz)?);
        }
        let body = ical::render(&ical::Calendar {
            product: "-//Task Manager//Tasks//EN",
            name: "Tasks",
            events: &events,
        });
        Ok(Some(Rendered {
            body,
            last_modified,
        }))
    }

    /// One open task as an event: a whole day when its due time is the end
    /// of a day (a date without a time); the open instance of a series that
    /// follows the calendar as the series itself (`RRULE`, `EXDATE`, in the
    /// series' zone), so calendars show every future occurrence; reminders
    /// as alarms.
    fn event_of(
        t: &Task,
        series: Option<&Series>,
        reminders: &[Reminder],
        tz: recurrence::Tz,
    ) -> Result<Event, Error> {
        let due = t.due_at.unwrap_or_default();
        let local = tz
            .timestamp_millis_opt(due)
            .single()
            .map(|l| l.naive_local());
        let whole_day = local.filter(|l| l.hour() == 23 && l.minute() == 59 && l.second() == 59);
        let mut uid = format!("task-{}@task-manager", t.id);
        let mut start = match whole_day {
            Some(l) => Start::Day(l.date()),
            None => Start::Instant(due),
        };
        let (mut rrule, mut exdates) = (None, vec![]);
        if let Some(s) = series.filter(|s| s.status == "active") {
            let rec = super::recurring::rule_of(s)?;
            // A COUNT counts from the series' start, not from this instance,
            // and completion-based series have no calendar: one event then.
            if rec.mode() == recurrence::Mode::Schedule && rec.rule().count().is_none() {
                let at = rec.to_local(due);
                exdates = rec.exdates().iter().copied().filter(|e| *e > at).collect();
                rrule = Some(rec.rule().to_string());
                uid = format!("series-{}@task-manager", s.id);
                if whole_day.is_none() {
                    start = Start::Local {
                        tzid: rec.timezone().name().to_string(),
                        at,
                    };
                }
            }
        }
        let alarms = reminders
            .iter()
            .filter_map(|r| match (r.before_minutes, &start) {
                // Relative to a timed start; an all-day start is midnight,
                // so there the alarm keeps its own time.
                (Some(m), Start::Instant(_) | Start::Local { .. }) => Some(Alarm::MinutesBefore(m)),
                _ => r.fire_at.map(Alarm::At),
            })
            .collect();
        Ok(Event {
            uid,
            summary: t.title.clone(),
            description: t.description.clone(),
            start,
            minutes: 30,
            rrule,
            exdates,
            categories: t.tags.clone(),
            priority: match t.priority {
                Priority::Urgent => 1,
                Priority::High => 3,
                Priority::Medium => 5,
                Priority::Low => 9,
            },
            alarms,
            changed_ms: t.updated_at,
        })
    }
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
            let pending: Vec<Reminder> = store::reminders::for_task(db, user_id, task_id)?
                .into_iter()
                .filter(|r| r.status.is_pending())
                .collect();
            // The same reminder twice is one (say, "15 minutes before" on a
            // task that got it as the user's default): the answer is the one
            // already there, and nothing changes.
            let same = pending.iter().find(|r| match spec {
                Spec::Before { minutes } => r.before_minutes == Some(minutes),
                Spec::At { at } => r.before_minutes.is_none() && r.at == Some(at),
            });
            if let Some(same) = same {
                return Ok(Changed {
                    reminder: same.clone(),
                    events: vec![],
                });
            }
            let active = pending.len();
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

    /// The user's default reminder for a task that has just got a due time
    /// (`minutes` before it), unless the task has reminders already (the
    /// user's own, or the default one from a delivery of the same event
    /// before) or the reminder would fire in the past. Answers the change,
    /// or `None` when nothing was added.
    pub fn add_default(
        db: &Db,
        task: &domain::task::Task,
        minutes: i64,
        origin: &Origin,
    ) -> Result<Option<Changed>, Error> {
        if task.completed
            || task.due_at.is_none()
            || !store::reminders::for_task(db, &task.user_id, &task.id)?.is_empty()
        {
            return Ok(None);
        }
        match add(
            db,
            &task.user_id,
            &task.id,
            Spec::Before { minutes },
            origin,
        ) {
            Ok(changed) => Ok(Some(changed)),
            // Too late for it (due within the minutes), or the task is gone.
            Err(e) if !e.is_internal() => Ok(None),
            Err(e) => Err(e),
        }
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

/// The agents' suggestions as the user acts on them: dismiss, or accept
/// (which applies the suggested change). The REST API and the assistant's
/// tools both come here.
pub mod suggestions {
    use domain::event::{Origin, OutboxEvent};
    use domain::suggestion::{Status, Suggestion};
    use domain::task::{Task, TaskPatch};
    use domain::time::{now_ms, parse_instant};
    use domain::{Error, ErrorKind};
    use store::Db;

    /// How many a listing shows at most.
    pub const LIST_LIMIT: i64 = 200;

    pub fn list(db: &Db, user_id: &str, status: Option<Status>) -> Result<Vec<Suggestion>, Error> {
        store::suggestions::list(db, user_id, status, LIST_LIMIT)
    }

    fn not_open() -> Error {
        Error::new(
            ErrorKind::Conflict,
            "suggestion_closed",
            "the suggestion is no longer open",
        )
    }

    /// Closes an open suggestion as dismissed: unknown or someone else's is
    /// a 404, one no longer open a 409.
    pub fn dismiss(db: &Db, user_id: &str, id: &str) -> Result<Suggestion, Error> {
        match store::suggestions::close(db, user_id, id, Status::Dismissed, now_ms())? {
            Some(s) => Ok(s),
            None => match store::suggestions::get(db, user_id, id)? {
                Some(_) => Err(not_open()),
                None => Err(Error::not_found("suggestion")),
            },
        }
    }

    pub struct Accepted {
        pub suggestion: Suggestion,
        /// The task the suggested change was applied to, if it had one.
        pub task: Option<Task>,
        pub events: Vec<OutboxEvent>,
    }

    /// Applies the suggested change and closes the suggestion in one
    /// transaction: both happen, or neither (a suggestion closed meanwhile
    /// leaves the task as it was).
    pub fn accept(db: &Db, user_id: &str, id: &str, origin: &Origin) -> Result<Accepted, Error> {
        db.transaction(|db| {
            let suggestion = store::suggestions::get(db, user_id, id)?
                .ok_or_else(|| Error::not_found("suggestion"))?;
            if suggestion.status != Status::Open {
                return Err(not_open());
            }
            let action = suggestion.action.clone().unwrap_or_default();
            let (task, events) = match action["type"].as_str() {
                Some("reschedule") => {
                    let task_id = action["taskId"]
                        .as_str()
                        .ok_or_else(|| Error::internal("action without taskId"))?;
                    let due = parse_instant("dueAt", action["dueAt"].as_str().unwrap_or_default())?;
                    let patch = TaskPatch {
                        due_at: Some(Some(due)),
                        ..Default::default()
                    };
                    let changed = super::update(
                        db,
                        user_id,
                        task_id,
                        &patch,
                        super::Expected::default(),
                        origin,
                    )?;
                    (Some(changed.task), changed.events)
                }
                _ => (None, vec![]),
            };
            let suggestion =
                store::suggestions::close(db, user_id, id, Status::Accepted, now_ms())?
                    .ok_or_else(not_open)?;
            Ok(Accepted {
                suggestion,
                task,
                events,
            })
        })
    }
}

/// Recurring series: the first instance, the next instance when one is
/// completed, and the edits of the rule.
pub mod recurring {
    use super::new_id;
    use chrono::{NaiveTime, TimeZone};
    use domain::event::{self, Origin, OutboxEvent};
    use domain::task::Task;
    use domain::{Error, ErrorKind};
    use recurrence::{Mode, Recurrence, Rule};
    use serde_json::{json, Value};
    use store::series::Series;
    use store::Db;

    fn invalid(e: impl std::fmt::Display) -> Error {
        Error::invalid("recurrence", e.to_string())
    }

    /// The rule of a series as the engine reads it.
    pub fn rule_of(series: &Series) -> Result<Recurrence, Error> {
        serde_json::from_value(series.recurrence.clone())
            .map_err(|e| Error::internal(format!("stored rule: {e}")))
    }

    /// What tasks and the API show: the rule plus a description.
    pub fn display(series: &Series) -> Result<Value, Error> {
        let rec = rule_of(series)?;
        let mut v = series.recurrence.clone();
        v["description"] = json!(rec.describe());
        v["seriesId"] = json!(series.id);
        Ok(v)
    }

    /// Builds a series from the client's `{"rrule", "mode"?, "timezone"?,
    /// "dtstart"?}`; the timezone defaults to the user's, the start to the
    /// due time (or 09:00 today). Answers the series and its first due time.
    pub fn start(
        db: &Db,
        user_id: &str,
        raw: &Value,
        due_at: Option<i64>,
        now: i64,
    ) -> Result<(Series, i64), Error> {
        let obj = raw
            .as_object()
            .ok_or_else(|| invalid("recurrence must be an object"))?;
        if let Some(k) = obj
            .keys()
            .find(|k| !["rrule", "mode", "timezone", "dtstart"].contains(&k.as_str()))
        {
            return Err(invalid(format!("unknown recurrence field `{k}`")));
        }
        let rrule = obj
            .get("rrule")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("recurrence.rrule is required, e.g. FREQ=WEEKLY;BYDAY=MO"))?;
        let rule: Rule = rrule.parse().map_err(invalid)?;
        let mode: Mode = match obj.get("mode") {
            None | Some(Value::Null) => Mode::Schedule,
            Some(m) => serde_json::from_value(m.clone())
                .map_err(|_| invalid("recurrence.mode must be schedule or completion"))?,
        };
        let tz = match obj.get("timezone").and_then(Value::as_str) {
            Some(tz) => recurrence::parse_timezone(tz).map_err(invalid)?,
            None => store::users::get_user(db, user_id)?
                .map(|(_, s)| s.timezone.tz())
                .unwrap_or(recurrence::Tz::UTC),
        };
        let dtstart = match (obj.get("dtstart").and_then(Value::as_str), due_at) {
            (Some(text), _) => recurrence::parse_local_datetime(text).map_err(invalid)?,
            (None, Some(due)) => tz
                .timestamp_millis_opt(due)
                .single()
                .ok_or_else(|| invalid("due time out of range"))?
                .naive_local(),
            (None, None) => {
                let today = tz
                    .timestamp_millis_opt(now)
                    .single()
                    .ok_or_else(|| invalid("clock out of range"))?
                    .date_naive();
                today.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 exists"))
            }
        };
        let rec = Recurrence::with_tz(rule, mode, tz, dtstart).map_err(invalid)?;
        let rec = rec
            .aligned()
            .map_err(invalid)?
            .ok_or_else(|| invalid("the rule produces no dates"))?;
        let first_due = match due_at {
            Some(due) => due,
            None if rec.dtstart_ms() > now => rec.dtstart_ms(),
            None => rec
                .next_after(now)
                .map_err(invalid)?
                .ok_or_else(|| invalid("the rule has no dates left"))?,
        };
        let series = Series {
            id: new_id(),
            user_id: user_id.to_string(),
            recurrence: serde_json::to_value(&rec).map_err(|e| Error::internal(e.to_string()))?,
            status: "active".into(),
            rule_start_index: 0,
            created_at: now,
            updated_at: now,
        };
        Ok((series, first_due))
    }

    /// A task's PATCH `recurrence`: a rule makes a one-off task the first
    /// instance of a new series, or edits the series of a repeating one
    /// (from its open instance on, resuming it if it was stopped); `None`
    /// stops the series and detaches the task, which stays as it is.
    /// Answers the task fields that changed.
    pub fn apply_to_task(
        db: &Db,
        task: &mut Task,
        rule: Option<&Value>,
        now: i64,
    ) -> Result<Vec<&'static str>, Error> {
        let mut changed = vec![];
        match (rule, task.series_id.clone()) {
            (None, None) => {}
            (None, Some(series_id)) => {
                store::series::set_status(db, &series_id, "stopped", now)?;
                task.series_id = None;
                task.series_index = None;
                task.recurrence = None;
                changed.push("recurrence");
            }
            (Some(raw), None) => {
                let (series, first_due) = start(db, &task.user_id, raw, task.due_at, now)?;
                store::series::insert(db, &series)?;
                if task.due_at != Some(first_due) {
                    task.due_at = Some(first_due);
                    changed.push("dueAt");
                }
                task.series_id = Some(series.id.clone());
                task.series_index = Some(0);
                task.recurrence = Some(display(&series)?);
                changed.push("recurrence");
            }
            (Some(raw), Some(series_id)) => {
                let edited = edit(db, &task.user_id, &series_id, raw, now)?;
                if edited.status != "active" {
                    store::series::set_status(db, &series_id, "active", now)?;
                }
                let shown = Some(display(&edited)?);
                if task.recurrence != shown {
                    task.recurrence = shown;
                    changed.push("recurrence");
                }
            }
        }
        Ok(changed)
    }

    /// The next instance after `done` was completed, if the series goes
    /// on. Created exactly once: (series, index) is unique.
    pub fn next_instance(
        db: &Db,
        done: &Task,
        origin: &Origin,
        now: i64,
    ) -> Result<(Option<Task>, Vec<OutboxEvent>), Error> {
        let (Some(series_id), Some(index)) = (&done.series_id, done.series_index) else {
            return Ok((None, vec![]));
        };
        let Some(series) = store::series::get(db, &done.user_id, series_id)? else {
            return Ok((None, vec![]));
        };
        if series.status != "active" {
            return Ok((None, vec![]));
        }
        if store::tasks::series_instance_exists(db, &series.id, index + 1)? {
            return Ok((None, vec![]));
        }
        let rec = rule_of(&series)?;
        let completed_at = done.completed_at.unwrap_or(now);
        let rule_index = u32::try_from(index - series.rule_start_index).unwrap_or(0);
        let Some(due) = rec
            .next_due(done.due_at, completed_at, rule_index)
            .map_err(|e| Error::internal(e.to_string()))?
        else {
            store::series::set_status(db, &series.id, "ended", now)?;
            return Ok((None, vec![]));
        };
        let next = Task {
            description: done.description.clone(),
            priority: done.priority,
            due_at: Some(due),
            tags: done.tags.clone(),
            recurrence: Some(display(&series)?),
            series_id: Some(series.id.clone()),
            series_index: Some(index + 1),
            list_id: done.list_id.clone(),
            ..Task::new(new_id(), done.user_id.clone(), done.title.clone(), now)
        };
        let events = vec![event::task_created(&new_id(), &next, origin, now)];
        // The unique (series, index) still guards a race: the insert fails
        // and the event is retried, then finds the instance above.
        store::tasks::insert(db, &next, &events)?;
        // Relative reminders carry over; the scheduler picks them up from
        // the new instance's tasks.created.
        for r in store::reminders::for_task(db, &done.user_id, &done.id)? {
            if let Some(before) = r.before_minutes {
                let copy = domain::reminder::Reminder {
                    id: new_id(),
                    task_id: next.id.clone(),
                    fire_at: Some(due - before * 60_000),
                    status: domain::reminder::Status::Scheduled,
                    scheduled_for: None,
                    at: None,
                    created_at: now,
                    updated_at: now,
                    ..r
                };
                if copy.fire_at.is_some_and(|f| f > now) {
                    store::reminders::insert(db, &copy)?;
                }
            }
        }
        Ok((Some(next), events))
    }

    /// Skips one occurrence of a series ("only this one"): the open instance's
    /// occurrence is excluded from the rule (an `EXDATE`), the next instance
    /// is created as if this one were done, and this one is deleted. Answers
    /// the next instance (none when the rule has no dates left) and the
    /// events: `tasks.deleted` for this one, `tasks.created` for the next.
    pub fn skip(
        db: &Db,
        user_id: &str,
        task_id: &str,
        origin: &Origin,
        now: i64,
    ) -> Result<(Option<Task>, Vec<OutboxEvent>), Error> {
        let task = super::get(db, user_id, task_id)?;
        let Some(series_id) = task.series_id.clone() else {
            return Err(Error::new(
                ErrorKind::Conflict,
                "not_repeating",
                "the task does not repeat: there is no occurrence to skip",
            ));
        };
        if task.completed {
            return Err(Error::new(
                ErrorKind::Conflict,
                "already_completed",
                "this occurrence is done already; the next one exists",
            ));
        }
        let series = store::series::get(db, user_id, &series_id)?
            .ok_or_else(|| Error::not_found("series"))?;
        if series.status != "active" {
            return Err(Error::new(
                ErrorKind::Conflict,
                "series_stopped",
                "the series is stopped; resume it first",
            ));
        }
        if let Some(due) = task.due_at {
            let mut rec = rule_of(&series)?;
            // The occurrence this instance stands for: its due time, or the
            // one within a minute of it (the stored rule keeps whole seconds,
            // a due time sent through the API may carry milliseconds). A due
            // time moved by hand is no occurrence of the rule: there is
            // nothing to exclude, and the next one follows the rule anyway.
            let occurrence = rec
                .occurrences_after(due - 60_000, 1)
                .ok()
                .and_then(|o| o.first().copied())
                .filter(|o| (o - due).abs() < 60_000);
            if occurrence.is_some_and(|o| rec.skip(o).is_ok()) {
                let json =
                    serde_json::to_value(&rec).map_err(|e| Error::internal(e.to_string()))?;
                store::series::set_rule(db, &series.id, &json, series.rule_start_index, now)?;
            }
        }
        let as_done = Task {
            completed: true,
            completed_at: Some(now),
            ..task.clone()
        };
        let (next, created) = next_instance(db, &as_done, origin, now)?;
        let mut events = vec![event::task_deleted(&new_id(), &task, origin, now)];
        store::tasks::delete(db, &task, &events)?;
        events.extend(created);
        Ok((next, events))
    }

    /// Stop, resume (creating the next instance if none is open) or edit.
    pub fn set_status(
        db: &Db,
        user_id: &str,
        id: &str,
        active: bool,
        origin: &Origin,
        now: i64,
    ) -> Result<(Series, Vec<OutboxEvent>), Error> {
        store::series::get(db, user_id, id)?.ok_or_else(|| Error::not_found("series"))?;
        let status = if active { "active" } else { "stopped" };
        store::series::set_status(db, id, status, now)?;
        let mut events = vec![];
        if active {
            let instances = store::series::instances(db, user_id, id)?;
            let open = instances.iter().any(|i| i.completed_at.is_none());
            if let (false, Some(latest)) = (open, instances.first()) {
                if let Some(last) = store::tasks::get(db, user_id, &latest.task_id)? {
                    events = next_instance(db, &last, origin, now)?.1;
                }
            }
        }
        let series =
            store::series::get(db, user_id, id)?.ok_or_else(|| Error::not_found("series"))?;
        Ok((series, events))
    }

    /// A new rule applies to the instances after the open one: it starts at
    /// the open instance's due time, and COUNT counts from there.
    pub fn edit(
        db: &Db,
        user_id: &str,
        id: &str,
        patch: &Value,
        now: i64,
    ) -> Result<Series, Error> {
        let series =
            store::series::get(db, user_id, id)?.ok_or_else(|| Error::not_found("series"))?;
        let current = rule_of(&series)?;
        let obj = patch
            .as_object()
            .ok_or_else(|| invalid("the body must be a JSON object"))?;
        if let Some(k) = obj
            .keys()
            .find(|k| !["rrule", "mode"].contains(&k.as_str()))
        {
            return Err(Error::bad_request(
                "unknown_field",
                format!("unknown field `{k}`; expected rrule, mode"),
            ));
        }
        let rule: Rule = match obj.get("rrule").and_then(Value::as_str) {
            Some(r) => r.parse().map_err(invalid)?,
            None => current.rule().clone(),
        };
        let mode: Mode = match obj.get("mode") {
            Some(m) => serde_json::from_value(m.clone())
                .map_err(|_| invalid("mode must be schedule or completion"))?,
            None => current.mode(),
        };
        let instances = store::series::instances(db, user_id, id)?;
        let (start_index, start) = match instances.first() {
            Some(latest) => match latest.due_at {
                Some(due) => (latest.index, current.to_local(due)),
                None => (latest.index, current.dtstart()),
            },
            None => (0, current.dtstart()),
        };
        let edited = current.edited(rule, mode, start).map_err(invalid)?;
        let json = serde_json::to_value(&edited).map_err(|e| Error::internal(e.to_string()))?;
        store::series::set_rule(db, id, &json, start_index, now)?;
        store::series::get(db, user_id, id)?.ok_or_else(|| Error::not_found("series"))
    }
}
