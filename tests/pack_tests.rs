//! `gonogo test` (a pack's own tests), `gonogo eval`, and the recorded
//! outcomes they read (`gonogo check --save-outcomes`).

mod common;

use common::{Project, gonogo, repo};
use predicates::prelude::*;

const PACK: &str = "policies/production-readiness";

/// A copy of the production-readiness pack whose tests can be edited.
fn pack_copy() -> Project {
    let project = Project::new();
    let source = repo().join(PACK);
    project.write(
        "gonogo.yaml",
        &std::fs::read_to_string(source.join("gonogo.yaml")).expect("pack"),
    );
    for file in [
        "tests/examples.yaml",
        "tests/rules.yaml",
        "tests/outcomes/shop-api.json",
        "tests/outcomes/shop-api-misconfigured.json",
    ] {
        project.write(
            file,
            &std::fs::read_to_string(source.join(file)).expect("test file"),
        );
    }
    project
}

#[test]
fn the_production_readiness_pack_passes_its_own_tests() {
    gonogo()
        .args(["test", PACK])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "✓ a broken env check fails closed",
        ))
        .stdout(predicate::str::is_match(r"(?m)^\d+ passed, 0 failed$").expect("regex"));
}

#[test]
fn a_wrong_expectation_fails_with_what_differs() {
    let pack = pack_copy();
    let rules = pack.path().join("tests/rules.yaml");
    let text = std::fs::read_to_string(&rules).expect("rules").replacen(
        "rules: { database-ssl: fail }",
        "rules: { database-ssl: pass }",
        1,
    );
    std::fs::write(&rules, text).expect("write");
    gonogo()
        .arg("test")
        .arg(pack.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ sslmode=prefer does not require TLS",
        ))
        .stdout(predicate::str::contains(
            "rule `database-ssl`: expected pass, got fail (DATABASE_URL has `sslmode=prefer`)",
        ))
        .stdout(predicate::str::is_match(r"(?m)^\d+ passed, 1 failed$").expect("regex"));
}

#[test]
fn broken_test_files_are_errors_with_their_location() {
    let pack = pack_copy();
    pack.write(
        "tests/broken.yaml",
        "tests:\n  - name: unknown rule\n    outcomes: outcomes/shop-api.json\n    expect:\n      rules: { no-such-rule: pass }\n",
    );
    gonogo()
        .arg("test")
        .arg(pack.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.yaml:5:30: GN603 test `unknown rule` expects rule `no-such-rule`",
        ));
    pack.write(
        "tests/broken.yaml",
        "tests:\n  - name: typo\n    outcome: outcomes/shop-api.json\n    expect: {}\n",
    );
    gonogo()
        .arg("test")
        .arg(pack.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.yaml:3:5"))
        .stderr(predicate::str::contains("outcome"));
    let empty = Project::new();
    empty.write("gonogo.yaml", "name: empty\nrules: []\n");
    gonogo()
        .arg("test")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no test files"));
}

#[test]
fn the_recorded_outcomes_are_what_the_examples_give_today() {
    for example in ["shop-api", "shop-api-misconfigured"] {
        let saved = Project::new();
        let file = saved.path().join("outcomes.json");
        gonogo()
            .args([
                "check",
                &format!("examples/{example}"),
                "--env-file",
                &format!("examples/deploy/{example}.env"),
                "--save-outcomes",
            ])
            .arg(&file)
            .assert()
            .code(if example == "shop-api" { 0 } else { 1 });
        let mut fresh: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("saved")).expect("json");
        let mut recorded: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                repo()
                    .join(PACK)
                    .join(format!("tests/outcomes/{example}.json")),
            )
            .expect("recorded"),
        )
        .expect("json");
        let shallow = history_of(&mut fresh).is_some_and(|h| h["shallow"] == true);
        for outcomes in [&mut fresh, &mut recorded] {
            if let Some(history) = history_of(outcomes) {
                // Every commit that touches the example adds one; a
                // shallow clone holds only its newest commits.
                history.remove("commits");
                if shallow {
                    history.clear();
                }
            }
        }
        assert_eq!(
            fresh, recorded,
            "tests/outcomes/{example}.json is stale: re-record it with `gonogo check examples/{example} --env-file examples/deploy/{example}.env --save-outcomes …`"
        );
    }
}

