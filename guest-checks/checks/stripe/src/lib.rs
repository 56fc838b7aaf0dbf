//! # `stripe` — will Stripe reach the production service
//!
//! ## What it checks
//! The Stripe account behind the production secret key (`STRIPE_SECRET_KEY`,
//! a secret grant), through the Stripe API (`https://api.stripe.com/v1`)
//! and the host's `probe` interface:
//! - the key is a **live-mode** key (`sk_live_`/`rk_live_`; a test key means
//!   production takes no real payment);
//! - an **enabled webhook endpoint** (`GET /v1/webhook_endpoints`, every
//!   page) points at the production host (the host of `GONOGO_BASE_URL`);
//! - it sends **the events the code handles**: the Stripe event types
//!   (`checkout.session.completed`, `invoice.paid`…) written as strings in
//!   the project's source files that use Stripe (`*` sends them all);
//! - a **live payment succeeded** in the last 30 days (`GET /v1/charges`),
//!   which is what "payment processing working" can be told by.
//!
//! Without a key or without the production URL nothing is asked and
//! `configured` is false. An API error (a bad key, 5xx, an answer cut
//! short, a long rate limit) is an `error` finding with Stripe's message,
//! never a pass. The key is redacted by the host from every output and
//! recording.
//!
//! ## Why it matters
//! A webhook endpoint left on a staging URL, or one that does not send
//! `invoice.payment_failed`, loses subscriptions silently: the code is
//! right and never called.
//!
//! ## Example of a failing project
//! The only live endpoint is `https://staging.shop.example/webhooks/stripe`,
//! and the code handles `customer.subscription.deleted`, which it does not
//! send.
//!
//! ## How to fix
//! Add a live-mode endpoint on the production URL with every event the
//! handler switches on (Dashboard → Developers → Webhooks).
//!
//! ## Facts it reports
//! `configured`, `live`, `host`; `endpoints` (`url`, `status`, `events`);
//! `webhook` (an enabled endpoint on the host), `handled_events` (in the
//! code), `missing_events` (handled, not sent); `recent_payment`,
//! `charges_30d` (succeeded live charges, counted up to 500).
//!
//! ## Settings
//! - `key_env` (default `STRIPE_SECRET_KEY`), `base_url_env` (default
//!   `GONOGO_BASE_URL`), `api_url_env` (a variable holding another API
//!   base URL).
//!
//! ## Enable it
//! The starter pack (`builtin:production-readiness`) declares this check;
//! it asks the provider when the deployment's environment sets the
//! variables (`--env-file`, or the CI's secrets):
//! `STRIPE_SECRET_KEY` (secret: redacted from every
//! output and recording), and `GONOGO_BASE_URL`, `STRIPE_API_URL`.
//! A pack of your own declares it the same way:
//!
//! ```yaml
//! checks:
//!   stripe:
//!     use: builtin:stripe
//!     with:
//!       api_url_env: STRIPE_API_URL
//!     grants:
//!       env: [STRIPE_SECRET_KEY]
//!       public_env: [GONOGO_BASE_URL, STRIPE_API_URL]
//!       hosts: [api.stripe.com, "env:STRIPE_API_URL"]
//! ```
//!
//! ## Findings
//! - `not-configured` (skip): no key or no production URL.
//! - `api-error` (error): the Stripe API could not be asked.
//! - `test-mode` (fail, critical): a test-mode key.
//! - `webhook-missing` (fail, critical): no enabled endpoint on the production host.
//! - `events-missing` (fail, high): events the code handles are not sent.
//! - `no-recent-payment` (fail, medium): no live payment succeeded in 30 days.

pub mod events;
pub mod findings;

use gonogo_check::api::{Api, ApiError};
use gonogo_check::{Check, Finding, Info, Report, Severity, Status, Value, json};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    key_env: Option<String>,
    base_url_env: Option<String>,
    api_url_env: Option<String>,
}

/// Stripe's API.
pub const API: &str = "https://api.stripe.com";
/// Pages of a listing followed at most.
const MAX_PAGES: usize = 5;

