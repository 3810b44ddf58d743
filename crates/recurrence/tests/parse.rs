//! RRULE text and JSON: round trips, canonical rendering and errors.

mod common;

use chrono::Weekday;
use common::local;
use recurrence::{ErrorKind, Frequency, Mode, Recurrence, Rule, RuleParts, Until, WeekdayNum};

fn err(text: &str) -> recurrence::RuleError {
    text.parse::<Rule>().expect_err(text)
}

#[test]
fn canonical_rules_round_trip_exactly() {
    for text in [
        "FREQ=DAILY",
        "FREQ=DAILY;COUNT=10",
        "FREQ=DAILY;INTERVAL=10;COUNT=5",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=SU;UNTIL=19971224T000000Z",
        "FREQ=WEEKLY;UNTIL=20261231T235959Z",
        "FREQ=WEEKLY;UNTIL=20261231",
        "FREQ=WEEKLY;UNTIL=20261231T235959",
        "FREQ=MONTHLY;BYDAY=1FR",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU;COUNT=10",
        "FREQ=MONTHLY;BYMONTHDAY=-3",
        "FREQ=MONTHLY;BYMONTHDAY=1,-1",
        "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
        "FREQ=YEARLY;BYMONTH=6,7;COUNT=10",
        "FREQ=YEARLY;BYDAY=20MO",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYMONTHDAY=2,3,4,5,6,7,8;BYDAY=TU",
        "FREQ=DAILY;BYMONTH=1;UNTIL=20000131T140000Z",
    ] {
        let rule: Rule = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(rule.to_string(), text);
        assert_eq!(rule.to_string().parse::<Rule>().unwrap(), rule);
    }
}

#[test]
fn rendering_is_canonical() {
    for (input, canonical) in [
        ("RRULE:FREQ=DAILY", "FREQ=DAILY"),
        ("freq=weekly;byday=mo;interval=1", "FREQ=WEEKLY;BYDAY=MO"),
        (
            " COUNT=10 ; BYDAY=MO,WE ; INTERVAL=2 ; FREQ=WEEKLY ;",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10",
        ),
        ("FREQ=MONTHLY;BYDAY=+2TU", "FREQ=MONTHLY;BYDAY=2TU"),
        ("FREQ=MONTHLY;BYMONTHDAY=+5", "FREQ=MONTHLY;BYMONTHDAY=5"),
        ("FREQ=WEEKLY;WKST=MO", "FREQ=WEEKLY;WKST=MO"),
        (
            "FREQ=YEARLY;until=20261231t235959z",
            "FREQ=YEARLY;UNTIL=20261231T235959Z",
        ),
    ] {
        assert_eq!(
            input.parse::<Rule>().unwrap().to_string(),
            canonical,
            "{input}"
        );
    }
}

#[test]
fn parts_are_exposed() {
    let rule: Rule = "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU,-1FR;BYMONTH=1,7;COUNT=4"
        .parse()
        .unwrap();
    assert_eq!(rule.freq(), Frequency::Monthly);
    assert_eq!(rule.interval(), 3);
    assert_eq!(rule.count(), Some(4));
    assert_eq!(rule.week_start(), Weekday::Mon);
    assert_eq!(
        rule.parts().by_day,
        vec![
            WeekdayNum::nth(2, Weekday::Tue),
            WeekdayNum::nth(-1, Weekday::Fri)
        ]
    );
    assert_eq!(rule.parts().by_month, vec![1, 7]);
    let until: Rule = "FREQ=DAILY;UNTIL=20261231".parse().unwrap();
    assert_eq!(
        until.until(),
        Some(Until::Date(
            chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        ))
    );
}

#[test]
fn rules_can_be_built_from_parts() {
    let mut parts = RuleParts::new(Frequency::Weekly);
    parts.interval = 2;
    parts.by_day = vec![
        WeekdayNum::every(Weekday::Mon),
        WeekdayNum::every(Weekday::Wed),
    ];
    parts.count = Some(10);
    let rule = Rule::from_parts(parts).unwrap();
    assert_eq!(
        rule.to_string(),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=10"
    );
    let mut bad = rule.into_parts();
    bad.interval = 0;
    assert_eq!(
        Rule::from_parts(bad).unwrap_err().kind(),
        ErrorKind::Invalid
    );
}

