//! Native connections for `store::Db` (`store::Connection`): `rusqlite` and
//! `tokio-postgres`, for tests that read query plans and for the native
//! baseline of the API benchmark. Statements, parameters and values are
//! converted the way Spin converts them.

use domain::Error;
use std::sync::{Arc, Mutex};
use store::{Backend, Connection, Db, Row, Value};

/// Runs `check` on a `Db` over a fresh, empty database of `backend`: a new
/// PostgreSQL database named for `purpose`, or a SQLite file in a temporary
/// directory. A runtime of its own drives the PostgreSQL connections.
pub fn on_fresh_database(backend: crate::Backend, purpose: &str, check: impl FnOnce(&Db)) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = match backend {
        crate::Backend::Postgres => Database::Postgres(crate::pg::fresh_database(purpose)),
        crate::Backend::Sqlite => Database::Sqlite(dir.path().join(format!("{purpose}.db"))),
    };
    let pool = Pool::new(database, runtime.handle().clone());
    check(&pool.db());
}

/// Idle connections, handed out one at a time (like Spin's pool).
pub struct Pool {
    database: Database,
    runtime: tokio::runtime::Handle,
    idle_pg: Mutex<Vec<tokio_postgres::Client>>,
    idle_sqlite: Mutex<Vec<rusqlite::Connection>>,
}

/// A database the native code connects to.
#[derive(Clone, Debug)]
pub enum Database {
    Postgres(String),
    Sqlite(std::path::PathBuf),
}

impl Pool {
    /// `runtime` drives the PostgreSQL connections; callers block on it,
    /// so they must not run on its worker threads.
    pub fn new(database: Database, runtime: tokio::runtime::Handle) -> Arc<Pool> {
        Arc::new(Pool {
            database,
            runtime,
            idle_pg: Mutex::default(),
            idle_sqlite: Mutex::default(),
        })
    }

    /// A `Db` over a pooled connection (returned to the pool on drop).
    pub fn db(self: &Arc<Self>) -> Db {
        Db::with_connection(self.connect())
    }

    fn connect(self: &Arc<Self>) -> Box<dyn Connection> {
        match &self.database {
            Database::Postgres(url) => {
                let client = self.idle_pg.lock().unwrap().pop().unwrap_or_else(|| {
                    let (client, connection) = self
                        .runtime
                        .block_on(tokio_postgres::connect(url, tokio_postgres::NoTls))
                        .expect("connect to PostgreSQL");
                    self.runtime.spawn(connection);
                    client
                });
                Box::new(PgConnection {
                    client: Some(client),
                    pool: self.clone(),
                    in_transaction: std::cell::Cell::new(false),
                })
            }
            Database::Sqlite(path) => {
                let conn = self
                    .idle_sqlite
                    .lock()
                    .unwrap()
                    .pop()
                    .unwrap_or_else(|| rusqlite::Connection::open(path).expect("open SQLite"));
                Box::new(SqliteConnection {
                    conn: Some(conn),
                    pool: self.clone(),
                })
            }
        }
    }
}

struct PgConnection {
    client: Option<tokio_postgres::Client>,
    pool: Arc<Pool>,
    /// A BEGIN without its COMMIT or ROLLBACK yet: such a client is closed,
    /// not pooled, so the server rolls the transaction back (as Spin's
    /// connection drop does) instead of the next user inheriting it.
    in_transaction: std::cell::Cell<bool>,
}

impl Drop for PgConnection {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            if !self.in_transaction.get() {
                self.pool.idle_pg.lock().unwrap().push(client);
            }
        }
    }
}

/// NULL for a parameter of any type, as Spin's `DbNull` is.
#[derive(Debug)]
struct Null;

impl tokio_postgres::types::ToSql for Null {
    fn to_sql(
        &self,
        _: &tokio_postgres::types::Type,
        _: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Ok(tokio_postgres::types::IsNull::Yes)
    }

