//! Every finding id the `email-dns` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (skip) no domain, nothing looked up.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (fail, high) a lookup failed (not "no record"). `spf-permissive` (fail,
/// high: `+all`; warn, medium: `?all` or no `all`). (warn, low) when none
/// is configured.
pub const LOOKUP_FAILED: &str = "lookup-failed";

/// `spf-missing`
pub const SPF_MISSING: &str = "spf-missing";

/// `spf-multiple`
pub const SPF_MULTIPLE: &str = "spf-multiple";

/// `spf-permissive`
pub const SPF_PERMISSIVE: &str = "spf-permissive";

/// `dmarc-missing`
pub const DMARC_MISSING: &str = "dmarc-missing";

/// `dmarc-not-enforcing`
pub const DMARC_NOT_ENFORCING: &str = "dmarc-not-enforcing";

/// `dkim-missing`
pub const DKIM_MISSING: &str = "dkim-missing";

/// `dkim-selectors-unknown`
pub const DKIM_SELECTORS_UNKNOWN: &str = "dkim-selectors-unknown";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    LOOKUP_FAILED,
    SPF_MISSING,
    SPF_MULTIPLE,
    SPF_PERMISSIVE,
    DMARC_MISSING,
    DMARC_NOT_ENFORCING,
    DKIM_MISSING,
    DKIM_SELECTORS_UNKNOWN,
];
