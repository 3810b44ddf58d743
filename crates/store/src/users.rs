//! Users, their settings, sessions and sign-in throttling.

use crate::db::{is_unique_violation, Db, Row, Value};
use domain::user::{Settings, User};
use domain::{Error, ErrorKind};

const USER_COLUMNS: &str = "id, email, name, created_at";
const SETTINGS_COLUMNS: &str =
    "timezone, agents_enabled, in_app_notifications, webhook_url, webhook_secret";

fn user_from(row: &Row) -> Result<User, Error> {
    Ok(User {
        id: row.text(0)?,
        email: row.text(1)?,
        name: row.text(2)?,
        created_at: row.int(3)?,
    })
}

fn settings_from(row: &Row, at: usize) -> Result<Settings, Error> {
    Ok(Settings {
        timezone: row.text(at)?,
        agents_enabled: row.int(at + 1)? != 0,
        in_app_notifications: row.int(at + 2)? != 0,
        webhook_url: row.opt_text(at + 3)?,
        webhook_secret: row.opt_text(at + 4)?,
    })
}

pub fn insert_user(db: &Db, user: &User, password_hash: &str) -> Result<(), Error> {
    let defaults = Settings::default();
    db.execute(
        "INSERT INTO users (id, email, name, password_hash, timezone, agents_enabled,
            in_app_notifications, webhook_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $8)",
        &[
            (&user.id).into(),
            (&user.email).into(),
            (&user.name).into(),
            password_hash.into(),
            defaults.timezone.into(),
            Value::Int(defaults.agents_enabled.into()),
            Value::Int(defaults.in_app_notifications.into()),
            Value::Int(user.created_at),
        ],
    )
    .map(|_| ())
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::new(
                ErrorKind::Conflict,
                "email_taken",
                "an account with this email already exists",
            )
        } else {
            e
        }
    })
}

/// The user and their password hash, for sign-in.
pub fn find_by_email(db: &Db, email: &str) -> Result<Option<(User, String)>, Error> {
    let rows = db.query(
        &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"),
        &[email.into()],
    )?;
    rows.first()
        .map(|r| Ok((user_from(r)?, r.text(4)?)))
        .transpose()
}

pub fn get_user(db: &Db, user_id: &str) -> Result<Option<(User, Settings)>, Error> {
    let rows = db.query(
        &format!("SELECT {USER_COLUMNS}, {SETTINGS_COLUMNS} FROM users WHERE id = $1"),
        &[user_id.into()],
    )?;
    rows.first()
        .map(|r| Ok((user_from(r)?, settings_from(r, 4)?)))
        .transpose()
}

pub fn update_settings(db: &Db, user_id: &str, s: &Settings, now: i64) -> Result<(), Error> {
    db.execute(
        "UPDATE users SET timezone = $2, agents_enabled = $3, in_app_notifications = $4,
            webhook_url = $5, webhook_secret = $6, updated_at = $7 WHERE id = $1",
        &[
            user_id.into(),
            (&s.timezone).into(),
            Value::Int(s.agents_enabled.into()),
            Value::Int(s.in_app_notifications.into()),
            s.webhook_url.as_deref().into(),
            s.webhook_secret.as_deref().into(),
            Value::Int(now),
        ],
    )
    .map(|_| ())
}

/// Sign-in throttling: failures per email in a sliding window.
pub struct Throttle {
    pub max_failures: i64,
    pub window_ms: i64,
}

impl Throttle {
    /// Seconds until the email may try again, if it is locked out now.
    pub fn locked_for(&self, db: &Db, email: &str, now: i64) -> Result<Option<u64>, Error> {
        let rows = db.query(
            "SELECT window_start, failures FROM signin_failures WHERE email = $1",
            &[email.into()],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let (start, failures) = (row.int(0)?, row.int(1)?);
        let ends = start + self.window_ms;
        if failures >= self.max_failures && now < ends {
            Ok(Some(((ends - now) as u64).div_ceil(1000)))
        } else {
            Ok(None)
        }
    }

    pub fn record_failure(&self, db: &Db, email: &str, now: i64) -> Result<(), Error> {
        // A window that has ended starts over at one failure.
        db.execute(
            "INSERT INTO signin_failures (email, window_start, failures) VALUES ($1, $2, 1)
             ON CONFLICT (email) DO UPDATE SET
               failures = CASE WHEN signin_failures.window_start + $3 <= $2
                               THEN 1 ELSE signin_failures.failures + 1 END,
               window_start = CASE WHEN signin_failures.window_start + $3 <= $2
                               THEN $2 ELSE signin_failures.window_start END",
            &[email.into(), Value::Int(now), Value::Int(self.window_ms)],
        )
        .map(|_| ())
    }

    pub fn clear(&self, db: &Db, email: &str) -> Result<(), Error> {
        db.execute(
            "DELETE FROM signin_failures WHERE email = $1",
            &[email.into()],
        )
        .map(|_| ())
    }
}
