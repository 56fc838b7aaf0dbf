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
            digest: plan.digest.clone(),
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

/// [`judge`] as most tests ask for it: the pack's own exceptions, no
/// attestations, environment `production`, every level, `--fail-on block`.
#[cfg(test)]
pub fn judge_simply(
    plan: &Plan,
    runs: &[CheckRun],
    target: &Target,
    now: chrono::DateTime<chrono::Utc>,
) -> Verdict {
    judge(
        plan,
        &GateInputs {
            runs,
            exceptions: &plan.exceptions,
            attestations: &Attestations::none(),
            target,
            environment: "production",
            level: None,
            fail_on: FailOn::Block,
            now,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    /// Two levels; a blocking bronze rule with an exception of the pack's
    /// own, a blocking silver rule, and a warn-only rule.
    const PACK: &str = "name: t
levels: [bronze, silver]
checks:
  c: { use: 'builtin:env' }
rules:
  - { id: base, title: base, severity: high, check: c, expr: facts.base }
  - { id: upper, title: upper, severity: high, level: silver, check: c, expr: facts.upper }
  - { id: soft, title: soft, severity: low, enforcement: warn, check: c, expr: facts.soft }
exceptions:
  - { rule: base, reason: r, approver: a, expires: 2026-12-31 }
";

    fn run(facts: serde_json::Value, error: bool) -> CheckRun {
        let mut run = CheckRun::failed("c", "builtin:env", None, "it broke".into());
        if !error {
            run.status = Status::Pass;
            run.error = None;
            run.facts = facts.as_object().cloned().unwrap_or_default();
        }
        run
    }

    /// The decision of one case: (verdict, blocking, status of `base`, level reached).
    fn decide_case(
        facts: serde_json::Value,
        error: bool,
        level: Option<&str>,
        fail_on: FailOn,
        today: &str,
    ) -> (&'static str, Vec<String>, Status, Option<String>) {
        let plan = crate::policy::parse(PACK, "t.yaml", None).expect("pack");
        let runs = [run(facts, error)];
        let level = level.map(|name| level_index(&plan, name).expect("level"));
        let now = chrono::DateTime::parse_from_rfc3339(&format!("{today}T12:00:00Z"))
            .expect("date")
            .with_timezone(&chrono::Utc);
        let target = Target::unversioned(".");
        let verdict = judge(
            &plan,
            &GateInputs {
                runs: &runs,
                exceptions: &plan.exceptions,
                attestations: &Attestations::none(),
                target: &target,
                environment: "production",
                level,
                fail_on,
                now,
            },
        );
        let base = verdict
            .rules
            .iter()
            .find(|r| r.id == "base")
            .expect("base")
            .status;
        let reached = verdict
            .decision
            .level
            .as_ref()
            .and_then(|l| l.reached.clone());
        (
            verdict.decision.verdict,
            verdict.decision.blocking,
            base,
            reached,
        )
    }

    /// Facts, whether the check broke, `--level`, `--fail-on`, today; and
    /// the verdict, the blocking rules, `base`'s status, the level reached.
    type Case<'a> = (
        serde_json::Value,
        bool,
        Option<&'a str>,
        FailOn,
        &'a str,
        (&'a str, &'a [&'a str], Status, Option<&'a str>),
    );

    #[test]
    fn the_gate_decides_levels_exceptions_warnings_and_errors_in_order() {
        use serde_json::json;
        let all = json!({"base": true, "upper": true, "soft": true});
        let cases: &[Case] = &[
            (
                all.clone(),
                false,
                None,
                FailOn::Block,
                "2026-12-01",
                ("go", &[], Status::Pass, Some("silver")),
            ),
            // The pack's exception waives `base` until it expires.
            (
                json!({"base": false, "upper": true, "soft": true}),
                false,
                None,
                FailOn::Block,
                "2026-12-01",
                ("go", &[], Status::Waived, Some("silver")),
            ),
            (
                json!({"base": false, "upper": true, "soft": true}),
                false,
                None,
                FailOn::Block,
                "2027-01-01",
                ("no-go", &["base"], Status::Fail, None),
            ),
            // Gated on bronze, a failing silver rule decides nothing.
            (
                json!({"base": true, "upper": false, "soft": true}),
                false,
                Some("bronze"),
                FailOn::Block,
                "2026-12-01",
                ("go", &[], Status::Pass, Some("bronze")),
            ),
            (
                json!({"base": true, "upper": false, "soft": true}),
                false,
                None,
                FailOn::Block,
                "2026-12-01",
                ("no-go", &["upper"], Status::Pass, Some("bronze")),
            ),
            // A failing warn-only rule blocks only with --fail-on warn.
            (
                json!({"base": true, "upper": true, "soft": false}),
                false,
                None,
                FailOn::Block,
                "2026-12-01",
                ("go", &[], Status::Pass, Some("silver")),
            ),
            (
                json!({"base": true, "upper": true, "soft": false}),
                false,
                None,
                FailOn::Warn,
                "2026-12-01",
                ("no-go", &[], Status::Pass, Some("silver")),
            ),
            // A check that could not run: its rules error, and no exception waives an error.
            (
                json!({}),
                true,
                None,
                FailOn::Block,
                "2026-12-01",
                ("no-go", &["base", "upper"], Status::Error, None),
            ),
        ];
        for (facts, error, level, fail_on, today, expected) in cases {
            let (verdict, blocking, base, reached) =
                decide_case(facts.clone(), *error, *level, *fail_on, today);
            assert_eq!(
                (
                    verdict,
                    blocking.iter().map(String::as_str).collect::<Vec<_>>(),
                    base,
                    reached.as_deref()
                ),
                (expected.0, expected.1.to_vec(), expected.2, expected.3),
                "{facts} error={error} level={level:?} fail_on={fail_on:?} on {today}"
            );
        }
    }
}
