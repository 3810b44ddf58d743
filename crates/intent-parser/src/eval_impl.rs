//! Scoring the parser against a phrase set.
//!
//! The phrase set is JSON Lines: one object per line,
//! `{"message": …, "last_task": {"id": …, "title": …}?, "expected": {…}}`;
//! blank lines and lines starting with `//` are ignored. Every message is
//! read at the reference instant [`REFERENCE_LOCAL`] in [`REFERENCE_TIMEZONE`].
//!
//! `expected` has `"intent"` (the snake_case name of an [`Intent`] variant)
//! and that intent's fields, written as follows. A field left out must be
//! absent (or empty) in the result.
//!
//! * times are local: `"2026-11-27T15:00"`, or `"2026-11-27"` for a date
//!   without a time (`due`, reminder `at`);
//! * `target` is the task's name as said (compared ignoring case) or
//!   `"@last"` for the task of the previous turn;
//! * add_task: `title`, `due`, `priority`, `tags` (without `#`),
//!   `recurrence: {rrule, mode, time: "HH:MM"}` (RRULE parts compared in any
//!   order), `reminders: [{"before": minutes} | {"at": time}]`;
//! * add_reminder: `target` and `before` or `at`;
//! * list_tasks: `status` (left out: open), `priority`, `due_window`
//!   (`today`, `tomorrow`, `this_week`, `overdue`), `tag`, `text`;
//! * rename_task: `new_title`; set_priority: `priority`; reschedule: `due`;
//!   snooze: `minutes`; confirm: `accepted`; refuse and unknown: nothing.

use crate::{parse, Context, Intent, ReminderSpec, Status, TaskRef, TaskTarget};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const REFERENCE_TIMEZONE: &str = "Europe/Berlin";
/// Thursday 26 November 2026, 10:00 local (09:00 UTC).
pub const REFERENCE_LOCAL: &str = "2026-11-26T10:00";
pub const REFERENCE_UTC_MS: i64 = 1_795_683_600_000;

/// The intents in the order reports list them.
pub const INTENTS: &[&str] = &[
    "add_task",
    "add_reminder",
    "list_tasks",
    "complete_task",
    "reopen_task",
    "rename_task",
    "set_priority",
    "reschedule",
    "delete_task",
    "stop_series",
    "resume_series",
    "snooze",
    "confirm",
    "refuse",
    "unknown",
];

#[derive(Debug, Clone)]
pub struct Case {
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
    pub last_task: Option<TaskRef>,
    pub expected: Value,
}

impl Case {
    pub fn expected_intent(&self) -> String {
        self.expected
            .get("intent")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string()
    }
}

/// Reads a phrase set (JSON Lines, `//` comments).
pub fn load_cases(text: &str) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let s = line.trim();
        if s.is_empty() || s.starts_with("//") {
            continue;
        }
        let v: Value = serde_json::from_str(s).map_err(|e| format!("line {line_no}: {e}"))?;
        let message = v
            .get("message")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("line {line_no}: no message"))?
            .to_string();
        let expected = v
            .get("expected")
            .cloned()
            .filter(|e| e.get("intent").and_then(Value::as_str).is_some())
            .ok_or_else(|| format!("line {line_no}: no expected.intent"))?;
        let name = expected["intent"].as_str().unwrap_or_default();
        if !INTENTS.contains(&name) {
            return Err(format!("line {line_no}: unknown intent {name:?}"));
        }
        let last_task = match v.get("last_task") {
            None | Some(Value::Null) => None,
            Some(t) => Some(TaskRef::new(
                t.get("id").and_then(Value::as_str).unwrap_or_default(),
                t.get("title")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("line {line_no}: last_task without title"))?,
            )),
        };
        out.push(Case {
            line: line_no,
            message,
            last_task,
            expected,
        });
    }
    Ok(out)
}

fn local(ms: i64, tz: Tz, has_time: bool) -> String {
    let t = DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz);
    if has_time {
        t.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        t.format("%Y-%m-%d").to_string()
    }
}

fn target(t: &TaskTarget) -> Value {
    match t {
        TaskTarget::Name(n) => json!(n),
        TaskTarget::LastTask(_) => json!("@last"),
    }
}

fn reminder(r: &ReminderSpec, tz: Tz) -> Value {
    match r {
        ReminderSpec::Before { minutes } => json!({ "before": minutes }),
        ReminderSpec::At { utc_ms } => json!({ "at": local(*utc_ms, tz, true) }),
    }
}

