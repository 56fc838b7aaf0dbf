//! # `ci` — a pipeline that tests before it ships
//!
//! ## What it checks
//! GitHub Actions workflows (`.github/workflows/*.yml`) and GitLab CI
//! (`.gitlab-ci.yml`), read as YAML into jobs and steps:
//! - a pipeline exists;
//! - dependencies install from the lockfile (`npm ci`, `--frozen-lockfile`,
//!   `--immutable`; pnpm freezes by default under CI);
//! - tests run (`npm test`, `npm run test:*`, `jest`, `vitest`, `mocha`,
//!   `node --test`, workspace runners such as `pnpm -r test` or `turbo run
//!   test`, and `pytest`, `go test`, `cargo test`… for other stacks) and can
//!   fail the pipeline: a step such as
//!   `npm test || echo …`, `|| true`, `continue-on-error: true` or
//!   `allow_failure: true` cannot;
//! - the project is built (`npm run build`, `tsc`, `nest build`, `docker build`);
//! - third-party actions are pinned by commit SHA (`@<40 hex>`), not a tag
//!   or branch;
//! - GitHub workflows declare `permissions:` (workflow-wide or on every
//!   job), and none grants `write-all`;
//! - every deploy job (its id names deploy/release/publish, it targets an
//!   `environment:`, or it runs a deploy command) needs, directly or
//!   through other jobs, a job that runs the tests, or runs them itself
//!   first; on GitLab, a test job sits in an earlier stage;
//! - a migration step runs (`prisma migrate deploy`, `knex migrate`,
//!   `typeorm migration:run`, `sequelize db:migrate`, `npm run migrate…`);
//! - the project has tests of each kind, told by file name or folder
//!   (`*.test.ts`, `*.spec.js`, `test/`, `__tests__/`) and by what they
//!   import: API tests drive the server (`supertest`, Fastify `inject`,
//!   Hono `app.request`, a Postman collection), browser tests drive a browser (Playwright,
//!   Cypress, Puppeteer), load tests are k6 or Artillery scripts, and the
//!   others are unit tests (past 2,000 test files, a file is told by its path
//!   alone);
//! - production deploys come after a staging deploy; a Dependabot or
//!   Renovate configuration updates npm dependencies, and on what schedule;
//!   a CI step checks dependencies against security advisories and can fail;
//! - what the tests exercise: authentication, payments, uploads and
//!   webhooks (by the test file's path and the request paths it sends,
//!   `.post('/auth/login')`, `page.goto('/checkout')`), and error scenarios
//!   (an expected 4xx or 5xx status: `.expect(401)`, `toBe(404)`,
//!   `HttpStatus.FORBIDDEN`).
//!
//! ## Why it matters
//! The seed checklists ask for CI/CD with tests before every deploy. A
//! test step that cannot fail, or a deploy job that does not wait for the
//! tests, ships whatever was pushed. A tag-pinned action can be re-pointed
//! by its owner to run any code with the pipeline's secrets.
//!
//! ## Example of a failing project
//! `run: npm test || echo "tests failed"`, a `deploy` job without `needs:`,
//! `uses: appleboy/ssh-action@master`, no `permissions:`.
//!
//! ## How to fix
//! Let the test step fail, add `needs: test` to deploy jobs, pin actions
//! to a SHA with the tag in a comment, set `permissions: contents: read`.
//!
//! ## Facts it reports
//! `pipelines` (`path`, `system`, `jobs`, `error`), `present`,
//! `installs_frozen` (true, false, or null without installs), `runs_tests`,
//! `tests_cannot_fail` and `unpinned_actions` (each `path`, `line`, and
//! `command` or `action`), `runs_build`, `permissions` (per GitHub
//! workflow: `path`, `state` = `restricted`|`missing`|`broad`),
//! `deploy_jobs` (`path`, `job`, `line`, `gated`, `target` =
//! `production`|`staging`|`unknown` from its `environment:` or id,
//! `after_staging`: a production deploy that needs a staging deploy,
//! directly or through other jobs, or on GitLab follows one in an earlier
//! stage), `runs_migrations`, `dependency_audits` (steps that check
//! dependencies against advisories, `npm audit`, `osv-scanner`, `snyk
//! test`, the dependency-review action…: `path`, `line`, `job`,
//! `can_fail`), `load_test_runs` (steps that run a load test: `path`,
//! `line`, `job`, `can_fail`), `dependency_updates` (`tool` = `dependabot`|`renovate`|null,
//! `path`, `interval`, `npm`), `tests`
//! (`unit`, `api`, `browser`, `load`: how many test files of each kind,
//! `load_with_thresholds`: load scripts that set pass criteria,
//! `requested_paths`: the paths API tests request, parameters as `{}`,
//! and `examples`: a path of each; `topics`: `auth`, `payment`, `upload`,
//! `webhook`, `errors`, how many test files exercise each, with
//! `examples`; null without JavaScript or TypeScript source).
//!
//! ## Findings
//! - `ci-missing` (fail, high): no pipeline.
//! - `ci-unparsable` (error): a pipeline file cannot be read or is not
//!   valid YAML; the rules that read the pipelines are `error`, with the
//!   file and line, rather than judge without it.
//! - `dependabot-unparsable` (error): `.github/dependabot.yml` is not valid
//!   YAML (`dependency-updates-automated` is `error`).
//! - `install-not-frozen` (fail, medium): dependencies install without the lockfile.
//! - `tests-missing` (fail, high): no step runs the tests.
//! - `tests-cannot-fail` (fail, high): a test step's failure is ignored.
//! - `build-missing` (warn, low): no step builds the project.
//! - `action-unpinned` (warn, medium): an action is pinned by tag or branch.
//! - `permissions-missing` (warn, medium), `permissions-broad` (fail, high): token permissions.
//! - `deploy-not-gated` (fail, high): a deploy job does not wait for the tests.
//! - `unit-tests-missing`, `api-tests-missing` (warn, medium): no unit test
//!   file, no test that drives the API through the server.
//! - `auth-tests-missing`, `payment-tests-missing`, `upload-tests-missing`,
//!   `webhook-tests-missing`, `error-tests-missing` (warn, low): no test
//!   file on that topic, where the project's dependencies give it that
//!   topic (an authentication library, a payment SDK, an upload library, a
//!   provider that sends webhooks); the pack's rules decide from the code.
//! - `production-without-staging` (warn, medium): a production deploy job
//!   (its `environment:` or id) with no staging deploy before it.
//! - `dependency-updates-missing` (warn, medium): no Dependabot or Renovate
//!   configuration updates the npm dependencies.
//! - `dependency-audit-missing` (warn, medium): no CI step checks
//!   dependencies against advisories, or the one that does cannot fail.
//! - `load-tests-not-run` (warn, medium): no load script with pass criteria
//!   (k6 `thresholds`, Artillery `ensure`), or no CI step runs one (`k6
//!   run`, `artillery run`, the k6 or Artillery action, or a `package.json`
//!   script that runs one) in a way that can fail the pipeline.

