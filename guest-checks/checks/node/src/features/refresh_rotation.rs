//! Refresh-token rotation: where the service has a refresh route (a path
//! naming `refresh`), whether the code that refreshes (a function or
//! method whose name says it refreshes, or the route's inline handler)
//! both issues a new token and invalidates the old one: a delete, update
//! or revocation of a stored token or session (`refreshTokenDoc.remove()`,
//! `sessionService.updateByHash(…)`, `prisma.refreshToken.delete(…)`,
//! `redis.del(\`refresh:…\`)`). A refresh that only signs a new access
//! token leaves a stolen refresh token valid until it expires.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{self, At, Call};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};
use std::ops::Range;

/// Calls that remove or replace what is stored, when what they act on is
/// a token or a session (and any call whose name starts with `update`,
/// `delete` or `remove`: `updateByHash`).
const INVALIDATING: &[&str] = &[
    "remove",
    "delete",
    "deleteOne",
    "deleteMany",
    "destroy",
    "del",
    "unlink",
    "update",
    "updateOne",
    "updateMany",
    "findOneAndUpdate",
    "findByIdAndUpdate",
    "findOneAndDelete",
    "findByIdAndDelete",
    "findOneAndRemove",
    "upsert",
    "set",
    "save",
];

/// How the service rotates refresh tokens: `route` (the first refresh
/// route, `METHOD path`), `rotates` (true, false, or null when the code
/// that refreshes was not found), `at` (where the refresh is worked out).
pub fn refresh_rotation(
    modules: &[Module],
    routes: &[Vec<(String, Call<'_>)>],
    sink: &mut Sink,
) -> Value {
    let Some((route, module_index, call)) = refresh_route(modules, routes) else {
        return Value::Null;
    };
    let mut bodies: Vec<(&Module, Range<usize>)> = Vec::new();
    for module in modules {
        bodies.extend(refreshing_functions(&module.tokens).map(|range| (module, range)));
    }
    let module = &modules[module_index];
    let close = js::matching(&module.tokens, call.open);
    bodies.push((module, call.open..close));
    let mut issues_only: Option<At> = None;
    for (module, body) in &bodies {
        let tokens = &module.tokens;
        let issues = issues_a_token(tokens, body.clone());
        match (issues, invalidates(tokens, body.clone())) {
            (true, Some(at)) => {
                let at = Some(At::of(module, at));
                return json!({"route": route, "rotates": true, "at": at_json(&at)});
            }
            (true, None) if issues_only.is_none() => {
                issues_only = Some(At::of(module, body.start));
            }
            _ => {}
        }
    }
    let Some(at) = issues_only else {
        return json!({"route": route, "rotates": Value::Null, "at": Value::Null});
    };
    sink.push(
        Finding::fail(
            findings::REFRESH_NOT_ROTATED,
            Severity::High,
            format!("`{route}` issues new tokens without invalidating the refresh token it was given: a stolen one stays valid until it expires"),
        )
        .fix("store each refresh token (or its session's hash), and on refresh delete or replace it before issuing the next"),
        Some(&at),
    );
    json!({"route": route, "rotates": false, "at": at_json(&Some(at))})
}

/// The first route whose path names a refresh (`POST /auth/refresh`):
/// `METHOD path`, its module's index and its call.
fn refresh_route<'a>(
    modules: &[Module],
    routes: &'a [Vec<(String, Call<'a>)>],
) -> Option<(String, usize, &'a Call<'a>)> {
    modules
        .iter()
        .zip(routes)
        .enumerate()
        .find_map(|(index, (module, routes))| {
            let prefix = scan::controller_prefix(module).unwrap_or_default();
            routes.iter().find_map(|(path, call)| {
                let full = scan::join_route(&prefix, path);
                let method = call.tokens()[call.name_index].text.to_ascii_uppercase();
                gonogo_analysis::contains_ignore_case(&full, "refresh")
                    .then(|| (format!("{method} {full}"), index, call))
            })
        })
}

