//! # `database-provider` — are the database's backups running
//!
//! ## What it checks
//! The production database's backups, as its provider's API reports them,
//! asked through the host's `probe` interface with the token the pack
//! grants:
//! - **Supabase** (Management API, `GET /v1/projects/{ref}/database/backups`):
//!   the newest `COMPLETED` backup, or the end of the physical backup
//!   window, is less than 26 hours old; `pitr_enabled`; how many days back
//!   a restore can reach (the oldest completed backup, or the start of the
//!   point-in-time window);
//! - **Neon** (API v2, `GET /api/v2/projects/{id}`): a Neon branch keeps
//!   its history continuously (there are no daily snapshots to count), so
//!   its restore window is `history_retention_seconds`: a window of a day
//!   or more counts as a recent backup and as point-in-time recovery, and
//!   sets the retention in days.
//!
//! Without a provider's token and project nothing is asked and
//! `configured` is false. An API error (a bad token, 5xx, an answer cut
//! short, a long rate limit) is an `error` finding with the provider's
//! message, never a pass. Tokens are secret grants, redacted by the host
//! from every output and recording.
//!
//! ## Why it matters
//! A backup nobody verified is a hope. The provider knows whether last
//! night's backup completed and how far back a restore can go.
//!
//! ## Example of a failing project
//! A Supabase project whose last completed backup is four days old, with
//! point-in-time recovery off.
//!
//! ## How to fix
//! Move to a plan with daily backups and enable point-in-time recovery
//! (Supabase: the PITR add-on; Neon: a history retention of 7 days or more).
//!
//! ## Facts it reports
//! `configured`, `provider` (`supabase` or `neon`), `last_backup_hours`
//! (hours since the newest completed backup; null when none), `recent`
//! (less than 26 hours), `pitr`, `retention_days`, `min_retention_days`,
//! `continuous` (Neon: history is kept continuously).
//!
//! ## Settings
//! - `supabase_token_env` (default `SUPABASE_ACCESS_TOKEN`),
//!   `supabase_project_env` (default `SUPABASE_PROJECT_REF`),
//!   `supabase_url_env` (a variable holding another API base URL).
//! - `neon_token_env` (default `NEON_API_KEY`), `neon_project_env`
//!   (default `NEON_PROJECT_ID`), `neon_url_env`.
//! - `min_retention_days` (default 7).
//!
//! ## Enable it
//! The starter pack (`builtin:production-readiness`) declares this check;
//! it asks the provider when the deployment's environment sets the
//! variables (`--env-file`, or the CI's secrets):
//! `SUPABASE_ACCESS_TOKEN`, `NEON_API_KEY` (secret: redacted from every
//! output and recording), and `SUPABASE_PROJECT_REF`, `NEON_PROJECT_ID`, `SUPABASE_API_URL`, `NEON_API_URL`.
//! A pack of your own declares it the same way:
//!
//! ```yaml
//! checks:
//!   database_provider:
//!     use: builtin:database-provider
//!     with:
//!       supabase_url_env: SUPABASE_API_URL
//!       neon_url_env: NEON_API_URL
//!     grants:
//!       env: [SUPABASE_ACCESS_TOKEN, NEON_API_KEY]
//!       public_env: [SUPABASE_PROJECT_REF, NEON_PROJECT_ID, SUPABASE_API_URL, NEON_API_URL]
//!       hosts: [api.supabase.com, console.neon.tech, "env:SUPABASE_API_URL", "env:NEON_API_URL"]
//! ```
//!
//! ## Findings
//! - `not-configured` (skip): no provider token and project.
//! - `api-error` (error): the provider's API could not be asked.
//! - `no-recent-backup` (fail, critical): no backup completed in 26 hours.
//! - `no-pitr` (fail, high): point-in-time recovery is off.
//! - `short-retention` (fail, medium): backups kept fewer days than asked.

pub mod findings;
pub mod providers;

use gonogo_check::{Check, Finding, Info, Report, Severity, Status};
use providers::Backups;
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    supabase_token_env: Option<String>,
    supabase_project_env: Option<String>,
    supabase_url_env: Option<String>,
    neon_token_env: Option<String>,
    neon_project_env: Option<String>,
    neon_url_env: Option<String>,
    min_retention_days: Option<f64>,
}

/// Hours without a completed backup before it is no longer "daily".
pub const RECENT_HOURS: f64 = 26.0;

fn var(name: &Option<String>, default: &str) -> Result<Option<String>, String> {
    gonogo_check::granted_var(name.as_deref().unwrap_or(default))
}

fn optional_var(name: &Option<String>) -> Result<Option<String>, String> {
    match name {
        Some(name) => gonogo_check::granted_var(name),
        None => Ok(None),
    }
}

/// Whether `id` is a project reference or id (letters, digits, `-`, `_`).
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Seconds since the Unix epoch, now.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

