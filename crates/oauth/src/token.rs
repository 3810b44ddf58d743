//! The token endpoint (RFC 6749 §3.2): the authorization code grant with
//! the PKCE check, and the refresh token grant with rotation; and
//! revocation (RFC 7009).

use crate::client::authenticate;
use crate::{parse_scope, secret, Failure, Params, Server, ACCESS_TTL_MS, REFRESH_TTL_MS};
use serde_json::{json, Value};
use sessions::Keys;
use store::oauth::{CodeLookup, Grant, RefreshLookup};
use store::Db;

const REFRESH_PREFIX: &str = "mcp_rt_";

/// Answers a token request: the form's pairs and the `Authorization`
/// header (for HTTP Basic client authentication).
pub fn exchange(
    db: &Db,
    server: &Server,
    keys: &Keys,
    form: &[(String, String)],
    authorization: Option<&str>,
    now: i64,
) -> Result<Value, Failure> {
    let p = Params::new(form).map_err(Failure::invalid_request)?;
    let client = authenticate(
        db,
        p.get("client_id"),
        p.get("client_secret"),
        authorization,
    )?;
    if let Some(r) = p.get("resource") {
        if !server.is_resource(r) {
            return Err(Failure::new(
                400,
                "invalid_target",
                format!("this server issues tokens only for {}", server.resource()),
            ));
        }
    }
    match p.get("grant_type") {
        Some("authorization_code") => code_grant(db, keys, &client.id, &p, now),
        Some("refresh_token") => refresh_grant(db, keys, &client.id, &p, now),
        Some(other) => Err(Failure::new(
            400,
            "unsupported_grant_type",
            format!("grant_type {other} is not supported; use authorization_code or refresh_token"),
        )),
        None => Err(Failure::invalid_request("grant_type is required")),
    }
}

fn code_grant(
    db: &Db,
    keys: &Keys,
    client_id: &str,
    p: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let code = p
        .get("code")
        .ok_or_else(|| Failure::invalid_request("code is required"))?;
    let verifier = p.get("code_verifier").ok_or_else(|| {
        Failure::invalid_request("code_verifier is required: this server requires PKCE")
    })?;
    // RFC 7636 §4.1: 43 to 128 unreserved characters.
    let verifier_ok = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !verifier_ok {
        return Err(Failure::invalid_request(
            "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
        ));
    }
    let hash = secret::hash(code);
    db.transaction(|db| {
        let found = match store::oauth::find_code(db, &hash)? {
            CodeLookup::Fresh(found) => found,
            CodeLookup::Used { grant_id } => {
                // RFC 6749 §4.1.2: a code used twice may have been stolen;
                // what it granted ends.
                store::oauth::revoke_grant(db, &grant_id, now)?;
                return Ok(Err(Failure::invalid_grant(
                    "the code was already used; the access it granted has been revoked",
                )));
            }
            CodeLookup::Unknown => {
                return Ok(Err(Failure::invalid_grant("unknown authorization code")))
            }
        };
        if found.expires_at <= now {
            return Ok(Err(Failure::invalid_grant(
                "the authorization code expired",
            )));
        }
        if found.client_id != client_id {
            return Ok(Err(Failure::invalid_grant(
                "the code was issued to another client",
            )));
        }
        if p.get("redirect_uri") != Some(found.redirect_uri.as_str()) {
            return Ok(Err(Failure::invalid_grant(
                "redirect_uri must be the one the authorization request used",
            )));
        }
        if !secret::same(&secret::s256(verifier), &found.challenge) {
            return Ok(Err(Failure::invalid_grant(
                "code_verifier does not match the code_challenge",
            )));
        }
        let grant = Grant {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: found.user_id.clone(),
            client_id: client_id.to_string(),
            scope: found.scope.clone(),
            resource: found.resource.clone(),
            created_at: now,
        };
        // Claimed first: of two exchanges of one code, one wins.
        if !store::oauth::mark_code_used(db, &hash, &grant.id)? {
            return Ok(Err(Failure::invalid_grant("the code was already used")));
        }
        store::oauth::insert_grant(db, &grant)?;
        issue(db, keys, &grant, &grant.scope, now).map(Ok)
    })?
}

