//! Recurring series: stopping and resuming one, said of a task or of its series.

use super::*;

impl Parser<'_> {
    pub(super) fn stop_or_resume(&self, t: &[Tok]) -> Option<Out> {
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
    pub(super) fn series_said_of(&self, t: &[Tok]) -> Option<Out> {
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
}
