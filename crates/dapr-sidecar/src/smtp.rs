//! The `bindings.smtp` output binding, as Dapr's `bindings/smtp` does it:
//! operation `create` only; request metadata `emailFrom`, `emailTo`,
//! `emailCC`, `emailBCC` (`;`-separated), `subject` and `priority` override
//! the component's; `emailFrom`, `emailTo` and `subject` are required; the
//! body is the data unquoted (a JSON string's text, else the raw bytes),
//! sent as `text/html` with an `X-priority` header; 204 on success. Port
//! 465 is TLS from the start; any other port upgrades with STARTTLS when the
//! server offers it (gomail's dialer), verifying the certificate unless
//! `skipTLSVerify`.
//!
//! Three request metadata keys go beyond Dapr 1.16, which ignores them:
//! `bodyText` adds a plain-text part (the mail becomes
//! multipart/alternative), and `listUnsubscribe` / `listUnsubscribePost`
//! become the `List-Unsubscribe` and `List-Unsubscribe-Post` headers
//! (RFC 2369, RFC 8058).
//!
//! Where mail goes: the component's server; when that comes from a
//! Kubernetes secret (not read locally), the sidecar's `smtp_url`
//! (`smtp://[user:password@]host:port`, or `smtps://` for TLS from the
//! start); with neither, the dev mailbox: one `.eml` file per mail in
//! `<state dir>/mailbox/`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::resources::{smtp_priority, SmtpBinding, SmtpServer};
use crate::errors::{self, ApiError};

/// gomail's dial timeout.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where the mail of a binding goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    Server {
        server: SmtpServer,
        implicit_tls: bool,
    },
    Mailbox(std::path::PathBuf),
}

/// The destination for `b`: its own server, else `smtp_url`, else the
/// mailbox in `state_dir`.
pub fn destination(
    b: &SmtpBinding,
    smtp_url: Option<&str>,
    state_dir: &Path,
) -> Result<Destination, String> {
    if let Some(server) = &b.server {
        return Ok(Destination::Server {
            implicit_tls: server.port == 465,
            server: server.clone(),
        });
    }
    match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => parse_smtp_url(url),
        None => Ok(Destination::Mailbox(state_dir.join("mailbox"))),
    }
}

/// `smtp://[user:password@]host[:port]` (port 25 by default; STARTTLS when
/// offered) or `smtps://…` (TLS from the start; port 465 by default).
pub fn parse_smtp_url(text: &str) -> Result<Destination, String> {
    let url = url::Url::parse(text).map_err(|e| format!("SMTP_URL is not a URL ({e}): {text}"))?;
    let implicit_tls = match url.scheme() {
        "smtps" => true,
        "smtp" => false,
        _ => {
            return Err(format!(
                "SMTP_URL must start with smtp:// or smtps://: {text}"
            ))
        }
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("SMTP_URL names no host: {text}"))?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    Ok(Destination::Server {
        server: SmtpServer {
            // Brackets belong to the URL, not to the address.
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port: url.port().unwrap_or(if implicit_tls { 465 } else { 25 }),
            user: decode(url.username()),
            password: decode(url.password().unwrap_or("")),
            skip_tls_verify: false,
        },
        implicit_tls,
    })
}

/// The body Dapr's binding sends: Go's `strconv.Unquote` of the data
/// (daprd passes `data` re-encoded as JSON, so a JSON string arrives
/// quoted), falling back to the raw text.
fn body_of(data: &serde_json::Value) -> String {
    match data {
        serde_json::Value::String(s) => s.clone(),
        other => String::from_utf8_lossy(&crate::cloudevent::to_go_json(other)).into_owned(),
    }
}

/// Builds the message from the component and request metadata.
pub fn build_message(
    b: &SmtpBinding,
    data: &serde_json::Value,
    md: &BTreeMap<String, String>,
) -> Result<Message, String> {
    let pick = |key: &str, component: &str| -> String {
        md.get(key)
            .filter(|v| !v.is_empty())
            .cloned()
            .unwrap_or_else(|| component.to_string())
    };
    let from = pick("emailFrom", &b.email_from);
    let to = pick("emailTo", &b.email_to);
    let cc = pick("emailCC", &b.email_cc);
    let bcc = pick("emailBCC", &b.email_bcc);
    let subject = pick("subject", &b.subject);
    let priority = match md.get("priority").filter(|p| !p.is_empty()) {
        Some(p) => smtp_priority(Some(p))?,
        None => b.priority,
    };
    let missing = |what: &str| {
        format!("smtp binding error: {what} property not supplied in configuration- or request-metadata")
    };
    if from.is_empty() {
        return Err(missing("emailFrom"));
    }
    if to.is_empty() {
        return Err(missing("emailTo"));
    }
    if subject.is_empty() {
        return Err(missing("subject"));
    }
    let mailbox = |a: &str| -> Result<Mailbox, String> {
        a.trim()
            .parse::<Mailbox>()
            .map_err(|e| format!("invalid address {a:?}: {e}"))
    };
    let mut m = Message::builder().from(mailbox(&from)?).subject(subject);
    for a in to.split(';').filter(|a| !a.trim().is_empty()) {
        m = m.to(mailbox(a)?);
    }
    for a in cc.split(';').filter(|a| !a.trim().is_empty()) {
        m = m.cc(mailbox(a)?);
    }
    for a in bcc.split(';').filter(|a| !a.trim().is_empty()) {
        m = m.bcc(mailbox(a)?);
    }
    let raw_header = |name: &str, value: &str| -> Result<HeaderValue, String> {
        let clean = value.replace(['\r', '\n'], " ");
        let name = HeaderName::new_from_ascii(name.to_string()).map_err(|e| e.to_string())?;
        Ok(HeaderValue::new(name, clean))
    };
    m = m.raw_header(raw_header("X-priority", &priority.to_string())?);
    if let Some(v) = md.get("listUnsubscribe").filter(|v| !v.is_empty()) {
        m = m.raw_header(raw_header("List-Unsubscribe", v)?);
    }
    if let Some(v) = md.get("listUnsubscribePost").filter(|v| !v.is_empty()) {
        m = m.raw_header(raw_header("List-Unsubscribe-Post", v)?);
    }
    let html = SinglePart::builder()
        .header(ContentType::TEXT_HTML)
        .body(body_of(data));
    let message = match md.get("bodyText").filter(|v| !v.is_empty()) {
        Some(text) => m.multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text.clone()),
                )
                .singlepart(html),
        ),
        None => m.singlepart(html),
    };
    message.map_err(|e| e.to_string())
}

