//! Kinds of phrasing the parser reads by rule rather than by example:
//! abbreviated and misspelled words, numeric dates, times without am/pm,
//! first occurrences of repeating tasks, several reminders, negated
//! priorities, decoration, small talk and requests it cannot carry out.

use intent_parser::{eval, parse, Context, Intent, TaskRef};
use serde_json::{json, Value};

fn read(msg: &str, last: Option<TaskRef>) -> Value {
    let ctx = eval::reference_context(last);
    eval::canonical(&parse(msg, &ctx).intent, ctx.timezone)
}

fn check(msg: &str, expected: Value) {
    let got = read(msg, None);
    let diffs = eval::compare(&expected, &got);
    assert!(diffs.is_empty(), "{msg:?}: {diffs:?}\n got {got}");
}

#[test]
fn abbreviated_weekdays_without_a_trigger() {
    check(
        "pottery class sat 3pm",
        json!({"intent": "add_task", "title": "Pottery class", "due": "2026-11-28T15:00"}),
    );
    check(
        "car wash wed",
        json!({"intent": "add_task", "title": "Car wash", "due": "2026-12-02"}),
    );
    // A subject before "sat" makes it the verb.
    let v = read("the cat sat on the keyboard", None);
    assert!(v.get("due").is_none(), "{v}");
}

#[test]
fn numeric_dates_are_month_first_and_next_occurrence() {
    check(
        "renew gym pass 12/22",
        json!({"intent": "add_task", "title": "Renew gym pass", "due": "2026-12-22"}),
    );
    check(
        "dentist checkup by 3/4",
        json!({"intent": "add_task", "title": "Dentist checkup", "due": "2027-03-04"}),
    );
    // A fraction before a unit stays in the title.
    check(
        "buy 1/2 kg flour",
        json!({"intent": "add_task", "title": "Buy 1/2 kg flour"}),
    );
}

#[test]
fn times_without_am_pm_by_common_sense() {
    check(
        "collect the parcel at 4:45",
        json!({"intent": "add_task", "title": "Collect the parcel", "due": "2026-11-26T16:45"}),
    );
    check(
        "supper with Ines friday at 8",
        json!({"intent": "add_task", "title": "Supper with Ines", "due": "2026-11-27T20:00"}),
    );
    check(
        "jog tomorrow morning at 6:15",
        json!({"intent": "add_task", "title": "Jog", "due": "2026-11-27T06:15"}),
    );
    check(
        "pay the plumber sat 4p",
        json!({"intent": "add_task", "title": "Pay the plumber", "due": "2026-11-28T16:00"}),
    );
    check(
        "team call 14h",
        json!({"intent": "add_task", "title": "Team call", "due": "2026-11-26T14:00"}),
    );
}

#[test]
fn end_of_day_first_thing_and_fortnight() {
    check(
        "send the figures eod",
        json!({"intent": "add_task", "title": "Send the figures", "due": "2026-11-26T17:00"}),
    );
    check(
        "first thing monday email the landlord",
        json!({"intent": "add_task", "title": "Email the landlord", "due": "2026-11-30T09:00"}),
    );
    check(
        "service the bike in a fortnight",
        json!({"intent": "add_task", "title": "Service the bike", "due": "2026-12-10"}),
    );
}

#[test]
fn misspelled_key_words() {
    check(
        "water the ferns tomorow",
        json!({"intent": "add_task", "title": "Water the ferns", "due": "2026-11-27"}),
    );
    check(
        "call grandpa on wednsday",
        json!({"intent": "add_task", "title": "Call grandpa", "due": "2026-12-02"}),
    );
}

#[test]
fn repeating_tasks_are_due_at_their_first_occurrence() {
    let v = read("yoga every tuesday at 7am", None);
    assert_eq!(v["due"], json!("2026-12-01T07:00"), "{v}");
    let v = read("stretch every day at 9pm", None);
    assert_eq!(v["due"], json!("2026-11-26T21:00"), "{v}");
    let v = read("rent on the last day of every month", None);
    assert_eq!(v["due"], json!("2026-11-30"), "{v}");
    let v = read("descale the kettle 3 weeks after i last did it", None);
    assert_eq!(v["recurrence"]["mode"], json!("completion"), "{v}");
    assert_eq!(v["due"], json!("2026-11-26"), "{v}");
}

#[test]
fn several_reminders_before() {
    check(
        "flight to Rome sat 6pm, remind me 3 hours and 30 minutes before",
        json!({"intent": "add_task", "title": "Flight to Rome", "due": "2026-11-28T18:00",
               "reminders": [{"before": 180}, {"before": 30}]}),
    );
    check(
        "vet mon 11am remind 2h before",
        json!({"intent": "add_task", "title": "Vet", "due": "2026-11-30T11:00",
               "reminders": [{"before": 120}]}),
    );
}

#[test]
fn negated_urgency_is_low() {
    check(
        "sort the photo albums, not urgent",
        json!({"intent": "add_task", "title": "Sort the photo albums", "priority": "low"}),
    );
    check(
        "fix the squeaky door no rush",
        json!({"intent": "add_task", "title": "Fix the squeaky door", "priority": "low"}),
    );
}

#[test]
fn emoji_are_not_title_words() {
    check(
        "🎸 restring the guitar",
        json!({"intent": "add_task", "title": "Restring the guitar"}),
    );
}

#[test]
fn command_verbs_can_open_a_new_todo() {
    check(
        "cancel the magazine subscription by the 5th",
        json!({"intent": "add_task", "title": "Cancel the magazine subscription", "due": "2026-12-05"}),
    );
    check(
        "finish part 2 of the report",
        json!({"intent": "add_task", "title": "Finish part 2 of the report"}),
    );
    // Without "it", quotes or "task" the command is the other reading,
    // which the assistant takes when the user has a task so named.
    check(
        "delete the report",
        json!({"intent": "add_task", "title": "Delete the report"}),
    );
    check(
        "delete the report task",
        json!({"intent": "delete_task", "target": "report"}),
    );
}

#[test]
fn small_talk_confirmations_and_refusals() {
    check("lol nice", json!({"intent": "unknown"}));
    check("qwerty", json!({"intent": "unknown"}));
    // With no pending question a bare "ok" is chat, not a confirmation.
    check("ok", json!({"intent": "unknown"}));
    let last = Some(TaskRef::new("t1", "Dentist"));
    assert_eq!(
        read("yesss, do that", last.clone())["intent"],
        json!("confirm")
    );
    assert_eq!(read("nooo", last)["accepted"], json!(false));
    check("turn down the music", json!({"intent": "refuse"}));
    check("find me a cheap hotel in Rome", json!({"intent": "refuse"}));
    check("call my sister right now", json!({"intent": "refuse"}));
}

#[test]
fn scorer_accepts_only_the_true_first_occurrence() {
    let e = json!({"intent": "add_task", "title": "X",
                   "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO", "mode": "schedule"}});
    let mut a = e.clone();
    a["due"] = json!("2026-11-30");
    assert!(eval::compare(&e, &a).is_empty());
    a["due"] = json!("2026-12-07");
    assert!(!eval::compare(&e, &a).is_empty());
    let _ = Context::new("Europe/Berlin", 0);
    let _ = Intent::Confirm { accepted: true };
}
