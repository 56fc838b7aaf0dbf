//! `sarif`: SARIF 2.1.0, as GitHub code scanning accepts it. One SARIF rule
//! per pack rule (with help text and severity); one result per rule that
//! failed or errored, located at the findings of its check that point into
//! the project, else at the rule in the pack file when the pack is in the
//! repository, else at the project's manifest ([`super::places`]): every
//! result has a file and a line, as code scanning needs to show it. Paths start at the root of
//! the git repository (`uriBaseId` `SRCROOT`), so a project in `apps/api`
//! puts its alerts on `apps/api/…`; `automationDetails.id` is the category
//! (`--sarif-category`), the project's path and a non-production
//! environment, so two projects of one repository never replace each
//! other's alerts.

use super::{Renderer, Report};
use crate::eval::RuleResult;
use crate::model::{Severity, Status};
use crate::plan::Enforcement;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The SARIF renderer.
pub struct Sarif {
    /// The analysis category, the start of `automationDetails.id`.
    pub category: String,
}

/// The most locations a result lists: code scanning shows no more.
const MAX_LOCATIONS: usize = 10;

/// GitHub's `security-severity` scale (0–10) for a rule's severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn level(rule: &RuleResult) -> &'static str {
    match (rule.enforcement, rule.severity) {
        (_, Severity::Info) => "note",
        (Enforcement::Block, _) => "error",
        (Enforcement::Warn, _) => "warning",
    }
}

fn help_text(rule: &RuleResult) -> String {
    let mut help = rule.title.clone();
    if let Some(fix) = &rule.remediation {
        help.push_str(&format!("\n\nHow to fix: {fix}"));
    }
    if !rule.refs.is_empty() {
        let items = crate::attest::vouches::described(&rule.refs, &rule.defined_at.0);
        help.push_str(&format!("\n\nChecklist items:\n- {}", items.join("\n- ")));
    }
    help
}

/// A location at `uri` (from the repository's root); a finding about a
/// whole file is shown on its first line.
fn physical(uri: &str, line: Option<u32>) -> Value {
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri, "uriBaseId": "SRCROOT" },
        "region": { "startLine": line.filter(|l| *l > 0).unwrap_or(1) },
    } })
}

/// Where a result is shown (see [`super::places`]), at most
/// [`MAX_LOCATIONS`].
fn locations(report: &Report, rule: &RuleResult) -> Vec<Value> {
    super::places::of(report, rule)
        .iter()
        .take(MAX_LOCATIONS)
        .map(|(path, line)| physical(path, *line))
        .collect()
}

/// `automationDetails.id`: the category, the project's path in the
/// repository (none at its root), `@environment` unless production, and
/// a final `/` (what follows it would be a run id).
fn automation_id(category: &str, report: &Report) -> String {
    let mut id = category.trim_end_matches('/').to_owned();
    let path = report.target.path_in_repository.as_deref().unwrap_or("");
    if !path.is_empty() {
        id.push('/');
        id.push_str(path);
    }
    if report.environment != "production" {
        id.push('@');
        id.push_str(&report.environment);
    }
    id.push('/');
    id
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let rules: Vec<Value> = report
            .rules
            .iter()
            .map(|rule| {
                json!({
                    "id": rule.id,
                    "name": rule.id,
                    "shortDescription": { "text": rule.title },
                    "fullDescription": { "text": rule.title },
                    "help": { "text": help_text(rule) },
                    "defaultConfiguration": { "level": level(rule) },
                    "properties": {
                        "tags": [rule.area],
                        "security-severity": security_severity(rule.severity),
                        "precision": "high",
                    },
                })
            })
            .collect();
        let results: Vec<Value> = report
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| matches!(rule.status, Status::Fail | Status::Error))
            .map(|(index, rule)| {
                let locations = locations(report, rule);
                let message = rule.message.clone().unwrap_or_else(|| rule.title.clone());
                let text = if rule.status == Status::Error {
                    format!("{}: could not be evaluated: {message}", rule.title)
                } else {
                    format!("{}: {message}", rule.title)
                };
                json!({
                    "ruleId": rule.id,
                    "ruleIndex": index,
                    "level": level(rule),
                    "message": { "text": text },
                    "locations": locations,
                    "properties": { "status": rule.status.as_str(), "enforcement": rule.enforcement },
                })
            })
            .collect();
        let sarif = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "gonogo",
                    "version": report.gonogo_version,
                    "rules": rules,
                } },
                "automationDetails": { "id": automation_id(&self.category, report) },
                "originalUriBaseIds": { "SRCROOT": { "description": { "text":
                    "The root of the git repository holding the project (the project folder outside git)" } } },
                "invocations": [{
                    "executionSuccessful": true,
                    "properties": { "verdict": report.decision.verdict },
                }],
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &sarif)?;
        writeln!(out)
    }
}
