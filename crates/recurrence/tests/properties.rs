//! Property tests: no text makes parsing panic, and every rule that parses
//! expands and describes without panicking, in bounded time.
//!
//! A panic inside a component is a Wasm trap, which the host answers with an
//! empty 500; bad input must come back as a `RuleError` instead.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;
use recurrence::{parse_local_datetime, parse_timezone, Mode, Recurrence, Rule};

/// The number of cases, raised with `PROPTEST_CASES` for a longer search.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default_cases),
        // Failures are kept as plain regression tests instead of a file.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const FRAGMENTS: &[&str] = &[
    "FREQ=",
    "INTERVAL=",
    "COUNT=",
    "UNTIL=",
    "BYDAY=",
    "BYMONTHDAY=",
    "BYMONTH=",
    "WKST=",
    "BYSETPOS=",
    "BYHOUR=",
    "RRULE:",
    "rrule:",
    "DAILY",
    "WEEKLY",
    "MONTHLY",
    "YEARLY",
    "HOURLY",
    "MO",
    "TU",
    "WE",
    "TH",
    "FR",
    "SA",
    "SU",
    "mo",
    "1",
    "2",
    "5",
    "-1",
    "+1",
    "0",
    "53",
    "54",
    "+999",
    "-128",
    "255",
    "1000",
    "1001",
    "10000",
    "4294967295",
    "4294967296",
    "99999999999999999999",
    "20261231",
    "20261231T235959Z",
    "20261231T235959",
    "99991231",
    "00000101",
    "-",
    "+",
    ";",
    "=",
    ",",
    " ",
    "T",
    "Z",
    "é",
    "日本",
    "🙂",
    "\u{301}",
    "\0",
    "ＦＲＥＱ",
    "ß",
];

fn fragment_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            5 => proptest::sample::select(FRAGMENTS).prop_map(str::to_owned),
            1 => any::<i64>().prop_map(|n| n.to_string()),
            1 => any::<String>().prop_map(|s| s.chars().take(4).collect()),
        ],
        0..16,
    )
    .prop_map(|parts| parts.concat())
}

/// Rule text built part by part from plausible values, so that a good share
/// of the cases parse and reach expansion.
fn rule_text() -> impl Strategy<Value = String> {
    let freq = proptest::sample::select(&["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"][..]);
    let weekday = proptest::sample::select(&["MO", "TU", "WE", "TH", "FR", "SA", "SU"][..]);
    let by_day = proptest::collection::vec(
        (proptest::option::of(-60i32..60), weekday.clone()).prop_map(|(n, d)| match n {
            Some(n) => format!("{n}{d}"),
            None => d.to_owned(),
        }),
        1..4,
    )
    .prop_map(|v| format!(";BYDAY={}", v.join(",")));
    let list = |lo: i32, hi: i32, name: &'static str| {
        proptest::collection::vec(lo..=hi, 1..4).prop_map(move |v| {
            let v: Vec<String> = v.iter().map(i32::to_string).collect();
            format!(";{name}={}", v.join(","))
        })
    };
    let until = prop_oneof![
        (1i32..=9999, 1u32..=12, 1u32..=31)
            .prop_map(|(y, m, d)| format!(";UNTIL={y:04}{m:02}{d:02}")),
        (1i32..=9999, 1u32..=12, 1u32..=28, 0u32..24)
            .prop_map(|(y, m, d, h)| format!(";UNTIL={y:04}{m:02}{d:02}T{h:02}0000Z")),
    ];
    (
        freq,
        proptest::option::of(prop_oneof![1u32..5, 1u32..=1000, any::<u32>()]),
        proptest::option::of(by_day),
        proptest::option::of(list(-32, 32, "BYMONTHDAY")),
        proptest::option::of(list(0, 13, "BYMONTH")),
        proptest::option::of(prop_oneof![1u32..20, 1u32..=10_000, any::<u32>()]),
        proptest::option::of(until),
        proptest::option::of(weekday),
        proptest::option::of(prop_oneof![
            list(-3, 3, "BYSETPOS"),
            list(-370, 370, "BYSETPOS")
        ]),
    )
        .prop_map(
            |(freq, interval, by_day, by_month_day, by_month, count, until, wkst, by_set_pos)| {
                let mut s = format!("FREQ={freq}");
                if let Some(i) = interval {
                    s.push_str(&format!(";INTERVAL={i}"));
                }
                s.push_str(&by_day.unwrap_or_default());
                s.push_str(&by_month_day.unwrap_or_default());
                s.push_str(&by_month.unwrap_or_default());
                if let Some(c) = count {
                    s.push_str(&format!(";COUNT={c}"));
                }
                s.push_str(&until.unwrap_or_default());
                if let Some(w) = wkst {
                    s.push_str(&format!(";WKST={w}"));
                }
                s.push_str(&by_set_pos.unwrap_or_default());
                s
            },
        )
}

fn dtstart() -> impl Strategy<Value = NaiveDateTime> {
    (
        prop_oneof![1i32..=9999, 1990i32..2100, 9990i32..=9999, 1i32..10],
        1u32..=12,
        1u32..=31,
        0u32..24,
        0u32..60,
    )
        .prop_filter_map("no such date", |(y, m, d, h, min)| {
            NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(h, min, 0)
        })
}