mod dependency_updates;
pub mod findings;
mod load_runs;
mod test_files;
mod test_topics;

use gonogo_analysis::ci::{self, Install, Job, Pipeline};
use gonogo_check::{Check, Finding, Info, Report, Severity, Value, json};
use std::collections::BTreeSet;
use test_topics::Topic;

struct Ci;

const TEST_COMMANDS: &[&str] = &[
    "npm test",
    "npm run test",
    "npm t",
    "yarn test",
    "yarn run test",
    "pnpm test",
    "pnpm run test",
    "bun test",
    "npx jest",
    "jest",
    "vitest",
    "mocha",
    "node --test",
    "npm run e2e",
    "playwright test",
    "npx playwright test",
    "pnpm -r test",
    "pnpm -r run test",
    "pnpm --recursive test",
    "turbo run test",
    "turbo test",
    "nx test",
    "nx run-many -t test",
    "nx affected -t test",
    "lerna run test",
    "yarn workspaces run test",
    // Other stacks, so a service in another language is not "untested".
    "pytest",
    "python -m pytest",
    "go test",
    "cargo test",
    "mvn test",
    "mvn verify",
    "gradle test",
    "./gradlew test",
    "make test",
    "tox",
    "rspec",
    "bundle exec rspec",
    "dotnet test",
    "phpunit",
    "vendor/bin/phpunit",
];
const BUILD_COMMANDS: &[&str] = &[
    "npm run build",
    "yarn build",
    "yarn run build",
    "pnpm build",
    "pnpm run build",
    "tsc",
    "nest build",
    "docker build",
    "docker buildx build",
    "docker compose build",
    "bun run build",
    "turbo run build",
    "turbo build",
    "nx build",
    "pnpm -r build",
    "pnpm -r run build",
    "lerna run build",
    "go build",
    "cargo build",
    "mvn package",
    "gradle build",
    "./gradlew build",
    "make build",
    "dotnet build",
];
const DEPLOY_COMMANDS: &[&str] = &[
    "deploy",
    "kubectl apply",
    "kubectl set image",
    "helm upgrade",
    "flyctl",
    "fly deploy",
    "vercel",
    "railway up",
    "docker push",
    "heroku",
    "serverless deploy",
    "sam deploy",
    "terraform apply",
    "eb deploy",
    "render",
];
/// Commands that check dependencies against advisories.
const AUDIT_COMMANDS: &[&str] = &[
    "npm audit",
    "pnpm audit",
    "yarn audit",
    "yarn npm audit",
    "bun audit",
    "osv-scanner",
    "snyk test",
    "audit-ci",
    "better-npm-audit",
    "trivy fs",
    "grype",
];

