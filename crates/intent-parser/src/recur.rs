//! Recurrence phrases → RRULE.

use crate::text::{self, Tok};
use crate::when::Hm;
use chrono::Weekday;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freq {
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    pub freq: Freq,
    pub interval: u32,
    /// (n, day): n = 0 every such day; 1..=5 / -1 the nth / last in the month.
    pub by_day: Vec<(i32, Weekday)>,
    pub by_month_day: Vec<i32>,
    pub by_month: Option<u32>,
    /// A time of day implied by the words ("every morning").
    pub default_time: Option<Hm>,
    /// How many times in all ("10 times in total"): RRULE `COUNT`.
    pub count: Option<u32>,
    /// The last day it may fall on ("until 18 December"): RRULE `UNTIL`.
    pub until: Option<chrono::NaiveDate>,
}

/// Where a series ends, said apart from the rule: "10 times", "for 6
/// weeks", "until 18 December", "last time on the 20th".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Count(u32),
    Until(chrono::NaiveDate),
    /// "for 3 weeks": a span from today, in units of `Freq`.
    For(u32, Freq),
}

impl Rule {
    fn new(freq: Freq) -> Rule {
        Rule {
            freq,
            interval: 1,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: None,
            default_time: None,
            count: None,
            until: None,
        }
    }

    /// Every `interval` units of `freq`, on no particular day.
    pub fn every(freq: Freq, interval: u32) -> Rule {
        let mut r = Rule::new(freq);
        r.interval = interval.max(1);
        r
    }

    fn weekly(days: &[Weekday]) -> Rule {
        let mut r = Rule::new(Freq::Weekly);
        r.by_day = days.iter().map(|d| (0, *d)).collect();
        r
    }

    /// Folds in a second phrase of the same rule ("tue+fri … weekly",
    /// "sundays … every week"); false when they are different rules.
    pub fn absorb(&mut self, more: &Rule) -> bool {
        let same = self.freq == more.freq && self.by_month == more.by_month;
        if !same {
            return false;
        }
        for d in &more.by_day {
            if !self.by_day.contains(d) {
                self.by_day.push(*d);
            }
        }
        for d in &more.by_month_day {
            if !self.by_month_day.contains(d) {
                self.by_month_day.push(*d);
            }
        }
        // In the week's and the month's order, however they were said.
        self.by_day
            .sort_by_key(|&(n, d)| (d.num_days_from_monday(), n));
        self.by_month_day
            .sort_by_key(|&d| if d < 0 { 100 + d } else { d });
        self.interval = self.interval.max(more.interval);
        self.default_time = self.default_time.or(more.default_time);
        self.count = self.count.or(more.count);
        self.until = self.until.or(more.until);
        true
    }

    /// Takes where the series ends; false when it already has an end. A
    /// span in the rule's own unit counts occurrences ("daily for 10 days":
    /// 10 times; "every other week for 6 weeks": 3); in another unit it
    /// ends that long after `today` ("every Monday for 3 months").
    pub fn end(&mut self, end: End, today: chrono::NaiveDate) -> bool {
        if self.count.is_some() || self.until.is_some() {
            return false;
        }
        match end {
            End::Count(n) => self.count = Some(n),
            End::Until(d) => self.until = Some(d),
            End::For(n, unit) => {
                let per_period = match self.freq {
                    Freq::Weekly => self.by_day.len().max(1) as u32,
                    Freq::Monthly => (self.by_month_day.len() + self.by_day.len()).max(1) as u32,
                    _ => 1,
                };
                if unit == self.freq && n >= self.interval {
                    self.count = Some(n / self.interval * per_period);
                } else {
                    let last = match unit {
                        Freq::Hourly => return false,
                        Freq::Daily => today.checked_add_days(chrono::Days::new(n as u64)),
                        Freq::Weekly => today.checked_add_days(chrono::Days::new(7 * n as u64)),
                        Freq::Monthly => today.checked_add_months(chrono::Months::new(n)),
                        Freq::Yearly => today.checked_add_months(chrono::Months::new(12 * n)),
                    };
                    // The span's last day: "for 3 months" from the 26th ends
                    // on the 25th.
                    match last.and_then(|d| d.pred_opt()) {
                        Some(d) => self.until = Some(d),
                        None => return false,
                    }
                }
            }
        }
        true
    }

    /// Takes the day it repeats on from a date said apart from the rule:
    /// its weekday for a weekly rule with none, its day of the month for a
    /// monthly one (the last day when said so), its month and day for a
    /// yearly one.
    /// Returns whether the day was a weekday the rule now repeats on.
    pub fn take_day(
        &mut self,
        d: chrono::NaiveDate,
        weekday: bool,
        month: bool,
        last: bool,
    ) -> bool {
        use chrono::Datelike;
        match self.freq {
            Freq::Weekly if self.by_day.is_empty() && weekday => {
                self.by_day = vec![(0, d.weekday())];
                return true;
            }
            Freq::Monthly
                if self.interval == 1
                    && self.by_day.is_empty()
                    && self.by_month_day.is_empty()
                    && !weekday =>
            {
                self.by_month_day = vec![if last { -1 } else { d.day() as i32 }];
            }
            Freq::Yearly if self.by_month.is_none() && self.by_month_day.is_empty() && month => {
                self.by_month = Some(d.month());
                self.by_month_day = vec![d.day() as i32];
            }
            _ => {}
        }
        false
    }

    /// Whether the rule has an occurrence on this local date (the interval
    /// is left out: the first occurrence anchors it).
    pub fn matches(&self, d: chrono::NaiveDate) -> bool {
        use chrono::Datelike;
        if let Some(m) = self.by_month {
            if d.month() != m {
                return false;
            }
        }
        let last = crate::when::days_in_month(d) as i32;
        if !self.by_month_day.is_empty()
            && !self.by_month_day.iter().any(|&n| {
                let n = if n < 0 { last + 1 + n } else { n };
                n == d.day() as i32
            })
        {
            return false;
        }
        if !self.by_day.is_empty()
            && !self.by_day.iter().any(|&(n, wd)| {
                wd == d.weekday()
                    && match n {
                        0 => true,
                        n if n > 0 => (d.day() as i32 - 1) / 7 + 1 == n,
                        n => (last - d.day() as i32) / 7 + 1 == -n,
                    }
            })
        {
            return false;
        }
        // "every year" with no date, "every month" with no day: any day
        // starts it.
        true
    }

