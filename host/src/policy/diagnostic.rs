//! Problems found in a policy pack (or its exceptions and test files), each
//! with a stable code, file, line and column.
//!
//! The codes are for people and tools: `docs/pack-errors.md` lists every
//! one with an example, the JSON report carries it, and a test keeps the
//! list, the docs and one fixture per code in step. A code's meaning never
//! changes; a retired code is never reused.

use std::fmt;

/// What kind of problem a [`Diagnostic`] is: `GN1xx` the pack's file and
/// shape, `GN2xx` CEL, `GN3xx` checks and their grants, `GN4xx` trust and
/// attestations, `GN5xx` overrides and exceptions, `GN6xx` pack tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A pack or exceptions file that cannot be read, or no such built-in pack.
    Unreadable,
    /// Not YAML, or YAML of the wrong shape (unknown key, wrong type).
    Yaml,
    /// The pack's `name` is empty.
    PackName,
    /// Two rules with one id, or a rule the extended pack already has.
    DuplicateRule,
    /// A rule id that is not kebab-case.
    RuleId,
    /// A rule with both or neither of `expr` and `attestation`.
    RuleKind,
    /// `skip_message` on a rule without `when`.
    SkipMessageWithoutWhen,
    /// A date that is not `YYYY-MM-DD` (`enforce_from`, `expires`).
    Date,
    /// `levels` redefined, repeated or badly named.
    Levels,
    /// A rule's `level` the pack does not declare.
    UnknownLevel,
    /// A check's `limits` entry out of range.
    Limit,
    /// `extends:` that cannot be followed (cycle, credentials, not pinned, unreachable).
    Extends,
    /// `extends:` whose `sha256` pin is malformed or does not match.
    ExtendsDigest,
    /// A CEL expression (`expr`, `when`) that does not compile.
    Expression,
    /// A `message` or `skip_message` template that does not compile.
    Template,
    /// A check name that is not a CEL identifier.
    CheckName,
    /// `builtin:NAME` that is not a built-in check.
    UnknownBuiltin,
    /// A check's `source` that cannot be loaded (URL, unreadable file, path in a built-in pack).
    CheckSource,
    /// A check loaded from a file without a `sha256` pin.
    Unpinned,
    /// A check file whose sha256 is not the pinned one.
    DigestMismatch,
    /// `with:` that is not a mapping, or names a setting the check does not have.
    Setting,
    /// A `grants.env`/`public_env` name that is invalid or granted twice.
    EnvGrant,
    /// A `grants.hosts` entry that is not a host pattern.
    HostGrant,
    /// A `grants.ca_bundle` that cannot be used.
    CaBundle,
    /// A rule naming a check the pack does not declare.
    UnknownCheck,
    /// A check the extended pack already declares.
    CheckRedeclared,
    /// `evidence` without `check`, or naming a finding the check never reports.
    Evidence,
    /// A trusted key that cannot be parsed.
    TrustKey,
    /// Keys for a role whose keys the extended pack already set.
    TrustLocked,
    /// An attestation naming no role, or a role without trusted keys.
    AttestationRole,
    /// More attestation signers asked than keys trusted.
    AttestationSigners,
    /// `max_age_days: 0`.
    AttestationAge,
    /// `overrides:` in a pack that extends nothing.
    OverrideWithoutExtends,
    /// An override of a rule the extended pack does not have.
    OverrideUnknownRule,
    /// An override of a locked rule.
    OverrideLocked,
    /// An override without a `reason`, or that changes nothing.
    OverrideIncomplete,
    /// An exception for a rule the pack does not have.
    ExceptionUnknownRule,
    /// An exception for a locked rule.
    ExceptionLocked,
    /// An exception without `reason`, `approver` or `expires`.
    ExceptionIncomplete,
    /// `exception_limits.max_days` out of range or longer than the extended pack's.
    ExceptionLimits,
    /// A pack test folder without tests, or a test file that cannot be read.
    TestFile,
    /// A test case of the wrong shape (`outcomes`/`checks`, `patch`, `now`).
    TestCase,
    /// A test case naming a rule, attestation or level the pack does not have.
    TestUnknownName,
}

