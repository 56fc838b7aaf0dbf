//! Every finding id the `uptime` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (skip) no monitor provider's key, or no base URL: nothing asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) a provider's API could not be asked, or answered an error.
pub const API_ERROR: &str = "api-error";

/// (fail, high) no active monitor watches the service's host.
pub const NOT_MONITORED: &str = "not-monitored";

/// (fail, critical) a monitor of the service says it is down.
pub const SERVICE_DOWN: &str = "service-down";

/// (fail, high) no monitor of the service alerts anyone.
pub const NO_ALERTING: &str = "no-alerting";

/// (warn, low) the monitors check less often than the pack asks.
pub const INTERVAL_TOO_LONG: &str = "interval-too-long";

/// (fail, medium) no status page.
pub const NO_STATUS_PAGE: &str = "no-status-page";

/// (fail, medium) no monitor warns early enough before the certificate
/// expires; skip when no provider that says was asked.
pub const CERTIFICATE_UNWATCHED: &str = "certificate-unwatched";

/// (warn, low) the monitor alerts on the first failure, or only after
/// more than three; skip when no provider that says was asked.
pub const ALERT_CONFIRMATION: &str = "alert-confirmation";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    API_ERROR,
    NOT_MONITORED,
    SERVICE_DOWN,
    NO_ALERTING,
    INTERVAL_TOO_LONG,
    NO_STATUS_PAGE,
    CERTIFICATE_UNWATCHED,
    ALERT_CONFIRMATION,
];
