//! Every output format over the same run: golden snapshots, schema
//! validation (JSON against docs/report.schema.json, SARIF against the
//! official 2.1.0 schema), several reports at once, `--fail-on`, and the
//! progress indicator (on a terminal only).

mod common;

use common::{Project, gonogo, repo};
use predicates::prelude::*;

const BAD: &str = "examples/shop-api-misconfigured";

/// Every check runs (`--rerun`): an outcome another test stored for the
/// same example would otherwise be reused and marked so.
fn run_format(format: &str) -> String {
    common::check_example(BAD, format, &["--rerun"], 1)
}

/// Git branch and commit vary between clones.
fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ filters => vec![
        (r"\([^()\s]+ @ [0-9a-f]{7,40}\)", "(BRANCH @ COMMIT)"),
        (r#""(commit|branch)": "[^"]*""#, r#""$1": "[git]""#),
    ]}, {
        insta::assert_snapshot!(name, text);
    });
}

fn schema(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join(path)).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema json");
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn assert_valid(validator: &jsonschema::Validator, document: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid:\n{}", errors.join("\n"));
}

#[test]
fn human_report_snapshot() {
    snapshot("human", &run_format("human"));
}

#[test]
fn json_report_is_valid_against_its_published_schema() {
    let validator = schema("docs/report.schema.json");
    for example in ["shop-api", "shop-api-misconfigured"] {
        let output = gonogo()
            .args([
                "check",
                &format!("examples/{example}"),
                "--env-file",
                &format!("examples/deploy/{example}.env"),
                "--format",
                "json",
            ])
            .output()
            .expect("runs");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_valid(&validator, &report);
    }
    // The schema is strict enough to catch a broken report.
    let mut broken: serde_json::Value = serde_json::from_str(&run_format("json")).expect("json");
    broken["decision"]["verdict"] = "maybe".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_report_is_valid_sarif_2_1_0_and_snapshot() {
    let text = run_format("sarif");
    let sarif: serde_json::Value = serde_json::from_str(&text).expect("json");
    let validator = schema("tests/schemas/sarif-schema-2.1.0.json");
    assert_valid(&validator, &sarif);
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !validator.is_valid(&broken),
        "the SARIF schema must catch a bad level"
    );
    let run = &sarif["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .len(),
        241
    );
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 108, "37 blocking and 71 warnings");
    assert!(
        results
            .iter()
            .all(|r| r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()))
    );
    let pooling = results
        .iter()
        .find(|r| r["ruleId"] == "database-pooling")
        .expect("the warning");
    assert_eq!(pooling["level"], "warning");
    snapshot("sarif", &text);
}

#[test]
fn junit_report_is_well_formed_xml_and_snapshot() {
    let text = run_format("junit");
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut testcases, mut failures, mut skipped) = (0, 0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    "testcase" => testcases += 1,
                    "failure" => failures += 1,
                    "skipped" => skipped += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert_eq!((testcases, failures, skipped), (241, 37, 116));
    assert!(text.contains(
        r#"<testsuites name="gonogo" tests="241" failures="37" errors="0" skipped="116">"#
    ));
    // A failure is linked to the file and line of its first finding.
    assert!(
        text.contains(r#"name="no-secret-fallbacks: No secret falls back to a hard-coded default" file="src/routes/auth.js" line="7">"#),
        "{text}"
    );
    snapshot("junit", &text);
}

#[test]
fn markdown_report_puts_the_decision_first_and_snapshot() {
    let text = run_format("markdown");
    assert!(text.starts_with("## ❌ NO-GO · production-readiness"));
    let blocking = text.find("### Blocking").expect("blocking section");
    let details = text.find("<details>").expect("collapsed passes");
    assert!(blocking < details);
    snapshot("markdown", &text);
}

#[test]
fn several_reports_are_written_in_one_run_while_the_terminal_shows_the_human_report() {
    let out = Project::new();
    let summary = out.write("summary.md", "existing summary\n");
    gonogo()
        .args(["check", BAD, "--env-file", &common::example_env(BAD)])
        .arg("--report")
        .arg(format!(
            "sarif={}",
            out.path().join("gonogo.sarif").display()
        ))
        .arg("--report")
        .arg(format!("junit={}", out.path().join("gonogo.xml").display()))
        .arg("--report")
        .arg(format!("markdown={}", summary.display()))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "NO-GO · 241 rules: 17 passed, 71 warnings, 37 blocking, 116 not applicable",
        ));
    let sarif = std::fs::read_to_string(out.path().join("gonogo.sarif")).expect("sarif written");
    assert!(sarif.contains("\"version\": \"2.1.0\""));
    assert!(
        std::fs::read_to_string(out.path().join("gonogo.xml"))
            .expect("junit written")
            .contains("<testsuites")
    );
    let summary = std::fs::read_to_string(&summary).expect("markdown written");
    assert!(
        summary.starts_with("existing summary\n## ❌ NO-GO"),
        "the step summary is appended to"
    );
    gonogo()
        .args(["check", BAD, "--report", "pdf=out.pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format `pdf`"));
}

