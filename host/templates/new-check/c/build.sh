#!/usr/bin/env bash
# Builds build/{{name}}.wasm: C bindings by wit-bindgen, a WASI preview1
# reactor module by clang and wasi-libc, then a component by wasm-tools with
# the adapter of gonogo's wasmtime release (written here by `gonogo new`).
set -euo pipefail
cd "$(dirname "$0")"
source ./pin.sh
need clang "apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32"
need wit-bindgen "cargo install --locked wit-bindgen-cli@0.63.0"
need wasm-tools "cargo install --locked wasm-tools@1.263.0"
mkdir -p build/gen
wit-bindgen c wit --world check --out-dir build/gen > /dev/null 2>&1
clang --target=wasm32-wasi -O2 -Wall -Wextra -mexec-model=reactor -Wl,--strip-all -Ibuild/gen \
  -o build/core.wasm check.c build/gen/check.c build/gen/check_component_type.o
wasm-tools component new build/core.wasm \
  --adapt wasi_snapshot_preview1=wasi_snapshot_preview1.reactor.wasm -o "build/{{name}}.wasm"
pin
