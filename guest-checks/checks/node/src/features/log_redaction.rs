//! Personal data masked in logs: pino's `redact` option (pino, pino-http,
//! nestjs-pino, Fastify's logger), a redaction library where a logger is
//! configured, or a winston format that masks
//! (`format.combine(maskSecrets(), json())`).

use super::logger::LOGGER_PACKAGES;
use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, calls, package_used};
use gonogo_analysis::graph::Module;
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
    json!({"present": found.is_some(), "via": found.map(|(via, _)| via), "at": at_json(&at)})
}
