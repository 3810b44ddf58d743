//! The event path end to end: the compiled components publish through the
//! outbox to the embedded Dapr-compatible sidecar, which delivers to the
//! compiled agents per the project's own subscriptions and resiliency
//! policy. Each test starts its own system.

use integration_tests::system::System;
use integration_tests::{Backend, TestApp, User};
use serde_json::{json, Value};
use std::time::Duration;

integration_tests::on_both_backends!(
    overdue_suggestion_within_two_seconds,
    same_event_twice_gives_one_suggestion,
    relay_delivers_what_was_published_while_the_sidecar_was_down,
    poison_event_is_dead_lettered_and_recorded,
    one_users_events_are_handled_in_order,
    agents_off_means_no_suggestions,
    sweep_catches_what_events_missed_without_duplicates,
    prioritization_flags_an_overloaded_week,
    completing_resolves_and_accepting_reschedules,
    suggestions_are_rate_limited_per_user,
    metrics_after_a_scripted_scenario,
    list_changes_are_published,
);

const DAY_MS: i64 = 86_400_000;

fn iso(ms: i64) -> String {
    domain::time::format_ms(ms)
}

fn now_ms() -> i64 {
    domain::time::now_ms()
}

fn suggestions(app: &TestApp, user: &User, query: &str) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/suggestions{query}"), Some(&user.token));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["items"].as_array().unwrap().clone()
}

fn overdue_for<'a>(items: &'a [Value], task_id: &str) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|s| s["type"] == "overdue" && s["taskId"] == task_id)
        .collect()
}

fn published_of_type(system: &System, kind: &str, task_id: &str) -> Vec<Value> {
    system
        .sidecar()
        .published("tasks-lifecycle")
        .into_iter()
        .filter(|e| e["type"] == kind && e["subject"] == task_id)
        .collect()
}

fn overdue_suggestion_within_two_seconds(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    // India has no daylight saving time: the expected local time is simple.
    let zone = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"timezone": "Asia/Kolkata"}),
    );
    assert_eq!(zone.status, 200, "{}", String::from_utf8_lossy(&zone.body));
    let task = app.create_task(
        &user,
        json!({"title": "Submit report", "dueAt": iso(now_ms() - DAY_MS)}),
    );
    let id = task["id"].as_str().unwrap();
    let (found, took) = system.wait_for(Duration::from_secs(2), || {
        let items = suggestions(app, &user, "");
        overdue_for(&items, id).first().map(|s| (*s).clone())
    });
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert_eq!(found["status"], "open");
    assert!(found["message"].as_str().unwrap().contains("Submit report"));
    assert_eq!(found["action"]["type"], "reschedule");
    // The advice speaks the user's time: the new due time in Kolkata (+05:30).
    let new_due =
        domain::time::parse_instant("dueAt", found["action"]["dueAt"].as_str().unwrap()).unwrap();
    let local = domain::time::utc(new_due + 330 * 60_000)
        .format("%a %-d %b, %H:%M")
        .to_string();
    let message = found["message"].as_str().unwrap();
    assert!(
        message.contains("was due yesterday") || message.contains("was due earlier today"),
        "{message}"
    );
    assert!(
        message.contains(&format!("Move it to {local} ")),
        "{message}"
    );
    system.settle();
    // The agent published tasks.overdue, carrying the request's correlation id.
    let created = published_of_type(&system, "tasks.created", id);
    let overdue = published_of_type(&system, "tasks.overdue", id);
    assert_eq!((created.len(), overdue.len()), (1, 1));
    assert_eq!(
        overdue[0]["data"]["correlationId"],
        created[0]["data"]["correlationId"]
    );
    assert_eq!(
        system.count("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"),
        0
    );
}

