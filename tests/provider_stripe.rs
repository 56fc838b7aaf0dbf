//! The `stripe` check and the starter pack's Stripe rules against Stripe's
//! API played back on 127.0.0.1 (`tests/providers/api_server.rs`), its
//! answers shaped as Stripe's API reference documents them
//! (`GET /v1/webhook_endpoints`, `GET /v1/charges`): an account wired to
//! production as the checklists ask, one that is not, and the faults,
//! which are errors, never a pass, and never print the key.

#[path = "providers/api_server.rs"]
mod api_server;
mod common;
#[path = "providers/gate.rs"]
mod gate;

use api_server::{Answer, ApiServer};
use common::{Project, check_run, rule};
use std::collections::HashMap;
use std::process::Output;

const KEY: &str = "sk_live_Sekr1t-canary-key-9Qx7";
const ENDPOINTS: &str = "/v1/webhook_endpoints?limit=100";

/// The charges path the check asks: from midnight 30 days ago.
fn charges_path() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let since = now - 30 * 86_400;
    format!(
        "/v1/charges?limit=100&created%5Bgte%5D={}",
        since - since % 86_400
    )
}

fn endpoint(id: &str, url: &str, status: &str, events: &str) -> String {
    format!(
        r#"{{"id":"{id}","object":"webhook_endpoint","api_version":null,"application":null,"created":1700000000,"description":null,"enabled_events":{events},"livemode":true,"metadata":{{}},"status":"{status}","url":"{url}"}}"#
    )
}

fn list(items: &[String], has_more: bool, url: &str) -> Answer {
    Answer::json(&format!(
        r#"{{"object":"list","data":[{}],"has_more":{has_more},"url":"{url}"}}"#,
        items.join(",")
    ))
}

fn charge(id: &str, status: &str) -> String {
    format!(
        r#"{{"id":"{id}","object":"charge","amount":1999,"currency":"eur","livemode":true,"paid":{},"status":"{status}"}}"#,
        status == "succeeded"
    )
}

/// A project whose webhook handler switches on three event types.
fn project() -> Project {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"shop-api","dependencies":{"stripe":"14.0.0"}}"#,
    );
    project.write(
        "src/billing/webhook.ts",
        "import Stripe from 'stripe';\nexport function handle(event: Stripe.Event) {\n  switch (event.type) {\n    case 'checkout.session.completed': return paid(event);\n    case 'customer.subscription.deleted': return cancelled(event);\n    case \"invoice.payment_failed\": return dunning(event);\n  }\n}\n",
    );
    project.write(
        "src/billing/webhook.spec.ts",
        "it('ignores', () => send('charge.refunded'));\n",
    );
    project
}

fn run(
    project: &Project,
    server: &ApiServer,
    key: &str,
    extra: &[&str],
) -> (Output, serde_json::Value) {
    let vars = [
        ("STRIPE_SECRET_KEY", key.to_owned()),
        ("GONOGO_BASE_URL", "https://api.shop.example".to_owned()),
        ("STRIPE_API_URL", server.url()),
    ];
    gate::check(project.path(), &vars, Some(server.ca_path()), extra)
}

fn assert_no_key(output: &Output, also: &str) {
    gate::assert_hidden(output, also, &[KEY]);
}

const RULES: &[&str] = &[
    "stripe-webhook-production",
    "stripe-webhook-events",
    "stripe-payments-succeeding",
];

#[test]
fn an_account_wired_to_production_passes() {
    // Two pages of endpoints: the production one is on the second.
    let server = ApiServer::start(HashMap::from([
        (
            ENDPOINTS.to_owned(),
            list(
                &[endpoint(
                    "we_1",
                    "https://staging.shop.example/webhooks/stripe",
                    "enabled",
                    r#"["*"]"#,
                )],
                true,
                "/v1/webhook_endpoints",
            ),
        ),
        (
            format!("{ENDPOINTS}&starting_after=we_1"),
            list(
                &[endpoint(
                    "we_2",
                    "https://api.shop.example/api/v1/billing/webhook",
                    "enabled",
                    r#"["checkout.session.completed","customer.subscription.deleted","invoice.payment_failed","invoice.paid"]"#,
                )],
                false,
                "/v1/webhook_endpoints",
            ),
        ),
        (
            charges_path(),
            list(
                &[charge("ch_1", "failed"), charge("ch_2", "succeeded")],
                false,
                "/v1/charges",
            ),
        ),
    ]));
    let project = project();
    let (output, report) = run(&project, &server, KEY, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            check_run(&report, "stripe")["facts"]
        );
    }
    let facts = &check_run(&report, "stripe")["facts"];
    assert_eq!(
        facts["handled_events"],
        serde_json::json!([
            "checkout.session.completed",
            "customer.subscription.deleted",
            "invoice.payment_failed"
        ]),
        "the spec file's event is not the service's"
    );
    let received = server.received();
    assert!(
        received.iter().all(|r| r.body.is_empty()
            && r.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("authorization")
                    && v == &format!("Bearer {KEY}")))
    );
    assert_eq!(
        received
            .iter()
            .map(|r| r.path.as_str())
            .filter(|p| p.starts_with("/v1/webhook"))
            .count(),
        2
    );
    assert_no_key(&output, "");
}

