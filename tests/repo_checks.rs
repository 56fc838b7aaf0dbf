//! The repository checks (`secrets`, `deps`, `prisma`, `docker`, `ci`,
//! `docs`, `node`) run for real over fixture projects made git
//! repositories in a temporary folder; what they report is snapshotted.

mod common;

use common::{Project, commit_all, fixture_project, git, repo_check_outcome};

/// A token of a well-known format, built at run time so that no scanner
/// flags this repository.
fn fake_stripe_live_key() -> String {
    format!("{}_{}_{}", "sk", "live", "51Hx9mQ2eZvKYlo2C8fXb3Ty7aBcD")
}

#[test]
fn secrets_finds_committed_env_files_keys_and_tokens_without_values() {
    let project = fixture_project("guest-checks/checks/secrets/fixtures/leaky");
    let key = fake_stripe_live_key();
    project.write(
        "src/billing.ts",
        &format!("const stripe = new Stripe('{key}');\n"),
    );
    project.write(
        ".env.production.backup",
        "JWT_SECRET=k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH\n",
    );
    project.write(".env.local", "X=1\n");
    commit_all(&project);
    project.write(".env.staging", "X=1\n"); // on disk, untracked, not ignored
    let outcome = repo_check_outcome(&project, "secrets");
    let text = outcome.to_string();
    assert!(!text.contains(&key), "the token is reported");
    assert!(
        !text.contains("k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH"),
        "a secret is reported"
    );
    insta::assert_json_snapshot!("secrets_leaky", outcome);
}

#[test]
fn secrets_passes_a_clean_repository() {
    let project = fixture_project("guest-checks/checks/secrets/fixtures/clean");
    commit_all(&project);
    project.write(".env", "JWT_SECRET=k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH\n"); // ignored
    let outcome = repo_check_outcome(&project, "secrets");
    assert_eq!(outcome["findings"], serde_json::json!([]), "{outcome:#}");
    assert_eq!(outcome["facts"]["env_gitignored"], true);
}

#[test]
fn secrets_without_git_does_not_claim_what_is_committed() {
    let project = fixture_project("guest-checks/checks/secrets/fixtures/clean");
    project.write(".env", "X=1\n");
    let outcome = repo_check_outcome(&project, "secrets");
    assert_eq!(outcome["facts"]["vcs"], "none");
    assert_eq!(outcome["facts"]["env_gitignored"], serde_json::Value::Null);
    assert_eq!(
        outcome["facts"]["env_files"][0]["tracked"],
        serde_json::Value::Null
    );
    let _ = (git, Project::new);
}
