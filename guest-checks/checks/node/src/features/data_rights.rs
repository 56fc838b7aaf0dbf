//! Users' data rights: a route that exports a user's data
//! (`GET /users/me/export`, `/account/data-export`) and one that deletes an
//! account (`DELETE /users/me`, `DELETE /account`, `DELETE /users/:id`).

use super::Sink;
use crate::findings;
use crate::scan::{self, Call};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js;
use gonogo_check::{Finding, Severity, Value, json};

/// How surely a path is about the user themselves: 2 for `me`, `user(s)`,
/// `profile`, `customer(s)`; 1 for `account(s)` (often another resource:
/// a bank account, a portfolio); 0 otherwise.
fn about_a_user(path: &str) -> u8 {
    path.split('/')
        .map(|segment| match segment.to_ascii_lowercase().as_str() {
            "me" | "user" | "users" | "profile" | "customer" | "customers" => 2,
            "account" | "accounts" => 1,
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// Whether a path exports the requester's own data: a user's path that
/// exports (`/users/me/export`), or an export at the top of the API
/// (`/export`, `/api/v1/data-export`), not a resource's (`/orders/export`).
fn exports_own_data(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let exports = lower.contains("export") || lower.ends_with("/data");
    let resources = lower
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with(':') && !s.starts_with('{'))
        .filter(|s| {
            *s != "api" && !(s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit()))
        })
        .filter(|s| !s.contains("export") && *s != "data")
        .count();
    exports && (about_a_user(path) > 0 || resources == 0)
}

/// Whether a module's file is about users (`user.route.js`,
/// `users.controller.ts`), whose routes are mounted under a user path.
fn module_about_users(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.split(['.', '-', '_'])
        .any(|p| matches!(p, "user" | "users" | "profile" | "me"))
}

/// The route method of a route-defining call (`get`, `Delete`…), lower case.
fn method(call: &Call) -> String {
    call.tokens()[call.name_index]
        .text
        .to_ascii_lowercase()
        .to_string()
}

/// The first export and deletion routes of users' data, as `METHOD path`
/// with where they are defined.
pub fn data_rights(
    modules: &[Module],
    routes: &[Vec<(String, Call<'_>)>],
    sink: &mut Sink,
) -> Value {
    let mut export: Option<(u8, Value)> = None;
    let mut deletion: Option<(u8, Value)> = None;
    let mut consider = |method: &str, full: String, at: crate::scan::At, users_module: bool| {
        let found = json!({"route": format!("{} {full}", method.to_ascii_uppercase()), "path": at.path, "line": at.line});
        let sureness = about_a_user(&full).max(if users_module { 2 } else { 0 });
        if method != "delete"
            && exports_own_data(&full)
            && export.as_ref().is_none_or(|(s, _)| sureness > *s)
        {
            export = Some((sureness, found.clone()));
        }
        if method == "delete"
            && sureness > 0
            && deletion.as_ref().is_none_or(|(s, _)| sureness > *s)
        {
            deletion = Some((sureness, found));
        }
    };
    for (module, routes) in modules.iter().zip(routes) {
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        let users_module = module_about_users(&module.path);
        for (path, call) in routes {
            let method = method(call);
            if method == "controller" || method == "use" {
                continue;
            }
            consider(
                &method,
                scan::join_route(&prefix, path),
                call.at(),
                users_module,
            );
        }
        // Express chains: `router.route('/:userId').get(…).delete(…)`.
        for call in scan::calls(std::slice::from_ref(module), "route") {
            let Some(path) = call.string_arg(0) else {
                continue;
            };
            let tokens = call.tokens();
            let mut next = js::matching(tokens, call.open) + 1;
            while tokens.get(next).is_some_and(|t| t.is_punct("."))
                && tokens.get(next + 2).is_some_and(|t| t.is_punct("("))
            {
                let name = tokens[next + 1].text.to_ascii_lowercase();
                consider(
                    name.as_str(),
                    scan::join_route(&prefix, path),
                    crate::scan::At::of(module, next + 1),
                    users_module,
                );
                next = js::matching(tokens, next + 2) + 1;
            }
        }
    }
    let export = export.map(|(_, v)| v);
    let deletion = deletion.map(|(_, v)| v);
    if export.is_none() {
        sink.push(
            Finding::warn(
                findings::DATA_EXPORT_MISSING,
                Severity::Low,
                "no route exports a user's data",
            )
            .fix("let users download their data: `GET /users/me/export`"),
            None,
        );
    }
    if deletion.is_none() {
        sink.push(
            Finding::warn(findings::ACCOUNT_DELETION_MISSING, Severity::Low, "no route deletes a user's account")
                .fix("let users delete their account and data: `DELETE /users/me`, with the related rows removed"),
            None,
        );
    }
    json!({"export": export, "deletion": deletion})
}