#[test]
fn an_account_wired_elsewhere_fails() {
    let server = ApiServer::start(HashMap::from([
        (
            ENDPOINTS.to_owned(),
            list(
                &[
                    endpoint(
                        "we_1",
                        "https://staging.shop.example/webhooks/stripe",
                        "enabled",
                        r#"["*"]"#,
                    ),
                    endpoint(
                        "we_2",
                        "https://api.shop.example/api/v1/billing/webhook",
                        "disabled",
                        r#"["*"]"#,
                    ),
                ],
                false,
                "/v1/webhook_endpoints",
            ),
        ),
        (
            charges_path(),
            list(&[charge("ch_1", "failed")], false, "/v1/charges"),
        ),
    ]));
    let project = project();
    let (output, report) = run(&project, &server, KEY, &[]);
    assert_eq!(gate::status(&report, "stripe-webhook-production"), "fail");
    assert_eq!(gate::status(&report, "stripe-webhook-events"), "skip");
    assert_eq!(gate::status(&report, "stripe-payments-succeeding"), "fail");
    assert_eq!(output.status.code(), Some(1));

    // An endpoint on production that misses an event the code handles.
    let server = ApiServer::start(HashMap::from([
        (
            ENDPOINTS.to_owned(),
            list(
                &[endpoint(
                    "we_3",
                    "https://api.shop.example/api/v1/billing/webhook",
                    "enabled",
                    r#"["checkout.session.completed"]"#,
                )],
                false,
                "/v1/webhook_endpoints",
            ),
        ),
        (
            charges_path(),
            list(&[charge("ch_2", "succeeded")], false, "/v1/charges"),
        ),
    ]));
    let (_, report) = run(&project, &server, KEY, &[]);
    assert_eq!(gate::status(&report, "stripe-webhook-events"), "fail");
    let message = rule(&report, "stripe-webhook-events")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("`customer.subscription.deleted`, `invoice.payment_failed`"),
        "{message}"
    );
}

#[test]
fn a_test_key_asks_nothing() {
    let server = ApiServer::start(HashMap::new());
    let (_, report) = run(&project(), &server, "sk_test_Sekr1t-canary-test-9Qx7", &[]);
    for id in RULES {
        assert_eq!(gate::status(&report, id), "skip", "{id}");
    }
    assert!(server.received().is_empty());
}

#[test]
fn api_faults_are_errors_that_print_no_key() {
    for (case, answer) in [
        (
            "a bad key",
            Answer::json(
                r#"{"error":{"message":"Invalid API Key provided: sk_live_****9Qx7","type":"invalid_request_error"}}"#,
            ),
        ),
        (
            "a server error",
            Answer::error(500, "An error occurred with our connection to Stripe."),
        ),
        (
            "JSON cut short",
            Answer::json(r#"{"object":"list","data":[{"id":"we"#),
        ),
        (
            "rate limited",
            Answer::error(429, "Too many requests").with_header("retry-after", "30"),
        ),
    ] {
        let answer = if case == "a bad key" {
            Answer {
                status: 401,
                ..answer
            }
        } else {
            answer
        };
        let server = ApiServer::start(HashMap::from([(ENDPOINTS.to_owned(), answer)]));
        let (output, report) = run(&project(), &server, KEY, &[]);
        for id in ["stripe-webhook-production", "stripe-payments-succeeding"] {
            assert_eq!(gate::status(&report, id), "error", "{case}: {id}");
        }
        assert_ne!(output.status.code(), Some(0), "{case}");
        assert_no_key(&output, "");
    }
}

#[test]
fn a_recording_replays_without_stripe_and_holds_no_key() {
    let server = ApiServer::start(HashMap::from([
        (
            ENDPOINTS.to_owned(),
            list(
                &[endpoint(
                    "we_2",
                    "https://api.shop.example/hook",
                    "enabled",
                    r#"["*"]"#,
                )],
                false,
                "/v1/webhook_endpoints",
            ),
        ),
        (
            charges_path(),
            list(&[charge("ch_2", "succeeded")], false, "/v1/charges"),
        ),
    ]));
    let project = project();
    let folder = tempfile::tempdir().expect("temporary folder");
    let recording = folder.path().join("stripe.json");
    let record = recording.display().to_string();
    let (output, live) = run(&project, &server, KEY, &["--record", &record]);
    assert_no_key(
        &output,
        &std::fs::read_to_string(&recording).expect("recording"),
    );
    let asked = server.received().len();
    let (_, replayed) = run(&project, &server, KEY, &["--replay", &record]);
    assert_eq!(server.received().len(), asked, "a replay asks nothing");
    for id in RULES {
        assert_eq!(gate::status(&replayed, id), gate::status(&live, id), "{id}");
    }
}
