use crate::migrations;
use domain::{Error, ErrorKind};
use spin_sdk::{pg4, sqlite};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A query parameter or a column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// One result row; columns are read by position.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, Error> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            other => Err(column_error(i, "integer", other)),
        }
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, Error> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(v.clone()),
            other => Err(column_error(i, "text", other)),
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, Error> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
}

fn column_error(i: usize, want: &str, got: Option<&Value>) -> Error {
    Error::internal(format!("column {i}: expected {want}, found {got:?}"))
}

enum Conn {
    Postgres(pg4::Connection),
    Sqlite(sqlite::Connection),
    Native(Box<dyn Connection>),
}

/// A database connection that does not come from Spin: native code
/// (benchmarks, tests) brings its own, over the same SQL. Statements arrive
/// in the backend's dialect: `?n` placeholders for SQLite (see
/// `sqlite_placeholders`), `$n` for PostgreSQL.
pub trait Connection {
    fn backend(&self) -> Backend;
    fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error>;
    /// Runs a statement that returns no rows; answers the rows affected.
    fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, Error>;
}

/// An open database connection for the length of one request.
pub struct Db {
    conn: Conn,
    /// Open `transaction` calls: an inner one joins the outer.
    depth: std::cell::Cell<u32>,
    /// SQLite: whether this connection's per-connection settings are made
    /// (see `prepare_to_write`).
    ready_to_write: std::cell::Cell<bool>,
}

impl Db {
    /// Opens the configured database: PostgreSQL when `db_url` is set,
    /// Spin's default SQLite database otherwise. Applies pending migrations.
    pub fn open(db_url: &str) -> Result<Db, Error> {
        let db = Self::connect(db_url)?;
        migrations::ensure_current(&db)?;
        Ok(db)
    }

    /// Opens without the schema check, for callers whose first query
    /// checks the schema version itself (see `sessions::is_active`): one
    /// round trip less on every authenticated request.
    pub fn connect(db_url: &str) -> Result<Db, Error> {
        let conn = if db_url.trim().is_empty() {
            Conn::Sqlite(sqlite::Connection::open_default().map_err(sqlite_error)?)
        } else {
            Conn::Postgres(pg4::Connection::open(db_url).map_err(pg_error)?)
        };
        Ok(Db {
            conn,
            depth: std::cell::Cell::new(0),
            ready_to_write: std::cell::Cell::new(false),
        })
    }

    /// A `Db` over a connection of the caller's (see [`Connection`]); no
    /// schema check, like `connect`.
    pub fn with_connection(conn: Box<dyn Connection>) -> Db {
        Db {
            conn: Conn::Native(conn),
            depth: std::cell::Cell::new(0),
            ready_to_write: std::cell::Cell::new(false),
        }
    }

    /// Applies pending migrations (for callers of `connect` whose first
    /// statement failed with a missing table).
    pub fn migrate(&self) -> Result<(), Error> {
        migrations::migrate(self)
    }

