//! # `secrets` — secrets committed to the repository
//!
//! ## What it checks
//! What git tracks (through the host's `workspace` interface, so
//! "committed" means tracked, not merely present on disk):
//! - env files under any name (`.env`, `.env.production`,
//!   `.env.production.backup`, `config/prod.env`…) other than templates
//!   (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`), whether
//!   tracked, and whether `.gitignore` covers `.env` and `.env.*`;
//! - private keys (`-----BEGIN … PRIVATE KEY-----`) and well-known token
//!   formats: AWS access keys, Stripe live secret and restricted keys,
//!   GitHub, GitLab, Slack, Google API, SendGrid and npm tokens;
//! - high-entropy values assigned to secret-named keys (`*_SECRET`,
//!   `*_PASSWORD`, `*_TOKEN`, `*_API_KEY`…) in configuration and template
//!   files (env files, YAML, JSON, TOML, INI, properties). A value a person
//!   wrote (no digit and one case: `very_sensitive_secret`) is not taken
//!   for a secret; in a template (`.env.example`, `env-example-relational`)
//!   only a value shaped like a generated credential (20+ characters of the
//!   hex or base64 alphabet, letters and digits) is.
//!
//! - with the `git_history` grant, the lines every commit added (the
//!   newest 1,000 commits of every branch and tag, through the host's
//!   `workspace.history`), scanned as the files are: a secret a commit
//!   added that the file at that path no longer holds is reported with the
//!   commit, file and line it was added at. Merge commits, binary files,
//!   lockfiles and minified bundles are not read. A secret already rotated
//!   is acknowledged in the project's `.gonogo/rotated-secrets`, one line
//!   `<commit>:<path>:<line>  # when and how it was rotated` each (a commit
//!   of 7 or more hex digits; the reason is required), or in gitleaks'
//!   `.gitleaksignore` (`<commit>:<path>:<rule>:<line>`): it is counted
//!   apart, not failed.
//!
//! Values are never reported: only file, line and kind. Test, fixture and
//! documentation (`docs/`) folders are scanned for tokens and keys (a live
//! key there is still leaked) but not for high-entropy assignments, which
//! are usually fakes or examples.
//! Key names are matched without regard to ASCII case.
//!
//! Each folder with 100 to 2,000 scannable files (a larger one is split
//! into its subfolders) is scanned as a part of the run that lists that
//! folder alone: on a later run, only the folders whose files changed, or
//! gained or lost a file, are scanned again. The findings come in path
//! order either way.
//!
//! ## Why it matters
//! A committed `.env.production` or `sk_live_` key is readable by everyone
//! with the repository, forever: deleting it in a later commit leaves it in
//! every clone's history. The seed checklists
//! ask for `.env` in `.gitignore` and no secrets in the codebase.
//!
//! ## Example of a failing project
//! `.env.production.backup` tracked by git, or `config/default.json` with
//! `"jwtSecret": "k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH"`.
//!
//! ## How to fix
//! `git rm --cached` the file, add `.env*` (with `!.env.example`) to
//! `.gitignore`, rotate every exposed secret, and load secrets from the
//! platform's secret store.
//!
//! ## Facts it reports
//! `vcs` (`git`, `none`, `unknown`), `env_files` (`path`, `tracked`,
//! `ignored`), `committed_env_files` (paths), `env_gitignored` (true when
//! `.gitignore` covers `.env` and `.env.production`; null without git),
//! `found` (`path`, `line`, `kind`), `files_scanned`, `unscanned` (paths of
//! files that could not be read: over the 2 MiB read cap, or symbolic
//! links, which are never followed). Text that is not UTF-8 is scanned with
//! its odd bytes replaced; files with a NUL byte in their first 8 KiB are
//! binary and skipped. With the `git_history` grant: `history`
//! (`commits` read, `truncated` when older ones were left unread,
//! `shallow` for a shallow clone, `found`: `commit` (12 characters),
//! `path`, `line`, `kind`, `finding`), `rotated`: how many were
//! acknowledged as rotated), or `history_unread` with why the
//! history could not be read (not granted, not a git work tree).
//!
//! ## Findings
//! - `env-file-committed` (fail, critical): git tracks an env file.
//! - `env-file-unignored` (fail, high): an env file is on disk, untracked
//!   and not ignored: one `git add .` away from being committed.
//! - `env-not-gitignored` (fail, medium): `.gitignore` does not cover `.env`.
//! - `private-key` (fail, critical): a private key is in a tracked file.
//! - `token` (fail, critical): a well-known token format is in a file.
//! - `secret-assignment` (fail, high): a secret-named key is assigned a
//!   high-entropy literal in a configuration or template file.
//! - `secret-in-history` (fail, critical): a secret a commit added is no
//!   longer in the tree, but the git history still holds it.
//! - `rotated-entry-invalid` (warn, medium): a line of
//!   `.gonogo/rotated-secrets` or `.gitleaksignore` is not an
//!   acknowledgement the check can read (it then acknowledges nothing).

