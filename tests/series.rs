//! Handling one occurrence of a repeating task: skipping it (the series
//! goes on, the occurrence is excluded from the rule), deleting only it, or
//! deleting it with the rest of the series, on both databases.

use integration_tests::{TestApp, User};
use serde_json::{json, Value};

integration_tests::on_both_apps!(
    skipping_an_occurrence_excludes_it_and_creates_the_next,
    deleting_only_this_occurrence_keeps_the_series,
    deleting_an_occurrence_ends_the_series_by_default,
    skip_is_refused_where_there_is_nothing_to_skip,
);

/// A daily series at 08:00 in Berlin, starting on a Monday in 2030.
fn daily(app: &TestApp, user: &User, title: &str) -> Value {
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"timezone": "Europe/Berlin"}),
    );
    assert_eq!(r.status, 200);
    app.create_task(
        user,
        json!({"title": title, "dueAt": "2030-06-03T08:00:00+02:00",
               "recurrence": {"rrule": "FREQ=DAILY"}}),
    )
}

fn open_of(app: &TestApp, user: &User) -> Vec<Value> {
    app.list_all(user, "status=open&sort=due")
}

fn series_of(app: &TestApp, user: &User, id: &str) -> Value {
    let all = app.get("/api/v1/recurrences", Some(&user.token)).json();
    all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .cloned()
        .unwrap()
}

fn skipping_an_occurrence_excludes_it_and_creates_the_next(app: &TestApp) {
    let user = app.sign_up();
    let first = daily(app, &user, "Stretch");
    let series = first["seriesId"].as_str().unwrap();
    let skipped = app.send_json(
        "POST",
        &format!("/api/v1/recurrences/{series}/skip"),
        Some(&user.token),
        &json!({}),
    );
    assert_eq!(
        skipped.status,
        200,
        "{}",
        String::from_utf8_lossy(&skipped.body)
    );
    let s = skipped.json();
    assert_eq!(s["exdates"], json!(["2030-06-03T08:00:00"]));
    assert_eq!(s["status"], "active");
    let open = open_of(app, &user);
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["dueAt"], "2030-06-04T06:00:00.000Z");
    assert_eq!(open[0]["seriesId"], series);
    assert_eq!(
        open[0]["recurrence"]["exdates"],
        json!(["2030-06-03T08:00:00"])
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/tasks/{}", first["id"].as_str().unwrap()),
            Some(&user.token)
        )
        .error_code(404),
        "not_found",
        "the skipped occurrence is gone"
    );
    // Completing the next one goes on from there, past the skipped day.
    let next = open[0]["id"].as_str().unwrap();
    app.complete_task(&user, next);
}

fn deleting_only_this_occurrence_keeps_the_series(app: &TestApp) {
    let user = app.sign_up();
    let first = daily(app, &user, "Journal");
    let id = first["id"].as_str().unwrap();
    let r = app.request(
        "DELETE",
        &format!("/api/v1/tasks/{id}?scope=this"),
        Some(&user.token),
        &[],
        None,
    );
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    let open = open_of(app, &user);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["title"], "Journal");
    assert_eq!(open[0]["dueAt"], "2030-06-04T06:00:00.000Z");
    let s = series_of(app, &user, first["seriesId"].as_str().unwrap());
    assert_eq!(s["status"], "active");
    // The scope is checked; an unknown one changes nothing.
    let next = open[0]["id"].as_str().unwrap();
    let bad = app.request(
        "DELETE",
        &format!("/api/v1/tasks/{next}?scope=all-of-them"),
        Some(&user.token),
        &[],
        None,
    );
    assert_eq!(bad.error_code(400), "validation_failed");
    assert_eq!(open_of(app, &user).len(), 1);
}

fn deleting_an_occurrence_ends_the_series_by_default(app: &TestApp) {
    let user = app.sign_up();
    let first = daily(app, &user, "Water the plants");
    let id = first["id"].as_str().unwrap();
    let r = app.request(
        "DELETE",
        &format!("/api/v1/tasks/{id}"),
        Some(&user.token),
        &[],
        None,
    );
    assert_eq!(r.status, 204);
    assert!(open_of(app, &user).is_empty());
    let s = series_of(app, &user, first["seriesId"].as_str().unwrap());
    assert_eq!(s["status"], "stopped", "this and all future");
    // A one-off task deletes as before, with ?scope=following too.
    let plain = app.create_task(&user, json!({"title": "Once"}));
    let r = app.request(
        "DELETE",
        &format!(
            "/api/v1/tasks/{}?scope=following",
            plain["id"].as_str().unwrap()
        ),
        Some(&user.token),
        &[],
        None,
    );
    assert_eq!(r.status, 204);
}

fn skip_is_refused_where_there_is_nothing_to_skip(app: &TestApp) {
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let plain = app.create_task(&user, json!({"title": "Once"}));
    let r = app.request(
        "DELETE",
        &format!("/api/v1/tasks/{}?scope=this", plain["id"].as_str().unwrap()),
        t,
        &[],
        None,
    );
    assert_eq!(r.error_code(409), "not_repeating");
    assert_eq!(open_of(app, &user).len(), 1, "nothing was deleted");
    let first = daily(app, &user, "Read");
    let series = first["seriesId"].as_str().unwrap();
    let stop = app.send_json(
        "POST",
        &format!("/api/v1/recurrences/{series}/stop"),
        t,
        &json!({}),
    );
    assert_eq!(stop.status, 200);
    let r = app.send_json(
        "POST",
        &format!("/api/v1/recurrences/{series}/skip"),
        t,
        &json!({}),
    );
    assert_eq!(r.error_code(409), "series_stopped");
    let r = app.send_json(
        "POST",
        "/api/v1/recurrences/no-such-series/skip",
        t,
        &json!({}),
    );
    assert_eq!(r.error_code(404), "not_found");
    // Another user's series is not found either.
    let other = app.sign_up();
    let r = app.send_json(
        "POST",
        &format!("/api/v1/recurrences/{series}/skip"),
        Some(&other.token),
        &json!({}),
    );
    assert_eq!(r.error_code(404), "not_found");
}
