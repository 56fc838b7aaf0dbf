//! Components that are not checks, or break the check contract: each is
//! exit 2 (no decision) with a message naming the file and saying what was
//! expected, never a verdict on the project.

mod common;

use common::{Project, gonogo, hostile, pinned_check, test_component};
use predicates::prelude::*;
use std::path::Path;

/// Runs `gonogo check` with one check `custom` using `component`, asserts
/// exit 2 and that stderr names the check, the file and every `expected`.
fn assert_refused(
    component: &Path,
    with: &str,
    grants: &str,
    envs: &[(&str, &str)],
    expected: &[&str],
) {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        &format!(
            "name: bad\nchecks:\n{}rules:\n  - id: ran\n    title: It ran\n    severity: low\n    check: custom\n    expr: \"true\"\n",
            pinned_check("custom", component, with, grants)
        ),
    );
    let mut command = gonogo();
    command.arg("check").arg(project.path());
    for (name, value) in envs {
        command.env(name, value);
    }
    let mut assert = command
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("check `custom`"))
        .stderr(predicate::str::contains(component.display().to_string()));
    for text in expected {
        assert = assert.stderr(predicate::str::contains(*text));
    }
}

#[test]
fn a_file_that_is_not_webassembly_is_refused() {
    let scratch = Project::new();
    let text = scratch.write("check.wasm", "#!/bin/sh\necho GO\n");
    assert_refused(
        &text,
        "{}",
        "",
        &[],
        &[
            "is not WebAssembly",
            "expected a component of the world `gonogo:check/check@0.1.0`",
        ],
    );
}

#[test]
fn a_core_module_is_refused_as_not_a_component() {
    let scratch = Project::new();
    let core = scratch.path().join("core.wasm");
    // The smallest valid core module: the magic, version 1, layer 0.
    std::fs::write(&core, b"\0asm\x01\0\0\0").expect("write");
    assert_refused(
        &core,
        "{}",
        "",
        &[],
        &[
            "is a core WebAssembly module, not a component",
            "wasm-tools component new",
        ],
    );
}

#[test]
fn a_component_of_another_world_is_refused() {
    let wrong = test_component("gonogo-test-not-a-check.wasm");
    assert_refused(
        &wrong,
        "{}",
        "",
        &[],
        &[
            "is not a gonogo check",
            "exports `describe` and `run`",
            "wasi:cli/run",
        ],
    );
}

#[test]
fn a_component_of_another_version_of_the_contract_is_refused() {
    let future = test_component("gonogo_test_future_version.wasm");
    assert_refused(
        &future,
        "{}",
        "",
        &[],
        &[
            "built against `gonogo:check@0.2.0`",
            "this gonogo implements `gonogo:check/check@0.1.0`",
            "rebuild it",
        ],
    );
}

#[test]
fn a_check_describing_itself_with_an_empty_id_is_refused() {
    assert_refused(
        &hostile(),
        "{ attack: err }",
        "    grants: { public_env: [HOSTILE_EMPTY_ID] }\n",
        &[("HOSTILE_EMPTY_ID", "1")],
        &[
            "breaks the `gonogo:check/check@0.1.0` contract",
            "`describe` returned an empty `id`",
            "kebab-case",
        ],
    );
}

#[test]
fn facts_that_are_not_a_json_object_are_refused() {
    assert_refused(
        &hostile(),
        "{ attack: array-facts }",
        "",
        &[],
        &[
            "`run` returned facts that are a JSON array, not an object",
            "expected a JSON object",
        ],
    );
}

#[test]
fn facts_that_are_not_json_are_refused() {
    assert_refused(
        &hostile(),
        "{ attack: bad-facts }",
        "",
        &[],
        &[
            "`run` returned facts that are not valid JSON",
            "expected a JSON object",
        ],
    );
}
