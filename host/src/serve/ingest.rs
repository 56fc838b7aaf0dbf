//! A pushed report read into what the store keeps: the versioned JSON
//! report (`gonogo.report/v1`) and, beside it, its repository (the push
//! token's), commit, branch, environment, verdict, level and each rule's
//! result. Everything in a push is untrusted: a body that is not such a
//! report is refused with the reason, and nothing is stored.

use super::store::{NewReport, RuleResult};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// Most bytes of a pushed report (the JSON report of a 240-rule pack over
/// a large monorepo is a few hundred KiB).
pub const MAX_REPORT_BYTES: usize = 8 << 20;
/// Most rules a report may hold.
const MAX_RULES: usize = 5_000;
/// Longest text kept in a column (ids, titles, branches).
const MAX_FIELD_CHARS: usize = 512;

/// Reads `body`, pushed for `repository` at `received_at`, into a report to store.
pub fn read(body: &[u8], repository: &str, received_at: i64) -> Result<NewReport, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8 text".to_owned())?;
    let report: Value =
        serde_json::from_str(text).map_err(|e| format!("the body is not JSON: {e}"))?;
    if report["schema"] != "gonogo.report/v1" {
        return Err(
            "the body is not a gonogo report: `schema` must be `gonogo.report/v1` (`gonogo check --format json`)"
                .into(),
        );
    }
    let text_at = |pointer: &str| -> Option<String> {
        report
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(|s| s.chars().take(MAX_FIELD_CHARS).collect())
    };
    let verdict = text_at("/decision/verdict")
        .filter(|v| v == "go" || v == "no-go")
        .ok_or("`decision.verdict` must be `go` or `no-go`")?;
    let count = |name: &str| {
        report
            .pointer(&format!("/decision/counts/{name}"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    let rules = report["rules"].as_array().ok_or("`rules` must be a list")?;
    if rules.len() > MAX_RULES {
        return Err(format!("more than {MAX_RULES} rules"));
    }
    let mut results = Vec::with_capacity(rules.len());
    let mut seen = std::collections::HashSet::new();
    for rule in rules {
        let field = |key: &str| {
            rule[key]
                .as_str()
                .map(|s| s.chars().take(MAX_FIELD_CHARS).collect::<String>())
        };
        let id = field("id").ok_or("every rule needs an `id`")?;
        if !seen.insert(id.clone()) {
            return Err(format!("rule `{id}` is listed twice"));
        }
        results.push(RuleResult {
            status: field("status").ok_or_else(|| format!("rule `{id}` has no `status`"))?,
            title: field("title").unwrap_or_default(),
            enforcement: field("enforcement").unwrap_or_else(|| "block".into()),
            enforce_from: field("enforce_from"),
            waiver_expires: rule["waiver"]["expires"].as_str().map(str::to_owned),
            waiver_reason: rule["waiver"]["reason"]
                .as_str()
                .map(|s| s.chars().take(MAX_FIELD_CHARS).collect()),
            stale_attestations: rule["stale_attestations"]
                .as_array()
                .filter(|list| !list.is_empty())
                .map(|list| Value::Array(list.iter().take(20).cloned().collect()).to_string()),
            rule: id,
        });
    }
    Ok(NewReport {
        id: hex::encode(Sha256::digest(body)),
        repository: repository.to_owned(),
        commit: text_at("/target/commit"),
        branch: text_at("/target/branch"),
        environment: text_at("/environment").unwrap_or_else(|| "production".into()),
        verdict,
        level: text_at("/decision/level/reached"),
        pack: text_at("/pack/name").unwrap_or_default(),
        pack_digest: text_at("/pack/digest"),
        counts: [count("pass"), count("fail"), count("skip"), count("error")],
        received_at,
        body: text.to_owned(),
        rules: results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_read_with_its_rules_and_anything_else_is_refused_with_the_reason() {
        let body = br#"{"schema":"gonogo.report/v1","target":{"commit":"abc","branch":"main"},"environment":"staging",
            "pack":{"name":"p"},"decision":{"verdict":"no-go","counts":{"pass":1,"fail":1,"skip":0,"error":0}},
            "rules":[{"id":"a","title":"A","status":"pass","enforcement":"block"},
                     {"id":"b","title":"B","status":"waived","enforcement":"block","enforce_from":"2027-01-01",
                      "waiver":{"expires":"2026-12-20","reason":"moving"}}]}"#;
        let report = read(body, "acme/api", 7).expect("a report");
        assert_eq!(
            (report.verdict.as_str(), report.environment.as_str()),
            ("no-go", "staging")
        );
        assert_eq!(report.commit.as_deref(), Some("abc"));
        assert_eq!(report.counts, [1, 1, 0, 0]);
        assert_eq!(report.rules[1].enforce_from.as_deref(), Some("2027-01-01"));
        assert_eq!(
            report.rules[1].waiver_expires.as_deref(),
            Some("2026-12-20")
        );
        assert_eq!(report.id, hex::encode(Sha256::digest(body)));
        for (bad, why) in [
            (&b"\xff"[..], "not UTF-8"),
            (b"{", "not JSON"),
            (br#"{"schema":"other"}"#, "gonogo.report/v1"),
            (br#"{"schema":"gonogo.report/v1","decision":{"verdict":"maybe"},"rules":[]}"#, "verdict"),
            (br#"{"schema":"gonogo.report/v1","decision":{"verdict":"go"},"rules":[{"id":"a","status":"pass"},{"id":"a","status":"pass"}]}"#, "twice"),
        ] {
            let error = read(bad, "acme/api", 7).err().expect("refused");
            assert!(error.contains(why), "{error}");
        }
    }
}