fn same_event_twice_gives_one_suggestion(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let task = app.create_task(
        &user,
        json!({"title": "Late", "dueAt": iso(now_ms() - 3 * DAY_MS)}),
    );
    let id = task["id"].as_str().unwrap();
    system.settle();
    let original = published_of_type(&system, "tasks.created", id).remove(0);
    // Redeliver the very same CloudEvent (same id), as a broker would.
    for _ in 0..2 {
        let status = system.publish_raw(
            "tasks-lifecycle",
            "application/cloudevents+json",
            original.to_string().into_bytes(),
            &user.id,
        );
        assert_eq!(status, 204);
    }
    system.settle();
    assert_eq!(
        overdue_for(&suggestions(app, &user, "?status=all"), id).len(),
        1
    );
    assert_eq!(published_of_type(&system, "tasks.overdue", id).len(), 1);
    let event_id = original["id"].as_str().unwrap();
    let deliveries: Vec<_> = system
        .sidecar()
        .deliveries()
        .into_iter()
        .filter(|d| d.id == event_id && d.path == "/events/overdue")
        .collect();
    assert_eq!(deliveries.len(), 3, "delivered three times: {deliveries:?}");
    assert_eq!(
        system.count(&format!("SELECT COUNT(*) FROM processed_events WHERE consumer = 'overdue-agent' AND event_id = '{event_id}'")),
        1
    );
}

fn relay_delivers_what_was_published_while_the_sidecar_was_down(backend: Backend) {
    let mut system = System::start(backend, false);
    let user = system.app.sign_up();
    let mut ids = vec![];
    for i in 0..3 {
        let t = system.app.create_task(
            &user,
            json!({"title": format!("written while down {i}"), "dueAt": iso(now_ms() - DAY_MS)}),
        );
        ids.push(t["id"].as_str().unwrap().to_string());
    }
    // The client's requests succeeded; the events wait in the outbox.
    assert_eq!(
        system.count("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"),
        3
    );
    system.start_sidecar();
    // Past the relay's grace period, one tick publishes them.
    std::thread::sleep(Duration::from_millis(2_100));
    assert_eq!(system.trigger("outbox-relay"), 200);
    let (_, _) = system.wait_for(Duration::from_secs(5), || {
        let items = suggestions(&system.app, &user, "");
        ids.iter()
            .all(|id| overdue_for(&items, id).len() == 1)
            .then_some(())
    });
    system.settle();
    assert_eq!(
        system.count("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"),
        0
    );
    for id in &ids {
        assert_eq!(
            published_of_type(&system, "tasks.created", id).len(),
            1,
            "nothing lost, nothing doubled"
        );
    }
}

