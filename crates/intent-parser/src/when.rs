//! Dates, times and durations in a message, resolved against `now` in the
//! user's time zone. The rules are documented on the crate.

use crate::text::{self, Tok};
use chrono::{
    DateTime, Datelike, Duration, LocalResult, Months, NaiveDate, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

pub(crate) type Hm = (u32, u32);

/// The last year a date may fall in (the task store accepts up to 9999).
const LAST_YEAR: i32 = 9999;

/// `now` and what follows from it in the user's time zone.
pub(crate) struct Clock {
    pub tz: Tz,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

impl Clock {
    pub fn new(tz: Tz, now_utc_ms: i64) -> Clock {
        let now = DateTime::<Utc>::from_timestamp_millis(now_utc_ms).unwrap_or_default();
        let today = now.with_timezone(&tz).date_naive();
        Clock { tz, now, today }
    }

    /// The instant of a local date and time. A time skipped by a DST change
    /// moves forward an hour; a repeated one takes the first occurrence.
    pub fn at(&self, d: NaiveDate, (h, m): Hm) -> DateTime<Utc> {
        let ndt = d.and_hms_opt(h.min(23), m.min(59), 0).unwrap_or_default();
        match self.tz.from_local_datetime(&ndt) {
            LocalResult::Single(x) => x.with_timezone(&Utc),
            LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
            LocalResult::None => {
                let later = ndt + Duration::hours(1);
                match self.tz.from_local_datetime(&later) {
                    LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.with_timezone(&Utc),
                    LocalResult::None => Utc.from_utc_datetime(&ndt),
                }
            }
        }
    }

    /// The last millisecond of a local day.
    pub fn end_of_day(&self, d: NaiveDate) -> DateTime<Utc> {
        let next = d.succ_opt().unwrap_or(d);
        self.at(next, (0, 0)) - Duration::milliseconds(1)
    }

    pub fn local(&self, t: DateTime<Utc>) -> DateTime<Tz> {
        t.with_timezone(&self.tz)
    }

    /// Monday of the current week.
    pub fn monday(&self) -> NaiveDate {
        self.today - Duration::days(self.today.weekday().num_days_from_monday() as i64)
    }

    /// The next day with this weekday, after today.
    pub fn next_weekday(&self, wd: Weekday) -> NaiveDate {
        let diff = (wd.num_days_from_monday() as i64
            - self.today.weekday().num_days_from_monday() as i64)
            .rem_euclid(7);
        self.today + Duration::days(if diff == 0 { 7 } else { diff })
    }

    /// This week's day with this weekday, today included; the next one once passed.
    pub fn this_weekday(&self, wd: Weekday) -> NaiveDate {
        let d = self.monday() + Duration::days(wd.num_days_from_monday() as i64);
        if d >= self.today {
            d
        } else {
            d + Duration::days(7)
        }
    }

    /// The day with this weekday in next week.
    pub fn next_week_weekday(&self, wd: Weekday) -> NaiveDate {
        self.monday() + Duration::days(7 + wd.num_days_from_monday() as i64)
    }

    pub fn end_of_month(&self, d: NaiveDate) -> NaiveDate {
        let first_next = first_of_month(d) + Months::new(1);
        first_next.pred_opt().unwrap_or(d)
    }
}

pub(crate) fn days_in_month(d: NaiveDate) -> u32 {
    let first_next = first_of_month(d) + Months::new(1);
    first_next.pred_opt().map(|x| x.day()).unwrap_or(31)
}

pub(crate) fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Parts of a date/time expression, before resolution.
#[derive(Debug, Clone, Default)]
pub(crate) struct When {
    pub date: Option<NaiveDate>,
    pub time: Option<Hm>,
    pub instant: Option<DateTime<Utc>>,
    pub invalid: Option<String>,
    /// A bare hour ("at 9") read after an evening word ("tonight at 9").
    evening: bool,
    /// The time came from a word ("tonight") and a clock time may replace it.
    part_time: bool,
}

/// A resolved due time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moment {
    pub utc: DateTime<Utc>,
    pub has_time: bool,
    pub date: NaiveDate,
}

impl When {
    /// Folds a second date or time said for the same thing into this one
    /// ("Monday … at 3pm", "monday end of day" with `end_of_day`): a date
    /// into a time, a time into a date. False when they do not fit together.
    pub fn fold(&mut self, found: &When, end_of_day: bool) -> bool {
        if self.instant.is_some() || found.instant.is_some() || self.invalid.is_some() {
            return false;
        }
        let eod = end_of_day && self.date.is_some() && self.time.is_none() && found.time.is_some();
        if eod || self.time.is_none() && found.time.is_some() && found.date.is_none() {
            self.time = found.time;
            return true;
        }
        if self.date.is_none() && found.date.is_some() && found.time.is_none() {
            self.date = found.date;
            return true;
        }
        false
    }

    pub fn resolve(&self, clk: &Clock) -> Result<Moment, String> {
        if let Some(r) = &self.invalid {
            return Err(r.clone());
        }
        if let Some(t) = self.instant {
            return Ok(Moment {
                utc: t,
                has_time: true,
                date: clk.local(t).date_naive(),
            });
        }
        match (self.date, self.time) {
            (Some(d), Some(hm)) => Ok(Moment {
                utc: clk.at(d, hm),
                has_time: true,
                date: d,
            }),
            (Some(d), None) => Ok(Moment {
                utc: clk.end_of_day(d),
                has_time: false,
                date: d,
            }),
            (None, Some(hm)) => {
                let mut d = clk.today;
                if clk.at(d, hm) < clk.now {
                    d = d.succ_opt().unwrap_or(d);
                }
                Ok(Moment {
                    utc: clk.at(d, hm),
                    has_time: true,
                    date: d,
                })
            }
            (None, None) => Err("no date or time".into()),
        }
    }

    /// When a reminder should fire: the time given, or 09:00 on a date
    /// without one (an hour from now when that is today and 09:00 passed).
    pub fn reminder_instant(&self, clk: &Clock) -> Result<DateTime<Utc>, String> {
        let m = self.resolve(clk)?;
        if m.has_time {
            return Ok(m.utc);
        }
        let nine = clk.at(m.date, (9, 0));
        if m.date == clk.today && nine < clk.now {
            return Ok(clk.now + Duration::hours(1));
        }
        Ok(nine)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    /// Two weeks.
    Fortnight,
}

impl Unit {
    fn parse(s: &str) -> Option<Unit> {
        // "an hour's notice", "two days' warning".
        let s = s
            .strip_suffix("'s")
            .or_else(|| s.strip_suffix('\''))
            .unwrap_or(s);
        Some(match s {
            "minute" | "minutes" | "min" | "mins" | "mn" => Unit::Minute,
            "hour" | "hours" | "hr" | "hrs" | "h" => Unit::Hour,
            "day" | "days" => Unit::Day,
            "week" | "weeks" | "wk" | "wks" => Unit::Week,
            "month" | "months" => Unit::Month,
            "year" | "years" => Unit::Year,
            "fortnight" | "fortnights" => Unit::Fortnight,
            _ => return None,
        })
    }

    fn plural(self) -> &'static str {
        match self {
            Unit::Minute => "minutes",
            Unit::Hour => "hours",
            Unit::Day => "days",
            Unit::Week => "weeks",
            Unit::Month => "months",
            Unit::Year => "years",
            Unit::Fortnight => "fortnights",
        }
    }

    pub fn minutes(self) -> Option<i64> {
        match self {
            Unit::Minute => Some(1),
            Unit::Hour => Some(60),
            Unit::Day => Some(1440),
            Unit::Week => Some(10080),
            Unit::Fortnight => Some(20160),
            _ => None,
        }
    }

    /// `n` of this unit in minutes, at least one and at most `u32::MAX`
    /// (a snooze); `None` for months and years.
    pub fn count_in_minutes(self, n: u32) -> Option<u32> {
        self.minutes()
            .map(|per| (n as i64 * per).clamp(1, u32::MAX as i64) as u32)
    }
}

/// "15 minutes", "an hour", "half an hour", "2h", "a couple of days".
pub(crate) fn duration(t: &[Tok], j: usize) -> Option<(usize, u32, Unit)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    // "three quarters of an hour".
    if matches!(w(j), "three" | "3")
        && matches!(w(j + 1), "quarters" | "quarter")
        && w(j + 2) == "of"
        && matches!(w(j + 3), "an" | "a")
        && w(j + 4) == "hour"
    {
        return Some((j + 5, 45, Unit::Minute));
    }
    // "one and a half hours", "2 and a half days".
    if let (Some(n), "and", "a", "half") = (text::number(w(j)), w(j + 1), w(j + 2), w(j + 3)) {
        if !matches!(w(j), "a" | "an") {
            match w(j + 4) {
                "hour" | "hours" => return Some((j + 5, n * 60 + 30, Unit::Minute)),
                "day" | "days" => return Some((j + 5, n * 24 + 12, Unit::Hour)),
                _ => {}
            }
        }
    }
    if w(j) == "half" && matches!(w(j + 1), "an" | "a") && matches!(w(j + 2), "hour") {
        return Some((j + 3, 30, Unit::Minute));
    }
    if matches!(w(j), "a" | "an")
        && w(j + 1) == "hour"
        && w(j + 2) == "and"
        && w(j + 3) == "a"
        && w(j + 4) == "half"
    {
        return Some((j + 5, 90, Unit::Minute));
    }
    if w(j) == "a"
        && w(j + 1) == "quarter"
        && w(j + 2) == "of"
        && w(j + 3) == "an"
        && w(j + 4) == "hour"
    {
        return Some((j + 5, 15, Unit::Minute));
    }
    if w(j) == "a" && w(j + 1) == "couple" {
        let k = if w(j + 2) == "of" { j + 3 } else { j + 2 };
        let u = Unit::parse(w(k))?;
        return Some((k + 1, 2, u));
    }
    if w(j) == "a" && w(j + 1) == "few" {
        let u = Unit::parse(w(j + 2))?;
        return Some((j + 3, 3, u));
    }
    // Compact: "15min", "2h", "3days".
    let s = w(j);
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() && digits.len() < s.len() {
        let u = Unit::parse(&s[digits.len()..]).or(match &s[digits.len()..] {
            "m" => Some(Unit::Minute),
            "d" => Some(Unit::Day),
            "w" => Some(Unit::Week),
            _ => None,
        })?;
        return Some((j + 1, digits.parse().ok()?, u));
    }
    let n = text::number(s)?;
    // "15 more minutes", "2 extra days".
    if matches!(w(j + 1), "more" | "extra" | "additional") {
        let u = Unit::parse(w(j + 2))?;
        return Some((j + 3, n, u));
    }
    let u = Unit::parse(w(j + 1))?;
    Some((j + 2, n, u))
}

