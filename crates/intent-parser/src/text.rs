//! Tokens with their place in the message, and small word tables.

use chrono::Weekday;

#[derive(Debug, Clone)]
pub(crate) struct Tok {
    /// As written.
    pub text: String,
    /// Lower case, typographic apostrophes made plain.
    pub low: String,
    /// Byte offsets in the message.
    pub start: usize,
    pub end: usize,
}

/// Characters that are always a token of their own.
const SINGLE: &[char] = &[
    ',', ';', '(', ')', '[', ']', '"', '“', '”', '?', '…', '‘', '«', '»',
];

pub(crate) fn tokenize(src: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut k = 0;
    // Inside quotes the user's words are kept as typed, emoji included.
    let mut quoted = false;
    while k < chars.len() {
        let (pos, c) = chars[k];
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        if SINGLE.contains(&c) {
            match c {
                '"' => quoted = !quoted,
                '“' | '‘' | '«' => quoted = true,
                '”' | '»' => quoted = false,
                _ => {}
            }
            push(&mut out, src, pos, pos + c.len_utf8());
            k += 1;
            continue;
        }
        let start = pos;
        while k < chars.len() && !chars[k].1.is_whitespace() && !SINGLE.contains(&chars[k].1) {
            k += 1;
        }
        let end = if k < chars.len() {
            chars[k].0
        } else {
            src.len()
        };
        // Arrows are words: "rename it → Essay draft 2".
        if matches!(&src[start..end], "→" | "⇒" | "➡" | "➡️" | "⟶") {
            out.push(Tok {
                text: src[start..end].to_string(),
                low: "->".into(),
                start,
                end,
            });
            continue;
        }
        // A check mark says done: "✅ pay rent", "bday cards task ✅". At
        // the end it is the only word of doneness; after "done ✅" it is
        // decoration. (Looked at only for a check mark: this runs per token.)
        let check_mark = !quoted && matches!(&src[start..end], "✅" | "✔" | "✔️" | "☑" | "☑️");
        // ("bday gift task ✔️ thx": thanks after it still leave it last.)
        let ends = || {
            src[end..].split(|c: char| !c.is_alphanumeric()).all(|w| {
                matches!(
                    w.to_lowercase().as_str(),
                    "" | "thx" | "thanks" | "ty" | "lol"
                )
            })
        };
        let done_mark = check_mark
            && (out.is_empty()
                || ends() && {
                    let low = src.to_lowercase();
                    !["done", "finish", "complete", "ticked", "checked"]
                        .iter()
                        .any(|w| low.contains(w))
                });
        if done_mark {
            out.push(Tok {
                text: src[start..end].to_string(),
                low: "✅".into(),
                start,
                end,
            });
            continue;
        }
        // Emoji are decoration: never a word of a title or a command
        // (unless quoted).
        if !quoted && src[start..end].chars().all(is_emoji_part) {
            // "I quit bass 😢 switch off the repeat": a face between words
            // ends a sentence.
            let face = src[start..end].chars().any(
                |c| matches!(c as u32, 0x1F600..=0x1F64F | 0x1F910..=0x1F92F | 0x1F970..=0x1F97F),
            );
            let more = src[end..].chars().any(|c| c.is_alphanumeric());
            // "fern looks sad 🌿 mist the fern": so does any emoji before
            // what to do.
            let todo_next = || {
                let next = src[end..].split_whitespace().next().unwrap_or("");
                opens_todo(&next.to_lowercase())
            };
            if (face || todo_next()) && more && !out.is_empty() {
                out.push(Tok {
                    text: ".".into(),
                    low: ".".into(),
                    start,
                    end,
                });
            }
            continue;
        }
        split_word(&mut out, src, start, end);
    }
    // "i wanna see my done tasks", "wanna call mum": "want to".
    let mut k = 0;
    while k < out.len() {
        if out[k].low == "wanna" {
            out[k].low = "want".into();
            let to = Tok {
                text: String::new(),
                low: "to".into(),
                start: out[k].end,
                end: out[k].end,
            };
            out.insert(k + 1, to);
        }
        k += 1;
    }
    // "r there any overdue tasks?", "r u a bot": "are" in chat.
    if out.len() > 1
        && out[0].low == "r"
        && matches!(out[1].low.as_str(), "there" | "u" | "you" | "any" | "my")
    {
        out[0].low = "are".into();
    }
    // "need 2 renew my gym membership", "have 2 call the bank": "2" for
    // "to" between a verb of needing and a chore ("need 2 tickets" counts).
    for k in 1..out.len().saturating_sub(1) {
        if out[k].low == "2"
            && matches!(
                out[k - 1].low.as_str(),
                "need" | "have" | "got" | "want" | "remember" | "forget" | "going" | "has"
            )
            && is_chore_verb(&out[k + 1].low)
        {
            out[k].low = "to".into();
        }
        // "move it 2 tomorrow 9am", "push that 2 monday": "to" a day.
        if out[k].low == "2"
            && matches!(out[k - 1].low.as_str(), "it" | "that" | "this" | "one")
            && (weekday(&out[k + 1].low).is_some()
                || matches!(
                    out[k + 1].low.as_str(),
                    "tomorrow" | "today" | "tonight" | "next" | "the"
                ))
        {
            out[k].low = "to".into();
        }
        // "reminder 4 the haircut task": "for".
        if out[k].low == "4"
            && matches!(
                out[k - 1].low.as_str(),
                "reminder" | "reminders" | "alarm" | "nudge" | "ping" | "alert" | "notification"
            )
            && matches!(out[k + 1].low.as_str(), "the" | "my" | "this" | "that")
        {
            out[k].low = "for".into();
        }
    }
    out
}

