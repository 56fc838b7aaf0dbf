//! The service's store, through sqlx's `Any` driver: an embedded SQLite
//! file by default, PostgreSQL for an organisation. The SQL is written once
//! for both (portable types, `$n` parameters each used once, in order).
//! Reports are append-only: nothing here updates or deletes one.

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// The schema, in order; each statement may run again harmlessly.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS push_tokens (
        id TEXT PRIMARY KEY,
        repository TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT)",
    "CREATE TABLE IF NOT EXISTS reports (
        id TEXT PRIMARY KEY,
        repository TEXT NOT NULL,
        commit_sha TEXT,
        branch TEXT,
        environment TEXT NOT NULL,
        verdict TEXT NOT NULL,
        level TEXT,
        pack TEXT NOT NULL,
        pack_digest TEXT,
        passed BIGINT NOT NULL,
        failed BIGINT NOT NULL,
        skipped BIGINT NOT NULL,
        errored BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS reports_by_repository ON reports (repository, received_at)",
    "CREATE TABLE IF NOT EXISTS report_rules (
        report_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        enforcement TEXT NOT NULL,
        enforce_from TEXT,
        waiver_expires TEXT,
        waiver_reason TEXT,
        stale_attestations TEXT,
        PRIMARY KEY (report_id, rule_id))",
    "CREATE INDEX IF NOT EXISTS report_rules_by_rule ON report_rules (rule_id, status)",
];

/// A lock id for PostgreSQL's advisory lock around the schema, so that
/// replicas starting together do not create the same table at once.
const SCHEMA_LOCK: i64 = 0x676f_6e6f_676f;

/// The store.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
}

/// A report as pushed, with what the store keeps beside its body.
pub struct NewReport {
    /// The sha256 of the body: a report pushed twice is refused.
    pub id: String,
    pub repository: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub environment: String,
    pub verdict: String,
    pub level: Option<String>,
    pub pack: String,
    pub pack_digest: Option<String>,
    pub counts: [i64; 4],
    pub received_at: i64,
    pub body: String,
    pub rules: Vec<RuleResult>,
}

/// One rule's result in a report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleResult {
    pub rule: String,
    pub title: String,
    pub status: String,
    pub enforcement: String,
    pub enforce_from: Option<String>,
    pub waiver_expires: Option<String>,
    pub waiver_reason: Option<String>,
    /// The report's `stale_attestations` of the rule, as JSON text.
    pub stale_attestations: Option<String>,
}

/// A stored report without its body.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportSummary {
    pub id: String,
    pub repository: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub environment: String,
    pub verdict: String,
    pub level: Option<String>,
    pub pack: String,
    pub pack_digest: Option<String>,
    pub passed: i64,
    pub failed: i64,
    pub skipped: i64,
    pub errored: i64,
    pub received_at: i64,
}

/// What a push token is, when it is valid.
pub struct TokenOwner {
    pub repository: String,
}

/// Why a report was not stored.
#[derive(Debug)]
pub enum StoreError {
    /// The same report was pushed before.
    Duplicate,
    /// The database failed.
    Database(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Duplicate => write!(f, "stored before"),
            StoreError::Database(why) => write!(f, "database error: {why}"),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Database(error.to_string())
    }
}

/// Filters of a report query.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ReportQuery {
    pub repository: Option<String>,
    pub rule: Option<String>,
    pub environment: Option<String>,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
    pub limit: Option<i64>,
}

const SUMMARY_COLUMNS: &str = "r.id, r.repository, r.commit_sha, r.branch, r.environment, r.verdict, r.level, r.pack, r.pack_digest, r.passed, r.failed, r.skipped, r.errored, r.received_at";

fn summary(row: &AnyRow) -> Result<ReportSummary, sqlx::Error> {
    Ok(ReportSummary {
        id: row.try_get(0)?,
        repository: row.try_get(1)?,
        commit: row.try_get(2)?,
        branch: row.try_get(3)?,
        environment: row.try_get(4)?,
        verdict: row.try_get(5)?,
        level: row.try_get(6)?,
        pack: row.try_get(7)?,
        pack_digest: row.try_get(8)?,
        passed: row.try_get(9)?,
        failed: row.try_get(10)?,
        skipped: row.try_get(11)?,
        errored: row.try_get(12)?,
        received_at: row.try_get(13)?,
    })
}

/// Which rules of the newest reports [`Store::latest_rules`] reads.
#[derive(Debug, Clone, Copy)]
pub enum RulesWith {
    /// Every rule.
    Any,
    /// Rules an exception waives.
    Waiver,
    /// Attestation rules with stale attestations.
    StaleAttestations,
    /// Rules with `enforce_from`.
    EnforceFrom,
}

