//! The mails the app sends: what they say, in HTML and plain text, and
//! where their links go. Sending is `events::mail` (Dapr's SMTP binding).

/// One message to one address.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// The one-click unsubscribe address (RFC 8058): mails about reminders
    /// carry it, the confirmation mail does not (nothing to unsubscribe yet).
    pub unsubscribe_url: Option<String>,
}

/// How long a confirmation link works.
pub const CONFIRM_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// The path of the confirmation link, under the app's public address.
pub const CONFIRM_PATH: &str = "/api/v1/auth/email/confirm";
/// The path of the unsubscribe link (GET shows a page, POST unsubscribes).
pub const UNSUBSCRIBE_PATH: &str = "/api/v1/auth/email/unsubscribe";

/// Where links in mail point when the operator set no public address: the
/// local run's address (`./scripts/up.sh`).
pub const LOCAL_BASE_URL: &str = "http://127.0.0.1:3000";

/// The app's public address for links in mail, without a trailing slash.
pub fn base_url(public_base_url: &str) -> String {
    let base = public_base_url.trim().trim_end_matches('/');
    if base.is_empty() {
        LOCAL_BASE_URL.to_string()
    } else {
        base.to_string()
    }
}

pub fn confirm_url(base: &str, token: &str) -> String {
    format!("{base}{CONFIRM_PATH}?token={token}")
}

pub fn unsubscribe_url(base: &str, token: &str) -> String {
    format!("{base}{UNSUBSCRIBE_PATH}?token={token}")
}

/// The mail that asks the account's owner to confirm their address.
pub fn confirmation(to: &str, confirm_url: &str) -> Mail {
    let text = format!(
        "Someone (hopefully you) turned on email reminders for this address in Task Manager.\n\n\
         To receive reminders here, confirm the address within 24 hours:\n{confirm_url}\n\n\
         If it was not you, ignore this mail: nothing will be sent."
    );
    let html = format!(
        "<p>Someone (hopefully you) turned on email reminders for this address in Task Manager.</p>\
         <p><a href=\"{url}\">Confirm this address</a> within 24 hours to receive reminders here.</p>\
         <p>If it was not you, ignore this mail: nothing will be sent.</p>",
        url = escape(confirm_url)
    );
    Mail {
        to: to.to_string(),
        subject: "Confirm your address for Task Manager reminders".into(),
        html,
        text,
        unsubscribe_url: None,
    }
}

/// A reminder: the task's title, when it is due (as the user reads time),
/// a link to the app and the unsubscribe link.
pub fn reminder(
    to: &str,
    title: &str,
    due: Option<&str>,
    app_url: &str,
    unsubscribe: &str,
) -> Mail {
    let when = due.map(|d| format!("Due {d}.")).unwrap_or_default();
    let text = format!(
        "Reminder: {title}\n{when}\n\nOpen your tasks: {app_url}\n\n\
         You get this because email reminders are on. Stop them: {unsubscribe}\n"
    );
    let html = format!(
        "<p><strong>Reminder:</strong> {title}</p><p>{when}</p>\
         <p><a href=\"{app}\">Open your tasks</a></p>\
         <p style=\"color:#666;font-size:small\">You get this because email reminders are on. \
         <a href=\"{unsub}\">Unsubscribe</a></p>",
        title = escape(title),
        when = escape(&when),
        app = escape(app_url),
        unsub = escape(unsubscribe)
    );
    Mail {
        to: to.to_string(),
        subject: format!("Reminder: {}", one_line(title)),
        html,
        text,
        unsubscribe_url: Some(unsubscribe.to_string()),
    }
}

