//! The OpenAPI document (`openapi/openapi.json`) against the implementation:
//! it is served as it is in the repo, it covers exactly the public routes of
//! spin.toml (and the methods each route answers), and what the running
//! API sends back validates against the documented schemas, status codes
//! and headers. The requests the tests send validate against the documented
//! request schemas, and bodies the server refuses are refused by them too.

use dapr_sidecar::TestClock;
use integration_tests::system::{SidecarSetup, System};
use integration_tests::{repo_root, Backend, Resp, TestApp, User};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const DOC_PATH: &str = "openapi/openapi.json";
const PASSWORD: &str = "correct horse battery";
const HOUR: i64 = 3_600_000;
/// Methods every route is probed with; a route answers 405 to the ones it
/// does not document.
const PROBED_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

// ------------------------------------------------------------ the document

fn doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(repo_root().join(DOC_PATH)).expect("the document");
        serde_json::from_str(&text).expect("the document is JSON")
    })
}

/// The shared app, with its database migrated before the tests' first
/// concurrent writes (`/ready` applies pending migrations).
fn api() -> &'static TestApp {
    static READY: OnceLock<()> = OnceLock::new();
    let app = integration_tests::app(Backend::Sqlite);
    READY.get_or_init(|| {
        let ready = app.get("/ready", None);
        assert_eq!(
            ready.status,
            200,
            "{}",
            String::from_utf8_lossy(&ready.body)
        );
    });
    app
}

/// The value a local `$ref` (`#/components/...`) points at.
fn pointer(reference: &str) -> Option<&'static Value> {
    doc().pointer(reference.strip_prefix('#')?)
}

/// Follows `$ref`s (of responses, parameters, headers) to the definition.
fn resolve(v: &'static Value) -> &'static Value {
    let mut v = v;
    while let Some(r) = v.get("$ref").and_then(Value::as_str) {
        v = pointer(r).unwrap_or_else(|| panic!("unresolved $ref {r}"));
    }
    v
}

fn documented_paths() -> impl Iterator<Item = (&'static String, &'static Value)> {
    doc()["paths"].as_object().expect("paths").iter()
}

const OPERATION_KEYS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn operations_of(item: &'static Value) -> impl Iterator<Item = (&'static str, &'static Value)> {
    OPERATION_KEYS
        .iter()
        .filter_map(move |m| item.get(*m).map(|op| (*m, op)))
}

/// The documented path a concrete path falls under: literal segments match
/// exactly, `{name}` any one segment; the most literal template wins.
fn template_of(path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').collect();
    documented_paths()
        .map(|(t, _)| t.as_str())
        .filter(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            ts.len() == segs.len()
                && ts
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
        })
        .max_by_key(|t| t.split('/').filter(|s| !s.starts_with('{')).count())
}

fn operation(method: &str, template: &str) -> &'static Value {
    doc()["paths"][template]
        .get(method.to_ascii_lowercase())
        .unwrap_or_else(|| panic!("{method} {template} is not documented"))
}

/// Path-level and operation-level parameters, resolved.
fn parameters(template: &str, op: &'static Value) -> Vec<&'static Value> {
    let item = &doc()["paths"][template];
    [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
        .flat_map(|ps| ps.as_array().expect("parameters").iter())
        .map(resolve)
        .collect()
}

/// A validator for a schema of this document: `#/components/...` refs
/// resolve against the document's components; formats are checked.
fn validator(schema: &Value) -> jsonschema::Validator {
    let mut root = match schema {
        Value::Object(m) => m.clone(),
        other => panic!("a schema must be an object here: {other}"),
    };
    root.insert("components".into(), doc()["components"].clone());
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .unwrap_or_else(|e| panic!("schema does not compile ({e}): {schema}"))
}

fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let v = validator(schema);
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let errors = schema_errors(schema, instance);
    assert!(
        errors.is_empty(),
        "{what} does not match the document:\n  {}\ninstance: {instance:#}",
        errors.join("\n  ")
    );
}

fn request_schema(method: &str, template: &str) -> &'static Value {
    &operation(method, template)["requestBody"]["content"]["application/json"]["schema"]
}

// ------------------------------------------------------------ checked calls

/// One request, checked against the document: the path and method are
/// documented; for an expected success, query parameters are documented
/// and valid and the JSON body matches the request schema. The answer has
/// the expected status, which is documented for the operation, with its
/// required headers and a body of a documented content type that matches
/// its schema.
fn exchange(
    app: &TestApp,
    method: &str,
    path_and_query: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
    expect: u16,
) -> Resp {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let template = template_of(path).unwrap_or_else(|| panic!("{path} is not documented"));
    let op = operation(method, template);
    let what = format!("{method} {template}");
    if (200..300).contains(&expect) {
        check_query(template, op, query, &what);
        // (A body that is not JSON at all is the server's to refuse.)
        if let Some(("application/json", bytes)) = &body {
            let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
                return finish(
                    app,
                    op,
                    method,
                    path_and_query,
                    token,
                    headers,
                    body,
                    expect,
                );
            };
            assert_valid(
                request_schema(method, template),
                &value,
                &format!("the request body of {what}"),
            );
        }
    }
    finish(
        app,
        op,
        method,
        path_and_query,
        token,
        headers,
        body,
        expect,
    )
}

/// Sends the request and checks the answer against the operation.
#[allow(clippy::too_many_arguments)]
fn finish(
    app: &TestApp,
    op: &'static Value,
    method: &str,
    path_and_query: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
    expect: u16,
) -> Resp {
    let resp = app.request(method, path_and_query, token, headers, body);
    assert_eq!(
        resp.status,
        expect,
        "{method} {path_and_query}: {}",
        String::from_utf8_lossy(&resp.body)
    );
    let what = format!(
        "{method} {}",
        path_and_query.split('?').next().unwrap_or("")
    );
    check_response(op, &resp, method, &what);
    resp
}

fn check_query(template: &str, op: &'static Value, query: &str, what: &str) {
    let params = parameters(template, op);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let param = params
            .iter()
            .find(|p| p["in"] == "query" && p["name"] == key)
            .unwrap_or_else(|| panic!("query parameter {key} of {what} is not documented"));
        let value = query_value(&param["schema"], &decode(raw));
        assert_valid(
            &param["schema"],
            &value,
            &format!("query parameter {key} of {what}"),
        );
    }
}

/// `%2C`, `%3A` and `+`: enough for the values these tests send.
fn decode(raw: &str) -> String {
    raw.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%2B", "+")
}

/// A query string value as the JSON its schema describes (form style:
/// arrays are comma-separated).
fn query_value(schema: &Value, raw: &str) -> Value {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => pointer(r).expect("schema ref"),
        None => schema,
    };
    match schema["type"].as_str() {
        Some("array") => Value::from(
            raw.split(',')
                .map(|item| query_value(&schema["items"], item))
                .collect::<Vec<_>>(),
        ),
        Some("integer") => raw
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(raw)),
        _ => Value::from(raw),
    }
}

