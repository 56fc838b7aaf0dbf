//! The one table of built-in checks and packs embedded in the binary.
//!
//! Every built-in check is listed here with every finding id it may emit;
//! the ids are each check's own `findings.rs`, which the check reports
//! through; tests assert they are unique, documented and reported.

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

// Each check declares its finding ids once, in its own `findings.rs`.
#[path = "../../guest-checks/checks/alerting/src/findings.rs"]
#[allow(dead_code)]
mod alerting_findings;
#[path = "../../guest-checks/checks/ci/src/findings.rs"]
#[allow(dead_code)]
mod ci_findings;
#[path = "../../guest-checks/checks/database-provider/src/findings.rs"]
#[allow(dead_code)]
mod database_provider_findings;
#[path = "../../guest-checks/checks/datastores/src/findings.rs"]
#[allow(dead_code)]
mod datastores_findings;
#[path = "../../guest-checks/checks/deps/src/findings.rs"]
#[allow(dead_code)]
mod deps_findings;
#[path = "../../guest-checks/checks/docker/src/findings.rs"]
#[allow(dead_code)]
mod docker_findings;
#[path = "../../guest-checks/checks/docs/src/findings.rs"]
#[allow(dead_code)]
mod docs_findings;
#[path = "../../guest-checks/checks/email-dns/src/findings.rs"]
#[allow(dead_code)]
mod email_dns_findings;
#[path = "../../guest-checks/checks/email-provider/src/findings.rs"]
#[allow(dead_code)]
mod email_provider_findings;
#[path = "../../guest-checks/checks/env/src/findings.rs"]
#[allow(dead_code)]
mod env_findings;
#[path = "../../guest-checks/checks/github/src/findings.rs"]
#[allow(dead_code)]
mod github_findings;
#[path = "../../guest-checks/checks/http/src/findings.rs"]
#[allow(dead_code)]
mod http_findings;
#[path = "../../guest-checks/checks/node/src/findings.rs"]
#[allow(dead_code)]
mod node_findings;
#[path = "../../guest-checks/checks/prisma/src/findings.rs"]
#[allow(dead_code)]
mod prisma_findings;
#[path = "../../guest-checks/checks/secrets/src/findings.rs"]
#[allow(dead_code)]
mod secrets_findings;
#[path = "../../guest-checks/checks/sentry/src/findings.rs"]
#[allow(dead_code)]
mod sentry_findings;
#[path = "../../guest-checks/checks/stripe/src/findings.rs"]
#[allow(dead_code)]
mod stripe_findings;
#[path = "../../guest-checks/checks/uptime/src/findings.rs"]
#[allow(dead_code)]
mod uptime_findings;

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
        findings: env_findings::ALL,
        settings: &["placeholders"],
        source: include_str!("../../guest-checks/checks/env/src/lib.rs"),
    },
    Builtin {
        name: "secrets",
        wasm: guest_wasm!("gonogo_check_secrets.wasm"),
        digest: guest_digest!("gonogo_check_secrets.wasm"),
        findings: secrets_findings::ALL,
        settings: &[],
        source: include_str!("../../guest-checks/checks/secrets/src/lib.rs"),
    },
    Builtin {
        name: "deps",
        wasm: guest_wasm!("gonogo_check_deps.wasm"),
        digest: guest_digest!("gonogo_check_deps.wasm"),
        findings: deps_findings::ALL,
        settings: &[],
        source: include_str!("../../guest-checks/checks/deps/src/lib.rs"),
    },
    Builtin {
        name: "prisma",
        wasm: guest_wasm!("gonogo_check_prisma.wasm"),
        digest: guest_digest!("gonogo_check_prisma.wasm"),
        findings: prisma_findings::ALL,
        settings: &[],
        source: include_str!("../../guest-checks/checks/prisma/src/lib.rs"),
    },
    Builtin {
        name: "docker",
        wasm: guest_wasm!("gonogo_check_docker.wasm"),
        digest: guest_digest!("gonogo_check_docker.wasm"),
        findings: docker_findings::ALL,
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
        findings: ci_findings::ALL,
        settings: &[],
        source: include_str!("../../guest-checks/checks/ci/src/lib.rs"),
    },
    Builtin {
        name: "docs",
        wasm: guest_wasm!("gonogo_check_docs.wasm"),
        digest: guest_digest!("gonogo_check_docs.wasm"),
        findings: docs_findings::ALL,
        settings: &["user_facing"],
        source: include_str!("../../guest-checks/checks/docs/src/lib.rs"),
    },
    Builtin {
        name: "node",
        wasm: guest_wasm!("gonogo_check_node.wasm"),
        digest: guest_digest!("gonogo_check_node.wasm"),
        findings: node_findings::ALL,
        settings: &[],
        source: include_str!("../../guest-checks/checks/node/src/lib.rs"),
    },
    Builtin {
        name: "http",
        wasm: guest_wasm!("gonogo_check_http.wasm"),
        digest: guest_digest!("gonogo_check_http.wasm"),
        findings: http_findings::ALL,
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
            "protected_paths",
            "site_url",
            "site_url_env",
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
        findings: email_dns_findings::ALL,
        settings: &[
            "domain",
            "domain_env",
            "dkim_selectors",
            "dkim_selectors_env",
        ],
        source: include_str!("../../guest-checks/checks/email-dns/src/lib.rs"),
    },
    Builtin {
        name: "datastores",
        wasm: guest_wasm!("gonogo_check_datastores.wasm"),
        digest: guest_digest!("gonogo_check_datastores.wasm"),
        findings: datastores_findings::ALL,
        settings: &[
            "timezone",
            "indexed_columns",
            "seed_tables",
            "eviction_policies",
            "enabled_env",
            "pool_size_env",
        ],
        source: include_str!("../../guest-checks/checks/datastores/src/lib.rs"),
    },
    Builtin {
        name: "github",
        wasm: guest_wasm!("gonogo_check_github.wasm"),
        digest: guest_digest!("gonogo_check_github.wasm"),
        findings: github_findings::ALL,
        settings: &[
            "token_env",
            "repository_env",
            "commit_env",
            "api_url_env",
            "topics",
            "required_secrets",
            "ignore_runs",
            "job_env",
        ],
        source: include_str!("../../guest-checks/checks/github/src/lib.rs"),
    },
    Builtin {
        name: "uptime",
        wasm: guest_wasm!("gonogo_check_uptime.wasm"),
        digest: guest_digest!("gonogo_check_uptime.wasm"),
        findings: uptime_findings::ALL,
        settings: &[
            "base_url_env",
            "betterstack_token_env",
            "uptimerobot_key_env",
            "betterstack_url_env",
            "uptimerobot_url_env",
            "max_interval_seconds",
            "min_certificate_warning_days",
        ],
        source: include_str!("../../guest-checks/checks/uptime/src/lib.rs"),
    },
    Builtin {
        name: "sentry",
        wasm: guest_wasm!("gonogo_check_sentry.wasm"),
        digest: guest_digest!("gonogo_check_sentry.wasm"),
        findings: sentry_findings::ALL,
        settings: &[
            "token_env",
            "org_env",
            "project_env",
            "url_env",
            "environment_env",
            "spike_per_minute",
            "min_channels",
            "max_error_rate",
        ],
        source: include_str!("../../guest-checks/checks/sentry/src/lib.rs"),
    },
    Builtin {
        name: "database-provider",
        wasm: guest_wasm!("gonogo_check_database_provider.wasm"),
        digest: guest_digest!("gonogo_check_database_provider.wasm"),
        findings: database_provider_findings::ALL,
        settings: &[
            "supabase_token_env",
            "supabase_project_env",
            "supabase_url_env",
            "neon_token_env",
            "neon_project_env",
            "neon_url_env",
            "min_retention_days",
        ],
        source: include_str!("../../guest-checks/checks/database-provider/src/lib.rs"),
    },
    Builtin {
        name: "stripe",
        wasm: guest_wasm!("gonogo_check_stripe.wasm"),
        digest: guest_digest!("gonogo_check_stripe.wasm"),
        findings: stripe_findings::ALL,
        settings: &["key_env", "base_url_env", "api_url_env"],
        source: include_str!("../../guest-checks/checks/stripe/src/lib.rs"),
    },
    Builtin {
        name: "alerting",
        wasm: guest_wasm!("gonogo_check_alerting.wasm"),
        digest: guest_digest!("gonogo_check_alerting.wasm"),
        findings: alerting_findings::ALL,
        settings: &[
            "grafana_url_env",
            "grafana_token_env",
            "datadog_api_key_env",
            "datadog_app_key_env",
            "datadog_site_env",
            "datadog_url_env",
            "datadog_service_env",
        ],
        source: include_str!("../../guest-checks/checks/alerting/src/lib.rs"),
    },
    Builtin {
        name: "email-provider",
        wasm: guest_wasm!("gonogo_check_email_provider.wasm"),
        digest: guest_digest!("gonogo_check_email_provider.wasm"),
        findings: email_provider_findings::ALL,
        settings: &[
            "brevo_key_env",
            "brevo_url_env",
            "domain_env",
            "base_url_env",
            "days",
            "max_bounce_rate",
            "max_complaint_rate",
            "min_delivery_rate",
        ],
        source: include_str!("../../guest-checks/checks/email-provider/src/lib.rs"),
    },
];

