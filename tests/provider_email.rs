//! The `email-provider` check and the starter pack's email provider rules
//! against Brevo's API v3 played back on 127.0.0.1
//! (`tests/providers/api_server.rs`), its answers shaped as Brevo's API
//! reference documents them (`GET /v3/senders/domains`, `GET
//! /v3/smtp/statistics/aggregatedReport`, `GET /v3/webhooks`): an account
//! sending as the checklists ask, one that is not, one that sent nothing
//! (rates unknown, never passed), and the faults, which are errors, never
//! a pass, and never print the key.

#[path = "providers/api_server.rs"]
mod api_server;
mod common;
#[path = "providers/gate.rs"]
mod gate;

use api_server::{Answer, ApiServer};
use common::{Project, check_run, rule};
use std::collections::HashMap;
use std::process::Output;

const KEY: &str = "xkeysib-0f3c9canary4d1e2Sekr1t7b8a-Qx7Rz9Wp";
const DOMAINS_PATH: &str = "/v3/senders/domains";
const REPORT_PATH: &str = "/v3/smtp/statistics/aggregatedReport?days=30";
const WEBHOOKS_PATH: &str = "/v3/webhooks?type=transactional";

const RULES: &[&str] = &[
    "email-domain-verified",
    "email-bounce-rate",
    "email-complaint-rate",
    "email-delivery-rate",
    "email-webhook",
];

fn domains(verified: bool, authenticated: bool) -> Answer {
    Answer::json(&format!(
        r#"{{"domains":[{{"id":"66d2a1","domain_name":"acme.example","authenticated":{authenticated},"verified":{verified},"ip":null}},{{"id":"66d2a2","domain_name":"news.other.example","authenticated":true,"verified":true,"ip":null}}]}}"#
    ))
}

fn report(requests: u64, delivered: u64, hard: u64, soft: u64, spam: u64) -> Answer {
    Answer::json(&format!(
        r#"{{"range":"2026-11-08|2026-12-07","requests":{requests},"delivered":{delivered},"hardBounces":{hard},"softBounces":{soft},"clicks":900,"uniqueClicks":700,"opens":5000,"uniqueOpens":4200,"spamReports":{spam},"blocked":10,"invalid":3,"unsubscribed":5}}"#
    ))
}

/// An account sending as the checklists ask: the domain authenticated,
/// 1 % bounces, 0.02 % complaints, 98.5 % delivered, a webhook on the
/// production host for bounces and spam.
fn kept() -> HashMap<String, Answer> {
    HashMap::from([
        (DOMAINS_PATH.to_owned(), domains(true, true)),
        (REPORT_PATH.to_owned(), report(12000, 11820, 40, 80, 2)),
        (
            WEBHOOKS_PATH.to_owned(),
            Answer::json(
                r#"{"webhooks":[{"id":11,"url":"https://api.acme.example/webhooks/brevo","description":"bounces","events":["hardBounce","softBounce","spam","delivered","blocked"],"type":"transactional","createdAt":"2026-03-01T10:00:00.000Z","modifiedAt":"2026-03-01T10:00:00.000Z"}]}"#,
            ),
        ),
    ])
}

/// An account that is not: the domain verified but its DKIM missing, 8 %
/// bounces, 0.5 % complaints, 88 % delivered, the only webhook elsewhere.
fn neglected() -> HashMap<String, Answer> {
    HashMap::from([
        (DOMAINS_PATH.to_owned(), domains(true, false)),
        (REPORT_PATH.to_owned(), report(5000, 4400, 300, 100, 22)),
        (
            WEBHOOKS_PATH.to_owned(),
            Answer::json(
                r#"{"webhooks":[{"id":12,"url":"https://staging.acme.example/hooks","events":["delivered"],"type":"transactional"}]}"#,
            ),
        ),
    ])
}

fn run(server: &ApiServer, extra: &[&str]) -> (Output, serde_json::Value) {
    let project = Project::new();
    project.write("package.json", r#"{"name":"shop-api"}"#);
    let vars = [
        ("BREVO_API_KEY", KEY.to_owned()),
        ("BREVO_API_URL", server.url()),
        ("GONOGO_MAIL_DOMAIN", "acme.example".to_owned()),
        ("GONOGO_BASE_URL", "https://api.acme.example".to_owned()),
    ];
    gate::check(project.path(), &vars, Some(server.ca_path()), extra)
}

fn message(report: &serde_json::Value, id: &str) -> String {
    rule(report, id)["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_kept_account_passes_every_email_provider_rule() {
    let server = ApiServer::start(kept());
    let (output, report) = run(&server, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            check_run(&report, "email_provider")["facts"]
        );
    }
    let facts = &check_run(&report, "email_provider")["facts"];
    assert_eq!(facts["bounce_rate"], serde_json::json!(0.01));
    let received = server.received();
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, [DOMAINS_PATH, REPORT_PATH, WEBHOOKS_PATH]);
    assert!(received.iter().all(|r| {
        r.body.is_empty()
            && r.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("api-key") && v == KEY)
    }));
    gate::assert_hidden(&output, "", &[KEY]);
}

