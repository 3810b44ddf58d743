//! The public API: parse, explanations, time zones, target resolution.

use intent_parser::{
    clarifying_question, eval, parse, resolve_target, Context, Due, Intent, Priority,
    RecurrenceMode, ReminderSpec, Resolution, SpanKind, TaskRef, TaskTarget,
};

fn berlin() -> Context {
    Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS).unwrap()
}

/// Local wall time in a zone → UTC ms.
fn local_ms(tz: &str, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    use chrono::TimeZone;
    let tz: chrono_tz::Tz = tz.parse().unwrap();
    tz.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .timestamp_millis()
}

#[test]
fn explanation_is_one_line_with_relative_day() {
    let p = parse(
        "Add task Submit report due yesterday, high priority #work",
        &berlin(),
    );
    assert_eq!(
        p.explanation,
        "Add task “Submit report”, due yesterday (Wed 25 Nov, no time), priority high, tagged #work"
    );
    assert!(!p.explanation.contains('\n'));
}

#[test]
fn overdue_task_may_be_created_but_reminder_in_past_is_refused() {
    let ctx = berlin();
    assert!(matches!(
        parse("Add task Submit report due yesterday", &ctx).intent,
        Intent::AddTask { .. }
    ));
    match parse("remind me yesterday", &ctx).intent {
        Intent::Refuse { reason } => assert!(reason.contains("past"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn due_without_time_is_end_of_local_day() {
    match parse("Pay rent on the 1st", &berlin()).intent {
        Intent::AddTask {
            due: Some(Due {
                at_utc_ms,
                has_time,
            }),
            ..
        } => {
            assert!(!has_time);
            assert_eq!(at_utc_ms, local_ms("Europe/Berlin", 2026, 12, 2, 0, 0) - 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_time_zone_changes_today() {
    // 09:00 UTC on 26 Nov is 04:00 in New York: still 26 Nov; "at 3pm" is 15:00 there.
    let ctx = Context::new("America/New_York", eval::REFERENCE_UTC_MS).unwrap();
    match parse("Meeting with Sarah at 3pm", &ctx).intent {
        Intent::AddTask { due: Some(d), .. } => {
            assert_eq!(
                d.at_utc_ms,
                local_ms("America/New_York", 2026, 11, 26, 15, 0)
            );
            assert!(d.has_time);
        }
        other => panic!("{other:?}"),
    }
    // 23:30 UTC on 26 Nov is already 27 Nov in Tokyo: "tomorrow" is 28 Nov.
    let late = local_ms("UTC", 2026, 11, 26, 23, 30);
    let ctx = Context::new("Asia/Tokyo", late).unwrap();
    match parse("Call mom tomorrow at 9am", &ctx).intent {
        Intent::AddTask { due: Some(d), .. } => {
            assert_eq!(d.at_utc_ms, local_ms("Asia/Tokyo", 2026, 11, 28, 9, 0))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn daylight_saving_change_keeps_wall_time() {
    // Saturday 28 March 2026 in Berlin; clocks go forward on Sunday 29 March.
    let now = local_ms("Europe/Berlin", 2026, 3, 28, 12, 0);
    let ctx = Context::new("Europe/Berlin", now).unwrap();
    match parse("Brunch tomorrow at 11am", &ctx).intent {
        Intent::AddTask { due: Some(d), .. } => {
            assert_eq!(d.at_utc_ms, local_ms("Europe/Berlin", 2026, 3, 29, 11, 0));
            // 11:00 CEST is 09:00 UTC.
            assert_eq!(d.at_utc_ms, local_ms("UTC", 2026, 3, 29, 9, 0));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_time_zone_is_an_error() {
    assert!(Context::new("Mars/Olympus", 0).is_err());
}

#[test]
fn reminder_for_last_task_needs_one() {
    let ctx = berlin().with_last_task(Some(TaskRef::new("t-1", "Meeting with Sarah")));
    let p = parse("remind me 15 minutes before", &ctx);
    assert_eq!(
        p.intent,
        Intent::AddReminder {
            target: TaskTarget::LastTask(TaskRef::new("t-1", "Meeting with Sarah")),
            spec: ReminderSpec::Before { minutes: 15 },
        }
    );
    assert_eq!(
        p.explanation,
        "Remind you 15 minutes before “Meeting with Sarah” is due"
    );
    assert!(matches!(
        parse("remind me 15 minutes before", &berlin()).intent,
        Intent::Unknown { .. }
    ));
}

#[test]
fn completion_based_recurrence() {
    match parse("every 3 days after I finish it: water the ferns", &berlin()).intent {
        Intent::AddTask {
            title,
            recurrence: Some(r),
            ..
        } => {
            assert_eq!(title, "Water the ferns");
            assert_eq!(r.rule.to_string(), "FREQ=DAILY;INTERVAL=3");
            assert_eq!(r.mode, RecurrenceMode::Completion);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn priorities_by_code_and_marks() {
    let prio = |s: &str| match parse(s, &berlin()).intent {
        Intent::AddTask { priority, .. } => priority,
        other => panic!("{other:?}"),
    };
    assert_eq!(prio("Fix build p1"), Some(Priority::Urgent));
    assert_eq!(prio("Fix build p2"), Some(Priority::High));
    assert_eq!(prio("Fix build p3"), Some(Priority::Medium));
    assert_eq!(prio("Fix build p4"), Some(Priority::Low));
    assert_eq!(prio("Fix build !!!"), Some(Priority::Urgent));
    assert_eq!(prio("Fix build !!"), Some(Priority::High));
    assert_eq!(prio("Fix build!"), None);
    assert_eq!(prio("Fix build, important"), Some(Priority::High));
}

#[test]
fn delete_needs_confirmation_and_answers_are_read() {
    let p = parse("delete the report task", &berlin());
    assert!(p.intent.needs_confirmation());
    assert!(p.explanation.contains("after you confirm"));
    assert_eq!(
        parse("yes", &berlin()).intent,
        Intent::Confirm { accepted: true }
    );
    assert_eq!(
        parse("no", &berlin()).intent,
        Intent::Confirm { accepted: false }
    );
}

#[test]
fn ambiguous_name_gets_a_question() {
    let tasks = [
        TaskRef::new("a", "Submit report"),
        TaskRef::new("b", "Quarterly report"),
        TaskRef::new("c", "Buy milk"),
    ];
    let target = parse("mark the report as done", &berlin())
        .intent
        .target()
        .cloned()
        .unwrap();
    match resolve_target(&target, &tasks) {
        Resolution::Many {
            candidates,
            question,
        } => {
            assert_eq!(candidates.len(), 2);
            assert_eq!(
                question,
                "Which one: “Submit report” or “Quarterly report”?"
            );
        }
        other => panic!("{other:?}"),
    }
    let target = parse("mark the quarterly report as done", &berlin())
        .intent
        .target()
        .cloned()
        .unwrap();
    assert_eq!(resolve_target(&target, &tasks), Resolution::One("b".into()));
    let target = parse("mark the taxes as done", &berlin())
        .intent
        .target()
        .cloned()
        .unwrap();
    assert_eq!(resolve_target(&target, &tasks), Resolution::None);
    assert_eq!(
        clarifying_question(&tasks[..1]),
        "Do you mean “Submit report”?"
    );
}

#[test]
fn stop_series_matches_recurring_task_title() {
    let tasks = [
        TaskRef::new("x", "Exercise"),
        TaskRef::new("y", "Exercise bike repair"),
    ];
    let target = parse("Stop my exercise reminder", &berlin())
        .intent
        .target()
        .cloned()
        .unwrap();
    assert_eq!(target, TaskTarget::Name("exercise".into()));
    assert_eq!(resolve_target(&target, &tasks), Resolution::One("x".into()));
}

#[test]
fn intents_serialize_with_a_tag() {
    let p = parse(
        "Create a task called Review PR with high priority",
        &berlin(),
    );
    let v = serde_json::to_value(&p.intent).unwrap();
    assert_eq!(v["intent"], "add_task");
    assert_eq!(v["title"], "Review PR");
    assert_eq!(v["priority"], "high");
}

#[test]
fn unknown_hint_lists_what_is_understood() {
    match parse("what do you think about cats?", &berlin()).intent {
        Intent::Unknown { hint } => {
            assert!(hint.contains("remind me 15 minutes before"));
            assert!(hint.contains("what's due today"));
        }
        other => panic!("{other:?}"),
    }
}

/// The quick-add field: everything is a new task, and each part that was
/// read (date, rule, priority, tag, reminder) comes with where it stands,
/// so it can be shown and turned back into plain text.
#[test]
fn new_task_parts_have_their_place_and_can_be_kept_as_text() {
    let ctx = Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS).unwrap();
    let text = "Water plants every 3 days at 6pm !high #home";
    let read = intent_parser::parse_new_task(text, &ctx, &[]);
    let Intent::AddTask {
        title,
        recurrence,
        priority,
        tags,
        ..
    } = &read.intent
    else {
        panic!("{:?}", read.intent)
    };
    assert_eq!(title, "Water plants");
    assert!(recurrence.is_some());
    assert_eq!(priority.map(|p| p.as_str()), Some("high"));
    assert_eq!(tags, &["home"]);
    let parts: Vec<(&str, SpanKind)> = read
        .spans
        .iter()
        .map(|s| (&text[s.start..s.end], s.kind))
        .collect();
    assert!(parts.contains(&("!high", SpanKind::Priority)), "{parts:?}");
    assert!(parts.contains(&("#home", SpanKind::Tag)), "{parts:?}");
    assert!(
        parts
            .iter()
            .any(|(t, k)| *k == SpanKind::Repeat && t.contains("every 3 days")),
        "{parts:?}"
    );
    // What no span covers is the title.
    let covered = |i: usize| read.spans.iter().any(|s| s.start <= i && i < s.end);
    let rest: String = text
        .char_indices()
        .filter(|(i, _)| !covered(*i))
        .map(|(_, c)| c)
        .collect();
    assert_eq!(
        rest.split_whitespace().collect::<Vec<_>>(),
        ["Water", "plants"]
    );

    // The rule turned back into text: it stays in the title, nothing repeats.
    let rule = read
        .spans
        .iter()
        .find(|s| s.kind == SpanKind::Repeat)
        .unwrap();
    let plain = intent_parser::parse_new_task(text, &ctx, &[(rule.start, rule.end)]);
    let Intent::AddTask {
        title,
        recurrence,
        priority,
        ..
    } = &plain.intent
    else {
        panic!("{:?}", plain.intent)
    };
    assert!(title.contains("every 3 days"), "{title}");
    assert!(recurrence.is_none());
    assert_eq!(priority.map(|p| p.as_str()), Some("high"));
}

/// Quick add reads the idioms chat reads ("Friday week", "half 3") and
/// shows each part over the words the user typed.
#[test]
fn quick_add_reads_idioms_and_shows_them_where_they_were_typed() {
    let ctx = Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS).unwrap();
    let text = "Dentist Friday week at half 3 #health";
    let read = intent_parser::parse_new_task(text, &ctx, &[]);
    assert_eq!(
        eval::canonical(&read.intent, ctx.timezone),
        serde_json::json!({"intent": "add_task", "title": "Dentist",
            "due": "2026-12-04T15:30", "tags": ["health"]})
    );
    let parts: Vec<(&str, SpanKind)> = read
        .spans
        .iter()
        .map(|s| (&text[s.start..s.end], s.kind))
        .collect();
    assert!(
        parts
            .iter()
            .any(|(t, k)| *k == SpanKind::Date && t.contains("Friday week")),
        "{parts:?}"
    );
    assert!(
        parts
            .iter()
            .any(|(t, k)| *k == SpanKind::Date && t.ends_with("half 3")),
        "{parts:?}"
    );
    assert!(parts.contains(&("#health", SpanKind::Tag)), "{parts:?}");

    // "half 3" turned back into text: the title keeps it as typed.
    let at = text.find("half 3").unwrap();
    let plain = intent_parser::parse_new_task(text, &ctx, &[(at, at + "half 3".len())]);
    let Intent::AddTask { title, .. } = &plain.intent else {
        panic!("{:?}", plain.intent)
    };
    assert!(title.contains("half 3"), "{title}");
}

#[test]
fn a_command_word_in_quick_add_is_still_a_new_task() {
    let ctx = Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS).unwrap();
    let read = intent_parser::parse_new_task("delete old photos tomorrow", &ctx, &[]);
    let Intent::AddTask { title, due, .. } = &read.intent else {
        panic!("{:?}", read.intent)
    };
    assert_eq!(title, "Delete old photos");
    assert!(due.is_some());
}

/// "complete buy milk" is a new to-do with the command as its other
/// reading (the assistant takes it when a task is so named); with "it",
/// quotes or the word "task" the command is the only reading.
#[test]
fn a_command_verb_to_do_carries_the_command_as_its_other_reading() {
    let ctx = Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS).unwrap();
    let read = parse("complete buy milk", &ctx);
    assert!(
        matches!(read.intent, Intent::AddTask { .. }),
        "{:?}",
        read.intent
    );
    let other = read.alternative.expect("the command reading");
    assert_eq!(
        other.intent,
        Intent::CompleteTask {
            target: TaskTarget::Name("buy milk".into())
        }
    );
    assert!(
        other.explanation.contains("buy milk"),
        "{}",
        other.explanation
    );
    let read = parse("delete the groceries task", &ctx);
    assert!(
        matches!(read.intent, Intent::DeleteTask { .. }),
        "{:?}",
        read.intent
    );
    assert!(read.alternative.is_none());
    // A plain new task has no other reading.
    assert!(parse("buy milk tomorrow", &ctx).alternative.is_none());
}

/// Quoted text is the user's own words: a film called "Every Day" does not
/// make the task repeat, a quoted date stays in the title.
#[test]
fn quoted_words_are_never_read_as_dates_rules_or_tags() {
    let ctx = Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS).unwrap();
    for (message, kept) in [
        ("add watch \"Every Day\" tomorrow", "\"Every Day\""),
        (
            "Read “Tomorrow and Tomorrow” #books",
            "“Tomorrow and Tomorrow”",
        ),
        ("buy the book \"Friday at 5pm\"", "\"Friday at 5pm\""),
        ("listen to «urgent #1» on monday", "«urgent #1»"),
    ] {
        let p = parse(message, &ctx);
        let Intent::AddTask {
            title,
            recurrence,
            priority,
            tags,
            ..
        } = &p.intent
        else {
            panic!("{message}: {:?}", p.intent)
        };
        assert!(title.contains(kept), "{message}: {title}");
        assert!(recurrence.is_none(), "{message}");
        assert!(priority.is_none(), "{message}");
        assert!(!tags.contains(&"1".to_string()), "{message}");
        assert!(
            p.spans
                .iter()
                .all(|s| !kept.contains(&message[s.start..s.end])),
            "{message}: {:?}",
            p.spans
        );
    }
    // What stands outside the quotes is still read.
    let p = parse("add watch \"Every Day\" tomorrow", &ctx);
    let Intent::AddTask { due, .. } = &p.intent else {
        panic!()
    };
    assert!(due.is_some());
}
