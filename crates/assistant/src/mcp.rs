//! The Model Context Protocol over JSON-RPC 2.0, as the Streamable HTTP
//! transport carries it in a POST body: `initialize`, `ping`, `tools/list`,
//! `tools/call`; notifications and client responses are accepted without
//! an answer. A single message or a batch (an array) is read.
//!
//! Tool failures (bad input, a task not found, a broken rule) are results
//! with `isError: true`, so the model sees them; protocol mistakes are
//! JSON-RPC errors: -32700 parse error, -32600 invalid request, -32601
//! unknown method, -32602 invalid params (including an unknown tool),
//! -32603 internal error.

use crate::tools::{self, CallError, Output};
use serde_json::{json, Value};

/// The newest revision first; an `initialize` asking for one of these gets it.
pub const PROTOCOL_VERSIONS: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
/// A tool the caller's token may not call (implementation-defined range).
pub const FORBIDDEN: i64 = -32003;

/// Messages in one batch. MCP 2025-06-18 dropped batching; older clients
/// send a few messages at most, and an unbounded batch turns a small body
/// into a response many times its size (each `tools/list` is kilobytes).
pub const MAX_BATCH: usize = 16;

/// What the HTTP layer sends back.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The response(s); `None` when the body held only notifications or
    /// responses (HTTP 202, no body).
    pub body: Option<Value>,
    /// The body held an `initialize` request: start a session.
    pub initialized: bool,
    /// The body was not a JSON-RPC message at all (unparseable, an empty
    /// or oversized batch, or a single invalid request): HTTP 400.
    pub malformed: bool,
}

pub fn error(id: Value, code: i64, message: impl Into<String>) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message.into() } })
}

fn result(id: Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

/// Runs every message of a POST body. `call` runs a tool.
pub fn handle_body(
    body: &[u8],
    call: &mut dyn FnMut(&str, &Value) -> Result<Output, CallError>,
) -> Answer {
    handle_body_scoped(body, true, call)
}

/// `handle_body` for a caller that may or may not call tools that write:
/// without `writes_allowed`, `tools/list` shows only the tools that read.
pub fn handle_body_scoped(
    body: &[u8],
    writes_allowed: bool,
    call: &mut dyn FnMut(&str, &Value) -> Result<Output, CallError>,
) -> Answer {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return malformed(error(Value::Null, PARSE_ERROR, format!("Parse error: {e}"))),
    };
    let mut initialized = false;
    let body = match parsed {
        Value::Array(items) if items.is_empty() => {
            return malformed(error(
                Value::Null,
                INVALID_REQUEST,
                "Invalid Request: empty batch",
            ))
        }
        Value::Array(items) if items.len() > MAX_BATCH => {
            return malformed(error(
                Value::Null,
                INVALID_REQUEST,
                format!(
                    "Invalid Request: a batch may hold at most {MAX_BATCH} messages, not {}",
                    items.len()
                ),
            ))
        }
        Value::Array(items) => {
            let answers: Vec<Value> = items
                .iter()
                .filter_map(|m| handle_message(m, writes_allowed, call, &mut initialized))
                .collect();
            (!answers.is_empty()).then_some(Value::Array(answers))
        }
        single => {
            let answer = handle_message(&single, writes_allowed, call, &mut initialized);
            let invalid = answer
                .as_ref()
                .is_some_and(|a| a["error"]["code"].as_i64() == Some(INVALID_REQUEST));
            if invalid {
                return malformed(answer.unwrap_or(Value::Null));
            }
            answer
        }
    };
    Answer {
        body,
        initialized,
        malformed: false,
    }
}

fn malformed(body: Value) -> Answer {
    Answer {
        body: Some(body),
        initialized: false,
        malformed: true,
    }
}

