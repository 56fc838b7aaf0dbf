//! Every finding id the `env` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (warn) a granted variable is set to the empty string.
pub const EMPTY: &str = "empty";

/// (fail, critical) a secret looks like a placeholder or a well-known
/// default (`changeme`, `your-secret-here`, `secret`, `xxxx`…).
pub const PLACEHOLDER: &str = "placeholder";

/// (fail, high) two secrets hold the same value.
pub const SHARED_SECRET: &str = "shared-secret";

/// (fail, critical) a secret has the value a development or example env
/// file of the repository assigns.
pub const DEVELOPMENT_VALUE: &str = "development-value";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[EMPTY, PLACEHOLDER, SHARED_SECRET, DEVELOPMENT_VALUE];