fn is_trigger(s: &str) -> bool {
    matches!(
        s,
        "due"
            | "by"
            | "on"
            | "at"
            | "@"
            | "for"
            | "before"
            | "until"
            | "till"
            | "starting"
            | "beginning"
            | "begin"
            | "around"
            | "deadline"
    )
}

enum Piece {
    Date(NaiveDate),
    /// A date with a time of day from a word: "tonight", "tomorrow morning".
    DatePart(NaiveDate, Hm, bool),
    Time(Hm, bool),
    Instant(DateTime<Utc>),
    Invalid(String),
}

/// Reads a date/time expression starting at `i`, trigger words included.
/// Returns the index after it.
pub(crate) fn parse_when(t: &[Tok], i: usize, clk: &Clock) -> Option<(usize, When)> {
    parse_when_after(t, i, clk, false)
}

/// As [`parse_when`], after a word that already makes what follows a date
/// ("move the report to the 10th").
pub(crate) fn parse_when_after(
    t: &[Tok],
    i: usize,
    clk: &Clock,
    triggered: bool,
) -> Option<(usize, When)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    let mut j = i;
    let mut trig = triggered;
    let mut at = false;
    while j < t.len() && j < i + 3 {
        if w(j) == "due" && w(j + 1) == "date" {
            j += 2;
            trig = true;
        } else if trig && w(j) == "is" && matches!(w(j.wrapping_sub(1)), "deadline" | "date") {
            // "deadline is the 18th".
            j += 1;
        } else if (is_trigger(w(j))
            // "count the till at 6pm": a till is a thing.
            && !text::till_is_noun(t, j))
            || (trig && w(j) == ":")
        {
            at = matches!(
                w(j),
                "at" | "@" | "by" | "around" | "until" | "till" | "before"
            );
            trig = true;
            j += 1;
        } else {
            break;
        }
    }
    let (mut j, p) = piece(t, j, clk, trig, at)?;
    let mut when = When::default();
    merge(&mut when, p);
    loop {
        let mut k = j;
        let ktrig;
        let kat;
        if matches!(w(k), "," | "at" | "@" | "on" | "by" | "-" | "around") {
            kat = matches!(w(k), "at" | "@" | "by" | "around");
            ktrig = w(k) != "," && w(k) != "-";
            k += 1;
        } else {
            // Right after a date or time a weekday or time is part of it:
            // "first thing tuesday", "tomorrow at 3:30 get the kids".
            ktrig = true;
            // "call bob tomorrow 6", "contractor mon 10": a bare number
            // that ends the message right after a day is its hour.
            let ends = t.get(k + 1).is_none_or(|x| text::is_punct(&x.low));
            kat = when.date.is_some()
                && when.time.is_none()
                && ends
                && w(k).bytes().all(|b| b.is_ascii_digit() || b == b':');
        }
        match piece(t, k, clk, ktrig, kat) {
            Some((e, p)) if compatible(&when, &p) => {
                merge(&mut when, p);
                j = e;
            }
            _ => break,
        }
    }
    Some((j, when))
}

