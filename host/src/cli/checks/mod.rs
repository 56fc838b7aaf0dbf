//! `gonogo checks list` and `gonogo checks info`: what each check is (its
//! `describe()`), where it comes from, what a pack grants it, which rules
//! read it, and its documentation.

mod info;
mod list;

use super::fail;
use crate::exit::Exit;
use crate::policy::{self, CheckSource, CheckSpec, Grants, Limits, PackRef, Plan};
use crate::runtime::Runtime;
use crate::runtime::cache::CompileCache;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;

/// List the built-in checks and a pack's, or show one in full: its
/// `describe()`, grants, rules and documentation.
#[derive(Debug, clap::Args)]
pub struct ChecksArgs {
    #[command(subcommand)]
    command: ChecksCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ChecksCommand {
    List(list::ListArgs),
    Info(info::InfoArgs),
}

/// Output format of `gonogo checks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Format {
    Text,
    Json,
}

/// Runs `gonogo checks`.
pub fn run(args: ChecksArgs) -> Exit {
    match args.command {
        ChecksCommand::List(args) => list::list(args),
        ChecksCommand::Info(args) => info::info(args),
    }
}

/// Loads `--policy`, or the default pack; diagnostics are printed.
pub(super) fn load_pack(policy: Option<&str>) -> Result<Plan, Exit> {
    let pack = policy
        .map(PackRef::parse)
        .unwrap_or_else(|| PackRef::default_for(Path::new(".")));
    policy::load(&pack).map_err(|error| {
        for diagnostic in &error.diagnostics {
            fail(diagnostic);
        }
        Exit::Error
    })
}

/// The engine with the user's compile cache.
pub(super) fn runtime() -> Result<Runtime, Exit> {
    let cache = CompileCache::default_dir().map_or_else(CompileCache::disabled, CompileCache::at);
    Runtime::new(cache, false).map_err(fail)
}

/// A spec for a component that is not in the pack: no grants, default limits.
pub(super) fn loose_spec(name: &str, reference: &str, source: CheckSource) -> CheckSpec {
    CheckSpec {
        name: name.to_owned(),
        reference: reference.to_owned(),
        digest: hex::encode(Sha256::digest(source.bytes())),
        source,
        config_json: "{}".into(),
        grants: Grants::default(),
        limits: Limits::DEFAULT,
    }
}

/// A spec for every built-in check.
pub(super) fn builtin_specs() -> Vec<CheckSpec> {
    crate::builtins::BUILTINS
        .iter()
        .map(|b| {
            let reference = format!("builtin:{}", b.name);
            loose_spec(b.name, &reference, CheckSource::Builtin(b))
        })
        .collect()
}

/// A check's grants, as JSON.
pub(super) fn grants_json(grants: &Grants) -> serde_json::Value {
    json!({
        "env": grants.env.iter().map(|g| json!({"name": g.name, "secret": g.secret})).collect::<Vec<_>>(),
        "hosts": grants.hosts.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "ca_bundle": grants.ca_bundle.as_ref().map(|p| p.display().to_string()),
        "env_names": grants.env_names,
        "git_history": grants.git_history,
    })
}
