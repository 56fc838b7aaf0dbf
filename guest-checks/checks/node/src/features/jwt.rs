//! JWT signing with an expiry.

use super::Sink;
use crate::findings;
use crate::scan::{self, calls};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self};
use gonogo_check::{Finding, Severity, Value, json};

/// The longest a JWT may live, in days, before `jwt-long-expiry`.
pub const LONGEST_JWT_DAYS: f64 = 30.0;

/// The days an `expiresIn` value stands for, as jsonwebtoken reads it: a
/// number is seconds; a string is a number and a unit (`'15m'`, `'7d'`,
/// `'180 days'`, `'1y'`), milliseconds without one. `None` for anything
/// else (a variable, an expression).
pub fn expiry_days(token: &js::Token) -> Option<f64> {
    const DAY: f64 = 86_400.0;
    if token.kind == js::Kind::Number {
        return token
            .text
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .map(|s| s / DAY);
    }
    if !token.is_string() {
        return None;
    }
    let text = token.text.trim().to_ascii_lowercase();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let amount: f64 = text[..split].parse().ok()?;
    let seconds = match text[split..].trim() {
        "" | "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
        "d" | "day" | "days" => DAY,
        "w" | "week" | "weeks" => 7.0 * DAY,
        "y" | "yr" | "yrs" | "year" | "years" => 365.25 * DAY,
        _ => return None,
    };
    Some(amount * seconds / DAY)
}

/// @fastify/jwt: `fastify.register(fastifyJwt, { sign: { expiresIn } })`,
/// or `expiresIn` on each `reply.jwtSign(…)` / `fastify.jwt.sign(…)`.
fn fastify_jwt(
    module: &Module,
    signs: &mut bool,
    expires: &mut Vec<String>,
    long: &mut Vec<(f64, crate::scan::At)>,
    without_expiry: &mut Vec<Value>,
    sink: &mut Sink,
) {
    let bindings = scan::bindings_of(module, &["@fastify/jwt", "fastify-jwt"]);
    if bindings.is_empty() {
        return;
    }
    let single = std::slice::from_ref(module);
    let mut per_call = false;
    for call in calls(single, "jwtSign")
        .chain(calls(single, "sign").filter(|c| c.receiver() == Some("jwt")))
    {
        if let Some(range) = call.option(1, "expiresIn") {
            per_call = true;
            let token = &call.tokens()[range.start];
            expires.push(token.text.to_string());
            long.extend(expiry_days(token).map(|days| (days, call.at())));
        }
    }
    for call in calls(single, "register") {
        let tokens = call.tokens();
        let registers_jwt = call
            .args
            .first()
            .is_some_and(|r| r.len() == 1 && bindings.contains(&tokens[r.start].text.as_str()));
        if !registers_jwt {
            continue;
        }
        *signs = true;
        let expiry = call
            .option(1, "sign")
            .and_then(|r| js::object_value(tokens, r, "expiresIn"));
        match expiry {
            Some(range) => {
                let token = &tokens[range.start];
                expires.push(token.text.to_string());
                long.extend(expiry_days(token).map(|days| (days, call.at())));
            }
            None if !per_call => {
                let at = call.at();
                without_expiry.push(json!({"path": at.path, "line": at.line}));
                sink.push(
                    Finding::fail(
                        findings::JWT_WITHOUT_EXPIRY,
                        Severity::High,
                        "@fastify/jwt signs tokens without `expiresIn`",
                    )
                    .fix("register it with `sign: { expiresIn: '15m' }`"),
                    Some(&at),
                );
            }
            None => {}
        }
    }
}

