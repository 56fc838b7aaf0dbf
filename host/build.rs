//! Builds the guest workspace (`../guest-checks`) for `wasm32-wasip2`, so the
//! host can embed the built-in checks (`include_bytes!`) and its tests can
//! load the test-only hostile components. Exposes the folder of the built
//! components as `GONOGO_GUEST_WASM_DIR`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const GUEST_TARGET: &str = "wasm32-wasip2";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest_dir
        .parent()
        .expect("host/ lives in the repository root");
    let guest_dir = root.join("guest-checks");
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("guest-checks");

    for watched in [
        "sdk",
        "analysis",
        "checks",
        "test-checks",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!(
            "cargo:rerun-if-changed={}",
            guest_dir.join(watched).display()
        );
    }
    println!("cargo:rerun-if-changed={}", root.join("wit").display());

    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    ensure_guest_target(&cargo);

    let mut build = Command::new(&cargo);
    build
        .args(["build", "--release", "--locked", "--target", GUEST_TARGET])
        .arg("--manifest-path")
        .arg(guest_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    // The outer build's settings are for the host target, not for wasm.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_LLVM_COV",
        "LLVM_PROFILE_FILE",
    ] {
        build.env_remove(var);
    }
    let status = build
        .status()
        .expect("could not start cargo for the guest checks");
    assert!(
        status.success(),
        "building the guest checks failed (cargo build --target {GUEST_TARGET} in {})",
        guest_dir.display()
    );
    let wasm_dir = target_dir.join(GUEST_TARGET).join("release");
    println!(
        "cargo:rustc-env=GONOGO_GUEST_WASM_DIR={}",
        wasm_dir.display()
    );
    write_digests(&wasm_dir);
    println!(
        "cargo:rustc-env=GONOGO_CHECKS_VERSION={}",
        guest_version(&guest_dir)
    );
}

/// Writes `$OUT_DIR/guest_digests.rs`: a `guest_digest!("file.wasm")` macro
/// giving the sha256 of each embedded component, so that a run does not
/// hash the built-in checks it carries (they are part of the binary).
fn write_digests(wasm_dir: &Path) {
    use sha2::{Digest, Sha256};
    let mut arms = String::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(wasm_dir)
        .expect("the guest checks were built")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    names.sort();
    for path in names {
        let bytes = std::fs::read(&path).expect("a built guest check");
        let name = path.file_name().expect("a file").to_string_lossy();
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        arms.push_str(&format!("    ({name:?}) => {{ {digest:?} }};\n"));
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("guest_digests.rs");
    std::fs::write(
        out,
        format!("/// The sha256 of each embedded guest component (written by build.rs).\nmacro_rules! guest_digest {{\n{arms}}}\n"),
    )
    .expect("OUT_DIR is writable");
}

/// The version of the built-in checks: the guest workspace's
/// `[workspace.package] version`, which every check inherits and reports
/// from `describe()`.
fn guest_version(guest_dir: &Path) -> String {
    let manifest = std::fs::read_to_string(guest_dir.join("Cargo.toml")).unwrap_or_default();
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package && let Some(value) = line.strip_prefix("version") {
            return value
                .trim_start_matches([' ', '='])
                .trim()
                .trim_matches('"')
                .to_owned();
        }
    }
    "unknown".to_owned()
}

/// `rust-toolchain.toml` lists the target, but a toolchain installed before
/// that file existed may lack it: add it with rustup when missing.
fn ensure_guest_target(cargo: &str) {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| PathBuf::from(s.trim()));
    let installed = sysroot
        .as_deref()
        .map(|root| root.join("lib/rustlib").join(GUEST_TARGET).exists())
        .unwrap_or(false);
    if installed {
        return;
    }
    let toolchain = sysroot
        .as_deref()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned());
    let mut add = Command::new("rustup");
    add.args(["target", "add", GUEST_TARGET]);
    if let Some(toolchain) = toolchain {
        add.args(["--toolchain", &toolchain]);
    }
    match add.status() {
        Ok(status) if status.success() => {}
        _ => println!(
            "cargo:warning=the `{GUEST_TARGET}` target is missing and `rustup target add {GUEST_TARGET}` failed (cargo: {cargo})"
        ),
    }
}
