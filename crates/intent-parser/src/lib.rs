//! Reads one chat message into a task-manager intent.
//!
//! [`parse`] takes the message, a [`Context`] (the user's time zone, the
//! reference instant and the task the previous turn talked about) and returns
//! a [`Parsed`]: the [`Intent`] with its fields and a one-line explanation of
//! how the message was read. Nothing here does I/O or reads the clock.
//!
//! Finding a task by name needs the user's tasks, which the parser does not
//! have: [`resolve_target`] matches a [`TaskTarget`] against candidates and
//! [`clarifying_question`] words the question to ask when several match.
//!
//! # How dates and times are read
//!
//! Everything is relative to `now` in the user's time zone.
//!
//! * `today`, `tonight` (20:00), `tomorrow`, `yesterday`, `the day after tomorrow`.
//! * A bare weekday (`Friday`, `on Fri`) is the next such day *after* today
//!   (said on a Friday it means a week later). `this Friday` is the Friday of
//!   the current Monday–Sunday week, today included, or the next one when it
//!   has passed. `next Friday` is the Friday of next week (the week after the
//!   current Monday–Sunday week): said on Thursday 26 Nov it is Fri 4 Dec.
//! * `next week` is next Monday, `next month` the 1st of next month,
//!   `this weekend` the Saturday of this week (today if it is the weekend),
//!   `next weekend` the Saturday of next week.
//! * `end of week` is the Sunday of this week, `end of month` the last day of
//!   this month, `end of year` 31 December, `end of day`/`eod` today.
//! * `in 10 minutes`, `in 2 hours`, `in half an hour` are exact instants;
//!   `in 3 days`, `in 2 weeks`, `in a month` are dates without a time
//!   (`within …` and `… from now` alike; `2 hours ago` is in the past).
//! * `last Friday` is the most recent Friday before today.
//! * `on the 1st`, `by the 15th` (an ordinal needs `on`/`by`/`due`/`the …
//!   of`): the next such day of a month, today included. `March 3`,
//!   `3 March`, `the 3rd of March`, `March 3, 2027`: this year's date when it
//!   is at most 30 days past (“due November 20” said on 26 November is
//!   overdue), otherwise the next one.
//!   ISO dates `2026-12-03` are read; slash and dot forms (`3/4`, `3.4.`) are
//!   not, because day and month order differ between users.
//! * Times: `3pm`, `3:30 pm`, `15:30`, `noon`, `midnight`, `at 9`.
//!   A bare hour needs `at`, and `at 1` … `at 6` mean 13:00–18:00.
//!   `morning` 09:00, `afternoon` 15:00, `evening` 18:00, `night` 20:00.
//!   A time with no date is the next time it occurs (at 10:00, `at 9am` is
//!   tomorrow 09:00 and `at 3pm` today 15:00).
//! * A due date without a time is stored as the last millisecond of that
//!   local day (`Due::has_time == false`), so it becomes overdue only after
//!   the day is over.
//!
//! Ordinals and numbers inside titles are left alone unless a trigger word
//! makes them a date: “Read The 5th Wave”, “Renovation - 2nd Floor Bath”.
//! A weekday or month date directly followed by a noun is read as part of
//! the title (“Send report to Friday team”, “Buy tickets for May 5th
//! concert”), and so are `daily`/`weekly`/`monthly`/`quarterly` after an
//! article or before a noun (“Write the weekly report”).
//!
//! # Priorities
//!
//! `low`/`medium`/`normal`/`high`/`urgent` with `priority`
//! (“with high priority”, “priority: low”), `top priority`, `p1` (urgent),
//! `p2` (high), `p3` (medium), `p4` (low), `!!!` urgent, `!!` high.
//! `urgent`, `asap`, `critical` (urgent) and `important` (high) count when
//! they open or close the message (“Urgent: call the bank”, “Call the bank,
//! urgent”) so that “Read important documents” keeps its title. A single
//! `!` is punctuation.
//!
//! # Recurrence
//!
//! A rule of the `recurrence` crate (an RFC 5545 RRULE) plus a [`RecurrenceMode`] and an optional local
//! time of day. `every day|weekday|weekend|Monday, Wednesday and Friday`,
//! `on Mondays`, `every N days|weeks|months|years`, `every other week`,
//! `every month on the 15th`, `on the 1st of every month`,
//! `every last Friday`, `every 2nd Tuesday` (the second Tuesday of each
//! month; say `every other Tuesday` for fortnightly), `every year on March 3`,
//! `daily`, `weekly`, `monthly`, `quarterly`, `yearly`, `fortnightly`,
//! `weekdays`, `on weekends`. `after I finish it`,
//! `after completion` and similar make it [`RecurrenceMode::Completion`]:
//! the next one is due that long after the previous one is completed.
//! The first occurrence is left to the recurrence engine unless the message
//! gives a date (`starting Monday`). Where the series ends: `10 times (in
//! total)`, `for 8 sessions`, `for 10 days` in the rule's unit (`COUNT`);
//! `until 18 December`, `through Friday`, `last time on 12/18`, `for 3
//! months` in another unit (`UNTIL`, a date).
//!
//! # Reminders
//!
//! `remind me to X <when>` adds task X due then with a reminder then. A
//! reminder on a date without a time fires at 09:00 (or in an hour when that
//! is today and 09:00 has passed). `remind me to X every …` adds a recurring
//! task whose reminder fires at each occurrence's time (09:00 when none is
//! given). `remind me 15 minutes before` / `remind me at 9am tomorrow` add a
//! reminder to the task of the previous turn, `remind me about X …` to a task
//! by name. A reminder in the past is refused.

