//! Turns what a check returned into a [`CheckRun`], refusing malformed or
//! oversized outcomes (they become status `error`: fail closed).

use super::bindings::{WitOutcome, WitSeverity, WitStatus};
use crate::model::{CheckInfo, CheckRun, Finding, Location, Severity, Status};

/// Validates and converts an outcome.
pub fn convert(
    name: &str,
    source: &str,
    info: CheckInfo,
    outcome: WitOutcome,
    cap_bytes: usize,
) -> CheckRun {
    let size = outcome.facts.len()
        + outcome
            .findings
            .iter()
            .map(|f| {
                f.id.len()
                    + f.message.len()
                    + f.remediation.as_ref().map_or(0, String::len)
                    + f.location.as_ref().map_or(0, |l| l.path.len())
            })
            .sum::<usize>();
    if size > cap_bytes {
        return CheckRun::failed(
            name,
            source,
            Some(info),
            format!(
                "its outcome is {size} bytes, over its limit of {} KiB (`limits.outcome_kb`)",
                cap_bytes >> 10
            ),
        );
    }
    let facts = match serde_json::from_str::<serde_json::Value>(&outcome.facts) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => {
            return CheckRun::failed(
                name,
                source,
                Some(info),
                "its facts are not a JSON object".into(),
            );
        }
        Err(error) => {
            return CheckRun::failed(
                name,
                source,
                Some(info),
                format!("its facts are not valid JSON: {error}"),
            );
        }
    };
    let findings: Vec<Finding> = outcome
        .findings
        .into_iter()
        .map(|f| Finding {
            id: f.id,
            status: status(f.status),
            severity: severity(f.severity),
            message: f.message,
            location: f.location.map(|l| Location {
                path: l.path,
                line: l.line,
            }),
            remediation: f.remediation,
        })
        .collect();
    CheckRun {
        name: name.to_owned(),
        source: source.to_owned(),
        info: Some(info),
        status: CheckRun::status_of(&findings),
        error: None,
        findings,
        facts,
        logs: Vec::new(),
        probes_refused: Vec::new(),
        duration_ms: 0,
    }
}

fn status(status: WitStatus) -> Status {
    match status {
        WitStatus::Pass => Status::Pass,
        WitStatus::Fail => Status::Fail,
        WitStatus::Warn => Status::Warn,
        WitStatus::Skip => Status::Skip,
        WitStatus::Error => Status::Error,
    }
}

fn severity(severity: WitSeverity) -> Severity {
    match severity {
        WitSeverity::Info => Severity::Info,
        WitSeverity::Low => Severity::Low,
        WitSeverity::Medium => Severity::Medium,
        WitSeverity::High => Severity::High,
        WitSeverity::Critical => Severity::Critical,
    }
}