/// The reminders held during quiet hours, in one mail: each title with its
/// due time (already in the user's zone).
pub fn digest(
    to: &str,
    items: &[(String, Option<String>)],
    app_url: &str,
    unsubscribe: &str,
) -> Mail {
    let line = |(title, due): &(String, Option<String>)| match due {
        Some(d) => format!("{title} (due {d})"),
        None => title.clone(),
    };
    let list_text: String = items.iter().map(|i| format!("- {}\n", line(i))).collect();
    let list_html: String = items
        .iter()
        .map(|i| format!("<li>{}</li>", escape(&line(i))))
        .collect();
    let count = match items.len() {
        1 => "1 reminder".to_string(),
        n => format!("{n} reminders"),
    };
    let text = format!(
        "{count} from your quiet hours:\n\n{list_text}\nOpen your tasks: {app_url}\n\n\
         You get this because email reminders are on. Stop them: {unsubscribe}\n"
    );
    let html = format!(
        "<p><strong>{count}</strong> from your quiet hours:</p><ul>{list_html}</ul>\
         <p><a href=\"{app}\">Open your tasks</a></p>\
         <p style=\"color:#666;font-size:small\">You get this because email reminders are on. \
         <a href=\"{unsub}\">Unsubscribe</a></p>",
        app = escape(app_url),
        unsub = escape(unsubscribe)
    );
    Mail {
        to: to.to_string(),
        subject: match items {
            [(title, _)] => format!("Reminder: {}", one_line(title)),
            _ => format!("{count} from your quiet hours"),
        },
        html,
        text,
        unsubscribe_url: Some(unsubscribe.to_string()),
    }
}

/// A subject is one header line: no line breaks, at most 150 characters.
fn one_line(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    if flat.chars().count() > 150 {
        format!("{}…", flat.chars().take(149).collect::<String>())
    } else {
        flat.to_string()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_lists_every_held_reminder() {
        let items = vec![
            (
                "Pay <rent>".to_string(),
                Some("Tue 8 Dec 2026, 09:00".to_string()),
            ),
            ("Call Ana".to_string(), None),
        ];
        let m = digest(
            "ana@example.com",
            &items,
            "https://app",
            "https://app/u?token=x",
        );
        assert_eq!(m.subject, "2 reminders from your quiet hours");
        assert!(
            m.text
                .contains("- Pay <rent> (due Tue 8 Dec 2026, 09:00)\n- Call Ana\n"),
            "{}",
            m.text
        );
        assert!(m
            .html
            .contains("<li>Pay &lt;rent&gt; (due Tue 8 Dec 2026, 09:00)</li>"));
        assert_eq!(m.unsubscribe_url.as_deref(), Some("https://app/u?token=x"));
        let one = digest(
            "ana@example.com",
            &items[1..],
            "https://app",
            "https://app/u",
        );
        assert_eq!(one.subject, "Reminder: Call Ana");
    }

    #[test]
    fn a_reminder_escapes_the_title_and_keeps_the_subject_on_one_line() {
        let m = reminder(
            "ana@example.com",
            "<b>Pay</b> rent\r\nBcc: x@y.z",
            Some("Fri 27 Nov, 18:30"),
            "https://app.example",
            "https://app.example/u?token=t",
        );
        assert_eq!(m.subject, "Reminder: <b>Pay</b> rent  Bcc: x@y.z");
        assert!(m.html.contains("&lt;b&gt;Pay&lt;/b&gt; rent"));
        assert!(!m.html.contains("<b>Pay"));
        assert!(m.text.contains("Due Fri 27 Nov, 18:30."));
        assert_eq!(
            m.unsubscribe_url.as_deref(),
            Some("https://app.example/u?token=t")
        );
    }

    #[test]
    fn links_use_the_public_address_or_the_local_one() {
        assert_eq!(base_url("https://tasks.example/ "), "https://tasks.example");
        assert_eq!(base_url(""), LOCAL_BASE_URL);
        assert_eq!(
            confirm_url("https://t.example", "abc"),
            "https://t.example/api/v1/auth/email/confirm?token=abc"
        );
        assert!(confirmation("a@b.co", "https://x/c?token=1")
            .unsubscribe_url
            .is_none());
    }
}
