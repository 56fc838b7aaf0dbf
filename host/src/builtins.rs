//! The one table of built-in checks and packs embedded in the binary.
//!
//! Every built-in check is listed here with every finding id it may emit;
//! a test asserts the ids are unique and documented in the check's source.

/// A check compiled from `guest-checks/checks/<name>` and embedded.
#[derive(Debug)]
pub struct Builtin {
    /// Its name: a pack refers to it as `builtin:<name>`.
    pub name: &'static str,
    /// The component.
    pub wasm: &'static [u8],
    /// The component's sha256 (hex), computed when gonogo was built.
    pub digest: &'static str,
    /// Every finding id it may emit.
    pub findings: &'static [&'static str],
    /// The keys its `with:` accepts (checked when the pack loads).
    pub settings: &'static [&'static str],
    /// Its source file, whose module doc is its documentation.
    pub source: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/guest_digests.rs"));

macro_rules! guest_wasm {
    ($file:literal) => {
        include_bytes!(concat!(env!("GONOGO_GUEST_WASM_DIR"), "/", $file))
    };
}

/// Every built-in check.
pub static BUILTINS: &[Builtin] = &[
    Builtin {
        name: "env",
        wasm: guest_wasm!("gonogo_check_env.wasm"),
        digest: guest_digest!("gonogo_check_env.wasm"),
        findings: &["empty", "placeholder", "shared-secret"],
        settings: &["placeholders"],
        source: include_str!("../../guest-checks/checks/env/src/lib.rs"),
    },
    Builtin {
        name: "secrets",
        wasm: guest_wasm!("gonogo_check_secrets.wasm"),
        digest: guest_digest!("gonogo_check_secrets.wasm"),
        findings: &[
            "env-file-committed",
            "env-file-unignored",
            "env-not-gitignored",
            "private-key",
            "token",
            "secret-assignment",
        ],
        settings: &[],
        source: include_str!("../../guest-checks/checks/secrets/src/lib.rs"),
    },
    Builtin {
        name: "deps",
        wasm: guest_wasm!("gonogo_check_deps.wasm"),
        digest: guest_digest!("gonogo_check_deps.wasm"),
        findings: &[
            "lockfile-missing",
            "lockfile-not-committed",
            "multiple-lockfiles",
            "lockfile-mismatch",
            "engines-missing",
            "loose-version",
            "install-not-frozen",
            "dev-dependency-at-runtime",
        ],
        settings: &[],
        source: include_str!("../../guest-checks/checks/deps/src/lib.rs"),
    },
    Builtin {
        name: "prisma",
        wasm: guest_wasm!("gonogo_check_prisma.wasm"),
        digest: guest_digest!("gonogo_check_prisma.wasm"),
        findings: &[
            "unindexed-relation",
            "migrations-missing",
            "migrations-not-committed",
            "migration-lock-missing",
            "migrate-deploy-missing",
            "db-push-in-release",
        ],
        settings: &[],
        source: include_str!("../../guest-checks/checks/prisma/src/lib.rs"),
    },
    Builtin {
        name: "docker",
        wasm: guest_wasm!("gonogo_check_docker.wasm"),
        digest: guest_digest!("gonogo_check_docker.wasm"),
        findings: &[
            "runs-as-root",
            "healthcheck-missing",
            "base-image-unpinned",
            "single-stage",
            "dev-dependencies-in-image",
            "node-env-not-production",
            "dockerignore-incomplete",
            "copy-missing-path",
            "redis-no-password",
            "redis-no-persistence",
            "redis-no-eviction-policy",
            "port-published",
            "restart-policy-missing",
            "resource-limits-missing",
        ],
        settings: &[],
        source: concat!(
            include_str!("../../guest-checks/checks/docker/src/lib.rs"),
            include_str!("../../guest-checks/checks/docker/src/image.rs"),
            include_str!("../../guest-checks/checks/docker/src/compose.rs"),
        ),
    },
    Builtin {
        name: "ci",
        wasm: guest_wasm!("gonogo_check_ci.wasm"),
        digest: guest_digest!("gonogo_check_ci.wasm"),
        findings: &[
            "ci-missing",
            "ci-unparsable",
            "install-not-frozen",
            "tests-missing",
            "tests-cannot-fail",
            "build-missing",
            "action-unpinned",
            "permissions-missing",
            "permissions-broad",
            "deploy-not-gated",
        ],
        settings: &[],
        source: include_str!("../../guest-checks/checks/ci/src/lib.rs"),
    },
    Builtin {
        name: "docs",
        wasm: guest_wasm!("gonogo_check_docs.wasm"),
        digest: guest_digest!("gonogo_check_docs.wasm"),
        findings: &[
            "readme-missing",
            "readme-no-setup",
            "env-example-missing",
            "api-docs-missing",
            "runbook-missing",
            "incident-plan-missing",
            "rollback-plan-missing",
            "backup-restore-missing",
            "changelog-missing",
            "security-policy-missing",
            "privacy-policy-missing",
            "terms-missing",
        ],
        settings: &["user_facing"],
        source: include_str!("../../guest-checks/checks/docs/src/lib.rs"),
    },
    Builtin {
        name: "node",
        wasm: guest_wasm!("gonogo_check_node.wasm"),
        digest: guest_digest!("gonogo_check_node.wasm"),
        findings: &[
            "entry-not-found",
            "security-headers-missing",
            "cors-wildcard",
            "cors-reflect-any",
            "cors-credentials-wildcard",
            "cors-env-fallback-wildcard",
            "rate-limit-missing",
            "auth-rate-limit-missing",
            "health-route-missing",
            "readiness-route-missing",
            "body-limit-default",
            "structured-logger-missing",
            "error-tracking-missing",
            "graceful-shutdown-missing",
            "secret-fallback",
            "validation-missing",
            "weak-password-hashing",
            "jwt-without-expiry",
            "cookie-insecure",
            "env-undocumented",
        ],
        settings: &[],
        source: concat!(
            include_str!("../../guest-checks/checks/node/src/lib.rs"),
            include_str!("../../guest-checks/checks/node/src/features.rs"),
        ),
    },
    Builtin {
        name: "http",
        wasm: guest_wasm!("gonogo_check_http.wasm"),
        digest: guest_digest!("gonogo_check_http.wasm"),
        findings: &[
            "not-configured",
            "unreachable",
            "health-failing",
            "dependency-down",
            "https-unavailable",
            "tls-invalid",
            "tls-expiring",
            "http-not-redirected",
            "hsts-missing",
            "csp-missing",
            "frame-protection-missing",
            "nosniff-missing",
            "referrer-policy-missing",
            "powered-by-exposed",
            "cors-foreign-origin-allowed",
            "cors-wildcard-credentials",
            "cors-expected-origin-refused",
            "login-not-found",
            "rate-limit-missing",
            "retry-after-missing",
            "compression-missing",
        ],
        settings: &[
            "base_url",
            "base_url_env",
            "health_paths",
            "readiness_paths",
            "login_path",
            "login_body",
            "expected_origins",
            "expected_origins_env",
            "foreign_origin",
            "http_url",
            "http_url_env",
            "rate_limit_burst",
            "latency_samples",
        ],
        source: concat!(
            include_str!("../../guest-checks/checks/http/src/lib.rs"),
            include_str!("../../guest-checks/checks/http/src/steps.rs"),
        ),
    },
    Builtin {
        name: "email-dns",
        wasm: guest_wasm!("gonogo_check_email_dns.wasm"),
        digest: guest_digest!("gonogo_check_email_dns.wasm"),
        findings: &[
            "not-configured",
            "lookup-failed",
            "spf-missing",
            "spf-multiple",
            "spf-permissive",
            "dmarc-missing",
            "dmarc-not-enforcing",
            "dkim-missing",
            "dkim-selectors-unknown",
        ],
        settings: &[
            "domain",
            "domain_env",
            "dkim_selectors",
            "dkim_selectors_env",
        ],
        source: include_str!("../../guest-checks/checks/email-dns/src/lib.rs"),
    },
];

