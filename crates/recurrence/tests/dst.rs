//! Hand-checked cases across daylight-saving changes.
//!
//! 2026 changes used below:
//! * Europe/Berlin: Sun 29 March 02:00 CET (+01) -> 03:00 CEST (+02);
//!   Sun 25 October 03:00 CEST -> 02:00 CET.
//! * America/New_York: Sun 8 March 02:00 EST (-05) -> 03:00 EDT (-04);
//!   Sun 1 November 02:00 EDT -> 01:00 EST.
//! * Australia/Sydney: Sun 5 April 03:00 AEDT (+11) -> 02:00 AEST (+10).

mod common;

use common::{first_utc, first_wall, local, ms, rec, utc, wall};
use recurrence::{resolve_local, Tz};

const BERLIN: &str = "Europe/Berlin";
const NEW_YORK: &str = "America/New_York";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn berlin_daily_0700_spring_forward_keeps_local_time() {
    let r = rec("FREQ=DAILY", BERLIN, "2026-03-27T07:00");
    assert_eq!(
        first_utc(&r, 4),
        strings(&[
            "2026-03-27T06:00:00Z",
            "2026-03-28T06:00:00Z",
            "2026-03-29T05:00:00Z",
            "2026-03-30T05:00:00Z",
        ])
    );
    assert_eq!(
        first_wall(&r, 4),
        strings(&[
            "2026-03-27 07:00",
            "2026-03-28 07:00",
            "2026-03-29 07:00",
            "2026-03-30 07:00",
        ])
    );
}

#[test]
fn berlin_daily_0700_fall_back_keeps_local_time() {
    let r = rec("FREQ=DAILY", BERLIN, "2026-10-23T07:00");
    assert_eq!(
        first_utc(&r, 4),
        strings(&[
            "2026-10-23T05:00:00Z",
            "2026-10-24T05:00:00Z",
            "2026-10-25T06:00:00Z",
            "2026-10-26T06:00:00Z",
        ])
    );
}

#[test]
fn new_york_daily_0700_spring_forward_and_fall_back() {
    let spring = rec("FREQ=DAILY", NEW_YORK, "2026-03-07T07:00");
    assert_eq!(
        first_utc(&spring, 3),
        strings(&[
            "2026-03-07T12:00:00Z",
            "2026-03-08T11:00:00Z",
            "2026-03-09T11:00:00Z",
        ])
    );
    let fall = rec("FREQ=DAILY", NEW_YORK, "2026-10-31T07:00");
    assert_eq!(
        first_utc(&fall, 3),
        strings(&[
            "2026-10-31T11:00:00Z",
            "2026-11-01T12:00:00Z",
            "2026-11-02T12:00:00Z",
        ])
    );
}

#[test]
fn berlin_daily_0230_on_the_spring_forward_day_moves_to_0330() {
    // 02:30 does not exist on 29 March; read with the pre-gap offset (+01)
    // it is 01:30Z, which is 03:30 CEST. The days around keep 02:30.
    let r = rec("FREQ=DAILY", BERLIN, "2026-03-28T02:30");
    assert_eq!(
        first_utc(&r, 3),
        strings(&[
            "2026-03-28T01:30:00Z",
            "2026-03-29T01:30:00Z",
            "2026-03-30T00:30:00Z",
        ])
    );
    assert_eq!(
        first_wall(&r, 3),
        strings(&["2026-03-28 02:30", "2026-03-29 03:30", "2026-03-30 02:30"])
    );
}

#[test]
fn new_york_daily_0230_on_the_spring_forward_day_moves_to_0330() {
    let r = rec("FREQ=DAILY", NEW_YORK, "2026-03-07T02:30");
    assert_eq!(
        first_utc(&r, 3),
        strings(&[
            "2026-03-07T07:30:00Z",
            "2026-03-08T07:30:00Z",
            "2026-03-09T06:30:00Z",
        ])
    );
    assert_eq!(
        first_wall(&r, 3),
        strings(&["2026-03-07 02:30", "2026-03-08 03:30", "2026-03-09 02:30"])
    );
}

#[test]
fn berlin_daily_0230_on_the_fall_back_day_takes_the_first() {
    // 02:30 happens twice on 25 October: 00:30Z (CEST) and 01:30Z (CET).
    let r = rec("FREQ=DAILY", BERLIN, "2026-10-24T02:30");
    assert_eq!(
        first_utc(&r, 3),
        strings(&[
            "2026-10-24T00:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-26T01:30:00Z",
        ])
    );
}

#[test]
fn new_york_daily_0130_on_the_fall_back_day_takes_the_first() {
    // 01:30 happens twice on 1 November: 05:30Z (EDT) and 06:30Z (EST).
    let r = rec("FREQ=DAILY", NEW_YORK, "2026-10-31T01:30");
    assert_eq!(
        first_utc(&r, 3),
        strings(&[
            "2026-10-31T05:30:00Z",
            "2026-11-01T05:30:00Z",
            "2026-11-02T06:30:00Z",
        ])
    );
}

