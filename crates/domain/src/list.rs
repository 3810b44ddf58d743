//! Lists (what other task managers call projects): each task belongs to at
//! most one of its owner's lists. A task in no list is in the Inbox, which
//! every user has and which is not stored: it cannot be renamed, archived or
//! deleted, and `?listId=inbox` selects its tasks.

use crate::error::Result;
use crate::limits::{MAX_LISTS, MAX_LIST_NAME_CHARS};
use crate::task::{check_len, reject_unknown};
use crate::time::serde_ms;
use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `listId` query value that selects the tasks in no list.
pub const INBOX: &str = "inbox";

/// A list as the API returns it and list events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TaskList {
    pub id: String,
    #[serde(skip)]
    pub user_id: String,
    pub name: String,
    /// `#rrggbb`, or null for the app's neutral colour.
    pub color: Option<String>,
    /// Archived lists leave the sidebar; their tasks stay as they are.
    pub archived: bool,
    #[serde(with = "serde_ms")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub created_at: i64,
    #[serde(with = "serde_ms")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub updated_at: i64,
}

/// Validated input for a new list.
#[derive(Debug, Clone, PartialEq)]
pub struct NewList {
    pub name: String,
    pub color: Option<String>,
}

/// Validated partial update; `color: Some(None)` clears the colour.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListPatch {
    pub name: Option<String>,
    pub color: Option<Option<String>>,
    pub archived: Option<bool>,
}

pub fn parse_new_list(body: &Value) -> Result<NewList> {
    let obj = as_object(body)?;
    reject_unknown(obj, &["name", "color"])?;
    let name = match obj.get("name") {
        None | Some(Value::Null) => return Err(Error::invalid("name", "name is required")),
        Some(v) => name(v)?,
    };
    let color = match obj.get("color") {
        None | Some(Value::Null) => None,
        Some(v) => Some(color(v)?),
    };
    Ok(NewList { name, color })
}

pub fn parse_list_patch(body: &Value) -> Result<ListPatch> {
    let obj = as_object(body)?;
    reject_unknown(obj, &["name", "color", "archived"])?;
    let patch = ListPatch {
        name: match obj.get("name") {
            None => None,
            Some(v) => Some(name(v)?),
        },
        color: match obj.get("color") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => Some(Some(color(v)?)),
        },
        archived: match obj.get("archived") {
            None => None,
            Some(v) => Some(
                v.as_bool()
                    .ok_or_else(|| Error::invalid("archived", "archived must be true or false"))?,
            ),
        },
    };
    if patch == ListPatch::default() {
        return Err(Error::bad_request(
            "empty_update",
            "the update changes nothing: send at least one of name, color, archived",
        ));
    }
    Ok(patch)
}

/// Applies a patch, answering whether anything changed.
pub fn apply_list_patch(list: &mut TaskList, patch: &ListPatch) -> bool {
    let before = list.clone();
    if let Some(n) = &patch.name {
        list.name.clone_from(n);
    }
    if let Some(c) = &patch.color {
        list.color.clone_from(c);
    }
    if let Some(a) = patch.archived {
        list.archived = a;
    }
    *list != before
}

/// The key two list names collide on: the same name in any letter case.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// The 409 for a name the user already has.
pub fn name_taken(name: &str) -> Error {
    Error::new(
        crate::ErrorKind::Conflict,
        "list_exists",
        format!("you already have a list named \"{name}\""),
    )
}

/// The 409 for one list more than a user may have.
pub fn too_many() -> Error {
    Error::new(
        crate::ErrorKind::Conflict,
        "too_many_lists",
        format!("a user may have at most {MAX_LISTS} lists; delete or rename one"),
    )
}

/// A task's `listId` as the client sent it: an id to look up (the service
/// checks that the list is the user's), or null for the Inbox. The word
/// `inbox` also means the Inbox, as it does in the list filter.
pub fn parse_list_ref(v: &Value) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.eq_ignore_ascii_case(INBOX) => Ok(None),
        Value::String(s) if !s.is_empty() && s.len() <= 64 && is_id(s) => Ok(Some(s.clone())),
        _ => Err(Error::invalid(
            "listId",
            "listId must be the id of one of your lists, or null for the Inbox",
        )),
    }
}

