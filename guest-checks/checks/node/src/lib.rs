//! # `node` — what each Node service really configures
//!
//! ## What it checks
//! A `package.json` it cannot read or parse (not valid JSON, nested too
//! deep, over the 2 MiB read cap, not UTF-8, not an object), outside test
//! folders, makes the check `error`, naming the file: the rules that read
//! it are then `error`, never "not applicable".
//!
//! It finds the services of the repository (the root package and every
//! workspace package, `apps/*` and `packages/*` included, that depends on
//! a server framework: NestJS, Fastify, Express, Koa, Hono, hapi; front-end
//! packages are left out) and, for each, the file its start command really
//! runs: `scripts.start:prod` / `start` (`node dist/main.js` is mapped back
//! to `src/main.ts`, `-r`/`--import` preloads included), `nest start` with
//! `nest-cli.json`, `main`, the Dockerfile `CMD`, then the usual names.
//! From there it follows imports the way Node and TypeScript resolve them
//! (extensions, `index` files, `tsconfig` `paths`, workspace packages).
//! Only code reachable from the entry point counts: a `helmet()` in a file
//! nothing imports, in a comment, in a string or in a test does not.
//!
//! For each service it reports: security headers (helmet or the framework's
//! plugin); CORS (explicit list, environment, `*`, reflected origin,
//! credentials, an environment fallback to `*`); rate limiting (global and
//! on authentication routes); health and readiness routes, with Nest
//! controller prefixes; request body size limits; the logger, and whether
//! it writes structured (JSON) logs (winston formatted only with `printf`,
//! `simple` or `cli`, and Nest's own `Logger` without
//! `ConsoleLogger({ json: true })`, write plain text), and `console` calls; error tracking initialised (Sentry and others); graceful
//! shutdown (SIGTERM handlers, Nest shutdown hooks, terminus libraries);
//! `NODE_ENV` use; secrets with hard-coded fallbacks
//! (`process.env.JWT_SECRET || '…'`, `config.get('X', '…')`); input
//! validation (class-validator with a global `ValidationPipe`, zod, joi…);
//! password hashing (argon2, bcrypt and its cost); JWT expiry (jsonwebtoken,
//! Nest's `JwtModule`, jose's `setExpirationTime`, @fastify/jwt's `sign`
//! options); session lifetimes (better-auth's `session.expiresIn`, 7 days
//! by default; express-session's and cookie-session's `maxAge`) and
//! better-auth's cookies (`advanced.useSecureCookies`); cookies
//! without `httpOnly` or `secure`; role or permission checks (decorators
//! and guards such as `@Roles()`/`RolesGuard`, `@Authorized(['admin'])`,
//! CASL and other authorization libraries, `requireRole(…)` middleware,
//! `user.role === …` comparisons); CSRF exposure (cookies set or a cookie
//! session) and protection (a CSRF middleware, or `SameSite` strict/lax on
//! every cookie); webhook routes and whether a signature is verified
//! (`constructEvent`, `createHmac` with `timingSafeEqual`, Shopify, Svix);
//! the shortest password a schema accepts (`@MinLength`, zod/joi `.min`,
//! JSON-schema `minLength`, better-auth `minPasswordLength`); TOTP or
//! WebAuthn; log calls that print a secret read from the environment;
//! pino `redact` or a masking winston format; an APM agent started (also
//! when preloaded with `-r`/`--import`); metrics collected and exposed
//! (prom-client served or pushed, Prometheus plugins, OpenTelemetry
//! metrics, StatsD); file upload limits (multer and Nest's
//! `FileInterceptor`/`MulterModule` `limits.fileSize`, `@fastify/multipart`,
//! formidable `maxFileSize`, `MaxFileSizeValidator`); response caching (a
//! cache interceptor or middleware, or a cacheable `Cache-Control` header);
//! the columns Prisma queries filter on (`where` keys); routes that export
//! or delete a user's data; content moderation where an AI SDK is used;
//! the npm packages the service imports; and
//! environment variables the code reads
//! (`process.env.X`, `config.get('X')`) that `.env.example` does not list.
//!
//! When no entry point is found, the service's facts are `null` with the
//! reason, rather than a guess.
//!
//! ## Why it matters
//! These are the application items of every seed checklist: helmet, CORS
//! restricted to production domains, rate limiting on login, `/health`,
//! Sentry, structured logs, graceful shutdown, no default secrets, bcrypt
//! cost, token expiry, secure cookies, a complete `.env.example`; and the
//! security and operations items the seeds leave to sign-offs where code
//! can answer: role checks (RBAC), CSRF protection of cookie sessions,
//! webhook signatures (Shopify HMAC, Stripe), password length policies, a
//! second factor, secrets kept out of logs and personal data masked in
//! them, an APM agent and metrics.
//!
//! ## Example of a failing project
//! An Express app whose `app.js` uses `cors({ origin: true, credentials:
//! true })`, signs JWTs without `expiresIn`, reads
//! `process.env.JWT_SECRET || 'dev-secret'`, and whose only `helmet()` is in
//! `src/legacy/security.js`, which nothing imports.
//!
//! ## How to fix
//! Register the middleware in the code the entry point runs; each finding
//! names the file and line and what to write.
//!
//! ## Facts it reports
//! `services`: one object per service with `dir`, `name`, `framework`,
//! `entries`, `entry_source`, `modules` (files reached), and (null when no
//! entry point was found, with `unknown_reason`) `security_headers`
//! (`present`, `via`, `at`), `cors` (`configured`, `kind` =
//! `list`|`env`|`wildcard`|`reflect-any`|`function`|`disabled`|`unknown`,
//! `credentials`, `env_fallback_wildcard`, `at`), `rate_limit` (`present`,
//! `via`, `global`, `auth_routes`, `auth_specific`), `health` (`paths`,
//! `readiness`, `dependency_checks`), `body_limit` (`explicit`, `value`),
//! `logger` (`library`, `structured`, `console_calls`, `level`: the level
//! written in the logger's configuration, `value`, or the variable it
//! reads, `env`, with the level used when it is unset, `fallback`, or
//! `conditional` when a condition chooses it; null when none is written), `error_tracking` (`library`,
//! `initialized`), `graceful_shutdown` (`handled`, `signals`,
//! `framework_hooks`, `library`), `port` (where the server's port comes
//! from: `from` `env`, `literal` or `unknown`, `at`, `value`; null when no
//! `listen` or `serve` call is reached), `refresh_rotation` (`route`: the
//! first route whose path names `refresh`, `rotates`: whether the code
//! that refreshes invalidates the token it was given, null when that code
//! was not found, `at`; null without a refresh route), `node_env_read`, `secret_fallbacks`
//! (`name`, `path`, `line`), `validation` (`libraries`, `global_pipe`,
//! `whitelist`, `route_schemas`), `password_hashing` (`library`,
//! `bcrypt_rounds`), `jwt` (`signs`, `expiry_set`, `expires_in`,
//! `longest_expiry_days` (null when no value could be read),
//! `without_expiry`), `cookies` (`set`, `insecure`), `sessions`
//! (`library`, `longest_expiry_days`, `without_expiry`, `insecure_cookies`), `raw_sql` (`client`:
//! the SQL client reached, or null; `interpolated`: `path`, `line`),
//! `error_handler` (`present`, `via`, `at`), `access_control` (`present`,
//! `via`, `at`), `csrf` (`cookie_auth`, `protected`, `via`, `at`),
//! `webhooks` (`routes`: `path`, `at`, `verified`: its module, what it
//! imports, or where it is mounted checks a signature; `verified`, `via`, `constant_time`,
//! `at`), `password_policy` (`min_length` or null, `at`), `two_factor`
//! (`library`, `at`), `password_reset` (`route`: `METHOD /path` of a
//! route that resets a forgotten password, or better-auth's
//! `sendResetPassword`; `at`; `email_library`: the library that sends
//! email, or null; `by_email`: the reset goes by email), `secrets_logged` (`name`, `path`, `line`),
//! `log_redaction` (`present`, `via`, `at`, `paths`: pino's redacted paths
//! when written as literals, else null; `covers_credentials`,
//! `covers_personal`: null when the paths are unknown), `apm` (`library`, `at`),
//! `metrics` (`library`, `at`), `uploads` (`library` or null, `places`,
//! `unlimited`: `path`, `line`), `caching` (`via` or null, `at`; `redis`: how it caches or keeps
//! sessions in Redis, or null, `redis_at`),
//! `prisma_queries` (`model`: the client accessor, `fields`: the top-level
//! keys of a literal `where`, `method`, `path`, `line`; at most 500),
//! `queries_in_loops` (Prisma reads inside a loop over rows — `for`,
//! `while`, `.forEach`/`.map` callbacks —: `model`, `method`, `path`,
//! `line`; at most 50), `routes` (`method`, `path` with parameters as
//! `{}`, under the Nest controller's prefix; Express mounts are not
//! followed; at most 300), `data_rights` (`export`, `deletion`: `route` = `METHOD /path`, `path`,
//! `line`, or null), `moderation` (`ai_sdk` or null, `moderated`, `at`),
//! `packages` (the npm packages imported by
//! the code reached, type-only imports aside), `env` (`read`,
//! `template`, `templates`, `undocumented`). Top level: `service_count`; `unjudged_apps`
//! (`dir`, `framework`: full-stack apps — Next.js, Nuxt, SvelteKit, Remix… —
//! whose server code runs inside the framework and is not judged); `judged_count`,
//! the services whose entry point was found (the others have no feature
//! facts: nothing of their code was looked at); and `all` with the same
//! keys folded over the judged services (`true` only when every judged
//! service has it, `false` when none was judged) for rules that do not
//! care which service, and `all.entry_found`, over every service. One
//! service whose entry point is unknown leaves the others judged.
//!
//! ## Findings
//! - `entry-not-found` (warn, medium): a service whose entry point was not found.
//! - `security-headers-missing` (fail, high): no helmet.
//! - `cors-wildcard` (fail, high), `cors-reflect-any` (fail, high),
//!   `cors-credentials-wildcard` (fail, critical),
//!   `cors-env-fallback-wildcard` (fail, high): CORS allows any origin.
//! - `rate-limit-missing` (fail, high), `auth-rate-limit-missing` (warn, medium).
//! - `health-route-missing` (fail, high), `readiness-route-missing` (warn, low).
//! - `body-limit-default` (warn, low): no explicit request body limit.
//! - `structured-logger-missing` (warn, medium).
//! - `error-tracking-missing` (warn, medium).
//! - `graceful-shutdown-missing` (warn, medium).
//! - `refresh-not-rotated` (fail, high): the refresh route issues new
//!   tokens without invalidating the refresh token it was given.
//! - `port-fixed` (warn, medium): the server listens on a port number
//!   written in the code, not on the one the host assigns in `PORT`.
//! - `secret-fallback` (fail, critical): a secret has a hard-coded default.
//! - `validation-missing` (warn, medium).
//! - `weak-password-hashing` (fail, high): bcrypt cost below 10.
//! - `jwt-without-expiry` (fail, high).
//! - `jwt-long-expiry` (fail, medium): an `expiresIn` longer than 30 days
//!   (`'180 days'`, `'1y'`, `31536000`): a stolen token stays valid that long.
//! - `session-long-expiry` (fail, medium): a better-auth, express-session
//!   or cookie-session session lives longer than 30 days.
//! - `session-without-expiry` (fail, medium): express-session or
//!   cookie-session without `maxAge`.
//! - `cookie-insecure` (fail, high).
//! - `raw-sql-interpolated` (fail, high): SQL built from interpolated values
//!   (`query(\`SELECT … ${id}\`)`, `'SELECT … ' + id`, `$queryRawUnsafe` with a
//!   built string).
//! - `error-handler-missing` (warn, medium): no global error handler
//!   (Express error middleware, Nest `useGlobalFilters`/`APP_FILTER`,
//!   Fastify `setErrorHandler`, Hono `onError`, Koa `app.on('error')`; the built-in
//!   handlers of Nest, Fastify and routing-controllers count).
//! - `access-control-missing` (warn, medium): no role or permission check.
//! - `csrf-unprotected` (warn, medium): a cookie authenticates requests
//!   without a CSRF middleware or `SameSite` strict/lax.
//! - `apm-missing` (warn, low): no APM or tracing agent is started.
//! - `metrics-missing` (warn, low): no metrics are collected, or prom-client
//!   collects them and nothing serves them.
//! - `webhook-unverified` (fail, high): a webhook route, and no signature is
//!   verified anywhere in the service.
//! - `two-factor-missing` (warn, low): no TOTP or WebAuthn.
//! - `password-reset-missing` (warn, medium): users have passwords, but no
//!   route resets a forgotten one by email.
//! - `query-in-loop` (warn, medium): a Prisma read inside a loop over rows
//!   (an N+1 query).
//! - `log-redaction-missing` (warn, low): the logger masks no field.
//! - `secret-logged` (fail, high): a log call prints a secret read from the
//!   environment (`console.log(process.env.DATABASE_URL)`).
//! - `password-policy-weak` (warn, medium): passwords are stored and no
//!   schema requires 8 characters or more.
//! - `upload-unlimited` (fail, medium): file uploads are accepted without a
//!   size limit.
//! - `response-caching-missing` (warn, low): no response is cached.
//! - `data-export-missing`, `account-deletion-missing` (warn, low): no route
//!   exports a user's data, or deletes an account.
//! - `ai-unmoderated` (warn, medium): an AI SDK is used and no content goes
//!   through a moderation API.
//! - `env-undocumented` (warn, low): variables read but not in `.env.example`.
//! - `source-unreadable` (error): a module the entry points reach is over
//!   the read cap, or the `tsconfig.json` that resolves its imports is not
//!   valid JSON: what it holds or imports is unknown, so the rules that read
//!   the service's code are `error` with the file, never a pass or a skip.
//!   A module that is not UTF-8 is read with its odd bytes replaced.