struct DatabaseProvider;

impl Check for DatabaseProvider {
    type Config = Config;
    const INFO: Info = Info {
        id: "database-provider",
        name: "Database provider",
        version: env!("CARGO_PKG_VERSION"),
        description: "Asks Supabase or Neon whether the database's backups run, with point-in-time recovery and enough retention.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let supabase = (
            var(&config.supabase_token_env, "SUPABASE_ACCESS_TOKEN")?,
            var(&config.supabase_project_env, "SUPABASE_PROJECT_REF")?,
        );
        let neon = (
            var(&config.neon_token_env, "NEON_API_KEY")?,
            var(&config.neon_project_env, "NEON_PROJECT_ID")?,
        );
        let asked = match (supabase, neon) {
            ((Some(token), Some(project)), _) => {
                if !is_id(&project) {
                    return Err(format!("`{project}` is not a Supabase project reference"));
                }
                let base = optional_var(&config.supabase_url_env)?
                    .unwrap_or_else(|| providers::SUPABASE.to_owned());
                (
                    "Supabase",
                    providers::supabase(&base, &token, &project, now()),
                )
            }
            (_, (Some(token), Some(project))) => {
                if !is_id(&project) {
                    return Err(format!("`{project}` is not a Neon project id"));
                }
                let base = optional_var(&config.neon_url_env)?
                    .unwrap_or_else(|| providers::NEON.to_owned());
                ("Neon", providers::neon(&base, &token, &project))
            }
            _ => {
                report.push(Finding::new(
                    findings::NOT_CONFIGURED,
                    Status::Skip,
                    Severity::Info,
                    "no database provider was asked: set SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF, or NEON_API_KEY and NEON_PROJECT_ID",
                ));
                report.fact("configured", false);
                return Ok(report);
            }
        };
        report.fact("configured", true);
        let (name, result) = asked;
        match result {
            Ok(backups) => judge(
                &mut report,
                name,
                &backups,
                config.min_retention_days.unwrap_or(7.0),
            ),
            Err(error) => report.push(
                Finding::error(
                    findings::API_ERROR,
                    format!("{name} could not be asked: {error}"),
                )
                .fix("check the token, the project and `grants.hosts` of this check"),
            ),
        }
        Ok(report)
    }
}

/// Reports on what the provider said.
pub fn judge(report: &mut Report, name: &str, backups: &Backups, min_retention_days: f64) {
    let recent = backups.last_backup_hours.is_some_and(|h| h < RECENT_HOURS);
    report.fact("provider", backups.provider);
    report.fact("last_backup_hours", backups.last_backup_hours);
    report.fact("recent", recent);
    report.fact("pitr", backups.pitr);
    report.fact("retention_days", backups.retention_days);
    report.fact("min_retention_days", min_retention_days);
    report.fact("continuous", backups.continuous);
    match backups.last_backup_hours {
        Some(hours) if recent => report.push(Finding::pass(
            findings::NO_RECENT_BACKUP,
            format!("{name}: the newest backup is {hours:.0} h old"),
        )),
        Some(hours) => report.push(
            Finding::fail(
                findings::NO_RECENT_BACKUP,
                Severity::Critical,
                format!("{name}: the newest completed backup is {hours:.0} h old"),
            )
            .fix("look at the provider's backup log; daily backups need a paid plan at most providers"),
        ),
        None => report.push(
            Finding::fail(
                findings::NO_RECENT_BACKUP,
                Severity::Critical,
                format!("{name}: no completed backup"),
            )
            .fix("enable daily backups (a paid plan at most providers)"),
        ),
    }
    if backups.pitr {
        report.push(Finding::pass(
            findings::NO_PITR,
            format!("{name}: point-in-time recovery is on"),
        ));
    } else {
        report.push(
            Finding::fail(findings::NO_PITR, Severity::High, format!("{name}: point-in-time recovery is off"))
                .fix("enable point-in-time recovery (Supabase: the PITR add-on; Neon: a history retention of a day or more)"),
        );
    }
    let days = backups.retention_days.unwrap_or(0.0);
    if days >= min_retention_days {
        report.push(Finding::pass(
            findings::SHORT_RETENTION,
            format!("{name}: a restore can reach {days:.0} days back"),
        ));
    } else {
        report.push(
            Finding::fail(
                findings::SHORT_RETENTION,
                Severity::Medium,
                format!("{name}: a restore can reach {days:.1} days back; {min_retention_days} are asked"),
            )
            .fix("keep backups longer (a plan with longer retention, or a longer history window)"),
        );
    }
}

gonogo_check::export_check!(DatabaseProvider);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert!(is_id("abcdefghijklmnopqrst"));
        assert!(is_id("wispy-fire-123456"));
        assert!(!is_id("../x"));
        assert!(!is_id(""));
    }
}
