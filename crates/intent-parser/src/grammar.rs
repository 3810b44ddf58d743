//! From tokens to an intent. Each command has a small matcher; what no
//! matcher claims and is not a question becomes a new task.

mod anywhere;
mod follow_up;
mod talk;
mod title;

use talk::*;
use title::*;

use crate::recur::{self, Rule};
use crate::text::{self, Tok};
use crate::when::{self, Clock, When};
use crate::{
    Context, Due, DueWindow, Intent, ListFilter, Priority, RecurrenceMode, RecurrenceSpec,
    ReminderSpec, Span, SpanKind, Status, TaskTarget, HELP,
};

/// An intent and, for a new recurring task, the rule in words and where
/// in the message each part of it was read.
pub(crate) struct Out {
    pub intent: Intent,
    pub recurrence_text: Option<String>,
    pub spans: Vec<Span>,
    /// The command reading of a to-do that opens with a command verb.
    pub alternative: Option<Intent>,
}

impl From<Intent> for Out {
    fn from(intent: Intent) -> Out {
        Out {
            intent,
            recurrence_text: None,
            spans: Vec::new(),
            alternative: None,
        }
    }
}

/// Reads the whole message as a new task (quick add), leaving the byte
/// ranges in `plain` as words of the title even where they would read as a
/// date, a rule, a priority or a tag.
pub(crate) fn parse_new_task(
    message: &str,
    ctx: &Context,
    clk: &Clock,
    plain: &[(usize, usize)],
) -> Out {
    let all = text::tokenize(message);
    let locked: Vec<bool> = all
        .iter()
        .map(|x| plain.iter().any(|&(a, b)| x.start < b && a < x.end))
        .collect();
    let p = Parser { ctx, clk };
    p.add_task_with(&all, false, &locked, false)
}

fn w(t: &[Tok], k: usize) -> &str {
    t.get(k).map(|x| x.low.as_str()).unwrap_or("")
}

fn seq(t: &[Tok], k: usize, words: &[&str]) -> bool {
    words.iter().enumerate().all(|(i, s)| w(t, k + i) == *s)
}

fn any_word(t: &[Tok], words: &[&str]) -> bool {
    t.iter().any(|x| words.contains(&x.low.as_str()))
}

fn unknown(hint: impl Into<String>) -> Out {
    Intent::Unknown { hint: hint.into() }.into()
}

fn refuse(reason: impl Into<String>) -> Out {
    Intent::Refuse {
        reason: reason.into(),
    }
    .into()
}

const FRONT_FILLER: &[&[&str]] = &[
    // Greetings in the languages people mix in ("Buenos días! What do I
    // have tomorrow?").
    &["buenos", "días"],
    &["buenos", "dias"],
    &["buenas"],
    &["hola"],
    &["bonjour"],
    &["salut"],
    &["guten", "morgen"],
    &["guten", "tag"],
    &["hallo"],
    &["moin"],
    &["servus"],
    &["ciao"],
    &["bom", "dia"],
    &["olá"],
    &["please"],
    &["pls"],
    &["plz"],
    &["kindly"],
    &["hey"],
    &["hi"],
    &["hello"],
    &["ok"],
    &["okay"],
    &["alright"],
    &["oh"],
    &["so"],
    &["um"],
    &["umm"],
    &["uh"],
    &["honestly"],
    &["ah"],
    &["ahh"],
    &["aah"],
    &["hmm"],
    &["hm"],
    &["hmmm"],
    &["erm"],
    &["uhm"],
    &["basically"],
    &["also"],
    &["and"],
    &["just"],
    &["can", "you"],
    &["could", "you"],
    &["would", "you"],
    &["will", "you"],
    &["can", "u"],
    &["could", "u"],
    &["i", "want", "you", "to"],
    &["i'd", "like", "you", "to"],
    &["i", "would", "like", "you", "to"],
    &["i", "need", "you", "to"],
    &["go", "ahead", "and"],
    &["if", "you", "could"],
    &["if", "you", "can"],
    &["you", "can"],
    &["can", "we"],
    &["can", "i"],
    &["could", "i"],
    &["may", "i"],
    &["could", "we"],
    &["shall", "we"],
    &["let's"],
    &["you", "may"],
    &["help", "me"],
    &["would", "it", "be", "possible", "to"],
    &["is", "it", "possible", "to"],
    &["possibly"],
    &["quick", "q"],
    &["quick", "question"],
    &["be", "so", "kind", "and"],
    &["be", "so", "kind", "as", "to"],
    &["be", "so", "nice", "and"],
    &["be", "so", "nice", "to"],
    &["sorry", "to", "bother", "you"],
    &["excuse", "me"],
    &["when", "you", "have", "time"],
    &["if", "you", "have", "time"],
    &["por", "favor"],
    &["bitte"],
    &["another", "one", ":"],
    &["one", "more", ":"],
    &["and", "another", "one", ":"],
    &["assistant"],
    &["!"],
    &[","],
    &[":"],
    &["-"],
];

const BACK_FILLER: &[&[&str]] = &[
    &["please"],
    &["pls"],
    &["plz"],
    &["thanks"],
    &["thank", "you"],
    &["thank", "u"],
    &["once", "more"],
    &["write", "it", "down"],
    &["note", "it", "down"],
    &["thx"],
    &["ty"],
    &["thanks", "so", "much"],
    &["thank", "you", "so", "much"],
    &["thanks", "a", "lot"],
    &["?"],
    &["."],
    &["!"],
    &[","],
    &["…"],
];

/// Where the message starts after an apology that opens it ("sorry, me
/// again:", "sorry to bother you again, last one I promise:", "oops,
/// forgot one -"), in bytes; `None` without one or with nothing after it.
fn after_apology(t: &[Tok]) -> Option<usize> {
    const APOLOGY: &[&str] = &[
        "sorry",
        "apologies",
        "oops",
        "soz",
        "sry",
        "my",
        "bad",
        "me",
        "again",
        "forgot",
        "one",
        "more",
        "another",
        "last",
        "i",
        "promise",
        "to",
        "bother",
        "you",
        "be",
        "a",
        "pain",
        "for",
        "spamming",
        "the",
        "spam",
        "tiny",
        "quick",
        "small",
        "thing",
        "little",
        "so",
        "much",
        "just",
        "also",
        "and",
        "im",
        "i'm",
        "being",
        "annoying",
        "here",
        "it",
        "is",
        "this",
        "ok",
        "okay",
        "oh",
        "ugh",
    ];
    // ("oops" says what went wrong: "oops, that one's still open".)
    if !matches!(w(t, 0), "sorry" | "apologies" | "soz" | "sry") {
        return None;
    }
    let sep = |s: &str| matches!(s, "," | ":" | "-" | "." | "!" | "…" | ";");
    let mut k = 0;
    let mut end = None;
    while k < t.len() {
        let Some(s) = (k..t.len()).find(|&j| sep(w(t, j))) else {
            break;
        };
        if s == k || !t[k..s].iter().all(|x| APOLOGY.contains(&x.low.as_str())) {
            break;
        }
        let mut next = s + 1;
        while next < t.len() && sep(w(t, next)) {
            next += 1;
        }
        end = Some(next);
        k = next;
    }
    let e = end?;
    // Something of substance after it ("sorry, no" is an answer).
    let rest: Vec<&str> = t[e..]
        .iter()
        .filter(|x| !text::is_punct(&x.low))
        .map(|x| x.low.as_str())
        .collect();
    // ("Sorry, I do not understand": a statement about oneself is what the
    // apology is for.)
    let about_me = matches!(
        rest.first().copied(),
        Some("i" | "i'm" | "im" | "i've" | "i'd")
    );
    (rest.len() >= 2 && !about_me).then(|| t[e].start)
}

/// "Would you mind deleting the yoga task?", "do you mind moving it to
/// friday": the request in the imperative ("delete the yoga task?").
fn polite_gerund(mut all: Vec<Tok>) -> Vec<Tok> {
    const E_VERBS: &[&str] = &[
        "delete",
        "move",
        "complete",
        "remove",
        "rename",
        "change",
        "snooze",
        "pause",
        "schedule",
        "reschedule",
        "resume",
        "close",
        "make",
        "create",
        "note",
        "save",
        "update",
    ];
    // After a greeting too: "hello, would you mind adding …".
    let greeting = |x: &Tok| {
        text::is_punct(&x.low)
            || matches!(
                x.low.as_str(),
                "hi" | "hello" | "hey" | "hiya" | "ok" | "okay" | "so" | "oh" | "and" | "also"
            )
    };
    let Some(s) = (0..all.len().min(4)).find(|&s| {
        (seq(&all, s, &["would", "you", "mind"]) || seq(&all, s, &["do", "you", "mind"]))
            && all[..s].iter().all(greeting)
    }) else {
        return all;
    };
    let lead = s + 3;
    let Some(g) = all.get(lead).and_then(|x| x.low.strip_suffix("ing")) else {
        return all;
    };
    if g.len() < 2 {
        return all;
    }
    const DOUBLED: &[&str] = &[
        "stop", "drop", "plan", "skip", "ship", "shop", "jog", "put", "set", "get", "run", "cut",
    ];
    let e_form = format!("{g}e");
    let base = if E_VERBS.contains(&e_form.as_str()) {
        e_form
    } else if DOUBLED.contains(&&g[..g.len() - 1]) {
        g[..g.len() - 1].to_string()
    } else {
        g.to_string()
    };
    let tok = &mut all[lead];
    tok.text = base.clone();
    tok.low = base;
    all.drain(..lead);
    all
}

/// Whether what is left of a message once its dates are read is only a
/// verdict ("are the worst honestly") or interjections ("ugh amirite").
fn remark_left(title: &str) -> bool {
    const SIGHS: &[&str] = &[
        "ugh", "argh", "amirite", "lol", "lmao", "honestly", "meh", "sigh", "haha", "right", "man",
        "again", "already", "omg", "smh",
    ];
    let words: Vec<String> = title
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let verdict = words
        .first()
        .is_some_and(|w| matches!(w.as_str(), "are" | "is" | "were" | "suck" | "sucks"));
    verdict || !words.is_empty() && words.iter().all(|w| SIGHS.contains(&w.as_str()))
}

/// Whether the message opens with someone other than the user doing
/// something in the past: a subject ("the client", "my grandson", "she")
/// and then a verb in the past tense ("loved", "showed", "lost").
fn told_of_someone(t: &[Tok]) -> bool {
    const IRREGULAR: &[&str] = &[
        "was", "were", "got", "went", "came", "made", "took", "saw", "met", "found", "left", "won",
        "lost", "broke", "fell", "sent", "told", "said", "ran", "bought", "sold", "ate", "quit",
        "forgot", "gave", "wrote", "drove", "slept", "woke", "threw", "began", "brought", "had",
        "did", "felt", "kept", "paid", "spent", "thought", "taught", "caught", "became", "hit",
    ];
    // Participles that also describe the thing a task is about.
    const NOT_PAST: &[&str] = &[
        "need", "red", "bed", "feed", "seed", "used", "based", "shed",
    ];
    let past = |s: &str| {
        IRREGULAR.contains(&s)
            || s.len() > 4
                && s.ends_with("ed")
                && s.chars().all(|c| c.is_alphabetic())
                && !NOT_PAST.contains(&s)
    };
    // "finally", "just", "already" may come between subject and verb.
    let verb_at = |i: usize| {
        let i = if matches!(
            w(t, i),
            "finally" | "just" | "already" | "totally" | "actually"
        ) {
            i + 1
        } else {
            i
        };
        past(w(t, i))
    };
    match w(t, 0) {
        "he" | "she" | "they" | "you" | "everyone" | "everybody" | "nobody" | "somebody"
        | "someone" => verb_at(1),
        "the" | "my" | "our" | "his" | "her" | "their" => {
            (2..5).any(|i| verb_at(i) && (1..i).all(|j| !text::is_punct(w(t, j)) && !past(w(t, j))))
        }
        _ => false,
    }
}

/// A new task's words, then ", remind me" and the reminder as said: the
/// order the task reader knows, for a reminder said before its task. The
/// added words take the place of `last` (they are never part of a title).
fn task_then_reminder(task: &[Tok], reminder: &[Tok], last: &Tok) -> Vec<Tok> {
    let word = |s: &str| Tok {
        text: s.to_string(),
        low: s.to_string(),
        start: last.start,
        end: last.end,
    };
    task.iter()
        .cloned()
        .chain([word(","), word("remind"), word("me")])
        .chain(reminder.iter().cloned())
        .collect()
}

/// The message with the name in "the <name> task" (or "my <name> task")
/// put in double quotes,
/// when that name has two or more words and none of them is quoted,
/// punctuation or a word that points at a task instead of naming it.
fn quote_task_name(message: &str) -> Option<String> {
    let t = text::tokenize(message);
    let quoted = quoted_tokens(&t);
    for k in 3..t.len() {
        if !matches!(w(&t, k), "task" | "todo" | "to-do" | "task's") || quoted[k] {
            continue;
        }
        // The first "the" whose words up to "task" are all a name: "the
        // oil the garden bench task".
        let plain_from = |a: usize| {
            t[a + 1..k].iter().enumerate().all(|(j, x)| {
                !quoted[a + 1 + j]
                    && !text::is_punct(&x.low)
                    // "the oil the garden bench task" names one task;
                    // "the title of the gym task" names the title of one.
                    && !(x.low == "the"
                        && (j == 0
                            || matches!(
                                w(&t, a + j),
                                "of" | "for" | "on" | "about" | "in" | "to" | "at" | "with"
                                    | "from" | "into" | "by" | "under" | "list"
                            )))
                    && !matches!(
                        x.low.as_str(),
                        "a" | "task" | "tasks" | "this" | "that" | "it" | "my" | "same" | "other"
                        | "last" | "first" | "next" | "new" | "whole" | "recurring" | "repeating"
                            | "previous" | "old" | "second" | "third" | "\"" | "'"
                    )
            })
        };
        // "the first task", "the other dentist task": those point.
        let ends_plainly = !matches!(
            w(&t, k - 1),
            "of" | "for" | "on" | "about" | "in" | "to" | "at" | "with" | "from"
        );
        let Some(a) = (k.saturating_sub(7)..k - 2)
            .find(|&i| matches!(w(&t, i), "the" | "my") && plain_from(i))
            .filter(|_| ends_plainly)
        else {
            continue;
        };
        let name = &t[a + 1..k];
        let (s, e) = (name[0].start, name[name.len() - 1].end);
        return Some(format!(
            "{}\"{}\"{}",
            &message[..s],
            &message[s..e],
            &message[e..]
        ));
    }
    None
}

