//! The evaluator: CEL over what the checks reported, one result per rule.
//!
//! A rule reads `checks.<name>.{status, findings, facts}`, `target`,
//! `environment`, `now`, and with `check:` the shorthands `facts`,
//! `findings`, `status`. A rule that depends on a check in `error` is
//! `error` itself (fail closed), whatever its expression says; so is a rule
//! whose inputs a check could not read: a finding with status `error` in
//! its evidence (see [`unread_inputs`]). A rule that reads a check left
//! out on purpose (`--repository-only`) is `skip`, saying so.

pub mod values;

pub mod waive;

use crate::expr::CompiledExpr;
use crate::expr::template::{Piece, Template};
use crate::model::{CheckRun, Severity, Status};
use crate::plan::{Enforcement, Plan, Rule};
use crate::target::Target;
use cel::common::types::{CelNull, CelString};
use cel::common::value::Val;
use cel::{Context, Value};
use serde::Serialize;
use std::collections::HashMap;
use values::{display, to_val, val_map};

/// How the message of a rule skipped without a `skip_message` starts: it
/// quotes the `when` that was false.
const UNEXPLAINED_SKIP: &str = "not applicable: `";

/// The result of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    /// Rule id.
    pub id: String,
    /// Rule title.
    pub title: String,
    /// Report heading.
    pub area: String,
    /// Severity.
    pub severity: Severity,
    /// Block or warn.
    pub enforcement: Enforcement,
    /// Scoped check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// `pass`, `fail`, `skip` (not applicable), `error`, or `waived` (a
    /// failure an active exception waives).
    pub status: Status,
    /// Why it failed, was skipped or errored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How to fix it (failures and errors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// Seed checklist items it covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
    /// Finding ids of its check that explain a failure (all when empty).
    #[serde(skip)]
    pub evidence: Vec<String>,
    /// The pack file that defines it and the line of its `id`.
    #[serde(skip)]
    pub defined_at: (String, u32),
    /// Whether people vouch for it (an attestation rule), not a check.
    #[serde(skip)]
    pub attestation: bool,
    /// The exception that waives its failure, when status is `waived`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<waive::Waiver>,
    /// Its readiness level, when the pack has levels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// True when its level is above the one gated on (`--level`): it is
    /// reported but decides nothing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub above_gate: bool,
    /// The day a blocking rule starts to block (`enforce_from`), when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce_from: Option<String>,
    /// An attestation rule's attestations that stopped counting with time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale_attestations: Vec<crate::attest::store::StaleAttestation>,
}

impl RuleResult {
    /// Why a skipped rule does not apply, when the pack says so in words
    /// (`skip_message`); `None` for a skip that only quotes its `when`.
    pub fn skip_reason(&self) -> Option<&str> {
        (self.status == Status::Skip)
            .then_some(self.message.as_deref())
            .flatten()
            .filter(|message| !message.starts_with(UNEXPLAINED_SKIP))
    }
}

/// What rules may read besides the checks.
pub struct Inputs<'a> {
    /// The project.
    pub target: &'a Target,
    /// The deploy environment (`production`, `staging`…).
    pub environment: &'a str,
    /// The time of the run.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The project's signed attestations, verified against the pack's trust.
    pub attestations: &'a crate::attest::store::Attestations,
}

/// Evaluates every rule of `plan` over `runs`.
pub fn evaluate(plan: &Plan, runs: &[CheckRun], inputs: &Inputs<'_>) -> Vec<RuleResult> {
    let outcomes = Outcomes::new(runs);
    let context = base_context(&outcomes, inputs);
    // Each check's scope (`facts`, `findings`, `status`) is built once and
    // shared by the rules that read it: binding a variable converts its whole
    // value for the interpreter, which per rule cost ~100 µs on a large check.
    let by_name: HashMap<&str, (&CheckRun, Context<'_, '_>)> = runs
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                (r, scoped(&context, &outcomes, Some(&r.name))),
            )
        })
        .collect();
    let today = inputs.now.date_naive();
    plan.rules
        .iter()
        .map(|rule| {
            let mut result = evaluate_rule(rule, &context, &by_name, inputs);
            if let Some(requirement) = &rule.attestation
                && result.status == Status::Fail
                && requirement
                    .roles
                    .iter()
                    .all(|role| plan.trust.roles.get(role).is_none_or(Vec::is_empty))
            {
                // Open roles: the pack leaves their keys to a baseline extending it.
                let roles: Vec<String> = requirement.roles.iter().map(|r| format!("`{r}`")).collect();
                let note = format!(
                    "no key is trusted for {} yet: a baseline extending this pack sets `trust.roles`",
                    roles.join(" or ")
                );
                result.message = Some(match result.message.take() {
                    Some(message) => format!("{message}; {note}"),
                    None => note,
                });
            }
            // Phased enforcement: a blocking rule only warns until its date.
            if let Some(from) = rule.enforce_from
                && today < from
                && result.enforcement == Enforcement::Block
                && matches!(result.status, Status::Fail | Status::Error)
            {
                result.enforcement = Enforcement::Warn;
                let pending = format!("warning until it blocks from {from}");
                result.message = Some(match result.message.take() {
                    Some(message) => format!("{message} ({pending})"),
                    None => pending,
                });
            }
            result
        })
        .collect()
}

