//! The default human report: what needs doing, and why the rest was not
//! judged. Blocking rules and warnings one line each (why, and where);
//! sign-offs awaiting an attestation grouped by why they cannot pass yet;
//! waivers in full; rules that do not apply, one line per reason (a check
//! that was not configured gives the reason for all of its rules); passes
//! as a count.

use super::rule::RuleWriter;
use super::{BOLD, DIM, GREEN, RED, YELLOW};
use crate::eval::RuleResult;
use crate::model::Status;
use crate::plan::Enforcement;
use crate::report::Report;
use std::io::{self, Write};

/// Rule ids shown on a grouped line before `… and N more`.
const IDS_SHOWN: usize = 4;
/// Reasons for not applicable rules shown; the others are counted.
const SKIP_REASONS_SHOWN: usize = 10;

/// Writes the default report's body.
pub fn what_needs_doing<'r>(
    report: &'r Report,
    out: &mut dyn Write,
    rules: &mut RuleWriter<'r>,
) -> io::Result<()> {
    let decision = &report.decision;
    let blocking: Vec<&RuleResult> = report
        .rules
        .iter()
        .filter(|r| decision.blocking.contains(&r.id))
        .collect();
    let failing = |r: &&RuleResult| {
        matches!(r.status, Status::Fail | Status::Error) && !decision.blocking.contains(&r.id)
    };
    // A sign-off that only warns, and fails for want of a signature.
    let awaiting = |r: &&RuleResult| {
        r.attestation && r.status == Status::Fail && r.enforcement == Enforcement::Warn
    };
    let sign_offs: Vec<&RuleResult> = report
        .rules
        .iter()
        .filter(failing)
        .filter(awaiting)
        .collect();
    let warnings: Vec<&RuleResult> = report
        .rules
        .iter()
        .filter(failing)
        .filter(|r| !awaiting(r))
        .collect();
    let mut lines = RuleWriter::for_ids(
        report,
        blocking.iter().chain(&warnings).map(|r| r.id.as_str()),
    );
    let services = service_dirs(report);
    if !blocking.is_empty() {
        writeln!(out, "\n{RED}Blocking{RED:#} · {}", blocking.len())?;
        by_service(out, report, &services, &blocking, |out, rule| {
            lines.write_line(out, report, rule, true)
        })?;
    }
    if !warnings.is_empty() {
        writeln!(out, "\n{YELLOW}Warnings{YELLOW:#} · {}", warnings.len())?;
        by_service(out, report, &services, &warnings, |out, rule| {
            lines.write_line(out, report, rule, false)
        })?;
    }
    if !blocking.is_empty() || !warnings.is_empty() {
        writeln!(
            out,
            "  {DIM}`gonogo explain RULE` tells how to fix one; `--verbose` shows every rule with its findings and fix{DIM:#}"
        )?;
    }
    if !sign_offs.is_empty() {
        awaiting_sign_off(out, &sign_offs)?;
    }
    let waived: Vec<&RuleResult> = report
        .rules
        .iter()
        .filter(|r| r.status == Status::Waived)
        .collect();
    if !waived.is_empty() {
        writeln!(out, "\n{YELLOW}Waived{YELLOW:#} · {}", waived.len())?;
        for rule in waived {
            rules.write(out, report, rule)?;
        }
    }
    not_applicable(report, out)?;
    let passed = report
        .rules
        .iter()
        .filter(|r| r.status == Status::Pass)
        .count();
    writeln!(
        out,
        "\n{GREEN}Passed{GREEN:#} · {passed} {DIM}(`--verbose` lists every rule){DIM:#}"
    )
}

/// The folders of the services the `node` check judged, when there are
/// several (a monorepo), longest first: a path belongs to the first that
/// holds it.
fn service_dirs(report: &Report) -> Vec<String> {
    let mut dirs: Vec<String> = report
        .checks
        .iter()
        .filter(|run| run.source == "builtin:node")
        .filter_map(|run| run.facts.get("services")?.as_array())
        .flatten()
        .filter_map(|service| service["dir"].as_str())
        .filter(|dir| !dir.is_empty())
        .map(str::to_owned)
        .collect();
    dirs.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    dirs.dedup();
    if dirs.len() < 2 { Vec::new() } else { dirs }
}

