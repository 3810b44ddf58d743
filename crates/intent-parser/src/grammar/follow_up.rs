//! Follow-ups: short replies about the task of the previous turn that say
//! only what changes ("tomorrow instead", "sorry I meant tuesday", "nah,
//! friday", "meh, low priority", "also 2 hours before", "typo, it should be
//! Email Jana"). They apply only when a task is under discussion, and only
//! when every other word is the filler of a correction, so a new task ("gym
//! tomorrow") is never read as one.

use super::*;

/// The words a correction is made of, besides what it changes.
const FILLER: &[&str] = &[
    "instead",
    "sorry",
    "i",
    "i'm",
    "meant",
    "mean",
    "nah",
    "no",
    "nope",
    "actually",
    "make",
    "that",
    "it",
    "this",
    "one",
    "works",
    "work",
    "better",
    "would",
    "be",
    "should",
    "let's",
    "lets",
    "say",
    "do",
    "hmm",
    "hm",
    "oops",
    "wrong",
    "day",
    "date",
    "time",
    "pls",
    "please",
    "plz",
    "new",
    "deadline",
    "due",
    "ok",
    "okay",
    "then",
    "rather",
    "how",
    "about",
    "what",
    "is",
    "it's",
    "that's",
    "move",
    "to",
    "for",
    "on",
    "at",
    "the",
    "change",
    "set",
    "put",
    "oh",
    "ah",
    "wait",
    "um",
    "uh",
    "fine",
    "ugh",
    "just",
    "maybe",
    "prefer",
    "go",
    "with",
    "try",
    "yeah",
    "so",
    "and",
    "also",
    "too",
    "again",
    "now",
    "think",
    "let",
    "us",
    "we",
    "can",
    "could",
    "you",
    "u",
    "push",
    "bump",
    "shift",
    "it'll",
    "gonna",
    "going",
    "meh",
    "pretty",
    "really",
    "very",
    "quite",
    "kinda",
    "kind",
    "of",
    "priority",
    "prio",
    "not",
    "another",
    "more",
    "a",
    "an",
    "as",
    "well",
    "thx",
    "thanks",
    "hey",
    "idea",
    "probably",
    "definitely",
    "are",
    "anymore",
    "ones",
    "one's",
    "thats",
];

fn is_filler(x: &Tok) -> bool {
    text::is_punct(&x.low)
        || x.low.chars().all(|c| matches!(c, '!' | '?' | '.'))
        || FILLER.contains(&x.low.as_str())
}

