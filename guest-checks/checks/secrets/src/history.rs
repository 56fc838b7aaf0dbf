//! Secrets in the project's git history: the lines every commit added
//! (the host's `workspace.history`, for the check granted `git_history`)
//! scanned as the files are, and reported when the secret is no longer in
//! the tree (a secret still there is reported at its file and line).
//! A secret already rotated is acknowledged in the project's
//! `.gonogo/rotated-secrets` (or gitleaks' `.gitleaksignore`), each line
//! `<commit>:<path>:<line>  # why`, and then counted apart, not failed.

use crate::{Scanner, findings, scannable};
use gonogo_check::history::History;
use gonogo_check::workspace;
use gonogo_check::{Finding, Report, Value, json};
use std::collections::HashMap;

/// Most secrets of the history reported as findings; the facts count all.
const MAX_REPORTED: usize = 50;
/// The project's list of secrets of the history already rotated.
pub(crate) const ROTATED_FILE: &str = ".gonogo/rotated-secrets";
/// gitleaks' list, read too: `<commit>:<path>:<rule>:<line>`.
const GITLEAKS_IGNORE: &str = ".gitleaksignore";
/// The fewest characters of a commit's sha an acknowledgement may give.
const MIN_SHA_CHARS: usize = 7;

/// A secret of the history said to be rotated: where it was added.
#[derive(Debug, PartialEq, Eq)]
struct Rotated {
    commit: String,
    path: String,
    line: u32,
}

impl Rotated {
    fn covers(&self, secret: &Removed) -> bool {
        let (short, long) = match self.commit.len() <= secret.commit.len() {
            true => (&self.commit, &secret.commit),
            false => (&secret.commit, &self.commit),
        };
        long.starts_with(short.as_str()) && self.path == secret.path && self.line == secret.line
    }
}

/// The acknowledgements of `text` (the file `file`): `<commit>:<path>:<line>`
/// with a reason after `#` in [`ROTATED_FILE`], gitleaks' fingerprints
/// `<commit>:<path>:<rule>:<line>` in `.gitleaksignore`; and for each line
/// that is not one, its number and why.
fn acknowledgements(file: &str, text: &str) -> (Vec<Rotated>, Vec<(u32, String)>) {
    let (mut rotated, mut problems) = (Vec::new(), Vec::new());
    for (index, raw) in text.lines().enumerate() {
        let (entry, reason) = raw.split_once('#').unwrap_or((raw, ""));
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let number = index as u32 + 1;
        let fields: Vec<&str> = entry.split(':').collect();
        let parsed = match (file, fields.as_slice()) {
            (ROTATED_FILE, [commit, path, line]) | (GITLEAKS_IGNORE, [commit, path, _, line]) => {
                line.parse().ok().map(|line| Rotated {
                    commit: commit.to_ascii_lowercase(),
                    path: path.to_string(),
                    line,
                })
            }
            _ => None,
        };
        match parsed {
            Some(entry)
                if entry.commit.len() >= MIN_SHA_CHARS
                    && entry.commit.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                if file == ROTATED_FILE && reason.trim().is_empty() {
                    problems.push((
                        number,
                        "gives no reason after `#` (when and how it was rotated)".to_owned(),
                    ));
                } else {
                    rotated.push(entry);
                }
            }
            _ => problems.push((
                number,
                match file {
                    ROTATED_FILE => {
                        "is not `<commit>:<path>:<line>  # why` (a commit of 7 or more hex digits)"
                            .to_owned()
                    }
                    _ => "is not a gitleaks fingerprint `<commit>:<path>:<rule>:<line>`".to_owned(),
                },
            )),
        }
    }
    (rotated, problems)
}

/// A secret a commit added and the tree no longer holds.
#[derive(Debug, PartialEq, Eq)]
struct Removed {
    commit: String,
    path: String,
    line: u32,
    kind: String,
    id: String,
}

impl Removed {
    /// A secret as the part's fact `removed` lists it.
    fn from_fact(fact: &Value) -> Option<Removed> {
        let text = |key: &str| fact.get(key)?.as_str().map(str::to_owned);
        Some(Removed {
            commit: text("commit")?,
            path: text("path")?,
            line: u32::try_from(fact.get("line")?.as_u64()?).ok()?,
            kind: text("kind")?,
            id: text("finding")?,
        })
    }
}

