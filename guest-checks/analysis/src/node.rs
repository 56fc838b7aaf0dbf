//! Node services of a repository: where they are (the root, workspace
//! packages of a monorepo, `apps/*`), what they depend on, and the file
//! their start command really runs.

use crate::graph::{self, Resolver, join, normalize, parent, source_of_output};
use gonogo_check::workspace;
use serde_json::Value;
use std::collections::BTreeMap;

/// One `package.json` of the project.
#[derive(Debug, Clone)]
pub struct Package {
    /// Its folder, relative to the project root (`""` for the root).
    pub dir: String,
    /// The path of the `package.json`.
    pub manifest_path: String,
    /// The parsed manifest.
    pub manifest: Value,
}

impl Package {
    /// The package name.
    pub fn name(&self) -> &str {
        self.manifest["name"].as_str().unwrap_or_default()
    }
    /// A script by name.
    pub fn script(&self, name: &str) -> Option<&str> {
        self.manifest["scripts"][name].as_str()
    }
    /// Whether it depends on `package` in `dependencies`.
    pub fn depends_on(&self, package: &str) -> bool {
        self.manifest["dependencies"].get(package).is_some()
    }
    /// Whether it lists `package` only in `devDependencies`.
    pub fn dev_depends_on(&self, package: &str) -> bool {
        self.manifest["devDependencies"].get(package).is_some()
    }
    /// The web framework its dependencies name.
    pub fn framework(&self) -> Option<&'static str> {
        [
            ("@nestjs/core", "nestjs"),
            ("fastify", "fastify"),
            ("express", "express"),
            ("koa", "koa"),
            ("hono", "hono"),
            ("@hapi/hapi", "hapi"),
        ]
        .into_iter()
        .find(|(package, _)| self.depends_on(package))
        .map(|(_, name)| name)
    }
}

/// Every `package.json` outside `node_modules`, parsed, by folder; `Err`
/// names the first one that cannot be read or parsed (and why), since a
/// check that skipped it would judge the project without it: its rules
/// would say "not applicable" of a package that is there. Manifests under
/// test paths (fixtures) that do not parse are left out, as they are not
/// part of what is deployed.
pub fn packages() -> Result<Vec<Package>, String> {
    let mut packages = Vec::new();
    for file in workspace::files()
        .iter()
        .filter(|f| f.path == "package.json" || f.path.ends_with("/package.json"))
        .filter(|f| !f.path.split('/').any(|p| p == "node_modules"))
    {
        match manifest(file.path) {
            Ok(manifest) => packages.push(Package {
                dir: parent(file.path).to_owned(),
                manifest_path: file.path.to_owned(),
                manifest,
            }),
            Err(_) if crate::is_test_path(file.path) => {}
            Err(why) => {
                return Err(format!(
                    "`{}` {why}: fix it, so that its package can be judged",
                    file.path
                ));
            }
        }
    }
    Ok(packages)
}

/// The parsed `package.json` at `path`, or why not.
fn manifest(path: &str) -> Result<Value, String> {
    let text = workspace::read_text_or_why(path)?;
    match serde_json::from_str::<Value>(&text) {
        Ok(manifest @ Value::Object(_)) => Ok(manifest),
        Ok(_) => Err("is not a JSON object".into()),
        Err(error) => Err(format!("is not valid JSON ({error})")),
    }
}

/// A service: a package that runs a server.
#[derive(Debug, Clone)]
pub struct Service {
    /// Its package.
    pub package: Package,
    /// Its web framework, if any.
    pub framework: Option<&'static str>,
    /// The source files its start command runs.
    pub entries: Vec<String>,
    /// Where the entry point came from (`scripts.start`, `nest-cli.json`,
    /// `main`, `Dockerfile CMD`, `convention`), or why none was found.
    pub entry_source: String,
}

/// The services of the project: packages with a web framework dependency
/// (or a start script) that are not libraries, front-ends or test tooling.
pub fn services(packages: &[Package]) -> Vec<Service> {
    services_where(packages, |_| true)
}

/// The service in the folder `dir`, if that package is one (as
/// [`services`] would find it, without working out the others).
pub fn service_in(packages: &[Package], dir: &str) -> Option<Service> {
    services_where(packages, |p| p.dir == dir).pop()
}

