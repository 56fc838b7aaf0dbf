//! # `deps` — dependencies installed exactly and completely
//!
//! ## What it checks
//! A `package.json` it cannot read or parse (not valid JSON, nested too
//! deep, over the 2 MiB read cap, not UTF-8, not an object), outside test
//! folders, makes the check `error`, naming the file: the rules that read
//! it are then `error`, never "not applicable".
//!
//! - the package manager (`packageManager` in `package.json`, else the
//!   lockfile) and its lockfile: present, tracked by git, not gitignored;
//!   two lockfiles of different managers; a lockfile of another manager
//!   than `packageManager` names;
//! - `engines.node` declared in the root (or service) `package.json`;
//! - version ranges that accept anything (`*`, `latest`, `x`, `>=…`, empty);
//! - dependency installs in Dockerfiles and CI pipelines: `npm ci`,
//!   `--frozen-lockfile` or `--immutable` rather than `npm install`
//!   (pnpm freezes by default under CI);
//! - for each Node service, packages its shipped code imports (followed from
//!   the entry point, type-only imports excluded) that are only in
//!   `devDependencies`, and a start script running a dev-only tool
//!   (`ts-node`, `nodemon`…) — both break after `npm ci --omit=dev`, unless
//!   the build bundles dependencies (esbuild, webpack, tsup, ncc, rollup).
//!
//! ## Why it matters
//! Without a committed lockfile, every build resolves versions anew: what
//! was tested is not what ships. The seed checklists ask for `npm ci`, a
//! pinned Node version and production-only installs.
//!
//! ## Example of a failing project
//! `package-lock.json` in `.gitignore`, `"stripe": "latest"`, a Dockerfile
//! running `npm install`, and `src/main.ts` importing `dotenv` listed only
//! in `devDependencies`.
//!
//! ## How to fix
//! Commit one lockfile, install with `npm ci` (or the frozen form of your
//! manager), pin ranges, set `engines.node`, and move runtime imports to
//! `dependencies`.
//!
//! ## Facts it reports
//! `package_manager` (`npm`, `pnpm`, `yarn`, `bun` or null), `lockfiles`
//! (`path`, `manager`, `tracked`, `ignored`), `lockfile_committed` (true,
//! false, or null without git), `engines_node` (or null), `loose_versions`
//! (`package`, `range`, `path`), `installs` (`path`, `line`, `frozen`),
//! `dev_dependencies_at_runtime` (`service`, `package`, `path`, `line`),
//! `bundled` (service folders whose build bundles).
//!
//! ## Findings
//! - `lockfile-missing` (fail, high): no lockfile at the project root.
//! - `lockfile-not-committed` (fail, high): the lockfile is not tracked or is ignored.
//! - `multiple-lockfiles` (fail, medium): lockfiles of two managers.
//! - `lockfile-mismatch` (fail, medium): `packageManager` names another manager.
//! - `engines-missing` (warn, low): no `engines.node`.
//! - `loose-version` (fail, medium): a range that accepts any version.
//! - `install-not-frozen` (fail, medium): an install may rewrite the lockfile.
//! - `dev-dependency-at-runtime` (fail, high): shipped code imports a devDependency.
//! - `source-unreadable` (error): a module the service's entry points reach
//!   is over the read cap, or its `tsconfig.json` is not valid JSON: its
//!   imports are unknown, so `production-dependencies-only` is `error`.

pub mod findings;
use gonogo_analysis::{ci, dockerfile, node};
use gonogo_check::workspace::{self, VcsKind};
use gonogo_check::{Check, Finding, Info, Report, Severity, Value, json};

struct Deps;

const LOCKFILES: &[(&str, &str)] = &[
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lockb", "bun"),
    ("bun.lock", "bun"),
];

/// Tools that only development needs; a start script running one breaks
/// after a production install when they are devDependencies.
const DEV_RUNNERS: &[&str] = &["ts-node", "nodemon", "ts-node-dev", "tsx", "babel-node"];

const BUNDLERS: &[&str] = &[
    "esbuild",
    "webpack",
    "tsup",
    "@vercel/ncc",
    "ncc",
    "rollup",
    "vite",
    "parcel",
    "bun build",
];

impl Check for Deps {
    type Config = ();
    const INFO: Info = Info {
        id: "deps",
        name: "Dependencies",
        version: env!("CARGO_PKG_VERSION"),
        description: "Lockfile committed and matching the package manager, engines.node, loose version \
                      ranges, frozen installs in builds, devDependencies used at run time.",
    };

