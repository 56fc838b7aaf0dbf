//! The human report: rules grouped by area with a mark each, the failure
//! message and fix under failures, the checks, then the decision last.
//! Colour is written as ANSI; the CLI strips it when stdout is not a
//! terminal or `NO_COLOR` is set.

use super::{Renderer, Report};
use crate::model::Status;
use crate::plan::Enforcement;
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

/// The human renderer.
pub struct Human;

const GREEN: Style = AnsiColor::Green.on_default();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();
/// Locations shown under a failing rule; the JSON report has them all.
const MAX_LOCATIONS: usize = 5;

fn mark(status: Status, enforcement: Enforcement) -> (&'static str, Style) {
    match (status, enforcement) {
        (Status::Pass, _) => ("✓", GREEN),
        (Status::Skip, _) => ("-", DIM),
        (Status::Waived, _) => ("~", YELLOW),
        (Status::Fail, Enforcement::Block) => ("✗", RED),
        (Status::Error, Enforcement::Block) => ("!", RED),
        (Status::Fail | Status::Error, Enforcement::Warn) | (Status::Warn, _) => ("⚠", YELLOW),
    }
}

impl Renderer for Human {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let target = &report.target;
        let git = report.git_suffix();
        writeln!(
            out,
            "{BOLD}gonogo{BOLD:#} · pack {} · {}{git} · environment {}",
            report.pack.name, target.path, report.environment
        )?;
        for extended in &report.pack.extends {
            writeln!(out, "{DIM}extends {extended}{DIM:#}")?;
        }
        for o in &report.pack.overrides {
            writeln!(
                out,
                "{YELLOW}override{YELLOW:#} {}: {} — {} {DIM}(by {}){DIM:#}",
                o.rule, o.change, o.reason, o.by
            )?;
        }
        let width = report.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
        // An error shared by many rules (a check that could not run) is
        // written out once, under the first of them.
        let mut first_with_error: std::collections::HashMap<&str, &str> =
            std::collections::HashMap::new();
        let mut areas: Vec<&str> = Vec::new();
        for rule in &report.rules {
            if !areas.contains(&rule.area.as_str()) {
                areas.push(&rule.area);
            }
        }
        for area in areas {
            writeln!(out, "\n{BOLD}{area}{BOLD:#}")?;
            for rule in report.rules.iter().filter(|r| r.area == area) {
                let (symbol, style) = mark(rule.status, rule.enforcement);
                let tag = match (rule.status, rule.enforcement) {
                    (Status::Fail | Status::Error, _) if rule.above_gate => {
                        " (above the gated level)"
                    }
                    (Status::Fail | Status::Error, Enforcement::Warn) => " (warning)",
                    (Status::Error, Enforcement::Block) => " (error)",
                    (Status::Waived, _) => " (waived)",
                    _ => "",
                };
                writeln!(
                    out,
                    "  {style}{symbol}{style:#} {:width$}  {}{DIM}  [{}]{DIM:#}{style}{tag}{style:#}",
                    rule.id,
                    rule.title,
                    rule.severity.as_str(),
                )?;
                if let Some(waiver) = &rule.waiver {
                    if let Some(message) = &rule.message {
                        writeln!(out, "      {message}")?;
                    }
                    writeln!(
                        out,
                        "      {YELLOW}waived{YELLOW:#} until {} by {}: {} {DIM}({}){DIM:#}",
                        waiver.expires, waiver.approver, waiver.reason, waiver.source
                    )?;
                }
                if let Some(reason) = rule.skip_reason() {
                    writeln!(out, "      {DIM}{reason}{DIM:#}")?;
                }
                if matches!(rule.status, Status::Fail | Status::Error) {
                    match (rule.status, rule.message.as_deref()) {
                        (Status::Error, Some(message)) => match first_with_error.get(message) {
                            Some(first) => {
                                writeln!(out, "      {DIM}the same error as {first}{DIM:#}")?
                            }
                            None => {
                                first_with_error.insert(message, &rule.id);
                                writeln!(out, "      {message}")?;
                            }
                        },
                        (_, Some(message)) => writeln!(out, "      {message}")?,
                        (_, None) => {}
                    }
                    let located: Vec<String> = report
                        .evidence(rule)
                        .filter_map(|f| f.location.as_ref().map(|l| (f, l)))
                        .map(|(f, l)| match l.line {
                            Some(line) => format!("{}:{line} ({})", l.path, f.id),
                            None => format!("{} ({})", l.path, f.id),
                        })
                        .collect();
                    for place in located.iter().take(MAX_LOCATIONS) {
                        writeln!(out, "      {DIM}at{DIM:#} {place}")?;
                    }
                    if located.len() > MAX_LOCATIONS {
                        writeln!(
                            out,
                            "      {DIM}… and {} more{DIM:#}",
                            located.len() - MAX_LOCATIONS
                        )?;
                    }
                    if let Some(fix) = &rule.remediation {
                        writeln!(out, "      {DIM}fix:{DIM:#} {fix}")?;
                    }
                }
            }
        }
        writeln!(out, "\n{BOLD}checks{BOLD:#}")?;
        for run in &report.checks {
            let version = run
                .info
                .as_ref()
                .map(|i| format!(" {}", i.version))
                .unwrap_or_default();
            match &run.error {
                Some(error) => writeln!(
                    out,
                    "  {RED}!{RED:#} {} ({}{version}): {error}",
                    run.name, run.source
                )?,
                None => writeln!(
                    out,
                    "  {GREEN}✓{GREEN:#} {} ({}{version}): {} finding{}{}",
                    run.name,
                    run.source,
                    run.findings.len(),
                    if run.findings.len() == 1 { "" } else { "s" },
                    if run.reused {
                        format!(" {DIM}(reused: nothing it read has changed){DIM:#}")
                    } else {
                        String::new()
                    }
                )?,
            }
            for refused in &run.probes_refused {
                writeln!(out, "      {YELLOW}probe refused:{YELLOW:#} {refused}")?;
            }
        }
        let decision = &report.decision;
        for note in &decision.notes {
            writeln!(out, "\n{YELLOW}note:{YELLOW:#} {note}")?;
        }
        if let Some(level) = &decision.level {
            writeln!(
                out,
                "\nlevel reached: {} (gating on {})",
                level.reached.as_deref().unwrap_or("none"),
                level.gated
            )?;
        }
        let (word, style) = if decision.go {
            ("GO", GREEN.bold())
        } else {
            ("NO-GO", RED)
        };
        if !decision.go && decision.blocking.is_empty() {
            writeln!(out, "\nwarnings fail this run (`--fail-on warn`)")?;
        }
        writeln!(out, "\n{style}{word}{style:#} · {}", report.counts_line())
    }
}