/// The services among the packages `chosen` keeps.
fn services_where(packages: &[Package], chosen: impl Fn(&Package) -> bool) -> Vec<Service> {
    let mut services: Vec<Service> = packages
        .iter()
        .filter(|p| chosen(p))
        .filter(|p| !crate::is_test_path(&p.manifest_path))
        .filter(|p| p.framework().is_some() && !is_frontend(p))
        .map(|p| {
            let (entries, entry_source) = entry_points(p);
            Service {
                framework: p.framework(),
                package: p.clone(),
                entries,
                entry_source,
            }
        })
        .collect();
    services.sort_by(|a, b| a.package.dir.cmp(&b.package.dir));
    services
}

/// Full-stack framework apps (Next.js, Nuxt, SvelteKit, Remix, React
/// Router, SolidStart, Analog: a package that depends on the framework and
/// whose scripts run its command) that are not services as [`services`] finds
/// them (`services`): their server code runs inside the framework, which the service
/// rules do not follow. Each as (folder, framework), to be named as not
/// judged rather than silently left out.
pub fn full_stack_apps(packages: &[Package], services: &[Service]) -> Vec<(String, &'static str)> {
    packages
        .iter()
        .filter(|p| !crate::is_test_path(&p.manifest_path))
        .filter(|p| !services.iter().any(|s| s.package.dir == p.dir))
        .filter_map(|p| {
            // (dependency, framework, the command its scripts run)
            [
                ("next", "next", &["next"][..]),
                ("nuxt", "nuxt", &["nuxt", "nuxi"][..]),
                ("@sveltejs/kit", "sveltekit", &["vite", "svelte-kit"][..]),
                ("@remix-run/node", "remix", &["remix", "react-router"][..]),
                ("@remix-run/serve", "remix", &["remix", "remix-serve"][..]),
                ("@react-router/node", "react-router", &["react-router"][..]),
                ("@solidjs/start", "solid-start", &["vinxi"][..]),
                ("@analogjs/platform", "analog", &["vite", "ng"][..]),
            ]
            .into_iter()
            .find(|(package, _, commands)| {
                (p.depends_on(package) || p.dev_depends_on(package)) && runs_any(p, commands)
            })
            .map(|(_, framework, _)| (p.dir.clone(), framework))
        })
        .collect()
}

/// Whether one of `package`'s scripts runs one of `commands` (an app
/// builds or serves itself; a library of components does not).
fn runs_any(package: &Package, commands: &[&str]) -> bool {
    package.manifest["scripts"]
        .as_object()
        .is_some_and(|scripts| {
            scripts.values().filter_map(Value::as_str).any(|script| {
                script
                    .split(['&', ';', '|'])
                    .filter_map(|part| part.split_whitespace().next())
                    .any(|word| commands.contains(&word.rsplit('/').next().unwrap_or(word)))
            })
        })
}

fn is_frontend(package: &Package) -> bool {
    [
        "next",
        "react-scripts",
        "vite",
        "@angular/core",
        "nuxt",
        "@remix-run/react",
        "gatsby",
    ]
    .iter()
    .any(|p| package.depends_on(p) || package.dev_depends_on(p))
        && !package.depends_on("@nestjs/core")
        && !package.depends_on("express")
        && !package.depends_on("fastify")
}

/// Workspace package names → folders, for resolving imports between them.
pub fn workspace_packages(packages: &[Package]) -> BTreeMap<String, String> {
    packages
        .iter()
        .filter(|p| !p.name().is_empty())
        .map(|p| (p.name().to_owned(), p.dir.clone()))
        .collect()
}

/// The resolver for imports in the service at `dir`.
pub fn resolver(dir: &str, packages: &[Package]) -> Resolver {
    Resolver {
        packages: workspace_packages(packages),
        ..Resolver::default()
    }
    .with_tsconfig(dir)
}

