//! The `uptime` check and the starter pack's uptime rules against Better
//! Stack's and UptimeRobot's APIs played back on 127.0.0.1
//! (`tests/providers/api_server.rs`), their answers shaped as their API
//! references document them (Better Stack Uptime API v2, UptimeRobot API
//! v2): a service watched as the checklists ask, one that is not, and the
//! faults (a bad key, UptimeRobot's `stat: fail`, a server error, JSON cut
//! short), which are errors, never a pass, and never print a key.

#[path = "providers/api_server.rs"]
mod api_server;
mod common;
#[path = "providers/gate.rs"]
mod gate;

use api_server::{Answer, ApiServer};
use common::{Project, check_run, rule};
use std::collections::HashMap;
use std::process::Output;

const BETTERSTACK_TOKEN: &str = "bs-Sekr1t-canary-token-9Qx7";
const UPTIMEROBOT_KEY: &str = "u777-Sekr1t-canary-key-9Qx7";
const SERVICE: &str = "https://api.shop.example/";

fn betterstack_monitor(id: u32, url: &str, status: &str, frequency: u32, email: bool) -> String {
    // The API monitor with email alerts also warns 30 days before the
    // certificate expires; the others (7 days, none) do not enough.
    // It also waits one interval before alerting (two failures in a row);
    // the others alert on the first failure.
    let (ssl, confirmation) = match (email, status) {
        (true, _) => ("30", frequency),
        (false, "down") => ("7", 0),
        _ => ("null", 0),
    };
    format!(
        r#"{{"id":"{id}","type":"monitor","attributes":{{"url":"{url}","pronounceable_name":"Monitor {id}","monitor_type":"status","check_frequency":{frequency},"confirmation_period":{confirmation},"email":{email},"sms":false,"call":false,"push":false,"policy_id":null,"paused_at":null,"ssl_expiration":{ssl},"status":"{status}"}}}}"#
    )
}

fn betterstack(monitors: &[String], status_pages: usize) -> HashMap<String, Answer> {
    let pages: Vec<String> = (0..status_pages)
        .map(|i| format!(r#"{{"id":"{i}","type":"status_page","attributes":{{"company_name":"Shop","subdomain":"shop-status"}}}}"#))
        .collect();
    HashMap::from([
        (
            "/api/v2/monitors".to_owned(),
            Answer::json(&format!(
                r#"{{"data":[{}],"pagination":{{"first":null,"last":null,"prev":null,"next":null}}}}"#,
                monitors.join(",")
            )),
        ),
        (
            "/api/v2/status-pages".to_owned(),
            Answer::json(&format!(
                r#"{{"data":[{}],"pagination":{{"next":null}}}}"#,
                pages.join(",")
            )),
        ),
    ])
}

fn uptimerobot(monitors: &str, psps: &str) -> HashMap<String, Answer> {
    HashMap::from([
        ("/v2/getMonitors".to_owned(), Answer::json(monitors)),
        ("/v2/getPSPs".to_owned(), Answer::json(psps)),
    ])
}

/// Runs the starter pack with the providers' variables (those given).
fn run(
    betterstack: Option<&ApiServer>,
    uptimerobot: Option<&ApiServer>,
    extra: &[&str],
) -> (Output, serde_json::Value) {
    let project = Project::new();
    project.write("package.json", r#"{"name":"shop-api"}"#);
    let mut vars = vec![("GONOGO_BASE_URL", SERVICE.to_owned())];
    let mut pem = String::new();
    if let Some(server) = betterstack {
        vars.push(("BETTERSTACK_API_TOKEN", BETTERSTACK_TOKEN.to_owned()));
        vars.push(("BETTERSTACK_API_URL", server.url()));
        pem.push_str(&std::fs::read_to_string(server.ca_path()).expect("CA"));
    }
    if let Some(server) = uptimerobot {
        vars.push(("UPTIMEROBOT_API_KEY", UPTIMEROBOT_KEY.to_owned()));
        vars.push(("UPTIMEROBOT_API_URL", server.url()));
        pem.push_str(&std::fs::read_to_string(server.ca_path()).expect("CA"));
    }
    // One bundle holding both test CAs.
    let folder = tempfile::tempdir().expect("temporary folder");
    let bundle = folder.path().join("cas.pem");
    std::fs::write(&bundle, &pem).expect("bundle");
    let ca = (!pem.is_empty()).then_some(bundle.as_path());
    gate::check(project.path(), &vars, ca, extra)
}

fn assert_no_key(output: &Output, also: &str) {
    gate::assert_hidden(output, also, &[BETTERSTACK_TOKEN, UPTIMEROBOT_KEY]);
}

const RULES: &[&str] = &[
    "uptime-monitored",
    "uptime-alerts",
    "uptime-up",
    "uptime-interval",
    "status-page-published",
];

#[test]
fn a_service_watched_by_better_stack_passes() {
    let server = ApiServer::start(betterstack(
        &[
            betterstack_monitor(1, "https://shop.example/", "up", 180, false),
            betterstack_monitor(2, "https://api.shop.example/health", "up", 60, true),
        ],
        1,
    ));
    let (output, report) = run(Some(&server), None, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            check_run(&report, "uptime")["facts"]
        );
    }
    assert_eq!(gate::status(&report, "uptime-certificate-expiry"), "pass");
    assert_eq!(
        gate::status(&report, "uptime-alert-after-two-failures"),
        "pass"
    );
    let facts = &check_run(&report, "uptime")["facts"];
    assert_eq!(facts["failures_before_alert"], 2);
    assert_eq!(
        facts["monitors"].as_array().map(Vec::len),
        Some(1),
        "only the service's host: {facts:#}"
    );
    assert!(server.received().iter().all(|r| {
        r.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("authorization") && v == &format!("Bearer {BETTERSTACK_TOKEN}")
        })
    }));
    assert_no_key(&output, "");
}