/// The key of the part that reads the history: no folder's path holds a
/// NUL byte, so no folder's part has it. As a part, the scan is reused
/// while the refs and the files it compared with are the same, rather
/// than repeated whenever another file changes.
pub(crate) const PART_KEY: &str = "\u{0}history";

/// The part [`PART_KEY`]: reads the history and reports the fact
/// `read` (`commits`, `truncated`, `shallow`, `removed`: each secret the
/// history added and the files no longer hold), or `unread` with why.
pub(crate) fn part() -> Result<Report, String> {
    let mut report = Report::new();
    let history = match gonogo_check::history::history() {
        Ok(history) => history,
        Err(why) => {
            report.fact("unread", why);
            return Ok(report);
        }
    };
    let scanner = Scanner::new()?;
    let removed = removed_secrets(&scanner, &history, workspace::read_text)?;
    let removed: Vec<Value> = removed
        .iter()
        .map(|s| json!({"commit": s.commit, "path": s.path, "line": s.line, "kind": s.kind, "finding": s.id}))
        .collect();
    report.fact(
        "read",
        json!({
            "commits": history.commits,
            "truncated": history.truncated,
            "shallow": history.shallow,
            "removed": removed,
        }),
    );
    Ok(report)
}

/// Reports what the history holds, from the part [`PART_KEY`]: the fact
/// `history` (`commits`, `truncated`, `shallow`, `found`: the secrets not
/// acknowledged as rotated, `rotated`: how many were), or
/// `history_unread` with why it could not be read.
pub(crate) fn scan_history(report: &mut Report) -> Result<(), String> {
    let (_, mut facts) = gonogo_check::part(PART_KEY)?.into_parts();
    let Some(Value::Object(mut read)) = facts.remove("read") else {
        let why = facts
            .remove("unread")
            .unwrap_or_else(|| Value::from("the history part gave no answer"));
        report.fact("history_unread", why);
        return Ok(());
    };
    let removed = match read.remove("removed") {
        Some(Value::Array(removed)) => removed,
        _ => Vec::new(),
    };
    let mut rotated = Vec::new();
    for file in [ROTATED_FILE, GITLEAKS_IGNORE] {
        let Some(text) = workspace::read_text(file) else {
            continue;
        };
        let (entries, problems) = acknowledgements(file, &text);
        rotated.extend(entries);
        for (line, why) in problems {
            report.push(
                Finding::warn(
                    findings::ROTATED_ENTRY_INVALID,
                    gonogo_check::Severity::Medium,
                    format!("this line {why}: it acknowledges nothing"),
                )
                .at(file, Some(line)),
            );
        }
    }
    let (acknowledged, found): (Vec<Value>, Vec<Value>) = removed.into_iter().partition(|secret| {
        Removed::from_fact(secret)
            .is_some_and(|secret| rotated.iter().any(|entry| entry.covers(&secret)))
    });
    for secret in found
        .iter()
        .filter_map(Removed::from_fact)
        .take(MAX_REPORTED)
    {
        report.push(
            Finding::fail(
                findings::SECRET_IN_HISTORY,
                gonogo_check::Severity::Critical,
                format!(
                    "a {} was committed in {} and removed since: every clone still holds it",
                    secret.kind.replace('-', " "),
                    secret.commit
                ),
            )
            .at(&secret.path, Some(secret.line))
            .fix(format!(
                "rotate it now (removing it from the history does not unexpose it), then list `{}:{}:{}  # rotated <when>` in {ROTATED_FILE}",
                secret.commit, secret.path, secret.line
            )),
        );
    }
    read.insert("found".into(), Value::Array(found));
    read.insert("rotated".into(), Value::from(acknowledged.len()));
    report.fact("history", Value::Object(read));
    Ok(())
}

