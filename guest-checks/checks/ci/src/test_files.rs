//! The project's tests by kind, from the test files and what they import:
//! API tests drive the server (`supertest`, Fastify `inject`, Hono
//! `app.request`, a Postman collection), browser end-to-end tests drive a browser (Playwright,
//! Cypress, Puppeteer), load tests are k6 or Artillery scripts; other test
//! files are unit tests. The paths API tests request (and the requests of
//! a Postman collection) are kept, as routes
//! read them (`/users/${id}` → `/users/{}`). A load script's pass criteria are its k6
//! `thresholds` or Artillery `ensure` block: without them a load test
//! passes however slow or failing the service is.

use gonogo_check::{Value, json, workspace};

/// What a test file is, from its path and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Functions tested on their own.
    Unit,
    /// The API tested through the server (integration).
    Api,
    /// The product tested through a browser.
    Browser,
    /// Traffic generated against a running service.
    Load,
}

const SOURCE_EXTENSIONS: &[&str] = &[".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts"];

/// Request paths of API tests kept at most.
const MAX_REQUESTED: usize = 1_000;

/// How many test files are read to tell their kind; the others are told
/// by their path.
const MAX_TEST_FILES_READ: usize = 2_000;

/// Whether `path` is a JavaScript or TypeScript test file by its name or
/// folder (`*.test.ts`, `*.spec.js`, `*.e2e-spec.ts`, `__tests__/`,
/// `test/`, `tests/`, `e2e/`).
pub fn is_test_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.split('/').any(|p| p == "node_modules") || lower.ends_with(".d.ts") {
        return false;
    }
    let Some(stem) = SOURCE_EXTENSIONS.iter().find_map(|e| lower.strip_suffix(e)) else {
        return false;
    };
    let name = stem.rsplit('/').next().unwrap_or(stem);
    let named = name.ends_with(".test")
        || name.ends_with(".spec")
        || name.ends_with(".e2e-spec")
        || name.ends_with(".e2e")
        || name.ends_with(".int-spec")
        || name.ends_with(".integration");
    let in_test_folder = lower
        .split('/')
        .rev()
        .skip(1)
        .any(|folder| matches!(folder, "__tests__" | "test" | "tests" | "e2e" | "spec"));
    named || in_test_folder
}

/// The kind of the test file at `path` with `text`.
pub fn kind_of(path: &str, text: &str) -> Kind {
    let imports = |package: &str| {
        text.contains(&format!("'{package}'"))
            || text.contains(&format!("\"{package}\""))
            || text.contains(&format!("'{package}/"))
            || text.contains(&format!("\"{package}/"))
    };
    if imports("k6") || imports("artillery") || imports("autocannon") {
        Kind::Load
    } else if imports("@playwright/test")
        || imports("playwright")
        || imports("cypress")
        || imports("puppeteer")
        || imports("webdriverio")
    {
        Kind::Browser
    } else if imports("supertest")
        || imports("light-my-request")
        || imports("pactum")
        || text.contains(".inject(")
        || text.contains("app.request(")
        || path.to_ascii_lowercase().contains("integration")
    {
        Kind::Api
    } else {
        Kind::Unit
    }
}

/// The request paths of a Postman collection's text, as routes read them
/// (`{{APIURL}}/articles/:slug` → `/articles/{}`).
fn postman_paths(text: &str) -> Vec<String> {
    fn walk(item: &Value, found: &mut Vec<String>) {
        if let Some(items) = item["item"].as_array() {
            for child in items {
                walk(child, found);
            }
        }
        let url = &item["request"]["url"];
        let raw = url["raw"]
            .as_str()
            .or_else(|| url.as_str())
            .map(str::to_owned)
            .or_else(|| {
                url["path"].as_array().map(|parts| {
                    let parts: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
                    format!("/{}", parts.join("/"))
                })
            });
        if let Some(raw) = raw {
            // Past the scheme and host, or the `{{baseUrl}}` variable.
            let after_host = raw.split_once("://").map_or(raw.as_str(), |(_, rest)| {
                rest.find('/').map_or("", |at| &rest[at..])
            });
            let path = if after_host.starts_with("{{") {
                after_host.split_once("}}").map_or("", |(_, rest)| rest)
            } else {
                after_host
            };
            if path.starts_with('/') {
                found.push(gonogo_analysis::route_path(path));
            }
        }
    }
    let mut found = Vec::new();
    if let Some(collection) = gonogo_analysis::graph::parse_jsonc(text) {
        walk(&collection, &mut found);
    }
    found
}

