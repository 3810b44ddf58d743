//! Executes what the parser read. Commands that name a task find it among
//! the user's tasks (`resolve_target`): one match runs, several become a
//! clarifying question, none a clear answer. A delete always waits for a
//! yes in the next turn. Rule violations (a reminder in the past, a task
//! without a due time) are answered in words, not as HTTP errors.

use crate::format::{local, task_line, titles, when};
use crate::pending::{choose, Op, Pending};
use crate::{action, Actor, LastTask, TaskRef, Turn};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use domain::list::TaskList;
use domain::query::{ListQuery, Sort, SortField, Status};
use domain::reminder::{Reminder, Spec, Status as ReminderStatus};
use domain::task::{normalize_tag, parse_new_task, parse_patch, Priority, Task};
use domain::time::format_ms;
use domain::{Error, ErrorKind};
use intent_parser::{
    DueWindow, Intent, ListFilter, Parsed, RecurrenceSpec, ReminderSpec, Resolution, TaskTarget,
};
use serde_json::{json, Value};
use task_service::Expected;

/// Most tasks a name is looked up among.
const MAX_CANDIDATES: usize = 500;
/// Most tasks a list answer shows.
const MAX_LISTED: usize = 10;

/// Runs a parsed message.
pub fn run(a: &Actor, parsed: Parsed) -> Result<Turn, Error> {
    // "complete buy milk" reads as a new to-do unless the user has a task
    // it names: then the command on that task is what was meant (several
    // such tasks get the usual question).
    let parsed = match parsed.alternative {
        Some(command) if names_a_task(a, &command.intent)? => *command,
        _ => Parsed {
            alternative: None,
            ..parsed
        },
    };
    let mut turn = dispatch(a, parsed.intent)?;
    turn.explanation = Some(parsed.explanation);
    Ok(turn)
}

fn dispatch(a: &Actor, intent: Intent) -> Result<Turn, Error> {
    match intent {
        intent @ Intent::AddTask { .. } => match NewFromChat::from_intent(intent) {
            Some(new) => add_task(a, new),
            None => Ok(Turn::say("Sorry, I can't do that yet.")),
        },
        Intent::ListTasks { filter } => list(a, &filter),
        Intent::Confirm { .. } => Ok(Turn::say(
            "There's nothing waiting for a yes or no right now.",
        )),
        Intent::Refuse { reason } => Ok(Turn::say(reason)),
        Intent::Unknown { hint } => Ok(Turn::say(format!(
            "Sorry, I didn't understand that. {hint}"
        ))),
        other => match targeted(other) {
            Some((target, op)) => on_target(a, &target, op),
            None => Ok(Turn::say("Sorry, I can't do that yet.")),
        },
    }
}

/// Whether a command's target names one or more of the user's tasks.
fn names_a_task(a: &Actor, command: &Intent) -> Result<bool, Error> {
    match targeted(command.clone()) {
        Some((TaskTarget::Name(words), op)) => Ok(!matches!(find(a, &words, &op)?, Found::None)),
        _ => Ok(false),
    }
}

/// An intent about one task, as its target and the operation to run.
fn targeted(intent: Intent) -> Option<(TaskTarget, Op)> {
    Some(match intent {
        Intent::CompleteTask { target } => (target, Op::Complete),
        Intent::ReopenTask { target } => (target, Op::Reopen),
        Intent::RenameTask { target, new_title } => (target, Op::Rename { new_title }),
        Intent::SetPriority { target, priority } => (
            target,
            Op::SetPriority {
                priority: priority.as_str().to_string(),
            },
        ),
        Intent::Reschedule { target, due } => (
            target,
            Op::Reschedule {
                due_ms: due.at_utc_ms,
            },
        ),
        Intent::DeleteTask { target } => (target, Op::Delete),
        Intent::StopSeries { target } => (target, Op::StopSeries),
        Intent::ResumeSeries { target } => (target, Op::ResumeSeries),
        Intent::Snooze { target, minutes } => (
            target,
            Op::Snooze {
                minutes: i64::from(minutes),
            },
        ),
        Intent::AddReminder { target, spec } => (
            target,
            match spec {
                ReminderSpec::Before { minutes } => Op::AddReminder {
                    before_minutes: Some(i64::from(minutes)),
                    at_ms: None,
                },
                ReminderSpec::At { utc_ms } => Op::AddReminder {
                    before_minutes: None,
                    at_ms: Some(utc_ms),
                },
            },
        ),
        _ => return None,
    })
}

