//! The databases this host serves, their idle connections, and the writer
//! gate that queues this host's writers (see the module documentation).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::OwnedMutexGuard;

use super::{SqliteError, SqliteMode, DEFAULT_DB_FILE, DEFAULT_LABEL, GATE_TIMEOUT};

/// Idle connections kept open per database.
const MAX_IDLE: usize = 16;

/// The databases this host serves: only "default".
pub struct SqliteDatabases {
    default: Arc<Database>,
}

pub struct Database {
    path: PathBuf,
    pub(super) mode: SqliteMode,
    idle: Mutex<Vec<rusqlite::Connection>>,
    /// The writer gate: FIFO, held by the connection that writes.
    writer: Arc<tokio::sync::Mutex<()>>,
    gate_timeout: Duration,
}

impl Database {
    fn new(path: PathBuf, mode: SqliteMode, gate_timeout: Duration) -> Self {
        Self {
            path,
            mode,
            idle: Mutex::new(Vec::new()),
            writer: Arc::new(tokio::sync::Mutex::new(())),
            gate_timeout,
        }
    }

    fn open_connection(&self) -> rusqlite::Result<rusqlite::Connection> {
        match self.mode {
            SqliteMode::Tuned => open_tuned_connection(&self.path),
            SqliteMode::AsSpin => rusqlite::Connection::open(&self.path),
        }
    }

    /// An idle connection, or a new one opened on a blocking thread.
    pub(super) async fn connect(self: &Arc<Self>) -> Result<rusqlite::Connection, SqliteError> {
        let idle = self.idle.lock().unwrap().pop();
        if let Some(conn) = idle {
            return Ok(conn);
        }
        let opener = self.clone();
        tokio::task::spawn_blocking(move || opener.open_connection())
            .await
            .map_err(|e| SqliteError::Io(e.to_string()))?
            .map_err(|e| SqliteError::Io(e.to_string()))
    }

    /// Keeps a connection, out of any transaction, for the next `open`.
    pub(super) fn give_back(&self, conn: rusqlite::Connection) {
        let mut idle = self.idle.lock().unwrap();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }

    /// Waits, in arrival order, for the writer gate.
    pub(super) async fn acquire_gate(&self) -> Result<WriterGuard, SqliteError> {
        match tokio::time::timeout(self.gate_timeout, self.writer.clone().lock_owned()).await {
            Ok(guard) => Ok(WriterGuard(guard)),
            Err(_) => Err(SqliteError::Io(format!(
                "database is locked (another connection kept a write transaction open for {:?})",
                self.gate_timeout
            ))),
        }
    }
}

/// Holding this is holding the database's writer gate.
pub(super) struct WriterGuard(#[allow(dead_code)] OwnedMutexGuard<()>);

impl SqliteDatabases {
    /// `state_dir` holds the default database; it is created when missing.
    pub fn new(state_dir: &Path) -> std::io::Result<Self> {
        Self::with_mode(state_dir, SqliteMode::Tuned)
    }

    pub fn with_mode(state_dir: &Path, mode: SqliteMode) -> std::io::Result<Self> {
        Self::with_gate_timeout(state_dir, mode, GATE_TIMEOUT)
    }

    /// Like [`SqliteDatabases::with_mode`], with another wait limit for the
    /// writer gate.
    pub fn with_gate_timeout(
        state_dir: &Path,
        mode: SqliteMode,
        gate_timeout: Duration,
    ) -> std::io::Result<Self> {
        std::fs::create_dir_all(state_dir)?;
        let default = Arc::new(Database::new(
            state_dir.join(DEFAULT_DB_FILE),
            mode,
            gate_timeout,
        ));
        if mode == SqliteMode::Tuned {
            // Switching a new file to WAL needs an exclusive lock, and SQLite
            // answers "database is locked" at once, without the busy handler,
            // when many first connections race for it. Do it once, here,
            // before any request; the mode is kept in the file.
            let first = default.open_connection().map_err(std::io::Error::other)?;
            default.give_back(first);
        }
        Ok(Self { default })
    }

    pub fn default_path(&self) -> &Path {
        &self.default.path
    }

    /// The database `label` names, for a component allowed to use
    /// `allowed` labels.
    pub(super) fn database(
        &self,
        label: &str,
        allowed: &std::collections::HashSet<String>,
    ) -> Result<Arc<Database>, SqliteError> {
        if !allowed.contains(label) {
            return Err(SqliteError::AccessDenied);
        }
        if label != DEFAULT_LABEL {
            return Err(SqliteError::NoSuchDatabase);
        }
        Ok(self.default.clone())
    }
}

fn open_tuned_connection(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    conn.busy_handler(Some(wait_while_busy))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
    conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")?;
    Ok(conn)
}

/// Times the busy handler has slept, across all databases (diagnostics: with
/// the writer gate and no other process on the file this stays at zero).
static BUSY_WAITS: AtomicU64 = AtomicU64::new(0);

/// How many times a connection of this host has found the database locked
/// and waited for it in the busy handler.
pub fn busy_waits() -> u64 {
    BUSY_WAITS.load(Ordering::Relaxed)
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
    BUSY_WAITS.fetch_add(1, Ordering::Relaxed);
    std::thread::sleep(pause);
    true
}
