//! Every finding id the `http` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (skip) no base URL, nothing probed.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (fail, critical) the health route could not be reached. `tls-expiring`
/// (fail, high: under 30 days), `http-not-redirected` (fail, high).
/// `frame-protection-missing` (fail, medium), `nosniff-missing` (fail,
/// medium), `referrer-policy-missing` (warn, low), `powered-by-exposed`
/// (fail, low). (fail, critical), `cors-expected-origin-refused` (fail,
/// medium). `retry-after-missing` (warn, low).
pub const UNREACHABLE: &str = "unreachable";

/// `health-failing`
pub const HEALTH_FAILING: &str = "health-failing";

/// `dependency-down`
pub const DEPENDENCY_DOWN: &str = "dependency-down";

/// `https-unavailable`
pub const HTTPS_UNAVAILABLE: &str = "https-unavailable";

/// `tls-invalid`
pub const TLS_INVALID: &str = "tls-invalid";

/// `tls-expiring`
pub const TLS_EXPIRING: &str = "tls-expiring";

/// `http-not-redirected`
pub const HTTP_NOT_REDIRECTED: &str = "http-not-redirected";

/// `hsts-missing`
pub const HSTS_MISSING: &str = "hsts-missing";

/// `csp-missing`
pub const CSP_MISSING: &str = "csp-missing";

/// `frame-protection-missing`
pub const FRAME_PROTECTION_MISSING: &str = "frame-protection-missing";

/// `nosniff-missing`
pub const NOSNIFF_MISSING: &str = "nosniff-missing";

/// `referrer-policy-missing`
pub const REFERRER_POLICY_MISSING: &str = "referrer-policy-missing";

/// `powered-by-exposed`
pub const POWERED_BY_EXPOSED: &str = "powered-by-exposed";

/// `cors-foreign-origin-allowed`
pub const CORS_FOREIGN_ORIGIN_ALLOWED: &str = "cors-foreign-origin-allowed";

/// `cors-wildcard-credentials`
pub const CORS_WILDCARD_CREDENTIALS: &str = "cors-wildcard-credentials";

/// `cors-expected-origin-refused`
pub const CORS_EXPECTED_ORIGIN_REFUSED: &str = "cors-expected-origin-refused";

/// `login-not-found`
pub const LOGIN_NOT_FOUND: &str = "login-not-found";

/// `rate-limit-missing`
pub const RATE_LIMIT_MISSING: &str = "rate-limit-missing";

/// `retry-after-missing`
pub const RETRY_AFTER_MISSING: &str = "retry-after-missing";

/// `compression-missing`
pub const COMPRESSION_MISSING: &str = "compression-missing";

/// (fail, medium) an unknown route answers something other than 404.
pub const UNKNOWN_ROUTE_NOT_404: &str = "unknown-route-not-404";

/// (fail, high) a malformed JSON body is answered with a server error.
pub const MALFORMED_JSON_SERVER_ERROR: &str = "malformed-json-server-error";

/// (fail, high) an error answer carries a stack trace, a server path or an ORM error.
pub const ERROR_LEAKS_INTERNALS: &str = "error-leaks-internals";

/// (warn, low) no CDN or WAF answers in front of the service.
pub const NO_EDGE: &str = "no-edge";

/// (fail, critical) a protected route answers without valid credentials.
pub const PROTECTED_ROUTE_OPEN: &str = "protected-route-open";

/// (warn, low) no protected route was found to probe.
pub const PROTECTED_ROUTE_NOT_FOUND: &str = "protected-route-not-found";

/// (fail, medium) no privacy policy answers on the public website; skip
/// when the site is a single-page app that cannot be judged.
pub const PRIVACY_POLICY_UNPUBLISHED: &str = "privacy-policy-unpublished";

/// (fail, medium) no terms of service answer on the public website; skip
/// likewise.
pub const TERMS_UNPUBLISHED: &str = "terms-unpublished";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    UNREACHABLE,
    HEALTH_FAILING,
    DEPENDENCY_DOWN,
    HTTPS_UNAVAILABLE,
    TLS_INVALID,
    TLS_EXPIRING,
    HTTP_NOT_REDIRECTED,
    HSTS_MISSING,
    CSP_MISSING,
    FRAME_PROTECTION_MISSING,
    NOSNIFF_MISSING,
    REFERRER_POLICY_MISSING,
    POWERED_BY_EXPOSED,
    CORS_FOREIGN_ORIGIN_ALLOWED,
    CORS_WILDCARD_CREDENTIALS,
    CORS_EXPECTED_ORIGIN_REFUSED,
    LOGIN_NOT_FOUND,
    RATE_LIMIT_MISSING,
    RETRY_AFTER_MISSING,
    COMPRESSION_MISSING,
    UNKNOWN_ROUTE_NOT_404,
    MALFORMED_JSON_SERVER_ERROR,
    ERROR_LEAKS_INTERNALS,
    NO_EDGE,
    PROTECTED_ROUTE_OPEN,
    PROTECTED_ROUTE_NOT_FOUND,
    PRIVACY_POLICY_UNPUBLISHED,
    TERMS_UNPUBLISHED,
];
