//! Task storage: create, read, list with filters and keyset pagination,
//! update with optimistic concurrency, delete. Every change writes its
//! outbox event in the same transaction.

use crate::db::{Backend, Db, Row, Value};
use crate::sessions::Gate;
use crate::{changes, outbox};
use domain::event::OutboxEvent;
use domain::query::{encode_cursor, Cursor, ListQuery, SortField, Status};
use domain::task::{Priority, Task};
use domain::{Error, ErrorKind};

const COLUMNS: &str = "t.id, t.user_id, t.title, t.description, t.priority, t.due_at, t.tags, \
                       t.completed_at, t.recurrence, t.version, t.created_at, t.updated_at, \
                       t.series_id, t.series_index, t.list_id";

/// Null due dates sort last in both directions.
const NO_DUE_ASC: i64 = i64::MAX;
const NO_DUE_DESC: i64 = -1;

fn task_from(row: &Row) -> Result<Task, Error> {
    let priority = Priority::from_rank(row.int(4)?)
        .ok_or_else(|| Error::internal("stored priority out of range"))?;
    let tags: Vec<String> = serde_json::from_str(&row.text(6)?)
        .map_err(|e| Error::internal(format!("stored tags: {e}")))?;
    let recurrence = row
        .opt_text(8)?
        .map(|r| serde_json::from_str(&r))
        .transpose()
        .map_err(|e| Error::internal(format!("stored recurrence: {e}")))?;
    let completed_at = row.opt_int(7)?;
    Ok(Task {
        id: row.text(0)?,
        user_id: row.text(1)?,
        title: row.text(2)?,
        description: row.text(3)?,
        priority,
        due_at: row.opt_int(5)?,
        tags,
        completed: completed_at.is_some(),
        completed_at,
        recurrence,
        version: row.int(9)?,
        created_at: row.int(10)?,
        updated_at: row.int(11)?,
        series_id: row.opt_text(12)?,
        series_index: row.opt_int(13)?,
        list_id: row.opt_text(14)?,
    })
}

fn search_text(task: &Task) -> String {
    format!("{}\n{}", task.title, task.description).to_lowercase()
}

/// The task as the API shows it, for the change feed.
fn task_json(task: &Task) -> String {
    serde_json::to_string(task).unwrap_or_default()
}

fn tags_json(task: &Task) -> String {
    serde_json::Value::from(task.tags.clone()).to_string()
}

fn recurrence_json(task: &Task) -> Value {
    task.recurrence.as_ref().map(|r| r.to_string()).into()
}

fn write_tags(db: &Db, task: &Task) -> Result<(), Error> {
    db.run(
        "DELETE FROM task_tags WHERE task_id = $1",
        &[(&task.id).into()],
    )?;
    insert_tags(db, task)
}

/// SQLite: all of a task's tags in one statement (`json_each` over the
/// tags column's JSON), so a write transaction makes one call for them.
fn insert_tags(db: &Db, task: &Task) -> Result<(), Error> {
    if task.tags.is_empty() {
        return Ok(());
    }
    db.run(
        "INSERT INTO task_tags (task_id, user_id, tag)
         SELECT $1, $2, value FROM json_each($3)",
        &[
            (&task.id).into(),
            (&task.user_id).into(),
            tags_json(task).into(),
        ],
    )
}

fn task_params(task: &Task) -> Vec<Value> {
    vec![
        (&task.id).into(),
        (&task.user_id).into(),
        (&task.title).into(),
        task.title.to_lowercase().into(),
        (&task.description).into(),
        search_text(task).into(),
        Value::Int(task.priority.rank()),
        task.due_at.into(),
        tags_json(task).into(),
        task.completed_at.into(),
        recurrence_json(task),
        Value::Int(task.version),
        Value::Int(task.created_at),
        Value::Int(task.updated_at),
    ]
}

/// The outbox rows as one JSON parameter, for PostgreSQL's single-statement
/// writes (`json_to_recordset`).
fn events_json(events: &[OutboxEvent]) -> Value {
    let rows: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id, "topic": e.topic, "event_type": e.event_type, "user_id": e.user_id,
                "task_id": e.task_id, "payload": e.envelope.to_string(), "created_at": e.created_at,
            })
        })
        .collect();
    serde_json::Value::from(rows).to_string().into()
}

