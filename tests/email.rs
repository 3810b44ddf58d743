//! Reminders by email, end to end: the compiled components, the embedded
//! sidecar's `bindings.smtp` speaking SMTP to a real server process
//! (aiosmtpd, `tests/python/smtp_sink.py`), the confirmation link and the
//! one-click unsubscribe.

use dapr_sidecar::TestClock;
use integration_tests::smtp::SmtpSink;
use integration_tests::system::{SidecarSetup, System};
use integration_tests::{delivery_attempts, link_to, Backend, TestApp, User};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

integration_tests::on_both_backends!(
    mail_reaches_a_confirmed_address_only,
    a_server_that_refuses_then_accepts_gets_the_mail_once,
);

fn start(backend: Backend, sink: &SmtpSink) -> (System, Arc<TestClock>) {
    let clock = Arc::new(TestClock::starting_now());
    let setup = SidecarSetup {
        clock: Some(clock.clone()),
        smtp_url: Some(sink.url.clone()),
        ..Default::default()
    };
    (System::start_with(backend, true, setup), clock)
}

fn settings(app: &TestApp, user: &User, patch: Value) -> Value {
    let r = app.send_json("PATCH", "/api/v1/settings", Some(&user.token), &patch);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn reminder_mails(sink: &SmtpSink) -> Vec<Value> {
    sink.mails()
        .into_iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with("Reminder:"))
        .collect()
}

fn mail_reaches_a_confirmed_address_only(backend: Backend) {
    let sink = SmtpSink::start(0, "");
    let (system, clock) = start(backend, &sink);
    let app = &system.app;
    let user = app.sign_up();
    settings(app, &user, json!({"defaultReminderMinutes": null}));

    // Asking for email reminders mails a confirmation link, nothing else.
    let s = settings(app, &user, json!({"emailReminders": true}));
    assert_eq!(s["emailReminders"], true);
    assert_eq!(s["emailConfirmed"], false);
    assert_eq!(s["emailConfirmation"], "sent");
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let confirm = &mails[0];
    assert_eq!(confirm["rcpt_tos"], json!([user.email]));
    assert!(confirm["list_unsubscribe"].is_null());
    let link = link_to(
        confirm["text"].as_str().unwrap(),
        domain::email::CONFIRM_PATH,
    );

    // Unconfirmed: the reminder reaches the inbox, not the mailbox.
    system.fire_a_reminder(&clock, &user, "Water the plants");
    system.wait_for(Duration::from_secs(5), || {
        (app.notifications(&user).len() == 1).then_some(())
    });
    system.settle();
    assert!(
        reminder_mails(&sink).is_empty(),
        "no mail to an unconfirmed address"
    );

    // The link confirms the address (once).
    let page = app.get(&link, None);
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    assert_eq!(app.get(&link, None).status, 400, "a link works once");
    let s = app.get("/api/v1/settings", Some(&user.token)).json();
    assert_eq!(
        (s["emailReminders"].clone(), s["emailConfirmed"].clone()),
        (json!(true), json!(true))
    );

    // Confirmed: the next reminder arrives by mail within 5 s of its time.
    let fired = system.fire_a_reminder(&clock, &user, "Pay the <rent> & bills");
    let (mail, took) = system.wait_for(Duration::from_secs(5), || reminder_mails(&sink).pop());
    assert!(
        took < Duration::from_secs(5),
        "mailed {:?} after its time",
        fired.elapsed()
    );
    assert_eq!(mail["rcpt_tos"], json!([user.email]));
    assert_eq!(mail["to"], user.email.as_str());
    assert_eq!(mail["subject"], "Reminder: Pay the <rent> & bills");
    assert_eq!(mail["content_type"], "multipart/alternative");
    let text = mail["text"].as_str().expect("a plain-text part");
    assert!(text.contains("Pay the <rent> & bills"), "{text}");
    assert!(mail["html"]
        .as_str()
        .unwrap()
        .contains("Pay the &lt;rent&gt; &amp; bills"));
    assert_eq!(mail["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
    let header = mail["list_unsubscribe"].as_str().unwrap();
    assert!(header.starts_with('<') && header.ends_with('>'), "{header}");
    let unsubscribe = link_to(header, domain::email::UNSUBSCRIBE_PATH);
    assert_eq!(unsubscribe, link_to(text, domain::email::UNSUBSCRIBE_PATH));
    let n = &app.notifications(&user)[0];
    assert!(n["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["channel"] == "email" && d["status"] == "delivered"));

    // Opening the unsubscribe link changes nothing; the one-click POST
    // (RFC 8058) turns email reminders off, and no more mail is sent.
    assert_eq!(app.get(&unsubscribe, None).status, 200);
    assert_eq!(
        app.get("/api/v1/settings", Some(&user.token)).json()["emailReminders"],
        true
    );
    let r = app.request(
        "POST",
        &unsubscribe,
        None,
        &[],
        Some((
            "application/x-www-form-urlencoded",
            b"List-Unsubscribe=One-Click".to_vec(),
        )),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        app.get("/api/v1/settings", Some(&user.token)).json()["emailReminders"],
        false
    );
    system.fire_a_reminder(&clock, &user, "After unsubscribing");
    system.wait_for(Duration::from_secs(5), || {
        (app.notifications(&user).len() == 3).then_some(())
    });
    system.settle();
    assert_eq!(
        reminder_mails(&sink).len(),
        1,
        "nothing after unsubscribing"
    );
    let bad = app.request(
        "POST",
        &format!("{}?token=emu_nope", domain::email::UNSUBSCRIBE_PATH),
        None,
        &[],
        None,
    );
    assert_eq!(bad.error_code(404), "not_found");
}

fn a_server_that_refuses_then_accepts_gets_the_mail_once(backend: Backend) {
    let sink = SmtpSink::start(2, "Reminder:");
    let (system, clock) = start(backend, &sink);
    let app = &system.app;
    let user = app.sign_up();
    settings(app, &user, json!({"defaultReminderMinutes": null}));
    settings(app, &user, json!({"emailReminders": true}));
    let link = link_to(
        sink.mails()[0]["text"].as_str().unwrap(),
        domain::email::CONFIRM_PATH,
    );
    assert_eq!(app.get(&link, None).status, 200);

    system.fire_a_reminder(&clock, &user, "Flaky mail server");
    system.wait_for(Duration::from_secs(10), || reminder_mails(&sink).pop());
    system.settle();
    assert_eq!(reminder_mails(&sink).len(), 1, "delivered once");
    let n = &app.notifications(&user)[0];
    assert_eq!(
        delivery_attempts(n, "email"),
        [(1, "failed"), (2, "failed"), (3, "delivered")].map(|(a, s)| (a, s.to_string()))
    );
}
