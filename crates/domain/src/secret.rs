//! Unguessable values (OAuth codes, refresh tokens, client secrets, email
//! confirmation and unsubscribe tokens) and the hashes they are stored as.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// 256 random bits, base64url, after `prefix` (which tells a leaked value's
/// kind at a glance, as secret scanners look for).
pub fn new(prefix: &str) -> Result<String, crate::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| crate::Error::internal(format!("no randomness: {e}")))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// What the database keeps instead of the value: its SHA-256, in hex. The
/// values are random and long, so a plain hash is enough (no salt, no
/// slow hash), and a lookup by hash is one index probe.
pub fn hash(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The PKCE S256 transformation (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn values_are_long_distinct_and_prefixed() {
        let a = new("mcp_rt_").unwrap();
        let b = new("mcp_rt_").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("mcp_rt_") && a.len() == 7 + 43);
        assert_eq!(hash(&a).len(), 64);
        assert!(same(&a, &a.clone()) && !same(&a, &b) && !same("a", "ab"));
    }
}
