//! A rule anchored at a local start time in a timezone, with a mode; its
//! expansion to UTC instants and the next due date of a task.

use std::collections::VecDeque;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, RuleError};
use crate::rule::{Frequency, Rule, Until, WeekdayNum};

/// Per-call budget of candidate periods (days, weeks, months or years of the
/// rule's frequency; for `HOURLY`, instances examined plus local days the BY
/// parts reject, each skipped at once; or candidate days or hours in
/// completion mode) that one call may examine before giving up with
/// [`ErrorKind::IterationLimit`].
///
/// A period costs at most 366 day checks (a year), and dates stop at the end
/// of year 9999, so a call is bounded to a few million cheap checks.
pub const MAX_PERIODS: u32 = 100_000;

/// Largest `limit` honoured by [`Recurrence::occurrences_after`].
pub const MAX_LIMIT: usize = 1000;

/// Most excluded dates (`EXDATE`) one recurrence may carry. Each candidate
/// occurrence is looked up among them, so the list must stay small.
pub const MAX_EXDATES: usize = 1000;

const HOUR_MS: i64 = 3_600_000;

const LAST_YEAR: i32 = 9999;

/// How the next due date of a recurring task is found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The next due date follows the calendar: the rule's next occurrence
    /// after the previous due date, whenever the task was completed.
    #[default]
    Schedule,
    /// The next due date counts from the completion: one rule interval after
    /// the local completion date, at the start's time of day.
    Completion,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Schedule => "schedule",
            Mode::Completion => "completion",
        }
    }
}

/// A recurrence: a [`Rule`], a [`Mode`], an IANA timezone, the local
/// wall-clock start (`DTSTART`), which is the first occurrence (index 0),
/// and the excluded local date-times (`EXDATE`).
///
/// JSON form (field `mode` defaults to `schedule`, `exdates` to none and is
/// left out when empty; unknown fields are refused):
///
/// ```json
/// {"rrule": "FREQ=WEEKLY;BYDAY=MO", "mode": "schedule",
///  "timezone": "Europe/Berlin", "dtstart": "2026-11-30T07:00:00",
///  "exdates": ["2026-12-07T07:00:00"]}
/// ```
///
/// `dtstart` and each of `exdates` are `YYYY-MM-DDTHH:MM[:SS]` without an
/// offset: wall-clock time in `timezone`, like `EXDATE;TZID=...` in RFC 5545.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RecurrenceJson", into = "RecurrenceJson")]
pub struct Recurrence {
    rule: Rule,
    mode: Mode,
    tz: Tz,
    dtstart: NaiveDateTime,
    /// Sorted, without duplicates, at most [`MAX_EXDATES`].
    exdates: Vec<NaiveDateTime>,
    /// The UTC instants (ms) of `exdates` by [`resolve_local`], sorted: an
    /// occurrence is excluded when its instant is one of them.
    exdate_ms: Vec<i64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecurrenceJson {
    rrule: String,
    #[serde(default)]
    mode: Mode,
    timezone: String,
    dtstart: String,
    // Optional and omitted when empty, so that JSON stored before EXDATE
    // existed reads unchanged and recurrences without exclusions serialize
    // exactly as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    exdates: Vec<String>,
}

impl TryFrom<RecurrenceJson> for Recurrence {
    type Error = RuleError;

