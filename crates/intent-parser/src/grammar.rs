//! From tokens to an intent. Each command has a small matcher; what no
//! matcher claims and is not a question becomes a new task.

mod add;
mod anywhere;
mod complete;
mod edits;
mod follow_up;
mod list;
mod reminders;
mod requests;
mod series;
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
    // ("yay done with the taxes 🎉": joy, then the news.)
    &["yay"],
    &["woohoo"],
    &["yess"],
    // ("nvm, buy milk": what replaces the dropped request.)
    &["nvm"],
    &["never", "mind"],
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
    // "descale the kettle the day after tomorrow I guess?": a shrug.
    &["i", "guess"],
    &["i", "suppose"],
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
    // ("hey, mind adding …": the question said short.)
    let Some((s, said)) = (0..all.len().min(4)).find_map(|s| {
        let said =
            if seq(&all, s, &["would", "you", "mind"]) || seq(&all, s, &["do", "you", "mind"]) {
                3
            } else if w(&all, s) == "mind" && w(&all, s + 1).ends_with("ing") {
                1
            } else {
                return None;
            };
        all[..s].iter().all(greeting).then_some((s, said))
    }) else {
        return all;
    };
    let lead = s + said;
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
            // ("the gas bill is paid" says how things stand, not a story.)
            (2..5).any(|i| {
                verb_at(i)
                    && (1..i).all(|j| {
                        !text::is_punct(w(t, j))
                            && !past(w(t, j))
                            && !matches!(w(t, j), "is" | "are")
                    })
            })
        }
        _ => false,
    }
}

