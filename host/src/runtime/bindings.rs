//! The one bindings site: host-side Rust for the WIT world
//! `gonogo:check/check@0.1.0` (`wit/check.wit`).

#![allow(missing_docs)] // generated from the WIT, whose `///` docs are the reference

wasmtime::component::bindgen!({
    world: "check",
    path: "../wit",
    // Exports are called as futures, so that a deadline can drop a check
    // blocked in a host call (a WASI sleep, a poll). Probes wait on the
    // network, so they are futures too; the other imports are quick and
    // stay synchronous.
    exports: { default: async },
    imports: {
        "gonogo:check/probe.http": async,
        "gonogo:check/probe.tls": async,
        "gonogo:check/probe.dns-txt": async,
        "gonogo:check/datastore.ask": async,
    },
});

pub use self::gonogo::check::host::{EnvGrant as WitEnvGrant, LogLevel};
pub use self::gonogo::check::probe::ProbeError;
pub use self::gonogo::check::types::{
    Outcome as WitOutcome, Severity as WitSeverity, Status as WitStatus,
};