    fn try_from(j: RecurrenceJson) -> Result<Self, Self::Error> {
        let rule: Rule = j.rrule.parse()?;
        let dtstart = parse_local_datetime(&j.dtstart)?;
        if j.exdates.len() > MAX_EXDATES {
            return Err(too_many_exdates());
        }
        let exdates = j
            .exdates
            .iter()
            .map(|text| {
                parse_local_datetime(text).map_err(|_| {
                    RuleError::syntax(format!(
                        "exdates: \"{text}\" is not a local date-time YYYY-MM-DDTHH:MM[:SS] \
                         (no offset: it is wall-clock time in the recurrence's timezone)"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Recurrence::new(rule, j.mode, &j.timezone, dtstart)?.with_exdates(exdates)
    }
}

impl From<Recurrence> for RecurrenceJson {
    fn from(r: Recurrence) -> Self {
        RecurrenceJson {
            rrule: r.rule.to_string(),
            mode: r.mode,
            timezone: r.tz.name().to_owned(),
            dtstart: format_local(r.dtstart),
            exdates: r.exdates.iter().map(|&t| format_local(t)).collect(),
        }
    }
}

fn format_local(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn too_many_exdates() -> RuleError {
    RuleError::invalid(format!("exdates: more than {MAX_EXDATES} excluded dates"))
}

/// One candidate occurrence: its local wall-clock time and its instant.
#[derive(Debug, Clone, Copy)]
struct Occ {
    local: NaiveDateTime,
    instant: DateTime<Utc>,
}

/// Parses an IANA timezone name (exact spelling, e.g. `Europe/Berlin`, `UTC`).
pub fn parse_timezone(name: &str) -> Result<Tz, RuleError> {
    Tz::from_str(name.trim()).map_err(|_| {
        RuleError::new(
            ErrorKind::UnknownTimezone,
            format!("timezone: \"{name}\" is not a known IANA timezone (e.g. Europe/Berlin)"),
        )
    })
}

/// Parses a local wall-clock date-time `YYYY-MM-DDTHH:MM[:SS]` (no offset).
pub fn parse_local_datetime(text: &str) -> Result<NaiveDateTime, RuleError> {
    let t = text.trim();
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            RuleError::syntax(format!(
                "dtstart: \"{text}\" is not a local date-time YYYY-MM-DDTHH:MM[:SS] (no offset: \
                 it is wall-clock time in the recurrence's timezone)"
            ))
        })
}

/// The UTC instant of a local wall-clock time in `tz`.
///
/// * A time that does not exist (skipped by a spring-forward change) is read
///   with the UTC offset in force before the gap, as RFC 5545 section 3.3.5
///   specifies; this moves it forward by the gap's length (02:30 on a day
///   that jumps from 02:00 to 03:00 becomes 03:30).
/// * A time that exists twice (repeated by a fall-back change) is the first
///   of the two, i.e. the one with the earlier (pre-change) offset.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            // The offset a day earlier (in UTC terms) is the one before the
            // gap: zones do not change offset twice within a day. Checked
            // arithmetic because this function is public and chrono's `-`
            // panics at the ends of its range.
            let utc = local.and_utc();
            let probe = utc
                .checked_sub_signed(chrono::Duration::days(1))
                .unwrap_or(utc);
            let before = tz.offset_from_utc_datetime(&probe.naive_utc()).fix();
            local
                .checked_sub_signed(chrono::Duration::seconds(i64::from(
                    before.local_minus_utc(),
                )))
                .unwrap_or(local)
                .and_utc()
        }
    }
}

/// A UTC instant from milliseconds, clamped to just outside years 1 to 9999
/// (the range the engine works in) so that local conversions cannot overflow.
fn ms_to_utc(ms: i64) -> DateTime<Utc> {
    let lo = NaiveDate::from_ymd_opt(0, 1, 1).map(|d| d.and_time(NaiveTime::MIN).and_utc());
    let hi =
        NaiveDate::from_ymd_opt(LAST_YEAR + 2, 1, 1).map(|d| d.and_time(NaiveTime::MIN).and_utc());
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return DateTime::<Utc>::UNIX_EPOCH;
    };
    DateTime::from_timestamp_millis(ms)
        .unwrap_or(if ms < 0 { lo } else { hi })
        .clamp(lo, hi)
}

impl Recurrence {
    /// Validates and builds a recurrence. Errors: unknown timezone, a start
    /// outside years 1..=9999, an `UNTIL` before the start.
    pub fn new(
        rule: Rule,
        mode: Mode,
        timezone: &str,
        dtstart: NaiveDateTime,
    ) -> Result<Self, RuleError> {
        Self::with_tz(rule, mode, parse_timezone(timezone)?, dtstart)
    }

    /// As [`Recurrence::new`], with an already parsed timezone.
    pub fn with_tz(
        rule: Rule,
        mode: Mode,
        tz: Tz,
        dtstart: NaiveDateTime,
    ) -> Result<Self, RuleError> {
        if !(1..=LAST_YEAR).contains(&dtstart.year()) {
            return Err(RuleError::invalid(format!(
                "dtstart: year {} is out of range (1 to {LAST_YEAR})",
                dtstart.year()
            )));
        }
        let r = Self {
            rule,
            mode,
            tz,
            dtstart,
            exdates: Vec::new(),
            exdate_ms: Vec::new(),
        };
        let start = r.dtstart_utc();
        if !r.within_until(dtstart, start) {
            return Err(RuleError::invalid(format!(
                "UNTIL ({}) is before dtstart ({})",
                r.rule.until().map(|u| u.to_string()).unwrap_or_default(),
                dtstart.format("%Y-%m-%dT%H:%M:%S")
            )));
        }
        Ok(r)
    }

    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// The local wall-clock start.
    pub fn dtstart(&self) -> NaiveDateTime {
        self.dtstart
    }

    /// The start as a UTC instant in milliseconds: the first occurrence
    /// (unless excluded by an `EXDATE`).
    pub fn dtstart_ms(&self) -> i64 {
        self.dtstart_utc().timestamp_millis()
    }

    /// The excluded local date-times (`EXDATE`), ascending.
    pub fn exdates(&self) -> &[NaiveDateTime] {
        &self.exdates
    }

