//! Facts about a URL-valued variable: never the host name, user or password.

use gonogo_check::{Value, json};
use std::net::IpAddr;

/// What a URL value reveals to rules.
pub struct UrlFacts {
    /// The JSON facts.
    pub facts: Value,
    /// True when the password is a well-known default or the host a
    /// documentation placeholder.
    pub placeholder: bool,
}

/// Query parameters whose values are configuration, not secrets.
const PUBLIC_PARAMS: &[&str] = &[
    "sslmode",
    "ssl",
    "sslaccept",
    "tls",
    "connection_limit",
    "pool_timeout",
    "connect_timeout",
    "socket_timeout",
    "pgbouncer",
    "schema",
    "statement_cache_size",
    "application_name",
    "max_connections",
    "pool_size",
    "authsource",
    "retrywrites",
    "w",
];

/// Parses `value` as a URL when it has a scheme; `None` otherwise.
pub fn describe(value: &str) -> Option<UrlFacts> {
    if !value.contains("://") {
        return None;
    }
    let url = url::Url::parse(value.trim()).ok()?;
    let query_keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    let params: gonogo_check::Map<String, Value> = url
        .query_pairs()
        .filter(|(k, _)| PUBLIC_PARAMS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    let password = url.password().unwrap_or("");
    let weak_password =
        !password.is_empty() && gonogo_analysis::classify::is_weak_password(password);
    let placeholder_host = url.host_str().is_some_and(is_placeholder_host);
    Some(UrlFacts {
        placeholder: weak_password || placeholder_host,
        facts: json!({
            "scheme": url.scheme(),
            "host_kind": url.host_str().map(host_kind),
            "port": url.port_or_known_default().or_else(|| default_port(url.scheme())),
            "has_username": !url.username().is_empty(),
            "has_password": !password.is_empty(),
            // The password's strength, never the password (percent-decoded,
            // as the driver reads it).
            "password_length": (!password.is_empty()).then(|| decoded(password).chars().count()),
            "password_entropy_bits": (!password.is_empty())
                .then(|| gonogo_analysis::classify::entropy_bits(&decoded(password)).round()),
            "query_keys": query_keys,
            "params": params,
        }),
    })
}

/// A URL component percent-decoded (`p%40ss` → `p@ss`).
fn decoded(component: &str) -> String {
    url::form_urlencoded::parse(format!("x={component}").as_bytes())
        .next()
        .map_or_else(|| component.to_owned(), |(_, v)| v.into_owned())
}

/// Hosts reserved for documentation (RFC 2606) or obviously to be filled in.
fn is_placeholder_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let reserved = ["example.com", "example.net", "example.org"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")));
    reserved
        || host.ends_with(".example")
        || ["host", "hostname", "your-host", "db-host", "server"].contains(&host.as_str())
        || ["your", "changeme", "placeholder", "xxx", "<"]
            .iter()
            .any(|m| host.contains(m))
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" | "postgresql" => Some(5432),
        "mysql" => Some(3306),
        "redis" | "rediss" => Some(6379),
        "mongodb" => Some(27017),
        "amqp" => Some(5672),
        "amqps" => Some(5671),
        _ => None,
    }
}

/// `localhost` (loopback), `private` (private ranges, single-label names as
/// in docker compose, `.local`/`.internal`), or `public`.
fn host_kind(host: &str) -> &'static str {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) if v4.is_loopback() || v4.is_unspecified() => "localhost",
            IpAddr::V4(v4) if v4.is_private() || v4.is_link_local() => "private",
            IpAddr::V6(v6) if v6.is_loopback() || v6.is_unspecified() => "localhost",
            IpAddr::V6(v6) if (v6.segments()[0] & 0xfe00) == 0xfc00 => "private",
            IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80 => "private",
            _ => "public",
        };
    }
    if host == "localhost" || host.ends_with(".localhost") || host == "host.docker.internal" {
        "localhost"
    } else if !host.contains('.')
        || host.ends_with(".local")
        || host.ends_with(".internal")
        || host.ends_with(".svc")
        || host.ends_with(".cluster.local")
    {
        "private"
    } else {
        "public"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_described_without_credentials() {
        let facts = describe("postgresql://app:s3cretpw@db.example.com:6543/app?sslmode=require&connection_limit=5&password=x")
            .unwrap()
            .facts;
        assert_eq!(facts["host_kind"], "public");
        assert_eq!(facts["port"], 6543);
        assert_eq!(facts["params"]["sslmode"], "require");
        assert!(facts["params"].get("password").is_none());
        assert!(!facts.to_string().contains("s3cretpw"));
        assert_eq!(facts["password_length"], 8);
    }

    #[test]
    fn the_password_is_measured_decoded_and_never_shown() {
        let facts = describe("redis://:k3J9x0Qm%40ZpL7vR1tY8wN4bC@cache.acme.io:6380")
            .unwrap()
            .facts;
        assert_eq!(facts["password_length"], 24, "%40 is one character");
        assert!(
            facts["password_entropy_bits"]
                .as_f64()
                .is_some_and(|b| b > 60.0)
        );
        assert!(!facts.to_string().contains("k3J9"));
        let none = describe("redis://cache.acme.io:6379").unwrap().facts;
        assert!(none["password_length"].is_null());
    }

    #[test]
    fn placeholders_are_judged_by_credentials_and_host() {
        let placeholder = |url: &str| describe(url).unwrap().placeholder;
        assert!(placeholder("postgres://postgres:postgres@db.acme.io/app"));
        assert!(placeholder(
            "postgres://app:Vx7qPz2mK9rT@db.example.com/app"
        ));
        assert!(placeholder("redis://:pw@your-redis-host:6379"));
        assert!(!placeholder(
            "postgres://app:Vx7qPz2mK9rT@db.acme.io/app?x=example"
        ));
    }

    #[test]
    fn host_kinds() {
        assert_eq!(host_kind("localhost"), "localhost");
        assert_eq!(host_kind("127.0.0.1"), "localhost");
        assert_eq!(host_kind("10.1.2.3"), "private");
        assert_eq!(host_kind("postgres"), "private");
        assert_eq!(host_kind("db.internal"), "private");
        assert_eq!(host_kind("db.example.com"), "public");
    }
}
