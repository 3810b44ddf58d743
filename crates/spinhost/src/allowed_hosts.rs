//! `allowed_outbound_hosts`: Spin 3.6's syntax and matching rules
//! (`outbound-networking-config`). Hosts match literally: `localhost` does
//! not allow `127.0.0.1`.

use std::net::IpAddr;
use std::ops::Range;

use anyhow::{anyhow, bail, Context, Result};
use url::Host;

use crate::variables::{Template, VariableResolver};

/// One `scheme://host[:port]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    scheme: SchemeSpec,
    host: HostSpec,
    port: PortSpec,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SchemeSpec {
    Any,
    Named(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostSpec {
    Any,
    /// `*.example.com`, kept as `.example.com`: subdomains only.
    AnySubdomain(String),
    /// `self` / `self.alt`: requests without an authority.
    ToSelf,
    Literal(Host),
    Network(IpNetwork),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortSpec {
    Any,
    Port(u16),
    /// `a..b`, end exclusive.
    Range(Range<u16>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IpNetwork {
    addr: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    /// `10.0.0.0/8`, or a bare address meaning a single-address network.
    /// Host bits beyond the prefix are ignored, as Spin's parser truncates them.
    fn parse(text: &str) -> Option<Self> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Self { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The port a scheme implies when none is written.
pub fn well_known_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl AllowedHost {
    pub fn parse(entry: &str) -> Result<Self> {
        let entry = entry.trim();
        let Some((scheme, rest)) = entry.split_once("://") else {
            match entry {
                "*" | ":" | "" | "?" => bail!(
                    "{entry:?} is not an allowed outbound host format: use <scheme>://<host>[:<port>], with '*' wildcards allowed for each ('*://*:*' allows everything)"
                ),
                _ => bail!("{entry:?} does not contain a scheme (e.g. 'http://' or '*://')"),
            }
        };
        let (host, port_and_path) = rest.rsplit_once(':').unwrap_or((rest, ""));
        let port = match port_and_path.split_once('/') {
            Some((_, path)) if !path.is_empty() => {
                bail!("{entry:?} has a path but is not allowed to")
            }
            Some((port, _)) => port,
            None => port_and_path,
        };
        let port = parse_port(port, scheme)
            .with_context(|| format!("invalid allowed host port {port:?} in {entry:?}"))?;
        let scheme = parse_scheme(scheme)
            .with_context(|| format!("invalid allowed host scheme {scheme:?} in {entry:?}"))?;
        let host = parse_host(host)
            .with_context(|| format!("invalid allowed host {host:?} in {entry:?}"))?;
        Ok(Self { scheme, host, port })
    }

    fn allows(&self, url: &OutboundUrl) -> bool {
        let scheme_ok = match &self.scheme {
            SchemeSpec::Any => true,
            SchemeSpec::Named(s) => *s == url.scheme,
        };
        scheme_ok && self.host_allows(&url.host) && self.port_allows(url.port, &url.scheme)
    }

    fn host_allows(&self, host: &str) -> bool {
        let Ok(host) = Host::parse(host) else {
            return false;
        };
        match (&self.host, host) {
            (HostSpec::Any, _) => true,
            (HostSpec::AnySubdomain(suffix), Host::Domain(domain)) => domain.ends_with(suffix),
            (HostSpec::Literal(literal), host) => host == *literal,
            (HostSpec::Network(net), Host::Ipv4(ip)) => net.contains(IpAddr::V4(ip)),
            (HostSpec::Network(net), Host::Ipv6(ip)) => net.contains(IpAddr::V6(ip)),
            _ => false,
        }
    }

    fn port_allows(&self, port: Option<u16>, scheme: &str) -> bool {
        let port = match (&self.port, port.or_else(|| well_known_port(scheme))) {
            (PortSpec::Any, _) => return true,
            (_, None) => return false,
            (_, Some(port)) => port,
        };
        match &self.port {
            PortSpec::Port(p) => *p == port,
            PortSpec::Range(r) => r.contains(&port),
            PortSpec::Any => true,
        }
    }

    fn allows_relative(&self, schemes: &[&str]) -> bool {
        let scheme_ok = match &self.scheme {
            SchemeSpec::Any => true,
            SchemeSpec::Named(s) => schemes.contains(&s.as_str()),
        };
        scheme_ok && matches!(self.host, HostSpec::Any | HostSpec::ToSelf)
    }
}

fn parse_scheme(scheme: &str) -> Result<SchemeSpec> {
    if scheme == "*" {
        return Ok(SchemeSpec::Any);
    }
    if scheme.starts_with('{') {
        bail!("scheme lists are not supported");
    }
    if scheme.is_empty() || !scheme.chars().all(char::is_alphabetic) {
        bail!("only alphabetic characters are allowed");
    }
    Ok(SchemeSpec::Named(scheme.to_string()))
}

fn parse_host(host: &str) -> Result<HostSpec> {
    let host = host.trim();
    if host == "*" {
        return Ok(HostSpec::Any);
    }
    if host == "self" || host == "self.alt" {
        return Ok(HostSpec::ToSelf);
    }
    if host.starts_with('{') {
        bail!("host lists are not yet supported");
    }
    if let Some(net) = IpNetwork::parse(host) {
        return Ok(HostSpec::Network(net));
    }
    let host = host.trim_end_matches('/');
    if host.contains('/') {
        bail!("must not include a path");
    }
    if let Some(domain) = host.strip_prefix("*.") {
        if domain.contains('*') {
            bail!("wildcards are allowed only as prefixes");
        }
        return Ok(HostSpec::AnySubdomain(format!(".{domain}")));
    }
    if host.contains('*') {
        bail!("wildcards are allowed only as subdomains");
    }
    Ok(HostSpec::Literal(Host::parse(host)?))
}

fn parse_port(port: &str, scheme: &str) -> Result<PortSpec> {
    if port.is_empty() {
        return well_known_port(scheme).map(PortSpec::Port).ok_or_else(|| {
            anyhow!("no port was provided and the scheme {scheme:?} does not have a known default port number")
        });
    }
    if port == "*" {
        return Ok(PortSpec::Any);
    }
    if port.starts_with('{') {
        bail!("port lists are not yet supported");
    }
    if let Some((start, end)) = port.split_once("..") {
        let start = start
            .parse()
            .with_context(|| format!("port range {port:?} contains non-number"))?;
        let end = end
            .parse()
            .with_context(|| format!("port range {port:?} contains non-number"))?;
        return Ok(PortSpec::Range(start..end));
    }
    Ok(PortSpec::Port(port.parse().with_context(|| {
        format!("port {port:?} is not a number")
    })?))
}

/// A URL a guest wants to reach, reduced to what the allow list checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundUrl {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

impl OutboundUrl {
    /// Parses `url`; when it has no scheme (e.g. `db:5432`), `default_scheme`
    /// is assumed, as Spin does for Postgres addresses.
    pub fn parse(url: &str, default_scheme: &str) -> Result<Self> {
        let parsed = match url::Url::parse(url) {
            Ok(u) if u.has_host() => u,
            first => match url::Url::parse(&format!("{default_scheme}://{url}")) {
                Ok(u) => u,
                Err(second) => {
                    return Err(match first {
                        Err(e) => anyhow!(e),
                        Ok(_) => anyhow!(second),
                    })
                }
            },
        };
        let host = parsed
            .host_str()
            .ok_or_else(|| anyhow!("{url:?} does not have a host component"))?
            .to_string();
        Ok(Self {
            scheme: parsed.scheme().to_string(),
            host,
            port: parsed.port(),
        })
    }
}

/// A component's resolved allow list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    entries: Vec<AllowedHost>,
}

impl AllowedHosts {
    /// Resolves `{{ var }}` templates with `resolver`, then parses each entry.
    pub fn resolve(entries: &[String], resolver: &VariableResolver) -> Result<Self> {
        if entries.len() == 1 && entries[0] == "insecure:allow-all" {
            bail!("'insecure:allow-all' is not allowed - use '*://*:*' instead");
        }
        let mut parsed = Vec::with_capacity(entries.len());
        for entry in entries {
            let template = Template::parse(entry).map_err(|e| anyhow!(e))?;
            let text = resolver.resolve_template(&template).with_context(|| {
                format!("cannot resolve allowed_outbound_hosts entry {entry:?}")
            })?;
            parsed.push(AllowedHost::parse(&text)?);
        }
        Ok(Self { entries: parsed })
    }

    pub fn from_entries(entries: Vec<AllowedHost>) -> Self {
        Self { entries }
    }

    /// Whether `url` may be reached; an unparseable URL is refused.
    pub fn check_url(&self, url: &str, default_scheme: &str) -> bool {
        match OutboundUrl::parse(url, default_scheme) {
            Ok(url) => self.allows(&url),
            Err(_) => false,
        }
    }

    pub fn allows(&self, url: &OutboundUrl) -> bool {
        self.entries.iter().any(|e| e.allows(url))
    }

    /// Whether a request without an authority (to the app itself) is allowed.
    pub fn allows_relative(&self, schemes: &[&str]) -> bool {
        self.entries.iter().any(|e| e.allows_relative(schemes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::VariableDecl;
    use std::collections::{BTreeMap, HashMap};
    use std::sync::Arc;

    fn hosts(entries: &[&str]) -> AllowedHosts {
        AllowedHosts::from_entries(
            entries
                .iter()
                .map(|e| AllowedHost::parse(e).unwrap())
                .collect(),
        )
    }

    #[test]
    fn exact_host_and_port() {
        let h = hosts(&["http://localhost:3500"]);
        assert!(h.check_url("http://localhost:3500/v1.0/publish", "https"));
        assert!(!h.check_url("http://localhost:3501/", "https"));
        assert!(!h.check_url("https://localhost:3500/", "https"));
        assert!(
            !h.check_url("http://127.0.0.1:3500/", "https"),
            "hosts match literally"
        );
    }

    #[test]
    fn scheme_default_ports() {
        let h = hosts(&["https://api.example.com", "postgres://db"]);
        assert!(h.check_url("https://api.example.com/x", "https"));
        assert!(h.check_url("https://api.example.com:443/x", "https"));
        assert!(!h.check_url("https://api.example.com:8443/x", "https"));
        assert!(h.check_url("db:5432", "postgres"));
        assert!(h.check_url("db", "postgres"));
        assert!(!h.check_url("db:5433", "postgres"));
        assert!(
            AllowedHost::parse("ftp://host").is_err(),
            "no default port for ftp"
        );
    }

    #[test]
    fn wildcards_ranges_and_networks() {
        let h = hosts(&["*://*.example.com:*"]);
        assert!(h.check_url("https://a.example.com/", "https"));
        assert!(h.check_url("http://b.a.example.com:81/", "https"));
        assert!(
            !h.check_url("https://example.com/", "https"),
            "subdomains only"
        );

        let h = hosts(&["http://localhost:8000..8002"]);
        assert!(h.check_url("http://localhost:8000/", "https"));
        assert!(h.check_url("http://localhost:8001/", "https"));
        assert!(
            !h.check_url("http://localhost:8002/", "https"),
            "end is exclusive"
        );

        let h = hosts(&["http://10.0.0.0/8:*"]);
        assert!(h.check_url("http://10.1.2.3:9/", "https"));
        assert!(!h.check_url("http://11.0.0.1/", "https"));

        let h = hosts(&["http://127.0.0.1:*"]);
        assert!(h.check_url("http://127.0.0.1:3000/", "https"));
        assert!(!h.check_url("http://localhost:3000/", "https"));

        let h = hosts(&["*://*:*"]);
        assert!(h.check_url("mqtt://anything:1/", "https"));
        assert!(h.allows_relative(&["http"]));
    }

    #[test]
    fn self_requests() {
        let h = hosts(&["http://self"]);
        assert!(h.allows_relative(&["http", "https"]));
        assert!(!h.check_url("http://self.example/", "https"));
        assert!(!hosts(&["http://localhost:80"]).allows_relative(&["http", "https"]));
        assert!(!AllowedHosts::default().check_url("http://localhost/", "https"));
    }

    #[test]
    fn rejects_malformed_entries() {
        for bad in [
            "*",
            "localhost:3000",
            "http://host:3000/path",
            "h2p://host:1",
            "http://ho*st:1",
            "http://*.a.*:1",
            "http://host:abc",
            "http://host:1..x",
        ] {
            assert!(AllowedHost::parse(bad).is_err(), "{bad}");
        }
        let resolver = VariableResolver::new(BTreeMap::new(), HashMap::new());
        assert!(AllowedHosts::resolve(&["insecure:allow-all".into()], &resolver).is_err());
    }

    #[test]
    fn templates_resolve_from_variables() {
        let declared = BTreeMap::from([
            (
                "db_host".to_string(),
                VariableDecl {
                    default: Some("127.0.0.1".into()),
                    required: false,
                    secret: false,
                },
            ),
            (
                "db_port".to_string(),
                VariableDecl {
                    default: Some("5432".into()),
                    required: false,
                    secret: false,
                },
            ),
        ]);
        let env: EnvMap = Arc::new(|name| (name == "SPIN_VARIABLE_DB_PORT").then(|| "6543".into()));
        let resolver = VariableResolver::with_env(declared, HashMap::new(), env);
        let h = AllowedHosts::resolve(
            &["postgres://{{ db_host }}:{{ db_port }}".to_string()],
            &resolver,
        )
        .unwrap();
        assert!(h.check_url("127.0.0.1:6543", "postgres"));
        assert!(!h.check_url("127.0.0.1:5432", "postgres"));
    }

    type EnvMap = crate::variables::EnvLookup;
}
