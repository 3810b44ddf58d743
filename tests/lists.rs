//! Lists end to end: the `lists` and `list` components and the tasks'
//! `listId`, on both databases (the events they publish: `events.rs`).

use integration_tests::{TestApp, User};
use serde_json::{json, Value};

integration_tests::on_both_apps!(
    list_crud_and_validation,
    tasks_belong_to_lists_and_filter_by_them,
    deleting_a_list_deletes_its_tasks,
    lists_are_private,
    list_changes_reach_the_change_feed,
);

fn token(user: &User) -> Option<&str> {
    Some(user.token.as_str())
}

fn lists_of(app: &TestApp, user: &User) -> Vec<Value> {
    let r = app.get("/api/v1/lists", token(user));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["items"].as_array().unwrap().clone()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn titles(items: &[Value]) -> Vec<String> {
    let mut t: Vec<String> = items
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    t
}

fn list_crud_and_validation(app: &TestApp) {
    let user = app.sign_up();
    let t = token(&user);
    assert!(lists_of(app, &user).is_empty(), "a new user has no lists");

    let work = app.create_list(&user, json!({"name": " Work ", "color": "#3B82F6"}));
    let mut keys: Vec<&String> = work.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["archived", "color", "createdAt", "id", "name", "updatedAt"]
    );
    assert_eq!(work["name"], "Work");
    assert_eq!(work["color"], "#3b82f6");
    assert_eq!(work["archived"], false);
    let r = app.send_json("POST", "/api/v1/lists", t, &json!({"name": "Groceries"}));
    assert_eq!(r.status, 201);
    let groceries = r.json();
    assert_eq!(
        r.header("location").unwrap(),
        format!("/api/v1/lists/{}", id(&groceries))
    );
    assert_eq!(groceries["color"], Value::Null);

    // One name per user, in any letter case; the Inbox is built in.
    for name in ["work", "WORK", "Inbox"] {
        let r = app.send_json("POST", "/api/v1/lists", t, &json!({ "name": name }));
        assert_eq!(r.error_code(409), "list_exists", "{name}");
    }
    for bad in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"name": 5}),
        json!({"name": "x".repeat(101)}),
        json!({"name": "a\u{7}b"}),
        json!({"name": "ok", "color": "blue"}),
        json!({"name": "ok", "owner": "someone"}),
        json!(["name"]),
    ] {
        let r = app.send_json("POST", "/api/v1/lists", t, &bad);
        assert_eq!(r.status, 400, "{bad}: {}", String::from_utf8_lossy(&r.body));
        assert!(r.json()["error"]["message"].is_string());
    }

    let url = format!("/api/v1/lists/{}", id(&work));
    let read = app.get(&url, t);
    assert_eq!(read.status, 200);
    assert_eq!(read.json(), work);

    let renamed = app.send_json("PATCH", &url, t, &json!({"name": "Office", "color": null}));
    assert_eq!(
        renamed.status,
        200,
        "{}",
        String::from_utf8_lossy(&renamed.body)
    );
    let renamed = renamed.json();
    assert_eq!(renamed["name"], "Office");
    assert_eq!(renamed["color"], Value::Null);
    assert_eq!(renamed["createdAt"], work["createdAt"]);
    // Renaming to its own name in another case is allowed; to another
    // list's name is not.
    let recased = app.send_json("PATCH", &url, t, &json!({"name": "OFFICE"}));
    assert_eq!(recased.status, 200);
    assert_eq!(
        app.send_json("PATCH", &url, t, &json!({"name": "groceries"}))
            .error_code(409),
        "list_exists"
    );
    assert_eq!(
        app.send_json("PATCH", &url, t, &json!({})).error_code(400),
        "empty_update"
    );
    let archived = app.send_json("PATCH", &url, t, &json!({"archived": true}));
    assert_eq!(archived.json()["archived"], true);
    // Open lists come first, each group by name.
    let names: Vec<Value> = lists_of(app, &user)
        .iter()
        .map(|l| l["name"].clone())
        .collect();
    assert_eq!(names, [json!("Groceries"), json!("OFFICE")]);

    let deleted = app.request("DELETE", &url, t, &[], None);
    assert_eq!(deleted.status, 204);
    assert_eq!(app.get(&url, t).error_code(404), "not_found");
    assert_eq!(
        app.request("DELETE", &url, t, &[], None).error_code(404),
        "not_found"
    );
    app.request("PUT", &url, t, &[], None).error_code(405);
    app.get("/api/v1/lists", None).error_code(401);
}

