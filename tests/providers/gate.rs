//! The starter pack run over a project with a deployment's variables, as
//! the provider tests need it: the variables in an env file of their own,
//! the test CA trusted, the JSON report read; and the assertion that no
//! secret reached what gonogo printed or wrote.

use crate::common::{gonogo, json_report, rule};
use std::path::Path;
use std::process::Output;

/// The starter pack.
pub const PACK: &str = "policies/production-readiness";

/// `gonogo check --policy PACK` over `project` with `vars` as the
/// deployment's variables, trusting the CA bundle `ca` when given, with `extra`
/// arguments (`--record`, `--replay`): the output and the JSON report.
pub fn check(
    project: &Path,
    vars: &[(&str, String)],
    ca: Option<&Path>,
    extra: &[&str],
) -> (Output, serde_json::Value) {
    let env = tempfile::tempdir().expect("temporary folder");
    let env_file = env.path().join("production.env");
    let text: String = vars.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    std::fs::write(&env_file, text).expect("env file");
    let mut command = gonogo();
    command
        .args(["check", "--format", "json", "--rerun", "--policy", PACK])
        .arg("--env-file")
        .arg(&env_file);
    if let Some(ca) = ca {
        command.arg("--ca-bundle").arg(ca);
    }
    let output = command
        .args(extra)
        .arg(project)
        .output()
        .expect("gonogo runs");
    let report = json_report(&output);
    (output, report)
}

/// The status of rule `id`.
pub fn status<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    rule(report, id)["status"].as_str().unwrap_or_default()
}

/// Fails when one of `secrets` is in the output or in `also` (a recording).
pub fn assert_hidden(output: &Output, also: &str, secrets: &[&str]) {
    let text = format!(
        "{}{}{also}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for secret in secrets {
        assert!(!text.contains(secret), "`{secret}` was printed:\n{text}");
    }
}
