//! The detectors on small modules.

use super::health::is_health_path;
use super::*;
use gonogo_analysis::graph::parse_module;

pub(super) fn sink() -> Sink<'static> {
    Sink {
        findings: Vec::new(),
        manifest: "package.json",
    }
}

/// One module, `src/app.ts`, of `source`.
pub(super) fn one(source: &str) -> Vec<gonogo_analysis::graph::Module> {
    vec![parse_module("src/app.ts", source)]
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
        "/health-check",
        "/api/health_check",
    ] {
        assert!(is_health_path(path), "{path}");
    }
    for path in [
        "/orders/1/status",
        "/status",
        "/api/users/health-insurance",
        "/health-insurance",
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

#[test]
fn a_logger_library_is_structured_only_when_it_writes_json() {
    let cases = [
        (
            "import winston from 'winston';\nconst logger = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.printf(i => `${i.level} ${i.message}`)) });",
            Some("winston"),
            false,
        ),
        (
            "import winston from 'winston';\nconst logger = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.json()) });",
            Some("winston"),
            true,
        ),
        (
            "import winston from 'winston';\nconst logger = winston.createLogger({ transports: [new winston.transports.Console()] });",
            Some("winston"),
            true,
        ),
        (
            "import { Logger } from '@nestjs/common';\nconst logger = new Logger('App');\nlogger.log('up');",
            Some("nest-logger"),
            false,
        ),
        (
            "import { ConsoleLogger } from '@nestjs/common';\nconst app = await NestFactory.create(AppModule, { logger: new ConsoleLogger({ json: true }) });",
            Some("nest-logger"),
            true,
        ),
        (
            "import pino from 'pino';\nconst logger = pino();",
            Some("pino"),
            true,
        ),
        ("console.log('up');", None, false),
    ];
    for (source, library, structured) in cases {
        let modules = [parse_module("src/app.ts", source)];
        let mut findings = sink();
        let facts = logger(&modules, &mut findings);
        assert_eq!(facts["library"].as_str(), library, "{source}");
        assert_eq!(facts["structured"], structured, "{source}");
        let warned = format!("{:?}", findings.findings).contains("structured-logger-missing");
        assert_eq!(warned, !structured, "{source}");
    }
}

#[test]
fn jwt_lifetimes_are_read_as_jsonwebtoken_reads_them() {
    use gonogo_analysis::js::tokenize;
    let days = |source: &str| {
        let tokens = tokenize(source);
        super::jwt::expiry_days(&tokens[0])
    };
    assert_eq!(days("'7d'"), Some(7.0));
    assert_eq!(days("'180 days'"), Some(180.0));
    assert_eq!(days("'15m'").map(|d| (d * 1440.0).round()), Some(15.0));
    assert_eq!(days("86400"), Some(1.0));
    assert!(days("'1y'").is_some_and(|d| d > 365.0));
    assert!(
        days("'120'").is_some_and(|d| d < 0.001),
        "a bare string is milliseconds"
    );
    assert_eq!(days("config"), None);
    assert_eq!(days("'soon'"), None);
}

#[test]
fn a_jwt_that_lives_longer_than_thirty_days_is_reported() {
    let source = "import jwt from 'jsonwebtoken';\nexport const token = (id) => jwt.sign({ id }, process.env.JWT_SECRET, { expiresIn: '180 days' });";
    let modules = [parse_module("src/auth.ts", source)];
    let mut findings = sink();
    let facts = jwt(&modules, &mut findings);
    assert_eq!(facts["longest_expiry_days"], 180.0);
    assert!(format!("{:?}", findings.findings).contains("jwt-long-expiry"));
    let short = "import jwt from 'jsonwebtoken';\nexport const token = (id) => jwt.sign({ id }, process.env.JWT_SECRET, { expiresIn: '15m' });";
    let mut findings = sink();
    jwt(&[parse_module("src/auth.ts", short)], &mut findings);
    assert!(findings.findings.is_empty(), "{:?}", findings.findings);
}

#[test]
fn jose_and_fastify_jwt_lifetimes_are_read() {
    let jose = "import { SignJWT } from 'jose';\nexport const token = (id) => new SignJWT({ id }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('90 days').sign(key);";
    let mut findings = sink();
    let facts = jwt(&one(jose), &mut findings);
    assert_eq!(facts["signs"], true);
    assert_eq!(facts["longest_expiry_days"], 90.0);
    assert!(format!("{:?}", findings.findings).contains("jwt-long-expiry"));
    let forever = "import { SignJWT } from 'jose';\nexport const token = (id) => new SignJWT({ id }).setProtectedHeader({ alg: 'HS256' }).sign(key);";
    let mut findings = sink();
    let facts = jwt(&one(forever), &mut findings);
    assert_eq!(facts["expiry_set"], false);
    assert_eq!(ids(&findings), ["jwt-without-expiry"]);
    let absolute = "import { SignJWT } from 'jose';\nconst t = new SignJWT({}).setExpirationTime(1893456000).sign(key);";
    let facts = jwt(&one(absolute), &mut sink());
    assert_eq!(
        facts["longest_expiry_days"],
        Value::Null,
        "a number is a date, not a lifetime"
    );

    let registered = "import fastifyJwt from '@fastify/jwt';\nfastify.register(fastifyJwt, { secret: process.env.JWT_SECRET, sign: { expiresIn: '365d' } });";
    let mut findings = sink();
    let facts = jwt(&one(registered), &mut findings);
    assert_eq!(facts["longest_expiry_days"], 365.0);
    let bare = "import fastifyJwt from '@fastify/jwt';\nfastify.register(fastifyJwt, { secret: process.env.JWT_SECRET });";
    let mut findings = sink();
    jwt(&one(bare), &mut findings);
    assert_eq!(ids(&findings), ["jwt-without-expiry"]);
    let per_call = "import fastifyJwt from '@fastify/jwt';\nfastify.register(fastifyJwt, { secret });\nconst token = await reply.jwtSign({ id }, { expiresIn: '15m' });";
    let mut findings = sink();
    let facts = jwt(&one(per_call), &mut findings);
    assert!(findings.findings.is_empty(), "{:?}", findings.findings);
    assert_eq!(facts["expiry_set"], true);
}

#[test]
fn better_auth_sessions_and_cookies_are_read() {
    let defaults = "import { betterAuth } from 'better-auth';\nexport const auth = betterAuth({ database, emailAndPassword: { enabled: true } });";
    let mut findings = sink();
    let facts = sessions(&one(defaults), &mut findings);
    assert_eq!(facts["library"], "better-auth");
    assert_eq!(facts["longest_expiry_days"], 7.0);
    assert!(findings.findings.is_empty(), "{:?}", findings.findings);
    let long = "import { betterAuth } from 'better-auth';\nexport const auth = betterAuth({ session: { expiresIn: 7776000 }, advanced: { useSecureCookies: false } });";
    let mut findings = sink();
    let facts = sessions(&one(long), &mut findings);
    assert_eq!(facts["longest_expiry_days"], 90.0);
    assert_eq!(facts["insecure_cookies"].as_array().map(Vec::len), Some(1));
    let text = format!("{:?}", findings.findings);
    assert!(
        text.contains("session-long-expiry") && text.contains("cookie-insecure"),
        "{text}"
    );
    let product = "import { betterAuth } from 'better-auth';\nexport const auth = betterAuth({ session: { expiresIn: 60 * 60 * 24 * 14 } });";
    let facts = sessions(&one(product), &mut sink());
    assert_eq!(facts["longest_expiry_days"], 14.0);
    let variable = "import { betterAuth } from 'better-auth';\nexport const auth = betterAuth({ session: { expiresIn: SESSION_TTL } });";
    let facts = sessions(&one(variable), &mut sink());
    assert_eq!(
        facts["longest_expiry_days"],
        Value::Null,
        "a variable is not read"
    );
}

#[test]
fn express_session_lifetimes_are_read() {
    let without = "import session from 'express-session';\napp.use(session({ secret, resave: false, cookie: { secure: true, httpOnly: true } }));";
    let mut findings = sink();
    let facts = sessions(&one(without), &mut findings);
    assert_eq!(facts["without_expiry"].as_array().map(Vec::len), Some(1));
    assert!(format!("{:?}", findings.findings).contains("session-without-expiry"));
    let fortnight = "import session from 'express-session';\napp.use(session({ secret, cookie: { secure: true, maxAge: 1209600000 } }));";
    let mut findings = sink();
    let facts = sessions(&one(fortnight), &mut findings);
    assert_eq!(facts["longest_expiry_days"], 14.0);
    assert!(findings.findings.is_empty(), "{:?}", findings.findings);
    for unread in [
        "import session from 'express-session';\napp.use(session(sessionOptions));",
        "import session from 'express-session';\napp.use(session({ ...base, secret }));",
        "import session from 'express-session';\napp.use(session({ secret, cookie: cookieOptions }));",
    ] {
        let mut findings = sink();
        let facts = sessions(&one(unread), &mut findings);
        assert!(
            findings.findings.is_empty(),
            "{unread}: {:?}",
            findings.findings
        );
        assert_eq!(facts["longest_expiry_days"], Value::Null, "{unread}");
    }
    let year = "const cookieSession = require('cookie-session');\napp.use(cookieSession({ keys, maxAge: 365 * 24 * 60 * 60 * 1000 }));";
    let mut findings = sink();
    let facts = sessions(&one(year), &mut findings);
    assert_eq!(facts["longest_expiry_days"], 365.0);
    assert!(format!("{:?}", findings.findings).contains("session-long-expiry"));
}

#[test]
fn caching_in_redis_is_found() {
    let cases = [
        (
            "import Redis from 'ioredis';\nconst redis = new Redis(url);\nawait redis.set(`user:${id}`, JSON.stringify(user), 'EX', 300);",
            true,
        ),
        (
            "import { createClient } from 'redis';\nconst client = createClient({ url });\nawait client.set(key, value, { EX: 60 });",
            true,
        ),
        (
            "import Redis from 'ioredis';\nconst redis = new Redis(url);\nawait redis.setex(key, 60, value);",
            true,
        ),
        (
            "import { redisStore } from 'cache-manager-redis-yet';\nCacheModule.registerAsync({ useFactory: async () => ({ store: await redisStore({ url }) }) });",
            true,
        ),
        (
            "import Redis from 'ioredis';\nconst redis = new Redis(url);\nawait redis.set('lock', '1');\nawait redis.publish('events', msg);",
            false,
        ),
        ("const cache = new Map();\ncache.set(key, value);", false),
    ];
    for (source, cached) in cases {
        assert_eq!(redis_cache(&one(source)).is_some(), cached, "{source}");
    }
}

#[test]
fn routing_controllers_cors_option_is_judged() {
    let modules = [parse_module(
        "src/loaders/expressLoader.ts",
        "import { useExpressServer } from 'routing-controllers';\nconst app = useExpressServer(express(), { cors: true, classTransformer: true });",
    )];
    let mut findings = sink();
    let facts = cors(&modules, &mut findings);
    assert_eq!(facts["kind"], "wildcard", "{facts}");
    assert_eq!(ids(&findings), ["cors-wildcard"]);
}

#[test]
fn hono_middleware_imported_from_subpaths_is_found() {
    let source = "import { Hono } from 'hono';\nimport { cors } from 'hono/cors';\nimport { secureHeaders } from 'hono/secure-headers';\nconst app = new Hono();\napp.use('*', cors({ origin: ['https://shop.example'] }));\napp.use('*', secureHeaders());";
    let modules = [parse_module("src/app.ts", source)];
    let mut findings = sink();
    let package = manifest(json!({"dependencies": {"hono": "^4"}}));
    let headers = security_headers(&modules, &package, &mut findings);
    assert_eq!(headers["present"], true);
    // The framework's own middleware is no sign of a dependency left unused.
    assert_eq!(headers["declared"], Value::Null);
    assert_eq!(cors(&modules, &mut findings)["kind"], "list");
    assert!(findings.findings.is_empty(), "{:?}", findings.findings);
}

/// A root package with this `package.json`.
fn manifest(manifest: Value) -> gonogo_analysis::node::Package {
    gonogo_analysis::node::Package {
        dir: String::new(),
        manifest_path: "package.json".into(),
        manifest,
    }
}

#[test]
fn helmet_declared_but_never_registered_is_named() {
    let modules = [parse_module(
        "src/app.js",
        "const app = require('express')();\n// TODO: app.use(helmet())\nmodule.exports = app;",
    )];
    let mut findings = sink();
    let package = manifest(json!({"dependencies": {"express": "^4", "helmet": "^7"}}));
    let headers = security_headers(&modules, &package, &mut findings);
    assert_eq!(headers["present"], false);
    assert_eq!(headers["declared"], "helmet");
}

#[test]
fn a_rate_limiter_of_the_project_s_own_counts() {
    let limiter = parse_module(
        "src/middleware/rate-limit.ts",
        "export function createRateLimitMiddleware(options) { const buckets = new Map(); return async (c, next) => next(); }",
    );
    let mut app = parse_module(
        "src/app.ts",
        "import { Hono } from 'hono';\nimport { createRateLimitMiddleware } from './middleware/rate-limit';\nconst app = new Hono();\napp.use('*', createRateLimitMiddleware({ windowMs: 60000, max: 100 }));",
    );
    for import in &mut app.imports {
        if import.specifier.starts_with('.') {
            import.resolved = Some("src/middleware/rate-limit.ts".into());
        }
    }
    let modules = [app, limiter];
    let routes = vec![Vec::new(), Vec::new()];
    let mut findings = sink();
    let facts = rate_limit(&modules, &routes, &mut findings);
    assert_eq!(facts["present"], true, "{facts}");
    assert_eq!(facts["global"], true, "{facts}");
    assert_eq!(facts["via"], "the project's own middleware");
}

#[test]
fn hono_body_limit_is_explicit() {
    let source = "import { bodyLimit } from 'hono/body-limit';\napp.use('*', bodyLimit({ maxSize: 256 * 1024 }));";
    let mut findings = sink();
    let facts = body_limit(&[parse_module("src/app.ts", source)], &mut findings);
    assert_eq!(facts["explicit"], true, "{facts}");
    assert_eq!(facts["value"], "256 * 1024");
}

#[test]
fn sql_built_from_values_is_found_and_parameters_are_not() {
    let cases = [
        (
            "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const byId = (id) => pool.query(`SELECT * FROM users WHERE id = ${id}`);",
            1,
        ),
        (
            "const db = require('mysql2');\ndb.query('SELECT * FROM users WHERE email = \\'' + email + '\\'');",
            1,
        ),
        (
            "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nprisma.$queryRawUnsafe(`SELECT * FROM \"User\" WHERE id = ${id}`);",
            1,
        ),
        (
            "import { Pool } from 'pg';\nconst pool = new Pool();\npool.query('SELECT * FROM users WHERE id = $1', [id]);",
            0,
        ),
        (
            "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nprisma.$queryRaw`SELECT * FROM \"User\" WHERE id = ${id}`;",
            0,
        ),
        (
            "const url = `${base}/search?query=${q}`;\nfetch(url).then(r => r.json()).then(query);",
            0,
        ),
    ];
    for (source, expected) in cases {
        let mut findings = sink();
        let facts = raw_sql(&[parse_module("src/db.ts", source)], &mut findings);
        assert_eq!(
            facts["interpolated"].as_array().map(Vec::len),
            Some(expected),
            "{source}\n{facts}"
        );
    }
}

#[test]
fn a_global_error_handler_is_found_in_each_framework() {
    let found = [
        "app.use((err, req, res, next) => { res.status(500).json({ message: 'error' }); });",
        "app.use(function (error, req, res, next) { next(); });",
        "app.use(errorHandler);",
        "app.useGlobalFilters(new HttpExceptionFilter());",
        "providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }]",
        "fastify.setErrorHandler((error, request, reply) => reply.send(error));",
        "app.onError((err, c) => c.json({ error: 'internal' }, 500));",
        "import { useExpressServer } from 'routing-controllers';\nuseExpressServer(app, { cors: true, controllers: [] });",
    ];
    for source in found {
        let mut findings = sink();
        let facts = error_handler(&[parse_module("src/app.ts", source)], None, &mut findings);
        assert_eq!(facts["present"], true, "{source}");
    }
    let mut findings = sink();
    let facts = error_handler(
        &[parse_module(
            "src/app.ts",
            "app.use((req, res, next) => next());\napp.use(cors());",
        )],
        Some("express"),
        &mut findings,
    );
    assert_eq!(facts["present"], false);
    assert!(format!("{:?}", findings.findings).contains("error-handler-missing"));
    let mut findings = sink();
    let nest = error_handler(
        &[parse_module(
            "src/main.ts",
            "const app = await NestFactory.create(AppModule);",
        )],
        Some("nestjs"),
        &mut findings,
    );
    assert_eq!(nest["present"], true);
    assert!(findings.findings.is_empty());
}
