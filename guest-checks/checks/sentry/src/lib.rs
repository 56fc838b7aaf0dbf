//! # `sentry` — does Sentry hear the service, and does it tell anyone
//!
//! ## What it checks
//! The Sentry project of the service, through the Sentry web API
//! (`/api/0/`), asked through the host's `probe` interface with the auth
//! token the pack grants (`SENTRY_AUTH_TOKEN`, `SENTRY_ORG`,
//! `SENTRY_PROJECT`, as `sentry-cli` names them):
//! - the project has **received an event** (`firstEvent`): error tracking
//!   was set up and tested, not only configured;
//! - its active **issue alert rules**, with at least one action, cover a
//!   **new issue** (first seen, or a new high-priority issue), a
//!   **regression**, and an **error spike** (an event-frequency condition
//!   of at most `spike_per_minute` events a minute, default 10, the
//!   checklists' "10/min for 5 minutes");
//! - an active **metric alert** on the project watches the **error rate**
//!   (`failure_rate()`, a crash rate, or the count of error events), with
//!   an action on a trigger;
//! - the alerts notify at least `min_channels` distinct **channels**
//!   (email, Slack, PagerDuty, Microsoft Teams, Discord, Opsgenie, a
//!   webhook…; default 2);
//! - no **unresolved fatal issue** was seen in the last 24 hours;
//! - the **error rate** of the last 24 hours: the share of the project's
//!   transactions (requests, jobs) that failed (`failure_rate()` of the
//!   Discover endpoint), at most `max_error_rate` (default 0.01, the
//!   checklists' 1 %); unknown, and said so, when Sentry received no
//!   transaction (tracing off).
//!
//! Without a token, an organisation or a project nothing is asked and
//! `configured` is false. An API error (401, 403, 5xx, an answer cut
//! short, pagination that does not end, a long rate limit) is an `error`
//! finding with Sentry's message, never a pass. The token is a secret
//! grant, redacted by the host from every output and recording.
//!
//! ## Why it matters
//! A DSN in the code proves the SDK is configured; only Sentry knows
//! whether events arrive, and whether anyone is told when they spike.
//!
//! ## Example of a failing project
//! The project never received an event (a DSN for another environment),
//! its only alert rule is the default email on new issues, and no metric
//! alert watches the error rate.
//!
//! ## How to fix
//! Send a test event (`sentry-cli send-event`); add issue alerts for new
//! issues, regressions and spikes, a metric alert on the error rate, and a
//! second channel (Slack and email, or PagerDuty).
//!
//! ## Facts it reports
//! `configured`, `project` (`slug`, `first_event`, `received`);
//! `issue_alerts` (`active`, `new_issue`, `regression`, `spike`,
//! `spike_per_minute`: the lowest threshold found, events a minute);
//! `metric_alerts` (`active`, `error_rate`); `channels` (the distinct
//! kinds the active alerts notify), `min_channels`; `fatal_issues_24h`;
//! `transactions_24h`, `error_rate_24h` (a share; null when no
//! transaction was received), `max_error_rate`.
//!
//! ## Settings
//! - `token_env` (default `SENTRY_AUTH_TOKEN`), `org_env` (default
//!   `SENTRY_ORG`), `project_env` (default `SENTRY_PROJECT`), `url_env`
//!   (default `SENTRY_URL`, else `https://sentry.io`; a self-hosted Sentry
//!   or a region such as `https://de.sentry.io`): granted variables.
//! - `environment_env` (default `SENTRY_ENVIRONMENT`): a granted
//!   variable naming the environment whose error rate is read (all
//!   environments when unset).
//! - `spike_per_minute` (default 10), `min_channels` (default 2),
//!   `max_error_rate` (default 0.01).
//!
//! ## Enable it
//! The starter pack (`builtin:production-readiness`) declares this check;
//! it asks the provider when the deployment's environment sets the
//! variables (`--env-file`, or the CI's secrets):
//! `SENTRY_AUTH_TOKEN` (secret: redacted from every
//! output and recording), and `SENTRY_ORG`, `SENTRY_PROJECT`, `SENTRY_URL`, `SENTRY_ENVIRONMENT`.
//! A pack of your own declares it the same way:
//!
//! ```yaml
//! checks:
//!   sentry:
//!     use: builtin:sentry
//!     grants:
//!       env: [SENTRY_AUTH_TOKEN]
//!       public_env: [SENTRY_ORG, SENTRY_PROJECT, SENTRY_URL, SENTRY_ENVIRONMENT]
//!       hosts: [sentry.io, "*.sentry.io", "env:SENTRY_URL"]
//! ```
//!
//! ## Findings
//! - `not-configured` (skip): no token, organisation or project.
//! - `api-error` (error): the project could not be read.
//! - `no-events` (fail, high): the project never received an event.
//! - `issue-alerts-missing` (fail, high): no active alert for new issues,
//!   regressions or spikes.
//! - `error-rate-alert-missing` (fail, medium): no metric alert on the error rate.
//! - `few-channels` (fail, medium): fewer notification channels than asked.
//! - `fatal-issues` (fail, high): unresolved fatal issues seen in 24 hours.
//! - `high-error-rate` (fail, high): more than `max_error_rate` of the
//!   transactions failed in 24 hours (skip when none was received).

