//! Broken inputs are never a go: a manifest, compose file, workflow,
//! Prisma schema, source module or TypeScript config that a check cannot
//! read or parse makes the rules that read it `error`, naming the file
//! (and the line where the parser stopped), while rules that do not read
//! it are judged as usual. Files whose names are not UTF-8 are scanned.

mod common;

use common::{Project, builtin_pack_report, commit_all, fixture_project, repo_check_outcome};

/// A token of a well-known format, built at run time so that no scanner
/// flags this repository.
fn fake_stripe_live_key() -> String {
    format!("{}_{}_{}", "sk", "live", "51Hx9mQ2eZvKYlo2C8fXb3Ty7aBcD")
}

/// The shop-api example with `path` replaced by `content`, committed;
/// the built-in pack's exit code and report over it.
fn example_with(path: &str, content: &[u8]) -> (Option<i32>, serde_json::Value) {
    let project = fixture_project("examples/shop-api");
    std::fs::write(project.path().join(path), content).expect("write");
    commit_all(&project);
    let (output, report) = builtin_pack_report(&project);
    (output.status.code(), report)
}

/// Asserts that each rule is `error` with a message naming `file`, and
/// that each of `judged` is not.
fn assert_errors(report: &serde_json::Value, rules: &[&str], file: &str, judged: &[&str]) {
    for id in rules {
        let rule = common::rule(report, id);
        assert_eq!(rule["status"], "error", "{rule:#}");
        let message = rule["message"].as_str().unwrap_or_default();
        assert!(message.contains(file), "{id}: {message}");
    }
    for id in judged {
        let rule = common::rule(report, id);
        assert_ne!(rule["status"], "error", "{rule:#}");
    }
}

/// The finding `id` of check `check`, with its location.
fn finding<'a>(report: &'a serde_json::Value, check: &str, id: &str) -> &'a serde_json::Value {
    common::check_run(report, check)["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"] == id))
        .unwrap_or_else(|| panic!("no finding `{id}` of `{check}`"))
}

#[test]
fn a_compose_file_that_is_not_yaml_errors_the_compose_rules_at_its_line() {
    let (code, report) = example_with("docker-compose.yml", b"services:\n  api: [\n");
    assert_ne!(code, Some(0));
    assert_errors(
        &report,
        &[
            "redis-hardened",
            "datastores-not-published",
            "services-restart-and-limits",
        ],
        "docker-compose.yml is not valid YAML",
        &["image-runs-unprivileged", "image-healthcheck"],
    );
    let found = finding(&report, "docker", "compose-unreadable");
    assert_eq!(found["location"]["line"], 2, "{found:#}");
}

#[test]
fn a_development_compose_file_that_is_not_yaml_is_described_not_an_error() {
    let (_, report) = example_with("docker-compose.dev.yml", b"services:\n  api: [\n");
    for id in ["redis-hardened", "datastores-not-published"] {
        assert_ne!(common::rule(&report, id)["status"], "error", "{id}");
    }
}

#[test]
fn a_workflow_that_is_not_yaml_errors_the_pipeline_rules_not_the_test_topics() {
    let (code, report) = example_with(
        ".github/workflows/ci.yml",
        b"name: ci\non: [push\njobs: {\n",
    );
    assert_ne!(code, Some(0));
    assert_errors(
        &report,
        &[
            "ci-tests-gate-deploys",
            "ci-builds",
            "staging-before-production",
        ],
        ".github/workflows/ci.yml is not valid YAML",
        &["auth-flow-tested", "dependency-updates-automated"],
    );
    let found = finding(&report, "ci", "ci-unparsable");
    assert_eq!(found["status"], "error");
    assert!(found["location"]["line"].is_u64(), "{found:#}");
}

#[test]
fn a_prisma_schema_with_a_block_never_closed_errors_the_model_rules() {
    let (code, report) = example_with(
        "prisma/schema.prisma",
        b"datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel User {\n  id Int @id\n",
    );
    assert_ne!(code, Some(0));
    assert_errors(
        &report,
        &[
            "foreign-keys-indexed",
            "foreign-keys-enforced",
            "queried-columns-indexed",
        ],
        "prisma/schema.prisma is not a well-formed Prisma schema: `model User`, opened at line 6, is never closed",
        &["migrations-committed"],
    );
}

#[test]
fn a_source_module_over_the_read_cap_errors_the_code_rules() {
    let main = std::fs::read_to_string(common::repo().join("examples/shop-api/src/main.ts"))
        .expect("main.ts");
    let padded = format!("{main}\n// {}\n", "x".repeat(2 << 20));
    let (code, report) = example_with("src/main.ts", padded.as_bytes());
    assert_ne!(code, Some(0));
    assert_errors(
        &report,
        &[
            "no-secret-fallbacks",
            "cors-restricted-in-code",
            "secrets-not-logged",
        ],
        "src/main.ts cannot be read (over the 2 MiB read cap",
        &["lockfile-committed", "image-runs-unprivileged"],
    );
    let found = finding(&report, "node", "source-unreadable");
    assert_eq!(found["location"]["path"], "src/main.ts");
}

