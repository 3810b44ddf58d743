//! OAuth 2.1 records for MCP clients: registered clients, the grants users
//! approve, single-use authorization codes, rotating refresh tokens, and the
//! log of tool calls per connected app. Secrets are never stored: codes,
//! refresh tokens and client secrets are kept as their SHA-256 (the `oauth`
//! crate hashes them), and an access token is a session row that names its
//! grant (`sessions.grant_id`).

use crate::db::{Db, Row, Value};
use domain::Error;

/// A registered client (RFC 7591).
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub client_uri: Option<String>,
    pub redirect_uris: Vec<String>,
    /// `none`, `client_secret_post` or `client_secret_basic`.
    pub auth_method: String,
    pub created_at: i64,
}

pub fn insert_client(db: &Db, client: &Client, secret_hash: Option<&str>) -> Result<(), Error> {
    let uris = serde_json::to_string(&client.redirect_uris)
        .map_err(|e| Error::internal(format!("redirect uris: {e}")))?;
    db.run(
        "INSERT INTO oauth_clients (id, secret_hash, name, client_uri, redirect_uris, auth_method, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            (&client.id).into(),
            secret_hash.map(String::from).into(),
            (&client.name).into(),
            client.client_uri.clone().into(),
            uris.into(),
            (&client.auth_method).into(),
            Value::Int(client.created_at),
        ],
    )
}

/// The client and the hash of its secret, if it has one.
pub fn get_client(db: &Db, id: &str) -> Result<Option<(Client, Option<String>)>, Error> {
    let rows = db.query(
        "SELECT id, name, client_uri, redirect_uris, auth_method, created_at, secret_hash
         FROM oauth_clients WHERE id = $1",
        &[id.into()],
    )?;
    rows.first()
        .map(|r| Ok((client_of(r)?, r.opt_text(6)?)))
        .transpose()
}

fn client_of(r: &Row) -> Result<Client, Error> {
    let uris: Vec<String> = serde_json::from_str(&r.text(3)?)
        .map_err(|e| Error::internal(format!("stored redirect uris: {e}")))?;
    Ok(Client {
        id: r.text(0)?,
        name: r.text(1)?,
        client_uri: r.opt_text(2)?,
        redirect_uris: uris,
        auth_method: r.text(4)?,
        created_at: r.int(5)?,
    })
}

/// An authorization code as approved by the user, before its exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub client_id: String,
    pub user_id: String,
    pub redirect_uri: String,
    /// The PKCE S256 challenge.
    pub challenge: String,
    pub scope: String,
    pub resource: String,
    pub expires_at: i64,
}

pub fn insert_code(db: &Db, hash: &str, code: &Code) -> Result<(), Error> {
    db.run(
        "INSERT INTO oauth_codes (hash, client_id, user_id, redirect_uri, challenge, scope, resource, expires_at, grant_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
        &[
            hash.into(),
            (&code.client_id).into(),
            (&code.user_id).into(),
            (&code.redirect_uri).into(),
            (&code.challenge).into(),
            (&code.scope).into(),
            (&code.resource).into(),
            Value::Int(code.expires_at),
        ],
    )
}

/// What presenting a code finds.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeLookup {
    /// Never exchanged (it may have expired: the caller checks).
    Fresh(Code),
    /// Exchanged before, for this grant.
    Used {
        grant_id: String,
    },
    Unknown,
}

pub fn find_code(db: &Db, hash: &str) -> Result<CodeLookup, Error> {
    let rows = db.query(
        "SELECT client_id, user_id, redirect_uri, challenge, scope, resource, expires_at, grant_id
         FROM oauth_codes WHERE hash = $1",
        &[hash.into()],
    )?;
    let Some(r) = rows.first() else {
        return Ok(CodeLookup::Unknown);
    };
    if let Some(grant_id) = r.opt_text(7)? {
        return Ok(CodeLookup::Used { grant_id });
    }
    Ok(CodeLookup::Fresh(Code {
        client_id: r.text(0)?,
        user_id: r.text(1)?,
        redirect_uri: r.text(2)?,
        challenge: r.text(3)?,
        scope: r.text(4)?,
        resource: r.text(5)?,
        expires_at: r.int(6)?,
    }))
}

/// Marks the code exchanged for `grant_id`. False when another exchange of
/// the same code got there first.
pub fn mark_code_used(db: &Db, hash: &str, grant_id: &str) -> Result<bool, Error> {
    let n = db.execute(
        "UPDATE oauth_codes SET grant_id = $2 WHERE hash = $1 AND grant_id IS NULL",
        &[hash.into(), grant_id.into()],
    )?;
    Ok(n == 1)
}

