use domain::{Error, ErrorKind};
use serde::Serialize;
use serde_json::json;

/// An HTTP response before it is sent.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, value: &impl Serialize) -> Reply {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        Reply {
            status,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                // API answers are per user and change at any time.
                ("cache-control".into(), "no-store".into()),
            ],
            body,
        }
    }

    /// A body that is not JSON (`content_type` names it).
    pub fn text(status: u16, content_type: &str, body: String) -> Reply {
        Reply {
            status,
            headers: vec![
                ("content-type".into(), content_type.into()),
                ("cache-control".into(), "no-store".into()),
            ],
            body: body.into_bytes(),
        }
    }

    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            headers: vec![("cache-control".into(), "no-store".into())],
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

pub fn status_of(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::BadRequest => 400,
        ErrorKind::Unauthorized => 401,
        ErrorKind::NotFound => 404,
        ErrorKind::MethodNotAllowed => 405,
        ErrorKind::Conflict => 409,
        ErrorKind::Gone => 410,
        ErrorKind::PreconditionFailed => 412,
        ErrorKind::PayloadTooLarge => 413,
        ErrorKind::UnsupportedMediaType => 415,
        ErrorKind::TooManyRequests => 429,
        ErrorKind::Internal => 500,
        ErrorKind::Unavailable => 503,
    }
}

/// `{"error":{"code","message","details"?}}`. Server faults never show
/// their internals to the client.
pub fn error_reply(e: &Error) -> Reply {
    let status = status_of(e.kind);
    let mut body = json!({ "error": { "code": e.code, "message": e.message } });
    if e.is_internal() {
        body["error"]["message"] = json!(match e.kind {
            ErrorKind::Unavailable => "the service is temporarily unavailable; try again shortly",
            _ => "something went wrong on our side; it has been logged",
        });
    } else if let Some(d) = &e.details {
        body["error"]["details"] = d.clone();
    }
    let mut reply = Reply::json(status, &body);
    if let Some(secs) = e.retry_after {
        reply = reply.with_header("retry-after", secs.to_string());
    }
    if let (ErrorKind::MethodNotAllowed, Some(allow)) =
        (e.kind, e.details.as_ref().and_then(|d| d["allow"].as_str()))
    {
        reply = reply.with_header("allow", allow);
    }
    if e.kind == ErrorKind::Unauthorized {
        reply = reply.with_header("www-authenticate", "Bearer");
    }
    reply
}
