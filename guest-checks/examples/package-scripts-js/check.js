// gonogo check `package-scripts`, in JavaScript: every package.json of the
// project can be started, built and tested the way production needs.
//
// For each package.json the project tracks (a monorepo has several), the
// check tells services (a `start` script, or a server framework among the
// dependencies) from libraries, and reports:
//
// - `start-missing`: a service without a `start` script;
// - `start-dev-tool`: `start` runs a development tool (nodemon, ts-node,
//   tsx, `node --watch`, `next dev`, vite, webpack-dev-server);
// - `build-missing`: `start` runs compiled output (`dist/`, `build/`) but no
//   `build` script produces it;
// - `test-missing`: no `test` script, or npm's placeholder that always fails;
// - `destructive-lifecycle`: a script that runs on install, build or start
//   resets or pushes the database schema (`prisma migrate dev|reset`,
//   `prisma db push`, `sequelize db:drop`, TypeORM `schema:drop`);
// - `inline-secret`: a script sets a secret-looking variable to a literal
//   (`JWT_SECRET=abc node …`).
//
// Facts (`checks.package_scripts.facts`): `packages`, a list of
// `{ path, name, service, start, build, test }` (the scripts' commands or
// null), and `services`, how many packages are services.
//
// It reads the files through the host's `workspace` interface, which lists
// what git tracks (or every file outside .git and node_modules) and reads
// each file once for every check.

import workspace from "gonogo:check/workspace@0.1.0";
import host from "gonogo:check/host@0.1.0";

const SERVER_PACKAGES = ["express", "fastify", "koa", "@nestjs/core", "@hapi/hapi", "hono", "next", "@remix-run/serve", "restify"];
const DEV_TOOLS = [
  [/\bnodemon\b/, "nodemon"],
  [/\bts-node(-dev)?\b/, "ts-node"],
  [/\btsx\b/, "tsx"],
  [/\bnode\b[^&|;]*\s--watch\b/, "node --watch"],
  [/\bnext\s+dev\b/, "next dev"],
  [/\bvite(\s+(dev|serve))?\s*$/, "vite's dev server"],
  [/\bwebpack(-dev-server|\s+serve)\b/, "webpack-dev-server"],
  [/\bnest\s+start\b.*--watch/, "nest start --watch"],
];
const DESTRUCTIVE = [
  [/\bprisma\s+migrate\s+(dev|reset)\b/, "prisma migrate dev/reset"],
  [/\bprisma\s+db\s+push\b/, "prisma db push"],
  [/\bsequelize(-cli)?\s+db:drop\b/, "sequelize db:drop"],
  [/\btypeorm\b.*\bschema:drop\b/, "typeorm schema:drop"],
];
const LIFECYCLE = ["preinstall", "install", "postinstall", "prepare", "prebuild", "build", "postbuild", "prestart", "start", "poststart"];
const NPM_PLACEHOLDER = /no test specified/;
const INLINE_SECRET = /\b([A-Z][A-Z0-9_]*(SECRET|TOKEN|PASSWORD|API_KEY|PRIVATE_KEY))=(?!\$)([^\s'"]{4,}|'[^']{4,}'|"[^"]{4,}")/;

/** UTF-8 bytes to a string (QuickJS has no TextDecoder). */
function utf8(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const size = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    let code = size === 1 ? b : b & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) code = (code << 6) | (bytes[i + k] & 0x3f);
    text += String.fromCodePoint(code);
    i += size;
  }
  return text;
}

/** The 1-based line of `"key":` inside the `"scripts"` object, if found. */
function scriptLine(text, key) {
  const scripts = text.indexOf('"scripts"');
  const at = text.indexOf(`"${key}"`, scripts < 0 ? 0 : scripts);
  if (at < 0) return null;
  return text.slice(0, at).split("\n").length;
}

function finding(id, status, severity, message, path, line, remediation) {
  return { id, status, severity, message, location: path ? { path, line } : null, remediation };
}