impl Parser<'_> {
    /// A follow-up on the task of the previous turn, or `None`.
    pub(super) fn follow_up(&self, t: &[Tok]) -> Option<Out> {
        let target = self.last_task().ok()?;
        if t.is_empty() {
            return None;
        }
        // Quoted words are never a date or a level; they may be a new name
        // ("I wrote it wrong, the name should be 'Appointment at …'").
        if quoted_tokens(t).iter().any(|&q| q) {
            return self.rename_follow_up(t, target);
        }
        // "remind me tonight", "snooze … in 25 min": the readers of
        // reminders decide.
        if any_word(
            t,
            &[
                "remind",
                "reminder",
                "reminders",
                "snooze",
                "ping",
                "nudge",
                "alert",
            ],
        ) {
            return None;
        }
        // Every word outside the spans found is the filler of a correction.
        let only =
            |a: usize, e: usize| (0..t.len()).all(|k| (a..e).contains(&k) || is_filler(&t[k]));
        let free = Extract::new(t, &[]);
        // "also 2 hours before", "and the day before too pls".
        let befores = free.scan(before_spec);
        if let [(a, e, minutes)] = befores[..] {
            if only(a, e) {
                return Some(
                    Intent::AddReminder {
                        target,
                        spec: ReminderSpec::Before { minutes },
                    }
                    .into(),
                );
            }
        }
        if !befores.is_empty() {
            return None;
        }
        // "tomorrow instead", "sorry I meant tuesday", "make that 3pm
        // tomorrow": a date and nothing else to do.
        let dates = free.scan(|s, i| self.date_at(s, i));
        let repeats = (0..t.len()).any(|i| recur::parse_recurrence(t, i).is_some());
        // "not now, in 25 min" puts off a reminder: minutes and hours from
        // now are a snooze's, not a due date's.
        let from_now = (0..t.len()).any(|i| {
            w(t, i) == "in"
                && when::duration(t, i + 1)
                    .is_some_and(|(_, _, u)| u.minutes().is_some_and(|m| m < 24 * 60))
        });
        if let [(a, e, ref wn)] = dates[..] {
            if !repeats && !from_now && only(a, e) {
                return Some(self.reschedule_target(target, wn));
            }
        }
        // "not today lol, do it day after tomorrow", "I can't do it today,
        // tomorrow evening ok?": the day denied, then the day meant.
        if let [(a1, e1, ref first), (a2, e2, ref second)] = dates[..] {
            let denied = |a: usize| {
                (a.saturating_sub(3)..a).any(|k| {
                    matches!(
                        w(t, k),
                        "not" | "can't" | "cant" | "cannot" | "won't" | "isn't"
                    )
                })
            };
            let meant = match (denied(a1), denied(a2)) {
                (true, false) => Some(second),
                (false, true) => Some(first),
                _ => None,
            };
            let rest_ok = (0..t.len()).all(|k| {
                (a1..e1).contains(&k)
                    || (a2..e2).contains(&k)
                    || is_filler(&t[k])
                    || matches!(
                        w(t, k),
                        "can't" | "cant" | "cannot" | "won't" | "lol" | "isn't"
                    )
            });
            if let (Some(wn), true, false) = (meant, rest_ok, repeats) {
                return Some(self.reschedule_target(target, wn));
            }
        }
        if !dates.is_empty() {
            return None;
        }
        // "meh, low priority", "that's actually pretty important", "sorry,
        // I meant medium priority, not high".
        // The level said, not the one denied: "not urgent anymore, low is fine".
        // "not urgent", "no longer important", "not so urgent": a level
        // denied.
        let denied = |i: usize| {
            i > 0 && matches!(w(t, i - 1), "not" | "longer" | "isn't" | "isnt")
                || i > 1
                    && w(t, i - 2) == "not"
                    && matches!(
                        w(t, i - 1),
                        "so" | "that" | "very" | "really" | "too" | "super"
                    )
        };
        let level = (0..t.len()).find_map(|i| {
            let s = w(t, i).trim_start_matches('!');
            level_word(s)
                .or_else(|| p_code(s))
                .filter(|_| !denied(i))
                .map(|p| (i, p))
        });
        // "not urgent anymore", "dont need that urgently anymore, whenever
        // is fine": only a denial, which lowers it.
        let level = level.or_else(|| {
            let k = (0..t.len()).find(|&i| {
                matches!(w(t, i), "urgent" | "important" | "urgently" | "high") && denied(i)
                    || w(t, i) == "urgently"
                        && (0..i).any(|j| matches!(w(t, j), "dont" | "don't" | "not"))
            })?;
            let said = (0..t.len()).all(|j| {
                j == k
                    || is_filler(&t[j])
                    || matches!(
                        w(t, j),
                        "no" | "longer"
                            | "need"
                            | "dont"
                            | "don't"
                            | "isn't"
                            | "isnt"
                            | "whenever"
                            | "is"
                            | "that"
                            | "it"
                            | "this"
                            | "so"
                            | "super"
                            | "any"
                            | "more"
                    )
            });
            said.then_some((k, Priority::Low))
        });
        if let Some((k, p)) = level {
            let others_ok = (0..t.len()).all(|j| {
                j == k
                    || is_filler(&t[j])
                    // "it doesn't need to be urgent, medium please", "never
                    // mind urgent, high will do".
                    || matches!(
                        w(t, j),
                        "no" | "longer"
                            | "whenever"
                            | "need"
                            | "needs"
                            | "dont"
                            | "don't"
                            | "doesn't"
                            | "doesnt"
                            | "be"
                            | "to"
                            | "never"
                            | "mind"
                            | "will"
                            | "do"
                            | "enough"
                            | "it"
                            | "is"
                    )
                    || level_word(w(t, j).trim_start_matches('!')).is_some() && denied(j)
                    || w(t, j) == "urgently"
            });
            let negated = p != Priority::Low && denied(k);
            if others_ok && !negated {
                return Some(
                    Intent::SetPriority {
                        target,
                        priority: p,
                    }
                    .into(),
                );
            }
        }
        self.rename_follow_up(t, target.clone())
            .or_else(|| self.reopen_follow_up(t, target.clone()))
            .or_else(|| self.done_follow_up(t, target))
    }

    /// "oops not done yet, undo", "that's not actually finished, put it
    /// back on my list": the task marked done is open again.
    fn reopen_follow_up(&self, t: &[Tok], target: TaskTarget) -> Option<Out> {
        const DONE: &[&str] = &["done", "finished", "complete", "completed"];
        let denied = (1..t.len()).any(|i| {
            DONE.contains(&w(t, i))
                && (w(t, i - 1) == "not" || i > 1 && w(t, i - 2) == "not" && w(t, i - 1) != "and")
        });
        let undo = any_word(t, &["undo", "reopen", "unmark"]) || seq(t, 0, &["put", "it", "back"]);
        let fits = t.iter().all(|x| {
            is_filler(x)
                || DONE.contains(&x.low.as_str())
                || matches!(
                    x.low.as_str(),
                    "yet"
                        | "undo"
                        | "reopen"
                        | "unmark"
                        | "back"
                        | "bring"
                        | "my"
                        | "list"
                        | "open"
                        | "tasks"
                )
        });
        (fits && (denied || undo && any_word(t, DONE) || seq(t, 0, &["undo"])))
            .then(|| Intent::ReopenTask { target }.into())
    }

    /// "paid! ✔", "booked 🎉 mark as complete", "did that this morning
    /// actually, check it off": what was done, told, and marked done.
    fn done_follow_up(&self, t: &[Tok], target: TaskTarget) -> Option<Out> {
        const DONE: &[&str] = &[
            "paid",
            "booked",
            "sent",
            "bought",
            "submitted",
            "posted",
            "called",
            "emailed",
            "fixed",
            "cleaned",
            "sorted",
            "finished",
            "done",
            "did",
            "handed",
            "returned",
            "ordered",
            "collected",
            "picked",
            "delivered",
            "mailed",
            "filed",
            "signed",
        ];
        let words: Vec<&str> = t
            .iter()
            .map(|x| x.low.as_str())
            .filter(|x| !text::is_punct(x) && !x.chars().all(|c| matches!(c, '!' | '.')))
            .collect();
        let marks = seq_any(
            t,
            &[
                &["mark", "as", "complete"],
                &["mark", "as", "done"],
                &["mark", "it", "done"],
                &["mark", "it", "as", "done"],
                &["check", "it", "off"],
                &["tick", "it", "off"],
                &["cross", "it", "off"],
            ],
        );
        // "paid!", "sent it already".
        let told = words.len() <= 3
            && words.first().is_some_and(|w| DONE.contains(w))
            && words[1..]
                .iter()
                .all(|w| matches!(*w, "it" | "that" | "already" | "now" | "too" | "off"));
        // "booked 🎉 mark as complete": the rest tells what was done.
        let marked = marks
            && words.iter().all(|w| {
                DONE.contains(w)
                    || FILLER.contains(w)
                    || matches!(
                        *w,
                        "mark"
                            | "complete"
                            | "check"
                            | "tick"
                            | "cross"
                            | "off"
                            | "this"
                            | "morning"
                            | "earlier"
                            | "yesterday"
                            | "already"
                    )
            });
        // "that ones done thx", "it's finished now".
        let said = words
            .iter()
            .any(|w| matches!(*w, "done" | "finished" | "completed"))
            && !words.contains(&"not")
            && words.len() <= 5
            && words.iter().all(|w| {
                matches!(
                    *w,
                    "done"
                        | "finished"
                        | "completed"
                        | "that"
                        | "thats"
                        | "that's"
                        | "one"
                        | "ones"
                        | "one's"
                        | "it"
                        | "it's"
                        | "its"
                        | "is"
                        | "now"
                        | "already"
                        | "all"
                        | "thx"
                        | "thanks"
                        | "ty"
                        | "yay"
                )
            });
        (told || marked || said).then(|| Intent::CompleteTask { target }.into())
    }

    /// A date at `i`, also where a new task would not take one: "saturday
    /// morning works better", "actually the 12th works better" are read as
    /// if "on" came first.
    fn date_at(&self, t: &[Tok], i: usize) -> Option<(usize, When)> {
        if let Some(found) = when::parse_when(t, i, self.clk) {
            return Some(found);
        }
        let starts_date = text::weekday(w(t, i)).is_some()
            || text::month(w(t, i)).is_some()
            || w(t, i) == "the" && text::ordinal(w(t, i + 1)).is_some();
        if !starts_date {
            return None;
        }
        let mut on = t[i].clone();
        on.low = "on".into();
        on.text = "on".into();
        let with_on: Vec<Tok> = std::iter::once(on).chain(t[i..].iter().cloned()).collect();
        when::parse_when(&with_on, 0, self.clk).map(|(e, wn)| (i + e - 1, wn))
    }

    /// "typo, it should be Email Jana", "better name: Read 20 pages",
    /// "make the title fix the bike's back brake", "sorry, I meant pick up
    /// the birthday cake, rename it pls".
    fn rename_follow_up(&self, t: &[Tok], target: TaskTarget) -> Option<Out> {
        let n = t.len();
        let rename = |a: usize, b: usize| -> Option<Out> {
            let new_title = quoted_or_text(t, a, b);
            (!new_title.is_empty()).then(|| {
                Intent::RenameTask {
                    target: target.clone(),
                    new_title: text::capitalize(&new_title),
                }
                .into()
            })
        };
        let mut e = n;
        while e > 0 && matches!(w(t, e - 1), "." | "!" | "please" | "pls") {
            e -= 1;
        }
        // "…, rename it": the new name is what was said before.
        if e >= 2 && w(t, e - 2) == "rename" && matches!(w(t, e - 1), "it" | "that" | "this") {
            let mut b = e - 2;
            while b > 0 && matches!(w(t, b - 1), "," | "-" | "so" | "and") {
                b -= 1;
            }
            let a = (0..b)
                .find(|&j| seq(t, j, &["i", "meant"]))
                .map(|j| j + 2)?;
            return rename(a, b);
        }
        for lead in [
            &["better", "name"][..],
            &["better", "title"],
            &["new", "name"],
            &["new", "title"],
            &["title"],
            &["name"],
        ] {
            if seq(t, 0, lead) && matches!(w(t, lead.len()), ":" | "-" | "=") {
                return rename(lead.len() + 1, e);
            }
        }
        // "make the title X", "change the name to X".
        if matches!(w(t, 0), "make" | "change" | "set")
            && w(t, 1) == "the"
            && matches!(w(t, 2), "title" | "name")
        {
            if matches!(w(t, 3), "to" | ":") {
                return rename(4, e);
            }
            if w(t, 0) == "make" && !matches!(w(t, 3), "of" | "for") {
                return rename(3, e);
            }
        }
        // "typo, it should be Email Jana", "typo in that one, should be X",
        // "I wrote it wrong, the name should be 'X'".
        let named = |j: usize| {
            ["the name", "the title", "name", "title"]
                .iter()
                .map(|p| p.split(' ').collect::<Vec<_>>())
                .find(|p| seq(t, j, p) && seq(t, j + p.len(), &["should", "be"]))
                .map(|p| p.len() + 2)
        };
        let (k, len) = (0..n.min(8)).find_map(|j| {
            if seq(t, j, &["it", "should", "be"]) || seq(t, j, &["it", "should", "say"]) {
                Some((j, 3))
            } else if seq(t, j, &["should", "say"]) || seq(t, j, &["should", "be"]) {
                Some((j, 2))
            } else {
                named(j).map(|len| (j, len))
            }
        })?;
        let opener_ok = (0..k).all(|j| {
            is_filler(&t[j])
                || matches!(
                    w(t, j),
                    "typo" | "misspelled" | "spelling" | "wrote" | "wrong" | "in" | "spelt"
                )
        });
        // "it should be done by friday" is not a name.
        let about_a_name = any_word(
            &t[..k],
            &[
                "typo",
                "misspelled",
                "spelling",
                "oops",
                "sorry",
                "wrong",
                "spelt",
            ],
        ) || named(k).is_some();
        if !opener_ok || !about_a_name {
            return None;
        }
        rename(k + len, e)
    }
}