/// The answer to what a conversation was waiting for, if the message is
/// one; `None` lets the message be read afresh (and drops the question).
pub fn answer(
    a: &Actor,
    pending: &Pending,
    message: &str,
    intent: &Intent,
) -> Result<Option<Turn>, Error> {
    match pending {
        Pending::Confirm { op, task, .. } => match intent {
            Intent::Confirm { accepted: true } => match load(a, task)? {
                Ok(t) => apply(a, op.clone(), t, true).map(Some),
                Err(gone) => Ok(Some(gone)),
            },
            Intent::Confirm { accepted: false } => {
                let mut turn = Turn::say(format!("OK, I won't {} “{}”.", verb(op), task.title));
                turn.last_task = LastTask::Set(task.clone());
                Ok(Some(turn))
            }
            _ => Ok(None),
        },
        Pending::Choose {
            op,
            candidates,
            question,
            ..
        } => {
            if let Some(chosen) = choose(message, candidates) {
                return match load(a, chosen)? {
                    Ok(t) => apply(a, op.clone(), t, false).map(Some),
                    Err(gone) => Ok(Some(gone)),
                };
            }
            match intent {
                Intent::Confirm { accepted: false } => Ok(Some(Turn::say("OK, never mind."))),
                Intent::Confirm { accepted: true } => {
                    let mut turn = Turn::say(question.clone());
                    turn.pending = Some(pending.clone());
                    Ok(Some(turn))
                }
                _ => Ok(None),
            }
        }
    }
}

fn verb(op: &Op) -> &'static str {
    match op {
        Op::Delete => "delete",
        Op::Complete => "complete",
        Op::Reopen => "reopen",
        Op::Rename { .. } => "rename",
        Op::SetPriority { .. } => "change the priority of",
        Op::Reschedule { .. } => "move",
        Op::StopSeries => "stop",
        Op::ResumeSeries => "resume",
        Op::Snooze { .. } => "snooze",
        Op::AddReminder { .. } => "add a reminder to",
    }
}

/// The task behind a remembered reference, or the words saying it is gone.
fn load(a: &Actor, r: &TaskRef) -> Result<Result<Task, Turn>, Error> {
    match task_service::get(a.db, a.user_id, &r.id) {
        Ok(t) => Ok(Ok(t)),
        Err(e) if e.kind == ErrorKind::NotFound => {
            let mut turn = Turn::say(format!("I can't find “{}” any more.", r.title));
            turn.last_task = LastTask::Clear;
            Ok(Err(turn))
        }
        Err(e) => Err(e),
    }
}

fn on_target(a: &Actor, target: &TaskTarget, op: Op) -> Result<Turn, Error> {
    let task = match target {
        TaskTarget::LastTask(r) => match load(a, &TaskRef::from_parser(r))? {
            Ok(t) => t,
            Err(gone) => return Ok(gone),
        },
        TaskTarget::Name(words) => match find(a, words, &op)? {
            Found::One(t) => *t,
            Found::Many(candidates, question) => {
                let mut turn = Turn::say(question.clone());
                turn.pending = Some(Pending::Choose {
                    op,
                    candidates,
                    question,
                    created_at: a.now,
                });
                return Ok(turn);
            }
            Found::None => {
                return Ok(Turn::say(format!(
                    "I couldn't find a task matching “{words}”."
                )))
            }
        },
    };
    apply(a, op, task, false)
}

enum Found {
    One(Box<Task>),
    Many(Vec<TaskRef>, String),
    None,
}

/// The user's tasks, most recently changed first.
fn all_tasks(a: &Actor) -> Result<Vec<Task>, Error> {
    let mut q = ListQuery {
        status: Status::All,
        sort: Sort {
            field: SortField::Updated,
            descending: true,
        },
        limit: domain::limits::MAX_PAGE_SIZE,
        ..Default::default()
    };
    let mut items = Vec::new();
    loop {
        let page = task_service::list(a.db, a.user_id, &q)?;
        items.extend(page.items);
        match page.next_cursor {
            Some(c) if items.len() < MAX_CANDIDATES => {
                let pairs = [
                    ("sort".to_string(), "-updated".to_string()),
                    ("cursor".to_string(), c),
                ];
                q.cursor = domain::query::parse_list_query(&pairs)?.cursor;
            }
            _ => return Ok(items),
        }
    }
}