/// The resolver for a service's imports: its folder's TypeScript config,
/// then the one nearest each entry point (an Nx app's
/// `apps/api/tsconfig.json`, extending the root `tsconfig.base.json`).
fn service_resolver(service: &Service, packages: &[Package]) -> Resolver {
    let dir = service.package.dir.as_str();
    let mut resolver = resolver(dir, packages);
    for entry in &service.entries {
        let mut folder = graph::parent(entry);
        while folder.len() > dir.len() && folder.starts_with(dir) {
            if workspace::read_text(&join(folder, "tsconfig.json")).is_some() {
                resolver = resolver.with_tsconfig(folder);
                break;
            }
            folder = graph::parent(folder);
        }
    }
    resolver
}

/// Every module the service's entry points reach.
pub fn service_modules(service: &Service, packages: &[Package]) -> Vec<graph::Module> {
    graph::reachable(&service.entries, &service_resolver(service, packages))
}

/// The modules [`service_modules`] finds, with their imports only (no
/// tokens): for checks that only follow imports.
pub fn service_imports(service: &Service, packages: &[Package]) -> Vec<graph::Module> {
    graph::reachable_imports(&service.entries, &service_resolver(service, packages))
}

/// The source files a package's start command runs.
pub fn entry_points(package: &Package) -> (Vec<String>, String) {
    let dir = package.dir.as_str();
    let mut found: Vec<(String, String)> = Vec::new();
    for script in ["start:prod", "start", "serve", "dev"] {
        if let Some(command) = package.script(script) {
            for file in files_run_by(command, dir) {
                found.push((file, format!("scripts.{script}")));
            }
            if command.contains("nest start") || command.split_whitespace().next() == Some("nest") {
                found.extend(nest_entry(dir).map(|f| (f, "nest-cli.json".to_owned())));
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    if found.is_empty()
        && let Some(main) = package.manifest["main"].as_str()
        && let Some(file) = graph::resolve_file(&source_of_output(&normalize(&join(dir, main))))
    {
        found.push((file, "main".into()));
    }
    if found.is_empty() {
        found.extend(dockerfile_entry(dir).map(|f| (f, "Dockerfile CMD".to_owned())));
    }
    if found.is_empty() && package.depends_on("@nestjs/core") {
        found.extend(nest_entry(dir).map(|f| (f, "nest-cli.json".to_owned())));
    }
    if found.is_empty() {
        for candidate in [
            "src/main",
            "src/index",
            "src/server",
            "src/app",
            "server",
            "index",
            "app",
            "main",
        ] {
            if let Some(file) = graph::resolve_file(&join(dir, candidate)) {
                found.push((file, "convention".into()));
                break;
            }
        }
    }
    let source = found
        .first()
        .map_or_else(|| "none found".to_owned(), |(_, s)| s.clone());
    let mut files: Vec<String> = found.into_iter().map(|(f, _)| f).collect();
    files.dedup();
    (files, source)
}

/// Packages a package's start command preloads (`node -r newrelic`,
/// `--import dd-trace/init`, `NODE_OPTIONS='--require @opentelemetry/…'`):
/// agents that start before the entry point without being imported by it.
pub fn packages_preloaded(package: &Package) -> Vec<String> {
    let mut preloaded = Vec::new();
    for script in ["start:prod", "start", "serve"] {
        let Some(command) = package.script(script) else {
            continue;
        };
        let words: Vec<&str> = command
            .split(|c: char| c.is_whitespace() || c == '=')
            .map(|w| w.trim_matches(['"', '\'']))
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            if matches!(pair[0], "-r" | "--require" | "--import")
                && !pair[1].starts_with(['.', '/', '-'])
            {
                preloaded.push(pair[1].to_owned());
            }
        }
    }
    preloaded.sort();
    preloaded.dedup();
    preloaded
}

/// Source files a shell command runs with node, ts-node, tsx, nodemon…
pub fn files_run_by(command: &str, dir: &str) -> Vec<String> {
    let mut files = Vec::new();
    for part in command.split(['&', ';', '|']) {
        let words: Vec<&str> = part.split_whitespace().collect();
        let Some(runner) = words.iter().position(|w| {
            matches!(
                w.rsplit('/').next().unwrap_or(w),
                "node"
                    | "ts-node"
                    | "tsx"
                    | "nodemon"
                    | "ts-node-dev"
                    | "babel-node"
                    | "bun"
                    | "pm2-runtime"
                    | "esno"
            )
        }) else {
            continue;
        };
        let mut skip_next = false;
        for (position, word) in words.iter().enumerate().skip(runner + 1) {
            if skip_next {
                skip_next = false;
                continue;
            }
            if matches!(*word, "-r" | "--require" | "--import") {
                // Preloaded modules run first (Sentry's `--import ./instrument.mjs`).
                skip_next = true;
                if let Some(next) = words.get(position + 1).filter(|n| n.starts_with('.')) {
                    let path = normalize(&join(dir, next.trim_matches(['"', '\''])));
                    if let Some(file) = graph::resolve_file(&source_of_output(&path)) {
                        files.push(file);
                    }
                }
                continue;
            }
            if matches!(
                *word,
                "--loader" | "-e" | "--env-file" | "--exec" | "--watch-path"
            ) {
                skip_next = true;
                continue;
            }
            if word.starts_with('-') || word.contains('=') {
                continue;
            }
            let path = normalize(&join(dir, word.trim_matches(['"', '\''])));
            if let Some(file) = graph::resolve_file(&source_of_output(&path)) {
                files.push(file);
            }
            break;
        }
    }
    files
}

fn nest_entry(dir: &str) -> Option<String> {
    let config =
        workspace::read_text(&join(dir, "nest-cli.json")).and_then(|t| graph::parse_jsonc(&t));
    let source_root = config
        .as_ref()
        .and_then(|c| c["sourceRoot"].as_str())
        .unwrap_or("src")
        .to_owned();
    let entry = config
        .as_ref()
        .and_then(|c| c["entryFile"].as_str())
        .unwrap_or("main")
        .to_owned();
    graph::resolve_file(&normalize(&join(&join(dir, &source_root), &entry)))
}

fn dockerfile_entry(dir: &str) -> Option<String> {
    let text = workspace::read_text(&join(dir, "Dockerfile"))?;
    let dockerfile = crate::dockerfile::parse(&text);
    let cmd = dockerfile.final_stage()?.last("CMD")?;
    let command = cmd.exec_words().join(" ");
    // `CMD ["npm", "start"]` runs the start script, handled by the caller.
    files_run_by(&command, dir).into_iter().next()
}

#[cfg(test)]
mod tests {
    #[test]
    fn frameworks_are_named_from_dependencies() {
        let package = super::Package {
            dir: String::new(),
            manifest_path: "package.json".into(),
            manifest: serde_json::json!({"dependencies": {"@nestjs/core": "10", "express": "4"}}),
        };
        assert_eq!(package.framework(), Some("nestjs"));
    }

    #[test]
    fn agents_preloaded_by_the_start_command_are_named() {
        let package = super::Package {
            dir: String::new(),
            manifest_path: "package.json".into(),
            manifest: serde_json::json!({"scripts": {
                "start": "NODE_OPTIONS='--require dd-trace/init' node -r ./instrument.js --import @opentelemetry/auto-instrumentations-node/register dist/main.js",
                "dev": "node -r newrelic src/main.ts"
            }}),
        };
        assert_eq!(
            super::packages_preloaded(&package),
            [
                "@opentelemetry/auto-instrumentations-node/register",
                "dd-trace/init"
            ]
        );
    }

    #[test]
    fn a_full_stack_app_runs_its_framework_and_a_library_does_not() {
        let package = |dir: &str, manifest: serde_json::Value| super::Package {
            dir: dir.into(),
            manifest_path: format!("{dir}/package.json"),
            manifest,
        };
        let packages = [
            package(
                "apps/web",
                serde_json::json!({"dependencies": {"next": "15"}, "scripts": {"build": "next build", "start": "next start"}}),
            ),
            package(
                "packages/router",
                serde_json::json!({"dependencies": {"next": "15"}, "main": "index.ts"}),
            ),
            package(
                "apps/shop",
                serde_json::json!({"devDependencies": {"@sveltejs/kit": "2", "vite": "6"}, "scripts": {"dev": "vite dev"}}),
            ),
        ];
        assert_eq!(
            super::full_stack_apps(&packages, &[]),
            [
                ("apps/web".to_owned(), "next"),
                ("apps/shop".to_owned(), "sveltekit")
            ]
        );
    }
}
