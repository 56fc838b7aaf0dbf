//! The compile cache: the first run compiles each component and parses
//! each expression, a second run with a warm cache does neither.

mod common;

use common::{gonogo, repo};

fn run_verbose(cache: &std::path::Path) -> String {
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--env-file",
            "examples/deploy/shop-api.env",
            "--verbose",
        ])
        .env("GONOGO_CACHE_DIR", cache)
        .current_dir(repo())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_second_run_with_a_warm_cache_compiles_nothing() {
    let cache = tempfile::tempdir().expect("temp dir");
    let first = run_verbose(cache.path());
    assert!(first.contains("`builtin:env` compiled in"), "{first}");
    assert!(
        first.contains(" CEL expression(s) parsed, 0 decoded from the cache"),
        "{first}"
    );
    let entries = std::fs::read_dir(cache.path())
        .expect("cache written")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
        })
        .count();
    assert_eq!(
        entries, 18,
        "eighteen components (env, the repository checks, http, email-dns, datastores, github, uptime, sentry, database-provider, stripe, alerting and email-provider), eighteen entries"
    );
    // How long each check took, so that the next run starts the longest first.
    let durations =
        std::fs::read_to_string(cache.path().join("durations.json")).expect("durations recorded");
    assert!(durations.contains("\"env@"), "{durations}");
    let second = run_verbose(cache.path());
    assert!(
        second.contains("`builtin:env` loaded from the compile cache"),
        "{second}"
    );
    assert!(second.contains("gonogo: check `env` ran in "), "{second}");
    assert!(!second.contains("compiled in"), "{second}");
    // The pack's expressions are decoded, none parsed again.
    assert!(
        second.contains("gonogo: 0 CEL expression(s) parsed, "),
        "{second}"
    );
}

#[test]
fn a_damaged_cache_entry_is_recompiled_and_a_damaged_outcome_run_again() {
    let cache = tempfile::tempdir().expect("temp dir");
    run_verbose(cache.path());
    let reused = run_verbose(cache.path());
    assert!(
        reused.contains("check `node` reused its stored outcome"),
        "{reused}"
    );
    // Every file: compiled components, durations, stored outcomes.
    let outcomes = cache.path().join("outcomes");
    for folder in [cache.path(), outcomes.as_path()] {
        for entry in std::fs::read_dir(folder).expect("cache written") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::write(path, b"not a compiled component").expect("overwrite");
            }
        }
    }
    let again = run_verbose(cache.path());
    assert!(again.contains("`builtin:env` compiled in"), "{again}");
    assert!(again.contains("check `node` ran in"), "{again}");
    assert!(again.contains(", 0 decoded from the cache"), "{again}");
}

#[test]
fn no_cache_compiles_without_writing_even_with_a_cache_dir_set() {
    let cache = tempfile::tempdir().expect("temp dir");
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--env-file",
            "examples/deploy/shop-api.env",
            "--verbose",
            "--no-cache",
        ])
        .env("GONOGO_CACHE_DIR", cache.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("compiled in"));
    assert_eq!(std::fs::read_dir(cache.path()).expect("exists").count(), 0);
}
