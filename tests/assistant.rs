//! The assistant end to end, through the compiled `chat` and `mcp`
//! components: conversations read by the built-in parser, the model path
//! against a local fake OpenAI-compatible server (with its fallbacks), the
//! overdue agent reacting to a task made from a sentence, and an MCP
//! session. Every action goes through the task service, so the REST API
//! sees the results.

use integration_tests::fake_llm::{Answer, FakeLlm};
use integration_tests::system::System;
use integration_tests::{app, start_host, Backend, HostSetup, Resp, TestApp, User};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

integration_tests::on_both_backends!(
    conversation_adds_lists_completes_and_deletes_with_confirmation,
    ambiguous_names_get_a_question_and_impossible_requests_a_refusal,
    the_previous_task_carries_over_to_the_next_turn,
    recurring_tasks_from_sentences_have_the_right_rule_and_next_date,
    conversations_are_kept_private_and_checked,
    overdue_agent_reacts_to_a_task_created_by_a_sentence,
    model_path_runs_tool_calls_and_falls_back_to_the_parser,
    mcp_session_manages_tasks,
    mcp_protocol_and_auth_errors,
    a_message_naming_a_list_adds_into_it,
);

/// Every tool, in the order MCP's tools/list and the model's request give them.
const TOOLS: [&str; 14] = [
    "list_tasks",
    "create_task",
    "update_task",
    "complete_task",
    "delete_task",
    "add_reminder",
    "list_lists",
    "create_list",
    "list_reminders",
    "snooze_reminder",
    "dismiss_reminder",
    "list_suggestions",
    "accept_suggestion",
    "dismiss_suggestion",
];

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

fn now_ms() -> i64 {
    domain::time::now_ms()
}

fn iso(ms: i64) -> String {
    domain::time::format_ms(ms)
}

fn ms(text: &str) -> i64 {
    domain::time::parse_instant("t", text).unwrap()
}

/// One conversation of one user.
struct Chat<'a> {
    app: &'a TestApp,
    user: &'a User,
    id: Option<String>,
}

impl<'a> Chat<'a> {
    fn new(app: &'a TestApp, user: &'a User) -> Chat<'a> {
        Chat {
            app,
            user,
            id: None,
        }
    }

    fn post(&self, message: &str) -> Resp {
        let mut body = json!({ "message": message });
        if let Some(id) = &self.id {
            body["conversationId"] = json!(id);
        }
        self.app
            .send_json("POST", "/api/v1/chat", Some(&self.user.token), &body)
    }

    #[track_caller]
    fn say(&mut self, message: &str) -> Value {
        let r = self.post(message);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let body = r.json();
        let id = body["conversationId"].as_str().unwrap().to_string();
        if let Some(known) = &self.id {
            assert_eq!(known, &id, "the same conversation");
        }
        self.id = Some(id);
        body
    }
}

fn actions_of<'v>(body: &'v Value, kind: &str) -> Vec<&'v Value> {
    body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == kind)
        .collect()
}

#[track_caller]
fn one_action<'v>(body: &'v Value, kind: &str) -> &'v Value {
    let found = actions_of(body, kind);
    assert_eq!(found.len(), 1, "one {kind} in {body}");
    found[0]
}

fn get_task(app: &TestApp, user: &User, id: &str) -> Resp {
    app.get(&format!("/api/v1/tasks/{id}"), Some(&user.token))
}