    /// The rule as the recurrence engine's validated type; an error names
    /// what the engine refuses (an interval above its limit, say).
    pub fn to_rule(&self) -> Result<recurrence::Rule, recurrence::RuleError> {
        use recurrence::{Frequency, RuleParts, WeekdayNum};
        let mut parts = RuleParts::new(match self.freq {
            Freq::Hourly => Frequency::Hourly,
            Freq::Daily => Frequency::Daily,
            Freq::Weekly => Frequency::Weekly,
            Freq::Monthly => Frequency::Monthly,
            Freq::Yearly => Frequency::Yearly,
        });
        parts.interval = self.interval;
        parts.by_month = self.by_month.iter().map(|&m| m as u8).collect();
        parts.by_month_day = self.by_month_day.iter().map(|&d| d as i8).collect();
        parts.by_day = self
            .by_day
            .iter()
            .map(|&(n, weekday)| WeekdayNum {
                ordinal: (n != 0).then_some(n as i8),
                weekday,
            })
            .collect();
        parts.count = self.count;
        parts.until = self.until.map(recurrence::Until::Date);
        recurrence::Rule::from_parts(parts)
    }

    /// English, e.g. "every Monday", "every 3 days", "on the 1st of every
    /// month", "every day, 10 times", "every Friday until 18 Dec 2026".
    pub fn describe(&self) -> String {
        let mut out = self.describe_period();
        if let Some(n) = self.count {
            out.push_str(&format!(", {n} time{}", if n == 1 { "" } else { "s" }));
        }
        if let Some(d) = self.until {
            out.push_str(&format!(" until {}", d.format("%-d %b %Y")));
        }
        out
    }

    fn describe_period(&self) -> String {
        let unit = |one: &str, many: &str| -> String {
            match self.interval {
                1 => format!("every {one}"),
                2 => format!("every other {one}"),
                n => format!("every {n} {many}"),
            }
        };
        let days = |v: &[(i32, Weekday)]| -> String {
            let names: Vec<&str> = v.iter().map(|(_, d)| text::weekday_name(*d)).collect();
            list_and(&names)
        };
        match self.freq {
            Freq::Hourly => unit("hour", "hours"),
            Freq::Daily => unit("day", "days"),
            Freq::Weekly => {
                let codes: Vec<Weekday> = self.by_day.iter().map(|(_, d)| *d).collect();
                use Weekday::*;
                if self.by_day.is_empty() {
                    unit("week", "weeks")
                } else if codes == [Mon, Tue, Wed, Thu, Fri] && self.interval == 1 {
                    "every weekday".into()
                } else if codes == [Sat, Sun] && self.interval == 1 {
                    "every weekend day".into()
                } else if self.interval == 1 {
                    format!("every {}", days(&self.by_day))
                } else {
                    format!("{} on {}", unit("week", "weeks"), days(&self.by_day))
                }
            }
            Freq::Monthly => {
                let every = match self.interval {
                    1 => "every month".to_string(),
                    2 => "every other month".to_string(),
                    n => format!("every {n} months"),
                };
                if !self.by_month_day.is_empty() {
                    let v: Vec<String> = self
                        .by_month_day
                        .iter()
                        .map(|d| nth_month_day(*d))
                        .collect();
                    let refs: Vec<&str> = v.iter().map(|s| s.as_str()).collect();
                    format!("on the {} of {every}", list_and(&refs))
                } else if !self.by_day.is_empty() {
                    let v: Vec<String> = self
                        .by_day
                        .iter()
                        .map(|(n, d)| format!("{} {}", nth_day(*n), text::weekday_name(*d)))
                        .collect();
                    let refs: Vec<&str> = v.iter().map(|s| s.as_str()).collect();
                    format!("on the {} of {every}", list_and(&refs))
                } else {
                    every
                }
            }
            Freq::Yearly => {
                let every = unit("year", "years");
                match (self.by_month, self.by_month_day.first()) {
                    (Some(m), Some(d)) => format!("{every} on {d} {}", text::month_name(m)),
                    _ => every,
                }
            }
        }
    }
}

fn nth_day(n: i32) -> String {
    if n == -1 {
        "last".into()
    } else {
        text::ordinal_suffix(n as i64)
    }
}

fn nth_month_day(n: i32) -> String {
    if n == -1 {
        "last day".into()
    } else {
        text::ordinal_suffix(n as i64)
    }
}