pub mod findings;
mod history;
use gonogo_analysis::{classify, is_test_path};
use gonogo_check::workspace::{self, VcsKind};
use gonogo_check::{Check, Finding, Info, Report, Severity, Value, json};
use regex::Regex;

struct Secrets;

/// Token formats: (kind, pattern, literals). Every match of the pattern
/// contains one of its literals: a file with none of them is not matched
/// against the patterns at all (finding the literals is cheap; compiling
/// the patterns costs milliseconds, in every instance).
const TOKENS: &[(&str, &str, &[&str])] = &[
    (
        "aws-access-key",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        &["AKIA", "ASIA"],
    ),
    (
        "stripe-live-key",
        r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}",
        &["sk_live_", "rk_live_"],
    ),
    (
        "github-token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})",
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    ),
    ("gitlab-token", r"\bglpat-[A-Za-z0-9_-]{20}", &["glpat-"]),
    (
        "slack-token",
        r"\bxox[abprs]-[0-9A-Za-z-]{10,}",
        &["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"],
    ),
    (
        "slack-webhook",
        r"hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/[0-9A-Za-z]+",
        &["hooks.slack.com/services/T"],
    ),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}", &["AIza"]),
    (
        "sendgrid-key",
        r"\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}",
        &["SG."],
    ),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}", &["npm_"]),
];

const PRIVATE_KEY: &str =
    r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----";
/// A literal every match of [`PRIVATE_KEY`] contains.
const PRIVATE_KEY_LITERAL: &str = "PRIVATE KEY";

/// `KEY = value`, `KEY: value`, `"key": "value"` with a secret-sounding
/// key (its name matched without regard to ASCII case).
const ASSIGNMENT: &str = r#"^\s*(?:(?i-u:export)\s+)?["']?((?i-u:[A-Za-z0-9_.-]*(?:secret|passw(?:or)?d|token|api[_-]?key|private[_-]?key|access[_-]?key|client[_-]?secret|signing[_-]?key|encryption[_-]?key)))["']?\s*[:=]\s*["']?([^"'\s#,]+)"#;
/// Every key [`ASSIGNMENT`] matches contains one of these, ASCII
/// lowercased: a line with none of them is not matched against it.
const ASSIGNMENT_WORDS: &[&str] = &["secret", "passw", "token", "key"];

impl Check for Secrets {
    type Config = ();
    const INFO: Info = Info {
        id: "secrets",
        name: "Committed secrets",
        version: env!("CARGO_PKG_VERSION"),
        description: "Env files tracked by git, .gitignore coverage, private keys, well-known token \
                      formats and high-entropy secret assignments, reported by file:line and kind only.",
    };

    fn run(_: ()) -> Result<Report, String> {
        let mut report = Report::new();
        let vcs = workspace::vcs();
        report.fact(
            "vcs",
            match vcs {
                VcsKind::Git => "git",
                VcsKind::None => "none",
                VcsKind::Unknown => "unknown",
            },
        );
        env_files(&mut report, vcs);
        scan_contents(&mut report)?;
        history::scan_history(&mut report)?;
        Ok(report)
    }

