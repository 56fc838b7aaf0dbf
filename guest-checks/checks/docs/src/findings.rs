//! Every finding id the `docs` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// `readme-missing`
pub const README_MISSING: &str = "readme-missing";

/// `readme-no-setup`
pub const README_NO_SETUP: &str = "readme-no-setup";

/// `env-example-missing`
pub const ENV_EXAMPLE_MISSING: &str = "env-example-missing";

/// `api-docs-missing`
pub const API_DOCS_MISSING: &str = "api-docs-missing";

/// `runbook-missing`
pub const RUNBOOK_MISSING: &str = "runbook-missing";

/// `incident-plan-missing`
pub const INCIDENT_PLAN_MISSING: &str = "incident-plan-missing";

/// (warn, medium) no escalation procedure (who is called, when, in what order).
pub const ESCALATION_MISSING: &str = "escalation-missing";

/// `rollback-plan-missing`
pub const ROLLBACK_PLAN_MISSING: &str = "rollback-plan-missing";

/// `backup-restore-missing`
pub const BACKUP_RESTORE_MISSING: &str = "backup-restore-missing";

/// `changelog-missing`
pub const CHANGELOG_MISSING: &str = "changelog-missing";

/// `security-policy-missing`
pub const SECURITY_POLICY_MISSING: &str = "security-policy-missing";

/// `privacy-policy-missing`
pub const PRIVACY_POLICY_MISSING: &str = "privacy-policy-missing";

/// `terms-missing`
pub const TERMS_MISSING: &str = "terms-missing";

/// (warn, medium) no deployment guide.
pub const DEPLOYMENT_GUIDE_MISSING: &str = "deployment-guide-missing";

/// (warn, medium) no document states a recovery time objective (RTO) and
/// a recovery point objective (RPO) with a duration.
pub const RECOVERY_OBJECTIVES_MISSING: &str = "recovery-objectives-missing";

/// (warn, low) a web front-end without page metadata, or without a
/// robots.txt or sitemap.
pub const SEO_MISSING: &str = "seo-missing";

/// (warn, medium) a web front-end loads a tracker without a consent manager.
pub const COOKIE_CONSENT_MISSING: &str = "cookie-consent-missing";

/// (warn, low) nothing says how to reach support.
pub const SUPPORT_CONTACT_MISSING: &str = "support-contact-missing";

/// (warn, low) no front-end collects feedback.
pub const FEEDBACK_MISSING: &str = "feedback-missing";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    README_MISSING,
    README_NO_SETUP,
    ENV_EXAMPLE_MISSING,
    API_DOCS_MISSING,
    RUNBOOK_MISSING,
    INCIDENT_PLAN_MISSING,
    ESCALATION_MISSING,
    ROLLBACK_PLAN_MISSING,
    BACKUP_RESTORE_MISSING,
    CHANGELOG_MISSING,
    SECURITY_POLICY_MISSING,
    PRIVACY_POLICY_MISSING,
    TERMS_MISSING,
    DEPLOYMENT_GUIDE_MISSING,
    RECOVERY_OBJECTIVES_MISSING,
    SEO_MISSING,
    COOKIE_CONSENT_MISSING,
    SUPPORT_CONTACT_MISSING,
    FEEDBACK_MISSING,
];
