//! The repository checks (`secrets`, `deps`, `prisma`, `docker`, `ci`,
//! `docs`, `node`) run for real over fixture projects made git
//! repositories in a temporary folder; what they report is snapshotted.

mod common;

use common::{Project, commit_all, fixture_project, repo_check_outcome};

/// A token of a well-known format, built at run time so that no scanner
/// flags this repository.
fn fake_stripe_live_key() -> String {
    format!("{}_{}_{}", "sk", "live", "51Hx9mQ2eZvKYlo2C8fXb3Ty7aBcD")
}

#[test]
fn secrets_finds_committed_env_files_keys_and_tokens_without_values() {
    let project = fixture_project("guest-checks/checks/secrets/fixtures/leaky");
    let key = fake_stripe_live_key();
    project.write(
        "src/billing.ts",
        &format!("const stripe = new Stripe('{key}');\n"),
    );
    project.write(
        ".env.production.backup",
        "JWT_SECRET=k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH\n",
    );
    project.write(".env.local", "X=1\n");
    commit_all(&project);
    project.write(".env.staging", "X=1\n"); // on disk, untracked, not ignored
    let outcome = repo_check_outcome(&project, "secrets");
    let text = outcome.to_string();
    assert!(!text.contains(&key), "the token is reported");
    assert!(
        !text.contains("k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH"),
        "a secret is reported"
    );
    insta::assert_json_snapshot!("secrets_leaky", outcome);
}

#[test]
fn secrets_passes_a_clean_repository() {
    let project = fixture_project("guest-checks/checks/secrets/fixtures/clean");
    commit_all(&project);
    project.write(".env", "JWT_SECRET=k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH\n"); // ignored
    let outcome = repo_check_outcome(&project, "secrets");
    assert_eq!(outcome["findings"], serde_json::json!([]), "{outcome:#}");
    assert_eq!(outcome["facts"]["env_gitignored"], true);
}

/// Examples people write (in templates, docs and CI test settings, a key
/// header without its body) are not committed secrets; a generated
/// credential in a template is.
#[test]
fn secrets_tells_examples_from_credentials() {
    let project = fixture_project("guest-checks/checks/secrets/fixtures/clean");
    project.write(".env.example", "JWT_SECRET='p4sta.w1th-b0logn3s3-s@uce'\n");
    project.write(
        ".github/workflows/e2e.yml",
        "env:\n  NEXTAUTH_SECRET: very_sensitive_secret\n",
    );
    project.write(
        "src/docs/components.yml",
        "example:\n  token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.m1U63blB0MLej_WfB7yC2FTMnCziif9X8yzwDEfJXAg\n",
    );
    project.write(
        "DEPLOY.md",
        "| Secret | Example |\n| `SSH_KEY` | `-----BEGIN OPENSSH PRIVATE KEY-----...` |\n",
    );
    project.write(
        "env-example-relational",
        "GITHUB_SECRET=815aa4606f476444691c5f1c16b9c70da6714dc6\n",
    );
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "secrets");
    let found: Vec<String> = outcome["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{}:{}",
                f["location"]["path"].as_str().unwrap_or(""),
                f["id"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        found,
        ["env-example-relational:secret-assignment"],
        "{outcome:#}"
    );
}

#[test]
fn secrets_without_git_does_not_claim_what_is_committed() {
    let project = fixture_project("guest-checks/checks/secrets/fixtures/clean");
    project.write(".env", "X=1\n");
    let outcome = repo_check_outcome(&project, "secrets");
    assert_eq!(outcome["facts"]["vcs"], "none");
    assert_eq!(outcome["facts"]["env_gitignored"], serde_json::Value::Null);
    assert_eq!(
        outcome["facts"]["env_files"][0]["tracked"],
        serde_json::Value::Null
    );
}

/// Every repository check over a fixture repository: findings in short
/// form (`id status path:line`), then each check's facts.
fn all_checks(fixture: &str) -> serde_json::Value {
    let project = fixture_project(fixture);
    commit_all(&project);
    let report = common::repo_checks_report(&project);
    let mut summary = serde_json::Map::new();
    for run in report["checks"].as_array().expect("checks") {
        assert_eq!(run["error"], serde_json::Value::Null, "{run:#}");
        let findings: Vec<String> = run["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}:{}",
                    f["id"].as_str().unwrap_or_default(),
                    f["status"].as_str().unwrap_or_default(),
                    f["location"]["path"].as_str().unwrap_or("-"),
                    f["location"]["line"]
                        .as_u64()
                        .map_or("-".to_owned(), |l| l.to_string())
                )
            })
            .collect();
        let name = run["name"].as_str().expect("name").to_owned();
        summary.insert(
            name,
            serde_json::json!({"findings": findings, "facts": run["facts"]}),
        );
    }
    serde_json::Value::Object(summary)
}