/// The checks' outcomes as rules read them. The interpreter's values are
/// built from them for each context and borrow their text: on a large
/// project a check reports tens of thousands of strings, and copying them
/// (twice: to a `Value`, then to what the interpreter binds) cost more than
/// evaluating every rule.
pub struct Outcomes<'r> {
    runs: &'r [CheckRun],
    /// Each run's findings as JSON, which the values borrow.
    findings: Vec<serde_json::Value>,
}

impl<'r> Outcomes<'r> {
    /// The outcomes of `runs`.
    pub fn new(runs: &'r [CheckRun]) -> Self {
        let findings = runs
            .iter()
            .map(|run| serde_json::to_value(&run.findings).unwrap_or_default())
            .collect();
        Outcomes { runs, findings }
    }

    /// `status`, `findings`, `facts` and `error` of run `index`.
    fn entries(&self, index: usize) -> [(&str, Box<dyn Val + '_>); 4] {
        let run = &self.runs[index];
        [
            ("status", Box::new(CelString::from(run.status.as_str()))),
            ("findings", to_val(&self.findings[index])),
            (
                "facts",
                val_map(run.facts.iter().map(|(k, v)| (k.as_str(), to_val(v)))),
            ),
            (
                "error",
                run.error.as_deref().map_or_else(
                    || Box::new(CelNull) as Box<dyn Val>,
                    |e| Box::new(CelString::from(e)),
                ),
            ),
        ]
    }
}

/// The variables every expression sees: `checks`, `target`, `environment`, `now`.
pub fn base_context<'o>(outcomes: &'o Outcomes<'_>, inputs: &Inputs<'_>) -> Context<'o, 'o> {
    let mut context = Context::with_env(crate::expr::environment());
    let checks = val_map(
        outcomes
            .runs
            .iter()
            .enumerate()
            .map(|(i, run)| (run.name.as_str(), val_map(outcomes.entries(i)))),
    );
    context.add_variable_as_val("checks", checks);
    let target = serde_json::to_value(inputs.target).unwrap_or_default();
    let target = Value::try_from(to_val(&target).as_ref()).unwrap_or(Value::Null);
    context.add_variable_from_value("target", target);
    context.add_variable_from_value("environment", inputs.environment.to_owned());
    context.add_variable_from_value("now", Value::Timestamp(inputs.now.fixed_offset()));
    context
}

/// `base` plus `facts`, `findings` and `status` of the check named `check`:
/// a rule's `check:` scope.
pub fn scoped<'a, 'o>(
    base: &'a Context<'o, 'o>,
    outcomes: &'o Outcomes<'_>,
    check: Option<&str>,
) -> Context<'a, 'o> {
    let mut context = base.new_inner_scope();
    let index = check.and_then(|name| outcomes.runs.iter().position(|r| r.name == name));
    if let Some(index) = index {
        for (key, value) in outcomes.entries(index) {
            if key != "error" {
                context.add_variable_as_val(key, value);
            }
        }
    }
    context
}

/// Runs one compiled expression; the error is the evaluator's message.
pub fn execute(expr: &CompiledExpr, context: &Context<'_, '_>) -> Result<Value, String> {
    Value::resolve(&expr.expression, context).map_err(|error| error.to_string())
}

