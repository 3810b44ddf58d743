//! Users and their settings, and the rules for sign-up input.

use crate::error::{Error, Result};
use crate::limits::*;
use crate::task::{check_len, reject_nul, reject_unknown};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    #[serde(with = "crate::time::serde_ms")]
    pub created_at: i64,
}

/// A user's time zone: a name from the IANA database (`Europe/Berlin`,
/// `UTC`), checked against the whole database where it enters the app, so
/// every reader gets a zone it can compute with. Serializes as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timezone(chrono_tz::Tz);

impl Timezone {
    pub const UTC: Timezone = Timezone(chrono_tz::Tz::UTC);

    /// A zone given by a client: an unknown name is a 400 naming the field.
    pub fn parse(name: &str) -> Result<Timezone> {
        let name = name.trim();
        if name.len() > 64 {
            return Err(Self::unknown());
        }
        name.parse::<chrono_tz::Tz>()
            .map(Timezone)
            .map_err(|_| Self::unknown())
    }

    /// A zone read back from the database. Only `parse`d names are
    /// written; a row from before that check with a name the database
    /// does not know reads as UTC, here and nowhere else.
    pub fn from_stored(name: &str) -> Timezone {
        Self::parse(name).unwrap_or(Self::UTC)
    }

    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    fn unknown() -> Error {
        Error::invalid(
            "timezone",
            "timezone must be an IANA name such as Europe/Berlin or UTC",
        )
    }
}

impl Default for Timezone {
    fn default() -> Self {
        Self::UTC
    }
}

impl Serialize for Timezone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub timezone: Timezone,
    /// When false, the agents create no suggestions for this user.
    pub agents_enabled: bool,
    pub in_app_notifications: bool,
    /// Reminders are also POSTed here, signed, when set.
    pub webhook_url: Option<String>,
    /// The HMAC-SHA256 key of the `X-Signature-256` header on webhooks.
    pub webhook_secret: Option<String>,
    /// Minutes before the due time of the reminder a task gets when it gets
    /// a due time (any way: the API, quick add, the assistant, MCP, the next
    /// instance of a repeating task); `None`: no default reminder.
    pub default_reminder_minutes: Option<i64>,
    /// The user wants reminders by email. Mail is sent only while
    /// `email_confirmed` holds too.
    pub email_reminders: bool,
    /// The account's address was confirmed through the link mailed to it
    /// (read-only: set by following the link, never by a PATCH).
    pub email_confirmed: bool,
    /// A daily window in which email and push are held for one digest at
    /// its end (the inbox still gets every reminder at once); None: none.
    pub quiet_hours: Option<crate::quiet::QuietHours>,
}

/// The default reminder of a new account: 15 minutes before.
pub const DEFAULT_REMINDER_MINUTES: i64 = 15;

