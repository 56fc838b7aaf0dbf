//! JWT signing with an expiry.

use super::Sink;
use crate::findings;
use crate::scan::{self, calls};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self};
use gonogo_check::{Finding, Severity, Value, json};

/// JWT signing with an expiry.
pub fn jwt(modules: &[Module], sink: &mut Sink) -> Value {
    let mut signs = false;
    let mut without_expiry = Vec::new();
    let mut expires = Vec::new();
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
                Some(range) => expires.push(call.tokens()[range.start].text.to_string()),
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
                    Some(i) => expires.push(
                        tokens
                            .get(range.start + i + 2)
                            .map_or(String::new(), |t| t.text.to_string()),
                    ),
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
        signs |=
            module.may_mention("SignJWT") && module.tokens.iter().any(|t| t.is_ident("SignJWT"));
        if module.may_mention("setExpirationTime")
            && module
                .tokens
                .iter()
                .any(|t| t.is_ident("setExpirationTime"))
        {
            expires.push("jose".into());
        }
    }
    json!({"signs": signs, "expiry_set": signs.then_some(without_expiry.is_empty()), "expires_in": expires, "without_expiry": without_expiry})
}
