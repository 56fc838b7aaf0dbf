//! Every finding id the `prisma` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (fail, medium) a foreign key without an index.
pub const UNINDEXED_RELATION: &str = "unindexed-relation";

/// (fail, high) no migrations next to the schema.
pub const MIGRATIONS_MISSING: &str = "migrations-missing";

/// (fail, high) migrations untracked or ignored.
pub const MIGRATIONS_NOT_COMMITTED: &str = "migrations-not-committed";

/// (warn, low) no `migration_lock.toml`.
pub const MIGRATION_LOCK_MISSING: &str = "migration-lock-missing";

/// (fail, high) nothing in the release path runs `prisma migrate deploy`.
pub const MIGRATE_DEPLOY_MISSING: &str = "migrate-deploy-missing";

/// (fail, high) the release path runs `prisma db push`.
pub const DB_PUSH_IN_RELEASE: &str = "db-push-in-release";

/// (error) a schema file cannot be read, or a block in it is never closed.
pub const SCHEMA_UNREADABLE: &str = "schema-unreadable";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    UNINDEXED_RELATION,
    MIGRATIONS_MISSING,
    MIGRATIONS_NOT_COMMITTED,
    MIGRATION_LOCK_MISSING,
    MIGRATE_DEPLOY_MISSING,
    DB_PUSH_IN_RELEASE,
    SCHEMA_UNREADABLE,
];
