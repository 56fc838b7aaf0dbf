//! Every finding id the `node` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (warn, medium) a service whose entry point was not found.
pub const ENTRY_NOT_FOUND: &str = "entry-not-found";

/// (fail, high) no helmet. `cors-credentials-wildcard` (fail, critical),
/// `cors-env-fallback-wildcard` (fail, high): CORS allows any origin.
pub const SECURITY_HEADERS_MISSING: &str = "security-headers-missing";

/// `cors-wildcard`
pub const CORS_WILDCARD: &str = "cors-wildcard";

/// `cors-reflect-any`
pub const CORS_REFLECT_ANY: &str = "cors-reflect-any";

/// `cors-credentials-wildcard`
pub const CORS_CREDENTIALS_WILDCARD: &str = "cors-credentials-wildcard";

/// `cors-env-fallback-wildcard`
pub const CORS_ENV_FALLBACK_WILDCARD: &str = "cors-env-fallback-wildcard";

/// `rate-limit-missing`
pub const RATE_LIMIT_MISSING: &str = "rate-limit-missing";

/// `auth-rate-limit-missing`
pub const AUTH_RATE_LIMIT_MISSING: &str = "auth-rate-limit-missing";

/// `health-route-missing`
pub const HEALTH_ROUTE_MISSING: &str = "health-route-missing";

/// `readiness-route-missing`
pub const READINESS_ROUTE_MISSING: &str = "readiness-route-missing";

/// (warn, low) no explicit request body limit.
pub const BODY_LIMIT_DEFAULT: &str = "body-limit-default";

/// `structured-logger-missing`
pub const STRUCTURED_LOGGER_MISSING: &str = "structured-logger-missing";

/// `error-tracking-missing`
pub const ERROR_TRACKING_MISSING: &str = "error-tracking-missing";

/// `graceful-shutdown-missing`
pub const GRACEFUL_SHUTDOWN_MISSING: &str = "graceful-shutdown-missing";

/// (fail, high) the refresh route issues new tokens without invalidating
/// the refresh token it was given.
pub const REFRESH_NOT_ROTATED: &str = "refresh-not-rotated";

/// (warn, medium) the server listens on a port number written in the code,
/// not on the one the host assigns in `PORT`.
pub const PORT_FIXED: &str = "port-fixed";

/// (fail, critical) a secret has a hard-coded default.
pub const SECRET_FALLBACK: &str = "secret-fallback";

/// `validation-missing`
pub const VALIDATION_MISSING: &str = "validation-missing";

/// (fail, high) bcrypt cost below 10.
pub const WEAK_PASSWORD_HASHING: &str = "weak-password-hashing";

/// `jwt-without-expiry`
pub const JWT_WITHOUT_EXPIRY: &str = "jwt-without-expiry";

/// (fail, medium) a JWT lives longer than 30 days.
pub const JWT_LONG_EXPIRY: &str = "jwt-long-expiry";

/// (warn, medium) no global error handler is registered.
pub const ERROR_HANDLER_MISSING: &str = "error-handler-missing";

/// (fail, high) SQL is built from interpolated values.
pub const RAW_SQL_INTERPOLATED: &str = "raw-sql-interpolated";

/// `cookie-insecure`
pub const COOKIE_INSECURE: &str = "cookie-insecure";

/// (warn, medium) no role or permission check in the service.
pub const ACCESS_CONTROL_MISSING: &str = "access-control-missing";

/// (warn, medium) cookies authenticate requests without CSRF protection.
pub const CSRF_UNPROTECTED: &str = "csrf-unprotected";

/// (warn, low) no APM or tracing agent is started.
pub const APM_MISSING: &str = "apm-missing";

/// (warn, low) no metrics are collected and exposed.
pub const METRICS_MISSING: &str = "metrics-missing";

/// (fail, high) a webhook route, and no signature verified anywhere.
pub const WEBHOOK_UNVERIFIED: &str = "webhook-unverified";

