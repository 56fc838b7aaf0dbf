//! # `http` — the deployed service, probed live
//!
//! ## What it checks
//! The running service at `base_url`, over the network, through the host's
//! `probe` interface (every request is checked against the pack's
//! `grants.hosts`, counted against `limits.probe_calls`, and can be
//! recorded with `--record` and replayed with `--replay`):
//! - **health**: the first of `health_paths` that answers (by default
//!   `/health`, `/healthz`, `/api/health`, `/api/v1/health`) must return
//!   2xx, with a healthy `status` when the body reports one; every
//!   dependency the body reports (Terminus `info`/`error`/`details`,
//!   `checks`, `components`, `dependencies`, or `database`/`redis`… at the
//!   top level) must be healthy. Readiness routes (`/ready`, `/readyz`,
//!   `/health/ready` by default) are read the same way when served;
//! - **security headers** on the health response: HSTS and its `max-age`,
//!   an enforced Content-Security-Policy, frame protection
//!   (`X-Frame-Options` or CSP `frame-ancestors`), `nosniff`,
//!   `Referrer-Policy`, `X-XSS-Protection`, and no `X-Powered-By`;
//! - **CORS**: a preflight and a plain request from a foreign origin must
//!   not be allowed; `*` must never come with credentials; each expected
//!   origin must be allowed;
//! - **TLS**: a handshake with the host: protocol, certificate chain and
//!   name valid against the system roots (plus `grants.ca_bundle` or
//!   `--ca-bundle`), days left before expiry;
//! - **plain HTTP**: `http_url` (by default `http://<host>/` when the base
//!   URL uses the default port) must redirect to `https://` or refuse the
//!   connection, not serve the API;
//! - **rate limiting**: a bounded burst of failed logins (at most
//!   `rate_limit_burst`, default 20) to the login route (`login_path`, or
//!   the first of `/auth/login`, `/api/auth/login`, `/api/v1/auth/login`,
//!   `/login`, `/api/login` that exists) must meet a 429, ideally with
//!   `Retry-After`. The login uses an address under `example.invalid`,
//!   which no account can have;
//! - **compression**: `Content-Encoding` or `Vary: Accept-Encoding` on the
//!   health route asked with `Accept-Encoding: gzip, br`;
//! - **latency**: p50 and p95 of `latency_samples` (default 5, at most 20)
//!   requests to the health route;
//! - **the edge**: a CDN or WAF in front of the service (Cloudflare,
//!   CloudFront, Fastly, Akamai, Vercel, Netlify, Azure Front Door, Google),
//!   told by the headers it adds to the health answer (`cf-ray`,
//!   `x-amz-cf-id`, `Via`…);
//! - **access without credentials**: the first protected route that exists
//!   (`protected_paths`, by default `/auth/me`, `/users/me`, `/me`,
//!   `/profile` under the usual prefixes) must refuse a request without
//!   credentials and one with a made-up bearer token (401, 403 or a
//!   redirect);
//! - **error answers**: an unknown route under the health route's prefix
//!   (`/api/v1/gonogo-probe-no-such-route`) must answer 404, a malformed
//!   JSON body posted there a 4xx and never a 5xx, and neither may carry a
//!   stack trace, a server path
//!   (`node_modules/`, `/app/src/`) or an ORM's error name.
//!
//! Without a base URL (`base_url`, or the variable named by
//! `base_url_env` unset) nothing is probed and `probed` is false: rules
//! about the live service are skipped, not guessed.
//!
//! ## Why it matters
//! The seed checklists end with the deployed service: "health check
//! returns 200", "HTTPS enforced", "CORS restricted", "security headers",
//! "test rate limiting (try > 5 login attempts)". Only the running service
//! can prove those.
//!
//! ## Example of a failing project
//! `/health` answers 500, CORS reflects any `Origin` with credentials, no
//! HSTS, `X-Powered-By: Express`, the certificate expires in ten days, and
//! twenty failed logins in a row never meet a 429.
//!
//! ## How to fix
//! Serve a health route that checks the database and Redis; use `helmet()`;
//! list the allowed origins in the CORS configuration; renew the
//! certificate automatically; rate-limit the auth routes.
//!
//! ## Facts it reports
//! `probed`, `base_url`, `reachable`, `error` (why the service could not be
//! reached); `health` (`path`, `status`, `reported_status`, `ok`),
//! `readiness` (same, or null), `dependencies` (name → status word),
//! `dependencies_ok`; `https`; `headers` (`hsts_max_age`,
//! `hsts_include_subdomains`, `csp`, `frame_protection`, `nosniff`,
//! `referrer_policy`, `xss_protection`, `powered_by`); `cors`
//! (`foreign_origin`, `foreign_origin_allowed`, `reflects_origin`,
//! `wildcard`, `wildcard_with_credentials`, `expected` (origin → allowed),
//! `expected_allowed`); `tls` (`protocol`, `subject`, `issuer`, `sans`,
//! `not_after`, `days_left`, `chain_valid`, `chain_error`, or `error`);
//! `plain_http` (`redirects`, `refused`, `served` or null); `login`
//! (`path`, `status`) or null; `rate_limit` (`probed`, `requests`,
//! `limited`, `limited_after`, `retry_after`); `compression` (`encoding`,
//! `vary_accept_encoding`, `enabled`); `latency` (`samples`, `p50_ms`,
//! `p95_ms`, `max_ms`); `unauthenticated` (`path`, `status`,
//! `with_made_up_token`, or null when no protected route answered); `edge` (`behind`, `provider` or null); `errors` (`not_found` and `malformed_json`: `path`,
//! `status`, `leaks`; null when no health route answered); `legal_pages`
//! (`site_url`, `privacy` and `terms`: each `url` or null, `inconclusive`
//! when the site answers every path with one page; null without a site
//! URL).
//!
//! ## Settings
//! - `base_url` (string) or `base_url_env` (the name of a granted variable
//!   holding it): the service's public URL.
//! - `health_paths`, `readiness_paths` (lists of paths, appended to the
//!   base URL): where to look.
//! - `login_path` (string), `login_body` (JSON text): the rate-limit probe.
//! - `expected_origins` (list) or `expected_origins_env` (a granted
//!   variable holding a comma-separated list, such as `CORS_ORIGIN`, or a
//!   list of such variables: the first one set is read).
//! - `foreign_origin` (default `https://gonogo-probe.invalid`).
//! - `http_url` or `http_url_env`: the plain-HTTP URL to test the redirect.
//! - `protected_paths` (list of paths): routes that need a signed-in user.
//! - `site_url` or `site_url_env`: the public website, where the privacy
//!   policy (`/privacy`, `/privacy-policy`, `/legal/privacy`) and the
//!   terms of service (`/terms`, `/terms-of-service`, `/tos`…) are looked
//!   for; probed even without a base URL.
//! - `rate_limit_burst` (1–100, default 20), `latency_samples` (1–20, default 5).
//!
//! ## Findings
//! - `not-configured` (skip): no base URL, nothing probed.
//! - `unreachable` (fail, critical): the health route could not be reached.
//! - `health-failing` (fail, critical), `dependency-down` (fail, high).
//! - `https-unavailable` (fail, critical), `tls-invalid` (fail, critical),
//!   `tls-expiring` (fail, high: under 30 days), `http-not-redirected` (fail, high).
//! - `hsts-missing` (fail, high), `csp-missing` (fail, medium),
//!   `frame-protection-missing` (fail, medium), `nosniff-missing` (fail, medium),
//!   `referrer-policy-missing` (warn, low), `powered-by-exposed` (fail, low).
//! - `cors-foreign-origin-allowed` (fail, high), `cors-wildcard-credentials`
//!   (fail, critical), `cors-expected-origin-refused` (fail, medium).
//! - `login-not-found` (warn, medium), `rate-limit-missing` (fail, high),
//!   `retry-after-missing` (warn, low).
//! - `compression-missing` (warn, low).
//! - `protected-route-open` (fail, critical): a protected route answers
//!   without credentials or with a made-up token;
//!   `protected-route-not-found` (warn, low): none was found to probe.
//! - `no-edge` (warn, low): no CDN or WAF answers in front of the service.
//! - `unknown-route-not-404` (fail, medium), `malformed-json-server-error`
//!   (fail, high), `error-leaks-internals` (fail, high).
//! - `privacy-policy-unpublished`, `terms-unpublished` (fail, medium): the
//!   page answers at none of its usual paths on the website (skip when the
//!   site answers every path with one page: a single-page app).

