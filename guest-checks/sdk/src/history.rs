//! What the project's git history added (the WIT `workspace.history`),
//! for a check granted `git_history`: the lines each commit added, grouped
//! by commit and file, newest commit first.

use crate::bindings::gonogo::check::workspace as wit;

/// What the history added, as the host read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Commits read, newest first (at most 1,000).
    pub commits: u32,
    /// Whether older commits were left unread.
    pub truncated: bool,
    /// Whether the clone is shallow (its oldest commit reads as adding
    /// every file, and the commits before it are not there).
    pub shallow: bool,
    added: String,
}

/// The lines one commit added to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedLines<'a> {
    /// The commit's full sha.
    pub commit: &'a str,
    /// The file, relative to the project root.
    pub path: &'a str,
    /// Each added line: its number in the file after the commit, and its
    /// text (cut at 8 KiB).
    pub lines: Vec<(u32, &'a str)>,
}

/// The project's history, or why it cannot be read (not granted, not a
/// git work tree, git failed).
pub fn history() -> Result<History, String> {
    let answer = wit::history()?;
    Ok(History {
        commits: answer.commits,
        truncated: answer.truncated,
        shallow: answer.shallow,
        added: match String::from_utf8(answer.added) {
            Ok(text) => text,
            Err(not_utf8) => String::from_utf8_lossy(not_utf8.as_bytes()).into_owned(),
        },
    })
}

impl History {
    /// A history of `commits` from the packed text the host gives (for
    /// tests of checks).
    pub fn from_packed(commits: u32, added: &str) -> History {
        History {
            commits,
            added: added.to_owned(),
            ..History::default()
        }
    }

    /// The lines each commit added to each file, newest commit first.
    pub fn added(&self) -> Vec<AddedLines<'_>> {
        let mut groups: Vec<AddedLines<'_>> = Vec::new();
        let mut commit = "";
        for record in self.added.lines() {
            if let Some(sha) = record.strip_prefix("commit ") {
                commit = sha;
            } else if let Some(path) = record.strip_prefix("file ") {
                groups.push(AddedLines {
                    commit,
                    path,
                    lines: Vec::new(),
                });
            } else if let (Some(group), Some((number, text))) =
                (groups.last_mut(), record.split_once(' '))
                && let Ok(number) = number.parse()
            {
                group.lines.push((number, text));
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_are_grouped_by_commit_and_file() {
        let history = History::from_packed(
            2,
            "commit aaa\nfile a.env\n3 KEY=1\n4 \nfile b.ts\n1 x y\ncommit bbb\nfile a.env\n1 KEY=0\n",
        );
        let added = history.added();
        assert_eq!(added.len(), 3);
        assert_eq!(
            added[0],
            AddedLines {
                commit: "aaa",
                path: "a.env",
                lines: vec![(3, "KEY=1"), (4, "")],
            }
        );
        assert_eq!(added[1].lines, vec![(1, "x y")]);
        assert_eq!((added[2].commit, added[2].path), ("bbb", "a.env"));
    }
}
