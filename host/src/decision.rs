//! The go / no-go decision: no-go when a blocking rule fails or errors.

use crate::eval::RuleResult;
use crate::model::{CheckRun, Status};
use crate::plan::{Enforcement, Plan};
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
    /// Readiness levels, when the pack has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
}

/// The readiness level gated on and the one reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    /// The level the run gates on (`--level`, default the highest).
    pub gated: String,
    /// The highest level whose blocking rules, and those of every level
    /// below it, all pass (or are waived); null when the lowest does not.
    pub reached: Option<String>,
}

/// Decides over the rule results; `runs` only adds notes.
/// `gate` is the index of the level gated on (rules above it are reported
/// but decide nothing); `None` gates on every rule.
pub fn decide(
    plan: &Plan,
    results: &[RuleResult],
    runs: &[CheckRun],
    fail_on: FailOn,
    gate: Option<usize>,
) -> Decision {
    let mut counts = Counts::default();
    let (mut blocking, mut warnings) = (Vec::new(), Vec::new());
    let level_of = |id: &str| {
        plan.rules
            .iter()
            .find(|r| r.id == id)
            .map_or(0, |r| r.level)
    };
    for result in results {
        match result.status {
            Status::Pass | Status::Warn => counts.pass += 1,
            Status::Skip => counts.skip += 1,
            Status::Fail => counts.fail += 1,
            Status::Error => counts.error += 1,
            Status::Waived => counts.waived += 1,
        }
        let gated = gate.is_none_or(|g| level_of(&result.id) <= g);
        if gated && matches!(result.status, Status::Fail | Status::Error) {
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
    let level = (!plan.levels.is_empty()).then(|| {
        let failing_at = |l: usize| {
            results.iter().any(|r| {
                level_of(&r.id) <= l
                    && r.enforcement == Enforcement::Block
                    && matches!(r.status, Status::Fail | Status::Error)
            })
        };
        let reached = (0..plan.levels.len())
            .take_while(|l| !failing_at(*l))
            .last()
            .map(|l| plan.levels[l].clone());
        Level {
            gated: plan.levels[gate.unwrap_or(plan.levels.len() - 1)].clone(),
            reached,
        }
    });
    Decision {
        verdict: if go { "go" } else { "no-go" },
        go,
        blocking,
        warnings,
        fail_on,
        counts,
        notes,
        level,
    }
}
