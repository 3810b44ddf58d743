//! Time formats Dapr accepts: Go durations, ISO 8601 durations, RFC 3339
//! points in time, and cron schedules (the robfig/cron dialect used by
//! dapr/kit's `cron` package, which both the cron binding and the Scheduler
//! use).
//!
//! Cron schedules are evaluated in UTC. Dapr evaluates them in the sidecar's
//! local zone (`time.Local`), which inside a Kubernetes pod is UTC; a
//! `TZ=`/`CRON_TZ=` prefix is accepted only for UTC because no time-zone
//! database is bundled here.

use std::fmt;

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};

/// An error in a duration, time or schedule string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError(msg.into()))
}

/// Parses a Go `time.ParseDuration` string: `300ms`, `-1.5h`, `2h45m`, `0`.
pub fn parse_go_duration(s: &str) -> Result<TimeDelta, FormatError> {
    let orig = s;
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(TimeDelta::zero());
    }
    if rest.is_empty() {
        return err(format!("invalid duration {orig:?}"));
    }
    let mut total_nanos: i128 = 0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return err(format!("invalid duration {orig:?}"));
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return err(format!("missing unit in duration {orig:?}")),
            other => return err(format!("unknown unit {other:?} in duration {orig:?}")),
        };
        let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
        let int: i128 = if int_part.is_empty() {
            0
        } else {
            int_part
                .parse()
                .map_err(|_| FormatError(format!("invalid duration {orig:?}")))?
        };
        let mut value = int * scale;
        let mut frac_scale = scale;
        for digit in frac_part.bytes() {
            frac_scale /= 10;
            value += i128::from(digit - b'0') * frac_scale;
        }
        total_nanos += value;
        if total_nanos > i128::from(i64::MAX) {
            return err(format!("invalid duration {orig:?}"));
        }
    }
    let nanos = if neg { -total_nanos } else { total_nanos };
    Ok(TimeDelta::nanoseconds(nanos as i64))
}

/// Formats a duration the way protobuf's JSON mapping does (`"3s"`, `"1.5s"`).
pub fn format_proto_duration(d: TimeDelta) -> String {
    let nanos = d.num_nanoseconds().unwrap_or(i64::MAX);
    let secs = nanos / 1_000_000_000;
    let frac = (nanos % 1_000_000_000).abs();
    if frac == 0 {
        format!("{secs}s")
    } else {
        let mut f = format!("{frac:09}");
        while f.ends_with('0') {
            f.pop();
        }
        format!("{secs}.{f}s")
    }
}

/// Parses a protobuf JSON duration (`"3s"`, `"0.5s"`). Go durations such as
/// `"1m"` are accepted too, which protojson itself would reject.
pub fn parse_proto_duration(s: &str) -> Result<TimeDelta, FormatError> {
    parse_go_duration(s)
}

/// An ISO 8601 duration, optionally with a repeat count (`R5/PT1M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IsoDuration {
    pub years: i32,
    pub months: i32,
    pub days: i64,
    pub time: TimeDelta,
    /// `Rn/` prefix; 0 when absent.
    pub repeats: u32,
}

/// Parses `P1Y2M3DT4H5M6.5S`, `PT10S`, `P1W`, with an optional `Rn/` prefix.
pub fn parse_iso8601_duration(s: &str) -> Result<IsoDuration, FormatError> {
    let bad = || FormatError(format!("unsupported ISO 8601 duration {s:?}"));
    let mut out = IsoDuration::default();
    let mut rest = s;
    if let Some(r) = rest.strip_prefix('R') {
        let (n, tail) = r.split_once('/').ok_or_else(bad)?;
        out.repeats = if n.is_empty() {
            u32::MAX
        } else {
            n.parse().map_err(|_| bad())?
        };
        rest = tail;
    }
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    if rest.is_empty() {
        return Err(bad());
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return Err(bad());
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut num = String::new();
    for c in date.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        match c {
            'Y' => out.years = n as i32,
            'M' => out.months = n as i32,
            'W' => out.days += n * 7,
            'D' => out.days += n,
            _ => return Err(bad()),
        }
    }
    if !num.is_empty() {
        return Err(bad());
    }
    if let Some(time) = time {
        let mut nanos: i128 = 0;
        for c in time.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let scale: f64 = match c {
                'H' => 3600.0,
                'M' => 60.0,
                'S' => 1.0,
                _ => return Err(bad()),
            };
            let n: f64 = num.parse().map_err(|_| bad())?;
            num.clear();
            nanos += (n * scale * 1e9).round() as i128;
        }
        if !num.is_empty() {
            return Err(bad());
        }
        out.time = TimeDelta::nanoseconds(nanos as i64);
    }
    Ok(out)
}

