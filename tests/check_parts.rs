//! Parts of a check's run (`host.part`): each part runs in an instance of
//! its own that sees nothing of `run`'s memory, is reused on a later run
//! while what it read is unchanged and run again when it changed, and
//! cannot escape the check's limits (no probes, no parts of its own, the
//! check's memory limit, outcome limit and deadline, at most 1,000 parts).

mod common;

use common::{Project, check_run, commit_all, gonogo, hostile, json_report};
use serde_json::Value;

/// A pack with one `parts` check of the hostile component asking for the
/// parts `keys`, with `extra` YAML for its entry.
fn parts_pack(pack: &Project, attack: &str, keys: &[&str], extra: &str) -> std::path::PathBuf {
    let keys: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
    let check = common::pinned_check(
        "splits",
        &hostile(),
        &format!("{{ attack: {attack}, parts: [{}] }}", keys.join(", ")),
        extra,
    );
    pack.write(
        "gonogo.yaml",
        &format!(
            "name: parts\nchecks:\n{check}rules:\n  - id: ran\n    title: The check ran\n    severity: low\n    check: splits\n    expr: status != 'error'\n"
        ),
    )
}

/// A JSON run of `pack` over `project` with the cache folder `cache`:
/// the report and stderr.
fn run(
    project: &Project,
    pack: &std::path::Path,
    cache: &Project,
    args: &[&str],
) -> (Value, String) {
    let output = gonogo()
        .args(["check", "--format", "json", "--verbose", "--policy"])
        .arg(pack)
        .arg("--cache-dir")
        .arg(cache.path())
        .args(args)
        .arg(project.path())
        .output()
        .expect("runs");
    let report = json_report(&output);
    (report, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// What the part `key` reported (its facts, or `{"error": …}`).
fn part<'a>(report: &'a Value, key: &str) -> &'a Value {
    &check_run(report, "splits")["facts"]["parts"][key]
}

#[test]
fn a_part_is_reused_while_what_it_read_is_unchanged_and_run_again_when_it_changed() {
    let project = Project::new();
    project.write("a.txt", "first a\n");
    project.write("b.txt", "first b\n");
    commit_all(&project);
    let pack_dir = Project::new();
    let pack = parts_pack(
        &pack_dir,
        "parts",
        &["read:a.txt", "read:b.txt", "seen"],
        "",
    );
    let cache = Project::new();

    let (first, stderr) = run(&project, &pack, &cache, &[]);
    let splits = check_run(&first, "splits");
    // The parts' `part-read` warnings are the check's.
    assert_eq!(splits["status"], "warn", "{splits}");
    assert_eq!(part(&first, "read:a.txt")["text"], "first a\n");
    assert_eq!(part(&first, "read:b.txt")["text"], "first b\n");
    // `run` set 42 in its memory before asking: a part runs in an instance
    // of its own and never sees it.
    assert_eq!(part(&first, "seen")["seen"], 0);
    for key in ["read:a.txt", "read:b.txt", "seen"] {
        assert!(stderr.contains(&format!("part `{key}` ran in")), "{stderr}");
    }
    // A part's findings and log lines are the check's.
    let findings = splits["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["id"] == "part-read" && f["location"]["path"] == "b.txt"),
        "{splits}"
    );
    let logs = splits["logs"].to_string();
    assert!(logs.contains("part reads a.txt"), "{logs}");

    // Nothing changed: the whole outcome is reused.
    let (second, stderr) = run(&project, &pack, &cache, &[]);
    assert_eq!(check_run(&second, "splits")["reused"], true, "{stderr}");

    // `b.txt` changed: the check runs, the part that read `a.txt` is reused
    // (log line included), the one that read `b.txt` runs again.
    project.write("b.txt", "second b\n");
    let (third, stderr) = run(&project, &pack, &cache, &[]);
    assert_ne!(check_run(&third, "splits")["reused"], true);
    assert!(stderr.contains("part `read:a.txt` reused"), "{stderr}");
    assert!(stderr.contains("part `seen` reused"), "{stderr}");
    assert!(stderr.contains("part `read:b.txt` ran in"), "{stderr}");
    assert_eq!(part(&third, "read:a.txt")["text"], "first a\n");
    assert_eq!(part(&third, "read:b.txt")["text"], "second b\n");
    let logs = check_run(&third, "splits")["logs"].to_string();
    assert!(logs.contains("part reads a.txt"), "{logs}");

    // What the parts read is the check's trace too: editing what only a
    // reused part read still runs the check again.
    project.write("a.txt", "second a\n");
    let (fourth, stderr) = run(&project, &pack, &cache, &[]);
    assert_ne!(check_run(&fourth, "splits")["reused"], true, "{stderr}");
    assert_eq!(part(&fourth, "read:a.txt")["text"], "second a\n");

    // `--rerun` reuses no part either; `--no-cache` stores none.
    let (_, stderr) = run(&project, &pack, &cache, &["--rerun"]);
    assert!(!stderr.contains("reused"), "{stderr}");
    let fresh = Project::new();
    run(&project, &pack, &fresh, &["--no-cache"]);
    let (_, stderr) = run(&project, &pack, &fresh, &[]);
    assert!(stderr.contains("part `seen` ran in"), "{stderr}");
}

