//! Every finding id the `secrets` check reports, declared once: the check
//! reports them through these constants, and the host includes this file
//! to validate a pack's `evidence` and to test the check's documentation.

/// (fail, critical) git tracks an env file.
pub const ENV_FILE_COMMITTED: &str = "env-file-committed";

/// (fail, high) an env file is on disk, untracked and not ignored: one `git
/// add .` away from being committed.
pub const ENV_FILE_UNIGNORED: &str = "env-file-unignored";

/// (fail, medium) `.gitignore` does not cover `.env`.
pub const ENV_NOT_GITIGNORED: &str = "env-not-gitignored";

/// (fail, critical) a private key is in a tracked file.
pub const PRIVATE_KEY: &str = "private-key";

/// (fail, critical) a well-known token format is in a file.
pub const TOKEN: &str = "token";

/// (fail, high) a secret-named key is assigned a high-entropy literal in a
/// configuration or template file.
pub const SECRET_ASSIGNMENT: &str = "secret-assignment";

/// (fail, critical) a secret a commit added is no longer in the tree, but
/// the git history still holds it.
pub const SECRET_IN_HISTORY: &str = "secret-in-history";

/// (warn, medium) a line of `.gonogo/rotated-secrets` or `.gitleaksignore`
/// is not an acknowledgement the check can read.
pub const ROTATED_ENTRY_INVALID: &str = "rotated-entry-invalid";

/// Every id above, in the order of the check's documentation.
pub const ALL: &[&str] = &[
    ENV_FILE_COMMITTED,
    ENV_FILE_UNIGNORED,
    ENV_NOT_GITIGNORED,
    PRIVATE_KEY,
    TOKEN,
    SECRET_ASSIGNMENT,
    SECRET_IN_HISTORY,
    ROTATED_ENTRY_INVALID,
];
