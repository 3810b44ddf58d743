//! Task events (design section 3): what each change publishes. An event is
//! built here as a complete CloudEvents 1.0 envelope and stored in the outbox
//! in the same transaction as the change, so the relay can publish it later
//! byte for byte.

use crate::task::{field_value, Task};
use crate::time;
use serde_json::{json, Map, Value};

pub const TOPIC_TASKS: &str = "tasks-lifecycle";

pub const TASK_CREATED: &str = "tasks.created";
pub const TASK_UPDATED: &str = "tasks.updated";
pub const TASK_DELETED: &str = "tasks.deleted";
pub const TASK_COMPLETED: &str = "tasks.completed";
pub const TASK_INCOMPLETE: &str = "tasks.incomplete";
pub const TASK_OVERDUE: &str = "tasks.overdue";

/// Who caused an event and how to trace it.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The publishing component, CloudEvents `source`.
    pub source: String,
    pub correlation_id: String,
    pub traceparent: String,
}

/// One outbox row: the envelope plus the columns the relay needs.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: String,
    pub topic: &'static str,
    pub event_type: &'static str,
    pub user_id: String,
    pub task_id: String,
    pub created_at: i64,
    /// The CloudEvents JSON envelope.
    pub envelope: Value,
}

fn envelope(
    id: &str,
    event_type: &'static str,
    task: &Task,
    origin: &Origin,
    now: i64,
    extra: Map<String, Value>,
) -> OutboxEvent {
    let mut data = Map::new();
    data.insert("taskId".into(), json!(task.id));
    data.insert("userId".into(), json!(task.user_id));
    data.insert("correlationId".into(), json!(origin.correlation_id));
    data.extend(extra);
    data.insert(
        "task".into(),
        serde_json::to_value(task).unwrap_or(Value::Null),
    );
    outbox_event(
        id,
        TOPIC_TASKS,
        event_type,
        &task.user_id,
        &task.id,
        origin,
        now,
        Value::Object(data),
    )
}

/// The CloudEvents 1.0 envelope of every event the app publishes; the
/// subject is the task the event is about.
#[allow(clippy::too_many_arguments)]
fn outbox_event(
    id: &str,
    topic: &'static str,
    event_type: &'static str,
    user_id: &str,
    task_id: &str,
    origin: &Origin,
    now: i64,
    data: Value,
) -> OutboxEvent {
    OutboxEvent {
        id: id.to_string(),
        topic,
        event_type,
        user_id: user_id.to_string(),
        task_id: task_id.to_string(),
        created_at: now,
        envelope: json!({
            "specversion": "1.0",
            "id": id,
            "type": event_type,
            "source": origin.source,
            "subject": task_id,
            "time": time::format_ms(now),
            "datacontenttype": "application/json",
            "traceparent": origin.traceparent,
            "data": data,
        }),
    }
}

pub fn task_created(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    envelope(id, TASK_CREATED, task, origin, now, Map::new())
}

pub fn task_deleted(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    envelope(id, TASK_DELETED, task, origin, now, Map::new())
}

pub fn task_completion(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    let kind = if task.completed {
        TASK_COMPLETED
    } else {
        TASK_INCOMPLETE
    };
    envelope(id, kind, task, origin, now, Map::new())
}

/// Published by the overdue agent when a task's due time has passed.
pub fn task_overdue(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    envelope(id, TASK_OVERDUE, task, origin, now, Map::new())
}

/// `tasks.updated` carries each changed field's old and new value.
pub fn task_updated(
    id: &str,
    before: &Task,
    after: &Task,
    changed: &[&str],
    origin: &Origin,
    now: i64,
) -> OutboxEvent {
    let mut changes = Map::new();
    for field in changed {
        changes.insert(
            (*field).to_string(),
            json!({ "old": field_value(before, field), "new": field_value(after, field) }),
        );
    }
    let mut extra = Map::new();
    extra.insert("changes".into(), Value::Object(changes));
    envelope(id, TASK_UPDATED, after, origin, now, extra)
}

pub const TOPIC_REMINDERS: &str = "reminders";
/// On tasks-lifecycle: a task's reminders were added, removed or snoozed,
/// so the reminder scheduler reconciles its jobs in order with the task.
pub const REMINDERS_CHANGED: &str = "reminders.changed";
pub const REMINDER_DUE: &str = "reminders.due";
pub const REMINDER_CANCELED: &str = "reminders.canceled";
pub const REMINDER_DELIVERED: &str = "reminders.delivered";

/// A reminder event. `reminders.changed` goes to tasks-lifecycle (ordered
/// with the task's own events), the others to the reminders topic.
pub fn reminder_event(
    id: &str,
    event_type: &'static str,
    reminder: &crate::reminder::Reminder,
    task_title: &str,
    origin: &Origin,
    now: i64,
) -> OutboxEvent {
    let topic = if event_type == REMINDERS_CHANGED {
        TOPIC_TASKS
    } else {
        TOPIC_REMINDERS
    };
    let data = json!({
        "reminderId": reminder.id,
        "taskId": reminder.task_id,
        "userId": reminder.user_id,
        "correlationId": origin.correlation_id,
        "title": task_title,
        "fireAt": reminder.fire_at.map(time::format_ms),
        "status": reminder.status.as_str(),
    });
    outbox_event(
        id,
        topic,
        event_type,
        &reminder.user_id,
        &reminder.task_id,
        origin,
        now,
        data,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Priority;

    fn task() -> Task {
        Task {
            priority: Priority::Low,
            ..Task::new("t1".into(), "u1".into(), "A".into(), 0)
        }
    }

    fn origin() -> Origin {
        Origin {
            source: "task".into(),
            correlation_id: "c-1".into(),
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
        }
    }

    #[test]
    fn updated_event_has_old_and_new_values() {
        let before = task();
        let mut after = task();
        after.priority = Priority::High;
        let e = task_updated("e1", &before, &after, &["priority"], &origin(), 1000);
        let env = &e.envelope;
        assert_eq!(env["type"], "tasks.updated");
        assert_eq!(env["subject"], "t1");
        assert_eq!(env["data"]["userId"], "u1");
        assert_eq!(env["data"]["correlationId"], "c-1");
        assert_eq!(env["data"]["changes"]["priority"]["old"], "low");
        assert_eq!(env["data"]["changes"]["priority"]["new"], "high");
        assert_eq!(env["time"], "1970-01-01T00:00:01.000Z");
    }

    #[test]
    fn completion_event_type_follows_state() {
        let mut t = task();
        assert_eq!(
            task_completion("e", &t, &origin(), 0).event_type,
            TASK_INCOMPLETE
        );
        t.completed = true;
        assert_eq!(
            task_completion("e", &t, &origin(), 0).event_type,
            TASK_COMPLETED
        );
    }
}