#[test]
fn a_hostile_part_stays_within_the_check_s_limits() {
    let project = Project::new();
    project.write("inside.txt", "inside\n");
    commit_all(&project);
    let pack_dir = Project::new();
    let pack = parts_pack(
        &pack_dir,
        "parts",
        &[
            "ask-part", "probe", "memory", "huge", "err", "panic", "clock",
        ],
        "    grants:\n      hosts: [127.0.0.1]\n    limits:\n      memory_mb: 64\n",
    );
    let cache = Project::new();
    let (report, stderr) = run(&project, &pack, &cache, &[]);
    let splits = check_run(&report, "splits");
    assert_eq!(
        splits["status"], "pass",
        "the check itself goes on: {splits}"
    );
    assert_eq!(
        part(&report, "ask-part")["nested"],
        "a part cannot ask for parts of its own"
    );
    // The check may probe 127.0.0.1; its parts may not.
    let probe = part(&report, "probe")["probe"].as_str().expect("answer");
    assert!(probe.starts_with("not-granted"), "{probe}");
    let error = |key: &str| {
        part(&report, key)["error"]
            .as_str()
            .unwrap_or_else(|| panic!("part `{key}` did not fail: {splits}"))
            .to_owned()
    };
    assert!(
        error("memory").contains("memory limit of 64 MiB"),
        "{}",
        error("memory")
    );
    assert!(error("huge").contains("outcome limit"), "{}", error("huge"));
    assert!(error("err").contains("hostile part gives up on purpose"));
    assert!(error("panic").contains("trapped"), "{}", error("panic"));
    assert!(part(&report, "clock")["now_s"].as_u64().is_some());
    // Failed parts, a clock: neither the check nor those parts are stored.
    assert!(
        stderr.contains("check `splits`: its outcome is not stored for reuse"),
        "{stderr}"
    );
    assert!(
        stderr.contains("part `clock` is not stored for reuse, since it read a clock"),
        "{stderr}"
    );
}

#[test]
fn a_part_finds_nothing_another_instance_left_in_memory() {
    // Each instance gets memory of its own, zeroed: what one part left in
    // memory is gone for the next, whether it ran before (one by one) or
    // runs at the same time (one call).
    for attack in ["parts-one-by-one", "parts"] {
        let project = Project::new();
        project.write("a.txt", "a\n");
        let pack_dir = Project::new();
        let pack = parts_pack(&pack_dir, attack, &["plant", "scan"], "");
        let (report, _) = run(&project, &pack, &Project::new(), &["--no-cache"]);
        assert_eq!(part(&report, "plant")["planted"], 8 << 20, "{report}");
        assert_eq!(part(&report, "plant")["seen_by_own_scan"], true, "{report}");
        assert_eq!(part(&report, "scan")["found"], false, "{report}");
    }
}

#[test]
fn a_part_that_spins_uses_up_the_check_s_deadline() {
    let project = Project::new();
    project.write("a.txt", "a\n");
    let pack_dir = Project::new();
    let pack = parts_pack(
        &pack_dir,
        "parts",
        &["spin", "seen"],
        "    limits:\n      timeout_ms: 500\n",
    );
    let (report, _) = run(&project, &pack, &Project::new(), &[]);
    let splits = check_run(&report, "splits");
    assert_eq!(splits["status"], "error", "{splits}");
    let error = splits["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("exceeded its deadline of 500 ms (`limits.timeout_ms`)"),
        "{error}"
    );
}

#[test]
fn a_run_may_ask_for_a_thousand_parts_and_no_more() {
    let project = Project::new();
    project.write("a.txt", "a\n");
    let pack_dir = Project::new();
    let pack = parts_pack(&pack_dir, "many-parts", &[], "");
    let cache = Project::new();
    let (report, _) = run(&project, &pack, &cache, &[]);
    assert_eq!(
        check_run(&report, "splits")["facts"]["refused"],
        "a run may ask for at most 1000 parts",
        "{report}"
    );
}

