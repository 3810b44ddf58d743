//! The task operations as tools: a name, a JSON Schema for the input and
//! one function that runs a call. MCP clients and the model see the same
//! set. Inputs use the REST API's field names and are validated by the same
//! domain functions (`parse_new_task`, `parse_patch`, `parse_spec`,
//! `parse_list_query`), so a tool accepts exactly what the API accepts.

use crate::{action, Actor, TaskRef};
use domain::event::OutboxEvent;
use domain::query::parse_list_query;
use domain::reminder::parse_spec;
use domain::suggestion::Status as SuggestionStatus;
use domain::task::{parse_new_task, parse_patch};
use domain::Error;
use serde_json::{json, Map, Value};
use task_service::Expected;

pub struct Tool {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub input_schema: Value,
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
}

const PRIORITIES: [&str; 4] = ["low", "medium", "high", "urgent"];

fn task_id() -> Value {
    json!({ "type": "string", "description": "The task's id, as list_tasks or create_task return it." })
}

fn list_id(what: &str) -> Value {
    json!({ "type": ["string", "null"], "description": format!("{what}: a list's id as list_lists returns it; null or \"inbox\" for the Inbox.") })
}

fn date_time(what: &str) -> Value {
    json!({
        "type": "string",
        "format": "date-time",
        "description": format!("{what}: an RFC 3339 date-time with its offset, e.g. 2026-05-01T17:00:00+02:00.")
    })
}

