//! `gonogo checks list`: every built-in check and every check of a pack,
//! one line each from its `describe()`.

use super::{Format, builtin_specs, grants_json, load_pack, runtime};
use crate::exit::Exit;
use crate::policy::CheckSpec;
use crate::runtime::Description;
use serde_json::json;
use std::collections::HashMap;

/// List the built-in checks and the checks of a pack, with what each
/// `describe()` says.
///
/// Examples:
///   gonogo checks list
///   gonogo checks list --policy target/guest-examples/gonogo.yaml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {
    /// The pack (default: `./gonogo.yaml` if present, else the built-in
    /// production-readiness pack).
    #[arg(long, short = 'p', value_name = "PACK")]
    policy: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs `gonogo checks list`.
pub(super) fn list(args: ListArgs) -> Exit {
    let plan = match load_pack(args.policy.as_deref()) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(exit) => return exit,
    };
    // A component the pack uses under several names, or a built-in the pack
    // uses, is described once.
    let mut described: HashMap<String, Result<Description, String>> = HashMap::new();
    let mut describe = |spec: &CheckSpec| {
        described
            .entry(spec.digest.clone())
            .or_insert_with(|| runtime.describe(spec).map_err(|e| e.to_string()))
            .clone()
    };
    let builtins: Vec<(CheckSpec, Result<Description, String>)> = builtin_specs()
        .into_iter()
        .map(|spec| {
            let described = describe(&spec);
            (spec, described)
        })
        .collect();
    let in_pack: Vec<(&CheckSpec, Result<Description, String>)> = plan
        .checks
        .iter()
        .map(|spec| (spec, describe(spec)))
        .collect();
    let broken = in_pack.iter().any(|(_, d)| d.is_err());
    match args.format {
        Format::Json => {
            let entry = |spec: &CheckSpec, described: &Result<Description, String>| {
                let mut value = json!({
                    "name": spec.name,
                    "use": spec.reference,
                    "sha256": spec.digest,
                });
                match described {
                    Ok(d) => value["describe"] = json!(d),
                    Err(e) => value["error"] = json!(e.to_string()),
                }
                value
            };
            let report = json!({
                "builtins": builtins.iter().map(|(s, d)| entry(s, d)).collect::<Vec<_>>(),
                "pack": {
                    "name": plan.name,
                    "origin": plan.origin,
                    "checks": in_pack.iter().map(|(s, d)| {
                        let mut value = entry(s, d);
                        value["grants"] = grants_json(&s.grants);
                        value
                    }).collect::<Vec<_>>(),
                },
            });
            println!("{report:#}");
        }
        Format::Text => {
            println!("Built-in checks (use them as `builtin:<name>`):");
            for (spec, described) in &builtins {
                println!("  {}", line(&spec.reference, described));
            }
            println!("\nChecks of pack `{}` ({}):", plan.name, plan.origin);
            if in_pack.is_empty() {
                println!("  none");
            }
            for (spec, described) in &in_pack {
                println!(
                    "  {}",
                    line(&format!("{} ({})", spec.name, spec.reference), described)
                );
            }
            println!("\nMore about one: `gonogo checks info <name>`.");
        }
    }
    if broken { Exit::Error } else { Exit::Go }
}

/// One line of the list: the check, its version and the first sentence of
/// its description, or why it cannot be loaded.
fn line(label: &str, described: &Result<Description, String>) -> String {
    match described {
        Ok(d) => format!(
            "{label:<34} {} {} — {}",
            d.info.name,
            d.info.version,
            first_sentence(&d.info.description)
        ),
        Err(error) => format!("{label:<34} cannot be loaded: {error}"),
    }
}

fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}