/// Whether a load script sets pass criteria: k6 `thresholds` in its
/// options, or an Artillery `ensure` block (`p95`, `maxErrorRate`,
/// `thresholds`).
pub fn sets_thresholds(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        if line.starts_with("//") || line.starts_with('#') {
            return false;
        }
        line.starts_with("thresholds:")
            || line.starts_with("thresholds =")
            || line.starts_with("\"thresholds\":")
            || line.contains("options.thresholds")
            || line.starts_with("ensure:")
    })
}

/// Whether `path` may be a load script outside the test folders: YAML
/// named for Artillery or load, `*.k6.js`, or a file under a folder such
/// as `k6/`, `load/` or `perf/` (its text then says whether it is one).
fn is_load_script(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.split('/').any(|p| p == "node_modules") {
        return false;
    }
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    (yaml && (lower.contains("artillery") || lower.contains("load")))
        || lower.ends_with(".k6.js")
        || lower.split('/').any(|p| {
            matches!(
                p,
                "k6" | "load" | "load-tests" | "loadtest" | "loadtests" | "perf" | "performance"
            )
        })
}

/// The test files of the project by kind, with an example path of each;
/// null when the project has no JavaScript or TypeScript source at all.
pub fn tests() -> Value {
    let files = workspace::files();
    let sources = files
        .iter()
        .filter(|f| SOURCE_EXTENSIONS.iter().any(|e| f.path.ends_with(e)))
        .filter(|f| !f.path.split('/').any(|p| p == "node_modules"))
        .count();
    if sources == 0 {
        return Value::Null;
    }
    let mut counts = [0usize; 4];
    let mut examples: [Option<&str>; 4] = [None; 4];
    let mut note = |kind: Kind, path: &'static str| {
        let index = kind as usize;
        counts[index] += 1;
        examples[index].get_or_insert(path);
    };
    let mut topics = crate::test_topics::Tally::default();
    let mut read = 0usize;
    let mut load_with_thresholds = 0usize;
    let mut requested: Vec<String> = Vec::new();
    let mut load_threshold_example: Option<&str> = None;
    let mut note_thresholds = |path: &'static str, text: &str| {
        if sets_thresholds(text) {
            load_with_thresholds += 1;
            load_threshold_example.get_or_insert(path);
        }
    };
    for file in files.iter() {
        let path: &'static str = file.path;
        if path
            .to_ascii_lowercase()
            .ends_with(".postman_collection.json")
        {
            // A Postman collection run by newman tests the API.
            note(Kind::Api, path);
            let text = workspace::read_text(path).unwrap_or_default();
            for request in postman_paths(&text) {
                if request != "/"
                    && !requested.contains(&request)
                    && requested.len() < MAX_REQUESTED
                {
                    requested.push(request);
                }
            }
        } else if is_test_file(path) {
            // Past the first files read, a test file is told by its path
            // alone, so a huge suite costs no more than a listing.
            read += 1;
            let text = if read <= MAX_TEST_FILES_READ {
                workspace::read_text(path).unwrap_or_default()
            } else {
                String::new()
            };
            let kind = kind_of(path, &text);
            if kind == Kind::Load {
                note_thresholds(path, &text);
            }
            if kind == Kind::Api {
                for request in crate::test_topics::request_paths(&text) {
                    let request = gonogo_analysis::route_path(request);
                    if request != "/"
                        && !requested.contains(&request)
                        && requested.len() < MAX_REQUESTED
                    {
                        requested.push(request);
                    }
                }
            }
            note(kind, path);
            topics.note(path, &crate::test_topics::topics_of(path, &text));
        } else if is_load_script(path) {
            let text = workspace::read_text(path).unwrap_or_default();
            let artillery = text.contains("scenarios:") && text.contains("config:");
            let k6 = text.contains("k6/http")
                || text.contains("from 'k6'")
                || text.contains("from \"k6\"");
            if artillery || k6 {
                note_thresholds(path, &text);
                note(Kind::Load, path);
            }
        }
    }
    json!({
        "unit": counts[Kind::Unit as usize],
        "api": counts[Kind::Api as usize],
        "browser": counts[Kind::Browser as usize],
        "load": counts[Kind::Load as usize],
        "load_with_thresholds": load_with_thresholds,
        "requested_paths": requested,
        "topics": topics.facts(),
        "examples": {
            "unit": examples[Kind::Unit as usize],
            "api": examples[Kind::Api as usize],
            "browser": examples[Kind::Browser as usize],
            "load": examples[Kind::Load as usize],
            "load_with_thresholds": load_threshold_example,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_files_are_told_by_name_and_folder() {
        for path in [
            "src/users/users.service.spec.ts",
            "test/app.e2e-spec.ts",
            "src/__tests__/a.js",
            "tests/api/orders.ts",
            "lib/x.test.mjs",
        ] {
            assert!(is_test_file(path), "{path}");
        }
        for path in [
            "src/test-utils.ts",
            "src/users/users.service.ts",
            "node_modules/x/a.test.js",
            "types/x.d.ts",
            "test/fixtures.json",
        ] {
            assert!(!is_test_file(path), "{path}");
        }
    }

    #[test]
    fn a_postman_collection_s_requests_are_read_as_routes() {
        let collection = r#"{"item": [{"name": "Auth", "item": [{"request": {"method": "POST", "url": {"raw": "{{APIURL}}/users/login", "host": ["{{APIURL}}"], "path": ["users", "login"]}}}]}, {"request": {"method": "GET", "url": "https://api.example.com/articles/:slug/comments?limit=2"}}, {"request": {"method": "PUT", "url": {"raw": "{{APIURL}}/articles/{{slug}}"}}}]}"#;
        assert_eq!(
            postman_paths(collection),
            ["/users/login", "/articles/{}/comments", "/articles/{}"]
        );
    }

    #[test]
    fn load_scripts_with_pass_criteria_are_told_apart() {
        let k6 = "import http from 'k6/http';\nexport const options = {\n  vus: 10,\n  thresholds: {\n    http_req_duration: ['p(95)<500'],\n  },\n};";
        assert!(sets_thresholds(k6));
        let artillery = "config:\n  target: http://localhost:3000\n  ensure:\n    p95: 300\n    maxErrorRate: 1\nscenarios: []";
        assert!(sets_thresholds(artillery));
        let bare = "import http from 'k6/http';\nexport const options = { vus: 10 };\n// thresholds: later";
        assert!(!sets_thresholds(bare));
    }

    #[test]
    fn test_kinds_are_told_by_what_they_drive() {
        assert_eq!(
            kind_of(
                "test/app.e2e-spec.ts",
                "import * as request from 'supertest';"
            ),
            Kind::Api
        );
        assert_eq!(
            kind_of(
                "e2e/login.spec.ts",
                "import { test } from '@playwright/test';"
            ),
            Kind::Browser
        );
        assert_eq!(
            kind_of("load/smoke.js", "import http from 'k6/http';"),
            Kind::Load
        );
        assert_eq!(
            kind_of("src/price.test.ts", "import { price } from './price';"),
            Kind::Unit
        );
        assert_eq!(
            kind_of(
                "test/routes.test.js",
                "const res = await app.inject({ url: '/' });"
            ),
            Kind::Api
        );
    }
}
