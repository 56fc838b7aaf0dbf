//! Promises about the repository itself: CI runs exactly the README's test command.

use std::path::Path;

fn read(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = read("README.md");
    let section = readme
        .split("Run every test:")
        .nth(1)
        .expect("README has 'Run every test:'");
    let command = section
        .lines()
        .skip_while(|line| !line.starts_with("```"))
        .nth(1)
        .expect("a code block after 'Run every test:'")
        .trim()
        .to_owned();
    let ci = read(".ci/run");
    let last = ci
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .expect("non-empty .ci/run");
    assert_eq!(last.trim(), command);
}

/// Where the host may read a file without `host/src/untrusted.rs`: its own
/// cache folder (compiled components, stored outcomes, parsed expressions,
/// durations, fetched packs), which must be writable by the user alone.
const CACHE_READERS: &[&str] = &[
    "host/src/runtime/cache.rs",
    "host/src/runtime/reuse/",
    "host/src/runtime/schedule.rs",
    "host/src/policy/parsed/",
    "host/src/policy/remote.rs",
    "host/src/untrusted.rs",
];

#[test]
fn the_host_reads_files_only_through_the_untrusted_module_or_its_cache() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut pending = vec![root.join("host/src")];
    let mut offenders = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("host/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            if !relative.ends_with(".rs") || CACHE_READERS.iter().any(|a| relative.starts_with(a)) {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            // Test modules read their own fixtures.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (number, line) in code.lines().enumerate() {
                let reads = ["fs::read(", "fs::read_to_string(", "File::open("];
                if reads.iter().any(|r| line.contains(r)) {
                    offenders.push(format!("{relative}:{}: {}", number + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "read files through crate::untrusted (non-blocking, regular files only, capped while reading):\n{}",
        offenders.join("\n")
    );
}
