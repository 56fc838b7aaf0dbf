//! Security alerts: open Dependabot and code-scanning alerts by severity,
//! and secret scanning.

use crate::findings;
use gonogo_check::api::{Api, ApiError};
use gonogo_check::{Finding, Report, Severity, Status, Value, json};

/// Open alerts by severity, or why there are none to count.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Critical.
    pub critical: u64,
    /// High.
    pub high: u64,
    /// Medium (GitHub's `moderate` and code scanning's `medium`).
    pub medium: u64,
    /// Low, and code scanning's warnings and notes.
    pub low: u64,
}

/// Counts alerts by the severity at `pointers` (the first that is set).
pub fn count(alerts: &[Value], pointers: &[&str]) -> Counts {
    let mut counts = Counts::default();
    for alert in alerts {
        let severity = pointers
            .iter()
            .find_map(|p| alert.pointer(p).and_then(Value::as_str))
            .unwrap_or("low")
            .to_ascii_lowercase();
        match severity.as_str() {
            "critical" => counts.critical += 1,
            "high" | "error" => counts.high += 1,
            "medium" | "moderate" | "warning" => counts.medium += 1,
            _ => counts.low += 1,
        }
    }
    counts
}

/// Whether an error answer means "not enabled" rather than "could not ask".
fn means_disabled(error: &ApiError) -> bool {
    let ApiError::Status { status, message } = error else {
        return false;
    };
    let message = message.to_ascii_lowercase();
    (*status == 403 || *status == 404)
        && (message.contains("disabled")
            || message.contains("not enabled")
            || message.contains("no analysis found")
            || message.contains("advanced security must be enabled"))
}

/// Reads one kind of alert into a fact, reporting what it finds.
fn kind(report: &mut Report, api: &Api, path: &str, label: &str, pointers: &[&str]) -> Value {
    match api.get_all(path, None) {
        Ok(alerts) => {
            let counts = count(&alerts, pointers);
            if counts.critical + counts.high > 0 {
                report.push(
                    Finding::fail(
                        findings::SECURITY_ALERTS,
                        Severity::High,
                        format!(
                            "{label}: {} critical and {} high alerts are open",
                            counts.critical, counts.high
                        ),
                    )
                    .fix("fix them (update the dependency, change the code) or dismiss them with a reason"),
                );
            }
            json!({
                "enabled": true,
                "critical": counts.critical,
                "high": counts.high,
                "medium": counts.medium,
                "low": counts.low,
            })
        }
        Err(error) if means_disabled(&error) => {
            report.push(
                Finding::fail(
                    findings::ALERTS_DISABLED,
                    Severity::Medium,
                    format!("{label} is not enabled: {error}"),
                )
                .fix("enable it under Settings → Code security"),
            );
            json!({ "enabled": false })
        }
        // The token lacks the permission (the job's GITHUB_TOKEN cannot
        // read Dependabot alerts at all): unknown, said so, never a pass.
        Err(error) if is_forbidden(&error) => {
            report.push(
                Finding::new(
                    findings::SECURITY_ALERTS,
                    Status::Skip,
                    Severity::Info,
                    format!("{label} alerts cannot be read with this token: {error}"),
                )
                .fix("give the gate a token that may read them (Dependabot alerts: read, code scanning: `security-events: read`)"),
            );
            json!({ "enabled": null, "unreadable": error.to_string() })
        }
        Err(error) => {
            report.push(Finding::error(
                findings::SECURITY_ALERTS,
                format!("{label} alerts could not be read: {error}"),
            ));
            Value::Null
        }
    }
}

/// Whether GitHub refused for want of a permission.
fn is_forbidden(error: &ApiError) -> bool {
    matches!(error, ApiError::Status { status: 403, message } if message.contains("not accessible") || message.contains("Must have admin") || message.contains("permission"))
}