fn finding_ids(outcome: &serde_json::Value, check: &str) -> Vec<String> {
    outcome[check]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            f.as_str()
                .unwrap_or_default()
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[test]
fn a_well_configured_nest_service_passes_every_repository_check() {
    let outcome = all_checks("examples/shop-api");
    for check in ["secrets", "deps", "prisma", "docker", "ci", "docs", "node"] {
        assert_eq!(
            finding_ids(&outcome, check),
            Vec::<String>::new(),
            "{check}: {:#}",
            outcome[check]
        );
    }
    insta::assert_json_snapshot!("repo_shop_api", outcome);
}

#[test]
fn a_misconfigured_express_service_is_caught_where_it_runs() {
    let outcome = all_checks("examples/shop-api-misconfigured");
    let node = finding_ids(&outcome, "node");
    // helmet and a rate limiter exist, but only in a file nothing imports.
    assert!(
        node.contains(&"security-headers-missing".to_owned()),
        "{node:?}"
    );
    assert!(node.contains(&"rate-limit-missing".to_owned()), "{node:?}");
    assert!(
        node.contains(&"graceful-shutdown-missing".to_owned()),
        "{node:?}"
    );
    // `// TODO: app.use(helmet())` in a comment is no configuration either.
    assert_eq!(
        outcome["node"]["facts"]["services"][0]["security_headers"]["present"],
        false
    );
    for expected in [
        "cors-credentials-wildcard",
        "secret-fallback",
        "jwt-without-expiry",
        "cookie-insecure",
        "weak-password-hashing",
        "env-undocumented",
    ] {
        assert!(
            node.contains(&expected.to_owned()),
            "{expected} missing from {node:?}"
        );
    }
    insta::assert_json_snapshot!("repo_shop_api_misconfigured", outcome);
}

/// A service's env templates are found by what their names say
/// (`env-example-relational`), all of them; variables the shell sets
/// (`PWD`) need no documentation.
#[test]
fn env_templates_under_other_names_document_the_service() {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name": "api", "scripts": {"start": "node src/index.js"}, "dependencies": {"express": "4"}}"#,
    );
    project.write(
        "src/index.js",
        "const express = require('express');\nconst app = express();\napp.listen(process.env.PORT);\nconsole.log(process.env.DATABASE_URL, process.env.MONGO_URL, process.env.PWD);\n",
    );
    project.write(
        "env-example-relational",
        "PORT=3000\nDATABASE_URL=postgres://user:change-me@localhost/db\n",
    );
    project.write(
        "env-example-document",
        "PORT=3000\nMONGO_URL=mongodb://localhost/db\n",
    );
    commit_all(&project);
    let docs = repo_check_outcome(&project, "docs");
    assert_eq!(
        docs["facts"]["env_example"], "env-example-document",
        "{docs:#}"
    );
    let outcome = repo_check_outcome(&project, "node");
    let env = &outcome["facts"]["services"][0]["env"];
    assert_eq!(env["undocumented"], serde_json::json!([]), "{env:#}");
    assert_eq!(
        env["templates"],
        serde_json::json!(["env-example-document", "env-example-relational"]),
        "{env:#}"
    );
}

/// Tests are counted by kind: by what they drive, not by their names.
#[test]
fn tests_are_counted_by_what_they_drive() {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name": "api", "scripts": {"test": "jest"}}"#,
    );
    project.write("src/price.ts", "export const price = (n) => n * 2;\n");
    project.write(
        "src/price.test.ts",
        "import { price } from './price';\ntest('doubles', () => expect(price(2)).toBe(4));\n",
    );
    project.write(
        "test/app.e2e-spec.ts",
        "import request from 'supertest';\nit('answers', () => request(server).get('/health').expect(200));\n",
    );
    project.write(
        "e2e/login.spec.ts",
        "import { test } from '@playwright/test';\n",
    );
    project.write(
        "load/smoke.js",
        "import http from 'k6/http';\nexport default () => http.get('http://localhost');\n",
    );
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "ci");
    let tests = &outcome["facts"]["tests"];
    assert_eq!(
        [
            &tests["unit"],
            &tests["api"],
            &tests["browser"],
            &tests["load"]
        ],
        [1, 1, 1, 1].map(serde_json::Value::from).each_ref(),
        "{tests:#}"
    );
}

