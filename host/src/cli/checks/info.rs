//! `gonogo checks info`: one check in full, found by built-in name, by its
//! name in the pack, or by path.

use super::{Format, grants_json, load_pack, loose_spec, runtime};
use crate::cli::fail;
use crate::exit::Exit;
use crate::policy::{CheckSource, CheckSpec, Limits, Plan};
use crate::runtime::Description;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Show one check: its `describe()`, digest, the interfaces it imports, the
/// grants, limits and rules a pack gives it, and its documentation.
///
/// CHECK is `builtin:<name>`, the name of a check in the pack, or the path
/// of a `.wasm` component (its documentation is `<name>.md` beside it, or
/// the `README.md` beside it or one folder up).
///
/// Examples:
///   gonogo checks info builtin:http
///   gonogo checks info env --policy ./gonogo.yaml
///   gonogo checks info build/openapi.wasm
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct InfoArgs {
    /// `builtin:<name>`, a check's name in the pack, or a `.wasm` path.
    #[arg(value_name = "CHECK")]
    check: String,

    /// The pack (default: `./gonogo.yaml` if present, else the built-in
    /// production-readiness pack).
    #[arg(long, short = 'p', value_name = "PACK")]
    policy: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// What `gonogo checks info` resolved CHECK to.
struct Resolved {
    spec: CheckSpec,
    /// The pack entries using the same component.
    uses: Vec<CheckSpec>,
    docs: Option<String>,
}

fn resolve(reference: &str, plan: &Plan) -> Result<Resolved, Exit> {
    let by_digest = |digest: &str| -> Vec<CheckSpec> {
        plan.checks
            .iter()
            .filter(|c| c.digest == digest)
            .cloned()
            .collect()
    };
    if let Some(name) = reference.strip_prefix("builtin:") {
        let Some(builtin) = crate::builtins::builtin(name) else {
            let known: Vec<String> = crate::builtins::BUILTINS
                .iter()
                .map(|b| format!("builtin:{}", b.name))
                .collect();
            return Err(fail(format_args!(
                "`{reference}` is not a built-in check\n  help: built-in checks: {}",
                known.join(", ")
            )));
        };
        let spec = loose_spec(name, reference, CheckSource::Builtin(builtin));
        let uses = by_digest(&spec.digest);
        return Ok(Resolved {
            spec,
            uses,
            docs: Some(crate::builtins::docs(builtin)),
        });
    }
    if let Some(spec) = plan.checks.iter().find(|c| c.name == reference) {
        let docs = match &spec.source {
            CheckSource::Builtin(builtin) => Some(crate::builtins::docs(builtin)),
            CheckSource::File { path, .. } => readme_beside(path),
        };
        return Ok(Resolved {
            spec: spec.clone(),
            uses: by_digest(&spec.digest),
            docs,
        });
    }
    let path = PathBuf::from(reference);
    match crate::untrusted::read_named(&path, 256 << 20) {
        Ok(bytes) => {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| reference.to_owned());
            let source = CheckSource::File {
                path: path.clone(),
                bytes: Arc::from(bytes),
            };
            let spec = loose_spec(&name, reference, source);
            Ok(Resolved {
                uses: by_digest(&spec.digest),
                docs: readme_beside(&path),
                spec,
            })
        }
        Err(error) if path.exists() || reference.ends_with(".wasm") => {
            Err(fail(format_args!("cannot read `{reference}`: {error}")))
        }
        Err(_) => {
            let names: Vec<&str> = plan.checks.iter().map(|c| c.name.as_str()).collect();
            Err(fail(format_args!(
                "`{reference}` is neither `builtin:<name>`, a check of pack `{}` ({}), nor a file\n  help: `gonogo checks list` shows them all",
                plan.name,
                if names.is_empty() {
                    "it has none".to_owned()
                } else {
                    names.join(", ")
                }
            )))
        }
    }
}

/// A component's documentation: `<name>.md` beside it (`check.wasm` →
/// `check.md`), else the `README.md` beside it or one folder up (for a
/// `build/` folder).
fn readme_beside(component: &Path) -> Option<String> {
    let dir = component.parent()?;
    let mut candidates = vec![component.with_extension("md"), dir.join("README.md")];
    if let Some(parent) = dir.parent() {
        candidates.push(parent.join("README.md"));
    }
    candidates
        .iter()
        .find_map(|p| crate::untrusted::read_named_text(p, 4 << 20).ok())
}

/// Runs `gonogo checks info`.
pub(super) fn info(args: InfoArgs) -> Exit {
    let plan = match load_pack(args.policy.as_deref()) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let resolved = match resolve(&args.check, &plan) {
        Ok(resolved) => resolved,
        Err(exit) => return exit,
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(exit) => return exit,
    };
    let described = match runtime.describe(&resolved.spec) {
        Ok(described) => described,
        Err(error) => return fail(error),
    };
    let builtin = match &resolved.spec.source {
        CheckSource::Builtin(builtin) => Some(*builtin),
        CheckSource::File { .. } => None,
    };
    match args.format {
        Format::Json => {
            let report = json!({
                "use": resolved.spec.reference,
                "location": resolved.spec.source.location(),
                "sha256": resolved.spec.digest,
                "describe": described,
                "settings": builtin.map(|b| b.settings),
                "findings": builtin.map(|b| b.findings),
                "pack": {
                    "name": plan.name,
                    "origin": plan.origin,
                    "uses": resolved.uses.iter().map(|u| json!({
                        "name": u.name,
                        "with": serde_json::from_str::<serde_json::Value>(&u.config_json).unwrap_or_default(),
                        "grants": grants_json(&u.grants),
                        "limits": limits_json(&u.limits),
                        "rules": rules_reading(&plan, &u.name),
                    })).collect::<Vec<_>>(),
                },
                "docs": resolved.docs,
            });
            println!("{report:#}");
        }
        Format::Text => print!("{}", info_text(&resolved, &described, builtin, &plan)),
    }
    Exit::Go
}