    /// A copy whose excluded dates are `exdates` (replacing any before), as
    /// local wall-clock times in the recurrence's timezone. An occurrence is
    /// excluded when its instant equals the instant of an excluded time (both
    /// resolved by [`resolve_local`], RFC 5545 section 3.8.5.1). Excluded
    /// occurrences still count towards `COUNT`, as the RFC builds the set
    /// from the rule first and removes `EXDATE`s after. Duplicates are
    /// dropped; errors: more than [`MAX_EXDATES`], a year outside 1..=9999.
    pub fn with_exdates(
        mut self,
        exdates: impl IntoIterator<Item = NaiveDateTime>,
    ) -> Result<Self, RuleError> {
        let mut list = Vec::new();
        for t in exdates {
            if !(1..=LAST_YEAR).contains(&t.year()) {
                return Err(RuleError::invalid(format!(
                    "exdates: year {} is out of range (1 to {LAST_YEAR})",
                    t.year()
                )));
            }
            list.push(t);
            // Checked while collecting so that a huge iterator is not
            // gathered first.
            if list.len() > MAX_EXDATES {
                return Err(too_many_exdates());
            }
        }
        list.sort_unstable();
        list.dedup();
        self.exdates = list;
        self.refresh_exdate_ms();
        Ok(self)
    }

    /// Excludes one occurrence (the "skip this one" of a series), given as
    /// the UTC instant that [`Recurrence::occurrences_after`] or
    /// [`Recurrence::next_due`] produced; it is stored as its local time.
    /// Skipping an already skipped occurrence does nothing.
    ///
    /// Errors: the instant is not an occurrence of the series; it is the
    /// second of two instants with the same local time (an `HOURLY` rule in
    /// the repeated hour of a fall-back change), which a local `EXDATE`
    /// cannot name; the list already holds [`MAX_EXDATES`] dates.
    pub fn skip(&mut self, occurrence_ms: i64) -> Result<(), RuleError> {
        if self.exdate_ms.binary_search(&occurrence_ms).is_ok() {
            return Ok(());
        }
        let is_occurrence = self
            .occurrences_after(occurrence_ms.saturating_sub(1), 1)?
            .first()
            == Some(&occurrence_ms);
        if !is_occurrence {
            return Err(RuleError::invalid(format!(
                "skip: {occurrence_ms} is not an occurrence of the series"
            )));
        }
        let local = self.to_local(occurrence_ms);
        if self.to_utc_ms(local) != occurrence_ms {
            return Err(RuleError::unsupported(format!(
                "skip: {} happens twice in {} (a daylight-saving change); only the first \
                 can be excluded by its local time",
                format_local(local),
                self.tz.name()
            )));
        }
        if self.exdates.len() >= MAX_EXDATES {
            return Err(too_many_exdates());
        }
        if let Err(at) = self.exdates.binary_search(&local) {
            self.exdates.insert(at, local);
        }
        self.refresh_exdate_ms();
        Ok(())
    }

    fn refresh_exdate_ms(&mut self) {
        let mut ms: Vec<i64> = self.exdates.iter().map(|&t| self.to_utc_ms(t)).collect();
        ms.sort_unstable();
        ms.dedup();
        self.exdate_ms = ms;
    }

    fn is_excluded(&self, instant: DateTime<Utc>) -> bool {
        !self.exdate_ms.is_empty()
            && self
                .exdate_ms
                .binary_search(&instant.timestamp_millis())
                .is_ok()
    }

    /// A copy with another rule, mode and start (in the same timezone), for
    /// an edit that applies to future instances: pass the local time of the
    /// next instance as `dtstart`; `COUNT` then counts from it, and the
    /// caller restarts its instance index at 0. Excluded dates at or after
    /// the new start are kept (they still exclude whatever falls on them);
    /// earlier ones can no longer matter and are dropped.
    pub fn edited(
        &self,
        rule: Rule,
        mode: Mode,
        dtstart: NaiveDateTime,
    ) -> Result<Self, RuleError> {
        let edited = Self::with_tz(rule, mode, self.tz, dtstart)?;
        let start = edited.dtstart_ms();
        let kept: Vec<NaiveDateTime> = self
            .exdates
            .iter()
            .copied()
            .filter(|&t| self.to_utc_ms(t) >= start)
            .collect();
        edited.with_exdates(kept)
    }

    /// The local wall-clock time of a UTC instant in this timezone.
    pub fn to_local(&self, utc_ms: i64) -> NaiveDateTime {
        self.tz
            .from_utc_datetime(&ms_to_utc(utc_ms).naive_utc())
            .naive_local()
    }

    /// The UTC instant (ms) of a local wall-clock time, by [`resolve_local`].
    pub fn to_utc_ms(&self, local: NaiveDateTime) -> i64 {
        resolve_local(self.tz, local).timestamp_millis()
    }

    /// Up to `limit` (at most [`MAX_LIMIT`]) occurrences strictly after
    /// `after_utc_ms`, ascending, as UTC milliseconds. `COUNT` counts from the
    /// start, the start itself being the first occurrence.
    pub fn occurrences_after(
        &self,
        after_utc_ms: i64,
        limit: usize,
    ) -> Result<Vec<i64>, RuleError> {
        self.scan(ms_to_utc(after_utc_ms), limit.min(MAX_LIMIT), true)
    }

