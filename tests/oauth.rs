//! MCP's OAuth 2.1 authorization, end to end through the compiled `oauth`,
//! `mcp` and `connected-apps` components: discovery documents checked
//! against the RFCs' required fields, registration, the authorization
//! request's checks (exact redirect URIs, PKCE S256 only, the resource),
//! the consent API, the code exchange, audience-bound tokens, scopes,
//! refresh rotation with replay detection, revocation by the client and by
//! the user, and the audit trail. Then the official MCP Python SDK's OAuth
//! client does the whole flow as an AI client would.

use integration_tests::{app, Backend, Resp, TestApp, User};
use serde_json::{json, Value};
use std::collections::HashMap;

integration_tests::on_both_backends!(
    discovery_and_registration,
    authorization_requests_are_checked,
    code_flow_tokens_scopes_refresh_and_revocation,
    the_mcp_python_sdk_connects_with_oauth,
    suggestions_and_reminders_through_mcp,
);

const REDIRECT: &str = "http://127.0.0.1:9/callback";

fn form(app: &TestApp, path: &str, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
    let body = url_encode(pairs);
    app.request(
        "POST",
        path,
        None,
        headers,
        Some(("application/x-www-form-urlencoded", body.into_bytes())),
    )
}

fn url_encode(pairs: &[(&str, &str)]) -> String {
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    oauth::encode_query(&owned)
}

fn query_of(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    oauth::form_pairs(q.as_bytes()).into_iter().collect()
}

/// An OAuth error answer: the status and `{"error", "error_description"}`.
#[track_caller]
fn oauth_error(r: &Resp, status: u16) -> String {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    body["error"].as_str().expect("error").to_string()
}

fn register(app: &TestApp, metadata: Value) -> Value {
    let r = app.send_json("POST", "/oauth/register", None, &metadata);
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn public_client(app: &TestApp, name: &str) -> String {
    register(
        app,
        json!({"client_name": name, "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"}),
    )["client_id"]
        .as_str()
        .unwrap()
        .to_string()
}

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce() -> Pkce {
    let verifier = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    Pkce {
        challenge: oauth::secret::s256(&verifier),
        verifier,
    }
}

fn authorize(app: &TestApp, params: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
    app.request(
        "GET",
        &format!("/oauth/authorize?{}", url_encode(params)),
        None,
        headers,
        None,
    )
}

/// The user's answer on the consent page; answers where the browser goes.
fn consent(
    app: &TestApp,
    user: &User,
    request: &str,
    approve: bool,
    scopes: Option<&[&str]>,
) -> String {
    consent_at(app, user, request, approve, scopes, &[])
}

/// `consent`, with the headers of the page's request (another `host`).
fn consent_at(
    app: &TestApp,
    user: &User,
    request: &str,
    approve: bool,
    scopes: Option<&[&str]>,
    headers: &[(&str, &str)],
) -> String {
    let mut body = json!({"request": request, "approve": approve});
    if let Some(s) = scopes {
        body["scopes"] = json!(s);
    }
    let r = app.request(
        "POST",
        "/api/v1/oauth/authorization",
        Some(&user.token),
        headers,
        Some(("application/json", body.to_string().into_bytes())),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["redirectTo"].as_str().unwrap().to_string()
}

/// A whole authorization for `client`: the request, the consent (with
/// `scopes`, or all asked), the code exchange. Answers the token response.
fn connect(
    app: &TestApp,
    user: &User,
    client: &str,
    scopes: Option<&[&str]>,
    headers: &[(&str, &str)],
) -> Value {
    let p = pkce();
    let resource = format!("{}/mcp", base_for(app, headers));
    let r = authorize(
        app,
        &[
            ("response_type", "code"),
            ("client_id", client),
            ("redirect_uri", REDIRECT),
            ("state", "s-1"),
            ("code_challenge", &p.challenge),
            ("code_challenge_method", "S256"),
            ("resource", &resource),
        ],
        headers,
    );
    assert_eq!(r.status, 302, "{}", String::from_utf8_lossy(&r.body));
    let location = r.header("location").unwrap();
    let request = location.split_once('?').unwrap().1.to_string();
    let back = consent_at(app, user, &request, true, scopes, headers);
    let q = query_of(&back);
    let t = form(
        app,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &q["code"]),
            ("redirect_uri", REDIRECT),
            ("client_id", client),
            ("code_verifier", &p.verifier),
            ("resource", &resource),
        ],
        headers,
    );
    assert_eq!(t.status, 200, "{}", String::from_utf8_lossy(&t.body));
    t.json()
}

