//! Dapr resource files: the same YAML that Kubernetes applies.
//!
//! Every `*.yaml`/`*.yml` file of a resources directory is read (multi-
//! document files allowed, in file-name order). Recognised kinds:
//! - `Component` (`dapr.io/v1alpha1`): any `pubsub.*` type becomes the
//!   in-memory broker (broker metadata such as Kafka brokers or SASL secrets
//!   is ignored); `bindings.cron`; `bindings.http`. Other component types are
//!   skipped with a warning.
//! - `Subscription` (`dapr.io/v2alpha1` with `routes`, `dapr.io/v1alpha1`
//!   with `route`). `bulkSubscribe` is ignored: events are delivered one at
//!   a time.
//! - `Resiliency` (`dapr.io/v1alpha1`).
//!
//! Other kinds (Configuration, HTTPEndpoint, …) are skipped with a warning;
//! documents that are not Dapr's at all (another apiVersion, such as the
//! directory's `kustomization.yaml`) silently, as Dapr does. A resource whose
//! root `scopes` is non-empty and does not list this app id is skipped, as
//! Dapr does. A sidecar hosting several app ids reads the files once and
//! keeps one view per app id ([`Resources::load_dirs_for`]).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use serde::Deserialize;
use serde_json::Value;

use super::resiliency::{Resiliency, ResiliencySpec};
use crate::cel::{CelError, Program};
use crate::schedule::{parse_go_duration, Schedule, SecondsField};

/// Everything loaded from the resources directories, filtered for one app id.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub pubsubs: BTreeMap<String, PubsubComponent>,
    pub cron_bindings: BTreeMap<String, CronBinding>,
    pub http_bindings: BTreeMap<String, HttpBinding>,
    pub smtp_bindings: BTreeMap<String, SmtpBinding>,
    /// Declarative subscriptions in load order (the first one for a given
    /// pubsub and topic wins).
    pub subscriptions: Vec<SubscriptionDef>,
    pub resiliency: Resiliency,
    /// Components of types this sidecar does not implement: `(name, type)`.
    pub ignored_components: Vec<(String, String)>,
    /// Things skipped or ignored while loading, for the log.
    pub warnings: Vec<String>,
}

/// A pub/sub component (any `pubsub.*` type).
#[derive(Debug, Clone, Default)]
pub struct PubsubComponent {
    pub name: String,
    pub component_type: String,
    /// Metadata with plain values; secret references are not resolved.
    pub metadata: BTreeMap<String, String>,
    pub allowed_topics: Vec<String>,
    pub protected_topics: Vec<String>,
    /// `publishingScopes` entries for this app id.
    pub publishing_scopes: Vec<String>,
    /// `subscriptionScopes` entries for this app id.
    pub subscription_scopes: Vec<String>,
}

impl PubsubComponent {
    /// Dapr's `IsOperationAllowed` for publishing.
    pub fn can_publish(&self, topic: &str) -> bool {
        self.allowed(topic, &self.publishing_scopes)
    }

    /// Dapr's `IsOperationAllowed` for subscribing.
    pub fn can_subscribe(&self, topic: &str) -> bool {
        self.allowed(topic, &self.subscription_scopes)
    }

    fn allowed(&self, topic: &str, scoped: &[String]) -> bool {
        if !self.allowed_topics.is_empty() && !self.allowed_topics.iter().any(|t| t == topic) {
            return false;
        }
        let protected = self.protected_topics.iter().any(|t| t == topic);
        if !protected && scoped.is_empty() {
            return true;
        }
        scoped.iter().any(|t| t == topic)
    }
}

/// A `bindings.cron` input binding.
#[derive(Debug, Clone)]
pub struct CronBinding {
    pub name: String,
    pub schedule_text: String,
    pub schedule: Schedule,
    /// App path that receives the events (`route` metadata, else `/<name>`).
    pub route: String,
    /// `direction` lists `input`: Dapr then skips the OPTIONS probe.
    pub explicit_input: bool,
    /// `direction` is given and does not list `input`: never read.
    pub output_only: bool,
}

/// A `bindings.http` output binding.
#[derive(Debug, Clone)]
pub struct HttpBinding {
    pub name: String,
    pub url: String,
    pub error_if_not_2xx: bool,
    /// `securityTokenHeader` and `securityToken`.
    pub security_token: Option<(String, String)>,
    pub response_timeout: Option<Duration>,
}

