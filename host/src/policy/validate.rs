//! Turns a [`RawPack`] into a [`Plan`], collecting every problem.

use super::diagnostic::{Code, Diagnostic, PolicyError};
use super::raw::{RawAttestation, RawCheck, RawPack, RawRule, RawTrust};
use crate::attest::store::{Requirement, Trust};
use crate::expr::parsed::ParsedStore;
use crate::expr::template;
use crate::expr::{self, CompiledExpr, Scope};
use crate::plan::{
    CheckSource, CheckSpec, DatastoreGrant, Enforcement, EnvGrant, Grants, Limits, Override, Plan,
    Rule,
};
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Most bytes of a check's component file (a WebAssembly component).
const MAX_COMPONENT_BYTES: u64 = 256 << 20;

struct Validator<'a> {
    label: &'a str,
    base: Option<&'a Path>,
    parsed: Option<&'a ParsedStore>,
    diagnostics: Vec<Diagnostic>,
}

/// Validates a parsed pack; `parent` is the pack it extends, loaded;
/// `parsed` the store of expressions parsed by earlier runs, if any.
pub fn validate(
    raw: RawPack,
    label: &str,
    base: Option<&Path>,
    parent: Option<Plan>,
    parsed: Option<&ParsedStore>,
) -> Result<Plan, PolicyError> {
    let mut v = Validator {
        label,
        base,
        parsed,
        diagnostics: Vec::new(),
    };
    if raw.name.value.trim().is_empty() {
        v.error(
            Code::PackName,
            &raw.name,
            "the pack `name` is empty".into(),
            None,
        );
    }
    let parent_name = parent.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    let mut checks = Vec::new();
    for (name, check) in &raw.checks {
        if parent
            .as_ref()
            .is_some_and(|p| p.checks.iter().any(|c| &c.name == name))
        {
            v.error(
                Code::CheckRedeclared,
                check,
                format!("check `{name}` is already declared by the extended pack `{parent_name}`"),
                Some("use its name in rules, or give this check another name".into()),
            );
            continue;
        }
        if let Some(spec) = v.check(name, check) {
            checks.push(spec);
        }
    }
    let inherited: &[CheckSpec] = parent.as_ref().map_or(&[], |p| &p.checks);
    let known: BTreeSet<String> = raw
        .checks
        .keys()
        .cloned()
        .chain(inherited.iter().map(|c| c.name.clone()))
        .collect();
    // The finding ids of built-in checks, to validate rules' `evidence`.
    let builtin_findings: std::collections::HashMap<String, &'static [&'static str]> = checks
        .iter()
        .chain(inherited)
        .filter_map(|spec: &CheckSpec| {
            let name = spec.reference.strip_prefix("builtin:")?;
            Some((spec.name.clone(), crate::builtins::builtin(name)?.findings))
        })
        .collect();
    let trust = v.trust(raw.trust.as_ref(), parent.as_ref());
    let levels = v.levels(&raw, parent.as_ref());
    let env = expr::environment();
    let mut ids: BTreeSet<String> = parent
        .as_ref()
        .map(|p| p.rules.iter().map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    let mut rules = Vec::new();
    for rule in &raw.rules {
        if !ids.insert(rule.value.id.value.clone()) {
            let inherited = parent
                .as_ref()
                .is_some_and(|p| p.rules.iter().any(|r| r.id == rule.value.id.value));
            v.error(
                Code::DuplicateRule,
                &rule.value.id,
                if inherited {
                    format!(
                        "rule `{}` is already defined by the extended pack `{parent_name}`",
                        rule.value.id.value
                    )
                } else {
                    format!("duplicate rule id `{}`", rule.value.id.value)
                },
                inherited.then(|| "change it with an `overrides:` entry and a reason".into()),
            );
        }
        if let Some(rule) = v.rule(&env, &known, &builtin_findings, &trust, &levels, rule) {
            rules.push(rule);
        }
    }
    let (inherited_rules, overrides) = v.overrides(&raw, parent.as_ref());
    let rule_ids: BTreeSet<String> = inherited_rules
        .iter()
        .chain(&rules)
        .map(|r| r.id.clone())
        .collect();
    let mut exceptions = parent
        .as_ref()
        .map(|p| p.exceptions.clone())
        .unwrap_or_default();
    let waivable = super::exceptions::Waivable {
        rules: rule_ids,
        locked: inherited_rules
            .iter()
            .chain(&rules)
            .filter(|r| r.locked)
            .map(|r| r.id.clone())
            .collect(),
    };
    exceptions.extend(super::exceptions::validate(
        &raw.exceptions,
        label,
        &waivable,
        &mut v.diagnostics,
    ));
    let exception_max_days = v.exception_max_days(&raw, parent.as_ref());
    if v.diagnostics.is_empty() {
        let (mut all_checks, mut all_rules, mut extends) = match parent {
            Some(parent) => {
                let mut chain = vec![parent.origin.clone()];
                chain.extend(parent.extends);
                (parent.checks, inherited_rules, chain)
            }
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        all_checks.extend(checks);
        all_rules.extend(rules);
        extends.dedup();
        Ok(Plan {
            name: raw.name.value,
            description: raw.description,
            origin: label.to_owned(),
            checks: all_checks,
            rules: all_rules,
            trust,
            extends,
            overrides,
            exceptions,
            levels,
            exception_max_days,
            digest: String::new(),
        })
    } else {
        v.diagnostics.sort_by_key(|d| (d.line, d.column));
        Err(PolicyError {
            diagnostics: v.diagnostics,
        })
    }
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_rule_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Validator<'_> {
    fn error<T>(&mut self, code: Code, at: &Spanned<T>, message: String, help: Option<String>) {
        self.diagnostics.push(Diagnostic {
            code,
            file: self.label.to_owned(),
            line: at.referenced.line(),
            column: at.referenced.column(),
            message,
            help,
        });
    }

    fn check(&mut self, name: &str, check: &Spanned<RawCheck>) -> Option<CheckSpec> {
        let raw = &check.value;
        let before = self.diagnostics.len();
        if !is_identifier(name) {
            self.error(
                Code::CheckName,
                check,
                format!(
                    "check name `{name}` must be letters, digits and `_`, starting with a letter"
                ),
                Some(format!(
                    "rules read it as `checks.{name}`, so it must be a CEL identifier"
                )),
            );
        }
        let source = self.source(name, raw);
        let config_json = match &raw.with {
            None => "{}".to_owned(),
            Some(with) if with.value.is_object() => with.value.to_string(),
            Some(with) if with.value.is_null() => "{}".to_owned(),
            Some(with) => {
                self.error(
                    Code::Setting,
                    with,
                    format!("`with` of check `{name}` must be a mapping"),
                    None,
                );
                String::new()
            }
        };
        if let (Some((CheckSource::Builtin(builtin), _)), Some(with)) = (&source, &raw.with) {
            self.builtin_settings(name, builtin, with);
        }
        let grants = self.grants(name, raw);
        let limits = self.limits(raw);
        if self.diagnostics.len() > before {
            return None;
        }
        let (source, digest) = source?;
        Some(CheckSpec {
            name: name.to_owned(),
            reference: raw.source.value.clone(),
            source,
            digest,
            config_json,
            grants,
            limits,
        })
    }

    /// A built-in check's `with:` may only use the settings it has.
    fn builtin_settings(
        &mut self,
        name: &str,
        builtin: &crate::builtins::Builtin,
        with: &Spanned<serde_json::Value>,
    ) {
        let Some(keys) = with.value.as_object() else {
            return;
        };
        for key in keys.keys() {
            if !builtin.settings.contains(&key.as_str()) {
                let known: Vec<String> =
                    builtin.settings.iter().map(|s| format!("`{s}`")).collect();
                self.error(
                    Code::Setting,
                    with,
                    format!(
                        "check `{name}` (`builtin:{}`) has no setting `{key}`",
                        builtin.name
                    ),
                    Some(if known.is_empty() {
                        "it takes no settings: remove `with:`".to_owned()
                    } else {
                        format!(
                            "its settings: {} (see docs/checks/{}.md)",
                            known.join(", "),
                            builtin.name
                        )
                    }),
                );
            }
        }
    }

    /// The component and its sha256 (hex), computed once for pinning,
    /// de-duplication and the compile cache.
    fn source(&mut self, name: &str, raw: &RawCheck) -> Option<(CheckSource, String)> {
        let reference = raw.source.value.trim();
        if let Some(builtin_name) = reference.strip_prefix("builtin:") {
            let Some(builtin) = crate::builtins::builtin(builtin_name) else {
                let known: Vec<String> = crate::builtins::BUILTINS
                    .iter()
                    .map(|b| format!("`builtin:{}`", b.name))
                    .collect();
                self.error(
                    Code::UnknownBuiltin,
                    &raw.source,
                    format!("check `{name}` uses `{reference}`, which is not a built-in check"),
                    Some(format!("built-in checks: {}", known.join(", "))),
                );
                return None;
            };
            let digest = builtin.digest.to_owned();
            self.verify_digest(name, raw, &digest, reference);
            return Some((CheckSource::Builtin(builtin), digest));
        }
        if reference.starts_with("http://") || reference.starts_with("https://") {
            self.error(
                Code::CheckSource,
                &raw.source,
                format!("check `{name}`: loading checks by URL is not supported yet"),
                Some("download the `.wasm`, pin it with `sha256:` and name it by path".into()),
            );
            return None;
        }
        let Some(base) = self.base else {
            self.error(Code::CheckSource,
                &raw.source,
                format!("check `{name}`: a built-in or remote pack cannot use checks by path, only `builtin:` checks"),
                None,
            );
            return None;
        };
        let path = base.join(reference);
        let bytes = match crate::untrusted::read_named(&path, MAX_COMPONENT_BYTES) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.error(
                    Code::CheckSource,
                    &raw.source,
                    format!("check `{name}`: cannot read `{}`: {error}", path.display()),
                    Some("paths are relative to the folder of the pack file".into()),
                );
                return None;
            }
        };
        let digest = hex::encode(Sha256::digest(&bytes));
        if raw.sha256.is_none() {
            self.error(
                Code::Unpinned,
                &raw.source,
                format!("check `{name}` is loaded from a file but not pinned"),
                Some(format!(
                    "add `sha256: {}` after checking the file is the one you mean",
                    digest
                )),
            );
            return None;
        }
        if !self.verify_digest(name, raw, &digest, reference) {
            return None;
        }
        Some((
            CheckSource::File {
                path,
                bytes: Arc::from(bytes),
            },
            digest,
        ))
    }

    /// Compares the pinned digest, if any; false on mismatch.
    fn verify_digest(&mut self, name: &str, raw: &RawCheck, actual: &str, reference: &str) -> bool {
        let Some(pinned) = &raw.sha256 else {
            return true;
        };
        let expected = pinned
            .value
            .trim()
            .trim_start_matches("sha256:")
            .to_ascii_lowercase();
        if expected == actual {
            return true;
        }
        self.error(Code::DigestMismatch,
            pinned,
            format!("check `{name}`: sha256 mismatch for `{reference}`: the pack pins `{expected}`, the file is `{actual}`"),
            Some("if the new file is trusted, update `sha256:`; otherwise restore the pinned file".into()),
        );
        false
    }

    fn grants(&mut self, name: &str, raw: &RawCheck) -> Grants {
        let mut env = Vec::new();
        let mut seen = BTreeSet::new();
        let entries = raw.grants.env.iter().map(|n| (n, true));
        let public = raw.grants.public_env.iter().map(|n| (n, false));
        for (var, secret) in entries.chain(public) {
            if !crate::envsource::is_env_name(&var.value) {
                self.error(
                    Code::EnvGrant,
                    var,
                    format!(
                        "check `{name}`: `{}` is not a valid variable name",
                        var.value
                    ),
                    None,
                );
            } else if !seen.insert(var.value.clone()) {
                self.error(
                    Code::EnvGrant,
                    var,
                    format!("check `{name}`: variable `{}` is granted twice", var.value),
                    Some(
                        "list a variable either in `env` (secret) or in `public_env`, once".into(),
                    ),
                );
            } else {
                env.push(EnvGrant {
                    name: var.value.clone(),
                    secret,
                });
            }
        }
        let mut hosts = Vec::new();
        for entry in &raw.grants.hosts {
            match crate::plan::grants::HostEntry::parse(&entry.value) {
                Ok(host) => hosts.push(host),
                Err(reason) => self.error(Code::HostGrant,
                    entry,
                    format!("check `{name}`: `grants.hosts` entry {reason}"),
                    Some("entries: `api.example.com`, `*.example.com`, `127.0.0.1:8443`, or `env:NAME` for the host of the URL in variable NAME".into()),
                ),
            }
        }
        let (ca_bundle, ca_certs) = self.ca_bundle(name, raw);
        let datastores = self.datastore_grants(name, raw);
        Grants {
            env,
            hosts,
            ca_bundle,
            ca_certs,
            datastores,
            env_names: raw.grants.env_names,
            git_history: raw.grants.git_history,
        }
    }

    /// `grants.datastores`: variable names, each once, and questions of the catalogue.
    fn datastore_grants(&mut self, name: &str, raw: &RawCheck) -> Vec<DatastoreGrant> {
        use crate::policy::raw::RawDatastore;
        let mut grants: Vec<DatastoreGrant> = Vec::new();
        for entry in &raw.grants.datastores {
            let (variable, questions) = match &entry.value {
                RawDatastore::Variable(variable) => (variable.clone(), None),
                RawDatastore::Limited { env, ask } => (env.clone(), Some(ask.clone())),
            };
            if !crate::envsource::is_env_name(&variable) {
                self.error(
                    Code::EnvGrant,
                    entry,
                    format!("check `{name}`: `grants.datastores`: `{variable}` is not a valid variable name"),
                    Some("name the variable holding the URL: `DATABASE_URL`, or `{env: DATABASE_URL, ask: [connection, settings]}`".into()),
                );
                continue;
            }
            if grants.iter().any(|g| g.variable == variable) {
                self.error(
                    Code::EnvGrant,
                    entry,
                    format!("check `{name}`: `grants.datastores`: `{variable}` is granted twice"),
                    None,
                );
                continue;
            }
            if let Some(unknown) = questions
                .iter()
                .flatten()
                .find(|q| !DatastoreGrant::QUESTIONS.contains(&q.as_str()))
            {
                self.error(
                    Code::EnvGrant,
                    entry,
                    format!("check `{name}`: `grants.datastores`: `{unknown}` is not a question of the catalogue"),
                    Some(format!("questions: {}", DatastoreGrant::QUESTIONS.join(", "))),
                );
                continue;
            }
            grants.push(DatastoreGrant {
                variable,
                questions,
            });
        }
        grants
    }

    /// The CA bundle a check's probes trust, read now so a bad file is a
    /// load error with its line in the pack.
    fn ca_bundle(&mut self, name: &str, raw: &RawCheck) -> (Option<PathBuf>, Arc<[Vec<u8>]>) {
        let Some(given) = &raw.grants.ca_bundle else {
            return (None, Arc::from(Vec::new()));
        };
        let Some(base) = self.base else {
            self.error(
                Code::CaBundle,
                given,
                format!("check `{name}`: a built-in pack cannot name a CA bundle file"),
                None,
            );
            return (None, Arc::from(Vec::new()));
        };
        let path = base.join(given.value.trim());
        match crate::probe::tls::read_pem_bundle(&path) {
            Ok(certs) => (Some(path), Arc::from(certs)),
            Err(reason) => {
                self.error(
                    Code::CaBundle,
                    given,
                    format!("check `{name}`: `grants.ca_bundle`: {reason}"),
                    Some("paths are relative to the folder of the pack file".into()),
                );
                (None, Arc::from(Vec::new()))
            }
        }
    }

    fn limits(&mut self, raw: &RawCheck) -> Limits {
        let defaults = Limits::DEFAULT;
        let given = &raw.limits;
        Limits {
            timeout: self
                .bounded(&given.timeout_ms, "timeout_ms", 600_000)
                .map_or(defaults.timeout, Duration::from_millis),
            memory_bytes: self
                .bounded(&given.memory_mb, "memory_mb", 4096)
                .map_or(defaults.memory_bytes, |mb| (mb as usize) << 20),
            outcome_bytes: self
                .bounded(&given.outcome_kb, "outcome_kb", 65_536)
                .map_or(defaults.outcome_bytes, |kb| (kb as usize) << 10),
            probe_calls: self
                .bounded(&given.probe_calls, "probe_calls", 1_000)
                .map_or(defaults.probe_calls, |n| n as u32),
            probe_timeout: self
                .bounded(&given.probe_timeout_ms, "probe_timeout_ms", 120_000)
                .map_or(defaults.probe_timeout, Duration::from_millis),
            probe_body_bytes: self
                .bounded(&given.probe_body_kb, "probe_body_kb", 16_384)
                .map_or(defaults.probe_body_bytes, |kb| (kb as usize) << 10),
        }
    }

    /// A limit between 1 and `max`; out of range is an error (and the default is used).
    fn bounded(&mut self, value: &Option<Spanned<u64>>, key: &str, max: u64) -> Option<u64> {
        let value = value.as_ref()?;
        if (1..=max).contains(&value.value) {
            Some(value.value)
        } else {
            self.error(
                Code::Limit,
                value,
                format!("`{key}` must be between 1 and {max}"),
                None,
            );
            None
        }
    }

    fn rule(
        &mut self,
        env: &cel::Env,
        known: &BTreeSet<String>,
        builtin_findings: &std::collections::HashMap<String, &'static [&'static str]>,
        trust: &Trust,
        levels: &[String],
        spanned: &Spanned<RawRule>,
    ) -> Option<Rule> {
        let raw = &spanned.value;
        let before = self.diagnostics.len();
        self.evidence(raw, builtin_findings);
        let id = raw.id.value.trim().to_owned();
        if !is_rule_id(&id) {
            self.error(
                Code::RuleId,
                &raw.id,
                format!("rule id `{id}` must be kebab-case (`jwt-secret-strong`)"),
                None,
            );
        }
        if let Some(check) = &raw.check
            && !known.contains(&check.value)
        {
            let names: Vec<String> = known.iter().map(|n| format!("`{n}`")).collect();
            self.error(
                Code::UnknownCheck,
                check,
                format!(
                    "rule `{id}` names check `{}`, which the pack does not declare",
                    check.value
                ),
                Some(format!(
                    "declared checks: {}",
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                )),
            );
        }
        let scope = Scope {
            known_checks: known,
            scoped: raw.check.is_some(),
            parsed: self.parsed,
        };
        let compile =
            |v: &mut Self, field: &str, source: &Spanned<String>| -> Option<CompiledExpr> {
                match expr::compile(env, &source.value, &scope, true) {
                    Ok(compiled) => Some(compiled),
                    Err(error) => {
                        v.error(
                            Code::Expression,
                            source,
                            format!("rule `{id}`: `{field}`: {error}"),
                            None,
                        );
                        None
                    }
                }
            };
        let when = raw.when.as_ref().map(|w| compile(self, "when", w));
        let level = self.rule_level(&id, raw, levels);
        let enforce_from = raw.enforce_from.as_ref().and_then(|date| {
            chrono::NaiveDate::parse_from_str(date.value.trim(), "%Y-%m-%d")
                .map_err(|_| {
                    self.error(
                        Code::Date,
                        date,
                        format!(
                            "rule `{id}`: `enforce_from: {}` is not a date (YYYY-MM-DD)",
                            date.value
                        ),
                        None,
                    )
                })
                .ok()
        });
        let attestation = raw
            .attestation
            .as_ref()
            .and_then(|a| self.attestation(&id, a, trust));
        let expr = match (&raw.expr, &raw.attestation) {
            (Some(source), None) => compile(self, "expr", source),
            (None, Some(_)) => expr::compile(env, "true", &scope, false).ok(),
            (Some(source), Some(_)) => {
                self.error(Code::RuleKind,
                    source,
                    format!("rule `{id}` has both `expr` and `attestation`"),
                    Some("a rule is verified by an expression or vouched for by signed attestations, not both".into()),
                );
                None
            }
            (None, None) => {
                self.error(Code::RuleKind,
                    &raw.id,
                    format!("rule `{id}` has neither `expr` nor `attestation`"),
                    Some("add `expr: <CEL>`, or `attestation: { roles: [...] }` for what only a person can vouch for".into()),
                );
                None
            }
        };
        let message =
            raw.message
                .as_ref()
                .and_then(|m| match template::compile(env, &m.value, &scope) {
                    Ok(template) => Some(template),
                    Err(error) => {
                        self.error(
                            Code::Template,
                            m,
                            format!("rule `{id}`: `message`: {error}"),
                            None,
                        );
                        None
                    }
                });
        let skip_message = raw.skip_message.as_ref().and_then(|m| {
            if raw.when.is_none() {
                self.error(
                    Code::SkipMessageWithoutWhen,
                    m,
                    format!("rule `{id}`: `skip_message` without `when`: the rule always applies"),
                    Some("add `when: <CEL>`, the condition under which the rule applies".into()),
                );
                return None;
            }
            match template::compile(env, &m.value, &scope) {
                Ok(template) => Some(template),
                Err(error) => {
                    self.error(
                        Code::Template,
                        m,
                        format!("rule `{id}`: `skip_message`: {error}"),
                        None,
                    );
                    None
                }
            }
        });
        if self.diagnostics.len() > before {
            return None;
        }
        let (expr, when) = (expr?, when.flatten());
        let mut depends_on: BTreeSet<String> = raw.check.iter().map(|c| c.value.clone()).collect();
        depends_on.extend(expr.checks_read.iter().cloned());
        if let Some(when) = &when {
            depends_on.extend(when.checks_read.iter().cloned());
        }
        for piece in message.iter().chain(&skip_message).flat_map(|m| &m.pieces) {
            if let template::Piece::Expr(e) = piece {
                depends_on.extend(e.checks_read.iter().cloned());
            }
        }
        Some(Rule {
            area: raw
                .area
                .clone()
                .or_else(|| raw.check.as_ref().map(|c| c.value.clone()))
                .unwrap_or_else(|| "general".into()),
            id,
            title: raw.title.clone(),
            severity: raw.severity,
            enforcement: raw.enforcement,
            check: raw.check.as_ref().map(|c| c.value.clone()),
            when,
            expr,
            attestation,
            message,
            skip_message,
            remediation: raw.remediation.clone(),
            refs: raw.refs.clone(),
            evidence: raw.evidence.iter().map(|e| e.value.clone()).collect(),
            depends_on,
            locked: raw.locked,
            level,
            enforce_from,
            defined_at: (self.label.to_owned(), raw.id.referenced.line() as u32),
        })
    }

    /// `trust.roles`: each key parsed. A role an extended pack declares
    /// without keys (`security: []`, as the built-in starter pack does) is
    /// open: the first extending pack that lists keys for it sets them. A
    /// role with keys is final: an extending pack cannot add keys to it, so
    /// a team cannot vouch for itself where the baseline decides who may.
    fn trust(&mut self, raw: Option<&RawTrust>, parent: Option<&Plan>) -> Trust {
        let mut trust = parent.map(|p| p.trust.clone()).unwrap_or_default();
        for (role, keys) in raw.iter().flat_map(|t| &t.roles) {
            let inherited_keys = trust.roles.get(role).map(Vec::len);
            if parent.is_some() && inherited_keys.is_some_and(|n| n > 0) {
                if let Some(first) = keys.first() {
                    self.error(Code::TrustLocked,
                        first,
                        format!("role `{role}` has its trusted keys in the extended pack: they cannot be changed here"),
                        Some("ask the owners of the extended pack to trust the key, or use a role of your own".into()),
                    );
                }
                continue;
            }
            let mut parsed = Vec::new();
            for key in keys {
                match crate::attest::keys::parse_public(&key.value) {
                    Ok(k) => parsed.push(k),
                    Err(reason) => self.error(
                        Code::TrustKey,
                        key,
                        format!("trust role `{role}`: {reason}"),
                        Some("`gonogo keygen NAME` prints the public key to paste here".into()),
                    ),
                }
            }
            trust.roles.insert(role.clone(), parsed);
        }
        trust
    }

    /// `levels:`: distinct names, inherited from an extended pack (which
    /// an extending pack cannot redefine).
    /// `exception_limits.max_days`, never more than the extended pack's.
    fn exception_max_days(&mut self, raw: &RawPack, parent: Option<&Plan>) -> i64 {
        let inherited = parent.map_or(super::exceptions::DEFAULT_MAX_DAYS, |p| {
            p.exception_max_days
        });
        let Some(limits) = &raw.exception_limits else {
            return inherited;
        };
        let days = limits.value.max_days;
        if !(1..=super::exceptions::MOST_MAX_DAYS).contains(&days) {
            self.error(
                Code::ExceptionLimits,
                limits,
                format!(
                    "`exception_limits.max_days: {days}` is not between 1 and {}",
                    super::exceptions::MOST_MAX_DAYS
                ),
                None,
            );
            return inherited;
        }
        if days > inherited {
            self.error(Code::ExceptionLimits,
                limits,
                format!(
                    "`exception_limits.max_days: {days}` is longer than the {inherited} days the extended pack allows"
                ),
                Some("a pack can only shorten the extended pack's limit".into()),
            );
            return inherited;
        }
        days
    }

    fn levels(&mut self, raw: &RawPack, parent: Option<&Plan>) -> Vec<String> {
        let inherited = parent.map(|p| p.levels.clone()).unwrap_or_default();
        let Some(given) = &raw.levels else {
            return inherited;
        };
        if !inherited.is_empty() {
            self.error(
                Code::Levels,
                given,
                "`levels` are defined by the extended pack and cannot be redefined".into(),
                Some(format!("its levels: {}", inherited.join(", "))),
            );
            return inherited;
        }
        let mut seen = BTreeSet::new();
        for name in &given.value {
            if !is_rule_id(name) || !seen.insert(name.clone()) {
                self.error(
                    Code::Levels,
                    given,
                    format!("level `{name}` is repeated or not a lowercase name"),
                    None,
                );
            }
        }
        given.value.clone()
    }

    /// The index of a rule's `level` in the pack's levels.
    fn rule_level(&mut self, id: &str, raw: &RawRule, levels: &[String]) -> usize {
        let Some(level) = &raw.level else {
            return 0;
        };
        match levels.iter().position(|l| *l == level.value.trim()) {
            Some(index) => index,
            None => {
                self.error(
                    Code::UnknownLevel,
                    level,
                    format!(
                        "rule `{id}`: level `{}` is not one of the pack's `levels`",
                        level.value
                    ),
                    Some(if levels.is_empty() {
                        "declare them first: `levels: [bronze, silver, gold]`".into()
                    } else {
                        format!("levels: {}", levels.join(", "))
                    }),
                );
                0
            }
        }
    }

    /// Applies `overrides:` to the extended pack's rules: each names one of
    /// them, is not locked, says why, and changes something.
    fn overrides(&mut self, raw: &RawPack, parent: Option<&Plan>) -> (Vec<Rule>, Vec<Override>) {
        let Some(parent) = parent else {
            if let Some(first) = raw.overrides.first() {
                self.error(Code::OverrideWithoutExtends,
                    first,
                    "`overrides` change the rules of an extended pack, and this pack has no `extends`".into(),
                    None,
                );
            }
            return (Vec::new(), Vec::new());
        };
        let mut rules = parent.rules.clone();
        let mut overrides = parent.overrides.clone();
        let by = raw.name.value.clone();
        for entry in &raw.overrides {
            let value = &entry.value;
            let id = value.rule.value.trim();
            let Some(index) = rules.iter().position(|r| r.id == id) else {
                self.error(
                    Code::OverrideUnknownRule,
                    &value.rule,
                    format!(
                        "override of rule `{id}`, which the extended pack `{}` does not have",
                        parent.name
                    ),
                    Some(
                        "`gonogo explain RULE-ID --policy <extended pack>` shows its rules".into(),
                    ),
                );
                continue;
            };
            if rules[index].locked {
                self.error(
                    Code::OverrideLocked,
                    &value.rule,
                    format!(
                        "rule `{id}` is locked by the extended pack `{}`: it cannot be overridden",
                        parent.name
                    ),
                    Some(
                        "ask for a time-boxed exception from the baseline's owners instead".into(),
                    ),
                );
                continue;
            }
            let Some(reason) = value
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
            else {
                self.error(
                    Code::OverrideIncomplete,
                    entry,
                    format!("the override of rule `{id}` has no `reason`"),
                    Some("say why, for the people who read the report".into()),
                );
                continue;
            };
            let rule = &mut rules[index];
            let mut changes = Vec::new();
            if let Some(severity) = value.severity.filter(|s| *s != rule.severity) {
                changes.push(format!(
                    "severity {} → {}",
                    rule.severity.as_str(),
                    severity.as_str()
                ));
                rule.severity = severity;
            }
            if let Some(enforcement) = value.enforcement.filter(|e| *e != rule.enforcement) {
                let name = |e: Enforcement| {
                    if e == Enforcement::Block {
                        "block"
                    } else {
                        "warn"
                    }
                };
                changes.push(format!(
                    "enforcement {} → {}",
                    name(rule.enforcement),
                    name(enforcement)
                ));
                rule.enforcement = enforcement;
            }
            if value.disabled {
                changes.push("disabled".to_owned());
            }
            if changes.is_empty() {
                self.error(
                    Code::OverrideIncomplete,
                    entry,
                    format!("the override of rule `{id}` changes nothing"),
                    Some("set `severity`, `enforcement` or `disabled: true`".into()),
                );
                continue;
            }
            overrides.push(Override {
                rule: id.to_owned(),
                change: changes.join(", "),
                reason: reason.to_owned(),
                by: by.clone(),
            });
            if value.disabled {
                rules.remove(index);
            }
        }
        (rules, overrides)
    }

    /// A rule's `attestation:`: roles the pack trusts, enough keys for
    /// the signers asked.
    fn attestation(
        &mut self,
        id: &str,
        raw: &Spanned<RawAttestation>,
        trust: &Trust,
    ) -> Option<Requirement> {
        let value = &raw.value;
        let before = self.diagnostics.len();
        if value.roles.is_empty() {
            self.error(
                Code::AttestationRole,
                raw,
                format!("rule `{id}`: `attestation.roles` is empty"),
                None,
            );
        }
        let mut keys = BTreeSet::new();
        let mut open = false;
        for role in &value.roles {
            match trust.roles.get(&role.value) {
                // An open role: its keys come from a pack extending this one.
                Some(trusted) if trusted.is_empty() => open = true,
                Some(trusted) => keys.extend(trusted.iter().map(crate::attest::keys::key_id)),
                None => self.error(Code::AttestationRole,
                    role,
                    format!("rule `{id}`: role `{}` has no trusted keys in `trust.roles`", role.value),
                    Some("add the role's public keys under `trust: { roles: { <role>: [ed25519:…] } }`".into()),
                ),
            }
        }
        let signers = value.signers.as_ref().map_or(1, |s| s.value);
        if signers == 0
            || (!open && self.diagnostics.len() == before && signers as usize > keys.len())
        {
            let at = value.signers.as_ref();
            let message = format!(
                "rule `{id}`: `attestation.signers` is {signers}, and the pack trusts {} key{} for these roles",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" }
            );
            match at {
                Some(at) => self.error(Code::AttestationSigners, at, message, None),
                None => self.error(Code::AttestationSigners, raw, message, None),
            }
        }
        if let Some(age) = &value.max_age_days
            && age.value == 0
        {
            self.error(
                Code::AttestationAge,
                age,
                format!("rule `{id}`: `max_age_days` must be at least 1"),
                None,
            );
        }
        (self.diagnostics.len() == before).then(|| Requirement {
            roles: value.roles.iter().map(|r| r.value.clone()).collect(),
            signers: signers as usize,
            max_age_days: value.max_age_days.as_ref().map(|a| a.value as i64),
            same_commit: value.same_commit,
        })
    }

    /// `evidence` needs a `check`, and names findings that check can emit
    /// (known for built-in checks).
    fn evidence(
        &mut self,
        raw: &RawRule,
        builtin_findings: &std::collections::HashMap<String, &'static [&'static str]>,
    ) {
        let Some(first) = raw.evidence.first() else {
            return;
        };
        let Some(check) = &raw.check else {
            self.error(
                Code::Evidence,
                first,
                format!(
                    "rule `{}`: `evidence` needs the rule's `check`",
                    raw.id.value
                ),
                None,
            );
            return;
        };
        let Some(ids) = builtin_findings.get(&check.value) else {
            return;
        };
        for id in &raw.evidence {
            if !ids.contains(&id.value.as_str()) {
                self.error(
                    Code::Evidence,
                    id,
                    format!(
                        "rule `{}`: `{}` never reports a finding `{}`",
                        raw.id.value, check.value, id.value
                    ),
                    Some(format!("its findings: {}", ids.join(", "))),
                );
            }
        }
    }
}
