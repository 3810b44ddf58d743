//! Session tokens: `base64url(json claims) "." base64url(HMAC-SHA256)`.
//! A token minted for an OAuth client also names its audience (the one
//! resource it may be used at, RFC 8707) and its scope; the signature
//! covers both.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    pub user_id: String,
    pub session_id: String,
    pub expires_at: i64,
    /// The resource an OAuth access token is bound to; None for a session
    /// from sign-in, which the whole API accepts.
    pub audience: Option<String>,
    /// The OAuth scopes, space-separated; None for a sign-in session.
    pub scope: Option<String>,
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length")
}

pub fn sign(claims: &Claims, secret: &[u8]) -> String {
    let mut payload =
        json!({"sub": claims.user_id, "sid": claims.session_id, "exp": claims.expires_at});
    if let Some(aud) = &claims.audience {
        payload["aud"] = json!(aud);
    }
    if let Some(scope) = &claims.scope {
        payload["scope"] = json!(scope);
    }
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    let mut m = mac(secret);
    m.update(payload.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{payload}.{sig}")
}

/// The claims of a token whose signature is valid; expiry is the caller's
/// business. The comparison is constant-time.
pub fn verify(token: &str, secret: &[u8]) -> Option<Claims> {
    if token.len() > 2048 {
        return None;
    }
    let (payload, sig) = token.split_once('.')?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    let mut m = mac(secret);
    m.update(payload.as_bytes());
    m.verify_slice(&sig).ok()?;
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(Claims {
        user_id: claims["sub"].as_str()?.to_string(),
        session_id: claims["sid"].as_str()?.to_string(),
        expires_at: claims["exp"].as_i64()?,
        audience: optional_text(&claims["aud"])?,
        scope: optional_text(&claims["scope"])?,
    })
}

/// Absent is None; present, it must be a string.
fn optional_text(v: &serde_json::Value) -> Option<Option<String>> {
    match v {
        serde_json::Value::Null => Some(None),
        serde_json::Value::String(s) => Some(Some(s.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            user_id: "u1".into(),
            session_id: "s1".into(),
            expires_at: 99,
            audience: None,
            scope: None,
        }
    }

    #[test]
    fn signed_token_verifies_with_the_same_secret_only() {
        let t = sign(&claims(), b"secret-one");
        assert_eq!(verify(&t, b"secret-one"), Some(claims()));
        assert_eq!(verify(&t, b"secret-two"), None);
    }

    #[test]
    fn tampered_payload_is_rejected() {
        let t = sign(&claims(), b"k");
        let (_, sig) = t.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(r#"{"sub":"u2","sid":"s1","exp":99}"#);
        assert_eq!(verify(&format!("{forged}.{sig}"), b"k"), None);
        assert_eq!(verify("garbage", b"k"), None);
        assert_eq!(verify("a.b.c", b"k"), None);
    }

    #[test]
    fn audience_and_scope_are_signed() {
        let bound = Claims {
            audience: Some("https://tasks.example/mcp".into()),
            scope: Some("tasks:read".into()),
            ..claims()
        };
        let t = sign(&bound, b"k");
        assert_eq!(verify(&t, b"k"), Some(bound));
        // The same claims without the audience carry another signature.
        let (_, sig) = t.split_once('.').unwrap();
        let widened = URL_SAFE_NO_PAD.encode(r#"{"sub":"u1","sid":"s1","exp":99}"#);
        assert_eq!(verify(&format!("{widened}.{sig}"), b"k"), None);
    }
}