/// A `bindings.smtp` output binding: the component's metadata, as Dapr's
/// `bindings/smtp` reads it.
#[derive(Debug, Clone, Default)]
pub struct SmtpBinding {
    pub name: String,
    /// `host`, `port`, `user`, `password`, `skipTLSVerify`; `None` when the
    /// server comes from a Kubernetes secret, which is not read locally:
    /// the sidecar's `smtp_url`, else its dev mailbox, stands in for it.
    pub server: Option<SmtpServer>,
    pub email_from: String,
    pub email_to: String,
    pub email_cc: String,
    pub email_bcc: String,
    pub subject: String,
    /// 1 (highest) to 5 (lowest); 3 when not set.
    pub priority: u8,
}

/// The sender of mail whose `emailFrom` comes from a secret, locally.
pub const LOCAL_SENDER: &str = "Task Manager <tasks@localhost>";

/// Where an SMTP binding sends mail.
#[derive(Debug, Clone, PartialEq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub skip_tls_verify: bool,
}

/// Dapr's SMTP priority: 1 to 5, 3 when empty.
pub fn smtp_priority(value: Option<&str>) -> Result<u8, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(3),
        Some(v) => match v.parse::<u8>() {
            Ok(p) if (1..=5).contains(&p) => Ok(p),
            Ok(_) => Err(
                "smtp binding error:  priority value must be between 1 (highest) and 5 (lowest)"
                    .into(),
            ),
            Err(e) => Err(format!("strconv.Atoi: parsing {v:?}: {e}")),
        },
    }
}

/// One routing rule: an optional CEL match and the app path.
#[derive(Debug, Clone)]
pub struct RouteRule {
    pub matcher: Option<Program>,
    pub path: String,
}

/// A subscription of this app to one topic.
#[derive(Debug, Clone)]
pub struct SubscriptionDef {
    pub name: String,
    pub pubsub: String,
    pub topic: String,
    /// Rules in order; the fallback route (`routes.default`, else `route`)
    /// is the last rule, without a matcher.
    pub rules: Vec<RouteRule>,
    pub dead_letter_topic: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// `declarative` or `programmatic`.
    pub origin: &'static str,
}

impl SubscriptionDef {
    /// The path for `event`: the first rule that matches, `None` if none.
    pub fn route_for(&self, event: &Value) -> Result<Option<&str>, CelError> {
        for rule in &self.rules {
            match &rule.matcher {
                None => return Ok(Some(&rule.path)),
                Some(p) => {
                    if p.matches(event)? {
                        return Ok(Some(&rule.path));
                    }
                }
            }
        }
        Ok(None)
    }

    fn build(raw: RawSubscription) -> anyhow::Result<Option<SubscriptionDef>> {
        let RawSubscription {
            name,
            pubsub,
            topic,
            rules: raw_rules,
            fallback,
            dead_letter_topic,
            metadata,
            origin,
        } = raw;
        let mut rules = Vec::new();
        for (m, path) in raw_rules {
            let matcher = if m.trim().is_empty() {
                None
            } else {
                Some(Program::compile(&m).map_err(|e| {
                    anyhow!("subscription {name}: invalid match expression {m:?}: {e}")
                })?)
            };
            rules.push(RouteRule {
                matcher,
                path: normalize_path(&path),
            });
        }
        if let Some(f) = fallback.filter(|f| !f.is_empty()) {
            rules.push(RouteRule {
                matcher: None,
                path: normalize_path(&f),
            });
        }
        if rules.is_empty() {
            return Ok(None);
        }
        Ok(Some(SubscriptionDef {
            name,
            pubsub,
            topic,
            rules,
            dead_letter_topic: dead_letter_topic.filter(|d| !d.is_empty()),
            metadata,
            origin,
        }))
    }

