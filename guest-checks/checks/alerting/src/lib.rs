//! # `alerting` — do alerts watch what the checklists name, and tell someone
//!
//! ## What it checks
//! The alert rules and dashboards of the service's metrics backend,
//! **Grafana** (Grafana Cloud or self-hosted; the alerting provisioning
//! API) and **Datadog** (monitors API v1), asked through the host's
//! `probe` interface with the credentials the pack grants. Each alert's
//! queries are read for the **metrics** they watch (the metric names of a
//! PromQL expression, of a Datadog monitor query, a CloudWatch metric),
//! and each metric for the checklists' topics:
//! - **CPU** (`node_cpu_seconds_total`, `system.cpu.user`,
//!   `CPUUtilization`…), **memory** (`container_memory_working_set_bytes`,
//!   `system.mem.used`…), **disk space** (`node_filesystem_avail_bytes`,
//!   `system.disk.in_use`…), **response time** (`http_request_duration_seconds`,
//!   `trace.*.request.duration`, `TargetResponseTime`…);
//! - the **database's connections or availability** (`pg_stat_activity_count`,
//!   `pg_up`, `postgresql.percent_usage_connections`,
//!   `aws.rds.database_connections`, Prisma's pool…) and its **size**
//!   (`pg_database_size_bytes`, `aws.rds.free_storage_space`);
//! - **Redis's availability or connections** (`redis_up`,
//!   `redis_connected_clients`, `redis.can_connect`…);
//! - a **queue's depth** (BullMQ/Bull exporters' waiting jobs, SQS visible
//!   messages, RabbitMQ ready messages…).
//!
//! An alert counts when it is **active** (a Grafana rule not paused, a
//! Datadog monitor not muted) and **notifies someone**: a Grafana rule
//! routed (its own receiver, or the notification policy tree by its
//! labels) to a contact point that is not the default placeholder email;
//! a Datadog monitor whose message names a handle (`@slack-…`,
//! `@pagerduty-…`, an email). A **dashboard** exists. At Datadog, a
//! **log** of the service (`DD_SERVICE`, any when unset) arrived in the
//! last 24 hours: logs are aggregated, not only written.
//!
//! The **thresholds** of the alerts on CPU, memory, response time and a
//! queue are compared with the checklists' numbers: 80 % used, 500 ms,
//! 1000 waiting jobs. A threshold is read from a Grafana rule's threshold
//! or classic condition, a comparison in its PromQL or math expression, or
//! the comparison that ends a Datadog monitor's query (at its critical
//! threshold); its unit from the metric (a share or a percentage, of what
//! is used or, below, of what is free; seconds or milliseconds). Where the
//! unit cannot be told (memory in bytes, a latency without a unit), the
//! threshold is unknown and its rule skips, saying so: never assumed.
//!
//! Without credentials nothing is asked and `configured` is false. An API
//! error (a bad token, 5xx, an answer cut short, pagination that does not
//! end) is an `error` finding with the provider's message, never a pass.
//! The credentials are secret grants, redacted by the host from every
//! output and recording.
//!
//! ## Why it matters
//! Metrics collected but never alerted on are read after the outage. The
//! checklists name what must page someone: CPU, memory, disk, slow
//! responses, the database's and Redis's connections, a backed-up queue.
//!
//! ## Example of a failing project
//! Grafana has a CPU alert and a latency alert, but they are routed to the
//! default contact point (`<example@email.com>`), and nothing watches the
//! database's connections or the BullMQ queue.
//!
//! ## How to fix
//! Add alert rules for each topic (the Prometheus node, postgres and
//! redis exporters' metrics, or the Datadog integrations'), route them to
//! a real contact point (Slack, PagerDuty, an on-call email), and build a
//! dashboard of the service's health.
//!
//! ## Facts it reports
//! `configured`, `providers` (asked); `alerts` (each: `provider`,
//! `name`, `metrics`, `topics`, `active`, `notifies`; at most 200),
//! `alert_count`; `topics` (for each topic, the names of the active alerts
//! that notify someone), `silent` (for each topic, the names of the alerts
//! that are paused or notify nobody); `thresholds` (for CPU, memory,
//! latency and queue: `within`, `above`, `unknown`, or null without an
//! alert); `dashboards` (how many),
//! `dashboard_titles` (at most 20); `channels` (the kinds of contact
//! points or handles that can reach someone); `logs_received` (Datadog
//! only).
//!
//! ## Settings
//! - `grafana_url_env` (default `GRAFANA_URL`, e.g.
//!   `https://acme.grafana.net`), `grafana_token_env` (default
//!   `GRAFANA_TOKEN`: a service account token with the Viewer role):
//!   Grafana is asked when both are set.
//! - `datadog_api_key_env` (default `DD_API_KEY`), `datadog_app_key_env`
//!   (default `DD_APP_KEY`, scopes `monitors_read` and
//!   `dashboards_read`), `datadog_site_env` (default `DD_SITE`, else
//!   `datadoghq.com`), `datadog_url_env` (a variable holding another API
//!   base URL: a proxy, a test server): Datadog is asked when both keys
//!   are set; `datadog_service_env` (default `DD_SERVICE`): the service
//!   whose logs are searched (scope `logs_read_data`).
//!
//! ## Enable it
//! The starter pack (`builtin:production-readiness`) declares this check;
//! it asks the provider when the deployment's environment sets the
//! variables (`--env-file`, or the CI's secrets):
//! `GRAFANA_TOKEN`, `DD_API_KEY`, `DD_APP_KEY` (secret: redacted from every
//! output and recording), and `GRAFANA_URL`, `DD_SITE`, `DD_SERVICE`, `DATADOG_API_URL`.
//! A pack of your own declares it the same way:
//!
//! ```yaml
//! checks:
//!   alerting:
//!     use: builtin:alerting
//!     with:
//!       datadog_url_env: DATADOG_API_URL
//!     grants:
//!       env: [GRAFANA_TOKEN, DD_API_KEY, DD_APP_KEY]
//!       public_env: [GRAFANA_URL, DD_SITE, DD_SERVICE, DATADOG_API_URL]
//!       hosts: ["env:GRAFANA_URL", "*.datadoghq.com", "*.datadoghq.eu", api.ddog-gov.com, "env:DATADOG_API_URL"]
//! ```
//!
//! ## Findings
//! - `not-configured` (skip): no Grafana and no Datadog credentials.
//! - `api-error` (error): a provider could not be asked.
//! - `cpu-alert-missing` (fail, high): no active alert that notifies someone watches CPU.
//! - `memory-alert-missing` (fail, high): none watches memory.
//! - `disk-alert-missing` (fail, medium): none watches disk space.
//! - `latency-alert-missing` (fail, medium): none watches response time.
//! - `database-alert-missing` (fail, high): none watches the database's connections.
//! - `database-size-alert-missing` (fail, medium): none watches the database's size.
//! - `redis-alert-missing` (fail, medium): none watches Redis.
//! - `queue-alert-missing` (fail, medium): none watches a queue's depth.
//! - `no-dashboard` (fail, medium): no dashboard.
//! - `no-logs` (fail, medium): no log of the service reached Datadog in
//!   24 hours (error when the logs could not be searched).
//! - `threshold-above` (fail, medium): the alerts on CPU, memory, response
//!   time or a queue fire only past 80 %, 500 ms or 1000 jobs (skip when
//!   their threshold cannot be read).