/// PostgreSQL: insert the outbox rows of `$n` (see `events_json`) when the
/// CTE named `gate` produced a row.
fn pg_outbox_cte(param: usize, gate: &str) -> String {
    format!(
        "INSERT INTO outbox (id, topic, event_type, user_id, task_id, payload, created_at,
            published_at, attempts)
         SELECT e.id, e.topic, e.event_type, e.user_id, e.task_id, e.payload, e.created_at, NULL, 0
         FROM json_to_recordset(${param}::text::json) AS e(id text, topic text, event_type text,
              user_id text, task_id text, payload text, created_at bigint)
         WHERE EXISTS (SELECT 1 FROM {gate})"
    )
}

/// Stores a new task, its tags, its events and its change-feed entry
/// atomically, in one statement on either backend: on PostgreSQL one round
/// trip, on SQLite one host call holding the write lock.
pub fn insert(db: &Db, task: &Task, events: &[OutboxEvent]) -> Result<(), Error> {
    insert_gated(db, task, events, None).map(|_| ())
}

/// `insert`, on PostgreSQL only if `gate` holds, in the same statement.
/// False when nothing was written because of the gate. SQLite cannot say
/// whether a view's trigger wrote (`changes()` does not count INSTEAD OF
/// triggers), so there a gated insert writes nothing and answers false: the
/// caller checks the session on its own, which costs SQLite no round trip.
pub fn insert_gated(
    db: &Db,
    task: &Task,
    events: &[OutboxEvent],
    gate: Option<&Gate>,
) -> Result<bool, Error> {
    let mut params = task_params(task);
    params.push(task.series_id.as_deref().into());
    params.push(task.series_index.into());
    params.push(events_json(events));
    params.push(changes::TASK_UPSERTED.into());
    params.push(task_json(task).into());
    params.push(task.list_id.as_deref().into());
    if db.backend() == Backend::Postgres {
        // One call of the migrations' `create_task` function, which keeps
        // its plans per connection; with the gate, a row only if it holds.
        let condition = match gate {
            Some(gate) => gate.condition(&mut params),
            None => "TRUE".into(),
        };
        let rows = db.query(
            &format!(
                "SELECT create_task($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                    $15, $16, $17, $18, $19, $20) WHERE {condition}"
            ),
            &params,
        )?;
        return Ok(!rows.is_empty());
    }
    if gate.is_some() {
        return Ok(false);
    }
    // SQLite: one statement too, through the `task_creations` view's
    // trigger (see the migrations).
    db.run(
        "INSERT INTO task_creations (id, user_id, title, title_key, description, search_text,
            priority, due_at, tags, completed_at, recurrence, series_id, series_index, version,
            created_at, updated_at, events, change_kind, change_payload, list_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $15, $16, $12, $13, $14, $17,
            $18, $19, $20)",
        &params,
    )?;
    Ok(true)
}

/// A user's task; another user's task is simply not found.
pub fn get(db: &Db, user_id: &str, id: &str) -> Result<Option<Task>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM tasks t WHERE t.id = $1 AND t.user_id = $2"),
        &[id.into(), user_id.into()],
    )?;
    rows.first().map(task_from).transpose()
}

