//! Cookies set without `httpOnly` or `secure`.

use super::Sink;
use crate::findings;
use crate::scan::{self, calls};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self};
use gonogo_check::{Finding, Severity, Value, json};
use std::ops::Range;

/// Cookies set without `httpOnly` or `secure`.
pub fn cookies(modules: &[Module], sink: &mut Sink) -> Value {
    let mut insecure = Vec::new();
    let mut set = 0;
    let mut check = |call: &scan::Call, options: Option<Range<usize>>, sink: &mut Sink| {
        set += 1;
        let tokens = call.tokens();
        let value_of = |key: &str| {
            options
                .clone()
                .and_then(|r| js::object_value(tokens, r, key))
        };
        let mut missing = Vec::new();
        if value_of("httpOnly").is_none_or(|r| tokens[r.start].is_ident("false")) {
            missing.push("httpOnly");
        }
        if value_of("secure").is_none_or(|r| tokens[r.start].is_ident("false")) {
            missing.push("secure");
        }
        if !missing.is_empty() {
            let at = call.at();
            insecure.push(json!({"path": at.path, "line": at.line, "missing": missing}));
            sink.push(
                Finding::fail(findings::COOKIE_INSECURE, Severity::High, format!("a cookie is set without {}", missing.join(" and ")))
                    .fix("set `{ httpOnly: true, secure: true, sameSite: 'lax' }` (secure may depend on NODE_ENV)"),
                Some(&at),
            );
        }
    };
    for name in ["cookie", "setCookie"] {
        for call in calls(modules, name).filter(|c| {
            c.receiver()
                .is_some_and(|r| matches!(r, "res" | "reply" | "response" | "ctx"))
        }) {
            let options = call
                .args
                .get(2)
                .filter(|r| call.tokens()[r.start].is_punct("{"))
                .cloned();
            if call.args.len() >= 2 {
                check(&call, options, sink);
            }
        }
    }
    for module in modules {
        let bindings = scan::bindings_of(
            module,
            &[
                "express-session",
                "cookie-session",
                "@fastify/session",
                "@fastify/secure-session",
            ],
        );
        for binding in bindings {
            for call in calls(std::slice::from_ref(module), binding) {
                let cookie = call
                    .option(0, "cookie")
                    .filter(|r| call.tokens()[r.start].is_punct("{"));
                // express-session defaults to httpOnly: true; only `secure` must be set.
                let tokens = call.tokens();
                let secure = cookie
                    .clone()
                    .and_then(|r| js::object_value(tokens, r, "secure"))
                    .is_some_and(|r| !tokens[r.start].is_ident("false"));
                set += 1;
                if !secure {
                    let at = call.at();
                    insecure.push(json!({"path": at.path, "line": at.line, "missing": ["secure"]}));
                    sink.push(
                        Finding::fail(findings::COOKIE_INSECURE, Severity::High, "the session cookie is not `secure`")
                            .fix("set `cookie: { secure: true, httpOnly: true }` (with `app.set('trust proxy', 1)` behind a proxy)"),
                        Some(&at),
                    );
                }
            }
        }
    }
    json!({"set": set, "insecure": insecure})
}
