//! One fixture per pack error code (`tests/fixtures/pack-errors/GNxxx/`):
//! each loads, in process, to that code and no other, and
//! `docs/pack-errors.md` documents every code.

use super::{Code, PackRef, PolicyError};
use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the host crate is in the repository")
        .to_path_buf()
}

fn fixtures() -> PathBuf {
    repository().join("tests/fixtures/pack-errors")
}

/// What loading the fixture (and, for `GN6xx`, running its tests) reports.
fn errors_of(dir: &Path) -> PolicyError {
    let loaded = super::load(&PackRef::Path(dir.to_path_buf()));
    match loaded {
        Err(error) => error,
        Ok(_) => match crate::packtest::run(dir) {
            Err(error) => error,
            Ok(_) => panic!("{} loads and tests without an error", dir.display()),
        },
    }
}

#[test]
fn every_fixture_gives_its_code_and_no_other() {
    for code in Code::ALL {
        let dir = fixtures().join(code.as_str());
        assert!(dir.is_dir(), "no fixture for {code} at {}", dir.display());
        let error = errors_of(&dir);
        assert!(
            !error.diagnostics.is_empty(),
            "{code}: an error without a problem"
        );
        for diagnostic in &error.diagnostics {
            assert_eq!(
                diagnostic.code, *code,
                "{code}'s fixture gives another problem: {diagnostic}"
            );
            assert!(
                diagnostic.to_string().contains(code.as_str()),
                "{code} is not printed: {diagnostic}"
            );
        }
    }
}

#[test]
fn every_fixture_folder_is_a_code() {
    let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for entry in std::fs::read_dir(fixtures()).expect("the fixtures folder") {
        let name = entry.expect("an entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            known.contains(&name.as_ref()),
            "fixture `{name}` is no code"
        );
    }
}

#[test]
fn codes_are_distinct_and_well_formed() {
    let mut seen = std::collections::BTreeSet::new();
    for code in Code::ALL {
        let text = code.as_str();
        assert!(seen.insert(text), "{text} twice");
        assert!(
            text.len() == 5
                && text.starts_with("GN")
                && text[2..].bytes().all(|b| b.is_ascii_digit()),
            "{text}"
        );
    }
}

#[test]
fn the_docs_list_every_code_with_an_example() {
    let docs = std::fs::read_to_string(repository().join("docs/pack-errors.md"))
        .expect("docs/pack-errors.md");
    for code in Code::ALL {
        let heading = format!("\n## {code} ");
        let start = docs
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/pack-errors.md has no `## {code} …` section"));
        let section = &docs[start + heading.len()..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        assert!(
            section.contains("```yaml") || section.contains("```text"),
            "the section of {code} has no example"
        );
    }
}
