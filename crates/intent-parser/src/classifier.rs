//! A small learned second opinion on one question the rules answer worst on
//! phrasing they were not written against: is a message that the rules read
//! as a new task a to-do at all, or talk ("ok cool, that helps") or a
//! request the app cannot carry out ("call me an uber")?
//!
//! It is a multinomial logistic regression over hashed features (words,
//! word pairs, letter triples of words, the first and last word, a few
//! shapes of the message), trained by the build script on the development
//! sets (the `eval/dev*.jsonl` files and the phrase set; never the locked
//! set). The parser asks it only after the rules chose a bare new task, and
//! takes its answer only when it is confident (see `second_opinion.rs`);
//! everything else the rules read stays as they read it.
//!
//! This file is also compiled into the build script (`build.rs`), which
//! trains the model with [`train`] and writes the weights the parser embeds
//! (`second_opinion.rs`).

/// What a message is, as far as the model is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A new task (what the rules said).
    Todo,
    /// Talk that asks nothing: thanks, chit-chat, remarks.
    Talk,
    /// A request the app cannot carry out.
    OutOfScope,
    /// A command about tasks that already exist (complete, move, list …).
    Command,
}

pub const CLASSES: [Class; 4] = [Class::Todo, Class::Talk, Class::OutOfScope, Class::Command];

impl Class {
    /// The class of a phrase-set intent name.
    pub fn of_intent(intent: &str) -> Class {
        match intent {
            "add_task" => Class::Todo,
            "unknown" => Class::Talk,
            "refuse" => Class::OutOfScope,
            _ => Class::Command,
        }
    }

    /// Its place in [`CLASSES`], which lists the variants in order.
    fn index(self) -> usize {
        self as usize
    }
}

/// The development sets under `eval/` of the crate at `root`, in name
/// order: the training data, with `phrases.jsonl` (never `locked.jsonl`).
pub fn development_sets(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut sets: Vec<_> = std::fs::read_dir(root.join("eval"))
        .expect("eval/ is readable")
        .map(|e| e.expect("eval/ entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("dev") && name.ends_with(".jsonl")
        })
        .collect();
    sets.sort();
    sets
}

/// Hashed feature space: 2^16 buckets, so the weights stay small enough to
/// embed (4 classes × 65,536 × 2 bytes).
pub const BUCKETS: usize = 1 << 16;

/// Feature ids of a message, deduplicated.
pub fn features(message: &str) -> Vec<u32> {
    let lower = message.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect();
    // Numbers as their shape in words and pairs; the first and last word
    // as typed.
    let shaped: Vec<&str> = words.iter().map(|w| shape(w).unwrap_or(w)).collect();
    let mut out = Vec::with_capacity(words.len() * 3 + 8);
    let mut add = |parts: &[&str]| out.push(hash(parts));
    add(&["bias"]);
    for (w, shaped) in words.iter().zip(&shaped) {
        add(&["w", shaped]);
        if w == shaped && w.chars().count() > 3 {
            let padded: Vec<char> = format!("<{w}>").chars().collect();
            for g in padded.windows(3) {
                let g: String = g.iter().collect();
                add(&["c", &g]);
            }
        }
    }
    let mut previous = "<s>";
    for w in &shaped {
        add(&["b", previous, w]);
        previous = w;
    }
    add(&["b", previous, "</s>"]);
    if let Some(first) = words.first() {
        add(&["first", first]);
    }
    if let Some(last) = words.last() {
        add(&["last", last]);
    }
    let length = match words.len() {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=4 => "3-4",
        5..=8 => "5-8",
        _ => "9+",
    };
    add(&["len", length]);
    let trimmed = message.trim_end();
    if trimmed.ends_with('?') {
        add(&["ends", "?"]);
    }
    if trimmed.ends_with('!') {
        add(&["ends", "!"]);
    }
    if message
        .chars()
        .any(|c| !c.is_ascii() && !c.is_alphanumeric())
    {
        add(&["has", "symbol"]);
    }
    if message.contains(['"', '“', '”']) {
        add(&["has", "quote"]);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Numbers are one word each: "call at 5" and "call at 7" are the same.
fn shape(word: &str) -> Option<&'static str> {
    if word.chars().all(|c| c.is_ascii_digit()) {
        Some("<num>")
    } else if word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        Some("<num-word>")
    } else {
        None
    }
}

/// FNV-1a over the parts, with a separator, into the buckets.
fn hash(parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for part in parts {
        for b in part.bytes().chain([0x1f]) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h % BUCKETS as u32
}

/// Weights per bucket and class, as stored: little-endian `i16` in units
/// of [`SCALE`], read where they lie (an instance lives for one request, so
/// nothing is decoded up front).
pub struct Model {
    bytes: std::borrow::Cow<'static, [u8]>,
}

impl Model {
    pub fn from_bytes(bytes: impl Into<std::borrow::Cow<'static, [u8]>>) -> Option<Model> {
        let bytes = bytes.into();
        (bytes.len() == BUCKETS * CLASSES.len() * 2).then_some(Model { bytes })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The class probabilities of `message`, in the order of [`CLASSES`].
    pub fn probabilities(&self, message: &str) -> [f32; 4] {
        let mut s = [0f32; 4];
        for f in features(message) {
            let at = f as usize * 8;
            for (k, v) in s.iter_mut().enumerate() {
                let b = &self.bytes[at + 2 * k..at + 2 * k + 2];
                *v += f32::from(i16::from_le_bytes([b[0], b[1]])) * SCALE;
            }
        }
        softmax(s)
    }
}

/// One step of the stored weights.
pub const SCALE: f32 = 1.0 / 2048.0;

fn softmax(s: [f32; 4]) -> [f32; 4] {
    let max = s.iter().copied().fold(f32::MIN, f32::max);
    let e = s.map(|v| (v - max).exp());
    let sum: f32 = e.iter().sum();
    e.map(|v| v / sum)
}

/// Trains on `(message, class)` pairs: stochastic gradient descent on the
/// cross-entropy with L2 decay, in an order fixed by a seeded shuffle so
/// that every build trains the same model.
pub fn train(examples: &[(String, Class)]) -> Model {
    let encoded: Vec<(Vec<u32>, usize)> = examples
        .iter()
        .map(|(m, c)| (features(m), c.index()))
        .collect();
    let mut weights = vec![[0f32; 4]; BUCKETS];
    let scores = |weights: &[[f32; 4]], features: &[u32]| {
        let mut s = [0f32; 4];
        for &f in features {
            for (k, v) in s.iter_mut().enumerate() {
                *v += weights[f as usize][k];
            }
        }
        s
    };
    let mut order: Vec<usize> = (0..encoded.len()).collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    const EPOCHS: usize = 8;
    const L2: f32 = 1e-6;
    for epoch in 0..EPOCHS {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let rate = 0.2 / (1.0 + epoch as f32);
        for &i in &order {
            let (features, class) = &encoded[i];
            let p = softmax(scores(&weights, features));
            for &f in features {
                let w = &mut weights[f as usize];
                for k in 0..4 {
                    let target = if k == *class { 1.0 } else { 0.0 };
                    w[k] -= rate * ((p[k] - target) + L2 * w[k]);
                }
            }
        }
    }
    let mut bytes = Vec::with_capacity(BUCKETS * 8);
    for w in &weights {
        for v in w {
            let q = (v / SCALE)
                .round()
                .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
            bytes.extend_from_slice(&q.to_le_bytes());
        }
    }
    Model {
        bytes: bytes.into(),
    }
}