/// Looks the words up among the tasks the operation makes sense for, then
/// among all of them (a completed task can still be deleted or renamed).
fn find(a: &Actor, words: &str, op: &Op) -> Result<Found, Error> {
    let all = all_tasks(a)?;
    let open = |t: &&Task| !t.completed;
    let pools: Vec<Vec<&Task>> = match op {
        Op::Reopen => vec![
            all.iter().filter(|t| t.completed).collect(),
            all.iter().collect(),
        ],
        Op::StopSeries | Op::ResumeSeries => {
            let recurring: Vec<&Task> = all.iter().filter(|t| t.series_id.is_some()).collect();
            vec![recurring.iter().copied().filter(open).collect(), recurring]
        }
        _ => vec![all.iter().filter(open).collect(), all.iter().collect()],
    };
    let target = TaskTarget::Name(words.to_string());
    for pool in pools {
        let refs: Vec<intent_parser::TaskRef> = pool
            .iter()
            .map(|t| intent_parser::TaskRef::new(t.id.clone(), t.title.clone()))
            .collect();
        match intent_parser::resolve_target(&target, &refs) {
            Resolution::One(id) => {
                if let Some(t) = pool.iter().find(|t| t.id == id) {
                    return Ok(Found::One(Box::new((*t).clone())));
                }
            }
            Resolution::Many {
                candidates,
                question,
            } => {
                return Ok(Found::Many(
                    candidates.iter().map(TaskRef::from_parser).collect(),
                    question,
                ))
            }
            Resolution::None => {}
        }
    }
    Ok(Found::None)
}

/// Runs an operation on a found task; a broken rule becomes the answer.
fn apply(a: &Actor, op: Op, task: Task, confirmed: bool) -> Result<Turn, Error> {
    let r = TaskRef::of(&task);
    match apply_op(a, op, task, confirmed) {
        Ok(turn) => Ok(turn),
        Err(e) if !e.is_internal() => {
            let mut turn = Turn::say(refusal(&e, &r));
            turn.last_task = LastTask::Set(r);
            Ok(turn)
        }
        Err(e) => Err(e),
    }
}

/// Words for an operation's error.
fn refusal(e: &Error, task: &TaskRef) -> String {
    match e.code {
        "task_has_no_due_time" => format!(
            "“{}” has no due time, so I can't remind you before it. Give it one first (“move {} to tomorrow 3pm”) or ask for a reminder at a time.",
            task.title, task.title
        ),
        "reminder_in_past" => format!("I can't do that: {}.", e.message),
        "too_many_reminders" => format!(
            "“{}” already has the most reminders a task can have (3).",
            task.title
        ),
        "task_completed" => format!("“{}” is already done.", task.title),
        _ => format!("I couldn't do that: {}.", e.message.trim_end_matches('.')),
    }
}

fn changed_turn(reply: String, kind: &str, changed: task_service::Changed, extra: Value) -> Turn {
    let mut turn = Turn::say(reply);
    if !changed.events.is_empty() {
        turn.actions.push(action(kind, &changed.task, extra));
    }
    turn.events = changed.events;
    turn.last_task = LastTask::Set(TaskRef::of(&changed.task));
    turn
}