pub mod classifier;
mod corrections;
mod eval_impl;
mod explain;
mod grammar;
mod idioms;
mod recur;
mod resolve;
pub mod second_opinion;
mod text;
mod when;

pub use resolve::{clarifying_question, resolve_target};

/// Evaluation of a phrase set (see `phrases.jsonl` and the `accuracy` example).
pub mod eval {
    pub use crate::eval_impl::*;
}

use serde::Serialize;

/// A task as the conversation knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRef {
    pub id: String,
    pub title: String,
}

impl TaskRef {
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        TaskRef {
            id: id.into(),
            title: title.into(),
        }
    }
}

/// What the parser needs besides the message.
#[derive(Debug, Clone)]
pub struct Context {
    pub timezone: chrono_tz::Tz,
    /// The reference instant ("now"), milliseconds since the Unix epoch.
    pub now_utc_ms: i64,
    /// The task the previous turn talked about ("remind me 15 minutes before").
    pub last_task: Option<TaskRef>,
}

impl Context {
    /// A context from an IANA time zone name such as `Europe/Berlin`.
    pub fn new(timezone: &str, now_utc_ms: i64) -> Result<Self, String> {
        let tz: chrono_tz::Tz = timezone
            .parse()
            .map_err(|_| format!("unknown time zone {timezone:?}"))?;
        Ok(Context {
            timezone: tz,
            now_utc_ms,
            last_task: None,
        })
    }