/// Saves `after` if the stored version is still `after.version - 1`.
/// Returns a 409 when another writer got there first.
pub fn update(db: &Db, after: &Task, events: &[OutboxEvent]) -> Result<(), Error> {
    let mut params = task_params(after);
    // created_at never changes; PostgreSQL refuses unused parameters.
    params.remove(12);
    params.push(Value::Int(after.version - 1));
    params.push(after.list_id.as_deref().into());
    const SET: &str = "title = $3, title_key = $4, description = $5, search_text = $6,
        priority = $7, due_at = $8, tags = $9, completed_at = $10, recurrence = $11,
        version = $12, updated_at = $13, list_id = $15";
    let change = task_json(after);
    if db.backend() == Backend::Postgres {
        params.push(events_json(events));
        params.push(changes::TASK_UPSERTED.into());
        params.push(change.into());
        // All parts see the same snapshot: delete only the tags that go
        // away, insert only the new ones, so the parts never collide.
        let sql = format!(
            "WITH u AS (
               UPDATE tasks SET {SET}
               WHERE id = $1 AND user_id = $2 AND version = $14
               RETURNING id),
             d AS (
               DELETE FROM task_tags
               WHERE task_id = $1 AND EXISTS (SELECT 1 FROM u)
                 AND tag NOT IN (SELECT json_array_elements_text($9::text::json))),
             i AS (
               INSERT INTO task_tags (task_id, user_id, tag)
               SELECT $1, $2, tag FROM json_array_elements_text($9::text::json) AS tag
               WHERE EXISTS (SELECT 1 FROM u)
               ON CONFLICT (task_id, tag) DO NOTHING),
             o AS ({}),
             {}
             SELECT COUNT(*) FROM u",
            pg_outbox_cte(16, "u"),
            changes::pg_record_ctes("u", 2, 17, 1, 18, 13)
        );
        let rows = db.query(&sql, &params)?;
        let updated = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
        if updated == 0 {
            return Err(version_conflict());
        }
        return Ok(());
    }
    db.transaction(|db| {
        let n = db.execute(
            &format!("UPDATE tasks SET {SET} WHERE id = $1 AND user_id = $2 AND version = $14"),
            &params,
        )?;
        if n == 0 {
            return Err(version_conflict());
        }
        write_tags(db, after)?;
        events.iter().try_for_each(|e| outbox::insert(db, e))?;
        changes::record(
            db,
            &after.user_id,
            changes::TASK_UPSERTED,
            &after.id,
            &change,
            after.updated_at,
        )
    })
}

/// Attaches the task to a series (or detaches it) after `update` saved it:
/// the series columns change only when repeating starts or stops.
pub fn set_series(db: &Db, task: &Task) -> Result<(), Error> {
    db.run(
        "UPDATE tasks SET series_id = $3, series_index = $4 WHERE id = $1 AND user_id = $2",
        &[
            (&task.id).into(),
            (&task.user_id).into(),
            task.series_id.as_deref().into(),
            task.series_index.into(),
        ],
    )
}

pub fn version_conflict() -> Error {
    Error::new(
        ErrorKind::Conflict,
        "version_conflict",
        "the task was changed by someone else; reload it and try again",
    )
}

/// Deletes the task if it is still at `version`.
pub fn delete(db: &Db, task: &Task, events: &[OutboxEvent]) -> Result<(), Error> {
    db.transaction(|db| {
        db.run(
            "DELETE FROM task_tags WHERE task_id = $1",
            &[(&task.id).into()],
        )?;
        let n = db.execute(
            "DELETE FROM tasks WHERE id = $1 AND user_id = $2 AND version = $3",
            &[
                (&task.id).into(),
                (&task.user_id).into(),
                Value::Int(task.version),
            ],
        )?;
        if n == 0 {
            return Err(version_conflict());
        }
        events.iter().try_for_each(|e| outbox::insert(db, e))?;
        let gone = serde_json::json!({ "id": task.id }).to_string();
        let now = events
            .first()
            .map(|e| e.created_at)
            .unwrap_or(task.updated_at);
        changes::record(
            db,
            &task.user_id,
            changes::TASK_DELETED,
            &task.id,
            &gone,
            now,
        )
    })
}

/// A page as the API answers it: `{"items": [...], "nextCursor": ...}`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub items: Vec<Task>,
    pub next_cursor: Option<String>,
}

/// The sort key of a task as the SQL computes it, for the next cursor.
fn sort_key(field: SortField, descending: bool, task: &Task) -> serde_json::Value {
    match field {
        SortField::Created => task.created_at.into(),
        SortField::Updated => task.updated_at.into(),
        SortField::Priority => task.priority.rank().into(),
        SortField::Title => task.title.to_lowercase().into(),
        SortField::Due => task
            .due_at
            .unwrap_or(if descending { NO_DUE_DESC } else { NO_DUE_ASC })
            .into(),
    }
}

fn sort_expression(field: SortField, descending: bool) -> String {
    match field {
        SortField::Created => "t.created_at".into(),
        SortField::Updated => "t.updated_at".into(),
        SortField::Priority => "t.priority".into(),
        SortField::Title => "t.title_key".into(),
        SortField::Due => format!(
            "COALESCE(t.due_at, {})",
            if descending { NO_DUE_DESC } else { NO_DUE_ASC }
        ),
    }
}

