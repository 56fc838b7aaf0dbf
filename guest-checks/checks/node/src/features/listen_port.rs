//! Where the service's port comes from: the port argument of its
//! `listen(…)` call (Express, Koa, Nest, Fastify's `listen({ port })`) or
//! of `serve({ port })` (`@hono/node-server`, `Bun.serve`). A host such as
//! Render, Heroku, Railway or Cloud Run assigns the port in `PORT`: a
//! service listening on a fixed number cannot be reached there.

use super::Sink;
use crate::findings;
use crate::scan::{At, Call, calls};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind};
use gonogo_check::{Finding, Severity, Value, json};
use std::collections::BTreeSet;
use std::ops::Range;

/// Where one call's port comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    /// An environment variable named `…PORT` (read there, or elsewhere in
    /// the service when the call names a variable or a config value).
    Env,
    /// A number written in the code.
    Literal,
    /// A variable or expression whose source was not traced.
    Unknown,
}

/// The port of the service's server: `from` (`env`, `literal`,
/// `unknown`), `at` (`path:line` of the call) and `value` (the number,
/// for a literal); null when no `listen` or `serve` call is reached.
pub fn listen_port(modules: &[Module], env_read: &BTreeSet<String>, sink: &mut Sink) -> Value {
    let port_read = env_read.iter().any(|name| server_port_name(name))
        || modules
            .iter()
            .any(|m| (0..m.tokens.len()).any(|i| env_style_member(&m.tokens, i)));
    let mut found: Vec<(Source, At, Option<String>)> = Vec::new();
    for call in calls(modules, "listen").chain(calls(modules, "serve")) {
        let Some(range) = port_argument(&call) else {
            continue;
        };
        let (source, value) = classify(&call, range, port_read);
        found.push((source, call.at(), value));
    }
    // The best the service does: one call reading the environment is
    // enough (a fallback server on a fixed port beside it is not judged).
    found.sort_by_key(|a| a.0);
    let Some((source, at, value)) = found.into_iter().next() else {
        return Value::Null;
    };
    if source == Source::Literal {
        let number = value.clone().unwrap_or_default();
        sink.push(
            Finding::warn(
                findings::PORT_FIXED,
                Severity::Medium,
                format!("the server listens on port {number}, written in the code: a host that assigns the port in PORT cannot reach it"),
            )
            .fix(format!("listen on `process.env.PORT ?? {number}`")),
            Some(&at),
        );
    }
    json!({
        "from": match source {
            Source::Env => "env",
            Source::Literal => "literal",
            Source::Unknown => "unknown",
        },
        "at": format!("{}:{}", at.path, at.line),
        "value": value,
    })
}

/// The tokens of the call's port: `listen`'s first argument (or its
/// `port` key), `serve`'s `port` key; none for a call that names no port.
fn port_argument(call: &Call<'_>) -> Option<Range<usize>> {
    let first = call.args.first()?.clone();
    if call.arg_is_object(0) {
        if let Some(value) = call.option(0, "port") {
            return Some(value);
        }
        // `{ port }`: the key names a variable of the same name.
        let tokens = call.tokens();
        return tokens[first.clone()]
            .iter()
            .position(|t| t.is_ident("port"))
            .map(|at| first.start + at..first.start + at + 1);
    }
    let name = &call.tokens()[call.name_index].text;
    // `serve(app)` and `listen(socketPath)` name no port.
    (name == "listen" && !first.is_empty()).then_some(first)
}

/// Where the port in `range` comes from, and the number when written.
fn classify(call: &Call<'_>, range: Range<usize>, port_read: bool) -> (Source, Option<String>) {
    let tokens = call.tokens();
    let env = range.clone().any(|i| {
        js::env_read(tokens, i).is_some_and(|(name, _)| server_port_name(&name))
            || env_style_member(tokens, i)
    });
    // `configService.get('PORT')`, `config.get('app.port')`.
    let config_key = tokens[range.clone()]
        .iter()
        .any(|t| t.is_string() && server_port_name(&t.text));
    if env || (config_key && port_read) {
        return (Source::Env, None);
    }
    let parts = &tokens[range];
    if parts.len() == 1 && parts[0].kind == Kind::Number {
        return (Source::Literal, Some(parts[0].text.to_string()));
    }
    if port_read {
        return (Source::Env, None);
    }
    (Source::Unknown, None)
}

/// Whether a variable (or config key: `app.port`) names the server's
/// port: `PORT`, or `…_PORT` that is not a datastore's or mail server's.
fn server_port_name(name: &str) -> bool {
    const OTHER_SERVERS: &[&str] = &[
        "SMTP",
        "MAIL",
        "EMAIL",
        "DB",
        "DATABASE",
        "POSTGRES",
        "PG",
        "MYSQL",
        "REDIS",
        "MONGO",
        "RABBITMQ",
        "AMQP",
        "ELASTIC",
        "KAFKA",
        "MINIO",
        "S3",
        "MEILI",
        "CLICKHOUSE",
        "DEBUG",
        "INSPECT",
        "METRICS",
    ];
    let upper = name.to_ascii_uppercase();
    let last = upper.rsplit('.').next().unwrap_or(&upper);
    last == "PORT"
        || last.strip_suffix("_PORT").is_some_and(|prefix| {
            !prefix.is_empty() && !OTHER_SERVERS.iter().any(|other| prefix.starts_with(other))
        })
}

/// Whether the token at `index` is `.PORT` (`env.PORT`, `envVars.PORT`,
/// `config.APP_PORT`): a member named like an environment variable, as a
/// schema-validated environment object (zod, Joi, envalid) holds them.
fn env_style_member(tokens: &[js::Token], index: usize) -> bool {
    let (Some(dot), Some(name)) = (tokens.get(index), tokens.get(index + 1)) else {
        return false;
    };
    (dot.is_punct(".") || dot.is_punct("?."))
        && name.kind == Kind::Ident
        && name
            .text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && server_port_name(&name.text)
}