/// An Nx workspace has one `package.json`; `npm start` runs the build
/// output `dist/apps/api/main`, whose source is `apps/api/src/main.ts`;
/// its imports go through the aliases of `tsconfig.base.json`.
#[test]
fn the_entry_of_an_nx_project_is_found_from_its_build_output() {
    let outcome = all_checks("tests/fixtures/repos/nx-workspace");
    let services = &outcome["node"]["facts"]["services"];
    assert_eq!(
        services[0]["entries"],
        serde_json::json!(["apps/api/src/main.ts"]),
        "{services:#}"
    );
    assert_eq!(services[0]["entry_source"], "scripts.start");
    assert_eq!(
        services[0]["security_headers"]["present"], true,
        "{services:#}"
    );
    // `@nx-workspace/api/…` is an alias of the root `tsconfig.base.json`,
    // which the app's `tsconfig.json` extends: the guard behind it is read.
    assert_eq!(services[0]["modules"], 4, "{services:#}");
    assert_eq!(services[0]["access_control"]["via"], "role guard");
    assert_eq!(
        services[0]["access_control"]["at"]["path"],
        "apps/api/src/admin/admin.controller.ts"
    );
}

#[test]
fn a_monorepo_is_followed_across_workspace_packages() {
    let outcome = all_checks("tests/fixtures/repos/monorepo");
    let services = &outcome["node"]["facts"]["services"];
    assert_eq!(
        services.as_array().map(Vec::len),
        Some(1),
        "only apps/api is a server: {services:#}"
    );
    assert_eq!(services[0]["dir"], "apps/api");
    // The fallback secret lives in packages/config, imported as `@acme/config`.
    assert!(finding_ids(&outcome, "node").contains(&"secret-fallback".to_owned()));
    assert_eq!(services[0]["cors"]["kind"], "env");
    assert_eq!(outcome["deps"]["facts"]["package_manager"], "pnpm");
    // apps/api/Dockerfile is built from the root: its COPY paths and the
    // root .dockerignore are found there.
    let docker = finding_ids(&outcome, "docker");
    assert!(
        !docker.contains(&"copy-missing-path".to_owned()),
        "{docker:?}"
    );
    assert!(
        !docker.contains(&"dockerignore-incomplete".to_owned()),
        "{docker:?}"
    );
    insta::assert_json_snapshot!("repo_monorepo", outcome);
}

#[test]
fn docker_tells_missing_copy_sources_from_build_output_in_every_dockerfile() {
    // git is asked about the sources of every Dockerfile at once; each
    // answer must land on its own Dockerfile.
    let project = common::Project::new();
    project.write(".gitignore", "dist/\nbuild/\n");
    project.write(
        "a/Dockerfile",
        "FROM node:20.14\nCOPY dist ./dist\nCOPY assets ./assets\nUSER node\nCMD [\"node\", \"dist/main.js\"]\n",
    );
    project.write(
        "b/Dockerfile",
        "FROM node:20.14\nCOPY public ./public\nCOPY build ./build\nUSER node\nCMD [\"node\", \"build/main.js\"]\n",
    );
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "docker");
    let missing: Vec<serde_json::Value> = outcome["facts"]["dockerfiles"]
        .as_array()
        .expect("dockerfiles")
        .iter()
        .map(|d| serde_json::json!([d["path"], d["missing_copy_sources"]]))
        .collect();
    assert_eq!(
        missing,
        [
            serde_json::json!(["a/Dockerfile", [{"path": "assets", "line": 3}]]),
            serde_json::json!(["b/Dockerfile", [{"path": "public", "line": 2}]]),
        ],
        "{outcome:#}"
    );
}

#[test]
fn one_service_without_an_entry_point_leaves_the_others_judged() {
    let project = Project::new();
    project.write(
        "package.json",
        r#"{"name":"mono","private":true,"workspaces":["apps/*"]}"#,
    );
    project.write(
        "apps/api/package.json",
        r#"{"name":"api","scripts":{"start":"node src/main.js"},"dependencies":{"express":"^4.19.0"}}"#,
    );
    project.write(
        "apps/api/src/main.js",
        "const express = require('express');\nconst app = express();\napp.get('/', (q, r) => r.send('ok'));\napp.listen(3000);\n",
    );
    project.write(
        "apps/worker/package.json",
        r#"{"name":"worker","dependencies":{"express":"^4.19.0"}}"#,
    );
    common::commit_all(&project);
    let (_, report) = common::builtin_pack_report(&project);
    let facts = &common::check_run(&report, "node")["facts"];
    assert_eq!(facts["service_count"], 2, "{facts:#}");
    assert_eq!(facts["judged_count"], 1, "{facts:#}");
    assert_eq!(facts["all"]["entry_found"], false);
    assert_eq!(
        common::rule(&report, "service-entry-found")["status"],
        "fail"
    );
    // The api service is still judged: it has no helmet, no health route.
    let headers = common::rule(&report, "security-headers");
    assert_eq!(headers["status"], "fail", "{headers:#}");
    assert_eq!(
        headers["message"], "apps/api: no security headers middleware (helmet)",
        "{headers:#}"
    );
    assert_eq!(common::rule(&report, "health-routes")["status"], "fail");
}

