//! Personal data masked in logs: pino's `redact` option (pino, pino-http,
//! nestjs-pino, Fastify's logger), a redaction library where a logger is
//! configured, or a winston format that masks
//! (`format.combine(maskSecrets(), json())`); and, where pino's paths are
//! written as literals, whether they cover credentials (password,
//! authorization, tokens, cookies) and personal data (email, phone,
//! address, names, card numbers).

use super::logger::LOGGER_PACKAGES;
use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, calls, package_used};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js;
use gonogo_check::{Finding, Severity, Value, json};

/// Libraries that only redact.
const REDACTING: &[&str] = &["fast-redact", "@pinojs/redact", "pino-noir", "redact-pii"];

/// pino's family: a `redact` key in a module that configures one.
const PINO: &[&str] = &[
    "pino",
    "pino-http",
    "nestjs-pino",
    "fastify",
    "@fastify/one-line-logger",
];

/// Whether an identifier names a masking step (`maskPii`, `redactSecrets`).
fn names_masking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["redact", "mask", "sanitiz", "scrub", "censor"]
        .iter()
        .any(|word| lower.contains(word))
}

/// Where the logger masks personal data, if it does.
fn redaction(modules: &[Module]) -> Option<(String, At)> {
    // A redaction library counts where a logger is configured: elsewhere it
    // may redact API responses, not logs.
    let beside_a_logger: Vec<&Module> = modules
        .iter()
        .filter(|m| {
            LOGGER_PACKAGES
                .iter()
                .any(|l| m.imports_package(l).is_some())
        })
        .collect();
    for module in &beside_a_logger {
        if let Some(found) = package_used(std::slice::from_ref(*module), REDACTING) {
            return Some(found);
        }
    }
    for module in modules {
        if PINO.iter().any(|p| module.imports_package(p).is_some()) {
            let tokens = &module.tokens;
            if let Some(i) = (0..tokens.len().saturating_sub(1))
                .find(|&i| tokens[i].is_ident("redact") && tokens[i + 1].is_punct(":"))
            {
                return Some(("pino redact".to_owned(), At::of(module, i)));
            }
        }
    }
    calls(modules, "combine")
        .find(|call| {
            let tokens = call.tokens();
            call.args.iter().any(|range| {
                tokens[range.clone()]
                    .iter()
                    .any(|t| t.kind == gonogo_analysis::js::Kind::Ident && names_masking(&t.text))
            })
        })
        .map(|call| ("masking log format".to_owned(), call.at()))
}

/// The paths pino's `redact` option names (`redact: ['*.password']` or
/// `redact: { paths: [...] }`), when they are written as literals.
fn redacted_paths(modules: &[Module]) -> Option<Vec<String>> {
    modules.iter().find_map(|module| {
        if !PINO.iter().any(|p| module.imports_package(p).is_some()) {
            return None;
        }
        let tokens = &module.tokens;
        let i = (0..tokens.len().saturating_sub(2))
            .find(|&i| tokens[i].is_ident("redact") && tokens[i + 1].is_punct(":"))?;
        let mut open = i + 2;
        if tokens[open].is_punct("{") {
            let close = js::matching(tokens, open);
            open = (open..close).find(|&j| {
                tokens[j].is_ident("paths")
                    && tokens.get(j + 1).is_some_and(|t| t.is_punct(":"))
                    && tokens.get(j + 2).is_some_and(|t| t.is_punct("["))
            })? + 2;
        }
        if !tokens[open].is_punct("[") {
            return None;
        }
        let close = js::matching(tokens, open);
        let inside = &tokens[open + 1..close];
        // Only literals: a variable or a spread leaves the list unknown.
        if inside
            .iter()
            .any(|t| t.kind == js::Kind::Ident || t.is_punct("..."))
        {
            return None;
        }
        Some(
            inside
                .iter()
                .filter(|t| t.is_string())
                .map(|t| t.text.to_string())
                .collect(),
        )
    })
}

/// Words of a redacted path that hold credentials, and personal data.
const CREDENTIALS: &[&str] = &[
    "password",
    "authorization",
    "token",
    "cookie",
    "secret",
    "apikey",
    "api_key",
];
const PERSONAL: &[&str] = &[
    "email", "phone", "address", "name", "ssn", "card", "iban", "birth", "passport",
];

/// Whether the service's logger masks personal data.
pub fn log_redaction(modules: &[Module], sink: &mut Sink) -> Value {
    let found = redaction(modules);
    if found.is_none() {
        sink.push(
            Finding::warn(
                findings::LOG_REDACTION_MISSING,
                Severity::Low,
                "the logger masks no field (no pino `redact`, no masking format)",
            )
            .fix("mask personal data and credentials: `pino({ redact: ['req.headers.authorization', '*.password', '*.email'] })`"),
            None,
        );
    }
    let at = found.as_ref().map(|(_, at)| at.clone());
    let paths = found.as_ref().and_then(|_| redacted_paths(modules));
    let covers = |words: &[&str]| {
        paths.as_ref().map(|paths| {
            paths
                .iter()
                .any(|p| words.iter().any(|w| p.to_ascii_lowercase().contains(w)))
        })
    };
    json!({
        "present": found.is_some(),
        "via": found.map(|(via, _)| via),
        "at": at_json(&at),
        "paths": paths,
        "covers_credentials": covers(CREDENTIALS),
        "covers_personal": covers(PERSONAL),
    })
}