fn push(out: &mut Vec<Tok>, src: &str, start: usize, end: usize) {
    let text = &src[start..end];
    let mut low = text.to_lowercase().replace(['’', 'ʼ'], "'");
    // An en or em dash between words reads as a hyphen does, so the
    // grammar only ever matches "-".
    if matches!(low.as_str(), "—" | "–") {
        low = "-".into();
    }
    out.push(Tok {
        text: text.to_string(),
        low: normalize(low),
        start,
        end,
    });
}

/// Words the grammar keys on, which chat often misspells ("tommorow",
/// "remnd", "evry", "wendsday"). A misspelling is read as the word (`low`
/// only; `text`, and so titles, keep the spelling as typed).
const KEYWORDS: &[&str] = &[
    "tomorrow",
    "tonight",
    "today",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "remind",
    "remember",
    "reminder",
    "forget",
    "every",
    "minutes",
    "before",
    "priority",
    "important",
    "urgent",
    "delete",
    "finished",
    "rename",
    "reschedule",
    "reopen",
    "resume",
    "snooze",
    "repeating",
    "recurring",
    "weekend",
    "morning",
    "evening",
    "monthly",
    "show",
    "list",
    "done",
    "move",
    "high",
    "play",
];

/// Real words near a keyword, never read as it.
const NOT_TYPOS: &[&str] = &[
    "reporting",
    "forgot",
    "forged",
    "ever",
    "even",
    "very",
    "rewind",
    "remand",
    "reminded",
    "importance",
    "deleted",
    "renamed",
    "moved",
    "mode",
    "dome",
    "dune",
    "shoe",
    "snow",
    "shot",
    "sundae",
    "tonic",
    "thigh",
    "higher",
    "highs",
    "moves",
    "movie",
    "dose",
    "urgency",
    "thursdays",
    "fridays",
    "sundays",
    "mondays",
    "tuesdays",
    "saturdays",
    "wednesdays",
    "weekends",
    "mornings",
    "evenings",
    "reminders",
    "minute",
    "reminds",
    "remembers",
    "before",
    "monthly",
];

