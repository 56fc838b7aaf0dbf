//! The built-in `env` check, run for real over the fixture env files in
//! `guest-checks/checks/env/fixtures/`; what it reports is snapshotted.

mod common;

use common::{Project, check_run, gonogo, json_report};

const FIXTURES: &str = "guest-checks/checks/env/fixtures";

fn env_outcome(env_file: &str) -> serde_json::Value {
    let project = Project::new();
    let output = gonogo()
        .args([
            "check",
            "--format",
            "json",
            "--policy",
            FIXTURES,
            "--env-file",
        ])
        .arg(format!("{FIXTURES}/{env_file}"))
        .arg(project.path())
        .output()
        .expect("runs");
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
