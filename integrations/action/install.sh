#!/usr/bin/env bash
# The Action's install step: downloads the release archive and verifies
# its sha256 (the `sha256` input, else the release's SHA256SUMS) and, where
# `gh` is installed, its build provenance; or builds from source into the
# cached folder. Puts gonogo on PATH. Tested by tests/action_install.rs.
set -euo pipefail

bin="$RUNNER_TEMP/gonogo/bin"
sha256() {
  if command -v sha256sum > /dev/null 2>&1; then sha256sum "$1" | cut -c1-64; else shasum -a 256 "$1" | cut -c1-64; fi
}

case "${GONOGO_MODE:-}" in
  present)
    ;;
  download)
    base="${GONOGO_RELEASE_URL:-https://github.com/$ACTION_REPOSITORY/releases/download}"
    archive="gonogo-$GONOGO_VERSION-$GONOGO_TARGET.tar.gz"
    work="$RUNNER_TEMP/gonogo-download"
    mkdir -p "$work" "$bin"
    curl -fsSL --retry 3 "$base/$GONOGO_VERSION/$archive" -o "$work/$archive"
    expected="${GONOGO_SHA256:-}"
    if [ -z "$expected" ]; then
      curl -fsSL --retry 3 "$base/$GONOGO_VERSION/SHA256SUMS" -o "$work/SHA256SUMS"
      expected=$(awk -v f="$archive" '$2 == f || $2 == "*"f { print $1 }' "$work/SHA256SUMS")
    fi
    if [ -z "$expected" ]; then
      echo "::error::no sha256 for $archive (SHA256SUMS does not list it, and the sha256 input is empty)"
      exit 1
    fi
    actual=$(sha256 "$work/$archive")
    if [ "$actual" != "$expected" ]; then
      echo "::error::$archive has sha256 $actual, expected $expected: not installed"
      exit 1
    fi
    if command -v gh > /dev/null 2>&1 && [ -n "${GH_TOKEN:-}" ] && [ -n "${ACTION_REPOSITORY:-}" ]; then
      gh attestation verify "$work/$archive" --repo "$ACTION_REPOSITORY"
    else
      echo "provenance not verified: needs gh and a token (the sha256 was)"
    fi
    tar -xzf "$work/$archive" -C "$bin" gonogo
    ;;
  build)
    if [ ! -x "$RUNNER_TEMP/gonogo-build/bin/gonogo" ]; then
      cargo install --locked --path "$ACTION_PATH/host" --root "$RUNNER_TEMP/gonogo-build"
    fi
    bin="$RUNNER_TEMP/gonogo-build/bin"
    ;;
  *)
    echo "::error::unknown install mode \`${GONOGO_MODE:-}\`"
    exit 1
    ;;
esac
if [ "${GONOGO_MODE}" != present ]; then
  echo "$bin" >> "$GITHUB_PATH"
  export PATH="$bin:$PATH"
fi
gonogo --version