mod features;
pub mod findings;
mod scan;

use features::Sink;
use gonogo_analysis::{graph, node};
use gonogo_check::workspace;
use gonogo_check::{Check, Finding, Info, Map, Report, Severity, Value, json};
use std::collections::BTreeSet;

struct Node;

impl Check for Node {
    type Config = ();
    const INFO: Info = Info {
        id: "node",
        name: "Node services",
        version: env!("CARGO_PKG_VERSION"),
        description: "Per Node service, followed from its real entry point: security headers, CORS, rate \
                      limits, health routes, logging, error tracking, shutdown, secret fallbacks, \
                      validation, hashing, JWT expiry, cookies, undocumented env variables.",
    };

    /// Each service is a part of the run: on a later run, only the
    /// services whose files changed are looked at again.
    fn run(_: ()) -> Result<Report, String> {
        let mut report = Report::new();
        let packages = node::packages()?;
        let services = node::services(&packages);
        let mut facts = Vec::new();
        let keys: Vec<String> = services.iter().map(|s| s.package.dir.clone()).collect();
        for answer in gonogo_check::parts(&keys) {
            let (findings, mut part) = answer?.into_parts();
            for finding in findings {
                report.push(finding);
            }
            facts.push(part.remove("service").unwrap_or_default());
        }
        report.fact("service_count", services.len());
        let unjudged: Vec<Value> = node::full_stack_apps(&packages, &services)
            .into_iter()
            .map(|(dir, framework)| json!({"dir": dir, "framework": framework}))
            .collect();
        report.fact("unjudged_apps", unjudged);
        report.fact(
            "judged_count",
            facts.iter().filter(|s| is_judged(s)).count(),
        );
        report.fact("all", fold(&facts));
        report.fact("services", facts);
        Ok(report)
    }

