//! PostgreSQL questions, by tokio-postgres (TLS by rustls through
//! tokio-postgres-rustls).
//!
//! Every statement below is a constant reviewed here: nothing a check sends
//! becomes SQL. The only values spliced in are the URL's `schema` parameter
//! and the table names of `row-counts`, both quoted as identifiers by
//! [`quote_identifier`] after [`identifier`] refused anything odd. Each
//! question runs in its own `READ ONLY` transaction, with `SET LOCAL
//! statement_timeout`, rolled back at the end.

use super::endpoint::{Endpoint, TlsMode};
use super::{MAX_ROW_COUNT_TABLES, MAX_ROWS, Question, Table, endpoint_rows, resolve};
use crate::probe::exchange::Failure;
use crate::probe::tls::Trust;
use std::time::Duration;
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, Config, NoTls};

/// The settings `settings` reads: none of them holds a secret.
const SETTINGS: &str = "SELECT name::text, setting::text, unit::text FROM pg_settings \
     WHERE name IN ('server_version', 'server_version_num', 'TimeZone', 'ssl', \
     'ssl_min_protocol_version', 'max_connections', 'superuser_reserved_connections', \
     'password_encryption', 'log_min_duration_statement', 'statement_timeout', \
     'idle_in_transaction_session_timeout', 'log_connections', 'log_disconnections', \
     'wal_level', 'archive_mode', 'listen_addresses') ORDER BY name";

/// Whether this session uses TLS, as the server sees it.
const SESSION: &str = "SELECT s.ssl::text, s.version::text, current_user::text, \
     current_database()::text FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()";

/// Whether Prisma's table exists in the schema `$1`.
const PRISMA_TABLE: &str = "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relname = '_prisma_migrations' AND c.relkind IN ('r', 'p') AND n.nspname = $1";

/// Prisma's migrations, oldest first; `{schema}` is a quoted identifier.
const PRISMA_MIGRATIONS: &str = "SELECT migration_name::text, \
     (finished_at IS NOT NULL)::text, (rolled_back_at IS NOT NULL)::text, \
     (finished_at IS NULL AND rolled_back_at IS NULL)::text \
     FROM {schema}._prisma_migrations ORDER BY started_at, migration_name LIMIT 10001";

/// Every index outside the system schemas, its key columns in order.
const INDEXES: &str = "SELECT n.nspname::text, t.relname::text, i.relname::text, \
     (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
        FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), \
     x.indisunique::text \
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
     JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1, 2, 3 LIMIT 10001";

/// Every foreign key, its columns in order.
const FOREIGN_KEYS: &str = "SELECT n.nspname::text, t.relname::text, c.conname::text, \
     (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
        FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) \
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     WHERE c.contype = 'f' ORDER BY 1, 2, 3 LIMIT 10001";

/// Client connections now.
const ACTIVITY: &str = "SELECT count(*)::text, \
     count(*) FILTER (WHERE state = 'active')::text, \
     count(*) FILTER (WHERE state = 'idle in transaction')::text \
     FROM pg_stat_activity WHERE backend_type = 'client backend'";

/// Whether a table exists; `$1` is a quoted, qualified name.
const TABLE_EXISTS: &str = "SELECT to_regclass($1) IS NOT NULL";

/// Rows of one table, up to 1,000; `{table}` is a quoted, qualified name.
const ROW_COUNT: &str = "SELECT count(*)::text FROM (SELECT 1 FROM {table} LIMIT 1000) AS r";

/// Every statement the host may send, for the test that they only read.
#[cfg(test)]
pub(crate) const CATALOGUE: &[&str] = &[
    SETTINGS,
    SESSION,
    PRISMA_TABLE,
    PRISMA_MIGRATIONS,
    INDEXES,
    FOREIGN_KEYS,
    ACTIVITY,
    TABLE_EXISTS,
    ROW_COUNT,
];

/// Answers `question`.
pub async fn ask(
    endpoint: &Endpoint,
    question: &Question,
    trust: &Trust,
    statement_timeout: Duration,
) -> Result<Table, Failure> {
    if *question == Question::RefusesUnprotected {
        return refuses_plaintext(endpoint).await;
    }
    let addresses = match question {
        Question::Connection => resolve(&endpoint.host, endpoint.port).await?,
        _ => Vec::new(),
    };
    let (mut client, verdict) = connect(endpoint, trust).await?;
    let result = answer(
        &mut client,
        endpoint,
        question,
        statement_timeout,
        &addresses,
        verdict,
    )
    .await;
    drop(client);
    result
}

/// The connection's configuration, from the URL; the password only if `with_password`.
fn config(endpoint: &Endpoint, with_password: bool) -> Config {
    let mut config = Config::new();
    config
        .host(&endpoint.host)
        .port(endpoint.port)
        .user(endpoint.user.as_deref().unwrap_or("postgres"))
        .application_name("gonogo")
        .connect_timeout(Duration::from_secs(10));
    if let Some(database) = &endpoint.database {
        config.dbname(database);
    }
    if with_password && let Some(password) = &endpoint.password {
        config.password(password);
    }
    config
}

