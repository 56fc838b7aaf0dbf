//! Which hosts a check may probe: the `grants.hosts` of its pack entry.
//!
//! An entry is a host name (`api.example.com`), a wildcard for its
//! subdomains (`*.example.com`), an IP address (`127.0.0.1`, `[::1]`), each
//! with an optional port (`api.example.com:8443`), or `env:NAME`: the host
//! (and port, if it has one) of the URL held by the deployment variable
//! `NAME`, so a pack can grant "the service being released" without naming
//! it. Without a port an entry grants ports 80 and 443 only.
//!
//! DNS TXT lookups are granted for a granted host and for the underscored
//! names under it (RFC 8552 attribute leaves such as `_dmarc.example.com`
//! and `mail._domainkey.example.com`): that is where mail policies live.

use crate::envsource::EnvSource;

/// Ports an entry without a port grants.
const DEFAULT_PORTS: [u16; 2] = [80, 443];

/// Which host names an entry matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostMatch {
    /// This name or address only.
    Exact(String),
    /// Any name strictly under this domain.
    Subdomains(String),
}

/// One granted host, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostGrant {
    host: HostMatch,
    port: Option<u16>,
}

/// An entry of `grants.hosts` as the pack wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEntry {
    /// A literal host pattern.
    Literal(HostGrant),
    /// The host of the URL in this deployment variable.
    FromEnv(String),
}

impl std::fmt::Display for HostEntry {
    /// The entry as a pack would write it (`*.example.com:8443`, `env:URL`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostEntry::FromEnv(name) => write!(f, "env:{name}"),
            HostEntry::Literal(grant) => {
                let host = match &grant.host {
                    HostMatch::Exact(host) if host.contains(':') => format!("[{host}]"),
                    HostMatch::Exact(host) => host.clone(),
                    HostMatch::Subdomains(domain) => format!("*.{domain}"),
                };
                match grant.port {
                    Some(port) => write!(f, "{host}:{port}"),
                    None => write!(f, "{host}"),
                }
            }
        }
    }
}

impl HostEntry {
    /// Parses one entry; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(name) = text.strip_prefix("env:") {
            if !crate::envsource::is_env_name(name) {
                return Err(format!("`{name}` is not a valid variable name"));
            }
            return Ok(HostEntry::FromEnv(name.to_owned()));
        }
        if text.contains("://") || text.contains('/') {
            return Err(format!(
                "`{text}` is a URL; grant the host (`api.example.com`, optionally `:port`), or `env:NAME` for the host of a URL held by a variable"
            ));
        }
        HostGrant::parse(text).map(HostEntry::Literal)
    }

    /// The grant, with `env:` entries looked up in `env` (none when unset
    /// or not a URL or host).
    pub fn resolve(&self, env: &EnvSource) -> Option<HostGrant> {
        match self {
            HostEntry::Literal(grant) => Some(grant.clone()),
            HostEntry::FromEnv(name) => {
                let value = env.get(name)?.trim();
                if value.contains("://") {
                    let url = url::Url::parse(value).ok()?;
                    Some(HostGrant {
                        host: HostMatch::Exact(normal_host(&url)?),
                        port: url.port(),
                    })
                } else {
                    HostGrant::parse(value).ok()
                }
            }
        }
    }
}

impl HostGrant {
    /// Parses `host`, `*.domain`, `host:port`, `[v6]:port`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().to_ascii_lowercase();
        let (host, port) = split_port(&text)?;
        let host = host.trim_end_matches('.');
        if host.is_empty() {
            return Err("the host is empty".into());
        }
        let matcher = match host.strip_prefix("*.") {
            Some(domain) => {
                if !is_dns_name(domain) || !domain.contains('.') {
                    return Err(format!(
                        "`{text}`: a wildcard must cover a domain with at least two labels (`*.example.com`)"
                    ));
                }
                HostMatch::Subdomains(domain.to_owned())
            }
            None if host.parse::<std::net::IpAddr>().is_ok() || is_dns_name(host) => {
                HostMatch::Exact(host.to_owned())
            }
            None => return Err(format!("`{text}` is not a host name or IP address")),
        };
        Ok(HostGrant {
            host: matcher,
            port,
        })
    }

    /// Whether the grant is an IP address rather than a name.
    fn is_address(&self) -> bool {
        matches!(&self.host, HostMatch::Exact(host) if host.parse::<std::net::IpAddr>().is_ok())
    }

    fn host_matches(&self, host: &str) -> bool {
        match &self.host {
            HostMatch::Exact(exact) => exact == host,
            HostMatch::Subdomains(domain) => host
                .strip_suffix(domain.as_str())
                .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.')),
        }
    }

    fn port_matches(&self, port: u16) -> bool {
        match self.port {
            Some(granted) => granted == port,
            None => DEFAULT_PORTS.contains(&port),
        }
    }
}

/// The hosts one check may probe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostGrants {
    grants: Vec<HostGrant>,
}

impl HostGrants {
    /// The grants of a check, `env:` entries resolved.
    pub fn resolve(entries: &[HostEntry], env: &EnvSource) -> Self {
        HostGrants {
            grants: entries.iter().filter_map(|e| e.resolve(env)).collect(),
        }
    }

    /// Whether nothing is granted.
    pub fn is_empty(&self) -> bool {
        self.grants.is_empty()
    }

    /// Whether an `http`/`https` URL may be requested.
    pub fn allows_url(&self, url: &url::Url) -> bool {
        match (normal_host(url), url.port_or_known_default()) {
            (Some(host), Some(port)) => self.allows(&host, port),
            _ => false,
        }
    }

