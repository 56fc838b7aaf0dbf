//! The `database-provider` check and the starter pack's backup rules
//! against Supabase's Management API and Neon's API played back on
//! 127.0.0.1 (`tests/providers/api_server.rs`), their answers shaped as
//! their API references document them (Supabase
//! `GET /v1/projects/{ref}/database/backups`, Neon `GET /api/v2/projects/{id}`):
//! backups kept as the checklists ask, backups that are not, and the
//! faults, which are errors, never a pass, and never print a token.

#[path = "providers/api_server.rs"]
mod api_server;
mod common;
#[path = "providers/gate.rs"]
mod gate;

use api_server::{Answer, ApiServer};
use common::{Project, check_run, rule};
use std::collections::HashMap;
use std::process::Output;

const SUPABASE_TOKEN: &str = "sbp_Sekr1t-canary-token-9Qx7";
const NEON_KEY: &str = "neon-Sekr1t-canary-key-9Qx7";
const SUPABASE_PATH: &str = "/v1/projects/abcdefghijklmnopqrst/database/backups";
const NEON_PATH: &str = "/api/v2/projects/wispy-fire-123456";

/// An ISO time `hours` before now.
fn hours_ago(hours: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let then = now - hours * 3600;
    let days = then / 86_400;
    let (h, m, s) = ((then % 86_400) / 3600, (then % 3600) / 60, then % 60);
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.000Z")
}

fn supabase_answer(pitr: bool, completed_hours_ago: &[u64]) -> Answer {
    let backups: Vec<String> = completed_hours_ago
        .iter()
        .map(|h| {
            format!(
                r#"{{"id":{h},"is_physical_backup":true,"status":"COMPLETED","inserted_at":"{}"}}"#,
                hours_ago(*h)
            )
        })
        .chain(std::iter::once(format!(
            r#"{{"id":1,"is_physical_backup":true,"status":"FAILED","inserted_at":"{}"}}"#,
            hours_ago(2)
        )))
        .collect();
    Answer::json(&format!(
        r#"{{"region":"eu-central-1","walg_enabled":true,"pitr_enabled":{pitr},"backups":[{}],"physical_backup_data":{{}}}}"#,
        backups.join(",")
    ))
}

fn run(
    env: &[(&str, String)],
    ca: &std::path::Path,
    extra: &[&str],
) -> (Output, serde_json::Value) {
    let project = Project::new();
    project.write("package.json", r#"{"name":"shop-api"}"#);
    gate::check(project.path(), env, Some(ca), extra)
}

fn supabase_env(server: &ApiServer) -> Vec<(&'static str, String)> {
    vec![
        ("SUPABASE_ACCESS_TOKEN", SUPABASE_TOKEN.to_owned()),
        ("SUPABASE_PROJECT_REF", "abcdefghijklmnopqrst".to_owned()),
        ("SUPABASE_API_URL", server.url()),
    ]
}

fn assert_no_token(output: &Output, also: &str) {
    gate::assert_hidden(output, also, &[SUPABASE_TOKEN, NEON_KEY]);
}

const RULES: &[&str] = &["db-backups-daily", "db-pitr-enabled", "db-backup-retention"];

#[test]
fn supabase_backups_kept_as_asked_pass() {
    let server = ApiServer::start(HashMap::from([(
        SUPABASE_PATH.to_owned(),
        supabase_answer(true, &[5, 29, 53, 200]),
    )]));
    let (output, report) = run(&supabase_env(&server), server.ca_path(), &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "pass",
            "{id}: {:#}",
            check_run(&report, "database_provider")["facts"]
        );
    }
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, SUPABASE_PATH);
    assert!(received[0].body.is_empty());
    assert!(
        received[0]
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("authorization")
                && v == &format!("Bearer {SUPABASE_TOKEN}"))
    );
    assert_no_token(&output, "");
}

#[test]
fn supabase_backups_that_stopped_fail() {
    // The newest completed backup is four days old, PITR is off, and only
    // five days can be restored.
    let server = ApiServer::start(HashMap::from([(
        SUPABASE_PATH.to_owned(),
        supabase_answer(false, &[96, 120]),
    )]));
    let (output, report) = run(&supabase_env(&server), server.ca_path(), &[]);
    for id in RULES {
        assert_eq!(
            gate::status(&report, id),
            "fail",
            "{id}: {:#}",
            check_run(&report, "database_provider")["facts"]
        );
    }
    let message = rule(&report, "db-backups-daily")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("the newest completed backup is 96 h old"),
        "{message}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn neon_history_is_read_as_its_backups() {
    for (seconds, expected) in [(604_800, "pass"), (21_600, "fail")] {
        let server = ApiServer::start(HashMap::from([(
            NEON_PATH.to_owned(),
            Answer::json(&format!(
                r#"{{"project":{{"id":"wispy-fire-123456","platform_id":"aws","region_id":"aws-eu-central-1","name":"shop","pg_version":16,"history_retention_seconds":{seconds}}}}}"#
            )),
        )]));
        let env = vec![
            ("NEON_API_KEY", NEON_KEY.to_owned()),
            ("NEON_PROJECT_ID", "wispy-fire-123456".to_owned()),
            ("NEON_API_URL", server.url()),
        ];
        let (output, report) = run(&env, server.ca_path(), &[]);
        assert_eq!(
            gate::status(&report, "db-backups-daily"),
            expected,
            "{seconds} s of history"
        );
        assert_eq!(
            gate::status(&report, "db-backup-retention"),
            expected,
            "{seconds} s of history"
        );
        assert_eq!(gate::status(&report, "db-pitr-enabled"), "pass");
        assert_no_token(&output, "");
    }
}

#[test]
fn api_faults_are_errors_that_print_no_token() {
    for (case, answer) in [
        ("a bad token", Answer::error(401, "Unauthorized")),
        ("a server error", Answer::error(503, "Service Unavailable")),
        (
            "JSON cut short",
            Answer::json(r#"{"region":"eu","backups":[{"stat"#),
        ),
        ("another shape", Answer::json(r#"{"region":"eu"}"#)),
        (
            "rate limited",
            Answer::error(429, "Too Many Requests").with_header("retry-after", "60"),
        ),
    ] {
        let server = ApiServer::start(HashMap::from([(SUPABASE_PATH.to_owned(), answer)]));
        let (output, report) = run(&supabase_env(&server), server.ca_path(), &[]);
        for id in RULES {
            assert_eq!(gate::status(&report, id), "error", "{case}: {id}");
        }
        assert_ne!(output.status.code(), Some(0), "{case}");
        assert_no_token(&output, "");
    }
}

#[test]
fn a_recording_replays_without_the_provider_and_holds_no_token() {
    let server = ApiServer::start(HashMap::from([(
        SUPABASE_PATH.to_owned(),
        supabase_answer(true, &[5, 200]),
    )]));
    let folder = tempfile::tempdir().expect("temporary folder");
    let recording = folder.path().join("backups.json");
    let record = recording.display().to_string();
    let (output, live) = run(
        &supabase_env(&server),
        server.ca_path(),
        &["--record", &record],
    );
    assert_no_token(
        &output,
        &std::fs::read_to_string(&recording).expect("recording"),
    );
    let (_, replayed) = run(
        &supabase_env(&server),
        server.ca_path(),
        &["--replay", &record],
    );
    assert_eq!(server.received().len(), 1, "a replay asks nothing");
    for id in RULES {
        assert_eq!(gate::status(&replayed, id), gate::status(&live, id), "{id}");
    }
}
