//! The `alerting` check and the starter pack's alerting rules against
//! Grafana's alerting provisioning API and Datadog's monitors API played
//! back on 127.0.0.1 (`tests/providers/api_server.rs`), their answers
//! shaped as the references document them (Grafana 11 `GET
//! /api/v1/provisioning/{alert-rules,contact-points,policies}` and `GET
//! /api/search`; Datadog API v1 `GET /api/v1/monitor` and `GET
//! /api/v1/dashboard`): a service watched as the checklists ask, one that
//! is not (a paused rule, a rule routed to Grafana's placeholder email,
//! no dashboard), and the faults, which are errors, never a pass, and
//! never print a credential.

#[path = "providers/api_server.rs"]
mod api_server;
mod common;
#[path = "providers/gate.rs"]
mod gate;

use api_server::{Answer, ApiServer};
use common::{Project, check_run, rule};
use std::collections::HashMap;
use std::process::Output;

const GRAFANA_TOKEN: &str = "glsa_Sekr1tGrafanaCanary_8c1f2e";
const DD_API_KEY: &str = "dd0api0canary0key0Sekr1t0000000a";
const DD_APP_KEY: &str = "dd0app0canary0key0Sekr1t00000000000000b";
const RULES_PATH: &str = "/api/v1/provisioning/alert-rules";
const POINTS_PATH: &str = "/api/v1/provisioning/contact-points";
const POLICY_PATH: &str = "/api/v1/provisioning/policies";
const SEARCH_PATH: &str = "/api/search?type=dash-db&limit=5000";
const MONITORS_PATH: &str = "/api/v1/monitor?page=0&page_size=1000";
const DASHBOARDS_PATH: &str = "/api/v1/dashboard";
const LOGS_PATH: &str = "/api/v2/logs/events?filter%5Bquery%5D=service%3Ashop-api&filter%5Bfrom%5D=now-1d&filter%5Bto%5D=now&page%5Blimit%5D=1";

const RULES: &[&str] = &[
    "alerting-cpu-memory",
    "alerting-disk",
    "alerting-latency",
    "alerting-database",
    "alerting-database-size",
    "alerting-redis",
    "alerting-queue",
    "alerting-dashboard",
];

/// The rules on the alerts' thresholds (80 %, 500 ms, 1000 jobs), which
/// skip where no alert can be read.
const THRESHOLD_RULES: &[&str] = &[
    "alerting-cpu-memory-thresholds",
    "alerting-latency-threshold",
    "alerting-queue-threshold",
];

/// A Grafana alert rule on one PromQL query, with a threshold node.
fn grafana_rule(title: &str, expr: &str, paused: bool) -> String {
    serde_json::json!({
        "id": 1, "uid": title.to_lowercase().replace(' ', "-"), "orgID": 1,
        "folderUID": "api", "ruleGroup": "api", "title": title, "condition": "C",
        "data": [
            {"refId": "A", "queryType": "", "relativeTimeRange": {"from": 600, "to": 0},
             "datasourceUid": "prometheus", "model": {"expr": expr, "refId": "A"}},
            {"refId": "B", "datasourceUid": "__expr__",
             "model": {"type": "reduce", "expression": "A", "reducer": "last", "refId": "B"}},
            {"refId": "C", "datasourceUid": "__expr__",
             "model": {"type": "threshold", "expression": "B", "refId": "C",
                       "conditions": [{"evaluator": {"params": [0], "type": "gt"}}]}}
        ],
        "noDataState": "NoData", "execErrState": "Error", "for": "5m",
        "isPaused": paused, "labels": {"team": "api"}, "annotations": {}
    })
    .to_string()
}

const DEFAULT_POINT: &str = r#"{"uid":"","name":"grafana-default-email","type":"email","settings":{"addresses":"<example@email.com>"},"disableResolveMessage":false}"#;
const SLACK_POINT: &str = r##"{"uid":"b1","name":"ops-slack","type":"slack","settings":{"recipient":"#prod-alerts","url":"[REDACTED]"},"disableResolveMessage":false}"##;