/// (warn, low) no second factor is offered.
pub const TWO_FACTOR_MISSING: &str = "two-factor-missing";

/// (warn, medium) users have passwords, but no route resets a forgotten
/// one by email.
pub const PASSWORD_RESET_MISSING: &str = "password-reset-missing";

/// (warn, medium) a Prisma read inside a loop over rows (an N+1 query).
pub const QUERY_IN_LOOP: &str = "query-in-loop";

/// (warn, low) the logger masks no field.
pub const LOG_REDACTION_MISSING: &str = "log-redaction-missing";

/// (fail, high) a secret read from the environment is written to the logs.
pub const SECRET_LOGGED: &str = "secret-logged";

/// (warn, medium) passwords are stored without a minimum length of 8.
pub const PASSWORD_POLICY_WEAK: &str = "password-policy-weak";

/// (fail, medium) file uploads are accepted without a size limit.
pub const UPLOAD_UNLIMITED: &str = "upload-unlimited";

/// (warn, low) no response is cached.
pub const RESPONSE_CACHING_MISSING: &str = "response-caching-missing";

/// (warn, low) no route exports a user's data.
pub const DATA_EXPORT_MISSING: &str = "data-export-missing";

/// (warn, low) no route deletes a user's account.
pub const ACCOUNT_DELETION_MISSING: &str = "account-deletion-missing";

/// (warn, medium) an AI SDK is used and nothing is moderated.
pub const AI_UNMODERATED: &str = "ai-unmoderated";

/// (warn, low) variables read but not in `.env.example`.
pub const ENV_UNDOCUMENTED: &str = "env-undocumented";

/// (error) a module the entry points reach, or the TypeScript config that
/// resolves its imports, cannot be read or parsed.
pub const SOURCE_UNREADABLE: &str = "source-unreadable";

/// (fail, medium) an auth library's session lives longer than 30 days.
pub const SESSION_LONG_EXPIRY: &str = "session-long-expiry";

/// (fail, medium) express-session or cookie-session without `maxAge`.
pub const SESSION_WITHOUT_EXPIRY: &str = "session-without-expiry";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    ENTRY_NOT_FOUND,
    SECURITY_HEADERS_MISSING,
    CORS_WILDCARD,
    CORS_REFLECT_ANY,
    CORS_CREDENTIALS_WILDCARD,
    CORS_ENV_FALLBACK_WILDCARD,
    RATE_LIMIT_MISSING,
    AUTH_RATE_LIMIT_MISSING,
    HEALTH_ROUTE_MISSING,
    READINESS_ROUTE_MISSING,
    BODY_LIMIT_DEFAULT,
    STRUCTURED_LOGGER_MISSING,
    ERROR_TRACKING_MISSING,
    GRACEFUL_SHUTDOWN_MISSING,
    PORT_FIXED,
    REFRESH_NOT_ROTATED,
    SECRET_FALLBACK,
    VALIDATION_MISSING,
    WEAK_PASSWORD_HASHING,
    JWT_WITHOUT_EXPIRY,
    JWT_LONG_EXPIRY,
    SESSION_LONG_EXPIRY,
    SESSION_WITHOUT_EXPIRY,
    COOKIE_INSECURE,
    RAW_SQL_INTERPOLATED,
    ERROR_HANDLER_MISSING,
    ACCESS_CONTROL_MISSING,
    CSRF_UNPROTECTED,
    APM_MISSING,
    METRICS_MISSING,
    WEBHOOK_UNVERIFIED,
    TWO_FACTOR_MISSING,
    PASSWORD_RESET_MISSING,
    QUERY_IN_LOOP,
    LOG_REDACTION_MISSING,
    SECRET_LOGGED,
    PASSWORD_POLICY_WEAK,
    UPLOAD_UNLIMITED,
    RESPONSE_CACHING_MISSING,
    DATA_EXPORT_MISSING,
    ACCOUNT_DELETION_MISSING,
    AI_UNMODERATED,
    ENV_UNDOCUMENTED,
    SOURCE_UNREADABLE,
];
