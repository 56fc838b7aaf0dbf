//! Signed attestations end to end: `gonogo keygen`, `gonogo attest`, and
//! rules that require them, with tampered, untrusted, wrongly-roled and
//! stale attestations rejected with the file and the reason.

mod common;

use base64::Engine as _;
use common::{Project, git, gonogo, json_report, rule};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// Keys made with `gonogo keygen` in a folder outside the project.
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new(names: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in names {
            let output = gonogo()
                .args(["keygen", name, "--dir"])
                .arg(dir.path())
                .output()
                .expect("runs");
            assert_eq!(output.status.code(), Some(0), "{output:?}");
        }
        Keys { dir }
    }

    fn private(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.key"))
    }

    fn public(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.pub")))
            .expect("public key")
            .trim()
            .to_owned()
    }
}

/// A git project whose pack trusts alice for `sre` and bob for `security`.
fn project(keys: &Keys) -> Project {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        &format!(
            "name: manual\ntrust:\n  roles:\n    sre: [\"{}\"]\n    security: [\"{}\"]\nrules:\n\
             \x20 - id: restore-drill\n    title: A backup was restored in a drill\n    severity: high\n    attestation: {{ roles: [sre], max_age_days: 90 }}\n\
             \x20 - id: security-signoff\n    title: Security signs off this release\n    severity: critical\n    attestation: {{ roles: [security], same_commit: true }}\n\
             \x20 - id: launch-signoff\n    title: Two people sign off the launch\n    severity: high\n    attestation: {{ roles: [sre, security], signers: 2 }}\n",
            keys.public("alice"),
            keys.public("bob"),
        ),
    );
    git(&project, &["init", "-q", "-b", "main"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-qm", "first"]);
    project
}

fn attest(project: &Project, keys: &Keys, rule: &str, role: &str, signer: &str) -> PathBuf {
    let output = gonogo()
        .args([
            "attest",
            rule,
            "--role",
            role,
            "--note",
            "done in staging",
            "--key",
        ])
        .arg(keys.private(signer))
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let path = stdout
        .trim()
        .rsplit(": ")
        .next()
        .expect("the file is printed");
    PathBuf::from(path)
}

fn check(project: &Project) -> serde_json::Value {
    json_report(
        &gonogo()
            .args(["check", "--format", "json"])
            .arg(project.path())
            .output()
            .expect("runs"),
    )
}

fn status_and_message(report: &serde_json::Value, id: &str) -> (String, String) {
    let rule = rule(report, id);
    (
        rule["status"].as_str().unwrap_or_default().to_owned(),
        rule["message"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn without_attestations_the_manual_rules_fail_and_say_how_to_attest() {
    let keys = Keys::new(&["alice", "bob"]);
    let project = project(&keys);
    let report = check(&project);
    assert_eq!(report["decision"]["verdict"], "no-go");
    let (status, message) = status_and_message(&report, "restore-drill");
    assert_eq!(
        (status.as_str(), message.as_str()),
        ("fail", "0 of 1 signer (sre) attest it")
    );
    let fix = rule(&report, "restore-drill")["remediation"]
        .as_str()
        .unwrap_or_default();
    assert!(
        fix.contains("gonogo attest restore-drill --role <role>"),
        "{fix}"
    );
}

#[test]
fn trusted_signers_of_the_right_roles_make_the_rules_pass() {
    let keys = Keys::new(&["alice", "bob"]);
    let project = project(&keys);
    attest(&project, &keys, "restore-drill", "sre", "alice");
    attest(&project, &keys, "security-signoff", "security", "bob");
    attest(&project, &keys, "launch-signoff", "sre", "alice");
    let report = check(&project);
    assert_eq!(rule(&report, "restore-drill")["status"], "pass");
    assert_eq!(rule(&report, "security-signoff")["status"], "pass");
    let (status, message) = status_and_message(&report, "launch-signoff");
    assert_eq!(
        (status.as_str(), message.as_str()),
        ("fail", "1 of 2 signers (sre or security) attest it")
    );
    attest(&project, &keys, "launch-signoff", "security", "bob");
    let report = check(&project);
    assert_eq!(rule(&report, "launch-signoff")["status"], "pass");
    assert_eq!(report["decision"]["verdict"], "go");
}

/// Rewrites the statement inside an envelope, keeping its signature.
fn tamper(file: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
    let payload = b64
        .decode(envelope["payload"].as_str().expect("payload"))
        .expect("base64");
    let mut statement: serde_json::Value = serde_json::from_slice(&payload).expect("statement");
    edit(&mut statement);
    envelope["payload"] = b64
        .encode(serde_json::to_vec(&statement).expect("json"))
        .into();
    std::fs::write(file, serde_json::to_string(&envelope).expect("json")).expect("write");
}

#[test]
fn tampered_untrusted_and_wrongly_roled_attestations_do_not_count() {
    let keys = Keys::new(&["alice", "bob", "mallory"]);
    let project = project(&keys);
    // A changed payload: the note rewritten after signing.
    let changed = attest(&project, &keys, "restore-drill", "sre", "alice");
    tamper(&changed, |s| {
        s["predicate"]["note"] = "something else".into()
    });
    // A key the pack does not trust.
    attest(&project, &keys, "restore-drill", "sre", "mallory");
    // A trusted key signing as a role it is not trusted for.
    attest(&project, &keys, "restore-drill", "sre", "bob");
    // A swapped key id: alice's signature presented as bob's.
    let swapped = attest(&project, &keys, "security-signoff", "security", "alice");
    let bob_id = bob_key_id(&keys);
    let mut envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&swapped).expect("read")).expect("json");
    envelope["signatures"][0]["keyid"] = bob_id.clone().into();
    std::fs::write(&swapped, envelope.to_string()).expect("write");

    let report = check(&project);
    let (status, message) = status_and_message(&report, "restore-drill");
    assert_eq!(status, "fail", "{message}");
    assert!(
        message.starts_with("0 of 1 signer (sre) attest it; not counted: "),
        "{message}"
    );
    let changed_name = changed.file_name().unwrap().to_string_lossy().into_owned();
    for expected in [
        format!("{changed_name}: bad signature by key"),
        "is not trusted by the pack for role `sre`".to_owned(),
        format!("untrusted key: key {bob_id} is trusted for role `security`, not `sre`"),
    ] {
        assert!(
            message.contains(&expected),
            "missing `{expected}` in {message}"
        );
    }
    let (status, message) = status_and_message(&report, "security-signoff");
    assert_eq!(status, "fail");
    assert!(
        message.contains(&format!("bad signature by key {bob_id}")),
        "{message}"
    );
}

fn bob_key_id(keys: &Keys) -> String {
    // The key id is the first 16 hex digits of sha256 of the raw public key.
    let public = keys.public("bob");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(public.trim_start_matches("ed25519:"))
        .expect("base64");
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(raw))[..16].to_owned()
}

#[test]
fn a_newer_commit_invalidates_only_the_rules_that_ask_for_it() {
    let keys = Keys::new(&["alice", "bob"]);
    let project = project(&keys);
    attest(&project, &keys, "restore-drill", "sre", "alice");
    attest(&project, &keys, "security-signoff", "security", "bob");
    project.write("CHANGELOG.md", "a change\n");
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-qm", "second"]);
    let report = check(&project);
    assert_eq!(
        rule(&report, "restore-drill")["status"],
        "pass",
        "an ancestor commit still counts"
    );
    let (status, message) = status_and_message(&report, "security-signoff");
    assert_eq!(status, "fail");
    assert!(
        message.contains("wrong subject: signed for commit"),
        "{message}"
    );
}

#[test]
fn an_attestation_copied_from_another_repository_does_not_count() {
    let keys = Keys::new(&["alice", "bob"]);
    let other = project(&keys);
    other.write("OTHER.md", "another repository\n");
    git(&other, &["add", "-A"]);
    git(&other, &["commit", "-qm", "other"]);
    let file = attest(&other, &keys, "restore-drill", "sre", "alice");
    let project = project(&keys);
    let folder = project.path().join(".gonogo/attestations");
    std::fs::create_dir_all(&folder).expect("dir");
    std::fs::copy(&file, folder.join(file.file_name().unwrap())).expect("copy");
    let (status, message) = status_and_message(&check(&project), "restore-drill");
    assert_eq!(status, "fail");
    assert!(
        message.contains("is not in this repository's history"),
        "{message}"
    );
}

#[test]
fn attestation_rules_are_checked_when_the_pack_loads() {
    let keys = Keys::new(&["alice"]);
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        &format!(
            "name: manual\ntrust:\n  roles:\n    sre: [\"{}\", \"ed25519:AAAA\"]\nrules:\n\
             \x20 - id: unknown-role\n    title: t\n    severity: high\n    attestation: {{ roles: [dba] }}\n\
             \x20 - id: too-many-signers\n    title: t\n    severity: high\n    attestation: {{ roles: [sre], signers: 3 }}\n\
             \x20 - id: both\n    title: t\n    severity: high\n    expr: \"true\"\n    attestation: {{ roles: [sre] }}\n\
             \x20 - id: neither\n    title: t\n    severity: high\n",
            keys.public("alice")
        ),
    );
    let output = gonogo()
        .arg("check")
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "gonogo.yaml:4:",
        "`ed25519:AAAA` is not 32 bytes long",
        "role `dba` has no trusted keys in `trust.roles`",
        "`attestation.signers` is 3, and the pack trusts 1 key for these roles",
        "rule `both` has both `expr` and `attestation`",
        "rule `neither` has neither `expr` nor `attestation`",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn keys_are_never_overwritten_and_attest_needs_a_commit() {
    let keys = Keys::new(&["alice"]);
    let again = gonogo()
        .args(["keygen", "alice", "--dir"])
        .arg(keys.dir.path())
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwritten"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(keys.private("alice"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key is readable by its owner only"
        );
    }
    let not_git = Project::new();
    let output = gonogo()
        .args(["attest", "restore-drill", "--role", "sre", "--key"])
        .arg(keys.private("alice"))
        .arg(not_git.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not in a git repository"));
}

