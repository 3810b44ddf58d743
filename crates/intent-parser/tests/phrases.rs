//! Every line of the phrase set must be read as expected: it is the set the
//! rules are written against, so a line that fails is a rule broken by a
//! later one (the development and locked sets measure generalisation).
//! Every seed sentence of the issue must be in it.

use intent_parser::eval;

const PHRASES: &str = include_str!("../phrases.jsonl");

const SEEDS: &[&str] = &[
    "Create a task called Review PR with high priority",
    "Remind me to exercise every Monday",
    "Pay bills on the 1st of every month",
    "Add recurring task: team standup every weekday at 9am",
    "Add task Submit report due yesterday",
    "Meeting with Sarah at 3pm",
    "remind me 15 minutes before",
    "Stop my exercise reminder",
    "remind me yesterday",
];

#[test]
fn every_phrase_is_read_as_expected() {
    let cases = eval::load_cases(PHRASES).expect("phrase set parses");
    assert!(cases.len() >= 160, "only {} phrases", cases.len());
    let report = eval::run(&cases);
    let text = report.render();
    println!("{text}");
    assert!(
        report.results.iter().all(|r| r.passed()),
        "accuracy {:.1}%, and every line must pass:\n{text}",
        report.accuracy() * 100.0
    );
}

#[test]
fn every_intent_is_covered() {
    let cases = eval::load_cases(PHRASES).unwrap();
    for name in eval::INTENTS {
        assert!(
            cases.iter().any(|c| c.expected_intent() == *name),
            "no phrase expects {name}"
        );
    }
}

#[test]
fn seed_sentences_are_in_the_set_and_pass() {
    let cases = eval::load_cases(PHRASES).unwrap();
    let report = eval::run(&cases);
    for seed in SEEDS {
        let found: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.case.message == *seed)
            .collect();
        assert!(
            !found.is_empty(),
            "seed {seed:?} is missing from phrases.jsonl"
        );
        for r in found {
            assert!(
                r.passed(),
                "seed {seed:?} (line {}) failed: {:?}\n  read as: {}",
                r.case.line,
                r.diffs,
                r.explanation
            );
        }
    }
}
