//! Short English descriptions of rules and recurrences.

use chrono::{Datelike, NaiveDate, Timelike, Weekday};

use crate::recurrence::{Mode, Recurrence};
use crate::rule::{Frequency, Rule, RuleParts, Until, WeekdayNum};

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

impl Rule {
    /// A short English description of the rule alone, e.g. `every week on
    /// Monday`, `on the last Friday of every month`, `every day, 10 times`.
    /// Parts that default to the start (the weekday of a plain weekly rule,
    /// the day of a plain monthly rule) are left out; see
    /// [`Recurrence::describe`].
    pub fn describe(&self) -> String {
        describe(self, None, Mode::Schedule, None, 0)
    }
}

impl Recurrence {
    /// A short English description, e.g. `every week on Monday at 07:00`,
    /// `on the last Friday of every month at 09:30`, `every 3 days after
    /// completion at 18:00`, `every day at 07:00, until 2026-12-31`, `every
    /// 3 hours from 09:00`, `every week on Monday at 07:00 (1 date skipped)`.
    pub fn describe(&self) -> String {
        let t = self.dtstart().time();
        let at = format!("{:02}:{:02}", t.hour(), t.minute());
        describe(
            self.rule(),
            Some(self.dtstart().date()),
            self.mode(),
            Some(&at),
            self.exdates().len(),
        )
    }
}

fn describe(
    rule: &Rule,
    start: Option<NaiveDate>,
    mode: Mode,
    at: Option<&str>,
    skipped: usize,
) -> String {
    let p = rule.parts();
    let unit = match p.freq {
        Frequency::Hourly => "hour",
        Frequency::Daily => "day",
        Frequency::Weekly => "week",
        Frequency::Monthly => "month",
        Frequency::Yearly => "year",
    };
    let every = every_unit(p.interval, unit);
    let set_pos_phrase = if p.by_set_pos.is_empty() {
        None
    } else {
        set_pos_description(p, &every)
    };
    let mut s = match p.freq {
        Frequency::Hourly | Frequency::Daily | Frequency::Weekly => {
            let weekdays_only = p.by_day.len() == 5
                && WEEKDAYS
                    .iter()
                    .all(|w| p.by_day.contains(&WeekdayNum::every(*w)));
            let mut s = if weekdays_only && p.interval == 1 && p.freq == Frequency::Daily {
                "every weekday".to_owned()
            } else if weekdays_only && p.freq == Frequency::Hourly {
                format!("{every} on weekdays")
            } else if !p.by_day.is_empty() {
                format!("{every} on {}", weekday_names(&p.by_day))
            } else if let (Frequency::Weekly, Some(d), Mode::Schedule) = (p.freq, start, mode) {
                format!("{every} on {}", weekday_name(d.weekday()))
            } else {
                every
            };
            if !p.by_month_day.is_empty() {
                s.push_str(&format!(
                    " if it is {} of the month",
                    month_days(&p.by_month_day)
                ));
            }
            if !p.by_month.is_empty() {
                s.push_str(&format!(" in {}", month_names(&p.by_month)));
            }
            s
        }
        Frequency::Monthly => {
            let of_every = format!("of {every}");
            let mut s = if !p.by_month_day.is_empty() {
                let mut s = format!("on {} {of_every}", month_days(&p.by_month_day));
                if !p.by_day.is_empty() {
                    s.push_str(&format!(" if it is a {}", weekday_names_or(&p.by_day)));
                }
                s
            } else if !p.by_day.is_empty() {
                format!("on {} {of_every}", nth_weekdays(&p.by_day))
            } else if let (Some(d), Mode::Schedule) = (start, mode) {
                format!("on the {} {of_every}", ordinal_day(d.day()))
            } else {
                every
            };
            if !p.by_month.is_empty() {
                s.push_str(&format!(" in {}", month_names(&p.by_month)));
            }
            s
        }
        Frequency::Yearly => {
            let months = if p.by_month.is_empty() {
                None
            } else {
                Some(month_names(&p.by_month))
            };
            if !p.by_month_day.is_empty() {
                let of = months.map_or("every month".to_owned(), |m| m.to_string());
                let mut s = format!("{every} on {} of {of}", month_days(&p.by_month_day));
                if !p.by_day.is_empty() {
                    s.push_str(&format!(" if it is a {}", weekday_names_or(&p.by_day)));
                }
                s
            } else if !p.by_day.is_empty() {
                let of = months.map_or("the year".to_owned(), |m| m.to_string());
                format!("{every} on {} of {of}", nth_weekdays(&p.by_day))
            } else if let (Some(d), Mode::Schedule) = (start, mode) {
                match months {
                    Some(m) => format!("{every} on the {} of {m}", ordinal_day(d.day())),
                    None => format!("{every} on {} {}", month_name(d.month()), d.day()),
                }
            } else {
                match months {
                    Some(m) => format!("{every} in {m}"),
                    None => every,
                }
            }
        }
    };
    if !p.by_set_pos.is_empty() {
        match set_pos_phrase {
            Some(phrase) => s = phrase,
            None => {
                let positions = positions(&p.by_set_pos);
                let such = if p.by_set_pos.len() == 1 {
                    "such date"
                } else {
                    "such dates"
                };
                s.push_str(&format!(", only {positions} {such} of each {unit}"));
            }
        }
    }
    if mode == Mode::Completion {
        s.push_str(" after completion");
    }
    if let Some(at) = at {
        // An hourly series repeats through the day: the start's time is
        // where the count of hours begins, not the time of every instance.
        s.push_str(if p.freq == Frequency::Hourly {
            " from "
        } else {
            " at "
        });
        s.push_str(at);
    }
    if let Some(c) = p.count {
        s.push_str(&if c == 1 {
            ", once".to_owned()
        } else {
            format!(", {c} times")
        });
    }
    if let Some(u) = p.until {
        s.push_str(&match u {
            Until::Date(d) => format!(", until {}", d.format("%Y-%m-%d")),
            Until::Local(t) => format!(", until {}", t.format("%Y-%m-%d %H:%M")),
            Until::Utc(t) => format!(", until {} UTC", t.format("%Y-%m-%d %H:%M")),
        });
    }
    match skipped {
        0 => {}
        1 => s.push_str(" (1 date skipped)"),
        n => s.push_str(&format!(" ({n} dates skipped)")),
    }
    s
}

