//! The agents' decisions applied to the database. The rules live in
//! `domain::suggestion`; here they meet the user's switch, the hourly rate
//! limit and the dedup key, so the event path and the sweeps behave alike.

use chrono::TimeZone;
use chrono_tz::Tz;
use domain::event::{self, Origin, OutboxEvent};
use domain::suggestion::{self, Proposal, UserClock, DAY_MS, HOUR_MS, MAX_PER_HOUR};
use domain::task::Task;
use domain::user::Settings;
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

/// A user's clock: their timezone setting.
pub struct Zone(Tz);

impl Zone {
    pub fn of(settings: &Settings) -> Zone {
        Zone(settings.timezone.tz())
    }

    fn local(&self, ms: i64) -> chrono::DateTime<Tz> {
        self.0.from_utc_datetime(&domain::time::utc(ms).naive_utc())
    }
}

impl UserClock for Zone {
    fn days_between(&self, earlier: i64, later: i64) -> i64 {
        (self.local(later).date_naive() - self.local(earlier).date_naive()).num_days()
    }
    fn date_time(&self, ms: i64) -> String {
        self.local(ms).format("%a %-d %b, %H:%M").to_string()
    }
    fn date(&self, ms: i64) -> String {
        self.local(ms).format("%a %-d %b").to_string()
    }
}

/// Why a user gets no advice now, if they do not: agents switched off, or
/// the hourly limit reached. Answers the user's clock otherwise.
fn may_advise(db: &Db, user_id: &str, now: i64) -> Result<Result<Zone, Verdict>, Error> {
    let Some((_, settings)) = store::users::get_user(db, user_id)? else {
        return Ok(Err(Verdict::NothingToSay));
    };
    if !settings.agents_enabled {
        return Ok(Err(Verdict::AgentsOff));
    }
    if store::suggestions::count_since(db, user_id, now - HOUR_MS)? >= MAX_PER_HOUR {
        return Ok(Err(Verdict::RateLimited));
    }
    Ok(Ok(Zone::of(&settings)))
}

/// Stores a proposal, worded in the user's time, once per dedup key.
fn store_once(
    db: &Db,
    user_id: &str,
    proposal: Proposal,
    clock: &Zone,
    now: i64,
) -> Result<Verdict, Error> {
    let (s, key) = proposal.into_suggestion(new_id(), user_id, now, clock);
    if store::suggestions::insert_once(db, &s, &key)? {
        Ok(Verdict::Created)
    } else {
        Ok(Verdict::AlreadySuggested)
    }
}

/// Overdue agent: a task past its due date gets one suggestion, and a
/// `tasks.overdue` event is published for it.
pub fn check_overdue(db: &Db, task: &Task, origin: &Origin, now: i64) -> Result<Effect, Error> {
    // The rule first (pure, cheap); the user's settings are read only when
    // there is advice to give.
    let Some(proposal) = suggestion::overdue(task, now) else {
        return Ok(Effect::only(Verdict::NothingToSay));
    };
    let clock = match may_advise(db, &task.user_id, now)? {
        Ok(clock) => clock,
        Err(verdict) => return Ok(Effect::only(verdict)),
    };
    let verdict = store_once(db, &task.user_id, proposal, &clock, now)?;
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
    let clock = match may_advise(db, user_id, now)? {
        Ok(clock) => clock,
        Err(verdict) => return Ok(Effect::only(verdict)),
    };
    Ok(Effect::only(store_once(
        db, user_id, proposal, &clock, now,
    )?))
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

#[cfg(test)]
mod tests {
    use super::*;
    use domain::time::parse_instant;

    fn zone(name: &str) -> Zone {
        Zone(name.parse().unwrap())
    }

    fn at(text: &str) -> i64 {
        parse_instant("t", text).unwrap()
    }

    #[test]
    fn local_times_follow_daylight_saving() {
        let ny = zone("America/New_York");
        // EDT (UTC-4) before 1 Nov 2026, EST (UTC-5) after.
        assert_eq!(
            ny.date_time(at("2026-10-31T13:00:00Z")),
            "Sat 31 Oct, 09:00"
        );
        assert_eq!(ny.date_time(at("2026-11-02T14:00:00Z")), "Mon 2 Nov, 09:00");
        assert_eq!(ny.date(at("2026-11-30T03:00:00Z")), "Sun 29 Nov");
    }

    #[test]
    fn days_are_the_users_calendar_days() {
        let tokyo = zone("Asia/Tokyo");
        // 23:30 and 00:30 the next day in Tokyo, one hour apart.
        let late = at("2026-11-26T14:30:00Z");
        let early = at("2026-11-26T15:30:00Z");
        assert_eq!(tokyo.days_between(late, early), 1);
        assert_eq!(zone("UTC").days_between(late, early), 0);
    }
}
