//! Next due date: schedule-based vs completion-based, nth weekdays, last day
//! of month, the end of a series by COUNT and by UNTIL, and the guard.

mod common;

use common::{first_wall, local, ms, rec, rec_mode, utc, wall};
use recurrence::{ErrorKind, Mode};

const BERLIN: &str = "Europe/Berlin";
const NEW_YORK: &str = "America/New_York";

fn due(r: &recurrence::Recurrence, prev: Option<&str>, done: &str, index: u32) -> Option<String> {
    r.next_due(prev.map(ms), ms(done), index).unwrap().map(utc)
}

#[test]
fn schedule_mode_follows_the_calendar_whenever_completed() {
    // Mondays 07:00 Berlin (CET, +01).
    let r = rec("FREQ=WEEKLY;BYDAY=MO", BERLIN, "2026-11-30T07:00");
    let prev = Some("2026-11-30T06:00:00Z");
    let expected = Some("2026-12-07T06:00:00Z".to_string());
    // Early, on time and late completions give the same next due date.
    assert_eq!(due(&r, prev, "2026-11-29T10:00:00Z", 0), expected);
    assert_eq!(due(&r, prev, "2026-11-30T06:30:00Z", 0), expected);
    assert_eq!(due(&r, prev, "2026-12-16T12:00:00Z", 0), expected);
    // A task without a due date: the next occurrence after the completion.
    assert_eq!(
        due(&r, None, "2026-12-16T12:00:00Z", 0),
        Some("2026-12-21T06:00:00Z".into())
    );
}

#[test]
fn completion_mode_every_3_days_after_finishing() {
    // Due at 09:00 Berlin; completed Tuesday 24 November 18:40 local.
    let r = rec_mode(
        "FREQ=DAILY;INTERVAL=3",
        Mode::Completion,
        BERLIN,
        "2026-11-24T09:00",
    );
    let got = r
        .next_due(
            Some(ms("2026-11-24T08:00:00Z")),
            ms("2026-11-24T17:40:00Z"),
            0,
        )
        .unwrap()
        .unwrap();
    assert_eq!(wall(&r, got), "2026-11-27 09:00");
    assert_eq!(utc(got), "2026-11-27T08:00:00Z");
}

#[test]
fn completion_vs_schedule_for_a_late_completion() {
    // Every 3 days at 09:00 from Tuesday 24 November; the task due on the
    // 24th is completed on Thursday the 26th at 20:00 local.
    let prev = Some("2026-11-24T08:00:00Z");
    let done = "2026-11-26T19:00:00Z";
    let schedule = rec("FREQ=DAILY;INTERVAL=3", BERLIN, "2026-11-24T09:00");
    let completion = rec_mode(
        "FREQ=DAILY;INTERVAL=3",
        Mode::Completion,
        BERLIN,
        "2026-11-24T09:00",
    );
    assert_eq!(
        due(&schedule, prev, done, 0),
        Some("2026-11-27T08:00:00Z".into())
    );
    assert_eq!(
        due(&completion, prev, done, 0),
        Some("2026-11-29T08:00:00Z".into())
    );
}

#[test]
fn completion_mode_uses_the_local_completion_date() {
    // 23:30 EST on 24 November is already the 25th in UTC.
    let r = rec_mode("FREQ=DAILY", Mode::Completion, NEW_YORK, "2026-11-20T07:00");
    assert_eq!(
        due(&r, None, "2026-11-25T04:30:00Z", 0),
        Some("2026-11-25T12:00:00Z".into())
    );
}

#[test]
fn completion_mode_across_the_spring_change() {
    // Completed Saturday 28 March 20:00 CET; due Sunday 07:00 CEST.
    let r = rec_mode("FREQ=DAILY", Mode::Completion, BERLIN, "2026-03-01T07:00");
    assert_eq!(
        due(&r, None, "2026-03-28T19:00:00Z", 5),
        Some("2026-03-29T05:00:00Z".into())
    );
}

