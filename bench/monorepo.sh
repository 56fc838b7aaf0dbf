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

generate() {  # generate DIR SERVICES FILES_PER_SERVICE
  local dir=$1 services=$2 files=$3
  mkdir -p "$dir/packages/shared/src" "$dir/.github/workflows" "$dir/docs"
  printf '{ "name": "bench", "private": true, "workspaces": ["apps/*", "packages/*"], "engines": { "node": "20.x" } }\n' > "$dir/package.json"
  printf '{ "lockfileVersion": 3, "packages": {} }\n' > "$dir/package-lock.json"
  printf 'node_modules\n.env\n.env.*\n!.env.example\n' > "$dir/.gitignore"
  printf '# bench\n\n## Getting started\n\n```sh\nnpm ci\n```\n' > "$dir/README.md"
  printf '# Runbook\n## Incident response\n## Rollback\n## Backup and restore\n' > "$dir/docs/runbook.md"
  printf 'export const shared = { region: process.env.REGION ?? "eu" };\n' > "$dir/packages/shared/src/index.ts"
  printf '{ "name": "@bench/shared", "main": "src/index.ts" }\n' > "$dir/packages/shared/package.json"
  cat > "$dir/.github/workflows/ci.yml" <<'YAML'
name: ci
on: [push]
permissions: { contents: read }
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: npm ci
      - run: npm test
      - run: npm run build
YAML
  for s in $(seq "$services"); do
    local app="$dir/apps/svc$s"
    mkdir -p "$app/src/modules"
    printf '{ "name": "@bench/svc%d", "scripts": { "start": "node dist/main.js", "build": "tsc" }, "dependencies": { "express": "^4.19.2", "helmet": "^7.1.0", "@bench/shared": "*" } }\n' "$s" > "$app/package.json"
    printf 'FROM node:20.14-alpine\nENV NODE_ENV=production\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci --omit=dev\nCOPY dist ./dist\nUSER node\nHEALTHCHECK CMD wget -qO- localhost:3000/health\nCMD ["node", "dist/main.js"]\n' > "$app/Dockerfile"
    {
      echo "import express from 'express';"
      echo "import helmet from 'helmet';"
      echo "import { shared } from '@bench/shared';"
      echo "import { register } from './modules/m1';"
      echo "const app = express();"
      echo "app.use(helmet());"
      echo "app.use(express.json({ limit: '1mb' }));"
      echo "app.get('/health', (_req, res) => res.json({ status: 'ok', region: shared.region }));"
      echo "register(app);"
      echo "process.on('SIGTERM', () => process.exit(0));"
      echo "app.listen(Number(process.env.PORT ?? 3000));"
    } > "$app/src/main.ts"
    for f in $(seq "$files"); do
      local next=$(( f + 1 )) other=$(( (f * 7) % files + 1 ))
      {
        [ "$f" -lt "$files" ] && echo "import { register as next } from './m$next';"
        echo "import { helper$other } from './h$other';"
        echo "// Module $f of service $s: a route, an env read and some logic."
        echo "export function register(app: any) {"
        echo "  app.get('/items/$f', (_req: any, res: any) => res.json({ id: $f, page: helper$other(Number(process.env.PAGE_SIZE_$f ?? 20)) }));"
        [ "$f" -lt "$files" ] && echo "  next(app);"
        echo "}"
      } > "$app/src/modules/m$f.ts"
      printf 'export function helper%d(n: number): number {\n  const values = [1, 2, 3].map((x) => x * n);\n  return values.reduce((a, b) => a + b, 0) / %d;\n}\n' "$f" "$f" > "$app/src/modules/h$f.ts"
    done
  done
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.email=b@example.com -c user.name=bench commit -qm bench
}

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
