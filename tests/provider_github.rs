//! The `github` check and the starter pack's GitHub rules against a
//! GitHub API played back on 127.0.0.1 (`tests/providers/api_server.rs`),
//! its answers shaped as GitHub's REST API reference (version 2022-11-28)
//! documents them: a repository kept as the checklists ask, one that is
//! not, and the faults (bad credentials, a long rate limit, a server
//! error, JSON cut short, pagination that loops), which are errors, never
//! a pass, and never print the token.

#[path = "providers/api_server.rs"]
mod api_server;
mod common;
#[path = "providers/gate.rs"]
mod gate;

use api_server::{Answer, ApiServer};
use common::{Project, check_run, gonogo, json_report, rule};
use std::collections::HashMap;
use std::process::Output;

const TOKEN: &str = "ghs_Sekr1t-canary-token-9Qx7";
const SHA: &str = "8f3c1e2d4b5a69788f3c1e2d4b5a69788f3c1e2d";
const REPO: &str = "/repos/acme/shop-api";

fn runs_path(page: Option<u32>) -> String {
    match page {
        None => format!("{REPO}/commits/{SHA}/check-runs?per_page=100"),
        Some(page) => format!("{REPO}/commits/{SHA}/check-runs?per_page=100&page={page}"),
    }
}

/// A check run as GitHub lists it (only the fields the check reads, and a few more).
fn check_run_json(id: u32, name: &str, status: &str, conclusion: Option<&str>) -> String {
    let conclusion = conclusion.map_or("null".to_owned(), |c| format!("\"{c}\""));
    format!(
        r#"{{"id":{id},"head_sha":"{SHA}","name":"{name}","status":"{status}","conclusion":{conclusion},"app":{{"slug":"github-actions"}}}}"#
    )
}

fn repository(secret_scanning: &str) -> Answer {
    Answer::json(&format!(
        r#"{{"id":1296269,"full_name":"acme/shop-api","private":true,"default_branch":"main","security_and_analysis":{{"secret_scanning":{{"status":"{secret_scanning}"}},"secret_scanning_push_protection":{{"status":"{secret_scanning}"}}}}}}"#
    ))
}

/// A repository kept as the checklists ask: every topic's run passed
/// (over two pages), the branch protected by a ruleset, no open alert.
fn kept(port: u16) -> HashMap<String, Answer> {
    let first = [
        check_run_json(1, "unit-tests", "completed", Some("success")),
        check_run_json(2, "integration", "completed", Some("success")),
        check_run_json(3, "e2e (playwright)", "completed", Some("success")),
    ];
    let second = [
        check_run_json(4, "CodeQL", "completed", Some("success")),
        check_run_json(5, "k6 load test", "completed", Some("success")),
        check_run_json(6, "build-image", "completed", Some("success")),
        check_run_json(7, "gonogo", "in_progress", None),
    ];
    let next = format!(
        "<https://127.0.0.1:{port}{}>; rel=\"next\", <https://127.0.0.1:{port}{}>; rel=\"last\"",
        runs_path(Some(2)),
        runs_path(Some(2))
    );
    HashMap::from([
        (REPO.to_owned(), repository("enabled")),
        (
            runs_path(None),
            Answer::json(&format!(
                r#"{{"total_count":7,"check_runs":[{}]}}"#,
                first.join(",")
            ))
            .with_header("link", &next),
        ),
        (
            runs_path(Some(2)),
            Answer::json(&format!(
                r#"{{"total_count":7,"check_runs":[{}]}}"#,
                second.join(",")
            )),
        ),
        (
            format!("{REPO}/rules/branches/main?per_page=100"),
            Answer::json(
                r#"[{"type":"pull_request","ruleset_source_type":"Repository","ruleset_source":"acme/shop-api","ruleset_id":42,"parameters":{"required_approving_review_count":1,"dismiss_stale_reviews_on_push":true,"require_code_owner_review":false,"require_last_push_approval":false,"required_review_thread_resolution":false}},
                   {"type":"required_status_checks","ruleset_id":42,"parameters":{"strict_required_status_checks_policy":true,"required_status_checks":[{"context":"unit-tests"},{"context":"build-image"}]}},
                   {"type":"non_fast_forward","ruleset_id":42}]"#,
            ),
        ),
        (
            format!("{REPO}/branches/main"),
            Answer::json(r#"{"name":"main","commit":{"sha":"8f3c1e2d"},"protected":true}"#),
        ),
        (
            format!("{REPO}/branches/main/protection"),
            Answer::error(403, "Resource not accessible by integration"),
        ),
        (
            format!("{REPO}/dependabot/alerts?state=open&per_page=100"),
            Answer::json("[]"),
        ),
        (
            format!("{REPO}/code-scanning/alerts?state=open&per_page=100"),
            Answer::json("[]"),
        ),
        (
            format!("{REPO}/secret-scanning/alerts?state=open&per_page=100"),
            Answer::json("[]"),
        ),
    ])
}

