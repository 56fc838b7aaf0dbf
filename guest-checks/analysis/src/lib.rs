//! Project understanding shared by gonogo's built-in checks.
//!
//! Checks are judged on real backends, so they read a project the way its
//! runtime does rather than grepping text: [`js`] tokenizes JavaScript and
//! TypeScript (comments and strings are never mistaken for code) and
//! follows imports from a service's entry point ([`graph`]), so a route in a
//! file nothing imports does not count; [`node`] finds the services of a
//! repository (monorepo workspaces included) and their entry points;
//! [`dockerfile`] reads Dockerfile instructions and stages; [`yaml`] parses
//! YAML files (compose, CI workflows) into JSON values; [`ci`] reads CI
//! pipelines into jobs and steps; [`classify`] tells
//! placeholders and weak values from real secrets by their shape.

pub mod ci;
pub mod classify;
pub mod dockerfile;
pub mod graph;
pub mod js;
pub mod node;
pub mod yaml;

/// Whether `haystack` contains `needle` in any ASCII letter case, without
/// lowercasing a copy (asked of every path or route of large projects).
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Whether `text` ends with `suffix` in any ASCII letter case.
pub fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// A route, request or documented path in one form, so that the code's
/// routes, the paths tests request and an API reference's endpoints
/// compare: each parameter (`:id`, `{id}`, `${id}`, `{{slug}}`, `*`), number
/// or UUID segment as `{}`, no query string, no trailing slash
/// (`/orders/${order.id}/items?page=2` → `/orders/{}/items`).
pub fn route_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let digits = s.chars().filter(char::is_ascii_digit).count();
            let id_like =
                s.len() >= 8 && digits > 0 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            let parameter = s.starts_with(':') || s.contains('{') || s == "*";
            if parameter || s.chars().all(|c| c.is_ascii_digit()) || id_like {
                "{}"
            } else {
                s
            }
        })
        .collect();
    format!("/{}", segments.join("/"))
}

/// Whether `path` is a test, fixture, mock or example file rather than
/// code that ships.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split('/').any(|part| {
        matches!(
            part,
            "test"
                | "tests"
                | "__tests__"
                | "__mocks__"
                | "spec"
                | "e2e"
                | "fixtures"
                | "mocks"
                | "examples"
                | "example"
        )
    }) || [".test.", ".spec.", ".e2e-spec.", ".stories."]
        .iter()
        .any(|marker| lower.contains(marker))
}

#[cfg(test)]
mod tests {
    #[test]
    fn routes_requests_and_documented_paths_read_alike() {
        use super::route_path;
        assert_eq!(route_path("/users/:id/"), "/users/{}");
        assert_eq!(route_path("orders/{orderId}/items"), "/orders/{}/items");
        assert_eq!(
            route_path("/users/${user.id}/orders?page=2"),
            "/users/{}/orders"
        );
        assert_eq!(route_path("/profiles/celeb_{{USERNAME}}"), "/profiles/{}");
        assert_eq!(route_path("/orders/42"), "/orders/{}");
        assert_eq!(
            route_path("/orders/3f2a9c1e-55aa-4c8e-9a1b-1c2d3e4f5a6b"),
            "/orders/{}"
        );
        assert_eq!(route_path("/v1/users/me"), "/v1/users/me");
        assert_eq!(route_path("/"), "/");
    }

    use super::*;

    #[test]
    fn case_is_ignored_without_copies() {
        assert!(contains_ignore_case("/api/Auth/refresh", "auth"));
        assert!(contains_ignore_case("x", ""));
        assert!(!contains_ignore_case("au", "auth"));
        assert!(ends_with_ignore_case("docs/README.MD", ".md"));
        assert!(!ends_with_ignore_case("md", ".md"));
    }
}
