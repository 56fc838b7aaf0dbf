//! What a service configures, detected in the modules its entry point
//! reaches: each detector returns facts and pushes findings.

use crate::scan::{self, At, Call, calls, initializer, mentions, package_used};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

/// Findings of one service, with where the service is.
pub struct Sink<'a> {
    /// Findings so far.
    pub findings: Vec<Finding>,
    /// The service's manifest, for findings about something absent.
    pub manifest: &'a str,
}

impl Sink<'_> {
    fn push(&mut self, finding: Finding, at: Option<&At>) {
        let finding = match at {
            Some(at) => finding.at(&at.path, Some(at.line)),
            None => finding.at(self.manifest, None),
        };
        self.findings.push(finding);
    }
}

fn at_json(at: &Option<At>) -> Value {
    at.as_ref()
        .map_or(Value::Null, |a| json!({"path": a.path, "line": a.line}))
}

/// Security headers: helmet (or the framework's plugin) registered.
pub fn security_headers(modules: &[Module], sink: &mut Sink) -> Value {
    let found = package_used(
        modules,
        &[
            "helmet",
            "@fastify/helmet",
            "koa-helmet",
            "lusca",
            "hono/secure-headers",
        ],
    );
    if found.is_none() {
        sink.push(
            Finding::fail(
                "security-headers-missing",
                Severity::High,
                "no security headers middleware (helmet) is registered",
            )
            .fix(
                "`app.use(helmet())` (Express/Nest) or `app.register(helmet)` (Fastify) at startup",
            ),
            None,
        );
    }
    json!({"present": found.is_some(), "via": found.as_ref().map(|f| &f.0), "at": at_json(&found.map(|f| f.1))})
}

/// How a CORS `origin` value behaves.
fn origin_kind(
    modules: &[Module],
    module: &Module,
    range: Range<usize>,
    depth: u8,
) -> (&'static str, bool) {
    let tokens = &module.tokens;
    let slice = &tokens[range.clone()];
    let Some(first) = slice.first() else {
        return ("unknown", false);
    };
    let wildcard_fallback = slice.windows(2).any(|w| {
        (w[0].is_punct("||") || w[0].is_punct("??")) && w[1].is_string() && w[1].text == "*"
    });
    if js::env_read(tokens, range.start).is_some() {
        return ("env", wildcard_fallback);
    }
    match first.kind {
        Kind::Str | Kind::Template if first.text == "*" => ("wildcard", false),
        Kind::Str | Kind::Template => ("list", false),
        Kind::Regex => ("list", false),
        Kind::Ident if first.text == "true" => ("reflect-any", false),
        Kind::Ident if first.text == "false" => ("disabled", false),
        Kind::Ident if first.text == "function" || first.text == "async" => ("function", false),
        Kind::Ident if slice.len() == 1 && depth < 3 => match initializer(module, &first.text) {
            Some(init) => origin_kind(modules, module, init, depth + 1),
            None => ("unknown", false),
        },
        // `config.corsOrigins`: the property of a configuration object,
        // declared in this module or in the module it is imported from.
        Kind::Ident if slice.len() == 3 && slice[1].is_punct(".") && depth < 3 => {
            match property(modules, module, &first.text, &slice[2].text) {
                Some((owner, value)) => origin_kind(modules, owner, value, depth + 1),
                None => ("unknown", false),
            }
        }
        Kind::Punct if first.text == "[" => {
            let inner = &tokens[range.start + 1..js::matching(tokens, range.start)];
            if inner.iter().any(|t| t.is_string() && t.text == "*") {
                ("wildcard", false)
            } else if inner
                .windows(3)
                .any(|w| w[0].is_ident("process") && w[2].is_ident("env"))
            {
                ("env", wildcard_fallback)
            } else {
                ("list", false)
            }
        }
        Kind::Punct if first.text == "(" && slice.iter().any(|t| t.is_punct("=>")) => {
            ("function", false)
        }
        _ if slice.iter().any(|t| t.is_ident("process")) => ("env", wildcard_fallback),
        _ => ("unknown", false),
    }
}

/// The value of `object.key` where `object` is an object literal declared
/// in `module` or imported into it from another reached module.
fn property<'a>(
    modules: &'a [Module],
    module: &'a Module,
    object: &str,
    key: &str,
) -> Option<(&'a Module, Range<usize>)> {
    let owner = match initializer(module, object) {
        Some(_) => module,
        None => {
            let import = module
                .imports
                .iter()
                .find(|i| i.bindings.iter().any(|b| b == object))?;
            let target = import.resolved.as_deref()?;
            modules.iter().find(|m| m.path == target)?
        }
    };
    let init = initializer(owner, object)?;
    js::object_value(&owner.tokens, init, key).map(|range| (owner, range))
}

