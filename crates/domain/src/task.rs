//! Tasks: the stored shape, the JSON shape, and the rules for creating and
//! changing one. Input is read field by field from a JSON object so that
//! every mistake gets a message naming the field.

use crate::error::{Error, Result};
use crate::limits::*;
use crate::list::parse_list_ref;
use crate::time::{self, serde_ms};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Sort rank: higher is more important.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Low => 0,
            Priority::Medium => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.rank() == rank)
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// A task as the API returns it (design section 9) and as events carry it.
/// Instants are RFC 3339 strings in UTC with milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    #[serde(skip)]
    pub user_id: String,
    pub title: String,
    pub description: String,
    pub priority: Priority,
    #[serde(with = "serde_ms::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub due_at: Option<i64>,
    pub tags: Vec<String>,
    pub completed: bool,
    #[serde(with = "serde_ms::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub completed_at: Option<i64>,
    /// The recurrence crate's JSON form (`rrule`, `mode`, `timezone`,
    /// `dtstart`, `exdates`).
    pub recurrence: Option<Value>,
    /// The recurring series this task is an instance of.
    pub series_id: Option<String>,
    #[serde(skip)]
    pub series_index: Option<i64>,
    /// The list the task is in; null for the Inbox.
    #[serde(default)]
    pub list_id: Option<String>,
    pub version: i64,
    #[serde(with = "serde_ms")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub created_at: i64,
    #[serde(with = "serde_ms")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub updated_at: i64,
}

impl Task {
    /// A new open task: medium priority, no description, due date or tags.
    pub fn new(id: String, user_id: String, title: String, now: i64) -> Task {
        Task {
            id,
            user_id,
            title,
            description: String::new(),
            priority: Priority::Medium,
            due_at: None,
            tags: vec![],
            completed: false,
            completed_at: None,
            recurrence: None,
            series_id: None,
            series_index: None,
            list_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Validated input for a new task.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub title: String,
    pub description: String,
    pub priority: Priority,
    pub due_at: Option<i64>,
    pub tags: Vec<String>,
    /// `{"rrule", "mode"?, "timezone"?, "dtstart"?}`: checked by the task
    /// service, which knows the user's timezone.
    pub recurrence: Option<Value>,
    /// The list to put it in (checked by the service); `None`: the Inbox.
    pub list_id: Option<String>,
}

/// Validated partial update: `None` leaves a field as it is; `due_at:
/// Some(None)` clears the due date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub due_at: Option<Option<i64>>,
    pub tags: Option<Vec<String>>,
    pub completed: Option<bool>,
    /// Start or edit repeating (`Some(Some(rule))`, the same object as on
    /// create) or stop it (`Some(None)`): applied by the task service,
    /// which owns the series.
    pub recurrence: Option<Option<Value>>,
    /// Move to a list (`Some(Some(id))`, checked by the service) or to the
    /// Inbox (`Some(None)`).
    pub list_id: Option<Option<String>>,
    /// The version the client last saw (optimistic concurrency).
    pub expected_version: Option<i64>,
}

impl TaskPatch {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.description.is_none()
            && self.priority.is_none()
            && self.due_at.is_none()
            && self.tags.is_none()
            && self.completed.is_none()
            && self.recurrence.is_none()
            && self.list_id.is_none()
    }
}

const CREATE_FIELDS: &[&str] = &[
    "title",
    "description",
    "priority",
    "dueAt",
    "tags",
    "recurrence",
    "listId",
];
const PATCH_FIELDS: &[&str] = &[
    "title",
    "description",
    "priority",
    "dueAt",
    "tags",
    "completed",
    "recurrence",
    "listId",
    "version",
];

