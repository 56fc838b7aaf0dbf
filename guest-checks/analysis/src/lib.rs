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
