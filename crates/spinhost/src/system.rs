//! The whole system in one process: the app and the embedded
//! Dapr-compatible sidecar, each pointed at the other.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use spinhost::{AppOptions, System, SystemOptions};
//! let system = System::start("spin.toml", AppOptions::default(), SystemOptions::default()).await?;
//! println!("app on {}, sidecar on {}", system.app_url(), system.sidecar().unwrap().base_url());
//! system.shutdown().await?;
//! # Ok(()) }
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use dapr_sidecar::{Clock, Sidecar, SidecarConfig, SidecarHandle};
use tokio::net::TcpListener;

use crate::app::{App, AppOptions};
use crate::manifest::Manifest;
use crate::server::ServeHandle;
use crate::variables::VariableResolver;

/// The variable holding the sidecar's URL for the components.
pub const DAPR_ENDPOINT_VARIABLE: &str = "dapr_http_endpoint";
/// The variable holding the token the sidecar presents to the app.
pub const APP_API_TOKEN_VARIABLE: &str = "app_api_token";
/// The variable holding the token the app presents to the sidecar.
pub const DAPR_API_TOKEN_VARIABLE: &str = "dapr_api_token";
/// The app id when none is given.
pub const DEFAULT_APP_ID: &str = "taskmanager";

/// What to start besides the app.
pub struct SystemOptions {
    /// Where the app listens. Default: `127.0.0.1:0` (a free port).
    pub app_listen: SocketAddr,
    /// The embedded sidecar; `None` runs the app alone.
    pub sidecar: Option<SidecarSettings>,
}

impl Default for SystemOptions {
    fn default() -> Self {
        Self {
            app_listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            sidecar: Some(SidecarSettings::default()),
        }
    }
}

/// A last change to the sidecar's configuration.
pub type ConfigureSidecar = Box<dyn FnOnce(&mut SidecarConfig) + Send>;

/// How to run the embedded sidecar.
pub struct SidecarSettings {
    /// Where its HTTP API listens. Default: `127.0.0.1:0` (a free port).
    pub listen: SocketAddr,
    /// The app id it publishes as. Default: [`DEFAULT_APP_ID`].
    pub app_id: String,
    /// The app ids it stands in for (a consumer group each); empty means
    /// just `app_id`.
    pub app_ids: Vec<String>,
    /// Directories of Dapr resources. Empty: `dapr/` next to the manifest
    /// when it exists.
    pub resources_dirs: Vec<PathBuf>,
    /// Where it keeps undelivered messages and jobs. Default: `dapr/` in the
    /// app's state directory.
    pub state_dir: Option<PathBuf>,
    /// Default: the system clock.
    pub clock: Option<Arc<dyn Clock>>,
    /// Default: the sidecar's (Kafka's 5 s).
    pub broker_redelivery_backoff: Option<Duration>,
    /// What the sidecar sends to the app as `dapr-api-token`. `None`: the
    /// app's `app_api_token` variable, when set and not empty.
    pub app_api_token: Option<String>,
    /// What the sidecar requires from callers. `None`: the app's
    /// `dapr_api_token` variable, when set and not empty.
    pub dapr_api_token: Option<String>,
    /// Override the app's `dapr_http_endpoint` variable with the sidecar's
    /// URL (when the manifest declares it). Default: true. When false, the
    /// variable stays as configured and [`System::warnings`] says so if its
    /// port is not the sidecar's.
    pub point_app_at_sidecar: bool,
    /// Bind the sidecar's address and point the app at it, but do not start
    /// the sidecar until [`System::start_sidecar`] (for outage tests).
    pub start_later: bool,
    /// One JSON line per delivery on stderr. Default: true.
    pub log_deliveries: bool,
    /// Applied to the sidecar's configuration last, for anything else.
    pub configure: Option<ConfigureSidecar>,
}

