//! Loading an app: manifest, variables, compiled components and the
//! per-component contexts that every request's instance gets.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use wasmtime::component::{Component, Linker};
use wasmtime::Engine;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use crate::allowed_hosts::AllowedHosts;
use crate::cache::{self, CacheOutcome, EngineOptions};
use crate::host::{self, ComponentContext, HostState, SharedServices};
use crate::manifest::Manifest;
use crate::pg::PgPools;
use crate::router::{DuplicateRoute, Router};
use crate::sqlite::{SqliteDatabases, DEFAULT_LABEL};
use crate::variables::{ComponentVariables, Template, VariableResolver};

/// How often the engine's epoch advances; the unit of request deadlines.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Where the default SQLite database lives. Default: `.spin/` next to
    /// the manifest.
    pub state_dir: Option<PathBuf>,
    /// Compiled components. Default: `target/spinhost-cache/` next to the
    /// manifest.
    pub cache_dir: Option<PathBuf>,
    /// Compile every start, writing nothing.
    pub disable_cache: bool,
    /// Variable values that beat `SPIN_VARIABLE_*` and the manifest defaults
    /// (`--variable k=v`).
    pub variables: HashMap<String, String>,
    /// One stderr line per request, plus guest failures and denied
    /// outbound requests.
    pub log_requests: bool,
    /// A request whose guest runs longer than this is trapped (500).
    pub request_timeout: Duration,
    /// PostgreSQL connections per database address.
    pub pg_pool_size: usize,
    /// How SQLite connections are made and shared.
    pub sqlite_mode: crate::SqliteMode,
    pub engine: EngineOptions,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            state_dir: None,
            cache_dir: None,
            disable_cache: false,
            variables: HashMap::new(),
            log_requests: true,
            request_timeout: Duration::from_secs(300),
            pg_pool_size: crate::pg::DEFAULT_POOL_SIZE,
            sqlite_mode: crate::SqliteMode::Tuned,
            engine: EngineOptions::default(),
        }
    }
}

/// One component, ready to be instantiated for a request.
pub(crate) struct LoadedComponent {
    pub(crate) pre: ProxyPre<HostState>,
    pub(crate) context: Arc<ComponentContext>,
}

/// How each component was obtained at load time.
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub component_id: String,
    pub from_cache: bool,
    pub elapsed: Duration,
}

pub(crate) struct AppInner {
    pub(crate) manifest: Manifest,
    pub(crate) engine: Engine,
    pub(crate) router: Router,
    pub(crate) components: HashMap<String, LoadedComponent>,
    pub(crate) options: AppOptions,
    pub(crate) services: Arc<SharedServices>,
    pub(crate) load_report: Vec<LoadReport>,
    pub(crate) duplicates: Vec<DuplicateRoute>,
    stop_ticker: Arc<AtomicBool>,
}

impl Drop for AppInner {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
    }
}

/// A loaded app. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<AppInner>,
}

impl App {
    /// Reads the manifest, compiles (or loads from the cache) every component
    /// and checks that the host provides every import. Blocks while
    /// compiling.
    pub fn load(manifest_path: impl AsRef<Path>, options: AppOptions) -> Result<App> {
        let manifest = Manifest::from_file(manifest_path.as_ref())?;
        Self::from_manifest(manifest, options)
    }

