//! Property tests: no message makes the parser panic or run long.
//!
//! A panic inside the chat component is a Wasm trap, which the host answers
//! with an empty 500; every message must get an intent instead.

use std::time::{Duration, Instant};

use intent_parser::{eval, parse, parse_new_task, Context, Intent, TaskRef};
use proptest::prelude::*;

mod common;
use common::VOCABULARY;

fn contexts() -> Vec<Context> {
    vec![
        Context::new("Europe/Berlin", eval::REFERENCE_UTC_MS)
            .unwrap()
            .with_last_task(Some(TaskRef::new("t", "Something"))),
        Context::new("Pacific/Kiritimati", eval::REFERENCE_UTC_MS).unwrap(),
        // Late in the range of dates the rest of the system accepts.
        Context::new("America/St_Johns", 253_402_300_000_000).unwrap(),
    ]
}

/// A token: a vocabulary word, a number (small, large or beyond u32/u64),
/// a number glued to a unit, or arbitrary text including non-ASCII.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(VOCABULARY).prop_map(str::to_owned),
        1 => (0u64..100).prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => "[0-9]{10,30}",
        1 => ("[0-9]{1,25}", proptest::sample::select(&["m", "h", "d", "min", "days", "weeks", "st", "th", "pm", ":00"][..]))
            .prop_map(|(n, u)| format!("{n}{u}")),
        1 => "[a-zé日🙂\u{301}\u{200d}’!.:'#]{1,6}",
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn message() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(token(), 0..14),
        proptest::sample::select(&[" ", "", "  ", "\t", ", "][..]),
    )
        .prop_map(|(words, glue)| words.join(glue))
}

/// The number of cases, raised with `PROPTEST_CASES` for a longer search.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn check(msg: &str, contexts: &[Context]) {
    for ctx in contexts {
        let started = Instant::now();
        let p = parse(msg, ctx);
        assert!(!p.explanation.contains('\n'), "{msg:?}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{msg:?} took {:?}",
            started.elapsed()
        );
        // Quick add shows each part over the typed text: every part lies
        // inside the message, on character boundaries.
        let q = parse_new_task(msg, ctx, &[]);
        for s in &q.spans {
            assert!(
                s.start < s.end
                    && s.end <= msg.len()
                    && msg.is_char_boundary(s.start)
                    && msg.is_char_boundary(s.end),
                "{msg:?}: {s:?}"
            );
        }
    }
}

