"""The gonogo check `{{name}}`: reads README.md from the project and
reports whether it is there and how long it is."""

import json

import wit_world
from wit_world.imports.types import CheckInfo, Finding, Location, Outcome, Severity, Status


class WitWorld(wit_world.WitWorld):
    def describe(self) -> CheckInfo:
        return CheckInfo(
            id="{{name}}",
            name="{{name}}",
            version="0.1.0",
            description="Whether the project has a README, and how long it is.",
        )

    def run(self, config: str) -> Outcome:
        # The project is mounted read-only at /project. Raising
        # componentize_py_types.Err("why") reports that the check could not run.
        try:
            with open("/project/README.md", encoding="utf-8") as file:
                text = file.read()
        except OSError:
            text = None
        if text is None:
            finding = Finding(id="readme-missing", status=Status.FAIL, severity=Severity.LOW,
                              message="The project has no README.md", location=None,
                              remediation="Add a README.md that says how to run the service")
        else:
            finding = Finding(id="readme", status=Status.PASS, severity=Severity.INFO,
                              message="README.md is present",
                              location=Location(path="README.md", line=None), remediation=None)
        lines = len(text.splitlines()) if text is not None else 0
        facts = {"readme": {"present": text is not None, "lines": lines}}
        return Outcome(findings=[finding], facts=json.dumps(facts))
