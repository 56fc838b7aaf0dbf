//! Every finding id the `stripe` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (skip) no Stripe secret key, or no production URL: nothing asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) the Stripe API could not be asked, or answered an error.
pub const API_ERROR: &str = "api-error";

/// (fail, critical) the key is a test-mode key.
pub const TEST_MODE: &str = "test-mode";

/// (fail, critical) no enabled webhook endpoint points at the production host.
pub const WEBHOOK_MISSING: &str = "webhook-missing";

/// (fail, high) the endpoint does not send events the code handles.
pub const EVENTS_MISSING: &str = "events-missing";

/// (fail, medium) no live payment succeeded in the last 30 days.
pub const NO_RECENT_PAYMENT: &str = "no-recent-payment";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    API_ERROR,
    TEST_MODE,
    WEBHOOK_MISSING,
    EVENTS_MISSING,
    NO_RECENT_PAYMENT,
];
