//! The learned second opinion on a message the rules read as a bare new
//! task (a title and nothing else): when the model trained by the build
//! script (see `classifier.rs`) is confident that it is talk or a request
//! the app cannot carry out, that is the reading. A task with a date, a
//! level, a tag, a repeat rule or a reminder is never second-guessed, nor
//! one the user asked for in so many words ("add …"), and the reply tells
//! the user how to add it as a task after all: by saying "add …".
//!
//! Cross-validated by set over the development sets (`cargo run --release
//! -p intent-parser --example fallback_cv`, each fold trained without the
//! sets it is scored on), the threshold below fixed 12 lines for 1 it broke.

use crate::classifier::{Class, Model, CLASSES};
use crate::Intent;

/// How sure the model must be before its reading replaces the rules'.
const CONFIDENT: f32 = 0.9;

static WEIGHTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/classifier.bin"));

/// The model the build script trained.
pub fn embedded() -> Model {
    Model::from_bytes(WEIGHTS).expect("the build script writes weights of the model's size")
}

/// What `model` would read `message` as instead of `intent`, if anything.
pub(crate) fn instead(model: &Model, message: &str, intent: &Intent) -> Option<Intent> {
    let Intent::AddTask {
        title,
        due: None,
        priority: None,
        tags,
        recurrence: None,
        reminders,
    } = intent
    else {
        return None;
    };
    if !tags.is_empty() || !reminders.is_empty() || crate::grammar::asks_for_a_task(message) {
        return None;
    }
    let p = model.probabilities(message);
    let (best, sure) =
        p.iter()
            .copied()
            .enumerate()
            .fold((0, 0f32), |a, (k, v)| if v > a.1 { (k, v) } else { a });
    if sure < CONFIDENT {
        return None;
    }
    match CLASSES[best] {
        Class::Talk => Some(Intent::Unknown {
            hint: format!("If it is something to do, say “add {title}”."),
        }),
        Class::OutOfScope => Some(Intent::Refuse {
            reason: format!("{} Say “add {title}”.", crate::CANNOT_DO),
        }),
        Class::Todo | Class::Command => None,
    }
}
