//! The one writer of gonogo's standard error: errors and `--verbose`
//! notes. Every line goes through the run's [`Redactor`] before it is
//! written, so a part key, a path or an error that a check shaped cannot
//! put a secret or a terminal escape on a person's screen. Colour comes
//! only from gonogo itself, added after cleaning.
//!
//! Nothing else in the host writes to stderr (clippy's `disallowed_macros`
//! and `disallowed_methods`, in `clippy.toml`, refuse `eprintln!` and
//! `std::io::stderr` elsewhere); the progress line is the one exception,
//! and prints only the pack's own check names.

use crate::redact::Redactor;
use std::fmt::Display;
use std::io::Write;
use std::sync::RwLock;

/// The redactor of the run in progress: none before the secrets are known
/// (control and invisible characters are still removed).
static REDACTOR: RwLock<Option<Redactor>> = RwLock::new(None);

/// Cleans every later line with `redactor` (the run's secrets).
pub fn redact_with(redactor: Redactor) {
    *REDACTOR.write().unwrap_or_else(|e| e.into_inner()) = Some(redactor);
}

/// `text` as it may be shown.
pub fn cleaned(text: &str) -> String {
    match &*REDACTOR.read().unwrap_or_else(|e| e.into_inner()) {
        Some(redactor) => redactor.clean(text),
        None => crate::redact::visible(text).into_owned(),
    }
}

/// Writes one line, cleaned.
pub fn line(message: impl Display) {
    write(&cleaned(&message.to_string()));
}

/// Writes `error: <message>`, the message cleaned and the prefix in red
/// where the terminal shows colour.
pub fn error(message: impl Display) {
    let red = anstyle::AnsiColor::Red.on_default().bold();
    let text = format!("{red}error:{red:#} {}", cleaned(&message.to_string()));
    #[allow(clippy::disallowed_methods)] // the one writer
    let mut stderr = anstream::AutoStream::auto(std::io::stderr().lock());
    let _ = writeln!(stderr, "{text}");
}

fn write(text: &str) {
    #[allow(clippy::disallowed_methods)] // the one writer
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cleaned_of_secrets_and_escapes() {
        redact_with(Redactor::new(["Sekr1t-canary-9Qx7"]));
        assert_eq!(
            cleaned("part `Sek\u{200b}r1t-canary-9Qx7\x1b]0;x\x07` ran"),
            "part `[redacted]]0;x` ran"
        );
    }
}
