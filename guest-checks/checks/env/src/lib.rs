//! # `env` — the deployment environment, without exposing a secret
//!
//! ## What it checks
//! Every environment variable the policy grants this check (`grants.env`
//! and `grants.public_env`), read from the env source given on the command
//! line (`--env-file`, the process environment, or both). For each one it
//! reports whether it is set, its length, its character class, an entropy
//! estimate, whether it looks like a placeholder, which other granted
//! variables hold the same value, a well-known key prefix (`sk_live_`…), and
//! for URLs their scheme, host kind, port, credentials and query parameters.
//!
//! ## Why it matters
//! Most production incidents of the seed checklists start in configuration:
//! a `JWT_SECRET` left at `changeme`, a `DATABASE_URL` pointing at
//! `localhost` or without `sslmode`, Stripe test keys in production, Redis
//! without a password.
//!
//! ## Example of a failing project
//! `.env.production` with `JWT_SECRET=your-secret-here` and
//! `DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app`.
//!
//! ## How to fix
//! Generate secrets (`openssl rand -base64 48`), keep them in the platform's
//! secret store, and point URLs at the production services with TLS.
//!
//! ## Facts it reports
//! `vars.<NAME>`: `present`, `empty`, `secret`, `length`, `charset`
//! (`hex`, `alphanumeric`, `base64`, `base64url`, `printable`),
//! `entropy_bits`, `placeholder`, `same_as` (names), `prefix` (or null),
//! `url` (or null: `scheme`, `host_kind` = `localhost`|`private`|`public`,
//! `port`, `has_username`, `has_password`, `password_length` and
//! `password_entropy_bits` (null without a password; never the password),
//! `query_keys`, `params` for
//! non-secret keys such as `sslmode`, `connection_limit`, `pool_timeout`),
//! and for public variables only `value` (null when absent) and `items`
//! (comma-separated parts); for secrets, `development_value_at`
//! (`path:line` of a development or example env file assigning the same
//! value, or null). `development_env_files`: the development and example
//! env files compared with. `set` and `missing` list names. Every granted
//! variable has every key, present or not, so rules need no `has()`.
//! `example_files`: each example env file (`.env.example`, `.env.sample`,
//! `.env.template`, `env.example`, `.env.dist`; not in `node_modules`) with
//! its `path`, `dir` (`""` at the root) and the `names` it assigns.
//! `deployment_names`: which of the names of the example files the
//! deployment's environment sets, when the pack grants `env_names` (names
//! only, never a value; the environment's other names are not reported),
//! else null.
//!
//! ## Findings
//! - `empty` (warn): a granted variable is set to the empty string.
//! - `placeholder` (fail, critical): a secret looks like a placeholder or a
//!   well-known default (`changeme`, `your-secret-here`, `secret`, `xxxx`…).
//! - `shared-secret` (fail, high): two secrets hold the same value.
//! - `development-value` (fail, critical): a secret has a value that a
//!   development or example env file of the repository assigns
//!   (`.env.example`, `.env.development`, `.env.test`, `.env.local`…;
//!   not `.env` nor `.env.production`, where the deployment's values may
//!   live), at that file and line; values of eight characters or more are
//!   compared, never reported.

mod dev_values;
mod example_names;
pub mod findings;
mod url_facts;

use gonogo_analysis::classify;
use gonogo_check::{Check, Finding, Info, Report, Severity, Value, json};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// More values (case-insensitive substrings) that mark a placeholder.
    #[serde(default)]
    placeholders: Vec<String>,
}

struct Env;