pub mod alerts;
pub mod error_rate;
pub mod findings;

use gonogo_check::api::Api;
use gonogo_check::{Check, Finding, Info, Report, Severity, Status, Value, json};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    token_env: Option<String>,
    org_env: Option<String>,
    project_env: Option<String>,
    url_env: Option<String>,
    environment_env: Option<String>,
    spike_per_minute: Option<f64>,
    min_channels: Option<usize>,
    max_error_rate: Option<f64>,
}

fn var(name: &Option<String>, default: &str) -> Result<Option<String>, String> {
    gonogo_check::granted_var(name.as_deref().unwrap_or(default))
}

/// Whether `slug` is an organisation or project slug (or numeric id).
fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

struct Sentry;

impl Check for Sentry {
    type Config = Config;
    const INFO: Info = Info {
        id: "sentry",
        name: "Sentry",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks Sentry whether the project receives events, which alerts watch it and whom they notify.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let token = var(&config.token_env, "SENTRY_AUTH_TOKEN")?;
        let org = var(&config.org_env, "SENTRY_ORG")?;
        let project = var(&config.project_env, "SENTRY_PROJECT")?;
        let url =
            var(&config.url_env, "SENTRY_URL")?.unwrap_or_else(|| "https://sentry.io".to_owned());
        let (Some(token), Some(org), Some(project)) = (token, org, project) else {
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                Status::Skip,
                Severity::Info,
                "Sentry was not asked: an auth token, the organisation and the project are needed (SENTRY_AUTH_TOKEN, SENTRY_ORG, SENTRY_PROJECT)",
            ));
            report.fact("configured", false);
            return Ok(report);
        };
        let max_error_rate = config.max_error_rate.unwrap_or(0.01);
        if !(0.0..=1.0).contains(&max_error_rate) {
            return Err(format!(
                "`max_error_rate` is {max_error_rate}: a share between 0 and 1 (0.01 is 1 %)"
            ));
        }
        if !is_slug(&org) || !is_slug(&project) {
            return Err(format!(
                "`{org}/{project}` is not a Sentry organisation and project slug"
            ));
        }
        report.fact("configured", true);
        let api = Api::new(
            &url,
            vec![("authorization".into(), format!("Bearer {token}"))],
        );
        let project_path = format!("/api/0/projects/{org}/{project}/");
        let details = match api.get(&project_path) {
            Ok(details) => details,
            Err(error) => {
                report.push(
                    Finding::error(
                        findings::API_ERROR,
                        format!("Sentry could not be asked about {org}/{project}: {error}"),
                    )
                    .fix("check the auth token (scopes `project:read`, `org:read`, `alerts:read`, `event:read`) and `grants.hosts`"),
                );
                return Ok(report);
            }
        };
        let first_event = details.get("firstEvent").and_then(Value::as_str);
        report.fact(
            "project",
            json!({ "slug": project, "first_event": first_event, "received": first_event.is_some() }),
        );
        match first_event {
            Some(when) => report.push(Finding::pass(
                findings::NO_EVENTS,
                format!("{org}/{project} received its first event at {when}"),
            )),
            None => report.push(
                Finding::fail(
                    findings::NO_EVENTS,
                    Severity::High,
                    format!("{org}/{project} never received an event"),
                )
                .fix("send a test event (`sentry-cli send-event`, or throw one in staging) with the production DSN"),
            ),
        }
        let thresholds = alerts::Thresholds {
            spike_per_minute: config.spike_per_minute.unwrap_or(10.0),
            min_channels: config.min_channels.unwrap_or(2),
        };
        alerts::judge(&mut report, &api, &org, &project, &thresholds);
        match details
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| is_slug(id))
        {
            Some(project_id) => {
                let environment = var(&config.environment_env, "SENTRY_ENVIRONMENT")?;
                error_rate::judge(
                    &mut report,
                    &api,
                    &org,
                    project_id,
                    environment.as_deref(),
                    max_error_rate,
                );
            }
            None => report.push(Finding::error(
                findings::HIGH_ERROR_RATE,
                format!("Sentry gave no id for {org}/{project}, so its error rate cannot be asked"),
            )),
        }
        Ok(report)
    }
}

gonogo_check::export_check!(Sentry);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked() {
        assert!(is_slug("acme"));
        assert!(is_slug("shop-api_2"));
        assert!(!is_slug("../x"));
        assert!(!is_slug("a/b"));
        assert!(!is_slug(""));
    }
}