    /// The service in the folder `dir`: its findings, and its facts as
    /// the fact `service`.
    fn part(_: (), dir: &str) -> Result<Report, String> {
        let packages = node::packages()?;
        let service =
            &node::service_in(&packages, dir).ok_or_else(|| format!("no service in `{dir}`"))?;
        let mut sink = Sink {
            findings: Vec::new(),
            manifest: &service.package.manifest_path,
        };
        let facts = inspect(service, &packages, &mut sink);
        let mut report = Report::new();
        for finding in sink.findings {
            report.push(finding);
        }
        report.fact("service", facts);
        Ok(report)
    }
}

fn inspect(service: &node::Service, packages: &[node::Package], sink: &mut Sink) -> Value {
    let package = &service.package;
    let mut facts = json!({
        "dir": package.dir,
        "name": package.name(),
        "framework": service.framework,
        "entries": service.entries,
        "entry_source": service.entry_source,
    });
    if service.entries.is_empty() {
        sink.findings.push(
            Finding::warn(
                findings::ENTRY_NOT_FOUND,
                Severity::Medium,
                format!(
                    "no entry point found for the service in `{}`",
                    if package.dir.is_empty() {
                        "."
                    } else {
                        &package.dir
                    }
                ),
            )
            .at(&package.manifest_path, None)
            .fix("add a `start` script (`node dist/main.js`) or a `main` field"),
        );
        facts["unknown_reason"] = json!("no entry point found");
        for key in FEATURES {
            facts[*key] = Value::Null;
        }
        facts["modules"] = json!(0);
        return facts;
    }
    let modules = node::service_modules(service, packages);
    for module in &modules {
        if let Some(why) = &module.unreadable {
            sink.findings.push(
                Finding::error(
                    findings::SOURCE_UNREADABLE,
                    format!(
                        "{} {why}: the code of the service in `{}` could not all be judged",
                        module.path,
                        if package.dir.is_empty() {
                            "."
                        } else {
                            &package.dir
                        }
                    ),
                )
                .at(&module.path, None)
                .fix("split the file under the read cap, or fix the config's syntax"),
            );
        }
    }
    facts["modules"] = json!(modules.len());
    facts["security_headers"] = features::security_headers(&modules, package, sink);
    facts["cors"] = features::cors(&modules, sink);
    let routes = scan::routes_by_module(&modules);
    facts["rate_limit"] = features::rate_limit(&modules, &routes, sink);
    facts["health"] = features::health(&modules, &routes, sink);
    facts["body_limit"] = features::body_limit(&modules, sink);
    facts["logger"] = features::logger(&modules, sink);
    facts["error_tracking"] = features::error_tracking(&modules, sink);
    facts["graceful_shutdown"] = features::graceful_shutdown(&modules, sink);
    let (read, fallbacks) = features::env_reads(&modules, sink);
    facts["port"] = features::listen_port(&modules, &read, sink);
    facts["node_env_read"] = json!(read.contains("NODE_ENV"));
    facts["secret_fallbacks"] = json!(fallbacks);
    facts["validation"] = features::validation(&modules, sink);
    facts["password_hashing"] = features::password_hashing(&modules, sink);
    facts["jwt"] = features::jwt(&modules, sink);
    facts["cookies"] = features::cookies(&modules, sink);
    facts["sessions"] = features::sessions(&modules, sink);
    facts["raw_sql"] = features::raw_sql(&modules, sink);
    facts["error_handler"] = features::error_handler(&modules, service.framework, sink);
    facts["access_control"] = features::access_control(&modules, sink);
    facts["csrf"] = features::csrf(&modules, sink);
    facts["apm"] = features::apm(&modules, &node::packages_preloaded(package), sink);
    facts["metrics"] = features::metrics(&modules, sink);
    facts["webhooks"] = features::webhooks(&modules, &routes, sink);
    facts["two_factor"] = features::two_factor(&modules, sink);
    facts["log_redaction"] = features::log_redaction(&modules, sink);
    facts["secrets_logged"] = features::secrets_logged(&modules, sink);
    let hashes = !facts["password_hashing"]["library"].is_null();
    facts["password_policy"] = features::password_policy(&modules, hashes, sink);
    facts["password_reset"] = features::password_reset(&modules, &routes, hashes, sink);
    facts["refresh_rotation"] = features::refresh_rotation(&modules, &routes, sink);
    facts["uploads"] = features::upload_limits(&modules, sink);
    facts["caching"] = features::caching(&modules, sink);
    facts["prisma_queries"] = features::prisma_queries(&modules);
    facts["queries_in_loops"] = features::queries_in_loops(&modules, sink);
    facts["data_rights"] = features::data_rights(&modules, &routes, sink);
    facts["routes"] = features::routes(&modules, &routes);
    facts["moderation"] = features::moderation(&modules, sink);
    facts["packages"] = json!(packages_imported(&modules));
    facts["env"] = env_documentation(&package.dir, &read, sink);
    facts
}