/// Where production deploys come from and how dependencies are kept
/// current, read from the pipelines and the update bot's configuration;
/// the API documented in Markdown.
#[test]
fn production_deploys_audits_and_update_bots_are_read() {
    let project = fixture_project("tests/fixtures/repos/release-train");
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "ci");
    let facts = &outcome["facts"];
    let deploys: Vec<(&str, &str, bool)> = facts["deploy_jobs"]
        .as_array()
        .expect("deploy jobs")
        .iter()
        .map(|j| {
            (
                j["path"].as_str().unwrap_or_default(),
                j["target"].as_str().unwrap_or_default(),
                j["after_staging"] == true,
            )
        })
        .collect();
    assert!(
        deploys.contains(&(".github/workflows/release.yml", "production", false)),
        "{deploys:?}"
    );
    assert!(
        deploys.contains(&(".gitlab-ci.yml", "production", true)),
        "a production stage after a staging stage: {deploys:?}"
    );
    assert_eq!(
        facts["dependency_audits"][0]["can_fail"], false,
        "`|| true`"
    );
    assert_eq!(facts["dependency_updates"]["tool"], "renovate");
    assert_eq!(facts["dependency_updates"]["path"], "package.json");
    assert_eq!(
        facts["dependency_updates"]["interval"],
        "before 5am on monday"
    );
    // No OpenAPI document, but a Markdown reference that lists endpoints.
    let docs = repo_check_outcome(&project, "docs");
    assert_eq!(docs["facts"]["api_docs"], "markdown");
    assert_eq!(docs["facts"]["api_reference"], "API_ENDPOINTS.md");
}

/// Platform files say how the service runs: Railway here never restarts it
/// and has no health check, Kubernetes probes and limits it, PM2 restarts
/// it and caps its memory.
#[test]
fn platform_files_are_read_for_restarts_health_checks_and_limits() {
    let project = fixture_project("tests/fixtures/repos/platforms");
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "docker");
    let platforms: Vec<(String, serde_json::Value)> = outcome["facts"]["platforms"]
        .as_array()
        .expect("platforms")
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap_or_default().to_owned(),
                serde_json::json!([p["restart"], p["health_check"], p["limits"], p["replicas"]]),
            )
        })
        .collect();
    let of = |kind: &str| {
        platforms
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {kind} in {platforms:?}"))
    };
    assert_eq!(of("railway"), serde_json::json!([false, false, null, 2]));
    assert_eq!(of("kubernetes"), serde_json::json!([true, true, true, 3]));
    assert_eq!(of("pm2"), serde_json::json!([true, null, true, null]));
    let ids: Vec<String> = outcome["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(ids.contains(&"platform-no-restart".to_owned()), "{ids:?}");
    assert!(
        ids.contains(&"platform-no-health-check".to_owned()),
        "{ids:?}"
    );
    assert!(!ids.contains(&"platform-no-limits".to_owned()), "{ids:?}");
    // A fly.toml that is not TOML is reported, not taken as saying nothing.
    assert!(ids.contains(&"platform-unreadable".to_owned()), "{ids:?}");
}