fn timezone() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(
        &[
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "Pacific/Kiritimati",
            "Pacific/Apia",
            "America/St_Johns",
            "Asia/Kathmandu",
        ][..],
    )
}

/// Instants from before year 1 to past 9999, and the extremes of `i64`.
fn instant_ms() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        -62_200_000_000_000i64..253_500_000_000_000,
        1_700_000_000_000i64..1_900_000_000_000,
        Just(i64::MIN),
        Just(i64::MAX),
    ]
}

/// Expands, describes and steps a recurrence the ways the API does.
fn exercise(r: &Recurrence, after: i64, completed: i64, index: u32, limit: usize) {
    let started = Instant::now();
    let _ = r.describe();
    let _ = r.rule().describe();
    let _ = r
        .rule()
        .to_string()
        .parse::<Rule>()
        .expect("a rendered rule parses");
    let _ = r.occurrences_after(after, limit);
    let _ = r.occurrences_after(r.dtstart_ms() - 1, limit);
    let _ = r.next_after(after);
    let _ = r.next_due(Some(after), completed, index);
    let _ = r.next_due(None, completed, index);
    let _ = r.aligned();
    let _ = r.to_local(after);
    // Skipping the next occurrence, as the "skip this one" action does.
    if let Ok(Some(next)) = r.next_after(after) {
        let mut skipped = r.clone();
        if skipped.skip(next).is_ok() {
            assert_ne!(skipped.next_after(next - 1).ok().flatten(), Some(next));
        }
    }
    let _ = serde_json::to_value(r).map(serde_json::from_value::<Recurrence>);
    // Each call is capped at MAX_PERIODS candidate periods; this catches a
    // loop that escapes the cap. Generous for debug builds.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{} from {} took {:?}",
        r.rule(),
        r.dtstart(),
        started.elapsed()
    );
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn any_string_parses_or_errs(text in any::<String>()) {
        let _ = text.parse::<Rule>();
        let _ = parse_local_datetime(&text);
        let _ = parse_timezone(&text);
    }

    #[test]
    fn rrule_like_fragments_parse_or_err(text in fragment_text()) {
        if let Ok(rule) = text.parse::<Rule>() {
            let _ = rule.describe();
            prop_assert_eq!(rule.to_string().parse::<Rule>(), Ok(rule));
        }
    }

    #[test]
    fn json_recurrences_parse_or_err(
        rrule in prop_oneof![rule_text(), fragment_text()],
        tz in prop_oneof![timezone().prop_map(str::to_owned), any::<String>()],
        dtstart in prop_oneof![
            dtstart().prop_map(|d| d.format("%Y-%m-%dT%H:%M").to_string()),
            "[+-]?[0-9]{1,7}-[0-9]{1,2}-[0-9]{1,2}T[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?",
            any::<String>(),
        ],
        mode in proptest::sample::select(&["schedule", "completion", "x"][..]),
        exdates in proptest::option::of(proptest::collection::vec(
            prop_oneof![
                dtstart().prop_map(|d| d.format("%Y-%m-%dT%H:%M").to_string()),
                any::<String>(),
            ],
            0..4,
        )),
    ) {
        let mut body = serde_json::json!({"rrule": rrule, "timezone": tz, "dtstart": dtstart, "mode": mode});
        if let Some(exdates) = exdates {
            body["exdates"] = serde_json::json!(exdates);
        }
        let _ = serde_json::from_value::<Recurrence>(body);
    }
}

proptest! {
    // Expansion is the expensive part: fewer cases.
    #![proptest_config(config(500))]

    #[test]
    fn parsed_rules_expand_and_describe(
        text in rule_text(),
        tz in timezone(),
        start in dtstart(),
        completion in any::<bool>(),
        after in instant_ms(),
        completed in instant_ms(),
        index in prop_oneof![0u32..20, any::<u32>()],
        limit in prop_oneof![0usize..30, Just(usize::MAX)],
        exdates in proptest::collection::vec((0i64..400, 0i64..48), 0..5),
    ) {
        let Ok(rule) = text.parse::<Rule>() else { return Ok(()) };
        let mode = if completion { Mode::Completion } else { Mode::Schedule };
        let Ok(r) = Recurrence::new(rule, mode, tz, start) else { return Ok(()) };
        // Excluded times near the start: whole days and hours after it.
        let exdates = exdates.into_iter().filter_map(|(days, hours)| {
            start.checked_add_signed(chrono::Duration::days(days) + chrono::Duration::hours(hours))
        });
        let Ok(r) = r.with_exdates(exdates) else { return Ok(()) };
        exercise(&r, after, completed, index, limit.min(30));
    }

    #[test]
    fn local_times_resolve_anywhere(
        tz in timezone(),
        days in any::<i32>(),
        secs in 0u32..86_400,
    ) {
        // Any representable local time, including the ends of chrono's range.
        let date = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN);
        let local = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap());
        let _ = recurrence::resolve_local(parse_timezone(tz).unwrap(), local);
        let _ = recurrence::resolve_local(parse_timezone(tz).unwrap(), NaiveDateTime::MIN);
        let _ = recurrence::resolve_local(parse_timezone(tz).unwrap(), NaiveDateTime::MAX);
    }
}
