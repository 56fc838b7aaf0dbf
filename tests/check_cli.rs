//! `gonogo check` end to end: decisions and exit codes on the example
//! projects, pack errors with file:line:column, secrets kept out of output.

mod common;

use common::{Project, gonogo, json_report, rule};
use predicates::prelude::*;

const GOOD: &str = "examples/shop-api";
const BAD: &str = "examples/shop-api-misconfigured";

fn env_file(example: &str) -> String {
    common::example_env(example)
}

#[test]
fn a_well_configured_project_is_go() {
    gonogo()
        .args(["check", GOOD, "--env-file", &env_file(GOOD)])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\nGO · 241 rules: "))
        .stdout(predicate::str::contains(" 0 blocking"))
        .stdout(predicate::str::contains("✓ database-ssl").not());
    // `--verbose` lists the passes too.
    gonogo()
        .args(["check", GOOD, "--env-file", &env_file(GOOD), "--verbose"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("✓ database-ssl"));
}

#[test]
fn a_misconfigured_project_is_no_go_and_names_the_failing_rules() {
    let output = gonogo()
        .args([
            "check",
            BAD,
            "--env-file",
            &env_file(BAD),
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let report = json_report(&output);
    assert_eq!(report["decision"]["verdict"], "no-go");
    let blocking: Vec<&str> = report["decision"]["blocking"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    // The exact list is the pack test's (policies/production-readiness/tests);
    // here: mistakes of the environment and of the repository are both named.
    for rule in [
        "auth-secrets-strong",
        "secrets-not-placeholders",
        "secrets-distinct",
        "encryption-key-format",
        "node-env-production",
        "cors-no-wildcard",
        "database-url-production",
        "database-ssl",
        "redis-production",
        "stripe-live-key",
        "stripe-webhook-secret",
        "email-provider-configured",
        "sentry-dsn",
        "cors-restricted-in-code",
        "security-headers",
        "image-runs-unprivileged",
        "ci-tests-gate-deploys",
    ] {
        assert!(
            blocking.contains(&rule),
            "`{rule}` is not blocking: {blocking:?}"
        );
    }
    let warnings = report["decision"]["warnings"].as_array().expect("list");
    for rule in [
        "database-pooling",
        "foreign-keys-indexed",
        "services-restart-and-limits",
    ] {
        assert!(
            warnings.contains(&serde_json::json!(rule)),
            "`{rule}` is no warning: {warnings:?}"
        );
    }
    assert_eq!(
        rule(&report, "stripe-live-key")["message"],
        "STRIPE_SECRET_KEY starts with `sk_test_`"
    );
    assert_eq!(
        rule(&report, "secrets-distinct")["message"],
        "shared values: JWT_REFRESH_SECRET, JWT_SECRET"
    );
}

#[test]
fn the_json_report_matches_its_snapshot() {
    // `--rerun`: not an outcome another test stored for the same example.
    let output = gonogo()
        .args([
            "check",
            "--rerun",
            BAD,
            "--env-file",
            &env_file(BAD),
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let report = json_report(&output);
    insta::assert_json_snapshot!("misconfigured_report", report, {
        ".target.commit" => "[commit]",
        ".target.branch" => "[branch]",
        // Changes with every change of the pack or a built-in check.
        ".pack.digest" => "[digest]",
    });
}

#[test]
fn the_environment_option_reaches_rules() {
    let output = gonogo()
        .args([
            "check",
            BAD,
            "--env-file",
            &env_file(BAD),
            "--format",
            "json",
            "--environment",
            "staging",
        ])
        .output()
        .expect("runs");
    let report = json_report(&output);
    assert_eq!(report["environment"], "staging");
    assert_eq!(rule(&report, "stripe-live-key")["status"], "skip");
    assert_eq!(rule(&report, "node-env-production")["status"], "skip");
}

#[test]
fn the_process_environment_is_the_default_source_and_files_can_add_to_it() {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        "name: t\nchecks:\n  env:\n    use: builtin:env\n    grants:\n      public_env: [GONOGO_T_MODE, GONOGO_T_FILE]\nrules:\n  - id: mode\n    title: mode is set\n    severity: low\n    check: env\n    expr: facts.vars.GONOGO_T_MODE.value == 'on'\n  - id: file\n    title: file var is set\n    severity: low\n    check: env\n    expr: facts.vars.GONOGO_T_FILE.present\n",
    );
    let env = project.write("vars.env", "GONOGO_T_FILE=1\nGONOGO_T_MODE=off\n");
    // No --env-file: the process environment.
    let report = json_report(
        &gonogo()
            .args(["check", "--format", "json"])
            .arg(project.path())
            .env("GONOGO_T_MODE", "on")
            .output()
            .expect("runs"),
    );
    assert_eq!(rule(&report, "mode")["status"], "pass");
    assert_eq!(rule(&report, "file")["status"], "fail");
    // --env-file only: the process environment is not read.
    let report = json_report(
        &gonogo()
            .args(["check", "--format", "json", "--env-file"])
            .arg(&env)
            .arg(project.path())
            .env("GONOGO_T_MODE", "on")
            .output()
            .expect("runs"),
    );
    assert_eq!(rule(&report, "mode")["status"], "fail");
    assert_eq!(rule(&report, "file")["status"], "pass");
    // Both: the process environment wins over the file.
    let report = json_report(
        &gonogo()
            .args(["check", "--format", "json", "--process-env", "--env-file"])
            .arg(&env)
            .arg(project.path())
            .env("GONOGO_T_MODE", "on")
            .output()
            .expect("runs"),
    );
    assert_eq!(rule(&report, "mode")["status"], "pass");
    assert_eq!(rule(&report, "file")["status"], "pass");
}

#[test]
fn a_secret_canary_never_appears_in_any_output() {
    let canary = "Cn4ryZq81xVbW3mT7pLk0sRd9fGh2jYu";
    let db_password = "DbPw8c4n4ryK2m";
    let project = Project::new();
    let env = project.write(
        ".env",
        &format!(
            "JWT_SECRET={canary}\nJWT_REFRESH_SECRET={canary}\nDATABASE_URL=postgres://app:{db_password}@localhost/db\nCORS_ORIGIN=*\n"
        ),
    );
    for format in ["human", "json"] {
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
        assert_eq!(output.status.code(), Some(1), "{all}");
        assert!(
            !all.contains(canary),
            "{format} output leaks the JWT secret:\n{all}"
        );
        assert!(
            !all.contains(db_password),
            "{format} output leaks the database password:\n{all}"
        );
    }
}

#[test]
fn env_file_errors_give_the_line_but_not_the_content() {
    let project = Project::new();
    let env = project.write("prod.env", "A=1\nthis-line-holds-a-s3cret-value\n");
    gonogo()
        .args(["check", "--env-file"])
        .arg(&env)
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "prod.env:2: expected `NAME=value`",
        ))
        .stderr(predicate::str::contains("s3cret").not());
}

const HEAD: &str = "name: broken\nchecks:\n  env:\n    use: builtin:env\nrules:\n";

#[test]
fn every_problem_of_a_pack_is_reported_at_once() {
    let project = Project::new();
    let pack = project.write(
        "gonogo.yaml",
        &format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    expr: nope\n  - id: a\n    title: B\n    severity: high\n    expr: checks.x\n"),
    );
    gonogo()
        .arg("check")
        .arg(project.path())
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "{}:9:11: GN201 rule `a`: `expr`: unknown variable `nope`",
            pack.display()
        )))
        .stderr(predicate::str::contains("duplicate rule id `a`"))
        .stderr(predicate::str::contains("`checks.x` names no check"))
        .stderr(predicate::str::contains("3 problems in the policy pack"));
}

