//! # `docker` — container images and compose services ready for production
//!
//! ## What it checks
//! Every Dockerfile (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`); those
//! for development, tests or a dev environment (`Dockerfile.dev`,
//! `e2e.Dockerfile`, `.gitpod.Dockerfile`, `.devcontainer/`…) are described
//! but not judged:
//! - the user in effect at the final stage (following `FROM <stage>`) is
//!   not root;
//! - a `HEALTHCHECK` is in effect;
//! - every base image is pinned to a tag or digest (`ARG` defaults
//!   resolved), not `latest` or untagged;
//! - the build is multi-stage;
//! - devDependencies are not installed in the final image (`--omit=dev`,
//!   `NODE_ENV=production` before `npm ci`, `npm prune`, or `node_modules`
//!   copied from a stage that did one of those);
//! - `NODE_ENV=production` is set (in an image built on `node`);
//! - when the whole context is copied (`COPY . .`), `.dockerignore`
//!   excludes `.env*`, `node_modules` and `.git`;
//! - `COPY`/`ADD` sources exist in the project (or are gitignored build
//!   output).
//!
//! Every compose file (`docker-compose*.yml`, `podman-compose*.yml`, `compose*.yaml`); files for
//! development (`.dev.`, `.local.`, `.override.`, `.test.`, `.ci.`…) are
//! described but not judged:
//! - Redis has a password, append-only persistence and a maxmemory policy;
//! - database and cache ports are not published on every interface;
//! - every service has a restart policy and resource limits.
//!
//! ## Why it matters
//! The seed checklists ask for non-root containers, health checks, pinned
//! images, Redis with a password and persistence, and databases unreachable
//! from outside.
//!
//! ## Example of a failing project
//! `FROM node:latest`, `COPY . .`, `RUN npm install`, no `USER`; compose
//! with `redis:latest` and `ports: ["6379:6379"]`.
//!
//! ## How to fix
//! Build in a stage, copy the output into a pinned slim image with
//! `USER node`, `ENV NODE_ENV=production`, `npm ci --omit=dev` and a
//! `HEALTHCHECK`; in compose, drop database ports and configure Redis.
//!
//! ## Facts it reports
//! `dockerfiles`: per file `path`, `development`, `stages`, `runs_as_root`, `healthcheck`,
//! `bases` (`image`, `pinned` = `digest`|`tag`|`latest`|`none`, `line`),
//! `production_install` (true, false, or null when nothing is installed),
//! `node_image` (a stage is built on a `node` image), `node_env_production`,
//! `copies_context`, `dockerignore` (`present`,
//! `excludes_env`, `excludes_node_modules`, `excludes_git`),
//! `missing_copy_sources`. `compose_files`: per file `path`, `development`,
//! `services` (`name`, `kind` = `redis`|`postgres`|`mysql`|`mongo`|`app`,
//! `published_ports`, `restart`, `limits`, `healthcheck`, and for Redis
//! `redis` = `password`, `append_only`, `maxmemory_policy`). `platforms`:
//! per platform file (`railway.json`/`.toml`, `render.yaml`, `fly.toml`,
//! `Procfile`, PM2 `ecosystem.config.*`, Kubernetes manifests or Helm
//! values, systemd units) `kind`, `path`, `restart`, `health_check`,
//! `limits` (each true, false, or null when neither the file nor the
//! platform's defaults say), `replicas` (or null), `autoscaling` (a
//! Kubernetes HorizontalPodAutoscaler or KEDA ScaledObject, Helm
//! `autoscaling.enabled`, Render `scaling` with more maximum than minimum
//! instances, Fly.io machines started and stopped with traffic; null for
//! platforms that scale from their dashboard), `strategy` (how a new
//! version replaces the old: `canary`, `blue-green` (Argo Rollouts,
//! Flagger, Fly.io `[deploy] strategy`), `health-checked-switch` (Railway
//! and Render with a health check path: the new version takes traffic once
//! healthy), `switch` (the same without a health check), `rolling`,
//! `recreate`, `immediate`, or null), `deploys_on_push` (Render's
//! `autoDeploy`, true unless turned off; null where the repository cannot
//! show it: Railway, Heroku and Fly.io link the repository in their
//! dashboards), `defaults` (what comes
//! from the platform's defaults: Railway and Kubernetes restart, Render
//! and Fly.io machines have a size), or `error`.
//!
//! ## Findings
//! - `runs-as-root` (fail, high): the final stage runs as root.
//! - `healthcheck-missing` (warn, medium): no `HEALTHCHECK`.
//! - `base-image-unpinned` (fail, medium): a base image is `latest` or untagged.
//! - `single-stage` (warn, low): one stage only.
//! - `dev-dependencies-in-image` (fail, medium): devDependencies are installed.
//! - `node-env-not-production` (warn, medium): `NODE_ENV=production` is not set.
//! - `dockerignore-incomplete` (fail, high): `COPY .` without excluding `.env*`, `node_modules`, `.git`.
//! - `copy-missing-path` (fail, high): a copied path is not in the project.
//! - `redis-no-password` (fail, high), `redis-no-persistence` (warn, medium),
//!   `redis-no-eviction-policy` (warn, low): Redis configuration.
//! - `port-published` (fail, high): a database or cache port is published.
//! - `restart-policy-missing` (warn, medium), `resource-limits-missing`
//!   (warn, low): service settings.
//! - `platform-no-restart`, `platform-no-health-check`, `platform-no-limits`
//!   (warn, medium): a platform file turns restarts off, has no health
//!   check, or sets no resource limit.
//! - `platform-unreadable`, `compose-unreadable`, `dockerfile-unreadable`
//!   (error): a platform file that cannot be parsed, a production compose
//!   file that cannot be read or parsed, a production Dockerfile that cannot
//!   be read (over the read cap). The rules that read it are
//!   `error`, with the file and the parser's line, rather than judge or skip
//!   without it.

