//! Cleans everything a check reports before anything is evaluated, printed
//! or stored. Control characters (terminal escapes) and invisible ones
//! (zero-width spaces, bidi overrides) are removed first; secrets are then
//! looked for in the text folded to Unicode NFKC (full-width and other
//! look-alike forms folded), so that a secret with a character slipped into
//! it, or written in look-alike letters, is still masked. Numbers that
//! equal or hold a secret are masked too: a JSON number fact becomes
//! `"[redacted]"`, a finding's line is dropped.

use crate::model::{CheckRun, Finding, LogLine};
use serde_json::Value;
use std::borrow::Cow;

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
    /// Longest first, so that a secret containing another is removed whole;
    /// each as given and as [`normalise`] folds it.
    secrets: Vec<String>,
    /// The secrets that are numbers, as numbers (`1e3` equals `1000`).
    numbers: Vec<f64>,
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
            secrets.push(normalise(value).into_owned());
            let trimmed = value.trim();
            if !trimmed.is_empty() && trimmed != value {
                secrets.push(trimmed.to_owned());
            }
            if let Ok(url) = url::Url::parse(trimmed)
                && let Some(password) = url.password()
            {
                secrets.push(password.to_owned());
                if let Ok(decoded) = percent_encoding::percent_decode_str(password).decode_utf8() {
                    secrets.push(normalise(&decoded).into_owned());
                    secrets.push(decoded.into_owned());
                }
            }
        }
        secrets.retain(|s| is_maskable(s));
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        let numbers = secrets
            .iter()
            .filter_map(|s| s.trim().parse::<f64>().ok())
            .filter(|n| n.is_finite())
            .collect();
        Redactor { secrets, numbers }
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

    /// Text from a check made safe to show: control and invisible
    /// characters removed ([`visible`]), so that a check cannot repaint
    /// the report a person reads, and secrets masked in its [`normalise`]d
    /// form, so that no character slipped into a secret, nor a look-alike
    /// form of it, hides it from the mask. Text that holds no secret keeps
    /// its own forms (`…` stays `…`). Newlines and tabs stay.
    pub fn clean(&self, text: &str) -> String {
        let visible = visible(text);
        let folded = normalise(&visible);
        if self
            .secrets
            .iter()
            .any(|secret| folded.contains(secret.as_str()))
        {
            self.text(&folded)
        } else {
            visible.into_owned()
        }
    }

    /// Whether a number a check reported (its decimal text) equals or
    /// holds a secret.
    fn is_secret_number(&self, text: &str, value: Option<f64>) -> bool {
        self.secrets
            .iter()
            .any(|secret| text.contains(secret.as_str()))
            || value.is_some_and(|value| self.numbers.contains(&value))
    }

    /// Cleans every string of a JSON value, object keys included, and
    /// masks every number that equals or holds a secret.
    pub fn json(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.clean(&s)),
            Value::Number(n) if self.is_secret_number(&n.to_string(), n.as_f64()) => {
                Value::String(REDACTED.to_owned())
            }
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
                if location.line.is_some_and(|line| {
                    self.is_secret_number(&line.to_string(), Some(f64::from(line)))
                }) {
                    location.line = None;
                }
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

/// `text` with control characters (C0 and C1, DEL; not newline and tab)
/// and invisible ones removed: what a person sees.
pub fn visible(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_hidden) {
        Cow::Owned(text.chars().filter(|c| !is_hidden(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// [`visible`] text in Unicode NFKC, which folds look-alike forms
/// (full-width letters, ligatures, `…`) into one: what secrets are looked
/// for in.
pub fn normalise(text: &str) -> Cow<'_, str> {
    let visible = visible(text);
    if visible.is_ascii() {
        return visible;
    }
    let nfkc = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc();
    match nfkc.normalize(&visible) {
        Cow::Borrowed(_) => visible,
        Cow::Owned(folded) => Cow::Owned(folded.chars().filter(|c| !is_hidden(*c)).collect()),
    }
}

/// Control characters but newline and tab, and characters that show
/// nothing: format characters (zero-width spaces and joiners, bidi marks,
/// embeddings, overrides and isolates, the byte-order mark, soft hyphens,
/// invisible operators, tags), variation selectors and fillers.
fn is_hidden(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && c != '\n' && c != '\t';
    }
    matches!(c,
        '\u{80}'..='\u{9f}'
        | '\u{ad}'
        | '\u{34f}'
        | '\u{61c}'
        | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fffb}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}'
    )
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
    fn a_secret_with_hidden_or_look_alike_characters_is_still_masked() {
        let secret = "Sekr1t-canary-9Qx7";
        let redactor = Redactor::new([secret]);
        for disguised in [
            "Sek\x07r1t-canary-9Qx7",
            "Sek\u{200b}r1t-canary-9Qx7",
            "Sek\u{202e}r1t-canary-9Qx7",
            "Sek\u{feff}r1t-canary-\u{2066}9Qx7",
            "Sek\u{ad}r1t-canary-9Qx7",
            "\u{ff33}ekr1t-canary-9Qx7",
        ] {
            assert_eq!(
                redactor.clean(&format!("k={disguised}")),
                "k=[redacted]",
                "{disguised:?}"
            );
        }
    }

    #[test]
    fn text_without_a_secret_keeps_its_own_forms() {
        let redactor = Redactor::new(["Sekr1t-canary-9Qx7"]);
        assert_eq!(
            redactor.clean("remove `|| …` ﬁrst\u{200b}"),
            "remove `|| …` ﬁrst"
        );
    }

    #[test]
    fn numbers_that_equal_or_hold_a_secret_are_masked() {
        let redactor = Redactor::new(["73918264", "Sekr1t-canary-9Qx7"]);
        let json = redactor.json(serde_json::json!({
            "pin": 73918264, "float": 73918264.0, "around": 1739182649u64, "other": 42
        }));
        assert_eq!(
            json,
            serde_json::json!({
                "pin": "[redacted]", "float": "[redacted]", "around": "[redacted]", "other": 42
            })
        );
        let mut run = CheckRun::failed("c", "builtin:c", None, String::new());
        run.findings.push(Finding {
            id: "x".into(),
            status: crate::model::Status::Fail,
            severity: crate::model::Severity::Low,
            message: String::new(),
            location: Some(crate::model::Location {
                path: "a".into(),
                line: Some(73918264),
            }),
            remediation: None,
        });
        redactor.check_run(&mut run);
        assert_eq!(run.findings[0].location.as_ref().and_then(|l| l.line), None);
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
