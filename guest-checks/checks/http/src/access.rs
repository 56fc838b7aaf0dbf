//! Unauthenticated access: the first protected route that exists (by
//! default `/auth/me`, `/users/me`, `/profile`… under the usual prefixes, or
//! `protected_paths`) must refuse a request without credentials and one
//! with a made-up bearer token (401, 403, or a redirect to a login page).

use crate::client::send;
use crate::{Config, Prober, findings};
use gonogo_check::{Finding, Severity, Value, json};

/// Routes that serve the signed-in user, tried in order.
pub const DEFAULT_PROTECTED: &[&str] = &[
    "/auth/me",
    "/api/auth/me",
    "/api/v1/auth/me",
    "/users/me",
    "/api/users/me",
    "/api/v1/users/me",
    "/me",
    "/api/me",
    "/api/v1/me",
    "/profile",
    "/api/profile",
    "/auth/profile",
    "/api/auth/profile",
];

/// A token no service issued.
const MADE_UP_TOKEN: &str = "Bearer gonogo-probe-made-up-token";

/// Whether a status refuses the request: 401, 403, or a redirect (to a
/// login page).
fn refuses(status: u16) -> bool {
    matches!(status, 401 | 403) || (300..400).contains(&status)
}

/// Probes the first protected route that exists, without credentials and
/// with a made-up token.
pub fn unauthenticated(prober: &mut Prober, config: &Config) {
    let candidates: Vec<String> = config
        .protected_paths
        .clone()
        .unwrap_or_else(|| DEFAULT_PROTECTED.iter().map(|p| (*p).to_owned()).collect());
    let Some((path, answer)) = prober.first_served(&candidates, "GET", None) else {
        prober.report.fact("unauthenticated", Value::Null);
        prober.report.push(
            Finding::warn(
                findings::PROTECTED_ROUTE_NOT_FOUND,
                Severity::Low,
                format!(
                    "no protected route answered (tried {}): access without credentials not probed",
                    candidates.join(", ")
                ),
            )
            .fix("set `protected_paths` for the http check (a route that needs a signed-in user)"),
        );
        return;
    };
    let Ok(anonymous) = answer else {
        prober.report.fact("unauthenticated", Value::Null);
        return;
    };
    let with_token = send(
        "GET",
        &prober.url(&path),
        &[
            ("accept", "application/json"),
            ("authorization", MADE_UP_TOKEN),
        ],
        None,
    )
    .ok()
    .map(|r| r.status);
    for (how, status) in [
        ("without credentials", Some(anonymous.status)),
        ("with a made-up token", with_token),
    ] {
        if let Some(status) = status.filter(|s| !refuses(*s)) {
            prober.fail(
                findings::PROTECTED_ROUTE_OPEN,
                Severity::Critical,
                format!("GET {path} {how} answers {status}"),
                "guard the route: a missing or invalid token must answer 401",
            );
        }
    }
    prober.report.fact(
        "unauthenticated",
        json!({"path": path, "status": anonymous.status, "with_made_up_token": with_token}),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn refusals_are_401_403_and_redirects() {
        for status in [401, 403, 302, 307] {
            assert!(super::refuses(status), "{status}");
        }
        for status in [200, 204, 404, 500] {
            assert!(!super::refuses(status), "{status}");
        }
    }
}