fn base_for(app: &TestApp, headers: &[(&str, &str)]) -> String {
    match headers.iter().find(|(k, _)| *k == "host") {
        Some((_, host)) => format!("http://{host}"),
        None => app.base.clone(),
    }
}

fn mcp(app: &TestApp, token: &str, body: &Value) -> Resp {
    app.request(
        "POST",
        "/mcp",
        Some(token),
        &[("accept", "application/json, text/event-stream")],
        Some(("application/json", body.to_string().into_bytes())),
    )
}

fn call(name: &str, args: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": args}})
}

fn tool_names(app: &TestApp, token: &str) -> Vec<String> {
    let r = mcp(
        app,
        token,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

fn discovery_and_registration(backend: Backend) {
    let app = app(backend);
    // The 401 points at the resource's metadata (RFC 9728 §5.1).
    let r = mcp(
        app,
        "",
        &json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
    );
    assert_eq!(r.status, 401);
    let challenge = r.header("www-authenticate").unwrap();
    let prm_url = format!("{}/.well-known/oauth-protected-resource/mcp", app.base);
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains(&format!("resource_metadata=\"{prm_url}\"")),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"tasks:read tasks:write\""),
        "{challenge}"
    );

    // RFC 9728 §2: resource (required) and the authorization servers.
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let prm = app.get(path, None);
        assert_eq!(prm.status, 200, "{path}");
        assert_eq!(
            prm.header("content-type").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            prm.header("access-control-allow-origin").as_deref(),
            Some("*")
        );
        let prm = prm.json();
        assert_eq!(prm["resource"], format!("{}/mcp", app.base));
        assert_eq!(prm["authorization_servers"], json!([app.base]));
        assert_eq!(
            prm["scopes_supported"],
            json!(["tasks:read", "tasks:write"])
        );
    }
    // RFC 8414 §2 and §3.3: the issuer is the URL the metadata was found
    // under; the required fields are present.
    let asm = app
        .get("/.well-known/oauth-authorization-server", None)
        .json();
    assert_eq!(asm["issuer"], app.base);
    for (field, want) in [
        (
            "authorization_endpoint",
            json!(format!("{}/oauth/authorize", app.base)),
        ),
        ("token_endpoint", json!(format!("{}/oauth/token", app.base))),
        (
            "registration_endpoint",
            json!(format!("{}/oauth/register", app.base)),
        ),
        (
            "revocation_endpoint",
            json!(format!("{}/oauth/revoke", app.base)),
        ),
        ("response_types_supported", json!(["code"])),
        (
            "grant_types_supported",
            json!(["authorization_code", "refresh_token"]),
        ),
        ("code_challenge_methods_supported", json!(["S256"])),
    ] {
        assert_eq!(asm[field], want, "{field}");
    }
    assert!(asm["token_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("none")));
    // Other well-known paths stay a JSON 404.
    assert_eq!(
        app.get("/.well-known/oauth-protected-resource/other", None)
            .error_code(404),
        "not_found"
    );
    assert_eq!(
        app.get("/.well-known/openid-configuration", None)
            .error_code(404),
        "not_found"
    );
    let post = app.request(
        "POST",
        "/.well-known/oauth-authorization-server",
        None,
        &[],
        None,
    );
    assert_eq!(post.error_code(405), "method_not_allowed");
    assert_eq!(post.header("allow").as_deref(), Some("GET, HEAD"));

    // Registration (RFC 7591): a public client, and a confidential one.
    let public = register(
        app,
        json!({"client_name": "Claude", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none",
               "grant_types": ["authorization_code", "refresh_token"], "software_id": "ignored"}),
    );
    assert!(public["client_id"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(public.get("client_secret").is_none());
    assert_eq!(public["redirect_uris"], json!([REDIRECT]));
    let confidential = register(app, json!({"redirect_uris": ["https://agent.example/cb"]}));
    assert_eq!(
        confidential["token_endpoint_auth_method"],
        "client_secret_basic"
    );
    assert!(confidential["client_secret"]
        .as_str()
        .is_some_and(|s| s.len() > 40));
    assert_eq!(confidential["client_name"], "Unnamed app");

    for (metadata, error) in [
        (json!({"client_name": "x"}), "invalid_redirect_uri"),
        (json!({"redirect_uris": []}), "invalid_redirect_uri"),
        (
            json!({"redirect_uris": ["http://evil.example/cb"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": ["https://a.example/cb#x"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": ["javascript:alert(1)"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"redirect_uris": [REDIRECT], "grant_types": ["password"]}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [REDIRECT], "client_name": "x".repeat(101)}),
            "invalid_client_metadata",
        ),
        (json!([1, 2]), "invalid_client_metadata"),
    ] {
        let r = app.send_json("POST", "/oauth/register", None, &metadata);
        assert_eq!(oauth_error(&r, 400), error, "{metadata}");
    }
    let not_json = app.request(
        "POST",
        "/oauth/register",
        None,
        &[],
        Some(("text/plain", b"x".to_vec())),
    );
    assert_eq!(oauth_error(&not_json, 415), "invalid_client_metadata");
    // Browser-based clients may read the metadata and register cross-origin.
    let pre = app.request(
        "OPTIONS",
        "/oauth/token",
        None,
        &[("origin", "https://inspector.example")],
        None,
    );
    assert_eq!(pre.status, 204);
    assert_eq!(
        pre.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
}

fn authorization_requests_are_checked(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let client = public_client(app, "Checked client");
    let p = pkce();
    let resource = format!("{}/mcp", app.base);
    let good: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", &client),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
        ("code_challenge", &p.challenge),
        ("code_challenge_method", "S256"),
        ("scope", "tasks:read tasks:write"),
        ("resource", &resource),
    ];
    let with = |name: &str, value: Option<&str>| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = good
            .iter()
            .filter(|(k, _)| *k != name)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(value) = value {
            v.push((name.to_string(), value.to_string()));
        }
        v
    };
    let send = |params: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        authorize(app, &pairs, &[])
    };

    // Unknown client or a redirect URI not registered exactly: shown, never
    // redirected (RFC 6749 §4.1.2.1).
    for (name, value, code) in [
        ("client_id", Some("no-such-client"), "invalid_client"),
        (
            "redirect_uri",
            Some("http://127.0.0.1:9/callback/other"),
            "invalid_redirect_uri",
        ),
        (
            "redirect_uri",
            Some("http://127.0.0.1:9/Callback"),
            "invalid_redirect_uri",
        ),
        (
            "redirect_uri",
            Some("http://127.0.0.1:9/callback?x=1"),
            "invalid_redirect_uri",
        ),
        (
            "redirect_uri",
            Some("https://evil.example/callback"),
            "invalid_redirect_uri",
        ),
    ] {
        let r = send(with(name, value));
        assert_eq!(r.error_code(400), code, "{name}={value:?}");
        assert!(r.header("location").is_none());
    }
    // Errors about the request itself go back to the client with its state.
    for (name, value, error) in [
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("code_challenge_method", None, "invalid_request"),
        ("code_challenge", None, "invalid_request"),
        ("code_challenge", Some("short"), "invalid_request"),
        ("response_type", Some("token"), "unsupported_response_type"),
        ("scope", Some("tasks:read admin"), "invalid_scope"),
        (
            "resource",
            Some("https://other.example/mcp"),
            "invalid_target",
        ),
        (
            "resource",
            Some(&format!("{}/api/v1", app.base)),
            "invalid_target",
        ),
    ] {
        let r = send(with(name, value));
        assert_eq!(r.status, 302, "{name}={value:?}");
        let to = r.header("location").unwrap();
        assert!(to.starts_with(&format!("{REDIRECT}?")), "{to}");
        let q = query_of(&to);
        assert_eq!(q["error"], error, "{name}={value:?}");
        assert_eq!(q["state"], "xyz");
        assert_eq!(q["iss"], app.base);
    }
    // A good request goes on to the consent page with its parameters.
    let r = send(with("state", Some("xyz")));
    assert_eq!(r.status, 302);
    let to = r.header("location").unwrap();
    assert!(to.starts_with(&format!("{}/connect?", app.base)), "{to}");
    let request = to.split_once('?').unwrap().1.to_string();

    // The consent page's view: the app and what it asks for.
    let view = app.get(
        &format!(
            "/api/v1/oauth/authorization?{}",
            url_encode(&[("request", &request)])
        ),
        Some(&user.token),
    );
    assert_eq!(view.status, 200, "{}", String::from_utf8_lossy(&view.body));
    let view = view.json();
    assert_eq!(view["client"]["name"], "Checked client");
    assert_eq!(view["scopes"][0]["scope"], "tasks:read");
    assert!(view["scopes"][1]["description"]
        .as_str()
        .unwrap()
        .contains("Create"));
    // Only a signed-in user answers it.
    let anonymous = app.send_json(
        "POST",
        "/api/v1/oauth/authorization",
        None,
        &json!({"request": request, "approve": true}),
    );
    assert_eq!(anonymous.error_code(401), "unauthorized");
    // Scopes beyond the request cannot be approved.
    let wider = app.send_json(
        "POST",
        "/api/v1/oauth/authorization",
        Some(&user.token),
        &json!({"request": oauth::encode_query(&with("scope", Some("tasks:read"))),
                "approve": true, "scopes": ["tasks:write"]}),
    );
    assert_eq!(wider.error_code(400), "validation_failed");
    // Denied: back to the client with access_denied.
    let denied = query_of(&consent(app, &user, &request, false, None));
    assert_eq!(denied["error"], "access_denied");
    assert_eq!(denied["state"], "xyz");

    // The code exchange's checks (the code stays good through them).
    let approved = query_of(&consent(app, &user, &request, true, None));
    assert_eq!(approved["state"], "xyz");
    assert_eq!(approved["iss"], app.base);
    let code = approved["code"].clone();
    let exchange = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", client.as_str()),
        ];
        pairs.extend_from_slice(extra);
        form(app, "/oauth/token", &pairs, &[])
    };
    let wrong_verifier = pkce().verifier;
    for (extra, status, error) in [
        (vec![("redirect_uri", REDIRECT)], 400, "invalid_request"), // no code_verifier
        (
            vec![("redirect_uri", REDIRECT), ("code_verifier", "short")],
            400,
            "invalid_request",
        ),
        (
            vec![
                ("redirect_uri", REDIRECT),
                ("code_verifier", wrong_verifier.as_str()),
            ],
            400,
            "invalid_grant",
        ),
        (
            vec![
                ("redirect_uri", "http://127.0.0.1:9/other"),
                ("code_verifier", p.verifier.as_str()),
            ],
            400,
            "invalid_grant",
        ),
        (
            vec![("code_verifier", p.verifier.as_str())],
            400,
            "invalid_grant",
        ), // no redirect_uri
        (
            vec![
                ("redirect_uri", REDIRECT),
                ("code_verifier", p.verifier.as_str()),
                ("resource", "https://other.example/mcp"),
            ],
            400,
            "invalid_target",
        ),
    ] {
        assert_eq!(oauth_error(&exchange(&extra), status), error, "{extra:?}");
    }
    let other_client = public_client(app, "Another client");
    let stolen = form(
        app,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", &other_client),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &p.verifier),
        ],
        &[],
    );
    assert_eq!(oauth_error(&stolen, 400), "invalid_grant");
    assert_eq!(
        oauth_error(
            &form(
                app,
                "/oauth/token",
                &[("grant_type", "password"), ("client_id", &client)],
                &[]
            ),
            400
        ),
        "unsupported_grant_type"
    );
    let unknown = form(
        app,
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "nobody"),
        ],
        &[],
    );
    assert_eq!(oauth_error(&unknown, 401), "invalid_client");
    let repeated = form(
        app,
        "/oauth/token",
        &[("client_id", &client), ("client_id", &client)],
        &[],
    );
    assert_eq!(oauth_error(&repeated, 400), "invalid_request");
    let json_body = app.send_json(
        "POST",
        "/oauth/token",
        None,
        &json!({"grant_type": "authorization_code"}),
    );
    assert_eq!(oauth_error(&json_body, 400), "invalid_request");

    // Right at last; and a second exchange of the same code ends what the
    // first one granted (RFC 6749 §4.1.2).
    let ok = exchange(&[
        ("redirect_uri", REDIRECT),
        ("code_verifier", p.verifier.as_str()),
    ]);
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    assert_eq!(ok.header("cache-control").as_deref(), Some("no-store"));
    let tokens = ok.json();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "tasks:read tasks:write");
    assert!(tokens["expires_in"]
        .as_i64()
        .is_some_and(|s| (60..=3600).contains(&s)));
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(tool_names(app, access).len(), 14);
    let again = exchange(&[
        ("redirect_uri", REDIRECT),
        ("code_verifier", p.verifier.as_str()),
    ]);
    assert_eq!(oauth_error(&again, 400), "invalid_grant");
    let r = mcp(
        app,
        access,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    );
    assert_eq!(r.status, 401);
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("error=\"invalid_token\""));
}

