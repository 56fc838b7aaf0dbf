//! Every finding id the `deps` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (fail, high) no lockfile at the project root.
pub const LOCKFILE_MISSING: &str = "lockfile-missing";

/// (fail, high) the lockfile is not tracked or is ignored.
pub const LOCKFILE_NOT_COMMITTED: &str = "lockfile-not-committed";

/// (fail, medium) lockfiles of two managers.
pub const MULTIPLE_LOCKFILES: &str = "multiple-lockfiles";

/// (fail, medium) `packageManager` names another manager.
pub const LOCKFILE_MISMATCH: &str = "lockfile-mismatch";

/// (warn, low) no `engines.node`.
pub const ENGINES_MISSING: &str = "engines-missing";

/// (fail, medium) a range that accepts any version.
pub const LOOSE_VERSION: &str = "loose-version";

/// (fail, medium) an install may rewrite the lockfile.
pub const INSTALL_NOT_FROZEN: &str = "install-not-frozen";

/// (fail, high) shipped code imports a devDependency.
pub const DEV_DEPENDENCY_AT_RUNTIME: &str = "dev-dependency-at-runtime";

/// (error) a module a service's entry points reach cannot be read.
pub const SOURCE_UNREADABLE: &str = "source-unreadable";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    LOCKFILE_MISSING,
    LOCKFILE_NOT_COMMITTED,
    MULTIPLE_LOCKFILES,
    LOCKFILE_MISMATCH,
    ENGINES_MISSING,
    LOOSE_VERSION,
    INSTALL_NOT_FROZEN,
    DEV_DEPENDENCY_AT_RUNTIME,
    SOURCE_UNREADABLE,
];
