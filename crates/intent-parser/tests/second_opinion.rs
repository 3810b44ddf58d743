//! The learned second opinion (`src/second_opinion.rs`) only ever turns a
//! bare new task into talk or a refusal, never touches a task with details,
//! and always says how to add the task after all.

use intent_parser::classifier::{self, Class};
use intent_parser::{eval, parse, parse_with, Intent};

fn phrase_set() -> Vec<eval::Case> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/phrases.jsonl"))
        .expect("phrase set");
    eval::load_cases(&text).expect("phrase set parses")
}

#[test]
fn a_task_with_details_is_never_second_guessed() {
    // A model that calls everything talk, sure of it: trained on the very
    // messages it is shown, each labelled talk.
    let all_talk = classifier::train(
        &phrase_set()
            .into_iter()
            .map(|c| (c.message, Class::Talk))
            .collect::<Vec<_>>(),
    );
    let mut turned_away = 0;
    for case in phrase_set() {
        let ctx = eval::reference_context(case.last_task.clone());
        let rules = parse_with(&case.message, &ctx, None);
        let second = parse_with(&case.message, &ctx, Some(&all_talk));
        match &rules.intent {
            Intent::AddTask {
                due,
                priority,
                tags,
                recurrence,
                reminders,
                ..
            } if due.is_some()
                || priority.is_some()
                || !tags.is_empty()
                || recurrence.is_some()
                || !reminders.is_empty() =>
            {
                assert_eq!(rules, second, "{:?}", case.message)
            }
            Intent::AddTask { .. } if rules.alternative.is_none() => {
                turned_away += usize::from(matches!(second.intent, Intent::Unknown { .. }));
            }
            _ => assert_eq!(rules, second, "{:?}", case.message),
        }
    }
    // The model is sure enough to act: the check above is not vacuous.
    assert!(
        turned_away > 0,
        "the all-talk model turned no bare task away"
    );
}

#[test]
fn what_the_model_turns_away_can_be_added_in_one_step() {
    let ctx = eval::reference_context(None);
    let all_talk = classifier::train(&vec![("coffee time".to_string(), Class::Talk); 50]);
    let all_out = classifier::train(&vec![("coffee time".to_string(), Class::OutOfScope); 50]);
    for model in [&all_talk, &all_out] {
        let read = parse_with("coffee time", &ctx, Some(model));
        let said = match &read.intent {
            Intent::Unknown { hint } => hint,
            Intent::Refuse { reason } => reason,
            other => panic!("not turned away: {other:?}"),
        };
        let (_, suggestion) = said.split_once('“').expect("a suggestion in quotes");
        let suggestion = suggestion.trim_end_matches(['”', '.']);
        match parse(suggestion, &ctx).intent {
            Intent::AddTask { title, .. } => assert_eq!(title, "Coffee time"),
            other => panic!("{suggestion:?} read as {other:?}"),
        }
    }
}

#[test]
fn the_embedded_model_reads_the_phrase_set_as_the_rules_do() {
    // The phrase set is written against the rules and trained on: the
    // model must not override any of it.
    for case in phrase_set() {
        let ctx = eval::reference_context(case.last_task.clone());
        assert_eq!(
            parse(&case.message, &ctx),
            parse_with(&case.message, &ctx, None),
            "{:?}",
            case.message
        );
    }
}

#[test]
fn training_is_deterministic() {
    let examples: Vec<(String, Class)> = phrase_set()
        .iter()
        .map(|c| (c.message.clone(), Class::of_intent(&c.expected_intent())))
        .collect();
    assert_eq!(
        classifier::train(&examples).as_bytes(),
        classifier::train(&examples).as_bytes()
    );
}
