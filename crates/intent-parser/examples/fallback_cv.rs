//! Cross-validates the parser's learned second opinion (`classifier.rs`,
//! `second_opinion.rs`) by set: the development sets are split into five
//! groups, and each group is read by the rules with a model trained on
//! the phrase set and the other four groups. Prints the lines the model
//! fixed and broke compared with the rules alone; a set the model was
//! trained on would flatter it, so these are the figures to trust (the
//! accuracy example's figures on development sets are read with the model
//! trained on every set).
//!
//!     cargo run --release -p intent-parser --example fallback_cv

use intent_parser::classifier::{self, Class};
use intent_parser::{eval, parse_with};

const FOLDS: usize = 5;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |path: &std::path::Path| {
        let text = std::fs::read_to_string(path).expect("set is readable");
        eval::load_cases(&text).expect("set parses")
    };
    let sets: Vec<Vec<eval::Case>> = classifier::development_sets(root.as_ref())
        .iter()
        .map(|p| read(p))
        .collect();
    let phrases = read(format!("{root}/phrases.jsonl").as_ref());
    let example = |c: &eval::Case| (c.message.clone(), Class::of_intent(&c.expected_intent()));
    let (mut lines, mut fixed, mut broken) = (0, 0, 0);
    for fold in 0..FOLDS {
        let mut training: Vec<_> = phrases.iter().map(example).collect();
        for (i, set) in sets.iter().enumerate() {
            if i % FOLDS != fold {
                training.extend(set.iter().map(example));
            }
        }
        let model = classifier::train(&training);
        for set in sets.iter().skip(fold).step_by(FOLDS) {
            for case in set {
                lines += 1;
                let ctx = eval::reference_context(case.last_task.clone());
                let right = |parsed: intent_parser::Parsed| {
                    let actual = eval::canonical(&parsed.intent, ctx.timezone);
                    eval::compare(&case.expected, &actual).is_empty()
                };
                let before = right(parse_with(&case.message, &ctx, None));
                let after = right(parse_with(&case.message, &ctx, Some(&model)));
                match (before, after) {
                    (false, true) => {
                        fixed += 1;
                        println!("fixed:  {:?}", case.message);
                    }
                    (true, false) => {
                        broken += 1;
                        println!("broken: {:?}", case.message);
                    }
                    _ => {}
                }
            }
        }
    }
    println!("{lines} development lines in {FOLDS} folds: {fixed} fixed, {broken} broken");
}
