//! Exceptions: a rule's failure waived until a date, with a reason and an
//! approver, from the pack (`exceptions:`) or an exceptions file
//! (`.gonogo/exceptions.yaml` of the project, or `--exceptions FILE`).
//! Every entry is checked when it loads: a known rule, a reason, an
//! approver and a valid expiry date, or an error with its file and line.

use super::diagnostic::{Code, Diagnostic, PolicyError};
use super::raw::{RawException, RawExceptionsFile};
use serde_saphyr::Spanned;
use std::collections::BTreeSet;
use std::path::Path;

/// How far ahead an exception may expire when the pack does not say
/// (`exception_limits.max_days`).
pub const DEFAULT_MAX_DAYS: i64 = 90;
/// The longest `exception_limits.max_days` a pack may set.
pub const MOST_MAX_DAYS: i64 = 3_650;

/// The rules an exception may name, and those it may not waive.
#[derive(Debug, Clone, Default)]
pub struct Waivable {
    /// Every rule of the pack.
    pub rules: BTreeSet<String>,
    /// The rules the pack locked: never waived.
    pub locked: BTreeSet<String>,
}

impl Waivable {
    /// The rules of `plan`.
    pub fn of(plan: &super::Plan) -> Self {
        Waivable {
            rules: plan.rules.iter().map(|r| r.id.clone()).collect(),
            locked: plan
                .rules
                .iter()
                .filter(|r| r.locked)
                .map(|r| r.id.clone())
                .collect(),
        }
    }
}

pub use crate::plan::Exception;

/// Validates raw entries against the pack's rule ids.
pub fn validate(
    raw: &[Spanned<RawException>],
    label: &str,
    waivable: &Waivable,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Exception> {
    let mut exceptions = Vec::new();
    for entry in raw {
        let value = &entry.value;
        let rule = value.rule.value.trim().to_owned();
        let line = entry.referenced.line();
        let mut error = |code: Code, at: (u64, u64), message: String, help: Option<String>| {
            diagnostics.push(Diagnostic {
                code,
                file: label.to_owned(),
                line: at.0,
                column: at.1,
                message,
                help,
            })
        };
        let at_entry = (line, entry.referenced.column());
        let mut ok = true;
        let at_rule = (value.rule.referenced.line(), value.rule.referenced.column());
        if !waivable.rules.contains(&rule) {
            error(
                Code::ExceptionUnknownRule,
                at_rule,
                format!("exception for rule `{rule}`, which the pack does not have"),
                Some("`gonogo explain RULE-ID` shows a rule; check the id's spelling".into()),
            );
            ok = false;
        } else if waivable.locked.contains(&rule) {
            error(
                Code::ExceptionLocked,
                at_rule,
                format!("exception for rule `{rule}`, which the pack locks: it is never waived"),
                Some("fix what the rule finds; a locked rule cannot be excepted".into()),
            );
            ok = false;
        }
        let text = |field: &Option<String>| {
            field
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let (reason, approver) = (text(&value.reason), text(&value.approver));
        for (name, present) in [
            ("reason", reason.is_some()),
            ("approver", approver.is_some()),
        ] {
            if !present {
                error(
                    Code::ExceptionIncomplete,
                    at_entry,
                    format!("the exception for rule `{rule}` has no `{name}`"),
                    None,
                );
                ok = false;
            }
        }
        let expires = match &value.expires {
            None => {
                error(
                    Code::ExceptionIncomplete,
                    at_entry,
                    format!("the exception for rule `{rule}` has no `expires` date"),
                    Some("every exception ends: `expires: 2026-12-31`".into()),
                );
                None
            }
            Some(date) => match chrono::NaiveDate::parse_from_str(date.value.trim(), "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    error(
                        Code::Date,
                        (date.referenced.line(), date.referenced.column()),
                        format!("`expires: {}` is not a date (YYYY-MM-DD)", date.value),
                        None,
                    );
                    None
                }
            },
        };
        if let (true, Some(reason), Some(approver), Some(expires)) = (ok, reason, approver, expires)
        {
            let scope = value.scope.as_ref();
            exceptions.push(Exception {
                rule,
                reason,
                approver,
                expires,
                environments: scope.map(|s| s.environments.clone()).unwrap_or_default(),
                paths: scope
                    .map(|s| {
                        s.paths
                            .iter()
                            .map(|p| p.trim_end_matches('/').to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
                source: format!("{label}:{line}"),
            });
        }
    }
    exceptions
}

/// Most bytes of an exceptions file.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads the exceptions file a person named (`--exceptions FILE`).
pub fn load_file(path: &Path, waivable: &Waivable) -> Result<Vec<Exception>, PolicyError> {
    let label = path.display().to_string();
    let text = crate::untrusted::read_named_text(path, MAX_FILE_BYTES);
    parse_file(label, text, waivable)
}

/// Reads the project's own exceptions file, `relative` beneath `project`
/// (no link followed), when there is anything at that path.
pub fn load_project_file(
    project: &Path,
    relative: &str,
    waivable: &Waivable,
) -> Option<Result<Vec<Exception>, PolicyError>> {
    std::fs::symlink_metadata(project.join(relative)).ok()?;
    let text = crate::untrusted::read_beneath_text(project, relative, MAX_FILE_BYTES);
    Some(parse_file(relative.to_owned(), text, waivable))
}

pub(crate) fn parse_file(
    label: String,
    text: Result<String, crate::untrusted::Refused>,
    waivable: &Waivable,
) -> Result<Vec<Exception>, PolicyError> {
    let text = text.map_err(|e| {
        PolicyError::single(Diagnostic::in_file(
            Code::Unreadable,
            &label,
            format!("cannot read the exceptions file: {e}"),
            None,
        ))
    })?;
    let raw: RawExceptionsFile = serde_saphyr::from_str(&text).map_err(|error| {
        let location = error.location();
        PolicyError {
            diagnostics: vec![Diagnostic {
                code: Code::Yaml,
                file: label.clone(),
                line: location.map(|l| l.line()).unwrap_or(0),
                column: location.map(|l| l.column()).unwrap_or(0),
                message: super::strip_location_suffix(&error.without_snippet().to_string()),
                help: Some("an exceptions file is `exceptions: [{ rule, reason, approver, expires, scope }]`".into()),
            }],
        }
    })?;
    let mut diagnostics = Vec::new();
    let exceptions = validate(&raw.exceptions, &label, waivable, &mut diagnostics);
    if diagnostics.is_empty() {
        Ok(exceptions)
    } else {
        Err(PolicyError { diagnostics })
    }
}
