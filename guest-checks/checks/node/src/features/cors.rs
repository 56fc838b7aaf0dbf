//! CORS: how origins are allowed, and with credentials or not.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{self, At, calls, initializer, mentions};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind};
use gonogo_check::{Finding, Severity, Value, json};
use std::ops::Range;

/// How a CORS `origin` value behaves.
fn origin_kind(
    modules: &[Module],
    module: &Module,
    range: Range<usize>,
    depth: u8,
) -> (&'static str, bool) {
    let tokens = &module.tokens;
    let slice = &tokens[range.clone()];
    let Some(first) = slice.first() else {
        return ("unknown", false);
    };
    let wildcard_fallback = slice.windows(2).any(|w| {
        (w[0].is_punct("||") || w[0].is_punct("??")) && w[1].is_string() && w[1].text == "*"
    });
    if js::env_read(tokens, range.start).is_some() {
        return ("env", wildcard_fallback);
    }
    match first.kind {
        Kind::Str | Kind::Template if first.text == "*" => ("wildcard", false),
        Kind::Str | Kind::Template => ("list", false),
        Kind::Regex => ("list", false),
        Kind::Ident if first.text == "true" => ("reflect-any", false),
        Kind::Ident if first.text == "false" => ("disabled", false),
        Kind::Ident if first.text == "function" || first.text == "async" => ("function", false),
        Kind::Ident if slice.len() == 1 && depth < 3 => match initializer(module, &first.text) {
            Some(init) => origin_kind(modules, module, init, depth + 1),
            None => ("unknown", false),
        },
        // `config.corsOrigins`: the property of a configuration object,
        // declared in this module or in the module it is imported from.
        Kind::Ident if slice.len() == 3 && slice[1].is_punct(".") && depth < 3 => {
            match property(modules, module, &first.text, &slice[2].text) {
                Some((owner, value)) => origin_kind(modules, owner, value, depth + 1),
                None => ("unknown", false),
            }
        }
        Kind::Punct if first.text == "[" => {
            let inner = &tokens[range.start + 1..js::matching(tokens, range.start)];
            if inner.iter().any(|t| t.is_string() && t.text == "*") {
                ("wildcard", false)
            } else if inner
                .windows(3)
                .any(|w| w[0].is_ident("process") && w[2].is_ident("env"))
            {
                ("env", wildcard_fallback)
            } else {
                ("list", false)
            }
        }
        Kind::Punct if first.text == "(" && slice.iter().any(|t| t.is_punct("=>")) => {
            ("function", false)
        }
        _ if slice.iter().any(|t| t.is_ident("process")) => ("env", wildcard_fallback),
        _ => ("unknown", false),
    }
}

/// The value of `object.key` where `object` is an object literal declared
/// in `module` or imported into it from another reached module.
fn property<'a>(
    modules: &'a [Module],
    module: &'a Module,
    object: &str,
    key: &str,
) -> Option<(&'a Module, Range<usize>)> {
    let owner = match initializer(module, object) {
        Some(_) => module,
        None => {
            let import = module
                .imports
                .iter()
                .find(|i| i.bindings.iter().any(|b| b == object))?;
            let target = import.resolved.as_deref()?;
            modules.iter().find(|m| m.path == target)?
        }
    };
    let init = initializer(owner, object)?;
    js::object_value(&owner.tokens, init, key).map(|range| (owner, range))
}

