//! The calendar feed end to end, on both databases: made, read by a real
//! iCalendar parser (with repeating events expanded as calendar apps do),
//! polled cheaply with its validators, and revoked.

use integration_tests::ical::occurrences;
use integration_tests::{TestApp, User};
use serde_json::{json, Value};

integration_tests::on_both_apps!(
    the_feed_shows_tasks_series_and_reminders_to_a_calendar_parser,
    polling_is_cheap_and_sees_every_change,
    a_feed_is_secret_and_revocable,
);

fn make_feed(app: &TestApp, user: &User) -> String {
    let r = app.send_json("POST", "/api/v1/calendar", Some(&user.token), &json!({}));
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let url = r.json()["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with("/api/v1/calendar/feed/") && url.ends_with(".ics"),
        "{url}"
    );
    url
}

fn fetch(app: &TestApp, url: &str, headers: &[(&str, &str)]) -> integration_tests::Resp {
    app.request("GET", url, None, headers, None)
}

fn berlin(app: &TestApp, user: &User) {
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"timezone": "Europe/Berlin"}),
    );
    assert_eq!(r.status, 200);
}

fn the_feed_shows_tasks_series_and_reminders_to_a_calendar_parser(app: &TestApp) {
    let user = app.sign_up();
    berlin(app, &user);
    let t = Some(user.token.as_str());
    let dentist = app.create_task(
        &user,
        json!({"title": "Dentist, bring card; 2nd floor", "dueAt": "2030-03-28T10:30:00+01:00",
               "priority": "high", "tags": ["health"]}),
    );
    let r = app.send_json(
        "POST",
        &format!(
            "/api/v1/tasks/{}/reminders",
            dentist["id"].as_str().unwrap()
        ),
        t,
        &json!({"before": "1h"}),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    // A date without a time: the end of that day, an all-day event.
    app.create_task(
        &user,
        json!({"title": "Pay rent", "dueAt": "2030-03-31T23:59:59.999+02:00"}),
    );
    // Mondays at 09:00 in Berlin, across the switch to summer time; the
    // second Monday skipped.
    let standup = app.create_task(
        &user,
        json!({"title": "Stand-up", "dueAt": "2030-03-25T09:00:00+01:00",
               "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO"}}),
    );
    let series = standup["seriesId"].as_str().unwrap();
    app.complete_task(&user, standup["id"].as_str().unwrap());
    // (The next instance is made by the recurrence agent in a full system;
    // here, resuming makes it at once.)
    app.send_json(
        "POST",
        &format!("/api/v1/recurrences/{series}/stop"),
        t,
        &json!({}),
    );
    app.send_json(
        "POST",
        &format!("/api/v1/recurrences/{series}/resume"),
        t,
        &json!({}),
    );
    let r = app.send_json(
        "POST",
        &format!("/api/v1/recurrences/{series}/skip"),
        t,
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // Done tasks and tasks without a date stay out.
    let done = app.create_task(
        &user,
        json!({"title": "Old news", "dueAt": "2030-03-27T09:00:00Z"}),
    );
    app.complete_task(&user, done["id"].as_str().unwrap());
    app.create_task(&user, json!({"title": "Someday"}));

    let url = make_feed(app, &user);
    let feed = fetch(app, &url, &[]);
    assert_eq!(feed.status, 200, "{}", String::from_utf8_lossy(&feed.body));
    assert_eq!(
        feed.header("content-type").unwrap(),
        "text/calendar; charset=utf-8"
    );
    let text = String::from_utf8(feed.body.clone()).unwrap();
    let got = occurrences(
        &text,
        "2030-03-01T00:00:00+00:00",
        "2030-04-20T00:00:00+00:00",
    );
    let seen: Vec<(&str, &str)> = got
        .iter()
        .map(|o| (o["summary"].as_str().unwrap(), o["start"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("Dentist, bring card; 2nd floor", "2030-03-28T09:30:00Z"),
            ("Pay rent", "2030-03-31"),
            // 1 April skipped; then 09:00 summer time (UTC+2).
            ("Stand-up", "2030-04-08T07:00:00Z"),
            ("Stand-up", "2030-04-15T07:00:00Z"),
        ],
        "{text}"
    );
    // The series' dates are the recurrence engine's, from the rule the API
    // shows: the same instants, the skipped Monday left out.
    let listed = app.get("/api/v1/recurrences", t).json();
    let shown = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == series)
        .unwrap();
    let rule: recurrence::Recurrence = serde_json::from_value(json!({
        "rrule": shown["rrule"], "mode": shown["mode"], "timezone": shown["timezone"],
        "dtstart": shown["dtstart"], "exdates": shown["exdates"],
    }))
    .unwrap();
    let from = domain::time::parse_instant("t", "2030-03-26T00:00:00Z").unwrap();
    let engine: Vec<String> = rule
        .occurrences_after(from, 2)
        .unwrap()
        .into_iter()
        .map(|ms| domain::time::format_ms(ms).replace(".000", ""))
        .collect();
    let feed_dates: Vec<&str> = got[2..]
        .iter()
        .map(|o| o["start"].as_str().unwrap())
        .collect();
    assert_eq!(engine, feed_dates);
    let dentist_event = &got[0];
    assert_eq!(dentist_event["categories"], json!(["health"]));
    assert_eq!(dentist_event["priority"], 3);
    // An hour before (the parser writes -PT60M back as -PT1H).
    assert_eq!(dentist_event["alarms"], json!(["-PT1H"]));
    assert_eq!(got[2]["uid"], format!("series-{series}@task-manager"));
    assert_eq!(got[2]["uid"], got[3]["uid"], "a series is one event");
}

fn polling_is_cheap_and_sees_every_change(app: &TestApp) {
    let user = app.sign_up();
    let task = app.create_task(
        &user,
        json!({"title": "Call Sam", "dueAt": "2030-05-01T15:00:00Z"}),
    );
    let url = make_feed(app, &user);
    let first = fetch(app, &url, &[]);
    let etag = first.header("etag").unwrap();
    let modified = first.header("last-modified").unwrap();
    assert!(modified.ends_with(" GMT"), "{modified}");
    let again = fetch(app, &url, &[("if-none-match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag").unwrap(), etag);
    let since = fetch(app, &url, &[("if-modified-since", &modified)]);
    assert_eq!(since.status, 304);
    // A change, then a deletion: each gives a new ETag and the new content.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let id = task["id"].as_str().unwrap();
    app.send_json(
        "PATCH",
        &format!("/api/v1/tasks/{id}"),
        Some(&user.token),
        &json!({"title": "Call Sam back"}),
    );
    let changed = fetch(app, &url, &[("if-none-match", &etag)]);
    assert_eq!(changed.status, 200);
    assert!(String::from_utf8_lossy(&changed.body).contains("SUMMARY:Call Sam back"));
    let etag2 = changed.header("etag").unwrap();
    assert_ne!(etag2, etag);
    let modified2 = changed.header("last-modified").unwrap();
    assert_eq!(
        fetch(app, &url, &[("if-modified-since", &modified)]).status,
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    app.request(
        "DELETE",
        &format!("/api/v1/tasks/{id}"),
        Some(&user.token),
        &[],
        None,
    );
    let gone = fetch(app, &url, &[("if-modified-since", &modified2)]);
    assert_eq!(gone.status, 200, "a deletion is a change too");
    assert!(!String::from_utf8_lossy(&gone.body).contains("Call Sam"));
}

fn a_feed_is_secret_and_revocable(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let none = app.get("/api/v1/calendar", t).json();
    assert_eq!(none, json!({"url": null, "createdAt": null}));
    app.create_task(
        &user,
        json!({"title": "Mine only", "dueAt": "2030-05-01T15:00:00Z"}),
    );
    let url = make_feed(app, &user);
    assert_eq!(app.get("/api/v1/calendar", t).json()["url"], url.as_str());
    // Regenerating ends the old URL at once.
    let renewed = make_feed(app, &user);
    assert_ne!(renewed, url);
    assert_eq!(fetch(app, &url, &[]).error_code(404), "not_found");
    assert_eq!(fetch(app, &renewed, &[]).status, 200);
    // Another user's feed shows nothing of this user's.
    let other = app.sign_up();
    let theirs = make_feed(app, &other);
    let body = fetch(app, &theirs, &[]).body;
    assert!(!String::from_utf8_lossy(&body).contains("Mine only"));
    // Guessing and revoking.
    for bad in [
        "/api/v1/calendar/feed/not-a-token.ics",
        "/api/v1/calendar/feed/0000000000000000000000000000000000000000000000000000000000000000.ics",
    ] {
        assert_eq!(fetch(app, bad, &[]).error_code(404), "not_found");
    }
    let r = app.request("DELETE", "/api/v1/calendar", t, &[], None);
    assert_eq!(r.status, 204);
    assert_eq!(fetch(app, &renewed, &[]).error_code(404), "not_found");
    assert_eq!(app.get("/api/v1/calendar", t).json()["url"], Value::Null);
    app.get("/api/v1/calendar", None).error_code(401);
    let r = app.request("POST", &renewed, None, &[], None);
    assert_eq!(r.error_code(405), "method_not_allowed");
}
