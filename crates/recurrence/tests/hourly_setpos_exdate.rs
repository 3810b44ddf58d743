//! `FREQ=HOURLY`, `BYSETPOS` and excluded dates (`EXDATE`): expansion across
//! daylight-saving changes, validation, JSON and descriptions.
//!
//! 2026 changes used below:
//! * Europe/Berlin: Sun 29 March 02:00 CET (+01) -> 03:00 CEST (+02);
//!   Sun 25 October 03:00 CEST -> 02:00 CET.
//! * America/New_York: Sun 8 March 02:00 EST (-05) -> 03:00 EDT (-04);
//!   Sun 1 November 02:00 EDT -> 01:00 EST.

mod common;

use common::{first_utc, first_wall, local, ms, rec, rec_mode, utc, wall};
use recurrence::{ErrorKind, Mode, Recurrence, Rule, MAX_EXDATES};

const BERLIN: &str = "Europe/Berlin";
const NEW_YORK: &str = "America/New_York";

fn err(text: &str) -> recurrence::RuleError {
    text.parse::<Rule>().expect_err(text)
}

// ---- HOURLY across daylight-saving changes ----

#[test]
fn berlin_hourly_spring_forward_follows_the_timeline() {
    let r = rec("FREQ=HOURLY;COUNT=4", BERLIN, "2026-03-29T00:00");
    assert_eq!(
        first_utc(&r, 10),
        vec![
            "2026-03-28T23:00:00Z",
            "2026-03-29T00:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-29T02:00:00Z"
        ]
    );
    // 02:00 local does not exist that night: the wall clock jumps.
    assert_eq!(
        first_wall(&r, 10),
        vec![
            "2026-03-29 00:00",
            "2026-03-29 01:00",
            "2026-03-29 03:00",
            "2026-03-29 04:00"
        ]
    );
    // Every 2 hours stays 2 hours apart; the wall clock shifts by the gap.
    let r = rec("FREQ=HOURLY;INTERVAL=2", BERLIN, "2026-03-28T22:00");
    assert_eq!(
        first_wall(&r, 4),
        vec![
            "2026-03-28 22:00",
            "2026-03-29 00:00",
            "2026-03-29 03:00",
            "2026-03-29 05:00"
        ]
    );
}

#[test]
fn berlin_hourly_fall_back_has_the_repeated_hour_twice() {
    let r = rec("FREQ=HOURLY", BERLIN, "2026-10-25T01:00");
    assert_eq!(
        first_utc(&r, 4),
        vec![
            "2026-10-24T23:00:00Z",
            "2026-10-25T00:00:00Z",
            "2026-10-25T01:00:00Z",
            "2026-10-25T02:00:00Z"
        ]
    );
    assert_eq!(
        first_wall(&r, 4),
        vec![
            "2026-10-25 01:00",
            "2026-10-25 02:00",
            "2026-10-25 02:00",
            "2026-10-25 03:00"
        ]
    );
    // The day of the change has 25 hourly instances, the spring one 23.
    let day = |rrule: &str, start: &str| first_utc(&rec(rrule, BERLIN, start), 1000).len();
    assert_eq!(
        day(
            "FREQ=HOURLY;BYMONTH=10;BYMONTHDAY=25;UNTIL=20261025",
            "2026-10-25T00:00"
        ),
        25
    );
    assert_eq!(
        day(
            "FREQ=HOURLY;BYMONTH=3;BYMONTHDAY=29;UNTIL=20260329",
            "2026-03-29T00:00"
        ),
        23
    );
}

