//! Times and tasks as the assistant words them, in the user's time zone.

use chrono::{Datelike, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use domain::task::Task;

/// The local date-time of an instant.
pub(crate) fn local(tz: Tz, ms: i64) -> Option<chrono::DateTime<Tz>> {
    tz.timestamp_millis_opt(ms).single()
}

/// A due date "without a time" is stored as the last millisecond of the
/// local day (or, from a recurrence with no time, its 23:59:59).
fn is_all_day(t: NaiveTime) -> bool {
    t.hour() == 23 && t.minute() == 59 && t.second() == 59
}

/// `today at 15:00`, `tomorrow`, `yesterday (Wed 25 Nov)`, `Fri 4 Dec at 09:30`,
/// `Mon 3 Jan 2028`.
pub(crate) fn when(tz: Tz, ms: i64, now: i64) -> String {
    let (Some(at), Some(today)) = (local(tz, ms), local(tz, now)) else {
        return domain::time::format_ms(ms);
    };
    let days = (at.date_naive() - today.date_naive()).num_days();
    let date = if at.year() == today.year() {
        at.format("%a %-d %b").to_string()
    } else {
        at.format("%a %-d %b %Y").to_string()
    };
    let day = match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        -1 => format!("yesterday ({date})"),
        _ => date,
    };
    if is_all_day(at.time()) {
        day
    } else {
        format!("{day} at {}", at.format("%H:%M"))
    }
}

/// One line describing a task in a list.
pub(crate) fn task_line(tz: Tz, task: &Task, now: i64) -> String {
    let mut line = format!("“{}”", task.title);
    if let Some(due) = task.due_at {
        line.push_str(&format!(", due {}", when(tz, due, now)));
        if !task.completed && due < now {
            line.push_str(", overdue");
        }
    }
    if task.priority != domain::task::Priority::Medium {
        line.push_str(&format!(", {} priority", task.priority.as_str()));
    }
    if !task.tags.is_empty() {
        let tags: Vec<String> = task.tags.iter().map(|t| format!("#{t}")).collect();
        line.push_str(&format!(" {}", tags.join(" ")));
    }
    if let Some(d) = task
        .recurrence
        .as_ref()
        .and_then(|r| r["description"].as_str())
    {
        line.push_str(&format!(", repeats {d}"));
    }
    if task.completed {
        line.push_str(" (done)");
    }
    line
}

/// `“A”`, `“A” and “B”`, `“A”, “B” and “C”`.
pub(crate) fn titles(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|t| format!("“{t}”")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        tz.with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn words_days_relative_to_today() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let now = ms(tz, 2026, 11, 26, 10, 0, 0);
        assert_eq!(
            when(tz, ms(tz, 2026, 11, 26, 15, 0, 0), now),
            "today at 15:00"
        );
        assert_eq!(
            when(tz, ms(tz, 2026, 11, 27, 23, 59, 59) + 999, now),
            "tomorrow"
        );
        assert_eq!(
            when(tz, ms(tz, 2026, 11, 25, 23, 59, 59) + 999, now),
            "yesterday (Wed 25 Nov)"
        );
        assert_eq!(
            when(tz, ms(tz, 2026, 12, 4, 9, 30, 0), now),
            "Fri 4 Dec at 09:30"
        );
        assert_eq!(
            when(tz, ms(tz, 2027, 1, 4, 23, 59, 59), now),
            "Mon 4 Jan 2027"
        );
    }

    #[test]
    fn lists_titles() {
        assert_eq!(titles(&["A".into()]), "“A”");
        assert_eq!(
            titles(&["A".into(), "B".into(), "C".into()]),
            "“A”, “B” and “C”"
        );
    }
}
