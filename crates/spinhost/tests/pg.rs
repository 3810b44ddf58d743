//! The `spin:postgres@4.0.0` host against a real PostgreSQL (127.0.0.1:5432,
//! trust auth), in a throwaway database, called the way a guest's calls
//! arrive: through the generated host traits.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use spinhost::allowed_hosts::{AllowedHost, AllowedHosts};
use spinhost::host::pg_v4::{
    DbDataType, DbValue, Error, HostConnection, ParameterValue, QueryError,
};
use spinhost::host::{ComponentContext, HostState, SharedServices};
use spinhost::outbound::OutboundHooks;
use spinhost::pg::{PgConnection, PgPools};
use spinhost::sqlite::SqliteDatabases;
use spinhost::variables::{ComponentVariables, VariableResolver};
use wasmtime::component::Resource;

const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

struct TestDb {
    name: String,
    url: String,
}

impl TestDb {
    async fn create(tag: &str) -> TestDb {
        let name = format!("spinhost_{tag}_{}", std::process::id());
        let admin = admin().await;
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
        TestDb { name, url }
    }

    async fn drop_db(self) {
        let admin = admin().await;
        let _ = admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await;
    }
}

async fn admin() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(ADMIN_URL, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL must be running on 127.0.0.1:5432");
    tokio::spawn(connection);
    client
}

fn context(services: Arc<SharedServices>, allowed: &[&str]) -> Arc<ComponentContext> {
    let resolver = Arc::new(VariableResolver::new(BTreeMap::new(), HashMap::new()));
    let allowed = AllowedHosts::from_entries(
        allowed
            .iter()
            .map(|e| AllowedHost::parse(e).unwrap())
            .collect(),
    );
    Arc::new(ComponentContext {
        id: "test".into(),
        variables: ComponentVariables::new("test", HashMap::new(), resolver),
        allowed_hosts: Arc::new(allowed),
        sqlite_databases: HashSet::new(),
        environment: Vec::new(),
        services,
    })
}

fn services() -> Arc<SharedServices> {
    let dir = std::env::temp_dir().join(format!("spinhost-pg-{}", std::process::id()));
    Arc::new(SharedServices {
        pg: PgPools::new(spinhost::DEFAULT_PG_POOL_SIZE),
        sqlite: SqliteDatabases::new(&dir).unwrap(),
    })
}

fn state(ctx: &Arc<ComponentContext>) -> HostState {
    let hooks = OutboundHooks::new("test", ctx.allowed_hosts.clone(), None, false);
    HostState::new(ctx.clone(), hooks)
}

fn handle(r: &Resource<PgConnection>) -> Resource<PgConnection> {
    Resource::new_own(r.rep())
}

async fn open(state: &mut HostState, url: &str) -> Resource<PgConnection> {
    HostConnection::open(state, url.to_string())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("open {url}: {e:?}"))
}

async fn query(
    state: &mut HostState,
    conn: &Resource<PgConnection>,
    sql: &str,
    params: Vec<ParameterValue>,
) -> Result<spinhost::host::pg_v4::RowSet, Error> {
    HostConnection::query(state, handle(conn), sql.to_string(), params)
        .await
        .unwrap()
}

