//! Live probes end to end, against real HTTP and HTTPS servers on
//! 127.0.0.1 (`tests/live/server.rs`), with a CA generated per test and
//! trusted through `--ca-bundle` or the pack's `grants.ca_bundle`. DNS is
//! tested through replay files, since no test may need the internet.

mod common;
#[path = "live/server.rs"]
mod server;

use common::{Project, check_run, gonogo, hostile, json_report, pinned_check, rule};
use server::{Behaviour, Service, TestCa};
use std::collections::BTreeSet;
use std::process::Output;

/// Runs the production-readiness pack over `examples/shop-api` (a GO
/// project) with the live variables pointing at `service`.
fn check_example(service: &Service, ca: &Project, extra: &[&str]) -> (Output, serde_json::Value) {
    check_example_at(&service.base_url(), &service.http_url(), ca, extra)
}

/// The same, with the live variables given.
fn check_example_at(
    base_url: &str,
    http_url: &str,
    ca: &Project,
    extra: &[&str],
) -> (Output, serde_json::Value) {
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--env-file",
            "examples/deploy/shop-api.env",
        ])
        .args(["--process-env", "--format", "json", "--ca-bundle"])
        .arg(ca.path().join("ca.pem"))
        .args(extra)
        .env("GONOGO_BASE_URL", base_url)
        .env("GONOGO_HTTP_URL", http_url)
        .env("GONOGO_SITE_URL", base_url)
        .output()
        .expect("runs");
    let report = json_report(&output);
    (output, report)
}

fn ca_folder(ca: &TestCa) -> Project {
    let folder = Project::new();
    folder.write("ca.pem", &ca.pem);
    folder
}

/// Ids of the rules of `area` that did not pass, with their status.
fn not_passing(report: &serde_json::Value) -> BTreeSet<(String, String)> {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["status"] != "pass" && r["status"] != "skip")
        // Sign-offs and drills warn until someone attests them: not probes.
        .filter(|r| r["area"] != "Sign-offs and drills")
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default().to_owned(),
                r["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn a_well_configured_service_is_a_go() {
    let ca = TestCa::new();
    let service = Service::start(&ca, Behaviour::good());
    let folder = ca_folder(&ca);
    let (output, report) = check_example(&service, &folder, &[]);
    let facts = &check_run(&report, "http")["facts"];
    assert_eq!(facts["probed"], true, "{facts:#}");
    assert_eq!(not_passing(&report), set(&[]), "{facts:#}");
    assert_eq!(report["decision"]["verdict"], "go");
    assert_eq!(output.status.code(), Some(0));
    for live in [
        "live-reachable",
        "live-health-ok",
        "live-dependencies-healthy",
        "live-https",
        "live-certificate-fresh",
        "live-http-redirects",
        "live-hsts",
        "live-csp",
        "live-cors-foreign-refused",
        "live-cors-expected-allowed",
        "live-rate-limit",
        "live-retry-after",
        "live-compression",
        "live-latency",
        "live-error-statuses",
        "live-errors-hide-internals",
        "live-behind-edge",
        "live-protected-routes-refuse",
        "live-legal-pages",
    ] {
        assert_eq!(rule(&report, live)["status"], "pass", "{live}: {facts:#}");
    }
    assert_eq!(
        facts["legal_pages"]["privacy"]["url"],
        format!("{}/privacy", service.base_url())
    );
    assert_eq!(
        facts["errors"]["not_found"]["path"],
        "/gonogo-probe-no-such-route"
    );
    assert_eq!(facts["errors"]["malformed_json"]["status"], 400);
    assert_eq!(facts["edge"]["provider"], "Cloudflare");
    assert_eq!(
        facts["unauthenticated"],
        serde_json::json!({"path": "/auth/me", "status": 401, "with_made_up_token": 401})
    );
    assert_eq!(facts["rate_limit"]["limited_after"], 6, "{facts:#}");
    assert_eq!(facts["plain_http"], "redirects");
    assert_eq!(facts["dependencies"]["database"], "up");
}

