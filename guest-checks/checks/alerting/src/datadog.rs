//! Datadog (API v1): monitors and dashboards.
//! Reference: <https://docs.datadoghq.com/api/latest/monitors/#get-all-monitor-details>
//! and <https://docs.datadoghq.com/api/latest/dashboards/#get-all-dashboards>.

use crate::metrics::datadog_metrics;
use crate::thresholds::{Threshold, comparisons};
use crate::{Alert, Holdings};
use gonogo_check::Value;
use gonogo_check::api::{Api, MAX_PAGES};
use std::collections::BTreeSet;

/// Monitors asked for a page.
const PAGE_SIZE: usize = 1000;

/// The notification handles of a monitor's message (`@slack-ops`,
/// `@pagerduty-api`, `@oncall@acme.io`), as their kind: `slack`,
/// `pagerduty`, `email`…
pub fn handles(message: &str) -> BTreeSet<String> {
    let mut kinds = BTreeSet::new();
    let chars: Vec<char> = message.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c != '@' || (i > 0 && !chars[i - 1].is_whitespace() && chars[i - 1] != '(') {
            continue;
        }
        let handle: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '+'))
            .collect();
        if handle.is_empty() || handle == "here" || handle == "channel" {
            continue;
        }
        let kind = if handle.contains('@') {
            "email".to_owned()
        } else {
            handle
                .split('-')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        kinds.insert(kind);
    }
    kinds
}

/// The comparison a monitor fires on: the one that ends its query, at
/// its critical threshold when `options.thresholds.critical` says one.
pub fn monitor_threshold(monitor: &Value) -> Option<Threshold> {
    let query = monitor.get("query").and_then(Value::as_str)?;
    let last = comparisons(query).pop()?;
    let critical = monitor
        .pointer("/options/thresholds/critical")
        .and_then(Value::as_f64);
    Some(Threshold {
        above: last.above,
        value: critical.unwrap_or(last.value),
    })
}

/// A monitor as the check judges it: muted when `options.silenced` holds
/// a scope.
pub fn alert(monitor: &Value) -> Alert {
    let muted = monitor
        .pointer("/options/silenced")
        .and_then(Value::as_object)
        .is_some_and(|s| !s.is_empty());
    let message = monitor
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Alert {
        provider: "datadog",
        name: monitor
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        metrics: datadog_metrics(
            monitor
                .get("query")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        ),
        active: !muted,
        notifies: !handles(message).is_empty(),
        thresholds: monitor_threshold(monitor).into_iter().collect(),
    }
}

/// A client for Datadog's API with the two keys.
fn client(base: &str, api_key: &str, app_key: &str) -> Api {
    Api::new(
        base,
        vec![
            ("dd-api-key".into(), api_key.to_owned()),
            ("dd-application-key".into(), app_key.to_owned()),
        ],
    )
}

/// Whether `service` is a Datadog service name (`DD_SERVICE`).
pub fn is_service(service: &str) -> bool {
    !service.is_empty()
        && service.len() <= 100
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// The path of the logs search: one log of `service` (any when none is
/// named) in the last 24 hours.
/// Reference: <https://docs.datadoghq.com/api/latest/logs/#get-a-list-of-logs>.
pub fn logs_path(service: Option<&str>) -> String {
    let query = service.map_or("*".to_owned(), |s| format!("service%3A{s}"));
    format!(
        "/api/v2/logs/events?filter%5Bquery%5D={query}&filter%5Bfrom%5D=now-1d&filter%5Bto%5D=now&page%5Blimit%5D=1"
    )
}

/// Whether a log of `service` reached Datadog in the last 24 hours.
pub fn logs_received(
    base: &str,
    api_key: &str,
    app_key: &str,
    service: Option<&str>,
) -> Result<bool, String> {
    let answer = client(base, api_key, app_key)
        .get(&logs_path(service))
        .map_err(|e| e.to_string())?;
    let data = answer
        .get("data")
        .and_then(Value::as_array)
        .ok_or("no `data` list in the answer")?;
    Ok(!data.is_empty())
}

/// Reads the monitors (every page) and the dashboards.
pub fn read(base: &str, api_key: &str, app_key: &str) -> Result<Holdings, String> {
    let api = client(base, api_key, app_key);
    let mut monitors = Vec::new();
    for page in 0..=MAX_PAGES {
        if page == MAX_PAGES {
            return Err(format!(
                "pagination: more than {MAX_PAGES} pages of monitors"
            ));
        }
        let path = format!("/api/v1/monitor?page={page}&page_size={PAGE_SIZE}");
        let Value::Array(items) = api.get(&path).map_err(|e| e.to_string())? else {
            return Err(format!("{path}: not a list"));
        };
        let full = items.len() == PAGE_SIZE;
        monitors.extend(items);
        if !full {
            break;
        }
    }
    let dashboards = api.get("/api/v1/dashboard").map_err(|e| e.to_string())?;
    let dashboards = dashboards
        .get("dashboards")
        .and_then(Value::as_array)
        .ok_or("/api/v1/dashboard: no `dashboards` list in the answer")?;
    let channels = monitors
        .iter()
        .flat_map(|m| handles(m.get("message").and_then(Value::as_str).unwrap_or_default()))
        .collect();
    Ok(Holdings {
        alerts: monitors.iter().map(alert).collect(),
        dashboards: dashboards
            .iter()
            .filter_map(|d| d.get("title").and_then(Value::as_str).map(str::to_owned))
            .collect(),
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_check::json;

    #[test]
    fn handles_are_read_from_the_message() {
        let kinds = handles(
            "CPU above 80% on {{host.name}} @slack-prod-alerts @pagerduty-api\nemail (@oncall@acme.io)",
        );
        assert_eq!(
            kinds,
            BTreeSet::from(["email".into(), "pagerduty".into(), "slack".into()])
        );
        assert!(handles("mail me at ops@acme.io, no handle").is_empty());
        assert!(handles("@here look").is_empty());
    }

    #[test]
    fn the_critical_threshold_is_read() {
        let monitor = json!({"query":"avg(last_5m):avg:system.cpu.user{*} > 90","options":{"thresholds":{"critical":85,"warning":70}}});
        assert_eq!(
            monitor_threshold(&monitor),
            Some(Threshold {
                above: true,
                value: 85.0
            })
        );
        assert_eq!(
            monitor_threshold(&json!({"query":"avg(last_5m):avg:system.mem.pct_usable{*} < 0.2"})),
            Some(Threshold {
                above: false,
                value: 0.2
            })
        );
        assert_eq!(
            monitor_threshold(
                &json!({"query":"\"redis.can_connect\".over(\"*\").last(2).count_by_status()"})
            ),
            None
        );
    }

    #[test]
    fn muted_monitors_are_not_active() {
        let monitor = json!({"name":"CPU","query":"avg(last_5m):avg:system.cpu.user{*} > 80",
            "message":"@slack-ops","options":{"silenced":{"*":null}}});
        let alert = alert(&monitor);
        assert!(!alert.active && alert.notifies);
        assert_eq!(
            alert.metrics,
            BTreeSet::from(["system.cpu.user".to_owned()])
        );
    }
}
