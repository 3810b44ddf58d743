//! Shared state of a running sidecar and its background tasks.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use hyper::Method;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::AppChannel;
use crate::broker::{Broker, Message, Partition};
use crate::clock::Clock;
use crate::config::resources::{Resources, SubscriptionDef};
use crate::config::SidecarConfig;
use crate::jobs::Jobs;
use crate::observe::{bytes_as_json, Observer, PublishedMessage};

/// Background tasks, all stopped together on shutdown.
pub(crate) struct Tasks {
    handles: Mutex<Vec<JoinHandle<()>>>,
    shutdown: watch::Sender<bool>,
}

impl Tasks {
    fn new() -> Self {
        Self {
            handles: Mutex::new(Vec::new()),
            shutdown: watch::channel(false).0,
        }
    }

    /// Runs `fut` until it ends or the sidecar shuts down.
    pub(crate) fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        let mut stop = self.shutdown.subscribe();
        if *stop.borrow() {
            return;
        }
        let handle = tokio::spawn(async move {
            tokio::select! {
                _ = fut => {}
                _ = stop.wait_for(|s| *s) => {}
            }
        });
        let mut handles = self.handles.lock().unwrap_or_else(|e| e.into_inner());
        if handles.len() > 256 {
            handles.retain(|h| !h.is_finished());
        }
        handles.push(handle);
    }

    /// Signals shutdown and aborts every task without waiting.
    pub(crate) fn abort_all(&self) -> Vec<JoinHandle<()>> {
        self.shutdown.send_replace(true);
        let handles: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.handles.lock().unwrap_or_else(|e| e.into_inner()));
        for h in &handles {
            h.abort();
        }
        handles
    }

    /// Stops every task and waits until they are gone, so nothing touches the
    /// state directory afterwards.
    pub(crate) async fn stop_all(&self) {
        for h in self.abort_all() {
            let _ = h.await;
        }
    }
}

/// One hosted app id: a consumer group on the broker, with what its own
/// daprd would have loaded and subscribed to.
pub(crate) struct Group {
    pub app_id: String,
    /// The resources in scope for this app id.
    pub resources: Resources,
    /// Effective subscriptions, fixed once the app is up.
    pub subscriptions: RwLock<BTreeMap<(String, String), Arc<SubscriptionDef>>>,
    /// Cron bindings the app subscribed to (OPTIONS probe).
    pub cron_subscribed: Mutex<HashSet<String>>,
}

impl Group {
    pub(crate) fn new(app_id: String, resources: Resources) -> Group {
        Group {
            app_id,
            resources,
            subscriptions: RwLock::new(BTreeMap::new()),
            cron_subscribed: Mutex::new(HashSet::new()),
        }
    }

    pub(crate) fn subscription(&self, pubsub: &str, topic: &str) -> Option<Arc<SubscriptionDef>> {
        self.subscriptions
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(pubsub.to_string(), topic.to_string()))
            .cloned()
    }

    pub(crate) fn is_cron_subscribed(&self, name: &str) -> bool {
        self.cron_subscribed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(name)
    }
}

pub(crate) struct Runtime {
    pub cfg: SidecarConfig,
    /// The resources in scope for `cfg.app_id` (publishing, output
    /// bindings, metadata).
    pub resources: Resources,
    /// The hosted app ids, in the broker's group order.
    pub groups: Vec<Group>,
    pub clock: Arc<dyn Clock>,
    pub broker: Broker,
    pub observer: Observer,
    pub app: AppChannel,
    pub jobs: Jobs,
    pub tasks: Tasks,
    /// The app accepted a TCP connection and initialisation is done.
    pub ready: watch::Sender<bool>,
}

impl Runtime {
    pub(crate) fn new(
        cfg: SidecarConfig,
        resources: Resources,
        groups: Vec<Group>,
        broker: Broker,
        jobs: Jobs,
    ) -> anyhow::Result<Runtime> {
        let app = AppChannel::new(&cfg.app_url, cfg.app_api_token.clone())?;
        Ok(Runtime {
            clock: cfg.clock.clone(),
            observer: Observer::new(cfg.log_deliveries),
            app,
            broker,
            jobs,
            tasks: Tasks::new(),
            ready: watch::channel(false).0,
            resources,
            groups,
            cfg,
        })
    }