/// Resolves a Scheduler "point in time" (`dueTime`, `ttl`): RFC 3339, a Go
/// duration from `now`, or a non-repeating ISO 8601 duration from `now`.
pub fn parse_point_in_time(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, FormatError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = parse_go_duration(s) {
        return Ok(now + d);
    }
    let iso = parse_iso8601_duration(s)
        .map_err(|_| FormatError("due time format not recognized".into()))?;
    if iso.repeats > 0 {
        return err("repeats not supported for due time");
    }
    let mut t = now;
    let months = i64::from(iso.years) * 12 + i64::from(iso.months);
    if months > 0 {
        t = t
            .checked_add_months(Months::new(months as u32))
            .ok_or_else(|| FormatError("due time out of range".into()))?;
    }
    Ok(t + TimeDelta::days(iso.days) + iso.time)
}

/// Go's `time.Time.String()` for a UTC instant:
/// `2006-01-02 15:04:05.999999999 +0000 UTC` (trailing zeros trimmed).
pub fn go_time_string_utc(t: DateTime<Utc>) -> String {
    let base = t.format("%Y-%m-%d %H:%M:%S").to_string();
    let nanos = t.nanosecond() % 1_000_000_000;
    if nanos == 0 {
        format!("{base} +0000 UTC")
    } else {
        let mut f = format!("{nanos:09}");
        while f.ends_with('0') {
            f.pop();
        }
        format!("{base}.{f} +0000 UTC")
    }
}

/// Whether a cron expression must have a seconds field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondsField {
    /// Exactly six fields (the Scheduler / Jobs API).
    Required,
    /// Five or six fields (the cron binding); five means second `0`.
    Optional,
}

/// A parsed schedule.
#[derive(Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `@every <duration>`: the next tick is the previous one plus the delay.
    Every(TimeDelta),
    /// A cron expression or one of the `@daily`-style descriptors.
    Cron(Box<CronSpec>),
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Every(d) => write!(f, "Every({})", format_proto_duration(*d)),
            Schedule::Cron(_) => write!(f, "Cron(..)"),
        }
    }
}

/// The fields of a cron expression as bit sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronSpec {
    second: u64,
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// `*` or `?` in the day-of-month / day-of-week field: robfig/cron then
    /// requires both day fields to match, otherwise either.
    dom_star: bool,
    dow_star: bool,
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const SECONDS: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

impl Schedule {
    /// Parses a schedule in the robfig/cron dialect with descriptors.
    pub fn parse(spec: &str, seconds: SecondsField) -> Result<Schedule, FormatError> {
        let mut spec = spec.trim();
        if spec.is_empty() {
            return err("empty spec string");
        }
        if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
            let (tz, rest) = spec
                .split_once(' ')
                .ok_or_else(|| FormatError(format!("invalid schedule {spec:?}")))?;
            let zone = tz.split_once('=').map(|(_, z)| z).unwrap_or("");
            if !matches!(zone, "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT") {
                return err(format!(
                    "time zone {zone:?} is not supported by this sidecar (only UTC)"
                ));
            }
            spec = rest.trim();
        }
        if let Some(desc) = spec.strip_prefix('@') {
            return Self::parse_descriptor(desc);
        }
        let mut fields: Vec<&str> = spec.split_whitespace().collect();
        match (seconds, fields.len()) {
            (SecondsField::Required, 6) | (SecondsField::Optional, 6) => {}
            (SecondsField::Optional, 5) => fields.insert(0, "0"),
            (SecondsField::Required, n) => {
                return err(format!("expected exactly 6 fields, found {n}: {spec}"))
            }
            (SecondsField::Optional, n) => {
                return err(format!("expected 5 to 6 fields, found {n}: {spec}"))
            }
        }
        let (second, _) = parse_field(fields[0], &SECONDS)?;
        let (minute, _) = parse_field(fields[1], &MINUTES)?;
        let (hour, _) = parse_field(fields[2], &HOURS)?;
        let (dom, dom_star) = parse_field(fields[3], &DOM)?;
        let (month, _) = parse_field(fields[4], &MONTHS)?;
        let (dow, dow_star) = parse_field(fields[5], &DOW)?;
        Ok(Schedule::Cron(Box::new(CronSpec {
            second,
            minute,
            hour,
            dom,
            month,
            dow,
            dom_star,
            dow_star,
        })))
    }

    fn parse_descriptor(desc: &str) -> Result<Schedule, FormatError> {
        let cron = |s: &str| Schedule::parse(s, SecondsField::Required);
        match desc {
            "yearly" | "annually" => cron("0 0 0 1 1 *"),
            "monthly" => cron("0 0 0 1 * *"),
            "weekly" => cron("0 0 0 * * 0"),
            "daily" | "midnight" => cron("0 0 0 * * *"),
            "hourly" => cron("0 0 * * * *"),
            _ => {
                let Some(d) = desc.strip_prefix("every ") else {
                    return err(format!("unrecognized descriptor: @{desc}"));
                };
                let delay = parse_go_duration(d.trim())
                    .map_err(|e| FormatError(format!("failed to parse duration @{desc}: {e}")))?;
                if delay <= TimeDelta::zero() {
                    // A zero delay would fire in a tight loop.
                    return err(format!("@every needs a positive duration: @{desc}"));
                }
                Ok(Schedule::Every(delay))
            }
        }
    }

    /// The first tick strictly after `after`, or `None` if there is none in
    /// the next five years.
    pub fn next(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Every(d) => after.checked_add_signed(*d),
            Schedule::Cron(spec) => spec.next(after),
        }
    }
}

