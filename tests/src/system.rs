//! The whole system in one test process: the host serving the compiled
//! components and the embedded Dapr-compatible sidecar reading the
//! project's own `dapr/` resources, each on an ephemeral port. The sidecar
//! can be started late or stopped, to test outages.

use crate::{repo_root, Backend, HostSetup, TestApp};
use dapr_sidecar::{Sidecar, SidecarConfig, SidecarHandle};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The app ids of the project's Dapr resources: one consumer group each.
pub const APP_IDS: &[&str] = &[
    "api",
    "overdue-agent",
    "prioritization-agent",
    "suggestion-cleanup",
    "dead-letters",
    "scheduler",
    "reminder-scheduler",
    "notifier",
    "recurrence-agent",
];

/// What the embedded sidecar loads: the project's resources and app ids by
/// default; benchmarks narrow them.
#[derive(Clone)]
pub struct SidecarSetup {
    pub resources: PathBuf,
    pub app_ids: Vec<String>,
    /// A test clock for jobs and cron; real time when None.
    pub clock: Option<std::sync::Arc<dyn dapr_sidecar::Clock>>,
}

impl Default for SidecarSetup {
    fn default() -> Self {
        SidecarSetup {
            resources: repo_root().join("dapr"),
            app_ids: APP_IDS.iter().map(|s| s.to_string()).collect(),
            clock: None,
        }
    }
}

pub struct System {
    pub app: TestApp,
    pub sidecar_setup: SidecarSetup,
    pub runtime: tokio::runtime::Runtime,
    pub sidecar: Option<SidecarHandle>,
    pub sidecar_addr: SocketAddr,
    pub state_dir: PathBuf,
    pub db_url: String,
    variables: std::collections::HashMap<String, String>,
    app_handle: Option<spinhost::ServeHandle>,
}

fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

impl System {
    /// Starts the host, and the sidecar unless `with_sidecar` is false.
    pub fn start(backend: Backend, with_sidecar: bool) -> System {
        Self::start_with(backend, with_sidecar, SidecarSetup::default())
    }

    pub fn start_with(backend: Backend, with_sidecar: bool, sidecar_setup: SidecarSetup) -> System {
        let db_url = match backend {
            Backend::Postgres => crate::pg::fresh_database("events"),
            Backend::Sqlite => String::new(),
        };
        let sidecar_addr = free_port();
        let mut setup = HostSetup::new(backend, &db_url);
        setup.variables.insert(
            "dapr_http_endpoint".into(),
            format!("http://127.0.0.1:{}", sidecar_addr.port()),
        );
        let state_dir = setup.state_dir.clone();
        let variables = setup.variables.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime.block_on(async {
            let options = spinhost::AppOptions {
                state_dir: Some(setup.state_dir),
                variables: setup.variables,
                log_requests: std::env::var_os("TEST_LOG_REQUESTS").is_some(),
                ..Default::default()
            };
            let app =
                spinhost::App::load(repo_root().join("spin.toml"), options).expect("load app");
            app.bind("127.0.0.1:0".parse().unwrap())
                .await
                .expect("bind")
        });
        let base = format!("http://{}", handle.local_addr());
        let mut system = System {
            app: TestApp::new(base, backend),
            sidecar_setup,
            runtime,
            sidecar: None,
            sidecar_addr,
            state_dir,
            db_url,
            variables,
            app_handle: Some(handle),
        };
        if with_sidecar {
            system.start_sidecar();
        }
        system
    }

    pub fn start_sidecar(&mut self) {
        let app_url = self.app.base.clone();
        let setup = &self.sidecar_setup;
        let mut config = SidecarConfig::new("api", &app_url, self.state_dir.join("dapr"))
            .with_resources(setup.resources.clone())
            .with_listen(self.sidecar_addr)
            .with_app_ids(setup.app_ids.clone());
        if let Some(clock) = &setup.clock {
            config = config.with_clock(clock.clone());
        }
        config.log_deliveries = std::env::var_os("TEST_LOG_DELIVERIES").is_some();
        config.broker_redelivery_backoff = Duration::from_millis(200);
        let handle = self
            .runtime
            .block_on(async {
                let h = Sidecar::start(config).await?;
                h.wait_ready(Duration::from_secs(10)).await?;
                anyhow::Ok(h)
            })
            .expect("sidecar starts");
        self.sidecar = Some(handle);
    }

