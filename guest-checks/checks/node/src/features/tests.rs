//! The detectors on small modules.

use super::health::is_health_path;
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
