//! The per-instance store data and the bindings for the Spin interfaces in
//! the project's `wit/` folder.

use std::collections::HashSet;
use std::sync::Arc;

use wasmtime::component::{HasSelf, Linker, ResourceTable};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::allowed_hosts::AllowedHosts;
use crate::outbound::OutboundHooks;
use crate::pg::PgPools;
use crate::sqlite::SqliteDatabases;
use crate::variables::{ComponentVariables, VariableError};

wasmtime::component::bindgen!({
    path: "../../wit",
    world: "taskmanager:host/spin-host",
    imports: { default: async | trappable },
    additional_derives: [PartialEq],
    with: {
        "spin:postgres/postgres.connection": crate::pg::PgConnection,
        "fermyon:spin/sqlite.connection": crate::sqlite::SqliteConnectionV2,
        "spin:sqlite/sqlite.connection": crate::sqlite::SqliteConnectionV3,
    },
});

pub use fermyon::spin::sqlite as sqlite_v2;
pub use fermyon::spin::variables as variables_v2;
pub use spin::postgres::postgres as pg_v4;
pub use spin::sqlite::sqlite as sqlite_v3;

/// Services shared by every instance of the app.
pub struct SharedServices {
    pub pg: PgPools,
    pub sqlite: SqliteDatabases,
}

/// What one component may do, fixed at load time.
pub struct ComponentContext {
    pub id: String,
    pub variables: ComponentVariables,
    pub allowed_hosts: Arc<AllowedHosts>,
    pub sqlite_databases: HashSet<String>,
    pub environment: Vec<(String, String)>,
    pub services: Arc<SharedServices>,
}

/// The data of one `Store`: one per request, dropped with the instance.
pub struct HostState {
    pub(crate) table: ResourceTable,
    pub(crate) wasi: WasiCtx,
    pub(crate) http: WasiHttpCtx,
    pub(crate) hooks: OutboundHooks,
    pub(crate) component: Arc<ComponentContext>,
}

impl HostState {
    pub fn new(component: Arc<ComponentContext>, hooks: OutboundHooks) -> Self {
        let mut wasi = wasmtime_wasi::WasiCtxBuilder::new();
        wasi.inherit_stdout().inherit_stderr();
        wasi.envs(&component.environment);
        Self {
            table: ResourceTable::new(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks,
            component,
        }
    }

    pub fn component(&self) -> &ComponentContext {
        &self.component
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Adds WASI, wasi:http and the Spin interfaces to `linker`.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> anyhow::Result<()> {
    wasmtime_wasi::p2::add_to_linker_async(linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(linker)?;
    SpinHost::add_to_linker::<HostState, HasSelf<HostState>>(linker, |state| state)?;
    Ok(())
}

impl variables_v2::Host for HostState {
    async fn get(&mut self, name: String) -> wasmtime::Result<Result<String, variables_v2::Error>> {
        Ok(self.component.variables.get(&name).map_err(|e| match e {
            VariableError::InvalidName(m) => variables_v2::Error::InvalidName(m),
            VariableError::Undefined(m) => variables_v2::Error::Undefined(m),
            VariableError::Provider(m) => variables_v2::Error::Provider(m),
            VariableError::Other(m) => variables_v2::Error::Other(m),
        }))
    }
}
