//! Reminders, notifications and recurring tasks end to end: the compiled
//! components, the embedded sidecar's Jobs API on a test clock (no long
//! sleeps), a local webhook receiver.

use dapr_sidecar::TestClock;
use hmac::{Hmac, Mac};
use integration_tests::system::{SidecarSetup, System};
use integration_tests::webhook::Receiver;
use integration_tests::{delivery_attempts, Backend, TestApp, User};
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

integration_tests::on_both_backends!(
    reminder_fires_in_app_and_to_the_webhook,
    completing_first_cancels_the_reminder,
    moving_the_due_date_moves_the_reminder,
    webhook_failing_twice_then_succeeding_is_delivered_once,
    a_restart_between_scheduling_and_firing_still_fires,
    reminders_are_validated,
    completing_a_weekly_task_creates_exactly_one_next_instance,
    a_stopped_series_creates_no_more_instances,
    an_existing_task_starts_changes_and_stops_repeating,
    a_task_that_gets_a_due_time_gets_the_default_reminder,
);

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

fn iso(ms: i64) -> String {
    domain::time::format_ms(ms)
}

fn now_ms() -> i64 {
    domain::time::now_ms()
}

fn start(backend: Backend) -> (System, Arc<TestClock>) {
    let clock = Arc::new(TestClock::starting_now());
    let setup = SidecarSetup {
        clock: Some(clock.clone()),
        ..Default::default()
    };
    (System::start_with(backend, true, setup), clock)
}

fn reminders_of(app: &TestApp, user: &User, task_id: &str) -> Vec<Value> {
    let r = app.get(
        &format!("/api/v1/tasks/{task_id}/reminders"),
        Some(&user.token),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["items"].as_array().unwrap().clone()
}

fn add_reminder(app: &TestApp, user: &User, task_id: &str, body: Value) -> Value {
    let r = app.send_json(
        "POST",
        &format!("/api/v1/tasks/{task_id}/reminders"),
        Some(&user.token),
        &body,
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

/// Moves the sidecar's clock just past a reminder's fire time (the test
/// clock stands still, so real time spent in setup does not count).
fn pass_fire_time(clock: &TestClock, reminder: &Value) {
    let at = chrono::DateTime::parse_from_rfc3339(reminder["fireAt"].as_str().unwrap()).unwrap();
    clock.set(at.with_timezone(&chrono::Utc) + chrono::TimeDelta::seconds(1));
}

fn job_due(system: &System, reminder_id: &str) -> Option<String> {
    let name = format!("reminder-{reminder_id}");
    system
        .sidecar()
        .jobs()
        .into_iter()
        .find(|j| j.name == name)
        .map(|j| j.due_time.unwrap_or_default())
}

fn set_webhook(app: &TestApp, user: &User, url: &str) -> String {
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"webhookUrl": url}),
    );
    assert_eq!(r.status, 200);
    r.json()["webhookSecret"].as_str().unwrap().to_string()
}

fn verify_signature(secret: &str, body: &[u8], header: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    header == format!("sha256={hex}")
}

/// Turns the user's default reminder off: the tests of reminder mechanics
/// see only the reminders they add.
fn no_default_reminder(app: &TestApp, user: &User) {
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"defaultReminderMinutes": null}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["defaultReminderMinutes"], Value::Null);
}

