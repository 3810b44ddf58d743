//! Property tests: no client input makes validation panic; every input is
//! either accepted or refused with an error (a 400 upstream).
//!
//! A panic inside a component is a Wasm trap, which the host answers with an
//! empty 500.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::limits::*;
use domain::query::{encode_cursor, parse_list_query};
use domain::reminder::{self, Spec};
use domain::task::{self, Task};
use domain::{time, user};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// The number of cases, raised with `PROPTEST_CASES` for a longer search.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Text that is mostly short and odd: NULs, control characters, non-ASCII,
/// digits with units, and now and then a very long run.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => any::<String>(),
        4 => "[ #a-zA-Z0-9:.+\\-_/é日🙂\u{0}\u{7f}\u{301}\t\n]{0,12}",
        2 => "[0-9]{1,25}[mhdwx]?([0-9]{1,25}[mhdw])?",
        2 => "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?(Z|[+-][0-9]{2}:[0-9]{2})",
        // Just past each length limit, and past the body size limit.
        1 => (
            "[a-zé\u{0}]",
            proptest::sample::select(&[41usize, 201, 255, 2_001, 10_001, 70_000][..]),
        )
            .prop_map(|(c, n)| c.repeat(n)),
    ]
}

/// Any JSON value: wrong types, nulls, huge and fractional numbers, nested
/// containers.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object whose keys are mostly the ones `fields` names, with any
/// values, sometimes plus an unknown key; or, now and then, not an object.
fn body(fields: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let known = proptest::collection::btree_map(proptest::sample::select(fields), value(), 0..5)
        .prop_map(|m| {
            m.into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<Map<_, _>>()
        });
    let good_values = proptest::collection::btree_map(
        proptest::sample::select(fields),
        prop_oneof![
            text().prop_map(Value::from),
            proptest::collection::vec(text().prop_map(Value::from), 0..25).prop_map(Value::from),
            Just(json!("2026-05-01T17:00:00Z")),
            Just(json!("high")),
            Just(json!("15m")),
            Just(json!("Europe/Berlin")),
            Just(json!("https://example.com/hook")),
            Just(json!("ana@example.com")),
            Just(json!("correct horse")),
            Just(json!({"rrule": "FREQ=DAILY"})),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
        ],
        0..5,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<_, _>>()
    });
    prop_oneof![
        4 => prop_oneof![known, good_values].prop_map(Value::Object),
        1 => (text(), value()).prop_map(|(k, v)| json!({ k: v })),
        1 => value(),
    ]
}