#[test]
fn a_badly_configured_service_fails_exactly_the_live_rules_it_breaks() {
    let ca = TestCa::new();
    let service = Service::start(&ca, Behaviour::bad());
    let folder = ca_folder(&ca);
    let (output, report) = check_example(&service, &folder, &[]);
    let facts = &check_run(&report, "http")["facts"];
    assert_eq!(
        not_passing(&report),
        set(&[
            ("live-certificate-fresh", "fail"),
            ("live-compression", "fail"),
            ("live-cors-foreign-refused", "fail"),
            ("live-cors-no-wildcard-credentials", "fail"),
            ("live-csp", "fail"),
            ("live-dependencies-healthy", "fail"),
            ("live-behind-edge", "fail"),
            ("live-protected-routes-refuse", "fail"),
            ("live-error-statuses", "fail"),
            ("live-errors-hide-internals", "fail"),
            ("live-frame-protection", "fail"),
            ("live-health-ok", "fail"),
            ("live-hsts", "fail"),
            ("live-http-redirects", "fail"),
            ("live-no-powered-by", "fail"),
            ("live-nosniff", "fail"),
            ("live-rate-limit", "fail"),
            ("live-referrer-policy", "fail"),
            ("live-xss-protection", "fail"),
        ]),
        "{facts:#}"
    );
    assert_eq!(report["decision"]["verdict"], "no-go");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(facts["tls"]["days_left"], 10, "{facts:#}");
    // A development build: unknown routes fall back to 200, and a
    // malformed body is a 500 with body-parser's stack trace.
    assert_eq!(facts["errors"]["not_found"]["status"], 200, "{facts:#}");
    assert_eq!(facts["errors"]["malformed_json"]["status"], 500);
    assert_eq!(
        facts["errors"]["malformed_json"]["leaks"],
        serde_json::json!(["stack trace", "server path"])
    );
    assert_eq!(facts["rate_limit"]["requests"], 20, "the burst is bounded");
    // Every path answers the same page: a single-page app's legal pages
    // cannot be told without its script, and the rule says so.
    assert_eq!(facts["legal_pages"]["inconclusive"], true, "{facts:#}");
    assert_eq!(rule(&report, "live-legal-pages")["status"], "skip");
    let message = rule(&report, "live-certificate-fresh")["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with("the certificate expires in 10 days"),
        "{message}"
    );
}

#[test]
fn a_recorded_run_replays_to_the_same_decision_without_the_network() {
    let ca = TestCa::new();
    let folder = ca_folder(&ca);
    let recording = folder.path().join("probes.json");
    let (base_url, http_url, recorded) = {
        let service = Service::start(&ca, Behaviour::bad());
        let record = ["--record", recording.to_str().expect("utf-8")];
        let report = check_example(&service, &folder, &record).1;
        (service.base_url(), service.http_url(), report)
    };
    // The service is gone: only the recording can answer now.
    let replay = ["--replay", recording.to_str().expect("utf-8")];
    let (first, replayed) = check_example_at(&base_url, &http_url, &folder, &replay);
    let (_, again) = check_example_at(&base_url, &http_url, &folder, &replay);
    assert_eq!(first.status.code(), Some(1));
    assert_eq!(check_run(&replayed, "http")["status"], "fail");
    for part in ["decision", "rules"] {
        assert_eq!(
            recorded[part], replayed[part],
            "{part} differs after replay"
        );
        assert_eq!(
            serde_json::to_string(&replayed[part]).expect("json"),
            serde_json::to_string(&again[part]).expect("json"),
            "{part} differs between replays"
        );
    }
}

#[test]
fn a_request_the_recording_lacks_is_an_error_of_its_check() {
    let ca = TestCa::new();
    let folder = ca_folder(&ca);
    folder.write("empty.json", "{\"gonogo_probes\": 1, \"exchanges\": []}\n");
    let service = Service::start(&ca, Behaviour::good());
    let empty = folder.path().join("empty.json");
    let (output, report) = check_example(&service, &folder, &["--replay", empty.to_str().unwrap()]);
    let http = check_run(&report, "http");
    assert_eq!(http["status"], "error", "{http:#}");
    let error = http["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("has no answer for GET https://127.0.0.1:"),
        "{error}"
    );
    assert_eq!(rule(&report, "live-reachable")["status"], "error");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        service.requests.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[test]
fn a_broken_recording_file_is_exit_2_naming_it() {
    let folder = Project::new();
    folder.write("broken.json", "{\"exchanges\": [\n");
    let broken = folder.path().join("broken.json");
    let output = gonogo()
        .args(["check", "examples/shop-api", "--replay"])
        .arg(&broken)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.json") && stderr.contains("not a probe recording"),
        "{stderr}"
    );
}

/// A project whose pack is one hostile `probe` check with these settings,
/// grants and limits, and a rule that reads it.
fn hostile_probe_project(with: &str, grants_and_limits: &str) -> Project {
    let project = Project::new();
    let check = pinned_check("hostile", &hostile(), with, grants_and_limits);
    project.write(
        "gonogo.yaml",
        &format!(
            "name: probes\nchecks:\n{check}rules:\n  - id: ran\n    title: ran\n    severity: low\n    check: hostile\n    expr: \"true\"\n"
        ),
    );
    project
}