/// A repository that is not: a failed end-to-end run, a run still going,
/// no protection, a critical Dependabot alert, no code scanning.
fn neglected() -> HashMap<String, Answer> {
    let runs = [
        check_run_json(1, "test", "completed", Some("success")),
        check_run_json(2, "e2e", "completed", Some("failure")),
        check_run_json(3, "deploy-preview", "queued", None),
    ];
    HashMap::from([
        (REPO.to_owned(), repository("disabled")),
        (
            runs_path(None),
            Answer::json(&format!(
                r#"{{"total_count":3,"check_runs":[{}]}}"#,
                runs.join(",")
            )),
        ),
        (
            format!("{REPO}/rules/branches/main?per_page=100"),
            Answer::json("[]"),
        ),
        (
            format!("{REPO}/branches/main"),
            Answer::json(r#"{"name":"main","commit":{"sha":"8f3c1e2d"},"protected":false}"#),
        ),
        (
            format!("{REPO}/dependabot/alerts?state=open&per_page=100"),
            Answer::json(
                r#"[{"number":2,"state":"open","dependency":{"package":{"ecosystem":"npm","name":"jsonwebtoken"}},"security_advisory":{"ghsa_id":"GHSA-8cf7-32gw-wr33","severity":"critical"},"security_vulnerability":{"severity":"critical"}}]"#,
            ),
        ),
        (
            format!("{REPO}/code-scanning/alerts?state=open&per_page=100"),
            Answer::error(404, "no analysis found"),
        ),
    ])
}

/// Runs the starter pack with GitHub's variables pointing at `server`.
fn run(server: &ApiServer, extra: &[&str]) -> (Output, serde_json::Value) {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"shop-api","scripts":{"test":"node --test"}}"#,
    );
    let vars = [
        ("GITHUB_TOKEN", TOKEN.to_owned()),
        ("GITHUB_REPOSITORY", "acme/shop-api".to_owned()),
        ("GITHUB_SHA", SHA.to_owned()),
        ("GITHUB_API_URL", server.url()),
    ];
    gate::check(project.path(), &vars, Some(server.ca_path()), extra)
}

fn assert_no_token(output: &Output, also: &str) {
    gate::assert_hidden(output, also, &[TOKEN]);
}

const RULES: &[&str] = &[
    "ci-checks-green",
    "ci-unit-tests-passed",
    "ci-integration-tests-passed",
    "ci-e2e-tests-passed",
    "ci-security-tests-passed",
    "ci-performance-tests-passed",
    "ci-build-passed",
    "default-branch-protected",
    "security-alerts-triaged",
    "secret-scanning-clean",
];

