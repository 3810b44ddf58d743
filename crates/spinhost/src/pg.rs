//! `spin:postgres/postgres@4.0.0` on pooled `tokio-postgres` connections,
//! reproducing Spin 3.6.3's `factor-outbound-pg`: the same pool settings,
//! the same strict parameter typing, column mapping and error variants.

use std::collections::HashMap;
use std::pin::pin;
use std::sync::Mutex;

use anyhow::{anyhow, Context as _};
use bytes::BufMut;
use futures::TryStreamExt as _;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};
use tokio_postgres::Row;
use wasmtime::component::Resource;

use crate::host::pg_v4::{
    self as v4, Column, DbDataType, DbValue, ParameterValue, RangeBoundKind, RowSet,
};
use crate::host::HostState;

/// Connections per address by default. Spin keeps up to 64; two hosts with
/// 64 each exhaust a default PostgreSQL server (`max_connections` 100), and
/// on a small machine a few connections serve as many requests, so the host
/// starts small and the size is a setting (`--pg-pool-size`).
pub const DEFAULT_POOL_SIZE: usize = 16;
/// Spin 3.6's `CONNECTION_POOL_SIZE`, for `--spin-compat`.
pub const SPIN_POOL_SIZE: usize = 64;
/// How long a request waits for a free connection before it fails as
/// `connection-failed` (a 503 for the app) instead of hanging.
const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// Addresses with a live pool, as in Spin.
const MAX_POOLS: usize = 16;
/// Spin's cap on a buffered query result.
const MAX_RESULT_BYTES: usize = 128 * 1024 * 1024;

/// One pool per exact address string, shared by all instances.
pub struct PgPools {
    pools: Mutex<HashMap<String, deadpool_postgres::Pool>>,
    size: usize,
}

impl PgPools {
    pub fn new(size: usize) -> PgPools {
        PgPools {
            pools: Mutex::default(),
            size: size.max(1),
        }
    }

    async fn get(&self, address: &str) -> anyhow::Result<deadpool_postgres::Object> {
        let pool = {
            let mut pools = self.pools.lock().unwrap();
            match pools.get(address) {
                Some(pool) => pool.clone(),
                None => {
                    let pool = create_pool(address, self.size)
                        .context("establishing PostgreSQL connection pool")?;
                    if pools.len() >= MAX_POOLS {
                        if let Some(evicted) = pools.keys().next().cloned() {
                            pools.remove(&evicted);
                        }
                    }
                    pools.insert(address.to_string(), pool.clone());
                    pool
                }
            }
        };
        Ok(pool.get().await?)
    }
}

fn create_pool(address: &str, size: usize) -> anyhow::Result<deadpool_postgres::Pool> {
    let config: tokio_postgres::Config = address
        .parse()
        .context("parsing Postgres connection string")?;
    let manager = deadpool_postgres::Manager::from_config(
        config,
        tokio_postgres::NoTls,
        deadpool_postgres::ManagerConfig {
            recycling_method: deadpool_postgres::RecyclingMethod::Clean,
        },
    );
    Ok(deadpool_postgres::Pool::builder(manager)
        .max_size(size)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(POOL_WAIT))
        .build()?)
}

/// A guest's `connection` resource: a pooled client checked out until the
/// guest drops the handle or its instance ends.
pub struct PgConnection {
    client: Option<deadpool_postgres::Object>,
    /// Whether the guest may have left a transaction open.
    in_transaction: bool,
}

impl PgConnection {
    fn client(&self) -> &deadpool_postgres::Object {
        self.client.as_ref().expect("client is present until drop")
    }

    fn note_statement(&mut self, statement: &str) {
        if let Some(open) = transaction_effect(statement) {
            self.in_transaction = open;
        }
    }
}

impl Drop for PgConnection {
    // deadpool's `Clean` recycling does not roll back, so a transaction that a
    // trapped or careless guest left open would carry over, locks and
    // uncommitted rows included, to whoever gets the connection next. Whether
    // Spin 3.6.3 leaks it is unconfirmed; this host rolls back before the
    // connection goes back to the pool, and discards it if that fails.
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        if !self.in_transaction {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if client.batch_execute("ROLLBACK").await.is_err() {
                        drop(deadpool_postgres::Object::take(client));
                    }
                });
            }
            Err(_) => drop(deadpool_postgres::Object::take(client)),
        }
    }
}