fn reminder_fires_in_app_and_to_the_webhook(backend: Backend) {
    let (system, clock) = start(backend);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    let hook = Receiver::start(0);
    let secret = set_webhook(app, &user, &hook.url);
    let task = app.create_task(
        &user,
        json!({"title": "Call the bank", "dueAt": iso(now_ms() + 2 * HOUR)}),
    );
    let id = task["id"].as_str().unwrap();
    let reminder = add_reminder(app, &user, id, json!({"before": "15m"}));
    assert_eq!(reminder["status"], "scheduled");
    system.settle();
    assert!(
        job_due(&system, reminder["id"].as_str().unwrap()).is_some(),
        "a Dapr job per reminder"
    );
    let cursor = app.get("/api/v1/changes", Some(&user.token)).json()["cursor"]
        .as_i64()
        .unwrap();
    // Its time comes.
    pass_fire_time(&clock, &reminder);
    let (_, took) = system.wait_for(Duration::from_secs(2), || {
        let n = app.notifications(&user);
        (n.len() == 1 && !hook.requests().is_empty()).then_some(())
    });
    assert!(
        took < Duration::from_secs(2),
        "delivered {took:?} after its time"
    );
    let n = &app.notifications(&user)[0];
    assert_eq!(n["taskId"], id);
    assert!(n["body"].as_str().unwrap().contains("Call the bank"));
    let hook_request = &hook.requests()[0];
    assert!(verify_signature(
        &secret,
        &hook_request.body,
        hook_request.header("x-signature-256").unwrap()
    ));
    let payload: Value = serde_json::from_slice(&hook_request.body).unwrap();
    assert_eq!(payload["taskId"], id);
    // Open clients see it through the change feed.
    let feed = app
        .get(
            &format!("/api/v1/changes?since={cursor}"),
            Some(&user.token),
        )
        .json();
    assert!(feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["kind"] == "notification.created"));
    // Read on one device: the others learn it from the feed, once.
    let read_cursor = feed["cursor"].as_i64().unwrap();
    let nid = n["id"].as_str().unwrap();
    for _ in 0..2 {
        let read = app.request(
            "POST",
            &format!("/api/v1/notifications/{nid}/read"),
            Some(&user.token),
            &[],
            None,
        );
        assert_eq!(read.status, 204, "{}", String::from_utf8_lossy(&read.body));
    }
    let reads: Vec<Value> = app
        .get(
            &format!("/api/v1/changes?since={read_cursor}"),
            Some(&user.token),
        )
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "notification.read")
        .cloned()
        .collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["entityId"], nid);
    assert!(reads[0]["data"]["readAt"].is_string());
    system.settle();
    let r = &reminders_of(app, &user, id)[0];
    assert_eq!(r["status"], "delivered");
    let channels: Vec<&str> = n["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["channel"].as_str().unwrap())
        .collect();
    assert!(
        channels.contains(&"in_app") && channels.contains(&"webhook"),
        "{channels:?}"
    );
}

fn completing_first_cancels_the_reminder(backend: Backend) {
    let (system, clock) = start(backend);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    let task = app.create_task(
        &user,
        json!({"title": "Pay rent", "dueAt": iso(now_ms() + 3 * HOUR)}),
    );
    let id = task["id"].as_str().unwrap();
    let reminder = add_reminder(app, &user, id, json!({"at": iso(now_ms() + HOUR)}));
    let rid = reminder["id"].as_str().unwrap();
    system.settle();
    assert!(job_due(&system, rid).is_some());
    app.request(
        "POST",
        &format!("/api/v1/tasks/{id}/complete"),
        Some(&user.token),
        &[],
        None,
    );
    system.settle();
    assert_eq!(reminders_of(app, &user, id)[0]["status"], "canceled");
    assert!(job_due(&system, rid).is_none(), "the job is deleted");
    let canceled: Vec<Value> = system
        .sidecar()
        .published("reminders")
        .into_iter()
        .filter(|e| e["type"] == "reminders.canceled")
        .collect();
    assert_eq!(canceled.len(), 1);
    clock.advance(Duration::from_secs(2 * 3600));
    std::thread::sleep(Duration::from_millis(300));
    system.settle();
    assert!(app.notifications(&user).is_empty());
}

fn moving_the_due_date_moves_the_reminder(backend: Backend) {
    let (system, _clock) = start(backend);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    let due = (now_ms() / 1000 + 2 * 3600) * 1000;
    let task = app.create_task(&user, json!({"title": "Dentist", "dueAt": iso(due)}));
    let id = task["id"].as_str().unwrap();
    let reminder = add_reminder(app, &user, id, json!({"before": "15m"}));
    let rid = reminder["id"].as_str().unwrap();
    assert_eq!(reminder["fireAt"], iso(due - 15 * MIN).as_str());
    system.settle();
    let moved = due + HOUR;
    let r = app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        Some(&user.token),
        &json!({"dueAt": iso(moved)}),
    );
    assert_eq!(r.status, 200);
    system.settle();
    assert_eq!(
        reminders_of(app, &user, id)[0]["fireAt"],
        iso(moved - 15 * MIN).as_str()
    );
    let job = job_due(&system, rid).expect("job still there");
    let job_at = chrono::DateTime::parse_from_rfc3339(&job)
        .unwrap()
        .timestamp_millis();
    assert_eq!(job_at, moved - 15 * MIN, "the job moved with the due date");
}