/// The operator's view of `poison-1`: listed, shown with its event,
/// replayed as it is (the sidecar delivers it again, it fails again and is
/// counted, not duplicated), corrected, replayed and handled exactly once
/// (a second replay changes nothing), discarded. Only with the admin token.
fn operate_on_the_dead_letter(system: &System, user: &integration_tests::User) {
    let app = &system.app;
    assert_eq!(
        app.get("/admin/dead-letters", Some(&user.token))
            .error_code(401),
        "unauthorized"
    );
    let list = app.admin("GET", "/admin/dead-letters");
    assert_eq!(list.status, 200);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert!(items.iter().any(|l| l["id"] == "poison-1"
        && l["topic"] == "tasks-lifecycle"
        && l["type"] == "tasks.created"
        && l["replays"] == 0));
    // The CLI (`spinhost dead-letters list`) reads the same.
    let cli = |operation: &str, id: Option<&str>, body: Option<Vec<u8>>| {
        let (method, path) = spinhost::admin::request_for(operation, id).unwrap();
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(spinhost::admin::call(
                &app.base,
                integration_tests::TEST_ADMIN_API_TOKEN,
                method,
                &path,
                body,
            ))
            .unwrap()
    };
    let (status, body) = cli("list", None, None);
    assert_eq!(status, 200);
    assert!(body.contains("poison-1"), "{body}");
    let shown = app.admin("GET", "/admin/dead-letters/poison-1");
    assert_eq!(shown.status, 200);
    let event = shown.json()["event"].clone();
    assert_eq!(event["id"], "poison-1");
    let deliveries = || {
        system
            .sidecar()
            .dead_letters()
            .iter()
            .filter(|d| d.event["id"] == "poison-1")
            .count()
    };
    let before = deliveries();
    let replayed = app.admin("POST", "/admin/dead-letters/poison-1/replay");
    assert_eq!(replayed.status, 202, "{}", replayed.json());
    assert_eq!(replayed.json()["replays"], 1);
    system.wait_for(Duration::from_secs(5), || {
        (deliveries() > before).then_some(())
    });
    assert_eq!(
        system.count("SELECT COUNT(*) FROM dead_letters WHERE id = 'poison-1'"),
        1,
        "dead-lettered again, recorded once"
    );
    assert_eq!(
        app.admin("GET", "/admin/dead-letters/poison-1/replay")
            .status,
        405
    );

    // The producer's bug was a missing taskId. The task it meant is
    // overdue, but nothing has told the agents: its due time was set
    // behind the app's back.
    let task = app.create_task(user, json!({"title": "meant by poison-1"}));
    let task_id = task["id"].as_str().unwrap().to_string();
    system.settle();
    system.execute(&format!(
        "UPDATE tasks SET due_at = {} WHERE id = '{task_id}'",
        now_ms() - DAY_MS
    ));
    let mut fixed = event.clone();
    fixed["data"]["taskId"] = json!(task_id);
    let put = |body: &Value, token: Option<&str>| {
        app.request(
            "PUT",
            "/admin/dead-letters/poison-1/event",
            token,
            &[],
            Some(("application/json", body.to_string().into_bytes())),
        )
    };
    assert_eq!(
        put(&fixed, Some(&user.token)).error_code(401),
        "unauthorized"
    );
    let admin = Some(integration_tests::TEST_ADMIN_API_TOKEN);
    for (field, value) in [
        ("id", json!("another-id")),
        ("type", json!("tasks.deleted")),
        ("specversion", json!("0.3")),
        ("source", json!("")),
    ] {
        let mut wrong = fixed.clone();
        wrong[field] = value;
        assert_eq!(
            put(&wrong, admin).error_code(400),
            "validation_failed",
            "{field}"
        );
    }
    assert_eq!(put(&json!([1]), admin).error_code(400), "validation_failed");
    assert_eq!(
        app.request(
            "PUT",
            "/admin/dead-letters/poison-1/event",
            admin,
            &[],
            Some(("application/json", b"{not json".to_vec())),
        )
        .error_code(400),
        "malformed_json"
    );
    assert_eq!(
        app.admin("GET", "/admin/dead-letters/poison-1").json()["event"]["data"]["taskId"],
        Value::Null,
        "a refused correction changes nothing"
    );
    // The CLI's `fix` sends the corrected event.
    let (status, body) = cli(
        "fix",
        Some("poison-1"),
        Some(fixed.to_string().into_bytes()),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.admin("GET", "/admin/dead-letters/poison-1").json()["event"]["data"]["taskId"],
        json!(task_id)
    );
    let handled = || {
        system.count(
            "SELECT COUNT(*) FROM processed_events WHERE event_id = 'poison-1' AND consumer = 'overdue-agent'",
        )
    };
    assert_eq!(handled(), 0);
    let before = deliveries();
    let (status, body) = cli("replay", Some("poison-1"), None);
    assert_eq!(status, 202, "{body}");
    system.wait_for(Duration::from_secs(5), || (handled() == 1).then_some(()));
    system.wait_for(Duration::from_secs(5), || {
        (overdue_for(&suggestions(app, user, ""), &task_id).len() == 1).then_some(())
    });
    // A second replay of the handled event is skipped by every consumer.
    assert_eq!(
        app.admin("POST", "/admin/dead-letters/poison-1/replay")
            .status,
        202
    );
    system.settle();
    assert_eq!(handled(), 1, "handled exactly once");
    assert_eq!(overdue_for(&suggestions(app, user, ""), &task_id).len(), 1);
    assert_eq!(
        deliveries(),
        before,
        "the corrected event is not dead-lettered"
    );
    assert_eq!(
        app.admin("GET", "/admin/dead-letters/poison-1").json()["replays"],
        3
    );

    assert_eq!(
        app.admin("DELETE", "/admin/dead-letters/poison-1").status,
        204
    );
    assert_eq!(
        app.admin("GET", "/admin/dead-letters/poison-1")
            .error_code(404),
        "not_found"
    );
    assert_eq!(
        app.admin("POST", "/admin/dead-letters/poison-1/replay")
            .status,
        404
    );
}