    pub fn backend(&self) -> Backend {
        match &self.conn {
            Conn::Postgres(_) => Backend::Postgres,
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Native(c) => c.backend(),
        }
    }

    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        self.waiting_while_busy(|| self.query_once(sql, params))
    }

    fn query_once(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        match &self.conn {
            Conn::Postgres(c) => {
                let params: Vec<pg4::ParameterValue> = params.iter().map(to_pg).collect();
                let set = c.query(sql, &params).map_err(pg_error)?;
                set.rows
                    .into_iter()
                    .map(|r| {
                        r.into_iter()
                            .map(from_pg)
                            .collect::<Result<_, _>>()
                            .map(Row)
                    })
                    .collect()
            }
            Conn::Sqlite(c) => {
                let params: Vec<sqlite::Value> = params.iter().map(to_sqlite).collect();
                let result = c
                    .execute(&sqlite_placeholders(sql), &params)
                    .map_err(sqlite_error)?;
                result
                    .rows
                    .into_iter()
                    .map(|r| {
                        r.values
                            .into_iter()
                            .map(from_sqlite)
                            .collect::<Result<_, _>>()
                            .map(Row)
                    })
                    .collect()
            }
            Conn::Native(c) => c.query(&self.dialect(sql), params),
        }
    }

    /// The statement as the backend reads it.
    fn dialect(&self, sql: &str) -> String {
        match self.backend() {
            Backend::Postgres => sql.to_string(),
            Backend::Sqlite => sqlite_placeholders(sql),
        }
    }

    /// Runs a statement that returns no rows, when the caller does not need
    /// the number of rows it affected (on SQLite, counting costs a call).
    pub fn run(&self, sql: &str, params: &[Value]) -> Result<(), Error> {
        self.waiting_while_busy(|| self.run_once(sql, params))
    }

    fn run_once(&self, sql: &str, params: &[Value]) -> Result<(), Error> {
        match &self.conn {
            Conn::Postgres(c) => {
                let params: Vec<pg4::ParameterValue> = params.iter().map(to_pg).collect();
                c.execute(sql, &params).map(|_| ()).map_err(pg_error)
            }
            Conn::Sqlite(c) => {
                self.prepare_to_write()?;
                let params: Vec<sqlite::Value> = params.iter().map(to_sqlite).collect();
                c.execute(&sqlite_placeholders(sql), &params)
                    .map(|_| ())
                    .map_err(sqlite_error)
            }
            Conn::Native(_) => self.execute_once(sql, params).map(|_| ()),
        }
    }

    /// Runs a statement that returns no rows; answers the rows affected.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        self.waiting_while_busy(|| self.execute_once(sql, params))
    }

    fn execute_once(&self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        match &self.conn {
            Conn::Postgres(c) => {
                let params: Vec<pg4::ParameterValue> = params.iter().map(to_pg).collect();
                c.execute(sql, &params).map_err(pg_error)
            }
            Conn::Sqlite(c) => {
                self.prepare_to_write()?;
                let params: Vec<sqlite::Value> = params.iter().map(to_sqlite).collect();
                c.execute(&sqlite_placeholders(sql), &params)
                    .map_err(sqlite_error)?;
                // fermyon:spin/sqlite@2.0.0 reports no row count; ask SQLite.
                let changes = c.execute("SELECT changes()", &[]).map_err(sqlite_error)?;
                match changes.rows.first().and_then(|r| r.values.first()) {
                    Some(sqlite::Value::Integer(n)) => Ok(*n as u64),
                    _ => Ok(0),
                }
            }
            Conn::Native(c) => {
                if c.backend() == Backend::Sqlite {
                    self.prepare_to_write()?;
                }
                c.execute(&self.dialect(sql), params)
            }
        }
    }

    /// Runs `work` in one transaction: committed when it returns Ok, rolled
    /// back otherwise. SQLite takes the write lock up front (IMMEDIATE) so
    /// two writers never deadlock upgrading a read lock. Called inside
    /// another transaction, `work` simply joins it (an error still rolls
    /// the whole outer transaction back, as the outer caller sees it).
    pub fn transaction<T>(&self, work: impl FnOnce(&Db) -> Result<T, Error>) -> Result<T, Error> {
        if self.depth.get() > 0 {
            return work(self);
        }
        let begin = match self.backend() {
            Backend::Postgres => "BEGIN",
            Backend::Sqlite => {
                self.prepare_to_write()?;
                "BEGIN IMMEDIATE"
            }
        };
        self.execute_raw(begin)?;
        self.depth.set(1);
        let result = work(self);
        self.depth.set(0);
        match result {
            Ok(value) => {
                self.execute_raw("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = self.execute_raw("ROLLBACK");
                Err(e)
            }
        }
    }

    /// SQLite keeps these settings per connection, and Spin opens a new
    /// connection for every request, so the app makes them itself before a
    /// connection's first write (reads need none of them):
    /// - `foreign_keys`: the schema's `ON DELETE CASCADE` holds under any
    ///   host (Spin's bundled SQLite happens to default to on; a SQLite
    ///   built with the stock default would not);
    /// - `synchronous = NORMAL`: in WAL mode (set by the migrations) a
    ///   commit then writes the log without waiting for the disk; a power
    ///   loss may drop the last commits, a crash of the process cannot;
    /// - `busy_timeout = 0`: a writer that finds the database locked waits
    ///   in `waiting_while_busy`, not in SQLite's busy handler.
    fn prepare_to_write(&self) -> Result<(), Error> {
        if self.ready_to_write.get() || self.depth.get() > 0 {
            return Ok(());
        }
        self.ready_to_write.set(true);
        for pragma in [
            "PRAGMA foreign_keys = ON",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA busy_timeout = 0",
        ] {
            self.execute_raw(pragma)?;
        }
        Ok(())
    }

    fn execute_raw(&self, sql: &str) -> Result<(), Error> {
        self.waiting_while_busy(|| match &self.conn {
            Conn::Postgres(c) => c.execute(sql, &[]).map(|_| ()).map_err(pg_error),
            Conn::Sqlite(c) => c.execute(sql, &[]).map(|_| ()).map_err(sqlite_error),
            Conn::Native(c) => c.execute(sql, &[]).map(|_| ()),
        })
    }

    /// SQLite: runs `statement` again while another connection holds the
    /// database, with short pauses, for up to [`BUSY_WAIT_LIMIT`].
    ///
    /// SQLite's own busy handler (what `busy_timeout` enables, and all Spin
    /// sets) backs off to 100 ms sleeps, so under concurrent writers an
    /// unlucky one keeps waking after the lock has come and gone: seconds
    /// of tail latency, then "database is locked". The app therefore turns
    /// it off (`busy_timeout = 0`, see `prepare_to_write`) and waits here
    /// instead: the first [`IMMEDIATE_RETRIES`] tries follow at once (each
    /// is a host call, itself a pause of tens of microseconds, and a write
    /// holds the lock for about as long), then short pauses with jitter so
    /// that waiting writers do not wake in step (a host's timer makes them
    /// about a millisecond). Measured with 32 writers under
    /// `spinhost up --spin-compat`: p99 76 ms with the immediate tries,
    /// 135 ms with pauses only, 745 ms with SQLite's handler. Only a statement that starts
    /// its own transaction (outside `transaction`, or its BEGIN and COMMIT)
    /// is repeated: inside a transaction the IMMEDIATE write lock is held
    /// and a busy answer means the transaction itself has failed.
    fn waiting_while_busy<T>(&self, statement: impl Fn() -> Result<T, Error>) -> Result<T, Error> {
        if self.backend() != Backend::Sqlite || self.depth.get() > 0 {
            return statement();
        }
        let started = std::time::Instant::now();
        let mut jitter = Jitter::seeded();
        let mut attempt = 0u32;
        loop {
            match statement() {
                Err(e) if is_busy(&e) && started.elapsed() < BUSY_WAIT_LIMIT => {
                    attempt += 1;
                    if attempt > IMMEDIATE_RETRIES {
                        std::thread::sleep(std::time::Duration::from_micros(
                            100 + jitter.next_below(400),
                        ));
                    }
                }
                outcome => return outcome,
            }
        }
    }
}

