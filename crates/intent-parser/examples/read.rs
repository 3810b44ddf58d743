//! Reads each argument as a chat message at the phrase set's reference
//! instant and prints the intent in the phrase set's notation.
//!
//! `cargo run -p intent-parser --example read -- "call mom tomorrow at 6pm" …`

use intent_parser::{eval, parse_with, second_opinion, TaskRef};

fn main() {
    for msg in std::env::args().skip(1) {
        // NO_LAST=1: no task under discussion.
        let last = std::env::var_os("NO_LAST").is_none();
        let ctx = eval::reference_context(last.then(|| TaskRef::new("t-1", "Earlier task")));
        // RULES_ONLY=1: without the learned second opinion.
        let model = second_opinion::embedded();
        let model = std::env::var_os("RULES_ONLY").is_none().then_some(&model);
        let parsed = parse_with(&msg, &ctx, model);
        println!(
            "{msg:?}\n  {}\n  {}",
            eval::canonical(&parsed.intent, ctx.timezone),
            parsed.explanation
        );
    }
}
