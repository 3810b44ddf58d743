//! The examples of RFC 5545 section 3.8.5.3 that use only supported rule
//! parts, with the RFC's start (`DTSTART;TZID=America/New_York:...T090000`)
//! and its listed dates. The RFC's series cross the end of US daylight saving
//! time on 1997-10-26 and its start on 1998-04-05: every occurrence must stay
//! at 09:00 local, i.e. 13:00Z under EDT and 14:00Z under EST.
//!
//! Not reproduced (unsupported parts, refused by the parser; see
//! `unsupported_examples_are_refused`): BYYEARDAY ("every third year on the
//! 1st, 100th and 200th day"), BYWEEKNO ("Monday of week number 20"),
//! FREQ=MINUTELY and BYHOUR/BYMINUTE (the other sub-daily examples). The
//! Friday-the-13th example's EXDATE is carried by the recurrence
//! ([`recurrence::Recurrence::with_exdates`]), not by the rule.

mod common;

use common::{dates, first_utc, first_wall, ms, rec, utc};
use recurrence::{ErrorKind, Rule};

const NY: &str = "America/New_York";

fn all(rrule: &str, dtstart: &str) -> Vec<String> {
    first_wall(&rec(rrule, NY, dtstart), 1000)
}

fn first(rrule: &str, dtstart: &str, n: usize) -> Vec<String> {
    first_wall(&rec(rrule, NY, dtstart), n)
}

fn at9(spec: &str) -> Vec<String> {
    dates(spec, "09:00")
}

#[test]
fn daily_for_10_occurrences() {
    assert_eq!(
        all("FREQ=DAILY;COUNT=10", "1997-09-02T09:00"),
        at9("1997: Sep 2-11")
    );
}

#[test]
fn daily_until_december_24_1997() {
    let r = rec("FREQ=DAILY;UNTIL=19971224T000000Z", NY, "1997-09-02T09:00");
    assert_eq!(
        first_wall(&r, 1000),
        at9("1997: Sep 2-30; Oct 1-25; Oct 26-31; Nov 1-30; Dec 1-23")
    );
    let instants = first_utc(&r, 1000);
    assert_eq!(instants.len(), 113);
    assert_eq!(instants[0], "1997-09-02T13:00:00Z");
    // The last EDT day and the first EST day.
    assert_eq!(instants[53], "1997-10-25T13:00:00Z");
    assert_eq!(instants[54], "1997-10-26T14:00:00Z");
    assert_eq!(instants[112], "1997-12-23T14:00:00Z");
}

#[test]
fn every_other_day_forever() {
    let got = first("FREQ=DAILY;INTERVAL=2", "1997-09-02T09:00", 40);
    let expected = at9("1997: Sep 2,4,6,8,10,12,14,16,18,20,22,24,26,28,30; \
         Oct 2,4,6,8,10,12,14,16,18,20,22,24,26,28,30; Nov 1,3,5,7,9,11,13,15,17,19");
    assert_eq!(got, expected);
    let r = rec("FREQ=DAILY;INTERVAL=2", NY, "1997-09-02T09:00");
    let u = first_utc(&r, 28);
    assert_eq!(u[26], "1997-10-24T13:00:00Z");
    assert_eq!(u[27], "1997-10-26T14:00:00Z");
}

#[test]
fn every_10_days_5_occurrences() {
    assert_eq!(
        all("FREQ=DAILY;INTERVAL=10;COUNT=5", "1997-09-02T09:00"),
        at9("1997: Sep 2,12,22; Oct 2,12")
    );
}

#[test]
fn every_day_in_january_for_3_years() {
    let expected = at9("1998: Jan 1-31; 1999: Jan 1-31; 2000: Jan 1-31");
    assert_eq!(
        all(
            "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
            "1998-01-01T09:00"
        ),
        expected
    );
    // UNTIL is inclusive: 2000-01-31 09:00 EST is exactly 14:00Z.
    assert_eq!(
        all(
            "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
            "1998-01-01T09:00"
        ),
        expected
    );
}

#[test]
fn weekly_for_10_occurrences() {
    let r = rec("FREQ=WEEKLY;COUNT=10", NY, "1997-09-02T09:00");
    assert_eq!(
        first_wall(&r, 1000),
        at9("1997: Sep 2,9,16,23,30; Oct 7,14,21; Oct 28; Nov 4")
    );
    let u = first_utc(&r, 1000);
    assert_eq!(u[7], "1997-10-21T13:00:00Z");
    assert_eq!(u[8], "1997-10-28T14:00:00Z");
}

