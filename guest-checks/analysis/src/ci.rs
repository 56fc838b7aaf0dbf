//! CI pipelines: GitHub Actions workflows and GitLab CI, read into jobs and
//! steps (shell commands and actions used), with line numbers.

use crate::yaml;
use gonogo_check::workspace;
use serde_json::Value;

/// One step of a job.
#[derive(Debug, Clone)]
pub struct Step {
    /// Its `name:`, if any.
    pub name: Option<String>,
    /// Its shell commands (`run:` or a GitLab `script:` line).
    pub run: Option<String>,
    /// The action it uses (`actions/checkout@v4`).
    pub uses: Option<String>,
    /// Whether a failure of the step is ignored (`continue-on-error: true`).
    pub continue_on_error: bool,
    /// 1-based line.
    pub line: u32,
}

/// One job.
#[derive(Debug, Clone, Default)]
pub struct Job {
    /// Its id.
    pub id: String,
    /// Jobs it waits for (`needs:`).
    pub needs: Vec<String>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
    /// Its `permissions:` block, if any.
    pub permissions: Option<Value>,
    /// Its `if:` condition, if any.
    pub condition: Option<String>,
    /// The deployment environment it targets (`environment:`), if any.
    pub environment: Option<String>,
    /// Its GitLab `stage:`, if any.
    pub stage: Option<String>,
    /// 1-based line of its id.
    pub line: u32,
}

/// One pipeline file.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// Its path.
    pub path: String,
    /// `github-actions` or `gitlab-ci`.
    pub system: &'static str,
    /// The workflow-level `permissions:`, if any.
    pub permissions: Option<Value>,
    /// The events that trigger it (GitHub `on:`).
    pub triggers: Vec<String>,
    /// Its jobs, in file order.
    pub jobs: Vec<Job>,
    /// GitLab `stages:` in order (the default ones when not declared).
    pub stages: Vec<String>,
    /// Why it could not be read or parsed, when it could not.
    pub error: Option<String>,
    /// The 1-based line where the YAML parser stopped, when it says.
    pub error_line: Option<u32>,
}

impl Pipeline {
    /// Every step of every job.
    pub fn steps(&self) -> impl Iterator<Item = (&Job, &Step)> {
        self.jobs
            .iter()
            .flat_map(|job| job.steps.iter().map(move |step| (job, step)))
    }
}

/// Every pipeline of the project.
pub fn pipelines() -> Vec<Pipeline> {
    let mut found = Vec::new();
    for file in workspace::files() {
        let path = file.path;
        let github = path.starts_with(".github/workflows/")
            && (path.ends_with(".yml") || path.ends_with(".yaml"));
        let gitlab = path == ".gitlab-ci.yml" || path.ends_with(".gitlab-ci.yml");
        if !(github || gitlab) {
            continue;
        }
        let (text, unreadable) = match workspace::read_text_or_why(path) {
            Ok(text) => (text, None),
            Err(why) => (String::new(), Some(why)),
        };
        let system = if github {
            "github-actions"
        } else {
            "gitlab-ci"
        };
        let mut pipeline = Pipeline {
            path: path.to_owned(),
            system,
            permissions: None,
            triggers: Vec::new(),
            jobs: Vec::new(),
            stages: Vec::new(),
            error: unreadable,
            error_line: None,
        };
        if pipeline.error.is_none() {
            match yaml::parse_at(&text) {
                Ok(value) if github => read_github(&mut pipeline, &value, &text),
                Ok(value) => read_gitlab(&mut pipeline, &value, &text),
                Err((error, line)) => {
                    pipeline.error = Some(format!("is not valid YAML ({error})"));
                    pipeline.error_line = line;
                }
            }
        }
        found.push(pipeline);
    }
    found
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(yaml::scalar).collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn read_github(pipeline: &mut Pipeline, value: &Value, text: &str) {
    pipeline.permissions = value.get("permissions").cloned();
    // YAML 1.1 readers turn a bare `on:` key into `true`.
    pipeline.triggers = strings(
        value
            .get("on")
            .or_else(|| value.get("true"))
            .unwrap_or(&Value::Null),
    );
    let Some(jobs) = value["jobs"].as_object() else {
        return;
    };
    let jobs_line = yaml::line_of(text, "jobs:", 1).unwrap_or(1);
    for (id, job) in jobs {
        let line = yaml::line_of(text, &format!("{id}:"), jobs_line).unwrap_or(jobs_line);
        let mut cursor = line;
        let steps = job["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|step| {
                let uses = step["uses"].as_str().map(str::to_owned);
                let run = step["run"].as_str().map(str::to_owned);
                let needle = uses.clone().or_else(|| {
                    run.as_ref()
                        .and_then(|r| r.lines().next().map(str::to_owned))
                });
                let step_line = needle
                    .and_then(|n| yaml::line_of(text, n.trim(), cursor))
                    .unwrap_or(cursor);
                cursor = step_line;
                Step {
                    name: step["name"].as_str().map(str::to_owned),
                    run,
                    uses,
                    continue_on_error: step["continue-on-error"] == Value::Bool(true),
                    line: step_line,
                }
            })
            .collect();
        pipeline.jobs.push(Job {
            id: id.clone(),
            needs: strings(&job["needs"]),
            steps,
            permissions: job.get("permissions").cloned(),
            condition: job["if"].as_str().map(str::to_owned),
            environment: job["environment"]
                .as_str()
                .or_else(|| job["environment"]["name"].as_str())
                .map(str::to_owned),
            stage: None,
            line,
        });
    }
}