    /// The first occurrence strictly after `after_utc_ms`; `None` once the
    /// series has ended.
    pub fn next_after(&self, after_utc_ms: i64) -> Result<Option<i64>, RuleError> {
        Ok(self.occurrences_after(after_utc_ms, 1)?.into_iter().next())
    }

    /// The due date (UTC ms) of the instance after the one just completed.
    ///
    /// `instance_index` is the 0-based index of the completed instance in the
    /// series (the start is 0); the next one is `instance_index + 1`, and with
    /// `COUNT=n` there is none once `instance_index + 1 >= n`. `UNTIL` bounds
    /// the result in both modes, and an excluded date (`EXDATE`) is never the
    /// result. `None` means the series has ended.
    ///
    /// * [`Mode::Schedule`]: the first occurrence of the rule strictly after
    ///   `previous_due_ms` (after `completed_at_ms` when the task had no due
    ///   date). Completing late does not skip occurrences: the result may
    ///   already be past. With both `COUNT` and excluded dates, the search
    ///   counts occurrences from the start: an excluded occurrence uses up
    ///   one of `COUNT` without becoming an instance, so the instance index
    ///   alone no longer tells where the series ends.
    /// * [`Mode::Completion`]: take the local date of `completed_at_ms`, add
    ///   `INTERVAL` days, weeks, months or years (by `FREQ`; a month or year
    ///   step that lands on a missing day, such as 31 January + 1 month, is
    ///   clamped to the month's last day), then take the first date on or
    ///   after it that satisfies the rule's explicit `BYMONTH`, `BYMONTHDAY`
    ///   and `BYDAY` parts (and, with `BYSETPOS`, is at one of its positions
    ///   among those dates of its calendar week, month or year); the due time
    ///   is the start's time of day on that date. `previous_due_ms` is not
    ///   used. Example: `FREQ=DAILY;INTERVAL=3` completed Tuesday 18:40 local
    ///   is due Friday at the start's time. For `FREQ=HOURLY`: the start of
    ///   the completion's local hour plus `INTERVAL` hours, at the start's
    ///   minute and second (`INTERVAL=2` with a start at 08:30, completed at
    ///   10:17, is due 12:30); on a day the explicit parts do not select, the
    ///   first hour of the next selected day.
    pub fn next_due(
        &self,
        previous_due_ms: Option<i64>,
        completed_at_ms: i64,
        instance_index: u32,
    ) -> Result<Option<i64>, RuleError> {
        let Some(next_index) = instance_index.checked_add(1) else {
            return Ok(None);
        };
        if let Some(count) = self.rule.count() {
            if next_index >= count {
                return Ok(None);
            }
        }
        match self.mode {
            Mode::Schedule => {
                let anchor = ms_to_utc(previous_due_ms.unwrap_or(completed_at_ms));
                let counted = self.rule.count().is_some() && !self.exdates.is_empty();
                Ok(self.scan(anchor, 1, counted)?.into_iter().next())
            }
            Mode::Completion => self.next_after_completion(ms_to_utc(completed_at_ms)),
        }
    }

    /// A copy whose start is moved to the first date on or after the current
    /// start that the rule itself generates (same time of day; for `HOURLY`
    /// the first instance on a day the rule selects), for a start that does
    /// not match the rule (RFC 5545 counts the start as an occurrence even
    /// then). `None` if the rule generates no such date. Excluded dates are
    /// not considered: the aligned start may be one of them.
    pub fn aligned(&self) -> Result<Option<Recurrence>, RuleError> {
        let start = self.dtstart_utc();
        let mut periods = Periods::new(self, 0);
        while let Some(occ) = periods.next_occ()? {
            if self.cmp_to_start(&occ, start).is_lt() {
                continue;
            }
            if !self.within_until(occ.local, occ.instant) {
                return Ok(None);
            }
            let mut copy = self.clone();
            // The start itself keeps its local time, also one that a
            // daylight-saving gap moves (its instant's local time differs).
            if occ.instant != start {
                copy.dtstart = occ.local;
            }
            return Ok(Some(copy));
        }
        Ok(None)
    }

    fn dtstart_utc(&self) -> DateTime<Utc> {
        resolve_local(self.tz, self.dtstart)
    }

    fn time_of_day(&self) -> NaiveTime {
        self.dtstart.time()
    }

    /// Where a candidate from [`Periods`] lies relative to the start: by
    /// local date for the date-based frequencies (whose candidates are at
    /// the start's time of day), by instant for `HOURLY`.
    fn cmp_to_start(&self, occ: &Occ, start: DateTime<Utc>) -> std::cmp::Ordering {
        match self.rule.freq() {
            Frequency::Hourly => occ.instant.cmp(&start),
            _ => occ.local.date().cmp(&self.dtstart.date()),
        }
    }

