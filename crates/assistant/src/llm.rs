//! The optional model: an OpenAI-compatible chat-completions endpoint with
//! tool calling over the same tools as MCP. The model only chooses tools;
//! every call runs through [`crate::tools::call`], so the task service does
//! the work. A delete is never run on the model's word: it becomes the same
//! yes/no question the parser path asks.
//!
//! Configuration (Spin variables): `llm_api_key` (empty: no model),
//! `llm_base_url` (default `https://api.openai.com/v1`), `llm_model`
//! (default `gpt-4o-mini`), `llm_timeout_ms` (default 10000). The
//! component's `allowed_outbound_hosts` must allow the base URL's host.

use crate::format::{local, titles};
use crate::pending::{Op, Pending};
use crate::tools::{self, CallError};
use crate::{Actor, LastTask, TaskRef, Turn};
use domain::{Error, ErrorKind};
use serde_json::{json, Value};
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Model round trips in one turn (each may call several tools).
const MAX_ROUNDS: usize = 5;
/// Earlier turns sent along as context.
pub const HISTORY_TURNS: i64 = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelConfig {
    pub api_key: String,
    pub base_url: String,
    pub model: String,
    pub timeout: Duration,
}

impl ModelConfig {
    /// Reads the variables; `None` when no API key is set.
    pub fn from_variables() -> Option<ModelConfig> {
        let var = |name: &str| spin_sdk::variables::get(name).unwrap_or_default();
        Self::from_values(
            &var("llm_api_key"),
            &var("llm_base_url"),
            &var("llm_model"),
            &var("llm_timeout_ms"),
        )
    }

    pub fn from_values(
        api_key: &str,
        base_url: &str,
        model: &str,
        timeout_ms: &str,
    ) -> Option<ModelConfig> {
        let or = |v: &str, d: &str| {
            let v = v.trim();
            if v.is_empty() {
                d.to_string()
            } else {
                v.to_string()
            }
        };
        let api_key = api_key.trim();
        if api_key.is_empty() {
            return None;
        }
        let ms = timeout_ms
            .trim()
            .parse::<u64>()
            .unwrap_or(DEFAULT_TIMEOUT_MS)
            .clamp(100, 120_000);
        Some(ModelConfig {
            api_key: api_key.to_string(),
            base_url: or(base_url, DEFAULT_BASE_URL),
            model: or(model, DEFAULT_MODEL),
            timeout: Duration::from_millis(ms),
        })
    }

    pub fn endpoint(&self) -> String {
        format!("{}/chat/completions", self.base_url.trim_end_matches('/'))
    }
}

/// The instructions the model gets with every request.
pub fn system_prompt(a: &Actor, last_task: Option<&TaskRef>) -> String {
    let now = local(a.tz, a.now)
        .map(|l| l.format("%A %-d %B %Y, %H:%M (UTC%:z)").to_string())
        .unwrap_or_default();
    let mut s = format!(
        "You are the assistant of a task manager. Act on the user's tasks only through the tools, \
         and never say you did something you did not do with a tool. To change a task you need its \
         id: find it with list_tasks (use search with words of its title). If several tasks could \
         be meant, ask which one. Deleting needs the user's confirmation, which the app asks for. \
         Times are RFC 3339 with an offset. The user's time zone is {tz}; it is now {now}. A date \
         without a time means the end of that day. Answer briefly, in plain text.",
        tz = a.tz.name(),
    );
    if let Some(t) = last_task {
        s.push_str(&format!(
            " The conversation is about the task “{}” (id {}).",
            t.title, t.id
        ));
    }
    s
}

