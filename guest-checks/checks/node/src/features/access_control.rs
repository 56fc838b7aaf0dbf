//! Role- or permission-based access control: an authorization library, a
//! role or permission decorator or guard (`@Roles('admin')`, `RolesGuard`,
//! `@HasPermission(…)`, routing-controllers `@Authorized(['admin'])`), a
//! role check called as middleware (`requireRole('admin')`), or a user's
//! role or rights compared or looked up (`user.role === 'admin'`,
//! `roleRights.get(user.role)`, `userRights.includes(right)`).

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, package_used};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};

/// Authorization libraries: using one is access control.
const LIBRARIES: &[&str] = &[
    "@casl/ability",
    "@casl/prisma",
    "accesscontrol",
    "nest-access-control",
    "casbin",
    "role-acl",
    "express-jwt-permissions",
    "@cerbos/grpc",
    "@cerbos/http",
    "permitio",
    "@openfga/sdk",
    "oso-cloud",
];

/// Whether an identifier names roles or permissions (`Roles`,
/// `RequirePermissions`, `userRights`).
fn names_roles(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["role", "permission", "rights"]
        .iter()
        .any(|word| lower.contains(word))
        && !lower.contains("copyright")
}

/// Whether an identifier names a data-access object rather than a set of
/// roles (`rolesService.get(id)` reads a row, it checks nothing).
fn names_store(name: &str) -> bool {
    [
        "Service",
        "Repository",
        "Repo",
        "Model",
        "Client",
        "Prisma",
        "Cache",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

/// Whether a called function checks a role (`hasRole`, `requirePermission`,
/// `checkRights`, `authorize`): a verb of checking and a word of roles.
fn checks_roles(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["has", "check", "require", "ensure", "verify", "can", "is"]
        .iter()
        .any(|verb| lower.starts_with(verb))
        && names_roles(name)
}

/// The first place in `module` where a role or permission is enforced.
fn enforced_in(module: &Module) -> Option<(&'static str, usize)> {
    let tokens = &module.tokens;
    let at = |i: usize| tokens.get(i);
    let import_lines: Vec<u32> = module.imports.iter().map(|i| i.line).collect();
    for i in 0..tokens.len() {
        let token = &tokens[i];
        // A name imported is not yet a name used.
        if token.kind != Kind::Ident || import_lines.contains(&token.line) {
            continue;
        }
        let called = at(i + 1).is_some_and(|t| t.is_punct("("));
        let decorated = i > 0 && tokens[i - 1].is_punct("@");
        let has_argument = called && at(i + 2).is_some_and(|t| !t.is_punct(")"));
        // `@Roles(Role.Admin)`, `@HasPermission(p)`, `@Authorized(['admin'])`.
        if decorated && has_argument && (names_roles(&token.text) || token.is_ident("Authorized")) {
            return Some(("role decorator", i));
        }
        // `UseGuards(RolesGuard)`, `{ provide: APP_GUARD, useClass: RolesGuard }`.
        let guard_of_roles = names_roles(&token.text) || token.text.contains("Polic");
        if token.text.ends_with("Guard") && guard_of_roles && !declares(tokens, i) {
            return Some(("role guard", i));
        }
        // `requireRole('admin')`, `hasPermission(user.permissions, p)`.
        if called && has_argument && checks_roles(&token.text) && !declares(tokens, i) {
            return Some(("role check", i));
        }
        // `user.role === 'admin'`, `roles.includes(…)`, `rights.get(user.role)`.
        if names_roles(&token.text) && i > 0 && tokens[i - 1].is_punct(".") && compared(tokens, i) {
            return Some(("role comparison", i));
        }
        let membership = at(i + 2).is_some_and(|t| {
            ["includes", "some", "every", "indexOf", "has"]
                .iter()
                .any(|m| t.is_ident(m))
        });
        // `rights.get(user.role)`: a lookup by the user's role, not `permissions.get(code)`.
        let by_role = at(i + 2).is_some_and(|t| t.is_ident("get"))
            && tokens[i + 3..tokens.len().min(i + 10)]
                .iter()
                .take_while(|t| !t.is_punct(")"))
                .any(|t| t.is_ident("role") || t.is_ident("roles"));
        if names_roles(&token.text)
            && !names_store(&token.text)
            && at(i + 1).is_some_and(|t| t.is_punct("."))
            && (membership || by_role)
            && at(i + 3).is_some_and(|t| t.is_punct("("))
            && at(i + 4).is_some_and(|t| !t.is_punct(")"))
        {
            return Some(("role lookup", i));
        }
    }
    None
}

/// Whether token `i` is the name in a declaration (`class RolesGuard`,
/// `function hasRole(`, `export const hasRole =`), not a use.
fn declares(tokens: &[Token], i: usize) -> bool {
    i > 0
        && [
            "class",
            "function",
            "const",
            "let",
            "var",
            "interface",
            "type",
        ]
        .iter()
        .any(|k| tokens[i - 1].is_ident(k))
}

/// Whether the member at `i` (`.role`) is compared with `===`/`!==`.
fn compared(tokens: &[Token], i: usize) -> bool {
    let op = |t: Option<&Token>| {
        t.is_some_and(|t| ["===", "!==", "==", "!="].iter().any(|p| t.is_punct(p)))
    };
    op(tokens.get(i + 1)) || (i >= 3 && op(tokens.get(i - 3)) && tokens[i - 1].is_punct("."))
}

/// Role- or permission-based access control in the service.
pub fn access_control(modules: &[Module], sink: &mut Sink) -> Value {
    let mut found: Option<(String, At)> = package_used(modules, LIBRARIES);
    if found.is_none() {
        found = modules.iter().find_map(|module| {
            enforced_in(module).map(|(via, i)| (via.to_owned(), At::of(module, i)))
        });
    }
    if found.is_none() {
        sink.push(
            Finding::warn(
                findings::ACCESS_CONTROL_MISSING,
                Severity::Medium,
                "no role or permission check in the code the entry point reaches",
            )
            .fix("guard privileged routes by role: Nest `@Roles()` with a `RolesGuard`, CASL, or a `requireRole('admin')` middleware"),
            None,
        );
    }
    let at = found.as_ref().map(|(_, at)| at.clone());
    json!({"present": found.is_some(), "via": found.map(|(via, _)| via), "at": at_json(&at)})
}
