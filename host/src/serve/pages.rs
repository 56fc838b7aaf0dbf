//! The dashboard: server-rendered HTML pages, no script. The fleet (each
//! repository's newest verdict, its trend, and a matrix of the rules that
//! block somewhere or are waived), one repository's history, the exceptions that expire
//! within 14 days and the attestations to renew, and the campaigns (rules with `enforce_from`: who
//! passes already, who will be blocked when it starts to block).

use super::api::ApiError;
use super::store::{ReportQuery, ReportSummary, RuleResult, RulesWith};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Html;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

type AppState = Arc<super::api::Shared>;

/// How far ahead the exceptions page looks.
const EXPIRING_WITHIN_DAYS: i64 = 14;
/// Verdicts shown as a repository's trend.
const TREND: i64 = 10;
/// Rules shown as columns of the fleet's matrix.
const MATRIX_RULES: usize = 40;

/// Text as HTML: every character that could open markup escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A repository name in a link's path.
fn link_path(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2F", "/")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · gonogo</title><style>\
         body{{font:15px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}}nav a{{margin-right:1rem}}\
         table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left}}\
         .go{{color:#116329}}.no-go{{color:#b3261e;font-weight:600}}.pass{{background:#dafbe1}}.fail{{background:#ffebe9}}\
         .waived{{background:#fff8c5}}.skip{{color:#59636e}}.error{{background:#ffd8b5}}th[scope=row]{{font-weight:normal}}\
         </style></head><body><nav aria-label=\"gonogo\"><a href=\"/\">Fleet</a><a href=\"/exceptions\">Exceptions</a>\
         <a href=\"/campaigns\">Campaigns</a><a href=\"/openapi.json\">API</a></nav><main><h1>{title}</h1>{body}</main></body></html>\n",
        title = escape(title),
    ))
}

fn verdict_cell(verdict: &str) -> String {
    let class = if verdict == "go" { "go" } else { "no-go" };
    format!(
        "<span class=\"{class}\">{}</span>",
        escape(&verdict.to_uppercase())
    )
}

fn when(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn status_mark(status: &str) -> &'static str {
    match status {
        "pass" => "✓",
        "fail" => "✗",
        "waived" => "~",
        "error" => "!",
        _ => "–",
    }
}

