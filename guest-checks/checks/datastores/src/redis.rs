//! Redis: the questions asked, and what each answer means.

use crate::Config;
use crate::address;
use crate::findings;
use crate::table::{ask, pair, pairs, records, value};
use gonogo_check::datastore::{Question, Table};
use gonogo_check::{Finding, Map, Report, Severity, Value, json};

/// Job-queue libraries that keep their jobs in Redis: evicting keys loses jobs.
const QUEUE_PACKAGES: &[&str] = &[
    "bullmq",
    "bull",
    "bee-queue",
    "kue",
    "@nestjs/bull",
    "@nestjs/bullmq",
];

/// Asks what the facts need, reports findings, and returns the facts.
pub fn judge(report: &mut Report, variable: &str, config: &Config) -> Value {
    let mut facts = Map::new();
    facts.insert("variable".into(), json!(variable));
    let connection = match ask(variable, &Question::Connection) {
        Ok(connection) => connection,
        Err(error) => {
            let why = gonogo_check::describe_probe_error(&error);
            report.push(
                Finding::error(
                    findings::REDIS_UNREACHABLE,
                    format!("Redis at `{variable}` could not be questioned: {why}"),
                )
                .fix("run gonogo where Redis is reachable, or replay a recording made there (`--record`, `--replay`)"),
            );
            facts.insert("reached".into(), json!(false));
            facts.insert("error".into(), json!(why));
            return Value::Object(facts);
        }
    };
    facts.insert("reached".into(), json!(true));
    facts.insert("error".into(), Value::Null);
    let tls = pair(&connection, "tls") == Some("true");
    let addresses = pairs(&connection, "address");
    let public = address::public(&addresses);
    facts.insert("tls".into(), json!(tls));
    facts.insert("addresses".into(), json!(addresses));
    facts.insert(
        "private".into(),
        json!((!addresses.is_empty()).then_some(public.is_empty())),
    );
    if !public.is_empty() {
        let list = public.join(", ");
        if tls {
            report.push(Finding::pass(
                findings::REDIS_PLAINTEXT_PUBLIC,
                format!("Redis at `{variable}` is public ({list}) and reached over TLS"),
            ));
        } else {
            report.push(
                Finding::fail(
                    findings::REDIS_PLAINTEXT_PUBLIC,
                    Severity::High,
                    format!("Redis at `{variable}` has a public address ({list}) and is reached without TLS"),
                )
                .fix("use `rediss://` (TLS), or reach Redis over a private network"),
            );
        }
        report.push(
            Finding::warn(
                findings::PUBLIC_ADDRESS,
                Severity::Medium,
                format!("Redis at `{variable}` has a public address ({list}); whether a firewall refuses others cannot be told from here"),
            )
            .fix("reach Redis over a private network, or allow only the application's addresses"),
        );
    }
    auth_facts(report, variable, &mut facts);
    match ask(variable, &Question::Info) {
        Ok(info) => {
            let settings = ask(variable, &Question::Settings).ok();
            info_facts(
                report,
                variable,
                config,
                &info,
                settings.as_ref(),
                &mut facts,
            );
        }
        Err(error) => {
            let why = gonogo_check::describe_probe_error(&error);
            for id in [
                findings::REDIS_NOT_PERSISTENT,
                findings::REDIS_NO_MAXMEMORY,
                findings::REDIS_EVICTION,
            ] {
                report.push(Finding::error(
                    id,
                    format!("Redis at `{variable}` did not answer INFO: {why}"),
                ));
            }
            for key in ["aof", "rdb", "maxmemory", "policy", "version"] {
                facts.insert(key.into(), Value::Null);
            }
        }
    }
    Value::Object(facts)
}

