//! What a check component must be, checked before it runs, with messages
//! that say what was found and what was expected: WebAssembly at all, a
//! component rather than a core module, the `check` world, and a version of
//! `gonogo:check` this host speaks.

use super::WORLD;

/// The package version this host implements; components built against
/// another minor version (0.x semver) are refused before they run.
const PACKAGE: &str = "gonogo:check";
const MAJOR_MINOR: (u64, u64) = (0, 1);

/// Why `bytes` cannot be a check component at all, judged from its header.
pub fn not_a_component(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[u8] = b"\0asm";
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return Some(format!(
            "it is not WebAssembly (a `.wasm` file starts with `\\0asm`): expected a component of the world `{WORLD}`"
        ));
    }
    let layer = u16::from_le_bytes([bytes[6], bytes[7]]);
    (layer == 0).then(|| {
        format!(
            "it is a core WebAssembly module, not a component: expected a component of the world `{WORLD}` \
             (C and Go builds need `wasm-tools component new --adapt …`; see docs/writing-checks.md)"
        )
    })
}

/// Checks the component's imports and exports against the `check` world.
pub fn check_world(imports: &[&str], exports: &[&str]) -> Result<(), String> {
    for import in imports {
        let Some(rest) = import
            .strip_prefix(PACKAGE)
            .and_then(|r| r.strip_prefix('/'))
        else {
            continue;
        };
        let version = rest.split_once('@').map(|(_, v)| v);
        if !version.is_some_and(speaks) {
            return Err(format!(
                "it was built against `{PACKAGE}{}` (it imports `{import}`), and this gonogo implements `{WORLD}`: \
                 rebuild it against this version's WIT (`gonogo new check` writes it)",
                version.map(|v| format!("@{v}")).unwrap_or_default()
            ));
        }
    }
    let missing: Vec<&str> = ["describe", "run"]
        .into_iter()
        .filter(|needed| !exports.contains(needed))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let found = if exports.is_empty() {
        "nothing".to_owned()
    } else {
        exports
            .iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(format!(
        "it is not a gonogo check: the world `{WORLD}` exports `describe` and `run`, this component exports {found}"
    ))
}

/// Whether a `gonogo:check` version is semver-compatible with this host's
/// (same minor version while the major is 0).
fn speaks(version: &str) -> bool {
    let mut parts = version.split(['.', '-', '+']);
    let number = |part: Option<&str>| part.and_then(|p| p.parse::<u64>().ok());
    match (number(parts.next()), number(parts.next())) {
        (Some(major), Some(minor)) => (major, minor) == MAJOR_MINOR,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_text_core_modules_and_components_apart() {
        assert!(
            not_a_component(b"#!/bin/sh\n")
                .unwrap()
                .contains("not WebAssembly")
        );
        let core = b"\0asm\x01\0\0\0";
        assert!(
            not_a_component(core)
                .unwrap()
                .contains("core WebAssembly module")
        );
        let component = b"\0asm\x0d\0\x01\0";
        assert_eq!(not_a_component(component), None);
    }

    #[test]
    fn refuses_other_versions_of_the_package() {
        let exports = ["describe", "run"];
        assert!(
            check_world(
                &["gonogo:check/types@0.1.0", "wasi:cli/environment@0.2.3"],
                &exports
            )
            .is_ok()
        );
        assert!(check_world(&["gonogo:check/types@0.1.4"], &exports).is_ok());
        let newer = check_world(&["gonogo:check/types@0.2.0"], &exports).unwrap_err();
        assert!(
            newer.contains("built against `gonogo:check@0.2.0`"),
            "{newer}"
        );
        let unversioned = check_world(&["gonogo:check/types"], &exports).unwrap_err();
        assert!(
            unversioned.contains("built against `gonogo:check`"),
            "{unversioned}"
        );
    }

    #[test]
    fn names_what_another_world_exports() {
        let error = check_world(&[], &["wasi:cli/run@0.2.3"]).unwrap_err();
        assert!(error.contains("exports `wasi:cli/run@0.2.3`"), "{error}");
        assert!(
            check_world(&[], &[])
                .unwrap_err()
                .contains("exports nothing")
        );
    }
}
