//! `gonogo test`: a policy pack tests itself. Test files in the pack's
//! `tests/` folder give recorded (or inline) check outcomes and the decision
//! and rule results expected of them; no check runs, so tests are exact.
//!
//! ```yaml
//! tests:
//!   - name: the misconfigured example is no-go
//!     outcomes: outcomes/misconfigured.json    # from `gonogo check --save-outcomes`
//!     environment: production                  # default
//!     expect:
//!       decision: no-go
//!       rules: { stripe-live-key: fail, redis-tls-public: skip }
//!   - name: a 31-character JWT secret is too short
//!     outcomes: outcomes/shop-api.json
//!     patch:                                   # JSON merge patch (RFC 7386) per check
//!       env: { facts: { vars: { JWT_SECRET: { length: 31 } } } }
//!     expect:
//!       rules: { auth-secrets-strong: fail }
//!   - name: inline outcomes instead of a file
//!     checks:
//!       env: { facts: { vars: {} } }
//!     expect: { decision: no-go }
//!   - name: gated on silver, the gold rules decide nothing
//!     outcomes: outcomes/shop-api.json
//!     level: silver                            # as `gonogo check --level`
//!     now: 2026-12-01T00:00:00Z                # the pack's exceptions are judged then
//!     expect: { decision: go, level: silver }
//! ```
//!
//! Each case goes through the same gate as `gonogo check` ([`crate::gate`]):
//! the pack's levels and its own `exceptions:` count in a test exactly as
//! they do in a real run.

mod raw;

use crate::decision::Decision;
use crate::gate::{self, GateInputs};
use crate::model::CheckRun;
use crate::outcomes::Outcomes;
use crate::policy::{self, Code, Diagnostic, PackRef, Plan, PolicyError};
use crate::target::Target;
use raw::{RawCase, RawFile};
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};

/// One test case, ready to evaluate.
#[derive(Debug)]
pub struct Case {
    /// Its name.
    pub name: String,
    /// The file it came from.
    pub file: PathBuf,
    runs: Vec<CheckRun>,
    environment: String,
    now: chrono::DateTime<chrono::Utc>,
    target: Target,
    attested: std::collections::BTreeMap<String, usize>,
    level: Option<usize>,
    expect: raw::RawExpect,
}

/// What one case gave.
#[derive(Debug)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// The file it came from.
    pub file: PathBuf,
    /// Every difference from what was expected; empty when it passed.
    pub failures: Vec<String>,
}

/// The pack's test results.
#[derive(Debug)]
pub struct Summary {
    /// The pack's name.
    pub pack: String,
    /// One result per case, in file and case order.
    pub results: Vec<CaseResult>,
}

/// Loads the pack in `pack_dir` and its `tests/*.yaml`, and runs every case.
/// Problems with the pack or a test file are errors with file:line:column.
pub fn run(pack_dir: &Path) -> Result<Summary, PolicyError> {
    let plan = policy::load(&PackRef::Path(pack_dir.to_path_buf()))?;
    let folder = if pack_dir.is_dir() {
        pack_dir.join("tests")
    } else {
        pack_dir.parent().unwrap_or(Path::new(".")).join("tests")
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        return Err(error_at::<()>(
            Code::TestFile,
            &folder,
            None,
            "no test files (`*.yaml`) in this folder".into(),
            Some("see docs/policy-packs.md#testing-a-pack".into()),
        ));
    }
    let mut results = Vec::new();
    let mut recordings = Recordings::new();
    for file in files {
        for case in load_file(&plan, &file, &mut recordings)? {
            results.push(run_case(&plan, case));
        }
    }
    Ok(Summary {
        pack: plan.name,
        results,
    })
}

fn error_at<T>(
    code: Code,
    file: &Path,
    at: Option<&Spanned<T>>,
    message: String,
    help: Option<String>,
) -> PolicyError {
    PolicyError {
        diagnostics: vec![Diagnostic {
            code,
            file: file.display().to_string(),
            line: at.map_or(0, |s| s.referenced.line()),
            column: at.map_or(0, |s| s.referenced.column()),
            message,
            help,
        }],
    }
}

/// Recorded outcomes already read, by path: each file is read once per run.
type Recordings = std::collections::HashMap<PathBuf, Vec<CheckRun>>;

