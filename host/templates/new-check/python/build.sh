#!/usr/bin/env bash
# Builds build/{{name}}.wasm with componentize-py, then pins it.
set -euo pipefail
cd "$(dirname "$0")"
source ./pin.sh
need componentize-py "pip install componentize-py==0.25.1 (in a virtualenv)"
mkdir -p build
componentize-py -d wit -w check componentize app -o "build/{{name}}.wasm" > /dev/null
pin