/// `Some(true)` when `statement` opens (or keeps open) a transaction block,
/// `Some(false)` when it ends one, `None` when it does neither. Errs on the
/// side of "open": an extra ROLLBACK is harmless.
pub fn transaction_effect(statement: &str) -> Option<bool> {
    let words: Vec<String> = strip_leading_comments(statement)
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .take(4)
        .map(str::to_ascii_uppercase)
        .collect();
    let first = words.first()?.as_str();
    let has = |w: &str| words.iter().any(|x| x == w);
    match first {
        "BEGIN" | "START" => Some(true),
        "COMMIT" | "END" | "ROLLBACK" | "ABORT" => {
            if has("TO") || (has("CHAIN") && !has("NO")) {
                Some(true)
            } else if has("PREPARED") {
                None
            } else {
                Some(false)
            }
        }
        "PREPARE" if has("TRANSACTION") => Some(false),
        _ => None,
    }
}

fn strip_leading_comments(mut sql: &str) -> &str {
    loop {
        sql = sql.trim_start();
        if let Some(rest) = sql.strip_prefix("--") {
            sql = rest.split_once('\n').map(|(_, r)| r).unwrap_or("");
        } else if let Some(rest) = sql.strip_prefix("/*") {
            sql = rest.split_once("*/").map(|(_, r)| r).unwrap_or("");
        } else {
            return sql;
        }
    }
}

// The error is the WIT `error` variant the guest receives; boxing it would
// only move the allocation.
#[allow(clippy::result_large_err)]
impl HostState {
    fn ensure_address_allowed(&self, address: &str) -> Result<(), v4::Error> {
        let config: tokio_postgres::Config = address
            .parse()
            .map_err(|e: tokio_postgres::Error| v4::Error::ConnectionFailed(e.to_string()))?;
        let ports = config.get_ports();
        for (i, host) in config.get_hosts().iter().enumerate() {
            match host {
                tokio_postgres::config::Host::Tcp(host) => {
                    // Spin pairs host i with port i, and with a single port
                    // only for host 0 (it looks up index 1 otherwise).
                    let port =
                        ports
                            .get(i)
                            .or_else(|| if ports.len() == 1 { ports.get(1) } else { None });
                    let url = match port {
                        Some(p) => format!("{host}:{p}"),
                        None => host.clone(),
                    };
                    if !self.component.allowed_hosts.check_url(&url, "postgres") {
                        return Err(v4::Error::ConnectionFailed(format!(
                            "address postgres://{url} is not permitted"
                        )));
                    }
                }
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(_) => {
                    return Err(v4::Error::ConnectionFailed(
                        "Unix sockets are not supported on WebAssembly".into(),
                    ))
                }
            }
        }
        Ok(())
    }

    fn pg_connection(&self, handle: &Resource<PgConnection>) -> Result<&PgConnection, v4::Error> {
        self.table
            .get(handle)
            .map_err(|_| v4::Error::ConnectionFailed("no connection found".into()))
    }
}

impl v4::Host for HostState {}

impl v4::HostConnection for HostState {
    async fn open(
        &mut self,
        address: String,
    ) -> wasmtime::Result<Result<Resource<PgConnection>, v4::Error>> {
        if let Err(e) = self.ensure_address_allowed(&address) {
            return Ok(Err(e));
        }
        let component = self.component.clone();
        let client = match component.services.pg.get(&address).await {
            Ok(client) => client,
            Err(e) => return Ok(Err(v4::Error::ConnectionFailed(format!("{e:?}")))),
        };
        let connection = PgConnection {
            client: Some(client),
            in_transaction: false,
        };
        Ok(self
            .table
            .push(connection)
            .map_err(|_| v4::Error::ConnectionFailed("too many connections".into())))
    }

