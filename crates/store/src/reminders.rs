//! Reminders and what the reminder scheduler keeps in step with Dapr jobs.

use crate::db::{Db, Row, Value};
use domain::reminder::{Reminder, Status};
use domain::Error;

const COLUMNS: &str =
    "id, user_id, task_id, before_minutes, at, fire_at, status, scheduled_for, created_at, updated_at";

fn from_row(r: &Row) -> Result<Reminder, Error> {
    Ok(Reminder {
        id: r.text(0)?,
        user_id: r.text(1)?,
        task_id: r.text(2)?,
        before_minutes: r.opt_int(3)?,
        at: r.opt_int(4)?,
        fire_at: r.opt_int(5)?,
        status: Status::parse(&r.text(6)?)
            .ok_or_else(|| Error::internal("stored reminder status"))?,
        scheduled_for: r.opt_int(7)?,
        created_at: r.int(8)?,
        updated_at: r.int(9)?,
    })
}

pub fn insert(db: &Db, r: &Reminder) -> Result<(), Error> {
    db.run(
        "INSERT INTO reminders (id, user_id, task_id, before_minutes, at, fire_at, status,
            scheduled_for, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $8)",
        &[
            (&r.id).into(),
            (&r.user_id).into(),
            (&r.task_id).into(),
            r.before_minutes.into(),
            r.at.into(),
            r.fire_at.into(),
            r.status.as_str().into(),
            Value::Int(r.created_at),
        ],
    )
}

pub fn for_task(db: &Db, user_id: &str, task_id: &str) -> Result<Vec<Reminder>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM reminders WHERE user_id = $1 AND task_id = $2 ORDER BY created_at, id"),
        &[user_id.into(), task_id.into()],
    )?;
    rows.iter().map(from_row).collect()
}

/// A user's reminders that have yet to fire (scheduled), oldest first.
pub fn scheduled_for_user(db: &Db, user_id: &str) -> Result<Vec<Reminder>, Error> {
    let rows = db.query(
        &format!(
            "SELECT {COLUMNS} FROM reminders WHERE user_id = $1 AND status = 'scheduled'
             ORDER BY created_at, id"
        ),
        &[user_id.into()],
    )?;
    rows.iter().map(from_row).collect()
}

pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Option<Reminder>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM reminders WHERE user_id = $1 AND id = $2"),
        &[user_id.into(), id.into()],
    )?;
    rows.first().map(from_row).transpose()
}

/// A reminder by id alone: the job callback knows no user.
pub fn get_any(db: &Db, id: &str) -> Result<Option<Reminder>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM reminders WHERE id = $1"),
        &[id.into()],
    )?;
    rows.first().map(from_row).transpose()
}

/// Sets status and fire time; answers whether the row was in `from`.
pub fn transition(
    db: &Db,
    id: &str,
    from: &[Status],
    to: Status,
    fire_at: Option<i64>,
    now: i64,
) -> Result<bool, Error> {
    let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let n = db.execute(
        &format!(
            "UPDATE reminders SET status = $2, fire_at = $3, updated_at = $4
             WHERE id = $1 AND status IN ({})",
            allowed.join(", ")
        ),
        &[
            id.into(),
            to.as_str().into(),
            fire_at.into(),
            Value::Int(now),
        ],
    )?;
    Ok(n > 0)
}

pub fn set_fire_at(db: &Db, id: &str, fire_at: Option<i64>, now: i64) -> Result<(), Error> {
    db.run(
        "UPDATE reminders SET fire_at = $2, updated_at = $3 WHERE id = $1",
        &[id.into(), fire_at.into(), Value::Int(now)],
    )
}

/// Records which fire time the Dapr job now has (None: no job).
pub fn set_scheduled_for(db: &Db, id: &str, scheduled_for: Option<i64>) -> Result<(), Error> {
    db.run(
        "UPDATE reminders SET scheduled_for = $2 WHERE id = $1",
        &[id.into(), scheduled_for.into()],
    )
}

pub fn delete(db: &Db, user_id: &str, id: &str) -> Result<bool, Error> {
    let n = db.execute(
        "DELETE FROM reminders WHERE user_id = $1 AND id = $2",
        &[user_id.into(), id.into()],
    )?;
    Ok(n > 0)
}

/// A snoozed reminder fires at a fixed time, no longer relative to the due time.
pub fn make_absolute(db: &Db, id: &str, at: i64) -> Result<(), Error> {
    db.run(
        "UPDATE reminders SET before_minutes = NULL, at = $2, fire_at = $2 WHERE id = $1",
        &[id.into(), Value::Int(at)],
    )
}