#[test]
fn completion_mode_with_a_weekday_filter() {
    // "Every week on Monday, counted from completion": at least a week after
    // completing, on a Monday. Completed Wednesday 16 December.
    let r = rec_mode(
        "FREQ=WEEKLY;BYDAY=MO",
        Mode::Completion,
        BERLIN,
        "2026-11-30T07:00",
    );
    assert_eq!(
        due(&r, Some("2026-12-07T06:00:00Z"), "2026-12-16T12:00:00Z", 1),
        Some("2026-12-28T06:00:00Z".into())
    );
}

#[test]
fn completion_mode_month_and_year_steps_clamp() {
    let monthly = rec_mode("FREQ=MONTHLY", Mode::Completion, BERLIN, "2027-01-31T07:00");
    let got = monthly
        .next_due(None, ms("2027-01-31T12:00:00Z"), 0)
        .unwrap()
        .unwrap();
    assert_eq!(wall(&monthly, got), "2027-02-28 07:00");
    let yearly = rec_mode("FREQ=YEARLY", Mode::Completion, BERLIN, "2028-02-29T07:00");
    let got = yearly
        .next_due(None, ms("2028-02-29T12:00:00Z"), 0)
        .unwrap()
        .unwrap();
    assert_eq!(wall(&yearly, got), "2029-02-28 07:00");
    // In schedule mode missing dates are skipped instead (RFC 5545).
    let monthly = rec("FREQ=MONTHLY", BERLIN, "2027-01-31T07:00");
    assert_eq!(
        first_wall(&monthly, 3),
        vec!["2027-01-31 07:00", "2027-03-31 07:00", "2027-05-31 07:00"]
    );
}

#[test]
fn nth_weekday_second_tuesday_and_last_friday() {
    let r = rec("FREQ=MONTHLY;BYDAY=2TU", BERLIN, "2026-01-13T10:00");
    assert_eq!(
        first_wall(&r, 4),
        vec![
            "2026-01-13 10:00",
            "2026-02-10 10:00",
            "2026-03-10 10:00",
            "2026-04-14 10:00"
        ]
    );
    let r = rec("FREQ=MONTHLY;BYDAY=-1FR", NEW_YORK, "2026-01-30T17:00");
    assert_eq!(
        first_wall(&r, 5),
        vec![
            "2026-01-30 17:00",
            "2026-02-27 17:00",
            "2026-03-27 17:00",
            "2026-04-24 17:00",
            "2026-05-29 17:00"
        ]
    );
}

#[test]
fn last_day_of_february_in_leap_and_common_years() {
    let r = rec("FREQ=MONTHLY;BYMONTHDAY=-1", BERLIN, "2027-12-31T08:00");
    assert_eq!(
        first_wall(&r, 3),
        vec!["2027-12-31 08:00", "2028-01-31 08:00", "2028-02-29 08:00"]
    );
    let r = rec(
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
        BERLIN,
        "2027-02-28T08:00",
    );
    assert_eq!(
        first_wall(&r, 4),
        vec![
            "2027-02-28 08:00",
            "2028-02-29 08:00",
            "2029-02-28 08:00",
            "2030-02-28 08:00"
        ]
    );
    // The 29th: only in leap years (skipped, not clamped).
    let r = rec("FREQ=YEARLY", BERLIN, "2024-02-29T08:00");
    assert_eq!(
        first_wall(&r, 3),
        vec!["2024-02-29 08:00", "2028-02-29 08:00", "2032-02-29 08:00"]
    );
}

#[test]
fn count_ends_the_series_in_both_modes() {
    for mode in [Mode::Schedule, Mode::Completion] {
        let r = rec_mode("FREQ=DAILY;COUNT=3", mode, BERLIN, "2026-06-01T07:00");
        // Instances 0, 1 and 2 exist; after the third there is none.
        assert!(due(&r, Some("2026-06-01T05:00:00Z"), "2026-06-01T06:00:00Z", 0).is_some());
        assert!(due(&r, Some("2026-06-02T05:00:00Z"), "2026-06-02T06:00:00Z", 1).is_some());
        assert_eq!(
            due(&r, Some("2026-06-03T05:00:00Z"), "2026-06-03T06:00:00Z", 2),
            None
        );
        assert_eq!(due(&r, None, "2026-06-03T06:00:00Z", u32::MAX), None);
    }
    let r = rec("FREQ=DAILY;COUNT=3", BERLIN, "2026-06-01T07:00");
    assert_eq!(first_wall(&r, 100).len(), 3);
    assert_eq!(r.next_after(ms("2026-06-03T05:00:00Z")).unwrap(), None);
}