fn var(name: &Option<String>, default: &str) -> Result<Option<String>, String> {
    gonogo_check::granted_var(name.as_deref().unwrap_or(default))
}

/// The host of a URL, lowercase.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Every item of a Stripe list (`has_more`, `starting_after`).
fn list(api: &Api, path: &str) -> Result<Vec<Value>, ApiError> {
    let mut items: Vec<Value> = Vec::new();
    for _ in 0..MAX_PAGES {
        let page = match items
            .last()
            .and_then(|i| i.get("id"))
            .and_then(Value::as_str)
        {
            Some(last) => format!("{path}&starting_after={last}"),
            None => path.to_owned(),
        };
        let value = api.get(&page)?;
        let data = value
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::Malformed(format!("{page}: no `data` list")))?;
        items.extend(data.iter().cloned());
        if value.get("has_more").and_then(Value::as_bool) != Some(true) || data.is_empty() {
            return Ok(items);
        }
    }
    Ok(items)
}

struct Stripe;

impl Check for Stripe {
    type Config = Config;
    const INFO: Info = Info {
        id: "stripe",
        name: "Stripe",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks Stripe whether a live webhook endpoint points at production with the events the code handles, and whether live payments succeed.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let key = var(&config.key_env, "STRIPE_SECRET_KEY")?;
        let host = var(&config.base_url_env, "GONOGO_BASE_URL")?.and_then(|u| host_of(&u));
        let (Some(key), Some(host)) = (key, host) else {
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                Status::Skip,
                Severity::Info,
                "Stripe was not asked: the secret key and the production URL are needed (STRIPE_SECRET_KEY, GONOGO_BASE_URL)",
            ));
            report.fact("configured", false);
            return Ok(report);
        };
        report.fact("configured", true);
        report.fact("host", host.as_str());
        let live = key.starts_with("sk_live_") || key.starts_with("rk_live_");
        report.fact("live", live);
        if !live {
            report.push(
                Finding::fail(
                    findings::TEST_MODE,
                    Severity::Critical,
                    "STRIPE_SECRET_KEY is not a live-mode key: production would take no real payment",
                )
                .fix("use the live secret key (sk_live_…) in production"),
            );
            return Ok(report);
        }
        report.push(Finding::pass(
            findings::TEST_MODE,
            "STRIPE_SECRET_KEY is a live-mode key",
        ));
        let base = match &config.api_url_env {
            Some(name) => gonogo_check::granted_var(name)?.unwrap_or_else(|| API.to_owned()),
            None => API.to_owned(),
        };
        let api = Api::new(
            &base,
            vec![("authorization".into(), format!("Bearer {key}"))],
        );
        let endpoints = match list(&api, "/v1/webhook_endpoints?limit=100") {
            Ok(endpoints) => endpoints,
            Err(error) => {
                report.push(
                    Finding::error(findings::API_ERROR, format!("Stripe could not be asked: {error}"))
                        .fix("check the key (a restricted key needs `webhook_endpoints` and `charges` read) and `grants.hosts`"),
                );
                return Ok(report);
            }
        };
        let handled = events::handled();
        webhooks(&mut report, &host, &endpoints, &handled);
        payments(&mut report, &api);
        Ok(report)
    }
}

