//! `gonogo eval`: evaluate one CEL expression, to try a rule out.

use super::fail;
use crate::eval::{self, Inputs, values::display};
use crate::exit::Exit;
use crate::expr::{self, Scope};
use crate::model::CheckRun;
use crate::outcomes::Outcomes;
use crate::target::Target;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Evaluate one CEL expression, as a rule would, and print its value.
///
/// `--facts` takes recorded outcomes (`gonogo check --save-outcomes`), a
/// JSON report (`--format json`), or a plain JSON object of facts. With
/// outcomes, `checks.<name>` is every check and `--check NAME` gives the
/// `facts`/`findings`/`status` shorthands; a plain object is `facts`.
///
/// Examples:
///   gonogo eval "1 + 2 == 3"
///   gonogo eval "facts.vars.JWT_SECRET.length" --facts outcomes.json --check env
///   gonogo eval "facts.replicas >= 2" --facts '{"replicas": 3}'
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct EvalArgs {
    /// The CEL expression.
    expression: String,

    /// Outcomes, a report, a JSON facts file, or inline JSON (`{…}`).
    #[arg(long, value_name = "FILE|JSON")]
    facts: Option<String>,

    /// The check whose results `facts`, `findings` and `status` are.
    #[arg(long, value_name = "NAME")]
    check: Option<String>,

    /// What the expression sees as `environment`.
    #[arg(long, short = 'e', default_value = "production", value_name = "NAME")]
    environment: String,
}

/// Runs `gonogo eval`.
pub fn run(args: EvalArgs) -> Exit {
    let (runs, plain) = match load_runs(&args) {
        Ok(loaded) => loaded,
        Err(message) => return fail(message),
    };
    let known: BTreeSet<String> = runs.iter().map(|r| r.name.clone()).collect();
    let check = args.check.clone().or(plain.then(|| PLAIN.to_owned()));
    let scoped_run = match &check {
        Some(name) => match runs.iter().find(|r| &r.name == name) {
            Some(run) => Some(run),
            None => {
                return fail(format_args!(
                    "`--check {name}`: no such check in `--facts` (known: {known:?})"
                ));
            }
        },
        None => None,
    };
    let scope = Scope {
        known_checks: &known,
        scoped: scoped_run.is_some(),
        parsed: None,
    };
    let compiled = match expr::compile(&expr::environment(), &args.expression, &scope, false) {
        Ok(compiled) => compiled,
        Err(error) => return fail(error),
    };
    let target = Target::inspect(std::path::Path::new("."));
    let inputs = Inputs {
        target: &target,
        environment: &args.environment,
        now: chrono::Utc::now(),
        attestations: &crate::attest::store::Attestations::none(),
    };
    let outcomes = eval::Outcomes::new(&runs);
    let base = eval::base_context(&outcomes, &inputs);
    let context = eval::scoped(&base, &outcomes, scoped_run.map(|run| run.name.as_str()));
    match eval::execute(&compiled, &context) {
        Ok(value) => {
            println!("{}", display(&value));
            Exit::Go
        }
        Err(error) => fail(format_args!(
            "the expression could not be evaluated: {error}"
        )),
    }
}

/// A plain facts object becomes the facts of a check named `facts`.
const PLAIN: &str = "facts";

/// The runs to evaluate over, and whether they are a plain facts object.
fn load_runs(args: &EvalArgs) -> Result<(Vec<CheckRun>, bool), String> {
    let Some(source) = &args.facts else {
        return Ok((Vec::new(), false));
    };
    let text = if source.trim_start().starts_with('{') {
        source.clone()
    } else {
        crate::untrusted::read_named_text(&PathBuf::from(source), 64 << 20)
            .map_err(|e| format!("cannot read `{source}`: {e}"))?
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("`--facts` is not JSON: {e}"))?;
    if value.get("checks").is_some_and(serde_json::Value::is_array) {
        let outcomes: Outcomes = serde_json::from_value(value)
            .map_err(|e| format!("`--facts` has `checks` but they are not check outcomes: {e}"))?;
        return Ok((outcomes.checks, false));
    }
    let serde_json::Value::Object(facts) = value else {
        return Err("`--facts` must be a JSON object".into());
    };
    if args.check.as_deref().is_some_and(|c| c != PLAIN) {
        return Err("with plain facts, there is no check to name: leave out `--check`".into());
    }
    let mut run = CheckRun::failed(PLAIN, "--facts", None, String::new());
    run.status = crate::model::Status::Pass;
    run.error = None;
    run.facts = facts;
    Ok((vec![run], true))
}