#[test]
fn a_tsconfig_that_is_not_json_errors_the_code_rules() {
    let (code, report) = example_with("tsconfig.json", b"{ \"compilerOptions\": { ");
    assert_ne!(code, Some(0));
    assert_errors(
        &report,
        &["no-secret-fallbacks", "graceful-shutdown"],
        "tsconfig.json is not valid JSON with comments",
        &["lockfile-committed"],
    );
}

#[test]
fn a_source_module_that_is_not_utf8_is_still_read() {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"api","scripts":{"start":"node index.js"},"dependencies":{"express":"^4","helmet":"^7"}}"#,
    );
    project.write("index.js", "require('./app').listen(3000);\n");
    // A Latin-1 `é` in a comment: the code around it still counts.
    let mut app = b"// caf\xe9\n".to_vec();
    app.extend_from_slice(
        b"const helmet = require('helmet');\nconst app = require('express')();\napp.use(helmet());\nmodule.exports = app;\n",
    );
    std::fs::write(project.path().join("app.js"), app).expect("write");
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "node");
    let service = &outcome["facts"]["services"][0];
    let headers = &service["security_headers"];
    assert_eq!(headers["present"], true, "{headers:#}");
    assert_eq!(headers["at"]["path"], "app.js", "{headers:#}");
}

#[test]
fn a_package_json_that_cannot_be_parsed_or_read_is_never_a_go() {
    let too_big = format!(
        "{{\"name\":\"api\",\"description\":\"{}\",\"dependencies\":{{\"express\":\"^4\"}}}}",
        "x".repeat(2 << 20)
    );
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    for (manifest, reason) in [
        (
            r#"{"name":"api","dependencies":{"express":"^4""#.to_owned(),
            "is not valid JSON",
        ),
        (deep, "is not valid JSON"),
        (too_big, "cannot be read (over the 2 MiB read cap"),
        ("[1, 2]".to_owned(), "is not a JSON object"),
    ] {
        let project = Project::new();
        project.write("package.json", &manifest);
        project.write("index.js", "require('express')().listen(3000);\n");
        // A broken fixture under a test folder is not what is deployed.
        project.write("test/fixtures/broken/package.json", "{");
        commit_all(&project);
        let (output, report) = common::builtin_pack_report(&project);
        assert_ne!(
            output.status.code(),
            Some(0),
            "a broken package.json gave go"
        );
        for check in ["node", "deps"] {
            let error = common::check_run(&report, check)["error"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                error.contains("`package.json` ") && error.contains(reason),
                "{check}: {error}"
            );
        }
        let rule = common::rule(&report, "production-dependencies-only");
        assert_eq!(rule["status"], "error", "{rule:#}");
    }
}

#[cfg(unix)]
#[test]
fn a_file_whose_name_is_not_utf8_is_listed_and_scanned() {
    use std::os::unix::ffi::OsStrExt;
    for with_git in [true, false] {
        let project = Project::new();
        project.write("README.md", "# api\n");
        let name = std::ffi::OsStr::from_bytes(b"bad\xff\xfe.env");
        std::fs::write(
            project.path().join(name),
            format!("STRIPE_SECRET_KEY={}\n", fake_stripe_live_key()),
        )
        .expect("write");
        if with_git {
            commit_all(&project);
        }
        let outcome = repo_check_outcome(&project, "secrets");
        let facts = &outcome["facts"];
        assert_eq!(
            facts["env_files"][0]["path"], "bad\u{fffd}ff\u{fffd}fe.env",
            "{facts:#}"
        );
        if with_git {
            assert_eq!(
                facts["committed_env_files"][0],
                "bad\u{fffd}ff\u{fffd}fe.env"
            );
        }
        let found = facts["found"].to_string();
        assert!(found.contains("bad\u{fffd}ff\u{fffd}fe.env"), "{found}");
        assert!(!outcome.to_string().contains(&fake_stripe_live_key()));
    }
}

#[test]
fn a_key_in_a_file_that_is_not_utf8_is_found_and_a_binary_file_is_skipped() {
    let project = Project::new();
    let mut legacy = b"// r\xe9glages\n".to_vec();
    legacy.extend_from_slice(format!("const key = '{}';\n", fake_stripe_live_key()).as_bytes());
    std::fs::write(project.path().join("legacy.js"), legacy).expect("write");
    let mut image = b"\x89PNG\0\0".to_vec();
    image.extend_from_slice(fake_stripe_live_key().as_bytes());
    std::fs::write(project.path().join("logo.png"), image).expect("write");
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "secrets");
    let found = outcome["facts"]["found"].to_string();
    assert!(found.contains("legacy.js"), "{found}");
    assert!(!found.contains("logo.png"), "{found}");
    assert_eq!(outcome["facts"]["unscanned"], serde_json::json!([]));
}