fn apply_op(a: &Actor, op: Op, task: Task, confirmed: bool) -> Result<Turn, Error> {
    let title = task.title.clone();
    let update = |body: Value| -> Result<task_service::Changed, Error> {
        let patch = parse_patch(&body)?;
        task_service::update(
            a.db,
            a.user_id,
            &task.id,
            &patch,
            Expected::default(),
            a.origin,
        )
    };
    let same = |reply: String| {
        let mut turn = Turn::say(reply);
        turn.last_task = LastTask::Set(TaskRef::of(&task));
        turn
    };
    match op {
        Op::Complete => {
            if task.completed {
                return Ok(same(format!("“{title}” is already done.")));
            }
            let changed = task_service::set_completion(
                a.db,
                a.user_id,
                &task.id,
                true,
                Expected::default(),
                a.origin,
            )?;
            let mut reply = format!("Marked “{title}” as done.");
            if task.series_id.is_some() {
                reply.push_str(" It repeats, so the next one is on its way.");
            }
            Ok(changed_turn(reply, "task.completed", changed, json!({})))
        }
        Op::Reopen => {
            if !task.completed {
                return Ok(same(format!("“{title}” isn't done; it's still open.")));
            }
            let changed = task_service::set_completion(
                a.db,
                a.user_id,
                &task.id,
                false,
                Expected::default(),
                a.origin,
            )?;
            Ok(changed_turn(
                format!("Reopened “{title}”."),
                "task.reopened",
                changed,
                json!({}),
            ))
        }
        Op::Rename { new_title } => {
            let changed = update(json!({ "title": new_title }))?;
            let reply = format!("Renamed “{title}” to “{}”.", changed.task.title);
            Ok(changed_turn(
                reply,
                "task.updated",
                changed,
                json!({ "changes": ["title"] }),
            ))
        }
        Op::SetPriority { priority } => {
            let changed = update(json!({ "priority": priority }))?;
            Ok(changed_turn(
                format!("“{title}” is now {priority} priority."),
                "task.updated",
                changed,
                json!({ "changes": ["priority"] }),
            ))
        }
        Op::Reschedule { due_ms } => {
            let changed = update(json!({ "dueAt": format_ms(due_ms) }))?;
            Ok(changed_turn(
                format!("Moved “{title}” to {}.", when(a.tz, due_ms, a.now)),
                "task.updated",
                changed,
                json!({ "changes": ["dueAt"] }),
            ))
        }
        Op::Delete if !confirmed => {
            let question = format!("Delete “{title}”? This can't be undone. Answer yes or no.");
            let mut turn = same(question.clone());
            turn.pending = Some(Pending::Confirm {
                op: Op::Delete,
                task: TaskRef::of(&task),
                question,
                created_at: a.now,
            });
            Ok(turn)
        }
        Op::Delete => {
            let changed =
                task_service::delete(a.db, a.user_id, &task.id, Expected::default(), a.origin)?;
            let mut turn = Turn::say(format!("Deleted “{title}”."));
            turn.actions
                .push(action("task.deleted", &changed.task, json!({})));
            turn.events = changed.events;
            turn.last_task = LastTask::Clear;
            Ok(turn)
        }
        Op::StopSeries | Op::ResumeSeries => {
            let Some(series_id) = task.series_id.clone() else {
                return Ok(same(format!("“{title}” doesn't repeat.")));
            };
            let active = op == Op::ResumeSeries;
            let (series, events) = a.db.transaction(|db| {
                task_service::recurring::set_status(
                    db, a.user_id, &series_id, active, a.origin, a.now,
                )
            })?;
            let (kind, reply) = if active {
                ("series.resumed", format!("“{title}” repeats again."))
            } else {
                (
                    "series.stopped",
                    format!("“{title}” won't repeat any more; the current one stays on your list."),
                )
            };
            let mut turn = same(reply);
            turn.actions.push(action(
                kind,
                &task,
                json!({ "seriesId": series.id, "status": series.status }),
            ));
            turn.events = events;
            Ok(turn)
        }
        Op::Snooze { minutes } => {
            let reminders = task_service::reminders::list(a.db, a.user_id, &task.id)?;
            let Some(reminder) = snoozable(&reminders) else {
                let next = reminders
                    .iter()
                    .filter(|r| r.status == ReminderStatus::Scheduled)
                    .filter_map(|r| r.fire_at)
                    .min();
                return Ok(same(match next {
                    Some(at) => format!(
                        "The reminder for “{title}” hasn't gone off yet; it's set for {}.",
                        when(a.tz, at, a.now)
                    ),
                    None => format!("“{title}” has no reminder to snooze."),
                }));
            };
            let changed =
                task_service::reminders::snooze(a.db, a.user_id, &reminder.id, minutes, a.origin)?;
            let until = changed.reminder.fire_at.unwrap_or(a.now + minutes * 60_000);
            let mut turn = same(format!(
                "Snoozed the reminder for “{title}” until {}.",
                when(a.tz, until, a.now)
            ));
            turn.actions.push(action(
                "reminder.snoozed",
                &task,
                json!({ "reminder": changed.reminder }),
            ));
            turn.events = changed.events;
            Ok(turn)
        }
        Op::AddReminder {
            before_minutes,
            at_ms,
        } => {
            let spec = match (before_minutes, at_ms) {
                (_, Some(at)) => Spec::At { at },
                (Some(minutes), None) => Spec::Before { minutes },
                (None, None) => Spec::Before { minutes: 0 },
            };
            let (words, reminder, events) = add_reminder(a, &task, spec)?;
            let mut turn = same(format!("{words}."));
            turn.actions.push(action(
                "reminder.created",
                &task,
                json!({ "reminder": reminder }),
            ));
            turn.events = events;
            Ok(turn)
        }
    }
}