/// The secrets `history` added that the current file at the same path
/// (`current`) no longer holds on any line: each once per commit, file
/// and line, with the commit's sha cut to 12 characters.
fn removed_secrets(
    scanner: &Scanner,
    history: &History,
    current: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Removed>, String> {
    let mut texts: HashMap<&str, Option<String>> = HashMap::new();
    let mut removed = Vec::new();
    for added in history.added() {
        if !scannable(added.path) {
            continue;
        }
        let lines: Vec<&str> = added.lines.iter().map(|(_, text)| *text).collect();
        let mut hits = Vec::new();
        scanner.scan_lines(added.path, &lines, |index, hit| hits.push((index, hit)))?;
        if hits.is_empty() {
            continue;
        }
        let now = texts
            .entry(added.path)
            .or_insert_with(|| current(added.path));
        for (index, hit) in hits {
            let text = lines[index].trim();
            if now
                .as_deref()
                .is_some_and(|now| now.lines().any(|line| line.trim() == text))
            {
                continue;
            }
            removed.push(Removed {
                commit: added.commit.chars().take(12).collect(),
                path: added.path.to_owned(),
                line: added.lines[index].0,
                kind: hit.kind.to_owned(),
                id: hit.id.to_owned(),
            });
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgements_need_a_commit_a_place_and_a_reason() {
        let text = "# secrets rotated after the 2026 leak\n\
                    0123456789ab:config/prod.yml:3  # rotated 2026-11-02 (SEC-12)\n\
                    0123456789ab:config/prod.yml:4\n\
                    abc:x:1 # too short\n\
                    0123456789ab:x # no line\n";
        let (rotated, problems) = acknowledgements(ROTATED_FILE, text);
        assert_eq!(
            rotated,
            vec![Rotated {
                commit: "0123456789ab".into(),
                path: "config/prod.yml".into(),
                line: 3
            }]
        );
        assert_eq!(
            problems.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        let (rotated, problems) = acknowledgements(
            GITLEAKS_IGNORE,
            "0123456789abcdef:a/b.env:generic-api-key:7\n",
        );
        assert!(problems.is_empty());
        let secret = Removed {
            commit: "0123456789ab".into(),
            path: "a/b.env".into(),
            line: 7,
            kind: "secret-assignment".into(),
            id: findings::SECRET_ASSIGNMENT.into(),
        };
        assert!(rotated[0].covers(&secret));
        assert!(
            !Rotated {
                line: 8,
                ..Rotated {
                    commit: "0123456".into(),
                    path: "a/b.env".into(),
                    line: 7
                }
            }
            .covers(&secret)
        );
    }

    const KEY: &str = "AKIAIOSFODNN7EXAMPLQ";

    #[test]
    fn a_secret_a_commit_added_and_the_tree_lost_is_reported_with_its_commit() {
        let scanner = Scanner::new().expect("scanner");
        let packed = format!(
            "commit 0123456789abcdef0123\nfile config/prod.yml\n3 aws: {KEY}\n4 region: eu\n\
             file src/keep.ts\n9 const k = '{KEY}'\n\
             commit fedcba9876543210fedc\nfile package-lock.json\n1 \"{KEY}\"\n\
             file README.md\n2 Set up the project\n"
        );
        let history = History::from_packed(2, &packed);
        let current = |path: &str| match path {
            "config/prod.yml" => Some("aws: from-env\nregion: eu\n".to_owned()),
            "src/keep.ts" => Some(format!("  const k = '{KEY}'\n")),
            _ => None,
        };
        let removed = removed_secrets(&scanner, &history, current).expect("scan");
        assert_eq!(
            removed,
            vec![Removed {
                commit: "0123456789ab".into(),
                path: "config/prod.yml".into(),
                line: 3,
                kind: "aws-access-key".into(),
                id: findings::TOKEN.into(),
            }]
        );
    }

    #[test]
    fn placeholders_and_deleted_files_are_judged_as_in_the_tree() {
        let scanner = Scanner::new().expect("scanner");
        let packed = "commit aaaa\nfile .env.example\n1 JWT_SECRET=change-me\n\
                      file .env.production\n1 JWT_SECRET=Zq8vT3xLk29PmW7rYb41NcQe\n";
        let history = History::from_packed(1, packed);
        let removed = removed_secrets(&scanner, &history, |_| None).expect("scan");
        assert_eq!(removed.len(), 1);
        assert_eq!(
            (removed[0].path.as_str(), removed[0].kind.as_str()),
            (".env.production", "secret-assignment")
        );
    }
}
