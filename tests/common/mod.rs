//! Helpers shared by the end-to-end tests: the real `gonogo` binary, the
//! real components, temporary projects and packs.

#![allow(dead_code)]

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ is in the repo")
        .to_path_buf()
}

/// A compile cache shared by the tests of one binary (the cache test uses its own).
pub fn shared_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("compile-cache")
}

/// `gonogo` run from the repository root, with the shared cache and a
/// clean environment (no colour settings, no inherited secrets).
pub fn gonogo() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gonogo"));
    command
        .current_dir(repo())
        .env("GONOGO_CACHE_DIR", shared_cache())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    command
}

/// A test-only component built from `guest-checks/test-checks`.
pub fn test_component(file: &str) -> PathBuf {
    PathBuf::from(env!("GONOGO_GUEST_WASM_DIR")).join(file)
}

/// The hostile component.
pub fn hostile() -> PathBuf {
    test_component("gonogo_test_hostile.wasm")
}

/// sha256 of a file, hex.
pub fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("readable")))
}

/// A temporary project folder.
pub struct Project {
    /// The folder (deleted on drop).
    pub dir: tempfile::TempDir,
}

impl Project {
    /// An empty project.
    pub fn new() -> Self {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (parents created) and returns its path.
    pub fn write(&self, relative: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
        path
    }
}

/// YAML for a check entry using a component by absolute path, pinned.
pub fn pinned_check(name: &str, component: &Path, with: &str, extra: &str) -> String {
    format!(
        "  {name}:\n    use: {}\n    sha256: {}\n    with: {with}\n{extra}",
        component.display(),
        sha256(component)
    )
}

/// The report of a JSON run.
pub fn json_report(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The run of check `name` in a JSON report.
pub fn check_run<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check `{name}` in {report:#}"))
}

/// The result of rule `id` in a JSON report.
pub fn rule<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no rule `{id}` in {report:#}"))
}

/// A temporary copy of a fixture project (a folder of the repository).
pub fn fixture_project(fixture: &str) -> Project {
    let project = Project::new();
    copy_dir(&repo().join(fixture), project.path());
    project
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("fixture exists") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Runs git in the project (with an identity, no global config).
pub fn git(project: &Project, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(project.path())
        .args(["-c", "user.email=test@example.com", "-c", "user.name=test"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// Makes the project a git repository with everything not ignored committed.
pub fn commit_all(project: &Project) {
    git(project, &["init", "-q", "-b", "main"]);
    git(project, &["add", "-A"]);
    git(project, &["commit", "-qm", "fixture", "--allow-empty"]);
}

/// `gonogo check --format json --policy PACK` over `project`: the
/// process's output and the report.
pub fn pack_report(project: &Project, pack: &str) -> (std::process::Output, serde_json::Value) {
    let output = gonogo()
        .args(["check", "--format", "json", "--policy", pack])
        .arg(project.path())
        .output()
        .expect("runs");
    let report = json_report(&output);
    (output, report)
}

/// The JSON report of the repository checks' fixture pack over `project`.
pub fn repo_checks_report(project: &Project) -> serde_json::Value {
    pack_report(project, "tests/packs/repo-checks").1
}

/// The report of the built-in production-readiness pack over `project`.
pub fn builtin_pack_report(project: &Project) -> (std::process::Output, serde_json::Value) {
    pack_report(project, "builtin:production-readiness")
}

/// The findings and facts of check `name` after running the repository
/// checks' fixture pack over `project`.
pub fn repo_check_outcome(project: &Project, name: &str) -> serde_json::Value {
    let report = repo_checks_report(project);
    let run = check_run(&report, name);
    assert_eq!(run["error"], serde_json::Value::Null, "{run:#}");
    serde_json::json!({ "findings": run["findings"], "facts": run["facts"] })
}

/// The env file of an example project (`examples/shop-api` →
/// `examples/deploy/shop-api.env`): kept outside the project, as a
/// platform keeps its secrets, so the project itself commits none.
pub fn example_env(example: &str) -> String {
    let name = example.rsplit('/').next().unwrap_or(example);
    format!("examples/deploy/{name}.env")
}

/// The standard output of `gonogo check EXAMPLE --env-file … --format
/// FORMAT` (plus `extra`), asserting the exit code.
pub fn check_example(example: &str, format: &str, extra: &[&str], code: i32) -> String {
    let output = gonogo()
        .args([
            "check",
            example,
            "--env-file",
            &example_env(example),
            "--format",
            format,
        ])
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(code));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// A YAML file of the repository, as JSON.
pub fn yaml(relative: &str) -> serde_json::Value {
    serde_saphyr::from_str(&std::fs::read_to_string(repo().join(relative)).expect("readable"))
        .expect("valid YAML")
}
