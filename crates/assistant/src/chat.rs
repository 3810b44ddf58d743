//! One chat turn: `{message, conversationId?}` in, `{reply, conversationId,
//! actions, pending?, source, explanation?}` out, with both messages kept
//! in the conversation.
//!
//! Order of reading a message: first as the answer to what the
//! conversation waits for (yes/no, or which task); then by the model when
//! one is configured; then (or when the model fails, times out or is not
//! configured) by the built-in parser.

use crate::llm::{self, ModelConfig};
use crate::pending::Pending;
use crate::{intents, Actor, LastTask, TaskRef, Turn};
use domain::event::OutboxEvent;
use domain::time::format_ms;
use domain::Error;
use serde_json::{json, Value};
use store::conversations::{self, Conversation};

pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Turns a conversation view shows.
const MAX_TURNS_SHOWN: i64 = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRequest {
    pub message: String,
    pub conversation_id: Option<String>,
}

/// Reads and checks `{message, conversationId?}`.
pub fn parse_request(body: &Value) -> Result<ChatRequest, Error> {
    let obj = body
        .as_object()
        .ok_or_else(|| Error::bad_request("invalid_body", "the body must be a JSON object"))?;
    if let Some(k) = obj
        .keys()
        .find(|k| !["message", "conversationId"].contains(&k.as_str()))
    {
        return Err(Error::bad_request(
            "unknown_field",
            format!("unknown field `{k}`; expected message, conversationId"),
        )
        .with_details(json!({ "field": k })));
    }
    let message = match obj.get("message") {
        Some(Value::String(s)) => s.trim().to_string(),
        None | Some(Value::Null) => return Err(Error::invalid("message", "message is required")),
        Some(_) => return Err(Error::invalid("message", "message must be a string")),
    };
    if message.is_empty() {
        return Err(Error::invalid("message", "message must not be empty"));
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(Error::invalid(
            "message",
            format!("message must be at most {MAX_MESSAGE_CHARS} characters"),
        ));
    }
    let conversation_id = match obj.get("conversationId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 64 => {
            Some(s.trim().to_string())
        }
        Some(_) => {
            return Err(Error::invalid(
                "conversationId",
                "conversationId must be the id of one of your conversations",
            ))
        }
    };
    Ok(ChatRequest {
        message,
        conversation_id,
    })
}

/// The answer and the events to publish after it.
pub struct Response {
    pub body: Value,
    pub events: Vec<OutboxEvent>,
}

fn conversation(a: &Actor, id: &str) -> Result<Conversation, Error> {
    conversations::get(a.db, a.user_id, id)?.ok_or_else(|| Error::not_found("conversation"))
}

