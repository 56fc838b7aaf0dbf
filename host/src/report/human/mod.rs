//! The human report. By default it shows what needs doing: the blocking
//! rules, then the warnings, each with its message, where, and the fix;
//! the sign-offs no one has attested yet as one group; the rules that do
//! not apply, one line per reason; the passes as a count; the checks only
//! when one broke. With `--verbose`, every rule by area as the pack lists
//! them, and every check. The decision comes last, in words that match
//! its numbers. Colour is written as ANSI; the CLI strips it when stdout is
//! not a terminal or `NO_COLOR` is set.

mod concise;
mod rule;

use super::{Renderer, Report};
use anstyle::{AnsiColor, Style};
use rule::RuleWriter;
use std::io::{self, Write};

/// The human renderer.
pub struct Human {
    /// Every rule and every check, not only what needs doing.
    pub verbose: bool,
}

const GREEN: Style = AnsiColor::Green.on_default();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();
/// Locations shown under a failing rule; the JSON report has them all.
const MAX_LOCATIONS: usize = 5;

impl Renderer for Human {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        header(report, out)?;
        let mut rules = RuleWriter::new(report);
        if self.verbose {
            every_rule(report, out, &mut rules)?;
        } else {
            concise::what_needs_doing(report, out, &mut rules)?;
        }
        checks(report, out, self.verbose)?;
        footer(report, out)
    }
}

fn header(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{BOLD}gonogo{BOLD:#} · pack {} · {}{} · environment {}",
        report.pack.name,
        report.target.path,
        report.git_suffix(),
        report.environment
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
    Ok(())
}

/// Every rule, by area in the pack's order.
fn every_rule<'r>(
    report: &'r Report,
    out: &mut dyn Write,
    rules: &mut RuleWriter<'r>,
) -> io::Result<()> {
    let mut areas: Vec<&str> = Vec::new();
    for rule in &report.rules {
        if !areas.contains(&rule.area.as_str()) {
            areas.push(&rule.area);
        }
    }
    for area in areas {
        writeln!(out, "\n{BOLD}{area}{BOLD:#}")?;
        for rule in report.rules.iter().filter(|r| r.area == area) {
            rules.write(out, report, rule)?;
        }
    }
    Ok(())
}

/// The checks: every one with `--verbose`; otherwise a count, and those
/// that could not run or had probes refused.
fn checks(report: &Report, out: &mut dyn Write, verbose: bool) -> io::Result<()> {
    let broken =
        |run: &&crate::model::CheckRun| run.error.is_some() || !run.probes_refused.is_empty();
    let (left_out, ran): (Vec<&crate::model::CheckRun>, Vec<&crate::model::CheckRun>) =
        report.checks.iter().partition(|run| run.not_run.is_some());
    if !verbose {
        let reused = ran.iter().filter(|r| r.reused).count();
        writeln!(
            out,
            "\n{BOLD}checks{BOLD:#} {DIM}{} ran, {reused} reused (nothing they read had changed){DIM:#}",
            ran.len()
        )?;
    } else {
        writeln!(out, "\n{BOLD}checks{BOLD:#}")?;
    }
    if let Some(first) = left_out.first() {
        let names: Vec<&str> = left_out.iter().map(|r| r.name.as_str()).collect();
        writeln!(
            out,
            "  {DIM}-{DIM:#} {} not run: {}",
            names.join(", "),
            first.not_run.as_deref().unwrap_or_default()
        )?;
    }
    for run in ran.into_iter().filter(|run| verbose || broken(run)) {
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
    Ok(())
}

fn footer(report: &Report, out: &mut dyn Write) -> io::Result<()> {
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
