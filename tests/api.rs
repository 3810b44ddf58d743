//! The public API end to end: the compiled components, served by the host
//! over real HTTP, once on PostgreSQL and once on SQLite.

use integration_tests::{Backend, Resp, TestApp, User, TEST_AUTH_SECRET};
use serde_json::{json, Value};
use std::collections::HashSet;

integration_tests::on_both_apps!(
    sign_up_sign_in_and_me,
    sign_up_rejects_bad_input_and_duplicates,
    wrong_password_and_throttling,
    concurrent_guesses_are_throttled_without_locking_the_owner_out,
    sign_up_refuses_common_passwords,
    expired_forged_and_signed_out_tokens,
    cookie_session_works_like_bearer,
    settings_read_and_update,
    task_crud,
    complete_and_incomplete,
    filters,
    search_and_sort,
    pagination_across_pages,
    users_never_see_each_others_tasks,
    concurrent_updates_one_wins,
    validation_errors_write_nothing,
    method_and_route_errors,
    health_and_ready,
    web_serves_the_page,
    change_feed_resumes_from_a_cursor,
    change_feed_streams_server_sent_events,
);

fn tasks_of(app: &TestApp, user: &User) -> Vec<Value> {
    app.list_all(user, "limit=100")
}

fn sign_up_sign_in_and_me(app: &TestApp) {
    let user = app.sign_up();
    let me = app.get("/api/v1/auth/me", Some(&user.token));
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["user"]["email"], user.email.as_str());
    assert_eq!(me.json()["settings"]["timezone"], "UTC");

    let signin = app.send_json(
        "POST",
        "/api/v1/auth/signin",
        None,
        &json!({"email": user.email.to_uppercase(), "password": "correct horse battery"}),
    );
    assert_eq!(signin.status, 200);
    let token = signin.json()["token"].as_str().unwrap().to_string();
    assert_ne!(token, user.token, "each sign-in is a new session");
    assert_eq!(app.get("/api/v1/auth/me", Some(&token)).status, 200);
    assert!(app.get("/api/v1/auth/me", None).error_code(401) == "unauthorized");
}

fn sign_up_rejects_bad_input_and_duplicates(app: &TestApp) {
    let user = app.sign_up();
    let dup = app.send_json(
        "POST",
        "/api/v1/auth/signup",
        None,
        &json!({"email": user.email, "password": "another password"}),
    );
    assert_eq!(dup.error_code(409), "email_taken");
    for body in [
        json!({"email": "not-an-email", "password": "long enough"}),
        json!({"email": "a@example.com", "password": "short"}),
        json!({"email": "a@example.com"}),
        json!({"email": "a@example.com", "password": "long enough", "role": "admin"}),
    ] {
        let r = app.send_json("POST", "/api/v1/auth/signup", None, &body);
        r.error_code(400);
    }
}

fn wrong_password_and_throttling(app: &TestApp) {
    let user = app.sign_up();
    let attempt = |password: &str| {
        app.send_json(
            "POST",
            "/api/v1/auth/signin",
            None,
            &json!({"email": user.email, "password": password}),
        )
    };
    assert_eq!(
        attempt("wrong password").error_code(401),
        "invalid_credentials"
    );
    // Unknown accounts get the same answer as wrong passwords.
    let unknown = app.send_json(
        "POST",
        "/api/v1/auth/signin",
        None,
        &json!({"email": "nobody@example.com", "password": "whatever1"}),
    );
    assert_eq!(unknown.error_code(401), "invalid_credentials");
    for _ in 0..4 {
        attempt("wrong password").error_code(401);
    }
    // Five failures from this address: its next attempt must wait, even
    // with the right password.
    let slowed = attempt("correct horse battery");
    assert_eq!(slowed.error_code(429), "too_many_attempts");
    let wait: u64 = slowed.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60);
    // The existing session is unaffected.
    assert_eq!(app.get("/api/v1/auth/me", Some(&user.token)).status, 200);
}

