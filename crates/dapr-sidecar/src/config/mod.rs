//! Sidecar settings and the Dapr resources it loads.

pub mod resiliency;
pub mod resources;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};

/// How to run one sidecar.
#[derive(Clone)]
pub struct SidecarConfig {
    /// The Dapr app id (`--app-id`) the sidecar acts as when it publishes
    /// (CloudEvent `source`, publishing scopes), for jobs, output bindings
    /// and `/v1.0/metadata`.
    pub app_id: String,
    /// The app ids this sidecar stands in for, each its own consumer group
    /// on the shared broker with its own subscriptions, input bindings and
    /// resource scoping (as if each had its own daprd). Empty means
    /// `[app_id]`. See [`SidecarConfig::hosted_app_ids`].
    pub app_ids: Vec<String>,
    /// Where the app listens, e.g. `http://127.0.0.1:3000` (`--app-port`).
    pub app_url: String,
    /// The sidecar's HTTP API address; port 0 picks a free port
    /// (see [`crate::SidecarHandle::addr`]).
    pub listen: SocketAddr,
    /// Directories of Dapr YAML resources (`--resources-path`).
    pub resources_dirs: Vec<PathBuf>,
    /// Where undelivered messages and jobs are kept across restarts.
    pub state_dir: PathBuf,
    /// Sent to the app as `dapr-api-token` (Dapr's `APP_API_TOKEN`).
    pub app_api_token: Option<String>,
    /// Required from the app on every API route but the health checks
    /// (Dapr's `DAPR_API_TOKEN`).
    pub dapr_api_token: Option<String>,
    /// Wall-clock source; a [`crate::TestClock`] lets tests move time.
    pub clock: Arc<dyn Clock>,
    /// Partitions per topic. A message's partition is hash(key) mod this;
    /// each partition delivers one message at a time, in order.
    pub partitions: u32,
    /// The broker's redelivery back-off once a delivery has failed after the
    /// resiliency policy and the subscription has no dead-letter topic.
    /// Kafka's Dapr component defaults to a constant 5 s; tests set it low.
    pub broker_redelivery_backoff: Duration,
    /// How many broker redeliveries before the message is skipped; `None`
    /// (the Kafka component's default) redelivers forever, blocking the
    /// partition.
    pub broker_max_redeliveries: Option<u64>,
    /// Call `GET /dapr/subscribe` once the app is up (programmatic
    /// subscriptions replace declarative ones for the same topic).
    pub programmatic_subscriptions: bool,
    /// Treat a 404 reply to a delivery like `DROP` (sent to the dead-letter
    /// topic when one is set). Dapr 1.17 and later do this; 1.16 acks a 404
    /// without dead-lettering it, which is the default here.
    pub not_found_to_dead_letter: bool,
    /// One JSON line per delivery, job trigger and cron tick on stderr.
    pub log_deliveries: bool,
    /// Where `bindings.smtp` components whose server comes from a secret
    /// send mail (`smtp://host:port`; the `SMTP_URL` of a local run).
    /// `None`: the dev mailbox, `<state_dir>/mailbox/`.
    pub smtp_url: Option<String>,
}

impl SidecarConfig {
    /// Settings with Dapr's defaults: listen on 127.0.0.1:3500, 8 partitions,
    /// 5 s broker back-off forever, real time, delivery log on.
    pub fn new(
        app_id: impl Into<String>,
        app_url: impl Into<String>,
        state_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            app_id: app_id.into(),
            app_ids: Vec::new(),
            app_url: app_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 3500)),
            resources_dirs: Vec::new(),
            state_dir: state_dir.into(),
            app_api_token: None,
            dapr_api_token: None,
            clock: SystemClock::shared(),
            partitions: 8,
            broker_redelivery_backoff: Duration::from_secs(5),
            broker_max_redeliveries: None,
            programmatic_subscriptions: true,
            not_found_to_dead_letter: false,
            log_deliveries: true,
            smtp_url: None,
        }
    }

    /// Adds a resources directory.
    pub fn with_resources(mut self, dir: impl Into<PathBuf>) -> Self {
        self.resources_dirs.push(dir.into());
        self
    }

    /// Sets the listen address.
    pub fn with_listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Sets the clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the app ids (consumer groups) the sidecar hosts.
    pub fn with_app_ids<I, S>(mut self, app_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.app_ids = app_ids.into_iter().map(Into::into).collect();
        self
    }

    /// The hosted app ids: `app_ids` without repeats, or `[app_id]` when
    /// it is empty.
    pub fn hosted_app_ids(&self) -> Vec<String> {
        if self.app_ids.is_empty() {
            return vec![self.app_id.clone()];
        }
        let mut out: Vec<String> = Vec::new();
        for id in &self.app_ids {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }
}

impl std::fmt::Debug for SidecarConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SidecarConfig")
            .field("app_id", &self.app_id)
            .field("app_ids", &self.app_ids)
            .field("app_url", &self.app_url)
            .field("listen", &self.listen)
            .field("resources_dirs", &self.resources_dirs)
            .field("state_dir", &self.state_dir)
            .field(
                "app_api_token",
                &self.app_api_token.as_ref().map(|_| "<set>"),
            )
            .field(
                "dapr_api_token",
                &self.dapr_api_token.as_ref().map(|_| "<set>"),
            )
            .field("partitions", &self.partitions)
            .field("broker_redelivery_backoff", &self.broker_redelivery_backoff)
            .field("broker_max_redeliveries", &self.broker_max_redeliveries)
            .finish_non_exhaustive()
    }
}