#[test]
fn a_pack_that_does_not_load_gives_json_readers_its_coded_problems() {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        &format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    expr: nope\n"),
    );
    let saved = project.path().join("saved.json");
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .args(["--format", "json", "--report"])
        .arg(format!("json={}", saved.display()))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(": GN201 rule `a`: `expr`:"), "{stderr}");
    for text in [
        output.stdout,
        std::fs::read(&saved).expect("the report file"),
    ] {
        let document: serde_json::Value = serde_json::from_slice(&text).expect("JSON");
        assert_eq!(document["schema"], "gonogo.pack-errors/v1");
        assert_eq!(document["decision"], "error");
        let problem = &document["pack_errors"][0];
        assert_eq!(problem["code"], "GN201");
        assert!(
            problem["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("gonogo.yaml"))
        );
        assert!(problem["line"].as_u64().is_some_and(|l| l > 0));
    }
}

#[test]
fn a_project_pack_is_the_default_and_builtin_packs_are_named() {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        "name: own-pack\nchecks:\n  env:\n    use: builtin:env\nrules:\n  - id: always\n    title: Always\n    severity: low\n    expr: checks.env.status != 'error'\n",
    );
    gonogo()
        .arg("check")
        .arg(project.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("pack own-pack"));
    gonogo()
        .args(["check", "--policy", "builtin:production-readiness"])
        .arg(project.path())
        .env_clear()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("pack production-readiness"));
    gonogo()
        .args(["check", "--policy", "builtin:nope"])
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "built-in packs: `builtin:production-readiness`",
        ));
}

