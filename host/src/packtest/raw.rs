//! Test files as written, with positions for error messages.

use crate::model::{CheckRun, Finding, Status};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A test file: a list of cases.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub tests: Vec<Spanned<RawCase>>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    pub name: Spanned<String>,
    #[serde(default)]
    pub outcomes: Option<Spanned<String>>,
    #[serde(default)]
    pub checks: Option<IndexMap<String, RawCheck>>,
    #[serde(default)]
    pub patch: IndexMap<String, Spanned<serde_json::Value>>,
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default)]
    pub now: Option<Spanned<String>>,
    #[serde(default)]
    pub target: Option<RawTarget>,
    /// Attestation rules taken as attested: `[rule, …]` (by as many signers
    /// as each needs) or `{ rule: signers }`.
    #[serde(default)]
    pub attested: Option<Spanned<RawAttested>>,
    /// The readiness level gated on (`--level`); default the highest.
    #[serde(default)]
    pub level: Option<Spanned<String>>,
    pub expect: RawExpect,
}

/// `attested:` of a case.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAttested {
    /// Rules attested by as many signers as they need.
    Rules(Vec<String>),
    /// Rules and how many distinct valid signers attest each.
    Signers(IndexMap<String, usize>),
}

/// `target:` of a case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
}

/// An inline check outcome.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub facts: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub error: Option<String>,
}

impl RawCheck {
    /// The run this inline outcome stands for.
    pub fn to_run(&self, name: &str) -> CheckRun {
        if let Some(error) = &self.error {
            return CheckRun::failed(name, "inline", None, error.clone());
        }
        CheckRun {
            name: name.to_owned(),
            source: "inline".into(),
            info: None,
            status: self
                .status
                .unwrap_or_else(|| CheckRun::status_of(&self.findings)),
            error: None,
            not_run: None,
            findings: self.findings.clone(),
            facts: self.facts.clone(),
            logs: Vec::new(),
            probes_refused: Vec::new(),
            duration_ms: 0,
            reused: false,
        }
    }
}

/// `go` or `no-go`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Verdict {
    /// Go.
    #[serde(rename = "go")]
    Go,
    /// No-go.
    #[serde(rename = "no-go")]
    NoGo,
}

impl Verdict {
    /// As the report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::NoGo => "no-go",
        }
    }
}

/// What a case expects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    #[serde(default)]
    pub decision: Option<Spanned<Verdict>>,
    #[serde(default)]
    pub rules: IndexMap<String, Spanned<Status>>,
    #[serde(default)]
    pub blocking: Option<Vec<String>>,
    /// The highest readiness level reached (`none` when the lowest is not).
    #[serde(default)]
    pub level: Option<Spanned<String>>,
}
