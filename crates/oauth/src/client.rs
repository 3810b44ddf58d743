//! Clients: dynamic registration (RFC 7591) and client authentication at
//! the token and revocation endpoints (RFC 6749 §2.3).

use crate::{secret, Failure};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};
use store::oauth::Client;
use store::Db;

const MAX_REDIRECT_URIS: usize = 10;
const MAX_URI_LEN: usize = 2000;
const MAX_NAME_LEN: usize = 100;
pub const AUTH_METHODS: [&str; 3] = ["none", "client_secret_post", "client_secret_basic"];

fn invalid_metadata(description: impl Into<String>) -> Failure {
    Failure::new(400, "invalid_client_metadata", description)
}

fn invalid_redirect(description: impl Into<String>) -> Failure {
    Failure::new(400, "invalid_redirect_uri", description)
}

/// Whether a redirect URI may be registered (OAuth 2.1 §2.3.1 and §8.4):
/// HTTPS anywhere; HTTP only to this machine (a native app's loopback
/// listener); or an app's private-use scheme (`com.example.app:/cb`,
/// `cursor://...`). Never a fragment, never a scheme a browser would run
/// or read locally.
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    if uri.len() > MAX_URI_LEN {
        return Err(format!(
            "a redirect URI may be at most {MAX_URI_LEN} characters"
        ));
    }
    let parsed = url::Url::parse(uri).map_err(|e| format!("{uri:?} is not a URL: {e}"))?;
    if parsed.fragment().is_some() {
        return Err(format!(
            "{uri:?} has a fragment, which a redirect URI may not"
        ));
    }
    match parsed.scheme() {
        "https" if parsed.host_str().is_some() => Ok(()),
        "http" => match parsed.host_str() {
            Some("localhost" | "127.0.0.1" | "[::1]") => Ok(()),
            _ => Err(format!(
                "{uri:?}: plain http is allowed only to localhost; use https"
            )),
        },
        "javascript" | "data" | "file" | "vbscript" | "blob" | "about" | "ftp" | "ws" | "wss"
        | "https" => Err(format!("{uri:?} cannot be a redirect URI")),
        _ => Ok(()),
    }
}

/// What a registration created: the client, and its secret when it has
/// one (shown only in this answer).
pub struct Registered {
    pub client: Client,
    pub secret: Option<String>,
}

impl Registered {
    /// The registration response (RFC 7591 §3.2.1).
    pub fn response(&self) -> Value {
        let c = &self.client;
        let mut out = json!({
            "client_id": c.id,
            "client_id_issued_at": c.created_at / 1000,
            "client_name": c.name,
            "redirect_uris": c.redirect_uris,
            "token_endpoint_auth_method": c.auth_method,
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
        });
        if let Some(uri) = &c.client_uri {
            out["client_uri"] = json!(uri);
        }
        if let Some(s) = &self.secret {
            out["client_secret"] = json!(s);
            out["client_secret_expires_at"] = json!(0);
        }
        out
    }
}

/// Registers a client from its metadata (RFC 7591 §2). Unknown members are
/// ignored, as the RFC asks; the ones this server acts on are checked.
pub fn register(db: &Db, metadata: &Value, now: i64) -> Result<Registered, Failure> {
    let Some(m) = metadata.as_object() else {
        return Err(invalid_metadata("the body must be a JSON object"));
    };
    let redirect_uris = redirect_uris(m)?;
    let name = match m.get("client_name") {
        None | Some(Value::Null) => "Unnamed app".to_string(),
        Some(Value::String(s)) if !s.trim().is_empty() => {
            let s = s.trim();
            if s.chars().count() > MAX_NAME_LEN || s.chars().any(char::is_control) {
                return Err(invalid_metadata(format!(
                    "client_name must be at most {MAX_NAME_LEN} printable characters"
                )));
            }
            s.to_string()
        }
        Some(_) => return Err(invalid_metadata("client_name must be a non-empty string")),
    };
    let client_uri = match m.get("client_uri") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s))
            if s.len() <= MAX_URI_LEN
                && url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "https" | "http")) =>
        {
            Some(s.clone())
        }
        Some(_) => return Err(invalid_metadata("client_uri must be an http(s) URL")),
    };
    // RFC 7591 §2: client_secret_basic when the client does not say.
    let auth_method = match m.get("token_endpoint_auth_method") {
        None | Some(Value::Null) => "client_secret_basic",
        Some(Value::String(s)) if AUTH_METHODS.contains(&s.as_str()) => s.as_str(),
        Some(other) => {
            return Err(invalid_metadata(format!(
                "token_endpoint_auth_method {other} is not supported; use one of {}",
                AUTH_METHODS.join(", ")
            )))
        }
    }
    .to_string();
    for (member, allowed) in [
        ("grant_types", &["authorization_code", "refresh_token"][..]),
        ("response_types", &["code"][..]),
    ] {
        if let Some(v) = m.get(member).filter(|v| !v.is_null()) {
            let ok = v.as_array().is_some_and(|items| {
                items
                    .iter()
                    .all(|i| i.as_str().is_some_and(|s| allowed.contains(&s)))
            });
            if !ok {
                return Err(invalid_metadata(format!(
                    "{member} may only hold {}",
                    allowed.join(", ")
                )));
            }
        }
    }
    if let Some(scope) = m.get("scope").filter(|v| !v.is_null()) {
        let scope = scope
            .as_str()
            .ok_or_else(|| invalid_metadata("scope must be a string"))?;
        crate::parse_scope(Some(scope)).map_err(invalid_metadata)?;
    }
    let secret = match auth_method.as_str() {
        "none" => None,
        _ => Some(secret::new("mcp_cs_")?),
    };
    let client = Client {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        client_uri,
        redirect_uris,
        auth_method,
        created_at: now,
    };
    let hash = secret.as_deref().map(secret::hash);
    store::oauth::insert_client(db, &client, hash.as_deref())?;
    Ok(Registered { client, secret })
}