    /// The hosted app id `app_id`.
    pub(crate) fn group(&self, app_id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.app_id == app_id)
    }

    pub(crate) fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Waits until the app is up and initialisation is done.
    pub(crate) async fn until_ready(&self) {
        let mut rx = self.ready.subscribe();
        let _ = rx.wait_for(|r| *r).await;
    }

    /// Stores a message on a topic for every consumer group and records it;
    /// `app_id` is the publishing app id.
    pub(crate) fn publish(
        self: &Arc<Self>,
        app_id: &str,
        pubsub: &str,
        topic: &str,
        data: Bytes,
        metadata: BTreeMap<String, String>,
    ) -> std::io::Result<Arc<Message>> {
        let now = self.clock.now();
        let (msg, created) = self.broker.publish(pubsub, topic, data, metadata, now)?;
        if let Some(parts) = created {
            self.start_workers(parts);
        }
        self.observer.published(PublishedMessage {
            app_id: app_id.to_string(),
            pubsub: msg.pubsub.clone(),
            topic: msg.topic.clone(),
            partition: msg.partition,
            offset: msg.offset,
            key: msg.key.clone(),
            data: msg.data.clone(),
            event: bytes_as_json(&msg.data),
            metadata: msg.metadata.clone(),
            published_at: now,
        });
        Ok(msg)
    }

    pub(crate) fn start_workers(self: &Arc<Self>, parts: Vec<Arc<Partition>>) {
        for p in parts {
            let rt = self.clone();
            self.tasks.spawn(crate::delivery::partition_worker(rt, p));
        }
    }

    /// daprd's start-up after the APIs are listening, for each hosted app
    /// id: wait for the app's port, read programmatic subscriptions, probe
    /// input bindings; then mark the runtime ready (which lets deliveries,
    /// jobs and cron start).
    pub(crate) async fn initialise_when_app_is_up(self: Arc<Self>) {
        while !self.app.is_listening().await {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        for group in &self.groups {
            let mut subs: Vec<SubscriptionDef> = Vec::new();
            if self.cfg.programmatic_subscriptions && !group.resources.pubsubs.is_empty() {
                subs.extend(self.programmatic_subscriptions(group).await);
            }
            // Programmatic subscriptions replace declarative ones for the
            // same pubsub and topic; among declaratives the first loaded wins.
            subs.extend(group.resources.subscriptions.iter().cloned());
            let index = Resources::subscription_index(&subs)
                .into_iter()
                .map(|(k, v)| (k, Arc::new(v)))
                .collect();
            *group
                .subscriptions
                .write()
                .unwrap_or_else(|e| e.into_inner()) = index;
        }

        crate::bindings::probe_cron_bindings(&self).await;
        crate::bindings::start_cron_loops(&self);
        self.ready.send_replace(true);
    }

    /// `GET /dapr/subscribe` as `group`'s daprd calls it.
    async fn programmatic_subscriptions(&self, group: &Group) -> Vec<SubscriptionDef> {
        let headers = vec![
            ("dapr-app-id".to_string(), group.app_id.clone()),
            ("content-type".to_string(), "application/json".to_string()),
        ];
        // Transport errors get a few quick retries, like daprd's built-in
        // policy for this call; any non-200 answer means "no subscriptions".
        for attempt in 0..4 {
            match self
                .app
                .call(
                    Method::GET,
                    "/dapr/subscribe",
                    headers.clone(),
                    Bytes::new(),
                    Some(Duration::from_secs(5)),
                )
                .await
            {
                Ok(r) if r.status == 200 => {
                    return match SubscriptionDef::from_programmatic(&r.body) {
                        Ok(list) => list
                            .into_iter()
                            .filter(|s| match group.resources.pubsubs.get(&s.pubsub) {
                                Some(p) if p.can_subscribe(&s.topic) => true,
                                _ => {
                                    self.observer.warn(&format!(
                                        "programmatic subscription of app id {} to {}/{} ignored (unknown pubsub or topic not allowed)",
                                        group.app_id, s.pubsub, s.topic
                                    ));
                                    false
                                }
                            })
                            .collect(),
                        Err(e) => {
                            self.observer
                                .warn(&format!("invalid /dapr/subscribe response: {e:#}"));
                            Vec::new()
                        }
                    };
                }
                Ok(_) => return Vec::new(),
                Err(_) if attempt < 3 => {
                    tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
                }
                Err(e) => {
                    self.observer
                        .warn(&format!("GET /dapr/subscribe failed: {e}"));
                    return Vec::new();
                }
            }
        }
        Vec::new()
    }
}
