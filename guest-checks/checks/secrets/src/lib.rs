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
//!   files (env files, YAML, JSON, TOML, INI, properties).
//!
//! Values are never reported: only file, line and kind. Test and fixture
//! folders are scanned for tokens and keys (a live key there is still
//! leaked) but not for high-entropy assignments, which are usually fakes.
//!
//! ## Why it matters
//! A committed `.env.production` or `sk_live_` key is readable by everyone
//! with the repository, forever (history keeps it). The seed checklists
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
//! `found` (`path`, `line`, `kind`), `files_scanned`.
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

use gonogo_analysis::{classify, is_test_path};
use gonogo_check::workspace::{self, VcsKind};
use gonogo_check::{Check, Finding, Info, Report, Severity, Value, json};
use regex::Regex;

struct Secrets;

/// Token formats: (kind, pattern).
const TOKENS: &[(&str, &str)] = &[
    ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("stripe-live-key", r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}"),
    (
        "github-token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})",
    ),
    ("gitlab-token", r"\bglpat-[A-Za-z0-9_-]{20}"),
    ("slack-token", r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
    (
        "slack-webhook",
        r"hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/[0-9A-Za-z]+",
    ),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}"),
    (
        "sendgrid-key",
        r"\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}",
    ),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}"),
];

const PRIVATE_KEY: &str =
    r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----";

/// `KEY = value`, `KEY: value`, `"key": "value"` with a secret-sounding key.
const ASSIGNMENT: &str = r#"(?i)^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]*(?:secret|passw(?:or)?d|token|api[_-]?key|private[_-]?key|access[_-]?key|client[_-]?secret|signing[_-]?key|encryption[_-]?key))["']?\s*[:=]\s*["']?([^"'\s#,]+)"#;

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
                Finding::fail("env-file-committed", Severity::Critical, format!("git tracks the env file `{path}`"))
                    .at(path, None)
                    .fix("`git rm --cached` it, ignore `.env*` in .gitignore, and rotate every secret it held"),
            );
        } else if tracked == Some(false) && !ignored {
            report.push(
                Finding::fail(
                    "env-file-unignored",
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
            "env-not-gitignored",
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

fn scan_contents(report: &mut Report) -> Result<(), String> {
    let tokens: Vec<(&str, Regex)> = TOKENS
        .iter()
        .map(|(kind, pattern)| compile(pattern).map(|r| (*kind, r)))
        .collect::<Result<_, _>>()?;
    let private_key = compile(PRIVATE_KEY)?;
    let assignment = compile(ASSIGNMENT)?;
    // One pass over a whole file says whether any line can match; most
    // files match nothing and are never split into lines.
    let any_token = regex::RegexSet::new(TOKENS.iter().map(|(_, p)| *p).chain([PRIVATE_KEY]))
        .map_err(|e| format!("internal pattern error: {e}"))?;
    let mut found = Vec::new();
    let mut scanned = 0u32;
    for file in workspace::files() {
        let path = file.path;
        if !scannable(path) {
            continue;
        }
        let Some(text) = workspace::read_text(path) else {
            continue;
        };
        scanned += 1;
        let config = is_config(path) && !is_test_path(path);
        if !config && !any_token.is_match(&text) {
            continue;
        }
        for (index, line) in text.lines().enumerate() {
            let line_no = index as u32 + 1;
            let mut hit = |kind: &str, id: &str, severity: Severity, message: String, fix: &str| {
                found.push(json!({"path": path, "line": line_no, "kind": kind}));
                report.push(
                    Finding::fail(id, severity, message)
                        .at(path, Some(line_no))
                        .fix(fix),
                );
            };
            if private_key.is_match(line) {
                hit(
                    "private-key",
                    "private-key",
                    Severity::Critical,
                    "a private key is in the repository".into(),
                    "remove it, rotate the key pair, and mount the key from the secret store",
                );
                continue;
            }
            if let Some((kind, _)) = tokens.iter().find(|(_, r)| r.is_match(line)) {
                hit(
                    kind,
                    "token",
                    Severity::Critical,
                    format!("a {} is in the repository", kind.replace('-', " ")),
                    "revoke it now, remove it, and load it from the secret store",
                );
                continue;
            }
            if config && let Some(captures) = assignment.captures(line) {
                let key = captures.get(1).map_or("", |m| m.as_str());
                let value = captures.get(2).map_or("", |m| m.as_str());
                if looks_like_a_real_secret(value) {
                    hit(
                        "secret-assignment",
                        "secret-assignment",
                        Severity::High,
                        format!("`{key}` is assigned a literal secret"),
                        "replace it with a reference to the secret store or an env variable, and rotate it",
                    );
                }
            }
        }
    }
    report.fact("found", found);
    report.fact("files_scanned", scanned);
    Ok(())
}

/// A literal that is long, varied and not a placeholder, reference or path.
fn looks_like_a_real_secret(value: &str) -> bool {
    let reference = value.contains("${")
        || value.contains("{{")
        || value.starts_with('$')
        || value.starts_with('<')
        || value.contains("process.env")
        || value.contains('/');
    value.len() >= 16
        && !reference
        && !classify::is_placeholder(value, &[])
        && classify::entropy_bits(value) / value.len() as f64 >= 3.0
}

gonogo_check::export_check!(Secrets);

#[cfg(test)]
mod tests {
    use super::*;

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
