//! iCalendar (RFC 5545) text for the calendar feed: a `VCALENDAR` of
//! `VEVENT`s with their `RRULE`, `EXDATE` and `VALARM`s. Pure formatting:
//! which tasks become which events is the caller's business.
//!
//! Times with a `TZID` name an IANA zone and carry no `VTIMEZONE`: the
//! calendar clients a feed is for (Google, Apple, Outlook, Thunderbird)
//! resolve IANA names themselves, and a `VTIMEZONE` would have to restate
//! the zone's rules.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// When an event starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// An instant (written in UTC).
    Instant(i64),
    /// A wall-clock time in an IANA zone: what a repeating rule expands in.
    Local { tzid: String, at: NaiveDateTime },
    /// A whole day (an all-day event).
    Day(NaiveDate),
}

/// A reminder before the start, or at an instant.
#[derive(Debug, Clone, PartialEq)]
pub enum Alarm {
    MinutesBefore(i64),
    At(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub start: Start,
    /// Minutes a timed event lasts (ignored for a whole day).
    pub minutes: u32,
    /// An RFC 5545 `RRULE` value, without the `RRULE:` prefix.
    pub rrule: Option<String>,
    /// Excluded starts, as wall-clock times in the start's zone.
    pub exdates: Vec<NaiveDateTime>,
    pub categories: Vec<String>,
    /// 1 (highest) to 9 (lowest); 0 for none.
    pub priority: u8,
    pub alarms: Vec<Alarm>,
    /// When the event last changed (`DTSTAMP`, `LAST-MODIFIED`).
    pub changed_ms: i64,
}

pub struct Calendar<'a> {
    /// `PRODID`, e.g. `-//Task Manager//Tasks//EN`.
    pub product: &'a str,
    pub name: &'a str,
    pub events: &'a [Event],
}

/// The calendar as iCalendar text: CRLF line ends, lines folded at 75
/// octets, text values escaped.
pub fn render(cal: &Calendar) -> String {
    let mut out = String::new();
    let mut line = |l: String| push_folded(&mut out, &l);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!("PRODID:{}", cal.product));
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(cal.name)));
    for e in cal.events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("DTSTAMP:{}", utc(e.changed_ms)));
        line(format!("LAST-MODIFIED:{}", utc(e.changed_ms)));
        match &e.start {
            Start::Instant(ms) => {
                line(format!("DTSTART:{}", utc(*ms)));
                line(format!("DURATION:PT{}M", e.minutes.max(1)));
            }
            Start::Local { tzid, at } => {
                line(format!("DTSTART;TZID={tzid}:{}", local(*at)));
                line(format!("DURATION:PT{}M", e.minutes.max(1)));
            }
            Start::Day(d) => line(format!("DTSTART;VALUE=DATE:{}", d.format("%Y%m%d"))),
        }
        if let Some(rule) = &e.rrule {
            line(format!("RRULE:{rule}"));
        }
        if !e.exdates.is_empty() {
            let list: Vec<String> = e.exdates.iter().map(|t| local(*t)).collect();
            match &e.start {
                Start::Local { tzid, .. } => line(format!("EXDATE;TZID={tzid}:{}", list.join(","))),
                Start::Day(_) => {
                    let days: Vec<String> = e
                        .exdates
                        .iter()
                        .map(|t| t.format("%Y%m%d").to_string())
                        .collect();
                    line(format!("EXDATE;VALUE=DATE:{}", days.join(",")));
                }
                Start::Instant(_) => line(format!("EXDATE:{}", list.join(","))),
            }
        }
        line(format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&e.description)));
        }
        if !e.categories.is_empty() {
            let cats: Vec<String> = e.categories.iter().map(|c| escape(c)).collect();
            line(format!("CATEGORIES:{}", cats.join(",")));
        }
        if e.priority > 0 {
            line(format!("PRIORITY:{}", e.priority.min(9)));
        }
        for a in &e.alarms {
            line("BEGIN:VALARM".into());
            line("ACTION:DISPLAY".into());
            line(format!("DESCRIPTION:{}", escape(&e.summary)));
            match a {
                Alarm::MinutesBefore(0) => line("TRIGGER:PT0M".into()),
                Alarm::MinutesBefore(m) => line(format!("TRIGGER:-PT{m}M")),
                Alarm::At(ms) => line(format!("TRIGGER;VALUE=DATE-TIME:{}", utc(*ms))),
            }
            line("END:VALARM".into());
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

fn utc(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no line exceeds 75 octets
/// (RFC 5545 3.1), never inside a UTF-8 sequence; continuation lines start
/// with a space.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(start: Start) -> Event {
        Event {
            uid: "task-1@tasks".into(),
            summary: "Call mom; bring cake, candles\nand a card".into(),
            description: String::new(),
            start,
            minutes: 30,
            rrule: None,
            exdates: vec![],
            categories: vec!["family".into(), "a,b".into()],
            priority: 3,
            alarms: vec![Alarm::MinutesBefore(15), Alarm::At(1_798_761_600_000)],
            changed_ms: 1_798_675_200_000,
        }
    }

    fn render_one(e: Event) -> String {
        render(&Calendar {
            product: "-//Test//EN",
            name: "Tasks",
            events: &[e],
        })
    }

    #[test]
    fn an_event_with_alarms_escaped_and_in_crlf_lines() {
        let text = render_one(event(Start::Instant(1_798_761_600_000)));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
        for expected in [
            "DTSTART:20270101T000000Z\r\n",
            "DURATION:PT30M\r\n",
            "DTSTAMP:20261231T000000Z\r\n",
            "SUMMARY:Call mom\\; bring cake\\, candles\\nand a card\r\n",
            "CATEGORIES:family,a\\,b\r\n",
            "PRIORITY:3\r\n",
            "TRIGGER:-PT15M\r\n",
            "TRIGGER;VALUE=DATE-TIME:20270101T000000Z\r\n",
        ] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
        assert_eq!(text.matches("BEGIN:VALARM").count(), 2);
    }

    #[test]
    fn a_repeating_event_in_its_zone_and_a_whole_day() {
        let at = NaiveDate::from_ymd_opt(2026, 12, 7)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let mut e = event(Start::Local {
            tzid: "Europe/Berlin".into(),
            at,
        });
        e.rrule = Some("FREQ=WEEKLY;BYDAY=MO".into());
        e.exdates = vec![
            at + chrono::Duration::days(7),
            at + chrono::Duration::days(14),
        ];
        let text = render_one(e);
        assert!(text.contains("DTSTART;TZID=Europe/Berlin:20261207T090000\r\n"));
        assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=MO\r\n"));
        assert!(text.contains("EXDATE;TZID=Europe/Berlin:20261214T090000,20261221T090000\r\n"));
        let day = render_one(event(Start::Day(at.date())));
        assert!(day.contains("DTSTART;VALUE=DATE:20261207\r\n"));
        assert!(!day.contains("DURATION"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut e = event(Start::Instant(0));
        e.summary = "Grüße an die ganze Familie ausrichten ".repeat(8);
        let text = render_one(e);
        for l in text.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!(
            "SUMMARY:{}",
            "Grüße an die ganze Familie ausrichten ".repeat(8)
        )));
    }
}