/// Actions that check dependencies against advisories.
const AUDIT_ACTIONS: &[&str] = &[
    "actions/dependency-review-action",
    "google/osv-scanner-action",
    "snyk/actions",
    "aquasecurity/trivy-action",
    "anchore/scan-action",
];

const MIGRATE_COMMANDS: &[&str] = &[
    "prisma migrate deploy",
    "knex migrate",
    "typeorm migration:run",
    "sequelize db:migrate",
    "npm run migrate",
    "npm run db:migrate",
    "yarn migrate",
    "pnpm migrate",
    "drizzle-kit migrate",
    "node-pg-migrate",
];

fn has_any(command: &str, needles: &[&str]) -> bool {
    command.lines().any(|line| {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        needles.iter().any(|n| {
            line == *n
                || line.starts_with(&format!("{n} "))
                || line.contains(&format!(" {n} "))
                || line.ends_with(&format!(" {n}"))
                || line.contains(&format!("{n}:"))
                || line.contains(&format!("&& {n}"))
        })
    })
}

/// Whether a shell command swallows its own failure.
fn swallows_failure(command: &str) -> bool {
    let compact = command.split_whitespace().collect::<Vec<_>>().join(" ");
    [
        "|| echo",
        "|| true",
        "|| exit 0",
        "|| :",
        "; true",
        "|| printf",
        "set +e",
    ]
    .iter()
    .any(|p| compact.contains(p))
}

fn runs_tests(job: &Job) -> bool {
    job.steps
        .iter()
        .any(|s| s.run.as_deref().is_some_and(|r| has_any(r, TEST_COMMANDS)))
}

fn is_deploy(job: &Job) -> bool {
    let id = job.id.to_ascii_lowercase();
    ["deploy", "release", "publish"]
        .iter()
        .any(|k| id.contains(k))
        || job.environment.is_some()
        || job.steps.iter().any(|s| {
            s.run
                .as_deref()
                .is_some_and(|r| has_any(r, DEPLOY_COMMANDS))
                || s.uses.as_deref().is_some_and(|u| {
                    let u = u.to_ascii_lowercase();
                    u.contains("deploy") || u.contains("ssh-action") || u.contains("heroku")
                })
        })
}