/// Publishes, as a producer with a bug would, a tasks.created event of the
/// user's without data.taskId: it can never be handled.
fn publish_poison(system: &System, id: &str, user_id: &str) {
    let poison = json!({
        "specversion": "1.0", "id": id, "type": "tasks.created", "source": "test",
        "datacontenttype": "application/json", "data": {"userId": user_id},
    });
    let status = system.publish_raw(
        "tasks-lifecycle",
        "application/cloudevents+json",
        poison.to_string().into_bytes(),
        user_id,
    );
    assert_eq!(status, 204);
}

fn poison_event_is_dead_lettered_and_recorded(backend: Backend) {
    let system = System::start(backend, true);
    let user = system.app.sign_up();
    publish_poison(&system, "poison-1", &user.id);
    system.wait_for(Duration::from_secs(5), || {
        (system.count("SELECT COUNT(*) FROM dead_letters WHERE id = 'poison-1'") == 1).then_some(())
    });
    system.settle();
    let letters = system.sidecar().dead_letters();
    assert!(
        letters.iter().any(|d| d.event["id"] == "poison-1"),
        "{letters:?}"
    );
    let topic = system.count(
        "SELECT COUNT(*) FROM dead_letters WHERE id = 'poison-1' AND topic = 'tasks-lifecycle'",
    );
    assert_eq!(topic, 1, "the letter names the topic it failed on");
    operate_on_the_dead_letter(&system, &user);
    // A healthy event for the same user still flows.
    let task = system.app.create_task(
        &user,
        json!({"title": "after poison", "dueAt": iso(now_ms() - DAY_MS)}),
    );
    system.wait_for(Duration::from_secs(2), || {
        (overdue_for(
            &suggestions(&system.app, &user, ""),
            task["id"].as_str().unwrap(),
        )
        .len()
            == 1)
            .then_some(())
    });
}

fn one_users_events_are_handled_in_order(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let task = app.create_task(&user, json!({"title": "v1"}));
    let id = task["id"].as_str().unwrap();
    let priorities = ["low", "high", "medium", "urgent"];
    for i in 0..12 {
        let r = app.send_json(
            "PATCH",
            &format!("/api/v1/tasks/{id}"),
            Some(&user.token),
            &json!({"title": format!("v{}", i + 2), "priority": priorities[i % 4]}),
        );
        assert_eq!(r.status, 200);
    }
    system.settle();
    let published: Vec<Value> = system.sidecar().published("tasks-lifecycle");
    let version_of = |event_id: &str| {
        published
            .iter()
            .find(|e| e["id"] == event_id)
            .map(|e| e["data"]["task"]["version"].as_i64().unwrap())
    };
    for route in ["/events/overdue", "/events/prioritization"] {
        let versions: Vec<i64> = system
            .sidecar()
            .deliveries()
            .into_iter()
            .filter(|d| d.path == route && d.attempt == 1)
            .filter_map(|d| version_of(&d.id))
            .collect();
        assert_eq!(
            versions,
            (1..=13).collect::<Vec<_>>(),
            "{route} saw the events in order"
        );
    }
}

