//! The gonogo check `{{name}}`: reads README.md from the project and
//! reports whether it is there and how long it is.

#![allow(missing_docs)] // generated bindings

wit_bindgen::generate!({ world: "check", path: "wit", generate_all });

// `CheckInfo` and `Outcome` come with the world (`use types.{…}` in the WIT).
use gonogo::check::types::{Finding, Location, Severity, Status};

struct Check;

impl Guest for Check {
    fn describe() -> CheckInfo {
        CheckInfo {
            id: "{{name}}".into(),
            name: "{{name}}".into(),
            version: "0.1.0".into(),
            description: "Whether the project has a README, and how long it is.".into(),
        }
    }

    fn run(_config: String) -> Result<Outcome, String> {
        // The project is mounted read-only at /project.
        let readme = std::fs::read_to_string("/project/README.md").ok();
        let finding = match &readme {
            Some(_) => Finding {
                id: "readme".into(),
                status: Status::Pass,
                severity: Severity::Info,
                message: "README.md is present".into(),
                location: Some(Location { path: "README.md".into(), line: None }),
                remediation: None,
            },
            None => Finding {
                id: "readme-missing".into(),
                status: Status::Fail,
                severity: Severity::Low,
                message: "The project has no README.md".into(),
                location: None,
                remediation: Some("Add a README.md that says how to run the service".into()),
            },
        };
        let lines = readme.as_deref().map_or(0, |text| text.lines().count());
        Ok(Outcome {
            findings: vec![finding],
            facts: format!(r#"{{"readme": {{"present": {}, "lines": {lines}}}}}"#, readme.is_some()),
        })
    }
}

export!(Check);
