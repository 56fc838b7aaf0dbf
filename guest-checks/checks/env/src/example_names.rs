//! The variables a service documents as its configuration: the names
//! assigned in its example env files (`.env.example`, `.env.sample`,
//! `.env.template`, `env.example`, `.env.dist`), and the names of the
//! deployment's environment when the pack grants them (`env_names`, the
//! host's `GONOGO_ENV_NAMES`): names only, never a value.

use gonogo_check::{Value, json, workspace};

/// The variable in which the host gives the env source's names.
pub const NAMES_VARIABLE: &str = "GONOGO_ENV_NAMES";

/// Whether a file name marks an example of a service's configuration.
pub fn is_example_env_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let parts: Vec<&str> = name.split(['.', '-', '_']).collect();
    parts.contains(&"env")
        && parts
            .iter()
            .any(|p| matches!(*p, "example" | "sample" | "template" | "dist"))
}

/// The names assigned in an env file's text (`NAME=…`, `export NAME=…`),
/// in order, each once; comments and other lines are passed over.
pub fn assigned_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if valid && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// The example env files of the project (outside `node_modules`), each
/// with its folder (`""` at the root) and the names it assigns.
pub fn example_files() -> Vec<Value> {
    workspace::files()
        .iter()
        .filter(|f| is_example_env_file(f.path) && !f.path.split('/').any(|p| p == "node_modules"))
        .filter_map(|f| {
            let text = workspace::read_text(f.path)?;
            let dir = f.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            Some(json!({"path": f.path, "dir": dir, "names": assigned_names(&text)}))
        })
        .collect()
}

/// Which of the names that `example_files` assign the deployment sets,
/// when the host gives its names; its other names are not reported.
pub fn deployment_names_in(example_files: &[Value]) -> Option<Vec<String>> {
    let names = std::env::var(NAMES_VARIABLE).ok()?;
    Some(set_example_names(&names, example_files))
}

/// The names of the comma-separated `deployment` that an example file
/// assigns, sorted.
fn set_example_names(deployment: &str, example_files: &[Value]) -> Vec<String> {
    let documented = |name: &str| {
        example_files.iter().any(|f| {
            f["names"]
                .as_array()
                .is_some_and(|names| names.iter().any(|n| n == name))
        })
    };
    let mut set: Vec<String> = deployment
        .split(',')
        .filter(|n| !n.is_empty() && *n != NAMES_VARIABLE && documented(n))
        .map(str::to_owned)
        .collect();
    set.sort();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_files_are_told_from_others() {
        assert!(is_example_env_file(".env.example"));
        assert!(is_example_env_file("apps/api/.env.template"));
        assert!(is_example_env_file("env.sample"));
        assert!(is_example_env_file("env-example-relational"));
        assert!(!is_example_env_file(".env"));
        assert!(!is_example_env_file(".env.development"));
        assert!(!is_example_env_file("src/environment.example.ts"));
    }

    #[test]
    fn names_are_read_from_assignments() {
        let text = "# the database\nDATABASE_URL=postgresql://user:pass@localhost/db\nexport JWT_SECRET=\n  REDIS_URL = redis://localhost\n# OPTIONAL=1\nnot a line\n1BAD=x\nDATABASE_URL=again\n";
        assert_eq!(
            assigned_names(text),
            ["DATABASE_URL", "JWT_SECRET", "REDIS_URL"]
        );
    }

    #[test]
    fn only_the_deployment_names_an_example_documents_are_reported() {
        let examples =
            [json!({"path": ".env.example", "dir": "", "names": ["DATABASE_URL", "JWT_SECRET"]})];
        assert_eq!(
            set_example_names(
                "HOME,JWT_SECRET,CI_RUNNER_TOKEN,DATABASE_URL,GONOGO_ENV_NAMES",
                &examples
            ),
            ["DATABASE_URL", "JWT_SECRET"]
        );
        assert!(set_example_names("HOME,PATH", &examples).is_empty());
    }
}
