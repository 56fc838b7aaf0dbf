#!/usr/bin/env bash
# Builds build/{{name}}.wasm with cargo for wasm32-wasip2, then pins it.
set -euo pipefail
cd "$(dirname "$0")"
source ./pin.sh
need cargo "install Rust with rustup (https://rustup.rs)"
cargo build --quiet --release --target wasm32-wasip2
mkdir -p build
cp "target/wasm32-wasip2/release/{{crate}}.wasm" "build/{{name}}.wasm"
pin