/// A Grafana where every topic is watched and routed to Slack by the
/// policy tree, with a dashboard.
fn grafana_watched() -> HashMap<String, Answer> {
    let rules = [
        grafana_rule(
            "High CPU",
            r#"100 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100 > 80"#,
            false,
        ),
        grafana_rule(
            "High memory",
            r#"sum(container_memory_working_set_bytes{container="api"}) / sum(kube_pod_container_resource_limits{resource="memory"}) > 0.8"#,
            false,
        ),
        grafana_rule(
            "Disk almost full",
            "node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1",
            false,
        ),
        grafana_rule(
            "Slow responses",
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5",
            false,
        ),
        grafana_rule(
            "Postgres connections",
            "sum(pg_stat_activity_count) / max(pg_settings_max_connections) > 0.8",
            false,
        ),
        grafana_rule(
            "Database size",
            "pg_database_size_bytes{datname=\"shop\"} > 5e10",
            false,
        ),
        grafana_rule("Redis down", "redis_up == 0", false),
        grafana_rule("Queue backed up", "sum(bull_queue_waiting) > 1000", false),
    ];
    HashMap::from([
        (
            RULES_PATH.to_owned(),
            Answer::json(&format!("[{}]", rules.join(","))),
        ),
        (
            POINTS_PATH.to_owned(),
            Answer::json(&format!("[{DEFAULT_POINT},{SLACK_POINT}]")),
        ),
        (
            POLICY_PATH.to_owned(),
            Answer::json(
                r#"{"receiver":"grafana-default-email","group_by":["grafana_folder","alertname"],"routes":[{"receiver":"ops-slack","object_matchers":[["team","=","api"]]}]}"#,
            ),
        ),
        (
            SEARCH_PATH.to_owned(),
            Answer::json(
                r#"[{"id":3,"uid":"api-health","title":"Shop API health","uri":"db/shop-api-health","url":"/d/api-health/shop-api-health","type":"dash-db","tags":[],"isStarred":false,"folderTitle":"api"}]"#,
            ),
        ),
    ])
}