    pub(crate) fn within_until(&self, local: NaiveDateTime, instant: DateTime<Utc>) -> bool {
        let hourly = self.rule.freq() == Frequency::Hourly;
        match self.rule.until() {
            None => true,
            // HOURLY instances follow the timeline, on which the local time
            // steps back at a fall-back change; comparing instants keeps the
            // first instance past UNTIL the end of the series. A local UNTIL
            // is resolved like any local time (RFC 5545 section 3.3.5).
            Some(Until::Date(d)) if hourly => match d.succ_opt() {
                Some(next) => instant < resolve_local(self.tz, next.and_time(NaiveTime::MIN)),
                None => true,
            },
            Some(Until::Local(t)) if hourly => instant <= resolve_local(self.tz, t),
            Some(Until::Date(d)) => local.date() <= d,
            Some(Until::Local(t)) => local <= t,
            Some(Until::Utc(t)) => instant <= t,
        }
    }

    /// A local date after which no occurrence can satisfy `UNTIL`.
    fn until_date_bound(&self) -> Option<NaiveDate> {
        Some(match self.rule.until()? {
            Until::Date(d) => d,
            Until::Local(t) => t.date(),
            Until::Utc(t) => self.tz.from_utc_datetime(&t.naive_utc()).date_naive(),
        })
        .map(|d| d.checked_add_days(Days::new(1)).unwrap_or(d))
    }

