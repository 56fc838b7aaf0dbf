//! What checks report, as the host keeps it: findings, facts, logs, status.

use serde::{Deserialize, Serialize};

/// The status of a finding, a check run or a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In order.
    Pass,
    /// Wrong or missing.
    Fail,
    /// Worth a look.
    Warn,
    /// Not applicable.
    Skip,
    /// Could not tell.
    Error,
    /// A rule's failure waived by an active exception (rules only).
    Waived,
}

impl Status {
    /// The lowercase name, as CEL and reports see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skip => "skip",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }
}

/// How much something matters, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information.
    Info,
    /// Minor.
    Low,
    /// Fix before long.
    Medium,
    /// Fix before production.
    High,
    /// Must be fixed before production.
    Critical,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Where a finding points, relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Path with `/` separators.
    pub path: String,
    /// 1-based line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// One finding of a check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id within the check.
    pub id: String,
    /// Its status.
    pub status: Status,
    /// Its severity.
    pub severity: Severity,
    /// One sentence for a person.
    pub message: String,
    /// Where, if in a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
}

/// What a check says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInfo {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Description.
    pub description: String,
}

/// One line a check logged (through `host.log`, stdout or stderr).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// `debug`, `info`, `warn`, `error`, `stdout` or `stderr`.
    pub level: String,
    /// The text, secrets redacted.
    pub message: String,
}

/// Everything known about one check's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRun {
    /// The check's name in the pack.
    pub name: String,
    /// Where it came from (`builtin:env`, a path).
    #[serde(rename = "use", default)]
    pub source: String,
    /// `describe()`, when the check got that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<CheckInfo>,
    /// `error` when it could not run; otherwise the worst finding status
    /// (`fail` > `warn` > `pass`), `pass` without findings.
    pub status: Status,
    /// Why it could not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Why it was not run on purpose (`--repository-only`): the rules that
    /// read it are `skip` with this reason, not judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_run: Option<String>,
    /// Its findings.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Its facts (a JSON object).
    #[serde(default)]
    pub facts: serde_json::Map<String, serde_json::Value>,
    /// What it logged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<LogLine>,
    /// Probe attempts refused because the policy does not grant the host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes_refused: Vec<String>,
    /// Wall-clock time of the run, in milliseconds.
    #[serde(skip, default)]
    pub duration_ms: u64,
    /// Whether this outcome is the one stored by an earlier run, reused
    /// because everything the check read is unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reused: bool,
}

impl CheckRun {
    /// A run that could not happen or failed, with the reason.
    pub fn failed(name: &str, source: &str, info: Option<CheckInfo>, error: String) -> Self {
        CheckRun {
            name: name.to_owned(),
            source: source.to_owned(),
            info,
            status: Status::Error,
            error: Some(error),
            not_run: None,
            findings: Vec::new(),
            facts: serde_json::Map::new(),
            logs: Vec::new(),
            probes_refused: Vec::new(),
            duration_ms: 0,
            reused: false,
        }
    }

    /// A check left out of this run on purpose, and why.
    pub fn not_run(name: &str, source: &str, why: String) -> Self {
        CheckRun {
            status: Status::Skip,
            error: None,
            not_run: Some(why),
            ..Self::failed(name, source, None, String::new())
        }
    }

    /// The overall status of a run that completed, from its findings.
    pub fn status_of(findings: &[Finding]) -> Status {
        let has = |s: Status| findings.iter().any(|f| f.status == s);
        if has(Status::Error) || has(Status::Fail) {
            Status::Fail
        } else if has(Status::Warn) {
            Status::Warn
        } else if !findings.is_empty() && findings.iter().all(|f| f.status == Status::Skip) {
            Status::Skip
        } else {
            Status::Pass
        }
    }
}
