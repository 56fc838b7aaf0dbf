//! The default branch's protection: classic branch protection and the
//! rulesets that apply to the branch, taken together.

use crate::findings;
use gonogo_check::api::Api;
use gonogo_check::{Finding, Report, Severity, Value, json};

/// What protects a branch.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Protection {
    /// Where the rules come from (`branch protection`, `rulesets`).
    pub sources: Vec<String>,
    /// Approving reviews a pull request needs.
    pub required_reviews: u64,
    /// Status checks that must pass.
    pub required_checks: Vec<String>,
    /// Whether force pushes are allowed.
    pub force_push_allowed: bool,
}

/// Reads classic branch protection (`GET …/branches/{b}/protection`).
pub fn from_classic(value: &Value, protection: &mut Protection) {
    protection.sources.push("branch protection".into());
    let reviews = value
        .pointer("/required_pull_request_reviews/required_approving_review_count")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    protection.required_reviews = protection.required_reviews.max(reviews);
    if let Some(checks) = value
        .pointer("/required_status_checks/checks")
        .and_then(Value::as_array)
    {
        protection.required_checks.extend(
            checks
                .iter()
                .filter_map(|c| c.get("context")?.as_str().map(str::to_owned)),
        );
    }
    if let Some(contexts) = value
        .pointer("/required_status_checks/contexts")
        .and_then(Value::as_array)
    {
        protection.required_checks.extend(
            contexts
                .iter()
                .filter_map(|c| c.as_str().map(str::to_owned)),
        );
    }
    protection.force_push_allowed = value
        .pointer("/allow_force_pushes/enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
}

/// Reads the rules that apply to a branch (`GET …/rules/branches/{b}`).
/// Without a `non_fast_forward` rule, a ruleset allows force pushes.
pub fn from_rules(rules: &[Value], protection: &mut Protection, classic: bool) {
    if rules.is_empty() {
        return;
    }
    protection.sources.push("rulesets".into());
    let mut refuses_force_push = false;
    for rule in rules {
        match rule.get("type").and_then(Value::as_str) {
            Some("pull_request") => {
                let reviews = rule
                    .pointer("/parameters/required_approving_review_count")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                protection.required_reviews = protection.required_reviews.max(reviews);
            }
            Some("required_status_checks") => {
                if let Some(checks) = rule
                    .pointer("/parameters/required_status_checks")
                    .and_then(Value::as_array)
                {
                    protection.required_checks.extend(
                        checks
                            .iter()
                            .filter_map(|c| c.get("context")?.as_str().map(str::to_owned)),
                    );
                }
            }
            Some("non_fast_forward") => refuses_force_push = true,
            _ => {}
        }
    }
    if refuses_force_push {
        protection.force_push_allowed = false;
    } else if !classic {
        protection.force_push_allowed = true;
    }
}

/// Reads and judges the protection of `branch`.
pub fn judge(report: &mut Report, api: &Api, repo_path: &str, branch: &str) {
    let mut protection = Protection::default();
    let rules = match api.get_all(
        &format!("{repo_path}/rules/branches/{branch}?per_page=100"),
        None,
    ) {
        Ok(rules) => rules,
        Err(error) => {
            report.push(Finding::error(
                findings::BRANCH_UNPROTECTED,
                format!("the rules of branch `{branch}` could not be read: {error}"),
            ));
            report.fact("protection", Value::Null);
            return;
        }
    };
    // `protected` (classic branch protection) is readable with read access;
    // its settings need the administration permission.
    let summary = match api.get(&format!("{repo_path}/branches/{branch}")) {
        Ok(summary) => summary,
        Err(error) => {
            report.push(Finding::error(
                findings::BRANCH_UNPROTECTED,
                format!("branch `{branch}` could not be read: {error}"),
            ));
            report.fact("protection", Value::Null);
            return;
        }
    };
    let classic_on = summary.get("protected").and_then(Value::as_bool) == Some(true);
    let mut unreadable = None;
    let classic = if !classic_on {
        None
    } else {
        match api.get(&format!("{repo_path}/branches/{branch}/protection")) {
            Ok(classic) => Some(classic),
            Err(error) if matches!(error.status(), Some(403 | 404)) => {
                unreadable = Some(error.to_string());
                None
            }
            Err(error) => {
                report.push(Finding::error(
                    findings::BRANCH_UNPROTECTED,
                    format!("the protection of branch `{branch}` could not be read: {error}"),
                ));
                report.fact("protection", Value::Null);
                return;
            }
        }
    };
    if let Some(classic) = &classic {
        from_classic(classic, &mut protection);
    }
    from_rules(&rules, &mut protection, classic.is_some());
    protection.required_checks.sort();
    protection.required_checks.dedup();
    if unreadable.is_some() {
        protection.sources.push("branch protection".into());
    }
    let protected = !protection.sources.is_empty();
    let strong = protection.required_reviews > 0
        && !protection.required_checks.is_empty()
        && !protection.force_push_allowed;
    let mut facts = json!({
        "branch": branch,
        "protected": protected,
        "sources": protection.sources,
        "required_reviews": protection.required_reviews,
        "required_checks": protection.required_checks,
        "force_push_allowed": protection.force_push_allowed,
    });
    // Branch protection is on but its settings cannot be read, and the
    // rulesets alone do not settle it: say so rather than guess.
    if let Some(why) = unreadable.filter(|_| !strong) {
        facts["unreadable"] = json!(why);
        report.fact("protection", facts);
        report.push(
            Finding::new(
                findings::PROTECTION_WEAK,
                gonogo_check::Status::Skip,
                Severity::Info,
                format!("`{branch}` has branch protection whose settings this token cannot read ({why})"),
            )
            .fix("give the gate a token with `administration: read` (a fine-grained token or a GitHub App), or protect the branch with a ruleset"),
        );
        return;
    }
    report.fact("protection", facts);
    if !protected {
        report.push(
            Finding::fail(
                findings::BRANCH_UNPROTECTED,
                Severity::High,
                format!("`{branch}` has no branch protection and no ruleset"),
            )
            .fix("protect it: a required review, the CI checks required, force pushes refused"),
        );
        return;
    }
    let mut weak = Vec::new();
    if protection.required_reviews == 0 {
        weak.push("no approving review is required");
    }
    if protection.required_checks.is_empty() {
        weak.push("no status check is required");
    }
    if protection.force_push_allowed {
        weak.push("force pushes are allowed");
    }
    if weak.is_empty() {
        report.push(Finding::pass(
            findings::PROTECTION_WEAK,
            format!(
                "`{branch}` requires a review and {} check(s), and refuses force pushes",
                protection.required_checks.len()
            ),
        ));
    } else {
        report.push(
            Finding::fail(
                findings::PROTECTION_WEAK,
                Severity::Medium,
                format!("`{branch}` is protected, but {}", weak.join("; ")),
            )
            .fix("require a review and the CI checks, and refuse force pushes"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rulesets_and_classic_protection_add_up() {
        let mut protection = Protection::default();
        from_classic(
            &json!({
                "required_status_checks": { "contexts": ["test"], "checks": [{ "context": "test" }] },
                "allow_force_pushes": { "enabled": true }
            }),
            &mut protection,
        );
        from_rules(
            &[
                json!({ "type": "pull_request", "parameters": { "required_approving_review_count": 2 } }),
                json!({ "type": "non_fast_forward" }),
            ],
            &mut protection,
            true,
        );
        protection.required_checks.dedup();
        assert_eq!(protection.required_reviews, 2);
        assert_eq!(protection.required_checks, ["test"]);
        assert!(!protection.force_push_allowed);
        assert_eq!(protection.sources, ["branch protection", "rulesets"]);
    }

    #[test]
    fn a_ruleset_without_non_fast_forward_allows_force_pushes() {
        let mut protection = Protection::default();
        from_rules(&[json!({ "type": "deletion" })], &mut protection, false);
        assert!(protection.force_push_allowed);
    }
}
