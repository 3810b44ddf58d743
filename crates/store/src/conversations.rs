//! Assistant conversations: one row per conversation with the state the
//! next turn needs (`pending`: an action waiting for an answer;
//! `last_task`: the task the previous turn acted on, both JSON), and the
//! turns, numbered from 1 within their conversation.

use crate::db::{Db, Row, Value};
use domain::time::format_ms;
use domain::Error;
use serde_json::json;

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub user_id: String,
    pub pending: Option<serde_json::Value>,
    pub last_task: Option<serde_json::Value>,
    /// How many turns it has (the last turn's number).
    pub turns: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One message of a conversation: the user's or the assistant's.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub seq: i64,
    /// `user` or `assistant`.
    pub role: String,
    pub text: String,
    /// JSON array: what the turn did (assistant turns).
    pub actions: serde_json::Value,
    /// `parser` or `model` for assistant turns.
    pub source: Option<String>,
    pub created_at: i64,
}

impl Turn {
    /// The turn as the API shows it.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = json!({
            "seq": self.seq,
            "role": self.role,
            "text": self.text,
            "actions": self.actions,
            "createdAt": format_ms(self.created_at),
        });
        if let Some(s) = &self.source {
            v["source"] = json!(s);
        }
        v
    }
}

const COLUMNS: &str = "id, user_id, pending, last_task, turns, created_at, updated_at";

fn json_column(r: &Row, i: usize, what: &str) -> Result<Option<serde_json::Value>, Error> {
    r.opt_text(i)?
        .map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| Error::internal(format!("stored {what}: {e}")))
}

fn from_row(r: &Row) -> Result<Conversation, Error> {
    Ok(Conversation {
        id: r.text(0)?,
        user_id: r.text(1)?,
        pending: json_column(r, 2, "pending")?,
        last_task: json_column(r, 3, "last_task")?,
        turns: r.int(4)?,
        created_at: r.int(5)?,
        updated_at: r.int(6)?,
    })
}

fn json_text(v: Option<&serde_json::Value>) -> Value {
    v.map(|v| v.to_string()).into()
}

pub fn insert(db: &Db, c: &Conversation) -> Result<(), Error> {
    db.run(
        "INSERT INTO conversations (id, user_id, pending, last_task, turns, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            (&c.id).into(),
            (&c.user_id).into(),
            json_text(c.pending.as_ref()),
            json_text(c.last_task.as_ref()),
            Value::Int(c.turns),
            Value::Int(c.created_at),
            Value::Int(c.updated_at),
        ],
    )
}

/// A conversation of this user; another user's is `None`.
pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Option<Conversation>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM conversations WHERE id = $1 AND user_id = $2"),
        &[id.into(), user_id.into()],
    )?;
    rows.first().map(from_row).transpose()
}

/// The user's conversations, most recently active first.
pub fn list(db: &Db, user_id: &str, limit: i64) -> Result<Vec<Conversation>, Error> {
    let rows = db.query(
        &format!(
            "SELECT {COLUMNS} FROM conversations WHERE user_id = $1
             ORDER BY updated_at DESC, id DESC LIMIT $2"
        ),
        &[user_id.into(), Value::Int(limit)],
    )?;
    rows.iter().map(from_row).collect()
}

/// Replaces what the next turn needs to know.
pub fn set_state(
    db: &Db,
    id: &str,
    pending: Option<&serde_json::Value>,
    last_task: Option<&serde_json::Value>,
    now: i64,
) -> Result<(), Error> {
    db.run(
        "UPDATE conversations SET pending = $2, last_task = $3, updated_at = $4 WHERE id = $1",
        &[
            id.into(),
            json_text(pending),
            json_text(last_task),
            Value::Int(now),
        ],
    )
}

/// Appends a turn with the next number (inside the caller's transaction:
/// the counter's row lock orders concurrent writers); answers the number.
pub fn append_turn(
    db: &Db,
    conversation_id: &str,
    role: &str,
    text: &str,
    actions: &serde_json::Value,
    source: Option<&str>,
    now: i64,
) -> Result<i64, Error> {
    db.run(
        "UPDATE conversations SET turns = turns + 1, updated_at = $2 WHERE id = $1",
        &[conversation_id.into(), Value::Int(now)],
    )?;
    db.run(
        "INSERT INTO chat_turns (conversation_id, seq, role, text, actions, source, created_at)
         SELECT $1, turns, $2, $3, $4, $5, $6 FROM conversations WHERE id = $1",
        &[
            conversation_id.into(),
            role.into(),
            text.into(),
            actions.to_string().into(),
            source.into(),
            Value::Int(now),
        ],
    )?;
    let rows = db.query(
        "SELECT turns FROM conversations WHERE id = $1",
        &[conversation_id.into()],
    )?;
    rows.first()
        .map(|r| r.int(0))
        .unwrap_or_else(|| Err(Error::not_found("conversation")))
}

/// The last `limit` turns, oldest first.
pub fn recent_turns(db: &Db, conversation_id: &str, limit: i64) -> Result<Vec<Turn>, Error> {
    let rows = db.query(
        "SELECT seq, role, text, actions, source, created_at FROM chat_turns
         WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2",
        &[conversation_id.into(), Value::Int(limit)],
    )?;
    let mut turns = rows
        .iter()
        .map(|r| {
            Ok(Turn {
                seq: r.int(0)?,
                role: r.text(1)?,
                text: r.text(2)?,
                actions: serde_json::from_str(&r.text(3)?)
                    .map_err(|e| Error::internal(format!("stored actions: {e}")))?,
                source: r.opt_text(4)?,
                created_at: r.int(5)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    turns.reverse();
    Ok(turns)
}
