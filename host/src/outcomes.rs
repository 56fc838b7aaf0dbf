//! Recorded check outcomes: what `gonogo check --save-outcomes FILE` writes
//! and what `gonogo test` and `gonogo eval` read back, so rules can be
//! tested and explored without running the checks again.
//!
//! A report (`--format json`) holds the same `checks` list and is accepted
//! wherever an outcomes file is. Both are already redacted.

use crate::model::CheckRun;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The schema of an outcomes file.
pub const SCHEMA: &str = "gonogo.outcomes/v1";

/// What an outcomes file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcomes {
    /// [`SCHEMA`] (or the report schema, when read from a report).
    #[serde(default)]
    pub schema: String,
    /// One run per check, in pack order.
    pub checks: Vec<CheckRun>,
}

/// Why recorded outcomes could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OutcomesError {
    /// The file could not be read or written.
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not an outcomes file or a report.
    #[error("`{path}` is not a gonogo outcomes file or JSON report: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column.
        reason: String,
    },
}

impl Outcomes {
    /// Outcomes of a run: what the checks reported, not whether this run
    /// reused a stored outcome (the same file whichever it did).
    pub fn new(mut checks: Vec<CheckRun>) -> Self {
        for check in &mut checks {
            check.reused = false;
        }
        Outcomes {
            schema: SCHEMA.to_owned(),
            checks,
        }
    }

    /// Reads an outcomes file or a JSON report.
    pub fn read(path: &Path) -> Result<Self, OutcomesError> {
        let text = crate::untrusted::read_named_text(path, 256 << 20).map_err(|source| {
            OutcomesError::Io {
                action: "read",
                path: path.to_owned(),
                source: source.into(),
            }
        })?;
        serde_json::from_str(&text).map_err(|error| OutcomesError::Format {
            path: path.to_owned(),
            reason: error.to_string(),
        })
    }

    /// Writes them as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<(), OutcomesError> {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(path, json + "\n").map_err(|source| OutcomesError::Io {
            action: "write",
            path: path.to_owned(),
            source,
        })
    }
}
