//! The CI integrations run for real, without network: the GitHub Action's
//! steps (its `run:` scripts with the runner's files and expressions
//! emulated), the GitLab CI job's script, and the pre-push hook.

mod common;

use common::{Project, repo};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BAD: &str = "examples/shop-api-misconfigured";
const GOOD: &str = "examples/shop-api";

use common::yaml;

/// The folder of the built `gonogo`, to put first on PATH.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_gonogo"))
        .parent()
        .expect("bin dir")
        .to_path_buf()
}

fn path_with_gonogo() -> String {
    format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Replaces `${{ … }}` the way the runner would, for the expressions the Action uses.
fn expand(
    text: &str,
    inputs: &HashMap<String, String>,
    outputs: &HashMap<String, String>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expression = rest[start + 3..end].trim();
        let value = if let Some(name) = expression.strip_prefix("inputs.") {
            inputs
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("unknown input `{name}`"))
        } else if let Some((_, name)) = expression
            .strip_prefix("steps.")
            .and_then(|rest| rest.split_once(".outputs."))
        {
            outputs.get(name).cloned().unwrap_or_default()
        } else if expression == "github.action_path" {
            repo().display().to_string()
        } else if expression == "github.action_ref" {
            "main".into()
        } else if expression == "github.action_repository" {
            "OWNER/gonogo".into()
        } else if expression == "github.token" {
            String::new()
        } else {
            panic!("the test does not emulate `{expression}`")
        };
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

struct ActionRun {
    exit_codes: Vec<(String, i32)>,
    outputs: HashMap<String, String>,
    summary: String,
    sarif: Option<serde_json::Value>,
    skipped_uses: Vec<String>,
}

/// Runs the Action's steps in order with `given` inputs over the defaults.
fn run_action(given: &[(&str, &str)]) -> ActionRun {
    let action = yaml("action.yml");
    let mut inputs: HashMap<String, String> = action["inputs"]
        .as_object()
        .expect("inputs")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v["default"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "the Action has no input `{k}`");
        inputs.insert((*k).to_owned(), (*v).to_owned());
    }
    let runner = Project::new();
    let files: Vec<PathBuf> = ["output", "summary.md", "path"]
        .iter()
        .map(|f| runner.write(f, ""))
        .collect();
    let sarif_path = runner.path().join("gonogo.sarif");
    inputs.insert("sarif".into(), sarif_path.display().to_string());
    let mut outputs = HashMap::new();
    let mut exit_codes = Vec::new();
    let mut skipped_uses = Vec::new();
    for step in action["runs"]["steps"].as_array().expect("steps") {
        let name = step["name"].as_str().unwrap_or("?").to_owned();
        if let Some(uses) = step["uses"].as_str() {
            skipped_uses.push(uses.to_owned());
            continue;
        }
        assert_eq!(step["shell"], "bash", "step `{name}` sets its shell");
        let script = step["run"].as_str().expect("a run step");
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(repo())
            .env("PATH", path_with_gonogo())
            .env("GONOGO_CACHE_DIR", common::shared_cache())
            .env("GITHUB_OUTPUT", &files[0])
            .env("GITHUB_STEP_SUMMARY", &files[1])
            .env("GITHUB_PATH", &files[2])
            .env("RUNNER_TEMP", runner.path())
            .env("CI", "true");
        for (key, value) in step["env"].as_object().into_iter().flatten() {
            command.env(
                key,
                expand(value.as_str().unwrap_or_default(), &inputs, &outputs),
            );
        }
        let status = command.status().expect("bash runs");
        exit_codes.push((name, status.code().unwrap_or(-1)));
        for line in std::fs::read_to_string(&files[0])
            .unwrap_or_default()
            .lines()
        {
            if let Some((k, v)) = line.split_once('=') {
                outputs.insert(k.to_owned(), v.to_owned());
            }
        }
    }
    ActionRun {
        exit_codes,
        outputs,
        summary: std::fs::read_to_string(&files[1]).unwrap_or_default(),
        sarif: std::fs::read_to_string(&sarif_path)
            .ok()
            .map(|t| serde_json::from_str(&t).expect("SARIF is JSON")),
        skipped_uses,
    }
}