fn webhook_failing_twice_then_succeeding_is_delivered_once(backend: Backend) {
    let (system, clock) = start(backend);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    let hook = Receiver::start(2);
    set_webhook(app, &user, &hook.url);
    let task = app.create_task(
        &user,
        json!({"title": "Flaky hook", "dueAt": iso(now_ms() + 3 * HOUR)}),
    );
    let id = task["id"].as_str().unwrap();
    let reminder = add_reminder(app, &user, id, json!({"at": iso(now_ms() + HOUR)}));
    system.settle();
    pass_fire_time(&clock, &reminder);
    system.wait_for(Duration::from_secs(5), || {
        let n = app.notifications(&user);
        let d = n.first()?["deliveries"].as_array()?.clone();
        d.iter()
            .any(|a| a["channel"] == "webhook" && a["status"] == "delivered")
            .then_some(())
    });
    system.settle();
    let requests = hook.requests();
    assert_eq!(requests.len(), 3, "two failures, then one success");
    assert_eq!(
        requests.iter().filter(|r| r.answered == 200).count(),
        1,
        "delivered once"
    );
    let n = &app.notifications(&user)[0];
    assert_eq!(
        delivery_attempts(n, "webhook"),
        [(1, "failed"), (2, "failed"), (3, "delivered")].map(|(a, s)| (a, s.to_string()))
    );
    assert_eq!(app.notifications(&user).len(), 1);
    assert_eq!(reminders_of(app, &user, id)[0]["status"], "delivered");
}

fn a_restart_between_scheduling_and_firing_still_fires(backend: Backend) {
    let (mut system, clock) = start(backend);
    let user = system.app.sign_up();
    no_default_reminder(&system.app, &user);
    let task = system.app.create_task(
        &user,
        json!({"title": "Survive restart", "dueAt": iso(now_ms() + 3 * HOUR)}),
    );
    let id = task["id"].as_str().unwrap().to_string();
    let reminder = add_reminder(&system.app, &user, &id, json!({"at": iso(now_ms() + HOUR)}));
    system.settle();
    system.restart();
    assert_eq!(
        system.sidecar().jobs().len(),
        1,
        "the job survived the restart"
    );
    pass_fire_time(&clock, &reminder);
    system.wait_for(Duration::from_secs(3), || {
        (system.app.notifications(&user).len() == 1).then_some(())
    });
    system.settle();
    assert_eq!(
        reminders_of(&system.app, &user, &id)[0]["status"],
        "delivered"
    );
}

fn reminders_are_validated(backend: Backend) {
    let (system, _clock) = start(backend);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    let t = Some(user.token.as_str());
    let no_due = app.create_task(&user, json!({"title": "No due"}));
    let nid = no_due["id"].as_str().unwrap();
    let path = format!("/api/v1/tasks/{nid}/reminders");
    assert_eq!(
        app.send_json("POST", &path, t, &json!({"before": "15m"}))
            .error_code(400),
        "task_has_no_due_time"
    );
    assert_eq!(
        app.send_json("POST", &path, t, &json!({"at": iso(now_ms() - HOUR)}))
            .error_code(400),
        "reminder_in_past"
    );
    app.send_json("POST", &path, t, &json!({"at": "tomorrow"}))
        .error_code(400);
    for _ in 0..3 {
        add_reminder(app, &user, nid, json!({"at": iso(now_ms() + HOUR)}));
    }
    assert_eq!(
        app.send_json("POST", &path, t, &json!({"at": iso(now_ms() + HOUR)}))
            .error_code(400),
        "too_many_reminders"
    );
    let other = app.sign_up();
    app.get(&path, Some(&other.token)).error_code(404);
    app.send_json(
        "POST",
        &path,
        Some(&other.token),
        &json!({"at": iso(now_ms() + HOUR)}),
    )
    .error_code(404);
    // Cancel and snooze.
    let rid = reminders_of(app, &user, nid)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let canceled = app.request("DELETE", &format!("/api/v1/reminders/{rid}"), t, &[], None);
    assert_eq!(canceled.json()["status"], "canceled");
    let snoozed = app.send_json(
        "POST",
        &format!("/api/v1/reminders/{rid}/snooze"),
        t,
        &json!({"minutes": 10}),
    );
    assert_eq!(snoozed.error_code(409), "reminder_state");
    app.request(
        "DELETE",
        &format!("/api/v1/reminders/{rid}"),
        Some(&other.token),
        &[],
        None,
    )
    .error_code(404);
}

