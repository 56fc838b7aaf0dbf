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
