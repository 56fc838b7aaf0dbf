//! Graceful shutdown: signal handlers or the framework's hooks.

use super::Sink;
use crate::findings;
use crate::scan::{calls, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};
use std::collections::BTreeSet;

/// Graceful shutdown: signal handlers or the framework's hooks.
pub fn graceful_shutdown(modules: &[Module], sink: &mut Sink) -> Value {
    let mut signals: BTreeSet<String> = BTreeSet::new();
    for name in ["on", "once", "addListener"] {
        for call in calls(modules, name).filter(|c| c.receiver() == Some("process")) {
            if let Some(signal) = call.string_arg(0).filter(|s| s.starts_with("SIG")) {
                signals.insert(signal.to_owned());
            }
        }
    }
    let hooks = calls(modules, "enableShutdownHooks").next().is_some();
    let library = package_used(
        modules,
        &[
            "@godaddy/terminus",
            "http-terminator",
            "close-with-grace",
            "stoppable",
            "lightship",
            "@fastify/under-pressure",
        ],
    );
    let handled = signals.contains("SIGTERM") || hooks || library.is_some();
    if !handled {
        sink.push(
            Finding::warn(findings::GRACEFUL_SHUTDOWN_MISSING, Severity::Medium, "SIGTERM is not handled: in-flight requests are cut on deploy")
                .fix("`app.enableShutdownHooks()` (Nest) or `process.on('SIGTERM', () => server.close(...))`"),
            None,
        );
    }
    json!({"handled": handled, "signals": signals, "framework_hooks": hooks, "library": library.map(|l| l.0)})
}
