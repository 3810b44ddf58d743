//! The parser must answer every input without panicking.

use intent_parser::{eval, parse, Context, TaskRef};

mod common;
use common::VOCABULARY;

#[test]
fn arbitrary_word_sequences_do_not_panic() {
    let ctx = Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS)
        .unwrap()
        .with_last_task(Some(TaskRef::new("t", "Something")));
    let bare = Context::new("Pacific/Kiritimati", eval::REFERENCE_UTC_MS).unwrap();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = (next() % 9) as usize;
        let words: Vec<&str> = (0..len)
            .map(|_| VOCABULARY[(next() % VOCABULARY.len() as u64) as usize])
            .collect();
        let glue = if next() % 3 == 0 { "" } else { " " };
        let msg = words.join(glue);
        let p = parse(&msg, &ctx);
        assert!(!p.explanation.contains('\n'), "{msg:?}");
        let _ = parse(&msg, &bare);
    }
}

#[test]
fn edge_inputs() {
    let ctx = Context::new("UTC", 0).unwrap();
    for msg in [
        "",
        " ",
        "!!!",
        "#",
        "?",
        "\"\"",
        "remind me",
        "snooze",
        "stop",
        "delete",
        "rename to",
        "move to",
        "every",
    ] {
        let _ = parse(msg, &ctx);
    }
    let far = Context::new("UTC", 253_402_300_000_000).unwrap();
    let _ = parse("remind me to renew in 2 years", &far);
}

/// Regression: a large count of units overflowed chrono's date arithmetic
/// (`NaiveDate + TimeDelta` panics) or `12 * n` months; such a date is now
/// refused as too far away.
#[test]
fn far_away_durations_are_refused() {
    let ctx = Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS).unwrap();
    for msg in [
        "call mom in 13200000weeks",
        "renew passport in 999999 years",
        "call mom in 400000 months",
        "call mom in 8000 years",
        "call mom 999999 weeks ago",
        "call mom 999999 years ago",
        "call mom in 4294967295h",
        "call mom in 4294967295min",
    ] {
        let p = parse(msg, &ctx);
        assert_eq!(p.intent.name(), "refuse", "{msg}: {}", p.explanation);
        assert!(
            p.explanation.contains("too far away"),
            "{msg}: {}",
            p.explanation
        );
    }
    let p = parse("call mom in 7000 years", &ctx);
    assert_eq!(p.intent.name(), "add_task", "{}", p.explanation);
}
