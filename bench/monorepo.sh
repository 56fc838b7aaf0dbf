#!/usr/bin/env bash
# How the cost of a warm `gonogo check` (the full production-readiness pack)
# grows with the size of a repository: generates git monorepos of S services
# with F TypeScript modules each (imports between them, routes, env reads,
# docs, Dockerfiles, a workflow), then times N warm runs on each size and
# prints the medians and the cost per thousand files.
#
#   bash bench/monorepo.sh [N] [PROFILE] [SIZES]
#   # N=7, PROFILE=release (or dev), SIZES="5x100 10x200 20x500" (SxF)
#
# Not part of the tests: timings belong in benchmarks, not assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
profile="${2:-release}"
sizes="${3:-5x100 10x200 20x500}"
if [ "$profile" = release ]; then cargo build -q --release; bin=target/release/gonogo
else cargo build -q; bin=target/debug/gonogo; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

source "$(dirname "$0")/generate.sh"

time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null || true   # a no-go (exit 1) is a result, not a failure
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "gonogo check, full production-readiness pack, warm cache, $profile build, $(nproc) cores"
printf '%-8s %8s %10s %12s %14s\n' size files "median ms" "ms/1k files" "rg --files ms"
for size in $sizes; do
  services=${size%x*}; files=${size#*x}
  dir="$work/mono-$size"
  generate "$dir" "$services" "$files"
  count=$(git -C "$dir" ls-files | wc -l)
  "$bin" check "$dir" --quiet --cache-dir "$work/cache" > /dev/null || true   # warm the cache
  ms=$(for _ in $(seq "$runs"); do time_ms "$bin" check "$dir" --quiet --cache-dir "$work/cache"; done | median)
  floor=-
  if command -v rg > /dev/null; then
    floor=$(for _ in $(seq "$runs"); do time_ms rg -c . "$dir"; done | median)
  fi
  printf '%-8s %8d %10d %12.1f %14s\n' "$size" "$count" "$ms" "$(echo "$ms * 1000 / $count" | bc -l)" "$floor"
done
