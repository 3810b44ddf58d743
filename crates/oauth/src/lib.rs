//! The app as its own OAuth 2.1 authorization server, for one protected
//! resource: the MCP endpoint. It follows the MCP authorization
//! specification (2025-06-18 and later):
//!
//! - discovery: protected resource metadata (RFC 9728) names this server,
//!   whose metadata (RFC 8414) names the endpoints ([`Server`]);
//! - clients register themselves (RFC 7591, [`client`]);
//! - the user approves a client on the web app's consent page, which
//!   answers the authorization request with a single-use code
//!   ([`authorize`]); PKCE with `S256` is required, `plain` is refused;
//! - the code becomes an access token bound to the MCP resource (RFC 8707)
//!   and a refresh token that rotates on every use ([`token`]);
//! - revocation (RFC 7009) and the user's own revoke button end a grant and
//!   every token minted under it at once.
//!
//! An access token is a signed session token that also names its audience
//! and scope (`sessions::token`), backed by a session row that names its
//! grant: the session check every request makes sees a revoked grant.

pub mod authorize;
pub mod client;
pub use domain::secret;
pub mod token;

use serde_json::{json, Value};

/// Reading the user's tasks, lists, reminders and suggestions.
pub const READ: &str = "tasks:read";
/// Changing them. A token with only this scope may read too: a change
/// needs the ids a read finds.
pub const WRITE: &str = "tasks:write";
pub const SCOPES: [&str; 2] = [READ, WRITE];

/// How long an access token lasts: short, as OAuth 2.1 advises; the client
/// refreshes it.
pub const ACCESS_TTL_MS: i64 = 60 * 60 * 1000;
/// How long a refresh token lasts unused.
pub const REFRESH_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// How long an authorization code lasts.
pub const CODE_TTL_MS: i64 = 5 * 60 * 1000;

/// What each scope lets a client do, for the consent page.
pub fn describe(scope: &str) -> &'static str {
    match scope {
        READ => "See your tasks, lists, reminders and suggestions",
        WRITE => "Create, change, complete and delete your tasks, lists and reminders",
        _ => "",
    }
}

/// An OAuth protocol error: `{"error", "error_description"}` as RFC 6749
/// §5.2 (and RFC 7591 §3.2.2) define it, which OAuth clients parse; not the
/// API's `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

impl Failure {
    pub fn new(status: u16, error: &'static str, description: impl Into<String>) -> Failure {
        Failure {
            status,
            error,
            description: description.into(),
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Failure {
        Failure::new(400, "invalid_request", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Failure {
        Failure::new(400, "invalid_grant", description)
    }

    pub fn body(&self) -> Value {
        json!({ "error": self.error, "error_description": self.description })
    }
}

impl From<domain::Error> for Failure {
    fn from(e: domain::Error) -> Failure {
        // Storage faults: the client may retry; no internals leak.
        let status = if e.is_internal() { 503 } else { 400 };
        let error = if e.is_internal() {
            "temporarily_unavailable"
        } else {
            "invalid_request"
        };
        Failure::new(status, error, e.message)
    }
}

/// This deployment's OAuth addresses, all under one base URL (the public
/// URL when configured, else the scheme and authority the request came to).
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    base: String,
}

impl Server {
    pub fn new(public_base_url: &str, scheme: &str, authority: &str) -> Server {
        let public = public_base_url.trim().trim_end_matches('/');
        let base = if public.is_empty() {
            format!("{scheme}://{authority}")
        } else {
            public.to_string()
        };
        Server { base }
    }

    /// The issuer identifier: the base URL, no trailing slash.
    pub fn issuer(&self) -> &str {
        &self.base
    }

    /// The one protected resource: the MCP endpoint.
    pub fn resource(&self) -> String {
        format!("{}/mcp", self.base)
    }

    /// Where the resource's metadata is (RFC 9728 §3.1: the well-known
    /// prefix inserted before the resource's path).
    pub fn resource_metadata_url(&self) -> String {
        format!("{}/.well-known/oauth-protected-resource/mcp", self.base)
    }

    /// The web app's page where the user approves a client.
    pub fn consent_page(&self) -> String {
        format!("{}/connect", self.base)
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}/oauth/{path}", self.base)
    }

    /// RFC 9728 §2.
    pub fn protected_resource_metadata(&self) -> Value {
        json!({
            "resource": self.resource(),
            "authorization_servers": [self.issuer()],
            "scopes_supported": SCOPES,
            "bearer_methods_supported": ["header"],
            "resource_name": "Task manager (MCP)",
        })
    }

    /// RFC 8414 §2, with the MCP specification's requirements: PKCE S256,
    /// dynamic registration, and the `iss` authorization response
    /// parameter of RFC 9207.
    pub fn authorization_server_metadata(&self) -> Value {
        let auth_methods = ["none", "client_secret_post", "client_secret_basic"];
        json!({
            "issuer": self.issuer(),
            "authorization_endpoint": self.endpoint("authorize"),
            "token_endpoint": self.endpoint("token"),
            "registration_endpoint": self.endpoint("register"),
            "revocation_endpoint": self.endpoint("revoke"),
            "scopes_supported": SCOPES,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": auth_methods,
            "revocation_endpoint_auth_methods_supported": auth_methods,
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": true,
        })
    }

    /// Whether `requested` names this server's resource. Compared as URLs:
    /// scheme and host in any letter case, the default port written or
    /// not, one trailing slash or not.
    pub fn is_resource(&self, requested: &str) -> bool {
        same_url(requested, &self.resource())
    }
}

fn same_url(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        let u = url::Url::parse(s.trim()).ok()?;
        if u.query().is_some() || u.fragment().is_some() {
            return None;
        }
        Some((
            u.scheme().to_string(),
            u.host_str()?.to_ascii_lowercase(),
            u.port_or_known_default(),
            u.path().trim_end_matches('/').to_string(),
        ))
    };
    matches!((key(a), key(b)), (Some(x), Some(y)) if x == y)
}

/// The scopes a request names, each once, in the canonical order. Absent or
/// empty means every scope. `offline_access` (which some clients add to ask
/// for a refresh token) is accepted and dropped: refresh tokens are always
/// issued.
pub fn parse_scope(scope: Option<&str>) -> Result<Vec<String>, String> {
    let mut asked = Vec::new();
    for s in scope.unwrap_or("").split_whitespace() {
        match s {
            "offline_access" => {}
            s if SCOPES.contains(&s) => asked.push(s),
            other => {
                return Err(format!(
                    "unknown scope {other:?}; this server has {}",
                    SCOPES.join(" ")
                ))
            }
        }
    }
    if asked.is_empty() {
        return Ok(SCOPES.iter().map(|s| s.to_string()).collect());
    }
    Ok(SCOPES
        .iter()
        .filter(|s| asked.contains(s))
        .map(|s| s.to_string())
        .collect())
}

/// Form or query pairs as a lookup in which a repeated parameter is an
/// error (RFC 6749 §3.1: "MUST NOT be included more than once").
pub struct Params<'a>(&'a [(String, String)]);