/// SQL is written with PostgreSQL's `$n`; SQLite reads `$1` as a *named*
/// parameter, numbered by first appearance, so rewrite to `?n` which SQLite
/// numbers explicitly.
fn sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_string = !in_string;
        }
        if c == '$' && !in_string && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn to_pg(v: &Value) -> pg4::ParameterValue {
    match v {
        Value::Null => pg4::ParameterValue::DbNull,
        Value::Int(i) => pg4::ParameterValue::Int64(*i),
        Value::Text(s) => pg4::ParameterValue::Str(s.clone()),
    }
}

fn from_pg(v: pg4::DbValue) -> Result<Value, Error> {
    Ok(match v {
        pg4::DbValue::DbNull => Value::Null,
        pg4::DbValue::Int64(i) => Value::Int(i),
        pg4::DbValue::Int32(i) => Value::Int(i.into()),
        pg4::DbValue::Int16(i) => Value::Int(i.into()),
        pg4::DbValue::Boolean(b) => Value::Int(b.into()),
        pg4::DbValue::Str(s) => Value::Text(s),
        other => return Err(Error::internal(format!("unexpected column type {other:?}"))),
    })
}

fn to_sqlite(v: &Value) -> sqlite::Value {
    match v {
        Value::Null => sqlite::Value::Null,
        Value::Int(i) => sqlite::Value::Integer(*i),
        Value::Text(s) => sqlite::Value::Text(s.clone()),
    }
}

fn from_sqlite(v: sqlite::Value) -> Result<Value, Error> {
    Ok(match v {
        sqlite::Value::Null => Value::Null,
        sqlite::Value::Integer(i) => Value::Int(i),
        sqlite::Value::Text(s) => Value::Text(s),
        other => return Err(Error::internal(format!("unexpected column type {other:?}"))),
    })
}

/// A unique-constraint violation, which callers turn into a 409.
pub fn is_unique_violation(e: &Error) -> bool {
    e.message.contains("SQLSTATE 23505") || e.message.contains("UNIQUE constraint failed")
}

/// Missing table, column or function: the schema is behind, so
/// migrations must run.
pub fn is_missing_schema(e: &Error) -> bool {
    e.message.contains("SQLSTATE 42P01")
        || e.message.contains("SQLSTATE 42703")
        || e.message.contains("SQLSTATE 42883")
        || e.message.contains("no such table")
        || e.message.contains("no such column")
}

