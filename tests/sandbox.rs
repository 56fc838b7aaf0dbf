//! The sandbox promises of DESIGN.md, proven with hostile checks: real
//! components built from `guest-checks/test-checks`, each trying one attack.
//! Every test asserts the attack fails, the decision fails closed, nothing
//! leaks, and the other checks still report.

mod common;

use common::{
    Project, check_run, gonogo, hostile, json_report, pinned_check, rule, test_component,
};
use predicates::prelude::*;
use std::process::Output;

/// A pack with one hostile check (`attack`), a rule that reads it, and a
/// well-behaved `env` check beside it.
fn hostile_pack(project: &Project, attack: &str, extra: &str) -> std::path::PathBuf {
    let hostile_check = pinned_check(
        "hostile",
        &hostile(),
        &format!("{{ attack: {attack} }}"),
        extra,
    );
    project.write(
        "gonogo.yaml",
        &format!(
            "name: hostile\nchecks:\n{hostile_check}  env:\n    use: builtin:env\n    grants:\n      public_env: [GONOGO_TEST_PUBLIC]\n\
             rules:\n  - id: hostile-ran\n    title: The hostile check ran\n    severity: high\n    check: hostile\n    expr: \"true\"\n\
             \x20 - id: env-ran\n    title: The env check ran\n    severity: low\n    check: env\n    expr: status != 'error'\n"
        ),
    )
}

fn run(project: &Project, envs: &[(&str, &str)]) -> (Output, serde_json::Value) {
    let mut command = gonogo();
    command
        .args(["check", "--format", "json"])
        .arg(project.path());
    for (k, v) in envs {
        command.env(k, v);
    }
    let output = command.output().expect("runs");
    let report = json_report(&output);
    (output, report)
}

/// The hostile check errored with `reason`, its rule is `error`, the
/// decision is no-go (exit 1), and the env check still reported.
fn assert_failed_closed(output: &Output, report: &serde_json::Value, reason: &str) {
    let hostile = check_run(report, "hostile");
    assert_eq!(hostile["status"], "error", "{report:#}");
    let error = hostile["error"].as_str().unwrap_or_default();
    assert!(error.contains(reason), "error `{error}` lacks `{reason}`");
    assert_eq!(rule(report, "hostile-ran")["status"], "error");
    assert_eq!(report["decision"]["verdict"], "no-go");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(check_run(report, "env")["status"], "pass");
    assert_eq!(rule(report, "env-ran")["status"], "pass");
}

