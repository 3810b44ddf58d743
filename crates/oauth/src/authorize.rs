//! The authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636, and
//! resource indicators, RFC 8707): checked when the client sends the user
//! to `/oauth/authorize`, and again when the user approves or denies it on
//! the consent page, where a single-use code is made.

use crate::{parse_scope, secret, Params, Server, CODE_TTL_MS};
use domain::{Error, ErrorKind};
use store::oauth::{Client, Code};
use store::Db;

/// An authorization request that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub client: Client,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub challenge: String,
    pub scopes: Vec<String>,
    pub resource: String,
}

/// Why a request is refused, and where the refusal goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The client or its redirect URI is unknown: never redirect (RFC 6749
    /// §4.1.2.1), tell the user instead.
    Show(Error),
    /// Sent back to the client at its redirect URI, as `error=...`.
    Redirect(String),
}

fn shown(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::Show(Error::new(ErrorKind::BadRequest, code, message))
}

const MAX_STATE_LEN: usize = 1000;

/// Checks an authorization request's parameters.
pub fn check(db: &Db, server: &Server, query: &[(String, String)]) -> Result<Request, Refusal> {
    let params = Params::new(query).map_err(|m| shown("invalid_request", m))?;
    let client_id = params
        .get("client_id")
        .ok_or_else(|| shown("invalid_client", "client_id is required"))?;
    let (client, _) = store::oauth::get_client(db, client_id)
        .map_err(Refusal::Show)?
        .ok_or_else(|| {
            shown(
                "invalid_client",
                "this app is not registered here; it should register again",
            )
        })?;
    // Matched exactly, as registered (OAuth 2.1 §4.1.1.3): no prefix, no
    // normalisation.
    let redirect_uri = match params.get("redirect_uri") {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri.to_string(),
        Some(_) => {
            return Err(shown(
                "invalid_redirect_uri",
                "redirect_uri does not match any URI this app registered",
            ))
        }
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => {
            return Err(shown(
                "invalid_redirect_uri",
                "redirect_uri is required: this app registered more than one",
            ))
        }
    };
    let state = params.get("state").map(str::to_string);
    if state.as_ref().is_some_and(|s| s.len() > MAX_STATE_LEN) {
        return Err(shown(
            "invalid_request",
            format!("state may be at most {MAX_STATE_LEN} characters"),
        ));
    }
    let back = |error: &str, description: &str| {
        Refusal::Redirect(redirect(
            server,
            &redirect_uri,
            state.as_deref(),
            &[("error", error), ("error_description", description)],
        ))
    };
    if params.get("response_type") != Some("code") {
        return Err(back(
            "unsupported_response_type",
            "response_type must be code",
        ));
    }
    let Some(challenge) = params.get("code_challenge") else {
        return Err(back(
            "invalid_request",
            "PKCE is required: send code_challenge with code_challenge_method=S256",
        ));
    };
    // RFC 7636 §4.3: an absent method means plain, which OAuth 2.1 leaves
    // to servers that cannot do S256; this one can.
    if params.get("code_challenge_method") != Some("S256") {
        return Err(back(
            "invalid_request",
            "code_challenge_method must be S256 (plain is not accepted)",
        ));
    }
    // A base64url SHA-256: 43 characters.
    if challenge.len() != 43
        || !challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(back(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier (43 characters)",
        ));
    }
    let scopes = match parse_scope(params.get("scope")) {
        Ok(s) => s,
        Err(m) => return Err(back("invalid_scope", &m)),
    };
    let resource = match params.get("resource") {
        Some(r) if server.is_resource(r) => server.resource(),
        Some(_) => {
            return Err(back(
                "invalid_target",
                &format!("this server issues tokens only for {}", server.resource()),
            ))
        }
        // Clients of older MCP revisions send none: the one resource.
        None => server.resource(),
    };
    Ok(Request {
        client,
        redirect_uri,
        state,
        challenge: challenge.to_string(),
        scopes,
        resource,
    })
}

/// The user approved: a code for `scopes` (the requested ones, or fewer if
/// the user narrowed them), and where to send the browser with it.
pub fn approve(
    db: &Db,
    server: &Server,
    req: &Request,
    user_id: &str,
    scopes: Option<&[String]>,
    now: i64,
) -> Result<String, Error> {
    let scopes: Vec<String> = match scopes {
        None => req.scopes.clone(),
        Some(chosen) => {
            if chosen.is_empty() || chosen.iter().any(|s| !req.scopes.contains(s)) {
                return Err(Error::invalid(
                    "scopes",
                    format!(
                        "approve one or more of the scopes asked for: {}",
                        req.scopes.join(", ")
                    ),
                ));
            }
            req.scopes
                .iter()
                .filter(|s| chosen.contains(s))
                .cloned()
                .collect()
        }
    };
    let code = secret::new("")?;
    store::oauth::insert_code(
        db,
        &secret::hash(&code),
        &Code {
            client_id: req.client.id.clone(),
            user_id: user_id.to_string(),
            redirect_uri: req.redirect_uri.clone(),
            challenge: req.challenge.clone(),
            scope: scopes.join(" "),
            resource: req.resource.clone(),
            expires_at: now + CODE_TTL_MS,
        },
    )?;
    Ok(redirect(
        server,
        &req.redirect_uri,
        req.state.as_deref(),
        &[("code", &code)],
    ))
}

/// The user said no.
pub fn deny(server: &Server, req: &Request) -> String {
    redirect(
        server,
        &req.redirect_uri,
        req.state.as_deref(),
        &[
            ("error", "access_denied"),
            ("error_description", "the user denied access"),
        ],
    )
}

/// The redirect URI with the response's parameters, `state` and `iss`
/// (RFC 9207) added to any query it already has.
fn redirect(server: &Server, uri: &str, state: Option<&str>, params: &[(&str, &str)]) -> String {
    let mut url = match url::Url::parse(uri) {
        Ok(u) => u,
        // Registered URIs always parse; this keeps the function total.
        Err(_) => return uri.to_string(),
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        if let Some(s) = state {
            q.append_pair("state", s);
        }
        q.append_pair("iss", server.issuer());
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_keep_the_uris_own_query() {
        let s = Server::new("https://tasks.example", "https", "x");
        let to = redirect(
            &s,
            "https://app.example/cb?tenant=7",
            Some("a b"),
            &[("code", "xyz")],
        );
        assert_eq!(
            to,
            "https://app.example/cb?tenant=7&code=xyz&state=a+b&iss=https%3A%2F%2Ftasks.example"
        );
    }
}
