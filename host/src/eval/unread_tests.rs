//! A finding with status `error` (an input the check could not read) makes
//! the rules that depend on it `error`, before their `when` can skip them.

use crate::gate::judge_simply;
use crate::model::{CheckRun, Finding, Location, Severity, Status};
use crate::target::Target;

/// Check `c` with two finding ids; `d` is a second check that `other`
/// reads through `checks.c`.
const PACK: &str = "name: t
checks:
  c: { use: 'builtin:env' }
  d: { use: 'builtin:env' }
rules:
  - { id: named, title: t, severity: high, check: c, when: 'false', expr: 'true', evidence: [empty] }
  - { id: not-named, title: t, severity: high, check: c, expr: 'true', evidence: [placeholder] }
  - { id: no-evidence, title: t, severity: high, check: c, expr: 'true' }
  - { id: other, title: t, severity: high, check: d, expr: 'checks.c.status != \"error\"' }
  - { id: unrelated, title: t, severity: high, check: d, expr: 'true' }
";

fn run(name: &str, findings: Vec<Finding>) -> CheckRun {
    let mut run = CheckRun::failed(name, "builtin:env", None, String::new());
    run.error = None;
    run.status = CheckRun::status_of(&findings);
    run.findings = findings;
    run
}

fn statuses(findings: Vec<Finding>) -> Vec<(String, Status, Option<String>)> {
    let plan = crate::policy::parse(PACK, "t.yaml", None).expect("pack");
    let runs = [run("c", findings), run("d", Vec::new())];
    let target = Target::unversioned(".");
    let verdict = judge_simply(&plan, &runs, &target, chrono::Utc::now());
    verdict
        .rules
        .into_iter()
        .map(|r| (r.id, r.status, r.message))
        .collect()
}

fn unreadable(id: &str) -> Finding {
    Finding {
        id: id.into(),
        status: Status::Error,
        severity: Severity::High,
        message: "`docker-compose.yml` is not valid YAML (line 3)".into(),
        location: Some(Location {
            path: "docker-compose.yml".into(),
            line: Some(3),
        }),
        remediation: None,
    }
}

#[test]
fn an_error_finding_errors_the_rules_that_name_it_or_name_none_and_the_rules_reading_its_check() {
    let got = statuses(vec![unreadable("empty")]);
    let status = |id: &str| got.iter().find(|r| r.0 == id).expect(id).1;
    // Its `when` is false, yet it is not skipped: the input was not read.
    assert_eq!(status("named"), Status::Error);
    assert_eq!(
        got.iter().find(|r| r.0 == "named").unwrap().2.as_deref(),
        Some("`docker-compose.yml` is not valid YAML (line 3)")
    );
    assert_eq!(status("not-named"), Status::Pass);
    assert_eq!(status("no-evidence"), Status::Error);
    assert_eq!(status("other"), Status::Error);
    assert_eq!(status("unrelated"), Status::Pass);
}

#[test]
fn findings_that_only_fail_or_warn_leave_rules_to_their_expressions() {
    let mut failing = unreadable("empty");
    failing.status = Status::Fail;
    let got = statuses(vec![failing]);
    let status = |id: &str| got.iter().find(|r| r.0 == id).expect(id).1;
    assert_eq!(status("named"), Status::Skip);
    assert_eq!(status("no-evidence"), Status::Pass);
    assert_eq!(status("other"), Status::Pass);
}