/// The reminder "snooze" means: the one that went off last. A reminder
/// still waiting is not snoozed (that would make it fire sooner).
fn snoozable(reminders: &[Reminder]) -> Option<&Reminder> {
    reminders
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                ReminderStatus::Due | ReminderStatus::Delivered | ReminderStatus::Failed
            )
        })
        .max_by_key(|r| r.fire_at)
}

fn add_reminder(
    a: &Actor,
    task: &Task,
    spec: Spec,
) -> Result<(String, Reminder, Vec<domain::event::OutboxEvent>), Error> {
    let changed = task_service::reminders::add(a.db, a.user_id, &task.id, spec, a.origin)?;
    let fire = changed
        .reminder
        .fire_at
        .map(|f| when(a.tz, f, a.now))
        .unwrap_or_default();
    let words = match spec {
        Spec::Before { minutes: 0 } => {
            format!("I'll remind you when “{}” is due ({fire})", task.title)
        }
        Spec::Before { minutes } => format!(
            "I'll remind you {} before “{}” ({fire})",
            duration_words(minutes),
            task.title
        ),
        Spec::At { .. } => format!("I'll remind you about “{}” {fire}", task.title),
    };
    Ok((words, changed.reminder, changed.events))
}

fn duration_words(minutes: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    if minutes % (24 * 60) == 0 {
        plural(minutes / (24 * 60), "day")
    } else if minutes % 60 == 0 {
        plural(minutes / 60, "hour")
    } else {
        plural(minutes, "minute")
    }
}

pub(crate) struct NewFromChat {
    pub title: String,
    /// (instant, has a time of day)
    pub due_ms: Option<(i64, bool)>,
    pub priority: Option<&'static str>,
    pub tags: Vec<String>,
    pub recurrence: Option<RecurrenceSpec>,
    pub reminders: Vec<ReminderSpec>,
}

impl NewFromChat {
    /// The parsed parts of an `AddTask`, `None` for any other intent.
    pub fn from_intent(intent: Intent) -> Option<NewFromChat> {
        match intent {
            Intent::AddTask {
                title,
                due,
                priority,
                tags,
                recurrence,
                reminders,
            } => Some(NewFromChat {
                title,
                due_ms: due.map(|d| (d.at_utc_ms, d.has_time)),
                priority: priority.map(|p| p.as_str()),
                tags,
                recurrence,
                reminders,
            }),
            _ => None,
        }
    }

    /// The body of `POST /api/v1/tasks` for it: what the chat creates and
    /// what the quick-add field sends.
    pub fn task_body(&self, tz: chrono_tz::Tz, now: i64) -> Value {
        let mut body = json!({ "title": self.title });
        if let Some(p) = self.priority {
            body["priority"] = json!(p);
        }
        if !self.tags.is_empty() {
            body["tags"] = json!(self.tags);
        }
        match &self.recurrence {
            Some(spec) => body["recurrence"] = recurrence_input(tz, spec, self.due_ms, now),
            None => {
                if let Some((ms, _)) = self.due_ms {
                    body["dueAt"] = json!(format_ms(ms));
                }
            }
        }
        body
    }
}

/// The task service's recurrence input for a parsed rule: the first
/// occurrence starts on the given date (or today) at the rule's time of
/// day (or the due time, or the service's default 09:00); the service
/// moves it to the first date the rule produces and uses the user's zone.
fn recurrence_input(
    tz: chrono_tz::Tz,
    spec: &RecurrenceSpec,
    due: Option<(i64, bool)>,
    now: i64,
) -> Value {
    let mut v = json!({ "rrule": spec.rule.to_string(), "mode": spec.mode.as_str() });
    let due_local = due.and_then(|(ms, has_time)| local(tz, ms).map(|l| (l, has_time)));
    let time = spec
        .local_time
        .and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0))
        .or_else(|| {
            due_local
                .as_ref()
                .filter(|(_, has_time)| *has_time)
                .map(|(l, _)| l.time())
        });
    let date: Option<NaiveDate> = due_local.as_ref().map(|(l, _)| l.date_naive());
    if date.is_some() || time.is_some() {
        let date = date
            .or_else(|| local(tz, now).map(|l| l.date_naive()))
            .unwrap_or_default();
        let time = time.unwrap_or(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
        v["dtstart"] = json!(date.and_time(time).format("%Y-%m-%dT%H:%M").to_string());
    }
    v
}