/// The bodies of the functions and methods defined in `tokens` whose name
/// says they refresh (`refreshAuth`, `refreshToken(…) {`, `const refresh
/// = async (…) => {`), not their calls.
fn refreshing_functions(tokens: &[Token]) -> impl Iterator<Item = Range<usize>> + '_ {
    (0..tokens.len()).filter_map(move |i| {
        let name = &tokens[i];
        if name.kind != Kind::Ident || !gonogo_analysis::contains_ignore_case(&name.text, "refresh")
        {
            return None;
        }
        let before = i.checked_sub(1).map(|b| &tokens[b]);
        if before.is_some_and(|b| {
            b.is_punct(".")
                || b.is_punct("?.")
                || b.is_ident("await")
                || b.is_ident("return")
                || b.is_ident("new")
        }) {
            return None;
        }
        // `name = async (…) =>`, `name: function (…)`: the parameters follow.
        let mut open = i + 1;
        while tokens.get(open).is_some_and(|t| {
            t.is_punct("=") || t.is_punct(":") || t.is_ident("async") || t.is_ident("function")
        }) {
            open += 1;
        }
        if !tokens.get(open)?.is_punct("(") {
            return None;
        }
        let close = js::matching(tokens, open);
        let start = body_start(tokens, close + 1)?;
        Some(start..js::matching(tokens, start))
    })
}

/// The `{` of a body after a parameter list's `)`: past a return type
/// (`: Promise<{ a: string }>`) and an arrow; none when what follows is not
/// a body (a call's `;`, `.`, `,`).
fn body_start(tokens: &[Token], mut at: usize) -> Option<usize> {
    let mut in_type = false;
    while let Some(token) = tokens.get(at) {
        if token.is_punct("{") {
            let previous = &tokens[at - 1];
            if in_type
                && (previous.is_punct(":")
                    || previous.is_punct("<")
                    || previous.is_punct("|")
                    || previous.is_punct("&")
                    || previous.is_punct(","))
            {
                at = js::matching(tokens, at) + 1;
                continue;
            }
            return Some(at);
        }
        if token.is_punct(":") && !in_type {
            in_type = true;
        } else if token.is_punct("=>") {
            in_type = false;
        } else if !in_type || token.is_punct(";") {
            return None;
        }
        at += 1;
    }
    None
}

/// Whether the body signs or generates a token (`jwt.sign(`,
/// `generateAuthTokens(`, `this.getTokensData(`, `createRefreshToken(`).
fn issues_a_token(tokens: &[Token], body: Range<usize>) -> bool {
    body.clone().any(|i| {
        let name = &tokens[i];
        name.kind == Kind::Ident
            && tokens.get(i + 1).is_some_and(|t| t.is_punct("("))
            && (matches!(name.text.as_str(), "sign" | "signAsync" | "SignJWT")
                || (gonogo_analysis::contains_ignore_case(&name.text, "token")
                    && ["generate", "create", "sign", "issue", "get", "make", "new"]
                        .iter()
                        .any(|verb| name.text.to_ascii_lowercase().starts_with(verb))))
    })
}

/// Where the body deletes, replaces or revokes a stored token or session:
/// an [`INVALIDATING`] call whose receiver chain or arguments name a
/// token, a session or a refresh, or a call whose own name does
/// (`revokeRefreshToken(`, `blacklistToken(`, `invalidateSession(`).
fn invalidates(tokens: &[Token], body: Range<usize>) -> Option<usize> {
    let about_tokens = |text: &str| {
        ["token", "session", "refresh", "jti"]
            .iter()
            .any(|word| gonogo_analysis::contains_ignore_case(text, word))
    };
    body.clone().find(|&i| {
        let name = &tokens[i];
        if name.kind != Kind::Ident || !tokens.get(i + 1).is_some_and(|t| t.is_punct("(")) {
            return false;
        }
        let lower = name.text.to_ascii_lowercase();
        if ["revoke", "blacklist", "invalidate", "rotate", "denylist"]
            .iter()
            .any(|verb| lower.starts_with(verb))
            || (["delete", "remove", "destroy"]
                .iter()
                .any(|v| lower.starts_with(v))
                && about_tokens(&name.text))
        {
            return true;
        }
        let invalidating = INVALIDATING.contains(&name.text.as_str())
            || ["update", "delete", "remove"]
                .iter()
                .any(|v| lower.starts_with(v));
        if !invalidating || i == 0 || !tokens[i - 1].is_punct(".") {
            return false;
        }
        // The receiver chain: `prisma.refreshToken`, `this.sessionService`.
        let mut start = i - 1;
        while start >= 2 && tokens[start].is_punct(".") && tokens[start - 1].kind == Kind::Ident {
            start -= 2;
        }
        let receiver = tokens[start..i].iter().any(|t| about_tokens(&t.text));
        let close = js::matching(tokens, i + 1);
        let arguments = tokens[i + 1..close.min(body.end)]
            .iter()
            .any(|t| t.kind != Kind::Punct && about_tokens(&t.text));
        receiver || arguments
    })
}