    /// Scans the files under the folder `folder`, listing that folder
    /// alone: the part is reused while the files there are unchanged,
    /// whatever comes and goes elsewhere.
    fn part(_: (), folder: &str) -> Result<Report, String> {
        if folder == history::PART_KEY {
            return history::part();
        }
        let scanner = Scanner::new()?;
        let mut scanned = Scanned::default();
        for (path, _) in workspace::files_in(folder).iter() {
            scanner.scan(path, &mut scanned)?;
        }
        let mut report = Report::new();
        for finding in scanned.findings {
            report.push(finding);
        }
        report.fact("found", scanned.found);
        report.fact("files_scanned", scanned.files);
        report.fact("unscanned", scanned.unscanned);
        Ok(report)
    }
}

/// Whether a file name is an env file, not a template.
fn is_env_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let env_like = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    let template = [
        "example", "sample", "template", "dist", "tpl", "schema", "defaults",
    ]
    .iter()
    .any(|t| name.split('.').any(|part| part == *t));
    env_like && !template
}

fn env_files(report: &mut Report, vcs: VcsKind) {
    let candidates: Vec<&str> = workspace::files()
        .iter()
        .map(|f| f.path)
        .filter(|p| is_env_file(p))
        .collect();
    let ignored = workspace::ignored(&candidates);
    let mut listed = Vec::new();
    let mut committed = Vec::new();
    for (path, ignored) in candidates.iter().zip(ignored) {
        let tracked = workspace::tracked(path);
        listed.push(json!({"path": path, "tracked": tracked, "ignored": ignored}));
        if tracked == Some(true) {
            committed.push(*path);
            report.push(
                Finding::fail(findings::ENV_FILE_COMMITTED, Severity::Critical, format!("git tracks the env file `{path}`"))
                    .at(path, None)
                    .fix("`git rm --cached` it, ignore `.env*` in .gitignore, and rotate every secret it held"),
            );
        } else if tracked == Some(false) && !ignored {
            report.push(
                Finding::fail(
                    findings::ENV_FILE_UNIGNORED,
                    Severity::High,
                    format!("`{path}` is not ignored by git: one `git add .` commits it"),
                )
                .at(path, None)
                .fix("add `.env*` and `!.env.example` to .gitignore"),
            );
        }
    }
    let covered = if vcs == VcsKind::Git {
        let answers = workspace::ignored(&[".env", ".env.production"]);
        Value::Bool(answers.iter().all(|a| *a))
    } else {
        Value::Null
    };
    if covered == Value::Bool(false) {
        let at = if workspace::exists(".gitignore") {
            Some(".gitignore")
        } else {
            None
        };
        let mut finding = Finding::fail(
            findings::ENV_NOT_GITIGNORED,
            Severity::Medium,
            "`.gitignore` does not cover `.env` and `.env.production`",
        )
        .fix("add `.env*` and `!.env.example` to .gitignore");
        if let Some(at) = at {
            finding = finding.at(at, None);
        }
        report.push(finding);
    }
    report.fact("env_files", listed);
    report.fact("committed_env_files", committed);
    report.fact("env_gitignored", covered);
}

/// Files whose contents are scanned: everything but lockfiles, minified
/// bundles and source maps.
fn scannable(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    !matches!(
        name,
        "package-lock.json" | "yarn.lock" | "pnpm-lock.yaml" | "npm-shrinkwrap.json" | "bun.lockb"
    ) && !name.ends_with(".min.js")
        && !name.ends_with(".map")
        && !name.ends_with(".svg")
}

/// Configuration and template files, where secret-named assignments count.
fn is_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.starts_with(".env")
        || name.ends_with(".env")
        || [
            ".yml",
            ".yaml",
            ".json",
            ".toml",
            ".ini",
            ".properties",
            ".conf",
            ".cfg",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

fn compile(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("internal pattern error: {e}"))
}

