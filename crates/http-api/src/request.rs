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
    /// `https` when the request reached the runtime over TLS.
    pub scheme: String,
    /// The host (and port) the request was sent to, as the runtime got it.
    pub authority: String,
    /// The path the runtime received: the only source of path parameters,
    /// since every `spin-*` header can also be sent by the client.
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
        let scheme = match incoming.scheme() {
            Some(spin_sdk::http::Scheme::Https) => "https".to_string(),
            _ => "http".to_string(),
        };
        let authority = incoming.authority().unwrap_or_default();
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
            scheme,
            authority,
            path,
            query,
            headers,
            body,
            correlation_id,
            traceparent,
        })
    }

    /// Refuses a query parameter not in `allowed` (`unknown_parameter`).
    pub fn only_query_params(&self, allowed: &[&str]) -> Result<(), Error> {
        match self
            .query
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            Some((k, _)) => Err(Error::bad_request(
                "unknown_parameter",
                format!(
                    "unknown query parameter `{k}`; expected {}",
                    allowed.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `:name` segment of `route` (such as `/api/v1/tasks/:id`) in the
    /// request's path; the path may go on past the route (`.../complete`).
    /// Read from the path itself, never from `spin-path-match-*`: a client
    /// can send those headers too, and Spin passes them on.
    pub fn path_param(&self, route: &str, name: &str) -> Result<String, Error> {
        route_param(&self.path, route, name).ok_or_else(|| Error::not_found("endpoint"))
    }

    /// The client's address (`ip:port`) as the runtime saw it. Spin appends
    /// its `spin-client-addr` after any the client sent, so the last wins.
    pub fn client_addr(&self) -> String {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k == "spin-client-addr")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
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
        let value: Value = serde_json::from_slice(&self.body).map_err(|e| {
            Error::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
        })?;
        if has_nul(&value) {
            return Err(Error::nul_character());
        }
        Ok(value)
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

/// Whether any string or key in `value` holds a NUL character: refused at
/// the edge for every component alike ([`Error::nul_character`]).
pub fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// Matches `path` against a route of literal and `:name` segments and
/// returns the named segment; the path may be longer than the route.
fn route_param(path: &str, route: &str, name: &str) -> Option<String> {
    let mut segments = path.trim_start_matches('/').split('/');
    let mut found = None;
    for pattern in route.trim_start_matches('/').split('/') {
        let segment = segments.next()?;
        match pattern.strip_prefix(':') {
            Some(param) => {
                if segment.is_empty() {
                    return None;
                }
                if param == name {
                    found = Some(segment.to_string());
                }
            }
            None if pattern == segment => {}
            None => return None,
        }
    }
    found
}

/// Decodes `a=1&b=x%20y`; a malformed escape or a NUL is a 400.
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
    let text = String::from_utf8(out).map_err(|_| bad())?;
    if text.contains('\0') {
        return Err(Error::nul_character());
    }
    Ok(text)
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
        assert_eq!(parse_query("q=%00").unwrap_err().code, "invalid_character");
    }

    #[test]
    fn path_params_come_from_the_path() {
        let route = "/api/v1/tasks/:id";
        assert_eq!(
            route_param("/api/v1/tasks/abc", route, "id").as_deref(),
            Some("abc")
        );
        assert_eq!(
            route_param("/api/v1/tasks/abc/complete", route, "id").as_deref(),
            Some("abc")
        );
        assert_eq!(route_param("/api/v1/tasks/", route, "id"), None);
        assert_eq!(route_param("/api/v1/tasks", route, "id"), None);
        assert_eq!(route_param("/api/v1/lists/abc", route, "id"), None);
    }

    #[test]
    fn nul_anywhere_in_json_is_found() {
        assert!(has_nul(&serde_json::json!({"a": ["x", "y\u{0}"]})));
        assert!(has_nul(&serde_json::json!({"k\u{0}": 1})));
        assert!(!has_nul(&serde_json::json!({"a": ["x", 1, null]})));
    }

    #[test]
    fn traceparent_shape() {
        assert!(valid_traceparent(&new_traceparent()));
        assert!(!valid_traceparent("00-abc-def-01"));
    }
}