pub mod datadog;
pub mod findings;
pub mod grafana;
pub mod metrics;
pub mod thresholds;

use gonogo_check::{Check, Finding, Info, Map, Report, Severity, Status, Value, json};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    grafana_url_env: Option<String>,
    grafana_token_env: Option<String>,
    datadog_api_key_env: Option<String>,
    datadog_app_key_env: Option<String>,
    datadog_site_env: Option<String>,
    datadog_url_env: Option<String>,
    datadog_service_env: Option<String>,
}

/// One alert rule or monitor, whichever backend keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// `grafana` or `datadog`.
    pub provider: &'static str,
    /// Its title at the provider.
    pub name: String,
    /// The metric names its queries read.
    pub metrics: BTreeSet<String>,
    /// Not paused or muted.
    pub active: bool,
    /// Routed to a contact point or handle that can reach someone.
    pub notifies: bool,
    /// The comparisons it fires on.
    pub thresholds: Vec<thresholds::Threshold>,
}

impl Alert {
    /// The topics its metrics measure.
    pub fn topics(&self) -> BTreeSet<&'static str> {
        self.metrics
            .iter()
            .flat_map(|m| metrics::topics(m))
            .collect()
    }

    /// Whether it fires within the checklists' bound for `topic`, and how
    /// its threshold reads; none when that cannot be told. Its comparisons
    /// must all hold for it to fire (a PromQL `> 95` under a threshold
    /// `> 0` fires past 95), so one past the bound puts it past the bound.
    pub fn within(&self, topic: &str) -> Option<(bool, String)> {
        let metric = self
            .metrics
            .iter()
            .find(|m| metrics::topics(m).contains(topic))?;
        let (max, unit) = thresholds::bound(topic)?;
        let read: Vec<Option<f64>> = self
            .thresholds
            .iter()
            .map(|&t| thresholds::normalized(topic, metric, t))
            .collect();
        let highest = read.iter().flatten().copied().reduce(f64::max)?;
        // One comparison that cannot be read may be the one that fires
        // last, unless one that can is already past the bound.
        if highest <= max && read.iter().any(Option::is_none) {
            return None;
        }
        Some((highest <= max, format!("{highest:.0} {unit}")))
    }
}

