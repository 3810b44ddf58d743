//! Everyday ways of saying a date, a time, a rule or a level that the
//! grammar knows in another wording: "this coming Saturday", "no later than
//! the 9th", "half past eight", "on alternate Tuesdays", "final day of each
//! month", "Wed the 2nd". Each is rewritten to the wording the grammar reads
//! ("saturday", "by the 9th", "8:30", "every other tuesday", "last day of the
//! month", "on the 2nd"), outside quotes, before the message is read.

use crate::text::{self, Tok};

/// The message with its idioms said in the grammar's words, or `None` when
/// it has none.
pub(crate) fn plain_wording(message: &str) -> Option<String> {
    let found = rewrites(message);
    let said = Rewritten::new(message, &found).text;
    // "hello :) would you mind …": a smiley only sets the tone, and ends
    // what was said before it as a comma would.
    let all: Vec<&str> = said.split_whitespace().collect();
    let mut words: Vec<&str> = Vec::new();
    for (k, w) in all.iter().enumerate() {
        if !is_emoticon(w) {
            words.push(w);
        } else if k + 1 < all.len() && !words.is_empty() {
            words.push(",");
        }
    }
    let smiley = all.iter().any(|w| is_emoticon(w));
    (!found.is_empty() || smiley && !words.is_empty()).then(|| words.join(" "))
}

/// A smiley typed in letters and marks: ":)", ";-)", ":D", "xD", "<3".
fn is_emoticon(w: &str) -> bool {
    matches!(
        w,
        ":)" | ":-)"
            | ":))"
            | ":("
            | ":-("
            | ";)"
            | ";-)"
            | ":D"
            | ":-D"
            | ":P"
            | ":p"
            | ":-P"
            | "xD"
            | "XD"
            | ":/"
            | ":-/"
            | "^^"
            | "^_^"
            | "<3"
            | ":3"
            | ":o"
            | ":O"
            | "=)"
            | "(:"
    )
}

/// One idiom in a message: its byte range and the grammar's words for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rewrite {
    pub start: usize,
    pub end: usize,
    pub said: String,
}

/// Every idiom in the message outside quotes, in order, none overlapping.
pub(crate) fn rewrites(message: &str) -> Vec<Rewrite> {
    let t = text::tokenize(message);
    let quoted = quoted(&t);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match idiom(&t, i).filter(|(e, _)| !(i..*e).any(|k| quoted[k])) {
            Some((e, said)) => {
                out.push(Rewrite {
                    start: t[i].start,
                    end: t[e - 1].end,
                    said,
                });
                i = e;
            }
            None => i += 1,
        }
    }
    out
}

/// A message with some of its idioms rewritten, and the way back from a
/// byte offset in the new text to one in the message (quick add shows each
/// part where the user typed it).
pub(crate) struct Rewritten {
    pub text: String,
    /// Each rewrite's range in the new text and in the message.
    moved: Vec<((usize, usize), (usize, usize))>,
}

impl Rewritten {
    pub fn new(message: &str, rewrites: &[Rewrite]) -> Self {
        let mut text = String::new();
        let mut moved = Vec::new();
        let mut from = 0;
        for r in rewrites {
            text.push_str(&message[from..r.start]);
            let at = text.len();
            text.push_str(&r.said);
            moved.push(((at, text.len()), (r.start, r.end)));
            from = r.end;
        }
        text.push_str(&message[from..]);
        Rewritten { text, moved }
    }

    /// The new text's range of each rewrite.
    pub fn rewritten_ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.moved.iter().map(|(new, _)| *new)
    }

    /// A range of the new text as a range of the message: a part that
    /// touches a rewrite covers all of the words it replaced.
    pub fn new_to_message(&self, start: usize, end: usize) -> (usize, usize) {
        (self.map(start, true), self.map(end, false))
    }

    /// A range of the message as a range of the new text (for ranges that
    /// no rewrite overlaps).
    pub fn message_to_new(&self, start: usize, end: usize) -> (usize, usize) {
        let shift = |at: usize| {
            let mut delta: isize = 0;
            for ((na, nb), (oa, ob)) in &self.moved {
                if *ob <= at {
                    delta += (*nb as isize - *na as isize) - (*ob as isize - *oa as isize);
                }
            }
            (at as isize + delta) as usize
        };
        (shift(start), shift(end))
    }

    fn map(&self, at: usize, is_start: bool) -> usize {
        let mut delta: isize = 0;
        for ((na, nb), (oa, ob)) in &self.moved {
            let inside = if is_start {
                *na <= at && at < *nb
            } else {
                *na < at && at <= *nb
            };
            if inside {
                return if is_start { *oa } else { *ob };
            }
            if *nb <= at {
                delta += (*ob as isize - *oa as isize) - (*nb as isize - *na as isize);
            }
        }
        (at as isize + delta) as usize
    }
}

/// Which tokens are inside double quotes (single quotes are read by the
/// grammar, which knows apostrophes from quotes; idioms inside them are rare).
pub(crate) fn quoted(t: &[Tok]) -> Vec<bool> {
    let mut inside = false;
    t.iter()
        .map(|x| {
            let q = matches!(x.low.as_str(), "\"" | "“" | "”");
            if q {
                inside = !inside;
            }
            inside || q
        })
        .collect()
}

fn w(t: &[Tok], k: usize) -> &str {
    t.get(k).map(|x| x.low.as_str()).unwrap_or("")
}

fn seq(t: &[Tok], k: usize, words: &[&str]) -> bool {
    words.iter().enumerate().all(|(j, s)| w(t, k + j) == *s)
}

