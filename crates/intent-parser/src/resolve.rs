//! Finding the task a message names among the user's tasks.

use crate::{Resolution, TaskRef, TaskTarget};

/// Words that do not help tell tasks apart.
const STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "my",
    "to",
    "of",
    "for",
    "task",
    "todo",
    "item",
    "reminder",
    "reminders",
    "series",
    "and",
    "on",
    "in",
    "at",
    "with",
    "that",
    "this",
    "our",
    "your",
    "it",
];

/// Light stemming so that "reports" ~ "report", "meetings" ~ "meeting",
/// "exercising" ~ "exercise", "called" ~ "call".
fn stem(w: &str) -> String {
    let mut w = w.trim_end_matches("'s").to_string();
    let len = |s: &String| s.chars().count();
    if len(&w) > 4 && w.ends_with("ies") {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if len(&w) > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w.pop();
    }
    if len(&w) > 5 && w.ends_with("ing") {
        w.truncate(w.len() - 3);
    } else if len(&w) > 4 && w.ends_with("ed") {
        w.truncate(w.len() - 2);
    }
    if len(&w) > 3 && w.ends_with('e') {
        w.pop();
    }
    w
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .replace(['’', 'ʼ'], "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_string())
        .collect()
}

fn key_words(s: &str) -> Vec<String> {
    let all = words(s);
    let kept: Vec<String> = all
        .iter()
        .filter(|w| !STOP.contains(&w.as_str()))
        .map(|w| stem(w))
        .collect();
    if kept.is_empty() {
        all.iter().map(|w| stem(w)).collect()
    } else {
        kept
    }
}

/// At most one edit apart (insert, delete or substitute), for typos.
fn near(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

fn word_matches(q: &str, t: &str) -> bool {
    q == t
        || (q.chars().count() >= 4 && t.starts_with(q))
        || (q.chars().count() >= 5 && t.chars().count() >= 5 && near(q, t))
}

/// How well a title matches: 0 no match; 1 every query word found;
/// 2 the same words; 3 the same text.
fn score(query: &str, title: &str) -> u8 {
    let norm = |s: &str| words(s).join(" ");
    if norm(query) == norm(title) {
        return 3;
    }
    let q = key_words(query);
    let t = key_words(title);
    if q.is_empty() {
        return 0;
    }
    if !q.iter().all(|qw| t.iter().any(|tw| word_matches(qw, tw))) {
        return 0;
    }
    let mut qs = q.clone();
    let mut ts = t.clone();
    qs.sort();
    ts.sort();
    if qs == ts {
        2
    } else {
        1
    }
}

/// Matches a target against the user's tasks: case-insensitive, by words,
/// ignoring little words ("the", "my", "task") and plural/-ing/-ed endings,
/// tolerating one typo in longer words. An exact title wins over partial
/// matches; several equally good matches need a clarifying question.
/// A [`TaskTarget::LastTask`] resolves to its own id.
pub fn resolve_target(target: &TaskTarget, candidates: &[TaskRef]) -> Resolution {
    let query = match target {
        TaskTarget::LastTask(t) => return Resolution::One(t.id.clone()),
        TaskTarget::Name(n) => n,
    };
    let scored: Vec<(u8, &TaskRef)> = candidates
        .iter()
        .map(|c| (score(query, &c.title), c))
        .filter(|(s, _)| *s > 0)
        .collect();
    let Some(best) = scored.iter().map(|(s, _)| *s).max() else {
        return Resolution::None;
    };
    let top: Vec<TaskRef> = scored
        .iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, c)| (*c).clone())
        .collect();
    if top.len() == 1 {
        return Resolution::One(top[0].id.clone());
    }
    let question = clarifying_question(&top);
    Resolution::Many {
        candidates: top,
        question,
    }
}

/// `Which one: “Submit report” or “Quarterly report”?`
pub fn clarifying_question(candidates: &[TaskRef]) -> String {
    let quoted: Vec<String> = candidates
        .iter()
        .map(|c| format!("“{}”", c.title))
        .collect();
    match quoted.len() {
        0 => "Which task do you mean?".to_string(),
        1 => format!("Do you mean {}?", quoted[0]),
        n => format!(
            "Which one: {} or {}?",
            quoted[..n - 1].join(", "),
            quoted[n - 1]
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks() -> Vec<TaskRef> {
        vec![
            TaskRef::new("1", "Submit report"),
            TaskRef::new("2", "Quarterly report"),
            TaskRef::new("3", "Exercise"),
            TaskRef::new("4", "Meeting with Sarah"),
            TaskRef::new("5", "Report"),
            TaskRef::new("6", "Call the dentist"),
        ]
    }

    fn name(s: &str) -> TaskTarget {
        TaskTarget::Name(s.into())
    }

    #[test]
    fn ambiguous_names_ask() {
        let ts = &tasks()[..2];
        match resolve_target(&name("report"), ts) {
            Resolution::Many {
                candidates,
                question,
            } => {
                assert_eq!(candidates.len(), 2);
                assert_eq!(
                    question,
                    "Which one: “Submit report” or “Quarterly report”?"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn exact_title_wins() {
        assert_eq!(
            resolve_target(&name("the report"), &tasks()),
            Resolution::One("5".into())
        );
        assert_eq!(
            resolve_target(&name("REPORT"), &tasks()),
            Resolution::One("5".into())
        );
    }

    #[test]
    fn words_stems_and_typos() {
        let ts = tasks();
        assert_eq!(
            resolve_target(&name("quarterly reports"), &ts),
            Resolution::One("2".into())
        );
        assert_eq!(
            resolve_target(&name("exercising"), &ts),
            Resolution::One("3".into())
        );
        assert_eq!(
            resolve_target(&name("my exercise reminder"), &ts),
            Resolution::One("3".into())
        );
        assert_eq!(
            resolve_target(&name("meeting with sara"), &ts),
            Resolution::One("4".into())
        );
        assert_eq!(
            resolve_target(&name("dentist"), &ts),
            Resolution::One("6".into())
        );
        assert_eq!(
            resolve_target(&name("quartely report"), &ts),
            Resolution::One("2".into())
        );
        assert_eq!(resolve_target(&name("groceries"), &ts), Resolution::None);
    }

    #[test]
    fn last_task_is_itself() {
        let t = TaskTarget::LastTask(TaskRef::new("9", "Anything"));
        assert_eq!(resolve_target(&t, &tasks()), Resolution::One("9".into()));
    }

    #[test]
    fn question_lists_three() {
        let ts = &tasks()[..3];
        assert_eq!(
            clarifying_question(ts),
            "Which one: “Submit report”, “Quarterly report” or “Exercise”?"
        );
    }
}
