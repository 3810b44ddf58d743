//! Commands on an existing task said in any order and with asides:
//! "the tyres task really isn't urgent, can you lower it?", "visa task:
//! delete", "oops, I ticked off the hairdresser task by mistake, can you
//! undo that?", "design crit, no more repeats pls".
//!
//! The matchers in the parent module read a command that opens the
//! message. What they leave is read here in two steps: first each clause on
//! its own with those matchers (the rest being asides or naming the task);
//! then by what the message is about (a task named with the word "task",
//! quoted, or as "it"/"that one") and what it asks (a cue word such as
//! "delete", "done", "no more repeats", "remind", "instead").

use super::{
    any_word, quoted_tokens, seq, strip_filler, w, words_of, Out, Parser, ASIDE_WORDS,
    REMARK_OPENERS,
};
use crate::text::{self, Tok};
use crate::when::{self, When};
use crate::{Intent, Priority, ReminderSpec, TaskTarget};

/// What a message asks to do with a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Snooze,
    Stop,
    Resume,
    Remind,
    Rename,
    Priority,
    Reschedule,
    Reopen,
    Complete,
    Delete,
}

/// Punctuation between clauses.
fn is_break(x: &Tok) -> bool {
    matches!(
        x.low.as_str(),
        "," | "?" | ";" | "." | ":" | "-" | "–" | "—" | "…" | "->" | "=>" | "(" | ")"
    ) || (!x.low.is_empty() && x.low.chars().all(|c| c == '!'))
}

/// The clauses of `t` as token ranges, split at punctuation outside quotes.
fn clauses(t: &[Tok]) -> Vec<(usize, usize)> {
    let quoted = quoted_tokens(t);
    let mut out = Vec::new();
    let mut a = 0;
    for i in 0..t.len() {
        if !quoted[i] && is_break(&t[i]) {
            if i > a {
                out.push((a, i));
            }
            a = i + 1;
        }
    }
    if a < t.len() {
        out.push((a, t.len()));
    }
    out
}

/// Interjections and remarks that carry nothing for the command.
const CHATTER: &[&str] = &[
    "oops",
    "wrong",
    "one-off",
    "make",
    "busy",
    "driving",
    "later",
    "ugh",
    "hmm",
    "hm",
    "ok",
    "okay",
    "so",
    "well",
    "oh",
    "ah",
    "actually",
    "honestly",
    "lol",
    "yay",
    "woohoo",
    "finally",
    "sorry",
    "wait",
    "hey",
    "hi",
    "hiya",
    "psst",
    "damn",
    "argh",
    "great",
    "cool",
    "nice",
    "alright",
    "right",
    "now",
    "not",
    "yet",
    "after",
    "all",
    "still",
    "really",
    "anymore",
    "happening",
    "mistake",
    "by",
    "pls",
    "please",
    "thanks",
];

/// Words that never start a task's name when walking back from "task".
const NAME_STOP: &[&str] = &[
    "i",
    "you",
    "we",
    "can",
    "could",
    "would",
    "will",
    "please",
    "pls",
    "is",
    "are",
    "was",
    "not",
    "don't",
    "dont",
    "need",
    "want",
    "on",
    "for",
    "about",
    "to",
    "from",
    "of",
    "mark",
    "delete",
    "remove",
    "rm",
    "drop",
    "unmark",
    "reopen",
    "put",
    "set",
    "move",
    "make",
    "strike",
    "tick",
    "check",
    "cross",
    "close",
    "complete",
    "finish",
    "rename",
    "call",
    "snooze",
    "stop",
    "resume",
    "restart",
    "reminder",
    "remind",
    "me",
    "off",
    "off",
    "ticked",
    "checked",
    "actually",
    "honestly",
    "oops",
    "and",
    "but",
    "so",
    "ok",
    "okay",
    "the",
    "my",
    "a",
    "an",
    "that",
    "this",
    "it",
    "priority",
    "prio",
    "lower",
    "raise",
    "bump",
    "undo",
    "in",
    "with",
    "recurring",
    "repeating",
    "like",
    "i'd",
    "stopp",
    "end",
    "cancel",
];

const PRONOUN_WORDS: &[&str] = &["it", "that", "this", "them"];

/// Words after "it"/"that" that make it the subject of a remark ("it got
/// cancelled", "that is not happening") rather than the task acted on.
const SUBJECT_NEXT: &[&str] = &[
    "is",
    "was",
    "got",
    "has",
    "keeps",
    "isn't",
    "wasn't",
    "will",
    "did",
    "does",
    "didn't",
    "doesn't",
    "'s",
    "went",
    "needs",
    "should",
    "shouldn't",
    "can",
    "can't",
    "i",
    "you",
];

/// A task the message names: "the X task", "the task about X", or quoted.
fn named_task(t: &[Tok]) -> Option<(usize, usize)> {
    task_word_name(t).or_else(|| quoted_name(t))
}

fn quoted_name(t: &[Tok]) -> Option<(usize, usize)> {
    let quoted = quoted_tokens(t);
    let a = (0..t.len()).find(|&i| quoted[i])?;
    let b = (a..t.len()).find(|&i| !quoted[i]).unwrap_or(t.len());
    Some((a, b))
}

