//! The host's SQLite as guests see it: access rules, values, transactions,
//! the writer gate under concurrent writers, and the Spin-compatible mode.

use super::*;
use std::collections::HashSet;
use std::sync::Arc;

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

async fn setup_table(dbs: &SqliteDatabases) {
    let mut setup = dbs.open("default", &labels(&["default"])).await.unwrap();
    setup
        .execute(
            "CREATE TABLE c (id INTEGER PRIMARY KEY, v INTEGER)".into(),
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !setup.holds_writer_gate(),
        "a single write releases the gate"
    );
}

async fn count(dbs: &SqliteDatabases) -> i64 {
    let mut c = dbs.open("default", &labels(&["default"])).await.unwrap();
    let r = c
        .execute("SELECT count(*) FROM c".into(), vec![])
        .await
        .unwrap();
    match r.rows[0][0] {
        SqlValue::Integer(n) => n,
        ref other => panic!("count is {other:?}"),
    }
}

/// Many connections writing in explicit transactions at once (like the
/// task-creating components: BEGIN IMMEDIATE, a few INSERTs, COMMIT): all
/// succeed, they queue at the gate instead of in the busy handler, and
/// nobody waits long.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_queue_fairly() {
    let dir = tempfile::tempdir().unwrap();
    let dbs = Arc::new(SqliteDatabases::new(dir.path()).unwrap());
    let allowed = Arc::new(labels(&["default"]));
    setup_table(&dbs).await;

    let writers = 32;
    let per_writer = 10;
    let busy_before = busy_waits();
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let dbs = dbs.clone();
        let allowed = allowed.clone();
        tasks.push(tokio::spawn(async move {
            let (mut worst_wait, mut worst_tx) = (Duration::ZERO, Duration::ZERO);
            for i in 0..per_writer {
                let t = std::time::Instant::now();
                let mut c = dbs.open("default", &allowed).await.unwrap();
                c.execute("BEGIN IMMEDIATE".into(), vec![]).await.unwrap();
                worst_wait = worst_wait.max(t.elapsed());
                assert!(c.holds_writer_gate());
                for k in 0..3 {
                    c.execute(
                        "INSERT INTO c (v) VALUES (?)".into(),
                        vec![SqlValue::Integer(w * 1000 + i * 10 + k)],
                    )
                    .await
                    .unwrap();
                }
                c.execute("COMMIT".into(), vec![]).await.unwrap();
                assert!(!c.holds_writer_gate());
                worst_tx = worst_tx.max(t.elapsed());
            }
            (worst_wait, worst_tx)
        }));
    }
    let (mut worst_wait, mut worst_tx) = (Duration::ZERO, Duration::ZERO);
    for t in tasks {
        let (wait, tx) = t.await.unwrap();
        worst_wait = worst_wait.max(wait);
        worst_tx = worst_tx.max(tx);
    }
    let total = started.elapsed();
    assert_eq!(count(&dbs).await, writers * per_writer * 3);
    let busy = busy_waits() - busy_before;
    println!(
            "sqlite: {} transactions from {writers} writers in {total:?}; longest wait for BEGIN {worst_wait:?}, longest transaction {worst_tx:?}, busy-handler sleeps {busy}",
            writers * per_writer
        );
    assert_eq!(busy, 0, "writers went through the busy handler");
    // A waiter has at most 31 transactions ahead of it; each takes well
    // under a few milliseconds. The bound leaves room for a loaded machine.
    assert!(
        worst_wait < Duration::from_secs(1),
        "longest wait for BEGIN {worst_wait:?}"
    );
}

