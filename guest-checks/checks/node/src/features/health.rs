//! Health and readiness routes.

use super::Sink;
use crate::findings;
use crate::scan::{self, Call};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::Kind;
use gonogo_check::{Finding, Severity, Value, json};
use std::collections::BTreeSet;

const HEALTH_WORDS: &[&str] = &[
    "health",
    "healthz",
    "livez",
    "readyz",
    "ready",
    "readiness",
    "liveness",
    "ping",
    "alive",
    "healthcheck",
];

/// Whether a route path is a health route: after an optional `api` and
/// version prefix, its first segment is a health word (`/api/v1/health`,
/// `/healthz`, `/health/ready`; not `/orders/:id/status`).
pub(super) fn is_health_path(path: &str) -> bool {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    while segments.peek().is_some_and(|s| {
        *s == "api"
            || (s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit()) && s.len() > 1)
    }) {
        segments.next();
    }
    // `health-check`, `health_check`, `status-health` are one word.
    segments.next().is_some_and(|first| {
        let word: String = first
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .collect();
        HEALTH_WORDS.contains(&word.as_str())
    })
}

/// Health and readiness routes.
pub fn health(modules: &[Module], routes: &[Vec<(String, Call<'_>)>], sink: &mut Sink) -> Value {
    let mut paths: BTreeSet<String> = BTreeSet::new();
    let mut dependency_checks = false;
    for (module, routes) in modules.iter().zip(routes) {
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        let mut here = false;
        for (path, call) in routes {
            let name = call.tokens()[call.name_index].text.as_str();
            if name == "use" || name == "Controller" {
                continue;
            }
            let full = scan::join_route(&prefix, path);
            if is_health_path(&full) {
                paths.insert(full);
                here = true;
            }
        }
        // `@Controller('health')` with a bare `@Get()`.
        if HEALTH_WORDS.contains(&prefix.trim_matches('/')) {
            let bare_get = module.tokens.windows(4).any(|w| {
                w[0].is_punct("@")
                    && w[1].is_ident("Get")
                    && w[2].is_punct("(")
                    && w[3].is_punct(")")
            });
            if bare_get {
                paths.insert(scan::join_route(&prefix, ""));
                here = true;
            }
        }
        if here {
            dependency_checks |= module.tokens.iter().any(|t| {
                (t.kind == Kind::Ident
                    && (t.text.ends_with("HealthIndicator")
                        || matches!(
                            t.text.as_str(),
                            "pingCheck" | "$queryRaw" | "ping" | "$executeRaw" | "authenticate"
                        )))
                    || (t.kind == Kind::Str && t.text.to_ascii_uppercase().contains("SELECT 1"))
            });
        }
    }
    let readiness = paths
        .iter()
        .any(|p| p.contains("ready") || p.contains("readiness"));
    if paths.is_empty() {
        sink.push(
            Finding::fail(
                findings::HEALTH_ROUTE_MISSING,
                Severity::High,
                "no health route (`/health`, `/healthz`…) is served",
            )
            .fix("serve `GET /health` returning 200 and `{ \"status\": \"ok\" }`"),
            None,
        );
    } else if !readiness {
        sink.push(
            Finding::warn(
                findings::READINESS_ROUTE_MISSING,
                Severity::Low,
                "no readiness route checks dependencies",
            )
            .fix("serve `GET /health/ready` that checks the database and Redis"),
            None,
        );
    }
    json!({"paths": paths, "readiness": readiness, "dependency_checks": dependency_checks})
}
