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

const HEAD: &str = "name: broken\nchecks:\n  env:\n    use: builtin:env\nrules:\n";

/// Broken packs, each with the line and column, code and words of its
/// one problem (the binary prints them; `tests/check_cli.rs` shows it).
#[test]
fn broken_packs_are_reported_with_line_column_and_code() {
    let cases: Vec<(String, &str, Code, &str)> = vec![
        ("name: [unclosed\n".to_owned(), "1:7", Code::Yaml, ""),
        (format!("{HEAD}  - id: a\n    title: A\n    severty: high\n    expr: 'true'\n"), "8:5", Code::Yaml, "severty"),
        (format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    expr: 'checks.env.status =='\n"), "9:11", Code::Expression, "CEL syntax error"),
        (format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    check: env\n    expr: facts.n >= '3' + 1\n"), "10:11", Code::Expression, "no operator `+` for `string` and `int`"),
        (format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    check: env\n    expr: 'true'\n    evidence: [placeholder, no-such-finding]\n"), "11:29", Code::Evidence, "`env` never reports a finding `no-such-finding`"),
        (format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    expr: 'true'\n    evidence: [placeholder]\n"), "10:16", Code::Evidence, "`evidence` needs the rule's `check`"),
        (format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    check: envv\n    expr: 'true'\n"), "9:12", Code::UnknownCheck, "rule `a` names check `envv`, which the pack does not declare"),
        (format!("{HEAD}  - id: a\n    title: A\n    severity: high\n    expr: checks.nope.status == 'pass'\n"), "9:11", Code::Expression, "`checks.nope` names no check of this pack"),
        (format!("{HEAD}  - id: a\n    title: A\n    severity: urgent\n    expr: 'true'\n"), "8:15", Code::Yaml, "urgent"),
        ("name: broken\nchecks:\n  env:\n    use: builtin:env\n    limits: { memory_mb: 0 }\nrules: []\n".to_owned(), "5:26", Code::Limit, "`memory_mb` must be between 1 and 4096"),
        ("name: broken\nchecks:\n  env:\n    use: builtin:env\n    with: { placeholder: [x] }\nrules: []\n".to_owned(), "5:11", Code::Setting, "check `env` (`builtin:env`) has no setting `placeholder`"),
        ("name: broken\nchecks:\n  env:\n    use: builtin:nope\nrules: []\n".to_owned(), "4:10", Code::UnknownBuiltin, "`builtin:nope`, which is not a built-in check"),
    ];
    for (yaml, location, code, words) in cases {
        let error = super::parse(&yaml, "gonogo.yaml", None)
            .err()
            .unwrap_or_else(|| panic!("loads:\n{yaml}"));
        let [diagnostic] = error.diagnostics.as_slice() else {
            panic!("not one problem: {error}");
        };
        let (line, column) = location.split_once(':').expect("line:column");
        assert_eq!(
            (diagnostic.line.to_string(), diagnostic.column.to_string()),
            (line.to_owned(), column.to_owned()),
            "{diagnostic}"
        );
        assert_eq!(diagnostic.code, code, "{diagnostic}");
        assert!(diagnostic.message.contains(words), "{diagnostic}");
    }
}