/// A closing "to/in/on/into [my|the] <name> [list]" in a new task's title
/// that names one of the user's open lists ("Add milk to Groceries", "call
/// the plumber on my home list"): the task goes into that list and the
/// words leave the title. Anything else stays as it was typed.
pub(crate) fn list_named_in<'l>(
    title: &str,
    lists: &'l [TaskList],
) -> Option<(String, &'l TaskList)> {
    let lower = title.to_lowercase();
    if lower.len() != title.len() {
        return None; // byte offsets would not line up; keep the title
    }
    for prep in [" to ", " in ", " on ", " into ", " onto "] {
        for (at, _) in lower.rmatch_indices(prep) {
            let mut rest = lower[at + prep.len()..].trim();
            for lead in ["my ", "the ", "our ", "list "] {
                rest = rest.strip_prefix(lead).unwrap_or(rest);
            }
            let rest = rest.trim_end_matches(['.', '!', ' ']);
            let rest = rest
                .strip_suffix(" list")
                .or_else(|| rest.strip_suffix(" project"))
                .unwrap_or(rest)
                .trim();
            let kept = title[..at].trim();
            if kept.is_empty() || rest.is_empty() {
                continue;
            }
            if let Some(list) = lists
                .iter()
                .find(|l| !l.archived && l.name.to_lowercase() == rest)
            {
                return Some((kept.to_string(), list));
            }
        }
    }
    None
}

fn add_task(a: &Actor, new: NewFromChat) -> Result<Turn, Error> {
    let mut body = new.task_body(a.tz, a.now);
    let lists = task_service::lists::all(a.db, a.user_id)?;
    let mut list_name = None;
    if let Some((title, list)) = list_named_in(&new.title, &lists) {
        body["title"] = json!(title);
        body["listId"] = json!(list.id);
        list_name = Some(list.name.clone());
    }
    let input = match parse_new_task(&body) {
        Ok(i) => i,
        Err(e) => {
            return Ok(Turn::say(format!(
                "I couldn't add that task: {}.",
                e.message
            )))
        }
    };
    let changed = match task_service::create(a.db, a.user_id, input, a.origin) {
        Ok(c) => c,
        Err(e) if !e.is_internal() => {
            return Ok(Turn::say(format!(
                "I couldn't add that task: {}.",
                e.message
            )))
        }
        Err(e) => return Err(e),
    };
    let task = changed.task.clone();
    let mut reply = format!("Added “{}”", task.title);
    if let Some(name) = list_name {
        reply.push_str(&format!(" to {name}"));
    }
    if let Some(description) = task
        .recurrence
        .as_ref()
        .and_then(|r| r["description"].as_str())
    {
        reply.push_str(&format!(", repeating {description}"));
        if let Some(due) = task.due_at {
            reply.push_str(&format!(
                "; the first one is due {}",
                when(a.tz, due, a.now)
            ));
        }
    } else if let Some(due) = task.due_at {
        reply.push_str(&format!(", due {}", when(a.tz, due, a.now)));
        if due < a.now {
            reply.push_str(", so it's already overdue");
        }
    }
    if task.priority != Priority::Medium {
        reply.push_str(&format!(", {} priority", task.priority.as_str()));
    }
    if !task.tags.is_empty() {
        let tags: Vec<String> = task.tags.iter().map(|t| format!("#{t}")).collect();
        reply.push_str(&format!(", tagged {}", tags.join(" ")));
    }
    reply.push('.');
    let mut turn = changed_turn(String::new(), "task.created", changed, json!({}));
    for spec in new.reminders {
        let spec = match spec {
            ReminderSpec::Before { minutes } => Spec::Before {
                minutes: i64::from(minutes),
            },
            ReminderSpec::At { utc_ms } => Spec::At { at: utc_ms },
        };
        match add_reminder(a, &task, spec) {
            Ok((words, reminder, events)) => {
                reply.push_str(&format!(" {words}."));
                turn.actions.push(action(
                    "reminder.created",
                    &task,
                    json!({ "reminder": reminder }),
                ));
                turn.events.extend(events);
            }
            Err(e) if !e.is_internal() => {
                reply.push_str(&format!(
                    " I couldn't add the reminder: {}",
                    refusal(&e, &TaskRef::of(&task))
                ));
            }
            Err(e) => return Err(e),
        }
    }
    turn.reply = reply;
    Ok(turn)
}