#[test]
fn a_kept_repository_passes_every_github_rule() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    // The answers name the server's own port in their `Link` headers, so
    // the server is started on the port they were written for.
    let server = start_on(port, kept(port));
    let (output, report) = run(&server, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            check_run(&report, "github")["facts"]
        );
    }
    let facts = &check_run(&report, "github")["facts"];
    assert_eq!(
        facts["runs"]["total"], 6,
        "both pages read, the gate's own run left out: {facts:#}"
    );
    assert_eq!(
        facts["protection"]["sources"],
        serde_json::json!(["rulesets", "branch protection"])
    );
    let received = server.received();
    assert!(
        received.iter().any(|r| r.path == runs_path(Some(2))),
        "the second page was asked"
    );
    assert!(
        received.iter().all(|r| r.body.is_empty()),
        "GitHub is only read"
    );
    assert!(received.iter().all(|r| {
        r.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("authorization") && v == &format!("Bearer {TOKEN}")
        })
    }));
    assert!(received.iter().all(|r| {
        r.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("x-github-api-version") && v == "2022-11-28")
    }));
    assert_no_token(&output, "");
}

/// Starts the server; the port it gets is the one the answers were written for.
fn start_on(port: u16, answers: HashMap<String, Answer>) -> ApiServer {
    let server = ApiServer::start_on(port, answers);
    assert_eq!(server.port, port);
    server
}

#[test]
fn a_neglected_repository_fails_each_rule() {
    let server = ApiServer::start(neglected());
    let (output, report) = run(&server, &[]);
    for (id, expected) in [
        ("ci-checks-green", "fail"),
        ("ci-unit-tests-passed", "pass"),
        ("ci-e2e-tests-passed", "fail"),
        ("ci-integration-tests-passed", "fail"),
        ("ci-build-passed", "fail"),
        ("default-branch-protected", "fail"),
        ("security-alerts-triaged", "fail"),
        ("secret-scanning-clean", "fail"),
    ] {
        assert_eq!(
            gate::status(&report, id),
            expected,
            "{id}: {:#}",
            check_run(&report, "github")["facts"]
        );
    }
    let green = rule(&report, "ci-checks-green")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        green.contains("`e2e` ended `failure`") && green.contains("deploy-preview"),
        "{green}"
    );
    let alerts = rule(&report, "security-alerts-triaged")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        alerts.contains("1 critical") && alerts.contains("Code scanning is not enabled"),
        "{alerts}"
    );
    let integration = rule(&report, "ci-integration-tests-passed")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        integration.contains("no run named like integration tests ran"),
        "{integration}"
    );
    assert_eq!(output.status.code(), Some(1));
    assert_no_token(&output, "");
}

#[test]
fn a_secret_found_in_the_history_fails_the_gate() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut answers = kept(port);
    answers.insert(
        format!("{REPO}/secret-scanning/alerts?state=open&per_page=100"),
        Answer::json(
            r#"[{"number":3,"state":"open","secret_type":"stripe_api_key","secret_type_display_name":"Stripe API Key","validity":"active"}]"#,
        ),
    );
    let server = start_on(port, answers);
    let (output, report) = run(&server, &[]);
    assert_eq!(gate::status(&report, "secret-scanning-clean"), "fail");
    let message = rule(&report, "secret-scanning-clean")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("1 open alert(s): Stripe API Key"),
        "{message}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn what_the_job_s_own_token_may_not_read_is_unknown_not_passed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut answers = kept(port);
    answers.insert(
        format!("{REPO}/rules/branches/main?per_page=100"),
        Answer::json("[]"),
    );
    for path in [
        format!("{REPO}/dependabot/alerts?state=open&per_page=100"),
        format!("{REPO}/secret-scanning/alerts?state=open&per_page=100"),
    ] {
        answers.insert(
            path,
            Answer::error(403, "Resource not accessible by integration"),
        );
    }
    let server = start_on(port, answers);
    let (output, report) = run(&server, &[]);
    for id in [
        "default-branch-protected",
        "security-alerts-triaged",
        "secret-scanning-clean",
    ] {
        assert_eq!(
            gate::status(&report, id),
            "skip",
            "{id}: {:#}",
            check_run(&report, "github")["facts"]
        );
    }
    let skip = rule(&report, "security-alerts-triaged")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(skip.contains("Dependabot alerts: read"), "{skip}");
    assert_eq!(gate::status(&report, "ci-checks-green"), "pass");
    assert_no_token(&output, "");
}

