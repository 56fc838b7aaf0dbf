//! Live datastores end to end: the `datastores` check and the starter
//! pack's "Live datastores" rules against real PostgreSQL and Redis
//! servers started here (`tests/datastores/servers.rs`), each item with a
//! server kept as the checklists ask and one that is not; the faults
//! (server down, wrong password, TLS refused, a statement timeout, a
//! server that speaks no protocol) are errors that print no password; the
//! host sends only reads (the server's own log and `MONITOR` show it);
//! and a recording replays with no datastore at all.

mod common;
#[path = "datastores/servers.rs"]
mod servers;

use common::{Project, check_run, gonogo, json_report, rule};
use servers::{PgOptions, Postgres, Redis, garbage_server};
use std::process::Output;

const PACK: &str = "policies/production-readiness";
const APP_PASSWORD: &str = "Ro-role-Passw0rd-4Kx";
const REDIS_PASSWORD: &str = "Redis-Passw0rd-91Zt";

/// A Prisma project with two migrations and a seed script that fills the
/// roles, using BullMQ (so Redis must not evict).
fn project() -> Project {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"api","scripts":{"start":"node dist/main.js"},"prisma":{"seed":"tsx prisma/seed.ts"},"dependencies":{"@prisma/client":"5.0.0","bullmq":"5.0.0"}}"#,
    );
    project.write(
        "prisma/schema.prisma",
        "model User {\n  id Int @id\n  email String @unique\n}\nmodel Post {\n  id Int @id\n  authorId Int\n}\nmodel Role {\n  id Int @id\n  name String\n}\n",
    );
    project.write(
        "prisma/seed.ts",
        "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nawait prisma.role.upsert({ where: { id: 1 }, update: {}, create: { id: 1, name: 'admin' } });\n",
    );
    project.write(
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    project.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"User\" (id serial);\n",
    );
    project.write(
        "prisma/migrations/20240202000000_posts/migration.sql",
        "CREATE TABLE \"Post\" (id serial);\n",
    );
    project
}

/// A database `shop` as Prisma leaves it, with a read-only role for gonogo.
fn seed(server: &Postgres, applied: &[&str], index_foreign_key: bool) {
    server.sql("postgres", "CREATE DATABASE shop");
    let mut sql = String::from(
        "CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, \
         finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, \
         rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), \
         applied_steps_count integer NOT NULL DEFAULT 0);\
         CREATE TABLE \"User\" (id serial PRIMARY KEY, email text UNIQUE);\
         CREATE TABLE \"Post\" (id serial PRIMARY KEY, \"authorId\" int REFERENCES \"User\"(id), title text);\
         CREATE TABLE \"Role\" (id serial PRIMARY KEY, name text);",
    );
    for (i, name) in applied.iter().enumerate() {
        let finished = if name.ends_with("_failed") {
            "NULL"
        } else {
            "now()"
        };
        let name = name.trim_end_matches("_failed");
        sql.push_str(&format!(
            "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name) VALUES ('{i}', 'x', {finished}, '{name}');"
        ));
    }
    if index_foreign_key {
        sql.push_str("CREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");");
    }
    sql.push_str(&format!(
        "CREATE ROLE gonogo_ro LOGIN PASSWORD '{APP_PASSWORD}';\
         GRANT CONNECT ON DATABASE shop TO gonogo_ro;\
         GRANT pg_read_all_settings, pg_read_all_stats TO gonogo_ro;\
         GRANT SELECT ON _prisma_migrations, \"Role\" TO gonogo_ro;"
    ));
    server.sql("shop", &sql);
}

fn database_url(port: u16, password: &str, params: &str) -> String {
    format!("postgresql://gonogo_ro:{password}@127.0.0.1:{port}/shop?{params}")
}

/// Runs `pack` over `project` with these deployment variables (and
/// GONOGO_DATASTORES=1), trusting `ca` when given.
fn run(
    project: &Project,
    pack: &str,
    vars: &[(&str, String)],
    extra: &[&str],
) -> (Output, serde_json::Value) {
    let env = tempfile::tempdir().expect("temporary folder");
    let mut text = String::from("GONOGO_DATASTORES=1\nNODE_ENV=production\n");
    for (name, value) in vars {
        text.push_str(&format!("{name}={value}\n"));
    }
    let env_file = env.path().join("production.env");
    std::fs::write(&env_file, text).expect("env file");
    let output = gonogo()
        .args([
            "check",
            "--format",
            "json",
            "--rerun",
            "--policy",
            pack,
            "--env-file",
        ])
        .arg(&env_file)
        .args(extra)
        .arg(project.path())
        .output()
        .expect("gonogo runs");
    let report = json_report(&output);
    (output, report)
}