fn pg_error(e: pg4::PgError) -> Error {
    let unavailable = |m: String| Error::new(ErrorKind::Unavailable, "database_unavailable", m);
    let message = match e {
        pg4::PgError::ConnectionFailed(m) => return unavailable(m),
        pg4::PgError::QueryFailed(pg4::QueryError::DbError(d)) => {
            let message = format!("SQLSTATE {}: {}", d.code, d.message);
            if is_outage_sqlstate(&d.code) {
                return unavailable(message);
            }
            if d.code == "22021" {
                // Text the database cannot store (a NUL): the client's input.
                return Error::nul_character();
            }
            message
        }
        // Without a database error the driver lost the connection (closed,
        // I/O, timeout): the same outage as failing to connect.
        pg4::PgError::QueryFailed(pg4::QueryError::Text(t)) if is_connection_loss(&t) => {
            return unavailable(t)
        }
        pg4::PgError::QueryFailed(pg4::QueryError::Text(t)) => t,
        pg4::PgError::BadParameter(m) => format!("bad parameter: {m}"),
        pg4::PgError::ValueConversionFailed(m) => format!("value conversion failed: {m}"),
        pg4::PgError::Other(m) => m,
    };
    Error::internal(message)
}

/// Class 08 (connection exception), 57P01-57P03 (the server shutting down
/// or starting) and 53300 (too many connections): the database is away,
/// not the query wrong.
fn is_outage_sqlstate(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
}

/// The driver's text for a lost connection: tokio-postgres reports
/// `Error { kind: Closed | Io | Connect | Timeout, .. }`; a server error of
/// severity FATAL (such as "terminating connection due to administrator
/// command" during a failover) that arrives while rows are read comes as
/// text too, and FATAL always ends the session.
fn is_connection_loss(text: &str) -> bool {
    [
        "kind: Closed",
        "kind: Io",
        "kind: Connect",
        "kind: Timeout",
        "connection closed",
        "FATAL:",
    ]
    .iter()
    .any(|k| text.contains(k))
}

fn sqlite_error(e: sqlite::Error) -> Error {
    match e {
        // SQLITE_BUSY after the busy timeout: other writers held the
        // database that long; the request can be retried.
        sqlite::Error::Io(m) if is_database_busy(&m) => {
            Error::new(ErrorKind::Unavailable, "database_busy", m)
        }
        sqlite::Error::Io(m) => Error::internal(m),
        other => Error::new(
            ErrorKind::Unavailable,
            "database_unavailable",
            format!("{other:?}"),
        ),
    }
}

fn is_database_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

/// SQLITE_BUSY, from Spin's connection or a native one.
fn is_busy(e: &Error) -> bool {
    e.code == "database_busy" || is_database_busy(&e.message)
}

/// Tries of a busy statement before `waiting_while_busy` pauses between
/// them.
const IMMEDIATE_RETRIES: u32 = 16;

/// How long a statement waits for another writer before it fails with a
/// 503 (`database_busy`).
pub const BUSY_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Pauses of varying length for writers waiting on SQLite (xorshift, seeded
/// from the clock: uniformity matters here, not unpredictability).
struct Jitter(u64);

impl Jitter {
    fn seeded() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(1);
        Jitter(u64::from(nanos) | 1)
    }

    fn next_below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_connection_is_an_outage() {
        let text = |t: &str| pg4::PgError::QueryFailed(pg4::QueryError::Text(t.into()));
        assert_eq!(
            pg_error(text("Error { kind: Closed, cause: None }")).code,
            "database_unavailable"
        );
        assert_eq!(
            pg_error(text("Error { kind: Io, cause: Some(Os { code: 104 }) }")).code,
            "database_unavailable"
        );
        assert_eq!(
            pg_error(text(
                "db error\n\nCaused by:\n    FATAL: terminating connection due to administrator command"
            ))
            .code,
            "database_unavailable"
        );
        assert_eq!(pg_error(text("syntax error")).code, "internal_error");
        assert!(is_outage_sqlstate("08006") && is_outage_sqlstate("57P01"));
        assert!(!is_outage_sqlstate("23505"));
    }

    #[test]
    fn rewrites_placeholders_outside_strings() {
        assert_eq!(
            sqlite_placeholders("SELECT '$1', $1 FROM t WHERE a = $12"),
            "SELECT '$1', ?1 FROM t WHERE a = ?12"
        );
    }
}