/// A rule's result from the row's columns starting at `at`.
fn rule_result(row: &AnyRow, at: usize) -> Result<RuleResult, sqlx::Error> {
    Ok(RuleResult {
        rule: row.try_get(at)?,
        title: row.try_get(at + 1)?,
        status: row.try_get(at + 2)?,
        enforcement: row.try_get(at + 3)?,
        enforce_from: row.try_get(at + 4)?,
        waiver_expires: row.try_get(at + 5)?,
        waiver_reason: row.try_get(at + 6)?,
        stale_attestations: row.try_get(at + 7)?,
    })
}

impl Store {
    /// Connects to `url` (`sqlite://path`, `postgres://…`) and brings the
    /// schema up to date.
    pub async fn open(url: &str) -> Result<Store, String> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        let mut options = AnyPoolOptions::new().max_connections(if sqlite { 4 } else { 8 });
        if sqlite {
            // Writers wait for each other rather than failing at once.
            options = options.after_connect(|connection, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA busy_timeout = 10000")
                        .execute(&mut *connection)
                        .await?;
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .execute(&mut *connection)
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(url)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        let store = Store { pool };
        store
            .migrate(!sqlite)
            .await
            .map_err(|e| format!("cannot prepare the database's tables: {e}"))?;
        Ok(store)
    }

    async fn migrate(&self, postgres: bool) -> Result<(), sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        if postgres {
            sqlx::query(&format!("SELECT pg_advisory_lock({SCHEMA_LOCK})"))
                .execute(&mut *connection)
                .await?;
        }
        let mut result = Ok(());
        for statement in SCHEMA {
            if let Err(error) = sqlx::query(statement).execute(&mut *connection).await {
                result = Err(error);
                break;
            }
        }
        if postgres {
            sqlx::query(&format!("SELECT pg_advisory_unlock({SCHEMA_LOCK})"))
                .execute(&mut *connection)
                .await?;
        }
        result
    }

