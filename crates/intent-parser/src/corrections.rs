//! A message that corrects itself as it goes: "massage sat 3pm - no wait,
//! 4pm", "buy 2 kg of flour - no wait, 3 kg of flour", "high priority - no
//! wait, medium", "On wednesday - no, thursday - pay the council tax". The
//! correction takes the place of what it corrects (a date or time, a level,
//! or the words it repeats), outside quotes, before the message is read.

use crate::idioms;
use crate::text::{self, Tok};
use crate::when::{self, Clock};

/// Words that say "what I said before is wrong, this is right".
const MARKERS: &[&[&str]] = &[
    &["no", "wait"],
    &["no", "sorry"],
    &["sorry"],
    &["no"],
    &["i", "mean"],
    &["i", "meant"],
    &["make", "that"],
    &["or", "rather"],
    &["scratch", "that"],
    &["correction"],
];

/// Levels a correction may name.
const LEVELS: &[&str] = &[
    "low",
    "medium",
    "normal",
    "high",
    "urgent",
    "asap",
    "important",
    "critical",
];

fn w(t: &[Tok], k: usize) -> &str {
    t.get(k).map(|x| x.low.as_str()).unwrap_or("")
}

/// The message with its correction applied, or `None` when it has none.
pub(crate) fn corrected(message: &str, clk: &Clock) -> Option<String> {
    let t = text::tokenize(message);
    let quoted = idioms::quoted(&t);
    // A marker after a dash or a comma, with something said before it.
    let (m, len) = (2..t.len()).find_map(|k| {
        if quoted[k] || !matches!(w(&t, k - 1), "-" | "," | "—" | "–") {
            return None;
        }
        MARKERS
            .iter()
            .find(|p| p.iter().enumerate().all(|(j, s)| w(&t, k + j) == *s))
            .map(|p| (k, p.len()))
    })?;
    // What follows the marker, up to the next dash (", " may sit inside
    // it: "no, on wednesday").
    let mut a = m + len;
    while matches!(w(&t, a), "," | ":") {
        a += 1;
    }
    let mut b = a;
    while b < t.len() && !matches!(w(&t, b), "-" | "—" | "–") {
        b += 1;
    }
    // ("asap actually": the level, said with conviction.)
    let mut e = b;
    while e > a
        && matches!(
            w(&t, e - 1),
            "actually" | "then" | "instead" | "please" | "pls"
        )
    {
        e -= 1;
    }
    if e <= a || (a..e).any(|k| quoted[k]) {
        return None;
    }
    let said = &t[a..e];
    let before = &t[..m - 1];
    let (x, y) = replaced(before, said, clk)?;
    // The message again: the corrected part in place, the marker and the
    // correction gone.
    let mut out = String::new();
    out.push_str(&message[..t[x].start]);
    out.push_str(&message[t[a].start..t[e - 1].end]);
    out.push_str(&message[t[y - 1].end..t[m - 1].start]);
    if b < t.len() {
        out.push(' ');
        out.push_str(&message[t[b].start..]);
    }
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The token range in `before` that `said` corrects.
fn replaced(before: &[Tok], said: &[Tok], clk: &Clock) -> Option<(usize, usize)> {
    // A level for a level.
    if said.len() <= 2 && LEVELS.contains(&said[0].low.as_str()) {
        let k = (0..before.len())
            .rev()
            .find(|&k| LEVELS.contains(&w(before, k)))?;
        let end = if matches!(w(before, k + 1), "priority" | "prio") {
            k + 2
        } else {
            k + 1
        };
        return Some((k, end));
    }
    // A date or a time for the last one said.
    let lead = usize::from(matches!(w(said, 0), "on" | "by" | "at" | "for"));
    if when::parse_when(said, lead, clk).is_some_and(|(e, _)| e == said.len()) {
        let mut spans = Vec::new();
        let mut k = 0;
        while k < before.len() {
            match when::parse_when(before, k, clk) {
                Some((e, _)) if e > k => {
                    spans.push((k, e));
                    k = e;
                }
                _ => k += 1,
            }
        }
        let (x, y) = *spans.last()?;
        // A time alone corrects only the time: "sat 3pm - no wait, 4pm".
        let time_only = said.len() - lead == 1 && is_clock(&said[lead].low);
        if time_only {
            if let Some(k) = (x..y).rev().find(|&k| is_clock(&before[k].low)) {
                let x = if k > x && matches!(w(before, k - 1), "at" | "@") {
                    k - 1
                } else {
                    k
                };
                return Some((x, y.min(k + 1)));
            }
        }
        // "on wednesday - no, on thursday": the preposition goes too;
        // "On wednesday - no, thursday": it stays.
        let x = if x > 0 && lead == 1 && w(before, x - 1) == w(said, 0) {
            x - 1
        } else if lead == 0 && y > x + 1 && matches!(w(before, x), "on" | "by" | "at" | "for") {
            x + 1
        } else {
            x
        };
        return Some((x, y));
    }
    // The words it repeats, with one changed: "unit 5 - no wait, unit 6".
    let n = said.len();
    if n < 2 || n > before.len() {
        return None;
    }
    (0..=before.len() - n).rev().find_map(|x| {
        let same = (0..n).filter(|&j| before[x + j].low == said[j].low).count();
        (same == n - 1).then_some((x, x + n))
    })
}

/// "4pm", "16:30", "2:30pm", "9am".
fn is_clock(s: &str) -> bool {
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &s[digits.len()..];
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == ':')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && (matches!(suffix, "am" | "pm" | "a" | "p" | "h") || digits.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::corrected;
    use crate::when::Clock;

    #[test]
    fn corrections_take_the_place_of_what_they_correct() {
        let clk = Clock::new(chrono_tz::Europe::Berlin, crate::eval::REFERENCE_UTC_MS);
        let said = |m: &str| corrected(m, &clk).unwrap_or_else(|| m.to_string());
        assert_eq!(said("massage sat 3pm - no wait, 4pm"), "massage sat 4pm");
        assert_eq!(
            said("buy 2 kg of flour - no wait, 3 kg of flour"),
            "buy 3 kg of flour"
        );
        assert_eq!(
            said("finish painting the shed by thursday - no, by saturday"),
            "finish painting the shed by saturday"
        );
        assert_eq!(
            said("plan the party, high priority - no wait, medium"),
            "plan the party, medium"
        );
        assert_eq!(
            said("On wednesday - no, thursday - pay the council tax"),
            "On thursday - pay the council tax"
        );
        // Nothing to correct: left as said.
        assert_eq!(said("call mom - no rush"), "call mom - no rush");
        assert_eq!(said("Yes, no, maybe"), "Yes, no, maybe");
    }
}