/// An intent in the phrase set's notation.
pub fn canonical(intent: &Intent, tz: Tz) -> Value {
    let mut o = Map::new();
    o.insert("intent".into(), json!(intent.name()));
    let mut put = |k: &str, v: Value| {
        o.insert(k.into(), v);
    };
    match intent {
        Intent::AddTask {
            title,
            due,
            priority,
            tags,
            recurrence,
            reminders,
        } => {
            put("title", json!(title));
            if let Some(d) = due {
                put("due", json!(local(d.at_utc_ms, tz, d.has_time)));
            }
            if let Some(p) = priority {
                put("priority", json!(p.as_str()));
            }
            if !tags.is_empty() {
                put("tags", json!(tags));
            }
            if let Some(r) = recurrence {
                let mut rv = json!({ "rrule": r.rule.to_string(), "mode": r.mode.as_str() });
                if let Some((h, m)) = r.local_time {
                    rv["time"] = json!(format!("{h:02}:{m:02}"));
                }
                put("recurrence", rv);
            }
            if !reminders.is_empty() {
                put(
                    "reminders",
                    Value::Array(reminders.iter().map(|r| reminder(r, tz)).collect()),
                );
            }
        }
        Intent::AddReminder { target: t, spec } => {
            put("target", target(t));
            if let Value::Object(m) = reminder(spec, tz) {
                for (k, v) in m {
                    put(&k, v);
                }
            }
        }
        Intent::ListTasks { filter } => {
            match filter.status {
                Status::Open => {}
                Status::Completed => put("status", json!("completed")),
                Status::All => put("status", json!("all")),
            }
            if let Some(p) = filter.priority {
                put("priority", json!(p.as_str()));
            }
            if let Some(d) = filter.due_window {
                put("due_window", serde_json::to_value(d).unwrap_or(Value::Null));
            }
            if let Some(t) = &filter.tag {
                put("tag", json!(t));
            }
            if let Some(t) = &filter.text {
                put("text", json!(t));
            }
        }
        Intent::CompleteTask { target: t }
        | Intent::ReopenTask { target: t }
        | Intent::DeleteTask { target: t }
        | Intent::StopSeries { target: t }
        | Intent::ResumeSeries { target: t } => put("target", target(t)),
        Intent::RenameTask {
            target: t,
            new_title,
        } => {
            put("target", target(t));
            put("new_title", json!(new_title));
        }
        Intent::SetPriority {
            target: t,
            priority,
        } => {
            put("target", target(t));
            put("priority", json!(priority.as_str()));
        }
        Intent::Reschedule { target: t, due } => {
            put("target", target(t));
            put("due", json!(local(due.at_utc_ms, tz, due.has_time)));
        }
        Intent::Snooze { target: t, minutes } => {
            put("target", target(t));
            put("minutes", json!(minutes));
        }
        Intent::Confirm { accepted } => put("accepted", json!(accepted)),
        Intent::Refuse { .. } | Intent::Unknown { .. } => {}
    }
    Value::Object(o)
}

fn rrule_parts(v: &Value) -> Option<Vec<String>> {
    let mut p: Vec<String> = v
        .as_str()?
        .split(';')
        .map(|s| s.trim().to_uppercase())
        .collect();
    p.sort();
    Some(p)
}

fn same(key: &str, e: &Value, a: &Value) -> bool {
    match key {
        "target" | "text" => match (e.as_str(), a.as_str()) {
            (Some(x), Some(y)) => x.trim().to_lowercase() == y.trim().to_lowercase(),
            _ => e == a,
        },
        "rrule" => rrule_parts(e) == rrule_parts(a),
        "recurrence" => match (e.as_object(), a.as_object()) {
            (Some(x), Some(y)) => diff_objects(x, y, "recurrence.").is_empty(),
            _ => e == a,
        },
        _ => e == a,
    }
}

fn diff_objects(e: &Map<String, Value>, a: &Map<String, Value>, prefix: &str) -> Vec<String> {
    let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        match (e.get(k.as_str()), a.get(k.as_str())) {
            (Some(x), Some(y)) if same(k, x, y) => {}
            (x, y) => out.push(format!(
                "{prefix}{k}: expected {}, got {}",
                x.map(|v| v.to_string()).unwrap_or_else(|| "nothing".into()),
                y.map(|v| v.to_string()).unwrap_or_else(|| "nothing".into())
            )),
        }
    }
    out
}

/// The differences between an expected and an actual result (empty: pass).
///
/// A recurring task's first occurrence follows from its rule, and phrase
/// sets differ in whether they write it down: an expected recurring task
/// without `due` also accepts a `due` that is exactly the rule's first
/// occurrence at or after the reference instant (checked here from the
/// RRULE text, independently of the parser).
pub fn compare(expected: &Value, actual: &Value) -> Vec<String> {
    match (expected.as_object(), actual.as_object()) {
        (Some(e), Some(a)) => {
            let implied = e.get("due").is_none()
                && e.get("recurrence").is_some()
                && a.get("recurrence").is_some_and(|r| {
                    a.get("due")
                        .and_then(Value::as_str)
                        .is_some_and(|d| is_first_occurrence(r, d))
                });
            let mut a = a.clone();
            if implied {
                a.remove("due");
            }
            equate_notations(e, &mut a);
            diff_objects(e, &a, "")
        }
        _ => vec!["not objects".into()],
    }
}

