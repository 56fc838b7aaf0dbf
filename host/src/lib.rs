//! gonogo: a WebAssembly policy engine that turns production-readiness
//! checklists into an executable go/no-go gate.
//!
//! The flow: a policy pack ([`policy`]) is loaded into a [`policy::Plan`];
//! the [`runtime`] runs each check component in its own sandbox over the
//! project; the [`redact`]or removes secret values from what they report;
//! the evaluator ([`eval`]) runs the pack's CEL rules; the [`decision`]
//! says go or no-go; a renderer of [`report`] prints it.

pub mod attest;
pub mod builtins;
pub mod cachedir;
pub mod cli;
pub mod decision;
pub mod envsource;
pub mod eval;
pub mod exit;
pub mod expr;
pub mod fuzzing;
pub mod gate;
pub mod model;
pub mod outcomes;
pub mod packtest;
pub mod plan;
pub mod policy;
pub mod probe;
pub mod redact;
pub mod report;
pub mod runtime;
pub mod scaffold;
pub mod serve;
pub mod stderr;
pub mod target;
pub mod untrusted;
pub mod workspace;