#[test]
fn errors_name_the_part() {
    use ErrorKind::*;
    for (text, kind, needle) in [
        ("", Syntax, "empty"),
        ("RRULE:", Syntax, "empty"),
        ("INTERVAL=2", Syntax, "FREQ is required"),
        ("FREQ=FORTNIGHTLY", Syntax, "FREQ"),
        ("FREQ=SECONDLY", Unsupported, "FREQ=SECONDLY"),
        ("FREQ", Syntax, "NAME=VALUE"),
        ("FREQ=", Syntax, "FREQ"),
        (
            "FREQ=DAILY;FREQ=WEEKLY",
            Syntax,
            "FREQ appears more than once",
        ),
        ("FREQ=DAILY;INTERVAL=0", Invalid, "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=1001", Invalid, "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=-2", Syntax, "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=two", Syntax, "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=99999999999", Invalid, "INTERVAL"),
        ("FREQ=DAILY;COUNT=0", Invalid, "COUNT"),
        ("FREQ=DAILY;COUNT=10001", Invalid, "COUNT"),
        (
            "FREQ=DAILY;COUNT=3;UNTIL=20261231",
            Invalid,
            "COUNT and UNTIL",
        ),
        ("FREQ=DAILY;UNTIL=2026-12-31", Syntax, "UNTIL"),
        ("FREQ=DAILY;UNTIL=20261331", Syntax, "UNTIL"),
        ("FREQ=DAILY;UNTIL=20261231T250000Z", Syntax, "UNTIL"),
        ("FREQ=WEEKLY;BYDAY=XX", Syntax, "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=MO,,TU", Syntax, "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=1MO", Invalid, "BYDAY"),
        ("FREQ=DAILY;BYDAY=-1FR", Invalid, "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=6MO", Invalid, "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=0MO", Invalid, "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=x1MO", Syntax, "BYDAY"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=6MO", Invalid, "BYDAY"),
        ("FREQ=YEARLY;BYDAY=54MO", Invalid, "BYDAY"),
        ("FREQ=YEARLY;BYDAY=200MO", Invalid, "BYDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", Invalid, "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", Invalid, "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=-32", Invalid, "BYMONTHDAY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", Invalid, "BYMONTHDAY"),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31",
            Invalid,
            "BYMONTHDAY",
        ),
        ("FREQ=YEARLY;BYMONTH=13", Invalid, "BYMONTH"),
        ("FREQ=YEARLY;BYMONTH=0", Invalid, "BYMONTH"),
        ("FREQ=WEEKLY;WKST=XX", Syntax, "WKST"),
        ("FREQ=DAILY;BYSETPOS=1", Unsupported, "BYSETPOS"),
        ("FREQ=DAILY;BYHOUR=9", Unsupported, "BYHOUR"),
        ("FREQ=DAILY;BYMINUTE=0", Unsupported, "BYMINUTE"),
        ("FREQ=DAILY;BYSECOND=0", Unsupported, "BYSECOND"),
        ("FREQ=YEARLY;BYYEARDAY=100", Unsupported, "BYYEARDAY"),
        ("FREQ=YEARLY;BYWEEKNO=20", Unsupported, "BYWEEKNO"),
        (
            "FREQ=DAILY;X-NAME=1",
            Syntax,
            "unknown rule part \"X-NAME\"",
        ),
        ("FREQ=DAILY;RDATE=20260101", Syntax, "RDATE"),
    ] {
        let e = err(text);
        assert_eq!(e.kind(), kind, "{text}: {e}");
        assert!(e.message().contains(needle), "{text}: {e}");
        assert_eq!(e.to_string(), e.message());
    }
}

#[test]
fn february_29_alone_is_allowed() {
    assert!("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
        .parse::<Rule>()
        .is_ok());
    assert!("FREQ=YEARLY;BYMONTH=2,3;BYMONTHDAY=30"
        .parse::<Rule>()
        .is_ok());
}

#[test]
fn json_round_trip() {
    let json = r#"{"rrule":"FREQ=WEEKLY;BYDAY=MO","mode":"schedule","timezone":"Europe/Berlin","dtstart":"2026-11-30T07:00:00"}"#;
    let r: Recurrence = serde_json::from_str(json).unwrap();
    assert_eq!(r.rule().to_string(), "FREQ=WEEKLY;BYDAY=MO");
    assert_eq!(r.mode(), Mode::Schedule);
    assert_eq!(r.timezone().name(), "Europe/Berlin");
    assert_eq!(r.dtstart(), local("2026-11-30T07:00:00"));
    assert_eq!(serde_json::to_string(&r).unwrap(), json);

    let c: Recurrence = serde_json::from_value(serde_json::json!({
        "rrule": "freq=daily;interval=3",
        "mode": "completion",
        "timezone": "America/New_York",
        "dtstart": "2026-11-24T09:00"
    }))
    .unwrap();
    assert_eq!(c.mode(), Mode::Completion);
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        serde_json::json!({
            "rrule": "FREQ=DAILY;INTERVAL=3",
            "mode": "completion",
            "timezone": "America/New_York",
            "dtstart": "2026-11-24T09:00:00"
        })
    );
}

