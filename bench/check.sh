#!/usr/bin/env bash
# Wall-clock time of whole `gonogo check` runs on an example project: with a
# cold compile cache (every run compiles the components) and a warm one
# (loads them). Prints the median and the range of N runs of each.
#
#   bash bench/check.sh [N] [PROFILE]      # N=20, PROFILE=dev (or release)
#
# Not part of the tests: timings belong in benchmarks, not assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
profile="${2:-dev}"
if [ "$profile" = release ]; then cargo build -q --release; bin=target/release/gonogo
else cargo build -q; bin=target/debug/gonogo; fi
example=examples/shop-api
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT

time_ms() {  # runs the command, prints its wall time in ms
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

stats() {  # median and range of the numbers on stdin
  sort -n | awk '{ a[NR] = $1 } END { printf "median %d ms (min %d, max %d, n=%d)\n", a[int((NR + 1) / 2)], a[1], a[NR], NR }'
}

run() { "$bin" check "$example" --env-file examples/deploy/shop-api.env --quiet "$@"; }

echo "gonogo check $example, $profile build, $(nproc) cores"
printf 'cold cache (compiles every component):  '
for _ in $(seq "$runs"); do rm -rf "$cache"/*; time_ms run --cache-dir "$cache"; done | stats
run --cache-dir "$cache" > /dev/null
printf 'warm cache (loads compiled components): '
for _ in $(seq "$runs"); do time_ms run --cache-dir "$cache"; done | stats
printf 'pack tests (gonogo test, no check runs): '
for _ in $(seq "$runs"); do time_ms "$bin" test policies/production-readiness; done | stats