impl Code {
    /// Every code, in order.
    pub const ALL: &'static [Code] = &[
        Code::Unreadable,
        Code::Yaml,
        Code::PackName,
        Code::DuplicateRule,
        Code::RuleId,
        Code::RuleKind,
        Code::SkipMessageWithoutWhen,
        Code::Date,
        Code::Levels,
        Code::UnknownLevel,
        Code::Limit,
        Code::Extends,
        Code::ExtendsDigest,
        Code::Expression,
        Code::Template,
        Code::CheckName,
        Code::UnknownBuiltin,
        Code::CheckSource,
        Code::Unpinned,
        Code::DigestMismatch,
        Code::Setting,
        Code::EnvGrant,
        Code::HostGrant,
        Code::CaBundle,
        Code::UnknownCheck,
        Code::CheckRedeclared,
        Code::Evidence,
        Code::TrustKey,
        Code::TrustLocked,
        Code::AttestationRole,
        Code::AttestationSigners,
        Code::AttestationAge,
        Code::OverrideWithoutExtends,
        Code::OverrideUnknownRule,
        Code::OverrideLocked,
        Code::OverrideIncomplete,
        Code::ExceptionUnknownRule,
        Code::ExceptionLocked,
        Code::ExceptionIncomplete,
        Code::ExceptionLimits,
        Code::TestFile,
        Code::TestCase,
        Code::TestUnknownName,
    ];

    /// The stable code, `GN` and three digits.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unreadable => "GN100",
            Code::Yaml => "GN101",
            Code::PackName => "GN102",
            Code::DuplicateRule => "GN103",
            Code::RuleId => "GN104",
            Code::RuleKind => "GN105",
            Code::SkipMessageWithoutWhen => "GN106",
            Code::Date => "GN107",
            Code::Levels => "GN108",
            Code::UnknownLevel => "GN109",
            Code::Limit => "GN110",
            Code::Extends => "GN111",
            Code::ExtendsDigest => "GN112",
            Code::Expression => "GN201",
            Code::Template => "GN202",
            Code::CheckName => "GN301",
            Code::UnknownBuiltin => "GN302",
            Code::CheckSource => "GN303",
            Code::Unpinned => "GN304",
            Code::DigestMismatch => "GN305",
            Code::Setting => "GN306",
            Code::EnvGrant => "GN307",
            Code::HostGrant => "GN308",
            Code::CaBundle => "GN309",
            Code::UnknownCheck => "GN310",
            Code::CheckRedeclared => "GN311",
            Code::Evidence => "GN312",
            Code::TrustKey => "GN401",
            Code::TrustLocked => "GN402",
            Code::AttestationRole => "GN403",
            Code::AttestationSigners => "GN404",
            Code::AttestationAge => "GN405",
            Code::OverrideWithoutExtends => "GN501",
            Code::OverrideUnknownRule => "GN502",
            Code::OverrideLocked => "GN503",
            Code::OverrideIncomplete => "GN504",
            Code::ExceptionUnknownRule => "GN511",
            Code::ExceptionLocked => "GN512",
            Code::ExceptionIncomplete => "GN513",
            Code::ExceptionLimits => "GN514",
            Code::TestFile => "GN601",
            Code::TestCase => "GN602",
            Code::TestUnknownName => "GN603",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem, stable across releases.
    pub code: Code,
    /// The pack file, as the user named it.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong, lowercase, user input in backticks.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with the whole of `file` (no line).
    pub fn in_file(code: Code, file: &str, message: String, help: Option<String>) -> Self {
        Diagnostic {
            code,
            file: file.to_owned(),
            line: 0,
            column: 0,
            message,
            help,
        }
    }

    /// The diagnostic as JSON, for machine-readable reports.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code.as_str(),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "help": self.help,
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        write!(f, "{} {}", self.code, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Everything wrong with a pack; loading stops at the end of validation so
/// that every problem is reported at once.
#[derive(Debug, Clone, thiserror::Error)]
pub struct PolicyError {
    /// The problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl PolicyError {
    /// One problem.
    pub fn single(diagnostic: Diagnostic) -> Self {
        PolicyError {
            diagnostics: vec![diagnostic],
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.diagnostics.len();
        for (i, diagnostic) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        if count > 1 {
            write!(f, "\n{count} problems in the policy pack")?;
        }
        Ok(())
    }
}
