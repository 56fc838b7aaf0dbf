//! The validated, typed form of a pack: what the runtime and the evaluator use.

pub mod grants;

use crate::builtins::Builtin;
use crate::expr::CompiledExpr;
use crate::expr::template::Template;
use crate::model::Severity;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// `block` (a failure is no-go) or `warn` (a failure is reported only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// Failing or erroring blocks the deploy.
    #[default]
    Block,
    /// Failing or erroring is a warning.
    Warn,
}

/// A loaded pack, ready to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The pack's name.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Where it came from (a path, or `builtin:<name>`).
    pub origin: String,
    /// Its checks, in pack order.
    pub checks: Vec<CheckSpec>,
    /// Its rules, in pack order.
    pub rules: Vec<Rule>,
    /// Public keys trusted to sign attestations, per role.
    pub trust: crate::attest::store::Trust,
    /// The packs it extends, nearest first.
    pub extends: Vec<String>,
    /// Every change made to an extended pack's rules.
    pub overrides: Vec<Override>,
    /// The pack's own exceptions (and those of the packs it extends).
    pub exceptions: Vec<Exception>,
    /// Readiness levels, lowest first (empty: no levels).
    pub levels: Vec<String>,
    /// Most days ahead an exception may expire and still count (the
    /// smallest of the pack and the packs it extends; 90 by default).
    pub exception_max_days: i64,
    /// `sha256:<hex>` of what decides: the pack's text, the digest of the
    /// pack it extends, and each check's component digest. Two packs of
    /// one name are told apart by it.
    pub digest: String,
}

/// A change an extending pack made to a rule of the pack it extends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Override {
    /// The rule.
    pub rule: String,
    /// What changed (`enforcement block → warn`, `disabled`).
    pub change: String,
    /// Why.
    pub reason: String,
    /// The pack that made the change.
    pub by: String,
}

/// Where a check's component comes from.
#[derive(Debug, Clone)]
pub enum CheckSource {
    /// Embedded in the binary.
    Builtin(&'static Builtin),
    /// A `.wasm` file whose sha256 matched the pack.
    File {
        /// The file.
        path: PathBuf,
        /// Its bytes, read once.
        bytes: Arc<[u8]>,
    },
}

impl CheckSource {
    /// The component's bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            CheckSource::Builtin(builtin) => builtin.wasm,
            CheckSource::File { bytes, .. } => bytes,
        }
    }

    /// Where the component is, for messages: the file's path, or
    /// `builtin:<name>`.
    pub fn location(&self) -> String {
        match self {
            CheckSource::Builtin(builtin) => format!("builtin:{}", builtin.name),
            CheckSource::File { path, .. } => path.display().to_string(),
        }
    }
}

/// One environment variable a check may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvGrant {
    /// Its name.
    pub name: String,
    /// Whether its value is secret (redacted everywhere).
    pub secret: bool,
}

/// What a check may see beyond `/project`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Environment variables.
    pub env: Vec<EnvGrant>,
    /// Hosts it may probe.
    pub hosts: Vec<crate::plan::grants::HostEntry>,
    /// The CA bundle its probes trust besides the system roots.
    pub ca_bundle: Option<PathBuf>,
    /// The certificates of that bundle (DER).
    pub ca_certs: Arc<[Vec<u8>]>,
    /// Datastores it may question.
    pub datastores: Vec<DatastoreGrant>,
    /// Whether it sees the names (never the values) of every variable of
    /// the env source, in `GONOGO_ENV_NAMES` (`grants.env_names`).
    pub env_names: bool,
    /// Whether it may read what the project's git history added
    /// (`workspace.history`, `grants.git_history`).
    pub git_history: bool,
}

/// The variable that carries the env source's names to a check granted
/// `env_names`: comma-separated, sorted.
pub const ENV_NAMES_VARIABLE: &str = "GONOGO_ENV_NAMES";

/// A datastore a check may question: the variable holding its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatastoreGrant {
    /// The variable.
    pub variable: String,
    /// The questions it may be asked (by name); `None`: all of its engine's.
    pub questions: Option<Vec<String>>,
}

