//! English descriptions.

mod common;

use common::{rec, rec_mode};
use recurrence::{Mode, Rule};

const BERLIN: &str = "Europe/Berlin";

#[test]
fn recurrence_descriptions() {
    for (rrule, dtstart, expected) in [
        (
            "FREQ=WEEKLY;BYDAY=MO",
            "2026-11-30T07:00",
            "every week on Monday at 07:00",
        ),
        (
            "FREQ=WEEKLY",
            "2026-11-30T07:00",
            "every week on Monday at 07:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR",
            "2026-01-30T07:00",
            "on the last Friday of every month at 07:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=2TU",
            "2026-01-13T10:30",
            "on the second Tuesday of every month at 10:30",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-2MO",
            "2026-01-19T10:30",
            "on the second-to-last Monday of every month at 10:30",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            "2026-01-31T07:00",
            "on the last day of every month at 07:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-3",
            "2026-01-29T07:00",
            "on the third-to-last day of every month at 07:00",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=2,15;COUNT=10",
            "2026-01-02T09:00",
            "on the 2nd and the 15th of every month at 09:00, 10 times",
        ),
        (
            "FREQ=MONTHLY",
            "2026-01-30T07:00",
            "on the 30th of every month at 07:00",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU",
            "2026-03-01T07:00",
            "on the first Sunday and the last Sunday of every other month at 07:00",
        ),
        (
            "FREQ=YEARLY",
            "2026-11-30T07:00",
            "every year on November 30 at 07:00",
        ),
        (
            "FREQ=YEARLY;BYMONTH=6,7",
            "2026-06-10T07:00",
            "every year on the 10th of June and July at 07:00",
        ),
        (
            "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "2026-03-29T02:30",
            "every year on the last Sunday of March at 02:30",
        ),
        (
            "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
            "2026-11-30T07:00",
            "every weekday at 07:00",
        ),
        (
            "FREQ=DAILY;INTERVAL=2",
            "2026-11-30T07:00",
            "every other day at 07:00",
        ),
        (
            "FREQ=DAILY;UNTIL=20261231",
            "2026-11-30T07:00",
            "every day at 07:00, until 2026-12-31",
        ),
        (
            "FREQ=WEEKLY;COUNT=1",
            "2026-11-30T07:00",
            "every week on Monday at 07:00, once",
        ),
    ] {
        assert_eq!(rec(rrule, BERLIN, dtstart).describe(), expected, "{rrule}");
    }
}

#[test]
fn completion_mode_descriptions() {
    let r = rec_mode(
        "FREQ=DAILY;INTERVAL=3",
        Mode::Completion,
        BERLIN,
        "2026-11-24T09:00",
    );
    assert_eq!(r.describe(), "every 3 days after completion at 09:00");
    let r = rec_mode("FREQ=MONTHLY", Mode::Completion, BERLIN, "2026-11-24T09:00");
    assert_eq!(r.describe(), "every month after completion at 09:00");
}

#[test]
fn rule_descriptions() {
    for (rrule, expected) in [
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
            "every other week on Monday and Wednesday",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "every week on Monday, Wednesday and Friday",
        ),
        ("FREQ=WEEKLY", "every week"),
        ("FREQ=DAILY;COUNT=10", "every day, 10 times"),
        (
            "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
            "on the 13th of every month if it is a Friday",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=18;BYMONTHDAY=1",
            "on the 1st of every 18 months",
        ),
        (
            "FREQ=YEARLY;BYDAY=20MO",
            "every year on the 20th Monday of the year",
        ),
        (
            "FREQ=DAILY;UNTIL=19971224T000000Z",
            "every day, until 1997-12-24 00:00 UTC",
        ),
        ("FREQ=DAILY;BYMONTH=1", "every day in January"),
    ] {
        assert_eq!(
            rrule.parse::<Rule>().unwrap().describe(),
            expected,
            "{rrule}"
        );
    }
}