/// The same app reached from another loopback address (Linux routes all
/// of 127.0.0.0/8 to loopback), so the host sees another client address:
/// the address comes from the TCP peer, not from a header a test could set.
fn from_address(app: &TestApp, local: &str) -> TestApp {
    TestApp {
        base: app.base.clone(),
        backend: app.backend,
        http: reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(local.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap(),
    }
}

fn concurrent_guesses_are_throttled_without_locking_the_owner_out(app: &TestApp) {
    let user = app.sign_up();
    let guesser = from_address(app, "127.0.0.3");
    let body = json!({"email": user.email, "password": "wrong password"});
    let answers: Vec<Resp> = std::thread::scope(|s| {
        let sent: Vec<_> = (0..30)
            .map(|_| s.spawn(|| guesser.send_json("POST", "/api/v1/auth/signin", None, &body)))
            .collect();
        sent.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut checked = 0;
    for r in &answers {
        match r.status {
            401 => {
                assert_eq!(r.error_code(401), "invalid_credentials");
                checked += 1;
            }
            _ => {
                assert_eq!(r.error_code(429), "too_many_attempts");
                assert!(r.header("retry-after").is_some());
            }
        }
    }
    // Each attempt is counted before its password is checked, in the same
    // statement that decides, so the burst cannot outrun the count.
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 30 concurrent guesses had their password checked"
    );
    // The owner, elsewhere, is not locked out by the guessing.
    let owner = from_address(app, "127.0.0.4").sign_in(&user);
    assert_eq!(
        owner.status,
        200,
        "{}",
        String::from_utf8_lossy(&owner.body)
    );
}

fn sign_up_refuses_common_passwords(app: &TestApp) {
    for password in ["password123", "Password123", "QWERTYUIOP", "iloveyou"] {
        let r = app.send_json(
            "POST",
            "/api/v1/auth/signup",
            None,
            &json!({"email": format!("common-{}@example.com", uuid::Uuid::new_v4()), "password": password}),
        );
        assert_eq!(r.error_code(400), "password_too_common", "{password}");
        assert_eq!(r.json()["error"]["details"]["field"], "password");
    }
}

fn forge(user_id: &str, session_id: &str, expires_at: i64, secret: &[u8]) -> String {
    sessions::token::sign(
        &sessions::token::Claims {
            user_id: user_id.into(),
            session_id: session_id.into(),
            expires_at,
            audience: None,
            scope: None,
        },
        secret,
    )
}

fn expired_forged_and_signed_out_tokens(app: &TestApp) {
    let user = app.sign_up();
    let claims = sessions::token::verify(&user.token, TEST_AUTH_SECRET.as_bytes()).unwrap();
    let expired = forge(
        &user.id,
        &claims.session_id,
        1_000,
        TEST_AUTH_SECRET.as_bytes(),
    );
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&expired)).error_code(401),
        "session_expired"
    );
    let far = claims.expires_at + 1_000_000;
    let forged = forge(
        &user.id,
        &claims.session_id,
        far,
        b"not-the-server-secret-at-all",
    );
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&forged)).error_code(401),
        "invalid_token"
    );
    // A valid signature over a session that does not exist.
    let invented = forge(
        &user.id,
        "no-such-session",
        far,
        TEST_AUTH_SECRET.as_bytes(),
    );
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&invented)).error_code(401),
        "session_ended"
    );
    assert_eq!(
        app.get("/api/v1/auth/me", Some("garbage")).error_code(401),
        "invalid_token"
    );
    // The busiest endpoints answer the same, and write nothing.
    let unsaved = json!({"title": "must not be saved"});
    assert_eq!(
        app.get("/api/v1/tasks", Some(&invented)).error_code(401),
        "session_ended"
    );
    assert_eq!(
        app.send_json("POST", "/api/v1/tasks", Some(&invented), &unsaved)
            .error_code(401),
        "session_ended"
    );
    assert!(app.list_all(&user, "").is_empty(), "nothing was saved");
    // A session that held tasks: its list must not come back once it ends
    // (the list carries the session check in its own statement).
    let kept = app.send_json(
        "POST",
        "/api/v1/tasks",
        Some(&user.token),
        &json!({"title": "saved before sign-out"}),
    );
    assert_eq!(kept.status, 201);
    let out = app.request("POST", "/api/v1/auth/signout", Some(&user.token), &[], None);
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&user.token))
            .error_code(401),
        "session_ended"
    );
    assert_eq!(
        app.get("/api/v1/tasks", Some(&user.token)).error_code(401),
        "session_ended"
    );
    assert_eq!(
        app.send_json("POST", "/api/v1/tasks", Some(&user.token), &unsaved)
            .error_code(401),
        "session_ended"
    );
}