#[test]
fn a_service_watched_by_uptimerobot_passes_and_its_key_stays_in_the_body() {
    let server = ApiServer::start(uptimerobot(
        r#"{"stat":"ok","pagination":{"offset":0,"limit":50,"total":1},"monitors":[{"id":777,"friendly_name":"API","url":"https://api.shop.example/health","type":1,"interval":60,"status":2,"alert_contacts":[{"id":"0993765","value":"ops@shop.example","type":2,"threshold":0,"recurrence":0}]}]}"#,
        r#"{"stat":"ok","pagination":{"offset":0,"limit":50,"total":1},"psps":[{"id":2345678,"friendly_name":"Shop status","monitors":[777],"status":1}]}"#,
    ));
    let (output, report) = run(None, Some(&server), &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            check_run(&report, "uptime")["facts"]
        );
    }
    for id in [
        "uptime-certificate-expiry",
        "uptime-alert-after-two-failures",
    ] {
        assert_eq!(
            gate::status(&report, id),
            "skip",
            "{id}: UptimeRobot's API does not say"
        );
    }
    let received = server.received();
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/v2/getMonitors", "/v2/getPSPs"]);
    assert!(
        received.iter().all(|r| r
            .body
            .starts_with(&format!("api_key={UPTIMEROBOT_KEY}&format=json"))),
        "{received:?}"
    );
    assert_no_key(&output, "");
}

