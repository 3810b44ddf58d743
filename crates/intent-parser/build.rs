//! Trains the parser's learned second opinion (`src/classifier.rs`) on the
//! development sets and the phrase set, and writes its weights to
//! `$OUT_DIR/classifier.bin` for `src/second_opinion.rs` to embed. The
//! locked evaluation set is never read. Training is deterministic, so every
//! build embeds the same weights.

#[path = "src/classifier.rs"]
#[allow(dead_code)]
mod classifier;

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=src/classifier.rs");
    println!("cargo:rerun-if-changed=phrases.jsonl");
    println!("cargo:rerun-if-changed=eval");
    let mut files = vec![root.join("phrases.jsonl")];
    files.extend(classifier::development_sets(root));
    let mut examples = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("training set is readable");
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: {e}: {line}", file.display()));
            let (Some(message), Some(intent)) =
                (v["message"].as_str(), v["expected"]["intent"].as_str())
            else {
                panic!("{}: no message or intent: {line}", file.display());
            };
            examples.push((message.to_string(), classifier::Class::of_intent(intent)));
        }
    }
    let model = classifier::train(&examples);
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("classifier.bin");
    std::fs::write(out, model.as_bytes()).expect("OUT_DIR is writable");
}
