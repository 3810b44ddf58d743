//! What outside probing broke, each case once per backend: input that
//! reached the database as a 500, client-sent headers the components
//! trusted, internal routes open without a token, webhooks to internal
//! addresses. (Concurrent If-Match writers: `concurrent_updates_one_wins`
//! in api.rs.)

use integration_tests::{Backend, TestApp};
use serde_json::json;
use std::io::{Read, Write};

integration_tests::on_both_apps!(
    nul_characters_are_a_400_and_write_nothing,
    non_ascii_rules_are_a_400,
    path_parameters_come_from_the_path,
    the_cookie_is_secure_only_by_configuration,
    internal_routes_refuse_calls_without_the_token,
    webhooks_go_only_to_public_https_hosts,
    a_malformed_host_is_a_400,
);

fn nul_characters_are_a_400_and_write_nothing(app: &TestApp) {
    let user = app.sign_up();
    let token = Some(user.token.as_str());
    for body in [
        json!({"title": "a\u{0}b"}),
        json!({"title": "ok", "description": "x\u{0}"}),
        json!({"title": "ok", "tags": ["t\u{0}"]}),
        json!({"title": "ok", "recurrence": {"rrule": "FREQ=DAILY", "timezone": "\u{0}"}}),
    ] {
        app.send_json("POST", "/api/v1/tasks", token, &body)
            .error_code(400);
    }
    assert!(
        app.list_all(&user, "limit=100").is_empty(),
        "nothing written"
    );
    for path in [
        "/api/v1/tasks?q=%00",
        "/api/v1/tasks?cursor=%00",
        "/api/v1/tasks?tag=a%00b",
    ] {
        app.get(path, token).error_code(400);
    }
    let sign_up = app.send_json(
        "POST",
        "/api/v1/auth/signup",
        None,
        &json!({"email": "nul@example.com", "password": "correct horse battery", "name": "a\u{0}"}),
    );
    sign_up.error_code(400);
    let chat = app.send_json(
        "POST",
        "/api/v1/chat",
        token,
        &json!({"message": "hi", "conversationId": "c\u{0}"}),
    );
    chat.error_code(400);
}

fn non_ascii_rules_are_a_400(app: &TestApp) {
    let user = app.sign_up();
    let token = Some(user.token.as_str());
    for rule in ["FREQ=é", "RRULEé", "FREQ=WEEKLY;BYDAY=Mé", "é"] {
        let body = json!({"title": "r", "recurrence": {"rrule": rule}});
        app.send_json("POST", "/api/v1/tasks", token, &body)
            .error_code(400);
    }
    let task = app.create_task(&user, json!({"title": "r"}));
    let path = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    let patch = json!({"recurrence": {"rrule": "FREQ=é"}});
    app.send_json("PATCH", &path, token, &patch).error_code(400);
}

fn path_parameters_come_from_the_path(app: &TestApp) {
    let user = app.sign_up();
    let task = app.create_task(&user, json!({"title": "Mine"}));
    let id = task["id"].as_str().unwrap();
    // A client-sent spin-path-match-id must not choose the task.
    let forged = app.request(
        "GET",
        "/api/v1/tasks/nope",
        Some(&user.token),
        &[("spin-path-match-id", id)],
        None,
    );
    assert_eq!(forged.error_code(404), "not_found");
    let forged = app.request(
        "POST",
        "/api/v1/tasks/nope/complete",
        Some(&user.token),
        &[("spin-path-match-id", id)],
        None,
    );
    forged.error_code(404);
    let real = app.get(&format!("/api/v1/tasks/{id}"), Some(&user.token));
    assert_eq!(real.status, 200);
    assert_eq!(real.json()["completed"], false);
}

fn the_cookie_is_secure_only_by_configuration(app: &TestApp) {
    let user = app.sign_up();
    let body = json!({"email": user.email, "password": "correct horse battery"});
    let resp = app.request(
        "POST",
        "/api/v1/auth/signin",
        None,
        &[("spin-full-url", "https://evil.example/api/v1/auth/signin")],
        Some(("application/json", body.to_string().into_bytes())),
    );
    assert_eq!(resp.status, 200);
    let cookie = resp.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "a client header changed the cookie: {cookie}"
    );
}

fn internal_routes_refuse_calls_without_the_token(app: &TestApp) {
    let victim = app.sign_up();
    let event = json!({
        "specversion": "1.0", "id": uuid::Uuid::new_v4().to_string(), "type": "reminders.due",
        "source": "forged", "datacontenttype": "application/json",
        "data": {"reminderId": "r1", "taskId": "t1", "userId": victim.id, "title": "forged",
                 "fireAt": "2026-01-01T00:00:00Z", "correlationId": "c"},
    });
    let bytes = || {
        Some((
            "application/cloudevents+json",
            event.to_string().into_bytes(),
        ))
    };
    for route in [
        "/events/notifier",
        "/events/overdue",
        "/events/recurrence",
        "/job/reminder-r1",
        "/cron/overdue-sweep",
        "/cron/outbox-relay",
        "/cron/retention",
    ] {
        let none = app.request("POST", route, None, &[], bytes());
        assert_eq!(none.error_code(401), "unauthorized", "{route}");
        let wrong = app.request("POST", route, None, &[("dapr-api-token", "guess")], bytes());
        wrong.error_code(401);
    }
    let inbox = app.get("/api/v1/notifications", Some(&victim.token));
    assert_eq!(
        inbox.json()["items"],
        json!([]),
        "nothing reached the inbox"
    );
}