/// The per-service keys that are null when no entry point is found.
const FEATURES: &[&str] = &[
    "security_headers",
    "cors",
    "rate_limit",
    "health",
    "body_limit",
    "logger",
    "error_tracking",
    "graceful_shutdown",
    "port",
    "node_env_read",
    "secret_fallbacks",
    "validation",
    "password_hashing",
    "jwt",
    "cookies",
    "raw_sql",
    "error_handler",
    "access_control",
    "csrf",
    "apm",
    "metrics",
    "webhooks",
    "two_factor",
    "log_redaction",
    "secrets_logged",
    "password_policy",
    "password_reset",
    "refresh_rotation",
    "uploads",
    "caching",
    "prisma_queries",
    "queries_in_loops",
    "data_rights",
    "routes",
    "moderation",
    "packages",
    "env",
];

/// The npm packages the reached modules import (type-only imports aside),
/// for rules that ask whether a service uses an SDK (`cloudinary`, `openai`).
fn packages_imported(modules: &[graph::Module]) -> BTreeSet<String> {
    modules
        .iter()
        .flat_map(|m| &m.imports)
        .filter(|i| !i.type_only)
        .filter_map(|i| i.package().map(str::to_owned))
        .filter(|p| !p.starts_with("node:"))
        .collect()
}

