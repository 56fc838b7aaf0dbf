//! Which files the check judges.

use super::is_development;

#[test]
fn development_files_are_told_from_what_ships() {
    for path in [
        "Dockerfile.dev",
        "docker/dev.Dockerfile",
        "document.e2e.Dockerfile",
        ".gitpod.Dockerfile",
        ".devcontainer/Dockerfile",
        "docker-compose.override.yml",
        "docker-compose.relational.ci.yaml",
        "compose.local.yaml",
        "docker-compose.dev.yml",
        "compose.override.yaml",
        "cypress/docker-compose.yml",
        "tests/e2e/compose.yaml",
    ] {
        assert!(is_development(path), "{path}");
    }
    for path in [
        "Dockerfile",
        "apps/api/Dockerfile",
        "Dockerfile.prod",
        "document.Dockerfile",
        "maildev.Dockerfile",
        "docker-compose.yml",
        "docker-compose.prod.yml",
        "devices/Dockerfile",
        "podman/podman-compose.yml",
        "deploy/docker-compose.yml",
    ] {
        assert!(!is_development(path), "{path}");
    }
}
