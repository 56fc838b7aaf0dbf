//! `junit`: one testcase per rule, as GitLab, Jenkins and most CI read it,
//! written with `quick-xml` (escaping is the crate's). A blocking rule that
//! fails is a `<failure>`, one that errors an `<error>`; a skipped rule is
//! `<skipped>`; a warn-only rule that fails passes with the warning in
//! `<system-out>`, because JUnit has no warning. A test case whose rule has
//! located findings carries the first one's `file` and `line`.

use super::{Renderer, Report};
use crate::eval::RuleResult;
use crate::model::Status;
use crate::plan::Enforcement;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io::{self, Write};

/// The JUnit renderer.
pub struct Junit;

/// `text` without the control characters XML 1.0 forbids (quick-xml
/// escapes markup, not those).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The failure's message, fix and checklist items, one per line.
fn detail(rule: &RuleResult) -> String {
    let mut lines = Vec::new();
    if let Some(message) = &rule.message {
        lines.push(message.clone());
    }
    if let Some(fix) = &rule.remediation {
        lines.push(format!("How to fix: {fix}"));
    }
    if !rule.refs.is_empty() {
        lines.push(format!(
            "Checklist items:\n- {}",
            crate::attest::vouches::described(&rule.refs, &rule.defined_at.0).join("\n- ")
        ));
    }
    clean(&lines.join("\n"))
}

/// The `file` and `line` of the rule's first located finding.
fn place(report: &Report, rule: &RuleResult) -> Vec<(&'static str, String)> {
    let Some(location) = report.evidence(rule).find_map(|f| f.location.as_ref()) else {
        return Vec::new();
    };
    let mut attributes = vec![("file", clean(&location.path))];
    if let Some(line) = location.line {
        attributes.push(("line", line.to_string()));
    }
    attributes
}

fn testcase(
    xml: &mut Writer<&mut dyn Write>,
    report: &Report,
    rule: &RuleResult,
) -> io::Result<()> {
    let classname = clean(&format!("gonogo.{}", rule.area));
    let name = clean(&format!("{}: {}", rule.id, rule.title));
    let message = clean(rule.message.as_deref().unwrap_or(&rule.title));
    let mut attributes = vec![("classname", classname), ("name", name)];
    attributes.extend(place(report, rule));
    let element = xml
        .create_element("testcase")
        .with_attributes(attributes.iter().map(|(k, v)| (*k, v.as_str())));
    match (rule.status, rule.enforcement) {
        (Status::Pass | Status::Warn, _) => element.write_empty().map(drop),
        (Status::Waived, _) => {
            let why = rule
                .waiver
                .as_ref()
                .map(|w| {
                    format!(
                        "waived: {} (approved by {}, until {})",
                        w.reason, w.approver, w.expires
                    )
                })
                .unwrap_or_default();
            element
                .write_inner_content(|xml| {
                    xml.create_element("skipped")
                        .with_attribute(("message", clean(&why).as_str()))
                        .write_empty()
                        .map(drop)
                })
                .map(drop)
        }
        (Status::Skip, _) => element
            .write_inner_content(|xml| {
                xml.create_element("skipped")
                    .with_attribute(("message", message.as_str()))
                    .write_empty()
                    .map(drop)
            })
            .map(drop),
        (Status::Fail | Status::Error, Enforcement::Block) => {
            let (tag, kind) = if rule.status == Status::Fail {
                ("failure", rule.severity.as_str())
            } else {
                ("error", "could-not-evaluate")
            };
            element
                .write_inner_content(|xml| {
                    xml.create_element(tag)
                        .with_attribute(("type", kind))
                        .with_attribute(("message", message.as_str()))
                        .write_text_content(BytesText::new(&detail(rule)))
                        .map(drop)
                })
                .map(drop)
        }
        (Status::Fail | Status::Error, Enforcement::Warn) => element
            .write_inner_content(|xml| {
                xml.create_element("system-out")
                    .write_text_content(BytesText::new(&format!("WARNING: {}", detail(rule))))
                    .map(drop)
            })
            .map(drop),
    }
}

impl Renderer for Junit {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let blocking = |status: Status| {
            report
                .rules
                .iter()
                .filter(|r| r.status == status && r.enforcement == Enforcement::Block)
                .count()
                .to_string()
        };
        let (failures, errors) = (blocking(Status::Fail), blocking(Status::Error));
        let skipped = report
            .rules
            .iter()
            .filter(|r| matches!(r.status, Status::Skip | Status::Waived))
            .count()
            .to_string();
        let tests = report.rules.len().to_string();
        let counts = [
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("errors", errors.as_str()),
            ("skipped", skipped.as_str()),
        ];
        let suite = clean(&format!("{} ({})", report.pack.name, report.environment));
        let mut xml = Writer::new_with_indent(out, b' ', 2);
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        xml.create_element("testsuites")
            .with_attribute(("name", "gonogo"))
            .with_attributes(counts)
            .write_inner_content(|xml| {
                xml.create_element("testsuite")
                    .with_attribute(("name", suite.as_str()))
                    .with_attributes(counts)
                    .write_inner_content(|xml| {
                        xml.create_element("properties")
                            .write_inner_content(|xml| {
                                for (name, value) in [
                                    ("verdict", report.decision.verdict.to_owned()),
                                    ("target", clean(&report.target.path)),
                                    ("environment", clean(&report.environment)),
                                ] {
                                    xml.create_element("property")
                                        .with_attribute(("name", name))
                                        .with_attribute(("value", value.as_str()))
                                        .write_empty()?;
                                }
                                Ok(())
                            })?;
                        for rule in &report.rules {
                            testcase(xml, report, rule)?;
                        }
                        Ok(())
                    })
                    .map(drop)
            })?;
        xml.into_inner().write_all(b"\n")
    }
}
