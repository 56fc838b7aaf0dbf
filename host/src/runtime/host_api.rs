//! The `host` interface every check imports: logging, its grants, and
//! the parts of its run (see [`super::parts`]).

use super::bindings::gonogo::check::{host, types};
use super::bindings::{LogLevel, WitEnvGrant};
use super::reuse::imports::Import;
use super::state::CheckState;

impl types::Host for CheckState {}

impl host::Host for CheckState {
    fn log(&mut self, level: LogLevel, message: String) {
        self.asked(Import::HostLog);
        let level = match level {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        };
        self.log.push(level, message);
    }

    fn granted_env(&mut self) -> Vec<WitEnvGrant> {
        self.asked(Import::HostGrantedEnv);
        self.granted_env
            .iter()
            .map(|grant| WitEnvGrant {
                name: grant.name.clone(),
                secret: grant.secret,
            })
            .collect()
    }

    fn parts(&mut self, keys: Vec<String>) -> Vec<Result<String, String>> {
        self.asked(Import::HostParts);
        let Some(parts) = &mut self.parts else {
            let refused = "a part cannot ask for parts of its own";
            return keys.iter().map(|_| Err(refused.to_owned())).collect();
        };
        let answers = parts.answer_all(&keys);
        answers
            .into_iter()
            .map(|answer| {
                if let Some(trace) = &mut self.trace {
                    match answer.trace {
                        Some(part) => trace.merge(part),
                        None => trace.unrepeatable("a part of it was refused"),
                    }
                }
                for line in answer.logs {
                    self.log.push(&line.level, line.message);
                }
                answer.value
            })
            .collect()
    }
}
