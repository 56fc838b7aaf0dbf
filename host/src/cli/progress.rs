//! The progress indicator: one line on stderr, rewritten as checks finish.
//! Only on a terminal, never in CI (`CI` set) or with `--quiet`. The one
//! writer of stderr besides `crate::stderr`, since it draws with escapes
//! of its own; the check names it shows are cleaned by `crate::stderr`.
#![allow(clippy::disallowed_methods)]

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// Counts finished checks and redraws the line.
pub struct Progress {
    total: usize,
    done: Mutex<usize>,
}

impl Progress {
    /// A progress line for `total` checks, if one should be shown.
    pub fn start(total: usize, quiet: bool) -> Option<Self> {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        if quiet || in_ci || total == 0 || !std::io::stderr().is_terminal() {
            return None;
        }
        let progress = Progress {
            total,
            done: Mutex::new(0),
        };
        progress.draw(0, "");
        Some(progress)
    }

    /// Called as each check finishes.
    pub fn finished(&self, check: &str) {
        let done = {
            let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
            *done += 1;
            *done
        };
        self.draw(done, check);
    }

    fn draw(&self, done: usize, last: &str) {
        let last = if last.is_empty() {
            String::new()
        } else {
            format!(" · {} done", crate::stderr::cleaned(last))
        };
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2Kgonogo: running checks {done}/{}{last}",
            self.total
        );
        let _ = stderr.flush();
    }

    /// Clears the line before the report is printed.
    pub fn clear(&self) {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K");
        let _ = stderr.flush();
    }
}
