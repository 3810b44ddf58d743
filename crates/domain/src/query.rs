//! The task list query: filters, search, sort and cursor, parsed from the
//! URL query string. The store turns it into SQL.

use crate::error::{Error, Result};
use crate::limits::*;
use crate::list::parse_list_ref;
use crate::task::{normalize_tag, reject_nul, Priority};
use crate::time;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    All,
    Open,
    Completed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Created,
    Updated,
    Due,
    Priority,
    Title,
}

impl SortField {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "created" | "createdAt" => SortField::Created,
            "updated" | "updatedAt" => SortField::Updated,
            "due" | "dueAt" => SortField::Due,
            "priority" => SortField::Priority,
            "title" => SortField::Title,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            SortField::Created => "created",
            SortField::Updated => "updated",
            SortField::Due => "due",
            SortField::Priority => "priority",
            SortField::Title => "title",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
}

impl Sort {
    fn label(self) -> String {
        format!(
            "{}{}",
            if self.descending { "-" } else { "" },
            self.field.name()
        )
    }
}

/// Where the previous page ended: the sort key of its last task and its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub key: Value,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub status: Status,
    pub priorities: Vec<Priority>,
    /// A task must carry every one of these tags.
    pub tags: Vec<String>,
    pub due_after: Option<i64>,
    pub due_before: Option<i64>,
    pub search: Option<String>,
    /// `Some(Some(id))`: the tasks of one list; `Some(None)`: the Inbox's.
    pub list: Option<Option<String>>,
    pub sort: Sort,
    pub limit: u32,
    pub cursor: Option<Cursor>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            status: Status::All,
            priorities: vec![],
            tags: vec![],
            due_after: None,
            due_before: None,
            search: None,
            list: None,
            sort: Sort {
                field: SortField::Created,
                descending: true,
            },
            limit: DEFAULT_PAGE_SIZE,
            cursor: None,
        }
    }
}

const PARAMS: &[&str] = &[
    "status",
    "priority",
    "tag",
    "dueAfter",
    "dueBefore",
    "q",
    "listId",
    "sort",
    "limit",
    "cursor",
];

/// Parses `status=open&priority=high,urgent&tag=work&q=report&sort=-due&limit=20`.
pub fn parse_list_query(pairs: &[(String, String)]) -> Result<ListQuery> {
    let mut q = ListQuery::default();
    let mut cursor_text = None;
    for (key, value) in pairs {
        match key.as_str() {
            "status" => {
                q.status = match value.as_str() {
                    "all" | "" => Status::All,
                    "open" | "active" => Status::Open,
                    "completed" | "done" => Status::Completed,
                    _ => {
                        return Err(Error::invalid(
                            "status",
                            "status must be one of all, open, completed",
                        ))
                    }
                }
            }
            "priority" => {
                for p in value.split(',').filter(|p| !p.is_empty()) {
                    let p = Priority::parse(p).ok_or_else(|| {
                        Error::invalid(
                            "priority",
                            "priority must be a comma-separated list of low, medium, high, urgent",
                        )
                    })?;
                    if !q.priorities.contains(&p) {
                        q.priorities.push(p);
                    }
                }
            }
            "tag" => {
                for t in value.split(',').filter(|t| !t.is_empty()) {
                    let t = normalize_tag(t)?;
                    if !q.tags.contains(&t) {
                        q.tags.push(t);
                    }
                }
                if q.tags.len() > MAX_TAGS {
                    return Err(Error::invalid("tag", "too many tags in the filter"));
                }
            }
            "dueAfter" => q.due_after = Some(time::parse_instant("dueAfter", value)?),
            "dueBefore" => q.due_before = Some(time::parse_instant("dueBefore", value)?),
            "q" => {
                let text = value.trim();
                if text.chars().count() > MAX_SEARCH_CHARS {
                    return Err(Error::invalid(
                        "q",
                        format!("q must be at most {MAX_SEARCH_CHARS} characters"),
                    ));
                }
                reject_nul("q", text)?;
                q.search = (!text.is_empty()).then(|| text.to_lowercase());
            }
            "listId" => q.list = Some(parse_list_ref(&Value::from(value.as_str()))?),
            "sort" => {
                let (descending, name) = match value.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, value.as_str()),
                };
                let field = SortField::parse(name).ok_or_else(|| {
                    Error::invalid(
                        "sort",
                        "sort must be one of created, updated, due, priority, title, optionally prefixed with '-' for descending",
                    )
                })?;
                q.sort = Sort { field, descending };
            }
            "limit" => {
                q.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                    .ok_or_else(|| {
                        Error::invalid(
                            "limit",
                            format!("limit must be a whole number from 1 to {MAX_PAGE_SIZE}"),
                        )
                    })?
            }
            "cursor" => cursor_text = Some(value.clone()),
            other => {
                return Err(Error::bad_request(
                    "unknown_parameter",
                    format!(
                        "unknown query parameter `{other}`; expected one of {}",
                        PARAMS.join(", ")
                    ),
                ))
            }
        }
    }
    if let (Some(a), Some(b)) = (q.due_after, q.due_before) {
        if a > b {
            return Err(Error::invalid(
                "dueAfter",
                "dueAfter must not be later than dueBefore",
            ));
        }
    }
    if let Some(text) = cursor_text {
        q.cursor = Some(decode_cursor(&text, q.sort)?);
    }
    Ok(q)
}

