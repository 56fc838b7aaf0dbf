//! A global error handler: Express error middleware (four parameters),
//! Nest exception filters (`useGlobalFilters`, `APP_FILTER`), Fastify's
//! `setErrorHandler`, Hono's `onError`, Koa's `app.on('error')`; for Nest,
//! Fastify and routing-controllers (unless `defaultErrorHandler: false`),
//! their built-in handlers.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, calls};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};

/// Whether `tokens` start a function of four parameters, the first named
/// like an error: `(err, req, res, next) =>` or `function (error, …)`.
fn is_error_middleware(tokens: &[Token]) -> bool {
    let start = match tokens.first() {
        Some(t) if t.is_ident("function") || t.is_ident("async") => tokens
            .iter()
            .position(|t| t.is_punct("("))
            .unwrap_or(tokens.len()),
        _ => 0,
    };
    if !tokens.get(start).is_some_and(|t| t.is_punct("(")) {
        return false;
    }
    let close = js::matching(tokens, start);
    let params: Vec<&Token> = tokens[start + 1..close.min(tokens.len())]
        .iter()
        .filter(|t| t.kind == Kind::Ident)
        .collect();
    let commas = tokens[start + 1..close.min(tokens.len())]
        .iter()
        .filter(|t| t.is_punct(","))
        .count();
    commas == 3
        && params
            .first()
            .is_some_and(|p| p.text.to_ascii_lowercase().starts_with("err"))
}

/// The global error handler of the service, if it has one. Nest's
/// exception layer and Fastify's default handler answer every error with
/// a JSON status and no stack: for those frameworks the default counts.
pub fn error_handler(modules: &[Module], framework: Option<&str>, sink: &mut Sink) -> Value {
    let mut found: Option<(&str, At)> = None;
    for call in calls(modules, "use") {
        if found.is_some() {
            break;
        }
        let tokens = call.tokens();
        let handler = call.args.iter().any(|range| {
            let arg = &tokens[range.clone()];
            is_error_middleware(arg)
                || (arg.len() == 1
                    && arg[0].kind == Kind::Ident
                    && arg[0].text.to_ascii_lowercase().contains("error"))
        });
        if handler {
            found = Some(("error middleware", call.at()));
        }
    }
    for (name, via) in [
        ("useGlobalFilters", "Nest exception filter"),
        ("setErrorHandler", "Fastify error handler"),
        ("onError", "Hono error handler"),
    ] {
        if found.is_none() {
            found = calls(modules, name).next().map(|call| (via, call.at()));
        }
    }
    if found.is_none() {
        found = calls(modules, "on")
            .find(|call| call.string_arg(0) == Some("error") && call.receiver() == Some("app"))
            .map(|call| ("Koa error listener", call.at()));
    }
    if found.is_none() {
        found = modules.iter().find_map(|module| {
            let index = module
                .tokens
                .iter()
                .position(|t| t.is_ident("APP_FILTER"))?;
            module
                .may_mention("APP_FILTER")
                .then(|| ("Nest exception filter", At::of(module, index)))
        });
    }
    // routing-controllers answers errors itself unless told not to.
    if found.is_none()
        && let Some((_, at)) = crate::scan::package_used(modules, &["routing-controllers"])
        && !modules.iter().any(|m| {
            m.tokens.windows(3).any(|w| {
                w[0].is_ident("defaultErrorHandler") && w[1].is_punct(":") && w[2].is_ident("false")
            })
        })
    {
        found = Some(("routing-controllers' default error handler", at));
    }
    if found.is_none() {
        found = match framework {
            Some("nestjs") => Some(("Nest's built-in exception layer", At::default())),
            Some("fastify") => Some(("Fastify's default error handler", At::default())),
            _ => None,
        };
    }
    if found.is_none() {
        sink.push(
            Finding::warn(
                findings::ERROR_HANDLER_MISSING,
                Severity::Medium,
                "no global error handler: errors get the framework's default response",
            )
            .fix("register one: Express `app.use((err, req, res, next) => …)`, Nest `app.useGlobalFilters(…)`, Fastify `setErrorHandler`, Hono `app.onError`"),
            None,
        );
    }
    let at = found
        .as_ref()
        .map(|(_, at)| at.clone())
        .filter(|at| !at.path.is_empty());
    json!({
        "present": found.is_some(),
        "via": found.map(|(via, _)| via),
        "at": at_json(&at),
    })
}