pub fn parse_new_task(body: &Value) -> Result<NewTask> {
    let obj = as_object(body)?;
    reject_unknown(obj, CREATE_FIELDS)?;
    let title = match obj.get("title") {
        None | Some(Value::Null) => return Err(Error::invalid("title", "title is required")),
        Some(v) => title(v)?,
    };
    Ok(NewTask {
        title,
        description: optional(obj, "description", description)?.unwrap_or_default(),
        priority: optional(obj, "priority", priority)?.unwrap_or(Priority::Medium),
        due_at: optional(obj, "dueAt", due_at)?,
        tags: optional(obj, "tags", tags)?.unwrap_or_default(),
        recurrence: optional(obj, "recurrence", recurrence)?,
        list_id: match obj.get("listId") {
            None => None,
            Some(v) => parse_list_ref(v)?,
        },
    })
}

fn recurrence(v: &Value) -> Result<Value> {
    v.is_object().then(|| v.clone()).ok_or_else(|| {
        Error::invalid(
            "recurrence",
            "recurrence must be an object such as {\"rrule\": \"FREQ=WEEKLY;BYDAY=MO\"}, or null to stop repeating",
        )
    })
}

pub fn parse_patch(body: &Value) -> Result<TaskPatch> {
    let obj = as_object(body)?;
    reject_unknown(obj, PATCH_FIELDS)?;
    let patch = TaskPatch {
        title: optional(obj, "title", title)?,
        description: optional(obj, "description", description)?,
        priority: optional(obj, "priority", priority)?,
        due_at: match obj.get("dueAt") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => Some(Some(due_at(v)?)),
        },
        tags: optional(obj, "tags", tags)?,
        completed: optional(obj, "completed", |v| {
            v.as_bool()
                .ok_or_else(|| Error::invalid("completed", "completed must be true or false"))
        })?,
        recurrence: match obj.get("recurrence") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => Some(Some(recurrence(v)?)),
        },
        list_id: obj.get("listId").map(parse_list_ref).transpose()?,
        expected_version: optional(obj, "version", |v| {
            v.as_i64()
                .filter(|n| *n >= 1)
                .ok_or_else(|| Error::invalid("version", "version must be a positive integer"))
        })?,
    };
    if patch.is_empty() {
        return Err(Error::bad_request(
            "empty_update",
            "the update changes nothing: send at least one of title, description, priority, dueAt, tags, completed, recurrence, listId",
        ));
    }
    Ok(patch)
}

fn as_object(body: &Value) -> Result<&Map<String, Value>> {
    body.as_object()
        .ok_or_else(|| Error::bad_request("invalid_body", "the body must be a JSON object"))
}

pub(crate) fn reject_unknown(obj: &Map<String, Value>, allowed: &[&str]) -> Result<()> {
    if let Some(field) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::bad_request(
            "unknown_field",
            format!(
                "unknown field `{field}`; expected one of {}",
                allowed.join(", ")
            ),
        )
        .with_details(serde_json::json!({ "field": field })));
    }
    Ok(())
}

/// Reads an optional field: absent gives `None`; `null` also gives `None`
/// for fields that have no meaningful null.
fn optional<T>(
    obj: &Map<String, Value>,
    field: &str,
    read: impl Fn(&Value) -> Result<T>,
) -> Result<Option<T>> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => read(v).map(Some),
    }
}

fn string<'a>(field: &str, v: &'a Value) -> Result<&'a str> {
    v.as_str()
        .ok_or_else(|| Error::invalid(field, format!("{field} must be a string")))
}

fn title(v: &Value) -> Result<String> {
    let t = string("title", v)?.trim();
    if t.is_empty() {
        return Err(Error::invalid("title", "title must not be empty"));
    }
    check_len("title", t, MAX_TITLE_CHARS)?;
    reject_control_chars("title", t)?;
    Ok(t.to_string())
}

fn description(v: &Value) -> Result<String> {
    let d = string("description", v)?;
    check_len("description", d, MAX_DESCRIPTION_CHARS)?;
    reject_nul("description", d)?;
    Ok(d.trim_end().to_string())
}

fn priority(v: &Value) -> Result<Priority> {
    let p = string("priority", v)?;
    Priority::parse(p).ok_or_else(|| {
        Error::invalid(
            "priority",
            "priority must be one of low, medium, high, urgent",
        )
    })
}