/// The built-in checks that ask a provider's API with the credentials a
/// pack grants (GitHub, Sentry…), as `builtin:<name>`.
const PROVIDER_CHECKS: &[&str] = &[
    "github",
    "uptime",
    "sentry",
    "database-provider",
    "stripe",
    "alerting",
    "email-provider",
];

/// Whether the check used as `source` (`builtin:sentry`) asks a provider's API.
pub fn asks_a_provider(source: &str) -> bool {
    source
        .strip_prefix("builtin:")
        .is_some_and(|name| PROVIDER_CHECKS.contains(&name))
}

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
    /// The checklists its rules' `refs:` name (`seeds/NNN:LINE`), by `NNN`.
    pub seeds: &'static [(&'static str, &'static str)],
}

/// Every built-in pack.
pub static BUILTIN_PACKS: &[BuiltinPack] = &[BuiltinPack {
    name: "production-readiness",
    yaml: include_str!("../../policies/production-readiness/gonogo.yaml"),
    seeds: &[
        (
            "000",
            include_str!("../../policies/production-readiness/seeds/000.txt"),
        ),
        (
            "001",
            include_str!("../../policies/production-readiness/seeds/001.txt"),
        ),
        (
            "002",
            include_str!("../../policies/production-readiness/seeds/002.txt"),
        ),
        (
            "003",
            include_str!("../../policies/production-readiness/seeds/003.txt"),
        ),
        (
            "004",
            include_str!("../../policies/production-readiness/seeds/004.txt"),
        ),
    ],
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

    /// The fields of a check's `Config` struct in its source, if it has one.
    fn config_fields(source: &str) -> Option<BTreeSet<String>> {
        let start = source.find("pub struct Config {")?;
        let body = &source[start..];
        let body = &body[body.find('{')? + 1..body.find("\n}")?];
        Some(
            body.lines()
                .map(str::trim)
                .filter(|l| !l.starts_with("//") && !l.starts_with('#'))
                .filter_map(|l| l.strip_prefix("pub ").unwrap_or(l).split_once(':'))
                .map(|(name, _)| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .collect(),
        )
    }

    #[test]
    fn every_setting_a_check_reads_is_accepted_in_a_pack() {
        for builtin in BUILTINS {
            let Some(fields) = config_fields(builtin.source) else {
                continue;
            };
            let accepted: BTreeSet<String> =
                builtin.settings.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(fields, accepted, "builtin:{}", builtin.name);
        }
    }

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
            let code = check_code(builtin.name);
            let mut ids = BTreeSet::new();
            for id in builtin.findings {
                assert!(ids.insert(id), "`{}` lists `{id}` twice", builtin.name);
                assert!(
                    docs.contains(&format!("`{id}`")),
                    "`{}` does not document `{id}`",
                    builtin.name
                );
                let constant = format!("findings::{}", id.to_ascii_uppercase().replace('-', "_"));
                assert!(
                    code.contains(&constant),
                    "`{}` never reports `{id}` (`{constant}`)",
                    builtin.name
                );
            }
        }
    }

    #[test]
    fn each_provider_check_says_how_to_enable_it_as_the_starter_pack_does() {
        let starter: serde_json::Value =
            serde_saphyr::from_str(BUILTIN_PACKS[0].yaml).expect("the starter pack parses");
        for name in PROVIDER_CHECKS {
            let builtin = builtin(name).expect("a built-in");
            let docs = docs(builtin);
            let section = docs
                .split("## Enable it")
                .nth(1)
                .unwrap_or_else(|| panic!("`{name}` lacks `## Enable it`"));
            let block = section
                .split("```yaml\n")
                .nth(1)
                .and_then(|rest| rest.split("```").next())
                .unwrap_or_else(|| panic!("`{name}`'s `## Enable it` has no YAML block"));
            let shown: serde_json::Value =
                serde_saphyr::from_str(block).expect("the YAML block parses");
            let (key, check) = shown["checks"]
                .as_object()
                .and_then(|checks| checks.iter().next())
                .unwrap_or_else(|| panic!("`{name}`'s block declares no check"));
            assert_eq!(check["use"], format!("builtin:{name}"), "{name}");
            assert_eq!(
                check, &starter["checks"][key],
                "`{name}`'s docs and the starter pack differ"
            );
        }
    }

    /// The code of a check, outside its `findings.rs` and its tests.
    fn check_code(name: &str) -> String {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../guest-checks/checks")
            .join(name)
            .join("src");
        let mut code = String::new();
        let mut pending = vec![src];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("the check's sources") {
                let path = entry.expect("an entry").path();
                let file = path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or_default();
                if path.is_dir() {
                    pending.push(path);
                } else if file.ends_with(".rs") && file != "findings.rs" && file != "tests.rs" {
                    let text = std::fs::read_to_string(&path).expect("a source");
                    code.push_str(text.split("#[cfg(test)]").next().unwrap_or_default());
                }
            }
        }
        code
    }

    /// A finding id written as a literal where a check reports it would
    /// escape the list the host validates packs with.
    #[test]
    fn checks_report_finding_ids_through_their_constants() {
        for builtin in BUILTINS {
            let code = check_code(builtin.name);
            for literal in [
                "Finding::fail(\"",
                "Finding::warn(\"",
                "Finding::pass(\"",
                "Finding::new(\"",
            ] {
                let compact: String = code.split_whitespace().collect::<Vec<_>>().join("");
                assert!(
                    !compact.contains(&literal.replace(' ', "")),
                    "`{}` reports a finding by a literal id (`{literal}…`): declare it in its findings.rs",
                    builtin.name
                );
            }
        }
    }
}
