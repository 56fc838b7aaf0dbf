//! PostgreSQL: the questions asked, and what each answer means.

use crate::Config;
use crate::address;
use crate::findings;
use crate::migrations::{self, Applied};
use crate::table::{ask, pair, pairs, records, value};
use gonogo_check::datastore::{Question, Table};
use gonogo_check::{Finding, Map, Report, Severity, Value, json};

/// Share of the available connections in use that fails.
const BUSY_SHARE: f64 = 0.9;

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
                    findings::POSTGRES_UNREACHABLE,
                    format!("PostgreSQL at `{variable}` could not be questioned: {why}"),
                )
                .fix("run gonogo where the database is reachable, or replay a recording made there (`--record`, `--replay`)"),
            );
            facts.insert("reached".into(), json!(false));
            facts.insert("error".into(), json!(why));
            return Value::Object(facts);
        }
    };
    facts.insert("reached".into(), json!(true));
    facts.insert("error".into(), Value::Null);
    connection_facts(report, variable, &connection, &mut facts);
    pool_from_env(config, &mut facts);
    settings_facts(report, variable, config, &mut facts);
    migration_facts(report, variable, &mut facts);
    index_facts(report, variable, config, &mut facts);
    seed_facts(report, variable, config, &mut facts);
    Value::Object(facts)
}

/// A question's failure as an `error` finding under `id`; `None` then.
fn asked(report: &mut Report, id: &str, variable: &str, question: &Question) -> Option<Table> {
    match ask(variable, question) {
        Ok(table) => Some(table),
        Err(error) => {
            report.push(Finding::error(
                id,
                format!(
                    "PostgreSQL at `{variable}` did not answer `{}`: {}",
                    question_name(question),
                    gonogo_check::describe_probe_error(&error)
                ),
            ));
            None
        }
    }
}

fn question_name(question: &Question) -> &'static str {
    match question {
        Question::Connection => "connection",
        Question::RefusesUnprotected => "refuses-unprotected",
        Question::Settings => "settings",
        Question::Info => "info",
        Question::PrismaMigrations => "prisma-migrations",
        Question::Indexes => "indexes",
        Question::ForeignKeys => "foreign-keys",
        Question::Activity => "activity",
        Question::RowCounts(_) => "row-counts",
    }
}

fn connection_facts(
    report: &mut Report,
    variable: &str,
    connection: &Table,
    facts: &mut Map<String, Value>,
) {
    let tls = pair(connection, "tls") == Some("true");
    let verified = pair(connection, "certificate-verified").map(|v| v == "true");
    facts.insert("tls".into(), json!(tls));
    facts.insert("certificate_verified".into(), json!(verified));
    if !tls {
        report.push(
            Finding::fail(
                findings::POSTGRES_TLS,
                Severity::High,
                format!("the connection to PostgreSQL at `{variable}` does not use TLS"),
            )
            .fix("require TLS: `sslmode=require` (or `verify-full`) in the URL, and TLS on the server"),
        );
    } else if verified == Some(false) {
        let why = pair(connection, "certificate-error").unwrap_or("not verified");
        report.push(
            Finding::warn(
                findings::POSTGRES_TLS,
                Severity::Medium,
                format!("PostgreSQL at `{variable}` uses TLS, but its certificate does not verify: {why}"),
            )
            .fix("use `sslmode=verify-full` with the provider's CA (gonogo: `grants.ca_bundle`)"),
        );
    } else {
        report.push(Finding::pass(
            findings::POSTGRES_TLS,
            format!("PostgreSQL at `{variable}` is reached over TLS"),
        ));
    }
    // A plain connection is asked only when this one used TLS: otherwise
    // the answer is already known.
    let refused = if tls {
        match ask(variable, &Question::RefusesUnprotected) {
            Ok(answer) => records(&answer)
                .first()
                .and_then(|r| value(r, "refused"))
                .map(|v| {
                    (
                        v == "true",
                        value(&records(&answer)[0], "detail")
                            .unwrap_or("")
                            .to_owned(),
                    )
                }),
            Err(error) => {
                report.push(Finding::error(
                    findings::POSTGRES_PLAINTEXT_ACCEPTED,
                    format!(
                        "could not tell whether PostgreSQL at `{variable}` refuses connections without TLS: {}",
                        gonogo_check::describe_probe_error(&error)
                    ),
                ));
                None
            }
        }
    } else {
        Some((
            false,
            "the URL's own connection does not use TLS".to_owned(),
        ))
    };
    facts.insert(
        "plaintext_refused".into(),
        json!(refused.as_ref().map(|r| r.0)),
    );
    match refused {
        Some((true, _)) => report.push(Finding::pass(
            findings::POSTGRES_PLAINTEXT_ACCEPTED,
            format!("PostgreSQL at `{variable}` refuses connections without TLS"),
        )),
        Some((false, detail)) => report.push(
            Finding::fail(
                findings::POSTGRES_PLAINTEXT_ACCEPTED,
                Severity::Medium,
                format!("PostgreSQL at `{variable}` {detail}"),
            )
            .fix("accept `hostssl` lines only in pg_hba.conf (managed services: enforce SSL connections)"),
        ),
        None => {}
    }
    let addresses = pairs(connection, "address");
    let public = address::public(&addresses);
    let private = if addresses.is_empty() {
        None
    } else {
        Some(public.is_empty())
    };
    facts.insert("addresses".into(), json!(addresses));
    facts.insert("private".into(), json!(private));
    if !public.is_empty() {
        report.push(
            Finding::warn(
                findings::PUBLIC_ADDRESS,
                Severity::Medium,
                format!(
                    "PostgreSQL at `{variable}` has a public address ({}); whether a firewall refuses others cannot be told from here",
                    public.join(", ")
                ),
            )
            .fix("reach the database over a private network, or allow only the application's addresses"),
        );
    }
    let pool =
        pair(connection, "parameter:connection_limit").and_then(|v| v.trim().parse::<u64>().ok());
    facts.insert("pool_size".into(), json!(pool));
}

