//! The go / no-go decision: no-go when a blocking rule fails or errors.

use crate::eval::RuleResult;
use crate::model::{CheckRun, Status};
use crate::policy::{Enforcement, Plan};
use serde::Serialize;

/// How many rules ended in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Not applicable.
    pub skip: usize,
    /// Could not be evaluated.
    pub error: usize,
    /// Failed, and waived by an active exception.
    #[serde(skip_serializing_if = "is_zero")]
    pub waived: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Which failures make a no-go (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Failing or erroring `block` rules (the default).
    #[default]
    Block,
    /// Any failing or erroring rule, `warn` ones too.
    Warn,
}

/// The decision and every reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// `go` or `no-go`.
    pub verdict: &'static str,
    /// True for go.
    pub go: bool,
    /// Ids of blocking rules that failed or errored.
    pub blocking: Vec<String>,
    /// Ids of warn-only rules that failed or errored.
    pub warnings: Vec<String>,
    /// What made a no-go: `block` rules only, or `warn` ones too.
    pub fail_on: FailOn,
    /// Rule counts.
    pub counts: Counts,
    /// Other things the reader must know (a broken check no rule reads…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Decides over the rule results; `runs` only adds notes.
pub fn decide(plan: &Plan, results: &[RuleResult], runs: &[CheckRun], fail_on: FailOn) -> Decision {
    let mut counts = Counts::default();
    let (mut blocking, mut warnings) = (Vec::new(), Vec::new());
    for result in results {
        match result.status {
            Status::Pass | Status::Warn => counts.pass += 1,
            Status::Skip => counts.skip += 1,
            Status::Fail => counts.fail += 1,
            Status::Error => counts.error += 1,
            Status::Waived => counts.waived += 1,
        }
        if matches!(result.status, Status::Fail | Status::Error) {
            match result.enforcement {
                Enforcement::Block => blocking.push(result.id.clone()),
                Enforcement::Warn => warnings.push(result.id.clone()),
            }
        }
    }
    let mut notes = Vec::new();
    for run in runs.iter().filter(|r| r.status == Status::Error) {
        if !plan
            .rules
            .iter()
            .any(|rule| rule.depends_on.contains(&run.name))
        {
            notes.push(format!(
                "check `{}` could not run and no rule reads it: {}",
                run.name,
                run.error.as_deref().unwrap_or("unknown error")
            ));
        }
    }
    if results.is_empty() {
        notes.push("the pack has no rules: nothing was verified".into());
    }
    let go = blocking.is_empty() && (fail_on == FailOn::Block || warnings.is_empty());
    Decision {
        verdict: if go { "go" } else { "no-go" },
        go,
        blocking,
        warnings,
        fail_on,
        counts,
        notes,
    }
}