fn webhooks_go_only_to_public_https_hosts(app: &TestApp) {
    let user = app.sign_up();
    let token = Some(user.token.as_str());
    for url in [
        "http://example.com/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://metadata.google.internal/",
        "https://localhost:8443/",
        "https://[::1]/",
        "https://167772161/", // 10.0.0.1 in decimal
        "https://\u{ee}\u{a6}D",
        "gopher://example.com",
    ] {
        let resp = app.send_json(
            "PATCH",
            "/api/v1/settings",
            token,
            &json!({"webhookUrl": url}),
        );
        assert_eq!(resp.error_code(400), "validation_failed", "{url}");
        assert_eq!(
            resp.json()["error"]["details"]["field"],
            "webhookUrl",
            "{url}"
        );
    }
    let ok = app.send_json(
        "PATCH",
        "/api/v1/settings",
        token,
        &json!({"webhookUrl": "https://hooks.example.com/tasks"}),
    );
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["webhookUrl"], "https://hooks.example.com/tasks");
}

fn a_malformed_host_is_a_400(app: &TestApp) {
    let addr = app.base.trim_start_matches("http://").to_string();
    for request in [
        &b"GET /health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"[..],
        &b"GET /health HTTP/1.1\r\nHost: \xc3\xa9\r\nConnection: close\r\n\r\n"[..],
        &b"GET /health HTTP/1.0\r\n\r\n"[..],
    ] {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.0 400"),
            "{answer:?}"
        );
    }
}

/// A deployment that forgot `app_api_token` must not leave the internal
/// routes open: without it they refuse every call, with or without a token.
#[test]
fn internal_routes_are_closed_when_no_token_is_configured() {
    let mut setup = integration_tests::HostSetup::new(Backend::Sqlite, "");
    setup.variables.remove("app_api_token");
    let app = TestApp::new(integration_tests::start_host(setup), Backend::Sqlite);
    for route in [
        "/events/notifier",
        "/job/reminder-r1",
        "/cron/overdue-sweep",
    ] {
        for headers in [
            &[][..],
            &[("dapr-api-token", "")][..],
            &[("dapr-api-token", "x")][..],
        ] {
            let r = app.request(
                "POST",
                route,
                None,
                headers,
                Some(("application/json", b"{}".to_vec())),
            );
            assert_eq!(r.error_code(503), "app_api_token_unset", "{route}");
        }
    }
}

/// Connections cut while requests run (a database failover): every answer
/// is a success or a 503 with the JSON error, never a 500.
#[test]
fn a_lost_database_connection_is_a_503_not_a_500() {
    let db_url = integration_tests::pg::fresh_database("outage");
    let setup = integration_tests::HostSetup::new(Backend::Postgres, &db_url);
    let app = TestApp::new(integration_tests::start_host(setup), Backend::Postgres);
    let user = app.sign_up();
    app.create_task(&user, json!({"title": "before the cut"}));
    let running = std::sync::atomic::AtomicBool::new(true);
    let (statuses, cuts) = std::thread::scope(|s| {
        let cutter = s.spawn(|| {
            let mut cuts = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                cuts += integration_tests::pg::terminate_connections(&db_url);
                std::thread::sleep(std::time::Duration::from_millis(3));
            }
            cuts
        });
        let mut statuses = Vec::new();
        for i in 0..300 {
            let r = if i % 2 == 0 {
                app.get("/api/v1/tasks?limit=5", Some(&user.token))
            } else {
                app.send_json(
                    "POST",
                    "/api/v1/tasks",
                    Some(&user.token),
                    &json!({"title": format!("t{i}")}),
                )
            };
            // Checked after the cutter stops: a failed assertion here
            // would leave it running and the scope waiting for it.
            let code = (r.status >= 500).then(|| r.json()["error"]["code"].clone());
            statuses.push((r.status, code));
        }
        running.store(false, std::sync::atomic::Ordering::Relaxed);
        (statuses, cutter.join().unwrap())
    });
    assert!(cuts > 0, "no connection was cut");
    for (status, code) in &statuses {
        assert!([200, 201, 503].contains(status), "{statuses:?}");
        if *status == 503 {
            assert_eq!(code.as_ref().unwrap(), "database_unavailable");
        }
    }
    // Afterwards the app serves again.
    assert_eq!(app.get("/api/v1/tasks", Some(&user.token)).status, 200);
}