impl Check for Env {
    type Config = Config;
    const INFO: Info = Info {
        id: "env",
        name: "Environment variables",
        version: env!("CARGO_PKG_VERSION"),
        description: "Facts about every granted environment variable (presence, length, \
                      character class, entropy, placeholders, URL parts), never a secret value.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let grants = gonogo_check::granted_env();
        let values: Vec<Option<String>> = grants
            .iter()
            .map(|grant| std::env::var(&grant.name).ok())
            .collect();
        let mut report = Report::new();
        let mut vars = gonogo_check::Map::new();
        let (dev_files, dev_values) = dev_values::collect();
        let (mut set, mut missing) = (Vec::new(), Vec::new());
        for (index, grant) in grants.iter().enumerate() {
            let value = values[index].as_deref();
            let same_as: Vec<&str> = match value {
                Some(v) if !v.is_empty() => grants
                    .iter()
                    .zip(&values)
                    .filter(|(other, other_value)| {
                        other.name != grant.name && other_value.as_deref() == Some(v)
                    })
                    .map(|(other, _)| other.name.as_str())
                    .collect(),
                _ => Vec::new(),
            };
            let mut facts = describe_var(value, grant.secret, &same_as, &config.placeholders);
            findings_for(&mut report, &grant.name, &facts, grant.secret);
            let from_development = value
                .filter(|_| grant.secret)
                .and_then(|v| dev_values::find(&dev_values, v));
            facts["development_value_at"] =
                json!(from_development.map(|dev| format!("{}:{}", dev.path, dev.line)));
            if let Some(dev) = from_development {
                report.push(
                    Finding::fail(
                        findings::DEVELOPMENT_VALUE,
                        Severity::Critical,
                        format!(
                            "`{}` has the same value as `{}` in {}:{}: anyone who can read the repository knows it",
                            grant.name, dev.name, dev.path, dev.line
                        ),
                    )
                    .at(&dev.path, Some(dev.line))
                    .fix(format!("generate a new value for `{}` and rotate it", grant.name)),
                );
            }
            if value.is_some() {
                set.push(grant.name.clone());
            } else {
                missing.push(grant.name.clone());
            }
            vars.insert(grant.name.clone(), facts);
        }
        report.fact("vars", Value::Object(vars));
        // Without such a file nothing was compared: the rule skips, saying so.
        report.fact("development_env_files", dev_files);
        let example_files = example_names::example_files();
        report.fact(
            "deployment_names",
            example_names::deployment_names_in(&example_files),
        );
        report.fact("example_files", example_files);
        report.fact("set", set);
        report.fact("missing", missing);
        Ok(report)
    }
}

/// The facts of one variable; `value` only when the policy marks it public.
fn describe_var(value: Option<&str>, secret: bool, same_as: &[&str], extra: &[String]) -> Value {
    let Some(value) = value else {
        let mut facts = json!({
            "present": false, "empty": true, "secret": secret, "length": 0,
            "charset": "empty", "entropy_bits": 0.0, "placeholder": false,
            "same_as": [], "prefix": null, "url": null,
        });
        if !secret {
            facts["value"] = Value::Null;
            facts["items"] = json!([]);
        }
        return facts;
    };
    let url = url_facts::describe(value);
    // A URL is judged by its parts (credentials, host), not as plain text:
    // `db.internal-example.net` is no placeholder, `:postgres@` is.
    let placeholder = match &url {
        Some(url) => url.placeholder,
        None => classify::is_placeholder(value, extra),
    };
    let mut facts = json!({
        "present": true,
        "empty": value.is_empty(),
        "secret": secret,
        "length": value.chars().count(),
        "charset": classify::charset(value),
        "entropy_bits": classify::entropy_bits(value),
        "placeholder": placeholder,
        "same_as": same_as,
        "prefix": classify::known_prefix(value),
        "url": url.map(|u| u.facts),
    });
    if !secret {
        facts["value"] = json!(value);
        facts["items"] = json!(
            value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .collect::<Vec<_>>()
        );
    }
    facts
}

fn findings_for(report: &mut Report, name: &str, facts: &Value, secret: bool) {
    // Which variables are required is the policy's call (`missing` lists the
    // absent ones), so absence is not a finding.
    let present = facts["present"] == json!(true);
    if present && facts["empty"] == json!(true) {
        report.push(
            Finding::warn(
                findings::EMPTY,
                Severity::Medium,
                format!("`{name}` is set but empty"),
            )
            .fix(format!("give `{name}` a value, or remove it")),
        );
    } else if present && secret && facts["placeholder"] == json!(true) {
        report.push(
            Finding::fail(
                findings::PLACEHOLDER,
                Severity::Critical,
                format!("`{name}` looks like a placeholder or a well-known default"),
            )
            .fix("generate a random value, e.g. `openssl rand -base64 48`"),
        );
    }
    if secret && facts["same_as"].as_array().is_some_and(|a| !a.is_empty()) {
        let others: Vec<&str> = facts["same_as"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        report.push(
            Finding::fail(
                findings::SHARED_SECRET,
                Severity::High,
                format!("`{name}` has the same value as `{}`", others.join("`, `")),
            )
            .fix("give every secret its own random value"),
        );
    }
}

gonogo_check::export_check!(Env);
