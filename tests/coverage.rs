//! `policies/production-readiness/COVERAGE.md` maps every item of the seed
//! checklists to its gate; this keeps it, the seeds and the pack in sync.

mod common;

use std::collections::{BTreeMap, BTreeSet};

const PACK: &str = "policies/production-readiness";

/// Every item of the seeds: `NNN:line` → its text (checkbox items and the
/// rows of sign-off tables).
fn seed_items() -> BTreeMap<String, String> {
    let mut items = BTreeMap::new();
    for n in ["000", "001", "002", "003", "004"] {
        let path = common::repo().join(format!("{PACK}/seeds/{n}.txt"));
        let text = std::fs::read_to_string(&path).expect("seed is readable");
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let item = trimmed
                .strip_prefix("- [ ] ")
                .or_else(|| trimmed.strip_prefix("- [x] "))
                .map(|t| t.trim().to_owned())
                .or_else(|| {
                    let role = line.strip_prefix("| ")?.split('|').next()?.trim();
                    ["Developer", "DevOps", "Security", "Product Owner"]
                        .contains(&role)
                        .then(|| format!("Sign-off: {role}"))
                });
            if let Some(item) = item {
                items.insert(format!("{n}:{}", index + 1), item);
            }
        }
    }
    items
}

/// A row of COVERAGE.md.
struct Row {
    /// The item's text, quoted.
    item: String,
    /// The rules and labels that gate it.
    gate: String,
    /// How far the rules verify it: `verifies`, `partly: …` or `attested`.
    verdict: String,
}

/// The rows of COVERAGE.md by `NNN:line`.
fn coverage_rows() -> BTreeMap<String, Row> {
    let text = std::fs::read_to_string(common::repo().join(format!("{PACK}/COVERAGE.md")))
        .expect("COVERAGE.md is readable");
    let mut rows = BTreeMap::new();
    let mut seed = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("## seeds/") {
            seed = Some(rest[..3].to_owned());
            continue;
        }
        let (Some(seed), Some(row)) = (&seed, line.strip_prefix("| ")) else {
            continue;
        };
        let Some((number, rest)) = row.split_once(" | ") else {
            continue;
        };
        if number.parse::<u32>().is_err() {
            continue;
        }
        let rest = rest.strip_suffix(" |").expect("row ends with a pipe");
        let (rest, verdict) = rest.rsplit_once(" | ").expect("row has a verdict");
        let (item, gate) = rest.rsplit_once(" | ").expect("row has a gate");
        let previous = rows.insert(
            format!("{seed}:{number}"),
            Row {
                item: item.replace("\\|", "|"),
                gate: gate.to_owned(),
                verdict: verdict.to_owned(),
            },
        );
        assert!(previous.is_none(), "two rows for seeds/{seed}:{number}");
    }
    rows
}

/// The pack's rules, as JSON.
fn rules() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(common::repo().join(format!("{PACK}/gonogo.yaml")))
        .expect("pack is readable");
    let pack: serde_json::Value = serde_saphyr::from_str(&text).expect("pack parses");
    pack["rules"].as_array().expect("rules").clone()
}

/// The pack's rules: id → the seed items it cites.
fn pack_rules() -> BTreeMap<String, BTreeSet<String>> {
    rules()
        .iter()
        .map(|rule| {
            let refs = rule["refs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    let r = r.as_str().expect("ref is a string");
                    r.strip_prefix("seeds/")
                        .expect("refs cite seeds/")
                        .to_owned()
                })
                .collect();
            (rule["id"].as_str().expect("id").to_owned(), refs)
        })
        .collect()
}

