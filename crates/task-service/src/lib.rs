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
