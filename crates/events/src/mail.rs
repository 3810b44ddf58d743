//! Sending mail through Dapr's SMTP output binding
//! (`POST /v1.0/bindings/<name>`, operation `create`): the SMTP server and
//! its credentials live in the Dapr component (Kubernetes Secrets), never
//! in the app.
//!
//! The request carries what Dapr's `bindings.smtp` reads: `data` is the
//! HTML body (a JSON string, which daprd hands on quoted and the binding
//! unquotes), `metadata.emailTo` and `metadata.subject` (`emailFrom` comes
//! from the component). It also carries three keys that Dapr 1.16's
//! binding ignores and the project's sidecar honours: `bodyText` (the
//! plain-text part; with it the mail is multipart/alternative) and
//! `listUnsubscribe` / `listUnsubscribePost` (RFC 2369 / RFC 8058 headers).
//! Under daprd the mail is HTML only, with the unsubscribe link in its
//! body; see `dapr/email.yaml`.

use domain::email::Mail;
use domain::Error;
use serde_json::json;
use spin_sdk::http::{Method, Request};

/// The binding's name when the component declares no `email_binding`.
pub const DEFAULT_BINDING: &str = "email";

/// The JSON body of the binding call.
pub fn binding_request(mail: &Mail) -> serde_json::Value {
    let mut metadata = json!({
        "emailTo": mail.to,
        "subject": mail.subject,
        "bodyText": mail.text,
    });
    if let Some(url) = &mail.unsubscribe_url {
        metadata["listUnsubscribe"] = json!(format!("<{url}>"));
        metadata["listUnsubscribePost"] = json!("List-Unsubscribe=One-Click");
    }
    json!({ "operation": "create", "data": mail.html, "metadata": metadata })
}

impl super::Publisher {
    /// Sends one mail; Ok once the sidecar says the SMTP server took it.
    pub async fn send_mail(&self, mail: &Mail) -> Result<(), Error> {
        let binding = spin_sdk::variables::get("email_binding")
            .ok()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| DEFAULT_BINDING.to_string());
        let url = format!(
            "{}/v1.0/bindings/{binding}",
            self.endpoint.trim_end_matches('/')
        );
        let mut builder = Request::builder();
        builder
            .method(Method::Post)
            .uri(url)
            .header("content-type", "application/json");
        if !self.api_token.is_empty() {
            builder.header("dapr-api-token", self.api_token.clone());
        }
        let request = builder.body(binding_request(mail).to_string()).build();
        super::send_expecting_2xx(request, "mail binding unreachable", "mail not sent").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_what_dapr_smtp_reads_plus_the_headers() {
        let mail =
            domain::email::reminder("a@b.co", "Pay rent", None, "http://x", "http://x/u?token=t");
        let body = binding_request(&mail);
        assert_eq!(body["operation"], "create");
        assert_eq!(body["data"], mail.html.as_str());
        assert_eq!(body["metadata"]["emailTo"], "a@b.co");
        assert_eq!(body["metadata"]["subject"], "Reminder: Pay rent");
        assert_eq!(body["metadata"]["listUnsubscribe"], "<http://x/u?token=t>");
        assert_eq!(
            body["metadata"]["listUnsubscribePost"],
            "List-Unsubscribe=One-Click"
        );
        let confirm = binding_request(&domain::email::confirmation("a@b.co", "http://x/c"));
        assert!(confirm["metadata"].get("listUnsubscribe").is_none());
    }
}