async fn execute(
    state: &mut HostState,
    conn: &Resource<PgConnection>,
    sql: &str,
    params: Vec<ParameterValue>,
) -> Result<u64, Error> {
    HostConnection::execute(state, handle(conn), sql.to_string(), params)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn type_mapping_and_errors_follow_spin() {
    let db = TestDb::create("types").await;
    let ctx = context(services(), &["postgres://127.0.0.1:5432"]);
    let mut st = state(&ctx);
    let c = open(&mut st, &db.url).await;

    execute(
        &mut st,
        &c,
        "CREATE TABLE t (id BIGINT PRIMARY KEY, small SMALLINT, name TEXT NOT NULL, at TIMESTAMP, \
         atz TIMESTAMPTZ, day DATE, price NUMERIC, doc JSONB, uid UUID, tags TEXT[], span INTERVAL)",
        vec![],
    )
    .await
    .unwrap();

    let inserted = execute(
        &mut st,
        &c,
        "INSERT INTO t (id, small, name, at, atz, day, price, doc, uid, tags, span) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        vec![
            ParameterValue::Int64(1),
            ParameterValue::Int16(2),
            ParameterValue::Str("first".into()),
            ParameterValue::Datetime((2024, 5, 6, 7, 8, 9, 0)),
            ParameterValue::Timestamp(1_700_000_000),
            ParameterValue::Date((2024, 2, 29)),
            ParameterValue::Decimal("12.50".into()),
            ParameterValue::Jsonb(br#"{"a":1}"#.to_vec()),
            ParameterValue::Uuid("67e55044-10b1-426f-9247-bb680e5fe0c8".into()),
            ParameterValue::ArrayStr(vec![Some("x".into()), None]),
            ParameterValue::Interval(spinhost::host::pg_v4::Interval {
                micros: 1_000_000,
                days: 2,
                months: 3,
            }),
        ],
    )
    .await
    .unwrap();
    assert_eq!(inserted, 1);

    let rows = query(
        &mut st,
        &c,
        "SELECT id, small, name, at, day, price, doc, uid, tags, span, NULL::text AS nothing FROM t",
        vec![],
    )
    .await
    .unwrap();
    let types: Vec<DbDataType> = rows.columns.iter().map(|c| c.data_type.clone()).collect();
    assert_eq!(
        types,
        [
            DbDataType::Int64,
            DbDataType::Int16,
            DbDataType::Str,
            DbDataType::Datetime,
            DbDataType::Date,
            DbDataType::Decimal,
            DbDataType::Jsonb,
            DbDataType::Uuid,
            DbDataType::ArrayStr,
            DbDataType::Interval,
            DbDataType::Str,
        ]
    );
    let row = &rows.rows[0];
    assert_eq!(row[0], DbValue::Int64(1));
    assert_eq!(row[1], DbValue::Int16(2));
    assert_eq!(row[2], DbValue::Str("first".into()));
    assert_eq!(row[3], DbValue::Datetime((2024, 5, 6, 7, 8, 9, 0)));
    assert_eq!(row[4], DbValue::Date((2024, 2, 29)));
    assert_eq!(row[5], DbValue::Decimal("12.50".into()));
    assert_eq!(row[6], DbValue::Jsonb(br#"{"a":1}"#.to_vec()));
    assert_eq!(
        row[7],
        DbValue::Uuid("67e55044-10b1-426f-9247-bb680e5fe0c8".into())
    );
    assert_eq!(row[8], DbValue::ArrayStr(vec![Some("x".into()), None]));
    assert!(
        matches!(row[9], DbValue::Interval(i) if i.micros == 1_000_000 && i.days == 2 && i.months == 3)
    );
    assert_eq!(row[10], DbValue::DbNull);

    // Unmapped types come back raw, typed by name.
    let rows = query(&mut st, &c, "SELECT ARRAY[1::int2] AS a", vec![])
        .await
        .unwrap();
    assert_eq!(rows.columns[0].data_type, DbDataType::Other("_int2".into()));
    assert!(matches!(rows.rows[0][0], DbValue::Unsupported(_)));

    // An empty result has no columns.
    let empty = query(&mut st, &c, "SELECT id FROM t WHERE id = -1", vec![])
        .await
        .unwrap();
    assert!(empty.columns.is_empty() && empty.rows.is_empty());

    // Parameters are strictly typed: no widening of int32 into BIGINT.
    let err = query(
        &mut st,
        &c,
        "SELECT * FROM t WHERE id = $1",
        vec![ParameterValue::Int32(1)],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::QueryFailed(QueryError::Text(t)) if t.contains("WrongType")),
        "{err:?}"
    );
    let err = execute(
        &mut st,
        &c,
        "UPDATE t SET small = $1",
        vec![ParameterValue::Int8(1)],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::QueryFailed(QueryError::Text(_))),
        "{err:?}"
    );

    // TIMESTAMPTZ cannot be read, as under Spin 3.6.3.
    let err = query(&mut st, &c, "SELECT atz FROM t", vec![])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::QueryFailed(QueryError::Text(t)) if t.contains("deserializ")),
        "{err:?}"
    );
    let ok = query(
        &mut st,
        &c,
        "SELECT atz AT TIME ZONE 'UTC' AS atz FROM t",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(
        ok.rows[0][0],
        DbValue::Datetime((2023, 11, 14, 22, 13, 20, 0))
    );

    // A value the host cannot convert: BadParameter from query,
    // ValueConversionFailed from execute.
    let bad_uuid = || vec![ParameterValue::Uuid("not-a-uuid".into())];
    assert!(matches!(
        query(&mut st, &c, "SELECT $1::uuid", bad_uuid()).await,
        Err(Error::BadParameter(_))
    ));
    assert!(matches!(
        execute(&mut st, &c, "SELECT $1::uuid", bad_uuid()).await,
        Err(Error::ValueConversionFailed(_))
    ));

    // Server errors carry the SQLSTATE and the structured fields.
    let dup = execute(
        &mut st,
        &c,
        "INSERT INTO t (id, name) VALUES ($1, $2)",
        vec![
            ParameterValue::Int64(1),
            ParameterValue::Str("again".into()),
        ],
    )
    .await
    .unwrap_err();
    match dup {
        Error::QueryFailed(QueryError::DbError(e)) => {
            assert_eq!(e.code, "23505");
            assert_eq!(e.severity, "ERROR");
            assert!(e.message.contains("duplicate key"), "{}", e.message);
            assert!(e.detail.is_some());
            assert!(e
                .extras
                .iter()
                .any(|(k, v)| k == "constraint" && v == "t_pkey"));
            assert!(e.extras.iter().any(|(k, v)| k == "table" && v == "t"));
        }
        other => panic!("{other:?}"),
    }
    // NULL of any type.
    execute(
        &mut st,
        &c,
        "INSERT INTO t (id, name, price) VALUES ($1, $2, $3)",
        vec![
            ParameterValue::Int64(2),
            ParameterValue::Str("n".into()),
            ParameterValue::DbNull,
        ],
    )
    .await
    .unwrap();

    HostConnection::drop(&mut st, c).await.unwrap();
    drop(st);
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_are_checked_against_allowed_hosts() {
    let ctx = context(services(), &["postgres://127.0.0.1:5432"]);
    let mut st = state(&ctx);
    for (url, denied) in [
        (
            "postgres://postgres@localhost:5432/postgres",
            "localhost:5432",
        ),
        (
            "postgres://postgres@127.0.0.1:5433/postgres",
            "127.0.0.1:5433",
        ),
        ("host=10.1.1.1 user=postgres", "10.1.1.1"),
    ] {
        let result = HostConnection::open(&mut st, url.to_string())
            .await
            .unwrap();
        match result {
            Err(Error::ConnectionFailed(m)) => {
                assert_eq!(m, format!("address postgres://{denied} is not permitted"))
            }
            other => panic!("{url}: {:?}", other.map(|r| r.rep())),
        }
    }
    let unix = HostConnection::open(&mut st, "host=/var/run/postgresql user=postgres".into())
        .await
        .unwrap();
    assert!(matches!(unix, Err(Error::ConnectionFailed(m)) if m.contains("Unix sockets")));
}

/// A guest that begins a transaction and never commits (a trap, or simply
/// returning) must not hand that transaction to the next user of the
/// pooled connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_transaction_does_not_leak_through_the_pool() {
    let db = TestDb::create("leak").await;
    let ctx = context(services(), &["postgres://127.0.0.1:5432"]);

    let mut setup = state(&ctx);
    let c = open(&mut setup, &db.url).await;
    execute(&mut setup, &c, "CREATE TABLE items (id BIGINT)", vec![])
        .await
        .unwrap();
    drop(setup);

    let mut careless = state(&ctx);
    let c = open(&mut careless, &db.url).await;
    execute(&mut careless, &c, "BEGIN", vec![]).await.unwrap();
    execute(&mut careless, &c, "INSERT INTO items VALUES (1)", vec![])
        .await
        .unwrap();
    let pid = query(&mut careless, &c, "SELECT pg_backend_pid()", vec![])
        .await
        .unwrap()
        .rows[0][0]
        .clone();
    // The instance ends without COMMIT: its store (and table) is dropped.
    drop(careless);

    let mut next = state(&ctx);
    let mut reused = false;
    for _ in 0..50 {
        let c = open(&mut next, &db.url).await;
        let rows = query(&mut next, &c, "SELECT pg_backend_pid()", vec![])
            .await
            .unwrap();
        reused = rows.rows[0][0] == pid;
        let in_tx = query(&mut next, &c, "SELECT count(*)::int8 FROM items", vec![])
            .await
            .unwrap();
        assert_eq!(
            in_tx.rows[0][0],
            DbValue::Int64(0),
            "the abandoned insert is visible"
        );

        // Inside the old transaction, the guest would see its own insert.
        HostConnection::drop(&mut next, c).await.unwrap();
        if reused {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(reused, "the pool never handed the connection out again");
    drop(next);
    let idle_in_tx = admin()
        .await
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
            &[&db.name],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(idle_in_tx, 0);
    db.drop_db().await;
}
