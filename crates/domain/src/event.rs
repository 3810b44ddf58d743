//! Task events (design section 3): what each change publishes. An event is
//! built here as a complete CloudEvents 1.0 envelope and stored in the outbox
//! in the same transaction as the change, so the relay can publish it later
//! byte for byte.

use crate::list::TaskList;
use crate::reminder::{Reminder, Status};
use crate::task::{field_value, Task};
use crate::time::{self, serde_ms};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const TOPIC_TASKS: &str = "tasks-lifecycle";

pub const TASK_CREATED: &str = "tasks.created";
pub const TASK_UPDATED: &str = "tasks.updated";
pub const TASK_DELETED: &str = "tasks.deleted";
pub const TASK_COMPLETED: &str = "tasks.completed";
pub const TASK_INCOMPLETE: &str = "tasks.incomplete";
pub const TASK_OVERDUE: &str = "tasks.overdue";

/// Every event type whose data is [`TaskEventData`].
pub const TASK_EVENT_TYPES: [&str; 6] = [
    TASK_CREATED,
    TASK_UPDATED,
    TASK_DELETED,
    TASK_COMPLETED,
    TASK_INCOMPLETE,
    TASK_OVERDUE,
];

/// The version of every event data schema; the envelope names it in
/// `dataschema`. A change that breaks a consumer raises it.
pub const SCHEMA_VERSION: u32 = 1;

/// The `dataschema` of an event type: which checked-in JSON Schema
/// (`crates/domain/schemas/events/<type>.v<version>.schema.json`) its
/// data follows.
pub fn dataschema(event_type: &str) -> String {
    format!("urn:task-manager:events:{event_type}:v{SCHEMA_VERSION}")
}

/// The CloudEvents 1.0 envelope of every event the app publishes; `D` is
/// the data of its type. Dapr delivers it with attributes of its own
/// (`topic`, `pubsubname`, ...), which reading ignores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CloudEvent<D> {
    pub specversion: String,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The publishing component.
    pub source: String,
    /// The task (or list) the event is about.
    pub subject: String,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    pub datacontenttype: String,
    pub dataschema: String,
    /// W3C trace context of the request that caused the event.
    #[serde(default)]
    pub traceparent: String,
    pub data: D,
}

/// Who caused an event and how to trace it.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The publishing component, CloudEvents `source`.
    pub source: String,
    pub correlation_id: String,
    pub traceparent: String,
}

/// The ids every event's data carries, whatever its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventIds {
    pub task_id: String,
    pub user_id: String,
    /// Follows one change through every event it causes. Producers always
    /// set it; readers do not need it to act (an event repaired by hand
    /// and replayed from the dead letters may lack it).
    #[serde(default)]
    pub correlation_id: String,
}

/// The data of every `tasks.*` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TaskEventData {
    #[serde(flatten)]
    pub ids: EventIds,
    /// `tasks.updated` only: each changed field (by its JSON name) with its
    /// value before and after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<BTreeMap<String, FieldChange>>,
    /// The task after the change (before it, for `tasks.deleted`).
    pub task: Task,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldChange {
    pub old: Value,
    pub new: Value,
}

/// The data of every `reminders.*` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReminderEventData {
    pub reminder_id: String,
    #[serde(flatten)]
    pub ids: EventIds,
    /// The task's title when the event was made.
    pub title: String,
    #[serde(with = "serde_ms::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub fire_at: Option<i64>,
    pub status: Status,
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

fn task_event(
    id: &str,
    event_type: &'static str,
    task: &Task,
    origin: &Origin,
    now: i64,
    changes: Option<BTreeMap<String, FieldChange>>,
) -> OutboxEvent {
    let data = TaskEventData {
        ids: EventIds {
            task_id: task.id.clone(),
            user_id: task.user_id.clone(),
            correlation_id: origin.correlation_id.clone(),
        },
        changes,
        task: task.clone(),
    };
    outbox_event(
        id,
        TOPIC_TASKS,
        event_type,
        &task.user_id,
        &task.id,
        origin,
        now,
        data,
    )
}

/// Wraps `data` in the envelope; the subject is the task the event is about.
#[allow(clippy::too_many_arguments)]
fn outbox_event<D: Serialize>(
    id: &str,
    topic: &'static str,
    event_type: &'static str,
    user_id: &str,
    task_id: &str,
    origin: &Origin,
    now: i64,
    data: D,
) -> OutboxEvent {
    let envelope = CloudEvent {
        specversion: "1.0".into(),
        id: id.to_string(),
        kind: event_type.to_string(),
        source: origin.source.clone(),
        subject: task_id.to_string(),
        time: time::format_ms(now),
        datacontenttype: "application/json".into(),
        dataschema: dataschema(event_type),
        traceparent: origin.traceparent.clone(),
        data,
    };
    OutboxEvent {
        id: id.to_string(),
        topic,
        event_type,
        user_id: user_id.to_string(),
        task_id: task_id.to_string(),
        created_at: now,
        // Plain data (strings, numbers, maps with string keys) always
        // serializes.
        envelope: serde_json::to_value(envelope).unwrap_or(Value::Null),
    }
}

