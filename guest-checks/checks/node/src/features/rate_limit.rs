//! Rate limiting: global, and on authentication routes.

use super::Sink;
use crate::findings;
use crate::scan::{self, Call, calls, mentions, package_used};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::Kind;
use gonogo_check::{Finding, Severity, Value, json};
use std::collections::{BTreeSet, HashMap};

const RATE_LIMIT_PACKAGES: &[&str] = &[
    "express-rate-limit",
    "rate-limiter-flexible",
    "@nestjs/throttler",
    "@fastify/rate-limit",
    "express-slow-down",
    "koa-ratelimit",
    "express-brute",
    "hono-rate-limiter",
    "@upstash/ratelimit",
];

/// Whether a name says it is a rate limiter (`rateLimit`,
/// `createOptionalRateLimitMiddleware`, `authLimiter`).
fn is_limiter_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("ratelimit") || lower.ends_with("limiter")
}

/// Names that hold a rate limiter in each module: package bindings,
/// variables made from them, and imports of such variables from other modules.
fn limiter_names(modules: &[Module]) -> Vec<BTreeSet<String>> {
    let mut names: Vec<BTreeSet<String>> = modules
        .iter()
        .map(|module| {
            let bindings = scan::bindings_of(module, RATE_LIMIT_PACKAGES);
            let mut set: BTreeSet<String> = bindings.iter().map(|b| (*b).to_owned()).collect();
            let tokens = &module.tokens;
            // Variables made from a binding: none without bindings.
            let scanned = if bindings.is_empty() { 0 } else { tokens.len() };
            for i in 1..scanned.saturating_sub(2) {
                let assigned = tokens[i].kind == Kind::Ident && tokens[i + 1].is_punct("=");
                if assigned {
                    let rhs = &tokens[i + 2..(i + 5).min(tokens.len())];
                    if rhs.iter().any(|t| bindings.iter().any(|b| t.is_ident(b))) {
                        set.insert(tokens[i].text.to_string());
                    }
                }
            }
            // A limiter of the project's own: a function it declares or
            // imports from its own modules, named as one
            // (`createRateLimitMiddleware`, `loginLimiter`).
            for import in module.imports.iter().filter(|i| i.resolved.is_some()) {
                set.extend(
                    import
                        .bindings
                        .iter()
                        .filter(|b| is_limiter_name(b))
                        .cloned(),
                );
            }
            if module.may_mention("function") {
                for pair in tokens.windows(2) {
                    if pair[0].is_ident("function") && is_limiter_name(&pair[1].text) {
                        set.insert(pair[1].text.to_string());
                    }
                }
            }
            set
        })
        .collect();
    // One level of local imports: `const { authLimiter } = require('./limits')`.
    let by_path: HashMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(index, module)| (module.path.as_str(), index))
        .collect();
    let defined = names.clone();
    for (module, set) in modules.iter().zip(names.iter_mut()) {
        for import in &module.imports {
            let Some(&target) = import.resolved.as_deref().and_then(|t| by_path.get(t)) else {
                continue;
            };
            let exported = &defined[target];
            if exported.is_empty() {
                continue;
            }
            let default_export = exports_limiter(&modules[target], exported);
            for binding in &import.bindings {
                if exported.contains(binding) || default_export {
                    set.insert(binding.clone());
                }
            }
        }
    }
    names
}

/// Whether `module` exports (`module.exports =`, `export default`) and
/// mentions one of the limiter `names` it defines.
fn exports_limiter(module: &Module, names: &BTreeSet<String>) -> bool {
    module.tokens.windows(4).any(|w| {
        let exports = (w[0].is_ident("module")
            && w[1].is_punct(".")
            && w[2].is_ident("exports")
            && w[3].is_punct("="))
            || (w[0].is_ident("export") && w[1].is_ident("default"));
        exports
            && names
                .iter()
                .any(|n| module.tokens.iter().any(|t| t.is_ident(n)))
    })
}

/// Rate limiting: global, and on authentication routes.
pub fn rate_limit(
    modules: &[Module],
    routes: &[Vec<(String, Call<'_>)>],
    sink: &mut Sink,
) -> Value {
    let names = limiter_names(modules);
    let via = package_used(modules, RATE_LIMIT_PACKAGES);
    let mut global = false;
    let mut auth_specific = false;
    let mut auth_routes = Vec::new();
    for ((module, limiters), routes) in modules.iter().zip(&names).zip(routes) {
        let tokens = &module.tokens;
        // Nest: ThrottlerGuard as APP_GUARD or a global guard.
        let mentions_ident =
            |name: &str| module.may_mention(name) && tokens.iter().any(|t| t.is_ident(name));
        if mentions_ident("ThrottlerGuard")
            && (mentions_ident("APP_GUARD") || mentions_ident("useGlobalGuards"))
        {
            global = true;
        }
        let single = std::slice::from_ref(module);
        for call in calls(single, "use").chain(calls(single, "register")) {
            let Some(first) = call.args.first() else {
                continue;
            };
            let path_scoped = call.string_arg(0);
            let has_limiter = call
                .args
                .iter()
                .any(|r| limiters.iter().any(|n| mentions(tokens, r.clone(), n)));
            match (has_limiter, path_scoped) {
                (true, None) if !tokens[first.start].is_string() => global = true,
                // `app.use('*', limiter)` (Hono), `app.use('/api/*', limiter)`: every route.
                (true, Some("*" | "/*" | "/" | "/api" | "/api/*")) => global = true,
                (true, Some(path)) if scan::is_auth_path(path) => auth_specific = true,
                _ => {}
            }
        }
        if routes.is_empty() {
            continue;
        }
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        let nest_throttle = module.may_mention("Throttle")
            && tokens
                .windows(2)
                .any(|w| w[0].is_punct("@") && w[1].is_ident("Throttle"));
        for (path, call) in routes {
            if call.tokens()[call.name_index].text == "Controller"
                || call.tokens()[call.name_index].text == "use"
            {
                continue;
            }
            let full = scan::join_route(&prefix, path);
            if !scan::is_auth_path(&full) {
                continue;
            }
            auth_routes.push(call.at());
            let limited = call
                .args
                .iter()
                .skip(1)
                .any(|r| limiters.iter().any(|n| mentions(tokens, r.clone(), n)))
                || call
                    .option(1, "config")
                    .is_some_and(|r| tokens[r].iter().any(|t| t.is_ident("rateLimit")))
                || nest_throttle;
            auth_specific |= limited;
        }
    }
    // A limiter of the project's own, applied globally or to the
    // authentication routes, is rate limiting too.
    let via = via
        .map(|(package, _)| package)
        .or_else(|| (global || auth_specific).then(|| "the project's own middleware".to_owned()));
    if via.is_none() && !global {
        sink.push(
            Finding::fail(findings::RATE_LIMIT_MISSING, Severity::High, "no rate limiting is applied")
                .fix("add express-rate-limit / @nestjs/throttler / @fastify/rate-limit globally, and a stricter limit on login"),
            None,
        );
    } else if !auth_routes.is_empty() && !auth_specific {
        sink.push(
            Finding::warn(
                findings::AUTH_RATE_LIMIT_MISSING,
                Severity::Medium,
                "authentication routes have no stricter rate limit than the rest",
            )
            .fix("apply a limiter of about 5 attempts per minute to login and password routes"),
            auth_routes.first(),
        );
    }
    json!({
        "present": via.is_some() || global,
        "via": via,
        "global": global,
        "auth_routes": auth_routes.len(),
        "auth_specific": auth_specific,
    })
}
