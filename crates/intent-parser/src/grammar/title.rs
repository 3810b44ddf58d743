//! What of a message is the new task's title: the request after a
//! preamble, without asides, remarks and first-person narration.

use super::*;

/// The part of a chat message that says the task, in title words `idx`:
/// after the last request ("… so please add water the plants", "Good
/// morning! Please add: send the contract", "my doctor told me I have to
/// take my vitamins", "Weekly chores time: take out the recycling"),
/// without remarks in brackets ("(weird date I know)") or trailing ones
/// ("i keep forgetting").
pub(super) fn what_was_asked(t: &[Tok], locked: &[bool], idx: Vec<usize>) -> Vec<usize> {
    let free = |p: usize| !locked[idx[p]];
    let at = |p: usize| idx.get(p).map(|&i| t[i].low.as_str()).unwrap_or("");
    let content = |p: usize| {
        p < idx.len()
            && (locked[idx[p]]
                || !text::is_punct(at(p))
                    && !matches!(
                        at(p),
                        "it" | "that"
                            | "this"
                            | "them"
                            | "a"
                            | "an"
                            | "reminder"
                            | "as"
                            | "to"
                            | "for"
                            | "me"
                            | "please"
                            | "pls"
                            | "thanks"
                            | "repeating"
                            | "recurring"
                            | "too"
                            | "also"
                            | "again"
                            | "and"
                    ))
    };
    let mut start = 0;
    for p in 0..idx.len() {
        if !free(p) {
            continue;
        }
        // "add", "add a task:", "add one task for me:", "add task -".
        let end = if at(p) == "add" {
            let mut q = p + 1;
            while matches!(at(q), "a" | "an" | "one" | "new" | "the" | "another") {
                q += 1;
            }
            if matches!(at(q), "task" | "todo" | "to-do" | "thing" | "item" | "one") {
                q += 1;
            }
            if at(q) == "for" && at(q + 1) == "me" {
                q += 2;
            }
            if at(q) == "to" && q > p + 1 {
                q += 1;
            }
            while matches!(at(q), "please" | "pls" | ":" | "-" | "–" | "—") {
                q += 1;
            }
            (q > p + 1 || content(q)).then_some(q)
        } else if matches!(at(p), "make" | "create") {
            // "make a repeating task for the blood test", "create a new
            // to-do called …".
            let mut q = p + 1;
            if at(q) == "me" {
                q += 1;
            }
            while matches!(
                at(q),
                "a" | "an" | "the" | "new" | "another" | "repeating" | "recurring" | "regular"
            ) {
                q += 1;
            }
            if matches!(
                at(q),
                "task" | "todo" | "to-do" | "reminder" | "entry" | "item"
            ) {
                q += 1;
                // "make a task for me to get new passport photos taken".
                if at(q) == "for" && at(q + 1) == "me" {
                    q += 2;
                }
                if matches!(
                    at(q),
                    "for" | "to" | "called" | "named" | "titled" | ":" | "-"
                ) {
                    q += 1;
                }
                Some(q)
            } else {
                None
            }
        } else if at(p) == ":"
            && p > 0
            && matches!(
                at(p - 1),
                "task"
                    | "todo"
                    | "to-do"
                    | "thing"
                    | "one"
                    | "note"
                    | "please"
                    | "bitte"
                    | "time"
                    | "me"
                    | "list"
                    | "this"
                    | "that"
                    | "it"
                    | "down"
                    | "forget"
                    | "forgetting"
                    | "confession"
                    | "truth"
                    | "reminder"
            )
        {
            Some(p + 1)
        } else if at(p) == "i"
            && (matches!(
                at(p + 1),
                "need" | "have" | "must" | "should" | "gotta" | "got" | "want"
            ) || matches!(
                at(p + 1),
                "really" | "still" | "definitely" | "just" | "urgently"
            ) && matches!(at(p + 2), "need" | "have" | "must" | "should" | "gotta"))
        {
            // "… I have to take my vitamins", "ugh, I really need to book
            // the car service": from the verb after it.
            let v = if matches!(
                at(p + 1),
                "really" | "still" | "definitely" | "just" | "urgently"
            ) {
                p + 2
            } else {
                p + 1
            };
            let mut q = v + 1;
            if at(q) == "to" {
                q += 1;
            }
            (matches!(at(v), "must" | "should" | "gotta") || at(q - 1) == "to").then_some(q)
        } else if at(p) == "remind" && at(p + 1) == "me" && at(p + 2) == "to" {
            Some(p + 3)
        } else if matches!(at(p), "forget" | "recordar" | "remember") && at(p + 1) == "to" {
            Some(p + 2)
        } else if at(p) == "is" && at(p + 1) == "to" && p > 0 {
            // "one thing please, is to pay the rent".
            Some(p + 2)
        } else {
            None
        };
        if let Some(q) = end {
            if content(q) {
                start = q;
            }
        }
    }
    // "omg i totally forgot, essay on hamlet due 12/3": an opening cry
    // about forgetting or noticing is not the task.
    if start == 0 {
        if let Some(k) = (1..idx.len()).find(|&p| matches!(at(p), "," | "!" | "-" | "–" | ":")) {
            let cry = (0..k).all(|p| {
                !locked[idx[p]]
                    && matches!(
                        at(p),
                        "omg"
                            | "oh"
                            | "no"
                            | "ugh"
                            | "wow"
                            | "i"
                            | "totally"
                            | "completely"
                            | "almost"
                            | "nearly"
                            | "just"
                            | "forgot"
                            | "remembered"
                            | "realized"
                            | "realised"
                            | "damn"
                            | "crap"
                            | "shoot"
                            | "oops"
                            | "btw"
                            | "so"
                            | "god"
                            | "my"
                            | "dear"
                            | "man"
                            | "jeez"
                    )
            }) && (0..k)
                .any(|p| matches!(at(p), "forgot" | "remembered" | "realized" | "realised"));
            if cry && content(k + 1) {
                start = k + 1;
            }
        }
    }
    // "my neck is so stiff lately, order a new pilow on tuesday", "Prices
    // only go up, so buy the ferry tickets by 12/11", "sigh. fix the
    // wobbly chair": a reason or a remark first, then what to do, which is
    // the title. ("call the plumber, the sink leaks" asks first; in "my
    // car is due its MOT - book it" the remark says what "it" is.)
    if start == 0 {
        let asks_first = text::opens_todo(at(0));
        let remark = |b: usize| {
            !asks_first
                && (0..b).any(|p| {
                    matches!(
                        at(p),
                        "is" | "are"
                            | "was"
                            | "were"
                            | "'s"
                            | "has"
                            | "got"
                            | "gave"
                            | "go"
                            | "goes"
                            | "make"
                            | "makes"
                            | "looks"
                            | "counts"
                            | "done"
                            | "bet"
                            | "love"
                            | "loves"
                            | "sigh"
                            | "phew"
                            | "ugh"
                    )
                })
        };
        let after = (1..idx.len()).rev().find_map(|p| {
            if !matches!(at(p), "," | "." | "!" | ":" | ";" | "-" | "–" | "—" | "so")
                || locked[idx[p]]
            {
                return None;
            }
            let mut q = p + 1;
            while matches!(at(q), "so" | "then" | "now" | "and") {
                q += 1;
            }
            let object_said = !(q + 1..(q + 4).min(idx.len()))
                .any(|r| matches!(at(r), "it" | "them" | "this" | "that"));
            (q < idx.len()
                && !locked[idx[q]]
                && text::opens_todo(at(q))
                && object_said
                && content(q + 1)
                && remark(p))
            .then_some(q)
        });
        if let Some(q) = after {
            start = q;
        }
    }
    let mut out: Vec<usize> = idx[start..].to_vec();
    // "every Thursday at 19:30 is choir rehearsal", "the first Monday of
    // each month is the jour fixe": after a when that opened the message,
    // the verb joining it to the task is not the task's.
    if out.len() > 1 && !locked[out[0]] && t[out[0]].low == "is" && out[0] > 0 {
        let opened_by_when = t[..out[0]]
            .iter()
            .enumerate()
            .all(|(i, x)| !idx.contains(&i) || text::is_punct(&x.low));
        if opened_by_when {
            out.remove(0);
            if out.len() > 1 && !locked[out[0]] && t[out[0]].low == "the" {
                out.remove(0);
            }
        }
    }
    // "… I should really call Uncle Tom", "add the parent-teacher conference":
    // an adverb or article opening what is asked is not the task's.
    if start > 0 {
        while out.len() > 1
            && !locked[out[0]]
            && matches!(
                t[out[0]].text.as_str(),
                "really" | "definitely" | "also" | "still" | "just" | "the"
            )
        {
            out.remove(0);
        }
    }
    // Remarks in brackets: "(again 🙈)", "(weird date I know)"; a bracket
    // that says more about the task stays ("(AA x8)").
    let remark_bracket = out.iter().any(|&i| {
        matches!(
            t[i].low.as_str(),
            "i" | "lol" | "haha" | "again" | "know" | "btw" | "nicely" | "sadly" | "very" | "ugh"
        )
    }) || out.iter().any(|&i| t[i].low == "(")
        && out
            .iter()
            .filter(|&&i| t[i].low != "(" && t[i].low != ")")
            .count()
            == 0;
    let mut depth = 0;
    out.retain(|&i| {
        if !remark_bracket {
            return true;
        }
        if locked[i] {
            return depth == 0;
        }
        match t[i].low.as_str() {
            "(" => {
                depth += 1;
                false
            }
            ")" if depth > 0 => {
                depth -= 1;
                false
            }
            _ => depth == 0,
        }
    });
    // A closing request to keep it: "…, put this like repeating task",
    // "…, new task pls", "…. Please note it".
    if let Some(k) = (1..out.len()).rev().find(|&k| {
        let i = out[k];
        !locked[i] && matches!(t[i].low.as_str(), "," | "." | "-" | ";" | "–")
    }) {
        let words: Vec<&str> = out[k + 1..]
            .iter()
            .filter(|&&i| !text::is_punct(&t[i].low))
            .map(|&i| t[i].low.as_str())
            .collect();
        if out[k + 1..].iter().all(|&i| !locked[i]) && super::anywhere::only_keep_request(&words) {
            out.truncate(k);
        }
    }
    // Trailing remarks: "… i keep forgetting", "… haha".
    const TRAILING: &[&[&str]] = &[
        &["i", "keep", "forgetting"],
        &["i", "always", "forget"],
        &["haha"],
        &["hahaha"],
        &["lol"],
        &["tho"],
        &["though"],
        &["thanks"],
        &["thx"],
        &["please"],
        &["pls"],
        &["also"],
        &["sometime"],
        &["!!"],
        &["!!!"],
        &["really"],
        &["tho"],
        // "webinar on tue at 14:00 and can you remind me …": the request
        // for the reminder is read elsewhere.
        &["and", "can", "you"],
        &["and", "could", "you"],
        &["can", "you"],
        &["could", "you"],
    ];
    loop {
        let before = out.len();
        for tail in TRAILING {
            let n = tail.len();
            if out.len() > n
                && out[out.len() - n..]
                    .iter()
                    .zip(tail.iter())
                    .all(|(&i, w)| !locked[i] && t[i].low == *w)
            {
                out.truncate(out.len() - n);
            }
        }
        if out.len() == before {
            break;
        }
    }
    if out.iter().all(|&i| text::is_punct(&t[i].low)) {
        return idx;
    }
    out
}