/// Sends one mail to `dest`.
pub async fn send(dest: &Destination, message: Message) -> Result<(), String> {
    match dest {
        Destination::Mailbox(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("mailbox {}: {e}", dir.display()))?;
            let name = format!(
                "{}-{}.eml",
                chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
                uuid::Uuid::new_v4().simple()
            );
            std::fs::write(dir.join(name), message.formatted())
                .map_err(|e| format!("mailbox {}: {e}", dir.display()))
        }
        Destination::Server {
            server,
            implicit_tls,
        } => {
            let tls = TlsParameters::builder(server.host.clone())
                .dangerous_accept_invalid_certs(server.skip_tls_verify)
                .build_rustls()
                .map_err(|e| e.to_string())?;
            let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&server.host)
                .port(server.port)
                .timeout(Some(TIMEOUT))
                .tls(if *implicit_tls {
                    Tls::Wrapper(tls)
                } else {
                    Tls::Opportunistic(tls)
                });
            if !server.user.is_empty() {
                builder = builder.credentials(Credentials::new(
                    server.user.clone(),
                    server.password.clone(),
                ));
            }
            builder
                .build()
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    }
}

/// `POST /v1.0/bindings/{name}` for an SMTP binding: 204 once the server
/// (or the mailbox) took the mail.
pub(crate) async fn invoke(
    b: &SmtpBinding,
    operation: &str,
    data: &serde_json::Value,
    md: &BTreeMap<String, String>,
    smtp_url: Option<&str>,
    state_dir: &Path,
) -> Result<Option<Bytes>, ApiError> {
    if operation != "create" {
        return Err(errors::output_binding(
            &b.name,
            format!(
                "binding {} does not support operation {operation}. supported operations:create",
                b.name
            ),
        ));
    }
    let message = build_message(b, data, md).map_err(|e| errors::output_binding(&b.name, e))?;
    let dest =
        destination(b, smtp_url, state_dir).map_err(|e| errors::output_binding(&b.name, e))?;
    send(&dest, message).await.map_err(|e| {
        errors::output_binding(
            &b.name,
            format!("error from smtp binding, sending email failed: {e}"),
        )
    })?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding() -> SmtpBinding {
        SmtpBinding {
            name: "email".into(),
            email_from: "Tasks <noreply@tasks.example>".into(),
            priority: 3,
            ..SmtpBinding::default()
        }
    }

    #[test]
    fn smtp_urls() {
        let Destination::Server {
            server,
            implicit_tls,
        } = parse_smtp_url("smtp://127.0.0.1:2525").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (server.host.as_str(), server.port, implicit_tls),
            ("127.0.0.1", 2525, false)
        );
        let Destination::Server {
            server,
            implicit_tls,
        } = parse_smtp_url("smtps://me%40x.org:p%3Ass@mail.example").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (
                server.user.as_str(),
                server.password.as_str(),
                server.port,
                implicit_tls
            ),
            ("me@x.org", "p:ss", 465, true)
        );
        assert!(parse_smtp_url("http://x").is_err());
        let Destination::Server { server, .. } = parse_smtp_url("smtp://[::1]").unwrap() else {
            panic!()
        };
        assert_eq!((server.host.as_str(), server.port), ("::1", 25));
        assert_eq!(
            destination(&binding(), None, Path::new("/s")).unwrap(),
            Destination::Mailbox("/s/mailbox".into())
        );
    }

    #[test]
    fn a_message_has_dapr_headers_and_the_extensions() {
        let md: BTreeMap<String, String> = [
            ("emailTo", "ana@example.com"),
            ("subject", "Reminder: Pay rent"),
            ("bodyText", "Reminder: Pay rent"),
            ("listUnsubscribe", "<https://t.example/u?token=x>"),
            ("listUnsubscribePost", "List-Unsubscribe=One-Click"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let data = serde_json::json!("<p>Reminder</p>");
        let m = build_message(&binding(), &data, &md).unwrap();
        let text = String::from_utf8(m.formatted()).unwrap();
        assert!(text.contains("To: ana@example.com"), "{text}");
        assert!(text.contains("X-priority: 3"));
        assert!(text.contains("List-Unsubscribe: <https://t.example/u?token=x>"));
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("text/plain") && text.contains("text/html"));
        // Without the extensions: HTML only, as under daprd.
        let md: BTreeMap<String, String> = [("emailTo", "a@b.co"), ("subject", "s")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let text =
            String::from_utf8(build_message(&binding(), &data, &md).unwrap().formatted()).unwrap();
        assert!(!text.contains("multipart") && text.contains("text/html"));
        let md: BTreeMap<String, String> = [("emailTo".to_string(), "a@b.co".to_string())].into();
        assert!(build_message(&binding(), &data, &md)
            .unwrap_err()
            .contains("subject"));
    }
}