    pub fn stop_sidecar(&mut self) {
        if let Some(s) = self.sidecar.take() {
            self.runtime.block_on(s.shutdown());
        }
    }

    /// Stops the sidecar and the host, then starts both again on the same
    /// state (database, jobs, undelivered messages).
    pub fn restart(&mut self) {
        self.stop_sidecar();
        if let Some(h) = self.app_handle.take() {
            self.runtime.block_on(h.shutdown()).expect("host stops");
        }
        let options = spinhost::AppOptions {
            state_dir: Some(self.state_dir.clone()),
            variables: self.variables.clone(),
            log_requests: std::env::var_os("TEST_LOG_REQUESTS").is_some(),
            ..Default::default()
        };
        let handle = self.runtime.block_on(async {
            let app =
                spinhost::App::load(repo_root().join("spin.toml"), options).expect("load app");
            app.bind("127.0.0.1:0".parse().unwrap())
                .await
                .expect("bind")
        });
        self.app.base = format!("http://{}", handle.local_addr());
        self.app_handle = Some(handle);
        self.start_sidecar();
    }

    pub fn sidecar(&self) -> &SidecarHandle {
        self.sidecar.as_ref().expect("sidecar running")
    }

    /// Waits until the sidecar has nothing left to deliver.
    pub fn settle(&self) {
        self.settle_within(Duration::from_secs(20));
    }

    pub fn settle_within(&self, limit: Duration) {
        self.runtime
            .block_on(self.sidecar().wait_idle(limit))
            .expect("sidecar drains");
    }

    pub fn trigger(&self, binding: &str) -> u16 {
        self.runtime
            .block_on(self.sidecar().trigger_binding(binding))
            .expect("binding triggers")
    }

    /// POSTs raw bytes to the sidecar's publish API.
    pub fn publish_raw(
        &self,
        topic: &str,
        content_type: &str,
        body: Vec<u8>,
        partition_key: &str,
    ) -> u16 {
        let url = format!(
            "http://{}/v1.0/publish/pubsub/{topic}?metadata.partitionKey={partition_key}",
            self.sidecar_addr
        );
        reqwest::blocking::Client::new()
            .post(url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .expect("sidecar answers")
            .status()
            .as_u16()
    }

    /// Polls `check` every 20 ms until it returns Some or `limit` passes;
    /// returns the value and how long it took.
    pub fn wait_for<T>(
        &self,
        limit: Duration,
        mut check: impl FnMut() -> Option<T>,
    ) -> (T, Duration) {
        let start = Instant::now();
        loop {
            if let Some(v) = check() {
                return (v, start.elapsed());
            }
            assert!(
                start.elapsed() < limit,
                "condition not met within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs SQL against the app's database and returns the first column of
    /// the first row as i64 (for counts in assertions).
    pub fn count(&self, sql: &str) -> i64 {
        match self.app.backend {
            Backend::Postgres => crate::pg::scalar(&self.db_url, sql),
            Backend::Sqlite => {
                let conn = rusqlite::Connection::open(self.state_dir.join("sqlite_db.db")).unwrap();
                conn.busy_timeout(Duration::from_secs(5)).unwrap();
                conn.query_row(sql, [], |r| r.get(0)).unwrap()
            }
        }
    }
}

impl Drop for System {
    fn drop(&mut self) {
        self.stop_sidecar();
        if let Some(h) = self.app_handle.take() {
            let _ = self.runtime.block_on(h.shutdown());
        }
    }
}
