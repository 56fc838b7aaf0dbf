//! Incoming webhooks: the routes whose path names a webhook, and whether
//! the service verifies a signature anywhere it reaches (Stripe
//! `constructEvent`, an HMAC compared in constant time, Shopify, Svix or
//! Octokit verification).

use super::Sink;
use crate::findings;
use crate::scan::{self, At, Call};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Calls that verify a webhook's signature by themselves.
const VERIFYING_CALLS: &[&str] = &[
    "constructEvent",
    "constructEventAsync",
    "verifyWebhook",
    "validateWebhook",
    "verifySignature",
    "verifyWebhookSignature",
    "validateHmac",
];

/// Whether `module` calls `name(`.
fn calls_named(module: &Module, name: &str) -> Option<usize> {
    if !module.may_mention(name) {
        return None;
    }
    module
        .tokens
        .windows(2)
        .position(|w| w[0].is_ident(name) && w[1].is_punct("("))
}

/// How the service verifies webhook signatures, and where.
fn verification(modules: &[Module]) -> Option<(&'static str, At, bool)> {
    for module in modules {
        for name in VERIFYING_CALLS {
            if let Some(i) = calls_named(module, name) {
                return Some((name, At::of(module, i), true));
            }
        }
        // `shopify.webhooks.validate(…)`, `webhooks.verify(…)`, svix `wh.verify(…)`.
        let tokens = &module.tokens;
        for i in 2..tokens.len().saturating_sub(1) {
            if (tokens[i].is_ident("validate") || tokens[i].is_ident("verify"))
                && tokens[i + 1].is_punct("(")
                && tokens[i - 1].is_punct(".")
                && (tokens[i - 2].is_ident("webhooks")
                    || (module.imports_package("svix").is_some()))
            {
                return Some(("webhook library", At::of(module, i), true));
            }
        }
        if let Some(i) = calls_named(module, "createHmac") {
            let constant_time = calls_named(module, "timingSafeEqual").is_some();
            return Some(("createHmac", At::of(module, i), constant_time));
        }
    }
    None
}

/// Whether a route path receives webhooks (`/webhooks/stripe`, `/stripe-webhook`).
fn is_webhook_path(path: &str) -> bool {
    gonogo_analysis::contains_ignore_case(path, "webhook")
}

/// Webhook routes and their signature verification.
pub fn webhooks(modules: &[Module], routes: &[Vec<(String, Call<'_>)>], sink: &mut Sink) -> Value {
    let mut found: Vec<(String, At)> = Vec::new();
    for (module, routes) in modules.iter().zip(routes) {
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        for (path, call) in routes {
            let name = call.tokens()[call.name_index].text.as_str();
            if name == "Controller" {
                continue;
            }
            let full = scan::join_route(&prefix, path);
            if is_webhook_path(&full) {
                found.push((full, call.at()));
            }
        }
    }
    let verified = verification(modules);
    if let Some((path, at)) = found.first()
        && verified.is_none()
    {
        sink.push(
            Finding::fail(
                findings::WEBHOOK_UNVERIFIED,
                Severity::High,
                format!("`{path}` receives webhooks, but no signature is verified anywhere in the service"),
            )
            .fix("verify the provider's signature before acting: Stripe `stripe.webhooks.constructEvent(rawBody, sig, secret)`, or `createHmac` over the raw body compared with `timingSafeEqual`"),
            Some(at),
        );
    }
    let routes: Vec<Value> = found
        .iter()
        .map(|(path, at)| json!({"path": path, "at": {"path": at.path, "line": at.line}}))
        .collect();
    json!({
        "routes": routes,
        "verified": verified.is_some(),
        "via": verified.as_ref().map(|(via, _, _)| *via),
        "constant_time": verified.as_ref().is_some_and(|(_, _, c)| *c),
        "at": verified.map(|(_, at, _)| json!({"path": at.path, "line": at.line})),
    })
}