/// Words that ask for the task rather than describe it ("please add it",
/// "can you note that", "would be great", "thanks a lot").
pub(super) const ASIDE_WORDS: &[&str] = &[
    "first",
    "time",
    "starting",
    "before",
    "i",
    "forget",
    "forgetting",
    "keep",
    "psst",
    "oh",
    "btw",
    "very",
    "many",
    "lot",
    "quick",
    "million",
    "help",
    "your",
    "best",
    "regards",
    "ta",
    "appreciate",
    "if",
    "possible",
    "whenever",
    "of",
    "repeat",
    "repeats",
    "danke",
    "schön",
    "gracias",
    "merci",
    "beaucoup",
    "ji",
    "regards",
    "mate",
    "youu",
    "youuu",
    "haha",
    "advance",
    "dear",
    "greetings",
    "namaste",
    "hallo",
    "bonjour",
    "hola",
    "morning",
    "hiii",
    "hii",
    "hi",
    "hello",
    "thx",
    "ty",
    "please",
    "pls",
    "plz",
    "add",
    "it",
    "that",
    "this",
    "can",
    "could",
    "would",
    "will",
    "you",
    "u",
    "note",
    "make",
    "task",
    "todo",
    "to-do",
    "a",
    "an",
    "as",
    "set",
    "up",
    "down",
    "put",
    "for",
    "me",
    "thanks",
    "thank",
    "so",
    "much",
    "lot",
    "great",
    "nice",
    "be",
    "fine",
    "thx",
    "cheers",
    "ok",
    "okay",
    "and",
    "but",
    "also",
    "too",
    "the",
    "list",
    "to",
    "my",
    "do",
    "new",
    "one",
    "thing",
    "repeating",
    "recurring",
    "weekly",
    "daily",
    "monthly",
    "is",
    "has",
    "happen",
    "needs",
    "need",
    "must",
    "should",
    "create",
    "save",
    "remember",
    "in",
    "there",
    "ty",
    "appreciated",
    "kindly",
    "again",
    "hey",
    "now",
    "just",
    "really",
    "thanks!",
    "lol",
    "maybe",
];

