//! The guest SDK: write a gonogo check in Rust as one short file.
//!
//! A check implements [`Check`] and exports itself with [`export_check!`]:
//!
//! ```ignore
//! use gonogo_check::{Check, Info, Report, Finding, Severity};
//!
//! struct Readme;
//!
//! impl Check for Readme {
//!     type Config = ();
//!     const INFO: Info = Info {
//!         id: "readme",
//!         name: "README present",
//!         version: "0.1.0",
//!         description: "Looks for a README at the project root.",
//!     };
//!     fn run(_: ()) -> Result<Report, String> {
//!         let mut report = Report::new();
//!         let present = gonogo_check::workspace::present(&["README.md"])[0];
//!         report.fact("present", present);
//!         if !present {
//!             report.push(Finding::fail("readme-missing", Severity::Low, "no README.md at the project root"));
//!         }
//!         Ok(report)
//!     }
//! }
//!
//! gonogo_check::export_check!(Readme);
//! ```
//!
//! The host calls `run` with the check's `with:` configuration, deserialised
//! into `Config`; the project is mounted read-only at [`PROJECT_ROOT`].
//!
//! A check whose work falls into independent pieces (one per service of a
//! monorepo) can have each worked out as a *part*: `run` calls
//! [`parts`] with their keys, and the host runs [`Check::part`] with each
//! key in a fresh instance (those of one call at the same time), or gives
//! back what it returned on an earlier run when nothing it read has
//! changed. A part shares no memory with `run`: it
//! must work from its key and what it asks the host alone.

pub mod api;
pub mod history;
mod report;
pub mod workspace;

pub use report::{Finding, Report};
pub use serde_json::{Map, Value, json};

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "check-with-parts",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "__export_check_world",
        default_bindings_module: "gonogo_check::bindings",
    });
}

pub use bindings::gonogo::check::datastore;
pub use bindings::gonogo::check::host::{EnvGrant, LogLevel};
pub use bindings::gonogo::check::probe;
pub use bindings::gonogo::check::types::{Severity, Status};

/// Where the host mounts the project, read-only.
pub const PROJECT_ROOT: &str = "/project";

/// What a check says about itself (the WIT `check-info`).
#[derive(Debug, Clone, Copy)]
pub struct Info {
    /// Short identifier, in kebab-case.
    pub id: &'static str,
    /// Human-readable name.
    pub name: &'static str,
    /// Version of the check.
    pub version: &'static str,
    /// What the check inspects, in one paragraph.
    pub description: &'static str,
}

/// A gonogo check.
pub trait Check {
    /// The check's configuration: its `with:` in the policy pack. Unknown
    /// or mistyped keys are reported as an error of the check.
    type Config: serde::de::DeserializeOwned + Default;
    /// What the check is.
    const INFO: Info;
    /// Inspects the project and reports; `Err` means the check could not run.
    fn run(config: Self::Config) -> Result<Report, String>;
    /// Works out the part `key` that `run` asked for with [`part`], in an
    /// instance of its own: from `key` and what it asks the host, never
    /// from anything `run` computed. The default has no parts.
    fn part(config: Self::Config, key: &str) -> Result<Report, String> {
        let _ = (config, key);
        Err("this check has no parts".into())
    }
}

/// The parts `keys` of this run, in that order, as [`Check::part`]
/// reported each: worked out in a fresh instance, or given back from an
/// earlier run when every answer it was given is the same. The host works
/// out the parts that do run at the same time, so ask for them all in one
/// call. An answer is `Err` when that part failed (its error, a trap, the
/// deadline) or was refused (more than 1,000 parts, a key over 4 KiB, a
/// part asking for parts).
pub fn parts(keys: &[String]) -> Vec<Result<Report, String>> {
    bindings::gonogo::check::host::parts(keys)
        .into_iter()
        .zip(keys)
        .map(|(answer, key)| {
            Report::from_json(&answer?)
                .ok_or_else(|| format!("part `{key}` gave back something that is not a report"))
        })
        .collect()
}

