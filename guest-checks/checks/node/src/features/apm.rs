//! Application performance monitoring: a tracing agent started with the
//! service (Datadog, New Relic, Elastic APM, OpenTelemetry, Sentry with a
//! traces sample rate above zero).

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, calls};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Agents that start when they are imported (`require('newrelic')`,
/// `import 'dd-trace/init'`, `@opentelemetry/auto-instrumentations-node/register`).
const SELF_STARTING: &[&str] = &[
    "newrelic",
    "dd-trace/init",
    "elastic-apm-node/start",
    "@opentelemetry/auto-instrumentations-node/register",
    "@splunk/otel/instrument",
];

/// Agents started by a call, and the names of the calls that start them.
const STARTED_BY: &[(&str, &[&str])] = &[
    ("dd-trace", &["init"]),
    ("elastic-apm-node", &["start"]),
    ("@opentelemetry/sdk-node", &["start"]),
    ("@opentelemetry/sdk-trace-node", &["register"]),
    ("@opentelemetry/sdk-trace-base", &["register"]),
    ("@vercel/otel", &["registerOTel"]),
    ("@splunk/otel", &["start"]),
    ("@azure/monitor-opentelemetry", &["useAzureMonitor"]),
    ("applicationinsights", &["start"]),
    ("@google-cloud/trace-agent", &["start"]),
    ("@highlight-run/node", &["init"]),
    ("@hyperdx/node-opentelemetry", &["init", "initSDK"]),
];

/// Sentry packages: APM when `init` sets a traces sample rate.
const SENTRY: &[&str] = &[
    "@sentry/node",
    "@sentry/nestjs",
    "@sentry/bun",
    "@sentry/serverless",
];

/// Whether `module` imports `package` and calls one of `starts`.
fn started(module: &Module, package: &str, starts: &[&str]) -> bool {
    module.imports_package(package).is_some()
        && starts.iter().any(|name| {
            module.may_mention(name)
                && module
                    .tokens
                    .windows(2)
                    .any(|w| w[0].is_ident(name) && w[1].is_punct("("))
        })
}

/// Sentry initialised with `tracesSampleRate` (not `0`) or a `tracesSampler`.
fn sentry_traces(modules: &[Module]) -> Option<At> {
    calls(modules, "init")
        .filter(|call| {
            SENTRY
                .iter()
                .any(|p| call.module.imports_package(p).is_some())
        })
        .find(|call| {
            let tokens = call.tokens();
            call.option(0, "tracesSampler").is_some()
                || call.option(0, "tracesSampleRate").is_some_and(|r| {
                    // A literal 0 turns tracing off; an expression may not.
                    !(r.len() == 1 && tokens[r.start].text.parse::<f64>() == Ok(0.0))
                })
        })
        .map(|call| call.at())
}

/// The APM agent the service starts, if any.
pub fn apm(modules: &[Module], preloads: &[String], sink: &mut Sink) -> Value {
    let mut found: Option<(String, Option<At>)> = preloads
        .iter()
        .find(|p| {
            SELF_STARTING.iter().any(|s| p == s) || *p == "dd-trace" || *p == "elastic-apm-node"
        })
        .map(|p| (p.clone(), None));
    for module in modules {
        if found.is_some() {
            break;
        }
        for import in &module.imports {
            if SELF_STARTING.iter().any(|s| import.specifier == *s) {
                found = Some((
                    import.specifier.clone(),
                    Some(At {
                        path: module.path.clone(),
                        line: import.line,
                    }),
                ));
                break;
            }
        }
        for (package, starts) in STARTED_BY {
            if found.is_none() && started(module, package, starts) {
                let line = module.imports_package(package).map_or(1, |i| i.line);
                found = Some((
                    (*package).to_owned(),
                    Some(At {
                        path: module.path.clone(),
                        line,
                    }),
                ));
            }
        }
    }
    if found.is_none() {
        found = sentry_traces(modules).map(|at| ("Sentry tracing".to_owned(), Some(at)));
    }
    if found.is_none() {
        sink.push(
            Finding::warn(
                findings::APM_MISSING,
                Severity::Low,
                "no APM or tracing agent is started (Datadog, New Relic, Elastic, OpenTelemetry, Sentry tracing)",
            )
            .fix("start one before the app: `import 'dd-trace/init'`, an OpenTelemetry `NodeSDK().start()`, or `Sentry.init({ tracesSampleRate: 0.1 })`"),
            None,
        );
    }
    let at = found.as_ref().and_then(|(_, at)| at.clone());
    json!({"library": found.map(|(library, _)| library), "at": at_json(&at)})
}