/// Where a deploy job deploys, from its `environment:` or else its id:
/// `staging` (staging, preprod, uat, qa, preview), `production` (prod,
/// production, live), or `unknown`.
fn deploy_target(job: &Job) -> &'static str {
    let name = job
        .environment
        .as_deref()
        .unwrap_or(&job.id)
        .to_ascii_lowercase();
    if ["stag", "preprod", "pre-prod", "uat", "qa", "preview"]
        .iter()
        .any(|w| name.contains(w))
    {
        "staging"
    } else if ["prod", "live"].iter().any(|w| name.contains(w)) {
        "production"
    } else {
        "unknown"
    }
}

/// Whether a production deploy job runs after a staging deploy: one of the
/// jobs it needs (directly or through others) deploys to staging, or, on
/// GitLab, a staging deploy sits in an earlier stage.
fn after_staging(pipeline: &Pipeline, job: &Job) -> bool {
    let staging = |other: &Job| is_deploy(other) && deploy_target(other) == "staging";
    runs_after(pipeline, job, staging, staging)
}

/// Whether `job` runs after a job that `needed` holds for: one it needs,
/// directly or through other jobs; or, on GitLab, when it names no
/// `needs`, one in an earlier stage that `earlier_stage` holds for.
fn runs_after(
    pipeline: &Pipeline,
    job: &Job,
    needed: impl Fn(&Job) -> bool,
    earlier_stage: impl Fn(&Job) -> bool,
) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = job.needs.iter().map(String::as_str).collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(other) = pipeline.jobs.iter().find(|j| j.id == id) {
            if needed(other) {
                return true;
            }
            stack.extend(other.needs.iter().map(String::as_str));
        }
    }
    if pipeline.system == "gitlab-ci" && job.needs.is_empty() {
        let position = |stage: &Option<String>| {
            stage
                .as_ref()
                .and_then(|s| pipeline.stages.iter().position(|x| x == s))
        };
        let mine = position(&job.stage);
        return pipeline
            .jobs
            .iter()
            .any(|other| earlier_stage(other) && position(&other.stage) < mine);
    }
    false
}

/// Whether a deploy job waits for tests (through `needs`, earlier steps,
/// or, on GitLab, an earlier stage whose test job can fail).
fn gated(pipeline: &Pipeline, job: &Job) -> bool {
    let tests_first = job.steps.iter().position(|s| {
        s.run
            .as_deref()
            .is_some_and(|r| has_any(r, DEPLOY_COMMANDS))
            || s.uses.as_deref().is_some_and(|u| u.contains("deploy"))
    });
    if let Some(first_deploy) = tests_first
        && job.steps[..first_deploy]
            .iter()
            .any(|s| s.run.as_deref().is_some_and(|r| has_any(r, TEST_COMMANDS)))
    {
        return true;
    }
    runs_after(pipeline, job, runs_tests, |other| {
        runs_tests(other) && !other.steps.iter().any(|s| s.continue_on_error)
    })
}

impl Check for Ci {
    type Config = ();
    const INFO: Info = Info {
        id: "ci",
        name: "CI pipeline",
        version: env!("CARGO_PKG_VERSION"),
        description: "CI pipelines install from the lockfile, run tests that can fail, build, pin \
                      actions by SHA, limit token permissions and gate deploys on tests.",
    };