#[test]
fn the_github_action_gates_uploads_sarif_and_writes_the_summary() {
    let run = run_action(&[("path", BAD), ("env-file", &common::example_env(BAD))]);
    let codes: Vec<i32> = run.exit_codes.iter().map(|(_, c)| *c).collect();
    assert_eq!(
        codes,
        [0, 0, 0, 1],
        "resolve, install, run, gate: {:?}",
        run.exit_codes
    );
    assert_eq!(
        run.outputs.get("verdict").map(String::as_str),
        Some("no-go")
    );
    assert!(
        run.summary
            .starts_with("## ❌ NO-GO · production-readiness"),
        "{}",
        run.summary
    );
    let sarif = run
        .sarif
        .expect("SARIF written even on a no-go, for the upload step");
    // One result per failing rule: 107 of the pack's rules fail on it (27 of
    // them the sign-offs and drills, which warn until attested).
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(108)
    );
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "gonogo/examples/shop-api-misconfigured/"
    );
    // Pinned by commit, as the pack's own `ci-supply-chain` asks.
    assert_eq!(
        run.skipped_uses,
        [
            "actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830",
            "github/codeql-action/upload-sarif@dd903d2e4f5405488e5ef1422510ee31c8b32357"
        ]
    );

    let run = run_action(&[("path", GOOD), ("env-file", &common::example_env(GOOD))]);
    assert_eq!(run.exit_codes.last().map(|(_, c)| *c), Some(0));
    assert_eq!(run.outputs.get("verdict").map(String::as_str), Some("go"));
    assert!(run.summary.starts_with("## ✅ GO"));
}

#[test]
fn the_github_action_passes_its_inputs_through() {
    let run = run_action(&[
        ("path", BAD),
        ("env-file", &common::example_env(BAD)),
        ("environment", "staging"),
        ("fail-on", "warn"),
        ("policy", "builtin:production-readiness"),
        ("category", "readiness"),
    ]);
    let sarif = run.sarif.as_ref().expect("SARIF written");
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "readiness/examples/shop-api-misconfigured@staging/"
    );
    assert!(
        run.summary.contains("environment <code>staging</code>"),
        "{}",
        run.summary
    );
    assert_eq!(run.outputs.get("exit-code").map(String::as_str), Some("1"));
    let run = run_action(&[("path", "no/such/folder")]);
    assert_eq!(
        run.outputs.get("verdict").map(String::as_str),
        Some("error")
    );
    assert_eq!(
        run.exit_codes.last().map(|(_, c)| *c),
        Some(2),
        "no decision fails the job too"
    );
}

/// A project whose pack does not parse: no decision (exit 2).
const BROKEN_PACK: &str = "a broken pack";