/// `GET /`: the fleet.
pub async fn fleet(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let latest = state.store.latest().await?;
    if latest.is_empty() {
        return Ok(page(
            "Fleet",
            "<p>No report yet. Push one with <code>gonogo check --push URL</code> and a repository's push token (<code>gonogo serve token create OWNER/NAME</code>).</p>",
        ));
    }
    let mut rules_by_repo: Vec<(ReportSummary, BTreeMap<String, RuleResult>)> = Vec::new();
    let mut failing: BTreeMap<String, usize> = BTreeMap::new();
    let mut latest_rules = state.store.latest_rules(RulesWith::Any).await?;
    let trends = state.store.trends(TREND).await?;
    for summary in latest {
        let rules: BTreeMap<String, RuleResult> = latest_rules
            .remove(&summary.id)
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.rule.clone(), r))
            .collect();
        // What decides: blocking failures and errors, and waived ones.
        let blocks = |r: &&RuleResult| {
            (r.enforcement == "block" && matches!(r.status.as_str(), "fail" | "error"))
                || r.status == "waived"
        };
        for rule in rules.values().filter(blocks) {
            *failing.entry(rule.rule.clone()).or_default() += 1;
        }
        rules_by_repo.push((summary, rules));
    }
    let mut columns: Vec<(String, usize)> = failing.into_iter().collect();
    columns.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let hidden = columns.len().saturating_sub(MATRIX_RULES);
    columns.truncate(MATRIX_RULES);
    let go = rules_by_repo
        .iter()
        .filter(|(s, _)| s.verdict == "go")
        .count();
    let mut body = format!(
        "<p>{} repositories: {go} go, {} no-go.</p><table><caption>Each repository's newest report, and the rules that block somewhere or are waived (✓ pass, ✗ fail, ~ waived, ! error, – not applicable)</caption><thead><tr><th scope=\"col\">Repository</th><th scope=\"col\">Verdict</th><th scope=\"col\">Level</th><th scope=\"col\">Trend (newest last)</th><th scope=\"col\">Environment</th><th scope=\"col\">Received</th>",
        rules_by_repo.len(),
        rules_by_repo.len() - go
    );
    for (rule, count) in &columns {
        body.push_str(&format!(
            "<th scope=\"col\" title=\"blocks or is waived in {count}\"><a href=\"/api/v1/reports?rule={}\">{}</a></th>",
            link_path(rule),
            escape(rule)
        ));
    }
    body.push_str("</tr></thead><tbody>");
    for (summary, rules) in &rules_by_repo {
        let history = trends
            .get(&summary.repository)
            .map_or(&[][..], Vec::as_slice);
        let trend: String = history
            .iter()
            .rev()
            .map(|verdict| if verdict == "go" { "●" } else { "○" })
            .collect();
        body.push_str(&format!(
            "<tr><th scope=\"row\"><a href=\"/repository/{}\">{}</a></th><td>{}</td><td>{}</td><td aria-label=\"{} of the last {} go\">{trend}</td><td>{}</td><td>{}</td>",
            link_path(&summary.repository),
            escape(&summary.repository),
            verdict_cell(&summary.verdict),
            escape(summary.level.as_deref().unwrap_or("")),
            history.iter().filter(|verdict| *verdict == "go").count(),
            history.len(),
            escape(&summary.environment),
            when(summary.received_at),
        ));
        for (rule, _) in &columns {
            let status = rules.get(rule).map_or("", |r| r.status.as_str());
            body.push_str(&format!(
                "<td class=\"{}\">{}</td>",
                escape(status),
                status_mark(status)
            ));
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table>");
    if hidden > 0 {
        body.push_str(&format!(
            "<p>{hidden} more blocking rules are not shown; <code>/api/v1/reports?rule=ID</code> lists any rule's reports.</p>"
        ));
    }
    Ok(page("Fleet", &body))
}

/// `GET /repository/{name}`: one repository's history and newest failures.
pub async fn repository(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Html<String>, ApiError> {
    let history = state
        .store
        .reports(&ReportQuery {
            repository: Some(name.clone()),
            limit: Some(200),
            ..ReportQuery::default()
        })
        .await?;
    let Some(newest) = history.first() else {
        return Err(ApiError(
            axum::http::StatusCode::NOT_FOUND,
            format!("no report of `{name}`"),
        ));
    };
    let mut body = String::from("<h2>Newest report: what fails</h2><ul>");
    let rules = state.store.rules_of(&newest.id).await?;
    let failing: Vec<&RuleResult> = rules
        .iter()
        .filter(|r| matches!(r.status.as_str(), "fail" | "error" | "waived"))
        .collect();
    if failing.is_empty() {
        body.push_str("<li>Nothing.</li>");
    }
    for rule in failing {
        body.push_str(&format!(
            "<li><code>{}</code> {} — {} ({})</li>",
            escape(&rule.rule),
            escape(&rule.title),
            escape(&rule.status),
            escape(&rule.enforcement)
        ));
    }
    body.push_str("</ul><table><caption>Every report received, newest first</caption><thead><tr><th scope=\"col\">Received</th><th scope=\"col\">Verdict</th><th scope=\"col\">Environment</th><th scope=\"col\">Branch</th><th scope=\"col\">Commit</th><th scope=\"col\">Pack</th><th scope=\"col\">Passed</th><th scope=\"col\">Failed</th><th scope=\"col\">Report</th></tr></thead><tbody>");
    for report in &history {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{} <code>{}</code></td><td>{}</td><td>{}</td><td><a href=\"/api/v1/reports/{}\">JSON</a></td></tr>",
            when(report.received_at),
            verdict_cell(&report.verdict),
            escape(&report.environment),
            escape(report.branch.as_deref().unwrap_or("")),
            escape(&report.commit.as_deref().unwrap_or("").chars().take(12).collect::<String>()),
            escape(&report.pack),
            escape(&report.pack_digest.as_deref().unwrap_or("").chars().take(19).collect::<String>()),
            report.passed,
            report.failed,
            escape(&report.id),
        ));
    }
    body.push_str("</tbody></table>");
    Ok(page(&name, &body))
}

