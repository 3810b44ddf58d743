//! The channel to the app (daprd's "app channel") and plain outbound HTTP.

use std::time::Duration;

use anyhow::{anyhow, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method, Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

pub(crate) type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub(crate) fn http_client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(Duration::from_secs(5)));
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector)
}

/// A response from the app or an outbound target.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub reason: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Sends one request and reads the whole response.
pub(crate) async fn send(
    client: &HttpClient,
    method: Method,
    uri: &str,
    headers: &[(String, String)],
    body: Bytes,
    timeout: Option<Duration>,
) -> Result<Reply, String> {
    let uri: Uri = uri.parse().map_err(|e| format!("invalid url {uri}: {e}"))?;
    if uri.scheme_str() != Some("http") {
        // No TLS stack is linked into the local sidecar.
        return Err(format!("only http:// targets are supported locally: {uri}"));
    }
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) else {
            // Header names or values HTTP cannot carry are left out rather
            // than failing the whole delivery.
            continue;
        };
        req = req.header(name, value);
    }
    let req = req.body(Full::new(body)).map_err(|e| e.to_string())?;
    let call = async {
        let resp = client.request(req).await.map_err(|e| format!("{e:#}"))?;
        let (parts, body) = resp.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| format!("reading response body: {e}"))?
            .to_bytes();
        Ok(Reply {
            status: parts.status.as_u16(),
            reason: parts.status.canonical_reason().unwrap_or("").to_string(),
            headers: parts.headers,
            body,
        })
    };
    match timeout {
        Some(t) => tokio::time::timeout(t, call)
            .await
            .map_err(|_| format!("timed out after {t:?}"))?,
        None => call.await,
    }
}

/// Where and how to reach the app.
pub(crate) struct AppChannel {
    /// `scheme://host:port`, no trailing slash.
    base: String,
    host: String,
    port: u16,
    token: Option<String>,
    client: HttpClient,
}

impl AppChannel {
    pub(crate) fn new(app_url: &str, token: Option<String>) -> anyhow::Result<AppChannel> {
        let uri: Uri = app_url
            .parse()
            .with_context(|| format!("invalid app url {app_url:?}"))?;
        anyhow::ensure!(
            uri.scheme_str() == Some("http"),
            "the app url must be http://host:port, got {app_url:?}"
        );
        let host = uri
            .host()
            .ok_or_else(|| anyhow!("the app url has no host: {app_url:?}"))?
            .trim_matches(|c| c == '[' || c == ']')
            .to_string();
        let port = uri.port_u16().unwrap_or(80);
        let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
        Ok(AppChannel {
            base: format!("http://{authority}"),
            host,
            port,
            token,
            client: http_client(),
        })
    }

    /// Whether the app accepts a TCP connection (daprd's readiness gate:
    /// 500 ms per attempt).
    pub(crate) async fn is_listening(&self) -> bool {
        let connect = tokio::net::TcpStream::connect((self.host.as_str(), self.port));
        matches!(
            tokio::time::timeout(Duration::from_millis(500), connect).await,
            Ok(Ok(_))
        )
    }

    /// Calls the app; `dapr-api-token` is added when configured.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        mut headers: Vec<(String, String)>,
        body: Bytes,
        timeout: Option<Duration>,
    ) -> Result<Reply, String> {
        if let Some(t) = &self.token {
            headers.push(("dapr-api-token".into(), t.clone()));
        }
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        send(
            &self.client,
            method,
            &format!("{}{}", self.base, path),
            &headers,
            body,
            timeout,
        )
        .await
    }
}