/// CORS: how origins are allowed, and with credentials or not.
pub fn cors(modules: &[Module], sink: &mut Sink) -> Value {
    // (kind, credentials, env fallback to *, where)
    let mut configs: Vec<(&str, bool, bool, At)> = Vec::new();
    let judge_options = |call: &scan::Call, arg: usize, default_kind: &'static str| {
        let credentials = call
            .option(arg, "credentials")
            .is_some_and(|r| call.tokens()[r.start].is_ident("true"));
        let (kind, fallback) = if !call.arg_is_object(arg) {
            match call.args.get(arg) {
                None => (default_kind, false),
                Some(r) if call.tokens()[r.start].is_ident("true") => ("wildcard", false),
                Some(r) if call.tokens()[r.start].is_ident("false") => ("disabled", false),
                Some(_) => ("unknown", false),
            }
        } else {
            match call.option(arg, "origin") {
                Some(range) => origin_kind(modules, call.module, range, 0),
                None => ("wildcard", false), // cors({ credentials }) defaults to `*`
            }
        };
        (kind, credentials, fallback, call.at())
    };
    for module in modules {
        let bindings = scan::bindings_of(module, &["cors", "@koa/cors", "hono/cors"]);
        for binding in bindings {
            for call in calls(std::slice::from_ref(module), binding) {
                configs.push(judge_options(&call, 0, "wildcard"));
            }
        }
        let fastify_cors = scan::bindings_of(module, &["@fastify/cors"]);
        for call in calls(std::slice::from_ref(module), "register") {
            if call.args.first().is_some_and(|r| {
                fastify_cors
                    .iter()
                    .any(|b| mentions(call.tokens(), r.clone(), b))
            }) {
                configs.push(judge_options(&call, 1, "wildcard"));
            }
        }
    }
    for call in calls(modules, "enableCors") {
        configs.push(judge_options(&call, 0, "wildcard"));
    }
    for call in calls(modules, "create").filter(|c| c.receiver() == Some("NestFactory")) {
        if let Some(range) = call.option(1, "cors") {
            let token = &call.tokens()[range.start];
            if token.is_ident("true") {
                configs.push(("wildcard", false, false, call.at()));
            } else if token.is_punct("{") {
                let inner = scan::Call {
                    module: call.module,
                    name_index: call.name_index,
                    open: range.start,
                    args: vec![range.clone()],
                };
                configs.push(judge_options(&inner, 0, "wildcard"));
            }
        }
    }
    for name in ["setHeader", "header", "set"] {
        for call in calls(modules, name) {
            let is_acao = call
                .string_arg(0)
                .is_some_and(|h| h.eq_ignore_ascii_case("access-control-allow-origin"));
            if is_acao {
                let kind = match call.string_arg(1) {
                    Some("*") => "wildcard",
                    Some(_) => "list",
                    None => "reflect-any",
                };
                configs.push((kind, false, false, call.at()));
            }
        }
    }
    for (kind, credentials, fallback, at) in &configs {
        let (id, severity, message, fix) = match (*kind, *credentials) {
            ("wildcard" | "reflect-any", true) => (
                "cors-credentials-wildcard",
                Severity::Critical,
                "CORS allows any origin with credentials".to_owned(),
                "list the allowed origins explicitly (`origin: process.env.CORS_ORIGINS.split(',')`)",
            ),
            ("wildcard", false) => (
                "cors-wildcard",
                Severity::High,
                "CORS allows any origin (`*`)".to_owned(),
                "list the allowed origins explicitly",
            ),
            ("reflect-any", false) => (
                "cors-reflect-any",
                Severity::High,
                "CORS reflects any request origin".to_owned(),
                "list the allowed origins explicitly instead of `origin: true`",
            ),
            _ if *fallback => (
                "cors-env-fallback-wildcard",
                Severity::High,
                "CORS falls back to `*` when the origin variable is unset".to_owned(),
                "fail at startup when the variable is unset instead of allowing every origin",
            ),
            _ => continue,
        };
        sink.push(Finding::fail(id, severity, message).fix(fix), Some(at));
    }
    let first = configs.first();
    json!({
        "configured": !configs.is_empty(),
        "kind": first.map(|c| c.0),
        "credentials": first.is_some_and(|c| c.1),
        "env_fallback_wildcard": configs.iter().any(|c| c.2),
        "at": at_json(&first.map(|c| c.3.clone())),
    })
}

const RATE_LIMIT_PACKAGES: &[&str] = &[
    "express-rate-limit",
    "rate-limiter-flexible",
    "@nestjs/throttler",
    "@fastify/rate-limit",
    "express-slow-down",
    "koa-ratelimit",
    "express-brute",
    "hono-rate-limiter",
    "@upstash/ratelimit",
];

/// Names that hold a rate limiter in each module: package bindings,
/// variables made from them, and imports of such variables from other modules.
fn limiter_names(modules: &[Module]) -> Vec<BTreeSet<String>> {
    let mut names: Vec<BTreeSet<String>> = modules
        .iter()
        .map(|module| {
            let bindings = scan::bindings_of(module, RATE_LIMIT_PACKAGES);
            let mut set: BTreeSet<String> = bindings.iter().map(|b| (*b).to_owned()).collect();
            let tokens = &module.tokens;
            // Variables made from a binding: none without bindings.
            let scanned = if bindings.is_empty() { 0 } else { tokens.len() };
            for i in 1..scanned.saturating_sub(2) {
                let assigned = tokens[i].kind == Kind::Ident && tokens[i + 1].is_punct("=");
                if assigned {
                    let rhs = &tokens[i + 2..(i + 5).min(tokens.len())];
                    if rhs.iter().any(|t| bindings.iter().any(|b| t.is_ident(b))) {
                        set.insert(tokens[i].text.to_string());
                    }
                }
            }
            set
        })
        .collect();
    // One level of local imports: `const { authLimiter } = require('./limits')`.
    let by_path: HashMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(index, module)| (module.path.as_str(), index))
        .collect();
    let defined = names.clone();
    for (module, set) in modules.iter().zip(names.iter_mut()) {
        for import in &module.imports {
            let Some(&target) = import.resolved.as_deref().and_then(|t| by_path.get(t)) else {
                continue;
            };
            let exported = &defined[target];
            if exported.is_empty() {
                continue;
            }
            let default_export = exports_limiter(&modules[target], exported);
            for binding in &import.bindings {
                if exported.contains(binding) || default_export {
                    set.insert(binding.clone());
                }
            }
        }
    }
    names
}