#[test]
fn pack_tests_can_take_attestation_rules_as_attested() {
    let keys = Keys::new(&["alice", "bob"]);
    let project = project(&keys);
    project.write(
        "tests/manual.yaml",
        "tests:\n\
         \x20 - name: nothing attested blocks\n    checks: {}\n    expect: { decision: no-go, rules: { restore-drill: fail, launch-signoff: fail } }\n\
         \x20 - name: attested rules pass, one signer short of two does not\n    checks: {}\n    attested: { restore-drill: 1, security-signoff: 1, launch-signoff: 1 }\n    expect: { decision: no-go, rules: { restore-drill: pass, security-signoff: pass, launch-signoff: fail } }\n\
         \x20 - name: a list means as many signers as each rule needs\n    checks: {}\n    attested: [restore-drill, security-signoff, launch-signoff]\n    expect: { decision: go }\n",
    );
    gonogo()
        .arg("test")
        .arg(project.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("3 passed, 0 failed"));
    project.write(
        "tests/manual.yaml",
        "tests:\n  - name: not an attestation rule\n    checks: {}\n    attested: [no-such-rule]\n    expect: { decision: go }\n",
    );
    gonogo()
        .arg("test")
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("manual.yaml:4"))
        .stderr(predicate::str::contains(
            "`attested` names `no-such-rule`, which is not an attestation rule of the pack",
        ));
}

