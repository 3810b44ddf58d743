//! Web Push, end to end: the compiled components encrypt and sign each
//! reminder for the browsers a user subscribed, and a push service made of
//! reference implementations (`tests/python/push_service.py`: `http_ece`
//! decrypts, `py_vapid` verifies the VAPID JWT) checks what arrives.

use dapr_sidecar::TestClock;
use integration_tests::push::PushService;
use integration_tests::smtp::SmtpSink;
use integration_tests::system::{SidecarSetup, System};
use integration_tests::{delivery_attempts, link_to, Backend, TestApp, User};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

integration_tests::on_both_backends!(
    a_reminder_reaches_every_subscribed_browser,
    a_push_service_that_asks_to_wait_is_waited_for,
    quiet_hours_hold_email_and_push_for_one_digest,
);

#[test]
fn subscriptions_are_checked_and_private() {
    subscriptions_are_checked(Backend::Sqlite);
}

const VAPID_KEY: &str = "3f1c9a7be4d2086a5c1e9b3d7f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e2b4d6f81";

fn start(backend: Backend, push: &PushService) -> (System, Arc<TestClock>) {
    let clock = Arc::new(TestClock::starting_now());
    let setup = SidecarSetup {
        clock: Some(clock.clone()),
        app_variables: vec![
            (
                "push_services".into(),
                format!("fcm.googleapis.com,{}", push.origin),
            ),
            ("vapid_private_key".into(), VAPID_KEY.into()),
        ],
        ..Default::default()
    };
    (System::start_with(backend, true, setup), clock)
}

fn subscribe(app: &TestApp, user: &User, browser: &Value) -> Value {
    let r = app.send_json(
        "POST",
        "/api/v1/push/subscriptions",
        Some(&user.token),
        browser,
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn subscribed(app: &TestApp, user: &User) -> Vec<String> {
    app.get("/api/v1/push/subscriptions", Some(&user.token))
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["endpoint"].as_str().unwrap().to_string())
        .collect()
}

/// A new account whose tasks get only the reminders a test gives them.
fn without_default_reminder(app: &TestApp) -> User {
    let user = app.sign_up();
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"defaultReminderMinutes": null}),
    );
    assert_eq!(r.status, 200);
    user
}

fn endpoint(browser: &Value) -> &str {
    browser["endpoint"].as_str().unwrap()
}