/// "the X task", "the task about X".
fn task_word_name(t: &[Tok]) -> Option<(usize, usize)> {
    let is_task = |i: usize| matches!(w(t, i), "task" | "todo" | "to-do" | "item");
    let quoted = quoted_tokens(t);
    for k in 0..t.len() {
        if !is_task(k) {
            continue;
        }
        // "vitamin D reminder: snooze 10 min".
        if w(t, k) == "reminder" && w(t, k + 1) == ":" && k > 0 {
            let a = (0..k)
                .rev()
                .take_while(|&i| !is_break(&t[i]))
                .last()
                .unwrap_or(k);
            if a < k {
                return Some((a, k));
            }
        }
        // "the task 'tyres'".
        if quoted.get(k + 2).copied().unwrap_or(false) && !quoted[k] {
            let a = k + 2;
            let b = (a..t.len()).find(|&i| !quoted[i]).unwrap_or(t.len());
            return Some((a, b));
        }
        // "the task about X", "task called X".
        if matches!(
            w(t, k + 1),
            "about" | "for" | "called" | "named" | "titled" | "with"
        ) {
            let a = k + 2;
            let b = (a..t.len())
                .find(|&i| is_break(&t[i]) || matches!(w(t, i), "to" | "as" | "is" | "should"))
                .unwrap_or(t.len());
            if b > a {
                return Some((a, b));
            }
        }
        // "the 'Cancel amazon prime' task".
        if k >= 2 && quoted[k - 2] && !quoted[k - 1] {
            let b = k - 1;
            let a = (0..b).rev().take_while(|&i| quoted[i]).last().unwrap_or(b);
            return Some((a, b));
        }
        // "the task call the bank": the name right after "the task".
        if k > 0
            && w(t, k - 1) == "the"
            && k + 1 < t.len()
            && !is_break(&t[k + 1])
            && !matches!(
                w(t, k + 1),
                "is" | "should"
                    | "needs"
                    | "has"
                    | "was"
                    | "to"
                    | "for"
                    | "on"
                    | "as"
                    | "about"
                    | "called"
                    | "named"
                    | "with"
                    | "and"
                    | "it"
                    | "that"
                    | "from"
                    | "off"
                    | "back"
                    // ("write up the task list for the intern": a thing.)
                    | "list"
                    | "lists"
                    | "board"
                    | "manager"
                    | "app"
            )
        {
            let a = k + 1;
            let b = (a..t.len())
                .find(|&i| {
                    is_break(&t[i]) || matches!(w(t, i), "to" | "as" | "into" | "for" | "on")
                })
                .unwrap_or(t.len());
            if b > a {
                return Some((a, b));
            }
        }
        // "the X task".
        let mut a = k;
        while a > 0 && !is_break(&t[a - 1]) && !NAME_STOP.contains(&w(t, a - 1)) {
            a -= 1;
        }
        // "dinner with the müllers task", "1:1 w/ Jess task": a name goes on
        // across a preposition (and its article) to the name word before.
        loop {
            let mut j = a;
            if j > 0 && matches!(w(t, j - 1), "the" | "a" | "my") {
                j -= 1;
            }
            if j == 0 || !matches!(w(t, j - 1), "with" | "w/" | "of" | "and" | "&") {
                break;
            }
            j -= 1;
            if j == 0 || is_break(&t[j - 1]) || NAME_STOP.contains(&w(t, j - 1)) {
                break;
            }
            a = j - 1;
            while a > 0 && !is_break(&t[a - 1]) && !NAME_STOP.contains(&w(t, a - 1)) {
                a -= 1;
            }
        }
        // ("i'd love a weekly task, every thursday …" asks for a new one.)
        let new_one = a > 0 && matches!(w(t, a - 1), "a" | "an" | "another");
        if a < k && !new_one && !words_of(&t[a..k]).is_empty() {
            return Some((a, k));
        }
    }
    None
}

/// "(can) the oil change be on …", "physio appointment should be …":
/// the words before the verb that says what should become of them.
fn subject_name(t: &[Tok]) -> Option<(usize, usize)> {
    let mut a = 0;
    while matches!(w(t, a), "can" | "could" | "would" | "will" | "should") {
        a += 1;
    }
    let b = (a + 1..t.len()).find(|&i| {
        matches!(
            w(t, i),
            "be" | "is"
                | "isn't"
                | "should"
                | "needs"
                | "must"
                | "has"
                | "can't"
                | "cannot"
                | "won't"
        )
    })?;
    // "“Weekly review” can be deleted", "the recycling task could be ticked off".
    let b = if b > a + 1 && w(t, b) == "be" && matches!(w(t, b - 1), "can" | "could" | "will") {
        b - 1
    } else {
        b
    };
    if (a..b).any(|i| {
        is_break(&t[i])
            || matches!(
                w(t, i),
                "i" | "you"
                    | "we"
                    | "it"
                    | "this"
                    | "that"
                    | "reminder"
                    | "remind"
                    | "before"
                    | "heads-up"
            )
    }) {
        return None;
    }
    Some((a, b))
}

/// A task named as a heading before the request: "flu jab - can I get a
/// reminder 2 hours ahead?", "statin: snooze 20 mins".
fn heading_name(t: &[Tok]) -> Option<(usize, usize)> {
    let k = (1..t.len().min(6)).find(|&i| matches!(w(t, i), "-" | "–" | ":"))?;
    // "judo reminder - snooze it 20 min": the reminder of the judo task.
    let name_end = if k > 1 && matches!(w(t, k - 1), "reminder" | "task") {
        k - 1
    } else {
        k
    };
    let heading = &t[..name_end];
    let plain = heading.iter().all(|x| {
        !text::is_punct(&x.low)
            && !matches!(
                x.low.as_str(),
                "i" | "it"
                    | "that"
                    | "this"
                    | "you"
                    | "ok"
                    | "okay"
                    | "hi"
                    | "hey"
                    | "so"
                    | "oh"
                    | "ugh"
                    | "well"
                    | "also"
                    | "and"
                    | "then"
                    | "btw"
                    | "note"
                    | "reminder"
                    | "todo"
                    | "task"
                    | "urgent"
                    | "important"
            )
    });
    (plain && ask_of(heading, false).is_none() && k + 1 < t.len()).then_some((0, name_end))
}

/// Whether the message refers to the task of the previous turn: "it",
/// "that one", "this task" as the object of the request.
fn points_back(t: &[Tok]) -> bool {
    // "it's urgent now", "it should be called …": the task as the subject.
    if matches!(w(t, 0), "it's" | "that's" | "it" | "this" | "that")
        && matches!(
            w(t, 1),
            "urgent"
                | "important"
                | "done"
                | "finished"
                | "due"
                | "should"
                | "needs"
                | "is"
                | "can"
                | "high"
                | "low"
                | "now"
                | "not"
                | "isn't"
        )
    {
        return true;
    }
    (0..t.len()).any(|i| {
        let s = w(t, i);
        let next = w(t, i + 1);
        if matches!(s, "task" | "one") && matches!(w(t, i.wrapping_sub(1)), "this" | "that" | "the")
        {
            return true;
        }
        // "this weekend", "that day": a determiner, not the task.
        if matches!(s, "this" | "that")
            && !next.starts_with('!')
            && !(next.is_empty()
                || text::is_punct(next)
                || matches!(
                    next,
                    "one"
                        | "task"
                        | "todo"
                        | "reminder"
                        | "to"
                        | "for"
                        | "as"
                        | "off"
                        | "on"
                        | "back"
                        | "again"
                        | "instead"
                        | "please"
                        | "pls"
                        | "up"
                        | "now"
                        | "away"
                        | "open"
                        | "done"
                        | "low"
                        | "high"
                        | "urgent"
                ))
        {
            return false;
        }
        // "tag it admin": the new task's tag.
        if s == "it"
            && matches!(w(t, i.wrapping_sub(1)), "tag" | "label")
            && i > 0
            && !matches!(w(t, i + 1), "" | "," | "." | "!" | "?")
        {
            return false;
        }
        // "after I last did it": the subject's own doing.
        if s == "it" && (1..=3).any(|d| matches!(w(t, i.wrapping_sub(d)), "i" | "i've" | "we")) {
            return false;
        }
        PRONOUN_WORDS.contains(&s) && !SUBJECT_NEXT.contains(&next)
    })
}

