//! The `workspace` interface: the project's files and their git status,
//! scanned once per run (on the first call of any check) and shared. What
//! a check asks is noted in its trace, when outcomes are stored.

use super::bindings::gonogo::check::workspace::{self, FileEntry, VcsKind as Vcs};
use super::reuse::imports::Import;
use super::state::CheckState;

/// Most paths one `ignored` or `present` call may ask about.
pub(super) const MAX_PATHS_PER_QUESTION: usize = 10_000;

/// `answer` for the first [`MAX_PATHS_PER_QUESTION`] paths, false for the
/// rest: every path gets an answer.
fn capped(paths: &[String], answer: impl FnOnce(&[String]) -> Vec<bool>) -> Vec<bool> {
    let mut answers = answer(&paths[..paths.len().min(MAX_PATHS_PER_QUESTION)]);
    answers.resize(paths.len(), false);
    answers
}

/// The answers to an `ignored` call: paths past the limit are not ignored.
pub(super) fn ignored_answers(
    workspace: &crate::workspace::SharedWorkspace,
    paths: &[String],
) -> Vec<bool> {
    capped(paths, |paths| workspace.ignored(paths))
}

/// The answers to a `present` call: paths past the limit are not present.
pub(super) fn present_answers(
    workspace: &crate::workspace::SharedWorkspace,
    paths: &[String],
) -> Vec<bool> {
    capped(paths, |paths| workspace.present(paths))
}

impl workspace::Host for CheckState {
    fn vcs(&mut self) -> Vcs {
        self.asked(Import::WorkspaceVcs);
        if let Some(trace) = &mut self.trace {
            trace.asked_listing();
        }
        match self.workspace.get().vcs {
            crate::workspace::Vcs::Git => Vcs::Git,
            crate::workspace::Vcs::None => Vcs::None,
            crate::workspace::Vcs::Unknown => Vcs::Unknown,
        }
    }

    fn files(&mut self) -> Vec<FileEntry> {
        self.asked(Import::WorkspaceFiles);
        if let Some(trace) = &mut self.trace {
            trace.asked_listing();
        }
        self.workspace
            .get()
            .files
            .iter()
            .map(|file| FileEntry {
                path: file.path.clone(),
                tracked: file.tracked,
            })
            .collect()
    }

    fn files_packed(&mut self) -> workspace::PackedFiles {
        self.asked(Import::WorkspaceFilesPacked);
        if let Some(trace) = &mut self.trace {
            trace.asked_listing();
        }
        let packed = self.workspace.packed();
        workspace::PackedFiles {
            paths: packed.paths.clone(),
            tracked: packed.tracked.clone(),
        }
    }

    fn files_in(&mut self, folder: String) -> workspace::PackedFiles {
        self.asked(Import::WorkspaceFilesIn);
        let packed = self.workspace.packed_in(&folder);
        if let Some(trace) = &mut self.trace {
            trace.listed_folder(folder);
        }
        workspace::PackedFiles {
            paths: packed.paths,
            tracked: packed.tracked,
        }
    }

    fn ignored(&mut self, paths: Vec<String>) -> Vec<bool> {
        self.asked(Import::WorkspaceIgnored);
        let answers = ignored_answers(&self.workspace, &paths);
        if let Some(trace) = &mut self.trace {
            trace.ignored(paths, answers.clone());
        }
        answers
    }

    fn present(&mut self, paths: Vec<String>) -> Vec<bool> {
        self.asked(Import::WorkspacePresent);
        let answers = present_answers(&self.workspace, &paths);
        if let Some(trace) = &mut self.trace {
            trace.present(paths, answers.clone());
        }
        answers
    }

    fn history(&mut self) -> Result<workspace::HistoryAdditions, String> {
        self.asked(Import::WorkspaceHistory);
        if !self.git_history {
            return Err(
                "the policy does not grant this check the project's git history (`grants.git_history: true`)"
                    .into(),
            );
        }
        let history = self.workspace.history()?;
        Ok(workspace::HistoryAdditions {
            commits: history.commits,
            truncated: history.truncated,
            shallow: history.shallow,
            added: history.added.clone(),
        })
    }

    fn read(&mut self, path: String) -> Option<Vec<u8>> {
        self.asked(Import::WorkspaceRead);
        let bytes = self.workspace.read(&path).map(|bytes| bytes.to_vec());
        if let Some(trace) = &mut self.trace {
            trace.read(&path, &self.workspace);
        }
        bytes
    }
}
