//! Reminders: up to three per task, relative to the due time ("15m before")
//! or at an absolute time. Pure rules; the store keeps them and the
//! reminder scheduler turns each into one Dapr job.

use crate::error::{Error, Result};
use crate::task::Task;
use crate::time::{self, serde_ms};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const MAX_PER_TASK: usize = 3;
/// A relative reminder may be at most a year before the due time.
pub const MAX_BEFORE_MINUTES: i64 = 366 * 24 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Scheduled,
    Due,
    Delivered,
    Canceled,
    Failed,
    Dismissed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Due => "due",
            Status::Delivered => "delivered",
            Status::Canceled => "canceled",
            Status::Failed => "failed",
            Status::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Scheduled,
            Status::Due,
            Status::Delivered,
            Status::Canceled,
            Status::Failed,
            Status::Dismissed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Still waiting to fire: the scheduler keeps a job for it.
    pub fn is_pending(self) -> bool {
        self == Status::Scheduled
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reminder {
    pub id: String,
    #[serde(skip)]
    pub user_id: String,
    pub task_id: String,
    /// Minutes before the task's due time (relative reminders).
    pub before_minutes: Option<i64>,
    #[serde(with = "serde_ms::option")]
    pub at: Option<i64>,
    /// When it fires; None when a relative reminder's task has no due time.
    #[serde(with = "serde_ms::option")]
    pub fire_at: Option<i64>,
    pub status: Status,
    /// The fire time the current Dapr job was scheduled for.
    #[serde(skip)]
    pub scheduled_for: Option<i64>,
    #[serde(with = "serde_ms")]
    pub created_at: i64,
    #[serde(with = "serde_ms")]
    pub updated_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spec {
    Before { minutes: i64 },
    At { at: i64 },
}

/// `15m`, `2h`, `1d`, `1h30m`, or a bare number of minutes.
pub fn parse_duration_minutes(text: &str) -> Option<i64> {
    let t = text.trim().to_ascii_lowercase();
    if let Ok(n) = t.parse::<i64>() {
        return Some(n);
    }
    let mut total = 0i64;
    let mut digits = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        total = total.checked_add(match c {
            'm' => n,
            'h' => n.checked_mul(60)?,
            'd' => n.checked_mul(24 * 60)?,
            'w' => n.checked_mul(7 * 24 * 60)?,
            _ => return None,
        })?;
    }
    digits.is_empty().then_some(total)
}

/// Reads `{"before": "15m"}` or `{"at": "<RFC 3339>"}`.
pub fn parse_spec(body: &Value) -> Result<Spec> {
    let obj = body
        .as_object()
        .ok_or_else(|| Error::bad_request("invalid_body", "the body must be a JSON object"))?;
    crate::task::reject_unknown(obj, &["before", "at"])?;
    match (obj.get("before"), obj.get("at")) {
        (Some(b), None) => {
            let minutes = match b {
                Value::String(s) => parse_duration_minutes(s),
                Value::Number(n) => n.as_i64(),
                _ => None,
            }
            .filter(|m| (0..=MAX_BEFORE_MINUTES).contains(m))
            .ok_or_else(|| {
                Error::invalid("before", "before must be a duration such as 15m, 2h or 1d")
            })?;
            Ok(Spec::Before { minutes })
        }
        (None, Some(a)) => {
            let text = a
                .as_str()
                .ok_or_else(|| Error::invalid("at", "at must be an RFC 3339 date-time"))?;
            Ok(Spec::At {
                at: time::parse_instant("at", text)?,
            })
        }
        _ => Err(Error::bad_request(
            "validation_failed",
            "give exactly one of before (e.g. \"15m\") or at (an RFC 3339 time)",
        )),
    }
}

/// When a reminder fires for a task in its current state.
pub fn fire_time(before_minutes: Option<i64>, at: Option<i64>, task: &Task) -> Option<i64> {
    match (before_minutes, at) {
        (_, Some(at)) => Some(at),
        (Some(m), None) => task.due_at.and_then(|due| minutes_before(due, m)),
        (None, None) => None,
    }
}

/// `minutes` before `due`, or `None` when that is not a representable
/// instant. Checked because both numbers come from outside (the store, a
/// caller's `Spec`), and an overflow panics in debug builds and wraps to a
/// nonsense instant in release builds.
fn minutes_before(due: i64, minutes: i64) -> Option<i64> {
    minutes
        .checked_mul(60_000)
        .and_then(|ms| due.checked_sub(ms))
}

/// Checks a new reminder against its task: a relative reminder needs a due
/// time, and nothing may fire in the past.
pub fn check_new(spec: Spec, task: &Task, active: usize, now: i64) -> Result<i64> {
    if active >= MAX_PER_TASK {
        return Err(Error::bad_request(
            "too_many_reminders",
            format!("a task can have at most {MAX_PER_TASK} reminders"),
        ));
    }
    if task.completed {
        return Err(Error::bad_request(
            "task_completed",
            "the task is already completed",
        ));
    }
    let fire = match spec {
        Spec::At { at } => at,
        Spec::Before { minutes } => {
            let due = task.due_at.ok_or_else(|| {
                Error::bad_request(
                    "task_has_no_due_time",
                    "a reminder relative to the due time needs a task with a due time",
                )
            })?;
            minutes_before(due, minutes).ok_or_else(|| {
                Error::invalid("before", "before must be a duration such as 15m, 2h or 1d")
            })?
        }
    };
    if fire <= now {
        return Err(Error::bad_request(
            "reminder_in_past",
            format!(
                "the reminder would fire at {}, which has passed",
                time::format_ms(fire)
            ),
        ));
    }
    Ok(fire)
}

/// The Dapr job that fires a reminder. One job per reminder: scheduling it
/// again (moved due time) overwrites it.
pub fn job_name(reminder_id: &str) -> String {
    format!("reminder-{reminder_id}")
}

/// The data of a reminder's Dapr job: written by the reminder scheduler,
/// handed back by the sidecar to the reminder-due component when the job
/// fires. `fireAt` is the fire time the job was planned for (epoch ms), so
/// a job left over from before a move is recognised as stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReminderJobData {
    pub reminder_id: String,
    pub fire_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_minutes("15m"), Some(15));
        assert_eq!(parse_duration_minutes("1h30m"), Some(90));
        assert_eq!(parse_duration_minutes("2d"), Some(2880));
        assert_eq!(parse_duration_minutes("45"), Some(45));
        assert_eq!(parse_duration_minutes("soon"), None);
        assert_eq!(parse_duration_minutes("15"), Some(15));
        assert_eq!(parse_duration_minutes("5x"), None);
    }

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec(&json!({"before": "15m"})).unwrap(),
            Spec::Before { minutes: 15 }
        );
        assert!(matches!(
            parse_spec(&json!({"at": "2030-01-01T09:00:00Z"})).unwrap(),
            Spec::At { .. }
        ));
        assert!(parse_spec(&json!({})).is_err());
        assert!(parse_spec(&json!({"before": "15m", "at": "2030-01-01T09:00:00Z"})).is_err());
        assert!(parse_spec(&json!({"before": "-5m"})).is_err());
        assert_eq!(
            parse_spec(&json!({"when": 1})).unwrap_err().code,
            "unknown_field"
        );
    }

    /// Regression: `due - minutes * 60_000` overflowed (a panic in debug
    /// builds) for minutes that no parsed spec has but a `Spec` or a stored
    /// reminder may carry.
    #[test]
    fn huge_minutes_do_not_overflow() {
        let mut task = Task {
            due_at: Some(0),
            ..Task::new("t".into(), "u".into(), "x".into(), 0)
        };
        assert_eq!(fire_time(Some(i64::MAX), None, &task), None);
        assert_eq!(fire_time(Some(i64::MIN), None, &task), None);
        let err = check_new(Spec::Before { minutes: i64::MAX }, &task, 0, 0).unwrap_err();
        assert_eq!(err.code, "validation_failed");
        task.due_at = Some(i64::MIN);
        assert!(check_new(Spec::Before { minutes: 1 }, &task, 0, 0).is_err());
        assert_eq!(fire_time(Some(15), None, &task), None);
    }
}