fn auth_facts(report: &mut Report, variable: &str, facts: &mut Map<String, Value>) {
    match ask(variable, &Question::RefusesUnprotected) {
        Ok(answer) => {
            let rows = records(&answer);
            let refused = rows.first().and_then(|r| value(r, "refused")) == Some("true");
            facts.insert("auth_required".into(), json!(refused));
            if refused {
                report.push(Finding::pass(
                    findings::REDIS_NO_AUTH,
                    format!("Redis at `{variable}` refuses clients without credentials"),
                ));
            } else {
                report.push(
                    Finding::fail(
                        findings::REDIS_NO_AUTH,
                        Severity::Critical,
                        format!("Redis at `{variable}` answers a client without credentials"),
                    )
                    .fix("set `requirepass` (or ACL users with `nopass` removed from `default`)"),
                );
            }
        }
        Err(error) => {
            facts.insert("auth_required".into(), Value::Null);
            report.push(Finding::error(
                findings::REDIS_NO_AUTH,
                format!(
                    "could not tell whether Redis at `{variable}` requires credentials: {}",
                    gonogo_check::describe_probe_error(&error)
                ),
            ));
        }
    }
}

/// What `INFO` (and `CONFIG GET`, where allowed) say.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Configuration {
    /// AOF on.
    pub aof: Option<bool>,
    /// RDB snapshots configured (`save` not empty), when `CONFIG` answered.
    pub rdb: Option<bool>,
    /// `maxmemory` in bytes.
    pub maxmemory: Option<u64>,
    /// `maxmemory-policy`.
    pub policy: Option<String>,
    /// `redis_version`.
    pub version: Option<String>,
}

/// Reads the configuration from `INFO` and `CONFIG GET`.
pub fn configuration(info: &Table, settings: Option<&Table>) -> Configuration {
    let rows = records(info);
    let info_value = |name: &str| {
        rows.iter()
            .find(|r| value(r, "name") == Some(name))
            .and_then(|r| value(r, "value"))
    };
    let config_value = |name: &str| {
        settings.and_then(|table| {
            records(table)
                .iter()
                .find(|r| value(r, "name") == Some(name))
                .and_then(|r| value(r, "value").map(str::to_owned))
        })
    };
    Configuration {
        aof: info_value("aof_enabled")
            .map(|v| v == "1")
            .or_else(|| config_value("appendonly").map(|v| v == "yes")),
        rdb: config_value("save").map(|v| !v.trim().is_empty()),
        maxmemory: info_value("maxmemory")
            .and_then(|v| v.parse().ok())
            .or_else(|| config_value("maxmemory").and_then(|v| v.parse().ok())),
        policy: info_value("maxmemory_policy")
            .map(str::to_owned)
            .or_else(|| config_value("maxmemory-policy")),
        version: info_value("redis_version").map(str::to_owned),
    }
}

/// Whether the project uses a job queue kept in Redis (by its package.json files).
fn uses_queue() -> Option<String> {
    gonogo_check::workspace::files()
        .iter()
        .filter(|f| f.path.ends_with("package.json") && !f.path.contains("node_modules/"))
        .filter(|f| f.path == "package.json" || f.path.ends_with("/package.json"))
        .find_map(|f| {
            let text = gonogo_check::workspace::read_text(f.path)?;
            let manifest: Value = serde_json::from_str(&text).ok()?;
            ["dependencies", "optionalDependencies"]
                .iter()
                .find_map(|section| {
                    let deps = manifest.get(section)?.as_object()?;
                    QUEUE_PACKAGES
                        .iter()
                        .find(|p| deps.contains_key(**p))
                        .map(|p| format!("{p} ({})", f.path))
                })
        })
}

