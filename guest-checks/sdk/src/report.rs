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
    /// The check could not tell: an input it needs could not be read or
    /// parsed. The rules whose evidence names it are `error`, never a pass
    /// or a skip over what was not seen.
    pub fn error(id: &str, message: impl Into<String>) -> Self {
        Self::new(id, Status::Error, Severity::High, message)
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

/// Each status by its name in JSON.
const STATUSES: &[(Status, &str)] = &[
    (Status::Pass, "pass"),
    (Status::Fail, "fail"),
    (Status::Warn, "warn"),
    (Status::Skip, "skip"),
    (Status::Error, "error"),
];

/// Each severity by its name in JSON.
const SEVERITIES: &[(Severity, &str)] = &[
    (Severity::Info, "info"),
    (Severity::Low, "low"),
    (Severity::Medium, "medium"),
    (Severity::High, "high"),
    (Severity::Critical, "critical"),
];

/// The name of `value` in `table`.
fn name_of<T: PartialEq>(table: &[(T, &'static str)], value: T) -> &'static str {
    table
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("", |(_, name)| name)
}

/// The value named by `name` (a JSON string) in `table`.
fn by_name<T: Copy>(table: &[(T, &str)], name: &Value) -> Option<T> {
    let name = name.as_str()?;
    table.iter().find(|(_, n)| *n == name).map(|(v, _)| *v)
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

    /// Its findings, in order, and its facts: to take what a [`crate::part`]
    /// reported into the run's report.
    pub fn into_parts(self) -> (Vec<Finding>, Map<String, Value>) {
        (self.findings, self.facts)
    }

    /// The report as JSON, as a part hands it back to `run`.
    pub(crate) fn to_json(&self) -> String {
        let findings: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "id": f.id,
                    "status": name_of(STATUSES, f.status),
                    "severity": name_of(SEVERITIES, f.severity),
                    "message": f.message,
                    "location": f.location.as_ref().map(|l| serde_json::json!({"path": l.path, "line": l.line})),
                    "remediation": f.remediation,
                })
            })
            .collect();
        serde_json::json!({"findings": findings, "facts": self.facts}).to_string()
    }

    /// The report [`Report::to_json`] wrote; `None` for anything else.
    pub(crate) fn from_json(json: &str) -> Option<Report> {
        let mut value: Value = serde_json::from_str(json).ok()?;
        let Value::Object(facts) = value.get_mut("facts")?.take() else {
            return None;
        };
        let findings = value
            .get("findings")?
            .as_array()?
            .iter()
            .map(|f| {
                let location = match f.get("location")? {
                    Value::Null => None,
                    location => Some(Location {
                        path: location.get("path")?.as_str()?.to_owned(),
                        line: location
                            .get("line")?
                            .as_u64()
                            .and_then(|l| u32::try_from(l).ok()),
                    }),
                };
                Some(Finding {
                    id: f.get("id")?.as_str()?.to_owned(),
                    status: by_name(STATUSES, f.get("status")?)?,
                    severity: by_name(SEVERITIES, f.get("severity")?)?,
                    message: f.get("message")?.as_str()?.to_owned(),
                    location,
                    remediation: f.get("remediation")?.as_str().map(str::to_owned),
                })
            })
            .collect::<Option<Vec<Finding>>>()?;
        Some(Report { findings, facts })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_crosses_from_a_part_to_run_unchanged() {
        let mut report = Report::new();
        report.push(
            Finding::fail("cors-wildcard", Severity::Critical, "CORS allows `*`")
                .at("src/main.ts", Some(12))
                .fix("list the origins"),
        );
        report.push(Finding::warn("no-line", Severity::Low, "somewhere").at("a.txt", None));
        report.push(Finding::pass("fine", "all good"));
        report.fact(
            "service",
            serde_json::json!({"dir": "apps/a", "modules": 3}),
        );
        let back = Report::from_json(&report.to_json()).expect("a report");
        assert_eq!(back.to_json(), report.to_json());
        let (findings, facts) = back.into_parts();
        assert_eq!(findings.len(), 3);
        assert_eq!(findings[0].status, Status::Fail);
        assert_eq!(findings[0].severity, Severity::Critical);
        assert_eq!(
            findings[0].location.as_ref().map(|l| l.line),
            Some(Some(12))
        );
        assert_eq!(findings[0].remediation.as_deref(), Some("list the origins"));
        assert_eq!(findings[1].location.as_ref().map(|l| l.line), Some(None));
        assert!(findings[2].location.is_none());
        assert_eq!(facts["service"]["dir"], "apps/a");
        for broken in [
            "",
            "[]",
            r#"{"findings": []}"#,
            r#"{"findings": [{"id": 1}], "facts": {}}"#,
        ] {
            assert!(Report::from_json(broken).is_none(), "{broken}");
        }
    }
}