fn compatible(w: &When, p: &Piece) -> bool {
    if w.instant.is_some() || w.invalid.is_some() {
        return false;
    }
    match p {
        Piece::Date(_) => w.date.is_none(),
        Piece::DatePart(..) => w.date.is_none(),
        Piece::Time(..) => w.time.is_none() || w.part_time,
        Piece::Instant(_) => false,
        Piece::Invalid(_) => true,
    }
}

fn merge(w: &mut When, p: Piece) {
    match p {
        Piece::Date(d) => w.date = Some(d),
        Piece::DatePart(d, hm, evening) => {
            w.date = Some(d);
            if let Some((h, m)) = w.time {
                // "9 tonight": the evening word makes a bare hour pm.
                if evening && h < 12 {
                    w.time = Some((h + 12, m));
                }
            } else {
                w.time = Some(hm);
                w.evening = evening;
                w.part_time = true;
            }
        }
        Piece::Time((h, m), bare) => {
            let h = if bare && w.evening && h < 12 {
                h + 12
            } else {
                h
            };
            w.time = Some((h, m));
            w.part_time = false;
        }
        Piece::Instant(x) => w.instant = Some(x),
        Piece::Invalid(r) => w.invalid = Some(r),
    }
}

/// Time-of-day words.
pub(crate) fn day_part(s: &str) -> Option<(Hm, bool)> {
    match s {
        "morning" => Some(((9, 0), false)),
        "afternoon" => Some(((15, 0), false)),
        "evening" => Some(((18, 0), true)),
        "night" => Some(((20, 0), true)),
        "lunchtime" => Some(((12, 0), false)),
        _ => None,
    }
}

/// A date optionally followed by a part of the day.
fn with_part(t: &[Tok], j: usize, d: NaiveDate) -> (usize, Piece) {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    if let Some((hm, ev)) = day_part(w(j)) {
        return (j + 1, Piece::DatePart(d, hm, ev));
    }
    if w(j) == "in" && w(j + 1) == "the" {
        if let Some((hm, ev)) = day_part(w(j + 2)) {
            return (j + 3, Piece::DatePart(d, hm, ev));
        }
    }
    if w(j) == "at" && w(j + 1) == "night" {
        return (j + 2, Piece::DatePart(d, (20, 0), true));
    }
    (j, Piece::Date(d))
}

/// Whether the words before `j` are only marks that head a message ("!!!
/// 3/1 tax return", "!high friday gym", "urgent: march 1 taxes"): a date at
/// `j` then opens the message.
fn opens_message(t: &[Tok], j: usize) -> bool {
    t[..j.min(t.len())].iter().all(|x| {
        let s = x.low.as_str();
        s.starts_with('!')
            || s.starts_with('#')
            || text::is_punct(s)
            || matches!(
                s,
                "urgent" | "important" | "asap" | "p1" | "p2" | "p3" | "p4"
            )
    })
}

/// Whether an ordinal read as a day of the month ends where a date would.
pub(crate) fn date_boundary(t: &[Tok], k: usize) -> bool {
    let Some(x) = t.get(k) else { return true };
    let s = x.low.as_str();
    text::is_punct(s)
        || s.starts_with('#')
        || s.starts_with('!')
        || matches!(
            s,
            "at" | "by"
                | "and"
                | "with"
                | "remind"
                | "due"
                | "in"
                | "@"
                | "please"
                | "around"
                | "then"
                | "p1"
                | "p2"
                | "p3"
                | "p4"
                | "high"
                | "low"
                | "medium"
                | "urgent"
                | "morning"
                | "afternoon"
                | "evening"
                | "night"
                | "noon"
                | "midday"
                | "eod"
                | "end"
                | "cob"
                | "first"
                | "every"
                | "starting"
                | "as"
                | "for"
                | "this"
                | "next"
                | "to"
                | "so"
                | "if"
                | "about"
                | "after"
                | "before"
                | "or"
                | "but"
                | "because"
                | "unless"
                | "when"
                | "once"
                | "while"
                | "instead"
                | "until"
                | "till"
                | "latest"
                | "the"
                | "on"
                | "from"
                | "too"
                // "sunday would be ideal", "friday works": a day offered.
                | "it's"
                | "would"
                | "works"
                | "sounds"
        )
        || clock(t, k).is_some()
}

/// Words that open what happens on a day said before them ("for the
/// Friday I have to …").
const SUBJECTS: &[&str] = &[
    "i", "i'm", "i've", "i'll", "we", "we're", "we'll", "you", "he", "she", "they", "there's",
    "there", "it's",
];

