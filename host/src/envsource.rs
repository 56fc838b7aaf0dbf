//! The env source: variables from `--env-file` dotenv files and/or the
//! process environment. Checks see only the names their policy grants.
//!
//! Parse errors name the file and line, never the line's content (it may
//! hold a secret).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Whether `name` may be the name of an environment variable: letters,
/// digits and `_`, not starting with a digit.
pub fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Most bytes of one env file.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// An error reading an env file.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    /// The file could not be read.
    #[error("cannot read env file `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::untrusted::Refused,
    },
    /// A line is not `NAME=value`.
    #[error("{path}:{line}: {problem}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong (never the value).
        problem: String,
    },
}

/// The variables available to grant.
#[derive(Debug, Clone, Default)]
pub struct EnvSource {
    vars: BTreeMap<String, String>,
}

impl EnvSource {
    /// Reads `files` in order (later ones override earlier ones), then, if
    /// `process` is true, the process environment, which overrides files
    /// (as dotenv tools do: the platform's variables win).
    pub fn load(files: &[PathBuf], process: bool) -> Result<Self, EnvFileError> {
        let mut source = EnvSource::default();
        for path in files {
            let text =
                crate::untrusted::read_named_text(path, MAX_FILE_BYTES).map_err(|source| {
                    EnvFileError::Read {
                        path: path.clone(),
                        source,
                    }
                })?;
            for entry in parse_dotenv(path, &text)? {
                let value = if entry.literal {
                    entry.value
                } else {
                    expand(&entry.value, |name| {
                        source
                            .get(name)
                            .map(str::to_owned)
                            .or_else(|| process.then(|| std::env::var(name).ok()).flatten())
                    })
                };
                let value = value.replace(ESCAPED_DOLLAR, "$");
                source.vars.insert(entry.name, value);
            }
        }
        if process {
            for (name, value) in std::env::vars_os() {
                if let (Ok(name), Ok(value)) = (name.into_string(), value.into_string()) {
                    source.vars.insert(name, value);
                }
            }
        }
        Ok(source)
    }

    /// A source from explicit pairs (for tests and embedding).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        EnvSource {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// The names of every variable, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// One `NAME=value` of a dotenv file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvEntry {
    /// The variable.
    pub name: String,
    /// Its value, quotes and escapes resolved, references not yet expanded.
    pub value: String,
    /// 1-based line.
    pub line: usize,
    /// Single-quoted: taken literally, `${…}` included.
    pub literal: bool,
}