fn tasks_belong_to_lists_and_filter_by_them(app: &TestApp) {
    let user = app.sign_up();
    let t = token(&user);
    let home = app.create_list(&user, json!({"name": "Home"}));
    let work = app.create_list(&user, json!({"name": "Work"}));
    let loose = app.create_task(&user, json!({"title": "Loose end"}));
    assert_eq!(loose["listId"], Value::Null, "new tasks go to the Inbox");
    let dishes = app.create_task(&user, json!({"title": "Dishes", "listId": id(&home)}));
    assert_eq!(dishes["listId"], home["id"]);
    let report = app.create_task(&user, json!({"title": "Report", "listId": id(&work)}));
    assert_eq!(report["listId"], work["id"]);
    let inboxed = app.create_task(&user, json!({"title": "Inboxed", "listId": "inbox"}));
    assert_eq!(inboxed["listId"], Value::Null);

    let in_list = |q: &str| titles(&app.list_all(&user, q));
    assert_eq!(in_list(&format!("listId={}", id(&home))), ["Dishes"]);
    assert_eq!(in_list(&format!("listId={}", id(&work))), ["Report"]);
    assert_eq!(in_list("listId=inbox"), ["Inboxed", "Loose end"]);
    assert_eq!(in_list("").len(), 4);
    // The filter combines with the others.
    assert!(in_list(&format!("listId={}&status=completed", id(&home))).is_empty());
    app.get("/api/v1/tasks?listId=", t).error_code(400);
    assert!(in_list("listId=no-such-list").is_empty());

    // Moving: to another list, then to the Inbox.
    let url = format!("/api/v1/tasks/{}", id(&dishes));
    let moved = app.send_json("PATCH", &url, t, &json!({"listId": id(&work)}));
    assert_eq!(
        moved.status,
        200,
        "{}",
        String::from_utf8_lossy(&moved.body)
    );
    assert_eq!(moved.json()["listId"], work["id"]);
    assert_eq!(moved.json()["version"], 2);
    assert_eq!(
        in_list(&format!("listId={}", id(&work))),
        ["Dishes", "Report"]
    );
    let back = app.send_json("PATCH", &url, t, &json!({"listId": null}));
    assert_eq!(back.json()["listId"], Value::Null);

    // A list that is not the user's is refused, and nothing is written.
    for bad in [json!("no-such-list"), json!(7), json!("a b")] {
        let r = app.send_json(
            "POST",
            "/api/v1/tasks",
            t,
            &json!({"title": "Nowhere", "listId": bad}),
        );
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json()["error"]["details"]["field"], "listId");
        let r = app.send_json("PATCH", &url, t, &json!({ "listId": bad }));
        assert_eq!(r.status, 400, "{bad}");
    }
    assert!(!in_list("").contains(&"Nowhere".to_string()));
    assert_eq!(app.get(&url, t).json()["version"], 3);
}

fn deleting_a_list_deletes_its_tasks(app: &TestApp) {
    let user = app.sign_up();
    let t = token(&user);
    let trip = app.create_list(&user, json!({"name": "Trip"}));
    let keep = app.create_list(&user, json!({"name": "Keep"}));
    let packed = app.create_task(&user, json!({"title": "Pack", "listId": id(&trip)}));
    app.complete_task(&user, id(&packed));
    app.create_task(&user, json!({"title": "Book hotel", "listId": id(&trip)}));
    app.create_task(
        &user,
        json!({"title": "Water plants", "listId": id(&trip),
               "recurrence": {"rrule": "FREQ=DAILY"}}),
    );
    app.create_task(&user, json!({"title": "Stays", "listId": id(&keep)}));
    app.create_task(&user, json!({"title": "Inbox stays"}));

    let r = app.request(
        "DELETE",
        &format!("/api/v1/lists/{}", id(&trip)),
        t,
        &[],
        None,
    );
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        titles(&app.list_all(&user, "limit=100")),
        ["Inbox stays", "Stays"]
    );
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{}", id(&packed)), t)
            .error_code(404),
        "not_found"
    );
    let names: Vec<Value> = lists_of(app, &user)
        .iter()
        .map(|l| l["name"].clone())
        .collect();
    assert_eq!(names, [json!("Keep")]);
    // The name is free again.
    app.create_list(&user, json!({"name": "Trip"}));
}

fn lists_are_private(app: &TestApp) {
    let owner = app.sign_up();
    let other = app.sign_up();
    let secret = app.create_list(&owner, json!({"name": "Secret"}));
    app.create_task(&owner, json!({"title": "Hidden", "listId": id(&secret)}));
    let url = format!("/api/v1/lists/{}", id(&secret));
    let ot = token(&other);
    assert!(lists_of(app, &other).is_empty());
    assert_eq!(app.get(&url, ot).error_code(404), "not_found");
    assert_eq!(
        app.send_json("PATCH", &url, ot, &json!({"name": "Mine"}))
            .error_code(404),
        "not_found"
    );
    assert_eq!(
        app.request("DELETE", &url, ot, &[], None).error_code(404),
        "not_found"
    );
    // Another user's list can neither hold their tasks nor show its own.
    let r = app.send_json(
        "POST",
        "/api/v1/tasks",
        ot,
        &json!({"title": "Sneak in", "listId": id(&secret)}),
    );
    assert_eq!(r.status, 400);
    assert!(app
        .list_all(&other, &format!("listId={}", id(&secret)))
        .is_empty());
    // Both may use the same name.
    app.create_list(&other, json!({"name": "Secret"}));
    assert_eq!(app.get(&url, token(&owner)).json()["name"], "Secret");
    assert_eq!(
        titles(&app.list_all(&owner, &format!("listId={}", id(&secret)))),
        ["Hidden"]
    );
}

fn list_changes_reach_the_change_feed(app: &TestApp) {
    let user = app.sign_up();
    let t = token(&user);
    let cursor = app.get("/api/v1/changes", t).json()["cursor"]
        .as_i64()
        .unwrap();
    let list = app.create_list(&user, json!({"name": "Errands"}));
    let url = format!("/api/v1/lists/{}", id(&list));
    app.send_json("PATCH", &url, t, &json!({"color": "#ff0000"}));
    let task = app.create_task(&user, json!({"title": "Post office", "listId": id(&list)}));
    app.request("DELETE", &url, t, &[], None);
    let feed = app
        .get(&format!("/api/v1/changes?since={cursor}"), t)
        .json();
    let items = feed["items"].as_array().unwrap();
    let seen: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["entityId"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("list.upserted", id(&list)),
            ("list.upserted", id(&list)),
            ("task.upserted", id(&task)),
            ("task.deleted", id(&task)),
            ("list.deleted", id(&list)),
        ]
    );
    assert_eq!(items[1]["data"]["color"], "#ff0000");
    assert_eq!(items[2]["data"]["listId"], list["id"]);
    assert_eq!(items[4]["data"], json!({"id": id(&list)}));
}