fn rules_reading(plan: &Plan, check: &str) -> Vec<String> {
    plan.rules
        .iter()
        .filter(|r| r.check.as_deref() == Some(check))
        .map(|r| r.id.clone())
        .collect()
}

fn limits_json(limits: &Limits) -> serde_json::Value {
    json!({
        "timeout_ms": limits.timeout.as_millis() as u64,
        "memory_mb": limits.memory_bytes >> 20,
        "outcome_kb": limits.outcome_bytes >> 10,
        "probe_calls": limits.probe_calls,
        "probe_timeout_ms": limits.probe_timeout.as_millis() as u64,
        "probe_body_kb": limits.probe_body_bytes >> 10,
    })
}

/// What an import lets a check do, for people.
fn import_purpose(name: &str) -> Option<&'static str> {
    let interface = name.split('@').next().unwrap_or(name);
    Some(match interface {
        "gonogo:check/host" => "logging, the list of granted variables",
        "gonogo:check/workspace" => "the project's files and their git status",
        "gonogo:check/probe" => "live probes, only to the hosts the pack grants",
        "gonogo:check/types" => return None,
        _ => return None,
    })
}

fn info_text(
    resolved: &Resolved,
    described: &Description,
    builtin: Option<&crate::builtins::Builtin>,
    plan: &Plan,
) -> String {
    let spec = &resolved.spec;
    let info = &described.info;
    let mut text = format!(
        "{} — {} {} (id `{}`)\n\n",
        spec.reference, info.name, info.version, info.id
    );
    if let CheckSource::File { path, .. } = &spec.source {
        text.push_str(&format!("  file     {}\n", path.display()));
    }
    text.push_str(&format!("  sha256   {}\n", spec.digest));
    let (gonogo, other): (Vec<&String>, Vec<&String>) = described
        .imports
        .iter()
        .partition(|i| i.starts_with("gonogo:"));
    let mut imports: Vec<String> = gonogo
        .iter()
        .filter_map(|i| import_purpose(i).map(|p| format!("{i} ({p})")))
        .collect();
    if !other.is_empty() {
        imports.push(format!("{} WASI interfaces", other.len()));
    }
    text.push_str(&format!("  imports  {}\n", imports.join("\n           ")));
    text.push_str(&format!("\n{}\n", info.description.trim()));
    if let Some(builtin) = builtin {
        if !builtin.settings.is_empty() {
            text.push_str(&format!(
                "\nSettings (`with:`): {}\n",
                builtin.settings.join(", ")
            ));
        }
        text.push_str(&format!("\nFindings: {}\n", builtin.findings.join(", ")));
    }
    if resolved.uses.is_empty() {
        text.push_str(&format!(
            "\nPack `{}` ({}) does not use it.\n",
            plan.name, plan.origin
        ));
    }
    for used in &resolved.uses {
        text.push_str(&format!(
            "\nIn pack `{}` ({}) as `{}`:\n  with     {}\n",
            plan.name, plan.origin, used.name, used.config_json
        ));
        let mut env: Vec<String> = used
            .grants
            .env
            .iter()
            .map(|g| format!("{}{}", g.name, if g.secret { " (secret)" } else { "" }))
            .collect();
        if used.grants.env_names {
            env.push("the names (not the values) of every variable".to_owned());
        }
        text.push_str(&format!(
            "  env      {}\n  hosts    {}\n",
            if env.is_empty() {
                "none".to_owned()
            } else {
                env.join(", ")
            },
            if used.grants.hosts.is_empty() {
                "none".to_owned()
            } else {
                used.grants
                    .hosts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ));
        if used.grants.git_history {
            text.push_str("  history  the lines the project's git history added\n");
        }
        let limits = &used.limits;
        text.push_str(&format!(
            "  limits   {} ms, {} MiB, outcome {} KiB; {} probe calls of {} ms, {} KiB each\n",
            limits.timeout.as_millis(),
            limits.memory_bytes >> 20,
            limits.outcome_bytes >> 10,
            limits.probe_calls,
            limits.probe_timeout.as_millis(),
            limits.probe_body_bytes >> 10
        ));
        let rules = rules_reading(plan, &used.name);
        text.push_str(&format!(
            "  rules    {}\n",
            if rules.is_empty() {
                "none".to_owned()
            } else {
                rules.join(", ")
            }
        ));
    }
    match &resolved.docs {
        Some(docs) => text.push_str(&format!("\nDocumentation\n\n{}\n", docs.trim_end())),
        None => text.push_str(
            "\nNo documentation: publish a `<name>.md` (or README.md) beside the `.wasm`.\n",
        ),
    }
    text
}
