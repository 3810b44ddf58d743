//! Throwaway PostgreSQL databases on the local server (127.0.0.1:5432).

/// The server the tests use; override with TEST_PG_URL (no database name).
pub fn server_url() -> String {
    std::env::var("TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Creates an empty database for this test process and returns its URL.
/// Databases left by earlier runs with the same purpose are dropped first.
pub fn fresh_database(purpose: &str) -> String {
    let name = format!("tm_it_{purpose}_{}", std::process::id());
    let admin = format!("{}/postgres", server_url());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432 (scripts/test.sh starts it)");
        tokio::spawn(conn);
        let stale = client
            .query(
                "SELECT datname FROM pg_database WHERE datname LIKE $1",
                &[&format!("tm_it_{purpose}_%")],
            )
            .await
            .unwrap();
        for row in stale {
            let old: String = row.get(0);
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