/// Lists a user's tasks. Pagination is by keyset (sort key, id), so pages
/// stay consistent while tasks are added or removed between requests.
pub fn list(db: &Db, user_id: &str, q: &ListQuery) -> Result<Page, Error> {
    list_gated(db, user_id, q, None)?.ok_or_else(|| Error::internal("ungated list came back gated"))
}

/// `list` with the session check in the same statement; `None` when the
/// gated statement found no row, which may mean the gate did not hold.
pub fn list_gated(
    db: &Db,
    user_id: &str,
    q: &ListQuery,
    gate: Option<&Gate>,
) -> Result<Option<Page>, Error> {
    let (sql, params) = list_statement(user_id, q, gate);
    let rows = db.query(&sql, &params)?;
    if gate.is_some() && rows.is_empty() {
        return Ok(None);
    }
    let mut items = rows.iter().map(task_from).collect::<Result<Vec<_>, _>>()?;
    let next_cursor = if items.len() > q.limit as usize {
        items.truncate(q.limit as usize);
        items.last().map(|last| {
            encode_cursor(
                q.sort,
                &Cursor {
                    key: sort_key(q.sort.field, q.sort.descending, last),
                    id: last.id.clone(),
                },
            )
        })
    } else {
        None
    };
    Ok(Some(Page { items, next_cursor }))
}

/// The statement behind `list` (one row more than a page), public so that
/// a test can read its plan on both backends.
pub fn list_statement(user_id: &str, q: &ListQuery, gate: Option<&Gate>) -> (String, Vec<Value>) {
    let mut params: Vec<Value> = vec![user_id.into()];
    let param = |v: Value, params: &mut Vec<Value>| {
        params.push(v);
        format!("${}", params.len())
    };
    let mut sql = format!("SELECT {COLUMNS} FROM tasks t WHERE t.user_id = $1");
    if let Some(gate) = gate {
        sql.push_str(&format!(" AND {}", gate.condition(&mut params)));
    }
    match q.status {
        Status::All => {}
        Status::Open => sql.push_str(" AND t.completed_at IS NULL"),
        Status::Completed => sql.push_str(" AND t.completed_at IS NOT NULL"),
    }
    if !q.priorities.is_empty() {
        let list: Vec<String> = q
            .priorities
            .iter()
            .map(|p| param(Value::Int(p.rank()), &mut params))
            .collect();
        sql.push_str(&format!(" AND t.priority IN ({})", list.join(", ")));
    }
    for tag in &q.tags {
        let p = param(tag.into(), &mut params);
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM task_tags g WHERE g.task_id = t.id AND g.tag = {p})"
        ));
    }
    if let Some(after) = q.due_after {
        let p = param(Value::Int(after), &mut params);
        sql.push_str(&format!(" AND t.due_at >= {p}"));
    }
    if let Some(before) = q.due_before {
        let p = param(Value::Int(before), &mut params);
        sql.push_str(&format!(" AND t.due_at < {p}"));
    }
    match &q.list {
        None => {}
        Some(None) => sql.push_str(" AND t.list_id IS NULL"),
        Some(Some(id)) => {
            let p = param(id.into(), &mut params);
            sql.push_str(&format!(" AND t.list_id = {p}"));
        }
    }
    if let Some(text) = &q.search {
        let p = param(like_pattern(text).into(), &mut params);
        sql.push_str(&format!(" AND t.search_text LIKE {p} ESCAPE '\\'"));
    }
    let key = sort_expression(q.sort.field, q.sort.descending);
    let (cmp, dir) = if q.sort.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(Cursor { key: k, id }) = &q.cursor {
        let kv = match k {
            serde_json::Value::String(s) => Value::Text(s.clone()),
            other => Value::Int(other.as_i64().unwrap_or_default()),
        };
        let pk = param(kv, &mut params);
        let pi = param(id.into(), &mut params);
        sql.push_str(&format!(
            " AND ({key} {cmp} {pk} OR ({key} = {pk} AND t.id {cmp} {pi}))"
        ));
    }
    // One extra row tells whether another page follows.
    let limit = param(Value::Int(i64::from(q.limit) + 1), &mut params);
    sql.push_str(&format!(" ORDER BY {key} {dir}, t.id {dir} LIMIT {limit}"));
    (sql, params)
}