impl Default for SidecarSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            app_id: DEFAULT_APP_ID.to_string(),
            app_ids: Vec::new(),
            resources_dirs: Vec::new(),
            state_dir: None,
            clock: None,
            broker_redelivery_backoff: None,
            app_api_token: None,
            dapr_api_token: None,
            point_app_at_sidecar: true,
            start_later: false,
            log_deliveries: true,
            configure: None,
        }
    }
}

/// A running app with its sidecar.
pub struct System {
    app: App,
    server: ServeHandle,
    sidecar: Option<SidecarHandle>,
    /// The configuration to (re)start the sidecar with, on `sidecar_addr`.
    sidecar_config: Option<SidecarConfig>,
    sidecar_addr: Option<SocketAddr>,
    warnings: Vec<String>,
}

impl System {
    /// Reads the manifest and starts the system; see
    /// [`System::start_manifest`].
    pub async fn start(
        manifest_path: impl AsRef<Path>,
        app_options: AppOptions,
        options: SystemOptions,
    ) -> Result<System> {
        let manifest = Manifest::from_file(manifest_path.as_ref())?;
        Self::start_manifest(manifest, app_options, options).await
    }

    /// Binds the sidecar's listener first (so its port is known), sets the
    /// app's `dapr_http_endpoint` to it (unless told not to), loads and
    /// serves the app, then starts the sidecar pointed at the app.
    pub async fn start_manifest(
        manifest: Manifest,
        mut app_options: AppOptions,
        options: SystemOptions,
    ) -> Result<System> {
        let mut warnings = Vec::new();
        let (sidecar_listener, settings) = match options.sidecar {
            Some(settings) => {
                let listener = TcpListener::bind(settings.listen).await.with_context(|| {
                    format!("cannot listen on {} for the Dapr sidecar", settings.listen)
                })?;
                (Some(listener), Some(settings))
            }
            None => (None, None),
        };
        let sidecar_addr = match &sidecar_listener {
            Some(l) => Some(l.local_addr()?),
            None => None,
        };

        let resolver =
            VariableResolver::new(manifest.variables.clone(), app_options.variables.clone());
        if let (Some(settings), Some(addr)) = (&settings, sidecar_addr) {
            let declared = manifest.variables.contains_key(DAPR_ENDPOINT_VARIABLE);
            if settings.point_app_at_sidecar {
                if declared {
                    app_options.variables.insert(
                        DAPR_ENDPOINT_VARIABLE.to_string(),
                        format!("http://{}", connect_addr(addr)),
                    );
                }
            } else if declared {
                if let Ok(endpoint) = resolver.resolve_variable(DAPR_ENDPOINT_VARIABLE) {
                    warnings.extend(dapr_endpoint_warning(&endpoint, addr.port()));
                }
            }
        }

        // Secure by default: with the embedded sidecar and no token set, the
        // run gets fresh random tokens in both directions, so neither the
        // app's internal routes nor the sidecar's API ever run open.
        if let Some(settings) = &settings {
            for (name, given) in [
                (APP_API_TOKEN_VARIABLE, &settings.app_api_token),
                (DAPR_API_TOKEN_VARIABLE, &settings.dapr_api_token),
            ] {
                let unset = resolver
                    .resolve_variable(name)
                    .map_or(true, |v| v.is_empty());
                if manifest.variables.contains_key(name) && given.is_none() && unset {
                    app_options.variables.insert(
                        name.to_string(),
                        format!(
                            "{}{}",
                            uuid::Uuid::new_v4().simple(),
                            uuid::Uuid::new_v4().simple()
                        ),
                    );
                }
            }
        }
        let resolver =
            VariableResolver::new(manifest.variables.clone(), app_options.variables.clone());

        let manifest_dir = manifest.dir.clone();
        let app_state_dir = app_options
            .state_dir
            .clone()
            .unwrap_or_else(|| manifest_dir.join(".spin"));
        let app = tokio::task::spawn_blocking(move || App::from_manifest(manifest, app_options))
            .await
            .context("loading the app panicked")??;
        let server = app.bind(options.app_listen).await?;

        let mut system = System {
            app,
            server,
            sidecar: None,
            sidecar_config: None,
            sidecar_addr,
            warnings,
        };
        let (Some(settings), Some(listener)) = (settings, sidecar_listener) else {
            return Ok(system);
        };
        let config = sidecar_config(
            settings.app_id.clone(),
            format!("http://{}", connect_addr(system.server.local_addr())),
            &settings,
            &manifest_dir,
            &app_state_dir,
            &resolver,
        );
        let config = match settings.configure {
            Some(configure) => {
                let mut config = config;
                configure(&mut config);
                config
            }
            None => config,
        };
        system.sidecar_config = Some(config.clone());
        if settings.start_later {
            drop(listener);
        } else {
            match Sidecar::start_on(config, listener).await {
                Ok(sidecar) => system.sidecar = Some(sidecar),
                Err(e) => {
                    let _ = system.server.shutdown().await;
                    return Err(e.context("cannot start the Dapr sidecar"));
                }
            }
        }
        Ok(system)
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Where the app listens.
    pub fn app_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// `http://<app address>`.
    pub fn app_url(&self) -> String {
        format!("http://{}", connect_addr(self.app_addr()))
    }

    /// The running sidecar.
    pub fn sidecar(&self) -> Option<&SidecarHandle> {
        self.sidecar.as_ref()
    }

    /// The sidecar's address, also while it is stopped.
    pub fn sidecar_addr(&self) -> Option<SocketAddr> {
        self.sidecar_addr
    }

    /// The configuration the sidecar runs (or will run) with.
    pub fn sidecar_config(&self) -> Option<&SidecarConfig> {
        self.sidecar_config.as_ref()
    }

    /// Things the user should know, e.g. an app pointed at another port than
    /// the sidecar's.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Stops the sidecar (undelivered messages stay in its state directory);
    /// the app keeps running. Does nothing when it is not running.
    pub async fn stop_sidecar(&mut self) {
        if let Some(sidecar) = self.sidecar.take() {
            sidecar.shutdown().await;
        }
    }

    /// Starts the sidecar (again) on its address with its configuration.
    pub async fn start_sidecar(&mut self) -> Result<&SidecarHandle> {
        if self.sidecar.is_none() {
            let (Some(config), Some(addr)) = (self.sidecar_config.clone(), self.sidecar_addr)
            else {
                anyhow::bail!("this system has no sidecar");
            };
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr} for the Dapr sidecar"))?;
            self.sidecar = Some(Sidecar::start_on(config, listener).await?);
        }
        Ok(self.sidecar.as_ref().expect("started above"))
    }

