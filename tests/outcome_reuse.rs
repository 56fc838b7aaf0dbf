//! Reusing outcomes across runs: a check whose every input is unchanged is
//! not run again and decides the same; any change to what it read (a file,
//! the listing, a gitignore or on-disk answer, a public variable, its
//! configuration) runs it again; an outcome that could depend on something outside what
//! the host saw (a clock, WASI file access, a probe, a secret) is never
//! stored.

mod common;

use common::{Project, check_run, commit_all, fixture_project, gonogo, hostile, json_report};
use serde_json::Value;

/// A pack with one `inputs` check of the hostile component, configured by
/// `with`, and `extra` YAML for its entry.
fn inputs_pack(pack: &Project, attack: &str, with: &str, extra: &str) -> std::path::PathBuf {
    let check = common::pinned_check(
        "probe_me",
        &hostile(),
        &format!("{{ attack: {attack}{with} }}"),
        extra,
    );
    pack.write(
        "gonogo.yaml",
        &format!(
            "name: reuse\nchecks:\n{check}rules:\n  - id: ran\n    title: The check ran\n    severity: low\n    check: probe_me\n    expr: status != 'error'\n"
        ),
    )
}

/// A JSON run of `pack` over `project` with the cache folder `cache`.
fn run(
    project: &Project,
    pack: &std::path::Path,
    cache: &Project,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (Value, String) {
    let mut command = gonogo();
    command
        .args(["check", "--format", "json", "--verbose", "--policy"])
        .arg(pack)
        .arg("--cache-dir")
        .arg(cache.path())
        .args(args)
        .arg(project.path());
    for (name, value) in envs {
        command.env(name, value);
    }
    let output = command.output().expect("runs");
    let report = json_report(&output);
    (report, String::from_utf8_lossy(&output.stderr).into_owned())
}

fn reused(report: &Value, check: &str) -> bool {
    check_run(report, check)["reused"] == true
}

#[test]
fn an_unchanged_project_reuses_outcomes_and_decides_the_same() {
    let project = fixture_project("examples/shop-api-misconfigured");
    commit_all(&project);
    let cache = Project::new();
    let pack = common::repo().join("policies/production-readiness");
    let pack = pack.as_path();
    let (first, _) = run(&project, pack, &cache, &[], &[]);
    let (second, stderr) = run(&project, pack, &cache, &[], &[]);
    // A reused check loads no component.
    assert!(!stderr.contains("`builtin:node` loaded"), "{stderr}");
    assert!(!stderr.contains("`builtin:node` compiled"), "{stderr}");
    for check in ["secrets", "node", "docs", "ci", "deps", "prisma"] {
        assert!(!reused(&first, check), "{check} had nothing to reuse");
        assert!(reused(&second, check), "{check} was run again: {stderr}");
        assert!(
            stderr.contains(&format!("check `{check}` reused its stored outcome")),
            "{stderr}"
        );
    }
    let strip = |mut report: Value| {
        for run in report["checks"].as_array_mut().expect("checks") {
            run.as_object_mut().expect("run").remove("reused");
        }
        report
    };
    assert_eq!(
        strip(first.clone())["checks"],
        strip(second.clone())["checks"]
    );
    assert_eq!(first["rules"], second["rules"]);
    assert_eq!(first["decision"], second["decision"]);
    assert_eq!(
        first["decision"]["go"], false,
        "the fixture is misconfigured"
    );

    let human = gonogo()
        .args(["check", "--verbose", "--policy"])
        .arg(pack)
        .arg("--cache-dir")
        .arg(cache.path())
        .arg(project.path())
        .output()
        .expect("runs");
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.lines().any(|l| l.contains("node (builtin:node")
            && l.ends_with("(reused: nothing it read has changed)")),
        "{human}"
    );

    // A leaked key in a file `secrets` reads: it runs again and finds it.
    let before = check_run(&second, "secrets")["findings"].clone();
    project.write(
        "src/config.js",
        "module.exports = { stripe: 'sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456789' };\n",
    );
    common::git(&project, &["add", "-A"]);
    let (third, _) = run(&project, pack, &cache, &[], &[]);
    assert!(!reused(&third, "secrets"));
    assert_ne!(check_run(&third, "secrets")["findings"], before);
    let (fourth, _) = run(&project, pack, &cache, &["--rerun"], &[]);
    for check in ["secrets", "node", "docs", "ci"] {
        assert!(!reused(&fourth, check), "--rerun runs `{check}`");
    }
}