/// Variables the runtime, the shell or the OS set, which no env template
/// needs to list.
const SET_BY_THE_SYSTEM: &[&str] = &[
    "NODE_ENV", "PWD", "HOME", "PATH", "USER", "SHELL", "HOSTNAME", "TMPDIR", "TERM", "LANG",
];

/// Whether a file name is an env template: `env` and `example`,
/// `sample`, `template` or `dist` among its parts (`.env.example`,
/// `env-example-relational`, `example.env`, `.env.local.sample`).
fn is_env_template(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(['.', '-', '_']).collect();
    parts.contains(&"env")
        && parts
            .iter()
            .any(|p| matches!(*p, "example" | "sample" | "template" | "dist"))
}

/// Variables read that the env templates (of the service's folder, else
/// the root's; all of them when there are several, as for a service with
/// one template per database) do not list.
fn env_documentation(dir: &str, read: &BTreeSet<String>, sink: &mut Sink) -> Value {
    let templates_in = |folder: &str| -> Vec<String> {
        workspace::files()
            .iter()
            .map(|f| f.path)
            .filter(|p| graph::parent(p) == folder)
            .filter(|p| is_env_template(p.rsplit('/').next().unwrap_or(p)))
            .map(str::to_owned)
            .collect()
    };
    let mut templates = templates_in(dir);
    if templates.is_empty() && !dir.is_empty() {
        templates = templates_in("");
    }
    let template = templates.first().cloned();
    let documented: BTreeSet<String> = templates
        .iter()
        .filter_map(|path| workspace::read_text(path))
        .collect::<Vec<_>>()
        .join("\n")
        .lines()
        .filter_map(|line| {
            let line = line
                .trim()
                .trim_start_matches("export ")
                .trim_start_matches('#')
                .trim();
            let (key, _) = line.split_once('=')?;
            let key = key.trim();
            key.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                .then(|| key.to_owned())
        })
        .collect();
    let undocumented: Vec<&String> = read
        .iter()
        .filter(|n| !SET_BY_THE_SYSTEM.contains(&n.as_str()) && !documented.contains(*n))
        .collect();
    if !undocumented.is_empty() {
        let list = undocumented
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let finding = Finding::warn(
            findings::ENV_UNDOCUMENTED,
            Severity::Low,
            format!("read by the code but not in the env template: {list}"),
        )
        .fix("list every variable in .env.example with a placeholder value");
        sink.findings.push(match &template {
            Some(path) => finding.at(path, None),
            None => finding.at(sink.manifest, None),
        });
    }
    json!({"read": read, "template": template, "templates": templates, "undocumented": undocumented})
}

