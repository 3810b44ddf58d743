//! A Dapr-compatible sidecar for running the app locally and in tests.
//!
//! It speaks the parts of daprd's HTTP API the app uses (publish, output
//! bindings, jobs, health), reads the same resource YAML as Kubernetes
//! (components, subscriptions, resiliency), and calls the app the way daprd
//! does (pub/sub deliveries, job triggers, cron bindings). The pub/sub
//! component behaves like Dapr's Kafka component with one consumer group per
//! app id: per-key ordering, head-of-line blocking on failures, at-least-once
//! delivery. Undelivered messages and jobs are kept in a state directory.
//!
//! One sidecar can stand in for the sidecars of several app ids that share
//! a broker ([`SidecarConfig::app_ids`]): each hosted app id loads the
//! resources scoped to it, has its own subscriptions and cron bindings, and
//! is its own consumer group (every message is delivered to each, with
//! independent ordering, retries, dead-lettering and acks). Publishing, jobs
//! and output bindings use the sidecar's own `app_id`. Every app id is served
//! by the one app URL.
//!
//! Not implemented (the app does not use them): the state, service
//! invocation, actors, configuration and secrets APIs; app health checks
//! (`--enable-app-health-check`: the app counts as healthy once its port
//! accepts connections); bulk subscribe (entries are delivered one by one);
//! circuit breakers; TLS for outbound calls.
//!
//! Beyond Dapr's API, one developer route (see [`DEV_EVENTS_PATH`]) streams
//! the sidecar's activity as server-sent events.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use dapr_sidecar::{Sidecar, SidecarConfig};
//! let cfg = SidecarConfig::new("tasks", "http://127.0.0.1:3000", ".dapr-state")
//!     .with_resources("dapr");
//! let sidecar = Sidecar::start(cfg).await?;
//! println!("dapr API on http://{}", sidecar.addr());
//! sidecar.shutdown().await;
//! # Ok(()) }
//! ```

mod app;
mod bindings;
mod broker;
pub mod cel;
pub mod clock;
pub mod cloudevent;
pub mod config;
mod delivery;
mod dev;
mod errors;
mod jobs;
mod journal;
mod observe;
mod publish;
mod runtime;
pub mod schedule;
mod server;
mod smtp;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use serde_json::Value;
use tokio::net::TcpListener;

pub use clock::{Clock, SystemClock, TestClock};
pub use config::resources::Resources;
pub use config::SidecarConfig;
pub use dev::EVENTS_PATH as DEV_EVENTS_PATH;
pub use jobs::JobInfo;
pub use observe::{DeadLetter, DeliveryRecord, ObservedEvent, PublishedMessage};

use runtime::Runtime;

/// An app id reduced to characters safe in a file name.
fn safe_file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Starts sidecars.
pub struct Sidecar;

impl Sidecar {
    /// Loads the resources, restores persisted messages and jobs, starts the
    /// HTTP API, and returns at once. Delivery, jobs and cron begin once the
    /// app's port accepts connections; until then publishes are queued.
    pub async fn start(cfg: SidecarConfig) -> anyhow::Result<SidecarHandle> {
        let listener = TcpListener::bind(cfg.listen)
            .await
            .with_context(|| format!("binding the Dapr HTTP API to {}", cfg.listen))?;
        Self::start_on(cfg, listener).await
    }