/// The built-in check called `name`.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// A policy pack embedded in the binary, used as `builtin:<name>`.
#[derive(Debug)]
pub struct BuiltinPack {
    /// Its name.
    pub name: &'static str,
    /// Its YAML.
    pub yaml: &'static str,
}

/// Every built-in pack.
pub static BUILTIN_PACKS: &[BuiltinPack] = &[BuiltinPack {
    name: "production-readiness",
    yaml: include_str!("../../policies/production-readiness/gonogo.yaml"),
}];

/// The built-in pack called `name`.
pub fn builtin_pack(name: &str) -> Option<&'static BuiltinPack> {
    BUILTIN_PACKS.iter().find(|p| p.name == name)
}

/// The documentation of a built-in check: its source's `//!` module doc.
pub fn docs(builtin: &Builtin) -> String {
    builtin
        .source
        .lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn build_time_digests_are_the_embedded_components_digests() {
        use sha2::{Digest, Sha256};
        for builtin in BUILTINS {
            assert_eq!(
                builtin.digest,
                hex::encode(Sha256::digest(builtin.wasm)),
                "builtin:{}",
                builtin.name
            );
        }
    }

    /// `docs/checks/<name>.md` is generated from the check's module doc, so
    /// the docs are written once. `GONOGO_UPDATE_DOCS=1 cargo test` rewrites them.
    #[test]
    fn user_docs_are_generated_from_the_check_sources() {
        let docs_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/checks");
        for builtin in BUILTINS {
            let expected = format!(
                "<!-- generated from guest-checks/checks/{0}/src/lib.rs by `GONOGO_UPDATE_DOCS=1 cargo test`; do not edit -->\n\n{1}\n",
                builtin.name,
                docs(builtin)
            );
            let path = docs_dir.join(format!("{}.md", builtin.name));
            if std::env::var_os("GONOGO_UPDATE_DOCS").is_some() {
                std::fs::create_dir_all(&docs_dir).expect("docs/checks");
                std::fs::write(&path, &expected).expect("write docs");
            }
            let actual = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                actual,
                expected,
                "{} is stale: run `GONOGO_UPDATE_DOCS=1 cargo test`",
                path.display()
            );
        }
    }

    #[test]
    fn names_and_finding_ids_are_unique_and_documented() {
        let mut names = BTreeSet::new();
        for builtin in BUILTINS {
            assert!(
                names.insert(builtin.name),
                "duplicate built-in `{}`",
                builtin.name
            );
            let docs = docs(builtin);
            for heading in [
                "What it checks",
                "Why it matters",
                "Example of a failing project",
                "How to fix",
                "Facts it reports",
                "Findings",
            ] {
                assert!(
                    docs.contains(&format!("## {heading}")),
                    "`{}` lacks `## {heading}`",
                    builtin.name
                );
            }
            for setting in builtin.settings {
                assert!(
                    builtin.source.contains(&format!("    {setting}:")),
                    "`{}` lists setting `{setting}` that its Config lacks",
                    builtin.name
                );
            }
            let mut ids = BTreeSet::new();
            for id in builtin.findings {
                assert!(ids.insert(id), "`{}` lists `{id}` twice", builtin.name);
                assert!(
                    docs.contains(&format!("`{id}`")),
                    "`{}` does not document `{id}`",
                    builtin.name
                );
                assert!(
                    builtin.source.contains(&format!("\"{id}\"")),
                    "`{}` never emits `{id}`",
                    builtin.name
                );
            }
        }
    }
}