mod compose;
pub mod findings;
mod image;
mod platform;

use gonogo_analysis::dockerfile;
use gonogo_check::workspace;
use gonogo_check::{Check, Finding, Info, Report};

struct Docker;

impl Check for Docker {
    type Config = ();
    const INFO: Info = Info {
        id: "docker",
        name: "Docker images and compose",
        version: env!("CARGO_PKG_VERSION"),
        description: "Dockerfiles (non-root user, health check, pinned bases, stages, production \
                      installs, .dockerignore) and compose services (Redis, ports, restart, limits).",
    };

    fn run(_: ()) -> Result<Report, String> {
        let mut report = Report::new();
        let mut found = Vec::new();
        for file in workspace::files() {
            let path = file.path;
            if path.split('/').any(|p| p == "node_modules") || gonogo_analysis::is_test_path(path) {
                continue;
            }
            let name = path.rsplit('/').next().unwrap_or(path);
            let is_dockerfile = name == "Dockerfile"
                || name.starts_with("Dockerfile.")
                || name.ends_with(".Dockerfile");
            let is_compose = (name.starts_with("docker-compose")
                || name.starts_with("podman-compose")
                || name.starts_with("compose"))
                && (name.ends_with(".yml") || name.ends_with(".yaml"));
            if !(is_dockerfile || is_compose) {
                continue;
            }
            let text = match workspace::read_text_or_why(path) {
                Ok(text) => text,
                Err(_) if is_development(path) => continue,
                Err(why) => {
                    let (id, what) = if is_dockerfile {
                        (findings::DOCKERFILE_UNREADABLE, "its image")
                    } else {
                        (findings::COMPOSE_UNREADABLE, "its services")
                    };
                    report.push(
                        Finding::error(id, format!("{path} {why}: {what} could not be judged"))
                            .at(path, None)
                            .fix("keep it a regular file (not a symbolic link) under the 2 MiB read cap"),
                    );
                    continue;
                }
            };
            found.push(if is_dockerfile {
                Found::Dockerfile(path, dockerfile::parse(&text))
            } else {
                Found::Compose(path, text)
            });
        }
        // One git call for the COPY sources of every Dockerfile.
        let absent: Vec<Vec<image::Absent>> = found
            .iter()
            .map(|found| match found {
                Found::Dockerfile(path, file) => image::absent_sources(path, file),
                Found::Compose(..) => Vec::new(),
            })
            .collect();
        // Each source is asked about as a file and as a folder: `dist/`, the
        // usual way to ignore build output, matches only a folder, and git
        // cannot tell what an absent path would be.
        let as_folders: Vec<String> = absent
            .iter()
            .flatten()
            .map(|a| format!("{}/", a.local))
            .collect();
        let queries: Vec<&str> = absent
            .iter()
            .flatten()
            .zip(&as_folders)
            .flat_map(|(a, folder)| [a.local.as_str(), folder.as_str()])
            .collect();
        let answers = workspace::ignored(&queries);
        let mut ignored = answers.chunks(2).map(|pair| pair.iter().any(|i| *i));
        let mut dockerfiles = Vec::new();
        let mut compose_files = Vec::new();
        for (found, absent) in found.iter().zip(&absent) {
            match found {
                Found::Dockerfile(path, file) => {
                    let ignored: Vec<bool> = ignored.by_ref().take(absent.len()).collect();
                    // A development Dockerfile is described, not judged, as a
                    // development compose file is: its findings are dropped.
                    let development = is_development(path);
                    let mut described = Report::new();
                    let judged = if development {
                        &mut described
                    } else {
                        &mut report
                    };
                    let mut facts = image::check(judged, path, file, absent, &ignored);
                    facts["development"] = development.into();
                    dockerfiles.push(facts);
                }
                Found::Compose(path, text) => {
                    compose_files.push(compose::check(&mut report, path, text));
                }
            }
        }
        report.fact("dockerfiles", dockerfiles);
        report.fact("compose_files", compose_files);
        let platforms = platform::platforms();
        platform::judge(&mut report, &platforms);
        report.fact("platforms", platforms);
        Ok(report)
    }
}

/// Whether a Dockerfile or compose file is for development, tests or a
/// dev environment (described, not judged): a part of its name
/// (`Dockerfile.dev`, `docker-compose.override.yml`, `e2e.Dockerfile`,
/// `.gitpod.Dockerfile`) or a folder of its path (`.devcontainer/`,
/// `cypress/`, `e2e/`, `tests/`) says so.
pub fn is_development(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let (folders, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let marks = [
        "dev",
        "development",
        "local",
        "test",
        "tests",
        "override",
        "ci",
        "e2e",
        "debug",
        "gitpod",
        "devcontainer",
    ];
    name.split(['.', '-', '_'])
        .any(|part| marks.contains(&part))
        || folders.split('/').any(|folder| {
            matches!(
                folder,
                ".devcontainer" | ".gitpod" | "cypress" | "playwright" | "e2e" | "test" | "tests"
            )
        })
}

/// A file the check looks at, in the order of the file list.
enum Found<'a> {
    /// A Dockerfile at a path.
    Dockerfile(&'a str, dockerfile::Dockerfile),
    /// A Compose file at a path, with its text.
    Compose(&'a str, String),
}

gonogo_check::export_check!(Docker);

#[cfg(test)]
mod tests;
