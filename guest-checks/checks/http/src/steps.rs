//! The probes of the `http` check, one function per aspect, each adding
//! its facts and findings to the report.

use crate::client::{get, header, send};
use crate::findings;
use crate::judge::{self, CorsAnswer, SecurityHeaders};
use crate::{
    Config, DEFAULT_FOREIGN_ORIGIN, DEFAULT_HEALTH, DEFAULT_LOGIN, DEFAULT_LOGIN_BODY,
    DEFAULT_READINESS, JSON, MAX_EXPECTED_ORIGINS, MIN_DAYS_LEFT, MIN_HSTS_MAX_AGE, Prober, paths,
    setting,
};
use gonogo_check::describe_probe_error as describe_error;
use gonogo_check::probe::{self, HttpResponse};
use gonogo_check::{Finding, Map, Severity, Value, json};

/// The facts of a health or readiness answer, and whether it is healthy.
fn judge_health(path: &str, response: &HttpResponse) -> (Value, bool, Map<String, Value>) {
    let body = judge::health_body(&response.body);
    let reported = body.as_ref().and_then(|b| b.status.clone());
    let ok =
        (200..300).contains(&response.status) && reported.as_deref().is_none_or(judge::is_healthy);
    let dependencies: Map<String, Value> = body
        .map(|b| {
            b.dependencies
                .into_iter()
                .map(|(name, word)| (name, Value::from(word)))
                .collect()
        })
        .unwrap_or_default();
    let facts = json!({
        "path": path,
        "status": response.status,
        "reported_status": reported,
        "ok": ok,
    });
    (facts, ok, dependencies)
}

/// Health: finds the route, judges it and the dependencies it reports.
/// False when the service could not be reached at all.
pub fn health(prober: &mut Prober, config: &Config) -> bool {
    let candidates = paths(&config.health_paths, DEFAULT_HEALTH);
    let found = prober.first_served(&candidates, "GET", None);
    let (path, response) = match found {
        Some((path, Ok(response))) => (path, response),
        Some((path, Err(error))) => {
            prober.report.fact("reachable", false);
            prober.report.fact("error", error.clone());
            prober.fail(
                findings::UNREACHABLE,
                Severity::Critical,
                format!("GET {} failed: {error}", prober.url(&path)),
                "check the URL, DNS, the certificate and that the service is up",
            );
            return false;
        }
        None => {
            prober.report.fact("reachable", true);
            prober.report.fact("health", Value::Null);
            record_dependencies(prober, Map::new());
            prober.fail(
                findings::HEALTH_FAILING,
                Severity::Critical,
                format!("no health route answered (tried {})", candidates.join(", ")),
                "serve `GET /health` returning 200 and `{\"status\":\"ok\"}`, or set `health_paths`",
            );
            return true;
        }
    };
    prober.report.fact("reachable", true);
    let (facts, ok, dependencies) = judge_health(&path, &response);
    prober.report.fact("health", facts);
    if ok {
        prober.report.push(Finding::pass(
            findings::HEALTH_FAILING,
            format!("GET {path} is healthy"),
        ));
    } else {
        prober.fail(
            findings::HEALTH_FAILING,
            Severity::Critical,
            format!("GET {path} answered {} and is not healthy", response.status),
            "make the health route return 2xx with a healthy status",
        );
    }
    record_dependencies(prober, dependencies);
    prober.health = Some((path, response));
    true
}

/// Readiness routes, when served: judged like health, dependencies merged.
pub fn readiness(prober: &mut Prober, config: &Config) {
    let candidates = paths(&config.readiness_paths, DEFAULT_READINESS);
    match prober.first_served(&candidates, "GET", None) {
        Some((path, Ok(response))) => {
            let (facts, ok, dependencies) = judge_health(&path, &response);
            prober.report.fact("readiness", facts);
            if !ok {
                prober.fail(
                    findings::HEALTH_FAILING,
                    Severity::Critical,
                    format!("GET {path} answered {} and is not ready", response.status),
                    "make the readiness route return 2xx once the database and Redis are reachable",
                );
            }
            record_dependencies(prober, dependencies);
        }
        _ => prober.report.fact("readiness", Value::Null),
    }
}

