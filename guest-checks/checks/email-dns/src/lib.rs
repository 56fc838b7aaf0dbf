//! # `email-dns` — can mail from the domain be trusted
//!
//! ## What it checks
//! The DNS TXT records of the sending domain, looked up live through the
//! host's `probe` interface (granted by `grants.hosts`, replayable with
//! `--replay`):
//! - **SPF**: exactly one `v=spf1` record at the domain, ending in `-all`
//!   or `~all` (`+all` lets anyone send as the domain; `?all` says nothing);
//! - **DMARC**: a `v=DMARC1` record at `_dmarc.<domain>` whose policy `p=`
//!   is `quarantine` or `reject` (`none` only monitors);
//! - **DKIM**: a public key (`p=` not empty) at
//!   `<selector>._domainkey.<domain>` for each configured selector. DKIM
//!   selectors cannot be discovered from DNS, so they must be listed
//!   (your mail provider names them: `resend`, `s1`, `google`…).
//!
//! Without a domain (`domain`, or the variable named by `domain_env`
//! unset), nothing is looked up and `probed` is false.
//!
//! ## Why it matters
//! Transactional mail (password resets, receipts) from a domain without
//! SPF, DKIM and an enforcing DMARC policy lands in spam, and the domain
//! can be spoofed.
//!
//! ## Example of a failing project
//! `v=spf1 include:_spf.example.net +all`, no `_dmarc` record, and the
//! provider's DKIM key never published.
//!
//! ## How to fix
//! Publish the records your mail provider gives you, then move DMARC from
//! `p=none` to `p=quarantine` once reports are clean.
//!
//! ## Facts it reports
//! `probed`, `domain`; `spf` (`records`, `record`, `all` — the qualifier
//! of `all`, `ok`); `dmarc` (`record`, `policy`, `ok`); `dkim` (selector →
//! key present), `dkim_ok` (null when no selector is configured).
//!
//! ## Settings
//! - `domain` (string) or `domain_env` (a granted variable holding it).
//! - `dkim_selectors` (list) or `dkim_selectors_env` (a granted variable
//!   holding a comma-separated list).
//!
//! ## Findings
//! - `not-configured` (skip): no domain, nothing looked up.
//! - `lookup-failed` (fail, high): a lookup failed (not "no record").
//! - `spf-missing` (fail, high), `spf-multiple` (fail, high),
//!   `spf-permissive` (fail, high: `+all`; warn, medium: `?all` or no `all`).
//! - `dmarc-missing` (fail, high), `dmarc-not-enforcing` (fail, medium).
//! - `dkim-missing` (fail, high) per selector; `dkim-selectors-unknown`
//!   (warn, low) when none is configured.

pub mod findings;
use gonogo_check::probe;
use gonogo_check::{Check, Finding, Info, Map, Report, Severity, Status, Value, json};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    domain: Option<String>,
    domain_env: Option<String>,
    dkim_selectors: Option<Vec<String>>,
    dkim_selectors_env: Option<String>,
}

/// The value of the granted variable `name` names, if any.
fn from_env(name: &Option<String>) -> Result<Option<String>, String> {
    match name {
        Some(name) => gonogo_check::granted_var(name),
        None => Ok(None),
    }
}

/// TXT records of `name`, or a failing finding.
fn txt(report: &mut Report, name: &str) -> Option<Vec<String>> {
    match probe::dns_txt(name) {
        Ok(records) => Some(records),
        Err(error) => {
            let why = gonogo_check::describe_probe_error(&error);
            report.push(
                Finding::fail(
                    findings::LOOKUP_FAILED,
                    Severity::High,
                    format!("TXT lookup of {name} failed: {why}"),
                )
                .fix("check the resolver and `grants.hosts` of this check"),
            );
            None
        }
    }
}

/// The qualifier of the `all` mechanism of an SPF record (`-`, `~`, `?`, `+`).
fn spf_all(record: &str) -> Option<char> {
    record.split_whitespace().find_map(|term| {
        let term = term.to_ascii_lowercase();
        match term.as_str() {
            "all" | "+all" => Some('+'),
            "-all" => Some('-'),
            "~all" => Some('~'),
            "?all" => Some('?'),
            _ => None,
        }
    })
}

/// The value of tag `name` in a `k=v; k=v` record (DMARC, DKIM).
fn tag<'a>(record: &'a str, name: &str) -> Option<&'a str> {
    record.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn spf(report: &mut Report, domain: &str) {
    let Some(records) = txt(report, domain) else {
        report.fact("spf", Value::Null);
        return;
    };
    let spf: Vec<&String> = records
        .iter()
        .filter(|r| r.trim().to_ascii_lowercase().starts_with("v=spf1"))
        .collect();
    let record = spf.first().map(|r| r.as_str());
    let all = record.and_then(spf_all);
    let ok = spf.len() == 1 && matches!(all, Some('-' | '~'));
    match (spf.len(), all) {
        (0, _) => report.push(
            Finding::fail(
                findings::SPF_MISSING,
                Severity::High,
                format!("{domain} has no SPF record"),
            )
            .fix("publish `v=spf1 include:<your provider> -all` as a TXT record"),
        ),
        (n, _) if n > 1 => report.push(
            Finding::fail(
                findings::SPF_MULTIPLE,
                Severity::High,
                format!("{domain} has {n} SPF records; receivers treat that as an error"),
            )
            .fix("merge them into one `v=spf1` record"),
        ),
        (_, Some('+')) => report.push(
            Finding::fail(
                findings::SPF_PERMISSIVE,
                Severity::High,
                format!("the SPF record of {domain} ends in `+all`: anyone may send as it"),
            )
            .fix("end the record with `-all` (or `~all` while testing)"),
        ),
        (_, Some('-' | '~')) => report.push(Finding::pass(
            findings::SPF_MISSING,
            format!("{domain} has an SPF record"),
        )),
        _ => report.push(
            Finding::warn(
                findings::SPF_PERMISSIVE,
                Severity::Medium,
                format!("the SPF record of {domain} does not end in `-all` or `~all`"),
            )
            .fix("end the record with `-all` (or `~all` while testing)"),
        ),
    }
    report.fact(
        "spf",
        json!({
            "records": spf.len(),
            "record": record,
            "all": all.map(|q| format!("{q}all")),
            "ok": ok,
        }),
    );
}

