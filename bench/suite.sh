#!/usr/bin/env bash
# The benchmark suite: gonogo against the physical floor (ripgrep reading
# every file) and against the peers a user would run instead (checkov,
# detect-secrets), on the same generated monorepos, in one run; then the
# engine's micro-benchmarks (criterion). Prints a Markdown report of medians
# and ratios and writes it to target/bench/report.md.
#
#   bash bench/suite.sh            # full: release build, 3 sizes, 7 runs each
#   bash bench/suite.sh --quick    # seconds: dev build, a tiny tree, 1 run;
#                                  # run by the test command so it cannot rot
#
# Tools: ripgrep from Debian (installed with apt-get when missing), checkov
# and detect-secrets from PyPI in a virtualenv cached under
# ~/.cache/gonogo-bench. Timings are reported, never asserted: absolute
# times are noisy on a shared machine; ratios measured in the same run count.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/generate.sh

quick=false
[ "${1:-}" = --quick ] && quick=true
if $quick; then runs=1; sizes="2x20"; profile=dev; else runs=7; sizes="5x100 10x200 20x500"; profile=release; fi

tools="${GONOGO_BENCH_TOOLS:-$HOME/.cache/gonogo-bench}"
checkov_version=3.3.30
detect_secrets_version=1.5.0

install_tools() {
  if ! command -v rg > /dev/null; then
    echo "installing ripgrep (Debian)…" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    # A fresh machine may have no package lists yet.
    $sudo apt-get install -y -q ripgrep > /dev/null 2>&1 \
      || { $sudo apt-get update -q > /dev/null && $sudo apt-get install -y -q ripgrep > /dev/null; }
  fi
  local venv="$tools/venv-$checkov_version-$detect_secrets_version"
  if ! "$venv/bin/checkov" --version > /dev/null 2>&1 || ! "$venv/bin/detect-secrets" --version > /dev/null 2>&1; then
    echo "installing checkov $checkov_version and detect-secrets $detect_secrets_version (PyPI)…" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "checkov==$checkov_version" "detect-secrets==$detect_secrets_version"
  fi
  checkov="$venv/bin/checkov"
  detect_secrets="$venv/bin/detect-secrets"
}

# A peer that fails is a broken benchmark, not a fast peer.
check_peers() {  # check_peers DIR
  "$checkov" -d "$1" --framework dockerfile github_actions secrets --skip-download --quiet --compact -o json > "$work/checkov.json" 2> "$work/checkov.err" \
    || { [ -s "$work/checkov.json" ] || { echo "checkov failed:" >&2; tail -5 "$work/checkov.err" >&2; exit 1; }; }
  (cd "$1" && "$detect_secrets" scan --all-files . > "$work/detect-secrets.json") \
    || { echo "detect-secrets failed" >&2; exit 1; }
}