fn info_facts(
    report: &mut Report,
    variable: &str,
    config: &Config,
    info: &Table,
    settings: Option<&Table>,
    facts: &mut Map<String, Value>,
) {
    let found = configuration(info, settings);
    facts.insert("aof".into(), json!(found.aof));
    facts.insert("rdb".into(), json!(found.rdb));
    facts.insert("maxmemory".into(), json!(found.maxmemory));
    facts.insert("policy".into(), json!(found.policy));
    facts.insert("version".into(), json!(found.version));
    match (found.aof, found.rdb) {
        (Some(true), _) => report.push(Finding::pass(
            findings::REDIS_NOT_PERSISTENT,
            format!("Redis at `{variable}` writes an append-only file"),
        )),
        (Some(false), Some(true)) => report.push(
            Finding::warn(
                findings::REDIS_NOT_PERSISTENT,
                Severity::Medium,
                format!("Redis at `{variable}` keeps snapshots only: writes since the last one are lost on a crash"),
            )
            .fix("set `appendonly yes`"),
        ),
        (Some(false), Some(false)) => report.push(
            Finding::fail(
                findings::REDIS_NOT_PERSISTENT,
                Severity::High,
                format!("Redis at `{variable}` persists nothing: a restart empties it"),
            )
            .fix("set `appendonly yes`"),
        ),
        (Some(false), None) => report.push(
            Finding::fail(
                findings::REDIS_NOT_PERSISTENT,
                Severity::High,
                format!("Redis at `{variable}` has no append-only file (and `CONFIG` is refused, so snapshots are unknown)"),
            )
            .fix("set `appendonly yes` (managed services: enable persistence)"),
        ),
        (None, _) => {}
    }
    match found.maxmemory {
        Some(0) => report.push(
            Finding::fail(
                findings::REDIS_NO_MAXMEMORY,
                Severity::High,
                format!("Redis at `{variable}` has no memory limit (`maxmemory 0`)"),
            )
            .fix("set `maxmemory` below the machine's memory"),
        ),
        Some(bytes) => report.push(Finding::pass(
            findings::REDIS_NO_MAXMEMORY,
            format!("Redis at `{variable}` is limited to {} MiB", bytes >> 20),
        )),
        None => {}
    }
    let queue = uses_queue();
    let expected: Vec<String> = match (&config.eviction_policies, &queue) {
        (Some(policies), _) => policies.clone(),
        (None, Some(_)) => vec!["noeviction".into()],
        (None, None) => vec!["allkeys-lru".into(), "allkeys-lfu".into()],
    };
    facts.insert("queue".into(), json!(queue));
    facts.insert("expected_policies".into(), json!(expected));
    if let Some(policy) = &found.policy {
        if expected.iter().any(|p| p == policy) {
            report.push(Finding::pass(
                findings::REDIS_EVICTION,
                format!("Redis at `{variable}` evicts by `{policy}`"),
            ));
        } else {
            let why = match &queue {
                Some(package) if config.eviction_policies.is_none() => {
                    format!(
                        "; the project keeps jobs in Redis ({package}), which eviction would lose"
                    )
                }
                _ => String::new(),
            };
            report.push(
                Finding::fail(
                    findings::REDIS_EVICTION,
                    Severity::Medium,
                    format!(
                        "Redis at `{variable}` evicts by `{policy}`, not {}{why}",
                        expected
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                )
                .fix(format!("set `maxmemory-policy {}`", expected[0])),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: &[&str], rows: &[&[Option<&str>]]) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|v| v.map(str::to_owned)).collect())
                .collect(),
        }
    }

    #[test]
    fn info_is_read_and_config_fills_in() {
        let info = table(
            &["section", "name", "value"],
            &[
                &[Some("server"), Some("redis_version"), Some("7.0.15")],
                &[Some("memory"), Some("maxmemory"), Some("104857600")],
                &[
                    Some("memory"),
                    Some("maxmemory_policy"),
                    Some("allkeys-lru"),
                ],
                &[Some("persistence"), Some("aof_enabled"), Some("0")],
            ],
        );
        let refused = table(
            &["name", "value"],
            &[&[Some("save"), None], &[Some("appendonly"), None]],
        );
        let found = configuration(&info, Some(&refused));
        assert_eq!(
            found,
            Configuration {
                aof: Some(false),
                rdb: None,
                maxmemory: Some(104857600),
                policy: Some("allkeys-lru".into()),
                version: Some("7.0.15".into()),
            }
        );
        let allowed = table(&["name", "value"], &[&[Some("save"), Some("3600 1")]]);
        assert_eq!(configuration(&info, Some(&allowed)).rdb, Some(true));
    }
}
