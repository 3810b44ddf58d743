//! The integration-test harness: starts the real host on the compiled
//! components, once per backend per test process, and offers a small HTTP
//! client. Tests isolate themselves by signing up fresh users.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, OnceLock};

pub mod fake_llm;
pub mod ical;
pub mod native;
pub mod pg;
pub mod prometheus;
pub mod push;
pub mod smtp;
pub mod system;
pub mod webhook;

/// The session-signing key of every test app (tests forge tokens with it).
pub const TEST_AUTH_SECRET: &str = "integration-test-secret-0123456789";
/// What the sidecar presents to the app's internal routes (Dapr's APP_API_TOKEN).
pub const TEST_APP_API_TOKEN: &str = "test-app-api-token-0123456789";
/// The operators' token for `/admin/...` in every test host.
/// The password of every user `TestApp::sign_up` makes.
pub const TEST_PASSWORD: &str = "correct horse battery";
pub const TEST_ADMIN_API_TOKEN: &str = "test-admin-api-token-0123456789";
/// Prometheus' token for `/metrics` in every test host.
pub const TEST_METRICS_API_TOKEN: &str = "test-metrics-api-token-0123456789";
/// What the app presents to the sidecar (Dapr's DAPR_API_TOKEN).
pub const TEST_DAPR_API_TOKEN: &str = "test-dapr-api-token-0123456789";

/// Runs each named test function once per backend, as `postgres::name`
/// and `sqlite::name`; each function takes the `Backend`.
/// Runs each scenario against the shared app of each backend:
/// `scenario(&TestApp)`.
#[macro_export]
macro_rules! on_both_apps {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $( #[test] fn $name() { super::$name($crate::app($crate::Backend::Postgres)); } )*
        }
        mod sqlite {
            $( #[test] fn $name() { super::$name($crate::app($crate::Backend::Sqlite)); } )*
        }
    };
}

#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $( #[test] fn $name() { super::$name($crate::Backend::Postgres); } )*
        }
        mod sqlite {
            $( #[test] fn $name() { super::$name($crate::Backend::Sqlite); } )*
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Variables and where the app keeps its state, for one host start.
#[derive(Clone)]
pub struct HostSetup {
    pub variables: HashMap<String, String>,
    pub state_dir: PathBuf,
}

impl HostSetup {
    pub fn new(backend: Backend, db_url: &str) -> HostSetup {
        let state_dir = tempfile::tempdir().unwrap().keep();
        let mut variables = HashMap::new();
        variables.insert("auth_secret".to_string(), TEST_AUTH_SECRET.to_string());
        // Internal routes refuse every call without the tokens, as in
        // production; the embedded sidecar takes them from these variables.
        variables.insert("app_api_token".to_string(), TEST_APP_API_TOKEN.to_string());
        variables.insert(
            "admin_api_token".to_string(),
            TEST_ADMIN_API_TOKEN.to_string(),
        );
        variables.insert(
            "metrics_api_token".to_string(),
            TEST_METRICS_API_TOKEN.to_string(),
        );
        variables.insert(
            "dapr_api_token".to_string(),
            TEST_DAPR_API_TOKEN.to_string(),
        );
        // The tests' webhook receivers listen on loopback over http.
        variables.insert("webhook_trusted_hosts".to_string(), "127.0.0.1".to_string());
        variables.insert(
            "db_url".to_string(),
            match backend {
                Backend::Postgres => db_url.to_string(),
                Backend::Sqlite => String::new(),
            },
        );
        // No sidecar in these tests: publishing fails fast (nothing listens
        // on port 9) and events stay in the outbox, as when Dapr is down.
        variables.insert(
            "dapr_http_endpoint".to_string(),
            "http://localhost:9".to_string(),
        );
        HostSetup {
            variables,
            state_dir,
        }
    }

    /// The host's options for this setup (requests logged with
    /// `TEST_LOG_REQUESTS` set).
    pub fn app_options(self) -> spinhost::AppOptions {
        spinhost::AppOptions {
            state_dir: Some(self.state_dir),
            variables: self.variables,
            log_requests: std::env::var_os("TEST_LOG_REQUESTS").is_some(),
            ..Default::default()
        }
    }
}

/// Starts the host on its own thread and runtime; returns the base URL.
/// The host lives until the test process exits.
pub fn start_host(setup: HostSetup) -> String {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let app = spinhost::App::load(repo_root().join("spin.toml"), setup.app_options())
                .expect("the host loads spin.toml (run scripts/test.sh to build the components)");
            let handle = app
                .bind("127.0.0.1:0".parse().unwrap())
                .await
                .expect("bind");
            tx.send(format!("http://{}", handle.local_addr())).unwrap();
            handle.wait().await.unwrap();
        });
    });
    rx.recv().expect("host started")
}

pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    pub http: reqwest::blocking::Client,
}

static POSTGRES: OnceLock<TestApp> = OnceLock::new();
static SQLITE: OnceLock<TestApp> = OnceLock::new();

