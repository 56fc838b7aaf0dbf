//! Every finding id the `ci` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (fail, high) no pipeline.
pub const CI_MISSING: &str = "ci-missing";

/// (error) a pipeline file cannot be read or is not valid YAML.
pub const CI_UNPARSABLE: &str = "ci-unparsable";

/// (error) `.github/dependabot.yml` is not valid YAML.
pub const DEPENDABOT_UNPARSABLE: &str = "dependabot-unparsable";

/// (fail, medium) dependencies install without the lockfile.
pub const INSTALL_NOT_FROZEN: &str = "install-not-frozen";

/// (fail, high) no step runs the tests.
pub const TESTS_MISSING: &str = "tests-missing";

/// (fail, high) a test step's failure is ignored.
pub const TESTS_CANNOT_FAIL: &str = "tests-cannot-fail";

/// (warn, low) no step builds the project.
pub const BUILD_MISSING: &str = "build-missing";

/// (warn, medium) an action is pinned by tag or branch.
pub const ACTION_UNPINNED: &str = "action-unpinned";

/// `permissions-missing`
pub const PERMISSIONS_MISSING: &str = "permissions-missing";

/// `permissions-broad`
pub const PERMISSIONS_BROAD: &str = "permissions-broad";

/// (fail, high) a deploy job does not wait for the tests.
pub const DEPLOY_NOT_GATED: &str = "deploy-not-gated";

/// (warn, medium) no unit test file.
pub const UNIT_TESTS_MISSING: &str = "unit-tests-missing";

/// (warn, medium) no test drives the API through the server.
pub const API_TESTS_MISSING: &str = "api-tests-missing";

/// (warn, low) no test file exercises authentication.
pub const AUTH_TESTS_MISSING: &str = "auth-tests-missing";

/// (warn, low) no test file exercises payments.
pub const PAYMENT_TESTS_MISSING: &str = "payment-tests-missing";

/// (warn, low) no test file exercises uploads.
pub const UPLOAD_TESTS_MISSING: &str = "upload-tests-missing";

/// (warn, low) no test file posts to a webhook.
pub const WEBHOOK_TESTS_MISSING: &str = "webhook-tests-missing";

/// (warn, low) no test expects an error status.
pub const ERROR_TESTS_MISSING: &str = "error-tests-missing";

/// (warn, medium) a production deploy job runs without a staging deploy before it.
pub const PRODUCTION_WITHOUT_STAGING: &str = "production-without-staging";

/// (warn, medium) no Dependabot or Renovate configuration updates npm dependencies.
pub const DEPENDENCY_UPDATES_MISSING: &str = "dependency-updates-missing";

/// (warn, medium) no CI step checks dependencies against advisories, or it cannot fail.
pub const DEPENDENCY_AUDIT_MISSING: &str = "dependency-audit-missing";

/// (warn, medium) no load script with pass criteria (k6 `thresholds`,
/// Artillery `ensure`), or no CI step runs one in a way that can fail.
pub const LOAD_TESTS_NOT_RUN: &str = "load-tests-not-run";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    CI_MISSING,
    CI_UNPARSABLE,
    DEPENDABOT_UNPARSABLE,
    INSTALL_NOT_FROZEN,
    TESTS_MISSING,
    TESTS_CANNOT_FAIL,
    BUILD_MISSING,
    ACTION_UNPINNED,
    PERMISSIONS_MISSING,
    PERMISSIONS_BROAD,
    DEPLOY_NOT_GATED,
    UNIT_TESTS_MISSING,
    API_TESTS_MISSING,
    AUTH_TESTS_MISSING,
    PAYMENT_TESTS_MISSING,
    UPLOAD_TESTS_MISSING,
    WEBHOOK_TESTS_MISSING,
    ERROR_TESTS_MISSING,
    PRODUCTION_WITHOUT_STAGING,
    DEPENDENCY_UPDATES_MISSING,
    DEPENDENCY_AUDIT_MISSING,
    LOAD_TESTS_NOT_RUN,
];
