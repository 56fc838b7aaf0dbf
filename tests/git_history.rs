//! Secrets in the git history: the host reads what every commit added for
//! the check granted `git_history` (and for no other), git runs with the
//! repository's command-running settings off, and what it read is kept
//! between runs while the refs stay the same.

mod common;

use common::{Project, check_run, git, gonogo, json_report, repo_check_outcome};

/// A generated-looking secret, built at run time so that no scanner flags
/// this repository.
fn secret() -> String {
    format!("{}{}", "Zq8vT3xLk29PmW7r", "Yb41NcQe5sHd")
}

/// A project whose first commit held a production env file that the
/// second commit deleted.
fn project_with_a_deleted_secret() -> Project {
    let project = Project::new();
    project.write(".gitignore", ".env*\nnode_modules\n");
    project.write(
        "config/production.env",
        &format!("PORT=3000\nJWT_SECRET={}\n", secret()),
    );
    git(&project, &["init", "-q", "-b", "main"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-qm", "first"]);
    std::fs::remove_file(project.path().join("config/production.env")).expect("rm");
    project.write("src/index.js", "console.log('hi')\n");
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-qm", "second"]);
    project
}

fn first_commit(project: &Project) -> String {
    let out = std::process::Command::new("git")
        .current_dir(project.path())
        .args(["rev-list", "--max-parents=0", "HEAD"])
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout)[..12].to_owned()
}

#[test]
fn a_secret_deleted_from_the_files_is_found_in_the_history_by_commit_file_and_line() {
    let project = project_with_a_deleted_secret();
    let outcome = repo_check_outcome(&project, "secrets");
    let commit = first_commit(&project);
    assert_eq!(outcome["facts"]["found"], serde_json::json!([]));
    let history = &outcome["facts"]["history"];
    assert_eq!(history["commits"], 2);
    assert_eq!(history["shallow"], false);
    assert_eq!(
        history["found"],
        serde_json::json!([{"commit": commit, "path": "config/production.env", "line": 2,
            "kind": "secret-assignment", "finding": "secret-assignment"}])
    );
    let finding = &outcome["findings"][0];
    assert_eq!(finding["id"], "secret-in-history");
    assert_eq!(finding["location"]["path"], "config/production.env");
    assert!(
        !outcome.to_string().contains(&secret()),
        "the value is reported"
    );

    // Acknowledged as rotated, it is counted apart; an entry without a
    // reason acknowledges nothing and is pointed at.
    project.write(
        ".gonogo/rotated-secrets",
        &format!("{commit}:config/production.env:2  # rotated 2026-12-01\n{commit}:x:1\n"),
    );
    let outcome = repo_check_outcome(&project, "secrets");
    assert_eq!(outcome["facts"]["history"]["found"], serde_json::json!([]));
    assert_eq!(outcome["facts"]["history"]["rotated"], 1);
    assert_eq!(outcome["findings"][0]["id"], "rotated-entry-invalid");
    assert_eq!(outcome["findings"][0]["location"]["line"], 2);
}

#[test]
fn the_starter_pack_blocks_on_a_secret_of_the_history() {
    let project = project_with_a_deleted_secret();
    let output = gonogo()
        .args(["check", "--format", "json"])
        .arg(project.path())
        .output()
        .expect("runs");
    let report = json_report(&output);
    let rule = common::rule(&report, "no-secrets-in-history");
    assert_eq!(rule["status"], "fail", "{rule:#}");
    assert!(
        rule["message"]
            .as_str()
            .is_some_and(|m| m.contains("at config/production.env:2")),
        "{rule:#}"
    );
}

#[test]
fn a_check_not_granted_the_history_is_refused_it() {
    let project = project_with_a_deleted_secret();
    project.write(
        "pack/gonogo.yaml",
        "name: no-grant\nchecks:\n  secrets: { use: builtin:secrets }\nrules:\n  - id: ran\n    title: The check ran\n    severity: low\n    check: secrets\n    expr: status != 'error'\n",
    );
    let (_, report) = common::pack_report(&project, &project.path().join("pack").to_string_lossy());
    let facts = &check_run(&report, "secrets")["facts"];
    assert_eq!(facts["history"], serde_json::Value::Null);
    assert!(
        facts["history_unread"]
            .as_str()
            .is_some_and(|why| why.contains("does not grant")),
        "{facts:#}"
    );
}

#[test]
fn outside_git_the_history_is_said_to_be_unread() {
    let project = Project::new();
    project.write("src/index.js", "console.log('hi')\n");
    let outcome = repo_check_outcome(&project, "secrets");
    assert_eq!(outcome["facts"]["history"], serde_json::Value::Null);
    assert!(
        outcome["facts"]["history_unread"]
            .as_str()
            .is_some_and(|why| why.contains("not in a git work tree")),
        "{outcome:#}"
    );
}

#[test]
fn a_new_commit_is_read_on_the_next_run_and_the_same_refs_reuse_what_was_read() {
    let project = project_with_a_deleted_secret();
    let cache = Project::new();
    let run = || {
        let output = gonogo()
            .args([
                "check",
                "--format",
                "json",
                "--policy",
                "tests/packs/repo-checks",
            ])
            .arg(project.path())
            .env("GONOGO_CACHE_DIR", cache.path())
            .output()
            .expect("runs");
        check_run(&json_report(&output), "secrets").clone()
    };
    let first = run();
    assert_eq!(first["facts"]["history"]["commits"], 2);
    let kept = std::fs::read_dir(cache.path().join("history"))
        .expect("the history is kept")
        .count();
    assert_eq!(kept, 1);
    let again = run();
    assert_eq!(again["reused"], true, "{again:#}");
    assert_eq!(again["facts"], first["facts"]);
    project.write("src/more.js", "console.log('more')\n");
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-qm", "third"]);
    let later = run();
    assert_ne!(later["reused"], true, "{later:#}");
    assert_eq!(later["facts"]["history"]["commits"], 3);
}

#[test]
fn a_repository_cannot_make_the_history_read_run_a_command() {
    let project = project_with_a_deleted_secret();
    let marker = project.path().join("pwned");
    let touch = format!("touch {}", marker.display());
    project.write(".gitattributes", "*.env diff=evil\n");
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-qm", "attributes"]);
    for (name, value) in [
        ("diff.evil.textconv", touch.as_str()),
        ("diff.external", touch.as_str()),
        ("log.showSignature", "true"),
        ("gpg.program", touch.as_str()),
        ("core.fsmonitor", touch.as_str()),
    ] {
        git(&project, &["config", name, value]);
    }
    let outcome = repo_check_outcome(&project, "secrets");
    assert!(!marker.exists(), "git ran a command the repository set");
    assert_eq!(outcome["facts"]["history"]["found"][0]["line"], 2);
}