fn near_any(s: &str, words: &[&str]) -> bool {
    words
        .iter()
        .any(|k| s == *k || (k.len() >= 5 && s.len() >= 4 && text::near(s, k)))
}

const SERIES: &[&str] = &[
    "repeat",
    "repeats",
    "repeating",
    "recurring",
    "recurrence",
    "recur",
    "series",
    "repetition",
];

/// What the message asks, read from its cue words.
fn ask_of(t: &[Tok], has_when: bool) -> Option<Ask> {
    let words: Vec<&str> = t.iter().map(|x| x.low.as_str()).collect();
    let has = |ws: &[&str]| words.iter().any(|x| near_any(x, ws));
    let pair = |a: &[&str], b: &[&str]| {
        words
            .windows(2)
            .any(|p| a.contains(&p[0]) && b.contains(&p[1]))
    };
    let series = words.iter().any(|x| near_any(x, SERIES));
    // ("repair the snooze button on the alarm clock": a thing named.)
    let snooze = (0..words.len()).any(|i| {
        near_any(words[i], &["snooze", "snoozed"])
            && !matches!(
                words.get(i + 1).copied().unwrap_or(""),
                "button" | "buttons" | "feature" | "function" | "setting" | "settings" | "option"
            )
    });
    if snooze || words.contains(&"snoz") || pair(&["again"], &["in"]) {
        return Some(Ask::Snooze);
    }
    if words.contains(&"another")
        && (0..t.len()).any(|i| w(t, i) == "another" && unit_word(w(t, i + 1)).is_some())
    {
        return Some(Ask::Snooze);
    }
    if series {
        let resume = has(&[
            "resume",
            "restart",
            "reactivate",
            "continue",
            "unpause",
            "enable",
        ]) || pair(&["back"], &["on"])
            || words.contains(&"again")
                && !words.contains(&"stop")
                && !words.contains(&"no")
                && !words.iter().any(|x| x.ends_with("n't"));
        if resume {
            return Some(Ask::Resume);
        }
        let stop = has(&["stop", "stopp", "end", "cancel", "pause", "halt", "quit"])
            || words.contains(&"no")
            || words.contains(&"anymore")
            || words
                .iter()
                .any(|x| matches!(*x, "shouldn't" | "don't" | "doesn't" | "not" | "never"));
        if stop {
            return Some(Ask::Stop);
        }
    }
    if has(&[
        "remind", "reminder", "remember", "nudge", "heads-up", "notify", "alert",
    ]) || words.contains(&"ping")
        || words.contains(&"warn")
        // "an hour's notice before that", "10 minutes' warning".
        || words.iter().any(|x| matches!(*x, "notice" | "warning")) && loose_before(t).is_some()
        || pair(&["heads"], &["up", "-"])
    {
        return Some(Ask::Remind);
    }
    if has(&["rename", "renamed", "retitle", "retitled"])
        || words
            .windows(2)
            .any(|p| p[1] == "titled" && matches!(p[0], "be" | "is" | "being"))
        || pair(&["call"], &["it", "that", "this"])
        || words.windows(3).any(|p| {
            matches!(p[1], "called" | "named")
                && matches!(p[0], "be" | "is" | "being" | "task" | "it" | "one" | "gets")
                && p[2] != "off"
        })
        || pair(&["the"], &["name"])
        || words.contains(&"->")
            && !has_when
            && !words
                .windows(2)
                .any(|p| p[0] == "->" && matches!(p[1], "urgent" | "high" | "low" | "medium"))
    {
        return Some(Ask::Rename);
    }
    let levels = words.iter().any(|x| {
        matches!(
            *x,
            "urgent"
                | "important"
                | "!urgent"
                | "!high"
                | "!low"
                | "!medium"
                | "asap"
                | "!!"
                | "!!!"
        )
    }) || words.windows(2).any(|p| {
        matches!(p[0], "->" | "=>") && matches!(p[1], "urgent" | "high" | "low" | "medium")
    });
    if levels && words.windows(2).any(|p| matches!(p[0], "->" | "=>")) {
        return Some(Ask::Priority);
    }
    if has(&["priority", "prio", "deprioritize", "deprioritise"])
        || levels
        || pair(&["no"], &["rush", "hurry"])
        || pair(&["on", "to", "as", "be"], &["low", "high", "medium"])
        || (words.contains(&"lower") || words.contains(&"raise") || pair(&["bump"], &["it", "up"]))
    {
        return Some(Ask::Priority);
    }
    let move_cue = has(&["reschedule", "postpone", "instead"])
        || words.iter().any(|x| {
            matches!(
                *x,
                "move"
                    | "moved"
                    | "rescheduled"
                    | "postponed"
                    | "pushed"
                    | "push"
                    | "shift"
                    | "due"
                    | "date"
                    | "->"
                    | "=>"
                    | "now"
                    | "prepone"
                    | "change"
            )
        })
        || pair(
            &["be", "for"],
            &["on", "at", "tomorrow", "today", "tonight"],
        )
        || pair(&["should", "must"], &["be"]);
    if has_when && move_cue {
        return Some(Ask::Reschedule);
    }
    let negated_done = words.windows(2).any(|p| {
        matches!(p[0], "not" | "isn't" | "wasn't" | "aren't" | "never")
            && matches!(p[1], "done" | "finished" | "complete" | "completed")
    });
    if negated_done
        || has(&["reopen", "unmark", "uncomplete", "undone", "restore"])
        || words
            .iter()
            .any(|x| matches!(*x, "reopened" | "re-opened" | "reopening" | "reactivate"))
        || words.contains(&"undo")
        || pair(&["open"], &["again"])
        || pair(&["still"], &["open"])
    {
        return Some(Ask::Reopen);
    }
    if has(&["done", "finished", "complete", "completed"])
        || pair(
            &[
                "tick", "check", "strike", "cross", "ticked", "checked", "crossed", "struck",
            ],
            &["off", "it", "that"],
        )
        || words.contains(&"close")
    {
        return Some(Ask::Complete);
    }
    if has(&["delete", "remove", "erase", "discard", "trash"])
        || words.iter().any(|x| {
            matches!(
                *x,
                "rm" | "scrap"
                    | "bin"
                    | "ditch"
                    | "deleted"
                    | "removed"
                    | "trashed"
                    | "binned"
                    | "scrapped"
                    | "erased"
                    | "discarded"
            )
        })
        || words.windows(2).any(|p| p[0] == "drop" && p[1] != "off")
        || pair(&["throw"], &["away", "out", "it", "that"])
        || pair(&["get"], &["rid"])
        || pair(&["not", "don't", "dont"], &["need"])
    {
        return Some(Ask::Delete);
    }
    None
}

