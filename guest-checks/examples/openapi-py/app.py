"""gonogo check `openapi`, in Python: the service's API is described, and
every operation either requires authentication or is declared public.

It finds the OpenAPI document among the project's files (`openapi.yaml`,
`swagger.json`, `docs/api/openapi.yml`… or `with: { spec: path }`), parses
it (JSON, or YAML through PyYAML, with line numbers), and reports:

- `spec-missing`: no OpenAPI document in the project;
- `spec-invalid`: the document does not parse, or is neither OpenAPI 3 nor
  Swagger 2, or has no `paths`;
- `operation-unauthenticated`: an operation with no security requirement
  (its own or the document's), whose path is not one of `public_paths`
  (default: health, readiness and docs routes) and that does not opt out
  explicitly with `security: []`;
- `security-scheme-unknown`: a requirement names a scheme that
  `components.securitySchemes` (or Swagger 2 `securityDefinitions`) lacks;
- `operation-undocumented`: an operation with neither `summary` nor
  `description`, or without `responses`;
- `server-plain-http`: a server URL over plain HTTP, other than localhost.

Facts (`checks.openapi.facts`): `spec` (path or null), `version`,
`operations`, `documented`, `secured`, `public` (the operations that opted
out, as `METHOD /path`), `unauthenticated` (likewise), `schemes`.
"""

import json
import posixpath
from typing import Any, Dict, List, Optional, Tuple

import yaml  # PyYAML, pure Python, bundled by build.sh

import wit_world
from componentize_py_types import Err
from wit_world.imports import host, workspace
from wit_world.imports.types import (
    CheckInfo,
    Finding,
    Location,
    Outcome,
    Severity,
    Status,
)

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SPEC_NAMES = {"openapi", "swagger", "api", "openapi-spec", "api-spec"}
SPEC_EXTENSIONS = (".yaml", ".yml", ".json")
DEFAULT_PUBLIC = ["/health", "/healthz", "/ready", "/readyz", "/live", "/livez", "/docs", "/api-docs"]


def find_spec(paths: List[str]) -> Optional[str]:
    """The most likely OpenAPI document: a known name, shallowest first."""
    candidates = []
    for path in paths:
        stem, ext = posixpath.splitext(posixpath.basename(path).lower())
        if ext in SPEC_EXTENSIONS and stem in SPEC_NAMES:
            if "/test" in "/" + path or "fixture" in path:
                continue
            candidates.append((path.count("/"), stem != "openapi", path))
    return min(candidates)[2] if candidates else None