fn conversation_adds_lists_completes_and_deletes_with_confirmation(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let mut chat = Chat::new(app, &user);

    let added = chat.say("Add task Buy milk tomorrow");
    assert_eq!(added["source"], "parser");
    assert!(added["explanation"].as_str().unwrap().contains("Buy milk"));
    let milk = one_action(&added, "task.created");
    assert_eq!(milk["title"], "Buy milk");
    assert!(milk["task"]["dueAt"].is_string());
    let milk_id = milk["taskId"].as_str().unwrap().to_string();
    assert!(added["reply"].as_str().unwrap().contains("“Buy milk”"));
    assert!(added.get("pending").is_none());

    let rent = chat.say("Add Pay rent on Friday with high priority #home");
    let rent = one_action(&rent, "task.created");
    let rent_id = rent["taskId"].as_str().unwrap().to_string();
    let stored = get_task(app, &user, &rent_id).json();
    assert_eq!(stored["title"], "Pay rent");
    assert_eq!(stored["priority"], "high");
    assert_eq!(stored["tags"], json!(["home"]));

    let listed = chat.say("show my tasks");
    let list = one_action(&listed, "tasks.listed");
    assert_eq!(list["count"], 2);
    let reply = listed["reply"].as_str().unwrap();
    assert!(
        reply.contains("Buy milk") && reply.contains("Pay rent"),
        "{reply}"
    );

    let done = chat.say("complete buy milk");
    assert_eq!(
        one_action(&done, "task.completed")["taskId"],
        milk_id.as_str()
    );
    assert_eq!(get_task(app, &user, &milk_id).json()["completed"], true);
    let open = chat.say("what's open?");
    assert_eq!(one_action(&open, "tasks.listed")["count"], 1);

    // Delete by name: asked first, done only after a yes.
    let asked = chat.say("delete buy milk");
    assert!(asked["actions"].as_array().unwrap().is_empty());
    assert_eq!(asked["pending"]["type"], "confirm");
    assert_eq!(asked["pending"]["action"], "delete_task");
    assert_eq!(asked["pending"]["taskId"], milk_id.as_str());
    assert!(asked["reply"].as_str().unwrap().contains("yes or no"));
    assert_eq!(get_task(app, &user, &milk_id).status, 200);
    let deleted = chat.say("yes");
    assert_eq!(
        one_action(&deleted, "task.deleted")["taskId"],
        milk_id.as_str()
    );
    assert!(deleted.get("pending").is_none());
    assert_eq!(get_task(app, &user, &milk_id).status, 404);

    // A no keeps the task; a later yes has nothing to confirm.
    let asked = chat.say("delete pay rent");
    assert_eq!(asked["pending"]["taskId"], rent_id.as_str());
    let kept = chat.say("no");
    assert!(kept["actions"].as_array().unwrap().is_empty());
    assert!(kept["reply"].as_str().unwrap().contains("won't delete"));
    let stray = chat.say("yes");
    assert!(stray["actions"].as_array().unwrap().is_empty());
    assert_eq!(get_task(app, &user, &rent_id).status, 200);

    // A question left unanswered is dropped by the next command.
    chat.say("delete pay rent");
    let other = chat.say("Add task Call the bank");
    one_action(&other, "task.created");
    let stray = chat.say("yes");
    assert!(stray["actions"].as_array().unwrap().is_empty());
    assert_eq!(get_task(app, &user, &rent_id).status, 200);
}

fn ambiguous_names_get_a_question_and_impossible_requests_a_refusal(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let submit = app.create_task(&user, json!({"title": "Submit report"}));
    let quarterly = app.create_task(&user, json!({"title": "Quarterly report"}));
    let mut chat = Chat::new(app, &user);

    let asked = chat.say("complete the report");
    assert!(asked["actions"].as_array().unwrap().is_empty());
    let pending = &asked["pending"];
    assert_eq!(pending["type"], "choose");
    assert_eq!(pending["action"], "complete_task");
    let mut ids: Vec<&str> = pending["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![
        submit["id"].as_str().unwrap(),
        quarterly["id"].as_str().unwrap(),
    ];
    expected.sort();
    assert_eq!(ids, expected);
    let question = asked["reply"].as_str().unwrap();
    assert!(
        question.contains("Submit report") && question.contains("Quarterly report"),
        "{question}"
    );

    let done = chat.say("the quarterly one");
    assert_eq!(
        one_action(&done, "task.completed")["taskId"],
        quarterly["id"]
    );
    assert_eq!(
        get_task(app, &user, submit["id"].as_str().unwrap()).json()["completed"],
        false
    );

    // Ambiguous delete: chosen by its position, then still confirmed.
    app.create_task(&user, json!({"title": "Report expenses"}));
    let asked = chat.say("delete report");
    assert_eq!(asked["pending"]["type"], "choose");
    let candidates = asked["pending"]["candidates"].as_array().unwrap().clone();
    assert_eq!(candidates.len(), 2, "{asked}");
    let position = candidates
        .iter()
        .position(|c| c["title"] == "Report expenses")
        .unwrap();
    let chosen = candidates[position]["id"].as_str().unwrap().to_string();
    let confirm = chat.say(["the first one", "the second one"][position]);
    assert_eq!(confirm["pending"]["type"], "confirm");
    assert_eq!(confirm["pending"]["taskId"], chosen.as_str());
    let deleted = chat.say("yes");
    assert_eq!(
        one_action(&deleted, "task.deleted")["taskId"],
        chosen.as_str()
    );

    // Impossible, unknown and unmatched requests are answered in words.
    let refused = chat.say("remind me yesterday");
    assert!(refused["actions"].as_array().unwrap().is_empty());
    assert!(refused.get("pending").is_none());
    assert!(
        refused["reply"].as_str().unwrap().contains("past"),
        "{refused}"
    );
    let unknown = chat.say("hello");
    assert!(unknown["reply"]
        .as_str()
        .unwrap()
        .starts_with("Sorry, I didn't understand"));
    let missing = chat.say("mark walk the dog as done");
    assert!(missing["reply"].as_str().unwrap().contains("couldn't find"));
    // With no task so named, "complete …" is a new to-do of that name.
    let added = chat.say("complete the tax form");
    assert_eq!(
        one_action(&added, "task.created")["title"],
        "Complete the tax form"
    );
    let no_due = chat.say("remind me about submit report 15 minutes before");
    assert!(no_due["actions"].as_array().unwrap().is_empty());
    assert!(
        no_due["reply"].as_str().unwrap().contains("no due time"),
        "{no_due}"
    );
}

