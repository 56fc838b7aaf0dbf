//! `gonogo pull`: fetches the remote baselines a pack extends into the
//! offline cache, so later runs need no network.

use super::fail;
use crate::exit::Exit;
use crate::policy::remote::{self, Origin};
use crate::policy::{self, PackRef};

/// Fetch the remote packs a pack extends (`extends: { pack: https://… }`)
/// into the offline cache, verifying each against its `sha256:` pin, and
/// print their digests.
///
/// Examples:
///   gonogo pull
///   gonogo pull --policy team/gonogo.yaml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct PullArgs {
    /// The pack (default: `./gonogo.yaml`).
    #[arg(long, short = 'p', value_name = "PACK", default_value = "gonogo.yaml")]
    policy: String,
}

/// Runs `gonogo pull`.
pub fn run(args: PullArgs) -> Exit {
    let pack = PackRef::parse(&args.policy);
    remote::take_loaded();
    if let Err(error) = policy::load(&pack) {
        for diagnostic in &error.diagnostics {
            fail(diagnostic);
        }
        return Exit::Error;
    }
    let loaded = remote::take_loaded();
    if loaded.is_empty() {
        println!("{} extends no remote pack: nothing to pull", args.policy);
        return Exit::Go;
    }
    let dir = remote::cache_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "(no cache folder)".into());
    for pack in &loaded {
        let how = match (pack.origin, pack.pinned) {
            (Origin::Cache, _) => "already cached",
            (Origin::Fetched, true) => "fetched and cached",
            (Origin::Fetched, false) => "fetched, not cached: unpinned (pin it with this sha256)",
        };
        println!("{}\n  sha256 {}\n  {how}", pack.url, pack.sha256);
    }
    println!("cache: {dir}");
    Exit::Go
}
