//! How the GitHub Action gets gonogo onto a runner
//! (`integrations/action/{resolve,install}.sh`): a tagged Action downloads
//! its release archive and installs it only when its sha256 matches (the
//! pinned `sha256` input, else the release's SHA256SUMS); by branch it
//! builds from source, cached per source tree; a gonogo already on PATH is
//! used as it is. Releases are served from a `file://` folder laid out as
//! GitHub's release downloads are.

mod common;

use common::{Project, repo};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = "v9.9.9";

/// The Rust target triple of this machine, as resolve.sh names it.
fn target() -> String {
    let os = match std::env::consts::OS {
        "macos" => "apple-darwin",
        _ => "unknown-linux-gnu",
    };
    format!("{}-{os}", std::env::consts::ARCH)
}

/// A release folder with this machine's archive holding the gonogo binary
/// under test, and SHA256SUMS; the archive's sha256.
fn release(root: &Path) -> String {
    let folder = root.join("releases").join(VERSION);
    std::fs::create_dir_all(&folder).expect("mkdir");
    let staging = root.join("staging");
    std::fs::create_dir_all(&staging).expect("mkdir");
    std::fs::copy(env!("CARGO_BIN_EXE_gonogo"), staging.join("gonogo")).expect("copy");
    let archive = format!("gonogo-{VERSION}-{}.tar.gz", target());
    let status = Command::new("tar")
        .arg("-czf")
        .arg(folder.join(&archive))
        .arg("-C")
        .arg(&staging)
        .arg("gonogo")
        .status()
        .expect("tar runs");
    assert!(status.success());
    let digest = common::sha256(&folder.join(&archive));
    std::fs::write(folder.join("SHA256SUMS"), format!("{digest}  {archive}\n")).expect("sums");
    digest
}

/// Runs one of the Action's scripts with a runner's files; PATH holds the
/// system's tools only (no gonogo) unless `path` says otherwise.
fn script(name: &str, runner: &Path, env: &[(&str, &str)], path: Option<&str>) -> Output {
    let mut command = Command::new("bash");
    command
        .arg(repo().join("integrations/action").join(name))
        .env_clear()
        .env("PATH", path.unwrap_or("/usr/local/bin:/usr/bin:/bin"))
        .env("HOME", runner)
        .env("RUNNER_TEMP", runner)
        .env("GITHUB_OUTPUT", runner.join("output"))
        .env("GITHUB_PATH", runner.join("path"))
        .env("ACTION_PATH", repo());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("bash runs")
}

/// What a step wrote to `$GITHUB_OUTPUT`, as `key=value` lines.
fn outputs(runner: &Path) -> String {
    std::fs::read_to_string(runner.join("output")).unwrap_or_default()
}

fn install(runner: &Path, releases: &Path, sha256: &str) -> Output {
    let url = format!("file://{}", releases.display());
    let target = target();
    script(
        "install.sh",
        runner,
        &[
            ("GONOGO_MODE", "download"),
            ("GONOGO_VERSION", VERSION),
            ("GONOGO_TARGET", &target),
            ("GONOGO_SHA256", sha256),
            ("GONOGO_RELEASE_URL", &url),
        ],
        None,
    )
}

fn installed(runner: &Path) -> PathBuf {
    runner.join("gonogo/bin/gonogo")
}