#[test]
fn new_york_hourly_spring_forward_and_fall_back() {
    let spring = rec("FREQ=HOURLY", NEW_YORK, "2026-03-08T00:00");
    assert_eq!(
        first_wall(&spring, 4),
        vec![
            "2026-03-08 00:00",
            "2026-03-08 01:00",
            "2026-03-08 03:00",
            "2026-03-08 04:00"
        ]
    );
    assert_eq!(first_utc(&spring, 4)[2], "2026-03-08T07:00:00Z");
    let fall = rec("FREQ=HOURLY", NEW_YORK, "2026-11-01T00:00");
    assert_eq!(
        first_utc(&fall, 4),
        vec![
            "2026-11-01T04:00:00Z",
            "2026-11-01T05:00:00Z",
            "2026-11-01T06:00:00Z",
            "2026-11-01T07:00:00Z"
        ]
    );
    assert_eq!(
        first_wall(&fall, 4),
        vec![
            "2026-11-01 00:00",
            "2026-11-01 01:00",
            "2026-11-01 01:00",
            "2026-11-01 02:00"
        ]
    );
}

#[test]
fn hourly_start_in_a_gap_is_moved_like_any_local_time() {
    // 02:30 does not exist on 29 March in Berlin: the start is 03:30 CEST
    // (01:30Z), as for the other frequencies; the hours count from there.
    let r = rec("FREQ=HOURLY", BERLIN, "2026-03-29T02:30");
    assert_eq!(
        first_utc(&r, 2),
        vec!["2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"]
    );
    assert_eq!(r.aligned().unwrap().unwrap().dtstart(), r.dtstart());
}

#[test]
fn hourly_with_byday_keeps_the_grid_across_skipped_days() {
    // Every 5 hours from Friday 07:00, Mondays only: the instances of the
    // Monday are on the 5-hour grid counted from the start.
    let r = rec(
        "FREQ=HOURLY;INTERVAL=5;BYDAY=MO",
        BERLIN,
        "2026-11-27T07:00",
    );
    assert_eq!(
        first_wall(&r, 11),
        vec![
            "2026-11-27 07:00",
            "2026-11-30 00:00",
            "2026-11-30 05:00",
            "2026-11-30 10:00",
            "2026-11-30 15:00",
            "2026-11-30 20:00",
            "2026-12-07 02:00",
            "2026-12-07 07:00",
            "2026-12-07 12:00",
            "2026-12-07 17:00",
            "2026-12-07 22:00",
        ]
    );
    // Skipping ahead gives the same instants as expanding from the start.
    let after = ms("2026-12-07T05:00:00Z");
    assert_eq!(
        r.occurrences_after(after, 2)
            .unwrap()
            .into_iter()
            .map(|m| wall(&r, m))
            .collect::<Vec<_>>(),
        vec!["2026-12-07 07:00", "2026-12-07 12:00"]
    );
    // Aligning moves the start onto the first Monday instance.
    assert_eq!(
        r.aligned().unwrap().unwrap().dtstart(),
        local("2026-11-30T00:00")
    );
}

#[test]
fn hourly_far_future_and_completion_mode() {
    let r = rec("FREQ=HOURLY;INTERVAL=7", BERLIN, "2026-01-01T00:00");
    let next = r.next_after(ms("2090-06-01T00:00:00Z")).unwrap().unwrap();
    let elapsed = next - r.dtstart_ms();
    assert_eq!(elapsed % (7 * 3_600_000), 0);
    assert!(next > ms("2090-06-01T00:00:00Z") && next <= ms("2090-06-01T07:00:00Z"));

    // Completion: the completion's hour plus INTERVAL, at the start's minute.
    let c = rec_mode(
        "FREQ=HOURLY;INTERVAL=2",
        Mode::Completion,
        BERLIN,
        "2026-11-30T08:30",
    );
    let due = c.next_due(None, ms("2026-11-30T09:17:00Z"), 0).unwrap();
    assert_eq!(due.map(|m| wall(&c, m)), Some("2026-11-30 12:30".into()));
    // Weekdays only: completed Friday night, due Monday's first hour.
    let c = rec_mode(
        "FREQ=HOURLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR",
        Mode::Completion,
        BERLIN,
        "2026-11-30T08:30",
    );
    let due = c.next_due(None, ms("2026-12-04T22:10:00Z"), 0).unwrap();
    assert_eq!(due.map(|m| wall(&c, m)), Some("2026-12-07 00:30".into()));
}

// ---- BYSETPOS ----

