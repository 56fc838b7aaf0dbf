//! Incoming webhooks: the routes whose path names a webhook, whether each
//! reaches a signature check (in its module, what it imports, or where it
//! is mounted), and whether the service verifies a signature anywhere it
//! reaches (Stripe
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

/// Whether the modules reached from `modules[index]` through its imports
/// (itself included) check a signature.
fn closure_verifies(modules: &[Module], index: usize) -> bool {
    let by_path = |path: &str| modules.iter().position(|m| m.path == path);
    let mut seen = vec![index];
    let mut queue = vec![index];
    while let Some(i) = queue.pop() {
        if verification(std::slice::from_ref(&modules[i])).is_some() {
            return true;
        }
        for next in modules[i]
            .imports
            .iter()
            .filter_map(|import| import.resolved.as_deref().and_then(by_path))
        {
            if !seen.contains(&next) {
                seen.push(next);
                queue.push(next);
            }
        }
    }
    false
}

/// Whether the route `call` of `modules[index]` reaches a signature check:
/// the handlers and middleware it names, through the modules they are
/// imported from (a Nest controller's route, through its module's
/// imports), or a verifying middleware where the router is mounted (a
/// module that imports this one, or what that module imports directly).
fn route_verified(modules: &[Module], index: usize, call: &Call<'_>) -> bool {
    let module = &modules[index];
    let tokens = call.tokens();
    let decorator = call.name_index > 0 && tokens[call.name_index - 1].is_punct("@");
    let close = gonogo_analysis::js::matching(tokens, call.open);
    let named: Vec<&str> = tokens[call.open + 1..close]
        .iter()
        .filter(|t| t.kind == gonogo_analysis::js::Kind::Ident)
        .map(|t| t.text.as_str())
        .collect();
    let inline = verification(std::slice::from_ref(module)).is_some_and(|(_, at, _)| {
        let first = At::of(module, call.open).line;
        let last = At::of(module, close).line;
        (first..=last).contains(&at.line)
    });
    let by_path = |path: &str| modules.iter().position(|m| m.path == path);
    let through_imports = module
        .imports
        .iter()
        .filter(|import| decorator || import.bindings.iter().any(|b| named.contains(&b.as_str())))
        .filter_map(|import| import.resolved.as_deref().and_then(by_path))
        .any(|i| closure_verifies(modules, i));
    // A handler defined in the module itself: the module's own code.
    let local = !decorator
        && named.iter().any(|name| {
            !module
                .imports
                .iter()
                .any(|i| i.bindings.iter().any(|b| b == name))
        })
        && verification(std::slice::from_ref(module)).is_some();
    let mounted = modules.iter().any(|other| {
        other
            .imports
            .iter()
            .any(|import| import.resolved.as_deref() == Some(module.path.as_str()))
            && (verification(std::slice::from_ref(other)).is_some()
                || other
                    .imports
                    .iter()
                    .filter_map(|import| import.resolved.as_deref().and_then(by_path))
                    .any(|i| verification(std::slice::from_ref(&modules[i])).is_some()))
    });
    inline
        || through_imports
        || local
        || mounted
        || (decorator && verification(std::slice::from_ref(module)).is_some())
}

/// Whether a route path receives webhooks (`/webhooks/stripe`, `/stripe-webhook`).
fn is_webhook_path(path: &str) -> bool {
    gonogo_analysis::contains_ignore_case(path, "webhook")
}

/// Webhook routes and their signature verification.
pub fn webhooks(modules: &[Module], routes: &[Vec<(String, Call<'_>)>], sink: &mut Sink) -> Value {
    let mut found: Vec<(String, At, bool)> = Vec::new();
    for (index, (module, routes)) in modules.iter().zip(routes).enumerate() {
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        for (path, call) in routes {
            let name = call.tokens()[call.name_index].text.as_str();
            if name == "Controller" {
                continue;
            }
            let full = scan::join_route(&prefix, path);
            if is_webhook_path(&full) {
                found.push((full, call.at(), route_verified(modules, index, call)));
            }
        }
    }
    let verified = verification(modules);
    if let Some((path, at, _)) = found.first()
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
        .map(|(path, at, verified)| json!({"path": path, "at": {"path": at.path, "line": at.line}, "verified": verified}))
        .collect();
    json!({
        "routes": routes,
        "verified": verified.is_some(),
        "via": verified.as_ref().map(|(via, _, _)| *via),
        "constant_time": verified.as_ref().is_some_and(|(_, _, c)| *c),
        "at": verified.map(|(_, at, _)| json!({"path": at.path, "line": at.line})),
    })
}
