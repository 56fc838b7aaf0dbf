//! The repository's Prisma migrations against `_prisma_migrations`.
//!
//! A Prisma migrations folder is the one beside a `migration_lock.toml`;
//! each migration is a subfolder holding `migration.sql`. Copies kept for
//! reference (under `node_modules`, an archive, examples or test fixtures)
//! are not what is deployed and are left out.

use std::collections::{BTreeMap, BTreeSet};

/// One migrations folder of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The folder, relative to the project root.
    pub path: String,
    /// Its migrations, by name, sorted.
    pub names: Vec<String>,
}

/// Whether `path` is a copy that is not deployed.
fn is_reference_copy(path: &str) -> bool {
    path.split('/').any(|part| {
        let part = part.to_ascii_lowercase();
        part == "node_modules"
            || part.contains("archive")
            || part == "examples"
            || part == "example"
            || part == "fixtures"
            || part == "__tests__"
            || part == "test"
            || part == "tests"
    })
}

/// The Prisma migrations folders among `paths` (files of the project).
pub fn folders<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<Folder> {
    let paths: Vec<&str> = paths.collect();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &paths {
        if let Some(folder) = path.strip_suffix("/migration_lock.toml")
            && !is_reference_copy(folder)
        {
            found.entry(folder.to_owned()).or_default();
        }
    }
    for path in &paths {
        let Some(rest) = path.strip_suffix("/migration.sql") else {
            continue;
        };
        let Some((folder, name)) = rest.rsplit_once('/') else {
            continue;
        };
        if let Some(names) = found.get_mut(folder) {
            names.insert(name.to_owned());
        }
    }
    found
        .into_iter()
        .map(|(path, names)| Folder {
            path,
            names: names.into_iter().collect(),
        })
        .collect()
}

/// One row of `_prisma_migrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The migration's name.
    pub name: String,
    /// It finished.
    pub finished: bool,
    /// It was rolled back.
    pub rolled_back: bool,
}

/// What the database holds of a folder's migrations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Applied and finished.
    pub applied: Vec<String>,
    /// In the repository, never applied.
    pub missing: Vec<String>,
    /// Started and neither finished nor rolled back (Prisma blocks later
    /// deploys until resolved).
    pub failed: Vec<String>,
    /// Rolled back and not applied since.
    pub rolled_back: Vec<String>,
}

/// Compares a folder with the rows of `_prisma_migrations`.
pub fn compare(folder: &Folder, rows: &[Applied]) -> Comparison {
    let mut comparison = Comparison::default();
    for name in &folder.names {
        let mine: Vec<&Applied> = rows.iter().filter(|r| r.name == *name).collect();
        if mine.iter().any(|r| r.finished && !r.rolled_back) {
            comparison.applied.push(name.clone());
        } else if mine.iter().any(|r| !r.finished && !r.rolled_back) {
            comparison.failed.push(name.clone());
        } else if mine.iter().any(|r| r.rolled_back) {
            comparison.rolled_back.push(name.clone());
        } else {
            comparison.missing.push(name.clone());
        }
    }
    // A failed row in the database blocks deploys even when its folder is
    // gone from the repository.
    for row in rows {
        if !row.finished
            && !row.rolled_back
            && !folder.names.contains(&row.name)
            && !rows.iter().any(|r| r.name == row.name && r.finished)
            && !comparison.failed.contains(&row.name)
        {
            comparison.failed.push(row.name.clone());
        }
    }
    comparison
}

/// The folder the database was migrated from: the one most of whose
/// migrations it holds (the first on a tie).
pub fn best<'a>(folders: &'a [Folder], rows: &[Applied]) -> Option<&'a Folder> {
    let mut best: Option<(&Folder, usize)> = None;
    for folder in folders {
        let held = folder
            .names
            .iter()
            .filter(|n| rows.iter().any(|r| r.name == **n))
            .count();
        if best.is_none_or(|(_, most)| held > most) {
            best = Some((folder, held));
        }
    }
    best.map(|(folder, _)| folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(name: &str, finished: bool, rolled_back: bool) -> Applied {
        Applied {
            name: name.into(),
            finished,
            rolled_back,
        }
    }

    #[test]
    fn finds_the_deployed_folders_only() {
        let paths = [
            "prisma/migrations/migration_lock.toml",
            "prisma/migrations/20240101_init/migration.sql",
            "prisma/migrations/20240202_users/migration.sql",
            "prisma/migrations/README.md",
            "_archive/old/prisma/migrations/migration_lock.toml",
            "_archive/old/prisma/migrations/2019_x/migration.sql",
            "node_modules/pkg/prisma/migrations/migration_lock.toml",
        ];
        let found = folders(paths.into_iter());
        assert_eq!(
            found,
            [Folder {
                path: "prisma/migrations".into(),
                names: vec!["20240101_init".into(), "20240202_users".into()],
            }]
        );
    }

    #[test]
    fn tells_applied_missing_failed_and_rolled_back() {
        let folder = Folder {
            path: "prisma/migrations".into(),
            names: ["a", "b", "c", "d", "e"].map(String::from).to_vec(),
        };
        let rows = [
            applied("a", true, false),
            applied("b", false, false),
            applied("c", false, true),
            applied("d", false, true),
            applied("d", true, false),
            applied("z", false, false),
        ];
        let comparison = compare(&folder, &rows);
        assert_eq!(comparison.applied, ["a", "d"]);
        assert_eq!(comparison.failed, ["b", "z"]);
        assert_eq!(comparison.rolled_back, ["c"]);
        assert_eq!(comparison.missing, ["e"]);
    }

    #[test]
    fn picks_the_folder_the_database_holds() {
        let folders = [
            Folder {
                path: "apps/admin/prisma/migrations".into(),
                names: vec!["x1".into()],
            },
            Folder {
                path: "apps/api/prisma/migrations".into(),
                names: vec!["a".into(), "b".into()],
            },
        ];
        let rows = [applied("a", true, false), applied("b", true, false)];
        assert_eq!(
            best(&folders, &rows).map(|f| f.path.as_str()),
            Some("apps/api/prisma/migrations")
        );
    }
}
