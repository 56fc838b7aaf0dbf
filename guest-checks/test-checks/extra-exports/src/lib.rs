//! Test-only: a check whose component also exports `extra-hello`; the host
//! must run it like any other check.

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
        Ok(Outcome {
            findings: Vec::new(),
            facts: r#"{"ran": true}"#.into(),
        })
    }

    fn extra_hello() -> String {
        "hello".into()
    }
}

export!(ExtraExports);