fn status<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    rule(report, id)["status"].as_str().unwrap_or_default()
}

fn facts<'a>(report: &'a serde_json::Value, store: &str) -> &'a serde_json::Value {
    &check_run(report, "datastores")["facts"][store]
}

/// Every byte gonogo printed or wrote.
fn printed(output: &Output, files: &[&std::path::Path]) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    for file in files {
        text.push_str(&std::fs::read_to_string(file).unwrap_or_default());
    }
    text
}

fn assert_no_secret(text: &str) {
    for secret in [
        APP_PASSWORD,
        REDIS_PASSWORD,
        servers::SUPERUSER_PASSWORD,
        "Wrong-Passw0rd-zz",
    ] {
        assert!(!text.contains(secret), "`{secret}` was printed:\n{text}");
    }
}

/// A small pack naming seed tables and indexed columns (the starter pack
/// names none), in a folder of its own.
fn named_pack(columns: &str, probe_timeout_ms: u32) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        folder.path().join("gonogo.yaml"),
        format!(
            "name: named\nchecks:\n  datastores:\n    use: builtin:datastores\n    with:\n      \
             indexed_columns: {columns}\n      seed_tables: [Role]\n    \
             grants:\n      datastores: [DATABASE_URL]\n    limits: {{ probe_timeout_ms: {probe_timeout_ms} }}\n\
             rules:\n  - id: asked\n    title: asked\n    severity: high\n    check: datastores\n    \
             expr: facts.postgres != null\n"
        ),
    )
    .expect("pack written");
    folder
}

fn path_of(folder: &tempfile::TempDir) -> String {
    folder.path().display().to_string()
}

#[test]
fn a_well_kept_postgres_passes_and_is_only_read() {
    let server = Postgres::start(PgOptions {
        ssl: true,
        tls_only: true,
        timezone: "UTC",
    });
    seed(
        &server,
        &["20240101000000_init", "20240202000000_posts"],
        true,
    );
    server.sql("shop", "INSERT INTO \"Role\" (name) VALUES ('admin')");
    let project = project();
    let url = database_url(
        server.port,
        APP_PASSWORD,
        "sslmode=verify-full&connection_limit=5&schema=public",
    );
    let ca = server.certificates.ca.display().to_string();
    let (output, report) = run(
        &project,
        PACK,
        &[("DATABASE_URL", url.clone())],
        &["--ca-bundle", &ca],
    );
    for id in [
        "db-reachable",
        "db-seed-data-present",
        "db-migrations-applied",
        "db-tls",
        "db-refuses-plaintext",
        "db-timezone-utc",
        "db-foreign-keys-indexed-live",
        "db-connections-headroom",
        "datastores-private-live",
    ] {
        assert_eq!(
            status(&report, id),
            "pass",
            "{id}: {:#}",
            facts(&report, "postgres")
        );
    }
    let postgres = facts(&report, "postgres");
    assert_eq!(postgres["certificate_verified"], true);
    assert_eq!(postgres["pool_size"], 5);
    assert_eq!(postgres["migrations"]["applied"], 2);
    assert_eq!(postgres["seed_source"], "prisma/seed.ts", "{postgres:#}");
    assert_eq!(postgres["seed_tables"], 1);
    // Redis is not granted a URL here: its rules skip, saying why.
    assert_eq!(status(&report, "redis-auth-required"), "skip");
    assert_no_secret(&printed(&output, &[]));

    let (_, named) = run(
        &project,
        &path_of(&named_pack("[User.email]", 10_000)),
        &[("DATABASE_URL", url)],
        &["--ca-bundle", &ca],
    );
    let named = facts(&named, "postgres");
    assert_eq!(
        named["unindexed_columns"],
        serde_json::json!([]),
        "{named:#}"
    );
    assert_eq!(named["empty_tables"], serde_json::json!([]), "{named:#}");

    // The role can write nothing, and the host sent only reads.
    assert_eq!(
        server.sql(
            "shop",
            "SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' \
             AND has_table_privilege('gonogo_ro', c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE')"
        ),
        "0"
    );
    assert_eq!(
        server.sql(
            "shop",
            "SELECT rolsuper FROM pg_roles WHERE rolname = 'gonogo_ro'"
        ),
        "f"
    );
    let statements = server.statements_of("gonogo_ro");
    assert!(statements.len() > 10, "{statements:#?}");
    for statement in &statements {
        let read = statement == "START TRANSACTION READ ONLY"
            || statement == "ROLLBACK"
            || statement.starts_with("SET LOCAL statement_timeout = ")
            || statement.starts_with("SELECT ");
        assert!(read, "gonogo sent `{statement}`");
    }
}