fn record_dependencies(prober: &mut Prober, found: Map<String, Value>) {
    for (name, word) in found {
        let healthy = word.as_str().is_some_and(judge::is_healthy);
        if !healthy {
            prober.fail(
                findings::DEPENDENCY_DOWN,
                Severity::High,
                format!(
                    "the service reports `{name}` as `{}`",
                    word.as_str().unwrap_or("?")
                ),
                "restore the dependency, or fix the service's connection settings",
            );
        }
        prober.dependencies.insert(name, word);
    }
    let all = prober.dependencies.clone();
    let ok = all
        .values()
        .all(|w| w.as_str().is_some_and(judge::is_healthy));
    prober.report.fact("dependencies_ok", ok);
    prober.report.fact("dependencies", Value::Object(all));
}

/// HTTPS, the certificate, and what plain HTTP does.
pub fn transport(prober: &mut Prober, config: &Config) -> Result<(), String> {
    let https = prober.base.scheme() == "https";
    prober.report.fact("https", https);
    if !https {
        prober.fail(
            findings::HTTPS_UNAVAILABLE,
            Severity::Critical,
            format!("the service is probed over plain HTTP ({})", prober.base),
            "serve the API over HTTPS (TLS at the load balancer or proxy) and probe the https URL",
        );
        prober.report.fact("tls", Value::Null);
    } else {
        tls(prober);
    }
    let http_url = setting(&config.http_url, &config.http_url_env)?.or_else(|| {
        (https && prober.base.port().is_none()).then(|| {
            let mut plain = prober.base.clone();
            let _ = plain.set_scheme("http");
            plain.to_string()
        })
    });
    let Some(http_url) = http_url else {
        prober.report.fact("plain_http", Value::Null);
        return Ok(());
    };
    let outcome = match get(&http_url, &[]) {
        Ok(response)
            if (300..400).contains(&response.status)
                && header(&response, "location").is_some_and(|l| l.starts_with("https://")) =>
        {
            "redirects"
        }
        Ok(response) => {
            prober.fail(
                findings::HTTP_NOT_REDIRECTED,
                Severity::High,
                format!(
                    "plain HTTP is served: GET {http_url} answered {} instead of redirecting to https",
                    response.status
                ),
                "redirect every plain-HTTP request to https (301/308) at the proxy or load balancer",
            );
            "served"
        }
        Err(error) if error.starts_with("connection failed") => "refused",
        Err(_) => {
            prober.report.fact("plain_http", Value::Null);
            return Ok(());
        }
    };
    prober.report.fact("plain_http", outcome);
    Ok(())
}

fn tls(prober: &mut Prober) {
    let host = prober.base.host_str().unwrap_or_default().to_owned();
    let port = prober.base.port_or_known_default().unwrap_or(443);
    match probe::tls(&host, port) {
        Ok(info) => {
            if !info.chain_valid {
                prober.fail(
                    findings::TLS_INVALID,
                    Severity::Critical,
                    format!(
                        "the certificate of {host} does not verify: {}",
                        info.chain_error.as_deref().unwrap_or("unknown reason")
                    ),
                    "serve a certificate for this host from a trusted CA, with its intermediates",
                );
            }
            if info.days_left < MIN_DAYS_LEFT {
                prober.fail(
                    findings::TLS_EXPIRING,
                    Severity::High,
                    format!(
                        "the certificate of {host} expires in {} days ({})",
                        info.days_left, info.not_after
                    ),
                    "renew the certificate, and automate renewal (ACME) with an expiry alert",
                );
            }
            prober.report.fact(
                "tls",
                json!({
                    "protocol": info.protocol,
                    "subject": info.subject,
                    "issuer": info.issuer,
                    "sans": info.sans,
                    "not_after": info.not_after,
                    "days_left": info.days_left,
                    "chain_valid": info.chain_valid,
                    "chain_error": info.chain_error,
                }),
            );
        }
        Err(error) => {
            let error = describe_error(&error);
            prober.fail(
                findings::TLS_INVALID,
                Severity::Critical,
                format!("no TLS handshake with {host}:{port}: {error}"),
                "serve TLS 1.2 or 1.3 with a valid certificate",
            );
            prober.report.fact("tls", json!({ "error": error }));
        }
    }
}