    fn run(_: ()) -> Result<Report, String> {
        let mut report = Report::new();
        let packages = node::packages()?;
        let Some(root) = packages.iter().find(|p| p.dir.is_empty()) else {
            report.fact("node_project", false);
            return Ok(report);
        };
        report.fact("node_project", true);
        lockfiles(&mut report, root);
        let services = node::services(&packages);
        engines(&mut report, root, &services);
        loose_versions(&mut report, &packages);
        installs(&mut report);
        runtime_dev_dependencies(&mut report, &services)?;
        Ok(report)
    }

    /// The service in the folder `dir`: its `dev-dependency-at-runtime`
    /// findings, and the facts `bundled` (true or false) and `found`.
    fn part(_: (), dir: &str) -> Result<Report, String> {
        let packages = node::packages()?;
        let service =
            &node::service_in(&packages, dir).ok_or_else(|| format!("no service in `{dir}`"))?;
        let mut report = Report::new();
        service_dev_dependencies(&mut report, &packages, service);
        Ok(report)
    }
}

fn lockfiles(report: &mut Report, root: &node::Package) {
    let present: Vec<(&str, &str)> = LOCKFILES
        .iter()
        .copied()
        .filter(|(p, _)| workspace::exists(p))
        .collect();
    let paths: Vec<&str> = present.iter().map(|(p, _)| *p).collect();
    let ignored = workspace::ignored(&paths);
    // A gitignored lockfile is not listed by the host; ask about the usual names.
    let ignored_absent: Vec<&str> = LOCKFILES
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !paths.contains(p))
        .collect();
    let ignored_paths: Vec<&str> = ignored_absent
        .iter()
        .zip(workspace::ignored(&ignored_absent))
        .filter(|(_, ignored)| *ignored)
        .map(|(p, _)| *p)
        .collect();
    // Asked of the host rather than through WASI, so that the outcome stays
    // reusable.
    let ignored_absent: Vec<&str> = ignored_paths
        .iter()
        .zip(workspace::present(&ignored_paths))
        .filter(|(_, present)| *present)
        .map(|(p, _)| *p)
        .collect();
    let declared = root.manifest["packageManager"]
        .as_str()
        .and_then(|pm| pm.split('@').next())
        .map(str::to_owned);
    let managers: std::collections::BTreeSet<&str> = present.iter().map(|(_, m)| *m).collect();
    let manager = declared
        .clone()
        .or_else(|| managers.iter().next().map(|m| (*m).to_owned()));
    report.fact("package_manager", manager.clone());
    let mut listed = Vec::new();
    let mut committed = workspace::vcs() == VcsKind::Git;
    for ((path, manager), ignored) in present.iter().zip(&ignored) {
        let tracked = workspace::tracked(path);
        listed.push(
            json!({"path": path, "manager": manager, "tracked": tracked, "ignored": ignored}),
        );
        if tracked == Some(false) || *ignored {
            committed = false;
            report.push(
                Finding::fail(
                    findings::LOCKFILE_NOT_COMMITTED,
                    Severity::High,
                    format!("`{path}` is not committed"),
                )
                .at(path, None)
                .fix("remove it from .gitignore and commit it"),
            );
        }
    }
    for path in &ignored_absent {
        listed.push(json!({"path": path, "manager": null, "tracked": false, "ignored": true}));
        report.push(
            Finding::fail(
                findings::LOCKFILE_NOT_COMMITTED,
                Severity::High,
                format!("`{path}` is gitignored"),
            )
            .at(".gitignore", None)
            .fix("remove it from .gitignore and commit it"),
        );
    }
    if present.is_empty() && ignored_absent.is_empty() {
        committed = false;
        report.push(
            Finding::fail(
                findings::LOCKFILE_MISSING,
                Severity::High,
                "no lockfile at the project root",
            )
            .at("package.json", None)
            .fix("run `npm install` (or your manager's install) once and commit the lockfile"),
        );
    }
    if managers.len() > 1 {
        report.push(
            Finding::fail(
                findings::MULTIPLE_LOCKFILES,
                Severity::Medium,
                format!(
                    "lockfiles of several package managers: {}",
                    paths.join(", ")
                ),
            )
            .at(paths.last().copied().unwrap_or("package.json"), None)
            .fix("keep the lockfile of the manager you use and delete the others"),
        );
    }
    if let Some(declared) = &declared
        && !managers.is_empty()
        && !managers.contains(declared.as_str())
    {
        report.push(
            Finding::fail(
                findings::LOCKFILE_MISMATCH,
                Severity::Medium,
                format!(
                    "`packageManager` names {declared}, the lockfile is {}'s",
                    managers.iter().next().copied().unwrap_or_default()
                ),
            )
            .at("package.json", None)
            .fix("install with the declared manager and commit its lockfile"),
        );
    }
    report.fact("lockfiles", listed);
    report.fact(
        "lockfile_committed",
        if workspace::vcs() == VcsKind::Git {
            Value::Bool(committed)
        } else {
            Value::Null
        },
    );
}