#[test]
fn json_mode_defaults_to_schedule() {
    let r: Recurrence = serde_json::from_str(
        r#"{"rrule":"FREQ=DAILY","timezone":"UTC","dtstart":"2026-01-01T08:00"}"#,
    )
    .unwrap();
    assert_eq!(r.mode(), Mode::Schedule);
}

#[test]
fn json_errors() {
    for (json, needle) in [
        (
            r#"{"rrule":"FREQ=DAILY","timezone":"Europe/Bxrlin","dtstart":"2026-01-01T08:00"}"#,
            "not a known IANA timezone",
        ),
        (
            r#"{"rrule":"FREQ=DAILY;BYSETPOS=1","timezone":"UTC","dtstart":"2026-01-01T08:00"}"#,
            "BYSETPOS is not supported",
        ),
        (
            r#"{"rrule":"FREQ=DAILY","timezone":"UTC","dtstart":"2026-01-01T08:00:00Z"}"#,
            "dtstart",
        ),
        (
            r#"{"rrule":"FREQ=DAILY","timezone":"UTC","dtstart":"2026-01-01T08:00:00+01:00"}"#,
            "no offset",
        ),
        (
            r#"{"rrule":"FREQ=DAILY","timezone":"UTC","dtstart":"2026-01-01"}"#,
            "dtstart",
        ),
        (
            r#"{"rrule":"FREQ=DAILY","mode":"whenever","timezone":"UTC","dtstart":"2026-01-01T08:00"}"#,
            "whenever",
        ),
        (
            r#"{"rrule":"FREQ=DAILY","timezone":"UTC","dtstart":"2026-01-01T08:00","extra":1}"#,
            "extra",
        ),
        (
            r#"{"rrule":"FREQ=DAILY","dtstart":"2026-01-01T08:00"}"#,
            "timezone",
        ),
        (
            r#"{"rrule":"FREQ=DAILY;UNTIL=20251231","timezone":"UTC","dtstart":"2026-01-01T08:00"}"#,
            "before dtstart",
        ),
    ] {
        let e = serde_json::from_str::<Recurrence>(json)
            .unwrap_err()
            .to_string();
        assert!(e.contains(needle), "{json}: {e}");
    }
}

#[test]
fn timezone_errors_have_their_own_kind() {
    let rule: Rule = "FREQ=DAILY".parse().unwrap();
    let e = Recurrence::new(
        rule.clone(),
        Mode::Schedule,
        "Mars/Olympus",
        local("2026-01-01T08:00"),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTimezone);
    assert!(e.message().contains("Mars/Olympus"));
    assert!(Recurrence::new(
        rule,
        Mode::Schedule,
        "Asia/Kolkata",
        local("2026-01-01T08:00")
    )
    .is_ok());
}

#[test]
fn rule_serde_is_the_rrule_string() {
    let rule: Rule = "FREQ=MONTHLY;BYDAY=-1FR".parse().unwrap();
    assert_eq!(
        serde_json::to_string(&rule).unwrap(),
        r#""FREQ=MONTHLY;BYDAY=-1FR""#
    );
    let back: Rule = serde_json::from_str(r#""FREQ=MONTHLY;BYDAY=-1FR""#).unwrap();
    assert_eq!(back, rule);
    assert!(serde_json::from_str::<Rule>(r#""FREQ=MONTHLY;BYDAY=9FR""#).is_err());
}

/// Regressions: non-ASCII text where the parser looks at fixed byte offsets
/// (the `RRULE:` prefix, a BYDAY weekday code, UNTIL) is an error, not a
/// panic from slicing inside a multi-byte character.
#[test]
fn non_ascii_text_is_an_error_not_a_panic() {
    for text in [
        "FREQ=é",
        "FREQé",
        "RRULEé",
        "ééé",
        "FREQ=WEEKLY;BYDAY=é",
        "FREQ=WEEKLY;BYDAY=1é",
        "FREQ=MONTHLY;BYDAY=+é",
        "FREQ=DAILY;UNTIL=2026123é",
        "FREQ=DAILY;UNTIL=20261231T23595é",
        "FREQ=DAILY;COUNT=١٢",
    ] {
        let e = err(text);
        assert_eq!(e.kind(), ErrorKind::Syntax, "{text}: {e}");
    }
}

/// Regressions: numbers far out of range are refused with a message.
#[test]
fn huge_numbers_are_refused() {
    for text in [
        "FREQ=DAILY;INTERVAL=99999999999999999999",
        "FREQ=DAILY;INTERVAL=4294967295",
        "FREQ=DAILY;COUNT=4294967296",
        "FREQ=MONTHLY;BYDAY=+999MO",
        "FREQ=MONTHLY;BYDAY=-128MO",
        "FREQ=MONTHLY;BYMONTHDAY=-255",
        "FREQ=YEARLY;BYMONTH=256",
    ] {
        assert_eq!(err(text).kind(), ErrorKind::Invalid, "{text}");
    }
}