    fn accepts(_: &tokio_postgres::types::Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

type PgParam<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);

/// Calls `f` with the parameters as tokio-postgres takes them.
fn with_pg_params<R>(params: &[Value], f: impl FnOnce(&[PgParam]) -> R) -> R {
    let owned: Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> = params
        .iter()
        .map(|v| -> Box<dyn tokio_postgres::types::ToSql + Sync + Send> {
            match v {
                Value::Null => Box::new(Null),
                Value::Int(i) => Box::new(*i),
                Value::Text(s) => Box::new(s.clone()),
            }
        })
        .collect();
    let refs: Vec<PgParam> = owned.iter().map(|b| b.as_ref() as PgParam).collect();
    f(&refs)
}

fn pg_failure(e: tokio_postgres::Error) -> Error {
    Error::internal(match e.as_db_error() {
        Some(d) => format!("SQLSTATE {}: {}", d.code().code(), d.message()),
        None => e.to_string(),
    })
}

impl Connection for PgConnection {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        use tokio_postgres::types::Type;
        let client = self.client.as_ref().unwrap();
        let rows = with_pg_params(params, |refs| {
            self.pool.runtime.block_on(client.query(sql, refs))
        })
        .map_err(pg_failure)?;
        rows.iter()
            .map(|row| {
                let values = row
                    .columns()
                    .iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let t = column.type_();
                        let int = |v: Option<i64>| v.map(Value::Int).unwrap_or(Value::Null);
                        Ok(if *t == Type::INT8 {
                            int(row.get(i))
                        } else if *t == Type::INT4 {
                            int(row.get::<_, Option<i32>>(i).map(i64::from))
                        } else if *t == Type::INT2 {
                            int(row.get::<_, Option<i16>>(i).map(i64::from))
                        } else if *t == Type::BOOL {
                            int(row.get::<_, Option<bool>>(i).map(i64::from))
                        } else if *t == Type::TEXT || *t == Type::VARCHAR {
                            row.get::<_, Option<String>>(i)
                                .map(Value::Text)
                                .unwrap_or(Value::Null)
                        } else {
                            return Err(Error::internal(format!("unexpected column type {t}")));
                        })
                    })
                    .collect::<Result<Vec<_>, Error>>()?;
                Ok(Row(values))
            })
            .collect()
    }

    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let client = self.client.as_ref().unwrap();
        let done = with_pg_params(params, |refs| {
            self.pool.runtime.block_on(client.execute(sql, refs))
        })
        .map_err(pg_failure)?;
        let verb = sql.split_whitespace().next().unwrap_or("");
        if verb.eq_ignore_ascii_case("begin") {
            self.in_transaction.set(true);
        } else if verb.eq_ignore_ascii_case("commit") || verb.eq_ignore_ascii_case("rollback") {
            self.in_transaction.set(false);
        }
        Ok(done)
    }
}

struct SqliteConnection {
    conn: Option<rusqlite::Connection>,
    pool: Arc<Pool>,
}

impl Drop for SqliteConnection {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if conn.is_autocommit() {
                self.pool.idle_sqlite.lock().unwrap().push(conn);
            }
        }
    }
}

fn sqlite_params(params: &[Value]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Int(i) => rusqlite::types::Value::Integer(*i),
            Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
        })
        .collect()
}

fn sqlite_failure(e: rusqlite::Error) -> Error {
    Error::internal(e.to_string())
}

impl Connection for SqliteConnection {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        let conn = self.conn.as_ref().unwrap();
        let mut statement = conn.prepare_cached(sql).map_err(sqlite_failure)?;
        let columns = statement.column_count();
        let mut rows = statement
            .query(rusqlite::params_from_iter(sqlite_params(params)))
            .map_err(sqlite_failure)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite_failure)? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i).map_err(sqlite_failure)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(v) => Value::Int(v),
                    rusqlite::types::ValueRef::Text(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                    other => return Err(Error::internal(format!("unexpected column {other:?}"))),
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let conn = self.conn.as_ref().unwrap();
        let mut statement = conn.prepare_cached(sql).map_err(sqlite_failure)?;
        let mut rows = statement
            .query(rusqlite::params_from_iter(sqlite_params(params)))
            .map_err(sqlite_failure)?;
        while rows.next().map_err(sqlite_failure)?.is_some() {}
        Ok(conn.changes())
    }
}