/// "5 min heads-up before that one", "45 min reminder for the … task": a
/// duration naming the reminder itself is how long before.
fn loose_before(t: &[Tok]) -> Option<u32> {
    (0..t.len()).find_map(|i| {
        let (e, n, u) = when::duration(t, i)?;
        let mut k = e;
        if !matches!(
            w(t, k),
            "heads-up" | "heads" | "reminder" | "warning" | "notice" | "alert" | "ping" | "nudge"
        ) {
            return None;
        }
        while matches!(
            w(t, k),
            "heads-up"
                | "heads"
                | "up"
                | "reminder"
                | "warning"
                | "notice"
                | "alert"
                | "ping"
                | "nudge"
        ) {
            k += 1;
        }
        let _ = k;
        u.minutes()
            .map(|m| (n as i64 * m).min(u32::MAX as i64) as u32)
    })
}

/// The task a reminder is for, named after its time: "3 hours before the
/// insurance call", "2h heads-up for the concert", "10 min before the
/// stand-up break, remind me".
fn reminded_of(t: &[Tok]) -> Option<(usize, usize)> {
    let k = (0..t.len()).find(|&i| {
        matches!(w(t, i), "before" | "for" | "about" | "ahead")
            && i > 0
            && (when::duration(t, i.saturating_sub(3)).is_some()
                || when::duration(t, i.saturating_sub(2)).is_some()
                || when::duration(t, i.saturating_sub(1)).is_some()
                || matches!(w(t, i - 1), "heads-up" | "reminder" | "up" | "before"))
            && matches!(w(t, i + 1), "the" | "my" | "our")
    })?;
    let a = k + 1;
    let b = (a..t.len())
        .find(|&i| is_break(&t[i]) || matches!(w(t, i), "please" | "pls" | "remind" | "too"))
        .unwrap_or(t.len());
    (b > a + 1).then_some((a, b))
}

/// "hour", "minutes" …: minutes per unit.
fn unit_word(s: &str) -> Option<u32> {
    match s {
        "minute" | "minutes" | "min" | "mins" | "m" => Some(1),
        "hour" | "hours" | "hr" | "hrs" | "h" => Some(60),
        "day" | "days" | "d" => Some(1440),
        _ => None,
    }
}

/// Whether a word asks for a new task ("add", "note", "create").
/// Words of a clause that only asks to keep what was said: "put this like
/// repeating task", "add it as yearly", "new task pls", "please note it".
const KEEP_REQUEST: &[&str] = &[
    "please",
    "pls",
    "plz",
    "kindly",
    "put",
    "add",
    "make",
    "save",
    "note",
    "set",
    "create",
    "it",
    "this",
    "that",
    "like",
    "as",
    "a",
    "an",
    "new",
    "repeating",
    "recurring",
    "weekly",
    "yearly",
    "monthly",
    "daily",
    "task",
    "todo",
    "to-do",
    "one",
    "down",
    "thanks",
    "thx",
    "for",
    "me",
    "can",
    "you",
    "could",
    "would",
    "the",
    "list",
    "to",
    "my",
    "in",
    "on",
    "up",
];

/// Whether the words are only such a request, with its verb or "task".
pub(super) fn only_keep_request(words: &[&str]) -> bool {
    !words.is_empty()
        && words.iter().all(|w| KEEP_REQUEST.contains(w))
        && words.iter().any(|w| {
            matches!(
                *w,
                "put" | "add" | "make" | "save" | "note" | "create" | "task" | "todo" | "to-do"
            )
        })
}

pub(super) fn asks_to_add(t: &[Tok]) -> bool {
    clauses(t).iter().any(|&(a, b)| {
        let words: Vec<&str> = t[a..b]
            .iter()
            .filter(|x| !text::is_punct(&x.low))
            .map(|x| x.low.as_str())
            .collect();
        if a > 0 && only_keep_request(&words) {
            return true;
        }
        let c = strip_filler(&t[a..b]);
        // "… can you add practice for the band", "… so please add water the plants".
        let anywhere = (0..c.len()).any(|i| {
            w(c, i) == "add"
                && (matches!(
                    w(c, i.wrapping_sub(1)),
                    "you" | "u" | "please" | "pls" | "kindly" | "to"
                ) || matches!(w(c, i + 1), ":" | "task" | "one"))
                && !matches!(w(c, i + 1), "a" | "it" | "that" | "this" | "reminder")
                || w(c, i) == "add"
                    && matches!(w(c, i + 1), "a" | "an")
                    && matches!(w(c, i + 2), "task" | "todo" | "to-do")
        });
        let note = (0..c.len()).any(|i| {
            // "could you pop it in", "put it in".
            matches!(w(c, i), "pop" | "put" | "stick")
                && matches!(w(c, i + 1), "it" | "that" | "this")
                // ("put it on low", "put it on monday" change it.)
                && matches!(w(c, i + 2), "in" | "down")
                || seq(c, i, &["make", "task"])
                || seq(c, i, &["make", "a", "note"])
                || seq(c, i, &["write", "it", "down"])
                || seq(c, i, &["note", "it"])
                || seq(c, i, &["make", "a", "task"])
        });
        let request = anywhere
            || note
            || matches!(w(c, 0), "add" | "create" | "note" | "jot")
            || seq(c, 0, &["put", "down"])
            || w(c, 0) == "put"
                && matches!(w(c, 1), "that" | "it" | "this")
                && any_word(c, &["list", "down"])
            || seq(c, 0, &["make", "a", "task"]);
        // "could you set that up?", "make that a repeating task called …".
        let set_up =
            (seq(c, 0, &["set"]) && matches!(w(c, 1), "that" | "it" | "this") && w(c, 2) == "up")
                || (0..c.len()).any(|i| {
                    // (The article and the task word first: checking every
                    // word before each one would be quadratic.)
                    matches!(w(c, i), "a" | "an" | "new")
                        && (matches!(w(c, i + 1), "task" | "todo" | "to-do")
                            || matches!(
                                w(c, i + 1),
                                "repeating" | "recurring" | "monthly" | "weekly" | "daily"
                            ) && matches!(w(c, i + 2), "task" | "todo" | "to-do"))
                        && (0..i).any(|j| {
                            matches!(
                                w(c, j),
                                "make"
                                    | "set"
                                    | "create"
                                    | "add"
                                    | "put"
                                    | "want"
                                    | "like"
                                    | "need"
                                    | "get"
                            ) || w(c, j) == "have"
                                // "could I have a monthly task …" (not "do I have a task …?").
                                && j >= 2
                                && w(c, j - 1) == "i"
                                && matches!(w(c, j - 2), "can" | "could" | "may")
                        })
                });
        request || set_up
    })
}

