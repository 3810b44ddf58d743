//! Accounts: sign up, sign in, sign out, the current user, settings, and
//! the links in mail (confirming the address for email reminders, and the
//! one-click unsubscribe of RFC 8058).
//! Routes: /api/v1/auth/... and /api/v1/settings.

use domain::email;
use domain::user::{apply_settings_patch, parse_sign_in, parse_sign_up};
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, Config, Outcome, Reply, Request};
use serde_json::json;
use sessions::Issued;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve_async("auth", req, out, |req: Request| async move {
        // Only a settings change may send mail, so only it awaits.
        if req.method == "PATCH" && req.path == "/api/v1/settings" {
            patch_settings(&req).await.map(Outcome::from)
        } else {
            route(&req)
        }
    })
    .await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    let reply = match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v1/auth/signup") => sign_up(req),
        ("POST", "/api/v1/auth/signin") => sign_in(req),
        ("POST", "/api/v1/auth/signout") => sign_out(req),
        ("GET", "/api/v1/auth/me") => me(req),
        ("GET", "/api/v1/settings") => get_settings(req),
        ("GET", email::CONFIRM_PATH) => confirm_email(req),
        ("GET", email::UNSUBSCRIBE_PATH) => unsubscribe_page(req),
        ("POST", email::UNSUBSCRIBE_PATH) => unsubscribe(req),
        (_, email::CONFIRM_PATH) => Err(method_not_allowed("GET")),
        (_, email::UNSUBSCRIBE_PATH) => Err(method_not_allowed("GET, POST")),
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

async fn patch_settings(req: &Request) -> Result<Reply, Error> {
    let body = req.json()?;
    let (db, who) = open_authenticated(req)?;
    let (user, mut settings) = sessions::profile(&db, &who)?;
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
    let now = domain::time::now_ms();
    store::users::update_settings(&db, &who.user_id, &settings, now)?;
    // Asking for email reminders while the address is not confirmed mails
    // it a link (a fresh one each time it is asked, replacing the last).
    // No reminder is mailed before a link is followed.
    let mut reply = serde_json::to_value(&settings).map_err(|e| Error::internal(e.to_string()))?;
    if body.get("emailReminders") == Some(&json!(true)) && !settings.email_confirmed {
        let token = domain::secret::new("emc_")?;
        store::users::start_email_confirmation(
            &db,
            &who.user_id,
            &domain::secret::hash(&token),
            now + email::CONFIRM_TTL_MS,
        )?;
        let base = email::base_url(&http_api::config::var_or_empty("public_base_url"));
        let mail = email::confirmation(&user.email, &email::confirm_url(&base, &token));
        let sent = match events::Publisher::from_variables().send_mail(&mail).await {
            Ok(()) => "sent",
            Err(e) => {
                applog::warn("confirmation mail not sent", json!({ "error": e.message }));
                "not_sent"
            }
        };
        reply["emailConfirmation"] = json!(sent);
    }
    Ok(Reply::json(200, &reply))
}

fn query_token(req: &Request) -> Result<&str, Error> {
    req.only_query_params(&["token"])?;
    req.query
        .iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.as_str())
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(|| Error::invalid("token", "the link is missing its token"))
}

/// A small page for a person who followed a link in a mail.
fn page(status: u16, title: &str, body: &str) -> Reply {
    Reply::text(
        status,
        "text/html; charset=utf-8",
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title></head><body style=\"font-family:system-ui,sans-serif;\
             max-width:32rem;margin:3rem auto;padding:0 1rem\"><h1>{title}</h1>{body}\
             <p><a href=\"/\">Open Task Manager</a></p></body></html>"
        ),
    )
    .with_header("cache-control", "no-store")
    .with_header("referrer-policy", "no-referrer")
}

fn confirm_email(req: &Request) -> Result<Reply, Error> {
    let token = query_token(req)?;
    let db = store::Db::open(&Config::load()?.db_url)?;
    let unsubscribe = domain::secret::new("emu_")?;
    let now = domain::time::now_ms();
    match store::users::confirm_email(&db, &domain::secret::hash(token), &unsubscribe, now)? {
        Some(_) => Ok(page(
            200,
            "Email reminders are on",
            "<p>Your address is confirmed: reminders will now reach you by email too.</p>",
        )),
        None => Ok(page(
            400,
            "This link no longer works",
            "<p>It was used already or is older than 24 hours. Turn email reminders off and on \
             again in Settings to get a new one.</p>",
        )),
    }
}

/// GET of the unsubscribe link: a button, not the change itself (mail
/// scanners follow links; RFC 8058 has the change made by a POST).
fn unsubscribe_page(req: &Request) -> Result<Reply, Error> {
    let token = query_token(req)?;
    let safe: String = token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    Ok(page(
        200,
        "Stop email reminders?",
        &format!(
            "<form method=\"post\" action=\"{}?token={safe}\">\
             <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <button type=\"submit\">Unsubscribe</button></form>",
            email::UNSUBSCRIBE_PATH
        ),
    ))
}

/// POST of the unsubscribe link: the one-click unsubscribe a mail client
/// sends (`List-Unsubscribe=One-Click`), or the page's button.
fn unsubscribe(req: &Request) -> Result<Reply, Error> {
    let token = query_token(req)?;
    let db = store::Db::open(&Config::load()?.db_url)?;
    if store::users::unsubscribe_email(&db, token, domain::time::now_ms())? {
        Ok(page(
            200,
            "Unsubscribed",
            "<p>No more reminders by email. You can turn them on again in Settings.</p>",
        ))
    } else {
        Err(Error::not_found("unsubscribe link"))
    }
}
