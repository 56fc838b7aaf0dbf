//! One rule in the human report: its line (mark, id, title, severity) and,
//! under a failure, its message, where its findings are, and the fix.

use super::{DIM, GREEN, MAX_LOCATIONS, RED, YELLOW};
use crate::eval::RuleResult;
use crate::model::Status;
use crate::plan::Enforcement;
use crate::report::Report;
use anstyle::Style;
use std::collections::HashMap;
use std::io::{self, Write};

/// How much of a failure's message one line shows; `--verbose` shows it all.
const MESSAGE_CHARS: usize = 110;

/// `text` cut to `chars` characters, with `…` when it was longer.
fn shortened(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_owned(),
    }
}

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

/// Writes rules, each error message once: an error shared by many rules (a
/// check that could not run) is written under the first of them.
pub struct RuleWriter<'r> {
    /// The width of the id column.
    pub width: usize,
    first_with_error: HashMap<&'r str, &'r str>,
}

impl<'r> RuleWriter<'r> {
    /// A writer for the rules of `report`.
    pub fn new(report: &'r Report) -> Self {
        RuleWriter {
            width: report.rules.iter().map(|r| r.id.len()).max().unwrap_or(0),
            first_with_error: HashMap::new(),
        }
    }

    /// The same, with the id column as wide as the longest of `ids`.
    pub fn for_ids<'i>(report: &'r Report, ids: impl Iterator<Item = &'i str>) -> Self {
        RuleWriter {
            width: ids.map(str::len).max().unwrap_or(0),
            ..Self::new(report)
        }
    }

    /// The rule's line, then what explains a failure, a waiver or a skip.
    pub fn write(
        &mut self,
        out: &mut dyn Write,
        report: &Report,
        rule: &'r RuleResult,
    ) -> io::Result<()> {
        let width = self.width;
        let (symbol, style) = mark(rule.status, rule.enforcement);
        let tag = match (rule.status, rule.enforcement) {
            (Status::Fail | Status::Error, _) if rule.above_gate => " (above the gated level)",
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
            self.failure(out, report, rule)?;
        }
        Ok(())
    }

    /// One line: the mark (a blocking one, or a warning's), the id, why it
    /// failed (shortened to [`MESSAGE_CHARS`]) and where its first finding
    /// is.
    pub fn write_line(
        &mut self,
        out: &mut dyn Write,
        report: &Report,
        rule: &'r RuleResult,
        blocking: bool,
    ) -> io::Result<()> {
        let width = self.width;
        let enforcement = if blocking {
            Enforcement::Block
        } else {
            Enforcement::Warn
        };
        let (symbol, style) = mark(rule.status, enforcement);
        let message = match (rule.status, rule.message.as_deref()) {
            (Status::Error, Some(message)) => match self.first_with_error.get(message) {
                Some(first) => format!("the same error as {first}"),
                None => {
                    self.first_with_error.insert(message, &rule.id);
                    message.to_owned()
                }
            },
            (_, Some(message)) => message.to_owned(),
            (_, None) => rule.title.clone(),
        };
        let message = shortened(&message, MESSAGE_CHARS);
        let places: Vec<String> = report
            .evidence(rule)
            .filter_map(|f| f.location.as_ref())
            .map(|l| match l.line {
                Some(line) => format!("{}:{line}", l.path),
                None => l.path.clone(),
            })
            .collect();
        let place = match places.as_slice() {
            // The message names the place already (`JWT_SECRET at src/a.js:7`).
            [] => String::new(),
            [first, ..] if message.contains(first.as_str()) && places.len() == 1 => String::new(),
            [one] => format!("  {DIM}{one}{DIM:#}"),
            [first, rest @ ..] => format!("  {DIM}{first} (+{} more){DIM:#}", rest.len()),
        };
        let error = if rule.status == Status::Error {
            format!("{style}could not judge:{style:#} ")
        } else {
            String::new()
        };
        let tag = if rule.above_gate {
            format!(" {DIM}(above the gated level){DIM:#}")
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {style}{symbol}{style:#} {:width$}  {error}{message}{place}{tag}",
            rule.id
        )
    }

    fn failure(
        &mut self,
        out: &mut dyn Write,
        report: &Report,
        rule: &'r RuleResult,
    ) -> io::Result<()> {
        match (rule.status, rule.message.as_deref()) {
            (Status::Error, Some(message)) => match self.first_with_error.get(message) {
                Some(first) => writeln!(out, "      {DIM}the same error as {first}{DIM:#}")?,
                None => {
                    self.first_with_error.insert(message, &rule.id);
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
        Ok(())
    }
}
