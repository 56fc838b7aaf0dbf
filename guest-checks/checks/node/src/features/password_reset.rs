//! A password reset by email: a route that requests or performs a reset
//! (`POST /auth/forgot-password`, `/password/reset`) in a service that sends
//! email (nodemailer, SendGrid, Resend, Postmark, Brevo, Mailgun, SES,
//! Nest's mailer), or better-auth's `sendResetPassword`, which serves the
//! routes itself.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{self, At, Call, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Libraries that send email.
pub(super) const EMAIL_LIBRARIES: &[&str] = &[
    "nodemailer",
    "@sendgrid/mail",
    "resend",
    "postmark",
    "@getbrevo/brevo",
    "sib-api-v3-sdk",
    "@sendinblue/client",
    "mailgun.js",
    "mailgun-js",
    "@aws-sdk/client-ses",
    "@aws-sdk/client-sesv2",
    "@nestjs-modules/mailer",
    "@mailchimp/mailchimp_transactional",
    "mailersend",
    "@azure/communication-email",
];

/// Whether a route path requests or performs a password reset.
fn resets_a_password(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("forgot")
        || lower.contains("forget-password")
        || (lower.contains("reset") && (lower.contains("password") || lower.contains("pwd")))
        || lower.contains("password/recover")
        || lower.contains("recover-password")
}

/// better-auth's `sendResetPassword` option, which enables its reset routes.
fn better_auth_reset(modules: &[Module]) -> Option<At> {
    modules.iter().find_map(|module| {
        module.imports_package("better-auth")?;
        let tokens = &module.tokens;
        (0..tokens.len().saturating_sub(1)).find_map(|i| {
            (tokens[i].is_ident("sendResetPassword") && tokens[i + 1].is_punct(":"))
                .then(|| At::of(module, i))
        })
    })
}

/// The first route that resets a password, as `METHOD path`.
fn reset_route(modules: &[Module], routes: &[Vec<(String, Call<'_>)>]) -> Option<(String, At)> {
    modules.iter().zip(routes).find_map(|(module, routes)| {
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        routes.iter().find_map(|(path, call)| {
            let method = call.tokens()[call.name_index].text.to_ascii_lowercase();
            if !matches!(method.as_str(), "post" | "put" | "patch" | "get" | "all") {
                return None;
            }
            let full = scan::join_route(&prefix, path);
            resets_a_password(&full)
                .then(|| (format!("{} {full}", method.to_ascii_uppercase()), call.at()))
        })
    })
}

/// How the service lets a user reset a forgotten password by email.
pub fn password_reset(
    modules: &[Module],
    routes: &[Vec<(String, Call<'_>)>],
    passwords: bool,
    sink: &mut Sink,
) -> Value {
    let email = package_used(modules, EMAIL_LIBRARIES);
    let (route, at, by_email) = match better_auth_reset(modules) {
        Some(at) => (
            Some("better-auth sendResetPassword".to_owned()),
            Some(at),
            true,
        ),
        None => match reset_route(modules, routes) {
            Some((route, at)) => (Some(route), Some(at), email.is_some()),
            None => (None, None, false),
        },
    };
    if passwords && !by_email {
        let message = match &route {
            None => "users have passwords, but no route resets a forgotten one".to_owned(),
            Some(route) => format!("`{route}` resets passwords, but the service sends no email"),
        };
        sink.push(
            Finding::warn(findings::PASSWORD_RESET_MISSING, Severity::Medium, message)
                .fix("`POST /auth/forgot-password` emails a single-use, expiring link (nodemailer, Resend, SES…); `POST /auth/reset-password` sets the new password"),
            at.as_ref(),
        );
    }
    json!({
        "route": route,
        "at": at_json(&at),
        "email_library": email.as_ref().map(|(library, _)| library),
        "by_email": by_email,
    })
}

#[cfg(test)]
mod tests {
    use super::resets_a_password;

    #[test]
    fn reset_routes_are_told_by_their_path() {
        for path in [
            "/auth/forgot-password",
            "/api/v1/auth/reset-password",
            "/users/password/reset",
            "/account/forgotPassword",
            "/password/recover",
        ] {
            assert!(resets_a_password(path), "{path}");
        }
        for path in [
            "/auth/login",
            "/settings/reset-filters",
            "/users/me/password",
        ] {
            assert!(!resets_a_password(path), "{path}");
        }
    }
}