fn piece(t: &[Tok], j: usize, clk: &Clock, trig: bool, at: bool) -> Option<(usize, Piece)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    let today = clk.today;
    let s = w(j);
    if s.is_empty() {
        return None;
    }
    let day = |n: i64| today + Duration::days(n);
    match s {
        "today" | "tdy" => return Some(with_part(t, j + 1, today)),
        "tonight" | "tonite" => return Some((j + 1, Piece::DatePart(today, (20, 0), true))),
        "tomorrow" | "tmrw" | "tmr" | "tomorow" | "tommorow" | "tommorrow" => {
            return Some(with_part(t, j + 1, day(1)))
        }
        "yesterday" => return Some(with_part(t, j + 1, day(-1))),
        // Holidays with a fixed date: the next one, today included.
        "christmas" | "xmas" | "x-mas" | "new" | "halloween" | "valentine's" | "valentines" => {
            let (md, len) = match (s, w(j + 1), w(j + 2)) {
                ("christmas" | "xmas" | "x-mas", "eve", _) => ((12, 24), 2),
                ("christmas" | "xmas" | "x-mas", "day", _) => ((12, 25), 2),
                ("christmas" | "xmas" | "x-mas", _, _) => ((12, 25), 1),
                ("new", "year's" | "years", "eve") => ((12, 31), 3),
                ("new", "year's" | "years", "day") => ((1, 1), 3),
                ("halloween", _, _) => ((10, 31), 1),
                ("valentine's" | "valentines", "day", _) => ((2, 14), 2),
                _ => return None,
            };
            // "christmas tree", "xmas cards": a holiday before a noun names it.
            if !trig && !date_boundary(t, j + len) {
                return None;
            }
            let this_year = NaiveDate::from_ymd_opt(today.year(), md.0, md.1)?;
            let d = if this_year >= today {
                this_year
            } else {
                NaiveDate::from_ymd_opt(today.year() + 1, md.0, md.1)?
            };
            return Some(with_part(t, j + len, d));
        }
        "day" if w(j + 1) == "after" && w(j + 2) == "tomorrow" => {
            return Some((j + 3, Piece::Date(day(2))))
        }
        "this" => {
            let n = w(j + 1);
            if let Some((hm, ev)) = day_part(n) {
                return Some((j + 2, Piece::DatePart(today, hm, ev)));
            }
            if let Some((wd, false, _)) = text::weekday(n) {
                return Some(with_part(t, j + 2, clk.this_weekday(wd)));
            }
            return match n {
                "weekend" => Some((j + 2, Piece::Date(this_weekend(clk)))),
                "week" => Some((j + 2, Piece::Date(clk.monday() + Duration::days(6)))),
                "month" => Some((j + 2, Piece::Date(clk.end_of_month(today)))),
                _ => None,
            };
        }
        "next" => {
            let n = w(j + 1);
            if let Some((wd, false, _)) = text::weekday(n) {
                return Some(with_part(t, j + 2, clk.next_week_weekday(wd)));
            }
            return match n {
                "week" => Some((j + 2, Piece::Date(clk.monday() + Duration::days(7)))),
                "weekend" => Some((j + 2, Piece::Date(clk.monday() + Duration::days(12)))),
                "month" => Some((j + 2, Piece::Date(first_of_month(today) + Months::new(1)))),
                "year" => {
                    NaiveDate::from_ymd_opt(today.year() + 1, 1, 1).map(|d| (j + 2, Piece::Date(d)))
                }
                _ => None,
            };
        }
        "last" => {
            // The most recent such weekday before today: "due last Friday".
            if let Some((wd, false, _)) = text::weekday(w(j + 1)) {
                let d = clk.next_weekday(wd) - Duration::days(7);
                let d = if d >= today { d - Duration::days(7) } else { d };
                return Some(with_part(t, j + 2, d));
            }
            return None;
        }
        // End of the working day: 17:00 (of the day named with it, if any).
        "eod" | "cob" | "eob" => return Some((j + 1, Piece::Time((17, 0), false))),
        // "first thing (tomorrow)": the start of the day.
        "first" if w(j + 1) == "thing" => {
            let e = if w(j + 2) == "in" && w(j + 3) == "the" && w(j + 4) == "morning" {
                j + 5
            } else {
                j + 2
            };
            return Some((e, Piece::Time((9, 0), false)));
        }
        "eow" => return Some((j + 1, Piece::Date(clk.monday() + Duration::days(6)))),
        "eom" => return Some((j + 1, Piece::Date(clk.end_of_month(today)))),
        "end" => return end_of(t, j, clk),
        "in" => {
            if w(j + 1) == "the" {
                if let Some((hm, ev)) = day_part(w(j + 2)) {
                    return Some((j + 3, Piece::Time(hm, ev)));
                }
            }
            let (e, n, u) = duration(t, j + 1)?;
            // "in two days' time", "in a week's time", "in 3 weeks time".
            let e = match (w(e), w(e + 1)) {
                ("'" | "’", "time") => e + 2,
                ("time", _) => e + 1,
                _ => e,
            };
            return Some((e, after(clk, n, u)));
        }
        "within" => {
            let (e, n, u) = duration(t, j + 1)?;
            return Some((e, after(clk, n, u)));
        }
        "noon" | "midday" => return Some((j + 1, Piece::Time((12, 0), false))),
        "midnight" => return Some((j + 1, Piece::Time((0, 0), false))),
        // "call Bob at lunchtime"; "my lunchtime pills" name the pills.
        "lunchtime" if trig => return Some((j + 1, Piece::Time((12, 0), false))),
        // "for the Friday": the weekday.
        "the" if trig && text::weekday(w(j + 1)).is_some_and(|(_, plural, _)| !plural) => {
            let (wd, _, _) = text::weekday(w(j + 1))?;
            // "eggs for the sunday brunch": the day names the brunch.
            // ("for the Friday I have to …": the day, then what happens.)
            let next = w(j + 2);
            if !next.is_empty()
                && !text::is_punct(next)
                && day_part(next).is_none()
                && clock(t, j + 2).is_none()
                && !date_boundary(t, j + 2)
                && !SUBJECTS.contains(&next)
            {
                return None;
            }
            return Some(with_part(t, j + 2, clk.next_weekday(wd)));
        }
        "the" => return the_forms(t, j, clk, trig),
        _ => {}
    }
    if let Some((wd, plural, abbr)) = text::weekday(s) {
        if plural {
            return None;
        }
        // "thu", "thurs", "fri", "tue" are no other word: they read like
        // the names they stand for. "sat", "sun", "wed", "mon" may be words.
        let abbr = abbr && matches!(s, "mon" | "wed" | "sat" | "sun");
        // "Wednesday 12/2 at 16:45", "sat 12/5 - Nikolaus gifts": the date
        // said after its weekday is the date.
        let next = w(j + 1);
        if slash_date(next, clk).is_some()
            || iso_date(next).is_some()
            || text::month(next).is_some()
            || text::month(w(j + 2)).is_some()
                && next.chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            if let Some((e, p)) = piece(t, j + 1, clk, true, at) {
                if matches!(p, Piece::Date(_) | Piece::DatePart(..) | Piece::Invalid(_)) {
                    return Some((e, p));
                }
            }
        }
        // "sat", "sun", "wed" are words too: without a trigger an
        // abbreviation is a day only where a date may end ("nails sat 2pm",
        // "bread sat"), not after a subject ("I sat at the back").
        // "wed mark the fence posts", "mon pay rent": a terse to-do dated
        // by its first word.
        let opens = abbr && j == 0 && text::is_chore_verb(w(j + 1));
        if abbr && !trig {
            let next = w(j + 1);
            let ends = text::ends_before(next)
                || matches!(
                    next,
                    "remind"
                        | "every"
                        | "and"
                        | "eod"
                        | "noon"
                        | "midday"
                        | "midnight"
                        | "first"
                        | "by"
                        | "at"
                        | "@"
                        | "before"
                        | "until"
                        | "till"
                        | "around"
                        | "end"
                )
                || day_part(next).is_some()
                || text::weekday(next).is_some()
                || clock(t, j + 1).is_some();
            let subject = j > 0
                && matches!(
                    w(j - 1),
                    "i" | "you" | "he" | "she" | "we" | "they" | "it" | "who" | "the" | "a"
                );
            if !(ends || opens) || subject {
                return None;
            }
        }
        // "friday next week": that day of next week; "by friday this
        // week": this week's.
        let (after_day, day) = match (w(j + 1), w(j + 2)) {
            ("next", "week") => (
                j + 3,
                clk.monday() + Duration::days(7 + wd.num_days_from_monday() as i64),
            ),
            ("this", "week") => (j + 3, clk.this_weekday(wd)),
            _ => (j + 1, clk.next_weekday(wd)),
        };
        let (e, p) = with_part(t, after_day, day);
        // "the Friday team": a date word used as an adjective. One that
        // opens the message is its date ("Wednesday I take the car in"),
        // and so is an abbreviation with its part of the day ("sat
        // morning rake the leaves").
        if !trig && !date_boundary(t, e) && (!opens_message(t, j) || abbr && e == j + 1 && !opens) {
            return None;
        }
        return Some((e, p));
    }
    if let Some((e, p)) = month_first(t, j, clk).or_else(|| day_first(t, j, clk)) {
        // "march 3 renew car insurance": a date that opens the message
        // is one, whatever follows; "the May 5th concert" names an event.
        if !(date_boundary(t, e) || opens_message(t, j) || trig && j == 1) {
            return None;
        }
        return Some((e, p));
    }
    if let Some(d) = iso_date(s) {
        return Some(with_part(t, j + 1, d));
    }
    if let Some(p) = slash_date(s, clk) {
        // "1/2 kg": a fraction before a unit, not a date; "12/12 Lisa's bday
        // party": a date heading the message.
        let unit = matches!(
            w(j + 1),
            "kg" | "g"
                | "lb"
                | "lbs"
                | "oz"
                | "cup"
                | "cups"
                | "l"
                | "ml"
                | "liter"
                | "litre"
                | "tsp"
                | "tbsp"
                | "inch"
                | "inches"
                | "mile"
                | "miles"
                | "km"
                | "m"
                | "of"
                | "a"
                | "an"
                | "hour"
                | "hours"
                | "day"
                | "days"
                | "pound"
                | "pounds"
        );
        if !trig && !date_boundary(t, j + 1) && (!opens_message(t, j) || unit) {
            return None;
        }
        return Some(match p {
            Piece::Date(d) => with_part(t, j + 1, d),
            p => (j + 1, p),
        });
    }
    // "2 days from now", "2 hours ago".
    if let Some((e, n, u)) = duration(t, j) {
        if w(e) == "from" && matches!(w(e + 1), "now" | "today") {
            return Some((e + 2, after(clk, n, u)));
        }
        if w(e) == "ago" {
            return Some((e + 1, before(clk, n, u)));
        }
    }
    // A bare ordinal after a trigger: "on the 1st" is read by the_forms, "on 1st" here.
    if trig {
        if let Some(n) = text::ordinal(s) {
            if date_boundary(t, j + 1) || w(j + 1) == "of" {
                return Some(month_day_of(t, j + 1, clk, n));
            }
        }
    }
    match clock(t, j) {
        Some((e, Ok(c))) => {
            // "9 o'clock" is a time without "at".
            let oclock = e > 0 && matches!(w(e - 1), "o'clock" | "oclock");
            let part_follows = w(e) == "in" && w(e + 1) == "the" && day_part(w(e + 2)).is_some();
            if c.bare && !at && !oclock && !part_follows {
                return None;
            }
            let mut hm = c.hm;
            let mut e = e;
            // "at 7 in the evening", "at 7:45 in the morning": a time
            // without am/pm takes the part of the day said after it.
            let plain = e == j + 1
                && !s.starts_with('0')
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.');
            if w(e) == "in" && w(e + 1) == "the" {
                if let Some((_, ev)) = day_part(w(e + 2)) {
                    if c.bare || plain {
                        if ev || w(e + 2) == "afternoon" {
                            if hm.0 < 12 {
                                hm.0 += 12;
                            }
                        } else if hm.0 > 12 {
                            hm.0 -= 12;
                        }
                        e += 3;
                    }
                }
            }
            Some((e, Piece::Time(hm, c.bare)))
        }
        Some((e, Err(r))) => Some((e, Piece::Invalid(r))),
        None => None,
    }
}