fn check_response(op: &'static Value, resp: &Resp, method: &str, what: &str) {
    let status = resp.status.to_string();
    let responses = &op["responses"];
    let spec = match responses.get(&status) {
        Some(s) => resolve(s),
        // Server faults may be documented as a range; nothing else may.
        None if resp.status >= 500 => resolve(
            responses
                .get("5XX")
                .unwrap_or_else(|| panic!("{what} documents no {status} and no 5XX")),
        ),
        None => panic!("{what} answered {status}, which it does not document"),
    };
    if let Some(headers) = spec.get("headers").and_then(Value::as_object) {
        for (name, h) in headers {
            let h = resolve(h);
            let got = resp.header(&name.to_ascii_lowercase());
            if h["required"] == true {
                assert!(got.is_some(), "{what} {status} lacks header {name}");
            }
            if let (Some(v), Some(schema)) = (got, h.get("schema")) {
                let value = query_value(schema, &v);
                assert_valid(schema, &value, &format!("header {name} of {what} {status}"));
            }
        }
    }
    let content = spec.get("content").and_then(Value::as_object);
    if method == "HEAD" || resp.status == 304 {
        return;
    }
    let Some(content) = content else {
        assert!(
            resp.body.is_empty(),
            "{what} {status} documents no body but sent {}",
            String::from_utf8_lossy(&resp.body)
        );
        return;
    };
    let content_type = resp.header("content-type").unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or("").trim();
    let Some(entry) = content.get(media) else {
        panic!("{what} {status} sent {media}, which it does not document");
    };
    if media == "application/json" {
        assert_valid(
            &entry["schema"],
            &resp.json(),
            &format!("the answer of {what} {status}"),
        );
    }
}

/// A JSON call: the answer's JSON (Null when it has no body).
fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    expect: u16,
) -> Value {
    call_with(app, method, path, token, &[], body, expect)
}

fn call_with(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&Value>,
    expect: u16,
) -> Value {
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    let resp = exchange(app, method, path, token, headers, body, expect);
    if resp.body.is_empty() {
        Value::Null
    } else {
        resp.json()
    }
}

/// A body the documented request schema refuses, and the server too: with
/// `status` and the error `code`.
#[track_caller]
fn refused(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
    status: u16,
    code: &str,
) {
    let template = template_of(path).expect("documented");
    assert!(
        !schema_errors(request_schema(method, template), &body).is_empty(),
        "the request schema of {method} {template} accepts {body}, which the server refuses"
    );
    let answer = call(app, method, path, token, Some(&body), status);
    assert_eq!(answer["error"]["code"], code, "{body}");
}

fn iso(ms: i64) -> String {
    domain::time::format_ms(ms)
}

fn now_ms() -> i64 {
    domain::time::now_ms()
}

fn sign_up(app: &TestApp) -> User {
    let email = format!("openapi-{}@example.com", uuid::Uuid::new_v4());
    let body = call(
        app,
        "POST",
        "/api/v1/auth/signup",
        None,
        Some(&json!({"email": email, "password": PASSWORD, "name": "Ana"})),
        201,
    );
    User {
        id: body["user"]["id"].as_str().unwrap().to_string(),
        email,
        token: body["token"].as_str().unwrap().to_string(),
    }
}

