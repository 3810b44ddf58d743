//! The app's Spin variables, read once per request.

use domain::Error;
use spin_sdk::variables;

pub fn var(name: &str) -> Result<String, Error> {
    variables::get(name).map_err(|e| Error::internal(format!("variable {name}: {e}")))
}

/// Variables that are optional for a component: undeclared reads as empty.
pub fn var_or_empty(name: &str) -> String {
    variables::get(name).unwrap_or_default()
}

/// Webhook hosts the operator allows over `http` and on private addresses
/// (`webhook_trusted_hosts`: comma-separated `host` or `host:port`; each is
/// trimmed and compared without case by `domain::webhook::check_target`).
pub fn webhook_trusted_hosts() -> Vec<String> {
    var_or_empty("webhook_trusted_hosts")
        .split(',')
        .map(str::to_string)
        .collect()
}

pub struct Config {
    pub db_url: String,
    pub auth_secret: String,
    pub session_ttl_ms: i64,
}

impl Config {
    pub fn load() -> Result<Config, Error> {
        let auth_secret = var("auth_secret")?;
        if auth_secret.len() < 16 {
            return Err(Error::internal(
                "auth_secret must be at least 16 characters",
            ));
        }
        let ttl_seconds: i64 = var_or_empty("session_ttl_seconds")
            .parse()
            .unwrap_or(30 * 24 * 3600);
        Ok(Config {
            db_url: var("db_url")?,
            auth_secret,
            session_ttl_ms: ttl_seconds.saturating_mul(1000),
        })
    }

    pub fn keys(&self) -> sessions::Keys<'_> {
        sessions::Keys {
            secret: self.auth_secret.as_bytes(),
            ttl_ms: self.session_ttl_ms,
        }
    }
}