fn cookie_session_works_like_bearer(app: &TestApp) {
    let email = format!("cookie-{}@example.com", uuid::Uuid::new_v4());
    let resp = app.send_json(
        "POST",
        "/api/v1/auth/signup",
        None,
        &json!({"email": email, "password": "correct horse battery"}),
    );
    let cookie = resp.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let pair = cookie.split(';').next().unwrap().to_string();
    let me = app.request("GET", "/api/v1/auth/me", None, &[("cookie", &pair)], None);
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["user"]["email"], email.as_str());
}

fn settings_read_and_update(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let s = app.get("/api/v1/settings", t).json();
    assert_eq!(
        s,
        json!({"timezone": "UTC", "agentsEnabled": true, "inAppNotifications": true, "webhookUrl": null,
               "webhookSecret": null, "defaultReminderMinutes": 15, "emailReminders": false,
               "emailConfirmed": false, "quietHours": null})
    );
    let updated = app.send_json(
        "PATCH",
        "/api/v1/settings",
        t,
        &json!({"timezone": "Europe/Berlin", "agentsEnabled": false, "webhookUrl": "https://hooks.example.com/x"}),
    );
    assert_eq!(updated.status, 200);
    let s = app.get("/api/v1/settings", t).json();
    assert_eq!(s["timezone"], "Europe/Berlin");
    assert_eq!(s["agentsEnabled"], false);
    assert_eq!(s["webhookUrl"], "https://hooks.example.com/x");
    assert!(
        s["webhookSecret"].as_str().unwrap().starts_with("whsec_"),
        "a signing key is made for the webhook"
    );
    // Quiet hours: a window in the user's zone, possibly over midnight.
    let quiet = json!({"start": "22:30", "end": "07:00"});
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        t,
        &json!({ "quietHours": quiet }),
    );
    assert_eq!(r.json()["quietHours"], quiet);
    assert_eq!(app.get("/api/v1/settings", t).json()["quietHours"], quiet);
    for bad in [
        json!({"quietHours": {"start": "22:00", "end": "22:00"}}),
        json!({"quietHours": {"start": "25:00", "end": "07:00"}}),
        json!({"quietHours": "22-7"}),
    ] {
        let r = app.send_json("PATCH", "/api/v1/settings", t, &bad);
        assert_eq!(r.json()["error"]["details"]["field"], "quietHours", "{bad}");
    }
    let r = app.send_json("PATCH", "/api/v1/settings", t, &json!({"quietHours": null}));
    assert_eq!(r.json()["quietHours"], Value::Null);
    for bad in [
        json!({"timezone": "not a zone"}),
        // Shaped like a zone, unknown to the IANA database.
        json!({"timezone": "Mars/Olympus"}),
        json!({"agentsEnabled": "yes"}),
        json!({"webhookUrl": "ftp://x"}),
        json!({"theme": "dark"}),
        json!({}),
    ] {
        app.send_json("PATCH", "/api/v1/settings", t, &bad)
            .error_code(400);
    }
    assert_eq!(
        app.get("/api/v1/settings", t).json()["timezone"],
        "Europe/Berlin"
    );
}

fn task_crud(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let created = app.send_json(
        "POST",
        "/api/v1/tasks",
        t,
        &json!({"title": "Write report", "description": "Q3 numbers", "priority": "high",
                "dueAt": "2030-05-01T17:00:00+02:00", "tags": ["Work", "#q3"]}),
    );
    assert_eq!(created.status, 201);
    let task = created.json();
    let id = task["id"].as_str().unwrap();
    assert_eq!(
        created.header("location").unwrap(),
        format!("/api/v1/tasks/{id}")
    );
    assert_eq!(created.header("etag").unwrap(), "\"1\"");
    assert_eq!(task["title"], "Write report");
    assert_eq!(task["priority"], "high");
    assert_eq!(task["dueAt"], "2030-05-01T15:00:00.000Z");
    assert_eq!(task["tags"], json!(["work", "q3"]));
    assert_eq!(task["completed"], false);
    assert_eq!(task["completedAt"], Value::Null);
    assert_eq!(task["recurrence"], Value::Null);
    assert_eq!(task["version"], 1);
    for field in ["createdAt", "updatedAt"] {
        assert!(task[field].as_str().unwrap().ends_with('Z'));
    }

    let read = app.get(&format!("/api/v1/tasks/{id}"), t);
    assert_eq!(read.status, 200);
    assert_eq!(read.json(), task);

    let patched = app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        t,
        &json!({"title": "Write the report", "dueAt": null, "tags": ["work"], "version": 1}),
    );
    assert_eq!(
        patched.status,
        200,
        "{}",
        String::from_utf8_lossy(&patched.body)
    );
    let p = patched.json();
    assert_eq!(p["title"], "Write the report");
    assert_eq!(p["dueAt"], Value::Null);
    assert_eq!(p["tags"], json!(["work"]));
    assert_eq!(p["description"], "Q3 numbers", "untouched fields stay");
    assert_eq!(p["version"], 2);
    assert_eq!(patched.header("etag").unwrap(), "\"2\"");

    // A patch that changes nothing keeps the version.
    let same = app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        t,
        &json!({"title": "Write the report"}),
    );
    assert_eq!(same.json()["version"], 2);

    let deleted = app.request("DELETE", &format!("/api/v1/tasks/{id}"), t, &[], None);
    assert_eq!(deleted.status, 204);
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{id}"), t).error_code(404),
        "not_found"
    );
    assert_eq!(
        app.request("DELETE", &format!("/api/v1/tasks/{id}"), t, &[], None)
            .error_code(404),
        "not_found"
    );
    assert!(tasks_of(app, &user).is_empty());
}