fn the_previous_task_carries_over_to_the_next_turn(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let mut chat = Chat::new(app, &user);
    let added = chat.say("Meeting with Sarah tomorrow at 3pm");
    let task = one_action(&added, "task.created");
    let id = task["taskId"].as_str().unwrap().to_string();
    let due = ms(task["task"]["dueAt"].as_str().unwrap());

    let reminded = chat.say("remind me 15 minutes before");
    let action = one_action(&reminded, "reminder.created");
    assert_eq!(action["taskId"], id.as_str());
    assert_eq!(action["reminder"]["beforeMinutes"], 15);
    let list = app.get(&format!("/api/v1/tasks/{id}/reminders"), Some(&user.token));
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(ms(items[0]["fireAt"].as_str().unwrap()), due - 15 * 60_000);

    let moved = chat.say("move it to the day after tomorrow at 10am");
    let updated = one_action(&moved, "task.updated");
    assert_eq!(updated["taskId"], id.as_str());
    assert_ne!(ms(updated["task"]["dueAt"].as_str().unwrap()), due);

    let deleted = chat.say("delete it");
    assert_eq!(deleted["pending"]["taskId"], id.as_str());
    one_action(&chat.say("yes"), "task.deleted");
    // The task is gone, so "it" is no more.
    let after = chat.say("remind me 10 minutes before");
    assert!(after["actions"].as_array().unwrap().is_empty());
}

/// The next `hour:minute` UTC on a day `matches` accepts, after `now`.
fn next_utc(now: i64, hour: i64, minute: i64, matches: impl Fn(chrono::NaiveDate) -> bool) -> i64 {
    let day_start = now - now.rem_euclid(DAY_MS);
    (0..400)
        .map(|d| day_start + d * DAY_MS + hour * HOUR_MS + minute * 60_000)
        .find(|t| {
            *t > now
                && matches(
                    chrono::DateTime::from_timestamp_millis(*t)
                        .unwrap()
                        .date_naive(),
                )
        })
        .unwrap()
}

