//! Prints the parser's accuracy on the phrase set, per intent and overall,
//! and lists every message read differently from its expected result.
//!
//!     cargo run -p intent-parser --example accuracy [path/to/phrases.jsonl]
//!
//! The locked evaluation set (`eval/locked.jsonl`) is only ever scored: its
//! failures are not printed, so nobody tunes the parser against it.

use intent_parser::eval;

fn main() {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/phrases.jsonl");
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| default.to_string());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let cases = match eval::load_cases(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let report = eval::run(&cases);
    let locked = std::path::Path::new(&path).file_name() == Some("locked.jsonl".as_ref());
    if locked {
        print!("{}", report.render_scores());
        println!("\n(failures of the locked set are not printed)");
    } else {
        print!("{}", report.render());
    }
}