    fn run(_: ()) -> Result<Report, String> {
        let mut report = Report::new();
        let pipelines = ci::pipelines();
        report.fact("present", !pipelines.is_empty());
        if pipelines.is_empty() {
            report.push(
                Finding::fail(findings::CI_MISSING, Severity::High, "no CI pipeline (.github/workflows, .gitlab-ci.yml)")
                    .fix("add a workflow that installs with `npm ci`, runs the tests and builds on every push"),
            );
        }
        let mut facts = Facts::default();
        for pipeline in &pipelines {
            if let Some(error) = &pipeline.error {
                report.push(
                    Finding::error(
                        findings::CI_UNPARSABLE,
                        format!("{} {error}: its jobs could not be judged", pipeline.path),
                    )
                    .at(&pipeline.path, pipeline.error_line)
                    .fix("fix the YAML (CI ignores or rejects this file)"),
                );
            }
            inspect(&mut report, pipeline, &mut facts);
        }
        if !pipelines.is_empty() && !facts.runs_tests {
            report.push(
                Finding::fail(
                    findings::TESTS_MISSING,
                    Severity::High,
                    "no CI step runs the tests",
                )
                .at(&pipelines[0].path, None)
                .fix("add a step running `npm test`"),
            );
        }
        if !pipelines.is_empty() && !facts.runs_build {
            report.push(
                Finding::warn(
                    findings::BUILD_MISSING,
                    Severity::Low,
                    "no CI step builds the project",
                )
                .at(&pipelines[0].path, None)
                .fix("add a step running `npm run build` so a broken build fails before deploy"),
            );
        }
        report.fact(
            "pipelines",
            pipelines
                .iter()
                .map(|p| json!({"path": p.path, "system": p.system, "jobs": p.jobs.iter().map(|j| &j.id).collect::<Vec<_>>(), "error": p.error}))
                .collect::<Vec<_>>(),
        );
        report.fact("installs_frozen", facts.installs_frozen);
        report.fact("runs_tests", facts.runs_tests);
        report.fact("tests_cannot_fail", facts.tests_cannot_fail);
        report.fact("runs_build", facts.runs_build);
        report.fact("unpinned_actions", facts.unpinned_actions);
        report.fact("permissions", facts.permissions);
        report.fact("deploy_jobs", facts.deploy_jobs);
        report.fact("runs_migrations", facts.runs_migrations);
        let load_test_runs =
            load_runs::load_test_runs(&pipelines, &load_runs::load_scripts(), swallows_failure);
        let tests = test_files::tests();
        if !tests.is_null() {
            load_tests_finding(&mut report, &tests, &load_test_runs);
        }
        report.fact("load_test_runs", load_test_runs);
        let updates = dependency_updates::dependency_updates();
        // Renovate's JSON5 beyond comments is not read, which is no fault of
        // the file; a Dependabot file that is not YAML is.
        if let (Some(path), Some(error), "dependabot") = (
            updates["path"].as_str(),
            updates["error"].as_str(),
            updates["tool"].as_str().unwrap_or_default(),
        ) {
            report.push(
                Finding::error(
                    findings::DEPENDABOT_UNPARSABLE,
                    format!("{path} {error}: the update schedule could not be judged"),
                )
                .at(path, None)
                .fix("fix the file's syntax"),
            );
        }
        if !tests.is_null() {
            if updates["tool"].is_null() || updates["npm"] == false {
                report.push(
                    Finding::warn(
                        findings::DEPENDENCY_UPDATES_MISSING,
                        Severity::Medium,
                        "no Dependabot or Renovate configuration updates the npm dependencies",
                    )
                    .fix("add `.github/dependabot.yml` with `package-ecosystem: npm` and a weekly schedule"),
                );
            }
            let can_fail = |a: &&Value| a["can_fail"] == true;
            if !facts.dependency_audits.iter().any(|a| can_fail(&a)) {
                let first = facts.dependency_audits.first();
                let finding = Finding::warn(
                    findings::DEPENDENCY_AUDIT_MISSING,
                    Severity::Medium,
                    if first.is_some() {
                        "the dependency audit step cannot fail"
                    } else {
                        "no CI step checks dependencies against security advisories"
                    },
                )
                .fix("add `npm audit --audit-level=high --omit=dev` as a step that fails the job");
                report.push(match first {
                    Some(a) => finding.at(
                        a["path"].as_str().unwrap_or_default(),
                        a["line"].as_u64().and_then(|l| u32::try_from(l).ok()),
                    ),
                    None => finding,
                });
            }
        }
        report.fact("dependency_audits", facts.dependency_audits);
        report.fact("dependency_updates", updates);
        if !tests.is_null() {
            for (kind, id, what, fix) in [
                (
                    "unit",
                    findings::UNIT_TESTS_MISSING,
                    "no unit test file",
                    "add tests next to the code they test (`*.test.ts`, `*.spec.ts`)",
                ),
                (
                    "api",
                    findings::API_TESTS_MISSING,
                    "no API test drives the server (supertest, Fastify `inject`, Hono `app.request`)",
                    "test the endpoints through the server: `request(app.getHttpServer()).get('/health').expect(200)`",
                ),
            ] {
                if tests[kind] == 0 {
                    report.push(Finding::warn(id, Severity::Medium, what).fix(fix));
                }
            }
            // A topic the project's dependencies give it and no test
            // exercises; whether its rule applies is the pack's to say from
            // the code the `node` check reads.
            let packages = gonogo_analysis::node::packages().unwrap_or_default();
            let declared = |names: &[&str]| {
                packages
                    .iter()
                    .any(|p| names.iter().any(|n| p.depends_on(n) || p.dev_depends_on(n)))
            };
            for (topic, id, what) in [
                (
                    Topic::Auth,
                    findings::AUTH_TESTS_MISSING,
                    "no test file exercises authentication",
                ),
                (
                    Topic::Payment,
                    findings::PAYMENT_TESTS_MISSING,
                    "no test file exercises payments",
                ),
                (
                    Topic::Upload,
                    findings::UPLOAD_TESTS_MISSING,
                    "no test file exercises uploads",
                ),
                (
                    Topic::Webhook,
                    findings::WEBHOOK_TESTS_MISSING,
                    "no test file posts to a webhook",
                ),
                (
                    Topic::Errors,
                    findings::ERROR_TESTS_MISSING,
                    "no test expects an error status (4xx, 5xx)",
                ),
            ] {
                let applies = topic.applies_with().is_none_or(declared);
                if applies && tests["topics"][topic.name()] == 0 {
                    report.push(Finding::warn(id, Severity::Low, what));
                }
            }
        }
        report.fact("tests", tests);
        Ok(report)
    }
}

