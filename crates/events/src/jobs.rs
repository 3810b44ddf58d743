//! The Dapr Jobs API client (`/v1.0-alpha1/jobs/<name>`): one job per
//! reminder, and one per user whose quiet hours hold reminders. Scheduling overwrites a job of the same name, so moving a
//! reminder is scheduling it again; deleting a missing job is fine.

use domain::quiet::QuietHoursJobData;
use domain::reminder::ReminderJobData;
use domain::Error;
use serde_json::{json, Value};
use spin_sdk::http::{Method, Request, Response};

/// What the reminder scheduler asks of the sidecar.
#[derive(Debug, Clone, PartialEq)]
pub enum JobCommand {
    Schedule {
        name: String,
        due_at: i64,
        /// Handed back to the job callback when the job fires.
        data: ReminderJobData,
    },
    Delete {
        name: String,
    },
}

impl super::Publisher {
    fn jobs_url(&self, name: &str) -> String {
        format!(
            "{}/v1.0-alpha1/jobs/{name}",
            self.endpoint.trim_end_matches('/')
        )
    }

    async fn jobs_call(
        &self,
        method: Method,
        name: &str,
        body: Option<Value>,
    ) -> Result<u16, Error> {
        let mut builder = Request::builder();
        builder.method(method).uri(self.jobs_url(name));
        if !self.api_token.is_empty() {
            builder.header("dapr-api-token", self.api_token.clone());
        }
        if let Some(b) = body {
            builder
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let response: Response = spin_sdk::http::send(builder.build())
            .await
            .map_err(|e| Error::internal(format!("jobs API unreachable: {e}")))?;
        Ok(*response.status())
    }

    /// Schedules (or moves) the job `name` to fire once at `due_at`,
    /// handing `data` back to its callback.
    async fn schedule(&self, name: &str, due_at: i64, data: Value) -> Result<(), Error> {
        let body = json!({
            "dueTime": domain::time::format_ms(due_at),
            "data": data,
            "overwrite": true,
        });
        let status = self.jobs_call(Method::Post, name, Some(body)).await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(Error::internal(format!(
                "scheduling job {name}: status {status}"
            )))
        }
    }

    /// The job that ends a user's quiet hours (`domain::quiet`).
    pub async fn schedule_quiet_hours_end(&self, data: &QuietHoursJobData) -> Result<(), Error> {
        let name = domain::quiet::job_name(&data.user_id);
        let value = serde_json::to_value(data).unwrap_or(Value::Null);
        self.schedule(&name, data.release_at, value).await
    }

    pub async fn run_job_command(&self, command: &JobCommand) -> Result<(), Error> {
        match command {
            JobCommand::Schedule { name, due_at, data } => {
                let value = serde_json::to_value(data).unwrap_or(Value::Null);
                self.schedule(name, *due_at, value).await
            }
            JobCommand::Delete { name } => {
                // Dapr answers 204 for a deleted job; a job that already
                // fired or never existed is gone, which is what we want.
                let status = self.jobs_call(Method::Delete, name, None).await?;
                if (200..300).contains(&status) || status == 404 {
                    Ok(())
                } else {
                    Err(Error::internal(format!(
                        "deleting job {name}: status {status}"
                    )))
                }
            }
        }
    }
}