fn agents_off_means_no_suggestions(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let off = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"agentsEnabled": false}),
    );
    assert_eq!(off.status, 200);
    for i in 0..3 {
        app.create_task(&user, json!({"title": format!("heavy {i}"), "priority": "urgent", "dueAt": iso(now_ms() - DAY_MS + i)}));
    }
    system.settle();
    assert_eq!(system.trigger("overdue-sweep"), 200);
    assert_eq!(system.trigger("prioritization-sweep"), 200);
    system.settle();
    assert!(suggestions(app, &user, "?status=all").is_empty());
    // The same tasks for a user with agents on do get advice.
    let other = app.sign_up();
    app.create_task(
        &other,
        json!({"title": "late", "dueAt": iso(now_ms() - DAY_MS)}),
    );
    system.settle();
    assert_eq!(suggestions(app, &other, "").len(), 1);
}

fn sweep_catches_what_events_missed_without_duplicates(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    // Due in a moment: not overdue when its events are handled.
    let soon = app.create_task(
        &user,
        json!({"title": "due soon", "dueAt": iso(now_ms() + 700)}),
    );
    let late = app.create_task(
        &user,
        json!({"title": "already late", "dueAt": iso(now_ms() - DAY_MS)}),
    );
    system.settle();
    let soon_id = soon["id"].as_str().unwrap();
    assert!(overdue_for(&suggestions(app, &user, ""), soon_id).is_empty());
    std::thread::sleep(Duration::from_millis(800));
    // Time passed with no event: the sweep catches it, once.
    for _ in 0..2 {
        assert_eq!(system.trigger("overdue-sweep"), 200);
        system.settle();
    }
    let items = suggestions(app, &user, "");
    assert_eq!(overdue_for(&items, soon_id).len(), 1);
    // The event path already covered the other task; the sweep added none.
    assert_eq!(overdue_for(&items, late["id"].as_str().unwrap()).len(), 1);
    assert_eq!(items.len(), 2);
}

fn prioritization_flags_an_overloaded_week(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    // Three high-priority tasks due on the Tuesday to Thursday of next week.
    let next_monday = domain::suggestion::week_start(now_ms()) + 7 * DAY_MS;
    let mut ids = vec![];
    for (i, p) in ["high", "urgent", "high"].iter().enumerate() {
        let t = app.create_task(&user, json!({"title": format!("big {i}"), "priority": p, "dueAt": iso(next_monday + (i as i64 + 1) * DAY_MS + 9 * 3_600_000)}));
        ids.push(t["id"].as_str().unwrap().to_string());
    }
    let (s, _) = system.wait_for(Duration::from_secs(2), || {
        suggestions(app, &user, "")
            .into_iter()
            .find(|s| s["type"] == "prioritization")
    });
    assert!(
        s["message"]
            .as_str()
            .unwrap()
            .starts_with("3 high-priority tasks"),
        "{s}"
    );
    // It proposes moving the least important, latest task (big 2).
    assert_eq!(s["taskId"], ids[2].as_str());
    // More changes in the same week do not repeat the advice.
    app.create_task(
        &user,
        json!({"title": "big 4", "priority": "high", "dueAt": iso(next_monday + DAY_MS)}),
    );
    system.settle();
    assert_eq!(system.trigger("prioritization-sweep"), 200);
    system.settle();
    let all = suggestions(app, &user, "?status=all");
    assert_eq!(
        all.iter().filter(|s| s["type"] == "prioritization").count(),
        1
    );
}