fn engines(report: &mut Report, root: &node::Package, services: &[node::Service]) {
    let declared = root.manifest["engines"]["node"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| {
            services.iter().find_map(|s| {
                s.package.manifest["engines"]["node"]
                    .as_str()
                    .map(str::to_owned)
            })
        });
    if declared.is_none() {
        report.push(
            Finding::warn(
                findings::ENGINES_MISSING,
                Severity::Low,
                "`engines.node` is not declared",
            )
            .at("package.json", None)
            .fix("add `\"engines\": { \"node\": \">=20 <21\" }` matching the runtime image"),
        );
    }
    report.fact("engines_node", declared);
}

/// Whether a dependency's version specifier accepts any future release:
/// an npm range with no upper bound (`*`, `x`, `>= 1.0.0`, a union with
/// one such part, empty), read by npm's own grammar (`nodejs-semver`), or
/// a dist-tag (`latest`, `next`), which moves. Specifiers that are not
/// ranges (`workspace:*`, `file:`, `link:`, git and tarball URLs, `npm:`
/// aliases) are not judged here.
fn is_loose(specifier: &str) -> bool {
    let specifier = specifier.trim();
    let not_a_range = specifier.contains(':') || specifier.contains('/');
    if not_a_range {
        return false;
    }
    match nodejs_semver::Range::parse(specifier) {
        Ok(range) => {
            let far_future = nodejs_semver::Version::from((u32::MAX as u64, 0, 0));
            range.satisfies(&far_future)
        }
        // A word npm resolves through the registry's dist-tags.
        Err(_) => specifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
    }
}

fn loose_versions(report: &mut Report, packages: &[node::Package]) {
    let mut loose = Vec::new();
    for package in packages
        .iter()
        .filter(|p| !gonogo_analysis::is_test_path(&p.manifest_path))
    {
        let text = workspace::read_text(&package.manifest_path).unwrap_or_default();
        for section in ["dependencies", "devDependencies"] {
            let Some(deps) = package.manifest[section].as_object() else {
                continue;
            };
            for (name, range) in deps {
                let Some(range) = range.as_str() else {
                    continue;
                };
                if !is_loose(range) {
                    continue;
                }
                let line = text
                    .find(&format!("\"{name}\""))
                    .map(|at| workspace::line_of(&text, at));
                loose.push(json!({"package": name, "range": range, "path": package.manifest_path}));
                report.push(
                    Finding::fail(
                        findings::LOOSE_VERSION,
                        Severity::Medium,
                        format!("`{name}` accepts any version (`{range}`)"),
                    )
                    .at(&package.manifest_path, line)
                    .fix("pin a caret or exact range (`npm install name@version`)"),
                );
            }
        }
    }
    report.fact("loose_versions", loose);
}

fn installs(report: &mut Report) {
    let mut found = Vec::new();
    let mut record = |report: &mut Report,
                      path: &str,
                      line: u32,
                      command: &str,
                      kind: ci::Install| {
        let frozen = kind == ci::Install::Frozen;
        found.push(json!({"path": path, "line": line, "frozen": frozen}));
        if !frozen {
            report.push(
                Finding::fail(findings::INSTALL_NOT_FROZEN, Severity::Medium, format!("`{command}` may change the lockfile"))
                    .at(path, Some(line))
                    .fix("use `npm ci` (or `yarn install --immutable`, `pnpm install --frozen-lockfile`)"),
            );
        }
    };
    for file in workspace::files() {
        let name = file.path.rsplit('/').next().unwrap_or_default();
        if !(name == "Dockerfile"
            || name.starts_with("Dockerfile.")
            || name.ends_with(".Dockerfile"))
        {
            continue;
        }
        let Some(text) = workspace::read_text(file.path) else {
            continue;
        };
        for run in dockerfile::parse(&text).all("RUN") {
            for (kind, command) in ci::installs(&run.args, false) {
                record(report, file.path, run.line, &command, kind);
            }
        }
    }
    for pipeline in ci::pipelines() {
        for (_, step) in pipeline.steps() {
            for (kind, command) in step
                .run
                .as_deref()
                .map(|r| ci::installs(r, true))
                .unwrap_or_default()
            {
                record(report, &pipeline.path, step.line, &command, kind);
            }
        }
    }
    report.fact("installs", found);
}

