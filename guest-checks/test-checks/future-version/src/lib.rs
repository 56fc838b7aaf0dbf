//! Test-only: a check of `gonogo:check@0.2.0`. Its exports have the names a
//! 0.1.0 host looks for, with other types: the host must refuse it by its
//! version, with a message saying which version it was built against.

#![allow(missing_docs)] // generated bindings

wit_bindgen::generate!({
    world: "gonogo:check/check@0.2.0",
    path: "wit",
});

struct FutureVersion;

impl Guest for FutureVersion {
    fn describe() -> gonogo::check::types::CheckInfo {
        gonogo::check::types::CheckInfo {
            id: "future-version".into(),
            name: "Future version".into(),
            version: "0.2.0".into(),
            description: "Built against a version of the contract this host does not implement."
                .into(),
            homepage: "https://example.invalid".into(),
        }
    }

    fn run(_config: String) -> Result<gonogo::check::types::Outcome, String> {
        Ok(gonogo::check::types::Outcome { facts: "{}".into() })
    }
}

export!(FutureVersion);