fn code_flow_tokens_scopes_refresh_and_revocation(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let other = app.sign_up();
    let client = public_client(app, "Agent");
    let tokens = connect(app, &user, &client, None, &[]);
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();

    // The token works at /mcp, for this user.
    let made = mcp(
        app,
        &access,
        &call("create_task", json!({"title": "Made over OAuth"})),
    );
    assert_eq!(made.status, 200);
    let id = made.json()["result"]["structuredContent"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = app.get(&format!("/api/v1/tasks/{id}"), Some(&user.token));
    assert_eq!(stored.json()["title"], "Made over OAuth");
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{id}"), Some(&other.token))
            .status,
        404
    );
    // Bound to /mcp: the REST API refuses it (RFC 8707).
    let rest = app.get("/api/v1/tasks", Some(&access));
    assert_eq!(rest.error_code(401), "invalid_token");
    // A token minted for another resource (this server under another
    // name) is refused here.
    let elsewhere = connect(app, &user, &client, None, &[("host", "tasks.example")]);
    let foreign = mcp(
        app,
        elsewhere["access_token"].as_str().unwrap(),
        &call("list_tasks", json!({})),
    );
    assert_eq!(foreign.status, 401);
    let challenge = foreign.header("www-authenticate").unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

    // A read-only connection sees and runs only the tools that read.
    let read_only = connect(app, &user, &client, Some(&["tasks:read"]), &[]);
    assert_eq!(read_only["scope"], "tasks:read");
    let ro = read_only["access_token"].as_str().unwrap().to_string();
    let names = tool_names(app, &ro);
    assert!(names.contains(&"list_tasks".to_string()) && names.contains(&"list_lists".to_string()));
    assert!(
        !names.contains(&"create_task".to_string()) && !names.contains(&"delete_task".to_string())
    );
    let listed = mcp(app, &ro, &call("list_tasks", json!({})));
    assert_eq!(
        listed.json()["result"]["structuredContent"]["items"][0]["id"],
        id
    );
    let before = app.list_all(&user, "status=all").len();
    for (tool, args) in [
        ("create_task", json!({"title": "Not allowed"})),
        ("delete_task", json!({"taskId": id})),
        ("complete_task", json!({"taskId": id})),
    ] {
        let r = mcp(app, &ro, &call(tool, args));
        assert_eq!(r.status, 403, "{tool}");
        let challenge = r.header("www-authenticate").unwrap();
        assert!(
            challenge.contains("error=\"insufficient_scope\""),
            "{challenge}"
        );
        assert!(
            challenge.contains("scope=\"tasks:read tasks:write\""),
            "{challenge}"
        );
        assert_eq!(
            r.json()["error"]["code"],
            -32003,
            "the MCP error for a forbidden tool"
        );
    }
    assert_eq!(
        app.list_all(&user, "status=all").len(),
        before,
        "nothing changed"
    );
    // A refresh may narrow the scope, never widen it.
    let ro_refresh = read_only["refresh_token"].as_str().unwrap();
    let wider = form(
        app,
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", ro_refresh),
            ("client_id", &client),
            ("scope", "tasks:write"),
        ],
        &[],
    );
    assert_eq!(oauth_error(&wider, 400), "invalid_scope");

    // Refresh rotates: a new pair; the old refresh token is spent.
    let refresh_with = |token: &str| {
        form(
            app,
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", token),
                ("client_id", &client),
            ],
            &[],
        )
    };
    let next = refresh_with(&refresh);
    assert_eq!(next.status, 200, "{}", String::from_utf8_lossy(&next.body));
    let next = next.json();
    assert_ne!(next["refresh_token"], json!(refresh));
    let access2 = next["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        mcp(app, &access2, &call("list_tasks", json!({}))).status,
        200
    );
    // Replaying the spent one ends the grant for whoever holds it.
    assert_eq!(oauth_error(&refresh_with(&refresh), 400), "invalid_grant");
    assert_eq!(
        mcp(app, &access2, &call("list_tasks", json!({}))).status,
        401
    );
    assert_eq!(
        oauth_error(&refresh_with(next["refresh_token"].as_str().unwrap()), 400),
        "invalid_grant"
    );

    // Connected apps: what the user sees, and the audit trail.
    let apps = app.get("/api/v1/connected-apps", Some(&user.token)).json();
    let agent = apps["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["clientId"] == json!(client))
        .expect("the agent is listed")
        .clone();
    assert_eq!(agent["name"], "Agent");
    assert_eq!(agent["scopes"], json!(["tasks:read", "tasks:write"]));
    assert!(agent["lastUsedAt"].is_string());
    let activity = app
        .get("/api/v1/connected-apps/activity", Some(&user.token))
        .json();
    let calls = activity["items"].as_array().unwrap();
    assert!(calls.iter().any(|c| c["tool"] == "create_task"
        && c["outcome"] == "ok"
        && c["app"] == "Agent"
        && c["arguments"].as_str().unwrap().contains("Made over OAuth")));
    assert!(calls
        .iter()
        .any(|c| c["tool"] == "delete_task" && c["outcome"] == "insufficient_scope"));
    // Another user sees none of it, and cannot disconnect it.
    assert_eq!(
        app.get("/api/v1/connected-apps", Some(&other.token)).json()["items"],
        json!([])
    );
    assert_eq!(
        app.get("/api/v1/connected-apps/activity", Some(&other.token))
            .json()["items"],
        json!([])
    );
    let theirs = app.request(
        "DELETE",
        &format!("/api/v1/connected-apps/{client}"),
        Some(&other.token),
        &[],
        None,
    );
    assert_eq!(theirs.error_code(404), "not_found");
    assert_eq!(mcp(app, &ro, &call("list_tasks", json!({}))).status, 200);

    // Revocation by the client (RFC 7009): unknown tokens are fine; the
    // real one ends its grant.
    let fresh = connect(app, &user, &client, None, &[]);
    let fresh_access = fresh["access_token"].as_str().unwrap();
    let bogus = form(
        app,
        "/oauth/revoke",
        &[("token", "nonsense"), ("client_id", &client)],
        &[],
    );
    assert_eq!(bogus.status, 200);
    assert_eq!(
        mcp(app, fresh_access, &call("list_tasks", json!({}))).status,
        200
    );
    let revoked = form(
        app,
        "/oauth/revoke",
        &[("token", fresh_access), ("client_id", &client)],
        &[],
    );
    assert_eq!(revoked.status, 200);
    assert_eq!(
        mcp(app, fresh_access, &call("list_tasks", json!({}))).status,
        401
    );
    assert_eq!(
        oauth_error(&refresh_with(fresh["refresh_token"].as_str().unwrap()), 400),
        "invalid_grant"
    );

    // The user disconnects the app: every token of it stops at once.
    let gone = app.request(
        "DELETE",
        &format!("/api/v1/connected-apps/{client}"),
        Some(&user.token),
        &[],
        None,
    );
    assert_eq!(gone.status, 204);
    assert_eq!(mcp(app, &ro, &call("list_tasks", json!({}))).status, 401);
    assert_eq!(oauth_error(&refresh_with(ro_refresh), 400), "invalid_grant");
    let apps = app.get("/api/v1/connected-apps", Some(&user.token)).json();
    assert!(!apps["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["clientId"] == json!(client)));
    // The sign-in token keeps working at /mcp for header-only clients.
    assert_eq!(
        mcp(app, &user.token, &call("list_tasks", json!({}))).status,
        200
    );

    // A confidential client authenticates with its secret.
    let conf = register(
        app,
        json!({"client_name": "Server agent", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "client_secret_post"}),
    );
    let conf_id = conf["client_id"].as_str().unwrap();
    let secret = conf["client_secret"].as_str().unwrap();
    let t = connect_confidential(app, &user, conf_id, secret);
    assert_eq!(t.status, 200, "{}", String::from_utf8_lossy(&t.body));
}

/// The code flow for a confidential client, presenting its secret.
fn connect_confidential(app: &TestApp, user: &User, client: &str, secret: &str) -> Resp {
    let p = pkce();
    let r = authorize(
        app,
        &[
            ("response_type", "code"),
            ("client_id", client),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &p.challenge),
            ("code_challenge_method", "S256"),
        ],
        &[],
    );
    let location = r.header("location").unwrap();
    let code = query_of(&consent(
        app,
        user,
        location.split_once('?').unwrap().1,
        true,
        None,
    ))["code"]
        .clone();
    let pairs = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("client_id", client),
        ("code_verifier", p.verifier.as_str()),
    ];
    let without = form(app, "/oauth/token", &pairs, &[]);
    assert_eq!(oauth_error(&without, 401), "invalid_client");
    let wrong: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .chain([("client_secret", "mcp_cs_wrong")])
        .collect();
    assert_eq!(
        oauth_error(&form(app, "/oauth/token", &wrong, &[]), 401),
        "invalid_client"
    );
    let right: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .chain([("client_secret", secret)])
        .collect();
    form(app, "/oauth/token", &right, &[])
}

