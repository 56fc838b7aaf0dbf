//! Every renderer over one fixed report, in process: a rule of each status
//! (pass, fail with located findings, skip with and without a reason, an
//! error shared by two rules, waived, a failing warning), so that a change
//! of any format shows as a snapshot diff pointing at its renderer.

use super::{Format, Report};
use crate::gate;
use crate::model::CheckRun;
use crate::target::Target;

const PACK: &str = "name: fixed
description: One rule of each status.
checks:
  env: { use: 'builtin:env' }
  docker: { use: 'builtin:docker' }
  http: { use: 'builtin:http' }
rules:
  - id: secret-set
    title: The session secret is set
    severity: critical
    check: env
    expr: facts.secret_set
  - id: debug-off
    title: Debug logging is off in production
    severity: high
    check: env
    expr: facts.log_level != 'debug'
    message: 'LOG_LEVEL is ${facts.log_level}'
    remediation: Set LOG_LEVEL=info in the deployment.
    refs: [backend-checklist#logging]
  - id: image-unprivileged
    title: The image runs as a non-root user
    severity: high
    check: docker
    when: size(facts.dockerfiles) > 0
    skip_message: no Dockerfile in this project
    expr: facts.dockerfiles.all(d, d.user != 'root')
  - id: image-scanned
    title: The image is scanned
    severity: low
    check: docker
    when: facts.scanned != null
    expr: facts.scanned
  - id: live-health
    title: The health route answers
    severity: high
    check: http
    expr: facts.health_status == 200
  - id: live-tls
    title: TLS is valid
    severity: high
    check: http
    expr: facts.tls_valid
  - id: readme-setup
    title: The README says how to run it
    severity: medium
    check: env
    expr: facts.readme_setup
  - id: pooling
    title: Connections are pooled
    severity: low
    enforcement: warn
    check: env
    expr: facts.pooled
exceptions:
  - { rule: readme-setup, reason: written this sprint, approver: ana, expires: 2027-01-31 }
";

const RUNS: &str = r#"[
  { "name": "env", "use": "builtin:env", "status": "fail",
    "findings": [
      { "id": "debug-logging", "status": "fail", "severity": "high",
        "message": "LOG_LEVEL is debug", "location": { "path": "deploy/prod.env", "line": 3 },
        "remediation": "Set LOG_LEVEL=info." },
      { "id": "secret-set", "status": "pass", "severity": "low", "message": "SESSION_SECRET is set" }
    ],
    "facts": { "secret_set": true, "log_level": "debug", "readme_setup": false, "pooled": false } },
  { "name": "docker", "use": "builtin:docker", "status": "pass",
    "facts": { "dockerfiles": [], "scanned": null } },
  { "name": "http", "use": "builtin:http", "status": "error",
    "error": "`PUBLIC_URL` is not set: grant it and set it in the deployment environment" }
]"#;

fn fixed_report() -> Report {
    let mut plan = crate::policy::parse(PACK, "fixed.yaml", None).expect("the pack loads");
    // Fixed: the built-in checks' digests change with every build of them.
    plan.digest = format!("sha256:{}", "d".repeat(64));
    let runs: Vec<CheckRun> = serde_json::from_str(RUNS).expect("the runs parse");
    let target = Target {
        path: "services/api".into(),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        branch: Some("main".into()),
        artifact: None,
        path_in_repository: None,
        repository_root: None,
    };
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
        .expect("a time")
        .with_timezone(&chrono::Utc);
    let verdict = gate::judge_simply(&plan, &runs, &target, now);
    gate::report(&plan, target, "production", verdict, runs)
}

fn rendered(format: Format) -> String {
    rendered_with(format, &crate::report::RenderOptions::default())
}

