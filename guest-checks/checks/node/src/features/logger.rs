//! Structured logging, and how often `console` is used instead.

use super::Sink;
use crate::findings;
use crate::scan::{self, At, calls, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Structured logging, and how often `console` is used instead.
pub fn logger(modules: &[Module], sink: &mut Sink) -> Value {
    let library = package_used(
        modules,
        &[
            "pino",
            "pino-http",
            "nestjs-pino",
            "winston",
            "nest-winston",
            "bunyan",
            "log4js",
            "@nestjs/common",
        ],
    )
    .filter(|(package, _)| {
        package != "@nestjs/common"
            || modules.iter().any(|m| {
                m.may_mention("Logger")
                    && m.tokens
                        .windows(2)
                        .any(|w| w[0].is_ident("new") && w[1].is_ident("Logger"))
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
    }
    let library = library.map(|(package, _)| {
        if package == "@nestjs/common" {
            "nest-logger".to_owned()
        } else {
            package
        }
    });
    json!({"library": library, "console_calls": console_calls})
}