/// CORS: how origins are allowed, and with credentials or not.
pub fn cors(modules: &[Module], sink: &mut Sink) -> Value {
    // (kind, credentials, env fallback to *, where)
    let mut configs: Vec<(&str, bool, bool, At)> = Vec::new();
    let judge_options = |call: &scan::Call, arg: usize, default_kind: &'static str| {
        let credentials = call
            .option(arg, "credentials")
            .is_some_and(|r| call.tokens()[r.start].is_ident("true"));
        let (kind, fallback) = if !call.arg_is_object(arg) {
            match call.args.get(arg) {
                None => (default_kind, false),
                Some(r) if call.tokens()[r.start].is_ident("true") => ("wildcard", false),
                Some(r) if call.tokens()[r.start].is_ident("false") => ("disabled", false),
                Some(_) => ("unknown", false),
            }
        } else {
            match call.option(arg, "origin") {
                Some(range) => origin_kind(modules, call.module, range, 0),
                None => ("wildcard", false), // cors({ credentials }) defaults to `*`
            }
        };
        (kind, credentials, fallback, call.at())
    };
    for module in modules {
        let bindings = scan::bindings_of(module, &["cors", "@koa/cors", "hono/cors"]);
        for binding in bindings {
            for call in calls(std::slice::from_ref(module), binding) {
                configs.push(judge_options(&call, 0, "wildcard"));
            }
        }
        let fastify_cors = scan::bindings_of(module, &["@fastify/cors"]);
        for call in calls(std::slice::from_ref(module), "register") {
            if call.args.first().is_some_and(|r| {
                fastify_cors
                    .iter()
                    .any(|b| mentions(call.tokens(), r.clone(), b))
            }) {
                configs.push(judge_options(&call, 1, "wildcard"));
            }
        }
    }
    for call in calls(modules, "enableCors") {
        configs.push(judge_options(&call, 0, "wildcard"));
    }
    // `NestFactory.create(AppModule, { cors })`, and routing-controllers'
    // `createExpressServer({ cors })` / `useExpressServer(app, { cors })`.
    let nest = calls(modules, "create")
        .filter(|c| c.receiver() == Some("NestFactory"))
        .map(|call| (call, 1));
    let routing_controllers = ["createExpressServer", "createKoaServer"]
        .into_iter()
        .flat_map(|name| calls(modules, name).map(|call| (call, 0)))
        .chain(
            ["useExpressServer", "useKoaServer"]
                .into_iter()
                .flat_map(|name| calls(modules, name).map(|call| (call, 1))),
        );
    for (call, options) in nest.chain(routing_controllers) {
        if let Some(range) = call.option(options, "cors") {
            let token = &call.tokens()[range.start];
            if token.is_ident("true") {
                configs.push(("wildcard", false, false, call.at()));
            } else if token.is_punct("{") {
                let inner = scan::Call {
                    module: call.module,
                    name_index: call.name_index,
                    open: range.start,
                    args: vec![range.clone()],
                };
                configs.push(judge_options(&inner, 0, "wildcard"));
            }
        }
    }
    for name in ["setHeader", "header", "set"] {
        for call in calls(modules, name) {
            let is_acao = call
                .string_arg(0)
                .is_some_and(|h| h.eq_ignore_ascii_case("access-control-allow-origin"));
            if is_acao {
                let kind = match call.string_arg(1) {
                    Some("*") => "wildcard",
                    Some(_) => "list",
                    None => "reflect-any",
                };
                configs.push((kind, false, false, call.at()));
            }
        }
    }
    for (kind, credentials, fallback, at) in &configs {
        let (id, severity, message, fix) = match (*kind, *credentials) {
            ("wildcard" | "reflect-any", true) => (
                findings::CORS_CREDENTIALS_WILDCARD,
                Severity::Critical,
                "CORS allows any origin with credentials".to_owned(),
                "list the allowed origins explicitly (`origin: process.env.CORS_ORIGINS.split(',')`)",
            ),
            ("wildcard", false) => (
                findings::CORS_WILDCARD,
                Severity::High,
                "CORS allows any origin (`*`)".to_owned(),
                "list the allowed origins explicitly",
            ),
            ("reflect-any", false) => (
                findings::CORS_REFLECT_ANY,
                Severity::High,
                "CORS reflects any request origin".to_owned(),
                "list the allowed origins explicitly instead of `origin: true`",
            ),
            _ if *fallback => (
                findings::CORS_ENV_FALLBACK_WILDCARD,
                Severity::High,
                "CORS falls back to `*` when the origin variable is unset".to_owned(),
                "fail at startup when the variable is unset instead of allowing every origin",
            ),
            _ => continue,
        };
        sink.push(Finding::fail(id, severity, message).fix(fix), Some(at));
    }
    let first = configs.first();
    json!({
        "configured": !configs.is_empty(),
        "kind": first.map(|c| c.0),
        "credentials": first.is_some_and(|c| c.1),
        "env_fallback_wildcard": configs.iter().any(|c| c.2),
        "at": at_json(&first.map(|c| c.3.clone())),
    })
}
