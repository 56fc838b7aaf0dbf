//! Reports: one [`Report`] per run, rendered by one [`Renderer`] per format
//! (one file each). Everything here is already redacted.

mod codequality;
mod human;
mod json;
mod junit;
mod markdown;
mod places;
mod sarif;

use crate::decision::Decision;
use crate::eval::RuleResult;
use crate::model::CheckRun;
use crate::target::Target;
use serde::Serialize;
use std::io::{self, Write};

pub use codequality::CodeQuality;
pub use human::Human;
pub use json::Json;
pub use junit::Junit;
pub use markdown::Markdown;
pub use sarif::Sarif;

/// The version of the JSON report schema (`docs/json-report.md`).
pub const SCHEMA: &str = "gonogo.report/v1";

/// The pack a report was made with.
#[derive(Debug, Clone, Serialize)]
pub struct PackInfo {
    /// Its name.
    pub name: String,
    /// Where it came from.
    pub origin: String,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The packs it extends, nearest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<String>,
    /// Every change made to an extended pack's rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<crate::plan::Override>,
    /// `sha256:<hex>` of the pack ([`crate::plan::Plan::digest`]).
    pub digest: String,
}

/// Everything one `gonogo check` found and decided.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Schema identifier, [`SCHEMA`].
    pub schema: &'static str,
    /// gonogo's version.
    pub gonogo_version: &'static str,
    /// The pack.
    pub pack: PackInfo,
    /// The project.
    pub target: Target,
    /// The deploy environment rules were evaluated for.
    pub environment: String,
    /// The decision.
    pub decision: Decision,
    /// One result per rule, in pack order.
    pub rules: Vec<RuleResult>,
    /// One run per check, in pack order.
    pub checks: Vec<CheckRun>,
}

/// An output format.
pub trait Renderer {
    /// Writes the report.
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: what needs doing, the decision last (`--verbose`: every rule).
    Human,
    /// For programs: the versioned schema `gonogo.report/v1`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, one testcase per rule, for GitLab, Jenkins…
    Junit,
    /// A Markdown summary, for `$GITHUB_STEP_SUMMARY` and PR comments.
    Markdown,
    /// GitLab's Code Quality report, shown in merge requests.
    Codequality,
}

/// What renderers may be told beyond the report.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// SARIF's analysis category (`--sarif-category`).
    pub sarif_category: String,
    /// The human report lists every rule, passes and skips too (`--verbose`).
    pub verbose: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            sarif_category: "gonogo".into(),
            verbose: false,
        }
    }
}

impl Format {
    /// The renderer of this format.
    pub fn renderer(self, options: &RenderOptions) -> Box<dyn Renderer> {
        match self {
            Format::Human => Box::new(Human {
                verbose: options.verbose,
            }),
            Format::Json => Box::new(Json),
            Format::Sarif => Box::new(Sarif {
                category: options.sarif_category.clone(),
            }),
            Format::Junit => Box::new(Junit),
            Format::Markdown => Box::new(Markdown),
            Format::Codequality => Box::new(CodeQuality),
        }
    }
}

impl Report {
    /// ` (branch @ commit)` when the project is in a git repository.
    pub fn git_suffix(&self) -> String {
        let short = |commit: &str| commit.chars().take(12).collect::<String>();
        match (&self.target.branch, &self.target.commit) {
            (Some(branch), Some(commit)) => format!(" ({branch} @ {})", short(commit)),
            (None, Some(commit)) => format!(" (@ {})", short(commit)),
            _ => String::new(),
        }
    }

    /// What became of every rule, each counted once: `153 rules: 82
    /// passed, 27 warnings, 0 blocking, 44 not applicable`, then the
    /// waived, and how many of the warnings and blocking rules could not be
    /// judged (errors), when there are any.
    pub fn counts_line(&self) -> String {
        let decision = &self.decision;
        let counts = &decision.counts;
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "{}: {} passed, {}, {} blocking, {} not applicable",
            plural(self.rules.len(), "rule", "rules"),
            counts.pass,
            plural(decision.warnings.len(), "warning", "warnings"),
            decision.blocking.len(),
            counts.skip,
        );
        if counts.waived > 0 {
            line.push_str(&format!(", {} waived", counts.waived));
        }
        if counts.error > 0 {
            line.push_str(&format!(" ({} could not be judged)", counts.error));
        }
        line
    }

    /// The findings backing a rule's result: those of its check that did not pass.
    pub fn evidence<'a>(
        &'a self,
        rule: &RuleResult,
    ) -> impl Iterator<Item = &'a crate::model::Finding> {
        let check = rule.check.clone();
        self.checks
            .iter()
            .filter(move |run| Some(&run.name) == check.as_ref())
            .flat_map(|run| &run.findings)
            .filter(|f| {
                !matches!(
                    f.status,
                    crate::model::Status::Pass | crate::model::Status::Skip
                )
            })
            .filter(|f| rule.evidence.is_empty() || rule.evidence.contains(&f.id))
    }
}

#[cfg(test)]
mod render_tests;
