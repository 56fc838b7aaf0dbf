//! # `uptime` — is the service watched from outside
//!
//! ## What it checks
//! The uptime monitors of the deployed service at **Better Stack**
//! (Uptime API v2) and **UptimeRobot** (API v2), asked through the host's
//! `probe` interface with the keys the pack grants, for the host of the
//! service's URL (`GONOGO_BASE_URL`):
//! - an active (not paused) monitor checks a URL on that host; one that
//!   checks the health route is preferred in the facts;
//! - the monitors say the service is **up** now;
//! - at least one of them **alerts** someone (Better Stack: email, SMS,
//!   call, push or an escalation policy; UptimeRobot: an alert contact);
//! - they check at least every `max_interval_seconds` (default 60, the
//!   checklists' "interval: 1 min");
//! - a **status page** exists;
//! - a monitor warns at least `min_certificate_warning_days` (default 30,
//!   the checklists' "30-day warning") before the host's **TLS certificate
//!   expires** (Better Stack's `ssl_expiration`; UptimeRobot's reminders
//!   are an account setting its API does not show, so with UptimeRobot
//!   alone this is unknown, and said so);
//! - the monitor **alerts after two or three failures** in a row (the
//!   checklists' "alert after 2 failures"): Better Stack's
//!   `confirmation_period` spans one or two check intervals (unknown with
//!   UptimeRobot alone, whose API does not show it).
//!
//! Without a provider key, or without the service's URL, nothing is asked
//! and `configured` is false. An API error (a bad key, 5xx, an answer cut
//! short, UptimeRobot's `"stat": "fail"`, pagination that does not end) is
//! an `error` finding with the provider's message, never a pass. The keys
//! are secret grants, redacted by the host from every output and recording.
//!
//! ## Why it matters
//! A health route nobody polls tells nobody when it fails. The first to
//! notice an outage should be the on-call engineer, not a customer.
//!
//! ## Example of a failing project
//! UptimeRobot watches the marketing site but not `api.example.com`, and
//! the only monitor is paused.
//!
//! ## How to fix
//! Add an HTTP monitor on `https://<api host>/health`, every minute,
//! alerting the on-call channel, and publish a status page.
//!
//! ## Facts it reports
//! `configured`, `providers` (asked), `host` (of the service's URL);
//! `monitors` (those on that host: `provider`, `name`, `url`, `status`
//! — `up`, `down`, `paused` or `pending` —, `interval` in seconds,
//! `alerting`); `monitored` (an active monitor on the host), `up` (every
//! active one up; null when none), `alerting`, `interval` (the shortest, in
//! seconds), `max_interval`, `status_pages` (how many);
//! `certificate_watch_known` (a provider that says was asked),
//! `certificate_warning_days` (the longest warning, null when none),
//! `min_certificate_warning_days`; `confirmation_known` (a provider that
//! says was asked about an active monitor), `failures_before_alert`
//! (failures in a row the service's monitor waits for before alerting,
//! from Better Stack's `confirmation_period` and interval; null when
//! unknown).
//!
//! ## Settings
//! - `base_url_env` (default `GONOGO_BASE_URL`): the service's URL.
//! - `betterstack_token_env` (default `BETTERSTACK_API_TOKEN`),
//!   `uptimerobot_key_env` (default `UPTIMEROBOT_API_KEY`): granted
//!   secrets; a provider whose variable is unset is not asked.
//! - `betterstack_url_env`, `uptimerobot_url_env`: variables holding
//!   another API base URL (a proxy, a test server).
//! - `max_interval_seconds` (default 60), `min_certificate_warning_days`
//!   (default 30).
//!
//! ## Enable it
//! The starter pack (`builtin:production-readiness`) declares this check;
//! it asks the provider when the deployment's environment sets the
//! variables (`--env-file`, or the CI's secrets):
//! `BETTERSTACK_API_TOKEN`, `UPTIMEROBOT_API_KEY` (secret: redacted from every
//! output and recording), and `GONOGO_BASE_URL`, `BETTERSTACK_API_URL`, `UPTIMEROBOT_API_URL`.
//! A pack of your own declares it the same way:
//!
//! ```yaml
//! checks:
//!   uptime:
//!     use: builtin:uptime
//!     with:
//!       betterstack_url_env: BETTERSTACK_API_URL
//!       uptimerobot_url_env: UPTIMEROBOT_API_URL
//!     grants:
//!       env: [BETTERSTACK_API_TOKEN, UPTIMEROBOT_API_KEY]
//!       public_env: [GONOGO_BASE_URL, BETTERSTACK_API_URL, UPTIMEROBOT_API_URL]
//!       hosts: [uptime.betterstack.com, api.uptimerobot.com, "env:BETTERSTACK_API_URL", "env:UPTIMEROBOT_API_URL"]
//! ```
//!
//! ## Findings
//! - `not-configured` (skip): no provider key or no base URL.
//! - `api-error` (error): a provider's API could not be asked.
//! - `not-monitored` (fail, high): no active monitor on the service's host.
//! - `service-down` (fail, critical): a monitor says it is down.
//! - `no-alerting` (fail, high): no monitor of the service alerts anyone.
//! - `interval-too-long` (warn, low): checked less often than asked.
//! - `no-status-page` (fail, medium): no status page.
//! - `certificate-unwatched` (fail, medium): no monitor warns early enough
//!   before the certificate expires (skip when no provider says).
//! - `alert-confirmation` (warn, low): the monitor alerts on the first
//!   failure, or only after more than three (skip when no provider says).

