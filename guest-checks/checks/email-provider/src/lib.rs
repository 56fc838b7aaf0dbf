//! # `email-provider` — will the service's email arrive, and does it hear when it does not
//!
//! ## What it checks
//! The service's account at its transactional email provider, **Brevo**
//! (API v3), asked through the host's `probe` interface with the API key
//! the pack grants, for the sending domain (`GONOGO_MAIL_DOMAIN`, as the
//! `email-dns` check reads it):
//! - the sending domain is **verified and authenticated** at the provider
//!   (its DKIM and ownership records found by Brevo);
//! - over the last `days` days (default 30), of the transactional emails
//!   sent: the **bounce rate** (hard and soft bounces over requests) is at
//!   most `max_bounce_rate` (default 0.05, the checklists' 5 %), the
//!   **complaint rate** (spam reports over deliveries) at most
//!   `max_complaint_rate` (default 0.003, the 0.3 % mailbox providers
//!   enforce), and the **delivery rate** (deliveries over requests) at
//!   least `min_delivery_rate` (default 0.95). With nothing sent, the
//!   rates are unknown and said so, never passed;
//! - an **event webhook** on the production host (`GONOGO_BASE_URL`)
//!   receives bounces and spam complaints, so the service stops mailing
//!   addresses that bounce or complain.
//!
//! Without the key or the sending domain nothing is asked and
//! `configured` is false. An API error (a bad key, 5xx, an answer cut
//! short, a report of another shape) is an `error` finding with Brevo's
//! message, never a pass. The key is a secret grant, redacted by the host
//! from every output and recording.
//!
//! ## Why it matters
//! DNS records say who may send; only the provider knows whether it
//! accepted the domain, and whether mail is bouncing or reported as spam.
//! A bounce rate over 5 % or complaints over 0.3 % get an account
//! suspended, and password resets stop arriving.
//!
//! ## Example of a failing project
//! The domain was added to Brevo but its DKIM record never published, 8 %
//! of last month's emails bounced, and no webhook tells the service.
//!
//! ## How to fix
//! Authenticate the domain (Brevo → Senders, Domains & Dedicated IPs);
//! clean the lists that bounce; add a transactional webhook on
//! `https://<api host>/webhooks/brevo` for `hardBounce`, `softBounce` and
//! `spam`, and suppress those addresses.
//!
//! ## Facts it reports
//! `configured`, `provider` (`brevo`), `domain`; `domain_verified`;
//! `days`, `requests`, `delivered`, `bounces`, `complaints`;
//! `bounce_rate`, `complaint_rate`, `delivery_rate` (shares; null when
//! nothing was sent or delivered), `max_bounce_rate`,
//! `max_complaint_rate`, `min_delivery_rate`; `webhooks` (each: `url`,
//! `bounces`, `complaints`, `deliveries`), `webhook` (one on the
//! production host receives bounces and complaints; null without
//! `GONOGO_BASE_URL`).
//!
//! ## Settings
//! - `brevo_key_env` (default `BREVO_API_KEY`): a granted secret.
//! - `brevo_url_env`: a variable holding another API base URL (a proxy,
//!   a test server).
//! - `domain_env` (default `GONOGO_MAIL_DOMAIN`), `base_url_env` (default
//!   `GONOGO_BASE_URL`).
//! - `days` (default 30, at most 90), `max_bounce_rate` (default 0.05),
//!   `max_complaint_rate` (default 0.003), `min_delivery_rate` (default 0.95).
//!
//! ## Enable it
//! The starter pack (`builtin:production-readiness`) declares this check;
//! it asks the provider when the deployment's environment sets the
//! variables (`--env-file`, or the CI's secrets):
//! `BREVO_API_KEY` (secret: redacted from every
//! output and recording), and `GONOGO_MAIL_DOMAIN`, `GONOGO_BASE_URL`, `BREVO_API_URL`.
//! A pack of your own declares it the same way:
//!
//! ```yaml
//! checks:
//!   email_provider:
//!     use: builtin:email-provider
//!     with:
//!       brevo_url_env: BREVO_API_URL
//!     grants:
//!       env: [BREVO_API_KEY]
//!       public_env: [GONOGO_MAIL_DOMAIN, GONOGO_BASE_URL, BREVO_API_URL]
//!       hosts: [api.brevo.com, "env:BREVO_API_URL"]
//! ```
//!
//! ## Findings
//! - `not-configured` (skip): no provider key or no sending domain.
//! - `api-error` (error): the provider could not be asked.
//! - `domain-not-verified` (fail, high): the sending domain is not verified and authenticated.
//! - `high-bounce-rate` (fail, high): too many emails bounced (skip when none was sent).
//! - `high-complaint-rate` (fail, high): too many were reported as spam (skip when none was delivered).
//! - `low-delivery-rate` (fail, medium): too few were delivered (skip when none was sent).
//! - `webhook-missing` (fail, medium): no webhook on the production host receives bounces and complaints.