impl Default for Settings {
    fn default() -> Self {
        Self {
            timezone: Timezone::UTC,
            agents_enabled: true,
            in_app_notifications: true,
            webhook_url: None,
            webhook_secret: None,
            default_reminder_minutes: Some(DEFAULT_REMINDER_MINUTES),
            email_reminders: false,
            email_confirmed: false,
            quiet_hours: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignUp {
    pub email: String,
    pub password: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

fn object(body: &Value) -> Result<&Map<String, Value>> {
    body.as_object()
        .ok_or_else(|| Error::bad_request("invalid_body", "the body must be a JSON object"))
}

fn required_str<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<&'a str> {
    match obj.get(field) {
        None | Some(Value::Null) => Err(Error::invalid(field, format!("{field} is required"))),
        Some(v) => v
            .as_str()
            .ok_or_else(|| Error::invalid(field, format!("{field} must be a string"))),
    }
}

/// Emails are compared case-insensitively: stored trimmed and lowercased.
pub fn normalize_email(raw: &str) -> Result<String> {
    let email = raw.trim().to_lowercase();
    check_len("email", &email, MAX_EMAIL_CHARS)?;
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        }
        None => false,
    };
    if !valid {
        return Err(Error::invalid(
            "email",
            "email must be an address such as ana@example.com",
        ));
    }
    Ok(email)
}

fn password(obj: &Map<String, Value>) -> Result<String> {
    let p = required_str(obj, "password")?;
    let n = p.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("password must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("password must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(p.to_string())
}

pub fn parse_sign_up(body: &Value) -> Result<SignUp> {
    let obj = object(body)?;
    reject_unknown(obj, &["email", "password", "name"])?;
    let email = normalize_email(required_str(obj, "email")?)?;
    let password = password(obj)?;
    let name = match obj.get("name") {
        None | Some(Value::Null) => String::new(),
        Some(v) => {
            let n = v
                .as_str()
                .ok_or_else(|| Error::invalid("name", "name must be a string"))?
                .trim();
            check_len("name", n, MAX_NAME_CHARS)?;
            reject_nul("name", n)?;
            n.to_string()
        }
    };
    Ok(SignUp {
        email,
        password,
        name,
    })
}

pub fn parse_sign_in(body: &Value) -> Result<SignIn> {
    let obj = object(body)?;
    reject_unknown(obj, &["email", "password"])?;
    // Sign-in does not re-validate the address shape: a wrong address is
    // simply a failed sign-in, with the same message as a wrong password.
    let email = required_str(obj, "email")?.trim().to_lowercase();
    check_len("email", &email, MAX_EMAIL_CHARS)?;
    reject_nul("email", &email)?;
    let password = required_str(obj, "password")?;
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::invalid("password", "password is too long"));
    }
    Ok(SignIn {
        email,
        password: password.to_string(),
    })
}

/// Applies a settings update; unknown fields and bad values are refused.
/// Applies a settings PATCH; `trusted_hosts` are the webhook hosts the
/// operator allows as they are (see [`crate::webhook`]).
pub fn apply_settings_patch(
    settings: &mut Settings,
    body: &Value,
    trusted_hosts: &[String],
) -> Result<()> {
    let obj = object(body)?;
    reject_unknown(
        obj,
        &[
            "timezone",
            "agentsEnabled",
            "inAppNotifications",
            "webhookUrl",
            "defaultReminderMinutes",
            "emailReminders",
            "quietHours",
        ],
    )?;
    if obj.is_empty() {
        return Err(Error::bad_request(
            "empty_update",
            "the update changes nothing",
        ));
    }
    if let Some(v) = obj.get("timezone") {
        let tz = v
            .as_str()
            .ok_or_else(|| Error::invalid("timezone", "timezone must be a string"))?;
        settings.timezone = Timezone::parse(tz)?;
    }
    if let Some(v) = obj.get("agentsEnabled") {
        settings.agents_enabled = v.as_bool().ok_or_else(|| {
            Error::invalid("agentsEnabled", "agentsEnabled must be true or false")
        })?;
    }
    if let Some(v) = obj.get("inAppNotifications") {
        settings.in_app_notifications = v.as_bool().ok_or_else(|| {
            Error::invalid(
                "inAppNotifications",
                "inAppNotifications must be true or false",
            )
        })?;
    }
    if let Some(v) = obj.get("defaultReminderMinutes") {
        settings.default_reminder_minutes = match v {
            Value::Null => None,
            v => Some(
                v.as_i64()
                    .filter(|m| (0..=crate::reminder::MAX_BEFORE_MINUTES).contains(m))
                    .ok_or_else(|| {
                        Error::invalid(
                            "defaultReminderMinutes",
                            format!(
                                "defaultReminderMinutes must be a whole number of minutes from 0 to {}, or null for none",
                                crate::reminder::MAX_BEFORE_MINUTES
                            ),
                        )
                    })?,
            ),
        };
    }
    if let Some(v) = obj.get("quietHours") {
        settings.quiet_hours = crate::quiet::QuietHours::parse(v)?;
    }
    if let Some(v) = obj.get("emailReminders") {
        settings.email_reminders = v.as_bool().ok_or_else(|| {
            Error::invalid("emailReminders", "emailReminders must be true or false")
        })?;
    }
    if let Some(v) = obj.get("webhookUrl") {
        settings.webhook_url = match v {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some(validate_webhook_url(s.trim(), trusted_hosts)?),
            _ => {
                return Err(Error::invalid(
                    "webhookUrl",
                    "webhookUrl must be a URL or null",
                ))
            }
        };
    }
    Ok(())
}