/// Every tool, in a stable order.
pub fn all() -> Vec<Tool> {
    vec![
        Tool {
            name: "list_tasks",
            title: "List tasks",
            description: "List the user's tasks, soonest due first. Filter by status (open by default), \
                          priority, tag, words in the title or description, and a due range. Answers \
                          {items: [Task], nextCursor}; pass nextCursor back as cursor for the next page.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "status": { "type": "string", "enum": ["open", "completed", "all"], "default": "open" },
                    "priority": {
                        "type": "array",
                        "items": { "type": "string", "enum": PRIORITIES },
                        "description": "Only tasks with one of these priorities."
                    },
                    "tag": { "type": "string", "description": "Only tasks with this tag (without #)." },
                    "listId": { "type": "string", "description": "Only the tasks of this list (its id from list_lists), or \"inbox\" for the tasks in no list." },
                    "search": { "type": "string", "maxLength": 200, "description": "Words the title or description contains." },
                    "dueAfter": date_time("Only tasks due at or after this time"),
                    "dueBefore": date_time("Only tasks due before this time"),
                    "sort": {
                        "type": "string",
                        "enum": ["due", "-due", "priority", "-priority", "created", "-created", "updated", "-updated", "title", "-title"],
                        "default": "due",
                        "description": "Sort field; a leading - sorts descending."
                    },
                    "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 },
                    "cursor": { "type": "string", "description": "nextCursor of the previous page." }
                },
                "additionalProperties": false
            }),
            read_only: true,
            destructive: false,
            idempotent: true,
        },
        Tool {
            name: "create_task",
            title: "Create a task",
            description: "Create a task. A recurrence (an RFC 5545 RRULE) makes it a recurring series: \
                          the next instance is created when one is completed. Answers the Task.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "title": { "type": "string", "minLength": 1, "maxLength": 200 },
                    "description": { "type": "string", "maxLength": 10000 },
                    "priority": { "type": "string", "enum": PRIORITIES, "default": "medium" },
                    "dueAt": date_time("When the task is due"),
                    "tags": {
                        "type": "array",
                        "items": { "type": "string", "maxLength": 40 },
                        "maxItems": 20,
                        "description": "Lower-case words; letters, digits, - _ /."
                    },
                    "recurrence": {
                        "type": "object",
                        "properties": {
                            "rrule": { "type": "string", "description": "RRULE without the RRULE: prefix, e.g. FREQ=WEEKLY;BYDAY=MO or FREQ=MONTHLY;BYMONTHDAY=1." },
                            "mode": { "type": "string", "enum": ["schedule", "completion"], "description": "schedule (default): by the calendar; completion: the interval after each completion." },
                            "timezone": { "type": "string", "description": "IANA time zone; the user's by default." },
                            "dtstart": { "type": "string", "description": "Local start YYYY-MM-DDTHH:MM; the due time, or 09:00 today, by default." }
                        },
                        "required": ["rrule"],
                        "additionalProperties": false
                    },
                    "listId": list_id("The list to put it in (the Inbox by default)")
                },
                "required": ["title"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: false,
        },
        Tool {
            name: "update_task",
            title: "Update a task",
            description: "Change a task's title, description, priority, due time (null clears it), tags, \
                          completion or list. Only the fields given change. Answers the Task.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "taskId": task_id(),
                    "title": { "type": "string", "minLength": 1, "maxLength": 200 },
                    "description": { "type": "string", "maxLength": 10000 },
                    "priority": { "type": "string", "enum": PRIORITIES },
                    "dueAt": {
                        "type": ["string", "null"],
                        "format": "date-time",
                        "description": "RFC 3339 date-time with its offset, or null to clear the due time."
                    },
                    "tags": { "type": "array", "items": { "type": "string", "maxLength": 40 }, "maxItems": 20 },
                    "completed": { "type": "boolean" },
                    "listId": list_id("Moves the task to this list"),
                    "version": { "type": "integer", "minimum": 1, "description": "The version last seen; the update fails if the task has changed since." }
                },
                "required": ["taskId"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: true,
        },
        Tool {
            name: "complete_task",
            title: "Complete a task",
            description: "Mark a task done (or not done again with completed: false). Completing an \
                          instance of a recurring task creates the next one. Answers the Task.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "taskId": task_id(),
                    "completed": { "type": "boolean", "default": true }
                },
                "required": ["taskId"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: true,
        },
        Tool {
            name: "delete_task",
            title: "Delete a task",
            description: "Delete a task for good, with its reminders. Confirm with the user first.",
            input_schema: json!({
                "type": "object",
                "properties": { "taskId": task_id() },
                "required": ["taskId"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: true,
            idempotent: true,
        },
        Tool {
            name: "add_reminder",
            title: "Remind about a task",
            description: "Add a reminder to a task: give either before (how long before the task's due \
                          time: 15m, 2h, 1d, or a number of minutes; 0 is at the due time) or at (an \
                          exact time). At most 3 per task. Answers the Reminder.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "taskId": task_id(),
                    "before": {
                        "type": ["string", "integer"],
                        "description": "Duration before the due time: 15m, 2h, 1d, 1h30m, or minutes."
                    },
                    "at": date_time("When to remind")
                },
                "required": ["taskId"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: false,
        },
        Tool {
            name: "list_lists",
            title: "List the lists",
            description: "The user's lists (projects), open ones first: {items: [{id, name, color, \
                          archived}]}. Tasks in no list are in the Inbox, which is not among them.",
            input_schema: json!({ "type": "object", "properties": {}, "additionalProperties": false }),
            read_only: true,
            destructive: false,
            idempotent: true,
        },
        Tool {
            name: "create_list",
            title: "Create a list",
            description: "Create a list to put tasks in (names are unique per user in any letter case). \
                          Answers the List.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "name": { "type": "string", "minLength": 1, "maxLength": 100 },
                    "color": { "type": ["string", "null"], "description": "A hex colour such as #3b82f6." }
                },
                "required": ["name"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: false,
        },
        Tool {
            name: "list_reminders",
            title: "List a task's reminders",
            description: "A task's reminders with their status (scheduled, due, delivered, snoozed \
                          ones are scheduled again; dismissed, canceled): {items: [Reminder]}.",
            input_schema: json!({
                "type": "object",
                "properties": { "taskId": task_id() },
                "required": ["taskId"],
                "additionalProperties": false
            }),
            read_only: true,
            destructive: false,
            idempotent: true,
        },
        Tool {
            name: "snooze_reminder",
            title: "Snooze a reminder",
            description: "Have a reminder fire again in some minutes (1 to 10080), whatever state it \
                          reached. Answers the Reminder.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "reminderId": reminder_id(),
                    "minutes": { "type": "integer", "minimum": 1, "maximum": 10080 }
                },
                "required": ["reminderId", "minutes"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: false,
        },
        Tool {
            name: "dismiss_reminder",
            title: "Dismiss a reminder",
            description: "Stop a reminder: it will not fire (again). Answers the Reminder.",
            input_schema: json!({
                "type": "object",
                "properties": { "reminderId": reminder_id() },
                "required": ["reminderId"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: true,
        },
        Tool {
            name: "list_suggestions",
            title: "List suggestions",
            description: "What the assistants suggest about the user's tasks (an overdue task to move, \
                          a crowded day to spread out), open ones unless status says otherwise: \
                          {items: [Suggestion]}, each with its proposed action.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "status": {
                        "type": "string",
                        "enum": ["open", "dismissed", "accepted", "resolved", "all"],
                        "default": "open"
                    }
                },
                "additionalProperties": false
            }),
            read_only: true,
            destructive: false,
            idempotent: true,
        },
        Tool {
            name: "accept_suggestion",
            title: "Accept a suggestion",
            description: "Apply an open suggestion's proposed change (such as a new due time) and close \
                          it. Answers {suggestion, task}.",
            input_schema: json!({
                "type": "object",
                "properties": { "suggestionId": suggestion_id() },
                "required": ["suggestionId"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: false,
        },
        Tool {
            name: "dismiss_suggestion",
            title: "Dismiss a suggestion",
            description: "Close an open suggestion without applying it. Answers the Suggestion.",
            input_schema: json!({
                "type": "object",
                "properties": { "suggestionId": suggestion_id() },
                "required": ["suggestionId"],
                "additionalProperties": false
            }),
            read_only: false,
            destructive: false,
            idempotent: true,
        },
    ]
}

fn reminder_id() -> Value {
    json!({ "type": "string", "description": "The reminder's id, as list_reminders or add_reminder return it." })
}

fn suggestion_id() -> Value {
    json!({ "type": "string", "description": "The suggestion's id, as list_suggestions returns it." })
}

/// Whether the tool changes anything: calling it needs the `tasks:write`
/// scope. An unknown name is not a tool, and answered as such.
pub fn writes(name: &str) -> bool {
    all().iter().any(|t| t.name == name && !t.read_only)
}

/// The tools as MCP's `tools/list` shows them; without `writes_allowed`,
/// only those that read.
pub fn mcp_descriptors(writes_allowed: bool) -> Vec<Value> {
    all()
        .into_iter()
        .filter(|t| writes_allowed || t.read_only)
        .map(|t| {
            json!({
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "inputSchema": t.input_schema,
                "annotations": {
                    "title": t.title,
                    "readOnlyHint": t.read_only,
                    "destructiveHint": t.destructive,
                    "idempotentHint": t.idempotent,
                    "openWorldHint": false
                }
            })
        })
        .collect()
}

/// The tools as an OpenAI-compatible chat-completions request lists them.
pub fn function_tools() -> Vec<Value> {
    all()
        .into_iter()
        .map(|t| {
            json!({
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.input_schema
                }
            })
        })
        .collect()
}

/// What a call did.
#[derive(Debug, Clone)]
pub struct Output {
    /// The result: a Task, a Reminder, `{items, nextCursor}`, `{deleted, ...}`.
    pub value: Value,
    pub actions: Vec<Value>,
    pub events: Vec<OutboxEvent>,
    /// The task the call acted on.
    pub task: Option<TaskRef>,
}

#[derive(Debug)]
pub enum CallError {
    UnknownTool(String),
    /// The caller's token does not allow this tool (an OAuth token without
    /// the `tasks:write` scope calling a tool that writes).
    InsufficientScope(String),
    /// The operation's own error: bad input, not found, a rule broken, or
    /// (internal) a server fault.
    Failed(Error),
}

impl From<Error> for CallError {
    fn from(e: Error) -> Self {
        CallError::Failed(e)
    }
}

fn arguments(args: &Value) -> Result<Map<String, Value>, Error> {
    match args {
        Value::Null => Ok(Map::new()),
        Value::Object(m) => Ok(m.clone()),
        _ => Err(Error::bad_request(
            "invalid_arguments",
            "the arguments must be a JSON object",
        )),
    }
}

fn allow_only(obj: &Map<String, Value>, allowed: &[&str]) -> Result<(), Error> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(Error::bad_request(
            "unknown_field",
            format!(
                "unknown field `{k}`; expected one of {}",
                allowed.join(", ")
            ),
        )
        .with_details(json!({ "field": k }))),
        None => Ok(()),
    }
}

