//! The gate: one ordered, pure step from what the checks reported to the
//! decision. `gonogo check` and `gonogo test` both call [`judge`], so a
//! pack test sees exactly what the real gate decides: rules evaluated,
//! each placed at its readiness level (rules above the level gated on
//! decide nothing), exceptions applied (within the pack's
//! `exception_limits`), then the decision. Nothing here reads a file, the
//! network or the clock: the caller gives the time.

use crate::attest::store::Attestations;
use crate::decision::{Decision, FailOn, decide};
use crate::eval::{self, Inputs, RuleResult};
use crate::model::CheckRun;
use crate::plan::Exception;
use crate::plan::Plan;
use crate::report::{PackInfo, Report, SCHEMA};
use crate::target::Target;

/// Everything the decision depends on besides the pack.
pub struct GateInputs<'a> {
    /// What each check reported (an `error` run for a check that could not run).
    pub runs: &'a [CheckRun],
    /// The exceptions that may waive failures: the pack's own, and those
    /// of an exceptions file.
    pub exceptions: &'a [Exception],
    /// Attestations that were found and verified (or simulated by a test).
    pub attestations: &'a Attestations,
    /// The project (its commit and branch).
    pub target: &'a Target,
    /// The deploy environment (`--environment`).
    pub environment: &'a str,
    /// The index of the readiness level gated on; `None` gates on every rule.
    pub level: Option<usize>,
    /// What makes a no-go.
    pub fail_on: FailOn,
    /// The time rules, attestations and exceptions are judged at.
    pub now: chrono::DateTime<chrono::Utc>,
}

/// The rules' results and the decision over them.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// One result per rule of the pack, in pack order.
    pub rules: Vec<RuleResult>,
    /// The decision, its reasons and notes.
    pub decision: Decision,
}

/// Judges `plan` over `inputs`.
pub fn judge(plan: &Plan, inputs: &GateInputs<'_>) -> Verdict {
    let evaluated = Inputs {
        target: inputs.target,
        environment: inputs.environment,
        now: inputs.now,
        attestations: inputs.attestations,
    };
    let mut rules = eval::evaluate(plan, inputs.runs, &evaluated);
    for (result, rule) in rules.iter_mut().zip(&plan.rules) {
        result.level = plan.levels.get(rule.level).cloned();
        result.above_gate = inputs.level.is_some_and(|gated| rule.level > gated);
    }
    let waiver_notes = eval::waive::apply(
        inputs.exceptions,
        &mut rules,
        inputs.runs,
        inputs.environment,
        inputs.now.date_naive(),
        plan.exception_max_days,
    );
    let mut decision = decide(plan, &rules, inputs.runs, inputs.fail_on, inputs.level);
    decision.notes.extend(waiver_notes);
    Verdict { rules, decision }
}

/// The report of a verdict: the pack, the project, the decision, every
/// rule's result and every check's outcome.
pub fn report(
    plan: &Plan,
    target: Target,
    environment: &str,
    verdict: Verdict,
    runs: Vec<CheckRun>,
) -> Report {
    Report {
        schema: SCHEMA,
        gonogo_version: env!("CARGO_PKG_VERSION"),
        pack: PackInfo {
            name: plan.name.clone(),
            origin: plan.origin.clone(),
            description: plan.description.clone(),
            extends: plan.extends.clone(),
            overrides: plan.overrides.clone(),
        },
        target,
        environment: environment.to_owned(),
        decision: verdict.decision,
        rules: verdict.rules,
        checks: runs,
    }
}

/// The index of the level `name` of `plan`, or why there is none (to
/// follow the name of the option or key that gave it).
pub fn level_index(plan: &Plan, name: &str) -> Result<usize, String> {
    plan.levels
        .iter()
        .position(|level| level == name)
        .ok_or_else(|| {
            if plan.levels.is_empty() {
                format!("the pack `{}` has no `levels`", plan.name)
            } else {
                format!("the pack's levels are {}", plan.levels.join(", "))
            }
        })
}