pub fn task_created(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    task_event(id, TASK_CREATED, task, origin, now, None)
}

pub fn task_deleted(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    task_event(id, TASK_DELETED, task, origin, now, None)
}

pub fn task_completion(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    let kind = if task.completed {
        TASK_COMPLETED
    } else {
        TASK_INCOMPLETE
    };
    task_event(id, kind, task, origin, now, None)
}

/// Published by the overdue agent when a task's due time has passed.
pub fn task_overdue(id: &str, task: &Task, origin: &Origin, now: i64) -> OutboxEvent {
    task_event(id, TASK_OVERDUE, task, origin, now, None)
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
    let changes = changed
        .iter()
        .map(|field| {
            (
                (*field).to_string(),
                FieldChange {
                    old: field_value(before, field),
                    new: field_value(after, field),
                },
            )
        })
        .collect();
    task_event(id, TASK_UPDATED, after, origin, now, Some(changes))
}

pub const TOPIC_REMINDERS: &str = "reminders";
/// On tasks-lifecycle: a task's reminders were added, removed or snoozed,
/// so the reminder scheduler reconciles its jobs in order with the task.
pub const REMINDERS_CHANGED: &str = "reminders.changed";
pub const REMINDER_DUE: &str = "reminders.due";
pub const REMINDER_CANCELED: &str = "reminders.canceled";
pub const REMINDER_DELIVERED: &str = "reminders.delivered";

/// Every event type whose data is [`ReminderEventData`].
pub const REMINDER_EVENT_TYPES: [&str; 4] = [
    REMINDERS_CHANGED,
    REMINDER_DUE,
    REMINDER_CANCELED,
    REMINDER_DELIVERED,
];

/// A reminder event. `reminders.changed` goes to tasks-lifecycle (ordered
/// with the task's own events), the others to the reminders topic.
pub fn reminder_event(
    id: &str,
    event_type: &'static str,
    reminder: &Reminder,
    task_title: &str,
    origin: &Origin,
    now: i64,
) -> OutboxEvent {
    let topic = if event_type == REMINDERS_CHANGED {
        TOPIC_TASKS
    } else {
        TOPIC_REMINDERS
    };
    let data = ReminderEventData {
        reminder_id: reminder.id.clone(),
        ids: EventIds {
            task_id: reminder.task_id.clone(),
            user_id: reminder.user_id.clone(),
            correlation_id: origin.correlation_id.clone(),
        },
        title: task_title.to_string(),
        fire_at: reminder.fire_at,
        status: reminder.status,
    };
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

/// On the reminders topic: a user's quiet hours ended, so the notifier
/// sends the email and push it held for them, in one digest.
pub const REMINDERS_RELEASED: &str = "reminders.released";

/// The data of `reminders.released`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReleaseEventData {
    pub user_id: String,
    /// What was held until this instant goes out.
    #[serde(with = "serde_ms")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub release_at: i64,
    #[serde(default)]
    pub correlation_id: String,
}

/// `reminders.released`, about the user (its subject and partition key).
pub fn release_event(
    id: &str,
    user_id: &str,
    release_at: i64,
    origin: &Origin,
    now: i64,
) -> OutboxEvent {
    let data = ReleaseEventData {
        user_id: user_id.to_string(),
        release_at,
        correlation_id: origin.correlation_id.clone(),
    };
    outbox_event(
        id,
        TOPIC_REMINDERS,
        REMINDERS_RELEASED,
        user_id,
        user_id,
        origin,
        now,
        data,
    )
}

pub const TOPIC_LISTS: &str = "lists";
pub const LIST_CREATED: &str = "lists.created";
pub const LIST_UPDATED: &str = "lists.updated";
pub const LIST_DELETED: &str = "lists.deleted";

/// Every event type whose data is [`ListEventData`].
pub const LIST_EVENT_TYPES: [&str; 3] = [LIST_CREATED, LIST_UPDATED, LIST_DELETED];

/// The data of every `lists.*` event. Deleting a list deletes its tasks,
/// each with its own `tasks.deleted` before the list's event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListEventData {
    pub list_id: String,
    pub user_id: String,
    #[serde(default)]
    pub correlation_id: String,
    /// The list after the change (before it, for `lists.deleted`).
    pub list: TaskList,
}

/// A list event, on its own topic: no task consumer needs to read it, and
/// the subject (and outbox key) is the list.
pub fn list_event(
    id: &str,
    event_type: &'static str,
    list: &TaskList,
    origin: &Origin,
    now: i64,
) -> OutboxEvent {
    let data = ListEventData {
        list_id: list.id.clone(),
        user_id: list.user_id.clone(),
        correlation_id: origin.correlation_id.clone(),
        list: list.clone(),
    };
    outbox_event(
        id,
        TOPIC_LISTS,
        event_type,
        &list.user_id,
        &list.id,
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