    /// Stores a push token's hash for `repository`.
    pub async fn add_token(
        &self,
        id: &str,
        repository: &str,
        hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO push_tokens (id, repository, token_hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(repository)
            .bind(hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Revokes every push token of `repository`; how many were revoked.
    pub async fn revoke_tokens(&self, now: i64, repository: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE push_tokens SET revoked_at = $1 WHERE repository = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(repository)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The repositories with a valid push token, and how many each has.
    pub async fn token_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT repository, COUNT(*) FROM push_tokens WHERE revoked_at IS NULL GROUP BY repository ORDER BY repository")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The owner of the push token whose sha256 is `hash`, unless revoked.
    pub async fn token_owner(&self, hash: &str) -> Result<Option<TokenOwner>, StoreError> {
        let row = sqlx::query(
            "SELECT repository FROM push_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(row) => Some(TokenOwner {
                repository: row.try_get(0)?,
            }),
            None => None,
        })
    }

    /// Stores a report and its rules in one transaction.
    pub async fn add_report(&self, report: &NewReport) -> Result<(), StoreError> {
        // The insert comes first: a transaction that wrote first waits for
        // SQLite's write lock (busy timeout) instead of failing to upgrade a
        // read lock; a report stored before is refused by its primary key.
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO reports (id, repository, commit_sha, branch, environment, verdict, level, pack, pack_digest, passed, failed, skipped, errored, received_at, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&report.id)
        .bind(&report.repository)
        .bind(report.commit.clone())
        .bind(report.branch.clone())
        .bind(&report.environment)
        .bind(&report.verdict)
        .bind(report.level.clone())
        .bind(&report.pack)
        .bind(report.pack_digest.clone())
        .bind(report.counts[0])
        .bind(report.counts[1])
        .bind(report.counts[2])
        .bind(report.counts[3])
        .bind(report.received_at)
        .bind(&report.body)
        .execute(&mut *tx)
        .await;
        if let Err(error) = inserted {
            // Two replicas given the same report at once: one wins.
            let duplicate = error
                .as_database_error()
                .is_some_and(|e| e.is_unique_violation());
            return Err(if duplicate {
                StoreError::Duplicate
            } else {
                error.into()
            });
        }
        for rule in &report.rules {
            sqlx::query(
                "INSERT INTO report_rules (report_id, rule_id, title, status, enforcement, enforce_from, waiver_expires, waiver_reason, stale_attestations)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&report.id)
            .bind(&rule.rule)
            .bind(&rule.title)
            .bind(&rule.status)
            .bind(&rule.enforcement)
            .bind(rule.enforce_from.clone())
            .bind(rule.waiver_expires.clone())
            .bind(rule.waiver_reason.clone())
            .bind(rule.stale_attestations.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Reports matching `query`, newest first (at most `limit`, 1,000 by default).
    pub async fn reports(&self, query: &ReportQuery) -> Result<Vec<ReportSummary>, StoreError> {
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM reports r");
        let mut conditions: Vec<String> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut numbers: Vec<i64> = Vec::new();
        // Parameters are numbered in the order they appear.
        let mut next = 0;
        let mut parameter = || {
            next += 1;
            format!("${next}")
        };
        if let Some(rule) = &query.rule {
            sql.push_str(&format!(
                " JOIN report_rules rr ON rr.report_id = r.id AND rr.rule_id = {}",
                parameter()
            ));
            texts.push(rule.clone());
        }
        if let Some(repository) = &query.repository {
            conditions.push(format!("r.repository = {}", parameter()));
            texts.push(repository.clone());
        }
        if let Some(environment) = &query.environment {
            conditions.push(format!("r.environment = {}", parameter()));
            texts.push(environment.clone());
        }
        if let Some(since) = query.since {
            conditions.push(format!("r.received_at >= {}", parameter()));
            numbers.push(since);
        }
        if let Some(until) = query.until {
            conditions.push(format!("r.received_at < {}", parameter()));
            numbers.push(until);
        }
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        let limit = query.limit.unwrap_or(1_000).clamp(1, 100_000);
        sql.push_str(&format!(" ORDER BY r.received_at DESC, r.id LIMIT {limit}"));
        let mut statement = sqlx::query(&sql);
        for text in &texts {
            statement = statement.bind(text.as_str());
        }
        for number in &numbers {
            statement = statement.bind(*number);
        }
        let rows = statement.fetch_all(&self.pool).await?;
        rows.iter()
            .map(summary)
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    /// The body of report `id`.
    pub async fn report_body(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT body FROM reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        })
    }

    /// Each repository's newest report (of any environment).
    pub async fn latest(&self) -> Result<Vec<ReportSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM reports r
             WHERE r.received_at = (SELECT MAX(o.received_at) FROM reports o WHERE o.repository = r.repository)
             ORDER BY r.repository, r.id"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut latest: Vec<ReportSummary> = rows.iter().map(summary).collect::<Result<_, _>>()?;
        latest.dedup_by(|a, b| a.repository == b.repository);
        Ok(latest)
    }

    /// The rules of each repository's newest report, by report id: one
    /// query for the whole fleet, of the rules `only` keeps.
    pub async fn latest_rules(
        &self,
        only: RulesWith,
    ) -> Result<std::collections::HashMap<String, Vec<RuleResult>>, StoreError> {
        let condition = match only {
            RulesWith::Any => "",
            RulesWith::Waiver => " AND rr.waiver_expires IS NOT NULL",
            RulesWith::StaleAttestations => " AND rr.stale_attestations IS NOT NULL",
            RulesWith::EnforceFrom => " AND rr.enforce_from IS NOT NULL",
        };
        let rows = sqlx::query(&format!(
            "SELECT rr.report_id, rr.rule_id, rr.title, rr.status, rr.enforcement, rr.enforce_from, rr.waiver_expires, rr.waiver_reason, rr.stale_attestations
             FROM report_rules rr JOIN reports r ON r.id = rr.report_id
             WHERE r.received_at = (SELECT MAX(o.received_at) FROM reports o WHERE o.repository = r.repository){condition}
             ORDER BY rr.report_id, rr.rule_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut by_report: std::collections::HashMap<String, Vec<RuleResult>> =
            std::collections::HashMap::new();
        for row in &rows {
            by_report
                .entry(row.try_get(0)?)
                .or_default()
                .push(rule_result(row, 1)?);
        }
        Ok(by_report)
    }

    /// Each repository's last `count` verdicts, newest first: one query.
    pub async fn trends(
        &self,
        count: i64,
    ) -> Result<std::collections::HashMap<String, Vec<String>>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT repository, verdict FROM (
               SELECT repository, verdict, received_at, ROW_NUMBER() OVER (PARTITION BY repository ORDER BY received_at DESC, id) AS n
               FROM reports) t
             WHERE n <= {count} ORDER BY repository, received_at DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut trends: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for row in &rows {
            trends
                .entry(row.try_get(0)?)
                .or_default()
                .push(row.try_get(1)?);
        }
        Ok(trends)
    }

    /// For rule `rule`, the status in each report received in
    /// [`since`, `until`): (repository, received_at, status), newest first.
    pub async fn rule_statuses(
        &self,
        rule: &str,
        since: i64,
        until: i64,
    ) -> Result<Vec<(String, i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.repository, r.received_at, rr.status FROM reports r
             JOIN report_rules rr ON rr.report_id = r.id AND rr.rule_id = $1
             WHERE r.received_at >= $2 AND r.received_at < $3
             ORDER BY r.received_at DESC",
        )
        .bind(rule)
        .bind(since)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The rules of report `id`, in the order stored.
    pub async fn rules_of(&self, id: &str) -> Result<Vec<RuleResult>, StoreError> {
        let rows = sqlx::query(
            "SELECT rule_id, title, status, enforcement, enforce_from, waiver_expires, waiver_reason, stale_attestations FROM report_rules WHERE report_id = $1 ORDER BY rule_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| rule_result(row, 0))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }
}
