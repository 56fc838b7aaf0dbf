//! # `datastores` — the live PostgreSQL and Redis, as they run
//!
//! ## What it checks
//! The production PostgreSQL and Redis whose URLs the deployment holds in
//! the variables the pack grants (`grants.datastores`, such as
//! `DATABASE_URL` and `REDIS_URL`), through the host's read-only
//! `datastore` interface: the check never sees a URL nor a password, and
//! asks only questions of the host's fixed catalogue (settings, catalogue
//! views, `INFO`), each in a read-only transaction.
//!
//! PostgreSQL:
//! - the connection uses **TLS**, its certificate verifies, and the server
//!   **refuses a connection without TLS** (asked without a password);
//! - the server's **time zone** (`UTC` unless `timezone` says otherwise);
//! - every **Prisma migration** of the repository (the folders beside its
//!   `migration_lock.toml`) is applied in `_prisma_migrations`, none failed
//!   nor rolled back;
//! - every **foreign key** is led by an index, and each column of
//!   `indexed_columns` (`table.column`) leads one, in the live database;
//! - **connections**: in use against `max_connections` less the reserved
//!   ones, and the pool (the URL's `connection_limit`, else the variable
//!   `pool_size_env` names) within them;
//! - each table of `seed_tables` has rows; without that setting, each
//!   table the project's Prisma seed script fills (the script
//!   `package.json`'s `prisma.seed` runs, else `prisma/seed.ts`, with a
//!   `seed/` folder beside it: the models it creates or upserts, mapped to
//!   their tables by the schema's `@@map`);
//! - its host resolves to **private** addresses only.
//!
//! Redis: a client without credentials is refused (`NOAUTH`); persistence
//! (AOF, or snapshots); `maxmemory` set; the eviction policy
//! (`noeviction` where the code uses a job queue, BullMQ or Bull, which
//! loses jobs otherwise; an `allkeys-*` policy for a cache); TLS when its
//! host is public. `INFO` answers where managed services refuse `CONFIG`.
//!
//! A datastore whose variable is unset, or holds another engine's URL, is
//! not asked; one that cannot be reached is an `error`, never a pass.
//!
//! ## Why it matters
//! The repository says what should be; the servers say what is. A
//! migration that was never deployed, a Redis that anyone on the network
//! can read, or a cache that evicts a queue's jobs pass every review of the
//! code.
//!
//! ## Example of a failing project
//! `_prisma_migrations` lacks the last two folders of `prisma/migrations`,
//! the server accepts plain connections, and Redis answers `PING` without a
//! password, with `maxmemory 0`.
//!
//! ## How to fix
//! Run `prisma migrate deploy` in the release step; set `hostssl` lines
//! only in `pg_hba.conf` (managed services: "require SSL"); set
//! `requirepass` or ACL users, `appendonly yes`, `maxmemory` and a
//! `maxmemory-policy` that suits the use. Grant gonogo a read-only role
//! (docs/datastores.md).
//!
//! ## Facts it reports
//! `asked` (false when `enabled_env` kept it from asking); `postgres` (null when not asked): `variable`, `reached`, `error`,
//! `tls`, `certificate_verified`, `plaintext_refused`, `timezone`,
//! `version`, `addresses`, `private`, `max_connections`, `available_connections`,
//! `in_use`, `pool_size`, `migrations` (null without Prisma migrations in
//! the repository: `folder`, `repository`, `applied`, `missing`, `failed`,
//! `rolled_back`), `foreign_keys`, `unindexed_foreign_keys`,
//! `indexed_columns`, `unindexed_columns`, `seed_tables` (how many),
//! `seed_source` (`seed_tables`, the seed script's path, or null),
//! `empty_tables`.
//! `redis` (null when not asked): `variable`, `reached`, `error`,
//! `auth_required`, `aof`, `rdb`, `maxmemory`, `policy`,
//! `expected_policies`, `queue`, `tls`, `addresses`, `private`, `version`.
//!
//! ## Settings
//! - `timezone` (string, default `UTC`): the expected server time zone.
//! - `indexed_columns` (list of `table.column`): columns that must lead an index.
//! - `seed_tables` (list of `table` or `schema.table`): tables that must
//!   have rows (by default, those the Prisma seed script fills).
//! - `eviction_policies` (list): the Redis policies accepted, instead of
//!   the default (`noeviction` with a job queue, else `allkeys-lru`,
//!   `allkeys-lfu`).
//! - `pool_size_env` (a granted variable, such as `DB_POOL_SIZE`): the
//!   application's pool size when the URL has no `connection_limit`.
//! - `enabled_env` (a granted variable): when set, the datastores are asked
//!   only when that variable is `1` (or `true`, `yes`, `on`): a run that
//!   cannot reach them (a laptop, a CI runner outside the network) skips
//!   them, saying so, instead of failing to connect.
//!
//! ## Findings
//! - `not-configured` (skip): not enabled, or no PostgreSQL or Redis URL granted and set.
//! - `postgres-unreachable` (error): the server could not be questioned.
//! - `postgres-tls` (fail, high: no TLS; warn, medium: certificate not verified).
//! - `postgres-plaintext-accepted` (fail, medium): a connection without TLS is accepted.
//! - `postgres-timezone` (warn, low): not the expected time zone.
//! - `migrations-not-applied` (fail, critical): a repository migration missing or failed.
//! - `foreign-key-unindexed` (warn, medium): a foreign key no index leads.
//! - `column-unindexed` (fail, medium): a named column no index leads.
//! - `connections-exhausted` (fail, high): 90 % of the connections in use,
//!   or a pool larger than the server allows.
//! - `seed-data-missing` (fail, medium): a seed table empty or missing.
//! - `public-address` (warn, medium): the host resolves to a public address.
//! - `redis-unreachable` (error): Redis could not be questioned.
//! - `redis-no-auth` (fail, critical): Redis answers without credentials.
//! - `redis-not-persistent` (fail, high: nothing; warn, medium: snapshots only).
//! - `redis-no-maxmemory` (fail, high): no memory limit.
//! - `redis-eviction` (fail, medium): a policy that does not suit the use.
//! - `redis-plaintext-public` (fail, high): a public Redis without TLS.

