//! Sentry's alert rules (issue alerts of the project, metric alerts of the
//! organisation that cover it), the channels they notify, and the fatal
//! issues of the last day.

use crate::findings;
use gonogo_check::api::Api;
use gonogo_check::{Finding, Report, Severity, Value, json};
use std::collections::BTreeSet;

/// What the pack asks.
pub struct Thresholds {
    /// An error spike alert fires at this many events a minute, or fewer.
    pub spike_per_minute: f64,
    /// Distinct channels the alerts notify.
    pub min_channels: usize,
}

/// What the issue alert rules cover.
#[derive(Debug, Default, PartialEq)]
pub struct IssueAlerts {
    /// Active rules with an action.
    pub active: usize,
    /// A rule on new issues.
    pub new_issue: bool,
    /// A rule on regressions.
    pub regression: bool,
    /// The lowest spike threshold, events a minute.
    pub spike_per_minute: Option<f64>,
    /// The channels their actions notify.
    pub channels: BTreeSet<String>,
}

/// The kind of channel an action id or type names.
pub fn channel(action: &str) -> String {
    let action = action.to_ascii_lowercase();
    for (needle, kind) in [
        ("mail", "email"),
        ("email", "email"),
        ("slack", "slack"),
        ("msteams", "msteams"),
        ("discord", "discord"),
        ("pagerduty", "pagerduty"),
        ("opsgenie", "opsgenie"),
        ("sentry_app", "sentry_app"),
        ("notify_event_service", "webhook"),
        ("webhook", "webhook"),
    ] {
        if action.contains(needle) {
            return kind.to_owned();
        }
    }
    "other".to_owned()
}

/// Minutes in an event-frequency interval (`1m`, `5m`, `15m`, `1h`, `1d`, `1w`, `30d`).
fn minutes(interval: &str) -> Option<f64> {
    let (number, unit) = interval.split_at(interval.len().checked_sub(1)?);
    let number: f64 = number.parse().ok()?;
    let unit = match unit {
        "m" => 1.0,
        "h" => 60.0,
        "d" => 1440.0,
        "w" => 10080.0,
        _ => return None,
    };
    Some(number * unit)
}

/// Reads the project's issue alert rules.
pub fn issue_alerts(rules: &[Value]) -> IssueAlerts {
    let mut found = IssueAlerts::default();
    for rule in rules {
        let active = rule
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("active")
            == "active";
        let actions = rule
            .get("actions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if !active || actions.is_empty() {
            continue;
        }
        found.active += 1;
        for action in &actions {
            if let Some(id) = action.get("id").and_then(Value::as_str) {
                found.channels.insert(channel(id));
            }
        }
        for condition in rule
            .get("conditions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = condition
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if id.ends_with("FirstSeenEventCondition")
                || id.ends_with("NewHighPriorityIssueCondition")
                || id.ends_with("HighPriorityIssueCondition")
            {
                found.new_issue = true;
            }
            if id.ends_with("RegressionEventCondition") {
                found.regression = true;
            }
            if id.ends_with("EventFrequencyCondition") {
                let value = condition
                    .get("value")
                    .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()));
                let span = condition
                    .get("interval")
                    .and_then(Value::as_str)
                    .and_then(minutes);
                if let (Some(value), Some(span)) = (value, span) {
                    let rate = value / span;
                    found.spike_per_minute =
                        Some(found.spike_per_minute.map_or(rate, |r: f64| r.min(rate)));
                }
            }
        }
    }
    found
}

/// Whether a metric alert watches errors: a failure or crash rate, or a
/// count of error events.
fn watches_errors(rule: &Value) -> bool {
    let aggregate = rule
        .get("aggregate")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let dataset = rule
        .get("dataset")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let query = rule
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    aggregate.contains("failure_rate")
        || aggregate.contains("crash")
        || (dataset == "events"
            && aggregate.starts_with("count(")
            && !query.contains("event.type:transaction"))
}

