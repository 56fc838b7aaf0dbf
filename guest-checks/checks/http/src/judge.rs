//! Pure judgements over what the service answered: health bodies, security
//! headers, CORS answers, latency percentiles. No probe happens here.

use crate::client::header;
use gonogo_check::probe::HttpResponse;
use serde_json::Value;
use std::collections::BTreeMap;

/// Words a health endpoint uses for "fine".
const HEALTHY: &[&str] = &[
    "ok",
    "up",
    "healthy",
    "pass",
    "passing",
    "green",
    "connected",
    "ready",
    "true",
    "available",
];

/// Whether a reported status word means healthy.
pub fn is_healthy(status: &str) -> bool {
    HEALTHY.contains(&status.trim().to_ascii_lowercase().as_str())
}

/// What a health body says, when it is JSON.
#[derive(Debug, Default, PartialEq)]
pub struct HealthBody {
    /// The top-level `status` (or `state`), as written.
    pub status: Option<String>,
    /// Each dependency the body reports, with its status word.
    pub dependencies: BTreeMap<String, String>,
}

/// The status word of a value: a string, a boolean, or an object's `status`.
fn status_word(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(ok) => Some(if *ok { "up" } else { "down" }.to_owned()),
        Value::Object(map) => map
            .get("status")
            .or_else(|| map.get("state"))
            .or_else(|| map.get("healthy"))
            .and_then(status_word),
        _ => None,
    }
}

/// Dependency names reported at the top level of a body, beside `status`.
const DEPENDENCY_KEYS: &[&str] = &[
    "database",
    "db",
    "postgres",
    "postgresql",
    "mysql",
    "prisma",
    "redis",
    "cache",
    "queue",
    "mongo",
    "mongodb",
    "storage",
    "stripe",
    "email",
    "smtp",
];

/// Reads a health body: Terminus / `@nestjs/terminus` (`info`, `error`,
/// `details`), Spring-style `components`, `checks` / `dependencies` /
/// `services` as objects or as lists of `{name, status}`, and well-known
/// dependency names at the top level.
pub fn health_body(body: &[u8]) -> Option<HealthBody> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let object = json.as_object()?;
    let mut health = HealthBody {
        status: object
            .get("status")
            .or_else(|| object.get("state"))
            .and_then(status_word),
        dependencies: BTreeMap::new(),
    };
    for group in [
        "details",
        "info",
        "error",
        "components",
        "checks",
        "dependencies",
        "services",
    ] {
        match object.get(group) {
            Some(Value::Object(entries)) => {
                for (name, value) in entries {
                    if let Some(word) = status_word(value) {
                        health.dependencies.entry(name.clone()).or_insert(word);
                    }
                }
            }
            Some(Value::Array(entries)) => {
                for entry in entries {
                    let name = entry
                        .get("name")
                        .or_else(|| entry.get("id"))
                        .and_then(Value::as_str);
                    if let (Some(name), Some(word)) = (name, status_word(entry)) {
                        health.dependencies.entry(name.to_owned()).or_insert(word);
                    }
                }
            }
            _ => {}
        }
    }
    // `error` lists failing dependencies: their word wins over `details`.
    if let Some(Value::Object(failing)) = object.get("error") {
        for (name, value) in failing {
            let word = status_word(value).unwrap_or_else(|| "down".to_owned());
            health.dependencies.insert(name.clone(), word);
        }
    }
    for key in DEPENDENCY_KEYS {
        if let Some(word) = object.get(*key).and_then(status_word) {
            health.dependencies.entry((*key).to_owned()).or_insert(word);
        }
    }
    Some(health)
}

/// The security headers of one response.
#[derive(Debug, Default, PartialEq)]
pub struct SecurityHeaders {
    /// `max-age` of `Strict-Transport-Security`.
    pub hsts_max_age: Option<u64>,
    /// Whether HSTS covers subdomains.
    pub hsts_include_subdomains: bool,
    /// Whether an enforced `Content-Security-Policy` is sent.
    pub csp: bool,
    /// `X-Frame-Options: DENY|SAMEORIGIN` or CSP `frame-ancestors`.
    pub frame_protection: bool,
    /// `X-Content-Type-Options: nosniff`.
    pub nosniff: bool,
    /// `Referrer-Policy`, when sent.
    pub referrer_policy: Option<String>,
    /// `X-XSS-Protection`, when sent.
    pub xss_protection: Option<String>,
    /// `X-Powered-By`, when sent (it should not be).
    pub powered_by: Option<String>,
}

impl SecurityHeaders {
    /// Reads the headers of `response`.
    pub fn of(response: &HttpResponse) -> Self {
        let hsts = header(response, "strict-transport-security").unwrap_or_default();
        let directives: Vec<String> = hsts
            .split(';')
            .map(|d| d.trim().to_ascii_lowercase())
            .collect();
        let csp = header(response, "content-security-policy")
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let frame_options = header(response, "x-frame-options")
            .map(|v| v.trim().to_ascii_uppercase())
            .unwrap_or_default();
        SecurityHeaders {
            hsts_max_age: directives
                .iter()
                .find_map(|d| d.strip_prefix("max-age="))
                .and_then(|v| v.trim_matches('"').parse().ok()),
            hsts_include_subdomains: directives.iter().any(|d| d == "includesubdomains"),
            csp: csp.is_some(),
            frame_protection: frame_options == "DENY"
                || frame_options == "SAMEORIGIN"
                || csp.is_some_and(|v| v.to_ascii_lowercase().contains("frame-ancestors")),
            nosniff: header(response, "x-content-type-options")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff")),
            referrer_policy: header(response, "referrer-policy")
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty()),
            xss_protection: header(response, "x-xss-protection").map(|v| v.trim().to_owned()),
            powered_by: header(response, "x-powered-by").map(|v| v.trim().to_owned()),
        }
    }
}

