//! What the agents suggest, and the rules that decide it. Pure functions:
//! the agents load the facts, these decide, the store deduplicates.

use crate::task::{Priority, Task};
use crate::time::{self, serde_ms};
use serde::Serialize;
use serde_json::{json, Value};

pub const OVERDUE: &str = "overdue";
pub const PRIORITIZATION: &str = "prioritization";

/// At most this many suggestions per user per hour.
pub const MAX_PER_HOUR: i64 = 20;
pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
const WEEK_MS: i64 = 7 * DAY_MS;
/// A week with this many high or urgent open tasks due is overloaded.
pub const LOAD_THRESHOLD: usize = 3;

/// How a user reads instants: calendar days and clock times in their own
/// timezone, so advice says "yesterday" and "Fri 27 Nov, 09:00" the way the
/// user would. The agents provide it from the user's timezone setting.
pub trait UserClock {
    /// Calendar days from the day of `earlier` to the day of `later`.
    fn days_between(&self, earlier: i64, later: i64) -> i64;
    /// A short local date and time, e.g. "Fri 27 Nov, 09:00".
    fn date_time(&self, ms: i64) -> String;
    /// A short local date, e.g. "Mon 30 Nov".
    fn date(&self, ms: i64) -> String;
}

/// The clock of a user in UTC.
pub struct UtcClock;

impl UserClock for UtcClock {
    fn days_between(&self, earlier: i64, later: i64) -> i64 {
        later.div_euclid(DAY_MS) - earlier.div_euclid(DAY_MS)
    }
    fn date_time(&self, ms: i64) -> String {
        time::utc(ms).format("%a %-d %b, %H:%M").to_string()
    }
    fn date(&self, ms: i64) -> String {
        time::utc(ms).format("%a %-d %b").to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Dismissed,
    Accepted,
    /// The task was completed or deleted; the advice no longer applies.
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Dismissed => "dismissed",
            Status::Accepted => "accepted",
            Status::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Open,
            Status::Dismissed,
            Status::Accepted,
            Status::Resolved,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub id: String,
    #[serde(skip)]
    pub user_id: String,
    pub task_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    pub status: Status,
    /// What accepting does, e.g. `{"type":"reschedule","taskId","dueAt"}`.
    pub action: Option<Value>,
    #[serde(with = "serde_ms")]
    pub created_at: i64,
    #[serde(with = "serde_ms")]
    pub updated_at: i64,
}

/// A suggestion the rules want, with the key that makes it unique. The
/// rules decide without knowing the user; the words are chosen last, in
/// the user's time, once the user may be advised at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub task_id: Option<String>,
    pub kind: &'static str,
    pub wording: Wording,
    pub action: Option<Value>,
    pub dedup_key: String,
}

/// What a proposal says, before it is put in a user's words.
#[derive(Debug, Clone, PartialEq)]
pub enum Wording {
    Overdue {
        title: String,
        due: i64,
        new_due: i64,
        now: i64,
    },
    Load {
        heavy: usize,
        week: i64,
        title: String,
    },
}

impl Proposal {
    pub fn message(&self, clock: &dyn UserClock) -> String {
        match &self.wording {
            Wording::Overdue {
                title,
                due,
                new_due,
                now,
            } => {
                let lateness = match clock.days_between(*due, *now) {
                    0 => "earlier today".to_string(),
                    1 => "yesterday".to_string(),
                    n => format!("{n} days ago"),
                };
                format!(
                    "\u{201c}{title}\u{201d} was due {lateness}. Move it to {} or mark it done?",
                    clock.date_time(*new_due)
                )
            }
            Wording::Load { heavy, week, title } => format!(
                "{heavy} high-priority tasks are due the week of {}. Postpone \u{201c}{title}\u{201d} by a week?",
                clock.date(*week)
            ),
        }
    }

    pub fn into_suggestion(
        self,
        id: String,
        user_id: &str,
        now: i64,
        clock: &dyn UserClock,
    ) -> (Suggestion, String) {
        (
            Suggestion {
                id,
                user_id: user_id.to_string(),
                message: self.message(clock),
                task_id: self.task_id,
                kind: self.kind.to_string(),
                status: Status::Open,
                action: self.action,
                created_at: now,
                updated_at: now,
            },
            self.dedup_key,
        )
    }
}

/// One overdue suggestion per task and due date: the event path and the
/// sweep share the key, and a new due date that passes again is new advice.
pub fn overdue_key(task_id: &str, due_at: i64) -> String {
    format!("{OVERDUE}:{task_id}:{due_at}")
}