#[test]
fn weekly_until_december_24_1997() {
    assert_eq!(
        all("FREQ=WEEKLY;UNTIL=19971224T000000Z", "1997-09-02T09:00"),
        at9("1997: Sep 2,9,16,23,30; Oct 7,14,21; Oct 28; Nov 4,11,18,25; Dec 2,9,16,23")
    );
}

#[test]
fn every_other_week_forever() {
    assert_eq!(
        first("FREQ=WEEKLY;INTERVAL=2;WKST=SU", "1997-09-02T09:00", 13),
        at9("1997: Sep 2,16,30; Oct 14; Oct 28; Nov 11,25; Dec 9,23; 1998: Jan 6,20; Feb 3,17")
    );
}

#[test]
fn weekly_on_tuesday_and_thursday_for_five_weeks() {
    let expected = at9("1997: Sep 2,4,9,11,16,18,23,25,30; Oct 2");
    assert_eq!(
        all(
            "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
            "1997-09-02T09:00"
        ),
        expected
    );
    assert_eq!(
        all(
            "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
            "1997-09-02T09:00"
        ),
        expected
    );
}

#[test]
fn every_other_week_on_monday_wednesday_friday_until_december_24() {
    let got = all(
        "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        "1997-09-01T09:00",
    );
    assert_eq!(
        got,
        at9(
            "1997: Sep 1,3,5,15,17,19,29; Oct 1,3,13,15,17; Oct 27,29,31; \
             Nov 10,12,14,24,26,28; Dec 8,10,12,22"
        )
    );
    assert_eq!(got.len(), 25);
}

#[test]
fn every_other_week_on_tuesday_and_thursday_for_8_occurrences() {
    assert_eq!(
        all(
            "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
            "1997-09-02T09:00"
        ),
        at9("1997: Sep 2,4,16,18,30; Oct 2,14,16")
    );
}

#[test]
fn monthly_on_the_first_friday_for_10_occurrences() {
    let r = rec("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", NY, "1997-09-05T09:00");
    assert_eq!(
        first_wall(&r, 1000),
        at9("1997: Sep 5; Oct 3; Nov 7; Dec 5; 1998: Jan 2; Feb 6; Mar 6; Apr 3; May 1; Jun 5")
    );
    let u = first_utc(&r, 1000);
    assert_eq!(u[1], "1997-10-03T13:00:00Z");
    assert_eq!(u[2], "1997-11-07T14:00:00Z");
    assert_eq!(u[7], "1998-04-03T14:00:00Z");
    assert_eq!(u[8], "1998-05-01T13:00:00Z");
}

#[test]
fn monthly_on_the_first_friday_until_december_24() {
    assert_eq!(
        all(
            "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
            "1997-09-05T09:00"
        ),
        at9("1997: Sep 5; Oct 3; Nov 7; Dec 5")
    );
}

#[test]
fn every_other_month_on_the_first_and_last_sunday_for_10_occurrences() {
    assert_eq!(
        all(
            "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
            "1997-09-07T09:00"
        ),
        at9("1997: Sep 7,28; Nov 2,30; 1998: Jan 4,25; Mar 1,29; May 3,31")
    );
}

#[test]
fn monthly_on_the_second_to_last_monday_for_6_months() {
    assert_eq!(
        all("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", "1997-09-22T09:00"),
        at9("1997: Sep 22; Oct 20; Nov 17; Dec 22; 1998: Jan 19; Feb 16")
    );
}

#[test]
fn monthly_on_the_third_to_the_last_day_forever() {
    assert_eq!(
        first("FREQ=MONTHLY;BYMONTHDAY=-3", "1997-09-28T09:00", 6),
        at9("1997: Sep 28; Oct 29; Nov 28; Dec 29; 1998: Jan 29; Feb 26")
    );
}

#[test]
fn monthly_on_the_2nd_and_15th_for_10_occurrences() {
    assert_eq!(
        all("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", "1997-09-02T09:00"),
        at9("1997: Sep 2,15; Oct 2,15; Nov 2,15; Dec 2,15; 1998: Jan 2,15")
    );
}

#[test]
fn monthly_on_the_first_and_last_day_for_10_occurrences() {
    assert_eq!(
        all("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", "1997-09-30T09:00"),
        at9("1997: Sep 30; Oct 1,31; Nov 1,30; Dec 1,31; 1998: Jan 1,31; Feb 1")
    );
}

