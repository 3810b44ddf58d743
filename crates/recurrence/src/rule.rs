//! The `RRULE` value: parsing, validation and rendering.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::RuleError;

/// Largest accepted `INTERVAL`.
pub const MAX_INTERVAL: u32 = 1000;
/// Largest accepted `COUNT`.
pub const MAX_COUNT: u32 = 10_000;
/// Largest accepted `BYSETPOS` magnitude: a yearly period holds at most 366
/// candidates (RFC 5545: `setposday = [plus / minus] ordyrday`, 1 to 366).
pub const MAX_SET_POS: i16 = 366;

const SUPPORTED_PARTS: &str =
    "FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, COUNT, UNTIL, WKST";

/// `FREQ`: the unit of the recurrence period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Every `INTERVAL` hours of elapsed time from the start (see the crate
    /// documentation for how this meets daylight-saving changes).
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Frequency {
    /// The RFC 5545 name (`DAILY`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Hourly => "HOURLY",
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
            Frequency::Yearly => "YEARLY",
        }
    }
}

/// One `BYDAY` entry: a weekday, optionally with an ordinal (`2TU` = the second
/// Tuesday, `-1FR` = the last Friday) counted within the month or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeekdayNum {
    /// `None` for every such weekday in the period; otherwise nonzero,
    /// negative counting from the end.
    pub ordinal: Option<i8>,
    pub weekday: Weekday,
}

impl WeekdayNum {
    /// Every `weekday` of the period.
    pub fn every(weekday: Weekday) -> Self {
        Self {
            ordinal: None,
            weekday,
        }
    }

    /// The `ordinal`-th `weekday` of the period (negative: from the end).
    pub fn nth(ordinal: i8, weekday: Weekday) -> Self {
        Self {
            ordinal: Some(ordinal),
            weekday,
        }
    }
}

impl fmt::Display for WeekdayNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.ordinal {
            write!(f, "{n}")?;
        }
        f.write_str(weekday_code(self.weekday))
    }
}

/// `UNTIL`: the last instant an occurrence may start at (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Until {
    /// `UNTIL=20261231`: occurrences on or before that local date.
    Date(NaiveDate),
    /// `UNTIL=20261231T235959Z`: occurrences at or before that UTC instant.
    Utc(DateTime<Utc>),
    /// `UNTIL=20261231T235959` (no `Z`): occurrences at or before that local
    /// wall-clock time in the recurrence's timezone.
    Local(NaiveDateTime),
}

impl fmt::Display for Until {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Until::Date(d) => write!(f, "{}", d.format("%Y%m%d")),
            Until::Utc(t) => write!(f, "{}", t.format("%Y%m%dT%H%M%SZ")),
            Until::Local(t) => write!(f, "{}", t.format("%Y%m%dT%H%M%S")),
        }
    }
}

/// The parts of a rule as plain data. Build one and pass it to
/// [`Rule::from_parts`] to get a validated [`Rule`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleParts {
    pub freq: Frequency,
    /// 1..=[`MAX_INTERVAL`].
    pub interval: u32,
    pub by_day: Vec<WeekdayNum>,
    /// 1..=31 or -31..=-1 (-1 = the last day of the month).
    pub by_month_day: Vec<i8>,
    /// 1..=12.
    pub by_month: Vec<u8>,
    /// 1..=[`MAX_SET_POS`] or -[`MAX_SET_POS`]..=-1: which of the candidates
    /// of each period (after the other BY parts) to keep, -1 being the last.
    /// Needs another BY part; only with `WEEKLY`, `MONTHLY` and `YEARLY`.
    pub by_set_pos: Vec<i16>,
    /// 1..=[`MAX_COUNT`]; the first occurrence (the start) counts.
    pub count: Option<u32>,
    pub until: Option<Until>,
    /// `None` when the rule does not say; the effective value is then Monday.
    pub wkst: Option<Weekday>,
}

impl RuleParts {
    /// `FREQ=<freq>` with every other part at its default.
    pub fn new(freq: Frequency) -> Self {
        Self {
            freq,
            interval: 1,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: Vec::new(),
            by_set_pos: Vec::new(),
            count: None,
            until: None,
            wkst: None,
        }
    }
}

