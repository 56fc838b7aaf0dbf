//! The built-in `env` check, run for real over the fixture env files in
//! `guest-checks/checks/env/fixtures/`; what it reports is snapshotted.

mod common;

use common::{Project, check_run, gonogo, json_report};

const FIXTURES: &str = "guest-checks/checks/env/fixtures";

/// `gonogo check --format json --policy PACK --env-file ENV PROJECT`.
fn check_with_env(
    pack: &str,
    env_file: &std::path::Path,
    project: &std::path::Path,
) -> std::process::Output {
    gonogo()
        .args(["check", "--format", "json", "--policy", pack, "--env-file"])
        .arg(env_file)
        .arg(project)
        .output()
        .expect("runs")
}

fn env_outcome(env_file: &str) -> serde_json::Value {
    let project = Project::new();
    let output = check_with_env(
        FIXTURES,
        std::path::Path::new(&format!("{FIXTURES}/{env_file}")),
        project.path(),
    );
    let report = json_report(&output);
    let run = check_run(&report, "env");
    assert_eq!(run["error"], serde_json::Value::Null, "{run:#}");
    serde_json::json!({ "findings": run["findings"], "facts": run["facts"] })
}

#[test]
fn secrets_are_described_without_their_values() {
    let outcome = env_outcome("secrets.env");
    let text = outcome.to_string();
    for value in [
        "9f86d081884c7d659a2feaa0c55ad015",
        "Hn4Xr8Pz2Qw6",
        "changeme",
        "51Hx9mQ2eZvKYlo2C8fXb3Ty7",
    ] {
        assert!(!text.contains(value), "a secret value is reported: {value}");
    }
    insta::assert_json_snapshot!("env_secrets", outcome);
}

#[test]
fn urls_are_described_without_hosts_or_credentials() {
    let outcome = env_outcome("urls.env");
    let text = outcome.to_string();
    for value in [
        "db.acmecorp.net",
        "Vx7qPz2mK9rT4wNb",
        "Rq3Lm8Zx1Vt6Np4Ws9Ky",
        "oops",
        "4f1c9a7e2b8d4e6f",
    ] {
        assert!(!text.contains(value), "a URL part is reported: {value}");
    }
    insta::assert_json_snapshot!("env_urls", outcome);
}

/// A production secret copied from the repository's example or development
/// env file is named with that file and line, never with its value; a
/// production-named file (`.env`) is not compared.
#[test]
fn a_secret_copied_from_an_example_env_file_is_found_without_its_value() {
    let value = "k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH2s";
    let project = Project::new();
    project.write(".env.example", &format!("PORT=3000\nJWT_SECRET={value}\n"));
    project.write(".env", &format!("SESSION_SECRET={value}\n"));
    let deployment = Project::new();
    let env_file = deployment.write(
        "prod.env",
        &format!("JWT_SECRET={value}\nSESSION_SECRET=another-{value}\n"),
    );
    common::commit_all(&project);
    let output = check_with_env("builtin:production-readiness", &env_file, project.path());
    let report = json_report(&output);
    assert_eq!(output.status.code(), Some(1));
    let rule = common::rule(&report, "secrets-not-development-values");
    assert_eq!(rule["status"], "fail", "{rule:#}");
    assert_eq!(
        rule["message"],
        "`JWT_SECRET` has the same value as `JWT_SECRET` in .env.example:2: anyone who can read the repository knows it"
    );
    let env = check_run(&report, "env");
    assert_eq!(
        env["facts"]["vars"]["JWT_SECRET"]["development_value_at"],
        ".env.example:2"
    );
    assert_eq!(
        env["facts"]["vars"]["SESSION_SECRET"]["development_value_at"],
        serde_json::Value::Null
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains(value));
}