/// Chat shorthands read as the word they stand for.
const ALIASES: &[(&str, &str)] = &[
    ("wknd", "weekend"),
    ("rnm", "rename"),
    ("rnme", "rename"),
    ("wkend", "weekend"),
    ("b4", "before"),
    ("tmrws", "tomorrow's"),
    ("tmrw's", "tomorrow's"),
    ("tomorows", "tomorrow's"),
    ("tommorows", "tomorrow's"),
    ("evry", "every"),
    ("tmrw", "tomorrow"),
    ("tmr", "tomorrow"),
    ("tmw", "tomorrow"),
    ("2moro", "tomorrow"),
    ("2morrow", "tomorrow"),
    ("tdy", "today"),
    ("2day", "today"),
    ("wk", "week"),
    ("wks", "weeks"),
    ("whta", "what"),
    ("wat's", "what's"),
    ("wats", "what's"),
    ("todays", "today's"),
    ("abt", "about"),
    ("tody's", "today's"),
    ("tomorow's", "tomorrow's"),
    ("resched", "reschedule"),
    ("todays", "today's"),
    ("wat", "what"),
    ("wht", "what"),
    ("hav", "have"),
    ("nxt", "next"),
    // A keyword with a letter too many at the end reads as another form of
    // it, so the common slips are listed.
    ("wich", "which"),
    ("tmorow", "tomorrow"),
    ("tmorow's", "tomorrow's"),
    ("whcih", "which"),
    ("reminde", "remind"),
    ("remindme", "remind"),
    ("bumpp", "bump"),
    ("yse", "yes"),
    ("notifcation", "notification"),
    ("disabel", "disable"),
    ("re-enble", "re-enable"),
    ("postpne", "postpone"),
    ("wensday", "wednesday"),
    ("atm", "now"),
    ("crosed", "crossed"),
    ("tomoz", "tomorrow"),
    ("2nite", "tonight"),
    ("2night", "tonight"),
    ("hrs", "hours"),
    ("hr", "hour"),
    ("thru", "through"),
    ("pul", "pull"),
    ("yr", "year"),
    ("yrs", "years"),
    ("notfy", "notify"),
    ("alret", "alert"),
    ("ahed", "ahead"),
    ("erlier", "earlier"),
    ("ths", "this"),
    ("evenng", "evening"),
    ("chek", "check"),
    ("tht", "that"),
    ("shud", "should"),
    ("titeled", "titled"),
    ("dispaly", "display"),
    ("taks", "tasks"),
    ("compelted", "completed"),
    ("completd", "completed"),
    ("stp", "stop"),
    ("giv", "give"),
    ("pley", "play"),
    ("tody", "today"),
    ("waht's", "what's"),
    ("whats'", "what's"),
    ("shufle", "shuffle"),
    ("lok", "lock"),
    ("befor", "before"),
    ("tmr's", "tomorrow's"),
    ("tmrw's", "tomorrow's"),
    ("tdoay", "today"),
    ("waht", "what"),
    ("finsh", "finish"),
    ("alredy", "already"),
    ("minits", "minutes"),
    ("minuts", "minutes"),
    ("mintues", "minutes"),
    ("ply", "play"),
    ("opne", "open"),
    ("stpo", "stop"),
    ("wut", "what"),
    ("sho", "show"),
    ("txt", "text"),
    ("teh", "the"),
    ("strke", "strike"),
    ("unchek", "uncheck"),
    ("rmv", "remove"),
    ("chnage", "change"),
    ("compelte", "complete"),
    ("finishd", "finished"),
    ("remembering", "reminder"),
    ("tagd", "tagged"),
    ("wot's", "what's"),
    ("wots", "what's"),
    ("wot", "what"),
    ("trun", "turn"),
    ("ovredue", "overdue"),
    ("overdu", "overdue"),
    ("resum", "resume"),
    ("phne", "phone"),
    ("taged", "tagged"),
    ("shwo", "show"),
    ("swtich", "switch"),
    ("convrt", "convert"),
    ("shuold", "should"),
    ("shoud", "should"),
    ("yas", "yes"),
    ("yass", "yes"),
    ("nono", "no"),
    ("nonono", "no"),
    ("reshedual", "reschedule"),
    ("reshedule", "reschedule"),
    ("rescheduel", "reschedule"),
    ("reschdule", "reschedule"),
    ("delet", "delete"),
    ("lst", "list"),
    ("anythin", "anything"),
    ("somethin", "something"),
    ("nothin", "nothing"),
    ("mornin", "morning"),
    ("evenin", "evening"),
    ("w/", "with"),
    // Texting and shell shorthands: "mv that to sat", "dun w/ that".
    ("mv", "move"),
    ("nite", "night"),
    ("arvo", "afternoon"),
    ("dun", "done"),
    ("tmorrow's", "tomorrow's"),
    ("tomorows", "tomorrow's"),
];