#[test]
fn bysetpos_weekly_and_yearly() {
    // Expected dates checked against python-dateutil; the start always comes
    // first here (RFC 5545: DTSTART is the first instance).
    let w = |rrule: &str, start: &str, n: usize| first_wall(&rec(rrule, NEW_YORK, start), n);
    assert_eq!(
        w(
            "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "1997-12-31T09:00",
            4
        ),
        vec![
            "1997-12-31 09:00",
            "1998-12-31 09:00",
            "1999-12-31 09:00",
            "2000-12-29 09:00"
        ]
    );
    assert_eq!(
        w(
            "FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYSETPOS=1,-1",
            "2026-03-01T07:00",
            4
        ),
        vec![
            "2026-03-01 07:00",
            "2026-03-29 07:00",
            "2027-03-07 07:00",
            "2027-03-28 07:00"
        ]
    );
    assert_eq!(
        w(
            "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1",
            "2026-12-04T07:00",
            3
        ),
        vec!["2026-12-04 07:00", "2026-12-11 07:00", "2026-12-18 07:00"]
    );
    // The set of a period is the whole week (here Sunday to Saturday), also
    // before the start: in the start's week the first weekend day is Sunday
    // 29 November, before the start, so that week adds nothing.
    assert_eq!(
        w(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;BYSETPOS=1;WKST=SU",
            "2026-11-30T07:00",
            4
        ),
        vec![
            "2026-11-30 07:00",
            "2026-12-13 07:00",
            "2026-12-27 07:00",
            "2027-01-10 07:00"
        ]
    );
    assert_eq!(
        w(
            "FREQ=MONTHLY;BYMONTHDAY=1,15,-1;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=2",
            "2026-01-15T07:00",
            6
        ),
        vec![
            "2026-01-15 07:00",
            "2026-04-15 07:00",
            "2026-05-15 07:00",
            "2026-06-15 07:00",
            "2026-07-15 07:00",
            "2026-09-15 07:00"
        ]
    );
}

#[test]
fn bysetpos_last_weekday_in_completion_mode() {
    let c = rec_mode(
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        Mode::Completion,
        BERLIN,
        "2026-01-30T17:00",
    );
    // Completed 3 February: one month on is 3 March; the last weekday of
    // March 2026 is Tuesday the 31st.
    let due = c.next_due(None, ms("2026-02-03T10:00:00Z"), 0).unwrap();
    assert_eq!(due.map(|m| wall(&c, m)), Some("2026-03-31 17:00".into()));
}

// ---- validation and text ----

#[test]
fn validation_errors() {
    use ErrorKind::*;
    for (text, kind, needle) in [
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", Invalid, "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367", Invalid, "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-367", Invalid, "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1,0", Invalid, "BYSETPOS"),
        (
            "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=99999999",
            Invalid,
            "BYSETPOS",
        ),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=x", Syntax, "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1,,2", Syntax, "BYSETPOS"),
        (
            "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1;BYSETPOS=2",
            Syntax,
            "BYSETPOS appears more than once",
        ),
        ("FREQ=MONTHLY;BYSETPOS=1", Invalid, "another BY part"),
        (
            "FREQ=YEARLY;BYSETPOS=-1;COUNT=3",
            Invalid,
            "another BY part",
        ),
        ("FREQ=DAILY;BYDAY=MO;BYSETPOS=1", Unsupported, "BYSETPOS"),
        ("FREQ=HOURLY;BYDAY=MO;BYSETPOS=1", Unsupported, "BYSETPOS"),
        ("FREQ=HOURLY;INTERVAL=1001", Invalid, "INTERVAL"),
        ("FREQ=HOURLY;INTERVAL=0", Invalid, "INTERVAL"),
        ("FREQ=HOURLY;BYDAY=1MO", Invalid, "BYDAY"),
        ("FREQ=HOURLY;BYHOUR=9", Unsupported, "BYHOUR"),
        ("FREQ=MINUTELY", Unsupported, "MINUTELY"),
    ] {
        let e = err(text);
        assert_eq!(e.kind(), kind, "{text}: {e}");
        assert!(e.message().contains(needle), "{text}: {e}");
    }
    // The bounds themselves are accepted.
    for text in [
        "FREQ=HOURLY;INTERVAL=1000",
        "FREQ=YEARLY;BYDAY=MO;BYSETPOS=366,-366",
        "FREQ=YEARLY;BYMONTH=1;BYSETPOS=1",
        "FREQ=MONTHLY;BYMONTHDAY=1,2;BYSETPOS=-1",
        "FREQ=HOURLY;BYMONTH=1;BYMONTHDAY=1;BYDAY=MO",
    ] {
        assert!(text.parse::<Rule>().is_ok(), "{text}");
    }
}

