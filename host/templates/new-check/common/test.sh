#!/usr/bin/env bash
# Builds the check, then runs it with gonogo.yaml: the project in fixture/
# must be GO (exit 0), the one in fixture-missing/ NO-GO (exit 1).
# Set GONOGO to the gonogo binary if it is not on PATH.
set -euo pipefail
cd "$(dirname "$0")"
gonogo="${GONOGO:-gonogo}"

bash build.sh
"$gonogo" check fixture --policy gonogo.yaml
set +e
"$gonogo" check fixture-missing --policy gonogo.yaml
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "test: expected NO-GO (exit 1) for fixture-missing/, got exit $code" >&2
  exit 1
fi
echo "test: ok"
