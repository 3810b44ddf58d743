//! Completing, reopening and deleting a task, and telling a command on a task from a
//! new to-do that opens with a command verb.

use super::*;

impl Parser<'_> {
    /// A task said not to be done after all, then asked back: "the report
    /// for Jens isnt done after all, reopen pls", "turns out the car wash
    /// didn't happen, set it back to open", "\"Grout the shower\" back to
    /// open please". The task is the one named first.
    pub(super) fn reopen_said_after(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let cue = (0..n).find(|&i| {
            matches!(
                w(t, i),
                "reopen" | "re-open" | "uncheck" | "un-check" | "unmark"
            ) || seq(t, i, &["back", "to", "open"])
                || w(t, i) == "back"
                    && w(t, i + 1) == "on"
                    && matches!(w(t, i + 2), "my" | "the")
                    && matches!(w(t, i + 3), "list" | "to-do" | "todo" | "pile")
        })?;
        let quoted = quoted_tokens(t);
        let (a, b) = if quoted.first() == Some(&false)
            && matches!(w(t, 0), "\"" | "'" | "“" | "‘")
            && quoted.get(1) == Some(&true)
        {
            // '"Grout the shower" back to open'.
            let b = (1..n).find(|&i| !quoted[i])?;
            (1, b)
        } else {
            // "the car wash didn't happen", "the gutter cleaning isn't
            // finished": the name, then what was wrong about it.
            let mut a = 0;
            if seq(t, 0, &["turns", "out"]) {
                a = 2;
            }
            let not = (a + 1..cue).find(|&i| {
                matches!(
                    w(t, i),
                    "isn't" | "isnt" | "wasn't" | "wasnt" | "didn't" | "didnt" | "hasn't" | "hasnt"
                ) || w(t, i) == "is" && w(t, i + 1) == "not"
            })?;
            // The clause ends before the cue.
            if !(not..cue).any(|i| matches!(w(t, i), "," | "-" | "." | ";")) {
                return None;
            }
            (a, not)
        };
        // A name, not "I" or "that" ("oops, I didn't actually finish
        // that, reopen it" is about the task under discussion).
        if b <= a
            || cue < b
            || t[a..b].iter().enumerate().any(|(j, x)| {
                !quoted[a + j] && text::is_punct(&x.low)
                    || matches!(x.low.as_str(), "i" | "that" | "it" | "this" | "we" | "i'm")
            })
        {
            return None;
        }
        Some(match self.target(t, a, b, &[]) {
            Ok(target) => Intent::ReopenTask { target }.into(),
            Err(o) => *o,
        })
    }

    pub(super) fn reopen(&self, t: &[Tok]) -> Option<Out> {
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

    pub(super) fn complete(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        // "anything called 'rent' that's done already?": a question about
        // the list.
        if matches!(w(t, 0), "anything" | "any" | "which" | "what") && !any_word(t, &["it", "mark"])
        {
            return None;
        }
        // "Finished tasks mentioning 'passport'?": which ones, a list; so
        // is "completed #fitness" (a tag names no one task).
        if matches!(w(t, 0), "finished" | "completed" | "done")
            && (matches!(w(t, 1), "tasks" | "ones" | "to-dos" | "todos" | "items")
                || n > 1
                    && t[1..]
                        .iter()
                        .all(|x| x.low.starts_with('#') && x.low.len() > 1 || x.low == "?"))
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
        // "I finished a whole pizza by myself", "just finished a 12 hour
        // shift": something done that no task names (a task is "the …",
        // "my …" or its name, not "a …"), told, not asked.
        {
            let mut k = usize::from(w(t, 0) == "i");
            while matches!(w(t, k), "just" | "finally" | "already" | "totally") {
                k += 1;
            }
            if k > 0
                && matches!(w(t, k), "finished" | "completed" | "did")
                && matches!(w(t, k + 1), "a" | "an")
                && !matches!(w(t, k + 2), "task" | "todo" | "to-do")
                && !self.has_task_details(t, true)
            {
                return Some(unknown(HELP));
            }
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
        // ("the gas bill is paid ✅" is read below, as "… is paid".)
        let says_it = n > 3 && matches!(w(t, n - 3), "is" | "are" | "was");
        if w(t, n - 1) == "✅" && n > 1 && !says_it && !any_word(&t[..n - 1], &["✅"]) {
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
                | "sorted"
                | "all sorted"
                | "that's sorted"
                | "thats sorted"
                | "that's sorted now"
                | "k that's sorted"
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
        // "tick the gym task? went this morning": the task named, ticked.
        if v == "tick" && matches!(w(t, 1), "the" | "my") {
            if let Some(k) = (2..n.min(8)).find(|&k| matches!(w(t, k), "task" | "todo" | "to-do")) {
                return Some(make(1, k + 1));
            }
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
            // So is finishing a book or a film: 'finish reading "Klara and
            // the Sun"'.
            let doing = w(t, 1).len() > 4 && w(t, 1).ends_with("ing");
            if self.has_task_details(&t[1..], true) || doing {
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
        if matches!(w(t, e - 1), "now" | "already" | "✅") {
            e -= 1;
        }
        // ("the gas bill is paid ✅", "the car insurance is sorted": what
        // done means for a bill or an errand.)
        let settled = e >= 3
            && matches!(w(t, e - 1), "paid" | "sorted" | "handled" | "settled")
            && matches!(w(t, e - 2), "is" | "are" | "was");
        if e >= 2 && (DONE.contains(&w(t, e - 1)) || settled) {
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

    pub(super) fn delete(&self, t: &[Tok]) -> Option<Out> {
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
    pub(super) fn command_verb_todo(&self, t: &[Tok]) -> bool {
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

    pub(super) fn has_task_details(&self, t: &[Tok], recurrence: bool) -> bool {
        (0..t.len()).any(|i| {
            when::parse_when(t, i, self.clk).is_some()
                || (recurrence && recur::parse_recurrence(t, i).is_some())
                || priority_phrase(t, i).is_some()
                || t[i].low.starts_with('#')
        })
    }
}