/// What a CORS answer allows.
#[derive(Debug, Default, PartialEq)]
pub struct CorsAnswer {
    /// `Access-Control-Allow-Origin`.
    pub allow_origin: Option<String>,
    /// `Access-Control-Allow-Credentials: true`.
    pub credentials: bool,
}

impl CorsAnswer {
    /// Reads the CORS headers of `response`.
    pub fn of(response: &HttpResponse) -> Self {
        CorsAnswer {
            allow_origin: header(response, "access-control-allow-origin")
                .map(|v| v.trim().to_owned()),
            credentials: header(response, "access-control-allow-credentials")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
        }
    }

    /// Whether a browser page from `origin` may read the answer.
    pub fn allows(&self, origin: &str) -> bool {
        match self.allow_origin.as_deref() {
            Some("*") => !self.credentials,
            Some(allowed) => allowed.trim_end_matches('/') == origin.trim_end_matches('/'),
            None => false,
        }
    }

    /// Whether it says `*`.
    pub fn wildcard(&self) -> bool {
        self.allow_origin.as_deref() == Some("*")
    }
}

/// The nearest-rank percentile `p` (0–100) of `samples`.
pub fn percentile(samples: &[u32], p: u32) -> Option<u32> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

/// Whether `Retry-After` is a number of seconds or an HTTP date.
pub fn valid_retry_after(value: &str) -> bool {
    let value = value.trim();
    value.parse::<u64>().is_ok() || (value.len() > 20 && value.ends_with("GMT"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 200 answer with `headers` and no body, for the tests of the
    /// modules that judge answers.
    pub(crate) fn response(headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: Vec::new(),
            body_truncated: false,
            elapsed_ms: 1,
            redirects: Vec::new(),
        }
    }

    #[test]
    fn terminus_bodies_report_each_dependency_and_errors_win() {
        let body = br#"{"status":"error","info":{"database":{"status":"up"}},
            "error":{"redis":{"status":"down","message":"ECONNREFUSED"}},
            "details":{"database":{"status":"up"},"redis":{"status":"down"}}}"#;
        let health = health_body(body).unwrap();
        assert_eq!(health.status.as_deref(), Some("error"));
        assert_eq!(health.dependencies["database"], "up");
        assert_eq!(health.dependencies["redis"], "down");
    }

    #[test]
    fn flat_and_list_bodies_are_read_too() {
        let flat = health_body(br#"{"status":"ok","database":"connected","redis":true}"#).unwrap();
        assert_eq!(flat.dependencies["database"], "connected");
        assert_eq!(flat.dependencies["redis"], "up");
        let list =
            health_body(br#"{"status":"UP","checks":[{"name":"db","status":"DOWN"}]}"#).unwrap();
        assert!(is_healthy(list.status.as_deref().unwrap()));
        assert!(!is_healthy(&list.dependencies["db"]));
        assert_eq!(health_body(b"OK"), None);
    }

    #[test]
    fn helmet_defaults_pass_and_a_bare_express_fails() {
        let helmet = SecurityHeaders::of(&response(&[
            (
                "strict-transport-security",
                "max-age=31536000; includeSubDomains",
            ),
            (
                "content-security-policy",
                "default-src 'self';frame-ancestors 'self'",
            ),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-xss-protection", "0"),
        ]));
        assert_eq!(helmet.hsts_max_age, Some(31_536_000));
        assert!(helmet.hsts_include_subdomains && helmet.csp && helmet.frame_protection);
        assert!(helmet.nosniff && helmet.powered_by.is_none());
        let bare = SecurityHeaders::of(&response(&[("x-powered-by", "Express")]));
        assert_eq!(bare.hsts_max_age, None);
        assert!(!bare.csp && !bare.frame_protection && !bare.nosniff);
        assert_eq!(bare.powered_by.as_deref(), Some("Express"));
    }

    #[test]
    fn cors_wildcards_with_credentials_allow_nobody_and_reflection_allows_anyone() {
        let reflect = CorsAnswer::of(&response(&[
            ("access-control-allow-origin", "https://evil.example"),
            ("access-control-allow-credentials", "true"),
        ]));
        assert!(reflect.allows("https://evil.example"));
        let star = CorsAnswer::of(&response(&[("access-control-allow-origin", "*")]));
        assert!(star.allows("https://anyone.example") && star.wildcard());
        assert!(!CorsAnswer::of(&response(&[])).allows("https://app.example"));
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples = [30, 10, 20, 40, 100];
        assert_eq!(percentile(&samples, 50), Some(30));
        assert_eq!(percentile(&samples, 95), Some(100));
        assert_eq!(percentile(&[], 50), None);
        assert!(valid_retry_after("60") && valid_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"));
        assert!(!valid_retry_after("soon"));
    }
}