proptest! {
    // Failures are kept as plain regression tests in the crate instead of a
    // persistence file.
    #![proptest_config(ProptestConfig {
        cases: cases(2000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_string_parses_without_panic(msg in any::<String>()) {
        check(&msg, &contexts());
    }

    #[test]
    fn vocabulary_mixes_parse_without_panic(msg in message()) {
        check(&msg, &contexts());
    }

    #[test]
    fn any_reference_instant_parses_without_panic(
        now in prop_oneof![any::<i64>(), -62_135_596_800_000i64..253_402_300_799_999],
        tz in proptest::sample::select(&["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"][..]),
        msg in message(),
    ) {
        check(&msg, &[Context::new(tz, now).unwrap()]);
    }

    #[test]
    fn prefixed_commands_parse_without_panic(
        lead in proptest::sample::select(&[
            "remind me to ", "remind me ", "remind me in ", "snooze for ", "snooze until ",
            "add ", "move it to ", "every ", "call mom in ", "pay rent every ", "in ",
            "rename it to ", "what's due ", "delete ", "remind me about ",
        ][..]),
        rest in message(),
    ) {
        check(&format!("{lead}{rest}"), &contexts());
    }

    /// Small talk is not a request: it never adds a task.
    #[test]
    fn small_talk_creates_nothing(
        words in proptest::collection::vec(
            proptest::sample::select(&[
                "ok", "okay", "cool", "thanks", "thank you", "thx", "lol", "nice", "great",
                "hi", "hello", "hey", "hmm", "wow", "awesome", "good morning", "bye", "sure",
                "perfect", "haha", "got it", "sounds good",
            ][..]),
            1..4,
        ),
        end in proptest::sample::select(&["", "!", ".", " :)", " 👍", "!!"][..]),
    ) {
        let msg = format!("{}{end}", words.join(" "));
        let p = parse(&msg, &contexts()[0]);
        prop_assert!(!matches!(p.intent, Intent::AddTask { .. }), "{msg:?} became {:?}", p.intent);
    }

    /// Words that are not scheduling, priority or tag words are never
    /// dropped from a new task's title, whatever is said around them.
    #[test]
    fn plain_words_stay_in_the_title(
        lead in proptest::sample::select(&["", "add ", "please add ", "new task: ", "todo: "][..]),
        words in proptest::collection::vec(
            proptest::sample::select(&[
                "buy", "milk", "plumber", "fix", "bike", "Anna", "report", "draft", "garden",
                "laundry", "oil", "paint", "fence", "renew", "passport", "clean", "garage",
                "water", "plants", "parts", "kids", "bake", "bread", "review", "slides",
                "invoice", "car", "wash", "letters", "insurance", "gift", "Lena", "tyres",
                "3", "12", "kitchen", "window", "boxes", "photos", "tax", "forms",
            ][..]),
            1..6,
        ),
        tail in proptest::sample::select(&[
            "", " tomorrow", " every monday", " !high", " #home", " at 5pm", " by friday",
            " next week, high priority", " every 2 days #chores", " tomorrow at 9, remind me 1 hour before",
        ][..]),
    ) {
        // A title opens with a word that reads as one ("Buy …"), as people write them.
        let title_words = std::iter::once("Buy").chain(words.iter().copied()).collect::<Vec<_>>();
        let msg = format!("{lead}{}{tail}", title_words.join(" "));
        let p = parse(&msg, &contexts()[0]);
        match &p.intent {
            Intent::AddTask { title, .. } => {
                let said: Vec<String> = title.split_whitespace().map(str::to_lowercase).collect();
                let want: Vec<String> = title_words.iter().map(|w| w.to_lowercase()).collect();
                prop_assert_eq!(said, want, "{:?} gave the title {:?}", msg, title);
            }
            other => prop_assert!(false, "{:?} became {:?}", msg, other),
        }
    }

    /// Quoted text is never interpreted: whatever scheduling, priority or
    /// tag words it holds, a new task keeps it in its title as typed.
    #[test]
    fn quoted_text_stays_in_the_title(
        before in proptest::sample::select(&["Watch", "add Read", "Buy the book", "listen to"][..]),
        // Anything but the quote mark itself, which would end the quote.
        inner in proptest::collection::vec(
            proptest::sample::select(VOCABULARY)
                .prop_filter("no quote marks", |w| !w.contains(['"', '“', '”', '‘', '’', '«', '»'])),
            1..6,
        ),
        after in proptest::sample::select(&["", " tomorrow", " #fun", " !high", " every monday"][..]),
    ) {
        let quoted = format!("\"Q {}\"", inner.join(" "));
        let msg = format!("{before} {quoted}{after}");
        let ctx = &contexts()[0];
        let p = parse(&msg, ctx);
        if let Intent::AddTask { title, .. } = &p.intent {
            // Runs of spaces are one space in a title; nothing else changes.
            let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert!(
                squeeze(title).contains(&squeeze(&quoted)),
                "{msg:?} gave the title {title:?}"
            );
            let start = msg.find(&quoted).unwrap();
            let end = start + quoted.len();
            prop_assert!(
                p.spans.iter().all(|s| s.end <= start || s.start >= end),
                "{msg:?}: a part was read inside the quotes: {:?}",
                p.spans
            );
        }
    }
}

#[test]
fn long_messages_finish_fast() {
    let ctx = contexts();
    for msg in [
        "every ".repeat(5_000),
        "remind me to ".repeat(3_000),
        "é".repeat(60_000),
        "in 3 days ".repeat(2_000),
        "a".repeat(100_000),
        "!".repeat(50_000),
        "#tag ".repeat(10_000),
        "( ".repeat(10_000),
        "\u{301}".repeat(30_000),
    ] {
        let started = Instant::now();
        for c in &ctx {
            let _ = parse(&msg, c);
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{}… ({} bytes) took {:?}",
            msg.chars().take(20).collect::<String>(),
            msg.len(),
            started.elapsed()
        );
    }
}