fn after(clk: &Clock, n: u32, u: Unit) -> Piece {
    shifted(clk, n, u, true)
}

fn before(clk: &Clock, n: u32, u: Unit) -> Piece {
    shifted(clk, n, u, false)
}

/// `n` units from now, forwards or backwards. The number comes from the
/// message ("in 999999 years", "in 4000000000min"), so every step is checked: chrono's `+`
/// panics on overflow, and a date past the range the task store accepts
/// would only fail later.
fn shifted(clk: &Clock, n: u32, u: Unit, forward: bool) -> Piece {
    let sign = if forward { 1 } else { -1 };
    let n64 = i64::from(n) * sign;
    let days = |k: i64| n64.checked_mul(k).and_then(Duration::try_days);
    let months = |k: u32| n.checked_mul(k).map(Months::new);
    let instant = |d: Option<Duration>| d.and_then(|d| clk.now.checked_add_signed(d));
    let date = |d: Option<NaiveDate>| d.filter(|d| (1..=LAST_YEAR).contains(&d.year()));
    let piece = match u {
        Unit::Minute => instant(Duration::try_minutes(n64))
            .filter(|t| (1..=LAST_YEAR).contains(&t.year()))
            .map(Piece::Instant),
        Unit::Hour => instant(Duration::try_hours(n64))
            .filter(|t| (1..=LAST_YEAR).contains(&t.year()))
            .map(Piece::Instant),
        Unit::Day => date(days(1).and_then(|d| clk.today.checked_add_signed(d))).map(Piece::Date),
        Unit::Week => date(days(7).and_then(|d| clk.today.checked_add_signed(d))).map(Piece::Date),
        Unit::Fortnight => {
            date(days(14).and_then(|d| clk.today.checked_add_signed(d))).map(Piece::Date)
        }
        Unit::Month | Unit::Year => {
            let m = months(if u == Unit::Month { 1 } else { 12 });
            let d = m.and_then(|m| {
                if forward {
                    clk.today.checked_add_months(m)
                } else {
                    clk.today.checked_sub_months(m)
                }
            });
            date(d).map(Piece::Date)
        }
    };
    piece.unwrap_or_else(|| Piece::Invalid(format!("{n} {} is too far away", u.plural())))
}

fn this_weekend(clk: &Clock) -> NaiveDate {
    match clk.today.weekday() {
        Weekday::Sat | Weekday::Sun => clk.today,
        _ => clk.monday() + Duration::days(5),
    }
}

/// "end of (the) day|week|month|year|next month".
fn end_of(t: &[Tok], j: usize, clk: &Clock) -> Option<(usize, Piece)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    if w(j + 1) != "of" {
        return None;
    }
    let mut k = j + 2;
    if w(k) == "the" || w(k) == "this" {
        k += 1;
    }
    let today = clk.today;
    let d = match w(k) {
        "day" | "business" | "workday" => {
            let e = if w(k) == "business" && w(k + 1) == "day" {
                k + 2
            } else {
                k + 1
            };
            return Some((e, Piece::Time((17, 0), false)));
        }
        "week" => clk.monday() + Duration::days(6),
        "month" => clk.end_of_month(today),
        "year" => NaiveDate::from_ymd_opt(today.year(), 12, 31)?,
        "next" if w(k + 1) == "month" => {
            k += 1;
            clk.end_of_month(first_of_month(today) + Months::new(1))
        }
        "next" if w(k + 1) == "week" => {
            k += 1;
            clk.monday() + Duration::days(13)
        }
        _ => return None,
    };
    Some((k + 1, Piece::Date(d)))
}

