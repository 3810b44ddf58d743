//! Web Push subscriptions: one row per browser that asked for reminders,
//! found by its endpoint (the push service's URL for that browser).

use crate::db::{Db, Row, Value};
use domain::Error;
use serde::Serialize;

/// The most browsers one account keeps subscribed; a new one beyond it
/// replaces the one subscribed longest ago.
pub const MAX_PER_USER: i64 = 20;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushSubscription {
    pub id: String,
    pub endpoint: String,
    /// Where the browser said it is ("Firefox on Linux"), for the device list.
    pub label: String,
    pub created_at: i64,
    #[serde(skip)]
    pub p256dh: String,
    #[serde(skip)]
    pub auth: String,
    /// Not before then: the push service asked to wait (429 Retry-After).
    #[serde(skip)]
    pub retry_at: Option<i64>,
}

const COLUMNS: &str = "id, endpoint, label, created_at, p256dh, auth, retry_at";

fn read(row: &Row) -> Result<PushSubscription, Error> {
    Ok(PushSubscription {
        id: row.text(0)?,
        endpoint: row.text(1)?,
        label: row.text(2)?,
        created_at: row.int(3)?,
        p256dh: row.text(4)?,
        auth: row.text(5)?,
        retry_at: row.opt_int(6)?,
    })
}

pub struct NewSubscription<'a> {
    pub id: &'a str,
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub label: &'a str,
}

/// Saves a browser's subscription for the user and answers it. The same
/// endpoint again (the browser subscribing anew, or another account signing
/// in on it) updates the row in place: the browser's keys may have changed,
/// and notifications follow whoever subscribed last.
pub fn save(
    db: &Db,
    user_id: &str,
    s: &NewSubscription,
    now: i64,
) -> Result<PushSubscription, Error> {
    db.transaction(|db| {
        db.run(
            "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, label, created_at, retry_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
             ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id,
               p256dh = excluded.p256dh, auth = excluded.auth, label = excluded.label,
               created_at = excluded.created_at, retry_at = NULL",
            &[
                s.id.into(),
                user_id.into(),
                s.endpoint.into(),
                s.p256dh.into(),
                s.auth.into(),
                s.label.into(),
                Value::Int(now),
            ],
        )?;
        db.run(
            "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN (
               SELECT id FROM push_subscriptions WHERE user_id = $1
               ORDER BY created_at DESC, id DESC LIMIT $2)",
            &[user_id.into(), Value::Int(MAX_PER_USER)],
        )?;
        let rows = db.query(
            &format!("SELECT {COLUMNS} FROM push_subscriptions WHERE endpoint = $1"),
            &[s.endpoint.into()],
        )?;
        rows.first()
            .map(read)
            .transpose()?
            .ok_or_else(|| Error::internal("the saved subscription is missing"))
    })
}

/// The user's subscribed browsers, the latest first.
pub fn list(db: &Db, user_id: &str) -> Result<Vec<PushSubscription>, Error> {
    db.query(
        &format!(
            "SELECT {COLUMNS} FROM push_subscriptions WHERE user_id = $1
             ORDER BY created_at DESC, id DESC"
        ),
        &[user_id.into()],
    )?
    .iter()
    .map(read)
    .collect()
}

/// Unsubscribes one of the user's browsers; false when it is not theirs.
pub fn delete(db: &Db, user_id: &str, id: &str) -> Result<bool, Error> {
    Ok(db.execute(
        "DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2",
        &[id.into(), user_id.into()],
    )? > 0)
}

/// Forgets a subscription the push service no longer knows (404/410).
pub fn forget(db: &Db, id: &str) -> Result<(), Error> {
    db.run("DELETE FROM push_subscriptions WHERE id = $1", &[id.into()])
}

/// Holds a subscription until `at`: its push service answered 429.
pub fn wait_until(db: &Db, id: &str, at: i64) -> Result<(), Error> {
    db.run(
        "UPDATE push_subscriptions SET retry_at = $2 WHERE id = $1",
        &[id.into(), Value::Int(at)],
    )
}