fn due_at(v: &Value) -> Result<i64> {
    time::parse_instant("dueAt", string("dueAt", v)?)
}

/// Tags are normalised to lowercase, deduplicated, and kept in input order.
fn tags(v: &Value) -> Result<Vec<String>> {
    let items = v
        .as_array()
        .ok_or_else(|| Error::invalid("tags", "tags must be an array of strings"))?;
    if items.len() > MAX_TAGS {
        return Err(Error::invalid(
            "tags",
            format!("at most {MAX_TAGS} tags are allowed"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let tag = normalize_tag(string("tags", item)?)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

pub fn normalize_tag(raw: &str) -> Result<String> {
    let tag = raw.trim().trim_start_matches('#').to_lowercase();
    if tag.is_empty() {
        return Err(Error::invalid("tags", "a tag must not be empty"));
    }
    check_len("tags", &tag, MAX_TAG_CHARS)?;
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '/')
    {
        return Err(Error::invalid(
            "tags",
            format!("tag `{tag}` may contain only letters, digits, '-', '_' and '/'"),
        ));
    }
    Ok(tag)
}

pub(crate) fn check_len(field: &str, text: &str, max: usize) -> Result<()> {
    if text.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// PostgreSQL `text` cannot hold U+0000: a NUL that reached the store would
/// fail the query (a 500). Free text that may keep newlines and tabs is
/// checked for NUL alone.
pub(crate) fn reject_nul(field: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain NUL characters"),
        ));
    }
    Ok(())
}

fn reject_control_chars(field: &str, text: &str) -> Result<()> {
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(())
}

/// Applies a patch to a task, returning the names of the fields that really
/// changed (an update that changes nothing bumps no version and emits no
/// event). `now` stamps completion.
pub fn apply_patch(task: &mut Task, patch: &TaskPatch, now: i64) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if let Some(t) = &patch.title {
        if *t != task.title {
            task.title = t.clone();
            changed.push("title");
        }
    }
    if let Some(d) = &patch.description {
        if *d != task.description {
            task.description = d.clone();
            changed.push("description");
        }
    }
    if let Some(p) = patch.priority {
        if p != task.priority {
            task.priority = p;
            changed.push("priority");
        }
    }
    if let Some(d) = patch.due_at {
        if d != task.due_at {
            task.due_at = d;
            changed.push("dueAt");
        }
    }
    if let Some(tags) = &patch.tags {
        if *tags != task.tags {
            task.tags = tags.clone();
            changed.push("tags");
        }
    }
    if let Some(l) = &patch.list_id {
        if *l != task.list_id {
            task.list_id.clone_from(l);
            changed.push("listId");
        }
    }
    if let Some(c) = patch.completed {
        if c != task.completed {
            set_completed(task, c, now);
            changed.push("completed");
        }
    }
    changed
}

pub fn set_completed(task: &mut Task, completed: bool, now: i64) {
    task.completed = completed;
    task.completed_at = completed.then_some(now);
}

/// The JSON value of one field of a task, as the API shows it; used for the
/// old and new values in `tasks.updated` events.
pub fn field_value(task: &Task, field: &str) -> Value {
    match field {
        "title" => Value::from(task.title.clone()),
        "description" => Value::from(task.description.clone()),
        "priority" => Value::from(task.priority.as_str()),
        "dueAt" => task
            .due_at
            .map(time::format_ms)
            .map(Value::from)
            .unwrap_or(Value::Null),
        "tags" => Value::from(task.tags.clone()),
        "recurrence" => task.recurrence.clone().unwrap_or(Value::Null),
        "completed" => Value::from(task.completed),
        "listId" => task.list_id.clone().map(Value::from).unwrap_or(Value::Null),
        "completedAt" => task
            .completed_at
            .map(time::format_ms)
            .map(Value::from)
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Task {
        Task::new("t1".into(), "u1".into(), "Write report".into(), 0)
    }

    #[test]
    fn new_task_defaults_and_normalises() {
        let t =
            parse_new_task(&json!({"title": "  Pay rent ", "tags": ["#Home", "home", "bills"]}))
                .unwrap();
        assert_eq!(t.title, "Pay rent");
        assert_eq!(t.priority, Priority::Medium);
        assert_eq!(t.tags, vec!["home", "bills"]);
        assert_eq!(t.due_at, None);
    }

    #[test]
    fn new_task_errors_name_the_field() {
        let cases = [
            (json!({}), "title"),
            (json!({"title": "   "}), "title"),
            (json!({"title": "x".repeat(201)}), "title"),
            (json!({"title": "a", "priority": "critical"}), "priority"),
            (json!({"title": "a", "dueAt": "next week"}), "dueAt"),
            (json!({"title": "a", "tags": "work"}), "tags"),
            (json!({"title": "a", "tags": ["has space"]}), "tags"),
            (
                json!({"title": "a", "description": "d".repeat(10_001)}),
                "description",
            ),
        ];
        for (body, field) in cases {
            let err = parse_new_task(&body).unwrap_err();
            assert_eq!(err.details, Some(json!({"field": field})), "{body}");
        }
        let err = parse_new_task(&json!({"title": "a", "owner": "x"})).unwrap_err();
        assert_eq!(err.code, "unknown_field");
        assert_eq!(
            parse_new_task(&json!([1])).unwrap_err().code,
            "invalid_body"
        );
    }

    /// Regression: a NUL reached PostgreSQL, which refuses it in `text`.
    #[test]
    fn nul_in_free_text_is_refused() {
        let err = parse_new_task(&json!({"title": "a", "description": "x\0y"})).unwrap_err();
        assert_eq!(err.details, Some(json!({"field": "description"})));
        let err = parse_new_task(&json!({"title": "a\0"})).unwrap_err();
        assert_eq!(err.details, Some(json!({"field": "title"})));
        let ok = parse_new_task(&json!({"title": "a", "description": "line\n\tnext"})).unwrap();
        assert_eq!(ok.description, "line\n\tnext");
    }

    #[test]
    fn patch_distinguishes_absent_from_null() {
        let p = parse_patch(&json!({"dueAt": null})).unwrap();
        assert_eq!(p.due_at, Some(None));
        let p = parse_patch(&json!({"title": "b", "version": 3})).unwrap();
        assert_eq!(p.due_at, None);
        assert_eq!(p.expected_version, Some(3));
        assert_eq!(
            parse_patch(&json!({"version": 3})).unwrap_err().code,
            "empty_update"
        );
        assert_eq!(
            parse_patch(&json!({"version": 0})).unwrap_err().code,
            "validation_failed"
        );
    }

    #[test]
    fn patch_recurrence_starts_edits_or_stops() {
        let rule = json!({"rrule": "FREQ=DAILY"});
        let p = parse_patch(&json!({ "recurrence": rule })).unwrap();
        assert_eq!(p.recurrence, Some(Some(rule)));
        let stop = parse_patch(&json!({"recurrence": null})).unwrap();
        assert_eq!(stop.recurrence, Some(None));
        assert!(!stop.is_empty(), "stopping alone is an update");
        assert_eq!(
            parse_patch(&json!({"title": "x"})).unwrap().recurrence,
            None
        );
        assert!(parse_patch(&json!({"recurrence": "weekly"})).is_err());
    }

    #[test]
    fn apply_patch_reports_only_real_changes() {
        let mut t = sample();
        let patch =
            parse_patch(&json!({"title": "Write report", "priority": "high", "completed": true}))
                .unwrap();
        let changed = apply_patch(&mut t, &patch, 42);
        assert_eq!(changed, vec!["priority", "completed"]);
        assert_eq!(t.completed_at, Some(42));
        assert_eq!(field_value(&t, "priority"), json!("high"));
    }

    #[test]
    fn task_json_uses_api_names() {
        let v = serde_json::to_value(sample()).unwrap();
        assert_eq!(v["dueAt"], Value::Null);
        assert_eq!(v["createdAt"], "1970-01-01T00:00:00.000Z");
        assert!(v.get("userId").is_none());
    }
}
