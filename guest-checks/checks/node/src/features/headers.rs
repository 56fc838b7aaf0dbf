//! Security headers: helmet (or the framework's plugin) registered.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::package_used;
use gonogo_analysis::graph::Module;
use gonogo_analysis::node;
use gonogo_check::{Finding, Severity, Value, json};

/// Security headers: helmet (or the framework's plugin) registered.
pub fn security_headers(modules: &[Module], package: &node::Package, sink: &mut Sink) -> Value {
    let found = package_used(modules, HEADER_PACKAGES);
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
    // A dependency the entry point never reaches (a commented-out
    // `app.use(helmet())`, a legacy module) is named, so the message says
    // so rather than "no helmet".
    // (`hono/secure-headers` comes with the framework: not a sign.)
    let declared = HEADER_PACKAGES
        .iter()
        .filter(|p| !p.starts_with("hono/"))
        .find(|p| package.depends_on(p));
    json!({"present": found.is_some(), "via": found.as_ref().map(|f| &f.0), "at": at_json(&found.map(|f| f.1)),
           "declared": declared})
}

/// The security headers middlewares, by package (or subpath).
const HEADER_PACKAGES: &[&str] = &[
    "helmet",
    "@fastify/helmet",
    "koa-helmet",
    "lusca",
    "hono/secure-headers",
];