fn completing_resolves_and_accepting_reschedules(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let a = app.create_task(
        &user,
        json!({"title": "A", "dueAt": iso(now_ms() - DAY_MS)}),
    );
    let b = app.create_task(
        &user,
        json!({"title": "B", "dueAt": iso(now_ms() - 2 * DAY_MS)}),
    );
    let c = app.create_task(
        &user,
        json!({"title": "C", "dueAt": iso(now_ms() - 2 * DAY_MS)}),
    );
    system.settle();
    let items = suggestions(app, &user, "");
    assert_eq!(items.len(), 3);
    let id_of = |task: &Value| {
        overdue_for(&items, task["id"].as_str().unwrap())[0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // Completing A resolves its suggestion.
    app.request(
        "POST",
        &format!("/api/v1/tasks/{}/complete", a["id"].as_str().unwrap()),
        t,
        &[],
        None,
    );
    system.settle();
    let all = suggestions(app, &user, "?status=all");
    let sa = all.iter().find(|s| s["id"] == id_of(&a).as_str()).unwrap();
    assert_eq!(sa["status"], "resolved");

    // Accepting B moves its due date into the future through the task API.
    let accepted = app.request(
        "POST",
        &format!("/api/v1/suggestions/{}/accept", id_of(&b)),
        t,
        &[],
        None,
    );
    assert_eq!(
        accepted.status,
        200,
        "{}",
        String::from_utf8_lossy(&accepted.body)
    );
    let body = accepted.json();
    assert_eq!(body["suggestion"]["status"], "accepted");
    let due =
        domain::time::parse_instant("dueAt", body["task"]["dueAt"].as_str().unwrap()).unwrap();
    assert!(due > now_ms());
    assert_eq!(body["task"]["version"], 2);
    // Dismissing C; acting twice is refused.
    let dismissed = app.request(
        "POST",
        &format!("/api/v1/suggestions/{}/dismiss", id_of(&c)),
        t,
        &[],
        None,
    );
    assert_eq!(dismissed.json()["status"], "dismissed");
    let again = app.request(
        "POST",
        &format!("/api/v1/suggestions/{}/accept", id_of(&c)),
        t,
        &[],
        None,
    );
    assert_eq!(again.error_code(409), "suggestion_closed");
    assert!(suggestions(app, &user, "").is_empty(), "nothing open");
    // Open pages saw each suggestion arrive and close through the change feed.
    let feed = app.get("/api/v1/changes?since=0", t).json();
    let last_status = |task: &Value| {
        let id = id_of(task);
        let seen: Vec<&Value> = feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "suggestion.upserted" && c["entityId"] == id.as_str())
            .collect();
        assert_eq!(seen.len(), 2, "created, then closed: {seen:?}");
        assert_eq!(seen[0]["data"]["status"], "open");
        seen[1]["data"]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(last_status(&a), "resolved");
    assert_eq!(last_status(&b), "accepted");
    assert_eq!(last_status(&c), "dismissed");
    // Another user cannot touch them.
    let other = app.sign_up();
    let foreign = app.request(
        "POST",
        &format!("/api/v1/suggestions/{}/dismiss", id_of(&b)),
        Some(&other.token),
        &[],
        None,
    );
    assert_eq!(foreign.error_code(404), "not_found");
    app.get("/api/v1/suggestions?status=maybe", t)
        .error_code(400);
}

fn suggestions_are_rate_limited_per_user(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let limit = domain::suggestion::MAX_PER_HOUR;
    for i in 0..limit + 3 {
        app.create_task(
            &user,
            json!({"title": format!("late {i}"), "dueAt": iso(now_ms() - DAY_MS - i)}),
        );
    }
    system.settle();
    assert_eq!(system.trigger("overdue-sweep"), 200);
    system.settle();
    assert_eq!(suggestions(app, &user, "?status=all").len() as i64, limit);
}

/// A handler that fails transiently is retried by the sidecar (the
/// project's resiliency policy) and then succeeds. The fault is real: the
/// database refuses connections for a second. PostgreSQL only: SQLite is a
/// local file that does not go away.
#[test]
fn postgres_transient_failure_is_retried_then_succeeds() {
    let system = System::start(Backend::Postgres, true);
    let app = &system.app;
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    app.send_json(
        "PATCH",
        "/api/v1/settings",
        t,
        &json!({"agentsEnabled": false}),
    );
    let task = app.create_task(
        &user,
        json!({"title": "flaky db", "dueAt": iso(now_ms() - DAY_MS)}),
    );
    let id = task["id"].as_str().unwrap();
    system.settle();
    assert!(suggestions(app, &user, "?status=all").is_empty());
    app.send_json(
        "PATCH",
        "/api/v1/settings",
        t,
        &json!({"agentsEnabled": true}),
    );

    let db_name = system
        .db_url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    integration_tests::pg::admin(&format!(
        "ALTER DATABASE \"{db_name}\" ALLOW_CONNECTIONS false;
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db_name}';"
    ));
    let mut event = published_of_type(&system, "tasks.created", id).remove(0);
    event["id"] = json!("redelivered-during-outage");
    let status = system.publish_raw(
        "tasks-lifecycle",
        "application/cloudevents+json",
        event.to_string().into_bytes(),
        &user.id,
    );
    assert_eq!(status, 204);
    std::thread::sleep(Duration::from_millis(1_000));
    integration_tests::pg::admin(&format!(
        "ALTER DATABASE \"{db_name}\" ALLOW_CONNECTIONS true;"
    ));
    system.wait_for(Duration::from_secs(10), || {
        (overdue_for(&suggestions(app, &user, ""), id).len() == 1).then_some(())
    });
    // The delivery that succeeded is recorded once its answer is back.
    system.settle();
    let attempts: Vec<_> = system
        .sidecar()
        .deliveries()
        .into_iter()
        .filter(|d| d.id == "redelivered-during-outage" && d.path == "/events/overdue")
        .collect();
    assert!(attempts.len() >= 2, "{attempts:?}");
    assert_eq!(attempts.first().unwrap().outcome, "retry");
    assert_eq!(attempts.last().unwrap().outcome, "success");
}

/// `/metrics` after a known scenario on a fresh system, read with
/// Prometheus' own text-format parser: every family is a gauge with help,
/// and the figures are exactly what happened. Then, with the sidecar down,
/// the outbox backlog shows.
fn metrics_after_a_scripted_scenario(backend: Backend) {
    use integration_tests::prometheus::{parse, value};
    let mut system = System::start(backend, true);
    let app = &system.app;
    let scrape = |app: &TestApp| {
        let resp = app.request(
            "GET",
            "/metrics",
            Some(integration_tests::TEST_METRICS_API_TOKEN),
            &[],
            None,
        );
        assert_eq!(resp.status, 200);
        assert!(resp
            .header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
        parse(&String::from_utf8(resp.body).unwrap())
    };
    let alice = app.sign_up();
    let bob = app.sign_up();
    assert_eq!(app.get("/metrics", None).error_code(401), "unauthorized");
    assert_eq!(
        app.get("/metrics", Some(&alice.token)).error_code(401),
        "unauthorized"
    );
    let late = app.create_task(
        &alice,
        json!({"title": "late", "dueAt": iso(now_ms() - DAY_MS)}),
    );
    let done = app.create_task(&alice, json!({"title": "done"}));
    app.create_task(&alice, json!({"title": "open"}));
    app.create_task(&bob, json!({"title": "bob's"}));
    app.complete_task(&alice, done["id"].as_str().unwrap());
    publish_poison(&system, "poison-metrics", &bob.id);
    system.wait_for(Duration::from_secs(5), || {
        (system.count("SELECT COUNT(*) FROM dead_letters") == 1).then_some(())
    });
    system.wait_for(Duration::from_secs(5), || {
        (overdue_for(&suggestions(app, &alice, ""), late["id"].as_str().unwrap()).len() == 1)
            .then_some(())
    });
    system.settle();

    let samples = scrape(app);
    for s in &samples {
        assert_eq!(s.kind, "gauge", "{s:?}");
        assert!(!s.help.is_empty(), "{s:?}");
    }
    let v = |name: &str, labels: &[(&str, &str)]| {
        value(&samples, name, labels).unwrap_or_else(|| panic!("no {name} {labels:?}: {samples:?}"))
    };
    for window in ["1h", "24h"] {
        assert_eq!(v("taskmanager_tasks_created", &[("window", window)]), 4.0);
        assert_eq!(v("taskmanager_tasks_completed", &[("window", window)]), 1.0);
    }
    for window in ["1d", "7d"] {
        assert_eq!(v("taskmanager_active_users", &[("window", window)]), 2.0);
    }
    assert_eq!(
        v("taskmanager_suggestions_created", &[("window", "1h")]),
        1.0
    );
    assert_eq!(v("taskmanager_outbox_unsent", &[]), 0.0);
    assert_eq!(v("taskmanager_outbox_oldest_unsent_age_seconds", &[]), 0.0);
    assert_eq!(v("taskmanager_dead_letters", &[]), 1.0);
    for window in ["5m", "1h"] {
        assert_eq!(v("taskmanager_reminders_fired", &[("window", window)]), 0.0);
        assert_eq!(v("taskmanager_reminders_late", &[("window", window)]), 0.0);
    }
    assert_eq!(
        v(
            "taskmanager_reminder_max_lateness_seconds",
            &[("window", "1h")]
        ),
        0.0
    );
    assert!(samples
        .iter()
        .all(|s| s.family != "taskmanager_notification_deliveries"));

    // The broker's sidecar is down: what is written waits in the outbox.
    system.stop_sidecar();
    system
        .app
        .create_task(&bob, json!({"title": "while Dapr is down"}));
    std::thread::sleep(Duration::from_millis(1100));
    let samples = scrape(&system.app);
    assert_eq!(value(&samples, "taskmanager_outbox_unsent", &[]), Some(1.0));
    let age = value(
        &samples,
        "taskmanager_outbox_oldest_unsent_age_seconds",
        &[],
    )
    .unwrap();
    assert!((1.0..60.0).contains(&age), "{age}");
    assert_eq!(
        value(&samples, "taskmanager_tasks_created", &[("window", "1h")]),
        Some(5.0)
    );
}

fn list_changes_are_published(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let list = app.create_list(&user, json!({"name": "Garden"}));
    let task = app.create_task(&user, json!({"title": "Mow", "listId": list["id"]}));
    app.send_json(
        "PATCH",
        &format!("/api/v1/lists/{}", list["id"].as_str().unwrap()),
        Some(user.token.as_str()),
        &json!({"archived": true}),
    );
    app.request(
        "DELETE",
        &format!("/api/v1/lists/{}", list["id"].as_str().unwrap()),
        Some(user.token.as_str()),
        &[],
        None,
    );
    let (events, _) = system.wait_for(Duration::from_secs(5), || {
        let events = system.sidecar().published("lists");
        (events.len() == 3).then_some(events)
    });
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["lists.created", "lists.updated", "lists.deleted"]);
    for e in &events {
        assert_eq!(e["subject"], list["id"]);
        assert_eq!(e["data"]["listId"], list["id"]);
        assert_eq!(e["data"]["userId"], user.id.as_str());
        assert_eq!(
            e["dataschema"],
            format!("urn:task-manager:events:{}:v1", e["type"].as_str().unwrap())
        );
    }
    assert_eq!(events[1]["data"]["list"]["archived"], true);
    // The list's task went with it, with its own event for the agents.
    let (deleted, _) = system.wait_for(Duration::from_secs(5), || {
        system
            .sidecar()
            .published("tasks-lifecycle")
            .into_iter()
            .find(|e| e["type"] == "tasks.deleted" && e["subject"] == task["id"])
    });
    assert_eq!(deleted["data"]["task"]["listId"], list["id"]);
}
