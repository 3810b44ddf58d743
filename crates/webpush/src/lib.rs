//! Web Push messages, without I/O: the payload encrypted for one browser
//! (RFC 8291, content coding `aes128gcm` of RFC 8188) and the VAPID
//! authorization that identifies this server to the push service (RFC 8292).
//! The primitives (P-256 ECDH and ECDSA, HKDF-SHA-256, AES-128-GCM) are
//! RustCrypto's; this crate only composes them as the RFCs say.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::Aes128Gcm;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use hkdf::Hkdf;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;
use std::fmt;

/// The record size written in the header. One record carries the whole
/// message; push services accept at most 4096 bytes of body.
const RECORD_SIZE: u32 = 4096;
/// salt (16) + record size (4) + key id length (1) + key id (65).
const HEADER_LEN: usize = 86;
const TAG_LEN: usize = 16;
/// The longest payload that fits one 4096-byte message: the header, the
/// padding delimiter and the GCM tag take the rest.
pub const MAX_PAYLOAD: usize = RECORD_SIZE as usize - HEADER_LEN - TAG_LEN - 1;
/// How long a VAPID token stays valid; RFC 8292 allows at most 24 hours.
const VAPID_LIFETIME_SECS: i64 = 12 * 3600;

/// Why a key, an endpoint or a payload was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Invalid {}

/// Browsers give keys as unpadded base64url; padding and the standard
/// alphabet are accepted too, as some clients send them.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let lenient = GeneralPurpose::new(
        &alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    lenient
        .decode(text.trim().replace('+', "-").replace('/', "_"))
        .ok()
}

/// A browser's subscription keys: its P-256 public key (`p256dh`) and the
/// 16-byte authentication secret (`auth`).
#[derive(Debug, Clone)]
pub struct Keys {
    pub p256dh: PublicKey,
    pub auth: [u8; 16],
}

impl Keys {
    /// The keys as `PushSubscription.toJSON()` gives them (base64url).
    pub fn parse(p256dh: &str, auth: &str) -> Result<Keys, Invalid> {
        let point = decode_base64(p256dh)
            .filter(|b| b.len() == 65 && b[0] == 4)
            .ok_or(Invalid(
                "keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)",
            ))?;
        let p256dh = PublicKey::from_sec1_bytes(&point)
            .map_err(|_| Invalid("keys.p256dh is not a point on the P-256 curve"))?;
        let auth: [u8; 16] = decode_base64(auth)
            .and_then(|b| b.try_into().ok())
            .ok_or(Invalid("keys.auth must be 16 bytes, base64url"))?;
        Ok(Keys { p256dh, auth })
    }
}

fn public_bytes(key: &PublicKey) -> Vec<u8> {
    key.to_encoded_point(false).as_bytes().to_vec()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the system's random source");
    bytes
}

fn random_secret_key() -> SecretKey {
    loop {
        // Nearly every 32-byte string is a valid scalar; the rest are drawn again.
        if let Ok(key) = SecretKey::from_slice(&random_bytes::<32>()) {
            return key;
        }
    }
}

/// The message body for one subscription, with a fresh sender key and salt.
pub fn encrypt(payload: &[u8], keys: &Keys) -> Result<Vec<u8>, Invalid> {
    encrypt_with(payload, keys, &random_secret_key(), random_bytes())
}

