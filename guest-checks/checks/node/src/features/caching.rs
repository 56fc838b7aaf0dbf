//! Response caching: a cache interceptor or middleware (Nest's
//! `CacheInterceptor`, apicache, `@fastify/caching`, Hono's `cache()`), or
//! a `Cache-Control` header that lets responses be cached (`max-age`,
//! `s-maxage`, `public`). And caching in Redis: a Redis store of a cache
//! library (`cache-manager-redis-yet`, `@keyv/redis`…), or values written
//! to Redis with an expiry (`setex`, `set(key, value, 'EX', n)`,
//! `set(key, value, { EX: n })`).

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

/// Redis stores of cache and session libraries.
const REDIS_CACHE_STORES: &[&str] = &[
    "cache-manager-redis-yet",
    "cache-manager-redis-store",
    "cache-manager-ioredis-yet",
    "cache-manager-ioredis",
    "@keyv/redis",
    "@tirke/node-cache-manager-ioredis",
    "connect-redis",
];

/// Where a value is written to Redis with an expiry: `setex`/`setEx`, or
/// `set` with `'EX'`/`'PX'` or `{ EX }`/`{ PX }` after the value.
fn redis_writes_with_expiry(modules: &[Module]) -> Option<At> {
    let clients = ["ioredis", "redis", "@redis/client", "@upstash/redis"];
    let reaching: Vec<&Module> = modules
        .iter()
        .filter(|m| {
            clients.iter().any(|c| m.imports_package(c).is_some()) || m.may_mention("redis")
        })
        .collect();
    let expiry_set = |call: &crate::scan::Call| {
        let tokens = call.tokens();
        call.args.get(2).is_some_and(|r| {
            let first = &tokens[r.start];
            (first.is_string() && matches!(first.text.to_ascii_uppercase().as_str(), "EX" | "PX"))
                || (first.is_punct("{")
                    && (call.option(2, "EX").is_some() || call.option(2, "PX").is_some()))
        })
    };
    reaching.iter().find_map(|module| {
        let single = std::slice::from_ref(*module);
        calls(single, "setex")
            .chain(calls(single, "setEx"))
            .find(|c| c.args.len() >= 3)
            .or_else(|| calls(single, "set").find(|c| expiry_set(c)))
            .map(|call| call.at())
    })
}

/// How the service caches in Redis, if it does.
pub fn redis_cache(modules: &[Module]) -> Option<(String, At)> {
    package_used(modules, REDIS_CACHE_STORES).or_else(|| {
        redis_writes_with_expiry(modules).map(|at| ("Redis writes with an expiry".to_owned(), at))
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
    let redis = redis_cache(modules);
    let redis_at = redis.as_ref().map(|(_, at)| at.clone());
    json!({
        "via": found.map(|(via, _)| via),
        "at": at_json(&at),
        "redis": redis.map(|(via, _)| via),
        "redis_at": at_json(&redis_at),
    })
}