#[test]
fn every_18_months_on_the_10th_to_15th_for_10_occurrences() {
    assert_eq!(
        all(
            "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
            "1997-09-10T09:00"
        ),
        at9("1997: Sep 10-15; 1999: Mar 10-13")
    );
}

#[test]
fn every_tuesday_every_other_month() {
    assert_eq!(
        first("FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", "1997-09-02T09:00", 18),
        at9("1997: Sep 2,9,16,23,30; Nov 4,11,18,25; 1998: Jan 6,13,20,27; Mar 3,10,17,24,31")
    );
}

#[test]
fn yearly_in_june_and_july_for_10_occurrences() {
    assert_eq!(
        all("FREQ=YEARLY;COUNT=10;BYMONTH=6,7", "1997-06-10T09:00"),
        at9(
            "1997: Jun 10; Jul 10; 1998: Jun 10; Jul 10; 1999: Jun 10; Jul 10; \
             2000: Jun 10; Jul 10; 2001: Jun 10; Jul 10"
        )
    );
}

#[test]
fn every_other_year_on_january_february_march_for_10_occurrences() {
    assert_eq!(
        all(
            "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
            "1997-03-10T09:00"
        ),
        at9(
            "1997: Mar 10; 1999: Jan 10; Feb 10; Mar 10; 2001: Jan 10; Feb 10; Mar 10; \
             2003: Jan 10; Feb 10; Mar 10"
        )
    );
}

#[test]
fn every_20th_monday_of_the_year_forever() {
    assert_eq!(
        first("FREQ=YEARLY;BYDAY=20MO", "1997-05-19T09:00", 3),
        at9("1997: May 19; 1998: May 18; 1999: May 17")
    );
}