#[test]
fn rendering_round_trips() {
    for text in [
        "FREQ=HOURLY",
        "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
        "FREQ=HOURLY;BYDAY=MO,FR;COUNT=5",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=MONTHLY;BYDAY=TU,WE,TH;BYSETPOS=3;COUNT=3",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYSETPOS=1,-1;WKST=SU",
    ] {
        let rule: Rule = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(rule.to_string(), text);
    }
    assert_eq!(
        "freq=monthly;bysetpos=+3,-1;byday=tu"
            .parse::<Rule>()
            .unwrap()
            .to_string(),
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=3,-1"
    );
    assert_eq!(
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=3,-1"
            .parse::<Rule>()
            .unwrap()
            .parts()
            .by_set_pos,
        vec![3, -1]
    );
}

#[test]
fn descriptions() {
    for (rrule, dtstart, expected) in [
        ("FREQ=HOURLY", "2026-11-30T09:00", "every hour from 09:00"),
        (
            "FREQ=HOURLY;INTERVAL=3",
            "2026-11-30T09:15",
            "every 3 hours from 09:15",
        ),
        (
            "FREQ=HOURLY;INTERVAL=2;COUNT=4",
            "2026-11-30T09:00",
            "every other hour from 09:00, 4 times",
        ),
        (
            "FREQ=HOURLY;BYDAY=MO,TU,WE,TH,FR",
            "2026-11-30T09:00",
            "every hour on weekdays from 09:00",
        ),
        (
            "FREQ=HOURLY;INTERVAL=4;BYDAY=SA",
            "2026-11-28T09:00",
            "every 4 hours on Saturday from 09:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "2026-11-30T07:00",
            "on the last weekday of every month at 07:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-2",
            "2026-11-20T07:00",
            "on the second-to-last Friday of every month at 07:00",
        ),
        (
            "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
            "1997-09-04T09:00",
            "on the third day that is a Tuesday, Wednesday or Thursday of every month at \
             09:00, 3 times",
        ),
        (
            "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "2026-12-31T07:00",
            "every year on the last weekday of the year at 07:00",
        ),
        (
            "FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYSETPOS=-1,1",
            "2026-03-01T07:00",
            "every year on the first and the last Sunday of March at 07:00",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;BYSETPOS=1",
            "2026-11-28T10:00",
            "on the first weekend day of every other week at 10:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=1,15;BYSETPOS=-1",
            "2026-11-15T07:00",
            "on the 1st and the 15th of every month, only the last such date of each month \
             at 07:00",
        ),
    ] {
        assert_eq!(rec(rrule, BERLIN, dtstart).describe(), expected, "{rrule}");
    }
    assert_eq!(
        "FREQ=HOURLY;INTERVAL=3".parse::<Rule>().unwrap().describe(),
        "every 3 hours"
    );
    let r = rec("FREQ=WEEKLY;BYDAY=MO", BERLIN, "2026-11-30T07:00");
    let one = r.clone().with_exdates([local("2026-12-07T07:00")]).unwrap();
    assert_eq!(
        one.describe(),
        "every week on Monday at 07:00 (1 date skipped)"
    );
    let two = r
        .with_exdates([local("2026-12-07T07:00"), local("2026-12-14T07:00")])
        .unwrap();
    assert_eq!(
        two.describe(),
        "every week on Monday at 07:00 (2 dates skipped)"
    );
}

