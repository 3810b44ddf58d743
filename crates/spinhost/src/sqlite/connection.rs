//! One guest handle's SQLite connection: a statement runs on a blocking
//! thread, a write first waits for the writer gate, and a connection goes
//! back to the idle ones (its transaction rolled back) when dropped.

use std::sync::Arc;

use super::databases::{Database, SqliteDatabases, WriterGuard};
use super::{classify, QueryResult, SqlValue, SqliteError, SqliteMode, StatementKind};

/// Spin's cap on a buffered query result.
const MAX_RESULT_BYTES: usize = 128 * 1024 * 1024;

/// One guest handle's SQLite connection.
pub struct SqliteConnection {
    conn: Option<rusqlite::Connection>,
    /// The writer gate, while this connection has a transaction open (or
    /// runs a write). Dropped after the connection's own `Drop` has rolled
    /// an abandoned transaction back.
    gate: Option<WriterGuard>,
    db: Arc<Database>,
}

// (Opening lives beside the connection it makes, so that the databases
// need not know about connections.)
impl SqliteDatabases {
    /// Opens `label` for a component allowed to use `allowed` labels.
    pub async fn open(
        &self,
        label: &str,
        allowed: &std::collections::HashSet<String>,
    ) -> Result<SqliteConnection, SqliteError> {
        let db = self.database(label, allowed)?;
        let conn = db.connect().await?;
        Ok(SqliteConnection::new(conn, db))
    }
}

impl SqliteConnection {
    fn new(conn: rusqlite::Connection, db: Arc<Database>) -> Self {
        Self {
            conn: Some(conn),
            gate: None,
            db,
        }
    }

    /// Runs one statement on a blocking thread so the async runtime is not
    /// held up by disk I/O or lock waits; a write first waits for the writer
    /// gate (see the module documentation).
    pub async fn execute(
        &mut self,
        statement: String,
        params: Vec<SqlValue>,
    ) -> Result<QueryResult, SqliteError> {
        if self.conn.is_none() {
            return Err(SqliteError::InvalidConnection);
        }
        let needs_gate = self.db.mode == SqliteMode::Tuned
            && matches!(
                classify(&statement),
                StatementKind::Begin | StatementKind::Write
            );
        if needs_gate && self.gate.is_none() {
            self.gate = Some(self.db.acquire_gate().await?);
        }
        let conn = self.conn.take().ok_or(SqliteError::InvalidConnection)?;
        // The guard travels with the connection: should this call be
        // cancelled, both are dropped once the statement has finished, the
        // connection first (closing it rolls back), then the gate.
        let gate = self.gate.take();
        let (conn, gate, result) = tokio::task::spawn_blocking(move || {
            let result = run_statement(&conn, &statement, params, MAX_RESULT_BYTES);
            // Out of any transaction: the writer is done.
            let gate = if conn.is_autocommit() { None } else { gate };
            (conn, gate, result)
        })
        .await
        .map_err(|e| SqliteError::Io(e.to_string()))?;
        self.conn = Some(conn);
        self.gate = gate;
        result
    }

    /// Whether this connection holds its database's writer gate.
    pub fn holds_writer_gate(&self) -> bool {
        self.gate.is_some()
    }

    pub(super) fn with_conn<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> Option<T> {
        self.conn.as_ref().map(f)
    }
}

impl Drop for SqliteConnection {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        if self.db.mode == SqliteMode::AsSpin {
            // Closed, as Spin closes it (rolling back what was left open).
            return;
        }
        // A transaction left open must not reach the next user of the
        // connection: roll it back, and close the connection if that fails.
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
            if !conn.is_autocommit() {
                return;
            }
        }
        self.db.give_back(conn);
    }
}

fn run_statement(
    conn: &rusqlite::Connection,
    statement: &str,
    params: Vec<SqlValue>,
    max_result_bytes: usize,
) -> Result<QueryResult, SqliteError> {
    let io = |e: rusqlite::Error| SqliteError::Io(e.to_string());
    let mut prepared = conn.prepare_cached(statement).map_err(io)?;
    let columns: Vec<String> = prepared
        .column_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let params = params.into_iter().map(|v| match v {
        SqlValue::Integer(i) => rusqlite::types::Value::Integer(i),
        SqlValue::Real(r) => rusqlite::types::Value::Real(r),
        SqlValue::Text(t) => rusqlite::types::Value::Text(t),
        SqlValue::Blob(b) => rusqlite::types::Value::Blob(b),
        SqlValue::Null => rusqlite::types::Value::Null,
    });
    let mut rows = prepared
        .query(rusqlite::params_from_iter(params))
        .map_err(io)?;
    let mut out = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next().map_err(io)? {
        let mut values = Vec::with_capacity(columns.len());
        for i in 0..columns.len() {
            let value = match row.get_ref(i).map_err(io)? {
                rusqlite::types::ValueRef::Null => SqlValue::Null,
                rusqlite::types::ValueRef::Integer(i) => SqlValue::Integer(i),
                rusqlite::types::ValueRef::Real(r) => SqlValue::Real(r),
                rusqlite::types::ValueRef::Text(t) => {
                    SqlValue::Text(String::from_utf8_lossy(t).into_owned())
                }
                rusqlite::types::ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
            };
            bytes += std::mem::size_of::<SqlValue>()
                + match &value {
                    SqlValue::Text(t) => t.len(),
                    SqlValue::Blob(b) => b.len(),
                    _ => 0,
                };
            values.push(value);
        }
        if bytes > max_result_bytes {
            return Err(SqliteError::Io(format!(
                "query result exceeds limit of {max_result_bytes} bytes"
            )));
        }
        out.push(values);
    }
    Ok(QueryResult { columns, rows: out })
}