impl DatastoreGrant {
    /// The names of the catalogue's questions, as a pack writes them.
    pub const QUESTIONS: &[&str] = &[
        "connection",
        "refuses-unprotected",
        "settings",
        "info",
        "prisma-migrations",
        "indexes",
        "foreign-keys",
        "activity",
        "row-counts",
    ];

    /// Whether the pack lets this datastore be asked `question`.
    pub fn allows(&self, question: &str) -> bool {
        self.questions
            .as_ref()
            .is_none_or(|allowed| allowed.iter().any(|q| q == question))
    }
}

/// Resource limits of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock deadline.
    pub timeout: Duration,
    /// Linear memory cap, in bytes.
    pub memory_bytes: usize,
    /// Cap on findings and facts together, in bytes.
    pub outcome_bytes: usize,
    /// Probe calls allowed in one run.
    pub probe_calls: u32,
    /// Deadline of one probe call.
    pub probe_timeout: Duration,
    /// Cap on a probe's response body, in bytes.
    pub probe_body_bytes: usize,
}

impl Limits {
    /// Defaults: 20 s, 256 MiB, 1 MiB of outcome; 64 probe calls of at
    /// most 10 s and 256 KiB each.
    pub const DEFAULT: Limits = Limits {
        timeout: Duration::from_secs(20),
        memory_bytes: 256 << 20,
        outcome_bytes: 1 << 20,
        probe_calls: 64,
        probe_timeout: Duration::from_secs(10),
        probe_body_bytes: 256 << 10,
    };
}

/// One check of the pack.
#[derive(Debug, Clone)]
pub struct CheckSpec {
    /// Its name in the pack (`env`).
    pub name: String,
    /// What `use:` said (`builtin:env`, `./checks/x.wasm`).
    pub reference: String,
    /// The component.
    pub source: CheckSource,
    /// Its sha256, hex.
    pub digest: String,
    /// `with:` as a JSON object.
    pub config_json: String,
    /// Its grants.
    pub grants: Grants,
    /// Its limits.
    pub limits: Limits,
}

/// One rule of the pack.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// One line for a person.
    pub title: String,
    /// Heading the human report groups it under.
    pub area: String,
    /// How much a failure matters.
    pub severity: Severity,
    /// Block or warn.
    pub enforcement: Enforcement,
    /// The check whose `facts`/`findings`/`status` it reads.
    pub check: Option<String>,
    /// Applicability.
    pub when: Option<CompiledExpr>,
    /// The condition that must hold (`true` for an attestation rule).
    pub expr: CompiledExpr,
    /// The signed attestations that satisfy it, for a rule only a person
    /// can vouch for.
    pub attestation: Option<crate::attest::store::Requirement>,
    /// The failure message.
    pub message: Option<Template>,
    /// Why it does not apply, when `when` is false.
    pub skip_message: Option<Template>,
    /// How to fix a failure.
    pub remediation: Option<String>,
    /// Seed checklist items it covers.
    pub refs: Vec<String>,
    /// Finding ids shown as evidence of a failure (all when empty).
    pub evidence: Vec<String>,
    /// Every check it depends on: an error of any of them is an error of the rule.
    pub depends_on: BTreeSet<String>,
    /// Whether extending packs may not override it.
    pub locked: bool,
    /// Index of its readiness level in [`Plan::levels`] (0 without levels).
    pub level: usize,
    /// Before this date a blocking rule only warns.
    pub enforce_from: Option<chrono::NaiveDate>,
    /// The pack file that defines it (as loaded) and the line of its `id`.
    pub defined_at: (String, u32),
}

/// A validated exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The rule it waives.
    pub rule: String,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approver: String,
    /// The last day it counts.
    pub expires: chrono::NaiveDate,
    /// Environments it applies to (all when empty).
    pub environments: Vec<String>,
    /// Path prefixes the failure's located findings must all be under (any when empty).
    pub paths: Vec<String>,
    /// Where it is written (`file:line`).
    pub source: String,
}