#[test]
fn schedule_next_due_chain_matches_the_expansion() {
    let r = rec(
        "FREQ=MONTHLY;BYDAY=1SU,-1SU;COUNT=7",
        NEW_YORK,
        "2026-03-01T08:00",
    );
    let expanded = r.occurrences_after(r.dtstart_ms() - 1, 100).unwrap();
    assert_eq!(expanded.len(), 7);
    let mut chain = vec![r.dtstart_ms()];
    let mut index = 0;
    while let Some(next) = r.next_due(chain.last().copied(), 0, index).unwrap() {
        chain.push(next);
        index += 1;
    }
    assert_eq!(chain, expanded);
}

#[test]
fn until_ends_the_series() {
    // Date-only UNTIL includes that whole local day.
    let r = rec("FREQ=WEEKLY;UNTIL=20261214", BERLIN, "2026-11-30T07:00");
    assert_eq!(
        due(&r, Some("2026-12-07T06:00:00Z"), "2026-12-07T07:00:00Z", 1),
        Some("2026-12-14T06:00:00Z".into())
    );
    assert_eq!(
        due(&r, Some("2026-12-14T06:00:00Z"), "2026-12-14T07:00:00Z", 2),
        None
    );
    assert_eq!(first_wall(&r, 100).len(), 3);
    // A UTC UNTIL one second before the third occurrence excludes it.
    let r = rec(
        "FREQ=WEEKLY;UNTIL=20261214T055959Z",
        BERLIN,
        "2026-11-30T07:00",
    );
    assert_eq!(
        due(&r, Some("2026-12-07T06:00:00Z"), "2026-12-07T07:00:00Z", 1),
        None
    );
    // A floating (local) UNTIL at exactly the occurrence includes it.
    let r = rec(
        "FREQ=WEEKLY;UNTIL=20261214T070000",
        BERLIN,
        "2026-11-30T07:00",
    );
    assert_eq!(first_wall(&r, 100).len(), 3);
    // Completion mode: the completion-based date is past UNTIL.
    let r = rec_mode(
        "FREQ=WEEKLY;UNTIL=20261214",
        Mode::Completion,
        BERLIN,
        "2026-11-30T07:00",
    );
    assert_eq!(
        due(&r, None, "2026-12-07T12:00:00Z", 1),
        Some("2026-12-14T06:00:00Z".into())
    );
    assert_eq!(due(&r, None, "2026-12-10T12:00:00Z", 1), None);
}

