//! The commit's check runs: all finished and green, and by topic.

use crate::findings;
use gonogo_check::api::Api;
use gonogo_check::{Finding, Report, Severity, Value, json};
use std::collections::BTreeMap;

/// The default topics: run names that hold one of these words.
pub fn default_topics() -> BTreeMap<String, Vec<String>> {
    let topic = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
    BTreeMap::from([
        ("unit".to_owned(), topic(&["unit", "test"])),
        ("integration".to_owned(), topic(&["integration"])),
        (
            "e2e".to_owned(),
            topic(&["e2e", "end-to-end", "playwright", "cypress"]),
        ),
        (
            "security".to_owned(),
            topic(&["security", "codeql", "audit", "snyk", "trivy", "semgrep"]),
        ),
        (
            "performance".to_owned(),
            topic(&["performance", "perf", "load", "k6", "lighthouse"]),
        ),
        ("build".to_owned(), topic(&["build", "docker", "image"])),
    ])
}

/// One check run, as the facts need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Its name (the job's name for GitHub Actions).
    pub name: String,
    /// `queued`, `in_progress`, `completed`…
    pub status: String,
    /// `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`… when completed.
    pub conclusion: Option<String>,
}

impl Run {
    fn from(value: &Value) -> Option<Run> {
        Some(Run {
            name: value.get("name")?.as_str()?.to_owned(),
            status: value.get("status")?.as_str()?.to_owned(),
            conclusion: value
                .get("conclusion")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    fn finished(&self) -> bool {
        self.status == "completed"
    }

    /// Passed: success or neutral (a skipped run did not test anything).
    fn passed(&self) -> bool {
        self.finished() && matches!(self.conclusion.as_deref(), Some("success" | "neutral"))
    }

    /// Failed: finished otherwise than passed or skipped.
    fn failed(&self) -> bool {
        self.finished() && !self.passed() && self.conclusion.as_deref() != Some("skipped")
    }
}

/// The facts of the runs: totals, failed and pending names, and by topic.
pub fn summarise(runs: &[Run], topics: &BTreeMap<String, Vec<String>>) -> Value {
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    let failed: Vec<&str> = runs
        .iter()
        .filter(|r| r.failed())
        .map(|r| r.name.as_str())
        .collect();
    let pending: Vec<&str> = runs
        .iter()
        .filter(|r| !r.finished())
        .map(|r| r.name.as_str())
        .collect();
    let mut by_topic = serde_json::Map::new();
    for (topic, words) in topics {
        let matches = |name: &str, words: &[String]| {
            words.iter().any(|w| name.contains(&w.to_ascii_lowercase()))
        };
        let jobs: Vec<&Run> = runs
            .iter()
            .filter(|r| {
                let name = r.name.to_ascii_lowercase();
                if !matches(&name, words) {
                    return false;
                }
                // "Integration tests" holds "test" but is no unit run:
                // a run named for another topic is a unit run only when
                // its name says `unit`.
                topic != "unit"
                    || name.contains("unit")
                    || !topics.iter().any(|(other, words)| {
                        other != "unit" && other != "build" && matches(&name, words)
                    })
            })
            .collect();
        let passed = (!jobs.is_empty()).then(|| jobs.iter().all(|r| r.passed()));
        by_topic.insert(
            topic.clone(),
            json!({ "jobs": jobs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), "passed": passed }),
        );
    }
    json!({
        "total": runs.len(),
        "names": names,
        "failed": failed,
        "pending": pending,
        "topics": by_topic,
    })
}

/// Reads the commit's check runs and reports on them.
pub fn judge(
    report: &mut Report,
    api: &Api,
    repo_path: &str,
    commit: &str,
    topics: &BTreeMap<String, Vec<String>>,
    ignored: &[String],
) {
    let path = format!("{repo_path}/commits/{commit}/check-runs?per_page=100");
    let listed = match api.get_all(&path, Some("check_runs")) {
        Ok(listed) => listed,
        Err(error) => {
            report.push(Finding::error(
                findings::RUNS_MISSING,
                format!("the check runs of {commit} could not be read: {error}"),
            ));
            report.fact("runs", Value::Null);
            return;
        }
    };
    let all: Vec<Run> = listed.iter().filter_map(Run::from).collect();
    if all.len() != listed.len() {
        report.push(Finding::error(
            findings::RUNS_MISSING,
            "a check run of the commit has no name or status: GitHub's answer is not the one documented",
        ));
    }
    let runs: Vec<Run> = all
        .into_iter()
        .filter(|r| {
            let name = r.name.to_ascii_lowercase();
            !ignored
                .iter()
                .any(|i| !i.is_empty() && name.contains(&i.to_ascii_lowercase()))
        })
        .collect();
    let summary = summarise(&runs, topics);
    let short = &commit[..commit.len().min(12)];
    if runs.is_empty() {
        report.push(
            Finding::fail(
                findings::RUNS_MISSING,
                Severity::High,
                format!("no check ran on {short}"),
            )
            .fix("run the pipeline on this commit before gating it"),
        );
    } else {
        let pending: Vec<&Run> = runs.iter().filter(|r| !r.finished()).collect();
        if !pending.is_empty() {
            report.push(
                Finding::fail(
                    findings::RUNS_MISSING,
                    Severity::High,
                    format!(
                        "{} check run(s) of {short} have not finished: {}",
                        pending.len(),
                        pending
                            .iter()
                            .map(|r| r.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .fix("gate after the pipeline has finished (`needs:` the test jobs)"),
            );
        }
        for run in runs.iter().filter(|r| r.failed()) {
            report.push(
                Finding::fail(
                    findings::RUN_FAILED,
                    Severity::Critical,
                    format!(
                        "`{}` ended `{}` on {short}",
                        run.name,
                        run.conclusion.as_deref().unwrap_or("?")
                    ),
                )
                .fix("fix what it reports and run it again"),
            );
        }
        if pending.is_empty() && !runs.iter().any(Run::failed) {
            report.push(Finding::pass(
                findings::RUN_FAILED,
                format!("the {} check runs of {short} passed", runs.len()),
            ));
        }
    }
    report.fact("runs", summary);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, status: &str, conclusion: Option<&str>) -> Run {
        Run {
            name: name.into(),
            status: status.into(),
            conclusion: conclusion.map(str::to_owned),
        }
    }

    #[test]
    fn topics_pass_only_when_every_matching_run_passed() {
        let runs = [
            run("test (unit)", "completed", Some("success")),
            run("Integration tests", "completed", Some("failure")),
            run("e2e / playwright", "completed", Some("skipped")),
            run("build-image", "in_progress", None),
            run("lint", "completed", Some("success")),
        ];
        let facts = summarise(&runs, &default_topics());
        assert_eq!(facts["failed"], json!(["Integration tests"]));
        assert_eq!(facts["pending"], json!(["build-image"]));
        assert_eq!(facts["topics"]["unit"]["passed"], json!(true));
        assert_eq!(facts["topics"]["unit"]["jobs"], json!(["test (unit)"]));
        assert_eq!(facts["topics"]["integration"]["passed"], json!(false));
        assert_eq!(
            facts["topics"]["e2e"]["passed"],
            json!(false),
            "a skipped run tested nothing"
        );
        assert_eq!(facts["topics"]["build"]["passed"], json!(false));
        assert_eq!(facts["topics"]["security"]["passed"], Value::Null);
    }
}