/// A validated recurrence rule (the value of an RFC 5545 `RRULE`).
///
/// Parse with [`str::parse`], render with [`fmt::Display`]. Rendering is
/// canonical: parts in the order `FREQ`, `INTERVAL` (only when not 1),
/// `BYMONTH`, `BYMONTHDAY`, `BYDAY`, `BYSETPOS`, `WKST` (only when given),
/// `COUNT`, `UNTIL`; so `parse(render(r)) == r` for every rule, and `render(parse(s))`
/// equals `s` up to that order, letter case and an explicit `INTERVAL=1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule(RuleParts);

impl Rule {
    /// Validates `parts` and wraps them.
    pub fn from_parts(parts: RuleParts) -> Result<Self, RuleError> {
        validate(&parts)?;
        Ok(Self(parts))
    }

    /// The rule's parts.
    pub fn parts(&self) -> &RuleParts {
        &self.0
    }

    /// The rule's parts, owned (to edit and re-validate).
    pub fn into_parts(self) -> RuleParts {
        self.0
    }

    pub fn freq(&self) -> Frequency {
        self.0.freq
    }

    pub fn interval(&self) -> u32 {
        self.0.interval
    }

    pub fn count(&self) -> Option<u32> {
        self.0.count
    }

    pub fn until(&self) -> Option<Until> {
        self.0.until
    }

    /// The effective week start (Monday unless `WKST` says otherwise).
    pub fn week_start(&self) -> Weekday {
        self.0.wkst.unwrap_or(Weekday::Mon)
    }
}

impl FromStr for Rule {
    type Err = RuleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::from_parts(parse(s)?)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0;
        write!(f, "FREQ={}", p.freq.as_str())?;
        if p.interval != 1 {
            write!(f, ";INTERVAL={}", p.interval)?;
        }
        if !p.by_month.is_empty() {
            f.write_str(";BYMONTH=")?;
            write_list(f, &p.by_month)?;
        }
        if !p.by_month_day.is_empty() {
            f.write_str(";BYMONTHDAY=")?;
            write_list(f, &p.by_month_day)?;
        }
        if !p.by_day.is_empty() {
            f.write_str(";BYDAY=")?;
            write_list(f, &p.by_day)?;
        }
        if !p.by_set_pos.is_empty() {
            f.write_str(";BYSETPOS=")?;
            write_list(f, &p.by_set_pos)?;
        }
        if let Some(w) = p.wkst {
            write!(f, ";WKST={}", weekday_code(w))?;
        }
        if let Some(c) = p.count {
            write!(f, ";COUNT={c}")?;
        }
        if let Some(u) = p.until {
            write!(f, ";UNTIL={u}")?;
        }
        Ok(())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

pub(crate) fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

fn parse_weekday(code: &str, part: &str) -> Result<Weekday, RuleError> {
    Ok(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => {
            return Err(RuleError::syntax(format!(
                "{part}: \"{code}\" is not a weekday (expected MO, TU, WE, TH, FR, SA or SU)"
            )))
        }
    })
}