time_ms() {  # the wall time of a command, in ms; its exit code does not matter
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

measure() {  # measure CMD...: the median of $runs runs
  for _ in $(seq "$runs"); do time_ms "$@"; done | median
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.1f×", a / b }'; }

install_tools
if [ "$profile" = release ]; then cargo build -q --release; bin=target/release/gonogo
else cargo build -q; bin=target/debug/gonogo; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cache="$work/cache"
report="target/bench/report.md"
mkdir -p "$(dirname "$report")"

gonogo_run() { "$bin" check "$@" --quiet --cache-dir "$cache"; }
checkov_run() { "$checkov" -d "$1" --framework dockerfile github_actions secrets --skip-download --quiet --compact -o json; }
detect_secrets_run() { (cd "$1" && "$detect_secrets" scan --all-files .); }

{
  echo "# gonogo benchmark report"
  echo
  echo "- machine: $(nproc) cores, $(awk '/model name/ { $1 = $2 = $3 = ""; print; exit }' /proc/cpuinfo | xargs), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
  echo "- gonogo: $("$bin" --version | head -1), $profile build; ripgrep $(rg --version | head -1 | cut -d' ' -f2); checkov $checkov_version; detect-secrets $detect_secrets_version"
  echo "- $runs run(s) per figure, median; warm compile cache unless said"
  echo

  empty="$work/empty"
  mkdir -p "$empty" && git -C "$empty" init -q
  gonogo_run "$empty" > /dev/null 2>&1 || true
  echo "Fixed overhead, warm, full production-readiness pack on an empty repository: **$(measure gonogo_run "$empty") ms**"
  echo

  # Four warm runs of the full pack: nothing changed since the last run
  # (outcomes reused), one source file edited before each run (the checks
  # that read it run again), one new file before each run (the listing
  # changes: the checks and parts that list every file run again), and
  # `--rerun` (every check runs). The peers are compared with `--rerun`
  # runs: they keep nothing between runs.
  echo "| tree | files | ripgrep floor | gonogo full pack, unchanged | ÷ floor | one file edited | ÷ floor | one file added | ÷ floor | every check runs | ÷ floor | gonogo cold | gonogo docker+ci+secrets | checkov (same) | checkov ÷ gonogo | gonogo secrets | detect-secrets | detect-secrets ÷ gonogo |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  first_files=""; first_ms=""; last_files=""; last_ms=""
  for size in $sizes; do
    dir="$work/mono-$size"
    generate "$dir" "${size%x*}" "${size#*x}"
    files=$(git -C "$dir" ls-files | wc -l)
    gonogo_run "$dir" > /dev/null 2>&1 || true   # warms the compile cache
    check_peers "$dir"
    floor=$(measure rg -c --no-messages . "$dir")
    full=$(measure gonogo_run "$dir")
    edited_file="$dir/apps/svc1/src/main.ts"
    edited=$(for i in $(seq "$runs"); do echo "// edit $i" >> "$edited_file"; time_ms gonogo_run "$dir"; done | median)
    added_dir="$dir/apps/svc1/src"
    added=$(for i in $(seq "$runs"); do echo "export const added$i = $i;" > "$added_dir/added$i.ts"; time_ms gonogo_run "$dir"; done | median)
    rm -f "$added_dir"/added*.ts
    rerun=$(measure gonogo_run "$dir" --rerun)
    cold=$(for _ in $(seq "$runs"); do rm -rf "$cache"; time_ms gonogo_run "$dir"; done | median)
    gonogo_run "$dir" > /dev/null 2>&1 || true
    trio=$(measure gonogo_run "$dir" --rerun --policy bench/packs/docker-ci-secrets)
    ck=$(measure checkov_run "$dir")
    secrets=$(measure gonogo_run "$dir" --rerun --policy bench/packs/secrets)
    ds=$(measure detect_secrets_run "$dir")
    echo "| $size | $files | $floor ms | $full ms | $(ratio "$full" "$floor") | $edited ms | $(ratio "$edited" "$floor") | $added ms | $(ratio "$added" "$floor") | $rerun ms | $(ratio "$rerun" "$floor") | $cold ms | $trio ms | $ck ms | $(ratio "$ck" "$trio") | $secrets ms | $ds ms | $(ratio "$ds" "$secrets") |"
    [ -z "$first_files" ] && { first_files=$files; first_ms=$rerun; first_unchanged=$full; }
    last_files=$files; last_ms=$rerun; last_unchanged=$full; last_dir=$dir
  done
  echo
  if [ "$first_files" != "$last_files" ]; then
    slope() { awk -v a="$1" -v b="$2" -v x="$first_files" -v y="$last_files" 'BEGIN { printf "%.1f", (b - a) * 1000 / (y - x) }'; }
    echo "Slope of the full pack between $first_files and $last_files files: **$(slope "$first_ms" "$last_ms") ms per 1,000 files** when every check runs, **$(slope "$first_unchanged" "$last_unchanged") ms** when nothing changed."
    echo
  fi
  echo "Per check on the largest tree ($last_files files), every check run, from \`--verbose\` (in the order they finished; they start longest first, by the previous run):"
  echo
  # The single-check packs above recorded their own durations: one full
  # run first, so that the order is the full pack's.
  gonogo_run "$last_dir" --rerun > /dev/null 2>&1 || true
  # (a no-go exits 1; under pipefail that must not end the script)
  { "$bin" check "$last_dir" --rerun --quiet --verbose --cache-dir "$cache" 2>&1 > /dev/null || true; } | awk '/ran in/ && !/: part / { printf "- %s %s ms\n", $3, $6 }'
  echo
} | tee "$report"

# One check in five languages: first and later runs.
echo | tee -a "$report"
bash bench/languages.sh $($quick && echo --quick) | tee -a "$report"
echo | tee -a "$report"

if $quick; then
  # The micro-benchmarks once each, as tests (criterion's test mode).
  cargo test -q --bench engine > /dev/null
  echo "criterion benchmarks: ran once each (cargo test --bench engine)" | tee -a "$report"
else
  cargo bench -q --bench engine -- --noplot 2>/dev/null | grep -E '^[a-z]|time:|thrpt:' | sed 's/^/    /' | tee -a "$report"
fi
echo "report: $report" >&2