fn dmarc(report: &mut Report, domain: &str) {
    let name = format!("_dmarc.{domain}");
    let Some(records) = txt(report, &name) else {
        report.fact("dmarc", Value::Null);
        return;
    };
    let record = records
        .iter()
        .find(|r| r.trim().to_ascii_lowercase().starts_with("v=dmarc1"));
    let policy = record
        .and_then(|r| tag(r, "p"))
        .map(str::to_ascii_lowercase);
    let ok = matches!(policy.as_deref(), Some("quarantine" | "reject"));
    match (&record, policy.as_deref()) {
        (None, _) => report.push(
            Finding::fail(
                findings::DMARC_MISSING,
                Severity::High,
                format!("{name} has no DMARC record"),
            )
            .fix("publish `v=DMARC1; p=quarantine; rua=mailto:…` at `_dmarc`"),
        ),
        (Some(_), Some("quarantine" | "reject")) => report.push(Finding::pass(
            findings::DMARC_MISSING,
            format!("{name} enforces DMARC"),
        )),
        (Some(_), other) => report.push(
            Finding::fail(
                findings::DMARC_NOT_ENFORCING,
                Severity::Medium,
                format!(
                    "the DMARC policy of {domain} is `{}`: spoofed mail is still delivered",
                    other.unwrap_or("missing")
                ),
            )
            .fix("move to `p=quarantine` (then `reject`) once the reports are clean"),
        ),
    }
    report.fact(
        "dmarc",
        json!({ "record": record, "policy": policy, "ok": ok }),
    );
}

fn dkim(report: &mut Report, domain: &str, selectors: &[String]) {
    if selectors.is_empty() {
        report.push(
            Finding::warn(
                findings::DKIM_SELECTORS_UNKNOWN,
                Severity::Low,
                "no DKIM selector is configured, so DKIM keys were not looked up",
            )
            .fix("list the selectors your mail provider signs with in `dkim_selectors`"),
        );
        report.fact("dkim", Map::new());
        report.fact("dkim_ok", Value::Null);
        return;
    }
    let mut keys = Map::new();
    for selector in selectors {
        let name = format!("{selector}._domainkey.{domain}");
        let Some(records) = txt(report, &name) else {
            keys.insert(selector.clone(), Value::Bool(false));
            continue;
        };
        let present = records
            .iter()
            .any(|r| tag(r, "p").is_some_and(|key| !key.is_empty()));
        if !present {
            report.push(
                Finding::fail(
                    findings::DKIM_MISSING,
                    Severity::High,
                    format!("no DKIM public key at {name}"),
                )
                .fix("publish the DKIM record your mail provider gives you"),
            );
        }
        keys.insert(selector.clone(), Value::Bool(present));
    }
    let ok = keys.values().all(|v| v == &Value::Bool(true));
    report.fact("dkim", Value::Object(keys));
    report.fact("dkim_ok", ok);
}

struct EmailDns;

impl Check for EmailDns {
    type Config = Config;
    const INFO: Info = Info {
        id: "email-dns",
        name: "Email DNS records",
        version: env!("CARGO_PKG_VERSION"),
        description: "Looks up the SPF, DMARC and DKIM records of the sending domain.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let domain = match &config.domain {
            Some(domain) => Some(domain.trim().to_owned()),
            None => from_env(&config.domain_env)?,
        };
        let Some(domain) = domain else {
            report.fact("probed", false);
            report.push(Finding::new(
                findings::NOT_CONFIGURED,
                Status::Skip,
                Severity::Info,
                "no sending domain to look up: email DNS checks are skipped",
            ));
            return Ok(report);
        };
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let selectors: Vec<String> = match &config.dkim_selectors {
            Some(list) => list.clone(),
            None => from_env(&config.dkim_selectors_env)?
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        };
        report.fact("probed", true);
        report.fact("domain", domain.as_str());
        spf(&mut report, &domain);
        dmarc(&mut report, &domain);
        dkim(&mut report, &domain, &selectors);
        Ok(report)
    }
}

gonogo_check::export_check!(EmailDns);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_all_qualifier_is_read_from_the_record() {
        assert_eq!(spf_all("v=spf1 include:_spf.google.com ~all"), Some('~'));
        assert_eq!(spf_all("v=spf1 mx -ALL"), Some('-'));
        assert_eq!(spf_all("v=spf1 +all"), Some('+'));
        assert_eq!(spf_all("v=spf1 all"), Some('+'));
        assert_eq!(spf_all("v=spf1 include:x.example"), None);
    }

    #[test]
    fn tags_are_read_case_insensitively() {
        let dmarc = "v=DMARC1; P=quarantine; rua=mailto:d@example.com";
        assert_eq!(tag(dmarc, "p"), Some("quarantine"));
        assert_eq!(tag("v=DKIM1; k=rsa; p=", "p"), Some(""));
        assert_eq!(tag("v=DKIM1", "p"), None);
    }
}
