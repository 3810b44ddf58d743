//! One outbound JSON POST with timeouts, on `wasi:http` directly: the
//! SDK's `send` takes no request options, and a model that hangs must not
//! hold the chat request. The connect, first-byte and between-bytes
//! timeouts are `wasi:http` request options (the host enforces them); the
//! total time is also checked while the body is read.

use serde_json::Value;
use spin_sdk::wit::wasi::http0_2_0::outgoing_handler;
use spin_sdk::wit::wasi::http0_2_0::types::{
    Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};
use std::time::{Duration, Instant};

/// Largest response body read (a chat completion is a few KiB).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// `http://host:port/path` split into scheme, authority and path.
pub(crate) fn split_url(url: &str) -> Result<(bool, String, String), String> {
    let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(format!("{url:?} is not an http(s) URL"));
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(format!("{url:?} has no host"));
    }
    Ok((https, authority.to_string(), path.to_string()))
}

/// POSTs `body` as JSON with a bearer token; answers the JSON of a 2xx
/// response, or why there is none.
pub(crate) fn post_json(
    url: &str,
    bearer: &str,
    body: &Value,
    timeout: Duration,
) -> Result<Value, String> {
    let started = Instant::now();
    let (https, authority, path) = split_url(url)?;
    let bytes = body.to_string().into_bytes();
    let headers = Fields::from_list(&[
        ("content-type".to_string(), b"application/json".to_vec()),
        (
            "content-length".to_string(),
            bytes.len().to_string().into_bytes(),
        ),
        ("accept".to_string(), b"application/json".to_vec()),
        (
            "authorization".to_string(),
            format!("Bearer {bearer}").into_bytes(),
        ),
    ])
    .map_err(|e| format!("request headers: {e:?}"))?;
    let request = OutgoingRequest::new(headers);
    let set = |ok: Result<(), ()>, what: &str| ok.map_err(|_| format!("cannot set the {what}"));
    set(request.set_method(&Method::Post), "method")?;
    set(
        request.set_scheme(Some(if https { &Scheme::Https } else { &Scheme::Http })),
        "scheme",
    )?;
    set(request.set_authority(Some(&authority)), "authority")?;
    set(request.set_path_with_query(Some(&path)), "path")?;
    let outgoing = request
        .body()
        .map_err(|_| "the request body is unavailable".to_string())?;
    let options = RequestOptions::new();
    let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
    // A host that does not support an option refuses to set it; the total
    // time is still checked below.
    let _ = options.set_connect_timeout(Some(nanos));
    let _ = options.set_first_byte_timeout(Some(nanos));
    let _ = options.set_between_bytes_timeout(Some(nanos));
    let future = outgoing_handler::handle(request, Some(options))
        .map_err(|e| format!("request refused: {e:?}"))?;
    {
        let stream = outgoing
            .write()
            .map_err(|_| "the request body is unavailable".to_string())?;
        for chunk in bytes.chunks(4096) {
            stream
                .blocking_write_and_flush(chunk)
                .map_err(|e| format!("sending the request: {e:?}"))?;
        }
    }
    OutgoingBody::finish(outgoing, None).map_err(|e| format!("sending the request: {e:?}"))?;
    future.subscribe().block();
    let response = future
        .get()
        .ok_or("no response")?
        .map_err(|_| "the response was already taken".to_string())?
        .map_err(|e| format!("request failed: {e:?}"))?;
    let status = response.status();
    let incoming = response
        .consume()
        .map_err(|_| "the response body is unavailable".to_string())?;
    let mut received = Vec::new();
    {
        let stream = incoming
            .stream()
            .map_err(|_| "the response body is unavailable".to_string())?;
        loop {
            if started.elapsed() > timeout {
                return Err(format!("no full answer within {timeout:?}"));
            }
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    received.extend_from_slice(&chunk);
                    if received.len() > MAX_RESPONSE_BYTES {
                        return Err("the response is too large".into());
                    }
                }
                Err(wasi::io::streams::StreamError::Closed) => break,
                Err(e) => return Err(format!("reading the response: {e:?}")),
            }
        }
    }
    let _ = IncomingBody::finish(incoming);
    if !(200..300).contains(&status) {
        let text = String::from_utf8_lossy(&received);
        let snippet: String = text.chars().take(300).collect();
        return Err(format!("HTTP {status}: {snippet}"));
    }
    serde_json::from_slice(&received).map_err(|e| format!("the response is not JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/v1/chat/completions").unwrap(),
            (
                false,
                "127.0.0.1:8080".to_string(),
                "/v1/chat/completions".to_string()
            )
        );
        assert_eq!(
            split_url("https://api.openai.com").unwrap(),
            (true, "api.openai.com".to_string(), "/".to_string())
        );
        assert!(split_url("ftp://x/y").is_err());
        assert!(split_url("http:///x").is_err());
    }
}