/// Whether a service's code was looked at: its entry point was found.
fn is_judged(service: &Value) -> bool {
    !service["entries"].as_array().is_none_or(Vec::is_empty)
}

/// Booleans that hold for every judged service (`all.<feature>`), for
/// rules that do not care which service, `false` when no service was
/// judged (never true over nothing); `all.entry_found` is over every
/// service. Null when there is no service.
fn fold(services: &[Value]) -> Value {
    if services.is_empty() {
        return Value::Null;
    }
    let judged: Vec<&Value> = services.iter().filter(|s| is_judged(s)).collect();
    let every = |f: &dyn Fn(&Value) -> bool| !judged.is_empty() && judged.iter().all(|s| f(s));
    let mut all = Map::new();
    type Test<'a> = &'a dyn Fn(&Value) -> bool;
    let pairs: [(&str, Test); 29] = [
        ("security_headers", &|s| {
            s["security_headers"]["present"] == true
        }),
        ("cors_restricted", &|s| {
            matches!(
                s["cors"]["kind"].as_str(),
                Some("list" | "env" | "function" | "disabled")
            ) && s["cors"]["env_fallback_wildcard"] == false
        }),
        ("rate_limit", &|s| s["rate_limit"]["present"] == true),
        ("auth_rate_limit", &|s| {
            s["rate_limit"]["auth_specific"] == true || s["rate_limit"]["auth_routes"] == 0
        }),
        ("health_route", &|s| {
            !s["health"]["paths"].as_array().is_none_or(Vec::is_empty)
        }),
        ("readiness_route", &|s| s["health"]["readiness"] == true),
        ("structured_logger", &|s| s["logger"]["structured"] == true),
        ("error_tracking", &|s| {
            s["error_tracking"]["initialized"] == true
        }),
        ("graceful_shutdown", &|s| {
            s["graceful_shutdown"]["handled"] == true
        }),
        ("no_secret_fallbacks", &|s| {
            s["secret_fallbacks"].as_array().is_some_and(Vec::is_empty)
        }),
        ("validation", &|s| {
            s["validation"]["libraries"]
                .as_array()
                .is_some_and(|l| !l.is_empty())
                || s["validation"]["route_schemas"] == true
        }),
        ("jwt_expiry", &|s| s["jwt"]["expiry_set"] != false),
        ("jwt_expiry_short", &|s| {
            s["jwt"]["longest_expiry_days"]
                .as_f64()
                .is_none_or(|days| days <= features::LONGEST_JWT_DAYS)
        }),
        ("cookies_secure", &|s| {
            s["cookies"]["insecure"]
                .as_array()
                .is_some_and(Vec::is_empty)
                && s["sessions"]["insecure_cookies"]
                    .as_array()
                    .is_none_or(Vec::is_empty)
        }),
        ("session_expiry_short", &|s| {
            s["sessions"]["longest_expiry_days"]
                .as_f64()
                .is_none_or(|days| days <= features::LONGEST_SESSION_DAYS)
                && s["sessions"]["without_expiry"]
                    .as_array()
                    .is_none_or(Vec::is_empty)
        }),
        ("sql_parameterized", &|s| {
            s["raw_sql"]["interpolated"]
                .as_array()
                .is_some_and(Vec::is_empty)
        }),
        ("error_handler", &|s| s["error_handler"]["present"] == true),
        ("access_control", &|s| {
            s["access_control"]["present"] == true
        }),
        ("csrf_protected", &|s| {
            s["csrf"]["cookie_auth"] == false || s["csrf"]["protected"] == true
        }),
        ("webhooks_verified", &|s| {
            s["webhooks"]["routes"]
                .as_array()
                .is_some_and(Vec::is_empty)
                || s["webhooks"]["verified"] == true
        }),
        ("no_secrets_logged", &|s| {
            s["secrets_logged"].as_array().is_some_and(Vec::is_empty)
        }),
        ("log_redaction", &|s| s["log_redaction"]["present"] == true),
        ("password_policy", &|s| {
            s["password_hashing"]["library"].is_null()
                || s["password_policy"]["min_length"]
                    .as_u64()
                    .is_some_and(|l| l >= features::SHORTEST_PASSWORD)
        }),
        ("two_factor", &|s| !s["two_factor"]["library"].is_null()),
        ("password_reset", &|s| {
            s["password_hashing"]["library"].is_null() || s["password_reset"]["by_email"] == true
        }),
        ("apm", &|s| !s["apm"]["library"].is_null()),
        ("metrics", &|s| !s["metrics"]["library"].is_null()),
        ("uploads_limited", &|s| {
            s["uploads"]["unlimited"]
                .as_array()
                .is_some_and(Vec::is_empty)
        }),
        ("response_caching", &|s| !s["caching"]["via"].is_null()),
    ];
    for (key, test) in pairs {
        all.insert(key.to_owned(), Value::Bool(every(test)));
    }
    all.insert(
        "entry_found".into(),
        Value::Bool(services.iter().all(is_judged)),
    );
    all.insert(
        "env_documented".into(),
        Value::Bool(every(&|s| {
            s["env"]["undocumented"]
                .as_array()
                .is_some_and(Vec::is_empty)
        })),
    );
    all.insert(
        "password_hashing_strong".into(),
        Value::Bool(every(&|s| {
            s["password_hashing"]["bcrypt_rounds"]
                .as_array()
                .is_none_or(|r| r.iter().all(|n| n.as_u64().is_some_and(|n| n >= 10)))
        })),
    );
    all.insert(
        "body_limit_explicit".into(),
        Value::Bool(every(&|s| s["body_limit"]["explicit"] == true)),
    );
    Value::Object(all)
}

gonogo_check::export_check!(Node);

#[cfg(test)]
mod tests {
    #[test]
    fn env_templates_are_named_in_many_ways() {
        for name in [
            ".env.example",
            "env-example-relational",
            "example.env",
            ".env.local.sample",
            ".env.dist",
        ] {
            assert!(super::is_env_template(name), "{name}");
        }
        for name in [".env", ".env.production", "environment.ts", "examples.md"] {
            assert!(!super::is_env_template(name), "{name}");
        }
    }
}