pub mod betterstack;
pub mod findings;
pub mod uptimerobot;

use gonogo_check::{Check, Finding, Info, Report, Severity, Status, Value, json};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    base_url_env: Option<String>,
    betterstack_token_env: Option<String>,
    uptimerobot_key_env: Option<String>,
    betterstack_url_env: Option<String>,
    uptimerobot_url_env: Option<String>,
    max_interval_seconds: Option<u64>,
    min_certificate_warning_days: Option<u64>,
}

/// One monitor, whichever provider keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitor {
    /// `betterstack` or `uptimerobot`.
    pub provider: &'static str,
    /// Its name at the provider.
    pub name: String,
    /// The URL it checks.
    pub url: String,
    /// `up`, `down`, `paused` or `pending`.
    pub status: &'static str,
    /// Seconds between checks.
    pub interval: Option<u64>,
    /// Whether a failure alerts someone.
    pub alerting: bool,
    /// Days before the certificate expires that the provider warns
    /// (`Some(None)`: it says it does not); `None` when the provider's
    /// API does not say.
    pub certificate_warning_days: Option<Option<u64>>,
    /// Seconds a failure must last before an incident alerts anyone
    /// (Better Stack's `confirmation_period`); `None` when the provider's
    /// API does not say.
    pub confirmation_seconds: Option<u64>,
}

/// What one provider holds.
#[derive(Debug, Default)]
pub struct Holdings {
    /// Its monitors.
    pub monitors: Vec<Monitor>,
    /// Its status pages.
    pub status_pages: usize,
}

/// The host of a URL, lowercase, without a port.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if authority.starts_with('[') {
        authority.split(']').next()?.trim_start_matches('[')
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The value of a granted variable (the default name when none is given).
fn var(name: &Option<String>, default: &str) -> Result<Option<String>, String> {
    gonogo_check::granted_var(name.as_deref().unwrap_or(default))
}

/// The value of an optional variable, when one is named.
fn optional_var(name: &Option<String>) -> Result<Option<String>, String> {
    match name {
        Some(name) => gonogo_check::granted_var(name),
        None => Ok(None),
    }
}

struct Uptime;

impl Check for Uptime {
    type Config = Config;
    const INFO: Info = Info {
        id: "uptime",
        name: "Uptime monitoring",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks Better Stack and UptimeRobot whether the service is monitored, up, alerting someone, and has a status page.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let base_url = var(&config.base_url_env, "GONOGO_BASE_URL")?;
        let betterstack = var(&config.betterstack_token_env, "BETTERSTACK_API_TOKEN")?;
        let uptimerobot = var(&config.uptimerobot_key_env, "UPTIMEROBOT_API_KEY")?;
        let host = base_url.as_deref().and_then(host_of);
        let (Some(host), true) = (host, betterstack.is_some() || uptimerobot.is_some()) else {
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                Status::Skip,
                Severity::Info,
                "no uptime monitor was asked: set BETTERSTACK_API_TOKEN or UPTIMEROBOT_API_KEY, and GONOGO_BASE_URL",
            ));
            report.fact("configured", false);
            return Ok(report);
        };
        report.fact("configured", true);
        report.fact("host", host.as_str());
        let mut providers = Vec::new();
        let mut holdings = Vec::new();
        let mut failed = false;
        if let Some(token) = betterstack {
            providers.push("betterstack");
            let base = optional_var(&config.betterstack_url_env)?
                .unwrap_or_else(|| betterstack::API.to_owned());
            match betterstack::read(&base, &token) {
                Ok(held) => holdings.push(held),
                Err(error) => {
                    failed = true;
                    report.push(api_error("Better Stack", &error));
                }
            }
        }
        if let Some(key) = uptimerobot {
            providers.push("uptimerobot");
            let base = optional_var(&config.uptimerobot_url_env)?
                .unwrap_or_else(|| uptimerobot::API.to_owned());
            match uptimerobot::read(&base, &key) {
                Ok(held) => holdings.push(held),
                Err(error) => {
                    failed = true;
                    report.push(api_error("UptimeRobot", &error));
                }
            }
        }
        report.fact("providers", providers);
        if failed {
            return Ok(report);
        }
        let max_interval = config.max_interval_seconds.unwrap_or(60);
        let min_warning = config.min_certificate_warning_days.unwrap_or(30);
        judge(&mut report, &host, &holdings, max_interval, min_warning);
        Ok(report)
    }
}