    pub fn from_manifest(manifest: Manifest, options: AppOptions) -> Result<App> {
        let (router, duplicates) = Router::build(&manifest.http_triggers)?;
        let resolver = Arc::new(VariableResolver::new(
            manifest.variables.clone(),
            options.variables.clone(),
        ));
        for name in options.variables.keys() {
            if !manifest.variables.contains_key(name) {
                bail!("--variable {name}: the manifest declares no such variable");
            }
        }
        if options.log_requests {
            for name in resolver.unresolved_required() {
                eprintln!(
                    "spinhost: warning: required variable {name:?} has no value (set {} or --variable {name}=...)",
                    crate::variables::env_name(&name)
                );
            }
            for d in &duplicates {
                eprintln!(
                    "spinhost: warning: duplicate route {:?}: {:?} replaces {:?}",
                    d.route, d.effective_component, d.replaced_component
                );
            }
        }

        let state_dir = options
            .state_dir
            .clone()
            .unwrap_or_else(|| manifest.dir.join(".spin"));
        let services = Arc::new(SharedServices {
            pg: PgPools::new(options.pg_pool_size),
            sqlite: SqliteDatabases::with_mode(&state_dir, options.sqlite_mode)
                .with_context(|| format!("cannot create state dir {}", state_dir.display()))?,
        });

        let engine = cache::build_engine(&options.engine)?;
        let mut linker = Linker::<HostState>::new(&engine);
        host::add_to_linker(&mut linker)?;

        let cache_dir = if options.disable_cache {
            None
        } else {
            Some(
                options
                    .cache_dir
                    .clone()
                    .unwrap_or_else(|| manifest.dir.join("target").join("spinhost-cache")),
            )
        };
        let sources: Vec<(String, PathBuf)> = manifest
            .components
            .values()
            .map(|c| (c.id.clone(), c.source.clone()))
            .collect();
        let loaded = cache::load_components(&engine, &sources, cache_dir.as_deref())?;

        let mut components = HashMap::new();
        let mut load_report = Vec::new();
        for (id, compiled) in loaded {
            let decl = &manifest.components[&id];
            let pre = instantiate_pre(&linker, &compiled.component)
                .with_context(|| format!("component {id:?}"))?;
            for label in &decl.sqlite_databases {
                if label != DEFAULT_LABEL {
                    bail!(
                        "component {id:?} uses SQLite database {label:?}, which is not defined (only \"default\" is)"
                    );
                }
            }
            let templates = decl
                .variables
                .iter()
                .map(|(k, t)| Ok((k.clone(), Template::parse(t).map_err(anyhow::Error::msg)?)))
                .collect::<Result<HashMap<_, _>>>()?;
            let allowed_hosts = AllowedHosts::resolve(&decl.allowed_outbound_hosts, &resolver)
                .with_context(|| format!("component {id:?} allowed_outbound_hosts"))?;
            let context = Arc::new(ComponentContext {
                id: id.clone(),
                variables: ComponentVariables::new(id.clone(), templates, resolver.clone()),
                allowed_hosts: Arc::new(allowed_hosts),
                sqlite_databases: decl
                    .sqlite_databases
                    .iter()
                    .cloned()
                    .collect::<HashSet<_>>(),
                environment: decl
                    .environment
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                services: services.clone(),
            });
            load_report.push(LoadReport {
                component_id: id.clone(),
                from_cache: compiled.outcome == CacheOutcome::Hit,
                elapsed: compiled.elapsed,
            });
            components.insert(id, LoadedComponent { pre, context });
        }

        let stop_ticker = Arc::new(AtomicBool::new(false));
        start_epoch_ticker(&engine, stop_ticker.clone());

        Ok(App {
            inner: Arc::new(AppInner {
                manifest,
                engine,
                router,
                components,
                options,
                services,
                load_report,
                duplicates,
                stop_ticker,
            }),
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.inner.manifest
    }

    pub fn router(&self) -> &Router {
        &self.inner.router
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub fn load_report(&self) -> &[LoadReport] {
        &self.inner.load_report
    }

    pub fn duplicate_routes(&self) -> &[DuplicateRoute] {
        &self.inner.duplicates
    }

    /// The file behind `sqlite_databases = ["default"]`.
    pub fn default_sqlite_path(&self) -> &Path {
        self.inner.services.sqlite.default_path()
    }

    /// Serves the app on `listener` until the handle is shut down.
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> Result<crate::ServeHandle> {
        crate::server::serve(self.inner.clone(), listener).await
    }

    /// Binds `addr` (port 0 picks a free port) and serves the app.
    pub async fn bind(&self, addr: SocketAddr) -> Result<crate::ServeHandle> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        self.serve(listener).await
    }
}

fn instantiate_pre(
    linker: &Linker<HostState>,
    component: &Component,
) -> Result<ProxyPre<HostState>> {
    let pre = linker
        .instantiate_pre(component)
        .map_err(anyhow::Error::from)
        .context("the host does not provide every import of the component")?;
    ProxyPre::new(pre)
        .map_err(anyhow::Error::from)
        .context("the component does not export wasi:http/incoming-handler@0.2.x")
}

/// Compiles each component of a manifest and checks that the host provides
/// all its imports. Returns one result per component.
pub fn check_manifest(
    manifest: &Manifest,
    engine_options: &EngineOptions,
    cache_dir: Option<&Path>,
) -> Result<Vec<(String, Result<()>)>> {
    let engine = cache::build_engine(engine_options)?;
    let mut linker = Linker::<HostState>::new(&engine);
    host::add_to_linker(&mut linker)?;
    let mut results = Vec::new();
    for decl in manifest.components.values() {
        let result = cache::load_component(&engine, &decl.source, cache_dir)
            .and_then(|loaded| instantiate_pre(&linker, &loaded.component).map(|_| ()));
        results.push((decl.id.clone(), result));
    }
    Ok(results)
}

/// The imports of a compiled component, by name.
pub fn component_imports(engine: &Engine, component: &Component) -> Vec<String> {
    component
        .component_type()
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .collect()
}

fn start_epoch_ticker(engine: &Engine, stop: Arc<AtomicBool>) {
    let engine = engine.weak();
    std::thread::Builder::new()
        .name("spinhost-epoch".into())
        .spawn(move || loop {
            std::thread::sleep(EPOCH_TICK);
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match engine.upgrade() {
                Some(engine) => engine.increment_epoch(),
                None => return,
            }
        })
        .expect("cannot start the epoch thread");
}