    async fn query(
        &mut self,
        handle: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> wasmtime::Result<Result<RowSet, v4::Error>> {
        if let Ok(connection) = self.table.get_mut(&handle) {
            connection.note_statement(&statement);
        }
        let connection = match self.pg_connection(&handle) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        Ok(query(connection.client(), &statement, &params, MAX_RESULT_BYTES).await)
    }

    async fn execute(
        &mut self,
        handle: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> wasmtime::Result<Result<u64, v4::Error>> {
        if let Ok(connection) = self.table.get_mut(&handle) {
            connection.note_statement(&statement);
        }
        let connection = match self.pg_connection(&handle) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        Ok(execute(connection.client(), &statement, &params).await)
    }

    async fn drop(&mut self, handle: Resource<PgConnection>) -> wasmtime::Result<()> {
        self.table.delete(handle)?;
        Ok(())
    }
}

type SqlParam = Box<dyn ToSql + Send + Sync>;

/// `execute`: parameter conversion failures are `value-conversion-failed`.
pub async fn execute(
    client: &tokio_postgres::Client,
    statement: &str,
    params: &[ParameterValue],
) -> Result<u64, v4::Error> {
    let params = params
        .iter()
        .map(to_sql_parameter)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(|e| v4::Error::ValueConversionFailed(format!("{e:?}")))?;
    let refs: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    client.execute(statement, &refs).await.map_err(query_failed)
}

/// `query`: parameter conversion failures are `bad-parameter`; `columns`
/// come from the first row, so an empty result has none.
pub async fn query(
    client: &tokio_postgres::Client,
    statement: &str,
    params: &[ParameterValue],
    max_result_bytes: usize,
) -> Result<RowSet, v4::Error> {
    let params = params
        .iter()
        .map(to_sql_parameter)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(|e| v4::Error::BadParameter(format!("{e:?}")))?;
    let mut stream = pin!(client
        .query_raw(statement, params)
        .await
        .map_err(query_failed)?);

    let mut columns = None;
    let mut rows = Vec::new();
    let mut byte_count = std::mem::size_of::<RowSet>();
    let collected: anyhow::Result<()> = async {
        while let Some(row) = stream.try_next().await? {
            if columns.is_none() {
                columns = Some(row_columns(&row));
            }
            let values = convert_row(&row)?;
            byte_count += values.iter().map(memory_size).sum::<usize>();
            if byte_count > max_result_bytes {
                anyhow::bail!("query result exceeds limit of {max_result_bytes} bytes");
            }
            rows.push(values);
        }
        Ok(())
    }
    .await;
    collected.map_err(|e| v4::Error::QueryFailed(v4::QueryError::Text(format!("{e:?}"))))?;
    Ok(RowSet {
        columns: columns.unwrap_or_default(),
        rows,
    })
}

fn query_failed(e: tokio_postgres::Error) -> v4::Error {
    let as_text = format!("{e:?}");
    let error = match e.as_db_error() {
        None => v4::QueryError::Text(as_text),
        Some(db) => {
            let mut extras = Vec::new();
            let mut extra = |name: &str, value: Option<String>| {
                if let Some(v) = value {
                    extras.push((name.to_string(), v));
                }
            };
            extra("column", db.column().map(str::to_string));
            extra("constraint", db.constraint().map(str::to_string));
            extra("routine", db.routine().map(str::to_string));
            extra("hint", db.hint().map(str::to_string));
            extra("table", db.table().map(str::to_string));
            extra("datatype", db.datatype().map(str::to_string));
            extra("schema", db.schema().map(str::to_string));
            extra("file", db.file().map(str::to_string));
            extra("line", db.line().map(|l| l.to_string()));
            extra("where_", db.where_().map(str::to_string));
            v4::QueryError::DbError(v4::DbError {
                as_text,
                severity: db.severity().to_string(),
                code: db.code().code().to_string(),
                message: db.message().to_string(),
                detail: db.detail().map(str::to_string),
                extras,
            })
        }
    };
    v4::Error::QueryFailed(error)
}

fn memory_size(value: &DbValue) -> usize {
    let heap = match value {
        DbValue::Str(s) | DbValue::Uuid(s) | DbValue::Decimal(s) => s.len(),
        DbValue::Binary(b) | DbValue::Jsonb(b) | DbValue::Unsupported(b) => b.len(),
        DbValue::RangeDecimal((lo, hi)) => {
            lo.as_ref().map_or(0, |(s, _)| s.len()) + hi.as_ref().map_or(0, |(s, _)| s.len())
        }
        DbValue::ArrayInt32(v) => v.len() * std::mem::size_of::<Option<i32>>(),
        DbValue::ArrayInt64(v) => v.len() * std::mem::size_of::<Option<i64>>(),
        DbValue::ArrayDecimal(v) | DbValue::ArrayStr(v) => v
            .iter()
            .map(|s| std::mem::size_of::<Option<String>>() + s.as_ref().map_or(0, String::len))
            .sum(),
        _ => 0,
    };
    std::mem::size_of::<DbValue>() + heap
}

fn row_columns(row: &Row) -> Vec<Column> {
    row.columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_string(),
            data_type: data_type(c.type_()),
        })
        .collect()
}

