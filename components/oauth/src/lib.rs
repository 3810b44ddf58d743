//! The OAuth 2.1 authorization server for MCP clients (see the `oauth`
//! crate): registration, the authorization endpoint, the token and
//! revocation endpoints, and the consent page's API. (Its discovery
//! documents are served by `web`: see spin.toml.)
//!
//! Routes: `/oauth/register`,
//! `/oauth/authorize`, `/oauth/token`, `/oauth/revoke`, and
//! `/api/v1/oauth/authorization` (the signed-in user's view of a request,
//! and their answer).
//!
//! The protocol endpoints answer errors as OAuth clients expect them
//! (`{"error", "error_description"}`, RFC 6749 §5.2); the consent API, a
//! part of the app's own API, as every other API route does.

use domain::time::now_ms;
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, Config, Outcome, Reply, Request};
use oauth::authorize::Refusal;
use oauth::{Failure, Server};
use serde_json::{json, Value};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("oauth", req, out, route).await
}

const CONSENT_API: &str = "/api/v1/oauth/authorization";

fn route(req: &Request) -> Result<Outcome, Error> {
    let server = Server::new(
        &http_api::config::var_or_empty("public_base_url"),
        &req.scheme,
        &req.authority,
    );
    let path = req.path.as_str();
    let method = req.method.as_str();
    // Browser-based clients read the metadata and call the token endpoint
    // from their own origin; these routes take no cookies, so any origin
    // may (the consent API is not among them).
    if method == "OPTIONS" && path != CONSENT_API {
        return Ok(cors(Reply::no_content())
            .with_header("access-control-allow-methods", "GET, POST, OPTIONS")
            .with_header(
                "access-control-allow-headers",
                "authorization, content-type, mcp-protocol-version",
            )
            .with_header("access-control-max-age", "86400")
            .into());
    }
    let reply = match (method, path) {
        ("POST", "/oauth/register") => cors(register(req)),
        ("GET", "/oauth/authorize") => authorize(req, &server)?,
        ("POST", "/oauth/token") => cors(token(req, &server)),
        ("POST", "/oauth/revoke") => cors(revoke(req)),
        ("GET", CONSENT_API) => consent_view(req, &server)?,
        ("POST", CONSENT_API) => consent_answer(req, &server)?,
        (_, "/oauth/register" | "/oauth/token" | "/oauth/revoke") => {
            return Err(method_not_allowed("POST"))
        }
        (_, "/oauth/authorize") => return Err(method_not_allowed("GET")),
        (_, CONSENT_API) => return Err(method_not_allowed("GET, POST")),
        _ => return Err(Error::not_found("endpoint")),
    };
    Ok(reply.into())
}

fn cors(reply: Reply) -> Reply {
    reply.with_header("access-control-allow-origin", "*")
}

fn failure(f: &Failure) -> Reply {
    let reply = Reply::json(f.status, &f.body());
    if f.status == 401 {
        // RFC 6749 §5.2: invalid_client answered with 401 names the scheme.
        reply.with_header("www-authenticate", "Basic realm=\"oauth\"")
    } else {
        reply
    }
}

fn answer(result: Result<Value, Failure>, status: u16) -> Reply {
    match result {
        // RFC 6749 §5.1: token responses are never cached.
        Ok(v) => Reply::json(status, &v).with_header("pragma", "no-cache"),
        Err(f) => failure(&f),
    }
}

fn open_db() -> Result<(Config, store::Db), Failure> {
    let config = Config::load()?;
    let db = store::Db::open(&config.db_url)?;
    Ok((config, db))
}

fn register(req: &Request) -> Reply {
    let result = (|| {
        let body = req.json().map_err(|e| {
            Failure::new(
                if e.kind == domain::ErrorKind::UnsupportedMediaType {
                    415
                } else {
                    400
                },
                "invalid_client_metadata",
                e.message,
            )
        })?;
        let (_, db) = open_db()?;
        Ok(oauth::client::register(&db, &body, now_ms())?.response())
    })();
    answer(result, 201)
}