    /// Stops the app (letting requests in flight finish), then the sidecar.
    pub async fn shutdown(mut self) -> Result<()> {
        let result = self.server.shutdown().await;
        if let Some(sidecar) = self.sidecar.take() {
            sidecar.shutdown().await;
        }
        result
    }
}

fn sidecar_config(
    app_id: String,
    app_url: String,
    settings: &SidecarSettings,
    manifest_dir: &Path,
    app_state_dir: &Path,
    resolver: &VariableResolver,
) -> SidecarConfig {
    let state_dir = settings
        .state_dir
        .clone()
        .unwrap_or_else(|| app_state_dir.join("dapr"));
    let mut config = SidecarConfig::new(app_id, app_url, state_dir);
    config.resources_dirs = if settings.resources_dirs.is_empty() {
        default_resources_dir(manifest_dir).into_iter().collect()
    } else {
        settings.resources_dirs.clone()
    };
    if !settings.app_ids.is_empty() {
        config = config.with_app_ids(settings.app_ids.clone());
    }
    if let Some(clock) = &settings.clock {
        config.clock = clock.clone();
    }
    if let Some(backoff) = settings.broker_redelivery_backoff {
        config.broker_redelivery_backoff = backoff;
    }
    let variable = |name: &str| {
        resolver
            .resolve_variable(name)
            .ok()
            .filter(|v| !v.is_empty())
    };
    config.app_api_token = settings
        .app_api_token
        .clone()
        .or_else(|| variable(APP_API_TOKEN_VARIABLE));
    config.dapr_api_token = settings
        .dapr_api_token
        .clone()
        .or_else(|| variable(DAPR_API_TOKEN_VARIABLE));
    config.log_deliveries = settings.log_deliveries;
    config
}