def parse(path: str, text: str) -> Tuple[Any, Dict[Tuple[str, ...], int]]:
    """The document and the 1-based line of each mapping key path."""
    if path.endswith(".json"):
        return json.loads(text), {}
    lines: Dict[Tuple[str, ...], int] = {}

    def walk(node: Any, where: Tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    here = where + (key.value,)
                    lines[here] = key.start_mark.line + 1
                    if len(here) <= 3:
                        walk(value, here)

    walk(yaml.compose(text, Loader=yaml.SafeLoader), ())
    return yaml.safe_load(text), lines


def is_public(route: str, public: List[str]) -> bool:
    return any(route == p or route.startswith(p.rstrip("/") + "/") for p in public)


class WitWorld(wit_world.WitWorld):
    def describe(self) -> CheckInfo:
        return CheckInfo(
            id="openapi",
            name="OpenAPI coverage",
            version="0.1.0",
            description="The API is described by an OpenAPI document; every operation is documented and either requires authentication or is declared public.",
        )

    def run(self, config: str) -> Outcome:
        try:
            settings = json.loads(config or "{}")
        except ValueError as error:
            raise Err(f"the configuration is not JSON: {error}")
        public = list(settings.get("public_paths", DEFAULT_PUBLIC))
        entries = workspace.files()
        spec = settings.get("spec") or find_spec([e.path for e in entries])
        facts: Dict[str, Any] = {"spec": spec, "version": None, "operations": 0,
                                 "documented": 0, "secured": 0, "public": [],
                                 "unauthenticated": [], "schemes": []}
        if spec is None:
            return outcome([finding(
                "spec-missing", Status.FAIL, Severity.MEDIUM,
                "No OpenAPI document found (openapi.yaml, swagger.json…)",
                None, "Describe the API in openapi.yaml at the root (or generate it) and commit it",
            )], facts)
        data = workspace.read(spec)
        if data is None:
            return outcome([finding("spec-invalid", Status.FAIL, Severity.HIGH,
                                    f"{spec} is not a readable file of the project", spec,
                                    "Point `spec` at a committed file")], facts)
        try:
            document, lines = parse(spec, data.decode("utf-8"))
        except (ValueError, yaml.YAMLError, UnicodeDecodeError) as error:
            where = getattr(error, "problem_mark", None)
            line = where.line + 1 if where is not None else None
            return outcome([finding("spec-invalid", Status.FAIL, Severity.HIGH,
                                    f"{spec} does not parse: {str(error).splitlines()[0]}",
                                    spec, "Fix the document's syntax", line)], facts)
        return outcome(*inspect(spec, document, lines, public, facts))


def inspect(spec, document, lines, public, facts):
    findings: List[Finding] = []
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        findings.append(finding("spec-invalid", Status.FAIL, Severity.HIGH,
                                f"{spec} has no `paths` object", spec,
                                "Describe each route under `paths`"))
        return findings, facts
    version = str(document.get("openapi") or document.get("swagger") or "")
    facts["version"] = version or None
    if not (version.startswith("3.") or version.startswith("2.")):
        findings.append(finding("spec-invalid", Status.FAIL, Severity.HIGH,
                                f"{spec} declares neither `openapi: 3.x` nor `swagger: 2.0`",
                                spec, "Declare the OpenAPI version at the top", 1))
    components = document.get("components") or {}
    schemes = dict(components.get("securitySchemes") or document.get("securityDefinitions") or {})
    facts["schemes"] = sorted(schemes)
    default_security = document.get("security")
    for route, item in document["paths"].items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            name = f"{method.upper()} {route}"
            line = lines.get(("paths", route, method))
            facts["operations"] += 1
            if (operation.get("summary") or operation.get("description")) and operation.get("responses"):
                facts["documented"] += 1
            else:
                missing = "responses" if operation.get("summary") or operation.get("description") else "a summary or description"
                findings.append(finding("operation-undocumented", Status.WARN, Severity.LOW,
                                        f"{name} has no {missing}", spec,
                                        "Say what the operation does and what it returns", line))
            security = operation.get("security", default_security)
            if security == [] and "security" in operation:
                facts["public"].append(name)
            elif security:
                facts["secured"] += 1
                for requirement in security:
                    for scheme in (requirement or {}):
                        if scheme not in schemes:
                            findings.append(finding(
                                "security-scheme-unknown", Status.FAIL, Severity.HIGH,
                                f"{name} requires the security scheme `{scheme}`, which the document does not define",
                                spec, "Define it under components.securitySchemes", line))
            elif is_public(route, public):
                facts["public"].append(name)
            else:
                facts["unauthenticated"].append(name)
                findings.append(finding(
                    "operation-unauthenticated", Status.FAIL, Severity.HIGH,
                    f"{name} requires no authentication and is not declared public", spec,
                    "Add a `security` requirement (or a global one), or `security: []` if it is public on purpose",
                    line))
    for server in document.get("servers") or []:
        url = str((server or {}).get("url", ""))
        if url.startswith("http://") and not any(h in url for h in ("localhost", "127.0.0.1", "0.0.0.0")):
            findings.append(finding("server-plain-http", Status.WARN, Severity.MEDIUM,
                                    f"Server {url} is plain HTTP", spec, "Serve the API over HTTPS"))
    if not findings:
        findings.append(finding("covered", Status.PASS, Severity.INFO,
                                f"{facts['operations']} operations documented and secured or declared public", spec, None))
    host.log(host.LogLevel.INFO, f"{spec}: {facts['operations']} operations")
    return findings, facts


def finding(id: str, status: Status, severity: Severity, message: str,
            path: Optional[str], remediation: Optional[str], line: Optional[int] = None) -> Finding:
    location = Location(path=path, line=line) if path else None
    return Finding(id=id, status=status, severity=severity, message=message,
                   location=location, remediation=remediation)


def outcome(findings: List[Finding], facts: Dict[str, Any]) -> Outcome:
    return Outcome(findings=findings, facts=json.dumps(facts))