/// `%text%` with LIKE's wildcards in the text escaped.
fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Used by readiness checks: the database answers a trivial query.
pub fn ping(db: &Db) -> Result<(), Error> {
    db.query("SELECT 1", &[]).map(|_| ())
}

/// A user's open tasks due in `[from, to)`, for the load evaluation.
pub fn open_due_between(db: &Db, user_id: &str, from: i64, to: i64) -> Result<Vec<Task>, Error> {
    let rows = db.query(
        &format!(
            "SELECT {COLUMNS} FROM tasks t
             WHERE t.user_id = $1 AND t.completed_at IS NULL AND t.due_at >= $2 AND t.due_at < $3
             ORDER BY t.due_at, t.id LIMIT 500"
        ),
        &[user_id.into(), Value::Int(from), Value::Int(to)],
    )?;
    rows.iter().map(task_from).collect()
}

/// Open overdue tasks of users with agents on that have no overdue
/// suggestion for their current due date yet: what the sweep must catch.
pub fn overdue_without_suggestion(db: &Db, now: i64, limit: i64) -> Result<Vec<Task>, Error> {
    let rows = db.query(
        &format!(
            "SELECT {COLUMNS} FROM tasks t JOIN users u ON u.id = t.user_id
             WHERE t.completed_at IS NULL AND t.due_at < $1 AND u.agents_enabled = 1
               AND NOT EXISTS (SELECT 1 FROM suggestions s
                               WHERE s.dedup_key = 'overdue:' || t.id || ':' || t.due_at)
             ORDER BY t.due_at LIMIT $2"
        ),
        &[Value::Int(now), Value::Int(limit)],
    )?;
    rows.iter().map(task_from).collect()
}

/// (user, due) of open high or urgent tasks due in `[from, to)` for users
/// with agents on: the candidates of the prioritization sweep.
pub fn heavy_due_between(
    db: &Db,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<(String, i64)>, Error> {
    let rows = db.query(
        "SELECT t.user_id, t.due_at FROM tasks t JOIN users u ON u.id = t.user_id
         WHERE t.completed_at IS NULL AND t.priority >= $1 AND t.due_at >= $2 AND t.due_at < $3
           AND u.agents_enabled = 1
         ORDER BY t.user_id, t.due_at LIMIT $4",
        &[
            Value::Int(Priority::High.rank()),
            Value::Int(from),
            Value::Int(to),
            Value::Int(limit),
        ],
    )?;
    rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect()
}

/// A user's open tasks with a due date, soonest first (the calendar feed).
pub fn open_with_due(db: &Db, user_id: &str, limit: i64) -> Result<Vec<Task>, Error> {
    let rows = db.query(
        &format!(
            "SELECT {COLUMNS} FROM tasks t
             WHERE t.user_id = $1 AND t.completed_at IS NULL AND t.due_at IS NOT NULL
             ORDER BY t.due_at, t.id LIMIT $2"
        ),
        &[user_id.into(), Value::Int(limit)],
    )?;
    rows.iter().map(task_from).collect()
}

/// Every task in one of the user's lists, whatever its state.
pub fn in_list(db: &Db, user_id: &str, list_id: &str) -> Result<Vec<Task>, Error> {
    let rows = db.query(
        &format!("SELECT {COLUMNS} FROM tasks t WHERE t.list_id = $1 AND t.user_id = $2"),
        &[list_id.into(), user_id.into()],
    )?;
    rows.iter().map(task_from).collect()
}

/// Whether a series already has its instance `index` (checked before
/// inserting: on PostgreSQL a failed insert would abort the transaction).
pub fn series_instance_exists(db: &Db, series_id: &str, index: i64) -> Result<bool, Error> {
    let rows = db.query(
        "SELECT 1 FROM tasks WHERE series_id = $1 AND series_index = $2",
        &[series_id.into(), Value::Int(index)],
    )?;
    Ok(!rows.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