#[test]
fn berlin_last_sunday_of_march_at_0230_is_always_in_the_gap() {
    let r = rec(
        "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        BERLIN,
        "2026-03-29T02:30",
    );
    assert_eq!(
        first_utc(&r, 3),
        strings(&[
            "2026-03-29T01:30:00Z",
            "2027-03-28T01:30:00Z",
            "2028-03-26T01:30:00Z",
        ])
    );
}

#[test]
fn berlin_last_sunday_of_october_0700_and_last_sunday_of_march() {
    let r = rec(
        "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU",
        BERLIN,
        "2026-03-29T07:00",
    );
    assert_eq!(
        first_utc(&r, 4),
        strings(&[
            "2026-03-29T05:00:00Z",
            "2026-10-25T06:00:00Z",
            "2027-03-28T05:00:00Z",
            "2027-10-31T06:00:00Z",
        ])
    );
}

#[test]
fn new_york_second_sunday_of_march_and_first_sunday_of_november() {
    let r = rec(
        "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
        NEW_YORK,
        "2026-03-08T07:00",
    );
    assert_eq!(
        first_utc(&r, 2),
        strings(&["2026-03-08T11:00:00Z", "2027-03-14T11:00:00Z"])
    );
    let r = rec(
        "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
        NEW_YORK,
        "2026-11-01T07:00",
    );
    assert_eq!(
        first_utc(&r, 2),
        strings(&["2026-11-01T12:00:00Z", "2027-11-07T12:00:00Z"])
    );
}

#[test]
fn weekly_across_both_changes_in_new_york() {
    let r = rec("FREQ=WEEKLY;BYDAY=SU", NEW_YORK, "2026-03-01T02:30");
    assert_eq!(
        first_wall(&r, 3),
        strings(&["2026-03-01 02:30", "2026-03-08 03:30", "2026-03-15 02:30"])
    );
    let r = rec("FREQ=WEEKLY;BYDAY=SU", NEW_YORK, "2026-10-25T01:30");
    assert_eq!(
        first_utc(&r, 3),
        strings(&[
            "2026-10-25T05:30:00Z",
            "2026-11-01T05:30:00Z",
            "2026-11-08T06:30:00Z",
        ])
    );
}

#[test]
fn sydney_daily_0700_when_daylight_saving_ends() {
    let r = rec("FREQ=DAILY", "Australia/Sydney", "2026-04-04T07:00");
    assert_eq!(
        first_utc(&r, 2),
        strings(&["2026-04-03T20:00:00Z", "2026-04-04T21:00:00Z"])
    );
}

#[test]
fn next_after_an_instant_inside_the_changed_day() {
    let r = rec("FREQ=DAILY", BERLIN, "2026-03-01T07:00");
    // 29 March 06:00Z is 08:00 CEST, after that day's 07:00 (05:00Z).
    assert_eq!(
        r.next_after(ms("2026-03-29T05:00:00Z")).unwrap().map(utc),
        Some("2026-03-30T05:00:00Z".into())
    );
    assert_eq!(
        r.next_after(ms("2026-03-29T04:59:59Z")).unwrap().map(utc),
        Some("2026-03-29T05:00:00Z".into())
    );
}

#[test]
fn resolve_local_rules() {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let ny: Tz = "America/New_York".parse().unwrap();
    let cases = [
        (berlin, "2026-03-29T01:59:59", "2026-03-29T00:59:59Z"),
        (berlin, "2026-03-29T02:00:00", "2026-03-29T01:00:00Z"),
        (berlin, "2026-03-29T02:59:00", "2026-03-29T01:59:00Z"),
        (berlin, "2026-03-29T03:00:00", "2026-03-29T01:00:00Z"),
        (berlin, "2026-10-25T02:00:00", "2026-10-25T00:00:00Z"),
        (berlin, "2026-10-25T03:00:00", "2026-10-25T02:00:00Z"),
        (ny, "2026-03-08T02:00:00", "2026-03-08T07:00:00Z"),
        (ny, "2026-11-01T01:00:00", "2026-11-01T05:00:00Z"),
        (ny, "2026-11-01T02:00:00", "2026-11-01T07:00:00Z"),
    ];
    for (tz, l, expected) in cases {
        assert_eq!(
            utc(resolve_local(tz, local(l)).timestamp_millis()),
            expected,
            "{l} in {tz}"
        );
    }
}

#[test]
fn monthly_last_day_across_the_spring_change() {
    let r = rec("FREQ=MONTHLY;BYMONTHDAY=-1", BERLIN, "2026-01-31T07:00");
    assert_eq!(
        first_utc(&r, 4),
        strings(&[
            "2026-01-31T06:00:00Z",
            "2026-02-28T06:00:00Z",
            "2026-03-31T05:00:00Z",
            "2026-04-30T05:00:00Z",
        ])
    );
    assert_eq!(wall(&r, ms("2026-03-31T05:00:00Z")), "2026-03-31 07:00");
}