/// Runs one turn and stores it.
pub fn respond(
    a: &Actor,
    req: &ChatRequest,
    model: Option<&ModelConfig>,
) -> Result<Response, Error> {
    let existing = match &req.conversation_id {
        Some(id) => Some(conversation(a, id)?),
        None => None,
    };
    let pending = existing
        .as_ref()
        .and_then(|c| Pending::load(c.pending.as_ref(), a.now));
    let last_task: Option<TaskRef> = existing
        .as_ref()
        .and_then(|c| c.last_task.clone())
        .and_then(|v| serde_json::from_value(v).ok());
    let ctx = intent_parser::Context {
        timezone: a.tz,
        now_utc_ms: a.now,
        last_task: last_task.as_ref().map(TaskRef::to_parser),
    };
    let parsed = intent_parser::parse(&req.message, &ctx);

    let mut source = "parser";
    let mut turn: Option<Turn> = None;
    if let Some(p) = &pending {
        turn = intents::answer(a, p, &req.message, &parsed.intent)?;
    }
    if turn.is_none() {
        if let Some(config) = model {
            let history = match &existing {
                Some(c) => conversations::recent_turns(a.db, &c.id, llm::HISTORY_TURNS)?,
                None => vec![],
            };
            match llm::converse(a, config, &history, &req.message, last_task.as_ref())? {
                llm::Outcome::Answered(t) => {
                    turn = Some(*t);
                    source = "model";
                }
                llm::Outcome::Failed(why) => applog::warn(
                    "model unavailable; the built-in parser answers",
                    json!({ "reason": why, "correlationId": a.origin.correlation_id }),
                ),
            }
        }
    }
    let turn = match turn {
        Some(t) => t,
        None => intents::run(a, parsed)?,
    };

    let last_task = match &turn.last_task {
        LastTask::Keep => last_task,
        LastTask::Set(r) => Some(r.clone()),
        LastTask::Clear => None,
    };
    let id = existing
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let actions = Value::from(turn.actions.clone());
    let pending_stored = turn.pending.as_ref().map(Pending::store);
    let last_stored = last_task
        .as_ref()
        .and_then(|r| serde_json::to_value(r).ok());
    a.db.transaction(|db| {
        if existing.is_none() {
            conversations::insert(
                db,
                &Conversation {
                    id: id.clone(),
                    user_id: a.user_id.to_string(),
                    pending: None,
                    last_task: None,
                    turns: 0,
                    created_at: a.now,
                    updated_at: a.now,
                },
            )?;
        }
        conversations::append_turn(db, &id, "user", &req.message, &json!([]), None, a.now)?;
        conversations::append_turn(
            db,
            &id,
            "assistant",
            &turn.reply,
            &actions,
            Some(source),
            a.now,
        )?;
        conversations::set_state(
            db,
            &id,
            pending_stored.as_ref(),
            last_stored.as_ref(),
            a.now,
        )
    })?;

    let mut body = json!({
        "reply": turn.reply,
        "conversationId": id,
        "actions": actions,
        "source": source,
    });
    if let Some(p) = &turn.pending {
        body["pending"] = p.view();
    }
    if let (Some(e), "parser") = (&turn.explanation, source) {
        body["explanation"] = json!(e);
    }
    Ok(Response {
        body,
        events: turn.events,
    })
}

/// `{id, createdAt, updatedAt, pending, turns: [...]}` (the last 200 turns).
pub fn conversation_view(a: &Actor, id: &str) -> Result<Value, Error> {
    let c = conversation(a, id)?;
    let turns: Vec<Value> = conversations::recent_turns(a.db, &c.id, MAX_TURNS_SHOWN)?
        .iter()
        .map(conversations::Turn::to_json)
        .collect();
    let pending = Pending::load(c.pending.as_ref(), a.now).map(|p| p.view());
    Ok(json!({
        "id": c.id,
        "createdAt": format_ms(c.created_at),
        "updatedAt": format_ms(c.updated_at),
        "pending": pending,
        "turns": turns,
    }))
}

/// `{items: [{id, createdAt, updatedAt, turns}]}`, most recent first.
pub fn conversation_list(a: &Actor) -> Result<Value, Error> {
    let items: Vec<Value> = conversations::list(a.db, a.user_id, 50)?
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "createdAt": format_ms(c.created_at),
                "updatedAt": format_ms(c.updated_at),
                "turns": c.turns,
            })
        })
        .collect();
    Ok(json!({ "items": items }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_checked() {
        let r = parse_request(&json!({"message": " hi ", "conversationId": "c1"})).unwrap();
        assert_eq!(r.message, "hi");
        assert_eq!(r.conversation_id.as_deref(), Some("c1"));
        let code = |v: Value| parse_request(&v).unwrap_err().code;
        assert_eq!(code(json!({})), "validation_failed");
        assert_eq!(code(json!({"message": "  "})), "validation_failed");
        assert_eq!(code(json!({"message": 3})), "validation_failed");
        assert_eq!(
            code(json!({"message": "x".repeat(MAX_MESSAGE_CHARS + 1)})),
            "validation_failed"
        );
        assert!(parse_request(&json!({"message": "x".repeat(MAX_MESSAGE_CHARS)})).is_ok());
        assert_eq!(
            code(json!({"message": "a", "conversationId": 5})),
            "validation_failed"
        );
        assert_eq!(code(json!({"message": "a", "extra": 1})), "unknown_field");
        assert_eq!(code(json!([1])), "invalid_body");
    }
}
