//! `junit`: one testcase per rule, as GitLab, Jenkins and most CI read it.
//! A blocking rule that fails is a `<failure>`, one that errors an
//! `<error>`; a skipped rule is `<skipped>`; a warn-only rule that fails
//! passes with the warning in `<system-out>`, because JUnit has no warning.
//! A test case whose rule has located findings carries the first one's
//! `file` and `line`.

use super::{Renderer, Report};
use crate::model::Status;
use crate::plan::Enforcement;
use std::io::{self, Write};

/// The JUnit renderer.
pub struct Junit;

/// Escapes text for XML attributes and content (and drops characters XML 1.0 forbids).
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

impl Renderer for Junit {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let blocking = |status: Status| {
            report
                .rules
                .iter()
                .filter(|r| r.status == status && r.enforcement == Enforcement::Block)
                .count()
        };
        let (failures, errors) = (blocking(Status::Fail), blocking(Status::Error));
        let skipped = report
            .rules
            .iter()
            .filter(|r| matches!(r.status, Status::Skip | Status::Waived))
            .count();
        let tests = report.rules.len();
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="gonogo" tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}">"#
        )?;
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}">"#,
            xml(&format!("{} ({})", report.pack.name, report.environment))
        )?;
        writeln!(out, "    <properties>")?;
        for (name, value) in [
            ("verdict", report.decision.verdict.to_owned()),
            ("target", report.target.path.clone()),
            ("environment", report.environment.clone()),
        ] {
            writeln!(
                out,
                r#"      <property name="{name}" value="{}"/>"#,
                xml(&value)
            )?;
        }
        writeln!(out, "    </properties>")?;
        for rule in &report.rules {
            let classname = xml(&format!("gonogo.{}", rule.area));
            let name = xml(&format!("{}: {}", rule.id, rule.title));
            let message = xml(rule.message.as_deref().unwrap_or(&rule.title));
            let detail = xml(&[
                rule.message.clone().unwrap_or_default(),
                rule.remediation
                    .as_ref()
                    .map(|f| format!("How to fix: {f}"))
                    .unwrap_or_default(),
                if rule.refs.is_empty() {
                    String::new()
                } else {
                    format!(
                        "Checklist items:\n- {}",
                        crate::attest::vouches::described(&rule.refs, &rule.defined_at.0)
                            .join("\n- ")
                    )
                },
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n"));
            // Where the first of its findings is, as GitLab and Jenkins
            // link a test case to a file.
            let place = report
                .evidence(rule)
                .find_map(|f| f.location.as_ref())
                .map(|l| {
                    let line = l
                        .line
                        .map(|n| format!(r#" line="{n}""#))
                        .unwrap_or_default();
                    format!(r#" file="{}"{line}"#, xml(&l.path))
                })
                .unwrap_or_default();
            write!(
                out,
                r#"    <testcase classname="{classname}" name="{name}"{place}"#
            )?;
            match (rule.status, rule.enforcement) {
                (Status::Pass | Status::Warn, _) => writeln!(out, "/>")?,
                (Status::Waived, _) => writeln!(
                    out,
                    ">\n      <skipped message=\"waived: {}\"/>\n    </testcase>",
                    xml(&rule
                        .waiver
                        .as_ref()
                        .map(|w| format!(
                            "{} (approved by {}, until {})",
                            w.reason, w.approver, w.expires
                        ))
                        .unwrap_or_default())
                )?,
                (Status::Skip, _) => writeln!(
                    out,
                    ">\n      <skipped message=\"{message}\"/>\n    </testcase>"
                )?,
                (Status::Fail, Enforcement::Block) => writeln!(
                    out,
                    ">\n      <failure type=\"{}\" message=\"{message}\">{detail}</failure>\n    </testcase>",
                    rule.severity.as_str()
                )?,
                (Status::Error, Enforcement::Block) => writeln!(
                    out,
                    ">\n      <error type=\"could-not-evaluate\" message=\"{message}\">{detail}</error>\n    </testcase>"
                )?,
                (Status::Fail | Status::Error, Enforcement::Warn) => writeln!(
                    out,
                    ">\n      <system-out>WARNING: {detail}</system-out>\n    </testcase>"
                )?,
            }
        }
        writeln!(out, "  </testsuite>")?;
        writeln!(out, "</testsuites>")
    }
}