/// Forms opening with "the": "the 1st", "the 3rd of March", "the weekend",
/// "the day after tomorrow", "the end of the month".
fn the_forms(t: &[Tok], j: usize, clk: &Clock, trig: bool) -> Option<(usize, Piece)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    match w(j + 1) {
        "day" if w(j + 2) == "after" && w(j + 3) == "tomorrow" => {
            return Some((j + 4, Piece::Date(clk.today + Duration::days(2))))
        }
        "weekend" if trig => return Some((j + 2, Piece::Date(this_weekend(clk)))),
        "end" => return end_of(t, j + 1, clk),
        _ => {}
    }
    let n = text::ordinal(w(j + 1))?;
    // "the 3rd of March".
    if w(j + 2) == "of" {
        if let Some(m) = text::month(w(j + 3)) {
            let (e, year) = year_after(t, j + 4);
            return Some((e, month_day(clk, m, n, year)));
        }
    }
    // "pay rent the 20th": a day of the month that ends the message is its
    // date, said without "on".
    let ends = t
        .get(j + 2)
        .is_none_or(|x| text::is_punct(&x.low) || x.low.starts_with('#'));
    if !trig && !ends {
        return None;
    }
    // "by the 21st cancel the gym": a deadline that opens the message.
    // "on the 7th I have …": a date that opens a sentence about it.
    let opening_deadline = j == 1
        && (matches!(w(0), "by" | "before" | "until" | "till")
            || w(0) == "on"
                && matches!(
                    w(j + 2),
                    "i" | "we" | "i've" | "i'm" | "there's" | "don't" | "dont" | "remind"
                ));
    if !(date_boundary(t, j + 2) || w(j + 2) == "of" || opening_deadline) {
        return None;
    }
    Some(month_day_of(t, j + 2, clk, n))
}

/// A day of the month, optionally followed by "of next month" / "of this month".
fn month_day_of(t: &[Tok], k: usize, clk: &Clock, n: u32) -> (usize, Piece) {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    if w(k) == "of" && w(k + 1) == "next" && w(k + 2) == "month" {
        let first = first_of_month(clk.today) + Months::new(1);
        return match first.with_day(n) {
            Some(d) => (k + 3, Piece::Date(d)),
            None => (k + 3, Piece::Invalid(no_such_day(n))),
        };
    }
    if w(k) == "of" && matches!(w(k + 1), "this" | "the") && w(k + 2) == "month" {
        return match clk.today.with_day(n) {
            Some(d) => (k + 3, Piece::Date(d)),
            None => (k + 3, Piece::Invalid(no_such_day(n))),
        };
    }
    (k, next_month_day(clk, n))
}

fn no_such_day(n: u32) -> String {
    format!("no month has a {} day", text::ordinal_suffix(n as i64))
}

/// The next day `n` of a month, today included.
fn next_month_day(clk: &Clock, n: u32) -> Piece {
    if n == 0 || n > 31 {
        return Piece::Invalid(no_such_day(n));
    }
    let first = first_of_month(clk.today);
    for k in 0..13 {
        let m = first + Months::new(k);
        if let Some(d) = m.with_day(n) {
            if d >= clk.today {
                return Piece::Date(d);
            }
        }
    }
    Piece::Invalid(no_such_day(n))
}

/// The date with this month and day: in the given year, else this year's
/// when it is today, later, or at most 30 days ago ("due November 20" said
/// on 26 November is overdue), else the next one.
fn month_day(clk: &Clock, m: u32, d: u32, year: Option<i32>) -> Piece {
    let impossible = || Piece::Invalid(format!("there is no {} {}", d, text::month_name(m)));
    if let Some(y) = year {
        return match NaiveDate::from_ymd_opt(y, m, d) {
            Some(x) => Piece::Date(x),
            None => impossible(),
        };
    }
    let recent = clk.today - Duration::days(30);
    for y in clk.today.year()..clk.today.year() + 9 {
        if let Some(x) = NaiveDate::from_ymd_opt(y, m, d) {
            if x >= recent {
                return Piece::Date(x);
            }
        }
    }
    impossible()
}

fn year_after(t: &[Tok], k: usize) -> (usize, Option<i32>) {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    let k2 = if w(k) == "," { k + 1 } else { k };
    let s = w(k2);
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(y) = s.parse::<i32>() {
            if (1970..=2200).contains(&y) {
                return (k2 + 1, Some(y));
            }
        }
    }
    (k, None)
}

/// "March 3", "Mar 3rd, 2027".
fn month_first(t: &[Tok], j: usize, clk: &Clock) -> Option<(usize, Piece)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    let m = text::month(w(j))?;
    let n = w(j + 1);
    let d = if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() && n.len() <= 2 {
        n.parse().ok()?
    } else {
        text::ordinal(n)?
    };
    let (e, year) = year_after(t, j + 2);
    let (e, p) = match month_day(clk, m, d, year) {
        Piece::Date(x) => with_part(t, e, x),
        p => (e, p),
    };
    Some((e, p))
}

/// "3 March", "3rd of March".
fn day_first(t: &[Tok], j: usize, clk: &Clock) -> Option<(usize, Piece)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    let s = w(j);
    let d = if !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()?
    } else {
        text::ordinal(s)?
    };
    let k = if w(j + 1) == "of" { j + 2 } else { j + 1 };
    let m = text::month(w(k))?;
    // "may" after a bare number is too risky ("3 may …" is rare; "5 may be" is not).
    if w(k) == "may" && k == j + 1 && !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (e, year) = year_after(t, k + 1);
    match month_day(clk, m, d, year) {
        Piece::Date(x) => Some(with_part(t, e, x)),
        p => Some((e, p)),
    }
}

/// A numeric date, month first: "12/20", "1/15", "12/20/2026", "12/20/26".
/// Without a year it is the next such day, today included.
fn slash_date(s: &str, clk: &Clock) -> Option<Piece> {
    let mut it = s.split('/');
    let m: u32 = num(it.next()?, 2)?;
    let d: u32 = num(it.next()?, 2)?;
    let year = match it.next() {
        None => None,
        Some(y) if y.len() == 2 => Some(2000 + num(y, 2)? as i32),
        Some(y) => Some(num(y, 4)? as i32),
    };
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    if let Some(y) = year {
        return Some(match NaiveDate::from_ymd_opt(y, m, d) {
            Some(x) => Piece::Date(x),
            None => Piece::Invalid(format!("there is no {d} {}", text::month_name(m))),
        });
    }
    for y in clk.today.year()..clk.today.year() + 9 {
        if let Some(x) = NaiveDate::from_ymd_opt(y, m, d) {
            if x >= clk.today {
                return Some(Piece::Date(x));
            }
        }
    }
    Some(Piece::Invalid(format!(
        "there is no {d} {}",
        text::month_name(m)
    )))
}