/// A rule with `BYSETPOS` over plain weekdays, e.g. `on the last weekday of
/// every month`, `on the second-to-last Friday of every month`, `every year
/// on the first and the last day of the year`, `on the third day that is a
/// Tuesday, Wednesday or Thursday of every month`. `None` for other
/// combinations, which are described as the rule without `BYSETPOS` plus
/// the positions.
fn set_pos_description(p: &RuleParts, every: &str) -> Option<String> {
    if p.by_day.is_empty()
        || !p.by_month_day.is_empty()
        || p.by_day.iter().any(|d| d.ordinal.is_some())
    {
        return None;
    }
    let mut days: Vec<Weekday> = p.by_day.iter().map(|d| d.weekday).collect();
    days.sort_by_key(|w| w.num_days_from_monday());
    days.dedup();
    let noun = match days.as_slice() {
        [one] => weekday_name(*one).to_owned(),
        [Weekday::Sat, Weekday::Sun] => "weekend day".to_owned(),
        d if d == WEEKDAYS => "weekday".to_owned(),
        d if d.len() == 7 => "day".to_owned(),
        d => {
            let names: Vec<String> = d.iter().map(|w| weekday_name(*w).to_owned()).collect();
            format!("day that is a {}", join(&names, "or"))
        }
    };
    let which = format!("{} {noun}", positions(&p.by_set_pos));
    let months = (!p.by_month.is_empty()).then(|| month_names(&p.by_month));
    Some(match p.freq {
        Frequency::Weekly | Frequency::Monthly => {
            let mut s = format!("on {which} of {every}");
            if let Some(m) = months {
                s.push_str(&format!(" in {m}"));
            }
            s
        }
        Frequency::Yearly => {
            let of = months.unwrap_or_else(|| "the year".to_owned());
            format!("{every} on {which} of {of}")
        }
        // Validation refuses BYSETPOS with these frequencies.
        Frequency::Hourly | Frequency::Daily => return None,
    })
}

/// `the last`, `the first and the last`, `the 20th-to-last`.
fn positions(positions: &[i16]) -> String {
    let mut sorted = positions.to_vec();
    // Counting from the start first, then from the end towards the last.
    sorted.sort_by_key(|&n| (n < 0, n));
    sorted.dedup();
    let items: Vec<String> = sorted
        .iter()
        .map(|&n| format!("the {}", ordinal_word(i32::from(n))))
        .collect();
    join(&items, "and")
}

fn every_unit(interval: u32, unit: &str) -> String {
    match interval {
        1 => format!("every {unit}"),
        2 => format!("every other {unit}"),
        n => format!("every {n} {unit}s"),
    }
}

fn join(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn weekday_names(days: &[WeekdayNum]) -> String {
    let names: Vec<String> = days
        .iter()
        .map(|d| weekday_name(d.weekday).to_owned())
        .collect();
    join(&names, "and")
}

fn weekday_names_or(days: &[WeekdayNum]) -> String {
    let names: Vec<String> = days
        .iter()
        .map(|d| weekday_name(d.weekday).to_owned())
        .collect();
    join(&names, "or")
}

/// `the second Tuesday and the last Friday`, `every Tuesday`.
fn nth_weekdays(days: &[WeekdayNum]) -> String {
    let items: Vec<String> = days
        .iter()
        .map(|d| match d.ordinal {
            None => format!("every {}", weekday_name(d.weekday)),
            Some(n) => format!(
                "the {} {}",
                ordinal_word(i32::from(n)),
                weekday_name(d.weekday)
            ),
        })
        .collect();
    join(&items, "and")
}

/// `the 2nd and the 15th`, `the last day`, `the third-to-last day`.
fn month_days(days: &[i8]) -> String {
    let items: Vec<String> = days
        .iter()
        .map(|&d| {
            if d > 0 {
                format!("the {}", ordinal_day(d as u32))
            } else {
                format!("the {} day", ordinal_word(i32::from(d)))
            }
        })
        .collect();
    join(&items, "and")
}

fn month_name(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(m as usize).clamp(1, 12) - 1]
}

fn month_names(months: &[u8]) -> String {
    let names: Vec<String> = months
        .iter()
        .map(|&m| month_name(u32::from(m)).to_owned())
        .collect();
    join(&names, "and")
}

/// 1 → `1st`, 22 → `22nd`, 13 → `13th`.
fn ordinal_day(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// 1 → `first`, -1 → `last`, -2 → `second-to-last`, 20 → `20th`.
fn ordinal_word(n: i32) -> String {
    const WORDS: [&str; 5] = ["first", "second", "third", "fourth", "fifth"];
    let abs = n.unsigned_abs();
    let word = if (1..=5).contains(&abs) {
        WORDS[abs as usize - 1].to_owned()
    } else {
        ordinal_day(abs)
    };
    match n {
        -1 => "last".to_owned(),
        n if n < 0 => format!("{word}-to-last"),
        _ => word,
    }
}