/// One message; `None` for notifications and client responses.
pub fn handle_message(
    msg: &Value,
    writes_allowed: bool,
    call: &mut dyn FnMut(&str, &Value) -> Result<Output, CallError>,
    initialized: &mut bool,
) -> Option<Value> {
    let Some(obj) = msg.as_object() else {
        return Some(error(
            Value::Null,
            INVALID_REQUEST,
            "Invalid Request: a message must be an object",
        ));
    };
    let id = obj.get("id").cloned();
    // MCP ids are strings or integers; a fractional number is not an id.
    let id_ok = match &id {
        Some(Value::String(_)) => true,
        Some(Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    };
    let reply_id = if id_ok {
        id.clone().unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some(error(
            reply_id,
            INVALID_REQUEST,
            "Invalid Request: jsonrpc must be \"2.0\"",
        ));
    }
    let Some(method) = obj.get("method").and_then(Value::as_str) else {
        // A response to a server request (this server sends none), or junk.
        if obj.contains_key("result") || obj.contains_key("error") {
            return None;
        }
        return Some(error(
            reply_id,
            INVALID_REQUEST,
            "Invalid Request: method is required",
        ));
    };
    // A notification (notifications/initialized, .../cancelled): nothing to answer.
    id.as_ref()?;
    if !id_ok {
        return Some(error(
            Value::Null,
            INVALID_REQUEST,
            "Invalid Request: id must be a string or an integer",
        ));
    }
    let params = obj.get("params").cloned().unwrap_or(Value::Null);
    if !(params.is_null() || params.is_object()) {
        return Some(error(
            reply_id,
            INVALID_PARAMS,
            "Invalid params: params must be an object",
        ));
    }
    let outcome = match method {
        "initialize" => {
            *initialized = true;
            Ok(initialize(&params))
        }
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({ "tools": tools::mcp_descriptors(writes_allowed) })),
        "tools/call" => tools_call(&params, call),
        other => Err((METHOD_NOT_FOUND, format!("Method not found: {other}"))),
    };
    Some(match outcome {
        Ok(r) => result(reply_id, r),
        Err((code, message)) => error(reply_id, code, message),
    })
}

/// The protocol revision to answer `initialize` with.
pub fn negotiate(requested: Option<&str>) -> &'static str {
    requested
        .and_then(|r| PROTOCOL_VERSIONS.iter().find(|v| **v == r))
        .copied()
        .unwrap_or(PROTOCOL_VERSIONS[0])
}

fn initialize(params: &Value) -> Value {
    json!({
        "protocolVersion": negotiate(params["protocolVersion"].as_str()),
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": {
            "name": "taskmanager",
            "title": "Task manager",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "instructions": "Manage the signed-in user's tasks: list_tasks to find tasks and their ids, \
                         create_task (with an optional RRULE recurrence), update_task, complete_task, \
                         add_reminder, list_reminders, snooze_reminder, dismiss_reminder, lists \
                         (list_lists, create_list), the assistants' suggestions (list_suggestions, \
                         accept_suggestion, dismiss_suggestion), and delete_task (ask the user \
                         first). Times are RFC 3339.",
    })
}