fn set_timezone(app: &TestApp, user: &User, tz: &str) {
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"timezone": tz}),
    );
    assert_eq!(r.status, 200);
}

fn open_tasks(app: &TestApp, user: &User) -> Vec<Value> {
    app.list_all(user, "status=open&sort=due")
}

fn completing_a_weekly_task_creates_exactly_one_next_instance(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    set_timezone(app, &user, "Europe/Berlin");
    // Monday 2030-03-25 07:00 in Berlin (CET, UTC+1); the next Monday,
    // 2030-04-01, is after the switch to summer time on 31 March (UTC+2).
    let task = app.create_task(
        &user,
        json!({
            "title": "Exercise", "dueAt": "2030-03-25T07:00:00+01:00",
            "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO"}
        }),
    );
    assert_eq!(task["recurrence"]["rrule"], "FREQ=WEEKLY;BYDAY=MO");
    assert_eq!(task["recurrence"]["timezone"], "Europe/Berlin");
    let id = task["id"].as_str().unwrap();
    app.complete_task(&user, id);
    system.settle();
    let open = open_tasks(app, &user);
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["title"], "Exercise");
    assert_eq!(
        open[0]["dueAt"], "2030-04-01T05:00:00.000Z",
        "07:00 in Berlin, summer time"
    );
    assert_eq!(open[0]["seriesId"], task["seriesId"]);
    // Redelivering the completion creates nothing more.
    let completion = system
        .sidecar()
        .published("tasks-lifecycle")
        .into_iter()
        .find(|e| e["type"] == "tasks.completed")
        .unwrap();
    system.publish_raw(
        "tasks-lifecycle",
        "application/cloudevents+json",
        completion.to_string().into_bytes(),
        &user.id,
    );
    let mut again = completion.clone();
    again["id"] = json!("same-completion-new-id");
    system.publish_raw(
        "tasks-lifecycle",
        "application/cloudevents+json",
        again.to_string().into_bytes(),
        &user.id,
    );
    system.settle();
    assert_eq!(open_tasks(app, &user).len(), 1);
    assert_eq!(
        app.list_all(&user, "").len(),
        2,
        "the completed instance is untouched"
    );
    let series = app.get("/api/v1/recurrences", Some(&user.token)).json();
    assert_eq!(series["items"][0]["instances"].as_array().unwrap().len(), 2);
}

fn a_stopped_series_creates_no_more_instances(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    let t = Some(user.token.as_str());
    let task = app.create_task(
        &user,
        json!({
            "title": "Standup", "dueAt": iso(now_ms() + HOUR),
            "recurrence": {"rrule": "FREQ=DAILY;COUNT=3", "timezone": "UTC"}
        }),
    );
    let series_id = task["seriesId"].as_str().unwrap();
    let stopped = app.request(
        "POST",
        &format!("/api/v1/recurrences/{series_id}/stop"),
        t,
        &[],
        None,
    );
    assert_eq!(stopped.json()["status"], "stopped");
    app.request(
        "POST",
        &format!("/api/v1/tasks/{}/complete", task["id"].as_str().unwrap()),
        t,
        &[],
        None,
    );
    system.settle();
    assert!(open_tasks(app, &user).is_empty(), "no new instance");
    assert_eq!(app.list_all(&user, "").len(), 1, "the existing one is kept");
    // Resuming creates the next one; COUNT=3 ends the series after three.
    let resumed = app.request(
        "POST",
        &format!("/api/v1/recurrences/{series_id}/resume"),
        t,
        &[],
        None,
    );
    assert_eq!(resumed.json()["status"], "active");
    system.settle();
    for _ in 0..3 {
        let open = open_tasks(app, &user);
        if open.is_empty() {
            break;
        }
        app.request(
            "POST",
            &format!("/api/v1/tasks/{}/complete", open[0]["id"].as_str().unwrap()),
            t,
            &[],
            None,
        );
        system.settle();
    }
    assert_eq!(app.list_all(&user, "").len(), 3, "COUNT=3");
    let series = app.get("/api/v1/recurrences", t).json();
    assert_eq!(series["items"][0]["status"], "ended");
}

