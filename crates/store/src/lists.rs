//! List storage. Every change writes its outbox events and the owner's
//! change-feed entry in the same transaction, as task changes do.

use crate::db::{is_unique_violation, Db, Row, Value};
use crate::{changes, outbox};
use domain::event::OutboxEvent;
use domain::list::{name_key, name_taken, TaskList};
use domain::Error;

const COLUMNS: &str = "id, user_id, name, color, archived, created_at, updated_at";

fn from_row(r: &Row) -> Result<TaskList, Error> {
    Ok(TaskList {
        id: r.text(0)?,
        user_id: r.text(1)?,
        name: r.text(2)?,
        color: r.opt_text(3)?,
        archived: r.int(4)? != 0,
        created_at: r.int(5)?,
        updated_at: r.int(6)?,
    })
}

/// The list as the API shows it, for the change feed.
fn list_json(list: &TaskList) -> String {
    serde_json::to_string(list).unwrap_or_default()
}

/// A unique-name violation (two writers racing for one name) is the same
/// 409 the service answers when it sees the name taken first.
fn or_name_taken(e: Error, list: &TaskList) -> Error {
    if is_unique_violation(&e) {
        name_taken(&list.name)
    } else {
        e
    }
}

pub fn insert(db: &Db, list: &TaskList, events: &[OutboxEvent]) -> Result<(), Error> {
    db.transaction(|db| {
        db.run(
            &format!(
                "INSERT INTO lists ({COLUMNS}, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ),
            &[
                (&list.id).into(),
                (&list.user_id).into(),
                (&list.name).into(),
                list.color.as_deref().into(),
                Value::Int(list.archived.into()),
                Value::Int(list.created_at),
                Value::Int(list.updated_at),
                name_key(&list.name).into(),
            ],
        )
        .map_err(|e| or_name_taken(e, list))?;
        record(db, list, events, changes::LIST_UPSERTED, &list_json(list))
    })
}

pub fn update(db: &Db, list: &TaskList, events: &[OutboxEvent]) -> Result<(), Error> {
    db.transaction(|db| {
        let n = db
            .execute(
                "UPDATE lists SET name = $3, name_key = $4, color = $5, archived = $6,
                    updated_at = $7
                 WHERE id = $1 AND user_id = $2",
                &[
                    (&list.id).into(),
                    (&list.user_id).into(),
                    (&list.name).into(),
                    name_key(&list.name).into(),
                    list.color.as_deref().into(),
                    Value::Int(list.archived.into()),
                    Value::Int(list.updated_at),
                ],
            )
            .map_err(|e| or_name_taken(e, list))?;
        if n == 0 {
            return Err(Error::not_found("list"));
        }
        record(db, list, events, changes::LIST_UPSERTED, &list_json(list))
    })
}

/// Deletes the list (its tasks are deleted first by the caller, each with
/// its own event).
pub fn delete(db: &Db, list: &TaskList, events: &[OutboxEvent]) -> Result<(), Error> {
    db.transaction(|db| {
        let n = db.execute(
            "DELETE FROM lists WHERE id = $1 AND user_id = $2",
            &[(&list.id).into(), (&list.user_id).into()],
        )?;
        if n == 0 {
            return Err(Error::not_found("list"));
        }
        let gone = serde_json::json!({ "id": list.id }).to_string();
        record(db, list, events, changes::LIST_DELETED, &gone)
    })
}

fn record(
    db: &Db,
    list: &TaskList,
    events: &[OutboxEvent],
    kind: &str,
    payload: &str,
) -> Result<(), Error> {
    events.iter().try_for_each(|e| outbox::insert(db, e))?;
    changes::record(
        db,
        &list.user_id,
        kind,
        &list.id,
        payload,
        events.first().map_or(list.updated_at, |e| e.created_at),
    )
}

/// A user's list; another user's is simply not found.
pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Option<TaskList>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM lists WHERE id = $1 AND user_id = $2"),
        &[id.into(), user_id.into()],
    )?;
    rows.first().map(from_row).transpose()
}

/// A user's list by name, in any letter case.
pub fn find_by_name(db: &Db, user_id: &str, name: &str) -> Result<Option<TaskList>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM lists WHERE user_id = $1 AND name_key = $2"),
        &[user_id.into(), name_key(name.trim()).into()],
    )?;
    rows.first().map(from_row).transpose()
}

/// All of a user's lists, open ones first, each group by name.
pub fn all(db: &Db, user_id: &str) -> Result<Vec<TaskList>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM lists WHERE user_id = $1 ORDER BY archived, name_key, id"),
        &[user_id.into()],
    )?;
    rows.iter().map(from_row).collect()
}