fn parse(input: &str) -> Result<RuleParts, RuleError> {
    let mut text = input.trim();
    // `get` rather than `[..6]`: byte 6 may fall inside a multi-byte
    // character (`FREQ=é`), and slicing there panics.
    if let Some(prefix) = text.get(..6) {
        if prefix.eq_ignore_ascii_case("RRULE:") {
            text = text[6..].trim_start();
        }
    }
    if text.is_empty() {
        return Err(RuleError::syntax(
            "the rule is empty (expected e.g. FREQ=WEEKLY;BYDAY=MO)",
        ));
    }

    let mut freq = None;
    let mut interval = None;
    let mut by_day = None;
    let mut by_month_day = None;
    let mut by_month = None;
    let mut by_set_pos = None;
    let mut count = None;
    let mut until = None;
    let mut wkst = None;

    for segment in text.split(';') {
        let segment = segment.trim();
        if segment.is_empty() {
            continue;
        }
        let Some((name, value)) = segment.split_once('=') else {
            return Err(RuleError::syntax(format!(
                "\"{segment}\" is not a rule part (expected NAME=VALUE)"
            )));
        };
        let name = name.trim().to_ascii_uppercase();
        let value = value.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err(RuleError::syntax(format!("{name}: the value is empty")));
        }
        let duplicate = || RuleError::syntax(format!("{name} appears more than once"));
        match name.as_str() {
            "FREQ" => set_once(&mut freq, parse_freq(&value)?, duplicate)?,
            "INTERVAL" => set_once(
                &mut interval,
                parse_number::<u32>(&value, "INTERVAL")?,
                duplicate,
            )?,
            "COUNT" => set_once(&mut count, parse_number::<u32>(&value, "COUNT")?, duplicate)?,
            "UNTIL" => set_once(&mut until, parse_until(&value)?, duplicate)?,
            "WKST" => set_once(&mut wkst, parse_weekday(&value, "WKST")?, duplicate)?,
            "BYDAY" => set_once(
                &mut by_day,
                parse_list(&value, "BYDAY", parse_weekday_num)?,
                duplicate,
            )?,
            "BYMONTHDAY" => set_once(
                &mut by_month_day,
                parse_list(&value, "BYMONTHDAY", |v| parse_signed(v, "BYMONTHDAY"))?,
                duplicate,
            )?,
            "BYMONTH" => set_once(
                &mut by_month,
                parse_list(&value, "BYMONTH", |v| parse_number::<u8>(v, "BYMONTH"))?,
                duplicate,
            )?,
            "BYSETPOS" => set_once(
                &mut by_set_pos,
                parse_list(&value, "BYSETPOS", parse_set_pos)?,
                duplicate,
            )?,
            "BYSECOND" | "BYMINUTE" | "BYHOUR" | "BYYEARDAY" | "BYWEEKNO" => {
                return Err(RuleError::unsupported(format!(
                    "{name} is not supported (supported rule parts: {SUPPORTED_PARTS})"
                )))
            }
            _ => {
                return Err(RuleError::syntax(format!(
                    "unknown rule part \"{name}\" (supported rule parts: {SUPPORTED_PARTS})"
                )))
            }
        }
    }

    let Some(freq) = freq else {
        return Err(RuleError::syntax(
            "FREQ is required (HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)",
        ));
    };
    Ok(RuleParts {
        freq,
        interval: interval.unwrap_or(1),
        by_day: by_day.unwrap_or_default(),
        by_month_day: by_month_day.unwrap_or_default(),
        by_month: by_month.unwrap_or_default(),
        by_set_pos: by_set_pos.unwrap_or_default(),
        count,
        until,
        wkst,
    })
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    duplicate: impl Fn() -> RuleError,
) -> Result<(), RuleError> {
    if slot.is_some() {
        return Err(duplicate());
    }
    *slot = Some(value);
    Ok(())
}

fn parse_freq(value: &str) -> Result<Frequency, RuleError> {
    match value {
        "HOURLY" => Ok(Frequency::Hourly),
        "DAILY" => Ok(Frequency::Daily),
        "WEEKLY" => Ok(Frequency::Weekly),
        "MONTHLY" => Ok(Frequency::Monthly),
        "YEARLY" => Ok(Frequency::Yearly),
        "SECONDLY" | "MINUTELY" => Err(RuleError::unsupported(format!(
            "FREQ={value} is not supported (supported: HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY)"
        ))),
        _ => Err(RuleError::syntax(format!(
            "FREQ: \"{value}\" is not a frequency (expected HOURLY, DAILY, WEEKLY, MONTHLY or \
             YEARLY)"
        ))),
    }
}

fn parse_number<T: FromStr>(value: &str, part: &str) -> Result<T, RuleError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RuleError::syntax(format!(
            "{part}: \"{value}\" is not a positive whole number"
        )));
    }
    value
        .parse()
        .map_err(|_| RuleError::invalid(format!("{part}: {value} is too large")))
}