    /// Parses the body of `GET /dapr/subscribe` (Dapr decodes the keys case-
    /// insensitively; the usual camelCase and lowercase spellings are
    /// accepted here).
    pub fn from_programmatic(body: &[u8]) -> anyhow::Result<Vec<SubscriptionDef>> {
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(Vec::new());
        }
        let items: Vec<Value> = serde_json::from_slice(body).context("decoding /dapr/subscribe")?;
        let mut out = Vec::new();
        for item in items {
            let get = |k: &str| -> Option<&Value> {
                item.as_object()?
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v)
            };
            let s = |k: &str| get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let pubsub = s("pubsubname");
            let topic = s("topic");
            let mut rules = Vec::new();
            let mut default = None;
            if let Some(routes) = get("routes").and_then(Value::as_object) {
                for (k, v) in routes {
                    if k.eq_ignore_ascii_case("rules") {
                        for r in v.as_array().into_iter().flatten() {
                            let m = r.get("match").and_then(Value::as_str).unwrap_or("");
                            let p = r.get("path").and_then(Value::as_str).unwrap_or("");
                            rules.push((m.to_string(), p.to_string()));
                        }
                    } else if k.eq_ignore_ascii_case("default") {
                        default = v.as_str().map(str::to_string);
                    }
                }
            }
            let fallback = default
                .filter(|d| !d.is_empty())
                .or_else(|| Some(s("route")));
            let metadata = get("metadata")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), json_scalar(v))).collect())
                .unwrap_or_default();
            let dlq = Some(s("deadLetterTopic"));
            let name = format!("programmatic:{pubsub}/{topic}");
            if let Some(sub) = Self::build(RawSubscription {
                name,
                pubsub,
                topic,
                rules,
                fallback,
                dead_letter_topic: dlq,
                metadata,
                origin: "programmatic",
            })? {
                out.push(sub);
            }
        }
        Ok(out)
    }
}

/// A subscription as written, before its rules are compiled.
struct RawSubscription {
    name: String,
    pubsub: String,
    topic: String,
    /// `(match, path)` pairs in order.
    rules: Vec<(String, String)>,
    /// `routes.default`, else `route`.
    fallback: Option<String>,
    dead_letter_topic: Option<String>,
    metadata: BTreeMap<String, String>,
    origin: &'static str,
}