impl<'a> Params<'a> {
    pub fn new(pairs: &'a [(String, String)]) -> Result<Params<'a>, String> {
        for (i, (k, _)) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|(other, _)| other == k) {
                return Err(format!("the parameter {k} is given more than once"));
            }
        }
        Ok(Params(pairs))
    }

    /// The value, with an empty one read as absent.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// An `application/x-www-form-urlencoded` body as pairs.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Pairs as a query string (the inverse of [`form_pairs`]).
pub fn encode_query(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_base_url() {
        let s = Server::new("", "http", "127.0.0.1:3000");
        assert_eq!(s.issuer(), "http://127.0.0.1:3000");
        assert_eq!(s.resource(), "http://127.0.0.1:3000/mcp");
        assert_eq!(
            s.resource_metadata_url(),
            "http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp"
        );
        let public = Server::new("https://tasks.example/", "http", "10.0.0.5:80");
        assert_eq!(public.issuer(), "https://tasks.example");
        assert_eq!(
            public.authorization_server_metadata()["token_endpoint"],
            "https://tasks.example/oauth/token"
        );
    }

    #[test]
    fn metadata_carries_the_required_fields() {
        let s = Server::new("https://tasks.example", "https", "x");
        let prm = s.protected_resource_metadata();
        // RFC 9728 §2: resource is required; MCP requires authorization_servers.
        assert_eq!(prm["resource"], "https://tasks.example/mcp");
        assert_eq!(prm["authorization_servers"][0], s.issuer());
        let asm = s.authorization_server_metadata();
        // RFC 8414 §2: issuer and response_types_supported are required;
        // authorization and token endpoints for the code grant.
        for field in [
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "response_types_supported",
            "registration_endpoint",
            "code_challenge_methods_supported",
        ] {
            assert!(!asm[field].is_null(), "{field}");
        }
        assert_eq!(asm["code_challenge_methods_supported"], json!(["S256"]));
    }

    #[test]
    fn resources_compare_as_urls() {
        let s = Server::new("", "https", "Tasks.Example:443");
        assert!(s.is_resource("https://tasks.example/mcp"));
        assert!(s.is_resource("HTTPS://TASKS.EXAMPLE:443/mcp/"));
        assert!(!s.is_resource("https://tasks.example/api"));
        assert!(!s.is_resource("https://other.example/mcp"));
        assert!(!s.is_resource("http://tasks.example/mcp"));
        assert!(!s.is_resource("https://tasks.example/mcp?x=1"));
        assert!(!s.is_resource("not a url"));
    }

    #[test]
    fn scopes_are_known_and_canonical() {
        assert_eq!(parse_scope(None).unwrap(), vec![READ, WRITE]);
        assert_eq!(parse_scope(Some("  ")).unwrap(), vec![READ, WRITE]);
        assert_eq!(
            parse_scope(Some("tasks:write tasks:read tasks:write")).unwrap(),
            vec![READ, WRITE]
        );
        assert_eq!(
            parse_scope(Some("tasks:read offline_access")).unwrap(),
            vec![READ]
        );
        assert!(parse_scope(Some("tasks:read admin")).is_err());
    }

    #[test]
    fn repeated_parameters_are_refused() {
        let pairs = vec![("a".to_string(), "1".to_string()), ("a".into(), "2".into())];
        assert!(Params::new(&pairs).is_err());
        let pairs = vec![("a".to_string(), "".to_string()), ("b".into(), "2".into())];
        let p = Params::new(&pairs).unwrap();
        assert_eq!(p.get("a"), None);
        assert_eq!(p.get("b"), Some("2"));
    }
}
