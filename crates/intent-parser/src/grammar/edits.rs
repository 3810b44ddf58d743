//! Edits of an existing task: rename, reschedule, set its priority.

use super::*;

impl Parser<'_> {
    /// The task under discussion renamed.
    fn rename_last(&self, new_title: &str) -> Out {
        match self.last_task() {
            Ok(target) => Intent::RenameTask {
                target,
                new_title: text::capitalize(new_title),
            }
            .into(),
            Err(o) => *o,
        }
    }

    pub(super) fn rename(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        // "car insurance task → !high": an arrow to a level sets it.
        let renames = matches!(w(t, 0), "rename" | "retitle");
        if let Some(k) = (1..n).find(|&k| !renames && matches!(w(t, k), "->" | "=>")) {
            if let Some((e, priority)) = priority_phrase(t, k + 1) {
                if (e..n).all(|j| text::is_punct(w(t, j))) {
                    return Some(match self.target(t, 0, k, &[]) {
                        Ok(target) => Intent::SetPriority { target, priority }.into(),
                        Err(o) => *o,
                    });
                }
            }
        }
        if let Some(out) = self.rename_said(t) {
            return Some(out);
        }
        // "karaoke task: new name karaoke night with the team".
        // ("lashes task new title: lash lift".)
        if let Some(k) = (1..n).find(|&k| {
            (seq(t, k, &["new", "name"]) || seq(t, k, &["new", "title"]))
                && matches!(w(t, k - 1), ":" | "-" | "," | "task")
        }) {
            let name_end = if w(t, k - 1) == "task" { k } else { k - 1 };
            let new_title = quoted_or_text(t, k + 2, n);
            if !new_title.is_empty() && w(t, k + 2) != "for" {
                return Some(match self.target(t, 0, name_end, &[]) {
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
        // "rename it 'Dentist @ 3pm'": the new name quoted right after "it".
        if matches!(w(t, 0), "rename" | "retitle")
            && matches!(w(t, 1), "it" | "this" | "that")
            && matches!(w(t, 2), "'" | "\"" | "“" | "‘")
        {
            let new_title = quoted_or_text(t, 2, n);
            if !new_title.is_empty() {
                return Some(self.rename_last(&new_title));
            }
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
                return Some(self.rename_last(&new_title));
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
    pub(super) fn name_it(&self, t: &[Tok]) -> Option<Out> {
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

    /// "I need to push the optician task to Friday at 2pm", "I'd like to
    /// move yoga to sunday": a task moved, said as an intention. Only a
    /// move it reads as one counts ("I need to move the sofa to the garage"
    /// is a to-do).
    pub(super) fn reschedule_intended(&self, t: &[Tok]) -> Option<Out> {
        const INTENT: &[&str] = &[
            "i", "i'd", "we", "we'd", "like", "want", "need", "have", "to", "would", "please",
            "pls", "just", "really", "gotta", "must", "should", "let's", "lets", "wanna",
        ];
        let k = (1..t.len().min(6)).find(|&k| {
            matches!(
                w(t, k),
                "move" | "push" | "reschedule" | "postpone" | "shift"
            ) && (0..k).all(|i| INTENT.contains(&w(t, i)))
                && w(t, k - 1) != "i"
        })?;
        let out = self.reschedule(&t[k..])?;
        matches!(out.intent, Intent::Reschedule { .. }).then_some(out)
    }

    /// "move X to Friday", "change the due date of X to …", "X is now due …".
    pub(super) fn reschedule(&self, t: &[Tok]) -> Option<Out> {
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
                let word = |s: &str| text::word_at(s, &t[k]);
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
        // "bring 'Team offsite prep' forward to tomorrow at 1pm", "yoga's
        // moving to sun 7:30am": read as "move X to D" when the date runs
        // to the end.
        {
            let to_end = |k: usize| {
                w(t, k) == "to"
                    && when::parse_when_after(t, k + 1, self.clk, true).is_some_and(|(e, _)| {
                        (e..n).all(|j| {
                            text::is_punct(w(t, j))
                                || matches!(w(t, j), "please" | "pls" | "instead" | "thanks")
                        })
                    })
            };
            let name = if w(t, 0) == "bring" {
                // "bring X forward to D", "bring forward X to D".
                (1..n).find(|&k| w(t, k) == "forward").and_then(|f| {
                    if f == 1 {
                        (2..n).find(|&k| to_end(k)).map(|k| (2, k, k))
                    } else {
                        to_end(f + 1).then_some((1, f, f + 1))
                    }
                })
            } else {
                // "X is moving to D", "X's moving to D".
                (1..n)
                    .find(|&k| w(t, k) == "moving" && to_end(k + 1))
                    .map(|k| {
                        let end = if w(t, k - 1) == "is" { k - 1 } else { k };
                        (0, end, k + 1)
                    })
            };
            if let Some((a, b, to)) = name.filter(|&(a, b, _)| b > a) {
                let mut named: Vec<Tok> = t[a..b].to_vec();
                // ("yoga's moving": the name is "yoga".)
                if let Some(last) = named.last_mut() {
                    if let (Some(stem), Some(cut)) =
                        (last.low.strip_suffix("'s"), last.text.rfind(['\'', '’']))
                    {
                        last.low = stem.to_string();
                        last.text.truncate(cut);
                    }
                }
                let said: Vec<Tok> = std::iter::once(text::word_at("move", &t[a]))
                    .chain(named)
                    .chain(t[to..].iter().cloned())
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
    pub(super) fn reschedule_said_of(&self, t: &[Tok]) -> Option<Out> {
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

    pub(super) fn reschedule_to(&self, t: &[Tok], a: usize, b: usize, wn: &When) -> Out {
        match self.target(t, a, b, &[]) {
            Ok(target) => self.reschedule_target(target, wn),
            Err(o) => *o,
        }
    }

    pub(super) fn reschedule_target(&self, target: TaskTarget, wn: &When) -> Out {
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

    /// A level put on a task: "put !urgent on the budget sheet", "put high
    /// priority on the boiler". Read as "make X <level>".
    /// So is "set priority: medium for the dentist booking".
    pub(super) fn level_put_on(&self, t: &[Tok]) -> Option<Out> {
        if !matches!(w(t, 0), "put" | "set" | "give" | "assign") {
            return None;
        }
        let n = t.len();
        let (e, level) = priority_phrase(t, 1)?;
        // Where the request's words end ("…, sorry for the rush"), after
        // the level's own marks ("priority: medium").
        let clause = (e..n).find(|&i| text::is_punct(w(t, i))).unwrap_or(n);
        if !matches!(w(t, e), "on" | "for" | "to") || clause <= e + 1 {
            return None;
        }
        let said: Vec<Tok> = std::iter::once(text::word_at("make", &t[0]))
            .chain(t[e + 1..clause].iter().cloned())
            .chain(std::iter::once(text::word_at(level.as_str(), &t[e - 1])))
            .collect();
        self.set_priority(&said)
            .filter(|out| matches!(out.intent, Intent::SetPriority { .. }))
    }

    pub(super) fn set_priority(&self, t: &[Tok]) -> Option<Out> {
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
    pub(super) fn change_to(&self, t: &[Tok]) -> Option<Out> {
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
}