/// A transaction left open by a connection that is dropped (the instance
/// ended or trapped) is rolled back and the gate passes on at once, also
/// to a writer already waiting for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connection_releases_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let dbs = Arc::new(SqliteDatabases::new(dir.path()).unwrap());
    let allowed = labels(&["default"]);
    setup_table(&dbs).await;

    let mut abandoned = dbs.open("default", &allowed).await.unwrap();
    abandoned
        .execute("BEGIN IMMEDIATE".into(), vec![])
        .await
        .unwrap();
    abandoned
        .execute("INSERT INTO c (v) VALUES (1)".into(), vec![])
        .await
        .unwrap();
    assert!(abandoned.holds_writer_gate());

    let waiter = {
        let dbs = dbs.clone();
        tokio::spawn(async move {
            let mut c = dbs.open("default", &labels(&["default"])).await.unwrap();
            c.execute("BEGIN IMMEDIATE".into(), vec![]).await.unwrap();
            c.execute("INSERT INTO c (v) VALUES (2)".into(), vec![])
                .await
                .unwrap();
            c.execute("COMMIT".into(), vec![]).await.unwrap();
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !waiter.is_finished(),
        "the waiter queues behind the open transaction"
    );

    drop(abandoned);
    tokio::time::timeout(Duration::from_secs(2), waiter)
        .await
        .expect("the gate was released")
        .unwrap();
    assert_eq!(count(&dbs).await, 1, "only the waiter's row is committed");

    // The same with an explicit ROLLBACK, and ROLLBACK TO keeps it.
    let mut c = dbs.open("default", &allowed).await.unwrap();
    c.execute("BEGIN".into(), vec![]).await.unwrap();
    c.execute("SAVEPOINT s".into(), vec![]).await.unwrap();
    c.execute("ROLLBACK TO s".into(), vec![]).await.unwrap();
    assert!(
        c.holds_writer_gate(),
        "ROLLBACK TO does not end the transaction"
    );
    c.execute("ROLLBACK".into(), vec![]).await.unwrap();
    assert!(!c.holds_writer_gate());
    // A failing BEGIN leaves no transaction and no gate behind.
    assert!(c.execute("BEGIN BOGUS".into(), vec![]).await.is_err());
    assert!(!c.holds_writer_gate());
    // A savepoint outside a transaction opens one; releasing it ends it.
    c.execute("SAVEPOINT outer".into(), vec![]).await.unwrap();
    assert!(c.holds_writer_gate());
    c.execute("RELEASE outer".into(), vec![]).await.unwrap();
    assert!(!c.holds_writer_gate());
}

/// Reads do not wait for a writer; writes outside a transaction wait for
/// the gate, one statement at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_not_blocked_by_a_write_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let dbs = Arc::new(SqliteDatabases::new(dir.path()).unwrap());
    let allowed = labels(&["default"]);
    setup_table(&dbs).await;

    let mut writer = dbs.open("default", &allowed).await.unwrap();
    writer
        .execute("BEGIN IMMEDIATE".into(), vec![])
        .await
        .unwrap();
    writer
        .execute("INSERT INTO c (v) VALUES (1)".into(), vec![])
        .await
        .unwrap();

    let mut reader = dbs.open("default", &allowed).await.unwrap();
    for read in [
        "SELECT count(*) FROM c",
        "-- the count\n SELECT count(*) FROM c",
        "WITH n AS (SELECT count(*) AS k FROM c) SELECT k FROM n",
    ] {
        let r = tokio::time::timeout(Duration::from_secs(1), reader.execute(read.into(), vec![]))
            .await
            .expect("a read does not wait for the writer")
            .unwrap();
        assert_eq!(r.rows, [vec![SqlValue::Integer(0)]], "{read}");
        assert!(!reader.holds_writer_gate());
    }
    tokio::time::timeout(
        Duration::from_secs(1),
        reader.execute("PRAGMA journal_mode".into(), vec![]),
    )
    .await
    .expect("a PRAGMA read does not wait")
    .unwrap();

    let plain_write = {
        let dbs = dbs.clone();
        tokio::spawn(async move {
            let mut c = dbs.open("default", &labels(&["default"])).await.unwrap();
            c.execute("INSERT INTO c (v) VALUES (2)".into(), vec![])
                .await
                .unwrap();
            c.holds_writer_gate()
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!plain_write.is_finished(), "a write waits for the gate");
    writer.execute("COMMIT".into(), vec![]).await.unwrap();
    let held_after = tokio::time::timeout(Duration::from_secs(2), plain_write)
        .await
        .expect("the write proceeds after COMMIT")
        .unwrap();
    assert!(
        !held_after,
        "a write outside a transaction holds the gate only while it runs"
    );
    assert_eq!(count(&dbs).await, 2);
}

/// A second connection of the same instance writing while the first one
/// keeps a transaction open would wait forever; it gets "database is
/// locked" after the gate timeout instead.
#[tokio::test]
async fn the_gate_wait_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let dbs = SqliteDatabases::with_gate_timeout(
        dir.path(),
        SqliteMode::Tuned,
        Duration::from_millis(200),
    )
    .unwrap();
    let allowed = labels(&["default"]);
    setup_table(&dbs).await;
    let mut first = dbs.open("default", &allowed).await.unwrap();
    first.execute("BEGIN".into(), vec![]).await.unwrap();
    let mut second = dbs.open("default", &allowed).await.unwrap();
    match second
        .execute("INSERT INTO c (v) VALUES (1)".into(), vec![])
        .await
    {
        Err(SqliteError::Io(m)) => assert!(m.contains("database is locked"), "{m}"),
        other => panic!("expected a locked error, got {other:?}"),
    }
    first.execute("COMMIT".into(), vec![]).await.unwrap();
    second
        .execute("INSERT INTO c (v) VALUES (1)".into(), vec![])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn as_spin_every_open_is_a_plain_new_connection_without_the_gate() {
    async fn pragma(c: &mut SqliteConnection, p: &str) -> SqlValue {
        c.execute(p.to_string(), vec![]).await.unwrap().rows[0][0].clone()
    }
    let dir = tempfile::tempdir().unwrap();
    let dbs = SqliteDatabases::with_mode(dir.path(), SqliteMode::AsSpin).unwrap();
    let allowed = labels(&["default"]);
    let mut first = dbs.open("default", &allowed).await.unwrap();

    // Nothing switched: the file's own journal mode, and rusqlite's
    // compiled-in defaults (its bundled SQLite has foreign keys on).
    assert_eq!(
        pragma(&mut first, "PRAGMA journal_mode").await,
        SqlValue::Text("delete".into())
    );
    first
        .execute("PRAGMA synchronous = OFF".into(), vec![])
        .await
        .unwrap();
    first
        .execute("CREATE TABLE c (v INTEGER)".into(), vec![])
        .await
        .unwrap();
    first.execute("BEGIN".into(), vec![]).await.unwrap();
    first
        .execute("INSERT INTO c (v) VALUES (1)".into(), vec![])
        .await
        .unwrap();
    assert!(!first.holds_writer_gate(), "no gate as Spin");
    drop(first);
    // A new connection: the setting made on the last one is gone (2 is
    // FULL, the default), and the transaction left open was rolled back
    // when it closed.
    let mut second = dbs.open("default", &allowed).await.unwrap();
    assert_eq!(
        pragma(&mut second, "PRAGMA synchronous").await,
        SqlValue::Integer(2)
    );
    assert_eq!(
        pragma(&mut second, "SELECT COUNT(*) FROM c").await,
        SqlValue::Integer(0)
    );
}
