//! YAML files (compose files, CI workflows) as JSON values, plus the line
//! of a key or value for findings.

use serde_json::Value;

/// Parses YAML into a JSON value; `Err` carries the parser's message with
/// its line and column.
pub fn parse(text: &str) -> Result<Value, String> {
    parse_at(text).map_err(|(why, _)| why)
}

/// [`parse`], with the 1-based line where the parser stopped, when it says.
pub fn parse_at(text: &str) -> Result<Value, (String, Option<u32>)> {
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        let line = e
            .location()
            .and_then(|at| u32::try_from(at.line()).ok())
            .filter(|line| *line > 0);
        let why = e.to_string().lines().next().unwrap_or_default().to_owned();
        (why, line)
    })
}

/// The 1-based line of the first line containing `needle` at or after line
/// `from` (1-based), if any.
pub fn line_of(text: &str, needle: &str, from: u32) -> Option<u32> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find(|(_, line)| line.contains(needle) && !line.trim_start().starts_with('#'))
        .map(|(index, _)| index as u32 + 1)
}

/// A scalar as text (`true`, `3`, `"x"` → `x`), for values written
/// either way in YAML.
pub fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_is_read_with_lines() {
        let text = "services:\n  redis:\n    image: redis:7\n    ports: [\"6379:6379\"]\n";
        let value = super::parse(text).expect("parses");
        assert_eq!(value["services"]["redis"]["image"], "redis:7");
        assert_eq!(super::line_of(text, "ports:", 1), Some(4));
        assert!(super::parse("a: [").is_err());
    }
}