fn is_id(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The 400 for a `listId` that names no list of the user's.
pub fn unknown_list() -> Error {
    Error::invalid("listId", "listId names none of your lists")
}

fn as_object(body: &Value) -> Result<&Map<String, Value>> {
    body.as_object()
        .ok_or_else(|| Error::bad_request("invalid_body", "the body must be a JSON object"))
}

fn name(v: &Value) -> Result<String> {
    let n = v
        .as_str()
        .ok_or_else(|| Error::invalid("name", "name must be a string"))?
        .trim();
    if n.is_empty() {
        return Err(Error::invalid("name", "name must not be empty"));
    }
    check_len("name", n, MAX_LIST_NAME_CHARS)?;
    if n.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            "name must not contain control characters",
        ));
    }
    if n.eq_ignore_ascii_case(INBOX) {
        return Err(Error::new(
            crate::ErrorKind::Conflict,
            "list_exists",
            "the Inbox is built in; choose another name",
        ));
    }
    Ok(n.to_string())
}

/// `#rgb` or `#rrggbb`, stored as lowercase `#rrggbb`.
fn color(v: &Value) -> Result<String> {
    let bad = || {
        Error::invalid(
            "color",
            "color must be a hex colour such as #3b82f6, or null",
        )
    };
    let c = v.as_str().ok_or_else(bad)?.trim();
    let hex = c.strip_prefix('#').ok_or_else(bad)?;
    if !hex.chars().all(|d| d.is_ascii_hexdigit()) {
        return Err(bad());
    }
    match hex.len() {
        6 => Ok(format!("#{}", hex.to_lowercase())),
        3 => Ok(hex
            .to_lowercase()
            .chars()
            .fold(String::from("#"), |mut s, d| {
                s.push(d);
                s.push(d);
                s
            })),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_list_needs_a_name_and_takes_a_colour() {
        let l = parse_new_list(&json!({"name": "  Groceries ", "color": "#F0A"})).unwrap();
        assert_eq!(l.name, "Groceries");
        assert_eq!(l.color.as_deref(), Some("#ff00aa"));
        assert_eq!(
            parse_new_list(&json!({"color": "#ffffff"}))
                .unwrap_err()
                .code,
            "validation_failed"
        );
        for bad in [json!("red"), json!("#12345"), json!("#gggggg"), json!(3)] {
            let e = parse_new_list(&json!({"name": "x", "color": bad})).unwrap_err();
            assert_eq!(e.details, Some(json!({"field": "color"})));
        }
        assert_eq!(
            parse_new_list(&json!({"name": "x", "owner": "u2"}))
                .unwrap_err()
                .code,
            "unknown_field"
        );
        assert_eq!(
            parse_new_list(&json!({"name": "INBOX"})).unwrap_err().code,
            "list_exists"
        );
        let long = "n".repeat(MAX_LIST_NAME_CHARS + 1);
        assert!(parse_new_list(&json!({ "name": long })).is_err());
        assert!(parse_new_list(&json!({"name": "a\u{0}b"})).is_err());
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let mut list = TaskList {
            id: "l1".into(),
            user_id: "u1".into(),
            name: "Work".into(),
            color: Some("#000000".into()),
            archived: false,
            created_at: 0,
            updated_at: 0,
        };
        let p = parse_list_patch(&json!({"color": null})).unwrap();
        assert!(apply_list_patch(&mut list, &p));
        assert_eq!((list.name.as_str(), list.color.as_deref()), ("Work", None));
        let same = parse_list_patch(&json!({"name": "Work", "archived": false})).unwrap();
        assert!(!apply_list_patch(&mut list, &same));
        assert_eq!(
            parse_list_patch(&json!({})).unwrap_err().code,
            "empty_update"
        );
        assert!(parse_list_patch(&json!({"archived": "yes"})).is_err());
    }

    #[test]
    fn a_list_reference_is_an_id_or_the_inbox() {
        assert_eq!(parse_list_ref(&json!(null)).unwrap(), None);
        assert_eq!(parse_list_ref(&json!("Inbox")).unwrap(), None);
        assert_eq!(
            parse_list_ref(&json!("0b6c-42")).unwrap().as_deref(),
            Some("0b6c-42")
        );
        for bad in [json!(""), json!(7), json!("a b"), json!("x".repeat(65))] {
            assert!(parse_list_ref(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn serializes_in_the_api_shape() {
        let list = TaskList {
            id: "l1".into(),
            user_id: "u1".into(),
            name: "Work".into(),
            color: None,
            archived: false,
            created_at: 0,
            updated_at: 1,
        };
        let v = serde_json::to_value(&list).unwrap();
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["archived", "color", "createdAt", "id", "name", "updatedAt"]
        );
    }
}
