//! Every finding id the `sentry` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (skip) no token, organisation or project: nothing asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) the Sentry API could not be asked, or answered an error.
pub const API_ERROR: &str = "api-error";

/// (fail, high) the project never received an event.
pub const NO_EVENTS: &str = "no-events";

/// (fail, high) no active issue alert for new issues, regressions or error spikes.
pub const ISSUE_ALERTS_MISSING: &str = "issue-alerts-missing";

/// (fail, medium) no active metric alert on the error rate.
pub const ERROR_RATE_ALERT_MISSING: &str = "error-rate-alert-missing";

/// (fail, medium) the alerts notify fewer channels than asked.
pub const FEW_CHANNELS: &str = "few-channels";

/// (fail, high) unresolved fatal issues were seen in the last 24 hours.
pub const FATAL_ISSUES: &str = "fatal-issues";

/// (fail, high) over the asked share of the transactions failed in the last 24 hours.
pub const HIGH_ERROR_RATE: &str = "high-error-rate";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    API_ERROR,
    NO_EVENTS,
    ISSUE_ALERTS_MISSING,
    ERROR_RATE_ALERT_MISSING,
    FEW_CHANNELS,
    FATAL_ISSUES,
    HIGH_ERROR_RATE,
];
