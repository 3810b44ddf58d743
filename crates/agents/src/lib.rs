//! The agents' decisions applied to the database. The rules live in
//! `domain::suggestion`; here they meet the user's switch, the hourly rate
//! limit and the dedup key, so the event path and the sweeps behave alike.

use domain::event::{self, Origin, OutboxEvent};
use domain::suggestion::{self, Proposal, DAY_MS, HOUR_MS, MAX_PER_HOUR};
use domain::task::Task;
use domain::Error;
use serde_json::json;
use store::Db;

/// What an agent did, for the log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Created,
    NothingToSay,
    AlreadySuggested,
    AgentsOff,
    RateLimited,
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Created => "created",
            Verdict::NothingToSay => "nothing_to_say",
            Verdict::AlreadySuggested => "already_suggested",
            Verdict::AgentsOff => "agents_off",
            Verdict::RateLimited => "rate_limited",
        }
    }
}

pub struct Effect {
    pub verdict: Verdict,
    /// Events to publish after the work commits (e.g. `tasks.overdue`).
    pub events: Vec<OutboxEvent>,
}

impl Effect {
    fn only(verdict: Verdict) -> Effect {
        Effect {
            verdict,
            events: vec![],
        }
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Stores a proposal for a user, unless their agents are off, they hit the
/// hourly limit, or the same suggestion exists.
pub fn propose(db: &Db, user_id: &str, proposal: Proposal, now: i64) -> Result<Verdict, Error> {
    let Some((_, settings)) = store::users::get_user(db, user_id)? else {
        return Ok(Verdict::NothingToSay);
    };
    if !settings.agents_enabled {
        return Ok(Verdict::AgentsOff);
    }
    if store::suggestions::count_since(db, user_id, now - HOUR_MS)? >= MAX_PER_HOUR {
        return Ok(Verdict::RateLimited);
    }
    let (s, key) = proposal.into_suggestion(new_id(), user_id, now);
    if store::suggestions::insert_once(db, &s, &key)? {
        Ok(Verdict::Created)
    } else {
        Ok(Verdict::AlreadySuggested)
    }
}

/// Overdue agent: a task past its due date gets one suggestion, and a
/// `tasks.overdue` event is published for it.
pub fn check_overdue(db: &Db, task: &Task, origin: &Origin, now: i64) -> Result<Effect, Error> {
    let Some(proposal) = suggestion::overdue(task, now) else {
        return Ok(Effect::only(Verdict::NothingToSay));
    };
    let verdict = propose(db, &task.user_id, proposal, now)?;
    let mut events = vec![];
    if verdict == Verdict::Created {
        let e = event::task_overdue(&new_id(), task, origin, now);
        store::outbox::insert(db, &e)?;
        events.push(e);
    }
    Ok(Effect { verdict, events })
}

/// Prioritization agent: re-evaluates the week in which `due_at` falls.
pub fn check_load(db: &Db, user_id: &str, due_at: i64, now: i64) -> Result<Effect, Error> {
    let week = suggestion::week_start(due_at);
    if week + 7 * DAY_MS <= now {
        // A week in the past cannot be rebalanced.
        return Ok(Effect::only(Verdict::NothingToSay));
    }
    let tasks = store::tasks::open_due_between(db, user_id, week, week + 7 * DAY_MS)?;
    let Some(proposal) = suggestion::weekly_load(user_id, week, &tasks) else {
        return Ok(Effect::only(Verdict::NothingToSay));
    };
    Ok(Effect::only(propose(db, user_id, proposal, now)?))
}

/// Completed or deleted: the task's open suggestions no longer apply.
pub fn resolve(db: &Db, user_id: &str, task_id: &str, now: i64) -> Result<u64, Error> {
    store::suggestions::resolve_for_task(db, user_id, task_id, now)
}

/// Sweep summary for the log.
pub fn sweep_summary(kind: &str, examined: usize, created: usize, ms: f64) {
    applog::emit(&json!({
        "level": "info", "msg": "sweep", "sweep": kind, "examined": examined, "created": created, "ms": ms,
    }));
}