fn normalize(low: String) -> String {
    // "hellooo", "nooo", "pleeease", "sooo": a letter drawn out three times
    // or more is said once (no English word has three in a row). "zzz" and
    // key mashing, with no vowel, stay as typed.
    let low = if has_drawn_out_letter(&low) && low.contains(['a', 'e', 'i', 'o', 'u', 'y']) {
        let cs: Vec<char> = low.chars().collect();
        let mut out = String::new();
        let mut k = 0;
        while k < cs.len() {
            let c = cs[k];
            let run = cs[k..].iter().take_while(|&&d| d == c).count();
            let keep = if c.is_alphabetic() && run >= 3 {
                1
            } else {
                run
            };
            out.extend(std::iter::repeat_n(c, keep));
            k += run;
        }
        out
    } else {
        low
    };
    if let Some((_, to)) = ALIASES.iter().find(|(a, _)| *a == low) {
        return to.to_string();
    }
    // "this wk's tasks", "tmrow's plan": a shorthand's possessive is the
    // word's.
    let (stem, possessive) = low
        .strip_suffix("'s")
        .map_or((low.as_str(), ""), |stem| (stem, "'s"));
    if spells_tomorrow(stem) {
        return format!("tomorrow{possessive}");
    }
    if !possessive.is_empty() {
        if let Some((_, to)) = ALIASES
            .iter()
            .find(|(a, to)| *a == stem && !to.contains('\''))
        {
            return format!("{to}'s");
        }
    }
    if low.len() < 4
        || !low.chars().all(|c| c.is_ascii_alphabetic())
        || KEYWORDS.contains(&low.as_str())
        || NOT_TYPOS.contains(&low.as_str())
    {
        return low;
    }
    for kw in KEYWORDS {
        if near(&low, kw) {
            return kw.to_string();
        }
    }
    low
}

/// "tmrow", "2mrw", "2mro", "tmrrw", "tommorow": the ways "tomorrow" is
/// shortened or misspelt in chat. Such a word is made of the letters of
/// "tomorrow" (a leading "2" for "to"), its only vowel is "o", and its
/// consonants, each run said once, are t-m-r or t-m-r-w. ("tom" is a name,
/// and "timer" or "tumor" have other vowels.)
fn spells_tomorrow(s: &str) -> bool {
    let s = s
        .strip_prefix('2')
        .map_or_else(|| s.to_string(), |r| format!("to{r}"));
    if s.len() < 4 || s.len() > 10 || !s.chars().all(|c| "tomrw".contains(c)) {
        return false;
    }
    let mut skeleton = String::new();
    for c in s.chars().filter(|&c| c != 'o') {
        if !skeleton.ends_with(c) {
            skeleton.push(c);
        }
    }
    matches!(skeleton.as_str(), "tmr" | "tmrw")
}

fn has_drawn_out_letter(s: &str) -> bool {
    let cs: Vec<char> = s.chars().collect();
    cs.windows(3)
        .any(|w| w[0].is_alphabetic() && w[0] == w[1] && w[1] == w[2])
}

/// Whether `s` is a likely misspelling of `kw`: same first letter, and one
/// edit (an adjacent swap counts as one) for words of five to seven
/// letters, two for longer ones; four-letter words only by a swap.
pub(crate) fn near(s: &str, kw: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (s.chars().collect(), kw.chars().collect());
    // Long keywords lose two letters as easily as one ("wensday", "tomoro").
    // ("finish" is not a misspelt "finished": a prefix is another form).
    let slack = if b.len() >= 8 && !kw.starts_with(s) {
        2
    } else {
        1
    };
    if a.first() != b.first() || a.len().abs_diff(b.len()) > slack {
        return false;
    }
    // A plural or possessive of the keyword is a different word.
    if s.len() == kw.len() + 1 && s.starts_with(kw) {
        return false;
    }
    let max = match b.len() {
        0..=3 => return false,
        4 => {
            return a.len() == 4
                && (0..3).any(|i| {
                    a[i] == b[i + 1]
                        && a[i + 1] == b[i]
                        && a[..i] == b[..i]
                        && a[i + 2..] == b[i + 2..]
                });
        }
        5..=7 => 1,
        _ => 2,
    };
    damerau(&a, &b) <= max
}