fn parse_field(field: &str, b: &Bounds) -> Result<(u64, bool), FormatError> {
    let mut bits = 0u64;
    let mut star = false;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                Some(
                    s.parse::<u32>()
                        .map_err(|_| FormatError(format!("invalid step in {field:?}")))?,
                ),
            ),
            None => (part, None),
        };
        let (start, end, is_star) = if range == "*" || range == "?" {
            (b.min, b.max, true)
        } else if let Some((lo, hi)) = range.split_once('-') {
            (parse_value(lo, b)?, parse_value(hi, b)?, false)
        } else {
            let v = parse_value(range, b)?;
            // `N/step` means `N-max/step`.
            (v, if step.is_some() { b.max } else { v }, false)
        };
        let step = step.unwrap_or(1);
        if step == 0 {
            return err(format!(
                "step of range should be a positive number: {field}"
            ));
        }
        if start < b.min || end > b.max || start > end {
            return err(format!("value out of range ({}-{}): {field}", b.min, b.max));
        }
        // robfig/cron marks `*` (without a step greater than one) as "any",
        // which changes how day-of-month and day-of-week combine.
        if is_star && step == 1 {
            star = true;
        }
        let mut v = start;
        while v <= end {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, star))
}

fn parse_value(s: &str, b: &Bounds) -> Result<u32, FormatError> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = b.names.iter().position(|n| *n == lower) {
        return Ok(i as u32 + b.min);
    }
    s.parse::<u32>()
        .map_err(|_| FormatError(format!("failed to parse int from {s}")))
}

impl CronSpec {
    fn day_matches(&self, d: NaiveDate) -> bool {
        let dom = self.dom & (1 << d.day()) != 0;
        let dow = self.dow & (1 << d.weekday().num_days_from_sunday()) != 0;
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    fn next(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // Start at the next whole second, then walk field by field from the
        // largest unit down, resetting smaller units whenever a larger one
        // moves (the classic robfig/cron search).
        let start = after.naive_utc().with_nanosecond(0)? + TimeDelta::seconds(1);
        let limit_year = start.year() + 5;
        let mut t = start;
        let mut moved = false;
        'wrap: loop {
            if t.year() > limit_year {
                return None;
            }
            while self.month & (1 << t.month()) == 0 {
                if !moved {
                    moved = true;
                    t = NaiveDate::from_ymd_opt(t.year(), t.month(), 1)?.and_hms_opt(0, 0, 0)?;
                }
                t = add_month(t)?;
                if t.month() == 1 {
                    continue 'wrap;
                }
            }
            while !self.day_matches(t.date()) {
                if !moved {
                    moved = true;
                    t = t.date().and_hms_opt(0, 0, 0)?;
                }
                t += TimeDelta::days(1);
                if t.day() == 1 {
                    continue 'wrap;
                }
            }
            while self.hour & (1 << t.hour()) == 0 {
                if !moved {
                    moved = true;
                    t = t.date().and_hms_opt(t.hour(), 0, 0)?;
                }
                t += TimeDelta::hours(1);
                if t.hour() == 0 {
                    continue 'wrap;
                }
            }
            while self.minute & (1 << t.minute()) == 0 {
                if !moved {
                    moved = true;
                    t = t.date().and_hms_opt(t.hour(), t.minute(), 0)?;
                }
                t += TimeDelta::minutes(1);
                if t.minute() == 0 {
                    continue 'wrap;
                }
            }
            while self.second & (1 << t.second()) == 0 {
                moved = true;
                t += TimeDelta::seconds(1);
                if t.second() == 0 {
                    continue 'wrap;
                }
            }
            return Some(t.and_utc());
        }
    }
}

