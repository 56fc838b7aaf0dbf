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
    "host/src/expr/parsed/",
    "host/src/policy/remote.rs",
    "host/src/untrusted.rs",
];

/// The host's Rust sources outside test modules: each file's path under
/// `host/src` (with `/`) and its code before any `#[cfg(test)]`; files
/// named `tests.rs` or `*_tests.rs` (test modules of their own) are left out.
fn host_code() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut pending = vec![src.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("host/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&src)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            let file = relative.rsplit('/').next().unwrap_or_default();
            if !relative.ends_with(".rs") || file == "tests.rs" || file.ends_with("_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            let code = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_owned();
            files.push((relative, code));
        }
    }
    files
}

#[test]
fn the_host_reads_files_only_through_the_untrusted_module_or_its_cache() {
    let mut offenders = Vec::new();
    for (relative, code) in host_code() {
        let relative = format!("host/src/{relative}");
        if CACHE_READERS.iter().any(|a| relative.starts_with(a)) {
            continue;
        }
        for (number, line) in code.lines().enumerate() {
            let reads = ["fs::read(", "fs::read_to_string(", "File::open("];
            if reads.iter().any(|r| line.contains(r)) {
                offenders.push(format!("{relative}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "read files through crate::untrusted (non-blocking, regular files only, capped while reading):\n{}",
        offenders.join("\n")
    );
}

/// The top-level modules of the host each source file's code (tests left
/// out) names, by `crate::<module>` or a `super::` path that reaches the
/// crate root.
fn module_edges() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for (relative, code) in host_code() {
        let parts: Vec<&str> = relative.split('/').collect();
        let module = parts[0].trim_end_matches(".rs").to_owned();
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        // How many `super::` reach the crate root from this file.
        let depth = parts.len() - usize::from(parts.last() == Some(&"mod.rs"));
        let to_root = "super::".repeat(depth);
        for prefix in ["crate::", to_root.as_str()] {
            for (at, _) in code.match_indices(prefix) {
                let name: String = code[at + prefix.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module && name != "super" {
                    edges.entry(module.clone()).or_default().insert(name);
                }
            }
        }
    }
    edges
}

#[test]
fn the_host_modules_import_each_other_without_a_cycle() {
    let edges = module_edges();
    assert!(
        edges.get("runtime").is_some_and(|e| e.contains("plan")),
        "{edges:?}"
    );
    // Depth-first search for a path back to where it started.
    fn cycle_from(
        start: &str,
        at: &str,
        edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        seen: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        for next in edges.get(at).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if let Some(cycle) = cycle_from(start, next, edges, path, seen) {
                    return Some(cycle);
                }
                path.pop();
            }
        }
        None
    }
    for start in edges.keys() {
        let mut path = vec![start.clone()];
        let cycle = cycle_from(start, start, &edges, &mut path, &mut Default::default());
        assert!(
            cycle.is_none(),
            "the host's modules import each other in a cycle: {} (see docs/architecture.md for what may import what)",
            cycle.unwrap_or_default().join(" → ")
        );
    }
}
