//! The Jobs API (`/v1.0-alpha1/jobs/{name}`, `/v1.0/jobs/{name}`) with the
//! scheduling rules of Dapr's Scheduler (diagridio/go-etcd-cron):
//! - `dueTime` only: one trigger at that time.
//! - `schedule` (six-field cron with seconds, `@every`, `@daily`, …): ticks
//!   after the creation time, or from `dueTime` when both are given.
//! - `repeats` caps the number of ticks; `ttl` ends the job.
//! - A trigger is `POST /job/<name>` with the `data` JSON as the body; 2xx
//!   or 404 is success. A failure is retried per `failurePolicy` (default
//!   constant 1 s, 3 retries; `drop` = none) at the previous attempt's time
//!   plus the interval; a tick whose retries are spent still counts.
//!
//! Jobs live in `jobs-<app id>.json` in the state directory and survive a
//! restart.
//! A job whose trigger time passed while the sidecar was down fires once at
//! start-up and then continues from that moment. (The Scheduler computes
//! the next tick from the last scheduled one, so after a long outage it can
//! fire missed ticks of a recurring job back to back; this sidecar does not.)

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::Notify;

use crate::cloudevent::TraceContext;
use crate::errors::{self, ApiError};
use crate::observe::DeliveryRecord;
use crate::runtime::Runtime;
use crate::schedule::{
    format_proto_duration, parse_point_in_time, parse_proto_duration, Schedule, SecondsField,
};

/// What happens when a trigger fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    Drop,
    Constant {
        interval_ms: i64,
        /// `None`: retry until it succeeds.
        max_retries: Option<u32>,
    },
}