/// Reads and judges the alerts and secret scanning of the repository.
pub fn judge(report: &mut Report, api: &Api, repo_path: &str, repo: &Value) {
    let dependabot = kind(
        report,
        api,
        &format!("{repo_path}/dependabot/alerts?state=open&per_page=100"),
        "Dependabot",
        &[
            "/security_advisory/severity",
            "/security_vulnerability/severity",
        ],
    );
    let code_scanning = kind(
        report,
        api,
        &format!("{repo_path}/code-scanning/alerts?state=open&per_page=100"),
        "Code scanning",
        &["/rule/security_severity_level", "/rule/severity"],
    );
    let both_read = [&dependabot, &code_scanning]
        .iter()
        .all(|v| v.get("enabled").and_then(Value::as_bool).is_some());
    let no_serious = [&dependabot, &code_scanning].iter().all(|v| {
        v.get("critical").and_then(Value::as_u64).unwrap_or(0)
            + v.get("high").and_then(Value::as_u64).unwrap_or(0)
            == 0
    });
    if both_read && no_serious {
        report.push(Finding::pass(
            findings::SECURITY_ALERTS,
            "no open high or critical security alert",
        ));
    }
    report.fact("dependabot", dependabot);
    report.fact("code_scanning", code_scanning);
    // Shown to those who may administer the repository (or with the
    // security_events scope); otherwise GitHub does not say.
    let secret_scanning = repo
        .pointer("/security_and_analysis/secret_scanning/status")
        .and_then(Value::as_str);
    report.fact("secret_scanning", secret_scanning);
    match secret_scanning {
        Some("enabled") => {
            report.push(Finding::pass(
                findings::SECRET_SCANNING_DISABLED,
                "secret scanning is enabled",
            ));
            secret_alerts(report, api, repo_path);
        }
        Some(_) => report.push(
            Finding::fail(
                findings::SECRET_SCANNING_DISABLED,
                Severity::Medium,
                "secret scanning is not enabled",
            )
            .fix("enable it (and push protection) under Settings → Code security"),
        ),
        None => {}
    }
}

/// Open secret-scanning alerts: secrets GitHub found in the code or in
/// any commit of its history.
fn secret_alerts(report: &mut Report, api: &Api, repo_path: &str) {
    let path = format!("{repo_path}/secret-scanning/alerts?state=open&per_page=100");
    match api.get_all(&path, None) {
        Ok(alerts) => {
            let kinds: Vec<&str> = alerts
                .iter()
                .filter_map(|a| {
                    a.get("secret_type_display_name")
                        .or(a.get("secret_type"))?
                        .as_str()
                })
                .collect();
            if alerts.is_empty() {
                report.push(Finding::pass(
                    findings::SECRETS_EXPOSED,
                    "secret scanning has no open alert (the code and its history)",
                ));
            } else {
                report.push(
                    Finding::fail(
                        findings::SECRETS_EXPOSED,
                        Severity::Critical,
                        format!(
                            "secret scanning has {} open alert(s): {}",
                            alerts.len(),
                            kinds.join(", ")
                        ),
                    )
                    .fix("revoke each secret at its provider, then close the alert; removing it from the code does not remove it from history"),
                );
            }
            report.fact("secret_scanning_alerts", alerts.len());
        }
        Err(error) if is_forbidden(&error) => {
            report.push(
                Finding::new(
                    findings::SECRETS_EXPOSED,
                    Status::Skip,
                    Severity::Info,
                    format!("secret-scanning alerts cannot be read with this token: {error}"),
                )
                .fix("give the gate a token with `secret scanning alerts: read`"),
            );
            report.fact("secret_scanning_alerts", Value::Null);
            report.fact("secret_scanning_unreadable", error.to_string());
        }
        Err(error) => {
            report.push(Finding::error(
                findings::SECRETS_EXPOSED,
                format!("secret-scanning alerts could not be read: {error}"),
            ));
            report.fact("secret_scanning_alerts", Value::Null);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_are_counted_from_either_field() {
        let alerts = [
            json!({ "security_advisory": { "severity": "critical" } }),
            json!({ "security_vulnerability": { "severity": "moderate" } }),
            json!({ "rule": { "severity": "error" } }),
            json!({ "rule": { "security_severity_level": "high", "severity": "warning" } }),
            json!({}),
        ];
        let counts = count(
            &alerts,
            &[
                "/security_advisory/severity",
                "/security_vulnerability/severity",
                "/rule/security_severity_level",
                "/rule/severity",
            ],
        );
        assert_eq!(
            counts,
            Counts {
                critical: 1,
                high: 2,
                medium: 1,
                low: 1
            }
        );
    }

    #[test]
    fn a_disabled_feature_is_told_from_a_failure() {
        let disabled = ApiError::Status {
            status: 403,
            message: "Dependabot alerts are disabled for this repository.".into(),
        };
        let forbidden = ApiError::Status {
            status: 403,
            message: "Resource not accessible by integration".into(),
        };
        assert!(means_disabled(&disabled));
        assert!(!means_disabled(&forbidden));
        assert!(means_disabled(&ApiError::Status {
            status: 404,
            message: "no analysis found".into()
        }));
    }
}