    /// Whether `host:port` may be connected to.
    pub fn allows(&self, host: &str, port: u16) -> bool {
        let host = normal_name(host);
        self.grants
            .iter()
            .any(|g| g.host_matches(&host) && g.port_matches(port))
    }

    /// Whether the TXT records of `name` may be looked up: a granted host
    /// name, or an underscored name under one (`_dmarc.example.com`);
    /// never anything of an IP grant, since `<data>._x.127.0.0.1` would be
    /// a lookup of a name no grant chose, carrying what a check encodes in
    /// it to whichever server answers for it.
    pub fn allows_dns(&self, name: &str) -> bool {
        let name = normal_name(name);
        self.grants.iter().any(|grant| {
            if grant.is_address() {
                return false;
            }
            if grant.host_matches(&name) {
                return true;
            }
            let granted_below = |domain: &str| {
                name.strip_suffix(domain)
                    .and_then(|rest| rest.strip_suffix('.'))
                    .is_some_and(|labels| labels.split('.').any(|l| l.starts_with('_')))
            };
            match &grant.host {
                HostMatch::Exact(host) => granted_below(host),
                HostMatch::Subdomains(_) => false,
            }
        })
    }
}

/// A URL's host, lowercase, IPv6 without brackets, no trailing dot.
fn normal_host(url: &url::Url) -> Option<String> {
    Some(match url.host()? {
        url::Host::Domain(domain) => normal_name(domain),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
    })
}

fn normal_name(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Splits `host:port` and `[v6]:port`; a bare IPv6 address has no port.
fn split_port(text: &str) -> Result<(&str, Option<u16>), String> {
    let parse_port = |port: &str| {
        port.parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("`{port}` is not a port number"))
    };
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("`{text}`: missing `]`"))?;
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(parse_port(port)?))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(format!("`{text}`: unexpected `{after}` after the address")),
        };
    }
    if text.matches(':').count() > 1 {
        return Ok((text, None));
    }
    match text.split_once(':') {
        Some((host, port)) => Ok((host, Some(parse_port(port)?))),
        None => Ok((text, None)),
    }
}

fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(entries: &[&str]) -> HostGrants {
        let entries: Vec<HostEntry> = entries
            .iter()
            .map(|e| HostEntry::parse(e).unwrap())
            .collect();
        HostGrants::resolve(&entries, &EnvSource::from_pairs([]))
    }

    fn url(text: &str) -> url::Url {
        url::Url::parse(text).unwrap()
    }

    #[test]
    fn entries_display_as_a_pack_writes_them() {
        for text in [
            "api.example.com",
            "*.example.com:8443",
            "[::1]:9000",
            "127.0.0.1",
            "env:APP_URL",
        ] {
            assert_eq!(HostEntry::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn a_host_without_a_port_grants_the_web_ports_only() {
        let g = grants(&["api.example.com"]);
        assert!(g.allows_url(&url("https://api.example.com/health")));
        assert!(g.allows_url(&url("http://API.example.com./")));
        assert!(!g.allows_url(&url("https://api.example.com:6379/")));
        assert!(!g.allows_url(&url("https://example.com/")));
        assert!(!g.allows_url(&url("https://api.example.com.evil.test/")));
    }

    #[test]
    fn a_port_grants_that_port_only() {
        let g = grants(&["127.0.0.1:8443", "[::1]:9000"]);
        assert!(g.allows_url(&url("https://127.0.0.1:8443/")));
        assert!(!g.allows_url(&url("https://127.0.0.1/")));
        assert!(g.allows("::1", 9000));
        assert!(g.allows_url(&url("http://[::1]:9000/")));
    }

    #[test]
    fn a_wildcard_grants_subdomains_not_the_domain_itself() {
        let g = grants(&["*.example.com"]);
        assert!(g.allows("a.example.com", 443));
        assert!(g.allows("a.b.example.com", 443));
        assert!(!g.allows("example.com", 443));
        assert!(!g.allows("badexample.com", 443));
    }

    #[test]
    fn dns_grants_cover_the_host_and_its_underscored_names() {
        let g = grants(&["example.com"]);
        assert!(g.allows_dns("example.com"));
        assert!(g.allows_dns("_dmarc.example.com"));
        assert!(g.allows_dns("mail._domainkey.example.com"));
        assert!(!g.allows_dns("www.example.com"));
        assert!(!g.allows_dns("_dmarc.other.com"));
        let ip = grants(&["127.0.0.1", "[::1]:8080"]);
        assert!(ip.allows("127.0.0.1", 443));
        for name in ["127.0.0.1", "secret-data._x.127.0.0.1", "_x.::1"] {
            assert!(!ip.allows_dns(name), "{name}");
        }
    }

    #[test]
    fn env_entries_take_the_host_of_the_url_in_the_variable() {
        let entries = vec![HostEntry::parse("env:PUBLIC_URL").unwrap()];
        let env = EnvSource::from_pairs([("PUBLIC_URL", "https://shop.example.com:8443/api")]);
        let g = HostGrants::resolve(&entries, &env);
        assert!(g.allows("shop.example.com", 8443));
        assert!(!g.allows("shop.example.com", 443));
        let unset = HostGrants::resolve(&entries, &EnvSource::from_pairs([]));
        assert!(unset.is_empty());
    }

    #[test]
    fn malformed_entries_are_refused_with_a_reason() {
        for bad in [
            "https://api.example.com",
            "api.example.com:0",
            "api.example.com:http",
            "*.com",
            "exa mple.com",
            "env:1BAD",
            "",
        ] {
            assert!(HostEntry::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
