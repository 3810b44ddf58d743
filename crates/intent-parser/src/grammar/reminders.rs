//! Reminders: "remind me …" and its variants, reminders on a named task, snoozing.

use super::*;

impl Parser<'_> {
    pub(super) fn remind(&self, t: &[Tok]) -> Option<Out> {
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
                if let Some(minutes) = u.count_in_minutes(n) {
                    let target = match self.target(rest, 0, k, &[&["about"]]) {
                        Ok(x) => x,
                        Err(o) => return Some(*o),
                    };
                    return Some(Intent::Snooze { target, minutes }.into());
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

    /// A snooze said without the word: "the rent reminder can wait 25
    /// minutes", "hold off 15 min", "hold the yoga alert for another 10
    /// minutes", "give the laundry reminder another 30 minutes", "push the
    /// alert back 4h". Read as "snooze <the reminder named> for <time>".
    fn snooze_in_other_words(&self, t: &[Tok]) -> Option<Out> {
        const ALERTS: &[&str] = &[
            "reminder",
            "alert",
            "alarm",
            "notification",
            "ping",
            "nudge",
        ];
        // The stretch of time ends the message ("please" and marks aside).
        let end = (0..t.len())
            .rev()
            .find(|&i| !matches!(w(t, i), "please" | "pls" | "." | "!" | "?"))?
            + 1;
        let d = (0..end).find(|&i| when::duration(t, i).is_some_and(|(e, _, _)| e == end))?;
        let mut a = d;
        while a > 0 && matches!(w(t, a - 1), "another" | "for" | "more" | "extra" | "back") {
            a -= 1;
        }
        let alert = (0..a).any(|i| ALERTS.contains(&w(t, i)));
        let (from, to) = if let Some(c) = (1..a).find(|&i| seq(t, i, &["can", "wait"])) {
            // "the rent reminder can wait 25 minutes".
            (alert || matches!(w(t, 0), "it" | "that" | "this")).then_some((0, c))?
        } else if w(t, 0) == "hold" {
            // "hold off 15 min", "hold it 5 min", "hold off on the … alert".
            let mut k = 1;
            while matches!(w(t, k), "off" | "on" | "it") {
                k += 1;
            }
            (k > 1 || alert).then_some((k, a))?
        } else if alert
            && (w(t, 0) == "give" && matches!(w(t, a), "another" | "more" | "extra")
                || w(t, 0) == "push" && w(t, a) == "back")
        {
            // "give the laundry reminder another 30 minutes", "push the
            // alert back 4h".
            (1, a)
        } else {
            return None;
        };
        // The task's own words name it ("the yoga alert": yoga); with none
        // ("the alert", "it") the reminder is the one just shown.
        let name: Vec<Tok> = t[from..to]
            .iter()
            .filter(|x| !ALERTS.contains(&x.low.as_str()))
            .cloned()
            .collect();
        let named = name
            .iter()
            .any(|x| !matches!(x.low.as_str(), "the" | "my" | "this" | "that" | "it"));
        let at = &t[d];
        let said: Vec<Tok> = std::iter::once(text::word_at("snooze", at))
            .chain(name.into_iter().filter(|_| named))
            .chain(std::iter::once(text::word_at("for", at)))
            .chain(t[d..end].iter().cloned())
            .collect();
        self.snooze(&said)
    }

    pub(super) fn snooze(&self, t: &[Tok]) -> Option<Out> {
        if w(t, 0) != "snooze" {
            if let Some(out) = self.snooze_in_other_words(t) {
                return Some(out);
            }
        }
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
                    if let (Some(minutes), Ok(target)) = (u.count_in_minutes(n), self.last_task()) {
                        return Some(Intent::Snooze { target, minutes }.into());
                    }
                }
            }
        }
        // "⏰ 10 more minutes", "5 more min": more time on the reminder.
        if let Some((e, n, u)) = when::duration(t, 0) {
            if e == t.len() && t.iter().any(|x| matches!(x.low.as_str(), "more" | "extra")) {
                if let (Some(minutes), Ok(target)) = (u.count_in_minutes(n), self.last_task()) {
                    return Some(Intent::Snooze { target, minutes }.into());
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

    /// A reminder asked for by its noun, the task named after "for" and
    /// how long before in a clause of its own: "notifcation for yoga task
    /// plz, 2 hrs b4", "remnder for hiking task pls, 2 hours befor".
    pub(super) fn reminder_noun_for(&self, t: &[Tok]) -> Option<Out> {
        let n = t.len();
        let r = (0..n).find(|&i| {
            matches!(
                w(t, i),
                "reminder" | "notification" | "alert" | "ping" | "nudge" | "heads-up" | "signal"
            ) && w(t, i + 1) == "for"
        })?;
        // Only a clause of its own may come before it ("need to pack my
        // stuff, …").
        if r > 0 && !(0..r).any(|i| text::is_punct(w(t, i))) && !matches!(w(t, r - 1), "a" | "the")
        {
            return None;
        }
        let a = r + 2;
        let b = (a..n)
            .find(|&i| text::is_punct(w(t, i)) || matches!(w(t, i), "pls" | "please" | "plz"))
            .unwrap_or(n);
        let (e, minutes) = (b..n).find_map(|i| before_spec(t, i))?;
        let rest_ok = (e..n).all(|i| {
            text::is_punct(w(t, i)) || matches!(w(t, i), "pls" | "please" | "plz" | "thanks")
        });
        if b <= a || !rest_ok {
            return None;
        }
        Some(match self.target(t, a, b, &[]) {
            Ok(target) => Intent::AddReminder {
                target,
                spec: ReminderSpec::Before { minutes },
            }
            .into(),
            Err(o) => *o,
        })
    }

    /// "add a 1 day reminder to the rent task", "set a 30 minute alert
    /// for the call": how long before, said as the reminder's size. Read as
    /// "add a reminder 1 day before to the rent task".
    pub(super) fn reminder_sized(&self, t: &[Tok]) -> Option<Out> {
        let (i, e) = (1..t.len()).find_map(|i| {
            let (e, _, u) = when::duration(t, i)?;
            (matches!(w(t, i - 1), "a" | "an")
                && u.minutes().is_some()
                && matches!(
                    w(t, e),
                    "reminder" | "alert" | "notification" | "ping" | "nudge" | "heads-up"
                )
                // ("a 10 min heads-up before that one" says it already.)
                && before_spec_word(t, e + 1).is_none())
            .then_some((i, e))
        })?;
        let said: Vec<Tok> = t[..i]
            .iter()
            .chain(std::iter::once(&t[e]))
            .chain(&t[i..e])
            .cloned()
            .chain(std::iter::once(text::word_at("before", &t[e])))
            .chain(t[e + 1..].iter().cloned())
            .collect();
        self.remind(&said)
            .filter(|o| matches!(o.intent, Intent::AddReminder { .. }))
    }

    /// "for the handover of the keys: alert me one hour before", "for the
    /// dentist, remind me the day before": a reminder on the task named
    /// first.
    /// So is "the vet task - add a reminder for tomorrow 7:30am": a task
    /// named by the word "task" first.
    pub(super) fn reminder_for_named(&self, t: &[Tok]) -> Option<Out> {
        let k = (1..t.len()).find(|&i| matches!(w(t, i), "," | ":" | "-"))?;
        let lead = matches!(w(t, 0), "for" | "regarding" | "about");
        // (Only a name: "90 minutes before the train task, remind me" says
        // when first, and "…, reminder sunday 11am, I still need wine" goes
        // on.)
        let named = !lead
            && matches!(w(t, k - 1), "task" | "todo" | "to-do")
            && k < 8
            && !any_word(&t[..k], &["before", "b4", "ahead", "after", "prior"])
            && !(0..k).any(|i| when::parse_when(t, i, self.clk).is_some())
            && !t[k + 1..t.len().saturating_sub(1)]
                .iter()
                .any(|x| text::is_punct(&x.low));
        if !lead && !named {
            return None;
        }
        let rest = strip_filler(&t[k + 1..]);
        if k < 2 || rest.is_empty() {
            return None;
        }
        // ("the vet task - add a reminder …" is read as "add a reminder …
        // for the vet task", with no task under discussion needed.)
        if named {
            let said: Vec<Tok> = rest
                .iter()
                .cloned()
                .chain(std::iter::once(text::word_at("for", &t[k])))
                .chain(t[..k].iter().cloned())
                .collect();
            return self
                .remind(&said)
                .filter(|o| matches!(o.intent, Intent::AddReminder { .. }));
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
}