#[test]
fn a_neglected_account_fails_each_rule_and_says_why() {
    let server = ApiServer::start(neglected());
    let (output, report) = run(&server, &[]);
    for id in RULES {
        assert_eq!(gate::status(&report, id), "fail", "{id}");
    }
    assert_eq!(
        message(&report, "email-domain-verified"),
        "acme.example is at Brevo but not authenticated (its DKIM record is not found)"
    );
    assert_eq!(
        message(&report, "email-bounce-rate"),
        "the bounce rate is 8.00 %; at most 5.00 % is asked"
    );
    assert_eq!(
        message(&report, "email-complaint-rate"),
        "the complaint rate is 0.50 %; at most 0.30 % is asked"
    );
    assert!(
        message(&report, "email-webhook").contains("no Brevo webhook posts to api.acme.example")
    );
    assert_eq!(output.status.code(), Some(1));
    gate::assert_hidden(&output, "", &[KEY]);
}

#[test]
fn an_account_that_sent_nothing_has_no_rate_to_pass() {
    let mut answers = kept();
    answers.insert(
        REPORT_PATH.to_owned(),
        Answer::json(r#"{"range":"2026-11-08|2026-12-07"}"#),
    );
    let server = ApiServer::start(answers);
    let (_, report) = run(&server, &[]);
    for id in [
        "email-bounce-rate",
        "email-complaint-rate",
        "email-delivery-rate",
    ] {
        assert_eq!(gate::status(&report, id), "skip", "{id}");
    }
    assert_eq!(gate::status(&report, "email-domain-verified"), "pass");
}

#[test]
fn without_a_key_the_rules_skip_with_the_reason() {
    let project = Project::new();
    project.write("package.json", r#"{"name":"shop-api"}"#);
    let (_, report) = gate::check(project.path(), &[], None, &[]);
    for id in RULES {
        assert_eq!(gate::status(&report, id), "skip", "{id}");
    }
    assert_eq!(
        check_run(&report, "email_provider")["facts"]["configured"],
        serde_json::json!(false)
    );
}

#[test]
fn api_faults_are_errors_that_print_no_key() {
    let with = |path: &str, answer: Answer| {
        let mut answers = kept();
        answers.insert(path.to_owned(), answer);
        answers
    };
    for (case, answers) in [
        (
            "a bad key",
            with(DOMAINS_PATH, Answer::error(401, "Key not found")),
        ),
        (
            "a server error",
            with(REPORT_PATH, Answer::error(500, "Internal error")),
        ),
        (
            "JSON cut short",
            with(WEBHOOKS_PATH, Answer::json(r#"{"webhooks":[{"id":1,"ur"#)),
        ),
        (
            "a report of another shape",
            with(REPORT_PATH, Answer::json(r#"{"requests":"many"}"#)),
        ),
        (
            "a long rate limit",
            with(
                DOMAINS_PATH,
                Answer::error(429, "Too many requests").with_header("retry-after", "120"),
            ),
        ),
    ] {
        let server = ApiServer::start(answers);
        let (output, report) = run(&server, &[]);
        for id in RULES {
            assert_eq!(
                gate::status(&report, id),
                "error",
                "{case}, {id}: {:#}",
                check_run(&report, "email_provider")["findings"]
            );
        }
        assert_ne!(output.status.code(), Some(0), "{case}");
        gate::assert_hidden(&output, "", &[KEY]);
    }
}

#[test]
fn a_recording_replays_without_brevo_and_holds_no_key() {
    let server = ApiServer::start(kept());
    let folder = tempfile::tempdir().expect("temporary folder");
    let recording = folder.path().join("email.json");
    let record = recording.display().to_string();
    let (output, live) = run(&server, &["--record", &record]);
    gate::assert_hidden(
        &output,
        &std::fs::read_to_string(&recording).expect("recording"),
        &[KEY],
    );
    let asked = server.received().len();
    let (_, replayed) = run(&server, &["--replay", &record]);
    assert_eq!(server.received().len(), asked, "a replay asks nothing");
    for id in RULES {
        assert_eq!(gate::status(&replayed, id), gate::status(&live, id), "{id}");
    }
}
