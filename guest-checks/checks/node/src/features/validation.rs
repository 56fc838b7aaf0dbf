//! Input validation libraries, and a global validation pipe.

use super::Sink;
use crate::findings;
use crate::scan::{calls, mentions};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};
use std::collections::BTreeSet;

/// Input validation libraries, and a global validation pipe.
pub fn validation(modules: &[Module], sink: &mut Sink) -> Value {
    let packages = [
        "class-validator",
        "zod",
        "joi",
        "yup",
        "express-validator",
        "celebrate",
        "ajv",
        "@sinclair/typebox",
        "valibot",
        "superstruct",
        "@hapi/joi",
    ];
    let libraries: BTreeSet<&str> = modules
        .iter()
        .flat_map(|m| {
            packages
                .iter()
                .filter(|p| m.imports_package(p).is_some())
                .copied()
                .collect::<Vec<_>>()
        })
        .collect();
    let global_pipe = calls(modules, "useGlobalPipes").any(|c| {
        c.args
            .iter()
            .any(|r| mentions(c.tokens(), r.clone(), "ValidationPipe"))
    }) || modules
        .iter()
        .any(|m| m.may_mention("APP_PIPE") && m.tokens.iter().any(|t| t.is_ident("APP_PIPE")));
    let whitelist = calls(modules, "ValidationPipe").any(|c| {
        c.option(0, "whitelist")
            .is_some_and(|r| c.tokens()[r.start].is_ident("true"))
    });
    let fastify_schemas = modules.iter().any(|m| {
        m.may_mention("schema")
            && m.tokens
                .windows(2)
                .any(|w| w[0].is_ident("schema") && w[1].is_punct(":"))
    });
    if libraries.is_empty() && !fastify_schemas {
        sink.push(
            Finding::warn(findings::VALIDATION_MISSING, Severity::Medium, "request bodies are not validated with a schema library")
                .fix("validate input with zod/joi or class-validator with a global ValidationPipe({ whitelist: true })"),
            None,
        );
    }
    json!({"libraries": libraries, "global_pipe": global_pipe, "whitelist": whitelist, "route_schemas": fastify_schemas})
}
