//! Users, their settings, and sign-in throttling.

use crate::db::{is_unique_violation, Db, Row, Value};
use domain::user::{Settings, Timezone, User};
use domain::{Error, ErrorKind};

const USER_COLUMNS: &str = "id, email, name, created_at";
const SETTINGS_COLUMNS: &str =
    "timezone, agents_enabled, in_app_notifications, webhook_url, webhook_secret, \
     default_reminder_minutes, email_reminders, \
     CASE WHEN email_confirmed = email THEN 1 ELSE 0 END, quiet_start, quiet_end";

/// `default_reminder_minutes` for "no default reminder" (the column is NOT
/// NULL so that existing accounts got the default when it was added).
const NO_DEFAULT_REMINDER: i64 = -1;

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
        timezone: Timezone::from_stored(&row.text(at)?),
        agents_enabled: row.int(at + 1)? != 0,
        in_app_notifications: row.int(at + 2)? != 0,
        webhook_url: row.opt_text(at + 3)?,
        webhook_secret: row.opt_text(at + 4)?,
        default_reminder_minutes: Some(row.int(at + 5)?).filter(|m| *m >= 0),
        email_reminders: row.int(at + 6)? != 0,
        email_confirmed: row.int(at + 7)? != 0,
        quiet_hours: domain::quiet::QuietHours::from_stored(
            row.opt_int(at + 8)?,
            row.opt_int(at + 9)?,
        ),
    })
}

pub fn insert_user(db: &Db, user: &User, password_hash: &str) -> Result<(), Error> {
    let defaults = Settings::default();
    db.run(
        "INSERT INTO users (id, email, name, password_hash, timezone, agents_enabled,
            in_app_notifications, webhook_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $8)",
        &[
            (&user.id).into(),
            (&user.email).into(),
            (&user.name).into(),
            password_hash.into(),
            defaults.timezone.name().into(),
            Value::Int(defaults.agents_enabled.into()),
            Value::Int(defaults.in_app_notifications.into()),
            Value::Int(user.created_at),
        ],
    )
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
    db.run(
        "UPDATE users SET timezone = $2, agents_enabled = $3, in_app_notifications = $4,
            webhook_url = $5, webhook_secret = $6, updated_at = $7,
            default_reminder_minutes = $8, email_reminders = $9, quiet_start = $10,
            quiet_end = $11 WHERE id = $1",
        &[
            user_id.into(),
            s.timezone.name().into(),
            Value::Int(s.agents_enabled.into()),
            Value::Int(s.in_app_notifications.into()),
            s.webhook_url.as_deref().into(),
            s.webhook_secret.as_deref().into(),
            Value::Int(now),
            Value::Int(s.default_reminder_minutes.unwrap_or(NO_DEFAULT_REMINDER)),
            Value::Int(s.email_reminders.into()),
            s.quiet_hours.map(|q| i64::from(q.start)).into(),
            s.quiet_hours.map(|q| i64::from(q.end)).into(),
        ],
    )
}

/// A new confirmation link for the account's address: its token's hash and
/// when it stops working (replacing any earlier link).
pub fn start_email_confirmation(
    db: &Db,
    user_id: &str,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), Error> {
    db.run(
        "UPDATE users SET email_confirm_hash = $2, email_confirm_expires = $3 WHERE id = $1",
        &[user_id.into(), token_hash.into(), Value::Int(expires_at)],
    )
}