fn sample_task(due_at: Option<i64>) -> Task {
    let mut t = Task::new("t1".into(), "u1".into(), "Write report".into(), 0);
    t.due_at = due_at;
    t
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(2000),
        // Failures are kept as plain regression tests instead of a file.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn durations_parse_or_refuse(s in text()) {
        let _ = reminder::parse_duration_minutes(&s);
    }

    #[test]
    fn instants_parse_or_refuse(s in text()) {
        if let Ok(ms) = time::parse_instant("dueAt", &s) {
            prop_assert!(ms >= 0);
            prop_assert!(!time::format_ms(ms).is_empty());
        }
    }

    #[test]
    fn any_instant_formats(ms in any::<i64>()) {
        let _ = time::format_ms(ms);
        let _ = time::utc(ms);
    }

    #[test]
    fn list_queries_parse_or_refuse(
        pairs in proptest::collection::vec(
            (
                prop_oneof![
                    3 => proptest::sample::select(&[
                        "status", "priority", "tag", "dueAfter", "dueBefore", "q", "sort",
                        "limit", "cursor",
                    ][..]).prop_map(str::to_owned),
                    1 => text(),
                ],
                text(),
            ),
            0..6,
        )
    ) {
        let _ = parse_list_query(&pairs);
    }

    #[test]
    fn cursors_decode_or_refuse(
        payload in prop_oneof![
            value().prop_map(|v| v.to_string().into_bytes()),
            (text(), value(), value())
                .prop_map(|(s, k, id)| json!([s, k, id]).to_string().into_bytes()),
            (proptest::sample::select(&["created", "-created", "title", "-title", "due"][..]), value(), text())
                .prop_map(|(s, k, id)| json!([s, k, id]).to_string().into_bytes()),
            proptest::collection::vec(any::<u8>(), 0..64),
        ],
        raw in text(),
        sort in proptest::sample::select(&["-created", "title", "-title", "due", "priority"][..]),
    ) {
        for cursor in [URL_SAFE_NO_PAD.encode(&payload), raw] {
            let pairs = vec![
                ("sort".to_owned(), sort.to_owned()),
                ("cursor".to_owned(), cursor),
            ];
            if let Ok(q) = parse_list_query(&pairs) {
                // A cursor that decodes re-encodes to one that decodes the same.
                if let Some(c) = &q.cursor {
                    let again = vec![
                        ("sort".to_owned(), sort.to_owned()),
                        ("cursor".to_owned(), encode_cursor(q.sort, c)),
                    ];
                    prop_assert_eq!(parse_list_query(&again)?.cursor, q.cursor.clone());
                }
            }
        }
    }

    #[test]
    fn task_bodies_parse_or_refuse(
        create in body(&["title", "description", "priority", "dueAt", "tags", "recurrence"]),
        patch in body(&[
            "title", "description", "priority", "dueAt", "tags", "completed", "recurrence",
            "version",
        ]),
        now in any::<i64>(),
    ) {
        if let Ok(t) = task::parse_new_task(&create) {
            prop_assert!(!t.title.is_empty());
            prop_assert!(t.title.chars().count() <= MAX_TITLE_CHARS);
            prop_assert!(!t.title.chars().any(char::is_control));
            prop_assert!(!t.description.contains('\0'));
            prop_assert!(t.tags.len() <= MAX_TAGS);
        }
        if let Ok(p) = task::parse_patch(&patch) {
            let mut t = sample_task(None);
            let changed = task::apply_patch(&mut t, &p, now);
            for field in changed {
                let _ = task::field_value(&t, field);
            }
        }
    }

    #[test]
    fn user_bodies_parse_or_refuse(
        sign_up in body(&["email", "password", "name"]),
        settings in body(&["timezone", "agentsEnabled", "inAppNotifications", "webhookUrl"]),
    ) {
        if let Ok(s) = user::parse_sign_up(&sign_up) {
            prop_assert!(s.email.contains('@'));
            prop_assert!(!s.name.contains('\0'));
        }
        if let Ok(s) = user::parse_sign_in(&sign_up) {
            prop_assert!(!s.email.contains('\0'));
        }
        let mut current = user::Settings::default();
        let _ = user::apply_settings_patch(&mut current, &settings, &[]);
    }

    #[test]
    fn reminder_bodies_parse_or_refuse(
        spec in body(&["before", "at"]),
        due_at in proptest::option::of(prop_oneof![any::<i64>(), 0i64..253_402_300_799_999]),
        now in any::<i64>(),
        active in 0usize..5,
    ) {
        let task = sample_task(due_at);
        if let Ok(spec) = reminder::parse_spec(&spec) {
            let _ = reminder::check_new(spec, &task, active, now);
        }
    }

    #[test]
    fn reminder_arithmetic_never_overflows(
        minutes in any::<i64>(),
        at in proptest::option::of(any::<i64>()),
        due_at in proptest::option::of(any::<i64>()),
        now in any::<i64>(),
    ) {
        // `Spec` and stored reminders are plain data: any numbers may arrive.
        let task = sample_task(due_at);
        let _ = reminder::fire_time(Some(minutes), at, &task);
        let _ = reminder::check_new(Spec::Before { minutes }, &task, 0, now);
        let _ = reminder::check_new(Spec::At { at: minutes }, &task, 0, now);
    }
}