fn recurring_tasks_from_sentences_have_the_right_rule_and_next_date(backend: Backend) {
    use chrono::Datelike;
    let app = app(backend);
    let user = app.sign_up();
    let mut chat = Chat::new(app, &user);

    // The user's zone is UTC (the default), so local times are UTC times.
    let before = now_ms();
    let daily = chat.say("Water plants every day at 8am");
    let task = &one_action(&daily, "task.created")["task"];
    assert_eq!(task["recurrence"]["rrule"], "FREQ=DAILY");
    assert_eq!(task["recurrence"]["timezone"], "UTC");
    assert!(task["seriesId"].is_string());
    let due = ms(task["dueAt"].as_str().unwrap());
    assert!(
        due == next_utc(before, 8, 0, |_| true) || due == next_utc(now_ms(), 8, 0, |_| true),
        "due {}",
        iso(due)
    );
    assert!(daily["reply"].as_str().unwrap().contains("repeating"));

    let monthly = chat.say("Pay bills on the 1st of every month");
    let task = &one_action(&monthly, "task.created")["task"];
    assert_eq!(task["recurrence"]["rrule"], "FREQ=MONTHLY;BYMONTHDAY=1");
    let due = ms(task["dueAt"].as_str().unwrap());
    assert_eq!(due, next_utc(now_ms(), 9, 0, |d| d.day() == 1));

    // A series with an end: a count, or a last day.
    let course = chat.say("Take the antibiotics every day at 9am, 7 times in total");
    let task = &one_action(&course, "task.created")["task"];
    assert_eq!(task["recurrence"]["rrule"], "FREQ=DAILY;COUNT=7");
    assert_eq!(task["title"], "Take the antibiotics");
    let standup = chat.say("standup every weekday at 9:30 until 31 December 2099");
    let task = &one_action(&standup, "task.created")["task"];
    assert_eq!(
        task["recurrence"]["rrule"],
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20991231"
    );
    let due = ms(task["dueAt"].as_str().unwrap());
    assert!(
        due - now_ms() < 4 * DAY_MS,
        "starts now, not on the last day"
    );

    // "remind me to X every Monday": a recurring task with a reminder at
    // each occurrence's time.
    let trash = chat.say("remind me to take out the trash every Monday");
    let created = one_action(&trash, "task.created");
    assert_eq!(
        created["task"]["recurrence"]["rrule"],
        "FREQ=WEEKLY;BYDAY=MO"
    );
    let due = ms(created["task"]["dueAt"].as_str().unwrap());
    assert_eq!(
        due,
        next_utc(now_ms(), 9, 0, |d| d.weekday() == chrono::Weekday::Mon)
    );
    let reminder = one_action(&trash, "reminder.created");
    assert_eq!(reminder["reminder"]["beforeMinutes"], 0);
    assert_eq!(ms(reminder["reminder"]["fireAt"].as_str().unwrap()), due);

    // In the user's own zone: 09:30 Berlin time on weekdays.
    let r = app.send_json(
        "PATCH",
        "/api/v1/settings",
        Some(&user.token),
        &json!({"timezone": "Europe/Berlin"}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let standup = chat.say("Standup every weekday at 9:30");
    let task = &one_action(&standup, "task.created")["task"];
    assert_eq!(
        task["recurrence"]["rrule"],
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    );
    assert_eq!(task["recurrence"]["timezone"], "Europe/Berlin");
    assert!(task["recurrence"]["dtstart"]
        .as_str()
        .unwrap()
        .contains("T09:30"));
    let due = chrono::DateTime::from_timestamp_millis(ms(task["dueAt"].as_str().unwrap())).unwrap();
    // Berlin is UTC+1 in winter and UTC+2 in summer.
    let utc_time = due.format("%H:%M").to_string();
    assert!(utc_time == "08:30" || utc_time == "07:30", "{utc_time}");
    assert!(due.timestamp_millis() > now_ms());
    assert!(due.timestamp_millis() < now_ms() + 4 * DAY_MS);

    // "every 2 hours": the parser's rule is one the recurrence engine runs
    // (it used to refuse FREQ=HOURLY, so the chat could not add it).
    let hourly = chat.say("Stretch every 2 hours");
    let task = &one_action(&hourly, "task.created")["task"];
    assert_eq!(task["recurrence"]["rrule"], "FREQ=HOURLY;INTERVAL=2");
    // Without a time of day the series starts at the next full hour: the
    // first due time is within a day.
    let due = ms(task["dueAt"].as_str().unwrap());
    assert!(
        due > now_ms() - 60_000 && due <= now_ms() + DAY_MS,
        "due {}",
        iso(due)
    );

    // The series (the two with an end too) are listed by the recurrences API.
    let series = app.get("/api/v1/recurrences", Some(&user.token)).json();
    assert_eq!(series["items"].as_array().unwrap().len(), 7);
}

fn conversations_are_kept_private_and_checked(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let other = app.sign_up();
    let mut chat = Chat::new(app, &user);
    chat.say("Add task Renew passport");
    chat.say("show my tasks");
    let id = chat.id.clone().unwrap();

    let view = app.get(
        &format!("/api/v1/chat/conversations/{id}"),
        Some(&user.token),
    );
    assert_eq!(view.status, 200);
    let view = view.json();
    let turns = view["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 4);
    let roles: Vec<&str> = turns.iter().map(|t| t["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant"]);
    assert_eq!(turns[0]["text"], "Add task Renew passport");
    assert_eq!(turns[1]["actions"][0]["type"], "task.created");
    assert_eq!(turns[1]["source"], "parser");
    assert_eq!(turns[3]["seq"], 4);
    let list = app
        .get("/api/v1/chat/conversations", Some(&user.token))
        .json();
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["turns"], 4);

    // Another user's conversation does not exist for them.
    let r = app.get(
        &format!("/api/v1/chat/conversations/{id}"),
        Some(&other.token),
    );
    assert_eq!(r.error_code(404), "not_found");
    let r = app.send_json(
        "POST",
        "/api/v1/chat",
        Some(&other.token),
        &json!({"message": "show my tasks", "conversationId": id}),
    );
    assert_eq!(r.error_code(404), "not_found");
    let r = app.send_json(
        "POST",
        "/api/v1/chat",
        Some(&user.token),
        &json!({"message": "hi", "conversationId": "no-such-conversation"}),
    );
    assert_eq!(r.error_code(404), "not_found");

    // Limits and shapes.
    let post =
        |body: Value, token: Option<&str>| app.send_json("POST", "/api/v1/chat", token, &body);
    let t = Some(user.token.as_str());
    assert_eq!(
        post(json!({"message": "x".repeat(2001)}), t).error_code(400),
        "validation_failed"
    );
    assert_eq!(post(json!({"message": "x".repeat(2000)}), t).status, 200);
    assert_eq!(post(json!({}), t).error_code(400), "validation_failed");
    assert_eq!(
        post(json!({"message": "  "}), t).error_code(400),
        "validation_failed"
    );
    assert_eq!(
        post(json!({"message": "hi", "mood": "good"}), t).error_code(400),
        "unknown_field"
    );
    assert_eq!(
        post(json!({"message": "hi"}), None).error_code(401),
        "unauthorized"
    );
    assert_eq!(
        app.get("/api/v1/chat", t).error_code(405),
        "method_not_allowed"
    );
    // Another user's tasks are not found by name either.
    let mut theirs = Chat::new(app, &other);
    let r = theirs.say("mark renew passport as done");
    assert!(r["reply"].as_str().unwrap().contains("couldn't find"));
}

fn overdue_for(app: &TestApp, user: &User, task_id: &str) -> Option<Value> {
    let r = app.get("/api/v1/suggestions", Some(&user.token));
    assert_eq!(r.status, 200);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == "overdue" && s["taskId"] == task_id)
        .cloned()
}

fn overdue_agent_reacts_to_a_task_created_by_a_sentence(backend: Backend) {
    let system = System::start(backend, true);
    let app = &system.app;
    let user = app.sign_up();
    let mut chat = Chat::new(app, &user);

    let added = chat.say("Add task Submit report due yesterday");
    let task = one_action(&added, "task.created");
    let id = task["taskId"].as_str().unwrap().to_string();
    assert!(ms(task["task"]["dueAt"].as_str().unwrap()) < now_ms());
    assert!(added["reply"].as_str().unwrap().contains("overdue"));
    let (found, took) = system.wait_for(Duration::from_secs(2), || overdue_for(app, &user, &id));
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(found["message"].as_str().unwrap().contains("Submit report"));

    // Completing an instance of a recurring task made by a sentence: the
    // recurrence agent adds the next one.
    let daily = chat.say("Water plants every day at 8am");
    let first = one_action(&daily, "task.created")["task"].clone();
    let done = chat.say("complete water plants");
    one_action(&done, "task.completed");
    let (next, _) = system.wait_for(Duration::from_secs(5), || {
        app.list_all(&user, "status=open&q=water")
            .into_iter()
            .find(|t| t["id"] != first["id"] && t["seriesId"] == first["seriesId"])
    });
    assert_eq!(
        ms(next["dueAt"].as_str().unwrap()),
        ms(first["dueAt"].as_str().unwrap()) + DAY_MS
    );
    system.settle();
}

/// An app whose chat component uses the fake model.
fn app_with_model(backend: Backend, llm: &FakeLlm, timeout_ms: u64) -> TestApp {
    let db_url = match backend {
        Backend::Postgres => integration_tests::pg::fresh_database("assistant"),
        Backend::Sqlite => String::new(),
    };
    let mut setup = HostSetup::new(backend, &db_url);
    for (k, v) in [
        ("llm_api_key", "test-key".to_string()),
        ("llm_base_url", llm.base_url()),
        ("llm_model", "fake-model".to_string()),
        ("llm_allowed_host", llm.allowed_host()),
        ("llm_timeout_ms", timeout_ms.to_string()),
    ] {
        setup.variables.insert(k.to_string(), v);
    }
    TestApp::new(start_host(setup), backend)
}

fn model_path_runs_tool_calls_and_falls_back_to_the_parser(backend: Backend) {
    let llm = FakeLlm::start();
    let app = app_with_model(backend, &llm, 1500);
    let user = app.sign_up();
    let mut chat = Chat::new(&app, &user);

    // The model calls create_task, then answers in words.
    llm.push(Answer::tool(
        "create_task",
        json!({"title": "Buy milk", "priority": "high"}),
    ));
    llm.push(Answer::text("I added “Buy milk” for you."));
    let answered = chat.say("I need to get milk, it's important");
    assert_eq!(answered["source"], "model", "{answered}");
    assert_eq!(answered["reply"], "I added “Buy milk” for you.");
    let created = one_action(&answered, "task.created");
    let id = created["taskId"].as_str().unwrap().to_string();
    let stored = get_task(&app, &user, &id).json();
    assert_eq!(stored["title"], "Buy milk");
    assert_eq!(stored["priority"], "high");

    let requests = llm.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first.path, "/v1/chat/completions");
    assert_eq!(first.authorization.as_deref(), Some("Bearer test-key"));
    assert_eq!(first.body["model"], "fake-model");
    let tools: Vec<&str> = first.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, TOOLS);
    let messages = first.body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    assert!(messages[0]["content"].as_str().unwrap().contains("UTC"));
    assert_eq!(
        messages.last().unwrap()["content"],
        "I need to get milk, it's important"
    );
    // The tool's result went back to the model with the call's id.
    let second = requests[1].body["messages"].as_array().unwrap();
    let tool = second.iter().find(|m| m["role"] == "tool").unwrap();
    assert_eq!(tool["tool_call_id"], "call_1");
    let result: Value = serde_json::from_str(tool["content"].as_str().unwrap()).unwrap();
    assert_eq!(result["id"], id.as_str());
    assert!(second
        .iter()
        .any(|m| m["role"] == "assistant" && m["tool_calls"][0]["id"] == "call_1"));

    // A tool error goes back to the model, which can recover.
    llm.push(Answer::tool(
        "complete_task",
        json!({"taskId": "no-such-task"}),
    ));
    llm.push(Answer::text("I couldn't find that task."));
    let recovered = chat.say("finish the mystery task");
    assert_eq!(recovered["source"], "model");
    assert!(recovered["actions"].as_array().unwrap().is_empty());
    let requests = llm.requests();
    let last = requests.last().unwrap().body["messages"]
        .as_array()
        .unwrap()
        .clone();
    let tool = last.iter().rev().find(|m| m["role"] == "tool").unwrap();
    assert!(tool["content"].as_str().unwrap().contains("not_found"));
    // Earlier turns travel along as context.
    assert!(last
        .iter()
        .any(|m| m["role"] == "user" && m["content"] == "I need to get milk, it's important"));

    // A delete the model asks for still waits for the user's yes, which
    // is handled without the model.
    llm.push(Answer::tool("delete_task", json!({"taskId": id})));
    let asked = chat.say("remove the milk task");
    assert_eq!(asked["pending"]["type"], "confirm");
    assert_eq!(asked["pending"]["taskId"], id.as_str());
    assert!(asked["actions"].as_array().unwrap().is_empty());
    assert_eq!(get_task(&app, &user, &id).status, 200);
    let calls = llm.requests().len();
    let deleted = chat.say("yes");
    assert_eq!(deleted["source"], "parser");
    one_action(&deleted, "task.deleted");
    assert_eq!(llm.requests().len(), calls);
    assert_eq!(get_task(&app, &user, &id).status, 404);

    // The model fails: the parser answers.
    llm.push(Answer::Status(500));
    let fallback = chat.say("Add task Call mom tomorrow");
    assert_eq!(fallback["source"], "parser");
    assert_eq!(one_action(&fallback, "task.created")["title"], "Call mom");

    // The model is too slow: the parser answers once the timeout passes.
    llm.push(Answer::Slow(
        Duration::from_secs(4),
        Box::new(Answer::text("too late")),
    ));
    let started = Instant::now();
    let fallback = chat.say("Add task Water the garden");
    let took = started.elapsed();
    assert_eq!(fallback["source"], "parser");
    assert_eq!(
        one_action(&fallback, "task.created")["title"],
        "Water the garden"
    );
    assert!(took < Duration::from_millis(3500), "took {took:?}");

    // The turns record which path answered.
    let view = app
        .get(
            &format!("/api/v1/chat/conversations/{}", chat.id.as_ref().unwrap()),
            Some(&user.token),
        )
        .json();
    let sources: Vec<&str> = view["turns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["role"] == "assistant")
        .map(|t| t["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["model", "model", "model", "parser", "parser", "parser"]
    );
}

fn mcp(app: &TestApp, token: Option<&str>, headers: &[(&str, &str)], body: &Value) -> Resp {
    let mut all = vec![("accept", "application/json, text/event-stream")];
    all.extend_from_slice(headers);
    app.request(
        "POST",
        "/mcp",
        token,
        &all,
        Some(("application/json", body.to_string().into_bytes())),
    )
}

/// Calls a tool; answers the `tools/call` result.
#[track_caller]
fn call_tool(app: &TestApp, user: &User, name: &str, arguments: Value) -> Value {
    let r = mcp(
        app,
        Some(&user.token),
        &[("mcp-protocol-version", "2025-06-18")],
        &json!({"jsonrpc": "2.0", "id": name, "method": "tools/call",
                "params": {"name": name, "arguments": arguments}}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert_eq!(body["id"], name);
    assert!(body.get("error").is_none(), "{body}");
    let result = body["result"].clone();
    // The text content is the structured content as JSON.
    if result["isError"] == false {
        let text = result["content"][0]["text"].as_str().unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(text).unwrap(),
            result["structuredContent"]
        );
    }
    result
}

fn mcp_session_manages_tasks(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let t = Some(user.token.as_str());

    let init = mcp(
        app,
        t,
        &[],
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "integration-test", "version": "1.0"}}}),
    );
    assert_eq!(init.status, 200, "{}", String::from_utf8_lossy(&init.body));
    assert_eq!(
        init.header("content-type").as_deref(),
        Some("application/json")
    );
    let session = init.header("mcp-session-id").expect("a session id");
    assert!(session.len() >= 16 && session.chars().all(|c| c.is_ascii_graphic()));
    let init = init.json();
    assert_eq!(init["jsonrpc"], "2.0");
    assert_eq!(init["id"], 1);
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(init["result"]["serverInfo"]["name"], "taskmanager");
    assert!(init["result"]["capabilities"]["tools"].is_object());

    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-06-18"),
    ];
    let note = mcp(
        app,
        t,
        &headers,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    );
    assert_eq!(note.status, 202);
    assert!(note.body.is_empty());

    let list = mcp(
        app,
        t,
        &headers,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    );
    assert_eq!(list.status, 200);
    let tools = list.json()["result"]["tools"].as_array().unwrap().clone();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, TOOLS);
    for tool in &tools {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(tool["inputSchema"]["properties"].is_object(), "{tool}");
        assert!(tool["description"].as_str().unwrap().len() > 20);
    }
    let create = tools.iter().find(|t| t["name"] == "create_task").unwrap();
    assert_eq!(create["inputSchema"]["required"], json!(["title"]));

    // Create through MCP; the REST API sees it.
    let due = iso(now_ms() + DAY_MS);
    let created = call_tool(
        app,
        &user,
        "create_task",
        json!({"title": "Write the MCP guide", "priority": "high", "dueAt": due, "tags": ["docs"]}),
    );
    assert_eq!(created["isError"], false);
    let id = created["structuredContent"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = get_task(app, &user, &id).json();
    assert_eq!(stored["title"], "Write the MCP guide");
    assert_eq!(stored["priority"], "high");

    // Lists: made through MCP, a task put into one, and the filter.
    let docs = call_tool(app, &user, "create_list", json!({"name": "Docs"}));
    assert_eq!(docs["isError"], false, "{docs}");
    let docs_id = docs["structuredContent"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let lists = call_tool(app, &user, "list_lists", json!({}));
    assert_eq!(lists["structuredContent"]["items"][0]["name"], "Docs");
    let moved = call_tool(
        app,
        &user,
        "update_task",
        json!({"taskId": id, "listId": docs_id}),
    );
    assert_eq!(moved["structuredContent"]["listId"], docs_id.as_str());
    let in_docs = call_tool(app, &user, "list_tasks", json!({"listId": docs_id}));
    assert_eq!(in_docs["structuredContent"]["items"][0]["id"], id.as_str());
    let nowhere = call_tool(
        app,
        &user,
        "create_task",
        json!({"title": "Lost", "listId": "no-such-list"}),
    );
    assert_eq!(nowhere["isError"], true, "{nowhere}");
    assert_eq!(stored["tags"], json!(["docs"]));
    assert_eq!(ms(stored["dueAt"].as_str().unwrap()), ms(&due));

    let found = call_tool(app, &user, "list_tasks", json!({"search": "mcp guide"}));
    let items = found["structuredContent"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());

    let reminded = call_tool(
        app,
        &user,
        "add_reminder",
        json!({"taskId": id, "before": "1h"}),
    );
    assert_eq!(reminded["structuredContent"]["beforeMinutes"], 60);
    let reminders = app.get(&format!("/api/v1/tasks/{id}/reminders"), t).json();
    assert_eq!(reminders["items"].as_array().unwrap().len(), 1);

    let updated = call_tool(
        app,
        &user,
        "update_task",
        json!({"taskId": id, "title": "Write the MCP guide, part 1"}),
    );
    assert_eq!(
        updated["structuredContent"]["title"],
        "Write the MCP guide, part 1"
    );
    // Version 2 was the move into Docs.
    assert_eq!(updated["structuredContent"]["version"], 3);

    let done = call_tool(app, &user, "complete_task", json!({"taskId": id}));
    assert_eq!(done["structuredContent"]["completed"], true);
    assert_eq!(get_task(app, &user, &id).json()["completed"], true);

    // Tool errors are results marked isError, not protocol errors.
    let bad = call_tool(app, &user, "create_task", json!({"priority": "high"}));
    assert_eq!(bad["isError"], true);
    assert!(bad["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("title"));
    let bad = call_tool(
        app,
        &user,
        "update_task",
        json!({"taskId": id, "colour": "red"}),
    );
    assert_eq!(bad["isError"], true);
    let missing = call_tool(app, &user, "delete_task", json!({"taskId": "no-such-task"}));
    assert_eq!(missing["isError"], true);
    assert_eq!(missing["structuredContent"]["error"]["code"], "not_found");
    // Another user's task is not found either.
    let other = app.sign_up();
    let theirs = call_tool(app, &other, "complete_task", json!({"taskId": id}));
    assert_eq!(theirs["isError"], true);

    let deleted = call_tool(app, &user, "delete_task", json!({"taskId": id}));
    assert_eq!(deleted["structuredContent"]["deleted"], true);
    assert_eq!(get_task(app, &user, &id).status, 404);

    // A batch: requests answered in order, the notification not at all.
    let batch = mcp(
        app,
        t,
        &headers,
        &json!([
            {"jsonrpc": "2.0", "id": "a", "method": "ping"},
            {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "x"}},
            {"jsonrpc": "2.0", "id": "b", "method": "tools/call",
             "params": {"name": "create_task", "arguments": {"title": "From a batch"}}}
        ]),
    );
    assert_eq!(batch.status, 200);
    let batch = batch.json();
    let answers = batch.as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["id"], "a");
    assert_eq!(answers[0]["result"], json!({}));
    assert_eq!(answers[1]["result"]["isError"], false);
    assert_eq!(app.list_all(&user, "q=batch").len(), 1);
}

fn mcp_protocol_and_auth_errors(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let t = Some(user.token.as_str());
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});

    let unknown = mcp(
        app,
        t,
        &[],
        &json!({"jsonrpc": "2.0", "id": 3, "method": "resources/list"}),
    );
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.json()["error"]["code"], -32601);
    assert_eq!(unknown.json()["id"], 3);

    let parse = app.request(
        "POST",
        "/mcp",
        t,
        &[],
        Some(("application/json", b"{\"jsonrpc\": ".to_vec())),
    );
    assert_eq!(parse.status, 400);
    assert_eq!(parse.json()["error"]["code"], -32700);
    assert_eq!(parse.json()["id"], Value::Null);

    let invalid = mcp(app, t, &[], &json!({"id": 4, "method": "ping"}));
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.json()["error"]["code"], -32600);
    // A page from another origin may not call the server (DNS rebinding);
    // the server's own origin and clients without Origin may.
    let foreign = mcp(app, t, &[("origin", "http://evil.example")], &ping);
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.json()["error"]["code"], -32600);
    let own = mcp(app, t, &[("origin", app.base.as_str())], &ping);
    assert_eq!(own.status, 200, "{}", String::from_utf8_lossy(&own.body));
    // A fractional id is not an id: refused, never echoed.
    let fractional = mcp(
        app,
        t,
        &[],
        &json!({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}),
    );
    assert_eq!(fractional.status, 400);
    assert_eq!(fractional.json()["id"], Value::Null);
    // A batch is bounded: a large one is refused whole, not answered in kind.
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let batch = Value::Array(vec![list; 200]);
    let big = mcp(app, t, &[], &batch);
    assert_eq!(big.status, 400);
    assert!(big.body.len() < 1024, "{} bytes", big.body.len());
    assert_eq!(big.json()["error"]["code"], -32600);
    let no_name = mcp(
        app,
        t,
        &[],
        &json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {}}),
    );
    assert_eq!(no_name.json()["error"]["code"], -32602);
    let no_tool = mcp(
        app,
        t,
        &[],
        &json!({"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": "launch_rocket"}}),
    );
    assert_eq!(no_tool.json()["error"]["code"], -32602);

    // Authentication: the bearer token, nothing else.
    let anonymous = mcp(app, None, &[], &ping);
    assert_eq!(anonymous.status, 401);
    // The challenge names the resource's OAuth metadata (tests/oauth.rs).
    assert!(anonymous
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer resource_metadata="));
    assert_eq!(anonymous.json()["jsonrpc"], "2.0");
    assert!(anonymous.json()["error"]["message"].is_string());
    let forged = mcp(app, Some("not-a-token"), &[], &ping);
    assert_eq!(forged.status, 401);
    let cookie = format!("tm_session={}", user.token);
    let by_cookie = mcp(app, None, &[("cookie", cookie.as_str())], &ping);
    assert_eq!(by_cookie.status, 401);
    assert_eq!(mcp(app, t, &[], &ping).status, 200);

    // Transport rules.
    assert_eq!(app.get("/mcp", t).status, 405);
    let text = app.request(
        "POST",
        "/mcp",
        t,
        &[],
        Some(("text/plain", ping.to_string().into_bytes())),
    );
    assert_eq!(text.status, 415);
    let stream_only = app.request(
        "POST",
        "/mcp",
        t,
        &[("accept", "text/event-stream")],
        Some(("application/json", ping.to_string().into_bytes())),
    );
    assert_eq!(stream_only.status, 406);
    let old = mcp(app, t, &[("mcp-protocol-version", "1999-01-01")], &ping);
    assert_eq!(old.status, 400);
    // An older revision asked for at initialize is the one answered.
    let init = mcp(
        app,
        t,
        &[],
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-03-26", "capabilities": {},
            "clientInfo": {"name": "old", "version": "0"}}}),
    );
    assert_eq!(init.json()["result"]["protocolVersion"], "2025-03-26");
}

fn a_message_naming_a_list_adds_into_it(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let list = app.create_list(&user, json!({"name": "Groceries"}));
    let mut chat = Chat::new(app, &user);
    let answered = chat.say("Add milk to Groceries");
    let created = one_action(&answered, "task.created");
    let task = get_task(app, &user, created["taskId"].as_str().unwrap()).json();
    assert_eq!(task["listId"], list["id"], "{answered}");
    assert!(
        !task["title"].as_str().unwrap().contains("Groceries"),
        "{task}"
    );
    assert!(
        answered["reply"].as_str().unwrap().contains("to Groceries"),
        "{answered}"
    );
    // A place that is not one of the user's lists stays in the title.
    let answered = chat.say("add drive to Hamburg tomorrow");
    let created = one_action(&answered, "task.created");
    let task = get_task(app, &user, created["taskId"].as_str().unwrap()).json();
    assert_eq!(task["listId"], Value::Null);
    assert!(
        task["title"].as_str().unwrap().contains("Hamburg"),
        "{task}"
    );
}
