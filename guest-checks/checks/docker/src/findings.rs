//! Every finding id the `docker` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (fail, high) the final stage runs as root.
pub const RUNS_AS_ROOT: &str = "runs-as-root";

/// (warn, medium) no `HEALTHCHECK`.
pub const HEALTHCHECK_MISSING: &str = "healthcheck-missing";

/// (fail, medium) a base image is `latest` or untagged.
pub const BASE_IMAGE_UNPINNED: &str = "base-image-unpinned";

/// (warn, low) one stage only.
pub const SINGLE_STAGE: &str = "single-stage";

/// (fail, medium) devDependencies are installed.
pub const DEV_DEPENDENCIES_IN_IMAGE: &str = "dev-dependencies-in-image";

/// (warn, medium) `NODE_ENV=production` is not set.
pub const NODE_ENV_NOT_PRODUCTION: &str = "node-env-not-production";

/// (fail, high) `COPY .` without excluding `.env*`, `node_modules`, `.git`.
pub const DOCKERIGNORE_INCOMPLETE: &str = "dockerignore-incomplete";

/// (fail, high) a copied path is not in the project.
pub const COPY_MISSING_PATH: &str = "copy-missing-path";

/// `redis-no-password`
pub const REDIS_NO_PASSWORD: &str = "redis-no-password";

/// `redis-no-persistence`
pub const REDIS_NO_PERSISTENCE: &str = "redis-no-persistence";

/// `redis-no-eviction-policy`
pub const REDIS_NO_EVICTION_POLICY: &str = "redis-no-eviction-policy";

/// (fail, high) a database or cache port is published.
pub const PORT_PUBLISHED: &str = "port-published";

/// `restart-policy-missing`
pub const RESTART_POLICY_MISSING: &str = "restart-policy-missing";

/// `resource-limits-missing`
pub const RESOURCE_LIMITS_MISSING: &str = "resource-limits-missing";

/// (warn, medium) a platform file turns restarts off.
pub const PLATFORM_NO_RESTART: &str = "platform-no-restart";

/// (warn, medium) a platform file has no health check of the service.
pub const PLATFORM_NO_HEALTH_CHECK: &str = "platform-no-health-check";

/// (warn, medium) a platform file sets no resource limit.
pub const PLATFORM_NO_LIMITS: &str = "platform-no-limits";

/// (error) a platform file cannot be parsed.
pub const PLATFORM_UNREADABLE: &str = "platform-unreadable";

/// (error) a production compose file cannot be read or parsed.
pub const COMPOSE_UNREADABLE: &str = "compose-unreadable";

/// (error) a production Dockerfile cannot be read.
pub const DOCKERFILE_UNREADABLE: &str = "dockerfile-unreadable";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    RUNS_AS_ROOT,
    HEALTHCHECK_MISSING,
    BASE_IMAGE_UNPINNED,
    SINGLE_STAGE,
    DEV_DEPENDENCIES_IN_IMAGE,
    NODE_ENV_NOT_PRODUCTION,
    DOCKERIGNORE_INCOMPLETE,
    COPY_MISSING_PATH,
    REDIS_NO_PASSWORD,
    REDIS_NO_PERSISTENCE,
    REDIS_NO_EVICTION_POLICY,
    PORT_PUBLISHED,
    RESTART_POLICY_MISSING,
    RESOURCE_LIMITS_MISSING,
    PLATFORM_NO_RESTART,
    PLATFORM_NO_HEALTH_CHECK,
    PLATFORM_NO_LIMITS,
    PLATFORM_UNREADABLE,
    COMPOSE_UNREADABLE,
    DOCKERFILE_UNREADABLE,
];
