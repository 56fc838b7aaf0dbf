//! Deployment platform files: what Railway (`railway.json`/`.toml`), Render
//! (`render.yaml`), Fly.io (`fly.toml`), Heroku (`Procfile`), PM2
//! (`ecosystem.config.*`), Kubernetes manifests and systemd units say about
//! restarts, health checks, resource limits, replicas, autoscaling and how
//! a new version replaces the old one. Where a platform restarts or sizes a
//! service by default, the fact says so (`default`).

use crate::findings;
use gonogo_analysis::yaml;
use gonogo_check::{Finding, Report, Severity, workspace};
use serde_json::{Value, json};

/// The platform a file configures, from its name, if it is one.
fn kind_of(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    if lower
        .split('/')
        .any(|p| p == "node_modules" || p == "test" || p == "tests")
    {
        return None;
    }
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    match name {
        "railway.json" | "railway.toml" => Some("railway"),
        "render.yaml" | "render.yml" => Some("render"),
        "fly.toml" => Some("fly"),
        "procfile" => Some("procfile"),
        _ if name.starts_with("ecosystem.config.")
            || name == "pm2.json"
            || name == "process.yml" =>
        {
            Some("pm2")
        }
        _ if name.ends_with(".service") => Some("systemd"),
        _ if (name.ends_with(".yaml") || name.ends_with(".yml"))
            && (lower.contains("k8s")
                || lower.contains("kubernetes")
                || lower.contains("manifests")
                || lower.contains("deploy")
                || lower.contains("helm")
                || lower.contains("chart")) =>
        {
            Some("kubernetes")
        }
        _ => None,
    }
}

/// What one platform file says: `restart`, `health_check`, `limits` (each
/// true, false, or null when the file does not say and the platform has
/// no default), `replicas` (or null), `autoscaling` (true, false, or null
/// where the platform scales from its dashboard), `strategy` (how a new
/// version replaces the old one, or null), and `defaults` (the facts that
/// are the platform's defaults rather than written in the file).
#[derive(Default)]
struct Said {
    restart: Option<bool>,
    health_check: Option<bool>,
    limits: Option<bool>,
    replicas: Option<u64>,
    autoscaling: Option<bool>,
    strategy: Option<&'static str>,
    /// Whether the platform deploys each push on its own (Render's
    /// `autoDeploy`), or null where the repository cannot show it.
    deploys_on_push: Option<bool>,
    defaults: Vec<&'static str>,
}

/// The new version runs beside the old one and takes traffic once its
/// health check passes (Railway, Render); a `switch` does not wait for a
/// health check.
const HEALTH_CHECKED_SWITCH: &str = "health-checked-switch";

fn railway(config: &Value) -> Said {
    let deploy = &config["deploy"];
    let policy = deploy["restartPolicyType"].as_str();
    Said {
        // Railway restarts a failed deployment (ON_FAILURE) unless told NEVER.
        restart: Some(!policy.is_some_and(|p| p.eq_ignore_ascii_case("never"))),
        health_check: Some(deploy["healthcheckPath"].is_string()),
        limits: None,
        replicas: deploy["numReplicas"].as_u64(),
        // Railway scales horizontally by hand (numReplicas or dashboard).
        autoscaling: None,
        strategy: Some(if deploy["healthcheckPath"].is_string() {
            HEALTH_CHECKED_SWITCH
        } else {
            "switch"
        }),
        deploys_on_push: None,
        defaults: if policy.is_none() {
            vec!["restart"]
        } else {
            Vec::new()
        },
    }
}

