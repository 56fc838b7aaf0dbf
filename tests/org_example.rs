//! The example organisation of `examples/org`: a baseline extending the
//! built-in pack with Acme's signers and blocking sign-offs, two team packs,
//! an exception, demo keys and `attest.sh`, end to end on a copy of the
//! example API in a git repository.

mod common;

use common::{Project, commit_all, gonogo, json_report, repo, rule};
use predicates::prelude::*;

/// A git repository holding a copy of examples/shop-api.
fn payments_repo() -> Project {
    let project = Project::new();
    copy(&repo().join("examples/shop-api"), project.path());
    commit_all(&project);
    project
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A copy of examples/org whose exception expires 30 days from today, so
/// that the example's date (within the baseline's 90 days when written)
/// does not age the test.
fn org_today() -> Project {
    let org = Project::new();
    copy(&repo().join("examples/org"), org.path());
    let team = org.path().join("team-payments/gonogo.yaml");
    let pack = std::fs::read_to_string(&team).expect("team pack");
    let in_30_days = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
    let dated = pack.replace("expires: 2027-02-28", &format!("expires: {in_30_days}"));
    assert_ne!(
        pack, dated,
        "the example's exception date moved: update this test"
    );
    std::fs::write(&team, dated).expect("write");
    org
}

fn check(project: &Project, team: &str) -> (std::process::Output, serde_json::Value) {
    let org = org_today();
    let output = gonogo()
        .args(["check", "--format", "json", "--env-file"])
        .arg(common::example_env("shop-api"))
        .arg("--policy")
        .arg(org.path().join(team))
        .arg(project.path())
        .output()
        .expect("runs");
    let report = json_report(&output);
    (output, report)
}

const SIGN_OFFS: [&str; 27] = [
    "restore-drill",
    "rollback-drill",
    "on-call-rotation",
    "load-test",
    "provider-config",
    "provider-database",
    "provider-monitoring",
    "provider-uptime",
    "provider-network",
    "provider-email",
    "provider-payments",
    "signoff-product",
    "product-billing-emails",
    "product-customer-support",
    "product-feedback-analytics",
    "product-roadmap",
    "signoff-qa",
    "qa-feature-flows",
    "qa-frontend",
    "qa-performance",
    "signoff-devops",
    "devops-data-setup",
    "devops-access-contacts",
    "devops-post-launch-reviews",
    "devops-resilience",
    "signoff-security",
    "signoff-engineering",
];

fn attest_all(project: &Project) {
    let output = std::process::Command::new("bash")
        .arg(repo().join("examples/org/attest.sh"))
        .arg(project.path())
        .arg(env!("CARGO_BIN_EXE_gonogo"))
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn unattested_the_baseline_blocks_on_every_sign_off_but_the_waived_one() {
    let project = payments_repo();
    let (output, report) = check(&project, "team-payments");
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    let mut blocking: Vec<String> = report["decision"]["blocking"]
        .as_array()
        .expect("blocking")
        .iter()
        .map(|r| r.as_str().expect("id").to_owned())
        .collect();
    blocking.sort();
    let mut expected: Vec<&str> = SIGN_OFFS
        .iter()
        .copied()
        .filter(|r| *r != "load-test")
        .collect();
    expected.sort();
    assert_eq!(blocking, expected);
    assert_eq!(rule(&report, "load-test")["status"], "waived");
    assert_eq!(
        report["pack"]["overrides"].as_array().map(Vec::len),
        Some(27)
    );
    assert_eq!(report["pack"]["overrides"][0]["by"], "acme-baseline");
}

#[test]
fn attested_by_acme_s_signers_both_teams_are_a_go() {
    let project = payments_repo();
    attest_all(&project);
    let (output, report) = check(&project, "team-payments");
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    for id in SIGN_OFFS {
        assert_eq!(rule(&report, id)["status"], "pass", "{id}");
    }
    let (output, report) = check(&project, "team-search");
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let overrides = report["pack"]["overrides"].to_string();
    assert!(overrides.contains("PLAT-88"), "{overrides}");
}

#[test]
fn a_key_acme_does_not_trust_vouches_for_nothing() {
    let project = payments_repo();
    attest_all(&project);
    let keys = Project::new();
    gonogo()
        .args(["keygen", "mallory", "--dir"])
        .arg(keys.path())
        .assert()
        .success();
    // Mallory's signature replaces the security sign-off.
    for entry in std::fs::read_dir(project.path().join(".gonogo/attestations")).expect("dir") {
        let path = entry.expect("entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("signoff-security."))
        {
            std::fs::remove_file(path).expect("remove");
        }
    }
    gonogo()
        .args(["attest", "signoff-security"])
        .arg(project.path())
        .args(["--role", "security", "--key"])
        .arg(keys.path().join("mallory.key"))
        .assert()
        .success();
    let (output, report) = check(&project, "team-payments");
    assert_eq!(output.status.code(), Some(1));
    let message = rule(&report, "signoff-security")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("0 of 1 signer"), "{message}");
    assert!(message.contains("not trusted"), "{message}");
}

#[test]
fn a_team_cannot_key_a_role_or_override_a_locked_rule() {
    let team = Project::new();
    let baseline = repo().join("examples/org/baseline");
    let pub_key = std::fs::read_to_string(repo().join("examples/org/keys/qa.pub")).expect("key");
    team.write(
        "gonogo.yaml",
        &format!(
            "name: rogue\nextends: {{ pack: {} }}\ntrust:\n  roles:\n    security: [\"{}\"]\noverrides:\n  - {{ rule: acme-node-env-production, disabled: true, reason: we run in development }}\n",
            baseline.display(),
            pub_key.trim()
        ),
    );
    gonogo()
        .args(["check", "--policy"])
        .arg(team.path().join("gonogo.yaml"))
        .arg(team.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "role `security` has its trusted keys in the extended pack",
        ))
        .stderr(predicate::str::contains("acme-node-env-production"));
}
