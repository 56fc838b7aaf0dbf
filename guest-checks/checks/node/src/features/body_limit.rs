//! Request body size limits.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, calls};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Request body size limits.
pub fn body_limit(modules: &[Module], sink: &mut Sink) -> Value {
    let facts = explicit_body_limit(modules);
    if facts["explicit"] == false {
        sink.push(
            Finding::warn(findings::BODY_LIMIT_DEFAULT, Severity::Low, "no explicit request body limit: the framework's default applies")
                .fix("`express.json({ limit: '1mb' })`, `app.useBodyParser('json', { limit })`, Fastify `bodyLimit` or Hono `bodyLimit({ maxSize })`"),
            None,
        );
    }
    facts
}

fn explicit_body_limit(modules: &[Module]) -> Value {
    for name in ["json", "urlencoded", "useBodyParser", "text", "raw"] {
        for call in calls(modules, name) {
            let arg = if name == "useBodyParser" { 1 } else { 0 };
            if let Some(range) = call.option(arg, "limit") {
                let value = call.tokens()[range.start].text.clone();
                return json!({"explicit": true, "value": value, "at": at_json(&Some(call.at()))});
            }
        }
    }
    for module in modules.iter().filter(|m| m.may_mention("bodyLimit")) {
        let tokens = &module.tokens;
        if let Some(i) = tokens
            .windows(3)
            .position(|w| w[0].is_ident("bodyLimit") && w[1].is_punct(":"))
        {
            return json!({"explicit": true, "value": tokens[i + 2].text, "at": at_json(&Some(At::of(module, i)))});
        }
    }
    // Hono: `bodyLimit({ maxSize })` from `hono/body-limit`.
    for module in modules.iter().filter(|m| m.may_mention("bodyLimit")) {
        let single = std::slice::from_ref(module);
        for binding in crate::scan::bindings_of(module, &["hono/body-limit"]) {
            if let Some(call) = calls(single, binding).find(|c| c.option(0, "maxSize").is_some()) {
                let range = call.option(0, "maxSize").unwrap_or_default();
                let value = call.tokens()[range]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                return json!({"explicit": true, "value": value, "at": at_json(&Some(call.at()))});
            }
        }
    }
    json!({"explicit": false, "value": null, "at": null})
}
