//! Every finding id the `datastores` check reports, declared once: the
//! check reports them through these constants, and the host includes this
//! file to validate a pack's `evidence` and to test the check's
//! documentation.

/// (skip) not enabled, or no PostgreSQL or Redis URL is granted and set: nothing asked.
pub const NOT_CONFIGURED: &str = "not-configured";

/// (error) the PostgreSQL server could not be questioned.
pub const POSTGRES_UNREACHABLE: &str = "postgres-unreachable";

/// (fail, high) the connection does not use TLS; (warn, medium) its certificate does not verify.
pub const POSTGRES_TLS: &str = "postgres-tls";

/// (fail, medium) the server accepts a connection without TLS.
pub const POSTGRES_PLAINTEXT_ACCEPTED: &str = "postgres-plaintext-accepted";

/// (warn, low) the server's time zone is not the expected one.
pub const POSTGRES_TIMEZONE: &str = "postgres-timezone";

/// (fail, critical) a migration of the repository is not applied, or one failed.
pub const MIGRATIONS_NOT_APPLIED: &str = "migrations-not-applied";

/// (warn, medium) a foreign key's columns lead no index in the live database.
pub const FOREIGN_KEY_UNINDEXED: &str = "foreign-key-unindexed";

/// (fail, medium) a column the pack names leads no index in the live database.
pub const COLUMN_UNINDEXED: &str = "column-unindexed";

/// (fail, high) connections in use near the server's limit, or a pool larger than it.
pub const CONNECTIONS_EXHAUSTED: &str = "connections-exhausted";

/// (fail, medium) a table the pack says must hold seed data is empty or missing.
pub const SEED_DATA_MISSING: &str = "seed-data-missing";

/// (warn, medium) the datastore's host resolves to a public address.
pub const PUBLIC_ADDRESS: &str = "public-address";

/// (error) the Redis server could not be questioned.
pub const REDIS_UNREACHABLE: &str = "redis-unreachable";

/// (fail, critical) Redis answers a client without credentials.
pub const REDIS_NO_AUTH: &str = "redis-no-auth";

/// (fail, high) Redis persists nothing; (warn, medium) snapshots only.
pub const REDIS_NOT_PERSISTENT: &str = "redis-not-persistent";

/// (fail, high) Redis has no memory limit.
pub const REDIS_NO_MAXMEMORY: &str = "redis-no-maxmemory";

/// (fail, medium) the eviction policy does not suit the use.
pub const REDIS_EVICTION: &str = "redis-eviction";

/// (fail, high) Redis at a public address without TLS.
pub const REDIS_PLAINTEXT_PUBLIC: &str = "redis-plaintext-public";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    NOT_CONFIGURED,
    POSTGRES_UNREACHABLE,
    POSTGRES_TLS,
    POSTGRES_PLAINTEXT_ACCEPTED,
    POSTGRES_TIMEZONE,
    MIGRATIONS_NOT_APPLIED,
    FOREIGN_KEY_UNINDEXED,
    COLUMN_UNINDEXED,
    CONNECTIONS_EXHAUSTED,
    SEED_DATA_MISSING,
    PUBLIC_ADDRESS,
    REDIS_UNREACHABLE,
    REDIS_NO_AUTH,
    REDIS_NOT_PERSISTENT,
    REDIS_NO_MAXMEMORY,
    REDIS_EVICTION,
    REDIS_PLAINTEXT_PUBLIC,
];