fn load_file(
    plan: &Plan,
    file: &Path,
    recordings: &mut Recordings,
) -> Result<Vec<Case>, PolicyError> {
    let text = crate::untrusted::read_named_text(file, 4 << 20).map_err(|e| {
        error_at::<()>(
            Code::TestFile,
            file,
            None,
            format!("cannot read the test file: {e}"),
            None,
        )
    })?;
    let parsed: RawFile = serde_saphyr::from_str(&text).map_err(|error| {
        let location = error.location();
        PolicyError {
            diagnostics: vec![Diagnostic {
                code: Code::Yaml,
                file: file.display().to_string(),
                line: location.map_or(0, |l| l.line()),
                column: location.map_or(0, |l| l.column()),
                message: crate::policy::strip_location_suffix(&error.without_snippet().to_string()),
                help: None,
            }],
        }
    })?;
    parsed
        .tests
        .into_iter()
        .map(|case| build_case(plan, file, case, recordings))
        .collect()
}

fn build_case(
    plan: &Plan,
    file: &Path,
    spanned: Spanned<RawCase>,
    recordings: &mut Recordings,
) -> Result<Case, PolicyError> {
    let case = spanned.value;
    let base = file.parent().unwrap_or(Path::new("."));
    let runs = match (&case.outcomes, &case.checks) {
        (Some(path), None) => {
            let full = base.join(&path.value);
            if !recordings.contains_key(&full) {
                let read = Outcomes::read(&full)
                    .map_err(|e| error_at(Code::TestCase, file, Some(path), e.to_string(), None))?;
                recordings.insert(full.clone(), read.checks);
            }
            recordings[&full].clone()
        }
        (None, Some(checks)) => checks
            .iter()
            .map(|(name, check)| check.to_run(name))
            .collect(),
        _ => {
            return Err(error_at(
                Code::TestCase,
                file,
                Some(&case.name),
                format!(
                    "test `{}` needs exactly one of `outcomes:` and `checks:`",
                    case.name.value
                ),
                None,
            ));
        }
    };
    let mut runs = runs;
    for (name, patch) in &case.patch {
        let Some(run) = runs.iter_mut().find(|run| &run.name == name) else {
            return Err(error_at(
                Code::TestCase,
                file,
                Some(patch),
                format!("`patch` names check `{name}`, which the outcomes do not have"),
                None,
            ));
        };
        *run = patched(run, &patch.value).map_err(|e| {
            error_at(
                Code::TestCase,
                file,
                Some(patch),
                format!("`patch` of `{name}`: {e}"),
                None,
            )
        })?;
    }
    for (id, status) in &case.expect.rules {
        if !plan.rules.iter().any(|rule| &rule.id == id) {
            return Err(error_at(
                Code::TestUnknownName,
                file,
                Some(status),
                format!(
                    "test `{}` expects rule `{id}`, which the pack does not have",
                    case.name.value
                ),
                None,
            ));
        }
    }
    let now = match &case.now {
        None => chrono::Utc::now(),
        Some(text) => chrono::DateTime::parse_from_rfc3339(&text.value)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| {
                error_at(
                    Code::TestCase,
                    file,
                    Some(text),
                    format!("`now` is not an RFC 3339 time: {e}"),
                    None,
                )
            })?,
    };
    let mut attested = std::collections::BTreeMap::new();
    if let Some(spanned) = &case.attested {
        let entries: Vec<(String, Option<usize>)> = match &spanned.value {
            raw::RawAttested::Rules(rules) => rules.iter().map(|r| (r.clone(), None)).collect(),
            raw::RawAttested::Signers(map) => {
                map.iter().map(|(r, n)| (r.clone(), Some(*n))).collect()
            }
        };
        for (id, signers) in entries {
            let Some(requirement) = plan
                .rules
                .iter()
                .find(|rule| rule.id == id)
                .and_then(|rule| rule.attestation.as_ref())
            else {
                return Err(error_at(
                    Code::TestUnknownName,
                    file,
                    Some(spanned),
                    format!(
                        "`attested` names `{id}`, which is not an attestation rule of the pack"
                    ),
                    None,
                ));
            };
            attested.insert(id, signers.unwrap_or(requirement.signers));
        }
    }
    let level = match &case.level {
        None => None,
        Some(name) => Some(gate::level_index(plan, &name.value).map_err(|why| {
            error_at(
                Code::TestUnknownName,
                file,
                Some(name),
                format!("`level: {}`: {why}", name.value),
                None,
            )
        })?),
    };
    if let Some(expected) = &case.expect.level
        && expected.value != "none"
        && let Err(why) = gate::level_index(plan, &expected.value)
    {
        return Err(error_at(
            Code::TestUnknownName,
            file,
            Some(expected),
            format!("`expect.level: {}`: {why} (or `none`)", expected.value),
            None,
        ));
    }
    // A check of the pack missing from the recording fails closed, as a
    // check that could not run does.
    for spec in &plan.checks {
        if !runs.iter().any(|run| run.name == spec.name) {
            runs.push(CheckRun::failed(
                &spec.name,
                &spec.reference,
                None,
                "it is not in the recorded outcomes".into(),
            ));
        }
    }
    Ok(Case {
        name: case.name.value,
        file: file.to_path_buf(),
        runs,
        environment: case.environment.unwrap_or_else(|| "production".into()),
        now,
        target: Target {
            commit: case.target.as_ref().and_then(|t| t.commit.clone()),
            branch: case.target.as_ref().and_then(|t| t.branch.clone()),
            ..Target::unversioned(".")
        },
        attested,
        level,
        expect: case.expect,
    })
}

