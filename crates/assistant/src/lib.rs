//! The assistant: turns a chat message (read by `intent-parser`, or by an
//! optional OpenAI-compatible model with tool calling) or an MCP tool call
//! into task operations. Every operation goes through `task-service`, the
//! same code as the REST API, so validation, versions, outbox events,
//! reminders and recurrences behave exactly as they do there.
//!
//! * [`chat`]: one conversation turn (`POST /api/v1/chat`), with the state
//!   a conversation keeps: the action waiting for a yes/no or for a choice
//!   between tasks, and the task the previous turn acted on.
//! * [`intents`]: executes a parsed [`intent_parser::Intent`].
//! * [`tools`]: the operations as tools with JSON Schemas (list, create,
//!   update, complete, delete, remind), shared by MCP and the model.
//! * [`mcp`]: the JSON-RPC 2.0 side of the MCP server.
//! * [`llm`]: the model's request and response, and the tool-calling loop.

pub mod chat;
mod format;
mod http;
pub mod intents;
pub mod llm;
pub mod mcp;
pub mod pending;
pub mod quick_add;
pub mod tools;

use domain::event::{Origin, OutboxEvent};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use store::Db;

/// A task as a conversation remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRef {
    pub id: String,
    pub title: String,
}

impl TaskRef {
    pub fn of(task: &domain::task::Task) -> TaskRef {
        TaskRef {
            id: task.id.clone(),
            title: task.title.clone(),
        }
    }

    pub fn to_parser(&self) -> intent_parser::TaskRef {
        intent_parser::TaskRef::new(self.id.clone(), self.title.clone())
    }

    pub fn from_parser(r: &intent_parser::TaskRef) -> TaskRef {
        TaskRef {
            id: r.id.clone(),
            title: r.title.clone(),
        }
    }
}

/// Who acts, where, and when: what every operation needs.
pub struct Actor<'a> {
    pub db: &'a Db,
    pub user_id: &'a str,
    pub origin: &'a Origin,
    /// The user's time zone, for reading and showing times.
    pub tz: chrono_tz::Tz,
    pub now: i64,
}

impl<'a> Actor<'a> {
    /// An actor in the user's time zone (UTC when it is unknown).
    pub fn for_user(
        db: &'a Db,
        user_id: &'a str,
        origin: &'a Origin,
        now: i64,
    ) -> Result<Actor<'a>, domain::Error> {
        let tz = store::users::get_user(db, user_id)?
            .map(|(_, s)| s.timezone.tz())
            .unwrap_or(chrono_tz::UTC);
        Ok(Actor {
            db,
            user_id,
            origin,
            tz,
            now,
        })
    }
}

/// What the task the conversation talks about becomes after a turn.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LastTask {
    /// The turn touched no task: keep the previous one.
    #[default]
    Keep,
    Set(TaskRef),
    /// The task is gone (deleted).
    Clear,
}

/// What one turn of the assistant produced.
#[derive(Debug, Clone, Default)]
pub struct Turn {
    pub reply: String,
    /// What was done, e.g. `{"type":"task.created","taskId","title","task"}`.
    pub actions: Vec<Value>,
    /// Events to publish once the response is ready (already in the outbox).
    pub events: Vec<OutboxEvent>,
    /// What now waits for the user's answer.
    pub pending: Option<pending::Pending>,
    pub last_task: LastTask,
    /// How the parser read the message (parser turns).
    pub explanation: Option<String>,
}

impl Turn {
    pub fn say(reply: impl Into<String>) -> Turn {
        Turn {
            reply: reply.into(),
            ..Default::default()
        }
    }
}

/// An action entry: `{"type", "taskId", "title", ...extra}`.
pub fn action(kind: &str, task: &domain::task::Task, extra: Value) -> Value {
    let mut a = json!({
        "type": kind,
        "taskId": task.id,
        "title": task.title,
        "task": task,
    });
    if let (Some(a), Value::Object(extra)) = (a.as_object_mut(), extra) {
        a.extend(extra);
    }
    a
}
