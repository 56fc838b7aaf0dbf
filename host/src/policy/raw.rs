//! The policy pack as written in YAML, with source positions kept for
//! error messages. Unknown keys are errors. `validate` turns it into a `Plan`.

use crate::model::Severity;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

pub use crate::plan::Enforcement;

/// A whole pack file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    pub name: Spanned<String>,
    /// Shown in reports and `gonogo` listings.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub checks: IndexMap<String, Spanned<RawCheck>>,
    #[serde(default)]
    pub rules: Vec<Spanned<RawRule>>,
    /// Public keys trusted to sign attestations, per role.
    #[serde(default)]
    pub trust: Option<RawTrust>,
    /// The pack this one builds on.
    #[serde(default)]
    pub extends: Option<Spanned<RawExtends>>,
    /// Changes to the extended pack's rules, each with its reason.
    #[serde(default)]
    pub overrides: Vec<Spanned<RawOverride>>,
    /// Time-boxed waivers of rule failures.
    #[serde(default)]
    pub exceptions: Vec<Spanned<RawException>>,
    /// Readiness levels, lowest first (`[bronze, silver, gold]`).
    #[serde(default)]
    pub levels: Option<Spanned<Vec<String>>>,
    /// How far ahead an exception may expire.
    #[serde(default)]
    pub exception_limits: Option<Spanned<RawExceptionLimits>>,
}

/// `exception_limits:` of a pack.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExceptionLimits {
    /// Most days from today an exception's `expires` may be.
    pub max_days: i64,
}

/// An exceptions file (`.gonogo/exceptions.yaml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExceptionsFile {
    /// The exceptions.
    #[serde(default)]
    pub exceptions: Vec<Spanned<RawException>>,
}

/// One exception: a rule's failure waived until a date.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawException {
    /// The rule.
    pub rule: Spanned<String>,
    /// Why (required).
    #[serde(default)]
    pub reason: Option<String>,
    /// Who approved it (required).
    #[serde(default)]
    pub approver: Option<String>,
    /// Last day it counts, `YYYY-MM-DD` (required).
    #[serde(default)]
    pub expires: Option<Spanned<String>>,
    /// Where it applies (everywhere when absent).
    #[serde(default)]
    pub scope: Option<RawScope>,
}

/// Where an exception applies.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    /// Deploy environments (`--environment`).
    #[serde(default)]
    pub environments: Vec<String>,
    /// Path prefixes every located finding of the failure must be under.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// `extends:` of a pack.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExtends {
    /// `builtin:<name>`, a path relative to this pack's folder, or an
    /// `https://` (or `http://`) URL.
    pub pack: Spanned<String>,
    /// The sha256 of the extended pack file, when pinned.
    #[serde(default)]
    pub sha256: Option<Spanned<String>>,
    /// Accept a remote pack without `sha256:` (fetched on every load).
    #[serde(default)]
    pub allow_unpinned: bool,
}

/// One entry of `overrides:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// The extended pack's rule.
    pub rule: Spanned<String>,
    /// A new severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// A new enforcement.
    #[serde(default)]
    pub enforcement: Option<Enforcement>,
    /// Drops the rule.
    #[serde(default)]
    pub disabled: bool,
    /// Why (required).
    #[serde(default)]
    pub reason: Option<String>,
}

/// `trust:` of a pack.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrust {
    /// Role → `ed25519:<base64>` public keys.
    #[serde(default)]
    pub roles: IndexMap<String, Vec<Spanned<String>>>,
}

/// `attestation:` of a rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAttestation {
    /// Roles whose signatures count.
    pub roles: Vec<Spanned<String>>,
    /// Distinct signers needed (default 1).
    #[serde(default)]
    pub signers: Option<Spanned<u64>>,
    /// Oldest signature that still counts, in days.
    #[serde(default)]
    pub max_age_days: Option<Spanned<u64>>,
    /// Whether a newer commit invalidates an attestation.
    #[serde(default)]
    pub same_commit: bool,
}

/// One entry of `checks:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    #[serde(rename = "use")]
    pub source: Spanned<String>,
    #[serde(default)]
    pub sha256: Option<Spanned<String>>,
    #[serde(default)]
    pub with: Option<Spanned<serde_json::Value>>,
    #[serde(default)]
    pub grants: RawGrants,
    #[serde(default)]
    pub limits: RawLimits,
}

/// What a check may see.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGrants {
    /// Secret variables: values redacted everywhere.
    #[serde(default)]
    pub env: Vec<Spanned<String>>,
    /// Variables whose values may be shown.
    #[serde(default)]
    pub public_env: Vec<Spanned<String>>,
    /// Hosts the check may probe.
    #[serde(default)]
    pub hosts: Vec<Spanned<String>>,
    /// A PEM file of CA certificates its probes trust besides the system's.
    #[serde(default)]
    pub ca_bundle: Option<Spanned<String>>,
    /// Datastores it may question: the variables holding their URLs.
    #[serde(default)]
    pub datastores: Vec<Spanned<RawDatastore>>,
    /// Whether it sees the names (never the values) of every variable of
    /// the env source.
    #[serde(default)]
    pub env_names: bool,
    /// Whether it may read what the project's git history added.
    #[serde(default)]
    pub git_history: bool,
}

/// One entry of `grants.datastores`: a variable name, or the variable
/// and the questions it may be asked.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawDatastore {
    /// `DATABASE_URL`: every question of its engine.
    Variable(String),
    /// `{env: DATABASE_URL, ask: [connection, settings]}`.
    Limited {
        /// The variable.
        env: String,
        /// The questions allowed.
        ask: Vec<String>,
    },
}

/// Per-check resource limits.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    #[serde(default)]
    pub timeout_ms: Option<Spanned<u64>>,
    #[serde(default)]
    pub memory_mb: Option<Spanned<u64>>,
    #[serde(default)]
    pub outcome_kb: Option<Spanned<u64>>,
    #[serde(default)]
    pub probe_calls: Option<Spanned<u64>>,
    #[serde(default)]
    pub probe_timeout_ms: Option<Spanned<u64>>,
    #[serde(default)]
    pub probe_body_kb: Option<Spanned<u64>>,
}

/// One entry of `rules:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub area: Option<String>,
    pub severity: Severity,
    #[serde(default)]
    pub enforcement: Enforcement,
    #[serde(default)]
    pub check: Option<Spanned<String>>,
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    #[serde(default)]
    pub expr: Option<Spanned<String>>,
    /// Signed attestations that satisfy the rule instead of `expr`.
    #[serde(default)]
    pub attestation: Option<Spanned<RawAttestation>>,
    /// Packs that extend this one cannot override the rule.
    #[serde(default)]
    pub locked: bool,
    /// The readiness level the rule belongs to (default: the lowest).
    #[serde(default)]
    pub level: Option<Spanned<String>>,
    /// Before this date (YYYY-MM-DD) a blocking rule only warns.
    #[serde(default)]
    pub enforce_from: Option<Spanned<String>>,
    #[serde(default)]
    pub message: Option<Spanned<String>>,
    /// Why the rule does not apply, shown when `when` is false.
    #[serde(default)]
    pub skip_message: Option<Spanned<String>>,
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default)]
    pub refs: Vec<String>,
    /// The ids of the check's findings that explain a failure; the report
    /// shows only those (all of the check's failing findings when absent).
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
}