pub mod brevo;
pub mod findings;

use gonogo_check::{Check, Finding, Info, Report, Severity, Status, Value, json};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    brevo_key_env: Option<String>,
    brevo_url_env: Option<String>,
    domain_env: Option<String>,
    base_url_env: Option<String>,
    days: Option<u32>,
    max_bounce_rate: Option<f64>,
    max_complaint_rate: Option<f64>,
    min_delivery_rate: Option<f64>,
}

/// A sending domain at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// Its name, lowercase.
    pub name: String,
    /// Ownership verified.
    pub verified: bool,
    /// DKIM (and the provider's records) authenticated.
    pub authenticated: bool,
}

/// What was sent over the period.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Emails the service asked to send.
    pub requests: u64,
    /// Emails delivered.
    pub delivered: u64,
    /// Hard and soft bounces.
    pub bounces: u64,
    /// Spam reports.
    pub complaints: u64,
}

/// An event webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Where it posts.
    pub url: String,
    /// It receives bounces.
    pub bounces: bool,
    /// It receives spam complaints.
    pub complaints: bool,
    /// It receives deliveries.
    pub deliveries: bool,
}

/// What the provider holds.
#[derive(Debug, Default)]
pub struct Holdings {
    /// The sending domains.
    pub domains: Vec<Domain>,
    /// The period's statistics.
    pub stats: Stats,
    /// The event webhooks.
    pub webhooks: Vec<Webhook>,
}

/// The bounds the pack asks.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Days of statistics read.
    pub days: u32,
    /// Highest share of bounces.
    pub max_bounce_rate: f64,
    /// Highest share of complaints.
    pub max_complaint_rate: f64,
    /// Lowest share of deliveries.
    pub min_delivery_rate: f64,
}

fn var(name: &Option<String>, default: &str) -> Result<Option<String>, String> {
    gonogo_check::granted_var(name.as_deref().unwrap_or(default))
}

fn share(name: &str, value: Option<f64>, default: f64) -> Result<f64, String> {
    let value = value.unwrap_or(default);
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "`{name}` is {value}: a share between 0 and 1 (0.05 is 5 %)"
        ))
    }
}

/// The host of a URL, lowercase, without a port.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = authority.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

struct EmailProvider;

