//! Response caching: a cache interceptor or middleware (Nest's
//! `CacheInterceptor`, apicache, `@fastify/caching`, Hono's `cache()`), or
//! a `Cache-Control` header that lets responses be cached (`max-age`,
//! `s-maxage`, `public`).

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, calls, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Libraries that cache responses.
const LIBRARIES: &[&str] = &[
    "apicache",
    "@fastify/caching",
    "route-cache",
    "express-cache-middleware",
    "hono/cache",
];

/// Where a `Cache-Control` header that allows caching is set
/// (`res.set('Cache-Control', 'public, max-age=60')`,
/// `@Header('Cache-Control', 'max-age=300')`, `reply.header(…)`).
fn cache_control(modules: &[Module]) -> Option<At> {
    ["set", "setHeader", "header", "Header"]
        .iter()
        .flat_map(|name| calls(modules, name))
        .find(|call| {
            call.string_arg(0)
                .is_some_and(|h| h.eq_ignore_ascii_case("cache-control"))
                && call.string_arg(1).is_some_and(|v| {
                    let v = v.to_ascii_lowercase();
                    (v.contains("max-age") && !v.contains("max-age=0")) || v.contains("public")
                })
        })
        .map(|call| call.at())
}

/// Nest's cache interceptor, used on a controller or globally.
fn nest_cache_interceptor(modules: &[Module]) -> Option<At> {
    modules.iter().find_map(|module| {
        if !module.may_mention("CacheInterceptor") {
            return None;
        }
        let tokens = &module.tokens;
        let imports: Vec<u32> = module.imports.iter().map(|i| i.line).collect();
        tokens
            .iter()
            .position(|t| t.is_ident("CacheInterceptor") && !imports.contains(&t.line))
            .map(|i| At::of(module, i))
    })
}

/// How the service caches responses, if it does.
pub fn caching(modules: &[Module], sink: &mut Sink) -> Value {
    let found = package_used(modules, LIBRARIES)
        .or_else(|| nest_cache_interceptor(modules).map(|at| ("CacheInterceptor".to_owned(), at)))
        .or_else(|| cache_control(modules).map(|at| ("Cache-Control header".to_owned(), at)));
    if found.is_none() {
        sink.push(
            Finding::warn(
                findings::RESPONSE_CACHING_MISSING,
                Severity::Low,
                "no response is cached (no cache interceptor or middleware, no cacheable Cache-Control header)",
            )
            .fix("cache what can be: Nest `CacheInterceptor`, `apicache`, or `Cache-Control: public, max-age=60` on read-only routes"),
            None,
        );
    }
    let at = found.as_ref().map(|(_, at)| at.clone());
    json!({"via": found.map(|(via, _)| via), "at": at_json(&at)})
}