fn evaluate_rule(
    rule: &Rule,
    base: &Context<'_, '_>,
    runs: &HashMap<&str, (&CheckRun, Context<'_, '_>)>,
    inputs: &Inputs<'_>,
) -> RuleResult {
    let mut result = RuleResult {
        id: rule.id.clone(),
        title: rule.title.clone(),
        area: rule.area.clone(),
        severity: rule.severity,
        enforcement: rule.enforcement,
        check: rule.check.clone(),
        status: Status::Pass,
        message: None,
        remediation: None,
        refs: rule.refs.clone(),
        evidence: rule.evidence.clone(),
        defined_at: rule.defined_at.clone(),
        attestation: rule.attestation.is_some(),
        waiver: None,
        level: None,
        above_gate: false,
        enforce_from: rule.enforce_from.map(|date| date.to_string()),
        stale_attestations: Vec::new(),
    };
    let error = |result: &mut RuleResult, message: String| {
        result.status = Status::Error;
        result.message = Some(message);
        result.remediation = rule.remediation.clone();
    };
    // A check left out on purpose makes the rule `skip`, unless another
    // check it reads broke: that is still an error.
    let mut left_out = None;
    for dependency in &rule.depends_on {
        match runs.get(dependency.as_str()).map(|(run, _)| run) {
            Some(run) if run.not_run.is_some() => {
                left_out = left_out.or(Some((dependency, run.not_run.as_deref())));
            }
            Some(run) if run.status == Status::Error => {
                let why = run.error.as_deref().unwrap_or("unknown error");
                error(
                    &mut result,
                    format!("check `{dependency}` could not run: {why}"),
                );
                return result;
            }
            Some(_) => {}
            None => {
                error(&mut result, format!("check `{dependency}` did not run"));
                return result;
            }
        }
    }
    if let Some((check, why)) = left_out {
        result.status = Status::Skip;
        result.message = Some(format!(
            "not applicable: check `{check}` was not run: {}",
            why.unwrap_or_default()
        ));
        return result;
    }
    let unread = unread_inputs(rule, runs);
    if let Some(first) = unread.first() {
        let more = match unread.len() {
            1 => String::new(),
            2 => " (and 1 more input that could not be read)".to_owned(),
            n => format!(" (and {} more inputs that could not be read)", n - 1),
        };
        error(&mut result, format!("{}{more}", first.message));
        if first.remediation.is_some() {
            result.remediation = first.remediation.clone();
        }
        return result;
    }
    let context = rule
        .check
        .as_deref()
        .and_then(|name| runs.get(name))
        .map_or(base, |(_, scope)| scope);
    if let Some(when) = &rule.when {
        match run_bool(when, context) {
            Ok(true) => {}
            Ok(false) => {
                result.status = Status::Skip;
                result.message = Some(match &rule.skip_message {
                    Some(template) => format!("not applicable: {}", render(template, context)),
                    None => format!("{UNEXPLAINED_SKIP}{}` is false", when.source.trim()),
                });
                return result;
            }
            Err(why) => {
                error(&mut result, format!("`when` could not be evaluated: {why}"));
                return result;
            }
        }
    }
    if let Some(requirement) = &rule.attestation {
        let (attested, why) = inputs.attestations.judge(&rule.id, requirement, inputs.now);
        result.stale_attestations = inputs.attestations.stale(&rule.id, requirement, inputs.now);
        if !attested {
            result.status = Status::Fail;
            result.message = Some(why);
            result.remediation = rule.remediation.clone().or_else(|| {
                Some(format!(
                    "once it is done, a person with a trusted key of role {} runs `gonogo attest {} --role <role> --key <key file> --note \"…\"` and commits the file",
                    requirement.roles.join(" or "),
                    rule.id
                ))
            });
        }
        return result;
    }
    match run_bool(&rule.expr, context) {
        Ok(true) => {}
        Ok(false) => {
            result.status = Status::Fail;
            result.message = Some(match &rule.message {
                Some(template) => render(template, context),
                None => format!("`{}` is false", rule.expr.source.trim()),
            });
            result.remediation = rule.remediation.clone();
        }
        Err(why) => error(&mut result, format!("`expr` could not be evaluated: {why}")),
    }
    result
}

/// The findings with status `error` (a file the check could not read or
/// parse, a format it did not expect) that the rule depends on: those of
/// its own check that its `evidence` names (all of them when it names
/// none), and every one of the other checks it reads. Judging without
/// those inputs could pass or skip on what was never seen, so the rule is
/// `error`, before its `when` is asked.
fn unread_inputs<'r>(
    rule: &Rule,
    runs: &HashMap<&str, (&'r CheckRun, Context<'_, '_>)>,
) -> Vec<&'r crate::model::Finding> {
    rule.depends_on
        .iter()
        .filter_map(|name| runs.get(name.as_str()).map(|(run, _)| (name, *run)))
        .flat_map(|(name, run)| {
            let own = rule.check.as_ref() == Some(name);
            run.findings.iter().filter(move |f| {
                f.status == Status::Error
                    && (!own || rule.evidence.is_empty() || rule.evidence.contains(&f.id))
            })
        })
        .collect()
}

fn run_bool(expr: &CompiledExpr, context: &Context<'_, '_>) -> Result<bool, String> {
    match execute(expr, context)? {
        Value::Bool(b) => Ok(b),
        other => Err(format!("it gave `{}`, not a bool", display(&other))),
    }
}

fn render(template: &Template, context: &Context<'_, '_>) -> String {
    template
        .pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.clone(),
            Piece::Expr(expr) => match Value::resolve(&expr.expression, context) {
                Ok(value) => display(&value),
                Err(error) => format!("<{}: {error}>", expr.source),
            },
        })
        .collect()
}

#[cfg(test)]
mod unread_tests;

#[cfg(test)]
mod left_out_tests;