fn an_existing_task_starts_changes_and_stops_repeating(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    no_default_reminder(app, &user);
    let t = Some(user.token.as_str());
    let task = app.create_task(
        &user,
        json!({"title": "Water the plants", "dueAt": "2030-05-06T07:00:00Z"}),
    );
    let id = task["id"].as_str().unwrap();
    let patch = |task_id: &str, body: Value| {
        app.send_json("PATCH", &format!("/api/v1/tasks/{task_id}"), t, &body)
    };
    let complete = |task_id: &str| {
        let r = app.request(
            "POST",
            &format!("/api/v1/tasks/{task_id}/complete"),
            t,
            &[],
            None,
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        system.settle();
    };

    // A rule the engine refuses changes nothing.
    let bad = patch(id, json!({"recurrence": {"rrule": "FREQ=SOMETIMES"}}));
    assert_eq!(bad.error_code(400), "validation_failed");
    patch(id, json!({"recurrence": 5})).error_code(400);
    assert!(app.get("/api/v1/recurrences", t).json()["items"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{id}"), t).json()["version"],
        1
    );

    // Start repeating: the task becomes the first instance of a series.
    let started = patch(
        id,
        json!({"recurrence": {"rrule": "FREQ=WEEKLY", "timezone": "UTC"}, "version": 1}),
    );
    assert_eq!(
        started.status,
        200,
        "{}",
        String::from_utf8_lossy(&started.body)
    );
    let started = started.json();
    assert_eq!(started["recurrence"]["rrule"], "FREQ=WEEKLY");
    assert_eq!(started["version"], 2);
    let series_id = started["seriesId"].as_str().unwrap().to_string();
    assert_eq!(
        started["dueAt"], "2030-05-06T07:00:00.000Z",
        "due time kept"
    );
    let updated = system
        .sidecar()
        .published("tasks-lifecycle")
        .into_iter()
        .rfind(|e| e["type"] == "tasks.updated" && e["subject"] == id)
        .unwrap();
    assert_eq!(updated["data"]["changes"]["recurrence"]["old"], Value::Null);
    assert_eq!(
        updated["data"]["changes"]["recurrence"]["new"]["rrule"],
        "FREQ=WEEKLY"
    );
    complete(id);
    let open = open_tasks(app, &user);
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["dueAt"], "2030-05-13T07:00:00.000Z", "a week later");
    assert_eq!(open[0]["seriesId"], series_id.as_str());

    // Change the rule on the open instance: the next one follows it.
    let second = open[0]["id"].as_str().unwrap().to_string();
    let daily = patch(&second, json!({"recurrence": {"rrule": "FREQ=DAILY"}}));
    assert_eq!(
        daily.status,
        200,
        "{}",
        String::from_utf8_lossy(&daily.body)
    );
    assert_eq!(daily.json()["recurrence"]["rrule"], "FREQ=DAILY");
    complete(&second);
    let open = open_tasks(app, &user);
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["dueAt"], "2030-05-14T07:00:00.000Z", "a day later");

    // Stop repeating: the task stays, detached; the series stops.
    let third = open[0]["id"].as_str().unwrap().to_string();
    let stopped = patch(&third, json!({"recurrence": null}));
    assert_eq!(
        stopped.status,
        200,
        "{}",
        String::from_utf8_lossy(&stopped.body)
    );
    let stopped = stopped.json();
    assert_eq!(stopped["recurrence"], Value::Null);
    assert_eq!(stopped["seriesId"], Value::Null);
    assert_eq!(stopped["dueAt"], "2030-05-14T07:00:00.000Z");
    let series = app.get("/api/v1/recurrences", t).json();
    assert_eq!(series["items"][0]["status"], "stopped");
    complete(&third);
    assert!(open_tasks(app, &user).is_empty(), "no new instance");
    assert_eq!(app.list_all(&user, "").len(), 3, "every instance is kept");
    // Stopping a task that does not repeat changes nothing.
    let again = patch(&third, json!({"recurrence": null}));
    assert_eq!(again.status, 200);
    assert_eq!(
        again.json()["version"],
        stopped["version"].as_i64().unwrap() + 1
    );
}

