//! Dapr API error bodies.
//!
//! Legacy errors are `{"errorCode","message"}`. Newer ("kit") errors add
//! `details` with a `google.rpc.ErrorInfo` (and for pub/sub a
//! `google.rpc.ResourceInfo`); when such an error has no legacy code, the
//! ErrorInfo reason is the `errorCode` (Scheduler errors work that way).

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// An error answer of the Dapr HTTP API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub error_code: String,
    pub message: String,
    pub details: Vec<Value>,
}

impl ApiError {
    /// A legacy error (no details).
    pub fn legacy(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            error_code: code.to_string(),
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// A kit error with an ErrorInfo detail.
    pub fn kit(
        status: u16,
        code: &str,
        reason: &str,
        message: impl Into<String>,
        metadata: BTreeMap<String, String>,
    ) -> Self {
        Self {
            status,
            error_code: code.to_string(),
            message: message.into(),
            details: vec![json!({
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "dapr.io",
                "metadata": metadata,
            })],
        }
    }

    /// Adds a ResourceInfo detail.
    pub fn with_resource(mut self, resource_type: &str, name: &str, description: &str) -> Self {
        self.details.push(json!({
            "@type": "type.googleapis.com/google.rpc.ResourceInfo",
            "resource_type": resource_type,
            "resource_name": name,
            "owner": "",
            "description": description,
        }));
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Vec<u8> {
        let mut v = json!({"errorCode": self.error_code, "message": self.message});
        if !self.details.is_empty() {
            v["details"] = Value::Array(self.details.clone());
        }
        serde_json::to_vec(&v).unwrap_or_default()
    }
}

fn meta(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Pub/sub errors (dapr `pkg/api/errors/pubsub.go`).
pub mod pubsub {
    use super::*;

    pub fn not_found(name: &str) -> ApiError {
        ApiError::kit(
            404,
            "ERR_PUBSUB_NOT_FOUND",
            "DAPR_PUBSUB_NOT_FOUND",
            format!("pubsub {name} is not found"),
            BTreeMap::new(),
        )
    }

    pub fn name_empty() -> ApiError {
        ApiError::kit(
            404,
            "ERR_PUBSUB_EMPTY",
            "DAPR_PUBSUB_NAME_EMPTY",
            "pubsub name is empty",
            BTreeMap::new(),
        )
        .with_resource("pubsub", "", "pubsub name is empty")
    }

    pub fn topic_empty(name: &str) -> ApiError {
        let msg = format!("topic is empty in pubsub {name}");
        ApiError::kit(
            404,
            "ERR_TOPIC_NAME_EMPTY",
            "DAPR_PUBSUB_TOPIC_NAME_EMPTY",
            msg.clone(),
            BTreeMap::new(),
        )
        .with_resource("pubsub", name, &msg)
    }

    pub fn metadata(name: &str, err: &str, md: &BTreeMap<String, String>) -> ApiError {
        let msg = format!("failed deserializing metadata. Error: {err}");
        ApiError::kit(
            400,
            "ERR_PUBSUB_REQUEST_METADATA",
            "DAPR_PUBSUB_METADATA_DESERIALIZATION",
            msg.clone(),
            md.clone(),
        )
        .with_resource("pubsub", name, &msg)
    }

    pub fn cloud_event(name: &str, app_id: &str, err: &str) -> ApiError {
        let msg = "cannot create cloudevent";
        ApiError::kit(
            500,
            "ERR_PUBSUB_CLOUD_EVENTS_SER",
            "DAPR_PUBSUB_CLOUD_EVENT_CREATION",
            msg,
            meta(&[("appID", app_id), ("error", err)]),
        )
        .with_resource("pubsub", name, msg)
    }

    pub fn forbidden(name: &str, topic: &str, app_id: &str) -> ApiError {
        let msg = format!("topic {topic} is not allowed for app id {app_id}");
        let err = format!("topic {topic} is not allowed for app id {app_id}");
        ApiError::kit(
            403,
            "ERR_PUBSUB_FORBIDDEN",
            "DAPR_PUBSUB_FORBIDDEN",
            msg.clone(),
            meta(&[("topic", topic), ("error", &err)]),
        )
        .with_resource("pubsub", name, &msg)
    }

    pub fn publish(name: &str, topic: &str, err: &str) -> ApiError {
        let msg = format!("error when publishing to topic {topic} in pubsub {name}: {err}");
        ApiError::kit(
            500,
            "ERR_PUBSUB_PUBLISH_MESSAGE",
            "DAPR_PUBSUB_PUBLISH_MESSAGE",
            msg.clone(),
            meta(&[("topic", topic), ("error", err)]),
        )
        .with_resource("pubsub", name, &msg)
    }

    pub fn events_ser(name: &str, topic: &str, err: &str) -> ApiError {
        let msg =
            format!("error when unmarshaling the request for topic {topic} pubsub {name}: {err}");
        ApiError::kit(
            400,
            "ERR_PUBSUB_EVENTS_SER",
            "DAPR_PUBSUB_UNMARSHAL_EVENTS",
            msg.clone(),
            BTreeMap::new(),
        )
        .with_resource("pubsub", name, &msg)
    }
}

/// Scheduler/Jobs errors (dapr `pkg/api/errors/scheduler.go`): the code is
/// the ErrorInfo reason.
pub mod jobs {
    use super::*;

    fn md(app_id: &str) -> BTreeMap<String, String> {
        meta(&[("appID", app_id), ("namespace", "")])
    }

    fn kit(status: u16, reason: &str, msg: String, app_id: &str) -> ApiError {
        ApiError::kit(status, reason, reason, msg, md(app_id))
    }

    pub fn name_in_body(app_id: &str) -> ApiError {
        kit(
            400,
            "DAPR_SCHEDULER_JOB_NAME",
            "Set the job name in the url only".into(),
            app_id,
        )
    }

    pub fn name_empty(app_id: &str) -> ApiError {
        kit(
            400,
            "DAPR_SCHEDULER_JOB_NAME_EMPTY",
            "Name is empty".into(),
            app_id,
        )
    }

    pub fn schedule_empty(app_id: &str) -> ApiError {
        kit(
            400,
            "DAPR_SCHEDULER_SCHEDULE_EMPTY",
            "Schedule is empty".into(),
            app_id,
        )
    }

    pub fn schedule(status: u16, err: &str, app_id: &str) -> ApiError {
        kit(
            status,
            "DAPR_SCHEDULER_SCHEDULE_JOB",
            format!("failed to schedule job due to: {err}"),
            app_id,
        )
    }

    pub fn get(err: &str, app_id: &str) -> ApiError {
        kit(
            500,
            "DAPR_SCHEDULER_GET_JOB",
            format!("failed to get job due to: {err}"),
            app_id,
        )
    }
}

/// `ERR_MALFORMED_REQUEST` (400).
pub fn malformed(err: impl std::fmt::Display) -> ApiError {
    ApiError::legacy(
        400,
        "ERR_MALFORMED_REQUEST",
        format!("failed deserializing HTTP body: {err}"),
    )
}

/// `ERR_INVOKE_OUTPUT_BINDING` (500).
pub fn output_binding(name: &str, err: impl std::fmt::Display) -> ApiError {
    ApiError::legacy(
        500,
        "ERR_INVOKE_OUTPUT_BINDING",
        format!("error invoking output binding {name}: {err}"),
    )
}