function inspect(path, text, findings) {
  let pkg;
  try {
    pkg = JSON.parse(text);
  } catch (error) {
    findings.push(finding("package-invalid", "fail", "high", `${path} is not valid JSON: ${error.message}`, path, null, "Fix the JSON"));
    return null;
  }
  const scripts = pkg.scripts || {};
  const deps = Object.assign({}, pkg.dependencies || {});
  const service = typeof scripts.start === "string" || SERVER_PACKAGES.some((name) => name in deps);
  const at = (key) => scriptLine(text, key);
  const label = pkg.name ? `${pkg.name} (${path})` : path;
  if (service) {
    const start = scripts.start;
    if (typeof start !== "string") {
      findings.push(finding("start-missing", "fail", "medium", `${label} depends on a server framework but has no \`start\` script`, path, null,
        "Add a `start` script that runs the built service with node"));
    } else {
      const tool = DEV_TOOLS.find(([pattern]) => pattern.test(start));
      if (tool) {
        findings.push(finding("start-dev-tool", "fail", "high", `${label}: \`start\` runs ${tool[1]}, a development tool`, path, at("start"),
          "Build ahead of time and start with `node dist/…`; keep the watcher in a `dev` script"));
      }
      if (/\b(dist|build|out)\//.test(start) && typeof scripts.build !== "string") {
        findings.push(finding("build-missing", "fail", "high", `${label}: \`start\` runs compiled output but there is no \`build\` script`, path, at("start"),
          "Add the `build` script that produces it (for TypeScript, `tsc -p .`)"));
      }
    }
  }
  const test = scripts.test;
  if (typeof test !== "string" || NPM_PLACEHOLDER.test(test)) {
    findings.push(finding("test-missing", service ? "fail" : "warn", "medium",
      `${label} has ${typeof test === "string" ? "npm's placeholder" : "no"} \`test\` script`, path, typeof test === "string" ? at("test") : null,
      "Make `npm test` run the test suite, so CI can fail on it"));
  }
  for (const name of LIFECYCLE) {
    const command = scripts[name];
    if (typeof command !== "string") continue;
    const hit = DESTRUCTIVE.find(([pattern]) => pattern.test(command));
    if (hit) {
      findings.push(finding("destructive-lifecycle", "fail", "critical", `${label}: \`${name}\` runs ${hit[1]}, which can reset or rewrite the production schema`, path, at(name),
        "Apply migrations with `prisma migrate deploy` (or your tool's equivalent) in the release step"));
    }
  }
  for (const [name, command] of Object.entries(scripts)) {
    const secret = typeof command === "string" && INLINE_SECRET.exec(command);
    if (secret) {
      findings.push(finding("inline-secret", "fail", "high", `${label}: script \`${name}\` sets ${secret[1]} to a literal value`, path, at(name),
        "Read it from the environment; rotate the value, it is in the repository"));
    }
  }
  const command = (name) => (typeof scripts[name] === "string" ? scripts[name] : null);
  return { path, name: pkg.name || null, service, start: command("start"), build: command("build"), test: command("test") };
}

export function describe() {
  return {
    id: "package-scripts",
    name: "package.json scripts",
    version: "0.1.0",
    description: "Every package.json can be started, built and tested the way production needs: no dev tools in start, a build for compiled output, a real test script, no schema resets on install or start, no secrets inlined.",
  };
}

export function run(config) {
  const findings = [];
  const packages = [];
  for (const entry of workspace.files()) {
    if (!(entry.path === "package.json" || entry.path.endsWith("/package.json"))) continue;
    if (entry.path.includes("node_modules/")) continue;
    const bytes = workspace.read(entry.path);
    if (!bytes) continue;
    const facts = inspect(entry.path, utf8(bytes), findings);
    if (facts) packages.push(facts);
  }
  host.log("info", `${packages.length} package.json files`);
  if (packages.length === 0) {
    findings.push(finding("no-packages", "skip", "info", "No package.json in the project", null, null, null));
  } else if (!findings.some((f) => f.status === "fail" || f.status === "warn")) {
    findings.push(finding("scripts", "pass", "info", `${packages.length} package.json files: scripts ready for production`, null, null, null));
  }
  return { findings, facts: JSON.stringify({ packages, services: packages.filter((p) => p.service).length }) };
}