/// Follows a confirmation link: the account whose live link it is gets its
/// current address confirmed and email reminders on, and the link is spent.
/// `None` for an unknown, spent or expired link.
///
/// `unsubscribe_token` becomes the account's unsubscribe token unless it
/// has one already (a link from an older mail keeps working).
pub fn confirm_email(
    db: &Db,
    token_hash: &str,
    unsubscribe_token: &str,
    now: i64,
) -> Result<Option<String>, Error> {
    db.transaction(|db| {
        let rows = db.query(
            "SELECT id FROM users WHERE email_confirm_hash = $1 AND email_confirm_expires > $2",
            &[token_hash.into(), Value::Int(now)],
        )?;
        let Some(id) = rows.first().map(|r| r.text(0)).transpose()? else {
            return Ok(None);
        };
        db.run(
            "UPDATE users SET email_confirmed = email, email_reminders = 1,
                email_confirm_hash = NULL, email_confirm_expires = NULL, updated_at = $2,
                email_unsubscribe_token = COALESCE(email_unsubscribe_token, $3)
             WHERE id = $1",
            &[(&id).into(), Value::Int(now), unsubscribe_token.into()],
        )?;
        Ok(Some(id))
    })
}

/// Where a reminder mail goes: the confirmed address and its unsubscribe
/// token, while the user wants email reminders and the account's address
/// is still the one confirmed. `None` otherwise: nothing is sent.
pub fn email_recipient(db: &Db, user_id: &str) -> Result<Option<(String, String)>, Error> {
    let rows = db.query(
        "SELECT email, email_unsubscribe_token FROM users
         WHERE id = $1 AND email_reminders = 1 AND email_confirmed = email
           AND email_unsubscribe_token IS NOT NULL",
        &[user_id.into()],
    )?;
    rows.first()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .transpose()
}

/// Turns email reminders off for the account with this unsubscribe token
/// (the link in every reminder mail). False for an unknown token.
pub fn unsubscribe_email(db: &Db, token: &str, now: i64) -> Result<bool, Error> {
    let rows = db.query(
        "SELECT id FROM users WHERE email_unsubscribe_token = $1",
        &[token.into()],
    )?;
    let Some(id) = rows.first().map(|r| r.text(0)).transpose()? else {
        return Ok(false);
    };
    db.run(
        "UPDATE users SET email_reminders = 0, updated_at = $2 WHERE id = $1",
        &[(&id).into(), Value::Int(now)],
    )?;
    Ok(true)
}

/// The `client` of a throttle row that counts the account's failures from
/// every address; a client address is never empty.
pub const ANY_CLIENT: &str = "";

/// How long a failed sign-in is remembered: a row whose last attempt is
/// older counts as absent (and retention deletes it). It is far longer than
/// the longest wait, so forgetting never cuts a wait short.
pub const SIGNIN_FORGET_MS: i64 = 24 * 60 * 60 * 1000;

/// Exponential backoff for one throttle key: the first `free` failures
/// cost nothing; after `n >= free` failures the next attempt must wait
/// `first_wait_ms * 2^(n - free)`, at most `max_wait_ms`, counted from the
/// previous attempt. Nothing ever refuses for longer than `max_wait_ms`,
/// so no one can be locked out for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: i64,
    pub first_wait_ms: i64,
    pub max_wait_ms: i64,
}

impl Backoff {
    /// The wait after `failures` failures. The claim statement computes
    /// the same in SQL; this is its definition (and what the tests check).
    pub fn wait_ms(&self, failures: i64) -> i64 {
        if failures < self.free {
            0
        } else if failures >= self.capped_from() {
            self.max_wait_ms
        } else {
            self.first_wait_ms << (failures - self.free)
        }
    }

    /// The first failure count whose wait is the cap. The SQL takes the
    /// cap from here on, so it never shifts by more than a few bits.
    pub fn capped_from(&self) -> i64 {
        let mut n = self.free;
        let mut wait = self.first_wait_ms.max(1);
        while wait < self.max_wait_ms {
            wait <<= 1;
            n += 1;
        }
        n
    }
}

/// The outcome of claiming one sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Counted; `failures` includes this attempt.
    Allowed { failures: i64 },
    /// Too early: nothing was counted.
    Refused { retry_after_secs: u64 },
}