/// `[+|-]digits`, as an `i8` after a range-independent syntax check.
fn parse_signed(value: &str, part: &str) -> Result<i8, RuleError> {
    let (negative, digits) = split_sign(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RuleError::syntax(format!(
            "{part}: \"{value}\" is not a whole number"
        )));
    }
    let magnitude: i16 = digits
        .parse::<u8>()
        .map(i16::from)
        .map_err(|_| RuleError::invalid(format!("{part}: {value} is out of range")))?;
    let n = if negative { -magnitude } else { magnitude };
    i8::try_from(n).map_err(|_| RuleError::invalid(format!("{part}: {value} is out of range")))
}

/// A `BYSETPOS` entry, `[+|-]digits`; the range is checked by `validate`.
fn parse_set_pos(value: &str) -> Result<i16, RuleError> {
    let (negative, digits) = split_sign(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RuleError::syntax(format!(
            "BYSETPOS: \"{value}\" is not a whole number"
        )));
    }
    let out_of_range = || {
        RuleError::invalid(format!(
            "BYSETPOS: {value} is out of range (1 to {MAX_SET_POS}, or -{MAX_SET_POS} to -1 \
             counting from the end)"
        ))
    };
    let magnitude: i16 = digits.parse().map_err(|_| out_of_range())?;
    Ok(if negative { -magnitude } else { magnitude })
}

fn split_sign(value: &str) -> (bool, &str) {
    if let Some(rest) = value.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = value.strip_prefix('+') {
        (false, rest)
    } else {
        (false, value)
    }
}

fn parse_list<T>(
    value: &str,
    part: &str,
    item: impl Fn(&str) -> Result<T, RuleError>,
) -> Result<Vec<T>, RuleError> {
    value
        .split(',')
        .map(|v| {
            let v = v.trim();
            if v.is_empty() {
                Err(RuleError::syntax(format!(
                    "{part}: the list has an empty entry"
                )))
            } else {
                item(v)
            }
        })
        .collect()
}

fn parse_weekday_num(value: &str) -> Result<WeekdayNum, RuleError> {
    if value.len() < 2 || !value.is_char_boundary(value.len() - 2) {
        return Err(RuleError::syntax(format!(
            "BYDAY: \"{value}\" is not a weekday (expected e.g. MO, 2TU or -1FR)"
        )));
    }
    let (prefix, code) = value.split_at(value.len() - 2);
    let weekday = parse_weekday(code, "BYDAY")?;
    if prefix.is_empty() {
        return Ok(WeekdayNum::every(weekday));
    }
    let (_, digits) = split_sign(prefix);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RuleError::syntax(format!(
            "BYDAY: \"{value}\" is not a weekday (expected e.g. MO, 2TU or -1FR)"
        )));
    }
    let n: i8 = parse_signed(prefix, "BYDAY")?;
    if n == 0 {
        return Err(RuleError::invalid(format!(
            "BYDAY: \"{value}\": the ordinal must not be 0 (1 is the first, -1 the last)"
        )));
    }
    Ok(WeekdayNum::nth(n, weekday))
}

fn parse_until(value: &str) -> Result<Until, RuleError> {
    let bad = || {
        RuleError::syntax(format!(
            "UNTIL: \"{value}\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSSZ)"
        ))
    };
    if !value.is_ascii() {
        return Err(bad());
    }
    match value.len() {
        8 => NaiveDate::parse_from_str(value, "%Y%m%d")
            .map(Until::Date)
            .map_err(|_| bad()),
        15 => NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
            .map(Until::Local)
            .map_err(|_| bad()),
        16 if value.ends_with('Z') => NaiveDateTime::parse_from_str(&value[..15], "%Y%m%dT%H%M%S")
            .map(|t| Until::Utc(t.and_utc()))
            .map_err(|_| bad()),
        _ => Err(bad()),
    }
}