/// A folder with more scannable files than this is split into its
/// subfolders, each a part of its own.
const MAX_PART_FILES: usize = 2_000;
/// A folder with fewer scannable files than this is scanned by `run`
/// itself: a part costs an instance and a listing.
const MIN_PART_FILES: usize = 100;
/// Most parts of one run; the folders past it are scanned by `run`.
const MAX_PARTS: usize = 256;
/// How deep folders are split.
const MAX_SPLIT_DEPTH: usize = 12;

/// The folders of `paths` (the scannable files of the listing, sorted)
/// scanned as parts of the run, in listing order: each holds between
/// [`MIN_PART_FILES`] and [`MAX_PART_FILES`] of them, or more when none
/// of its subfolders is large enough to be a part. The files in no such
/// folder are `run`'s.
fn part_folders(paths: &[&str]) -> Vec<String> {
    fn split(paths: &[&str], prefix_len: usize, depth: usize, folders: &mut Vec<String>) {
        let mut at = 0;
        while at < paths.len() {
            let Some(slash) = paths[at][prefix_len..].find('/') else {
                at += 1;
                continue;
            };
            // The files under one child folder are next to each other in
            // a sorted listing.
            let child = &paths[at][..prefix_len + slash + 1];
            let count = paths[at..]
                .iter()
                .take_while(|p| p.starts_with(child))
                .count();
            let group = &paths[at..at + count];
            let mut within = Vec::new();
            if count > MAX_PART_FILES && depth < MAX_SPLIT_DEPTH {
                split(group, child.len(), depth + 1, &mut within);
            }
            if !within.is_empty() {
                folders.extend(within);
            } else if count >= MIN_PART_FILES && child.len() < 1024 {
                folders.push(child.trim_end_matches('/').to_owned());
            }
            at += count;
        }
    }
    let mut folders = Vec::new();
    split(paths, 0, 0, &mut folders);
    folders.truncate(MAX_PARTS);
    folders
}

/// The patterns, each compiled the first time a file has one of its
/// literals: most instances (a part of a few hundred source files) compile
/// none.
struct Scanner {
    /// Finds any token or private key literal in one pass.
    literals: aho_corasick::AhoCorasick,
    patterns: std::cell::OnceCell<Result<Patterns, String>>,
    assignment: std::cell::OnceCell<Result<Regex, String>>,
}

/// The token and private key patterns, compiled.
struct Patterns {
    tokens: Vec<(&'static str, Regex)>,
    private_key: Regex,
}

/// What scanning some files found.
#[derive(Default)]
struct Scanned {
    findings: Vec<Finding>,
    found: Vec<Value>,
    files: u64,
    /// Scannable files `read` refused: over the read cap, or links.
    unscanned: Vec<Value>,
}

impl Scanner {
    fn new() -> Result<Scanner, String> {
        let literals = TOKENS
            .iter()
            .flat_map(|(_, _, literals)| literals.iter())
            .chain([&PRIVATE_KEY_LITERAL]);
        Ok(Scanner {
            literals: aho_corasick::AhoCorasick::new(literals)
                .map_err(|e| format!("internal pattern error: {e}"))?,
            patterns: std::cell::OnceCell::new(),
            assignment: std::cell::OnceCell::new(),
        })
    }

