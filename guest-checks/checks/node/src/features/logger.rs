//! Structured logging, how often `console` is used instead, and the level
//! the logger is configured with in code.

use super::Sink;
use crate::findings;
use crate::scan::{self, At, calls, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Logger libraries.
pub(super) const LOGGER_PACKAGES: &[&str] = &[
    "pino",
    "pino-http",
    "nestjs-pino",
    "winston",
    "nest-winston",
    "bunyan",
    "log4js",
];

/// The level a logger is configured with in code: `level: 'info'`,
/// `level: process.env.LOG_LEVEL || 'debug'` (the variable, and the level
/// when it is unset), or a level chosen by a condition
/// (`isProduction ? 'info' : 'debug'`), in a module that configures
/// pino, winston or bunyan.
fn configured_level(modules: &[Module]) -> Value {
    for module in modules {
        if !LOGGER_PACKAGES
            .iter()
            .any(|p| module.imports_package(p).is_some())
        {
            continue;
        }
        let tokens = &module.tokens;
        for i in 0..tokens.len().saturating_sub(2) {
            if !(tokens[i].is_ident("level") && tokens[i + 1].is_punct(":")) {
                continue;
            }
            let start = i + 2;
            let end = (start..tokens.len())
                .find(|&j| tokens[j].is_punct(",") || tokens[j].is_punct("}"))
                .unwrap_or(tokens.len());
            let value = &tokens[start..end];
            let at = At::of(module, i);
            let at = json!({"path": at.path, "line": at.line});
            let strings: Vec<&str> = value
                .iter()
                .filter(|t| t.is_string())
                .map(|t| t.text.as_str())
                .collect();
            let env = value
                .windows(3)
                .find(|w| w[0].is_ident("env") && w[1].is_punct("."))
                .map(|w| w[2].text.to_string());
            if value.iter().any(|t| t.is_punct("?")) && strings.len() >= 2 {
                return json!({"value": null, "env": env, "fallback": null, "conditional": true, "at": at});
            }
            return match (&env, strings.as_slice()) {
                (Some(_), [fallback]) => {
                    json!({"value": null, "env": env, "fallback": fallback, "conditional": false, "at": at})
                }
                (Some(_), []) => {
                    json!({"value": null, "env": env, "fallback": null, "conditional": false, "at": at})
                }
                (None, [level]) if value.len() == 1 => {
                    json!({"value": level, "env": null, "fallback": null, "conditional": false, "at": at})
                }
                _ => Value::Null,
            };
        }
    }
    Value::Null
}

/// Whether a reached module calls `name(` (`json(`, `format.printf(`).
fn calls_named(modules: &[Module], name: &str) -> bool {
    modules.iter().any(|m| {
        m.may_mention(name)
            && m.tokens
                .windows(2)
                .any(|w| w[0].is_ident(name) && w[1].is_punct("("))
    })
}

/// Structured logging, and how often `console` is used instead. A logger
/// library is not enough: winston formatted with `printf`, `simple` or
/// `cli` (and no `json`) writes plain text, and Nest's own `Logger` writes
/// plain text unless a `ConsoleLogger` is made with `json: true`.
pub fn logger(modules: &[Module], sink: &mut Sink) -> Value {
    let candidates: Vec<&str> = LOGGER_PACKAGES
        .iter()
        .copied()
        .chain(["@nestjs/common"])
        .collect();
    let library = package_used(modules, &candidates).filter(|(package, _)| {
        package != "@nestjs/common"
            || modules.iter().any(|m| {
                (m.may_mention("Logger") || m.may_mention("ConsoleLogger"))
                    && m.tokens.windows(2).any(|w| {
                        w[0].is_ident("new")
                            && (w[1].is_ident("Logger") || w[1].is_ident("ConsoleLogger"))
                    })
            })
    });
    // Fastify logs JSON through its built-in pino: `Fastify({ logger: … })`.
    let fastify_logger = modules.iter().any(|module| {
        scan::bindings_of(module, &["fastify"])
            .iter()
            .any(|binding| {
                calls(std::slice::from_ref(module), binding).any(|call| {
                    call.option(0, "logger")
                        .is_some_and(|r| !call.tokens()[r.start].is_ident("false"))
                })
            })
    });
    let library = library.or_else(|| {
        fastify_logger.then(|| {
            (
                "fastify-pino".to_owned(),
                At {
                    path: String::new(),
                    line: 0,
                },
            )
        })
    });
    let console_calls = modules
        .iter()
        .filter(|m| m.may_mention("console") && !gonogo_analysis::is_test_path(&m.path))
        .map(|m| {
            m.tokens
                .windows(3)
                .filter(|w| {
                    w[0].is_ident("console")
                        && w[1].is_punct(".")
                        && matches!(
                            w[2].text.as_str(),
                            "log" | "info" | "warn" | "error" | "debug"
                        )
                })
                .count()
        })
        .sum::<usize>();
    let library = library.map(|(package, at)| {
        if package == "@nestjs/common" {
            ("nest-logger".to_owned(), at)
        } else {
            (package, at)
        }
    });
    let plain_text = match library.as_ref().map(|(name, _)| name.as_str()) {
        Some("winston" | "nest-winston") => {
            !calls_named(modules, "json")
                && !calls_named(modules, "logstash")
                && ["printf", "simple", "cli"]
                    .iter()
                    .any(|format| calls_named(modules, format))
        }
        Some("nest-logger") => !modules.iter().any(|module| {
            calls(std::slice::from_ref(module), "ConsoleLogger").any(|call| {
                call.option(0, "json")
                    .is_some_and(|r| call.tokens()[r.start].is_ident("true"))
            })
        }),
        _ => false,
    };
    let structured = library.is_some() && !plain_text;
    if library.is_none() {
        sink.push(
            Finding::warn(
                findings::STRUCTURED_LOGGER_MISSING,
                Severity::Medium,
                format!("no structured logger; {console_calls} console calls"),
            )
            .fix("log JSON with pino (`pino-http`, `nestjs-pino`) or winston"),
            None,
        );
    } else if let Some((name, at)) = library.as_ref().filter(|_| plain_text) {
        let at = (!at.path.is_empty()).then_some(at);
        sink.push(
            Finding::warn(
                findings::STRUCTURED_LOGGER_MISSING,
                Severity::Medium,
                format!("`{name}` writes plain text, not structured (JSON) logs"),
            )
            .fix(if name == "nest-logger" {
                "use `new ConsoleLogger({ json: true })` (Nest 11) or nestjs-pino"
            } else {
                "add `format.json()` to the winston format (keep `printf` for local development only)"
            }),
            at,
        );
    }
    json!({
        "library": library.map(|(name, _)| name),
        "structured": structured,
        "console_calls": console_calls,
        "level": configured_level(modules),
    })
}