impl Parser<'_> {
    /// A command on an existing task anywhere in the message, or `None`.
    pub(super) fn command_anywhere(&self, t: &[Tok]) -> Option<Out> {
        if asks_to_add(t) {
            return None;
        }
        self.command_in_a_clause(t)
            .or_else(|| self.command_by_cues(t))
    }

    /// One clause is a command the opening matchers read; every other
    /// clause is an aside or names the task.
    fn command_in_a_clause(&self, t: &[Tok]) -> Option<Out> {
        let parts = clauses(t);
        if parts.len() < 2 {
            return None;
        }
        // "the expense claim can't wait any longer, make it urgent": the
        // first clause's subject is the task "it" means.
        let subject = || {
            let (a, b) = parts[0];
            subject_name(&t[a..b])
                .map(|(x, y)| (a + x, a + y))
                .filter(|&(x, _)| matches!(w(t, x), "the" | "my" | "our" | "\"" | "“" | "'"))
        };
        let named = named_task(t)
            .or_else(|| parts.iter().find_map(|&(a, b)| narrated_name(t, a, b)))
            .or_else(subject);
        // "I ticked off email Karen by mistake, can you reopen it?": "it"
        // is the task named, even with no previous turn.
        let stand_in;
        let p = if named.is_some() && self.ctx.last_task.is_none() {
            stand_in = crate::Context {
                last_task: Some(crate::TaskRef::new("", "")),
                ..self.ctx.clone()
            };
            Parser {
                ctx: &stand_in,
                clk: self.clk,
            }
        } else {
            Parser {
                ctx: self.ctx,
                clk: self.clk,
            }
        };
        // What the opening matchers read in each clause, read once.
        let mut read: Vec<Option<Out>> = parts
            .iter()
            .map(|&(a, b)| {
                let c = strip_filler(&t[a..b]);
                if c.is_empty() {
                    None
                } else {
                    p.opening_command(c)
                }
            })
            .collect();
        let k = read
            .iter()
            .position(|o| o.as_ref().is_some_and(|o| o.intent.target().is_some()))?;
        let mut out = read[k].take()?;
        // "gutters aren't actually finished, reopen": two clauses, one request.
        let same_request = |j: usize| {
            read[j].as_ref().is_some_and(|o| {
                std::mem::discriminant(&o.intent) == std::mem::discriminant(&out.intent)
            })
        };
        let others_fit = parts.iter().enumerate().all(|(j, &(a, b))| {
            j == k
                || same_request(j)
                || is_aside(&t[a..b])
                || named.is_some_and(|(x, y)| a <= x && y <= b)
                || words_of(&t[a..b]).is_empty()
        });
        if !others_fit {
            return None;
        }
        if let Some((x, y)) = named {
            if matches!(out.intent.target(), Some(TaskTarget::LastTask(_))) {
                if let (Ok(name), Some(target)) =
                    (self.target(t, x, y, &[]), out.intent.target_mut())
                {
                    *target = name;
                }
            }
        }
        Some(out)
    }

    /// A command the opening matchers read in a clause on its own.
    fn opening_command(&self, c: &[Tok]) -> Option<Out> {
        self.snooze(c)
            .or_else(|| self.stop_or_resume(c))
            .or_else(|| self.rename(c))
            .or_else(|| self.set_priority(c))
            .or_else(|| self.reopen(c))
            .or_else(|| self.complete(c))
            .or_else(|| self.delete(c))
    }

    /// The task by name or pronoun, the request by its cue words.
    fn command_by_cues(&self, t: &[Tok]) -> Option<Out> {
        // "everything, including the finished ones": a question about the list.
        if t.iter()
            .any(|x| matches!(x.low.as_str(), "including" | "incl" | "everything"))
        {
            return None;
        }
        // "is “urgent” the same as high?": a question, not a request.
        if matches!(
            w(t, 0),
            "is" | "are"
                | "does"
                | "do"
                | "what"
                | "what's"
                | "how"
                | "why"
                | "which"
                | "who"
                | "where"
        ) {
            return None;
        }
        let quoted = quoted_tokens(t);
        let open: Vec<Tok> = t
            .iter()
            .zip(&quoted)
            .filter(|(_, q)| !**q)
            .map(|(x, _)| x.clone())
            .collect();
        let when = (0..t.len())
            .filter(|&i| !quoted[i])
            .find_map(|i| when::parse_when(t, i, self.clk).map(|(e, wn)| (i, e, wn)));
        // "Dentist task please on friday, 8 o'clock": a task named with a
        // date and nothing else to do is moved there.
        let ask = ask_of(&open, when.is_some()).or_else(|| {
            (when.is_some() && task_word_name(t).is_some()).then_some(Ask::Reschedule)
        })?;
        // 'buy the "Good Morning Tomorrow" vinyl for Dad, no rush': a new
        // task whose title quotes a name, opened by what to do with it.
        // (A verb, maybe an article, then the quote: "watch "The Long
        // Goodbye" with Sam"; "mark 'taxes' as urgent" changes a task.)
        // ("kick the 'insurance claim' task up to urgent" names a task.)
        let q = usize::from(matches!(w(t, 1), "the" | "a" | "an" | "my" | "our")) + 1;
        let mark = |i: usize| matches!(w(t, i), "\"" | "'" | "“" | "”" | "‘" | "’");
        let names_task = (q + 1..t.len()).find(|&i| mark(i)).is_some_and(|c| {
            matches!(
                w(t, c + 1),
                "task" | "todo" | "to-do" | "reminder" | "task's"
            )
        });
        if matches!(ask, Ask::Priority)
            && !quoted[0]
            && mark(q)
            && !names_task
            && t[0].low.chars().all(|c| c.is_ascii_alphabetic())
            && !matches!(
                w(t, 0),
                "mark"
                    | "set"
                    | "make"
                    | "change"
                    | "put"
                    | "give"
                    | "bump"
                    | "raise"
                    | "lower"
                    | "flag"
                    | "move"
                    | "the"
                    | "my"
                    | "this"
                    | "that"
                    | "task"
                    | "please"
                    | "pls"
                    | "for"
                    | "on"
                    | "and"
                    | "so"
                    | "ok"
                    | "okay"
                    | "also"
                    | "just"
                    | "now"
                    | "prio"
                    | "priority"
                    | "no"
                    | "not"
                    | "low"
                    | "high"
                    | "medium"
                    | "urgent"
                    | "whenever"
                    | "actually"
                    | "update"
                    | "treat"
                    | "consider"
            )
        {
            return None;
        }
        // A date, repeat or tag the request does not use makes it a new
        // task ("Clean the garage this weekend, high priority").
        let uses_when = matches!(ask, Ask::Reschedule | Ask::Remind | Ask::Snooze);
        let tagged = (0..t.len()).any(|i| {
            matches!(w(t, i), "tag" | "tagged" | "hashtag")
                && !matches!(w(t, i + 1), "" | "," | ".")
        });
        let details = (when.is_some() && !uses_when)
            || tagged
            || (0..t.len()).any(|i| {
                !quoted[i]
                    && (crate::recur::parse_recurrence(t, i).is_some()
                        || t[i].low.starts_with('#') && t[i].low.len() > 1)
            });
        // Which ways of naming the task this request may use: by the word
        // "task" or "it" always; quoted or as the clause before the
        // request only for requests that cannot open a new task.
        let arrow = open
            .iter()
            .any(|x| matches!(x.low.as_str(), "->" | "=>" | "instead"));
        let move_verb = open.iter().any(|x| {
            matches!(
                x.low.as_str(),
                "move"
                    | "moved"
                    | "reschedule"
                    | "rescheduled"
                    | "postpone"
                    | "postponed"
                    | "push"
                    | "pushed"
                    | "shift"
                    | "delay"
                    | "bump"
                    | "prepone"
            )
        });
        let copula = open.windows(2).any(|p| {
            matches!(p[0].low.as_str(), "should" | "must" | "is" | "needs")
                && matches!(p[1].low.as_str(), "be" | "on" | "now" | "due" | "at")
        });
        let weak_ok = !details && !matches!(ask, Ask::Reschedule) || arrow || move_verb || copula;
        let clause_ok =
            weak_ok && !matches!(ask, Ask::Priority | Ask::Rename | Ask::Reschedule) || arrow;
        let parts = clauses(t);
        // A reminder after a date is the new task's ("“Sprint demo” tuesday
        // 11am, and a reminder monday 6pm").
        if ask == Ask::Remind && task_word_name(t).is_none() {
            let cue = (0..t.len()).find(|&i| {
                near_any(
                    w(t, i),
                    &[
                        "remind", "reminder", "remember", "nudge", "heads-up", "notify", "alert",
                    ],
                ) || matches!(w(t, i), "ping" | "heads")
            });
            if let (Some((i, _, _)), Some(c)) = (&when, cue) {
                if *i < c {
                    return None;
                }
            }
        }
        // "call it 'Team lunch' instead": the quotes hold the new name.
        let renames_to = if ask == Ask::Rename {
            new_title_start(t)
        } else {
            None
        };
        let target = if let Some((a, b)) = task_word_name(t) {
            self.target(t, a, b, &[])
        } else if let Some((a, b)) = quoted_name(t)
            .filter(|_| weak_ok)
            .filter(|(a, _)| renames_to.is_none_or(|k| *a < k))
        {
            self.target(t, a, b, &[])
        } else if let Some((a, b)) = subject_name(t).filter(|_| weak_ok) {
            self.target(t, a, b, &[])
        } else if let Some((a, b)) = heading_name(t).filter(|&(_, b)| {
            !matches!(ask, Ask::Priority | Ask::Rename | Ask::Reschedule)
                && when.as_ref().is_none_or(|(i, _, _)| *i > b)
        }) {
            self.target(t, a, b, &[])
        } else if points_back(&open) && !details {
            self.last_task()
        } else if let Some((a, b)) = (ask == Ask::Remind).then(|| reminded_of(t)).flatten() {
            self.target(t, a, b, &[])
        } else if matches!(ask, Ask::Snooze) && !details
            || matches!(ask, Ask::Remind) && !details && when.is_none()
        {
            // "give me another hour", "nudge me 30 minutes before".
            self.last_task()
        } else if clause_ok
            && parts.len() >= 2
            && ask_of(&t[parts[0].0..parts[0].1], false).is_none()
        {
            let (a, b) = parts[0];
            if when.as_ref().is_some_and(|(i, _, _)| *i < b) {
                return None;
            }
            self.target(t, a, b, &[])
        } else {
            return None;
        };
        let target = match target {
            Ok(x) => x,
            Err(o) => return Some(*o),
        };
        let out: Out = match ask {
            Ask::Snooze => {
                let minutes = (0..t.len())
                    .find_map(|i| {
                        if w(t, i) == "another" {
                            return unit_word(w(t, i + 1));
                        }
                        let (_, n, u) = when::duration(t, i)?;
                        u.minutes()
                            .map(|m| (n as i64 * m).min(u32::MAX as i64) as u32)
                    })
                    .unwrap_or(10);
                Intent::Snooze { target, minutes }.into()
            }
            Ask::Stop => Intent::StopSeries { target }.into(),
            Ask::Resume => Intent::ResumeSeries { target }.into(),
            Ask::Remind => {
                let before = (0..t.len())
                    .find_map(|i| super::before_spec(t, i).map(|x| x.1))
                    .or_else(|| loose_before(t));
                let spec = if let Some(m) = before {
                    ReminderSpec::Before { minutes: m }
                } else if let Some((_, _, wn)) = &when {
                    match self.reminder_at(wn) {
                        Ok(s) => s,
                        Err(o) => return Some(*o),
                    }
                } else {
                    return None;
                };
                Intent::AddReminder { target, spec }.into()
            }
            Ask::Rename => {
                let new_title = new_title(t)?;
                Intent::RenameTask { target, new_title }.into()
            }
            Ask::Priority => {
                let priority = level_in(&open)?;
                Intent::SetPriority { target, priority }.into()
            }
            Ask::Reschedule => {
                // "not today, can you move it to sunday": the last date said
                // ("thursday eod" being one).
                let mut groups: Vec<When> = Vec::new();
                let mut i = 0;
                while i < t.len() {
                    match when::parse_when(t, i, self.clk).filter(|_| !quoted[i]) {
                        Some((e, found)) => {
                            let eod = (i..e).any(|k| matches!(w(t, k), "eod" | "end" | "cob"));
                            if !groups.last_mut().is_some_and(|cur| cur.fold(&found, eod)) {
                                groups.push(found);
                            }
                            i = e;
                        }
                        None => i += 1,
                    }
                }
                let wn = groups.pop()?;
                self.reschedule_target(target, &wn)
            }
            Ask::Reopen => Intent::ReopenTask { target }.into(),
            Ask::Complete => Intent::CompleteTask { target }.into(),
            Ask::Delete => Intent::DeleteTask { target }.into(),
        };
        Some(out)
    }
}

