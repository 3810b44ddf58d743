//! Outbound `wasi:http` requests, checked against the component's
//! `allowed_outbound_hosts` the way Spin 3.6's `factor-outbound-http` does.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use http::uri::{Authority, Scheme};
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

use crate::allowed_hosts::AllowedHosts;

type IoFuture = Box<dyn Future<Output = Result<(), HttpError>> + Send>;
type SendFuture =
    Box<dyn Future<Output = Result<(http::Response<WasiBody>, IoFuture), HttpError>> + Send>;

/// The `wasi:http` hooks of one instance.
pub struct OutboundHooks {
    component_id: String,
    allowed: Arc<AllowedHosts>,
    /// Where requests without an authority go: the app's own listener.
    self_origin: Option<SocketAddr>,
    log_denied: bool,
}

/// Whether a request may leave the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundDecision {
    Allowed,
    /// A request to the app itself, redirected to this address.
    ToSelf(SocketAddr),
    Denied,
}

impl OutboundHooks {
    pub fn new(
        component_id: impl Into<String>,
        allowed: Arc<AllowedHosts>,
        self_origin: Option<SocketAddr>,
        log_denied: bool,
    ) -> Self {
        Self {
            component_id: component_id.into(),
            allowed,
            self_origin,
            log_denied,
        }
    }

    pub fn decide(&self, uri: &http::Uri) -> OutboundDecision {
        let host = uri.authority().map(Authority::host).unwrap_or("");
        if host.is_empty() || host == "self.alt" {
            if !self.allowed.allows_relative(&["http", "https"]) {
                return OutboundDecision::Denied;
            }
            return match self.self_origin {
                Some(origin) => OutboundDecision::ToSelf(origin),
                None => OutboundDecision::Denied,
            };
        }
        if self.allowed.check_url(&uri.to_string(), "https") {
            OutboundDecision::Allowed
        } else {
            OutboundDecision::Denied
        }
    }
}

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: IoFuture,
    ) -> SendFuture {
        match self.decide(request.uri()) {
            OutboundDecision::Denied => {
                if self.log_denied {
                    eprintln!(
                        "spinhost: component {:?} tried to reach {}, which its allowed_outbound_hosts does not allow",
                        self.component_id,
                        request.uri()
                    );
                }
                return Box::new(async { Err(HttpError::HttpRequestDenied) });
            }
            OutboundDecision::ToSelf(origin) => {
                let path = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "/".to_string());
                let uri = http::Uri::builder()
                    .scheme(Scheme::HTTP)
                    .authority(origin.to_string())
                    .path_and_query(path)
                    .build();
                match uri {
                    Ok(uri) => {
                        if let Ok(host) = http::HeaderValue::from_str(&origin.to_string()) {
                            request.headers_mut().insert(http::header::HOST, host);
                        }
                        *request.uri_mut() = uri;
                    }
                    Err(_) => return Box::new(async { Err(HttpError::HttpRequestUriInvalid) }),
                }
            }
            OutboundDecision::Allowed => {}
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as IoFuture,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allowed_hosts::AllowedHost;

    fn hooks(entries: &[&str], origin: Option<&str>) -> OutboundHooks {
        let allowed = AllowedHosts::from_entries(
            entries
                .iter()
                .map(|e| AllowedHost::parse(e).unwrap())
                .collect(),
        );
        OutboundHooks::new(
            "c",
            Arc::new(allowed),
            origin.map(|o| o.parse().unwrap()),
            false,
        )
    }

    #[test]
    fn decisions() {
        let h = hooks(&["http://localhost:3500"], Some("127.0.0.1:3000"));
        let uri = |s: &str| s.parse::<http::Uri>().unwrap();
        assert_eq!(
            h.decide(&uri("http://localhost:3500/x")),
            OutboundDecision::Allowed
        );
        assert_eq!(
            h.decide(&uri("http://127.0.0.1:3500/x")),
            OutboundDecision::Denied
        );
        assert_eq!(h.decide(&uri("/relative")), OutboundDecision::Denied);

        let h = hooks(&["http://self"], Some("127.0.0.1:3000"));
        assert_eq!(
            h.decide(&uri("/relative")),
            OutboundDecision::ToSelf("127.0.0.1:3000".parse().unwrap())
        );
        assert_eq!(
            h.decide(&uri("http://self.alt/x")),
            h.decide(&uri("/relative"))
        );
        let h = hooks(&["http://self"], None);
        assert_eq!(h.decide(&uri("/relative")), OutboundDecision::Denied);
    }
}