pub(crate) fn list_and(items: &[&str]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].to_string(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

type Read = Option<(usize, Result<Rule, String>)>;

/// Where a series ends, said at `i` of a stretch of unclaimed words (with a
/// comma or "and" before it):
/// "10 times (in total)", "for 6 weeks", "until/till/through 18 December",
/// "ending the 20th", "last time on 12/18". Dates are read by
/// `when::parse_when`; one with a time of day ("until 5pm") is no end date.
pub(crate) fn end_of_series(t: &[Tok], i: usize, clk: &crate::when::Clock) -> Option<(usize, End)> {
    let mut k = i;
    if matches!(w(t, k), "," | "-" | "and" | ";") {
        k += 1;
    }
    // "10 times", "for 10 times", "10 times in total", "ten sessions".
    let count_at = |k: usize| -> Option<(usize, u32)> {
        let n = text::number(w(t, k)).filter(|n| (1..=1000).contains(n))?;
        if !matches!(
            w(t, k + 1),
            "times" | "occurrences" | "sessions" | "repetitions" | "reps"
        ) {
            return None;
        }
        let mut e = k + 2;
        if matches!(w(t, e), "total" | "altogether" | "overall") {
            e += 1;
        } else if w(t, e) == "in" && matches!(w(t, e + 1), "total" | "all") {
            e += 2;
        }
        Some((e, n))
    };
    // A count or a span follows the rule or a comma ("every tuesday 10
    // times", "at 8, 10 times in total"); elsewhere it is part of the story
    // ("I've paid for ten sessions").
    let placed = i == 0 || k > i;
    let first = if w(t, k) == "for" { k + 1 } else { k };
    if let Some((e, n)) = count_at(first).filter(|_| placed) {
        // "3 times a week" is a rule, not an end.
        if matches!(w(t, e), "a" | "an" | "per" | "each" | "every") {
            return None;
        }
        return Some((e, End::Count(n)));
    }
    // "for 6 weeks", "for the next 10 days".
    if w(t, k) == "for" && placed {
        let mut j = k + 1;
        if w(t, j) == "the" && matches!(w(t, j + 1), "next" | "coming") {
            j += 2;
        }
        let n = text::number(w(t, j)).filter(|n| (1..=1000).contains(n))?;
        let unit = match w(t, j + 1).trim_end_matches('s') {
            "day" => Freq::Daily,
            "week" => Freq::Weekly,
            "month" => Freq::Monthly,
            "year" => Freq::Yearly,
            _ => return None,
        };
        return Some((j + 2, End::For(n, unit)));
    }
    // "until 18 December", "through the 20th", "ending friday", "last
    // time on 12/18", "up to and including 5 Jan".
    let lead = match (w(t, k), w(t, k + 1), w(t, k + 2)) {
        ("until" | "till" | "til" | "through" | "thru" | "ending", "and", "including") => 3,
        ("until" | "till" | "til" | "through" | "thru" | "ending", _, _) => 1,
        ("up", "to", "and") if w(t, k + 3) == "including" => 4,
        ("up", "to", _) => 2,
        ("ends" | "stopping" | "stop", "on", _) => 2,
        ("last", "time" | "one", "on") => 3,
        ("last", "time" | "one", _) => 2,
        ("the", "last", "one" | "time") if w(t, k + 3) == "on" => 4,
        _ => return None,
    };
    let (e, found) = crate::when::parse_when_after(t, k + lead, clk, true)?;
    if found.time.is_some() || found.invalid.is_some() {
        return None;
    }
    Some((e, End::Until(found.date?)))
}

fn w(t: &[Tok], k: usize) -> &str {
    t.get(k).map(|x| x.low.as_str()).unwrap_or("")
}

/// A recurrence phrase starting at `i`.
/// How often, said apart from the days it falls on: "fortnightly payroll
/// run on fridays", "physio twice a week on tue and fri". The weekly rule,
/// and how many days a week it names when it counts them ("twice": 2).
/// Only a caller that has the days already may use it: alone, "the
/// fortnightly payroll run" describes the run, and so does "weekly" in
/// "send the weekly report every friday" (it adds nothing to the days).
pub(crate) fn frequency_apart(t: &[Tok], i: usize) -> Option<(usize, (Rule, Option<usize>))> {
    let article = i > 0 && matches!(w(t, i - 1), "the" | "a" | "an" | "my" | "our" | "this");
    match w(t, i) {
        "fortnightly" | "biweekly" | "bi-weekly" if !article => {
            Some((i + 1, (Rule::every(Freq::Weekly, 2), None)))
        }
        word => {
            let (times, k) = match (word, w(t, i + 1)) {
                ("twice", _) => (2, i + 1),
                ("thrice", _) => (3, i + 1),
                (n, "times") => (text::number(n)? as usize, i + 2),
                _ => return None,
            };
            (matches!(w(t, k), "a" | "per" | "each") && w(t, k + 1) == "week")
                .then(|| (k + 2, (Rule::every(Freq::Weekly, 1), Some(times))))
        }
    }
}

pub(crate) fn parse_recurrence(t: &[Tok], i: usize) -> Read {
    let mut r = parse_at(t, i)?;
    // "daily except weekends", "every day but not on Sundays", "weekdays
    // except wed", "mon to sat but not on thursday": days left out of every
    // day, or of a set of weekdays.
    let mut with_except = false;
    if let (e, Ok(rule)) = &mut r {
        use Weekday::*;
        let every_day = *rule == Rule::new(Freq::Daily);
        let days: Vec<Weekday> = if every_day {
            vec![Mon, Tue, Wed, Thu, Fri, Sat, Sun]
        } else if rule.freq == Freq::Weekly && rule.by_day.iter().all(|&(n, _)| n == 0) {
            rule.by_day.iter().map(|&(_, d)| d).collect()
        } else {
            Vec::new()
        };
        if let Some((end, skip)) = excepted(t, *e).filter(|_| !days.is_empty()) {
            let kept: Vec<Weekday> = days.iter().copied().filter(|d| !skip.contains(d)).collect();
            if !kept.is_empty() && kept.len() < days.len() {
                if every_day {
                    *rule = Rule::weekly(&kept);
                } else {
                    rule.by_day = kept.into_iter().map(|d| (0, d)).collect();
                }
                *e = end;
                with_except = true;
            }
        }
    }
    // "the weekly report", "quarterly slides": an adjective, not a rule.
    let adverb = matches!(
        w(t, i),
        "daily"
            | "weekly"
            | "monthly"
            | "yearly"
            | "annually"
            | "quarterly"
            | "fortnightly"
            | "biweekly"
            | "hourly"
    );
    if adverb {
        let article = i > 0
            && matches!(
                w(t, i - 1),
                "the"
                    | "a"
                    | "an"
                    | "my"
                    | "our"
                    | "your"
                    | "his"
                    | "her"
                    | "their"
                    | "this"
                    | "that"
                    | "next"
                    | "last"
            );
        // "biweekly 1:1 with Sam": a meeting named by a number is no
        // noun the adverb describes.
        let numbered =
            w(t, r.0).contains(':') || w(t, r.0).starts_with(|c: char| c.is_ascii_digit());
        // "monthly on the 27th refill the meds": an adverb with its "on
        // …" is a rule, whatever follows.
        let with_on = r.0 > i + 2 && w(t, after_task_word(t, i + 1)) == "on";
        // ("daily except weekends check the mail": so is one with its
        // exception, read above.)
        // ("a yearly task on December 1" asks for the rule.)
        let task_on = after_task_word(t, i + 1) > i + 1 && r.0 > i + 3;
        // ("a weekly task to water the plants", "a monthly reminder, on
        // the 1st, …": the kind of task asked for.)
        let kind = i > 0
            && matches!(w(t, i - 1), "a" | "an" | "another")
            && matches!(
                w(t, i + 1),
                "task" | "to-do" | "todo" | "reminder" | "chore"
            )
            && (text::is_punct(w(t, i + 2)) || matches!(w(t, i + 2), "to" | "for" | "that" | ""));
        if article && !task_on && !kind
            || !(crate::when::date_boundary(t, r.0) || numbered || with_on || with_except || kind)
        {
            return None;
        }
    }
    Some(r)
}

/// "a yearly task on December 1", "a monthly to-do on the 3rd": the
/// adverb's "on …" after the word for the task.
fn after_task_word(t: &[Tok], i: usize) -> usize {
    if matches!(w(t, i), "task" | "to-do" | "todo" | "reminder" | "thing") && w(t, i + 1) == "on" {
        i + 1
    } else {
        i
    }
}

fn parse_at(t: &[Tok], i: usize) -> Read {
    match w(t, i) {
        "every" | "each" => every(t, i + 1),
        "daily" => Some((i + 1, Ok(Rule::new(Freq::Daily)))),
        "hourly" => Some((i + 1, Ok(Rule::new(Freq::Hourly)))),
        "weekly" => Some(on_clause(
            t,
            after_task_word(t, i + 1),
            Rule::new(Freq::Weekly),
        )),
        "biweekly" | "fortnightly" => {
            let mut r = Rule::new(Freq::Weekly);
            r.interval = 2;
            Some(on_clause(t, i + 1, r))
        }
        "monthly" => Some(on_clause(
            t,
            after_task_word(t, i + 1),
            Rule::new(Freq::Monthly),
        )),
        "yearly" | "annually" => Some(on_clause(
            t,
            after_task_word(t, i + 1),
            Rule::new(Freq::Yearly),
        )),
        "quarterly" => {
            let mut r = Rule::new(Freq::Monthly);
            r.interval = 3;
            Some(on_clause(t, i + 1, r))
        }
        // "once a month", "one time in the month", "once per week".
        "once" | "one" => {
            let mut k = i + 1;
            if w(t, i) == "one" {
                if w(t, k) != "time" {
                    return None;
                }
                k += 1;
            }
            if w(t, k) == "in" && w(t, k + 1) == "the" {
                k += 2;
            } else if matches!(w(t, k), "a" | "per" | "each" | "every") {
                k += 1;
            } else {
                return None;
            }
            let f = match w(t, k) {
                "day" => Freq::Daily,
                "week" => Freq::Weekly,
                "month" => Freq::Monthly,
                "year" => Freq::Yearly,
                _ => return None,
            };
            Some(on_clause(t, k + 1, Rule::new(f)))
        }
        "weekdays" | "workdays" => {
            use Weekday::*;
            Some(day_part_tail(
                t,
                i + 1,
                Rule::weekly(&[Mon, Tue, Wed, Thu, Fri]),
            ))
        }
        "weekends" => Some((i + 1, Ok(Rule::weekly(&[Weekday::Sat, Weekday::Sun])))),
        "on" if matches!(w(t, i + 1), "weekdays" | "workdays" | "weekends") => parse_at(t, i + 1),
        // "book club first monday of the month".
        s if (text::ordinal(s).is_some() || s == "last")
            && text::weekday(w(t, i + 1)).is_some() =>
        {
            nth_of_every_month(t, i)
        }
        "on" | "the" => nth_of_every_month(t, i).or_else(|| {
            if w(t, i) == "on" {
                plural_weekdays(t, i + 1)
            } else {
                None
            }
        }),
        "from" => weekday_range(t, i + 1),
        "last" if w(t, i + 1) == "day" && month_tail(t, i + 2).is_some() => {
            Some(month_days(t, i + 2, vec![-1]))
        }
        _ => plural_weekdays(t, i)
            .or_else(|| weekday_range(t, i))
            .or_else(|| several_weekdays(t, i)),
    }
}

/// "Monday to Friday", "mon-fri", "Monday until Friday", "from Monday
/// through Friday": every day of that stretch of the week.
fn weekday_range(t: &[Tok], i: usize) -> Read {
    let (a, b, e) = if let Some((x, y)) = w(t, i).split_once('-') {
        (text::weekday(x)?.0, text::weekday(y)?.0, i + 1)
    } else {
        let a = text::weekday(w(t, i))?.0;
        if !matches!(
            w(t, i + 1),
            "to" | "until" | "till" | "through" | "thru" | "-" | "–"
        ) {
            return None;
        }
        (a, text::weekday(w(t, i + 2))?.0, i + 3)
    };
    let (from, to) = (a.num_days_from_monday(), b.num_days_from_monday());
    if to <= from {
        return None;
    }
    let days: Vec<Weekday> = (from..=to)
        .filter_map(|n| Weekday::try_from(n as u8).ok())
        .collect();
    Some(day_part_tail(t, e, Rule::weekly(&days)))
}

/// "tue thu sat", "mon, wed and fri", "tue+fri": two or more weekdays named
/// together repeat on each of them.
fn several_weekdays(t: &[Tok], i: usize) -> Read {
    let (e, days) = weekday_list(t, i)?;
    // "tue or wed" is a choice, not a repeat.
    if days.len() < 2 || (i..e).any(|k| w(t, k) == "or") {
        return None;
    }
    Some(day_part_tail(t, e, Rule::weekly(&days)))
}

/// "except weekends", "but not on Sundays", "excluding Saturday and
/// Sunday": the days such a clause at `k` leaves out, and where it ends.
fn excepted(t: &[Tok], k: usize) -> Option<(usize, Vec<Weekday>)> {
    let mut j = k;
    if w(t, j) == "," {
        j += 1;
    }
    j += match (w(t, j), w(t, j + 1)) {
        ("except" | "excluding" | "excl" | "without", _) => 1,
        ("but", "not") => 2,
        ("not", "on") => 1,
        _ => return None,
    };
    if matches!(w(t, j), "on" | "the" | "for") {
        j += 1;
    }
    use Weekday::*;
    Some(match w(t, j) {
        "weekends" | "weekend" => (j + 1, vec![Sat, Sun]),
        "weekdays" | "weekday" => (j + 1, vec![Mon, Tue, Wed, Thu, Fri]),
        _ => weekday_list(t, j)?,
    })
}

/// "Mondays and Thursdays" (plural names only), "Sunday evenings".
fn plural_weekdays(t: &[Tok], i: usize) -> Read {
    match text::weekday(w(t, i)) {
        Some((_, true, _)) => {}
        Some((d, false, _))
            if matches!(
                w(t, i + 1),
                "mornings" | "evenings" | "nights" | "afternoons"
            ) =>
        {
            return Some(day_part_tail(t, i + 1, Rule::weekly(&[d])));
        }
        _ => return None,
    }
    let (e, days) = weekday_list(t, i)?;
    Some(day_part_tail(t, e, Rule::weekly(&days)))
}

/// "Monday, Wednesday and Friday", "mon/wed/fri".
fn weekday_list(t: &[Tok], i: usize) -> Option<(usize, Vec<Weekday>)> {
    let mut days = Vec::new();
    let first = w(t, i);
    if first.contains('/') || first.contains('+') {
        for part in first.split(['/', '+']) {
            days.push(text::weekday(part)?.0);
        }
        return Some((i + 1, sorted(days)));
    }
    days.push(text::weekday(first)?.0);
    let mut k = i + 1;
    loop {
        let mut n = k;
        if w(t, n) == "," {
            n += 1;
        }
        if matches!(w(t, n), "and" | "&" | "or" | "+" | "/") {
            n += 1;
        }
        // "mon wed fri": names side by side.
        match text::weekday(w(t, n)) {
            Some((d, _, _)) => {
                days.push(d);
                k = n + 1;
            }
            None => break,
        }
    }
    Some((k, sorted(days)))
}

fn sorted(mut days: Vec<Weekday>) -> Vec<Weekday> {
    days.sort_by_key(|d| d.num_days_from_monday());
    days.dedup();
    days
}

/// "every morning" style times after a weekday list.
fn day_part_tail(t: &[Tok], k: usize, mut r: Rule) -> (usize, Result<Rule, String>) {
    if let Some(hm) = part_time(w(t, k)) {
        r.default_time = Some(hm);
        return (k + 1, Ok(r));
    }
    (k, Ok(r))
}

fn part_time(s: &str) -> Option<Hm> {
    match s {
        "morning" | "mornings" => Some((9, 0)),
        "afternoon" | "afternoons" => Some((15, 0)),
        "evening" | "evenings" => Some((18, 0)),
        "night" | "nights" => Some((20, 0)),
        _ => None,
    }
}

fn unit_freq(s: &str) -> Option<Freq> {
    Some(match s {
        "hour" | "hours" => Freq::Hourly,
        "day" | "days" => Freq::Daily,
        "week" | "weeks" => Freq::Weekly,
        "month" | "months" => Freq::Monthly,
        "year" | "years" => Freq::Yearly,
        _ => return None,
    })
}

fn every(t: &[Tok], j: usize) -> Read {
    let s = w(t, j);
    use Weekday::*;
    if let Some(hm) = part_time(s) {
        let mut r = Rule::new(Freq::Daily);
        r.default_time = Some(hm);
        return Some((j + 1, Ok(r)));
    }
    match s {
        "weekday" | "weekdays" | "workday" | "workdays" => {
            return Some(day_part_tail(
                t,
                j + 1,
                Rule::weekly(&[Mon, Tue, Wed, Thu, Fri]),
            ))
        }
        "work" | "business" | "working" if matches!(w(t, j + 1), "day" | "days") => {
            return Some(day_part_tail(
                t,
                j + 2,
                Rule::weekly(&[Mon, Tue, Wed, Thu, Fri]),
            ))
        }
        "weekend" | "weekends" => return Some((j + 1, Ok(Rule::weekly(&[Sat, Sun])))),
        "quarter" => {
            let mut r = Rule::new(Freq::Monthly);
            r.interval = 3;
            return Some(on_clause(t, j + 1, r));
        }
        "other" => {
            let (e, r) = every(t, j + 1)?;
            return Some((
                e,
                r.map(|mut r| {
                    r.interval = 2;
                    r
                }),
            ));
        }
        "last" => return last_forms(t, j + 1, None),
        _ => {}
    }
    if let Some(f) = unit_freq(s) {
        if s.ends_with('s') {
            return None;
        }
        return Some(on_clause(t, j + 1, Rule::new(f)));
    }
    if text::weekday(s).is_some() {
        let (e, days) = weekday_list(t, j)?;
        return Some(day_part_tail(t, e, Rule::weekly(&days)));
    }
    if let Some(m) = text::month(s) {
        let d = w(t, j + 1);
        let day = d.parse::<u32>().ok().or_else(|| text::ordinal(d))?;
        return Some((j + 2, yearly(m, day)));
    }
    if let Some(n) = text::number(s).filter(|_| !matches!(s, "a" | "an")) {
        let f = unit_freq(w(t, j + 1))?;
        if n == 0 {
            return Some((j + 2, Err("a repeat interval must be at least 1".into())));
        }
        let mut r = Rule::new(f);
        r.interval = n;
        return Some(on_clause(t, j + 2, r));
    }
    if let Some(n) = text::ordinal(s) {
        let next = w(t, j + 1);
        if text::weekday(next).is_some() {
            return last_forms(t, j + 1, Some(n));
        }
        if let Some(f) = unit_freq(next) {
            if f == Freq::Daily && matches!(w(t, j + 2), "of" | "in") {
                return Some(month_days(t, j + 2, vec![n as i32]));
            }
            let mut r = Rule::new(f);
            r.interval = n.max(1);
            return Some(on_clause(t, j + 2, r));
        }
        if w(t, j + 1) == "of" {
            if let Some(m) = text::month(w(t, j + 2)) {
                return Some((j + 3, yearly(m, n)));
            }
        }
        return Some(month_days(t, j + 1, vec![n as i32]));
    }
    None
}

fn yearly(m: u32, d: u32) -> Result<Rule, String> {
    let max = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(m as usize - 1) % 12];
    if d == 0 || d > max {
        return Err(format!("there is no {d} {}", text::month_name(m)));
    }
    let mut r = Rule::new(Freq::Yearly);
    r.by_month = Some(m);
    r.by_month_day = vec![d as i32];
    Ok(r)
}