/// A Grafana that is not: the CPU rule paused, memory and latency routed
/// to the placeholder email, nothing else, no dashboard.
fn grafana_neglected() -> HashMap<String, Answer> {
    let rules = [
        grafana_rule(
            "High CPU",
            "avg(rate(process_cpu_seconds_total[5m])) > 0.8",
            true,
        ),
        grafana_rule("High memory", "process_resident_memory_bytes > 1e9", false),
        grafana_rule(
            "Slow responses",
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5",
            false,
        ),
    ];
    HashMap::from([
        (
            RULES_PATH.to_owned(),
            Answer::json(&format!("[{}]", rules.join(","))),
        ),
        (
            POINTS_PATH.to_owned(),
            Answer::json(&format!("[{DEFAULT_POINT}]")),
        ),
        (
            POLICY_PATH.to_owned(),
            Answer::json(r#"{"receiver":"grafana-default-email"}"#),
        ),
        (SEARCH_PATH.to_owned(), Answer::json("[]")),
    ])
}

/// A Datadog monitor.
fn monitor(
    id: u64,
    name: &str,
    kind: &str,
    query: &str,
    message: &str,
    muted: bool,
) -> serde_json::Value {
    // The critical threshold is the value that ends the query, as Datadog
    // keeps them.
    let critical: Option<f64> = query
        .rsplit(['>', '<'])
        .next()
        .and_then(|v| v.trim().parse().ok());
    serde_json::json!({
        "id": id, "name": name, "type": kind, "query": query, "message": message,
        "tags": ["service:shop-api"], "overall_state": "OK", "priority": null,
        "options": {"thresholds": {"critical": critical}, "notify_no_data": false,
                    "silenced": if muted { serde_json::json!({"*": null}) } else { serde_json::json!({}) }}
    })
}

/// A Datadog where every topic is watched and notifies Slack or
/// PagerDuty, with a dashboard; the one muted monitor is not needed.
fn datadog_watched() -> HashMap<String, Answer> {
    let monitors = serde_json::json!([
        monitor(
            1,
            "High CPU",
            "metric alert",
            "avg(last_5m):avg:system.cpu.user{service:shop-api} > 80",
            "CPU is high @slack-prod-alerts",
            false
        ),
        monitor(
            2,
            "High memory",
            "metric alert",
            "avg(last_5m):avg:system.mem.pct_usable{service:shop-api} < 0.2",
            "@pagerduty-shop-api",
            false
        ),
        monitor(
            3,
            "Disk",
            "metric alert",
            "avg(last_10m):max:system.disk.in_use{service:shop-api} by {device} > 0.9",
            "@slack-prod-alerts",
            false
        ),
        monitor(
            4,
            "Latency",
            "query alert",
            "percentile(last_5m):p95:trace.express.request{service:shop-api} > 0.5",
            "@slack-prod-alerts",
            true
        ),
        monitor(
            5,
            "Latency p95",
            "query alert",
            "avg(last_5m):avg:trace.express.request.duration{service:shop-api} > 0.5",
            "@slack-prod-alerts",
            false
        ),
        monitor(
            6,
            "Postgres connections",
            "metric alert",
            "avg(last_5m):avg:postgresql.percent_usage_connections{db:shop} > 0.8",
            "@pagerduty-shop-api",
            false
        ),
        monitor(
            7,
            "Postgres size",
            "metric alert",
            "avg(last_1h):avg:postgresql.database_size{db:shop} > 50000000000",
            "@oncall@acme.io",
            false
        ),
        monitor(
            8,
            "Redis",
            "service check",
            "\"redis.can_connect\".over(\"service:shop-api\").by(\"host\").last(2).count_by_status()",
            "@pagerduty-shop-api",
            false
        ),
        monitor(
            9,
            "Queue",
            "metric alert",
            "avg(last_5m):sum:aws.sqs.approximate_number_of_messages_visible{queuename:emails} > 1000",
            "@slack-prod-alerts",
            false
        ),
    ]);
    HashMap::from([
        (
            MONITORS_PATH.to_owned(),
            Answer::json(&monitors.to_string()),
        ),
        (
            DASHBOARDS_PATH.to_owned(),
            Answer::json(
                r#"{"dashboards":[{"id":"abc-def-ghi","title":"Shop API","url":"/dashboard/abc-def-ghi/shop-api","layout_type":"ordered","is_read_only":false}]}"#,
            ),
        ),
        (
            LOGS_PATH.to_owned(),
            Answer::json(
                r#"{"data":[{"id":"AQAAAZPx","type":"log","attributes":{"service":"shop-api","status":"info","timestamp":"2026-12-07T06:01:02.000Z","message":"GET /health 200"}}],"links":{"next":"https://api.datadoghq.com/api/v2/logs/events?page%5Bcursor%5D=eyJ"},"meta":{"page":{"after":"eyJ"},"status":"done","elapsed":12}}"#,
            ),
        ),
    ])
}

/// A project whose service's code uses Redis and BullMQ, so the Redis and
/// queue rules apply.
fn project() -> Project {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"shop-api","main":"src/server.js","scripts":{"start":"node src/server.js"},
            "dependencies":{"express":"^4.21.0","ioredis":"^5.4.0","bullmq":"^5.12.0"}}"#,
    );
    project.write(
        "src/server.js",
        "const express = require('express');\nconst Redis = require('ioredis');\nconst { Queue } = require('bullmq');\nconst app = express();\nconst emails = new Queue('emails', { connection: new Redis(process.env.REDIS_URL) });\napp.get('/health', (req, res) => res.json({ ok: true }));\napp.listen(process.env.PORT || 3000);\n",
    );
    project
}

fn run(
    grafana: Option<&ApiServer>,
    datadog: Option<&ApiServer>,
    extra: &[&str],
) -> (Output, serde_json::Value) {
    let project = project();
    let mut vars = Vec::new();
    let mut ca = None;
    if let Some(server) = grafana {
        vars.push(("GRAFANA_URL", server.url()));
        vars.push(("GRAFANA_TOKEN", GRAFANA_TOKEN.to_owned()));
        ca = Some(server.ca_path());
    }
    if let Some(server) = datadog {
        vars.push(("DATADOG_API_URL", server.url()));
        vars.push(("DD_API_KEY", DD_API_KEY.to_owned()));
        vars.push(("DD_APP_KEY", DD_APP_KEY.to_owned()));
        vars.push(("DD_SERVICE", "shop-api".to_owned()));
        ca = Some(server.ca_path());
    }
    gate::check(project.path(), &vars, ca, extra)
}

