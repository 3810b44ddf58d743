//! `fermyon:spin/sqlite@2.0.0` and `spin:sqlite/sqlite@3.0.0`: the guest
//! resources and the host functions of both versions, over one
//! [`SqliteConnection`].

use wasmtime::component::Resource;

use super::{QueryResult, SqlValue, SqliteConnection, SqliteError};
use crate::host::{sqlite_v2 as v2, sqlite_v3 as v3, HostState};

/// The guest resource of `fermyon:spin/sqlite@2.0.0` and of
/// `spin:sqlite@3.0.0`: one type each, since wasmtime tells resources apart
/// by their host type, over the same connection.
pub struct SqliteConnectionV2(SqliteConnection);
pub struct SqliteConnectionV3(SqliteConnection);

/// What the host glue of both interface versions needs of their resource.
trait GuestConnection: Send + 'static {
    fn wrap(conn: SqliteConnection) -> Self;
    fn connection(&mut self) -> &mut SqliteConnection;
}

impl GuestConnection for SqliteConnectionV2 {
    fn wrap(conn: SqliteConnection) -> Self {
        Self(conn)
    }
    fn connection(&mut self) -> &mut SqliteConnection {
        &mut self.0
    }
}

impl GuestConnection for SqliteConnectionV3 {
    fn wrap(conn: SqliteConnection) -> Self {
        Self(conn)
    }
    fn connection(&mut self) -> &mut SqliteConnection {
        &mut self.0
    }
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

/// The `open` and `execute` of both interface versions: they differ only in
/// the types of the resource, values, results and errors.
impl HostState {
    async fn sqlite_open<C: GuestConnection, E: From<SqliteError>>(
        &mut self,
        label: &str,
    ) -> Result<Resource<C>, E> {
        let component = self.component.clone();
        let conn = component
            .services
            .sqlite
            .open(label, &component.sqlite_databases)
            .await?;
        self.table
            .push(C::wrap(conn))
            .map_err(|_| SqliteError::Io("too many connections opened".into()).into())
    }

    async fn sqlite_execute<C, V, R, E>(
        &mut self,
        handle: &Resource<C>,
        statement: String,
        parameters: Vec<V>,
    ) -> Result<R, E>
    where
        C: GuestConnection,
        V: Into<SqlValue>,
        R: From<QueryResult>,
        E: From<SqliteError>,
    {
        let Ok(conn) = self.table.get_mut(handle) else {
            return Err(SqliteError::InvalidConnection.into());
        };
        let params = parameters.into_iter().map(Into::into).collect();
        conn.connection()
            .execute(statement, params)
            .await
            .map(Into::into)
            .map_err(Into::into)
    }
}

impl v2::Host for HostState {}

impl v2::HostConnection for HostState {
    async fn open(
        &mut self,
        database: String,
    ) -> wasmtime::Result<Result<Resource<SqliteConnectionV2>, v2::Error>> {
        Ok(self.sqlite_open(&database).await)
    }

    async fn execute(
        &mut self,
        handle: Resource<SqliteConnectionV2>,
        statement: String,
        parameters: Vec<v2::Value>,
    ) -> wasmtime::Result<Result<v2::QueryResult, v2::Error>> {
        Ok(self.sqlite_execute(&handle, statement, parameters).await)
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
        Ok(self.sqlite_open(&database).await)
    }

    async fn execute(
        &mut self,
        handle: Resource<SqliteConnectionV3>,
        statement: String,
        parameters: Vec<v3::Value>,
    ) -> wasmtime::Result<Result<v3::QueryResult, v3::Error>> {
        Ok(self.sqlite_execute(&handle, statement, parameters).await)
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
