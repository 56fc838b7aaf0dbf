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
    /// Keep fetched packs under DIR/packs (default: $GONOGO_CACHE_DIR, else
    /// ~/.cache/gonogo), as `gonogo check --cache-dir` does.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<std::path::PathBuf>,
}

/// Runs `gonogo pull`.
pub fn run(args: PullArgs) -> Exit {
    let pack = PackRef::parse(&args.policy);
    let pack_cache = match &args.cache_dir {
        Some(dir) => Some(remote::cache_dir_in(dir)),
        None => remote::cache_dir(),
    };
    let loaded = policy::load_with(
        &pack,
        policy::LoadOptions {
            pack_cache: pack_cache.clone(),
            parsed: None,
        },
    );
    if let Err(error) = loaded.plan {
        for diagnostic in &error.diagnostics {
            fail(diagnostic);
        }
        return Exit::Error;
    }
    let loaded = loaded.remote;
    if loaded.is_empty() {
        println!("{} extends no remote pack: nothing to pull", args.policy);
        return Exit::Go;
    }
    let dir = pack_cache
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
