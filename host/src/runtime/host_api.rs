//! The `host` interface every check imports: logging and its grants.

use super::bindings::gonogo::check::{host, types};
use super::bindings::{LogLevel, WitEnvGrant};
use super::state::CheckState;

impl types::Host for CheckState {}

impl host::Host for CheckState {
    fn log(&mut self, level: LogLevel, message: String) {
        let level = match level {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        };
        self.log.push(level, message);
    }

    fn granted_env(&mut self) -> Vec<WitEnvGrant> {
        self.granted_env
            .iter()
            .map(|grant| WitEnvGrant {
                name: grant.name.clone(),
                secret: grant.secret,
            })
            .collect()
    }
}
