//! How the request is found in a message that says more: commands said of the task
//! under discussion in everyday words, a topic or a reminder said first, a request after
//! a preamble, a remark or chatter, questions about the app, and remarks that ask for
//! nothing.

use super::*;

impl Parser<'_> {
    /// Commands said of the task under discussion in everyday words:
    /// "chuck that one out", "give me 2 more hours?", "could I have a
    /// reminder for that tonight?", "its deadline: 12/19", "drop it down to
    /// low", "put it back on the list".
    pub(super) fn said_of_it(&self, all: &[Tok]) -> Option<Out> {
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
                if let (Some(minutes), true) = (unit.count_in_minutes(amount), tail_ok) {
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
                if let (Some(minutes), true) = (unit.count_in_minutes(amount), words_ok) {
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
    pub(super) fn topic_first(&self, t: &[Tok]) -> Option<Out> {
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
    pub(super) fn list_as_asked(&self, t: &[Tok]) -> Option<Out> {
        let show = text::word_at("show", t.first()?);
        let said: Vec<Tok> = std::iter::once(show).chain(t.iter().cloned()).collect();
        self.list(&said)
    }

    /// "low prio stuff pls, I have a free afternoon", "got a free 10 min,
    /// medium prio stuff?", "kids r fighting - urgnt ones, fast": what a
    /// list should show, in a clause of its own, beside remarks that ask
    /// nothing (no date, level, tag or request in them).
    pub(super) fn filters_in_a_clause(&self, t: &[Tok]) -> Option<Out> {
        let breaks: Vec<usize> = (0..t.len())
            .filter(|&i| matches!(w(t, i), "," | "-" | "?" | "." | "!" | ";" | ":"))
            .collect();
        if breaks.is_empty() {
            return None;
        }
        let mut clauses: Vec<&[Tok]> = Vec::new();
        let mut a = 0;
        for &b in breaks.iter().chain(std::iter::once(&t.len())) {
            if b > a {
                clauses.push(&t[a..b]);
            }
            a = b + 1;
        }
        // The clause names what to show ("stuff", "ones"): "book a venue
        // for the party, medium priority #party" gives a new task its level.
        let filtering = |c: &[Tok]| {
            let named = c.iter().any(|x| {
                matches!(
                    x.low.as_str(),
                    "ones" | "stuff" | "things" | "items" | "tasks" | "todos" | "to-dos"
                )
            });
            if !named {
                return None;
            }
            self.filters_alone(c).filter(|out| match &out.intent {
                Intent::ListTasks { filter } => {
                    filter.priority.is_some()
                        || filter.tag.is_some()
                        || filter.status != Status::default()
                }
                _ => false,
            })
        };
        let remark = |c: &[Tok]| {
            !(0..c.len()).any(|i| {
                when::parse_when(c, i, self.clk).is_some()
                    || priority_phrase(c, i).is_some()
                    || c[i].low.starts_with('#')
                    || matches!(
                        w(c, i),
                        "add"
                            | "remind"
                            | "create"
                            | "put"
                            | "need"
                            | "must"
                            | "buy"
                            | "call"
                            | "task"
                            | "todo"
                            | "delete"
                            | "move"
                    )
            })
        };
        let (k, out) = clauses
            .iter()
            .enumerate()
            .find_map(|(k, c)| filtering(c).map(|out| (k, out)))?;
        clauses
            .iter()
            .enumerate()
            .all(|(j, c)| j == k || remark(c))
            .then_some(out)
    }

    /// "medium prio ones", "low prio this wk", "this week todo?", "stuff i
    /// ticked off?": what a list should show, said without asking for it.
    pub(super) fn filters_alone(&self, t: &[Tok]) -> Option<Out> {
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
        let mut window = false;
        // "completed #fitness", "open ones this week", "the whole list,
        // finished ones included": which tasks, by whether they are done.
        let mut status = false;
        // A tag, and a word for tasks ("ones", "stuff", "the whole list").
        let mut tag = false;
        let mut tasks_word = false;
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
                tag = true;
                i += 4;
                continue;
            }
            if s == "tagged" && i + 1 < t.len() {
                tag = true;
                i += 2;
                continue;
            }
            // ("uni-tagged tasks".)
            if s.starts_with('#') && s.len() > 1
                || s.strip_suffix("-tagged").is_some_and(|tag| !tag.is_empty())
            {
                tag = true;
                i += 1;
                continue;
            }
            if level_word(s.trim_start_matches('!')).is_some() || p_code(s).is_some() {
                level = true;
            } else if matches!(
                s,
                "completed"
                    | "finished"
                    | "done"
                    | "open"
                    | "pending"
                    | "unfinished"
                    | "outstanding"
            ) {
                status = true;
            } else if seq(t, i, &["whole", "list"]) {
                tasks_word = true;
                i += 2;
                continue;
            } else if NOUNS.contains(&s) {
                tasks_word = true;
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
                        | "included"
                        | "including"
                        | "too"
                        | "all"
                        | "coming"
                        | "up"
                ))
            {
                return None;
            }
            i += 1;
        }
        // ("uni-tagged tasks", "#work stuff": a tag and a word for tasks.)
        let noun = tag || tasks_word;
        if !((level || status) && (noun || window)
            || window && noun
            || status && level
            || tag && tasks_word)
        {
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
    pub(super) fn add_after_title(&self, t: &[Tok]) -> Option<Out> {
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
    pub(super) fn reminder_first(&self, t: &[Tok]) -> Option<Out> {
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
    pub(super) fn rename_said(&self, t: &[Tok]) -> Option<Out> {
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
    pub(super) fn asks_about_the_app(&self, t: &[Tok]) -> bool {
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
                // ("how does my week look?" asks about the list.)
                && !(has("my") && (has("look") || has("looking")))
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

    /// A remark about oneself or the day, not a request: "I'm having such
    /// a lazy day lol", "feeling tired today", "what a week". It opens with
    /// a state ("I'm", "I feel", "feeling", "what a") and asks for nothing:
    /// no need, plan, date, priority, tag, task or reminder words.
    pub(super) fn is_remark(&self, t: &[Tok]) -> bool {
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
        // "to-do lists stress me out honestly", "dentists always make me
        // nervous", "my boss keeps piling tasks on me, it's exhausting",
        // "… and honestly it felt amazing": how something makes one feel
        // ("call the vet, needles make me nervous" still asks for a call).
        let moved = !text::is_chore_verb(w(t, 0))
            && (0..t.len()).any(|i| {
                let (a, b, c) = (w(t, i), w(t, i + 1), w(t, i + 2));
                matches!(a, "stress" | "stresses" | "stressing" | "freak" | "freaks")
                    && b == "me"
                    && c == "out"
                    || matches!(
                        a,
                        "make" | "makes" | "made" | "drive" | "drives" | "driving"
                    ) && b == "me"
                        && matches!(
                            c,
                            "nervous"
                                | "anxious"
                                | "sad"
                                | "happy"
                                | "crazy"
                                | "nuts"
                                | "mad"
                                | "angry"
                                | "sick"
                                | "cry"
                        )
                    || matches!(a, "is" | "it's" | "its" | "was" | "so")
                        && matches!(
                            b,
                            "exhausting"
                                | "overwhelming"
                                | "stressful"
                                | "annoying"
                                | "draining"
                                | "frustrating"
                        )
                    || a == "felt"
                        && matches!(
                            b,
                            "amazing"
                                | "great"
                                | "good"
                                | "weird"
                                | "awful"
                                | "terrible"
                                | "nice"
                                | "so"
                                | "fantastic"
                                | "bad"
                                | "wonderful"
                        )
            });
        let opens = moved
            || laughs && subject_first
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
        let felt = moved
            || t.iter().any(|x| x.low == "feeling")
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
                            "done"
                                | "finished"
                                | "completed"
                                | "tasks"
                                | "task"
                                | "list"
                                | "lists"
                                | "to-do"
                                | "todo"
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
    pub(super) fn reminder_on_named_task(&self, rest: &[Tok]) -> Option<Out> {
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
    pub(super) fn request_after_preamble(&self, t: &[Tok]) -> Option<usize> {
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
    pub(super) fn request_after_chatter(&self, t: &[Tok]) -> Option<usize> {
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
    pub(super) fn request_after_remark(&self, t: &[Tok]) -> Option<usize> {
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
}