fn the_mcp_python_sdk_connects_with_oauth(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let script = integration_tests::repo_root().join("tests/python/mcp_oauth_client.py");
    let out = integration_tests::prometheus::run_python_file(&script, &[&app.base, &user.token]);
    let report: Value = serde_json::from_str(out.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("the client's report ({e}): {out}"));
    // Discovered, registered, authorized (once for each of the two apps),
    // and connected.
    assert_eq!(report["authorizations"], 2, "{report}");
    assert!(report["authorization_url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/oauth/authorize?", app.base)));
    assert_eq!(report["consent"]["client"]["name"], "SDK test client");
    assert_eq!(report["scope"], "tasks:read tasks:write");
    assert!(report["tools"]
        .as_array()
        .unwrap()
        .contains(&json!("create_task")));
    let id = report["created"]["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{id}"), Some(&user.token))
            .json()["title"],
        "Added by the SDK client"
    );
    // The refresh happened without asking the user again.
    assert_eq!(report["refreshed"], true, "{report}");
    assert_eq!(report["refresh_rotated"], true);
    assert_eq!(
        report["listed_after_refresh"],
        json!(["Added by the SDK client"])
    );
    assert_eq!(report["authorizations_before_revoke"], 1);
    // Revoked: the token stops at once.
    assert_eq!(report["revoke_status"], 200);
    assert_eq!(report["after_revoke_status"], 401);
    // A read-only app: it sees only the tools that read; its call to one
    // that writes answers 403 insufficient_scope, the SDK asks the user for
    // more (a new authorization request), the user declines, and nothing
    // is written.
    assert_eq!(report["read_only_scope"], "tasks:read", "{report}");
    assert_eq!(
        report["read_only_tools"],
        json!([
            "list_lists",
            "list_reminders",
            "list_suggestions",
            "list_tasks"
        ])
    );
    assert_eq!(report["read_only_listed"], 1);
    let step_up = report["step_up_refused"]
        .as_str()
        .expect("the SDK asked to step up");
    assert!(
        step_up.contains("scope=tasks%3Aread+tasks%3Awrite"),
        "{step_up}"
    );
    assert!(
        report["read_only_write"]
            .as_str()
            .unwrap()
            .starts_with("refused"),
        "{report}"
    );
    let titles: Vec<Value> = app
        .list_all(&user, "status=all")
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    assert_eq!(titles, vec![json!("Added by the SDK client")]);
    // Revoking ended the first app's grant; the read-only one stays.
    let apps = app.get("/api/v1/connected-apps", Some(&user.token)).json();
    let names: Vec<&Value> = apps["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["name"])
        .collect();
    assert_eq!(names, vec!["SDK read-only client"]);
}

