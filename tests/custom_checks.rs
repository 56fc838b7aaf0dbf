//! The example checks of `guest-checks/examples` (Python, JavaScript, C and
//! Go), run through `gonogo check` with their example pack against a good
//! and a bad project. `bash guest-checks/examples/build.sh` builds them (the
//! README's test command runs it first).

mod common;

use common::{gonogo, json_report, repo};
use predicates::prelude::*;
use std::path::PathBuf;

/// The built example pack; a clear failure when the examples are not built.
fn example_pack() -> PathBuf {
    let pack = repo().join("target/guest-examples/gonogo.yaml");
    assert!(
        pack.is_file(),
        "{} is missing: run `bash guest-checks/examples/build.sh` first",
        pack.display()
    );
    pack
}

fn run(fixture: &str) -> (std::process::Output, serde_json::Value) {
    let output = gonogo()
        .args(["check", "--format", "json", "--policy"])
        .arg(example_pack())
        .arg(repo().join("guest-checks/examples/fixtures").join(fixture))
        .output()
        .expect("runs");
    let report = json_report(&output);
    (output, report)
}

fn statuses(report: &serde_json::Value) -> Vec<(String, String)> {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().expect("rule id").to_owned(),
                r["status"].as_str().expect("rule status").to_owned(),
            )
        })
        .collect()
}

fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    common::check_run(report, name)
}

/// `(finding id, path, line)` of a check's findings.
fn located(report: &serde_json::Value, name: &str) -> Vec<(String, String, Option<u64>)> {
    check(report, name)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail" || f["status"] == "warn")
        .map(|f| {
            (
                f["id"].as_str().expect("finding id").to_owned(),
                f["location"]["path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                f["location"]["line"].as_u64(),
            )
        })
        .collect()
}

fn finding(id: &str, path: &str, line: Option<u64>) -> (String, String, Option<u64>) {
    (id.to_owned(), path.to_owned(), line)
}

#[test]
fn the_good_project_passes_every_rule_of_the_four_languages() {
    let (output, report) = run("good");
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    for (id, status) in statuses(&report) {
        assert_eq!(status, "pass", "rule {id}");
    }
    let openapi = &check(&report, "openapi")["facts"];
    assert_eq!(openapi["spec"], "openapi.yaml");
    assert_eq!(openapi["operations"], 5);
    assert_eq!(openapi["secured"], 2);
    assert_eq!(
        openapi["public"],
        serde_json::json!(["GET /health", "GET /ready", "POST /webhooks/stripe"])
    );
    let scripts = &check(&report, "package_scripts")["facts"];
    assert_eq!(scripts["services"], 1);
    assert_eq!(scripts["packages"][0]["start"], "node dist/server.js");
    let licence = &check(&report, "licence_header")["facts"];
    assert_eq!(licence["licence"], "Apache-2.0");
    assert_eq!(licence["files"], 2);
    assert_eq!(licence["with_header"], 2);
    let probes = &check(&report, "k8s_probes")["facts"];
    assert_eq!(
        probes["workloads"], 1,
        "the migration Job is not a workload"
    );
    assert_eq!(probes["probed"], 1);
    assert_eq!(probes["routes_known"], true);
}

#[test]
fn the_bad_project_fails_with_each_problem_located() {
    let (output, report) = run("bad");
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    let failed: Vec<String> = statuses(&report)
        .into_iter()
        .filter(|(_, status)| status == "fail")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        failed,
        [
            "api-operations-authenticated",
            "api-operations-documented",
            "scripts-production-start",
            "scripts-tests-run",
            "scripts-no-schema-reset",
            "scripts-no-inline-secret",
            "licence-headers",
            "k8s-probes-present",
            "k8s-probes-aimed",
            "k8s-liveness-independent",
        ]
    );
    assert_eq!(
        located(&report, "openapi"),
        [
            finding("operation-undocumented", "openapi.yaml", Some(14)),
            finding("operation-unauthenticated", "openapi.yaml", Some(14)),
            finding("security-scheme-unknown", "openapi.yaml", Some(17)),
            finding("operation-unauthenticated", "openapi.yaml", Some(24)),
            finding("server-plain-http", "openapi.yaml", None),
        ]
    );
    assert_eq!(
        check(&report, "openapi")["facts"]["unauthenticated"],
        serde_json::json!(["GET /orders", "GET /admin/users"]),
        "GET /health is public by default"
    );
    assert_eq!(
        located(&report, "package_scripts"),
        [
            finding("start-dev-tool", "package.json", Some(6)),
            finding("build-missing", "package.json", Some(6)),
            finding("test-missing", "package.json", Some(9)),
            finding("destructive-lifecycle", "package.json", Some(7)),
            finding("inline-secret", "package.json", Some(8)),
        ]
    );
    let licence = located(&report, "licence_header");
    assert!(
        licence.contains(&finding("header-missing", "src/admin.js", None)),
        "{licence:?}"
    );
    assert!(
        licence.contains(&finding("header-mismatch", "src/server.js", Some(1))),
        "{licence:?}"
    );
    assert_eq!(check(&report, "licence_header")["facts"]["licence"], "MIT");
    let probes = located(&report, "k8s_probes");
    for expected in [
        finding("probe-port-unknown", "k8s/deployment.yml", Some(16)),
        finding("probe-route-unknown", "k8s/deployment.yml", Some(15)),
        finding("probe-route-unknown", "k8s/deployment.yml", Some(18)),
        finding("liveness-same-as-readiness", "k8s/deployment.yml", Some(17)),
    ] {
        assert!(probes.contains(&expected), "{expected:?} not in {probes:?}");
    }
    assert_eq!(
        probes.iter().filter(|f| f.0 == "probe-missing").count(),
        2,
        "the worker has neither probe: {probes:?}"
    );
}