fn words_of(t: &[Tok]) -> String {
    t.iter()
        .filter(|x| !text::is_punct(&x.low))
        .map(|x| x.low.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn parse_intent(message: &str, ctx: &Context, clk: &Clock) -> Out {
    let mut out = read_intent(message, ctx, clk);
    if let Some(focused) = one_command_said(message, &out, ctx, clk) {
        out = focused;
    }
    // "20 minutes before 'Pick up Mia', add a reminder", "thursday at
    // 4:45pm instead, the parent meeting should be then": the details said
    // before the command. When the message was not understood, or read as
    // a task whose title is a command, its two halves are read swapped.
    if let Some(swapped) = swapped_reading(message, &out, ctx, clk) {
        out = swapped;
    }
    if let Some(asked) = question_inside(message, &out, ctx, clk) {
        out = asked;
    }
    // "it's not low priority at all, it's urgent", "never mind urgent, high
    // will do": of the levels said, the one not denied is the one meant.
    if let Intent::SetPriority { priority, .. } = &mut out.intent {
        if let Some(p) = affirmed_level(&text::tokenize(message)) {
            *priority = p;
        }
    }
    // "Ella quit ballet 😢 so end the ballet series", "restart the choir
    // series pls": "the … series" names the task as "the … task" does.
    let of_series = matches!(
        out.intent,
        Intent::StopSeries { .. } | Intent::ResumeSeries { .. }
    );
    if let Some(TaskTarget::Name(name)) = out.intent.target_mut() {
        if let Some(series) = series_name(&text::tokenize(message)) {
            if of_series || name.to_lowercase().contains(&series.to_lowercase()) {
                *name = series;
            }
        }
    }
    out
}

/// "Could you move it to Wednesday? Something came up today.", "I just
/// can't face it today, let's push it to the weekend": the command is one
/// sentence (or the clause that asks), and the rest says why; a date or a
/// task in the rest is not the command's. When exactly one part reads as a
/// command on a task (or a question about the list), and the whole message
/// read as a new task, as nothing, or as that same command with other
/// details, the part is the reading. The whole keeps the task it named
/// when the part only says "it".
fn one_command_said(message: &str, whole: &Out, ctx: &Context, clk: &Clock) -> Option<Out> {
    let t = text::tokenize(message);
    let quoted = quoted_tokens(&t);
    // Where each part starts: after a sentence's end, or at a clause that
    // asks ("…, could you …", "…, let's …").
    let mut cuts = vec![0];
    for k in 1..t.len() {
        if quoted[k] {
            continue;
        }
        let s = w(&t, k);
        let prev = w(&t, k - 1);
        // ("Dr. Weber", "incl. finished ones", "J. Smith": a dot after an
        // abbreviation or an initial ends nothing.)
        let abbreviation = prev == "."
            && k >= 2
            && (w(&t, k - 2).chars().count() == 1
                || matches!(
                    w(&t, k - 2),
                    "dr" | "mr"
                        | "mrs"
                        | "ms"
                        | "st"
                        | "incl"
                        | "approx"
                        | "etc"
                        | "vs"
                        | "no"
                        | "nr"
                        | "prof"
                        | "jr"
                        | "sr"
                        | "e.g"
                        | "i.e"
                        | "ca"
                        | "min"
                        | "max"
                        | "appt"
                        | "dept"
                ));
        let sentence_end = matches!(prev, "." | "?" | "!" | ";") && !quoted[k - 1] && !abbreviation;
        // "not asking you to add anything, just: what's due today?".
        let after_denial =
            matches!(prev, "," | ":" | "-") && denies_adding(&t[*cuts.last().unwrap_or(&0)..k - 1]);
        let asks = prev == ","
            && (opens_with_any(
                &t[k..],
                &[
                    &["so", "can", "you"],
                    &["so", "could", "you"],
                    &["could", "you"],
                    &["can", "you"],
                    &["would", "you"],
                    &["can", "u"],
                    &["could", "u"],
                    &["let's"],
                    &["lets"],
                ],
            ));
        if (sentence_end || asks || after_denial) && !text::is_punct(s) {
            cuts.push(k);
        }
    }
    if cuts.len() < 2 {
        return None;
    }
    cuts.push(t.len());
    let command = |i: &Intent| {
        !matches!(
            i,
            Intent::AddTask { .. }
                | Intent::Unknown { .. }
                | Intent::Refuse { .. }
                | Intent::Confirm { .. }
        )
    };
    let whole_is_task = matches!(whole.intent, Intent::AddTask { .. });
    let mut found: Vec<Out> = Vec::new();
    for p in cuts.windows(2) {
        let (a, b) = (p[0], p[1]);
        if a >= b {
            continue;
        }
        // "don't add anything": a part that says what not to do.
        if denies_adding(&t[a..b]) {
            continue;
        }
        // A part that asks to add makes the message a new task ("could
        // you put down X? it has to happen before the 10th").
        if anywhere::asks_to_add(&t[a..b]) {
            return None;
        }
        let part = &message[t[a].start..t[b - 1].end];
        let read = read_intent(part, ctx, clk);
        if command(&read.intent) {
            found.push(read);
        } else if whole_is_task {
            // A new task said in a part of its own, with its day or its
            // reminder ("… I must collect my results on Monday at 10",
            // "…; send me a reminder on the 5th") is what the message is.
            let dated = matches!(
                read.intent,
                Intent::AddTask { due: Some(_), .. }
                    | Intent::AddTask {
                        recurrence: Some(_),
                        ..
                    }
            );
            if dated || any_word(&t[a..b], &["remind", "reminder", "reminders"]) {
                return None;
            }
        }
    }
    let [part] = <[Out; 1]>::try_from(found).ok()?;
    // The same command with another date: the date of the part that asks.
    // (Other details, such as what a list shows, may be said in any part.)
    let same_kind = std::mem::discriminant(&part.intent) == std::mem::discriminant(&whole.intent)
        && matches!(
            whole.intent,
            Intent::Reschedule { .. } | Intent::AddReminder { .. }
        );
    if !(same_kind
        || matches!(
            whole.intent,
            Intent::AddTask { .. } | Intent::Unknown { .. }
        ))
    {
        return None;
    }
    if part.intent == whole.intent {
        return None;
    }
    let mut part = part;
    if same_kind {
        if let (Some(TaskTarget::LastTask(_)), Some(TaskTarget::Name(name))) =
            (part.intent.target(), whole.intent.target())
        {
            let name = name.clone();
            if let Some(target) = part.intent.target_mut() {
                *target = TaskTarget::Name(name);
            }
        }
    }
    Some(part)
}

/// "Hello dear, can you please read me what I have to do today?", "up
/// since 5 w/ the baby what do i have today", "ok hit me, is anything
/// overdue?": a question about the list said after a greeting, a remark
/// or a request to be told. When the whole reads as a new task or as
/// nothing, the question (from its question word on) is the reading,
/// unless what comes before makes the question part of a task: a word
/// that asks to add, or a verb whose object it is ("ask Tom what's due",
/// "find out which forms are due", "remember to check what's due").
fn question_inside(message: &str, whole: &Out, ctx: &Context, clk: &Clock) -> Option<Out> {
    if !matches!(
        whole.intent,
        Intent::AddTask { .. } | Intent::Unknown { .. }
    ) {
        return None;
    }
    let t = text::tokenize(message);
    let quoted = quoted_tokens(&t);
    const TASK_VERBS: &[&str] = &[
        "add", "create", "note", "jot", "put", "task", "todo", "to-do", "to", "ask", "asking",
        "tell", "find", "figure", "decide", "discuss", "research", "google", "learn", "write",
        "email", "text", "call", "message", "plan", "work", "sort", "choose", "pick", "agree",
        "confirm", "check", "look", "see", "about", "remember",
    ];
    let starts = |k: usize| {
        matches!(w(&t, k), "what" | "what's" | "whats" | "which")
            || matches!(w(&t, k), "is" | "are") && matches!(w(&t, k + 1), "anything" | "there")
            || w(&t, k) == "anything" && k > 0 && text::is_punct(w(&t, k - 1))
    };
    // The question starts a part of its own: after punctuation or an
    // emoji, after "… me" or "but", or after a greeting ("MORNING what
    // have I got on today"). "bring what's left of the cake" and "cook
    // what we have tonight" say what to bring and cook.
    let apart = |k: usize| {
        text::is_punct(w(&t, k - 1))
            || !message[t[k - 1].end..t[k].start].trim().is_empty()
            || matches!(w(&t, k - 1), "me" | "but" | "so")
            || is_chat(&words_of(&t[..k]))
    };
    let k = (1..t.len()).find(|&k| !quoted[k] && starts(k) && apart(k))?;
    let before = &t[..k];
    // "tell me what's due" asks to be told; "tell Tom what's due" is a task.
    let told = |i: usize| {
        matches!(w(before, i), "tell" | "check" | "see") && w(before, i + 1) == "me"
            || matches!(w(before, i), "check" | "see" | "look") && i + 1 == before.len()
    };
    if (0..before.len())
        .any(|i| TASK_VERBS.contains(&w(before, i)) && !told(i) || before[i].low.starts_with('#'))
    {
        return None;
    }
    // ("… capture what went well: write the summary": a colon starts what
    // is asked.)
    if t[k..].iter().any(|x| x.low == ":") {
        return None;
    }
    let asked = read_intent(&message[t[k].start..], ctx, clk);
    matches!(asked.intent, Intent::ListTasks { .. }).then_some(asked)
}

/// "don't add anything", "not asking you to add anything", "no need to
/// add it": a part that says not to add, and nothing else.
fn denies_adding(t: &[Tok]) -> bool {
    let t = strip_filler(t);
    let Some(add) = t
        .iter()
        .position(|x| matches!(x.low.as_str(), "add" | "create"))
    else {
        return false;
    };
    let negated = t[..add].iter().any(|x| {
        matches!(
            x.low.as_str(),
            "don't" | "dont" | "do" | "not" | "no" | "never" | "without"
        )
    }) && !any_word(&t[..add], &["also", "and"]);
    let rest_is_nothing = t[add + 1..].iter().all(|x| {
        text::is_punct(&x.low)
            || matches!(
                x.low.as_str(),
                "anything"
                    | "it"
                    | "that"
                    | "this"
                    | "a"
                    | "task"
                    | "tasks"
                    | "new"
                    | "any"
                    | "yet"
                    | "just"
                    | "please"
                    | "pls"
                    | "thanks"
            )
    });
    negated && rest_is_nothing && add <= 5
}

/// The words of "the <name> series" (one to four, none quoted or a
/// pointing word), as written.
fn series_name(t: &[Tok]) -> Option<String> {
    let quoted = quoted_tokens(t);
    let k = (2..t.len()).find(|&k| w(t, k) == "series" && !quoted[k])?;
    let a = (k.saturating_sub(5)..k - 1).find(|&a| {
        w(t, a) == "the"
            && t[a + 1..k].iter().all(|x| {
                !text::is_punct(&x.low)
                    && !matches!(
                        x.low.as_str(),
                        "the"
                            | "this"
                            | "that"
                            | "whole"
                            | "recurring"
                            | "repeating"
                            | "weekly"
                            | "daily"
                            | "monthly"
                    )
            })
    })?;
    let text = t[a + 1..k]
        .iter()
        .map(|x| x.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

fn swapped_reading(message: &str, out: &Out, ctx: &Context, clk: &Clock) -> Option<Out> {
    const COMMAND_WORDS: &[&str] = &[
        "remind",
        "reminder",
        "snooze",
        "move",
        "reschedule",
        "rename",
        "delete",
        "remove",
        "done",
        "repeat",
        "repeats",
        "series",
        "restart",
        "resume",
        "priority",
        "urgent",
        "instead",
        "ping",
        "then",
        "called",
        "again",
        "finished",
        "complete",
        "close",
    ];
    // "A cover letter for the job, please write it for me": asked of the
    // assistant, said the other way round.
    let low = message.to_lowercase();
    let asked_of_it = ["for me", "can you", "could you", "can u", "could u"]
        .iter()
        .any(|p| low.contains(p))
        && ![
            "list", "add", "note", "task", "remind", "jot", "todo", "to-do",
        ]
        .iter()
        .any(|p| low.contains(p));
    let undated_task = matches!(
        &out.intent,
        Intent::AddTask {
            due: None,
            recurrence: None,
            ..
        }
    );
    let misread = match &out.intent {
        Intent::Unknown { .. } => true,
        // ("Remove the old posters" is a to-do that opens with its verb.)
        // A title that ends on "it" names no task of its own ("ping me
        // about it").
        Intent::AddTask { title, .. } => {
            let words: Vec<String> = title
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            words
                .iter()
                .skip(1)
                .any(|w| COMMAND_WORDS.contains(&w.as_str()))
                || ctx.last_task.is_some()
                    && words.len() > 1
                    && words
                        .last()
                        .is_some_and(|w| matches!(w.as_str(), "it" | "that" | "this"))
        }
        _ => false,
    };
    if !(misread || asked_of_it && undated_task) {
        return None;
    }
    let t = text::tokenize(message);
    let quoted = quoted_tokens(&t);
    let b = (1..t.len().saturating_sub(1))
        .find(|&b| !quoted[b] && matches!(w(&t, b), "," | "-" | ":"))?;
    let swapped = format!("{} {}", &message[t[b].end..], &message[..t[b].start]);
    let again = read_intent(swapped.trim(), ctx, clk);
    let command = !matches!(
        again.intent,
        Intent::AddTask { .. }
            | Intent::Unknown { .. }
            | Intent::Refuse { .. }
            | Intent::Confirm { .. }
    );
    let refused = matches!(again.intent, Intent::Refuse { .. })
        && asked_of_it
        && (undated_task || matches!(out.intent, Intent::Unknown { .. }));
    (command || refused).then_some(again)
}

/// "Go ahead and delete it, yes", "Keep it - no, don't remove it", "dont
/// remov it no", "Please not, no": a yes or no with words about the action
/// asked about and nothing else.
fn answer_about_the_action(whole: &str) -> Option<bool> {
    const ABOUT: &[&str] = &[
        "go", "ahead", "and", "delete", "remove", "remov", "delte", "it", "keep", "don't", "dont",
        "do", "not", "please", "pls", "like", "this", "that", "sure", "ok", "okay", "fine", "the",
        "way", "is", "leave", "as", "actually", "just", "one", "right", "by", "me", "so",
    ];
    let words: Vec<&str> = whole.split(' ').filter(|w| !w.is_empty()).collect();
    let yes = words
        .iter()
        .any(|w| matches!(*w, "yes" | "yeah" | "yep" | "yup" | "ja" | "si" | "oui"));
    let no = words
        .iter()
        .any(|w| matches!(*w, "no" | "nope" | "nah" | "nein"));
    let rest_ok = words.iter().all(|w| {
        ABOUT.contains(w) || matches!(*w, "yes" | "yeah" | "yep" | "yup" | "no" | "nope" | "nah")
    });
    if !rest_ok || yes == no || words.len() < 2 {
        return None;
    }
    Some(yes)
}

/// The level a message affirms when it names more than one, or denies one
/// and names no other ("the passport task is no longer urgent, medium is
/// fine" → medium; "don't make the roof task urgent, high is enough" →
/// high). `None` when one level is said plainly: the readers decide.
fn affirmed_level(t: &[Tok]) -> Option<Priority> {
    const NEGATORS: &[&str] = &[
        "not", "no", "isn't", "isnt", "aren't", "don't", "dont", "doesn't", "doesnt", "never",
        "longer", "stop",
    ];
    let quoted = quoted_tokens(t);
    let level_at = |i: usize| {
        if quoted[i] {
            return None;
        }
        let s = w(t, i).trim_start_matches('!');
        // "low" in "lower" is a direction; "priority" is only a noun here.
        level_word(s)
            .or_else(|| p_code(w(t, i)))
            .filter(|_| !matches!(s, "lower" | "higher" | "top" | "max" | "maximum"))
    };
    let levels: Vec<(usize, Priority)> = (0..t.len())
        .filter_map(|i| level_at(i).map(|p| (i, p)))
        .collect();
    let denied = |i: usize| {
        let start = (0..i)
            .rev()
            .find(|&j| text::is_punct(w(t, j)) && !quoted[j])
            .map_or(0, |j| j + 1);
        (start..i).any(|j| NEGATORS.contains(&w(t, j)))
            || w(t, i + 1) == "off"
            || i > 0 && w(t, i - 1) == "than"
    };
    let said: Vec<(Priority, bool)> = levels.iter().map(|&(i, p)| (p, denied(i))).collect();
    let distinct = said
        .iter()
        .map(|(p, _)| *p)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if distinct < 2 {
        return None;
    }
    said.iter().rev().find(|(_, d)| !d).map(|(p, _)| *p)
}

fn read_intent(message: &str, ctx: &Context, clk: &Clock) -> Out {
    // 👍 / 👎 alone answer the question of the previous turn.
    if ctx.last_task.is_some() {
        let bare: String = message
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{fe0f}')
            .collect();
        if matches!(bare.as_str(), "👍" | "👌" | "🆗" | "✔" | "☑") {
            return Intent::Confirm { accepted: true }.into();
        }
        if matches!(bare.as_str(), "👎" | "❌" | "✖" | "🙅") {
            return Intent::Confirm { accepted: false }.into();
        }
    }
    // "the finish the slides task", "the dentist for Noah task": the words
    // between "the" and "task" name a task, whatever they would otherwise
    // say, so they are read as if quoted.
    if let Some(quoted) = quote_task_name(message) {
        return parse_intent(&quoted, ctx, clk);
    }
    // "sorry, me again: watch …", "sorry for spamming - get new fairy
    // lights", "sorry sorry sorry - rent transfer !!!": an apology before
    // the message is not part of it.
    // "I would ask you to make the eye doctor appointment high priority".
    {
        let t = text::tokenize(message);
        let lead = [
            &["i", "would", "ask", "you", "to"][..],
            &["i'd", "ask", "you", "to"],
            &["i", "ask", "you", "to"],
        ]
        .iter()
        .find(|p| seq(&t, 0, p))
        .map(|p| p.len());
        if let Some(k) = lead.filter(|&k| t.len() > k + 1) {
            return parse_intent(&message[t[k].start..], ctx, clk);
        }
        // "do you know what's left for this week?", "any idea what I have
        // tomorrow?": the question is what follows.
        let asking = [
            &["do", "you", "know"][..],
            &["d'you", "know"],
            &["any", "idea"],
            &["can", "you", "tell", "me"],
            &["could", "you", "tell", "me"],
        ]
        .iter()
        .find(|p| seq(&t, 0, p))
        .map(|p| p.len());
        if let Some(k) = asking.filter(|&k| {
            t.len() > k + 2
                && matches!(
                    w(&t, k),
                    "what" | "what's" | "whats" | "which" | "when" | "how" | "if" | "whether"
                )
        }) {
            let out = parse_intent(&message[t[k].start..], ctx, clk);
            if matches!(out.intent, Intent::ListTasks { .. }) {
                return out;
            }
        }
    }
    if let Some(k) = after_apology(&text::tokenize(message)) {
        let out = parse_intent(&message[k..], ctx, clk);
        // ("Sorry, I didn't get that": the apology was the message.)
        if !matches!(out.intent, Intent::Unknown { .. }) {
            return out;
        }
    }
    let all = polite_gerund(text::tokenize(message));
    // "Qué tengo hoy? I mean, what's for today": the message says itself
    // again, and the second saying is the one to read.
    if let Some(k) = (1..all.len()).find(|&k| {
        seq(&all, k, &["i", "mean"]) && matches!(all[k - 1].low.as_str(), "?" | "." | "!")
    }) {
        let mut r = k + 2;
        while all
            .get(r)
            .is_some_and(|x| matches!(x.low.as_str(), "," | ":" | "-"))
        {
            r += 1;
        }
        if all.len() > r + 1 {
            return parse_intent(&message[all[r].start..], ctx, clk);
        }
    }
    // "slides !urgent plz", "deck !urgent pls": a name, a level mark and a
    // please ask to change that task (a new task says more, or no please).
    let said: Vec<&Tok> = all.iter().filter(|x| !text::is_punct(&x.low)).collect();
    if (3..=5).contains(&said.len())
        && matches!(
            said[said.len() - 1].low.as_str(),
            "pls" | "plz" | "please" | "thx" | "thanks" | "ty"
        )
    {
        let mark = said[said.len() - 2].low.as_str();
        if let Some(p) = p_code(mark)
            .filter(|_| mark.starts_with('!'))
            .or_else(|| bangs(mark))
        {
            // ("budget task !high pls": the word "task" only says what it is.)
            let mut name_words = &said[..said.len() - 2];
            if name_words.len() > 1 && name_words[name_words.len() - 1].low == "task" {
                name_words = &name_words[..name_words.len() - 1];
            }
            let name = name_words
                .iter()
                .map(|x| x.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if !PRONOUNS.contains(&name.to_lowercase().as_str()) {
                return Intent::SetPriority {
                    target: TaskTarget::Name(name),
                    priority: p,
                }
                .into();
            }
        }
    }
    // "today pls", "tomorrow, please": a day alone, asked for politely,
    // asks what it holds as "today?" does.
    let said: Vec<Tok> = all
        .iter()
        .filter(|x| !text::is_punct(&x.low))
        .cloned()
        .collect();
    let polite_day = said.len() >= 2
        && matches!(
            said[said.len() - 1].low.as_str(),
            "pls" | "plz" | "please" | "thx" | "thanks" | "ty"
        )
        && when::parse_when(&said, 0, clk).is_some_and(|(e, _)| e == said.len() - 1);
    let question = all.last().is_some_and(|x| x.low == "?") || polite_day;
    let whole = words_of(&all);
    if whole.is_empty() {
        return unknown(HELP);
    }
    if signs_off(&whole) {
        return unknown(HELP);
    }
    // "tomorrow instead", "nah, friday", "meh, low priority": a reply that
    // only says what changes about the task under discussion.
    if ctx.last_task.is_some() {
        let p = Parser { ctx, clk };
        if let Some(out) = p.follow_up(&all).or_else(|| p.said_of_it(&all)) {
            return out;
        }
    }
    // A yes or no answers the question of the previous turn; with no task
    // under discussion there is no question, and "ok" is just chat.
    if ctx.last_task.is_some() {
        if let Some(accepted) = confirmation(&whole)
            // "yesss finally did it 🎉 mark it done": joy, then a command.
            .or_else(|| {
                leading_answer(&whole).filter(|_| {
                    ![
                        "mark it",
                        "tick it off",
                        "check it off",
                        "mark as done",
                        "cross it off",
                    ]
                    .iter()
                    .any(|c| whole.contains(c))
                })
            })
            .or_else(|| answer_in_words(&whole))
            .or_else(|| answer_about_the_action(&whole))
        {
            return Intent::Confirm { accepted }.into();
        }
    } else if whole.contains("go ahead") || whole.contains("do it") {
        // "sure, go ahead": an answer to a pending action all the same.
        if let Some(accepted) = confirmation(&whole) {
            return Intent::Confirm { accepted }.into();
        }
    }
    // Small talk, however emphatic: "cool!!" is not a high-priority task.
    let talk: String = all
        .iter()
        .filter(|x| !text::is_punct(&x.low) && !x.low.chars().all(|c| c == '!'))
        .map(|x| x.low.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if CHAT.contains(&talk.as_str()) || is_chat(&talk) {
        return unknown(HELP);
    }
    let p = Parser { ctx, clk };
    if let Some(out) = cannot_do(&all, &p) {
        return out;
    }
    let t = strip_filler(&all);
    // ("so tired lol: water the tomatoes": a remark, then the request.)
    if p.is_remark(t) && p.request_after_chatter(t).is_none() || p.asks_about_the_app(t) {
        return unknown(HELP);
    }
    // Other languages: the assistant reads English ("kannst du bitte jetzt
    // meinen bruder anrufen?" asks it to act; "ich bin heute so müde" is talk).
    // A short command in another language, said with the glossary's
    // English words, is read as that command ("erledigt", "verschieb das
    // auf samstag"); a new task or talk stays unread.
    let translated = foreign(&all)
        .is_some()
        .then(|| in_english(&all))
        .flatten()
        .or_else(|| {
            (all.len() <= 2)
                .then(|| in_english(&all))
                .flatten()
                .filter(|s| s != &whole)
        });
    if let Some(english) = translated {
        let out = parse_intent(&english, ctx, clk);
        if !matches!(out.intent, Intent::AddTask { .. } | Intent::Unknown { .. }) {
            return out;
        }
    }
    if let Some(request) = foreign(&all) {
        return if request {
            refuse("I can only keep your tasks and reminders, and I read English; I can't do that for you.")
        } else {
            unknown(HELP)
        };
    }
    let whole = words_of(t);
    // "exactly, this one", "I prefer not, leave it like it is": an answer
    // in several clauses, each of them the same answer.
    let clauses: Vec<String> = t
        .split(|x| text::is_punct(&x.low))
        .map(words_of)
        .filter(|c| !c.is_empty())
        .collect();
    let every =
        |set: &[&str]| clauses.len() > 1 && clauses.iter().all(|c| set.contains(&c.as_str()));
    if YES.contains(&whole.as_str()) || every(YES) {
        return Intent::Confirm { accepted: true }.into();
    }
    if every(NO) {
        return Intent::Confirm { accepted: false }.into();
    }
    // "nvm forget it", "Never mind, please forget what I said": taking
    // back what was said.
    let taken_back = {
        let ws: Vec<&str> = whole.split(' ').collect();
        ws.iter()
            .any(|w| matches!(*w, "nvm" | "nevermind" | "forget" | "mind"))
            && ws.iter().all(|w| {
                matches!(
                    *w,
                    "never"
                        | "mind"
                        | "nevermind"
                        | "nvm"
                        | "forget"
                        | "it"
                        | "about"
                        | "what"
                        | "i"
                        | "said"
                        | "please"
                        | "pls"
                        | "that"
                        | "ok"
                        | "okay"
                        | "just"
                        | "oh"
                )
            })
    };
    if NO.contains(&whole.as_str()) || taken_back {
        // "never mind" with nothing under discussion calls nothing off.
        if ctx.last_task.is_none() && (taken_back || matches!(whole.as_str(), "forget about it")) {
            return unknown(HELP);
        }
        return Intent::Confirm { accepted: false }.into();
    }
    // "lol I've been slacking, can you add …": the request after a preamble.
    if let Some(out) = p.add_after_title(t) {
        return out;
    }
    // "urgent - please add call the bank": a level said first stays with
    // the request, said after it.
    let level_first: Vec<Tok>;
    let t = match p
        .request_after_preamble(t)
        .or_else(|| p.request_after_remark(t))
        .or_else(|| command_after_story(t))
        .or_else(|| p.request_after_chatter(t))
    {
        Some(k) => match priority_opener(t).filter(|&(e, _)| e > 0 && e <= k) {
            Some((e, _)) => {
                level_first = t[k..]
                    .iter()
                    .chain(&t[e - 1..e])
                    .chain(&t[..e - 1])
                    .cloned()
                    .collect();
                &level_first[..]
            }
            None => &t[k..],
        },
        None => t,
    };
    // "This week, what is on my plate?": the question first, its time after.
    let reordered: Vec<Tok>;
    let time_said_first = (1..6).find(|&e| {
        matches!(w(t, e), "," | "-" | ":")
            && is_question_word(w(t, e + 1))
            && t[..e].iter().any(|x| {
                matches!(
                    x.low.as_str(),
                    "week" | "weekend" | "month" | "today" | "tomorrow" | "tonight"
                )
            })
    });
    // "ok, moment of truth: which things did I let slip?": a question
    // after a colon is the message.
    let asked_after_colon = (1..8)
        .find(|&e| {
            (w(t, e) == ":"
                || w(t, e) == ","
                    && e <= 4
                    && !t[..e].iter().any(|x| {
                        x.low.starts_with('#')
                            || matches!(
                                x.low.as_str(),
                                "tag"
                                    | "tagged"
                                    | "label"
                                    | "list"
                                    | "priority"
                                    | "prio"
                                    | "urgent"
                                    | "important"
                                    | "task"
                                    | "tasks"
                                    | "work"
                                    | "home"
                            )
                    })
                    && (0..e).all(|i| when::parse_when(t, i, clk).is_none()))
                && matches!(
                    w(t, e + 1),
                    "which"
                        | "what"
                        | "what's"
                        | "whats"
                        | "any"
                        | "anything"
                        | "is"
                        | "are"
                        | "did"
                        | "how"
                )
                && t.len() > e + 2
        })
        .filter(|_| time_said_first.is_none());
    // "#pets: what slipped past its deadline?": the tags said before the
    // question still filter it.
    let tagged_question: Vec<Tok>;
    let t = match asked_after_colon {
        Some(e)
            if t[..e]
                .iter()
                .any(|x| x.low.starts_with('#') && x.low.len() > 1) =>
        {
            tagged_question = t[e + 1..]
                .iter()
                .chain(t[..e].iter().filter(|x| x.low.starts_with('#')))
                .cloned()
                .collect();
            &tagged_question[..]
        }
        Some(e) => &t[e + 1..],
        None => t,
    };
    let time_said_first = time_said_first.filter(|_| asked_after_colon.is_none());
    // "Tomorrow: have I got anything?", "for today, tell me what tasks I have".
    let asks_at = |k: usize| {
        is_question_word(w(t, k))
            || matches!(w(t, k), "have" | "do" | "am" | "got")
                && matches!(w(t, k + 1), "i" | "anything")
            || seq(t, k, &["tell", "me"])
    };
    // "For next week please add a task 'Update my address'": the day said
    // before the request to add.
    let add_at = |k: usize| {
        let mut k = k;
        while text::is_punct(w(t, k)) || matches!(w(t, k), "please" | "pls" | "plz") {
            k += 1;
        }
        (matches!(w(t, k), "add" | "create" | "note" | "jot" | "put")
            || seq(t, k, &["can", "you", "add"])
            || seq(t, k, &["could", "you", "add"]))
        .then_some(k)
    };
    let lead = usize::from(matches!(w(t, 0), "for" | "on"));
    let t = match when::parse_when(t, lead, clk) {
        Some((e, _)) if matches!(w(t, e), "," | "-" | ":") && asks_at(e + 1) => {
            reordered = t[e + 1..].iter().chain(&t[..e]).cloned().collect();
            &reordered[..]
        }
        Some((e, _)) if add_at(e).is_some() => {
            let k = add_at(e).unwrap_or(e);
            reordered = t[k..].iter().chain(&t[..e]).cloned().collect();
            &reordered[..]
        }
        // "rest of this week, what's left?": a span of time said first.
        _ if time_said_first.is_some() => {
            let e = time_said_first.unwrap_or(0);
            reordered = t[e + 1..].iter().chain(&t[..e]).cloned().collect();
            &reordered[..]
        }
        _ => t,
    };
    if let Some(out) = p
        .reminder_first(t)
        .or_else(|| p.topic_first(t))
        .or_else(|| p.add_prefix(t))
    {
        return out;
    }
    // "complete buy milk", "delete old tweets": without "it", quotes or
    // the word "task" this reads as a new to-do, and the command on a task
    // so named is the other reading, for a caller that knows the tasks.
    if p.command_verb_todo(t) {
        let mut out = p.add_task(t, false);
        if matches!(out.intent, Intent::AddTask { .. }) {
            out.alternative = p
                .complete(t)
                .or_else(|| p.delete(t))
                .or_else(|| p.stop_or_resume(t))
                .or_else(|| p.reopen(t))
                .map(|o| o.intent)
                .filter(|i| i.target().is_some_and(|t| matches!(t, TaskTarget::Name(_))));
        }
        return out;
    }
    // "high prio tasks with 'contract' in the title": a search.
    if seq_any(
        t,
        &[
            &["in", "the", "title"],
            &["in", "the", "name"],
            &["in", "their", "title"],
        ],
    ) && any_word(
        t,
        &[
            "tasks", "task", "todos", "to-dos", "ones", "anything", "any",
        ],
    ) {
        if let Some(out) = p.list_as_asked(t) {
            return out;
        }
    }
    // "Finished tasks mentioning 'passport'?", "open tasks about the
    // move": tasks of a kind asked for, a list.
    if matches!(
        w(t, 0),
        "finished" | "completed" | "done" | "open" | "overdue" | "pending"
    ) && matches!(w(t, 1), "tasks" | "ones" | "to-dos" | "todos" | "items")
    {
        if let Some(out) = p.list_as_asked(t) {
            return out;
        }
    }
    let found = p
        .snooze(t)
        .or_else(|| p.reminder_for_named(t))
        .or_else(|| p.remind(t))
        .or_else(|| p.stop_or_resume(t))
        .or_else(|| p.rename(t))
        .or_else(|| p.reschedule(t))
        .or_else(|| p.set_priority(t))
        .or_else(|| p.reopen(t))
        .or_else(|| p.complete(t))
        .or_else(|| p.delete(t))
        .or_else(|| p.change_to(t))
        .or_else(|| p.list(t))
        .or_else(|| p.filters_alone(t));
    // A matcher that recognised its verb but not the rest ("reschedule it
    // for …, I'm sick") leaves the message to the readers by clause.
    let found = match found {
        Some(out) if matches!(out.intent, Intent::Unknown { .. }) => {
            Some(p.command_anywhere(t).unwrap_or(out))
        }
        other => other,
    };
    if let Some(out) = found.or_else(|| p.command_anywhere(t)).or_else(|| {
        if anywhere::asks_to_add(t) {
            None
        } else {
            p.list_anywhere(t, question)
        }
    }) {
        return out;
    }
    // "Julia's recital is on Saturday at 4pm, could you add it and remind
    // me at 1pm that day?": a new task, asked for in passing.
    if anywhere::asks_to_add(t) || reminder_after_details(&p, t) || priority_opener(t).is_some() {
        return p.add_task(t, false);
    }
    // "can you import my tasks from Todoist?", "could you email my task list
    // to my boss?": the assistant asked to do something none of its
    // commands does.
    let lead = &all[..all.len().saturating_sub(t.len())];
    let asked = any_word(lead, &["can", "could", "would", "will"]) && any_word(lead, &["you", "u"]);
    let capability = matches!(
        w(t, 0),
        "understand"
            | "speak"
            | "hear"
            | "help"
            | "explain"
            | "tell"
            | "show"
            | "see"
            | "remember"
            | "read"
            | "list"
            | "add"
            | "remind"
            | "give"
            | "be"
            | "handle"
            | "talk"
    );
    // "can u do voice?" asks what the assistant can do: too short to be a
    // job for it.
    let long = t.iter().filter(|x| !text::is_punct(&x.low)).count() >= 4;
    if question && asked && long && !capability && !is_question_word(w(t, 0)) {
        return refuse(
            "I can only keep your tasks and reminders; I can't do that for you, but I can add it as a task.",
        );
    }
    if question || is_question_word(w(t, 0)) || seq(t, 0, &["tell", "me"]) {
        return unknown(format!("I didn't understand that. {HELP}"));
    }
    p.add_task(t, false)
}

fn is_question_word(s: &str) -> bool {
    matches!(
        s,
        "what"
            | "what's"
            | "whats"
            | "why"
            | "how"
            | "who"
            | "who's"
            | "where"
            | "which"
            | "is"
            | "are"
            | "does"
            | "did"
            | "can"
            | "could"
            | "would"
            | "should"
            | "am"
            | "when"
    )
}

/// Where the subject of "<subject> doesn't need to repeat anymore" ends:
/// a negation, then "repeat", "recur" or "come back", with "anymore" (or
/// "no longer") saying it is about the future of a series.
fn no_longer_repeats(t: &[Tok]) -> Option<usize> {
    let negation = |j: usize| match (w(t, j), w(t, j + 1)) {
        ("doesn't" | "doesnt" | "shouldn't" | "shouldnt" | "won't" | "wont" | "mustn't", _) => {
            Some(1)
        }
        ("does" | "should" | "shall" | "will" | "must" | "need", "not") => Some(2),
        ("no", "longer") => Some(2),
        // "(please) not repeat anymore", "don't need it every week anymore".
        ("don't" | "dont", _) => Some(1),
        ("do", "not") => Some(2),
        ("not", _) if j == 0 => Some(1),
        _ => None,
    };
    (0..t.len()).find(|&j| {
        let Some(len) = negation(j) else {
            return false;
        };
        let mut k = j + len;
        if matches!(w(t, k), "need" | "have") && w(t, k + 1) == "to" {
            k += 2;
        }
        let repeats = match w(t, k) {
            "repeat" | "recur" => true,
            "come" => w(t, k + 1) == "back",
            // "don't need it every week anymore".
            "need" | "want" => {
                matches!(w(t, k + 1), "it" | "this" | "that")
                    && matches!(w(t, k + 2), "every" | "each")
                    && matches!(w(t, k + 3), "day" | "week" | "month" | "year" | "time")
            }
            _ => false,
        };
        let anymore = w(t, j) == "no"
            || t[k..].iter().any(|x| x.low == "anymore")
            || t[k..]
                .windows(2)
                .any(|p| p[0].low == "any" && p[1].low == "more");
        repeats && anymore
    })
}

/// "my sister says the flight isn't booked, so please reopen the flights
/// task", "finally cleaned the guest room! mark the guest room task as
/// done": a story, a break, then a command about a task it names. The
/// story only explains; where the command starts, if the message has that
/// shape.
fn command_after_story(t: &[Tok]) -> Option<usize> {
    let quoted = quoted_tokens(t);
    for k in 2..t.len() {
        if quoted[k - 1] || !matches!(w(t, k - 1), "," | "." | "!" | "!!" | "?" | ";" | ":") {
            continue;
        }
        let start = k + filler_bounds(&t[k..]).0;
        let c = strip_filler(&t[k..]);
        let verb = matches!(
            w(c, 0),
            "mark" | "reopen" | "re-open" | "unmark" | "uncheck" | "untick" | "delete" | "rename"
        );
        // The command names its task itself, before any further clause:
        // "the guest room task", "'kitchen tiles'"; not "that task" (the
        // story named it then), nor a "task" in a clause after a comma.
        let clause = c
            .iter()
            .take_while(|x| !matches!(x.low.as_str(), "," | ";"))
            .collect::<Vec<_>>();
        let quotes = clause
            .iter()
            .any(|x| matches!(x.low.as_str(), "\"" | "“" | "'" | "‘"));
        let named = clause
            .iter()
            .position(|x| matches!(x.low.as_str(), "task" | "todo" | "to-do"))
            .is_some_and(|at| {
                clause.get(1..at).unwrap_or_default().iter().any(|x| {
                    !matches!(
                        x.low.as_str(),
                        "the" | "that" | "this" | "my" | "a" | "same" | "last" | "other"
                    )
                })
            });
        let names_task = quotes || named;
        if verb && names_task && c.len() >= 3 {
            return Some(start);
        }
    }
    None
}

/// Laughter, a sigh or a face: "lol", "ugh", "🙈".
fn is_laughter(x: &Tok) -> bool {
    let s = x.low.as_str();
    matches!(
        s,
        "lol"
            | "lmao"
            | "rofl"
            | "yay"
            | "omg"
            | "smh"
            | "ugh"
            | "yikes"
            | "phew"
            | "woohoo"
            | "hehe"
            | "lolol"
            | "haha"
            | "hahaha"
            | "hahahaha"
            | "ahaha"
    ) || s.starts_with("hahah")
        || s.contains([
            '😂', '🤣', '😅', '😭', '😩', '🙈', '🙃', '🥳', '😴', '🙄', '😫', '😤', '🥲', '😬',
            '🤦', '😆', '😄', '😁', '🎉',
        ])
}

fn strip_filler(all: &[Tok]) -> &[Tok] {
    let (a, b) = filler_bounds(all);
    &all[a..b]
}

/// Where what is said starts and ends once greetings, please and thanks
/// around it are left out.
fn filler_bounds(all: &[Tok]) -> (usize, usize) {
    let mut a = 0;
    let mut b = all.len();
    'front: loop {
        for p in FRONT_FILLER {
            // "hi prio stuff": "hi" is high here, not hello.
            if *p == ["hi"] && matches!(w(all, a + 1), "prio" | "priority" | "pri") {
                continue;
            }
            if a + p.len() < b && seq(&all[..b], a, p) {
                a += p.len();
                continue 'front;
            }
        }
        break;
    }
    'back: loop {
        for p in BACK_FILLER {
            if b > a + p.len() && seq(all, b - p.len(), p) {
                b -= p.len();
                continue 'back;
            }
        }
        break;
    }
    (a, b)
}

struct Parser<'a> {
    ctx: &'a Context,
    clk: &'a Clock,
}

/// Words before a task's name that are not part of it.
const NAME_LEAD: &[&str] = &[
    "the", "my", "a", "an", "task", "todo", "to-do", "item", "called", "named", "titled", ":",
    "\"", "“", "'", "‘", "«", "entire", "whole", "one",
];

const NAME_TAIL: &[&[&str]] = &[
    &["just", "now"],
    // "the winter jackets I have done": the speaker's report, not the name.
    &["i", "have", "done"],
    // "the Stromrechnung must be open again": what should happen to it.
    &["must", "be", "open", "again"],
    &["should", "be", "open", "again"],
    &["needs", "to", "be", "open", "again"],
    &["has", "to", "be", "open", "again"],
    &["must", "be", "reopened"],
    &["should", "be", "reopened"],
    &["needs", "to", "be", "reopened"],
    &["i've", "done"],
    &["i", "did"],
    &["is", "done"],
    &["are", "done"],
    &["one"],
    &["back", "to"],
    &["back"],
    &["task"],
    &["todo"],
    &["to-do"],
    &["item"],
    &["from", "my", "list"],
    &["from", "the", "list"],
    &["from", "my", "tasks"],
    &["from", "my", "to-do", "list"],
    &["from", "my", "todo", "list"],
    &["off", "my", "list"],
    &["on", "my", "list"],
    &["please"],
    &["now"],
    &["already"],
    &["for", "good"],
    &["permanently"],
    &["as", "well"],
    &["too"],
    &["\""],
    &["”"],
    &["'"],
    &["’"],
    &["»"],
    &["."],
    &["!"],
    &["?"],
    &[","],
];

const SERIES_TAIL: &[&[&str]] = &[
    &["from", "recurring"],
    &["every", "day"],
    &["every", "week"],
    &["each", "day"],
    &["daily"],
    &["weekly"],
    &["back", "on", "repeat"],
    &["on", "repeat"],
    &["reminder"],
    &["reminders"],
    &["series"],
    &["recurrence"],
    &["repeats"],
    &["repeating"],
    &["from", "repeating"],
    &["recurring", "task"],
    &["repeating", "task"],
    &["recurring"],
    &["anymore"],
    &["any", "more"],
    &["again"],
    &["for", "now"],
    &["for", "a", "while"],
    &["back", "on"],
    &["back", "up"],
    &["alarm"],
    &["notifications"],
    &["notification"],
];

const PRONOUNS: &[&str] = &[
    // "change the date to 12/18": the task's own field, not a name.
    "date",
    "the date",
    "due date",
    "the due date",
    "deadline",
    "the deadline",
    "check",
    "tick",
    "the check",
    "that check",
    "that tick",
    "the tick",
    "repeats",
    "repeat",
    "the repeat",
    "the recurrence",
    "recurrence",
    "the repeats",
    "the repeating",
    "last one",
    "the last",
    "last task",
    "previous one",
    "the previous one",
    "the previous task",
    "the series",
    "series",
    "this series",
    "that series",
    "the recurring task",
    "the repeating task",
    "it",
    "that",
    "this",
    "this one",
    "that one",
    "this 1",
    "that 1",
    "this task",
    "that task",
    "the task",
    "the last one",
    "the last task",
    "the one",
    "that reminder",
    "this reminder",
    "the reminder",
    "them",
];

fn clean_name(t: &[Tok], a: usize, b: usize, extra_tail: &[&[&str]]) -> (usize, usize) {
    let (mut a, mut b) = (a, b.min(t.len()));
    loop {
        let before = (a, b);
        while a < b && NAME_LEAD.contains(&w(t, a)) {
            a += 1;
        }
        // "remove please from my list the parcel task", "switch on again
        // the series for the thyroid pill".
        if a + 1 < b && matches!(w(t, a), "please" | "again") {
            a += 1;
            continue;
        }
        if a + 3 < b
            && w(t, a) == "from"
            && matches!(w(t, a + 1), "my" | "the")
            && matches!(w(t, a + 2), "list" | "tasks" | "todos")
        {
            a += 3;
            continue;
        }
        // "the task with the tailor", "the one about the ski trip".
        if a > 0
            && a + 1 < b
            && matches!(w(t, a), "with" | "about")
            && matches!(w(t, a - 1), "task" | "todo" | "to-do" | "one" | "item")
        {
            a += 1;
            continue;
        }
        let mut tails: Vec<&&[&str]> = extra_tail.iter().chain(NAME_TAIL.iter()).collect();
        tails.sort_by_key(|t| std::cmp::Reverse(t.len()));
        for tail in tails {
            if b > a + tail.len() && seq(t, b - tail.len(), tail) {
                b -= tail.len();
            }
        }
        if (a, b) == before {
            break;
        }
    }
    (a, b)
}

fn name_text(t: &[Tok], a: usize, b: usize) -> String {
    let idx: Vec<usize> = (a..b).collect();
    let s = text::join(t, &idx);
    let s = s.trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’' | ' '));
    s.strip_suffix("'s")
        .or_else(|| s.strip_suffix("’s"))
        .unwrap_or(s)
        .to_string()
}

impl Parser<'_> {
    fn last_task(&self) -> Result<TaskTarget, Box<Out>> {
        match &self.ctx.last_task {
            Some(t) => Ok(TaskTarget::LastTask(t.clone())),
            None => Err(Box::new(unknown(
                "Which task do you mean? Say its name, e.g. “complete the report”.",
            ))),
        }
    }

    /// A reminder at a date or time, refused when it cannot be read or has
    /// already passed.
    fn reminder_at(&self, wn: &When) -> Result<ReminderSpec, Box<Out>> {
        let at = wn
            .reminder_instant(self.clk)
            .map_err(|r| Box::new(refuse(format!("I can't read that time: {r}."))))?;
        if at < self.clk.now {
            let has_time = wn.time.is_some() || wn.instant.is_some();
            return Err(Box::new(refuse(past_reminder(self.clk, at, has_time))));
        }
        Ok(ReminderSpec::At {
            utc_ms: at.timestamp_millis(),
        })
    }

    /// The task named by t[a..b].
    fn target(
        &self,
        t: &[Tok],
        a: usize,
        b: usize,
        extra_tail: &[&[&str]],
    ) -> Result<TaskTarget, Box<Out>> {
        let (a, b) = (a.min(t.len()), b.min(t.len()));
        let quoted = quoted_tokens(t);
        // A quoted name is the name, whatever stands around it: "undo
        // complete on 'Fix bike tyre'", "erase 'Test task'".
        if let Some(q) = (a..b).find(|&i| quoted[i]) {
            let e = (q..b).find(|&i| !quoted[i]).unwrap_or(b);
            let name = name_text(t, q, e);
            if !name.is_empty() {
                return Ok(TaskTarget::Name(name));
            }
        }
        // "oops, that wasn't done": a clause of chatter before the name.
        let mut a = a;
        if let Some(k) = (a..b).find(|&i| matches!(w(t, i), "," | ":" | "-")) {
            let chatter = t[a..k].iter().all(|x| {
                matches!(
                    x.low.as_str(),
                    "oops"
                        | "ugh"
                        | "hmm"
                        | "ok"
                        | "okay"
                        | "so"
                        | "well"
                        | "oh"
                        | "ah"
                        | "actually"
                        | "sorry"
                        | "wait"
                        | "hey"
                        | "pls"
                        | "please"
                        | "yes"
                        | "no"
                        | "right"
                )
            });
            if chatter && k > a {
                a = k + 1;
            }
        }
        // "the laundry task, it's still wet": the name ends at the clause.
        let b = (a..b)
            .find(|&i| {
                !quoted[i]
                    && matches!(w(t, i), "," | "?" | ";" | "!" | "(" | "->")
                    && !words_of(&t[a..i]).is_empty()
            })
            .unwrap_or(b);
        // "undo done on it", "stop the repeats on it", "the task about X".
        loop {
            let before = a;
            while a < b
                && matches!(
                    w(t, a),
                    "please"
                        | "pls"
                        | "the"
                        | "my"
                        | "about"
                        | "regarding"
                        | "hmm"
                        | "um"
                        | "uh"
                        | "well"
                        | "oh"
                        | "so"
                        | "ok"
                        | "okay"
                        | "actually"
                        | "oops"
                        | "omg"
                        | "wow"
                        | "ugh"
                        | "lol"
                        | "lmao"
                        | "haha"
                        | "yay"
                        | "hey"
                )
            {
                a += 1;
            }
            if a + 1 < b
                && matches!(
                    w(t, a),
                    "done"
                        | "repeats"
                        | "repeating"
                        | "recurrence"
                        | "reminders"
                        | "series"
                        | "task"
                        | "repeat"
                        | "complete"
                        | "completion"
                        | "tasks"
                        | "recurrences"
                        | "repetition"
                        | "repetitions"
                )
                && matches!(
                    w(t, a + 1),
                    "on" | "of" | "for" | "about" | ":" | "called" | "named"
                )
            {
                a += 2;
            }
            // "the weekly repeat on the bass lesson".
            if a + 2 < b
                && matches!(w(t, a), "weekly" | "daily" | "monthly")
                && matches!(
                    w(t, a + 1),
                    "repeat" | "repeats" | "recurrence" | "reminder" | "series"
                )
            {
                a += 1;
            }
            // "reopen the task of shopping list".
            if a + 1 < b && w(t, a) == "of" && a > 0 && w(t, a - 1) == "task" {
                a += 1;
            }
            // "stop the recurring gym task".
            if a + 1 < b && matches!(w(t, a), "recurring" | "repeating") {
                a += 1;
            }
            // "resume recurring on the yoga task", "no more recurring for
            // it": the words after the series word say which task.
            if a + 1 < b
                && a > 0
                && matches!(w(t, a), "for" | "on" | "of" | "to" | "with")
                && matches!(
                    w(t, a - 1),
                    "recurring"
                        | "repeating"
                        | "repeat"
                        | "repeats"
                        | "series"
                        | "recurrence"
                        | "repetition"
                        | "reminder"
                        | "reminders"
                )
            {
                a += 1;
            }
            if a == before {
                break;
            }
        }
        // "the parent-teacher meeting the day before": when to remind is not
        // part of the name.
        let b = (a + 1..b)
            .find(|&j| !quoted[j] && before_spec(t, j).is_some_and(|(e, _)| e >= b))
            .unwrap_or(b);
        // "this one on sunday evening too": what closes the request goes
        // before the date is cut off.
        let mut b = b;
        while b > a + 1 && matches!(w(t, b - 1), "too" | "also") && !quoted[b - 1] {
            b -= 1;
        }
        // "the Siemens interview tuesday evening": when is not part of the name.
        let b = (a + 1..b)
            .find(|&j| {
                !quoted[j]
                    && when::parse_when(t, j, self.clk).is_some_and(|(e, _)| e >= b)
                    && !matches!(w(t, j), "the" | "a")
            })
            .unwrap_or(b);
        // "snooze it till later": how long is not part of the name.
        let mut b = b;
        while b > a + 1 && matches!(w(t, b - 1), "till" | "until" | "later") && !quoted[b - 1] {
            b -= 1;
        }
        // "the boiler task's name": the task's own words.
        let b = if b > a + 1 && matches!(w(t, b - 1), "task's" | "todo's") {
            b - 1
        } else {
            b
        };
        // "the dishes task off my list": the words before "task".
        if let Some(k) = (a..b).find(|&i| matches!(w(t, i), "task" | "task's")) {
            // "… this task", "this recurring task's series": the task of
            // the previous turn.
            let lead = if k > a + 1 && matches!(w(t, k - 1), "recurring" | "repeating") {
                k - 2
            } else {
                k.saturating_sub(1)
            };
            if k > a && matches!(w(t, lead), "this" | "that") {
                return self.last_task();
            }
            // "the finish the slides task", "the call mom back task":
            // between "the" and "task" is the name, verb and all.
            if k > a + 1 && a > 0 && w(t, a - 1) == "the" && !quoted[k] {
                let before = words_of(&t[a..k]);
                if !PRONOUNS.contains(&before.as_str()) {
                    let name = name_text(t, a, k);
                    if !name.is_empty() {
                        return Ok(TaskTarget::Name(name));
                    }
                }
            }
            if k > a && k + 1 < b && !quoted[k] {
                let before = words_of(&t[a..k]);
                if !before.is_empty() && !PRONOUNS.contains(&before.as_str()) {
                    return self.target(t, a, k, extra_tail);
                }
            }
        }
        // "kindly close the visa documents task": the verb is not the name.
        if a + 1 < b
            && matches!(
                w(t, a),
                "close"
                    | "complete"
                    | "finish"
                    | "mark"
                    | "delete"
                    | "remove"
                    | "reopen"
                    | "move"
                    | "rename"
                    | "snooze"
                    | "stop"
                    | "resume"
                    | "eliminate"
                    | "nuke"
                    | "erase"
                    | "prepone"
            )
            && matches!(w(t, a + 1), "the" | "my" | "a")
        {
            a += 1;
        }
        // "close that one, it's finished": the verb and a pointer at the
        // task under discussion, no name.
        if a + 1 < b
            && matches!(
                w(t, a),
                "close" | "complete" | "finish" | "mark" | "delete" | "remove" | "reopen"
            )
            && matches!(w(t, a + 1), "it" | "that" | "this")
            && t[a + 2..b]
                .iter()
                .all(|x| matches!(x.low.as_str(), "one" | "1" | "task" | "thing" | "item"))
        {
            return self.last_task();
        }
        let whole = words_of(&t[a..b]);
        // "finished it!!": the exclamation is not part of the name.
        let whole = whole.trim_end_matches(['!', '.']).to_string();
        let bare = whole.strip_suffix("'s").unwrap_or(&whole);
        if whole.is_empty() || PRONOUNS.contains(&whole.as_str()) || PRONOUNS.contains(&bare) {
            return self.last_task();
        }
        // "it's now due", "that's done", "it to low priority": the task of
        // the previous turn, with the rest of the request after it.
        if matches!(w(t, a), "it's" | "that's" | "its")
            || matches!(w(t, a), "it" | "that" | "this")
                && matches!(
                    w(t, a + 1),
                    "to" | "for" | "as" | "on" | "into" | "from" | "up" | "down"
                )
        {
            return self.last_task();
        }
        let (a2, b2) = clean_name(t, a, b, extra_tail);
        let inner = words_of(&t[a2..b2]);
        if a2 >= b2 || PRONOUNS.contains(&inner.as_str()) {
            return self.last_task();
        }
        Ok(TaskTarget::Name(name_text(t, a2, b2)))
    }

    // ---------------------------------------------------------------- add

    /// A remark about oneself or the day, not a request: "I'm having such
    /// a lazy day lol", "feeling tired today", "what a week". It opens with
    /// a state ("I'm", "I feel", "feeling", "what a") and asks for nothing:
    /// no need, plan, date, priority, tag, task or reminder words.
    /// Commands said of the task under discussion in everyday words:
    /// "chuck that one out", "give me 2 more hours?", "could I have a
    /// reminder for that tonight?", "its deadline: 12/19", "drop it down to
    /// low", "put it back on the list".
    fn said_of_it(&self, all: &[Tok]) -> Option<Out> {
        let t = strip_filler(all);
        // "busy rn, give me …": the request after a short reason.
        let k = (0..t.len().min(8))
            .find(|&k| matches!(w(t, k), "give" | "could" | "can" | "its" | "it's" | "drop"))
            .filter(|&k| k == 0 || w(t, k - 1) == ",")
            .unwrap_or(0);
        let t = &t[k..];
        let n = t.len();
        let it = |i: usize| matches!(w(t, i), "it" | "that" | "this");
        let target = || self.last_task();
        let run = |intent: Result<Intent, Box<Out>>| -> Option<Out> {
            Some(match intent {
                Ok(i) => i.into(),
                Err(o) => *o,
            })
        };
        // Thrown out.
        if matches!(
            w(t, 0),
            "chuck" | "bin" | "toss" | "ditch" | "trash" | "scrap" | "nuke"
        ) && it(1)
            && (2..n).all(|i| {
                matches!(w(t, i), "one" | "out" | "away" | "pls" | "please")
                    || text::is_punct(w(t, i))
            })
        {
            return run(target().map(|target| Intent::DeleteTask { target }));
        }
        // "in 20 minutes ask me again", "remind me again in an hour",
        // "another two hours? can't right now", "give me 2 more hours?".
        let again = (0..n).find(|&i| {
            matches!(w(t, i), "ask" | "remind" | "ping" | "nudge" | "tell")
                && w(t, i + 1) == "me"
                && w(t, i + 2) == "again"
        });
        let lead = if seq(t, 0, &["give", "me"]) {
            Some(2)
        } else if w(t, 0) == "another" {
            Some(0)
        } else if again.is_some() {
            // The amount after "in", said before or after the ask.
            let in_at = (0..n).find(|&j| w(t, j) == "in")?;
            Some(in_at + 1)
        } else {
            None
        };
        if let Some(from) = lead {
            let rest: Vec<Tok> = t[from..]
                .iter()
                .take_while(|x| {
                    !matches!(x.low.as_str(), "ask" | "remind" | "ping" | "nudge" | "tell")
                })
                .filter(|x| {
                    !matches!(
                        x.low.as_str(),
                        "more" | "another" | "?" | "." | "please" | "pls"
                    )
                })
                .cloned()
                .collect();
            if let Some((e, amount, unit)) = when::duration(&rest, 0) {
                let tail_ok = rest[e..].iter().all(|x| {
                    text::is_punct(&x.low)
                        || matches!(x.low.as_str(), "can't" | "cant" | "right" | "now" | "busy")
                });
                if let (Some(per), true) = (unit.minutes(), tail_ok) {
                    let minutes = (i64::from(amount) * per).clamp(1, i64::from(u32::MAX)) as u32;
                    return run(target().map(|target| Intent::Snooze { target, minutes }));
                }
            }
        }
        // "gimme 5 min", "try me in half an hour", "hold it 5 min", "not
        // now, hit me up in 20 mins": a while, with a word of putting off.
        let putting_off = any_word(
            t,
            &[
                "gimme", "try", "hold", "hit", "later", "wait", "back", "snooze", "again", "busy",
                "hang",
            ],
        );
        if putting_off
            && !(0..n)
                .any(|i| when::parse_when(t, i, self.clk).is_some_and(|(_, wn)| wn.date.is_some()))
        {
            if let Some((a, (e, amount, unit))) =
                (0..n).find_map(|i| when::duration(t, i).map(|d| (i, d)))
            {
                let words_ok = (0..n).filter(|&j| j < a || j >= e).all(|j| {
                    text::is_punct(w(t, j))
                        || matches!(
                            w(t, j),
                            "gimme"
                                | "give"
                                | "me"
                                | "it"
                                | "try"
                                | "hold"
                                | "hit"
                                | "up"
                                | "later"
                                | "wait"
                                | "can"
                                | "come"
                                | "back"
                                | "to"
                                | "in"
                                | "another"
                                | "more"
                                | "snooze"
                                | "again"
                                | "not"
                                | "now"
                                | "yet"
                                | "pls"
                                | "please"
                                | "busy"
                                | "rn"
                                | "hang"
                                | "on"
                                | "then"
                                | "and"
                                | "buzz"
                                | "a"
                                | "meeting"
                                | "for"
                                | "that"
                                | "this"
                                | "reminder"
                        )
                });
                if let (Some(per), true) = (unit.minutes(), words_ok) {
                    let minutes = (i64::from(amount) * per).clamp(1, i64::from(u32::MAX)) as u32;
                    return run(target().map(|target| Intent::Snooze { target, minutes }));
                }
            }
        }
        // "could I have a reminder for that tonight?".
        let asked = if matches!(w(t, 0), "could" | "can") && w(t, 1) == "i" {
            2
        } else {
            0
        };
        if matches!(w(t, asked), "have" | "get")
            && w(t, asked + 1) == "a"
            && w(t, asked + 2) == "reminder"
        {
            let mut j = asked + 3;
            if w(t, j) == "for" && it(j + 1) {
                j += 2;
            }
            if let Some((_, wn)) = when::parse_when(t, j, self.clk) {
                return run(target().and_then(|target| {
                    self.reminder_at(&wn)
                        .map(|spec| Intent::AddReminder { target, spec })
                }));
            }
        }
        // "its deadline: 12/19", "the due date is friday".
        let said_due = if matches!(w(t, 0), "its" | "it's") && matches!(w(t, 1), "deadline" | "due")
        {
            Some(if w(t, 1) == "due" && w(t, 2) == "date" {
                3
            } else {
                2
            })
        } else {
            None
        };
        if let Some(mut j) = said_due {
            while matches!(w(t, j), ":" | "is" | "now" | "-" | "=") {
                j += 1;
            }
            if let Some((e, wn)) = when::parse_when(t, j, self.clk) {
                if (e..n).all(|i| text::is_punct(w(t, i))) {
                    return Some(match target() {
                        Ok(target) => self.reschedule_target(target, &wn),
                        Err(o) => *o,
                    });
                }
            }
        }
        // "drop it down to low", "knock it up to urgent".
        if matches!(
            w(t, 0),
            "drop" | "knock" | "bump" | "turn" | "move" | "put" | "set"
        ) && it(1)
        {
            let mut j = 2;
            while matches!(w(t, j), "down" | "up" | "to" | "back") {
                j += 1;
            }
            if let Some(p) = level_word(w(t, j)).filter(|_| j > 2) {
                return run(target().map(|target| Intent::SetPriority {
                    target,
                    priority: p,
                }));
            }
        }
        // "put it back on the list", "…, put it back".
        if let Some(k) = (0..n).find(|&k| seq(t, k, &["put", "it", "back"])) {
            let repeats = any_word(
                t,
                &["repeat", "repeating", "schedule", "recurring", "series"],
            );
            if (k == 0 || w(t, k - 1) == ",") && !repeats {
                return run(target().map(|target| Intent::ReopenTask { target }));
            }
        }
        None
    }

    /// "The pharmacy — are there tasks mentioning it?", "with 'receipt' in
    /// the title, which tasks?", "due today and urgent, show me those": what
    /// to look for said first, then the question about it. Read as the
    /// question with the topic in place of "it" (or after it), when that
    /// is a question about the list.
    fn topic_first(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let e = (1..n.min(8)).find(|&e| matches!(w(t, e), "," | "-" | ":"))?;
        let after = &t[e + 1..];
        if !matches!(
            w(after, 0),
            "which"
                | "what"
                | "what's"
                | "are"
                | "is"
                | "any"
                | "anything"
                | "show"
                | "list"
                | "can"
                | "could"
                | "do"
                | "does"
                | "look"
                | "find"
        ) || after.len() < 2
        {
            return None;
        }
        let mut topic = &t[..e];
        // "in my tasks, look for 'passport'": where, not what.
        let where_said =
            seq(topic, 0, &["in", "my", "tasks"]) || seq(topic, 0, &["in", "my", "list"]);
        if where_said {
            topic = &topic[3..];
        }
        // "todo: look up the route", "errands tag - anything late?": a lead-in
        // or a tag, which the other readers take as said.
        if matches!(w(after, 0), "look" | "find") && !where_said
            || any_word(
                topic,
                &[
                    "todo", "to-do", "add", "list", "note", "pop", "put", "tag", "tagged", "task",
                ],
            )
            || topic.iter().any(|x| x.low.starts_with('#'))
        {
            return None;
        }
        let pronoun =
            |x: &Tok| matches!(x.low.as_str(), "it" | "them" | "those" | "they" | "these");
        let mut read: Vec<Tok> = Vec::new();
        let mut placed = false;
        for x in after {
            if pronoun(x) && !placed {
                read.extend(topic.iter().cloned());
                placed = true;
            } else {
                read.push(x.clone());
            }
        }
        if !placed {
            // Before a closing question mark.
            let at = if read.last().is_some_and(|x| x.low == "?") {
                read.len() - 1
            } else {
                read.len()
            };
            read.splice(at..at, topic.iter().cloned());
        }
        let out = self.list(strip_filler(&read))?;
        matches!(out.intent, Intent::ListTasks { .. }).then_some(out)
    }

    /// The list reader on words that say what to show without asking for
    /// it ("Finished tasks mentioning …", "medium prio ones"): read as if
    /// they followed "show".
    fn list_as_asked(&self, t: &[Tok]) -> Option<Out> {
        let at = t.first()?.start;
        let show = Tok {
            text: "show".into(),
            low: "show".into(),
            start: at,
            end: at,
        };
        let said: Vec<Tok> = std::iter::once(show).chain(t.iter().cloned()).collect();
        self.list(&said)
    }

    /// "medium prio ones", "low prio this wk", "this week todo?", "stuff i
    /// ticked off?": what a list should show, said without asking for it.
    fn filters_alone(&self, t: &[Tok]) -> Option<Out> {
        const NOUNS: &[&str] = &[
            "ones", "stuff", "things", "items", "tasks", "todo", "todos", "to-do", "to-dos",
        ];
        let listed = |t: &[Tok]| {
            self.list_as_asked(t)
                .filter(|out| matches!(out.intent, Intent::ListTasks { .. }))
        };
        // "stuff i ticked off?", "things I finished this week".
        if (NOUNS.contains(&w(t, 0)) || w(t, 0) == "everything")
            && matches!(w(t, 1), "i" | "i've" | "ive")
            && matches!(
                w(t, 2),
                "ticked" | "checked" | "crossed" | "finished" | "completed" | "did" | "done"
            )
        {
            return listed(t);
        }
        let mut level = false;
        let mut noun = false;
        let mut window = false;
        let mut i = 0;
        while i < t.len() {
            let s = w(t, i);
            if let Some((e, _)) = when::parse_when(t, i, self.clk) {
                window = true;
                i = e.max(i + 1);
                continue;
            }
            // "today's", "this week's": a day said of the tasks.
            if matches!(s, "today's" | "tomorrow's" | "tonight's") {
                window = true;
                i += 1;
                continue;
            }
            if matches!(s, "this" | "next") && matches!(w(t, i + 1), "week's" | "weekend's") {
                window = true;
                i += 2;
                continue;
            }
            // "… with the kids tag", "… tagged gym", "#work".
            if seq(t, i, &["with", "the"]) && w(t, i + 3) == "tag" {
                noun = true;
                i += 4;
                continue;
            }
            if s == "tagged" && i + 1 < t.len() {
                noun = true;
                i += 2;
                continue;
            }
            if s.starts_with('#') && s.len() > 1 {
                noun = true;
                i += 1;
                continue;
            }
            if level_word(s.trim_start_matches('!')).is_some() || p_code(s).is_some() {
                level = true;
            } else if NOUNS.contains(&s) {
                noun = true;
            } else if !(text::is_punct(s)
                || matches!(
                    s,
                    "prio"
                        | "priority"
                        | "pri"
                        | "only"
                        | "just"
                        | "the"
                        | "my"
                        | "pls"
                        | "please"
                        | "overdue"
                ))
            {
                return None;
            }
            i += 1;
        }
        if !(level && (noun || window) || window && noun) {
            return None;
        }
        // ("high + today?": the level said alone is the list's too.)
        let said_level = t.iter().find_map(|x| {
            let s = x.low.trim_start_matches('!');
            level_word(s).or_else(|| p_code(&x.low))
        });
        listed(t).map(|mut out| {
            if let Intent::ListTasks { filter } = &mut out.intent {
                if filter.priority.is_none() {
                    filter.priority = said_level;
                }
            }
            out
        })
    }

    /// "Cleaning of the gutters, please add for saturday", "… I pay the
    /// kindergarten fee, please do a task for it with reminder the day
    /// before": the request after the task, then only its details.
    fn add_after_title(&self, t: &[Tok]) -> Option<Out> {
        const ADD_AFTER: &[&[&str]] = &[
            &["please", "add", "it"],
            &["please", "add", "this"],
            &["please", "add"],
            &["pls", "add"],
            &["add", "please"],
            &["add", "it", "please"],
            &["please", "do", "a", "task", "for", "it"],
            &["please", "make", "a", "task", "for", "it"],
            &["please", "make", "a", "task"],
            &["please", "note", "it"],
            &["please", "put", "it", "in"],
        ];
        let quoted = quoted_tokens(t);
        for c in 2..t.len() {
            if quoted[c] || !matches!(w(t, c - 1), "," | "-") {
                continue;
            }
            let Some(r) = ADD_AFTER.iter().find(|p| seq(t, c, p)) else {
                continue;
            };
            let e = c + r.len();
            // (Not "please add as repeating" or "please add: …", which the
            // other readers take as said.)
            let details = matches!(
                w(t, e),
                "for"
                    | "on"
                    | "by"
                    | "at"
                    | "in"
                    | "with"
                    | "next"
                    | "this"
                    | "tomorrow"
                    | "today"
                    | "tonight"
                    | "every"
            ) || w(t, e) == "," && e + 1 < t.len();
            if details {
                let body: Vec<Tok> = t[..c - 1].iter().chain(&t[e..]).cloned().collect();
                return Some(self.add_task(&body, false));
            }
        }
        None
    }

    /// "remind me 30 minutes before: job interview on thursday at 2pm",
    /// "reminder 15m b4 + spin class sat 8am": the reminder said first, then
    /// the new task it is for. Read as the task with its reminder after it.
    fn reminder_first(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let lead = if seq(t, 0, &["remind", "me"]) {
            2
        } else if matches!(w(t, 0), "reminder" | "reminders") {
            1
        } else if seq(t, 0, &["give", "me", "a", "reminder"]) {
            4
        } else if seq(t, 0, &["give", "me", "reminder"]) {
            3
        } else {
            return None;
        };
        // "Remind me 1 day and 1 hour before the tax advisor meeting on
        // Thursday at 11am": an event that is not on the list yet, with its
        // own date, is a new task.
        let before_event = (lead + 1..n.min(lead + 10)).find(|&b| {
            w(t, lead) != "to"
                && w(t, b) == "before"
                && matches!(w(t, b + 1), "the" | "my" | "our")
                && !any_word(
                    &t[b..],
                    &["task", "todo", "to-do", "it", "that", "'", "\"", "“"],
                )
        });
        if let Some(b) = before_event {
            let rest = &t[b + 2..];
            if rest.len() >= 2
                && (0..rest.len()).any(|i| when::parse_when(rest, i, self.clk).is_some())
            {
                let body = task_then_reminder(rest, &t[lead..=b], &t[n - 1]);
                return Some(self.add_task(&body, false));
            }
        }
        let b = (lead + 1..n.min(lead + 12)).find(|&b| matches!(w(t, b), ":" | "-" | "," | "+"))?;
        let mut spec_end = b;
        // "… 30 minutes before and add it: …".
        for tail in [&["and", "add", "it"][..], &["and", "add"]] {
            if spec_end >= lead + tail.len() && seq(t, spec_end - tail.len(), tail) {
                spec_end -= tail.len();
            }
        }
        let spec = &t[lead..spec_end];
        let timed = any_word(spec, &["before", "b4", "earlier", "ahead", "prior"])
            || (lead..spec_end).any(|i| when::parse_when(t, i, self.clk).is_some());
        let mut a = b + 1;
        while matches!(w(t, a), "and" | "add" | "it" | "please" | "pls" | ":" | "-") {
            a += 1;
        }
        let rest = &t[a.min(n)..];
        // "remind me wednesday 6pm - 'Pay the nursery fee'": a task named
        // with nothing new about it is the task to remind of.
        let quoted = quoted_tokens(rest);
        let only_quoted = rest
            .iter()
            .zip(&quoted)
            .all(|(x, q)| *q || text::is_punct(&x.low));
        if spec.is_empty()
            || !timed
            || rest.len() < 2
            || only_quoted
            || !self.has_task_details(rest, true)
        {
            return None;
        }
        let body = task_then_reminder(rest, spec, &t[n - 1]);
        Some(self.add_task(&body, false))
    }

    /// A new title said after words that mean "call it": "make 'Gym bag'
    /// read 'Gym bag and towels'", "mopping task - the title should now be
    /// mopping and dusting", "could you reword that as …", "make it say …",
    /// "the 'boiler' task needs a better title: 'Service the gas boiler'",
    /// "change the car wash task so it says car wash and wax". The task is
    /// the one named before those words (quoted, or "… task"), or the one
    /// under discussion when they follow "it" or "that".
    fn rename_said(&self, t: &[Tok]) -> Option<Out> {
        const MARKERS: &[&[&str]] = &[
            &["so", "it", "says"],
            &["so", "it", "reads"],
            &["to", "read"],
            &["read"],
            &["say"],
            &["says"],
            &["should", "be", "titled"],
            &["be", "titled"],
            &["titled"],
            &["the", "title", "should", "now", "be"],
            &["title", "should", "now", "be"],
            &["the", "title", "should", "be"],
            &["title", "should", "be"],
            &["needs", "a", "better", "title", ":"],
            &["needs", "a", "new", "title", ":"],
            &["edit", "the", "name", ":"],
            &["reword", "that", "as"],
            &["reword", "it", "as"],
            &["label", "it"],
            &["label", "that"],
            &["reword", "it", ":"],
            &["reword", "that", ":"],
            // "the bathroom task's name should be …", "the 'X' task needs
            // renaming to …", "… should be renamed to …".
            &["name", "should", "now", "be"],
            &["name", "should", "be"],
            &["needs", "renaming", "to"],
            &["needs", "renaming", "as"],
            &["needs", "to", "be", "renamed", "to"],
            &["should", "be", "renamed", "to"],
            &["should", "be", "renamed"],
        ];
        let n = t.len();
        // "any task that says 'refund'?": a search ("can it say …" asks
        // for a new title).
        let asks_of_it = matches!(w(t, 0), "can" | "could") && w(t, 1) == "it";
        if (is_question_word(w(t, 0)) && !asks_of_it)
            || matches!(
                w(t, 0),
                "any" | "show" | "find" | "search" | "list" | "do" | "does"
            )
        {
            return None;
        }
        let quoted = quoted_tokens(t);
        // ("label it …", "reword that as …" may open the message.)
        let (k, m) = (0..n).find_map(|k| {
            if quoted[k] {
                return None;
            }
            MARKERS
                .iter()
                .filter(|m| k > 0 || matches!(m[0], "reword" | "label" | "edit"))
                .find(|m| seq(t, k, m))
                .map(|m| (k, m.len()))
        })?;
        let pronoun_before = k > 0 && matches!(w(t, k - 1), "it" | "that" | "this" | "its")
            || matches!(w(t, k), "reword" | "label" | "edit");
        let named = t[..k]
            .iter()
            .any(|x| matches!(x.low.as_str(), "task" | "task's" | "'" | "\"" | "“" | "‘"));
        if !(named || pronoun_before && self.ctx.last_task.is_some()) {
            return None;
        }
        // The new title: what follows, without its quotes or a closing
        // "instead" / "please" / "can you update it".
        let mut b = n;
        while b > k + m
            && (text::is_punct(w(t, b - 1)) && !quoted[b - 1]
                || matches!(w(t, b - 1), "instead" | "please" | "pls" | "thanks"))
        {
            b -= 1;
        }
        if let Some(c) = (k + m..b).find(|&i| w(t, i) == "," && !quoted[i]) {
            if opens_with_any(
                &t[c + 1..],
                &[&["can", "you"], &["could", "you"], &["please"], &["pls"]],
            ) {
                b = c;
            }
        }
        let new_title = quoted_or_text(t, k + m, b);
        if new_title.is_empty() {
            return None;
        }
        // "label it urgent", "label it work": a level or a tag, not a title.
        if w(t, k) == "label" && !quoted[k + m] && !new_title.contains(' ') {
            return None;
        }
        let target = if named {
            // "make 'Gym bag' read …", "change the car wash task so it says …".
            let mut a = 0;
            while matches!(
                w(t, a),
                "make"
                    | "change"
                    | "set"
                    | "could"
                    | "can"
                    | "the"
                    | "i'd"
                    | "prefer"
                    | "please"
                    | "let"
                    | "reword"
            ) {
                a += 1;
            }
            let mut e = k;
            while e > a
                && matches!(
                    w(t, e - 1),
                    "to" | "it" | "that" | "should" | "," | "-" | "be"
                )
            {
                e -= 1;
            }
            self.target(t, a, e, &[])
        } else {
            self.last_task()
        };
        Some(match target {
            Ok(target) => Intent::RenameTask {
                target,
                new_title: text::capitalize(&new_title),
            }
            .into(),
            Err(o) => *o,
        })
    }

    /// A question about how the app works ("how many tasks can I add?",
    /// "what happens when I complete a repeating task?", "can I add tags
    /// to a task after I created it?", "what time zone do you use?"):
    /// answered with what the assistant can do, never a task or a list.
    fn asks_about_the_app(&self, t: &[Tok]) -> bool {
        let words: Vec<&str> = t
            .iter()
            .filter(|x| !text::is_punct(&x.low))
            .map(|x| x.low.as_str())
            .collect();
        let has = |s: &str| words.contains(&s);
        let starts = |p: &[&str]| words.starts_with(p);
        let dated = (0..t.len()).any(|i| when::parse_when(t, i, self.clk).is_some());
        let generic = seq_any(
            t,
            &[
                &["a", "task"],
                &["a", "reminder"],
                &["a", "tag"],
                &["a", "list"],
                &["a", "repeating"],
                &["a", "recurring"],
            ],
        ) || has("tags")
            || has("subtasks");
        let names_one = any_word(t, &["called", "named", ":", "\"", "'", "“"])
            || seq_any(
                t,
                &[&["task", "to"], &["reminder", "to"], &["reminder", "for"]],
            );
        // "what's the difference between \"delete\" and \"done\"?".
        let app_words = any_word(
            t,
            &[
                "delete",
                "done",
                "important",
                "urgent",
                "priority",
                "task",
                "tasks",
                "tag",
                "reminder",
                "snooze",
                "complete",
            ],
        );
        seq_any(t, &[&["difference", "between"]]) && app_words
            || starts(&["how", "many"])
                && (has("can") || seq_any(t, &[&["are", "there"]]) || has("levels") || has("max"))
            || starts(&["what", "happens"])
            || (starts(&["how", "do", "i"])
                || starts(&["how", "can", "i"])
                || starts(&["how", "does"])
                || starts(&["how", "do", "you"]))
                && !dated
            || (starts(&["can", "i"])
                || starts(&["could", "i"])
                || starts(&["is", "it", "possible"]))
                && generic
                && !names_one
                && !dated
                && !has("my")
            || (has("timezone") || seq_any(t, &[&["time", "zone"]]))
                && (has("you") || has("app") || has("use"))
            || (starts(&["do", "you"])
                || starts(&["can", "you"])
                || starts(&["does", "the", "app"]))
                && words
                    .iter()
                    .any(|w| matches!(*w, "understand" | "speak" | "support" | "sync"))
                && !dated
    }

    fn is_remark(&self, t: &[Tok]) -> bool {
        // "Friday can't come soon enough": longing, whatever day it names.
        let said = words_of(t);
        let longing = said.contains("can't come soon enough")
            || said.contains("can't wait for") && said.contains("am i right");
        // "Noah lost another tooth today haha", "I finished work early
        // today yay": laughter or a face says it is chat, unless the
        // message asks for something (below).
        let laughs = t.iter().any(is_laughter);
        // (Only of a sentence about someone or something: "buy milk lol"
        // still asks for milk.)
        let first = t
            .iter()
            .position(|x| {
                !text::is_punct(&x.low)
                    && !matches!(
                        x.low.as_str(),
                        "lol" | "haha" | "omg" | "ugh" | "wow" | "yay" | "hahaha" | "oh" | "man"
                    )
            })
            .unwrap_or(0);
        let subject_first = matches!(
            w(t, first),
            "i" | "i'm"
                | "im"
                | "i've"
                | "i'll"
                | "i'd"
                | "my"
                | "we"
                | "we're"
                | "it's"
                | "its"
                | "it"
                | "this"
                | "that"
                | "that's"
                | "there's"
                | "everything"
                | "everyone"
                | "nobody"
                | "no"
                | "so"
                | "feels"
                | "finally"
                | "kids"
                | "he"
                | "she"
                | "they"
                | "our"
                | "today"
                | "what"
        ) || t.get(first).is_some_and(|x| {
            // "Noah lost another tooth": a name, then what happened.
            x.text.chars().next().is_some_and(char::is_uppercase) && first + 1 < t.len() && {
                let v = w(t, first + 1);
                v.len() > 3 && v.ends_with("ed")
                    || matches!(v, "lost" | "won" | "got" | "went" | "is" | "was" | "has")
            }
        });
        let opens = laughs && subject_first
            || matches!(
                w(t, 0),
                "i'm" | "im" | "feeling" | "feel" | "ugh" | "wow" | "man"
            )
            || seq(t, 0, &["i", "am"])
            || seq(t, 0, &["i", "feel"])
            || seq(t, 0, &["i", "was"])
            || seq(t, 0, &["i've", "been"])
            || seq(t, 0, &["i", "love"])
            || seq(t, 0, &["i", "hate"])
            || seq(t, 0, &["what", "a"])
            || seq(t, 0, &["today", "was"])
            || seq(t, 0, &["it's", "been"])
            || seq(t, 0, &["that", "was"])
            || seq(t, 0, &["i", "had"]) && w(t, 2) != "to"
            || seq(t, 0, &["i", "think"])
            || seq(t, 0, &["i", "guess"])
            || seq(t, 0, &["i", "believe"])
            || seq(t, 0, &["i", "wish"])
            || seq(t, 0, &["just", "got"])
            || seq(t, 0, &["just", "came"])
            // A story about the past: "yesterday I forgot my keys again",
            // "ran my first half marathon last sunday", "the weekend was
            // great btw".
            || matches!(w(t, 0), "yesterday" | "earlier")
            || matches!(
                w(t, 0),
                "ran" | "went" | "forgot" | "met" | "saw" | "spent" | "watched" | "lost" | "broke"
            )
            // "had the best pizza of my life last night ngl".
            || w(t, 0) == "had" && w(t, 1) != "to"
            || matches!(w(t, 0), "the" | "our" | "this" | "that")
                && (1..4).any(|i| matches!(w(t, i), "was" | "were"))
            || longing
                        || seq(t, 0, &["so", "sleepy"])
            || seq(t, 0, &["so", "tired"])
            // "(so) tired today", "long day on the ward", "got back from
            // the gym, feeling great", "weekend can't come soon enough".
            || matches!(
                w(t, usize::from(matches!(w(t, 0), "very" | "so" | "really" | "super" | "pretty"))),
                "tired" | "exhausted" | "sleepy" | "knackered" | "shattered" | "stressed" | "bored"
            )
                        || [
                &["long", "day"][..],
                &["long", "week"],
                &["rough", "day"],
                &["busy", "day"],
                &["got", "back"],
                &["weekend", "can't"],
                &["mondays", "are"],
            ]
            .iter()
            .any(|p| seq(t, 0, p))
            || seq(t, 0, &["this", "week", "is"])
            || matches!(w(t, 0), "it's" | "its")
                && matches!(
                    w(t, 1),
                    "snowing"
                        | "raining"
                        | "sunny"
                        | "cold"
                        | "hot"
                        | "freezing"
                        | "so"
                        | "been"
                        | "late"
                        | "friday"
                )
            || seq(t, 0, &["today", "is"])
            // "lol today feels endless".
            || seq_any(t, &[&["today", "feels"], &["this", "week", "feels"], &["it", "feels"]])
            || t.iter().any(|x| matches!(x.low.as_str(), "app" | "bot"))
                && t.iter().any(|x| {
                    matches!(
                        x.low.as_str(),
                        "love"
                            | "like"
                            | "best"
                            | "great"
                            | "hate"
                            | "awesome"
                            | "useless"
                            | "amazing"
                            | "nice"
                            | "cool"
                            | "helpful"
                            | "brilliant"
                            | "easy"
                            | "recommended"
                    )
                })
            || seq(t, 0, &["the", "weather"])
            // "this app is kinda slow today".
            || matches!(w(t, 0), "this" | "the" | "your")
                && matches!(w(t, 1), "app" | "bot" | "assistant" | "thing")
                && matches!(
                    w(t, 2),
                    "is" | "was" | "keeps" | "seems" | "feels" | "looks" | "crashed" | "crashes"
                )
            || matches!(w(t, 0), "you're" | "youre" | "sorry")
            || seq(t, 0, &["you", "are"])
            || w(t, 0) == "my"
                && (1..4).any(|i| {
                    matches!(
                        w(t, i),
                        "is" | "was"
                            | "just"
                            | "has"
                            | "keeps"
                            | "got"
                            | "'s"
                            | "said"
                            | "made"
                            | "went"
                            | "came"
                            | "took"
                            | "did"
                            | "cancelled"
                            | "canceled"
                            | "finished"
                            | "moved"
                            | "called"
                            | "recommended"
                            | "thinks"
                            | "loves"
                            | "hates"
                            | "started"
                            | "won"
                            | "lost"
                            | "left"
                            | "bought"
                            | "sold"
                            | "told"
                    ) || w(t, i).ends_with("'s")
                })
            // "the client loved the logo", "my grandson showed me how this
            // works", "she finally passed her driving test": someone did
            // something, a story told.
            || told_of_someone(t)
            // "the whole family is sick this week", "my priorities are a
            // mess": a state of things.
            || matches!(w(t, 0), "the" | "my" | "our" | "everyone" | "everything")
                && (1..5).any(|i| {
                    matches!(w(t, i), "is" | "are")
                        && matches!(
                            w(t, i + 1),
                            "sick" | "ill" | "tired" | "away" | "closed" | "broken" | "crazy"
                                | "awful" | "terrible" | "a" | "so" | "such" | "really" | "driving"
                        )
                })
            // "I'll never get everything done before christmas".
            || seq_any(t, &[&["i'll", "never"], &["i", "will", "never"], &["checking", "you're"]])
            // "we moved to Leipzig last month, still unpacking boxes".
            || w(t, 0) == "we"
                && matches!(
                    w(t, 1),
                    "moved" | "went" | "had" | "finally" | "just" | "were" | "spent" | "finished"
                        | "won" | "lost" | "got"
                )
            // "I got so much done today, feeling proud", "too many tasks,
            // too little time", "can't believe it's almost december".
            || t.iter().enumerate().any(|(i, x)| {
                x.low == "feeling"
                    && matches!(
                        w(t, i + 1),
                        "proud" | "good" | "great" | "tired" | "happy" | "sad" | "productive"
                            | "lazy" | "awesome" | "amazing" | "better" | "bad" | "stressed"
                    )
            })
            || seq_any(
                t,
                &[
                    &["too", "many"],
                    &["so", "many"],
                    &["can't", "believe"],
                    &["cant", "believe"],
                    &["i", "can't", "believe"],
                    &["just", "checking"],
                ],
            );
        if !opens {
            return false;
        }
        const ASKS: &[&str] = &[
            "need",
            "needs",
            "have",
            "has",
            "must",
            "should",
            "gotta",
            "want",
            "remind",
            "reminder",
            "add",
            "todo",
            "to-do",
            "task",
            "tasks",
            "forget",
            "remember",
            "list",
            "going",
            "gonna",
            "will",
            "can",
            "could",
            "please",
            "due",
            "deadline",
            "supposed",
            "plan",
            "planning",
            "schedule",
            "every",
            "done",
            "finished",
            "completed",
            "resume",
            "repeat",
            "repeating",
            "repeats",
            "series",
            "snooze",
            "delete",
            "remove",
            "move",
            "rename",
            "reopen",
            "mark",
            "priority",
            "urgent",
            "important",
            "asap",
            "stop",
            "cancel",
        ];
        // "got to" asks; "I got so much done" tells.
        // A story of someone else ("my sister finished her thesis today")
        // or a feeling ("I got so much done, feeling proud") may speak of
        // things done and of days without asking anything.
        let story = told_of_someone(t)
            && !any_word(t, &["task", "todo", "is", "isn't", "isnt", "was", "are"]);
        let felt = t.iter().any(|x| x.low == "feeling")
            || seq_any(t, &[&["so", "proud"], &["too", "many", "tasks"]]);
        // "I really need a holiday": a wish, not a task.
        let wish = |i: usize| {
            matches!(w(t, i), "need" | "want")
                && matches!(w(t, i + 1), "a" | "some")
                && matches!(
                    w(t, i + 2),
                    "holiday"
                        | "vacation"
                        | "break"
                        | "nap"
                        | "coffee"
                        | "rest"
                        | "drink"
                        | "hug"
                        | "beer"
                        | "wine"
                        | "sleep"
                        | "day"
                )
        };
        let asks = seq_any(t, &[&["through", "with"]])
            || t.iter().enumerate().any(|(i, x)| {
                (ASKS.contains(&x.low.as_str())
                    && !wish(i)
                    && !((story || felt)
                        && matches!(
                            x.low.as_str(),
                            "done" | "finished" | "completed" | "tasks" | "task" | "list"
                        )))
                    || x.low.starts_with('#')
            })
            || (0..t.len()).any(|i| w(t, i) == "got" && w(t, i + 1) == "to");
        // "I'm so tired today": a state today is still a remark, and so is
        // a story about a day gone by ("last sunday").
        let ahead = |i: usize| {
            when::parse_when(t, i, self.clk).is_some_and(|(_, wn)| {
                wn.resolve(self.clk)
                    .map_or(true, |m| m.date >= self.clk.today)
            })
        };
        // Read left to right, each date whole: "last sunday" is past, and
        // its "sunday" alone is not another date.
        let mut dated = false;
        let mut i = 0;
        while i < t.len() && !dated {
            // "the 8am lecture": a time that describes a thing.
            let exempt = matches!(w(t, i), "today" | "tonight")
                || i > 0 && matches!(w(t, i - 1), "the" | "my" | "a")
                || seq(t, i, &["this", "morning"])
                || seq(t, i, &["this", "week"])
                || seq(t, i, &["this", "weekend"]);
            if exempt {
                i += 1;
                continue;
            }
            if let Some((e, _)) = when::parse_when(t, i, self.clk) {
                dated = ahead(i);
                i = e.max(i + 1);
                continue;
            }
            dated = recur::parse_recurrence(t, i).is_some();
            i += 1;
        }
        // (A date in a story's subject is the story's: "my flight on friday
        // got cancelled".)
        let story_dated =
            story && (0..t.len().min(4)).any(|i| when::parse_when(t, i, self.clk).is_some());
        !asks
            && (!dated || longing || story_dated)
            && !t.iter().any(|x| matches!(x.low.as_str(), "\"" | "“"))
    }

    /// After "add a reminder": "to the insurance task for friday", "on it
    /// for monday 8:30am", "45 min before to 'call with investors'", "on
    /// 'Call Dr. Weber' for noon". The task is named by quotes, "task" or a
    /// pronoun; the reminder is a time before it or a date and time.
    fn reminder_on_named_task(&self, rest: &[Tok]) -> Option<Out> {
        let quoted = quoted_tokens(rest);
        let mut ex = Extract::new(rest, &quoted);
        let before = ex.scan(before_spec).into_iter().next();
        if let Some((a, e, _)) = before {
            ex.take(a, e);
        }
        let when = if before.is_none() {
            let found = ex
                .scan(|s, i| when::parse_when(s, i, self.clk))
                .into_iter()
                .next();
            if let Some((a, e, _)) = &found {
                ex.take(*a, *e);
            }
            found.map(|(_, _, wn)| wn)
        } else {
            None
        };
        // What is left names the task: "to the insurance task", "on it".
        let left: Vec<usize> = (0..rest.len())
            .filter(|&i| !ex.used[i] && !text::is_punct(&rest[i].low) || quoted[i])
            .collect();
        let (&first, &last) = (left.first()?, left.last()?);
        let mut a = first;
        while a <= last && matches!(w(rest, a), "to" | "for" | "on" | "about" | "regarding") {
            a += 1;
        }
        let names = (a..=last).any(|i| quoted[i] || w(rest, i) == "task")
            || before.is_some()
                && rest
                    .first()
                    .is_some_and(|x| matches!(x.low.as_str(), "for" | "to" | "on"))
            || matches!(
                words_of(&rest[a..=last]).as_str(),
                "it" | "that" | "this" | "that one" | "this one" | "this task" | "that task"
            );
        if a > last || !names {
            return None;
        }
        let target = match self.target(rest, a, last + 1, &[]) {
            Ok(x) => x,
            Err(o) => return Some(*o),
        };
        let spec = match (before, when) {
            (Some((_, _, m)), _) => ReminderSpec::Before { minutes: m },
            (None, Some(wn)) => match self.reminder_at(&wn) {
                Ok(spec) => spec,
                Err(o) => return Some(*o),
            },
            (None, None) => return None,
        };
        Some(Intent::AddReminder { target, spec }.into())
    }

    /// Where a request to add or remind starts after a preamble that says
    /// nothing about the task's date, repeat or priority: "I borrowed
    /// Anna's camera ages ago, oops. add give Anna her camera back",
    /// "reading goal: can you remind me to read every monday".
    fn request_after_preamble(&self, t: &[Tok]) -> Option<usize> {
        let quoted = quoted_tokens(t);
        for k in 1..t.len() {
            if quoted[k - 1]
                || !matches!(w(t, k - 1), "," | "." | "!" | ":" | "?" | ";" | "-" | ")")
            {
                continue;
            }
            let c = strip_filler(&t[k..]);
            let start = k + filler_bounds(&t[k..]).0;
            let asks = matches!(w(c, 0), "add" | "create" | "note" | "jot")
                || seq(c, 0, &["i'd", "like", "to", "add"])
                || seq(c, 0, &["i", "want", "to", "add"])
                || seq(c, 0, &["remind", "me", "to"])
                || seq(c, 0, &["put", "down"])
                || w(c, 0) == "put" && any_word(c, &["down", "list"])
                || seq(c, 0, &["make", "a", "task"]);
            // "…, please add, but it is not urgent": nothing follows the verb.
            let colon = matches!(w(c, 1), ":" | "-") && c.len() > 2;
            // "…, can you put that on my list": the preamble is the task.
            if matches!(w(c, 1), "that" | "it" | "this" | "them") {
                continue;
            }
            if !asks || (text::is_punct(w(c, 1)) && !colon) || c.len() < 2 {
                continue;
            }
            let before = &t[..k];
            // A preamble that names a task or its details is part of the request.
            let names_task = before.iter().any(|x| {
                matches!(x.low.as_str(), "task" | "todo" | "\"" | "“" | "'" | "‘")
                    || x.low.starts_with('#')
            });
            // A date in the preamble is the task's, unless the request
            // brings its own ("boss is back monday 🙈 pls add clean up my
            // inbox before monday").
            if names_task
                || self.has_task_details(before, true) && !self.has_task_details(&t[start..], true)
            {
                return None;
            }
            return Some(start);
        }
        None
    }

    /// "adding culture to my life lol: borrow the book", "sorry, me again
    /// 🙈 one more for the shop: batteries": chat (a laugh, a face, an
    /// apology) with nothing of the task in it, then a colon or a dash, then
    /// the request. Where the request starts, if the message has that shape.
    fn request_after_chatter(&self, t: &[Tok]) -> Option<usize> {
        let quoted = quoted_tokens(t);
        let k = (1..t.len().min(16))
            .find(|&k| !quoted[k] && matches!(w(t, k), ":" | "-" | "—" | "–"))?;
        let before = &t[..k];
        let chat = before.iter().any(is_laughter) || matches!(w(t, 0), "sorry" | "soz");
        let rest = &t[k + 1..];
        let words = rest.iter().filter(|x| !text::is_punct(&x.low)).count();
        if !chat || words < 2 || self.has_task_details(before, true) {
            return None;
        }
        Some(k + 1)
    }

    /// "long day, my feet are killing me. anyway: pick up the parcel
    /// tomorrow", "the boss loved the pitch!! ok back to reality, send her
    /// the slides by eod": a remark, a break, then the request. Where the
    /// request starts, if the message has that shape.
    fn request_after_remark(&self, t: &[Tok]) -> Option<usize> {
        let quoted = quoted_tokens(t);
        for k in 2..t.len() {
            let brk = matches!(w(t, k - 1), "." | "!" | "!!" | "?" | ":" | ";" | "…")
                || w(t, k - 1).starts_with('!')
                || !w(t, k - 1)
                    .chars()
                    .any(|c| c.is_alphanumeric() || c.is_ascii_punctuation());
            if quoted[k - 1] || !brk || !self.is_remark(&t[..k - 1]) {
                continue;
            }
            // "anyway:", "ok back to reality,", "might as well add".
            let mut a = k;
            loop {
                let skip = if matches!(
                    w(t, a),
                    "anyway" | "anyways" | "ok" | "okay" | "so" | "well"
                ) {
                    1
                } else if seq(t, a, &["back", "to", "reality"])
                    || seq(t, a, &["back", "to", "work"])
                    || seq(t, a, &["might", "as", "well"])
                {
                    3
                } else if text::is_punct(w(t, a)) && a < t.len() {
                    1
                } else {
                    0
                };
                if skip == 0 {
                    break;
                }
                a += skip;
            }
            let rest = &t[a.min(t.len())..];
            if rest.len() >= 2 && !self.is_remark(rest) {
                return Some(a);
            }
        }
        None
    }

    /// "add …", "create a task called …", "I need to …", "todo: …".
    fn add_prefix(&self, t: &[Tok]) -> Option<Out> {
        const LEADS: &[&[&str]] = &[
            // "one more - mechanic tue 8am", "while I think of it - buy soil",
            // "ah and flight to Rome 12/19".
            &["one", "more", "-"],
            &["one", "more", ":"],
            &["one", "more", "thing", ":"],
            &["one", "more", "thing", "-"],
            &["another", "one", ":"],
            &["another", "one", "-"],
            &["while", "i", "think", "of", "it", "-"],
            &["while", "i", "think", "of", "it", ","],
            &["while", "i", "remember", "-"],
            &["while", "i", "remember", ","],
            &["before", "i", "forget", "-"],
            &["before", "i", "forget", ","],
            &["ah", "and"],
            &["oh", "and"],
            &["oh", "also"],
            &["pencil", "in"],
            &["put", "in"],
            &["make", "sure", "to"],
            &["make", "sure", "i"],
            &["be", "sure", "to"],
            &["new", "to-do"],
            &["new", "todo"],
            &["i", "must", "not", "forget", "to"],
            &["i", "mustn't", "forget", "to"],
            &["don't", "let", "me", "forget", "to"],
            &["remember", "me", "to"],
            &["i'd", "love", "to"],
            &["i", "would", "love", "to"],
            &["i'd", "like", "to", "add"],
            &["i", "would", "like", "to", "add"],
            &["i", "want", "to", "add"],
            &["gotta"],
            &["i", "really", "need", "to"],
            &["i", "really", "have", "to"],
            &["i", "really", "must"],
            &["i", "really", "should"],
            &["i", "need", "to"],
            &["i", "have", "to"],
            &["i've", "got", "to"],
            &["i", "gotta"],
            &["i", "must"],
            &["i", "should"],
            &["i", "want", "to"],
            &["need", "to"],
            &["have", "to"],
            &["remember", "to"],
            &["don't", "forget", "to"],
            &["dont", "forget", "to"],
            &["do", "not", "forget", "to"],
            &["note", "to", "self", ":"],
            &["note", "to", "self"],
            &["todo", ":"],
            &["to-do", ":"],
            &["task", ":"],
            &["new", "task", ":"],
            &["new", "task"],
            &["new", "todo", ":"],
            &["new", "todo"],
            // Notes to self: "mental note - …", "idea: …", "memo: …".
            &["mental", "note", "-"],
            &["mental", "note", ":"],
            &["mental", "note", ","],
            &["reminder", "to", "self", ":"],
            &["reminder", "to", "self", "-"],
            &["idea", ":"],
            &["memo", ":"],
            &["note", ":"],
            &["my", "plan", ":"],
            &["plan", ":"],
            // Intentions: "I'm supposed to …", "we need to …", "I promised
            // to …".
            &["i'm", "supposed", "to"],
            &["im", "supposed", "to"],
            &["i", "am", "supposed", "to"],
            &["i'm", "meant", "to"],
            &["i", "am", "meant", "to"],
            &["i'm", "planning", "to"],
            &["i", "am", "planning", "to"],
            &["i", "plan", "to"],
            &["i", "promised", "to"],
            &["i", "should", "really"],
            &["i", "really", "should"],
            &["i'm", "going", "to"],
            &["i'm", "gonna"],
            &["we", "need", "to"],
            &["we", "have", "to"],
            &["we", "must"],
            &["we", "should"],
            &["we've", "got", "to"],
            &["we", "gotta"],
        ];
        // "could there be a task to …", "how about a task to …", "could I
        // have a task to …", "any chance of a task for …", "is it possible
        // to put …": a new task asked for as a question.
        let asked_at = {
            let mut k = 0;
            let opener = if opens_with_any(
                t,
                &[
                    &["could", "there", "be"],
                    &["can", "there", "be"],
                    &["would", "there", "be"],
                ],
            ) {
                3
            } else if opens_with_any(t, &[&["how", "about"], &["what", "about"]]) {
                2
            } else if seq(t, 0, &["any", "chance", "of"])
                || matches!(w(t, 0), "could" | "can" | "may")
                    && matches!(w(t, 1), "i" | "we")
                    && matches!(w(t, 2), "have" | "get")
            {
                3
            } else if matches!(w(t, 0), "have" | "get")
                && matches!(w(t, 1), "a" | "an")
                && (2..5).any(|j| matches!(w(t, j), "task" | "todo" | "to-do"))
            {
                // (After "can I", which is read as politeness.)
                1
            } else {
                0
            };
            if opener > 0 {
                k = opener;
                if matches!(w(t, k), "a" | "an") {
                    k += 1;
                }
                // "a yearly to-do", "a quick task".
                while matches!(
                    w(t, k),
                    "yearly"
                        | "monthly"
                        | "weekly"
                        | "daily"
                        | "recurring"
                        | "repeating"
                        | "quick"
                        | "small"
                        | "little"
                ) {
                    k += 1;
                }
                if matches!(w(t, k), "task" | "todo" | "to-do" | "new")
                    && matches!(w(t, k + 1), "to" | "for" | ":")
                {
                    k += 2;
                } else if w(t, k) == "new"
                    && w(t, k + 1) == "task"
                    && matches!(w(t, k + 2), "to" | "for")
                {
                    k += 3;
                } else if matches!(w(t, k), "task" | "todo" | "to-do") && opener < k {
                    // "can I get a yearly to-do on December 1 to renew the
                    // vignette": the task reader takes what the to-do is for.
                    k = opener;
                } else {
                    k = 0;
                }
            }
            // "could I get 'Weekly review' every monday?" (after "could I", read
            // as politeness): a task asked for by its quoted name.
            if matches!(w(t, 0), "get" | "have") && matches!(w(t, 1), "'" | "\"" | "“" | "‘") {
                k = 1;
            }
            if opens_with_any(
                t,
                &[
                    &["is", "it", "possible", "to", "put"],
                    &["is", "it", "possible", "to", "add"],
                ],
            ) {
                k = 5;
            }
            (k > 0 && t.len() > k + 1).then_some(k)
        };
        if let Some(k) = asked_at {
            return Some(self.add_task(&t[k..], false));
        }

        // "a task for tomorrow 16:00: bring the car to the workshop": the
        // when first, then the task after a colon.
        let k = usize::from(matches!(w(t, 0), "a" | "an" | "one" | "new"));
        if matches!(w(t, k), "task" | "todo" | "to-do" | "reminder")
            && matches!(w(t, k + 1), "for" | "on" | "due" | "by")
        {
            let end = when::parse_when(t, k + 1, self.clk)
                .or_else(|| when::parse_when(t, k + 2, self.clk))
                .map(|(e, _)| e);
            if let Some(e) = end.filter(|&e| matches!(w(t, e), ":" | "-") && t.len() > e + 1) {
                let said: Vec<Tok> = t[e + 1..].iter().chain(&t[k + 1..e]).cloned().collect();
                return Some(self.add_task(&said, false));
            }
        }
        // "#work #cleanup: close the old github org": tags heading a new task.
        let tags = t
            .iter()
            .take_while(|x| x.low.starts_with('#') && x.low.len() > 1)
            .count();
        if tags > 0 && matches!(w(t, tags), ":" | "-") && t.len() > tags + 1 {
            return Some(self.add_task(t, false));
        }
        // "it's (really) important that I book the MOT by friday": high
        // priority.
        let mut k = if w(t, 0) == "it's" {
            1
        } else if seq(t, 0, &["it", "is"]) {
            2
        } else {
            0
        };
        if k > 0 && matches!(w(t, k), "really" | "very" | "super" | "so" | "extremely") {
            k += 1;
        }
        let level = match w(t, k) {
            "important" => Some(Priority::High),
            "urgent" => Some(Priority::Urgent),
            _ => None,
        };
        if let (true, Some(level)) = (k > 0 && seq(t, k + 1, &["that", "i"]), level) {
            let lead = k + 3;
            if t.len() > lead + 1 {
                let mut out = self.add_task(&t[lead..], false);
                if let Intent::AddTask { priority, .. } = &mut out.intent {
                    priority.get_or_insert(level);
                }
                return Some(out);
            }
        }
        // "put in my list to defrost the freezer", "add to my todos: clean
        // the oven", "write on my list: call Anna".
        if matches!(w(t, 0), "put" | "add" | "write" | "note" | "jot") {
            let mut k = 1;
            if matches!(w(t, k), "down" | "it" | "this") {
                k += 1;
            }
            if matches!(w(t, k), "in" | "on" | "to" | "onto" | "into")
                && matches!(w(t, k + 1), "my" | "the")
                && matches!(
                    w(t, k + 2),
                    "list" | "todos" | "to-dos" | "todo" | "to-do" | "tasks"
                )
            {
                k += 3;
                if w(t, k) == "list" {
                    k += 1;
                }
                if matches!(w(t, k), ":" | "-" | "," | "to" | "that") {
                    k += 1;
                }
                if t.len() > k {
                    return Some(self.add_task(&t[k..], false));
                }
            }
        }
        // 'todo "Call Tomorrow Labs"': the quotes stay with the title.
        if w(t, 0) == "todo" && matches!(w(t, 1), "\"" | "“" | "'" | "‘") {
            return Some(self.add_task(&t[1..], false));
        }
        for lead in LEADS {
            // "I want to see every task" asks to see them; "I want to
            // retitle 'gutter' as …" changes one.
            if matches!(lead, [.., "want", "to"] | [.., "like", "to"])
                && matches!(
                    w(t, lead.len()),
                    "say"
                        | "tell"
                        | "report"
                        | "let"
                        | "see"
                        | "know"
                        | "view"
                        | "retitle"
                        | "rename"
                        | "reschedule"
                        | "postpone"
                        | "delete"
                        | "remove"
                        | "reopen"
                        | "snooze"
                        | "move"
                )
            {
                continue;
            }
            if seq(t, 0, lead) && t.len() > lead.len() {
                // "I should really regrout the shower".
                let mut k = lead.len();
                if matches!(w(t, k), "really" | "just" | "definitely" | "actually")
                    && t.len() > k + 1
                {
                    k += 1;
                }
                return Some(self.add_task(&t[k..], false));
            }
        }
        // "schedule 'Renew the gym card' for monday 12pm": the quoted
        // words are the task.
        if w(t, 0) == "schedule" && matches!(w(t, 1), "'" | "\"" | "“" | "‘") {
            return Some(self.add_task(&t[1..], false));
        }
        // "set up 'Check the smoke alarms' for Sundays": the same.
        if seq(t, 0, &["set", "up"]) && matches!(w(t, 2), "'" | "\"" | "“" | "‘") {
            return Some(self.add_task(&t[2..], false));
        }
        // "not urgent task: delete the old screenshots": a level, then the
        // task.
        // ("Urgent task please, remove the wasp nest": the same, with a
        // please and a comma or a dash.)
        let please = |k: usize| usize::from(matches!(w(t, k), "please" | "pls" | "plz"));
        if let Some(k) = (1..5).find(|&k| {
            matches!(w(t, k), "task" | "one" | "thing" | "item")
                && (w(t, k + 1) == ":"
                    || matches!(w(t, k + 1 + please(k + 1)), "," | "-" | ":")
                        && t.len() > k + 3 + please(k + 1))
        }) {
            let sep = k + 1 + please(k + 1);
            let levels = t[..k].iter().all(|x| {
                matches!(
                    x.low.as_str(),
                    "not"
                        | "low-prio"
                        | "high-prio"
                        | "low-priority"
                        | "high-priority"
                        | "urgent"
                        | "important"
                        | "low"
                        | "high"
                        | "medium"
                        | "priority"
                        | "prio"
                        | "super"
                        | "very"
                        | "top"
                        | "an"
                        | "a"
                )
            });
            if levels && t.len() > sep + 1 {
                let body: Vec<Tok> = t[sep + 1..].iter().chain(&t[..k]).cloned().collect();
                return Some(self.add_task(&body, false));
            }
        }
        // "Put citizenship test on 12/10 at 9", "put the football training
        // of Finn every Tuesday 17:45": a thing put on a day is a new task
        // of that thing; "put the bins out on monday" is a to-do.
        if w(t, 0) == "put" && !matches!(w(t, 1), "it" | "that" | "this" | "them") {
            let when_at = (2..t.len()).find(|&j| {
                when::parse_when(t, j, self.clk).is_some()
                    || recur::parse_recurrence(t, j).is_some()
            });
            if let Some(j) = when_at {
                let plain = t[1..j].iter().all(|x| {
                    x.low.chars().all(|c| c.is_alphanumeric() || c == '\'')
                        && x.low.chars().any(char::is_alphanumeric)
                        && !matches!(
                            x.low.as_str(),
                            "task" | "todo" | "to-do" | "reminder" | "appointment's"
                        )
                        && !matches!(
                            x.low.as_str(),
                            "out"
                                | "away"
                                | "back"
                                | "up"
                                | "down"
                                | "off"
                                | "in"
                                | "into"
                                | "on"
                                | "together"
                                | "aside"
                                | "onto"
                                | "through"
                                | "it"
                        )
                });
                if plain && j > 2 {
                    let a = if w(t, 1) == "the" { 2 } else { 1 };
                    return Some(self.add_task(&t[a..], false));
                }
            }
        }
        // "put" and "set up" ask for a task only with a list or a task
        // noun: "put the bins out" and "set up the router" are to-dos.
        let listy = any_word(t, &["down", "list"]);
        let put_ok = listy
            || matches!(
                w(t, 1),
                "a" | "an" | "in" | "task" | "reminder" | "\"" | "'" | "“" | "‘"
            );
        let set_up_ok = matches!(w(t, 2), "a" | "an" | "new" | "task" | "reminder");
        let put_back = w(t, 0) == "put" && any_word(t, &["back", "reminder"]);
        if (w(t, 0) == "put" && (!put_ok || put_back)) || (seq(t, 0, &["set", "up"]) && !set_up_ok)
        {
            return None;
        }
        // "repeat “Timesheet check” on weekdays".
        if w(t, 0) == "repeat"
            && t.len() > 1
            && (1..t.len()).any(|i| recur::parse_recurrence(t, i).is_some())
        {
            return Some(self.add_task(&t[1..], false));
        }
        const VERBS: &[&[&str]] = &[
            &["put", "down"],
            &["note", "down"],
            &["add"],
            &["create"],
            &["put"],
            &["schedule", "a"],
            &["schedule", "an"],
            &["set", "up"],
            &["jot", "down"],
            &["write", "down"],
            &["make", "a", "task"],
            &["make", "a", "new", "task"],
            &["make", "a", "todo"],
            &["make", "a", "recurring", "task"],
        ];
        let verb = VERBS.iter().find(|v| seq(t, 0, v))?;
        let mut k = verb.len();
        while matches!(w(t, k), "please" | "pls" | "also" | "quickly") {
            k += 1;
        }
        // "add a reminder …" belongs to reminders.
        if matches!(w(t, k), "a" | "an") && w(t, k + 1) == "reminder" || w(t, k) == "reminder" {
            return None;
        }
        while matches!(w(t, k), "a" | "an" | "new" | "another") {
            k += 1;
        }
        while matches!(w(t, k), "recurring" | "repeating") {
            k += 1;
        }
        let mut noun = false;
        if matches!(w(t, k), "task" | "todo" | "to-do" | "item" | "entry") {
            k += 1;
            noun = true;
        } else if seq(t, k, &["to", "do"]) {
            k += 2;
            noun = true;
        }
        if matches!(w(t, k), "called" | "named" | "titled" | ":" | "-") {
            k += 1;
        } else if noun && seq(t, k, &["for", "me", "to"]) && t.len() > k + 3 {
            k += 3;
        } else if noun && matches!(w(t, k), "to" | "for") && t.len() > k + 1 {
            // "add a task to call mom"; "for" only before a non-date.
            let is_when = when::parse_when(t, k, self.clk).is_some();
            if w(t, k) == "to" || !is_when {
                k += 1;
            }
        }
        if matches!(w(t, k), "that" | "saying") && noun {
            k += 1;
        }
        // "Schedule a call with Dr. Ruiz": arranging something with someone
        // is the task ("schedule a haircut next Saturday" puts the haircut
        // itself on the list).
        if w(t, 0) == "schedule" && !noun && (k..(k + 3).min(t.len())).any(|i| w(t, i) == "with") {
            return Some(self.add_task(t, false));
        }
        if k >= t.len() {
            return Some(unknown(
                "What should the task be called? E.g. “add task Submit report due Friday”.",
            ));
        }
        Some(self.add_task(&t[k..], false))
    }

    /// A new task from its body: title plus due date, priority, tags,
    /// recurrence and reminders found anywhere in it.
    fn add_task(&self, body: &[Tok], remind: bool) -> Out {
        self.add_task_named(body, remind)
    }

    /// A new task from a chat message: as `add_task_with`, with the name
    /// given by "a task called X" or "add 'X'" as its title.
    fn add_task_named(&self, body: &[Tok], remind: bool) -> Out {
        let mut out = self.add_task_with(body, remind, &[], true);
        if let (Intent::AddTask { title, .. }, Some(name)) = (&mut out.intent, given_name(body)) {
            *title = name;
        }
        out
    }

    /// `add_task`, with `locked` tokens kept as plain title words.
    /// `chat`: the body is a chat message, which may say more than the task
    /// ("Good morning! Please add: …"); quick add holds only the task.
    fn add_task_with(&self, body: &[Tok], remind: bool, locked: &[bool], chat: bool) -> Out {
        const SUFFIX: &[&[&str]] = &[
            &["to", "my", "list"],
            &["to", "the", "list"],
            &["to", "my", "tasks"],
            &["to", "my", "to-do", "list"],
            &["to", "my", "todo", "list"],
            &["to", "my", "to", "do", "list"],
            &["to", "my", "task", "list"],
            &["on", "my", "list"],
            &["for", "me"],
        ];
        let mut body = body;
        for s in SUFFIX {
            if body.len() > s.len() && seq(body, body.len() - s.len(), s) {
                body = &body[..body.len() - s.len()];
            }
        }
        let t = body;
        // Quoted words are the user's own: never a date, a rule or a tag.
        let quoted = quoted_tokens(t);
        let locked: Vec<bool> = (0..t.len())
            .map(|i| quoted[i] || locked.get(i).copied().unwrap_or(false))
            .collect();
        let mut ex = Extract::new(t, &locked);

        // "put X on my list for Monday".
        const LIST_WORDS: &[&[&str]] = &[
            &["on", "my", "list"],
            &["to", "my", "list"],
            &["on", "my", "to-do", "list"],
            &["on", "my", "todo", "list"],
            &["to", "my", "to-do", "list"],
            &["to", "my", "todo", "list"],
            &["on", "the", "list"],
        ];
        for (a, e, _) in ex.scan(|s, i| {
            LIST_WORDS
                .iter()
                .find(|p| seq(s, i, p))
                .map(|p| (i + p.len(), ()))
        }) {
            ex.claim(a, e, SpanKind::List);
        }

        // Tags.
        let mut tags: Vec<String> = Vec::new();
        for (i, x) in t.iter().enumerate() {
            if ex.locked[i] {
                continue;
            }
            if let Some(tag) = x.low.strip_prefix('#') {
                let tag = tag.trim_end_matches(|c: char| !c.is_alphanumeric());
                if tag.chars().next().is_some_and(|c| c.is_alphabetic()) {
                    if !tags.iter().any(|x| x == tag) {
                        tags.push(tag.to_string());
                    }
                    ex.claim(i, i + 1, SpanKind::Tag);
                }
            }
        }

        // Tags said in words: "tag it devops", "hashtag work", "tags: home,
        // garden", "tagged errands" (after a break, "and" or "with").
        let mut i = 0;
        while i < t.len() {
            let k = w(t, i);
            // "… with the tags job and personal".
            let opens = i == 0
                || text::is_punct(w(t, i - 1))
                || matches!(w(t, i - 1), "and" | "with" | "also" | "please")
                || i > 1 && w(t, i - 1) == "the" && w(t, i - 2) == "with";
            let lead = match k {
                "hashtag" | "tagged" => 1,
                "tag" | "tags" | "label" | "labels"
                    if opens || matches!(w(t, i + 1), "it" | "as" | "with" | ":") =>
                {
                    if matches!(w(t, i + 1), "it" | "this" | "that") {
                        if w(t, i + 2) == "as" || w(t, i + 2) == "with" {
                            3
                        } else {
                            2
                        }
                    } else if matches!(w(t, i + 1), ":" | "as" | "with") {
                        2
                    } else {
                        1
                    }
                }
                _ => 0,
            };
            let free = |j: usize| j < t.len() && ex.free(j);
            if lead == 0 || !free(i) {
                i += 1;
                continue;
            }
            let mut j = i + lead;
            let mut found = Vec::new();
            while free(j) {
                let word = w(t, j).trim_start_matches('#');
                let is_word = word.chars().next().is_some_and(|c| c.is_alphabetic())
                    && word
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
                if !is_word
                    || matches!(
                        word,
                        "the" | "a" | "an" | "for" | "to" | "and" | "remind" | "due" | "every"
                    )
                {
                    break;
                }
                found.push(word.to_string());
                j += 1;
                // "tags: home, garden", "home and garden".
                if matches!(w(t, j), "," | "and" | "&")
                    && matches!(k, "tags" | "labels" | "tagged")
                    && free(j + 1)
                {
                    j += 1;
                    continue;
                }
                break;
            }
            if found.is_empty() {
                i += 1;
                continue;
            }
            for tag in found {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
            ex.claim(i, j, SpanKind::Tag);
            i = j;
        }

        // Reminder clauses ("…, remind me 15 minutes before").
        let mut reminders: Vec<ReminderSpec> = Vec::new();
        let mut reminder_err: Option<String> = None;
        // Reminders said as a bare time ("remind me at 3pm"): on the due day.
        let mut on_due_day: Vec<(usize, i64, when::Hm)> = Vec::new();
        for (a, e, (spec, bare_time)) in ex.scan(|s, i| reminder_clause(s, i, self.clk)) {
            ex.claim(a, e, SpanKind::Reminder);
            match spec {
                Ok(r) => {
                    if let Some((days, hm)) = bare_time {
                        on_due_day.push((reminders.len(), days, hm));
                    }
                    let absolute = matches!(r, ReminderSpec::At { .. });
                    reminders.push(r);
                    // "remind me on monday and on wednesday": more days,
                    // each a reminder of its own.
                    let mut k = e;
                    while absolute && matches!(w(t, k), "and" | "," | "&") {
                        let Some((e2, wn)) = when::parse_when(t, k + 1, self.clk)
                            .filter(|(_, wn)| wn.date.is_some() || wn.instant.is_some())
                        else {
                            break;
                        };
                        match wn.reminder_instant(self.clk) {
                            Ok(x) => reminders.push(ReminderSpec::At {
                                utc_ms: x.timestamp_millis(),
                            }),
                            Err(r) => reminder_err = Some(r),
                        }
                        ex.claim(k, e2, SpanKind::Reminder);
                        k = e2;
                    }
                    // "remind me 1 hour and 15 minutes before", "1d before and also 2h before".
                    while let Some((e2, m)) = more_before(t, k) {
                        ex.claim(k, e2, SpanKind::Reminder);
                        reminders.push(ReminderSpec::Before { minutes: m });
                        k = e2;
                    }
                }
                Err(e) => reminder_err = Some(e),
            }
        }

        // Completion-based repetition.
        let mut mode = RecurrenceMode::Schedule;
        let mut rule: Option<Result<Rule, String>> = None;
        // "mow the lawn again 12 days after I last did it": "again" goes
        // with the rule.
        for (a, e, r) in ex.scan(|s, i| {
            if w(s, i) == "again" {
                recur::interval_then_completion(s, i + 1)
            } else {
                recur::interval_then_completion(s, i)
            }
        }) {
            ex.claim(a, e, SpanKind::Repeat);
            mode = RecurrenceMode::Completion;
            rule.get_or_insert(Ok(r));
        }
        for (a, e, _) in ex.scan(|s, i| {
            let k = if w(s, i) == "," { i + 1 } else { i };
            recur::completion(s, k).map(|e| (e, ()))
        }) {
            ex.claim(a, e, SpanKind::Repeat);
            mode = RecurrenceMode::Completion;
        }

        // Recurrence, said in one piece or in two that agree ("tue+fri …
        // weekly", "sundays … every week").
        for (a, e, r) in ex.scan(recur::parse_recurrence) {
            // "fix the tap that drips every night", "the laptop that dies
            // every hour": how often something in the title happens, not
            // when the task repeats ("a task that repeats every day" does).
            if a >= 2
                && matches!(w(ex.t, a - 2), "that" | "which" | "who")
                && !text::is_punct(w(ex.t, a - 1))
                && !matches!(
                    w(ex.t, a - 1),
                    "repeats" | "recurs" | "happens" | "is" | "runs" | "goes" | "should" | "must"
                )
            {
                continue;
            }
            let take = match (&mut rule, &r) {
                (None, _) => true,
                (Some(Ok(cur)), Ok(more)) => cur.absorb(more),
                _ => false,
            };
            if take {
                ex.claim(a, e, SpanKind::Repeat);
                rule.get_or_insert(r);
            }
        }
        // Where the series ends ("10 times in total", "until 18 December"),
        // read before the dates so that the end is not taken for the start.
        if matches!(rule, Some(Ok(_))) {
            for (a, e, end) in ex.scan(|s, i| recur::end_of_series(s, i, self.clk)) {
                if let Some(Ok(r)) = &mut rule {
                    if r.end(end, self.clk.today) {
                        ex.claim(a, e, SpanKind::Repeat);
                    }
                }
            }
        }

        // Due date and time.
        let mut when: Option<When> = None;
        let mut when_words: Vec<usize> = Vec::new();
        // "print the 7:30 train timetable": a time after "the" describes
        // the thing.
        let mut dates: Vec<(usize, usize, When)> = ex
            .scan(|s, i| when::parse_when(s, i, self.clk))
            .into_iter()
            .filter(|&(a, e, _)| {
                !(a > 0
                    && matches!(w(t, a - 1), "the" | "a")
                    && e == a + 1
                    && w(t, a).contains(':'))
            })
            .collect();
        // "sign up for the Tuesday night pub quiz by friday", "figure out
        // what to get Jonas for christmas by the 15th": with a deadline
        // said, the deadline is when it is due; the other dates are what
        // the task is about.
        if dates.len() > 1 {
            if let Some(d) = dates.iter().position(|(a, _, _)| {
                matches!(w(t, *a), "by" | "before" | "until" | "till" | "due")
            }) {
                let deadline = dates.remove(d);
                dates.insert(0, deadline);
            }
        }
        // "remind me thursday at 6pm and friday at 9 to call the garage":
        // a reminder asked for at each of the times joined by "and".
        let mut more_reminders: Vec<When> = Vec::new();
        let mut said_until = 0;
        for (a, e, found) in dates {
            match &mut when {
                None => {
                    when = Some(found);
                    ex.claim(a, e, SpanKind::Date);
                    when_words.extend(a..e);
                    said_until = e;
                }
                Some(cur) => {
                    // "monday end of day": the end of that day.
                    let eod = (a..e).any(|i| matches!(w(t, i), "eod" | "end" | "cob" | "close"));
                    let joined = a == said_until + 1 && matches!(w(t, said_until), "and" | "&");
                    if cur.fold(&found, eod) {
                        ex.claim(a, e, SpanKind::Date);
                        when_words.extend(a..e);
                    } else if remind && joined && found.instant.is_none() {
                        ex.claim(said_until, e, SpanKind::Date);
                        when_words.extend(said_until..e);
                        said_until = e;
                        // ("friday at 9 and at 5": both on friday.)
                        let mut more = found;
                        if more.date.is_none() {
                            more.date = cur.date;
                        }
                        more_reminders.push(more);
                    }
                }
            }
        }
        // "fortnightly payroll check starting 12/4": an adverb opening the
        // message is its rule when nothing else says when it repeats or is
        // due ("Quarterly review meeting Dec 15" keeps it in the title).
        let anchored = when_words.is_empty()
            || when_words.first().is_some_and(|&i| {
                i > 0 && matches!(w(t, i - 1), "starting" | "from" | "beginning")
            })
            || when_words
                .iter()
                .any(|&i| matches!(w(t, i), "starting" | "from" | "beginning"));
        // "weekly team meeting mon 9am", "biweekly sprint planning monday
        // 10am": a weekly adverb with a weekday is the rule and its day.
        let weekly_on_a_weekday = matches!(w(t, 0), "weekly" | "biweekly" | "fortnightly")
            && when_words.iter().any(|&i| text::weekday(w(t, i)).is_some());
        if rule.is_none() && (anchored || weekly_on_a_weekday) && !t.is_empty() && ex.free(0) {
            let adverb = match w(t, 0) {
                "fortnightly" | "biweekly" => Some((recur::Freq::Weekly, 2)),
                "weekly" => Some((recur::Freq::Weekly, 1)),
                "monthly" => Some((recur::Freq::Monthly, 1)),
                "quarterly" => Some((recur::Freq::Monthly, 3)),
                "yearly" | "annually" => Some((recur::Freq::Yearly, 1)),
                "daily" => Some((recur::Freq::Daily, 1)),
                "hourly" => Some((recur::Freq::Hourly, 1)),
                _ => None,
            };
            if let Some((freq, interval)) = adverb {
                ex.claim(0, 1, SpanKind::Repeat);
                rule = Some(Ok(recur::Rule::every(freq, interval)));
            }
        }
        // The day a rule repeats on, said as a date: "fortnightly … fri",
        // "on the 15th, monthly", "5/9 yearly". A start ("starting 12/15")
        // only anchors the rule.
        if let (Some(Ok(r)), Some(wn)) = (&mut rule, &mut when) {
            // "first one saturday", "the first time on sunday": a start.
            let first_one = |i: usize| {
                i >= 2 && w(t, i - 2) == "first" && matches!(w(t, i - 1), "one" | "time" | "on")
                    || i >= 3 && seq(t, i - 3, &["first", "one", "on"])
            };
            let start = when_words.first().is_some_and(|&i| {
                i > 0
                    && matches!(
                        w(t, i - 1),
                        "starting" | "from" | "beginning" | "begin" | "start"
                    )
                    || first_one(i)
            }) || when_words
                .iter()
                .any(|&i| matches!(w(t, i), "starting" | "from" | "beginning"));
            if let (false, Some(d)) = (start, wn.date) {
                let said = |f: &dyn Fn(&str) -> bool| when_words.iter().any(|&i| f(w(t, i)));
                r.take_day(
                    d,
                    said(&|s| text::weekday(s).is_some()),
                    said(&|s| text::month(s).is_some() || s.contains('/')),
                    said(&|s| matches!(s, "last" | "end")),
                );
            }
            // "every night at 11", "every morning at 6:30": the part of the
            // day decides a time said without am/pm.
            if let (Some((dh, _)), Some((h, m))) = (r.default_time, wn.time) {
                let explicit = when_words.iter().any(|&i| {
                    let s = w(t, i);
                    s.ends_with("am")
                        || s.ends_with("pm")
                        || s.ends_with('a')
                        || s.ends_with('p')
                        || matches!(s, "a.m." | "p.m.")
                        || s.starts_with('0')
                        || s.split(':')
                            .next()
                            .is_some_and(|x| x.parse::<u32>().is_ok_and(|v| v > 12))
                });
                if !explicit {
                    if dh >= 18 && (1..12).contains(&h) {
                        wn.time = Some((h + 12, m));
                    } else if dh < 12 && (13..=18).contains(&h) {
                        wn.time = Some((h - 12, m));
                    }
                }
            }
        }

        // Priority.
        let mut priority: Option<Priority> = None;
        for (a, e, p) in ex.scan(priority_phrase) {
            ex.claim(a, e, SpanKind::Priority);
            priority = Some(priority.map_or(p, |q: Priority| q.max(p)));
        }
        if priority.is_none() {
            if let Some((e, p)) = priority_opener(t).filter(|(e, _)| (0..*e).all(|i| ex.free(i))) {
                ex.claim(0, e, SpanKind::Priority);
                priority = Some(p);
            }
        }
        if priority.is_none() {
            if let Some((a, e, p)) = priority_clause(t, &ex) {
                ex.claim(a, e, SpanKind::Priority);
                priority = Some(p);
            }
        }
        if priority.is_none() {
            if let Some((a, e, p)) = positional_priority(t, &ex) {
                ex.claim(a, e, SpanKind::Priority);
                priority = Some(p);
            }
        }

        let title = ex.title(chat);

        if let Some(r) = reminder_err {
            return refuse(r);
        }
        if let Some(Err(r)) = &rule {
            return refuse(format!("I can't repeat a task like that: {r}."));
        }
        if let Some(wn) = &when {
            if let Some(r) = &wn.invalid {
                return refuse(format!("I can't read that date: {r}."));
            }
        }
        if title.is_empty() {
            return unknown(if remind {
                "What should I remind you about? E.g. “remind me to call mom at 5pm”."
            } else {
                "What should the task be called? E.g. “add task Submit report due Friday”."
            });
        }
        // "mondays are the worst honestly", "ugh mondays amirite": a remark
        // about a day, not a to-do; what is left is a verdict or a sigh.
        if chat && !remind && remark_left(&title) {
            return unknown(HELP);
        }

        let mut recurrence = None;
        let mut recurrence_text = None;
        let mut due = None;
        if let Some(Ok(rule)) = rule {
            let mut local_time = when.as_ref().and_then(|w| w.time).or(rule.default_time);
            if remind && local_time.is_none() && rule.freq != recur::Freq::Hourly {
                local_time = Some((9, 0));
            }
            if let Some(wn) = when.as_ref().filter(|w| w.date.is_some()) {
                if let Ok(m) = wn.resolve(self.clk) {
                    due = Some(Due {
                        at_utc_ms: m.utc.timestamp_millis(),
                        has_time: m.has_time,
                    });
                }
            }
            // Without a start date the task is due at the rule's first
            // occurrence, so it shows up in "today"/"this week" lists.
            if due.is_none() {
                due = first_occurrence(&rule, mode, local_time, self.clk);
            }
            if remind
                && !reminders
                    .iter()
                    .any(|r| matches!(r, ReminderSpec::Before { minutes: 0 }))
            {
                reminders.push(ReminderSpec::Before { minutes: 0 });
            }
            let engine_rule = match rule.to_rule() {
                Ok(r) => r,
                Err(e) => return refuse(format!("I can't repeat a task that way: {e}.")),
            };
            recurrence_text = Some(rule.describe());
            recurrence = Some(RecurrenceSpec {
                rule: engine_rule,
                mode,
                local_time,
            });
        } else if let Some(wn) = &when {
            let m = match wn.resolve(self.clk) {
                Ok(m) => m,
                Err(r) => return refuse(r),
            };
            due = Some(Due {
                at_utc_ms: m.utc.timestamp_millis(),
                has_time: m.has_time,
            });
            if remind {
                let at = match wn.reminder_instant(self.clk) {
                    Ok(x) => x,
                    Err(r) => return refuse(r),
                };
                if at < self.clk.now {
                    return refuse(past_reminder(self.clk, at, m.has_time));
                }
                reminders.insert(
                    0,
                    ReminderSpec::At {
                        utc_ms: at.timestamp_millis(),
                    },
                );
                for (k, more) in more_reminders.iter().enumerate() {
                    let at = match more.reminder_instant(self.clk) {
                        Ok(x) => x,
                        Err(r) => return refuse(r),
                    };
                    reminders.insert(
                        k + 1,
                        ReminderSpec::At {
                            utc_ms: at.timestamp_millis(),
                        },
                    );
                }
            }
        }
        if let Some(d) = due {
            let day = self
                .clk
                .local(chrono::DateTime::from_timestamp_millis(d.at_utc_ms).unwrap_or_default())
                .date_naive();
            for (k, days, hm) in on_due_day {
                let day = day - chrono::Duration::days(days);
                let at = self.clk.at(day, hm).timestamp_millis();
                if at <= d.at_utc_ms || !d.has_time {
                    reminders[k] = ReminderSpec::At { utc_ms: at };
                }
            }
        }
        for r in &reminders {
            if let ReminderSpec::At { utc_ms } = r {
                if *utc_ms < self.clk.now.timestamp_millis() {
                    let at = chrono::DateTime::from_timestamp_millis(*utc_ms).unwrap_or_default();
                    return refuse(past_reminder(self.clk, at, true));
                }
            }
        }
        Out {
            intent: Intent::AddTask {
                title,
                due,
                priority,
                tags,
                recurrence,
                reminders,
            },
            recurrence_text,
            spans: ex.spans,
            alternative: None,
        }
    }

    // ------------------------------------------------------------ reminders

    fn remind(&self, t: &[Tok]) -> Option<Out> {
        const STARTS: &[&[&str]] = &[
            &["give", "me", "a", "heads", "up"],
            &["give", "me", "a", "heads-up"],
            &["give", "me", "a", "reminder"],
            &["put", "a", "reminder"],
            &["remind", "me"],
            &["set", "a", "reminder"],
            &["set", "reminder"],
            &["add", "a", "reminder"],
            &["add", "reminder"],
            &["create", "a", "reminder"],
            &["make", "a", "reminder"],
            &["ping", "me"],
            &["notify", "me"],
            &["alert", "me"],
            &["nudge", "me"],
            &["buzz", "me"],
            &["give", "me", "a", "shout"],
            &["give", "me", "a", "nudge"],
            &["give", "me", "a", "ping"],
            &["reminder", ":"],
            &["reminder"],
        ];
        // "I'd like to be reminded about it tonight".
        let lead = [
            &["i'd", "like", "to", "be", "reminded"][..],
            &["i", "want", "to", "be", "reminded"],
            &["i", "would", "like", "to", "be", "reminded"],
            &["i", "need", "to", "be", "reminded"],
        ]
        .iter()
        .find(|s| seq(t, 0, s))
        .map_or(0, |s| s.len());
        if lead > 0 {
            let mut again: Vec<Tok> = vec![t[0].clone(), t[0].clone()];
            again[0].low = "remind".into();
            again[0].text = "remind".into();
            again[1].low = "me".into();
            again[1].text = "me".into();
            again.extend_from_slice(&t[lead..]);
            return self.remind(&again);
        }
        // "tomorrow evening remind me about that please": the time said first.
        if let Some((e, _)) = when::parse_when(t, 0, self.clk) {
            if seq(t, e, &["remind", "me"]) && e > 0 {
                let turned: Vec<Tok> = t[e..].iter().chain(t[..e].iter()).cloned().collect();
                return self.remind(&turned);
            }
        }
        let start = STARTS.iter().find(|s| seq(t, 0, s))?;
        let rest = &t[start.len()..];
        // "ping me about this again in 20 min": the reminder once more.
        if let Some(k) = (0..rest.len()).find(|&k| w(rest, k) == "again" && w(rest, k + 1) == "in")
        {
            if let Some((_, n, u)) = when::duration(rest, k + 2) {
                if let Some(per) = u.minutes() {
                    let target = match self.target(rest, 0, k, &[&["about"]]) {
                        Ok(x) => x,
                        Err(o) => return Some(*o),
                    };
                    return Some(
                        Intent::Snooze {
                            target,
                            minutes: (n as i64 * per).clamp(1, u32::MAX as i64) as u32,
                        }
                        .into(),
                    );
                }
            }
        }
        if rest.is_empty() {
            return Some(unknown(
                "When should I remind you, and about what? E.g. “remind me to call mom at 5pm” or “remind me 15 minutes before”.",
            ));
        }
        // "add a reminder to “Sprint demo” 15 minutes before": to a task
        // named, not a new one.
        let noun_start = start.contains(&"reminder");
        if noun_start {
            if let Some(out) = self.reminder_on_named_task(rest) {
                return Some(out);
            }
        }
        let names_task = quoted_tokens(rest).get(2).copied().unwrap_or(false)
            || rest.iter().any(|x| x.low == "task");
        if noun_start && matches!(w(rest, 0), "to" | "for" | "on") && names_task {
            let mut ex = Extract::new(rest, &[]);
            if let Some((a, e, m)) = ex.scan(before_spec).into_iter().next() {
                ex.take(a, e);
                let left = ex.free_words();
                if let (Some(&a), Some(&b)) = (left.get(1), left.last()) {
                    return Some(match self.target(rest, a, b + 1, &[]) {
                        Ok(target) => Intent::AddReminder {
                            target,
                            spec: ReminderSpec::Before { minutes: m },
                        }
                        .into(),
                        Err(o) => *o,
                    });
                }
            }
        }
        if w(rest, 0) == "to" && rest.len() > 1 {
            return Some(self.add_task(&rest[1..], true));
        }
        if seq(rest, 0, &["that", "i", "need", "to"]) || seq(rest, 0, &["that", "i", "have", "to"])
        {
            return Some(self.add_task(&rest[4..], true));
        }
        let mut ex = Extract::new(rest, &[]);
        let mut before: Option<u32> = None;
        if let Some((a, e, m)) = ex.scan(before_spec).into_iter().next() {
            ex.take(a, e);
            before = Some(m);
        }
        let mut when: Option<When> = None;
        if before.is_none() {
            if let Some((a, e, found)) = ex
                .scan(|s, i| when::parse_when(s, i, self.clk))
                .into_iter()
                .next()
            {
                ex.take(a, e);
                when = Some(found);
            }
        }
        if let Some((_, _, _)) = ex.scan(recur::parse_recurrence).into_iter().next() {
            return Some(self.add_task(&without_first_to(rest, &ex), true));
        }
        let left = ex.free_words();
        let first = left.first().map(|&i| w(rest, i)).unwrap_or("");
        let target = if left.is_empty() {
            self.last_task()
        } else if matches!(first, "about" | "of" | "for" | "regarding" | "re") {
            let a = left[0] + 1;
            let b = left[left.len() - 1] + 1;
            self.target(rest, a, b, &[&["again"]])
        } else if first == "to" {
            return Some(self.add_task(&without_first_to(rest, &ex), true));
        } else if before.is_some() {
            let (a, b) = (left[0], left[left.len() - 1] + 1);
            self.target(rest, a, b, &[])
        } else {
            return Some(self.add_task(rest, true));
        };
        let spec = if let Some(m) = before {
            ReminderSpec::Before { minutes: m }
        } else if let Some(wn) = when {
            match self.reminder_at(&wn) {
                Ok(spec) => spec,
                Err(o) => return Some(*o),
            }
        } else {
            return Some(unknown(
                "When should I remind you? E.g. “remind me about the report at 9am tomorrow” or “15 minutes before”.",
            ));
        };
        let target = match target {
            Ok(x) => x,
            Err(_) => {
                return Some(unknown(
                    "Which task is the reminder for? E.g. “remind me about the report at 9am tomorrow”.",
                ))
            }
        };
        Some(Intent::AddReminder { target, spec }.into())
    }

    fn snooze(&self, t: &[Tok]) -> Option<Out> {
        // "not now, in 25 min", "zzz, 15 minutes", "come back to me in 90
        // mins", "give me 10 more minutes": only a stretch of time asked for.
        let mut k0 = 0;
        while matches!(
            w(t, k0),
            "not"
                | "now"
                | "later"
                | "zzz"
                | "zz"
                | "come"
                | "back"
                | "to"
                | "me"
                | "ask"
                | "again"
                | "give"
                | "please"
                | "pls"
                | "ok"
                | "in"
                | "after"
                | "for"
                | "another"
                | "just"
                | ","
                | "bug"
                | "ping"
                | "nudge"
                | "remind"
                | "push"
                | "the"
                | "reminder"
                | "it"
                | "this"
                | "by"
        ) {
            k0 += 1;
        }
        {
            if let Some((e, n, u)) = when::duration(t, k0) {
                let rest_ok = (e..t.len()).all(|i| {
                    matches!(
                        w(t, i),
                        "please" | "pls" | "more" | "back" | "later" | "." | "!" | "?"
                    )
                });
                let said_again_or_later = k0 == 0
                    || t.iter().any(|x| {
                        matches!(
                            x.low.as_str(),
                            "again"
                                | "later"
                                | "zzz"
                                | "zz"
                                | "not"
                                | "give"
                                | "back"
                                | "come"
                                | "more"
                        )
                    });
                if rest_ok && said_again_or_later {
                    if let (Some(per), Ok(target)) = (u.minutes(), self.last_task()) {
                        return Some(
                            Intent::Snooze {
                                target,
                                minutes: (n as i64 * per).clamp(1, u32::MAX as i64) as u32,
                            }
                            .into(),
                        );
                    }
                }
            }
        }
        // "⏰ 10 more minutes", "5 more min": more time on the reminder.
        if let Some((e, n, u)) = when::duration(t, 0) {
            if e == t.len() && t.iter().any(|x| matches!(x.low.as_str(), "more" | "extra")) {
                if let (Some(per), Ok(target)) = (u.minutes(), self.last_task()) {
                    return Some(
                        Intent::Snooze {
                            target,
                            minutes: (n as i64 * per).clamp(1, u32::MAX as i64) as u32,
                        }
                        .into(),
                    );
                }
            }
        }
        let k = if w(t, 0) == "snooze" {
            1
        } else if w(t, 0) == "later" && t.len() > 1 {
            // "later pls, in 25 minutes".
            1
        } else if seq(t, 0, &["remind", "me", "again"])
            || (seq(t, 0, &["remind", "me", "later"]) && t.len() == 3)
        {
            3
        } else {
            return None;
        };
        let mut minutes: Option<i64> = None;
        let mut name_end = t.len();
        let mut j = k;
        while j < t.len() {
            let s = w(t, j);
            let (skip, until) = match s {
                "for" | "by" | "in" => (1, false),
                "until" | "till" | "'til" | "til" => (1, true),
                _ => (0, false),
            };
            if until {
                if let Some((_, wn)) = when::parse_when(t, j + 1, self.clk) {
                    match wn.resolve(self.clk) {
                        Ok(m) => {
                            let at = if m.has_time {
                                m.utc
                            } else {
                                self.clk.at(m.date, (9, 0))
                            };
                            let diff = (at - self.clk.now).num_seconds();
                            if diff <= 0 {
                                return Some(refuse("I can't snooze a reminder until a time that has already passed."));
                            }
                            minutes = Some((diff + 59) / 60);
                        }
                        Err(r) => return Some(refuse(r)),
                    }
                    name_end = j;
                    break;
                }
            }
            if let Some((_, n, u)) = when::duration(t, j + skip) {
                match u.minutes() {
                    Some(per) => minutes = Some(n as i64 * per),
                    None => {
                        return Some(refuse(
                            "I can snooze a reminder by minutes, hours, days or weeks.",
                        ))
                    }
                }
                name_end = j;
                break;
            }
            if s == "later" {
                name_end = j;
                break;
            }
            j += 1;
        }
        // "snooze it till later, like 90 minutes", "snooze, give me 5 more
        // minutes": a duration further on; "snooze 15": minutes.
        if minutes.is_none() {
            minutes = (name_end..t.len()).find_map(|i| {
                let (_, n, u) = when::duration(t, i)?;
                u.minutes().map(|per| n as i64 * per)
            });
            if minutes.is_none() && k < t.len() {
                if let Ok(n) = w(t, k).parse::<i64>() {
                    if (1..=1440).contains(&n) && k + 1 == t.len() {
                        minutes = Some(n);
                        name_end = k;
                    }
                }
            }
        }
        if let Some(cut) = (k..name_end).find(|&i| matches!(w(t, i), "," | "?" | ";")) {
            name_end = cut;
        }
        let minutes = minutes.unwrap_or(10);
        if minutes <= 0 {
            return Some(refuse("A snooze must be at least a minute long."));
        }
        let target = match self.target(t, k, name_end, SERIES_TAIL) {
            Ok(x) => x,
            Err(_) => {
                return Some(unknown(
                    "Which reminder should I snooze? E.g. “snooze the exercise reminder for 10 minutes”.",
                ))
            }
        };
        Some(
            Intent::Snooze {
                target,
                minutes: minutes.min(u32::MAX as i64) as u32,
            }
            .into(),
        )
    }

    /// "for the handover of the keys: alert me one hour before", "for the
    /// dentist, remind me the day before": a reminder on the task named
    /// first.
    fn reminder_for_named(&self, t: &[Tok]) -> Option<Out> {
        if !matches!(w(t, 0), "for" | "regarding" | "about") {
            return None;
        }
        let k = (1..t.len()).find(|&i| matches!(w(t, i), "," | ":" | "-"))?;
        let rest = strip_filler(&t[k + 1..]);
        if k < 2 || rest.is_empty() {
            return None;
        }
        let mut out = self.remind(rest)?;
        if let Intent::AddReminder { target, .. } = &mut out.intent {
            if matches!(target, TaskTarget::LastTask(_)) {
                *target = match self.target(t, 1, k, &[]) {
                    Ok(named) => named,
                    Err(o) => return Some(*o),
                };
            }
            return Some(out);
        }
        None
    }

    // ------------------------------------------------------------ series

    fn stop_or_resume(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        // "the standup doesn't need to repeat anymore", "this shall not come
        // back every week any more": whatever the subject names stops.
        if let Some(j) = no_longer_repeats(t) {
            if j == 0 {
                // "don't repeat the gym anymore": the words between.
                if let Some(r) = (1..n).find(|&i| matches!(w(t, i), "repeat" | "recur")) {
                    let e = (r + 1..n)
                        .find(|&i| matches!(w(t, i), "anymore" | "any" | "," | "."))
                        .unwrap_or(n);
                    if e > r + 1 {
                        return Some(match self.target(t, r + 1, e, SERIES_TAIL) {
                            Ok(target) => Intent::StopSeries { target }.into(),
                            Err(o) => *o,
                        });
                    }
                }
                return Some(match self.last_task() {
                    Ok(target) => Intent::StopSeries { target }.into(),
                    Err(o) => *o,
                });
            }
            return Some(match self.target(t, 0, j, SERIES_TAIL) {
                Ok(target) => Intent::StopSeries { target }.into(),
                Err(o) => *o,
            });
        }
        // "Restart the server !!!", "Pause the subscription by Friday": new tasks.
        if n > 1 && self.has_task_details(&t[1..], false) {
            return None;
        }
        let series_word = any_word(
            t,
            &[
                "reminder",
                "reminders",
                "series",
                "recurring",
                "recurrence",
                "repeating",
                "repeat",
                "repeats",
                "recur",
            ],
        );
        let make = |resume: bool, a: usize, b: usize| -> Out {
            match self.target(t, a, b, SERIES_TAIL) {
                Ok(target) => if resume {
                    Intent::ResumeSeries { target }
                } else {
                    Intent::StopSeries { target }
                }
                .into(),
                Err(o) => *o,
            }
        };
        let about = |k: usize| {
            if matches!(w(t, k), "to" | "about" | "of" | "for") {
                k + 1
            } else {
                k
            }
        };
        // "pick up the running series again", "let the weekly report repeat
        // again", "bring back the weekly review": a series taken up again;
        // "hold the gym series", "freeze the yoga series": one put on hold.
        let series_said = series_word || any_word(t, &["daily", "weekly", "monthly"]);
        if series_said && n > 2 {
            let lead = match (w(t, 0), w(t, 1)) {
                ("pick", "up") | ("bring", "back") | ("take", "up") => Some((true, 2)),
                ("let", _) | ("bring", _) | ("pick", _)
                    if matches!(w(t, n - 1), "again" | "back") =>
                {
                    Some((true, 1))
                }
                ("hold" | "freeze" | "suspend", _) => Some((false, 1)),
                _ => None,
            };
            if let Some((resume, k)) = lead {
                let mut e = n;
                while e > k + 1
                    && matches!(w(t, e - 1), "again" | "back" | "up" | "repeat" | "recur")
                {
                    e -= 1;
                }
                return Some(make(resume, k, e));
            }
        }
        // Stop.
        if w(t, 0) == "stop" && matches!(w(t, 1), "reminding" | "repeating") {
            let k = if w(t, 2) == "me" { 3 } else { 2 };
            return Some(make(false, about(k), n));
        }
        if matches!(w(t, 0), "don't" | "dont") && matches!(w(t, 1), "repeat" | "recur") {
            let e = if matches!(w(t, n - 1), "anymore") {
                n - 1
            } else {
                n
            };
            return Some(make(false, 2, e));
        }
        if matches!(w(t, 0), "don't" | "dont") && seq(t, 1, &["remind", "me"]) {
            return Some(make(false, about(3), n));
        }
        if seq(t, 0, &["do", "not", "remind", "me"]) {
            return Some(make(false, about(4), n));
        }
        // "no more need for it, delete" is about the task, not a series.
        if seq(t, 0, &["no", "more"]) && n > 2 && w(t, 2) != "need" {
            return Some(make(false, 2, n));
        }
        let dont_need = if matches!(w(t, 1), "don't" | "dont") && matches!(w(t, 2), "need" | "want")
        {
            Some(3)
        } else if seq(t, 1, &["do", "not"]) && matches!(w(t, 3), "need" | "want") {
            Some(4)
        } else {
            None
        };
        if let (Some(k), "i") = (dont_need, w(t, 0)) {
            if n > k && series_word {
                return Some(make(false, k, n));
            }
            if n > k {
                // "I don't need this anymore, please delete it": the clause
                // that names it.
                let e = (k..n).find(|&i| text::is_punct(w(t, i))).unwrap_or(n);
                let e = if e > k + 1 && matches!(w(t, e - 1), "anymore") {
                    e - 1
                } else {
                    e
                };
                return Some(match self.target(t, k, e, &[&["any", "more"]]) {
                    Ok(target) => Intent::DeleteTask { target }.into(),
                    Err(o) => *o,
                });
            }
        }
        if matches!(
            w(t, 0),
            "stop" | "pause" | "halt" | "disable" | "mute" | "suspend" | "deactivate" | "silence"
        ) {
            if n == 1 {
                return self
                    .last_task()
                    .ok()
                    .map(|target| Intent::StopSeries { target }.into());
            }
            return Some(make(false, 1, n));
        }
        if matches!(w(t, 0), "turn" | "switch") && w(t, 1) == "off" {
            return Some(make(false, 2, n));
        }
        if matches!(w(t, 0), "turn" | "switch") && w(t, n - 1) == "off" && n > 2 {
            return Some(make(false, 1, n - 1));
        }
        if matches!(w(t, 0), "cancel" | "end" | "kill") && series_word && w(t, 1) != "of" {
            return Some(make(false, 1, n));
        }
        if w(t, n.saturating_sub(2)) == "stop"
            && w(t, n - 1) == "repeating"
            && matches!(w(t, 0), "make" | "let")
        {
            return Some(make(false, 1, n - 2));
        }
        // Resume.
        if matches!(
            w(t, 0),
            "resume"
                | "unpause"
                | "un-pause"
                | "restart"
                | "re-enable"
                | "reenable"
                | "enable"
                | "unmute"
        ) {
            if n == 1 {
                return self
                    .last_task()
                    .ok()
                    .map(|target| Intent::ResumeSeries { target }.into());
            }
            let k = if matches!(w(t, 1), "reminding" | "repeating") {
                about(if w(t, 2) == "me" { 3 } else { 2 })
            } else {
                1
            };
            return Some(make(true, k, n));
        }
        if w(t, 0) == "continue" && series_word {
            return Some(make(true, 1, n));
        }
        if matches!(w(t, 0), "turn" | "switch") && w(t, 1) == "on" {
            return Some(make(true, 2, n));
        }
        if matches!(w(t, 0), "turn" | "switch") && w(t, n - 1) == "on" && n > 2 {
            let b = if w(t, n - 2) == "back" { n - 2 } else { n - 1 };
            return Some(make(true, 1, b));
        }
        if w(t, 0) == "start" && matches!(w(t, 1), "reminding" | "repeating") {
            let k = if w(t, 2) == "me" { 3 } else { 2 };
            return Some(make(true, about(k), n));
        }
        if w(t, 0) == "start" && n > 2 && (w(t, n - 1) == "again" || seq(t, n - 2, &["back", "up"]))
        {
            return Some(make(true, 1, n));
        }
        self.series_said_of(t)
    }

    /// A series named first, then what should become of it: "the vitamin
    /// D reminder doesn't need to repeat any more", "that series can end
    /// now", "make it a one-off"; "make the bass lesson repeat again", "put
    /// the vitamin D reminder back on repeat", "switch the standup back to
    /// repeating", "reactivate the series for 'Meal prep'".
    fn series_said_of(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let repeat_word = |k: usize| {
            matches!(
                w(t, k),
                "repeat" | "repeating" | "recur" | "recurring" | "repeats"
            )
        };
        let named = |resume: bool, a: usize, b: usize| -> Option<Out> {
            let target = match self.target(t, a, b, SERIES_TAIL) {
                Ok(x) => x,
                Err(o) => return Some(*o),
            };
            Some(if resume {
                Intent::ResumeSeries { target }.into()
            } else {
                Intent::StopSeries { target }.into()
            })
        };
        // "X doesn't need to repeat", "X shouldn't recur any more".
        for k in 1..n {
            let negation = matches!(
                w(t, k),
                "doesn't" | "dont" | "don't" | "shouldn't" | "needn't" | "mustn't"
            ) || seq(t, k, &["does", "not"])
                || seq(t, k, &["no", "longer"]);
            if negation && (k + 1..(k + 5).min(n)).any(repeat_word) {
                return named(false, 0, k);
            }
        }
        // "X can end now", "that series can stop".
        if let Some(k) = (1..n).find(|&k| {
            matches!(w(t, k), "can" | "should" | "may")
                && matches!(w(t, k + 1), "end" | "stop" | "finish")
                && (k + 2 == n || matches!(w(t, k + 2), "now" | "here" | "." | "!"))
        }) {
            if any_word(
                &t[..k],
                &["series", "repeat", "recurring", "repeating", "reminder"],
            ) || matches!(w(t, 0), "that" | "this" | "it")
            {
                return named(false, 0, k);
            }
        }
        // "make it a one-off".
        if matches!(w(t, 0), "make" | "turn")
            && (2..n).any(|k| matches!(w(t, k), "one-off" | "oneoff" | "one-time"))
        {
            let k = (2..n)
                .find(|&k| matches!(w(t, k), "a" | "into" | "one-off" | "oneoff" | "one-time"))
                .unwrap_or(n);
            return named(false, 1, k);
        }
        // Resume: "make X repeat again", "put X back on repeat", "switch X
        // back to repeating", "set X to repeat again".
        if matches!(w(t, 0), "make" | "put" | "switch" | "set" | "turn" | "have") {
            if let Some(k) = (2..n).find(|&k| {
                repeat_word(k) && (w(t, k + 1) == "again" || matches!(w(t, k - 1), "on" | "to"))
                    || seq(t, k, &["back", "on", "repeat"])
                    || seq(t, k, &["back", "to", "repeating"])
            }) {
                let mut e = k;
                while e > 1 && matches!(w(t, e - 1), "back" | "on" | "to") {
                    e -= 1;
                }
                return named(true, 1, e);
            }
        }
        // "bring back the recurrence on this one".
        if seq(t, 0, &["bring", "back"])
            && n > 2
            && any_word(
                t,
                &[
                    "recurrence",
                    "repeat",
                    "repeats",
                    "series",
                    "recurring",
                    "repeating",
                ],
            )
        {
            return named(true, 2, n);
        }
        // "badminton series back on please".
        if let Some(k) = (1..n).find(|&k| {
            matches!(
                w(t, k),
                "series" | "repeat" | "repeats" | "recurrence" | "reminder"
            ) && seq(t, k + 1, &["back", "on"])
                && (k + 3..n).all(|j| matches!(w(t, j), "please" | "pls" | "!" | "."))
        }) {
            if !matches!(
                w(t, 0),
                "turn" | "switch" | "put" | "set" | "get" | "bring" | "flip"
            ) {
                return named(true, 0, k);
            }
        }
        if matches!(w(t, 0), "reactivate" | "re-activate" | "revive")
            && any_word(
                t,
                &["series", "repeat", "repeats", "recurring", "recurrence"],
            )
        {
            return named(true, 1, n);
        }
        None
    }

    // ------------------------------------------------------------ edits

    fn rename(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        if let Some(out) = self.rename_said(t) {
            return Some(out);
        }
        // "karaoke task: new name karaoke night with the team".
        if let Some(k) = (1..n).find(|&k| {
            seq_any(&t[k..], &[&["new", "name"], &["new", "title"]])
                && matches!(w(t, k - 1), ":" | "-" | ",")
        }) {
            let new_title = quoted_or_text(t, k + 2, n);
            if !new_title.is_empty() && w(t, k + 2) != "for" {
                return Some(match self.target(t, 0, k - 1, &[]) {
                    Ok(target) => Intent::RenameTask {
                        target,
                        new_title: text::capitalize(&new_title),
                    }
                    .into(),
                    Err(o) => *o,
                });
            }
        }
        // "new name for that: Draft the speech", "new title for X - Y".
        if seq_any(t, &[&["new", "name", "for"], &["new", "title", "for"]]) {
            let s = split_outside_quotes(t, 3, &[":", "-", "->", "→"])?;
            let new_title = quoted_or_text(t, s + 1, n);
            if new_title.is_empty() {
                return None;
            }
            return Some(match self.target(t, 3, s, &[]) {
                Ok(target) => Intent::RenameTask {
                    target,
                    new_title: text::capitalize(&new_title),
                }
                .into(),
                Err(o) => *o,
            });
        }
        if let Some(out) = self.name_it(t) {
            return Some(out);
        }
        let (a, b, y) = if matches!(w(t, 0), "rename" | "retitle") {
            let seps = &["to", "as", "into", "->", "=>", "→", ":", "in"];
            let k = if seps.contains(&w(t, 1)) {
                1
            } else {
                split_outside_quotes(t, 1, seps)?
            };
            // "rename the project files in 3 days": a to-do with its day.
            if w(t, k) == "in" && (k..n).any(|j| when::parse_when(t, j, self.clk).is_some()) {
                return None;
            }
            if k == 1 {
                // "rename to Hairdresser w/ Anna": the task of the previous turn.
                let new_title = quoted_or_text(t, 2, n);
                if new_title.is_empty() {
                    return None;
                }
                return Some(match self.last_task() {
                    Ok(target) => Intent::RenameTask {
                        target,
                        new_title: text::capitalize(&new_title),
                    }
                    .into(),
                    Err(o) => *o,
                });
            }
            (1, k, k + 1)
        } else if matches!(w(t, 0), "change" | "update" | "edit" | "set") {
            let mut k = 1;
            if w(t, k) == "the" {
                k += 1;
            }
            if matches!(w(t, k), "name" | "title") && matches!(w(t, k + 1), "of" | "for" | "on") {
                let s = split_outside_quotes(t, k + 2, &["to", "->", "=>", "→", "in", ":"])?;
                (k + 2, s, s + 1)
            } else {
                // "change the report's title to …", "change report title to …"
                let s = split_outside_quotes(t, 1, &["to"])?;
                if s < 3 || !matches!(w(t, s - 1), "name" | "title") {
                    return None;
                }
                (1, s - 1, s + 1)
            }
        } else {
            return None;
        };
        if y >= n || a >= b {
            return None;
        }
        let new_title = quoted_or_text(t, y, n);
        if new_title.is_empty() {
            return None;
        }
        let target = match self.target(t, a, b, &[]) {
            Ok(x) => x,
            Err(o) => return Some(*o),
        };
        Some(
            Intent::RenameTask {
                target,
                new_title: text::capitalize(&new_title),
            }
            .into(),
        )
    }

    /// "let's name it 'Call Mum and Dad' from now on", "call the stocktake
    /// task year-end stocktake instead", "the title of the kanji task
    /// should be study 20 kanji".
    fn name_it(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let mut e = n;
        while e > 0 && matches!(w(t, e - 1), "." | "!" | "please" | "pls" | "instead") {
            e -= 1;
        }
        if e >= 3 && seq(t, e - 3, &["from", "now", "on"]) {
            e -= 3;
        }
        let rename = |a: usize, b: usize, y: usize| -> Option<Out> {
            let new_title = quoted_or_text(t, y, e);
            if new_title.is_empty() || a >= b {
                return None;
            }
            Some(match self.target(t, a, b, &[]) {
                Ok(target) => Intent::RenameTask {
                    target,
                    new_title: text::capitalize(&new_title),
                }
                .into(),
                Err(o) => *o,
            })
        };
        let mut k = 0;
        if matches!(
            w(t, 0),
            "let's" | "lets" | "actually" | "oh" | "ok" | "okay"
        ) {
            k = 1;
        }
        // "name it X", "call the X task Y": the target ends at "it" or "task".
        if matches!(w(t, k), "name" | "call" | "title" | "retitle") {
            let end = (k + 1..e.min(k + 8)).find(|&j| {
                matches!(w(t, j), "task" | "todo")
                    || j == k + 1 && matches!(w(t, j), "it" | "that" | "this")
            })?;
            let end = if matches!(w(t, end), "this" | "that") && w(t, end + 1) == "one" {
                end + 1
            } else {
                end
            };
            let y = end + 1;
            let y = if matches!(w(t, y), "to" | "as" | ":") {
                y + 1
            } else {
                y
            };
            // "call it a day": not a name.
            if matches!(w(t, y), "a" | "quits" | "off") && !quoted_tokens(t)[y] {
                return None;
            }
            return rename(k + 1, end + 1, y);
        }
        // "the title of the kanji task should be …", "its name should be …".
        let mut a = 0;
        if w(t, a) == "the" {
            a += 1;
        }
        if matches!(w(t, a), "title" | "name") && matches!(w(t, a + 1), "of" | "for") {
            let s = (a + 2..e).find(|&j| {
                seq(t, j, &["should", "be"])
                    || seq(t, j, &["will", "be"])
                    || seq(t, j, &["is", "now"])
            })?;
            return rename(a + 2, s, s + 2);
        }
        None
    }

    /// "move X to Friday", "change the due date of X to …", "X is now due …".
    fn reschedule(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        // "set the polish shoes task for tomorrow at 7pm instead", "set the
        // laundry for this evening instead": "instead" makes it a move.
        if matches!(w(t, 0), "set" | "put" | "have" | "make") && any_word(t, &["instead"]) {
            for k in 2..n {
                if !matches!(w(t, k), "for" | "to" | "on") {
                    continue;
                }
                if let Some((e, wn)) = when::parse_when_after(t, k + 1, self.clk, true) {
                    let rest_ok = (e..n).all(|j| {
                        text::is_punct(w(t, j)) || matches!(w(t, j), "instead" | "please" | "pls")
                    });
                    if rest_ok {
                        return Some(self.reschedule_to(t, 1, k, &wn));
                    }
                }
            }
        }
        // "Please this task on tuesday, 2 o'clock in the afternoon", "this
        // one to friday": the task under discussion and its new day, with
        // no verb.
        {
            let mut a = usize::from(matches!(w(t, 0), "please" | "pls"));
            if matches!(w(t, a), "this" | "that") && matches!(w(t, a + 1), "task" | "one") {
                a += 2;
                if matches!(w(t, a), "please" | "pls") {
                    a += 1;
                }
                if matches!(w(t, a), "on" | "to" | "for") {
                    if let Some((e, _)) = when::parse_when_after(t, a + 1, self.clk, true) {
                        let rest_ok = (e..n).all(|j| {
                            text::is_punct(w(t, j))
                                || matches!(w(t, j), "please" | "pls" | "instead" | "thanks")
                        });
                        if rest_ok {
                            let wn = when::parse_when_after(t, a + 1, self.clk, true)?.1;
                            return Some(match self.last_task() {
                                Ok(target) => self.reschedule_target(target, &wn),
                                Err(o) => *o,
                            });
                        }
                    }
                }
            }
        }
        // "due date of the budget memo: 12/21 first thing", "new deadline
        // for 'Renew the passport' - 1/9": read as "move X to D".
        let mut a = usize::from(matches!(w(t, 0), "the" | "new" | "a"));
        if matches!(w(t, a), "new") {
            a += 1;
        }
        let lead = if seq(t, a, &["due", "date"]) {
            2
        } else {
            usize::from(w(t, a) == "deadline")
        };
        if lead > 0 && matches!(w(t, a + lead), "of" | "for") {
            let name = a + lead + 1;
            if let Some(k) = (name + 1..n).find(|&k| matches!(w(t, k), ":" | "-" | "->" | "is")) {
                let word = |s: &str| Tok {
                    text: s.into(),
                    low: s.into(),
                    start: t[k].start,
                    end: t[k].end,
                };
                let said: Vec<Tok> = std::iter::once(word("move"))
                    .chain(t[name..k].iter().cloned())
                    .chain(std::iter::once(word("to")))
                    .chain(t[k + 1..].iter().cloned())
                    .collect();
                if let Some(out) = self.reschedule(&said) {
                    return Some(out);
                }
            }
        }
        let v = w(t, 0);
        // "switch off the office lights at 6:30pm monday to friday": a
        // repeating chore, not a task moved.
        let day_range = (0..n).any(|i| {
            text::weekday(w(t, i)).is_some()
                && w(t, i + 1) == "to"
                && text::weekday(w(t, i + 2)).is_some()
        });
        if (day_range || (0..n).any(|i| recur::parse_recurrence(t, i).is_some()))
            && !any_word(t, &["it", "that", "this", "task", "'", "\"", "“"])
        {
            return None;
        }
        if let Some(out) = self.reschedule_said_of(t) {
            return Some(out);
        }
        // "what is due tomorrow", "which things are due …": questions.
        if is_question_word(v) || matches!(v, "anything" | "any" | "show" | "list") {
            return None;
        }
        // "bump the tax return to high priority" raises it.
        if v == "bump"
            && t.iter().any(|x| {
                matches!(
                    x.low.as_str(),
                    "priority" | "prio" | "urgent" | "high" | "important"
                )
            })
        {
            return None;
        }
        let mut found: Option<(usize, usize, When)> = None;
        // "can we do the presentation on Monday instead".
        if n > 2 && w(t, n - 1) == "instead" {
            let mut k = 0;
            for lead in [
                &["can", "we"][..],
                &["could", "we"],
                &["let's"],
                &["lets"],
                &["we'll"],
                &["i'll"],
                &["let", "us"],
            ] {
                if seq(t, 0, lead) {
                    k = lead.len();
                    break;
                }
            }
            if matches!(w(t, k), "do" | "have" | "hold" | "make" | "move") {
                if let Some((a, b, wn)) = when_split(
                    t,
                    k + 1,
                    self.clk,
                    &["to", "on", "for", "at", "until", "till"],
                ) {
                    return Some(self.reschedule_to(t, a, b, &wn));
                }
            }
        }
        // "move the sofa downstairs saturday": moving a thing somewhere is
        // a to-do.
        if v == "move"
            && any_word(
                t,
                &[
                    "upstairs",
                    "downstairs",
                    "outside",
                    "inside",
                    "into",
                    "garage",
                    "basement",
                    "attic",
                    "cellar",
                    "car",
                    "garden",
                    "balcony",
                    "storage",
                ],
            )
            && !any_word(t, &["task", "it", "that", "this", "'", "\""])
        {
            return None;
        }
        if matches!(
            v,
            "move"
                | "reschedule"
                | "postpone"
                | "push"
                | "defer"
                | "delay"
                | "shift"
                | "bump"
                | "slide"
                | "shove"
                | "kick"
                | "punt"
                | "prepone"
        ) {
            let mut k = 1;
            if matches!(w(t, k), "back" | "out" | "forward") {
                k += 1;
            }
            if matches!(v, "postpone" | "push" | "delay" | "defer" | "shift") {
                let by_amount = (k..n).any(|j| {
                    w(t, j) == "by" && when::duration(t, j + 1).is_some_and(|(e, ..)| e == n)
                });
                if by_amount {
                    return Some(unknown(
                        "Tell me the new date rather than how far to move it, e.g. “move the report to Friday”.",
                    ));
                }
            }
            found = when_split(
                t,
                k,
                self.clk,
                &["to", "until", "till", "for", "back", "out", "forward"],
            );
            if found.is_none()
                && !matches!(
                    v,
                    "move" | "push" | "bring" | "shift" | "shove" | "kick" | "punt"
                )
            {
                return Some(unknown(
                    "When should it be due? E.g. “reschedule the report to Friday 3pm”.",
                ));
            }
        }
        if found.is_none() && matches!(v, "change" | "set" | "update" | "move" | "push") {
            let mut k = 1;
            if w(t, k) == "the" {
                k += 1;
            }
            let field = if seq(t, k, &["due", "date"]) || seq(t, k, &["due", "time"]) {
                2
            } else if matches!(w(t, k), "deadline" | "due" | "date") {
                1
            } else {
                0
            };
            if field > 0 && matches!(w(t, k + field), "of" | "for" | "on") {
                found = when_split(t, k + field + 1, self.clk, &["to"]);
            } else if let Some(d) =
                (1..n).find(|&j| seq(t, j, &["due", "date"]) || w(t, j) == "deadline")
            {
                // "set the report's due date to Friday"
                let len = if w(t, d) == "deadline" { 1 } else { 2 };
                let mut c = d + len;
                if w(t, c) == "to" {
                    c += 1;
                }
                if let Some((e, wn)) = when::parse_when(t, c, self.clk) {
                    if e == n && d > 1 {
                        found = Some((1, d, wn));
                    }
                }
            }
        }
        if found.is_none() {
            // "make X due Friday", "X is now due Friday".
            if let Some(d) = (1..n).find(|&j| w(t, j) == "due") {
                let mut a = 0;
                let mut b = d;
                let mut ok = false;
                if w(t, 0) == "make" {
                    a = 1;
                    ok = true;
                }
                while b > a && matches!(w(t, b - 1), "now" | "is" | "are" | "be" | "should" | "'s")
                {
                    ok = true;
                    b -= 1;
                }
                if ok && b > a {
                    if let Some((e, wn)) = when::parse_when(t, d, self.clk) {
                        if e == n {
                            found = Some((a, b, wn));
                        }
                    }
                }
            }
        }
        let (a, b, wn) = found?;
        // "move the bikes into the basement sat", "push the code to github
        // tonight": the words after the verb say where something goes and
        // the date follows them without a "to", so this is a new to-do.
        let bare_date = !matches!(w(t, b), "to" | "until" | "till")
            && !matches!(w(t, b.wrapping_sub(1)), "to" | "until" | "till" | "for");
        let says_where = (a + 1..b).any(|i| {
            matches!(
                w(t, i),
                "to" | "into" | "onto" | "in" | "inside" | "from" | "out" | "over" | "across"
            )
        });
        if matches!(v, "move" | "push" | "shift" | "bring" | "slide") && bare_date && says_where {
            return None;
        }
        Some(self.reschedule_to(t, a, b, &wn))
    }

    /// A task, then its new date: "piano tuner to tue 10am instead",
    /// "“Pitch to investors” moves to monday at 11:30am", "chimney sweep
    /// should happen on 12/11 now", "can the boiler service happen in a
    /// fortnight instead?", "new due date for the grant application: 1/3",
    /// "first thing monday for that one pls".
    fn reschedule_said_of(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let mut e = n;
        let mut changed = false;
        while e > 1
            && matches!(
                w(t, e - 1),
                "instead" | "now" | "please" | "pls" | "?" | "!" | "." | "then"
            )
        {
            changed |= matches!(w(t, e - 1), "instead" | "now");
            e -= 1;
        }
        // "new due date for the grant application: 1/3".
        for lead in [
            &["new", "due", "date", "for"][..],
            &["new", "deadline", "for"],
            &["new", "date", "for"],
        ] {
            if seq(t, 0, lead) {
                let k = lead.len();
                let s = (k + 1..e).find(|&j| matches!(w(t, j), ":" | "-" | "is" | "="))?;
                let (end, wn) = when::parse_when(t, s + 1, self.clk)?;
                return (end == e).then(|| self.reschedule_to(t, k, s, &wn));
            }
        }
        // "first thing monday for that one pls".
        if let Some((end, wn)) = when::parse_when(t, 0, self.clk) {
            if w(t, end) == "for" && end + 1 < e {
                let rest = words_of(&t[end + 1..e]);
                if PRONOUNS.contains(&rest.as_str()) {
                    return Some(self.reschedule_to(t, end + 1, e, &wn));
                }
            }
        }
        let mut a = 0;
        if matches!(w(t, 0), "can" | "could" | "should") {
            a = 1;
        }
        // "can you move it to friday instead": the other readers' business.
        if matches!(
            w(t, a),
            "you"
                | "u"
                | "we"
                | "i"
                | "i'll"
                | "we'll"
                | "let's"
                | "lets"
                | "move"
                | "push"
                | "reschedule"
                | "postpone"
                | "shift"
                | "change"
                | "set"
                | "make"
        ) {
            return None;
        }
        // The date that ends the message, and the words that lead to it.
        let (i, wn) = (a + 1..e).find_map(|i| {
            when::parse_when(t, i, self.clk)
                .filter(|(end, _)| *end == e)
                .map(|(_, wn)| (i, wn))
        })?;
        let connectors: &[(&[&str], bool)] = &[
            (&["moves", "to"], true),
            (&["moved", "to"], true),
            (&["goes", "to"], true),
            (&["should", "happen", "on"], true),
            (&["should", "happen", "in"], true),
            (&["should", "happen"], true),
            (&["happen", "on"], true),
            (&["happen", "in"], true),
            (&["happen"], true),
            // "the piano lesson needs to be on wednesday evening now",
            // "the cake task shud be on sunday".
            (&["needs", "to", "be", "on"], true),
            (&["needs", "to", "be"], true),
            (&["has", "to", "be", "on"], true),
            (&["has", "to", "be"], true),
            (&["must", "be", "on"], true),
            (&["should", "be", "on"], true),
            (&["shud", "be", "on"], true),
            (&["to"], false),
        ];
        let (c, strong) = connectors.iter().find_map(|(words, strong)| {
            let k = i.checked_sub(words.len())?;
            seq(t, k, words).then_some((k, *strong))
        })?;
        // "piano tuner to tue 10am" alone could be a new task; "instead"
        // or "now" makes it a move.
        // "could the spanish homework be moved to Sunday".
        let mut c = c;
        while c > a + 1 && matches!(w(t, c - 1), "be" | "get" | "gets" | "been") {
            c -= 1;
        }
        if !(strong || changed) || c <= a || c - a > 6 {
            return None;
        }
        Some(self.reschedule_to(t, a, c, &wn))
    }

    fn reschedule_to(&self, t: &[Tok], a: usize, b: usize, wn: &When) -> Out {
        match self.target(t, a, b, &[]) {
            Ok(target) => self.reschedule_target(target, wn),
            Err(o) => *o,
        }
    }

    fn reschedule_target(&self, target: TaskTarget, wn: &When) -> Out {
        let m = match wn.resolve(self.clk) {
            Ok(m) => m,
            Err(r) => return refuse(format!("I can't read that date: {r}.")),
        };
        let past = if m.has_time {
            m.utc < self.clk.now
        } else {
            m.date < self.clk.today
        };
        if past {
            return refuse("I can't move a task into the past; give a date from today on.");
        }
        Intent::Reschedule {
            target,
            due: Due {
                at_utc_ms: m.utc.timestamp_millis(),
                has_time: m.has_time,
            },
        }
        .into()
    }

    fn set_priority(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let v = w(t, 0);
        let make = |a: usize, b: usize, p: Priority| -> Out {
            match self.target(t, a, b, &[]) {
                Ok(target) => Intent::SetPriority {
                    target,
                    priority: p,
                }
                .into(),
                Err(o) => *o,
            }
        };
        // "electricity bill, lower to low pls", "gutters - bump it up to
        // urgent": the task named, then the change.
        // A name, not a sentence about it ("the expense claim can't wait
        // any longer, make it urgent" leaves the sentence to other readers).
        let named = |c: usize| {
            c <= 5
                && !t[..c].iter().any(|x| {
                    matches!(
                        x.low.as_str(),
                        "is" | "are"
                            | "can't"
                            | "cant"
                            | "isn't"
                            | "task"
                            | "for"
                            | "wait"
                            | "should"
                            | "fine"
                            | "it"
                            | "that"
                            // "No rush on this one, set it to low": a remark.
                            | "this"
                            | "rush"
                            | "hurry"
                    )
                })
        };
        if let Some(c) = (1..n.min(8))
            .find(|&i| matches!(w(t, i), "," | "-" | ":"))
            .filter(|&c| named(c))
        {
            if matches!(
                w(t, c + 1),
                "lower" | "raise" | "bump" | "drop" | "set" | "make" | "change" | "put"
            ) {
                let mut k = c + 2;
                while matches!(
                    w(t, k),
                    "it" | "that" | "the" | "priority" | "prio" | "to" | "down" | "up" | "as"
                ) {
                    k += 1;
                }
                let level = level_word(w(t, k)).or_else(|| p_code(w(t, k)));
                let rest_ok = (k + 1..n).all(|j| {
                    text::is_punct(w(t, j))
                        || matches!(
                            w(t, j),
                            "pls" | "please" | "priority" | "prio" | "thanks" | "now"
                        )
                });
                if let (Some(p), true) = (level, rest_ok) {
                    return Some(make(0, c, p));
                }
            }
        }
        // "urgent please for the school application", "!urgent on the tax
        // forms pls", "Medium please for 'sort the winter clothes'".
        {
            let mut k = 0;
            let level = level_word(w(t, k).trim_start_matches('!')).or_else(|| p_code(w(t, k)));
            k += 1;
            while matches!(w(t, k), "please" | "pls" | "priority" | "prio") {
                k += 1;
            }
            if let (Some(p), true) = (level, matches!(w(t, k), "for" | "on") && n > k + 1) {
                let dated = (k..n).any(|i| when::parse_when(t, i, self.clk).is_some());
                if !dated {
                    return Some(make(k + 1, n, p));
                }
            }
        }
        // "priority low hoovering task": the level, then the task named.
        if matches!(v, "priority" | "prio")
            && n > 3
            && w(t, n - 1) == "task"
            && !matches!(w(t, 2), "for" | "on" | "of")
        {
            if let Some(p) = level_word(w(t, 1)) {
                return Some(make(2, n - 1, p));
            }
        }
        // "priority urgent for call the bank".
        if matches!(v, "priority" | "prio") && n > 3 && matches!(w(t, 2), "for" | "on") {
            if let Some(p) = level_exact(t, 1, 2) {
                return Some(make(3, n, p));
            }
        }
        if matches!(v, "prioritize" | "prioritise") && n > 1 {
            return Some(make(1, n, Priority::High));
        }
        // "put the invoice on high priority", "put the blog post at low prio".
        if v == "put" && n > 4 && matches!(w(t, n - 1), "priority" | "prio") {
            if let (Some(p), true) = (
                level_word(w(t, n - 2)),
                matches!(w(t, n - 3), "on" | "at" | "to"),
            ) {
                return Some(make(1, n - 3, p));
            }
        }
        // "give urgent priority to the electricity bill", "give the
        // electricity bill a high priority".
        if v == "give" && n > 4 {
            let k = if matches!(w(t, 1), "a" | "an") { 2 } else { 1 };
            if let (Some(p), true) = (
                level_word(w(t, k)),
                matches!(w(t, k + 1), "priority" | "prio") && w(t, k + 2) == "to",
            ) {
                return Some(make(k + 3, n, p));
            }
            if matches!(w(t, n - 1), "priority" | "prio") {
                let k = if matches!(w(t, n - 3), "a" | "an") {
                    n - 3
                } else {
                    n - 2
                };
                if let Some(p) = level_word(w(t, n - 2)) {
                    return Some(make(1, k, p));
                }
            }
        }
        if matches!(
            v,
            "deprioritize" | "deprioritise" | "de-prioritize" | "de-prioritise"
        ) && n > 1
        {
            return Some(make(1, n, Priority::Low));
        }
        // "set|change the priority of X to high"
        if matches!(v, "set" | "change" | "update") {
            let mut k = 1;
            if w(t, k) == "the" {
                k += 1;
            }
            if matches!(w(t, k), "priority" | "prio") && matches!(w(t, k + 1), "of" | "for" | "on")
            {
                let s = (k + 2..n).rev().find(|&j| matches!(w(t, j), "to" | "as"))?;
                let p = level_exact(t, s + 1, n)?;
                return Some(make(k + 2, s, p));
            }
            // "set X's priority to high", "change X priority to low"
            if let Some(s) = (2..n).find(|&j| matches!(w(t, j), "priority" | "prio")) {
                let mut c = s + 1;
                if matches!(w(t, c), "to" | "as" | ":") {
                    c += 1;
                }
                if let Some(p) = level_exact(t, c, n) {
                    return Some(make(1, s, p));
                }
            }
        }
        // "raise the priority of X (to urgent)", "lower X to low"
        let raise = matches!(
            v,
            "raise" | "increase" | "bump" | "escalate" | "upgrade" | "up"
        );
        let lower = matches!(v, "lower" | "decrease" | "reduce" | "downgrade");
        if raise || lower {
            let mut k = 1;
            if w(t, k) == "the" {
                k += 1;
            }
            if matches!(w(t, k), "priority" | "prio") && matches!(w(t, k + 1), "of" | "on" | "for")
            {
                k += 2;
            } else {
                k = 1;
            }
            // "raise it to urgent, the client is waiting": up to the clause's end.
            let n = (k..n)
                .find(|&j| matches!(w(t, j), "," | ";" | "?"))
                .unwrap_or(n);
            if let Some(s) = (k + 1..n).rev().find(|&j| w(t, j) == "to") {
                if let Some(p) = level_exact(t, s + 1, n) {
                    // "bump the passport renewal up to urgent".
                    let e = if s > k + 1 && matches!(w(t, s - 1), "up" | "down") {
                        s - 1
                    } else {
                        s
                    };
                    return Some(make(k, e, p));
                }
                // "upgrade node to v22 on the build agents": a task.
                if k == 1 {
                    return None;
                }
            }
            if k > 1 || v != "bump" {
                let end = if w(t, n - 1) == "priority" { n - 1 } else { n };
                return Some(make(
                    k,
                    end,
                    if raise { Priority::High } else { Priority::Low },
                ));
            }
            return None;
        }
        // "make the gutters task less important", "make X more urgent".
        if matches!(v, "make" | "mark" | "set") && n > 3 {
            if let Some(s) = (2..n - 1).find(|&j| {
                matches!(w(t, j), "less" | "more")
                    && matches!(w(t, j + 1), "important" | "urgent" | "pressing")
            }) {
                let p = if w(t, s) == "less" {
                    Priority::Low
                } else {
                    Priority::High
                };
                return Some(make(1, s, p));
            }
        }
        // "the spice rack task can wait", "that can wait till whenever".
        if let Some(k) = (1..n).find(|&j| seq(t, j, &["can", "wait"])) {
            let rest_ok = (k + 2..n).all(|j| {
                matches!(
                    w(t, j),
                    "till"
                        | "until"
                        | "whenever"
                        | "later"
                        | "for"
                        | "now"
                        | "a"
                        | "bit"
                        | "."
                        | "!"
                )
            });
            let a = clause_start(t, k, &[",", ";", "-", ":", "."]);
            if rest_ok && a < k && !matches!(w(t, a), "i" | "we" | "you" | "what" | "who") {
                return Some(make(a, k, Priority::Low));
            }
        }
        // "this one's asap now", "the report's urgent".
        if let Some(k) = (0..n.saturating_sub(1)).find(|&j| {
            let s = w(t, j);
            s.len() > 2
                && s.ends_with("'s")
                && !matches!(s, "it's" | "that's" | "what's" | "there's")
        }) {
            let mut e = n;
            while e > k + 1 && matches!(w(t, e - 1), "now" | "!" | "." | "then") {
                e -= 1;
            }
            if let Some(p) = level_exact(t, k + 1, e) {
                return Some(make(0, k + 1, p));
            }
            // "that one's not urgent anymore".
            if w(t, k + 1) == "not"
                && matches!(w(t, k + 2), "urgent" | "important")
                && (k + 3..e).all(|j| matches!(w(t, j), "anymore" | "any" | "more" | "now"))
            {
                return Some(make(0, k + 1, Priority::Low));
            }
        }
        // "make|mark|flag X (as) urgent"
        if matches!(v, "make" | "mark" | "flag" | "set") && n > 2 {
            for s in 2..n {
                let mut c = s;
                if matches!(w(t, c), "as" | "to") {
                    c += 1;
                }
                if let Some(p) = level_exact(t, c, n) {
                    // "mark the 2B essays w/ Sara wed !high": with a date
                    // it is a to-do (marking essays), not a priority.
                    if (1..s).any(|j| when::parse_when(t, j, self.clk).is_some()) {
                        return None;
                    }
                    // "make the 'snow chains' task medium": quotes mark
                    // the name; other punctuation ends the command.
                    if t[1..s].iter().any(|x| {
                        text::is_punct(&x.low)
                            && !matches!(x.low.as_str(), "\"" | "'" | "“" | "”" | "‘" | "’")
                    }) {
                        return None;
                    }
                    return Some(make(1, s, p));
                }
            }
        }
        // "my dentist task isn't urgent at all", "the passport task is not
        // important anymore": a level denied of a named task lowers it.
        if let Some(k) = (1..n).find(|&k| w(t, k) == "task") {
            let mut c = k + 1;
            let denied = match (w(t, c), w(t, c + 1)) {
                ("isn't" | "isnt", _) => {
                    c += 1;
                    true
                }
                ("is", "not") | ("is", "no") => {
                    c += 2;
                    if w(t, c) == "longer" {
                        c += 1;
                    }
                    true
                }
                _ => false,
            };
            let rest_ok = (c + 1..n).all(|j| {
                text::is_punct(w(t, j))
                    || matches!(
                        w(t, j),
                        "at" | "all" | "anymore" | "any" | "more" | "now" | "really"
                    )
            });
            if denied
                && rest_ok
                && matches!(w(t, c), "urgent" | "important")
                && !matches!(w(t, 0), "what" | "which" | "is" | "are")
            {
                let a = usize::from(matches!(w(t, 0), "my" | "the"));
                return Some(make(a, k, Priority::Low));
            }
        }
        // "X is urgent", "X should be high priority"
        if let Some(s) = (1..n).find(|&j| {
            matches!(
                w(t, j),
                "is" | "are" | "became" | "becomes" | "become" | "got"
            ) || matches!(w(t, j), "should" | "can" | "could" | "may" | "might")
                && w(t, j + 1) == "be"
        }) {
            let mut c = s + if w(t, s + 1) == "be" && w(t, s) != "is" {
                2
            } else {
                1
            };
            // "this became super urgent", "the report is now really important".
            while matches!(
                w(t, c),
                "now" | "super" | "very" | "really" | "pretty" | "extremely" | "quite"
            ) {
                c += 1;
            }
            if let Some(p) = level_exact(t, c, n) {
                if !matches!(w(t, 0), "what" | "what's" | "which" | "show" | "list") {
                    // "I've changed my mind, the slides are urgent".
                    let a = clause_start(t, s, &[",", ";", "-", ":"]);
                    // "pick up the medication, it is urgent": "it" is the
                    // clause before, a new to-do; the task reader takes it.
                    let before_said = t[..a].iter().any(|x| {
                        !text::is_punct(&x.low)
                            && !matches!(
                                x.low.as_str(),
                                "eh" | "meh"
                                    | "ok"
                                    | "okay"
                                    | "whenever"
                                    | "fine"
                                    | "well"
                                    | "hmm"
                                    | "so"
                                    | "actually"
                                    | "yeah"
                                    | "yes"
                                    | "no"
                                    | "nah"
                                    | "rush"
                                    | "lol"
                                    | "ugh"
                                    | "oh"
                                    | "oops"
                                    | "wait"
                                    | "hey"
                            )
                    });
                    if before_said && matches!(words_of(&t[a..s]).as_str(), "it" | "this" | "that")
                    {
                        return None;
                    }
                    // "this just became urgent": the adverb is not the name.
                    let mut b = s;
                    while b > a + 1
                        && matches!(
                            w(t, b - 1),
                            "just" | "suddenly" | "now" | "actually" | "officially" | "kinda"
                        )
                    {
                        b -= 1;
                    }
                    return Some(make(a, b, p));
                }
            }
        }
        None
    }

    /// "change X to Y": a priority, a date, or else a new title.
    fn change_to(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        if !matches!(w(t, 0), "change" | "update" | "switch") {
            return None;
        }
        // "change “Bins” into “Bins + glass recycling”" too.
        let s = split_outside_quotes(t, 1, &["to"])
            .or_else(|| split_outside_quotes(t, 1, &["into"]))?;
        // "change it to low priority please, it can wait": up to the clause's end.
        let n = (s..n)
            .find(|&j| matches!(w(t, j), "," | ";" | "?"))
            .unwrap_or(n);
        if s + 1 >= n {
            return None;
        }
        if let Some(p) = level_exact(t, s + 1, n) {
            return Some(match self.target(t, 1, s, &[]) {
                Ok(target) => Intent::SetPriority {
                    target,
                    priority: p,
                }
                .into(),
                Err(o) => *o,
            });
        }
        if let Some((e, wn)) = when::parse_when(t, s + 1, self.clk) {
            if e == n {
                return Some(self.reschedule_to(t, 1, s, &wn));
            }
        }
        let new_title = quoted_or_text(t, s + 1, n);
        Some(match self.target(t, 1, s, &[]) {
            Ok(target) => Intent::RenameTask {
                target,
                new_title: text::capitalize(&new_title),
            }
            .into(),
            Err(o) => *o,
        })
    }

    // ------------------------------------------------------ complete etc.

    fn reopen(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let make = |a: usize, b: usize| -> Out {
            match self.target(t, a, b, &[]) {
                Ok(target) => Intent::ReopenTask { target }.into(),
                Err(o) => *o,
            }
        };
        let v = w(t, 0);
        if matches!(
            v,
            "reopen"
                | "re-open"
                | "uncheck"
                | "un-check"
                | "untick"
                | "un-tick"
                | "uncomplete"
                | "un-complete"
                | "unmark"
                | "unfinish"
                | "reactivate"
        ) {
            // "reactivate the repeating for the newsletter task": the series.
            if v == "reactivate"
                && any_word(
                    t,
                    &[
                        "repeating",
                        "repeat",
                        "repeats",
                        "series",
                        "repetition",
                        "recurrence",
                        "recurring",
                    ],
                )
            {
                return None;
            }
            let mut b = n;
            if w(t, b - 1) == "done" && matches!(w(t, b - 2), "as") {
                b -= 2;
            }
            return Some(make(1, b));
        }
        // "restore it (to open)", "restore the passport task".
        if v == "restore" && n > 1 && !self.has_task_details(&t[1..], false) {
            let b = (2..n)
                .find(|&j| seq(t, j, &["to", "open"]) || seq(t, j, &["to", "my"]))
                .unwrap_or(n);
            return Some(make(1, b));
        }
        // "put it back on my list": the task of the previous turn, undone.
        if v == "put"
            && matches!(w(t, 1), "it" | "that" | "this")
            && w(t, 2) == "back"
            && (n == 3
                || matches!(w(t, 3), "on" | "in" | "onto")
                    && any_word(&t[4..], &["list", "todo", "to-do", "todos", "tasks"]))
        {
            return Some(make(1, 2));
        }
        // "move book flights back to my open tasks".
        if matches!(v, "move" | "put") {
            if let Some(k) = (2..n).find(|&j| {
                seq(t, j, &["back", "to", "my", "open"]) || seq(t, j, &["back", "to", "open"])
            }) {
                return Some(make(1, k));
            }
        }
        // "I didn't mean to check that off".
        for lead in [
            &["i", "didn't", "mean", "to"][..],
            &["i", "did", "not", "mean", "to"],
            &["didn't", "mean", "to"],
        ] {
            if seq(t, 0, lead) {
                let k = lead.len();
                if matches!(
                    w(t, k),
                    "check" | "tick" | "complete" | "close" | "finish" | "mark" | "cross"
                ) {
                    let mut b = n;
                    while b > k + 1 && matches!(w(t, b - 1), "off" | "done" | "as" | "complete") {
                        b -= 1;
                    }
                    return Some(make(k + 1, b));
                }
            }
        }
        // "Please open again the task 'Fenster putzen'".
        if v == "open" && w(t, 1) == "again" && n > 2 {
            return Some(make(2, n));
        }
        // "make the karaoke task active again".
        if v == "make"
            && n > 3
            && w(t, n - 1) == "again"
            && matches!(w(t, n - 2), "active" | "open" | "undone")
        {
            return Some(make(1, n - 2));
        }
        // "Please open this task again, it is not ready", "open it back up".
        if v == "open" {
            if let Some(k) = (2..n).find(|&k| {
                w(t, k) == "again" || w(t, k) == "back" && matches!(w(t, k + 1), "up" | "")
            }) {
                return Some(make(1, k));
            }
        }
        // "take the tick off it", "remove the checkmark from the essay".
        if matches!(v, "take" | "remove" | "clear")
            && w(t, 1) == "the"
            && matches!(
                w(t, 2),
                "tick" | "check" | "checkmark" | "check-mark" | "tickmark"
            )
            && matches!(w(t, 3), "off" | "from")
            && n > 4
        {
            let b = if matches!(w(t, n - 1), "pls" | "please" | "plz") {
                n - 1
            } else {
                n
            };
            return Some(make(4, b.max(5)));
        }
        if v == "undo" {
            let mut k = 1;
            if matches!(
                w(t, k),
                "complete" | "completing" | "completion" | "finishing"
            ) {
                k += 1;
            }
            if matches!(w(t, k), "of" | "on" | "for") {
                k += 1;
            }
            return Some(make(k, n));
        }
        const NOT_DONE: &[&[&str]] = &[
            &["not", "done"],
            &["not", "complete"],
            &["not", "completed"],
            &["not", "finished"],
            &["undone"],
            &["incomplete"],
            &["uncompleted"],
            &["unfinished"],
            &["open"],
            &["to", "do"],
            &["todo"],
            &["pending"],
            &["active"],
            &["not", "done", "yet"],
        ];
        if v == "mark" || v == "set" {
            let n = if w(t, n - 1) == "again" { n - 1 } else { n };
            for s in 2..n {
                let c = if w(t, s) == "as" { s + 1 } else { s };
                if NOT_DONE.iter().any(|p| c + p.len() == n && seq(t, c, p)) {
                    return Some(make(1, s));
                }
            }
        }
        // "X isn't done", "X is not done yet", "I didn't finish X".
        for s in 1..n {
            let neg = match w(t, s) {
                "isn't" | "wasn't" | "aren't" => Some(s + 1),
                "is" | "was" | "are" if w(t, s + 1) == "not" => Some(s + 2),
                _ => None,
            };
            if let Some(c) = neg {
                let mut e = n;
                if matches!(w(t, e - 1), "yet") {
                    e -= 1;
                }
                if seq(t, e - 2, &["after", "all"]) {
                    e -= 2;
                }
                let mut c = c;
                while matches!(w(t, c), "actually" | "really" | "quite" | "yet" | "totally") {
                    c += 1;
                }
                // "the spice rack isn't finished after all, put it back on
                // my list": the clause may end in a request to undo it.
                let undo_request = |from: usize| {
                    (from < e && text::is_punct(w(t, from)))
                        && t[from..e].iter().any(|x| {
                            matches!(
                                x.low.as_str(),
                                "reopen"
                                    | "re-open"
                                    | "back"
                                    | "undo"
                                    | "again"
                                    | "uncheck"
                                    | "untick"
                                    | "restore"
                            )
                        })
                };
                let mut d = c + 1;
                if seq(t, d, &["after", "all"]) {
                    d += 2;
                }
                if (c + 1 == e || undo_request(d))
                    && matches!(
                        w(t, c),
                        "done" | "finished" | "finish" | "complete" | "completed"
                    )
                {
                    // "I marked it as done but it is not done": the subject
                    // of the last clause.
                    let a = (0..s)
                        .rev()
                        .find(|&i| text::is_punct(w(t, i)) || matches!(w(t, i), "but" | "and"))
                        .map_or(0, |i| i + 1);
                    return Some(make(a, s));
                }
            }
        }
        if w(t, 0) == "i" && matches!(w(t, 1), "didn't" | "haven't" | "hadn't")
            || seq(t, 0, &["i", "did", "not"])
            || seq(t, 0, &["i", "have", "not"])
        {
            let k = if w(t, 1) == "did" || w(t, 1) == "have" {
                3
            } else {
                2
            };
            if matches!(
                w(t, k),
                "finish" | "complete" | "do" | "finished" | "completed" | "done"
            ) {
                let mut e = n;
                if w(t, e - 1) == "yet" || w(t, e - 1) == "after" {
                    e -= 1;
                }
                return Some(make(k + 1, e));
            }
        }
        if w(t, 0) == "put" && w(t, n - 1) == "back" && n > 2 {
            return Some(make(1, n - 1));
        }
        // "oops tapped done on the VAT return by accident, reopen pls",
        // "I accidentally ticked off the laundry": a completion undone.
        if let Some(m) = (0..n).find(|&i| {
            matches!(w(t, i), "accidentally" | "mistakenly")
                || seq_any(&t[i..], &[&["by", "accident"], &["by", "mistake"]])
        }) {
            let verb = (0..n).find(|&i| {
                matches!(
                    w(t, i),
                    "tapped"
                        | "clicked"
                        | "hit"
                        | "pressed"
                        | "ticked"
                        | "checked"
                        | "marked"
                        | "completed"
                        | "closed"
                        | "finished"
                )
            });
            if let Some(v) = verb {
                let mut a = v + 1;
                while matches!(
                    w(t, a),
                    "done" | "off" | "on" | "as" | "complete" | "the" | "my"
                ) {
                    a += 1;
                }
                let mut b = if m > a { m } else { n };
                let stop = (a..b).find(|&i| text::is_punct(w(t, i)) || w(t, i) == "by");
                if let Some(s) = stop {
                    b = s;
                }
                while b > a && matches!(w(t, b - 1), "off" | "as" | "done" | "complete") {
                    b -= 1;
                }
                return Some(make(a, b));
            }
        }
        // "bring back the laundry task, not actually done": a request and
        // the reason, in either order.
        if let Some(k) = (1..n).find(|&i| {
            text::is_punct(w(t, i - 1)) && w(t, i) == "not" && {
                let mut c = i + 1;
                while matches!(w(t, c), "actually" | "really" | "quite" | "yet") {
                    c += 1;
                }
                matches!(w(t, c), "done" | "finished" | "complete" | "completed")
            }
        }) {
            let mut a = 0;
            if seq_any(t, &[&["bring", "back"], &["put", "back"], &["get", "back"]]) {
                a = 2;
            } else if matches!(w(t, 0), "reopen" | "restore" | "re-open") {
                a = 1;
            }
            if a > 0 {
                return Some(make(a, k - 1));
            }
        }
        // "put X back on my open list", "set 'X' back to open".
        if matches!(w(t, 0), "put" | "set" | "move" | "mark") {
            if let Some(k) = (2..n).find(|&k| w(t, k) == "back") {
                let rest = words_of(&t[k + 1..]);
                if rest.starts_with("on my")
                    || rest.starts_with("on the list")
                    || rest.starts_with("to open")
                    || rest.starts_with("to to-do")
                    || rest.starts_with("to todo")
                    || rest.starts_with("to not done")
                {
                    return Some(make(1, k));
                }
            }
        }
        None
    }

    fn complete(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        // "anything called 'rent' that's done already?": a question about
        // the list.
        if matches!(w(t, 0), "anything" | "any" | "which" | "what") && !any_word(t, &["it", "mark"])
        {
            return None;
        }
        // "Finished tasks mentioning 'passport'?": which ones, a list.
        if matches!(w(t, 0), "finished" | "completed" | "done")
            && matches!(w(t, 1), "tasks" | "ones" | "to-dos" | "todos" | "items")
        {
            return None;
        }
        // "did that this morning actually, check it off", "✔ got it done
        // this morning": done, said of the task under discussion.
        let pronoun_done = seq_any(
            t,
            &[
                &["check", "it", "off"],
                &["tick", "it", "off"],
                &["cross", "it", "off"],
                &["mark", "it", "done"],
                &["mark", "it", "as", "done"],
                &["got", "it", "done"],
                &["you", "can", "close", "it"],
                &["tick", "it"],
                &["made", "it", "already"],
                &["that's", "out", "of", "the", "way"],
                &["knocked", "that", "out"],
                &["knocked", "it", "out"],
                &["that", "one's", "handled"],
                &["that's", "handled"],
                &["it's", "handled"],
                &["through", "with", "this"],
                &["through", "with", "it"],
                &["through", "with", "that"],
                &["finished", "with", "it"],
                &["done", "with", "it"],
                &["finished", "with", "that"],
                &["done", "with", "that"],
                &["finished", "with", "this"],
                &["done", "with", "this"],
            ],
        );
        if pronoun_done
            && self.ctx.last_task.is_some()
            && !any_word(t, &["task", "todo", "to-do", "\"", "“", "'"])
        {
            return Some(match self.last_task() {
                Ok(target) => Intent::CompleteTask { target }.into(),
                Err(o) => *o,
            });
        }
        // "show tasks tagged finance that are done", "everything incl.
        // finished ones": questions about the list.
        if matches!(
            w(t, 0),
            "show" | "list" | "which" | "what" | "everything" | "any"
        ) || w(t, 0) == "all" && matches!(w(t, 1), "tasks" | "my" | "the")
            || t.iter()
                .any(|x| matches!(x.low.as_str(), "including" | "included" | "incl" | "tagged"))
        {
            return None;
        }
        // "completed #garden tasks", "full list, completed ones too": which
        // tasks to see.
        if any_word(t, &["ones", "tasks", "todos", "stuff", "things", "items"])
            && !any_word(t, &["mark", "as", "all", "both", "these", "those"])
            && w(t, 1) != "the"
            && matches!(
                w(t, 0),
                "completed" | "finished" | "done" | "full" | "whole"
            )
        {
            return None;
        }
        let make = |a: usize, b: usize| -> Out {
            match self.target(t, a, b, &[]) {
                Ok(target) => Intent::CompleteTask { target }.into(),
                Err(o) => *o,
            }
        };
        let v = w(t, 0);
        // "Send the holiday cards: taken care of", "bday gift task ✔ thx".
        if let Some(c) = (1..n).find(|&c| w(t, c) == ":") {
            let rest = words_of(&t[c + 1..]);
            if matches!(
                rest.as_str(),
                "taken care of"
                    | "handled"
                    | "done"
                    | "sorted"
                    | "finished"
                    | "complete"
                    | "completed"
            ) {
                return Some(make(0, c));
            }
        }
        if let Some(k) = (1..n).find(|&k| w(t, k) == "task") {
            let after = words_of(&t[k + 1..]);
            if w(t, k + 1) == "✅"
                && after
                    .split(' ')
                    .all(|x| matches!(x, "✅" | "thx" | "thanks" | "pls" | "please" | ""))
            {
                return Some(make(0, k));
            }
        }
        // "just did the recycling task", "did the gutters task": done.
        let d = usize::from(matches!(v, "just" | "finally" | "already" | "🥳"));
        // ("… task just now", "… task this morning": when, not what.)
        let mut end = n;
        loop {
            if end >= 2 && seq(t, end - 2, &["this", "morning"]) {
                end -= 2;
            } else if end > 0
                && matches!(
                    w(t, end - 1),
                    "now" | "just" | "yesterday" | "today" | "earlier"
                )
            {
                end -= 1;
            } else {
                break;
            }
        }
        if (matches!(w(t, d), "wrapped" | "got") && w(t, d + 1) == "up"
            || seq(t, d, &["got", "through"]))
            && w(t, d + 2) == "the"
            && end > d + 4
            && w(t, end - 1) == "task"
        {
            return Some(make(d + 3, end - 1));
        }
        if matches!(w(t, d), "did" | "finished" | "completed")
            && w(t, d + 1) == "the"
            && n > d + 3
            && w(t, n - 1) == "task"
        {
            return Some(make(d + 2, n - 1));
        }
        // "done: buy milk", "crossed off - X", "mark as done: X".
        let said = words_of(t);
        let said = said
            .trim_end_matches(['!', '.', ' '])
            .trim_start_matches("yay ")
            .trim_start_matches("yes ")
            .trim_start_matches("ok ")
            .trim_start_matches("i ")
            .trim_start_matches("i've ");
        if matches!(
            said,
            "just did it"
                | "did it"
                | "done it"
                | "just finished it"
                | "finished it"
                | "just done"
                | "done and dusted"
                | "all finished"
                | "that's it done"
        ) {
            return Some(match self.last_task() {
                Ok(target) => Intent::CompleteTask { target }.into(),
                Err(o) => *o,
            });
        }
        // "that one's done too", "the report's finished".
        if let Some(k) = (0..n.min(5)).find(|&k| {
            w(t, k).len() > 2
                && w(t, k).ends_with("'s")
                && matches!(w(t, k + 1), "done" | "finished" | "complete" | "completed")
                && (k + 2..n).all(|j| matches!(w(t, j), "too" | "now" | "!" | "." | "as" | "well"))
        }) {
            return Some(make(0, k + 1));
        }
        if seq(t, 0, &["all", "done", "with"]) && n > 3 {
            return Some(make(3, n));
        }
        // "set groceries to done", "set X as complete".
        if w(t, 0) == "set" && n > 3 {
            if let Some(s) = (2..n).find(|&j| matches!(w(t, j), "to" | "as")) {
                if s + 2 == n
                    && matches!(w(t, s + 1), "done" | "complete" | "completed" | "finished")
                {
                    return Some(make(1, s));
                }
            }
        }
        // "You can close Book flu shot for Dad, we did it yesterday".
        if seq_any(
            t,
            &[&["you", "can"], &["you", "may"], &["feel", "free", "to"]],
        ) && matches!(
            w(t, if w(t, 0) == "feel" { 3 } else { 2 }),
            "close" | "complete" | "tick" | "check" | "finish"
        ) && matches!(w(t, 0), "you" | "feel")
        {
            let k = if w(t, 0) == "feel" { 3 } else { 2 };
            let b = (k + 1..n)
                .find(|&j| matches!(w(t, j), "," | ";" | "-" | "."))
                .unwrap_or(n);
            let b = if w(t, b - 1) == "off" { b - 1 } else { b };
            return Some(make(k + 1, b));
        }
        // "bday cards task ✅": marked at the end.
        if w(t, n - 1) == "✅" && n > 1 && !any_word(&t[..n - 1], &["✅"]) {
            return Some(make(0, n - 1));
        }
        if w(t, 0) == "✅" && n > 1 {
            return Some(make(1, n));
        }
        for lead in [
            &["done"][..],
            &["finished"],
            &["completed"],
            &["complete"],
            &["crossed", "off"],
            &["ticked", "off"],
            &["checked", "off"],
            &["mark", "as", "done"],
            &["mark", "done"],
            &["marked", "as", "done"],
        ] {
            let k = lead.len();
            if seq(t, 0, lead) && matches!(w(t, k), ":" | "-" | "–") && n > k + 1 {
                return Some(make(k + 1, n));
            }
        }
        // "finished", "all done", "done!" on their own: the task just talked about.
        let whole = words_of(t);
        if matches!(
            whole.as_str(),
            "done"
                | "finished"
                | "completed"
                | "all done"
                | "done already"
                | "finished it"
                | "did it"
        ) {
            return Some(match self.last_task() {
                Ok(target) => Intent::CompleteTask { target }.into(),
                Err(o) => *o,
            });
        }
        if seq(t, 0, &["mark", "as", "done"]) && n == 3 || seq(t, 0, &["mark", "done"]) && n == 2 {
            return Some(match self.last_task() {
                Ok(target) => Intent::CompleteTask { target }.into(),
                Err(o) => *o,
            });
        }
        // "put it as done", "set it to done".
        if matches!(v, "put" | "set")
            && n >= 4
            && matches!(w(t, n - 2), "as" | "to")
            && matches!(w(t, n - 1), "done" | "complete" | "completed" | "finished")
        {
            return Some(make(1, n - 2));
        }
        if matches!(v, "check" | "tick" | "cross" | "mark" | "strike" | "knock") && w(t, 1) == "off"
        {
            return Some(make(2, n));
        }
        // "knock the laundry task off, it's done": the clause ends at "off".
        if matches!(v, "check" | "tick" | "cross" | "strike" | "knock") {
            if let Some(k) =
                (2..n).find(|&k| w(t, k) == "off" && (k + 1 == n || text::is_punct(w(t, k + 1))))
            {
                return Some(make(1, k));
            }
        }
        // "strike the dishes task off my list".
        if matches!(v, "check" | "tick" | "cross" | "strike") && n > 3 {
            for tail in [
                &["off", "my", "list"][..],
                &["off", "the", "list"],
                &["off"],
            ] {
                if seq(t, n - tail.len(), tail) && n > tail.len() + 1 {
                    return Some(make(1, n - tail.len()));
                }
            }
        }
        if matches!(v, "check" | "tick" | "cross") && w(t, n - 1) == "off" && n > 2 {
            return Some(make(1, n - 1));
        }
        if matches!(v, "completed" | "finished")
            && n > 1
            && !matches!(w(t, 1), "tasks" | "todos" | "items")
        {
            return Some(make(1, n));
        }
        if matches!(v, "complete" | "finish") && n > 1 {
            // With a date or priority it is a new task: "finish the report by Friday".
            if self.has_task_details(&t[1..], true) {
                return None;
            }
            return Some(make(1, n));
        }
        if v == "done" && w(t, 1) == "with" && n > 2 {
            return Some(make(2, n));
        }
        // "finish" too, as learners say it: "the task 'buy bread' is finish".
        const DONE: &[&str] = &["done", "complete", "completed", "finished", "finish"];
        if v == "mark" {
            let mut e = n;
            if DONE.contains(&w(t, e - 1)) {
                e -= 1;
                if w(t, e - 1) == "as" {
                    e -= 1;
                }
                if e > 1 {
                    return Some(make(1, e));
                }
            }
        }
        // "I finished X", "I've done X", "I'm done with X".
        if w(t, 0) == "i" || w(t, 0) == "i've" || w(t, 0) == "i'm" {
            let mut k = 1;
            while matches!(
                w(t, k),
                "have" | "just" | "already" | "am" | "'ve" | "finally"
            ) {
                k += 1;
            }
            if matches!(w(t, k), "finished" | "completed" | "did" | "done") {
                k += 1;
                if w(t, k) == "with" {
                    k += 1;
                }
                if k < n {
                    return Some(make(k, n));
                }
            }
        }
        // "the call mom back task can be closed, we talked".
        if let Some(s) = (1..n).find(|&s| {
            [
                &["can", "be", "closed"][..],
                &["can", "be", "ticked", "off"],
                &["can", "be", "marked", "done"],
                &["can", "be", "marked", "as", "done"],
            ]
            .iter()
            .any(|p| seq(t, s, p))
        }) {
            let clause = clause_start(t, s, &[",", ";", "-", ".", "so"]);
            return Some(make(clause, s));
        }
        // "X is done", "the report's done", "X: done".
        let mut e = n;
        if matches!(w(t, e - 1), "now" | "already") {
            e -= 1;
        }
        if e >= 2 && DONE.contains(&w(t, e - 1)) {
            let s = e - 1;
            if s >= 2 && matches!(w(t, s - 1), "is" | "are" | "was" | ":" | "-") {
                // "Went to the dentist, the dentist task is finished": the
                // clause that names a task, when an earlier one says why.
                let clause = clause_start(t, s - 1, &[",", ";", "so", "and", "!", "."]);
                // "listo! this one is done": a pronoun in the last clause.
                let named = &t[clause..s - 1];
                if clause > 0
                    && (any_word(named, &["task", "todo", "to-do"])
                        || PRONOUNS.contains(&words_of(named).as_str()))
                {
                    return Some(make(clause, s - 1));
                }
                return Some(make(0, s - 1));
            }
            if s >= 1 && t[s - 1].low.ends_with("'s") && t[s - 1].low.len() > 2 {
                // "I called them already, so it's done".
                if matches!(w(t, s - 1), "it's" | "that's")
                    && (0..s - 1).any(|j| matches!(w(t, j), "," | "so" | "." | "!"))
                {
                    return Some(match self.last_task() {
                        Ok(target) => Intent::CompleteTask { target }.into(),
                        Err(o) => *o,
                    });
                }
                return Some(make(0, s));
            }
            if s >= 2 && matches!(w(t, s - 1), "all") && matches!(w(t, s - 2), "is" | "are") {
                return Some(make(0, s - 2));
            }
        }
        // "dentist done": a short name and "done".
        if (2..=5).contains(&n)
            && matches!(w(t, n - 1), "done" | "finished" | "completed")
            && !t[..n - 1].iter().any(|x| {
                matches!(
                    x.low.as_str(),
                    "get"
                        | "have"
                        | "has"
                        | "make"
                        | "not"
                        | "almost"
                        | "all"
                        | "i"
                        | "i'm"
                        | "we"
                        | "is"
                        | "are"
                        | "was"
                        | "as"
                        | "mark"
                        | "it"
                        | "that"
                        | "this"
                        | "what"
                        | "including"
                        | "show"
                        | "list"
                        | "tasks"
                        | "be"
                        | "been"
                        | "getting"
                )
            })
            && !t[..n - 1].iter().any(|x| text::is_punct(&x.low))
            && !self.has_task_details(&t[..n - 1], true)
        {
            return Some(make(0, n - 1));
        }
        None
    }

    fn delete(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        // "drop off the key": a to-do.
        if w(t, 0) == "drop" && matches!(w(t, 1), "off" | "by") {
            return None;
        }
        // "drop its priority": a change of priority.
        if any_word(t, &["priority", "prio"]) {
            return None;
        }
        // "bin day fortnightly on tue": "bin" deletes only what it points at.
        if w(t, 0) == "bin" && !matches!(w(t, 1), "the" | "that" | "this" | "it" | "my") {
            return None;
        }
        // "the 'renew gym membership' task can go", "the boiler service task
        // is not needed anymore".
        if let Some(k) = (1..n).find(|&k| w(t, k) == "task") {
            let clause_end = (k + 1..n).find(|&i| text::is_punct(w(t, i))).unwrap_or(n);
            let said = words_of(&t[k + 1..clause_end]);
            let gone = [
                "can go",
                "can be deleted",
                "can be removed",
                "is not needed",
                "isn't needed",
                "is not more needed",
                "is no longer needed",
                "is not needed anymore",
                "isn't needed anymore",
            ]
            .contains(&said.as_str());
            if gone && !matches!(w(t, 0), "what" | "which" | "is") {
                // The name starts after the first "the" or "my" of its clause.
                let quoted = quoted_tokens(t);
                let clause = (0..k)
                    .rev()
                    .find(|&i| {
                        text::is_punct(w(t, i))
                            && !quoted[i]
                            && !matches!(w(t, i), "\"" | "“" | "”" | "'")
                    })
                    .map_or(0, |i| i + 1);
                let a = (clause..k)
                    .find(|&i| matches!(w(t, i), "the" | "my"))
                    .map_or(clause, |i| i + 1);
                return Some(match self.target(t, a, k, &[]) {
                    Ok(target) => Intent::DeleteTask { target }.into(),
                    Err(o) => *o,
                });
            }
        }
        let k = match w(t, 0) {
            "delete" | "del" | "remove" | "trash" | "erase" | "discard" | "drop" | "scrap"
            | "bin" | "eliminate" | "cancel" | "kill" | "nuke" | "axe" | "zap" => 1,
            // "toss the passport photos task", "ditch the X task".
            "toss" | "ditch" | "chuck"
                if any_word(t, &["task", "todo", "it", "that", "this", "\"", "“", "'"]) =>
            {
                1
            }
            "get" if seq(t, 1, &["rid", "of"]) => 3,
            "throw" if matches!(w(t, 1), "away" | "out") => 2,
            // "take away the 'Sort the old photos' task" ("take away the
            // trash" is a chore).
            "take"
                if w(t, 1) == "away"
                    && any_word(t, &["task", "todo", "to-do", "\"", "“", "'", "‘"]) =>
            {
                2
            }
            _ => return None,
        };
        // "trash day every thurs night at 9": a delete does not repeat.
        // "drop the car at the garage monday at 8 am": dropping something
        // somewhere at a time is an errand. Checked only once a delete verb
        // opens the message: most messages pass through here.
        let repeats = (1..n).any(|i| recur::parse_recurrence(t, i).is_some());
        let timed = || {
            (1..n)
                .any(|i| when::parse_when(t, i, self.clk).is_some_and(|(_, wn)| wn.time.is_some()))
        };
        if repeats || w(t, 0) == "drop" && timed() {
            return None;
        }
        // "scrap the old car at the junkyard next week", "kill the weeds in
        // the driveway sat": a delete takes no date, so words ending in one
        // are a to-do, unless they name a task as such ("delete the gym
        // task tomorrow").
        let date_at = (k + 1..n).find(|&i| {
            when::parse_when(t, i, self.clk).is_some_and(|(e, _)| {
                e == n
                    || (e..n)
                        .all(|j| text::is_punct(w(t, j)) || matches!(w(t, j), "please" | "pls"))
            })
        });
        // "delete dentist friday" still deletes: one bare name after a verb
        // that only ever means removing an entry.
        let named_words = date_at.map_or(0, |d| {
            (k..d)
                .filter(|&i| !matches!(w(t, i), "the" | "my" | "a" | "an" | "on" | "by"))
                .count()
        });
        let dated = date_at.is_some()
            && (named_words > 1
                || !matches!(w(t, 0), "delete" | "del" | "remove" | "erase" | "trash"));
        // A quoted name names a task when the quotes hold the name itself
        // ("delete 'Gym' friday"), not a word inside a longer phrase
        // ("cancel the 'Premium' tier of the cloud storage by the 12th").
        let quoted = quoted_tokens(t);
        let quote_names = (k..n).rev().find(|&i| quoted[i]).is_some_and(|last| {
            let after = last + 2;
            after >= n
                || text::is_punct(w(t, after))
                || matches!(w(t, after), "task" | "todo" | "from" | "off")
                || date_at.is_some_and(|d| after >= d)
        });
        let names_task = quote_names
            || t[k..].iter().any(|x| {
                matches!(
                    x.low.as_str(),
                    "task" | "tasks" | "todo" | "to-do" | "item" | "reminder" | "list" | "entry"
                )
            });
        if dated && !names_task {
            return None;
        }
        if k >= n {
            return Some(match self.last_task() {
                Ok(target) => Intent::DeleteTask { target }.into(),
                Err(_) => unknown("Which task should I delete? E.g. “delete the report task”."),
            });
        }
        Some(match self.target(t, k, n, &[]) {
            Ok(target) => Intent::DeleteTask { target }.into(),
            Err(o) => *o,
        })
    }

    /// Whether words carry a due date, recurrence, priority or tag.
    /// "finish chapter 3 of the thesis", "cancel the hulu trial before the
    /// 2nd": a command verb opening a new to-do. It names no existing task
    /// (no pronoun, no "task", no quotes, no "as done"/"from my list") and
    /// reads as a to-do: it has a date, priority or tag, or more than a
    /// bare name (a preposition or a number).
    fn command_verb_todo(&self, t: &[Tok]) -> bool {
        if !matches!(
            w(t, 0),
            "finish" | "complete" | "cancel" | "delete" | "remove" | "close" | "reopen" | "drop"
        ) || t.len() < 2
        {
            return false;
        }
        if matches!(w(t, 1), "it" | "that" | "this" | "them" | "those" | "these") {
            return false;
        }
        // "the 'tomorrow' folder", "the reminder sticky notes": a quoted
        // word or "reminder" before a noun describes a thing; it does not
        // name a task.
        let noun_at = |j: usize| {
            let next = w(t, j);
            !next.is_empty()
                && next.chars().all(|c| c.is_alphabetic())
                && !matches!(
                    next,
                    "task"
                        | "from"
                        | "off"
                        | "as"
                        | "for"
                        | "about"
                        | "on"
                        | "to"
                        | "and"
                        | "pls"
                        | "please"
                        | "now"
                        | "too"
                        | "again"
                        | "today"
                        | "tomorrow"
                        | "is"
                        | "was"
                )
        };
        let is_quote = |s: &str| matches!(s, "'" | "\"" | "“" | "”" | "‘" | "’");
        // Quotes whose closing one is followed by a noun.
        let quotes_describe = (0..t.len()).any(|i| {
            matches!(w(t, i), "'" | "\"" | "“" | "‘")
                && (i + 1..t.len())
                    .find(|&k| is_quote(w(t, k)))
                    .is_some_and(|c| noun_at(c + 1))
        });
        let names_task = (0..t.len()).any(|i| {
            let x = &t[i];
            if x.low == "reminder" && noun_at(i + 1) || quotes_describe && is_quote(&x.low) {
                return false;
            }
            matches!(
                x.low.as_str(),
                "task"
                    | "tasks"
                    | "todo"
                    | "to-do"
                    | "item"
                    | "list"
                    | "as"
                    | "done"
                    | "off"
                    | "\""
                    | "“"
                    | "'"
                    | "‘"
                    | "reminder"
                    | "series"
                    | "recurrence"
                    | "repeat"
                    | "repeats"
                    | "recurring"
            )
        });
        if names_task {
            return false;
        }
        let rest = &t[1..];
        let more = rest.iter().any(|x| {
            matches!(
                x.low.as_str(),
                "of" | "with"
                    | "from"
                    | "for"
                    | "in"
                    | "at"
                    | "on"
                    | "to"
                    | "before"
                    | "by"
                    | "that"
                    | "which"
                    | "who"
            ) || x.low.bytes().any(|b| b.is_ascii_digit())
        });
        // A task acted on is named as one ("the dentist task", "it", quoted):
        // "delete old tweets", "cancel the gym membership" are to-dos.
        // "reopen card for Ben" reopens a task; with a date it is a to-do
        // ("reopen claim 5521 w/ insurer mon").
        let _ = more;
        w(t, 0) != "reopen" || self.has_task_details(rest, true)
    }

    fn has_task_details(&self, t: &[Tok], recurrence: bool) -> bool {
        (0..t.len()).any(|i| {
            when::parse_when(t, i, self.clk).is_some()
                || (recurrence && recur::parse_recurrence(t, i).is_some())
                || priority_phrase(t, i).is_some()
                || t[i].low.starts_with('#')
        })
    }

    // ------------------------------------------------------------ list

    fn list(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let v = w(t, 0);
        // "…, can you add that? it's important": a request to add.
        if anywhere::asks_to_add(t) {
            return None;
        }
        // Chores that use a list verb: "find a babysitter for the 12th",
        // "list the old bike on ebay this weekend", "show Grandpa how to
        // use his new phone".
        if v == "find" && matches!(w(t, 1), "a" | "an" | "someone" | "somebody" | "out")
            || v == "list"
                && any_word(
                    t,
                    &["ebay", "kleinanzeigen", "vinted", "craigslist", "sale"],
                )
            || v == "show" && (1..n).any(|i| seq(t, i, &["how", "to"]))
        {
            return None;
        }
        // "open the café at 6:30am monday to friday": a repeating chore.
        if (0..n).any(|i| recur::parse_recurrence(t, i).is_some())
            && !any_word(
                t,
                &["task", "tasks", "todos", "repeating", "recurring", "?"],
            )
        {
            return None;
        }
        // "show the flat to the new tenants sat 11am", "list all the stuff
        // to pack by friday": something shown to someone, or a deadline
        // with no word of tasks, is a chore.
        let of_tasks = any_word(
            &t[1..],
            &[
                "task",
                "tasks",
                "todo",
                "todos",
                "to-do",
                "to-dos",
                "due",
                "overdue",
                "late",
                "done",
                "completed",
                "finished",
                "open",
                "pending",
                "list",
            ],
        );
        // "look for a flat in Köln next week": searching, with a date, is a
        // chore.
        if matches!(v, "look" | "find" | "search")
            && !of_tasks
            && (1..n).any(|i| when::parse_when(t, i, self.clk).is_some())
        {
            return None;
        }
        if v == "show" && !matches!(w(t, 1), "me" | "my" | "us" | "all" | "everything") && {
            (2..n).any(|i| w(t, i) == "to" && matches!(w(t, i + 1), "the" | "my" | "our" | "a"))
        } || matches!(v, "list" | "show")
            && !of_tasks
            && (1..n).any(|i| {
                w(t, i) == "by" && when::parse_when(t, i + 1, self.clk).is_some()
                    || when::parse_when(t, i, self.clk).is_some_and(|(e, _)| {
                        (i..e).any(|j| w(t, j).ends_with("am") || w(t, j).ends_with("pm"))
                    })
            })
        {
            return None;
        }
        // "give me a reminder before the … task": not a question.
        if t.iter().any(|x| {
            matches!(
                x.low.as_str(),
                "remind"
                    | "reminder"
                    | "remember"
                    | "heads-up"
                    | "nudge"
                    | "snooze"
                    | "ping"
                    | "warn"
                    | "more"
            )
        }) {
            return None;
        }
        if seq(t, 0, &["how", "are", "you"])
            || t.iter().any(|x| {
                matches!(
                    x.low.as_str(),
                    "limit" | "limits" | "export" | "import" | "sync"
                )
            })
        {
            return None;
        }
        // "how can i export my tasks to csv?": a question about the app
        // ("how does today look for me?" asks about the list).
        if v == "how"
            && matches!(w(t, 1), "can" | "do" | "does" | "to" | "should")
            && !matches!(w(t, 2), "today" | "tomorrow" | "my" | "this")
        {
            return None;
        }
        // "show me the way to the nearest pharmacy": directions.
        if seq_any(t, &[&["the", "way", "to"], &["directions", "to"]]) {
            return None;
        }
        // "What a week": an exclamation.
        if v == "what" && matches!(w(t, 1), "a" | "an") {
            return None;
        }
        // "in my tasks, look for 'passport'", "in my list look up X".
        if w(t, 0) == "in"
            && w(t, 1) == "my"
            && matches!(w(t, 2), "tasks" | "list" | "to-dos" | "todos" | "todo")
        {
            let k = if w(t, 3) == "," { 4 } else { 3 };
            if k < n {
                // Read as "look for X in my tasks": where to look stays said.
                let said: Vec<Tok> = t[k..].iter().chain(&t[..3]).cloned().collect();
                return self.list(&said);
            }
        }
        // "I want to see every task", "I'd like to know what's due".
        for lead in [
            &["i", "want", "to"][..],
            &["i'd", "like", "to"],
            &["i", "would", "like", "to"],
            &["let", "me"],
        ] {
            if seq(t, 0, lead) && matches!(w(t, lead.len()), "see" | "know" | "view" | "check") {
                return self.list(&t[lead.len()..]);
            }
        }
        let verb_k = match v {
            "show" | "list" | "display" | "view" | "see" | "find" | "search" => 1,
            // "(let me) know what's left to do this week".
            "know" if is_question_word(w(t, 1)) => 1,
            "get" | "give" | "tell" if w(t, 1) == "me" => 2,
            "gimme" => 1,
            "filter" if w(t, 1) == "by" => 2,
            "filter" if matches!(w(t, 1), "my" | "the") => 1,
            // "run me through today", "rundown for today", "dump my whole list".
            "run" if seq(t, 1, &["me", "through"]) => 3,
            "rundown" => 0,
            "dump" if matches!(w(t, 1), "my" | "the" | "all") => 1,
            "got" if matches!(w(t, 1), "anything" | "any") => 1,
            "lemme" if matches!(w(t, 1), "see" | "view" | "check") => 2,
            "pull" if w(t, 1) == "up" => 2,
            "let" if w(t, 1) == "me" && matches!(w(t, 2), "see" | "view" | "check") => 3,
            "look" if matches!(w(t, 1), "up" | "for") => 2,
            "where's" | "wheres" => 1,
            "where" if matches!(w(t, 1), "is" | "are") => 2,
            "what" | "what's" | "whats" | "which" | "any" | "anything" | "how" | "whatre"
            | "what're" | "what've" | "whatve" => 0,
            // "exists a task about the insurance?".
            "exists" | "exist" if matches!(w(t, 1), "a" | "any" | "some") => 0,
            "do" | "have" | "am" | "did" if w(t, 1) == "i" => 0,
            // "look if I have something about Kenji".
            "look" | "check"
                if matches!(w(t, 1), "if" | "whether")
                    && w(t, 2) == "i"
                    && matches!(w(t, 3), "have" | "got") =>
            {
                0
            }
            "is" | "are" if matches!(w(t, 1), "there" | "any") => 0,
            // "is anything overdue on my list?", not "is something wrong?".
            "is" if matches!(w(t, 1), "anything" | "something")
                && any_word(
                    t,
                    &[
                        "due",
                        "overdue",
                        "late",
                        "today",
                        "tomorrow",
                        "week",
                        "list",
                        "task",
                        "tasks",
                        "planned",
                        "scheduled",
                        "pending",
                        "open",
                        "left",
                    ],
                ) =>
            {
                0
            }
            "my" | "all" | "open" | "overdue" | "today's" | "tomorrow's" | "upcoming"
            | "pending" | "completed" => 0,
            "tasks" | "todos" | "agenda" => 0,
            // "missed deadlines", "late #school".
            "missed" | "late" if n <= 3 => 0,
            // "did any deadlines slip by?".
            "did" if w(t, 1) == "any" => 0,
            // "#holiday tasks, whether finished or still open", "#chores that
            // blew past the deadline".
            _ if v.starts_with('#')
                && matches!(
                    w(t, 1),
                    "tasks" | "things" | "stuff" | "items" | "todos" | "that" | "which"
                ) =>
            {
                0
            }
            // "do any of my tasks mention the boiler?", "is tomorrow busy?".
            "do" | "does" if matches!(w(t, 1), "any" | "my") => 0,
            "is" if matches!(w(t, 1), "today" | "tomorrow") => 0,
            // "need today's stuff please".
            "need" | "want"
                if matches!(w(t, 1), "today's" | "tomorrow's" | "this")
                    && any_word(t, &["stuff", "tasks", "list", "things", "todos", "week's"]) =>
            {
                1
            }
            // "the done ones pls", "how's my day shaping up?".
            "the"
                if matches!(
                    w(t, 1),
                    "done" | "finished" | "completed" | "open" | "overdue"
                ) && matches!(w(t, 2), "ones" | "tasks" | "items" | "todos") =>
            {
                0
            }
            "how's" | "hows" if seq(t, 1, &["my", "day"]) || seq(t, 1, &["my", "week"]) => 0,
            // "urgent stuff with the work tag", "important things?".
            "urgent" | "important" | "high-priority" | "low-priority" | "asap"
                if matches!(
                    w(t, 1),
                    "stuff" | "things" | "tasks" | "todos" | "ones" | "items"
                ) =>
            {
                0
            }
            // "stuff thats late?", "things due this week".
            "stuff" | "things"
                if t.len() <= 6
                    && matches!(
                        w(t, 1),
                        "thats" | "that's" | "that" | "due" | "left" | "overdue"
                    )
                    && !any_word(t, &[":", "-"]) =>
            {
                0
            }
            // "everything please, including the ones I've ticked off".
            "everything"
                if any_word(
                    t,
                    &[
                        "including",
                        "incl",
                        "too",
                        "also",
                        "done",
                        "completed",
                        "label",
                        "tagged",
                        "marked",
                        "flagged",
                    ],
                ) =>
            {
                0
            }
            // "full list, completed ones too".
            "full" | "whole" | "entire" if w(t, 1) == "list" => 0,
            // "every task tagged finance, done ones too", "every #music task".
            "every" | "each"
                if (w(t, 1) == "task" || w(t, 1).starts_with('#') && w(t, 2) == "task")
                    && any_word(
                        t,
                        &["tagged", "done", "finished", "completed", "too", "ones"],
                    )
                    || w(t, 1).starts_with('#') && w(t, 2) == "task" =>
            {
                0
            }
            _ => return None,
        };
        const KEYWORDS: &[&str] = &[
            "task",
            "tasks",
            "todo",
            "todos",
            "to-do",
            "to-dos",
            "due",
            "overdue",
            "late",
            "left",
            "pending",
            "open",
            "completed",
            "done",
            "finished",
            "agenda",
            "plate",
            "plan",
            "plans",
            "priority",
            "prio",
            "says",
            "say",
            "mention",
            "mentions",
            "mentioning",
            "contain",
            "contains",
            "titles",
            "crossed",
            "ticked",
            "busy",
            "urgent",
            "important",
            "tagged",
            "tag",
            "reminders",
            "scheduled",
            "upcoming",
            "have",
            "remaining",
            "outstanding",
            "list",
            "everything",
            "things",
            "stuff",
            "anything",
            "something",
            "today",
            "tomorrow",
            "week",
            "missed",
            "miss",
            "deadlines",
            "deadline",
            "behind",
            "finish",
            "complete",
            "did",
        ];
        let has_kw = t
            .iter()
            .any(|x| KEYWORDS.contains(&x.low.as_str()) || x.low.starts_with('#'))
            || seq_any(
                t,
                &[
                    &["my", "day"],
                    &["in", "it"],
                    &["in", "them"],
                    &["lined", "up"],
                ],
            );
        if !has_kw && (verb_k == 0 || matches!(v, "tell" | "look" | "see" | "view" | "display")) {
            return None;
        }
        if !has_kw
            && matches!(v, "see" | "find" | "search" | "look" | "get" | "give")
            && n <= verb_k
        {
            return None;
        }
        let mut f = ListFilter::default();
        let l: Vec<&str> = t.iter().map(|x| x.low.as_str()).collect();
        let has = |s: &str| l.contains(&s);
        // Status.
        let negated_done = (0..n).any(|i| {
            matches!(l[i], "done" | "completed" | "finished" | "complete")
                && i > 0
                && matches!(l[i - 1], "not" | "be" | "un" | "get" | "gets" | "to")
        });
        // "which tasks I did not do in time": late, not done.
        let not_in_time = (has("not") || has("didn't") || has("didnt"))
            && seq_any(t, &[&["in", "time"], &["on", "time"]]);
        let asked_past = seq_any(t, &[&["what", "did", "i"], &["what", "have", "i"]])
            && (has("done")
                || has("finish")
                || has("finished")
                || has("complete")
                || has("completed"));
        // "what did I forget to do?" asks what is late; "did I already put
        // in something about X?" asks whether X is on the list.
        let asks_forgotten = has("forget") || has("forgot");
        let asks_whether_added = ["put", "add", "added", "entered"].iter().any(|x| has(x));
        if asked_past
            || !negated_done
                && !not_in_time
                && !asks_forgotten
                && !asks_whether_added
                && (has("completed")
                    || has("done")
                    || has("finished")
                    || seq_any(t, &[&["get", "done"], &["got", "done"], &["so", "far"]])
                    || has("did")
                        && seq_any(t, &[&["tick", "off"], &["check", "off"], &["cross", "off"]])
                    || (has("did") && (has("complete") || has("finish") || has("do")))
                    // "the tasks that I already made / did".
                    || has("already") && (has("did") || has("made"))
                    || seq(t, 0, &["what", "have", "i"]) && (has("finish") || has("complete")))
        {
            f.status = Status::Completed;
        }
        // "the finished and the unfinished ones", "whether finished or
        // still open".
        if has("unfinished") && (has("finished") || has("done"))
            || has("whether") && (has("finished") || has("done")) && has("open")
        {
            f.status = Status::All;
        }
        // "everything, including the ones I already ticked off".
        if t.iter().any(|x| {
            matches!(
                x.low.as_str(),
                "including" | "included" | "incl" | "too" | "also"
            )
        }) && t.iter().any(|x| {
            matches!(
                x.low.as_str(),
                "done" | "completed" | "finished" | "closed" | "ticked" | "checked"
            )
        }) {
            f.status = Status::All;
        } else if f.status != Status::Completed
            && (seq_any(
                t,
                &[&["ticked", "off"], &["checked", "off"], &["crossed", "off"]],
            ) || has("closed") && !has("open"))
        {
            f.status = Status::Completed;
        }
        if seq_any(
            t,
            &[
                &["including", "completed"],
                &["including", "done"],
                &["even", "completed"],
                &["even", "finished"],
                &["even", "done"],
                &["open", "and", "closed"],
                &["done", "ones", "too"],
                &["completed", "ones", "too"],
                &["finished", "ones", "too"],
                &["incl", "completed"],
                &["incl", "finished"],
                &["incl", "done"],
                &["incl.", "completed"],
                &["incl.", "finished"],
                &["incl.", "done"],
                &["including", "finished"],
                &["including", "the", "completed"],
                &["including", "the", "done"],
                &["including", "the", "finished"],
                &["done", "too"],
                &["completed", "too"],
                &["closed", "and", "open"],
                &["open", "and", "done"],
            ],
        ) || (has("all") && (has("completed") || has("done")) && has("and"))
            // "even the done ones", "done or not", "every task I ever made":
            // done ones too, however said.
            || (["done", "completed", "finished", "closed", "ticked", "checked"]
                .iter()
                .any(|d| has(d))
                && (["even", "either", "whether", "regardless"]
                    .iter()
                    .any(|x| has(x))
                    || has("ever") && (has("made") || has("added") || has("created"))
                    || seq_any(t, &[&["or", "not"], &["or", "open"], &["and", "open"]])))
            || {
                // "incl. completed": the words, whatever the punctuation.
                let said = words_of(t);
                [
                    "incl completed",
                    "incl finished",
                    "incl done",
                    "including completed",
                    "including finished",
                    "including done",
                    "incl the done",
                    "incl the completed",
                    "incl the finished",
                    "also the finished",
                    "also the done",
                    "also the completed",
                    "also finished",
                    "also done",
                    "also completed",
                    "done and not done",
                    "done and undone",
                    "finished and unfinished",
                    "task history",
                    "whole history",
                    "open and completed",
                    "completed and open",
                    "open and done",
                    "open and finished",
                    "also the closed",
                    "including the closed",
                    "incl closed",
                    "including closed",
                    "closed ones too",
                    "the finished ones",
                    "including the finished",
                ]
                .iter()
                .any(|p| said.contains(p))
            }
        {
            f.status = Status::All;
        }
        // "finished ones and open ones alike", "done + open", "the open
        // tasks as well as the ones already finished": both kinds named.
        let open_named = [
            "open",
            "pending",
            "unfinished",
            "undone",
            "active",
            "remaining",
        ]
        .iter()
        .any(|x| has(x));
        let done_named = [
            "done",
            "completed",
            "finished",
            "closed",
            "ticked",
            "checked",
        ]
        .iter()
        .any(|x| has(x));
        if open_named && done_named && !["not", "without", "except", "only"].iter().any(|x| has(x))
        {
            f.status = Status::All;
        }
        // Priority, never read inside quotes ("anything called 'urgent
        // care'?" searches).
        let quoted = quoted_tokens(t);
        for (i, word) in l.iter().enumerate() {
            if quoted[i] {
                continue;
            }
            // "list the medium ones", "what's high prio right now".
            if let Some(p) = level_word(word).filter(|_| {
                matches!(
                    w(t, i + 1),
                    "ones" | "one" | "prio" | "priority" | "pri" | "stuff" | "things" | "tasks"
                )
            }) {
                f.priority = Some(p);
                break;
            }
            if let Some((_, p)) = priority_phrase(t, i) {
                f.priority = Some(p);
                break;
            }
            if matches!(*word, "urgent" | "critical" | "asap") {
                f.priority = Some(Priority::Urgent);
                break;
            }
            if *word == "important"
                || *word == "hi" && matches!(w(t, i + 1), "prio" | "priority" | "pri")
            {
                f.priority = Some(Priority::High);
                break;
            }
        }
        // Due window.
        if has("overdue")
            || has("late")
            || has("missed")
            || seq_any(
                t,
                &[
                    &["past", "due"],
                    &["past", "its", "deadline"],
                    &["past", "the", "deadline"],
                    &["past", "its", "due"],
                    &["past", "their", "due"],
                    &["past", "the", "due"],
                    &["past", "their", "deadline"],
                    &["miss", "the", "deadline"],
                    &["miss", "a", "deadline"],
                    &["miss", "any", "deadlines"],
                    &["missed", "any", "deadlines"],
                    &["slip", "past"],
                    &["slipped", "by"],
                    &["slip", "by"],
                    &["blew", "past"],
                    &["blown", "past"],
                    &["have", "i", "blown"],
                    &["did", "i", "blow"],
                    &["slipped", "past"],
                    &["slip", "through"],
                ],
            )
            || has("behind")
            || not_in_time
            // "which deadlines did i miss", "what did I forget to do?".
            || (has("miss") && (has("deadline") || has("deadlines")))
            || seq_any(t, &[&["did", "i", "forget"], &["have", "i", "forgotten"]])
        {
            f.due_window = Some(DueWindow::Overdue);
        } else if has("today")
            || has("tonight")
            || seq_any(t, &[&["my", "day"]])
            || has("today's")
            || seq_any(
                t,
                &[
                    &["this", "morning"],
                    &["this", "afternoon"],
                    &["this", "evening"],
                ],
            )
        {
            f.due_window = Some(DueWindow::Today);
        } else if has("tomorrow") || has("tomorrow's") {
            f.due_window = Some(DueWindow::Tomorrow);
        } else if seq_any(
            t,
            &[
                &["this", "week"],
                &["the", "week"],
                &["for", "week"],
                &["my", "week"],
            ],
        ) || has("week's")
        {
            f.due_window = Some(DueWindow::ThisWeek);
        }
        // Tag.
        for (i, word) in l.iter().enumerate() {
            if let Some(tag) = word.strip_prefix('#') {
                if tag.chars().next().is_some_and(|c| c.is_alphabetic()) {
                    f.tag = Some(tag.to_string());
                    break;
                }
            }
            // "tagged uni", "tagged 'uni'", "labelled: home".
            if matches!(*word, "tagged" | "labeled" | "labelled") {
                if let Some(tag) = l[i + 1..]
                    .iter()
                    .find(|x| !matches!(**x, "'" | "\"" | "“" | "‘" | ":" | "as" | "with"))
                    .filter(|x| !text::is_punct(x))
                {
                    f.tag = Some(tag.trim_start_matches('#').to_string());
                    break;
                }
            }
            if matches!(*word, "tag" | "label")
                && i > 0
                && matches!(l[i - 1], "with" | "the")
                && i + 1 < n
                && !text::is_punct(l[i + 1])
            {
                f.tag = Some(l[i + 1].trim_start_matches('#').to_string());
                break;
            }
            // "my school tag", "with the kids tag".
            if *word == "tag" && i > 0 && l[i - 1] == "w/" && i + 1 < n {
                f.tag = Some(l[i + 1].trim_start_matches('#').to_string());
                break;
            }
            if *word == "tag" && i >= 2 && matches!(l[i - 2], "my" | "the" | "with") {
                f.tag = Some(l[i - 1].trim_start_matches('#').to_string());
                break;
            }
        }
        // Text.
        let text_at = (0..n)
            .find(|&i| {
                matches!(
                    l[i],
                    "about"
                        | "containing"
                        | "mentioning"
                        | "mention"
                        | "mentions"
                        | "word"
                        | "keyword"
                        | "re"
                        | "re:"
                        | "concerning"
                        | "matching"
                        | "regarding"
                        | "called"
                        | "named"
                ) || (l[i] == "related" && w(t, i + 1) == "to")
            })
            .or_else(|| (matches!(l[0], "find" | "search")).then_some(0))
            // "look up electrician in my finished tasks".
            .or_else(|| (l[0] == "look" && matches!(w(t, 1), "up" | "for")).then_some(1));
        if let Some(found) = searched_words(t) {
            // "tagged 'uni'": the quoted word was the tag.
            if f.tag.as_deref() != Some(found.to_lowercase().as_str()) {
                f.text = Some(found.to_lowercase());
            }
        } else if let Some(i) = text_at {
            let mut a = i + 1;
            if l[i] == "related" {
                a += 1;
            }
            if l[i] == "search" {
                while matches!(
                    w(t, a),
                    "completed"
                        | "done"
                        | "finished"
                        | "open"
                        | "tasks"
                        | "my"
                        | "all"
                        | "to-dos"
                        | "todos"
                        | "list"
                ) {
                    a += 1;
                }
                if w(t, a) == "for" {
                    a += 1;
                }
            }
            // Skip "tasks about", "my tasks", "search: X".
            while matches!(
                w(t, a),
                "my" | "tasks" | "task" | "todos" | "the" | "for" | "with" | "about" | "all" | ":"
            ) {
                a += 1;
            }
            let mut b = a;
            // "find electrician in my to-dos": where to look is not what.
            let where_said = |b: usize| {
                matches!(l[b], "in" | "on" | "among")
                    && matches!(
                        w(t, b + 1),
                        "my" | "the" | "today's" | "tomorrow's" | "this" | "all" | "your"
                    )
            };
            while b < n
                && !where_said(b)
                && !matches!(
                    l[b],
                    "that"
                        | "that's"
                        | "which"
                        | "due"
                        | "tagged"
                        | "with"
                        | "today"
                        | "tomorrow"
                        | "this"
                        | "overdue"
                        | "?"
                        | ","
                )
            {
                b += 1;
            }
            // ("the notary for today": the words of time leave with it.)
            while b > a + 1 && matches!(l[b - 1], "for" | "on" | "in" | "at" | "by" | "from") {
                b -= 1;
            }
            if b > a {
                let s = name_text(t, a, b);
                if !s.is_empty() {
                    f.text = Some(s.to_lowercase());
                }
            }
        }
        Some(Intent::ListTasks { filter: f }.into())
    }
}

/// What a search names other than by "about"/"containing": quoted words,
/// "X in my tasks", "with X in it", "a task for X", "the X task".
fn searched_words(t: &[Tok]) -> Option<String> {
    let n = t.len();
    let quoted = quoted_tokens(t);
    if let Some(a) = (0..n).find(|&i| quoted[i]) {
        let b = (a..n).find(|&i| !quoted[i]).unwrap_or(n);
        return Some(name_text(t, a, b));
    }
    let is_list = |i: usize| {
        matches!(w(t, i), "my" | "the") && matches!(w(t, i + 1), "tasks" | "list" | "todos")
    };
    // "look up plumber in my tasks", "anything with the 2027 budget in it".
    if let Some(k) = (1..n).find(|&i| {
        w(t, i) == "in"
            && (is_list(i + 1) || w(t, i + 1) == "it" || seq(t, i + 1, &["the", "title"]))
    }) {
        let mut a = k;
        while a > 0
            && !matches!(
                w(t, a - 1),
                "up" | "for" | "with" | "w/" | "search" | "find" | "anything" | "something" | ","
            )
        {
            a -= 1;
        }
        // "search the word dentist in my list".
        while a < k && matches!(w(t, a), "the" | "a" | "my" | "word" | "words" | "term") {
            a += 1;
        }
        if a < k {
            return Some(name_text(t, a, k));
        }
    }
    // "a task for the apartment", "the flat 3B task".
    if let Some(k) = (0..n).find(|&i| w(t, i) == "task") {
        if matches!(w(t, k + 1), "for" | "about" | "with" | "on") && k + 2 < n {
            let mut a = k + 2;
            while matches!(w(t, a), "the" | "my" | "a") {
                a += 1;
            }
            // ("… for the kitchen which is overdue": what it is, not when.)
            let b = (a..n)
                .find(|&i| {
                    text::is_punct(&t[i].low)
                        || matches!(
                            w(t, i),
                            "which"
                                | "that"
                                | "that's"
                                | "due"
                                | "overdue"
                                | "this"
                                | "today"
                                | "tomorrow"
                                | "tonight"
                                | "next"
                        )
                })
                .unwrap_or(n);
            if a < b {
                return Some(name_text(t, a, b));
            }
        }
        let mut a = k;
        while a > 0
            && !matches!(
                w(t, a - 1),
                "the" | "my" | "a" | "any" | "where's" | "is" | "every" | "each" | "this"
            )
            && !text::is_punct(&t[a - 1].low)
        {
            a -= 1;
        }
        if a < k && matches!(w(t, a.wrapping_sub(1)), "the" | "my") {
            return Some(name_text(t, a, k));
        }
    }
    None
}

/// The first occurrence of a rule at or after now: with a time, the first
/// matching day whose time has not passed; without one, the first matching
/// day from today. A completion rule with no start begins today, and an
/// hourly rule at the next full hour.
fn first_occurrence(
    rule: &Rule,
    mode: RecurrenceMode,
    time: Option<when::Hm>,
    clk: &Clock,
) -> Option<Due> {
    if rule.freq == recur::Freq::Hourly {
        let local = clk.local(clk.now);
        let hour = clk.at(clk.today, (chrono::Timelike::hour(&local), 0));
        let next = hour + chrono::Duration::hours(1);
        return Some(Due {
            at_utc_ms: next.timestamp_millis(),
            has_time: true,
        });
    }
    let mut d = clk.today;
    for _ in 0..800 {
        if mode == RecurrenceMode::Completion || rule.matches(d) {
            return Some(match time {
                Some(hm) if clk.at(d, hm) >= clk.now => Due {
                    at_utc_ms: clk.at(d, hm).timestamp_millis(),
                    has_time: true,
                },
                Some(_) => {
                    d = d.succ_opt()?;
                    continue;
                }
                None => Due {
                    at_utc_ms: clk.end_of_day(d).timestamp_millis(),
                    has_time: false,
                },
            });
        }
        d = d.succ_opt()?;
    }
    None
}

/// Where the clause that ends at `end` starts: after the last of `seps`
/// before it, or at the start of the message.
fn clause_start(t: &[Tok], end: usize, seps: &[&str]) -> usize {
    (0..end)
        .rev()
        .find(|&j| seps.contains(&w(t, j)))
        .map_or(0, |j| j + 1)
}

fn seq_any(t: &[Tok], options: &[&[&str]]) -> bool {
    (0..t.len()).any(|i| options.iter().any(|p| seq(t, i, p)))
}

/// Whether `t` opens with one of `options` (`seq_any` finds them anywhere).
fn opens_with_any(t: &[Tok], options: &[&[&str]]) -> bool {
    options.iter().any(|p| seq(t, 0, p))
}

/// The first `sep` word at or after `from` that is not inside quotes.
fn split_outside_quotes(t: &[Tok], from: usize, sep: &[&str]) -> Option<usize> {
    let mut in_quote = false;
    for (i, x) in t.iter().enumerate() {
        match x.low.as_str() {
            "\"" => in_quote = !in_quote,
            "“" => in_quote = true,
            "”" => in_quote = false,
            s if i >= from && !in_quote && sep.contains(&s) && i > from => return Some(i),
            _ => {}
        }
    }
    None
}

fn quoted_or_text(t: &[Tok], a: usize, b: usize) -> String {
    let (mut a, mut b) = (a, b);
    while a < b && matches!(w(t, a), ":" | "-" | "->") {
        a += 1;
    }
    while b > a && matches!(w(t, b - 1), "." | "!" | "please" | "instead") {
        b -= 1;
    }
    let idx: Vec<usize> = (a..b).collect();
    let s = text::join(t, &idx);
    s.trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’' | ' '))
        .to_string()
}

/// Where a task name ends and a date that runs to the end begins:
/// "move [the report] to [next Friday at 3pm]".
fn when_split(
    t: &[Tok],
    k: usize,
    clk: &Clock,
    connectors: &[&str],
) -> Option<(usize, usize, When)> {
    let mut n = t.len();
    while n > k
        && matches!(
            w(t, n - 1),
            "instead" | "please" | "pls" | "plz" | "thanks" | "thx"
        )
    {
        n -= 1;
    }
    for j in k + 1..n {
        if let Some((e, wn)) = when::parse_when(t, j, clk) {
            if e == n {
                // "reschedule to wednesday 2:30pm": only a connector
                // before the date, so no task is named.
                if (k..j).all(|i| connectors.contains(&w(t, i))) {
                    return Some((j, j, wn));
                }
                return Some((k, j, wn));
            }
        }
        let mut c = j;
        while c < n && connectors.contains(&w(t, c)) {
            c += 1;
        }
        if w(t, c) == "to" {
            c += 1;
        }
        if let Some((e, wn)) = when::parse_when_after(t, c, clk, c > j) {
            if e == n {
                return Some((k, j, wn));
            }
        }
    }
    None
}

fn without_first_to(rest: &[Tok], ex: &Extract) -> Vec<Tok> {
    let skip = ex.free_words().into_iter().find(|&i| w(rest, i) == "to");
    rest.iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, x)| x.clone())
        .collect()
}

fn past_reminder(clk: &Clock, at: chrono::DateTime<chrono::Utc>, has_time: bool) -> String {
    let local = clk.local(at);
    let day = local.date_naive();
    let what = if day < clk.today {
        format!("{} has already passed", crate::explain::day_words(clk, day))
    } else if has_time {
        format!("{} today has already passed", local.format("%H:%M"))
    } else {
        "that time has already passed".to_string()
    };
    format!("I can't set a reminder in the past: {what}.")
}

// ---------------------------------------------------------------- extraction

/// Which tokens stand between a pair of quotes (`"…"`, `“…”`, `‘…’`,
/// `«…»`). A quote left open quotes nothing: it may be a stray mark.
fn quoted_tokens(t: &[Tok]) -> Vec<bool> {
    let mut out = vec![false; t.len()];
    let mut i = 0;
    while i < t.len() {
        // A single quote opens where it starts a word ("'Sort the attic'")
        // and closes where it ends one; an apostrophe does neither.
        let opens_word = |k: usize| {
            t.get(k + 1).is_some_and(|n| n.start == t[k].end)
                && (k == 0 || t[k - 1].end < t[k].start)
        };
        let closes_word = |k: usize| {
            k > 0
                && t[k - 1].end == t[k].start
                && t.get(k + 1)
                    .is_none_or(|n| n.start > t[k].end || text::is_punct(&n.low))
        };
        let close = match t[i].text.as_str() {
            "\"" => "\"",
            "“" => "”",
            "‘" => "’",
            "«" => "»",
            "'" if opens_word(i) => "'",
            _ => {
                i += 1;
                continue;
            }
        };
        match (i + 1..t.len()).find(|&k| {
            t[k].text == close && (close != "'" || closes_word(k))
                || (close == "”" && t[k].text == "\"")
        }) {
            Some(end) => {
                for q in &mut out[i + 1..end] {
                    *q = true;
                }
                i = end + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// Tokens of a task body, marked as they are claimed by extractors.
struct Extract<'a> {
    t: &'a [Tok],
    used: Vec<bool>,
    /// Tokens the user asked to keep as plain words: never claimed, always
    /// part of the title.
    locked: Vec<bool>,
    /// What was claimed as what, in message byte offsets.
    spans: Vec<Span>,
}

impl<'a> Extract<'a> {
    fn new(t: &'a [Tok], locked: &[bool]) -> Self {
        Extract {
            t,
            used: vec![false; t.len()],
            locked: (0..t.len())
                .map(|i| locked.get(i).copied().unwrap_or(false))
                .collect(),
            spans: Vec::new(),
        }
    }

    fn take(&mut self, a: usize, b: usize) {
        for u in &mut self.used[a..b.min(self.t.len())] {
            *u = true;
        }
    }

    /// Claims tokens `a..b` as a part of kind `kind`.
    fn claim(&mut self, a: usize, b: usize, kind: SpanKind) {
        let b = b.min(self.t.len());
        if a >= b {
            return;
        }
        self.take(a, b);
        self.spans.push(Span {
            start: self.t[a].start,
            end: self.t[b - 1].end,
            kind,
        });
    }

    /// Neither claimed nor kept plain.
    fn free(&self, i: usize) -> bool {
        !self.used[i] && !self.locked[i]
    }

    /// Runs `f` over each stretch of unclaimed tokens; returns the matches
    /// (start, end, value) in order without overlaps.
    fn scan<T>(&self, f: impl Fn(&[Tok], usize) -> Option<(usize, T)>) -> Vec<(usize, usize, T)> {
        let mut out = Vec::new();
        let mut a = 0;
        while a < self.t.len() {
            if !self.free(a) {
                a += 1;
                continue;
            }
            let mut b = a;
            while b < self.t.len() && self.free(b) {
                b += 1;
            }
            let run = &self.t[a..b];
            let mut i = 0;
            while i < run.len() {
                match f(run, i) {
                    Some((e, v)) if e > i => {
                        out.push((a + i, a + e, v));
                        i = e;
                    }
                    _ => i += 1,
                }
            }
            a = b;
        }
        out
    }

    fn free_words(&self) -> Vec<usize> {
        (0..self.t.len())
            .filter(|&i| !self.used[i] && !text::is_punct(&self.t[i].low))
            .collect()
    }

    /// Whether token `i` is a preposition the user ended the task with
    /// ("write 3 things I'm grateful for", "find a pen to write with"):
    /// nothing read as a date or detail follows it, so it dangles from
    /// nothing and stays in the title.
    fn ends_on_preposition(&self, i: usize) -> bool {
        matches!(
            self.t[i].low.as_str(),
            "for" | "with" | "on" | "in" | "of" | "from" | "at"
        ) && i > 0
            && !self.used[i - 1]
            && (i + 1..self.t.len()).all(|j| !self.used[j] && text::is_punct(&self.t[j].low))
    }

    /// The unclaimed tokens as a title, without dangling joiners; from a
    /// chat message, only what it asks to add.
    fn title(&self, chat: bool) -> String {
        const LEAD: &[&str] = &[
            "and", "to", "then", "also", "that", "-", "–", "—", ",", ":", ";", ".", ")", "&", "?",
            "!", "but", "•", "·", "*", "+",
        ];
        const TAIL: &[&str] = &[
            "and", "due", "by", "at", "on", "for", "with", "starting", "from", "before", "until",
            "till", "in", "-", "–", "—", ",", ":", ";", ".", "(", "&", "every", "each", "is",
            "it's", "its", "this", "of", "the", "please", "pls", "thanks", "?", "tho", "though",
            "also", "too", "already", "always", "start", "starting", "i'll", "i", "i'd", "want",
            "•", "·", "*", "+",
        ];
        let idx: Vec<usize> = (0..self.t.len()).filter(|&i| !self.used[i]).collect();
        let idx = if chat {
            what_was_asked(self.t, &self.locked, idx)
        } else {
            idx
        };
        let mut idx = without_asides(self.t, &self.locked, idx);
        if chat {
            idx = without_situation(self.t, &self.locked, &self.used, idx);
        }
        // "Send, by Friday, the signed contract": the commas around a date
        // that was taken out go with it.
        let commas: Vec<usize> = idx
            .windows(2)
            .filter(|p| {
                let (a, b) = (p[0], p[1]);
                let gap = a + 1..b;
                let comma_in_gap = gap.clone().any(|i| self.t[i].low == ",");
                gap.clone().all(|i| self.used[i] || self.t[i].low == ",")
                    && gap.clone().any(|i| self.used[i])
                    && (self.t[a].low == "," || comma_in_gap)
                    && (self.t[b].low == "," || comma_in_gap)
            })
            .flat_map(|p| [p[0], p[1]])
            .filter(|&i| self.t[i].low == "," && !self.locked[i])
            .collect();
        idx.retain(|i| !commas.contains(i));
        // Tidying never touches words kept as typed (quoted or kept plain).
        let tidy =
            |i: usize, words: &[&str]| !self.locked[i] && words.contains(&self.t[i].low.as_str());
        let paren = |i: usize| !self.locked[i] && (self.t[i].low == "(" || self.t[i].low == ")");
        // Empty brackets left by a removed "(urgent)".
        loop {
            let before = idx.len();
            while idx.first().is_some_and(|&i| tidy(i, LEAD)) {
                idx.remove(0);
            }
            while idx
                .last()
                .is_some_and(|&i| tidy(i, TAIL) && !self.ends_on_preposition(i))
            {
                idx.pop();
            }
            // "add the task 'Renew my passport'": the quoted name is the
            // title, the words before it only say it is a task.
            let lead = usize::from(idx.first().is_some_and(|&i| tidy(i, &["the", "a"])));
            if idx.len() > lead + 2
                && tidy(idx[lead], &["task", "todo", "to-do"])
                && (self.locked[idx[lead + 1]]
                    || matches!(self.t[idx[lead + 1]].low.as_str(), "'" | "\"" | "“" | "‘"))
            {
                idx.drain(..=lead);
            }
            // "it is my turn for the cleaning of the laundry room".
            for whose in [
                &["it", "is", "my", "turn", "for"][..],
                &["it's", "my", "turn", "for"],
                &["it", "is", "my", "turn", "to"],
                &["it's", "my", "turn", "to"],
                &["it's", "my", "job", "to"],
            ] {
                let n = whose.len();
                if idx.len() > n && idx[..n].iter().zip(whose).all(|(&i, w)| tidy(i, &[w])) {
                    idx.drain(..n);
                    while idx.first().is_some_and(|&i| tidy(i, &["the"])) {
                        idx.remove(0);
                    }
                }
            }
            // "the emptying of the bins is my job, on Monday": whose turn
            // it is; "…? needs to be done before the 16th", "…, sunday
            // would be ideal": how it should be done. Not what to do.
            for whose in [
                &["is", "my", "job"][..],
                &["is", "my", "turn"],
                &["is", "my", "responsibility"],
                &["is", "my", "duty"],
                &["is", "on", "me"],
                &["needs", "to", "be", "done"],
                &["needs", "doing"],
                &["needs", "to", "happen"],
                &["has", "to", "be", "done"],
                &["must", "be", "done"],
                &["should", "be", "done"],
                &["would", "be", "ideal"],
                &["would", "be", "great"],
                &["would", "be", "perfect"],
                &["would", "be", "best"],
                &["would", "be", "nice"],
                &["would", "be", "good"],
                &["works", "best"],
                &["works"],
                &["can", "you", "write", "that", "down"],
                &["write", "that", "down"],
                &["can", "you", "note", "it"],
                &["note", "it"],
                &["deadline's"],
                &["deadline", "is"],
                // "… sometime next week", "…, so it must be done before 1/8".
                &["sometime"],
                &["so", "it"],
                // "…, please add as repeating": the rule was read.
                &["please", "add", "as", "repeating"],
                &["please", "add", "it", "as", "repeating"],
                &["add", "as", "repeating"],
                &["please", "add", "as", "repeating", "task"],
                &["could", "you", "pop", "it"],
                &["could", "you", "pop", "it", "in"],
                &["can", "you", "pop", "it", "in"],
                &["is"],
                // What is left of "… and make it urgent".
                &["and", "make", "it"],
                &["and", "mark", "it", "as"],
                &["and", "set", "it", "to"],
                // What is left of "…, could you write that down?".
                &["could", "you"],
                &["can", "you"],
                &["would", "you"],
                &["could", "you", "please"],
                &["can", "you", "please"],
            ] {
                let n = whose.len();
                if idx.len() > n
                    && idx[idx.len() - n..]
                        .iter()
                        .zip(whose)
                        .all(|(&i, w)| tidy(i, &[w]))
                {
                    idx.truncate(idx.len() - n);
                }
            }
            let opens = idx
                .iter()
                .filter(|&&i| paren(i) && self.t[i].low == "(")
                .count();
            let closes = idx
                .iter()
                .filter(|&&i| paren(i) && self.t[i].low == ")")
                .count();
            if opens != closes
                || idx
                    .windows(2)
                    .any(|p| paren(p[0]) && self.t[p[0]].low == "(" && self.t[p[1]].low == ")")
            {
                idx.retain(|&i| !paren(i));
            }
            if idx.len() == before {
                break;
            }
        }
        // "can you add restart my running? honestly haven't jogged in
        // weeks": in chat, what follows the request's question mark is an
        // aside.
        if chat {
            if let Some(k) = (1..idx.len().saturating_sub(1))
                .find(|&k| self.t[idx[k]].low == "?" && !self.locked[idx[k]])
            {
                idx.truncate(k);
            }
        }
        // "send the Q3 numbers to finance. My boss just asked for them": a
        // sentence about oneself after the title is an aside.
        if let Some(k) = (1..idx.len().saturating_sub(1)).find(|&k| {
            matches!(self.t[idx[k]].low.as_str(), "." | "?" | "!")
                && !self.locked[idx[k]]
                && matches!(
                    self.t[idx[k + 1]].low.as_str(),
                    "my" | "i"
                        | "i'm"
                        | "i've"
                        | "im"
                        | "thanks"
                        | "thank"
                        | "they"
                        | "he"
                        | "she"
                        | "we"
                        | "it's"
                        | "that's"
                        | "hope"
                )
        }) {
            idx.truncate(k);
        }
        // "can I get a monthly to-do on the last day of the month to pay the
        // cleaner": what the to-do is for.
        if chat {
            let at = |k: usize| self.t[idx[k]].low.as_str();
            if let Some(k) =
                (0..idx.len().min(6)).find(|&k| matches!(at(k), "to-do" | "todo" | "task"))
            {
                if let Some(j) = (k + 1..idx.len()).find(|&j| at(j) == "to" && !self.locked[idx[j]])
                {
                    if j + 1 < idx.len() && idx[..=j].iter().all(|&i| !self.locked[i]) {
                        idx.drain(..=j);
                    }
                }
            }
        }
        // "put 'Sort the attic' down", "pop 'Wrap Tim's present' in": the
        // quotes hold the title; the words around them only file it.
        let quote_mark =
            |i: usize| matches!(self.t[i].low.as_str(), "'" | "\"" | "“" | "”" | "‘" | "’");
        if idx.iter().any(|&i| self.locked[i] && !quote_mark(i))
            && idx.iter().all(|&i| {
                self.locked[i]
                    || quote_mark(i)
                    || matches!(
                        self.t[i].low.as_str(),
                        "put"
                            | "pop"
                            | "stick"
                            | "add"
                            | "down"
                            | "in"
                            | "on"
                            | "my"
                            | "list"
                            | "the"
                            | "it"
                            | "please"
                            | "pls"
                            | "could"
                            | "you"
                            | "can"
                            | "for"
                            | "hiya"
                            | "hi"
                            | "hey"
                            // "I want 'Desk reset' every friday", "can I
                            // get 'Weekly review' …", "we've got 'Team
                            // retro' monday": asked for, by name.
                            | "i"
                            | "i'd"
                            | "want"
                            | "like"
                            | "get"
                            | "got"
                            | "we"
                            | "we've"
                            | "have"
                            | "as"
                            | "a"
                            | "task"
                            | "me"
                            | "?"
                            | ","
                            | "."
                            | "!"
                    )
            })
        {
            idx.retain(|&i| self.locked[i] || quote_mark(i));
        }
        // "there's a language exchange every monday…, please put it in": the
        // thing, not the sentence that introduces it.
        let opener = |k: usize| idx.get(k).map(|&i| self.t[i].low.as_str()).unwrap_or("");
        let intro = match (opener(0), opener(1), opener(2)) {
            ("there's" | "theres", "a" | "an", _) => 2,
            ("there", "is" | "'s", "a" | "an") => 3,
            _ => 0,
        };
        if intro > 0 && idx.len() > intro && idx[..intro].iter().all(|&i| !self.locked[i]) {
            idx.drain(..intro);
        }
        // "a yearly to-do on December 1 to renew the vignette", once the
        // rule took "yearly to-do on December 1": "a … to" only led in.
        if chat {
            let lead = (0..idx.len().saturating_sub(2).min(6)).find(|&k| {
                matches!(self.t[idx[k]].low.as_str(), "a" | "an")
                    && self.t[idx[k + 1]].low == "to"
                    && idx[..k + 2].iter().all(|&i| {
                        !self.locked[i]
                            && matches!(
                                self.t[i].low.as_str(),
                                "a" | "an"
                                    | "to"
                                    | "make"
                                    | "get"
                                    | "have"
                                    | "can"
                                    | "could"
                                    | "i"
                                    | "you"
                                    | "u"
                                    | "me"
                                    | "please"
                                    | "create"
                                    | "set"
                                    | "up"
                                    | "add"
                            )
                    })
            });
            if let Some(k) = lead {
                idx.drain(..k + 2);
            }
        }
        // "Could you add the parent-teacher conference": a title never opens
        // with "the" in chat.
        if chat
            && idx.len() > 1
            && idx
                .first()
                .is_some_and(|&i| !self.locked[i] && self.t[i].text == "the")
        {
            idx.remove(0);
        }
        let s = text::join(self.t, &idx);
        let s = s.trim();
        let quoted = |a: char, b: char| s.starts_with(a) && s.ends_with(b) && s.chars().count() > 1;
        let s = if quoted('"', '"') || quoted('“', '”') || quoted('\'', '\'') || quoted('‘', '’')
        {
            s.trim_matches(|c| matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’'))
                .trim()
        } else {
            s
        };
        text::capitalize(s)
    }
}

/// "It is important:", "Is urgent:", "Very important -": a clause that
/// opens the message with only its priority. Returns where it ends (after
/// its punctuation) and the level.
fn priority_opener(t: &[Tok]) -> Option<(usize, Priority)> {
    let end =
        (0..t.len().min(8)).find(|&i| matches!(w(t, i), ":" | "," | "-" | "!" | "!!" | "!!!"))?;
    let mut level = None;
    for i in 0..end {
        let s = w(t, i);
        match s {
            // "This one is important for me:".
            "it" | "is" | "it's" | "its" | "this" | "that's" | "very" | "really" | "super"
            | "quite" | "extremely" | "priority" | "top" | "one" | "for" | "me" => {}
            _ => {
                let p = level_word(s).or(match s {
                    "important" => Some(Priority::High),
                    "urgent" | "asap" => Some(Priority::Urgent),
                    _ => None,
                })?;
                level = Some(p);
            }
        }
    }
    Some((end + 1, level?))
}

/// "…, it's important. Many thanks": a clause that only says how important
/// the task is, anywhere in the message.
fn priority_clause(t: &[Tok], ex: &Extract) -> Option<(usize, usize, Priority)> {
    let breaks: Vec<usize> = (0..t.len())
        .filter(|&i| matches!(w(t, i), "," | "." | "!" | "?" | ";" | "-"))
        .collect();
    // Where a clause starts: after a break, or at "it's"/"its"/"it is"
    // ending a message without one ("… by thursday its super important").
    let starts = breaks.iter().map(|&s| (s, s + 1)).chain(
        (1..t.len())
            .filter(|&i| matches!(w(t, i), "it's" | "its") || seq(t, i, &["it", "is"]))
            .map(|i| (i, i)),
    );
    for (s, a) in starts {
        let b = breaks.iter().copied().find(|&e| e >= a).unwrap_or(t.len());
        if a >= b || !(a..b).all(|i| ex.free(i)) {
            continue;
        }
        let mut level = None;
        let fits = (a..b).all(|i| match w(t, i) {
            "it" | "is" | "it's" | "its" | "this" | "that's" | "very" | "really" | "super"
            | "quite" | "pretty" | "extremely" | "kinda" | "top" | "priority" | "and" | "but"
            | "please" | "!!" | "!!!" => true,
            s => match s {
                "important" => {
                    level = Some(Priority::High);
                    true
                }
                "urgent" | "asap" => {
                    level = Some(Priority::Urgent);
                    true
                }
                _ => false,
            },
        });
        if fits {
            if let Some(p) = level {
                return Some((s, b, p));
            }
        }
    }
    None
}

/// "Tomorrow at 10 I visit the doctor, can you remind me already at 9:15":
/// a reminder asked for after the task's date.
fn reminder_after_details(p: &Parser, t: &[Tok]) -> bool {
    (1..t.len()).any(|k| {
        matches!(w(t, k - 1), "," | "-" | "." | "and")
            && {
                let c = strip_filler(&t[k..]);
                matches!(w(c, 0), "remind" | "ping" | "nudge" | "alert" | "notify")
                    && w(c, 1) == "me"
                    && !matches!(w(c, 2), "to" | "about" | "of")
            }
            && p.has_task_details(&t[..k], true)
            && !t[..k]
                .iter()
                .any(|x| matches!(x.low.as_str(), "task" | "it" | "that"))
    })
}

/// The name a message gives a new task: "a repeating task called flip the
/// mattress", "can you add 'Kids dentist'".
fn given_name(t: &[Tok]) -> Option<String> {
    let quoted = quoted_tokens(t);
    for i in 1..t.len() {
        if quoted[i] {
            continue;
        }
        let called = matches!(w(t, i), "called" | "named" | "titled")
            && matches!(
                w(t, i - 1),
                "task" | "todo" | "to-do" | "reminder" | "one" | "it" | "that"
            );
        let added = w(t, i) == "add"
            && quoted.get(i + 2).copied().unwrap_or(false)
            && i + 1 < t.len()
            && !quoted[i + 1];
        if !(called || added) {
            continue;
        }
        let a = i + 1;
        let b = if added {
            (a + 1..t.len())
                .find(|&k| !quoted[k])
                .map(|k| k + 1)
                .unwrap_or(t.len())
        } else {
            (a..t.len())
                .find(|&k| matches!(w(t, k), "," | "?" | "." | "!" | ";") || w(t, k) == "-")
                .unwrap_or(t.len())
        };
        let name = quoted_or_text(t, a, b);
        if !name.is_empty() {
            return Some(text::capitalize(&name));
        }
    }
    None
}

/// "remind me 15 minutes before", "with a reminder at 9am", "(reminder 1 hour before)".
/// The reminder and, when it was said as a time of day alone ("at 3pm",
/// "the day before at 9am"), that time and how many days before the due
/// day it falls.
type ReminderRead = (Result<ReminderSpec, String>, Option<(i64, when::Hm)>);

fn reminder_clause(t: &[Tok], i: usize, clk: &Clock) -> Option<(usize, ReminderRead)> {
    let mut k = i;
    let mut paren = false;
    while matches!(
        w(t, k),
        "," | "and" | "with" | "plus" | "+" | "-" | "(" | "also" | ";"
    ) {
        paren |= w(t, k) == "(";
        k += 1;
    }
    let starts: &[&[&str]] = &[
        &["give", "me", "a", "reminder"],
        &["give", "me", "reminder"],
        &["with", "two", "reminders"],
        &["two", "reminders"],
        &["give", "me", "a", "heads", "up"],
        &["give", "me", "a", "heads-up"],
        &["a", "heads", "up"],
        &["a", "heads-up"],
        &["heads", "up"],
        &["heads-up"],
        &["please", "remind", "me"],
        &["please", "remember", "me"],
        &["remind", "me"],
        &["remember", "me"],
        &["a", "reminder"],
        &["reminder"],
        &["reminders"],
        &["remind"],
        &["alert", "me"],
        &["ping", "me"],
        &["nudge", "me"],
        &["notify", "me"],
        &["warn", "me"],
        // "…, I want to be reminded one hour before", "I want a reminder at …".
        &["i", "want", "to", "be", "reminded"],
        &["want", "to", "be", "reminded"],
        &["i", "want", "a", "reminder"],
        &["i'd", "like", "a", "reminder"],
        &["be", "reminded"],
    ];
    // "2 hours before remind me", "2 hours before I need a reminder, please":
    // the time first, the asking after.
    if let Some((e, m)) = before_spec(t, k) {
        let mut j = e;
        while matches!(
            w(t, j),
            "," | "-"
                | "i"
                | "need"
                | "want"
                | "would"
                | "like"
                | "a"
                | "please"
                | "pls"
                | "give"
                | "me"
                | "can"
                | "you"
                | "send"
                | "i'd"
        ) {
            j += 1;
        }
        if (j > e || w(t, j) == "remind" && w(t, j + 1) == "me")
            && matches!(
                w(t, j),
                "remind" | "reminder" | "notice" | "nudge" | "alert" | "ping" | "notification"
            )
        {
            j += 1;
            while matches!(w(t, j), "me" | "please" | "pls") {
                j += 1;
            }
            return Some((j, (Ok(ReminderSpec::Before { minutes: m }), None)));
        }
    }
    let k0 = k;
    match starts.iter().find(|s| seq(t, k, s)) {
        Some(s) => k += s.len(),
        None => {
            // "give me a nudge", "I'd like a reminder", "ping an hour before",
            // "buzz me", "give me a shout", "warn me 2 hours ahead": a word of
            // reminding after a few words of asking.
            let mut j = k;
            while j < k + 4
                && matches!(
                    w(t, j),
                    "give"
                        | "get"
                        | "send"
                        | "want"
                        | "like"
                        | "need"
                        | "i'd"
                        | "i"
                        | "please"
                        | "a"
                        | "an"
                        | "me"
                        | "some"
                        | "quick"
                        | "little"
                )
            {
                j += 1;
            }
            // "check the overnight alerts at 7:15am", "the server alerts":
            // after a word that names them, the alerts are a thing to
            // check, not a reminder asked for.
            if j == k
                && k > 0
                && matches!(
                    w(t, j),
                    "alert" | "alerts" | "warning" | "notification" | "bug"
                )
                && !text::is_punct(w(t, k - 1))
                && !matches!(
                    w(t, k - 1),
                    "and"
                        | "set"
                        | "add"
                        | "with"
                        | "also"
                        | "then"
                        | "plus"
                        | "or"
                        | "create"
                        | "schedule"
                        | "put"
                        | "an"
                        | "a"
                        | "me"
                        | "please"
                        | "pls"
                )
            {
                return None;
            }
            if !matches!(
                w(t, j),
                "nudge"
                    | "ping"
                    | "alert"
                    | "alerts"
                    | "warning"
                    | "warn"
                    | "shout"
                    | "buzz"
                    | "notification"
                    | "notify"
                    | "reminder"
                    | "remind"
                    | "bug"
            ) {
                // "30 min warning beforehand", "a 45 minute reminder".
                let d = if matches!(w(t, k), "a" | "an") {
                    k + 1
                } else {
                    k
                };
                let (e, n, u) = when::duration(t, d)?;
                if !matches!(
                    w(t, e),
                    "warning" | "reminder" | "heads-up" | "alert" | "nudge" | "ping"
                ) {
                    return None;
                }
                let per = u.minutes()?;
                let mut e = e + 1;
                if matches!(
                    w(t, e),
                    "before" | "beforehand" | "ahead" | "early" | "earlier" | "prior"
                ) {
                    e += 1;
                }
                let _ = k0;
                return Some((
                    e,
                    (
                        Ok(ReminderSpec::Before {
                            minutes: (n as i64 * per).min(u32::MAX as i64) as u32,
                        }),
                        None,
                    ),
                ));
            }
            k = j + 1;
            if w(t, k) == "me" {
                k += 1;
            }
        }
    }
    if matches!(w(t, k), "already" | "again" | "also") {
        k += 1;
    }
    if matches!(w(t, k), "about" | "of") && w(t, k + 1) == "it" {
        k += 2;
    }
    if w(t, k) == ":" {
        k += 1;
    }
    let mut bare_time = None;
    let (mut e, spec) = if let Some((e, m)) = before_list(t, k) {
        // The durations after the first are read by `more_before`.
        (e, Ok(ReminderSpec::Before { minutes: m }))
    } else if let Some((e, m, part)) = before_spec(t, k)
        .map(|(e, m)| (e, m, None))
        .or_else(|| part_of_day_before(t, k).map(|(e, hm)| (e, 1440, Some(hm))))
    {
        // "the day before at 9am": that time on the day before; "the
        // evening before": that part of the day before.
        let at_time = when::parse_when(t, e, clk)
            .filter(|(_, wn)| wn.date.is_none() && wn.instant.is_none() && wn.time.is_some());
        match at_time {
            Some((e2, wn)) if m % 1440 == 0 => {
                bare_time = wn.time.map(|hm| (i64::from(m / 1440), hm));
                (e2, Ok(ReminderSpec::Before { minutes: m }))
            }
            _ => {
                bare_time = part.map(|hm| (1, hm));
                (e, Ok(ReminderSpec::Before { minutes: m }))
            }
        }
    } else if let Some((e, wn)) = when::parse_when(t, k, clk) {
        if wn.date.is_none() && wn.instant.is_none() {
            bare_time = wn.time.map(|hm| (0, hm));
        }
        let spec = wn.reminder_instant(clk).map(|x| ReminderSpec::At {
            utc_ms: x.timestamp_millis(),
        });
        let mut e = e;
        // "at 1pm that day", "at 9 on the day".
        for tail in [
            &["that", "day"][..],
            &["the", "same", "day"],
            &["on", "the", "day"],
            &["same", "day"],
        ] {
            if seq(t, e, tail) {
                e += tail.len();
                break;
            }
        }
        (e, spec)
    } else {
        return None;
    };
    if paren && w(t, e) == ")" {
        e += 1;
    }
    Some((e, (spec, bare_time)))
}

/// "1 hour and 15 minutes before", "1h + 15 min before": several
/// durations sharing one "before". Returns the end of the first duration
/// (the others are read by [`more_before`]) and its minutes.
fn before_list(t: &[Tok], k: usize) -> Option<(usize, u32)> {
    let (e, n, u) = when::duration(t, k)?;
    let per = u.minutes()?;
    let mut j = e;
    let mut count = 0;
    while matches!(w(t, j), "and" | "+" | "," | "&") {
        let (e2, _, u2) = when::duration(t, j + 1)?;
        u2.minutes()?;
        j = e2;
        count += 1;
    }
    if count == 0 || before_spec_word(t, j).is_none() {
        return None;
    }
    Some((e, (n as i64 * per).min(u32::MAX as i64) as u32))
}

fn before_spec_word(t: &[Tok], j: usize) -> Option<usize> {
    if matches!(
        w(t, j),
        "before" | "earlier" | "ahead" | "prior" | "beforehand" | "early"
    ) {
        Some(j + 1)
    } else if seq(t, j, &["in", "advance"]) {
        Some(j + 2)
    } else {
        None
    }
}

/// A further reminder right after one: "and 15 minutes before" (the
/// "before" may be shared with the next words: "and 15 minutes before"),
/// "and also 2 hours before", "+ 15 min before".
fn more_before(t: &[Tok], k: usize) -> Option<(usize, u32)> {
    let mut j = k;
    if !matches!(w(t, j), "and" | "+" | "," | "&") {
        return None;
    }
    j += 1;
    while matches!(w(t, j), "also" | "and" | "again" | "another" | "one") {
        j += 1;
    }
    let (e, n, u) = when::duration(t, j)?;
    let per = u.minutes()?;
    let minutes = (n as i64 * per).min(u32::MAX as i64) as u32;
    // Shared "before" ("1 hour and 15 minutes before") or its own.
    let e = match before_spec_word(t, e) {
        Some(e2) => e2,
        None if matches!(w(t, e), "and" | "+" | "," | "&") => e,
        None => return None,
    };
    Some((e, minutes))
}

/// "the evening before", "the morning before": the day before, at the
/// time that part of the day stands for ("the night before" is read by
/// `before_spec` as a day before).
fn part_of_day_before(t: &[Tok], k: usize) -> Option<(usize, when::Hm)> {
    if w(t, k) != "the" || w(t, k + 2) != "before" {
        return None;
    }
    when::day_part(w(t, k + 1)).map(|(hm, _)| (k + 3, hm))
}

/// "15 minutes before", "an hour earlier", "the day before", "a day ahead".
fn before_spec(t: &[Tok], k: usize) -> Option<(usize, u32)> {
    let (mut e, minutes) =
        if seq(t, k, &["the", "day", "before"]) || seq(t, k, &["the", "night", "before"]) {
            (k + 3, 1440)
        } else {
            let (e, n, u) = when::duration(t, k)?;
            let per = u.minutes()?;
            if !matches!(
                w(t, e),
                "before" | "earlier" | "ahead" | "prior" | "beforehand" | "early"
            ) && !seq(t, e, &["in", "advance"])
            {
                return None;
            }
            let e = if w(t, e) == "in" { e + 2 } else { e + 1 };
            (e, (n as i64 * per).min(u32::MAX as i64) as u32)
        };
    if matches!(w(t, e), "it" | "that" | "hand") {
        e += 1;
    } else if (w(t, e) == "to" && w(t, e + 1) == "it")
        || seq(t, e, &["it's", "due"])
        || seq(t, e, &["the", "deadline"])
        || seq(t, e, &["it", "starts"])
    {
        e += 2;
    } else if seq(t, e, &["it", "is", "due"]) {
        e += 3;
    }
    Some((e, minutes))
}

fn level_word(s: &str) -> Option<Priority> {
    Some(match s {
        "low" | "lowest" | "lower" | "minor" => Priority::Low,
        "medium" | "normal" | "mid" | "moderate" | "average" => Priority::Medium,
        "high" | "higher" | "important" => Priority::High,
        "urgent" | "critical" | "top" | "highest" | "max" | "maximum" | "asap" => Priority::Urgent,
        _ => return None,
    })
}

/// Priority codes: Todoist's `p1`..`p4`, and the web app's `!low`..`!urgent`.
fn p_code(s: &str) -> Option<Priority> {
    Some(match s {
        "p1" | "!urgent" => Priority::Urgent,
        "p2" | "!high" => Priority::High,
        "p3" | "!medium" | "!med" => Priority::Medium,
        "p4" | "!low" => Priority::Low,
        _ => return None,
    })
}

fn bangs(s: &str) -> Option<Priority> {
    if s.len() >= 2 && s.chars().all(|c| c == '!') {
        Some(if s.len() >= 3 {
            Priority::Urgent
        } else {
            Priority::High
        })
    } else {
        None
    }
}

fn digit_level(s: &str) -> Option<Priority> {
    match s {
        "1" => Some(Priority::Urgent),
        "2" => Some(Priority::High),
        "3" => Some(Priority::Medium),
        "4" => Some(Priority::Low),
        _ => None,
    }
}

/// An explicit priority phrase: "with high priority", "priority: low", "p1", "!!".
fn priority_phrase(t: &[Tok], i: usize) -> Option<(usize, Priority)> {
    let mut k = i;
    let mut paren = false;
    while matches!(w(t, k), "with" | "as" | "at" | "," | "-" | "(" | "and") {
        paren |= w(t, k) == "(";
        k += 1;
    }
    if matches!(w(t, k), "a" | "an") {
        k += 1;
    }
    // "but it is not urgent": the lead-in goes with the priority.
    let lead = k;
    while matches!(w(t, k), "but" | "it" | "is" | "it's" | "its") {
        k += 1;
    }
    let s = w(t, k);
    let ends = |e: usize| {
        let x = w(t, e);
        x.is_empty() || text::is_punct(x) || x.starts_with('#')
    };
    // Negated urgency and "no rush" mean it can wait: low.
    // "not urgent", "it isn't urgent", "not that important".
    let softened = usize::from(matches!(
        w(t, k + 1),
        "really" | "that" | "super" | "very" | "too" | "so" | "particularly" | "all" | "terribly"
    ));
    let low = if matches!(
        s,
        "not" | "non" | "isn't" | "isnt" | "aren't" | "arent" | "ain't"
    ) && matches!(w(t, k + 1 + softened), "urgent" | "important" | "pressing")
    {
        let e = k + 2 + softened;
        // "not urgent at all".
        Some(if seq(t, e, &["at", "all"]) { e + 2 } else { e })
    } else if s == "no" && matches!(w(t, k + 1), "rush" | "hurry") {
        Some(if seq(t, k + 2, &["at", "all"]) {
            k + 4
        } else {
            k + 2
        })
    } else if s == "whenever"
        && (ends(k + 1)
            || seq(t, k + 1, &["is", "fine"])
            || matches!(w(t, k + 1), "really" | "tho" | "though") && ends(k + 2))
    {
        Some(if seq(t, k + 1, &["is", "fine"]) {
            k + 3
        } else if matches!(w(t, k + 1), "really" | "tho" | "though") {
            k + 2
        } else {
            k + 1
        })
    } else {
        None
    };
    if let Some(e) = low {
        return Some((e, Priority::Low));
    }
    if k > lead && !matches!(s, "high" | "low" | "medium" | "urgent" | "important") {
        k = lead;
    }
    let s = w(t, k);
    // "thanks!!", "good morning!!": excitement, not a priority.
    let excited = (k == 0 && matches!(w(t, 1), "so" | "ok" | "okay" | "well" | "hey" | "my"))
        || k > 0
            && matches!(
                w(t, k - 1),
                "urgent" | "important" | "asap" | "it's" | "now"
            )
        || k > 0
            && matches!(
                w(t, k - 1),
                "thanks"
                    | "thank"
                    | "you"
                    | "thx"
                    | "morning"
                    | "hi"
                    | "hello"
                    | "hey"
                    | "please"
                    | "pls"
                    | "yay"
                    | "wow"
                    | "omg"
                    | "great"
                    | "cool"
                    | "nice"
                    | "awesome"
                    | "haha"
                    | "lol"
                    | "youu"
                    | "youuu"
                    | "evening"
                    | "afternoon"
                    | "night"
                    | "cheers"
            );
    let found = if let Some(p) = p_code(s).or_else(|| bangs(s).filter(|_| !excited)) {
        Some((k + 1, p))
    } else if let Some((a, b)) = s.split_once('-') {
        match (level_word(a), b) {
            (Some(p), "priority" | "prio") => Some((k + 1, p)),
            _ => None,
        }
    } else if let Some(p) = level_word(s) {
        if matches!(w(t, k + 1), "priority" | "prio" | "pri" | "importance") && s != "important" {
            Some((k + 2, p))
        } else {
            None
        }
    } else if matches!(s, "priority" | "prio") {
        let mut c = k + 1;
        if matches!(w(t, c), ":" | "is" | "=" | "of") {
            c += 1;
        }
        level_word(w(t, c))
            .or_else(|| digit_level(w(t, c)))
            .map(|p| (c + 1, p))
    } else {
        None
    };
    let (mut e, p) = found?;
    if paren && w(t, e) == ")" {
        e += 1;
    }
    Some((e, p))
}

/// "urgent", "asap", "important" at the start or end of a task body.
fn positional_priority(t: &[Tok], ex: &Extract) -> Option<(usize, usize, Priority)> {
    let free = ex.free_words();
    let word = |s: &str| -> Option<Priority> {
        match s {
            "urgent" | "urgently" | "asap" | "critical" => Some(Priority::Urgent),
            "important" => Some(Priority::High),
            _ => None,
        }
    };
    let first = *free.first()?;
    let very_last = *free.last()?;
    // "pay the parking fine asap!!": the exclamation marks go with the word.
    let bang = |i: usize| !w(t, i).is_empty() && w(t, i).chars().all(|c| matches!(c, '!' | '.'));
    let mut n_free = free.len();
    while n_free > 1 && bang(free[n_free - 1]) && !ex.locked[free[n_free - 1]] {
        n_free -= 1;
    }
    let last = free[n_free - 1];
    if let Some(p) = word(w(t, first)).filter(|_| !ex.locked[first]) {
        if free.len() > 1 {
            let mut e = first + 1;
            if matches!(w(t, e), ":" | "-" | ",") {
                e += 1;
            }
            return Some((first, e, p));
        }
    }
    // "call the Hausverwaltung about the heating asap, it's freezing": the
    // level ends the request; a reason follows.
    if let Some(c) = (first + 1..t.len()).find(|&c| {
        matches!(w(t, c), "," | "." | "-" | "!")
            && matches!(
                w(t, c + 1),
                "it's"
                    | "its"
                    | "it"
                    | "i'm"
                    | "im"
                    | "because"
                    | "cause"
                    | "since"
                    | "we"
                    | "they"
                    | "my"
                    | "so"
                    | "lol"
                    | "ugh"
                    | "the"
                    | "there's"
            )
    }) {
        if let Some(p) = word(w(t, c - 1)).filter(|_| !ex.locked[c - 1] && !ex.used[c - 1]) {
            return Some((c - 1, c, p));
        }
    }
    // "'Update the privacy policy' - 12/2 eod, medium": a level said alone
    // after a comma or a dash, at the end.
    if last > 0 && n_free > 2 && !ex.locked[last] && matches!(w(t, last - 1), "," | "-") {
        let level = match w(t, last) {
            "high" => Some(Priority::High),
            "medium" | "normal" => Some(Priority::Medium),
            "low" => Some(Priority::Low),
            _ => None,
        };
        if let Some(p) = level {
            return Some((last - 1, last + 1, p));
        }
    }
    if let Some(p) = word(w(t, last)).filter(|_| !ex.locked[last]) {
        if n_free > 1 {
            let mut a = last;
            while a > 0
                && !ex.used[a - 1]
                && matches!(
                    w(t, a - 1),
                    "," | "-" | "very" | "it's" | "its" | "(" | "is" | "this"
                )
            {
                a -= 1;
            }
            let mut e = last + 1;
            if w(t, e) == ")" {
                e += 1;
            }
            if very_last > last {
                e = very_last + 1;
            }
            return Some((a, e, p));
        }
    }
    None
}

/// A priority phrase covering exactly t[a..b]: "urgent", "high priority",
/// "a priority", "top priority", "p1", "as important".
fn level_exact(t: &[Tok], a: usize, b: usize) -> Option<Priority> {
    let (mut a, mut b) = (a, b);
    while a < b && matches!(w(t, a), "a" | "an" | "as" | "to" | "the") {
        a += 1;
    }
    while b > a && matches!(w(t, b - 1), "." | "!" | "please" | "now" | "one" | "task") {
        b -= 1;
    }
    if b > a && matches!(w(t, b - 1), "priority" | "prio") {
        if b - a == 1 {
            return Some(Priority::High);
        }
        b -= 1;
    }
    if b > a && matches!(w(t, a), "priority" | "prio") {
        a += 1;
        if b == a + 1 {
            if let Some(p) = digit_level(w(t, a)) {
                return Some(p);
            }
        }
    }
    if b != a + 1 {
        if b == a + 2 {
            match (w(t, a), w(t, a + 1)) {
                ("most", "important" | "urgent") => return Some(Priority::Urgent),
                ("more", "important" | "urgent") => return Some(Priority::High),
                ("less", "important" | "urgent") => return Some(Priority::Low),
                _ => {}
            }
        }
        return None;
    }
    let s = w(t, a);
    level_word(s)
        .or_else(|| p_code(s))
        .or_else(|| bangs(s))
        .or_else(|| match s.split_once('-') {
            Some((x, "priority")) => level_word(x),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context::new("Europe/Berlin", 1_795_683_600_000).unwrap()
    }

    fn p(s: &str) -> Intent {
        let c = ctx();
        let clk = Clock::new(c.timezone, c.now_utc_ms);
        parse_intent(s, &c, &clk).intent
    }

    #[test]
    fn title_keeps_ordinals_without_trigger() {
        match p("Read The 5th Wave") {
            Intent::AddTask { title, due, .. } => {
                assert_eq!(title, "Read The 5th Wave");
                assert!(due.is_none());
            }
            other => panic!("{other:?}"),
        }
        match p("Renovation - 2nd Floor Bath") {
            Intent::AddTask { title, due, .. } => {
                assert_eq!(title, "Renovation - 2nd Floor Bath");
                assert!(due.is_none());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn important_inside_title_is_kept() {
        match p("Read important documents") {
            Intent::AddTask {
                title, priority, ..
            } => {
                assert_eq!(title, "Read important documents");
                assert_eq!(priority, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn confirm_turn() {
        assert_eq!(p("yes"), Intent::Confirm { accepted: true });
        assert_eq!(p("No, keep it"), Intent::Confirm { accepted: false });
    }

    #[test]
    fn reference_without_last_task_asks() {
        assert!(matches!(
            p("remind me 15 minutes before"),
            Intent::Unknown { .. }
        ));
        assert!(matches!(p("complete it"), Intent::Unknown { .. }));
    }
}