/// Monthly by day of month, with an optional "of the month" tail.
fn month_days(t: &[Tok], k: usize, days: Vec<i32>) -> (usize, Result<Rule, String>) {
    let e = month_tail(t, k).unwrap_or(k);
    if let Some(bad) = days.iter().find(|d| **d == 0 || **d > 31) {
        return (
            e,
            Err(format!(
                "no month has a {} day",
                text::ordinal_suffix(*bad as i64)
            )),
        );
    }
    let mut r = Rule::new(Freq::Monthly);
    r.by_month_day = days;
    (e, Ok(r))
}

/// "of the month", "of every month", "in each month", "of month".
fn month_tail(t: &[Tok], k: usize) -> Option<usize> {
    if !matches!(w(t, k), "of" | "in") {
        return None;
    }
    match (w(t, k + 1), w(t, k + 2)) {
        ("month", _) => Some(k + 2),
        ("the" | "every" | "each" | "a", "month") => Some(k + 3),
        _ => None,
    }
}

/// After "every last" / "every 2nd": a weekday, or "day" (last only).
fn last_forms(t: &[Tok], k: usize, n: Option<u32>) -> Read {
    let nth = n.map(|n| n as i32).unwrap_or(-1);
    if let Some((d, _, _)) = text::weekday(w(t, k)) {
        let e = month_tail(t, k + 1).unwrap_or(k + 1);
        if !(1..=5).contains(&nth) && nth != -1 {
            return Some((
                e,
                Err(format!(
                    "no month has a {} {}",
                    text::ordinal_suffix(nth as i64),
                    text::weekday_name(d)
                )),
            ));
        }
        let mut r = Rule::new(Freq::Monthly);
        r.by_day = vec![(nth, d)];
        return Some(day_part_tail(t, e, r));
    }
    if n.is_none() && w(t, k) == "day" {
        return Some(month_days(t, k + 1, vec![-1]));
    }
    None
}