pub mod address;
pub mod findings;
pub mod migrations;
pub mod postgres;
pub mod redis;
mod seed_script;
pub mod table;

use gonogo_check::datastore::{self, Engine};
use gonogo_check::{Check, Finding, Info, Report, Value};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    timezone: Option<String>,
    #[serde(default)]
    indexed_columns: Vec<String>,
    #[serde(default)]
    seed_tables: Vec<String>,
    eviction_policies: Option<Vec<String>>,
    enabled_env: Option<String>,
    pool_size_env: Option<String>,
}

/// Whether a switch variable's value turns asking on.
fn is_on(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

struct Datastores;

impl Check for Datastores {
    type Config = Config;
    const INFO: Info = Info {
        id: "datastores",
        name: "Live datastores",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks the live PostgreSQL and Redis, read-only, whether they are as production needs them.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        if let Some(switch) = &config.enabled_env
            && !gonogo_check::granted_var(switch)?.is_some_and(|v| is_on(&v))
        {
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                gonogo_check::Status::Skip,
                gonogo_check::Severity::Info,
                format!(
                    "the live datastores were not asked: set {switch}=1 where the run reaches them"
                ),
            ));
            report.fact("asked", false);
            report.fact("postgres", Value::Null);
            report.fact("redis", Value::Null);
            return Ok(report);
        }
        report.fact("asked", true);
        let granted = datastore::granted();
        let first = |engine: Engine| {
            granted
                .iter()
                .find(|g| g.engine == Some(engine))
                .map(|g| g.variable.clone())
        };
        let postgres_variable = first(Engine::Postgres);
        let redis_variable = first(Engine::Redis);
        if postgres_variable.is_none() && redis_variable.is_none() {
            let names: Vec<&str> = granted.iter().map(|g| g.variable.as_str()).collect();
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                gonogo_check::Status::Skip,
                gonogo_check::Severity::Info,
                if names.is_empty() {
                    "no datastore is granted (`grants.datastores`)".to_owned()
                } else {
                    format!(
                        "{} not set to a postgres:// or redis:// URL",
                        names.join(", ")
                    )
                },
            ));
        }
        let postgres = match &postgres_variable {
            Some(variable) => postgres::judge(&mut report, variable, &config),
            None => Value::Null,
        };
        report.fact("postgres", postgres);
        let redis = match &redis_variable {
            Some(variable) => redis::judge(&mut report, variable, &config),
            None => Value::Null,
        };
        report.fact("redis", redis);
        Ok(report)
    }
}

gonogo_check::export_check!(Datastores);