#[test]
fn checks_info_shows_an_example_with_its_documentation() {
    let component = repo().join("target/guest-examples/openapi.wasm");
    let _ = example_pack();
    gonogo()
        .args(["checks", "info"])
        .arg(&component)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "OpenAPI coverage 0.1.0 (id `openapi`)",
        ))
        .stdout(predicate::str::contains(common::sha256(&component)))
        .stdout(predicate::str::contains("gonogo:check/workspace@0.1.0"))
        .stdout(predicate::str::contains("`operation-unauthenticated`"))
        .stdout(predicate::str::contains("does not use it"));
}

#[test]
fn checks_list_and_info_show_the_pack_s_grants_and_rules() {
    let pack = example_pack();
    gonogo()
        .args(["checks", "list", "--policy"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(predicate::str::contains("builtin:secrets"))
        .stdout(predicate::str::contains("k8s_probes (./k8s-probes.wasm)"))
        .stdout(predicate::str::contains("Kubernetes probes 0.1.0"))
        .stdout(predicate::str::contains(
            "licence_header (./licence-header.wasm)",
        ));
    gonogo()
        .args(["checks", "info", "package_scripts", "--policy"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(predicate::str::contains("In pack `custom-checks-example`"))
        .stdout(predicate::str::contains(
            "rules    scripts-production-start, scripts-tests-run, scripts-no-schema-reset, scripts-no-inline-secret",
        ))
        .stdout(predicate::str::contains("`start-dev-tool`"));
}

#[test]
fn checks_info_of_a_built_in_shows_its_settings_findings_and_docs() {
    gonogo()
        .args([
            "checks",
            "info",
            "builtin:http",
            "--policy",
            "builtin:production-readiness",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("builtin:http — Live HTTP probes"))
        .stdout(predicate::str::contains(
            "gonogo:check/probe@0.1.0 (live probes, only to the hosts the pack grants)",
        ))
        .stdout(predicate::str::contains("hosts    env:GONOGO_BASE_URL"))
        .stdout(predicate::str::contains("## What it checks"));
    gonogo()
        .args(["checks", "info", "builtin:nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`builtin:nope` is not a built-in check",
        ))
        .stderr(predicate::str::contains("builtin:env"));
    gonogo()
        .args([
            "checks",
            "info",
            "no-such-check",
            "--policy",
            "builtin:production-readiness",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is neither `builtin:<name>`, a check of pack `production-readiness`",
        ));
}

#[test]
fn checks_list_as_json_describes_every_check_with_its_grants() {
    let output = gonogo()
        .args([
            "checks",
            "list",
            "--format",
            "json",
            "--policy",
            "builtin:production-readiness",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let builtins = list["builtins"].as_array().expect("builtins");
    assert!(
        builtins
            .iter()
            .any(|b| b["use"] == "builtin:node" && b["describe"]["id"] == "node")
    );
    assert!(
        builtins
            .iter()
            .all(|b| b["sha256"].as_str().is_some_and(|d| d.len() == 64))
    );
    let http = list["pack"]["checks"]
        .as_array()
        .expect("pack checks")
        .iter()
        .find(|c| c["name"] == "http")
        .expect("the pack's http check");
    assert_eq!(
        http["grants"]["hosts"],
        serde_json::json!([
            "env:GONOGO_BASE_URL",
            "env:GONOGO_HTTP_URL",
            "env:GONOGO_SITE_URL"
        ])
    );
}
