#!/usr/bin/env bash
# Builds build/{{name}}.wasm with jco (QuickJS backend), then pins it.
set -euo pipefail
cd "$(dirname "$0")"
source ./pin.sh
need jco "npm install -g @bytecodealliance/jco@1.35.0 @bytecodealliance/componentize-js@0.23.0"
mkdir -p build
jco componentize check.js --wit wit --world-name check \
  --backend quickjs --backend-qjs-disable-async -o "build/{{name}}.wasm" > /dev/null
pin