mod access;
mod client;
mod edge;
mod errors;
pub mod findings;
mod judge;
mod legal;
mod steps;

use client::{Answer, send};
use gonogo_check::probe::HttpResponse;
use gonogo_check::{Check, Finding, Info, Report, Severity, Value};
use serde::Deserialize;

const DEFAULT_HEALTH: &[&str] = &["/health", "/healthz", "/api/health", "/api/v1/health"];
const DEFAULT_READINESS: &[&str] = &["/ready", "/readyz", "/health/ready"];
const DEFAULT_LOGIN: &[&str] = &[
    "/auth/login",
    "/api/auth/login",
    "/api/v1/auth/login",
    "/login",
    "/api/login",
];
const DEFAULT_LOGIN_BODY: &str =
    r#"{"email":"gonogo-probe@example.invalid","password":"gonogo-probe-wrong-password"}"#;
const DEFAULT_FOREIGN_ORIGIN: &str = "https://gonogo-probe.invalid";
/// Days of certificate validity below which `tls-expiring` fails.
const MIN_DAYS_LEFT: i32 = 30;
/// HSTS `max-age` below which `hsts-missing` fails (180 days).
const MIN_HSTS_MAX_AGE: u64 = 15_552_000;
/// Expected origins probed at most.
const MAX_EXPECTED_ORIGINS: usize = 5;
const JSON: (&str, &str) = ("accept", "application/json");

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    base_url: Option<String>,
    base_url_env: Option<String>,
    health_paths: Option<Vec<String>>,
    readiness_paths: Option<Vec<String>>,
    login_path: Option<String>,
    login_body: Option<String>,
    expected_origins: Option<Vec<String>>,
    expected_origins_env: Option<VariableNames>,
    foreign_origin: Option<String>,
    http_url: Option<String>,
    http_url_env: Option<String>,
    protected_paths: Option<Vec<String>>,
    site_url: Option<String>,
    site_url_env: Option<String>,
    rate_limit_burst: Option<u32>,
    latency_samples: Option<u32>,
}