/// A new task's words, then ", remind me" and the reminder as said: the
/// order the task reader knows, for a reminder said before its task. The
/// added words take the place of `last` (they are never part of a title).
fn task_then_reminder(task: &[Tok], reminder: &[Tok], last: &Tok) -> Vec<Tok> {
    let word = |s: &str| text::word_at(s, last);
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

/// Whether the message asks in so many words for a task to be kept ("add
/// …", "can you make a task to …", "todo: …"): then it is one, whatever it
/// sounds like.
pub(crate) fn asks_for_a_task(message: &str) -> bool {
    let t = text::tokenize(message);
    anywhere::asks_to_add(&t)
        || matches!(w(&t, 0), "todo" | "to-do" | "task") && matches!(w(&t, 1), ":" | "-")
}

pub(crate) fn parse_intent(message: &str, ctx: &Context, clk: &Clock) -> Out {
    let mut out = read_intent(message, ctx, clk);
    if let Some(focused) = one_command_said(message, &out, ctx, clk) {
        out = focused;
    }
    if let Some(command) = command_then_remark(message, &out, ctx, clk) {
        out = command;
    }
    if let Some(command) = named_then_pointed(message, &out, ctx, clk) {
        out = command;
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

/// "gutters can wait, put that task on low priority", "office christmas
/// party got cancelled 😢 delete that task", "expense report still needs
/// receipts, set it back to open": a thing named with news of it, then a
/// command that points back at it. When the command read alone is about
/// the task under discussion (or could not tell which), it is about the
/// thing named: the command is read again with "the <name> task" in place
/// of the pointer.
fn named_then_pointed(message: &str, whole: &Out, ctx: &Context, clk: &Clock) -> Option<Out> {
    // (With a task under discussion, "the plumber was here, tick it off"
    // points at that task; a new task's "it" is itself.)
    let pointed = match whole.intent.target() {
        Some(TaskTarget::LastTask(_)) => ctx.last_task.is_none(),
        None => matches!(whole.intent, Intent::Unknown { .. }),
        _ => false,
    };
    if !pointed {
        return None;
    }
    let t = text::tokenize(message);
    let quoted = quoted_tokens(&t);
    let k = (1..t.len()).find(|&k| matches!(w(&t, k), "," | "." | ";" | "-") && !quoted[k])?;
    let mut a = usize::from(matches!(w(&t, 0), "the" | "my" | "our"));
    // News of a thing, not of the user: "can wait", "got cancelled",
    // "still needs receipts", "disbanded".
    let news = (a + 1..k).find(|&j| {
        let next = w(&t, j + 1);
        w(&t, j) == "can" && next == "wait"
            || matches!(w(&t, j), "got" | "was" | "is" | "has" | "been")
                && matches!(
                    next,
                    "cancelled" | "canceled" | "moved" | "postponed" | "called" | "sorted"
                )
            || w(&t, j) == "still" && matches!(next, "needs" | "has" | "isn't" | "is")
            || matches!(
                w(&t, j),
                "disbanded" | "cancelled" | "canceled" | "ended" | "started" | "task"
            )
    })?;
    if news - a > 4 || quoted[a..k].iter().any(|&q| q) {
        return None;
    }
    while a < news && matches!(w(&t, a), "the" | "my") {
        a += 1;
    }
    if a >= news
        || t[a..news]
            .iter()
            .any(|x| text::is_punct(&x.low) || PRONOUNS.contains(&x.low.as_str()))
    {
        return None;
    }
    // The command, with the pointer replaced.
    let rest = &t[k + 1..];
    let p = (0..rest.len()).find(|&i| matches!(w(rest, i), "it" | "that" | "this"))?;
    let end = p + usize::from(matches!(w(rest, p + 1), "task" | "one"));
    let tail = rest.get(end + 1).map_or("", |x| &message[x.start..]);
    let said = format!(
        "{}the {} task {}",
        &message[rest.first()?.start..rest[p].start],
        &message[t[a].start..t[news - 1].end],
        tail
    );
    let again = read_intent(&said, ctx, clk);
    matches!(again.intent.target(), Some(TaskTarget::Name(_))).then_some(again)
}

/// Whether the whole message read as a new task or as nothing: the
/// readings a second look at its parts may replace.
fn new_task_or_nothing(whole: &Out) -> bool {
    matches!(
        whole.intent,
        Intent::AddTask { .. } | Intent::Unknown { .. }
    )
}

/// "push to tue eod, drowning here", "tonight instead pls, kids in bed by
/// then", "I need to push the optician task to Friday at 2pm, they called
/// to change it": a command on a task, then a clause that says why. When
/// the whole read as a new task (or nothing), and the words before the
/// last comma read alone as a command on a task, the command is meant; the
/// clause after it must not carry a date, level or tag of its own, nor ask.
fn command_then_remark(message: &str, whole: &Out, ctx: &Context, clk: &Clock) -> Option<Out> {
    if !new_task_or_nothing(whole) {
        return None;
    }
    let t = text::tokenize(message);
    let quoted = quoted_tokens(&t);
    let k = (1..t.len())
        .rev()
        .find(|&k| w(&t, k) == "," && !quoted[k])?;
    let tail = &t[k + 1..];
    let p = Parser { ctx, clk };
    // ("…, and remind me too", "…, call Bob": a second request.)
    let asks = any_word(
        tail,
        &[
            "remind", "reminder", "add", "task", "please", "pls", "can", "could", "also", "tag",
            "tags",
        ],
    ) || matches!(w(tail, 0), "and" | "plus")
        // ("…, water everywhere" says why; "…, call Bob" asks again.)
        || text::opens_todo(w(tail, 0))
            && (matches!(
                w(tail, 1),
                "the" | "my" | "a" | "an" | "some" | "his" | "her" | "their" | "our" | "up" | "out"
            ) || tail
                .get(1)
                .is_some_and(|x| x.text.starts_with(char::is_uppercase)));
    if tail.is_empty() || tail.len() > 10 || asks || p.has_task_details(tail, true) {
        return None;
    }
    let head = read_intent(&message[..t[k].start], ctx, clk);
    matches!(
        head.intent,
        Intent::Reschedule { .. }
            | Intent::SetPriority { .. }
            | Intent::CompleteTask { .. }
            | Intent::Snooze { .. }
            | Intent::AddReminder { .. }
            | Intent::ReopenTask { .. }
            | Intent::StopSeries { .. }
            | Intent::ResumeSeries { .. }
    )
    .then_some(head)
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
    if !new_task_or_nothing(whole) {
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
    if signs_off(&whole) || waves(message, &whole) {
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
    if CHAT.contains(&talk.as_str())
        || is_chat(&talk)
        || asks_about_assistant(&talk)
        || remarks_on_app(&talk)
    {
        return unknown(HELP);
    }
    let p = Parser { ctx, clk };
    if leaves_now(&all, &p) {
        return unknown(HELP);
    }
    if let Some(out) = p.asks_if_listed(&all).or_else(|| cannot_do(&all, &p)) {
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
    // ("I want to be reminded 2 hours before it": the reminder reader's,
    // before "I want to" is taken for a new task.)
    let reminded = seq(t, 3, &["be", "reminded"]) && w(t, 0) == "i";
    if let Some(out) = reminded.then(|| p.remind(t)).flatten() {
        return out;
    }
    if let Some(out) = p
        .reopen_said_after(t)
        .or_else(|| p.reschedule_intended(t))
        .or_else(|| p.level_put_on(t))
        .or_else(|| p.reminder_first(t))
        .or_else(|| p.reminder_sized(t))
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
        .or_else(|| p.reminder_noun_for(t))
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
        .or_else(|| p.filters_alone(t))
        .or_else(|| p.filters_in_a_clause(t));
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
        return refuse(crate::CANNOT_DO);
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
        // "dermatologist got moved to monday", "book club disbanded",
        // "ballet started again", "therapy's over": news of the thing,
        // then the command; the name ends where the news begins.
        let mut b = b;
        let mut possessive = false;
        if let Some(j) = (a + 1..b).find(|&j| {
            !quoted[j]
                && matches!(
                    w(t, j),
                    "got"
                        | "gets"
                        | "was"
                        | "were"
                        | "has"
                        | "had"
                        | "started"
                        | "disbanded"
                        | "cancelled"
                        | "canceled"
                        | "ended"
                        | "stopped"
                        | "restarted"
                        | "postponed"
                        | "closed"
                        | "shut"
                )
        }) {
            b = j;
        } else if let Some(j) = (a..b.saturating_sub(1)).find(|&j| {
            !quoted[j]
                && w(t, j).ends_with("'s")
                && matches!(
                    w(t, j + 1),
                    "over" | "done" | "finished" | "cancelled" | "canceled" | "off"
                )
        }) {
            b = j + 1;
            possessive = true;
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
        let name = name_text(t, a2, b2);
        let name = match name.strip_suffix("'s") {
            Some(stem) if possessive && !stem.is_empty() => stem.to_string(),
            _ => name,
        };
        Ok(TaskTarget::Name(name))
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
            && (is_list(i + 1)
                || matches!(w(t, i + 1), "it" | "them")
                || seq(t, i + 1, &["the", "title"]))
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
            "!", "but", "•", "·", "*", "+", "->",
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
            // "On each 20th of the month I send …", "always on Friday
            // evenings I plan …": a word left of the date read after it.
            while idx.len() > 2
                && tidy(idx[0], &["on", "always", "at", "every", "each"])
                && idx[1] > idx[0] + 1
                && (idx[0] + 1..idx[1]).all(|i| self.used[i])
            {
                idx.remove(0);
            }
            // ("… the 20th of the month I send money home": what one does
            // then, right after the date, is what to do.)
            if idx.len() > 2
                && tidy(idx[0], &["i"])
                && idx[1] == idx[0] + 1
                && idx[0] > 0
                && self.used[idx[0] - 1]
                && !tidy(
                    idx[1],
                    &[
                        "am", "was", "think", "guess", "hope", "feel", "have", "had", "will", "can",
                    ],
                )
            {
                idx.remove(0);
            }
            while idx.last().is_some_and(|&i| {
                tidy(i, TAIL) && !self.ends_on_preposition(i) && !text::till_is_noun(self.t, i)
            }) {
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
            // "it needs doing before the 12th: book a chimney sweep", "12/7
            // is the deadline - complete the expense report": when it is
            // due, said first (the date was read); the task follows. ("The
            // deadline - a film to watch", with no date, is a title.)
            for said in [
                &["it", "needs", "doing"][..],
                &["it", "needs", "to", "be", "done"],
                &["it", "has", "to", "be", "done"],
                &["it", "must", "be", "done"],
                &["it's", "due"],
                &["is", "the", "deadline"],
                &["the", "deadline"],
                &["deadline"],
            ] {
                let n = said.len();
                if idx.len() > n + 1
                    && idx[..n].iter().zip(said).all(|(&i, w)| tidy(i, &[w]))
                    && tidy(idx[n], &[":", "-", "–", "—", ","])
                    && (0..idx[n]).any(|i| self.used[i])
                {
                    idx.drain(..=n);
                }
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
        // "…. extra reminder tuesday 9am please".
        &["an", "extra", "reminder"],
        &["extra", "reminder"],
        &["another", "reminder"],
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
    // "remind me that day at 6pm", "reminder that morning at 8:30": a time
    // on the day the task is due (the part of the day decides "at 8").
    let same_day = SAME_DAY.iter().find(|p| seq(t, k, p)).and_then(|p| {
        let (e, mut wn) = when::parse_when(t, k + p.len(), clk)
            .filter(|(_, wn)| wn.date.is_none() && wn.instant.is_none())?;
        let (h, m) = wn.time?;
        wn.time = Some((hour_in_part(p[1], h), m));
        Some((e, wn))
    });
    if let Some((e, wn)) = same_day {
        bare_time = wn.time.map(|hm| (0, hm));
        return Some((e, (reminder_spec_at(&wn, clk), bare_time)));
    }
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
        let spec = reminder_spec_at(&wn, clk);
        let mut e = e;
        // "at 1pm that day", "at 9 on the day", "at 1 that afternoon".
        // ("same day" reads only after the time.)
        for &tail in SAME_DAY.iter().chain([&["same", "day"][..]].iter()) {
            if seq(t, e, tail) {
                if let (Some((_, hm)), Some((h, m))) = (bare_time, wn.time) {
                    let h2 = hour_in_part(tail[1], h);
                    if h2 != hm.0 {
                        let mut wn = wn.clone();
                        wn.time = Some((h2, m));
                        bare_time = Some((0, (h2, m)));
                        return Some((e + tail.len(), (reminder_spec_at(&wn, clk), bare_time)));
                    }
                }
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

/// The day the task is due, named in a reminder ("that day", "that
/// morning"); the second word is the part of the day, if any.
const SAME_DAY: &[&[&str]] = &[
    &["that", "day"],
    &["the", "same", "day"],
    &["on", "the", "day"],
    &["that", "morning"],
    &["that", "afternoon"],
    &["that", "evening"],
];

/// An hour said without am/pm, read in the part of the day named with it
/// ("that morning at 8", "at 1 that afternoon"); any other word keeps it.
fn hour_in_part(part: &str, h: u32) -> u32 {
    match part {
        "morning" if h >= 12 => h - 12,
        "afternoon" | "evening" if h < 12 => h + 12,
        _ => h,
    }
}

/// A reminder at the instant `wn` names (whether it has passed is the
/// caller's to judge; `Parser::reminder_at` refuses past ones).
fn reminder_spec_at(wn: &When, clk: &Clock) -> Result<ReminderSpec, String> {
    wn.reminder_instant(clk).map(|x| ReminderSpec::At {
        utc_ms: x.timestamp_millis(),
    })
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

pub(super) fn before_spec_word(t: &[Tok], j: usize) -> Option<usize> {
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
    } else if matches!(w(t, e), "each" | "every") && w(t, e + 1) == "time" {
        // "an hour before each time".
        e += 2;
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
        if matches!(w(t, c), ":" | "is" | "=" | "of" | "to") {
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