#[test]
fn until_before_the_start_is_refused() {
    let rule = "FREQ=DAILY;UNTIL=20250101".parse().unwrap();
    let err = recurrence::Recurrence::new(rule, Mode::Schedule, BERLIN, local("2026-01-01T07:00"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(err.message().contains("UNTIL"), "{err}");
}

#[test]
fn edit_applies_to_future_instances() {
    let r = rec("FREQ=WEEKLY;BYDAY=MO;COUNT=10", BERLIN, "2026-11-30T07:00");
    // After three instances the rule becomes "Tuesdays at 08:00, 2 more".
    let next = r
        .next_due(Some(ms("2026-12-14T06:00:00Z")), 0, 2)
        .unwrap()
        .unwrap();
    let from = r
        .to_local(next)
        .date()
        .succ_opt()
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    let edited = r
        .edited(
            "FREQ=WEEKLY;BYDAY=TU;COUNT=2".parse().unwrap(),
            Mode::Schedule,
            from,
        )
        .unwrap();
    assert_eq!(edited.timezone(), r.timezone());
    assert_eq!(
        first_wall(&edited, 100),
        vec!["2026-12-22 08:00", "2026-12-29 08:00"]
    );
    assert_eq!(
        edited
            .next_due(Some(edited.dtstart_ms()), 0, 0)
            .unwrap()
            .map(utc),
        Some("2026-12-29T07:00:00Z".into())
    );
    assert_eq!(edited.next_due(None, 0, 1).unwrap(), None);
}

#[test]
fn aligned_moves_the_start_onto_the_rule() {
    // Wednesday 2 December; the rule wants Fridays.
    let r = rec("FREQ=WEEKLY;BYDAY=FR", BERLIN, "2026-12-02T07:00");
    assert_eq!(
        first_wall(&r, 2),
        vec!["2026-12-02 07:00", "2026-12-04 07:00"]
    );
    let a = r.aligned().unwrap().unwrap();
    assert_eq!(a.dtstart(), local("2026-12-04T07:00"));
    assert_eq!(
        first_wall(&a, 2),
        vec!["2026-12-04 07:00", "2026-12-11 07:00"]
    );
    // Already aligned: unchanged.
    assert_eq!(a.aligned().unwrap().unwrap(), a);
    // Nothing to align to before UNTIL.
    let r = rec(
        "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR;UNTIL=20261231",
        BERLIN,
        "2026-12-02T07:00",
    );
    assert_eq!(r.aligned().unwrap(), None);
}

#[test]
fn abusive_rules_hit_the_iteration_limit() {
    // Every 7 days from a Monday, but only on Tuesdays: never.
    let r = rec("FREQ=DAILY;INTERVAL=7;BYDAY=TU", BERLIN, "2026-11-30T07:00");
    let err = r.next_after(r.dtstart_ms()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IterationLimit);
    let err = r.next_due(Some(r.dtstart_ms()), 0, 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IterationLimit);
    // The 53rd Monday of a year is in late December, never on the 1st.
    let r = rec_mode(
        "FREQ=YEARLY;BYDAY=53MO;BYMONTHDAY=1",
        Mode::Completion,
        BERLIN,
        "2026-01-01T07:00",
    );
    let err = r.next_due(None, r.dtstart_ms(), 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IterationLimit);
}

#[test]
fn rules_that_end_with_the_calendar_return_none() {
    // Every 12 months from January, only in June: no occurrence ever; the
    // expansion stops at the end of year 9999.
    let r = rec(
        "FREQ=MONTHLY;INTERVAL=12;BYMONTH=6",
        BERLIN,
        "2026-01-15T07:00",
    );
    assert_eq!(r.next_after(r.dtstart_ms()).unwrap(), None);
    let r = rec("FREQ=YEARLY", BERLIN, "9999-06-01T07:00");
    assert_eq!(r.next_after(r.dtstart_ms()).unwrap(), None);
}

#[test]
fn far_future_queries_skip_ahead() {
    let r = rec("FREQ=DAILY", BERLIN, "2026-01-01T07:00");
    assert_eq!(
        r.next_after(ms("2096-07-01T12:00:00Z")).unwrap().map(utc),
        Some("2096-07-02T05:00:00Z".into())
    );
    // With COUNT the expansion counts from the start, within the budget.
    let r = rec("FREQ=DAILY;COUNT=10000", BERLIN, "2026-01-01T07:00");
    let last = r
        .occurrences_after(ms("2053-01-01T00:00:00Z"), 1000)
        .unwrap();
    assert_eq!(wall(&r, *last.last().unwrap()), "2053-05-18 07:00");
    assert_eq!(
        r.occurrences_after(0, 5000).unwrap().len(),
        recurrence::MAX_LIMIT
    );
}

#[test]
fn extreme_instants_do_not_panic() {
    for mode in [Mode::Schedule, Mode::Completion] {
        let r = rec_mode("FREQ=DAILY", mode, "Pacific/Kiritimati", "2026-01-01T07:00");
        for t in [i64::MIN, -1, 0, i64::MAX] {
            let _ = r.next_after(t);
            let _ = r.next_due(Some(t), t, 0);
            let _ = r.next_due(None, t, 0);
            let _ = r.to_local(t);
        }
        assert_eq!(r.next_after(i64::MAX).unwrap(), None);
        assert_eq!(r.next_after(i64::MIN).unwrap(), Some(r.dtstart_ms()));
    }
}