/// The `secrets` check's `history` fact in saved outcomes.
fn history_of(
    outcomes: &mut serde_json::Value,
) -> Option<&mut serde_json::Map<String, serde_json::Value>> {
    outcomes["checks"]
        .as_array_mut()?
        .iter_mut()
        .find(|check| check["name"] == "secrets")?["facts"]["history"]
        .as_object_mut()
}

#[test]
fn eval_evaluates_one_expression_over_facts_or_outcomes() {
    gonogo()
        .args(["eval", "1 + 2 == 3"])
        .assert()
        .code(0)
        .stdout("true\n");
    gonogo()
        .args([
            "eval",
            "facts.replicas >= 2",
            "--facts",
            r#"{"replicas": 3}"#,
        ])
        .assert()
        .code(0)
        .stdout("true\n");
    let outcomes = format!("{PACK}/tests/outcomes/shop-api-misconfigured.json");
    gonogo()
        .args([
            "eval",
            "facts.vars.JWT_SECRET.length",
            "--facts",
            &outcomes,
            "--check",
            "env",
        ])
        .assert()
        .code(0)
        .stdout("16\n");
    gonogo()
        .args([
            "eval",
            "checks.env.facts.vars.NODE_ENV.value",
            "--facts",
            &outcomes,
        ])
        .assert()
        .code(0)
        .stdout("development\n");
    gonogo()
        .args(["eval", "facts.x ==", "--facts", "{}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CEL syntax error"));
    gonogo()
        .args(["eval", "facts.nope > 1", "--facts", "{}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("No such key: nope"));
}

/// A pack with levels and an exception of its own, and tests that only
/// pass when `gonogo test` honours both as `gonogo check` does.
const LEVELLED_PACK: &str = "name: levelled
levels: [bronze, silver]
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
    expr: facts.vars.NODE_ENV.value == 'production'
  - id: log-level-set
    title: LOG_LEVEL is set
    severity: low
    level: silver
    check: env
    expr: facts.vars.LOG_LEVEL.present
exceptions:
  - rule: node-env-production
    reason: the staging cluster reuses this pack (OPS-7)
    approver: jane@acme.example
    expires: 2026-12-31
";

const LEVELLED_TESTS: &str = "tests:
  - name: the pack's own exception waives the failure until it expires
    now: 2026-12-01T00:00:00Z
    checks:
      env: { facts: { vars: { NODE_ENV: { value: development }, LOG_LEVEL: { present: true } } } }
    expect: { decision: go, rules: { node-env-production: waived }, level: silver }
  - name: after it expires the failure counts again
    now: 2027-01-01T00:00:00Z
    checks:
      env: { facts: { vars: { NODE_ENV: { value: development }, LOG_LEVEL: { present: true } } } }
    expect: { decision: no-go, rules: { node-env-production: fail }, level: none }
  - name: gated on bronze, a failing silver rule decides nothing
    now: 2026-12-01T00:00:00Z
    level: bronze
    checks:
      env: { facts: { vars: { NODE_ENV: { value: production }, LOG_LEVEL: { present: false } } } }
    expect: { decision: go, rules: { log-level-set: fail }, level: bronze }
  - name: gated on the highest level, it blocks
    now: 2026-12-01T00:00:00Z
    checks:
      env: { facts: { vars: { NODE_ENV: { value: production }, LOG_LEVEL: { present: false } } } }
    expect: { decision: no-go, blocking: [log-level-set], level: bronze }
";

#[test]
fn pack_tests_honour_the_pack_s_exceptions_and_levels_as_the_gate_does() {
    let pack = Project::new();
    pack.write("gonogo.yaml", LEVELLED_PACK);
    pack.write("tests/levels.yaml", LEVELLED_TESTS);
    let test = || gonogo().arg("test").arg(pack.path()).assert();
    test()
        .code(0)
        .stdout(predicate::str::contains("4 passed, 0 failed"));
    // A wrong level is an error with its line; a wrong expectation fails.
    pack.write(
        "tests/levels.yaml",
        &LEVELLED_TESTS.replace("level: bronze\n    checks", "level: gold\n    checks"),
    );
    test().code(2).stderr(predicate::str::contains(
        "levels.yaml:14:12: GN603 `level: gold`: the pack's levels are bronze, silver",
    ));
    pack.write(
        "tests/levels.yaml",
        &LEVELLED_TESTS.replace("level: silver }", "level: bronze }"),
    );
    test().code(1).stdout(predicate::str::contains(
        "level: expected bronze, reached silver",
    ));
}
