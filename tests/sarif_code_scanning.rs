//! SARIF that GitHub code scanning can place: the misconfigured example
//! checked as `apps/api` of a larger repository, the way the Action's
//! `path:` input runs it. Beyond the OASIS schema, every result must meet
//! what code scanning documents (and the SARIF SDK's GH rules check): a
//! location with a relative URI and a start line, no more than 10
//! locations, 1,000 results and 1,000 rules; each URI must name a file of
//! the repository, from its root; and the analysis id must keep two
//! projects of one repository apart.

mod common;

use common::{Project, commit_all, gonogo, repo};

const BAD: &str = "examples/shop-api-misconfigured";

/// A repository with the misconfigured example at `apps/api` and its
/// deployment's env file at `deploy/api.env`, committed.
fn monorepo() -> Project {
    let project = Project::new();
    common::copy_dir(&repo().join(BAD), &project.path().join("apps/api"));
    std::fs::create_dir_all(project.path().join("deploy")).expect("mkdir");
    std::fs::copy(
        repo().join(common::example_env(BAD)),
        project.path().join("deploy/api.env"),
    )
    .expect("env file");
    commit_all(&project);
    project
}

/// The SARIF of `gonogo check apps/api` run from the repository's root.
fn sarif(project: &Project, extra: &[&str]) -> serde_json::Value {
    let output = gonogo()
        .current_dir(project.path())
        .args([
            "check",
            "apps/api",
            "--env-file",
            "deploy/api.env",
            "--format",
            "sarif",
        ])
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "the example is a no-go");
    serde_json::from_slice(&output.stdout).expect("SARIF is JSON")
}

#[test]
fn every_result_is_placed_on_a_file_of_the_repository_from_its_root() {
    let project = monorepo();
    let sarif = sarif(&project, &[]);
    let runs = sarif["runs"].as_array().expect("runs");
    assert!(!runs.is_empty() && runs.len() <= 5);
    let run = &runs[0];
    assert!(run["originalUriBaseIds"]["SRCROOT"].is_object(), "{run:#}");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rules.len() <= 1000);
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 1000);
    let mut under_project = 0;
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        assert!(rules.contains(&id), "{id} is not a rule of the run");
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        let locations = result["locations"].as_array().expect("locations");
        assert!(
            (1..=10).contains(&locations.len()),
            "{id}: {} locations",
            locations.len()
        );
        for location in locations {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
            assert_eq!(physical["artifactLocation"]["uriBaseId"], "SRCROOT");
            assert!(
                !uri.contains(':') && !uri.starts_with('/') && !uri.split('/').any(|p| p == ".."),
                "{id}: `{uri}` is not a relative path"
            );
            assert!(
                project.path().join(uri).is_file(),
                "{id}: `{uri}` is no file of the repository"
            );
            assert!(
                physical["region"]["startLine"]
                    .as_u64()
                    .is_some_and(|l| l >= 1)
            );
            under_project += usize::from(uri.starts_with("apps/api/"));
        }
    }
    assert!(under_project > 0);
    // The env and attestation rules, whose findings are in no file, are
    // placed on the project's manifest.
    let attested = results
        .iter()
        .find(|r| r["ruleId"] == "signoff-security")
        .expect("an attestation rule fails");
    assert_eq!(
        attested["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "apps/api/package.json"
    );
    let text = std::fs::read_to_string(repo().join("tests/schemas/sarif-schema-2.1.0.json"))
        .expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    assert!(validator.is_valid(&sarif));
}

#[test]
fn the_analysis_id_names_the_category_the_path_and_a_non_production_environment() {
    let project = monorepo();
    let id = |extra: &[&str]| sarif(&project, extra)["runs"][0]["automationDetails"]["id"].clone();
    assert_eq!(id(&[]), "gonogo/apps/api/");
    assert_eq!(
        id(&["--sarif-category", "readiness", "--environment", "staging"]),
        "readiness/apps/api@staging/"
    );
}
