//! One JSON object per line on stderr, written with a single write. A guest's
//! stderr is unbuffered and every write is a host call, so a line formatted
//! piece by piece (`eprintln!("{value}")`) would cost dozens of calls.

use serde_json::{json, Value};
use std::io::Write;

pub fn emit(line: &Value) {
    let mut text = line.to_string();
    text.push('\n');
    // Logging must never fail a request.
    let _ = std::io::stderr().write_all(text.as_bytes());
}

pub fn warn(msg: &str, fields: Value) {
    emit(&with_level("warn", msg, fields));
}

pub fn error(msg: &str, fields: Value) {
    emit(&with_level("error", msg, fields));
}

fn with_level(level: &str, msg: &str, fields: Value) -> Value {
    let mut line = json!({ "level": level, "msg": msg });
    if let (Some(target), Value::Object(extra)) = (line.as_object_mut(), fields) {
        target.extend(extra);
    }
    line
}
