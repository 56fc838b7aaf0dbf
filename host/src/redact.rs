//! Cleans everything a check reports before anything is evaluated, printed
//! or stored: the values of secret environment variables are masked, and
//! control characters (terminal escapes) are removed.

use crate::model::{CheckRun, Finding, LogLine};
use serde_json::Value;

/// What replaces a secret value.
pub const REDACTED: &str = "[redacted]";

/// Values shorter than this are not masked: they hold no secret worth the
/// damage of masking every occurrence of, say, `dev` (GitLab refuses to
/// mask variables under 8 characters for the same reason).
pub const MIN_SECRET_LEN: usize = 4;

/// Passwords every attacker tries first. Masking them would mangle facts
/// (`postgres` is also a URL scheme, `secret` a fact name) and protect
/// nothing; the `env` check reports them as placeholders instead.
const WELL_KNOWN_DEFAULTS: &[&str] = &[
    "admin", "changeme", "default", "guest", "mysql", "pass", "passwd", "password", "postgres",
    "redis", "root", "secret", "test", "user",
];

/// Whether `value` is worth masking.
fn is_maskable(value: &str) -> bool {
    value.chars().count() >= MIN_SECRET_LEN
        && !WELL_KNOWN_DEFAULTS.contains(&value.to_ascii_lowercase().as_str())
}

/// Replaces known secret values in strings.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a secret containing another is removed whole.
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for these secret values. For URL values the password is
    /// redacted on its own too, raw and percent-decoded.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut secrets: Vec<String> = Vec::new();
        for value in values {
            if value.is_empty() {
                continue;
            }
            secrets.push(value.to_owned());
            let trimmed = value.trim();
            if !trimmed.is_empty() && trimmed != value {
                secrets.push(trimmed.to_owned());
            }
            if let Ok(url) = url::Url::parse(trimmed)
                && let Some(password) = url.password()
            {
                secrets.push(password.to_owned());
                if let Ok(decoded) = percent_encoding::percent_decode_str(password).decode_utf8() {
                    secrets.push(decoded.into_owned());
                }
            }
        }
        secrets.retain(|s| is_maskable(s));
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// The text with every secret replaced by [`REDACTED`].
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// Text from a check made safe to show: secrets masked, and control
    /// characters removed (terminal escapes, carriage returns, backspaces),
    /// so that a check cannot repaint the report a person reads. Newlines
    /// and tabs stay.
    pub fn clean(&self, text: &str) -> String {
        let masked = self.text(text);
        if masked.chars().any(is_forbidden_control) {
            masked
                .chars()
                .filter(|c| !is_forbidden_control(*c))
                .collect()
        } else {
            masked
        }
    }

    /// Cleans every string of a JSON value, object keys included.
    pub fn json(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.clean(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.json(v)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (self.clean(&k), self.json(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// Cleans a whole check run in place: every string the check supplied.
    pub fn check_run(&self, run: &mut CheckRun) {
        let clean = |text: &mut String| *text = self.clean(text);
        if let Some(error) = &mut run.error {
            clean(error);
        }
        for Finding {
            id,
            message,
            location,
            remediation,
            ..
        } in &mut run.findings
        {
            clean(id);
            clean(message);
            if let Some(location) = location {
                clean(&mut location.path);
            }
            if let Some(remediation) = remediation {
                clean(remediation);
            }
        }
        let facts = std::mem::take(&mut run.facts);
        if let Value::Object(map) = self.json(Value::Object(facts)) {
            run.facts = map;
        }
        for LogLine { message, .. } in &mut run.logs {
            clean(message);
        }
        for refused in &mut run.probes_refused {
            clean(refused);
        }
        if let Some(info) = &mut run.info {
            clean(&mut info.id);
            clean(&mut info.name);
            clean(&mut info.version);
            clean(&mut info.description);
        }
    }
}

/// C0 and C1 controls and DEL, but newline and tab.
fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_and_well_known_defaults_are_not_masked() {
        let redactor = Redactor::new([
            "dev",
            "postgresql://postgres:postgres@localhost/db",
            "secret",
        ]);
        assert_eq!(redactor.text("development"), "development");
        assert_eq!(
            redactor.text("scheme postgresql, secret: true"),
            "scheme postgresql, secret: true"
        );
        assert_eq!(
            redactor.text("postgresql://postgres:postgres@localhost/db"),
            "[redacted]"
        );
    }

    #[test]
    fn control_characters_from_checks_are_removed() {
        let redactor = Redactor::new(["hunter2-long"]);
        assert_eq!(
            redactor.clean("ok\x1b[2K\rGO\u{9b}\u{7f} hunter2-long\n\tnext"),
            "ok[2KGO [redacted]\n\tnext"
        );
    }

    #[test]
    fn replaces_values_and_url_passwords() {
        let redactor = Redactor::new(["hunter2-long", "postgres://u:p%40ss@db/x"]);
        assert_eq!(redactor.text("a hunter2-long b"), "a [redacted] b");
        assert_eq!(
            redactor.text("pw p@ss and p%40ss"),
            "pw [redacted] and [redacted]"
        );
        let json = redactor.json(serde_json::json!({"hunter2-long": ["x hunter2-long"]}));
        assert_eq!(json, serde_json::json!({"[redacted]": ["x [redacted]"]}));
    }
}