#[test]
fn api_faults_are_errors_that_print_no_token() {
    let cut_short = {
        let mut answers = kept(1);
        answers.insert(
            runs_path(None),
            Answer::json(r#"{"total_count":7,"check_runs":[{"id":1,"na"#),
        );
        answers
    };
    let looping = {
        let mut answers = kept(1);
        answers.remove(&runs_path(Some(2)));
        answers
    };
    let cases: Vec<(&str, HashMap<String, Answer>, &str)> = vec![
        (
            "bad credentials",
            HashMap::from([(REPO.to_owned(), Answer::error(401, "Bad credentials"))]),
            "ci-checks-green",
        ),
        (
            "rate limited",
            {
                let mut answers = kept(1);
                answers.insert(
                    runs_path(None),
                    Answer::error(429, "API rate limit exceeded").with_header("retry-after", "120"),
                );
                answers
            },
            "ci-checks-green",
        ),
        (
            "server error",
            {
                let mut answers = kept(1);
                answers.insert(
                    format!("{REPO}/dependabot/alerts?state=open&per_page=100"),
                    Answer::error(500, "Server Error"),
                );
                answers
            },
            "security-alerts-triaged",
        ),
        ("JSON cut short", cut_short, "ci-unit-tests-passed"),
        ("a page that leads to itself", looping, "ci-checks-green"),
    ];
    for (case, mut answers, id) in cases {
        if case == "a page that leads to itself" {
            let server_port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("port")
                .port();
            let link = format!(
                "<https://127.0.0.1:{server_port}{}>; rel=\"next\"",
                runs_path(None)
            );
            let first = answers
                .remove(&runs_path(None))
                .expect("first page")
                .with_header("link", &link);
            answers.insert(runs_path(None), first);
            let server = start_on(server_port, answers);
            let (output, report) = run(&server, &[]);
            assert_eq!(gate::status(&report, id), "error", "{case}");
            assert_ne!(output.status.code(), Some(0), "{case}");
            assert_no_token(&output, "");
            continue;
        }
        let server = ApiServer::start(answers);
        let (output, report) = run(&server, &[]);
        assert_eq!(
            gate::status(&report, id),
            "error",
            "{case}: {:#}",
            check_run(&report, "github")["findings"]
        );
        assert_ne!(output.status.code(), Some(0), "{case}: never a go");
        assert_no_token(&output, "");
    }
}

#[test]
fn a_recording_replays_without_github_and_holds_no_token() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let server = start_on(port, kept(port));
    let folder = tempfile::tempdir().expect("temporary folder");
    let recording = folder.path().join("github.json");
    let record = recording.display().to_string();
    let (output, live) = run(&server, &["--record", &record]);
    let recorded = std::fs::read_to_string(&recording).expect("recording");
    assert_no_token(&output, &recorded);
    let asked = server.received().len();
    let (_, replayed) = run(&server, &["--replay", &record]);
    assert_eq!(
        server.received().len(),
        asked,
        "a replay asks GitHub nothing"
    );
    for id in RULES {
        assert_eq!(gate::status(&replayed, id), gate::status(&live, id), "{id}");
    }
}

#[test]
fn without_a_token_nothing_is_asked() {
    let project = Project::new();
    let output = gonogo()
        .args([
            "check",
            "--format",
            "json",
            "--rerun",
            "--policy",
            gate::PACK,
        ])
        .arg(project.path())
        .env("GITHUB_REPOSITORY", "acme/shop-api")
        .env("GITHUB_SHA", SHA)
        .env_remove("GITHUB_TOKEN")
        .output()
        .expect("runs");
    let report = json_report(&output);
    for id in RULES {
        assert_eq!(gate::status(&report, id), "skip", "{id}");
    }
    assert_eq!(check_run(&report, "github")["facts"]["configured"], false);
}