#[test]
fn a_changed_input_runs_the_check_again() {
    let project = Project::new();
    project.write("a.txt", "first\n");
    project.write(".gitignore", "build/\n");
    commit_all(&project);
    let pack = Project::new();
    let cache = Project::new();
    let read_a = |pack_path: &std::path::Path, envs: &[(&str, &str)]| {
        let (report, stderr) = run(&project, pack_path, &cache, &[], envs);
        let run = check_run(&report, "probe_me").clone();
        assert_eq!(run["error"], Value::Null, "{run:#}\n{stderr}");
        run
    };
    let file = inputs_pack(&pack, "inputs", ", read: [a.txt]", "");
    assert_eq!(read_a(&file, &[])["facts"]["read"]["a.txt"], "first\n");
    assert!(read_a(&file, &[])["reused"] == true);
    // The content changes; the size and the listing do not.
    project.write("a.txt", "later\n");
    let changed = read_a(&file, &[]);
    assert!(changed["reused"] != true);
    assert_eq!(changed["facts"]["read"]["a.txt"], "later\n");
    // A file it did not read, and the listing it did not ask for.
    project.write("b.txt", "unrelated\n");
    assert!(read_a(&file, &[])["reused"] == true);

    let listing = inputs_pack(&pack, "inputs", ", list: true", "");
    assert_eq!(read_a(&listing, &[])["facts"]["listed"], 3);
    assert!(read_a(&listing, &[])["reused"] == true);
    project.write("c.txt", "new\n");
    let listed = read_a(&listing, &[]);
    assert!(listed["reused"] != true);
    assert_eq!(listed["facts"]["listed"], 4);

    let ignored = inputs_pack(&pack, "inputs", ", ask_ignored: [dist/]", "");
    assert_eq!(
        read_a(&ignored, &[])["facts"]["ignored"],
        serde_json::json!([false])
    );
    assert!(read_a(&ignored, &[])["reused"] == true);
    project.write(".gitignore", "build/\ndist/\n");
    assert_eq!(
        read_a(&ignored, &[])["facts"]["ignored"],
        serde_json::json!([true])
    );

    // A public variable's value is part of what the check is given.
    let public = inputs_pack(
        &pack,
        "inputs",
        ", read: [a.txt]",
        "    grants:\n      public_env: [GONOGO_TEST_PUBLIC]\n",
    );
    read_a(&public, &[("GONOGO_TEST_PUBLIC", "one")]);
    assert!(read_a(&public, &[("GONOGO_TEST_PUBLIC", "one")])["reused"] == true);
    assert!(read_a(&public, &[("GONOGO_TEST_PUBLIC", "two")])["reused"] != true);
    // So is its configuration.
    let other = inputs_pack(&pack, "inputs", ", read: [a.txt, b.txt]", "");
    assert!(read_a(&other, &[])["reused"] != true);
}

#[test]
fn the_gitignore_answers_of_stored_outcomes_are_asked_once_for_all_checks() {
    let project = Project::new();
    project.write(".gitignore", "build/\n");
    commit_all(&project);
    let pack = Project::new();
    let cache = Project::new();
    let checks: String = [("first", "[dist/, build/]"), ("second", "[build/, .env]")]
        .iter()
        .map(|(name, paths)| {
            common::pinned_check(
                name,
                &hostile(),
                &format!("{{ attack: inputs, ask_ignored: {paths} }}"),
                "",
            )
        })
        .collect();
    let file = pack.write(
        "gonogo.yaml",
        &format!(
            "name: reuse\nchecks:\n{checks}rules:\n  - id: ran\n    title: The checks ran\n    severity: low\n    check: first\n    expr: status != 'error'\n"
        ),
    );
    let answers = |report: &Value| {
        ["first", "second"].map(|check| check_run(report, check)["facts"]["ignored"].clone())
    };
    let (first, stderr) = run(&project, &file, &cache, &[], &[]);
    assert!(!stderr.contains("asked of git at once"), "{stderr}");
    let (second, stderr) = run(&project, &file, &cache, &[], &[]);
    assert!(reused(&second, "first") && reused(&second, "second"));
    assert_eq!(answers(&second), answers(&first));
    // `dist/`, `build/` and `.env`: each path once, for both checks.
    assert!(
        stderr.contains("gonogo: 3 gitignore question(s) of stored outcomes asked of git at once"),
        "{stderr}"
    );
    project.write(".gitignore", "dist/\n");
    let (changed, _) = run(&project, &file, &cache, &[], &[]);
    assert!(!reused(&changed, "first") && !reused(&changed, "second"));
    assert_eq!(
        answers(&changed),
        [
            serde_json::json!([true, false]),
            serde_json::json!([false, false])
        ]
    );
    let (_, stderr) = run(&project, &file, &cache, &["--rerun"], &[]);
    assert!(!stderr.contains("asked of git at once"), "{stderr}");
}

