//! One-line explanations of how a message was read.

use crate::when::Clock;
use crate::{DueWindow, Intent, ListFilter, ReminderSpec, Status, TaskTarget};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

fn date_text(clk: &Clock, d: NaiveDate) -> String {
    let mut s = d.format("%a %-d %b").to_string();
    if d.year() != clk.today.year() {
        s.push_str(&format!(" {}", d.year()));
    }
    s
}

fn relative(clk: &Clock, d: NaiveDate) -> Option<&'static str> {
    match (d - clk.today).num_days() {
        0 => Some("today"),
        1 => Some("tomorrow"),
        -1 => Some("yesterday"),
        _ => None,
    }
}

/// "yesterday (Wed 25 Nov)" or "Fri 4 Dec".
pub(crate) fn day_words(clk: &Clock, d: NaiveDate) -> String {
    match relative(clk, d) {
        Some(r) => format!("{r} ({})", date_text(clk, d)),
        None => date_text(clk, d),
    }
}

/// "yesterday (Wed 25 Nov, no time)", "Fri 4 Dec (15:00)".
pub(crate) fn moment(clk: &Clock, utc_ms: i64, has_time: bool) -> String {
    let t = DateTime::<Utc>::from_timestamp_millis(utc_ms).unwrap_or_default();
    let local = clk.local(t);
    let d = local.date_naive();
    let time = if has_time {
        local.format("%H:%M").to_string()
    } else {
        "no time".to_string()
    };
    match relative(clk, d) {
        Some(r) => format!("{r} ({}, {time})", date_text(clk, d)),
        None => format!("{} ({time})", date_text(clk, d)),
    }
}

fn target(t: &TaskTarget) -> String {
    match t {
        TaskTarget::Name(n) => format!("the task matching “{n}”"),
        TaskTarget::LastTask(r) => format!("“{}”", r.title),
    }
}

fn reminder(clk: &Clock, r: &ReminderSpec) -> String {
    match r {
        ReminderSpec::Before { minutes: 0 } => "at the due time".to_string(),
        ReminderSpec::Before { minutes } => format!("{} before", span(*minutes as i64)),
        ReminderSpec::At { utc_ms } => moment(clk, *utc_ms, true),
    }
}

/// "15 minutes", "2 hours", "1 day", "1 hour 30 minutes".
pub(crate) fn span(minutes: i64) -> String {
    let unit = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let d = Duration::minutes(minutes);
    if minutes % 1440 == 0 && minutes > 0 {
        unit(d.num_days(), "day")
    } else if minutes % 60 == 0 && minutes > 0 {
        unit(d.num_hours(), "hour")
    } else if minutes > 60 {
        format!(
            "{} {}",
            unit(minutes / 60, "hour"),
            unit(minutes % 60, "minute")
        )
    } else {
        unit(minutes, "minute")
    }
}

fn filter(f: &ListFilter) -> String {
    let mut s = match f.status {
        Status::Open => "List open tasks".to_string(),
        Status::Completed => "List completed tasks".to_string(),
        Status::All => "List all tasks, open and completed".to_string(),
    };
    if let Some(p) = f.priority {
        s.push_str(&format!(" with priority {}", p.as_str()));
    }
    match f.due_window {
        Some(DueWindow::Today) => s.push_str(" due today"),
        Some(DueWindow::Tomorrow) => s.push_str(" due tomorrow"),
        Some(DueWindow::ThisWeek) => s.push_str(" due this week"),
        Some(DueWindow::Overdue) => s.push_str(" that are overdue"),
        None => {}
    }
    if let Some(t) = &f.tag {
        s.push_str(&format!(" tagged #{t}"));
    }
    if let Some(t) = &f.text {
        s.push_str(&format!(" whose title contains “{t}”"));
    }
    s
}

pub(crate) fn explain(intent: &Intent, recurrence_text: Option<&str>, clk: &Clock) -> String {
    match intent {
        Intent::AddTask {
            title,
            due,
            priority,
            tags,
            recurrence,
            reminders,
        } => {
            let mut s = format!("Add task “{title}”");
            if let Some(d) = due {
                let word = if recurrence.is_some() {
                    "starting"
                } else {
                    "due"
                };
                s.push_str(&format!(
                    ", {word} {}",
                    moment(clk, d.at_utc_ms, d.has_time)
                ));
            }
            if let Some(r) = recurrence {
                s.push_str(", repeating ");
                s.push_str(recurrence_text.unwrap_or(&r.rule.to_string()));
                if let Some((h, m)) = r.local_time {
                    s.push_str(&format!(" at {h:02}:{m:02}"));
                }
                if r.mode == crate::RecurrenceMode::Completion {
                    s.push_str(", counted from each completion");
                }
                s.push_str(&format!(" ({})", r.rule));
            }
            if let Some(p) = priority {
                s.push_str(&format!(", priority {}", p.as_str()));
            }
            if !tags.is_empty() {
                let t: Vec<String> = tags.iter().map(|t| format!("#{t}")).collect();
                s.push_str(&format!(", tagged {}", t.join(" ")));
            }
            for r in reminders {
                s.push_str(&format!(", reminder {}", reminder(clk, r)));
            }
            s
        }
        Intent::AddReminder { target: t, spec } => match spec {
            ReminderSpec::Before { minutes } => format!(
                "Remind you {} before {} is due",
                span(*minutes as i64),
                target(t)
            ),
            ReminderSpec::At { utc_ms } => {
                format!(
                    "Remind you about {} {}",
                    target(t),
                    moment(clk, *utc_ms, true)
                )
            }
        },
        Intent::ListTasks { filter: f } => filter(f),
        Intent::CompleteTask { target: t } => format!("Mark {} as done", target(t)),
        Intent::ReopenTask { target: t } => format!("Reopen {} (mark it not done)", target(t)),
        Intent::RenameTask {
            target: t,
            new_title,
        } => format!("Rename {} to “{new_title}”", target(t)),
        Intent::SetPriority {
            target: t,
            priority,
        } => {
            format!("Set the priority of {} to {}", target(t), priority.as_str())
        }
        Intent::Reschedule { target: t, due } => {
            format!(
                "Move {} to {}",
                target(t),
                moment(clk, due.at_utc_ms, due.has_time)
            )
        }
        Intent::DeleteTask { target: t } => format!("Delete {} (after you confirm)", target(t)),
        Intent::StopSeries { target: t } => format!("Stop repeating {}", target(t)),
        Intent::ResumeSeries { target: t } => format!("Resume repeating {}", target(t)),
        Intent::Snooze { target: t, minutes } => {
            format!(
                "Snooze the reminder for {} by {}",
                target(t),
                span(*minutes as i64)
            )
        }
        Intent::Confirm { accepted: true } => "Yes: go ahead with the pending action".to_string(),
        Intent::Confirm { accepted: false } => "No: cancel the pending action".to_string(),
        Intent::Refuse { reason } => format!("Refused: {reason}"),
        Intent::Unknown { hint } => format!("Not understood: {hint}"),
    }
}
