//! Every finding id the `alerting` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (skip) no Grafana or Datadog credentials: nothing asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) Grafana or Datadog could not be asked, or answered an error.
pub const API_ERROR: &str = "api-error";

/// (fail, high) no active alert that notifies someone watches CPU.
pub const CPU_ALERT_MISSING: &str = "cpu-alert-missing";

/// (fail, high) none watches memory.
pub const MEMORY_ALERT_MISSING: &str = "memory-alert-missing";

/// (fail, medium) none watches disk space.
pub const DISK_ALERT_MISSING: &str = "disk-alert-missing";

/// (fail, medium) none watches response time.
pub const LATENCY_ALERT_MISSING: &str = "latency-alert-missing";

/// (fail, high) none watches the database's connections or availability.
pub const DATABASE_ALERT_MISSING: &str = "database-alert-missing";

/// (fail, medium) none watches the database's size or free storage.
pub const DATABASE_SIZE_ALERT_MISSING: &str = "database-size-alert-missing";

/// (fail, medium) none watches Redis's availability or connections.
pub const REDIS_ALERT_MISSING: &str = "redis-alert-missing";

/// (fail, medium) none watches a queue's depth.
pub const QUEUE_ALERT_MISSING: &str = "queue-alert-missing";

/// (fail, medium) no dashboard.
pub const NO_DASHBOARD: &str = "no-dashboard";

/// (fail, medium) the alerts on CPU, memory, response time or a queue
/// fire only past the checklists' bound (80 %, 500 ms, 1000 jobs); skip
/// when their threshold cannot be read.
pub const THRESHOLD_ABOVE: &str = "threshold-above";

/// (fail, medium) no log of the service reached Datadog in the last 24
/// hours (error when the logs could not be searched).
pub const NO_LOGS: &str = "no-logs";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    API_ERROR,
    CPU_ALERT_MISSING,
    MEMORY_ALERT_MISSING,
    DISK_ALERT_MISSING,
    LATENCY_ALERT_MISSING,
    DATABASE_ALERT_MISSING,
    DATABASE_SIZE_ALERT_MISSING,
    REDIS_ALERT_MISSING,
    QUEUE_ALERT_MISSING,
    NO_DASHBOARD,
    NO_LOGS,
    THRESHOLD_ABOVE,
];