/// Edit distance with adjacent transpositions (optimal string alignment).
fn damerau(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, x) in d[0].iter_mut().enumerate() {
        *x = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Splits trailing `!`, `.`, `:` and a leading `'` off a word.
fn split_word(out: &mut Vec<Tok>, src: &str, start: usize, end: usize) {
    let word = &src[start..end];
    if word.chars().all(|c| c == '!') || word.chars().all(|c| c == '.') {
        push(out, src, start, end);
        return;
    }
    let mut start = start;
    if word.starts_with('\'') && word.len() > 1 {
        push(out, src, start, start + 1);
        start += 1;
    }
    let word = &src[start..end];
    let lower = word.to_lowercase();
    if lower == "a.m." || lower == "p.m." {
        push(out, src, start, end);
        return;
    }
    // Trailing punctuation, peeled from the right.
    let mut cut = word.len();
    let bytes = word.as_bytes();
    while cut > 0 && matches!(bytes[cut - 1], b'.' | b':' | b'!' | b'\'') {
        cut -= 1;
    }
    if cut == 0 {
        push(out, src, start, end);
        return;
    }
    push(out, src, start, start + cut);
    // Group the peeled characters: a run of `!` is one token, others one each.
    let mut i = start + cut;
    while i < end {
        let b = src.as_bytes()[i];
        if b == b'!' {
            let mut j = i;
            while j < end && src.as_bytes()[j] == b'!' {
                j += 1;
            }
            push(out, src, i, j);
            i = j;
        } else {
            push(out, src, i, i + 1);
            i += 1;
        }
    }
}

/// A character of an emoji or pictograph (arrows, symbols, dingbats,
/// pictographs and the joiners and selectors that combine them).
fn is_emoji_part(c: char) -> bool {
    let n = c as u32;
    // Enclosed letters ("🅿", "🅰") count as letters to Unicode, as
    // pictures to people.
    (0x1F100..=0x1F1FF).contains(&n)
        || !c.is_alphanumeric()
            && (n >= 0x2190 && !(0x3000..=0xFF00).contains(&n)
                || matches!(n, 0x200D | 0x20E3 | 0xFE0F))
}

pub(crate) fn is_punct(s: &str) -> bool {
    !s.is_empty()
        && s != "!!"
        && !s.starts_with("!!")
        && s.chars().all(|c| !c.is_alphanumeric() && c != '#')
}

/// Rebuilds text from the tokens at `idx` (ascending), spacing as written.
pub(crate) fn join(toks: &[Tok], idx: &[usize]) -> String {
    let mut out = String::new();
    let mut prev: Option<(usize, &Tok)> = None;
    for &i in idx {
        let t = &toks[i];
        if let Some((pi, p)) = prev {
            let closing = matches!(
                t.text.as_str(),
                "," | "." | ")" | ":" | ";" | "?" | "!" | "”" | "]"
            );
            let opening = matches!(p.text.as_str(), "(" | "“" | "[" | "‘");
            // Neighbours in the message keep the spacing they were typed
            // with; where words were taken out between two tokens, no space
            // goes before closing or after opening punctuation. Tokens put
            // in another order than typed are words apart.
            let neighbours = pi + 1 == i;
            let apart = t.start > p.end || t.start < p.start;
            if apart && (neighbours || (!closing && !opening)) {
                out.push(' ');
            }
        }
        out.push_str(&t.text);
        prev = Some((i, t));
    }
    out
}

/// Upper-cases the first letter.
pub(crate) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Cardinal numbers: digits or words ("a", "an", "one" … "sixty", "twenty-five").
pub(crate) fn number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    if let Some((a, b)) = s.split_once('-') {
        let tens = word_number(a)?;
        let unit = word_number(b)?;
        if tens >= 20 && tens % 10 == 0 && (1..10).contains(&unit) {
            return Some(tens + unit);
        }
        return None;
    }
    word_number(s)
}

/// An hour of the clock said in words: "one" to "twelve".
pub(crate) fn hour_word(s: &str) -> Option<u32> {
    if matches!(s, "a" | "an") {
        return None;
    }
    word_number(s).filter(|h| (1..=12).contains(h))
}