/// Whether `module` exports (`module.exports =`, `export default`) and
/// mentions one of the limiter `names` it defines.
fn exports_limiter(module: &Module, names: &BTreeSet<String>) -> bool {
    module.tokens.windows(4).any(|w| {
        let exports = (w[0].is_ident("module")
            && w[1].is_punct(".")
            && w[2].is_ident("exports")
            && w[3].is_punct("="))
            || (w[0].is_ident("export") && w[1].is_ident("default"));
        exports
            && names
                .iter()
                .any(|n| module.tokens.iter().any(|t| t.is_ident(n)))
    })
}

/// Rate limiting: global, and on authentication routes.
pub fn rate_limit(
    modules: &[Module],
    routes: &[Vec<(String, Call<'_>)>],
    sink: &mut Sink,
) -> Value {
    let names = limiter_names(modules);
    let via = package_used(modules, RATE_LIMIT_PACKAGES);
    let mut global = false;
    let mut auth_specific = false;
    let mut auth_routes = Vec::new();
    for ((module, limiters), routes) in modules.iter().zip(&names).zip(routes) {
        let tokens = &module.tokens;
        // Nest: ThrottlerGuard as APP_GUARD or a global guard.
        let mentions_ident =
            |name: &str| module.may_mention(name) && tokens.iter().any(|t| t.is_ident(name));
        if mentions_ident("ThrottlerGuard")
            && (mentions_ident("APP_GUARD") || mentions_ident("useGlobalGuards"))
        {
            global = true;
        }
        let single = std::slice::from_ref(module);
        for call in calls(single, "use").chain(calls(single, "register")) {
            let Some(first) = call.args.first() else {
                continue;
            };
            let path_scoped = call.string_arg(0);
            let has_limiter = call
                .args
                .iter()
                .any(|r| limiters.iter().any(|n| mentions(tokens, r.clone(), n)));
            match (has_limiter, path_scoped) {
                (true, None) if !tokens[first.start].is_string() => global = true,
                (true, Some(path)) if scan::is_auth_path(path) => auth_specific = true,
                _ => {}
            }
        }
        if routes.is_empty() {
            continue;
        }
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        let nest_throttle = module.may_mention("Throttle")
            && tokens
                .windows(2)
                .any(|w| w[0].is_punct("@") && w[1].is_ident("Throttle"));
        for (path, call) in routes {
            if call.tokens()[call.name_index].text == "Controller"
                || call.tokens()[call.name_index].text == "use"
            {
                continue;
            }
            let full = scan::join_route(&prefix, path);
            if !scan::is_auth_path(&full) {
                continue;
            }
            auth_routes.push(call.at());
            let limited = call
                .args
                .iter()
                .skip(1)
                .any(|r| limiters.iter().any(|n| mentions(tokens, r.clone(), n)))
                || call
                    .option(1, "config")
                    .is_some_and(|r| tokens[r].iter().any(|t| t.is_ident("rateLimit")))
                || nest_throttle;
            auth_specific |= limited;
        }
    }
    if via.is_none() && !global {
        sink.push(
            Finding::fail("rate-limit-missing", Severity::High, "no rate limiting is applied")
                .fix("add express-rate-limit / @nestjs/throttler / @fastify/rate-limit globally, and a stricter limit on login"),
            None,
        );
    } else if !auth_routes.is_empty() && !auth_specific {
        sink.push(
            Finding::warn(
                "auth-rate-limit-missing",
                Severity::Medium,
                "authentication routes have no stricter rate limit than the rest",
            )
            .fix("apply a limiter of about 5 attempts per minute to login and password routes"),
            auth_routes.first(),
        );
    }
    json!({
        "present": via.is_some() || global,
        "via": via.as_ref().map(|v| &v.0),
        "global": global,
        "auth_routes": auth_routes.len(),
        "auth_specific": auth_specific,
    })
}

const HEALTH_WORDS: &[&str] = &[
    "health",
    "healthz",
    "livez",
    "readyz",
    "ready",
    "readiness",
    "liveness",
    "ping",
    "alive",
    "healthcheck",
];

/// Whether a route path is a health route: after an optional `api` and
/// version prefix, its first segment is a health word (`/api/v1/health`,
/// `/healthz`, `/health/ready`; not `/orders/:id/status`).
fn is_health_path(path: &str) -> bool {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    while segments.peek().is_some_and(|s| {
        *s == "api"
            || (s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit()) && s.len() > 1)
    }) {
        segments.next();
    }
    segments
        .next()
        .is_some_and(|first| HEALTH_WORDS.contains(&first.to_ascii_lowercase().as_str()))
}

/// Health and readiness routes.
pub fn health(modules: &[Module], routes: &[Vec<(String, Call<'_>)>], sink: &mut Sink) -> Value {
    let mut paths: BTreeSet<String> = BTreeSet::new();
    let mut dependency_checks = false;
    for (module, routes) in modules.iter().zip(routes) {
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        let mut here = false;
        for (path, call) in routes {
            let name = call.tokens()[call.name_index].text.as_str();
            if name == "use" || name == "Controller" {
                continue;
            }
            let full = scan::join_route(&prefix, path);
            if is_health_path(&full) {
                paths.insert(full);
                here = true;
            }
        }
        // `@Controller('health')` with a bare `@Get()`.
        if HEALTH_WORDS.contains(&prefix.trim_matches('/')) {
            let bare_get = module.tokens.windows(4).any(|w| {
                w[0].is_punct("@")
                    && w[1].is_ident("Get")
                    && w[2].is_punct("(")
                    && w[3].is_punct(")")
            });
            if bare_get {
                paths.insert(scan::join_route(&prefix, ""));
                here = true;
            }
        }
        if here {
            dependency_checks |= module.tokens.iter().any(|t| {
                (t.kind == Kind::Ident
                    && (t.text.ends_with("HealthIndicator")
                        || matches!(
                            t.text.as_str(),
                            "pingCheck" | "$queryRaw" | "ping" | "$executeRaw" | "authenticate"
                        )))
                    || (t.kind == Kind::Str && t.text.to_ascii_uppercase().contains("SELECT 1"))
            });
        }
    }
    let readiness = paths
        .iter()
        .any(|p| p.contains("ready") || p.contains("readiness"));
    if paths.is_empty() {
        sink.push(
            Finding::fail(
                "health-route-missing",
                Severity::High,
                "no health route (`/health`, `/healthz`…) is served",
            )
            .fix("serve `GET /health` returning 200 and `{ \"status\": \"ok\" }`"),
            None,
        );
    } else if !readiness {
        sink.push(
            Finding::warn(
                "readiness-route-missing",
                Severity::Low,
                "no readiness route checks dependencies",
            )
            .fix("serve `GET /health/ready` that checks the database and Redis"),
            None,
        );
    }
    json!({"paths": paths, "readiness": readiness, "dependency_checks": dependency_checks})
}

/// Request body size limits.
pub fn body_limit(modules: &[Module], sink: &mut Sink) -> Value {
    let facts = explicit_body_limit(modules);
    if facts["explicit"] == false {
        sink.push(
            Finding::warn("body-limit-default", Severity::Low, "no explicit request body limit: the framework's default applies")
                .fix("`express.json({ limit: '1mb' })`, `app.useBodyParser('json', { limit })` or Fastify `bodyLimit`"),
            None,
        );
    }
    facts
}

fn explicit_body_limit(modules: &[Module]) -> Value {
    for name in ["json", "urlencoded", "useBodyParser", "text", "raw"] {
        for call in calls(modules, name) {
            let arg = if name == "useBodyParser" { 1 } else { 0 };
            if let Some(range) = call.option(arg, "limit") {
                let value = call.tokens()[range.start].text.clone();
                return json!({"explicit": true, "value": value, "at": at_json(&Some(call.at()))});
            }
        }
    }
    for module in modules.iter().filter(|m| m.may_mention("bodyLimit")) {
        let tokens = &module.tokens;
        if let Some(i) = tokens
            .windows(3)
            .position(|w| w[0].is_ident("bodyLimit") && w[1].is_punct(":"))
        {
            return json!({"explicit": true, "value": tokens[i + 2].text, "at": at_json(&Some(At::of(module, i)))});
        }
    }
    json!({"explicit": false, "value": null, "at": null})
}

/// Structured logging, and how often `console` is used instead.
pub fn logger(modules: &[Module], sink: &mut Sink) -> Value {
    let library = package_used(
        modules,
        &[
            "pino",
            "pino-http",
            "nestjs-pino",
            "winston",
            "nest-winston",
            "bunyan",
            "log4js",
            "@nestjs/common",
        ],
    )
    .filter(|(package, _)| {
        package != "@nestjs/common"
            || modules.iter().any(|m| {
                m.may_mention("Logger")
                    && m.tokens
                        .windows(2)
                        .any(|w| w[0].is_ident("new") && w[1].is_ident("Logger"))
            })
    });
    // Fastify logs JSON through its built-in pino: `Fastify({ logger: … })`.
    let fastify_logger = modules.iter().any(|module| {
        scan::bindings_of(module, &["fastify"])
            .iter()
            .any(|binding| {
                calls(std::slice::from_ref(module), binding).any(|call| {
                    call.option(0, "logger")
                        .is_some_and(|r| !call.tokens()[r.start].is_ident("false"))
                })
            })
    });
    let library = library.or_else(|| {
        fastify_logger.then(|| {
            (
                "fastify-pino".to_owned(),
                At {
                    path: String::new(),
                    line: 0,
                },
            )
        })
    });
    let console_calls = modules
        .iter()
        .filter(|m| m.may_mention("console") && !gonogo_analysis::is_test_path(&m.path))
        .map(|m| {
            m.tokens
                .windows(3)
                .filter(|w| {
                    w[0].is_ident("console")
                        && w[1].is_punct(".")
                        && matches!(
                            w[2].text.as_str(),
                            "log" | "info" | "warn" | "error" | "debug"
                        )
                })
                .count()
        })
        .sum::<usize>();
    if library.is_none() {
        sink.push(
            Finding::warn(
                "structured-logger-missing",
                Severity::Medium,
                format!("no structured logger; {console_calls} console calls"),
            )
            .fix("log JSON with pino (`pino-http`, `nestjs-pino`) or winston"),
            None,
        );
    }
    let library = library.map(|(package, _)| {
        if package == "@nestjs/common" {
            "nest-logger".to_owned()
        } else {
            package
        }
    });
    json!({"library": library, "console_calls": console_calls})
}

/// Error tracking initialised at startup.
pub fn error_tracking(modules: &[Module], sink: &mut Sink) -> Value {
    let packages = [
        "@sentry/node",
        "@sentry/nestjs",
        "@sentry/serverless",
        "@sentry/bun",
        "@bugsnag/js",
        "@bugsnag/node",
        "rollbar",
        "@honeybadger-io/js",
        "newrelic",
        "dd-trace",
        "elastic-apm-node",
        "@opentelemetry/sdk-node",
        "@highlight-run/node",
    ];
    let mut library = None;
    let mut initialized = false;
    for module in modules {
        for package in packages {
            if let Some(import) = module.imports_package(package) {
                library.get_or_insert(package);
                // `Sentry.init(`, `init(`, `Rollbar(`, `require('newrelic')`, `tracer.init(`, `sdk.start(`.
                let side_effect_agent = matches!(package, "newrelic" | "elastic-apm-node")
                    || import.specifier.ends_with("/register");
                initialized |= side_effect_agent
                    || module.tokens.windows(2).any(|w| {
                        (w[0].is_ident("init")
                            || w[0].is_ident("start")
                            || w[0].is_ident("Rollbar")
                            || w[0].is_ident("NodeSDK")
                            || w[0].is_ident("start"))
                            && w[1].is_punct("(")
                    });
            }
        }
    }
    if !initialized {
        sink.push(
            Finding::warn(
                "error-tracking-missing",
                Severity::Medium,
                match library {
                    Some(p) => format!("`{p}` is imported but never initialised at startup"),
                    None => "no error tracking (Sentry or similar) is initialised".to_owned(),
                },
            )
            .fix("call `Sentry.init({ dsn: process.env.SENTRY_DSN })` before the app starts"),
            None,
        );
    }
    json!({"library": library, "initialized": initialized})
}

/// Graceful shutdown: signal handlers or the framework's hooks.
pub fn graceful_shutdown(modules: &[Module], sink: &mut Sink) -> Value {
    let mut signals: BTreeSet<String> = BTreeSet::new();
    for name in ["on", "once", "addListener"] {
        for call in calls(modules, name).filter(|c| c.receiver() == Some("process")) {
            if let Some(signal) = call.string_arg(0).filter(|s| s.starts_with("SIG")) {
                signals.insert(signal.to_owned());
            }
        }
    }
    let hooks = calls(modules, "enableShutdownHooks").next().is_some();
    let library = package_used(
        modules,
        &[
            "@godaddy/terminus",
            "http-terminator",
            "close-with-grace",
            "stoppable",
            "lightship",
            "@fastify/under-pressure",
        ],
    );
    let handled = signals.contains("SIGTERM") || hooks || library.is_some();
    if !handled {
        sink.push(
            Finding::warn("graceful-shutdown-missing", Severity::Medium, "SIGTERM is not handled: in-flight requests are cut on deploy")
                .fix("`app.enableShutdownHooks()` (Nest) or `process.on('SIGTERM', () => server.close(...))`"),
            None,
        );
    }
    json!({"handled": handled, "signals": signals, "framework_hooks": hooks, "library": library.map(|l| l.0)})
}

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "ENCRYPTION_KEY",
        "SIGNING_KEY",
        "DSN",
    ]
    .iter()
    .any(|w| upper.contains(w))
        && !upper.contains("EXPIR")
        && !upper.ends_with("_URL")
}

/// Environment variables read, and secrets with hard-coded fallbacks.
pub fn env_reads(modules: &[Module], sink: &mut Sink) -> (BTreeSet<String>, Vec<Value>) {
    let mut names = BTreeSet::new();
    let mut fallbacks = Vec::new();
    // `process.env…` or `….get(`/`….getOrThrow(`.
    let may_read = |m: &Module| {
        m.may_mention("process") || m.may_mention("get") || m.may_mention("getOrThrow")
    };
    for module in modules.iter().filter(|m| may_read(m)) {
        let tokens = &module.tokens;
        for i in 0..tokens.len() {
            let (name, after) = if let Some(found) = js::env_read(tokens, i) {
                found
            } else if let Some(found) = config_get(tokens, i) {
                found
            } else {
                continue;
            };
            names.insert(name.clone());
            let literal_fallback = match (tokens.get(after), tokens.get(after + 1)) {
                (Some(op), Some(value))
                    if (op.is_punct("||") || op.is_punct("??"))
                        && value.is_string()
                        && !value.text.is_empty() =>
                {
                    true
                }
                // configService.get('X', 'default')
                (Some(comma), Some(value))
                    if comma.is_punct(",") && value.is_string() && !value.text.is_empty() =>
                {
                    true
                }
                _ => false,
            };
            if literal_fallback && secret_name(&name) {
                let at = At::of(module, i);
                fallbacks.push(json!({"name": name, "path": at.path, "line": at.line}));
                sink.push(
                    Finding::fail(
                        "secret-fallback",
                        Severity::Critical,
                        format!("`{name}` falls back to a hard-coded value when unset"),
                    )
                    .fix(
                        "fail at startup when the variable is missing; never ship a default secret",
                    ),
                    Some(&at),
                );
            }
        }
    }
    (names, fallbacks)
}

/// `config.get('NAME'` / `configService.getOrThrow<string>('NAME'`: the
/// name and the index after it.
fn config_get(tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let t = |o: usize| tokens.get(i + o);
    if !(t(0)?.is_punct(".") && (t(1)?.is_ident("get") || t(1)?.is_ident("getOrThrow"))) {
        return None;
    }
    let receiver = tokens.get(i.checked_sub(1)?)?;
    if !receiver.text.to_ascii_lowercase().contains("config") {
        return None;
    }
    let mut at = i + 2;
    if t(2)?.is_punct("<") {
        while tokens.get(at).is_some_and(|t| !t.is_punct(">")) {
            at += 1;
        }
        at += 1;
    }
    if !tokens.get(at)?.is_punct("(") {
        return None;
    }
    let name = tokens.get(at + 1)?;
    let looks_like_env = name.kind == Kind::Str
        && name
            .text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    looks_like_env.then(|| (name.text.to_string(), at + 2))
}

/// Input validation libraries, and a global validation pipe.
pub fn validation(modules: &[Module], sink: &mut Sink) -> Value {
    let packages = [
        "class-validator",
        "zod",
        "joi",
        "yup",
        "express-validator",
        "celebrate",
        "ajv",
        "@sinclair/typebox",
        "valibot",
        "superstruct",
        "@hapi/joi",
    ];
    let libraries: BTreeSet<&str> = modules
        .iter()
        .flat_map(|m| {
            packages
                .iter()
                .filter(|p| m.imports_package(p).is_some())
                .copied()
                .collect::<Vec<_>>()
        })
        .collect();
    let global_pipe = calls(modules, "useGlobalPipes").any(|c| {
        c.args
            .iter()
            .any(|r| mentions(c.tokens(), r.clone(), "ValidationPipe"))
    }) || modules
        .iter()
        .any(|m| m.may_mention("APP_PIPE") && m.tokens.iter().any(|t| t.is_ident("APP_PIPE")));
    let whitelist = calls(modules, "ValidationPipe").any(|c| {
        c.option(0, "whitelist")
            .is_some_and(|r| c.tokens()[r.start].is_ident("true"))
    });
    let fastify_schemas = modules.iter().any(|m| {
        m.may_mention("schema")
            && m.tokens
                .windows(2)
                .any(|w| w[0].is_ident("schema") && w[1].is_punct(":"))
    });
    if libraries.is_empty() && !fastify_schemas {
        sink.push(
            Finding::warn("validation-missing", Severity::Medium, "request bodies are not validated with a schema library")
                .fix("validate input with zod/joi or class-validator with a global ValidationPipe({ whitelist: true })"),
            None,
        );
    }
    json!({"libraries": libraries, "global_pipe": global_pipe, "whitelist": whitelist, "route_schemas": fastify_schemas})
}

/// Password hashing: the library and bcrypt cost factors.
pub fn password_hashing(modules: &[Module], sink: &mut Sink) -> Value {
    let library = package_used(
        modules,
        &[
            "argon2",
            "@node-rs/argon2",
            "bcrypt",
            "bcryptjs",
            "@node-rs/bcrypt",
        ],
    )
    .map(|l| l.0);
    let mut rounds = Vec::new();
    for module in modules {
        let bindings = scan::bindings_of(module, &["bcrypt", "bcryptjs", "@node-rs/bcrypt"]);
        if bindings.is_empty() {
            continue;
        }
        let single = std::slice::from_ref(module);
        for (name, arg) in [
            ("hash", 1),
            ("hashSync", 1),
            ("genSalt", 0),
            ("genSaltSync", 0),
        ] {
            for call in calls(single, name) {
                let bound = call.receiver().is_some_and(|r| bindings.contains(&r))
                    || bindings.contains(&name);
                let Some(range) = call.args.get(arg).filter(|_| bound) else {
                    continue;
                };
                let token = &call.tokens()[range.start];
                let value = if token.kind == Kind::Number {
                    token.text.parse::<u32>().ok()
                } else if token.kind == Kind::Ident {
                    initializer(module, &token.text).and_then(|r| {
                        call.tokens()[r]
                            .iter()
                            .find(|t| t.kind == Kind::Number)
                            .and_then(|t| t.text.parse().ok())
                    })
                } else {
                    None
                };
                if let Some(value) = value {
                    rounds.push(value);
                    if value < 10 {
                        sink.push(
                            Finding::fail(
                                "weak-password-hashing",
                                Severity::High,
                                format!("bcrypt cost {value} is below 10"),
                            )
                            .fix("use a cost of 12 (or argon2id)"),
                            Some(&call.at()),
                        );
                    }
                }
            }
        }
    }
    json!({"library": library, "bcrypt_rounds": rounds})
}

/// JWT signing with an expiry.
pub fn jwt(modules: &[Module], sink: &mut Sink) -> Value {
    let mut signs = false;
    let mut without_expiry = Vec::new();
    let mut expires = Vec::new();
    for module in modules {
        let single = std::slice::from_ref(module);
        let jsonwebtoken = scan::bindings_of(module, &["jsonwebtoken"]);
        for call in calls(single, "sign") {
            let direct = call.receiver().is_some_and(|r| jsonwebtoken.contains(&r))
                || (call.receiver().is_none() && jsonwebtoken.contains(&"sign"));
            if !direct {
                continue;
            }
            signs = true;
            let payload_has_exp = call.option(0, "exp").is_some();
            match call.option(2, "expiresIn") {
                Some(range) => expires.push(call.tokens()[range.start].text.to_string()),
                None if !payload_has_exp => {
                    let at = call.at();
                    without_expiry.push(json!({"path": at.path, "line": at.line}));
                    sink.push(
                        Finding::fail(
                            "jwt-without-expiry",
                            Severity::High,
                            "a JWT is signed without an expiry",
                        )
                        .fix(
                            "pass `{ expiresIn: '15m' }` (and refresh tokens for longer sessions)",
                        ),
                        Some(&at),
                    );
                }
                None => {}
            }
        }
        for name in ["register", "registerAsync"] {
            for call in calls(single, name).filter(|c| c.receiver() == Some("JwtModule")) {
                signs = true;
                let tokens = call.tokens();
                let range = call.open..js::matching(tokens, call.open);
                match tokens[range.clone()]
                    .iter()
                    .position(|t| t.is_ident("expiresIn"))
                {
                    Some(i) => expires.push(
                        tokens
                            .get(range.start + i + 2)
                            .map_or(String::new(), |t| t.text.to_string()),
                    ),
                    None => {
                        let at = call.at();
                        without_expiry.push(json!({"path": at.path, "line": at.line}));
                        sink.push(
                            Finding::fail(
                                "jwt-without-expiry",
                                Severity::High,
                                "JwtModule signs tokens without `expiresIn`",
                            )
                            .fix("set `signOptions: { expiresIn: '15m' }`"),
                            Some(&at),
                        );
                    }
                }
            }
        }
        signs |=
            module.may_mention("SignJWT") && module.tokens.iter().any(|t| t.is_ident("SignJWT"));
        if module.may_mention("setExpirationTime")
            && module
                .tokens
                .iter()
                .any(|t| t.is_ident("setExpirationTime"))
        {
            expires.push("jose".into());
        }
    }
    json!({"signs": signs, "expiry_set": signs.then_some(without_expiry.is_empty()), "expires_in": expires, "without_expiry": without_expiry})
}

/// Cookies set without `httpOnly` or `secure`.
pub fn cookies(modules: &[Module], sink: &mut Sink) -> Value {
    let mut insecure = Vec::new();
    let mut set = 0;
    let mut check = |call: &scan::Call, options: Option<Range<usize>>, sink: &mut Sink| {
        set += 1;
        let tokens = call.tokens();
        let value_of = |key: &str| {
            options
                .clone()
                .and_then(|r| js::object_value(tokens, r, key))
        };
        let mut missing = Vec::new();
        if value_of("httpOnly").is_none_or(|r| tokens[r.start].is_ident("false")) {
            missing.push("httpOnly");
        }
        if value_of("secure").is_none_or(|r| tokens[r.start].is_ident("false")) {
            missing.push("secure");
        }
        if !missing.is_empty() {
            let at = call.at();
            insecure.push(json!({"path": at.path, "line": at.line, "missing": missing}));
            sink.push(
                Finding::fail("cookie-insecure", Severity::High, format!("a cookie is set without {}", missing.join(" and ")))
                    .fix("set `{ httpOnly: true, secure: true, sameSite: 'lax' }` (secure may depend on NODE_ENV)"),
                Some(&at),
            );
        }
    };
    for name in ["cookie", "setCookie"] {
        for call in calls(modules, name).filter(|c| {
            c.receiver()
                .is_some_and(|r| matches!(r, "res" | "reply" | "response" | "ctx"))
        }) {
            let options = call
                .args
                .get(2)
                .filter(|r| call.tokens()[r.start].is_punct("{"))
                .cloned();
            if call.args.len() >= 2 {
                check(&call, options, sink);
            }
        }
    }
    for module in modules {
        let bindings = scan::bindings_of(
            module,
            &[
                "express-session",
                "cookie-session",
                "@fastify/session",
                "@fastify/secure-session",
            ],
        );
        for binding in bindings {
            for call in calls(std::slice::from_ref(module), binding) {
                let cookie = call
                    .option(0, "cookie")
                    .filter(|r| call.tokens()[r.start].is_punct("{"));
                // express-session defaults to httpOnly: true; only `secure` must be set.
                let tokens = call.tokens();
                let secure = cookie
                    .clone()
                    .and_then(|r| js::object_value(tokens, r, "secure"))
                    .is_some_and(|r| !tokens[r.start].is_ident("false"));
                set += 1;
                if !secure {
                    let at = call.at();
                    insecure.push(json!({"path": at.path, "line": at.line, "missing": ["secure"]}));
                    sink.push(
                        Finding::fail("cookie-insecure", Severity::High, "the session cookie is not `secure`")
                            .fix("set `cookie: { secure: true, httpOnly: true }` (with `app.set('trust proxy', 1)` behind a proxy)"),
                        Some(&at),
                    );
                }
            }
        }
    }
    json!({"set": set, "insecure": insecure})
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_analysis::graph::parse_module;

    fn sink() -> Sink<'static> {
        Sink {
            findings: Vec::new(),
            manifest: "package.json",
        }
    }

    fn ids(sink: &Sink) -> Vec<String> {
        let outcome = format!("{:?}", sink.findings);
        [
            "cors-credentials-wildcard",
            "cors-wildcard",
            "cors-reflect-any",
            "cors-env-fallback-wildcard",
            "secret-fallback",
            "jwt-without-expiry",
            "cookie-insecure",
            "weak-password-hashing",
        ]
        .iter()
        .filter(|id| outcome.contains(&format!("\"{id}\"")))
        .map(|id| (*id).to_owned())
        .collect()
    }

    #[test]
    fn cors_configurations_are_judged() {
        let cases = [
            (
                "const cors = require('cors'); app.use(cors());",
                "wildcard",
                vec!["cors-wildcard"],
            ),
            (
                "import cors from 'cors'; app.use(cors({ origin: true, credentials: true }));",
                "reflect-any",
                vec!["cors-credentials-wildcard"],
            ),
            (
                "app.enableCors({ origin: process.env.ORIGINS || '*' });",
                "env",
                vec!["cors-env-fallback-wildcard"],
            ),
            (
                "const origins = ['https://a.example'];\napp.enableCors({ origin: origins, credentials: true });",
                "list",
                vec![],
            ),
            ("// app.use(cors())\nconst x = 'cors()';", "none", vec![]),
            (
                "const config = { origins: process.env.ORIGINS ?? '*' };\napp.enableCors({ origin: config.origins });",
                "env",
                vec!["cors-env-fallback-wildcard"],
            ),
        ];
        for (source, kind, expected) in cases {
            let modules = [parse_module("a.ts", source)];
            let mut sink = sink();
            let facts = cors(&modules, &mut sink);
            assert_eq!(facts["kind"].as_str().unwrap_or("none"), kind, "{source}");
            assert_eq!(ids(&sink), expected, "{source}");
        }
    }

    #[test]
    fn health_paths_are_recognised() {
        for path in [
            "/health",
            "/api/v1/health",
            "/healthz",
            "/health/ready",
            "/readyz",
            "/api/ping",
        ] {
            assert!(is_health_path(path), "{path}");
        }
        for path in [
            "/orders/1/status",
            "/status",
            "/api/users/health-insurance",
            "/v1/items",
        ] {
            assert!(!is_health_path(path), "{path}");
        }
    }

    #[test]
    fn secret_fallbacks_and_env_reads_are_found() {
        let modules = [parse_module(
            "a.ts",
            "const s = process.env.JWT_SECRET || 'dev';\nconst p = process.env.PORT || 3000;\nconst k = config.get<string>('API_KEY', 'abc');\nconst u = process.env['DATABASE_URL'] ?? 'postgres://localhost';",
        )];
        let mut sink = sink();
        let (names, fallbacks) = env_reads(&modules, &mut sink);
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            ["API_KEY", "DATABASE_URL", "JWT_SECRET", "PORT"]
        );
        assert_eq!(fallbacks.len(), 2);
    }

    #[test]
    fn jwt_cookies_and_bcrypt_are_judged() {
        let modules = [parse_module(
            "a.js",
            "const jwt = require('jsonwebtoken');\nconst bcrypt = require('bcrypt');\njwt.sign({ sub }, key);\njwt.sign({ sub }, key, { expiresIn: '1h' });\n\
             res.cookie('t', v, { httpOnly: true, secure: process.env.NODE_ENV === 'production' });\nres.cookie('u', v);\nconst ROUNDS = 8;\nbcrypt.hash(p, ROUNDS);",
        )];
        let mut sink = sink();
        let facts = jwt(&modules, &mut sink);
        assert_eq!(facts["without_expiry"].as_array().map(Vec::len), Some(1));
        let facts = cookies(&modules, &mut sink);
        assert_eq!(facts["insecure"].as_array().map(Vec::len), Some(1));
        let facts = password_hashing(&modules, &mut sink);
        assert_eq!(facts["bcrypt_rounds"], json!([8]));
        assert_eq!(
            ids(&sink),
            [
                "jwt-without-expiry",
                "cookie-insecure",
                "weak-password-hashing"
            ]
        );
    }
}