/// The pool size a granted variable gives (`DB_POOL_SIZE`), when the URL gives none.
fn pool_from_env(config: &Config, facts: &mut Map<String, Value>) {
    if facts.get("pool_size").is_some_and(|p| !p.is_null()) {
        return;
    }
    let Some(name) = &config.pool_size_env else {
        return;
    };
    let pool = gonogo_check::granted_var(name)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok());
    if pool.is_some() {
        facts.insert("pool_size".into(), json!(pool));
        facts.insert("pool_size_from".into(), json!(name));
    }
}

fn settings_facts(
    report: &mut Report,
    variable: &str,
    config: &Config,
    facts: &mut Map<String, Value>,
) {
    let Some(settings) = asked(
        report,
        findings::POSTGRES_TIMEZONE,
        variable,
        &Question::Settings,
    ) else {
        // Without the settings, the connection limit is unknown too.
        report.push(Finding::error(
            findings::CONNECTIONS_EXHAUSTED,
            format!("the settings of PostgreSQL at `{variable}` could not be read: its connection limit is unknown"),
        ));
        for key in [
            "timezone",
            "version",
            "max_connections",
            "available_connections",
            "in_use",
        ] {
            facts.insert(key.into(), Value::Null);
        }
        return;
    };
    let setting = |name: &str| {
        records(&settings)
            .iter()
            .find(|r| value(r, "name") == Some(name))
            .and_then(|r| value(r, "setting").map(str::to_owned))
    };
    let timezone = setting("TimeZone");
    let expected = config.timezone.as_deref().unwrap_or("UTC");
    facts.insert("timezone".into(), json!(timezone));
    facts.insert("version".into(), json!(setting("server_version")));
    match &timezone {
        Some(zone) if is_same_zone(zone, expected) => report.push(Finding::pass(
            findings::POSTGRES_TIMEZONE,
            format!("PostgreSQL at `{variable}` runs in {zone}"),
        )),
        Some(zone) => report.push(
            Finding::warn(
                findings::POSTGRES_TIMEZONE,
                Severity::Low,
                format!("PostgreSQL at `{variable}` runs in {zone}, not {expected}"),
            )
            .fix(format!(
                "ALTER DATABASE … SET timezone TO '{expected}' (or the provider's parameter group)"
            )),
        ),
        None => {}
    }
    let number = |name: &str| setting(name).and_then(|v| v.parse::<u64>().ok());
    let max = number("max_connections");
    let reserved = number("superuser_reserved_connections").unwrap_or(0);
    let available = max.map(|m| m.saturating_sub(reserved));
    facts.insert("max_connections".into(), json!(max));
    facts.insert("available_connections".into(), json!(available));
    let in_use = asked(
        report,
        findings::CONNECTIONS_EXHAUSTED,
        variable,
        &Question::Activity,
    )
    .and_then(|activity| {
        records(&activity)
            .first()
            .and_then(|r| value(r, "total"))
            .and_then(|v| v.parse::<u64>().ok())
    });
    facts.insert("in_use".into(), json!(in_use));
    let pool = facts.get("pool_size").and_then(Value::as_u64);
    if let Some(available) = available.filter(|a| *a > 0) {
        let busy = in_use.is_some_and(|n| n as f64 >= available as f64 * BUSY_SHARE);
        let oversized = pool.is_some_and(|p| p > available);
        if busy || oversized {
            let mut why = Vec::new();
            if let Some(n) = in_use.filter(|_| busy) {
                why.push(format!("{n} of {available} connections are in use"));
            }
            if let Some(p) = pool.filter(|_| oversized) {
                let source = facts
                    .get("pool_size_from")
                    .and_then(Value::as_str)
                    .map_or("the URL's `connection_limit`".to_owned(), |name| {
                        format!("`{name}`")
                    });
                why.push(format!(
                    "{source} ({p}) is more than the {available} connections the server allows"
                ));
            }
            report.push(
                Finding::fail(
                    findings::CONNECTIONS_EXHAUSTED,
                    Severity::High,
                    format!("PostgreSQL at `{variable}`: {}", why.join("; ")),
                )
                .fix("size each instance's pool so that all instances fit in max_connections, or put a pooler (PgBouncer) in front"),
            );
        } else if in_use.is_some() {
            report.push(Finding::pass(
                findings::CONNECTIONS_EXHAUSTED,
                format!("PostgreSQL at `{variable}` has connections to spare"),
            ));
        }
    }
}