impl Default for FailurePolicy {
    fn default() -> Self {
        FailurePolicy::Constant {
            interval_ms: 1000,
            max_retries: Some(3),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredJob {
    name: String,
    schedule: Option<String>,
    repeats: Option<u32>,
    due_time: Option<String>,
    ttl: Option<String>,
    data: Option<Value>,
    failure_policy: FailurePolicy,
    created: DateTime<Utc>,
    /// `dueTime` resolved at creation.
    begin: Option<DateTime<Utc>>,
    expiration: Option<DateTime<Utc>>,
    /// Ticks done (successful or given up).
    count: u32,
    /// The scheduled time of the last finished tick.
    last_trigger: Option<DateTime<Utc>>,
    /// Failed attempts of the current tick.
    attempts: u32,
    /// The scheduled time of the current tick.
    tick: Option<DateTime<Utc>>,
    /// When to fire next (the tick, or a retry of it).
    next: Option<DateTime<Utc>>,
    /// Changes on overwrite, so a trigger in flight for the old definition
    /// does not update the new one.
    revision: u64,
}

impl StoredJob {
    fn parsed_schedule(&self) -> Option<Schedule> {
        self.schedule
            .as_deref()
            .and_then(|s| Schedule::parse(s, SecondsField::Required).ok())
    }

    /// go-etcd-cron's `Next(count, lastTrigger)` plus the expiration check.
    fn compute_next(&self) -> Option<DateTime<Utc>> {
        if self.repeats.is_some_and(|r| self.count >= r) {
            return None;
        }
        let next = match self.parsed_schedule() {
            None => {
                if self.count >= 1 {
                    return None;
                }
                self.begin?
            }
            Some(s) => match self.last_trigger {
                None => match self.begin {
                    Some(b) => b,
                    None => s.next(self.created)?,
                },
                Some(last) => s.next(last)?,
            },
        };
        if self.expiration.is_some_and(|e| next > e) {
            return None;
        }
        Some(next)
    }

    /// The job as `GET` returns it (protojson of `runtime.v1.Job`: `data`
    /// is a `google.protobuf.Any` holding a `Value`).
    fn to_api(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        if let Some(s) = &self.schedule {
            m.insert("schedule".into(), json!(s));
        }
        if let Some(r) = self.repeats {
            m.insert("repeats".into(), json!(r));
        }
        if let Some(d) = &self.due_time {
            m.insert("dueTime".into(), json!(d));
        }
        if let Some(t) = &self.ttl {
            m.insert("ttl".into(), json!(t));
        }
        if let Some(d) = &self.data {
            m.insert(
                "data".into(),
                json!({"@type": "type.googleapis.com/google.protobuf.Value", "value": d}),
            );
        }
        let fp = match &self.failure_policy {
            FailurePolicy::Drop => json!({"drop": {}}),
            FailurePolicy::Constant {
                interval_ms,
                max_retries,
            } => {
                let mut c = Map::new();
                c.insert(
                    "interval".into(),
                    json!(format_proto_duration(TimeDelta::milliseconds(*interval_ms))),
                );
                if let Some(n) = max_retries {
                    c.insert("maxRetries".into(), json!(n));
                }
                json!({"constant": c})
            }
        };
        m.insert("failurePolicy".into(), fp);
        Value::Object(m)
    }
}

/// A job as listed by [`crate::SidecarHandle::jobs`].
#[derive(Debug, Clone, Serialize)]
pub struct JobInfo {
    pub name: String,
    pub schedule: Option<String>,
    pub due_time: Option<String>,
    pub repeats: Option<u32>,
    pub data: Option<Value>,
    /// Ticks done so far.
    pub count: u32,
    /// Next trigger (tick or retry).
    pub next: Option<DateTime<Utc>>,
}

#[derive(Default, Serialize, Deserialize)]
struct JobsFile {
    revision: u64,
    jobs: BTreeMap<String, StoredJob>,
}

struct State {
    file: JobsFile,
    in_flight: HashSet<String>,
}

pub(crate) struct Jobs {
    path: PathBuf,
    state: Mutex<State>,
    changed: Notify,
}

/// A job whose time has come, taken for triggering.
struct DueJob {
    name: String,
    revision: u64,
    data: Option<Value>,
}

/// A parsed `POST` body.
#[derive(Debug, Default)]
pub(crate) struct JobRequest {
    name: Option<String>,
    schedule: Option<String>,
    repeats: Option<u32>,
    due_time: Option<String>,
    ttl: Option<String>,
    data: Option<Value>,
    overwrite: bool,
    failure_policy: Option<FailurePolicy>,
}

/// Field lookup accepting protojson's camelCase and snake_case names.
fn field<'a>(m: &'a Map<String, Value>, camel: &str, snake: &str) -> Option<&'a Value> {
    m.get(camel).or_else(|| m.get(snake))
}

fn opt_string(m: &Map<String, Value>, camel: &str, snake: &str) -> Result<Option<String>, String> {
    match field(m, camel, snake) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("invalid value for string field {camel}: {other}")),
    }
}

fn opt_u32(m: &Map<String, Value>, camel: &str, snake: &str) -> Result<Option<u32>, String> {
    match field(m, camel, snake) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("invalid value for uint32 field {camel}: {n}")),
        Some(Value::String(s)) => s
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("invalid value for uint32 field {camel}: {s:?}")),
        Some(other) => Err(format!("invalid value for uint32 field {camel}: {other}")),
    }
}