/// "on …" after "every week|month|year", "weekly", "monthly".
fn on_clause(t: &[Tok], k: usize, mut r: Rule) -> (usize, Result<Rule, String>) {
    let start = k;
    let mut k = k;
    if w(t, k) == "on" {
        k += 1;
    }
    match r.freq {
        Freq::Weekly => {
            if let Some((e, days)) = weekday_list(t, k) {
                r.by_day = days.into_iter().map(|d| (0, d)).collect();
                return day_part_tail(t, e, r);
            }
        }
        Freq::Monthly => {
            // "every month at the 20th".
            if w(t, k) == "at" && w(t, k + 1) == "the" {
                k += 1;
            }
            if w(t, k) == "the" {
                k += 1;
            }
            let first = w(t, k);
            let n = if first == "last" {
                Some(-1)
            } else {
                text::ordinal(first).map(|n| n as i32)
            };
            if let Some(n) = n {
                if let Some((d, _, _)) = text::weekday(w(t, k + 1)) {
                    r.by_day = vec![(n, d)];
                    return (k + 2, Ok(r));
                }
                if n == -1 && w(t, k + 1) == "day" {
                    r.by_month_day = vec![-1];
                    // "… on the last day of the month".
                    return (month_tail(t, k + 2).unwrap_or(k + 2), Ok(r));
                }
                if n != -1 {
                    let (e, days) = ordinal_list(t, k);
                    let interval = r.interval;
                    let (e, res) = month_days(t, e, days);
                    return (
                        e,
                        res.map(|mut x| {
                            x.interval = interval;
                            x
                        }),
                    );
                }
            }
        }
        Freq::Yearly => {
            if let Some(m) = text::month(w(t, k)) {
                let d = w(t, k + 1);
                if let Some(day) = d.parse::<u32>().ok().or_else(|| text::ordinal(d)) {
                    let interval = r.interval;
                    return (
                        k + 2,
                        yearly(m, day).map(|mut x| {
                            x.interval = interval;
                            x
                        }),
                    );
                }
            }
            // "every year on 12/31", "a yearly to-do on 12/31": month/day.
            // (After "on"; "yearly 8/14 bday Kim" is read with its date.)
            if let Some((m, d)) = w(t, k).split_once('/').filter(|_| k > start) {
                if let (Ok(m), Ok(d)) = (m.parse::<u32>(), d.parse::<u32>()) {
                    if (1..=12).contains(&m) && (1..=31).contains(&d) {
                        let interval = r.interval;
                        return (
                            k + 1,
                            yearly(m, d).map(|mut x| {
                                x.interval = interval;
                                x
                            }),
                        );
                    }
                }
            }
            // "every year on 14 February", "… on 14th February".
            let d = w(t, k);
            if let Some(day) = d.parse::<u32>().ok().or_else(|| text::ordinal(d)) {
                if let Some(m) = text::month(w(t, k + 1)) {
                    let interval = r.interval;
                    return (
                        k + 2,
                        yearly(m, day).map(|mut x| {
                            x.interval = interval;
                            x
                        }),
                    );
                }
            }
            let mut q = k;
            if w(t, q) == "the" {
                q += 1;
            }
            if let Some(day) = text::ordinal(w(t, q)) {
                if w(t, q + 1) == "of" {
                    if let Some(m) = text::month(w(t, q + 2)) {
                        return (q + 3, yearly(m, day));
                    }
                }
            }
        }
        _ => {}
    }
    (start, Ok(r))
}