/// What a user approved for a client.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub id: String,
    pub user_id: String,
    pub client_id: String,
    pub scope: String,
    pub resource: String,
    pub created_at: i64,
}

pub fn insert_grant(db: &Db, grant: &Grant) -> Result<(), Error> {
    db.run(
        "INSERT INTO oauth_grants (id, user_id, client_id, scope, resource, created_at, last_used_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)",
        &[
            (&grant.id).into(),
            (&grant.user_id).into(),
            (&grant.client_id).into(),
            (&grant.scope).into(),
            (&grant.resource).into(),
            Value::Int(grant.created_at),
        ],
    )
}

/// The grant when it has not been revoked.
pub fn active_grant(db: &Db, id: &str) -> Result<Option<Grant>, Error> {
    let rows = db.query(
        "SELECT id, user_id, client_id, scope, resource, created_at
         FROM oauth_grants WHERE id = $1 AND revoked_at IS NULL",
        &[id.into()],
    )?;
    rows.first()
        .map(|r| {
            Ok(Grant {
                id: r.text(0)?,
                user_id: r.text(1)?,
                client_id: r.text(2)?,
                scope: r.text(3)?,
                resource: r.text(4)?,
                created_at: r.int(5)?,
            })
        })
        .transpose()
}

/// Ends a grant: its refresh tokens are deleted and its access tokens'
/// sessions revoked, in one transaction.
pub fn revoke_grant(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.transaction(|db| {
        db.run(
            "UPDATE oauth_grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[id.into(), Value::Int(now)],
        )?;
        db.run(
            "DELETE FROM oauth_refresh_tokens WHERE grant_id = $1",
            &[id.into()],
        )?;
        db.run(
            "UPDATE sessions SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL",
            &[id.into(), Value::Int(now)],
        )
    })
}

/// Ends every grant the user gave `client_id`; answers how many there were.
pub fn revoke_client_for_user(
    db: &Db,
    user_id: &str,
    client_id: &str,
    now: i64,
) -> Result<usize, Error> {
    db.transaction(|db| {
        let rows = db.query(
            "SELECT id FROM oauth_grants WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL",
            &[user_id.into(), client_id.into()],
        )?;
        for r in &rows {
            revoke_grant(db, &r.text(0)?, now)?;
        }
        Ok(rows.len())
    })
}

/// Records a use of the grant (for "last used" in Connected apps).
pub fn touch_grant(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.run(
        "UPDATE oauth_grants SET last_used_at = $2 WHERE id = $1",
        &[id.into(), Value::Int(now)],
    )
}

pub fn insert_refresh_token(
    db: &Db,
    hash: &str,
    grant_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), Error> {
    db.run(
        "INSERT INTO oauth_refresh_tokens (hash, grant_id, created_at, expires_at, used_at)
         VALUES ($1, $2, $3, $4, NULL)",
        &[
            hash.into(),
            grant_id.into(),
            Value::Int(now),
            Value::Int(expires_at),
        ],
    )
}

/// What presenting a refresh token finds.
#[derive(Debug, Clone, PartialEq)]
pub enum RefreshLookup {
    /// Good, and now used up: the caller mints its successor.
    Fresh {
        grant_id: String,
    },
    /// Presented before: a replay (or a client that lost the new one).
    Replayed {
        grant_id: String,
    },
    Expired,
    Unknown,
}

/// Uses a refresh token up, atomically: of two concurrent uses one wins.
pub fn use_refresh_token(db: &Db, hash: &str, now: i64) -> Result<RefreshLookup, Error> {
    let rows = db.query(
        "SELECT grant_id, expires_at, used_at FROM oauth_refresh_tokens WHERE hash = $1",
        &[hash.into()],
    )?;
    let Some(r) = rows.first() else {
        return Ok(RefreshLookup::Unknown);
    };
    let grant_id = r.text(0)?;
    if r.opt_int(2)?.is_some() {
        return Ok(RefreshLookup::Replayed { grant_id });
    }
    if r.int(1)? <= now {
        return Ok(RefreshLookup::Expired);
    }
    let n = db.execute(
        "UPDATE oauth_refresh_tokens SET used_at = $2 WHERE hash = $1 AND used_at IS NULL",
        &[hash.into(), Value::Int(now)],
    )?;
    Ok(if n == 1 {
        RefreshLookup::Fresh { grant_id }
    } else {
        RefreshLookup::Replayed { grant_id }
    })
}

