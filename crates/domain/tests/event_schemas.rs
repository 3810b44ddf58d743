//! The contracts between components, as JSON Schemas: every event type (the
//! whole CloudEvents envelope with its data) and the reminder job's data.
//! They are generated from the types in `domain::event` and
//! `domain::reminder`, checked in under `crates/domain/schemas/` with one
//! example each, and this test fails when a type and its checked-in schema
//! or example disagree (a field renamed in Rust and not in the files).
//!
//! After a deliberate change: `UPDATE_SCHEMAS=1 cargo test -p domain --test
//! event_schemas`, review the diff, and raise `SCHEMA_VERSION` when a
//! consumer of the old shape would break.

use domain::event::{
    self, CloudEvent, ListEventData, Origin, ReleaseEventData, ReminderEventData, TaskEventData,
    SCHEMA_VERSION,
};
use domain::list::TaskList;
use domain::quiet::QuietHoursJobData;
use domain::reminder::{Reminder, ReminderJobData, Status};
use domain::task::{Priority, Task};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// Compares `actual` with the checked-in file, or rewrites the file when
/// `UPDATE_SCHEMAS` is set. Returns the mismatches as messages.
fn check(relative: &str, actual: &Value, problems: &mut Vec<String>) {
    let path = dir().join(relative);
    let text = serde_json::to_string_pretty(actual).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(found) if found == text => {}
        Ok(_) => problems.push(format!("{relative} differs from the type")),
        Err(_) => problems.push(format!("{relative} is missing")),
    }
}

/// The schema of `T` as the envelope of `event_type`: titled and
/// identified by the type, its `type` attribute fixed to it.
fn envelope_schema<T: schemars::JsonSchema>(event_type: &str) -> Value {
    let mut schema = schemars::schema_for!(T).to_value();
    schema["title"] = json!(event_type);
    schema["$id"] = json!(event::dataschema(event_type));
    schema["properties"]["type"] = json!({ "const": event_type });
    schema["properties"]["dataschema"] = json!({ "const": event::dataschema(event_type) });
    schema
}

/// The example must follow the schema (checked by a JSON Schema validator,
/// so the schema is one that other languages' consumers can use).
fn follows(schema: &Value, example: &Value) -> bool {
    let validator = jsonschema::draft202012::options()
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(example)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    true
}

/// The example must read back into the type unchanged: a field the type
/// does not know, or one it names differently, fails here.
fn round_trips<T: Serialize + DeserializeOwned>(example: &Value) -> bool {
    serde_json::from_value::<T>(example.clone())
        .ok()
        .and_then(|t| serde_json::to_value(t).ok())
        .as_ref()
        == Some(example)
}

const NOW: i64 = 1_795_680_000_000; // 2026-11-26T08:00:00Z

fn origin() -> Origin {
    Origin {
        source: "task".into(),
        correlation_id: "c0ffee00-0000-4000-8000-000000000001".into(),
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into(),
    }
}

fn sample_task() -> Task {
    Task {
        priority: Priority::High,
        due_at: Some(NOW + 86_400_000),
        tags: vec!["work".into()],
        recurrence: Some(json!({
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
            "mode": "schedule",
            "timezone": "Europe/Berlin",
            "dtstart": "2026-11-30T09:00:00"
        })),
        series_id: Some("s-1".into()),
        list_id: Some("l-1".into()),
        ..Task::new("t-1".into(), "u-1".into(), "Submit report".into(), NOW)
    }
}

fn task_example(event_type: &str) -> Value {
    let task = sample_task();
    let e = match event_type {
        event::TASK_CREATED => event::task_created("e-1", &task, &origin(), NOW),
        event::TASK_DELETED => event::task_deleted("e-1", &task, &origin(), NOW),
        event::TASK_OVERDUE => event::task_overdue("e-1", &task, &origin(), NOW),
        event::TASK_INCOMPLETE => event::task_completion("e-1", &task, &origin(), NOW),
        event::TASK_COMPLETED => {
            let done = Task {
                completed: true,
                completed_at: Some(NOW),
                ..task
            };
            event::task_completion("e-1", &done, &origin(), NOW)
        }
        event::TASK_UPDATED => {
            let before = Task {
                priority: Priority::Low,
                ..task.clone()
            };
            event::task_updated("e-1", &before, &task, &["priority"], &origin(), NOW)
        }
        other => panic!("no example for {other}"),
    };
    assert_eq!(e.event_type, event_type);
    e.envelope
}

