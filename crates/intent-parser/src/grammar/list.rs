//! Questions about the list: which tasks, by status, due window, priority, tag or words.

use super::*;

impl Parser<'_> {
    /// Whether a task exists, asked: "is the IKEA return (already) on my
    /// list?", "did I (already) add a task for the heating?", "got a task
    /// for the garage door?". Read as a search for the words named.
    pub(super) fn asks_if_listed(&self, t: &[Tok]) -> Option<Out> {
        let end = t.iter().position(|x| x.low == "?").unwrap_or(t.len());
        let n = t.len();
        // Words that end the named thing: "already", "yet", "at all".
        let trim = |a: usize, mut b: usize| {
            while b > a && matches!(w(t, b - 1), "already" | "yet" | "still" | "even") {
                b -= 1;
            }
            (b > a).then_some((a, b))
        };
        let named = if matches!(w(t, 0), "is" | "are") {
            // "is X (already) on/in my (to-do) list/tasks?"
            let on = (2..end).find(|&k| {
                matches!(w(t, k), "on" | "in")
                    && matches!(w(t, k + 1), "my" | "the")
                    && matches!(
                        w(t, k + 2),
                        "list" | "tasks" | "todos" | "to-dos" | "todo" | "to-do"
                    )
                    && matches!(w(t, k + 3), "" | "?" | "list" | "." | "!")
            })?;
            trim(1, on)?
        } else {
            // "did/have I (already) add(ed)/made a task for X", "got a task
            // for X?".
            let mut k = if matches!(w(t, 0), "did" | "have") && w(t, 1) == "i" {
                2
            } else if w(t, 0) == "got" && end < n {
                0
            } else {
                return None;
            };
            while matches!(w(t, k), "already" | "ever" | "even") {
                k += 1;
            }
            let verb = matches!(
                w(t, k),
                "add"
                    | "added"
                    | "make"
                    | "made"
                    | "create"
                    | "created"
                    | "put"
                    | "write"
                    | "written"
                    | "jot"
                    | "jotted"
                    | "got"
                    | "set"
            );
            if !verb {
                return None;
            }
            k += 1;
            while matches!(w(t, k), "already" | "up" | "down") {
                k += 1;
            }
            // ("did I put a task in for the party?")
            let j = k + 2 + usize::from(w(t, k + 2) == "in");
            if !matches!(w(t, k), "a" | "any" | "an")
                || !matches!(w(t, k + 1), "task" | "todo" | "to-do" | "reminder")
                || !matches!(w(t, j), "for" | "about" | "on" | "to")
            {
                return None;
            }
            trim(j + 1, end)?
        };
        let (a, b) = named;
        if t[a..b].iter().any(|x| text::is_punct(&x.low)) {
            return None;
        }
        let at = &t[a];
        let said: Vec<Tok> = [text::word_at("look", at), text::word_at("for", at)]
            .into_iter()
            .chain(t[a..b].iter().cloned())
            .chain(["in", "my", "tasks"].map(|s| text::word_at(s, at)))
            .collect();
        self.list(&said)
    }

    pub(super) fn list(&self, t: &[Tok]) -> Option<Out> {
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
            // "look at my to-dos", "have a look at my tasks", "let me take
            // a look at the list" ("have a look at the car" is a chore).
            "look" if w(t, 1) == "at" && looks_at_list(t, 2) => 2,
            "have" | "take" if seq(t, 1, &["a", "look", "at"]) && looks_at_list(t, 4) => 4,
            "let"
                if w(t, 1) == "me"
                    && matches!(w(t, 2), "have" | "take")
                    && seq(t, 3, &["a", "look", "at"])
                    && looks_at_list(t, 6) =>
            {
                6
            }
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
            // "tmrw plans?", "plans for tomorrow?", "today agenda".
            "today" | "tomorrow" | "tonight"
                if matches!(w(t, 1), "plans" | "plan" | "agenda" | "schedule") && n <= 3 =>
            {
                0
            }
            "plans" | "plan" | "schedule"
                if w(t, 1) == "for"
                    && matches!(w(t, 2), "today" | "tomorrow" | "tonight")
                    && n <= 4 =>
            {
                0
            }
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
            "urgent" | "important" | "high-priority" | "low-priority" | "medium-priority"
            | "mid-priority" | "high-prio" | "low-prio" | "medium-prio" | "asap"
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
        if !has_kw
            && (verb_k == 0
                || matches!(
                    v,
                    "tell" | "look" | "see" | "view" | "display" | "have" | "take" | "let"
                ))
        {
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
                        | "involving"
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
                    // "got anything on the boiler?", "something with the
                    // passport?".
                    || matches!(l[i], "on" | "with")
                        && i > 0
                        && matches!(l[i - 1], "anything" | "something")
                        && matches!(w(t, i + 1), "the" | "my")
                        && !matches!(w(t, i + 2), "list" | "tasks" | "todos" | "to-dos")
                        && !(i + 1..(i + 5).min(n)).any(|j| matches!(l[j], "tag" | "tagged"))
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

/// "my to-dos", "the list", "all my tasks" at `k`: what a look is taken at
/// when it is the list ("the list of hotels" is a thing).
fn looks_at_list(t: &[Tok], k: usize) -> bool {
    let k = k + usize::from(w(t, k) == "all");
    matches!(w(t, k), "my" | "the")
        && matches!(
            w(t, k + 1),
            "tasks"
                | "to-dos"
                | "todos"
                | "todo"
                | "to-do"
                | "list"
                | "agenda"
                | "reminders"
                | "day"
                | "week"
        )
        && w(t, k + 2) != "of"
}