/// A webhook URL as stored: length-checked, then [`crate::webhook::check_target`].
pub fn validate_webhook_url(url: &str, trusted_hosts: &[String]) -> Result<String> {
    check_len("webhookUrl", url, MAX_URL_CHARS)?;
    crate::webhook::check_target(url, trusted_hosts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sign_up_validates_each_field() {
        let ok = parse_sign_up(&json!({"email": " Ana@Example.COM ", "password": "correct horse"}))
            .unwrap();
        assert_eq!(ok.email, "ana@example.com");
        for (body, field) in [
            (json!({"password": "longenough"}), "email"),
            (json!({"email": "ana", "password": "longenough"}), "email"),
            (json!({"email": "a@b.co", "password": "short"}), "password"),
            (
                json!({"email": "a@b.co", "password": "longenough", "name": 5}),
                "name",
            ),
        ] {
            let err = parse_sign_up(&body).unwrap_err();
            assert_eq!(err.details, Some(json!({"field": field})), "{body}");
        }
    }

    /// Regression: a NUL reached PostgreSQL, which refuses it in `text`.
    #[test]
    fn nul_in_name_or_sign_in_email_is_refused() {
        let err =
            parse_sign_up(&json!({"email": "a@b.co", "password": "longenough", "name": "a\0"}))
                .unwrap_err();
        assert_eq!(err.details, Some(json!({"field": "name"})));
        let err = parse_sign_in(&json!({"email": "a\0@b.co", "password": "x"})).unwrap_err();
        assert_eq!(err.details, Some(json!({"field": "email"})));
    }

    #[test]
    fn settings_patch() {
        let mut s = Settings::default();
        apply_settings_patch(
            &mut s,
            &json!({"timezone": "America/New_York", "agentsEnabled": false}),
            &[],
        )
        .unwrap();
        assert_eq!(s.timezone.name(), "America/New_York");
        assert!(!s.agents_enabled);
        assert!(apply_settings_patch(&mut s, &json!({"timezone": "Mars Base"}), &[]).is_err());
        // The shape of a zone name is not enough: the database must know it.
        assert!(apply_settings_patch(&mut s, &json!({"timezone": "Mars/Olympus"}), &[]).is_err());
        assert_eq!(s.timezone.name(), "America/New_York");
        assert_eq!(Timezone::from_stored("Mars/Olympus"), Timezone::UTC);
        assert!(apply_settings_patch(&mut s, &json!({"webhookUrl": "ftp://x"}), &[]).is_err());
        assert!(apply_settings_patch(&mut s, &json!({"colour": 1}), &[]).is_err());
        // The default reminder: 15 minutes for a new account, off with null.
        assert_eq!(s.default_reminder_minutes, Some(15));
        apply_settings_patch(&mut s, &json!({"defaultReminderMinutes": null}), &[]).unwrap();
        assert_eq!(s.default_reminder_minutes, None);
        apply_settings_patch(&mut s, &json!({"defaultReminderMinutes": 0}), &[]).unwrap();
        assert_eq!(s.default_reminder_minutes, Some(0));
        for bad in [json!(-1), json!(1.5), json!("15"), json!(600_000)] {
            let e = apply_settings_patch(&mut s, &json!({ "defaultReminderMinutes": bad }), &[]);
            assert!(e.is_err(), "{bad}");
        }
        assert_eq!(s.default_reminder_minutes, Some(0));
        // Email: the wish is the user's; the confirmation is not theirs to set.
        apply_settings_patch(&mut s, &json!({"emailReminders": true}), &[]).unwrap();
        assert!(s.email_reminders && !s.email_confirmed);
        assert!(apply_settings_patch(&mut s, &json!({"emailReminders": "yes"}), &[]).is_err());
        assert!(apply_settings_patch(&mut s, &json!({"emailConfirmed": true}), &[]).is_err());
    }
}