/// Opens a remark about the task rather than its name ("…, it keeps
/// charging me", "…, it's still wet").
pub(super) const REMARK_OPENERS: &[&str] = &[
    // "stop the milk delivery by 12/19, we'll be away".
    "we'll",
    "we're",
    "thanks",
    "thank",
    "cheers",
    "appreciate",
    "best",
    "kind",
    "many",
    "he",
    "she",
    "they",
    "he's",
    "she's",
    "they're",
    "it",
    "it's",
    "its",
    "that's",
    "thats",
    "which",
    "since",
    "because",
    "cause",
    "cuz",
];

/// What is said in passing: the clauses of a title that only ask for the
/// task or comment on it, and a first-person lead ("I must", "I have",
/// "I'd like to") that narrates it. Quoted and kept-plain words are never
/// dropped; a title is never emptied.
pub(super) fn without_asides(t: &[Tok], locked: &[bool], idx: Vec<usize>) -> Vec<usize> {
    let is_sep = |i: usize| {
        !locked[i]
            && matches!(
                t[i].low.as_str(),
                "," | "?" | ";" | "." | ":" | "-" | "–" | "—" | "…" | "->"
            )
            || !locked[i] && t[i].low.chars().all(|c| c == '!') && !t[i].low.is_empty()
    };
    let mut groups: Vec<Vec<usize>> = vec![Vec::new()];
    for &i in &idx {
        if is_sep(i) && !groups.last().is_some_and(|g| g.is_empty()) {
            groups.push(Vec::new());
        }
        groups.last_mut().expect("one group").push(i);
    }
    let words = |g: &Vec<usize>| -> Vec<usize> {
        g.iter()
            .copied()
            .filter(|&i| !text::is_punct(&t[i].low))
            .collect()
    };
    let aside = |k: usize, g: &Vec<usize>| {
        let ws = words(g);
        if ws.iter().any(|&i| locked[i]) {
            return false;
        }
        ws.iter().all(|&i| ASIDE_WORDS.contains(&t[i].low.as_str()))
            || k > 0
                && ws
                    .first()
                    .is_some_and(|&i| REMARK_OPENERS.contains(&t[i].low.as_str()))
    };
    let kept: Vec<Vec<usize>> = groups
        .iter()
        .enumerate()
        .filter(|(k, g)| !aside(*k, g))
        .map(|(_, g)| g.clone())
        .collect();
    if kept.iter().all(|g| words(g).is_empty()) {
        return idx;
    }
    let mut out: Vec<usize> = kept.into_iter().flatten().collect();
    // "I must close the windows", "I have interview with Mrs. Schulz".
    const NARRATION: &[&[&str]] = &[
        &["need", "to"],
        &["have", "to"],
        &["don't", "let", "me", "forget", "to"],
        &["dont", "let", "me", "forget", "to"],
        &["don't", "forget", "to"],
        &["remember", "to"],
        &["always", "i"],
        &["usually", "i"],
        &["then", "i"],
        &["i", "always"],
        &["i", "usually"],
        &["i'm", "supposed", "to"],
        &["i", "am", "supposed", "to"],
        &["i'm", "meant", "to"],
        &["i'm", "planning", "to"],
        &["i", "plan", "to"],
        &["i", "promised", "to"],
        &["i", "should", "really"],
        &["i", "really", "should"],
        &["we", "need", "to"],
        &["we", "have", "to"],
        &["we", "must"],
        &["we", "should"],
        &["we", "need"],
        &["i", "would", "like", "to"],
        &["i'd", "like", "to"],
        &["i", "would", "love", "to"],
        &["i'd", "love", "to"],
        &["i", "have", "to"],
        &["i", "need", "to"],
        &["i", "want", "to"],
        &["i", "need"],
        &["i", "must"],
        &["i", "should"],
        &["i", "will"],
        &["i'll"],
        &["i", "have"],
        &["i"],
    ];
    // "my sister's wedding is coming up and I need to buy a suit", "I just
    // remembered I have to renew my card": the task is what follows.
    let first_group_end = out
        .iter()
        .position(|&i| !locked[i] && text::is_punct(&t[i].low) && i > out[0])
        .unwrap_or(out.len());
    if let Some(p) = (1..first_group_end).find(|&p| {
        let i = out[p];
        !locked[i]
            && t[i].low == "i"
            && matches!(
                t[out[p - 1]].low.as_str(),
                "and" | "so" | "remembered" | "forgot" | "realized" | "realised" | "but" | "that"
            )
            && out.get(p + 1).is_some_and(|&j| {
                matches!(
                    t[j].low.as_str(),
                    "need" | "have" | "must" | "gotta" | "should" | "want"
                )
            })
    }) {
        out.drain(..p);
    }
    let first_words: Vec<usize> = out
        .iter()
        .copied()
        .skip_while(|&i| text::is_punct(&t[i].low))
        .collect();
    for lead in NARRATION {
        let n = lead.len();
        let fits = first_words.len() > n + 1
            && first_words[..n]
                .iter()
                .zip(lead.iter())
                .all(|(&i, w)| !locked[i] && t[i].low == *w)
            && first_words[..n].windows(2).all(|p| p[0] + 1 == p[1]);
        if fits {
            let after = t[first_words[n]].low.as_str();
            if matches!(
                after,
                "am" | "was" | "and" | "or" | "think" | "guess" | "hope" | "feel"
            ) {
                break;
            }
            let drop: Vec<usize> = first_words[..n].to_vec();
            out.retain(|i| !drop.contains(i));
            break;
        }
    }
    out
}

