//! What a service configures, detected in the modules its entry point
//! reaches: one detector per file, each a `pub fn` over those modules that
//! returns its facts and pushes its findings into the service's [`Sink`].

use crate::scan::At;
use gonogo_check::{Finding, Value, json};

mod access_control;
mod apm;
mod body_limit;
mod caching;
mod cookies;
mod cors;
mod csrf;
mod data_rights;
mod env_reads;
mod error_handler;
mod error_tracking;
mod headers;
mod health;
mod jwt;
mod listen_port;
mod log_redaction;
mod logger;
mod metrics;
mod moderation;
mod password_policy;
mod password_reset;
mod passwords;
mod prisma_queries;
mod queries_in_loops;
mod rate_limit;
mod raw_sql;
mod refresh_rotation;
mod routes;
mod secrets_logged;
mod sessions;
mod shutdown;
mod two_factor;
mod upload_limits;
mod validation;
mod webhooks;

pub use access_control::*;
pub use apm::*;
pub use body_limit::*;
pub use caching::*;
pub use cookies::*;
pub use cors::*;
pub use csrf::*;
pub use data_rights::*;
pub use env_reads::*;
pub use error_handler::*;
pub use error_tracking::*;
pub use headers::*;
pub use health::*;
pub use jwt::*;
pub use listen_port::*;
pub use log_redaction::*;
pub use logger::*;
pub use metrics::*;
pub use moderation::*;
pub use password_policy::*;
pub use password_reset::*;
pub use passwords::*;
pub use prisma_queries::*;
pub use queries_in_loops::*;
pub use rate_limit::*;
pub use raw_sql::*;
pub use refresh_rotation::*;
pub use routes::*;
pub use secrets_logged::*;
pub use sessions::*;
pub use shutdown::*;
pub use two_factor::*;
pub use upload_limits::*;
pub use validation::*;
pub use webhooks::*;

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
#[cfg(test)]
mod tests_operations;
#[cfg(test)]
mod tests_security;
