//! The quick-add field's reading of a new task: the assistant's parser and
//! the same `POST /api/v1/tasks` body the assistant sends, with where each
//! recognized part stands in the text, so the field can highlight it and the
//! user can turn a part back into plain text before saving.
//!
//! Offsets are UTF-16 code units, as a browser's `selectionStart` and
//! `String.prototype.slice` count them.

use crate::intents::NewFromChat;
use domain::time::format_ms;
use domain::Error;
use intent_parser::{Context, ReminderSpec};
use serde_json::{json, Value};

/// The longest text read (a title is at most 500 characters; words that
/// become a date or a rule come on top).
pub const MAX_TEXT_CHARS: usize = 1000;
/// Parts a user may keep as text at once.
const MAX_PLAIN: usize = 20;

/// `{text, plain?: [[start, end], ...]}`.
pub struct PreviewRequest {
    pub text: String,
    /// UTF-16 ranges the user turned back into text.
    pub plain: Vec<(usize, usize)>,
}

pub fn parse_request(body: &Value) -> Result<PreviewRequest, Error> {
    let obj = body
        .as_object()
        .ok_or_else(|| Error::bad_request("invalid_body", "the body must be a JSON object"))?;
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "text" | "plain")) {
        return Err(Error::bad_request(
            "unknown_field",
            format!("unknown field {k:?}"),
        ));
    }
    let text = obj
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("text", "text must be a string"))?;
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            "text",
            format!("text must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    let plain = match obj.get("plain") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) if items.len() <= MAX_PLAIN => items
            .iter()
            .map(|r| match r.as_array().map(Vec::as_slice) {
                Some([a, b]) => match (a.as_u64(), b.as_u64()) {
                    (Some(a), Some(b)) if a < b => Ok((a as usize, b as usize)),
                    _ => Err(()),
                },
                _ => Err(()),
            })
            .collect::<Result<_, _>>()
            .map_err(|_| Error::invalid("plain", "plain must be a list of [start, end] pairs"))?,
        Some(_) => {
            return Err(Error::invalid(
                "plain",
                format!("plain must be a list of at most {MAX_PLAIN} [start, end] pairs"),
            ))
        }
    };
    Ok(PreviewRequest {
        text: text.to_string(),
        plain,
    })
}

/// The reading of `req.text` as a new task in `tz` at `now`.
pub fn preview(tz: chrono_tz::Tz, now: i64, req: &PreviewRequest) -> Value {
    let text = req.text.as_str();
    let plain: Vec<(usize, usize)> = req
        .plain
        .iter()
        .map(|&(a, b)| (byte_offset(text, a), byte_offset(text, b)))
        .collect();
    let ctx = Context {
        timezone: tz,
        now_utc_ms: now,
        last_task: None,
    };
    let parsed = intent_parser::parse_new_task(text, &ctx, &plain);
    let parts: Vec<Value> = parsed
        .spans
        .iter()
        .map(|s| {
            json!({
                "start": utf16_offset(text, s.start),
                "end": utf16_offset(text, s.end),
                "kind": s.kind,
                "text": &text[s.start..s.end],
            })
        })
        .collect();
    match NewFromChat::from_intent(parsed.intent) {
        Some(new) => {
            // Only a body the task API accepts is offered; otherwise say why
            // (a title over the limit, say), as the chat would.
            let body = new.task_body(tz, now);
            if let Err(e) = domain::task::parse_new_task(&body) {
                return json!({
                    "task": null,
                    "reminders": [],
                    "parts": parts,
                    "summary": format!("I can't add that task: {}.", e.message),
                });
            }
            json!({
                "task": body,
                "reminders": new.reminders.iter().map(reminder_body).collect::<Vec<_>>(),
                "parts": parts,
                "summary": parsed.explanation,
            })
        }
        // The text cannot be a task as read (a date in the past for a
        // reminder, a rule that cannot repeat): say why, save nothing.
        None => json!({
            "task": null,
            "reminders": [],
            "parts": parts,
            "summary": parsed.explanation,
        }),
    }
}

/// The body of `POST /api/v1/tasks/{id}/reminders` for a parsed reminder.
fn reminder_body(r: &ReminderSpec) -> Value {
    match r {
        ReminderSpec::Before { minutes } => json!({ "before": format!("{minutes}m") }),
        ReminderSpec::At { utc_ms } => json!({ "at": format_ms(*utc_ms) }),
    }
}

/// The byte offset of the UTF-16 offset `u` (clamped to a char boundary).
fn byte_offset(text: &str, u: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= u {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn utf16_offset(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = intent_parser::eval::REFERENCE_UTC_MS;

    fn read(text: &str, plain: Vec<(usize, usize)>) -> Value {
        let tz: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        preview(
            tz,
            NOW,
            &PreviewRequest {
                text: text.into(),
                plain,
            },
        )
    }

    #[test]
    fn a_task_with_its_parts_in_utf16_offsets() {
        // The parser leaves emoji out of titles; offsets still count them.
        let v = read("Call mom 📞 tomorrow at 6pm !high", vec![]);
        assert_eq!(v["task"]["title"], "Call mom");
        assert_eq!(v["task"]["priority"], "high");
        assert_eq!(v["task"]["dueAt"], "2026-11-27T17:00:00.000Z");
        let date = v["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == "date")
            .unwrap();
        // "Call mom 📞 " is 12 UTF-16 units (the emoji counts two).
        assert_eq!(date["start"], 12);
        assert_eq!(date["text"], "tomorrow at 6pm");
    }

    #[test]
    fn a_part_kept_as_text_stays_in_the_title() {
        let v = read("Buy milk tomorrow", vec![(9, 17)]);
        assert_eq!(v["task"]["title"], "Buy milk tomorrow");
        assert!(v["task"].get("dueAt").is_none());
    }

    #[test]
    fn reminders_and_rules_become_request_bodies() {
        let v = read(
            "Water plants every 3 days, remind me 15 minutes before",
            vec![],
        );
        assert_eq!(v["task"]["recurrence"]["rrule"], "FREQ=DAILY;INTERVAL=3");
        assert_eq!(v["reminders"], json!([{ "before": "15m" }]));
    }

    #[test]
    fn a_body_the_task_api_would_refuse_is_not_offered() {
        let v = read(&"x".repeat(600), vec![]);
        assert_eq!(v["task"], Value::Null);
        assert!(v["summary"].as_str().unwrap().contains("title"), "{v}");
    }

    #[test]
    fn requests_are_checked() {
        assert!(parse_request(&json!({"text": "x", "plain": [[3, 1]]})).is_err());
        assert!(parse_request(&json!({"text": "x", "extra": 1})).is_err());
        assert!(parse_request(&json!({"text": "x".repeat(1001)})).is_err());
        assert!(parse_request(&json!({"text": "ok", "plain": [[0, 2]]})).is_ok());
    }
}
