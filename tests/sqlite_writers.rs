//! The app's own SQLite settings, which hold under any host (Spin opens a
//! plain connection per request and sets nothing): the file is switched to
//! WAL by the migrations, a writing connection enables foreign keys, and a
//! writer that finds the database locked waits for it instead of failing.
//! Run natively over `rusqlite` connections made as Spin makes them.

use integration_tests::native::{Database, Pool};
use std::time::{Duration, Instant};
use store::Value;

fn pool(dir: &tempfile::TempDir, runtime: &tokio::runtime::Runtime) -> std::sync::Arc<Pool> {
    Pool::new(
        Database::Sqlite(dir.path().join("app.db")),
        runtime.handle().clone(),
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn migrations_switch_the_file_to_wal_and_writers_enable_foreign_keys() {
    let (dir, runtime) = (tempfile::tempdir().unwrap(), runtime());
    let pool = pool(&dir, &runtime);
    let db = pool.db();
    db.migrate().unwrap();
    let plain = rusqlite::Connection::open(dir.path().join("app.db")).unwrap();
    let mode: String = plain
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk = |db: &store::Db| db.query("PRAGMA foreign_keys", &[]).unwrap()[0].0[0].clone();
    db.run("DELETE FROM changes WHERE user_id = 'nobody'", &[])
        .unwrap();
    assert_eq!(fk(&db), Value::Int(1), "set before the first write");
}

#[test]
fn a_writer_waits_for_another_instead_of_failing() {
    let (dir, runtime) = (tempfile::tempdir().unwrap(), runtime());
    let pool = pool(&dir, &runtime);
    pool.db().migrate().unwrap();
    // Another connection holds the write lock for 300 ms, as a concurrent
    // request's transaction would; rusqlite's default busy timeout is 5 s,
    // so a wait here would be SQLite's unless the app had turned it off.
    let holder = rusqlite::Connection::open(dir.path().join("app.db")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        holder.execute_batch("COMMIT").unwrap();
    });
    let db = pool.db();
    let started = Instant::now();
    db.transaction(|db| {
        db.run(
            "INSERT INTO signin_throttle (email, client, failures, last_at, next_at)
             VALUES ('a@example.com', '', 1, 0, 0)",
            &[],
        )
    })
    .unwrap();
    let waited = started.elapsed();
    release.join().unwrap();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    // Woken within a few milliseconds of the release, not at SQLite's
    // 100 ms steps.
    assert!(waited < Duration::from_millis(400), "{waited:?}");
    let rows = db
        .query("SELECT COUNT(*) FROM signin_throttle", &[])
        .unwrap();
    assert_eq!(rows[0].0[0], Value::Int(1));
}