/// Whether two time zone names mean UTC alike (`Etc/UTC`, `UTC`, `GMT`).
fn is_same_zone(zone: &str, expected: &str) -> bool {
    let utc = |z: &str| {
        matches!(
            z.to_ascii_uppercase().as_str(),
            "UTC"
                | "ETC/UTC"
                | "GMT"
                | "ETC/GMT"
                | "UCT"
                | "ETC/UCT"
                | "ZULU"
                | "Z"
                | "UNIVERSAL"
                | "ETC/UNIVERSAL"
        )
    };
    zone.eq_ignore_ascii_case(expected) || (utc(zone) && utc(expected))
}

fn migration_facts(report: &mut Report, variable: &str, facts: &mut Map<String, Value>) {
    let files = gonogo_check::workspace::files();
    let folders = migrations::folders(files.iter().map(|f| f.path));
    if folders.iter().all(|f| f.names.is_empty()) {
        facts.insert("migrations".into(), Value::Null);
        return;
    }
    let Some(answer) = asked(
        report,
        findings::MIGRATIONS_NOT_APPLIED,
        variable,
        &Question::PrismaMigrations,
    ) else {
        facts.insert("migrations".into(), Value::Null);
        return;
    };
    let table_missing = answer.columns.iter().any(|c| c == "missing");
    let rows = applied_rows(&answer);
    let Some(folder) = migrations::best(&folders, &rows) else {
        facts.insert("migrations".into(), Value::Null);
        return;
    };
    let comparison = migrations::compare(folder, &rows);
    facts.insert(
        "migrations".into(),
        json!({
            "folder": folder.path,
            "table": !table_missing,
            "repository": folder.names.len(),
            "applied": comparison.applied.len(),
            "missing": comparison.missing,
            "failed": comparison.failed,
            "rolled_back": comparison.rolled_back,
        }),
    );
    let location = format!("{}/migration_lock.toml", folder.path);
    if table_missing {
        report.push(
            Finding::fail(
                findings::MIGRATIONS_NOT_APPLIED,
                gonogo_check::Severity::Critical,
                format!("PostgreSQL at `{variable}` has no `_prisma_migrations` table: none of the {} migrations of {} was deployed", folder.names.len(), folder.path),
            )
            .at(&location, None)
            .fix("run `prisma migrate deploy` against production in the release step"),
        );
    } else if !comparison.missing.is_empty() || !comparison.failed.is_empty() {
        let mut why = Vec::new();
        if !comparison.missing.is_empty() {
            why.push(format!("not applied: {}", listed(&comparison.missing)));
        }
        if !comparison.failed.is_empty() {
            why.push(format!("failed: {}", listed(&comparison.failed)));
        }
        report.push(
            Finding::fail(
                findings::MIGRATIONS_NOT_APPLIED,
                gonogo_check::Severity::Critical,
                format!("PostgreSQL at `{variable}`, migrations of {}: {}", folder.path, why.join("; ")),
            )
            .at(&location, None)
            .fix("resolve failed migrations (`prisma migrate resolve`), then run `prisma migrate deploy`"),
        );
    } else {
        report.push(Finding::pass(
            findings::MIGRATIONS_NOT_APPLIED,
            format!(
                "all {} migrations of {} are applied",
                folder.names.len(),
                folder.path
            ),
        ));
    }
}