impl JobRequest {
    /// Decodes the body the way protojson (DiscardUnknown) would.
    pub(crate) fn parse(body: &[u8]) -> Result<JobRequest, ApiError> {
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(JobRequest::default());
        }
        let v: Value = serde_json::from_slice(body).map_err(errors::malformed)?;
        let Value::Object(m) = v else {
            return Err(errors::malformed("expected a JSON object"));
        };
        let bad = |e: String| errors::malformed(e);
        let failure_policy = match field(&m, "failurePolicy", "failure_policy") {
            None | Some(Value::Null) => None,
            Some(Value::Object(fp)) => {
                if let Some(c) = fp.get("constant") {
                    let c = c.as_object().cloned().unwrap_or_default();
                    let interval_ms = match opt_string(&c, "interval", "interval").map_err(bad)? {
                        None => 0,
                        Some(s) => parse_proto_duration(&s)
                            .map_err(|e| bad(format!("invalid failurePolicy interval: {e}")))?
                            .num_milliseconds()
                            .max(0),
                    };
                    Some(FailurePolicy::Constant {
                        interval_ms,
                        max_retries: opt_u32(&c, "maxRetries", "max_retries").map_err(bad)?,
                    })
                } else if fp.contains_key("drop") {
                    Some(FailurePolicy::Drop)
                } else {
                    None
                }
            }
            Some(other) => return Err(bad(format!("invalid failurePolicy: {other}"))),
        };
        Ok(JobRequest {
            name: opt_string(&m, "name", "name").map_err(bad)?,
            schedule: opt_string(&m, "schedule", "schedule").map_err(bad)?,
            repeats: opt_u32(&m, "repeats", "repeats").map_err(bad)?,
            due_time: opt_string(&m, "dueTime", "due_time").map_err(bad)?,
            ttl: opt_string(&m, "ttl", "ttl").map_err(bad)?,
            data: field(&m, "data", "data").cloned(),
            overwrite: match field(&m, "overwrite", "overwrite") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    return Err(bad(format!(
                        "invalid value for bool field overwrite: {other}"
                    )))
                }
            },
            failure_policy,
        })
    }
}

/// The Scheduler's job-name rule: after removing `_`, `:`, `-` and spaces,
/// the lower-cased name must be a DNS-1123 subdomain.
fn valid_job_name(name: &str) -> Result<(), String> {
    let cleaned: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | ':' | '-' | ' '))
        .collect::<String>()
        .to_lowercase();
    let ok = !cleaned.is_empty()
        && cleaned.len() <= 253
        && cleaned.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!("job name is invalid {cleaned:?}"))
    }
}