fn api_error(provider: &str, error: &str) -> Finding {
    Finding::error(
        findings::API_ERROR,
        format!("{provider} could not be asked: {error}"),
    )
    .fix("check the API key and `grants.hosts` of this check")
}

/// Judges whether a monitor of `host` warns before its certificate
/// expires, early enough; unknown when no provider that says was asked.
fn judge_certificate_watch(report: &mut Report, host: &str, active: &[&&Monitor], min_days: u64) {
    let told: Vec<Option<u64>> = active
        .iter()
        .filter_map(|m| m.certificate_warning_days)
        .collect();
    let warning = told.iter().flatten().copied().max();
    report.fact("certificate_watch_known", !told.is_empty());
    report.fact("certificate_warning_days", warning);
    report.fact("min_certificate_warning_days", min_days);
    if told.is_empty() {
        report.push(Finding::new(
            findings::CERTIFICATE_UNWATCHED,
            Status::Skip,
            Severity::Info,
            format!("no monitor of {host} at a provider whose API says whether it watches the certificate (Better Stack)"),
        ));
        return;
    }
    match warning {
        Some(days) if days >= min_days => report.push(Finding::pass(
            findings::CERTIFICATE_UNWATCHED,
            format!("a monitor of {host} warns {days} days before its certificate expires"),
        )),
        other => report.push(
            Finding::fail(
                findings::CERTIFICATE_UNWATCHED,
                Severity::Medium,
                match other {
                    Some(days) => format!(
                        "the monitors of {host} warn {days} days before the certificate expires; {min_days} are asked"
                    ),
                    None => format!("no monitor of {host} watches its certificate's expiry"),
                },
            )
            .fix(format!("set the monitor's SSL expiration warning to {min_days} days")),
        ),
    }
}

/// Failures in a row a monitor sees before it alerts: the first, then one
/// more for each check interval the confirmation period spans.
fn failures_before_alert(monitor: &Monitor) -> Option<u64> {
    let confirmation = monitor.confirmation_seconds?;
    let interval = monitor.interval.filter(|i| *i > 0)?;
    Some(1 + confirmation.div_ceil(interval))
}

/// Judges whether the monitor of `host` (its health route's first) alerts
/// after two or three failures in a row, not on a single blip nor after
/// minutes of downtime; unknown when no provider that says was asked.
fn judge_alert_confirmation(report: &mut Report, host: &str, active: &[&&Monitor]) {
    let Some((monitor, failures)) = active
        .iter()
        .find_map(|m| failures_before_alert(m).map(|f| (m, f)))
    else {
        report.fact("confirmation_known", false);
        report.fact("failures_before_alert", Value::Null);
        if !active.is_empty() {
            report.push(Finding::new(
                findings::ALERT_CONFIRMATION,
                Status::Skip,
                Severity::Info,
                format!("no monitor of {host} at a provider whose API says how many failures it waits for (Better Stack)"),
            ));
        }
        return;
    };
    report.fact("confirmation_known", true);
    report.fact("failures_before_alert", failures);
    let seconds = monitor.confirmation_seconds.unwrap_or_default();
    if (2..=3).contains(&failures) {
        report.push(Finding::pass(
            findings::ALERT_CONFIRMATION,
            format!(
                "{} alerts after {failures} failures in a row ({seconds} s of confirmation)",
                monitor.url
            ),
        ));
    } else {
        report.push(
            Finding::warn(
                findings::ALERT_CONFIRMATION,
                Severity::Low,
                format!(
                    "{} alerts after {failures} failure{} in a row ({seconds} s of confirmation); 2 are asked",
                    monitor.url,
                    if failures == 1 { "" } else { "s" }
                ),
            )
            .fix("set the monitor's confirmation period to one check interval (Better Stack: `confirmation_period`, 60 s for a one-minute check)"),
        );
    }
}