/// Start of a local day as a UTC instant.
fn day_start(tz: chrono_tz::Tz, date: NaiveDate) -> i64 {
    let midnight = date.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| midnight.and_utc().timestamp_millis())
}

/// The list query for a parsed filter, and the words describing it.
fn list_query(a: &Actor, filter: &ListFilter) -> Result<(ListQuery, String), Error> {
    let mut q = ListQuery {
        status: match filter.status {
            intent_parser::Status::Open => Status::Open,
            intent_parser::Status::Completed => Status::Completed,
            intent_parser::Status::All => Status::All,
        },
        sort: Sort {
            field: SortField::Due,
            descending: false,
        },
        limit: domain::limits::MAX_PAGE_SIZE,
        ..Default::default()
    };
    let mut words = match q.status {
        Status::Open => "open tasks".to_string(),
        Status::Completed => "completed tasks".to_string(),
        Status::All => "tasks".to_string(),
    };
    if let Some(p) = filter.priority {
        let wanted = Priority::parse(p.as_str()).unwrap_or(Priority::Medium);
        q.priorities = Priority::ALL
            .into_iter()
            .filter(|x| x.rank() >= wanted.rank())
            .collect();
        let label = if wanted == Priority::Urgent {
            "urgent".to_string()
        } else {
            format!("{} priority or higher", wanted.as_str())
        };
        words = format!("{words} ({label})");
    }
    if let Some(tag) = &filter.tag {
        let tag = normalize_tag(tag)?;
        words.push_str(&format!(" tagged #{tag}"));
        q.tags = vec![tag];
    }
    if let Some(text) = &filter.text {
        words.push_str(&format!(" about “{text}”"));
        q.search = Some(text.to_lowercase());
    }
    let today = local(a.tz, a.now)
        .map(|l| l.date_naive())
        .unwrap_or_default();
    match filter.due_window {
        Some(DueWindow::Today) => {
            q.due_after = Some(day_start(a.tz, today));
            q.due_before = Some(day_start(a.tz, today + Duration::days(1)));
            words.push_str(" due today");
        }
        Some(DueWindow::Tomorrow) => {
            q.due_after = Some(day_start(a.tz, today + Duration::days(1)));
            q.due_before = Some(day_start(a.tz, today + Duration::days(2)));
            words.push_str(" due tomorrow");
        }
        Some(DueWindow::ThisWeek) => {
            let to_monday = 7 - i64::from(today.weekday().num_days_from_monday());
            let next_monday = today + Duration::days(to_monday);
            debug_assert_eq!(next_monday.weekday(), Weekday::Mon);
            q.due_after = Some(a.now);
            q.due_before = Some(day_start(a.tz, next_monday));
            words.push_str(" due this week");
        }
        Some(DueWindow::Overdue) => {
            q.status = Status::Open;
            q.due_before = Some(a.now);
            words = words.replacen("open tasks", "tasks", 1);
            words.push_str(" that are overdue");
        }
        None => {}
    }
    Ok((q, words))
}