fn create(app: &TestApp, user: &User, body: Value) -> Value {
    call(
        app,
        "POST",
        "/api/v1/tasks",
        Some(&user.token),
        Some(&body),
        201,
    )
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

// ------------------------------------------------------------ the document itself

#[test]
fn the_document_is_served_as_it_is_in_the_repo() {
    let app = api();
    let on_disk = std::fs::read(repo_root().join(DOC_PATH)).unwrap();
    let resp = exchange(app, "GET", "/api/v1/openapi.json", None, &[], None, 200);
    assert_eq!(
        resp.body, on_disk,
        "the served document differs from {DOC_PATH}: rebuild the openapi component"
    );
    assert_eq!(
        resp.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(resp.header("cache-control").as_deref(), Some("no-cache"));
    let etag = resp.header("etag").expect("an ETag");
    let again = exchange(
        app,
        "GET",
        "/api/v1/openapi.json",
        None,
        &[("if-none-match", &etag)],
        None,
        304,
    );
    assert!(again.body.is_empty());
    let head = exchange(app, "HEAD", "/api/v1/openapi.json", None, &[], None, 200);
    assert!(head.body.is_empty());
    let post = app.request("POST", "/api/v1/openapi.json", None, &[], None);
    assert_eq!(post.error_code(405), "method_not_allowed");
    assert_eq!(post.header("allow").as_deref(), Some("GET, HEAD"));
}

/// Collects every `$ref` in a value.
fn refs(v: &'static Value, out: &mut Vec<&'static str>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn the_document_is_consistent() {
    let d = doc();
    assert_eq!(d["openapi"], "3.1.0");
    assert!(d["info"]["title"].is_string() && d["info"]["version"].is_string());
    let mut all = Vec::new();
    refs(d, &mut all);
    assert!(!all.is_empty());
    for r in all {
        assert!(pointer(r).is_some(), "unresolved $ref {r}");
    }
    for (name, schema) in d["components"]["schemas"].as_object().unwrap() {
        if let Err(e) = jsonschema::meta::validate(schema) {
            panic!("schema {name} is not a valid JSON Schema: {e}");
        }
        validator(schema);
    }
    let schemes: BTreeSet<&String> = d["components"]["securitySchemes"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let mut operation_ids = BTreeSet::new();
    for (template, item) in documented_paths() {
        assert!(template.starts_with('/'), "{template}");
        let in_template: BTreeSet<String> = template
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(str::to_string)
            .collect();
        let mut count = 0;
        for (method, op) in operations_of(item) {
            count += 1;
            let what = format!("{method} {template}");
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{what}: no operationId"));
            assert!(operation_ids.insert(id), "operationId {id} twice");
            let declared: BTreeSet<String> = parameters(template, op)
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| {
                    assert_eq!(p["required"], true, "{what}: path parameters are required");
                    p["name"].as_str().unwrap().to_string()
                })
                .collect();
            assert_eq!(declared, in_template, "{what}: path parameters");
            for p in parameters(template, op) {
                if let Some(example) = p.get("example") {
                    let value = match example {
                        Value::Array(_) | Value::Number(_) => example.clone(),
                        other => query_value(&p["schema"], other.as_str().unwrap()),
                    };
                    assert_valid(&p["schema"], &value, &format!("example of {}", p["name"]));
                }
            }
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{what}: no success response"
            );
            for (status, r) in responses {
                assert!(
                    status == "5XX" || status.parse::<u16>().is_ok_and(|s| (100..600).contains(&s)),
                    "{what}: status {status}"
                );
                assert!(resolve(r)["description"].is_string(), "{what} {status}");
            }
            // Operations are either public or secured by a known scheme.
            let security = op.get("security").unwrap_or(&d["security"]);
            for requirement in security.as_array().unwrap() {
                for scheme in requirement.as_object().unwrap().keys() {
                    assert!(schemes.contains(scheme), "{what}: unknown scheme {scheme}");
                }
            }
            if !security.as_array().unwrap().is_empty() {
                assert!(
                    responses.contains_key("401"),
                    "{what}: a secured operation documents 401"
                );
            }
        }
        assert!(count > 0, "{template} has no operation");
    }
}

// ------------------------------------------------------------ routes

/// `route = "..."` of every HTTP trigger in spin.toml.
fn spin_routes() -> Vec<String> {
    let manifest = std::fs::read_to_string(repo_root().join("spin.toml")).unwrap();
    manifest
        .lines()
        .filter_map(|l| {
            let v = l.trim().strip_prefix("route")?.trim_start();
            let v = v.strip_prefix('=')?.trim();
            Some(v.trim_matches('"').to_string())
        })
        .collect()
}

fn is_public(route: &str) -> bool {
    route.starts_with("/api/") || ["/mcp", "/health", "/ready"].contains(&route)
}

/// Does a documented path fall under a Spin route (`:name` one segment,
/// a trailing `/...` any rest)?
fn route_matches(route: &str, template: &str) -> bool {
    let segs = |s: &str| s.split('/').map(str::to_string).collect::<Vec<_>>();
    let ts = segs(template);
    match route.strip_suffix("/...") {
        Some(prefix) => {
            let rs = segs(prefix);
            ts.len() > rs.len() && rs.iter().zip(&ts).all(|(r, t)| segment_matches(r, t))
        }
        None => {
            let rs = segs(route);
            rs.len() == ts.len() && rs.iter().zip(&ts).all(|(r, t)| segment_matches(r, t))
        }
    }
}

fn segment_matches(route_seg: &str, template_seg: &str) -> bool {
    (route_seg.starts_with(':') && template_seg.starts_with('{')) || route_seg == template_seg
}

#[test]
fn every_public_route_is_documented_and_every_documented_path_is_routed() {
    let routes = spin_routes();
    let public: Vec<&String> = routes.iter().filter(|r| is_public(r)).collect();
    assert!(public.len() >= 10, "{routes:?}");
    let templates: Vec<&String> = documented_paths().map(|(t, _)| t).collect();
    for route in &public {
        assert!(
            templates.iter().any(|t| route_matches(route, t)),
            "the route {route} of spin.toml has no path in {DOC_PATH}"
        );
    }
    for template in &templates {
        let routed: Vec<&&String> = public
            .iter()
            .filter(|r| route_matches(r, template))
            .collect();
        assert!(
            !routed.is_empty(),
            "{template} is documented but no public route of spin.toml serves it"
        );
    }
    // Internal routes (Dapr events, jobs, cron) are not part of the API.
    for route in routes.iter().filter(|r| !is_public(r)) {
        assert!(
            !templates
                .iter()
                .any(|t| route != "/..." && route_matches(route, t)),
            "internal route {route} is documented"
        );
    }
}

/// Every documented operation reaches a handler (no 404 for the endpoint,
/// no 405), and every other method answers 405 with an `Allow` header that
/// lists exactly the documented methods.
#[test]
fn every_documented_method_is_served_and_no_other() {
    let app = api();
    let user = sign_up(app);
    for (template, item) in documented_paths() {
        let path = template
            .split('/')
            .map(|s| if s.starts_with('{') { "no-such-id" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let documented: BTreeSet<String> = operations_of(item)
            .map(|(m, _)| m.to_ascii_uppercase())
            .collect();
        for method in documented.iter().map(String::as_str) {
            // Signing out ends the session: use one of its own.
            let token = if path.ends_with("/signout") {
                sign_up(app).token
            } else {
                user.token.clone()
            };
            let resp = app.request(method, &path, Some(&token), &[], None);
            assert_ne!(resp.status, 405, "{method} {path}");
            if resp.status == 404 {
                let msg = resp.json()["error"]["message"].to_string();
                assert!(
                    !msg.contains("endpoint"),
                    "{method} {path} is documented but not routed: {msg}"
                );
            }
        }
        for method in PROBED_METHODS.iter().filter(|m| !documented.contains(**m)) {
            let resp = app.request(method, &path, Some(&user.token), &[], None);
            assert_eq!(
                resp.status,
                405,
                "{method} {path} is not documented: {}",
                String::from_utf8_lossy(&resp.body)
            );
            let allow: BTreeSet<String> = resp
                .header("allow")
                .unwrap_or_else(|| panic!("{method} {path}: 405 without Allow"))
                .split(',')
                .map(|m| m.trim().to_string())
                .collect();
            let documented_probed: BTreeSet<String> = documented
                .iter()
                .filter(|m| m.as_str() != "HEAD")
                .cloned()
                .collect();
            let allow_probed: BTreeSet<String> =
                allow.into_iter().filter(|m| m != "HEAD").collect();
            assert_eq!(
                allow_probed, documented_probed,
                "{path}: Allow vs the document"
            );
        }
    }
}

/// Each documented query parameter is accepted (with its example), an
/// undocumented one is refused.
#[test]
fn documented_query_parameters_are_the_accepted_ones() {
    let app = api();
    let user = sign_up(app);
    for (template, item) in documented_paths() {
        if template.contains('{') {
            continue;
        }
        for (method, op) in operations_of(item) {
            let query: Vec<&Value> = parameters(template, op)
                .into_iter()
                .filter(|p| p["in"] == "query")
                .collect();
            if query.is_empty() {
                continue;
            }
            let method = method.to_ascii_uppercase();
            for p in &query {
                let Some(example) = p.get("example") else {
                    continue;
                };
                let text = match example {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().unwrap().to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let name = p["name"].as_str().unwrap();
                exchange(
                    app,
                    &method,
                    &format!("{template}?{name}={text}"),
                    Some(&user.token),
                    &[],
                    None,
                    200,
                );
            }
            let resp = app.request(
                &method,
                &format!("{template}?colour=red"),
                Some(&user.token),
                &[],
                None,
            );
            assert_eq!(resp.error_code(400), "unknown_parameter", "{template}");
        }
    }
}

// ------------------------------------------------------------ live answers

#[test]
fn auth_and_settings_match() {
    let app = api();
    let email = format!("openapi-{}@example.com", uuid::Uuid::new_v4());
    let signup = call(
        app,
        "POST",
        "/api/v1/auth/signup",
        None,
        Some(&json!({"email": email, "password": PASSWORD})),
        201,
    );
    assert_eq!(signup["user"]["name"], "");
    let signin = call(
        app,
        "POST",
        "/api/v1/auth/signin",
        None,
        Some(&json!({"email": email.to_uppercase(), "password": PASSWORD})),
        200,
    );
    let token = signin["token"].as_str().unwrap();
    let me = call(app, "GET", "/api/v1/auth/me", Some(token), None, 200);
    assert_eq!(me["user"]["email"], email.as_str());
    call(app, "GET", "/api/v1/settings", Some(token), None, 200);
    let settings = call(
        app,
        "PATCH",
        "/api/v1/settings",
        Some(token),
        Some(&json!({"timezone": "Europe/Berlin", "webhookUrl": "https://hooks.example.com/tm"})),
        200,
    );
    assert!(settings["webhookSecret"].is_string());
    // An international host name comes back as the valid URI it stands for.
    let idn = call(
        app,
        "PATCH",
        "/api/v1/settings",
        Some(token),
        Some(&json!({"webhookUrl": "https://bücher.example/hooks"})),
        200,
    );
    assert_eq!(idn["webhookUrl"], "https://xn--bcher-kva.example/hooks");
    call(
        app,
        "PATCH",
        "/api/v1/settings",
        Some(token),
        Some(&json!({"webhookUrl": null, "agentsEnabled": false, "inAppNotifications": true})),
        200,
    );

    // What the server refuses, the schemas refuse.
    let signup_path = "/api/v1/auth/signup";
    for body in [
        json!({"email": "ana", "password": PASSWORD}),
        json!({"email": "ana@example.com", "password": "short"}),
        json!({"password": PASSWORD}),
        json!({"email": "ana@example.com", "password": PASSWORD, "name": 5}),
    ] {
        refused(
            app,
            "POST",
            signup_path,
            None,
            body,
            400,
            "validation_failed",
        );
    }
    refused(
        app,
        "POST",
        signup_path,
        None,
        json!({"email": "ana@example.com", "password": PASSWORD, "role": "admin"}),
        400,
        "unknown_field",
    );
    refused(
        app,
        "POST",
        "/api/v1/auth/signin",
        None,
        json!({"email": email, "password": PASSWORD, "remember": true}),
        400,
        "unknown_field",
    );
    let settings_path = "/api/v1/settings";
    refused(
        app,
        "PATCH",
        settings_path,
        Some(token),
        json!({}),
        400,
        "empty_update",
    );
    refused(
        app,
        "PATCH",
        settings_path,
        Some(token),
        json!({"colour": 1}),
        400,
        "unknown_field",
    );
    refused(
        app,
        "PATCH",
        settings_path,
        Some(token),
        json!({"timezone": "Mars Base"}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "PATCH",
        settings_path,
        Some(token),
        json!({"webhookUrl": "ftp://example.com"}),
        400,
        "validation_failed",
    );

    // Documented errors.
    let dup = call(
        app,
        "POST",
        signup_path,
        None,
        Some(&json!({"email": email, "password": PASSWORD})),
        409,
    );
    assert_eq!(dup["error"]["code"], "email_taken");
    for _ in 0..5 {
        let wrong = call(
            app,
            "POST",
            "/api/v1/auth/signin",
            None,
            Some(&json!({"email": email, "password": "wrong password"})),
            401,
        );
        assert_eq!(wrong["error"]["code"], "invalid_credentials");
    }
    let resp = exchange(
        app,
        "POST",
        "/api/v1/auth/signin",
        None,
        &[],
        Some((
            "application/json",
            json!({"email": email, "password": PASSWORD})
                .to_string()
                .into_bytes(),
        )),
        429,
    );
    assert!(resp.header("retry-after").is_some());

    call(app, "POST", "/api/v1/auth/signout", Some(token), None, 204);
    let after = call(app, "GET", "/api/v1/auth/me", Some(token), None, 401);
    assert_eq!(after["error"]["code"], "session_ended");
}

#[test]
fn tasks_match() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let due = iso(now_ms() + 48 * HOUR);
    let task = create(
        app,
        &user,
        json!({"title": "Write report", "description": "Q3 numbers", "priority": "high",
               "dueAt": due, "tags": ["#Work", "q3", "work"]}),
    );
    assert_eq!(task["tags"], json!(["work", "q3"]));
    create(app, &user, json!({"title": "Pay rent"}));
    let id = id_of(&task);
    let path = format!("/api/v1/tasks/{id}");
    call(app, "GET", &path, token, None, 200);
    let patched = call_with(
        app,
        "PATCH",
        &path,
        token,
        &[("if-match", "\"1\"")],
        Some(&json!({"title": "Write the report", "dueAt": null, "version": 1})),
        200,
    );
    assert_eq!(patched["version"], 2);
    let conflict = call(
        app,
        "PATCH",
        &path,
        token,
        Some(&json!({"priority": "low", "version": 1})),
        409,
    );
    assert_eq!(conflict["error"]["code"], "version_conflict");
    assert_eq!(conflict["error"]["details"]["currentVersion"], 2);
    let stale = call_with(
        app,
        "PATCH",
        &path,
        token,
        &[("if-match", "\"1\"")],
        Some(&json!({"priority": "low"})),
        412,
    );
    assert_eq!(stale["error"]["code"], "precondition_failed");
    let done = call(app, "POST", &format!("{path}/complete"), token, None, 200);
    assert_eq!(done["completed"], true);
    call_with(
        app,
        "POST",
        &format!("{path}/incomplete"),
        token,
        &[("if-match", "\"3\"")],
        None,
        200,
    );

    // Lists, filters and pages.
    let page = call(app, "GET", "/api/v1/tasks?limit=1", token, None, 200);
    let cursor = page["nextCursor"].as_str().expect("a next page");
    let last = call(
        app,
        "GET",
        &format!("/api/v1/tasks?limit=1&cursor={cursor}"),
        token,
        None,
        200,
    );
    assert_eq!(last["nextCursor"], Value::Null);
    let filtered = call(
        app,
        "GET",
        "/api/v1/tasks?status=open&priority=high%2Curgent&tag=work&q=report&sort=-due&limit=20\
         &dueAfter=2000-01-01T00%3A00%3A00Z&dueBefore=2999-01-01T00%3A00%3A00Z",
        token,
        None,
        200,
    );
    assert_eq!(filtered["items"], json!([]), "the due date was cleared");

    // A recurring task carries its rule.
    let weekly = create(
        app,
        &user,
        json!({"title": "Weekly review", "dueAt": due, "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO", "mode": "schedule"}}),
    );
    assert!(weekly["recurrence"]["description"].is_string());

    // Refused by the server and by the schemas.
    let tasks = "/api/v1/tasks";
    for body in [
        json!({}),
        json!({"title": "   "}),
        json!({"title": "x".repeat(201)}),
        json!({"title": "a", "priority": "critical"}),
        json!({"title": "a", "dueAt": "next week"}),
        json!({"title": "a", "tags": "work"}),
        json!({"title": "a", "tags": ["has space"]}),
        json!({"title": "a", "tags": vec!["t"; 21]}),
        json!({"title": "a", "description": "d".repeat(10_001)}),
        json!({"title": "a", "recurrence": "weekly"}),
    ] {
        refused(app, "POST", tasks, token, body, 400, "validation_failed");
    }
    refused(
        app,
        "POST",
        tasks,
        token,
        json!({"title": "a", "owner": "x"}),
        400,
        "unknown_field",
    );
    refused(app, "POST", tasks, token, json!([1]), 400, "invalid_body");
    refused(
        app,
        "PATCH",
        &path,
        token,
        json!({"version": 3}),
        400,
        "empty_update",
    );
    refused(
        app,
        "PATCH",
        &path,
        token,
        json!({"completed": "yes"}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "PATCH",
        &path,
        token,
        json!({"version": 0, "title": "b"}),
        400,
        "validation_failed",
    );

    call(app, "DELETE", &path, token, None, 204);
    let gone = call(app, "GET", &path, token, None, 404);
    assert_eq!(gone["error"]["code"], "not_found");
}

#[test]
fn error_answers_match() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    // 401 with WWW-Authenticate, on every secured kind of route.
    for path in [
        "/api/v1/tasks",
        "/api/v1/auth/me",
        "/api/v1/suggestions",
        "/api/v1/changes",
    ] {
        let e = call(app, "GET", path, None, None, 401);
        assert_eq!(e["error"]["code"], "unauthorized");
    }
    let e = call(app, "GET", "/api/v1/tasks", Some("not-a-token"), None, 401);
    assert_eq!(e["error"]["code"], "invalid_token");
    // 400 for malformed JSON and a malformed query.
    let malformed = exchange(
        app,
        "POST",
        "/api/v1/tasks",
        token,
        &[],
        Some(("application/json", b"{\"title\":".to_vec())),
        400,
    );
    assert_eq!(malformed.json()["error"]["code"], "malformed_json");
    let bad_query = call(app, "GET", "/api/v1/tasks?q=%zz", token, None, 400);
    assert_eq!(bad_query["error"]["code"], "malformed_query");
    let bad_limit = call(app, "GET", "/api/v1/tasks?limit=101", token, None, 400);
    assert_eq!(bad_limit["error"]["details"]["field"], "limit");
    // 413 and 415.
    let big = json!({"title": "x", "description": "d".repeat(70_000)});
    let e = exchange(
        app,
        "POST",
        "/api/v1/tasks",
        token,
        &[],
        Some(("application/json", big.to_string().into_bytes())),
        413,
    );
    assert_eq!(e.json()["error"]["code"], "body_too_large");
    let e = exchange(
        app,
        "POST",
        "/api/v1/tasks",
        token,
        &[],
        Some(("text/plain", b"title".to_vec())),
        415,
    );
    assert_eq!(e.json()["error"]["code"], "unsupported_media_type");
    // 404 for another user's (or no) task; 400 for a bad If-Match.
    let other = sign_up(app);
    let task = create(app, &other, json!({"title": "Private"}));
    let path = format!("/api/v1/tasks/{}", id_of(&task));
    call(app, "GET", &path, token, None, 404);
    call(app, "POST", &format!("{path}/complete"), token, None, 404);
    let e = call_with(
        app,
        "DELETE",
        &path,
        Some(&other.token),
        &[("if-match", "three")],
        None,
        400,
    );
    assert_eq!(e["error"]["code"], "invalid_if_match");
    let e = call_with(
        app,
        "DELETE",
        &path,
        Some(&other.token),
        &[("if-match", "\"7\"")],
        None,
        412,
    );
    assert_eq!(e["error"]["details"]["currentVersion"], 1);
    // Unknown API paths: the JSON 404 of the catch-all.
    let resp = app.request("GET", "/api/v1/nothing-here", token, &[], None);
    let body = resp.json();
    assert_eq!(resp.error_code(404), "not_found");
    assert_valid(
        &doc()["components"]["schemas"]["Error"],
        &body,
        "the unknown-path 404",
    );
}

#[test]
fn reminders_match() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let task = create(
        app,
        &user,
        json!({"title": "Call the bank", "dueAt": iso(now_ms() + 3 * HOUR)}),
    );
    let list = format!("/api/v1/tasks/{}/reminders", id_of(&task));
    let relative = call(
        app,
        "POST",
        &list,
        token,
        Some(&json!({"before": "15m"})),
        201,
    );
    assert_eq!(relative["beforeMinutes"], 15);
    let absolute = call(
        app,
        "POST",
        &list,
        token,
        Some(&json!({"at": iso(now_ms() + HOUR)})),
        201,
    );
    let numeric = call(app, "POST", &list, token, Some(&json!({"before": 30})), 201);
    let items = call(app, "GET", &list, token, None, 200);
    assert_eq!(items["items"].as_array().unwrap().len(), 3);
    let full = call(
        app,
        "POST",
        &list,
        token,
        Some(&json!({"before": "1h"})),
        400,
    );
    assert_eq!(full["error"]["code"], "too_many_reminders");

    let snoozed = call(
        app,
        "POST",
        &format!("/api/v1/reminders/{}/snooze", id_of(&absolute)),
        token,
        Some(&json!({"minutes": 10})),
        200,
    );
    assert_eq!(snoozed["status"], "scheduled");
    let dismissed = call(
        app,
        "POST",
        &format!("/api/v1/reminders/{}/dismiss", id_of(&absolute)),
        token,
        None,
        200,
    );
    assert_eq!(dismissed["status"], "dismissed");
    let canceled = call(
        app,
        "DELETE",
        &format!("/api/v1/reminders/{}", id_of(&relative)),
        token,
        None,
        200,
    );
    assert_eq!(canceled["status"], "canceled");
    let again = call(
        app,
        "DELETE",
        &format!("/api/v1/reminders/{}", id_of(&relative)),
        token,
        None,
        409,
    );
    assert_eq!(again["error"]["code"], "reminder_state");
    call(
        app,
        "DELETE",
        &format!("/api/v1/reminders/{}", id_of(&numeric)),
        token,
        None,
        200,
    );
    call(
        app,
        "DELETE",
        "/api/v1/reminders/no-such-reminder",
        token,
        None,
        404,
    );
    call(
        app,
        "POST",
        "/api/v1/tasks/no-such-task/reminders",
        token,
        Some(&json!({"before": "15m"})),
        404,
    );

    refused(
        app,
        "POST",
        &list,
        token,
        json!({"when": 1}),
        400,
        "unknown_field",
    );
    refused(
        app,
        "POST",
        &list,
        token,
        json!({"before": "15m", "at": iso(now_ms() + HOUR)}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "POST",
        &list,
        token,
        json!({}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "POST",
        &list,
        token,
        json!({"before": "soon"}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "POST",
        &list,
        token,
        json!({"at": "tomorrow"}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "POST",
        &format!("/api/v1/reminders/{}/snooze", id_of(&absolute)),
        token,
        json!({"minutes": "ten"}),
        400,
        "validation_failed",
    );
}

#[test]
fn suggestions_match() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let late = create(
        app,
        &user,
        json!({"title": "File taxes", "dueAt": iso(now_ms() - 2 * HOUR)}),
    );
    let later = create(
        app,
        &user,
        json!({"title": "Renew passport", "dueAt": iso(now_ms() - 30 * HOUR)}),
    );
    // The sweep that backs the overdue agent (an internal cron route).
    let sweep = app.internal("POST", "/cron/overdue-sweep", None);
    assert_eq!(
        sweep.status,
        200,
        "{}",
        String::from_utf8_lossy(&sweep.body)
    );

    let open = call(app, "GET", "/api/v1/suggestions", token, None, 200);
    let items = open["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{open}");
    let find = |task: &Value| {
        items
            .iter()
            .find(|s| s["taskId"] == task["id"])
            .map(id_of)
            .expect("a suggestion for the task")
    };
    let (first, second) = (find(&late), find(&later));
    // Each suggestion reached the feed as the documented `suggestion.upserted`.
    let feed = call(app, "GET", "/api/v1/changes?since=0", token, None, 200);
    let made = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "suggestion.upserted")
        .count();
    assert_eq!(made, 2, "{feed}");
    let accepted = call(
        app,
        "POST",
        &format!("/api/v1/suggestions/{first}/accept"),
        token,
        None,
        200,
    );
    assert_eq!(accepted["suggestion"]["status"], "accepted");
    assert_eq!(accepted["task"]["id"], late["id"]);
    let closed = call(
        app,
        "POST",
        &format!("/api/v1/suggestions/{first}/accept"),
        token,
        None,
        409,
    );
    assert_eq!(closed["error"]["code"], "suggestion_closed");
    let dismissed = call(
        app,
        "POST",
        &format!("/api/v1/suggestions/{second}/dismiss"),
        token,
        None,
        200,
    );
    assert_eq!(dismissed["status"], "dismissed");
    call(
        app,
        "POST",
        "/api/v1/suggestions/no-such-suggestion/dismiss",
        token,
        None,
        404,
    );
    let all = call(
        app,
        "GET",
        "/api/v1/suggestions?status=all",
        token,
        None,
        200,
    );
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let bad = call(
        app,
        "GET",
        "/api/v1/suggestions?status=maybe",
        token,
        None,
        400,
    );
    assert_eq!(bad["error"]["details"]["field"], "status");
}

#[test]
fn recurrences_match() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let task = create(
        app,
        &user,
        json!({"title": "Water plants", "dueAt": iso(now_ms() + 24 * HOUR),
               "recurrence": {"rrule": "FREQ=DAILY", "mode": "completion", "timezone": "Europe/Berlin"}}),
    );
    let series = task["seriesId"].as_str().unwrap();
    let list = call(app, "GET", "/api/v1/recurrences", token, None, 200);
    assert_eq!(list["items"][0]["id"], series);
    let path = format!("/api/v1/recurrences/{series}");
    let edited = call(
        app,
        "PATCH",
        &path,
        token,
        Some(&json!({"rrule": "FREQ=WEEKLY;BYDAY=TU", "mode": "schedule"})),
        200,
    );
    assert_eq!(edited["mode"], "schedule");
    let stopped = call(app, "POST", &format!("{path}/stop"), token, None, 200);
    assert_eq!(stopped["status"], "stopped");
    let resumed = call(app, "POST", &format!("{path}/resume"), token, None, 200);
    assert_eq!(resumed["status"], "active");
    let done = call(
        app,
        "POST",
        &format!("/api/v1/tasks/{}/complete", id_of(&task)),
        token,
        None,
        200,
    );
    assert_eq!(done["seriesId"], series);
    let after = call(app, "GET", "/api/v1/recurrences", token, None, 200);
    assert!(after["items"][0]["instances"][0]["completedAt"].is_string());
    // Skipping the open occurrence answers the series; deleting only the
    // next one records it as skipped too.
    let weekly = create(
        app,
        &user,
        json!({"title": "Stand-up", "dueAt": "2030-06-03T09:00:00+02:00",
               "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=MO", "timezone": "Europe/Berlin"}}),
    );
    let weekly_path = format!(
        "/api/v1/recurrences/{}",
        weekly["seriesId"].as_str().unwrap()
    );
    let skipped = call(
        app,
        "POST",
        &format!("{weekly_path}/skip"),
        token,
        None,
        200,
    );
    assert_eq!(skipped["exdates"], json!(["2030-06-03T09:00:00"]));
    let second = skipped["instances"][0]["taskId"]
        .as_str()
        .unwrap()
        .to_string();
    call(
        app,
        "DELETE",
        &format!("/api/v1/tasks/{second}?scope=this"),
        token,
        None,
        204,
    );
    let listed = call(app, "GET", "/api/v1/recurrences", token, None, 200);
    let series = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == weekly["seriesId"])
        .unwrap();
    assert_eq!(
        series["exdates"],
        json!(["2030-06-03T09:00:00", "2030-06-10T09:00:00"])
    );
    let next = create(app, &user, json!({"title": "probe"}));
    call(
        app,
        "DELETE",
        &format!("/api/v1/tasks/{}?scope=sometimes", id_of(&next)),
        token,
        None,
        400,
    );
    call(
        app,
        "POST",
        "/api/v1/recurrences/no-such-series/stop",
        token,
        None,
        404,
    );
    refused(
        app,
        "PATCH",
        &path,
        token,
        json!({"timezone": "UTC"}),
        400,
        "unknown_field",
    );
    refused(
        app,
        "PATCH",
        &path,
        token,
        json!({"mode": "sometimes"}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "POST",
        "/api/v1/tasks",
        token,
        json!({"title": "x", "recurrence": {"rrule": "FREQ=DAILY", "every": 2}}),
        400,
        "validation_failed",
    );
}

#[test]
fn lists_match() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let cursor = call(app, "GET", "/api/v1/changes", token, None, 200)["cursor"]
        .as_i64()
        .unwrap();
    let list = call(
        app,
        "POST",
        "/api/v1/lists",
        token,
        Some(&json!({"name": "Garden", "color": "#0a0"})),
        201,
    );
    let path = format!("/api/v1/lists/{}", id_of(&list));
    call(app, "GET", "/api/v1/lists", token, None, 200);
    call(app, "GET", &path, token, None, 200);
    call(
        app,
        "PATCH",
        &path,
        token,
        Some(&json!({"archived": true, "color": null})),
        200,
    );
    let task = create(
        app,
        &user,
        json!({"title": "Mow", "listId": list["id"].clone()}),
    );
    assert_eq!(task["listId"], list["id"]);
    call(
        app,
        "GET",
        &format!("/api/v1/tasks?listId={}", id_of(&list)),
        token,
        None,
        200,
    );
    call(
        app,
        "PATCH",
        &format!("/api/v1/tasks/{}", id_of(&task)),
        token,
        Some(&json!({"listId": null})),
        200,
    );
    // Every kind of entry a list change makes follows the document.
    call(app, "DELETE", &path, token, None, 204);
    let feed = call(
        app,
        "GET",
        &format!("/api/v1/changes?since={cursor}"),
        token,
        None,
        200,
    );
    let kinds: BTreeSet<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains("list.upserted") && kinds.contains("list.deleted"));
    call(app, "GET", &path, token, None, 404);
    refused(
        app,
        "POST",
        "/api/v1/lists",
        token,
        json!({"name": "x", "colour": "#fff"}),
        400,
        "unknown_field",
    );
    refused(
        app,
        "POST",
        "/api/v1/lists",
        token,
        json!({"name": "x", "color": "green"}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "PATCH",
        &format!("/api/v1/tasks/{}", id_of(&task)),
        token,
        json!({"listId": 42}),
        400,
        "validation_failed",
    );
    call(
        app,
        "POST",
        "/api/v1/lists",
        token,
        Some(&json!({"name": "garden"})),
        201,
    );
    call(
        app,
        "POST",
        "/api/v1/lists",
        token,
        Some(&json!({"name": "GARDEN"})),
        409,
    );
}

#[test]
fn the_calendar_matches() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    create(
        app,
        &user,
        json!({"title": "Dentist", "dueAt": iso(now_ms() + 24 * HOUR)}),
    );
    assert_eq!(
        call(app, "GET", "/api/v1/calendar", token, None, 200)["url"],
        Value::Null
    );
    let made = call(app, "POST", "/api/v1/calendar", token, None, 201);
    let url = made["url"].as_str().unwrap().to_string();
    call(app, "GET", "/api/v1/calendar", token, None, 200);
    let feed = exchange(app, "GET", &url, None, &[], None, 200);
    assert!(String::from_utf8_lossy(&feed.body).contains("SUMMARY:Dentist"));
    let etag = feed.header("etag").unwrap();
    exchange(
        app,
        "GET",
        &url,
        None,
        &[("if-none-match", &etag)],
        None,
        304,
    );
    call(app, "DELETE", "/api/v1/calendar", token, None, 204);
    exchange(app, "GET", &url, None, &[], None, 404);
}

#[test]
fn the_change_feed_matches() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let start = call(app, "GET", "/api/v1/changes", token, None, 200);
    assert_eq!(start["items"], json!([]));
    let cursor = start["cursor"].as_i64().unwrap();
    let task = create(app, &user, json!({"title": "Synced"}));
    call(
        app,
        "DELETE",
        &format!("/api/v1/tasks/{}", id_of(&task)),
        token,
        None,
        204,
    );
    let feed = call(
        app,
        "GET",
        &format!("/api/v1/changes?since={cursor}&wait=1"),
        token,
        None,
        200,
    );
    let kinds: Vec<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["task.upserted", "task.deleted"]);
    let ahead = call(app, "GET", "/api/v1/changes?since=999999", token, None, 409);
    assert_eq!(ahead["error"]["code"], "cursor_ahead");
    assert_valid(
        &json!({"type": "integer"}),
        &ahead["error"]["details"]["cursor"],
        "details.cursor",
    );
    let bad = call(app, "GET", "/api/v1/changes?wait=31", token, None, 400);
    assert_eq!(bad["error"]["details"]["field"], "wait");

    // Server-sent events: the documented content type, each `data:` a Change.
    use std::io::{BufRead, BufReader};
    let resp = app
        .http
        .get(format!("{}/api/v1/changes?since={cursor}", app.base))
        .bearer_auth(&user.token)
        .header("accept", "text/event-stream")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let op = operation("GET", "/api/v1/changes");
    let media = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        op["responses"]["200"]["content"].get(&media).is_some(),
        "{media}"
    );
    let change = &doc()["components"]["schemas"]["Change"];
    let mut seen = 0;
    for line in BufReader::new(resp).lines() {
        let line = line.unwrap();
        if let Some(data) = line.strip_prefix("data: ") {
            assert_valid(
                change,
                &serde_json::from_str(data).unwrap(),
                "an SSE change",
            );
            seen += 1;
            if seen == 2 {
                break;
            }
        }
    }
}

