//! Where a failing rule is, for formats that must name a file (SARIF,
//! GitLab Code Quality): its check's located findings, else the rule in the
//! pack file when the pack is in the repository, else the project's
//! manifest or README, else the project folder. Paths start at the root of
//! the git repository (the project's folder outside git).

use super::Report;
use crate::eval::RuleResult;

/// The places of `rule`, each a path from the repository's root and a line
/// when known, without repeats, in the order of its findings.
pub fn of(report: &Report, rule: &RuleResult) -> Vec<(String, Option<u32>)> {
    let target = &report.target;
    let mut places: Vec<(String, Option<u32>)> = Vec::new();
    for location in report.evidence(rule).filter_map(|f| f.location.as_ref()) {
        let place = (target.from_repository_root(&location.path), location.line);
        if !places.contains(&place) {
            places.push(place);
        }
    }
    if places.is_empty()
        && let Some(pack) = in_repository(report, &rule.defined_at.0)
    {
        places.push((pack, Some(rule.defined_at.1)));
    }
    if places.is_empty() {
        let project = std::path::Path::new(&target.path);
        let file = ["package.json", "README.md"]
            .into_iter()
            .find(|name| project.join(name).is_file());
        let path = match file {
            Some(name) => target.from_repository_root(name),
            None => target
                .path_in_repository
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| ".".into()),
        };
        places.push((path, None));
    }
    places
}

/// A pack file as seen from the repository's root (the project's, outside
/// git), when it lives there.
fn in_repository(report: &Report, file: &str) -> Option<String> {
    let root = match &report.target.repository_root {
        Some(root) => root.clone(),
        None => std::path::Path::new(&report.target.path)
            .canonicalize()
            .ok()?,
    };
    let pack = std::path::Path::new(file).canonicalize().ok()?;
    let relative = pack.strip_prefix(root).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}