#[test]
fn a_monorepo_service_whose_files_changed_is_the_only_one_followed_again() {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name": "mono", "private": true, "workspaces": ["apps/*"]}"#,
    );
    for service in ["orders", "billing"] {
        project.write(
            &format!("apps/{service}/package.json"),
            &format!(
                r#"{{"name": "{service}", "scripts": {{"start": "node src/main.js"}}, "dependencies": {{"express": "^4.19.0"}}, "devDependencies": {{"nodemon": "^3.0.0"}}}}"#
            ),
        );
        project.write(
            &format!("apps/{service}/src/main.js"),
            "const express = require('express');\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.listen(3000);\n",
        );
    }
    commit_all(&project);
    let cache = Project::new();
    let pack = common::repo().join("policies/production-readiness");
    let (first, _) = run(&project, &pack, &cache, &[]);
    // `billing` now uses a devDependency at run time, and helmet.
    project.write(
        "apps/billing/src/main.js",
        "const express = require('express');\nconst nodemon = require('nodemon');\nconst helmet = require('helmet');\nconst app = express();\napp.use(helmet());\napp.get('/health', (req, res) => res.send('ok'));\napp.listen(3000);\n",
    );
    let (second, stderr) = run(&project, &pack, &cache, &[]);
    for check in ["node", "deps"] {
        assert!(
            stderr.contains(&format!("check `{check}`: part `apps/orders` reused")),
            "{check}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("check `{check}`: part `apps/billing` ran in")),
            "{check}: {stderr}"
        );
    }
    // What the rerun part found is in the outcome, and what the reused one
    // found is still there.
    let services = |report: &Value| check_run(report, "node")["facts"]["services"].clone();
    let headers = |report: &Value, dir: &str| {
        services(report)
            .as_array()
            .expect("services")
            .iter()
            .find(|s| s["dir"] == dir)
            .map(|s| s["security_headers"]["present"].clone())
    };
    assert_eq!(headers(&first, "apps/billing"), Some(Value::Bool(false)));
    assert_eq!(headers(&second, "apps/billing"), Some(Value::Bool(true)));
    assert_eq!(headers(&second, "apps/orders"), Some(Value::Bool(false)));
    let dev = &check_run(&second, "deps")["facts"]["dev_dependencies_at_runtime"];
    assert_eq!(dev[0]["service"], "apps/billing", "{dev}");
    assert_eq!(dev[0]["package"], "nodemon", "{dev}");
    // The same outcome as a run that reuses nothing.
    let (fresh, _) = run(&project, &pack, &Project::new(), &["--no-cache"]);
    for check in ["node", "deps"] {
        assert_eq!(
            check_run(&second, check)["facts"],
            check_run(&fresh, check)["facts"],
            "{check}"
        );
        assert_eq!(
            check_run(&second, check)["findings"],
            check_run(&fresh, check)["findings"],
            "{check}"
        );
    }
}

#[test]
fn secrets_scans_again_only_the_folders_whose_files_changed() {
    // Two folders large enough to be parts of `secrets`' run, and files
    // at the top that `run` scans itself.
    let project = Project::new();
    let token = format!("{}{}", "sk_live_", "4eC39HqLyjWDarjtT1zdp7dc");
    for folder in ["api", "web"] {
        for i in 0..120 {
            project.write(&format!("{folder}/m{i}.ts"), "export const x = 1;\n");
        }
    }
    project.write("api/m7.ts", &format!("const key = '{token}';\n"));
    project.write(
        "config.json",
        "{\n  \"jwtSecret\": \"k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH\"\n}\n",
    );
    commit_all(&project);
    let pack = common::repo().join("bench/packs/secrets");
    let cache = Project::new();
    let (first, stderr) = run(&project, &pack, &cache, &[]);
    for folder in ["api", "web"] {
        assert!(
            stderr.contains(&format!("check `secrets`: part `{folder}` ran in")),
            "{stderr}"
        );
    }
    let found = |report: &Value| check_run(report, "secrets")["facts"]["found"].clone();
    assert_eq!(
        found(&first),
        serde_json::json!([
            {"path": "api/m7.ts", "line": 1, "kind": "stripe-live-key"},
            {"path": "config.json", "line": 2, "kind": "secret-assignment"},
        ])
    );
    assert_eq!(check_run(&first, "secrets")["facts"]["files_scanned"], 241);

    // A token lands in `web`, and a file is added at the top: `api`
    // (which lists its own folder alone) is reused, `web` runs again.
    project.write("web/m3.ts", &format!("const key = '{token}';\n"));
    project.write("notes.md", "notes\n");
    let (second, stderr) = run(&project, &pack, &cache, &[]);
    assert!(
        stderr.contains("check `secrets`: part `api` reused"),
        "{stderr}"
    );
    assert!(
        stderr.contains("check `secrets`: part `web` ran in"),
        "{stderr}"
    );
    // In path order, as from one pass.
    assert_eq!(
        found(&second),
        serde_json::json!([
            {"path": "api/m7.ts", "line": 1, "kind": "stripe-live-key"},
            {"path": "config.json", "line": 2, "kind": "secret-assignment"},
            {"path": "web/m3.ts", "line": 1, "kind": "stripe-live-key"},
        ])
    );
    // A file added to `api` runs that part again.
    project.write("api/new.ts", "export const y = 2;\n");
    let (third, stderr) = run(&project, &pack, &cache, &[]);
    assert!(
        stderr.contains("check `secrets`: part `api` ran in"),
        "{stderr}"
    );
    assert!(
        stderr.contains("check `secrets`: part `web` reused"),
        "{stderr}"
    );
    // The same outcome, in the same order, as a run that reuses nothing.
    let (fresh, _) = run(&project, &pack, &Project::new(), &["--no-cache"]);
    let secrets = |report: &Value| {
        let run = check_run(report, "secrets");
        (run["facts"].clone(), run["findings"].clone())
    };
    assert_eq!(secrets(&third), secrets(&fresh));
    assert_eq!(check_run(&third, "secrets")["facts"]["files_scanned"], 243);
}