/// The form body of a token or revocation request.
fn form(req: &Request) -> Result<Vec<(String, String)>, Failure> {
    let media = req
        .header("content-type")
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/x-www-form-urlencoded" {
        return Err(Failure::invalid_request(
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    Ok(oauth::form_pairs(&req.body))
}

fn token(req: &Request, server: &Server) -> Reply {
    let result = (|| {
        let form = form(req)?;
        let (config, db) = open_db()?;
        oauth::token::exchange(
            &db,
            server,
            &config.keys(),
            &form,
            req.header("authorization"),
            now_ms(),
        )
    })();
    answer(result, 200)
}

fn revoke(req: &Request) -> Reply {
    let result = (|| {
        let form = form(req)?;
        let (config, db) = open_db()?;
        oauth::token::revoke(
            &db,
            &config.keys(),
            &form,
            req.header("authorization"),
            now_ms(),
        )?;
        Ok(json!({}))
    })();
    answer(result, 200)
}

fn redirect(to: &str) -> Reply {
    Reply {
        status: 302,
        headers: vec![
            ("location".into(), to.to_string()),
            ("cache-control".into(), "no-store".into()),
        ],
        body: Vec::new(),
    }
}

/// The client sends the user here. A request that checks out goes on to
/// the web app's consent page with the same parameters; a bad one goes
/// back to the client with an error, or, when the client or its redirect
/// URI is unknown, is shown here.
fn authorize(req: &Request, server: &Server) -> Result<Reply, Error> {
    let config = Config::load()?;
    let db = store::Db::open(&config.db_url)?;
    match oauth::authorize::check(&db, server, &req.query) {
        Ok(_) => Ok(redirect(&format!(
            "{}?{}",
            server.consent_page(),
            oauth::encode_query(&req.query)
        ))),
        Err(Refusal::Redirect(to)) => Ok(redirect(&to)),
        Err(Refusal::Show(e)) => Err(e),
    }
}

/// The query of the authorization request, as the consent page forwards it
/// in `request`.
fn forwarded(query: &str) -> Vec<(String, String)> {
    oauth::form_pairs(query.as_bytes())
}

fn refused(e: Refusal) -> Error {
    match e {
        Refusal::Show(e) => e,
        // The request's own parameters are at fault; the consent page
        // shows the error rather than sending the user on.
        Refusal::Redirect(to) => Error::bad_request(
            "invalid_authorization_request",
            "the app's authorization request is not valid",
        )
        .with_details(json!({ "redirectTo": to })),
    }
}

/// What the consent page shows: the app and what it asks for.
fn consent_view(req: &Request, server: &Server) -> Result<Reply, Error> {
    req.only_query_params(&["request"])?;
    let (db, _who) = open_authenticated(req)?;
    let query: Vec<(String, String)> = req
        .query
        .iter()
        .filter(|(k, _)| k == "request")
        .flat_map(|(_, v)| forwarded(v))
        .collect();
    let request = oauth::authorize::check(&db, server, &query).map_err(refused)?;
    Ok(Reply::json(
        200,
        &json!({
            "client": {
                "id": request.client.id,
                "name": request.client.name,
                "uri": request.client.client_uri,
            },
            "redirectUri": request.redirect_uri,
            "resource": request.resource,
            "scopes": request.scopes.iter().map(|s| json!({
                "scope": s,
                "description": oauth::describe(s),
            })).collect::<Vec<_>>(),
        }),
    ))
}

/// The user's answer: `{"request": "<query>", "approve": bool, "scopes"?}`.
/// Answers where to send the browser: back to the app with a code, or with
/// `error=access_denied`.
fn consent_answer(req: &Request, server: &Server) -> Result<Reply, Error> {
    let body = req.json()?;
    let (db, who) = open_authenticated(req)?;
    let query = body["request"]
        .as_str()
        .ok_or_else(|| Error::invalid("request", "request is the authorization request's query"))?;
    let approve = body["approve"]
        .as_bool()
        .ok_or_else(|| Error::invalid("approve", "approve must be true or false"))?;
    let scopes: Option<Vec<String>> = match &body["scopes"] {
        Value::Null => None,
        Value::Array(items) => Some(
            items
                .iter()
                .map(|s| {
                    s.as_str()
                        .map(String::from)
                        .ok_or_else(|| Error::invalid("scopes", "scopes must be strings"))
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => return Err(Error::invalid("scopes", "scopes must be an array")),
    };
    let request = oauth::authorize::check(&db, server, &forwarded(query)).map_err(refused)?;
    let to = if approve {
        oauth::authorize::approve(
            &db,
            server,
            &request,
            &who.user_id,
            scopes.as_deref(),
            now_ms(),
        )?
    } else {
        oauth::authorize::deny(server, &request)
    };
    Ok(Reply::json(200, &json!({ "redirectTo": to })))
}
