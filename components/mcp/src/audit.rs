//! The audit trail: every tool call through MCP, per connected app, for the
//! user to see in Settings (the `connected-apps` component reads it).

use assistant::tools::{CallError, Output};
use domain::time::now_ms;
use serde_json::Value;
use store::oauth::Call;
use store::Db;

/// How much of a call's arguments the trail keeps.
const SUMMARY_CHARS: usize = 200;

/// The record of one call: the tool, its arguments (shortened), and `ok` or
/// the error's code.
pub fn entry(
    user_id: &str,
    grant: Option<&(String, String)>,
    tool: &str,
    args: &Value,
    out: &Result<Output, CallError>,
) -> Call {
    let mut summary: String = args.to_string().chars().take(SUMMARY_CHARS + 1).collect();
    if summary.chars().count() > SUMMARY_CHARS {
        summary = summary.chars().take(SUMMARY_CHARS - 1).collect::<String>() + "…";
    }
    let outcome = match out {
        Ok(_) => "ok".to_string(),
        Err(CallError::UnknownTool(_)) => "unknown_tool".to_string(),
        Err(CallError::InsufficientScope(_)) => "insufficient_scope".to_string(),
        Err(CallError::Failed(e)) => e.code.to_string(),
    };
    Call {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user_id.to_string(),
        client_id: grant.map(|(_, client)| client.clone()),
        tool: tool.chars().take(100).collect(),
        summary,
        outcome,
        at: now_ms(),
    }
}

/// Keeps the calls, and when the app last used its connection. The calls have
/// happened: a failure to record them is logged, not answered.
pub fn record(db: &Db, grant: Option<&(String, String)>, calls: &[Call]) {
    let result = db.transaction(|db| {
        for call in calls {
            store::oauth::insert_call(db, call)?;
        }
        // Any request counts as a use of the app's connection.
        if let Some((grant_id, _)) = grant {
            store::oauth::touch_grant(db, grant_id, now_ms())?;
        }
        Ok(())
    });
    if let Err(e) = result {
        applog::error(
            "mcp audit not recorded",
            serde_json::json!({ "error": e.message, "calls": calls.len() }),
        );
    }
}