#[test]
fn a_neglected_postgres_fails_each_item() {
    let server = Postgres::start(PgOptions {
        ssl: false,
        tls_only: false,
        timezone: "Europe/Paris",
    });
    seed(
        &server,
        &["20240101000000_init", "20240303000000_hotfix_failed"],
        false,
    );
    let project = project();
    // The pool size from DB_POOL_SIZE, the URL giving none.
    let url = database_url(server.port, APP_PASSWORD, "");
    let vars = [
        ("DATABASE_URL", url.clone()),
        ("DB_POOL_SIZE", "500".to_owned()),
    ];
    let (output, report) = run(&project, PACK, &vars, &[]);
    for (id, expected) in [
        ("db-migrations-applied", "fail"),
        ("db-tls", "fail"),
        ("db-refuses-plaintext", "fail"),
        ("db-timezone-utc", "fail"),
        ("db-foreign-keys-indexed-live", "fail"),
        ("db-connections-headroom", "fail"),
        ("db-seed-data-present", "fail"),
    ] {
        assert_eq!(
            status(&report, id),
            expected,
            "{id}: {:#}",
            facts(&report, "postgres")
        );
    }
    let migrations = &facts(&report, "postgres")["migrations"];
    assert_eq!(
        migrations["missing"],
        serde_json::json!(["20240202000000_posts"])
    );
    assert_eq!(
        migrations["failed"],
        serde_json::json!(["20240303000000_hotfix"])
    );
    let message = rule(&report, "db-migrations-applied")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("20240202000000_posts") && message.contains("failed"),
        "{message}"
    );
    let headroom = rule(&report, "db-connections-headroom")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(headroom.contains("`DB_POOL_SIZE` (500)"), "{headroom}");
    let seeded = rule(&report, "db-seed-data-present")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        seeded.contains("empty or missing: Role (tables prisma/seed.ts fills)"),
        "{seeded}"
    );
    assert_eq!(output.status.code(), Some(1), "NO-GO");
    assert_no_secret(&printed(&output, &[]));

    let (_, named) = run(
        &project,
        &path_of(&named_pack("[User.email, Post.title]", 10_000)),
        &[("DATABASE_URL", url)],
        &[],
    );
    let named = facts(&named, "postgres");
    assert_eq!(
        named["unindexed_columns"],
        serde_json::json!(["Post.title"])
    );
    assert_eq!(
        named["empty_tables"],
        serde_json::json!(["Role"]),
        "{named:#}"
    );
}