/// What went wrong, without the URL: tokio-postgres's messages never hold
/// the password, and the server's are about the user, database or host.
fn failure(what: &str, error: &tokio_postgres::Error) -> Failure {
    if let Some(db) = error.as_db_error() {
        return Failure::Connection(format!(
            "{what}: the server said {} ({})",
            db.message(),
            db.code().code()
        ));
    }
    let text = chain(error);
    if text.contains("timed out") || text.contains("timeout") {
        return Failure::Timeout;
    }
    Failure::Connection(format!("{what}: {text}"))
}

/// The error and its causes, `: `-separated.
fn chain(error: &tokio_postgres::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

type Verdict = crate::probe::tls::CertificateVerdict;

/// Connects as the URL says, TLS by its `sslmode`.
async fn connect(endpoint: &Endpoint, trust: &Trust) -> Result<(Client, Verdict), Failure> {
    let mut config = config(endpoint, true);
    config.ssl_mode(match endpoint.tls {
        TlsMode::Disable => SslMode::Disable,
        TlsMode::Prefer => SslMode::Prefer,
        TlsMode::Require | TlsMode::Verify => SslMode::Require,
    });
    let (tls, verdict) = trust.datastore_config(endpoint.tls == TlsMode::Verify)?;
    let connector = tokio_postgres_rustls::MakeRustlsConnect::new((*tls).clone());
    let (client, connection) = config
        .connect(connector)
        .await
        .map_err(|e| failure("cannot connect to PostgreSQL", &e))?;
    tokio::spawn(connection);
    Ok((client, verdict))
}

/// Asks the question on an open connection, in a read-only transaction.
async fn answer(
    client: &mut Client,
    endpoint: &Endpoint,
    question: &Question,
    statement_timeout: Duration,
    addresses: &[std::net::SocketAddr],
    verdict: Verdict,
) -> Result<Table, Failure> {
    let query = |e: tokio_postgres::Error| failure(&format!("`{}`", question.name()), &e);
    let transaction = client
        .build_transaction()
        .read_only(true)
        .start()
        .await
        .map_err(|e| failure("cannot open a read-only transaction", &e))?;
    let millis = statement_timeout.as_millis().clamp(100, 60_000);
    transaction
        .batch_execute(&format!("SET LOCAL statement_timeout = {millis}"))
        .await
        .map_err(query)?;
    let rows = |rows: Vec<tokio_postgres::Row>, columns: &[&str]| -> Table {
        let mut table = Table::new(columns);
        for row in rows {
            table.rows.push(
                (0..columns.len())
                    .map(|i| row.get::<_, Option<String>>(i))
                    .collect(),
            );
        }
        table
    };
    let table = match question {
        Question::Connection => {
            let session = transaction.query_opt(SESSION, &[]).await.map_err(query)?;
            let mut pairs = endpoint_rows(endpoint, addresses);
            let ssl = session
                .as_ref()
                .and_then(|row| row.get::<_, Option<String>>(0))
                .unwrap_or_else(|| "false".to_owned());
            let tls = ssl == "true";
            pairs.push(("tls".into(), ssl));
            if let Some(version) = session.as_ref().and_then(|r| r.get::<_, Option<String>>(1)) {
                pairs.push(("tls-protocol".into(), version));
            }
            if tls {
                let verdict = verdict.lock().unwrap_or_else(|e| e.into_inner()).clone();
                match verdict {
                    Some(Ok(())) => pairs.push(("certificate-verified".into(), "true".into())),
                    Some(Err(why)) => {
                        pairs.push(("certificate-verified".into(), "false".into()));
                        pairs.push(("certificate-error".into(), why));
                    }
                    None => pairs.push(("certificate-verified".into(), "false".into())),
                }
            }
            if let Some(user) = session.as_ref().and_then(|r| r.get::<_, Option<String>>(2)) {
                pairs.retain(|(name, _)| name != "user");
                pairs.push(("user".into(), user));
            }
            Table::pairs(pairs)
        }
        Question::Settings => rows(
            transaction.query(SETTINGS, &[]).await.map_err(query)?,
            &["name", "setting", "unit"],
        ),
        Question::PrismaMigrations => {
            let schema = endpoint
                .parameters
                .iter()
                .find(|(name, _)| name == "schema")
                .map_or("public", |(_, value)| value.as_str());
            identifier(schema).map_err(Failure::InvalidRequest)?;
            let present = transaction
                .query_opt(PRISMA_TABLE, &[&schema])
                .await
                .map_err(query)?;
            if present.is_none() {
                Table::new(&["missing"])
            } else {
                let sql = PRISMA_MIGRATIONS.replace("{schema}", &quote_identifier(schema));
                rows(
                    transaction.query(&sql, &[]).await.map_err(query)?,
                    &["migration_name", "finished", "rolled_back", "failed"],
                )
            }
        }
        Question::Indexes => rows(
            transaction.query(INDEXES, &[]).await.map_err(query)?,
            &["schema", "table", "index", "columns", "unique"],
        ),
        Question::ForeignKeys => rows(
            transaction.query(FOREIGN_KEYS, &[]).await.map_err(query)?,
            &["schema", "table", "constraint", "columns"],
        ),
        Question::Activity => rows(
            transaction.query(ACTIVITY, &[]).await.map_err(query)?,
            &["total", "active", "idle_in_transaction"],
        ),
        Question::RowCounts(names) => {
            if names.len() > MAX_ROW_COUNT_TABLES {
                return Err(Failure::InvalidRequest(format!(
                    "`row-counts` names {} tables; at most {MAX_ROW_COUNT_TABLES}",
                    names.len()
                )));
            }
            let mut table = Table::new(&["table", "rows"]);
            for name in names {
                let qualified = qualified_name(name).map_err(Failure::InvalidRequest)?;
                let exists: bool = transaction
                    .query_one(TABLE_EXISTS, &[&qualified])
                    .await
                    .map_err(query)?
                    .get(0);
                let count = if exists {
                    let sql = ROW_COUNT.replace("{table}", &qualified);
                    transaction
                        .query_one(&sql, &[])
                        .await
                        .map_err(query)?
                        .get::<_, Option<String>>(0)
                } else {
                    None
                };
                table.rows.push(vec![Some(name.clone()), count]);
            }
            table
        }
        Question::RefusesUnprotected | Question::Info => {
            return Err(Failure::InvalidRequest(format!(
                "`{}` is not a PostgreSQL question",
                question.name()
            )));
        }
    };
    // Nothing was written, and nothing is committed.
    transaction.rollback().await.map_err(query)?;
    if table.rows.len() > MAX_ROWS {
        return Err(Failure::Connection(format!(
            "the answer to `{}` has more than {MAX_ROWS} rows",
            question.name()
        )));
    }
    Ok(table)
}

/// Whether the server refuses a connection without TLS. No password is
/// given: a server that accepts the plain connection asks for one, which
/// is the answer; nothing secret crosses the plain connection.
async fn refuses_plaintext(endpoint: &Endpoint) -> Result<Table, Failure> {
    let mut config = config(endpoint, false);
    config.ssl_mode(SslMode::Disable);
    let (refused, detail) = match config.connect(NoTls).await {
        Ok((client, connection)) => {
            drop(client);
            drop(connection);
            (
                false,
                "accepted a connection without TLS and without a password".to_owned(),
            )
        }
        Err(error) => {
            if let Some(db) = error.as_db_error() {
                let code = db.code().code();
                // 28000: no pg_hba.conf entry (hostssl only, or rejected).
                if code == "28000" {
                    (true, format!("refused without TLS: {}", db.message()))
                } else {
                    return Err(failure("cannot tell whether TLS is required", &error));
                }
            } else if chain(&error).contains("password missing") {
                (
                    false,
                    "asked for a password over a connection without TLS (none was sent)".to_owned(),
                )
            } else {
                return Err(failure("cannot tell whether TLS is required", &error));
            }
        }
    };
    let mut table = Table::new(&["refused", "detail"]);
    table
        .rows
        .push(vec![Some(refused.to_string()), Some(detail)]);
    Ok(table)
}

/// Checks a name that will be quoted as an SQL identifier.
fn identifier(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 63 || name.chars().any(|c| c.is_control()) {
        return Err(format!(
            "`{}` is not a table or schema name (1 to 63 characters, no control character)",
            name.escape_debug()
        ));
    }
    Ok(())
}

/// `name` as a quoted SQL identifier: `"` doubled inside.
fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `table` or `schema.table`, checked and quoted.
fn qualified_name(name: &str) -> Result<String, String> {
    let parts: Vec<&str> = name.splitn(2, '.').collect();
    for part in &parts {
        identifier(part)?;
    }
    Ok(parts
        .iter()
        .map(|part| quote_identifier(part))
        .collect::<Vec<_>>()
        .join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_only_reads() {
        for sql in CATALOGUE {
            let upper = sql.to_ascii_uppercase();
            assert!(upper.starts_with("SELECT "), "{sql}");
            for word in [
                "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "GRANT", "TRUNCATE",
                "COPY", "CALL", "DO ", "LOCK", "SET ", "NEXTVAL", "PG_",
            ] {
                if word == "PG_" {
                    // pg_catalog relations only, no pg_ function that acts.
                    for function in ["PG_TERMINATE", "PG_CANCEL", "PG_RELOAD", "PG_SLEEP"] {
                        assert!(!upper.contains(function), "{sql}");
                    }
                    continue;
                }
                assert!(!upper.contains(word), "`{word}` in {sql}");
            }
        }
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(qualified_name("users").as_deref(), Ok("\"users\""));
        assert_eq!(
            qualified_name("app.Order\"; DROP TABLE x; --").as_deref(),
            Ok("\"app\".\"Order\"\"; DROP TABLE x; --\"")
        );
        assert!(qualified_name("").is_err());
        assert!(qualified_name(&"x".repeat(64)).is_err());
        assert!(qualified_name("a\u{0}b").is_err());
    }
}
