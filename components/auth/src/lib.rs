//! Accounts: sign up, sign in, sign out, the current user, and settings.
//! Routes: /api/v1/auth/... and /api/v1/settings.

use domain::user::{apply_settings_patch, parse_sign_in, parse_sign_up};
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, Config, Outcome, Reply, Request};
use serde_json::json;
use sessions::Issued;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("auth", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let reply = match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v1/auth/signup") => sign_up(req),
        ("POST", "/api/v1/auth/signin") => sign_in(req),
        ("POST", "/api/v1/auth/signout") => sign_out(req),
        ("GET", "/api/v1/auth/me") => me(req),
        ("GET", "/api/v1/settings") => get_settings(req),
        ("PATCH", "/api/v1/settings") => patch_settings(req),
        (_, "/api/v1/auth/signup" | "/api/v1/auth/signin" | "/api/v1/auth/signout") => {
            Err(method_not_allowed("POST"))
        }
        (_, "/api/v1/auth/me") => Err(method_not_allowed("GET")),
        (_, "/api/v1/settings") => Err(method_not_allowed("GET, PATCH")),
        _ => Err(Error::not_found("endpoint")),
    }?;
    Ok(reply.into())
}

/// The browser gets the token as an HttpOnly cookie too; API clients use
/// the token from the body as a Bearer token.
fn session_cookie(req: &Request, token: &str, max_age_secs: i64) -> String {
    // Not from `spin-full-url`, which the client can send: the scheme the
    // runtime saw, or the public address behind a TLS-terminating gateway.
    let secure = req.scheme == "https"
        || http_api::config::var_or_empty("public_base_url").starts_with("https://");
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        http_api::request::SESSION_COOKIE,
        if secure { "; Secure" } else { "" }
    )
}

fn issued_reply(req: &Request, status: u16, issued: Issued) -> Reply {
    let max_age = (issued.expires_at - domain::time::now_ms()) / 1000;
    let cookie = session_cookie(req, &issued.token, max_age);
    Reply::json(
        status,
        &json!({
            "user": issued.user,
            "token": issued.token,
            "expiresAt": domain::time::format_ms(issued.expires_at),
        }),
    )
    .with_header("set-cookie", cookie)
}

fn sign_up(req: &Request) -> Result<Reply, Error> {
    let input = parse_sign_up(&req.json()?)?;
    let config = Config::load()?;
    let db = store::Db::open(&config.db_url)?;
    let issued = sessions::sign_up(&db, &config.keys(), input)?;
    Ok(issued_reply(req, 201, issued))
}

fn sign_in(req: &Request) -> Result<Reply, Error> {
    let input = parse_sign_in(&req.json()?)?;
    let config = Config::load()?;
    let db = store::Db::open(&config.db_url)?;
    let issued = sessions::sign_in(&db, &config.keys(), input, &req.client_addr())?;
    Ok(issued_reply(req, 200, issued))
}

fn sign_out(req: &Request) -> Result<Reply, Error> {
    let (db, who) = open_authenticated(req)?;
    sessions::sign_out(&db, &who)?;
    Ok(Reply::no_content().with_header("set-cookie", session_cookie(req, "", 0)))
}

fn me(req: &Request) -> Result<Reply, Error> {
    let (db, who) = open_authenticated(req)?;
    let (user, settings) = sessions::profile(&db, &who)?;
    Ok(Reply::json(
        200,
        &json!({ "user": user, "settings": settings }),
    ))
}

fn get_settings(req: &Request) -> Result<Reply, Error> {
    let (db, who) = open_authenticated(req)?;
    let (_, settings) = sessions::profile(&db, &who)?;
    Ok(Reply::json(200, &settings))
}

fn patch_settings(req: &Request) -> Result<Reply, Error> {
    let body = req.json()?;
    let (db, who) = open_authenticated(req)?;
    let (_, mut settings) = sessions::profile(&db, &who)?;
    apply_settings_patch(
        &mut settings,
        &body,
        &http_api::config::webhook_trusted_hosts(),
    )?;
    if settings.webhook_url.is_some() && settings.webhook_secret.is_none() {
        // The user verifies our webhooks with this key.
        settings.webhook_secret = Some(format!(
            "whsec_{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        ));
    }
    store::users::update_settings(&db, &who.user_id, &settings, domain::time::now_ms())?;
    Ok(Reply::json(200, &settings))
}
