//! Serves the web app's static files, embedded at build time. Hashed assets
//! under `/assets/` are cached for a year; everything else revalidates by
//! ETag. Paths that are not files and look like client routes get
//! `index.html` (single-page app); unknown `/api/` paths get a JSON 404.

use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

pub struct StaticFile {
    pub path: &'static str,
    pub content_type: &'static str,
    pub etag: &'static str,
    pub body: &'static [u8],
    /// The body gzipped at build time, for clients that accept it.
    pub gzip: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/static_files.rs"));

/// The page loads only its own script, styles and API: no inline script or
/// style (an injected `<script>` does not run), no framing (clickjacking),
/// no plugins, no `<base>` rewriting. `data:` images are the favicon.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn find(path: &str) -> Option<&'static StaticFile> {
    FILES.iter().find(|f| f.path == path)
}

#[http_component]
fn handle(req: IncomingRequest) -> Response {
    let method = req.method().to_string();
    let path_and_query = req.path_with_query().unwrap_or_else(|| "/".into());
    let path = path_and_query.split('?').next().unwrap_or("/");
    let header = |name: &str| {
        req.headers()
            .get(name)
            .first()
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    if let Some(reply) = oauth_metadata(&req, &method, path) {
        return reply;
    }
    let accepts_gzip = header("accept-encoding").is_some_and(|v| v.contains("gzip"));
    respond(
        &method,
        path,
        header("if-none-match").as_deref(),
        accepts_gzip,
    )
}

/// The OAuth discovery documents for MCP clients (RFC 9728 protected
/// resource metadata, RFC 8414 authorization server metadata), built from
/// the public URL or the address the request came to, as the `oauth` and
/// `mcp` components build theirs.
fn oauth_metadata(req: &IncomingRequest, method: &str, path: &str) -> Option<Response> {
    let server = || {
        let scheme = match req.scheme() {
            Some(spin_sdk::http::Scheme::Https) => "https",
            _ => "http",
        };
        let public = spin_sdk::variables::get("public_base_url").unwrap_or_default();
        oauth::Server::new(&public, scheme, &req.authority().unwrap_or_default())
    };
    let doc = match path {
        "/.well-known/oauth-protected-resource" | "/.well-known/oauth-protected-resource/mcp" => {
            server().protected_resource_metadata()
        }
        "/.well-known/oauth-authorization-server" => server().authorization_server_metadata(),
        _ => return None,
    };
    let cors = |b: &mut spin_sdk::http::ResponseBuilder| {
        b.header("access-control-allow-origin", "*")
            .header("access-control-allow-headers", "mcp-protocol-version")
            .build()
    };
    match method {
        "GET" | "HEAD" => {}
        "OPTIONS" => {
            return Some(cors(
                Response::builder()
                    .status(204)
                    .header("access-control-allow-methods", "GET, HEAD, OPTIONS")
                    .body(Vec::new()),
            ))
        }
        _ => {
            let body = serde_json::json!({ "error": { "code": "method_not_allowed", "message": "metadata is read with GET" } });
            return Some(
                Response::builder()
                    .status(405)
                    .header("content-type", "application/json")
                    .header("allow", "GET, HEAD")
                    .body(body.to_string())
                    .build(),
            );
        }
    }
    // Browser-based clients read it from their own origin.
    Some(cors(
        Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("cache-control", "max-age=300")
            .body(doc.to_string()),
    ))
}

fn respond(method: &str, path: &str, if_none_match: Option<&str>, accepts_gzip: bool) -> Response {
    if path.starts_with("/api/") {
        return json_error(404, "not_found", "no such API endpoint");
    }
    // Clients probe well-known URIs (RFC 8615) for metadata: an unknown one
    // is a JSON 404, never the app's page with a 200.
    if path.starts_with("/.well-known/") {
        return json_error(404, "not_found", "no such well-known resource");
    }
    // The Dapr sidecar asks `/dapr/subscribe` and `/dapr/config`; a 404 tells
    // it the app has no programmatic subscriptions (they are declarative).
    if path.starts_with("/dapr/") {
        return json_error(404, "not_found", "no such endpoint");
    }
    if method != "GET" && method != "HEAD" {
        return json_error(
            405,
            "method_not_allowed",
            "static files support GET and HEAD",
        );
    }
    let wanted = if path == "/" { "/index.html" } else { path };
    let file = match find(wanted) {
        Some(f) => f,
        // A client-side route (no file extension): the app handles it.
        None if !last_segment_has_extension(wanted) => match find("/index.html") {
            Some(f) => f,
            None => return json_error(404, "not_found", "no such file"),
        },
        None => return json_error(404, "not_found", "no such file"),
    };
    let gzip = file.gzip.filter(|_| accepts_gzip);
    // Each encoding is its own representation, with its own ETag.
    let etag = match gzip {
        Some(_) => format!("\"{}-gz\"", file.etag),
        None => format!("\"{}\"", file.etag),
    };
    let cache = if file.path.starts_with("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut builder = Response::builder();
    builder
        .header("content-type", file.content_type)
        .header("cache-control", cache)
        .header("etag", etag.clone())
        .header("x-content-type-options", "nosniff");
    if file.gzip.is_some() {
        builder.header("vary", "accept-encoding");
    }
    if gzip.is_some() {
        builder.header("content-encoding", "gzip");
    }
    if file.path == "/index.html" {
        builder
            .header("content-security-policy", CONTENT_SECURITY_POLICY)
            .header("x-frame-options", "DENY")
            .header("referrer-policy", "same-origin");
    }
    if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
        return builder.status(304).build();
    }
    let body = match (method, gzip) {
        ("HEAD", _) => Vec::new(),
        (_, Some(gz)) => gz.to_vec(),
        (_, None) => file.body.to_vec(),
    };
    builder.status(200).body(body).build()
}

fn last_segment_has_extension(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|seg| seg.contains('.'))
}

fn json_error(status: u16, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}
