//! Session tokens: `base64url(json claims) "." base64url(HMAC-SHA256)`.

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
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length")
}

pub fn sign(claims: &Claims, secret: &[u8]) -> String {
    let payload =
        json!({"sub": claims.user_id, "sid": claims.session_id, "exp": claims.expires_at});
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    let mut m = mac(secret);
    m.update(payload.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{payload}.{sig}")
}

/// The claims of a token whose signature is valid; expiry is the caller's
/// business. The comparison is constant-time.
pub fn verify(token: &str, secret: &[u8]) -> Option<Claims> {
    if token.len() > 1024 {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            user_id: "u1".into(),
            session_id: "s1".into(),
            expires_at: 99,
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
}