/// Two ways the parser writes what a phrase set may say more briefly:
/// * "remind me to X at 5pm" is a task due then whose reminder fires then;
///   a set may leave that reminder out, listing only extra ones;
/// * a reminder on a day with no time fires at 09:00; a set may give only
///   the day (`"at": "2026-12-14"`).
fn equate_notations(e: &Map<String, Value>, a: &mut Map<String, Value>) {
    let due = a.get("due").and_then(Value::as_str).map(str::to_string);
    if let Some(Value::Array(rs)) = a.get_mut("reminders") {
        // The implicit reminder at the due time is never one the set lists.
        let listed_at_due = e
            .get("reminders")
            .and_then(Value::as_array)
            .is_some_and(|w| {
                w.iter().any(|r| {
                    r.get("at").and_then(Value::as_str).is_some_and(|x| {
                        Some(x) == due.as_deref()
                            || due
                                .as_deref()
                                .is_some_and(|d| d.len() == 10 && x.starts_with(d))
                    })
                })
            });
        let lists_none = e.get("reminders").is_none();
        rs.retain(|r| {
            // At the due time, or on a due day without a time.
            let at_due = r.get("at").and_then(Value::as_str).is_some_and(|x| {
                Some(x) == due.as_deref()
                    || due
                        .as_deref()
                        .is_some_and(|d| d.len() == 10 && x.starts_with(d))
            });
            let zero = r.get("before").and_then(Value::as_u64) == Some(0);
            !(at_due && !listed_at_due || zero && lists_none)
        });
        if let Some(Value::Array(want)) = e.get("reminders") {
            for (r, x) in rs.iter_mut().zip(want) {
                let (Some(got), Some(day)) = (
                    r.get("at").and_then(Value::as_str),
                    x.get("at").and_then(Value::as_str),
                ) else {
                    continue;
                };
                if day.len() == 10 && got == format!("{day}T09:00") {
                    r["at"] = json!(day);
                }
            }
        }
        if rs.is_empty() {
            a.remove("reminders");
        }
    }
    // add_reminder keeps its time at the top level.
    if let (Some(got), Some(day)) = (
        a.get("at").and_then(Value::as_str).map(str::to_string),
        e.get("at").and_then(Value::as_str),
    ) {
        if day.len() == 10 && got == format!("{day}T09:00") {
            a.insert("at".into(), json!(day));
        }
    }
}

/// Whether `due` (local, as in the phrase set) is the first occurrence at or
/// after [`REFERENCE_LOCAL`] of the recurrence `r` (`rrule`, `mode`, `time`).
fn is_first_occurrence(r: &Value, due: &str) -> bool {
    use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
    let Ok(now) = NaiveDateTime::parse_from_str(REFERENCE_LOCAL, "%Y-%m-%dT%H:%M") else {
        return false;
    };
    let rrule = r.get("rrule").and_then(Value::as_str).unwrap_or("");
    let parts: BTreeMap<String, String> = rrule
        .split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_uppercase(), v.trim().to_uppercase()))
        .collect();
    let time = r.get("time").and_then(Value::as_str);
    let freq = parts.get("FREQ").map(String::as_str).unwrap_or("");
    let expected = if freq == "HOURLY" {
        let next = now.date().and_hms_opt(now.hour(), 0, 0);
        match next {
            Some(h) => (h + Duration::hours(1))
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
            None => return false,
        }
    } else {
        let completion = r.get("mode").and_then(Value::as_str) == Some("completion");
        let last_day = |d: NaiveDate| -> i32 {
            (28..=31)
                .rev()
                .find(|&n| NaiveDate::from_ymd_opt(d.year(), d.month(), n).is_some())
                .unwrap_or(31) as i32
        };
        let day_ok = |d: NaiveDate| -> bool {
            if completion {
                return true;
            }
            if let Some(m) = parts.get("BYMONTH") {
                if m.parse::<u32>().ok() != Some(d.month()) {
                    return false;
                }
            }
            let last = last_day(d);
            if let Some(v) = parts.get("BYMONTHDAY") {
                let hit = v.split(',').any(|n| match n.parse::<i32>() {
                    Ok(n) if n < 0 => last + 1 + n == d.day() as i32,
                    Ok(n) => n == d.day() as i32,
                    Err(_) => false,
                });
                if !hit {
                    return false;
                }
            }
            if let Some(v) = parts.get("BYDAY") {
                let code = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
                    [d.weekday().num_days_from_monday() as usize];
                let hit = v.split(',').any(|x| {
                    let Some(n) = x.strip_suffix(code) else {
                        return false;
                    };
                    match n {
                        "" => true,
                        n => match n.trim_start_matches('+').parse::<i32>() {
                            Ok(n) if n > 0 => (d.day() as i32 - 1) / 7 + 1 == n,
                            Ok(n) if n < 0 => (last - d.day() as i32) / 7 + 1 == -n,
                            _ => false,
                        },
                    }
                });
                if !hit {
                    return false;
                }
            }
            true
        };
        let mut d = now.date();
        let mut found = None;
        for _ in 0..800 {
            if day_ok(d) {
                match time {
                    Some(t) => {
                        let s = format!("{}T{t}", d.format("%Y-%m-%d"));
                        if NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M")
                            .is_ok_and(|x| x >= now)
                        {
                            found = Some(s);
                            break;
                        }
                    }
                    None => {
                        found = Some(d.format("%Y-%m-%d").to_string());
                        break;
                    }
                }
            }
            d += Duration::days(1);
        }
        match found {
            Some(s) => s,
            None => return false,
        }
    };
    expected == due
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub case: Case,
    pub actual: Value,
    pub explanation: String,
    pub diffs: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.diffs.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub results: Vec<CaseResult>,
}

