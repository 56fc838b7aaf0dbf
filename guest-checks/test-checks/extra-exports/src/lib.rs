//! Test-only: a check whose component also exports `extra-hello`; the host
//! must run it like any other check. It exports no `part`, so a part it
//! asks for is refused with a message saying so.

#![allow(missing_docs)] // generated bindings

wit_bindgen::generate!({
    world: "gonogo-test:extra/check-plus",
    path: ["../../../wit", "wit"],
    generate_all,
});

struct ExtraExports;

impl Guest for ExtraExports {
    fn describe() -> CheckInfo {
        CheckInfo {
            id: "extra-exports".into(),
            name: "Extra exports".into(),
            version: "0.1.0".into(),
            description: "A check with an export beyond the check world.".into(),
        }
    }

    fn run(_config: String) -> Result<Outcome, String> {
        // This world has no `part` export: asking for a part must say so.
        let part = gonogo::check::host::parts(&["any".to_owned()])
            .pop()
            .and_then(Result::err)
            .unwrap_or_default();
        Ok(Outcome {
            findings: Vec::new(),
            facts: format!(r#"{{"ran": true, "part_error": {part:?}}}"#),
        })
    }

    fn extra_hello() -> String {
        "hello".into()
    }
}

export!(ExtraExports);
