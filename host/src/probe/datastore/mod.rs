//! Live datastores: the read-only questions a check may ask of the
//! PostgreSQL and Redis servers whose URLs the deployment holds in the
//! variables its policy grants (`grants.datastores`).
//!
//! A check never sees the URL nor its password. It names the variable and
//! one [`Question`] of a fixed catalogue; the host connects (TLS as the URL
//! asks, with the probes' trusted roots), asks it, and answers a [`Table`]
//! of text. Every SQL statement is a constant of [`postgres`], run in a
//! `READ ONLY` transaction with a statement timeout; the Redis commands are
//! `PING`, `INFO` and `CONFIG GET` of a fixed list ([`redis`]). Errors say
//! what failed without the URL: [`endpoint`] never puts the value in one.
//!
//! Calls go through the check's [`crate::probe::ProbeSession`], so they
//! have its grants check, budget, timeout, recording and replay.

pub mod endpoint;
pub(crate) mod postgres;
pub(crate) mod redis;

use crate::probe::exchange::Failure;
use crate::probe::tls::Trust;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub use endpoint::{Endpoint, Engine};

/// Most rows an answer holds; a larger one is refused, not cut.
pub const MAX_ROWS: usize = 10_000;
/// Most bytes of text an answer holds.
pub const MAX_ANSWER_BYTES: usize = 4 << 20;
/// Most table names one `row-counts` question may name.
pub const MAX_ROW_COUNT_TABLES: usize = 50;

/// A question of the catalogue (the WIT `datastore.question`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    /// How the host reached the server.
    Connection,
    /// Whether the server refuses a client without the URL's protection.
    RefusesUnprotected,
    /// Server settings of a fixed list.
    Settings,
    /// Redis `INFO`.
    Info,
    /// Prisma's `_prisma_migrations` rows.
    PrismaMigrations,
    /// Indexes outside the system schemas.
    Indexes,
    /// Foreign keys.
    ForeignKeys,
    /// Client connections now.
    Activity,
    /// Whether these tables have rows (counted up to 1,000).
    RowCounts(Vec<String>),
}

impl Question {
    /// Its name in the WIT and in messages.
    pub fn name(&self) -> &'static str {
        match self {
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

    /// Whether it can be asked of `engine`.
    pub fn applies_to(&self, engine: Engine) -> bool {
        match self {
            Question::Connection | Question::RefusesUnprotected | Question::Settings => true,
            Question::Info => engine == Engine::Redis,
            Question::PrismaMigrations
            | Question::Indexes
            | Question::ForeignKeys
            | Question::Activity
            | Question::RowCounts(_) => engine == Engine::Postgres,
        }
    }
}

/// An answer: columns and rows of text (`None` for SQL `NULL`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows, one value per column.
    pub rows: Vec<Vec<Option<String>>>,
}

impl Table {
    /// A table with these columns and no row yet.
    pub fn new(columns: &[&str]) -> Self {
        Table {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// A `name`, `value` table.
    pub fn pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut table = Table::new(&["name", "value"]);
        for (name, value) in pairs {
            table.rows.push(vec![Some(name), Some(value)]);
        }
        table
    }

    /// Refuses an answer over [`MAX_ROWS`] or [`MAX_ANSWER_BYTES`].
    fn bounded(self, question: &Question) -> Result<Self, Failure> {
        if self.rows.len() > MAX_ROWS {
            return Err(Failure::Connection(format!(
                "the answer to `{}` has more than {MAX_ROWS} rows",
                question.name()
            )));
        }
        let bytes: usize = self
            .rows
            .iter()
            .flatten()
            .map(|value| value.as_ref().map_or(0, String::len))
            .sum();
        if bytes > MAX_ANSWER_BYTES {
            return Err(Failure::Connection(format!(
                "the answer to `{}` is over {} MiB",
                question.name(),
                MAX_ANSWER_BYTES >> 20
            )));
        }
        Ok(self)
    }
}

/// Asks `question` of the datastore `variable` (whose value is `url`)
/// names. `statement_timeout` bounds each SQL statement on the server.
pub async fn ask(
    variable: &str,
    url: &str,
    question: &Question,
    trust: &Trust,
    statement_timeout: Duration,
) -> Result<Table, Failure> {
    let endpoint = Endpoint::parse(variable, url)?;
    if !question.applies_to(endpoint.engine) {
        return Err(Failure::InvalidRequest(format!(
            "`{}` is not a question for {} (`{variable}`)",
            question.name(),
            endpoint.engine.label()
        )));
    }
    let table = match endpoint.engine {
        Engine::Postgres => postgres::ask(&endpoint, question, trust, statement_timeout).await,
        Engine::Redis => redis::ask(&endpoint, question, trust).await,
    }?;
    table.bounded(question)
}

/// The addresses `host` resolves to, for the `connection` answer.
async fn resolve(host: &str, port: u16) -> Result<Vec<std::net::SocketAddr>, Failure> {
    let addresses: Vec<_> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Failure::Connection(format!("cannot resolve `{host}`: {e}")))?
        .collect();
    if addresses.is_empty() {
        return Err(Failure::Connection(format!(
            "`{host}` resolves to no address"
        )));
    }
    Ok(addresses)
}

/// The rows every `connection` answer starts with.
fn endpoint_rows(endpoint: &Endpoint, addresses: &[std::net::SocketAddr]) -> Vec<(String, String)> {
    let mut rows = vec![
        ("engine".to_owned(), endpoint.engine.name().to_owned()),
        ("host".to_owned(), endpoint.host.clone()),
        ("port".to_owned(), endpoint.port.to_string()),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for address in addresses {
        if seen.insert(address.ip()) {
            rows.push(("address".to_owned(), address.ip().to_string()));
        }
    }
    if let Some(user) = &endpoint.user {
        rows.push(("user".to_owned(), user.clone()));
    }
    if let Some(database) = &endpoint.database {
        rows.push(("database".to_owned(), database.clone()));
    }
    for (name, value) in &endpoint.parameters {
        rows.push((format!("parameter:{name}"), value.clone()));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_apply_to_their_engines() {
        assert!(Question::Info.applies_to(Engine::Redis));
        assert!(!Question::Info.applies_to(Engine::Postgres));
        assert!(Question::Indexes.applies_to(Engine::Postgres));
        assert!(!Question::Indexes.applies_to(Engine::Redis));
        assert!(Question::Connection.applies_to(Engine::Redis));
    }

    #[test]
    fn answers_over_the_caps_are_refused() {
        let mut table = Table::new(&["a"]);
        table.rows = vec![vec![Some("x".into())]; MAX_ROWS + 1];
        let error = table
            .bounded(&Question::Indexes)
            .expect_err("too many rows");
        assert!(
            error.to_string().contains("more than 10000 rows"),
            "{error}"
        );
        let mut table = Table::new(&["a"]);
        table.rows = vec![vec![Some("x".repeat(MAX_ANSWER_BYTES + 1))]];
        assert!(table.bounded(&Question::Indexes).is_err());
    }

    #[test]
    fn a_question_for_another_engine_is_invalid() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let trust = Trust::new(&[]);
        let error = runtime
            .block_on(ask(
                "REDIS_URL",
                "redis://127.0.0.1:1",
                &Question::Indexes,
                &trust,
                Duration::from_secs(1),
            ))
            .expect_err("not a Redis question");
        assert!(matches!(error, Failure::InvalidRequest(_)), "{error}");
    }
}