/// The shared app for a backend, started on first use.
pub fn app(backend: Backend) -> &'static TestApp {
    let cell = match backend {
        Backend::Postgres => &POSTGRES,
        Backend::Sqlite => &SQLITE,
    };
    cell.get_or_init(|| {
        let db_url = match backend {
            Backend::Postgres => pg::fresh_database("api"),
            Backend::Sqlite => String::new(),
        };
        TestApp::new(start_host(HostSetup::new(backend, &db_url)), backend)
    })
}

/// A response, read in full.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }

    /// Asserts a 4xx with the JSON error body; returns the error code.
    #[track_caller]
    pub fn error_code(&self, status: u16) -> String {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        let body = self.json();
        let code = body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error.code in {body}"));
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "no error.message in {body}"
        );
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/json")
        );
        code.to_string()
    }
}

/// A signed-up user of a test app.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub token: String,
}

impl TestApp {
    pub fn new(base: String, backend: Backend) -> TestApp {
        TestApp {
            base,
            backend,
            http: reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some((content_type, bytes)) = body {
            req = req.header("content-type", content_type).body(bytes);
        }
        let resp = req.send().expect("request reaches the host");
        Resp {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body: resp.bytes().unwrap().to_vec(),
        }
    }

    /// Calls an internal route (`/events`, `/job`, `/cron`) as the sidecar
    /// does, with its `dapr-api-token`.
    pub fn internal(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        self.request(
            method,
            path,
            None,
            &[("dapr-api-token", TEST_APP_API_TOKEN)],
            body.map(|b| ("application/json", b.to_string().into_bytes())),
        )
    }

    /// Calls an operator route (`/admin/...`) with the admin token.
    pub fn admin(&self, method: &str, path: &str) -> Resp {
        self.request(method, path, Some(TEST_ADMIN_API_TOKEN), &[], None)
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request("GET", path, token, &[], None)
    }

    pub fn send_json(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.request(
            method,
            path,
            token,
            &[],
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    pub fn sign_up(&self) -> User {
        let email = format!("user-{}@example.com", uuid::Uuid::new_v4());
        let resp = self.send_json(
            "POST",
            "/api/v1/auth/signup",
            None,
            &json!({"email": email, "password": TEST_PASSWORD, "name": "Test"}),
        );
        assert_eq!(resp.status, 201, "{}", String::from_utf8_lossy(&resp.body));
        let body = resp.json();
        User {
            id: body["user"]["id"].as_str().unwrap().to_string(),
            email,
            token: body["token"].as_str().unwrap().to_string(),
        }
    }

    /// Signs `user` in with the password `sign_up` gave them.
    pub fn sign_in(&self, user: &User) -> Resp {
        self.send_json(
            "POST",
            "/api/v1/auth/signin",
            None,
            &json!({"email": user.email, "password": TEST_PASSWORD}),
        )
    }

    pub fn create_task(&self, user: &User, body: Value) -> Value {
        let resp = self.send_json("POST", "/api/v1/tasks", Some(&user.token), &body);
        assert_eq!(resp.status, 201, "{}", String::from_utf8_lossy(&resp.body));
        resp.json()
    }

    /// Creates a list through the API (asserting 201); answers the list.
    pub fn create_list(&self, user: &User, body: Value) -> Value {
        let resp = self.send_json("POST", "/api/v1/lists", Some(&user.token), &body);
        assert_eq!(resp.status, 201, "{}", String::from_utf8_lossy(&resp.body));
        resp.json()
    }

    /// Completes a task through the API (asserting 200); answers the task.
    pub fn complete_task(&self, user: &User, id: &str) -> Value {
        let done = self.request(
            "POST",
            &format!("/api/v1/tasks/{id}/complete"),
            Some(&user.token),
            &[],
            None,
        );
        assert_eq!(done.status, 200, "{:?}", done.json());
        done.json()
    }

    /// The user's notification inbox, newest first.
    pub fn notifications(&self, user: &User) -> Vec<Value> {
        self.get("/api/v1/notifications", Some(&user.token)).json()["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Every task of the user, following cursors.
    pub fn list_all(&self, user: &User, query: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/tasks?{query}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let resp = self.get(&path, Some(&user.token));
            assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
            let body = resp.json();
            items.extend(body["items"].as_array().unwrap().iter().cloned());
            match body["nextCursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return items,
            }
        }
    }
}

/// Starts one of `tests/python/`'s servers in the tests' Python; it prints
/// the port it listens on as its first line and runs until its standard
/// input closes.
pub fn start_python_server(script: &str, args: &[&str]) -> (std::process::Child, u16) {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(prometheus::python())
        .arg(repo_root().join("tests/python").join(script))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the tests' Python starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{script} prints its port, not {line:?}"));
    (child, port)
}

/// The path and query of the first link in `text` that goes to `path`.
pub fn link_to(text: &str, path: &str) -> String {
    let at = text
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in {text}"));
    text[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '>')
        .next()
        .unwrap()
        .to_string()
}

/// A notification's delivery attempts on one channel: (attempt, status).
pub fn delivery_attempts(notification: &Value, channel: &str) -> Vec<(i64, String)> {
    notification["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["channel"] == channel)
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap(),
                d["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
