//! The data's life end to end. Retention: the compiled retention sweep
//! prunes what is past its window and keeps the rest, on both backends;
//! idempotency keys still deduplicate inside their window; the change feed
//! answers 410 cursor_expired to a cursor whose changes were pruned.
//! Timestamps are moved into the past directly in the database, since the
//! components read the real clock. Backups: a PostgreSQL database the app
//! wrote survives pg_dump and pg_restore, and the app serves it as before.

use integration_tests::system::System;
use integration_tests::{Backend, HostSetup, TestApp, User};
use serde_json::{json, Value};
use store::retention::{PROCESSED_EVENTS_MS, READ_NOTIFICATIONS_MS};

integration_tests::on_both_backends!(
    old_rows_are_pruned_and_recent_ones_kept,
    a_processed_event_inside_its_window_is_still_deduplicated,
    an_expired_cursor_gets_410_and_a_current_one_does_not,
    the_cron_route_answers_the_way_the_sidecar_expects,
);

const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    domain::time::now_ms()
}

/// POSTs the cron route as the sidecar does on each tick; answers the report.
fn sweep(system: &System) -> Value {
    let r = system.app.internal("POST", "/cron/retention", None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn create(system: &System, user: &User, title: &str) -> String {
    let t = system.app.create_task(user, json!({ "title": title }));
    t["id"].as_str().unwrap().to_string()
}

fn old_rows_are_pruned_and_recent_ones_kept(backend: Backend) {
    // No sidecar: nothing is published or consumed behind the test's back.
    let system = System::start(backend, false);
    let user = system.app.sign_up();
    let old_task = create(&system, &user, "old");
    let new_task = create(&system, &user, "new");
    let now = now_ms();
    let u = &user.id;
    system.execute(&format!(
            "-- sent 8 days ago (gone), sent 6 days ago (kept), and one never sent (kept)
             UPDATE outbox SET published_at = {old}, created_at = {old} WHERE task_id = '{old_task}';
             UPDATE outbox SET published_at = {recent}, created_at = {recent} WHERE task_id = '{new_task}';
             INSERT INTO outbox (id, topic, event_type, user_id, task_id, payload, created_at, published_at, attempts)
               VALUES ('unsent-old', 'tasks-lifecycle', 'tasks.created', '{u}', 'x', '{{}}', {ancient}, NULL, 3);
             -- idempotency keys 15 and 13 days old
             INSERT INTO processed_events (consumer, event_id, processed_at) VALUES
               ('test-consumer', 'beyond', {pe_old}), ('test-consumer', 'inside', {pe_new});
             -- the old task's change 8 days old, the new one's 6
             UPDATE changes SET created_at = {old} WHERE user_id = '{u}' AND entity_id = '{old_task}';
             UPDATE changes SET created_at = {recent} WHERE user_id = '{u}' AND entity_id = '{new_task}';
             -- sessions: expired a second ago (gone), valid for a minute (kept)
             INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at) VALUES
               ('s-expired', '{u}', {ancient}, {expired}, NULL), ('s-valid', '{u}', {now}, {valid}, NULL);
             -- notifications: read 31 days ago (gone with its attempt), read 29
             -- days ago (kept), never read though 100 days old (kept)
             INSERT INTO notifications (id, user_id, reminder_id, task_id, title, body, created_at, read_at) VALUES
               ('n-read-long-ago', '{u}', 'r1', 'x', 't', 'b', {ancient}, {read_old}),
               ('n-read-lately', '{u}', 'r2', 'x', 't', 'b', {ancient}, {read_new}),
               ('n-unread', '{u}', 'r3', 'x', 't', 'b', {ancient}, NULL);
             INSERT INTO notification_attempts (notification_id, channel, attempt, status, http_status, error, at) VALUES
               ('n-read-long-ago', 'in_app', 1, 'delivered', NULL, NULL, {ancient}),
               ('n-read-lately', 'in_app', 1, 'delivered', NULL, NULL, {ancient});",
            old = now - 8 * DAY_MS,
            recent = now - 6 * DAY_MS,
            ancient = now - 100 * DAY_MS,
            pe_old = now - PROCESSED_EVENTS_MS - DAY_MS,
            pe_new = now - PROCESSED_EVENTS_MS + DAY_MS,
            expired = now - 1_000,
            valid = now + 60_000,
            read_old = now - READ_NOTIFICATIONS_MS - DAY_MS,
            read_new = now - READ_NOTIFICATIONS_MS + DAY_MS,
        ),
    );
    let old_outbox = system.count(&format!(
        "SELECT COUNT(*) FROM outbox WHERE task_id = '{old_task}'"
    ));
    assert!(old_outbox > 0);

    let report = sweep(&system);
    assert_eq!(report["outbox"], old_outbox, "{report}");
    assert_eq!(report["processedEvents"], 1, "{report}");
    assert_eq!(report["changes"], 1, "{report}");
    assert_eq!(report["sessions"], 1, "{report}");
    assert_eq!(report["notifications"], 1, "{report}");
    assert_eq!(report["notificationAttempts"], 1, "{report}");

    let count = |sql: &str| system.count(sql);
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE task_id = '{old_task}'"
        )),
        0
    );
    assert!(
        count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE task_id = '{new_task}'"
        )) > 0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM outbox WHERE id = 'unsent-old'"),
        1,
        "the relay still needs unsent rows, however old"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM processed_events WHERE consumer = 'test-consumer'"),
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM processed_events WHERE event_id = 'inside'"),
        1
    );
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM changes WHERE user_id = '{u}' AND entity_id = '{new_task}'"
        )),
        1
    );
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM changes WHERE user_id = '{u}'"
        )),
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM sessions WHERE id IN ('s-expired', 's-valid')"),
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM sessions WHERE id = 's-valid'"),
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM notifications WHERE id IN ('n-read-lately', 'n-unread')"),
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM notifications WHERE id = 'n-read-long-ago'"),
        0
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM notification_attempts WHERE notification_id = 'n-read-long-ago'"
        ),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM notification_attempts WHERE notification_id = 'n-read-lately'"),
        1
    );
    // The user's own session (not expired) still works.
    assert_eq!(
        system.app.get("/api/v1/auth/me", Some(&user.token)).status,
        200
    );

    // A second tick finds nothing more to do.
    let again = sweep(&system);
    for key in [
        "outbox",
        "processedEvents",
        "changes",
        "sessions",
        "notifications",
    ] {
        assert_eq!(again[key], 0, "{again}");
    }
}