#[test]
fn chat_matches() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    // The quick-add reading: a task body, reminders and the parts, and
    // the body is one POST /api/v1/tasks accepts as it is.
    let read = call(
        app,
        "POST",
        "/api/v1/chat/preview",
        token,
        Some(
            &json!({"text": "Water plants every 3 days at 6pm !high #home, remind me 15 minutes before"}),
        ),
        200,
    );
    assert_eq!(read["task"]["title"], "Water plants", "{read}");
    assert_eq!(read["reminders"], json!([{"before": "15m"}]));
    let kinds: Vec<&str> = read["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    for kind in ["repeat", "priority", "tag", "reminder"] {
        assert!(kinds.contains(&kind), "{kind} in {read}");
    }
    let created = call(
        app,
        "POST",
        "/api/v1/tasks",
        token,
        Some(&read["task"]),
        201,
    );
    assert_eq!(created["recurrence"]["rrule"], "FREQ=DAILY;INTERVAL=3");
    let kept = call(
        app,
        "POST",
        "/api/v1/chat/preview",
        token,
        Some(&json!({"text": "Buy milk tomorrow", "plain": [[9, 17]]})),
        200,
    );
    assert_eq!(kept["task"]["title"], "Buy milk tomorrow");
    refused(
        app,
        "POST",
        "/api/v1/chat/preview",
        token,
        json!({"text": "x", "plain": [[1]]}),
        400,
        "validation_failed",
    );
    let created = call(
        app,
        "POST",
        "/api/v1/chat",
        token,
        Some(&json!({"message": "add buy milk tomorrow at 9am #home"})),
        200,
    );
    assert_eq!(created["actions"][0]["type"], "task.created", "{created}");
    let conversation = created["conversationId"].as_str().unwrap();
    call(
        app,
        "POST",
        "/api/v1/chat",
        token,
        Some(&json!({"message": "add buy bread tomorrow", "conversationId": conversation})),
        200,
    );
    let listed = call(
        app,
        "POST",
        "/api/v1/chat",
        token,
        Some(&json!({"message": "show my tasks", "conversationId": conversation})),
        200,
    );
    assert_eq!(listed["actions"][0]["type"], "tasks.listed", "{listed}");
    // Two tasks match: the assistant asks which one.
    let asked = call(
        app,
        "POST",
        "/api/v1/chat",
        token,
        Some(&json!({"message": "delete buy", "conversationId": conversation})),
        200,
    );
    assert!(asked["pending"].is_object(), "{asked}");
    call(app, "GET", "/api/v1/chat/conversations", token, None, 200);
    let view = call(
        app,
        "GET",
        &format!("/api/v1/chat/conversations/{conversation}"),
        token,
        None,
        200,
    );
    assert_eq!(view["turns"].as_array().unwrap().len(), 8);
    call(
        app,
        "GET",
        "/api/v1/chat/conversations/no-such-conversation",
        token,
        None,
        404,
    );
    call(
        app,
        "POST",
        "/api/v1/chat",
        token,
        Some(&json!({"message": "hello", "conversationId": "no-such-conversation"})),
        404,
    );
    let chat = "/api/v1/chat";
    refused(
        app,
        "POST",
        chat,
        token,
        json!({"message": "a", "extra": 1}),
        400,
        "unknown_field",
    );
    refused(
        app,
        "POST",
        chat,
        token,
        json!({"message": "  "}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "POST",
        chat,
        token,
        json!({}),
        400,
        "validation_failed",
    );
    refused(
        app,
        "POST",
        chat,
        token,
        json!({"message": "x".repeat(2001)}),
        400,
        "validation_failed",
    );
}

