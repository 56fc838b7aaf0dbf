//! Turns what a check returned into a [`CheckRun`]. An outcome over a cap
//! becomes status `error` (fail closed): its size, counting what each
//! finding costs the host besides its text, its number of findings, and
//! the nesting of its facts. Facts that are not a JSON object break the
//! contract (the caller stops with no decision).

use super::bindings::{WitOutcome, WitSeverity, WitStatus};
use crate::model::{CheckInfo, CheckRun, Finding, Location, Severity, Status};

/// What one finding costs the host besides its text (its record, its
/// status and severity, the options around its location and fix), counted
/// against `limits.outcome_kb`: a million empty findings are not free.
pub const FINDING_OVERHEAD_BYTES: usize = 64;
/// Most findings of one outcome.
pub const MAX_FINDINGS: usize = 10_000;
/// Deepest nesting of facts (objects and arrays).
pub const MAX_FACTS_DEPTH: usize = 32;

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
                FINDING_OVERHEAD_BYTES
                    + f.id.len()
                    + f.message.len()
                    + f.remediation.as_ref().map_or(0, String::len)
                    + f.location.as_ref().map_or(0, |l| l.path.len())
            })
            .sum::<usize>();
    let refuse = |reason: String| Ok(CheckRun::failed(name, source, Some(info.clone()), reason));
    if outcome.findings.len() > MAX_FINDINGS {
        return refuse(format!(
            "it reported {} findings, over the limit of {MAX_FINDINGS} per outcome",
            outcome.findings.len()
        ));
    }
    if size > cap_bytes {
        return refuse(format!(
            "its outcome is {size} bytes, over its limit of {} KiB (`limits.outcome_kb`)",
            cap_bytes >> 10
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
    if let Some(depth) = depth_over(&facts, MAX_FACTS_DEPTH) {
        return refuse(format!(
            "its facts are nested {depth} levels deep, over the limit of {MAX_FACTS_DEPTH}"
        ));
    }
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
        not_run: None,
        findings,
        facts,
        logs: Vec::new(),
        probes_refused: Vec::new(),
        duration_ms: 0,
        reused: false,
    })
}

/// The nesting of `facts` (the object itself is level 1) when it is over
/// `limit`, without recursion.
fn depth_over(facts: &serde_json::Map<String, serde_json::Value>, limit: usize) -> Option<usize> {
    let mut deepest = 1;
    let mut pending: Vec<(&serde_json::Value, usize)> = facts.values().map(|v| (v, 2)).collect();
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &serde_json::Value>> = match value {
            serde_json::Value::Array(items) => Box::new(items.iter()),
            serde_json::Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        deepest = deepest.max(depth);
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    (deepest > limit).then_some(deepest)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::bindings::gonogo::check::types::Finding as WitFinding;

    fn info() -> CheckInfo {
        CheckInfo {
            id: "c".into(),
            name: "c".into(),
            version: "1".into(),
            description: String::new(),
        }
    }

    fn empty_findings(count: usize) -> WitOutcome {
        let finding = WitFinding {
            id: String::new(),
            status: WitStatus::Pass,
            severity: WitSeverity::Info,
            message: String::new(),
            location: None,
            remediation: None,
        };
        WitOutcome {
            findings: vec![finding; count],
            facts: "{}".into(),
        }
    }

    #[test]
    fn empty_findings_count_against_the_size_cap_and_their_number_is_capped() {
        let run = convert("c", "x", info(), empty_findings(100), 1 << 20).expect("converts");
        assert_eq!(run.status, Status::Pass);
        let run = convert("c", "x", info(), empty_findings(2_000), 64 << 10).expect("converts");
        assert_eq!(run.status, Status::Error);
        assert!(
            run.error
                .as_deref()
                .is_some_and(|e| e.contains("over its limit")),
            "{run:?}"
        );
        let run = convert("c", "x", info(), empty_findings(MAX_FINDINGS + 1), 64 << 20)
            .expect("converts");
        assert!(
            run.error
                .as_deref()
                .is_some_and(|e| e.contains("findings, over the limit")),
            "{run:?}"
        );
    }

    #[test]
    fn deeply_nested_facts_fail_closed() {
        let nested = format!("{{\"a\":{}1{}}}", "[".repeat(40), "]".repeat(40));
        let outcome = WitOutcome {
            findings: Vec::new(),
            facts: nested,
        };
        let run = convert("c", "x", info(), outcome, 1 << 20).expect("converts");
        assert!(
            run.error
                .as_deref()
                .is_some_and(|e| e.contains("nested 41 levels")),
            "{run:?}"
        );
        let flat = WitOutcome {
            findings: Vec::new(),
            facts: r#"{"a":[[1]]}"#.into(),
        };
        assert_eq!(
            convert("c", "x", info(), flat, 1 << 20)
                .expect("converts")
                .status,
            Status::Pass
        );
    }
}