/// RFC 8291 §3 with the sender's key and the salt given (tests fix them).
pub fn encrypt_with(
    payload: &[u8],
    keys: &Keys,
    sender: &SecretKey,
    salt: [u8; 16],
) -> Result<Vec<u8>, Invalid> {
    if payload.len() > MAX_PAYLOAD {
        return Err(Invalid("the push message is longer than 3993 bytes"));
    }
    let sender_public = public_bytes(&sender.public_key());
    let receiver_public = public_bytes(&keys.p256dh);
    let shared = p256::ecdh::diffie_hellman(sender.to_nonzero_scalar(), keys.p256dh.as_affine());
    // IKM = HKDF(salt = auth secret, ikm = ECDH secret,
    //            info = "WebPush: info" 0x00 ua_public as_public, 32 bytes).
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(&receiver_public);
    key_info.extend_from_slice(&sender_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&keys.auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .expect("32 bytes is a valid HKDF length");
    // RFC 8188: the content key and nonce from the salt and IKM.
    let content = Hkdf::<Sha256>::new(Some(&salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    content
        .expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .expect("16 bytes is a valid HKDF length");
    content
        .expand(b"Content-Encoding: nonce\0", &mut nonce)
        .expect("12 bytes is a valid HKDF length");
    // One record, so it is the last: the payload, then the delimiter 0x02.
    let mut plaintext = Vec::with_capacity(payload.len() + 1);
    plaintext.extend_from_slice(payload);
    plaintext.push(2);
    let sealed = Aes128Gcm::new(&cek.into())
        .encrypt(&nonce.into(), plaintext.as_slice())
        .map_err(|_| Invalid("the push message could not be encrypted"))?;
    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(&salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(sender_public.len() as u8);
    body.extend_from_slice(&sender_public);
    body.extend_from_slice(&sealed);
    debug_assert!(body.len() <= RECORD_SIZE as usize);
    Ok(body)
}

/// The push service's origin, which a VAPID token is issued for.
pub fn audience(endpoint: &str) -> Result<String, Invalid> {
    let url = url::Url::parse(endpoint).map_err(|_| Invalid("the endpoint is not a URL"))?;
    match url.origin() {
        origin @ url::Origin::Tuple(..) => Ok(origin.ascii_serialization()),
        url::Origin::Opaque(_) => Err(Invalid("the endpoint has no origin")),
    }
}

/// The longest endpoint accepted; push services' URLs are a few hundred bytes.
pub const MAX_ENDPOINT_LEN: usize = 2048;

/// Checks that a subscription's endpoint is a push service this server may
/// send to. `services` is a comma-separated list: a host (`fcm.googleapis.com`)
/// or a wildcard of its subdomains (`*.notify.windows.com`), reached over
/// https on any port; or a whole origin (`http://127.0.0.1:8089`), reached
/// only as written (a local push service in development and tests).
/// Anything else is refused: the notifier must not be made to call
/// arbitrary addresses on a user's say-so.
pub fn check_endpoint(endpoint: &str, services: &str) -> Result<url::Url, Invalid> {
    if endpoint.len() > MAX_ENDPOINT_LEN {
        return Err(Invalid("the endpoint is longer than 2048 characters"));
    }
    let url = url::Url::parse(endpoint).map_err(|_| Invalid("the endpoint is not a URL"))?;
    let origin = audience(endpoint)?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let allowed = services
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .any(|service| {
            if service.contains("://") {
                service.trim_end_matches('/') == origin
            } else if url.scheme() != "https" {
                false
            } else if let Some(parent) = service.strip_prefix("*.") {
                host.ends_with(&format!(".{parent}"))
            } else {
                host == service
            }
        });
    if allowed && url.username().is_empty() && url.password().is_none() {
        Ok(url)
    } else {
        Err(Invalid(
            "the endpoint is not a push service this server sends to",
        ))
    }
}

/// This server's application-server key pair (RFC 8292).
#[derive(Clone)]
pub struct Vapid {
    key: SigningKey,
}

impl fmt::Debug for Vapid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vapid({})", self.public_key())
    }
}

impl Vapid {
    /// The private key as 64 hex digits or 32 bytes of base64url, as the
    /// setup scripts and `openssl` tooling write it.
    pub fn from_private(text: &str) -> Result<Vapid, Invalid> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .ok()
        } else {
            decode_base64(text)
        };
        let secret = bytes
            .filter(|b| b.len() == 32)
            .and_then(|b| SecretKey::from_slice(&b).ok())
            .ok_or(Invalid(
                "the VAPID private key must be a P-256 scalar: 64 hex digits or 32 bytes base64url",
            ))?;
        Ok(Vapid {
            key: SigningKey::from(secret),
        })
    }

    /// The key as configured (the `vapid_private_key` variable): None when
    /// it is blank, which means the server sends no push messages.
    pub fn configured(text: &str) -> Result<Option<Vapid>, Invalid> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        Vapid::from_private(text).map(Some)
    }

    /// The public key browsers subscribe with (`applicationServerKey`):
    /// the uncompressed point, base64url.
    pub fn public_key(&self) -> String {
        let point = self.key.verifying_key().to_encoded_point(false);
        URL_SAFE_NO_PAD.encode(point.as_bytes())
    }

    /// The `Authorization` header for a message to `endpoint`: a JWT signed
    /// with ES256 naming the push service (`aud`), an expiry (`exp`) and a
    /// contact (`sub`, a mailto: or https: URL), plus the public key.
    pub fn authorization(
        &self,
        endpoint: &str,
        subject: &str,
        now_secs: i64,
    ) -> Result<String, Invalid> {
        let claims = serde_json::json!({
            "aud": audience(endpoint)?,
            "exp": now_secs + VAPID_LIFETIME_SECS,
            "sub": subject,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        // No space after the comma: both forms are valid (RFC 7235), but
        // some implementations split the parameters on the comma alone.
        Ok(format!(
            "vapid t={signing_input}.{},k={}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes()),
            self.public_key()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len() / 2)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    /// A message made by the Python `http_ece` package (Mozilla's
    /// reference implementation of RFC 8188/8291) from fixed keys and salt:
    /// this crate must produce the same bytes.
    #[test]
    fn encryption_matches_the_reference_implementation() {
        let keys = Keys::parse(
            "BBYLBhUVnrvff9SxGU1CsphsayzMrXmVIbizJikrZBmzk6IOEkrSpW7Op0-NroTY2R0PWsSjPyISJtFoHNElUso",
            "AAECAwQFBgcICQoLDA0ODw",
        )
        .unwrap();
        let sender = SecretKey::from_slice(&hex(
            "1f2e3d4c5b6a79880716253443526170f1e2d3c4b5a69788796a5b4c3d2e1f00",
        ))
        .unwrap();
        let salt: [u8; 16] = hex("6465666768696a6b6c6d6e6f70717273").try_into().unwrap();
        let body = encrypt_with(
            br#"{"title":"Water the plants","taskId":"t-1"}"#,
            &keys,
            &sender,
            salt,
        )
        .unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.encode(body),
            "ZGVmZ2hpamtsbW5vcHFycwAAEABBBCAwkoioPpcZhhgy15sPSrr0EKXYN9XxCb7IkYsEpGKLsZk1iYt-qdOV1avruSNY99Wk0AMsygKFnKwRasXvJnptnNcPkM6kfplhpQrxysnzQQYiuM4eRWJRDjIplc73cWqcJhaLhgsG7AgRrtmMiJ6HGHQ5vOd7zqmCltg"
        );
    }

    #[test]
    fn each_message_has_its_own_salt_and_sender_key() {
        let receiver = random_secret_key();
        let keys = Keys {
            p256dh: receiver.public_key(),
            auth: random_bytes(),
        };
        let (a, b) = (
            encrypt(b"hi", &keys).unwrap(),
            encrypt(b"hi", &keys).unwrap(),
        );
        assert_eq!(a.len(), HEADER_LEN + 2 + 1 + TAG_LEN);
        assert_ne!(a[..16], b[..16], "salt");
        assert_ne!(a[21..86], b[21..86], "sender key");
        assert_eq!(&a[16..21], &[0, 0, 16, 0, 65]);
    }

    #[test]
    fn long_payloads_are_refused() {
        let keys = Keys {
            p256dh: random_secret_key().public_key(),
            auth: [7; 16],
        };
        let body = encrypt(&vec![b'a'; MAX_PAYLOAD], &keys).unwrap();
        assert_eq!(body.len(), RECORD_SIZE as usize, "exactly one full message");
        assert!(encrypt(&vec![b'a'; MAX_PAYLOAD + 1], &keys).is_err());
    }

    #[test]
    fn bad_keys_are_refused() {
        let good = "BBYLBhUVnrvff9SxGU1CsphsayzMrXmVIbizJikrZBmzk6IOEkrSpW7Op0-NroTY2R0PWsSjPyISJtFoHNElUso";
        assert!(
            Keys::parse(good, "AAECAwQFBgcICQoLDA0ODw==").is_ok(),
            "padding is fine"
        );
        assert!(
            Keys::parse(good, "AAECAwQFBgcICQoLDA0O").is_err(),
            "15 bytes"
        );
        assert!(Keys::parse(&good[..40], "AAECAwQFBgcICQoLDA0ODw").is_err());
        let mut off_curve = decode_base64(good).unwrap();
        off_curve[64] ^= 1;
        assert!(Keys::parse(&URL_SAFE_NO_PAD.encode(off_curve), "AAECAwQFBgcICQoLDA0ODw").is_err());
        assert!(Keys::parse("not base64 !", "AAECAwQFBgcICQoLDA0ODw").is_err());
    }

    #[test]
    fn vapid_token_is_an_es256_jwt_for_the_push_service() {
        let vapid =
            Vapid::from_private("0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9")
                .unwrap();
        let header = vapid
            .authorization(
                "https://fcm.googleapis.com/fcm/send/abc:def",
                "mailto:ops@example.com",
                1_800_000_000,
            )
            .unwrap();
        let rest = header.strip_prefix("vapid t=").unwrap();
        let (token, k) = rest.split_once(",k=").unwrap();
        assert_eq!(k, vapid.public_key());
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let (head, claims) = signing_input.split_once('.').unwrap();
        let head: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(head).unwrap()).unwrap();
        assert_eq!(head["alg"], "ES256");
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["exp"], 1_800_000_000 + 12 * 3600);
        assert_eq!(claims["sub"], "mailto:ops@example.com");
        let public = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(k).unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        public.verify(signing_input.as_bytes(), &signature).unwrap();
    }

    #[test]
    fn vapid_keys_in_either_text_form() {
        let from_hex =
            Vapid::from_private("0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9")
                .unwrap();
        let from_b64 = Vapid::from_private(&URL_SAFE_NO_PAD.encode(hex(
            "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
        )))
        .unwrap();
        assert_eq!(from_hex.public_key(), from_b64.public_key());
        assert_eq!(
            URL_SAFE_NO_PAD.decode(from_hex.public_key()).unwrap().len(),
            65
        );
        assert!(Vapid::from_private("").is_err());
        assert!(Vapid::configured("  ").unwrap().is_none(), "blank: no push");
        assert!(Vapid::configured("not a key").is_err());
        assert!(
            Vapid::from_private(&"0".repeat(64)).is_err(),
            "zero is not a key"
        );
    }

    #[test]
    fn endpoints_only_on_listed_push_services() {
        let services = "fcm.googleapis.com, *.notify.windows.com,http://127.0.0.1:8089";
        let ok = |e: &str| check_endpoint(e, services).is_ok();
        assert!(ok("https://fcm.googleapis.com/fcm/send/abc"));
        assert!(ok("https://wns2-par02p.notify.windows.com/w/?token=x"));
        assert!(ok("http://127.0.0.1:8089/push/1"));
        assert!(!ok("http://fcm.googleapis.com/fcm/send/abc"), "plain http");
        assert!(
            !ok("https://notify.windows.com/w"),
            "the wildcard needs a subdomain"
        );
        assert!(!ok("https://evil-notify.windows.com.example/w"));
        assert!(!ok("https://fcm.googleapis.com.evil.example/x"));
        assert!(!ok("http://127.0.0.1:8090/push/1"), "another port");
        assert!(!ok("https://user:pw@fcm.googleapis.com/x"));
        assert!(!ok("https://169.254.169.254/latest"));
        assert!(!ok(&format!(
            "https://fcm.googleapis.com/{}",
            "a".repeat(2048)
        )));
        assert!(check_endpoint("https://fcm.googleapis.com/x", "").is_err());
    }

    #[test]
    fn audience_is_the_endpoint_origin() {
        assert_eq!(
            audience("https://updates.push.services.mozilla.com:443/wpush/v2/x").unwrap(),
            "https://updates.push.services.mozilla.com"
        );
        assert_eq!(
            audience("http://127.0.0.1:8080/p/1").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(audience("mailto:x@y").is_err());
    }
}