/// "1st and 15th".
fn ordinal_list(t: &[Tok], k: usize) -> (usize, Vec<i32>) {
    let mut days = Vec::new();
    let mut k = k;
    while let Some(n) = text::ordinal(w(t, k)) {
        days.push(n as i32);
        k += 1;
        let mut n2 = k;
        if w(t, n2) == "," {
            n2 += 1;
        }
        if w(t, n2) == "and" {
            n2 += 1;
        }
        if w(t, n2) == "the" {
            n2 += 1;
        }
        if n2 == k || text::ordinal(w(t, n2)).is_none() {
            break;
        }
        k = n2;
    }
    (k, days)
}

/// "on the 1st of every month", "the last Friday of each month",
/// "on the 15th every month", "on the 1st and 15th monthly".
fn nth_of_every_month(t: &[Tok], i: usize) -> Read {
    let mut k = i;
    if w(t, k) == "on" {
        k += 1;
    }
    if w(t, k) == "the" {
        k += 1;
    }
    let first = w(t, k);
    let mut r = Rule::new(Freq::Monthly);
    let e;
    if first == "last" || text::ordinal(first).is_some() {
        let n = if first == "last" {
            -1
        } else {
            text::ordinal(first)? as i32
        };
        if let Some((d, _, _)) = text::weekday(w(t, k + 1)) {
            r.by_day = vec![(n, d)];
            e = k + 2;
        } else if w(t, k + 1) == "day" {
            r.by_month_day = vec![n];
            e = k + 2;
        } else if n == -1 {
            return None;
        } else {
            let (e2, days) = ordinal_list(t, k);
            r.by_month_day = days;
            e = e2;
        }
    } else {
        return None;
    }
    let end = match (w(t, e), w(t, e + 1), w(t, e + 2)) {
        ("of" | "in", "every" | "each", "month") => e + 3,
        // "the first monday of the month": a weekday's place in any month.
        ("of" | "in", "the", "month") if !r.by_day.is_empty() => e + 3,
        ("every" | "each", "month", _) => e + 2,
        ("monthly", _, _) => e + 1,
        _ => return None,
    };
    if let Some(bad) = r.by_month_day.iter().find(|d| **d == 0 || **d > 31) {
        return Some((
            end,
            Err(format!(
                "no month has a {} day",
                text::ordinal_suffix(*bad as i64)
            )),
        ));
    }
    if let Some((n, d)) = r.by_day.first() {
        if !(1..=5).contains(n) && *n != -1 {
            return Some((
                end,
                Err(format!(
                    "no month has a {} {}",
                    text::ordinal_suffix(*n as i64),
                    text::weekday_name(*d)
                )),
            ));
        }
    }
    Some((end, Ok(r)))
}