/// A pack whose only failing rule is warn-only.
fn warn_only_project() -> Project {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        "name: warn-only\nchecks:\n  env:\n    use: builtin:env\nrules:\n  - id: ok\n    title: passes\n    severity: high\n    check: env\n    expr: 'true'\n  - id: soft\n    title: fails softly\n    severity: low\n    enforcement: warn\n    check: env\n    expr: 'false'\n",
    );
    project
}

#[test]
fn fail_on_decides_whether_warnings_are_a_no_go() {
    let project = warn_only_project();
    for (fail_on, code) in [("block", 0), ("warn", 1)] {
        gonogo()
            .args(["check", "--fail-on", fail_on])
            .arg(project.path())
            .assert()
            .code(code);
    }
    gonogo()
        .args(["check", "--fail-on", "warn"])
        .arg(project.path())
        .assert()
        .stdout(predicate::str::contains(
            "warnings fail this run (`--fail-on warn`)",
        ));
    for fail_on in ["block", "warn"] {
        gonogo()
            .args([
                "check",
                BAD,
                "--env-file",
                &common::example_env(BAD),
                "--fail-on",
                fail_on,
            ])
            .assert()
            .code(1);
    }
}

/// Runs `gonogo check` under a pseudo-terminal (`script`), returning what the terminal showed.
fn on_a_terminal(extra: &str, env: &[(&str, &str)]) -> String {
    let binary = env!("CARGO_BIN_EXE_gonogo");
    let env_file = common::example_env(BAD);
    let command =
        format!("{binary} check {BAD} --env-file {env_file} --format json {extra} > /dev/null");
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .current_dir(repo());
    script
        .env("GONOGO_CACHE_DIR", common::shared_cache())
        .env_remove("CI");
    for (k, v) in env {
        script.env(k, v);
    }
    let output = script.output().expect("`script` (util-linux) runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn progress_shows_on_a_terminal_only() {
    assert!(on_a_terminal("", &[]).contains("gonogo: running checks 18/18 · "));
    assert!(!on_a_terminal("--quiet", &[]).contains("running checks"));
    assert!(!on_a_terminal("", &[("CI", "true")]).contains("running checks"));
    // Piped: no terminal, no progress.
    gonogo()
        .args(["check", BAD, "--env-file", &common::example_env(BAD)])
        .env_remove("CI")
        .assert()
        .stderr(predicate::str::contains("running checks").not());
}

#[test]
fn failing_rules_show_the_locations_of_their_findings() {
    let project = Project::new();
    let hostile = common::hostile();
    project.write(
        "gonogo.yaml",
        &format!(
            "name: located\nchecks:\n{}rules:\n  - id: no-leak-findings\n    title: No leak findings\n    severity: high\n    check: h\n    expr: \"!findings.exists(f, f.id == 'leak')\"\n    message: the check found a leak\n",
            common::pinned_check("h", &hostile, "{ attack: leak }", "")
        ),
    );
    gonogo()
        .arg("check")
        .arg(project.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ no-leak-findings  the check found a leak  .txt:1\n",
        ));
    gonogo()
        .args(["check", "--verbose"])
        .arg(project.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "      the check found a leak\n      at .txt:1 (leak)",
        ));
    let output = gonogo()
        .args(["check", "--format", "sarif"])
        .arg(project.path())
        .output()
        .expect("runs");
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], ".txt");
    assert_eq!(location["region"]["startLine"], 1);
}