#[cfg(unix)]
#[test]
fn files_outside_the_project_cannot_be_read_and_the_project_cannot_be_written() {
    let project = Project::new();
    hostile_pack(&project, "escape-fs", "");
    project.write("inside.txt", "inside the project\n");
    std::os::unix::fs::symlink("/etc/passwd", project.path().join("link-to-passwd"))
        .expect("symlink");
    std::os::unix::fs::symlink("/etc", project.path().join("link-to-etc")).expect("symlink");
    let (output, report) = run(&project, &[]);
    let facts = &check_run(&report, "hostile")["facts"];
    for attempt in [
        "etc_passwd",
        "dot_dot",
        "relative_dot_dot",
        "symlink_out",
        "symlink_dir_out",
    ] {
        assert_eq!(
            facts[attempt]["read"], false,
            "{attempt} was readable: {facts:#}"
        );
    }
    assert_eq!(
        facts["inside"]["read"], true,
        "the project itself must be readable: {facts:#}"
    );
    assert_eq!(facts["inside"]["first_line"], "inside the project");
    for attempt in ["proc_environ", "proc_maps", "proc_init"] {
        assert_eq!(
            facts[attempt]["read"], false,
            "{attempt} was readable: {facts:#}"
        );
    }
    assert_eq!(facts["write_project"], false);
    assert_eq!(facts["hard_link_in"], false, "the project is read-only");
    assert_eq!(facts["hard_link_out"], false);
    // `/` holds nothing of the host: at most the mount point itself.
    let root = facts["root_entries"].as_array().expect("list");
    assert!(root.iter().all(|entry| entry == "project"), "{root:?}");
    assert!(!project.path().join("written.txt").exists());
    assert!(!String::from_utf8_lossy(&output.stdout).contains("root:x:0:0"));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_check_sees_only_the_variables_granted_to_it() {
    let project = Project::new();
    hostile_pack(
        &project,
        "ungranted-env",
        "    grants:\n      env: [GONOGO_TEST_SECRET]\n",
    );
    let (_, report) = run(
        &project,
        &[
            ("GONOGO_TEST_SECRET", "granted-value-1234"),
            ("GONOGO_TEST_UNGRANTED", "ungranted-canary"),
        ],
    );
    let facts = &check_run(&report, "hostile")["facts"];
    assert_eq!(
        facts["visible_names"],
        serde_json::json!(["GONOGO_TEST_SECRET"])
    );
    assert_eq!(facts["ungranted"], serde_json::Value::Null);
    assert_eq!(facts["path"], serde_json::Value::Null);
    assert_eq!(facts["home"], serde_json::Value::Null);
    assert!(!report.to_string().contains("ungranted-canary"));
}

#[test]
fn a_check_granted_env_names_sees_names_and_no_value() {
    let project = Project::new();
    hostile_pack(
        &project,
        "ungranted-env",
        "    grants:\n      env: [GONOGO_TEST_SECRET]\n      env_names: true\n",
    );
    let (_, report) = run(
        &project,
        &[
            ("GONOGO_TEST_SECRET", "granted-value-1234"),
            ("GONOGO_TEST_UNGRANTED", "ungranted-canary"),
        ],
    );
    let facts = &check_run(&report, "hostile")["facts"];
    let mut visible: Vec<&str> = facts["visible_names"]
        .as_array()
        .expect("a list of names")
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    visible.sort_unstable();
    assert_eq!(visible, ["GONOGO_ENV_NAMES", "GONOGO_TEST_SECRET"]);
    assert_eq!(facts["ungranted"], serde_json::Value::Null);
    assert!(!report.to_string().contains("ungranted-canary"));
}

#[test]
fn a_looping_check_is_stopped_at_its_deadline_and_the_decision_is_no_go() {
    let project = Project::new();
    hostile_pack(&project, "spin", "    limits: { timeout_ms: 300 }\n");
    let started = std::time::Instant::now();
    let (output, report) = run(&project, &[]);
    assert_failed_closed(
        &output,
        &report,
        "exceeded its deadline of 300 ms (`limits.timeout_ms`)",
    );
    // Not a timing assertion on performance: a hung host would never return.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn a_check_that_sleeps_in_a_host_call_is_stopped_at_its_deadline() {
    // Epoch interruption cannot stop a guest blocked in WASI `poll`; the
    // wall-clock timeout around the async call must.
    let project = Project::new();
    hostile_pack(&project, "sleep", "    limits: { timeout_ms: 300 }\n");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(
        &output,
        &report,
        "exceeded its deadline of 300 ms (`limits.timeout_ms`)",
    );
}

#[test]
fn a_check_that_allocates_without_bound_hits_its_memory_cap() {
    let project = Project::new();
    hostile_pack(&project, "memory", "    limits: { memory_mb: 64 }\n");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(
        &output,
        &report,
        "exceeded its memory limit of 64 MiB (`limits.memory_mb`)",
    );
}

#[test]
fn unbounded_recursion_fails_closed() {
    let project = Project::new();
    hostile_pack(&project, "recursion", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(&output, &report, "it trapped");
}

#[test]
fn a_log_flood_is_capped_and_marked() {
    let project = Project::new();
    hostile_pack(&project, "log-flood", "");
    let (output, report) = run(&project, &[]);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let logs = check_run(&report, "hostile")["logs"]
        .as_array()
        .expect("logs")
        .clone();
    let bytes: usize = logs
        .iter()
        .map(|l| l["message"].as_str().unwrap_or("").len())
        .sum();
    assert!(bytes <= 64 * 1024 + 100, "{bytes} bytes of log kept");
    assert_eq!(
        logs.last().expect("a line")["message"],
        "log truncated at 65536 bytes"
    );
}

#[test]
fn a_stdout_flood_fails_closed_with_a_clear_reason() {
    let project = Project::new();
    hostile_pack(&project, "stdout-flood", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(&output, &report, "it wrote more than 256 KiB to stdout");
}

#[test]
fn a_string_that_is_not_utf8_fails_closed() {
    let project = Project::new();
    hostile_pack(&project, "non-utf8", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(&output, &report, "it trapped");
}

#[test]
fn an_import_the_host_does_not_provide_traps_only_when_called() {
    let foreign = test_component("gonogo_test_foreign_import.wasm");
    for (call, expected_exit) in [(false, 0), (true, 1)] {
        let project = Project::new();
        project.write(
            "gonogo.yaml",
            &format!(
                "name: foreign\nchecks:\n{}rules:\n  - id: ran\n    title: It ran\n    severity: low\n    check: foreign\n    expr: facts.beamed == 'not called'\n",
                pinned_check("foreign", &foreign, &format!("{{ call: {call} }}"), "")
            ),
        );
        let (output, report) = run(&project, &[]);
        assert_eq!(output.status.code(), Some(expected_exit), "{report:#}");
        if call {
            let error = check_run(&report, "foreign")["error"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(error.contains("teleporter"), "{error}");
            assert_eq!(rule(&report, "ran")["status"], "error");
        } else {
            assert_eq!(rule(&report, "ran")["status"], "pass");
        }
    }
}

#[test]
fn a_check_that_panics_fails_closed() {
    let project = Project::new();
    hostile_pack(&project, "panic", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(&output, &report, "it trapped");
}

#[test]
fn terminal_escapes_from_a_check_never_reach_the_terminal() {
    let project = Project::new();
    hostile_pack(&project, "terminal-escape", "");
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .env("CLICOLOR_FORCE", "1")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains("\x1b[2K") && !text.contains("\x1b[1A") && !text.contains("\x1b]0;"),
        "{text:?}"
    );
    assert!(!text.contains('\r') && !text.contains('\x07'));
    assert!(
        text.contains("[2K[1A[2KGO · 0 blocking]0;pwned"),
        "the text stays, defused: {text:?}"
    );
    assert!(text.contains("NO-GO"));
}

#[test]
fn a_check_that_gives_up_fails_closed() {
    let project = Project::new();
    hostile_pack(&project, "err", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(&output, &report, "hostile check gives up on purpose");
}

#[test]
fn an_oversized_outcome_fails_closed() {
    let project = Project::new();
    hostile_pack(&project, "huge-outcome", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(
        &output,
        &report,
        "over its limit of 1024 KiB (`limits.outcome_kb`)",
    );
}

#[test]
fn the_outcome_limit_is_configurable() {
    let project = Project::new();
    hostile_pack(
        &project,
        "huge-outcome",
        "    limits: { outcome_kb: 8192 }\n",
    );
    let (_, report) = run(&project, &[]);
    assert_eq!(
        check_run(&report, "hostile")["status"],
        "pass",
        "{report:#}"
    );
    let project = Project::new();
    hostile_pack(
        &project,
        "huge-outcome",
        "    limits: { outcome_kb: 2048 }\n",
    );
    let (output, report) = run(&project, &[]);
    assert_failed_closed(
        &output,
        &report,
        "over its limit of 2048 KiB (`limits.outcome_kb`)",
    );
}

#[test]
fn a_granted_secret_copied_into_every_output_channel_is_redacted() {
    let secret = "Sekr1t-canary-9Qx7Lm2Vb";
    let project = Project::new();
    hostile_pack(
        &project,
        "leak",
        "    grants:\n      env: [GONOGO_TEST_SECRET]\n",
    );
    let env = project.write("prod.env", &format!("GONOGO_TEST_SECRET={secret}\n"));
    for format in ["json", "human"] {
        let output = gonogo()
            .args(["check", "--format", format, "--env-file"])
            .arg(&env)
            .arg(project.path())
            .output()
            .expect("runs");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !all.contains(secret),
            "the secret leaked in {format}:\n{all}"
        );
        if format == "json" {
            let report = json_report(&output);
            let hostile = check_run(&report, "hostile");
            assert_eq!(hostile["facts"]["stolen"], "[redacted]");
            assert_eq!(hostile["facts"]["[redacted]"], "as a key");
            assert_eq!(hostile["findings"][0]["message"], "secret=[redacted]");
            assert_eq!(hostile["findings"][0]["location"]["path"], "[redacted].txt");
            let logs = hostile["logs"].to_string();
            assert!(
                logs.contains("the secret is [redacted]") && logs.contains("stdout: [redacted]"),
                "{logs}"
            );
        }
    }
}

#[test]
fn a_component_with_extra_exports_runs_like_any_check() {
    let project = Project::new();
    let extra = test_component("gonogo_test_extra_exports.wasm");
    project.write(
        "gonogo.yaml",
        &format!(
            "name: extra\nchecks:\n{}rules:\n  - id: ran\n    title: It ran\n    severity: low\n    check: extra\n    expr: facts.ran\n",
            pinned_check("extra", &extra, "{}", "")
        ),
    );
    let (output, report) = run(&project, &[]);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(check_run(&report, "extra")["info"]["id"], "extra-exports");
    assert_eq!(rule(&report, "ran")["status"], "pass");
    let part_error = check_run(&report, "extra")["facts"]["part_error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        part_error.contains("the check exports no `part: func(config: string, key: string)"),
        "{part_error}"
    );
}

#[test]
fn a_component_whose_digest_does_not_match_is_refused_with_both_digests() {
    let project = Project::new();
    let pinned = "0".repeat(64);
    project.write(
        "gonogo.yaml",
        &format!(
            "name: pinned\nchecks:\n  h:\n    use: {}\n    sha256: {pinned}\nrules: []\n",
            hostile().display()
        ),
    );
    gonogo()
        .arg("check")
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "the pack pins `{pinned}`"
        )))
        .stderr(predicate::str::contains(format!(
            "the file is `{}`",
            common::sha256(&hostile())
        )));
}

#[test]
fn a_component_by_path_must_be_pinned() {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        &format!(
            "name: unpinned\nchecks:\n  h:\n    use: {}\nrules: []\n",
            hostile().display()
        ),
    );
    gonogo()
        .arg("check")
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is loaded from a file but not pinned",
        ))
        .stderr(predicate::str::contains(format!(
            "sha256: {}",
            common::sha256(&hostile())
        )));
}

#[test]
fn a_check_granted_no_host_cannot_probe_and_the_attempt_is_reported() {
    let project = Project::new();
    let hostile_check = pinned_check(
        "hostile",
        &hostile(),
        "{ attack: probe, urls: ['https://example.com/'], dns: ['example.com'], tls: [['example.com', 443]] }",
        "",
    );
    project.write(
        "gonogo.yaml",
        &format!("name: hostile\nchecks:\n{hostile_check}rules:\n  - id: ran\n    title: ran\n    severity: low\n    check: hostile\n    expr: \"true\"\n"),
    );
    let (_, report) = run(&project, &[]);
    let run = check_run(&report, "hostile");
    for kind in ["http", "dns", "tls"] {
        let answer = run["facts"][kind][0].as_str().unwrap_or_default();
        assert!(
            answer.starts_with("not-granted: the policy grants check `hostile` no host"),
            "{kind}: {answer}"
        );
    }
    assert_eq!(run["probes_refused"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_check_asks_only_the_datastores_and_questions_granted_and_never_sees_their_urls() {
    let project = Project::new();
    let hostile_check = pinned_check(
        "hostile",
        &hostile(),
        "{ attack: datastore, datastores: [DATABASE_URL, REDIS_URL, CACHE_URL] }",
        "    grants:\n      datastores: [{ env: DATABASE_URL, ask: [connection] }, CACHE_URL]\n",
    );
    project.write(
        "gonogo.yaml",
        &format!("name: hostile\nchecks:\n{hostile_check}rules:\n  - id: ran\n    title: ran\n    severity: low\n    check: hostile\n    expr: \"true\"\n"),
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let output = gonogo()
        .args(["check", "--format", "json", "--rerun", "--process-env"])
        .arg(project.path())
        .env(
            "DATABASE_URL",
            format!("postgres://u:Sekr1t-canary-9Qx7@127.0.0.1:{closed}/db"),
        )
        .env("REDIS_URL", "redis://:Sekr1t-canary-9Qx7@127.0.0.1:1")
        .output()
        .expect("runs");
    let report = json_report(&output);
    let run = check_run(&report, "hostile");
    let facts = &run["facts"];
    assert_eq!(
        facts["granted"],
        serde_json::json!(["DATABASE_URL=Some(Engine::Postgres)", "CACHE_URL=None"]),
        "{facts:#}"
    );
    let unset = facts["connection"][2].as_str().unwrap_or_default();
    assert_eq!(
        unset, "invalid-request: `CACHE_URL` is not set in this deployment",
        "granted but unset: nothing refused"
    );
    let connection = facts["connection"][0].as_str().unwrap_or_default();
    assert!(connection.starts_with("connection: "), "{connection}");
    let ungranted = facts["connection"][1].as_str().unwrap_or_default();
    assert!(
        ungranted
            .starts_with("not-granted: the policy grants check `hostile` no datastore `REDIS_URL`"),
        "{ungranted}"
    );
    let unasked = facts["indexes"][0].as_str().unwrap_or_default();
    assert!(
        unasked.starts_with(
            "not-granted: the policy does not let check `hostile` ask `DATABASE_URL` `indexes`"
        ),
        "{unasked}"
    );
    assert_eq!(
        facts["url_in_env"],
        serde_json::json!([false, false, false])
    );
    assert_eq!(run["probes_refused"].as_array().map(Vec::len), Some(3));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!printed.contains("Sekr1t-canary-9Qx7"), "{printed}");
}

#[cfg(unix)]
#[test]
fn the_workspace_service_reads_only_listed_files_inside_the_project() {
    let outer = tempfile::tempdir().expect("temp dir");
    std::fs::write(outer.path().join("outside.txt"), "outside the project\n").expect("write");
    let project = Project::new();
    hostile_pack(&project, "workspace", "");
    project.write("inside.txt", "inside the project\n");
    std::os::unix::fs::symlink("/etc/passwd", project.path().join("link-to-passwd"))
        .expect("symlink");
    std::os::unix::fs::symlink("/etc", project.path().join("link-to-etc")).expect("symlink");
    let (_, report) = run(&project, &[]);
    let facts = &check_run(&report, "hostile")["facts"];
    assert_eq!(facts["read_inside"], "inside the project", "{facts:#}");
    for attempt in [
        "read_dot_dot",
        "read_absolute",
        "read_symlink_out",
        "read_through_dir_link",
        "read_git_config",
    ] {
        assert_eq!(
            facts[attempt],
            serde_json::Value::Null,
            "{attempt}: {facts:#}"
        );
    }
    let listed = facts["listed"].as_array().expect("listed");
    assert!(
        listed.iter().all(|p| p
            .as_str()
            .is_some_and(|p| !p.starts_with('/') && !p.contains(".."))),
        "{listed:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|p| p.as_str().is_some_and(|p| p.starts_with("link-to-etc/")))
    );
    assert_eq!(facts["ignored_outside"], serde_json::json!([false, false]));
    assert_eq!(
        facts["ignored_many"], 100_000,
        "an answer per path, even past the cap"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_project_cannot_hang_the_run() {
    let project = Project::new();
    hostile_pack(&project, "escape-fs", "    limits: { timeout_ms: 1000 }\n");
    let fifo = project.path().join("inside.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let (output, report) = run(&project, &[]);
    assert_eq!(output.status.code(), Some(1), "the run ends, fail closed");
    let error = check_run(&report, "hostile")["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(error.contains("deadline"), "{error}");
}

#[test]
fn a_million_empty_findings_fail_closed() {
    let project = Project::new();
    hostile_pack(&project, "many-findings", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(&output, &report, "findings, over the limit of 10000");
}

#[test]
fn facts_nested_past_the_limit_fail_closed() {
    let project = Project::new();
    hostile_pack(&project, "deep-facts", "");
    let (output, report) = run(&project, &[]);
    assert_failed_closed(
        &output,
        &report,
        "nested 101 levels deep, over the limit of 32",
    );
}

#[test]
fn a_disguised_or_numeric_secret_is_redacted_in_every_format_stderr_and_saved_outcomes() {
    let secret = "Sekr1t-canary-9Qx7Lm2Vb";
    let pin = "73918264";
    let project = Project::new();
    hostile_pack(
        &project,
        "leak-disguised",
        "    grants:\n      env: [GONOGO_TEST_SECRET, GONOGO_TEST_PIN]\n",
    );
    let env = project.write(
        "prod.env",
        &format!("GONOGO_TEST_SECRET={secret}\nGONOGO_TEST_PIN={pin}\n"),
    );
    let saved = project.path().join("outcomes.json");
    for format in ["json", "human", "sarif", "junit", "markdown"] {
        let output = gonogo()
            .args([
                "check",
                "--verbose",
                "--rerun",
                "--format",
                format,
                "--env-file",
            ])
            .arg(&env)
            .arg("--save-outcomes")
            .arg(&saved)
            .arg(project.path())
            .output()
            .expect("runs");
        let all = format!(
            "{}{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(&saved).unwrap_or_default()
        );
        // What a person sees: no hidden character left, no fold undone.
        let seen: String = all
            .chars()
            .filter(|c| !matches!(c, '\u{7}' | '\u{200b}' | '\u{202e}' | '\u{feff}'))
            .collect();
        for leaked in [secret, "Sekr1t", pin, "Ｓｅｋｒ１ｔ"] {
            assert!(
                !seen.contains(leaked),
                "`{leaked}` leaked in {format}:\n{all}"
            );
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains('\x1b'),
            "an escape reached stderr in {format}:\n{stderr}"
        );
        assert!(stderr.contains("part `]0;pwned[redacted]`"), "{stderr}");
        if format == "json" {
            let report = json_report(&output);
            let facts = &check_run(&report, "hostile")["facts"];
            assert_eq!(facts["pin_number"], "[redacted]");
            assert_eq!(facts["pin_float"], "[redacted]");
            for index in 0..5 {
                assert_eq!(
                    facts[format!("disguised_{index}")],
                    "[redacted]",
                    "{facts:#}"
                );
            }
        }
    }
}

#[test]
fn check_text_in_the_markdown_summary_is_inert() {
    let project = Project::new();
    hostile_pack(&project, "markup", "");
    project.write(
        "gonogo.yaml",
        &std::fs::read_to_string(project.path().join("gonogo.yaml"))
            .expect("pack")
            .replace(
                "expr: \"true\"",
                "expr: \"false\"\n    message: \"${findings[0].message}\"",
            ),
    );
    let output = gonogo()
        .args(["check", "--format", "markdown"])
        .arg(project.path())
        .output()
        .expect("runs");
    let markdown = String::from_utf8_lossy(&output.stdout);
    assert!(markdown.contains("&lt;img src=x"), "{markdown}");
    for raw in ["<img", "![GO]", "[ok](javascript", "```", "https://x"] {
        assert!(!markdown.contains(raw), "`{raw}` in\n{markdown}");
    }
}

#[cfg(unix)]
#[test]
fn files_the_host_reads_from_the_project_cannot_hang_it_grow_it_or_reach_the_report() {
    let project = Project::new();
    hostile_pack(&project, "err", "");
    let git = project.path().join(".git");
    std::fs::create_dir_all(git.join("refs/heads")).expect("git");
    std::fs::write(
        git.join("HEAD"),
        "ref: refs/heads/../../../../../../proc/self/environ\n",
    )
    .expect("HEAD");
    let attestations = project.path().join(".gonogo/attestations");
    std::fs::create_dir_all(&attestations).expect("attestations");
    let status = std::process::Command::new("mkfifo")
        .arg(attestations.join("fifo.json"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", attestations.join("zero.json")).expect("link");
    std::os::unix::fs::symlink("/dev/zero", project.path().join(".gonogo/exceptions.yaml"))
        .expect("link");
    let run = || {
        gonogo()
            .args(["check", "--format", "json"])
            .arg(project.path())
            .env("GONOGO_CANARY_ENV", "canary-in-the-environment")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .expect("runs")
    };
    let output = run();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The exceptions file is refused with a reason: no decision, never a go.
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(".gonogo/exceptions.yaml") && stderr.contains("symbolic link"),
        "{stderr}"
    );
    std::fs::remove_file(project.path().join(".gonogo/exceptions.yaml")).expect("rm");
    let output = run();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("canary-in-the-environment"), "{text}");
    let report = json_report(&output);
    assert!(
        report["target"].get("commit").is_none_or(|c| c.is_null()),
        "{:#}",
        report["target"]
    );
}
