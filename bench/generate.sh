# Generates a git monorepo for the benchmarks (sourced by bench/*.sh):
#   generate DIR SERVICES FILES_PER_SERVICE
# Each service: an Express app whose entry imports a chain of modules (routes,
# env reads, helpers), a Dockerfile; the root: workspaces, a lockfile, a
# workflow, a README, a runbook, a shared package.

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