/// Expands `${NAME}`, `${NAME:-default}` (default when unset or empty) and
/// `${NAME-default}` (default when unset), as docker compose and
/// dotenv-expand do. A bare `$` is left alone: it is common in passwords.
/// A reference that cannot be resolved stays as written, so it shows.
pub fn expand(value: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let body = &after[..end];
        let (name, default, empty_counts) = match body.split_once(":-") {
            Some((name, default)) => (name, Some(default), true),
            None => match body.split_once('-') {
                Some((name, default)) => (name, Some(default), false),
                None => (body, None, false),
            },
        };
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let found = if valid { lookup(name) } else { None };
        match (found, default) {
            (Some(value), Some(default)) if empty_counts && value.is_empty() => {
                out.push_str(default)
            }
            (Some(value), _) => out.push_str(&value),
            (None, Some(default)) if valid => out.push_str(default),
            _ => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Parses dotenv text: `NAME=value`, optional `export `, `#` comments,
/// single quotes (literal), double quotes (escapes `\n`, `\t`, `\"`, `\\`,
/// `\$` keeps a `$` unexpanded; may span lines), unquoted values end at ` #`.
pub fn parse_dotenv(path: &Path, text: &str) -> Result<Vec<DotenvEntry>, EnvFileError> {
    let error = |line: usize, problem: &str| EnvFileError::Syntax {
        path: path.to_owned(),
        line,
        problem: problem.to_owned(),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line_no = index + 1;
        let line = lines[index].trim_start_matches('\u{feff}').trim();
        index += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let Some((name, rest)) = line.split_once('=') else {
            return Err(error(line_no, "expected `NAME=value`"));
        };
        let name = name.trim();
        let valid_name = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(error(
                line_no,
                "the variable name must be letters, digits and `_`",
            ));
        }
        let rest = rest.trim_start();
        let literal = rest.starts_with('\'');
        let value = if let Some(body) = rest.strip_prefix('\'') {
            let Some(end) = body.find('\'') else {
                return Err(error(line_no, "unterminated single quote"));
            };
            body[..end].to_owned()
        } else if let Some(body) = rest.strip_prefix('"') {
            let mut raw = body.to_owned();
            loop {
                if let Some(end) = closing_double_quote(&raw) {
                    raw.truncate(end);
                    break;
                }
                if index >= lines.len() {
                    return Err(error(line_no, "unterminated double quote"));
                }
                raw.push('\n');
                raw.push_str(lines[index]);
                index += 1;
            }
            unescape(&raw)
        } else {
            let end = rest.find(" #").unwrap_or(rest.len());
            rest[..end].trim_end().to_owned()
        };
        out.push(DotenvEntry {
            name: name.to_owned(),
            value,
            line: line_no,
            literal,
        });
    }
    Ok(out)
}

fn closing_double_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// Stands for an escaped `$` (`\$`) until references are expanded.
const ESCAPED_DOLLAR: char = '\u{E000}';

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('$') => out.push(ESCAPED_DOLLAR),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<(String, String)> {
        parse_dotenv(Path::new(".env"), text)
            .expect("parses")
            .into_iter()
            .map(|e| (e.name, e.value.replace(ESCAPED_DOLLAR, "$")))
            .collect()
    }

    #[test]
    fn references_expand_from_earlier_variables_but_not_in_single_quotes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(".env");
        std::fs::write(
            &file,
            "USER=app\nPASS=s3$cret\nURL=postgres://${USER}:${PASS}@${HOST:-db.internal}/x\n\
             LIT='${USER}'\nESC=\"\\${USER}\"\nLEFT=${NOPE}\nEMPTY=\nDEF=${EMPTY:-fallback}\nDASH=${EMPTY-kept}\n",
        )
        .expect("write");
        let source = EnvSource::load(&[file], false).expect("loads");
        assert_eq!(
            source.get("PASS"),
            Some("s3$cret"),
            "a bare `$` is not a reference"
        );
        assert_eq!(
            source.get("URL"),
            Some("postgres://app:s3$cret@db.internal/x")
        );
        assert_eq!(source.get("LIT"), Some("${USER}"));
        assert_eq!(source.get("ESC"), Some("${USER}"));
        assert_eq!(
            source.get("LEFT"),
            Some("${NOPE}"),
            "unresolved references stay visible"
        );
        assert_eq!(source.get("DEF"), Some("fallback"));
        assert_eq!(source.get("DASH"), Some(""));
    }

    #[test]
    fn parses_the_usual_forms() {
        let vars = parse(
            "# comment\nA=1\nexport B = two words # note\nC='lit #$x'\nD=\"multi\nline \\\"q\\\"\"\nE=\n",
        );
        let expected = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "lit #$x"),
            ("D", "multi\nline \"q\""),
            ("E", ""),
        ];
        assert_eq!(
            vars,
            expected.map(|(k, v)| (k.to_owned(), v.to_owned())).to_vec()
        );
    }

    #[test]
    fn errors_name_the_line_but_never_the_value() {
        let error = parse_dotenv(Path::new("prod.env"), "A=1\nsupersecretvalue\n").unwrap_err();
        let text = error.to_string();
        assert_eq!(text, "prod.env:2: expected `NAME=value`");
        assert!(!text.contains("supersecret"));
    }
}