/// A procedure's heading with only a placeholder under it is not a
/// procedure: reported as written but empty, where it is.
#[test]
fn a_procedure_heading_with_nothing_under_it_is_not_a_procedure() {
    let project = Project::new();
    project.write("README.md", "# api\n\n## Deployment\nTODO\n");
    project.write(
        "docs/runbook.md",
        "# Runbook\n\n## Rollback\n\n## Backup and restore\nRestore the nightly snapshot with `pg_restore -d orders latest.dump`.\n",
    );
    commit_all(&project);
    let outcome = repo_check_outcome(&project, "docs");
    let facts = &outcome["facts"];
    assert_eq!(
        facts["deployment_guide"],
        serde_json::Value::Null,
        "{facts:#}"
    );
    assert_eq!(facts["rollback_plan"], serde_json::Value::Null, "{facts:#}");
    assert_eq!(facts["backup_restore"], "docs/runbook.md", "{facts:#}");
    assert_eq!(
        facts["hollow_procedures"],
        // The runbook as a whole says something (its backup section).
        serde_json::json!([
            {"procedure": "rollback_plan", "path": "docs/runbook.md"},
            {"procedure": "deployment_guide", "path": "README.md"}
        ])
    );
    let deployment = outcome["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"] == "deployment-guide-missing"))
        .expect("a finding");
    assert_eq!(deployment["location"]["path"], "README.md");
    assert!(
        deployment["message"]
            .as_str()
            .is_some_and(|m| m.contains("says nothing yet")),
        "{deployment:#}"
    );
}

/// A web front-end is read for page metadata, a robots.txt or sitemap, and
/// a consent manager where it loads a tracker; a mobile app or a component
/// library is no web front-end.
#[test]
fn web_front_ends_are_read_for_seo_and_cookie_consent() {
    let project = Project::new();
    project.write(
        "apps/web/package.json",
        r#"{"name": "web", "scripts": {"build": "next build"}, "dependencies": {"next": "15", "react-dom": "19", "posthog-js": "1"}}"#,
    );
    project.write(
        "apps/web/app/layout.tsx",
        "import type { Metadata } from 'next';\n\nexport const metadata: Metadata = { title: 'Shop', description: 'Buy things' };\n",
    );
    project.write("apps/web/public/robots.txt", "User-agent: *\nAllow: /\n");
    project.write(
        "apps/web/app/contact/page.tsx",
        "export default function Contact() { return <a href=\"mailto:help@shop.example\">Write to us</a>; }\n",
    );
    project.write(
        "apps/web/components/FeedbackForm.tsx",
        "export function FeedbackForm() { return <form />; }\n",
    );
    project.write(
        "apps/site/package.json",
        r#"{"name": "site", "scripts": {"dev": "vite", "build": "vite build"}, "dependencies": {"vue": "3", "vanilla-cookieconsent": "3"}}"#,
    );
    project.write(
        "apps/site/index.html",
        "<html><head><script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script></head></html>\n",
    );
    project.write(
        "apps/mobile/package.json",
        r#"{"name": "mobile", "scripts": {"web": "vite"}, "dependencies": {"react-native": "0.76", "react-dom": "19"}}"#,
    );
    // A component library is built, not served: no pages of its own.
    project.write(
        "packages/ui/package.json",
        r#"{"name": "ui", "scripts": {"build": "tsup"}, "dependencies": {"react-dom": "19"}}"#,
    );
    commit_all(&project);
    let docs = repo_check_outcome(&project, "docs");
    let front_ends = docs["facts"]["front_ends"].as_array().expect("front-ends");
    let by_dir = |dir: &str| {
        front_ends
            .iter()
            .find(|f| f["dir"] == dir)
            .unwrap_or_else(|| panic!("{dir}: {docs:#}"))
    };
    assert_eq!(
        front_ends.len(),
        2,
        "neither the mobile app nor the component library is one: {docs:#}"
    );
    let web = by_dir("apps/web");
    assert_eq!(web["metadata"]["path"], "apps/web/app/layout.tsx");
    assert_eq!(web["metadata"]["line"], 3);
    assert_eq!(web["robots"], "apps/web/public/robots.txt");
    assert_eq!(web["trackers"], serde_json::json!(["posthog-js"]));
    assert_eq!(web["consent"], serde_json::Value::Null);
    let site = by_dir("apps/site");
    assert_eq!(
        site["trackers"],
        serde_json::json!(["googletagmanager.com"])
    );
    assert_eq!(site["consent"], "vanilla-cookieconsent");
    assert_eq!(site["metadata"], serde_json::Value::Null);
    assert_eq!(web["support_contact"], "apps/web/app/contact/page.tsx");
    assert_eq!(web["feedback"], "apps/web/components/FeedbackForm.tsx");
    assert_eq!(site["support_contact"], serde_json::Value::Null);
    // The contact page is found at the project level too.
    assert_eq!(
        docs["facts"]["support_document"],
        "apps/web/app/contact/page.tsx"
    );
    let findings = docs["findings"].to_string();
    assert!(
        findings.contains("the front-end in apps/web loads posthog-js without asking consent"),
        "{findings}"
    );
    assert!(
        findings.contains("the front-end in apps/site: no page sets a title and description, no robots.txt or sitemap"),
        "{findings}"
    );
}
