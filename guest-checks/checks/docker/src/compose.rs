//! Compose file rules: Redis protected, persistent and bounded; database
//! and cache ports not published; restart policies; resource limits.

use crate::findings;
use gonogo_analysis::yaml;
use gonogo_check::{Finding, Report, Severity, Value, json};

/// What a service runs, from its image (or its name when built).
fn kind(name: &str, service: &Value) -> &'static str {
    let image = service["image"]
        .as_str()
        .unwrap_or(name)
        .to_ascii_lowercase();
    let base = image.rsplit('/').next().unwrap_or(&image);
    let base = base.split([':', '@']).next().unwrap_or(base);
    match base {
        b if b.starts_with("redis") || b.starts_with("valkey") || b.starts_with("keydb") => "redis",
        b if b.starts_with("postgres") || b.starts_with("postgis") => "postgres",
        b if b.starts_with("mysql") || b.starts_with("mariadb") => "mysql",
        b if b.starts_with("mongo") => "mongo",
        _ => "app",
    }
}

/// The `command:` of a service as one string.
fn command(service: &Value) -> String {
    match &service["command"] {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(yaml::scalar)
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

fn env_has(service: &Value, key: &str) -> bool {
    match &service["environment"] {
        Value::Object(map) => map.contains_key(key),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .any(|e| e.split('=').next() == Some(key)),
        _ => false,
    }
}

/// Ports published on every interface (not bound to 127.0.0.1).
fn published_ports(service: &Value) -> Vec<String> {
    service["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|port| match port {
            Value::Object(long) => {
                let host_ip = long
                    .get("host_ip")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let published = long.get("published").and_then(yaml::scalar)?;
                (!host_ip.starts_with("127.")).then_some(published)
            }
            other => {
                let text = yaml::scalar(other)?;
                let parts: Vec<&str> = text.split(':').collect();
                let loopback = parts
                    .first()
                    .is_some_and(|p| p.starts_with("127.") || *p == "localhost");
                (parts.len() >= 2 && !loopback).then_some(text)
            }
        })
        .collect()
}

/// Checks one compose file; returns its facts.
pub fn check(report: &mut Report, path: &str, text: &str) -> Value {
    let development = crate::is_development(path);
    let parsed = match yaml::parse_at(text) {
        Ok(value) => value,
        Err((error, line)) => {
            if !development {
                report.push(
                    Finding::error(
                        findings::COMPOSE_UNREADABLE,
                        format!(
                            "{path} is not valid YAML ({error}): its services could not be judged"
                        ),
                    )
                    .at(path, line)
                    .fix("fix the file's YAML (`docker compose config` shows the error)"),
                );
            }
            return json!({"path": path, "development": development, "error": error});
        }
    };
    let mut services_facts = Vec::new();
    let Some(services) = parsed["services"].as_object() else {
        return json!({"path": path, "development": development, "services": []});
    };
    for (name, service) in services {
        let kind = kind(name, service);
        let line = yaml::line_of(text, &format!("{name}:"), 1);
        let command = command(service);
        let mut facts = json!({
            "name": name,
            "kind": kind,
            "published_ports": published_ports(service),
            "restart": service.get("restart").and_then(Value::as_str)
                .or_else(|| service["deploy"]["restart_policy"]["condition"].as_str()),
            "limits": service["deploy"]["resources"]["limits"].is_object()
                || service.get("mem_limit").is_some() || service.get("cpus").is_some(),
            "healthcheck": service.get("healthcheck").is_some(),
        });
        if kind == "redis" {
            let password = command.contains("--requirepass")
                || env_has(service, "REDIS_PASSWORD")
                || command.contains(".conf");
            facts["redis"] = json!({
                "password": password,
                "append_only": command.contains("--appendonly yes"),
                "maxmemory_policy": command.split_whitespace()
                    .skip_while(|w| *w != "--maxmemory-policy").nth(1),
            });
        }
        if !development {
            judge(report, path, line, name, kind, &facts);
        }
        services_facts.push(facts);
    }
    json!({"path": path, "development": development, "services": services_facts})
}

fn judge(
    report: &mut Report,
    path: &str,
    line: Option<u32>,
    name: &str,
    kind: &str,
    facts: &Value,
) {
    let mut push = |finding: Finding| report.push(finding.at(path, line));
    if kind == "redis" {
        let redis = &facts["redis"];
        if redis["password"] == false {
            push(Finding::fail(findings::REDIS_NO_PASSWORD, Severity::High, format!("Redis service `{name}` has no password"))
                .fix("start it with `--requirepass ${REDIS_PASSWORD}` (or a mounted redis.conf with `requirepass`)"));
        }
        if redis["append_only"] == false {
            push(
                Finding::warn(
                    findings::REDIS_NO_PERSISTENCE,
                    Severity::Medium,
                    format!("Redis service `{name}` does not use append-only persistence"),
                )
                .fix("add `--appendonly yes` and a volume for /data"),
            );
        }
        if redis["maxmemory_policy"].is_null() {
            push(Finding::warn(findings::REDIS_NO_EVICTION_POLICY, Severity::Low, format!("Redis service `{name}` sets no maxmemory policy"))
                .fix("add `--maxmemory 256mb --maxmemory-policy allkeys-lru` (or `noeviction` for queues)"));
        }
    }
    if kind != "app"
        && facts["published_ports"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    {
        push(
            Finding::fail(
                findings::PORT_PUBLISHED,
                Severity::High,
                format!("`{name}` ({kind}) publishes its port on every interface"),
            )
            .fix("remove `ports:` (services reach it by name) or bind to `127.0.0.1:`"),
        );
    }
    if facts["restart"].is_null() {
        push(
            Finding::warn(
                findings::RESTART_POLICY_MISSING,
                Severity::Medium,
                format!("`{name}` has no restart policy"),
            )
            .fix("add `restart: unless-stopped`"),
        );
    }
    if facts["limits"] == false {
        push(
            Finding::warn(
                findings::RESOURCE_LIMITS_MISSING,
                Severity::Low,
                format!("`{name}` has no resource limits"),
            )
            .fix("set `deploy.resources.limits` (memory and cpus)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_classified() {
        assert_eq!(kind("cache", &json!({"image": "bitnami/redis:7"})), "redis");
        assert_eq!(
            kind("db", &json!({"image": "postgres:16-alpine"})),
            "postgres"
        );
        assert_eq!(kind("api", &json!({"build": "."})), "app");
    }

    #[test]
    fn only_ports_on_every_interface_count() {
        let service = json!({"ports": ["5432:5432", "127.0.0.1:6379:6379", 9000, {"published": 8080, "target": 80}]});
        assert_eq!(published_ports(&service), ["5432:5432", "8080"]);
    }
}
