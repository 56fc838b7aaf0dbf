//! A check left out on purpose (`--repository-only`) makes the rules that
//! read it `skip` with the reason; a broken check they also read still
//! makes them `error`.

use crate::gate::judge_simply;
use crate::model::{CheckRun, Status};
use crate::target::Target;

const PACK: &str = "name: t
checks:
  repo: { use: 'builtin:docs' }
  deploy: { use: 'builtin:env' }
rules:
  - { id: deployment, title: t, severity: high, check: deploy, expr: 'true' }
  - { id: both, title: t, severity: high, check: repo, expr: 'checks.deploy.status != \"error\"' }
  - { id: repository, title: t, severity: high, check: repo, expr: 'true' }
";

fn statuses(repo: CheckRun) -> Vec<(String, Status, Option<String>)> {
    let plan = crate::policy::parse(PACK, "t.yaml", None).expect("pack");
    let runs = [
        repo,
        CheckRun::not_run("deploy", "builtin:env", "repository only".into()),
    ];
    let target = Target::unversioned(".");
    judge_simply(&plan, &runs, &target, chrono::Utc::now())
        .rules
        .into_iter()
        .map(|r| (r.id, r.status, r.message))
        .collect()
}

#[test]
fn rules_reading_a_check_left_out_are_skipped_with_the_reason() {
    let mut repo = CheckRun::failed("repo", "builtin:docs", None, String::new());
    repo.status = Status::Pass;
    repo.error = None;
    let got = statuses(repo);
    assert_eq!(got[0].1, Status::Skip);
    assert_eq!(
        got[0].2.as_deref(),
        Some("not applicable: check `deploy` was not run: repository only")
    );
    assert_eq!(got[1].1, Status::Skip);
    assert_eq!(got[2].1, Status::Pass);
}

#[test]
fn a_broken_check_still_errors_a_rule_that_also_reads_one_left_out() {
    let got = statuses(CheckRun::failed(
        "repo",
        "builtin:docs",
        None,
        "it broke".into(),
    ));
    assert_eq!(got[1].1, Status::Error);
    assert_eq!(got[2].1, Status::Error);
}
