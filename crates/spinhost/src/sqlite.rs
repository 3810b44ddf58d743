//! `fermyon:spin/sqlite@2.0.0` and `spin:sqlite/sqlite@3.0.0` on `rusqlite`.
//!
//! As in Spin, the label "default" is the file `<state dir>/sqlite_db.db`
//! and each guest connection handle is its own SQLite connection (guests run
//! BEGIN ... COMMIT across several calls). Unlike Spin, connections use WAL,
//! `synchronous=NORMAL`, foreign keys, and a busy handler that retries with
//! short sleeps: SQLite's own busy timeout backs off to 100 ms sleeps, which
//! stalls concurrent writers for far longer than the lock is held.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasmtime::component::Resource;

use crate::host::{sqlite_v2 as v2, sqlite_v3 as v3, HostState};

pub const DEFAULT_LABEL: &str = "default";
pub const DEFAULT_DB_FILE: &str = "sqlite_db.db";
/// Idle connections kept open per database.
const MAX_IDLE: usize = 16;
/// Spin's cap on a buffered query result.
const MAX_RESULT_BYTES: usize = 128 * 1024 * 1024;

/// The databases this host serves: only "default".
pub struct SqliteDatabases {
    default: Arc<Database>,
}

pub struct Database {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

/// The error both interface versions share (their variants are identical).
#[derive(Debug, Clone, PartialEq)]
pub enum SqliteError {
    NoSuchDatabase,
    AccessDenied,
    InvalidConnection,
    DatabaseFull,
    Io(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Null,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
}

impl SqliteDatabases {
    /// `state_dir` holds the default database; it is created when missing.
    pub fn new(state_dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(state_dir)?;
        Ok(Self {
            default: Arc::new(Database {
                path: state_dir.join(DEFAULT_DB_FILE),
                idle: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn default_path(&self) -> &Path {
        &self.default.path
    }

    /// Opens `label` for a component allowed to use `allowed` labels.
    pub async fn open(
        &self,
        label: &str,
        allowed: &std::collections::HashSet<String>,
    ) -> Result<SqliteConnection, SqliteError> {
        if !allowed.contains(label) {
            return Err(SqliteError::AccessDenied);
        }
        if label != DEFAULT_LABEL {
            return Err(SqliteError::NoSuchDatabase);
        }
        let db = self.default.clone();
        let idle = db.idle.lock().unwrap().pop();
        if let Some(conn) = idle {
            return Ok(SqliteConnection {
                conn: Some(conn),
                db,
            });
        }
        let path = db.path.clone();
        let conn = tokio::task::spawn_blocking(move || open_connection(&path))
            .await
            .map_err(|e| SqliteError::Io(e.to_string()))?
            .map_err(|e| SqliteError::Io(e.to_string()))?;
        Ok(SqliteConnection {
            conn: Some(conn),
            db,
        })
    }
}

fn open_connection(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    conn.busy_handler(Some(wait_while_busy))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")?;
    Ok(conn)
}

/// SQLite calls this with the number of earlier calls for the same lock.
/// Sleeps stay short so that a writer gets the lock soon after it is
/// released; the whole wait is bounded at about ten seconds.
fn wait_while_busy(attempt: i32) -> bool {
    const FAST: i32 = 64;
    const MEDIUM: i32 = FAST + 256;
    // FAST * 0.1 ms + 256 * 0.5 ms + the rest at 1 ms ≈ 10 s.
    const LIMIT: i32 = MEDIUM + 9_860;
    let pause = match attempt {
        a if a < FAST => Duration::from_micros(100),
        a if a < MEDIUM => Duration::from_micros(500),
        a if a < LIMIT => Duration::from_millis(1),
        _ => return false,
    };
    std::thread::sleep(pause);
    true
}

/// One guest handle's SQLite connection.
pub struct SqliteConnection {
    conn: Option<rusqlite::Connection>,
    db: Arc<Database>,
}

pub struct SqliteConnectionV2(SqliteConnection);
pub struct SqliteConnectionV3(SqliteConnection);

impl SqliteConnection {
    /// Runs one statement on a blocking thread so the async runtime is not
    /// held up by disk I/O or lock waits.
    pub async fn execute(
        &mut self,
        statement: String,
        params: Vec<SqlValue>,
    ) -> Result<QueryResult, SqliteError> {
        let conn = self.conn.take().ok_or(SqliteError::InvalidConnection)?;
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = run_statement(&conn, &statement, params, MAX_RESULT_BYTES);
            (conn, result)
        })
        .await
        .map_err(|e| SqliteError::Io(e.to_string()))?;
        self.conn = Some(conn);
        result
    }

    fn with_conn<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> Option<T> {
        self.conn.as_ref().map(f)
    }
}

impl Drop for SqliteConnection {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        // A transaction left open must not reach the next user of the
        // connection: roll it back, and close the connection if that fails.
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
            if !conn.is_autocommit() {
                return;
            }
        }
        let mut idle = self.db.idle.lock().unwrap();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
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

macro_rules! convert_version {
    ($v:ident) => {
        impl From<SqliteError> for $v::Error {
            fn from(e: SqliteError) -> Self {
                match e {
                    SqliteError::NoSuchDatabase => Self::NoSuchDatabase,
                    SqliteError::AccessDenied => Self::AccessDenied,
                    SqliteError::InvalidConnection => Self::InvalidConnection,
                    SqliteError::DatabaseFull => Self::DatabaseFull,
                    SqliteError::Io(m) => Self::Io(m),
                }
            }
        }

        impl From<$v::Value> for SqlValue {
            fn from(v: $v::Value) -> Self {
                match v {
                    $v::Value::Integer(i) => Self::Integer(i),
                    $v::Value::Real(r) => Self::Real(r),
                    $v::Value::Text(t) => Self::Text(t),
                    $v::Value::Blob(b) => Self::Blob(b),
                    $v::Value::Null => Self::Null,
                }
            }
        }

        impl From<SqlValue> for $v::Value {
            fn from(v: SqlValue) -> Self {
                match v {
                    SqlValue::Integer(i) => Self::Integer(i),
                    SqlValue::Real(r) => Self::Real(r),
                    SqlValue::Text(t) => Self::Text(t),
                    SqlValue::Blob(b) => Self::Blob(b),
                    SqlValue::Null => Self::Null,
                }
            }
        }

        impl From<QueryResult> for $v::QueryResult {
            fn from(r: QueryResult) -> Self {
                Self {
                    columns: r.columns,
                    rows: r
                        .rows
                        .into_iter()
                        .map(|values| $v::RowResult {
                            values: values.into_iter().map(Into::into).collect(),
                        })
                        .collect(),
                }
            }
        }
    };
}

convert_version!(v2);
convert_version!(v3);

impl HostState {
    async fn sqlite_open(&mut self, label: &str) -> Result<SqliteConnection, SqliteError> {
        let component = self.component.clone();
        component
            .services
            .sqlite
            .open(label, &component.sqlite_databases)
            .await
    }
}

impl v2::Host for HostState {}

impl v2::HostConnection for HostState {
    async fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<SqliteConnectionV2>, v2::Error>> {
        let conn = match self.sqlite_open(&database).await {
            Ok(c) => c,
            Err(e) => return Ok(Err(e.into())),
        };
        Ok(self
            .table
            .push(SqliteConnectionV2(conn))
            .map_err(|_| v2::Error::Io("too many connections opened".into())))
    }

    async fn execute(
        &mut self,
        handle: Resource<SqliteConnectionV2>,
        statement: String,
        parameters: Vec<v2::Value>,
    ) -> wasmtime::Result<Result<v2::QueryResult, v2::Error>> {
        let Ok(conn) = self.table.get_mut(&handle) else {
            return Ok(Err(v2::Error::InvalidConnection));
        };
        let params = parameters.into_iter().map(Into::into).collect();
        Ok(conn
            .0
            .execute(statement, params)
            .await
            .map(Into::into)
            .map_err(Into::into))
    }

    async fn drop(&mut self, handle: Resource<SqliteConnectionV2>) -> wasmtime::Result<()> {
        self.table.delete(handle)?;
        Ok(())
    }
}

impl v3::Host for HostState {}

impl v3::HostConnection for HostState {
    async fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<SqliteConnectionV3>, v3::Error>> {
        let conn = match self.sqlite_open(&database).await {
            Ok(c) => c,
            Err(e) => return Ok(Err(e.into())),
        };
        Ok(self
            .table
            .push(SqliteConnectionV3(conn))
            .map_err(|_| v3::Error::Io("too many connections opened".into())))
    }

    async fn execute(
        &mut self,
        handle: Resource<SqliteConnectionV3>,
        statement: String,
        parameters: Vec<v3::Value>,
    ) -> wasmtime::Result<Result<v3::QueryResult, v3::Error>> {
        let Ok(conn) = self.table.get_mut(&handle) else {
            return Ok(Err(v3::Error::InvalidConnection));
        };
        let params = parameters.into_iter().map(Into::into).collect();
        Ok(conn
            .0
            .execute(statement, params)
            .await
            .map(Into::into)
            .map_err(Into::into))
    }

    async fn last_insert_rowid(
        &mut self,
        handle: Resource<SqliteConnectionV3>,
    ) -> wasmtime::Result<i64> {
        let conn = self.table.get(&handle)?;
        conn.0
            .with_conn(|c| c.last_insert_rowid())
            .ok_or_else(|| wasmtime::format_err!("invalid connection"))
    }

    async fn changes(&mut self, handle: Resource<SqliteConnectionV3>) -> wasmtime::Result<u64> {
        let conn = self.table.get(&handle)?;
        conn.0
            .with_conn(|c| c.changes())
            .ok_or_else(|| wasmtime::format_err!("invalid connection"))
    }

    async fn drop(&mut self, handle: Resource<SqliteConnectionV3>) -> wasmtime::Result<()> {
        self.table.delete(handle)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn labels(l: &[&str]) -> HashSet<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[tokio::test]
    async fn access_rules() {
        let dir = tempfile::tempdir().unwrap();
        let dbs = SqliteDatabases::new(dir.path()).unwrap();
        assert_eq!(
            dbs.open("default", &labels(&[])).await.err(),
            Some(SqliteError::AccessDenied)
        );
        assert_eq!(
            dbs.open("other", &labels(&["other"])).await.err(),
            Some(SqliteError::NoSuchDatabase)
        );
        assert!(dbs.open("default", &labels(&["default"])).await.is_ok());
        assert!(dir.path().join("sqlite_db.db").exists());
    }

    #[tokio::test]
    async fn values_round_trip_and_open_transactions_are_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let dbs = SqliteDatabases::new(dir.path()).unwrap();
        let allowed = labels(&["default"]);
        let mut c = dbs.open("default", &allowed).await.unwrap();
        c.execute(
            "CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)".into(),
            vec![],
        )
        .await
        .unwrap();
        let row = vec![
            SqlValue::Integer(7),
            SqlValue::Real(1.5),
            SqlValue::Text("x".into()),
            SqlValue::Blob(vec![1, 2]),
            SqlValue::Null,
        ];
        c.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)".into(), row.clone())
            .await
            .unwrap();
        let r = c.execute("SELECT * FROM t".into(), vec![]).await.unwrap();
        assert_eq!(r.columns, ["i", "r", "s", "b", "n"]);
        assert_eq!(r.rows, [row]);
        let empty = c
            .execute("SELECT i FROM t WHERE i = 0".into(), vec![])
            .await
            .unwrap();
        assert_eq!(
            empty.columns,
            ["i"],
            "SQLite reports columns even without rows"
        );
        assert!(matches!(
            c.execute("SELEC".into(), vec![]).await,
            Err(SqliteError::Io(_))
        ));

        c.execute("BEGIN".into(), vec![]).await.unwrap();
        c.execute("INSERT INTO t (i) VALUES (8)".into(), vec![])
            .await
            .unwrap();
        drop(c);
        let mut reused = dbs.open("default", &allowed).await.unwrap();
        assert!(reused.with_conn(|c| c.is_autocommit()).unwrap());
        let r = reused
            .execute("SELECT count(*) FROM t".into(), vec![])
            .await
            .unwrap();
        assert_eq!(r.rows, [vec![SqlValue::Integer(1)]]);
        let mode = reused
            .execute("PRAGMA journal_mode".into(), vec![])
            .await
            .unwrap();
        assert_eq!(mode.rows, [vec![SqlValue::Text("wal".into())]]);
        let fk = reused
            .execute("PRAGMA foreign_keys".into(), vec![])
            .await
            .unwrap();
        assert_eq!(fk.rows, [vec![SqlValue::Integer(1)]]);
    }

    /// Many connections writing in explicit transactions at once: none may
    /// fail with "database is locked", and none should wait long.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_do_not_stall() {
        let dir = tempfile::tempdir().unwrap();
        let dbs = Arc::new(SqliteDatabases::new(dir.path()).unwrap());
        let allowed = Arc::new(labels(&["default"]));
        let mut setup = dbs.open("default", &allowed).await.unwrap();
        setup
            .execute(
                "CREATE TABLE c (id INTEGER PRIMARY KEY, v INTEGER)".into(),
                vec![],
            )
            .await
            .unwrap();
        drop(setup);

        let writers = 32;
        let per_writer = 10;
        let started = std::time::Instant::now();
        let mut tasks = Vec::new();
        for w in 0..writers {
            let dbs = dbs.clone();
            let allowed = allowed.clone();
            tasks.push(tokio::spawn(async move {
                let mut worst = Duration::ZERO;
                for i in 0..per_writer {
                    let t = std::time::Instant::now();
                    let mut c = dbs.open("default", &allowed).await.unwrap();
                    c.execute("BEGIN IMMEDIATE".into(), vec![]).await.unwrap();
                    c.execute(
                        "INSERT INTO c (v) VALUES (?)".into(),
                        vec![SqlValue::Integer(w * 100 + i)],
                    )
                    .await
                    .unwrap();
                    c.execute("COMMIT".into(), vec![]).await.unwrap();
                    worst = worst.max(t.elapsed());
                }
                worst
            }));
        }
        let mut worst = Duration::ZERO;
        for t in tasks {
            worst = worst.max(t.await.unwrap());
        }
        let total = started.elapsed();
        let mut check = dbs.open("default", &allowed).await.unwrap();
        let r = check
            .execute("SELECT count(*) FROM c".into(), vec![])
            .await
            .unwrap();
        assert_eq!(r.rows, [vec![SqlValue::Integer(writers * per_writer)]]);
        println!(
            "sqlite: {} transactions from {writers} writers in {total:?}; slowest {worst:?}",
            writers * per_writer
        );
        assert!(
            worst < Duration::from_secs(2),
            "slowest transaction took {worst:?}"
        );
    }
}