/// "10 days after I last did it": a rule counted from completion, written
/// without "every". Returns the end and the rule.
pub(crate) fn interval_then_completion(t: &[Tok], i: usize) -> Option<(usize, Rule)> {
    // "every 3 days after I finish it" is read by the recurrence grammar.
    if i > 0 && matches!(w(t, i - 1), "every" | "each") {
        return None;
    }
    let (e, n, u) = crate::when::duration(t, i)?;
    let end = completion(t, e)?;
    let freq = match u {
        crate::when::Unit::Day => Freq::Daily,
        crate::when::Unit::Week => Freq::Weekly,
        crate::when::Unit::Month => Freq::Monthly,
        crate::when::Unit::Year => Freq::Yearly,
        _ => return None,
    };
    let mut r = Rule::new(freq);
    r.interval = n.max(1);
    Some((end, r))
}

/// "after I finish it", "after completion" … : completion-based repetition.
pub(crate) fn completion(t: &[Tok], i: usize) -> Option<usize> {
    const PHRASES: &[&[&str]] = &[
        &["after", "i", "finish", "it"],
        &["after", "i", "finish"],
        &["after", "i", "complete", "it"],
        &["after", "i", "complete"],
        &["after", "i", "do", "it"],
        &["after", "i", "did", "it"],
        &["after", "i've", "done", "it"],
        &["after", "i", "have", "done", "it"],
        &["after", "i'm", "done"],
        &["after", "i", "am", "done"],
        &["after", "it's", "done"],
        &["after", "it", "is", "done"],
        &["after", "done"],
        &["after", "completion"],
        &["after", "each", "completion"],
        &["after", "every", "completion"],
        &["after", "the", "last", "completion"],
        &["after", "last", "completion"],
        &["after", "completing", "it"],
        &["after", "completing"],
        &["after", "finishing", "it"],
        &["after", "finishing"],
        &["after", "i", "finish", "the", "last", "one"],
        &["after", "the", "previous", "one", "is", "done"],
        &["from", "completion"],
        &["from", "the", "last", "completion"],
        &["from", "when", "i", "finish", "it"],
        &["from", "when", "i", "complete", "it"],
        &["since", "i", "last", "did", "it"],
        &["since", "the", "last", "time", "i", "did", "it"],
        &["once", "i", "finish", "it"],
        &["once", "done"],
        &["upon", "completion"],
        &["on", "completion"],
    ];
    let mut best = None;
    // "every 3 weeks, counting from when I last did it": the phrase may
    // follow a comma and say what it counts.
    let mut i = i;
    if w(t, i) == "," {
        i += 1;
    }
    if matches!(
        w(t, i),
        "counting" | "counted" | "calculated" | "measured" | "reckoned"
    ) && matches!(w(t, i + 1), "from" | "after" | "since")
    {
        i += 1;
    }
    // "after I last did it", "from when I last cleaned it", "since I last
    // changed them": any verb in between.
    let mut k = i + 1;
    if matches!(w(t, i), "from" | "since") && w(t, k) == "when" {
        k += 1;
    }
    if matches!(w(t, i), "after" | "from" | "since") && w(t, k) == "i" && w(t, k + 1) == "last" {
        // "after I last changed them", "… ordered it", "… filled it up".
        let e = if matches!(
            w(t, k + 3),
            "it" | "them" | "those" | "that" | "him" | "her" | "mine" | "ours"
        ) {
            k + 4
        } else {
            k + 3
        };
        let e = if w(t, e) == "up" { e + 1 } else { e };
        if !w(t, k + 2).is_empty() {
            best = Some(e);
        }
    }
    // "5 weeks after my last one", "counted from the last watering".
    if matches!(w(t, i), "after" | "from" | "since")
        && matches!(w(t, i + 1), "my" | "the")
        && w(t, i + 2) == "last"
        && w(t, i + 3).chars().all(|c| c.is_alphabetic())
        && !w(t, i + 3).is_empty()
        && !matches!(
            w(t, i + 3),
            "time" | "completion" | "day" | "days" | "week" | "weekend" | "month" | "year"
        )
        && text::weekday(w(t, i + 3)).is_none()
        && text::month(w(t, i + 3)).is_none()
    {
        best = best.max(Some(i + 4));
    }
    // "after the last time I did it", "after I did it the last time",
    // "after I did it last".
    if w(t, i) == "after" {
        let at_last = |k: usize| (1..=3).all(|n| w(t, k + n - 1) == ["the", "last", "time"][n - 1]);
        let mut k = i + 1;
        let last_first = at_last(k);
        if last_first {
            k += 3;
        }
        if w(t, k) == "i"
            && matches!(
                w(t, k + 1),
                "did" | "do" | "finished" | "finish" | "completed" | "complete"
            )
        {
            k += 2;
            if matches!(w(t, k), "it" | "them" | "that") {
                k += 1;
            }
            if !last_first {
                if w(t, k) == "last" {
                    k += 1;
                } else if at_last(k) {
                    k += 3;
                }
            }
            if best.is_none_or(|b| k > b) {
                best = Some(k);
            }
        }
    }
    for p in PHRASES {
        if p.iter().enumerate().all(|(k, s)| w(t, i + k) == *s) {
            let mut e = i + p.len();
            if matches!(w(t, e), "each" | "every") && w(t, e + 1) == "time" {
                e += 2;
            }
            if best.is_none_or(|b| e > b) {
                best = Some(e);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    /// The end of a series said by `s`, read at its start, for a rule
    /// `rule` said before it, on Thursday 26 November 2026.
    fn ended(rule: &str, s: &str) -> String {
        let clk = crate::when::Clock::new(chrono_tz::Europe::Berlin, 1_795_683_600_000);
        let t = tokenize(s);
        let Some((e, end)) = end_of_series(&t, 0, &clk) else {
            return "NONE".into();
        };
        assert_eq!(e, t.len(), "not all of {s:?} read");
        let (_, r) = parse_recurrence(&tokenize(rule), 0).unwrap();
        let mut r = r.unwrap();
        assert!(r.end(end, clk.today));
        r.to_rule().unwrap().to_string()
    }

    #[test]
    fn where_a_series_ends() {
        assert_eq!(ended("daily", "10 times"), "FREQ=DAILY;COUNT=10");
        assert_eq!(
            ended("daily", ", ten times in total"),
            "FREQ=DAILY;COUNT=10"
        );
        assert_eq!(
            ended("every tuesday", "for 8 sessions"),
            "FREQ=WEEKLY;BYDAY=TU;COUNT=8"
        );
        // A span in the rule's unit counts occurrences; in another, it ends
        // that long after today.
        assert_eq!(ended("daily", "for 10 days"), "FREQ=DAILY;COUNT=10");
        assert_eq!(
            ended("every other week", "for 6 weeks"),
            "FREQ=WEEKLY;INTERVAL=2;COUNT=3"
        );
        assert_eq!(
            ended("every mon and thu", "for 2 weeks"),
            "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4"
        );
        assert_eq!(
            ended("every monday", "for 3 months"),
            "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270225"
        );
        assert_eq!(
            ended("daily", "until 18 december"),
            "FREQ=DAILY;UNTIL=20261218"
        );
        assert_eq!(
            ended("every weekday", "through friday"),
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261127"
        );
        assert_eq!(
            ended("weekly", ", last time on 12/18"),
            "FREQ=WEEKLY;UNTIL=20261218"
        );
        assert_eq!(
            ended("daily", "up to and including 5 jan"),
            "FREQ=DAILY;UNTIL=20270105"
        );
        // Not an end: a time of day, a rate, no date.
        assert_eq!(ended("hourly", "until 5pm"), "NONE");
        assert_eq!(ended("daily", "3 times a week"), "NONE");
        assert_eq!(ended("daily", "until i finish the book"), "NONE");
        // A count in the middle of other words is part of the story.
        let clk = crate::when::Clock::new(chrono_tz::Europe::Berlin, 1_795_683_600_000);
        let t = tokenize("I paid for ten sessions");
        assert_eq!(end_of_series(&t, 2, &clk), None);
    }

    fn rr(s: &str) -> String {
        let t = tokenize(s);
        match parse_recurrence(&t, 0) {
            Some((e, Ok(r))) => {
                assert_eq!(e, t.len(), "not all of {s:?} read");
                r.to_rule()
                    .map_or_else(|e| format!("ERR {e}"), |r| r.to_string())
            }
            Some((_, Err(e))) => format!("ERR {e}"),
            None => "NONE".into(),
        }
    }

    #[test]
    fn rules() {
        assert_eq!(rr("every Monday"), "FREQ=WEEKLY;BYDAY=MO");
        assert_eq!(rr("every weekday"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
        assert_eq!(
            rr("every Monday, Wednesday and Friday"),
            "FREQ=WEEKLY;BYDAY=MO,WE,FR"
        );
        assert_eq!(rr("every 2 weeks"), "FREQ=WEEKLY;INTERVAL=2");
        assert_eq!(rr("one time in the month"), "FREQ=MONTHLY");
        assert_eq!(rr("once per week"), "FREQ=WEEKLY");
        assert_eq!(
            rr("every 2 weeks on Tuesday"),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
        );
        assert_eq!(rr("every other Tuesday"), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
        assert_eq!(rr("every last Friday"), "FREQ=MONTHLY;BYDAY=-1FR");
        assert_eq!(rr("every 2nd Tuesday"), "FREQ=MONTHLY;BYDAY=2TU");
        assert_eq!(rr("every month on the 15th"), "FREQ=MONTHLY;BYMONTHDAY=15");
        assert_eq!(rr("on the 1st of every month"), "FREQ=MONTHLY;BYMONTHDAY=1");
        assert_eq!(
            rr("on the last day of every month"),
            "FREQ=MONTHLY;BYMONTHDAY=-1"
        );
        assert_eq!(
            rr("every year on March 3"),
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3"
        );
        assert_eq!(rr("every 3 days"), "FREQ=DAILY;INTERVAL=3");
        assert_eq!(rr("on Mondays and Thursdays"), "FREQ=WEEKLY;BYDAY=MO,TH");
        assert_eq!(
            rr("monthly on the 1st and 15th"),
            "FREQ=MONTHLY;BYMONTHDAY=1,15"
        );
        assert_eq!(rr("fortnightly"), "FREQ=WEEKLY;INTERVAL=2");
        assert_eq!(rr("every quarter"), "FREQ=MONTHLY;INTERVAL=3");
        assert!(rr("every 0 days").starts_with("ERR"));
        assert_eq!(rr("Monday"), "NONE");
        let t = tokenize("weekly report");
        assert!(parse_recurrence(&t, 0).is_none());
        let t = tokenize("the weekly");
        assert!(parse_recurrence(&t, 1).is_none());
    }

    #[test]
    fn descriptions() {
        let t = tokenize("every last Friday");
        let r = parse_recurrence(&t, 0).unwrap().1.unwrap();
        assert_eq!(r.describe(), "on the last Friday of every month");
        let t = tokenize("every Monday and Friday");
        let r = parse_recurrence(&t, 0).unwrap().1.unwrap();
        assert_eq!(r.describe(), "every Monday and Friday");
    }

    #[test]
    fn completion_phrases() {
        let t = tokenize("after I finish it");
        assert_eq!(completion(&t, 0), Some(4));
        let t = tokenize("after the meeting");
        assert_eq!(completion(&t, 0), None);
        for (said, words) in [
            ("after the last time I did it", 7),
            ("after I did it the last time", 7),
            ("after I did it last", 5),
            ("after I did them", 4),
        ] {
            assert_eq!(completion(&tokenize(said), 0), Some(words), "{said}");
        }
        let t = tokenize("after the last time we met");
        assert_eq!(completion(&t, 0), None);
    }
}