fn a_processed_event_inside_its_window_is_still_deduplicated(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let due = domain::time::format_ms(now_ms() - 2 * DAY_MS);
    let inside = app.create_task(&user, json!({ "title": "inside", "dueAt": due }));
    let beyond = app.create_task(&user, json!({ "title": "beyond", "dueAt": due }));
    system.settle();
    let created = |task: &Value| -> Value {
        let id = task["id"].as_str().unwrap();
        system
            .sidecar()
            .published("tasks-lifecycle")
            .into_iter()
            .find(|e| e["type"] == "tasks.created" && e["subject"] == id)
            .expect("tasks.created published")
    };
    let (e_inside, e_beyond) = (created(&inside), created(&beyond));
    let (id_inside, id_beyond) = (
        e_inside["id"].as_str().unwrap().to_string(),
        e_beyond["id"].as_str().unwrap().to_string(),
    );
    let key_count = |id: &str| {
        system.count(&format!(
            "SELECT COUNT(*) FROM processed_events WHERE event_id = '{id}'"
        ))
    };
    let consumers = key_count(&id_inside);
    assert!(consumers > 0, "the agents recorded the event");
    let (t_inside, t_beyond) = (
        now_ms() - PROCESSED_EVENTS_MS + DAY_MS,
        now_ms() - PROCESSED_EVENTS_MS - DAY_MS,
    );
    system.execute(&format!(
        "UPDATE processed_events SET processed_at = {t_inside} WHERE event_id = '{id_inside}';
             UPDATE processed_events SET processed_at = {t_beyond} WHERE event_id = '{id_beyond}';"
    ));

    assert_eq!(system.trigger("retention"), 200);
    assert_eq!(key_count(&id_inside), consumers, "inside the window: kept");
    assert_eq!(key_count(&id_beyond), 0, "beyond the window: pruned");

    // The broker hands the event that is 13 days old in again.
    let status = system.publish_raw(
        "tasks-lifecycle",
        "application/cloudevents+json",
        e_inside.to_string().into_bytes(),
        &user.id,
    );
    assert_eq!(status, 204);
    system.settle();
    let redelivered = system
        .sidecar()
        .deliveries()
        .into_iter()
        .filter(|d| d.id == id_inside && d.path == "/events/overdue")
        .count();
    assert_eq!(redelivered, 2, "delivered again to the overdue agent");
    // Deduplicated by its key: the record was found, not written anew.
    assert_eq!(
        system.count(&format!(
            "SELECT processed_at FROM processed_events
             WHERE consumer = 'overdue-agent' AND event_id = '{id_inside}'"
        )),
        t_inside
    );
    let r = app.get("/api/v1/suggestions?status=all", Some(&user.token));
    let overdue_inside = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["type"] == "overdue" && s["taskId"] == inside["id"])
        .count();
    assert_eq!(overdue_inside, 1);
}

