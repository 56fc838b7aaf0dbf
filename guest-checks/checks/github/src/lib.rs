//! # `github` — what GitHub knows of the commit and the repository
//!
//! ## What it checks
//! The GitHub REST API (version 2022-11-28), asked through the host's
//! `probe` interface with the token the pack grants (`GITHUB_TOKEN` in
//! Actions), about the repository and commit being gated (`GITHUB_REPOSITORY`,
//! `GITHUB_SHA`):
//! - **the commit's check runs** (`GET /repos/{repo}/commits/{sha}/check-runs`,
//!   every page): all finished and none failed; and, by topic, the runs
//!   whose names say what they test (unit, integration, end-to-end,
//!   security, performance, build; the pack may name them) ran and passed;
//! - **the default branch's protection**: classic branch protection and
//!   the rulesets that apply to it (`/rules/branches/{branch}`): a required
//!   review, required status checks, force pushes refused;
//! - **security alerts**: open Dependabot and code-scanning alerts by
//!   severity, and whether each is enabled; whether secret scanning is,
//!   and its open alerts (GitHub scans every commit of the history, which
//!   the `secrets` check, reading the files at HEAD, cannot);
//! - **Actions secrets** the pack names exist (names only; GitHub never
//!   gives values).
//!
//! Without a token, a repository or a commit nothing is asked and
//! `configured` is false. What the token may not read (Dependabot alerts
//! with the job's `GITHUB_TOKEN`, classic protection settings without the
//! administration permission) is reported as unknown, with the reason, and
//! its rule skips: never a pass. An API error (401, 403 without the permission,
//! 5xx, an answer cut short, pagination that does not end, a rate limit
//! longer than 10 s) is an `error` finding with GitHub's own message, so
//! the rules reading it are `error`, never a pass. The token is a secret
//! grant: the host redacts it from every output and recording.
//!
//! ## Why it matters
//! A pipeline that is configured to test is not a pipeline whose tests
//! passed on this commit; a protected branch and triaged alerts are
//! settings in GitHub, not files in the repository.
//!
//! ## Example of a failing project
//! The `e2e` job of the commit failed, `main` accepts force pushes, and
//! Dependabot has two open critical alerts.
//!
//! ## How to fix
//! Fix the failing job and push again; protect the default branch (a
//! required review and the CI checks, no force push); fix or dismiss the
//! alerts with a reason.
//!
//! ## Facts it reports
//! `configured`, `repository`, `commit`, `default_branch`; `runs` (null
//! when not read): `total`, `names`, `failed`, `pending`, `topics` (topic
//! → `jobs`, `passed`: null when no run matches); `protection`: `branch`,
//! `protected`, `sources`, `required_reviews`, `required_checks`,
//! `force_push_allowed`, `unreadable` (why the token could not read the
//! settings of a classic protection); `dependabot` and `code_scanning`:
//! `enabled`, `critical`, `high`, `medium`, `low`, or `unreadable` (why
//! the token may not read them: the job's GITHUB_TOKEN cannot read
//! Dependabot alerts); `secret_scanning` (`enabled`, `disabled` or null
//! when GitHub does not say), `secret_scanning_alerts` (open alerts, when
//! enabled), `secret_scanning_unreadable`; `secrets`: `required`, `missing` (a pack
//! that names `required_secrets` adds a rule over `facts.secrets.missing`).
//!
//! ## Settings
//! - `token_env` (default `GITHUB_TOKEN`), `repository_env` (default
//!   `GITHUB_REPOSITORY`, `owner/name`), `commit_env` (default
//!   `GITHUB_SHA`), `api_url_env` (default `GITHUB_API_URL`, else
//!   `https://api.github.com`): granted variables.
//! - `topics` (map of topic → list of words): which run names belong to a
//!   topic, by lowercase substring; defaults below.
//! - `required_secrets` (list): Actions secrets that must exist.
//! - `ignore_runs` (list, default `[gonogo]`): runs left out, by lowercase
//!   substring of their name, and the run named by the variable `job_env`
//!   (default `GITHUB_JOB`) when granted: the gate's own job has not
//!   finished while it asks.
//!
//! Default topics: `unit` (`unit`, `test`), `integration` (`integration`),
//! `e2e` (`e2e`, `end-to-end`, `playwright`, `cypress`), `security`
//! (`security`, `codeql`, `audit`, `snyk`, `trivy`, `semgrep`),
//! `performance` (`performance`, `perf`, `load`, `k6`, `lighthouse`),
//! `build` (`build`, `docker`, `image`). A run named for integration,
//! end-to-end, security or performance tests is not a unit run unless its
//! name says `unit` (`Integration tests` holds `test`).
//!
//! ## Enable it
//! The starter pack (`builtin:production-readiness`) declares this check;
//! it asks the provider when the deployment's environment sets the
//! variables (`--env-file`, or the CI's secrets):
//! `GITHUB_TOKEN` (secret: redacted from every
//! output and recording), and `GITHUB_REPOSITORY`, `GITHUB_SHA`, `GITHUB_API_URL`, `GITHUB_JOB`.
//! A pack of your own declares it the same way:
//!
//! ```yaml
//! checks:
//!   github:
//!     use: builtin:github
//!     grants:
//!       env: [GITHUB_TOKEN]
//!       public_env: [GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_API_URL, GITHUB_JOB]
//!       hosts: [api.github.com, "env:GITHUB_API_URL"]
//!     limits: { probe_calls: 60, probe_body_kb: 4096, timeout_ms: 60000 }
//! ```
//!
//! ## Findings
//! - `not-configured` (skip): no token, repository or commit.
//! - `api-error` (error): the repository could not be read.
//! - `runs-missing` (fail, high): no finished check run for the commit.
//! - `run-failed` (fail, critical): a check run of the commit failed.
//! - `branch-unprotected` (fail, high): no protection nor ruleset on the default branch.
//! - `protection-weak` (fail, medium): no required review or check, or force pushes allowed.
//! - `security-alerts` (fail, high): open high or critical alerts.
//! - `alerts-disabled` (fail, medium): Dependabot alerts or code scanning off.
//! - `secret-scanning-disabled` (fail, medium): secret scanning off.
//! - `secrets-exposed` (fail, critical): open secret-scanning alerts.
//! - `secret-missing` (fail, medium): a named Actions secret is missing.