fn refresh_grant(
    db: &Db,
    keys: &Keys,
    client_id: &str,
    p: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let presented = p
        .get("refresh_token")
        .ok_or_else(|| Failure::invalid_request("refresh_token is required"))?;
    db.transaction(|db| {
        let grant_id = match store::oauth::use_refresh_token(db, &secret::hash(presented), now)? {
            RefreshLookup::Fresh { grant_id } => grant_id,
            RefreshLookup::Replayed { grant_id } => {
                // OAuth 2.1 §4.3.1: a rotated token presented again means
                // two parties hold it; end the grant for both.
                store::oauth::revoke_grant(db, &grant_id, now)?;
                return Ok(Err(Failure::invalid_grant(
                    "the refresh token was already used; the access it granted has been revoked",
                )));
            }
            RefreshLookup::Expired => {
                return Ok(Err(Failure::invalid_grant("the refresh token expired")))
            }
            RefreshLookup::Unknown => {
                return Ok(Err(Failure::invalid_grant(
                    "unknown or revoked refresh token",
                )))
            }
        };
        let Some(grant) = store::oauth::active_grant(db, &grant_id)? else {
            return Ok(Err(Failure::invalid_grant("the access was revoked")));
        };
        if grant.client_id != client_id {
            return Ok(Err(Failure::invalid_grant(
                "the refresh token was issued to another client",
            )));
        }
        // A refresh may ask for less than the grant, never more.
        let granted: Vec<&str> = grant.scope.split_whitespace().collect();
        let scope = match p.get("scope") {
            None => grant.scope.clone(),
            Some(asked) => match parse_scope(Some(asked)) {
                Ok(asked) if asked.iter().all(|s| granted.contains(&s.as_str())) => asked.join(" "),
                _ => {
                    return Ok(Err(Failure::new(
                        400,
                        "invalid_scope",
                        format!("the grant covers only {}", grant.scope),
                    )))
                }
            },
        };
        issue(db, keys, &grant, &scope, now).map(Ok)
    })?
}

/// An access token (a session bound to the grant) and the next refresh
/// token (RFC 6749 §5.1).
fn issue(
    db: &Db,
    keys: &Keys,
    grant: &Grant,
    scope: &str,
    now: i64,
) -> Result<Value, domain::Error> {
    let session_id = uuid::Uuid::new_v4().to_string();
    let expires_at = now + ACCESS_TTL_MS;
    store::sessions::insert(
        db,
        &session_id,
        &grant.user_id,
        now,
        expires_at,
        Some(&grant.id),
    )?;
    let access = sessions::sign_access_token(
        keys,
        &grant.user_id,
        &session_id,
        expires_at,
        &grant.resource,
        scope,
    );
    let refresh = secret::new(REFRESH_PREFIX)?;
    store::oauth::insert_refresh_token(
        db,
        &secret::hash(&refresh),
        &grant.id,
        now,
        now + REFRESH_TTL_MS,
    )?;
    Ok(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL_MS / 1000,
        "refresh_token": refresh,
        "scope": scope,
    }))
}

/// Revokes a refresh or access token (RFC 7009 §2.1). Either ends the whole
/// grant: the client is disconnecting. An unknown token, or one of another
/// client, is answered as success (§2.2) and changes nothing.
pub fn revoke(
    db: &Db,
    keys: &Keys,
    form: &[(String, String)],
    authorization: Option<&str>,
    now: i64,
) -> Result<(), Failure> {
    let p = Params::new(form).map_err(Failure::invalid_request)?;
    let client = authenticate(
        db,
        p.get("client_id"),
        p.get("client_secret"),
        authorization,
    )?;
    let token = p
        .get("token")
        .ok_or_else(|| Failure::invalid_request("token is required"))?;
    let grant_id = if token.starts_with(REFRESH_PREFIX) {
        store::oauth::refresh_token_grant(db, &secret::hash(token))?
    } else {
        match sessions::token::verify(token, keys.secret) {
            Some(claims) if claims.audience.is_some() => {
                store::oauth::session_grant(db, &claims.session_id)?.map(|(grant, _)| grant)
            }
            _ => None,
        }
    };
    if let Some(grant_id) = grant_id {
        if let Some(grant) = store::oauth::active_grant(db, &grant_id)? {
            if grant.client_id == client.id {
                store::oauth::revoke_grant(db, &grant.id, now)?;
            }
        }
    }
    Ok(())
}
