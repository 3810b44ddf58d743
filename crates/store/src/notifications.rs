//! The notification inbox and each delivery attempt per channel.

use crate::db::{is_unique_violation, Db, Row, Value};
use domain::Error;
use serde_json::{json, Value as Json};

/// The change-feed kind of a notification that was read.
pub const NOTIFICATION_READ: &str = "notification.read";

pub struct NewNotification<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub reminder_id: &'a str,
    pub task_id: &'a str,
    pub title: &'a str,
    pub body: &'a str,
}

/// Creates the notification of a reminder once; answers the id of the
/// notification of that reminder (new or existing) and whether it is new.
pub fn insert_once(db: &Db, n: &NewNotification, now: i64) -> Result<(String, bool), Error> {
    let inserted = db.execute(
        "INSERT INTO notifications (id, user_id, reminder_id, task_id, title, body, created_at, read_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
         ON CONFLICT (reminder_id) DO NOTHING",
        &[
            n.id.into(),
            n.user_id.into(),
            n.reminder_id.into(),
            n.task_id.into(),
            n.title.into(),
            n.body.into(),
            Value::Int(now),
        ],
    );
    let new = match inserted {
        Ok(count) => count > 0,
        Err(e) if is_unique_violation(&e) => false,
        Err(e) => return Err(e),
    };
    let rows = db.query(
        "SELECT id FROM notifications WHERE reminder_id = $1",
        &[n.reminder_id.into()],
    )?;
    let id = rows
        .first()
        .map(|r| r.text(0))
        .transpose()?
        .unwrap_or_default();
    Ok((id, new))
}

/// One delivery attempt of a notification on a channel.
pub struct Attempt<'a> {
    pub notification_id: &'a str,
    pub channel: &'a str,
    pub attempt: i64,
    /// `delivered` or `failed`.
    pub status: &'a str,
    pub http_status: Option<i64>,
    pub error: Option<&'a str>,
}

pub fn record_attempt(db: &Db, a: &Attempt, now: i64) -> Result<(), Error> {
    let Attempt {
        notification_id,
        channel,
        attempt,
        status,
        http_status,
        error,
    } = *a;
    db.run(
        "INSERT INTO notification_attempts (notification_id, channel, attempt, status, http_status, error, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (notification_id, channel, attempt) DO NOTHING",
        &[
            notification_id.into(),
            channel.into(),
            Value::Int(attempt),
            status.into(),
            http_status.into(),
            error.into(),
            Value::Int(now),
        ],
    )
}

/// Whether a channel already delivered this notification.
pub fn delivered(db: &Db, notification_id: &str, channel: &str) -> Result<bool, Error> {
    let rows = db.query(
        "SELECT 1 FROM notification_attempts
         WHERE notification_id = $1 AND channel = $2 AND status = 'delivered'",
        &[notification_id.into(), channel.into()],
    )?;
    Ok(!rows.is_empty())
}

pub fn attempts_so_far(db: &Db, notification_id: &str, channel: &str) -> Result<i64, Error> {
    let rows = db.query(
        "SELECT COUNT(*) FROM notification_attempts WHERE notification_id = $1 AND channel = $2",
        &[notification_id.into(), channel.into()],
    )?;
    rows.first().map(|r| r.int(0)).unwrap_or(Ok(0))
}

/// The attempts as the user sees them: delivered or failed. A webhook's
/// answer and network errors are never shown, which would make the webhook
/// a probe of whatever the URL reaches (they stay in the table and the
/// logs); email and push reach only the mail server and the listed push
/// services, and their errors are the notifier's own words.
fn attempts_json(db: &Db, notification_id: &str) -> Result<Json, Error> {
    let rows = db.query(
        "SELECT channel, attempt, status,
                CASE WHEN channel IN ('email', 'push') THEN http_status END,
                CASE WHEN channel IN ('email', 'push') THEN error END, at
         FROM notification_attempts
         WHERE notification_id = $1 ORDER BY channel, attempt",
        &[notification_id.into()],
    )?;
    let attempts: Result<Vec<Json>, Error> = rows
        .iter()
        .map(|r: &Row| {
            Ok(json!({
                "channel": r.text(0)?, "attempt": r.int(1)?, "status": r.text(2)?,
                "httpStatus": r.opt_int(3)?, "error": r.opt_text(4)?,
                "at": domain::time::format_ms(r.int(5)?),
            }))
        })
        .collect();
    Ok(Json::from(attempts?))
}