pub mod alerts;
pub mod findings;
pub mod protection;
pub mod runs;

use gonogo_check::api::Api;
use gonogo_check::{Check, Finding, Info, Report, Severity, Status, Value, json};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    token_env: Option<String>,
    repository_env: Option<String>,
    commit_env: Option<String>,
    api_url_env: Option<String>,
    topics: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    required_secrets: Vec<String>,
    ignore_runs: Option<Vec<String>>,
    job_env: Option<String>,
}

/// The value of a granted variable, if set.
fn var(name: &Option<String>, default: &str) -> Result<Option<String>, String> {
    gonogo_check::granted_var(name.as_deref().unwrap_or(default))
}

struct Github;

impl Check for Github {
    type Config = Config;
    const INFO: Info = Info {
        id: "github",
        name: "GitHub",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks the GitHub API whether the commit's checks passed, the default branch is protected and security alerts are triaged.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let token = var(&config.token_env, "GITHUB_TOKEN")?;
        let repository = var(&config.repository_env, "GITHUB_REPOSITORY")?;
        let commit = var(&config.commit_env, "GITHUB_SHA")?;
        let api_url = var(&config.api_url_env, "GITHUB_API_URL")?
            .unwrap_or_else(|| "https://api.github.com".to_owned());
        let (Some(token), Some(repository), Some(commit)) = (token, repository, commit) else {
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                Status::Skip,
                Severity::Info,
                "GitHub was not asked: a token, the repository and the commit are needed (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA)",
            ));
            report.fact("configured", false);
            return Ok(report);
        };
        if !is_repository(&repository) || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "`{repository}` is not an owner/name repository, or `{commit}` is not a commit id"
            ));
        }
        report.fact("configured", true);
        report.fact("repository", repository.as_str());
        report.fact("commit", commit.as_str());
        let api = Api::new(
            &api_url,
            vec![
                ("authorization".into(), format!("Bearer {token}")),
                ("accept".into(), "application/vnd.github+json".into()),
                ("x-github-api-version".into(), "2022-11-28".into()),
            ],
        );
        let repo_path = format!("/repos/{repository}");
        let repo = match api.get(&repo_path) {
            Ok(repo) => repo,
            Err(error) => {
                report.push(
                    Finding::error(
                        findings::API_ERROR,
                        format!("GitHub could not be asked about {repository}: {error}"),
                    )
                    .fix("check the token (its repository access and permissions) and `grants.hosts`"),
                );
                return Ok(report);
            }
        };
        let branch = repo
            .get("default_branch")
            .and_then(Value::as_str)
            .unwrap_or("main")
            .to_owned();
        report.fact("default_branch", branch.as_str());
        let topics = config.topics.clone().unwrap_or_else(runs::default_topics);
        // The gate's own run is not finished while it runs: leave it out.
        let mut ignored = config
            .ignore_runs
            .clone()
            .unwrap_or_else(|| vec!["gonogo".to_owned()]);
        if let Ok(Some(job)) = var(&config.job_env, "GITHUB_JOB") {
            ignored.push(job);
        }
        runs::judge(&mut report, &api, &repo_path, &commit, &topics, &ignored);
        protection::judge(&mut report, &api, &repo_path, &branch);
        alerts::judge(&mut report, &api, &repo_path, &repo);
        secrets(&mut report, &api, &repo_path, &config.required_secrets);
        Ok(report)
    }
}

