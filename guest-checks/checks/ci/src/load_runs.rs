//! Load tests the pipeline runs: steps that run k6 or Artillery
//! (`k6 run`, `artillery run`, the k6 and Artillery actions, or a
//! `package.json` script that runs one), and whether their failure fails
//! the pipeline.

use gonogo_analysis::ci::{Pipeline, Step};
use gonogo_analysis::graph;
use gonogo_check::{Value, json, workspace};

/// Commands that run a load test.
const LOAD_COMMANDS: &[&str] = &[
    "k6 run",
    "k6 cloud",
    "artillery run",
    "artillery run-fargate",
];
/// Actions that run a load test.
const LOAD_ACTIONS: &[&str] = &[
    "grafana/k6-action",
    "grafana/run-k6-action",
    "artilleryio/action-cli",
];
/// Package managers' ways of running a `package.json` script.
const SCRIPT_RUNNERS: &[&str] = &[
    "npm run",
    "npm run-script",
    "pnpm run",
    "pnpm",
    "yarn run",
    "yarn",
    "bun run",
];

/// Names of the root `package.json` scripts that run a load test.
pub fn load_scripts() -> Vec<String> {
    let Some(text) = workspace::read_text("package.json") else {
        return Vec::new();
    };
    let Some(manifest) = graph::parse_jsonc(&text) else {
        return Vec::new();
    };
    let Some(scripts) = manifest["scripts"].as_object() else {
        return Vec::new();
    };
    scripts
        .iter()
        .filter(|(_, command)| command.as_str().is_some_and(runs_load_command))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Whether a shell command runs k6 or Artillery.
fn runs_load_command(command: &str) -> bool {
    command.lines().any(|line| {
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        LOAD_COMMANDS.iter().any(|c| {
            words.starts_with(&format!("{c} "))
                || words.contains(&format!(" {c} "))
                || words.contains(&format!("npx {c} "))
                || words.contains(&format!("/{c} "))
        })
    })
}

/// Whether `step` runs a load test, directly, by an action, or through
/// one of the `scripts` of `package.json`.
fn runs_load_test(step: &Step, scripts: &[String]) -> bool {
    if let Some(uses) = &step.uses
        && LOAD_ACTIONS
            .iter()
            .any(|a| uses.starts_with(&format!("{a}@")))
    {
        return true;
    }
    let Some(run) = &step.run else {
        return false;
    };
    runs_load_command(&format!("{run} "))
        || run.lines().any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let line = words.join(" ");
            scripts.iter().any(|script| {
                SCRIPT_RUNNERS.iter().any(|runner| {
                    let call = format!("{runner} {script}");
                    line == call
                        || line.starts_with(&format!("{call} "))
                        || line.contains(&format!("&& {call}"))
                })
            })
        })
}

/// The steps of `pipelines` that run a load test: `path`, `line`, `job`,
/// and `can_fail` (false when `continue-on-error` or `|| true` ignores it).
pub fn load_test_runs(
    pipelines: &[Pipeline],
    scripts: &[String],
    swallows_failure: fn(&str) -> bool,
) -> Vec<Value> {
    let mut runs = Vec::new();
    for pipeline in pipelines {
        for (job, step) in pipeline.steps() {
            if runs_load_test(step, scripts) {
                let ignored =
                    step.continue_on_error || step.run.as_deref().is_some_and(swallows_failure);
                runs.push(json!({
                    "path": pipeline.path,
                    "line": step.line,
                    "job": job.id,
                    "can_fail": !ignored,
                }));
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(run: Option<&str>, uses: Option<&str>) -> Step {
        Step {
            name: None,
            run: run.map(str::to_owned),
            uses: uses.map(str::to_owned),
            continue_on_error: false,
            line: 1,
        }
    }

    #[test]
    fn k6_and_artillery_are_found_by_command_action_and_script() {
        let scripts = vec!["test:load".to_owned()];
        for (run, uses) in [
            (Some("k6 run load/smoke.js"), None),
            (
                Some("npx artillery run load.yml --output report.json"),
                None,
            ),
            (Some("cd perf && k6 run script.js"), None),
            (None, Some("grafana/run-k6-action@v1")),
            (Some("npm run test:load"), None),
            (Some("pnpm test:load -- --env staging"), None),
        ] {
            assert!(
                runs_load_test(&step(run, uses), &scripts),
                "{run:?} {uses:?}"
            );
        }
        for (run, uses) in [
            (Some("npm test"), None),
            (Some("echo k6 is not run here"), None),
            (Some("npm run test:loader"), None),
            (None, Some("grafana/setup-k6-action@v1")),
        ] {
            assert!(
                !runs_load_test(&step(run, uses), &scripts),
                "{run:?} {uses:?}"
            );
        }
    }

    #[test]
    fn a_script_runs_a_load_test_by_its_command() {
        assert!(runs_load_command("k6 run --vus 10 load/smoke.js"));
        assert!(runs_load_command("./node_modules/.bin/artillery run a.yml"));
        assert!(!runs_load_command("jest --runInBand"));
    }
}
