//! `gonogo new check` in every language: the scaffold, as generated, builds
//! with its own script, pins itself in its pack, and passes its own test
//! (GO on its fixture, NO-GO without a README). Toolchains come from
//! `guest-checks/examples/toolchains.sh` (the README's test command runs it).

mod common;

use common::{Project, gonogo};
use predicates::prelude::*;
use std::path::PathBuf;

/// The folder of the cached toolchains' commands.
fn toolchains() -> PathBuf {
    let root = std::env::var_os("GONOGO_TOOLCHAINS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/gonogo-toolchains")
        });
    let bin = root.join("bin");
    assert!(
        bin.join("wasm-tools").exists(),
        "{} lacks the toolchains: run `bash guest-checks/examples/toolchains.sh`",
        bin.display()
    );
    root
}

fn scaffold_builds_and_passes_its_test(lang: &str) {
    let root = toolchains();
    let workspace = Project::new();
    let dir = workspace.path().join(format!("{lang}-check"));
    gonogo()
        .args(["new", "check", "team-readme", "--lang", lang, "--dir"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("bash test.sh"));
    let path = format!(
        "{}:{}",
        root.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = std::process::Command::new("bash")
        .arg("test.sh")
        .current_dir(&dir)
        .env("PATH", path)
        .env("GONOGO", env!("CARGO_BIN_EXE_gonogo"))
        .env("GONOGO_CACHE_DIR", common::shared_cache())
        .env("WIT_GO_PKG", root.join("go-pkg"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("test: ok"),
        "{lang} scaffold failed its test:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("GO · 1 rule: 1 passed"), "{stdout}");
    assert!(stdout.contains("The project has no README.md"), "{stdout}");
    let pack = std::fs::read_to_string(dir.join("gonogo.yaml")).expect("pack");
    let pinned = common::sha256(&dir.join("build/team-readme.wasm"));
    assert!(pack.contains(&format!("sha256: {pinned}")), "{pack}");
}

#[test]
fn a_rust_scaffold_builds_and_passes_its_test() {
    scaffold_builds_and_passes_its_test("rust");
}

#[test]
fn a_python_scaffold_builds_and_passes_its_test() {
    scaffold_builds_and_passes_its_test("python");
}

#[test]
fn a_javascript_scaffold_builds_and_passes_its_test() {
    scaffold_builds_and_passes_its_test("js");
}

#[test]
fn a_c_scaffold_builds_and_passes_its_test() {
    scaffold_builds_and_passes_its_test("c");
}

#[test]
fn a_go_scaffold_builds_and_passes_its_test() {
    scaffold_builds_and_passes_its_test("go");
}

#[test]
fn bad_names_and_existing_folders_are_refused() {
    let workspace = Project::new();
    gonogo()
        .args(["new", "check", "Team_Readme", "--lang", "go", "--dir"])
        .arg(workspace.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`Team_Readme` is not a check name",
        ));
    workspace.write("taken/file.txt", "mine");
    gonogo()
        .args(["new", "check", "taken", "--lang", "python", "--dir"])
        .arg(workspace.path().join("taken"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists and is not empty"));
    assert_eq!(
        std::fs::read_to_string(workspace.path().join("taken/file.txt")).expect("kept"),
        "mine",
        "nothing was overwritten"
    );
    gonogo()
        .args(["new", "check", "x", "--lang", "cobol"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "possible values: rust, python, js, c, go",
        ));
}