/// Whether `text` is `owner/name` with the characters GitHub allows.
fn is_repository(text: &str) -> bool {
    let mut parts = text.split('/');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty()
                && p != "."
                && p != ".."
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// The Actions secrets the pack names, by name only.
fn secrets(report: &mut Report, api: &Api, repo_path: &str, required: &[String]) {
    if required.is_empty() {
        report.fact("secrets", json!({ "required": [], "missing": [] }));
        return;
    }
    let listed = match api.get_all(
        &format!("{repo_path}/actions/secrets?per_page=100"),
        Some("secrets"),
    ) {
        Ok(listed) => listed,
        Err(error) => {
            report.push(Finding::error(
                findings::SECRET_MISSING,
                format!("the repository's Actions secrets could not be listed: {error}"),
            ));
            report.fact("secrets", Value::Null);
            return;
        }
    };
    let names: Vec<&str> = listed
        .iter()
        .filter_map(|s| s.get("name")?.as_str())
        .collect();
    let missing: Vec<&String> = required
        .iter()
        .filter(|r| !names.contains(&r.as_str()))
        .collect();
    for name in &missing {
        report.push(
            Finding::fail(
                findings::SECRET_MISSING,
                Severity::Medium,
                format!("the Actions secret `{name}` is not set on the repository"),
            )
            .fix("add it under Settings → Secrets and variables → Actions"),
        );
    }
    report.fact(
        "secrets",
        json!({ "required": required, "missing": missing }),
    );
}

gonogo_check::export_check!(Github);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_are_owner_slash_name() {
        assert!(is_repository("acme/shop-api"));
        assert!(is_repository("a.b/c_d"));
        assert!(!is_repository("acme"));
        assert!(!is_repository("acme/shop/x"));
        assert!(!is_repository("../x"));
        assert!(!is_repository("acme/.."));
        assert!(!is_repository("acme/a?b"));
    }
}