fn tools_call(
    params: &Value,
    call: &mut dyn FnMut(&str, &Value) -> Result<Output, CallError>,
) -> Result<Value, (i64, String)> {
    let Some(name) = params["name"].as_str() else {
        return Err((
            INVALID_PARAMS,
            "Invalid params: tools/call needs the tool's name".into(),
        ));
    };
    let args = match &params["arguments"] {
        Value::Null => json!({}),
        v @ Value::Object(_) => v.clone(),
        _ => {
            return Err((
                INVALID_PARAMS,
                "Invalid params: arguments must be an object".into(),
            ))
        }
    };
    match call(name, &args) {
        Ok(out) => Ok(json!({
            "content": [{ "type": "text", "text": out.value.to_string() }],
            "structuredContent": out.value,
            "isError": false,
        })),
        Err(CallError::UnknownTool(name)) => Err((INVALID_PARAMS, format!("Unknown tool: {name}"))),
        Err(CallError::InsufficientScope(name)) => Err((
            FORBIDDEN,
            format!("{name} changes tasks; this connection was granted tasks:read only"),
        )),
        Err(CallError::Failed(e)) if !e.is_internal() => {
            let mut err = json!({ "code": e.code, "message": e.message });
            if let Some(d) = &e.details {
                err["details"] = d.clone();
            }
            Ok(json!({
                "content": [{ "type": "text", "text": format!("{}: {}", e.code, e.message) }],
                "structuredContent": { "error": err },
                "isError": true,
            }))
        }
        Err(CallError::Failed(e)) => {
            applog::error(
                "tool call failed",
                json!({ "tool": name, "error": e.message }),
            );
            Err((INTERNAL_ERROR, "Internal error".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Error;

    fn fake(name: &str, args: &Value) -> Result<Output, CallError> {
        match name {
            "create_task" if args["title"].is_string() => Ok(Output {
                value: json!({"id": "t1", "title": args["title"]}),
                actions: vec![],
                events: vec![],
                task: None,
            }),
            "create_task" => Err(CallError::Failed(Error::invalid(
                "title",
                "title is required",
            ))),
            "list_tasks" => Err(CallError::Failed(Error::internal("db down"))),
            other => Err(CallError::UnknownTool(other.into())),
        }
    }

    fn run(body: Value) -> Answer {
        handle_body(body.to_string().as_bytes(), &mut fake)
    }

    #[test]
    fn initialize_negotiates_the_version() {
        let a = run(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}));
        assert!(a.initialized);
        let body = a.body.unwrap();
        assert_eq!(body["id"], 1);
        assert_eq!(body["result"]["protocolVersion"], "2025-03-26");
        assert_eq!(
            body["result"]["capabilities"]["tools"]["listChanged"],
            false
        );
        // An unknown version gets the newest this server speaks.
        assert_eq!(negotiate(Some("1999-01-01")), "2025-11-25");
        assert_eq!(negotiate(None), "2025-11-25");
        assert_eq!(negotiate(Some("2025-06-18")), "2025-06-18");
    }

    #[test]
    fn notifications_get_no_answer() {
        let a = run(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        assert_eq!(a.body, None);
        let a = run(
            json!([{"jsonrpc": "2.0", "method": "notifications/initialized"},
                           {"jsonrpc": "2.0", "id": "r1", "result": {}}]),
        );
        assert_eq!(a.body, None);
    }

    #[test]
    fn tools_list_and_call() {
        let list = run(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}))
            .body
            .unwrap();
        assert_eq!(list["result"]["tools"].as_array().unwrap().len(), 14);
        // Without the write scope only the tools that read are listed.
        let read = handle_body_scoped(
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
                .to_string()
                .as_bytes(),
            false,
            &mut fake,
        );
        let names: Vec<String> = read.body.unwrap()["result"]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "list_tasks",
                "list_lists",
                "list_reminders",
                "list_suggestions"
            ]
        );
        let ok = run(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
            "params": {"name": "create_task", "arguments": {"title": "Buy milk"}}}))
        .body
        .unwrap();
        assert_eq!(ok["result"]["isError"], false);
        assert_eq!(ok["result"]["structuredContent"]["id"], "t1");
        let text = ok["result"]["content"][0]["text"].as_str().unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(text).unwrap()["title"],
            "Buy milk"
        );
        let bad = run(json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
            "params": {"name": "create_task", "arguments": {}}}))
        .body
        .unwrap();
        assert_eq!(bad["result"]["isError"], true);
        assert_eq!(
            bad["result"]["structuredContent"]["error"]["details"]["field"],
            "title"
        );
        let unknown = run(json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call",
            "params": {"name": "nope"}}))
        .body
        .unwrap();
        assert_eq!(unknown["error"]["code"], INVALID_PARAMS);
        let internal = run(json!({"jsonrpc": "2.0", "id": 6, "method": "tools/call",
            "params": {"name": "list_tasks"}}))
        .body
        .unwrap();
        assert_eq!(internal["error"]["code"], INTERNAL_ERROR);
    }

    #[test]
    fn protocol_errors() {
        let a = handle_body(b"{not json", &mut fake).body.unwrap();
        assert_eq!(a["error"]["code"], PARSE_ERROR);
        assert_eq!(a["id"], Value::Null);
        let a = run(json!({"jsonrpc": "2.0", "id": 7, "method": "resources/list"}))
            .body
            .unwrap();
        assert_eq!(a["error"]["code"], METHOD_NOT_FOUND);
        assert_eq!(a["id"], 7);
        let a = run(json!({"id": 8, "method": "ping"})).body.unwrap();
        assert_eq!(a["error"]["code"], INVALID_REQUEST);
        let a = run(json!([])).body.unwrap();
        assert_eq!(a["error"]["code"], INVALID_REQUEST);
        let a = run(json!([{"jsonrpc": "2.0", "id": 9, "method": "ping"}, 5]))
            .body
            .unwrap();
        assert_eq!(a[0]["result"], json!({}));
        assert_eq!(a[1]["error"]["code"], INVALID_REQUEST);
        let a = run(json!({"jsonrpc": "2.0", "id": null, "method": "ping"}))
            .body
            .unwrap();
        assert_eq!(a["error"]["code"], INVALID_REQUEST);
        let a = run(json!({"jsonrpc": "2.0", "id": 2.5, "method": "ping"}));
        assert!(a.malformed);
        assert_eq!(a.body.unwrap()["id"], Value::Null);
        let ok = run(json!({"jsonrpc": "2.0", "id": 3, "method": "ping"}));
        assert!(!ok.malformed);
        let batch = Value::Array(vec![
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
            MAX_BATCH + 1
        ]);
        let a = run(batch);
        assert!(a.malformed);
        assert_eq!(a.body.unwrap()["error"]["code"], INVALID_REQUEST);
    }
}
