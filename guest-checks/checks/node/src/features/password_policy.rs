//! The password policy: the shortest password a schema accepts, read from
//! class-validator (`@MinLength(8)` or `@IsStrongPassword()` on a
//! `password` property), zod, joi and yup (`password: z.string().min(8)`),
//! JSON schemas (`password: { minLength: 8 }`), a custom validator named
//! after passwords (`if (value.length < 8)`), or better-auth's
//! `minPasswordLength` (8 by default).

use super::{Sink, at_json};
use crate::findings;
use crate::scan::At;
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};

/// The shortest password a policy accepts, below which it is no policy.
pub const SHORTEST_PASSWORD: u64 = 8;

/// Whether an identifier or key names a new password (`password`,
/// `newPassword`), not a confirmation or the current one.
fn names_password(name: &str) -> bool {
    // `ADMIN_PASSWORD: z.string().min(8)` validates an environment variable.
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    lower.contains("password")
        && ![
            "confirm", "current", "old", "hash", "reset", "token", "forgot",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

fn number(token: Option<&Token>) -> Option<u64> {
    token
        .filter(|t| t.kind == Kind::Number)
        .and_then(|t| t.text.parse().ok())
}

/// Minimum lengths stated in `module`, each with the index where.
fn minimums(module: &Module) -> Vec<(u64, usize)> {
    let tokens = &module.tokens;
    let at = |i: usize| tokens.get(i);
    let mut found = Vec::new();
    for i in 0..tokens.len() {
        let token = &tokens[i];
        if token.kind != Kind::Ident && !token.is_string() {
            continue;
        }
        // `minPasswordLength: 10`.
        if token.is_ident("minPasswordLength") && at(i + 1).is_some_and(|t| t.is_punct(":")) {
            found.extend(number(at(i + 2)).map(|n| (n, i)));
        }
        // validator `isLength(req.body.password, { min: 8 })`, express-validator
        // `body('password').isLength({ min: 8 })`.
        if token.is_ident("isLength") && at(i + 1).is_some_and(|t| t.is_punct("(")) {
            let close = js::matching(tokens, i + 1);
            let about_password = tokens[i.saturating_sub(8)..close.min(tokens.len())]
                .iter()
                .any(|t| (t.kind == Kind::Ident || t.is_string()) && names_password(&t.text));
            let min = js::arguments(tokens, i + 1)
                .last()
                .and_then(|r| js::object_value(tokens, r.clone(), "min"))
                .and_then(|r| number(tokens.get(r.start)));
            if let Some(min) = min.filter(|_| about_password) {
                found.push((min, i));
            }
        }
        if !names_password(&token.text) {
            continue;
        }
        // A property `password: string;` with decorators before it.
        let property =
            at(i + 1).is_some_and(|t| t.is_punct(":") || t.is_punct("?") || t.is_punct("!"));
        if property {
            let start = i.saturating_sub(40);
            let before = &tokens[start..i];
            let from = before
                .iter()
                .rposition(|t| t.is_punct(";") || t.is_punct("{"))
                .map_or(0, |p| p + 1);
            for (j, t) in before.iter().enumerate().skip(from) {
                if t.is_ident("IsStrongPassword") {
                    found.push((SHORTEST_PASSWORD, start + j));
                }
                if (t.is_ident("MinLength") || t.is_ident("Length"))
                    && before.get(j + 1).is_some_and(|t| t.is_punct("("))
                {
                    found.extend(number(before.get(j + 2)).map(|n| (n, start + j)));
                }
            }
            // `password: z.string().min(8)`, `password: { type: 'string', minLength: 8 }`.
            let mut depth = 0i32;
            for (j, t) in tokens.iter().enumerate().take(i + 60).skip(i + 2) {
                if t.is_punct("(") || t.is_punct("{") || t.is_punct("[") {
                    depth += 1;
                } else if t.is_punct(")") || t.is_punct("}") || t.is_punct("]") {
                    depth -= 1;
                    if depth < 0 {
                        break;
                    }
                } else if depth == 0 && (t.is_punct(",") || t.is_punct(";")) {
                    break;
                }
                let min_call = (t.is_ident("min") || t.is_ident("minLength"))
                    && at(j + 1).is_some_and(|n| n.is_punct("(") || n.is_punct(":"));
                if min_call {
                    found.extend(number(at(j + 2)).map(|n| (n, j)));
                }
            }
        }
        // A validator named after passwords: `const password = (value) => { if (value.length < 8) … }`.
        let declared = i > 0
            && ["const", "function", "let"]
                .iter()
                .any(|k| tokens[i - 1].is_ident(k));
        if declared {
            for j in i..tokens.len().min(i + 80).saturating_sub(2) {
                if tokens[j].is_ident("length")
                    && (tokens[j + 1].is_punct("<") || tokens[j + 1].is_punct(">="))
                {
                    found.extend(number(at(j + 2)).map(|n| (n, j)));
                    break;
                }
            }
        }
    }
    found
}

/// The password policy of a service that stores passwords (`hashes`).
pub fn password_policy(modules: &[Module], hashes: bool, sink: &mut Sink) -> Value {
    let mut best: Option<(u64, At)> = None;
    for module in modules {
        for (length, i) in minimums(module) {
            if best.as_ref().is_none_or(|(b, _)| length > *b) {
                best = Some((length, At::of(module, i)));
            }
        }
    }
    let enforced = best.as_ref().is_some_and(|(l, _)| *l >= SHORTEST_PASSWORD);
    if hashes && !enforced {
        sink.push(
            Finding::warn(
                findings::PASSWORD_POLICY_WEAK,
                Severity::Medium,
                match &best {
                    Some((length, _)) => format!("passwords of {length} characters are accepted"),
                    None => "passwords are stored, but no schema sets their shortest length".to_owned(),
                },
            )
            .fix(format!("require at least {SHORTEST_PASSWORD} characters where passwords are set: `@MinLength({SHORTEST_PASSWORD})`, `z.string().min({SHORTEST_PASSWORD})`")),
            best.as_ref().map(|(_, at)| at),
        );
    }
    let at = best.as_ref().map(|(_, at)| at.clone());
    json!({"min_length": best.map(|(l, _)| l), "at": at_json(&at)})
}
