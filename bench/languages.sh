#!/usr/bin/env bash
# One check in five languages: the `gonogo new check` scaffold (reads
# README.md, returns one finding and one fact) built in Rust, Python,
# JavaScript, C and Go, then run through `gonogo check`: the component's
# size, the first run (empty compile cache: gonogo compiles the component)
# and later runs (loaded from the cache, and run: `--rerun`, so that no
# stored outcome is reused). Prints a Markdown table of medians.
#
#   bash bench/languages.sh            # release build, 5 first runs, 9 later runs
#   bash bench/languages.sh --quick    # dev build, C only, one run of each kind (run by
#                                      # suite.sh --quick so the script cannot rot; every
#                                      # scaffold's build is tested by tests/new_check.rs)
#
# Toolchains come from guest-checks/examples/toolchains.sh (cached).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
[ "${1:-}" = --quick ] && quick=true
if $quick; then cold_runs=1; warm_runs=1; profile=dev; languages="c"
else cold_runs=5; warm_runs=9; profile=release; languages="rust python js c go"; fi
if [ "$profile" = release ]; then cargo build -q --release; bin="$PWD/target/release/gonogo"
else cargo build -q; bin="$PWD/target/debug/gonogo"; fi

tools="$(bash guest-checks/examples/toolchains.sh)"
export PATH="$tools:$PATH"
export WIT_GO_PKG="$(dirname "$tools")/go-pkg"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "### One check in $(echo $languages | wc -w) language(s) ($profile build, $(nproc) cores; medians of $cold_runs first and $warm_runs later runs)"
echo
echo "| language | component | first run (compiles it) | later runs (compile cache) |"
echo "| --- | ---: | ---: | ---: |"
for lang in $languages; do
  dir="$work/$lang"
  "$bin" new check "bench-$lang" --lang "$lang" --dir "$dir" > /dev/null
  (cd "$dir" && bash build.sh > /dev/null 2>&1) || { echo "| $lang | build failed | | |"; continue; }
  size=$(wc -c < "$dir/build/bench-$lang.wasm")
  run() { "$bin" check "$dir/fixture" --policy "$dir/gonogo.yaml" --quiet --rerun --cache-dir "$1"; }
  cold=$(for i in $(seq "$cold_runs"); do time_ms run "$work/cache-$lang-$i"; done | median)
  run "$work/cache-$lang" > /dev/null
  warm=$(for _ in $(seq "$warm_runs"); do time_ms run "$work/cache-$lang"; done | median)
  awk -v l="$lang" -v s="$size" -v c="$cold" -v w="$warm" \
    'BEGIN { printf "| %s | %.0f KB | %d ms | %d ms |\n", l, s / 1024, c, w }'
done
