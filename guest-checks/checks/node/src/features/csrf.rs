//! Cross-site request forgery: whether the service authenticates with
//! cookies (a session middleware, or cookies it sets), and if so whether a
//! CSRF middleware guards it or every cookie it sets is `SameSite` `strict`
//! or `lax`. A service that sets no cookie (tokens sent in the
//! `Authorization` header) is not exposed: browsers do not attach headers
//! to cross-site requests.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{self, At, Call, calls, package_used};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js;
use gonogo_check::{Finding, Severity, Value, json};

/// CSRF middlewares.
const CSRF_PACKAGES: &[&str] = &[
    "csurf",
    "@dr.pogodin/csurf",
    "csrf-csrf",
    "csrf-sync",
    "tiny-csrf",
    "lusca",
    "@fastify/csrf-protection",
    "koa-csrf",
    "hono/csrf",
    "@edge-csrf/express",
    "@edge-csrf/node-http",
];

/// Session middlewares: their cookie authenticates every request.
const SESSION_PACKAGES: &[&str] = &[
    "express-session",
    "cookie-session",
    "@fastify/session",
    "@fastify/secure-session",
    "koa-session",
    "iron-session",
];

/// Whether the `sameSite` option in the object `options` of `call` guards
/// against CSRF: `'strict'`, `'lax'` or `true`; not `'none'`, a computed
/// value, or no option at all.
fn same_site_guards(call: &Call, options: Option<std::ops::Range<usize>>) -> bool {
    let tokens = call.tokens();
    let Some(value) = options.and_then(|r| js::object_value(tokens, r, "sameSite")) else {
        return false;
    };
    let values = &tokens[value];
    values.len() == 1
        && (values[0].is_ident("true")
            || (values[0].is_string()
                && matches!(
                    values[0].text.to_ascii_lowercase().as_str(),
                    "strict" | "lax"
                )))
}

/// The object literal that is the last argument of `call`, if any.
fn last_object(call: &Call) -> Option<std::ops::Range<usize>> {
    call.args
        .last()
        .filter(|r| call.tokens()[r.start].is_punct("{"))
        .cloned()
}

/// Cookies the service sets, each with whether `SameSite` guards it.
fn cookies_set(modules: &[Module]) -> Vec<(At, bool)> {
    let mut cookies = Vec::new();
    for name in ["cookie", "setCookie"] {
        for call in calls(modules, name) {
            let receiver_ok = call.receiver().is_none_or(|r| {
                matches!(r, "res" | "reply" | "response" | "ctx" | "c" | "cookies")
            });
            // `res.cookie(name, value, opts)`, Hono `setCookie(c, name, value, opts)`.
            if receiver_ok && call.args.len() >= 2 {
                cookies.push((call.at(), same_site_guards(&call, last_object(&call))));
            }
        }
    }
    // Koa: `ctx.cookies.set(name, value, opts)`.
    for call in calls(modules, "set").filter(|c| c.receiver() == Some("cookies")) {
        if call.args.len() >= 2 {
            cookies.push((call.at(), same_site_guards(&call, last_object(&call))));
        }
    }
    for module in modules {
        let single = std::slice::from_ref(module);
        for binding in scan::bindings_of(module, SESSION_PACKAGES) {
            for call in calls(single, binding) {
                let cookie = call
                    .option(0, "cookie")
                    .filter(|r| call.tokens()[r.start].is_punct("{"));
                // cookie-session takes its options at the top level.
                let guarded = same_site_guards(&call, cookie)
                    || same_site_guards(&call, call.args.first().cloned());
                cookies.push((call.at(), guarded));
            }
        }
    }
    cookies
}

/// CSRF exposure and protection of the service.
pub fn csrf(modules: &[Module], sink: &mut Sink) -> Value {
    let cookies = cookies_set(modules);
    let middleware = package_used(modules, CSRF_PACKAGES);
    let same_site = !cookies.is_empty() && cookies.iter().all(|(_, guarded)| *guarded);
    let via = match (&middleware, same_site) {
        (Some((package, _)), _) => Some(package.clone()),
        (None, true) => Some("SameSite cookies".to_owned()),
        (None, false) => None,
    };
    let cookie_auth = !cookies.is_empty();
    let unguarded: Vec<&At> = cookies
        .iter()
        .filter(|(_, guarded)| !guarded)
        .map(|(at, _)| at)
        .collect();
    if cookie_auth && via.is_none() {
        sink.push(
            Finding::warn(
                findings::CSRF_UNPROTECTED,
                Severity::Medium,
                "cookies authenticate requests, but no CSRF middleware is used and this cookie is not `SameSite` strict or lax",
            )
            .fix("set `sameSite: 'lax'` (or `'strict'`) on the cookie, or add a CSRF middleware (`csrf-csrf`, `@fastify/csrf-protection`)"),
            unguarded.first().copied(),
        );
    }
    let at = middleware
        .map(|(_, at)| at)
        .or_else(|| same_site.then(|| cookies[0].0.clone()));
    json!({
        "cookie_auth": cookie_auth,
        "protected": via.is_some(),
        "via": via,
        "at": at_json(&at),
    })
}