#[test]
fn a_reused_outcome_leaves_the_duration_of_the_check_s_last_run_on_record() {
    let project = Project::new();
    project.write("a.txt", "first\n");
    commit_all(&project);
    let pack = Project::new();
    let cache = Project::new();
    let file = inputs_pack(&pack, "inputs", ", read: [a.txt]", "");
    run(&project, &file, &cache, &[], &[]);
    // Checks start longest first by this record: say the check is long.
    let record = cache.path().join("durations.json");
    let recorded = || -> serde_json::Map<String, Value> {
        serde_json::from_slice(&std::fs::read(&record).expect("recorded")).expect("JSON")
    };
    let mut durations = recorded();
    assert_eq!(durations.len(), 1);
    durations.values_mut().for_each(|ms| *ms = 4321.into());
    std::fs::write(&record, serde_json::to_vec(&durations).expect("JSON")).expect("write");
    let (report, _) = run(&project, &file, &cache, &[], &[]);
    assert!(reused(&report, "probe_me"));
    assert_eq!(
        recorded(),
        durations,
        "the reused run left the record as it was"
    );
    // A run that does run the check records what it took.
    run(&project, &file, &cache, &["--rerun"], &[]);
    assert_ne!(recorded(), durations);
}

#[test]
fn outcomes_that_could_depend_on_more_than_the_project_are_never_reused() {
    let project = Project::new();
    project.write("inside.txt", "inside\n");
    let pack = Project::new();
    let cache = Project::new();
    let secret = "    grants:\n      env: [GONOGO_TEST_SECRET]\n";
    for (attack, extra, envs, why) in [
        ("wall-clock", "", &[][..], "it read a clock"),
        ("monotonic-clock", "", &[][..], "it read a clock"),
        (
            "escape-fs",
            "",
            &[][..],
            "it opened the project through WASI",
        ),
        (
            "probe",
            "    grants:\n      hosts: [127.0.0.1]\n",
            &[][..],
            "it made a probe call",
        ),
        (
            "inputs",
            secret,
            &[("GONOGO_TEST_SECRET", "s3cret-value-1234")][..],
            "a secret variable granted to it is set",
        ),
    ] {
        let with = if attack == "probe" {
            ", urls: ['http://127.0.0.1:9/']"
        } else {
            ""
        };
        let file = inputs_pack(&pack, attack, with, extra);
        for _ in 0..2 {
            let (report, stderr) = run(&project, &file, &cache, &[], envs);
            assert!(!reused(&report, "probe_me"), "{attack}: {stderr}");
            assert!(stderr.contains(why), "{attack}: {stderr}");
            assert!(!stderr.contains("s3cret-value-1234"));
        }
    }
    // Not one of these outcomes was stored, and no file of the cache holds
    // the secret.
    assert!(!cache.path().join("outcomes").exists());
    for entry in std::fs::read_dir(cache.path()).expect("cache written") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("readable");
        let secret: &[u8] = b"s3cret-value-1234";
        assert!(!bytes.windows(secret.len()).any(|w| w == secret));
    }
}

#[test]
fn a_look_on_disk_asked_of_the_host_is_reused_until_its_answer_changes() {
    let project = Project::new();
    project.write(
        "Dockerfile",
        "FROM node:20\nCOPY package.json ./\nCOPY dist ./dist\nUSER node\nCMD [\"node\", \"dist/main.js\"]\n",
    );
    project.write("package.json", "{}\n");
    project.write(".gitignore", "dist/\n");
    commit_all(&project);
    let pack = Project::new();
    let file = pack.write(
        "gonogo.yaml",
        "name: docker\nchecks:\n  docker: { use: builtin:docker }\nrules:\n  - id: copied\n    title: COPY sources exist\n    severity: high\n    check: docker\n    expr: \"!findings.exists(f, f.id == 'copy-missing-path')\"\n",
    );
    let cache = Project::new();
    // `dist` is build output git ignores: no need to look on disk.
    let (first, _) = run(&project, &file, &cache, &[], &[]);
    assert_eq!(first["decision"]["go"], true, "{first:#}");
    let (second, stderr) = run(&project, &file, &cache, &[], &[]);
    assert!(reused(&second, "docker"), "{stderr}");
    // Not ignored any more, and not on disk: the finding rests on a look,
    // asked of the host, which notes the answer.
    project.write(".gitignore", "node_modules/\n");
    let (missing, _) = run(&project, &file, &cache, &[], &[]);
    assert_eq!(missing["decision"]["go"], false, "{missing:#}");
    assert!(!reused(&missing, "docker"));
    let (again, stderr) = run(&project, &file, &cache, &[], &[]);
    assert_eq!(again["decision"]["go"], false, "{again:#}");
    assert!(reused(&again, "docker"), "{stderr}");
    assert!(!stderr.contains("through WASI"), "{stderr}");
    // Built: on disk, though git lists nothing in it (all its files
    // ignored). The listing and the gitignore answers are as before: only
    // the look on disk tells.
    project.write("dist/main.js.map", "{}\n");
    project.write(".gitignore", "*.map\n");
    let (built, _) = run(&project, &file, &cache, &[], &[]);
    assert_eq!(built["decision"]["go"], true, "{built:#}");
    assert!(!reused(&built, "docker"));
    // Removed again: the stored answer no longer holds.
    std::fs::remove_dir_all(project.path().join("dist")).expect("removed");
    let (removed, _) = run(&project, &file, &cache, &[], &[]);
    assert_eq!(removed["decision"]["go"], false, "{removed:#}");
    assert!(!reused(&removed, "docker"));
}

