//! `markdown`: a compact summary for `$GITHUB_STEP_SUMMARY` and pull-request
//! comments: the decision first, then blocking failures, warnings, and a
//! collapsed list of what passed or did not apply.
//!
//! Every text that is not gonogo's own (what checks report, rule
//! messages built from it, an exception's reason, a path, a branch) goes
//! through [`inert`] or [`code`]: no HTML, link, image, emphasis, code
//! fence or autolink of a check can reach a pull request's page.

use super::{Renderer, Report};
use crate::eval::RuleResult;
use crate::model::Status;
use crate::plan::Enforcement;
use std::io::{self, Write};

/// The Markdown renderer.
pub struct Markdown;

/// Text shown as it is, inside a table cell or a list item: what is
/// between a pair of backticks as [`code`], the rest as [`plain`].
fn inert(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = if parts.len() % 2 == 1 {
        parts.len()
    } else {
        parts.len() - 1
    };
    let mut out = String::with_capacity(text.len());
    for (index, part) in parts.iter().enumerate() {
        if index >= paired {
            out.push_str("\\`");
            out.push_str(&plain(part));
        } else if index % 2 == 1 {
            out.push_str(&code(part));
        } else {
            out.push_str(&plain(part));
        }
    }
    out
}

/// Text with no Markdown or HTML meaning: HTML's special characters and
/// the table's `|` as character references, Markdown's punctuation
/// escaped, line breaks as spaces, and the start of an autolink (`://`,
/// `www.`, `name@`) broken by a zero-width space.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("&#124;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '~' | '#' | '$' => {
                out.push('\\');
                out.push(c);
            }
            ':' if chars.peek() == Some(&'/') => out.push_str(":&#8203;"),
            '@' if previous.is_alphanumeric() => out.push_str("&#8203;@"),
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push_str("&#8203;.")
            }
            _ => out.push(c),
        }
        previous = c;
    }
    out
}

/// Text shown as code: an HTML `<code>` element, its text escaped, so
/// that no backtick of the text can end it.
fn code(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "&#124;")
        .replace(['\n', '\r'], " ");
    format!("<code>{escaped}</code>")
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
            "| {} {} | {} | {} | {} |",
            code(&rule.id),
            inert(&rule.title),
            rule.severity.as_str(),
            inert(&why),
            inert(rule.remediation.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(out)
}

impl Renderer for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let decision = &report.decision;
        let headline = if decision.go { "✅ GO" } else { "❌ NO-GO" };
        writeln!(out, "## {headline} · {}\n", inert(&report.pack.name))?;
        writeln!(
            out,
            "**{}** · {}{} · environment {}\n",
            report.counts_line(),
            code(&report.target.path),
            inert(&report.git_suffix()),
            code(&report.environment)
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
            writeln!(out, "> **Note:** {}\n", inert(note))?;
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
                            inert(&w.approver),
                            inert(&w.reason)
                        )
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "- {mark} {} {}{waived}",
                    code(&rule.id),
                    inert(&rule.title)
                )?;
            }
            writeln!(out, "\n</details>")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_text_cannot_become_html_a_link_an_image_or_a_fence() {
        let hostile = "<img src=x onerror=alert(1)> ![GO](https://x.example/go.svg) [ok](javascript:x) ```\n| cell | www.evil.example a@b.example **bold**";
        let shown = inert(hostile);
        for raw in [
            "<img", "![", "[ok]", "```", "| cell", "https://", "www.", "a@b", "**",
        ] {
            assert!(!shown.contains(raw), "{raw} in {shown}");
        }
        assert!(
            shown.starts_with("&lt;img src=x onerror=alert(1)&gt; \\!\\[GO\\]("),
            "{shown}"
        );
        assert_eq!(code("a`b</code>|c"), "<code>a`b&lt;/code&gt;&#124;c</code>");
        assert_eq!(
            inert("run `openssl rand <n>` then `x"),
            "run <code>openssl rand &lt;n&gt;</code> then \\`x"
        );
    }
}