/// At most five names, then a count.
fn listed(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    match names.len() {
        n if n > 5 => format!("{} and {} more", shown.join(", "), n - 5),
        _ => shown.join(", "),
    }
}

fn applied_rows(answer: &Table) -> Vec<Applied> {
    records(answer)
        .iter()
        .filter_map(|r| {
            Some(Applied {
                name: value(r, "migration_name")?.to_owned(),
                finished: value(r, "finished") == Some("true"),
                rolled_back: value(r, "rolled_back") == Some("true"),
            })
        })
        .collect()
}

/// Each index's key columns, by `schema.table`.
fn index_columns(indexes: &Table) -> Vec<(String, Vec<String>)> {
    records(indexes)
        .iter()
        .filter_map(|r| {
            let table = format!("{}.{}", value(r, "schema")?, value(r, "table")?);
            let columns = value(r, "columns")?.split(',').map(str::to_owned).collect();
            Some((table, columns))
        })
        .collect()
}

/// Whether an index of `table` starts with `columns` (in any order).
fn is_led(indexes: &[(String, Vec<String>)], table: &str, columns: &[&str]) -> bool {
    indexes.iter().any(|(t, keys)| {
        t == table
            && keys.len() >= columns.len()
            && columns
                .iter()
                .all(|c| keys[..columns.len()].iter().any(|k| k == c))
    })
}

/// The foreign keys no index leads, as `schema.table(columns)`.
pub fn unindexed_foreign_keys(indexes: &Table, foreign_keys: &Table) -> (usize, Vec<String>) {
    let indexes = index_columns(indexes);
    let keys = records(foreign_keys);
    let unindexed = keys
        .iter()
        .filter_map(|r| {
            let table = format!("{}.{}", value(r, "schema")?, value(r, "table")?);
            let columns: Vec<&str> = value(r, "columns")?.split(',').collect();
            (!is_led(&indexes, &table, &columns))
                .then(|| format!("{table}({})", columns.join(", ")))
        })
        .collect();
    (keys.len(), unindexed)
}

/// The named columns (`table.column`, `schema.table.column`) no index leads.
pub fn unindexed_columns(indexes: &Table, named: &[String]) -> Vec<String> {
    let indexes = index_columns(indexes);
    named
        .iter()
        .filter(|name| {
            let parts: Vec<&str> = name.split('.').collect();
            let (table, column) = match parts.as_slice() {
                [table, column] => (format!("public.{table}"), *column),
                [schema, table, column] => (format!("{schema}.{table}"), *column),
                _ => return true,
            };
            !is_led(&indexes, &table, &[column])
        })
        .cloned()
        .collect()
}

fn index_facts(
    report: &mut Report,
    variable: &str,
    config: &Config,
    facts: &mut Map<String, Value>,
) {
    let indexes = asked(
        report,
        findings::FOREIGN_KEY_UNINDEXED,
        variable,
        &Question::Indexes,
    );
    let keys = indexes.as_ref().and_then(|_| {
        asked(
            report,
            findings::FOREIGN_KEY_UNINDEXED,
            variable,
            &Question::ForeignKeys,
        )
    });
    match (&indexes, &keys) {
        (Some(indexes), Some(keys)) => {
            let (count, unindexed) = unindexed_foreign_keys(indexes, keys);
            facts.insert("foreign_keys".into(), json!(count));
            facts.insert("unindexed_foreign_keys".into(), json!(unindexed));
            if unindexed.is_empty() {
                if count > 0 {
                    report.push(Finding::pass(
                        findings::FOREIGN_KEY_UNINDEXED,
                        format!(
                            "the {count} foreign keys of PostgreSQL at `{variable}` are indexed"
                        ),
                    ));
                }
            } else {
                report.push(
                    Finding::warn(
                        findings::FOREIGN_KEY_UNINDEXED,
                        Severity::Medium,
                        format!("PostgreSQL at `{variable}`: no index leads {}", listed(&unindexed)),
                    )
                    .fix("add `@@index([…])` for each relation's fields in the Prisma schema and deploy the migration"),
                );
            }
        }
        _ => {
            facts.insert("foreign_keys".into(), Value::Null);
            facts.insert("unindexed_foreign_keys".into(), Value::Null);
        }
    }
    facts.insert(
        "indexed_columns".into(),
        json!(config.indexed_columns.len()),
    );
    let unindexed = if config.indexed_columns.is_empty() {
        Some(Vec::new())
    } else {
        indexes
            .as_ref()
            .map(|indexes| unindexed_columns(indexes, &config.indexed_columns))
    };
    if !config.indexed_columns.is_empty() && indexes.is_none() {
        report.push(Finding::error(
            findings::COLUMN_UNINDEXED,
            format!("the indexes of PostgreSQL at `{variable}` could not be read"),
        ));
    }
    if let Some(unindexed) = &unindexed
        && !unindexed.is_empty()
    {
        report.push(
            Finding::fail(
                findings::COLUMN_UNINDEXED,
                Severity::Medium,
                format!(
                    "PostgreSQL at `{variable}`: no index leads {}",
                    listed(unindexed)
                ),
            )
            .fix("create the index (Prisma: `@@index([column])`) and deploy the migration"),
        );
    }
    facts.insert("unindexed_columns".into(), json!(unindexed));
}

