//! New tasks: "add …" and its variants, and what the words of a new task say (title,
//! due date, repeat rule, priority, tags, reminders).

use super::*;

impl Parser<'_> {
    /// "add …", "create a task called …", "I need to …", "todo: …".
    pub(super) fn add_prefix(&self, t: &[Tok]) -> Option<Out> {
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
            &["must"],
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
            // "must haves for the trip" names a list.
            if lead == &["must"] && matches!(w(t, 1), "haves" | "have" | "see" | "read") {
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
        // ("make a task for me to …": the verb said the noun.)
        let verb_noun = matches!(verb.last(), Some(&"task" | &"todo"));
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
        } else if (noun || verb_noun) && seq(t, k, &["for", "me", "to"]) && t.len() > k + 3 {
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
    pub(super) fn add_task(&self, body: &[Tok], remind: bool) -> Out {
        self.add_task_named(body, remind)
    }

    /// A new task from a chat message: as `add_task_with`, with the name
    /// given by "a task called X" or "add 'X'" as its title.
    pub(super) fn add_task_named(&self, body: &[Tok], remind: bool) -> Out {
        let mut out = self.add_task_with(body, remind, &[], true);
        if let (Intent::AddTask { title, .. }, Some(name)) = (&mut out.intent, given_name(body)) {
            *title = name;
        }
        out
    }

    /// `add_task`, with `locked` tokens kept as plain title words.
    /// `chat`: the body is a chat message, which may say more than the task
    /// ("Good morning! Please add: …"); quick add holds only the task.
    pub(super) fn add_task_with(
        &self,
        body: &[Tok],
        remind: bool,
        locked: &[bool],
        chat: bool,
    ) -> Out {
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
                    // ("tags: home, money, by 12/15": the list ends where
                    // the date begins.)
                    || !found.is_empty() && when::parse_when(t, j, self.clk).is_some()
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
                        match reminder_spec_at(&wn, self.clk) {
                            Ok(spec) => reminders.push(spec),
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
        // "fortnightly payroll run on fridays", "physio twice a week on tue
        // and fri": how often, said apart from the days.
        if let Some(Ok(cur)) = &mut rule {
            for (a, e, (more, times)) in ex.scan(recur::frequency_apart) {
                let fits = times.is_none_or(|n| n == cur.by_day.len())
                    && cur.freq == recur::Freq::Weekly
                    && !cur.by_day.is_empty();
                if fits && cur.absorb(&more) {
                    ex.claim(a, e, SpanKind::Repeat);
                }
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
        // a reminder asked for at each of the times joined by "and" (a
        // repeating task has one reminder, at each occurrence).
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
                    } else if remind && joined && found.instant.is_none() && rule.is_none() {
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
                i > 0 && matches!(w(t, i - 1), "starting" | "from" | "beginning" | "begin")
            })
            || when_words
                .iter()
                .any(|&i| matches!(w(t, i), "starting" | "from" | "beginning" | "begin"));
        // "weekly team meeting mon 9am", "biweekly sprint planning monday
        // 10am": a weekly adverb with a weekday is the rule and its day.
        // ("monthly parents' council on the 9th, 7pm", "yearly checkup on
        // 3 March": the day of the month, or of the year.)
        let ordinal =
            |s: &str| s.starts_with(|c: char| c.is_ascii_digit()) && text::ordinal(s).is_some();
        let weekly_on_a_weekday = matches!(w(t, 0), "weekly" | "biweekly" | "fortnightly")
            && when_words.iter().any(|&i| text::weekday(w(t, i)).is_some())
            || w(t, 0) == "monthly" && when_words.iter().any(|&i| ordinal(w(t, i)))
            || matches!(w(t, 0), "yearly" | "annually")
                && when_words.iter().any(|&i| text::month(w(t, i)).is_some());
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
                    // ("…, first on sunday": the date's own "on".)
                    || i >= 1 && w(t, i - 1) == "first" && w(t, i) == "on"
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
                .any(|&i| matches!(w(t, i), "starting" | "from" | "beginning" | "begin"));
            if let (false, Some(d)) = (start, wn.date) {
                let said = |f: &dyn Fn(&str) -> bool| when_words.iter().any(|&i| f(w(t, i)));
                let weekday = r.take_day(
                    d,
                    said(&|s| text::weekday(s).is_some()),
                    said(&|s| text::month(s).is_some() || s.contains('/')),
                    said(&|s| matches!(s, "last" | "end")),
                );
                // "fortnightly grocery check on thursday at 8pm", said on a
                // Thursday morning: the first one is tonight, as for "every
                // other thursday at 8pm" ("next thursday" names the week).
                if weekday && !said(&|s| s == "next") {
                    wn.date = None;
                }
            }
            // "every night at 11", "every morning at 6:30": the part of the
            // day decides a time said without am/pm.
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
            // "Book club every thursday at 7", "choir on mondays at half
            // 7": with no part of the day in the rule, the whole message
            // decides, as for a single date (the time was read apart from
            // the words before the rule).
            if let (None, Some((h, m)), false) = (r.default_time, wn.time, explicit) {
                if (1..=18).contains(&h) && h != 12 {
                    wn.time = Some((when::common_sense_hour(t, h % 12), m));
                }
            }
            if let (Some((dh, _)), Some((h, m))) = (r.default_time, wn.time) {
                if !explicit {
                    if dh >= 18 && (1..12).contains(&h) {
                        wn.time = Some((h + 12, m));
                    } else if dh < 12 && (13..=18).contains(&h) {
                        wn.time = Some((h - 12, m));
                    }
                }
            }
        }

        // 'on weekdays at 8:15am repeat "Pack the school bags"': the rule's
        // own verb, before the quoted name (read once the
        // dates are claimed).
        if rule.is_some() {
            if let Some(k) = (0..t.len()).find(|&i| ex.free(i)) {
                if matches!(w(t, k), "repeat" | "repeating")
                    && matches!(w(t, k + 1), "\"" | "'" | "“" | "‘")
                {
                    ex.claim(k, k + 1, SpanKind::Repeat);
                }
            }
        }
        // Priority.
        let mut priority: Option<Priority> = None;
        for (a, e, p) in ex.scan(priority_phrase) {
            // "…, low priority task please": the clause says what kind of
            // task this is; "task" is not part of its title.
            let kind = (text::is_punct(w(t, a)) || a > 0 && text::is_punct(w(t, a - 1)))
                && matches!(w(t, e), "task" | "todo" | "to-do" | "item")
                && (e + 1 == t.len()
                    || text::is_punct(w(t, e + 1))
                    || matches!(w(t, e + 1), "please" | "pls"));
            let e = if kind { e + 1 } else { e };
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
                // The first time said, then any joined to it by "and".
                for (k, said) in std::iter::once(wn).chain(&more_reminders).enumerate() {
                    let at = match said.reminder_instant(self.clk) {
                        Ok(x) => x,
                        Err(r) => return refuse(r),
                    };
                    // (Later ones in the past are refused below, with the
                    // other reminders.)
                    if k == 0 && at < self.clk.now {
                        return refuse(past_reminder(self.clk, at, m.has_time));
                    }
                    reminders.insert(
                        k,
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
}
