//! Throwaway PostgreSQL databases on the local server (127.0.0.1:5432).

use tokio::runtime::Runtime;
use tokio_postgres::Client;

/// The server the tests use; override with TEST_PG_URL (no database name).
pub fn server_url() -> String {
    std::env::var("TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn admin_url() -> String {
    format!("{}/postgres", server_url())
}

/// A client for `url` with the runtime that drives it: the tests are
/// blocking, so each call brings its own small runtime.
fn connect(url: &str) -> (Runtime, Client) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432 (scripts/test.sh starts it)");
        tokio::spawn(conn);
        client
    });
    (runtime, client)
}

/// Creates an empty database and returns its URL. Databases with the same
/// purpose left by earlier test processes are dropped first.
pub fn fresh_database(purpose: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mine = format!("tm_it_{purpose}_{}_", std::process::id());
    let name = format!("{mine}{n}");
    let (runtime, client) = connect(&admin_url());
    runtime.block_on(async {
        let stale = client
            .query(
                "SELECT datname FROM pg_database WHERE datname LIKE $1",
                &[&format!("tm_it_{purpose}_%")],
            )
            .await
            .unwrap();
        for row in stale {
            let old: String = row.get(0);
            if old.starts_with(&mine) {
                continue;
            }
            client
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"))
                .await
                .unwrap();
        }
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
    });
    format!("{}/{name}?sslmode=disable", server_url())
}

/// The first column of the first row, as i64.
pub fn scalar(db_url: &str, sql: &str) -> i64 {
    let (runtime, client) = connect(db_url);
    let row = runtime.block_on(client.query_one(sql, &[])).unwrap();
    row.get::<_, i64>(0)
}

/// Runs statements against the database of `db_url`.
pub fn execute(db_url: &str, sql: &str) {
    let (runtime, client) = connect(db_url);
    runtime.block_on(client.batch_execute(sql)).unwrap();
}

/// Runs statements as the superuser against the server's admin database.
pub fn admin(sql: &str) {
    let (runtime, client) = connect(&admin_url());
    runtime.block_on(client.batch_execute(sql)).unwrap();
}

/// Ends every server connection to the database of `db_url` (as a
/// failover or an administrator would); answers how many it ended.
pub fn terminate_connections(db_url: &str) -> i64 {
    let name = db_url
        .rsplit('/')
        .next()
        .and_then(|tail| tail.split('?').next())
        .unwrap_or_default()
        .to_string();
    let (runtime, client) = connect(&admin_url());
    let row = runtime
        .block_on(client.query_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&name],
        ))
        .unwrap();
    row.get::<_, i64>(0)
}
