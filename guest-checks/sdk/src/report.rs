//! Findings and facts, built up by a check and handed to the host as JSON.

use crate::bindings::gonogo::check::types::{Location, Outcome, Severity, Status};
use serde_json::{Map, Value};

/// One finding of a check, built with [`Finding::fail`] and friends.
#[derive(Debug, Clone)]
pub struct Finding {
    id: String,
    status: Status,
    severity: Severity,
    message: String,
    location: Option<Location>,
    remediation: Option<String>,
}

impl Finding {
    /// A finding with any status.
    pub fn new(id: &str, status: Status, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            id: id.to_owned(),
            status,
            severity,
            message: message.into(),
            location: None,
            remediation: None,
        }
    }
    /// What was looked for is wrong or missing.
    pub fn fail(id: &str, severity: Severity, message: impl Into<String>) -> Self {
        Self::new(id, Status::Fail, severity, message)
    }
    /// Worth a look, not wrong in itself.
    pub fn warn(id: &str, severity: Severity, message: impl Into<String>) -> Self {
        Self::new(id, Status::Warn, severity, message)
    }
    /// What was looked for is in order.
    pub fn pass(id: &str, message: impl Into<String>) -> Self {
        Self::new(id, Status::Pass, Severity::Info, message)
    }
    /// Points the finding at a file (relative to the project root) and line.
    pub fn at(mut self, path: &str, line: Option<u32>) -> Self {
        self.location = Some(Location {
            path: path.to_owned(),
            line,
        });
        self
    }
    /// Says how to fix it.
    pub fn fix(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = Some(remediation.into());
        self
    }
}

/// Everything one run reports: findings in order, and a JSON object of facts.
#[derive(Debug, Default)]
pub struct Report {
    findings: Vec<Finding>,
    facts: Map<String, Value>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
    /// Sets a top-level fact; rules read it as `facts.<key>`.
    pub fn fact(&mut self, key: &str, value: impl Into<Value>) {
        self.facts.insert(key.to_owned(), value.into());
    }

    pub(crate) fn into_outcome(self) -> Outcome {
        Outcome {
            findings: self
                .findings
                .into_iter()
                .map(|f| crate::bindings::gonogo::check::types::Finding {
                    id: f.id,
                    status: f.status,
                    severity: f.severity,
                    message: f.message,
                    location: f.location,
                    remediation: f.remediation,
                })
                .collect(),
            facts: Value::Object(self.facts).to_string(),
        }
    }
}
