//! Password hashing: the library and bcrypt cost factors.

use super::Sink;
use crate::findings;
use crate::scan::{self, calls, initializer, package_used};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::Kind;
use gonogo_check::{Finding, Severity, Value, json};

/// Password hashing: the library and bcrypt cost factors.
pub fn password_hashing(modules: &[Module], sink: &mut Sink) -> Value {
    let library = package_used(
        modules,
        &[
            "argon2",
            "@node-rs/argon2",
            "bcrypt",
            "bcryptjs",
            "@node-rs/bcrypt",
        ],
    )
    .map(|l| l.0);
    let mut rounds = Vec::new();
    for module in modules {
        let bindings = scan::bindings_of(module, &["bcrypt", "bcryptjs", "@node-rs/bcrypt"]);
        if bindings.is_empty() {
            continue;
        }
        let single = std::slice::from_ref(module);
        for (name, arg) in [
            ("hash", 1),
            ("hashSync", 1),
            ("genSalt", 0),
            ("genSaltSync", 0),
        ] {
            for call in calls(single, name) {
                let bound = call.receiver().is_some_and(|r| bindings.contains(&r))
                    || bindings.contains(&name);
                let Some(range) = call.args.get(arg).filter(|_| bound) else {
                    continue;
                };
                let token = &call.tokens()[range.start];
                let value = if token.kind == Kind::Number {
                    token.text.parse::<u32>().ok()
                } else if token.kind == Kind::Ident {
                    initializer(module, &token.text).and_then(|r| {
                        call.tokens()[r]
                            .iter()
                            .find(|t| t.kind == Kind::Number)
                            .and_then(|t| t.text.parse().ok())
                    })
                } else {
                    None
                };
                if let Some(value) = value {
                    rounds.push(value);
                    if value < 10 {
                        sink.push(
                            Finding::fail(
                                findings::WEAK_PASSWORD_HASHING,
                                Severity::High,
                                format!("bcrypt cost {value} is below 10"),
                            )
                            .fix("use a cost of 12 (or argon2id)"),
                            Some(&call.at()),
                        );
                    }
                }
            }
        }
    }
    json!({"library": library, "bcrypt_rounds": rounds})
}