fn assert_no_credential(output: &Output, also: &str) {
    gate::assert_hidden(output, also, &[GRAFANA_TOKEN, DD_API_KEY, DD_APP_KEY]);
}

fn facts(report: &serde_json::Value) -> &serde_json::Value {
    &check_run(report, "alerting")["facts"]
}

#[test]
fn a_service_watched_in_grafana_passes_every_alerting_rule() {
    let server = ApiServer::start(grafana_watched());
    let (output, report) = run(Some(&server), None, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            facts(&report)
        );
    }
    assert_eq!(
        gate::status(&report, "logs-aggregated"),
        "skip",
        "logs are searched at Datadog only"
    );
    for id in THRESHOLD_RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            facts(&report)
        );
    }
    assert_eq!(
        facts(&report)["topics"]["database_connections"],
        serde_json::json!(["Postgres connections"])
    );
    assert_eq!(facts(&report)["channels"], serde_json::json!(["slack"]));
    let received = server.received();
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, [RULES_PATH, POINTS_PATH, POLICY_PATH, SEARCH_PATH]);
    assert!(received.iter().all(|r| r.body.is_empty()));
    assert!(received.iter().all(|r| {
        r.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("authorization") && v == &format!("Bearer {GRAFANA_TOKEN}")
        })
    }));
    assert_no_credential(&output, "");
}

#[test]
fn a_neglected_grafana_fails_each_rule_and_says_why() {
    let server = ApiServer::start(grafana_neglected());
    let (output, report) = run(Some(&server), None, &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "fail",
            "{id}: {:#}",
            facts(&report)
        );
    }
    for id in THRESHOLD_RULES {
        assert_eq!(gate::status(&report, id), "skip", "{id}");
    }
    let message = |id: &str| {
        rule(&report, id)["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let cpu_memory = message("alerting-cpu-memory");
    assert!(
        cpu_memory.contains("the alerts on CPU (High CPU) are paused or notify nobody"),
        "{cpu_memory}"
    );
    assert!(
        cpu_memory.contains("the alerts on memory (High memory)"),
        "{cpu_memory}"
    );
    assert!(message("alerting-database").contains("no alert watches the database's connections"));
    assert!(message("alerting-dashboard").contains("no dashboard exists"));
    assert_eq!(output.status.code(), Some(1));
    assert_no_credential(&output, "");
}

#[test]
fn a_service_watched_in_datadog_passes_and_muted_monitors_do_not_count() {
    let server = ApiServer::start(datadog_watched());
    let (output, report) = run(None, Some(&server), &[]);
    for id in RULES {
        assert_eq!(gate::status(&report, "logs-aggregated"), "pass");
        for id in THRESHOLD_RULES {
            assert_eq!(
                gate::status(&report, id),
                "pass",
                "{id}: {:#}",
                facts(&report)
            );
        }
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            facts(&report)
        );
    }
    assert_eq!(
        facts(&report)["topics"]["latency"],
        serde_json::json!(["Latency p95"])
    );
    assert_eq!(
        facts(&report)["silent"]["latency"],
        serde_json::json!(["Latency"])
    );
    assert_eq!(
        facts(&report)["channels"],
        serde_json::json!(["email", "pagerduty", "slack"])
    );
    let received = server.received();
    assert!(received.iter().all(|r| {
        let header = |name: &str| {
            r.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        header("dd-api-key").as_deref() == Some(DD_API_KEY)
            && header("dd-application-key").as_deref() == Some(DD_APP_KEY)
    }));
    assert_no_credential(&output, "");

    // Without its latency monitor, the rule fails, naming the muted one.
    let mut answers = datadog_watched();
    let monitors: Vec<serde_json::Value> = serde_json::from_str::<Vec<serde_json::Value>>(
        &server_body(&datadog_watched(), MONITORS_PATH),
    )
    .expect("monitors")
    .into_iter()
    .filter(|m| m["id"] != 5)
    .collect();
    answers.insert(
        MONITORS_PATH.to_owned(),
        Answer::json(&serde_json::json!(monitors).to_string()),
    );
    let server = ApiServer::start(answers);
    let (_, report) = run(None, Some(&server), &[]);
    assert_eq!(gate::status(&report, "alerting-latency"), "fail");
    let message = rule(&report, "alerting-latency")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("the alerts on response time (Latency) are paused or notify nobody"),
        "{message}"
    );
}

