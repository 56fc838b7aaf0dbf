// Package export_wit_world is gonogo check `k8s-probes`, in Go: every
// long-running container of the project's Kubernetes manifests has
// readiness and liveness probes, aimed at a port the container declares and,
// for HTTP probes, at a route the service serves.
//
// It reads every YAML file the project tracks that holds Kubernetes
// workloads (Deployment, StatefulSet, DaemonSet; Jobs and CronJobs run to
// completion and are skipped), and reports:
//
//   - `probe-missing`: a container without a readiness or a liveness probe;
//   - `probe-port-unknown`: a probe aimed at a named port the container does
//     not declare, or at a number none of its `containerPort`s is;
//   - `probe-route-unknown`: an HTTP probe whose path is not a route of the
//     service, when the routes are known: `with: { routes: [...] }`, or the
//     `paths` of the project's OpenAPI document (openapi.yaml / .json);
//   - `liveness-same-as-readiness`: both probes request the same path, so a
//     dependency outage makes Kubernetes restart healthy pods (warn).
//
// Facts (`checks.k8s_probes.facts`): `manifests` (files read), `workloads`,
// `containers`, `probed` (containers with both probes), `routes_known`.
package export_wit_world

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
	host "wit_component/gonogo_check_host"
	types "wit_component/gonogo_check_types"
	workspace "wit_component/gonogo_check_workspace"
)

var workloadKinds = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true}

type settings struct {
	Routes []string `json:"routes"`
}

type facts struct {
	Manifests   []string `json:"manifests"`
	Workloads   int      `json:"workloads"`
	Containers  int      `json:"containers"`
	Probed      int      `json:"probed"`
	RoutesKnown bool     `json:"routes_known"`
}

// Describe says what the check is.
func Describe() types.CheckInfo {
	return types.CheckInfo{
		Id:          "k8s-probes",
		Name:        "Kubernetes probes",
		Version:     "0.1.0",
		Description: "Every long-running container in the Kubernetes manifests has readiness and liveness probes aimed at a declared port and, for HTTP probes, at a route the service serves.",
	}
}

// Run inspects the manifests; config is the check's `with:` as JSON.
func Run(config string) witTypes.Result[types.Outcome, string] {
	var options settings
	if strings.TrimSpace(config) != "" {
		if err := json.Unmarshal([]byte(config), &options); err != nil {
			return witTypes.Err[types.Outcome, string]("the configuration is not valid: " + err.Error())
		}
	}
	files := workspace.Files()
	routes := map[string]bool{}
	for _, route := range options.Routes {
		routes[route] = true
	}
	if len(routes) == 0 {
		routes = openAPIRoutes(files)
	}
	report := facts{Manifests: []string{}, RoutesKnown: len(routes) > 0}
	var findings []types.Finding
	for _, file := range files {
		if !(strings.HasSuffix(file.Path, ".yaml") || strings.HasSuffix(file.Path, ".yml")) {
			continue
		}
		data, ok := read(file.Path)
		if !ok || !strings.Contains(data, "kind:") {
			continue
		}
		found := false
		for _, document := range parseDocuments(data) {
			manifest, ok := document.(*Mapping)
			if !ok || !workloadKinds[manifest.String("kind")] {
				continue
			}
			found = true
			report.Workloads++
			name := manifest.String("kind") + "/" + manifest.String("metadata", "name")
			for _, item := range manifest.List("spec", "template", "spec", "containers") {
				container, ok := item.(*Mapping)
				if !ok {
					continue
				}
				report.Containers++
				problems := inspect(file.Path, name, container, routes)
				if container.Map("readinessProbe") != nil && container.Map("livenessProbe") != nil {
					report.Probed++
				}
				findings = append(findings, problems...)
			}
		}
		if found {
			report.Manifests = append(report.Manifests, file.Path)
		}
	}
	if report.Workloads == 0 {
		findings = append(findings, finding("no-workloads", types.Status_Skip, types.Severity_Info,
			"No Kubernetes Deployment, StatefulSet or DaemonSet in the project", "", 0, ""))
	} else if len(findings) == 0 {
		findings = append(findings, finding("probes", types.Status_Pass, types.Severity_Info,
			fmt.Sprintf("%d containers in %d workloads have readiness and liveness probes on declared ports", report.Containers, report.Workloads),
			"", 0, ""))
	}
	host.Log(host.LogLevel_Info, fmt.Sprintf("%d workloads in %d manifests", report.Workloads, len(report.Manifests)))
	encoded, err := json.Marshal(report)
	if err != nil {
		return witTypes.Err[types.Outcome, string](err.Error())
	}
	return witTypes.Ok[types.Outcome, string](types.Outcome{Findings: findings, Facts: string(encoded)})
}