/// The waivers of the newest reports that end within [`EXPIRING_WITHIN_DAYS`]
/// (or have ended), soonest first: repository, rule, expiry, reason.
async fn expiring(state: &AppState) -> Result<Vec<(String, RuleResult)>, ApiError> {
    let today = chrono::Utc::now().date_naive();
    let horizon = today + chrono::Duration::days(EXPIRING_WITHIN_DAYS);
    let mut found = Vec::new();
    let mut rules = state.store.latest_rules(RulesWith::Waiver).await?;
    for summary in state.store.latest().await? {
        for rule in rules.remove(&summary.id).unwrap_or_default() {
            let ends = rule
                .waiver_expires
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            if ends.is_some_and(|ends| ends <= horizon) {
                found.push((summary.repository.clone(), rule));
            }
        }
    }
    found.sort_by(|a, b| a.1.waiver_expires.cmp(&b.1.waiver_expires));
    Ok(found)
}

/// The attestations of the newest reports that stopped counting with
/// time: repository, rule, and each stale attestation as the report gives
/// it (`file`, `role`, `signed_at`, `reason`).
async fn stale_attestations(
    state: &AppState,
) -> Result<Vec<(String, String, serde_json::Value)>, ApiError> {
    let mut found = Vec::new();
    let mut rules = state
        .store
        .latest_rules(RulesWith::StaleAttestations)
        .await?;
    for summary in state.store.latest().await? {
        for rule in rules.remove(&summary.id).unwrap_or_default() {
            let Some(text) = &rule.stale_attestations else {
                continue;
            };
            let list: Vec<serde_json::Value> = serde_json::from_str(text).unwrap_or_default();
            for attestation in list {
                found.push((summary.repository.clone(), rule.rule.clone(), attestation));
            }
        }
    }
    Ok(found)
}

/// The table of attestations to renew.
fn stale_section(stale: &[(String, String, serde_json::Value)]) -> String {
    let mut section = String::from("<h2>Attestations to renew</h2>");
    if stale.is_empty() {
        section.push_str("<p>No attestation of the newest reports has expired or aged past its rule's limit.</p>");
        return section;
    }
    section.push_str("<table><thead><tr><th scope=\"col\">Repository</th><th scope=\"col\">Rule</th><th scope=\"col\">Signed</th><th scope=\"col\">Role</th><th scope=\"col\">Why it no longer counts</th><th scope=\"col\">File</th></tr></thead><tbody>");
    for (repository, rule, attestation) in stale {
        let field = |key: &str| escape(attestation[key].as_str().unwrap_or(""));
        section.push_str(&format!(
            "<tr><td><a href=\"/repository/{}\">{}</a></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            link_path(repository),
            escape(repository),
            escape(rule),
            field("signed_at"),
            field("role"),
            field("reason"),
            field("file"),
        ));
    }
    section.push_str("</tbody></table>");
    section
}

/// `GET /exceptions`: the exceptions that end within 14 days, and the
/// attestations to renew.
pub async fn exceptions(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let found = expiring(&state).await?;
    let title = "Exceptions and attestations to renew";
    let mut body = stale_section(&stale_attestations(&state).await?);
    body.push_str(&format!(
        "<h2>Exceptions</h2><p>Exceptions of the newest reports that end within {EXPIRING_WITHIN_DAYS} days: renew them with a new approval, or fix the rule.</p>"
    ));
    if found.is_empty() {
        body.push_str("<p>No exception ends soon.</p>");
        return Ok(page(title, &body));
    }
    body.push_str("<table><thead><tr><th scope=\"col\">Ends</th><th scope=\"col\">Repository</th><th scope=\"col\">Rule</th><th scope=\"col\">Reason</th></tr></thead><tbody>");
    for (repository, rule) in &found {
        body.push_str(&format!(
            "<tr><td>{}</td><td><a href=\"/repository/{}\">{}</a></td><td><code>{}</code></td><td>{}</td></tr>",
            escape(rule.waiver_expires.as_deref().unwrap_or("")),
            link_path(repository),
            escape(repository),
            escape(&rule.rule),
            escape(rule.waiver_reason.as_deref().unwrap_or("")),
        ));
    }
    body.push_str("</tbody></table>");
    Ok(page(title, &body))
}

