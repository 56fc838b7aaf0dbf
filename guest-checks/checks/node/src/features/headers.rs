//! Security headers: helmet (or the framework's plugin) registered.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::package_used;
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Security headers: helmet (or the framework's plugin) registered.
pub fn security_headers(modules: &[Module], sink: &mut Sink) -> Value {
    let found = package_used(
        modules,
        &[
            "helmet",
            "@fastify/helmet",
            "koa-helmet",
            "lusca",
            "hono/secure-headers",
        ],
    );
    if found.is_none() {
        sink.push(
            Finding::fail(
                findings::SECURITY_HEADERS_MISSING,
                Severity::High,
                "no security headers middleware (helmet) is registered",
            )
            .fix(
                "`app.use(helmet())` (Express/Nest) or `app.register(helmet)` (Fastify) at startup",
            ),
            None,
        );
    }
    json!({"present": found.is_some(), "via": found.as_ref().map(|f| &f.0), "at": at_json(&found.map(|f| f.1))})
}
