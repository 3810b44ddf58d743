//! What a conversation waits for: a yes/no before a delete, or which of
//! several tasks a message meant. Stored as JSON in the conversation.

use crate::TaskRef;
use intent_parser::{Resolution, TaskTarget};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// An operation on one task, waiting for its task to be chosen or for the
/// user's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Complete,
    Reopen,
    Rename {
        new_title: String,
    },
    SetPriority {
        priority: String,
    },
    Reschedule {
        due_ms: i64,
    },
    Delete,
    StopSeries,
    ResumeSeries,
    Snooze {
        minutes: i64,
    },
    AddReminder {
        before_minutes: Option<i64>,
        at_ms: Option<i64>,
    },
}

impl Op {
    /// The name clients see in `pending.action`.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Complete => "complete_task",
            Op::Reopen => "reopen_task",
            Op::Rename { .. } => "rename_task",
            Op::SetPriority { .. } => "set_priority",
            Op::Reschedule { .. } => "reschedule",
            Op::Delete => "delete_task",
            Op::StopSeries => "stop_series",
            Op::ResumeSeries => "resume_series",
            Op::Snooze { .. } => "snooze",
            Op::AddReminder { .. } => "add_reminder",
        }
    }
}

/// Minutes a question stays open; a later answer starts afresh.
pub const PENDING_TTL_MS: i64 = 30 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Pending {
    /// Run `op` on `task` after a yes.
    Confirm {
        op: Op,
        task: TaskRef,
        question: String,
        created_at: i64,
    },
    /// Run `op` on the candidate the next message names.
    Choose {
        op: Op,
        candidates: Vec<TaskRef>,
        question: String,
        created_at: i64,
    },
}

impl Pending {
    pub fn created_at(&self) -> i64 {
        match self {
            Pending::Confirm { created_at, .. } | Pending::Choose { created_at, .. } => *created_at,
        }
    }

    pub fn question(&self) -> &str {
        match self {
            Pending::Confirm { question, .. } | Pending::Choose { question, .. } => question,
        }
    }

    /// The stored form, or `None` when it has expired or cannot be read.
    pub fn load(stored: Option<&Value>, now: i64) -> Option<Pending> {
        let p: Pending = serde_json::from_value(stored?.clone()).ok()?;
        (now - p.created_at() <= PENDING_TTL_MS).then_some(p)
    }

    pub fn store(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// What the API shows: `{"type":"confirm","action","taskId","title","question"}`
    /// or `{"type":"choose","action","candidates":[{id,title}],"question"}`.
    pub fn view(&self) -> Value {
        match self {
            Pending::Confirm {
                op, task, question, ..
            } => json!({
                "type": "confirm",
                "action": op.name(),
                "taskId": task.id,
                "title": task.title,
                "question": question,
            }),
            Pending::Choose {
                op,
                candidates,
                question,
                ..
            } => json!({
                "type": "choose",
                "action": op.name(),
                "candidates": candidates,
                "question": question,
            }),
        }
    }
}

/// Which candidate a reply names: an ordinal ("the second one", "2",
/// "last") or words of its title. `None` when it names none or several.
pub fn choose<'a>(message: &str, candidates: &'a [TaskRef]) -> Option<&'a TaskRef> {
    let words: Vec<String> = message
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let filler = [
        "the", "one", "please", "number", "no", "task", "it", "is", "that",
    ];
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !filler.contains(w))
        .collect();
    if let [word] = kept.as_slice() {
        let index = match *word {
            "first" | "1st" | "1" => Some(0),
            "second" | "2nd" | "2" | "two" => Some(1),
            "third" | "3rd" | "3" | "three" => Some(2),
            "fourth" | "4th" | "4" | "four" => Some(3),
            "fifth" | "5th" | "5" | "five" => Some(4),
            "last" | "latter" => candidates.len().checked_sub(1),
            "former" => Some(0),
            _ => None,
        };
        if let Some(i) = index {
            return candidates.get(i);
        }
    }
    if kept.is_empty() {
        return None;
    }
    let refs: Vec<intent_parser::TaskRef> = candidates.iter().map(TaskRef::to_parser).collect();
    match intent_parser::resolve_target(&TaskTarget::Name(kept.join(" ")), &refs) {
        Resolution::One(id) => candidates.iter().find(|c| c.id == id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs() -> Vec<TaskRef> {
        vec![
            TaskRef {
                id: "a".into(),
                title: "Submit report".into(),
            },
            TaskRef {
                id: "b".into(),
                title: "Quarterly report".into(),
            },
        ]
    }

    #[test]
    fn ordinals_and_titles_choose() {
        let c = refs();
        assert_eq!(choose("the second one", &c).unwrap().id, "b");
        assert_eq!(choose("1", &c).unwrap().id, "a");
        assert_eq!(choose("Last", &c).unwrap().id, "b");
        assert_eq!(choose("quarterly report", &c).unwrap().id, "b");
        assert_eq!(choose("the submit one", &c).unwrap().id, "a");
        assert!(choose("report", &c).is_none());
        assert!(choose("third", &c).is_none());
        assert!(choose("buy milk", &c).is_none());
    }

    #[test]
    fn pending_round_trips_and_expires() {
        let p = Pending::Confirm {
            op: Op::Delete,
            task: refs()[0].clone(),
            question: "Delete “Submit report”?".into(),
            created_at: 1_000,
        };
        let stored = p.store();
        assert_eq!(Pending::load(Some(&stored), 2_000), Some(p.clone()));
        assert_eq!(
            Pending::load(Some(&stored), 1_000 + PENDING_TTL_MS + 1),
            None
        );
        assert_eq!(p.view()["action"], "delete_task");
        assert_eq!(p.view()["taskId"], "a");
        let op = Op::AddReminder {
            before_minutes: Some(15),
            at_ms: None,
        };
        let back: Op = serde_json::from_value(serde_json::to_value(&op).unwrap()).unwrap();
        assert_eq!(back, op);
    }
}
