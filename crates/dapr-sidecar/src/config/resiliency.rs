//! Resiliency policies (`dapr.io/v1alpha1` `Resiliency`) as the sidecar
//! applies them: retries and timeouts for inbound component traffic (pub/sub
//! deliveries and input-binding events).
//!
//! Circuit breakers, `targets.apps` (service invocation) and `targets.actors`
//! are parsed but not applied: nothing here invokes other apps or actors, and
//! a breaker would only change how quickly a failing partition backs off.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::schedule::parse_go_duration;

/// How to wait between attempts.
#[derive(Debug, Clone, PartialEq)]
pub enum BackoffKind {
    /// The same delay every time (`duration`, default 5 s).
    Constant { duration: Duration },
    /// cenkalti/backoff's exponential policy as dapr/kit configures it.
    Exponential {
        initial_interval: Duration,
        randomization_factor: f64,
        multiplier: f64,
        max_interval: Duration,
        /// Zero means no limit.
        max_elapsed: Duration,
    },
}

/// A named retry policy.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub name: String,
    pub backoff: BackoffKind,
    /// Retries after the first attempt; negative means unlimited.
    pub max_retries: i64,
    /// `matching.httpStatusCodes`: when set, only these statuses are retried
    /// and any other HTTP status stops the retries at once.
    pub http_status_codes: Option<Vec<(u16, u16)>>,
}

impl RetryPolicy {
    /// Whether an HTTP status may be retried under `matching`.
    pub fn should_retry_status(&self, status: u16) -> bool {
        match &self.http_status_codes {
            None => true,
            Some(ranges) => ranges.iter().any(|(lo, hi)| *lo <= status && status <= *hi),
        }
    }

    /// A fresh back-off sequence for one operation.
    pub fn backoff(&self) -> Backoff {
        let current = match &self.backoff {
            BackoffKind::Constant { duration } => *duration,
            BackoffKind::Exponential {
                initial_interval, ..
            } => *initial_interval,
        };
        Backoff {
            policy: self.clone(),
            retries: 0,
            current,
            started: Instant::now(),
        }
    }
}

/// The delays of one retry sequence.
#[derive(Debug)]
pub struct Backoff {
    policy: RetryPolicy,
    retries: i64,
    current: Duration,
    started: Instant,
}

impl Backoff {
    /// The delay before the next retry, or `None` when the budget is spent.
    pub fn next_delay(&mut self) -> Option<Duration> {
        if self.policy.max_retries >= 0 && self.retries >= self.policy.max_retries {
            return None;
        }
        self.retries += 1;
        match &self.policy.backoff {
            BackoffKind::Constant { duration } => Some(*duration),
            BackoffKind::Exponential {
                randomization_factor,
                multiplier,
                max_interval,
                max_elapsed,
                ..
            } => {
                let base = self.current.as_secs_f64();
                let delta = randomization_factor * base;
                let delay = (base - delta) + random_unit() * (2.0 * delta);
                let delay = Duration::from_secs_f64(delay.max(0.0));
                self.current = if base * multiplier >= max_interval.as_secs_f64() {
                    *max_interval
                } else {
                    Duration::from_secs_f64(base * multiplier)
                };
                if !max_elapsed.is_zero() && self.started.elapsed() + delay > *max_elapsed {
                    return None;
                }
                Some(delay)
            }
        }
    }

    /// Retries handed out so far.
    pub fn retries(&self) -> i64 {
        self.retries
    }
}

/// A uniform number in [0, 1) from the OS random source (via uuid v4), so no
/// extra RNG dependency is needed for jitter.
fn random_unit() -> f64 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap_or([0; 8]));
    (n >> 11) as f64 / (1u64 << 53) as f64
}

/// What applies to one operation: an optional per-attempt timeout and an
/// optional retry policy. No retry policy means exactly one attempt.
#[derive(Debug, Clone, Default)]
pub struct PolicyDef {
    pub timeout: Option<Duration>,
    pub retry: Option<Arc<RetryPolicy>>,
}

/// Names of the policies a target uses.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PolicyNames {
    #[serde(default)]
    pub timeout: Option<String>,
    #[serde(default)]
    pub retry: Option<String>,
    #[serde(default)]
    pub circuit_breaker: Option<String>,
}

