//! Production secrets that are values of the repository's development or
//! example env files (`.env.example`, `.env.development`, `.env.test`…):
//! a value that was ever written there is known to everyone who can read
//! the repository. Values are compared here and never reported; only the
//! file, line and variable name are. Production-named files (`.env`,
//! `.env.production`, `.env.staging`) are not compared: the deployment's
//! own values may come from them.

use gonogo_check::workspace;

/// One value of a development or example env file.
pub struct DevValue {
    /// The file, relative to the project.
    pub path: String,
    /// Its 1-based line.
    pub line: u32,
    /// The variable it is assigned to there.
    pub name: String,
    value: String,
}

/// Shortest value compared: shorter ones (`true`, `3000`) are not secrets
/// and repeat by chance.
const MIN_LENGTH: usize = 8;

/// Whether a file name marks development or example values.
pub fn is_development_env_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let env_like = name.split('.').any(|part| part == "env");
    let marks = [
        "example",
        "sample",
        "template",
        "dist",
        "dev",
        "development",
        "local",
        "test",
        "ci",
        "docker",
        "defaults",
    ];
    env_like
        && name
            .split(['.', '-', '_'])
            .any(|part| marks.contains(&part))
}

/// The project's development and example env files, and every assignment
/// in them.
pub fn collect() -> (Vec<String>, Vec<DevValue>) {
    let mut files = Vec::new();
    let mut found = Vec::new();
    for file in workspace::files()
        .iter()
        .filter(|f| is_development_env_file(f.path))
    {
        if file.path.split('/').any(|p| p == "node_modules") {
            continue;
        }
        let Some(text) = workspace::read_text(file.path) else {
            continue;
        };
        files.push(file.path.to_owned());
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            if name.trim_start().starts_with('#') {
                continue;
            }
            let value = value.trim().trim_matches(['"', '\'']).to_owned();
            if value.chars().count() >= MIN_LENGTH {
                found.push(DevValue {
                    path: file.path.to_owned(),
                    line: index as u32 + 1,
                    name: name.trim().to_owned(),
                    value,
                });
            }
        }
    }
    (files, found)
}

/// The first development value equal to `value`.
pub fn find<'a>(values: &'a [DevValue], value: &str) -> Option<&'a DevValue> {
    values.iter().find(|dev| dev.value == value)
}

#[cfg(test)]
mod tests {
    use super::is_development_env_file;

    #[test]
    fn development_and_example_files_are_told_from_production_ones() {
        for path in [
            ".env.example",
            ".env.development",
            "apps/api/.env.test",
            ".env.local",
            "env.sample",
            "docker.env.example",
            ".env.ci",
        ] {
            assert!(is_development_env_file(path), "{path}");
        }
        for path in [
            ".env",
            ".env.production",
            ".env.staging",
            "prod.env",
            "src/environment.ts",
        ] {
            assert!(!is_development_env_file(path), "{path}");
        }
    }
}