fn reminder_example(event_type: &'static str) -> Value {
    let reminder = Reminder {
        id: "r-1".into(),
        user_id: "u-1".into(),
        task_id: "t-1".into(),
        before_minutes: Some(15),
        at: None,
        fire_at: Some(NOW + 86_400_000 - 900_000),
        status: match event_type {
            event::REMINDER_DUE => Status::Due,
            event::REMINDER_CANCELED => Status::Canceled,
            event::REMINDER_DELIVERED => Status::Delivered,
            _ => Status::Scheduled,
        },
        scheduled_for: None,
        created_at: NOW,
        updated_at: NOW,
    };
    event::reminder_event(
        "e-2",
        event_type,
        &reminder,
        "Submit report",
        &origin(),
        NOW,
    )
    .envelope
}

fn list_example(event_type: &'static str) -> Value {
    let list = TaskList {
        id: "l-1".into(),
        user_id: "u-1".into(),
        name: "Work".into(),
        color: Some("#3b82f6".into()),
        archived: event_type == event::LIST_UPDATED,
        created_at: NOW,
        updated_at: NOW,
    };
    event::list_event("e-3", event_type, &list, &origin(), NOW).envelope
}

/// Checks one event type: its schema and example files, the example
/// against the schema, and the example read back into the type `D`.
fn check_event_type<D>(event_type: &str, example: &Value, problems: &mut Vec<String>)
where
    D: schemars::JsonSchema + Serialize + DeserializeOwned,
{
    let v = SCHEMA_VERSION;
    let schema = envelope_schema::<CloudEvent<D>>(event_type);
    check(
        &format!("events/{event_type}.v{v}.schema.json"),
        &schema,
        problems,
    );
    assert!(follows(&schema, example), "{event_type}");
    assert!(
        round_trips::<CloudEvent<D>>(example),
        "{event_type}: the example does not read back into the type"
    );
    check(
        &format!("events/{event_type}.v{v}.example.json"),
        example,
        problems,
    );
}

/// Checks one Dapr job's data: its schema and example files, the example
/// against the schema, and the example read back into the type.
fn check_job<J>(name: &str, example: &J, problems: &mut Vec<String>)
where
    J: schemars::JsonSchema + Serialize + DeserializeOwned,
{
    let v = SCHEMA_VERSION;
    let mut job = schemars::schema_for!(J).to_value();
    job["$id"] = json!(format!("urn:task-manager:jobs:{name}:v{v}"));
    check(&format!("jobs/{name}.v{v}.schema.json"), &job, problems);
    let example = serde_json::to_value(example).unwrap();
    assert!(round_trips::<J>(&example), "{name}");
    assert!(follows(&job, &example), "{name}");
    check(
        &format!("jobs/{name}.v{v}.example.json"),
        &example,
        problems,
    );
}

#[test]
fn checked_in_schemas_and_examples_match_the_types() {
    let mut problems = vec![];
    for t in event::TASK_EVENT_TYPES {
        check_event_type::<TaskEventData>(t, &task_example(t), &mut problems);
    }
    for t in event::REMINDER_EVENT_TYPES {
        check_event_type::<ReminderEventData>(t, &reminder_example(t), &mut problems);
    }
    for t in event::LIST_EVENT_TYPES {
        check_event_type::<ListEventData>(t, &list_example(t), &mut problems);
    }
    let released = event::release_event("e-4", "u-1", NOW, &origin(), NOW).envelope;
    check_event_type::<ReleaseEventData>(event::REMINDERS_RELEASED, &released, &mut problems);
    let quiet = QuietHoursJobData {
        user_id: "u-1".into(),
        release_at: NOW,
    };
    check_job("quiet-hours", &quiet, &mut problems);
    let reminder = ReminderJobData {
        reminder_id: "r-1".into(),
        fire_at: Some(NOW),
    };
    check_job("reminder", &reminder, &mut problems);
    assert!(
        problems.is_empty(),
        "the checked-in contracts disagree with the types (rerun with UPDATE_SCHEMAS=1 after a \
         deliberate change, and review the diff):\n{}",
        problems.join("\n")
    );
}
