//! Recurring tasks: RFC 5545 `RRULE` rules, expanded in the user's timezone.
//!
//! * [`Rule`] parses and renders an `RRULE` value. Supported parts: `FREQ`
//!   (`HOURLY`, `DAILY`, `WEEKLY`, `MONTHLY`, `YEARLY`), `INTERVAL` (1 to
//!   1000, also for `HOURLY`), `BYDAY` (with ordinals such as `2TU` or
//!   `-1FR` for `MONTHLY` and `YEARLY`), `BYMONTHDAY` (1 to 31, -1 to -31),
//!   `BYMONTH`, `BYSETPOS` (1 to 366, -366 to -1; with `WEEKLY`, `MONTHLY`
//!   and `YEARLY`, and only with another BY part), `COUNT` (1 to 10 000),
//!   `UNTIL` (UTC date-time, local date-time or date) and `WKST`. With
//!   `HOURLY`, `BYMONTH`, `BYMONTHDAY` and `BYDAY` (without ordinals) limit
//!   the instances to the local days they select. `BYSECOND`, `BYMINUTE`,
//!   `BYHOUR`, `BYYEARDAY`, `BYWEEKNO`, `FREQ=SECONDLY`/`MINUTELY` and
//!   `BYSETPOS` with `DAILY` or `HOURLY` (one candidate per period without
//!   `BYHOUR`/`BYMINUTE`) are refused with a message naming the part.
//! * [`Recurrence`] anchors a rule at a local start time (`DTSTART`) in an
//!   IANA timezone, with a [`Mode`] (schedule- or completion-based) and up
//!   to [`MAX_EXDATES`] excluded local date-times (`EXDATE`); it is also the
//!   JSON form used by the API.
//!
//! Semantics (RFC 5545 unless noted):
//!
//! * Occurrences are local dates at the start's wall-clock time of day,
//!   converted to UTC instants with [`resolve_local`]: a time skipped by a
//!   daylight-saving change is read with the offset before the gap (it moves
//!   forward by the gap's length); a repeated time is the first of the two.
//!   A daily 07:00 task therefore stays at 07:00 local and its UTC instant
//!   shifts by the change.
//! * `HOURLY` instances are computed on the timeline: the start's instant
//!   plus multiples of `INTERVAL` hours of elapsed time, kept when their
//!   local date passes the BY parts. Every such instant exists exactly once,
//!   so no local time is moved or dropped: across a spring-forward change
//!   the wall clock jumps (00:00, 01:00, 03:00 in Berlin), across a
//!   fall-back change the repeated hour has two instances (02:00 CEST and
//!   02:00 CET), and after a change an `INTERVAL=2` series shows odd
//!   instead of even hours. Only the start, a local time, is resolved as
//!   above. A local or date `UNTIL` is compared as the instant it resolves
//!   to.
//! * `BYSETPOS` picks from the candidates of each whole period (week,
//!   month, year) after the other BY parts, candidates before the start
//!   included; picked dates on or before the start's date are then dropped
//!   (the start itself is always the first occurrence).
//! * An `EXDATE` removes the occurrence whose instant equals its own
//!   (both resolved as above), the start included; removed occurrences
//!   still count towards `COUNT` (RFC 5545 section 3.8.5.1). Timezone data comes from `chrono-tz`, whose
//!   tables list daylight-saving changes up to the year 2099 and keep the
//!   last offset after that.
//! * The start is always the first occurrence and counts towards `COUNT`,
//!   even if the rule would not select it (use [`Recurrence::aligned`] to
//!   move it onto the rule).
//! * Dates that do not exist (30 February, the 31st of a 30-day month) are
//!   skipped, never clamped; `BYMONTHDAY=-1` is the last day of the month.
//! * `UNTIL` is inclusive. A date-only `UNTIL` includes that whole local
//!   day; a floating `UNTIL` (no `Z`) is local wall-clock time.
//! * Dates end with the year 9999; each call examines at most
//!   [`MAX_PERIODS`] candidate periods, then fails with
//!   [`ErrorKind::IterationLimit`] instead of looping.
//!
//! Instants are UTC milliseconds since the Unix epoch (`i64`).

mod describe;
mod error;
mod recurrence;
mod rule;

pub use chrono_tz::Tz;
pub use error::{ErrorKind, RuleError};
pub use recurrence::{
    parse_local_datetime, parse_timezone, resolve_local, Mode, Recurrence, MAX_EXDATES, MAX_LIMIT,
    MAX_PERIODS,
};
pub use rule::{
    Frequency, Rule, RuleParts, Until, WeekdayNum, MAX_COUNT, MAX_INTERVAL, MAX_SET_POS,
};