/// An open task whose due time has passed gets an overdue suggestion that
/// offers to move it to the same time of day, on the first day from now.
pub fn overdue(task: &Task, now: i64) -> Option<Proposal> {
    let due = task.due_at?;
    if task.completed || due >= now {
        return None;
    }
    let mut new_due = due + ((now - due) / DAY_MS + 1) * DAY_MS;
    while new_due <= now {
        new_due += DAY_MS;
    }
    Some(Proposal {
        task_id: Some(task.id.clone()),
        kind: OVERDUE,
        wording: Wording::Overdue {
            title: task.title.clone(),
            due,
            new_due,
            now,
        },
        action: Some(
            json!({ "type": "reschedule", "taskId": task.id, "dueAt": time::format_ms(new_due) }),
        ),
        dedup_key: overdue_key(&task.id, due),
    })
}

/// The Monday 00:00 UTC that starts the week of `t`.
pub fn week_start(t: i64) -> i64 {
    // 1970-01-01 was a Thursday: shift so weeks start on Monday.
    let monday_offset = 3 * DAY_MS;
    (t + monday_offset).div_euclid(WEEK_MS) * WEEK_MS - monday_offset
}

/// Is the week overloaded? `week_tasks` are the user's open tasks due in
/// the week starting `week`. Suggests postponing the one with the lowest
/// priority and the latest due time by a week. One per user per week.
pub fn weekly_load(user_id: &str, week: i64, week_tasks: &[Task]) -> Option<Proposal> {
    let heavy: Vec<&Task> = week_tasks
        .iter()
        .filter(|t| !t.completed && t.priority >= Priority::High && t.due_at.is_some())
        .collect();
    if heavy.len() < LOAD_THRESHOLD {
        return None;
    }
    let candidate = heavy
        .iter()
        .min_by_key(|t| (t.priority, std::cmp::Reverse(t.due_at)))?;
    let new_due = candidate.due_at? + WEEK_MS;
    Some(Proposal {
        task_id: Some(candidate.id.clone()),
        kind: PRIORITIZATION,
        wording: Wording::Load {
            heavy: heavy.len(),
            week,
            title: candidate.title.clone(),
        },
        action: Some(
            json!({ "type": "reschedule", "taskId": candidate.id, "dueAt": time::format_ms(new_due) }),
        ),
        dedup_key: format!("{PRIORITIZATION}:{user_id}:{week}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, priority: Priority, due: Option<i64>) -> Task {
        Task {
            priority,
            due_at: due,
            ..Task::new(id.into(), "u".into(), format!("task {id}"), 0)
        }
    }

    #[test]
    fn overdue_only_for_open_past_due_tasks() {
        let now = 10 * DAY_MS;
        assert!(overdue(&task("a", Priority::Low, None), now).is_none());
        assert!(overdue(&task("a", Priority::Low, Some(now + 1)), now).is_none());
        let mut done = task("a", Priority::Low, Some(now - 1));
        done.completed = true;
        assert!(overdue(&done, now).is_none());
        let p = overdue(&task("a", Priority::Low, Some(now - DAY_MS - 5)), now).unwrap();
        let message = p.message(&UtcClock);
        assert!(message.contains("was due 2 days ago"), "{message}");
        assert!(
            message.ends_with("Move it to Sun 11 Jan, 23:59 or mark it done?"),
            "{message}"
        );
        assert_eq!(p.dedup_key, format!("overdue:a:{}", now - DAY_MS - 5));
        let moved = time::parse_instant("x", p.action.unwrap()["dueAt"].as_str().unwrap()).unwrap();
        assert!(moved > now && moved <= now + DAY_MS);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-26 is a Thursday; its week starts Monday 2026-11-23.
        let thu = time::parse_instant("x", "2026-11-26T15:00:00Z").unwrap();
        assert_eq!(time::format_ms(week_start(thu)), "2026-11-23T00:00:00.000Z");
        let mon = time::parse_instant("x", "2026-11-23T00:00:00Z").unwrap();
        assert_eq!(week_start(mon), mon);
    }

    #[test]
    fn load_needs_three_heavy_tasks_and_postpones_the_least_important() {
        let w = week_start(100 * DAY_MS);
        let two = vec![
            task("a", Priority::High, Some(w + 1)),
            task("b", Priority::Urgent, Some(w + 2)),
        ];
        assert!(weekly_load("u", w, &two).is_none());
        let mut three = two.clone();
        three.push(task("c", Priority::High, Some(w + 3)));
        three.push(task("d", Priority::Low, Some(w + 4)));
        let p = weekly_load("u", w, &three).unwrap();
        assert_eq!(
            p.task_id.as_deref(),
            Some("c"),
            "lowest priority, latest due"
        );
        let message = p.message(&UtcClock);
        assert!(
            message.starts_with("3 high-priority tasks are due the week of Mon 6 Apr."),
            "{message}"
        );
        assert_eq!(p.dedup_key, format!("prioritization:u:{w}"));
    }
}