#[test]
fn a_tagged_action_downloads_its_release_and_checks_the_sha256() {
    let runner = Project::new();
    let digest = release(runner.path());
    let resolved = script(
        "resolve.sh",
        runner.path(),
        &[("ACTION_REF", VERSION)],
        None,
    );
    assert!(resolved.status.success(), "{resolved:?}");
    let said = outputs(runner.path());
    assert!(said.contains("mode=download\n"), "{said}");
    assert!(said.contains(&format!("version={VERSION}\n")), "{said}");
    assert!(said.contains(&format!("target={}\n", target())), "{said}");

    let output = install(runner.path(), &runner.path().join("releases"), "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(concat!("gonogo ", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    let path = std::fs::read_to_string(runner.path().join("path")).expect("GITHUB_PATH");
    assert_eq!(
        path.trim(),
        runner.path().join("gonogo/bin").display().to_string()
    );
    assert!(installed(runner.path()).is_file());

    // Pinned: the same archive with its digest given installs too.
    let pinned = Project::new();
    let output = install(pinned.path(), &runner.path().join("releases"), &digest);
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn an_archive_whose_sha256_does_not_match_is_not_installed() {
    let runner = Project::new();
    release(runner.path());
    let releases = runner.path().join("releases");
    // A pin that does not match.
    let output = install(runner.path(), &releases, &"0".repeat(64));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error::") && stdout.contains("not installed"),
        "{stdout}"
    );
    assert!(!installed(runner.path()).exists());
    // A SHA256SUMS that does not match (a replaced archive).
    let sums = releases.join(VERSION).join("SHA256SUMS");
    let text = std::fs::read_to_string(&sums).expect("sums");
    std::fs::write(&sums, format!("{}{}", "f".repeat(64), &text[64..])).expect("write");
    let output = install(runner.path(), &releases, "");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(!installed(runner.path()).exists());
    // A SHA256SUMS that does not list it.
    std::fs::write(&sums, "").expect("write");
    let output = install(runner.path(), &releases, "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("no sha256"), "{stdout}");
}

#[test]
fn by_branch_it_builds_from_source_cached_per_source_tree() {
    let runner = Project::new();
    let resolved = script("resolve.sh", runner.path(), &[("ACTION_REF", "main")], None);
    assert!(resolved.status.success(), "{resolved:?}");
    let first = outputs(runner.path());
    assert!(first.contains("mode=build\n"), "{first}");
    let digest = first
        .lines()
        .find_map(|l| l.strip_prefix("source-digest="))
        .expect("a digest");
    assert!(
        digest.len() == 64 && digest.chars().all(|c| c.is_ascii_hexdigit()),
        "{digest}"
    );
    let again = Project::new();
    script("resolve.sh", again.path(), &[("ACTION_REF", "main")], None);
    assert!(outputs(again.path()).contains(&format!("source-digest={digest}\n")));
}

#[test]
fn a_gonogo_already_on_path_is_used() {
    let runner = Project::new();
    let bin = Path::new(env!("CARGO_BIN_EXE_gonogo"))
        .parent()
        .expect("bin dir");
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let resolved = script(
        "resolve.sh",
        runner.path(),
        &[("ACTION_REF", VERSION)],
        Some(&path),
    );
    assert!(resolved.status.success());
    assert_eq!(outputs(runner.path()), "mode=present\n");
}

/// Every `uses:` of the Action and of the workflows, pinned to a commit.
#[test]
fn every_action_used_is_pinned_to_a_commit() {
    let mut found = 0;
    let mut uses = |document: &serde_json::Value| {
        let mut stack = vec![document.clone()];
        while let Some(value) = stack.pop() {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::String(action)) = map.get("uses") {
                        let (name, reference) = action.split_once('@').expect("name@ref");
                        assert!(name.contains('/'), "{action}");
                        assert!(
                            reference.len() == 40
                                && reference.chars().all(|c| c.is_ascii_hexdigit()),
                            "`{action}` is not pinned to a commit"
                        );
                        found += 1;
                    }
                    stack.extend(map.into_values());
                }
                serde_json::Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    };
    uses(&common::yaml("action.yml"));
    uses(&common::yaml(".github/workflows/release.yml"));
    assert!(found >= 8, "{found} actions");
}

/// The release builds what resolve.sh asks for, named as install.sh
/// downloads it, with `gonogo` at the archive's top.
#[test]
fn the_release_builds_every_target_the_action_downloads() {
    let release = common::yaml(".github/workflows/release.yml");
    let mut built: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("matrix")
        .iter()
        .filter_map(|entry| entry["target"].as_str())
        .collect();
    built.sort_unstable();
    let resolve =
        std::fs::read_to_string(repo().join("integrations/action/resolve.sh")).expect("resolve.sh");
    let mut asked: Vec<&str> = resolve
        .lines()
        .filter_map(|line| {
            line.split_once(") target=")
                .map(|(_, t)| t.trim_end_matches(" ;;"))
        })
        .filter(|t| !t.starts_with('"'))
        .collect();
    asked.sort_unstable();
    assert_eq!(built, asked);
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).expect("yml");
    assert!(
        text.contains(
            r#"tar -C target/release -czf "gonogo-$GITHUB_REF_NAME-$TARGET.tar.gz" gonogo"#
        )
    );
    assert!(text.contains("sha256sum gonogo-*.tar.gz > SHA256SUMS"));
    let install =
        std::fs::read_to_string(repo().join("integrations/action/install.sh")).expect("install.sh");
    assert!(install.contains(r#"archive="gonogo-$GONOGO_VERSION-$GONOGO_TARGET.tar.gz""#));
}

/// The pre-commit hook runs the repository-only gate: the good example
/// passes, the misconfigured one is refused, without any env file.
#[test]
fn the_pre_commit_hook_gates_on_the_repository() {
    let hooks = common::yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "gonogo");
    assert_eq!(hook["pass_filenames"], false);
    let entry: Vec<&str> = hook["entry"]
        .as_str()
        .expect("entry")
        .split_whitespace()
        .collect();
    assert_eq!(entry[0], "gonogo");
    for (example, code) in [
        ("examples/shop-api", 0),
        ("examples/shop-api-misconfigured", 1),
    ] {
        let output = common::gonogo()
            .args(&entry[1..])
            .current_dir(repo().join(example))
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(code), "{example}");
    }
}
