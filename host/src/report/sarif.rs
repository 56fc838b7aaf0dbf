//! `sarif`: SARIF 2.1.0, as GitHub code scanning accepts it. One SARIF rule
//! per pack rule (with help text and severity); one result per rule that
//! failed or errored, located at the findings of its check that point into
//! the project (or at the pack file when it lives in the project).

use super::{Renderer, Report};
use crate::eval::RuleResult;
use crate::model::{Severity, Status};
use crate::plan::Enforcement;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The SARIF renderer.
pub struct Sarif;

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
        help.push_str(&format!("\n\nChecklist items: {}", rule.refs.join(", ")));
    }
    help
}

fn physical(uri: &str, line: Option<u32>) -> Value {
    let mut location = json!({ "physicalLocation": { "artifactLocation": { "uri": uri } } });
    if let Some(line) = line.filter(|l| *l > 0) {
        location["physicalLocation"]["region"] = json!({ "startLine": line });
    }
    location
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
        let pack_in_project = pack_location(report);
        let results: Vec<Value> = report
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| matches!(rule.status, Status::Fail | Status::Error))
            .map(|(index, rule)| {
                let mut locations: Vec<Value> = report
                    .evidence(rule)
                    .filter_map(|f| f.location.as_ref())
                    .map(|l| physical(&l.path, l.line))
                    .collect();
                if locations.is_empty()
                    && let Some(pack) = &pack_in_project
                {
                    locations.push(physical(pack, None));
                }
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
                "automationDetails": { "id": format!("gonogo/{}/{}", report.pack.name, report.environment) },
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

/// The pack file relative to the project, when the pack lives inside it.
fn pack_location(report: &Report) -> Option<String> {
    let project = std::path::Path::new(&report.target.path)
        .canonicalize()
        .ok()?;
    let pack = std::path::Path::new(&report.pack.origin)
        .canonicalize()
        .ok()?;
    let relative = pack.strip_prefix(project).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}
