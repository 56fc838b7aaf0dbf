//! The one bindings site: host-side Rust for the WIT world
//! `gonogo:check/check@0.1.0` (`wit/check.wit`).

#![allow(missing_docs)] // generated from the WIT, whose `///` docs are the reference

wasmtime::component::bindgen!({
    world: "check",
    path: "../wit",
});

pub use gonogo::check::host::{EnvGrant as WitEnvGrant, LogLevel};
pub use gonogo::check::probe::ProbeError;
pub use gonogo::check::types::{
    Outcome as WitOutcome, Severity as WitSeverity, Status as WitStatus,
};