/// The inbox, newest first, each with its delivery attempts.
pub fn list(db: &Db, user_id: &str, limit: i64) -> Result<Vec<Json>, Error> {
    let rows = db.query(
        "SELECT n.id, n.reminder_id, n.task_id, n.title, n.body, n.created_at, n.read_at,
                h.release_at
         FROM notifications n LEFT JOIN held_notifications h ON h.notification_id = n.id
         WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT $2",
        &[user_id.into(), Value::Int(limit)],
    )?;
    rows.iter()
        .map(|r| {
            let id = r.text(0)?;
            Ok(json!({
                "id": id, "reminderId": r.text(1)?, "taskId": r.text(2)?, "title": r.text(3)?,
                "body": r.text(4)?, "createdAt": domain::time::format_ms(r.int(5)?),
                "readAt": r.opt_int(6)?.map(domain::time::format_ms),
                "heldUntil": r.opt_int(7)?.map(domain::time::format_ms),
                "deliveries": attempts_json(db, &id)?,
            }))
        })
        .collect()
}

pub fn mark_read(db: &Db, user_id: &str, id: &str, now: i64) -> Result<bool, Error> {
    db.transaction(|db| {
        let newly_read = db.execute(
            "UPDATE notifications SET read_at = $3
             WHERE user_id = $1 AND id = $2 AND read_at IS NULL",
            &[user_id.into(), id.into(), Value::Int(now)],
        )?;
        if newly_read > 0 {
            // Other open pages of the user lower their unread count at once.
            let payload = json!({ "id": id, "readAt": domain::time::format_ms(now) });
            crate::changes::record(
                db,
                user_id,
                NOTIFICATION_READ,
                id,
                &payload.to_string(),
                now,
            )?;
            return Ok(true);
        }
        let exists = db.query(
            "SELECT 1 FROM notifications WHERE user_id = $1 AND id = $2",
            &[user_id.into(), id.into()],
        )?;
        Ok(!exists.is_empty())
    })
}

/// Holds a notification's email and push until the user's quiet hours end.
pub fn hold(db: &Db, notification_id: &str, user_id: &str, release_at: i64) -> Result<(), Error> {
    db.run(
        "INSERT INTO held_notifications (notification_id, user_id, release_at) VALUES ($1, $2, $3)
         ON CONFLICT (notification_id) DO NOTHING",
        &[
            notification_id.into(),
            user_id.into(),
            Value::Int(release_at),
        ],
    )
}

/// Whether the notification waits for the end of quiet hours.
pub fn is_held(db: &Db, notification_id: &str) -> Result<bool, Error> {
    Ok(!db
        .query(
            "SELECT 1 FROM held_notifications WHERE notification_id = $1",
            &[notification_id.into()],
        )?
        .is_empty())
}

/// A notification held for the digest.
pub struct Held {
    pub id: String,
    pub reminder_id: String,
    pub task_id: String,
    pub title: String,
}

/// Everything held for the user, oldest first. The release takes it all,
/// whatever window it was held for: the job that releases is the one of
/// the latest hold, so nothing is left behind when the window changes.
pub fn held(db: &Db, user_id: &str) -> Result<Vec<Held>, Error> {
    db.query(
        "SELECT n.id, n.reminder_id, n.task_id, n.title FROM held_notifications h
         JOIN notifications n ON n.id = h.notification_id
         WHERE h.user_id = $1
         ORDER BY n.created_at, n.id",
        &[user_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(Held {
            id: r.text(0)?,
            reminder_id: r.text(1)?,
            task_id: r.text(2)?,
            title: r.text(3)?,
        })
    })
    .collect()
}

/// The digest's outcome on each outside channel, recorded on every other
/// notification it carried (one attempt each: they had none while held).
pub fn copy_attempts(db: &Db, from: &str, to: &str, now: i64) -> Result<(), Error> {
    db.run(
        "INSERT INTO notification_attempts (notification_id, channel, attempt, status, http_status, error, at)
         SELECT $2, a.channel, 1, a.status, a.http_status, a.error, $3 FROM notification_attempts a
         WHERE a.notification_id = $1 AND a.channel IN ('email', 'push')
           AND a.attempt = (SELECT MAX(b.attempt) FROM notification_attempts b
                            WHERE b.notification_id = $1 AND b.channel = a.channel)
         ON CONFLICT (notification_id, channel, attempt) DO NOTHING",
        &[from.into(), to.into(), Value::Int(now)],
    )
}

/// The digest went out (or gave up): nothing is held for these any more.
pub fn release(db: &Db, ids: &[String]) -> Result<(), Error> {
    for id in ids {
        db.run(
            "DELETE FROM held_notifications WHERE notification_id = $1",
            &[id.into()],
        )?;
    }
    Ok(())
}