fn num(s: &str, max_len: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn iso_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 || s.as_bytes()[4] != b'-' || s.as_bytes()[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// An hour said without am/pm, read as a person would: 1–6 are afternoon
/// ("pick up the kids at 3:15") unless the words speak of the morning;
/// 7–11 are morning ("standup at 9") unless they speak of the evening
/// ("dinner at 7", "every night at 11"); 0 and 12–23 are as written.
pub(crate) fn common_sense_hour(t: &[Tok], h: u32) -> u32 {
    const MORNING: &[&str] = &[
        "morning",
        "mornings",
        "am",
        "a.m.",
        "early",
        "breakfast",
        "sunrise",
        "wake",
        "dawn",
    ];
    const EVENING: &[&str] = &[
        "evening",
        "evenings",
        "tonight",
        "tonite",
        "night",
        "nights",
        "pm",
        "p.m.",
        "dinner",
        "supper",
        "bed",
        "bedtime",
        "party",
        "concert",
        "theatre",
        "theater",
        "movie",
        "drinks",
        "nightly",
        "club",
        "pub",
        "bar",
        "cinema",
        "gig",
        "choir",
        "rehearsal",
        "karaoke",
        "bowling",
        "poker",
        "sleepover",
        "barbecue",
        "bbq",
    ];
    // "am"/"pm" count only after a number: "I am at the doctor at 3" is pm.
    let said = |words: &[&str]| {
        t.iter().enumerate().any(|(i, x)| {
            let s = x.low.as_str();
            words.contains(&s)
                && (!matches!(s, "am" | "a.m." | "pm" | "p.m.")
                    || i > 0
                        && t[i - 1]
                            .low
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_digit()))
        })
    };
    // "feed the horses at 6:15 before school": before the day starts.
    let before_the_day = t.windows(2).any(|p| {
        p[0].low == "before"
            && matches!(p[1].low.as_str(), "school" | "work" | "breakfast" | "class")
    });
    match h {
        1..=6 if !said(MORNING) && !before_the_day => h + 12,
        7..=11 if said(EVENING) && !said(MORNING) => h + 12,
        _ => h,
    }
}

pub(crate) struct ClockTime {
    pub hm: Hm,
    /// A bare hour ("at 9", "9 o'clock"): read only after "at" or before
    /// "o'clock", with 1–6 taken as pm.
    pub bare: bool,
}

/// A time of day token (plus a separate "pm" or "o'clock").
pub(crate) fn clock(t: &[Tok], j: usize) -> Option<(usize, Result<ClockTime, String>)> {
    // "8:00 sharp", "at 6 sharp": the time, said firmly.
    let (e, c) = clock_time(t, j)?;
    let e = if t.get(e).is_some_and(|x| x.low == "sharp") && c.is_ok() {
        e + 1
    } else {
        e
    };
    Some((e, c))
}

fn clock_time(t: &[Tok], j: usize) -> Option<(usize, Result<ClockTime, String>)> {
    let w = |k: usize| t.get(k).map(|x| x.low.as_str()).unwrap_or("");
    // "half past 4", "quarter past 9", "quarter to 6": the hour read as a
    // bare one would be ("half past 4" in the afternoon), minutes kept.
    let past = match (w(j), w(j + 1)) {
        ("half", "past") => Some(30),
        ("quarter", "past") => Some(15),
        ("quarter", "to") => Some(-15),
        _ => None,
    };
    if let Some(offset) = past {
        let (e, hour) = match clock(t, j + 2) {
            Some((e, Ok(c))) if c.hm.1 == 0 => (e, c),
            _ => return None,
        };
        let (h, m) = if offset < 0 {
            ((hour.hm.0 + 23) % 24, 45)
        } else {
            (hour.hm.0, offset as u32)
        };
        return Some((
            e,
            Ok(ClockTime {
                hm: (h, m),
                bare: hour.bare,
            }),
        ));
    }
    let s = w(j);
    // "at two pm", "seven o'clock": an hour in words is a time only with
    // its am/pm or "o'clock" ("two tickets" is not).
    if let Some(h) = text::hour_word(s) {
        let (pm, end) = match (w(j + 1), w(j + 2)) {
            ("am" | "a.m." | "a.m", _) => (Some(false), j + 2),
            ("pm" | "p.m." | "p.m", _) => (Some(true), j + 2),
            ("o'clock" | "o’clock", _) => (None, j + 2),
            ("o", "clock") => (None, j + 3),
            _ => return None,
        };
        let hm = match pm {
            Some(pm) => (h % 12 + if pm { 12 } else { 0 }, 0),
            None => (common_sense_hour(t, h), 0),
        };
        return Some((
            end,
            Ok(ClockTime {
                hm,
                bare: pm.is_none(),
            }),
        ));
    }
    let orig = t.get(j).map(|x| x.text.as_str()).unwrap_or("");
    let mut end = j + 1;
    let mut ampm: Option<bool> = None;
    let mut core = s;
    for (suf, pm) in [
        ("a.m.", false),
        ("p.m.", true),
        ("a.m", false),
        ("p.m", true),
        ("am", false),
        ("pm", true),
        ("a", false),
        ("p", true),
    ] {
        if let Some(c) = s.strip_suffix(suf) {
            if !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.')
            {
                core = c;
                ampm = Some(pm);
                break;
            }
        }
    }
    if ampm.is_none() {
        match w(j + 1) {
            "am" | "a.m." | "a.m" => {
                ampm = Some(false);
                end = j + 2;
            }
            "pm" | "p.m." | "p.m" => {
                ampm = Some(true);
                end = j + 2;
            }
            _ => {}
        }
    }
    // "17h": a 24-hour time (2h, 5h are durations).
    if ampm.is_none() {
        if let Some(c) = core.strip_suffix('h') {
            if c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()) {
                let h: u32 = c.parse().ok()?;
                if (13..=23).contains(&h) {
                    return Some((
                        end,
                        Ok(ClockTime {
                            hm: (h, 0),
                            bare: false,
                        }),
                    ));
                }
            }
            return None;
        }
    }
    let sep = core.find([':', '.']);
    let (h, m) = match sep {
        Some(p) => {
            if core.as_bytes()[p] == b'.' && ampm.is_none() {
                return None;
            }
            let (a, b) = (&core[..p], &core[p + 1..]);
            if a.is_empty() || a.len() > 2 || b.len() != 2 {
                return None;
            }
            if !a.bytes().all(|c| c.is_ascii_digit()) || !b.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)
        }
        None => {
            if core.is_empty() || core.len() > 2 || !core.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            (core.parse::<u32>().ok()?, 0)
        }
    };
    let shown = if end == j + 2 {
        format!("{} {}", orig, t[j + 1].text)
    } else {
        orig.to_string()
    };
    if let Some(pm) = ampm {
        if h == 0 || h > 12 || m > 59 {
            return Some((end, Err(format!("{shown} is not a time of day"))));
        }
        let h24 = h % 12 + if pm { 12 } else { 0 };
        return Some((
            end,
            Ok(ClockTime {
                hm: (h24, m),
                bare: false,
            }),
        ));
    }
    if sep.is_some() {
        if h > 23 || m > 59 {
            return Some((end, Err(format!("{shown} is not a time of day"))));
        }
        let h = if core.starts_with('0') {
            h
        } else {
            common_sense_hour(t, h)
        };
        return Some((
            end,
            Ok(ClockTime {
                hm: (h, m),
                bare: false,
            }),
        ));
    }
    if h > 23 {
        return None;
    }
    if matches!(w(j + 1), "o'clock" | "oclock") {
        end = j + 2;
    }
    let h = if core.starts_with('0') {
        h
    } else {
        common_sense_hour(t, h)
    };
    Some((
        end,
        Ok(ClockTime {
            hm: (h, 0),
            bare: true,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn clk() -> Clock {
        // Thursday 26 Nov 2026, 10:00 in Berlin.
        Clock::new(chrono_tz::Europe::Berlin, 1_795_683_600_000)
    }

    fn read(s: &str) -> Option<(usize, When)> {
        parse_when(&tokenize(s), 0, &clk())
    }

    fn date(s: &str) -> NaiveDate {
        read(s)
            .and_then(|(_, w)| w.date)
            .unwrap_or_else(|| panic!("no date in {s:?}"))
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn reference_is_thursday_ten() {
        let c = clk();
        assert_eq!(c.today, d(11, 26));
        assert_eq!(c.local(c.now).format("%H:%M").to_string(), "10:00");
    }

    #[test]
    fn weekdays() {
        assert_eq!(date("Friday"), d(11, 27));
        assert_eq!(date("this Friday"), d(11, 27));
        assert_eq!(date("next Friday"), d(12, 4));
        assert_eq!(date("Thursday"), d(12, 3));
        assert_eq!(date("this Thursday"), d(11, 26));
        assert_eq!(date("this Tuesday"), d(12, 1));
        assert_eq!(date("next Monday"), d(11, 30));
        assert_eq!(date("on Mon"), d(11, 30));
        assert_eq!(date("last Friday"), d(11, 20));
        assert_eq!(date("last Thursday"), d(11, 19));
        assert_eq!(date("last Wednesday"), d(11, 25));
        assert_eq!(date("3 days ago"), d(11, 23));
        // An abbreviation reads as a day where a date may end, not before a noun.
        assert_eq!(date("Mon"), d(11, 30));
        assert!(read("sun cream").is_none());
    }

    #[test]
    fn relative_dates() {
        assert_eq!(date("end of month"), d(11, 30));
        assert_eq!(date("end of the week"), d(11, 29));
        assert_eq!(date("this weekend"), d(11, 28));
        assert_eq!(date("next week"), d(11, 30));
        assert_eq!(date("next month"), d(12, 1));
        assert_eq!(date("in 3 days"), d(11, 29));
        assert_eq!(date("on the 1st"), d(12, 1));
        assert_eq!(date("by the 26th"), d(11, 26));
        assert_eq!(date("on the 31st"), d(12, 31));
        assert_eq!(
            date("March 3"),
            NaiveDate::from_ymd_opt(2027, 3, 3).unwrap()
        );
        assert_eq!(date("3rd of December"), d(12, 3));
        assert_eq!(date("November 20"), d(11, 20));
        assert_eq!(
            date("October 20"),
            NaiveDate::from_ymd_opt(2027, 10, 20).unwrap()
        );
        assert_eq!(
            date("Dec 24, 2027"),
            NaiveDate::from_ymd_opt(2027, 12, 24).unwrap()
        );
        assert_eq!(date("2026-12-03"), d(12, 3));
    }

    #[test]
    fn times() {
        let (_, w) = read("tomorrow 3pm").unwrap();
        assert_eq!((w.date, w.time), (Some(d(11, 27)), Some((15, 0))));
        let (_, w) = read("9am tomorrow").unwrap();
        assert_eq!((w.date, w.time), (Some(d(11, 27)), Some((9, 0))));
        let (_, w) = read("at 15:30").unwrap();
        assert_eq!(w.time, Some((15, 30)));
        let (_, w) = read("tonight at 9").unwrap();
        assert_eq!(w.time, Some((21, 0)));
        let (_, w) = read("at 5").unwrap();
        assert_eq!(w.time, Some((17, 0)));
        assert!(read("5").is_none());
        let (_, w) = read("at 13pm").unwrap();
        assert!(w.invalid.is_some());
        let (_, w) = read("at half past 4").unwrap();
        assert_eq!(w.time, Some((16, 30)));
        let (_, w) = read("at quarter to 9am").unwrap();
        assert_eq!(w.time, Some((8, 45)));
        let (_, w) = read("tomorrow at quarter past 7 in the evening").unwrap();
        assert_eq!((w.date, w.time), (Some(d(11, 27)), Some((19, 15))));
        assert!(read("half past").is_none());
    }

    #[test]
    fn bare_time_rolls_forward() {
        let c = clk();
        let (_, w) = read("at 9am").unwrap();
        assert_eq!(w.resolve(&c).unwrap().date, d(11, 27));
        let (_, w) = read("at 3pm").unwrap();
        assert_eq!(w.resolve(&c).unwrap().date, d(11, 26));
    }

    #[test]
    fn all_day_is_end_of_local_day() {
        let c = clk();
        let (_, w) = read("today").unwrap();
        let m = w.resolve(&c).unwrap();
        assert!(!m.has_time);
        assert_eq!(
            c.local(m.utc).format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
            "2026-11-26 23:59:59.999"
        );
    }

    #[test]
    fn dst_gap_moves_forward() {
        // 29 March 2026, 02:30 does not exist in Berlin.
        let c = clk();
        let t = c.at(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), (2, 30));
        assert_eq!(c.local(t).format("%H:%M").to_string(), "03:30");
    }

    #[test]
    fn impossible_dates() {
        assert!(read("on February 30").unwrap().1.invalid.is_some());
        assert!(read("on the 32nd").unwrap().1.invalid.is_some());
    }

    #[test]
    fn no_false_dates() {
        assert!(read("5th Wave").is_none());
        assert!(read("2nd Floor Bath").is_none());
        assert!(read("on the 2nd floor").is_none());
        assert!(read("may be").is_none());
        let t = tokenize("lunch with the Friday team");
        assert!(parse_when(&t, 3, &clk()).is_none());
        // Inside a message a date before a noun names an event ("tickets
        // for the May 5th concert"); one that opens the message is a date.
        let t = tokenize("tickets for the May 5th concert");
        assert!(parse_when(&t, 3, &clk()).is_none());
        assert!(read("May 5th concert").is_some_and(|(e, _)| e == 2));
        assert!(read("on Friday team").is_some());
    }
}