impl Jobs {
    /// Loads the app's jobs (`jobs-<app id>.json`; jobs belong to an app id
    /// as in Dapr's Scheduler); jobs due while the sidecar was down fire at
    /// `now`.
    pub(crate) fn open(dir: &Path, app_id: &str, now: DateTime<Utc>) -> anyhow::Result<Jobs> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("jobs-{}.json", crate::safe_file_part(app_id)));
        let mut file: JobsFile = if path.exists() {
            let text = std::fs::read(&path)?;
            serde_json::from_slice(&text)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?
        } else {
            JobsFile::default()
        };
        for job in file.jobs.values_mut() {
            if let Some(next) = job.next {
                if next < now {
                    job.next = Some(now);
                    if job.attempts == 0 {
                        job.tick = Some(now);
                    }
                }
            }
        }
        let jobs = Jobs {
            path,
            state: Mutex::new(State {
                file,
                in_flight: HashSet::new(),
            }),
            changed: Notify::new(),
        };
        jobs.persist(&jobs.lock())?;
        Ok(jobs)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn persist(&self, st: &State) -> std::io::Result<()> {
        let tmp = self.path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(&st.file)?;
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &self.path)
    }

    fn save(&self, st: &State) {
        if let Err(e) = self.persist(st) {
            eprintln!("dapr-sidecar: could not write {}: {e}", self.path.display());
        }
        self.changed.notify_one();
    }

    /// `POST /jobs/{name}`.
    pub(crate) fn schedule(
        &self,
        name: &str,
        req: JobRequest,
        now: DateTime<Utc>,
        app_id: &str,
    ) -> Result<(), ApiError> {
        if req.name.as_deref().is_some_and(|n| !n.is_empty()) {
            return Err(errors::jobs::name_in_body(app_id));
        }
        if name.trim().is_empty() || name.contains('|') {
            return Err(errors::jobs::name_empty(app_id));
        }
        if req.schedule.is_none() && req.due_time.is_none() {
            return Err(errors::jobs::schedule_empty(app_id));
        }
        let invalid = |e: String| errors::jobs::schedule(500, &e, app_id);
        valid_job_name(name).map_err(invalid)?;
        if req.schedule.is_none() && req.repeats.is_some_and(|r| r > 1) {
            return Err(invalid("job must have a schedule to repeat".into()));
        }
        if req.repeats == Some(0) {
            return Err(invalid("defined repeats must be greater than 0".into()));
        }
        if req.schedule.is_none() && req.ttl.is_some() {
            return Err(invalid("job must have a schedule to have a ttl".into()));
        }
        if let Some(s) = &req.schedule {
            Schedule::parse(s, SecondsField::Required).map_err(|e| invalid(e.0))?;
        }
        let begin = match &req.due_time {
            Some(d) => Some(parse_point_in_time(d, now).map_err(|e| invalid(e.0))?),
            None => None,
        };
        let expiration = match &req.ttl {
            Some(t) => {
                let start = begin.unwrap_or(now);
                let exp = parse_point_in_time(t, start)
                    .map_err(|_| invalid("ttl format not recognized".into()))?;
                if begin.is_some_and(|b| b > exp) {
                    return Err(invalid("ttl must be greater than due time".into()));
                }
                Some(exp)
            }
            None => None,
        };

        let mut st = self.lock();
        if !req.overwrite && st.file.jobs.contains_key(name) {
            return Err(errors::jobs::schedule(
                409,
                &format!("rpc error: code = AlreadyExists desc = job already exists: {name}"),
                app_id,
            ));
        }
        st.file.revision += 1;
        let mut job = StoredJob {
            name: name.to_string(),
            schedule: req.schedule,
            repeats: req.repeats,
            due_time: req.due_time,
            ttl: req.ttl,
            data: req.data,
            failure_policy: req.failure_policy.unwrap_or_default(),
            created: now,
            begin,
            expiration,
            count: 0,
            last_trigger: None,
            attempts: 0,
            tick: None,
            next: None,
            revision: st.file.revision,
        };
        job.next = job.compute_next();
        job.tick = job.next;
        st.in_flight.remove(name);
        if job.next.is_some() {
            st.file.jobs.insert(name.to_string(), job);
        } else {
            st.file.jobs.remove(name);
        }
        self.save(&st);
        Ok(())
    }

    /// `GET /jobs/{name}`.
    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        self.lock().file.jobs.get(name).map(StoredJob::to_api)
    }

    /// `DELETE /jobs/{name}` (deleting a missing job is not an error).
    pub(crate) fn delete(&self, name: &str) {
        let mut st = self.lock();
        if st.file.jobs.remove(name).is_some() {
            st.in_flight.remove(name);
            self.save(&st);
        }
    }

    pub(crate) fn list(&self) -> Vec<JobInfo> {
        self.lock()
            .file
            .jobs
            .values()
            .map(|j| JobInfo {
                name: j.name.clone(),
                schedule: j.schedule.clone(),
                due_time: j.due_time.clone(),
                repeats: j.repeats,
                data: j.data.clone(),
                count: j.count,
                next: j.next,
            })
            .collect()
    }

    /// Records the result of a trigger and works out the next one.
    fn finish(&self, name: &str, revision: u64, success: bool) {
        let mut st = self.lock();
        let Some(job) = st.file.jobs.get_mut(name) else {
            return;
        };
        if job.revision != revision {
            return;
        }
        let mut tick_done = success;
        if !success {
            job.attempts += 1;
            match &job.failure_policy {
                FailurePolicy::Constant {
                    interval_ms,
                    max_retries,
                } if max_retries.is_none_or(|m| job.attempts <= m) => {
                    let base = job.next.unwrap_or(job.created);
                    job.next = Some(base + TimeDelta::milliseconds(*interval_ms));
                }
                _ => tick_done = true,
            }
        }
        if tick_done {
            job.count += 1;
            job.attempts = 0;
            job.last_trigger = job.tick.or(job.next);
            job.next = job.compute_next();
            job.tick = job.next;
        }
        let remove = job.next.is_none();
        if remove {
            st.file.jobs.remove(name);
        }
        st.in_flight.remove(name);
        self.save(&st);
    }

    /// Jobs due at `now`, marked in flight, and the next wake-up time.
    fn take_due(&self, now: DateTime<Utc>) -> (Vec<DueJob>, Option<DateTime<Utc>>) {
        let mut st = self.lock();
        let mut due = Vec::new();
        let mut earliest: Option<DateTime<Utc>> = None;
        let State { file, in_flight } = &mut *st;
        for job in file.jobs.values() {
            if in_flight.contains(&job.name) {
                continue;
            }
            let Some(next) = job.next else { continue };
            if next <= now {
                due.push(DueJob {
                    name: job.name.clone(),
                    revision: job.revision,
                    data: job.data.clone(),
                });
            } else {
                earliest = Some(earliest.map_or(next, |e| e.min(next)));
            }
        }
        for d in &due {
            in_flight.insert(d.name.clone());
        }
        (due, earliest)
    }
}