fn complete_and_incomplete(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let task = app.create_task(&user, json!({"title": "Call mom"}));
    let id = task["id"].as_str().unwrap();
    let done = app.request(
        "POST",
        &format!("/api/v1/tasks/{id}/complete"),
        t,
        &[],
        None,
    );
    assert_eq!(done.status, 200);
    let d = done.json();
    assert_eq!(d["completed"], true);
    assert!(d["completedAt"].is_string());
    assert_eq!(d["version"], 2);
    // Completing again changes nothing.
    let again = app.request(
        "POST",
        &format!("/api/v1/tasks/{id}/complete"),
        t,
        &[],
        None,
    );
    assert_eq!(again.json()["version"], 2);
    assert_eq!(again.json()["completedAt"], d["completedAt"]);
    let reopened = app.request(
        "POST",
        &format!("/api/v1/tasks/{id}/incomplete"),
        t,
        &[],
        None,
    );
    assert_eq!(reopened.status, 200);
    assert_eq!(reopened.json()["completed"], false);
    assert_eq!(reopened.json()["completedAt"], Value::Null);
    assert_eq!(reopened.json()["version"], 3);
    // A stale If-Match is refused.
    let stale = app.request(
        "POST",
        &format!("/api/v1/tasks/{id}/complete"),
        t,
        &[("if-match", "\"2\"")],
        None,
    );
    assert_eq!(stale.error_code(412), "precondition_failed");
    let missing = app.request("POST", "/api/v1/tasks/nope/complete", t, &[], None);
    assert_eq!(missing.error_code(404), "not_found");
}

fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn filters(app: &TestApp) {
    let user = app.sign_up();
    app.create_task(&user, json!({"title": "A low", "priority": "low", "tags": ["home"], "dueAt": "2030-01-05T10:00:00Z"}));
    app.create_task(&user, json!({"title": "B high work", "priority": "high", "tags": ["work", "q3"], "dueAt": "2030-01-10T10:00:00Z"}));
    app.create_task(&user, json!({"title": "C urgent work", "priority": "urgent", "tags": ["work"], "dueAt": "2030-02-01T10:00:00Z"}));
    let d = app.create_task(&user, json!({"title": "D no due", "priority": "medium"}));
    let done = app.request(
        "POST",
        &format!("/api/v1/tasks/{}/complete", d["id"].as_str().unwrap()),
        Some(&user.token),
        &[],
        None,
    );
    assert_eq!(done.status, 200);

    let q = |query: &str| sorted(titles(&app.list_all(&user, query)));
    assert_eq!(
        q("status=open"),
        vec!["A low", "B high work", "C urgent work"]
    );
    assert_eq!(q("status=completed"), vec!["D no due"]);
    assert_eq!(q("status=all").len(), 4);
    assert_eq!(
        q("priority=high,urgent"),
        vec!["B high work", "C urgent work"]
    );
    assert_eq!(q("priority=medium"), vec!["D no due"]);
    assert_eq!(q("tag=work"), vec!["B high work", "C urgent work"]);
    assert_eq!(q("tag=work,q3"), vec!["B high work"]);
    assert_eq!(q("tag=%23Work"), vec!["B high work", "C urgent work"]);
    assert!(q("tag=none").is_empty());
    assert_eq!(
        q("dueAfter=2030-01-06T00:00:00Z&dueBefore=2030-02-01T10:00:00Z"),
        vec!["B high work"]
    );
    assert_eq!(q("dueBefore=2030-01-06T00:00:00Z"), vec!["A low"]);
    assert_eq!(
        q("status=open&priority=urgent&tag=work"),
        vec!["C urgent work"]
    );
    for bad in [
        "status=maybe",
        "priority=p1",
        "dueAfter=tomorrow",
        "limit=0",
        "limit=500",
        "sort=colour",
        "color=red",
        "dueAfter=2030-02-01T00:00:00Z&dueBefore=2030-01-01T00:00:00Z",
    ] {
        app.get(&format!("/api/v1/tasks?{bad}"), Some(&user.token))
            .error_code(400);
    }
}