/// What one backend holds.
#[derive(Debug, Default)]
pub struct Holdings {
    /// Its alert rules or monitors.
    pub alerts: Vec<Alert>,
    /// The titles of its dashboards.
    pub dashboards: Vec<String>,
    /// The kinds of channel that can reach someone.
    pub channels: BTreeSet<String>,
}

/// Each topic's finding id, its severity, and its name in a sentence.
const TOPIC_FINDINGS: &[(&str, &str, Severity, &str)] = &[
    ("cpu", findings::CPU_ALERT_MISSING, Severity::High, "CPU"),
    (
        "memory",
        findings::MEMORY_ALERT_MISSING,
        Severity::High,
        "memory",
    ),
    (
        "disk",
        findings::DISK_ALERT_MISSING,
        Severity::Medium,
        "disk space",
    ),
    (
        "latency",
        findings::LATENCY_ALERT_MISSING,
        Severity::Medium,
        "response time",
    ),
    (
        "database_connections",
        findings::DATABASE_ALERT_MISSING,
        Severity::High,
        "the database's connections",
    ),
    (
        "database_size",
        findings::DATABASE_SIZE_ALERT_MISSING,
        Severity::Medium,
        "the database's size",
    ),
    (
        "redis",
        findings::REDIS_ALERT_MISSING,
        Severity::Medium,
        "Redis's connections",
    ),
    (
        "queue",
        findings::QUEUE_ALERT_MISSING,
        Severity::Medium,
        "a queue's depth",
    ),
];

/// The topics whose alerts the checklists give a bound, and the bound.
const BOUNDS: &[(&str, &str)] = &[
    ("cpu", "80 % used"),
    ("memory", "80 % used"),
    ("latency", "500 ms"),
    ("queue", "1000 waiting jobs"),
];

/// Judges the thresholds of a topic's alerts: `within` when one fires
/// within the bound, `above` when all that can be read fire past it,
/// `unknown` when none can be read; none without an alert.
fn judge_threshold(
    report: &mut Report,
    topic: &str,
    label: &str,
    bound: &str,
    alerts: &[&&Alert],
) -> Option<&'static str> {
    if alerts.is_empty() {
        return None;
    }
    let read: Vec<(&str, bool, String)> = alerts
        .iter()
        .filter_map(|a| a.within(topic).map(|(ok, at)| (a.name.as_str(), ok, at)))
        .collect();
    if let Some((name, _, at)) = read.iter().find(|(_, ok, _)| *ok) {
        report.push(Finding::pass(
            findings::THRESHOLD_ABOVE,
            format!("{name} fires on {label} at {at} (at most {bound} is asked)"),
        ));
        return Some("within");
    }
    if let Some((name, _, at)) = read.first() {
        report.push(
            Finding::fail(
                findings::THRESHOLD_ABOVE,
                Severity::Medium,
                format!("the alerts on {label} fire only past {bound}: {name} at {at}"),
            )
            .fix(format!("lower the threshold to {bound}")),
        );
        return Some("above");
    }
    report.push(Finding::new(
        findings::THRESHOLD_ABOVE,
        Status::Skip,
        Severity::Info,
        format!(
            "the threshold of the alerts on {label} ({}) could not be read as {bound}",
            alerts[0].name
        ),
    ));
    Some("unknown")
}

/// Most alerts listed in the facts.
const MAX_LISTED: usize = 200;

fn var(name: &Option<String>, default: &str) -> Result<Option<String>, String> {
    gonogo_check::granted_var(name.as_deref().unwrap_or(default))
}

fn optional_var(name: &Option<String>) -> Result<Option<String>, String> {
    match name {
        Some(name) => gonogo_check::granted_var(name),
        None => Ok(None),
    }
}

struct Alerting;

