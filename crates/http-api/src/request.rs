use domain::limits::MAX_BODY_BYTES;
use domain::{Error, ErrorKind};
use futures::StreamExt;
use serde_json::Value;
use spin_sdk::http::IncomingRequest;

/// Name of the HttpOnly cookie that carries the session token for browsers.
pub const SESSION_COOKIE: &str = "tm_session";

/// A request read in full (within the size limit).
pub struct Request {
    pub component: &'static str,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub correlation_id: String,
    pub traceparent: String,
}

pub type ReadError = (Error, (String, String, String));

impl Request {
    pub async fn read(
        component: &'static str,
        incoming: IncomingRequest,
    ) -> Result<Request, ReadError> {
        let method = incoming.method().to_string();
        let path_and_query = incoming.path_with_query().unwrap_or_else(|| "/".into());
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (path_and_query.clone(), String::new()),
        };
        let headers: Vec<(String, String)> = incoming
            .headers()
            .entries()
            .into_iter()
            .map(|(k, v)| {
                (
                    k.to_ascii_lowercase(),
                    String::from_utf8_lossy(&v).into_owned(),
                )
            })
            .collect();
        let find = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let correlation_id = find("x-correlation-id")
            .filter(|c| valid_correlation_id(c))
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let traceparent = find("traceparent")
            .filter(|t| valid_traceparent(t))
            .map(str::to_string)
            .unwrap_or_else(new_traceparent);
        let info = (method.clone(), path.clone(), correlation_id.clone());

        let too_large = || {
            Error::new(
                ErrorKind::PayloadTooLarge,
                "body_too_large",
                format!("the request body must be at most {MAX_BODY_BYTES} bytes"),
            )
        };
        if find("content-length")
            .and_then(|l| l.trim().parse::<usize>().ok())
            .is_some_and(|l| l > MAX_BODY_BYTES)
        {
            return Err((too_large(), info));
        }
        // Read the body chunk by chunk so an oversized body is refused
        // without being held in memory.
        let mut body = Vec::new();
        let mut stream = incoming.into_body_stream();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(bytes) => {
                    if body.len() + bytes.len() > MAX_BODY_BYTES {
                        return Err((too_large(), info));
                    }
                    body.extend_from_slice(&bytes);
                }
                Err(e) => {
                    return Err((
                        Error::bad_request(
                            "body_unreadable",
                            format!("the request body could not be read: {e:?}"),
                        ),
                        info,
                    ))
                }
            }
        }
        let query = parse_query(&query).map_err(|e| (e, info.clone()))?;
        Ok(Request {
            component,
            method,
            path,
            query,
            headers,
            body,
            correlation_id,
            traceparent,
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A `:name` path segment, as Spin passes it in `spin-path-match-<name>`.
    pub fn path_param(&self, name: &str) -> Result<String, Error> {
        self.header(&format!("spin-path-match-{name}"))
            .map(str::to_string)
            .ok_or_else(|| Error::internal(format!("route has no :{name} parameter")))
    }

    /// The body as a JSON value. An empty body, a non-JSON content type and
    /// malformed JSON are each a clear 4xx.
    pub fn json(&self) -> Result<Value, Error> {
        if self.body.is_empty() {
            return Err(Error::bad_request(
                "body_required",
                "a JSON body is required",
            ));
        }
        let ct = self.header("content-type").unwrap_or("");
        let media = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media != "application/json" && !media.ends_with("+json") {
            return Err(Error::new(
                ErrorKind::UnsupportedMediaType,
                "unsupported_media_type",
                "send the body as application/json",
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
        })
    }

    /// The session token from `Authorization: Bearer` or the session cookie.
    pub fn session_token(&self) -> Option<&str> {
        if let Some(auth) = self.header("authorization") {
            let (scheme, token) = auth.split_once(' ')?;
            return scheme.eq_ignore_ascii_case("bearer").then(|| token.trim());
        }
        self.header("cookie")?.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == SESSION_COOKIE).then_some(v)
        })
    }
}

fn valid_correlation_id(c: &str) -> bool {
    !c.is_empty()
        && c.len() <= 128
        && c.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "-_.:".contains(ch))
}

fn valid_traceparent(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 4
        && parts[0].len() == 2
        && parts[1].len() == 32
        && parts[2].len() == 16
        && parts[3].len() == 2
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn new_traceparent() -> String {
    let trace = uuid::Uuid::new_v4().simple().to_string();
    let span = &uuid::Uuid::new_v4().simple().to_string()[..16];
    format!("00-{trace}-{span}-01")
}

/// Decodes `a=1&b=x%20y`; a malformed escape is a 400.
fn parse_query(q: &str) -> Result<Vec<(String, String)>, Error> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

fn percent_decode(s: &str) -> Result<String, Error> {
    let bad = || Error::bad_request("malformed_query", "the query string is not validly encoded");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3).ok_or_else(bad)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        assert_eq!(
            parse_query("q=a%20b+c&tag=x&flag").unwrap(),
            vec![
                ("q".into(), "a b c".into()),
                ("tag".into(), "x".into()),
                ("flag".into(), "".into())
            ]
        );
        assert!(parse_query("q=%zz").is_err());
        assert!(parse_query("q=%ff").is_err());
    }

    #[test]
    fn traceparent_shape() {
        assert!(valid_traceparent(&new_traceparent()));
        assert!(!valid_traceparent("00-abc-def-01"));
    }
}