#[test]
fn mcp_matches() {
    let app = api();
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "openapi-test", "version": "1"}}});
    let body = |v: &Value| Some(("application/json", v.to_string().into_bytes()));
    let resp = exchange(app, "POST", "/mcp", token, &[], body(&init), 200);
    assert!(resp.header("mcp-session-id").is_some());
    assert_eq!(resp.json()["result"]["protocolVersion"], "2025-06-18");
    let notification = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    exchange(app, "POST", "/mcp", token, &[], body(&notification), 202);
    let batch = json!([
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": "3", "method": "tools/call",
         "params": {"name": "create_task", "arguments": {"title": "From MCP"}}},
        {"jsonrpc": "2.0", "id": 4, "method": "no/such/method"},
    ]);
    let answers = exchange(app, "POST", "/mcp", token, &[], body(&batch), 200).json();
    assert_eq!(answers.as_array().unwrap().len(), 3);
    assert_eq!(answers[2]["error"]["code"], -32601);
    let unauthorized = exchange(app, "POST", "/mcp", None, &[], body(&init), 401);
    assert_eq!(unauthorized.json()["error"]["code"], -32001);
    let parse_error = exchange(
        app,
        "POST",
        "/mcp",
        token,
        &[],
        Some(("application/json", b"{".to_vec())),
        400,
    );
    assert_eq!(parse_error.json()["error"]["code"], -32700);
}