fn result_of(r: &Resp) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let body = r.json();
    assert_eq!(body["result"]["isError"], false, "{body}");
    body["result"]["structuredContent"].clone()
}

/// The tools the chat assistant had and MCP lacked: suggestions (list,
/// accept, dismiss) and reminders (list, snooze, dismiss).
fn suggestions_and_reminders_through_mcp(backend: Backend) {
    let app = app(backend);
    let user = app.sign_up();
    let client = public_client(app, "Helper");
    let full = connect(app, &user, &client, None, &[]);
    let token = full["access_token"].as_str().unwrap().to_string();
    let ro = connect(app, &user, &client, Some(&["tasks:read"]), &[]);
    let ro = ro["access_token"].as_str().unwrap().to_string();
    let now = domain::time::now_ms();
    let overdue = |title: &str| {
        app.create_task(
            &user,
            json!({"title": title, "dueAt": domain::time::format_ms(now - 3 * 3_600_000)}),
        )
    };
    let taxes = overdue("File taxes");
    let passport = overdue("Renew passport");
    let sweep = app.internal("POST", "/cron/overdue-sweep", None);
    assert_eq!(
        sweep.status,
        200,
        "{}",
        String::from_utf8_lossy(&sweep.body)
    );

    let open = result_of(&mcp(app, &ro, &call("list_suggestions", json!({}))));
    let items = open["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{open}");
    let for_task = |task: &Value| {
        items
            .iter()
            .find(|s| s["taskId"] == task["id"])
            .and_then(|s| s["id"].as_str())
            .expect("a suggestion for the task")
            .to_string()
    };
    let (first, second) = (for_task(&taxes), for_task(&passport));
    // Read-only sees them but cannot act.
    let refused = mcp(
        app,
        &ro,
        &call("accept_suggestion", json!({"suggestionId": first})),
    );
    assert_eq!(refused.status, 403);
    // Accepting applies the suggested change to the task.
    let accepted = result_of(&mcp(
        app,
        &token,
        &call("accept_suggestion", json!({"suggestionId": first})),
    ));
    assert_eq!(accepted["suggestion"]["status"], "accepted");
    let moved = app
        .get(
            &format!("/api/v1/tasks/{}", taxes["id"].as_str().unwrap()),
            Some(&user.token),
        )
        .json();
    assert_ne!(moved["dueAt"], taxes["dueAt"], "the due time moved");
    assert_eq!(accepted["task"]["dueAt"], moved["dueAt"]);
    let dismissed = result_of(&mcp(
        app,
        &token,
        &call("dismiss_suggestion", json!({"suggestionId": second})),
    ));
    assert_eq!(dismissed["status"], "dismissed");
    let again = mcp(
        app,
        &token,
        &call("dismiss_suggestion", json!({"suggestionId": second})),
    )
    .json();
    assert_eq!(again["result"]["isError"], true);
    assert_eq!(
        again["result"]["structuredContent"]["error"]["code"],
        "suggestion_closed"
    );
    let all = result_of(&mcp(
        app,
        &token,
        &call("list_suggestions", json!({"status": "all"})),
    ));
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        result_of(&mcp(app, &token, &call("list_suggestions", json!({}))))["items"],
        json!([])
    );
    let bad = mcp(
        app,
        &token,
        &call("list_suggestions", json!({"status": "later"})),
    )
    .json();
    assert_eq!(
        bad["result"]["structuredContent"]["error"]["code"],
        "validation_failed"
    );

    // Reminders: one added, listed, snoozed, then dismissed.
    let due = domain::time::format_ms(now + 24 * 3_600_000);
    let task = app.create_task(&user, json!({"title": "Dentist", "dueAt": due}));
    let task_id = task["id"].as_str().unwrap();
    let added = result_of(&mcp(
        app,
        &token,
        &call("add_reminder", json!({"taskId": task_id, "before": "1h"})),
    ));
    let listed = result_of(&mcp(
        app,
        &ro,
        &call("list_reminders", json!({"taskId": task_id})),
    ));
    let reminder = added["id"].as_str().unwrap().to_string();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == json!(reminder)),
        "{listed}"
    );
    let snoozed = result_of(&mcp(
        app,
        &token,
        &call(
            "snooze_reminder",
            json!({"reminderId": reminder, "minutes": 10}),
        ),
    ));
    assert_eq!(snoozed["status"], "scheduled");
    let fire = domain::time::parse_instant("t", snoozed["fireAt"].as_str().unwrap()).unwrap();
    assert!((fire - (now + 10 * 60_000)).abs() < 60_000, "{snoozed}");
    let too_long = mcp(
        app,
        &token,
        &call(
            "snooze_reminder",
            json!({"reminderId": reminder, "minutes": 99999}),
        ),
    )
    .json();
    assert_eq!(
        too_long["result"]["structuredContent"]["error"]["code"],
        "validation_failed"
    );
    let done = result_of(&mcp(
        app,
        &token,
        &call("dismiss_reminder", json!({"reminderId": reminder})),
    ));
    assert_eq!(done["status"], "dismissed");
    assert_eq!(
        mcp(
            app,
            &ro,
            &call("dismiss_reminder", json!({"reminderId": reminder}))
        )
        .status,
        403
    );
    // Another user's reminder is not found.
    let other = app.sign_up();
    let theirs = mcp(
        app,
        &other.token,
        &call("dismiss_reminder", json!({"reminderId": reminder})),
    )
    .json();
    assert_eq!(
        theirs["result"]["structuredContent"]["error"]["code"],
        "not_found"
    );
}