/// The chat-completions request body.
pub fn request_body(config: &ModelConfig, messages: &[Value]) -> Value {
    json!({
        "model": config.model,
        "messages": messages,
        "tools": tools::function_tools(),
        "tool_choice": "auto",
        "temperature": 0,
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The arguments, or why they are not a JSON object.
    pub arguments: Result<Value, String>,
}

/// What one response asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The final answer.
    Text(String),
    /// Tools to run; `message` is the assistant message to send back.
    Tools {
        message: Value,
        calls: Vec<ToolCall>,
    },
}

pub fn parse_response(v: &Value) -> Result<Step, String> {
    let message = &v["choices"][0]["message"];
    if !message.is_object() {
        return Err("the response has no choices[0].message".into());
    }
    let calls: Vec<ToolCall> = message["tool_calls"]
        .as_array()
        .map(|calls| {
            calls
                .iter()
                .filter(|c| c["type"].as_str().unwrap_or("function") == "function")
                .map(|c| {
                    let raw = &c["function"]["arguments"];
                    let arguments = match raw {
                        Value::String(s) if s.trim().is_empty() => Ok(json!({})),
                        Value::String(s) => serde_json::from_str::<Value>(s)
                            .map_err(|e| format!("the arguments are not JSON: {e}")),
                        Value::Object(_) => Ok(raw.clone()),
                        Value::Null => Ok(json!({})),
                        _ => Err("the arguments are not a JSON object".to_string()),
                    };
                    ToolCall {
                        id: c["id"].as_str().unwrap_or_default().to_string(),
                        name: c["function"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        arguments,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    if !calls.is_empty() {
        return Ok(Step::Tools {
            message: json!({
                "role": "assistant",
                "content": message["content"].clone(),
                "tool_calls": message["tool_calls"].clone(),
            }),
            calls,
        });
    }
    match message["content"].as_str() {
        Some(text) => Ok(Step::Text(text.trim().to_string())),
        None => Err("the answer has neither text nor tool calls".into()),
    }
}

/// How a model turn ended.
pub enum Outcome {
    Answered(Box<Turn>),
    /// Nothing was done; the caller falls back to the parser.
    Failed(String),
}

/// A sentence for what the actions did, when the model says nothing.
fn summary(actions: &[Value]) -> String {
    let mut done: Vec<String> = Vec::new();
    for (kind, verb) in [
        ("task.created", "Added"),
        ("task.updated", "Updated"),
        ("task.completed", "Completed"),
        ("task.reopened", "Reopened"),
        ("task.deleted", "Deleted"),
        ("reminder.created", "Set a reminder for"),
    ] {
        let names: Vec<String> = actions
            .iter()
            .filter(|a| a["type"] == kind)
            .filter_map(|a| a["title"].as_str().map(str::to_string))
            .collect();
        if !names.is_empty() {
            done.push(format!("{verb} {}", titles(&names)));
        }
    }
    if done.is_empty() {
        "Done.".into()
    } else {
        format!("{}.", done.join("; "))
    }
}

/// One conversation turn with the model. `history` holds the earlier
/// turns (oldest first).
pub fn converse(
    a: &Actor,
    config: &ModelConfig,
    history: &[store::conversations::Turn],
    message: &str,
    last_task: Option<&TaskRef>,
) -> Result<Outcome, Error> {
    let mut messages = vec![json!({ "role": "system", "content": system_prompt(a, last_task) })];
    for t in history {
        let role = if t.role == "assistant" {
            "assistant"
        } else {
            "user"
        };
        messages.push(json!({ "role": role, "content": t.text }));
    }
    messages.push(json!({ "role": "user", "content": message }));
    let mut turn = Turn::default();
    let finish = |mut turn: Turn, why: String| -> Outcome {
        if turn.events.is_empty() {
            Outcome::Failed(why)
        } else {
            // Something was done: report it rather than run the message twice.
            turn.reply = summary(&turn.actions);
            Outcome::Answered(Box::new(turn))
        }
    };
    for _ in 0..MAX_ROUNDS {
        let body = request_body(config, &messages);
        let response = match crate::http::post_json(
            &config.endpoint(),
            &config.api_key,
            &body,
            config.timeout,
        ) {
            Ok(r) => r,
            Err(why) => return Ok(finish(turn, why)),
        };
        let step = match parse_response(&response) {
            Ok(s) => s,
            Err(why) => return Ok(finish(turn, why)),
        };
        let (assistant, calls) = match step {
            Step::Text(text) => {
                turn.reply = if text.is_empty() {
                    summary(&turn.actions)
                } else {
                    text
                };
                return Ok(Outcome::Answered(Box::new(turn)));
            }
            Step::Tools { message, calls } => (message, calls),
        };
        messages.push(assistant);
        for call in calls {
            let content = match &call.arguments {
                Err(why) => json!({ "error": { "code": "invalid_arguments", "message": why } }),
                Ok(args) if call.name == "delete_task" => {
                    if let Some(question) = confirm_delete(a, args, &mut turn)? {
                        // The app asks; the model's turn ends here.
                        if !turn.actions.is_empty() {
                            turn.reply = format!("{} {question}", summary(&turn.actions));
                        } else {
                            turn.reply = question;
                        }
                        return Ok(Outcome::Answered(Box::new(turn)));
                    }
                    json!({ "error": { "code": "not_found", "message": "task not found" } })
                }
                Ok(args) => match tools::call(a, &call.name, args) {
                    Ok(out) => {
                        turn.actions.extend(out.actions);
                        turn.events.extend(out.events);
                        if let Some(t) = out.task {
                            turn.last_task = LastTask::Set(t);
                        }
                        out.value
                    }
                    Err(CallError::UnknownTool(name)) => json!({
                        "error": { "code": "unknown_tool", "message": format!("there is no tool {name}") }
                    }),
                    // The chat acts for the signed-in user, who may do anything.
                    Err(CallError::InsufficientScope(name)) => json!({
                        "error": { "code": "forbidden", "message": format!("{name} is not allowed here") }
                    }),
                    Err(CallError::Failed(e)) if !e.is_internal() => json!({
                        "error": { "code": e.code, "message": e.message, "details": e.details }
                    }),
                    Err(CallError::Failed(e)) => return Err(e),
                },
            };
            messages.push(json!({
                "role": "tool",
                "tool_call_id": call.id,
                "content": content.to_string(),
            }));
        }
    }
    Ok(finish(
        turn,
        format!("no answer after {MAX_ROUNDS} rounds of tool calls"),
    ))
}

/// Turns the model's delete into the yes/no question; `None` when the
/// task does not exist.
fn confirm_delete(a: &Actor, args: &Value, turn: &mut Turn) -> Result<Option<String>, Error> {
    let id = args["taskId"].as_str().unwrap_or_default();
    let task = match task_service::get(a.db, a.user_id, id) {
        Ok(t) => t,
        Err(e) if e.kind == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let question = format!(
        "Delete “{}”? This can't be undone. Answer yes or no.",
        task.title
    );
    turn.pending = Some(Pending::Confirm {
        op: Op::Delete,
        task: TaskRef::of(&task),
        question: question.clone(),
        created_at: a.now,
    });
    turn.last_task = LastTask::Set(TaskRef::of(&task));
    Ok(Some(question))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_needs_a_key_and_has_defaults() {
        assert_eq!(ModelConfig::from_values(" ", "", "", ""), None);
        let c = ModelConfig::from_values("k", "", "", "").unwrap();
        assert_eq!(c.endpoint(), "https://api.openai.com/v1/chat/completions");
        assert_eq!(c.model, DEFAULT_MODEL);
        assert_eq!(c.timeout, Duration::from_millis(DEFAULT_TIMEOUT_MS));
        let c = ModelConfig::from_values("k", "http://127.0.0.1:9/v1/", "m", "1500").unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9/v1/chat/completions");
        assert_eq!(c.timeout, Duration::from_millis(1500));
    }

    #[test]
    fn reads_tool_calls_and_text() {
        let r = json!({"choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "create_task", "arguments": "{\"title\":\"Buy milk\"}"}},
            {"id": "c2", "type": "function", "function": {"name": "list_tasks", "arguments": ""}},
            {"id": "c3", "type": "function", "function": {"name": "x", "arguments": "{oops"}}
        ]}}]});
        let Step::Tools { message, calls } = parse_response(&r).unwrap() else {
            panic!("tool calls expected")
        };
        assert_eq!(message["role"], "assistant");
        assert_eq!(message["tool_calls"][0]["id"], "c1");
        assert_eq!(calls[0].name, "create_task");
        assert_eq!(calls[0].arguments, Ok(json!({"title": "Buy milk"})));
        assert_eq!(calls[1].arguments, Ok(json!({})));
        assert!(calls[2].arguments.is_err());
        let r = json!({"choices": [{"message": {"role": "assistant", "content": " Done! "}}]});
        assert_eq!(parse_response(&r).unwrap(), Step::Text("Done!".into()));
        assert!(parse_response(&json!({"error": {"message": "bad key"}})).is_err());
        assert!(parse_response(&json!({"choices": [{"message": {}}]})).is_err());
    }

    #[test]
    fn request_lists_the_tools() {
        let c = ModelConfig::from_values("k", "", "m", "").unwrap();
        let body = request_body(&c, &[json!({"role": "user", "content": "hi"})]);
        assert_eq!(body["model"], "m");
        assert_eq!(body["tools"].as_array().unwrap().len(), tools::all().len());
        assert_eq!(body["tools"][0]["type"], "function");
    }

    #[test]
    fn summarises_actions() {
        let actions = vec![
            json!({"type": "task.created", "title": "A"}),
            json!({"type": "task.created", "title": "B"}),
            json!({"type": "task.completed", "title": "C"}),
        ];
        assert_eq!(summary(&actions), "Added “A” and “B”; Completed “C”.");
        assert_eq!(summary(&[]), "Done.");
    }
}
