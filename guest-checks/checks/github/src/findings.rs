//! Every finding id the `github` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (skip) no token, repository or commit: the API was not asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) the API could not be asked, or answered an error.
pub const API_ERROR: &str = "api-error";

/// (fail, high) no check run for the commit, or one not finished.
pub const RUNS_MISSING: &str = "runs-missing";

/// (fail, critical) a check run of the commit failed.
pub const RUN_FAILED: &str = "run-failed";

/// (fail, high) the default branch has no protection or ruleset.
pub const BRANCH_UNPROTECTED: &str = "branch-unprotected";

/// (fail, medium) the protection lacks a required review, a required check, or allows force pushes.
pub const PROTECTION_WEAK: &str = "protection-weak";

/// (fail, high) open Dependabot or code-scanning alerts of high or critical severity.
pub const SECURITY_ALERTS: &str = "security-alerts";

/// (fail, medium) Dependabot alerts or code scanning are not enabled.
pub const ALERTS_DISABLED: &str = "alerts-disabled";

/// (fail, medium) secret scanning is not enabled.
pub const SECRET_SCANNING_DISABLED: &str = "secret-scanning-disabled";

/// (fail, critical) secret scanning has open alerts: secrets in the code or its history.
pub const SECRETS_EXPOSED: &str = "secrets-exposed";

/// (fail, medium) an Actions secret the pack names is missing.
pub const SECRET_MISSING: &str = "secret-missing";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    API_ERROR,
    RUNS_MISSING,
    RUN_FAILED,
    BRANCH_UNPROTECTED,
    PROTECTION_WEAK,
    SECURITY_ALERTS,
    ALERTS_DISABLED,
    SECRET_SCANNING_DISABLED,
    SECRETS_EXPOSED,
    SECRET_MISSING,
];