/// The wait in SQL, for the failure count `n` (an SQL expression):
/// `$5` free, `$6` capped_from, `$7` max_wait_ms, `$8` first_wait_ms.
/// `<<` is the same integer shift on both backends; PostgreSQL wants an
/// INTEGER shift count, hence the casts.
fn wait_sql(n: &str) -> String {
    format!(
        "CASE WHEN {n} < $5 THEN 0 WHEN {n} >= $6 THEN CAST($7 AS BIGINT)
              ELSE CAST($8 AS BIGINT) << CAST({n} - $5 AS INTEGER) END"
    )
}

/// One statement that decides and counts: it inserts the key's first
/// failure, or, only when the key's wait is over (`next_at <= $9`), counts
/// one more and sets the next wait. A refused attempt updates nothing, so
/// RETURNING gives no row. Concurrent attempts on one key are serialised on
/// its row (PostgreSQL re-checks the WHERE against the latest version;
/// SQLite has a single writer), so N of them consume N slots and no more
/// than the allowed number pass.
fn claim_sql() -> String {
    // A remembered failure older than $4 no longer counts.
    let n = "CASE WHEN signin_throttle.last_at <= $4 THEN 1
                  ELSE signin_throttle.failures + 1 END";
    format!(
        "INSERT INTO signin_throttle (email, client, failures, last_at, next_at)
         VALUES ($1, $2, 1, $3, $10)
         ON CONFLICT (email, client) DO UPDATE SET
           failures = {n},
           last_at = $3,
           next_at = $3 + {wait}
         WHERE signin_throttle.next_at <= $9
         RETURNING failures",
        wait = wait_sql(n),
    )
}

/// Claims a sign-in attempt for (`email`, `client`) at `now`, before the
/// password is checked. `gated = false` counts the attempt without ever
/// refusing it.
pub fn claim_signin_attempt(
    db: &Db,
    email: &str,
    client: &str,
    now: i64,
    backoff: &Backoff,
    gated: bool,
) -> Result<Claim, Error> {
    let rows = db.query(
        &claim_sql(),
        &[
            email.into(),
            client.into(),
            Value::Int(now),
            Value::Int(now - SIGNIN_FORGET_MS),
            Value::Int(backoff.free),
            Value::Int(backoff.capped_from()),
            Value::Int(backoff.max_wait_ms),
            Value::Int(backoff.first_wait_ms),
            Value::Int(if gated { now } else { i64::MAX }),
            Value::Int(now + backoff.wait_ms(1)),
        ],
    )?;
    if let Some(row) = rows.first() {
        return Ok(Claim::Allowed {
            failures: row.int(0)?,
        });
    }
    // Refused: read the wait only to tell the client; the decision is made.
    let rows = db.query(
        "SELECT next_at FROM signin_throttle WHERE email = $1 AND client = $2",
        &[email.into(), client.into()],
    )?;
    let next_at = match rows.first() {
        Some(row) => row.int(0)?,
        None => now,
    };
    Ok(Claim::Refused {
        retry_after_secs: ((next_at - now).max(1000) as u64).div_ceil(1000),
    })
}

/// Forgets the failures of (`email`, `client`) after a successful sign-in.
pub fn clear_signin_failures(db: &Db, email: &str, client: &str) -> Result<(), Error> {
    db.run(
        "DELETE FROM signin_throttle WHERE email = $1 AND client = $2",
        &[email.into(), client.into()],
    )
}

/// Takes back one counted attempt that turned out to be a success.
pub fn uncount_signin_attempt(db: &Db, email: &str, client: &str) -> Result<(), Error> {
    db.run(
        "UPDATE signin_throttle SET failures = failures - 1
         WHERE email = $1 AND client = $2 AND failures > 0",
        &[email.into(), client.into()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff {
        free: 5,
        first_wait_ms: 8_000,
        max_wait_ms: 900_000,
    };

    #[test]
    fn backoff_doubles_after_the_free_failures_up_to_the_cap() {
        let waits: Vec<i64> = (0..16).map(|n| B.wait_ms(n) / 1000).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 0, 0, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]
        );
        assert_eq!(B.capped_from(), 12);
        assert_eq!(B.wait_ms(i64::MAX), 900_000, "no overflow");
    }
}