fn json_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Prepends `/` as Dapr's app channel does.
pub fn normalize_path(p: &str) -> String {
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ObjectMeta {
    name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceDoc {
    api_version: Option<String>,
    kind: Option<String>,
    metadata: Option<ObjectMeta>,
    #[serde(default)]
    spec: serde_yaml::Value,
    #[serde(default)]
    scopes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ComponentSpec {
    #[serde(rename = "type")]
    component_type: String,
    #[serde(default)]
    metadata: Vec<MetadataItem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetadataItem {
    name: String,
    #[serde(default)]
    value: serde_yaml::Value,
    #[serde(default)]
    secret_key_ref: Option<serde_yaml::Value>,
    #[serde(default)]
    env_ref: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionSpec {
    #[serde(default)]
    pubsubname: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    route: Option<String>,
    #[serde(default)]
    routes: Option<RoutesSpec>,
    #[serde(default)]
    dead_letter_topic: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, serde_yaml::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct RoutesSpec {
    #[serde(default)]
    rules: Vec<RuleSpec>,
    #[serde(default)]
    default: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RuleSpec {
    #[serde(default, rename = "match")]
    matches: String,
    #[serde(default)]
    path: String,
}

fn yaml_scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::Null => None,
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::String(s) => Some(s.clone()),
        other => serde_yaml::to_string(other)
            .ok()
            .map(|s| s.trim_end().to_string()),
    }
}

/// Case-insensitive metadata lookup (Dapr decodes component metadata with
/// case-insensitive field matching).
fn meta_get<'a>(m: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

fn topic_list(v: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(v) = v {
        for t in v.replace(' ', "").split(',') {
            if !out.iter().any(|x| x == t) {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// Dapr's `GetScopedTopics`: `app1=t1,t2;app2=t3`, entries for `app_id`.
/// `app1=` (an empty list) yields `[""]`, which allows nothing.
fn scoped_topics(v: Option<&str>, app_id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        return out;
    };
    for app in v.replace(' ', "").split(';') {
        let Some((name, topics)) = app.split_once('=') else {
            continue;
        };
        if name != app_id {
            continue;
        }
        for t in topics.split(',') {
            if !out.iter().any(|x| x == t) {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// One resource document as read, before it is filtered by scope.
#[derive(Debug, Clone)]
struct SourceDoc {
    /// `<file> (document <n>)`, for messages.
    where_: String,
    doc: ResourceDoc,
}

impl SourceDoc {
    fn kind(&self) -> &str {
        self.doc.kind.as_deref().unwrap_or_default()
    }

    /// Root `scopes`: empty means every app id.
    fn in_scope(&self, app_id: &str) -> bool {
        self.doc.scopes.is_empty() || self.doc.scopes.iter().any(|s| s == app_id)
    }
}

/// Every YAML document of `text`.
fn parse_docs(text: &str, source: &str) -> anyhow::Result<Vec<SourceDoc>> {
    let mut out = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value = serde_yaml::Value::deserialize(doc)
            .with_context(|| format!("{source}: document {} is not valid YAML", i + 1))?;
        if value.is_null() {
            continue;
        }
        let where_ = format!("{source} (document {})", i + 1);
        let doc: ResourceDoc = serde_yaml::from_value(value)
            .with_context(|| format!("{where_}: not a Kubernetes-style resource"))?;
        out.push(SourceDoc { where_, doc });
    }
    Ok(out)
}

/// Every document of every `*.yaml`/`*.yml` file of `dirs`, in file-name
/// order per directory.
fn read_dirs(dirs: &[PathBuf]) -> anyhow::Result<Vec<SourceDoc>> {
    let mut docs = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("reading resources directory {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("yaml") | Some("yml")
                    )
            })
            .collect();
        files.sort();
        for f in files {
            let text =
                std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
            docs.extend(parse_docs(&text, &f.display().to_string())?);
        }
    }
    Ok(docs)
}

/// The resources of several app ids that share one sidecar.
#[derive(Debug, Clone, Default)]
pub struct ResourceViews {
    /// One view per app id, in the order asked for: what a sidecar of that
    /// app id alone would load. Their `warnings` leave out resources skipped
    /// for scope, which [`ResourceViews::warnings`] reports.
    pub views: Vec<(String, Resources)>,
    /// The warnings of every view, each once, plus one for each resource
    /// scoped to none of the app ids.
    pub warnings: Vec<String>,
}

impl ResourceViews {
    /// The view of `app_id`.
    pub fn get(&self, app_id: &str) -> Option<&Resources> {
        self.views
            .iter()
            .find(|(id, _)| id == app_id)
            .map(|(_, r)| r)
    }
}

impl Resources {
    /// Loads every resource file of `dirs` for `app_id`.
    pub fn load_dirs(dirs: &[PathBuf], app_id: &str) -> anyhow::Result<Resources> {
        Self::from_docs(&read_dirs(dirs)?, app_id, true)
    }

    /// Reads every resource file of `dirs` once and loads it for each of
    /// `app_ids`: a resource is in the view of each app id its scopes list
    /// (every app id when it has no scopes).
    pub fn load_dirs_for(dirs: &[PathBuf], app_ids: &[String]) -> anyhow::Result<ResourceViews> {
        let docs = read_dirs(dirs)?;
        let mut out = ResourceViews::default();
        for d in &docs {
            if !app_ids.iter().any(|id| d.in_scope(id)) {
                out.warnings.push(format!(
                    "{}: {} is scoped to other apps; skipped",
                    d.where_,
                    d.kind()
                ));
            }
        }
        for id in app_ids {
            let res = Self::from_docs(&docs, id, false)?;
            for w in &res.warnings {
                if !out.warnings.contains(w) {
                    out.warnings.push(w.clone());
                }
            }
            out.views.push((id.clone(), res));
        }
        Ok(out)
    }

    /// Parses one YAML text (possibly several documents) for `app_id`.
    pub fn from_yaml(text: &str, app_id: &str) -> anyhow::Result<Resources> {
        Self::from_docs(&parse_docs(text, "<inline>")?, app_id, true)
    }

    fn from_docs(
        docs: &[SourceDoc],
        app_id: &str,
        scope_warnings: bool,
    ) -> anyhow::Result<Resources> {
        let mut res = Resources::default();
        for d in docs {
            if !d.in_scope(app_id) {
                if scope_warnings {
                    res.warnings.push(format!(
                        "{}: {} is scoped to other apps; skipped",
                        d.where_,
                        d.kind()
                    ));
                }
                continue;
            }
            res.add_doc(d.doc.clone(), &d.where_, app_id)?;
        }
        res.finish()?;
        Ok(res)
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.resiliency.validate()?;
        // Subscriptions to unknown pubsubs, or to topics the component's
        // scoping forbids, are dropped with a warning (Dapr logs and skips).
        let pubsubs = &self.pubsubs;
        let mut warnings = Vec::new();
        self.subscriptions.retain(|s| match pubsubs.get(&s.pubsub) {
            None => {
                warnings.push(format!(
                    "subscription {} refers to unknown pubsub {:?}; ignored",
                    s.name, s.pubsub
                ));
                false
            }
            Some(p) if !p.can_subscribe(&s.topic) => {
                warnings.push(format!(
                    "subscription to topic '{}' on pubsub '{}' is not allowed; ignored",
                    s.topic, s.pubsub
                ));
                false
            }
            Some(_) => true,
        });
        self.warnings.extend(warnings);
        Ok(())
    }

    /// Adds one document that is in scope for `app_id`.
    fn add_doc(&mut self, doc: ResourceDoc, where_: &str, app_id: &str) -> anyhow::Result<()> {
        let where_ = where_.to_string();
        let kind = doc.kind.clone().unwrap_or_default();
        let api = doc.api_version.clone().unwrap_or_default();
        let name = doc
            .metadata
            .as_ref()
            .and_then(|m| m.name.clone())
            .filter(|n| !n.is_empty());
        match (kind.as_str(), api.as_str()) {
            ("Component", "dapr.io/v1alpha1") => {
                let name =
                    name.ok_or_else(|| anyhow!("{where_}: Component without metadata.name"))?;
                self.add_component(name, doc.spec, app_id, &where_)?;
            }
            ("Subscription", "dapr.io/v2alpha1" | "dapr.io/v1alpha1") => {
                let name =
                    name.ok_or_else(|| anyhow!("{where_}: Subscription without metadata.name"))?;
                let spec: SubscriptionSpec = serde_yaml::from_value(doc.spec)
                    .with_context(|| format!("{where_}: invalid Subscription spec"))?;
                if spec.pubsubname.is_empty() || spec.topic.is_empty() {
                    bail!("{where_}: Subscription {name} needs spec.pubsubname and spec.topic");
                }
                let routes = spec.routes.unwrap_or_default();
                let rules = routes
                    .rules
                    .into_iter()
                    .map(|r| (r.matches, r.path))
                    .collect();
                let fallback = routes.default.filter(|d| !d.is_empty()).or(spec.route);
                let metadata = spec
                    .metadata
                    .iter()
                    .filter_map(|(k, v)| yaml_scalar(v).map(|v| (k.clone(), v)))
                    .collect();
                match SubscriptionDef::build(RawSubscription {
                    name: name.clone(),
                    pubsub: spec.pubsubname,
                    topic: spec.topic,
                    rules,
                    fallback,
                    dead_letter_topic: spec.dead_letter_topic,
                    metadata,
                    origin: "declarative",
                })
                .with_context(|| where_.clone())?
                {
                    Some(sub) => self.subscriptions.push(sub),
                    None => self.warnings.push(format!(
                        "{where_}: subscription {name} has no routes; ignored"
                    )),
                }
            }
            ("Resiliency", "dapr.io/v1alpha1") => {
                let spec: ResiliencySpec = serde_yaml::from_value(doc.spec)
                    .with_context(|| format!("{where_}: invalid Resiliency spec"))?;
                self.resiliency.merge(spec, &where_)?;
            }
            ("Component" | "Subscription" | "Resiliency", other) => {
                bail!("{where_}: unsupported apiVersion {other:?} for {kind}")
            }
            // Not a Dapr document at all (the directory is also a
            // Kustomize base: its kustomization.yaml): as Dapr, skip it.
            _ if !api.starts_with("dapr.io/") => {}
            _ => self.warnings.push(format!(
                "{where_}: kind {kind:?} is not used by this sidecar; skipped"
            )),
        }
        Ok(())
    }

    fn add_component(
        &mut self,
        name: String,
        spec: serde_yaml::Value,
        app_id: &str,
        where_: &str,
    ) -> anyhow::Result<()> {
        let spec: ComponentSpec = serde_yaml::from_value(spec)
            .with_context(|| format!("{where_}: invalid Component spec"))?;
        let mut metadata = BTreeMap::new();
        let mut secret_refs = HashSet::new();
        for item in spec.metadata {
            if item.secret_key_ref.is_some() {
                // Secrets are resolved by Dapr's secret stores in Kubernetes;
                // locally they are only broker credentials, which the
                // in-memory broker does not need.
                secret_refs.insert(item.name.to_ascii_lowercase());
                continue;
            }
            if let Some(env) = &item.env_ref {
                if let Ok(v) = std::env::var(env) {
                    metadata.insert(item.name, v);
                }
                continue;
            }
            if let Some(v) = yaml_scalar(&item.value) {
                metadata.insert(item.name, v);
            }
        }
        let ty = spec.component_type.clone();
        let needs = |key: &str| -> anyhow::Result<String> {
            meta_get(&metadata, key).map(str::to_string).ok_or_else(|| {
                if secret_refs.contains(&key.to_ascii_lowercase()) {
                    anyhow!("{where_}: component {name}: metadata {key} from a secret is not supported locally")
                } else {
                    anyhow!("{where_}: component {name} ({ty}) needs metadata {key}")
                }
            })
        };
        let duplicate = self.pubsubs.contains_key(&name)
            || self.cron_bindings.contains_key(&name)
            || self.http_bindings.contains_key(&name)
            || self.smtp_bindings.contains_key(&name);
        if duplicate {
            bail!("{where_}: component {name} is defined twice");
        }
        if ty.starts_with("pubsub.") {
            let p = PubsubComponent {
                name: name.clone(),
                component_type: ty.clone(),
                allowed_topics: topic_list(meta_get(&metadata, "allowedTopics")),
                protected_topics: topic_list(meta_get(&metadata, "protectedTopics")),
                publishing_scopes: scoped_topics(meta_get(&metadata, "publishingScopes"), app_id),
                subscription_scopes: scoped_topics(
                    meta_get(&metadata, "subscriptionScopes"),
                    app_id,
                ),
                metadata,
            };
            self.pubsubs.insert(name, p);
        } else if ty == "bindings.cron" {
            let schedule_text = needs("schedule")?;
            let schedule = Schedule::parse(&schedule_text, SecondsField::Optional).map_err(|e| {
                anyhow!("{where_}: component {name}: invalid schedule format '{schedule_text}': {e}")
            })?;
            let route = meta_get(&metadata, "route")
                .filter(|r| !r.is_empty())
                .map(normalize_path)
                .unwrap_or_else(|| format!("/{name}"));
            let directions: Vec<String> = meta_get(&metadata, "direction")
                .map(|d| {
                    d.split(',')
                        .map(|x| x.trim().to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            let explicit_input = directions.iter().any(|d| d == "input");
            let output_only = !directions.is_empty() && !explicit_input;
            self.cron_bindings.insert(
                name.clone(),
                CronBinding {
                    name,
                    schedule_text,
                    schedule,
                    route,
                    explicit_input,
                    output_only,
                },
            );
        } else if ty == "bindings.http" {
            let url = needs("url")?;
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "{where_}: component {name}: url must be http(s): {url}"
            );
            let error_if_not_2xx = meta_get(&metadata, "errorIfNot2XX")
                .map(is_truthy)
                .unwrap_or(true);
            let security_token = match (
                meta_get(&metadata, "securityTokenHeader"),
                meta_get(&metadata, "securityToken"),
            ) {
                (Some(h), Some(t)) if !h.is_empty() && !t.is_empty() => {
                    Some((h.to_string(), t.to_string()))
                }
                _ => None,
            };
            let response_timeout = match meta_get(&metadata, "responseTimeout") {
                Some(t) if !t.is_empty() => Some(
                    parse_go_duration(t)
                        .ok()
                        .and_then(|d| d.to_std().ok())
                        .ok_or_else(|| {
                            anyhow!("{where_}: component {name}: invalid responseTimeout {t:?}")
                        })?,
                ),
                _ => None,
            };
            self.http_bindings.insert(
                name.clone(),
                HttpBinding {
                    name,
                    url,
                    error_if_not_2xx,
                    security_token,
                    response_timeout,
                },
            );
        } else if ty == "bindings.smtp" {
            let get = |k: &str| meta_get(&metadata, k).unwrap_or("").to_string();
            let from_secret = ["host", "port", "user", "password"]
                .iter()
                .any(|k| secret_refs.contains(*k));
            let server = if from_secret {
                None
            } else {
                let (host, port) = (get("host"), get("port"));
                let port: u16 = port.trim().parse().unwrap_or(0);
                anyhow::ensure!(
                    !host.is_empty() && port != 0,
                    "{where_}: component {name}: smtp binding error: host and port fields are required in metadata"
                );
                let (user, password) = (get("user"), get("password"));
                anyhow::ensure!(
                    user.is_empty() == password.is_empty(),
                    "{where_}: component {name}: smtp binding error: both user and password fields are required in metadata"
                );
                Some(SmtpServer {
                    host,
                    port,
                    user,
                    password,
                    skip_tls_verify: meta_get(&metadata, "skipTLSVerify").is_some_and(is_truthy),
                })
            };
            let priority = smtp_priority(meta_get(&metadata, "priority"))
                .map_err(|e| anyhow!("{where_}: component {name}: {e}"))?;
            self.smtp_bindings.insert(
                name.clone(),
                SmtpBinding {
                    name,
                    server,
                    // A sender from a secret is not read locally either.
                    email_from: if secret_refs.contains("emailfrom") {
                        LOCAL_SENDER.to_string()
                    } else {
                        get("emailFrom")
                    },
                    email_to: get("emailTo"),
                    email_cc: get("emailCC"),
                    email_bcc: get("emailBCC"),
                    subject: get("subject"),
                    priority,
                },
            );
        } else {
            self.warnings.push(format!(
                "{where_}: component {name} of type {ty} is not supported by this sidecar; skipped"
            ));
            self.ignored_components.push((name, ty));
        }
        Ok(())
    }

    /// The effective subscription for each pubsub/topic: the first one wins.
    pub fn subscription_index(
        subs: &[SubscriptionDef],
    ) -> BTreeMap<(String, String), SubscriptionDef> {
        let mut out = BTreeMap::new();
        for s in subs {
            out.entry((s.pubsub.clone(), s.topic.clone()))
                .or_insert_with(|| s.clone());
        }
        out
    }
}

/// dapr/kit `IsTruthy`: `y`, `yes`, `true`, `t`, `on`, `1` (any case).
pub fn is_truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "y" | "yes" | "true" | "t" | "on" | "1"
    )
}

/// Reads resources from a directory (convenience for callers and tests).
pub fn load_dir(dir: &Path, app_id: &str) -> anyhow::Result<Resources> {
    Resources::load_dirs(&[dir.to_path_buf()], app_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoping_rules() {
        assert_eq!(scoped_topics(Some("a=t1,t2;b=t3"), "a"), vec!["t1", "t2"]);
        assert_eq!(scoped_topics(Some("a="), "a"), vec![""]);
        assert!(scoped_topics(Some("b=t3"), "a").is_empty());
        let p = PubsubComponent {
            allowed_topics: vec!["t1".into(), "t2".into()],
            protected_topics: vec!["t2".into()],
            publishing_scopes: vec![],
            ..Default::default()
        };
        assert!(p.can_publish("t1"));
        assert!(!p.can_publish("t2"), "protected needs an explicit scope");
        assert!(!p.can_publish("t3"), "not in allowedTopics");
    }

    #[test]
    fn documents_that_are_not_dapr_resources_are_skipped_silently() {
        let res = Resources::from_yaml(
            "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [pubsub.yaml]
---
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: tracing}
spec: {}
",
            "app",
        )
        .unwrap();
        assert_eq!(res.warnings.len(), 1, "{:?}", res.warnings);
        assert!(res.warnings[0].contains("Configuration"));
    }

    #[test]
    fn the_repository_dapr_directory_loads_without_warnings() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dapr");
        let views = Resources::load_dirs_for(&[dir], &["api".to_string()]).unwrap();
        let unexpected: Vec<_> = views
            .warnings
            .iter()
            .filter(|w| w.contains("kustomization"))
            .collect();
        assert!(unexpected.is_empty(), "{unexpected:?}");
    }
}
