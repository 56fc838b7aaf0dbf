//! `gonogo explain`: what a rule checks, its CEL, the checklist items it
//! covers, and how to fix a failure.

use super::fail;
use crate::exit::Exit;
use crate::policy::{self, PackRef, Plan};

/// Explain a rule of a policy pack: what it checks, its CEL, the checklist
/// items it covers and how to fix a failure.
///
/// Examples:
///   gonogo explain database-ssl
///   gonogo explain jwt-secret-strong --policy ./gonogo.yaml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ExplainArgs {
    /// The rule's id.
    rule: String,

    /// The pack (default: `./gonogo.yaml` if present, else the built-in
    /// production-readiness pack).
    #[arg(long, short = 'p', value_name = "PACK")]
    policy: Option<String>,
}

/// Runs `gonogo explain`.
pub fn run(args: ExplainArgs) -> Exit {
    let pack = args
        .policy
        .as_deref()
        .map(PackRef::parse)
        .unwrap_or_else(|| PackRef::default_for(std::path::Path::new(".")));
    let plan = match policy::load(&pack) {
        Ok(plan) => plan,
        Err(error) => {
            for diagnostic in &error.diagnostics {
                fail(diagnostic);
            }
            return Exit::Error;
        }
    };
    match plan.rules.iter().find(|rule| rule.id == args.rule) {
        Some(_) => {
            print!("{}", explanation(&plan, &args.rule));
            Exit::Go
        }
        None => {
            let close: Vec<&str> = plan
                .rules
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| id.contains(&args.rule) || args.rule.contains(*id))
                .collect();
            let help = if close.is_empty() {
                format!(
                    "list them with `gonogo check --format json` or read {}",
                    plan.origin
                )
            } else {
                format!("did you mean {}?", close.join(", "))
            };
            fail(format_args!(
                "pack `{}` has no rule `{}`\n  help: {help}",
                plan.name, args.rule
            ))
        }
    }
}

/// Each line of a CEL source, indented by two spaces.
fn indented(source: &str) -> String {
    source
        .trim()
        .lines()
        .map(|line| format!("  {}", line.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The explanation of rule `id` of `plan`, as printed.
pub fn explanation(plan: &Plan, id: &str) -> String {
    let Some(rule) = plan.rules.iter().find(|r| r.id == id) else {
        return String::new();
    };
    let mut text = format!("{} — {}\n\n", rule.id, rule.title);
    text.push_str(&format!(
        "  pack         {} ({})\n  area         {}\n  severity     {}\n  enforcement  {}\n",
        plan.name,
        plan.origin,
        rule.area,
        rule.severity.as_str(),
        match rule.enforcement {
            policy::Enforcement::Block => "block (a failure is a no-go)",
            policy::Enforcement::Warn => "warn (a failure is reported, not blocking)",
        }
    ));
    if let Some(check) = &rule.check {
        let source = plan
            .checks
            .iter()
            .find(|c| &c.name == check)
            .map(|c| c.reference.as_str())
            .unwrap_or("?");
        text.push_str(&format!("  reads        check `{check}` ({source})\n"));
    }
    if let Some(when) = &rule.when {
        text.push_str(&format!(
            "\nApplies when (CEL):\n{}\n",
            indented(&when.source)
        ));
    }
    if let Some(skip) = &rule.skip_message {
        text.push_str(&format!(
            "\nWhen it does not apply, it says:\n{}\n",
            indented(&template_source(skip))
        ));
    }
    match &rule.attestation {
        Some(requirement) => text.push_str(&format!(
            "\nPasses when attested:\n  by {} distinct trusted signer{} of role {}{}{}\n  (`gonogo attest {} --role <role> --key <key>`, files in .gonogo/attestations/)\n",
            requirement.signers,
            if requirement.signers == 1 { "" } else { "s" },
            requirement.roles.join(" or "),
            requirement
                .max_age_days
                .map(|d| format!(", signed within {d} days"))
                .unwrap_or_default(),
            if requirement.same_commit {
                ", for the current commit"
            } else {
                ", for this commit or an earlier one"
            },
            rule.id
        )),
        None => text.push_str(&format!(
            "\nPasses when (CEL):\n{}\n",
            indented(&rule.expr.source)
        )),
    }
    if let Some(fix) = &rule.remediation {
        text.push_str(&format!("\nHow to fix:\n  {fix}\n"));
    }
    if !rule.refs.is_empty() {
        text.push_str(&format!(
            "\nChecklist items it covers:\n  {}\n",
            crate::attest::vouches::described(&rule.refs, &rule.defined_at.0).join("\n  ")
        ));
    }
    text
}

/// A message template as the pack wrote it.
fn template_source(template: &crate::expr::template::Template) -> String {
    use crate::expr::template::Piece;
    template
        .pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.clone(),
            Piece::Expr(expr) => format!("${{{}}}", expr.source),
        })
        .collect()
}
