//! Where a user's webhook may point. The notifier posts to a URL the user
//! chose, from inside the deployment, so an unchecked URL would let anyone
//! probe or call internal services (loopback, the pod network, the cloud's
//! metadata endpoint). A target must be `https` to a public host; `http`
//! and private addresses only for hosts the operator trusts by name (the
//! `webhook_trusted_hosts` variable, e.g. a receiver inside the cluster).
//! The same check runs when the URL is saved (a 400) and before every
//! delivery (a stored URL from before a rule change never gets a request).

use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Host names that only ever mean something inside a network.
const INTERNAL_SUFFIXES: &[&str] = &[
    ".localhost",
    ".local",
    ".internal",
    ".localdomain",
    ".home.arpa",
];

fn refused(message: &str) -> Error {
    Error::invalid("webhookUrl", message.to_string())
}

/// The URL in its normalized ASCII form, if it may be a webhook target.
/// `trusted` lists host names (or `host:port`) the operator allows as-is.
pub fn check_target(url: &str, trusted: &[String]) -> Result<String> {
    let parsed = url::Url::parse(url).map_err(|_| refused("webhookUrl must be an http(s) URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refused("webhookUrl must be an http(s) URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refused("webhookUrl must not carry a user name or password"));
    }
    let host = match parsed.host() {
        Some(h) => h,
        None => return Err(refused("webhookUrl must name a host")),
    };
    let host_text = host.to_string();
    let with_port = parsed
        .port_or_known_default()
        .map(|p| format!("{host_text}:{p}"))
        .unwrap_or_else(|| host_text.clone());
    let is_trusted = trusted
        .iter()
        .map(|t| t.trim().to_ascii_lowercase())
        .any(|t| !t.is_empty() && (t == host_text || t == with_port));
    if !is_trusted {
        if parsed.scheme() != "https" {
            return Err(refused("webhookUrl must be an https URL"));
        }
        let public = match host {
            url::Host::Ipv4(ip) => is_public(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => is_public(IpAddr::V6(ip)),
            url::Host::Domain(name) => is_public_name(name),
        };
        if !public {
            return Err(refused(
                "webhookUrl must point to a public host, not a private, loopback or internal address",
            ));
        }
    }
    Ok(parsed.to_string())
}

/// Whether a host name could be public: not `localhost`, not a single
/// label (resolved through the local search domains), not an internal
/// suffix such as `metadata.google.internal`.
fn is_public_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.contains('.')
        && name != "localhost"
        && !INTERNAL_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Whether an address is on the public internet: not loopback, private,
/// link-local (169.254/16 holds the cloud metadata service), shared
/// (CGNAT), unspecified, broadcast, multicast, documentation or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            is_public_v6(v6)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64, maps to IPv4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(url: &str) -> bool {
        check_target(url, &[]).is_ok()
    }

    #[test]
    fn only_https_to_public_hosts() {
        assert!(ok("https://example.com/hooks"));
        assert!(ok("https://93.184.216.34/x"));
        for url in [
            "http://example.com/hooks",
            "ftp://example.com",
            "https://127.0.0.1:8080/x",
            "https://localhost/x",
            "https://api.localhost/x",
            "https://169.254.169.254/latest/meta-data",
            "https://metadata.google.internal/computeMetadata",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://intranet/",
            "https://user:pw@example.com/",
            // Numeric forms that parsers normalize to loopback.
            "https://2130706433/",
            "https://0x7f.1/",
            "https://127.1/",
            "https://\u{ee}\u{a6}D",
            "not a url",
        ] {
            assert!(!ok(url), "{url} must be refused");
        }
    }

    #[test]
    fn trusted_hosts_may_be_http_and_private() {
        let trusted = vec!["127.0.0.1".to_string(), "hooks.svc:8080".to_string()];
        assert!(check_target("http://127.0.0.1:9999/hook", &trusted).is_ok());
        assert!(check_target("http://hooks.svc:8080/x", &trusted).is_ok());
        assert!(check_target("http://hooks.svc:9090/x", &trusted).is_err());
        assert!(check_target("http://10.0.0.1/x", &trusted).is_err());
    }

    #[test]
    fn the_stored_form_is_ascii() {
        let url = check_target("https://bücher.example/a b", &[]).unwrap();
        assert_eq!(url, "https://xn--bcher-kva.example/a%20b");
    }
}