/// Cursors carry the sort they were made for, so a cursor reused with a
/// different sort is refused instead of silently skipping tasks.
pub fn encode_cursor(sort: Sort, cursor: &Cursor) -> String {
    let json = serde_json::json!([sort.label(), cursor.key, cursor.id]);
    URL_SAFE_NO_PAD.encode(json.to_string())
}

fn decode_cursor(text: &str, sort: Sort) -> Result<Cursor> {
    let bad = || Error::invalid("cursor", "cursor is not valid for this query");
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let parts = value.as_array().filter(|a| a.len() == 3).ok_or_else(bad)?;
    if parts[0].as_str() != Some(sort.label().as_str()) {
        return Err(bad());
    }
    let key = parts[1].clone();
    let key_ok = match sort.field {
        SortField::Title => key.as_str().is_some_and(|k| !k.contains('\0')),
        _ => key.is_i64(),
    };
    let id = parts[2].as_str().ok_or_else(bad)?.to_string();
    // The id goes into SQL as text; PostgreSQL refuses NUL and ids never
    // contain control characters.
    if !key_ok || id.len() > 64 || id.chars().any(char::is_control) {
        return Err(bad());
    }
    Ok(Cursor { key, id })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_every_filter() {
        let q = parse_list_query(&pairs(&[
            ("status", "open"),
            ("priority", "high,urgent"),
            ("tag", "Work"),
            ("dueAfter", "2026-01-01T00:00:00Z"),
            ("dueBefore", "2026-02-01T00:00:00Z"),
            ("q", " Report "),
            ("sort", "-due"),
            ("limit", "10"),
        ]))
        .unwrap();
        assert_eq!(q.status, Status::Open);
        assert_eq!(q.priorities, vec![Priority::High, Priority::Urgent]);
        assert_eq!(q.tags, vec!["work"]);
        assert_eq!(q.search.as_deref(), Some("report"));
        assert_eq!(
            q.sort,
            Sort {
                field: SortField::Due,
                descending: true
            }
        );
        assert_eq!(q.limit, 10);
    }

    #[test]
    fn rejects_bad_parameters() {
        for (k, v) in [
            ("status", "maybe"),
            ("priority", "high,p1"),
            ("sort", "color"),
            ("limit", "0"),
            ("limit", "101"),
            ("dueAfter", "soon"),
            ("cursor", "!!"),
        ] {
            assert!(parse_list_query(&pairs(&[(k, v)])).is_err(), "{k}={v}");
        }
        let err = parse_list_query(&pairs(&[("colour", "red")])).unwrap_err();
        assert_eq!(err.code, "unknown_parameter");
    }

    /// Regression: a NUL in the search text or in a cursor reached
    /// PostgreSQL, which refuses it in `text`.
    #[test]
    fn nul_in_search_or_cursor_is_refused() {
        assert!(parse_list_query(&pairs(&[("q", "a\0b")])).is_err());
        let sort = Sort {
            field: SortField::Title,
            descending: false,
        };
        for c in [
            Cursor {
                key: Value::from("a"),
                id: "x\0".into(),
            },
            Cursor {
                key: Value::from("a\0"),
                id: "x".into(),
            },
        ] {
            let text = encode_cursor(sort, &c);
            let err =
                parse_list_query(&pairs(&[("sort", "title"), ("cursor", &text)])).unwrap_err();
            assert_eq!(err.details, Some(serde_json::json!({"field": "cursor"})));
        }
    }

    #[test]
    fn cursor_round_trips_and_is_bound_to_its_sort() {
        let sort = Sort {
            field: SortField::Priority,
            descending: true,
        };
        let c = Cursor {
            key: Value::from(2),
            id: "abc".into(),
        };
        let text = encode_cursor(sort, &c);
        let q = parse_list_query(&pairs(&[("sort", "-priority"), ("cursor", &text)])).unwrap();
        assert_eq!(q.cursor, Some(c));
        assert!(parse_list_query(&pairs(&[("sort", "priority"), ("cursor", &text)])).is_err());
    }
}