    fn patterns(&self) -> Result<&Patterns, String> {
        self.patterns
            .get_or_init(|| {
                Ok(Patterns {
                    tokens: TOKENS
                        .iter()
                        .map(|(kind, pattern, _)| compile(pattern).map(|r| (*kind, r)))
                        .collect::<Result<_, _>>()?,
                    private_key: compile(PRIVATE_KEY)?,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn assignment(&self) -> Result<&Regex, String> {
        self.assignment
            .get_or_init(|| compile(ASSIGNMENT))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Scans the file at `path` (when it is scannable and text).
    fn scan(&self, path: &str, into: &mut Scanned) -> Result<(), String> {
        if !scannable(path) {
            return Ok(());
        }
        let Some(bytes) = workspace::read(path) else {
            into.unscanned.push(Value::from(path));
            return Ok(());
        };
        // A NUL byte early on marks a binary file (git's test); other text
        // that is not UTF-8 (a Latin-1 comment) is scanned with the odd
        // bytes replaced, so a key beside them is still found.
        if bytes[..bytes.len().min(8 << 10)].contains(&0) {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&bytes);
        into.files += 1;
        let lines: Vec<&str> = text.lines().collect();
        self.scan_lines(path, &lines, |index, hit| {
            let line_no = index as u32 + 1;
            into.found
                .push(json!({"path": path, "line": line_no, "kind": hit.kind}));
            into.findings.push(
                Finding::fail(hit.id, hit.severity, hit.message)
                    .at(path, Some(line_no))
                    .fix(hit.fix),
            );
        })
    }

    /// Scans the lines of the file at `path` (whole, or the lines a commit
    /// added to it), calling `found` with each line's index and what is on it.
    fn scan_lines(
        &self,
        path: &str,
        lines: &[&str],
        mut found: impl FnMut(usize, Hit),
    ) -> Result<(), String> {
        let template = is_template(path);
        let config =
            (is_config(path) || template) && !is_test_path(path) && !is_documentation(path);
        let patterns = match lines.iter().any(|line| self.literals.is_match(*line)) {
            true => Some(self.patterns()?),
            false => None,
        };
        if !config && patterns.is_none() {
            return Ok(());
        }
        for (index, line) in lines.iter().copied().enumerate() {
            if let Some(patterns) = patterns {
                if let Some(header) = patterns.private_key.find(line)
                    && has_key_body(&line[header.end()..], lines.get(index + 1).copied())
                {
                    found(
                        index,
                        Hit {
                            kind: "private-key",
                            id: findings::PRIVATE_KEY,
                            severity: Severity::Critical,
                            message: "a private key is in the repository".into(),
                            fix: "remove it, rotate the key pair, and mount the key from the secret store",
                        },
                    );
                    continue;
                }
                if let Some((kind, _)) = patterns.tokens.iter().find(|(_, r)| r.is_match(line)) {
                    found(
                        index,
                        Hit {
                            kind,
                            id: findings::TOKEN,
                            severity: Severity::Critical,
                            message: format!("a {} is in the repository", kind.replace('-', " ")),
                            fix: "revoke it now, remove it, and load it from the secret store",
                        },
                    );
                    continue;
                }
            }
            if config
                && may_assign_a_secret(line)
                && let Some(captures) = self.assignment()?.captures(line)
            {
                let key = captures.get(1).map_or("", |m| m.as_str());
                let value = captures.get(2).map_or("", |m| m.as_str());
                if looks_like_a_real_secret(value) && (!template || looks_generated(value)) {
                    found(
                        index,
                        Hit {
                            kind: "secret-assignment",
                            id: findings::SECRET_ASSIGNMENT,
                            severity: Severity::High,
                            message: format!("`{key}` is assigned a literal secret"),
                            fix: "replace it with a reference to the secret store or an env variable, and rotate it",
                        },
                    );
                }
            }
        }
        Ok(())
    }
}

/// What is on a line: a secret of one kind.
struct Hit {
    kind: &'static str,
    id: &'static str,
    severity: Severity,
    message: String,
    fix: &'static str,
}

/// Whether `line` has a word every secret-named key has ([`ASSIGNMENT`]).
fn may_assign_a_secret(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    ASSIGNMENT_WORDS.iter().any(|word| line.contains(word))
}

/// Scans every file's contents. The large folders are parts of the run
/// (see [`part_folders`]): on a later run, only the folders whose files
/// changed are scanned again. What each found goes in at its place in the
/// listing, so the findings come in path order as from one pass.
fn scan_contents(report: &mut Report) -> Result<(), String> {
    let scanner = Scanner::new()?;
    let paths: Vec<&str> = workspace::files()
        .iter()
        .map(|f| f.path)
        .filter(|p| scannable(p))
        .collect();
    let folders = part_folders(&paths);
    let mut answers = folders.iter().zip(gonogo_check::parts(&folders)).peekable();
    let mut all = Scanned::default();
    let mut at = 0;
    while at < paths.len() {
        if let Some((folder, _)) = answers.peek()
            && paths[at]
                .strip_prefix(folder.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        {
            let prefix = format!("{folder}/");
            let (_, answer) = answers.next().expect("peeked");
            let (findings, mut facts) = answer?.into_parts();
            all.findings.extend(findings);
            if let Some(Value::Array(found)) = facts.remove("found") {
                all.found.extend(found);
            }
            if let Some(Value::Array(unscanned)) = facts.remove("unscanned") {
                all.unscanned.extend(unscanned);
            }
            all.files += facts
                .get("files_scanned")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            at += paths[at..]
                .iter()
                .take_while(|p| p.starts_with(&prefix))
                .count();
            continue;
        }
        scanner.scan(paths[at], &mut all)?;
        at += 1;
    }
    for finding in all.findings {
        report.push(finding);
    }
    report.fact("found", all.found);
    report.fact("files_scanned", all.files);
    report.fact("unscanned", all.unscanned);
    Ok(())
}

/// A literal that is long, varied and not a placeholder, reference or path.
/// Whether a private key header is followed by its body: 40 or more
/// base64 characters after it on its line (`"-----BEGIN…-----\\nMIIE…"`
/// in JSON), or a next line of base64 only (a PEM body line). A header alone (`-----BEGIN OPENSSH
/// PRIVATE KEY-----...` in a table of docs) is an example, not a key.
fn has_key_body(rest: &str, next: Option<&str>) -> bool {
    let longest_base64_run = |text: &str| {
        text.replace("\\n", " ")
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
            .map(str::len)
            .max()
            .unwrap_or(0)
    };
    let body_line = |line: &str| {
        let line = line.trim().trim_matches(['"', '\'', ',']);
        line.len() >= 16
            && line
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
    };
    longest_base64_run(rest) >= 40 || next.is_some_and(body_line)
}

fn looks_like_a_real_secret(value: &str) -> bool {
    let reference = value.contains("${")
        || value.contains("{{")
        || value.starts_with('$')
        || value.starts_with('<')
        || value.contains("process.env")
        || (value.contains('/') && !is_base64_secret(value));
    value.len() >= 16
        && !reference
        && !classify::is_placeholder(value, &[])
        && !is_phrase(value)
        && classify::entropy_bits(value) / value.len() as f64 >= 3.0
}

/// A base64 value of a generator (`/` and `+` in it, both cases and
/// digits), rather than a path (`secrets/jwt_key_2024`, `./keys/a.pem`).
fn is_base64_secret(value: &str) -> bool {
    let has = |test: fn(&char) -> bool| value.chars().any(|c| test(&c));
    looks_generated(value)
        && !value.starts_with('/')
        && has(char::is_ascii_lowercase)
        && has(char::is_ascii_uppercase)
}

/// A value a person wrote rather than a generator: no digit, and one case
/// only (`very_sensitive_secret`, `CHANGE-ME-IN-PRODUCTION`,
/// `mysecretpassword`). Generated secrets (hex, base64, random strings)
/// mix digits or cases.
fn is_phrase(value: &str) -> bool {
    let has = |test: fn(&char) -> bool| value.chars().any(|c| test(&c));
    let mixed_case = has(char::is_ascii_lowercase) && has(char::is_ascii_uppercase);
    let generated_like = has(char::is_ascii_digit) || mixed_case;
    !generated_like
}

/// A value shaped like a generated credential: long, of the hex or
/// base64 alphabet only, with letters and digits. In a template
/// (`.env.example`) only such a value is taken for a real secret: an
/// example written by hand (`p4ss.w0rd-example`) is not.
fn looks_generated(value: &str) -> bool {
    value.len() >= 20
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-'))
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
}

/// Whether a file is documentation (under a `docs`/`doc` folder): its
/// values are examples (an OpenAPI `example:` token), as in test folders.
fn is_documentation(path: &str) -> bool {
    path.split('/')
        .rev()
        .skip(1)
        .any(|folder| matches!(folder.to_ascii_lowercase().as_str(), "docs" | "doc"))
}

/// Whether a file holds example values: an env or config template
/// (`.env.example`, `env-example-relational`, `config.sample.json`), not
/// source code that happens to be named so (`email-template.ts`).
fn is_template(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let parts: Vec<&str> = name.split(['.', '-', '_']).collect();
    parts
        .iter()
        .any(|part| matches!(*part, "example" | "sample" | "template" | "dist" | "tpl"))
        && (parts.contains(&"env") || is_config(path))
}

gonogo_check::export_check!(Secrets);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_header_without_its_body_is_an_example() {
        let body = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDJCUSj4FfDQ3KC";
        assert!(has_key_body("", Some(body)));
        assert!(has_key_body("", Some("MIIEowIBAAKCAQEA")));
        assert!(!has_key_body("", Some("internationalization is hard")));
        assert!(has_key_body(&format!("\\n{body}\\n"), None));
        assert!(!has_key_body("...` |", Some("")));
        assert!(!has_key_body(
            "",
            Some("| `ORACLE_USER` | SSH user | `ubuntu` |")
        ));
    }

    #[test]
    fn values_people_write_are_not_taken_for_secrets() {
        for value in [
            "very_sensitive_secret",
            "CHANGE-ME-IN-PRODUCTION",
            "mysecretpassword",
        ] {
            assert!(!looks_like_a_real_secret(value), "{value}");
        }
        for value in [
            "k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH",
            "815aa4606f476444691c5f1c16b9c70da6714dc6",
        ] {
            assert!(looks_like_a_real_secret(value), "{value}");
        }
    }

    #[test]
    fn a_template_keeps_only_values_shaped_like_generated_ones() {
        assert!(is_template(".env.example"));
        assert!(is_template("env-example-relational"));
        assert!(is_template("config/default.sample.json"));
        assert!(!is_template(".env.production"));
        assert!(!is_template("src/email-template.ts"));
        assert!(is_documentation("src/docs/components.yml"));
        assert!(!is_documentation("config/docs.yml"));
        assert!(looks_generated("815aa4606f476444691c5f1c16b9c70da6714dc6"));
        assert!(!looks_generated("p4sta.w1th-b0logn3s3-s@uce"));
    }

    #[test]
    fn env_files_are_told_from_templates() {
        for path in [
            ".env",
            ".env.production",
            "config/.env.production.backup",
            "deploy/prod.env",
            ".env.local.bak",
        ] {
            assert!(is_env_file(path), "{path}");
        }
        for path in [
            ".env.example",
            "apps/api/.env.sample",
            ".env.template",
            "environment.ts",
            ".envrc.md",
        ] {
            assert!(!is_env_file(path), "{path}");
        }
    }

    #[test]
    fn assignments_need_a_real_looking_value() {
        let assignment = Regex::new(ASSIGNMENT).expect("compiles");
        let value = |line: &str| assignment.captures(line).map(|c| c[2].to_owned());
        assert_eq!(
            value("JWT_SECRET=k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH").as_deref(),
            Some("k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH")
        );
        assert_eq!(value("  \"jwtSecret\": \"abc\",").as_deref(), Some("abc"));
        assert!(looks_like_a_real_secret("k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH"));
        assert!(!looks_like_a_real_secret("your-jwt-secret-change-me"));
        assert!(!looks_like_a_real_secret("${JWT_SECRET}"));
        assert!(!looks_like_a_real_secret("short"));
        // Base64 has `/`; a path has it too.
        assert!(looks_like_a_real_secret("q9Lr/xT2+vW8kPz4mN7bH1cJ5dF3gS0a"));
        assert!(!looks_like_a_real_secret("secrets/jwt_secret_key_2024"));
        assert!(!looks_like_a_real_secret("/run/secrets/JwtSigningKey2024"));
        assert!(!looks_like_a_real_secret("./config/Keys/private2024.pem"));
    }

    #[test]
    fn large_folders_are_parts_split_until_they_fit_and_small_ones_stay_with_run() {
        let mut paths: Vec<String> = vec!["README.md".into(), "apps-notes.md".into()];
        for service in ["api", "web"] {
            for i in 0..1_500 {
                paths.push(format!("apps/{service}/src/m{i}.ts"));
            }
            paths.push(format!("apps/{service}/package.json"));
        }
        paths.push("apps/README.md".into());
        for i in 0..150 {
            paths.push(format!("docs/p{i}.md"));
        }
        for i in 0..10 {
            paths.push(format!("tools/t{i}.sh"));
        }
        paths.push("zz.txt".into());
        paths.sort();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        // `apps` (3,003 files) is split: each service is a part, and the
        // file directly in `apps` is run's; `docs` fits; `tools` is small.
        assert_eq!(part_folders(&paths), ["apps/api", "apps/web", "docs"]);
        // A folder that cannot be split stays one part, however large.
        let flat: Vec<String> = (0..2_500).map(|i| format!("src/f{i}.ts")).collect();
        let flat: Vec<&str> = flat.iter().map(String::as_str).collect();
        assert_eq!(part_folders(&flat), ["src"]);
        assert!(part_folders(&["a.txt", "b/c.txt"]).is_empty());
    }

    #[test]
    fn every_match_of_a_pattern_has_one_of_its_literals() {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let patterns = TOKENS
            .iter()
            .map(|(_, pattern, literals)| (*pattern, *literals))
            .chain([(PRIVATE_KEY, &[PRIVATE_KEY_LITERAL][..])]);
        for (pattern, literals) in patterns {
            let hir = regex_syntax::parse(pattern).expect("parses");
            // Every match begins with one of these.
            let prefixes = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
            let prefixes = prefixes.literals().expect("a finite set of prefixes");
            for prefix in prefixes {
                let prefix = String::from_utf8_lossy(prefix.as_bytes()).into_owned();
                assert!(
                    literals.iter().any(|l| prefix.contains(l)),
                    "`{pattern}`: the prefix `{prefix}` has none of {literals:?}"
                );
            }
        }
        let scanner = Scanner::new().expect("builds");
        assert!(
            scanner
                .literals
                .is_match("-----BEGIN OPENSSH PRIVATE KEY-----")
        );
        assert!(!scanner.literals.is_match("export const x = 1;\n"));
    }

    #[test]
    fn only_lines_with_a_secret_word_can_assign_a_secret() {
        let assignment = Regex::new(ASSIGNMENT).expect("compiles");
        for line in [
            "JWT_SECRET=k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH",
            "  \"dbPassword\": \"x\"",
            "EXPORT Api-Key: abc",
            "githubToken = abc",
        ] {
            assert!(assignment.is_match(line), "{line}");
            assert!(may_assign_a_secret(line), "{line}");
        }
        assert!(!may_assign_a_secret("  \"name\": \"orders\","));
    }

    #[test]
    fn token_patterns_compile_and_match() {
        let stripe = Regex::new(TOKENS[1].1).expect("compiles");
        assert!(stripe.is_match(&format!(
            "key = {}{}",
            "sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"
        )));
        assert!(!stripe.is_match("sk_test_4eC39HqLyjWDarjtT1zdp7dc"));
        assert!(
            Regex::new(PRIVATE_KEY)
                .expect("compiles")
                .is_match("-----BEGIN OPENSSH PRIVATE KEY-----")
        );
    }
}