impl Check for EmailProvider {
    type Config = Config;
    const INFO: Info = Info {
        id: "email-provider",
        name: "Email provider",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks Brevo whether the sending domain is verified, how many emails bounce, are reported as spam or delivered, and whether a webhook tells the service.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let bounds = Bounds {
            days: config.days.unwrap_or(30),
            max_bounce_rate: share("max_bounce_rate", config.max_bounce_rate, 0.05)?,
            max_complaint_rate: share("max_complaint_rate", config.max_complaint_rate, 0.003)?,
            min_delivery_rate: share("min_delivery_rate", config.min_delivery_rate, 0.95)?,
        };
        if !(1..=90).contains(&bounds.days) {
            return Err(format!("`days` is {}: between 1 and 90", bounds.days));
        }
        let key = var(&config.brevo_key_env, "BREVO_API_KEY")?;
        let domain = var(&config.domain_env, "GONOGO_MAIL_DOMAIN")?
            .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|d| !d.is_empty());
        let (Some(key), Some(domain)) = (key, domain) else {
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                Status::Skip,
                Severity::Info,
                "no email provider was asked: set BREVO_API_KEY and GONOGO_MAIL_DOMAIN",
            ));
            report.fact("configured", false);
            return Ok(report);
        };
        report.fact("configured", true);
        report.fact("provider", "brevo");
        report.fact("domain", domain.as_str());
        let base = match &config.brevo_url_env {
            Some(name) => gonogo_check::granted_var(name)?,
            None => None,
        }
        .unwrap_or_else(|| brevo::API.to_owned());
        let production_host = var(&config.base_url_env, "GONOGO_BASE_URL")?
            .as_deref()
            .and_then(host_of);
        match brevo::read(&base, &key, bounds.days) {
            Ok(holdings) => judge(
                &mut report,
                &domain,
                production_host.as_deref(),
                &holdings,
                &bounds,
            ),
            Err(error) => report.push(
                Finding::error(
                    findings::API_ERROR,
                    format!("Brevo could not be asked: {error}"),
                )
                .fix("check BREVO_API_KEY and `grants.hosts` of this check"),
            ),
        }
        Ok(report)
    }
}

/// A share, or none when the whole is 0.
fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn percent(share: f64) -> String {
    format!("{:.2} %", share * 100.0)
}

/// Pushes the finding of one rate: pass or fail against its bound, skip
/// when it is unknown.
fn judge_rate(
    report: &mut Report,
    id: &'static str,
    what: &str,
    value: Option<f64>,
    bound: f64,
    at_most: bool,
    detail: &str,
) {
    let Some(value) = value else {
        report.push(Finding::new(
            id,
            Status::Skip,
            Severity::Info,
            format!("the {what} is unknown: nothing was {detail}"),
        ));
        return;
    };
    let ok = if at_most {
        value <= bound
    } else {
        value >= bound
    };
    let message = format!("the {what} is {}", percent(value));
    if ok {
        report.push(Finding::pass(id, message));
    } else {
        let severity = if at_most {
            Severity::High
        } else {
            Severity::Medium
        };
        let limit = if at_most { "at most" } else { "at least" };
        report.push(
            Finding::fail(
                id,
                severity,
                format!("{message}; {limit} {} is asked", percent(bound)),
            )
            .fix("look at Brevo's logs of the failed emails and clean the lists that cause them"),
        );
    }
}