    pub fn with_last_task(mut self, task: Option<TaskRef>) -> Self {
        self.last_task = task;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// A due date. Without a time it is the last millisecond of the local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub at_utc_ms: i64,
    pub has_time: bool,
}

/// Whether a series follows the calendar or counts from the last completion:
/// the recurrence engine's own type, so a spec the parser emits is one the
/// engine runs.
pub use recurrence::Mode as RecurrenceMode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurrenceSpec {
    /// The recurrence engine's validated rule; serializes as an RFC 5545
    /// RRULE without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    #[serde(rename = "rrule")]
    pub rule: recurrence::Rule,
    pub mode: RecurrenceMode,
    /// Local time of day (hour, minute) of each occurrence; none: all day.
    pub local_time: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderSpec {
    /// This many minutes before the task's due time (0: at the due time).
    Before { minutes: u32 },
    /// At this instant.
    At { utc_ms: i64 },
}

/// Which task a command is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskTarget {
    /// Words naming the task, to match with [`resolve_target`].
    Name(String),
    /// The task of the previous turn ("it", "remind me 15 minutes before").
    LastTask(TaskRef),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Open,
    Completed,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueWindow {
    Today,
    Tomorrow,
    /// From now to the end of Sunday of this week.
    ThisWeek,
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ListFilter {
    pub status: Status,
    /// The priority named ("show my high priority tasks"); a consumer may
    /// include higher ones too.
    pub priority: Option<Priority>,
    pub due_window: Option<DueWindow>,
    /// Lower case, without `#`.
    pub tag: Option<String>,
    /// Words the title should contain ("tasks about the report").
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum Intent {
    AddTask {
        title: String,
        due: Option<Due>,
        priority: Option<Priority>,
        /// Lower case, without `#`.
        tags: Vec<String>,
        recurrence: Option<RecurrenceSpec>,
        reminders: Vec<ReminderSpec>,
    },
    AddReminder {
        target: TaskTarget,
        spec: ReminderSpec,
    },
    ListTasks {
        filter: ListFilter,
    },
    CompleteTask {
        target: TaskTarget,
    },
    ReopenTask {
        target: TaskTarget,
    },
    RenameTask {
        target: TaskTarget,
        new_title: String,
    },
    SetPriority {
        target: TaskTarget,
        priority: Priority,
    },
    Reschedule {
        target: TaskTarget,
        due: Due,
    },
    /// Always to be confirmed in a second turn (see [`Intent::Confirm`]).
    DeleteTask {
        target: TaskTarget,
    },
    StopSeries {
        target: TaskTarget,
    },
    ResumeSeries {
        target: TaskTarget,
    },
    Snooze {
        target: TaskTarget,
        minutes: u32,
    },
    /// The answer to a confirmation question ("yes" / "no").
    Confirm {
        accepted: bool,
    },
    /// The request is understood but impossible ("remind me yesterday").
    Refuse {
        reason: String,
    },
    /// Not understood; `hint` says what the assistant understands.
    Unknown {
        hint: String,
    },
}

impl Intent {
    /// The snake_case name used in serialized form and in the phrase set.
    pub fn name(&self) -> &'static str {
        match self {
            Intent::AddTask { .. } => "add_task",
            Intent::AddReminder { .. } => "add_reminder",
            Intent::ListTasks { .. } => "list_tasks",
            Intent::CompleteTask { .. } => "complete_task",
            Intent::ReopenTask { .. } => "reopen_task",
            Intent::RenameTask { .. } => "rename_task",
            Intent::SetPriority { .. } => "set_priority",
            Intent::Reschedule { .. } => "reschedule",
            Intent::DeleteTask { .. } => "delete_task",
            Intent::StopSeries { .. } => "stop_series",
            Intent::ResumeSeries { .. } => "resume_series",
            Intent::Snooze { .. } => "snooze",
            Intent::Confirm { .. } => "confirm",
            Intent::Refuse { .. } => "refuse",
            Intent::Unknown { .. } => "unknown",
        }
    }

    /// Whether the action must be confirmed in a second turn before it runs.
    pub fn needs_confirmation(&self) -> bool {
        matches!(self, Intent::DeleteTask { .. })
    }

    /// `target`, to change it.
    pub(crate) fn target_mut(&mut self) -> Option<&mut TaskTarget> {
        match self {
            Intent::AddReminder { target, .. }
            | Intent::CompleteTask { target }
            | Intent::ReopenTask { target }
            | Intent::RenameTask { target, .. }
            | Intent::SetPriority { target, .. }
            | Intent::Reschedule { target, .. }
            | Intent::DeleteTask { target }
            | Intent::StopSeries { target }
            | Intent::ResumeSeries { target }
            | Intent::Snooze { target, .. } => Some(target),
            _ => None,
        }
    }

    /// The task the intent is about, for intents that name one.
    pub fn target(&self) -> Option<&TaskTarget> {
        match self {
            Intent::AddReminder { target, .. }
            | Intent::CompleteTask { target }
            | Intent::ReopenTask { target }
            | Intent::RenameTask { target, .. }
            | Intent::SetPriority { target, .. }
            | Intent::Reschedule { target, .. }
            | Intent::DeleteTask { target }
            | Intent::StopSeries { target }
            | Intent::ResumeSeries { target }
            | Intent::Snooze { target, .. } => Some(target),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parsed {
    pub intent: Intent,
    /// One line saying how the message was read.
    pub explanation: String,
    /// For a new task: where in the message each recognized part was read
    /// (what is not covered is the title), so a client can show them.
    pub spans: Vec<Span>,
    /// Another reading, to prefer when the user's tasks make it the likely
    /// one: for a to-do that opens with a command verb ("complete buy
    /// milk"), the command on the task it names, taken when a task
    /// matches (`resolve_target` gives `One` or `Many`).
    pub alternative: Option<Box<Parsed>>,
}

/// What a stretch of a new task's text was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    Date,
    Repeat,
    Priority,
    Tag,
    Reminder,
    /// "on my list" and the like: read, and left out of the title.
    List,
}

/// A recognized part of a message, in byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: SpanKind,
}

/// The outcome of matching a [`TaskTarget`] against the user's tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    One(String),
    Many {
        candidates: Vec<TaskRef>,
        /// E.g. `Which one: “Submit report” or “Quarterly report”?`
        question: String,
    },
    None,
}

/// Why a request the app cannot carry out is refused.
pub(crate) const CANNOT_DO: &str =
    "I can only keep your tasks and reminders; I can't do that for you, but I can add it as a task.";

/// What the assistant understands, for hints.
pub const HELP: &str = "I can add a task (“Pay bills on the 1st of every month”, “Review PR tomorrow 3pm, high priority #work”), \
list tasks (“what's due today”, “what's overdue”), complete, reopen, rename, reprioritize, reschedule or delete a task by name, \
set a reminder (“remind me 15 minutes before”), stop or resume a recurring task, and snooze a reminder.";

/// Reads one message. See the crate documentation for the grammar.
pub fn parse(message: &str, ctx: &Context) -> Parsed {
    parse_with(message, ctx, Some(&second_opinion::embedded()))
}

/// [`parse`] with another learned second opinion, or with none (the rules
/// alone): how the model is evaluated (the `fallback_cv` example).
pub fn parse_with(message: &str, ctx: &Context, model: Option<&classifier::Model>) -> Parsed {
    let said = message;
    let clock = when::Clock::new(ctx.timezone, ctx.now_utc_ms);
    let plain = idioms::plain_wording(message);
    let message = plain.as_deref().unwrap_or(message);
    let fixed = corrections::corrected(message, &clock);
    let message = fixed.as_deref().unwrap_or(message);
    let mut out = grammar::parse_intent(message, ctx, &clock);
    if let (Some(model), None) = (model, &out.alternative) {
        if let Some(intent) = second_opinion::instead(model, said, &out.intent) {
            out.intent = intent;
            out.spans.clear();
            out.recurrence_text = None;
        }
    }
    let explanation = explain::explain(&out.intent, out.recurrence_text.as_deref(), &clock);
    let alternative = out.alternative.map(|intent| {
        Box::new(Parsed {
            explanation: explain::explain(&intent, None, &clock),
            intent,
            spans: Vec::new(),
            alternative: None,
        })
    });
    Parsed {
        intent: out.intent,
        explanation,
        spans: out.spans,
        alternative,
    }
}

/// Reads a message as a new task, whatever it says (the quick-add field):
/// the same reading `parse` gives a task, with the byte ranges in `plain`
/// kept as words of the title (a part the user turned back into text).
///
/// Idioms ("half 3", "Friday week") are read as in chat, and each part is
/// reported where it was typed; an idiom the reading does not take as a
/// whole part stays in the title as typed.
pub fn parse_new_task(message: &str, ctx: &Context, plain: &[(usize, usize)]) -> Parsed {
    let clock = when::Clock::new(ctx.timezone, ctx.now_utc_ms);
    let overlaps = |r: &idioms::Rewrite| plain.iter().any(|&(a, b)| r.start < b && a < r.end);
    let mut found: Vec<idioms::Rewrite> = idioms::rewrites(message)
        .into_iter()
        .filter(|r| !overlaps(r))
        .collect();
    loop {
        let said = idioms::Rewritten::new(message, &found);
        let plain_here: Vec<(usize, usize)> = plain
            .iter()
            .map(|&(a, b)| said.message_to_new(a, b))
            .collect();
        let out = grammar::parse_new_task(&said.text, ctx, &clock, &plain_here);
        let whole: Vec<bool> = said
            .rewritten_ranges()
            .map(|(a, b)| covered(&said.text, &out.spans, a, b))
            .collect();
        if whole.iter().all(|&w| w) {
            let explanation = explain::explain(&out.intent, out.recurrence_text.as_deref(), &clock);
            let spans = out
                .spans
                .iter()
                .map(|s| {
                    let (start, end) = said.new_to_message(s.start, s.end);
                    Span { start, end, ..*s }
                })
                .collect();
            return Parsed {
                intent: out.intent,
                explanation,
                spans,
                alternative: None,
            };
        }
        // Read again with only the idioms that were taken whole (each
        // round drops at least one, so this ends).
        found = found
            .into_iter()
            .zip(whole)
            .filter_map(|(r, w)| w.then_some(r))
            .collect();
    }
}

/// Whether every character of `text[a..b]` but spaces lies in a span.
fn covered(text: &str, spans: &[Span], a: usize, b: usize) -> bool {
    text[a..b]
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .all(|(k, _)| spans.iter().any(|s| s.start <= a + k && a + k < s.end))
}
