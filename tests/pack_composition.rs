//! Packs that extend a baseline: added rules and checks, overrides with
//! reasons shown in the report, locked rules, pinned digests, and trust
//! that an extending pack cannot widen.

mod common;

use common::{Project, gonogo, json_report, rule, sha256};

const BASELINE: &str = "name: acme-baseline
checks:
  env:
    use: builtin:env
    grants:
      public_env: [NODE_ENV, LOG_LEVEL]
rules:
  - id: node-env-production
    title: NODE_ENV is production
    severity: high
    check: env
    expr: facts.vars.NODE_ENV.present && facts.vars.NODE_ENV.value == 'production'
  - id: log-level-set
    title: LOG_LEVEL is set
    severity: low
    check: env
    expr: facts.vars.LOG_LEVEL.present
  - id: no-debug-logs
    title: Logs are not at debug level
    severity: medium
    locked: true
    check: env
    expr: \"!facts.vars.LOG_LEVEL.present || facts.vars.LOG_LEVEL.value != 'debug'\"
";

/// A project holding `baseline/gonogo.yaml` and a team pack extending it.
fn team(team_pack: &str) -> Project {
    let project = Project::new();
    project.write("baseline/gonogo.yaml", BASELINE);
    project.write("gonogo.yaml", team_pack);
    project
}

fn check(project: &Project, envs: &[(&str, &str)]) -> (std::process::Output, serde_json::Value) {
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

fn load_error(project: &Project) -> String {
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_team_pack_adds_rules_and_overrides_with_a_reason_shown_in_the_report() {
    let project = team(
        "name: payments-team
extends: { pack: ./baseline }
rules:
  - id: team-node-env-known
    title: NODE_ENV is set
    severity: low
    check: env
    expr: facts.vars.NODE_ENV.present
overrides:
  - rule: log-level-set
    enforcement: warn
    reason: the platform sets LOG_LEVEL at deploy time (PLAT-42)
",
    );
    let (output, report) = check(&project, &[("NODE_ENV", "production")]);
    assert_eq!(rule(&report, "log-level-set")["status"], "fail");
    assert_eq!(rule(&report, "log-level-set")["enforcement"], "warn");
    assert_eq!(rule(&report, "team-node-env-known")["status"], "pass");
    assert_eq!(
        report["decision"]["verdict"], "go",
        "the overridden rule only warns"
    );
    assert_eq!(output.status.code(), Some(0));
    let overrides = &report["pack"]["overrides"];
    assert_eq!(overrides[0]["rule"], "log-level-set");
    assert_eq!(overrides[0]["change"], "enforcement block → warn");
    assert_eq!(overrides[0]["by"], "payments-team");
    assert!(
        report["pack"]["extends"][0]
            .as_str()
            .unwrap_or_default()
            .ends_with("baseline/gonogo.yaml")
    );
    let human = gonogo()
        .arg("check")
        .arg(project.path())
        .env("NODE_ENV", "production")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("override log-level-set: enforcement block → warn — the platform sets LOG_LEVEL at deploy time (PLAT-42) (by payments-team)"),
        "{text}"
    );
}

#[test]
fn a_disabled_rule_is_gone_from_the_rules_and_listed_as_an_override() {
    let project = team(
        "name: team
extends: { pack: ./baseline }
overrides:
  - { rule: log-level-set, disabled: true, reason: no logs in this batch job }
",
    );
    let (_, report) = check(&project, &[("NODE_ENV", "production")]);
    let ids: Vec<&str> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["node-env-production", "no-debug-logs"]);
    assert_eq!(report["pack"]["overrides"][0]["change"], "disabled");
}

#[test]
fn locked_rules_unexplained_or_unknown_overrides_are_load_errors() {
    let project = team(
        "name: team
extends: { pack: ./baseline }
overrides:
  - { rule: no-debug-logs, enforcement: warn, reason: we like debug logs }
  - { rule: log-level-set, enforcement: warn }
  - { rule: no-such-rule, enforcement: warn, reason: typo }
  - { rule: node-env-production, severity: high, reason: same as before }
",
    );
    let stderr = load_error(&project);
    for expected in [
        "gonogo.yaml:4:",
        "rule `no-debug-logs` is locked by the extended pack `acme-baseline`",
        "the override of rule `log-level-set` has no `reason`",
        "override of rule `no-such-rule`, which the extended pack `acme-baseline` does not have",
        "the override of rule `node-env-production` changes nothing",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn a_pinned_baseline_that_changed_is_refused_with_both_digests() {
    let project = team("name: team\nextends: { pack: ./baseline/gonogo.yaml, sha256: 0000 }\n");
    let actual = sha256(&project.path().join("baseline/gonogo.yaml"));
    let stderr = load_error(&project);
    assert!(
        stderr.contains(&format!(
            "sha256 mismatch: pinned `0000`, the pack is `{actual}`"
        )),
        "{stderr}"
    );
    project.write(
        "gonogo.yaml",
        &format!("name: team\nextends: {{ pack: ./baseline/gonogo.yaml, sha256: {actual} }}\n"),
    );
    let (output, _) = check(
        &project,
        &[("NODE_ENV", "production"), ("LOG_LEVEL", "info")],
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn redefining_inherited_rules_checks_or_trusted_roles_is_refused() {
    let project = Project::new();
    project.write(
        "baseline/gonogo.yaml",
        "name: base\ntrust:\n  roles:\n    security: [\"ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"]\nchecks:\n  env: { use: builtin:env }\nrules: []\n",
    );
    project.write(
        "gonogo.yaml",
        "name: team\nextends: { pack: ./baseline }\ntrust:\n  roles:\n    security: [\"ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"]\nchecks:\n  env: { use: builtin:env }\nrules: []\n",
    );
    let stderr = load_error(&project);
    for expected in [
        "role `security` has its trusted keys in the extended pack",
        "check `env` is already declared by the extended pack `base`",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn an_extends_cycle_is_refused() {
    let project = Project::new();
    project.write("a/gonogo.yaml", "name: a\nextends: { pack: ../b }\n");
    project.write("b/gonogo.yaml", "name: b\nextends: { pack: ../a }\n");
    let output = gonogo()
        .args(["check", "--policy"])
        .arg(project.path().join("a"))
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("makes a cycle"));
}

#[test]
fn the_built_in_pack_can_be_extended() {
    let project = team(
        "name: team
extends: { pack: builtin:production-readiness }
overrides:
  - { rule: live-latency, disabled: true, reason: batch service without a health route }
",
    );
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--env-file",
            "examples/deploy/shop-api.env",
            "--format",
            "json",
            "--policy",
        ])
        .arg(project.path().join("gonogo.yaml"))
        .output()
        .expect("runs");
    let report = json_report(&output);
    assert_eq!(report["decision"]["verdict"], "go");
    assert_eq!(report["pack"]["extends"][0], "builtin:production-readiness");
    assert_eq!(report["rules"].as_array().map(Vec::len), Some(240));
}
