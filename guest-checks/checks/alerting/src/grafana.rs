//! Grafana (Grafana Cloud or self-hosted, alerting provisioning API of
//! Grafana 9 and later): alert rules, contact points, the notification
//! policy tree, and dashboards.
//! Reference: <https://grafana.com/docs/grafana/latest/developers/http_api/alerting_provisioning/>
//! and <https://grafana.com/docs/grafana/latest/developers/http_api/folder_dashboard_search/>.

use crate::metrics::{datadog_metrics, promql_metrics};
use crate::thresholds::{Threshold, comparisons};
use crate::{Alert, Holdings};
use gonogo_check::Value;
use gonogo_check::api::Api;
use std::collections::{BTreeMap, BTreeSet};

/// The address Grafana's default contact point is created with: it
/// notifies nobody until someone edits it.
const PLACEHOLDER_EMAIL: &str = "example@email.com";

/// Whether a contact point can reach someone: not the default email
/// placeholder, not an email without an address.
pub fn contact_point_usable(point: &Value) -> bool {
    let kind = point
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind != "email" {
        return !kind.is_empty();
    }
    let addresses = point
        .pointer("/settings/addresses")
        .and_then(Value::as_str)
        .unwrap_or_default();
    addresses
        .split([',', ';', '\n'])
        .map(|a| a.trim().trim_start_matches('<').trim_end_matches('>'))
        .any(|a| a.contains('@') && a != PLACEHOLDER_EMAIL)
}

/// The metric names an alert rule's queries read.
pub fn rule_metrics(rule: &Value) -> BTreeSet<String> {
    let mut metrics = BTreeSet::new();
    let queries = rule.get("data").and_then(Value::as_array);
    for query in queries.into_iter().flatten() {
        if query.get("datasourceUid").and_then(Value::as_str) == Some("__expr__") {
            continue;
        }
        let Some(model) = query.get("model") else {
            continue;
        };
        if let Some(expr) = model.get("expr").and_then(Value::as_str) {
            metrics.extend(promql_metrics(expr));
        }
        if let Some(query) = model.get("query").and_then(Value::as_str) {
            metrics.extend(datadog_metrics(query));
        }
        if let Some(name) = model.get("metricName").and_then(Value::as_str) {
            let namespace = model
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or_default();
            metrics.insert(
                format!("{namespace}/{name}")
                    .trim_start_matches('/')
                    .to_owned(),
            );
        }
    }
    metrics
}

/// The comparisons a rule fires on: its threshold and classic
/// conditions (`gt`, `lt`), math expressions and PromQL comparisons.
pub fn rule_thresholds(rule: &Value) -> Vec<Threshold> {
    let mut found = Vec::new();
    let queries = rule.get("data").and_then(Value::as_array);
    for query in queries.into_iter().flatten() {
        let Some(model) = query.get("model") else {
            continue;
        };
        let conditions = model.get("conditions").and_then(Value::as_array);
        for condition in conditions.into_iter().flatten() {
            let kind = condition.pointer("/evaluator/type").and_then(Value::as_str);
            let value = condition
                .pointer("/evaluator/params/0")
                .and_then(Value::as_f64);
            if let (Some(kind @ ("gt" | "lt")), Some(value)) = (kind, value) {
                found.push(Threshold {
                    above: kind == "gt",
                    value,
                });
            }
        }
        for key in ["expr", "expression"] {
            if let Some(expr) = model.get(key).and_then(Value::as_str) {
                found.extend(comparisons(expr));
            }
        }
    }
    found
}

/// Whether the labels match a route's `object_matchers` (`=` and `!=`
/// only; a regular-expression matcher is not evaluated and does not match).
fn route_matches(route: &Value, labels: &BTreeMap<String, String>) -> bool {
    let matchers = route.get("object_matchers").and_then(Value::as_array);
    matchers.into_iter().flatten().all(|m| {
        let part = |i: usize| m.get(i).and_then(Value::as_str).unwrap_or_default();
        let value = labels.get(part(0)).map(String::as_str).unwrap_or_default();
        match part(1) {
            "=" => value == part(2),
            "!=" => value != part(2),
            _ => false,
        }
    })
}

/// The receiver a rule with `labels` is routed to by the policy tree:
/// the deepest matching route's, else the parent's.
fn routed_receiver(
    route: &Value,
    labels: &BTreeMap<String, String>,
    depth: usize,
) -> Option<String> {
    let own = route
        .get("receiver")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if depth > 16 {
        return own;
    }
    let children = route.get("routes").and_then(Value::as_array);
    for child in children.into_iter().flatten() {
        if route_matches(child, labels) {
            return routed_receiver(child, labels, depth + 1).or(own);
        }
    }
    own
}