fn search_and_sort(app: &TestApp) {
    let user = app.sign_up();
    for body in [
        json!({"title": "Quarterly report", "priority": "low", "dueAt": "2030-03-01T00:00:00Z"}),
        json!({"title": "buy milk", "description": "and the REPORT card", "priority": "urgent"}),
        json!({"title": "Zebra 50% sale", "priority": "medium", "dueAt": "2030-01-01T00:00:00Z"}),
        json!({"title": "alpha", "priority": "high", "dueAt": "2030-02-01T00:00:00Z"}),
    ] {
        app.create_task(&user, body);
        // Distinct creation instants (millisecond resolution) for the
        // created-order assertions below.
        std::thread::sleep(std::time::Duration::from_millis(3));
    }

    let q = |query: &str| titles(&app.list_all(&user, query));
    assert_eq!(sorted(q("q=report")), vec!["Quarterly report", "buy milk"]);
    assert_eq!(
        q("q=50%25"),
        vec!["Zebra 50% sale"],
        "LIKE wildcards are literal"
    );
    assert_eq!(q("q=_"), Vec::<String>::new());
    assert_eq!(
        q("sort=title"),
        vec!["alpha", "buy milk", "Quarterly report", "Zebra 50% sale"]
    );
    assert_eq!(
        q("sort=-title"),
        vec!["Zebra 50% sale", "Quarterly report", "buy milk", "alpha"]
    );
    assert_eq!(
        q("sort=-priority"),
        vec!["buy milk", "alpha", "Zebra 50% sale", "Quarterly report"]
    );
    assert_eq!(
        q("sort=priority"),
        vec!["Quarterly report", "Zebra 50% sale", "alpha", "buy milk"]
    );
    // Tasks without a due date come last either way.
    assert_eq!(
        q("sort=due"),
        vec!["Zebra 50% sale", "alpha", "Quarterly report", "buy milk"]
    );
    assert_eq!(
        q("sort=-due"),
        vec!["Quarterly report", "alpha", "Zebra 50% sale", "buy milk"]
    );
    assert_eq!(
        q("sort=created"),
        vec!["Quarterly report", "buy milk", "Zebra 50% sale", "alpha"]
    );
    assert_eq!(
        q(""),
        vec!["alpha", "Zebra 50% sale", "buy milk", "Quarterly report"],
        "newest first by default"
    );
}

fn pagination_across_pages(app: &TestApp) {
    let user = app.sign_up();
    let priorities = ["low", "medium", "high", "urgent"];
    for i in 0..23 {
        app.create_task(
            &user,
            json!({"title": format!("task {i:02}"), "priority": priorities[i % 4]}),
        );
    }
    for sort in [
        "created",
        "-created",
        "priority",
        "-priority",
        "title",
        "-due",
        "updated",
    ] {
        let all = app.list_all(&user, &format!("sort={sort}&limit=100"));
        let paged = app.list_all(&user, &format!("sort={sort}&limit=5"));
        assert_eq!(all.len(), 23);
        assert_eq!(titles(&paged), titles(&all), "sort={sort}");
        let unique: HashSet<_> = paged.iter().map(|t| t["id"].clone().to_string()).collect();
        assert_eq!(unique.len(), 23);
    }
    let first = app
        .get("/api/v1/tasks?limit=5&sort=title", Some(&user.token))
        .json();
    let cursor = first["nextCursor"].as_str().unwrap();
    // A cursor only works with the sort it came from.
    app.get(
        &format!("/api/v1/tasks?limit=5&sort=-title&cursor={cursor}"),
        Some(&user.token),
    )
    .error_code(400);
    app.get("/api/v1/tasks?cursor=bm90LWEtY3Vyc29y", Some(&user.token))
        .error_code(400);
}

