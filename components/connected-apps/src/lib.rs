//! The apps a user connected through OAuth (MCP clients), and what they did.
//!
//! - `GET /api/v1/connected-apps`: each app with its scopes, when it was
//!   connected and when it last used the connection.
//! - `DELETE /api/v1/connected-apps/{clientId}`: ends every grant the user
//!   gave the app; its tokens stop working at once.
//! - `GET /api/v1/connected-apps/activity[?clientId=]`: the latest tool
//!   calls through MCP (by any app, or one), newest first.

use domain::time::{format_ms, now_ms};
use domain::Error;
use http_api::{method_not_allowed, open_authenticated, Outcome, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("connected-apps", req, out, route).await
}

const ROOT: &str = "/api/v1/connected-apps";
const ACTIVITY: &str = "/api/v1/connected-apps/activity";
const ACTIVITY_LIMIT: i64 = 50;

fn route(req: &Request) -> Result<Outcome, Error> {
    let reply = match (req.method.as_str(), req.path.as_str()) {
        ("GET", ROOT) => list(req),
        (_, ROOT) => Err(method_not_allowed("GET")),
        ("GET", ACTIVITY) => activity(req),
        (_, ACTIVITY) => Err(method_not_allowed("GET")),
        ("DELETE", _) => revoke(req),
        (_, _) => {
            req.path_param("/api/v1/connected-apps/:id", "id")?;
            Err(method_not_allowed("DELETE"))
        }
    }?;
    Ok(reply.into())
}

fn list(req: &Request) -> Result<Reply, Error> {
    let (db, who) = open_authenticated(req)?;
    let apps = store::oauth::connected_apps(&db, &who.user_id)?;
    let items: Vec<_> = apps
        .iter()
        .map(|a| {
            json!({
                "clientId": a.client_id,
                "name": a.name,
                "uri": a.client_uri,
                "scopes": a.scopes,
                "connectedAt": format_ms(a.connected_at),
                "lastUsedAt": a.last_used_at.map(format_ms),
            })
        })
        .collect();
    Ok(Reply::json(200, &json!({ "items": items })))
}

fn revoke(req: &Request) -> Result<Reply, Error> {
    let id = req.path_param("/api/v1/connected-apps/:id", "id")?;
    if req.path.trim_end_matches('/') != format!("{ROOT}/{id}") {
        return Err(Error::not_found("endpoint"));
    }
    let (db, who) = open_authenticated(req)?;
    if store::oauth::revoke_client_for_user(&db, &who.user_id, &id, now_ms())? == 0 {
        return Err(Error::not_found("connected app"));
    }
    Ok(Reply::no_content())
}

fn activity(req: &Request) -> Result<Reply, Error> {
    req.only_query_params(&["clientId"])?;
    let (db, who) = open_authenticated(req)?;
    let client = req
        .query
        .iter()
        .find(|(k, _)| k == "clientId")
        .map(|(_, v)| v.as_str());
    let apps = store::oauth::connected_apps(&db, &who.user_id)?;
    let calls = store::oauth::calls(&db, &who.user_id, client, ACTIVITY_LIMIT)?;
    let items: Vec<_> = calls
        .iter()
        .map(|c| {
            let app = c
                .client_id
                .as_ref()
                .and_then(|id| apps.iter().find(|a| &a.client_id == id));
            json!({
                "id": c.id,
                "clientId": c.client_id,
                // A call made with the sign-in token has no app; one whose
                // app was disconnected since keeps its id only.
                "app": match (&c.client_id, app) {
                    (None, _) => "API token".to_string(),
                    (Some(_), Some(a)) => a.name.clone(),
                    (Some(_), None) => "Disconnected app".to_string(),
                },
                "tool": c.tool,
                "arguments": c.summary,
                "outcome": c.outcome,
                "at": format_ms(c.at),
            })
        })
        .collect();
    Ok(Reply::json(200, &json!({ "items": items })))
}
