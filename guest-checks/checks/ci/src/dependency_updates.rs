//! How dependencies are kept current: a Dependabot configuration with an
//! `npm` update schedule, or Renovate (`renovate.json`, `.renovaterc`,
//! `.github/renovate.json5`, or a `renovate` key in `package.json`).

use gonogo_analysis::{graph, yaml};
use gonogo_check::{Value, json, workspace};

/// Where Renovate reads its configuration.
const RENOVATE_FILES: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
];

/// The update bot and its schedule: `tool` (`dependabot`, `renovate` or
/// null), `path`, `interval` (Dependabot's `daily`, `weekly`, `monthly`,
/// `quarterly`…, or Renovate's `schedule` text, `as released` without
/// one), and `npm` (whether npm dependencies are updated).
pub fn dependency_updates() -> Value {
    for path in [".github/dependabot.yml", ".github/dependabot.yaml"] {
        let Some(text) = workspace::read_text(path) else {
            continue;
        };
        let Ok(config) = yaml::parse(&text) else {
            return json!({"tool": "dependabot", "path": path, "interval": null, "npm": false, "error": "is not valid YAML"});
        };
        let npm = config["updates"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|u| u["package-ecosystem"] == "npm");
        return json!({
            "tool": "dependabot",
            "path": path,
            "interval": npm.and_then(|u| u["schedule"]["interval"].as_str()),
            "npm": npm.is_some(),
        });
    }
    let in_manifest = workspace::read_text("package.json")
        .and_then(|t| graph::parse_jsonc(&t))
        .filter(|m| !m["renovate"].is_null())
        .map(|m| ("package.json", Some(m["renovate"].clone())));
    let found = RENOVATE_FILES
        .iter()
        .find_map(|path| Some((*path, graph::parse_jsonc(&workspace::read_text(path)?))))
        .or(in_manifest);
    match found {
        // JSON5 beyond comments and trailing commas is not read: the
        // schedule is unknown, not assumed.
        Some((path, None)) => {
            json!({"tool": "renovate", "path": path, "interval": null, "npm": true, "error": "not read (JSON5)"})
        }
        Some((path, Some(config))) => {
            let schedule = match &config["schedule"] {
                Value::String(one) => Some(one.clone()),
                Value::Array(many) => Some(
                    many.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => None,
            };
            // Renovate updates every manager it finds unless told otherwise.
            let npm_disabled = config["npm"]["enabled"] == false
                || config["enabledManagers"]
                    .as_array()
                    .is_some_and(|m| !m.iter().any(|x| x == "npm"));
            json!({
                "tool": "renovate",
                "path": path,
                "interval": schedule.unwrap_or_else(|| "as released".to_owned()),
                "npm": !npm_disabled,
            })
        }
        None => json!({"tool": null, "path": null, "interval": null, "npm": false}),
    }
}
