//! `GET /api/v1/openapi.json`: the OpenAPI document of the public API
//! (`openapi/openapi.json`), embedded at build time. It changes only with a
//! deploy, so clients revalidate by ETag (`cache-control: no-cache`).

use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

/// The document, byte for byte as it is in the repository.
pub const DOCUMENT: &[u8] = include_bytes!("../../../openapi/openapi.json");

/// FNV-1a of the document: a strong validator computed at compile time.
const HASH: u64 = {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < DOCUMENT.len() {
        h ^= DOCUMENT[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
};

fn etag() -> String {
    format!("\"{HASH:016x}\"")
}

#[http_component]
fn handle(req: IncomingRequest) -> Response {
    let method = req.method().to_string();
    let if_none_match = req
        .headers()
        .get("if-none-match")
        .first()
        .map(|v| String::from_utf8_lossy(v).into_owned());
    respond(&method, if_none_match.as_deref())
}

fn respond(method: &str, if_none_match: Option<&str>) -> Response {
    if method != "GET" && method != "HEAD" {
        let body = serde_json::json!({
            "error": {
                "code": "method_not_allowed",
                "message": "this endpoint supports GET, HEAD",
                "details": { "allow": "GET, HEAD" },
            }
        });
        return Response::builder()
            .status(405)
            .header("content-type", "application/json")
            .header("cache-control", "no-store")
            .header("allow", "GET, HEAD")
            .body(body.to_string())
            .build();
    }
    let etag = etag();
    let mut builder = Response::builder();
    builder
        .header("content-type", "application/json")
        .header("cache-control", "no-cache")
        .header("etag", etag.clone())
        .header("x-content-type-options", "nosniff");
    if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        return builder.status(304).build();
    }
    let body = if method == "HEAD" {
        Vec::new()
    } else {
        DOCUMENT.to_vec()
    };
    builder.status(200).body(body).build()
}
