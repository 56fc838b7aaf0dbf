// Package export_wit_world is the gonogo check `{{name}}`: it reads
// README.md from the project and reports whether it is there and how long
// it is. wit-bindgen generates the other packages from wit/ (build.sh).
package export_wit_world

import (
	"encoding/json"
	"os"
	"strings"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
	types "wit_component/gonogo_check_types"
)

// Describe says what the check is.
func Describe() types.CheckInfo {
	return types.CheckInfo{
		Id:          "{{name}}",
		Name:        "{{name}}",
		Version:     "0.1.0",
		Description: "Whether the project has a README, and how long it is.",
	}
}

// Run inspects the project; config is the pack's `with:` as JSON. An Err
// result reports that the check could not run at all.
func Run(config string) witTypes.Result[types.Outcome, string] {
	// The project is mounted read-only at /project.
	data, err := os.ReadFile("/project/README.md")
	present := err == nil
	var finding types.Finding
	if present {
		finding = types.Finding{
			Id: "readme", Status: types.Status_Pass, Severity: types.Severity_Info,
			Message:  "README.md is present",
			Location: witTypes.Some(types.Location{Path: "README.md", Line: witTypes.None[uint32]()}),
		}
	} else {
		finding = types.Finding{
			Id: "readme-missing", Status: types.Status_Fail, Severity: types.Severity_Low,
			Message:     "The project has no README.md",
			Location:    witTypes.None[types.Location](),
			Remediation: witTypes.Some("Add a README.md that says how to run the service"),
		}
	}
	lines := 0
	if present {
		lines = len(strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"))
	}
	facts, _ := json.Marshal(map[string]any{"readme": map[string]any{"present": present, "lines": lines}})
	return witTypes.Ok[types.Outcome, string](types.Outcome{Findings: []types.Finding{finding}, Facts: string(facts)})
}