#[test]
fn open_roles_of_a_baseline_are_keyed_once_by_the_pack_extending_it() {
    let keys = Keys::new(&["alice", "mallory"]);
    let project = Project::new();
    project.write(
        "baseline/gonogo.yaml",
        "name: starter\ntrust:\n  roles:\n    sre: []\nrules:\n  - id: restore-drill\n    title: A backup was restored\n    severity: high\n    enforcement: warn\n    attestation: { roles: [sre], max_age_days: 90 }\n",
    );
    project.write(
        "org/gonogo.yaml",
        &format!(
            "name: org\nextends: {{ pack: ../baseline }}\ntrust:\n  roles:\n    sre: [\"{}\"]\noverrides:\n  - rule: restore-drill\n    enforcement: block\n    reason: the organisation requires restore drills\n",
            keys.public("alice")
        ),
    );
    project.write(
        "team/gonogo.yaml",
        &format!(
            "name: team\nextends: {{ pack: ../org }}\ntrust:\n  roles:\n    sre: [\"{}\"]\n",
            keys.public("mallory")
        ),
    );
    // The starter pack alone: the rule warns and says why no one can sign yet.
    let output = gonogo()
        .args(["check", "--format", "json", "--policy"])
        .arg(project.path().join("baseline"))
        .arg(project.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let report = json_report(&output);
    let message = rule(&report, "restore-drill")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("no key is trusted for `sre` yet"),
        "{message}"
    );
    // The organisation keys the open role and makes the rule block.
    gonogo()
        .args(["check", "--policy"])
        .arg(project.path().join("org"))
        .arg(project.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("restore-drill"));
    // A team cannot key it again.
    gonogo()
        .args(["check", "--policy"])
        .arg(project.path().join("team"))
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "role `sre` has its trusted keys in the extended pack",
        ));
}