fn word_number(s: &str) -> Option<u32> {
    Some(match s {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "ninety" => 90,
        _ => return None,
    })
}

/// Ordinals: "1st", "22nd", "first", "twenty-first". Out-of-range values are
/// returned as read so that callers can refuse them.
pub(crate) fn ordinal(s: &str) -> Option<u32> {
    for suf in ["st", "nd", "rd", "th"] {
        if let Some(n) = s.strip_suffix(suf) {
            if !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()) {
                return n.parse().ok();
            }
        }
    }
    if let Some((a, b)) = s.split_once('-') {
        let tens = match a {
            "twenty" => 20,
            "thirty" => 30,
            _ => return None,
        };
        let unit = word_ordinal(b)?;
        return (unit < 10).then_some(tens + unit);
    }
    word_ordinal(s)
}

fn word_ordinal(s: &str) -> Option<u32> {
    Some(match s {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    })
}

/// Whether a phrase ends before `next`: at the end of the message, at a
/// punctuation mark, or at a tag or a priority mark ("#work", "!high").
pub(crate) fn ends_before(next: &str) -> bool {
    next.is_empty() || is_punct(next) || next.starts_with('#') || next.starts_with('!')
}

/// Whether "till" at `i` is the cash drawer, not "until": after an article
/// or a possessive ("count the till", "empty my till").
pub(crate) fn till_is_noun(t: &[Tok], i: usize) -> bool {
    t[i].low == "till"
        && i > 0
        && matches!(
            t[i - 1].low.as_str(),
            "the" | "a" | "my" | "our" | "his" | "her"
        )
}

/// A word the parser adds to a message when it reads it in another order
/// ("look for X in my tasks"), placed where `at` stands.
pub(crate) fn word_at(s: &str, at: &Tok) -> Tok {
    Tok {
        text: s.to_string(),
        low: s.to_string(),
        start: at.start,
        end: at.end,
    }
}

/// A verb a terse to-do commonly opens with ("pay rent", "call the
/// plumber"): after an abbreviated weekday that could be a word ("wed",
/// "mon", "sat", "sun"), it shows the abbreviation dates the to-do.
pub(crate) fn is_chore_verb(s: &str) -> bool {
    const VERBS: &[&str] = &[
        "call", "ring", "phone", "text", "email", "mail", "message", "buy", "get", "pay", "order",
        "book", "pick", "drop", "collect", "bring", "take", "return", "send", "post", "ship",
        "fix", "repair", "clean", "wash", "tidy", "mow", "water", "feed", "walk", "cook", "bake",
        "pack", "mark", "check", "finish", "submit", "file", "print", "sign", "renew", "cancel",
        "meet", "visit", "see", "go", "write", "read", "review", "prepare", "prep", "plan",
        "update", "sort", "change", "replace", "paint", "install", "study", "practice", "practise",
    ];
    VERBS.contains(&s)
}

/// A verb a to-do opens with: the chores (`is_chore_verb`) and other
/// common ones ("wrap up", "scrub", "unclog").
pub(crate) fn opens_todo(s: &str) -> bool {
    is_chore_verb(s)
        || matches!(
            s,
            "wrap"
                | "scrub"
                | "mist"
                | "close"
                | "unclog"
                | "complete"
                | "defrost"
                | "repot"
                | "label"
                | "vacuum"
                | "hoover"
                | "iron"
                | "dust"
                | "sweep"
                | "mop"
                | "empty"
                | "refill"
                | "charge"
                | "schedule"
                | "reply"
                | "ask"
                | "tell"
                | "grab"
                | "find"
                | "research"
                | "organise"
                | "organize"
                | "clear"
                | "throw"
                | "donate"
                | "recycle"
                | "fill"
                | "email"
                | "buy"
        )
}

