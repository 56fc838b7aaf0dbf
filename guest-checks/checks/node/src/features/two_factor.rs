//! Second factors: TOTP (otplib, speakeasy, otpauth), WebAuthn passkeys,
//! or better-auth's two-factor and passkey plugins.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Libraries of second factors.
const LIBRARIES: &[&str] = &[
    "otplib",
    "@otplib/core",
    "@otplib/preset-default",
    "speakeasy",
    "otpauth",
    "node-2fa",
    "@simplewebauthn/server",
    "fido2-lib",
    "@passwordless-id/webauthn",
    "@better-auth/passkey",
];

/// better-auth's plugins of a second factor, called in the auth setup.
fn better_auth_plugin(modules: &[Module]) -> Option<At> {
    modules.iter().find_map(|module| {
        module.imports_package("better-auth")?;
        let tokens = &module.tokens;
        (0..tokens.len().saturating_sub(1)).find_map(|i| {
            ((tokens[i].is_ident("twoFactor") || tokens[i].is_ident("passkey"))
                && tokens[i + 1].is_punct("("))
            .then(|| At::of(module, i))
        })
    })
}

/// The second factor the service offers, if any.
pub fn two_factor(modules: &[Module], sink: &mut Sink) -> Value {
    let found = package_used(modules, LIBRARIES).or_else(|| {
        better_auth_plugin(modules).map(|at| ("better-auth two-factor plugin".to_owned(), at))
    });
    if found.is_none() {
        sink.push(
            Finding::warn(
                findings::TWO_FACTOR_MISSING,
                Severity::Low,
                "no second factor (TOTP or WebAuthn) is offered",
            )
            .fix("offer TOTP (`otplib`) or passkeys (`@simplewebauthn/server`), at least for administrators"),
            None,
        );
    }
    let at = found.as_ref().map(|(_, at)| at.clone());
    json!({"library": found.map(|(library, _)| library), "at": at_json(&at)})
}