/// `load-tests-not-run` when no load script sets pass criteria, or no CI
/// step runs a load test in a way that fails the pipeline.
fn load_tests_finding(report: &mut Report, tests: &Value, runs: &[Value]) {
    let problem = if tests["load_with_thresholds"] == 0 {
        if tests["load"] == 0 {
            "no load test script (k6, Artillery)"
        } else {
            "no load test script sets pass criteria (k6 `thresholds`, Artillery `ensure`)"
        }
    } else if runs.is_empty() {
        "no CI step runs the load tests"
    } else if !runs.iter().any(|r| r["can_fail"] == true) {
        "the CI step that runs the load tests cannot fail"
    } else {
        return;
    };
    let finding = Finding::warn(findings::LOAD_TESTS_NOT_RUN, Severity::Medium, problem).fix(
        "add a k6 script with `thresholds` (`http_req_duration: ['p(95)<500']`) and run it in CI with `k6 run`",
    );
    report.push(match runs.first() {
        Some(run) => finding.at(
            run["path"].as_str().unwrap_or_default(),
            run["line"].as_u64().and_then(|l| u32::try_from(l).ok()),
        ),
        None => match tests["examples"]["load"].as_str() {
            Some(path) => finding.at(path, None),
            None => finding,
        },
    });
}

#[derive(Default)]
struct Facts {
    installs_frozen: Option<bool>,
    runs_tests: bool,
    tests_cannot_fail: Vec<Value>,
    runs_build: bool,
    unpinned_actions: Vec<Value>,
    permissions: Vec<Value>,
    deploy_jobs: Vec<Value>,
    dependency_audits: Vec<Value>,
    runs_migrations: bool,
}

