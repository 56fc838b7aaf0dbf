//! Fuzz targets: entry points that take arbitrary bytes, must never panic,
//! and assert the invariants of the code they drive. `tests/fuzz.rs` runs
//! each for a bounded time in CI (see docs/security.md#fuzzing).

use crate::envsource::parse_dotenv;
use crate::policy;
use crate::runtime::bindings::gonogo::check::types::{
    Finding as WitFinding, Location as WitLocation,
};
use crate::runtime::bindings::{WitOutcome, WitSeverity, WitStatus};
use crate::runtime::outcome;
use std::path::Path;

/// A fuzz target: arbitrary bytes in, a panic when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every fuzz target, by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("pack_loader", pack_loader),
    ("outcome_decoder", outcome_decoder),
    ("dotenv", dotenv),
    ("git_metadata", git_metadata),
    ("attestation", attestation),
    ("exceptions_file", exceptions_file),
];

/// The pack loader (YAML, validation, CEL compilation): any text gives a
/// plan or diagnostics that point inside the text.
pub fn pack_loader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match policy::parse(text, "fuzz.yaml", None) {
        Ok(plan) => {
            for rule in &plan.rules {
                assert!(!rule.id.is_empty(), "a rule without id was accepted");
                for dependency in &rule.depends_on {
                    assert!(
                        plan.checks.iter().any(|c| &c.name == dependency),
                        "rule `{}` depends on undeclared check `{dependency}`",
                        rule.id
                    );
                }
            }
        }
        Err(error) => {
            assert!(
                !error.diagnostics.is_empty(),
                "an error without diagnostics"
            );
            let lines = text.split('\n').count() as u64;
            for diagnostic in &error.diagnostics {
                assert!(!diagnostic.message.is_empty(), "an empty diagnostic");
                assert!(
                    diagnostic.line <= lines + 1,
                    "diagnostic line {} beyond the {lines} lines of the text: {diagnostic}",
                    diagnostic.line
                );
            }
        }
    }
}

/// The outcome decoder: whatever a check returns becomes a run that is
/// either `error` with a reason, or has a JSON object of facts.
pub fn outcome_decoder(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\u{1f}');
    let facts = fields.next().unwrap_or_default().to_owned();
    let mut findings = Vec::new();
    while let (Some(id), Some(message)) = (fields.next(), fields.next()) {
        let selector = id.len() + message.len();
        findings.push(WitFinding {
            id: id.to_owned(),
            status: [
                WitStatus::Pass,
                WitStatus::Fail,
                WitStatus::Warn,
                WitStatus::Skip,
                WitStatus::Error,
            ][selector % 5],
            severity: [
                WitSeverity::Info,
                WitSeverity::Low,
                WitSeverity::Medium,
                WitSeverity::High,
                WitSeverity::Critical,
            ][selector % 5],
            message: message.to_owned(),
            location: (selector % 2 == 0).then(|| WitLocation {
                path: id.to_owned(),
                line: Some(selector as u32),
            }),
            remediation: (selector % 3 == 0).then(|| message.to_owned()),
        });
    }
    let count = findings.len();
    let info = crate::model::CheckInfo {
        id: "fuzz".into(),
        name: "fuzz".into(),
        version: "0".into(),
        description: String::new(),
    };
    let run = outcome::convert(
        "fuzz",
        "fuzz.wasm",
        info,
        WitOutcome {
            findings,
            facts: facts.clone(),
        },
        crate::plan::Limits::DEFAULT.outcome_bytes,
    );
    let run = match run {
        Ok(run) => run,
        Err(breach) => {
            assert!(
                !serde_json::from_str::<serde_json::Value>(&facts).is_ok_and(|v| v.is_object()),
                "facts that are a JSON object were refused: {breach}"
            );
            return;
        }
    };
    match &run.error {
        Some(reason) => {
            assert_eq!(run.status, crate::model::Status::Error);
            assert!(!reason.is_empty());
        }
        None => {
            assert_ne!(
                run.status,
                crate::model::Status::Error,
                "an error run without a reason"
            );
            assert_eq!(run.findings.len(), count);
            assert!(
                serde_json::from_str::<serde_json::Value>(&facts).is_ok_and(|v| v.is_object()),
                "facts that are not a JSON object were accepted"
            );
        }
    }
}