pub fn data_type(ty: &Type) -> DbDataType {
    match *ty {
        Type::BOOL => DbDataType::Boolean,
        Type::BYTEA => DbDataType::Binary,
        Type::FLOAT4 => DbDataType::Floating32,
        Type::FLOAT8 => DbDataType::Floating64,
        Type::INT2 => DbDataType::Int16,
        Type::INT4 => DbDataType::Int32,
        Type::INT8 => DbDataType::Int64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => DbDataType::Str,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => DbDataType::Datetime,
        Type::DATE => DbDataType::Date,
        Type::TIME => DbDataType::Time,
        Type::UUID => DbDataType::Uuid,
        Type::JSONB => DbDataType::Jsonb,
        Type::NUMERIC => DbDataType::Decimal,
        Type::INT4_RANGE => DbDataType::RangeInt32,
        Type::INT8_RANGE => DbDataType::RangeInt64,
        Type::NUM_RANGE => DbDataType::RangeDecimal,
        Type::INT4_ARRAY => DbDataType::ArrayInt32,
        Type::INT8_ARRAY => DbDataType::ArrayInt64,
        Type::NUMERIC_ARRAY => DbDataType::ArrayDecimal,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => DbDataType::ArrayStr,
        Type::INTERVAL => DbDataType::Interval,
        _ => DbDataType::Other(ty.name().to_string()),
    }
}

fn convert_row(row: &Row) -> anyhow::Result<Vec<DbValue>> {
    (0..row.len()).map(|i| convert_value(row, i)).collect()
}

/// Reads column `i` as a nullable `T` and maps a present value with `f`.
fn read<'a, T: FromSql<'a>>(
    row: &'a Row,
    i: usize,
    f: impl FnOnce(T) -> anyhow::Result<DbValue>,
) -> anyhow::Result<DbValue> {
    match row.try_get::<_, Option<T>>(i)? {
        Some(v) => f(v),
        None => Ok(DbValue::DbNull),
    }
}