#[test]
fn postgres_faults_are_errors_that_print_no_password() {
    let project = project();
    let plain = Postgres::start(PgOptions {
        ssl: false,
        tls_only: false,
        timezone: "UTC",
    });
    seed(&plain, &["20240101000000_init"], true);
    let down = servers::free_port();
    let garbage = garbage_server(b"HTTP/1.1 200 OK\r\n\r\nnot a database", false);
    let cases = [
        ("server down", database_url(down, APP_PASSWORD, "")),
        (
            "wrong password",
            database_url(plain.port, "Wrong-Passw0rd-zz", ""),
        ),
        (
            "TLS refused",
            database_url(plain.port, APP_PASSWORD, "sslmode=require"),
        ),
        (
            "not a database",
            database_url(garbage, APP_PASSWORD, "sslmode=disable"),
        ),
    ];
    for (case, url) in cases {
        let (output, report) = run(&project, PACK, &[("DATABASE_URL", url)], &[]);
        for id in [
            "db-reachable",
            "db-tls",
            "db-migrations-applied",
            "db-timezone-utc",
        ] {
            assert_eq!(status(&report, id), "error", "{case}: {id}");
        }
        let error = facts(&report, "postgres")["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!error.is_empty(), "{case}: the error says what failed");
        assert_ne!(output.status.code(), Some(0), "{case}: never a go");
        assert_no_secret(&printed(&output, &[]));
    }

    // A statement the server cancels: `Role` is locked by another session.
    let mut lock = plain.hold(
        "shop",
        "BEGIN; LOCK TABLE \"Role\" IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);",
    );
    let url = database_url(plain.port, APP_PASSWORD, "");
    let (_, report) = run(
        &project,
        &path_of(&named_pack("[User.email]", 2_000)),
        &[("DATABASE_URL", url)],
        &[],
    );
    let _ = lock.kill();
    let _ = lock.wait();
    let findings = check_run(&report, "datastores")["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let seed = findings
        .iter()
        .find(|f| f["id"] == "seed-data-missing")
        .expect("a seed finding");
    assert_eq!(seed["status"], "error", "{seed:#}");
    assert!(
        seed["message"]
            .as_str()
            .unwrap_or_default()
            .contains("statement timeout"),
        "{seed:#}"
    );
}

#[test]
fn a_well_kept_redis_passes_and_is_only_read() {
    let server = Redis::start(
        &[
            "--requirepass",
            REDIS_PASSWORD,
            "--appendonly",
            "yes",
            "--maxmemory",
            "64mb",
            "--maxmemory-policy",
            "noeviction",
        ],
        false,
    );
    let (mut monitor, log) = server.monitor(REDIS_PASSWORD);
    let project = project();
    let url = format!("redis://:{REDIS_PASSWORD}@127.0.0.1:{}/0", server.port);
    let (output, report) = run(&project, PACK, &[("REDIS_URL", url)], &[]);
    let _ = monitor.kill();
    let _ = monitor.wait();
    for id in [
        "redis-reachable",
        "redis-auth-required",
        "redis-persistent",
        "redis-memory-bounded",
        "redis-tls-when-public",
    ] {
        assert_eq!(
            status(&report, id),
            "pass",
            "{id}: {:#}",
            facts(&report, "redis")
        );
    }
    assert_eq!(status(&report, "db-tls"), "skip");
    assert_no_secret(&printed(&output, &[]));
    let commands = std::fs::read_to_string(log).expect("monitor log");
    let sent: Vec<&str> = commands.lines().filter(|l| l.contains('"')).collect();
    assert!(sent.len() >= 5, "{commands}");
    for line in sent {
        let command = line
            .split('"')
            .nth(1)
            .unwrap_or_default()
            .to_ascii_uppercase();
        assert!(
            ["PING", "INFO", "CONFIG", "AUTH", "SELECT"].contains(&command.as_str()),
            "gonogo sent {line}"
        );
        if command == "CONFIG" {
            assert!(line.to_ascii_uppercase().contains("\"GET\""), "{line}");
            assert!(
                !line.contains("requirepass") && !line.contains("masterauth"),
                "{line}"
            );
        }
    }
}

#[test]
fn a_neglected_redis_fails_each_item() {
    let server = Redis::start(
        &[
            "--appendonly",
            "no",
            "--maxmemory",
            "0",
            "--maxmemory-policy",
            "allkeys-lru",
        ],
        false,
    );
    let project = project();
    let url = format!("redis://127.0.0.1:{}", server.port);
    let (output, report) = run(&project, PACK, &[("REDIS_URL", url)], &[]);
    for (id, expected) in [
        ("redis-auth-required", "fail"),
        ("redis-persistent", "fail"),
        ("redis-memory-bounded", "fail"),
    ] {
        assert_eq!(
            status(&report, id),
            expected,
            "{id}: {:#}",
            facts(&report, "redis")
        );
    }
    let message = rule(&report, "redis-memory-bounded")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("bullmq") && message.contains("maxmemory 0"),
        "{message}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_managed_redis_that_refuses_config_is_judged_from_info_over_tls() {
    let server = Redis::start(
        &[
            "--requirepass",
            REDIS_PASSWORD,
            "--appendonly",
            "yes",
            "--maxmemory",
            "32mb",
            "--maxmemory-policy",
            "noeviction",
            "--rename-command",
            "CONFIG",
            "",
        ],
        true,
    );
    let project = project();
    let url = format!(
        "rediss://default:{REDIS_PASSWORD}@127.0.0.1:{}",
        server.port
    );
    let ca = server.certificates.ca.display().to_string();
    let (output, report) = run(
        &project,
        PACK,
        &[("REDIS_URL", url.clone())],
        &["--ca-bundle", &ca],
    );
    let redis = facts(&report, "redis");
    assert_eq!(redis["tls"], true, "{redis:#}");
    assert_eq!(
        redis["rdb"],
        serde_json::Value::Null,
        "CONFIG is refused: snapshots unknown"
    );
    assert_eq!(redis["aof"], true);
    for id in [
        "redis-auth-required",
        "redis-persistent",
        "redis-memory-bounded",
    ] {
        assert_eq!(status(&report, id), "pass", "{id}: {redis:#}");
    }
    assert_no_secret(&printed(&output, &[]));

    // Faults: a wrong password, a server that is not Redis, an endless answer.
    let wrong = format!(
        "rediss://default:Wrong-Passw0rd-zz@127.0.0.1:{}",
        server.port
    );
    let noise = format!(
        "redis://:{REDIS_PASSWORD}@127.0.0.1:{}",
        garbage_server(b"SSH-2.0-OpenSSH_9.2\r\n", false)
    );
    let endless = format!(
        "redis://:{REDIS_PASSWORD}@127.0.0.1:{}",
        garbage_server(b"$999999999999\r\nxxxxxxxxxxxxxxxx", true)
    );
    for url in [wrong, noise, endless] {
        let (output, report) = run(&project, PACK, &[("REDIS_URL", url)], &["--ca-bundle", &ca]);
        assert_eq!(
            status(&report, "redis-reachable"),
            "error",
            "{:#}",
            facts(&report, "redis")
        );
        assert_eq!(status(&report, "redis-auth-required"), "error");
        assert_ne!(output.status.code(), Some(0));
        assert_no_secret(&printed(&output, &[]));
    }
}

#[test]
fn a_recording_replays_without_the_datastores() {
    let postgres = Postgres::start(PgOptions {
        ssl: true,
        tls_only: false,
        timezone: "UTC",
    });
    seed(&postgres, &["20240101000000_init"], true);
    let redis = Redis::start(
        &["--requirepass", REDIS_PASSWORD, "--appendonly", "no"],
        false,
    );
    let project = project();
    let recordings = tempfile::tempdir().expect("temporary folder");
    let recording = recordings.path().join("datastores.recording.json");
    let vars = [
        (
            "DATABASE_URL",
            database_url(postgres.port, APP_PASSWORD, "sslmode=require"),
        ),
        (
            "REDIS_URL",
            format!("redis://:{REDIS_PASSWORD}@127.0.0.1:{}", redis.port),
        ),
    ];
    let record = recording.display().to_string();
    let (output, live) = run(&project, PACK, &vars, &["--record", &record]);
    assert_no_secret(&printed(&output, &[&recording]));
    drop(postgres);
    drop(redis);
    let (output, replayed) = run(&project, PACK, &[], &["--replay", &record]);
    assert_no_secret(&printed(&output, &[]));
    for id in [
        "db-migrations-applied",
        "db-tls",
        "db-refuses-plaintext",
        "redis-auth-required",
        "redis-persistent",
    ] {
        assert_ne!(status(&live, id), "skip", "{id}");
        assert_eq!(status(&replayed, id), status(&live, id), "{id}");
    }
    assert_eq!(facts(&replayed, "postgres"), facts(&live, "postgres"));
}

#[test]
fn without_the_switch_nothing_is_asked() {
    let project = project();
    let output = gonogo()
        .args(["check", "--format", "json", "--rerun", "--policy", PACK])
        .arg(project.path())
        .env(
            "DATABASE_URL",
            database_url(servers::free_port(), APP_PASSWORD, ""),
        )
        .output()
        .expect("runs");
    let report = json_report(&output);
    assert_eq!(status(&report, "db-tls"), "skip");
    assert_eq!(check_run(&report, "datastores")["facts"]["asked"], false);
    let skip = rule(&report, "db-tls")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(skip.contains("GONOGO_DATASTORES=1"), "{skip}");
}