/// Writes `rules` with `line`, under one heading per service (the
/// services of the rule's findings; the rest of the project last) when the
/// project has several.
fn by_service<'r>(
    out: &mut dyn Write,
    report: &Report,
    services: &[String],
    rules: &[&'r RuleResult],
    mut line: impl FnMut(&mut dyn Write, &'r RuleResult) -> io::Result<()>,
) -> io::Result<()> {
    if services.is_empty() {
        for rule in rules {
            line(out, rule)?;
        }
        return Ok(());
    }
    // The services a rule's findings are in, in order: one heading per
    // set, so a rule failing in two services is under both their names.
    let services_of = |rule: &RuleResult| -> Option<String> {
        let mut found: Vec<&str> = Vec::new();
        for location in report.evidence(rule).filter_map(|f| f.location.as_ref()) {
            if let Some(dir) = services
                .iter()
                .find(|dir| location.path.starts_with(&format!("{dir}/")))
                && !found.contains(&dir.as_str())
            {
                found.push(dir);
            }
        }
        (!found.is_empty()).then(|| found.join(", "))
    };
    let mut groups: Vec<(Option<String>, Vec<&'r RuleResult>)> = Vec::new();
    for rule in rules {
        let key = services_of(rule);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(rule),
            None => groups.push((key, vec![rule])),
        }
    }
    groups.sort_by_key(|(key, _)| key.is_none());
    for (key, members) in groups {
        writeln!(
            out,
            "  {BOLD}{}{BOLD:#}",
            key.as_deref().unwrap_or("the rest of the project")
        )?;
        for rule in members {
            line(out, rule)?;
        }
    }
    Ok(())
}

/// Sign-offs grouped by why they fail (the signers missing, no key
/// trusted for the role), with how to attest.
fn awaiting_sign_off(out: &mut dyn Write, sign_offs: &[&RuleResult]) -> io::Result<()> {
    writeln!(
        out,
        "\n{YELLOW}Sign-offs not yet attested{YELLOW:#} · {} warnings",
        sign_offs.len()
    )?;
    for (why, ids) in grouped(sign_offs.iter().map(|r| {
        (
            r.message.clone().unwrap_or_else(|| "not attested".into()),
            r.id.as_str(),
        )
    })) {
        writeln!(out, "  {YELLOW}⚠{YELLOW:#} {why}")?;
        writeln!(out, "      {DIM}{}{DIM:#}", ids.join(", "))?;
    }
    writeln!(
        out,
        "  {DIM}once each is done, its signer runs `gonogo attest RULE --role ROLE --key KEY`; `--verbose` shows what each vouches for{DIM:#}"
    )
}

/// Skipped rules, one line per reason: the check's own "not configured"
/// finding when it has one, else the rule's `skip_message`. Provider
/// checks given no credentials share one line, naming them.
fn not_applicable(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let skipped: Vec<&RuleResult> = report
        .rules
        .iter()
        .filter(|r| r.status == Status::Skip)
        .collect();
    if skipped.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{BOLD}Not applicable{BOLD:#} · {}", skipped.len())?;
    let unconfigured = |rule: &RuleResult| {
        report
            .checks
            .iter()
            .filter(|run| rule.check.as_ref() == Some(&run.name))
            .find_map(|run| {
                let finding = run.findings.iter().find(|f| f.status == Status::Skip)?;
                Some((run, finding))
            })
    };
    let mut unasked_providers: Vec<&str> = Vec::new();
    for rule in &skipped {
        if let Some((run, finding)) = unconfigured(rule)
            && finding.id == "not-configured"
            && crate::builtins::asks_a_provider(&run.source)
            && !unasked_providers.contains(&run.name.as_str())
        {
            unasked_providers.push(&run.name);
        }
    }
    let merge_providers = unasked_providers.len() >= 2;
    let reason = |rule: &RuleResult| -> String {
        let unconfigured = unconfigured(rule);
        if merge_providers
            && let Some((run, _)) = unconfigured
            && unasked_providers.contains(&run.name.as_str())
        {
            return format!(
                "provider APIs not asked, no credentials given: {} (`gonogo explain RULE` names the variables)",
                unasked_providers.join(", ")
            );
        }
        match (unconfigured.map(|(_, finding)| finding), rule.skip_reason()) {
            (Some(finding), _) => finding.message.clone(),
            (None, Some(reason)) => reason
                .strip_prefix("not applicable: ")
                .unwrap_or(reason)
                .to_owned(),
            (None, None) => rule
                .message
                .as_deref()
                .map(|m| m.strip_prefix("not applicable: ").unwrap_or(m).to_owned())
                .unwrap_or_else(|| "its `when` is false".into()),
        }
    };
    let mut groups = grouped(skipped.iter().map(|r| (reason(r), r.id.as_str())));
    // The reasons that leave most rules unjudged first (stable: in order of
    // first use among equals); past a screenful, the rest are counted.
    groups.sort_by_key(|(_, ids)| std::cmp::Reverse(ids.len()));
    let hidden: Vec<(String, Vec<&str>)> = groups.split_off(groups.len().min(SKIP_REASONS_SHOWN));
    for (why, ids) in groups {
        let shown = ids
            .iter()
            .take(IDS_SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let more = match ids.len().saturating_sub(IDS_SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        writeln!(out, "  {DIM}-{DIM:#} {why} {DIM}({shown}{more}){DIM:#}")?;
    }
    if !hidden.is_empty() {
        let rules: usize = hidden.iter().map(|(_, ids)| ids.len()).sum();
        writeln!(
            out,
            "  {DIM}- and {} more reasons, for {rules} rules (`--verbose` lists every rule with its reason){DIM:#}",
            hidden.len()
        )?;
    }
    Ok(())
}

/// The ids under each distinct reason, reasons in order of first use.
fn grouped<'a>(pairs: impl Iterator<Item = (String, &'a str)>) -> Vec<(String, Vec<&'a str>)> {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for (why, id) in pairs {
        match groups.iter_mut().find(|(w, _)| *w == why) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((why, vec![id])),
        }
    }
    groups
}