// ---- EXDATE ----

#[test]
fn exdates_are_skipped_in_schedule_mode() {
    let r = rec("FREQ=WEEKLY;BYDAY=MO", BERLIN, "2026-11-30T07:00")
        .with_exdates([local("2026-12-07T07:00")])
        .unwrap();
    assert_eq!(
        first_wall(&r, 3),
        vec!["2026-11-30 07:00", "2026-12-14 07:00", "2026-12-21 07:00"]
    );
    // Completing the first instance: the next due date passes the exdate.
    let due = r.next_due(Some(r.dtstart_ms()), 0, 0).unwrap();
    assert_eq!(due.map(utc), Some("2026-12-14T06:00:00Z".into()));
    // An exdate that is not an occurrence changes nothing.
    let r2 = rec("FREQ=WEEKLY;BYDAY=MO", BERLIN, "2026-11-30T07:00")
        .with_exdates([local("2026-12-07T08:00")])
        .unwrap();
    assert_eq!(first_wall(&r2, 2)[1], "2026-12-07 07:00");
}

#[test]
fn excluded_occurrences_still_count() {
    // RFC 5545 3.8.5.1: the rule's set (COUNT=3) is built first, the EXDATE
    // removed after, leaving two instances.
    let r = rec("FREQ=WEEKLY;BYDAY=MO;COUNT=3", BERLIN, "2026-11-30T07:00")
        .with_exdates([local("2026-12-07T07:00")])
        .unwrap();
    assert_eq!(
        first_wall(&r, 10),
        vec!["2026-11-30 07:00", "2026-12-14 07:00"]
    );
    let second = ms("2026-12-14T06:00:00Z");
    assert_eq!(r.next_due(Some(second), second, 1).unwrap(), None);
    // Excluding the start: the series begins with the next occurrence.
    let r = rec("FREQ=DAILY;COUNT=3", BERLIN, "2026-11-30T07:00")
        .with_exdates([local("2026-11-30T07:00")])
        .unwrap();
    assert_eq!(
        first_wall(&r, 10),
        vec!["2026-12-01 07:00", "2026-12-02 07:00"]
    );
}

#[test]
fn exdate_in_a_daylight_saving_gap_matches_the_moved_occurrence() {
    // 02:30 on 29 March does not exist; the occurrence is 03:30 CEST and
    // the exdate written as 02:30 resolves to the same instant.
    let r = rec("FREQ=DAILY", BERLIN, "2026-03-28T02:30")
        .with_exdates([local("2026-03-29T02:30")])
        .unwrap();
    assert_eq!(
        first_wall(&r, 2),
        vec!["2026-03-28 02:30", "2026-03-30 02:30"]
    );
}