/// Security headers of the health answer.
pub fn headers(prober: &mut Prober) {
    let Some((path, response)) = &prober.health else {
        return;
    };
    let path = path.clone();
    let found = SecurityHeaders::of(response);
    let checks: [(bool, &str, Severity, &str, &str); 5] = [
        (
            found
                .hsts_max_age
                .is_some_and(|age| age >= MIN_HSTS_MAX_AGE),
            findings::HSTS_MISSING,
            Severity::High,
            "Strict-Transport-Security with max-age of at least 180 days",
            "send `Strict-Transport-Security: max-age=31536000; includeSubDomains` (helmet does)",
        ),
        (
            found.csp,
            findings::CSP_MISSING,
            Severity::Medium,
            "an enforced Content-Security-Policy",
            "send a Content-Security-Policy (helmet's default suits an API)",
        ),
        (
            found.frame_protection,
            findings::FRAME_PROTECTION_MISSING,
            Severity::Medium,
            "X-Frame-Options or CSP frame-ancestors",
            "send `X-Frame-Options: DENY` or CSP `frame-ancestors 'none'`",
        ),
        (
            found.nosniff,
            findings::NOSNIFF_MISSING,
            Severity::Medium,
            "X-Content-Type-Options: nosniff",
            "send `X-Content-Type-Options: nosniff`",
        ),
        (
            found.powered_by.is_none(),
            findings::POWERED_BY_EXPOSED,
            Severity::Low,
            "no X-Powered-By",
            "remove `X-Powered-By` (`app.disable('x-powered-by')`, or helmet)",
        ),
    ];
    for (ok, id, severity, what, fix) in checks {
        if !ok {
            prober.fail(id, severity, format!("GET {path} lacks {what}"), fix);
        }
    }
    if found.referrer_policy.is_none() {
        prober.report.push(
            Finding::warn(
                findings::REFERRER_POLICY_MISSING,
                Severity::Low,
                format!("GET {path} sends no Referrer-Policy"),
            )
            .fix("send `Referrer-Policy: no-referrer` (helmet does)"),
        );
    }
    prober.report.fact(
        "headers",
        json!({
            "hsts_max_age": found.hsts_max_age,
            "hsts_include_subdomains": found.hsts_include_subdomains,
            "csp": found.csp,
            "frame_protection": found.frame_protection,
            "nosniff": found.nosniff,
            "referrer_policy": found.referrer_policy,
            "xss_protection": found.xss_protection,
            "powered_by": found.powered_by,
        }),
    );
}

/// The login route: configured, or the first default that exists.
pub fn login(prober: &mut Prober, config: &Config) -> Option<String> {
    let candidates = match &config.login_path {
        Some(path) => vec![path.clone()],
        None => DEFAULT_LOGIN.iter().map(|p| (*p).to_owned()).collect(),
    };
    let body = config.login_body.as_deref().unwrap_or(DEFAULT_LOGIN_BODY);
    match prober.first_served(&candidates, "POST", Some(body)) {
        Some((path, Ok(response))) => {
            prober
                .report
                .fact("login", json!({ "path": path, "status": response.status }));
            if response.status == 429 {
                // Already limited: the burst would learn nothing more.
                prober.report.fact(
                    "rate_limit",
                    json!({ "probed": true, "requests": 1, "limited": true, "limited_after": 1,
                            "retry_after": header(&response, "retry-after").is_some_and(judge::valid_retry_after) }),
                );
                return None;
            }
            Some(path)
        }
        other => {
            prober.report.fact("login", Value::Null);
            let why = match other {
                Some((path, Err(error))) => format!("POST {path} failed: {error}"),
                _ => format!("no login route answered (tried {})", candidates.join(", ")),
            };
            prober.report.fact(
                "rate_limit",
                json!({ "probed": false, "reason": why.clone() }),
            );
            prober.report.push(
                Finding::warn(
                    findings::LOGIN_NOT_FOUND,
                    Severity::Medium,
                    format!("{why}: rate limiting not probed"),
                )
                .fix("set `login_path` (and `login_body`) for the http check"),
            );
            None
        }
    }
}