/// The context every phrase is read in.
pub fn reference_context(last_task: Option<TaskRef>) -> Context {
    Context {
        timezone: chrono_tz::Europe::Berlin,
        now_utc_ms: REFERENCE_UTC_MS,
        last_task,
    }
}

pub fn run(cases: &[Case]) -> Report {
    let results = cases
        .iter()
        .map(|c| {
            let ctx = reference_context(c.last_task.clone());
            let parsed = parse(&c.message, &ctx);
            let actual = canonical(&parsed.intent, ctx.timezone);
            let diffs = compare(&c.expected, &actual);
            CaseResult {
                case: c.clone(),
                actual,
                explanation: parsed.explanation,
                diffs,
            }
        })
        .collect();
    Report { results }
}

impl Report {
    pub fn total(&self) -> usize {
        self.results.len()
    }

    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    /// Overall share of messages read exactly as expected, 0–1.
    pub fn accuracy(&self) -> f64 {
        if self.results.is_empty() {
            0.0
        } else {
            self.passed() as f64 / self.total() as f64
        }
    }

    /// Per expected intent: (passed, total).
    pub fn per_intent(&self) -> BTreeMap<String, (usize, usize)> {
        let mut m: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for r in &self.results {
            let e = m.entry(r.case.expected_intent()).or_default();
            e.1 += 1;
            if r.passed() {
                e.0 += 1;
            }
        }
        m
    }

    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.results.iter().filter(|r| !r.passed())
    }

    /// A table of accuracy per intent and overall, then the failures.
    pub fn render(&self) -> String {
        let mut s = self.render_scores();
        s.push_str(&self.render_failures());
        s
    }

    /// The table of accuracy per intent and overall, without the failures:
    /// what may be printed for a set that must not be read while fixing.
    pub fn render_scores(&self) -> String {
        let mut s = format!(
            "Phrase set: {} messages, read at {REFERENCE_LOCAL} {REFERENCE_TIMEZONE} (Thursday)\n\n",
            self.total()
        );
        s.push_str(&format!(
            "{:<16} {:>8} {:>9}\n",
            "intent", "passed", "accuracy"
        ));
        let per = self.per_intent();
        for name in INTENTS {
            if let Some((p, t)) = per.get(*name) {
                s.push_str(&format!(
                    "{:<16} {:>8} {:>8.1}%\n",
                    name,
                    format!("{p}/{t}"),
                    pct(*p, *t)
                ));
            }
        }
        s.push_str(&format!(
            "{:<16} {:>8} {:>8.1}%\n",
            "overall",
            format!("{}/{}", self.passed(), self.total()),
            pct(self.passed(), self.total())
        ));
        s
    }

    /// Every message read differently from its expected result.
    pub fn render_failures(&self) -> String {
        let mut s = String::new();
        let fails: Vec<&CaseResult> = self.failures().collect();
        if fails.is_empty() {
            s.push_str("\nNo failures.\n");
        } else {
            s.push_str(&format!("\nFailures ({}):\n", fails.len()));
            for f in fails {
                s.push_str(&format!("- line {}: {:?}\n", f.case.line, f.case.message));
                for d in &f.diffs {
                    s.push_str(&format!("    {d}\n"));
                }
                s.push_str(&format!("    expected: {}\n", f.case.expected));
                s.push_str(&format!("    actual:   {}\n", f.actual));
                s.push_str(&format!("    read as:  {}\n", f.explanation));
            }
        }
        s
    }
}

fn pct(p: usize, t: usize) -> f64 {
    if t == 0 {
        0.0
    } else {
        100.0 * p as f64 / t as f64
    }
}