/// Judges the domain, the rates and the webhooks.
pub fn judge(
    report: &mut Report,
    domain: &str,
    production_host: Option<&str>,
    holdings: &Holdings,
    bounds: &Bounds,
) {
    let found = holdings.domains.iter().find(|d| d.name == domain);
    let verified = found.is_some_and(|d| d.verified && d.authenticated);
    report.fact("domain_verified", verified);
    match found {
        Some(_) if verified => report.push(Finding::pass(
            findings::DOMAIN_NOT_VERIFIED,
            format!("{domain} is verified and authenticated at Brevo"),
        )),
        Some(d) => report.push(
            Finding::fail(
                findings::DOMAIN_NOT_VERIFIED,
                Severity::High,
                format!(
                    "{domain} is at Brevo but not {}",
                    match (d.verified, d.authenticated) {
                        (false, false) => "verified nor authenticated",
                        (true, _) => "authenticated (its DKIM record is not found)",
                        _ => "verified",
                    }
                ),
            )
            .fix("publish the records Brevo shows for the domain, then authenticate it"),
        ),
        None => report.push(
            Finding::fail(
                findings::DOMAIN_NOT_VERIFIED,
                Severity::High,
                format!("{domain} is not a sending domain at Brevo"),
            )
            .fix("add and authenticate the domain in Brevo (Senders, Domains & Dedicated IPs)"),
        ),
    }
    let stats = holdings.stats;
    let bounce_rate = rate(stats.bounces, stats.requests);
    let complaint_rate = rate(stats.complaints, stats.delivered);
    let delivery_rate = rate(stats.delivered, stats.requests);
    report.fact("days", bounds.days);
    report.fact("requests", stats.requests);
    report.fact("delivered", stats.delivered);
    report.fact("bounces", stats.bounces);
    report.fact("complaints", stats.complaints);
    report.fact("bounce_rate", bounce_rate);
    report.fact("complaint_rate", complaint_rate);
    report.fact("delivery_rate", delivery_rate);
    report.fact("max_bounce_rate", bounds.max_bounce_rate);
    report.fact("max_complaint_rate", bounds.max_complaint_rate);
    report.fact("min_delivery_rate", bounds.min_delivery_rate);
    let sent = format!("sent in the last {} days", bounds.days);
    let delivered = format!("delivered in the last {} days", bounds.days);
    judge_rate(
        report,
        findings::HIGH_BOUNCE_RATE,
        "bounce rate",
        bounce_rate,
        bounds.max_bounce_rate,
        true,
        &sent,
    );
    judge_rate(
        report,
        findings::HIGH_COMPLAINT_RATE,
        "complaint rate",
        complaint_rate,
        bounds.max_complaint_rate,
        true,
        &delivered,
    );
    judge_rate(
        report,
        findings::LOW_DELIVERY_RATE,
        "delivery rate",
        delivery_rate,
        bounds.min_delivery_rate,
        false,
        &sent,
    );
    report.fact(
        "webhooks",
        holdings
            .webhooks
            .iter()
            .map(|w| json!({"url": w.url, "bounces": w.bounces, "complaints": w.complaints, "deliveries": w.deliveries}))
            .collect::<Vec<Value>>(),
    );
    let Some(host) = production_host else {
        report.fact("webhook", Value::Null);
        report.push(Finding::new(
            findings::WEBHOOK_MISSING,
            Status::Skip,
            Severity::Info,
            "the webhooks were not judged: GONOGO_BASE_URL names no production host",
        ));
        return;
    };
    let on_host: Vec<&Webhook> = holdings
        .webhooks
        .iter()
        .filter(|w| host_of(&w.url).as_deref() == Some(host))
        .collect();
    let good = on_host.iter().find(|w| w.bounces && w.complaints);
    report.fact("webhook", good.is_some());
    match good {
        Some(hook) => report.push(Finding::pass(
            findings::WEBHOOK_MISSING,
            format!("{} receives bounces and spam complaints", hook.url),
        )),
        None => {
            let why = match on_host.first() {
                Some(hook) => format!(
                    "the webhook on {host} ({}) does not receive {}",
                    hook.url,
                    match (hook.bounces, hook.complaints) {
                        (false, false) => "bounces nor spam complaints",
                        (true, _) => "spam complaints",
                        _ => "bounces",
                    }
                ),
                None => format!("no Brevo webhook posts to {host}"),
            };
            report.push(
                Finding::fail(findings::WEBHOOK_MISSING, Severity::Medium, why)
                    .fix("add a transactional webhook on the production host for hardBounce, softBounce and spam"),
            );
        }
    }
}

gonogo_check::export_check!(EmailProvider);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_shares_and_unknown_over_nothing() {
        assert_eq!(rate(5, 100), Some(0.05));
        assert_eq!(rate(0, 0), None);
        assert_eq!(percent(0.0342), "3.42 %");
    }

    #[test]
    fn bounds_are_shares() {
        assert_eq!(share("x", None, 0.05), Ok(0.05));
        assert!(share("x", Some(5.0), 0.05).is_err());
    }
}
