//! Setup instructions are found by what they say, wherever they are.

use super::{
    is_api_reference_name, is_setup_document, lists_endpoints, mentions_release, setup_in,
};

#[test]
fn setup_commands_count_under_any_heading() {
    let self_hosting = "# App\n## Self-hosting\n### Run with Docker Compose\n#### a. Run\n\n```bash\ndocker compose -f docker/docker-compose.yml up -d\n```\n";
    assert!(setup_in(self_hosting));
    let usage = "# Tool\n## Usage\n```sh\n$ npm install\n$ npm run dev\n```\n";
    assert!(setup_in(usage));
    let indented = "# App\n## Installation\nInstall dependencies\n\n    npm install\n";
    assert!(setup_in(indented));
    let inline = "# App\n## Installation\n1. Install dependencies: `npm i` or `yarn`\n";
    assert!(setup_in(inline));
    let heading_only = "# App\n## Getting started\n```\nopen the app\n```\n";
    assert!(setup_in(heading_only));
}

#[test]
fn code_that_sets_nothing_up_is_not_setup() {
    let api = "# API\n## Example\n```ts\nconst client = new Client();\n```\n";
    assert!(!setup_in(api));
    let prose = "# App\n## Installation\nAsk the platform team.\n";
    assert!(!setup_in(prose));
    let inline_elsewhere = "# App\n## Scripts\nThe `npm start` script runs the server.\n";
    assert!(!setup_in(inline_elsewhere));
}

#[test]
fn setup_guides_are_named_beside_the_readme() {
    for path in [
        "SETUP.md",
        "INSTALL.md",
        "docs/getting-started.md",
        "CONTRIBUTING.md",
    ] {
        assert!(is_setup_document(path), "{path}");
    }
    for path in ["docs/api/setup.md", "CHANGELOG.md", "src/setup.ts.md"] {
        assert!(!is_setup_document(path), "{path}");
    }
}

#[test]
fn a_markdown_api_reference_lists_endpoints() {
    for path in [
        "API.md",
        "sync-server/API_REFERENCE.md",
        "docs/api-endpoints.md",
        "API_ENDPOINTS.md",
    ] {
        assert!(is_api_reference_name(path), "{path}");
    }
    for path in ["README.md", "docs/rapid.md", "api.ts", "capital.md"] {
        assert!(!is_api_reference_name(path), "{path}");
    }
    let table = "| Method | Path |\n| --- | --- |\n| GET | /api/v1/orders |\n| POST | /api/v1/orders |\n| DELETE | /api/v1/orders/:id |\n";
    assert!(lists_endpoints(table));
    let headings = "### `POST /auth/login`\nBody: …\n### `GET /users/me`\n### `PATCH /users/me`\n";
    assert!(lists_endpoints(headings));
    assert!(!lists_endpoints(
        "# API\nAsk the team for access.\nGET requests are cached.\n"
    ));
}

#[test]
fn a_changelog_is_current_when_a_heading_names_the_version() {
    assert!(mentions_release(
        "# Changelog\n## [1.4.0] - 2026-11-02\n- fixes\n",
        "1.4.0"
    ));
    assert!(mentions_release(
        "# Changelog\n## Unreleased\n## 1.3.0\n",
        "1.4.0"
    ));
    assert!(!mentions_release(
        "# Changelog\n## 1.3.0\nBumped to 1.4.0 next.\n",
        "1.4.0"
    ));
}

#[test]
fn a_procedure_must_say_what_to_do() {
    use super::procedures::{says_something, sections};
    for written in [
        "1. Scale the service to zero.\n2. Restore the snapshot.\n",
        "Redeploy the previous image tag: `./scripts/deploy.sh v1.3.0`.",
        "Page the on-call engineer; open an incident channel; post updates every 30 minutes.",
        "```sh\npg_restore -d orders latest.dump\npsql -c 'select 1'\n```",
    ] {
        assert!(says_something(written), "{written}");
    }
    for hollow in [
        "",
        "TODO",
        "TBD: write the rollback steps",
        "Coming soon.",
        "- TODO\n",
    ] {
        assert!(!says_something(hollow), "{hollow}");
    }
    let runbook = "# Runbook\n## Rollback\nTODO\n## Backup and restore\n### Nightly\nSnapshots at 02:00; restore with `pg_restore -d orders latest.dump`.\n## Other\n";
    let found = sections(runbook);
    let body = |heading: &str| &found.iter().find(|(h, _)| h == heading).expect(heading).1;
    assert!(!says_something(body("rollback")));
    // A section holds the sections nested under it.
    assert!(says_something(body("backup and restore")));
    assert!(body("runbook").contains("## Other"));
}
