//! Product and pipeline figures for the metrics endpoint, read from the
//! database on every scrape, so any replica answers the same and nothing
//! is lost on a restart. Each is a count over a recent window (or a
//! current level), which Prometheus turns into rates and trends.

use crate::db::{Db, Value};
use domain::Error;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// A reminder counts as late when its notification was made more than
/// this after the time it was due to fire.
pub const LATE_AFTER_MS: i64 = 60_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub tasks_created_1h: i64,
    pub tasks_created_24h: i64,
    pub tasks_completed_1h: i64,
    pub tasks_completed_24h: i64,
    /// Users with a change to their data (tasks, notifications) in the window.
    pub active_users_1d: i64,
    pub active_users_7d: i64,
    pub suggestions_created_1h: i64,
    pub outbox_unsent: i64,
    /// Age of the oldest unsent outbox event; 0 when none waits.
    pub outbox_oldest_unsent_ms: i64,
    pub dead_letters: i64,
    /// Reminders notified in the last 5 minutes and hour, and how many of
    /// them late (the freshness SLO reads both windows).
    pub reminders_fired_5m: i64,
    pub reminders_late_5m: i64,
    pub reminders_fired_1h: i64,
    pub reminders_late_1h: i64,
    pub reminder_max_lateness_ms_1h: i64,
    /// (channel, outcome, attempts) in the last hour.
    pub deliveries_1h: Vec<(String, String, i64)>,
}

/// The single number `sql` answers, given `params`.
fn number(db: &Db, sql: &str, params: &[Value]) -> Result<i64, Error> {
    let rows = db.query(sql, params)?;
    Ok(rows
        .first()
        .map(|r| r.opt_int(0))
        .transpose()?
        .flatten()
        .unwrap_or(0))
}

/// `number` of a statement whose `$1` is the start of its window.
fn count(db: &Db, sql: &str, since: i64) -> Result<i64, Error> {
    number(db, sql, &[Value::Int(since)])
}

pub fn figures(db: &Db, now: i64) -> Result<Figures, Error> {
    let (hour, day, week) = (now - HOUR_MS, now - DAY_MS, now - 7 * DAY_MS);
    // From the outbox, which keeps every event for a week: deleted tasks
    // count too, as they were created.
    let created = |since: i64| {
        number(
            db,
            "SELECT COUNT(*) FROM outbox WHERE created_at > $1 AND event_type = $2",
            &[Value::Int(since), domain::event::TASK_CREATED.into()],
        )
    };
    let completed = "SELECT COUNT(*) FROM tasks WHERE completed_at > $1";
    let active = "SELECT COUNT(DISTINCT user_id) FROM changes WHERE created_at > $1";
    let unsent = db.query(
        "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE published_at IS NULL",
        &[],
    )?;
    let (outbox_unsent, oldest) = match unsent.first() {
        Some(r) => (r.int(0)?, r.opt_int(1)?),
        None => (0, None),
    };
    // (notified, late, most late) for reminders notified since `since`.
    let reminders = |since: i64| -> Result<(i64, i64, i64), Error> {
        let rows = db.query(
            "SELECT COUNT(*),
                    SUM(CASE WHEN n.created_at - r.fire_at > $2 THEN 1 ELSE 0 END),
                    MAX(n.created_at - r.fire_at)
             FROM notifications n JOIN reminders r ON r.id = n.reminder_id
             WHERE n.created_at > $1 AND r.fire_at IS NOT NULL",
            &[Value::Int(since), Value::Int(LATE_AFTER_MS)],
        )?;
        Ok(match rows.first() {
            Some(r) => (
                r.int(0)?,
                r.opt_int(1)?.unwrap_or(0),
                r.opt_int(2)?.unwrap_or(0).max(0),
            ),
            None => (0, 0, 0),
        })
    };
    let (reminders_fired_5m, reminders_late_5m, _) = reminders(now - 5 * 60_000)?;
    let (reminders_fired_1h, reminders_late_1h, reminder_max_lateness_ms_1h) = reminders(hour)?;
    let deliveries_1h = db
        .query(
            "SELECT channel, status, COUNT(*) FROM notification_attempts WHERE at > $1
             GROUP BY channel, status ORDER BY channel, status",
            &[Value::Int(hour)],
        )?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?, r.int(2)?)))
        .collect::<Result<_, Error>>()?;
    Ok(Figures {
        tasks_created_1h: created(hour)?,
        tasks_created_24h: created(day)?,
        tasks_completed_1h: count(db, completed, hour)?,
        tasks_completed_24h: count(db, completed, day)?,
        active_users_1d: count(db, active, day)?,
        active_users_7d: count(db, active, week)?,
        suggestions_created_1h: count(
            db,
            "SELECT COUNT(*) FROM suggestions WHERE created_at > $1",
            hour,
        )?,
        outbox_unsent,
        outbox_oldest_unsent_ms: oldest.map(|t| (now - t).max(0)).unwrap_or(0),
        dead_letters: number(db, "SELECT COUNT(*) FROM dead_letters", &[])?,
        reminders_fired_5m,
        reminders_late_5m,
        reminders_fired_1h,
        reminders_late_1h,
        reminder_max_lateness_ms_1h,
        deliveries_1h,
    })
}