/// Component targets: `inbound` (broker/binding → app) and `outbound`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ComponentTarget {
    #[serde(default)]
    pub inbound: Option<PolicyNames>,
    #[serde(default)]
    pub outbound: Option<PolicyNames>,
}

/// The `spec` of a Resiliency resource.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResiliencySpec {
    #[serde(default)]
    pub policies: PoliciesSpec,
    #[serde(default)]
    pub targets: TargetsSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoliciesSpec {
    #[serde(default)]
    pub timeouts: HashMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub retries: HashMap<String, RetrySpec>,
    #[serde(default)]
    pub circuit_breakers: HashMap<String, serde_yaml::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetrySpec {
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub duration: Option<serde_yaml::Value>,
    #[serde(default)]
    pub initial_interval: Option<serde_yaml::Value>,
    #[serde(default)]
    pub randomization_factor: Option<f64>,
    #[serde(default)]
    pub multiplier: Option<f64>,
    #[serde(default)]
    pub max_interval: Option<serde_yaml::Value>,
    #[serde(default)]
    pub max_elapsed_time: Option<serde_yaml::Value>,
    #[serde(default)]
    pub max_retries: Option<i64>,
    #[serde(default)]
    pub matching: Option<MatchingSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchingSpec {
    #[serde(default)]
    pub http_status_codes: Option<String>,
    #[serde(default, rename = "gRPCStatusCodes")]
    pub grpc_status_codes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TargetsSpec {
    #[serde(default)]
    pub apps: HashMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub actors: HashMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub components: HashMap<String, ComponentTarget>,
}

/// All Resiliency resources that apply to this app, merged (Dapr merges
/// every loaded resource into one set of named policies and targets).
#[derive(Debug, Clone, Default)]
pub struct Resiliency {
    pub timeouts: HashMap<String, Duration>,
    pub retries: HashMap<String, Arc<RetryPolicy>>,
    pub components: HashMap<String, ComponentTarget>,
}

/// Component kinds as used in Dapr's default policy names
/// (`Default<Kind>ComponentInboundRetryPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentKind {
    Pubsub,
    Binding,
}

impl ComponentKind {
    fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Pubsub => "Pubsub",
            ComponentKind::Binding => "Binding",
        }
    }
}

/// Dapr durations in resiliency specs: a Go duration string, or a bare
/// integer meaning milliseconds.
fn yaml_duration(v: &serde_yaml::Value, what: &str) -> anyhow::Result<Duration> {
    let text = match v {
        serde_yaml::Value::Number(n) => return Ok(Duration::from_millis(n.as_u64().unwrap_or(0))),
        serde_yaml::Value::String(s) => s.trim().to_string(),
        other => anyhow::bail!("invalid duration for {what}: {other:?}"),
    };
    if let Ok(ms) = text.parse::<u64>() {
        return Ok(Duration::from_millis(ms));
    }
    let d = parse_go_duration(&text)
        .map_err(|e| anyhow::anyhow!("invalid duration for {what}: {e}"))?;
    d.to_std()
        .map_err(|_| anyhow::anyhow!("negative duration for {what}: {text}"))
}

fn parse_status_ranges(s: &str) -> anyhow::Result<Vec<(u16, u16)>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u16>()?, b.trim().parse::<u16>()?),
            None => {
                let v = part.parse::<u16>()?;
                (v, v)
            }
        };
        anyhow::ensure!(
            (100..=599).contains(&lo) && (100..=599).contains(&hi) && lo <= hi,
            "invalid HTTP status code pattern {part:?}"
        );
        out.push((lo, hi));
    }
    Ok(out)
}