fn list(a: &Actor, filter: &ListFilter) -> Result<Turn, Error> {
    let (q, words) = list_query(a, filter)?;
    let page = task_service::list(a.db, a.user_id, &q)?;
    let items = page.items;
    let more = page.next_cursor.is_some();
    let mut turn = if items.is_empty() {
        Turn::say(format!("You have no {words}."))
    } else {
        let count = if more {
            format!("more than {}", items.len())
        } else {
            items.len().to_string()
        };
        let noun = if items.len() == 1 && !more {
            words
                .replacen("tasks", "task", 1)
                .replace("that are overdue", "that is overdue")
        } else {
            words.clone()
        };
        let mut reply = format!("You have {count} {noun}:");
        for (i, t) in items.iter().take(MAX_LISTED).enumerate() {
            reply.push_str(&format!("\n{}. {}", i + 1, task_line(a.tz, t, a.now)));
        }
        if items.len() > MAX_LISTED {
            let rest: Vec<String> = items[MAX_LISTED..]
                .iter()
                .take(3)
                .map(|t| t.title.clone())
                .collect();
            reply.push_str(&format!(
                "\n…and {} more, such as {}.",
                items.len() - MAX_LISTED,
                titles(&rest)
            ));
        }
        Turn::say(reply)
    };
    let shown: Vec<Value> = items
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "title": t.title,
                "dueAt": t.due_at.map(format_ms),
                "priority": t.priority,
                "completed": t.completed,
            })
        })
        .collect();
    turn.actions.push(json!({
        "type": "tasks.listed",
        "count": items.len(),
        "tasks": shown,
    }));
    if let [only] = items.as_slice() {
        turn.last_task = LastTask::Set(TaskRef::of(only));
    }
    Ok(turn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use intent_parser::RecurrenceMode;

    fn berlin() -> chrono_tz::Tz {
        "Europe/Berlin".parse().unwrap()
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        berlin()
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .timestamp_millis()
    }

    fn spec(rrule: &str, time: Option<(u32, u32)>) -> RecurrenceSpec {
        RecurrenceSpec {
            rule: rrule.parse().unwrap(),
            mode: RecurrenceMode::Schedule,
            local_time: time,
        }
    }

    #[test]
    fn a_closing_list_name_puts_the_task_in_that_list() {
        let list = |id: &str, name: &str, archived: bool| TaskList {
            id: id.into(),
            user_id: "u".into(),
            name: name.into(),
            color: None,
            archived,
            created_at: 0,
            updated_at: 0,
        };
        let lists = [
            list("g", "Groceries", false),
            list("h", "Home", false),
            list("o", "Old", true),
        ];
        let read = |t: &str| list_named_in(t, &lists).map(|(title, l)| (title, l.id.clone()));
        assert_eq!(read("Milk to Groceries"), Some(("Milk".into(), "g".into())));
        assert_eq!(
            read("call the plumber on my home list"),
            Some(("call the plumber".into(), "h".into()))
        );
        assert_eq!(
            read("Put the kettle on to the groceries list."),
            Some(("Put the kettle on".into(), "g".into()))
        );
        // Not a list of the user's, archived, or nothing left as a title.
        assert_eq!(read("Drive to Berlin"), None);
        assert_eq!(read("Clean up in Old"), None);
        assert_eq!(read("to Groceries"), None);
    }

    #[test]
    fn recurrence_starts_today_at_the_rules_time() {
        let now = at(2026, 11, 26, 10, 0);
        let v = recurrence_input(berlin(), &spec("FREQ=DAILY", Some((8, 0))), None, now);
        assert_eq!(
            v,
            json!({"rrule": "FREQ=DAILY", "mode": "schedule", "dtstart": "2026-11-26T08:00"})
        );
        // No time and no date: the service's default start.
        let v = recurrence_input(
            berlin(),
            &spec("FREQ=MONTHLY;BYMONTHDAY=1", None),
            None,
            now,
        );
        assert!(v.get("dtstart").is_none());
        // "starting Monday" at the rule's time.
        let monday = at(2026, 11, 30, 9, 30);
        let v = recurrence_input(
            berlin(),
            &spec("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Some((9, 30))),
            Some((monday, true)),
            now,
        );
        assert_eq!(v["dtstart"], "2026-11-30T09:30");
        // A start date without a time: 09:00 that day.
        let v = recurrence_input(
            berlin(),
            &spec("FREQ=WEEKLY", None),
            Some((at(2026, 11, 30, 23, 59), false)),
            now,
        );
        assert_eq!(v["dtstart"], "2026-11-30T09:00");
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_words(15), "15 minutes");
        assert_eq!(duration_words(60), "1 hour");
        assert_eq!(duration_words(120), "2 hours");
        assert_eq!(duration_words(1440), "1 day");
        assert_eq!(duration_words(1), "1 minute");
    }

    #[test]
    fn refusals_name_the_task() {
        let r = TaskRef {
            id: "t".into(),
            title: "Call mom".into(),
        };
        let e = Error::bad_request("task_has_no_due_time", "x");
        assert!(refusal(&e, &r).starts_with("“Call mom” has no due time"));
        let e = Error::bad_request("other", "the thing is wrong.");
        assert_eq!(refusal(&e, &r), "I couldn't do that: the thing is wrong.");
    }
}