fn add_month(t: NaiveDateTime) -> Option<NaiveDateTime> {
    let (y, m) = if t.month() == 12 {
        (t.year() + 1, 1)
    } else {
        (t.year(), t.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.and_hms_opt(0, 0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("10s").unwrap(), TimeDelta::seconds(10));
        assert_eq!(parse_go_duration("1h30m").unwrap(), TimeDelta::minutes(90));
        assert_eq!(parse_go_duration("1.5h").unwrap(), TimeDelta::minutes(90));
        assert_eq!(
            parse_go_duration("200ms").unwrap(),
            TimeDelta::milliseconds(200)
        );
        assert_eq!(parse_go_duration("-2s").unwrap(), TimeDelta::seconds(-2));
        assert_eq!(parse_go_duration("0").unwrap(), TimeDelta::zero());
        assert_eq!(
            parse_go_duration("3us").unwrap(),
            TimeDelta::microseconds(3)
        );
        for bad in ["", "10", "s", "1x", "1..2s", "1h 2m"] {
            assert!(parse_go_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iso_and_point_in_time() {
        let d = parse_iso8601_duration("P1DT2H3.5S").unwrap();
        assert_eq!(d.days, 1);
        assert_eq!(d.time, TimeDelta::milliseconds(2 * 3_600_000 + 3_500));
        assert_eq!(parse_iso8601_duration("R5/PT1M").unwrap().repeats, 5);
        let now = at("2024-01-31T10:00:00Z");
        assert_eq!(
            parse_point_in_time("10s", now).unwrap(),
            at("2024-01-31T10:00:10Z")
        );
        assert_eq!(
            parse_point_in_time("PT1H", now).unwrap(),
            at("2024-01-31T11:00:00Z")
        );
        assert_eq!(
            parse_point_in_time("2024-02-01T00:00:00+01:00", now).unwrap(),
            at("2024-01-31T23:00:00Z")
        );
        assert!(parse_point_in_time("R2/PT1H", now).is_err());
        assert!(parse_point_in_time("soon", now).is_err());
    }

    #[test]
    fn cron_six_and_five_fields() {
        let s = Schedule::parse("*/15 * * * * *", SecondsField::Required).unwrap();
        assert_eq!(
            s.next(at("2024-01-01T00:00:07Z")),
            Some(at("2024-01-01T00:00:15Z"))
        );
        let s = Schedule::parse("30 9 * * mon-fri", SecondsField::Optional).unwrap();
        // 2024-01-06 is a Saturday.
        assert_eq!(
            s.next(at("2024-01-06T12:00:00Z")),
            Some(at("2024-01-08T09:30:00Z"))
        );
        assert!(Schedule::parse("30 9 * * 1", SecondsField::Required).is_err());
        let s = Schedule::parse("0 0 0 31 * *", SecondsField::Required).unwrap();
        assert_eq!(
            s.next(at("2024-02-01T00:00:00Z")),
            Some(at("2024-03-31T00:00:00Z"))
        );
        let s = Schedule::parse("0 0 12 1 JAN ?", SecondsField::Required).unwrap();
        assert_eq!(
            s.next(at("2024-06-01T00:00:00Z")),
            Some(at("2025-01-01T12:00:00Z"))
        );
        // Both day fields restricted: either may match.
        let s = Schedule::parse("0 0 0 13 * 5", SecondsField::Required).unwrap();
        assert_eq!(
            s.next(at("2024-01-01T00:00:00Z")),
            Some(at("2024-01-05T00:00:00Z"))
        );
        assert!(Schedule::parse("0 0 0 30 2 *", SecondsField::Required)
            .unwrap()
            .next(at("2024-01-01T00:00:00Z"))
            .is_none());
    }

    #[test]
    fn descriptors() {
        let s = Schedule::parse("@every 1s", SecondsField::Optional).unwrap();
        assert_eq!(
            s.next(at("2024-01-01T00:00:00Z")),
            Some(at("2024-01-01T00:00:01Z"))
        );
        let s = Schedule::parse("@daily", SecondsField::Required).unwrap();
        assert_eq!(
            s.next(at("2024-01-01T00:00:00Z")),
            Some(at("2024-01-02T00:00:00Z"))
        );
        let s = Schedule::parse("@hourly", SecondsField::Optional).unwrap();
        assert_eq!(
            s.next(at("2024-01-01T10:59:59Z")),
            Some(at("2024-01-01T11:00:00Z"))
        );
        assert!(Schedule::parse("@every 0s", SecondsField::Optional).is_err());
        assert!(Schedule::parse("@fortnightly", SecondsField::Optional).is_err());
        assert!(Schedule::parse("TZ=UTC @daily", SecondsField::Optional).is_ok());
        assert!(Schedule::parse("TZ=Europe/Paris @daily", SecondsField::Optional).is_err());
    }

    #[test]
    fn go_time_string() {
        assert_eq!(
            go_time_string_utc(at("2024-01-02T03:04:05.120Z")),
            "2024-01-02 03:04:05.12 +0000 UTC"
        );
        assert_eq!(
            go_time_string_utc(at("2024-01-02T03:04:05Z")),
            "2024-01-02 03:04:05 +0000 UTC"
        );
        assert_eq!(format_proto_duration(TimeDelta::milliseconds(1500)), "1.5s");
    }
}