/// CORS from a foreign origin and from each expected origin.
pub fn cors(prober: &mut Prober, config: &Config, login: Option<&str>) -> Result<(), String> {
    let Some(health_path) = prober.health.as_ref().map(|(p, _)| p.clone()) else {
        prober.report.fact("cors", Value::Null);
        return Ok(());
    };
    let target = prober.url(login.unwrap_or(&health_path));
    let foreign = config
        .foreign_origin
        .clone()
        .unwrap_or_else(|| DEFAULT_FOREIGN_ORIGIN.to_owned());
    let preflight = |origin: &str| {
        send(
            "OPTIONS",
            &target,
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "content-type,authorization",
                ),
            ],
            None,
        )
        .map(|r| CorsAnswer::of(&r))
        .unwrap_or_default()
    };
    let foreign_preflight = preflight(&foreign);
    let foreign_simple = get(&prober.url(&health_path), &[("origin", &foreign)])
        .map(|r| CorsAnswer::of(&r))
        .unwrap_or_default();
    let answers = [&foreign_preflight, &foreign_simple];
    let allowed = answers.iter().any(|a| a.allows(&foreign));
    let reflects = answers
        .iter()
        .any(|a| a.allow_origin.as_deref() == Some(foreign.as_str()));
    let wildcard = answers.iter().any(|a| a.wildcard());
    let wildcard_credentials = answers.iter().any(|a| a.wildcard() && a.credentials)
        || (reflects && answers.iter().any(|a| a.credentials));
    if allowed {
        prober.fail(
            findings::CORS_FOREIGN_ORIGIN_ALLOWED,
            Severity::High,
            format!(
                "a request from the foreign origin {foreign} is allowed ({})",
                if reflects {
                    "the origin is reflected"
                } else {
                    "`*`"
                }
            ),
            "list the allowed origins in the CORS configuration instead of reflecting or `*`",
        );
    }
    if wildcard_credentials {
        prober.fail(
            findings::CORS_WILDCARD_CREDENTIALS,
            Severity::Critical,
            "any origin is allowed together with credentials (cookies, authorization)".into(),
            "never combine credentials with `*` or a reflected origin: list the allowed origins",
        );
    }
    let expected: Vec<String> = match &config.expected_origins {
        Some(list) => list.clone(),
        None => match &config.expected_origins_env {
            Some(names) => names.first_set()?,
            None => None,
        }
        .map(|v| {
            v.split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty() && o != "*")
                .collect()
        })
        .unwrap_or_default(),
    };
    let mut expected_facts = Map::new();
    for origin in expected.iter().take(MAX_EXPECTED_ORIGINS) {
        let ok = preflight(origin).allows(origin);
        if !ok {
            prober.fail(
                findings::CORS_EXPECTED_ORIGIN_REFUSED,
                Severity::Medium,
                format!("a preflight from the expected origin {origin} is not allowed"),
                "add the origin to the CORS configuration",
            );
        }
        expected_facts.insert(origin.clone(), Value::Bool(ok));
    }
    let expected_allowed = if expected_facts.is_empty() {
        Value::Null
    } else {
        Value::Bool(expected_facts.values().all(|v| v == &Value::Bool(true)))
    };
    prober.report.fact(
        "cors",
        json!({
            "foreign_origin": foreign,
            "foreign_origin_allowed": allowed,
            "reflects_origin": reflects,
            "wildcard": wildcard,
            "wildcard_with_credentials": wildcard_credentials,
            "expected": expected_facts,
            "expected_allowed": expected_allowed,
        }),
    );
    Ok(())
}