    /// Like [`Sidecar::start`], serving the HTTP API on a listener bound
    /// beforehand (`cfg.listen` is not used). Binding first lets a caller
    /// learn the sidecar's port and hand it to the app before either runs.
    pub async fn start_on(
        cfg: SidecarConfig,
        listener: TcpListener,
    ) -> anyhow::Result<SidecarHandle> {
        if cfg.app_id.is_empty() {
            bail!("an app id is required");
        }
        let hosted = cfg.hosted_app_ids();
        if hosted.iter().any(String::is_empty) {
            bail!("app ids must not be empty");
        }
        // One read of the files, one view per app id: the sidecar's own
        // (publishing, output bindings) and each hosted one (consumer
        // groups, input bindings).
        let mut ids = hosted.clone();
        if !ids.contains(&cfg.app_id) {
            ids.push(cfg.app_id.clone());
        }
        let views = Resources::load_dirs_for(&cfg.resources_dirs, &ids)?;
        let resources = views.get(&cfg.app_id).cloned().unwrap_or_default();
        let groups: Vec<runtime::Group> = hosted
            .iter()
            .map(|id| runtime::Group::new(id.clone(), views.get(id).cloned().unwrap_or_default()))
            .collect();
        let (journal, recovered) = journal::Journal::open(&cfg.state_dir, &cfg.app_id, &hosted)
            .with_context(|| {
                format!("opening the message journal in {}", cfg.state_dir.display())
            })?;
        let broker = broker::Broker::new(cfg.partitions, hosted, journal, &recovered);
        let jobs = jobs::Jobs::open(&cfg.state_dir, &cfg.app_id, cfg.clock.now())
            .with_context(|| format!("opening the jobs store in {}", cfg.state_dir.display()))?;
        let addr = listener.local_addr()?;
        let rt = Arc::new(Runtime::new(cfg, resources, groups, broker, jobs)?);
        for w in &views.warnings {
            rt.observer.warn(w);
        }

        let restored = rt.broker.restore(recovered.pending);
        rt.start_workers(restored);
        rt.tasks.spawn(server::serve(rt.clone(), listener));
        rt.tasks.spawn(rt.clone().initialise_when_app_is_up());
        rt.tasks.spawn(jobs::run(rt.clone()));
        Ok(SidecarHandle { rt, addr })
    }
}

/// A running sidecar.
pub struct SidecarHandle {
    rt: Arc<Runtime>,
    addr: SocketAddr,
}