fn an_expired_cursor_gets_410_and_a_current_one_does_not(backend: Backend) {
    let system = System::start(backend, false);
    let app = &system.app;
    let user = app.sign_up();
    let token = Some(user.token.as_str());
    let first = create(&system, &user, "one");
    create(&system, &user, "two");
    create(&system, &user, "three");
    let latest = app.get("/api/v1/changes", token).json()["cursor"]
        .as_i64()
        .unwrap();
    assert_eq!(latest, 3);
    // A bystander whose feed is all recent.
    let other = app.sign_up();
    create(&system, &other, "theirs");

    // The first two changes are 8 days old and go.
    system.execute(&format!(
        "UPDATE changes SET created_at = {} WHERE user_id = '{}' AND seq <= 2",
        now_ms() - 8 * DAY_MS,
        user.id
    ));
    assert_eq!(sweep(&system)["changes"], 2);

    for since in [0, 1] {
        let r = app.get(&format!("/api/v1/changes?since={since}"), token);
        assert_eq!(r.error_code(410), "cursor_expired");
        assert_eq!(r.json()["error"]["details"]["cursor"], latest);
        let r = app.get(&format!("/api/v1/changes?since={since}&wait=1"), token);
        assert_eq!(r.error_code(410), "cursor_expired");
    }
    // Cursor 2 still gets everything after it.
    let r = app.get("/api/v1/changes?since=2", token);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["seq"], 3);
    let r = app.get("/api/v1/changes?since=3", token);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["items"], json!([]));
    assert_eq!(
        app.get("/api/v1/changes?since=0", Some(&other.token))
            .status,
        200
    );

    // Server-sent events: the 410 comes before any stream.
    let sse = |headers: &[(&str, &str)], query: &str| {
        let mut req = app
            .http
            .get(format!("{}/api/v1/changes{query}", app.base))
            .bearer_auth(&user.token)
            .header("accept", "text/event-stream");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().unwrap()
    };
    let refused = sse(&[], "?since=1");
    assert_eq!(refused.status(), 410);
    assert_eq!(
        refused.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body: Value = refused.json().unwrap();
    assert_eq!(body["error"]["code"], "cursor_expired");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(sse(&[("last-event-id", "0")], "").status(), 410);
    // A current cursor streams (the response is dropped after the head).
    let streaming = sse(&[("last-event-id", "2")], "");
    assert_eq!(streaming.status(), 200);
    assert!(streaming.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    drop(streaming);

    // Everything pruned: a cursor behind the latest is expired, the latest
    // itself is not, and a start without a cursor gives the latest.
    system.execute(&format!(
        "UPDATE changes SET created_at = {} WHERE user_id = '{}'",
        now_ms() - 8 * DAY_MS,
        user.id
    ));
    assert_eq!(sweep(&system)["changes"], 1);
    assert_eq!(
        app.get("/api/v1/changes?since=2", token).error_code(410),
        "cursor_expired"
    );
    let r = app.get("/api/v1/changes?since=3", token);
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({ "items": [], "cursor": 3 }));
    assert_eq!(app.get("/api/v1/changes", token).json()["cursor"], 3);
    // The client reloads and resumes from there; new changes arrive again.
    app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{first}"),
        token,
        &json!({ "title": "one, renamed" }),
    );
    let r = app.get("/api/v1/changes?since=3", token);
    assert_eq!(r.json()["items"][0]["seq"], 4);
}