    /// Occurrences strictly after `after`. With `counted`, `COUNT` is applied
    /// by counting from the start; otherwise it is ignored (the caller tracks
    /// instance indexes) and expansion may skip ahead. Excluded dates are
    /// left out after counting (RFC 5545 section 3.8.5.1).
    fn scan(
        &self,
        after: DateTime<Utc>,
        limit: usize,
        counted: bool,
    ) -> Result<Vec<i64>, RuleError> {
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        let count = if counted { self.rule.count() } else { None };
        let start = self.dtstart_utc();
        let first_period = if count.is_none() && after > start {
            self.period_index_of(after).saturating_sub(1).max(0)
        } else {
            0
        };
        let mut periods = Periods::new(self, first_period);
        let mut index: u32 = 0;
        let mut pending_start = first_period == 0;
        loop {
            let occ = if pending_start {
                pending_start = false;
                Occ {
                    local: self.dtstart,
                    instant: start,
                }
            } else {
                match periods.next_occ()? {
                    None => break,
                    Some(o) if self.cmp_to_start(&o, start).is_le() => continue,
                    Some(o) => o,
                }
            };
            if let Some(c) = count {
                if index >= c {
                    break;
                }
            }
            index += 1;
            if !self.within_until(occ.local, occ.instant) {
                break;
            }
            if self.is_excluded(occ.instant) {
                continue;
            }
            if occ.instant > after {
                out.push(occ.instant.timestamp_millis());
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The index of the period (in units of the frequency times the
    /// interval) that contains `instant`; negative before the start's period.
    fn period_index_of(&self, instant: DateTime<Utc>) -> i64 {
        let interval = i64::from(self.rule.interval());
        let start = self.dtstart.date();
        let date = self.tz.from_utc_datetime(&instant.naive_utc()).date_naive();
        let units = match self.rule.freq() {
            Frequency::Hourly => {
                // Both instants lie within years 0 to 10001 (see `ms_to_utc`),
                // so the difference cannot overflow.
                let elapsed = instant.timestamp_millis() - self.dtstart_utc().timestamp_millis();
                return elapsed.div_euclid(HOUR_MS * interval);
            }
            Frequency::Daily => (date - start).num_days(),
            Frequency::Weekly => {
                let wkst = self.rule.week_start();
                (week_start(date, wkst) - week_start(start, wkst)).num_days() / 7
            }
            Frequency::Monthly => month_index(date) - month_index(start),
            Frequency::Yearly => i64::from(date.year() - start.year()),
        };
        units.div_euclid(interval)
    }

    fn next_after_completion(&self, completed: DateTime<Utc>) -> Result<Option<i64>, RuleError> {
        let done = self
            .tz
            .from_utc_datetime(&completed.naive_utc())
            .date_naive();
        let n = self.rule.interval();
        let base = match self.rule.freq() {
            Frequency::Hourly => return self.next_hour_after_completion(completed),
            Frequency::Daily => done.checked_add_days(Days::new(u64::from(n))),
            Frequency::Weekly => done.checked_add_days(Days::new(7 * u64::from(n))),
            Frequency::Monthly => done.checked_add_months(Months::new(n)),
            Frequency::Yearly => n
                .checked_mul(12)
                .and_then(|m| done.checked_add_months(Months::new(m))),
        };
        let mut date = match base {
            Some(d) if d.year() <= LAST_YEAR => d,
            _ => return Ok(None),
        };
        let mut filter = CompletionFilter::new(self);
        let mut checked: u32 = 0;
        loop {
            if filter.selects(date) {
                let local = date.and_time(self.time_of_day());
                let instant = resolve_local(self.tz, local);
                if !self.within_until(local, instant) {
                    return Ok(None);
                }
                if !self.is_excluded(instant) {
                    return Ok(Some(instant.timestamp_millis()));
                }
            }
            checked += 1;
            if checked >= MAX_PERIODS {
                return Err(iteration_limit());
            }
            date = match date.succ_opt() {
                Some(d) if d.year() <= LAST_YEAR => d,
                _ => return Ok(None),
            };
        }
    }

    /// Completion mode for `FREQ=HOURLY` (see [`Recurrence::next_due`]).
    fn next_hour_after_completion(
        &self,
        completed: DateTime<Utc>,
    ) -> Result<Option<i64>, RuleError> {
        let local = self
            .tz
            .from_utc_datetime(&completed.naive_utc())
            .naive_local();
        // Back to the start of the local hour and on to the start's minute
        // on the timeline, not by resolving a local time again, which a
        // daylight-saving gap or fold would move.
        let into_hour = ms_into_hour(local.time());
        let start_into_hour = ms_into_hour(self.time_of_day());
        let step = HOUR_MS * i64::from(self.rule.interval());
        let Some(mut t) = (completed.timestamp_millis() - into_hour + start_into_hour)
            .checked_add(step)
            .and_then(DateTime::from_timestamp_millis)
        else {
            return Ok(None);
        };
        let start_minute =
            NaiveTime::MIN + chrono::Duration::milliseconds(start_into_hour.rem_euclid(HOUR_MS));
        let mut checked: u32 = 0;
        loop {
            let local = self.tz.from_utc_datetime(&t.naive_utc()).naive_local();
            if local.year() > LAST_YEAR {
                return Ok(None);
            }
            let next = if !self.day_matches(local.date(), false) {
                // The first hour of the next day, at the start's minute.
                let Some(day) = local.date().succ_opt() else {
                    return Ok(None);
                };
                resolve_local(self.tz, day.and_time(start_minute))
            } else if !self.within_until(local, t) {
                return Ok(None);
            } else if self.is_excluded(t) {
                t + chrono::Duration::milliseconds(HOUR_MS)
            } else {
                return Ok(Some(t.timestamp_millis()));
            };
            // Always forward, also where local dates step back (a fold).
            t = next.max(t + chrono::Duration::milliseconds(HOUR_MS));
            checked += 1;
            if checked >= MAX_PERIODS {
                return Err(iteration_limit());
            }
        }
    }

    /// The dates of the `len` days from `first` that the rule's BY parts
    /// select (see [`Recurrence::day_matches`] for `defaults`), before
    /// `BYSETPOS`; and whether the period was cut at the end of year 9999.
    fn candidates_in(&self, first: NaiveDate, len: u32, defaults: bool) -> (Vec<NaiveDate>, bool) {
        let mut out = Vec::new();
        let mut date = first;
        for i in 0..len {
            if i > 0 {
                match date.succ_opt() {
                    Some(d) => date = d,
                    None => return (out, true),
                }
            }
            if date.year() > LAST_YEAR {
                return (out, true);
            }
            if self.day_matches(date, defaults) {
                out.push(date);
            }
        }
        (out, false)
    }

    /// Whether the rule selects `date` within its period. With `defaults`,
    /// the parts the rule leaves out are taken from the start (weekday for
    /// WEEKLY, day of month for MONTHLY, month and day for YEARLY), as RFC
    /// 5545 specifies; without, only the explicit parts count. `BYSETPOS` is
    /// applied to the whole period afterwards, not here.
    pub(crate) fn day_matches(&self, date: NaiveDate, defaults: bool) -> bool {
        let p = self.rule.parts();
        if !p.by_month.is_empty() && !p.by_month.contains(&(date.month() as u8)) {
            return false;
        }
        if !p.by_month_day.is_empty()
            && !p.by_month_day.iter().any(|&md| month_day_matches(date, md))
        {
            return false;
        }
        let year_scope = p.freq == Frequency::Yearly && p.by_month.is_empty();
        if !p.by_day.is_empty()
            && !p
                .by_day
                .iter()
                .any(|wd| weekday_matches(date, *wd, year_scope))
        {
            return false;
        }
        if !defaults {
            return true;
        }
        let start = self.dtstart.date();
        let no_day_parts = p.by_day.is_empty() && p.by_month_day.is_empty();
        match p.freq {
            Frequency::Hourly | Frequency::Daily => true,
            Frequency::Weekly => !p.by_day.is_empty() || date.weekday() == start.weekday(),
            Frequency::Monthly => !no_day_parts || date.day() == start.day(),
            Frequency::Yearly => {
                !no_day_parts
                    || (date.day() == start.day()
                        && (!p.by_month.is_empty() || date.month() == start.month()))
            }
        }
    }
}

fn ms_into_hour(t: NaiveTime) -> i64 {
    i64::from(t.minute()) * 60_000
        + i64::from(t.second()) * 1000
        + i64::from(t.nanosecond() / 1_000_000)
}

fn iteration_limit() -> RuleError {
    RuleError::new(
        ErrorKind::IterationLimit,
        format!(
            "the rule produced no result within {MAX_PERIODS} candidate periods; \
             it is too sparse to expand"
        ),
    )
}

/// `BYSETPOS`: the candidates of one period at the given 1-based positions
/// (negative: counted from the end), ascending and each once, as RFC 5545
/// section 3.3.10 applies it after the other BY parts. Without positions,
/// all candidates. In a period cut at the end of year 9999 the set's end is
/// unknown, so only positions counted from the start are used.
fn select_positions(set: Vec<NaiveDate>, positions: &[i16], truncated: bool) -> Vec<NaiveDate> {
    if positions.is_empty() {
        return set;
    }
    let len = set.len() as i64;
    let mut picked: Vec<usize> = positions
        .iter()
        .filter_map(|&p| {
            let p = i64::from(p);
            let i = if p > 0 {
                p - 1
            } else if truncated {
                return None;
            } else {
                len + p
            };
            (0..len).contains(&i).then_some(i as usize)
        })
        .collect();
    picked.sort_unstable();
    picked.dedup();
    picked.into_iter().map(|i| set[i]).collect()
}

/// Completion mode's test of a date: the rule's explicit BY parts and, with
/// `BYSETPOS`, the date's position among the dates those parts select in its
/// calendar week, month or year (`INTERVAL` plays no part after completion).
/// The selection of the last period seen is kept, as days are tested in order.
struct CompletionFilter<'a> {
    rec: &'a Recurrence,
    period: Option<(NaiveDate, Vec<NaiveDate>)>,
}

impl<'a> CompletionFilter<'a> {
    fn new(rec: &'a Recurrence) -> Self {
        Self { rec, period: None }
    }

    fn selects(&mut self, date: NaiveDate) -> bool {
        let p = self.rec.rule().parts();
        if p.by_set_pos.is_empty() || !self.rec.day_matches(date, false) {
            return p.by_set_pos.is_empty() && self.rec.day_matches(date, false);
        }
        let (first, len) = match p.freq {
            Frequency::Weekly => (week_start(date, self.rec.rule().week_start()), 7),
            Frequency::Monthly => (
                date - Days::new(u64::from(date.day0())),
                days_in_month(date.year(), date.month()),
            ),
            Frequency::Yearly => (
                date - Days::new(u64::from(date.ordinal0())),
                if date.leap_year() { 366 } else { 365 },
            ),
            // Validation refuses BYSETPOS with these frequencies.
            Frequency::Hourly | Frequency::Daily => return true,
        };
        if self.period.as_ref().is_none_or(|(f, _)| *f != first) {
            let (set, truncated) = self.rec.candidates_in(first, len, false);
            self.period = Some((first, select_positions(set, &p.by_set_pos, truncated)));
        }
        self.period
            .as_ref()
            .is_some_and(|(_, picked)| picked.binary_search(&date).is_ok())
    }
}

/// Walks the rule's periods from a given index and yields the candidates the
/// rule selects in each, ascending: dates at the start's time of day for the
/// date-based frequencies, instants for `HOURLY`.
struct Periods<'a> {
    rec: &'a Recurrence,
    /// The next period index (for `HOURLY`, the next instance index).
    next: i64,
    pending: VecDeque<NaiveDate>,
    scanned: u32,
    done: bool,
    until_bound: Option<NaiveDate>,
}

impl<'a> Periods<'a> {
    fn new(rec: &'a Recurrence, first: i64) -> Self {
        Self {
            rec,
            next: first,
            pending: VecDeque::new(),
            scanned: 0,
            done: false,
            until_bound: rec.until_date_bound(),
        }
    }

    fn next_occ(&mut self) -> Result<Option<Occ>, RuleError> {
        if self.rec.rule().freq() == Frequency::Hourly {
            return self.next_hour();
        }
        Ok(self.next_date()?.map(|date| {
            let local = date.and_time(self.rec.time_of_day());
            Occ {
                local,
                instant: resolve_local(self.rec.tz, local),
            }
        }))
    }

    /// `HOURLY`: instance `k` is the start's instant plus `k * INTERVAL`
    /// hours of elapsed time, kept when its local date passes the BY parts.
    /// On the timeline every instance exists exactly once, so neither the
    /// gap nor the fold rule of [`resolve_local`] applies to it; the wall
    /// clock of later instances shifts by a daylight-saving change instead.
    fn next_hour(&mut self) -> Result<Option<Occ>, RuleError> {
        let step = HOUR_MS * i64::from(self.rec.rule().interval());
        let start_ms = self.rec.dtstart_ms();
        loop {
            if self.done {
                return Ok(None);
            }
            if self.scanned >= MAX_PERIODS {
                return Err(iteration_limit());
            }
            self.scanned += 1;
            let k = self.next;
            let Some(instant) = k
                .checked_mul(step)
                .and_then(|d| start_ms.checked_add(d))
                .and_then(DateTime::from_timestamp_millis)
            else {
                self.done = true;
                continue;
            };
            let local = self
                .rec
                .tz
                .from_utc_datetime(&instant.naive_utc())
                .naive_local();
            if local.year() > LAST_YEAR || self.until_bound.is_some_and(|b| local.date() > b) {
                self.done = true;
                continue;
            }
            if self.rec.day_matches(local.date(), true) {
                self.next = k + 1;
                return Ok(Some(Occ { local, instant }));
            }
            // The rest of this local day fails the same BY parts: go on with
            // the first instance of the next day, so that a day costs one
            // period of the budget instead of up to 24.
            let next_day = local.date().succ_opt().map(|d| {
                let t = resolve_local(self.rec.tz, d.and_time(NaiveTime::MIN));
                (t.timestamp_millis() - start_ms + step - 1).div_euclid(step)
            });
            self.next = next_day.unwrap_or(k + 1).max(k + 1);
        }
    }

    fn next_date(&mut self) -> Result<Option<NaiveDate>, RuleError> {
        loop {
            if let Some(d) = self.pending.pop_front() {
                return Ok(Some(d));
            }
            if self.done {
                return Ok(None);
            }
            if self.scanned >= MAX_PERIODS {
                return Err(iteration_limit());
            }
            self.scanned += 1;
            let k = self.next;
            self.next += 1;
            let Some((first, len)) = self.period(k) else {
                self.done = true;
                continue;
            };
            if self.until_bound.is_some_and(|b| first > b) {
                self.done = true;
                continue;
            }
            let (set, truncated) = self.rec.candidates_in(first, len, true);
            if truncated {
                self.done = true;
            }
            let by_set_pos = &self.rec.rule().parts().by_set_pos;
            self.pending
                .extend(select_positions(set, by_set_pos, truncated));
        }
    }

    /// The first day and length in days of period `k`; `None` past year 9999
    /// (and for `HOURLY`, which has no day periods; see `next_hour`).
    fn period(&self, k: i64) -> Option<(NaiveDate, u32)> {
        let rule = self.rec.rule();
        let step = k.checked_mul(i64::from(rule.interval()))?;
        let start = self.rec.dtstart.date();
        let (first, len) = match rule.freq() {
            Frequency::Hourly => return None,
            Frequency::Daily => (add_days(start, step)?, 1),
            Frequency::Weekly => {
                let ws = week_start(start, rule.week_start());
                (add_days(ws, step.checked_mul(7)?)?, 7)
            }
            Frequency::Monthly => {
                let m = month_index(start).checked_add(step)?;
                let year = i32::try_from(m.div_euclid(12)).ok()?;
                let month = (m.rem_euclid(12) + 1) as u32;
                let first = NaiveDate::from_ymd_opt(year, month, 1)?;
                (first, days_in_month(year, month))
            }
            Frequency::Yearly => {
                let year = i32::try_from(i64::from(start.year()).checked_add(step)?).ok()?;
                let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
                (first, if first.leap_year() { 366 } else { 365 })
            }
        };
        (first.year() <= LAST_YEAR).then_some((first, len))
    }
}

fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if NaiveDate::from_ymd_opt(year, 2, 29).is_some() => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn week_start(date: NaiveDate, wkst: Weekday) -> NaiveDate {
    let back = (7 + date.weekday().num_days_from_monday() - wkst.num_days_from_monday()) % 7;
    date - Days::new(u64::from(back))
}

fn month_day_matches(date: NaiveDate, md: i8) -> bool {
    let day = date.day() as i32;
    let md = i32::from(md);
    if md > 0 {
        day == md
    } else {
        let len = days_in_month(date.year(), date.month()) as i32;
        day == len + 1 + md
    }
}

fn weekday_matches(date: NaiveDate, wd: WeekdayNum, year_scope: bool) -> bool {
    if date.weekday() != wd.weekday {
        return false;
    }
    let Some(n) = wd.ordinal else {
        return true;
    };
    let (pos, len) = if year_scope {
        let len = if date.leap_year() { 366 } else { 365 };
        (date.ordinal() as i32, len)
    } else {
        (
            date.day() as i32,
            days_in_month(date.year(), date.month()) as i32,
        )
    };
    let n = i32::from(n);
    if n > 0 {
        (pos - 1) / 7 + 1 == n
    } else {
        -((len - pos) / 7 + 1) == n
    }
}