impl SidecarHandle {
    /// The address the HTTP API is bound to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, the value for the app's `dapr_http_endpoint`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.rt.cfg.app_id
    }

    /// The hosted app ids (consumer groups), see
    /// [`SidecarConfig::hosted_app_ids`].
    pub fn app_ids(&self) -> Vec<String> {
        self.rt.groups.iter().map(|g| g.app_id.clone()).collect()
    }

    /// The resources loaded for the sidecar's app id.
    pub fn resources(&self) -> &Resources {
        &self.rt.resources
    }

    /// The resources loaded for a hosted app id.
    pub fn resources_for(&self, app_id: &str) -> Option<&Resources> {
        self.rt.group(app_id).map(|g| &g.resources)
    }

    /// The clock the sidecar schedules by.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.rt.clock.clone()
    }

    /// Whether the app is up and start-up is done (`/v1.0/healthz` is 204).
    pub fn is_ready(&self) -> bool {
        self.rt.is_ready()
    }

    /// Waits until [`SidecarHandle::is_ready`].
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        tokio::time::timeout(timeout, self.rt.until_ready())
            .await
            .context("the app did not come up in time")
    }

    /// Waits until every stored message has been handled (delivered,
    /// dropped or dead-lettered) by every hosted app id, including dead
    /// letters nobody reads.
    pub async fn wait_idle(&self, timeout: Duration) -> anyhow::Result<()> {
        let mut rx = self.rt.broker.pending();
        let done = tokio::time::timeout(timeout, rx.wait_for(|n| *n == 0))
            .await
            .is_ok();
        match done {
            true => Ok(()),
            false => bail!(
                "{} message(s) still pending after {timeout:?}: {:?}",
                self.rt.broker.pending_count(),
                self.rt.broker.backlog()
            ),
        }
    }

    /// Messages stored and not yet handled by every hosted app id.
    pub fn pending_messages(&self) -> usize {
        self.rt.broker.pending_count()
    }

    /// Messages the hosted app id `app_id` (its consumer group) has not
    /// handled yet; 0 for app ids not hosted here.
    pub fn pending_messages_for(&self, app_id: &str) -> usize {
        match self.rt.groups.iter().position(|g| g.app_id == app_id) {
            Some(i) => self.rt.broker.queued_for(i),
            None => 0,
        }
    }

    /// Fires a cron binding now, as if its schedule ticked: once for each
    /// hosted app id that loaded it and whose probe the app accepted. Returns
    /// the app's status (the first failing one, if any). Fails for unknown
    /// bindings, for bindings the app did not subscribe to (OPTIONS probe)
    /// and before the app is up.
    pub async fn trigger_binding(&self, name: &str) -> anyhow::Result<u16> {
        let loaded: Vec<&runtime::Group> = self
            .rt
            .groups
            .iter()
            .filter(|g| g.resources.cron_bindings.contains_key(name))
            .collect();
        if loaded.is_empty() {
            bail!("no cron binding named {name:?}");
        }
        if !self.rt.is_ready() {
            bail!("the app is not up yet");
        }
        let mut result: Option<u16> = None;
        for g in loaded.into_iter().filter(|g| g.is_cron_subscribed(name)) {
            let status = self.trigger_binding_for(&g.app_id, name).await?;
            let failed_before = result.is_some_and(|s| !(200..300).contains(&s));
            if !failed_before {
                result = Some(status);
            }
        }
        result.with_context(|| format!("the app did not subscribe to binding {name:?}"))
    }

    /// Fires a cron binding now for one hosted app id and returns the app's
    /// status. Fails if that app id did not load the binding, the app did not
    /// subscribe to it (OPTIONS probe) or is not up yet.
    pub async fn trigger_binding_for(&self, app_id: &str, name: &str) -> anyhow::Result<u16> {
        let Some(g) = self.rt.group(app_id) else {
            bail!("app id {app_id:?} is not hosted here");
        };
        let Some(b) = g.resources.cron_bindings.get(name) else {
            bail!("no cron binding named {name:?} for app id {app_id:?}");
        };
        if !self.rt.is_ready() {
            bail!("the app is not up yet");
        }
        if !g.is_cron_subscribed(name) {
            bail!("the app did not subscribe to binding {name:?} (app id {app_id:?})");
        }
        bindings::fire_cron(&self.rt, g, b)
            .await
            .context("the app did not answer")
    }

    /// CloudEvents (or raw payloads, as JSON when they parse) published on
    /// `topic`, oldest first, across pubsubs.
    pub fn published(&self, topic: &str) -> Vec<Value> {
        self.rt
            .observer
            .published_on(topic)
            .into_iter()
            .map(|m| m.event)
            .collect()
    }

    /// Messages published on `topic` with their broker details.
    pub fn published_messages(&self, topic: &str) -> Vec<PublishedMessage> {
        self.rt.observer.published_on(topic)
    }

    /// Topics that have seen a publish.
    pub fn topics(&self) -> Vec<String> {
        self.rt.observer.topics()
    }

    /// Messages sent to dead-letter topics.
    pub fn dead_letters(&self) -> Vec<DeadLetter> {
        self.rt.observer.dead_letters()
    }

    /// Every attempt to deliver to the app (pub/sub, jobs, cron).
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.rt.observer.deliveries()
    }

    /// A live feed of publishes, deliveries and dead letters.
    pub fn subscribe_events(&self) -> tokio::sync::broadcast::Receiver<ObservedEvent> {
        self.rt.observer.subscribe()
    }

    /// Scheduled jobs.
    pub fn jobs(&self) -> Vec<JobInfo> {
        self.rt.jobs.list()
    }

    /// The message journal file (for diagnostics).
    pub fn journal_path(&self) -> std::path::PathBuf {
        self.rt.broker.journal_path()
    }

    /// Stops the listener and every background task. Messages not yet
    /// acked stay in the journal and are delivered after the next start.
    pub async fn shutdown(self) {
        self.rt.tasks.stop_all().await;
    }
}

impl Drop for SidecarHandle {
    /// A dropped handle stops the sidecar too (without waiting for the tasks
    /// to wind down; use [`SidecarHandle::shutdown`] for that).
    fn drop(&mut self) {
        self.rt.tasks.abort_all();
    }
}