#[test]
fn health_matches() {
    let app = api();
    call(app, "GET", "/health", None, None, 200);
    let ready = call(app, "GET", "/ready", None, None, 200);
    assert_eq!(ready["database"], "sqlite");
    exchange(app, "HEAD", "/health", None, &[], None, 200);
    exchange(app, "HEAD", "/ready", None, &[], None, 200);
}

/// Notifications need a reminder to fire: the whole system with the
/// sidecar, on a test clock.
#[test]
fn notifications_match() {
    let clock = Arc::new(TestClock::starting_now());
    let setup = SidecarSetup {
        clock: Some(clock.clone()),
        ..Default::default()
    };
    let system = System::start_with(Backend::Sqlite, true, setup);
    let app = &system.app;
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    let task = create(
        app,
        &user,
        json!({"title": "Call the bank", "dueAt": iso(now_ms() + 2 * HOUR)}),
    );
    let reminder = call(
        app,
        "POST",
        &format!("/api/v1/tasks/{}/reminders", id_of(&task)),
        token,
        Some(&json!({"before": "15m"})),
        201,
    );
    system.settle();
    let cursor = call(app, "GET", "/api/v1/changes", token, None, 200)["cursor"]
        .as_i64()
        .unwrap();
    let fire_at = chrono::DateTime::parse_from_rfc3339(reminder["fireAt"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    clock.set(fire_at + chrono::TimeDelta::seconds(1));
    let (inbox, _) = system.wait_for(Duration::from_secs(10), || {
        let inbox = call(app, "GET", "/api/v1/notifications", token, None, 200);
        (inbox["items"].as_array().unwrap().len() == 1).then_some(inbox)
    });
    let notification = &inbox["items"][0];
    assert_eq!(notification["readAt"], Value::Null);
    assert_eq!(notification["deliveries"][0]["channel"], "in_app");
    let feed = call(
        app,
        "GET",
        &format!("/api/v1/changes?since={cursor}"),
        token,
        None,
        200,
    );
    let kinds: BTreeMap<&str, usize> =
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .fold(BTreeMap::new(), |mut m, c| {
                *m.entry(c["kind"].as_str().unwrap()).or_default() += 1;
                m
            });
    assert_eq!(kinds.get("notification.created"), Some(&1), "{feed}");
    let read = format!("/api/v1/notifications/{}/read", id_of(notification));
    call(app, "POST", &read, token, None, 204);
    call(app, "POST", &read, token, None, 204);
    let inbox = call(app, "GET", "/api/v1/notifications", token, None, 200);
    assert!(inbox["items"][0]["readAt"].is_string());
    call(
        app,
        "POST",
        "/api/v1/notifications/no-such-notification/read",
        token,
        None,
        404,
    );
    system.settle();
    let reminders = call(
        app,
        "GET",
        &format!("/api/v1/tasks/{}/reminders", id_of(&task)),
        token,
        None,
        200,
    );
    assert_eq!(reminders["items"][0]["status"], "delivered");
    // The read reaches the feed as the documented `notification.read`.
    let feed = call(
        app,
        "GET",
        &format!("/api/v1/changes?since={cursor}"),
        token,
        None,
        200,
    );
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "notification.read"),
        "{feed}"
    );
}

#[test]
fn push_matches() {
    let push = integration_tests::push::PushService::start();
    let setup = SidecarSetup {
        app_variables: vec![
            ("push_services".into(), push.origin.clone()),
            (
                "vapid_private_key".into(),
                "6b2f0d9c8e7a1b3c5d4e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4".into(),
            ),
        ],
        ..Default::default()
    };
    let system = System::start_with(Backend::Sqlite, false, setup);
    let app = &system.app;
    let user = sign_up(app);
    let token = Some(user.token.as_str());
    call(app, "GET", "/api/v1/push/key", token, None, 200);
    let browser = push.browser("");
    let device = call(
        app,
        "POST",
        "/api/v1/push/subscriptions",
        token,
        Some(&browser),
        201,
    );
    let listed = call(app, "GET", "/api/v1/push/subscriptions", token, None, 200);
    assert_eq!(listed["items"][0], device);
    refused(
        app,
        "POST",
        "/api/v1/push/subscriptions",
        token,
        json!({"endpoint": browser["endpoint"]}),
        400,
        "validation_failed",
    );
    let path = format!("/api/v1/push/subscriptions/{}", id_of(&device));
    call(app, "DELETE", &path, token, None, 204);
    call(app, "DELETE", &path, token, None, 404);
}