#[test]
fn every_thursday_in_march_forever() {
    assert_eq!(
        first("FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "1997-03-13T09:00", 11),
        at9("1997: Mar 13,20,27; 1998: Mar 5,12,19,26; 1999: Mar 4,11,18,25")
    );
}

#[test]
fn every_thursday_only_during_june_july_august_forever() {
    assert_eq!(
        first("FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", "1997-06-05T09:00", 39),
        at9("1997: Jun 5,12,19,26; Jul 3,10,17,24,31; Aug 7,14,21,28; \
             1998: Jun 4,11,18,25; Jul 2,9,16,23,30; Aug 6,13,20,27; \
             1999: Jun 3,10,17,24; Jul 1,8,15,22,29; Aug 5,12,19,26")
    );
}

#[test]
fn every_friday_the_13th_forever_with_the_rfc_exdate() {
    // EXDATE;TZID=America/New_York:19970902T090000 removes the start.
    let r = rec(
        "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        NY,
        "1997-09-02T09:00",
    )
    .with_exdates([common::local("1997-09-02T09:00")])
    .unwrap();
    assert_eq!(
        first_wall(&r, 5),
        at9("1998: Feb 13; Mar 13; Nov 13; 1999: Aug 13; 2000: Oct 13")
    );
}

#[test]
fn the_third_instance_of_tuesday_wednesday_or_thursday_for_3_months() {
    let r = rec(
        "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
        NY,
        "1997-09-04T09:00",
    );
    assert_eq!(first_wall(&r, 1000), at9("1997: Sep 4; Oct 7; Nov 6"));
    assert_eq!(
        first_utc(&r, 1000),
        vec![
            "1997-09-04T13:00:00Z",
            "1997-10-07T13:00:00Z",
            "1997-11-06T14:00:00Z"
        ]
    );
}

#[test]
fn the_second_to_last_weekday_of_the_month() {
    assert_eq!(
        first(
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
            "1997-09-29T09:00",
            7
        ),
        at9("1997: Sep 29; Oct 30; Nov 27; Dec 30; 1998: Jan 29; Feb 26; Mar 30")
    );
}

#[test]
fn every_3_hours_from_9_am_to_5_pm_on_a_specific_day() {
    // The RFC lists 09:00, 12:00 and 15:00 EDT, but its UNTIL=19970902T170000Z
    // is 13:00 EDT (UTC-4), so the rule itself ends after 12:00: 15:00 EDT is
    // 19:00Z. The intended "to 5:00 PM" is 17:00 local, i.e. 21:00Z or the
    // floating UNTIL=19970902T170000; both give the RFC's list.
    let exact = rec(
        "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
        NY,
        "1997-09-02T09:00",
    );
    assert_eq!(
        first_wall(&exact, 1000),
        vec!["1997-09-02 09:00", "1997-09-02 12:00"]
    );
    let listed = vec!["1997-09-02 09:00", "1997-09-02 12:00", "1997-09-02 15:00"];
    for until in ["19970902T210000Z", "19970902T170000"] {
        let r = rec(
            &format!("FREQ=HOURLY;INTERVAL=3;UNTIL={until}"),
            NY,
            "1997-09-02T09:00",
        );
        assert_eq!(first_wall(&r, 1000), listed, "{until}");
    }
    let r = rec(
        "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z",
        NY,
        "1997-09-02T09:00",
    );
    assert_eq!(
        first_utc(&r, 1000),
        vec![
            "1997-09-02T13:00:00Z",
            "1997-09-02T16:00:00Z",
            "1997-09-02T19:00:00Z"
        ]
    );
}

#[test]
fn every_friday_the_13th_forever() {
    // The RFC removes the start (1997-09-02, not a Friday the 13th) with an
    // EXDATE; the rule's own occurrences follow it.
    let r = rec(
        "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        NY,
        "1997-09-02T09:00",
    );
    let got: Vec<String> = r
        .occurrences_after(r.dtstart_ms(), 5)
        .unwrap()
        .into_iter()
        .map(|m| common::wall(&r, m))
        .collect();
    assert_eq!(
        got,
        at9("1998: Feb 13; Mar 13; Nov 13; 1999: Aug 13; 2000: Oct 13")
    );
    // The start counts as the first occurrence (RFC 5545: DTSTART is always
    // the first instance), which is why the RFC needs the EXDATE.
    assert_eq!(first_wall(&r, 1), at9("1997: Sep 2"));
}

#[test]
fn first_saturday_after_the_first_sunday_forever() {
    assert_eq!(
        first(
            "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
            "1997-09-13T09:00",
            10
        ),
        at9("1997: Sep 13; Oct 11; Nov 8; Dec 13; 1998: Jan 10; Feb 7; Mar 7; Apr 11; May 9; Jun 13")
    );
}

#[test]
fn us_presidential_election_day_every_4_years() {
    assert_eq!(
        first(
            "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
            "1996-11-05T09:00",
            3
        ),
        at9("1996: Nov 5; 2000: Nov 7; 2004: Nov 2")
    );
}

#[test]
fn wkst_changes_the_result_monday() {
    assert_eq!(
        all(
            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
            "1997-08-05T09:00"
        ),
        at9("1997: Aug 5,10,19,24")
    );
}

#[test]
fn wkst_changes_the_result_sunday() {
    assert_eq!(
        all(
            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
            "1997-08-05T09:00"
        ),
        at9("1997: Aug 5,17,19,31")
    );
}

#[test]
fn invalid_dates_are_ignored() {
    // February 30 does not exist and is skipped, not moved.
    assert_eq!(
        all("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "2007-01-15T09:00"),
        at9("2007: Jan 15,30; Feb 15; Mar 15,30")
    );
}

#[test]
fn unsupported_examples_are_refused() {
    for (rule, part) in [
        (
            "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
            "BYYEARDAY",
        ),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "BYWEEKNO"),
        ("FREQ=MINUTELY;INTERVAL=15;COUNT=6", "MINUTELY"),
        ("FREQ=MINUTELY;INTERVAL=90;COUNT=4", "MINUTELY"),
        (
            "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
            "BYHOUR",
        ),
    ] {
        let err = rule.parse::<Rule>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{rule}");
        assert!(err.message().contains(part), "{rule}: {err}");
    }
}

#[test]
fn occurrences_after_a_later_instant_skip_ahead() {
    // Without COUNT, expansion starts near the requested instant; the result
    // matches the series expanded from its start.
    let r = rec("FREQ=WEEKLY;INTERVAL=2;WKST=SU", NY, "1997-09-02T09:00");
    let from_start = first_utc(&r, 200);
    let after = ms("2000-01-01T00:00:00Z");
    let later: Vec<String> = r
        .occurrences_after(after, 5)
        .unwrap()
        .into_iter()
        .map(utc)
        .collect();
    let expected: Vec<String> = from_start
        .into_iter()
        .filter(|s| ms(s) > after)
        .take(5)
        .collect();
    assert_eq!(later, expected);
}