impl Check for Alerting {
    type Config = Config;
    const INFO: Info = Info {
        id: "alerting",
        name: "Alerting",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks Grafana and Datadog which alerts watch CPU, memory, disk, latency, the database, Redis and queues, whether they notify someone, and which dashboards exist.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let grafana_url = var(&config.grafana_url_env, "GRAFANA_URL")?;
        let grafana_token = var(&config.grafana_token_env, "GRAFANA_TOKEN")?;
        let dd_api_key = var(&config.datadog_api_key_env, "DD_API_KEY")?;
        let dd_app_key = var(&config.datadog_app_key_env, "DD_APP_KEY")?;
        let grafana = grafana_url.zip(grafana_token);
        let datadog = dd_api_key.zip(dd_app_key);
        if grafana.is_none() && datadog.is_none() {
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                Status::Skip,
                Severity::Info,
                "no metrics backend was asked: set GRAFANA_URL and GRAFANA_TOKEN, or DD_API_KEY and DD_APP_KEY",
            ));
            report.fact("configured", false);
            return Ok(report);
        }
        report.fact("configured", true);
        let mut providers = Vec::new();
        let mut holdings = Vec::new();
        let mut failed = false;
        if let Some((url, token)) = grafana {
            providers.push("grafana");
            match grafana::read(&url, &token) {
                Ok(held) => holdings.push(held),
                Err(error) => {
                    failed = true;
                    report.push(api_error("Grafana", &error));
                }
            }
        }
        if let Some((api_key, app_key)) = datadog {
            providers.push("datadog");
            let site = var(&config.datadog_site_env, "DD_SITE")?
                .unwrap_or_else(|| "datadoghq.com".to_owned());
            let base = match optional_var(&config.datadog_url_env)? {
                Some(url) => url,
                None if is_site(&site) => format!("https://api.{site}"),
                None => {
                    return Err(format!(
                        "`{site}` is not a Datadog site (datadoghq.com, datadoghq.eu, us5.datadoghq.com…)"
                    ));
                }
            };
            match datadog::read(&base, &api_key, &app_key) {
                Ok(held) => {
                    holdings.push(held);
                    let service = var(&config.datadog_service_env, "DD_SERVICE")?;
                    if let Some(name) = service.as_deref().filter(|s| !datadog::is_service(s)) {
                        return Err(format!("`{name}` is not a Datadog service name"));
                    }
                    judge_logs(
                        &mut report,
                        datadog::logs_received(&base, &api_key, &app_key, service.as_deref()),
                        service.as_deref(),
                    );
                }
                Err(error) => {
                    failed = true;
                    report.push(api_error("Datadog", &error));
                }
            }
        }
        report.fact("providers", providers);
        if !failed {
            judge(&mut report, &holdings);
        }
        Ok(report)
    }
}

/// Judges whether the service's logs reach Datadog.
fn judge_logs(report: &mut Report, received: Result<bool, String>, service: Option<&str>) {
    let whose = service.map_or("the account".to_owned(), |s| format!("service `{s}`"));
    match received {
        Ok(received) => {
            report.fact("logs_received", received);
            if received {
                report.push(Finding::pass(
                    findings::NO_LOGS,
                    format!("logs of {whose} reached Datadog in the last 24 hours"),
                ));
            } else {
                report.push(
                    Finding::fail(
                        findings::NO_LOGS,
                        Severity::Medium,
                        format!("no log of {whose} reached Datadog in the last 24 hours"),
                    )
                    .fix("ship the service's logs to Datadog (the Agent, or a log drain of the platform), tagged with DD_SERVICE"),
                );
            }
        }
        Err(error) => report.push(
            Finding::error(
                findings::NO_LOGS,
                format!("Datadog's logs could not be searched: {error}"),
            )
            .fix("give the application key the `logs_read_data` scope"),
        ),
    }
}