fn seed_facts(
    report: &mut Report,
    variable: &str,
    config: &Config,
    facts: &mut Map<String, Value>,
) {
    // The pack's own list, else what the project's Prisma seed script fills.
    let (source, tables) = if config.seed_tables.is_empty() {
        match crate::seed_script::seeded_tables() {
            Some((script, tables)) => (Value::from(script), tables),
            None => (Value::Null, Vec::new()),
        }
    } else {
        (Value::from("seed_tables"), config.seed_tables.clone())
    };
    facts.insert("seed_tables".into(), json!(tables.len()));
    facts.insert("seed_source".into(), source.clone());
    if tables.is_empty() {
        facts.insert("empty_tables".into(), json!([]));
        return;
    }
    let question = Question::RowCounts(tables.clone());
    let Some(counts) = asked(report, findings::SEED_DATA_MISSING, variable, &question) else {
        facts.insert("empty_tables".into(), Value::Null);
        return;
    };
    let empty: Vec<String> = records(&counts)
        .iter()
        .filter(|r| value(r, "rows").is_none_or(|n| n == "0"))
        .filter_map(|r| value(r, "table").map(str::to_owned))
        .collect();
    facts.insert("empty_tables".into(), json!(empty));
    if empty.is_empty() {
        report.push(Finding::pass(
            findings::SEED_DATA_MISSING,
            format!("the {} seed tables have rows", tables.len()),
        ));
    } else {
        report.push(
            Finding::fail(
                findings::SEED_DATA_MISSING,
                Severity::Medium,
                format!(
                    "PostgreSQL at `{variable}`: empty or missing: {}{}",
                    listed(&empty),
                    source
                        .as_str()
                        .filter(|s| *s != "seed_tables")
                        .map(|script| format!(" (tables {script} fills)"))
                        .unwrap_or_default()
                ),
            )
            .fix("run the production seed (roles, admin user, templates) after migrating"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|v| Some(v.to_string())).collect())
                .collect(),
        }
    }

    #[test]
    fn a_foreign_key_is_indexed_when_an_index_leads_with_its_columns() {
        let indexes = table(
            &["schema", "table", "index", "columns", "unique"],
            &[
                &["public", "Post", "Post_pkey", "id", "true"],
                &[
                    "public",
                    "Post",
                    "Post_authorId_idx",
                    "authorId,createdAt",
                    "false",
                ],
                &[
                    "public",
                    "Comment",
                    "Comment_x",
                    "createdAt,postId",
                    "false",
                ],
            ],
        );
        let keys = table(
            &["schema", "table", "constraint", "columns"],
            &[
                &["public", "Post", "Post_authorId_fkey", "authorId"],
                &["public", "Comment", "Comment_postId_fkey", "postId"],
            ],
        );
        let (count, unindexed) = unindexed_foreign_keys(&indexes, &keys);
        assert_eq!(count, 2);
        assert_eq!(unindexed, ["public.Comment(postId)"]);
        assert_eq!(
            unindexed_columns(
                &indexes,
                &[
                    "Post.authorId".into(),
                    "Post.title".into(),
                    "public.Post.id".into()
                ]
            ),
            ["Post.title"]
        );
    }

    #[test]
    fn utc_has_many_names() {
        assert!(is_same_zone("Etc/UTC", "UTC"));
        assert!(is_same_zone("UTC", "UTC"));
        assert!(!is_same_zone("Europe/Paris", "UTC"));
        assert!(is_same_zone("Europe/Paris", "europe/paris"));
    }
}