const GITLAB_KEYWORDS: &[&str] = &[
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
];

fn read_gitlab(pipeline: &mut Pipeline, value: &Value, text: &str) {
    let Some(map) = value.as_object() else {
        return;
    };
    pipeline.stages = match strings(&value["stages"]) {
        stages if stages.is_empty() => [".pre", "build", "test", "deploy", ".post"]
            .map(String::from)
            .to_vec(),
        stages => stages,
    };
    let default_before = strings(&value["default"]["before_script"])
        .into_iter()
        .chain(strings(&value["before_script"]))
        .collect::<Vec<_>>();
    for (id, job) in map {
        if GITLAB_KEYWORDS.contains(&id.as_str()) || id.starts_with('.') || !job.is_object() {
            continue;
        }
        let line = yaml::line_of(text, &format!("{id}:"), 1).unwrap_or(1);
        let mut steps = Vec::new();
        for key in ["before_script", "script"] {
            let commands = if key == "before_script" && job.get(key).is_none() {
                default_before.clone()
            } else {
                strings(&job[key])
            };
            for command in commands {
                let first = command.lines().next().unwrap_or_default().to_owned();
                steps.push(Step {
                    name: None,
                    line: yaml::line_of(text, first.trim(), line).unwrap_or(line),
                    run: Some(command),
                    uses: None,
                    continue_on_error: job["allow_failure"] == Value::Bool(true),
                });
            }
        }
        pipeline.jobs.push(Job {
            id: id.clone(),
            needs: strings(&job["needs"]),
            steps,
            permissions: None,
            condition: job["rules"].as_array().map(|_| "rules".to_owned()),
            environment: job["environment"]
                .as_str()
                .or_else(|| job["environment"]["name"].as_str())
                .map(str::to_owned),
            stage: Some(job["stage"].as_str().unwrap_or("test").to_owned()),
            line,
        });
    }
}

/// How a shell command installs Node dependencies, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Install {
    /// From the lockfile only (`npm ci`, `--frozen-lockfile`, `--immutable`).
    Frozen,
    /// May rewrite the lockfile (`npm install`, plain `yarn`).
    Unfrozen,
}

/// The dependency installs in a shell command: each with its kind and the
/// command text. `in_ci`: pnpm freezes the lockfile by default under CI.
pub fn installs(command: &str, in_ci: bool) -> Vec<(Install, String)> {
    let mut found = Vec::new();
    for part in command.split(['\n', ';', '&', '|']) {
        let words: Vec<&str> = part.split_whitespace().collect();
        let Some(tool) = words
            .iter()
            .position(|w| matches!(*w, "npm" | "yarn" | "pnpm" | "bun"))
        else {
            continue;
        };
        let rest = &words[tool + 1..];
        let sub = rest.iter().find(|w| !w.starts_with('-')).copied();
        let frozen_flag = rest.iter().any(|w| {
            matches!(
                *w,
                "--frozen-lockfile" | "--immutable" | "--ci" | "--frozen"
            )
        });
        let kind = match (words[tool], sub) {
            ("npm", Some("ci")) => Some(Install::Frozen),
            ("npm", Some("install" | "i"))
                if rest.len() == 1 || rest.iter().skip(1).all(|w| w.starts_with('-')) =>
            {
                Some(Install::Unfrozen)
            }
            ("yarn", None | Some("install"))
                if rest.iter().all(|w| w.starts_with('-') || *w == "install") =>
            {
                Some(if frozen_flag {
                    Install::Frozen
                } else {
                    Install::Unfrozen
                })
            }
            ("pnpm", Some("install" | "i")) if in_ci => Some(Install::Frozen),
            ("pnpm" | "bun", Some("install" | "i")) => Some(if frozen_flag {
                Install::Frozen
            } else {
                Install::Unfrozen
            }),
            _ => None,
        };
        if let Some(kind) = kind {
            found.push((kind, part.trim().to_owned()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_are_classified() {
        let kinds = |c: &str| {
            installs(c, false)
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds("npm ci --omit=dev"), [Install::Frozen]);
        assert_eq!(kinds("npm install"), [Install::Unfrozen]);
        assert_eq!(kinds("npm install express"), []);
        assert_eq!(
            kinds("yarn install --frozen-lockfile && yarn build"),
            [Install::Frozen]
        );
        assert_eq!(kinds("yarn"), [Install::Unfrozen]);
        assert_eq!(kinds("pnpm i --frozen-lockfile"), [Install::Frozen]);
        assert_eq!(kinds("npm run build"), []);
        assert_eq!(installs("pnpm install", true)[0].0, Install::Frozen);
    }
}