#[test]
fn an_attestation_bound_to_an_artifact_counts_only_for_that_artifact() {
    let keys = Keys::new(&["alice", "bob"]);
    let project = project(&keys);
    let image = format!("sha256:{}", "ab".repeat(32));
    let other = format!("sha256:{}", "cd".repeat(32));
    gonogo()
        .args([
            "attest",
            "restore-drill",
            "--role",
            "sre",
            "--artifact",
            &image,
            "--key",
        ])
        .arg(keys.private("alice"))
        .arg(project.path())
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "for artifact sha256:abababababab",
        ));
    let with_artifact = |artifact: Option<&str>| {
        let mut command = gonogo();
        command
            .args(["check", "--format", "json"])
            .arg(project.path());
        if let Some(artifact) = artifact {
            command.args(["--artifact", artifact]);
        }
        let report = json_report(&command.output().expect("runs"));
        status_and_message(&report, "restore-drill")
    };
    let (status, message) = with_artifact(None);
    assert_eq!(status, "fail");
    assert!(
        message.contains("this run names no artifact (`--artifact`)"),
        "{message}"
    );
    let (status, message) = with_artifact(Some(&other));
    assert_eq!(status, "fail");
    assert!(
        message.contains("this run gates sha256:cdcdcdcdcdcd"),
        "{message}"
    );
    let (status, _) = with_artifact(Some(&image));
    assert_eq!(status, "pass");
    gonogo()
        .args(["check", "--artifact", "sha256:nothex"])
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "expected `sha256:` and 64 hex digits",
        ));
}

/// `gonogo attest` checks the rule and role against the pack before it
/// signs, shows what the signature vouches for, and records it.
#[test]
fn attest_says_what_it_vouches_for_and_refuses_what_would_never_count() {
    let keys = Keys::new(&["alice", "bob"]);
    let project = project(&keys);
    let run = |rule: &str, role: &str| {
        gonogo()
            .args([
                "attest",
                rule,
                "--role",
                role,
                "--policy",
                "builtin:production-readiness",
                "--key",
            ])
            .arg(keys.private("alice"))
            .arg(project.path())
            .output()
            .expect("runs")
    };
    let written = || {
        std::fs::read_dir(project.path().join(".gonogo/attestations"))
            .map(|entries| entries.count())
            .unwrap_or(0)
    };
    for (rule, role, why) in [
        ("restore-dril", "devops", "has no rule `restore-dril`"),
        (
            "image-healthcheck",
            "devops",
            "is verified by an expression",
        ),
        ("restore-drill", "qa", "takes attestations of devops"),
    ] {
        let output = run(rule, role);
        assert_eq!(output.status.code(), Some(2), "{rule}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(why), "{rule}: {stderr}");
        assert_eq!(written(), 0, "{rule}: an attestation was written");
    }
    let output = run("restore-drill", "devops");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("vouching for `restore-drill`"), "{stdout}");
    assert!(
        stdout.contains("seeds/002:29 Restore procedure tested"),
        "{stdout}"
    );
    let file = std::fs::read_dir(project.path().join(".gonogo/attestations"))
        .expect("the folder")
        .next()
        .expect("a file")
        .expect("an entry")
        .path();
    let envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("the envelope")).expect("JSON");
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().expect("a payload"))
        .expect("base64");
    let statement: serde_json::Value = serde_json::from_slice(&payload).expect("a statement");
    let vouches = statement["predicate"]["vouches_for"]
        .as_array()
        .expect("vouches_for");
    assert!(
        vouches[0]
            .as_str()
            .is_some_and(|s| s.starts_with("`restore-drill`"))
    );
    assert!(
        vouches
            .iter()
            .any(|v| v == "seeds/002:29 Restore procedure tested")
    );
}
