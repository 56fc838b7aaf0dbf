//! Readiness levels (`levels:`, a rule's `level`, `--level`) and phased
//! enforcement (`enforce_from`): what gates, what the report says was
//! reached, and the load errors.

mod common;

use common::{Project, gonogo, json_report, rule};

fn pack(enforce_from: &str) -> String {
    format!(
        "name: tiers
levels: [bronze, silver, gold]
checks:
  env:
    use: builtin:env
    grants:
      public_env: [NODE_ENV, LOG_LEVEL, SENTRY_ENV]
rules:
  - id: node-env-set
    title: NODE_ENV is set
    severity: high
    check: env
    expr: facts.vars.NODE_ENV.present
  - id: log-level-set
    title: LOG_LEVEL is set
    severity: medium
    level: silver
    check: env
    expr: facts.vars.LOG_LEVEL.present
  - id: sentry-env-set
    title: SENTRY_ENV is set
    severity: low
    level: gold
    check: env
{enforce_from}    expr: facts.vars.SENTRY_ENV.present
"
    )
}

fn check(
    project: &Project,
    extra: &[&str],
    envs: &[(&str, &str)],
) -> (Option<i32>, serde_json::Value) {
    let mut command = gonogo();
    command
        .args(["check", "--format", "json"])
        .arg(project.path())
        .args(extra);
    for (k, v) in envs {
        command.env(k, v);
    }
    let output = command.output().expect("runs");
    let report = json_report(&output);
    (output.status.code(), report)
}

#[test]
fn the_report_says_which_level_is_reached_and_the_gate_decides() {
    let project = Project::new();
    project.write("gonogo.yaml", &pack(""));
    let envs = [("NODE_ENV", "production"), ("LOG_LEVEL", "info")];
    // Gating on everything (the default): gold fails, silver is reached.
    let (code, report) = check(&project, &[], &envs);
    assert_eq!(code, Some(1));
    assert_eq!(report["decision"]["level"]["gated"], "gold");
    assert_eq!(report["decision"]["level"]["reached"], "silver");
    // Gating on silver: the gold rule is reported, above the gate, and decides nothing.
    let (code, report) = check(&project, &["--level", "silver"], &envs);
    assert_eq!(code, Some(0));
    let gold = rule(&report, "sentry-env-set");
    assert_eq!(
        (gold["status"].as_str(), gold["above_gate"].as_bool()),
        (Some("fail"), Some(true))
    );
    assert_eq!(gold["level"], "gold");
    assert_eq!(report["decision"]["blocking"], serde_json::json!([]));
    let human = gonogo()
        .args(["check", "--level", "silver"])
        .arg(project.path())
        .envs(envs)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("level reached: silver (gating on silver)"),
        "{text}"
    );
    assert!(
        text.contains("sentry-env-set") && text.contains("(above the gated level)"),
        "{text}"
    );
    // Nothing set: not even bronze.
    let (_, report) = check(&project, &["--level", "bronze"], &[]);
    assert_eq!(
        report["decision"]["level"]["reached"],
        serde_json::Value::Null
    );
}

#[test]
fn a_rule_warns_until_its_enforcement_date_then_blocks() {
    let project = Project::new();
    project.write("gonogo.yaml", &pack("    enforce_from: 2999-01-01\n"));
    let envs = [("NODE_ENV", "production"), ("LOG_LEVEL", "info")];
    let (code, report) = check(&project, &[], &envs);
    assert_eq!(code, Some(0), "a warning before the date");
    let phased = rule(&report, "sentry-env-set");
    assert_eq!(phased["enforcement"], "warn");
    // The report says when it starts to block (a campaign, in `gonogo serve`).
    assert_eq!(phased["enforce_from"], "2999-01-01");
    assert!(
        phased["message"]
            .as_str()
            .unwrap_or_default()
            .ends_with("(warning until it blocks from 2999-01-01)")
    );
    project.write("gonogo.yaml", &pack("    enforce_from: 2000-01-01\n"));
    let (code, report) = check(&project, &[], &envs);
    assert_eq!(code, Some(1), "blocking after the date");
    assert_eq!(rule(&report, "sentry-env-set")["enforcement"], "block");
}

#[test]
fn unknown_levels_and_dates_are_errors() {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        &pack("    enforce_from: soon\n").replace("level: silver", "level: platinum"),
    );
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "level `platinum` is not one of the pack's `levels`",
        "`enforce_from: soon` is not a date (YYYY-MM-DD)",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    project.write("gonogo.yaml", &pack(""));
    let output = gonogo()
        .args(["check", "--level", "diamond"])
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("--level diamond: the pack's levels are bronze, silver, gold")
    );
}