/// An hour said as a word or a number, 1–12.
fn hour(s: &str) -> Option<u32> {
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    WORDS
        .iter()
        .position(|x| *x == s)
        .map(|p| p as u32 + 1)
        .or_else(|| s.parse().ok().filter(|h| (1..=12).contains(h)))
}

/// Words after which a number is a time of day.
fn before_a_time(s: &str) -> bool {
    matches!(
        s,
        "at" | "@"
            | "by"
            | "from"
            | "until"
            | "till"
            | "today"
            | "tomorrow"
            | "tonight"
            | "tmr"
            | "tmrw"
            | "morning"
            | "evening"
            | "afternoon"
    ) || text::weekday(s).is_some()
}

/// Minutes said as a word: "thirty", "fifteen", "forty-five".
fn minutes_word(s: &str) -> Option<u32> {
    Some(match s {
        "fifteen" => 15,
        "thirty" => 30,
        "forty-five" => 45,
        "twenty" => 20,
        "ten" => 10,
        "five" => 5,
        _ => return None,
    })
}

/// The idiom starting at `i`: where it ends and what to say instead.
fn idiom(t: &[Tok], i: usize) -> Option<(usize, String)> {
    let s = w(t, i);
    let prev = if i > 0 { w(t, i - 1) } else { "" };
    // "run me through today", "walk me through next week": show me.
    if matches!(s, "run" | "walk" | "talk" | "take")
        && w(t, i + 1) == "me"
        && w(t, i + 2) == "through"
        && (i == 0 || text::is_punct(prev))
        && i + 3 < t.len()
    {
        return Some((i + 3, "show me".to_string()));
    }
    // "uni-tagged tasks", "work-tagged stuff": the tag said before the word.
    if let Some(tag) = s.strip_suffix("-tagged") {
        if !tag.is_empty() && tag.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Some((i + 1, format!("tagged {tag}")));
        }
    }
    // "renew the registration, is important", "…, is not urgent": "it"
    // left out before a level, as other languages leave it out. (A message
    // that opens "Is urgent: …" is read as such already.)
    if s == "is"
        && matches!(prev, "," | "-" | "but" | "and")
        && (matches!(
            w(t, i + 1),
            "urgent" | "important" | "not" | "very" | "really" | "super"
        ) || seq(t, i + 1, &["high", "priority"])
            || seq(t, i + 1, &["low", "priority"]))
    {
        return Some((i + 1, "it's".into()));
    }
    // "at 8 evening", "7pm in the evening", "9 am in the morning": a part of
    // the day said after a time. After a bare hour it says which half of the
    // day ("8 in the evening"); after am or pm it only repeats it, and goes.
    let part = |k: usize| {
        let k = if seq(t, k, &["in", "the"]) { k + 2 } else { k };
        matches!(w(t, k), "morning" | "afternoon" | "evening" | "night").then(|| (k + 1, w(t, k)))
    };
    let clock = |s: &str| {
        hour(s).is_some()
            || s.split_once(':').is_some_and(|(h, m)| {
                hour(h).is_some() && m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit())
            })
    };
    if prev == "at" && clock(s) && !seq(t, i + 1, &["in", "the"]) {
        if let Some((e, p)) = part(i + 1) {
            return Some((e, format!("{s} in the {p}")));
        }
    }
    let meridiem = |k: usize| -> Option<(usize, &str)> {
        let x = w(t, k);
        if clock(x) && matches!(w(t, k + 1), "am" | "pm") {
            return Some((k + 2, w(t, k + 1)));
        }
        let half = x
            .strip_suffix("am")
            .map(|h| (h, "am"))
            .or_else(|| x.strip_suffix("pm").map(|h| (h, "pm")));
        half.filter(|(h, _)| clock(h)).map(|(_, m)| (k + 1, m))
    };
    // ("the 9am morning meeting": a bare part after an unasked time may
    // name the thing.)
    if let Some((e, m)) =
        meridiem(i).filter(|&(e, _)| matches!(prev, "at" | "@" | "by") || seq(t, e, &["in", "the"]))
    {
        if let Some((end, p)) = part(e) {
            let agrees = if m == "am" {
                p == "morning"
            } else {
                p != "morning"
            };
            if agrees {
                return Some((end, text::join(t, &(i..e).collect::<Vec<_>>())));
            }
        }
    }
    // "a 30-minute reminder", "a 2-hour warning": the amount and its unit.
    if let Some((n, unit)) = s.split_once('-') {
        if !n.is_empty()
            && n.len() <= 3
            && n.bytes().all(|b| b.is_ascii_digit())
            && matches!(unit, "minute" | "min" | "hour" | "day" | "week")
            // (Only of a reminder: "a 7-day metro pass" is a thing.)
            && matches!(
                w(t, i + 1),
                "reminder" | "warning" | "heads-up" | "alert" | "notice" | "nudge" | "ping"
                    | "snooze" | "before" | "ahead" | "earlier" | "beforehand"
            )
        {
            return Some((i + 1, format!("{n} {unit}")));
        }
    }
    // "11.00", "at 6.30pm", "Thurs 11.00": a time written with a dot.
    if let Some((h, rest)) = s.split_once('.') {
        // (Split on the digits: a byte count could cut a character.)
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (m, suffix) = rest.split_at(digits);
        if let (Ok(hh), Ok(mm)) = (h.parse::<u32>(), m.parse::<u32>()) {
            let timed = before_a_time(prev) || matches!(suffix, "am" | "pm");
            if timed
                && h.len() <= 2
                && m.len() == 2
                && hh < 24
                && mm < 60
                && matches!(suffix, "" | "am" | "pm")
            {
                return Some((i + 1, format!("{hh}:{m}{suffix}")));
            }
        }
    }
    // "Sat 0645", "tmr 0900", "Mon 1400", "16 Dec 0830": a 24-hour time
    // without a colon. (After a month, "2026" is its year: only 0000-1959.)
    let after_date = (text::month(prev).is_some()
        || i >= 2 && text::month(w(t, i - 2)).is_some() && prev.parse::<u32>().is_ok())
        && (s.starts_with('0') || s.starts_with('1'));
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) && (before_a_time(prev) || after_date)
    {
        let (hh, mm) = (s[..2].parse::<u32>().ok()?, s[2..].parse::<u32>().ok()?);
        if hh < 24 && mm < 60 && (s.starts_with('0') || s.starts_with('1') || s.starts_with('2')) {
            // (Two digits for the hour: "06:45" is morning as written.)
            return Some((i + 1, format!("{hh:02}:{mm:02}")));
        }
    }
    // "19h30": the French way.
    if let Some((h, m)) = s.split_once('h') {
        if let (Ok(hh), Ok(mm)) = (h.parse::<u32>(), m.parse::<u32>()) {
            if hh < 24 && mm < 60 && m.len() == 2 {
                return Some((i + 1, format!("{hh}:{m}")));
            }
        }
    }
    // "call mom at nine", "standup every weekday at nine", "at ten
    // thirty": an hour in words after "at" is the time ("look at one of
    // the cars" is not: the words after it say so).
    if matches!(prev, "at" | "@") && s.parse::<u32>().is_err() {
        if let Some(h) = hour(s) {
            if let Some(m) = minutes_word(w(t, i + 1)) {
                return Some((i + 2, format!("{h}:{m:02}")));
            }
            let next = w(t, i + 1);
            let ends = text::ends_before(next)
                || matches!(
                    next,
                    "and"
                        | "on"
                        | "every"
                        | "each"
                        | "today"
                        | "tomorrow"
                        | "tonight"
                        | "tmr"
                        | "tmrw"
                        | "in"
                        | "sharp"
                        | "remind"
                        | "please"
                        | "pls"
                        | "then"
                )
                || text::weekday(next).is_some();
            if ends {
                return Some((i + 1, h.to_string()));
            }
        }
    }
    // "half 3", "half six" (British: half past), "at half 7".
    if s == "half" && before_a_time(prev) {
        if let Some(h) = hour(w(t, i + 1)) {
            return Some((i + 2, format!("{h}:30")));
        }
    }
    // "twenty past 6", "ten to nine".
    // ("chapters 7 to 9" is a range: a number before "to" is not minutes.)
    let said_minutes = minutes_word(s)
        .map(|m| (m, true))
        .or_else(|| s.parse().ok().filter(|m: &u32| *m < 60).map(|m| (m, false)));
    if let Some((m, in_words)) = said_minutes {
        if (w(t, i + 1) == "past" || w(t, i + 1) == "to" && in_words) && s != "half" {
            if let Some(h) = hour(w(t, i + 2)) {
                let said = if w(t, i + 1) == "past" {
                    format!("{h}:{m:02}")
                } else {
                    format!("{}:{:02}", if h == 1 { 12 } else { h - 1 }, 60 - m)
                };
                return Some((i + 3, said));
            }
        }
    }
    // "seven thirty", "at six fifteen".
    if let (Some(h), Some(m)) = (hour(s), minutes_word(w(t, i + 1))) {
        if before_a_time(prev) && !s.bytes().all(|b| b.is_ascii_digit()) {
            return Some((i + 2, format!("{h}:{m:02}")));
        }
    }
    // Weekday ranges and letters: "Mon-Fri", "mon thru fri", "Monday thru
    // Friday", "MWF".
    if text::weekday(s).is_some_and(|(d, _, _)| d == chrono::Weekday::Mon)
        && matches!(w(t, i + 1), "-" | "thru" | "through" | "to")
        && text::weekday(w(t, i + 2)).is_some_and(|(d, _, _)| d == chrono::Weekday::Fri)
    {
        let every = if matches!(prev, "every" | "each") {
            ""
        } else {
            "every "
        };
        return Some((i + 3, format!("{every}weekday")));
    }
    if s == "mon-fri" {
        return Some((i + 1, "every weekday".into()));
    }
    if s == "mwf" {
        return Some((i + 1, "every monday, wednesday and friday".into()));
    }
    let weekday = |k: usize| text::weekday(w(t, k)).filter(|(_, plural, _)| !plural);
    // "this coming Saturday": the Saturday ahead.
    if seq(t, i, &["this", "coming"]) && weekday(i + 2).is_some() {
        return Some((i + 3, t[i + 2].text.clone()));
    }
    // "Wed the 2nd", "Monday the 30th", "Sun 29th", "Wed. the 2nd": the
    // date said with its weekday.
    if weekday(i).is_some() {
        let mut k = i + 1;
        if w(t, k) == "." {
            k += 1;
        }
        if w(t, k) == "the" {
            k += 1;
        }
        // Digits only: "monday first thing" is a time of day.
        let numbered = w(t, k).starts_with(|c: char| c.is_ascii_digit());
        if numbered {
            if let Some(n) = text::ordinal(w(t, k)) {
                let on = if i > 0 && matches!(w(t, i - 1), "on" | "by" | "before" | "until") {
                    ""
                } else {
                    "on "
                };
                return Some((
                    k + 1,
                    format!("{on}the {}", text::ordinal_suffix(i64::from(n))),
                ));
            }
        }
    }
    // "tmrw am", "tomorrow pm": the part of that day.
    if matches!(s, "tomorrow" | "today") && matches!(w(t, i + 1), "am" | "pm") {
        let part = if w(t, i + 1) == "am" {
            "morning"
        } else {
            "afternoon"
        };
        return Some((i + 2, format!("{s} {part}")));
    }
    // "around 3ish", "noonish": about that time.
    if let Some(stem) = s.strip_suffix("ish") {
        let time_like = stem == "noon"
            || !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit() || b == b':');
        if time_like {
            return Some((i + 1, stem.to_string()));
        }
    }
    // "on 12.12.", "by 3.1.": day and month, as Europe writes them (the
    // closing dot is its own token).
    if w(t, i + 1) == "."
        && i > 0
        && matches!(w(t, i - 1), "on" | "by" | "until" | "before" | "due")
    {
        if let Some((d, m)) = s.split_once('.') {
            let short = d.len() <= 2 && m.len() <= 2;
            if let (Ok(d), Ok(m), true) = (d.parse::<u32>(), m.parse::<u32>(), short) {
                if (1..=31).contains(&d) && (1..=12).contains(&m) {
                    return Some((i + 2, format!("{m}/{d}")));
                }
            }
        }
    }
    // "mid december": the middle of that month.
    if s == "mid" && text::month(w(t, i + 1)).is_some() {
        return Some((i + 2, format!("{} 15", t[i + 1].text)));
    }
    match s {
        // More ways to ask for a reminder.
        "send" if seq(t, i + 1, &["me", "a", "buzz"]) => return Some((i + 4, "remind me".into())),
        "give"
            if seq(t, i + 1, &["me", "a"]) && matches!(w(t, i + 3), "notification" | "notice") =>
        {
            return Some((i + 4, "remind me".into()))
        }
        "i" if seq(t, i + 1, &["want", "to", "be", "remembered"]) => {
            return Some((i + 5, "remind me".into()))
        }
        "set" if seq(t, i + 1, &["an", "alert", "on"]) => {
            return Some((i + 4, "remind me about".into()))
        }
        "a" if seq(t, i + 1, &["poke", "about", "it"]) => {
            return Some((i + 4, "remind me about it".into()))
        }
        // Repeats ended or restarted in other words.
        "non-recurring" => return Some((i + 1, "stop repeating".into())),
        "no" if seq(t, i + 1, &["longer", "recurring"]) => {
            return Some((i + 3, "stop repeating".into()))
        }
        "doesn't" | "doesnt" if seq(t, i + 1, &["need", "to", "recur"]) => {
            let e = if seq(t, i + 4, &["any", "more"]) {
                i + 6
            } else {
                i + 4
            };
            return Some((e, "should stop repeating".into()));
        }
        "take"
            if matches!(w(t, i + 1), "that" | "it") && seq(t, i + 2, &["one", "off", "repeat"]) =>
        {
            return Some((i + 5, "stop repeating it".into()))
        }
        "take" if matches!(w(t, i + 1), "that" | "it") && seq(t, i + 2, &["off", "repeat"]) => {
            return Some((i + 4, "stop repeating it".into()))
        }
        // Levels in other words: "a whenever thing", "treat X as asap".
        "a" if seq(t, i + 1, &["whenever", "thing"]) => {
            return Some((i + 3, "low priority".into()))
        }
        // Renamed in other words: "relabel 'X' as Y", "fix the wording to
        // 'Y'", "shorten it to just Y".
        "relabel" => return Some((i + 1, "rename".into())),
        "slip" | "slipped" | "go" | "gone" | "went"
            if w(t, i + 1) == "past"
                && matches!(w(t, i + 2), "its" | "the" | "their" | "my")
                && w(t, i + 3) == "due"
                && matches!(w(t, i + 4), "date" | "dates") =>
        {
            return Some((i + 5, "overdue".into()))
        }
        // "did anything urgent slip past its due date?": overdue.
        "past"
            if matches!(w(t, i + 1), "its" | "the" | "their" | "my")
                && (seq(t, i + 2, &["due", "date"]) || seq(t, i + 2, &["due", "dates"])) =>
        {
            return Some((i + 4, "overdue".into()))
        }
        // "how's today looking?", "how's my week looking": what is due then.
        "how's" | "hows"
            if matches!(w(t, i + 2), "looking" | "look")
                && matches!(w(t, i + 1), "today" | "tomorrow" | "tonight") =>
        {
            return Some((i + 3, format!("what's due {}", w(t, i + 1))))
        }
        // "Where do I find the task about garage 7", "look whether some task
        // mentions the lawyer": a search.
        "where" if seq(t, i + 1, &["do", "i", "find"]) => return Some((i + 4, "find".into())),
        "look" if w(t, i + 1) == "whether" || w(t, i + 1) == "if" => {
            return Some((i + 2, "search whether".into()))
        }
        // "could 'Coffee with Ingrid' go to Saturday": moved.
        "go" if w(t, i + 1) == "to"
            && matches!(prev, "\"" | "”" | "'" | "’" | "task")
            && t[..i]
                .iter()
                .any(|x| matches!(x.low.as_str(), "could" | "can")) =>
        {
            return Some((i + 2, "move to".into()))
        }
        // "in half hour", "half hour before": without its article.
        "half" if w(t, i + 1) == "hour" && !matches!(prev, "a" | "an" | "the") => {
            return Some((i + 2, "30 minutes".into()))
        }
        // "give me reminder …", "make me reminder …": without the article.
        "give" | "make" | "send" | "set" if w(t, i + 1) == "me" && w(t, i + 2) == "reminder" => {
            return Some((i + 3, "remind me".into()))
        }
        // "dont forgot to …": never meant as the past tense.
        "don't" | "dont" if w(t, i + 1) == "forgot" => return Some((i + 2, "don't forget".into())),
        "fix" if seq(t, i + 1, &["the", "wording", "to"]) => {
            return Some((i + 4, "rename it to".into()))
        }
        "shorten" if seq(t, i + 1, &["it", "to"]) => {
            let e = if w(t, i + 3) == "just" { i + 4 } else { i + 3 };
            return Some((e, "rename it to".into()));
        }
        // Moved: "can it slide to wednesday?", "shove it to tomorrow".
        "can" | "could" if seq(t, i + 1, &["it", "slide", "to"]) => {
            return Some((i + 4, "move it to".into()))
        }
        // Repeats off and on: "switch off the repeating", "go back to
        // repeating", "pick the series back up", "put it back on a loop".
        "switch" | "turn"
            if w(t, i + 1) == "off"
                && matches!(w(t, i + 2), "the")
                && matches!(
                    w(t, i + 3),
                    "repeating" | "repeat" | "repeats" | "recurrence"
                ) =>
        {
            return Some((i + 4, "stop repeating".into()))
        }
        "go" if seq(t, i + 1, &["back", "to", "repeating"]) => {
            return Some((i + 4, "resume repeating".into()))
        }
        "pick" if seq(t, i + 1, &["the", "series", "back", "up"]) => {
            return Some((i + 5, "resume the series".into()))
        }
        "put" if seq(t, i + 1, &["it", "back", "on", "a", "loop"]) => {
            return Some((i + 6, "resume it".into()))
        }
        "keep" if w(t, i + 1) == "recurring" || w(t, i + 1) == "repeating" => {
            return Some((i + 2, "resume repeating".into()))
        }
        // Not done after all: "it's still to do", "back to pending".
        "still" if seq(t, i + 1, &["to", "do"]) || seq(t, i + 1, &["needs", "doing"]) => {
            return Some((i + 3, "not done".into()));
        }
        "back" if seq(t, i + 1, &["to", "pending"]) || seq(t, i + 1, &["to", "to-do"]) => {
            return Some((i + 3, "reopen".into()))
        }
        // Gone: "wipe out the X task", "lose it", "this one can disappear".
        "wipe" if w(t, i + 1) == "out" => return Some((i + 2, "delete".into())),
        "lose" if w(t, i + 1) == "it" => return Some((i + 2, "delete it".into())),
        "can" if w(t, i + 1) == "disappear" => return Some((i + 2, "can be deleted".into())),
        // Reminders asked for in other words: "poke me", "jog my memory",
        // "give me a buzz", "send me a notification", "shout at me".
        "poke" | "prod" if w(t, i + 1) == "me" => return Some((i + 2, "remind me".into())),
        "jog" if seq(t, i + 1, &["my", "memory"]) => return Some((i + 3, "remind me".into())),
        "shout" if seq(t, i + 1, &["at", "me"]) => return Some((i + 3, "remind me".into())),
        "give" if seq(t, i + 1, &["me", "a", "buzz"]) => return Some((i + 4, "remind me".into())),
        "send" if seq(t, i + 1, &["me", "a", "notification"]) => {
            return Some((i + 4, "remind me".into()))
        }
        "set" if seq(t, i + 1, &["a", "notification"]) => return Some((i + 3, "remind me".into())),
        "i'd" if seq(t, i + 1, &["like", "a", "notification"]) => {
            return Some((i + 4, "remind me".into()))
        }
        // Moved, in other words: "rebook the haircut task for sat", "hold
        // off on it till next week", "bring it forward to tonight".
        "rebook" => return Some((i + 1, "move".into())),
        "hold" if seq(t, i + 1, &["off", "on", "it"]) => return Some((i + 4, "move it".into())),
        "bring" if w(t, i + 1) == "it" && w(t, i + 2) == "forward" => {
            return Some((i + 3, "move it".into()))
        }
        // What is due, said every which way: "what's in store for
        // tomorrow?", "preview of tmrw", "on deck for tomorrow", "how's the
        // week shaping up?".
        "in" if seq(t, i + 1, &["store", "for"]) => return Some((i + 3, "due".into())),
        "on" if seq(t, i + 1, &["deck", "for"]) => return Some((i + 3, "due".into())),
        "preview" if w(t, i + 1) == "of" => return Some((i + 2, "what's due".into())),
        // "I would be grateful to see my tasks", "I should like to see my
        // important tasks", "I wish to see every task", "I would like a
        // list of the tasks …": asking to be shown.
        "i" | "i'd" => {
            let mut k = i + 1;
            for lead in [
                &["would", "be", "grateful", "to"][..],
                &["would", "be", "happy", "to"],
                &["would", "like", "to"],
                &["should", "like", "to"],
                &["would", "love", "to"],
                &["wish", "to"],
                &["want", "to"],
                &["like", "to"],
                &["love", "to"],
                &["be", "grateful", "to"],
            ] {
                if seq(t, k, lead) {
                    k += lead.len();
                    break;
                }
            }
            if k > i + 1 && (matches!(w(t, k), "see" | "view") || seq(t, k, &["look", "at"])) {
                let e = if w(t, k) == "look" { k + 2 } else { k + 1 };
                // (What the tasks hold, not "the Eiffel tower".)
                let of_tasks = (e..e + 6).any(|k| {
                    matches!(
                        w(t, k),
                        "task" | "tasks" | "todo" | "todos" | "to-dos" | "list" | "due" | "overdue"
                    )
                });
                if of_tasks || matches!(w(t, e), "everything" | "what" | "which") {
                    return Some((e, "show me".into()));
                }
            }
            if seq(t, i + 1, &["would", "like", "a", "list", "of"])
                || seq(t, i + 1, &["like", "a", "list", "of"])
            {
                let e = if w(t, i) == "i" { i + 6 } else { i + 5 };
                return Some((e, "list".into()));
            }
        }
        // "the tax office task is of great importance for me".
        "of" if matches!(w(t, i + 1), "great" | "high" | "utmost" | "top" | "big")
            && w(t, i + 2) == "importance" =>
        {
            return Some((i + 3, "important".into()))
        }
        // "throw this away", "bin it": away with the task.
        "throw"
            if matches!(w(t, i + 1), "it" | "this" | "that")
                && matches!(w(t, i + 2), "away" | "out") =>
        {
            return Some((i + 3, format!("delete {}", w(t, i + 1))))
        }
        "shaping" if w(t, i + 1) == "up" => return Some((i + 2, "looking".into())),
        // Late: "slipped through the cracks", "dropped the ball", "let slide".
        "slipped" | "slip" if seq(t, i + 1, &["through", "the", "cracks"]) => {
            return Some((i + 4, "overdue".into()))
        }
        "dropped" if seq(t, i + 1, &["the", "ball"]) => return Some((i + 3, "missed".into())),
        "let" if w(t, i + 1) == "slide" => return Some((i + 2, "missed".into())),
        // Done, as a filter: "crossed-out ones", "checked-off stuff".
        "crossed-out" | "checked-off" | "ticked-off" => return Some((i + 1, "completed".into())),
        // Search: "ctrl+f landlord", "dig up the task about …".
        "ctrl+f" | "cmd+f" => return Some((i + 1, "search".into())),
        "dig" if w(t, i + 1) == "up" => return Some((i + 2, "find".into())),
        // Done, said every which way: "all squared away", "has been dealt
        // with", "got it over with", "finito", "mission accomplished".
        "all" if seq(t, i + 1, &["squared", "away"]) => return Some((i + 3, "done".into())),
        "has" if seq(t, i + 1, &["been", "dealt", "with"]) => {
            return Some((i + 4, "is done".into()))
        }
        "finito" => return Some((i + 1, "done".into())),
        "taken" if seq(t, i + 1, &["care", "of"]) && !matches!(w(t, i + 3), "the" | "my" | "a") => {
            return Some((i + 3, "done".into()))
        }
        "got" if seq(t, i + 1, &["it", "over", "with"]) => return Some((i + 4, "done".into())),
        "off" if seq(t, i + 1, &["my", "back"]) => return Some((i + 3, "done".into())),
        "accomplished" => return Some((i + 1, "done".into())),
        "mission" if w(t, i + 1) == "accomplished" => {
            let e = if seq(t, i + 2, &["on", "that"]) {
                i + 4
            } else {
                i + 2
            };
            return Some((e, "done with that".into()));
        }
        "knocked" | "nailed" if w(t, i + 1) == "out" || w(t, i + 1) == "the" => {
            let e = if w(t, i + 1) == "out" { i + 2 } else { i + 1 };
            return Some((e, "finished".into()));
        }
        "quarter" if prev != "a" && seq(t, i + 1, &["of", "an", "hour"]) => {
            return Some((i + 4, "15 minutes".into()))
        }
        // Repeats off and on again.
        "unrepeat" => return Some((i + 1, "stop repeating".into())),
        "take" if seq(t, i + 1, &["the", "repeat", "off"]) => {
            return Some((i + 4, "stop repeating".into()))
        }
        "reinstate" => return Some((i + 1, "resume".into())),
        // "From Monday to Friday at 6:15".
        "from"
            if text::weekday(w(t, i + 1)).is_some_and(|(d, _, _)| d == chrono::Weekday::Mon)
                && matches!(w(t, i + 2), "to" | "through" | "-")
                && text::weekday(w(t, i + 3))
                    .is_some_and(|(d, _, _)| d == chrono::Weekday::Fri) =>
        {
            return Some((i + 4, "every weekday".into()))
        }
        "everyday" if !matches!(w(t, i + 1), "life" | "things" | "stuff") => {
            return Some((i + 1, "every day".into()))
        }
        "each" if matches!(w(t, i + 1), "morning" | "evening" | "night" | "day") => {
            return Some((i + 2, format!("every {}", w(t, i + 1))))
        }
        "each"
            if text::ordinal(w(t, i + 1)).is_some() && seq(t, i + 2, &["of", "the", "month"]) =>
        {
            return Some((i + 5, format!("on the {} of every month", w(t, i + 1))))
        }
        "kicking" if seq(t, i + 1, &["off", "this"]) => return Some((i + 3, "starting".into())),
        "kicking" if w(t, i + 1) == "off" => return Some((i + 2, "starting".into())),
        "on" if seq(t, i + 1, &["alternate", "days"]) => {
            return Some((i + 3, "every other day".into()))
        }
        "alternate" if w(t, i + 1) == "days" => return Some((i + 2, "every other day".into())),
        "boxing" if w(t, i + 1) == "day" => return Some((i + 2, "12/26".into())),
        "hogmanay" => return Some((i + 1, "new year's eve".into())),
        "on" if seq(t, i + 1, &["or", "before"]) => return Some((i + 3, "by".into())),
        "by" if seq(t, i + 1, &["week's", "end"]) => {
            return Some((i + 3, "by the end of the week".into()))
        }
        "close" if seq(t, i + 1, &["of", "play"]) => return Some((i + 3, "end of day".into())),
        "close" if seq(t, i + 1, &["of", "business"]) => return Some((i + 3, "end of day".into())),
        "a.s.a.p." | "a.s.a.p" | "pronto" => return Some((i + 1, "asap".into())),
        "as" if seq(t, i + 1, &["fast", "as", "possible"]) => return Some((i + 4, "asap".into())),
        "hi-pri" | "hi-prio" => return Some((i + 1, "high priority".into())),
        "zero" if w(t, i + 1) == "rush" => return Some((i + 2, "no rush".into())),
        "no" if w(t, i + 1) == "hurry" => return Some((i + 2, "no rush".into())),
        "not" if seq(t, i + 1, &["a", "priority"]) => return Some((i + 3, "low priority".into())),
        "there's" if seq(t, i + 1, &["no", "hurry"]) => {
            let e = (i + 3..t.len())
                .find(|&k| text::is_punct(w(t, k)))
                .unwrap_or(t.len());
            return Some((e, "no rush".into()));
        }
        "it" if seq(t, i + 1, &["has", "no", "hurry"]) => return Some((i + 4, "no rush".into())),
        "low-importance" => return Some((i + 1, "low priority".into())),
        "beforehand" => return Some((i + 1, "before".into())),
        "prior" if w(t, i + 1) != "to" => return Some((i + 1, "before".into())),
        "early"
            if i > 0
                && matches!(
                    w(t, i - 1),
                    "day" | "days" | "hour" | "hours" | "minutes" | "mins"
                ) =>
        {
            return Some((i + 1, "before".into()))
        }
        "give" if seq(t, i + 1, &["me", "a", "shout"]) => return Some((i + 4, "remind me".into())),
        "let"
            if seq(t, i + 1, &["me", "know"])
                && t[i + 3..]
                    .iter()
                    .any(|x| matches!(x.low.as_str(), "advance" | "before" | "beforehand")) =>
        {
            return Some((i + 3, "remind me".into()))
        }
        "alert" | "alrt"
            if w(t, i + 1) != "me"
                && t.get(i + 1)
                    .is_some_and(|x| x.low.starts_with(|c: char| c.is_ascii_digit())) =>
        {
            return Some((i + 1, "alert me".into()))
        }
        "come" if text::weekday(w(t, i + 1)).is_some() => {
            return Some((i + 2, w(t, i + 1).to_string()))
        }
        "latest" if text::weekday(w(t, i + 1)).is_some() => {
            return Some((i + 2, format!("by {}", w(t, i + 1))))
        }
        "at" if seq(t, i + 1, &["the", "latest", "on"]) => return Some((i + 4, "by".into())),
        "in" if w(t, i + 2) == "days'" && w(t, i + 3) == "time" => {
            return Some((i + 4, format!("in {} days", w(t, i + 1))))
        }
        "later" if matches!(w(t, i + 1), "today" | "tonight") => {
            return Some((i + 2, w(t, i + 1).to_string()))
        }
        "later" if seq(t, i + 1, &["this", "week"]) => return Some((i + 3, "this week".into())),
        "early" if seq(t, i + 1, &["next", "week"]) => return Some((i + 3, "next week".into())),
        "by" if seq(t, i + 1, &["close", "of", "business"]) => {
            return Some((i + 4, "by end of day".into()))
        }
        "no" if seq(t, i, &["no", "later", "than"]) => return Some((i + 3, "by".into())),
        "prior" if w(t, i + 1) == "to" => return Some((i + 2, "before".into())),
        // "2 hours in advance", "5 minutes ahead of time".
        "in" if w(t, i + 1) == "advance" => return Some((i + 2, "before".into())),
        "ahead" if seq(t, i + 1, &["of", "time"]) => return Some((i + 3, "before".into())),
        // "whenever I get round to it": no rush.
        "whenever"
            if seq(t, i + 1, &["i", "get", "round", "to", "it"])
                || seq(t, i + 1, &["i", "get", "around", "to", "it"]) =>
        {
            return Some((i + 6, "whenever".into()))
        }
        // "every working day", "on all working days": weekdays.
        "every" | "each" if seq(t, i + 1, &["working", "day"]) => {
            return Some((i + 3, "every weekday".into()))
        }
        "on" if seq(t, i + 1, &["all", "working", "days"]) => {
            return Some((i + 4, "every weekday".into()))
        }
        "working" if w(t, i + 1) == "days" => return Some((i + 2, "weekdays".into())),
        // "6 weeks after each time I complete it": after I last did it.
        "after" if seq(t, i + 1, &["each", "time"]) => {
            let e = (i + 3..t.len().min(i + 8)).find(|&k| matches!(w(t, k), "it" | "them"))?;
            return Some((e + 1, "after I last did it".into()));
        }
        // "each month on its last day".
        "each" | "every" if seq(t, i + 1, &["month", "on", "its", "last", "day"]) => {
            return Some((i + 6, "on the last day of every month".into()))
        }
        "at" if seq(t, i, &["at", "the", "latest"]) => return Some((i + 3, String::new())),
        "at" if seq(t, i, &["at", "latest"]) => return Some((i + 2, String::new())),
        "as" if seq(t, i, &["as", "soon", "as", "possible"]) => {
            return Some((i + 4, "asap".into()))
        }
        "ideally" if matches!(w(t, i + 1), "by" | "on" | "before") => {
            return Some((i + 1, String::new()))
        }
        "nightly" => return Some((i + 1, "every night".into())),
        "bi-weekly" => return Some((i + 1, "biweekly".into())),
        "alternate" | "alternating" => {
            // "on alternate Tuesdays", "in alternating weeks".
            let k = i + 1;
            if let Some((_, plural, _)) = text::weekday(w(t, k)) {
                if plural {
                    let day = t[k].text.trim_end_matches('s').to_string();
                    return Some((k + 1, format!("every other {day}")));
                }
            }
            if matches!(w(t, k), "weeks" | "week") {
                return Some((k + 1, "every other week".into()));
            }
        }
        "on" | "in" if matches!(w(t, i + 1), "alternate" | "alternating") => {
            let (e, said) = idiom(t, i + 1)?;
            return Some((e, said));
        }
        "every" if w(t, i + 1) == "single" => return Some((i + 2, "every".into())),
        "every" if w(t, i + 1) == "fortnight" => return Some((i + 2, "every other week".into())),
        "once" if w(t, i + 1) == "every" => return Some((i + 1, String::new())),
        "by" if seq(t, i, &["by", "end", "of", "today"]) => {
            return Some((i + 4, "by end of day".into()))
        }
        "before" if seq(t, i + 1, &["the", "month", "is", "out"]) => {
            return Some((i + 5, "by the end of the month".into()))
        }
        "before" if seq(t, i + 1, &["the", "week", "is", "out"]) => {
            return Some((i + 5, "by the end of the week".into()))
        }
        // "final day of each month", "the 3rd of each month".
        "final"
            if seq(t, i + 1, &["day", "of"]) && matches!(w(t, i + 3), "each" | "every" | "the") =>
        {
            return Some((i + 5, "last day of the month".into()))
        }
        "of" if w(t, i + 1) == "each" && w(t, i + 2) == "month" => {
            return Some((i + 3, "of every month".into()))
        }
        // "half past eight", "quarter past 7", "quarter to nine".
        "half" if w(t, i + 1) == "past" => {
            let h = hour(w(t, i + 2))?;
            return Some((i + 3, format!("{h}:30")));
        }
        "quarter" if matches!(w(t, i + 1), "past" | "to") => {
            let h = hour(w(t, i + 2))?;
            let said = if w(t, i + 1) == "past" {
                format!("{h}:15")
            } else {
                format!("{}:45", if h == 1 { 12 } else { h - 1 })
            };
            return Some((i + 3, said));
        }
        // "on the evening of the 5th": the part of the day after the date.
        "on" if w(t, i + 1) == "the"
            && matches!(w(t, i + 2), "morning" | "afternoon" | "evening")
            && seq(t, i + 3, &["of", "the"])
            && text::ordinal(w(t, i + 5)).is_some() =>
        {
            return Some((
                i + 6,
                format!("on the {} in the {}", w(t, i + 5), w(t, i + 2)),
            ));
        }
        _ => {}
    }
    // "the 3rd of each month" said without "on the".
    if let Some(n) = text::ordinal(s).filter(|_| s.starts_with(|c: char| c.is_ascii_digit())) {
        if w(t, i + 1) == "of" && matches!(w(t, i + 2), "each" | "every") && w(t, i + 3) == "month"
        {
            let on = if i > 0 && matches!(w(t, i - 1), "the" | "on") {
                ""
            } else {
                "on the "
            };
            return Some((
                i + 4,
                format!("{on}{} of every month", text::ordinal_suffix(i64::from(n))),
            ));
        }
    }
    // "1.5 hours": ninety minutes.
    if let Some((whole, frac)) = s.split_once('.') {
        if let (Ok(h), Ok(f)) = (whole.parse::<u32>(), frac.parse::<u32>()) {
            if frac.len() == 1 && matches!(w(t, i + 1), "hours" | "hour" | "hrs" | "h") {
                return Some((i + 2, format!("{} minutes", h * 60 + f * 6)));
            }
        }
    }
    // "Sunday coming", "Tuesday coming", "Wednesday latest": that day.
    if text::weekday(s).is_some() && matches!(w(t, i + 1), "coming" | "latest") {
        return Some((i + 2, t[i].text.clone()));
    }
    // "Friday week", "a week on Friday": the Friday after next.
    if text::weekday(s).is_some()
        && w(t, i + 1) == "week"
        && !matches!(prev, "this" | "next" | "every")
    {
        return Some((i + 2, format!("next {}", t[i].text)));
    }
    // "3 days from now": in 3 days.
    if s.bytes().all(|b| b.is_ascii_digit())
        && !s.is_empty()
        && matches!(
            w(t, i + 1),
            "days" | "weeks" | "hours" | "minutes" | "hrs" | "mins"
        )
        && seq(t, i + 2, &["from", "now"])
    {
        return Some((i + 4, format!("in {s} {}", w(t, i + 1))));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::plain_wording;

    #[test]
    fn idioms_are_said_in_the_grammars_words() {
        let said = |m: &str| plain_wording(m).unwrap_or_else(|| m.to_string());
        assert_eq!(
            said("flour and sugar this coming Saturday"),
            "flour and sugar Saturday"
        );
        assert_eq!(
            said("cancel it no later than the 9th"),
            "cancel it by the 9th"
        );
        assert_eq!(
            said("dentist Wed the 2nd, 8:15 am"),
            "dentist on the 2nd, 8:15 am"
        );
        assert_eq!(
            said("bins on alternate Tuesdays"),
            "bins every other Tuesday"
        );
        assert_eq!(said("meet at half past eight"), "meet at 8:30");
        assert_eq!(
            said("final day of each month: payroll"),
            "last day of the month: payroll"
        );
        assert_eq!(said("skis back 3 days from now"), "skis back in 3 days");
        assert_eq!(said("party on 12.12."), "party on 12/12");
        assert_eq!(said("call Anna around 3ish"), "call Anna around 3");
        assert_eq!(
            said("lay out clothes nightly"),
            "lay out clothes every night"
        );
        assert!(plain_wording("v1.2. release").is_none());
        assert_eq!(
            said("what's in store for tomorrow?"),
            "what's due tomorrow?"
        );
        assert_eq!(
            said("Car wash task - all squared away"),
            "Car wash task - done"
        );
        assert_eq!(said("chapters 7 to 9 by wed"), "chapters 7 to 9 by wed");
        // Quoted words are the user's own.
        assert_eq!(
            said("watch \"this coming Saturday\""),
            "watch \"this coming Saturday\""
        );
        assert!(plain_wording("buy milk tomorrow").is_none());
    }
}
