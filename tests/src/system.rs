//! The whole system in one test process: the host's own [`spinhost::System`]
//! serving the compiled components with the embedded Dapr-compatible sidecar
//! reading the project's own `dapr/` resources, each on an ephemeral port,
//! behind a blocking API for tests. The sidecar can be started late or
//! stopped, to test outages.

use crate::{repo_root, Backend, HostSetup, TestApp, User};
use dapr_sidecar::SidecarHandle;
use dapr_sidecar::TestClock;
use serde_json::json;
use spinhost::{SidecarSettings, SystemOptions};
use std::net::{Ipv4Addr, SocketAddr};
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
    /// Where the email binding sends mail (`SMTP_URL`); None: the dev
    /// mailbox in the sidecar's state directory.
    pub smtp_url: Option<String>,
    /// Spin variables for the app beyond the tests' defaults.
    pub app_variables: Vec<(String, String)>,
}

impl Default for SidecarSetup {
    fn default() -> Self {
        SidecarSetup {
            resources: repo_root().join("dapr"),
            app_ids: APP_IDS.iter().map(|s| s.to_string()).collect(),
            clock: None,
            smtp_url: None,
            app_variables: vec![],
        }
    }
}

pub struct System {
    pub app: TestApp,
    /// What the sidecar starts with, again on [`System::restart`].
    pub sidecar_setup: SidecarSetup,
    pub runtime: tokio::runtime::Runtime,
    /// Where the sidecar listens, also while it is stopped.
    pub sidecar_addr: SocketAddr,
    pub state_dir: PathBuf,
    pub db_url: String,
    host_setup: HostSetup,
    /// None only while restarting.
    host: Option<spinhost::System>,
}

/// The sidecar's app id; the app ids it stands in for are the setup's.
const SIDECAR_APP_ID: &str = "api";

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
        // The host points the app's `dapr_http_endpoint` at its sidecar.
        let mut host_setup = HostSetup::new(backend, &db_url);
        host_setup
            .variables
            .extend(sidecar_setup.app_variables.iter().cloned());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let any_port = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let host = runtime.block_on(launch(&host_setup, &sidecar_setup, any_port, !with_sidecar));
        let system = System {
            app: TestApp::new(host.app_url(), backend),
            sidecar_setup,
            runtime,
            sidecar_addr: host.sidecar_addr().expect("the system has a sidecar"),
            state_dir: host_setup.state_dir.clone(),
            db_url,
            host_setup,
            host: Some(host),
        };
        if with_sidecar {
            system.wait_sidecar_ready();
        }
        system
    }

    fn host(&self) -> &spinhost::System {
        self.host.as_ref().expect("the host is running")
    }

    fn wait_sidecar_ready(&self) {
        self.runtime
            .block_on(self.sidecar().wait_ready(Duration::from_secs(10)))
            .expect("sidecar starts");
    }

    pub fn start_sidecar(&mut self) {
        let host = self.host.as_mut().expect("the host is running");
        self.runtime
            .block_on(host.start_sidecar())
            .expect("sidecar starts");
        self.wait_sidecar_ready();
    }

    pub fn stop_sidecar(&mut self) {
        if let Some(host) = self.host.as_mut() {
            self.runtime.block_on(host.stop_sidecar());
        }
    }

    /// Stops the sidecar and the host, then starts both again on the same
    /// state (database, jobs, undelivered messages); the sidecar keeps its
    /// address, the app gets a new one.
    pub fn restart(&mut self) {
        if let Some(host) = self.host.take() {
            self.runtime.block_on(stop(host)).expect("host stops");
        }
        let host = self.runtime.block_on(launch(
            &self.host_setup,
            &self.sidecar_setup,
            self.sidecar_addr,
            false,
        ));
        self.app.base = host.app_url();
        self.host = Some(host);
        self.wait_sidecar_ready();
    }

    pub fn sidecar(&self) -> &SidecarHandle {
        self.host().sidecar().expect("sidecar running")
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
            .header("dapr-api-token", crate::TEST_DAPR_API_TOKEN)
            .body(body)
            .send()
            .expect("sidecar answers")
            .status()
            .as_u16()
    }

    /// A task due in three hours with a reminder in one; the test clock is
    /// moved past the reminder's time. Answers the wall-clock instant of
    /// the move.
    pub fn fire_a_reminder(&self, clock: &TestClock, user: &User, title: &str) -> Instant {
        const HOUR: i64 = 3_600_000;
        let app = &self.app;
        let now = domain::time::now_ms();
        let task = app.create_task(
            user,
            json!({"title": title, "dueAt": domain::time::format_ms(now + 3 * HOUR)}),
        );
        let id = task["id"].as_str().unwrap();
        let r = app.send_json(
            "POST",
            &format!("/api/v1/tasks/{id}/reminders"),
            Some(&user.token),
            &json!({"at": domain::time::format_ms(now + HOUR)}),
        );
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        self.settle();
        clock.set(chrono::DateTime::from_timestamp_millis(now + HOUR + 1000).unwrap());
        Instant::now()
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

    /// A connection to the app's SQLite file, waiting for the app's writers.
    fn sqlite(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.host().app().default_sqlite_path()).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn
    }

    /// Runs SQL against the app's database and returns the first column of
    /// the first row as i64 (for counts in assertions).
    pub fn count(&self, sql: &str) -> i64 {
        match self.app.backend {
            Backend::Postgres => crate::pg::scalar(&self.db_url, sql),
            Backend::Sqlite => self.sqlite().query_row(sql, [], |r| r.get(0)).unwrap(),
        }
    }

    /// Changes the app's database behind its back (no event, no outbox),
    /// as a fault, an operator or the passing of time would: runs the
    /// statements of `sql`.
    pub fn execute(&self, sql: &str) {
        match self.app.backend {
            Backend::Postgres => crate::pg::execute(&self.db_url, sql),
            Backend::Sqlite => self.sqlite().execute_batch(sql).unwrap(),
        }
    }
}

impl Drop for System {
    fn drop(&mut self) {
        if let Some(host) = self.host.take() {
            let _ = self.runtime.block_on(stop(host));
        }
    }
}

/// Starts the host's system on the setup: the sidecar as the project's
/// `api` app id with a short redelivery backoff (tests wait for retries),
/// listening on `sidecar_listen`, not started yet when `start_later`.
async fn launch(
    host_setup: &HostSetup,
    setup: &SidecarSetup,
    sidecar_listen: SocketAddr,
    start_later: bool,
) -> spinhost::System {
    let sidecar = SidecarSettings {
        listen: sidecar_listen,
        app_id: SIDECAR_APP_ID.to_string(),
        app_ids: setup.app_ids.clone(),
        resources_dirs: vec![setup.resources.clone()],
        clock: setup.clock.clone(),
        broker_redelivery_backoff: Some(Duration::from_millis(200)),
        start_later,
        log_deliveries: std::env::var_os("TEST_LOG_DELIVERIES").is_some(),
        configure: setup
            .smtp_url
            .clone()
            .map(|url| -> spinhost::system::ConfigureSidecar {
                Box::new(move |c| c.smtp_url = Some(url))
            }),
        ..Default::default()
    };
    let options = SystemOptions {
        sidecar: Some(sidecar),
        ..Default::default()
    };
    spinhost::System::start(
        repo_root().join("spin.toml"),
        host_setup.clone().app_options(),
        options,
    )
    .await
    .expect("the host loads spin.toml and the sidecar starts")
}

/// Stops the sidecar first, then the host, as an outage would.
async fn stop(mut host: spinhost::System) -> anyhow::Result<()> {
    host.stop_sidecar().await;
    host.shutdown().await
}