/// `dev-dependency-at-runtime` over every service, each service a part
/// of the run: on a later run, only the services whose files changed are
/// followed again.
fn runtime_dev_dependencies(report: &mut Report, services: &[node::Service]) -> Result<(), String> {
    let mut found = Vec::new();
    let mut bundled = Vec::new();
    let keys: Vec<String> = services.iter().map(|s| s.package.dir.clone()).collect();
    for (answer, dir) in gonogo_check::parts(&keys).into_iter().zip(keys) {
        let (findings, mut facts) = answer?.into_parts();
        for finding in findings {
            report.push(finding);
        }
        if facts.get("bundled") == Some(&Value::Bool(true)) {
            bundled.push(dir);
        }
        if let Some(Value::Array(more)) = facts.remove("found") {
            found.extend(more);
        }
    }
    report.fact("dev_dependencies_at_runtime", found);
    report.fact("bundled", bundled);
    Ok(())
}

/// What one service imports at run time from its devDependencies (none
/// when its build bundles them): findings, and the facts `bundled` and
/// `found`.
fn service_dev_dependencies(
    report: &mut Report,
    packages: &[node::Package],
    service: &node::Service,
) {
    let root = packages.iter().find(|p| p.dir.is_empty());
    let mut found = Vec::new();
    let package = &service.package;
    let build = package.script("build").unwrap_or_default();
    let bundled = BUNDLERS.iter().any(|b| build.contains(b));
    report.fact("bundled", bundled);
    if bundled {
        report.fact("found", found);
        return;
    }
    let dev_only = |name: &str| {
        let in_service = package.dev_depends_on(name) && !package.depends_on(name);
        // In a monorepo, a root dependency is installed for every service.
        let in_root = root.is_some_and(|r| r.depends_on(name));
        in_service && !in_root
    };
    for module in node::service_imports(service, packages) {
        if let Some(why) = &module.unreadable {
            report.push(
                Finding::error(
                    findings::SOURCE_UNREADABLE,
                    format!("{} {why}: what it imports is unknown", module.path),
                )
                .at(&module.path, None)
                .fix("split the file under the read cap, or fix the config's syntax"),
            );
        }
        for import in module
            .imports
            .iter()
            .filter(|i| !i.type_only && i.resolved.is_none())
        {
            let Some(name) = import.package() else {
                continue;
            };
            if dev_only(name) {
                found.push(json!({"service": package.dir, "package": name, "path": module.path, "line": import.line}));
                report.push(
                    Finding::fail(
                        findings::DEV_DEPENDENCY_AT_RUNTIME,
                        Severity::High,
                        format!("`{name}` is imported by shipped code but is only a devDependency"),
                    )
                    .at(&module.path, Some(import.line))
                    .fix("move it to `dependencies`: `npm ci --omit=dev` leaves it out"),
                );
            }
        }
    }
    if let Some(start) = package.script("start") {
        let first = start.split_whitespace().find(|w| !w.contains('='));
        if let Some(tool) = first.filter(|t| DEV_RUNNERS.contains(t) && dev_only(t)) {
            found.push(json!({"service": package.dir, "package": tool, "path": package.manifest_path, "line": null}));
            report.push(
                Finding::fail(
                    findings::DEV_DEPENDENCY_AT_RUNTIME,
                    Severity::High,
                    format!("the start script runs `{tool}`, a devDependency"),
                )
                .at(&package.manifest_path, None)
                .fix("build to JavaScript and start with `node dist/…`"),
            );
        }
    }
    report.fact("found", found);
}

gonogo_check::export_check!(Deps);

#[cfg(test)]
mod tests {
    #[test]
    fn loose_ranges_are_recognised() {
        for range in [
            "*",
            "latest",
            "next",
            "",
            ">=1.0.0",
            ">= 1.0.0",
            "x",
            "1.x || >=2",
            "^1.2.3 || *",
            ">1",
        ] {
            assert!(super::is_loose(range), "{range}");
        }
        for range in [
            "^1.2.3",
            "~4.0.0",
            "1.2.3",
            ">=1.0.0 <2.0.0",
            "1.x",
            "^0.2",
            "workspace:*",
            "file:../lib",
            "npm:lodash@*",
            "github:user/repo",
        ] {
            assert!(!super::is_loose(range), "{range}");
        }
    }
}