fn convert_value(row: &Row, i: usize) -> anyhow::Result<DbValue> {
    use chrono::{Datelike, Timelike};
    let ty = row.columns()[i].type_().clone();
    match ty {
        Type::BOOL => read(row, i, |v: bool| Ok(DbValue::Boolean(v))),
        Type::BYTEA => read(row, i, |v: Vec<u8>| Ok(DbValue::Binary(v))),
        Type::FLOAT4 => read(row, i, |v: f32| Ok(DbValue::Floating32(v))),
        Type::FLOAT8 => read(row, i, |v: f64| Ok(DbValue::Floating64(v))),
        Type::INT2 => read(row, i, |v: i16| Ok(DbValue::Int16(v))),
        Type::INT4 => read(row, i, |v: i32| Ok(DbValue::Int32(v))),
        Type::INT8 => read(row, i, |v: i64| Ok(DbValue::Int64(v))),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => read(row, i, |v: String| Ok(DbValue::Str(v))),
        // Spin 3.6.3 reads TIMESTAMPTZ as a naive date-time too, which
        // postgres-types refuses: such a column fails the query, as under Spin.
        Type::TIMESTAMP | Type::TIMESTAMPTZ => read(row, i, |v: chrono::NaiveDateTime| {
            Ok(DbValue::Datetime((
                v.year(),
                v.month().try_into()?,
                v.day().try_into()?,
                v.hour().try_into()?,
                v.minute().try_into()?,
                v.second().try_into()?,
                v.nanosecond(),
            )))
        }),
        Type::DATE => read(row, i, |v: chrono::NaiveDate| {
            Ok(DbValue::Date((
                v.year(),
                v.month().try_into()?,
                v.day().try_into()?,
            )))
        }),
        Type::TIME => read(row, i, |v: chrono::NaiveTime| {
            Ok(DbValue::Time((
                v.hour().try_into()?,
                v.minute().try_into()?,
                v.second().try_into()?,
                v.nanosecond(),
            )))
        }),
        Type::UUID => read(row, i, |v: uuid::Uuid| Ok(DbValue::Uuid(v.to_string()))),
        Type::JSONB => read(row, i, |v: serde_json::Value| {
            Ok(DbValue::Jsonb(
                serde_json::to_vec(&v).context("invalid JSON from database")?,
            ))
        }),
        Type::NUMERIC => read(row, i, |v: rust_decimal::Decimal| {
            Ok(DbValue::Decimal(v.to_string()))
        }),
        Type::INT4_RANGE => read(row, i, |v: postgres_range::Range<i32>| {
            Ok(DbValue::RangeInt32(range_to_wit(&v, |x| *x)))
        }),
        Type::INT8_RANGE => read(row, i, |v: postgres_range::Range<i64>| {
            Ok(DbValue::RangeInt64(range_to_wit(&v, |x| *x)))
        }),
        Type::NUM_RANGE => read(row, i, |v: postgres_range::Range<RangeableDecimal>| {
            Ok(DbValue::RangeDecimal(range_to_wit(&v, |d| d.0.to_string())))
        }),
        Type::INT4_ARRAY => read(row, i, |v: Vec<Option<i32>>| Ok(DbValue::ArrayInt32(v))),
        Type::INT8_ARRAY => read(row, i, |v: Vec<Option<i64>>| Ok(DbValue::ArrayInt64(v))),
        Type::NUMERIC_ARRAY => read(row, i, |v: Vec<Option<rust_decimal::Decimal>>| {
            Ok(DbValue::ArrayDecimal(
                v.into_iter().map(|d| d.map(|d| d.to_string())).collect(),
            ))
        }),
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => {
            read(row, i, |v: Vec<Option<String>>| Ok(DbValue::ArrayStr(v)))
        }
        Type::INTERVAL => read(row, i, |v: Interval| Ok(DbValue::Interval(v.0))),
        _ => read(row, i, |v: RawBytes| Ok(DbValue::Unsupported(v.0))),
    }
}

type WitRange<T> = (Option<(T, RangeBoundKind)>, Option<(T, RangeBoundKind)>);

fn range_to_wit<T: PartialOrd + postgres_range::Normalizable, W>(
    range: &postgres_range::Range<T>,
    f: impl Fn(&T) -> W,
) -> WitRange<W> {
    fn kind(t: postgres_range::BoundType) -> RangeBoundKind {
        match t {
            postgres_range::BoundType::Inclusive => RangeBoundKind::Inclusive,
            postgres_range::BoundType::Exclusive => RangeBoundKind::Exclusive,
        }
    }
    (
        range.lower().map(|b| (f(&b.value), kind(b.type_))),
        range.upper().map(|b| (f(&b.value), kind(b.type_))),
    )
}

