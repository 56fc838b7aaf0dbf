//! `markdown`: a compact summary for `$GITHUB_STEP_SUMMARY` and pull-request
//! comments: the decision first, then blocking failures, warnings, and a
//! collapsed list of what passed or did not apply.

use super::{Renderer, Report};
use crate::eval::RuleResult;
use crate::model::Status;
use crate::policy::Enforcement;
use std::io::{self, Write};

/// The Markdown renderer.
pub struct Markdown;

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn table(out: &mut dyn Write, rules: &[&RuleResult]) -> io::Result<()> {
    writeln!(out, "| Rule | Severity | Why | How to fix |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    for rule in rules {
        let why = match rule.status {
            Status::Error => format!(
                "could not be evaluated: {}",
                rule.message.as_deref().unwrap_or("")
            ),
            _ => rule.message.clone().unwrap_or_default(),
        };
        writeln!(
            out,
            "| `{}` {} | {} | {} | {} |",
            rule.id,
            cell(&rule.title),
            rule.severity.as_str(),
            cell(&why),
            cell(rule.remediation.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(out)
}

impl Renderer for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let decision = &report.decision;
        let headline = if decision.go { "✅ GO" } else { "❌ NO-GO" };
        writeln!(out, "## {headline} · {}\n", report.pack.name)?;
        writeln!(
            out,
            "**{}** · `{}`{} · environment `{}`\n",
            report.counts_line(),
            report.target.path,
            report.git_suffix(),
            report.environment
        )?;
        let failing = |enforcement: Enforcement| -> Vec<&RuleResult> {
            report
                .rules
                .iter()
                .filter(|r| {
                    r.enforcement == enforcement && matches!(r.status, Status::Fail | Status::Error)
                })
                .collect()
        };
        let blocking = failing(Enforcement::Block);
        if !blocking.is_empty() {
            writeln!(out, "### Blocking\n")?;
            table(out, &blocking)?;
        }
        let warnings = failing(Enforcement::Warn);
        if !warnings.is_empty() {
            writeln!(out, "### Warnings\n")?;
            table(out, &warnings)?;
        }
        for note in &decision.notes {
            writeln!(out, "> **Note:** {}\n", cell(note))?;
        }
        let rest: Vec<&RuleResult> = report
            .rules
            .iter()
            .filter(|r| {
                matches!(
                    r.status,
                    Status::Pass | Status::Skip | Status::Warn | Status::Waived
                )
            })
            .collect();
        if !rest.is_empty() {
            writeln!(
                out,
                "<details><summary>Passed ({}) and not applicable ({})</summary>\n",
                decision.counts.pass, decision.counts.skip
            )?;
            for rule in rest {
                let mark = match rule.status {
                    Status::Skip => "➖",
                    Status::Waived => "〰️",
                    _ => "✅",
                };
                let waived = rule
                    .waiver
                    .as_ref()
                    .map(|w| {
                        format!(
                            " — waived until {} by {}: {}",
                            w.expires,
                            w.approver,
                            cell(&w.reason)
                        )
                    })
                    .unwrap_or_default();
                writeln!(out, "- {mark} `{}` {}{waived}", rule.id, cell(&rule.title))?;
            }
            writeln!(out, "\n</details>")?;
        }
        Ok(())
    }
}