/// The task a clause tells of doing: "I ticked off email Karen by
/// mistake", "I accidentally deleted the gym task".
fn narrated_name(t: &[Tok], a: usize, b: usize) -> Option<(usize, usize)> {
    let mut k = a;
    while k < b && matches!(w(t, k), "i" | "just" | "accidentally" | "already" | "oops") {
        k += 1;
    }
    let start = match (w(t, k), w(t, k + 1)) {
        ("ticked" | "checked" | "crossed" | "marked" | "struck", "off") => k + 2,
        (
            "completed" | "finished" | "deleted" | "removed" | "closed" | "marked" | "made" | "did",
            _,
        ) => k + 1,
        ("have" | "had", "already")
            if matches!(w(t, k + 2), "made" | "done" | "finished" | "completed") =>
        {
            k + 3
        }
        _ => return None,
    };
    let end = (start..b)
        .find(|&i| {
            matches!(w(t, i), "by" | "as" | "accidentally" | "too" | "earlier") || is_break(&t[i])
        })
        .unwrap_or(b);
    let mut end = end;
    while end > start
        && matches!(
            w(t, end - 1),
            "done" | "complete" | "completed" | "finished"
        )
    {
        end -= 1;
    }
    let said = words_of(&t[start..end]);
    (end > start
        && !said.is_empty()
        && !matches!(
            said.as_str(),
            "that" | "it" | "this" | "that one" | "this one"
        ))
    .then_some((start, end))
}