impl Resiliency {
    /// Adds one resource's policies and targets.
    pub fn merge(&mut self, spec: ResiliencySpec, source: &str) -> anyhow::Result<()> {
        for (name, v) in spec.policies.timeouts {
            let d = yaml_duration(&v, &format!("timeout {name} in {source}"))?;
            self.timeouts.insert(name, d);
        }
        for (name, r) in spec.policies.retries {
            let what = format!("retry {name} in {source}");
            let policy = r
                .policy
                .as_deref()
                .unwrap_or("constant")
                .to_ascii_lowercase();
            let backoff = match policy.as_str() {
                "constant" => BackoffKind::Constant {
                    duration: match &r.duration {
                        Some(v) => yaml_duration(v, &what)?,
                        None => Duration::from_secs(5),
                    },
                },
                "exponential" => BackoffKind::Exponential {
                    initial_interval: match &r.initial_interval {
                        Some(v) => yaml_duration(v, &what)?,
                        None => Duration::from_millis(500),
                    },
                    randomization_factor: r.randomization_factor.unwrap_or(0.5),
                    multiplier: r.multiplier.unwrap_or(1.5),
                    max_interval: match &r.max_interval {
                        Some(v) => yaml_duration(v, &what)?,
                        None => Duration::from_secs(60),
                    },
                    max_elapsed: match &r.max_elapsed_time {
                        Some(v) => yaml_duration(v, &what)?,
                        None => Duration::from_secs(15 * 60),
                    },
                },
                other => anyhow::bail!("unknown retry policy {other:?} in {what}"),
            };
            let http_status_codes = match r
                .matching
                .as_ref()
                .and_then(|m| m.http_status_codes.as_deref())
            {
                Some(s) if !s.trim().is_empty() => {
                    Some(parse_status_ranges(s).map_err(|e| anyhow::anyhow!("{what}: {e}"))?)
                }
                _ => None,
            };
            self.retries.insert(
                name.clone(),
                Arc::new(RetryPolicy {
                    name,
                    backoff,
                    max_retries: r.max_retries.unwrap_or(-1),
                    http_status_codes,
                }),
            );
        }
        for (name, target) in spec.targets.components {
            self.components.insert(name, target);
        }
        Ok(())
    }

    /// Checks that every target names policies that exist.
    pub fn validate(&self) -> anyhow::Result<()> {
        for (comp, target) in &self.components {
            for names in [&target.inbound, &target.outbound].into_iter().flatten() {
                if let Some(t) = &names.timeout {
                    anyhow::ensure!(
                        self.timeouts.contains_key(t),
                        "component {comp} refers to unknown timeout policy {t:?}"
                    );
                }
                if let Some(r) = &names.retry {
                    anyhow::ensure!(
                        self.retries.contains_key(r),
                        "component {comp} refers to unknown retry policy {r:?}"
                    );
                }
            }
        }
        Ok(())
    }

    /// The inbound policy for a component: its explicit target, else the
    /// `Default…ComponentInbound…Policy` family, else nothing (one attempt).
    pub fn component_inbound(&self, component: &str, kind: ComponentKind) -> PolicyDef {
        if let Some(target) = self.components.get(component) {
            let names = target.inbound.clone().unwrap_or_default();
            return PolicyDef {
                timeout: names.timeout.and_then(|t| self.timeouts.get(&t).copied()),
                retry: names.retry.and_then(|r| self.retries.get(&r).cloned()),
            };
        }
        let levels = [
            format!("{}ComponentInbound", kind.as_str()),
            "ComponentInbound".to_string(),
            "Component".to_string(),
            String::new(),
        ];
        let retry = levels
            .iter()
            .find_map(|l| self.retries.get(&format!("Default{l}RetryPolicy")).cloned());
        let timeout = levels.iter().find_map(|l| {
            self.timeouts
                .get(&format!("Default{l}TimeoutPolicy"))
                .copied()
        });
        PolicyDef { timeout, retry }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_backoff_grows_and_caps() {
        let p = RetryPolicy {
            name: "x".into(),
            backoff: BackoffKind::Exponential {
                initial_interval: Duration::from_millis(100),
                randomization_factor: 0.0,
                multiplier: 2.0,
                max_interval: Duration::from_millis(300),
                max_elapsed: Duration::ZERO,
            },
            max_retries: 4,
            http_status_codes: None,
        };
        let mut b = p.backoff();
        let delays: Vec<_> = std::iter::from_fn(|| b.next_delay()).collect();
        assert_eq!(
            delays,
            [100, 200, 300, 300].map(Duration::from_millis).to_vec()
        );
    }

    #[test]
    fn status_matching() {
        assert_eq!(
            parse_status_ranges("500-599, 429").unwrap(),
            vec![(500, 599), (429, 429)]
        );
        assert!(parse_status_ranges("600").is_err());
        assert!(parse_status_ranges("5xx").is_err());
    }
}
