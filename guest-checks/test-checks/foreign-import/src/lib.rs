//! Test-only: a check importing `gonogo-test:foreign/teleporter`, which no
//! gonogo host provides. It runs as long as it does not call the import
//! (`with: { call: false }`); calling it traps (`with: { call: true }`).

#![allow(missing_docs)] // generated bindings

wit_bindgen::generate!({
    world: "gonogo-test:foreign/check-with-foreign-import",
    path: ["../../../wit", "wit"],
    generate_all,
});

struct ForeignImport;

impl Guest for ForeignImport {
    fn describe() -> gonogo::check::types::CheckInfo {
        gonogo::check::types::CheckInfo {
            id: "foreign-import".into(),
            name: "Foreign import".into(),
            version: "0.1.0".into(),
            description: "Imports an interface the host does not provide.".into(),
        }
    }

    fn run(config: String) -> Result<gonogo::check::types::Outcome, String> {
        let beamed = if config.contains("\"call\":true") {
            gonogo_test::foreign::teleporter::beam("mars")
        } else {
            "not called".to_owned()
        };
        Ok(gonogo::check::types::Outcome {
            findings: Vec::new(),
            facts: format!("{{\"beamed\": \"{beamed}\"}}"),
        })
    }
}

export!(ForeignImport);
