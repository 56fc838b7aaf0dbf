#!/usr/bin/env bash
# Builds the example checks (Python, JavaScript, C, Go) into
# target/guest-examples/ and writes the example pack there, pinned to the
# sha256 of what was just built (Python and JavaScript builds are not
# bit-for-bit reproducible, so the pins cannot be committed).
#
# Usage: bash guest-checks/examples/build.sh [openapi-py|package-scripts-js|licence-header-c|k8s-probes-go]...
# Toolchains are installed on first use by toolchains.sh (cached).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${GONOGO_EXAMPLES_OUT:-$repo/target/guest-examples}"
wit="$repo/wit"
mkdir -p "$out"

toolchains() { # languages…
  local bin
  bin="$(bash "$here/toolchains.sh" "$@")"
  export PATH="$bin:$PATH"
  tools="$(dirname "$bin")"
}

log() { echo "examples: $*" >&2; }

# A WASI preview1 core module (C, Go) → a component, with the reactor
# adapter of gonogo's wasmtime release.
componentize() { # core.wasm out.wasm
  wasm-tools component new "$1" \
    --adapt "wasi_snapshot_preview1=$(ls "$tools"/adapters/wasi_snapshot_preview1.reactor-*.wasm)" -o "$2"
}

build_openapi_py() {
  toolchains python
  log "openapi-py (componentize-py)"
  (cd "$here/openapi-py" && componentize-py -d "$wit" -w check componentize app \
    -p . -p "$tools/py-deps" -o "$out/openapi.wasm" > /dev/null)
}

build_package_scripts_js() {
  toolchains js
  log "package-scripts-js (jco, QuickJS)"
  # jco reads the source from the current directory.
  (cd "$here/package-scripts-js" && jco componentize check.js --wit "$wit" --world-name check \
    --backend quickjs --backend-qjs-disable-async -o "$out/package-scripts.wasm" > /dev/null)
}

build_licence_header_c() {
  toolchains c
  log "licence-header-c (clang, wasi-libc, wit-bindgen, wasm-tools)"
  local work="$out/work/licence-header-c"
  rm -rf "$work" && mkdir -p "$work"
  wit-bindgen c "$wit" --world check --out-dir "$work" > /dev/null 2>&1
  clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror -mexec-model=reactor -Wl,--strip-all \
    -I"$work" -o "$work/core.wasm" \
    "$here/licence-header-c/check.c" "$work/check.c" "$work/check_component_type.o"
  componentize "$work/core.wasm" "$out/licence-header.wasm"
}

build_k8s_probes_go() {
  toolchains go
  log "k8s-probes-go (Go wasip1, wit-bindgen, wasm-tools)"
  local work="$out/work/k8s-probes-go"
  rm -rf "$work" && mkdir -p "$work"
  wit-bindgen go "$wit" --world check --out-dir "$work" > /dev/null 2>&1
  cp -r "$here/k8s-probes-go/export_wit_world" "$work/"
  cat > "$work/go.mod" <<MOD
module wit_component

go 1.25

require go.bytecodealliance.org/pkg v0.4.0

replace go.bytecodealliance.org/pkg => $tools/go-pkg
MOD
  (cd "$work" && GOOS=wasip1 GOARCH=wasm GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local \
    GOCACHE="$tools/go-cache" GOPATH="$tools/go-path" \
    go build -buildmode=c-shared -trimpath -ldflags='-checklinkname=0 -s -w' -o core.wasm .)
  wasm-tools component embed "$wit" --world check "$work/core.wasm" -o "$work/embedded.wasm"
  componentize "$work/embedded.wasm" "$out/k8s-probes.wasm"
}

# Each check's documentation beside it, as `gonogo checks info` reads it.
docs() { cp "$here/$1/README.md" "$out/$2.md"; }

examples=("$@")
[ ${#examples[@]} -eq 0 ] && examples=(openapi-py package-scripts-js licence-header-c k8s-probes-go)
for example in "${examples[@]}"; do
  case "$example" in
    openapi-py) build_openapi_py && docs openapi-py openapi ;;
    package-scripts-js) build_package_scripts_js && docs package-scripts-js package-scripts ;;
    licence-header-c) build_licence_header_c && docs licence-header-c licence-header ;;
    k8s-probes-go) build_k8s_probes_go && docs k8s-probes-go k8s-probes ;;
    *) echo "examples: unknown example \`$example\`" >&2; exit 2 ;;
  esac
done

# The pack, with a `sha256:` after every `use: ./<file>.wasm` that was built.
awk -v out="$out" '
  { print }
  match($0, /^ *use: \.\/[^ ]+\.wasm *$/) {
    indent = substr($0, 1, index($0, "use:") - 1)
    file = $0; sub(/^ *use: \.\//, "", file); sub(/ *$/, "", file)
    command = "sha256sum \"" out "/" file "\" 2>/dev/null"
    digest = ""; command | getline digest; close(command)
    split(digest, parts, " ")
    if (parts[1] != "") print indent "sha256: " parts[1]
  }
' "$here/pack.yaml" > "$out/gonogo.yaml"
log "built into $out (pack: $out/gonogo.yaml)"