/// A clause said in passing: asides, interjections, remarks about the task.
fn is_aside(c: &[Tok]) -> bool {
    let words: Vec<&str> = c
        .iter()
        .filter(|x| !text::is_punct(&x.low))
        .map(|x| x.low.as_str())
        .collect();
    if words.is_empty() {
        return true;
    }
    // "actually it's not finished": a remark after an interjection.
    let first = words
        .iter()
        .find(|x| {
            !matches!(
                **x,
                "actually" | "oops" | "ugh" | "well" | "so" | "ok" | "okay" | "hmm" | "oh"
            )
        })
        .copied()
        .unwrap_or("");
    // "standup's been scrapped for good", "lab report handed in!!", "the
    // zoo trip is called off": news of what happened, told before the
    // request it explains.
    let narrates = words.iter().any(|x| matches!(*x, "been" | "was" | "were"))
        // "went to the dentist", "paid the bill yesterday".
        || words.first().is_some_and(|x| {
            matches!(
                *x,
                "went" | "got" | "had" | "did" | "made" | "took" | "came" | "saw" | "paid"
                    | "bought" | "sent" | "gave" | "left" | "met" | "told" | "brought" | "found"
                    | "spoke" | "rang" | "wrote" | "ran"
            )
        })
        || words
            .iter()
            .skip(1)
            .any(|x| x.len() >= 5 && x.ends_with("ed") && !matches!(*x, "need" | "feed" | "speed"));
    words
        .iter()
        .all(|x| ASIDE_WORDS.contains(x) || CHATTER.contains(x))
        || narrates
        || REMARK_OPENERS.contains(&first)
        || matches!(
            first,
            "i" | "i'm" | "i've" | "we" | "just" | "already" | "finally"
        ) && !any_word(c, &["task", "todo", "to-do"])
}

/// The priority a message asks for: a level word, or which way it moves.
fn level_in(t: &[Tok]) -> Option<Priority> {
    let words: Vec<&str> = t.iter().map(|x| x.low.as_str()).collect();
    // "put it on low", "set it to high": the level asked for in so many words.
    if let Some(p) = words.windows(2).find_map(|p| {
        matches!(p[0], "on" | "to" | "as")
            .then(|| level_exact_word(p[1]))
            .flatten()
    }) {
        return Some(p);
    }
    let negated = words.windows(2).any(|p| {
        matches!(p[0], "not" | "isn't" | "isnt" | "no" | "never")
            && matches!(p[1], "urgent" | "important")
    }) || words.windows(3).any(|p| {
        matches!(p[0], "not" | "isn't" | "isnt")
            && matches!(p[1], "so" | "that" | "too" | "very")
            && matches!(p[2], "urgent" | "important")
    }) || words
        .windows(3)
        .any(|p| matches!(p[0], "isn't" | "not") && p[1] == "really" && p[2] == "urgent");
    if words.contains(&"!!!") {
        return Some(Priority::Urgent);
    }
    // "it's urgent now!!": the word says the level, the marks only stress it.
    if words.contains(&"!!") && !words.iter().any(|x| level_exact_word(x).is_some()) {
        return Some(Priority::High);
    }
    if negated
        || words.contains(&"lower")
        || words.contains(&"deprioritize")
        || words
            .windows(2)
            .any(|p| p[0] == "no" && matches!(p[1], "rush" | "hurry"))
    {
        return Some(Priority::Low);
    }
    for i in 0..t.len() {
        let s = w(t, i).trim_start_matches('!');
        if let Some(p) = level_exact_word(s).or_else(|| super::p_code(s)) {
            return Some(p);
        }
    }
    if words.contains(&"raise") || words.contains(&"bump") || words.contains(&"important") {
        return Some(Priority::High);
    }
    None
}

fn level_exact_word(s: &str) -> Option<Priority> {
    match s {
        "urgent" | "asap" => Some(Priority::Urgent),
        "high" | "important" => Some(Priority::High),
        "medium" | "normal" => Some(Priority::Medium),
        "low" => Some(Priority::Low),
        _ => None,
    }
}

/// Where the new name starts: after "->", "to", "called", "call it".
fn new_title_start(t: &[Tok]) -> Option<usize> {
    let quoted = quoted_tokens(t);
    (0..t.len())
        .rev()
        .find(|&i| {
            !quoted[i]
                && (matches!(
                    w(t, i),
                    "->" | "=>" | "called" | "named" | "titled" | "to" | "as"
                ) || w(t, i) == "name" && w(t, i.wrapping_sub(1)) == "the"
                    || matches!(w(t, i), "one" | "it" | "that")
                        && w(t, i.wrapping_sub(1)) == "call")
        })
        .map(|k| k + 1)
}

/// The new name after "->", "to", "called", "the name": quoted if quoted.
fn new_title(t: &[Tok]) -> Option<String> {
    let quoted = quoted_tokens(t);
    let k = (0..t.len()).rev().find(|&i| {
        !quoted[i]
            && (matches!(
                w(t, i),
                "->" | "=>" | "called" | "named" | "titled" | "to" | "as"
            ) || w(t, i) == "name" && w(t, i.wrapping_sub(1)) == "the"
                || (w(t, i) == "one" || w(t, i) == "it" || w(t, i) == "that")
                    && w(t, i.wrapping_sub(1)) == "call"
                || w(t, i) == "that" && w(t, i.wrapping_sub(1)) == "call")
    })?;
    let k = if w(t, k + 1) == "one" { k + 1 } else { k };
    let mut b = t.len();
    // ", can you rename it?" after the new name.
    if let Some(cut) = (k + 1..t.len()).find(|&i| !quoted[i] && matches!(w(t, i), "," | "?")) {
        b = cut;
    }
    let s = super::quoted_or_text(t, k + 1, b);
    let s = s.trim_end_matches(['.', '!', ' ']);
    (!s.is_empty()).then(|| text::capitalize(s))
}

