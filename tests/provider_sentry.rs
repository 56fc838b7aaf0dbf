//! The `sentry` check and the starter pack's Sentry rules against Sentry's
//! web API played back on 127.0.0.1 (`tests/providers/api_server.rs`), its
//! answers shaped as Sentry's API reference documents them (`/api/0/`
//! projects, issue alert rules, metric alert rules, issues): a project
//! watched as the checklists ask, one that is not, and the faults (a bad
//! token, a server error, JSON cut short, a long rate limit), which are
//! errors, never a pass, and never print the token.

#[path = "providers/api_server.rs"]
mod api_server;
mod common;
#[path = "providers/gate.rs"]
mod gate;

use api_server::{Answer, ApiServer};
use common::{Project, check_run, rule};
use std::collections::HashMap;
use std::process::Output;

const TOKEN: &str = "sntrys_Sekr1t-canary-token-9Qx7";
const PROJECT: &str = "/api/0/projects/acme/shop-api/";
const RULES_PATH: &str = "/api/0/projects/acme/shop-api/rules/";
const METRIC_PATH: &str = "/api/0/organizations/acme/alert-rules/";
const FATAL_PATH: &str = "/api/0/projects/acme/shop-api/issues/?query=is%3Aunresolved%20level%3Afatal&statsPeriod=24h&limit=100";
const RATE_PATH: &str = "/api/0/organizations/acme/events/?field=failure_rate()&field=count()&project=4505321021243392&statsPeriod=24h&query=event.type%3Atransaction&environment=production";

/// A Discover answer: the failure rate and the count of transactions.
fn rate(failure_rate: f64, count: u64) -> Answer {
    Answer::json(&format!(
        r#"{{"data":[{{"failure_rate()":{failure_rate},"count()":{count}}}],"meta":{{"fields":{{"failure_rate()":"percentage","count()":"integer"}},"units":{{"failure_rate()":null,"count()":null}}}}}}"#
    ))
}

fn project(first_event: &str) -> Answer {
    Answer::json(&format!(
        r#"{{"id":"4505321021243392","slug":"shop-api","name":"shop-api","platform":"node","status":"active","firstEvent":{first_event},"hasAccess":true}}"#
    ))
}

/// A project watched as the checklists ask: events received, alerts on new
/// issues, regressions and spikes (50 in 5 minutes: 10 a minute) by email
/// and Slack, a failure-rate metric alert paging PagerDuty, no fatal issue.
fn watched() -> HashMap<String, Answer> {
    HashMap::from([
        (
            PROJECT.to_owned(),
            project(r#""2026-11-02T10:11:12.000000Z""#),
        ),
        (
            RULES_PATH.to_owned(),
            Answer::json(
                r##"[{"id":"1","name":"New and regressed issues","status":"active","actionMatch":"any","frequency":30,
                     "conditions":[{"id":"sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"},{"id":"sentry.rules.conditions.regression_event.RegressionEventCondition"}],
                     "filters":[],"actions":[{"id":"sentry.mail.actions.NotifyEmailAction","targetType":"IssueOwners","fallthroughType":"ActiveMembers"}]},
                    {"id":"2","name":"Error spike","status":"active","actionMatch":"all","frequency":5,
                     "conditions":[{"id":"sentry.rules.conditions.event_frequency.EventFrequencyCondition","value":50,"comparisonType":"count","interval":"5m"}],
                     "filters":[],"actions":[{"id":"sentry.integrations.slack.notify_action.SlackNotifyServiceAction","workspace":"1","channel":"#prod-alerts"}]}]"##,
            ),
        ),
        (
            METRIC_PATH.to_owned(),
            Answer::json(
                r#"[{"id":"7","name":"Failure rate","aggregate":"failure_rate()","dataset":"transactions","query":"","timeWindow":5,"status":0,"projects":["shop-api"],
                     "triggers":[{"id":"11","label":"critical","thresholdType":0,"alertThreshold":1,"actions":[{"id":"12","type":"pagerduty","targetType":"specific","targetIdentifier":"3"}]}]}]"#,
            ),
        ),
        (FATAL_PATH.to_owned(), Answer::json("[]")),
        (RATE_PATH.to_owned(), rate(0.0042, 53014)),
    ])
}

/// A project that is not: no event ever, only a disabled spike rule and an
/// email on new issues, a metric alert for another project, a fatal issue.
fn neglected() -> HashMap<String, Answer> {
    HashMap::from([
        (PROJECT.to_owned(), project("null")),
        (
            RULES_PATH.to_owned(),
            Answer::json(
                r##"[{"id":"1","name":"Send a notification for new issues","status":"active",
                     "conditions":[{"id":"sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"}],
                     "actions":[{"id":"sentry.mail.actions.NotifyEmailAction","targetType":"IssueOwners"}]},
                    {"id":"2","name":"Spike","status":"disabled",
                     "conditions":[{"id":"sentry.rules.conditions.event_frequency.EventFrequencyCondition","value":100,"interval":"1m"}],
                     "actions":[{"id":"sentry.integrations.slack.notify_action.SlackNotifyServiceAction","channel":"#x"}]}]"##,
            ),
        ),
        (
            METRIC_PATH.to_owned(),
            Answer::json(
                r#"[{"id":"8","aggregate":"count()","dataset":"events","query":"","status":0,"projects":["web"],
                     "triggers":[{"label":"critical","alertThreshold":100,"actions":[{"type":"slack"}]}]}]"#,
            ),
        ),
        (
            FATAL_PATH.to_owned(),
            Answer::json(
                r#"[{"id":"91","shortId":"SHOP-API-1A","title":"TypeError: Cannot read properties of undefined (reading 'id')","level":"fatal","status":"unresolved","count":"42"}]"#,
            ),
        ),
        (RATE_PATH.to_owned(), rate(0.034, 1200)),
    ])
}