/// Takes `taskId` out of the arguments.
fn take_task_id(obj: &mut Map<String, Value>) -> Result<String, Error> {
    take_id(obj, "taskId")
}

/// Takes the id named `field` out of the arguments.
fn take_id(obj: &mut Map<String, Value>, field: &str) -> Result<String, Error> {
    match obj.remove(field) {
        Some(Value::String(id)) if !id.trim().is_empty() => Ok(id.trim().to_string()),
        Some(_) => Err(Error::invalid(
            field,
            format!("{field} must be an id string"),
        )),
        None => Err(Error::invalid(field, format!("{field} is required"))),
    }
}

/// `list_tasks` arguments as the REST list query reads them.
fn list_query_pairs(obj: &Map<String, Value>) -> Result<Vec<(String, String)>, Error> {
    allow_only(
        obj,
        &[
            "status",
            "priority",
            "tag",
            "search",
            "listId",
            "dueAfter",
            "dueBefore",
            "sort",
            "limit",
            "cursor",
        ],
    )?;
    let text = |field: &str, v: &Value| -> Result<String, Error> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::invalid(field, format!("{field} must be a string")))
    };
    let list = |field: &str, v: &Value| -> Result<String, Error> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Array(items) => items
                .iter()
                .map(|i| text(field, i))
                .collect::<Result<Vec<_>, _>>()
                .map(|v| v.join(",")),
            _ => Err(Error::invalid(
                field,
                format!("{field} must be a string or an array of strings"),
            )),
        }
    };
    let mut pairs = vec![(
        "status".to_string(),
        match obj.get("status") {
            None | Some(Value::Null) => "open".to_string(),
            Some(v) => text("status", v)?,
        },
    )];
    pairs.push((
        "sort".to_string(),
        match obj.get("sort") {
            None | Some(Value::Null) => "due".to_string(),
            Some(v) => text("sort", v)?,
        },
    ));
    pairs.push((
        "limit".to_string(),
        match obj.get("limit") {
            None | Some(Value::Null) => "20".to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(v) => text("limit", v)?,
        },
    ));
    for (field, key) in [
        ("priority", "priority"),
        ("tag", "tag"),
        ("search", "q"),
        ("listId", "listId"),
        ("dueAfter", "dueAfter"),
        ("dueBefore", "dueBefore"),
        ("cursor", "cursor"),
    ] {
        match obj.get(field) {
            None | Some(Value::Null) => {}
            Some(v) if field == "priority" || field == "tag" => {
                pairs.push((key.to_string(), list(field, v)?))
            }
            Some(v) => pairs.push((key.to_string(), text(field, v)?)),
        }
    }
    Ok(pairs)
}

