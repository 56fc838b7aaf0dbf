//! Exceptions: a failure waived until a date (shown, counted, never
//! silent), expired ones counting again with a note, scopes by
//! environment and path, and every malformed entry an error with its line.

mod common;

use common::{Project, gonogo, json_report, rule};

const PACK: &str = "name: team
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
";

fn date(days_from_today: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days_from_today)).to_string()
}

fn project(exceptions: &str) -> Project {
    let project = Project::new();
    project.write("gonogo.yaml", PACK);
    project.write(".gonogo/exceptions.yaml", exceptions);
    project
}

fn check(project: &Project, extra: &[&str]) -> (std::process::Output, serde_json::Value) {
    let output = gonogo()
        .args(["check", "--format", "json"])
        .arg(project.path())
        .args(extra)
        .env("NODE_ENV", "development")
        .env("LOG_LEVEL", "info")
        .output()
        .expect("runs");
    let report = json_report(&output);
    (output, report)
}

#[test]
fn an_active_exception_waives_the_failure_visibly() {
    let project = project(&format!(
        "exceptions:\n  - rule: node-env-production\n    reason: the staging cluster reuses this pack (OPS-7)\n    approver: jane@acme.example\n    expires: {}\n",
        date(60)
    ));
    let (output, report) = check(&project, &[]);
    let waived = rule(&report, "node-env-production");
    assert_eq!(waived["status"], "waived");
    assert_eq!(waived["waiver"]["approver"], "jane@acme.example");
    assert!(
        waived["waiver"]["source"]
            .as_str()
            .unwrap()
            .ends_with("exceptions.yaml:2")
    );
    assert_eq!(report["decision"]["verdict"], "go");
    assert_eq!(report["decision"]["counts"]["waived"], 1);
    assert_eq!(output.status.code(), Some(0));
    let human = gonogo()
        .arg("check")
        .arg(project.path())
        .env("NODE_ENV", "development")
        .env("LOG_LEVEL", "info")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("~ node-env-production"), "{text}");
    assert!(
        text.contains(&format!(
            "waived until {} by jane@acme.example: the staging cluster reuses this pack (OPS-7)",
            date(60)
        )),
        "{text}"
    );
    assert!(text.contains(", 1 waived"), "{text}");
    let junit = project.path().join("gonogo.xml");
    let markdown = project.path().join("summary.md");
    gonogo()
        .arg("check")
        .arg(project.path())
        .arg("--report")
        .arg(format!("junit={}", junit.display()))
        .arg("--report")
        .arg(format!("markdown={}", markdown.display()))
        .env("NODE_ENV", "development")
        .env("LOG_LEVEL", "info")
        .output()
        .expect("runs");
    let junit = std::fs::read_to_string(junit).expect("junit");
    assert!(
        junit.contains("<skipped message=\"waived: the staging cluster reuses this pack (OPS-7) (approved by jane@acme.example, until"),
        "{junit}"
    );
    let markdown = std::fs::read_to_string(markdown).expect("markdown");
    assert!(
        markdown
            .contains("<code>node-env-production</code> NODE\\_ENV is production — waived until"),
        "{markdown}"
    );
}

#[test]
fn an_expired_exception_stops_counting_and_says_so() {
    let project = project(&format!(
        "exceptions:\n  - {{ rule: node-env-production, reason: migration, approver: jane, expires: {} }}\n",
        date(-1)
    ));
    let (output, report) = check(&project, &[]);
    assert_eq!(rule(&report, "node-env-production")["status"], "fail");
    assert_eq!(output.status.code(), Some(1));
    let notes = report["decision"]["notes"].to_string();
    assert!(
        notes.contains(&format!(
            "expired on {}: the failure counts again",
            date(-1)
        )),
        "{notes}"
    );
}

#[test]
fn an_exception_ending_soon_is_announced() {
    let project = project(&format!(
        "exceptions:\n  - {{ rule: node-env-production, reason: migration, approver: jane, expires: {} }}\n",
        date(3)
    ));
    let (_, report) = check(&project, &[]);
    assert_eq!(rule(&report, "node-env-production")["status"], "waived");
    let notes = report["decision"]["notes"].to_string();
    assert!(
        notes.contains(&format!("ends on {} (in 3 days)", date(3))),
        "{notes}"
    );
}

#[test]
fn an_exception_scoped_to_another_environment_does_not_apply() {
    let project = project(&format!(
        "exceptions:\n  - {{ rule: node-env-production, reason: r, approver: a, expires: {}, scope: {{ environments: [staging] }} }}\n",
        date(30)
    ));
    let (_, production) = check(&project, &[]);
    assert_eq!(rule(&production, "node-env-production")["status"], "fail");
    let (_, staging) = check(&project, &["--environment", "staging"]);
    assert_eq!(rule(&staging, "node-env-production")["status"], "waived");
}

#[test]
fn malformed_exceptions_are_errors_with_their_line() {
    let project = project(
        "exceptions:\n  - { rule: no-such-rule, reason: r, approver: a, expires: 2030-01-01 }\n  - { rule: log-level-set, approver: a, expires: 2030-01-01 }\n  - { rule: log-level-set, reason: r, expires: 2030-01-01 }\n  - { rule: log-level-set, reason: r, approver: a }\n  - { rule: log-level-set, reason: r, approver: a, expires: next week }\n",
    );
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "exceptions.yaml:2:",
        "exception for rule `no-such-rule`, which the pack does not have",
        "exceptions.yaml:3:",
        "has no `reason`",
        "has no `approver`",
        "has no `expires` date",
        "`expires: next week` is not a date (YYYY-MM-DD)",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn exceptions_past_the_limit_and_of_locked_rules_are_refused() {
    // Past the default 90 days: the failure counts, and a note says why.
    let far = project(&format!(
        "exceptions:\n  - rule: node-env-production\n    reason: later\n    approver: jane@acme.example\n    expires: {}\n",
        date(400)
    ));
    let (output, report) = check(&far, &[]);
    assert_eq!(rule(&report, "node-env-production")["status"], "fail");
    assert_eq!(output.status.code(), Some(1));
    let notes = report["decision"]["notes"].to_string();
    assert!(notes.contains("more than 90 days ahead"), "{notes}");
    // A pack may shorten the limit.
    far.write(
        "gonogo.yaml",
        &format!("{PACK}exception_limits:\n  max_days: 30\n"),
    );
    let near = format!(
        "exceptions:\n  - rule: node-env-production\n    reason: soon\n    approver: jane@acme.example\n    expires: {}\n",
        date(45)
    );
    far.write(".gonogo/exceptions.yaml", &near);
    let (_, report) = check(&far, &[]);
    assert_eq!(rule(&report, "node-env-production")["status"], "fail");
    // A locked rule is never waived: a load error with the file and line.
    far.write(
        "gonogo.yaml",
        &PACK.replace(
            "    check: env\n    expr: facts.vars.NODE_ENV",
            "    locked: true\n    check: env\n    expr: facts.vars.NODE_ENV",
        ),
    );
    let output = gonogo()
        .arg("check")
        .arg(far.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(".gonogo/exceptions.yaml:2")
            && stderr.contains("which the pack locks: it is never waived"),
        "{stderr}"
    );
}