// inspect reports the problems of one container's probes.
func inspect(path, workload string, container *Mapping, routes map[string]bool) []types.Finding {
	var findings []types.Finding
	label := fmt.Sprintf("%s, container %s", workload, container.String("name"))
	line := func(keys ...string) uint32 {
		if len(keys) == 1 {
			return uint32(container.Lines[keys[0]])
		}
		if parent := container.Map(keys[:len(keys)-1]...); parent != nil {
			return uint32(parent.Lines[keys[len(keys)-1]])
		}
		return 0
	}
	ports := map[string]bool{}
	for _, item := range container.List("ports") {
		if port, ok := item.(*Mapping); ok {
			ports[port.String("containerPort")] = true
			if name := port.String("name"); name != "" {
				ports[name] = true
			}
		}
	}
	paths := map[string]string{}
	for _, kind := range []string{"readinessProbe", "livenessProbe"} {
		probe := container.Map(kind)
		if probe == nil {
			findings = append(findings, finding("probe-missing", types.Status_Fail, types.Severity_High,
				fmt.Sprintf("%s has no %s", label, kind), path, line("name"),
				"Add a "+kind+" so Kubernetes only routes to, and restarts, pods by their real health"))
			continue
		}
		handler := probe.Map("httpGet")
		if handler == nil {
			handler = probe.Map("tcpSocket")
		}
		if handler == nil {
			handler = probe.Map("grpc")
		}
		if handler == nil {
			continue // an exec probe: nothing to cross-check
		}
		port := handler.String("port")
		if port != "" && len(ports) > 0 && !ports[port] {
			findings = append(findings, finding("probe-port-unknown", types.Status_Fail, types.Severity_High,
				fmt.Sprintf("%s: the %s targets port %s, which the container does not declare", label, kind, port),
				path, uint32(handler.Lines["port"]), "Point the probe at one of the container's ports (by name or number)"))
		}
		if route := probe.String("httpGet", "path"); route != "" {
			paths[kind] = route
			bare := strings.SplitN(route, "?", 2)[0]
			if len(routes) > 0 && !routes[bare] {
				findings = append(findings, finding("probe-route-unknown", types.Status_Fail, types.Severity_High,
					fmt.Sprintf("%s: the %s requests %s, which is not a route of the service", label, kind, route),
					path, uint32(handler.Lines["path"]), "Probe a health route the service serves (known routes: "+known(routes)+")"))
			}
		}
	}
	if paths["readinessProbe"] != "" && paths["readinessProbe"] == paths["livenessProbe"] {
		findings = append(findings, finding("liveness-same-as-readiness", types.Status_Warn, types.Severity_Medium,
			fmt.Sprintf("%s: liveness and readiness both request %s", label, paths["livenessProbe"]),
			path, line("livenessProbe"),
			"Let liveness answer whether the process works and readiness whether its dependencies do"))
	}
	return findings
}

// openAPIRoutes reads the `paths` of the project's OpenAPI document, if any.
func openAPIRoutes(files []workspace.FileEntry) map[string]bool {
	routes := map[string]bool{}
	for _, file := range files {
		base := file.Path[strings.LastIndex(file.Path, "/")+1:]
		stem := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".yaml"), ".yml")
		if (stem != "openapi" && stem != "swagger") || stem == base {
			continue
		}
		data, ok := read(file.Path)
		if !ok {
			continue
		}
		if strings.HasSuffix(base, ".json") {
			var document struct {
				Paths map[string]any `json:"paths"`
			}
			if json.Unmarshal([]byte(data), &document) == nil {
				for route := range document.Paths {
					routes[route] = true
				}
			}
			continue
		}
		for _, document := range parseDocuments(data) {
			if mapping, ok := document.(*Mapping); ok {
				if paths := mapping.Map("paths"); paths != nil {
					for route := range paths.Values {
						routes[route] = true
					}
				}
			}
		}
	}
	return routes
}

func known(routes map[string]bool) string {
	list := make([]string, 0, len(routes))
	for route := range routes {
		list = append(list, route)
	}
	sort.Strings(list)
	if len(list) > 8 {
		list = append(list[:8], "…")
	}
	return strings.Join(list, ", ")
}

func read(path string) (string, bool) {
	data := workspace.Read(path)
	if data.IsNone() {
		return "", false
	}
	return string(data.Some()), true
}

func finding(id string, status types.Status, severity types.Severity, message, path string, line uint32, remediation string) types.Finding {
	location := witTypes.None[types.Location]()
	if path != "" {
		number := witTypes.None[uint32]()
		if line > 0 {
			number = witTypes.Some(line)
		}
		location = witTypes.Some(types.Location{Path: path, Line: number})
	}
	fix := witTypes.None[string]()
	if remediation != "" {
		fix = witTypes.Some(remediation)
	}
	return types.Finding{Id: id, Status: status, Severity: severity, Message: message, Location: location, Remediation: fix}
}