/// The one part `key` of this run: [`parts`] with one key.
pub fn part(key: &str) -> Result<Report, String> {
    parts(&[key.to_owned()])
        .pop()
        .unwrap_or_else(|| Err(format!("the host gave no answer for part `{key}`")))
}

/// A path inside the project, e.g. `project_path("package.json")`.
pub fn project_path(relative: &str) -> std::path::PathBuf {
    std::path::Path::new(PROJECT_ROOT).join(relative.trim_start_matches('/'))
}

/// Writes a line to the check's log. The host caps the volume and redacts secrets.
pub fn log(level: LogLevel, message: &str) {
    bindings::gonogo::check::host::log(level, message);
}

/// The environment variables the policy grants this check, present or not.
pub fn granted_env() -> Vec<EnvGrant> {
    bindings::gonogo::check::host::granted_env()
}

/// The value of a variable the policy grants this check (trimmed; `None`
/// when unset or empty). `Err` when the variable is not granted, so that a
/// setting naming a variable the pack forgot to grant is a clear error.
pub fn granted_var(name: &str) -> Result<Option<String>, String> {
    if !granted_env().iter().any(|g| g.name == name) {
        return Err(format!(
            "variable `{name}` is not granted to this check: add it to `grants.public_env`"
        ));
    }
    Ok(std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty()))
}

/// A probe error in words, for findings.
pub fn describe_probe_error(error: &probe::ProbeError) -> String {
    use probe::ProbeError;
    match error {
        ProbeError::NotGranted(why) => format!("not granted: {why}"),
        ProbeError::InvalidRequest(why) => format!("invalid request: {why}"),
        ProbeError::Timeout => "no answer in time".into(),
        ProbeError::Connection(why) => format!("connection failed: {why}"),
        ProbeError::BudgetExhausted => {
            "the probe budget is used up (raise `limits.probe_calls`)".into()
        }
    }
}

#[doc(hidden)]
pub fn __describe<C: Check>() -> bindings::gonogo::check::types::CheckInfo {
    bindings::gonogo::check::types::CheckInfo {
        id: C::INFO.id.to_owned(),
        name: C::INFO.name.to_owned(),
        version: C::INFO.version.to_owned(),
        description: C::INFO.description.to_owned(),
    }
}

/// The check's configuration from the `with:` JSON.
fn config<C: Check>(config: &str) -> Result<C::Config, String> {
    let trimmed = config.trim();
    let json = if trimmed.is_empty() { "{}" } else { trimmed };
    match serde_json::from_str::<C::Config>(json) {
        Ok(config) => Ok(config),
        // A check without settings may use `()`: an absent `with:` is fine.
        Err(_) if matches!(json, "{}" | "null") => Ok(C::Config::default()),
        Err(error) => Err(format!("invalid configuration: {error}")),
    }
}

#[doc(hidden)]
pub fn __run<C: Check>(config: &str) -> Result<bindings::gonogo::check::types::Outcome, String> {
    C::run(self::config::<C>(config)?).map(Report::into_outcome)
}

#[doc(hidden)]
pub fn __part<C: Check>(config: &str, key: &str) -> Result<String, String> {
    C::part(self::config::<C>(config)?, key).map(|report| report.to_json())
}

/// Exports a type implementing [`Check`] as the component's `describe`,
/// `run` and `part`.
#[macro_export]
macro_rules! export_check {
    ($check:ty) => {
        #[doc(hidden)]
        struct __GonogoExportedCheck;

        impl $crate::bindings::Guest for __GonogoExportedCheck {
            fn describe() -> $crate::bindings::gonogo::check::types::CheckInfo {
                $crate::__describe::<$check>()
            }
            fn run(
                config: ::std::string::String,
            ) -> ::std::result::Result<
                $crate::bindings::gonogo::check::types::Outcome,
                ::std::string::String,
            > {
                $crate::__run::<$check>(&config)
            }
            fn part(
                config: ::std::string::String,
                key: ::std::string::String,
            ) -> ::std::result::Result<::std::string::String, ::std::string::String> {
                $crate::__part::<$check>(&config, &key)
            }
        }

        $crate::bindings::__export_check_world!(__GonogoExportedCheck);
    };
}
