//! Error tracking initialised at startup.

use super::Sink;
use crate::findings;
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Error tracking initialised at startup.
pub fn error_tracking(modules: &[Module], sink: &mut Sink) -> Value {
    let packages = [
        "@sentry/node",
        "@sentry/nestjs",
        "@sentry/serverless",
        "@sentry/bun",
        "@bugsnag/js",
        "@bugsnag/node",
        "rollbar",
        "@honeybadger-io/js",
        "newrelic",
        "dd-trace",
        "elastic-apm-node",
        "@opentelemetry/sdk-node",
        "@highlight-run/node",
    ];
    let mut library = None;
    let mut initialized = false;
    for module in modules {
        for package in packages {
            if let Some(import) = module.imports_package(package) {
                library.get_or_insert(package);
                // `Sentry.init(`, `init(`, `Rollbar(`, `require('newrelic')`, `tracer.init(`, `sdk.start(`.
                let side_effect_agent = matches!(package, "newrelic" | "elastic-apm-node")
                    || import.specifier.ends_with("/register");
                initialized |= side_effect_agent
                    || module.tokens.windows(2).any(|w| {
                        (w[0].is_ident("init")
                            || w[0].is_ident("start")
                            || w[0].is_ident("Rollbar")
                            || w[0].is_ident("NodeSDK")
                            || w[0].is_ident("start"))
                            && w[1].is_punct("(")
                    });
            }
        }
    }
    if !initialized {
        sink.push(
            Finding::warn(
                findings::ERROR_TRACKING_MISSING,
                Severity::Medium,
                match library {
                    Some(p) => format!("`{p}` is imported but never initialised at startup"),
                    None => "no error tracking (Sentry or similar) is initialised".to_owned(),
                },
            )
            .fix("call `Sentry.init({ dsn: process.env.SENTRY_DSN })` before the app starts"),
            None,
        );
    }
    json!({"library": library, "initialized": initialized})
}
