//! Every finding id the `database-provider` check reports, declared once:
//! the check reports them through these constants, and the host includes
//! this file to validate a pack's `evidence` and to test the check's
//! documentation.

/// (skip) no provider token and project: nothing asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) the provider's API could not be asked, or answered an error.
pub const API_ERROR: &str = "api-error";

/// (fail, critical) no backup completed in the last 26 hours.
pub const NO_RECENT_BACKUP: &str = "no-recent-backup";

/// (fail, high) point-in-time recovery is off.
pub const NO_PITR: &str = "no-pitr";

/// (fail, medium) backups are kept for fewer days than asked.
pub const SHORT_RETENTION: &str = "short-retention";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    API_ERROR,
    NO_RECENT_BACKUP,
    NO_PITR,
    SHORT_RETENTION,
];
