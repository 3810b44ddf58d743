//! Recurring series: the rule that produces a task's next instances.

use crate::db::{Db, Row, Value};
use domain::Error;

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub id: String,
    pub user_id: String,
    /// `{"rrule","mode","timezone","dtstart"}`.
    pub recurrence: serde_json::Value,
    /// `active`, `stopped` or `ended`.
    pub status: String,
    /// The instance index at which the current rule started (an edit
    /// restarts COUNT from the next instance).
    pub rule_start_index: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, user_id, recurrence, status, rule_start_index, created_at, updated_at";

fn from_row(r: &Row) -> Result<Series, Error> {
    Ok(Series {
        id: r.text(0)?,
        user_id: r.text(1)?,
        recurrence: serde_json::from_str(&r.text(2)?)
            .map_err(|e| Error::internal(format!("stored rule: {e}")))?,
        status: r.text(3)?,
        rule_start_index: r.int(4)?,
        created_at: r.int(5)?,
        updated_at: r.int(6)?,
    })
}

pub fn insert(db: &Db, s: &Series) -> Result<(), Error> {
    db.run(
        "INSERT INTO series (id, user_id, recurrence, status, template, rule_start_index, created_at, updated_at)
         VALUES ($1, $2, $3, $4, '{}', $5, $6, $6)",
        &[
            (&s.id).into(),
            (&s.user_id).into(),
            s.recurrence.to_string().into(),
            (&s.status).into(),
            Value::Int(s.rule_start_index),
            Value::Int(s.created_at),
        ],
    )
}

pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Option<Series>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM series WHERE id = $1 AND user_id = $2"),
        &[id.into(), user_id.into()],
    )?;
    rows.first().map(from_row).transpose()
}

pub fn list(db: &Db, user_id: &str) -> Result<Vec<Series>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM series WHERE user_id = $1 ORDER BY created_at, id"),
        &[user_id.into()],
    )?;
    rows.iter().map(from_row).collect()
}

pub fn set_status(db: &Db, id: &str, status: &str, now: i64) -> Result<(), Error> {
    db.run(
        "UPDATE series SET status = $2, updated_at = $3 WHERE id = $1",
        &[id.into(), status.into(), Value::Int(now)],
    )
}

/// Stops an active series (an ended or stopped one stays as it is).
pub fn stop_if_active(db: &Db, id: &str, now: i64) -> Result<(), Error> {
    db.run(
        "UPDATE series SET status = 'stopped', updated_at = $2 WHERE id = $1 AND status = 'active'",
        &[id.into(), Value::Int(now)],
    )
}

pub fn set_rule(
    db: &Db,
    id: &str,
    recurrence: &serde_json::Value,
    rule_start_index: i64,
    now: i64,
) -> Result<(), Error> {
    db.run(
        "UPDATE series SET recurrence = $2, rule_start_index = $3, updated_at = $4 WHERE id = $1",
        &[
            id.into(),
            recurrence.to_string().into(),
            Value::Int(rule_start_index),
            Value::Int(now),
        ],
    )
}

/// One task of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub task_id: String,
    pub index: i64,
    pub due_at: Option<i64>,
    pub completed_at: Option<i64>,
}

/// Instances of a series, latest first.
pub fn instances(db: &Db, user_id: &str, series_id: &str) -> Result<Vec<Instance>, Error> {
    let rows = db.query(
        "SELECT id, series_index, due_at, completed_at FROM tasks
         WHERE user_id = $1 AND series_id = $2 ORDER BY series_index DESC",
        &[user_id.into(), series_id.into()],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Instance {
                task_id: r.text(0)?,
                index: r.opt_int(1)?.unwrap_or(0),
                due_at: r.opt_int(2)?,
                completed_at: r.opt_int(3)?,
            })
        })
        .collect()
}