/// One variable name, or several of which the first one set is read.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum VariableNames {
    One(String),
    Several(Vec<String>),
}

impl VariableNames {
    /// The value of the first of these granted variables that is set.
    fn first_set(&self) -> Result<Option<String>, String> {
        let names = match self {
            VariableNames::One(name) => std::slice::from_ref(name),
            VariableNames::Several(names) => names.as_slice(),
        };
        for name in names {
            if let Some(value) = gonogo_check::granted_var(name)? {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }
}

/// A setting given directly or through a granted variable.
fn setting(direct: &Option<String>, variable: &Option<String>) -> Result<Option<String>, String> {
    if let Some(value) = direct {
        return Ok(Some(value.trim().to_owned()));
    }
    match variable {
        Some(name) => gonogo_check::granted_var(name),
        None => Ok(None),
    }
}

/// One probe run over the service at `base`.
struct Prober {
    base: url::Url,
    report: Report,
    /// The health route that answered, and its answer.
    health: Option<(String, HttpResponse)>,
    /// Dependencies the health and readiness routes report.
    dependencies: gonogo_check::Map<String, gonogo_check::Value>,
}

impl Prober {
    fn url(&self, path: &str) -> String {
        let base = self.base.as_str().trim_end_matches('/');
        format!("{base}/{}", path.trim_start_matches('/'))
    }

    fn fail(&mut self, id: &str, severity: Severity, message: String, fix: &str) {
        self.report
            .push(Finding::fail(id, severity, message).fix(fix));
    }

    /// The first path that is not a 404, with its answer; the first
    /// connection error stops the search (every path would fail alike).
    fn first_served(
        &self,
        paths: &[String],
        method: &str,
        body: Option<&str>,
    ) -> Option<(String, Answer)> {
        for path in paths {
            let headers: &[(&str, &str)] = match body {
                Some(_) => &[JSON, ("content-type", "application/json")],
                None => &[JSON],
            };
            let answer = send(method, &self.url(path), headers, body);
            match &answer {
                Ok(response) if response.status == 404 => continue,
                _ => return Some((path.clone(), answer)),
            }
        }
        None
    }
}

/// Paths from the settings, or the defaults.
fn paths(given: &Option<Vec<String>>, defaults: &[&str]) -> Vec<String> {
    given
        .clone()
        .unwrap_or_else(|| defaults.iter().map(|p| (*p).to_owned()).collect())
}

struct Http;

impl Check for Http {
    type Config = Config;
    const INFO: Info = Info {
        id: "http",
        name: "Live HTTP probes",
        version: env!("CARGO_PKG_VERSION"),
        description: "Probes the deployed service: health and dependencies, security headers, CORS, TLS, the HTTPS redirect, rate limiting on login, compression and latency.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let site = setting(&config.site_url, &config.site_url_env)?;
        let site_set = site.is_some();
        match site {
            Some(site) => {
                let site = url::Url::parse(&site)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                    .ok_or_else(|| format!("the site URL `{site}` is not an http(s) URL"))?;
                legal::legal_pages(&mut report, &site);
            }
            None => report.fact("legal_pages", Value::Null),
        }
        let Some(base) = setting(&config.base_url, &config.base_url_env)? else {
            report.fact("probed", false);
            let via = config
                .base_url_env
                .as_deref()
                .map(|name| format!(" (variable `{name}` is not set)"))
                .unwrap_or_default();
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                gonogo_check::Status::Skip,
                Severity::Info,
                format!(
                    "no base URL to probe{via}: live checks are skipped{}",
                    match (&config.site_url_env, site_set) {
                        (Some(name), false) =>
                            format!(", and no website (`{name}`) to look for the legal pages on"),
                        _ => String::new(),
                    }
                ),
            ));
            return Ok(report);
        };
        let base = url::Url::parse(&base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| format!("the base URL `{base}` is not an http(s) URL"))?;
        report.fact("probed", true);
        report.fact("base_url", base.as_str());
        let mut prober = Prober {
            base,
            report,
            health: None,
            dependencies: Default::default(),
        };
        probe_all(&mut prober, &config)?;
        Ok(prober.report)
    }
}

fn probe_all(prober: &mut Prober, config: &Config) -> Result<(), String> {
    if !steps::health(prober, config) {
        return Ok(());
    }
    steps::readiness(prober, config);
    steps::transport(prober, config)?;
    steps::headers(prober);
    edge::edge(prober);
    let login = steps::login(prober, config);
    steps::cors(prober, config, login.as_deref())?;
    if let Some(path) = login {
        steps::rate_limit(prober, config, &path);
    }
    steps::compression(prober);
    steps::latency(prober, config);
    errors::errors(prober);
    access::unauthenticated(prober, config);
    Ok(())
}

gonogo_check::export_check!(Http);