/// `GET /api/v1/exceptions`: the same, as JSON.
pub async fn exceptions_json(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let found = expiring(&state).await?;
    let list: Vec<serde_json::Value> = found
        .iter()
        .map(|(repository, rule)| {
            json!({"repository": repository, "rule": rule.rule, "expires": rule.waiver_expires, "reason": rule.waiver_reason})
        })
        .collect();
    let stale: Vec<serde_json::Value> = stale_attestations(&state)
        .await?
        .into_iter()
        .map(|(repository, rule, attestation)| {
            json!({"repository": repository, "rule": rule, "attestation": attestation})
        })
        .collect();
    Ok(Json(json!({
        "within_days": EXPIRING_WITHIN_DAYS,
        "exceptions": list,
        "stale_attestations": stale,
    })))
}

/// `GET /campaigns`: each rule the newest reports say starts blocking on
/// a day (`enforce_from`), with the repositories that pass it already and
/// those it will block, and how the passing share moved week by week.
pub async fn campaigns(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let latest = state.store.latest().await?;
    // rule → (enforce_from, passing repositories, failing repositories)
    let mut campaigns: BTreeMap<String, (String, BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    let mut rules = state.store.latest_rules(RulesWith::EnforceFrom).await?;
    for summary in &latest {
        for rule in rules.remove(&summary.id).unwrap_or_default() {
            let Some(from) = rule.enforce_from.clone() else {
                continue;
            };
            let entry = campaigns
                .entry(rule.rule.clone())
                .or_insert_with(|| (from, BTreeSet::new(), BTreeSet::new()));
            match rule.status.as_str() {
                "pass" | "skip" => entry.1.insert(summary.repository.clone()),
                _ => entry.2.insert(summary.repository.clone()),
            };
        }
    }
    if campaigns.is_empty() {
        return Ok(page(
            "Campaigns",
            "<p>No rule of the newest reports has an <code>enforce_from</code> day: a baseline rule with one is a campaign.</p>",
        ));
    }
    let mut body = String::new();
    for (rule, (from, passing, failing)) in &campaigns {
        let total = passing.len() + failing.len();
        body.push_str(&format!(
            "<section><h2><code>{}</code> blocks from {}</h2><p><strong>{} of {total}</strong> repositories pass it already; {} will be blocked when it starts to block unless they fix it.</p>",
            escape(rule),
            escape(from),
            passing.len(),
            failing.len()
        ));
        if !failing.is_empty() {
            body.push_str("<ul>");
            for repository in failing {
                body.push_str(&format!(
                    "<li><a href=\"/repository/{}\">{}</a></li>",
                    link_path(repository),
                    escape(repository)
                ));
            }
            body.push_str("</ul>");
        }
        body.push_str(&progress(&state, rule).await?);
        body.push_str("</section>");
    }
    Ok(page("Campaigns", &body))
}

/// The rule's progress: for each of the last 8 weeks, how many of the
/// repositories that reported that week passed it in their last report.
async fn progress(state: &AppState, rule: &str) -> Result<String, ApiError> {
    let now = chrono::Utc::now().timestamp();
    let week = 7 * 24 * 3600;
    let mut rows = String::new();
    for back in (0..8).rev() {
        let until = now - back * week;
        // Newest first: the first status seen of a repository is its last.
        let statuses = state.store.rule_statuses(rule, until - week, until).await?;
        let mut newest: BTreeMap<&str, &str> = BTreeMap::new();
        for (repository, _, status) in &statuses {
            newest.entry(repository.as_str()).or_insert(status.as_str());
        }
        let passing = newest
            .values()
            .filter(|status| matches!(**status, "pass" | "skip"))
            .count();
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{passing} of {}</td></tr>",
            when(until).get(..10).unwrap_or_default(),
            newest.len()
        ));
    }
    Ok(format!(
        "<table><caption>Progress: repositories passing, of those that reported in the week ending</caption><thead><tr><th scope=\"col\">Week ending</th><th scope=\"col\">Passing</th></tr></thead><tbody>{rows}</tbody></table>"
    ))
}