/// Whether `site` is a Datadog site name (a host name, no path).
fn is_site(site: &str) -> bool {
    !site.is_empty()
        && site.len() <= 100
        && site.contains('.')
        && site
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

fn api_error(provider: &str, error: &str) -> Finding {
    Finding::error(
        findings::API_ERROR,
        format!("{provider} could not be asked: {error}"),
    )
    .fix("check the credentials (read access to alert rules, contact points and dashboards) and `grants.hosts` of this check")
}

/// Judges the alerts and dashboards of every backend asked.
pub fn judge(report: &mut Report, holdings: &[Holdings]) {
    let alerts: Vec<&Alert> = holdings.iter().flat_map(|h| &h.alerts).collect();
    let dashboards: Vec<&String> = holdings.iter().flat_map(|h| &h.dashboards).collect();
    let channels: BTreeSet<&String> = holdings.iter().flat_map(|h| &h.channels).collect();
    report.fact(
        "alerts",
        alerts
            .iter()
            .take(MAX_LISTED)
            .map(|a| {
                json!({
                    "provider": a.provider,
                    "name": a.name,
                    "metrics": a.metrics,
                    "topics": a.topics(),
                    "active": a.active,
                    "notifies": a.notifies,
                })
            })
            .collect::<Vec<Value>>(),
    );
    report.fact("alert_count", alerts.len());
    report.fact("dashboards", dashboards.len());
    report.fact(
        "dashboard_titles",
        json!(dashboards.iter().take(20).collect::<Vec<_>>()),
    );
    report.fact("channels", json!(channels));
    let mut watching = Map::new();
    let mut silent = Map::new();
    let mut bounded = Map::new();
    for &(topic, id, severity, label) in TOPIC_FINDINGS {
        let on_topic: Vec<&&Alert> = alerts
            .iter()
            .filter(|a| a.topics().contains(topic))
            .collect();
        let (good, quiet): (Vec<&&Alert>, Vec<&&Alert>) =
            on_topic.iter().partition(|a| a.active && a.notifies);
        let names = |list: &[&&Alert]| list.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
        watching.insert(topic.to_owned(), json!(names(&good)));
        silent.insert(topic.to_owned(), json!(names(&quiet)));
        if let Some(bound) = BOUNDS.iter().find(|(t, _)| *t == topic).map(|(_, b)| b) {
            let verdict = judge_threshold(report, topic, label, bound, &good);
            bounded.insert(topic.to_owned(), json!(verdict));
        }
        if let Some(first) = good.first() {
            report.push(Finding::pass(
                id,
                format!(
                    "{label} is watched by {} alert(s): {}",
                    good.len(),
                    first.name
                ),
            ));
        } else {
            let why = match quiet.first() {
                Some(alert) => format!(
                    "the alerts on {label} ({}{}) are paused or notify nobody",
                    alert.name,
                    if quiet.len() > 1 {
                        format!(" and {} more", quiet.len() - 1)
                    } else {
                        String::new()
                    }
                ),
                None => format!("no alert watches {label}"),
            };
            report.push(
                Finding::fail(id, severity, why)
                    .fix(format!("add an alert rule on {label}, routed to a contact point that reaches the on-call engineer")),
            );
        }
    }
    report.fact("topics", Value::Object(watching));
    report.fact("silent", Value::Object(silent));
    report.fact("thresholds", Value::Object(bounded));
    if dashboards.is_empty() {
        report.push(
            Finding::fail(findings::NO_DASHBOARD, Severity::Medium, "no dashboard exists")
                .fix("build a dashboard of the service's health: requests, errors, latency, CPU, memory, the database and Redis"),
        );
    } else {
        report.push(Finding::pass(
            findings::NO_DASHBOARD,
            format!("{} dashboard(s), e.g. {}", dashboards.len(), dashboards[0]),
        ));
    }
}

gonogo_check::export_check!(Alerting);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_comparison_must_hold_so_the_highest_bound_counts() {
        let alert = Alert {
            provider: "grafana",
            name: "High CPU".into(),
            metrics: BTreeSet::from(["node_cpu_seconds_total".to_owned()]),
            active: true,
            notifies: true,
            thresholds: vec![
                thresholds::Threshold {
                    above: true,
                    value: 95.0,
                },
                thresholds::Threshold {
                    above: true,
                    value: 0.0,
                },
            ],
        };
        assert_eq!(alert.within("cpu"), Some((false, "95 % used".into())));
        assert_eq!(alert.within("memory"), None);
        let bytes = Alert {
            metrics: BTreeSet::from(["process_resident_memory_bytes".to_owned()]),
            thresholds: vec![
                thresholds::Threshold {
                    above: true,
                    value: 1e9,
                },
                thresholds::Threshold {
                    above: true,
                    value: 0.0,
                },
            ],
            ..alert.clone()
        };
        assert_eq!(bytes.within("memory"), None, "1e9 bytes is not a share");
        let unread = Alert {
            thresholds: Vec::new(),
            ..alert
        };
        assert_eq!(unread.within("cpu"), None);
    }

    #[test]
    fn datadog_sites_are_host_names() {
        assert!(is_site("datadoghq.eu"));
        assert!(is_site("us5.datadoghq.com"));
        assert!(!is_site("evil.com/x"));
        assert!(!is_site("localhost"));
    }
}