/// The metric alerts that cover `project`: how many are active with an
/// action, whether one watches errors, and the channels they notify.
pub fn metric_alerts(rules: &[Value], project: &str) -> (usize, bool, BTreeSet<String>) {
    let mut active = 0;
    let mut errors = false;
    let mut channels = BTreeSet::new();
    for rule in rules {
        let covers = rule
            .get("projects")
            .and_then(Value::as_array)
            .is_some_and(|projects| projects.iter().any(|p| p.as_str() == Some(project)));
        let enabled = rule.get("status").and_then(Value::as_u64).unwrap_or(0) == 0;
        let actions: Vec<&Value> = rule
            .get("triggers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|t| {
                t.get("actions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .collect();
        if !covers || !enabled || actions.is_empty() {
            continue;
        }
        active += 1;
        errors |= watches_errors(rule);
        for action in actions {
            if let Some(kind) = action.get("type").and_then(Value::as_str) {
                channels.insert(channel(kind));
            }
        }
    }
    (active, errors, channels)
}

/// Reads and judges the alerts, the channels and the fatal issues.
pub fn judge(report: &mut Report, api: &Api, org: &str, project: &str, thresholds: &Thresholds) {
    let issue_rules = api.get_all(&format!("/api/0/projects/{org}/{project}/rules/"), None);
    let metric_rules = api.get_all(&format!("/api/0/organizations/{org}/alert-rules/"), None);
    let (issue_rules, metric_rules) = match (issue_rules, metric_rules) {
        (Ok(issue), Ok(metric)) => (issue, metric),
        (Err(error), _) | (_, Err(error)) => {
            for id in [
                findings::ISSUE_ALERTS_MISSING,
                findings::ERROR_RATE_ALERT_MISSING,
                findings::FEW_CHANNELS,
            ] {
                report.push(Finding::error(
                    id,
                    format!("the alert rules of {org}/{project} could not be read: {error}"),
                ));
            }
            report.fact("issue_alerts", Value::Null);
            report.fact("metric_alerts", Value::Null);
            fatal(report, api, org, project);
            return;
        }
    };
    let issue = issue_alerts(&issue_rules);
    let (metric_active, error_rate, metric_channels) = metric_alerts(&metric_rules, project);
    let channels: BTreeSet<String> = issue
        .channels
        .iter()
        .chain(&metric_channels)
        .cloned()
        .collect();
    report.fact(
        "issue_alerts",
        json!({
            "active": issue.active,
            "new_issue": issue.new_issue,
            "regression": issue.regression,
            "spike": issue.spike_per_minute.is_some_and(|r| r <= thresholds.spike_per_minute),
            "spike_per_minute": issue.spike_per_minute,
        }),
    );
    report.fact(
        "metric_alerts",
        json!({ "active": metric_active, "error_rate": error_rate }),
    );
    report.fact(
        "channels",
        channels.iter().cloned().collect::<Vec<String>>(),
    );
    report.fact("min_channels", thresholds.min_channels);
    let mut missing = Vec::new();
    if !issue.new_issue {
        missing.push("new issues".to_owned());
    }
    if !issue.regression {
        missing.push("regressions".to_owned());
    }
    match issue.spike_per_minute {
        None => missing.push("error spikes".to_owned()),
        Some(rate) if rate > thresholds.spike_per_minute => missing.push(format!(
            "error spikes of {} a minute (the lowest is {rate:.1})",
            thresholds.spike_per_minute
        )),
        Some(_) => {}
    }
    if missing.is_empty() {
        report.push(Finding::pass(
            findings::ISSUE_ALERTS_MISSING,
            format!(
                "{} active issue alerts cover new issues, regressions and spikes",
                issue.active
            ),
        ));
    } else {
        report.push(
            Finding::fail(
                findings::ISSUE_ALERTS_MISSING,
                Severity::High,
                format!("no active issue alert of {org}/{project} covers {}", missing.join(", ")),
            )
            .fix("add issue alerts: first seen, regression, and more than 10 events a minute over 5 minutes, each with an action"),
        );
    }
    if error_rate {
        report.push(Finding::pass(
            findings::ERROR_RATE_ALERT_MISSING,
            "a metric alert watches the error rate",
        ));
    } else {
        report.push(
            Finding::fail(
                findings::ERROR_RATE_ALERT_MISSING,
                Severity::Medium,
                format!("no active metric alert watches the error rate of {org}/{project}"),
            )
            .fix("add a metric alert on failure_rate() (or the count of errors) with a critical trigger and an action"),
        );
    }
    if channels.len() >= thresholds.min_channels {
        report.push(Finding::pass(
            findings::FEW_CHANNELS,
            format!(
                "the alerts notify {}",
                channels.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    } else {
        report.push(
            Finding::fail(
                findings::FEW_CHANNELS,
                Severity::Medium,
                format!(
                    "the alerts notify {} channel(s) ({}); {} are asked",
                    channels.len(),
                    channels.iter().cloned().collect::<Vec<_>>().join(", "),
                    thresholds.min_channels
                ),
            )
            .fix("notify a second channel: Slack and email, or an on-call tool"),
        );
    }
    fatal(report, api, org, project);
}

/// Unresolved fatal issues seen in the last 24 hours.
fn fatal(report: &mut Report, api: &Api, org: &str, project: &str) {
    let path = format!(
        "/api/0/projects/{org}/{project}/issues/?query=is%3Aunresolved%20level%3Afatal&statsPeriod=24h&limit=100"
    );
    match api.get_all(&path, None) {
        Ok(issues) => {
            report.fact("fatal_issues_24h", issues.len());
            if issues.is_empty() {
                report.push(Finding::pass(
                    findings::FATAL_ISSUES,
                    "no unresolved fatal issue in the last 24 hours",
                ));
            } else {
                let titles: Vec<&str> = issues
                    .iter()
                    .take(3)
                    .filter_map(|i| i.get("title")?.as_str())
                    .collect();
                report.push(
                    Finding::fail(
                        findings::FATAL_ISSUES,
                        Severity::High,
                        format!(
                            "{} unresolved fatal issue(s) in the last 24 hours: {}",
                            issues.len(),
                            titles.join("; ")
                        ),
                    )
                    .fix("fix or resolve them before the release"),
                );
            }
        }
        Err(error) => {
            report.fact("fatal_issues_24h", Value::Null);
            report.push(Finding::error(
                findings::FATAL_ISSUES,
                format!("the issues of {org}/{project} could not be read: {error}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_alerts_are_read_by_condition_and_action() {
        let rules = [
            json!({ "name": "New", "status": "active",
                "conditions": [{ "id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" },
                               { "id": "sentry.rules.conditions.regression_event.RegressionEventCondition" }],
                "actions": [{ "id": "sentry.mail.actions.NotifyEmailAction", "targetType": "IssueOwners" }] }),
            json!({ "name": "Spike", "status": "active",
                "conditions": [{ "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition", "value": 50, "interval": "5m" }],
                "actions": [{ "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction", "channel": "#alerts" }] }),
            json!({ "name": "Off", "status": "disabled",
                "conditions": [{ "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition", "value": 1, "interval": "1h" }],
                "actions": [{ "id": "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction" }] }),
        ];
        let found = issue_alerts(&rules);
        assert_eq!(found.active, 2);
        assert!(found.new_issue && found.regression);
        assert_eq!(found.spike_per_minute, Some(10.0));
        assert_eq!(
            found.channels.iter().cloned().collect::<Vec<_>>(),
            ["email", "slack"]
        );
    }

    #[test]
    fn metric_alerts_count_for_their_projects_only() {
        let rules = [
            json!({ "aggregate": "failure_rate()", "dataset": "transactions", "projects": ["shop-api"], "status": 0,
                "triggers": [{ "label": "critical", "alertThreshold": 1, "actions": [{ "type": "pagerduty" }] }] }),
            json!({ "aggregate": "count()", "dataset": "events", "projects": ["web"], "status": 0,
                "triggers": [{ "actions": [{ "type": "email" }] }] }),
        ];
        let (active, errors, channels) = metric_alerts(&rules, "shop-api");
        assert_eq!((active, errors), (1, true));
        assert_eq!(channels.into_iter().collect::<Vec<_>>(), ["pagerduty"]);
        assert_eq!(minutes("30d"), Some(43200.0));
        assert_eq!(minutes("x"), None);
    }
}