/// The grant a refresh token belongs to, without using it (revocation).
pub fn refresh_token_grant(db: &Db, hash: &str) -> Result<Option<String>, Error> {
    let rows = db.query(
        "SELECT grant_id FROM oauth_refresh_tokens WHERE hash = $1",
        &[hash.into()],
    )?;
    rows.first().map(|r| r.text(0)).transpose()
}

/// The grant an access token's session belongs to, and the grant's client.
pub fn session_grant(db: &Db, session_id: &str) -> Result<Option<(String, String)>, Error> {
    let rows = db.query(
        "SELECT g.id, g.client_id FROM sessions s JOIN oauth_grants g ON g.id = s.grant_id
         WHERE s.id = $1",
        &[session_id.into()],
    )?;
    rows.first()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .transpose()
}

/// One connected app as the user sees it: every live grant to one client.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectedApp {
    pub client_id: String,
    pub name: String,
    pub client_uri: Option<String>,
    /// The scopes granted, each once, space-separated per grant.
    pub scopes: Vec<String>,
    pub connected_at: i64,
    pub last_used_at: Option<i64>,
}

pub fn connected_apps(db: &Db, user_id: &str) -> Result<Vec<ConnectedApp>, Error> {
    let rows = db.query(
        "SELECT c.id, c.name, c.client_uri, g.scope, g.created_at, g.last_used_at
         FROM oauth_grants g JOIN oauth_clients c ON c.id = g.client_id
         WHERE g.user_id = $1 AND g.revoked_at IS NULL
         ORDER BY g.created_at, g.id",
        &[user_id.into()],
    )?;
    let mut apps: Vec<ConnectedApp> = Vec::new();
    for r in &rows {
        let client_id = r.text(0)?;
        let scope = r.text(3)?;
        let created = r.int(4)?;
        let used = r.opt_int(5)?;
        let app = match apps.iter_mut().find(|a| a.client_id == client_id) {
            Some(app) => app,
            None => {
                apps.push(ConnectedApp {
                    client_id,
                    name: r.text(1)?,
                    client_uri: r.opt_text(2)?,
                    scopes: Vec::new(),
                    connected_at: created,
                    last_used_at: None,
                });
                apps.last_mut().expect("just pushed")
            }
        };
        for s in scope.split_whitespace() {
            if !app.scopes.iter().any(|have| have == s) {
                app.scopes.push(s.to_string());
            }
        }
        app.last_used_at = app.last_used_at.max(used);
    }
    Ok(apps)
}

/// One MCP tool call, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub id: String,
    pub user_id: String,
    /// None for a plain bearer token from sign-in.
    pub client_id: Option<String>,
    pub tool: String,
    pub summary: String,
    /// `ok`, or the error's code.
    pub outcome: String,
    pub at: i64,
}

pub fn insert_call(db: &Db, call: &Call) -> Result<(), Error> {
    db.run(
        "INSERT INTO mcp_calls (id, user_id, client_id, tool, summary, outcome, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            (&call.id).into(),
            (&call.user_id).into(),
            call.client_id.clone().into(),
            (&call.tool).into(),
            (&call.summary).into(),
            (&call.outcome).into(),
            Value::Int(call.at),
        ],
    )
}

/// The user's latest calls, newest first; `client_id` None lists every app's.
pub fn calls(
    db: &Db,
    user_id: &str,
    client_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Call>, Error> {
    let rows = match client_id {
        Some(c) => db.query(
            "SELECT id, user_id, client_id, tool, summary, outcome, at FROM mcp_calls
             WHERE user_id = $1 AND client_id = $2 ORDER BY at DESC, id DESC LIMIT $3",
            &[user_id.into(), c.into(), Value::Int(limit)],
        )?,
        None => db.query(
            "SELECT id, user_id, client_id, tool, summary, outcome, at FROM mcp_calls
             WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
            &[user_id.into(), Value::Int(limit)],
        )?,
    };
    rows.iter()
        .map(|r| {
            Ok(Call {
                id: r.text(0)?,
                user_id: r.text(1)?,
                client_id: r.opt_text(2)?,
                tool: r.text(3)?,
                summary: r.text(4)?,
                outcome: r.text(5)?,
                at: r.int(6)?,
            })
        })
        .collect()
}