fn range_from_wit<T: PartialOrd + postgres_range::Normalizable>(
    (lower, upper): WitRange<T>,
) -> postgres_range::Range<T> {
    fn kind(k: RangeBoundKind) -> postgres_range::BoundType {
        match k {
            RangeBoundKind::Inclusive => postgres_range::BoundType::Inclusive,
            RangeBoundKind::Exclusive => postgres_range::BoundType::Exclusive,
        }
    }
    postgres_range::Range::new(
        lower.map(|(v, k)| postgres_range::RangeBound::new(v, kind(k))),
        upper.map(|(v, k)| postgres_range::RangeBound::new(v, kind(k))),
    )
}

fn parse_decimal(text: &str) -> anyhow::Result<rust_decimal::Decimal> {
    rust_decimal::Decimal::from_str_exact(text).with_context(|| format!("invalid decimal {text}"))
}

/// Maps a guest parameter to the one Rust type Spin binds it as. No
/// widening: an `int32` sent to a BIGINT column fails to serialize.
pub fn to_sql_parameter(value: &ParameterValue) -> anyhow::Result<SqlParam> {
    Ok(match value {
        ParameterValue::Boolean(v) => Box::new(*v),
        ParameterValue::Int8(v) => Box::new(*v),
        ParameterValue::Int16(v) => Box::new(*v),
        ParameterValue::Int32(v) => Box::new(*v),
        ParameterValue::Int64(v) => Box::new(*v),
        ParameterValue::Floating32(v) => Box::new(*v),
        ParameterValue::Floating64(v) => Box::new(*v),
        ParameterValue::Str(v) => Box::new(v.clone()),
        ParameterValue::Binary(v) => Box::new(v.clone()),
        ParameterValue::Date((y, m, d)) => Box::new(
            chrono::NaiveDate::from_ymd_opt(*y, (*m).into(), (*d).into())
                .ok_or_else(|| anyhow!("invalid date y={y}, m={m}, d={d}"))?,
        ),
        ParameterValue::Time((h, min, s, ns)) => Box::new(
            chrono::NaiveTime::from_hms_nano_opt((*h).into(), (*min).into(), (*s).into(), *ns)
                .ok_or_else(|| anyhow!("invalid time {h}:{min}:{s}:{ns}"))?,
        ),
        ParameterValue::Datetime((y, mon, d, h, min, s, ns)) => {
            let date = chrono::NaiveDate::from_ymd_opt(*y, (*mon).into(), (*d).into())
                .ok_or_else(|| anyhow!("invalid date y={y}, m={mon}, d={d}"))?;
            let time =
                chrono::NaiveTime::from_hms_nano_opt((*h).into(), (*min).into(), (*s).into(), *ns)
                    .ok_or_else(|| anyhow!("invalid time {h}:{min}:{s}:{ns}"))?;
            Box::new(chrono::NaiveDateTime::new(date, time))
        }
        ParameterValue::Timestamp(v) => Box::new(
            chrono::DateTime::<chrono::Utc>::from_timestamp(*v, 0)
                .ok_or_else(|| anyhow!("invalid epoch timestamp {v}"))?,
        ),
        ParameterValue::Uuid(v) => {
            Box::new(uuid::Uuid::parse_str(v).with_context(|| format!("invalid UUID {v}"))?)
        }
        ParameterValue::Jsonb(v) => Box::new(
            serde_json::from_slice::<serde_json::Value>(v)
                .with_context(|| format!("invalid JSON {}", String::from_utf8_lossy(v)))?,
        ),
        ParameterValue::Decimal(v) => Box::new(parse_decimal(v)?),
        ParameterValue::RangeInt32(r) => Box::new(range_from_wit(*r)),
        ParameterValue::RangeInt64(r) => Box::new(range_from_wit(*r)),
        ParameterValue::RangeDecimal((lower, upper)) => {
            let bound = |b: &Option<(String, RangeBoundKind)>| -> anyhow::Result<_> {
                b.as_ref()
                    .map(|(v, k)| Ok((RangeableDecimal(parse_decimal(v)?), *k)))
                    .transpose()
            };
            Box::new(range_from_wit((bound(lower)?, bound(upper)?)))
        }
        ParameterValue::ArrayInt32(v) => Box::new(v.clone()),
        ParameterValue::ArrayInt64(v) => Box::new(v.clone()),
        ParameterValue::ArrayDecimal(v) => Box::new(
            v.iter()
                .map(|d| d.as_deref().map(parse_decimal).transpose())
                .collect::<anyhow::Result<Vec<_>>>()?,
        ),
        ParameterValue::ArrayStr(v) => Box::new(v.clone()),
        ParameterValue::Interval(v) => Box::new(Interval(*v)),
        ParameterValue::DbNull => Box::new(PgNull),
    })
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// NULL of whatever type the server expects; a typed `None` would be
/// checked against the column type.
#[derive(Debug)]
struct PgNull;

impl ToSql for PgNull {
    fn to_sql(&self, _: &Type, _: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(&self, _: &Type, _: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }
}

/// INTERVAL in its binary wire form: microseconds, days, months.
#[derive(Debug)]
struct Interval(v4::Interval);

impl ToSql for Interval {
    tokio_postgres::types::to_sql_checked!();

    fn to_sql(&self, _: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        out.put_i64(self.0.micros);
        out.put_i32(self.0.days);
        out.put_i32(self.0.months);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

impl<'a> FromSql<'a> for Interval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        if raw.len() != 16 {
            return Err("unexpected binary format for Postgres INTERVAL".into());
        }
        let micros = i64::from_be_bytes(raw[0..8].try_into()?);
        let days = i32::from_be_bytes(raw[8..12].try_into()?);
        let months = i32::from_be_bytes(raw[12..16].try_into()?);
        Ok(Self(v4::Interval {
            micros,
            days,
            months,
        }))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

/// Any other type, handed to the guest as its raw wire bytes.
struct RawBytes(Vec<u8>);

impl<'a> FromSql<'a> for RawBytes {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Self(raw.to_vec()))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// `Decimal` usable as a range bound.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct RangeableDecimal(rust_decimal::Decimal);

impl ToSql for RangeableDecimal {
    tokio_postgres::types::to_sql_checked!();

    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        self.0.to_sql(ty, out)
    }

    fn accepts(ty: &Type) -> bool {
        <rust_decimal::Decimal as ToSql>::accepts(ty)
    }
}

impl<'a> FromSql<'a> for RangeableDecimal {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Self(rust_decimal::Decimal::from_sql(ty, raw)?))
    }

    fn accepts(ty: &Type) -> bool {
        <rust_decimal::Decimal as FromSql>::accepts(ty)
    }
}

impl postgres_range::Normalizable for RangeableDecimal {
    fn normalize<S: postgres_range::BoundSided>(
        bound: postgres_range::RangeBound<S, Self>,
    ) -> postgres_range::RangeBound<S, Self> {
        bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_tracking() {
        for (sql, effect) in [
            ("BEGIN", Some(true)),
            ("  begin;", Some(true)),
            ("-- note\nBEGIN ISOLATION LEVEL SERIALIZABLE", Some(true)),
            ("/* x */ START TRANSACTION", Some(true)),
            ("COMMIT", Some(false)),
            ("rollback", Some(false)),
            ("END", Some(false)),
            ("ROLLBACK TO SAVEPOINT a", Some(true)),
            ("COMMIT AND CHAIN", Some(true)),
            ("COMMIT AND NO CHAIN", Some(false)),
            ("COMMIT PREPARED 'x'", None),
            ("PREPARE TRANSACTION 'x'", Some(false)),
            ("SELECT 1", None),
            ("INSERT INTO t VALUES (1)", None),
            ("", None),
        ] {
            assert_eq!(transaction_effect(sql), effect, "{sql}");
        }
    }

    #[test]
    fn parameter_conversion_errors() {
        assert!(to_sql_parameter(&ParameterValue::Uuid("nope".into())).is_err());
        assert!(to_sql_parameter(&ParameterValue::Decimal("1.2.3".into())).is_err());
        assert!(to_sql_parameter(&ParameterValue::Date((2024, 13, 1))).is_err());
        assert!(to_sql_parameter(&ParameterValue::Jsonb(b"{".to_vec())).is_err());
        assert!(to_sql_parameter(&ParameterValue::Int32(1)).is_ok());
    }
}