fn users_never_see_each_others_tasks(app: &TestApp) {
    let ana = app.sign_up();
    let bob = app.sign_up();
    let task = app.create_task(&ana, json!({"title": "Ana's secret", "tags": ["private"]}));
    let id = task["id"].as_str().unwrap();
    let b = Some(bob.token.as_str());
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{id}"), b).error_code(404),
        "not_found"
    );
    app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        b,
        &json!({"title": "pwned"}),
    )
    .error_code(404);
    app.request(
        "POST",
        &format!("/api/v1/tasks/{id}/complete"),
        b,
        &[],
        None,
    )
    .error_code(404);
    app.request(
        "POST",
        &format!("/api/v1/tasks/{id}/incomplete"),
        b,
        &[],
        None,
    )
    .error_code(404);
    app.request("DELETE", &format!("/api/v1/tasks/{id}"), b, &[], None)
        .error_code(404);
    assert!(tasks_of(app, &bob).is_empty());
    assert!(app.list_all(&bob, "tag=private").is_empty());
    assert!(app.list_all(&bob, "q=secret").is_empty());
    // Ana's task is untouched.
    let mine = app
        .get(&format!("/api/v1/tasks/{id}"), Some(&ana.token))
        .json();
    assert_eq!(mine, task);
}

fn concurrent_updates_one_wins(app: &TestApp) {
    let user = app.sign_up();
    let task = app.create_task(&user, json!({"title": "contended"}));
    let id = task["id"].as_str().unwrap().to_string();
    // Eight writers race with the same If-Match: exactly one wins.
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (id, token) = (id.clone(), user.token.clone());
                s.spawn(move || {
                    app.request(
                        "PATCH",
                        &format!("/api/v1/tasks/{id}"),
                        Some(&token),
                        &[("if-match", "\"1\"")],
                        Some((
                            "application/json",
                            json!({"title": format!("writer {i}")})
                                .to_string()
                                .into_bytes(),
                        )),
                    )
                    .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    // Every loser gets the documented 412, also when it read the task
    // before the winner wrote it (it used to get 409 then).
    assert!(
        statuses.iter().all(|s| [200, 412].contains(s)),
        "{statuses:?}"
    );
    let now = app
        .get(&format!("/api/v1/tasks/{id}"), Some(&user.token))
        .json();
    assert_eq!(now["version"], 2);
    // The body's version works the same way, answering 409.
    let stale = app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        Some(&user.token),
        &json!({"title": "late", "version": 1}),
    );
    assert_eq!(stale.error_code(409), "version_conflict");
    assert_eq!(stale.json()["error"]["details"]["currentVersion"], 2);
}

fn validation_errors_write_nothing(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let existing = app.create_task(&user, json!({"title": "keep me"}));
    let id = existing["id"].as_str().unwrap();
    let bad_bodies = [
        (json!({"title": ""}), "validation_failed"),
        (json!({"title": "   "}), "validation_failed"),
        (json!({"title": "x".repeat(201)}), "validation_failed"),
        (
            json!({"title": "ok", "description": "d".repeat(10_001)}),
            "validation_failed",
        ),
        (
            json!({"title": "ok", "dueAt": "2030-02-30T00:00:00Z"}),
            "validation_failed",
        ),
        (
            json!({"title": "ok", "dueAt": "next tuesday"}),
            "validation_failed",
        ),
        (
            json!({"title": "ok", "priority": "p0"}),
            "validation_failed",
        ),
        (json!({"title": "ok", "tags": ["a b"]}), "validation_failed"),
        (
            json!({"title": "ok", "tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
            "validation_failed",
        ),
        (json!({"title": "ok", "owner": "someone"}), "unknown_field"),
        (json!(["not", "an", "object"]), "invalid_body"),
    ];
    for (body, code) in &bad_bodies {
        let r = app.send_json("POST", "/api/v1/tasks", t, body);
        assert_eq!(&r.error_code(400), code, "{body}");
        let r = app.send_json("PATCH", &format!("/api/v1/tasks/{id}"), t, body);
        assert!(r.status == 400, "{body}: {}", r.status);
    }
    let malformed = app.request(
        "POST",
        "/api/v1/tasks",
        t,
        &[],
        Some(("application/json", b"{\"title\": ".to_vec())),
    );
    assert_eq!(malformed.error_code(400), "malformed_json");
    let not_json = app.request(
        "POST",
        "/api/v1/tasks",
        t,
        &[],
        Some(("text/plain", b"title=x".to_vec())),
    );
    assert_eq!(not_json.error_code(415), "unsupported_media_type");
    let empty = app.request("POST", "/api/v1/tasks", t, &[], None);
    assert_eq!(empty.error_code(400), "body_required");
    let huge = json!({"title": "big", "description": "x".repeat(200_000)});
    let too_big = app.send_json("POST", "/api/v1/tasks", t, &huge);
    assert_eq!(too_big.error_code(413), "body_too_large");
    let bad_if_match = app.request(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        t,
        &[("if-match", "abc")],
        Some(("application/json", b"{\"title\":\"x\"}".to_vec())),
    );
    assert_eq!(bad_if_match.error_code(400), "invalid_if_match");
    let empty_patch = app.send_json("PATCH", &format!("/api/v1/tasks/{id}"), t, &json!({}));
    assert_eq!(empty_patch.error_code(400), "empty_update");

    let all = tasks_of(app, &user);
    assert_eq!(all.len(), 1, "nothing was written");
    assert_eq!(all[0], existing, "the existing task is unchanged");
}

fn method_and_route_errors(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let r = app.request("PUT", "/api/v1/tasks", t, &[], None);
    assert_eq!(r.error_code(405), "method_not_allowed");
    assert_eq!(r.header("allow").unwrap(), "GET, POST");
    app.request("GET", "/api/v1/auth/signin", None, &[], None)
        .error_code(405);
    app.get("/api/v1/no-such-endpoint", t).error_code(404);
    app.get("/api/v1/auth/whoami", t).error_code(404);
    // A server without a VAPID key says push is not set up.
    assert_eq!(
        app.get("/api/v1/push/key", t).error_code(404),
        "push_unavailable"
    );
    app.request("PUT", "/api/v1/push/subscriptions", t, &[], None)
        .error_code(405);
    // Unauthenticated requests to protected endpoints.
    assert_eq!(
        app.get("/api/v1/tasks", None).error_code(401),
        "unauthorized"
    );
    let correlated = app.request(
        "GET",
        "/api/v1/tasks",
        None,
        &[("x-correlation-id", "req-42")],
        None,
    );
    assert_eq!(
        correlated.header("x-correlation-id").as_deref(),
        Some("req-42")
    );
    assert!(app
        .get("/api/v1/tasks", None)
        .header("x-correlation-id")
        .is_some());
}

fn health_and_ready(app: &TestApp) {
    assert_eq!(app.get("/health", None).status, 200);
    let ready = app.get("/ready", None);
    assert_eq!(ready.status, 200);
    let expected = match app.backend {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
    };
    assert_eq!(ready.json()["database"], expected);
}

fn web_serves_the_page(app: &TestApp) {
    let page: Resp = app.get("/", None);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    assert_eq!(page.header("cache-control").unwrap(), "no-cache");
    // No inline script or style, never framed, no sniffing, no referrer
    // leaving the site.
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(
        page.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("same-origin")
    );
    let etag = page.header("etag").unwrap();
    let again = app.request("GET", "/", None, &[("if-none-match", &etag)], None);
    assert_eq!(again.status, 304);
    // Unknown well-known URIs are a JSON 404, not the page (the OAuth
    // metadata this component serves is checked in tests/oauth.rs).
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-protected-resource/other",
    ] {
        assert_eq!(app.get(path, None).error_code(404), "not_found", "{path}");
    }
    let post = app.request("POST", "/.well-known/whatever", None, &[], None);
    assert_eq!(post.error_code(404), "not_found");
    // Client-side routes fall back to the app's page; missing files do not.
    assert_eq!(app.get("/tasks/today", None).status, 200);
    assert_eq!(app.get("/missing.js", None).status, 404);
    // Hashed assets (when the built web app is embedded) are cached for a
    // year and sent gzipped to clients that accept it.
    let html = String::from_utf8_lossy(&page.body).to_string();
    let built = integration_tests::repo_root()
        .join("frontend/dist/index.html")
        .exists();
    assert_eq!(
        html.contains("/assets/"),
        built,
        "the built web app is what the web component serves"
    );
    if let Some(start) = html.find("/assets/") {
        let end = start + html[start..].find('"').unwrap();
        let asset = &html[start..end];
        let plain = app.get(asset, None);
        assert_eq!(plain.status, 200);
        assert_eq!(
            plain.header("cache-control").unwrap(),
            "public, max-age=31536000, immutable"
        );
        let gz = app.request("GET", asset, None, &[("accept-encoding", "gzip")], None);
        assert_eq!(gz.header("content-encoding").as_deref(), Some("gzip"));
        assert_eq!(gz.header("vary").as_deref(), Some("accept-encoding"));
        assert_eq!(&gz.body[..2], &[0x1f, 0x8b]);
        assert!(gz.body.len() < plain.body.len());
        assert_ne!(gz.header("etag"), plain.header("etag"));
    }
}

fn change_feed_resumes_from_a_cursor(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let start = app.get("/api/v1/changes", t).json();
    assert_eq!(start["items"], json!([]));
    let cursor = start["cursor"].as_i64().unwrap();
    let a = app.create_task(&user, json!({"title": "A"}));
    let a_id = a["id"].as_str().unwrap();
    app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{a_id}"),
        t,
        &json!({"title": "A2"}),
    );
    let b = app.create_task(&user, json!({"title": "B"}));
    app.request(
        "DELETE",
        &format!("/api/v1/tasks/{}", b["id"].as_str().unwrap()),
        t,
        &[],
        None,
    );
    // Another user's changes never appear.
    let other = app.sign_up();
    app.create_task(&other, json!({"title": "not yours"}));

    let feed = app
        .get(&format!("/api/v1/changes?since={cursor}"), t)
        .json();
    let items = feed["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "task.upserted",
            "task.upserted",
            "task.upserted",
            "task.deleted"
        ]
    );
    let seqs: Vec<i64> = items.iter().map(|i| i["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (cursor + 1..=cursor + 4).collect::<Vec<_>>(),
        "gap-free and ordered"
    );
    assert_eq!(items[1]["data"]["title"], "A2");
    assert_eq!(items[3]["entityId"], b["id"]);
    let next = feed["cursor"].as_i64().unwrap();
    assert_eq!(next, cursor + 4);
    // Resuming from the middle returns only what came after.
    let tail = app
        .get(&format!("/api/v1/changes?since={}", cursor + 2), t)
        .json();
    assert_eq!(tail["items"].as_array().unwrap().len(), 2);
    // Long poll: a change made while waiting ends the wait early.
    let started = std::time::Instant::now();
    let waited = std::thread::scope(|s| {
        let poll = s.spawn(|| {
            app.get(&format!("/api/v1/changes?since={next}&wait=10"), t)
                .json()
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        app.create_task(&user, json!({"title": "while waiting"}));
        poll.join().unwrap()
    });
    assert_eq!(waited["items"][0]["data"]["title"], "while waiting");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Bad cursors are refused clearly.
    app.get("/api/v1/changes?since=-1", t).error_code(400);
    assert_eq!(
        app.get("/api/v1/changes?since=999999", t).error_code(409),
        "cursor_ahead"
    );
    app.get("/api/v1/changes?since=0&wait=99", t)
        .error_code(400);
    app.get("/api/v1/changes", None).error_code(401);
}

fn change_feed_streams_server_sent_events(app: &TestApp) {
    use std::io::{BufRead, BufReader};
    let user = app.sign_up();
    let cursor = app.get("/api/v1/changes", Some(&user.token)).json()["cursor"]
        .as_i64()
        .unwrap();
    let resp = app
        .http
        .get(format!("{}/api/v1/changes?since={cursor}", app.base))
        .bearer_auth(&user.token)
        .header("accept", "text/event-stream")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let created = std::time::Instant::now();
    let task = app.create_task(&user, json!({"title": "streamed"}));
    let mut lines = BufReader::new(resp).lines();
    let mut id = None;
    loop {
        let line = lines.next().expect("stream open").unwrap();
        if let Some(v) = line.strip_prefix("id: ") {
            id = Some(v.parse::<i64>().unwrap());
        }
        if let Some(data) = line.strip_prefix("data: ") {
            let v: Value = serde_json::from_str(data).unwrap();
            if v["kind"] == "task.upserted" {
                assert_eq!(v["entityId"], task["id"]);
                break;
            }
        }
    }
    assert_eq!(id, Some(cursor + 1));
    assert!(
        created.elapsed() < std::time::Duration::from_secs(2),
        "live within 2 s"
    );
}