#[cfg(unix)]
#[test]
fn present_answers_about_the_project_only_and_reruns_when_they_change() {
    let project = Project::new();
    project.write("inside.txt", "inside\n");
    project.write("sub/file.txt", "in a folder\n");
    let outside = Project::new();
    outside.write("secret.txt", "outside\n");
    std::os::unix::fs::symlink(outside.path(), project.path().join("link-out")).expect("symlink");
    std::os::unix::fs::symlink("/etc/passwd", project.path().join("link-to-passwd"))
        .expect("symlink");
    let pack = Project::new();
    let cache = Project::new();
    let asked = [
        ("inside.txt", true),
        ("missing.txt", false),
        ("sub/", true),
        ("inside.txt/", false),
        ("link-out", true),
        ("link-out/", false),
        ("link-out/secret.txt", false),
        ("link-to-passwd", true),
        ("../outside", false),
        ("sub/../inside.txt", false),
        ("/etc/passwd", false),
        ("", false),
    ];
    let paths: Vec<String> = asked.iter().map(|(p, _)| format!("'{p}'")).collect();
    let with = format!(", ask_present: [{}]", paths.join(", "));
    let file = inputs_pack(&pack, "inputs", &with, "");
    let expected: Vec<bool> = asked.iter().map(|(_, present)| *present).collect();
    let (first, stderr) = run(&project, &file, &cache, &[], &[]);
    let facts = &check_run(&first, "probe_me")["facts"];
    assert_eq!(facts["present"], serde_json::json!(expected), "{stderr}");
    let (second, _) = run(&project, &file, &cache, &[], &[]);
    assert!(reused(&second, "probe_me"));
    std::fs::remove_file(project.path().join("inside.txt")).expect("removed");
    let (third, _) = run(&project, &file, &cache, &[], &[]);
    assert!(!reused(&third, "probe_me"));
    assert_eq!(check_run(&third, "probe_me")["facts"]["present"][0], false);
}

#[test]
fn without_a_cache_nothing_is_stored() {
    let project = Project::new();
    project.write("a.txt", "first\n");
    let pack = Project::new();
    let cache = Project::new();
    let file = inputs_pack(&pack, "inputs", ", read: [a.txt]", "");
    for _ in 0..2 {
        let (report, _) = run(&project, &file, &cache, &["--no-cache"], &[]);
        assert!(!reused(&report, "probe_me"));
    }
    assert!(!cache.path().join("outcomes").exists());
}

#[test]
fn outcomes_no_run_used_for_a_month_are_swept_and_a_reused_one_is_kept() {
    let project = fixture_project("examples/shop-api-misconfigured");
    commit_all(&project);
    let cache = Project::new();
    let pack = common::repo().join("policies/production-readiness");
    run(&project, &pack, &cache, &[], &[]);
    let outcomes = cache.path().join("outcomes");
    let entries = || -> Vec<std::path::PathBuf> {
        let mut entries: Vec<_> = std::fs::read_dir(&outcomes)
            .expect("outcomes")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "outcome"))
            .collect();
        entries.sort();
        entries
    };
    let stored = entries();
    assert!(!stored.is_empty());
    // Every entry last used two months ago, a stale one of an old build,
    // and the last sweep two days ago.
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60 * 86_400);
    let age = |path: &std::path::Path, when: std::time::SystemTime| {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(when))
            .expect("set mtime");
    };
    let stale = outcomes.join(format!("{}.outcome", "0".repeat(64)));
    std::fs::write(&stale, b"an entry of another build").expect("write");
    for entry in stored.iter().chain([&stale]) {
        age(entry, long_ago);
    }
    age(
        &outcomes.join("swept"),
        std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400),
    );
    let (second, stderr) = run(&project, &pack, &cache, &[], &[]);
    assert!(reused(&second, "node"), "{stderr}");
    // The reused entries are used now, and stay; the stale one is gone.
    assert!(!stale.exists());
    assert_eq!(entries(), stored);
}