fn the_cron_route_answers_the_way_the_sidecar_expects(backend: Backend) {
    let system = System::start(backend, true);
    // The sidecar probes the route with OPTIONS, then POSTs each tick.
    let probe = system.app.internal("OPTIONS", "/cron/retention", None);
    assert_eq!(probe.status, 200);
    assert_eq!(probe.json()["binding"], "retention");
    let report = sweep(&system);
    for key in [
        "outbox",
        "processedEvents",
        "changes",
        "sessions",
        "notifications",
        "notificationAttempts",
        "oauth",
        "mcpCalls",
    ] {
        assert!(report[key].is_u64(), "{key} in {report}");
    }
    assert!(report["ms"].is_number(), "{report}");
    // Any other method is a JSON 405, not a server fault.
    let r = system.app.get("/cron/retention", None);
    assert_eq!(r.error_code(405), "method_not_allowed");
    // Through the sidecar, from the project's own dapr/bindings.yaml: the
    // binding is loaded for the scheduler app id only (cron bindings fire
    // on every replica), and its probe subscribed the route.
    assert_eq!(system.trigger("retention"), 200);
    let fire = |app_id: &str| {
        system
            .runtime
            .block_on(system.sidecar().trigger_binding_for(app_id, "retention"))
    };
    assert_eq!(fire("scheduler").unwrap(), 200);
    assert!(fire("api").is_err(), "scoped to the scheduler app id");
}

/// The logical backup of k8s/README.md ("Backups") on a database the app
/// wrote: `pg_dump` in the custom format, `pg_restore` into a fresh
/// database, and the app started on the copy serves the same user the same
/// tasks, reminders and repeating series; the user signs in with the same
/// password, and the copy takes new writes.
#[test]
fn a_postgres_dump_restored_into_a_fresh_database_serves_the_same_tasks() {
    let system = System::start(Backend::Postgres, false);
    let app = &system.app;
    let user = app.sign_up();
    let due = domain::time::format_ms(now_ms() + 3 * DAY_MS);
    let planned = app.create_task(
        &user,
        json!({"title": "Submit report", "description": "Q3 numbers", "priority": "high",
               "tags": ["work", "finance"], "dueAt": due}),
    );
    let planned_id = planned["id"].as_str().unwrap().to_string();
    let reminder = app.send_json(
        "POST",
        &format!("/api/v1/tasks/{planned_id}/reminders"),
        Some(&user.token),
        &json!({"before": "30m"}),
    );
    assert_eq!(
        reminder.status,
        201,
        "{}",
        String::from_utf8_lossy(&reminder.body)
    );
    app.create_task(
        &user,
        json!({"title": "Exercise", "dueAt": due,
               "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO", "timezone": "Europe/Berlin"}}),
    );
    let done = create(&system, &user, "Old chore");
    app.complete_task(&user, &done);
    for i in 0..30 {
        create(&system, &user, &format!("Backlog item {i}"));
    }
    let served = |app: &TestApp, user: &User| {
        let tasks = app.list_all(user, "status=all&limit=100");
        let reminders = app.get(
            &format!("/api/v1/tasks/{planned_id}/reminders"),
            Some(&user.token),
        );
        assert_eq!(reminders.status, 200);
        let series = app.get("/api/v1/recurrences", Some(&user.token));
        assert_eq!(series.status, 200);
        (
            tasks,
            reminders.json()["items"].clone(),
            series.json()["items"].clone(),
        )
    };
    let before = served(app, &user);
    assert_eq!(before.0.len(), 33);
    assert_eq!(before.1.as_array().unwrap().len(), 1);
    assert_eq!(before.2.as_array().unwrap().len(), 1);

    let dump = tempfile::tempdir().unwrap();
    let file = dump.path().join("tasks.dump");
    run(std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(&file)
        .arg(format!("--dbname={}", system.db_url)));
    let copy = integration_tests::pg::fresh_database("restore");
    run(std::process::Command::new("pg_restore")
        .args(["--no-owner", "--no-privileges", "--exit-on-error"])
        .arg(format!("--dbname={copy}"))
        .arg(&file));

    let restored = TestApp::new(
        integration_tests::start_host(HostSetup::new(Backend::Postgres, &copy)),
        Backend::Postgres,
    );
    assert_eq!(
        served(&restored, &user),
        before,
        "the same data, to the same session"
    );
    let signin = restored.sign_in(&user);
    assert_eq!(
        signin.status,
        200,
        "{}",
        String::from_utf8_lossy(&signin.body)
    );
    let added = restored.create_task(&user, json!({"title": "After the restore"}));
    assert_eq!(restored.list_all(&user, "status=all&limit=100").len(), 34);
    // The copy is its own database: the original does not see the new task.
    assert!(!app
        .list_all(&user, "status=all&limit=100")
        .iter()
        .any(|t| t["id"] == added["id"]));
}

fn run(command: &mut std::process::Command) {
    let out = command.output().unwrap_or_else(|e| {
        panic!("{command:?}: {e} (scripts/test.sh installs the PostgreSQL client)")
    });
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
