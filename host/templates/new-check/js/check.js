// The gonogo check `{{name}}`: reads README.md from the project and reports
// whether it is there and how long it is.
//
// Imports are ES modules named after their WIT interface. JavaScript has no
// file API here: read project files with the host's `workspace` interface
// (`files()` lists them, `read(path)` returns their bytes or null).
import workspace from "gonogo:check/workspace@0.1.0";

export function describe() {
  return {
    id: "{{name}}",
    name: "{{name}}",
    version: "0.1.0",
    description: "Whether the project has a README, and how long it is.",
  };
}

// `config` is the pack's `with:` as JSON. Throwing a string reports that the
// check could not run.
export function run(config) {
  const bytes = workspace.read("README.md");
  const present = bytes !== null && bytes !== undefined;
  let lines = 0;
  if (present) {
    for (const byte of bytes) if (byte === 10) lines++;
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) lines++;
  }
  const finding = present
    ? { id: "readme", status: "pass", severity: "info", message: "README.md is present", location: { path: "README.md", line: null }, remediation: null }
    : { id: "readme-missing", status: "fail", severity: "low", message: "The project has no README.md", location: null, remediation: "Add a README.md that says how to run the service" };
  return { findings: [finding], facts: JSON.stringify({ readme: { present, lines } }) };
}