/// The dotenv parser: every value parses or the error names the file and
/// line, and never repeats the content of the line.
pub fn dotenv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    match parse_dotenv(Path::new("fuzz.env"), text) {
        Ok(vars) => {
            for entry in vars {
                assert!(!entry.name.is_empty(), "an empty variable name");
                assert!(
                    (1..=lines).contains(&entry.line),
                    "line {} of {lines}",
                    entry.line
                );
                let _ = crate::envsource::expand(&entry.value, |name| Some(name.repeat(2)));
            }
        }
        Err(error) => {
            let message = error.to_string();
            let Some(rest) = message.strip_prefix("fuzz.env:") else {
                panic!("the error does not start with the file: {message}");
            };
            let (line, problem) = rest.split_once(": ").expect("`line: problem`");
            let line: usize = line.parse().expect("a line number");
            assert!((1..=lines).contains(&line), "line {line} of {lines}");
            const PROBLEMS: &[&str] = &[
                "expected `NAME=value`",
                "the variable name must be letters, digits and `_`",
                "unterminated single quote",
                "unterminated double quote",
            ];
            assert!(
                PROBLEMS.contains(&problem),
                "the error repeats input: {message}"
            );
        }
    }
}

/// `.git` metadata the host reads itself (`HEAD`, `packed-refs`): a
/// commit is 40 or 64 hex digits or unknown; a branch is a ref git could
/// have written, never a path out of the folder.
pub fn git_metadata(data: &[u8]) {
    use crate::target::{Head, commit_id, is_safe_ref, packed_ref, parse_head};
    let text = String::from_utf8_lossy(data);
    let is_commit =
        |c: &str| matches!(c.len(), 40 | 64) && c.bytes().all(|b| b.is_ascii_hexdigit());
    match parse_head(&text) {
        Head::Detached(Some(commit)) => assert!(is_commit(&commit), "{commit:?}"),
        Head::Branch(reference) => {
            assert!(is_safe_ref(reference));
            assert!(
                !reference.contains("..") && !reference.starts_with('/'),
                "{reference:?}"
            );
            assert!(!reference.contains(char::is_control), "{reference:?}");
        }
        Head::Detached(None) | Head::Unknown => {}
    }
    let reference = text.lines().next().unwrap_or_default();
    if let Some(commit) = packed_ref(&text, reference).or_else(|| commit_id(&text)) {
        assert!(is_commit(&commit), "{commit:?}");
    }
}

/// An attestation envelope: verified only by a trusted key, else refused
/// with a reason; never a panic.
pub fn attestation(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let trust = crate::attest::store::Trust::default();
    match crate::attest::store::verify_text(text, &trust) {
        Ok(_) => panic!("an envelope verified with no trusted key"),
        Err((_, reason)) => assert!(!reason.is_empty(), "a refusal without a reason"),
    }
}

/// An exceptions file: exceptions of known rules, or diagnostics that
/// point inside the text.
pub fn exceptions_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let waivable = policy::exceptions::Waivable {
        rules: ["no-secrets".to_owned(), "locked-rule".to_owned()].into(),
        locked: ["locked-rule".to_owned()].into(),
    };
    match policy::exceptions::parse_file("fuzz.yaml".into(), Ok(text.to_owned()), &waivable) {
        Ok(exceptions) => {
            for exception in exceptions {
                assert_eq!(exception.rule, "no-secrets", "{exception:?}");
                assert!(!exception.reason.is_empty() && !exception.approver.is_empty());
            }
        }
        Err(error) => {
            assert!(!error.diagnostics.is_empty());
            let lines = text.split('\n').count() as u64;
            for diagnostic in &error.diagnostics {
                assert!(diagnostic.line <= lines + 1, "{diagnostic}");
            }
        }
    }
}
