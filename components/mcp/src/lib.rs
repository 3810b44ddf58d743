//! An MCP server (Streamable HTTP transport, JSON-RPC 2.0) at `/mcp`, so AI
//! assistants can manage the signed-in user's tasks: `initialize`,
//! `tools/list`, `tools/call` over list, create, update, complete, delete
//! and remind. Authenticated by a bearer token: an OAuth access token
//! minted for this resource (the MCP authorization flow, see the `oauth`
//! crate and component), or the API's token from sign-in for clients that
//! send a fixed header. The session cookie is not accepted here. An OAuth
//! token without `tasks:write` sees and calls only the tools that read.
//! Every tool call is recorded for the user, per connected app. Stateless: each POST carries everything, the
//! `Mcp-Session-Id` given at `initialize` is accepted but not required, and
//! there is no server-initiated stream (`GET` answers 405).

use assistant::{mcp, tools, Actor};
use domain::time::now_ms;
use domain::{Error, ErrorKind};
use http_api::{method_not_allowed, origin, Config, Outcome, Reply, Request};
use oauth::Server;
use serde_json::Value;
use sessions::Access;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

mod audit;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("mcp", req, out, route).await
}

fn route(req: &Request) -> Result<Outcome, Error> {
    match req.method.as_str() {
        "POST" => post(req),
        _ => Err(method_not_allowed("POST")),
    }
}

/// A JSON-RPC error as a whole HTTP answer (no request id known).
fn rpc_failure(status: u16, code: i64, message: &str) -> Reply {
    Reply::json(status, &mcp::error(Value::Null, code, message))
}

/// A 401 that tells an OAuth client where to start (RFC 9728 §5.1, and the
/// MCP authorization specification): the resource's metadata, and the
/// scopes to ask for.
fn unauthorized(server: &Server, message: &str, token_presented: bool) -> Outcome {
    let mut challenge = format!(
        "Bearer resource_metadata=\"{}\", scope=\"{}\"",
        server.resource_metadata_url(),
        oauth::SCOPES.join(" ")
    );
    if token_presented {
        challenge.push_str(", error=\"invalid_token\"");
    }
    rpc_failure(401, -32001, message)
        .with_header("www-authenticate", challenge)
        .into()
}

/// A 403 for a token without the scope a call needs (RFC 6750 §3.1); MCP
/// clients step up by asking the user for more.
fn insufficient_scope(server: &Server, body: &Value) -> Reply {
    Reply::json(403, body).with_header(
        "www-authenticate",
        format!(
            "Bearer error=\"insufficient_scope\", scope=\"{}\", resource_metadata=\"{}\"",
            oauth::SCOPES.join(" "),
            server.resource_metadata_url()
        ),
    )
}

fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The transport spec's defence against DNS rebinding: a browser page may
/// only call this server from the server's own origin (or the configured
/// public one). Clients that are not browsers send no Origin.
fn origin_allowed(req: &Request) -> bool {
    let Some(origin) = req.header("origin") else {
        return true;
    };
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let own = format!("{}://{}", req.scheme, req.authority).to_ascii_lowercase();
    // A URL's origin is its scheme and authority: `https://host:port`.
    let public = http_api::config::var_or_empty("public_base_url").to_ascii_lowercase();
    let public_origin = public
        .trim()
        .splitn(4, '/')
        .take(3)
        .collect::<Vec<_>>()
        .join("/");
    origin == own || (!public_origin.is_empty() && origin == public_origin)
}

fn post(req: &Request) -> Result<Outcome, Error> {
    if !origin_allowed(req) {
        return Ok(rpc_failure(
            403,
            mcp::INVALID_REQUEST,
            "requests from this Origin are not allowed",
        )
        .into());
    }
    let server = Server::new(
        &http_api::config::var_or_empty("public_base_url"),
        &req.scheme,
        &req.authority,
    );
    let bearer = req
        .header("authorization")
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(token) = bearer else {
        return Ok(unauthorized(
            &server,
            "send Authorization: Bearer <token>: an OAuth access token for this server \
             (see /.well-known/oauth-protected-resource/mcp), or a token from /api/v1/auth/signin",
            false,
        ));
    };
    let config = Config::load()?;
    let (presented, access) =
        match sessions::verify_for_resource(&config.keys(), Some(token), &server.resource()) {
            Ok(found) => found,
            Err(e) => return Ok(unauthorized(&server, &e.message, true)),
        };
    let db = store::Db::connect(&config.db_url)?;
    let who = match presented.confirm(&db) {
        Ok(who) => who,
        Err(e) if e.kind == ErrorKind::Unauthorized => {
            return Ok(unauthorized(&server, &e.message, true))
        }
        Err(e) => return Err(e),
    };
    // The connected app behind an OAuth token, for the audit trail.
    let grant = match access {
        Access::Bound { .. } => store::oauth::session_grant(&db, &who.session_id)?,
        Access::Full => None,
    };
    let writes_allowed = access.allows(oauth::WRITE);
    // Lenient about headers: absent is fine, wrong is refused.
    if let Some(ct) = req.header("content-type") {
        let m = media_type(ct);
        if m != "application/json" && !m.ends_with("+json") {
            return Ok(rpc_failure(
                415,
                mcp::INVALID_REQUEST,
                "send the JSON-RPC message as application/json",
            )
            .into());
        }
    }
    if let Some(accept) = req.header("accept") {
        let ok = accept
            .split(',')
            .map(media_type)
            .any(|m| m == "application/json" || m == "application/*" || m == "*/*" || m.is_empty());
        if !ok {
            return Ok(rpc_failure(
                406,
                mcp::INVALID_REQUEST,
                "this server answers with application/json; accept it",
            )
            .into());
        }
    }
    if let Some(v) = req.header("mcp-protocol-version") {
        if !mcp::PROTOCOL_VERSIONS.contains(&v.trim()) {
            return Ok(rpc_failure(
                400,
                mcp::INVALID_REQUEST,
                &format!(
                    "unsupported MCP-Protocol-Version {v:?}; supported: {}",
                    mcp::PROTOCOL_VERSIONS.join(", ")
                ),
            )
            .into());
        }
    }
    let origin = origin(req);
    let actor = Actor::for_user(&db, &who.user_id, &origin, now_ms())?;
    let mut events = Vec::new();
    let mut calls = Vec::new();
    let mut refused_scope = false;
    let answer = mcp::handle_body_scoped(&req.body, writes_allowed, &mut |name, args| {
        let out = if tools::writes(name) && !writes_allowed {
            refused_scope = true;
            Err(tools::CallError::InsufficientScope(name.to_string()))
        } else {
            tools::call(&actor, name, args)
        };
        if let Ok(o) = &out {
            events.extend(o.events.iter().cloned());
        }
        calls.push(audit::entry(&who.user_id, grant.as_ref(), name, args, &out));
        out
    });
    audit::record(&db, grant.as_ref(), &calls);
    let mut reply = match answer.body {
        Some(body) if refused_scope => insufficient_scope(&server, &body),
        Some(body) if answer.malformed => Reply::json(400, &body),
        Some(body) => Reply::json(200, &body),
        None => Reply {
            status: 202,
            headers: vec![("cache-control".into(), "no-store".into())],
            body: Vec::new(),
        },
    };
    if answer.initialized {
        // Visible ASCII and unguessable, as the transport asks.
        reply = reply.with_header("mcp-session-id", uuid::Uuid::new_v4().simple().to_string());
    }
    Ok(Outcome::with_events(reply, db, events))
}
