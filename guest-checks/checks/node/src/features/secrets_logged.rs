//! Secrets written to logs: a `console` or logger call whose arguments
//! read a secret from the environment (`console.log(process.env.DATABASE_URL)`,
//! `logger.info(\`db: ${config.get('DATABASE_URL')}\`)`).

use super::Sink;
use crate::findings;
use crate::scan::calls;
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};

/// Methods that write a log line.
const LOG_METHODS: &[&str] = &[
    "log", "info", "warn", "error", "debug", "trace", "fatal", "verbose",
];

/// Receivers that are loggers (`console`, `logger`, `this.logger`, `log`).
fn is_logger(receiver: &str) -> bool {
    let lower = receiver.to_ascii_lowercase();
    lower == "console" || lower == "log" || lower.ends_with("logger")
}

/// The secret variables read by the tokens of `args`.
fn secrets_read(tokens: &[Token]) -> Vec<String> {
    let mut names = Vec::new();
    for i in 0..tokens.len() {
        // `${process.env.DATABASE_URL}` inside a template literal.
        if tokens[i].kind == Kind::Template {
            for expression in interpolations(&tokens[i].text) {
                names.extend(secrets_read(&js::tokenize(expression)));
            }
        }
        if let Some((name, _)) = js::env_read(tokens, i)
            && is_secret_name(&name)
        {
            names.push(name);
        }
        // `config.get('DATABASE_URL')`, `configService.get<string>('JWT_SECRET')`.
        if tokens[i].is_ident("get")
            && let Some(name) = tokens[i + 1..]
                .iter()
                .take(6)
                .find(|t| t.is_string())
                .map(|t| t.text.to_string())
            && is_secret_name(&name)
        {
            names.push(name);
        }
    }
    names
}

/// The expressions interpolated in a template literal's text (`${…}`),
/// without nesting.
fn interpolations(text: &str) -> impl Iterator<Item = &str> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(expression, _)| expression))
}

/// Whether a variable's name says it holds a secret (`DATABASE_URL` holds
/// a password; `JWT_SECRET`, `STRIPE_SECRET_KEY`).
fn is_secret_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && (super::env_reads::secret_name(name)
            || [
                "DATABASE_URL",
                "REDIS_URL",
                "MONGODB_URI",
                "MONGO_URL",
                "MONGO_URI",
            ]
            .contains(&name))
}

/// Log calls that print a secret read from the environment.
pub fn secrets_logged(modules: &[Module], sink: &mut Sink) -> Value {
    let mut logged = Vec::new();
    for method in LOG_METHODS {
        for call in calls(modules, method).filter(|c| c.receiver().is_some_and(is_logger)) {
            let tokens = call.tokens();
            let names: Vec<String> = call
                .args
                .iter()
                .flat_map(|range| secrets_read(&tokens[range.clone()]))
                .collect();
            if let Some(name) = names.first() {
                let at = call.at();
                logged.push(json!({"name": name, "path": at.path, "line": at.line}));
                sink.push(
                    Finding::fail(
                        findings::SECRET_LOGGED,
                        Severity::High,
                        format!("`{name}` is written to the logs"),
                    )
                    .fix(
                        "log that the value is set, never the value (or its URL with the password)",
                    ),
                    Some(&at),
                );
            }
        }
    }
    json!(logged)
}