fn run(server: &ApiServer, extra: &[&str]) -> (Output, serde_json::Value) {
    let project = Project::new();
    project.write("package.json", r#"{"name":"shop-api"}"#);
    let vars = [
        ("SENTRY_AUTH_TOKEN", TOKEN.to_owned()),
        ("SENTRY_ORG", "acme".to_owned()),
        ("SENTRY_PROJECT", "shop-api".to_owned()),
        ("SENTRY_URL", server.url()),
        ("SENTRY_ENVIRONMENT", "production".to_owned()),
    ];
    gate::check(project.path(), &vars, Some(server.ca_path()), extra)
}

fn assert_no_token(output: &Output, also: &str) {
    gate::assert_hidden(output, also, &[TOKEN]);
}

const RULES: &[&str] = &[
    "sentry-receiving-events",
    "sentry-issue-alerts",
    "sentry-error-rate-alert",
    "alert-channels",
    "sentry-no-fatal-issues",
    "sentry-error-rate-low",
];

#[test]
fn a_watched_project_passes_every_sentry_rule() {
    let server = ApiServer::start(watched());
    let (output, report) = run(&server, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            check_run(&report, "sentry")["facts"]
        );
    }
    let facts = &check_run(&report, "sentry")["facts"];
    assert_eq!(
        facts["channels"],
        serde_json::json!(["email", "pagerduty", "slack"])
    );
    let received = server.received();
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [PROJECT, RULES_PATH, METRIC_PATH, FATAL_PATH, RATE_PATH]
    );
    assert!(
        received.iter().all(|r| r.body.is_empty()
            && r.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("authorization")
                    && v == &format!("Bearer {TOKEN}")))
    );
    assert_no_token(&output, "");
}

#[test]
fn a_neglected_project_fails_each_rule() {
    let server = ApiServer::start(neglected());
    let (output, report) = run(&server, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "fail",
            "{id}: {:#}",
            check_run(&report, "sentry")["facts"]
        );
    }
    let alerts = rule(&report, "sentry-issue-alerts")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(alerts.contains("regressions, error spikes"), "{alerts}");
    let fatal = rule(&report, "sentry-no-fatal-issues")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        fatal.contains("TypeError: Cannot read properties of undefined"),
        "{fatal}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_error_rate_is_judged_and_unknown_without_transactions() {
    let server = ApiServer::start(neglected());
    let (_, report) = run(&server, &[]);
    let message = rule(&report, "sentry-error-rate-low")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        message,
        "3.40 % of 1200 transactions in production failed in the last 24 hours; at most 1.00 % is asked"
    );
    let mut answers = watched();
    answers.insert(
        RATE_PATH.to_owned(),
        Answer::json(r#"{"data":[{"failure_rate()":0,"count()":0}],"meta":{}}"#),
    );
    let server = ApiServer::start(answers);
    let (_, report) = run(&server, &[]);
    assert_eq!(gate::status(&report, "sentry-error-rate-low"), "skip");
    assert_eq!(
        check_run(&report, "sentry")["facts"]["error_rate_24h"],
        serde_json::Value::Null
    );
}

#[test]
fn api_faults_are_errors_that_print_no_token() {
    let with = |path: &str, answer: Answer| {
        let mut answers = watched();
        answers.insert(path.to_owned(), answer);
        answers
    };
    for (case, answers, id) in [
        (
            "a bad token",
            with(PROJECT, Answer::error(401, "Invalid token")),
            "sentry-receiving-events",
        ),
        (
            "a server error",
            with(RULES_PATH, Answer::error(500, "Internal Error")),
            "sentry-issue-alerts",
        ),
        (
            "JSON cut short",
            with(METRIC_PATH, Answer::json(r#"[{"id":"7","aggre"#)),
            "alert-channels",
        ),
        (
            "rate limited",
            with(
                FATAL_PATH,
                Answer::error(429, "Too Many Requests").with_header("retry-after", "300"),
            ),
            "sentry-no-fatal-issues",
        ),
        (
            "a rate that is not a share",
            with(RATE_PATH, rate(4.2, 10)),
            "sentry-error-rate-low",
        ),
    ] {
        let server = ApiServer::start(answers);
        let (output, report) = run(&server, &[]);
        assert_eq!(
            gate::status(&report, id),
            "error",
            "{case}: {:#}",
            check_run(&report, "sentry")["findings"]
        );
        assert_ne!(output.status.code(), Some(0), "{case}");
        assert_no_token(&output, "");
    }
}

#[test]
fn a_recording_replays_without_sentry_and_holds_no_token() {
    let server = ApiServer::start(watched());
    let folder = tempfile::tempdir().expect("temporary folder");
    let recording = folder.path().join("sentry.json");
    let record = recording.display().to_string();
    let (output, live) = run(&server, &["--record", &record]);
    assert_no_token(
        &output,
        &std::fs::read_to_string(&recording).expect("recording"),
    );
    let asked = server.received().len();
    let (_, replayed) = run(&server, &["--replay", &record]);
    assert_eq!(server.received().len(), asked, "a replay asks nothing");
    for id in RULES {
        assert_eq!(gate::status(&replayed, id), gate::status(&live, id), "{id}");
    }
}