/// Judges the webhook endpoints against the host and the handled events.
pub fn webhooks(report: &mut Report, host: &str, endpoints: &[Value], handled: &[String]) {
    let on_host: Vec<&Value> = endpoints
        .iter()
        .filter(|e| e.get("status").and_then(Value::as_str) == Some("enabled"))
        .filter(|e| {
            e.get("url")
                .and_then(Value::as_str)
                .and_then(host_of)
                .as_deref()
                == Some(host)
        })
        .collect();
    report.fact(
        "endpoints",
        endpoints
            .iter()
            .map(|e| {
                json!({
                    "url": e.get("url"),
                    "status": e.get("status"),
                    "events": e.get("enabled_events").and_then(Value::as_array).map_or(0, Vec::len),
                })
            })
            .collect::<Vec<Value>>(),
    );
    report.fact("webhook", !on_host.is_empty());
    report.fact("handled_events", json!(handled));
    if on_host.is_empty() {
        report.push(
            Finding::fail(
                findings::WEBHOOK_MISSING,
                Severity::Critical,
                format!(
                    "no enabled live webhook endpoint points at {host} ({} endpoint(s) elsewhere)",
                    endpoints.len()
                ),
            )
            .fix(format!(
                "add a live-mode endpoint on https://{host}/… for the events the handler reads"
            )),
        );
        report.fact("missing_events", Value::Null);
        return;
    }
    report.push(Finding::pass(
        findings::WEBHOOK_MISSING,
        format!("a live webhook endpoint points at {host}"),
    ));
    let sent: Vec<&str> = on_host
        .iter()
        .flat_map(|e| {
            e.get("enabled_events")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_str)
        .collect();
    let missing: Vec<&String> = if sent.contains(&"*") {
        Vec::new()
    } else {
        handled
            .iter()
            .filter(|h| !sent.contains(&h.as_str()))
            .collect()
    };
    report.fact("missing_events", json!(missing));
    if missing.is_empty() {
        report.push(Finding::pass(
            findings::EVENTS_MISSING,
            format!(
                "the endpoint sends the {} event type(s) the code handles",
                handled.len()
            ),
        ));
    } else {
        report.push(
            Finding::fail(
                findings::EVENTS_MISSING,
                Severity::High,
                format!(
                    "the code handles {}, which the endpoint on {host} does not send",
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .fix("add those events to the endpoint"),
        );
    }
}

/// Whether a live payment succeeded in the last 30 days.
fn payments(report: &mut Report, api: &Api) {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_sub(30 * 86_400);
    // Whole days, so that a recording made today replays today.
    let since = since - since % 86_400;
    match list(
        api,
        &format!("/v1/charges?limit=100&created%5Bgte%5D={since}"),
    ) {
        Ok(charges) => {
            let succeeded = charges
                .iter()
                .filter(|c| c.get("status").and_then(Value::as_str) == Some("succeeded"))
                .filter(|c| c.get("livemode").and_then(Value::as_bool) == Some(true))
                .count();
            report.fact("charges_30d", succeeded);
            report.fact("recent_payment", succeeded > 0);
            if succeeded > 0 {
                report.push(Finding::pass(
                    findings::NO_RECENT_PAYMENT,
                    format!("{succeeded} live payment(s) succeeded in the last 30 days"),
                ));
            } else {
                report.push(
                    Finding::fail(
                        findings::NO_RECENT_PAYMENT,
                        Severity::Medium,
                        "no live payment succeeded in the last 30 days",
                    )
                    .fix("make a real purchase (and refund it) to prove the live path end to end"),
                );
            }
        }
        Err(error) => {
            report.fact("recent_payment", Value::Null);
            report.push(Finding::error(
                findings::NO_RECENT_PAYMENT,
                format!("Stripe's charges could not be read: {error}"),
            ));
        }
    }
}

gonogo_check::export_check!(Stripe);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_are_judged_by_host_status_and_events() {
        let endpoints = [
            json!({ "id": "we_1", "url": "https://staging.shop.example/webhooks/stripe", "status": "enabled", "enabled_events": ["*"] }),
            json!({ "id": "we_2", "url": "https://api.shop.example/api/v1/billing/webhook", "status": "enabled",
                    "enabled_events": ["checkout.session.completed", "invoice.paid"] }),
            json!({ "id": "we_3", "url": "https://api.shop.example/old", "status": "disabled", "enabled_events": ["*"] }),
        ];
        let handled = vec![
            "checkout.session.completed".to_owned(),
            "customer.subscription.deleted".to_owned(),
        ];
        let mut report = Report::new();
        webhooks(&mut report, "api.shop.example", &endpoints, &handled);
        let (_, facts) = report.into_parts();
        assert_eq!(facts["webhook"], json!(true));
        assert_eq!(
            facts["missing_events"],
            json!(["customer.subscription.deleted"])
        );
        assert_eq!(
            host_of("https://API.shop.example:443/x").as_deref(),
            Some("api.shop.example")
        );
    }
}