fn render(config: &Value) -> Said {
    let services: Vec<&Value> = config["services"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| matches!(s["type"].as_str(), Some("web" | "pserv" | "worker")))
        .collect();
    Said {
        restart: Some(true),
        health_check: Some(
            !services.is_empty()
                && services
                    .iter()
                    .filter(|s| s["type"] == "web")
                    .all(|s| s["healthCheckPath"].is_string()),
        ),
        // Each instance type (plan) has a fixed CPU and memory size.
        limits: Some(true),
        replicas: services
            .iter()
            .filter_map(|s| {
                s["numInstances"]
                    .as_u64()
                    .or(s["scaling"]["minInstances"].as_u64())
            })
            .min(),
        autoscaling: Some(services.iter().any(|s| {
            let scaling = &s["scaling"];
            scaling["maxInstances"].as_u64() > scaling["minInstances"].as_u64().or(Some(1))
        })),
        strategy: Some(
            if !services.is_empty()
                && services
                    .iter()
                    .filter(|s| s["type"] == "web")
                    .all(|s| s["healthCheckPath"].is_string())
            {
                HEALTH_CHECKED_SWITCH
            } else {
                "switch"
            },
        ),
        // Render deploys every push of the linked branch unless told not to.
        deploys_on_push: Some(
            !services.is_empty() && services.iter().all(|s| s["autoDeploy"] != false),
        ),
        defaults: vec!["restart", "limits"],
    }
}

fn fly(config: &Value) -> Said {
    let checks = config["checks"].is_object()
        || config["http_service"]["checks"].is_array()
        || config["services"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["http_checks"].is_array() || s["tcp_checks"].is_array());
    let never = config["restart"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["policy"] == "never");
    Said {
        restart: Some(!never),
        health_check: Some(checks),
        // Every machine has a size (`[[vm]]` or the default shared-cpu-1x).
        limits: Some(true),
        replicas: config["http_service"]["min_machines_running"].as_u64(),
        // Fly starts and stops the app's machines with its traffic.
        autoscaling: Some(
            config["http_service"]["auto_start_machines"] == true
                && match &config["http_service"]["auto_stop_machines"] {
                    Value::Bool(on) => *on,
                    Value::String(mode) => mode == "stop" || mode == "suspend",
                    _ => false,
                },
        ),
        strategy: Some(
            match config["deploy"]["strategy"]
                .as_str()
                .unwrap_or("rolling")
                .to_ascii_lowercase()
                .as_str()
            {
                "canary" => "canary",
                "bluegreen" | "blue-green" => "blue-green",
                "immediate" => "immediate",
                _ => "rolling",
            },
        ),
        deploys_on_push: None,
        defaults: vec!["limits"],
    }
}

/// PM2's options, from JSON or YAML, or the object literal of a JS config
/// read for the keys that matter.
fn pm2(path: &str, text: &str) -> Said {
    let lower = path.to_ascii_lowercase();
    let (autorestart_off, memory, instances) =
        if lower.ends_with(".json") || lower.ends_with(".yml") {
            let config = if lower.ends_with(".json") {
                serde_json::from_str::<Value>(text).unwrap_or_default()
            } else {
                yaml::parse(text).unwrap_or_default()
            };
            let apps: Vec<Value> = config["apps"].as_array().cloned().unwrap_or_default();
            (
                apps.iter().any(|a| a["autorestart"] == false),
                !apps.is_empty() && apps.iter().all(|a| !a["max_memory_restart"].is_null()),
                apps.iter().filter_map(|a| a["instances"].as_u64()).min(),
            )
        } else {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            (
                compact.contains("autorestart:false"),
                compact.contains("max_memory_restart:"),
                None,
            )
        };
    Said {
        restart: Some(!autorestart_off),
        health_check: None,
        limits: Some(memory),
        replicas: instances,
        autoscaling: None,
        strategy: None,
        deploys_on_push: None,
        defaults: if autorestart_off {
            Vec::new()
        } else {
            vec!["restart"]
        },
    }
}

fn systemd(text: &str) -> Said {
    let setting = |key: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
            .map(str::trim)
    };
    // A unit that starts a compose stack leaves restarts and limits to it.
    if setting("ExecStart").is_some_and(|c| c.contains("compose")) {
        return Said::default();
    }
    Said {
        restart: Some(setting("Restart").is_some_and(|v| v != "no")),
        health_check: setting("WatchdogSec").map(|_| true),
        limits: Some(
            ["MemoryMax", "MemoryLimit", "CPUQuota", "MemoryHigh"]
                .iter()
                .any(|k| setting(k).is_some()),
        ),
        ..Said::default()
    }
}

