//! Helpers shared by the integration tests.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use recurrence::{Mode, Recurrence, Rule};

/// A recurrence from its parts; panics on an invalid rule.
pub fn rec(rrule: &str, tz: &str, dtstart: &str) -> Recurrence {
    rec_mode(rrule, Mode::Schedule, tz, dtstart)
}

pub fn rec_mode(rrule: &str, mode: Mode, tz: &str, dtstart: &str) -> Recurrence {
    let rule: Rule = rrule.parse().unwrap_or_else(|e| panic!("{rrule}: {e}"));
    Recurrence::new(rule, mode, tz, local(dtstart)).unwrap()
}

/// `2026-03-29T07:00` or `2026-03-29T07:00:00`.
pub fn local(text: &str) -> NaiveDateTime {
    recurrence::parse_local_datetime(text).unwrap()
}

/// UTC milliseconds of `2026-03-29T05:00:00Z`.
pub fn ms(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
        .timestamp_millis()
}

/// `2026-03-29T05:00:00Z`.
pub fn utc(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Wall-clock `YYYY-MM-DD HH:MM` of an instant in `r`'s timezone, converted
/// with chrono-tz's UTC-to-local direction (independent of the engine's
/// local-to-UTC resolution).
pub fn wall(r: &Recurrence, ms: i64) -> String {
    let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap();
    r.timezone()
        .from_utc_datetime(&t.naive_utc())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The first `n` occurrences of the series (from its start), in UTC.
pub fn first_utc(r: &Recurrence, n: usize) -> Vec<String> {
    r.occurrences_after(r.dtstart_ms() - 1, n)
        .unwrap()
        .into_iter()
        .map(utc)
        .collect()
}

/// The first `n` occurrences of the series as local wall-clock times.
pub fn first_wall(r: &Recurrence, n: usize) -> Vec<String> {
    r.occurrences_after(r.dtstart_ms() - 1, n)
        .unwrap()
        .into_iter()
        .map(|m| wall(r, m))
        .collect()
}

/// Expands `"1997: Sep 2,4; Oct 1"`-style date lists (entries separated by
/// `;`, a year carried over until the next `YYYY:` prefix) to
/// `YYYY-MM-DD HH:MM` strings at `time`.
pub fn dates(spec: &str, time: &str) -> Vec<String> {
    let mut year = String::new();
    let mut out = Vec::new();
    for entry in spec.split(';') {
        let mut entry = entry.trim();
        if let Some((y, rest)) = entry.split_once(':') {
            year = y.trim().to_owned();
            entry = rest.trim();
        }
        let (month, days) = entry.split_once(' ').expect("month and days");
        let m = match month {
            "Jan" => 1,
            "Feb" => 2,
            "Mar" => 3,
            "Apr" => 4,
            "May" => 5,
            "Jun" => 6,
            "Jul" => 7,
            "Aug" => 8,
            "Sep" => 9,
            "Oct" => 10,
            "Nov" => 11,
            "Dec" => 12,
            other => panic!("month {other}"),
        };
        for part in days.split(',') {
            let part = part.trim();
            let (from, to) = match part.split_once('-') {
                Some((a, b)) => (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap()),
                None => {
                    let d = part.parse::<u32>().unwrap();
                    (d, d)
                }
            };
            for d in from..=to {
                out.push(format!("{year}-{m:02}-{d:02} {time}"));
            }
        }
    }
    out
}