#[test]
fn output_has_no_colour_when_piped_or_with_no_color() {
    for no_color in [false, true] {
        let mut command = gonogo();
        command.args(["check", BAD, "--env-file", &env_file(BAD)]);
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let output = command.output().expect("runs");
        assert!(
            !output.stdout.contains(&0x1b),
            "escape codes in piped output"
        );
    }
    // Forced colour shows the renderer does emit it on a terminal.
    let output = gonogo()
        .args(["check", BAD, "--env-file", &env_file(BAD)])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .expect("runs");
    assert!(output.stdout.contains(&0x1b));
}

#[test]
fn a_missing_project_folder_is_an_error() {
    gonogo()
        .args(["check", "no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`no/such/folder` is not a folder"));
}

#[test]
fn a_broken_check_no_rule_reads_and_a_pack_without_rules_are_noted() {
    let project = Project::new();
    let hostile = common::hostile();
    project.write(
        "gonogo.yaml",
        &format!(
            "name: unread\nchecks:\n{}rules: []\n",
            common::pinned_check("h", &hostile, "{ attack: panic }", "")
        ),
    );
    let output = gonogo()
        .args(["check", "--format", "json"])
        .arg(project.path())
        .output()
        .expect("runs");
    let report = json_report(&output);
    let notes = report["decision"]["notes"].to_string();
    assert!(
        notes.contains("check `h` could not run and no rule reads it: it trapped"),
        "{notes}"
    );
    assert!(
        notes.contains("the pack has no rules: nothing was verified"),
        "{notes}"
    );
    gonogo()
        .arg("check")
        .arg(project.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "note: check `h` could not run and no rule reads it",
        ));
}

#[test]
fn rules_with_nothing_to_judge_are_skipped_with_the_reason_not_passed() {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"api","version":"1.0.0","scripts":{"start":"node index.js"},"dependencies":{"express":"^4.19.0"}}"#,
    );
    project.write(
        "index.js",
        "const express = require('express'); const app = express(); app.get('/', (q, r) => r.send('ok')); app.listen(process.env.PORT || 3000);\n",
    );
    let empty_env = project.write("deploy.env", "");
    let output = gonogo()
        .args([
            "check",
            "--policy",
            "builtin:production-readiness",
            "--verbose",
            "--env-file",
        ])
        .arg(&empty_env)
        .arg(project.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    for (rule, reason) in [
        (
            "image-runs-unprivileged",
            "no production Dockerfile in this project",
        ),
        (
            "redis-hardened",
            "no Redis service in a production compose file",
        ),
        ("auth-secrets-strong", "no token-signing secret is set"),
        ("cors-no-wildcard", "no CORS origin variable is set"),
        (
            "auth-tokens-safe",
            "hashes no password, signs no JWT, keeps no session and sets no cookie",
        ),
        ("no-secret-fallbacks", "reads no secret variable"),
    ] {
        let line = text
            .lines()
            .skip_while(|l| !l.contains(rule))
            .take(2)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            line.trim_start().starts_with("- "),
            "{rule} is not skipped:\n{line}"
        );
        assert!(
            line.contains("not applicable: ") && line.contains(reason),
            "{rule}:\n{line}"
        );
    }
}

#[test]
fn a_check_that_could_not_run_is_explained_once_not_under_every_rule() {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"api","dependencies":{"express":"^4""#,
    );
    project.write("index.js", "require('express')().listen(3000);\n");
    let output = gonogo()
        .args(["check", "--policy", "builtin:production-readiness"])
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    let reason =
        "check `node` could not run: the check reported an error: `package.json` is not valid JSON";
    assert_eq!(text.matches(reason).count(), 1, "{text}");
    assert!(
        text.lines()
            .filter(|l| l.contains("the same error as"))
            .count()
            > 5,
        "{text}"
    );
}

/// `--repository-only` reads no deployment environment: giving one too is
/// a usage error, not a silent choice.
#[test]
fn repository_only_refuses_an_env_file() {
    gonogo()
        .args([
            "check",
            GOOD,
            "--repository-only",
            "--env-file",
            &env_file(GOOD),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}
