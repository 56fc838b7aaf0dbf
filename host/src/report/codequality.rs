//! `codequality`: GitLab's Code Quality report (a subset of Code Climate's
//! format), which merge requests show inline. One issue per place of each
//! failing or erroring rule (at most ten), with a fingerprint that stays
//! the same while the rule, file and line do, so GitLab tells new issues
//! from fixed ones.

use super::{Renderer, Report};
use crate::eval::RuleResult;
use crate::model::{Severity, Status};
use crate::plan::Enforcement;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// The Code Quality renderer.
pub struct CodeQuality;

/// Places listed per rule, as in SARIF.
const MAX_PLACES: usize = 10;

/// GitLab's severities: a blocking rule weighs more than a warning.
fn severity(rule: &RuleResult, blocking: bool) -> &'static str {
    match (blocking, rule.severity) {
        (true, Severity::Critical) => "blocker",
        (true, Severity::High) => "critical",
        (true, _) | (false, Severity::Critical | Severity::High) => "major",
        (false, Severity::Medium) => "minor",
        (false, _) => "info",
    }
}

impl Renderer for CodeQuality {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut issues: Vec<Value> = Vec::new();
        for rule in report
            .rules
            .iter()
            .filter(|r| matches!(r.status, Status::Fail | Status::Error))
        {
            let blocking = report.decision.blocking.contains(&rule.id)
                || (rule.enforcement == Enforcement::Block && !rule.above_gate);
            let message = rule.message.as_deref().unwrap_or(&rule.title);
            let description = if rule.status == Status::Error {
                format!("{}: could not be judged: {message}", rule.id)
            } else {
                format!("{}: {message}", rule.id)
            };
            for (path, line) in super::places::of(report, rule).iter().take(MAX_PLACES) {
                let line = line.filter(|l| *l > 0).unwrap_or(1);
                let fingerprint = Sha256::digest(format!("gonogo\0{}\0{path}\0{line}", rule.id));
                issues.push(json!({
                    "type": "issue",
                    "check_name": rule.id,
                    "description": description,
                    "severity": severity(rule, blocking),
                    "fingerprint": hex::encode(fingerprint),
                    "location": { "path": path, "lines": { "begin": line } },
                }));
            }
        }
        serde_json::to_writer_pretty(&mut *out, &issues)?;
        writeln!(out)
    }
}
