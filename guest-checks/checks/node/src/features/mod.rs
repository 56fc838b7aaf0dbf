//! What a service configures, detected in the modules its entry point
//! reaches: one detector per file, each a `pub fn` over those modules that
//! returns its facts and pushes its findings into the service's [`Sink`].

use crate::scan::At;
use gonogo_check::{Finding, Value, json};

mod body_limit;
mod cookies;
mod cors;
mod env_reads;
mod error_handler;
mod error_tracking;
mod headers;
mod health;
mod jwt;
mod logger;
mod passwords;
mod rate_limit;
mod raw_sql;
mod shutdown;
mod validation;

pub use body_limit::*;
pub use cookies::*;
pub use cors::*;
pub use env_reads::*;
pub use error_handler::*;
pub use error_tracking::*;
pub use headers::*;
pub use health::*;
pub use jwt::*;
pub use logger::*;
pub use passwords::*;
pub use rate_limit::*;
pub use raw_sql::*;
pub use shutdown::*;
pub use validation::*;

/// Findings of one service, with where the service is.
pub struct Sink<'a> {
    /// Findings so far.
    pub findings: Vec<Finding>,
    /// The service's manifest, for findings about something absent.
    pub manifest: &'a str,
}

impl Sink<'_> {
    fn push(&mut self, finding: Finding, at: Option<&At>) {
        let finding = match at {
            Some(at) => finding.at(&at.path, Some(at.line)),
            None => finding.at(self.manifest, None),
        };
        self.findings.push(finding);
    }
}

fn at_json(at: &Option<At>) -> Value {
    at.as_ref()
        .map_or(Value::Null, |a| json!({"path": a.path, "line": a.line}))
}

#[cfg(test)]
mod tests;
