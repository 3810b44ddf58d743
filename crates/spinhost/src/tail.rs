//! `spinhost events tail`: reads the embedded sidecar's event stream
//! (`GET /v1.0-dev/events`, server-sent events; not part of Dapr's API).

use anyhow::{bail, Context, Result};
use bytes::{Buf, Bytes, BytesMut};
use http_body_util::{BodyExt, Empty};

pub use dapr_sidecar::DEV_EVENTS_PATH;

/// Connects to the sidecar at `sidecar` (`http://host:port`), calls
/// `connected` once the stream is open (from then on nothing is missed),
/// then `on_event` with the JSON text of each event until the sidecar
/// closes the stream. `on_event` returning false stops early.
pub async fn tail_events(
    sidecar: &str,
    dapr_api_token: Option<&str>,
    connected: impl FnOnce(),
    mut on_event: impl FnMut(&str) -> bool,
) -> Result<()> {
    let crate::local_http::Connection {
        url,
        authority,
        mut sender,
        driver: connection,
    } = crate::local_http::connect(sidecar, "sidecar").await?;
    let path = format!("{}{}", url.path().trim_end_matches('/'), DEV_EVENTS_PATH);
    let mut request = http::Request::get(path)
        .header(http::header::HOST, authority)
        .header(http::header::ACCEPT, "text/event-stream");
    if let Some(token) = dapr_api_token {
        request = request.header("dapr-api-token", token);
    }
    let response = sender
        .send_request(request.body(Empty::<Bytes>::new())?)
        .await
        .context("the sidecar did not answer")?;
    match response.status().as_u16() {
        200 => {}
        401 => bail!(
            "the sidecar requires its Dapr API token (--dapr-api-token or DAPR_API_TOKEN){}",
            if dapr_api_token.is_some() {
                "; the one given is wrong"
            } else {
                ""
            }
        ),
        404 => bail!("{sidecar} has no {DEV_EVENTS_PATH} (is it spinhost's sidecar?)"),
        status => bail!("the sidecar answered {status} to {DEV_EVENTS_PATH}"),
    }
    connected();

    let mut body = response.into_body();
    let mut parser = SseParser::default();
    while let Some(frame) = body.frame().await {
        let frame = frame.context("reading the event stream")?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        for event in parser.push(&data) {
            if !on_event(&event) {
                connection.abort();
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Splits a server-sent event stream into the data of each event.
#[derive(Default)]
pub struct SseParser {
    buffer: BytesMut,
    data: Vec<String>,
}

impl SseParser {
    /// Feeds bytes; returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let line = self.buffer.split_to(end);
            self.buffer.advance(1);
            let line = String::from_utf8_lossy(&line);
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if line.is_empty() {
                if !self.data.is_empty() {
                    events.push(self.data.join("\n"));
                    self.data.clear();
                }
            } else if let Some(value) = line.strip_prefix("data:") {
                self.data
                    .push(value.strip_prefix(' ').unwrap_or(value).to_string());
            }
            // Comments (":") and other fields (event, id, retry) are ignored.
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_events_are_split_across_chunks() {
        let mut p = SseParser::default();
        assert!(p.push(b": connected\n\n").is_empty());
        assert!(p.push(b"data: {\"a\":").is_empty());
        assert_eq!(p.push(b"1}\n\ndata: x\r\n"), ["{\"a\":1}"]);
        assert!(p.push(b"data:y\n").is_empty());
        assert_eq!(p.push(b"\n: keep-alive\n\n"), ["x\ny"]);
    }
}