/// Words of a bare filter: "late tasks", "urgent + overdue?", "#work stuff
/// due this week", "today?".
const FILTER_WORDS: &[&str] = &[
    "tasks",
    "task",
    "todos",
    "todo",
    "stuff",
    "things",
    "items",
    "everything",
    "list",
    "my",
    "all",
    "open",
    "pending",
    "late",
    "overdue",
    "urgent",
    "important",
    "high",
    "low",
    "medium",
    "hi",
    "prio",
    "priority",
    "due",
    "this",
    "week",
    "today",
    "tomorrow",
    "tonight",
    "finished",
    "completed",
    "done",
    "closed",
    "with",
    "tag",
    "tagged",
    "+",
    "and",
    "&",
    "past",
    "for",
    "on",
    "still",
    "left",
    "upcoming",
    "agenda",
    "the",
    "?",
    "now",
    "ones",
    "i'm",
    "including",
    "incl",
    "also",
    "full",
    "whole",
    "entire",
    "closed",
    "to-dos",
    "week's",
    "that",
    "are",
    "that's",
    "under",
    "label",
    "by",
    "filter",
    "ones",
    "too",
];

const TASK_NOUNS: &[&str] = &[
    "tasks",
    "task",
    "todos",
    "to-dos",
    "stuff",
    "things",
    "items",
    "list",
    "everything",
    "agenda",
];

impl Parser<'_> {
    /// A question about the user's tasks said with asides around it
    /// ("hiya, anything on for tomorrow?"), after a date ("Today what is
    /// for me to do?"), or as a bare filter ("late tasks").
    pub(super) fn list_anywhere(&self, t: &[Tok], question: bool) -> Option<Out> {
        let words: Vec<&str> = t
            .iter()
            .map(|x| x.low.as_str())
            .filter(|x| !matches!(*x, "," | "." | "!"))
            .collect();
        // The word after "tag" is the tag's name, whatever it is.
        let named_tag = |i: usize| i > 0 && matches!(words[i - 1], "tag" | "tagged");
        let filter_only = !words.is_empty()
            && words.iter().enumerate().all(|(i, x)| {
                FILTER_WORDS.contains(x) || x.starts_with('#') && x.len() > 1 || named_tag(i)
            })
            && (words.iter().any(|x| TASK_NOUNS.contains(x)) || question)
            && words
                .iter()
                .any(|x| !matches!(*x, "my" | "the" | "?" | "all" | "list"));
        // "high priority overdue": a level and a window, nothing else.
        let level_and_window = words.iter().all(|x| FILTER_WORDS.contains(x))
            && words
                .iter()
                .any(|x| matches!(*x, "urgent" | "high" | "low" | "medium" | "important"))
            && words
                .iter()
                .any(|x| matches!(*x, "overdue" | "today" | "tomorrow" | "late"));
        // "#errands due today", "#admin anything overdue?": a tag and when.
        let tag_and_day = words.iter().any(|x| x.starts_with('#') && x.len() > 1)
            && words
                .iter()
                .any(|x| matches!(*x, "due" | "today" | "tomorrow" | "overdue" | "week"))
            && words.iter().all(|x| {
                FILTER_WORDS.contains(x)
                    || x.starts_with('#')
                    || matches!(*x, "anything" | "any" | "?" | "what's" | "whats" | "is")
            });
        if filter_only || tag_and_day || level_and_window {
            return self.list(&with_verb(t));
        }
        let parts = clauses(t);
        for (k, &(a, b)) in parts.iter().enumerate() {
            let c = strip_filler(&t[a..b]);
            // "Today what is for me to do?": the date words go last.
            // "For tomorrow what I have?" too.
            let lead = (0..c.len())
                .take_while(|&i| {
                    matches!(
                        w(c, i),
                        "today" | "tomorrow" | "tonight" | "this" | "week" | "so" | "and"
                    ) || w(c, i) == "for" && matches!(w(c, i + 1), "today" | "tomorrow" | "tonight")
                })
                .count();
            let mut c: Vec<Tok> = c.to_vec();
            c.rotate_left(lead);
            let Some(mut out) = self.list(&c) else {
                continue;
            };
            // "kids tag, what's overdue": a clause that names the tag.
            let tag_clause = |x: usize, y: usize| -> Option<String> {
                let c: Vec<&str> = t[x..y]
                    .iter()
                    .map(|x| x.low.as_str())
                    .filter(|x| !text::is_punct(x))
                    .collect();
                match c.as_slice() {
                    [name, "tag"] | ["tag", name] | ["tagged", name] => Some(name.to_string()),
                    [name] if name.starts_with('#') && name.len() > 1 => {
                        Some(name.trim_start_matches('#').to_string())
                    }
                    _ => None,
                }
            };
            let mut tag = None;
            let others_fit = parts.iter().enumerate().all(|(j, &(x, y))| {
                j == k
                    || is_aside(&t[x..y])
                    || is_greeting(&t[x..y])
                    || self.list(strip_filler(&t[x..y])).is_some()
                    || tag_clause(x, y).map(|name| tag = Some(name)).is_some()
            });
            if others_fit {
                if let (Some(name), Intent::ListTasks { filter }) = (tag, &mut out.intent) {
                    filter.tag.get_or_insert(name);
                }
                return Some(out);
            }
        }
        None
    }
}

/// "good morning", "hiya", "be honest", "just wondering".
fn is_greeting(c: &[Tok]) -> bool {
    const WORDS: &[&str] = &[
        "dear",
        "love",
        "mate",
        "friend",
        "buddy",
        "good",
        "morning",
        "evening",
        "afternoon",
        "hi",
        "hiya",
        "hey",
        "hello",
        "just",
        "wondering",
        "q",
        "be",
        "honest",
        "quick",
        "question",
        "so",
        "ok",
        "okay",
        "well",
        "um",
        "hmm",
        "there",
        "yo",
    ];
    c.iter()
        .filter(|x| !text::is_punct(&x.low))
        .all(|x| WORDS.contains(&x.low.as_str()))
}

/// `t` with "show" before it, for the list reader.
fn with_verb(t: &[Tok]) -> Vec<Tok> {
    let mut v = Vec::with_capacity(t.len() + 1);
    v.push(Tok {
        text: String::new(),
        low: "show".into(),
        start: 0,
        end: 0,
    });
    v.extend_from_slice(t);
    v
}