/// Words that make a clause a statement about how things are, not a thing
/// to do: finite verbs ("the dripping is driving me mad", "HR keeps
/// nagging", "my card got blocked", "the bank doesn't do it").
const STATING: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "has",
    "had",
    "keeps",
    "got",
    "gets",
    "went",
    "goes",
    "looks",
    "wants",
    "makes",
    "loves",
    "suggested",
    "asked",
    "says",
    "said",
    "charge",
    "charges",
    "complain",
    "complains",
    "nags",
    "wakes",
    "died",
    "expires",
    "broke",
    "doesn't",
    "doesnt",
    "won't",
    "wont",
    "can't",
    "cant",
    "isn't",
    "isnt",
    "aren't",
    "arent",
    "wasn't",
    "didn't",
    "didnt",
    "been",
    "getting",
    "coming",
    "hates",
    "needs",
    "smells",
    "squeaks",
    "locks",
    "depends",
    "helps",
    "promised",
    "heard",
    "forgot",
    "never",
];

/// Words that open a statement about oneself or others ("we're expecting
/// twins", "my back is killing me", "they charge a fee", "no clean socks
/// left", "too small").
const STATING_OPENERS: &[&str] = &[
    "i",
    "i'm",
    "im",
    "i've",
    "ive",
    "i'd",
    "we",
    "we're",
    "were",
    "we've",
    "he",
    "he's",
    "she",
    "she's",
    "they",
    "they're",
    "it",
    "it's",
    "its",
    "that",
    "that's",
    "there",
    "there's",
    "my",
    "our",
    "his",
    "her",
    "their",
    "everyone",
    "everyone's",
    "nobody",
    "no",
    "too",
    "wrong",
    "never",
];