/// An alert rule as the check judges it.
pub fn alert(rule: &Value, policy: &Value, usable: &BTreeSet<String>) -> Alert {
    let labels: BTreeMap<String, String> = rule
        .get("labels")
        .and_then(Value::as_object)
        .map(|l| {
            l.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let receiver = rule
        .pointer("/notification_settings/receiver")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| routed_receiver(policy, &labels, 0));
    Alert {
        provider: "grafana",
        name: rule
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        metrics: rule_metrics(rule),
        active: rule.get("isPaused").and_then(Value::as_bool) != Some(true),
        notifies: receiver.is_some_and(|r| usable.contains(&r)),
        thresholds: rule_thresholds(rule),
    }
}

/// Reads the alert rules, contact points, policy tree and dashboards.
pub fn read(base: &str, token: &str) -> Result<Holdings, String> {
    let api = Api::new(
        base,
        vec![("authorization".into(), format!("Bearer {token}"))],
    );
    let get = |path: &str| api.get(path).map_err(|e| e.to_string());
    let list = |path: &str| match get(path)? {
        Value::Array(items) => Ok(items),
        _ => Err(format!("{path}: not a list")),
    };
    let rules = list("/api/v1/provisioning/alert-rules")?;
    let points = list("/api/v1/provisioning/contact-points")?;
    let policy = get("/api/v1/provisioning/policies")?;
    let dashboards = list("/api/search?type=dash-db&limit=5000")?;
    let usable: BTreeSet<String> = points
        .iter()
        .filter(|p| contact_point_usable(p))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let channels = points
        .iter()
        .filter(|p| contact_point_usable(p))
        .filter_map(|p| p.get("type").and_then(Value::as_str).map(str::to_owned))
        .collect();
    Ok(Holdings {
        alerts: rules.iter().map(|r| alert(r, &policy, &usable)).collect(),
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
    fn the_default_contact_point_reaches_nobody() {
        let default = json!({"name":"grafana-default-email","type":"email","settings":{"addresses":"<example@email.com>"}});
        assert!(!contact_point_usable(&default));
        let oncall = json!({"name":"oncall","type":"email","settings":{"addresses":"oncall@acme.io;ops@acme.io"}});
        assert!(contact_point_usable(&oncall));
        assert!(contact_point_usable(
            &json!({"name":"slack","type":"slack","settings":{}})
        ));
    }

    #[test]
    fn rules_are_routed_by_the_policy_tree() {
        let policy = json!({"receiver":"grafana-default-email","routes":[
            {"receiver":"slack-prod","object_matchers":[["team","=","api"]]},
            {"receiver":"pager","object_matchers":[["team","=~","web|mobile"]]}]});
        let usable = BTreeSet::from(["slack-prod".to_owned(), "pager".to_owned()]);
        let rule = |labels: Value| {
            json!({"title":"High CPU","isPaused":false,"labels":labels,
                "data":[{"refId":"A","datasourceUid":"prom","model":{"expr":"avg(rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])) > 0.8"}},
                        {"refId":"B","datasourceUid":"__expr__","model":{"type":"threshold","expression":"A"}}]})
        };
        let routed = alert(&rule(json!({"team":"api"})), &policy, &usable);
        assert!(routed.notifies && routed.active);
        assert_eq!(
            routed.metrics,
            BTreeSet::from(["node_cpu_seconds_total".to_owned()])
        );
        // The regular-expression matcher is not evaluated: the root's
        // placeholder email is all that is left.
        assert!(!alert(&rule(json!({"team":"web"})), &policy, &usable).notifies);
        let mut direct = rule(json!({}));
        direct["notification_settings"] = json!({"receiver":"pager"});
        assert!(alert(&direct, &policy, &usable).notifies);
    }

    #[test]
    fn thresholds_are_read_from_conditions_and_expressions() {
        let rule = json!({"data":[
            {"datasourceUid":"prom","model":{"expr":"sum(bull_queue_waiting) > 500"}},
            {"datasourceUid":"__expr__","model":{"type":"threshold","conditions":[{"evaluator":{"type":"gt","params":[0.8]}}]}},
            {"datasourceUid":"__expr__","model":{"type":"math","expression":"$A < 10"}},
            {"datasourceUid":"__expr__","model":{"type":"threshold","conditions":[{"evaluator":{"type":"within_range","params":[1,2]}}]}}]});
        assert_eq!(
            rule_thresholds(&rule),
            [
                Threshold {
                    above: true,
                    value: 500.0
                },
                Threshold {
                    above: true,
                    value: 0.8
                },
                Threshold {
                    above: false,
                    value: 10.0
                }
            ]
        );
    }

    #[test]
    fn cloudwatch_metrics_keep_their_namespace() {
        let rule = json!({"data":[{"datasourceUid":"cw","model":{"namespace":"AWS/RDS","metricName":"DatabaseConnections"}}]});
        assert_eq!(
            rule_metrics(&rule),
            BTreeSet::from(["AWS/RDS/DatabaseConnections".to_owned()])
        );
    }
}