/// Fires jobs as they come due, once the app is up.
pub(crate) async fn run(rt: Arc<Runtime>) {
    rt.until_ready().await;
    loop {
        let (due, earliest) = rt.jobs.take_due(rt.clock.now());
        for due in due {
            let rt2 = rt.clone();
            rt.tasks.spawn(async move {
                let ok = trigger(&rt2, &due.name, due.data).await;
                rt2.jobs.finish(&due.name, due.revision, ok);
            });
        }
        match earliest {
            Some(at) => {
                tokio::select! {
                    _ = rt.clock.sleep_until(at) => {}
                    _ = rt.jobs.changed.notified() => {}
                }
            }
            None => rt.jobs.changed.notified().await,
        }
    }
}

/// `POST /job/<name>` with the data as the body; 2xx or 404 is success.
async fn trigger(rt: &Runtime, name: &str, data: Option<Value>) -> bool {
    let body = data
        .map(|d| Bytes::from(serde_json::to_vec(&d).unwrap_or_default()))
        .unwrap_or_default();
    let headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        (
            "traceparent".to_string(),
            TraceContext::new_root().to_string(),
        ),
    ];
    let path = format!("/job/{}", name.trim_start_matches('/'));
    let started = Instant::now();
    let reply = rt.app.call(Method::POST, &path, headers, body, None).await;
    let status = reply.as_ref().ok().map(|r| r.status);
    let ok = status.is_some_and(|s| (200..300).contains(&s) || s == 404);
    rt.observer.delivery(DeliveryRecord {
        kind: "job",
        app_id: rt.cfg.app_id.clone(),
        pubsub: None,
        topic: name.to_string(),
        id: String::new(),
        path,
        status,
        attempt: 0,
        ms: started.elapsed().as_millis() as u64,
        outcome: if ok { "success" } else { "retry" }.to_string(),
        at: rt.clock.now(),
    });
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names() {
        assert!(valid_job_name("reminder-123").is_ok());
        assert!(valid_job_name("Reminder_ABC:1").is_ok());
        assert!(valid_job_name("a/b").is_err());
        assert!(valid_job_name("a..b").is_err());
    }

    #[test]
    fn request_parsing() {
        let r = JobRequest::parse(
            br#"{"schedule":"@every 1s","due_time":"10s","repeats":2,"data":{"a":1},
                 "failure_policy":{"constant":{"interval":"2s","max_retries":5}},"unknown":1}"#,
        )
        .unwrap();
        assert_eq!(r.schedule.as_deref(), Some("@every 1s"));
        assert_eq!(r.due_time.as_deref(), Some("10s"));
        assert_eq!(
            r.failure_policy,
            Some(FailurePolicy::Constant {
                interval_ms: 2000,
                max_retries: Some(5)
            })
        );
        assert!(JobRequest::parse(br#"{"repeats":-1}"#).is_err());
        assert!(JobRequest::parse(b"{").is_err());
        assert!(JobRequest::parse(b"").unwrap().schedule.is_none());
    }
}