fn redirect_uris(m: &Map<String, Value>) -> Result<Vec<String>, Failure> {
    let items = m
        .get("redirect_uris")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid_redirect("redirect_uris is required: a non-empty array of URIs"))?;
    if items.len() > MAX_REDIRECT_URIS {
        return Err(invalid_redirect(format!(
            "at most {MAX_REDIRECT_URIS} redirect URIs"
        )));
    }
    let mut uris = Vec::new();
    for item in items {
        let uri = item
            .as_str()
            .ok_or_else(|| invalid_redirect("each redirect URI must be a string"))?;
        check_redirect_uri(uri).map_err(invalid_redirect)?;
        if !uris.iter().any(|u| u == uri) {
            uris.push(uri.to_string());
        }
    }
    Ok(uris)
}

/// The client making a token or revocation request, authenticated as it
/// registered: by `client_id` alone for a public client; with its secret in
/// the body or in HTTP Basic for a confidential one.
pub fn authenticate(
    db: &Db,
    form_client_id: Option<&str>,
    form_secret: Option<&str>,
    authorization: Option<&str>,
) -> Result<Client, Failure> {
    let basic = match authorization {
        Some(h) if h.len() > 6 && h[..6].eq_ignore_ascii_case("basic ") => {
            Some(parse_basic(&h[6..]).ok_or_else(|| {
                Failure::new(401, "invalid_client", "the Basic credentials are malformed")
            })?)
        }
        _ => None,
    };
    let (id, presented) = match (&basic, form_client_id) {
        (Some((id, _)), Some(form_id)) if id != form_id => {
            return Err(Failure::invalid_request(
                "client_id in the body and in the Authorization header differ",
            ))
        }
        (Some((id, s)), _) => (id.as_str(), Some(s.as_str())),
        (None, Some(id)) => (id, form_secret),
        (None, None) => return Err(Failure::invalid_request("client_id is required")),
    };
    let unknown = || Failure::new(401, "invalid_client", "unknown client or wrong secret");
    let (client, secret_hash) = store::oauth::get_client(db, id)?.ok_or_else(unknown)?;
    if let Some(hash) = secret_hash {
        let presented = presented.ok_or_else(unknown)?;
        if !secret::same(&secret::hash(presented), &hash) {
            return Err(unknown());
        }
    }
    Ok(client)
}

/// `base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn parse_basic(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_that_may_be_registered() {
        for ok in [
            "https://claude.ai/api/mcp/auth_callback",
            "http://localhost:33418/callback",
            "http://127.0.0.1/cb",
            "http://[::1]:8080/cb",
            "com.example.app:/oauth2redirect",
            "cursor://anysphere.cursor-retrieval/oauth/callback",
        ] {
            assert!(check_redirect_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://evil.example/cb",
            "https://app.example/cb#frag",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "/relative/path",
            "not a uri",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn basic_credentials_are_url_decoded() {
        let header = STANDARD.encode("my%20client:s%3Acret");
        assert_eq!(
            parse_basic(&header),
            Some(("my client".to_string(), "s:cret".to_string()))
        );
        assert_eq!(parse_basic("!!!"), None);
    }
}
