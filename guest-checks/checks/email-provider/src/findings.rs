//! Every finding id the `email-provider` check reports, declared once: the
//! check reports them through these constants, and the host includes this
//! file to validate a pack's `evidence` and to test the check's
//! documentation.

/// (skip) no provider key or no sending domain: nothing asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) the provider's API could not be asked, or answered an error.
pub const API_ERROR: &str = "api-error";

/// (fail, high) the sending domain is not verified and authenticated.
pub const DOMAIN_NOT_VERIFIED: &str = "domain-not-verified";

/// (fail, high) too many of the emails sent bounced.
pub const HIGH_BOUNCE_RATE: &str = "high-bounce-rate";

/// (fail, high) too many of the emails delivered were reported as spam.
pub const HIGH_COMPLAINT_RATE: &str = "high-complaint-rate";

/// (fail, medium) too few of the emails sent were delivered.
pub const LOW_DELIVERY_RATE: &str = "low-delivery-rate";

/// (fail, medium) no event webhook on the production host receives bounces and complaints.
pub const WEBHOOK_MISSING: &str = "webhook-missing";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    API_ERROR,
    DOMAIN_NOT_VERIFIED,
    HIGH_BOUNCE_RATE,
    HIGH_COMPLAINT_RATE,
    LOW_DELIVERY_RATE,
    WEBHOOK_MISSING,
];