fn validate(p: &RuleParts) -> Result<(), RuleError> {
    if p.interval == 0 || p.interval > MAX_INTERVAL {
        return Err(RuleError::invalid(format!(
            "INTERVAL: {} is out of range (1 to {MAX_INTERVAL})",
            p.interval
        )));
    }
    if let Some(c) = p.count {
        if c == 0 || c > MAX_COUNT {
            return Err(RuleError::invalid(format!(
                "COUNT: {c} is out of range (1 to {MAX_COUNT})"
            )));
        }
    }
    if p.count.is_some() && p.until.is_some() {
        return Err(RuleError::invalid("COUNT and UNTIL must not both be given"));
    }
    if let Some(until) = p.until {
        let year = match until {
            Until::Date(d) => d.year(),
            Until::Utc(t) => t.year(),
            Until::Local(t) => t.year(),
        };
        if !(1..=9999).contains(&year) {
            return Err(RuleError::invalid(format!(
                "UNTIL: year {year} is out of range"
            )));
        }
    }
    for &m in &p.by_month {
        if !(1..=12).contains(&m) {
            return Err(RuleError::invalid(format!(
                "BYMONTH: {m} is out of range (1 to 12)"
            )));
        }
    }
    for &d in &p.by_month_day {
        if d == 0 || !(-31..=31).contains(&d) {
            return Err(RuleError::invalid(format!(
                "BYMONTHDAY: {d} is out of range (1 to 31, or -31 to -1 counting from the month's end)"
            )));
        }
    }
    if !p.by_month_day.is_empty() && p.freq == Frequency::Weekly {
        return Err(RuleError::invalid(
            "BYMONTHDAY must not be used with FREQ=WEEKLY",
        ));
    }
    for wd in &p.by_day {
        let Some(n) = wd.ordinal else { continue };
        let max: i8 = match p.freq {
            Frequency::Hourly | Frequency::Daily | Frequency::Weekly => {
                return Err(RuleError::invalid(format!(
                    "BYDAY: \"{wd}\": an ordinal weekday needs FREQ=MONTHLY or FREQ=YEARLY"
                )))
            }
            Frequency::Monthly => 5,
            Frequency::Yearly if !p.by_month.is_empty() => 5,
            Frequency::Yearly => 53,
        };
        if n == 0 || n.unsigned_abs() > max.unsigned_abs() {
            let within = if max == 5 { "a month" } else { "a year" };
            return Err(RuleError::invalid(format!(
                "BYDAY: \"{wd}\": the ordinal must be 1 to {max} or -{max} to -1 (within {within})"
            )));
        }
    }
    validate_set_pos(p)?;
    if !p.by_month_day.is_empty() {
        let months: Vec<u8> = if p.by_month.is_empty() {
            (1..=12).collect()
        } else {
            p.by_month.clone()
        };
        let possible = months.iter().any(|&m| {
            let len = max_month_len(m);
            p.by_month_day.iter().any(|&d| d.unsigned_abs() <= len)
        });
        if !possible {
            return Err(RuleError::invalid(
                "BYMONTHDAY never falls within the months of BYMONTH (the rule has no occurrences)",
            ));
        }
    }
    Ok(())
}

fn validate_set_pos(p: &RuleParts) -> Result<(), RuleError> {
    if p.by_set_pos.is_empty() {
        return Ok(());
    }
    for &n in &p.by_set_pos {
        if n == 0 || !(-MAX_SET_POS..=MAX_SET_POS).contains(&n) {
            return Err(RuleError::invalid(format!(
                "BYSETPOS: {n} is out of range (1 to {MAX_SET_POS}, or -{MAX_SET_POS} to -1 \
                 counting from the end)"
            )));
        }
    }
    if matches!(p.freq, Frequency::Hourly | Frequency::Daily) {
        // Valid RFC 5545, but without BYHOUR, BYMINUTE and BYSECOND an hour
        // or a day holds a single candidate here, so BYSETPOS could only
        // keep it (1, -1) or drop every occurrence.
        return Err(RuleError::unsupported(format!(
            "BYSETPOS is not supported with FREQ={} (each period has a single candidate; \
             use FREQ=WEEKLY, MONTHLY or YEARLY)",
            p.freq.as_str()
        )));
    }
    if p.by_day.is_empty() && p.by_month_day.is_empty() && p.by_month.is_empty() {
        // RFC 5545 3.3.10: "It MUST only be used in conjunction with another
        // BYxxx rule part."
        return Err(RuleError::invalid(
            "BYSETPOS must be used with another BY part (BYDAY, BYMONTHDAY or BYMONTH)",
        ));
    }
    Ok(())
}

fn max_month_len(month: u8) -> u8 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
