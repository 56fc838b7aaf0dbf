//! The endpoints an API reference documents, as `method` and a path whose
//! parameters read `{}` (`GET /orders/{orderId}` → `/orders/{}`): the
//! `paths` of an OpenAPI document, the `@swagger`/`@openapi` JSDoc blocks
//! that swagger-jsdoc assembles into one, or the `METHOD /path` lines of a
//! Markdown reference. Generators that document every route of the
//! framework by construction (Nest's Swagger module, Fastify's dynamic
//! Swagger, tsoa) are named instead: the code is their reference.

use gonogo_analysis::{route_path, yaml};
use gonogo_check::{Value, json, workspace};

/// Generators that document every route the framework serves.
pub const COMPLETE_GENERATORS: &[&str] = &["@nestjs/swagger", "@fastify/swagger", "tsoa"];
/// Endpoints kept at most.
const MAX_ENDPOINTS: usize = 500;
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The endpoints of an OpenAPI document's text.
fn from_openapi(text: &str) -> Vec<(String, String)> {
    let Ok(document) = yaml::parse(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
            let upper = method.to_ascii_uppercase();
            if METHODS.contains(&upper.as_str()) {
                found.push((upper, route_path(path)));
            }
        }
    }
    found
}

/// The endpoints of the `@swagger`/`@openapi` JSDoc blocks in a source
/// file's text (swagger-jsdoc): the YAML after the tag, whose keys that
/// start with `/` (or the keys of its `paths`) are paths.
fn from_annotations(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let tagged = lines[index].contains("@swagger") || lines[index].contains("@openapi");
        index += 1;
        if !tagged {
            continue;
        }
        let mut block = String::new();
        while index < lines.len() && !lines[index].contains("*/") {
            let line = lines[index].trim_start();
            let line = line.strip_prefix('*').unwrap_or(line);
            block.push_str(line.strip_prefix(' ').unwrap_or(line));
            block.push('\n');
            index += 1;
        }
        let Ok(document) = yaml::parse(&block) else {
            continue;
        };
        let paths = document
            .get("paths")
            .and_then(|p| p.as_object())
            .or_else(|| document.as_object());
        for (path, item) in paths.into_iter().flatten() {
            if !path.starts_with('/') {
                continue;
            }
            for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
                let upper = method.to_ascii_uppercase();
                if METHODS.contains(&upper.as_str()) {
                    found.push((upper, route_path(path)));
                }
            }
        }
    }
    found
}

/// The endpoints documented in the project's source files by
/// swagger-jsdoc annotations, outside dependencies.
fn annotated() -> Vec<(String, String)> {
    workspace::files()
        .iter()
        .filter(|f| {
            !f.path.split('/').any(|p| p == "node_modules")
                && [".js", ".ts", ".mjs", ".cjs"]
                    .iter()
                    .any(|e| f.path.ends_with(e))
        })
        .filter_map(|f| workspace::read_text(f.path))
        .filter(|text| text.contains("@swagger") || text.contains("@openapi"))
        .flat_map(|text| from_annotations(&text))
        .collect()
}

/// The `METHOD /path` endpoints of a Markdown reference's text.
fn from_markdown(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '`' || c == '|' || c == '*')
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            if METHODS.contains(&pair[0]) && pair[1].starts_with('/') {
                found.push((pair[0].to_owned(), route_path(pair[1])));
            }
        }
    }
    found
}

/// The documented endpoints (`method`, `path`) of the OpenAPI document at
/// `spec`, the Markdown reference at `markdown` and, when `annotations`,
/// the swagger-jsdoc blocks of the source, each once.
pub fn documented(spec: Option<&str>, markdown: Option<&str>, annotations: bool) -> Value {
    let mut found: Vec<(String, String)> = Vec::new();
    if annotations {
        for endpoint in annotated() {
            if !found.contains(&endpoint) && found.len() < MAX_ENDPOINTS {
                found.push(endpoint);
            }
        }
    }
    let texts = [
        (spec, from_openapi as fn(&str) -> Vec<(String, String)>),
        (markdown, from_markdown),
    ];
    for (path, read) in texts {
        let Some(text) = path.and_then(workspace::read_text) else {
            continue;
        };
        for endpoint in read(&text) {
            if !found.contains(&endpoint) && found.len() < MAX_ENDPOINTS {
                found.push(endpoint);
            }
        }
    }
    json!(
        found
            .into_iter()
            .map(|(method, path)| json!({"method": method, "path": path}))
            .collect::<Vec<_>>()
    )
}

#[cfg(test)]
mod tests {
    use super::{from_annotations, from_markdown, from_openapi};

    #[test]
    fn endpoints_are_read_from_swagger_jsdoc_blocks() {
        let source = "/**\n * @swagger\n * /auth/register:\n *   post:\n *     summary: Register\n * /auth/login:\n *   post: {}\n */\nrouter.post('/register', register);\n/** @openapi\n * paths:\n *   /users/{id}:\n *     get: {}\n */\n";
        assert_eq!(
            from_annotations(source),
            [
                ("POST".to_owned(), "/auth/login".to_owned()),
                ("POST".to_owned(), "/auth/register".to_owned()),
                ("GET".to_owned(), "/users/{}".to_owned()),
            ]
        );
    }

    #[test]
    fn endpoints_are_read_from_openapi_and_markdown() {
        let spec = "openapi: 3.0.0\npaths:\n  /orders/{orderId}:\n    get: {}\n    delete: {}\n    parameters: []\n  /health:\n    get: {}\n";
        assert_eq!(
            from_openapi(spec),
            [
                ("GET".to_owned(), "/health".to_owned()),
                ("DELETE".to_owned(), "/orders/{}".to_owned()),
                ("GET".to_owned(), "/orders/{}".to_owned()),
            ]
        );
        let markdown = "| Method | Path |\n| --- | --- |\n| `GET` | `/api/v1/users/:id` |\n- **POST** /api/v1/orders?draft=true\n";
        assert_eq!(
            from_markdown(markdown),
            [
                ("GET".to_owned(), "/api/v1/users/{}".to_owned()),
                ("POST".to_owned(), "/api/v1/orders".to_owned()),
            ]
        );
    }
}
