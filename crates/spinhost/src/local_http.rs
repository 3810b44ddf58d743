//! HTTP/1 connections from the CLI to a local service: the sidecar
//! (`events tail`) or the app (`dead-letters`).

use anyhow::{bail, Context, Result};
use hyper_util::rt::TokioIo;

/// An HTTP/1 connection for the CLI to a local service (the sidecar, the
/// app).
pub struct Connection<B> {
    pub url: url::Url,
    /// The `host` header for requests on it.
    pub authority: String,
    pub sender: hyper::client::conn::http1::SendRequest<B>,
    /// Drives the connection; abort it to close early.
    pub driver: tokio::task::JoinHandle<hyper::Result<()>>,
}

pub async fn connect<B>(base: &str, what: &str) -> Result<Connection<B>>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let url = url::Url::parse(base).with_context(|| format!("{base:?} is not a URL"))?;
    if url.scheme() != "http" {
        bail!("{base}: only http:// is supported (use a port-forward for a cluster)");
    }
    let host = url
        .host_str()
        .with_context(|| format!("{base}: no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .with_context(|| format!("cannot connect to the {what} at {base}"))?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .with_context(|| format!("HTTP handshake with the {what} failed"))?;
    let driver = tokio::spawn(connection);
    let authority = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    Ok(Connection {
        url,
        authority,
        sender,
        driver,
    })
}