fn a_reminder_reaches_every_subscribed_browser(backend: Backend) {
    let push = PushService::start();
    let (system, clock) = start(backend, &push);
    let app = &system.app;
    let user = without_default_reminder(app);

    // The browser subscribes with the server's public key.
    let key = app.get("/api/v1/push/key", Some(&user.token)).json();
    assert_eq!(
        key["publicKey"],
        webpush::Vapid::from_private(VAPID_KEY)
            .unwrap()
            .public_key()
    );
    let laptop = push.browser("");
    let gone = push.browser("410");
    let mut labelled = laptop.clone();
    labelled["label"] = json!("Laptop");
    let saved = subscribe(app, &user, &labelled);
    assert_eq!(saved["label"], "Laptop");
    subscribe(app, &user, &gone);
    assert_eq!(subscribed(app, &user).len(), 2);

    let fired = system.fire_a_reminder(&clock, &user, "Water the \"big\" plants");
    let (message, took) = system.wait_for(Duration::from_secs(5), || {
        push.messages(endpoint(&laptop)).pop()
    });
    assert!(
        took < Duration::from_secs(5),
        "pushed {:?} after its time",
        fired.elapsed()
    );
    // The reference implementations read it: VAPID verifies, for this
    // push service, with a contact and an expiry within a day.
    assert_eq!(message["vapid_verified"], true, "{message}");
    let claims = &message["vapid_claims"];
    assert_eq!(claims["aud"], push.origin.as_str());
    assert_eq!(claims["sub"], "mailto:postmaster@localhost");
    let exp = claims["exp"].as_i64().unwrap();
    let now_s = domain::time::now_ms() / 1000;
    assert!(exp > now_s && exp <= now_s + 24 * 3600, "exp {exp}");
    assert!(message["decrypt_error"].is_null(), "{message}");
    let payload: Value = serde_json::from_str(message["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["title"], "Water the \"big\" plants");
    assert!(
        payload["body"].as_str().unwrap().starts_with("Due "),
        "{payload}"
    );
    let n = &app.notifications(&user)[0];
    assert_eq!(payload["notificationId"], n["id"]);
    assert_eq!(payload["taskId"], n["taskId"]);
    assert_eq!(payload["reminderId"], n["reminderId"]);
    let headers = &message["headers"];
    assert_eq!(headers["content-encoding"], "aes128gcm");
    assert_eq!(headers["urgency"], "high");
    assert!(headers["ttl"].as_str().unwrap().parse::<u32>().unwrap() > 0);
    assert_eq!(headers["topic"].as_str().unwrap().len(), 32);

    // The browser that unsubscribed (410) got one try and is forgotten.
    system.wait_for(Duration::from_secs(5), || {
        (subscribed(app, &user) == vec![endpoint(&laptop).to_string()]).then_some(())
    });
    assert_eq!(push.messages(endpoint(&gone)).len(), 1);
    let n = &app.notifications(&user)[0];
    assert_eq!(
        delivery_attempts(n, "push"),
        vec![(1, "delivered".to_string())]
    );

    // A second reminder goes to the laptop alone; a redelivered event
    // pushes nothing twice.
    system.fire_a_reminder(&clock, &user, "Second");
    system.wait_for(Duration::from_secs(5), || {
        (push.messages(endpoint(&laptop)).len() == 2).then_some(())
    });
    system.settle();
    assert_eq!(push.messages(endpoint(&laptop)).len(), 2);
    assert_eq!(push.messages(endpoint(&gone)).len(), 1);
}

fn a_push_service_that_asks_to_wait_is_waited_for(backend: Backend) {
    let push = PushService::start();
    let (system, clock) = start(backend, &push);
    let app = &system.app;
    let user = without_default_reminder(app);
    let phone = push.browser("429:1,201");
    subscribe(app, &user, &phone);

    system.fire_a_reminder(&clock, &user, "Call the dentist");
    let (messages, _) = system.wait_for(Duration::from_secs(8), || {
        let m = push.messages(endpoint(&phone));
        (m.len() == 2).then_some(m)
    });
    let gap = messages[1]["at_ms"].as_i64().unwrap() - messages[0]["at_ms"].as_i64().unwrap();
    assert!(gap >= 1000, "asked to wait 1 s, came back after {gap} ms");
    assert_eq!(
        (
            messages[0]["status"].as_str(),
            messages[1]["status"].as_str()
        ),
        (Some("429:1"), Some("201"))
    );
    assert_eq!(messages[0]["payload"], messages[1]["payload"]);
    system.settle();
    assert_eq!(push.messages(endpoint(&phone)).len(), 2, "delivered once");
    let n = &app.notifications(&user)[0];
    assert_eq!(
        delivery_attempts(n, "push"),
        vec![(1, "failed".to_string()), (2, "delivered".to_string())]
    );
    // The push service's answer is shown: it is a listed service, not a probe.
    let first = &n["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == "push")
        .unwrap();
    assert_eq!(first["httpStatus"], 429, "{first}");
    assert_eq!(first["error"], "the push service asked to wait 1s");
}

fn subscriptions_are_checked(backend: Backend) {
    let push = PushService::start();
    let (system, _clock) = start(backend, &push);
    let app = &system.app;
    let (user, other) = (app.sign_up(), app.sign_up());
    let browser = push.browser("");
    let post = |body: &Value, token: Option<&str>| {
        app.send_json("POST", "/api/v1/push/subscriptions", token, body)
    };
    let refused = |body: Value, field: &str| {
        let r = post(&body, Some(&user.token));
        assert_eq!(
            r.status,
            400,
            "{body}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let e = r.json();
        assert_eq!(e["error"]["details"]["field"], field, "{e}");
    };
    let keys = browser["keys"].clone();
    // Only the push services the server sends to, over https (or the
    // listed local origin exactly).
    for bad in [
        "https://evil.example/push/1",
        "http://fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com.evil.example/x",
        "http://127.0.0.1:9/push/1",
        "not a url",
    ] {
        refused(json!({"endpoint": bad, "keys": keys}), "endpoint");
    }
    refused(json!({"endpoint": endpoint(&browser)}), "keys.p256dh");
    refused(
        json!({"endpoint": endpoint(&browser), "keys": {"p256dh": "AAAA", "auth": keys["auth"]}}),
        "keys.p256dh",
    );
    refused(
        json!({"endpoint": endpoint(&browser), "keys": {"p256dh": keys["p256dh"], "auth": "AAAA"}}),
        "keys.auth",
    );
    refused(
        json!({"endpoint": endpoint(&browser), "keys": keys, "label": "x".repeat(101)}),
        "label",
    );
    let r = post(
        &json!({"endpoint": endpoint(&browser), "keys": keys, "owner": "x"}),
        Some(&user.token),
    );
    assert_eq!(
        (r.status, r.json()["error"]["code"].clone()),
        (400, json!("unknown_field"))
    );
    assert_eq!(post(&browser, None).status, 401);

    // The same browser again is the same subscription, refreshed.
    let first = subscribe(app, &user, &browser);
    let again = subscribe(app, &user, &browser);
    assert_eq!(first["id"], again["id"]);
    assert_eq!(subscribed(app, &user).len(), 1);
    // Another account never sees nor removes it.
    assert!(subscribed(app, &other).is_empty());
    let path = format!(
        "/api/v1/push/subscriptions/{}",
        first["id"].as_str().unwrap()
    );
    assert_eq!(
        app.request("DELETE", &path, Some(&other.token), &[], None)
            .status,
        404
    );
    assert_eq!(
        app.request("DELETE", &path, Some(&user.token), &[], None)
            .status,
        204
    );
    assert!(subscribed(app, &user).is_empty());
    assert_eq!(
        app.request("DELETE", &path, Some(&user.token), &[], None)
            .status,
        404
    );

    // At most 20 browsers: the 21st replaces the oldest.
    let browsers: Vec<Value> = (0..21).map(|_| push.browser("")).collect();
    for b in &browsers {
        subscribe(app, &user, b);
    }
    let kept = subscribed(app, &user);
    assert_eq!(kept.len(), 20);
    assert!(!kept.contains(&endpoint(&browsers[0]).to_string()));
    assert!(kept.contains(&endpoint(&browsers[20]).to_string()));
}

/// Reminders that fall in the user's quiet hours reach the inbox at once;
/// their email and push wait for the end of the window and go out together,
/// one mail and one push message, on the test clock.
fn quiet_hours_hold_email_and_push_for_one_digest(backend: Backend) {
    let push = PushService::start();
    let sink = SmtpSink::start(0, "");
    let clock = Arc::new(TestClock::starting_now());
    let setup = SidecarSetup {
        clock: Some(clock.clone()),
        smtp_url: Some(sink.url.clone()),
        app_variables: vec![
            ("push_services".into(), push.origin.clone()),
            ("vapid_private_key".into(), VAPID_KEY.into()),
        ],
        ..Default::default()
    };
    let system = System::start_with(backend, true, setup);
    let app = &system.app;
    let user = app.sign_up();
    let patch = |body: Value| {
        let r = app.send_json("PATCH", "/api/v1/settings", Some(&user.token), &body);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        r.json()
    };
    // Mail confirmed, a browser subscribed.
    patch(json!({"defaultReminderMinutes": null, "emailReminders": true}));
    let confirm = link_to(
        sink.mails()[0]["text"].as_str().unwrap(),
        domain::email::CONFIRM_PATH,
    );
    assert_eq!(app.get(&confirm, None).status, 200);
    let browser = push.browser("");
    subscribe(app, &user, &browser);

    // Quiet hours around the present (UTC, the account's zone): from an
    // hour ago to two hours on.
    let now = domain::time::now_ms();
    let minute = |offset: i64| {
        let m = (now / 60_000 + offset).rem_euclid(24 * 60);
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    let window = json!({"start": minute(-60), "end": minute(120)});
    assert_eq!(patch(json!({ "quietHours": window }))["quietHours"], window);
    let release_at = domain::quiet::QuietHours::parse(&window)
        .unwrap()
        .unwrap()
        .release_at(now, domain::user::Timezone::UTC.tz())
        .expect("now is in the window");

    // Two reminders fire: both in the inbox at once, nothing else yet.
    system.fire_a_reminder(&clock, &user, "Pay the rent");
    system.fire_a_reminder(&clock, &user, "Call Ana");
    let (inbox, _) = system.wait_for(Duration::from_secs(5), || {
        let n = app.notifications(&user);
        (n.len() == 2 && n.iter().all(|n| !n["heldUntil"].is_null())).then_some(n)
    });
    assert_eq!(inbox[0]["heldUntil"], domain::time::format_ms(release_at));
    system.settle();
    assert_eq!(sink.mails().len(), 1, "only the confirmation");
    assert!(push.messages(endpoint(&browser)).is_empty());
    assert!(delivery_attempts(&inbox[0], "email").is_empty());

    // The window ends: one digest mail and one push message carry both.
    clock.set(chrono::DateTime::from_timestamp_millis(release_at + 1000).unwrap());
    let (mail, _) = system.wait_for(Duration::from_secs(5), || sink.mails().get(1).cloned());
    assert_eq!(mail["subject"], "2 reminders from your quiet hours");
    let text = mail["text"].as_str().unwrap();
    assert!(
        text.contains("- Pay the rent") && text.contains("- Call Ana"),
        "{text}"
    );
    assert_eq!(mail["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
    let (message, _) = system.wait_for(Duration::from_secs(5), || {
        push.messages(endpoint(&browser)).pop()
    });
    assert_eq!(message["vapid_verified"], true);
    let payload: Value = serde_json::from_str(message["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["kind"], "digest");
    assert_eq!(payload["title"], "2 reminders from your quiet hours");
    assert_eq!(payload["body"], "Pay the rent\nCall Ana");
    let (inbox, _) = system.wait_for(Duration::from_secs(5), || {
        let n = app.notifications(&user);
        n.iter().all(|n| n["heldUntil"].is_null()).then_some(n)
    });
    for n in &inbox {
        for channel in ["email", "push"] {
            assert_eq!(
                delivery_attempts(n, channel)
                    .last()
                    .map(|(_, s)| s.as_str()),
                Some("delivered"),
                "{channel}: {n}"
            );
        }
    }

    // Once: nothing more goes out.
    system.settle();
    assert_eq!(sink.mails().len(), 2);
    assert_eq!(push.messages(endpoint(&browser)).len(), 1);

    // Outside the window a reminder goes out at once, as itself.
    patch(json!({ "quietHours": null }));
    let task = app.create_task(
        &user,
        json!({"title": "Water the plants", "dueAt": domain::time::format_ms(now + 300 * 60_000)}),
    );
    let fire_at = release_at + 30 * 60_000;
    let r = app.send_json(
        "POST",
        &format!("/api/v1/tasks/{}/reminders", task["id"].as_str().unwrap()),
        Some(&user.token),
        &json!({"at": domain::time::format_ms(fire_at)}),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    system.settle();
    clock.set(chrono::DateTime::from_timestamp_millis(fire_at + 1000).unwrap());
    let (mail, _) = system.wait_for(Duration::from_secs(5), || sink.mails().get(2).cloned());
    assert_eq!(mail["subject"], "Reminder: Water the plants");
}
