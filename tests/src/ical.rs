//! A calendar feed read the way calendar apps read it: parsed by the Python
//! `icalendar` library and its repeating events expanded by
//! `recurring-ical-events` (both in the tests' Python environment, see
//! scripts/lib.sh), which refuse malformed iCalendar.

use serde_json::Value;

const EXPAND: &str = r#"
import datetime, json, sys
import icalendar, recurring_ical_events
cal = icalendar.Calendar.from_ical(sys.stdin.read())
start, end = (datetime.datetime.fromisoformat(a) for a in sys.argv[1:3])
out = []
for e in recurring_ical_events.of(cal).between(start, end):
    s = e.get("DTSTART").dt
    when = s.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") \
        if isinstance(s, datetime.datetime) else s.isoformat()
    cats = e.get("CATEGORIES")
    cats = cats if isinstance(cats, list) else ([cats] if cats else [])
    out.append({"uid": str(e.get("UID")), "summary": str(e.get("SUMMARY")), "start": when,
                "categories": [str(c) for v in cats for c in v.cats],
                "priority": int(e.get("PRIORITY", 0)),
                "alarms": [a.get("TRIGGER").to_ical().decode() for a in e.walk("VALARM")]})
out.sort(key=lambda o: (o["start"], o["summary"]))
json.dump(out, sys.stdout)
"#;

/// Every occurrence in `[start, end)` (RFC 3339 with offsets), soonest
/// first: `{uid, summary, start, categories, priority, alarms}`, where
/// `start` is UTC `YYYY-MM-DDTHH:MM:SSZ` or a date `YYYY-MM-DD` for a
/// whole day. Panics with the parser's error on malformed iCalendar.
pub fn occurrences(feed: &str, start: &str, end: &str) -> Vec<Value> {
    let out = crate::prometheus::run_python(EXPAND, &[start, end], feed);
    assert!(
        out.status.success(),
        "icalendar refuses the feed: {}\n{feed}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