fn server_body(answers: &HashMap<String, Answer>, path: &str) -> String {
    answers[path].body.clone()
}

#[test]
fn alerts_that_fire_past_the_checklists_bounds_fail_and_unreadable_ones_skip() {
    let rules = [
        grafana_rule(
            "High CPU",
            "avg(rate(node_cpu_seconds_total[5m])) * 100 > 95",
            false,
        ),
        grafana_rule(
            "High memory",
            "container_memory_working_set_bytes / container_spec_memory_limit_bytes > 0.9",
            false,
        ),
        grafana_rule(
            "Slow responses",
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 2",
            false,
        ),
        grafana_rule("Queue backed up", "sum(bull_queue_waiting) > 5000", false),
    ];
    let mut answers = grafana_watched();
    answers.insert(
        RULES_PATH.to_owned(),
        Answer::json(&format!("[{}]", rules.join(","))),
    );
    let server = ApiServer::start(answers);
    let (_, report) = run(Some(&server), None, &[]);
    for id in THRESHOLD_RULES {
        assert_eq!(
            gate::status(&report, id),
            "fail",
            "{id}: {:#}",
            facts(&report)
        );
    }
    let message = rule(&report, "alerting-cpu-memory-thresholds")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        message,
        "the alerts on CPU fire only past 80 % used: High CPU at 95 % used; the alerts on memory fire only past 80 % used: High memory at 90 % used"
    );
    let latency = rule(&report, "alerting-latency-threshold")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        latency,
        "the alerts on response time fire only past 500 ms: Slow responses at 2000 ms"
    );

    // Memory in bytes has no share to compare: the rule says it cannot tell.
    let rules = [
        grafana_rule(
            "High CPU",
            "avg(rate(node_cpu_seconds_total[5m])) * 100 > 75",
            false,
        ),
        grafana_rule("High memory", "process_resident_memory_bytes > 1e9", false),
    ];
    let mut answers = grafana_watched();
    answers.insert(
        RULES_PATH.to_owned(),
        Answer::json(&format!("[{}]", rules.join(","))),
    );
    let server = ApiServer::start(answers);
    let (_, report) = run(Some(&server), None, &[]);
    assert_eq!(
        gate::status(&report, "alerting-cpu-memory-thresholds"),
        "skip"
    );
    assert_eq!(facts(&report)["thresholds"]["memory"], "unknown");
    assert_eq!(facts(&report)["thresholds"]["cpu"], "within");
}