fn inspect(report: &mut Report, pipeline: &Pipeline, facts: &mut Facts) {
    let path = pipeline.path.as_str();
    for (job, step) in pipeline.steps() {
        if let Some(run) = &step.run {
            for (kind, command) in ci::installs(run, true) {
                let frozen = kind == Install::Frozen;
                facts.installs_frozen = Some(facts.installs_frozen.unwrap_or(true) && frozen);
                if !frozen {
                    report.push(
                        Finding::fail(
                            findings::INSTALL_NOT_FROZEN,
                            Severity::Medium,
                            format!("`{command}` may change the lockfile"),
                        )
                        .at(path, Some(step.line))
                        .fix("use `npm ci` (or `--frozen-lockfile` / `--immutable`)"),
                    );
                }
            }
            if has_any(run, TEST_COMMANDS) {
                facts.runs_tests = true;
                if swallows_failure(run) || step.continue_on_error {
                    facts
                        .tests_cannot_fail
                        .push(json!({"path": path, "line": step.line, "job": job.id}));
                    report.push(
                        Finding::fail(findings::TESTS_CANNOT_FAIL, Severity::High, format!("job `{}` ignores test failures", job.id))
                            .at(path, Some(step.line))
                            .fix("remove `|| …` / `continue-on-error` so failing tests fail the pipeline"),
                    );
                }
            }
            facts.runs_build |= has_any(run, BUILD_COMMANDS);
            facts.runs_migrations |= has_any(run, MIGRATE_COMMANDS);
            if has_any(run, AUDIT_COMMANDS) {
                let can_fail = !swallows_failure(run) && !step.continue_on_error;
                facts.dependency_audits.push(
                    json!({"path": path, "line": step.line, "job": job.id, "can_fail": can_fail}),
                );
            }
        }
        if let Some(uses) = &step.uses
            && AUDIT_ACTIONS.iter().any(|a| uses.starts_with(a))
        {
            facts.dependency_audits.push(json!({"path": path, "line": step.line, "job": job.id, "can_fail": !step.continue_on_error}));
        }
        if let Some(uses) = &step.uses {
            facts.runs_build |= uses.contains("docker/build-push-action");
            let local = uses.starts_with("./") || uses.starts_with("docker://");
            let reference = uses.rsplit_once('@').map(|(_, r)| r).unwrap_or_default();
            let sha = reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit());
            // One finding per action and file: the same `actions/checkout@v4`
            // in three jobs is one thing to pin (the facts keep every use).
            let reported = facts
                .unpinned_actions
                .iter()
                .any(|u| u["path"] == path && u["action"] == uses.as_str());
            if !local && !sha {
                facts
                    .unpinned_actions
                    .push(json!({"path": path, "line": step.line, "action": uses}));
            }
            if !local && !sha && !reported {
                report.push(
                    Finding::warn(findings::ACTION_UNPINNED, Severity::Medium, format!("`{uses}` is not pinned to a commit SHA"))
                        .at(path, Some(step.line))
                        .fix("pin `owner/action@<full SHA>` with the tag in a comment (Dependabot keeps it current)"),
                );
            }
        }
    }
    if pipeline.system == "github-actions" && pipeline.error.is_none() {
        let broad = |p: &Option<Value>| p.as_ref().is_some_and(|v| v == "write-all");
        let state = if broad(&pipeline.permissions)
            || pipeline.jobs.iter().any(|j| broad(&j.permissions))
        {
            "broad"
        } else if pipeline.permissions.is_some()
            || (!pipeline.jobs.is_empty() && pipeline.jobs.iter().all(|j| j.permissions.is_some()))
        {
            "restricted"
        } else {
            "missing"
        };
        facts
            .permissions
            .push(json!({"path": path, "state": state}));
        match state {
            "broad" => report.push(
                Finding::fail(
                    findings::PERMISSIONS_BROAD,
                    Severity::High,
                    "the workflow grants `write-all`",
                )
                .at(path, None)
                .fix("grant only what each job needs (`contents: read`, `id-token: write`…)"),
            ),
            "missing" => report.push(
                Finding::warn(
                    findings::PERMISSIONS_MISSING,
                    Severity::Medium,
                    "the workflow does not restrict the token's permissions",
                )
                .at(path, None)
                .fix("add `permissions: { contents: read }` at the top and widen per job"),
            ),
            _ => {}
        }
    }
    for job in pipeline.jobs.iter().filter(|j| is_deploy(j)) {
        let gated = gated(pipeline, job);
        let target = deploy_target(job);
        if target == "production" && !after_staging(pipeline, job) {
            report.push(
                Finding::warn(
                    findings::PRODUCTION_WITHOUT_STAGING,
                    Severity::Medium,
                    format!(
                        "`{}` deploys to production without a staging deploy before it",
                        job.id
                    ),
                )
                .at(path, Some(job.line))
                .fix("deploy to `environment: staging` first, and make this job `needs:` that one"),
            );
        }
        facts.deploy_jobs.push(json!({
            "path": path,
            "job": job.id,
            "line": job.line,
            "gated": gated,
            "target": target,
            "after_staging": target == "production" && after_staging(pipeline, job),
        }));
        if !gated {
            report.push(
                Finding::fail(
                    findings::DEPLOY_NOT_GATED,
                    Severity::High,
                    format!("deploy job `{}` does not wait for the tests", job.id),
                )
                .at(path, Some(job.line))
                .fix("add `needs: [test]` (the job that runs the tests)"),
            );
        }
    }
}

