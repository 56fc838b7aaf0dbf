//! Error answers: an unknown route under the API's prefix must answer 404,
//! a malformed JSON body posted there a 4xx (never a 5xx), and neither may
//! carry a stack trace, an internal path or an ORM's error name.

use crate::Prober;
use crate::client::send;
use crate::findings;
use gonogo_check::{Severity, Value, json};

/// The path probed for a 404, under the health route's prefix.
const NOT_FOUND_NAME: &str = "gonogo-probe-no-such-route";

/// A body that is not JSON, sent as JSON.
const MALFORMED_JSON: &str = r#"{"gonogo": "probe", "#;

/// Bytes of an error body read for leaks.
const MAX_BODY_READ: usize = 64 * 1024;

/// What an error body reveals: a stack trace, a path inside the server,
/// or the name of a database or ORM error.
pub fn leaks(body: &[u8]) -> Vec<&'static str> {
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_BODY_READ)]);
    let mut found = Vec::new();
    let frame = text.contains("    at ")
        && [".js:", ".ts:", ".mjs:", ".cjs:"]
            .iter()
            .any(|e| text.contains(e));
    if frame || text.contains("\"stack\":") {
        found.push("stack trace");
    }
    if text.contains("node_modules/")
        || text.contains("/app/src/")
        || text.contains("/usr/src/app/")
    {
        found.push("server path");
    }
    if [
        "PrismaClientKnownRequestError",
        "PrismaClientValidationError",
        "QueryFailedError",
        "SequelizeDatabaseError",
        "MongoServerError",
        "ECONNREFUSED",
    ]
    .iter()
    .any(|name| text.contains(name))
    {
        found.push("database error");
    }
    found
}

/// The prefix of the API: the health path without its last segment
/// (`/api/v1/health` → `/api/v1/`).
fn api_prefix(health_path: &str) -> String {
    let trimmed = health_path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => format!("{}/", &trimmed[..i]),
        None => "/".to_owned(),
    }
}

/// One error probe: its facts, and the findings it calls for.
fn probe(prober: &mut Prober, method: &str, path: &str, body: Option<&str>) -> Value {
    let headers: &[(&str, &str)] = match body {
        Some(_) => &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
        ],
        None => &[("accept", "application/json")],
    };
    match send(method, &prober.url(path), headers, body) {
        Ok(response) => {
            let leaked = leaks(&response.body);
            if !leaked.is_empty() {
                prober.fail(
                    findings::ERROR_LEAKS_INTERNALS,
                    Severity::High,
                    format!("{method} {path} answers {} with a {}", response.status, leaked.join(" and a ")),
                    "answer errors with a status and a short message; log the details (NODE_ENV=production, a global error handler)",
                );
            }
            json!({"path": path, "status": response.status, "leaks": leaked})
        }
        Err(error) => json!({"path": path, "status": null, "error": error, "leaks": []}),
    }
}

/// Probes an unknown route, with a GET and with a malformed JSON body (a
/// body parser mounted before the routes answers it first; the login route
/// is left alone, its rate limiter counts).
pub fn errors(prober: &mut Prober) {
    let Some(health_path) = prober.health.as_ref().map(|(p, _)| p.clone()) else {
        prober.report.fact("errors", Value::Null);
        return;
    };
    let prefix = api_prefix(&health_path);
    let not_found = probe(prober, "GET", &format!("{prefix}{NOT_FOUND_NAME}"), None);
    let status = not_found["status"].as_u64();
    if status.is_some_and(|s| s != 404) {
        prober.fail(
            findings::UNKNOWN_ROUTE_NOT_404,
            Severity::Medium,
            format!("an unknown route ({}) answers {}, not 404", not_found["path"].as_str().unwrap_or_default(), status.unwrap_or_default()),
            "let unknown routes fall through to a 404 (and serve a front-end's fallback outside the API's prefix)",
        );
    }
    let target = format!("{prefix}{NOT_FOUND_NAME}");
    let malformed = probe(prober, "POST", &target, Some(MALFORMED_JSON));
    let status = malformed["status"].as_u64();
    if status.is_some_and(|s| s >= 500) {
        prober.fail(
            findings::MALFORMED_JSON_SERVER_ERROR,
            Severity::High,
            format!("a malformed JSON body to {target} answers {}, a server error", status.unwrap_or_default()),
            "answer bad input with 400: a global error handler that maps body-parser's `entity.parse.failed` to 400",
        );
    }
    prober.report.fact(
        "errors",
        json!({"not_found": not_found, "malformed_json": malformed}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_traces_paths_and_orm_errors_are_leaks() {
        let express_dev = b"<pre>SyntaxError: Unexpected end of JSON input<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br>    at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)</pre>";
        assert_eq!(leaks(express_dev), ["stack trace", "server path"]);
        let json = br#"{"message":"boom","stack":"Error: boom\n    at handler (/usr/src/app/dist/main.js:10:5)"}"#;
        assert_eq!(leaks(json), ["stack trace", "server path"]);
        assert_eq!(
            leaks(br#"{"error":"PrismaClientKnownRequestError: Unique constraint"}"#),
            ["database error"]
        );
        assert!(
            leaks(br#"{"statusCode":404,"message":"Cannot GET /x","error":"Not Found"}"#)
                .is_empty()
        );
        assert!(leaks(b"Bad Request").is_empty());
    }

    #[test]
    fn the_api_prefix_comes_from_the_health_path() {
        assert_eq!(api_prefix("/api/v1/health"), "/api/v1/");
        assert_eq!(api_prefix("/health"), "/");
        assert_eq!(api_prefix("/healthz/"), "/");
    }
}
