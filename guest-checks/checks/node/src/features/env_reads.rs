//! Environment variables read, and secrets with hard-coded fallbacks.

use super::Sink;
use crate::findings;
use crate::scan::At;
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};
use std::collections::BTreeSet;

/// Whether a variable's name says it holds a secret (`JWT_SECRET`, `SMTP_PASSWORD`).
pub(super) fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "ENCRYPTION_KEY",
        "SIGNING_KEY",
        "DSN",
    ]
    .iter()
    .any(|w| upper.contains(w))
        && !upper.contains("EXPIR")
        && !upper.ends_with("_URL")
}

/// Environment variables read, and secrets with hard-coded fallbacks.
pub fn env_reads(modules: &[Module], sink: &mut Sink) -> (BTreeSet<String>, Vec<Value>) {
    let mut names = BTreeSet::new();
    let mut fallbacks = Vec::new();
    // `process.env…` or `….get(`/`….getOrThrow(`.
    let may_read = |m: &Module| {
        m.may_mention("process") || m.may_mention("get") || m.may_mention("getOrThrow")
    };
    for module in modules.iter().filter(|m| may_read(m)) {
        let tokens = &module.tokens;
        for i in 0..tokens.len() {
            let (name, after) = if let Some(found) = js::env_read(tokens, i) {
                found
            } else if let Some(found) = config_get(tokens, i) {
                found
            } else {
                continue;
            };
            names.insert(name.clone());
            let literal_fallback = match (tokens.get(after), tokens.get(after + 1)) {
                (Some(op), Some(value))
                    if (op.is_punct("||") || op.is_punct("??"))
                        && value.is_string()
                        && !value.text.is_empty() =>
                {
                    true
                }
                // configService.get('X', 'default')
                (Some(comma), Some(value))
                    if comma.is_punct(",") && value.is_string() && !value.text.is_empty() =>
                {
                    true
                }
                _ => false,
            };
            if literal_fallback && secret_name(&name) {
                let at = At::of(module, i);
                fallbacks.push(json!({"name": name, "path": at.path, "line": at.line}));
                sink.push(
                    Finding::fail(
                        findings::SECRET_FALLBACK,
                        Severity::Critical,
                        format!("`{name}` falls back to a hard-coded value when unset"),
                    )
                    .fix(
                        "fail at startup when the variable is missing; never ship a default secret",
                    ),
                    Some(&at),
                );
            }
        }
    }
    (names, fallbacks)
}

/// `config.get('NAME'` / `configService.getOrThrow<string>('NAME'`: the
/// name and the index after it.
fn config_get(tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let t = |o: usize| tokens.get(i + o);
    if !(t(0)?.is_punct(".") && (t(1)?.is_ident("get") || t(1)?.is_ident("getOrThrow"))) {
        return None;
    }
    let receiver = tokens.get(i.checked_sub(1)?)?;
    if !receiver.text.to_ascii_lowercase().contains("config") {
        return None;
    }
    let mut at = i + 2;
    if t(2)?.is_punct("<") {
        while tokens.get(at).is_some_and(|t| !t.is_punct(">")) {
            at += 1;
        }
        at += 1;
    }
    if !tokens.get(at)?.is_punct("(") {
        return None;
    }
    let name = tokens.get(at + 1)?;
    let looks_like_env = name.kind == Kind::Str
        && name
            .text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    looks_like_env.then(|| (name.text.to_string(), at + 2))
}
