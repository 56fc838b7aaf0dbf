#!/usr/bin/env bash
# The Action's first step: decides how gonogo gets onto the runner and
# writes `mode` (present, download or build), `version`, `target` and
# `source-digest` to $GITHUB_OUTPUT. Tested by tests/action_install.rs.
set -euo pipefail

out() { echo "$1=$2" >> "$GITHUB_OUTPUT"; }

if command -v gonogo > /dev/null 2>&1; then
  echo "gonogo is already on PATH: $(command -v gonogo)"
  out mode present
  exit 0
fi

version="${GONOGO_VERSION:-}"
if [ -z "$version" ] && [[ "${ACTION_REF:-}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  version="$ACTION_REF"
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-gnu ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) target="" ;;
esac

if [ -n "$version" ] && [ -n "$target" ]; then
  out mode download
  out version "$version"
  out target "$target"
  exit 0
fi

if [ -n "$version" ]; then
  echo "::warning::no gonogo release is built for $(uname -s) $(uname -m): building from source"
fi
# The build is cached per source tree: the digest of every file it is
# built from, in a stable order.
digest=$(cd "$ACTION_PATH" && find Cargo.toml Cargo.lock rust-toolchain.toml host guest-checks wit policies \
  \( -name target -type d -prune \) -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
out mode build
out source-digest "$digest"