/// The workloads of Kubernetes manifests (multi-document YAML) or of Helm
/// values (`resources.limits`, probes at the top level).
fn kubernetes(text: &str) -> Option<Said> {
    let documents: Vec<Value> = text
        .split("\n---")
        .filter_map(|d| yaml::parse(d).ok())
        .collect();
    let workloads: Vec<&Value> = documents
        .iter()
        .filter(|d| {
            matches!(
                d["kind"].as_str(),
                Some("Deployment" | "StatefulSet" | "DaemonSet" | "Rollout")
            )
        })
        .collect();
    // A HorizontalPodAutoscaler or KEDA ScaledObject may sit in another
    // file than its workload; the rule reads every file.
    let scaler = documents.iter().any(|d| {
        matches!(
            d["kind"].as_str(),
            Some("HorizontalPodAutoscaler" | "ScaledObject")
        )
    });
    if workloads.is_empty() {
        // Helm chart values.
        let values = documents.first()?;
        let probed = values["livenessProbe"].is_object() || values["readinessProbe"].is_object();
        let limited = values["resources"]["limits"].is_object();
        if !probed && !limited && !values["replicaCount"].is_number() {
            return scaler.then(|| Said {
                autoscaling: Some(true),
                ..Said::default()
            });
        }
        return Some(Said {
            restart: Some(true),
            health_check: Some(probed),
            limits: Some(limited),
            replicas: values["replicaCount"].as_u64(),
            autoscaling: values["autoscaling"]["enabled"].as_bool(),
            strategy: None,
            deploys_on_push: None,
            defaults: vec!["restart"],
        });
    }
    let strategies: Vec<&'static str> = workloads
        .iter()
        .filter(|w| w["kind"] != "DaemonSet" && w["kind"] != "StatefulSet")
        .map(|w| {
            let strategy = &w["spec"]["strategy"];
            if w["kind"] == "Rollout" {
                if strategy["canary"].is_object() {
                    "canary"
                } else if strategy["blueGreen"].is_object() {
                    "blue-green"
                } else {
                    "rolling"
                }
            } else if strategy["type"] == "Recreate" {
                "recreate"
            } else {
                "rolling"
            }
        })
        .collect();
    // Flagger's Canary resource drives a Deployment's releases.
    let flagger = documents.iter().any(|d| d["kind"] == "Canary");
    let containers: Vec<&Value> = workloads
        .iter()
        .flat_map(|w| {
            w["spec"]["template"]["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .collect();
    Some(Said {
        // Workload controllers always restart their pods' containers.
        restart: Some(true),
        health_check: Some(
            !containers.is_empty()
                && containers
                    .iter()
                    .all(|c| c["livenessProbe"].is_object() || c["readinessProbe"].is_object()),
        ),
        limits: Some(
            !containers.is_empty()
                && containers
                    .iter()
                    .all(|c| c["resources"]["limits"].is_object()),
        ),
        replicas: workloads
            .iter()
            .filter_map(|w| w["spec"]["replicas"].as_u64())
            .min(),
        autoscaling: Some(scaler),
        // The weakest strategy of the file's workloads.
        strategy: if flagger {
            Some("canary")
        } else {
            ["recreate", "rolling", "blue-green", "canary"]
                .into_iter()
                .find(|s| strategies.contains(s))
        },
        deploys_on_push: None,
        defaults: vec!["restart"],
    })
}

/// A finding for each platform file that cannot be parsed, turns restarts
/// off, has no health check or sets no limit.
pub fn judge(report: &mut Report, platforms: &[Value]) {
    for file in platforms {
        let path = file["path"].as_str().unwrap_or_default();
        if file.get("error").is_some() {
            report.push(
                Finding::error(
                    findings::PLATFORM_UNREADABLE,
                    format!(
                        "{path} {}: what it says about restarts, health checks and limits is unknown",
                        file["error"].as_str().unwrap_or("could not be parsed")
                    ),
                )
                .at(path, None)
                .fix("fix the file's syntax (JSON, TOML or YAML)"),
            );
            continue;
        }
        for (key, id, what, fix) in [
            (
                "restart",
                findings::PLATFORM_NO_RESTART,
                "does not restart the service when it fails",
                "let the platform restart it (Railway `restartPolicyType: ON_FAILURE`, PM2 `autorestart`, systemd `Restart=on-failure`)",
            ),
            (
                "health_check",
                findings::PLATFORM_NO_HEALTH_CHECK,
                "has no health check of the service",
                "point the platform's health check at the service's health route (Railway `healthcheckPath`, Render `healthCheckPath`, Kubernetes probes, Fly `checks`)",
            ),
            (
                "limits",
                findings::PLATFORM_NO_LIMITS,
                "sets no resource limit",
                "set memory limits (Kubernetes `resources.limits`, PM2 `max_memory_restart`, systemd `MemoryMax=`)",
            ),
        ] {
            if file[key] == false {
                report.push(
                    Finding::warn(id, Severity::Medium, format!("{path} {what}"))
                        .at(path, None)
                        .fix(fix),
                );
            }
        }
    }
}

/// Every platform file of the project and what it says.
pub fn platforms() -> Vec<Value> {
    let mut found = Vec::new();
    for file in workspace::files().iter() {
        let Some(kind) = kind_of(file.path) else {
            continue;
        };
        let text = match workspace::read_text_or_why(file.path) {
            Ok(text) => text,
            Err(why) => {
                found.push(json!({"kind": kind, "path": file.path, "error": why}));
                continue;
            }
        };
        let toml_or_json = |text: &str| -> Option<Value> {
            if file.path.ends_with(".toml") {
                toml::from_str::<Value>(text).ok()
            } else {
                serde_json::from_str::<Value>(text).ok()
            }
        };
        let said = match kind {
            "railway" => toml_or_json(&text).map(|c| railway(&c)),
            "fly" => toml_or_json(&text).map(|c| fly(&c)),
            "render" => yaml::parse(&text).ok().map(|c| render(&c)),
            "procfile" => text
                .lines()
                .any(|l| l.trim_start().starts_with("web:"))
                .then(|| Said {
                    // Heroku restarts crashed dynos; each dyno type has a fixed size.
                    restart: Some(true),
                    health_check: None,
                    limits: Some(true),
                    defaults: vec!["restart", "limits"],
                    ..Said::default()
                }),
            "pm2" => Some(pm2(file.path, &text)),
            "systemd" => text.contains("[Service]").then(|| systemd(&text)),
            _ => kubernetes(&text),
        };
        match said {
            Some(said) => found.push(json!({
                "kind": kind,
                "path": file.path,
                "restart": said.restart,
                "health_check": said.health_check,
                "limits": said.limits,
                "replicas": said.replicas,
                "autoscaling": said.autoscaling,
                "strategy": said.strategy,
                "deploys_on_push": said.deploys_on_push,
                "defaults": said.defaults,
            })),
            None if matches!(kind, "railway" | "fly" | "render") => {
                found
                    .push(json!({"kind": kind, "path": file.path, "error": "could not be parsed"}));
            }
            None => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_files_are_told_by_name() {
        assert_eq!(kind_of("railway.json"), Some("railway"));
        assert_eq!(kind_of("apps/api/fly.toml"), Some("fly"));
        assert_eq!(kind_of("Procfile"), Some("procfile"));
        assert_eq!(kind_of("ecosystem.config.js"), Some("pm2"));
        assert_eq!(kind_of("deploy/api.service"), Some("systemd"));
        assert_eq!(kind_of("k8s/deployment.yaml"), Some("kubernetes"));
        assert_eq!(kind_of("docker-compose.yml"), None);
        assert_eq!(kind_of("node_modules/x/fly.toml"), None);
    }

    #[test]
    fn railway_render_fly_pm2_systemd_and_kubernetes_are_read() {
        let r = railway(
            &json!({"deploy": {"healthcheckPath": "/health", "restartPolicyType": "NEVER", "numReplicas": 2}}),
        );
        assert_eq!(
            (r.restart, r.health_check, r.replicas),
            (Some(false), Some(true), Some(2))
        );
        let r = railway(&json!({"build": {"builder": "NIXPACKS"}}));
        assert_eq!(
            (r.restart, r.health_check, r.defaults),
            (Some(true), Some(false), vec!["restart"])
        );
        let f = fly(&toml::from_str::<Value>("app = 'api'\n[http_service]\ninternal_port = 3000\nmin_machines_running = 1\n[[http_service.checks]]\npath = '/health'\n").expect("toml"));
        assert_eq!(
            (f.restart, f.health_check, f.replicas),
            (Some(true), Some(true), Some(1))
        );
        let p = pm2(
            "ecosystem.config.js",
            "module.exports = { apps: [{ name: 'api', script: 'dist/main.js', max_memory_restart: '512M' }] };",
        );
        assert_eq!((p.restart, p.limits), (Some(true), Some(true)));
        let s = systemd(
            "[Service]\nExecStart=/usr/bin/node main.js\nRestart=on-failure\nMemoryMax=512M\n",
        );
        assert_eq!((s.restart, s.limits), (Some(true), Some(true)));
        let stack =
            systemd("[Service]\nExecStart=/usr/bin/podman-compose -f podman-compose.yml up -d\n");
        assert_eq!(
            (stack.restart, stack.limits),
            (None, None),
            "the compose file says"
        );
        let k = kubernetes("apiVersion: v1\nkind: Service\nmetadata: {name: api}\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          readinessProbe: {httpGet: {path: /health, port: 3000}}\n          resources: {limits: {memory: 512Mi}}\n").expect("a workload");
        assert_eq!(
            (k.health_check, k.limits, k.replicas),
            (Some(true), Some(true), Some(3))
        );
        let w = render(
            &yaml::parse("services:\n  - type: web\n    name: api\n    plan: starter\n")
                .expect("yaml"),
        );
        assert_eq!((w.health_check, w.limits), (Some(false), Some(true)));
    }

    #[test]
    fn autoscaling_and_how_a_new_version_replaces_the_old_are_read() {
        let r = railway(&json!({"deploy": {"healthcheckPath": "/health"}}));
        assert_eq!(
            (r.autoscaling, r.strategy),
            (None, Some(HEALTH_CHECKED_SWITCH))
        );
        assert_eq!(railway(&json!({})).strategy, Some("switch"));
        let f = fly(&toml::from_str::<Value>("app = 'api'\n[deploy]\nstrategy = 'bluegreen'\n[http_service]\nauto_stop_machines = 'stop'\nauto_start_machines = true\n").expect("toml"));
        assert_eq!(
            (f.autoscaling, f.strategy),
            (Some(true), Some("blue-green"))
        );
        let f = fly(&toml::from_str::<Value>(
            "app = 'api'\n[http_service]\nauto_stop_machines = 'off'\n",
        )
        .expect("toml"));
        assert_eq!((f.autoscaling, f.strategy), (Some(false), Some("rolling")));
        let w = render(
            &yaml::parse("services:\n  - type: web\n    name: api\n    healthCheckPath: /health\n    scaling: {minInstances: 1, maxInstances: 3, targetCPUPercent: 60}\n")
                .expect("yaml"),
        );
        assert_eq!(w.deploys_on_push, Some(true));
        let manual = render(
            &yaml::parse("services:\n  - type: web\n    name: api\n    autoDeploy: false\n")
                .expect("yaml"),
        );
        assert_eq!(manual.deploys_on_push, Some(false));
        assert_eq!(
            (w.autoscaling, w.strategy),
            (Some(true), Some(HEALTH_CHECKED_SWITCH))
        );
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  strategy: {type: Recreate}\n  template:\n    spec:\n      containers: [{name: api, image: 'api:1'}]\n";
        let k = kubernetes(deployment).expect("a workload");
        assert_eq!((k.autoscaling, k.strategy), (Some(false), Some("recreate")));
        let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec: {minReplicas: 2, maxReplicas: 6}\n";
        assert_eq!(kubernetes(hpa).and_then(|k| k.autoscaling), Some(true));
        let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  strategy:\n    canary: {steps: [{setWeight: 20}]}\n  template:\n    spec:\n      containers: [{name: api, image: 'api:1'}]\n";
        assert_eq!(kubernetes(rollout).and_then(|k| k.strategy), Some("canary"));
        let values = "replicaCount: 2\nautoscaling:\n  enabled: true\n";
        assert_eq!(kubernetes(values).and_then(|k| k.autoscaling), Some(true));
    }
}