/// JWT signing with an expiry.
pub fn jwt(modules: &[Module], sink: &mut Sink) -> Value {
    let mut signs = false;
    let mut without_expiry = Vec::new();
    let mut expires = Vec::new();
    // Each expiry read, in days, with where it is set.
    let mut long = Vec::new();
    for module in modules {
        let single = std::slice::from_ref(module);
        let jsonwebtoken = scan::bindings_of(module, &["jsonwebtoken"]);
        for call in calls(single, "sign") {
            let direct = call.receiver().is_some_and(|r| jsonwebtoken.contains(&r))
                || (call.receiver().is_none() && jsonwebtoken.contains(&"sign"));
            if !direct {
                continue;
            }
            signs = true;
            let payload_has_exp = call.option(0, "exp").is_some();
            match call.option(2, "expiresIn") {
                Some(range) => {
                    let token = &call.tokens()[range.start];
                    expires.push(token.text.to_string());
                    long.extend(expiry_days(token).map(|days| (days, call.at())));
                }
                None if !payload_has_exp => {
                    let at = call.at();
                    without_expiry.push(json!({"path": at.path, "line": at.line}));
                    sink.push(
                        Finding::fail(
                            findings::JWT_WITHOUT_EXPIRY,
                            Severity::High,
                            "a JWT is signed without an expiry",
                        )
                        .fix(
                            "pass `{ expiresIn: '15m' }` (and refresh tokens for longer sessions)",
                        ),
                        Some(&at),
                    );
                }
                None => {}
            }
        }
        for name in ["register", "registerAsync"] {
            for call in calls(single, name).filter(|c| c.receiver() == Some("JwtModule")) {
                signs = true;
                let tokens = call.tokens();
                let range = call.open..js::matching(tokens, call.open);
                match tokens[range.clone()]
                    .iter()
                    .position(|t| t.is_ident("expiresIn"))
                {
                    Some(i) => {
                        let value = tokens.get(range.start + i + 2);
                        expires.push(value.map_or(String::new(), |t| t.text.to_string()));
                        long.extend(value.and_then(expiry_days).map(|days| (days, call.at())));
                    }
                    None => {
                        let at = call.at();
                        without_expiry.push(json!({"path": at.path, "line": at.line}));
                        sink.push(
                            Finding::fail(
                                findings::JWT_WITHOUT_EXPIRY,
                                Severity::High,
                                "JwtModule signs tokens without `expiresIn`",
                            )
                            .fix("set `signOptions: { expiresIn: '15m' }`"),
                            Some(&at),
                        );
                    }
                }
            }
        }
        // jose: `new SignJWT(…).setExpirationTime('2h')`; a number there is
        // an absolute time, not a lifetime, and is not read.
        let mut jose_expiry = false;
        for call in calls(single, "setExpirationTime") {
            jose_expiry = true;
            let tokens = call.tokens();
            match call.args.first() {
                Some(r) if r.len() == 1 && tokens[r.start].is_string() => {
                    let token = &tokens[r.start];
                    expires.push(token.text.to_string());
                    long.extend(expiry_days(token).map(|days| (days, call.at())));
                }
                _ => expires.push("jose".into()),
            }
        }
        for call in calls(single, "SignJWT") {
            signs = true;
            if !jose_expiry {
                let at = call.at();
                without_expiry.push(json!({"path": at.path, "line": at.line}));
                sink.push(
                    Finding::fail(
                        findings::JWT_WITHOUT_EXPIRY,
                        Severity::High,
                        "a JWT is signed with jose without `setExpirationTime`",
                    )
                    .fix("chain `.setExpirationTime('15m')` before `.sign(key)`"),
                    Some(&at),
                );
            }
        }
        fastify_jwt(
            module,
            &mut signs,
            &mut expires,
            &mut long,
            &mut without_expiry,
            sink,
        );
    }
    let longest = long
        .iter()
        .map(|(days, _)| *days)
        .fold(None, |most: Option<f64>, days| {
            Some(most.map_or(days, |most| most.max(days)))
        });
    for (days, at) in long.iter().filter(|(days, _)| *days > LONGEST_JWT_DAYS) {
        sink.push(
            Finding::fail(
                findings::JWT_LONG_EXPIRY,
                Severity::Medium,
                format!("a JWT lives {} days", days.round()),
            )
            .fix("keep access tokens short (`'15m'` to `'1d'`) and renew sessions with refresh tokens"),
            Some(at),
        );
    }
    json!({
        "signs": signs,
        "expiry_set": signs.then_some(without_expiry.is_empty()),
        "expires_in": expires,
        "longest_expiry_days": longest,
        "without_expiry": without_expiry,
    })
}
