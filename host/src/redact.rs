//! Removes the values of secret environment variables from everything a
//! check reports, before anything is printed, stored or evaluated.

use crate::model::{CheckRun, Finding, LogLine};
use serde_json::Value;

/// What replaces a secret value.
pub const REDACTED: &str = "[redacted]";

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
        secrets.retain(|s| !s.is_empty());
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

    /// Redacts every string of a JSON value, object keys included.
    pub fn json(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.json(v)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (self.text(&k), self.json(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// Redacts a whole check run in place.
    pub fn check_run(&self, run: &mut CheckRun) {
        if self.secrets.is_empty() {
            return;
        }
        if let Some(error) = &mut run.error {
            *error = self.text(error);
        }
        for Finding {
            id,
            message,
            location,
            remediation,
            ..
        } in &mut run.findings
        {
            *id = self.text(id);
            *message = self.text(message);
            if let Some(location) = location {
                location.path = self.text(&location.path);
            }
            if let Some(remediation) = remediation {
                *remediation = self.text(remediation);
            }
        }
        let facts = std::mem::take(&mut run.facts);
        if let Value::Object(map) = self.json(Value::Object(facts)) {
            run.facts = map;
        }
        for LogLine { message, .. } in &mut run.logs {
            *message = self.text(message);
        }
        if let Some(info) = &mut run.info {
            info.name = self.text(&info.name);
            info.description = self.text(&info.description);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
