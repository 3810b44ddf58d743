//! The shared shell of every HTTP component: `serve` reads the request with
//! limits, gives it a correlation id, runs the component's handler, runs
//! the work that follows a commit (publishing its events), answers (errors
//! as `{"error":{"code","message"}}`) and logs one JSON line.
//!
//! Events are published after the transaction commits and before the
//! response is sent: a client that waits for one answer before its next
//! request then also gets its events published in order (Dapr keeps the
//! order per user from there). A publish failure never changes the answer:
//! the event stays in the outbox for the relay.

pub mod config;
mod reply;
pub mod request;

pub use config::Config;
pub use reply::{error_reply, Reply};
pub use request::Request;

use domain::{Error, ErrorKind};
use spin_sdk::http::{IncomingRequest, OutgoingResponse, ResponseOutparam};
use std::time::Instant;

/// Work that follows the handler's commit and precedes the response.
pub type PostCommit = Box<dyn FnOnce() -> futures::future::LocalBoxFuture<'static, ()>>;

/// The outcome of a handler: the reply, and the work that follows the commit.
pub struct Outcome {
    pub reply: Reply,
    pub post_commit: Vec<PostCommit>,
}

impl From<Reply> for Outcome {
    fn from(reply: Reply) -> Self {
        Outcome {
            reply,
            post_commit: Vec::new(),
        }
    }
}

/// Runs one request through `handler`. `component` names the component in
/// logs and in the `source` of events.
pub async fn serve<F>(
    component: &'static str,
    incoming: IncomingRequest,
    out: ResponseOutparam,
    handler: F,
) where
    F: FnOnce(&Request) -> Result<Outcome, Error>,
{
    serve_async(component, incoming, out, |req| async move { handler(&req) }).await
}

/// `serve` for handlers that must await (outbound calls such as the Dapr
/// Jobs API); the handler owns the request.
pub async fn serve_async<F, Fut>(
    component: &'static str,
    incoming: IncomingRequest,
    out: ResponseOutparam,
    handler: F,
) where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Result<Outcome, Error>>,
{
    let started = Instant::now();
    let (outcome, req_info) = match Request::read(component, incoming).await {
        Ok(req) => {
            let info = (
                req.method.clone(),
                req.path.clone(),
                req.correlation_id.clone(),
            );
            (handler(req).await, info)
        }
        Err((e, info)) => (Err(e), info),
    };
    let (method, path, correlation_id) = req_info;
    let (reply, post_commit, error) = match outcome {
        Ok(o) => (o.reply, o.post_commit, None),
        Err(e) => (error_reply(&e), Vec::new(), Some(e)),
    };
    for work in post_commit {
        work().await;
    }
    let status = reply.status;
    send(out, reply, &correlation_id).await;
    log_line(
        component,
        &method,
        &path,
        status,
        started,
        &correlation_id,
        error.as_ref(),
    );
}

pub async fn send(out: ResponseOutparam, reply: Reply, correlation_id: &str) {
    let mut headers: Vec<(String, Vec<u8>)> = reply
        .headers
        .into_iter()
        .map(|(k, v)| (k, v.into_bytes()))
        .collect();
    headers.push((
        "x-correlation-id".into(),
        correlation_id.as_bytes().to_vec(),
    ));
    let fields = match spin_sdk::http::Headers::from_list(&headers) {
        Ok(f) => f,
        Err(e) => {
            applog::error(
                "invalid response header",
                serde_json::json!({ "error": format!("{e:?}") }),
            );
            spin_sdk::http::Headers::new()
        }
    };
    let response = OutgoingResponse::new(fields);
    if response.set_status_code(reply.status).is_err() {
        applog::error(
            "invalid status",
            serde_json::json!({ "status": reply.status }),
        );
    }
    if let Err(e) = out.set_with_body(response, reply.body).await {
        applog::warn(
            "client went away",
            serde_json::json!({ "error": format!("{e:?}") }),
        );
    }
}

pub fn log_line(
    component: &str,
    method: &str,
    path: &str,
    status: u16,
    started: Instant,
    correlation_id: &str,
    error: Option<&Error>,
) {
    let mut line = serde_json::json!({
        "level": if status >= 500 { "error" } else { "info" },
        "component": component,
        "method": method,
        "path": path,
        "status": status,
        "ms": (started.elapsed().as_micros() as f64) / 1000.0,
        "correlationId": correlation_id,
    });
    if let Some(e) = error {
        line["code"] = e.code.into();
        // Server faults are logged in full; the client saw a generic message.
        if e.is_internal() {
            line["error"] = e.message.clone().into();
        }
    }
    applog::emit(&line);
}

/// 405 with the methods the route supports.
pub fn method_not_allowed(allowed: &str) -> Error {
    Error::new(
        ErrorKind::MethodNotAllowed,
        "method_not_allowed",
        format!("this endpoint supports {allowed}"),
    )
    .with_details(serde_json::json!({ "allow": allowed }))
}

impl Outcome {
    /// A reply whose events are published before the client gets it.
    pub fn with_events(
        reply: Reply,
        db: store::Db,
        events: Vec<domain::event::OutboxEvent>,
    ) -> Outcome {
        if events.is_empty() {
            return reply.into();
        }
        let publish: PostCommit = Box::new(move || {
            Box::pin(async move {
                events::Publisher::from_variables()
                    .publish_and_mark(&db, &events)
                    .await;
            })
        });
        Outcome {
            reply,
            post_commit: vec![publish],
        }
    }
}