#[test]
fn a_service_nobody_watches_fails() {
    // UptimeRobot watches the marketing site and a paused API monitor
    // without contacts; Better Stack's only monitor of the API is down.
    let robot = ApiServer::start(uptimerobot(
        r#"{"stat":"ok","pagination":{"offset":0,"limit":50,"total":2},"monitors":[{"id":1,"friendly_name":"Site","url":"https://shop.example/","type":1,"interval":300,"status":2,"alert_contacts":[]},{"id":2,"friendly_name":"API","url":"https://api.shop.example/health","type":1,"interval":300,"status":0,"alert_contacts":[]}]}"#,
        r#"{"stat":"ok","psps":[]}"#,
    ));
    let (_, report) = run(None, Some(&robot), &[]);
    assert_eq!(gate::status(&report, "uptime-monitored"), "fail");
    assert_eq!(gate::status(&report, "status-page-published"), "fail");
    let message = rule(&report, "uptime-monitored")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("no active monitor checks api.shop.example (1 paused)"),
        "{message}"
    );

    let stack = ApiServer::start(betterstack(
        &[betterstack_monitor(
            3,
            "https://api.shop.example/health",
            "down",
            300,
            false,
        )],
        0,
    ));
    let (output, report) = run(Some(&stack), None, &[]);
    for (id, expected) in [
        ("uptime-monitored", "pass"),
        ("uptime-up", "fail"),
        ("uptime-alerts", "fail"),
        ("uptime-interval", "fail"),
        ("status-page-published", "fail"),
        ("uptime-certificate-expiry", "fail"),
        ("uptime-alert-after-two-failures", "fail"),
    ] {
        assert_eq!(
            gate::status(&report, id),
            expected,
            "{id}: {:#}",
            check_run(&report, "uptime")["facts"]
        );
    }
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn api_faults_are_errors_that_print_no_key() {
    let bad_key = ApiServer::start(HashMap::from([(
        "/api/v2/monitors".to_owned(),
        Answer::error(401, "Invalid Team API token."),
    )]));
    let server_error = ApiServer::start(HashMap::from([(
        "/api/v2/monitors".to_owned(),
        Answer::error(500, "Internal Server Error"),
    )]));
    let cut_short = ApiServer::start(HashMap::from([(
        "/api/v2/monitors".to_owned(),
        Answer::json(r#"{"data":[{"id":"1","type":"mon"#),
    )]));
    let robot_fail = ApiServer::start(uptimerobot(
        r#"{"stat":"fail","error":{"type":"invalid_parameter","parameter_name":"api_key","passed_value":"x","message":"api_key is invalid."}}"#,
        r#"{"stat":"ok","psps":[]}"#,
    ));
    let rate_limited = ApiServer::start(HashMap::from([(
        "/api/v2/monitors".to_owned(),
        Answer::error(429, "Too Many Requests").with_header("retry-after", "120"),
    )]));
    for (case, betterstack, robot) in [
        ("a bad key", Some(&bad_key), None),
        ("rate limited for two minutes", Some(&rate_limited), None),
        ("a server error", Some(&server_error), None),
        ("JSON cut short", Some(&cut_short), None),
        ("stat: fail", None, Some(&robot_fail)),
    ] {
        let (output, report) = run(betterstack, robot, &[]);
        for id in RULES {
            assert_eq!(gate::status(&report, id), "error", "{case}: {id}");
        }
        let findings = check_run(&report, "uptime")["findings"].to_string();
        if case == "stat: fail" {
            assert!(findings.contains("api_key is invalid."), "{findings}");
        }
        assert_ne!(output.status.code(), Some(0), "{case}");
        assert_no_key(&output, "");
    }
}

#[test]
fn a_recording_replays_without_the_providers_and_holds_no_key() {
    let server = ApiServer::start(betterstack(
        &[betterstack_monitor(
            2,
            "https://api.shop.example/health",
            "up",
            60,
            true,
        )],
        1,
    ));
    let folder = tempfile::tempdir().expect("temporary folder");
    let recording = folder.path().join("uptime.json");
    let record = recording.display().to_string();
    let (output, live) = run(Some(&server), None, &["--record", &record]);
    assert_no_key(
        &output,
        &std::fs::read_to_string(&recording).expect("recording"),
    );
    let asked = server.received().len();
    let (_, replayed) = run(Some(&server), None, &["--replay", &record]);
    assert_eq!(server.received().len(), asked, "a replay asks nothing");
    for id in RULES {
        assert_eq!(gate::status(&replayed, id), gate::status(&live, id), "{id}");
    }
}

#[test]
fn without_a_key_nothing_is_asked() {
    let (_, report) = run(None, None, &[]);
    for id in RULES {
        assert_eq!(gate::status(&report, id), "skip", "{id}");
    }
}
