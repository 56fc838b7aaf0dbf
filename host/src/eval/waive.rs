//! Exceptions applied to rule results: an active exception turns a failure
//! into `waived` (shown and counted, never silent); an expired one stops
//! counting and the decision notes say so; one that ends within
//! [`WARN_DAYS`] days is announced.

use super::RuleResult;
use crate::model::{CheckRun, Status};
use crate::plan::Exception;
use serde::Serialize;

/// Exceptions ending within this many days are announced in the notes.
pub const WARN_DAYS: i64 = 14;

/// Why a failure is waived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approver: String,
    /// The last day it counts.
    pub expires: String,
    /// Where the exception is written (`file:line`).
    pub source: String,
}

/// Whether `exception` covers this failure: environment and paths in scope.
fn in_scope(
    exception: &Exception,
    result: &RuleResult,
    runs: &[CheckRun],
    environment: &str,
) -> bool {
    if !exception.environments.is_empty()
        && !exception.environments.iter().any(|e| e == environment)
    {
        return false;
    }
    if exception.paths.is_empty() {
        return true;
    }
    // Every located finding behind the failure must be under a scoped path.
    let located: Vec<&str> = runs
        .iter()
        .filter(|run| Some(&run.name) == result.check.as_ref())
        .flat_map(|run| &run.findings)
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
        .filter(|f| result.evidence.is_empty() || result.evidence.contains(&f.id))
        .filter_map(|f| f.location.as_ref().map(|l| l.path.as_str()))
        .collect();
    !located.is_empty()
        && located.iter().all(|path| {
            exception
                .paths
                .iter()
                .any(|prefix| *path == prefix || path.starts_with(&format!("{prefix}/")))
        })
}

/// Applies `exceptions` to `results` on `today`; returns notes for the
/// decision. An exception expiring more than `max_days` after `today`
/// (the pack's `exception_limits.max_days`) does not count, and a note
/// says so: a waiver is renewed, not granted for ever.
pub fn apply(
    exceptions: &[Exception],
    results: &mut [RuleResult],
    runs: &[CheckRun],
    environment: &str,
    today: chrono::NaiveDate,
    max_days: i64,
) -> Vec<String> {
    let mut notes = Vec::new();
    let too_far = |e: &Exception| (e.expires - today).num_days() > max_days;
    for exception in exceptions.iter().filter(|e| too_far(e)) {
        notes.push(format!(
            "the exception for `{}` ({}) expires on {}, more than {max_days} days ahead, which the pack allows at most (`exception_limits.max_days`): it does not count",
            exception.rule, exception.source, exception.expires
        ));
    }
    let exceptions: Vec<Exception> = exceptions.iter().filter(|e| !too_far(e)).cloned().collect();
    let exceptions = exceptions.as_slice();
    for result in results.iter_mut() {
        let applicable: Vec<&Exception> = exceptions
            .iter()
            .filter(|e| e.rule == result.id && in_scope(e, result, runs, environment))
            .collect();
        if result.status != Status::Fail {
            continue;
        }
        match applicable.iter().find(|e| e.expires >= today) {
            Some(active) => {
                result.status = Status::Waived;
                result.waiver = Some(Waiver {
                    reason: active.reason.clone(),
                    approver: active.approver.clone(),
                    expires: active.expires.to_string(),
                    source: active.source.clone(),
                });
            }
            None => {
                for expired in applicable {
                    notes.push(format!(
                        "the exception for `{}` ({}) expired on {}: the failure counts again",
                        expired.rule, expired.source, expired.expires
                    ));
                }
            }
        }
    }
    for exception in exceptions {
        let left = (exception.expires - today).num_days();
        if (0..=WARN_DAYS).contains(&left) {
            notes.push(format!(
                "the exception for `{}` ({}) ends on {} (in {left} day{})",
                exception.rule,
                exception.source,
                exception.expires,
                if left == 1 { "" } else { "s" }
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, Location, Severity};
    use crate::plan::Enforcement;

    fn failing(paths: &[&str]) -> (RuleResult, Vec<CheckRun>) {
        let mut run = CheckRun::failed("secrets", "builtin:secrets", None, String::new());
        run.status = Status::Fail;
        run.error = None;
        run.findings = paths
            .iter()
            .map(|p| Finding {
                id: "token".into(),
                status: Status::Fail,
                severity: Severity::High,
                message: "a token".into(),
                location: Some(Location {
                    path: (*p).into(),
                    line: Some(1),
                }),
                remediation: None,
            })
            .collect();
        let result = RuleResult {
            id: "no-secrets".into(),
            title: String::new(),
            area: String::new(),
            severity: Severity::High,
            enforcement: Enforcement::Block,
            check: Some("secrets".into()),
            status: Status::Fail,
            message: None,
            remediation: None,
            refs: Vec::new(),
            evidence: Vec::new(),
            defined_at: ("t.yaml".into(), 1),
            attestation: false,
            waiver: None,
            level: None,
            above_gate: false,
            enforce_from: None,
            stale_attestations: Vec::new(),
        };
        (result, vec![run])
    }

    fn scoped_to(paths: &[&str]) -> Exception {
        Exception {
            rule: "no-secrets".into(),
            reason: "test fixtures".into(),
            approver: "jane".into(),
            expires: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            environments: Vec::new(),
            paths: paths.iter().map(|p| (*p).into()).collect(),
            source: "x:1".into(),
        }
    }

    /// The status of a failure at `paths` under an exception scoped to `test/fixtures`.
    fn status_with_findings_at(paths: &[&str]) -> Status {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let (result, runs) = failing(paths);
        let mut results = vec![result];
        let exception = scoped_to(&["test/fixtures"]);
        apply(&[exception], &mut results, &runs, "production", today, 90);
        results[0].status
    }

    #[test]
    fn an_exception_expiring_past_the_pack_s_limit_does_not_count() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let (result, runs) = failing(&["test/fixtures/a.env"]);
        let mut results = vec![result];
        let exception = scoped_to(&["test/fixtures"]);
        let notes = apply(
            std::slice::from_ref(&exception),
            &mut results,
            &runs,
            "production",
            today,
            30,
        );
        assert_eq!(results[0].status, Status::Fail);
        assert!(notes[0].contains("more than 30 days ahead"), "{notes:?}");
        let mut results = vec![failing(&["test/fixtures/a.env"]).0];
        apply(&[exception], &mut results, &runs, "production", today, 90);
        assert_eq!(results[0].status, Status::Waived);
    }

    #[test]
    fn a_path_scope_waives_only_failures_entirely_under_it() {
        let under = ["test/fixtures/a.env", "test/fixtures/b/c.pem"];
        assert_eq!(status_with_findings_at(&under), Status::Waived);
        let outside = ["test/fixtures/a.env", "src/config.ts"];
        assert_eq!(status_with_findings_at(&outside), Status::Fail);
        // A prefix is a folder, not a string.
        let sibling = ["test/fixtures-old/a.env"];
        assert_eq!(status_with_findings_at(&sibling), Status::Fail);
    }
}