/// Opens the database and checks the caller's session: the start of every
/// authenticated handler.
pub fn open_authenticated(req: &Request) -> Result<(store::Db, sessions::Principal), Error> {
    let (db, presented) = open_presented(req)?;
    // The session check also checks the schema version (no extra query).
    let who = presented.confirm(&db)?;
    Ok((db, who))
}

/// Opens the database and checks the caller's token, leaving the session
/// check to the handler's own statement (`Presented::confirm_within`): the
/// start of the busiest handlers, one round trip shorter.
pub fn open_presented(req: &Request) -> Result<(store::Db, sessions::Presented), Error> {
    let config = Config::load()?;
    let db = store::Db::connect(&config.db_url)?;
    let presented = sessions::verify(&config.keys(), req.session_token())?;
    Ok((db, presented))
}

/// The `source` and trace context for events caused by this request.
pub fn origin(req: &Request) -> domain::event::Origin {
    domain::event::Origin {
        source: req.component.to_string(),
        correlation_id: req.correlation_id.clone(),
        traceparent: req.traceparent.clone(),
    }
}

/// The route of one task; `/complete`, `/incomplete` and `/reminders` extend it.
pub const TASK_ROUTE: &str = "/api/v1/tasks/:id";

/// A task with its version as the ETag.
pub fn task_reply(status: u16, task: &domain::task::Task) -> Reply {
    Reply::json(status, task).with_header("etag", format!("\"{}\"", task.version))
}

/// `POST /api/v1/tasks/:id/complete` and `/incomplete`: sets the task's
/// completion to `completed`. The two routes are separate components (their
/// own routes and permissions) with one behaviour, so it lives here. Repeating
/// it is harmless: the task is returned unchanged and no event is published.
pub fn set_task_completion(req: &Request, completed: bool) -> Result<Outcome, Error> {
    if req.method != "POST" {
        return Err(method_not_allowed("POST"));
    }
    let id = req.path_param(TASK_ROUTE, "id")?;
    let expected = task_service::Expected {
        if_match: if_match(req)?,
        body_version: None,
    };
    let (db, who) = open_authenticated(req)?;
    let changed =
        task_service::set_completion(&db, &who.user_id, &id, completed, expected, &origin(req))?;
    Ok(Outcome::with_events(
        task_reply(200, &changed.task),
        db,
        changed.events,
    ))
}

/// The version in `If-Match: "3"` (or `3`), if the header is present.
pub fn if_match(req: &Request) -> Result<Option<i64>, Error> {
    let Some(raw) = req.header("if-match") else {
        return Ok(None);
    };
    let v = raw.trim().trim_start_matches("W/").trim_matches('"');
    v.parse::<i64>().map(Some).map_err(|_| {
        Error::bad_request(
            "invalid_if_match",
            "If-Match must be the task's ETag, such as \"3\"",
        )
    })
}

/// Internal routes (events, jobs, cron) accept only the sidecar, which
/// sends the `app_api_token` variable as Dapr's `dapr-api-token` header.
/// Without a configured token they refuse every call: a forged event must
/// never reach a handler because a deployment forgot a setting.
pub fn check_app_token(req: &Request) -> Result<(), Error> {
    check_secret(
        "app_api_token",
        "app_api_token_unset",
        "internal routes need the app_api_token variable (Dapr's APP_API_TOKEN)",
        req.header("dapr-api-token"),
        "this route is for the Dapr sidecar",
    )
}

/// Operator routes (`/admin/...`, never forwarded by the public gateway)
/// need `Authorization: Bearer <admin_api_token>`, a secret variable of
/// their own. Unset, they refuse every call.
pub fn check_admin_token(req: &Request) -> Result<(), Error> {
    check_bearer(req, "admin_api_token", "admin_api_token_unset", "operators")
}

/// `/metrics` needs `Authorization: Bearer <metrics_api_token>` (what the
/// Prometheus PodMonitor presents): a credential that can read the figures
/// and do nothing else. Unset, every scrape is refused.
pub fn check_metrics_token(req: &Request) -> Result<(), Error> {
    check_bearer(
        req,
        "metrics_api_token",
        "metrics_api_token_unset",
        "Prometheus",
    )
}

fn check_bearer(
    req: &Request,
    variable: &'static str,
    unset_code: &'static str,
    for_whom: &str,
) -> Result<(), Error> {
    let presented = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "));
    check_secret(
        variable,
        unset_code,
        &format!("this route needs the {variable} variable"),
        presented,
        &format!("this route is for {for_whom}: send Authorization: Bearer <{variable}>"),
    )
}

/// A route guarded by the secret variable `variable`: unset, it refuses
/// every call (503 `unset_code`); a missing or wrong credential is a 401.
fn check_secret(
    variable: &'static str,
    unset_code: &'static str,
    unset_message: &str,
    presented: Option<&str>,
    refusal: &str,
) -> Result<(), Error> {
    let expected = config::var_or_empty(variable);
    if expected.is_empty() {
        return Err(Error::new(
            ErrorKind::Unavailable,
            unset_code,
            unset_message.to_string(),
        ));
    }
    match presented {
        Some(p) if constant_time_eq(p.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(Error::unauthorized(refusal.to_string())),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