fn a_task_that_gets_a_due_time_gets_the_default_reminder(backend: Backend) {
    let (system, _clock) = start(backend);
    let app = &system.app;
    let user = app.sign_up();
    let settings = app.get("/api/v1/settings", Some(&user.token)).json();
    assert_eq!(
        settings["defaultReminderMinutes"], 15,
        "new accounts: 15 minutes"
    );
    let due = now_ms() + 3 * HOUR;
    let task = app.create_task(&user, json!({"title": "Call the bank", "dueAt": iso(due)}));
    let id = task["id"].as_str().unwrap();
    let (found, _) = system.wait_for(std::time::Duration::from_secs(5), || {
        let rs = reminders_of(app, &user, id);
        (rs.len() == 1).then(|| rs[0].clone())
    });
    assert_eq!(found["beforeMinutes"], 15);
    assert_eq!(found["fireAt"], iso(due - 15 * MIN));
    // Asking for the same reminder again gives the one already there.
    let again = add_reminder(app, &user, id, json!({"before": "15m"}));
    assert_eq!(again["id"], found["id"]);
    assert_eq!(reminders_of(app, &user, id).len(), 1);
    // Removed by the user, it stays removed when the task changes.
    let r = app.request(
        "DELETE",
        &format!("/api/v1/reminders/{}", found["id"].as_str().unwrap()),
        Some(&user.token),
        &[],
        None,
    );
    assert_eq!(r.json()["status"], "canceled");
    app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        Some(&user.token),
        &json!({"title": "Call the bank back", "dueAt": iso(due + HOUR)}),
    );
    system.settle();
    let pending: Vec<Value> = reminders_of(app, &user, id)
        .into_iter()
        .filter(|r| r["status"] == "scheduled")
        .collect();
    assert!(pending.is_empty(), "{pending:?}");
    // A task without a date gets one when it gets a due time, with the
    // user's own default; none when the default is off.
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"defaultReminderMinutes": 60}),
    );
    assert_eq!(r.status, 200);
    let later = app.create_task(&user, json!({"title": "Renew passport"}));
    let later_id = later["id"].as_str().unwrap();
    system.settle();
    assert!(reminders_of(app, &user, later_id).is_empty());
    app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{later_id}"),
        Some(&user.token),
        &json!({"dueAt": iso(due)}),
    );
    let (found, _) = system.wait_for(std::time::Duration::from_secs(5), || {
        reminders_of(app, &user, later_id).first().cloned()
    });
    assert_eq!(found["beforeMinutes"], 60);
    no_default_reminder(app, &user);
    let none = app.create_task(&user, json!({"title": "No nudge", "dueAt": iso(due)}));
    system.settle();
    assert!(reminders_of(app, &user, none["id"].as_str().unwrap()).is_empty());
    // Due sooner than the default: no reminder in the past.
    app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"defaultReminderMinutes": 15}),
    );
    let soon = app.create_task(
        &user,
        json!({"title": "Soon", "dueAt": iso(now_ms() + 5 * MIN)}),
    );
    system.settle();
    assert!(reminders_of(app, &user, soon["id"].as_str().unwrap()).is_empty());
    let bad = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"defaultReminderMinutes": -5}),
    );
    assert_eq!(bad.error_code(400), "validation_failed");
}
