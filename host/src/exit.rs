//! The three exit codes pipelines rely on.

/// How `gonogo` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: go.
    Go = 0,
    /// 1: no-go.
    NoGo = 1,
    /// 2: no decision (bad input, broken pack, internal error).
    Error = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