#[test]
fn logs_that_do_not_arrive_fail_and_logs_that_cannot_be_searched_error_alone() {
    let mut answers = datadog_watched();
    answers.insert(
        LOGS_PATH.to_owned(),
        Answer::json(r#"{"data":[],"meta":{"status":"done"}}"#),
    );
    let server = ApiServer::start(answers);
    let (_, report) = run(None, Some(&server), &[]);
    assert_eq!(gate::status(&report, "logs-aggregated"), "fail");
    assert_eq!(
        rule(&report, "logs-aggregated")["message"],
        "no log of service `shop-api` reached Datadog in the last 24 hours"
    );

    let mut answers = datadog_watched();
    answers.insert(LOGS_PATH.to_owned(), Answer::error(403, "Forbidden"));
    let server = ApiServer::start(answers);
    let (output, report) = run(None, Some(&server), &[]);
    assert_eq!(gate::status(&report, "logs-aggregated"), "error");
    assert_eq!(
        gate::status(&report, "alerting-cpu-memory"),
        "pass",
        "the monitors were read"
    );
    assert_no_credential(&output, "");
}

#[test]
fn without_credentials_the_rules_are_skipped_with_the_reason() {
    let (output, report) = run(None, None, &[]);
    for id in RULES {
        assert_eq!(gate::status(&report, id), "skip", "{id}");
    }
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &rule(&report, "alerting-disk")["message"].to_string();
    assert!(text.contains("GRAFANA_URL"), "{text}");
}

#[test]
fn a_project_without_redis_or_a_queue_does_not_need_their_alerts() {
    let server = ApiServer::start(grafana_neglected());
    let project = Project::new();
    project.write("package.json", r#"{"name":"api","main":"index.js","scripts":{"start":"node index.js"},"dependencies":{"express":"^4.21.0"}}"#);
    project.write(
        "index.js",
        "const app = require('express')();\napp.listen(3000);\n",
    );
    let vars = [
        ("GRAFANA_URL", server.url()),
        ("GRAFANA_TOKEN", GRAFANA_TOKEN.to_owned()),
    ];
    let (_, report) = gate::check(project.path(), &vars, Some(server.ca_path()), &[]);
    assert_eq!(gate::status(&report, "alerting-redis"), "skip");
    assert_eq!(gate::status(&report, "alerting-queue"), "skip");
    assert_eq!(gate::status(&report, "alerting-disk"), "fail");
}

#[test]
fn api_faults_are_errors_that_print_no_credential() {
    let with = |answers: fn() -> HashMap<String, Answer>, path: &str, answer: Answer| {
        let mut answers = answers();
        answers.insert(path.to_owned(), answer);
        answers
    };
    for (case, answers, datadog) in [
        (
            "a bad token",
            with(
                grafana_watched,
                RULES_PATH,
                Answer::error(401, "invalid API key"),
            ),
            false,
        ),
        (
            "a forbidden listing",
            with(
                grafana_watched,
                POINTS_PATH,
                Answer::error(403, "permissions needed: alert.provisioning:read"),
            ),
            false,
        ),
        (
            "a server error",
            with(
                grafana_watched,
                SEARCH_PATH,
                Answer::error(500, "internal server error"),
            ),
            false,
        ),
        (
            "JSON cut short",
            with(
                grafana_watched,
                POLICY_PATH,
                Answer::json(r#"{"receiver":"ops-sl"#),
            ),
            false,
        ),
        (
            "a long rate limit",
            with(
                datadog_watched,
                MONITORS_PATH,
                Answer::error(429, "Too many requests").with_header("retry-after", "300"),
            ),
            true,
        ),
        (
            "another shape",
            with(
                datadog_watched,
                DASHBOARDS_PATH,
                Answer::json(r#"{"errors":["no"]}"#),
            ),
            true,
        ),
    ] {
        let server = ApiServer::start(answers);
        let (output, report) = if datadog {
            run(None, Some(&server), &[])
        } else {
            run(Some(&server), None, &[])
        };
        for id in RULES.iter().chain(THRESHOLD_RULES) {
            assert_eq!(
                gate::status(&report, id),
                "error",
                "{case}, {id}: {:#}",
                check_run(&report, "alerting")["findings"]
            );
        }
        assert_ne!(output.status.code(), Some(0), "{case}");
        assert_no_credential(&output, "");
    }
}

#[test]
fn a_recording_replays_without_the_backends_and_holds_no_credential() {
    let grafana = ApiServer::start(grafana_watched());
    let folder = tempfile::tempdir().expect("temporary folder");
    let recording = folder.path().join("alerting.json");
    let record = recording.display().to_string();
    let (output, live) = run(Some(&grafana), None, &["--record", &record]);
    assert_no_credential(
        &output,
        &std::fs::read_to_string(&recording).expect("recording"),
    );
    let asked = grafana.received().len();
    let (_, replayed) = run(Some(&grafana), None, &["--replay", &record]);
    assert_eq!(grafana.received().len(), asked, "a replay asks nothing");
    for id in RULES {
        assert_eq!(gate::status(&replayed, id), gate::status(&live, id), "{id}");
    }
}