/// The answer to a call that changed a task: the task, and an action of
/// `kind` only when the change did something (a repeated one publishes
/// nothing, so there is nothing to show).
fn task_output(kind: &str, changed: task_service::Changed) -> Output {
    let actions = if changed.events.is_empty() {
        vec![]
    } else {
        vec![action(kind, &changed.task, json!({}))]
    };
    Output {
        value: serde_json::to_value(&changed.task).unwrap_or_default(),
        actions,
        events: changed.events,
        task: Some(TaskRef::of(&changed.task)),
    }
}

/// Runs one tool call for the actor.
pub fn call(a: &Actor, name: &str, args: &Value) -> Result<Output, CallError> {
    let mut obj = arguments(args)?;
    let out = match name {
        "list_tasks" => {
            let query = parse_list_query(&list_query_pairs(&obj)?)?;
            let page = task_service::list(a.db, a.user_id, &query)?;
            Output {
                value: serde_json::to_value(&page).unwrap_or_default(),
                actions: vec![],
                events: vec![],
                task: None,
            }
        }
        "create_task" => {
            let input = parse_new_task(&Value::Object(obj))?;
            let changed = task_service::create(a.db, a.user_id, input, a.origin)?;
            task_output("task.created", changed)
        }
        "update_task" => {
            let id = take_task_id(&mut obj)?;
            let patch = parse_patch(&Value::Object(obj))?;
            let expected = Expected {
                if_match: None,
                body_version: patch.expected_version,
            };
            let changed = task_service::update(a.db, a.user_id, &id, &patch, expected, a.origin)?;
            task_output("task.updated", changed)
        }
        "complete_task" => {
            let id = take_task_id(&mut obj)?;
            allow_only(&obj, &["completed"])?;
            let completed = match obj.get("completed") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    return Err(
                        Error::invalid("completed", "completed must be true or false").into(),
                    )
                }
            };
            let changed = task_service::set_completion(
                a.db,
                a.user_id,
                &id,
                completed,
                Expected::default(),
                a.origin,
            )?;
            let kind = if completed {
                "task.completed"
            } else {
                "task.reopened"
            };
            task_output(kind, changed)
        }
        "list_lists" => {
            allow_only(&obj, &[])?;
            let items = task_service::lists::all(a.db, a.user_id)?;
            Output {
                value: json!({ "items": items }),
                actions: vec![],
                events: vec![],
                task: None,
            }
        }
        "create_list" => {
            let input = domain::list::parse_new_list(&Value::Object(obj))?;
            let changed = task_service::lists::create(a.db, a.user_id, input, a.origin)?;
            Output {
                value: serde_json::to_value(&changed.list).unwrap_or_default(),
                actions: vec![],
                events: changed.events,
                task: None,
            }
        }
        "delete_task" => {
            let id = take_task_id(&mut obj)?;
            allow_only(&obj, &[])?;
            let changed =
                task_service::delete(a.db, a.user_id, &id, Expected::default(), a.origin)?;
            Output {
                value: json!({ "deleted": true, "taskId": changed.task.id, "title": changed.task.title }),
                actions: vec![action("task.deleted", &changed.task, json!({}))],
                events: changed.events,
                task: None,
            }
        }
        "add_reminder" => {
            let id = take_task_id(&mut obj)?;
            let spec = parse_spec(&Value::Object(obj))?;
            let changed = task_service::reminders::add(a.db, a.user_id, &id, spec, a.origin)?;
            let task = task_service::get(a.db, a.user_id, &id)?;
            Output {
                value: serde_json::to_value(&changed.reminder).unwrap_or_default(),
                actions: vec![action(
                    "reminder.created",
                    &task,
                    json!({ "reminder": changed.reminder }),
                )],
                events: changed.events,
                task: Some(TaskRef::of(&task)),
            }
        }
        "list_reminders" => {
            let id = take_task_id(&mut obj)?;
            allow_only(&obj, &[])?;
            let items = task_service::reminders::list(a.db, a.user_id, &id)?;
            Output {
                value: json!({ "items": items }),
                actions: vec![],
                events: vec![],
                task: None,
            }
        }
        "snooze_reminder" | "dismiss_reminder" => {
            let id = take_id(&mut obj, "reminderId")?;
            let changed = if name == "snooze_reminder" {
                allow_only(&obj, &["minutes"])?;
                let minutes = obj.get("minutes").and_then(Value::as_i64).ok_or_else(|| {
                    Error::invalid("minutes", "minutes must be a whole number from 1 to 10080")
                })?;
                task_service::reminders::snooze(a.db, a.user_id, &id, minutes, a.origin)?
            } else {
                allow_only(&obj, &[])?;
                task_service::reminders::dismiss(a.db, a.user_id, &id, a.origin)?
            };
            Output {
                value: serde_json::to_value(&changed.reminder).unwrap_or_default(),
                actions: vec![],
                events: changed.events,
                task: None,
            }
        }
        "list_suggestions" => {
            allow_only(&obj, &["status"])?;
            let status = match obj.get("status") {
                None | Some(Value::Null) => Some(SuggestionStatus::Open),
                Some(Value::String(s)) if s == "all" => None,
                Some(Value::String(s)) => Some(SuggestionStatus::parse(s).ok_or_else(|| {
                    Error::invalid(
                        "status",
                        "status must be one of open, dismissed, accepted, resolved, all",
                    )
                })?),
                Some(_) => return Err(Error::invalid("status", "status must be a string").into()),
            };
            let items = task_service::suggestions::list(a.db, a.user_id, status)?;
            Output {
                value: json!({ "items": items }),
                actions: vec![],
                events: vec![],
                task: None,
            }
        }
        "accept_suggestion" => {
            let id = take_id(&mut obj, "suggestionId")?;
            allow_only(&obj, &[])?;
            let accepted = task_service::suggestions::accept(a.db, a.user_id, &id, a.origin)?;
            Output {
                value: json!({ "suggestion": accepted.suggestion, "task": accepted.task }),
                actions: accepted
                    .task
                    .iter()
                    .map(|t| action("task.updated", t, json!({})))
                    .collect(),
                task: accepted.task.as_ref().map(TaskRef::of),
                events: accepted.events,
            }
        }
        "dismiss_suggestion" => {
            let id = take_id(&mut obj, "suggestionId")?;
            allow_only(&obj, &[])?;
            let closed = task_service::suggestions::dismiss(a.db, a.user_id, &id)?;
            Output {
                value: serde_json::to_value(&closed).unwrap_or_default(),
                actions: vec![],
                events: vec![],
                task: None,
            }
        }
        other => return Err(CallError::UnknownTool(other.to_string())),
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_an_object_schema() {
        let tools = all();
        let names: Vec<&str> = tools.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [
                "list_tasks",
                "create_task",
                "update_task",
                "complete_task",
                "delete_task",
                "add_reminder",
                "list_lists",
                "create_list",
                "list_reminders",
                "snooze_reminder",
                "dismiss_reminder",
                "list_suggestions",
                "accept_suggestion",
                "dismiss_suggestion"
            ]
        );
        for t in &tools {
            assert_eq!(t.input_schema["type"], "object", "{}", t.name);
            assert_eq!(t.input_schema["additionalProperties"], false, "{}", t.name);
            for r in t.input_schema["required"].as_array().into_iter().flatten() {
                let r = r.as_str().unwrap();
                assert!(t.input_schema["properties"].get(r).is_some(), "{}", t.name);
            }
        }
        assert_eq!(function_tools()[1]["function"]["name"], "create_task");
        assert_eq!(
            mcp_descriptors(true)[4]["annotations"]["destructiveHint"],
            true
        );
    }

    #[test]
    fn list_arguments_become_the_rest_query() {
        let args = json!({"priority": ["high", "urgent"], "search": "report", "limit": 5});
        let pairs = list_query_pairs(args.as_object().unwrap()).unwrap();
        let q = parse_list_query(&pairs).unwrap();
        assert_eq!(q.status, domain::query::Status::Open);
        assert_eq!(q.priorities.len(), 2);
        assert_eq!(q.search.as_deref(), Some("report"));
        assert_eq!(q.limit, 5);
        let bad = json!({"colour": "red"});
        assert_eq!(
            list_query_pairs(bad.as_object().unwrap()).unwrap_err().code,
            "unknown_field"
        );
        let bad = json!({"limit": 0});
        assert!(parse_list_query(&list_query_pairs(bad.as_object().unwrap()).unwrap()).is_err());
    }

    #[test]
    fn task_id_is_required_and_taken_out() {
        let mut obj = json!({"taskId": " t1 ", "title": "x"})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(take_task_id(&mut obj).unwrap(), "t1");
        assert!(!obj.contains_key("taskId"));
        assert_eq!(
            take_task_id(&mut obj).unwrap_err().code,
            "validation_failed"
        );
    }
}