#[test]
fn the_gitlab_job_writes_its_reports_and_tells_no_go_from_no_decision() {
    let job = &yaml("integrations/gitlab-ci.yml")["gonogo"];
    assert_eq!(job["artifacts"]["reports"]["junit"], "gonogo-junit.xml");
    assert_eq!(
        job["artifacts"]["reports"]["codequality"],
        "gl-code-quality-report.json"
    );
    assert_eq!(job["artifacts"]["when"], "always");
    // The whole history, for the secrets committed and deleted since.
    assert_eq!(job["variables"]["GIT_DEPTH"], 0);
    for example in [GOOD, BAD, BROKEN_PACK] {
        let project = if example == BROKEN_PACK {
            let project = Project::new();
            project.write("gonogo.yaml", "name: [\n");
            project
        } else {
            common::fixture_project(example)
        };
        let folder = project.path().to_path_buf();
        let script: Vec<&str> = job["script"]
            .as_array()
            .expect("script")
            .iter()
            .filter_map(|l| l.as_str())
            .collect();
        let output = Command::new("bash")
            .args([
                "--noprofile",
                "--norc",
                "-eo",
                "pipefail",
                "-c",
                &script.join("\n"),
            ])
            .current_dir(&folder)
            .env("PATH", path_with_gonogo())
            .env("GONOGO_CACHE_DIR", common::shared_cache())
            .env(
                "GONOGO_ENVIRONMENT",
                job["variables"]["GONOGO_ENVIRONMENT"]
                    .as_str()
                    .expect("variable"),
            )
            .env("GONOGO_ENV_FILE", repo().join(common::example_env(example)))
            .output()
            .expect("bash runs");
        let log = String::from_utf8_lossy(&output.stdout);
        let (code, said) = match example {
            GOOD => (0, "gonogo: GO"),
            BAD => (1, "gonogo: NO-GO"),
            _ => (2, "gonogo: no decision (exit 2)"),
        };
        assert_eq!(output.status.code(), Some(code), "{example}: {log}");
        assert!(log.contains(said), "{example}: {log}");
        if code == 2 {
            continue;
        }
        let junit =
            std::fs::read_to_string(folder.join("gonogo-junit.xml")).expect("junit written");
        assert!(junit.contains("<testsuites name=\"gonogo\""));
        let quality: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(folder.join("gl-code-quality-report.json"))
                .expect("code quality written"),
        )
        .expect("JSON");
        let issues = quality.as_array().expect("a list of issues");
        // Blocking rules weigh most; the good example has only warnings.
        let blockers = issues.iter().filter(|i| i["severity"] == "blocker").count();
        assert_eq!(blockers > 0, example == BAD, "{example}");
        for issue in issues {
            for key in ["description", "check_name", "fingerprint", "severity"] {
                assert!(
                    issue[key].as_str().is_some_and(|v| !v.is_empty()),
                    "{issue:#}"
                );
            }
            assert!(issue["location"]["path"].as_str().is_some());
            assert!(
                issue["location"]["lines"]["begin"]
                    .as_u64()
                    .is_some_and(|l| l >= 1)
            );
        }
    }
}

#[test]
fn the_pre_push_hook_blocks_a_no_go() {
    let hook = repo().join("integrations/pre-push");
    for (example, code) in [(GOOD, 0), (BAD, 1)] {
        let status = Command::new(&hook)
            .current_dir(repo().join(example))
            .env("PATH", path_with_gonogo())
            .env("GONOGO_CACHE_DIR", common::shared_cache())
            .env("GONOGO_ENV_FILE", repo().join(common::example_env(example)))
            .status()
            .expect("the hook runs");
        assert_eq!(status.code(), Some(code), "{example}");
    }
}

/// Without the deployment's env file the hook still gates what the
/// repository shows (the misconfigured example's code and images are a
/// no-go), skips what it cannot know, and says so.
#[test]
fn the_pre_push_hook_without_an_env_file_judges_the_repository_only() {
    let hook = repo().join("integrations/pre-push");
    for (example, code) in [(GOOD, 0), (BAD, 1)] {
        let output = Command::new(&hook)
            .current_dir(repo().join(example))
            .env("PATH", path_with_gonogo())
            .env("GONOGO_CACHE_DIR", common::shared_cache())
            .env_remove("GONOGO_ENV_FILE")
            .env(
                "JWT_SECRET",
                "not read: the process environment is left alone",
            )
            .output()
            .expect("the hook runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{example}: {stdout}");
        assert!(stderr.contains("judging the repository only"), "{stderr}");
        assert!(
            stdout.contains(
                "env, http, email_dns, datastores, github, uptime, sentry, database_provider, stripe, alerting, email_provider not run: this run judges the repository only"
            ),
            "{stdout}"
        );
    }
}
