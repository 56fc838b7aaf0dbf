//! The default human report. The README's sample output is a real run:
//! each of its lines, in order, is a line of `gonogo check` over the
//! misconfigured example (`…` stands for lines left out; the commit differs
//! between clones). It fits on two screens, names every failure, and in a
//! monorepo puts each failure under the services it is in.

mod common;

const BAD: &str = "examples/shop-api-misconfigured";

/// The first code block of the README: the sample output.
fn sample() -> Vec<String> {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).expect("README");
    readme
        .split("```")
        .nth(1)
        .expect("a code block")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// The commit in the header, which the README writes `1a2b3c4d5e6f`.
fn without_commit(line: &str) -> String {
    match (line.find(" @ "), line.find(") · environment")) {
        (Some(at), Some(end)) if at < end => format!("{}{}", &line[..at], &line[end..]),
        _ => line.to_owned(),
    }
}

/// `gonogo check` over the misconfigured example, in `format`.
fn run(format: &str) -> String {
    common::check_example(BAD, format, &[], 1)
}

#[test]
fn the_readme_sample_is_what_gonogo_prints() {
    let report = run("human");
    let mut printed = report.lines().map(without_commit);
    for line in sample().iter().filter(|l| l.as_str() != "…") {
        let wanted = without_commit(line);
        assert!(
            printed.any(|p| p == wanted),
            "the README's line is not printed (in this order):\n{wanted}"
        );
    }
}

#[test]
fn the_default_report_fits_on_two_screens_and_names_every_failure() {
    let report = run("human");
    assert!(
        report.lines().count() <= 120,
        "{} lines",
        report.lines().count()
    );
    // The provider checks given no credentials share one line.
    assert!(
        report.lines().any(|l| l.contains(
            "provider APIs not asked, no credentials given: github, uptime, sentry, database_provider, stripe, alerting, email_provider"
        )),
        "{report}"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    for rule in json["rules"].as_array().expect("rules") {
        if matches!(rule["status"].as_str(), Some("fail" | "error")) {
            let id = rule["id"].as_str().expect("id");
            assert!(
                report
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .any(|word| word == id),
                "`{id}` fails but is not named"
            );
        }
    }
}

#[test]
fn in_a_monorepo_failures_are_grouped_by_the_services_they_are_in() {
    let project = common::Project::new();
    project.write(
        "package.json",
        r#"{"name":"mono","private":true,"workspaces":["apps/*"]}"#,
    );
    for (service, code) in [
        (
            "api",
            "const app = require('express')();\napp.listen(3000);\n",
        ),
        (
            "worker",
            "const secret = process.env.JWT_SECRET || 'dev-secret';\nconst app = require('express')();\napp.listen(3001);\n",
        ),
    ] {
        project.write(
            &format!("apps/{service}/package.json"),
            &format!(r#"{{"name":"{service}","scripts":{{"start":"node index.js"}},"dependencies":{{"express":"^4"}}}}"#),
        );
        project.write(&format!("apps/{service}/index.js"), code);
    }
    common::commit_all(&project);
    let output = common::gonogo()
        .arg("check")
        .arg(project.path())
        .output()
        .expect("runs");
    let report = String::from_utf8(output.stdout).expect("UTF-8");
    let after = |heading: &str| {
        report
            .split(&format!("\n  {heading}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no heading `{heading}`:\n{report}"))
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        after("apps/worker").contains("✗ no-secret-fallbacks"),
        "{report}"
    );
    assert!(
        after("apps/api, apps/worker").contains("✗ security-headers"),
        "{report}"
    );
    assert!(
        after("the rest of the project").contains("✗ auth-secret-present"),
        "{report}"
    );
}