#[test]
fn skip_adds_an_exdate() {
    let mut r = rec("FREQ=WEEKLY;BYDAY=MO", BERLIN, "2026-11-30T07:00");
    let second = r.next_after(r.dtstart_ms()).unwrap().unwrap();
    r.skip(second).unwrap();
    assert_eq!(r.exdates(), &[local("2026-12-07T07:00")]);
    // Idempotent.
    r.skip(second).unwrap();
    assert_eq!(r.exdates().len(), 1);
    assert_eq!(first_wall(&r, 2)[1], "2026-12-14 07:00");
    // Not an occurrence.
    let e = r.skip(second + 60_000).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    // The second 01:00 of New York's fall-back night cannot be named by its
    // local time; the first can.
    let mut h = rec("FREQ=HOURLY", NEW_YORK, "2026-11-01T00:00");
    let e = h.skip(ms("2026-11-01T06:00:00Z")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    h.skip(ms("2026-11-01T05:00:00Z")).unwrap();
    assert_eq!(
        first_utc(&h, 3),
        vec![
            "2026-11-01T04:00:00Z",
            "2026-11-01T06:00:00Z",
            "2026-11-01T07:00:00Z"
        ]
    );
    // Edits keep exdates from the new start on.
    let edited = r
        .edited(r.rule().clone(), Mode::Schedule, local("2026-12-14T07:00"))
        .unwrap();
    assert!(edited.exdates().is_empty());
    let edited = r
        .edited(r.rule().clone(), Mode::Schedule, local("2026-12-01T07:00"))
        .unwrap();
    assert_eq!(edited.exdates(), &[local("2026-12-07T07:00")]);
}

#[test]
fn exdates_in_completion_mode() {
    let c = rec_mode("FREQ=DAILY", Mode::Completion, BERLIN, "2026-11-30T07:00")
        .with_exdates([local("2026-12-02T07:00")])
        .unwrap();
    let due = c.next_due(None, ms("2026-12-01T10:00:00Z"), 0).unwrap();
    assert_eq!(due.map(|m| wall(&c, m)), Some("2026-12-03 07:00".into()));
}

#[test]
fn exdates_json() {
    let json = r#"{"rrule":"FREQ=WEEKLY;BYDAY=MO","mode":"schedule","timezone":"Europe/Berlin","dtstart":"2026-11-30T07:00:00","exdates":["2026-12-07T07:00:00","2026-12-21T07:00:00"]}"#;
    let r: Recurrence = serde_json::from_str(json).unwrap();
    assert_eq!(r.exdates().len(), 2);
    assert_eq!(serde_json::to_string(&r).unwrap(), json);
    // Unordered and duplicate input is normalised; minutes-only accepted.
    let r: Recurrence = serde_json::from_value(serde_json::json!({
        "rrule": "FREQ=WEEKLY;BYDAY=MO", "timezone": "Europe/Berlin",
        "dtstart": "2026-11-30T07:00",
        "exdates": ["2026-12-21T07:00", "2026-12-07T07:00", "2026-12-21T07:00:00"]
    }))
    .unwrap();
    assert_eq!(
        r.exdates(),
        &[local("2026-12-07T07:00"), local("2026-12-21T07:00")]
    );
    // Without exdates the field is left out (and old JSON reads unchanged).
    let plain = rec("FREQ=DAILY", BERLIN, "2026-11-30T07:00");
    assert!(!serde_json::to_string(&plain).unwrap().contains("exdates"));
    for (exdates, needle) in [
        (serde_json::json!(["2026-12-07"]), "exdates"),
        (serde_json::json!(["2026-12-07T07:00Z"]), "exdates"),
        (serde_json::json!("2026-12-07T07:00"), "sequence"),
    ] {
        let e = serde_json::from_value::<Recurrence>(serde_json::json!({
            "rrule": "FREQ=DAILY", "timezone": "UTC", "dtstart": "2026-11-30T07:00",
            "exdates": exdates
        }))
        .unwrap_err()
        .to_string();
        assert!(e.contains(needle), "{e}");
    }
    let many: Vec<String> = (0..=MAX_EXDATES)
        .map(|i| format!("2026-12-01T{:02}:{:02}", i / 60 % 24, i % 60))
        .collect();
    let e = serde_json::from_value::<Recurrence>(serde_json::json!({
        "rrule": "FREQ=DAILY", "timezone": "UTC", "dtstart": "2026-11-30T07:00",
        "exdates": many
    }))
    .unwrap_err()
    .to_string();
    assert!(e.contains("more than 1000"), "{e}");
}

#[test]
fn the_exdate_list_is_bounded() {
    let r = rec("FREQ=HOURLY", "UTC", "2026-01-01T00:00");
    let start = r.dtstart();
    let full: Vec<_> = (0..MAX_EXDATES as i64)
        .map(|h| start + chrono::Duration::hours(h))
        .collect();
    let mut r = r.with_exdates(full).unwrap();
    assert_eq!(r.exdates().len(), MAX_EXDATES);
    let next = r.next_after(r.dtstart_ms() - 1).unwrap().unwrap();
    assert_eq!(wall(&r, next), "2026-02-11 16:00");
    let e = r.skip(next).unwrap_err();
    assert!(e.message().contains("more than 1000"), "{e}");
}