fn rendered_with(format: Format, options: &crate::report::RenderOptions) -> String {
    let mut out = Vec::new();
    format
        .renderer(options)
        .render(&fixed_report(), &mut out)
        .expect("renders");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn the_fixed_report_has_a_rule_of_each_status() {
    use crate::model::Status;
    let report = fixed_report();
    let status = |id: &str| {
        report
            .rules
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.status)
            .expect("the rule")
    };
    assert_eq!(status("secret-set"), Status::Pass);
    assert_eq!(status("debug-off"), Status::Fail);
    assert_eq!(status("image-unprivileged"), Status::Skip);
    assert_eq!(status("image-scanned"), Status::Skip);
    assert_eq!(status("live-health"), Status::Error);
    assert_eq!(status("live-tls"), Status::Error);
    assert_eq!(status("readme-setup"), Status::Waived);
    assert_eq!(status("pooling"), Status::Fail);
    assert!(!report.decision.go);
}

#[test]
fn human() {
    insta::assert_snapshot!(rendered(Format::Human));
}

/// `--verbose`: every rule by area, every check.
#[test]
fn human_verbose() {
    let options = crate::report::RenderOptions {
        verbose: true,
        ..Default::default()
    };
    insta::assert_snapshot!(rendered_with(Format::Human, &options));
}

#[test]
fn codequality() {
    insta::assert_snapshot!(rendered(Format::Codequality));
}

#[test]
fn json() {
    insta::assert_snapshot!(rendered(Format::Json));
}

#[test]
fn sarif() {
    insta::assert_snapshot!(rendered(Format::Sarif));
}

#[test]
fn junit() {
    insta::assert_snapshot!(rendered(Format::Junit));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(rendered(Format::Markdown));
}

#[test]
fn past_ten_reasons_the_human_report_counts_the_rest_most_shared_first() {
    let mut pack = String::from(
        "name: many-skips\ndescription: Twelve reasons to skip.\nchecks:\n  env: { use: 'builtin:env' }\nrules:\n",
    );
    for n in 1..=12 {
        pack.push_str(&format!(
            "  - id: rule-{n}\n    title: Rule {n}\n    severity: low\n    check: env\n    when: 'false'\n    skip_message: reason {n}\n    expr: 'true'\n"
        ));
    }
    // A thirteenth rule shares the last reason, which is then shown first.
    pack.push_str("  - id: rule-13\n    title: Rule 13\n    severity: low\n    check: env\n    when: 'false'\n    skip_message: reason 12\n    expr: 'true'\n");
    let plan = crate::policy::parse(&pack, "many.yaml", None).expect("the pack loads");
    let runs: Vec<CheckRun> = serde_json::from_str(
        r#"[{ "name": "env", "use": "builtin:env", "status": "pass", "facts": {} }]"#,
    )
    .expect("the runs parse");
    let now = chrono::Utc::now();
    let target = fixed_report().target;
    let verdict = gate::judge_simply(&plan, &runs, &target, now);
    let report = gate::report(&plan, target, "production", verdict, runs);
    let mut out = Vec::new();
    Format::Human
        .renderer(&crate::report::RenderOptions::default())
        .render(&report, &mut out)
        .expect("renders");
    let coloured = String::from_utf8(out).expect("UTF-8");
    // Without the colour codes (`\x1b[2m`…`\x1b[0m`).
    let mut text = String::new();
    let mut rest = coloured.as_str();
    while let Some(at) = rest.find('\x1b') {
        text.push_str(&rest[..at]);
        rest = rest[at..].split_once('m').map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    let reasons: Vec<&str> = text.lines().filter(|l| l.contains("- reason ")).collect();
    assert_eq!(reasons.len(), 10, "{text}");
    assert!(
        reasons[0].contains("reason 12 (rule-12, rule-13)"),
        "{text}"
    );
    assert!(reasons[1].contains("reason 1 (rule-1)"), "{text}");
    assert!(
        text.contains(
            "- and 2 more reasons, for 2 rules (`--verbose` lists every rule with its reason)"
        ),
        "{text}"
    );
}
