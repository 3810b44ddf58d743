//! Web Push subscriptions, one per browser (the Settings switch "Reminders
//! on this device"):
//!
//! - `GET /api/v1/push/key`: the server's VAPID public key, which browsers
//!   subscribe with (`applicationServerKey`); 404 `push_unavailable` when the
//!   server has no key configured.
//! - `GET /api/v1/push/subscriptions`: the user's subscribed browsers.
//! - `POST /api/v1/push/subscriptions`: `PushSubscription.toJSON()` as the
//!   browser gives it (`endpoint`, `keys.p256dh`, `keys.auth`,
//!   `expirationTime`), plus an optional `label`. The endpoint must be on one
//!   of the push services the server sends to (`push_services`).
//! - `DELETE /api/v1/push/subscriptions/{id}`: unsubscribes that browser.

use domain::time::{format_ms, now_ms};
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, Outcome, Reply, Request};
use serde_json::{json, Value};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::push::{NewSubscription, PushSubscription};

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("push", req, out, route).await
}

const KEY: &str = "/api/v1/push/key";
const SUBSCRIPTIONS: &str = "/api/v1/push/subscriptions";
const MAX_LABEL_CHARS: usize = 100;

fn route(req: &Request) -> Result<Outcome, Error> {
    let path = req.path.trim_end_matches('/');
    let reply = match (req.method.as_str(), path) {
        ("GET", KEY) => key(),
        (_, KEY) => Err(method_not_allowed("GET")),
        ("GET", SUBSCRIPTIONS) => list(req),
        ("POST", SUBSCRIPTIONS) => subscribe(req),
        (_, SUBSCRIPTIONS) => Err(method_not_allowed("GET, POST")),
        (method, _) => {
            let id = req.path_param("/api/v1/push/subscriptions/:id", "id")?;
            if path != format!("{SUBSCRIPTIONS}/{id}") {
                return Err(Error::not_found("endpoint"));
            }
            if method != "DELETE" {
                return Err(method_not_allowed("DELETE"));
            }
            unsubscribe(req, &id)
        }
    }?;
    Ok(reply.into())
}

fn key() -> Result<Reply, Error> {
    let key = http_api::config::var_or_empty("vapid_private_key");
    let Some(vapid) = webpush::Vapid::configured(&key)
        .map_err(|e| Error::internal(format!("vapid_private_key: {e}")))?
    else {
        return Err(Error::new(
            domain::ErrorKind::NotFound,
            "push_unavailable",
            "this server is not set up to send push notifications",
        ));
    };
    Ok(Reply::json(
        200,
        &json!({ "publicKey": vapid.public_key() }),
    ))
}

fn item(s: &PushSubscription) -> Value {
    json!({
        "id": s.id,
        "endpoint": s.endpoint,
        "label": s.label,
        "createdAt": format_ms(s.created_at),
    })
}

fn list(req: &Request) -> Result<Reply, Error> {
    req.only_query_params(&[])?;
    let (db, who) = open_authenticated(req)?;
    let items: Vec<Value> = store::push::list(&db, &who.user_id)?
        .iter()
        .map(item)
        .collect();
    Ok(Reply::json(200, &json!({ "items": items })))
}

fn text<'a>(body: &'a Value, field: &str, name: &str) -> Result<&'a str, Error> {
    match body.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(Error::invalid(name, format!("{name} is required")))
        }
        Some(_) => Err(Error::invalid(name, format!("{name} must be a string"))),
    }
}

fn subscribe(req: &Request) -> Result<Reply, Error> {
    let body = req.json()?;
    let Some(fields) = body.as_object() else {
        return Err(Error::bad_request(
            "invalid_body",
            "the body must be a JSON object",
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|k| !["endpoint", "keys", "expirationTime", "label"].contains(&k.as_str()))
    {
        return Err(Error::bad_request(
            "unknown_field",
            format!("unknown field {unknown:?}: a subscription has endpoint, keys, expirationTime and label"),
        ));
    }
    let endpoint = text(&body, "endpoint", "endpoint")?;
    let services = http_api::config::var_or_empty("push_services");
    webpush::check_endpoint(endpoint, &services).map_err(|e| Error::invalid("endpoint", e.0))?;
    let keys = body.get("keys").cloned().unwrap_or(Value::Null);
    let (p256dh, auth) = (
        text(&keys, "p256dh", "keys.p256dh")?,
        text(&keys, "auth", "keys.auth")?,
    );
    webpush::Keys::parse(p256dh, auth).map_err(|e| {
        let field = if e.0.starts_with("keys.auth") {
            "keys.auth"
        } else {
            "keys.p256dh"
        };
        Error::invalid(field, e.0)
    })?;
    let label = match body.get("label") {
        None | Some(Value::Null) => device_label(req.header("user-agent").unwrap_or_default()),
        Some(Value::String(s)) if s.chars().count() <= MAX_LABEL_CHARS && !s.contains('\0') => {
            s.trim().to_string()
        }
        Some(_) => {
            return Err(Error::invalid(
                "label",
                format!("label must be a string of at most {MAX_LABEL_CHARS} characters"),
            ))
        }
    };
    let (db, who) = open_authenticated(req)?;
    let id = uuid::Uuid::new_v4().to_string();
    let new = NewSubscription {
        id: &id,
        endpoint,
        p256dh,
        auth,
        label: &label,
    };
    let saved = store::push::save(&db, &who.user_id, &new, now_ms())?;
    Ok(Reply::json(201, &item(&saved)))
}

fn unsubscribe(req: &Request, id: &str) -> Result<Reply, Error> {
    let (db, who) = open_authenticated(req)?;
    if !store::push::delete(&db, &who.user_id, id)? {
        return Err(Error::not_found("push subscription"));
    }
    Ok(Reply::no_content())
}

/// "Firefox on Linux" from a User-Agent, for telling devices apart in the
/// list; the browser may send its own label instead.
fn device_label(user_agent: &str) -> String {
    let has = |s: &str| user_agent.contains(s);
    let browser = if has("Edg/") {
        "Edge"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        "A browser"
    };
    let system = if has("Android") {
        "Android"
    } else if has("iPhone") || has("iPad") {
        "iOS"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("Linux") || has("X11") {
        "Linux"
    } else {
        return browser.to_string();
    };
    format!("{browser} on {system}")
}