/// `run` with a JSON merge patch applied; a patched `error` makes it `error`.
fn patched(run: &CheckRun, patch: &serde_json::Value) -> Result<CheckRun, String> {
    let mut value = serde_json::to_value(run).map_err(|e| e.to_string())?;
    merge_patch(&mut value, patch);
    let mut run: CheckRun = serde_json::from_value(value).map_err(|e| e.to_string())?;
    if run.error.is_some() {
        run.status = crate::model::Status::Error;
    }
    Ok(run)
}

/// RFC 7386: objects merge key by key, `null` removes, anything else replaces.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let serde_json::Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(serde_json::Map::new());
    }
    if let serde_json::Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                merge_patch(
                    map.entry(key.clone()).or_insert(serde_json::Value::Null),
                    value,
                );
            }
        }
    }
}

fn run_case(plan: &Plan, case: Case) -> CaseResult {
    let verdict = gate::judge(
        plan,
        &GateInputs {
            runs: &case.runs,
            exceptions: &plan.exceptions,
            attestations: &crate::attest::store::Attestations::simulated(case.attested.clone()),
            target: &case.target,
            environment: &case.environment,
            level: case.level,
            fail_on: crate::decision::FailOn::Block,
            now: case.now,
        },
    );
    let (rules, decision) = (verdict.rules, verdict.decision);
    let mut failures = Vec::new();
    if let Some(expected) = &case.expect.decision
        && expected.value.as_str() != decision.verdict
    {
        failures.push(format!(
            "decision: expected {}, got {}{}",
            expected.value.as_str(),
            decision.verdict,
            blocking_note(&decision)
        ));
    }
    for (id, expected) in &case.expect.rules {
        if let Some(result) = rules.iter().find(|r| &r.id == id)
            && result.status != expected.value
        {
            let why = result
                .message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            failures.push(format!(
                "rule `{id}`: expected {}, got {}{why}",
                expected.value.as_str(),
                result.status.as_str()
            ));
        }
    }
    if let Some(expected) = &case.expect.blocking {
        let mut expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let mut actual: Vec<&str> = decision.blocking.iter().map(String::as_str).collect();
        expected.sort_unstable();
        actual.sort_unstable();
        if expected != actual {
            failures.push(format!("blocking: expected {expected:?}, got {actual:?}"));
        }
    }
    if let Some(expected) = &case.expect.level {
        let reached = decision
            .level
            .as_ref()
            .and_then(|level| level.reached.as_deref())
            .unwrap_or("none");
        if expected.value != reached {
            failures.push(format!(
                "level: expected {}, reached {reached}{}",
                expected.value,
                blocking_note(&decision)
            ));
        }
    }
    CaseResult {
        name: case.name,
        file: case.file,
        failures,
    }
}

fn blocking_note(decision: &Decision) -> String {
    if decision.blocking.is_empty() {
        String::new()
    } else {
        format!(" (blocking: {})", decision.blocking.join(", "))
    }
}

impl Summary {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.failures.is_empty())
            .count()
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": {"b": 1, "c": 2}, "d": [1], "e": 1});
        merge_patch(
            &mut target,
            &json!({"a": {"b": 9, "c": null}, "d": [2], "f": {"g": 1}}),
        );
        assert_eq!(
            target,
            json!({"a": {"b": 9}, "d": [2], "e": 1, "f": {"g": 1}})
        );
    }
}