gonogo_check::export_check!(Ci);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_deploys_after_staging_are_told_apart() {
        let job = |id: &str, environment: Option<&str>, needs: &[&str]| Job {
            id: id.into(),
            environment: environment.map(str::to_owned),
            needs: needs.iter().map(|n| (*n).to_owned()).collect(),
            ..Job::default()
        };
        let pipeline = |jobs: Vec<Job>| Pipeline {
            path: ".github/workflows/deploy.yml".into(),
            system: "github-actions",
            permissions: None,
            triggers: Vec::new(),
            jobs,
            stages: Vec::new(),
            error: None,
            error_line: None,
        };
        let staged = pipeline(vec![
            job("test", None, &[]),
            job("deploy-staging", Some("staging"), &["test"]),
            job("smoke", None, &["deploy-staging"]),
            job("deploy-prod", Some("production"), &["smoke"]),
        ]);
        assert_eq!(deploy_target(&staged.jobs[1]), "staging");
        assert_eq!(deploy_target(&staged.jobs[3]), "production");
        assert!(after_staging(&staged, &staged.jobs[3]));
        let direct = pipeline(vec![
            job("test", None, &[]),
            job("deploy", Some("Production"), &["test"]),
        ]);
        assert_eq!(deploy_target(&direct.jobs[1]), "production");
        assert!(!after_staging(&direct, &direct.jobs[1]));
        assert_eq!(deploy_target(&job("release", None, &[])), "unknown");
        assert_eq!(deploy_target(&job("deploy-preprod", None, &[])), "staging");
    }

    #[test]
    fn commands_are_recognised() {
        assert!(has_any("npm test", TEST_COMMANDS));
        assert!(has_any("npm run test:e2e", TEST_COMMANDS));
        assert!(has_any("cd api && npm test -- --ci", TEST_COMMANDS));
        assert!(!has_any("npm run lint", TEST_COMMANDS));
        assert!(!has_any("echo contest", TEST_COMMANDS));
        assert!(has_any("pnpm -r test", TEST_COMMANDS));
        assert!(has_any("python -m pytest -q", TEST_COMMANDS));
        assert!(has_any("go test ./...", TEST_COMMANDS));
        assert!(
            has_any("npx turbo run test --filter=api", TEST_COMMANDS)
                || has_any("turbo run test --filter=api", TEST_COMMANDS)
        );
        assert!(has_any("npx prisma migrate deploy", MIGRATE_COMMANDS));
    }

    #[test]
    fn swallowed_failures_are_recognised() {
        assert!(swallows_failure("npm test || echo \"failed\""));
        assert!(swallows_failure("npm test ||   true"));
        assert!(!swallows_failure("npm test && npm run build"));
    }
}
