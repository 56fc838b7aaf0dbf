//! Sessions that a library keeps for the service: better-auth's lifetime
//! (`session.expiresIn`, seconds, 7 days by default) and its cookies
//! (`advanced.useSecureCookies: false` or
//! `advanced.defaultCookieAttributes.secure: false` turn `Secure` off; by
//! default they are secure on an https base URL); express-session's and
//! cookie-session's lifetime (`cookie.maxAge` / `maxAge`, milliseconds:
//! without one the session has no set end).

use super::Sink;
use crate::findings;
use crate::scan::{self, calls};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js;
use gonogo_check::{Finding, Severity, Value, json};

/// better-auth's session lifetime when `session.expiresIn` is not set.
pub const BETTER_AUTH_DEFAULT_DAYS: f64 = 7.0;

/// The longest a session may live, in days.
pub const LONGEST_SESSION_DAYS: f64 = 30.0;

/// The token range of `path` (`advanced.useSecureCookies`) in the object
/// literal at `range`.
fn nested(
    tokens: &[js::Token],
    range: std::ops::Range<usize>,
    path: &[&str],
) -> Option<std::ops::Range<usize>> {
    let mut range = range;
    for key in path {
        range = js::object_value(tokens, range, key)?;
    }
    Some(range)
}

/// Where the lifetime at `path` is set in the options `options`:
/// `Some(Some(range))` when written, `Some(None)` when the object literals
/// leave it out, `None` when they cannot tell (options in a variable,
/// spread from one, `expires` set instead).
fn lifetime(
    tokens: &[js::Token],
    options: Option<&std::ops::Range<usize>>,
    path: &[&str],
) -> Option<Option<std::ops::Range<usize>>> {
    let mut range = options?.clone();
    for key in path {
        let object = &tokens[range.clone()];
        if !object.first()?.is_punct("{")
            || object.iter().any(|t| t.is_punct("..."))
            || js::object_value(tokens, range.clone(), "expires").is_some()
        {
            return None;
        }
        match js::object_value(tokens, range.clone(), key) {
            Some(value) => range = value,
            None => return Some(None),
        }
    }
    Some(Some(range))
}

/// Seconds written as a number or a product of numbers (`60 * 60 * 24 *
/// 7`); none for anything else (a variable, a call).
fn seconds(tokens: &[js::Token]) -> Option<f64> {
    let mut product = 1.0;
    for (i, token) in tokens.iter().enumerate() {
        if i % 2 == 0 {
            if token.kind != js::Kind::Number {
                return None;
            }
            product *= token.text.replace('_', "").parse::<f64>().ok()?;
        } else if !token.is_punct("*") {
            return None;
        }
    }
    (tokens.len() % 2 == 1).then_some(product)
}

/// better-auth's sessions: their lifetime and whether their cookies are
/// secure.
pub fn sessions(modules: &[Module], sink: &mut Sink) -> Value {
    let mut library = None;
    let mut longest: Option<f64> = None;
    let mut insecure_cookies = Vec::new();
    let mut without_expiry = Vec::new();
    for module in modules {
        let single = std::slice::from_ref(module);
        for binding in scan::bindings_of(module, &["better-auth"]) {
            for call in calls(single, binding) {
                if !call.arg_is_object(0) {
                    continue;
                }
                library = Some("better-auth");
                let tokens = call.tokens();
                let options = call.args[0].clone();
                let at = call.at();
                let days = match nested(tokens, options.clone(), &["session", "expiresIn"]) {
                    Some(range) => seconds(&tokens[range]).map(|s| s / 86_400.0),
                    None => Some(BETTER_AUTH_DEFAULT_DAYS),
                };
                if let Some(days) = days {
                    longest = Some(longest.map_or(days, |most| most.max(days)));
                    if days > LONGEST_SESSION_DAYS {
                        sink.push(
                            Finding::fail(
                                findings::SESSION_LONG_EXPIRY,
                                Severity::Medium,
                                format!("a better-auth session lives {} days", days.round()),
                            )
                            .fix("set `session: { expiresIn: 60 * 60 * 24 * 7 }` (seconds) and `updateAge` to renew active sessions"),
                            Some(&at),
                        );
                    }
                }
                let off = |path: &[&str]| {
                    nested(tokens, options.clone(), path)
                        .is_some_and(|r| tokens[r.start].is_ident("false"))
                };
                if off(&["advanced", "useSecureCookies"])
                    || off(&["advanced", "defaultCookieAttributes", "secure"])
                {
                    insecure_cookies.push(json!({"path": at.path, "line": at.line}));
                    sink.push(
                        Finding::fail(
                            findings::COOKIE_INSECURE,
                            Severity::High,
                            "better-auth's cookies are not `secure` (`advanced`)",
                        )
                        .fix("remove `useSecureCookies: false` / `secure: false` from better-auth's `advanced` options"),
                        Some(&at),
                    );
                }
            }
        }
    }
    for module in modules {
        let single = std::slice::from_ref(module);
        for (package, path) in [
            ("express-session", &["cookie", "maxAge"][..]),
            ("cookie-session", &["maxAge"][..]),
        ] {
            for binding in scan::bindings_of(module, &[package]) {
                for call in calls(single, binding) {
                    library.get_or_insert(package);
                    let tokens = call.tokens();
                    let at = call.at();
                    let Some(max_age) = lifetime(tokens, call.args.first(), path) else {
                        // Options in a variable, or spread from one: not read.
                        continue;
                    };
                    match max_age {
                        Some(range) => {
                            let Some(days) = seconds(&tokens[range]).map(|ms| ms / 86_400_000.0)
                            else {
                                continue;
                            };
                            longest = Some(longest.map_or(days, |most| most.max(days)));
                            if days > LONGEST_SESSION_DAYS {
                                sink.push(
                                    Finding::fail(
                                        findings::SESSION_LONG_EXPIRY,
                                        Severity::Medium,
                                        format!("a {package} session lives {} days", days.round()),
                                    )
                                    .fix("keep `maxAge` to 30 days or less, and renew active sessions (`rolling: true`)"),
                                    Some(&at),
                                );
                            }
                        }
                        None => {
                            without_expiry.push(json!({"path": at.path, "line": at.line}));
                            sink.push(
                                Finding::fail(
                                    findings::SESSION_WITHOUT_EXPIRY,
                                    Severity::Medium,
                                    format!("the {package} session has no `maxAge`: it has no set end"),
                                )
                                .fix("set `cookie: { maxAge: 1000 * 60 * 60 * 24 * 7 }` (milliseconds)"),
                                Some(&at),
                            );
                        }
                    }
                }
            }
        }
    }
    json!({
        "library": library,
        "without_expiry": without_expiry,
        "longest_expiry_days": longest,
        "insecure_cookies": insecure_cookies,
    })
}