/// "The dripping is driving me mad, fix the kitchen tap this weekend",
/// "we're out of coffee 😩 coffee beans tmrw", "buy 4 nativity play
/// tickets, grandma's coming", "our prices went up so update the menu": in
/// chat, a clause that states how things are is the reason for the task,
/// not the task. Such clauses leave the title when another clause remains;
/// the clause that held the task's day (or other parts) always stays.
/// Quoted and kept-plain words are never dropped.
pub(super) fn without_situation(
    t: &[Tok],
    locked: &[bool],
    used: &[bool],
    idx: Vec<usize>,
) -> Vec<usize> {
    // ("Dr. Weber", "St. Anne's": a dot after an abbreviation or an
    // initial ends nothing.)
    let abbreviation = |i: usize| {
        t[i].low == "."
            && i > 0
            && (t[i - 1].low.chars().count() == 1
                || matches!(
                    t[i - 1].low.as_str(),
                    "dr" | "mr"
                        | "ms"
                        | "mrs"
                        | "st"
                        | "jr"
                        | "sr"
                        | "mt"
                        | "no"
                        | "nr"
                        | "vs"
                        | "incl"
                        | "prof"
                        | "appt"
                        | "etc"
                ))
    };
    let sep = |i: usize| {
        !locked[i]
            && !abbreviation(i)
            && (matches!(
                t[i].low.as_str(),
                "," | "." | ";" | ":" | "?" | "?!" | "!?" | "…"
            ) || !t[i].low.is_empty() && t[i].low.chars().all(|c| c == '!'))
    };
    // Each token's clause; "so" opens one after a statement ("our prices
    // went up so update the online menu").
    let mut clause = vec![usize::MAX; t.len()];
    let mut c = 0;
    let mut stating_so_far = false;
    for i in 0..t.len() {
        if sep(i) {
            c += 1;
            stating_so_far = false;
            continue;
        }
        let s = t[i].low.as_str();
        if s == "so" && !locked[i] && stating_so_far {
            c += 1;
            stating_so_far = false;
        }
        if STATING.contains(&s) {
            stating_so_far = true;
        }
        clause[i] = c;
    }
    let in_title: std::collections::BTreeSet<usize> = idx
        .iter()
        .filter(|&&i| clause[i] != usize::MAX && !text::is_punct(&t[i].low))
        .map(|&i| clause[i])
        .collect();
    if in_title.len() < 2 {
        return idx;
    }
    // The clause that holds the task's day or other parts, or its quoted
    // title, is the task's.
    let holds_parts = |c: usize| {
        (0..t.len()).any(|i| clause[i] == c && (used[i] || locked[i] && !text::is_punct(&t[i].low)))
    };
    let stating = |c: usize| {
        let ws: Vec<&str> = (0..t.len())
            .filter(|&i| clause[i] == c && !used[i] && !text::is_punct(&t[i].low))
            .map(|i| t[i].low.as_str())
            .filter(|s| *s != "so")
            .collect();
        let Some(first) = ws.first() else {
            return false;
        };
        let last = ws.last().copied().unwrap_or("");
        // "grandma's coming", "skin's a mess", "paint's here!".
        let contracted = first.ends_with("'s")
            && ws.get(1).is_none_or(|n| {
                matches!(
                    *n,
                    "a" | "an"
                        | "here"
                        | "there"
                        | "so"
                        | "too"
                        | "not"
                        | "back"
                        | "new"
                        | "broken"
                ) || n.ends_with("ing")
                    || n.ends_with("ed")
            });
        // "the council changed the schedule", "meeting moved up", "locked
        // myself out": a verb in the past after its subject, or opening a
        // clause of its own ("the signed contract" is a thing).
        let past = |k: usize| {
            let w = ws[k];
            (w.len() > 4 && w.ends_with("ed")
                || matches!(
                    w,
                    "gave" | "put" | "told" | "came" | "took" | "left" | "lost"
                ))
                && (k == 0 && ws.len() >= 3
                    || k > 0
                        && !matches!(
                            ws[k - 1],
                            "the"
                                | "a"
                                | "an"
                                | "my"
                                | "our"
                                | "your"
                                | "his"
                                | "her"
                                | "their"
                                | "to"
                                | "get"
                                | "be"
                        ))
        };
        // "baking with the kids", "looking like a yeti", "job hunting": a
        // state said with -ing, after the task or as a short clause.
        let ongoing = |w: &str| w.len() > 4 && w.ends_with("ing");
        // ("get the piano tuned", "have the car serviced": a thing to do.)
        let causative = matches!(*first, "get" | "have" | "keep" | "leave" | "make");
        let past = |k: usize| !causative && past(k);
        STATING_OPENERS.contains(first)
            || contracted
            || ws.iter().any(|w| STATING.contains(w))
            || (0..ws.len()).any(past)
            || c > 0 && ongoing(first) && ws.len() >= 2
            || ws.len() <= 3 && ongoing(last)
            || matches!(
                last,
                "again" | "everywhere" | "left" | "worse" | "soon" | "already"
            )
    };
    let drop: Vec<usize> = in_title
        .iter()
        .copied()
        .filter(|&c| stating(c) && !holds_parts(c))
        .collect();
    if drop.is_empty() || drop.len() == in_title.len() {
        return idx;
    }
    let mut out: Vec<usize> = idx
        .into_iter()
        .filter(|&i| clause[i] == usize::MAX || !drop.contains(&clause[i]))
        .collect();
    // The separators and "so" left at the edges go with the dropped clauses.
    while out
        .first()
        .is_some_and(|&i| sep(i) || t[i].low == "so" || t[i].low == "." && !locked[i])
    {
        out.remove(0);
    }
    while out.last().is_some_and(|&i| sep(i)) {
        out.pop();
    }
    out
}