/// A weekday name: (day, plural, abbreviated).
pub(crate) fn weekday(s: &str) -> Option<(Weekday, bool, bool)> {
    use Weekday::*;
    let full = [
        ("monday", Mon),
        ("tuesday", Tue),
        ("wednesday", Wed),
        ("thursday", Thu),
        ("friday", Fri),
        ("saturday", Sat),
        ("sunday", Sun),
    ];
    for (name, d) in full {
        if s == name {
            return Some((d, false, false));
        }
        if s.len() == name.len() + 1 && s.starts_with(name) && s.ends_with('s') {
            return Some((d, true, false));
        }
    }
    let abbr = [
        ("mon", Mon),
        ("tue", Tue),
        ("tues", Tue),
        ("wed", Wed),
        ("weds", Wed),
        ("thu", Thu),
        ("thur", Thu),
        ("thurs", Thu),
        ("fri", Fri),
        ("sat", Sat),
        ("sun", Sun),
    ];
    abbr.iter()
        .find(|(n, _)| *n == s)
        .map(|(_, d)| (*d, false, true))
}

/// A month name or its abbreviation: 1–12.
pub(crate) fn month(s: &str) -> Option<u32> {
    let names = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if let Some(i) = names.iter().position(|n| *n == s) {
        return Some(i as u32 + 1);
    }
    let abbr = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if let Some(i) = abbr.iter().position(|n| *n == s) {
        return Some(i as u32 + 1);
    }
    match s {
        "sept" => Some(9),
        _ => None,
    }
}

pub(crate) fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The English name of month `m` (1 = January); any other number wraps
/// round rather than underflowing `m - 1`.
pub(crate) fn month_name(m: u32) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][((m % 12) as usize + 11) % 12]
}

pub(crate) fn ordinal_suffix(n: i64) -> String {
    let a = n.abs();
    let suf = if (11..=13).contains(&(a % 100)) {
        "th"
    } else {
        match a % 10 {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        }
    };
    format!("{n}{suf}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lows(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.low).collect()
    }

    #[test]
    fn tomorrow_shortened_or_misspelt() {
        for s in [
            "tmrow", "2mrw", "2mro", "tmrrw", "tommorow", "tomoro", "2moro", "tmro",
        ] {
            assert!(spells_tomorrow(s), "{s}");
        }
        for s in [
            "tom", "timer", "tumor", "tram", "mtrw", "tomato", "tow", "motor",
        ] {
            assert!(!spells_tomorrow(s), "{s}");
        }
        assert_eq!(lows("gym 2mrw's plan"), ["gym", "tomorrow's", "plan"]);
    }

    /// `m - 1` underflowed for 0 (a panic in debug builds); a month outside
    /// 1..=12 now wraps instead.
    #[test]
    fn month_name_takes_any_number() {
        assert_eq!(month_name(1), "January");
        assert_eq!(month_name(12), "December");
        assert_eq!(month_name(0), "December");
        assert_eq!(month_name(u32::MAX), month_name(u32::MAX % 12));
    }

    #[test]
    fn splits_punctuation() {
        assert_eq!(
            lows("Add recurring task: team standup, at 9am!!"),
            [
                "add",
                "recurring",
                "task",
                ":",
                "team",
                "standup",
                ",",
                "at",
                "9am",
                "!!"
            ]
        );
        assert_eq!(lows("what’s due today?"), ["what's", "due", "today", "?"]);
        assert_eq!(lows("at 3 p.m. #work"), ["at", "3", "p.m.", "#work"]);
        assert_eq!(lows("Buy milk."), ["buy", "milk", "."]);
    }

    #[test]
    fn joins_as_written() {
        let t = tokenize("Call mom (about the party), then rest");
        let idx: Vec<usize> = (0..t.len()).collect();
        assert_eq!(join(&t, &idx), "Call mom (about the party), then rest");
    }

    #[test]
    fn words_put_in_another_order_stay_apart() {
        let t = tokenize("boss pinging - any task w/ Q1 forecast?");
        assert_eq!(join(&t, &[6, 7, 0, 1]), "Q1 forecast boss pinging");
    }

    #[test]
    fn numbers_and_ordinals() {
        assert_eq!(number("15"), Some(15));
        assert_eq!(number("an"), Some(1));
        assert_eq!(number("twenty-five"), Some(25));
        assert_eq!(ordinal("1st"), Some(1));
        assert_eq!(ordinal("32nd"), Some(32));
        assert_eq!(ordinal("twenty-first"), Some(21));
        assert_eq!(ordinal("second"), Some(2));
        assert_eq!(ordinal("floor"), None);
    }
}