/// Judges the monitors on `host` and the status pages.
pub fn judge(
    report: &mut Report,
    host: &str,
    holdings: &[Holdings],
    max_interval: u64,
    min_certificate_warning_days: u64,
) {
    let mut monitors: Vec<&Monitor> = holdings
        .iter()
        .flat_map(|h| &h.monitors)
        .filter(|m| host_of(&m.url).as_deref() == Some(host))
        .collect();
    // A monitor of the health route first.
    monitors.sort_by_key(|m| !m.url.contains("health"));
    let active: Vec<&&Monitor> = monitors.iter().filter(|m| m.status != "paused").collect();
    let status_pages: usize = holdings.iter().map(|h| h.status_pages).sum();
    let up = (!active.is_empty()).then(|| active.iter().all(|m| m.status == "up"));
    let alerting = active.iter().any(|m| m.alerting);
    let interval = active.iter().filter_map(|m| m.interval).min();
    report.fact(
        "monitors",
        monitors
            .iter()
            .map(|m| {
                json!({
                    "provider": m.provider,
                    "name": m.name,
                    "url": m.url,
                    "status": m.status,
                    "interval": m.interval,
                    "alerting": m.alerting,
                })
            })
            .collect::<Vec<Value>>(),
    );
    report.fact("monitored", !active.is_empty());
    report.fact("up", up);
    report.fact("alerting", alerting);
    report.fact("interval", interval);
    report.fact("max_interval", max_interval);
    report.fact("status_pages", status_pages);
    judge_certificate_watch(report, host, &active, min_certificate_warning_days);
    judge_alert_confirmation(report, host, &active);
    if active.is_empty() {
        let paused = if monitors.is_empty() {
            String::new()
        } else {
            format!(" ({} paused)", monitors.len())
        };
        report.push(
            Finding::fail(
                findings::NOT_MONITORED,
                Severity::High,
                format!("no active monitor checks {host}{paused}"),
            )
            .fix(format!("add an HTTP monitor on https://{host}/health")),
        );
    } else {
        report.push(Finding::pass(
            findings::NOT_MONITORED,
            format!(
                "{} monitor(s) check {host}: {}",
                active.len(),
                active[0].url
            ),
        ));
        let down: Vec<&str> = active
            .iter()
            .filter(|m| m.status != "up")
            .map(|m| m.url.as_str())
            .collect();
        if down.is_empty() {
            report.push(Finding::pass(
                findings::SERVICE_DOWN,
                format!("{host} is up"),
            ));
        } else {
            report.push(
                Finding::fail(
                    findings::SERVICE_DOWN,
                    Severity::Critical,
                    format!("the monitors do not say up for {}", down.join(", ")),
                )
                .fix("look at the monitor's last failure"),
            );
        }
        if alerting {
            report.push(Finding::pass(
                findings::NO_ALERTING,
                format!("a monitor of {host} alerts someone"),
            ));
        } else {
            report.push(
                Finding::fail(
                    findings::NO_ALERTING,
                    Severity::High,
                    format!("no monitor of {host} alerts anyone when it fails"),
                )
                .fix("add an alert contact (email, Slack, on-call) or an escalation policy to the monitor"),
            );
        }
        match interval {
            Some(seconds) if seconds > max_interval => report.push(
                Finding::warn(
                    findings::INTERVAL_TOO_LONG,
                    Severity::Low,
                    format!(
                        "{host} is checked every {seconds} s at best; {max_interval} s is asked"
                    ),
                )
                .fix(format!("check every {max_interval} s")),
            ),
            Some(seconds) => report.push(Finding::pass(
                findings::INTERVAL_TOO_LONG,
                format!("{host} is checked every {seconds} s"),
            )),
            None => {}
        }
    }
    if status_pages == 0 {
        report.push(
            Finding::fail(
                findings::NO_STATUS_PAGE,
                Severity::Medium,
                "no status page is published at the uptime providers",
            )
            .fix("publish a status page for the service's monitors"),
        );
    } else {
        report.push(Finding::pass(
            findings::NO_STATUS_PAGE,
            format!("{status_pages} status page(s)"),
        ));
    }
}

gonogo_check::export_check!(Uptime);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(
            host_of("https://API.example.com:8443/health?x=1").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(
            host_of("https://user:pw@api.example.com/").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(host_of("http://[::1]:8080/").as_deref(), Some("::1"));
        assert_eq!(
            host_of("api.example.com/health").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(host_of("https:///x"), None);
    }
}