/// The rule ids a gate cell names (in backticks).
fn rules_named(gate: &str) -> Vec<String> {
    gate.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_seed_item_has_exactly_one_row_with_its_text() {
    let items = seed_items();
    let rows = coverage_rows();
    assert_eq!(items.len(), 481, "the seeds changed: update COVERAGE.md");
    for (key, text) in &items {
        let row = rows
            .get(key)
            .unwrap_or_else(|| panic!("seeds/{key} ({text}) has no row in COVERAGE.md"));
        assert_eq!(
            &row.item, text,
            "the row of seeds/{key} does not quote the item"
        );
    }
    for key in rows.keys() {
        assert!(
            items.contains_key(key),
            "COVERAGE.md has a row for seeds/{key}, which is no item"
        );
    }
}

#[test]
fn every_gate_is_a_rule_an_attestation_a_provider_or_live() {
    let rules = pack_rules();
    for (key, Row { gate, .. }) in coverage_rows() {
        for part in gate.split(" · ") {
            let known = part.starts_with('`')
                || part.starts_with("attestation (")
                || part.starts_with("provider: ")
                || part.starts_with("live: ");
            assert!(known, "seeds/{key}: unknown gate `{part}`");
        }
        for rule in rules_named(&gate) {
            assert!(
                rules.contains_key(&rule),
                "seeds/{key} names `{rule}`, which the pack lacks"
            );
        }
    }
}

#[test]
fn every_rule_cites_exactly_the_items_that_name_it() {
    let mut named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, Row { gate, .. }) in coverage_rows() {
        for rule in rules_named(&gate) {
            named.entry(rule).or_default().insert(key.clone());
        }
    }
    for (rule, refs) in pack_rules() {
        assert!(!refs.is_empty(), "rule `{rule}` cites no seed item");
        let expected = named.remove(&rule).unwrap_or_default();
        assert_eq!(
            refs, expected,
            "rule `{rule}`: its refs and COVERAGE.md disagree"
        );
    }
}

/// The ids of the pack's attestation rules.
fn attestation_rules() -> BTreeSet<String> {
    rules()
        .iter()
        .filter(|rule| !rule["attestation"].is_null())
        .map(|rule| rule["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Every row's verdict agrees with its gate: `attested` exactly where no
/// rule verifies, and `verifies` or `partly: <what is not checked>` where
/// one does.
#[test]
fn every_row_has_a_verdict_that_agrees_with_its_gate() {
    let attested = attestation_rules();
    for (key, row) in coverage_rows() {
        let verifies = rules_named(&row.gate).iter().any(|r| !attested.contains(r));
        if verifies {
            let partly = row
                .verdict
                .strip_prefix("partly: ")
                .is_some_and(|what| what.trim().len() > 10);
            assert!(
                row.verdict == "verifies" || partly,
                "seeds/{key}: a verifying rule gates it, so its verdict is `verifies` or `partly: <what is not checked>`, not `{}`",
                row.verdict
            );
        } else {
            assert_eq!(
                row.verdict, "attested",
                "seeds/{key}: no rule verifies it, so its verdict is `attested`"
            );
        }
    }
}

/// The totals table at the top of COVERAGE.md is computed from its rows:
/// a changed gate or verdict that is not counted fails here.
#[test]
fn the_totals_are_counted_from_the_rows() {
    let attested = attestation_rules();
    let (mut gated, mut verified, mut verified_only, mut attested_only, mut both, mut provider) =
        (0, 0, 0, 0, 0, 0);
    let (mut in_substance, mut in_part) = (0, 0);
    let rows = coverage_rows();
    for row in rows.values() {
        let gate = &row.gate;
        let rules = rules_named(gate);
        let verifies = rules.iter().any(|r| !attested.contains(r));
        let vouched = rules.iter().any(|r| attested.contains(r));
        gated += usize::from(!rules.is_empty());
        verified += usize::from(verifies);
        verified_only += usize::from(verifies && !vouched);
        attested_only += usize::from(vouched && !verifies);
        both += usize::from(verifies && vouched);
        provider += usize::from(gate.split(" · ").any(|part| part.starts_with("provider: ")));
        in_substance += usize::from(row.verdict == "verifies");
        in_part += usize::from(row.verdict.starts_with("partly: "));
    }
    let text = std::fs::read_to_string(common::repo().join(format!("{PACK}/COVERAGE.md")))
        .expect("COVERAGE.md is readable");
    let total = |label: &str| -> usize {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no totals row `{label}`"));
        line.trim_end_matches('|')
            .rsplit('|')
            .next()
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no number in `{line}`"))
    };
    assert_eq!(total("all items"), rows.len());
    assert_eq!(total("gated by at least one rule"), gated);
    assert_eq!(
        total("verified by a rule (repository, environment, live)"),
        verified
    );
    assert_eq!(total("by verifying rules alone"), verified_only);
    assert_eq!(total("by attestation rules alone"), attested_only);
    assert_eq!(total("by both"), both);
    assert_eq!(total("verified in substance (`verifies`)"), in_substance);
    assert_eq!(total("verified in part (`partly: …`)"), in_part);
    assert_eq!(
        total("about a provider's configuration (`provider-*` attestations meanwhile)"),
        provider
    );
}