/// `dapr/` next to the manifest, when it exists.
pub fn default_resources_dir(manifest_dir: &Path) -> Option<PathBuf> {
    let dir = manifest_dir.join("dapr");
    dir.is_dir().then_some(dir)
}

/// Every app id that a Dapr resource in `dirs` is scoped to (root
/// `scopes` of each YAML document), in order of first appearance. Files
/// that do not parse are skipped: the sidecar reports them when it loads.
pub fn scoped_app_ids(dirs: &[PathBuf]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for doc in serde_yaml::Deserializer::from_str(&text) {
                let Ok(value) = <serde_yaml::Value as serde::Deserialize>::deserialize(doc) else {
                    continue;
                };
                let scopes = value
                    .get("scopes")
                    .and_then(|s| s.as_sequence())
                    .cloned()
                    .unwrap_or_default();
                for id in scopes.iter().filter_map(|s| s.as_str()) {
                    if !ids.iter().any(|x| x == id) {
                        ids.push(id.to_string());
                    }
                }
            }
        }
    }
    ids
}

/// Where to connect to reach a listener: the loopback address for a
/// listener on all interfaces.
pub fn connect_addr(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

/// A warning when the app's `dapr_http_endpoint` does not name the
/// sidecar's port.
pub fn dapr_endpoint_warning(endpoint: &str, sidecar_port: u16) -> Option<String> {
    let port = url::Url::parse(endpoint)
        .ok()
        .and_then(|u| u.port_or_known_default());
    match port {
        Some(p) if p == sidecar_port => None,
        Some(p) => Some(format!(
            "the app's {DAPR_ENDPOINT_VARIABLE} is {endpoint} (port {p}) but the sidecar listens on port {sidecar_port}; the app will not reach it (set --variable {DAPR_ENDPOINT_VARIABLE}=http://localhost:{sidecar_port} or --dapr-listen)"
        )),
        None => Some(format!(
            "the app's {DAPR_ENDPOINT_VARIABLE} {endpoint:?} is not an http URL; the app will not reach the sidecar on port {sidecar_port}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_warning_only_for_another_port() {
        assert_eq!(dapr_endpoint_warning("http://localhost:3500", 3500), None);
        assert_eq!(dapr_endpoint_warning("http://127.0.0.1:3500/", 3500), None);
        assert_eq!(dapr_endpoint_warning("http://localhost", 80), None);
        let w = dapr_endpoint_warning("http://localhost:3500", 3501).unwrap();
        assert!(w.contains("port 3500") && w.contains("port 3501"), "{w}");
        assert!(dapr_endpoint_warning("http://localhost", 3500).is_some());
        assert!(dapr_endpoint_warning("", 3500).is_some());
    }

    #[test]
    fn unspecified_addresses_are_reached_on_loopback() {
        assert_eq!(
            connect_addr("0.0.0.0:3000".parse().unwrap()),
            "127.0.0.1:3000".parse().unwrap()
        );
        assert_eq!(
            connect_addr("[::]:3000".parse().unwrap()),
            "[::1]:3000".parse().unwrap()
        );
        assert_eq!(
            connect_addr("10.1.2.3:3000".parse().unwrap()),
            "10.1.2.3:3000".parse().unwrap()
        );
    }
}