/// Runs `gonogo check` over [`hostile_probe_project`].
fn hostile_probe(
    with: &str,
    grants_and_limits: &str,
    envs: &[(&str, &str)],
    extra: &[&str],
) -> (Project, serde_json::Value) {
    let project = hostile_probe_project(with, grants_and_limits);
    let mut command = gonogo();
    command
        .args(["check", "--format", "json"])
        .arg(project.path())
        .args(extra);
    for (k, v) in envs {
        command.env(k, v);
    }
    let report = json_report(&command.output().expect("runs"));
    (project, report)
}

#[test]
fn an_ungranted_host_is_refused_reported_and_never_contacted() {
    let ca = TestCa::new();
    let service = Service::start(&ca, Behaviour::good());
    let (_, report) = hostile_probe(
        &format!(
            "{{ attack: probe, urls: ['{}/health'], tls: [['127.0.0.1', {}]], dns: ['example.org'] }}",
            service.base_url(),
            service.https_port
        ),
        "    grants:\n      hosts: [api.example.org]\n",
        &[],
        &[],
    );
    let run = check_run(&report, "hostile");
    let facts = &run["facts"];
    for kind in ["http", "tls", "dns"] {
        let answer = facts[kind][0].as_str().unwrap_or_default();
        assert!(answer.starts_with("not-granted:"), "{kind}: {answer}");
    }
    let refused = run["probes_refused"].as_array().expect("refusals reported");
    assert_eq!(refused.len(), 3, "{run:#}");
    assert!(
        refused[0]
            .as_str()
            .unwrap_or_default()
            .starts_with("GET https://127.0.0.1:")
    );
    assert_eq!(
        service.requests.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[test]
fn a_check_cannot_name_another_virtual_host_nor_look_up_names_under_a_granted_address() {
    let ca = TestCa::new();
    let service = Service::start(&ca, Behaviour::good());
    let folder = ca_folder(&ca);
    for header in [
        "Host",
        "X-Forwarded-Host",
        "Forwarded",
        "x-forwarded-for",
        "Transfer-Encoding",
    ] {
        let (_, report) = hostile_probe(
            &format!(
                "{{ attack: probe, urls: ['{}/health'], headers: [['{header}', 'internal.example']], dns: ['stolen-data._x.127.0.0.1', '127.0.0.1'] }}",
                service.base_url()
            ),
            &format!(
                "    grants:\n      hosts: ['127.0.0.1:{}']\n      ca_bundle: {}\n",
                service.https_port,
                folder.path().join("ca.pem").display()
            ),
            &[],
            &[],
        );
        let facts = &check_run(&report, "hostile")["facts"];
        let answer = facts["http"][0].as_str().unwrap_or_default();
        assert!(
            answer.starts_with("invalid-request: header")
                && answer.contains("set by the host only"),
            "{header}: {answer}"
        );
        for dns in facts["dns"].as_array().expect("dns answers") {
            assert!(
                dns.as_str().unwrap_or_default().starts_with("not-granted:"),
                "{dns}"
            );
        }
    }
    assert_eq!(
        service.requests.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[test]
fn only_http_and_https_urls_are_probed() {
    let (_, report) = hostile_probe(
        "{ attack: probe, urls: ['file:///etc/passwd', 'ftp://127.0.0.1/', 'gopher://127.0.0.1:70/', 'not a url'] }",
        "    grants:\n      hosts: [127.0.0.1]\n",
        &[],
        &[],
    );
    let facts = &check_run(&report, "hostile")["facts"];
    for answer in facts["http"].as_array().expect("answers") {
        let answer = answer.as_str().unwrap_or_default();
        assert!(answer.starts_with("invalid-request:"), "{answer}");
    }
}

#[test]
fn the_call_budget_size_cap_and_timeout_hold() {
    let ca = TestCa::new();
    let service = Service::start(&ca, Behaviour::good());
    let folder = ca_folder(&ca);
    let base = service.base_url();
    let grants = format!(
        "    grants:\n      hosts: ['127.0.0.1:{}']\n      ca_bundle: {}\n    limits: {{ probe_calls: 3, probe_body_kb: 1, probe_timeout_ms: 300 }}\n",
        service.https_port,
        folder.path().join("ca.pem").display()
    );
    let (_, report) = hostile_probe(
        &format!(
            "{{ attack: probe, urls: ['{base}/big', '{base}/slow', '{base}/health', '{base}/health'] }}"
        ),
        &grants,
        &[],
        &[],
    );
    let answers = &check_run(&report, "hostile")["facts"]["http"];
    assert_eq!(
        answers[0], "answered 200 via 0 body 1024 truncated",
        "{answers:#}"
    );
    assert_eq!(answers[1], "timeout", "{answers:#}");
    assert!(
        answers[2]
            .as_str()
            .unwrap_or_default()
            .starts_with("answered 200"),
        "{answers:#}"
    );
    assert_eq!(answers[3], "budget-exhausted", "{answers:#}");
}

#[test]
fn a_redirect_to_an_ungranted_port_is_not_followed() {
    let ca = TestCa::new();
    let service = Service::start(&ca, Behaviour::good());
    let (_, report) = hostile_probe(
        &format!(
            "{{ attack: probe, follow: true, urls: ['{}health'] }}",
            service.http_url()
        ),
        &format!(
            "    grants:\n      hosts: ['127.0.0.1:{}']\n",
            service.http_port
        ),
        &[],
        &[],
    );
    let run = check_run(&report, "hostile");
    let answer = run["facts"]["http"][0].as_str().unwrap_or_default();
    assert!(
        answer.starts_with("not-granted: redirect to `https://127.0.0.1:"),
        "{answer}"
    );
    assert_eq!(
        run["probes_refused"].as_array().map(Vec::len),
        Some(1),
        "{run:#}"
    );
    assert_eq!(
        service.requests.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

#[test]
fn certificates_are_verified_against_the_trusted_roots_only() {
    let ca = TestCa::new();
    let expired = Service::start(
        &ca,
        Behaviour {
            certificate_days: -5,
            ..Behaviour::good()
        },
    );
    let folder = ca_folder(&ca);
    let tls = format!("[['127.0.0.1', {}]]", expired.https_port);
    let grants = format!(
        "    grants:\n      hosts: ['127.0.0.1:{}']\n",
        expired.https_port
    );
    let with = format!(
        "{{ attack: probe, urls: ['{}/health'], tls: {tls} }}",
        expired.base_url()
    );
    // Trusted CA, expired certificate: the handshake is reported, invalid.
    let bundle = [
        "--ca-bundle",
        folder.path().join("ca.pem").to_str().unwrap(),
    ]
    .map(str::to_owned);
    let (_, report) = hostile_probe(
        &with,
        &grants,
        &[],
        &bundle.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let facts = &check_run(&report, "hostile")["facts"];
    assert_eq!(facts["tls"][0], "TLSv1.3 valid=false days=-5", "{facts:#}");
    let http = facts["http"][0].as_str().unwrap_or_default();
    assert!(
        http.starts_with("connection:") && http.contains("xpired"),
        "{http}"
    );
    // Unknown CA: not trusted at all.
    let fresh = Service::start(&ca, Behaviour::good());
    let (_, report) = hostile_probe(
        &format!(
            "{{ attack: probe, tls: [['127.0.0.1', {}]] }}",
            fresh.https_port
        ),
        &format!(
            "    grants:\n      hosts: ['127.0.0.1:{}']\n",
            fresh.https_port
        ),
        &[],
        &[],
    );
    let answer = check_run(&report, "hostile")["facts"]["tls"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(answer.contains("valid=false"), "{answer}");
}

#[test]
fn recordings_never_hold_the_value_of_a_granted_secret() {
    let ca = TestCa::new();
    let service = Service::start(&ca, Behaviour::good());
    let folder = ca_folder(&ca);
    let recording = folder.path().join("probes.json");
    let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    let with = format!(
        "{{ attack: probe, token_env: API_TOKEN, urls: ['{}/health'] }}",
        service.base_url()
    );
    let grants = format!(
        "    grants:\n      env: [API_TOKEN]\n      hosts: ['127.0.0.1:{}']\n      ca_bundle: {}\n",
        service.https_port,
        folder.path().join("ca.pem").display()
    );
    let record = ["--record", recording.to_str().unwrap()];
    let (_, report) = hostile_probe(&with, &grants, &[("API_TOKEN", secret)], &record);
    assert_eq!(
        check_run(&report, "hostile")["facts"]["http"][0],
        "answered 200 via 0 body 149"
    );
    let text = std::fs::read_to_string(&recording).expect("recording written");
    assert!(!text.contains(secret), "{text}");
    assert!(text.contains("Bearer [redacted]"), "{text}");
    // The redacted request still matches on replay, with the same secret.
    let replay = ["--replay", recording.to_str().unwrap()];
    let (_, replayed) = hostile_probe(&with, &grants, &[("API_TOKEN", secret)], &replay);
    assert_eq!(
        check_run(&replayed, "hostile")["facts"]["http"][0],
        "answered 200 via 0 body 149"
    );
}

/// The shop-api example with only the mail variables set, answered from a
/// DNS recording in `tests/fixtures/probes/`.
fn email_dns(recording: &str) -> serde_json::Value {
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--env-file",
            "examples/deploy/shop-api.env",
        ])
        .args(["--process-env", "--format", "json", "--replay"])
        .arg(common::repo().join("tests/fixtures/probes").join(recording))
        .env("GONOGO_MAIL_DOMAIN", "shop.example.org")
        .env("GONOGO_DKIM_SELECTORS", "resend,s1")
        .output()
        .expect("runs");
    json_report(&output)
}

#[test]
fn mail_dns_records_are_judged_from_a_replayed_lookup() {
    let good = email_dns("email-dns-good.json");
    for id in ["live-spf", "live-dmarc", "live-dkim"] {
        assert_eq!(
            rule(&good, id)["status"],
            "pass",
            "{id}: {:#}",
            check_run(&good, "email_dns")
        );
    }
    let bad = email_dns("email-dns-bad.json");
    let messages: Vec<(String, String)> = ["live-spf", "live-dmarc", "live-dkim"]
        .iter()
        .map(|id| {
            assert_eq!(rule(&bad, id)["status"], "fail", "{id}");
            (
                id.to_string(),
                rule(&bad, id)["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(messages[0].1, "the SPF record ends in `+all`");
    assert_eq!(messages[1].1, "the DMARC policy is `none`");
    assert_eq!(messages[2].1, "no DKIM key for: s1");
}

#[test]
fn refused_probes_are_shown_in_the_human_report() {
    let project = hostile_probe_project(
        "{ attack: probe, urls: ['https://127.0.0.1:9/'] }",
        "    grants:\n      hosts: [api.example.org]\n",
    );
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("probe refused: GET https://127.0.0.1:9/: the policy does not grant check `hostile` this host"),
        "{stdout}"
    );
}

#[test]
fn malformed_host_grants_and_ca_bundles_are_load_errors_with_their_line() {
    let project = Project::new();
    project.write("not-a-ca.pem", "hello\n");
    project.write(
        "gonogo.yaml",
        "name: probes\nchecks:\n  http:\n    use: builtin:http\n    grants:\n      hosts: [api.example.com, 'https://api.example.com/', '*.com']\n      ca_bundle: not-a-ca.pem\nrules: []\n",
    );
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "gonogo.yaml:6:",
        "`https://api.example.com/` is a URL",
        "a wildcard must cover a domain with at least two labels",
        "gonogo.yaml:7:",
        "holds no certificate",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn bad_probe_options_are_exit_2() {
    let folder = Project::new();
    folder.write("empty.pem", "");
    let empty = folder.path().join("empty.pem");
    let output = gonogo()
        .args(["check", "examples/shop-api", "--ca-bundle"])
        .arg(&empty)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--ca-bundle") && stderr.contains("holds no certificate"),
        "{stderr}"
    );
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--record",
            "a.json",
            "--replay",
            "b.json",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be used with"));
}

#[test]
fn a_failed_mail_lookup_fails_the_mail_rules_instead_of_skipping_them() {
    let failed = email_dns("email-dns-lookup-failed.json");
    for (id, message) in [
        ("live-spf", "the TXT lookup of shop.example.org failed"),
        (
            "live-dmarc",
            "the TXT lookup of _dmarc.shop.example.org failed",
        ),
        ("live-dkim", "no DKIM key for: resend, s1"),
    ] {
        assert_eq!(rule(&failed, id)["status"], "fail", "{id}");
        assert_eq!(rule(&failed, id)["message"], message, "{id}");
    }
    assert_eq!(failed["decision"]["verdict"], "no-go");
}

#[test]
fn a_website_without_its_legal_pages_fails_naming_the_paths_tried() {
    let ca = TestCa::new();
    let service = Service::start(
        &ca,
        Behaviour {
            legal_pages: false,
            ..Behaviour::good()
        },
    );
    let folder = ca_folder(&ca);
    let (_, report) = check_example(&service, &folder, &[]);
    let legal = rule(&report, "live-legal-pages");
    assert_eq!(legal["status"], "fail", "{legal:#}");
    let message = legal["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("no privacy policy is published at")
            && message.contains("/privacy: 404")
            && message.contains("/terms-of-service: 404"),
        "{message}"
    );
}
