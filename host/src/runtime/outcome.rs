//! Turns what a check returned into a [`CheckRun`]. An oversized outcome
//! becomes status `error` (fail closed); facts that are not a JSON object
//! break the contract (the caller stops with no decision).

use super::bindings::{WitOutcome, WitSeverity, WitStatus};
use crate::model::{CheckInfo, CheckRun, Finding, Location, Severity, Status};

/// Validates and converts an outcome; `Err` says how it breaks the contract.
pub fn convert(
    name: &str,
    source: &str,
    info: CheckInfo,
    outcome: WitOutcome,
    cap_bytes: usize,
) -> Result<CheckRun, String> {
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
        return Ok(CheckRun::failed(
            name,
            source,
            Some(info),
            format!(
                "its outcome is {size} bytes, over its limit of {} KiB (`limits.outcome_kb`)",
                cap_bytes >> 10
            ),
        ));
    }
    const EXPECTED: &str = "expected a JSON object, `{}` when there are none";
    let facts = match serde_json::from_str::<serde_json::Value>(&outcome.facts) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(other) => {
            return Err(format!(
                "`run` returned facts that are {}, not an object: {EXPECTED}",
                json_kind(&other)
            ));
        }
        Err(error) => {
            return Err(format!(
                "`run` returned facts that are not valid JSON ({error}): {EXPECTED}"
            ));
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
    Ok(CheckRun {
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
        reused: false,
    })
}

/// "a JSON array", "a JSON string"…
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "JSON `null`",
        serde_json::Value::Bool(_) => "a JSON boolean",
        serde_json::Value::Number(_) => "a JSON number",
        serde_json::Value::String(_) => "a JSON string",
        serde_json::Value::Array(_) => "a JSON array",
        serde_json::Value::Object(_) => "a JSON object",
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