/// A bounded burst of failed logins must meet a 429.
pub fn rate_limit(prober: &mut Prober, config: &Config, path: &str) {
    let burst = config.rate_limit_burst.unwrap_or(20).clamp(1, 100);
    let body = config.login_body.as_deref().unwrap_or(DEFAULT_LOGIN_BODY);
    let url = prober.url(path);
    // The discovery request was the first attempt.
    let mut requests = 1;
    let mut limited: Option<HttpResponse> = None;
    let mut error = None;
    while requests < burst {
        requests += 1;
        match send(
            "POST",
            &url,
            &[JSON, ("content-type", "application/json")],
            Some(body),
        ) {
            Ok(response) if response.status == 429 => {
                limited = Some(response);
                break;
            }
            Ok(_) => {}
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let retry_after = limited
        .as_ref()
        .and_then(|r| header(r, "retry-after"))
        .is_some_and(judge::valid_retry_after);
    match (&limited, &error) {
        (Some(_), _) if !retry_after => prober.report.push(
            Finding::warn(
                findings::RETRY_AFTER_MISSING,
                Severity::Low,
                format!("POST {path} is limited after {requests} attempts, without Retry-After"),
            )
            .fix("send `Retry-After` with 429 answers (express-rate-limit: `standardHeaders: true`)"),
        ),
        (Some(_), _) => prober.report.push(Finding::pass(
            findings::RATE_LIMIT_MISSING,
            format!("POST {path} is limited after {requests} attempts"),
        )),
        (None, Some(e)) => prober.fail(
            findings::RATE_LIMIT_MISSING,
            Severity::High,
            format!("the login burst stopped after {requests} requests without a 429: {e}"),
            "rate-limit the auth routes (5–10 attempts per window)",
        ),
        (None, None) => prober.fail(
            findings::RATE_LIMIT_MISSING,
            Severity::High,
            format!("{requests} failed logins in a row to POST {path} never met a 429"),
            "rate-limit the auth routes (5–10 attempts per window), e.g. express-rate-limit or @nestjs/throttler",
        ),
    }
    prober.report.fact(
        "rate_limit",
        json!({
            "probed": true,
            "path": path,
            "requests": requests,
            "limited": limited.is_some(),
            "limited_after": limited.as_ref().map(|_| requests),
            "retry_after": retry_after,
        }),
    );
}

/// Compression offered on the health route.
pub fn compression(prober: &mut Prober) {
    let Some(path) = prober.health.as_ref().map(|(p, _)| p.clone()) else {
        return;
    };
    let Ok(response) = get(&prober.url(&path), &[("accept-encoding", "gzip, br")]) else {
        prober.report.fact("compression", Value::Null);
        return;
    };
    let encoding = header(&response, "content-encoding")
        .map(str::trim)
        .filter(|e| !e.eq_ignore_ascii_case("identity"))
        .map(str::to_owned);
    let vary = header(&response, "vary")
        .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding"));
    let enabled = encoding.is_some() || vary;
    if !enabled {
        prober.report.push(
            Finding::warn(
                findings::COMPRESSION_MISSING,
                Severity::Low,
                format!("GET {path} offers no compression (no Content-Encoding, no Vary: Accept-Encoding)"),
            )
            .fix("enable gzip/brotli at the proxy or with the `compression` middleware"),
        );
    }
    prober.report.fact(
        "compression",
        json!({ "encoding": encoding, "vary_accept_encoding": vary, "enabled": enabled }),
    );
}

/// p50 / p95 of a few health requests.
pub fn latency(prober: &mut Prober, config: &Config) {
    let Some(path) = prober.health.as_ref().map(|(p, _)| p.clone()) else {
        return;
    };
    let count = config.latency_samples.unwrap_or(5).clamp(1, 20);
    let url = prober.url(&path);
    let samples: Vec<u32> = (0..count)
        .filter_map(|_| get(&url, &[JSON]).ok().map(|r| r.elapsed_ms))
        .collect();
    prober.report.fact(
        "latency",
        json!({
            "path": path,
            "samples": samples.len(),
            "p50_ms": judge::percentile(&samples, 50),
            "p95_ms": judge::percentile(&samples, 95),
            "max_ms": samples.iter().max(),
        }),
    );
}
