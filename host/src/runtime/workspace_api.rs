//! The `workspace` interface: the project's files and their git status,
//! scanned once per run (on the first call of any check) and shared.

use super::bindings::gonogo::check::workspace::{self, FileEntry, VcsKind as Vcs};
use super::state::CheckState;

/// Most paths one `ignored` call may ask about.
const MAX_IGNORED_QUERY: usize = 10_000;

impl workspace::Host for CheckState {
    fn vcs(&mut self) -> Vcs {
        match self.workspace.get().vcs {
            crate::workspace::Vcs::Git => Vcs::Git,
            crate::workspace::Vcs::None => Vcs::None,
            crate::workspace::Vcs::Unknown => Vcs::Unknown,
        }
    }

    fn files(&mut self) -> Vec<FileEntry> {
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

    fn ignored(&mut self, paths: Vec<String>) -> Vec<bool> {
        let asked = paths.len();
        let mut answers = self
            .workspace
            .get()
            .ignored(&paths[..asked.min(MAX_IGNORED_QUERY)]);
        answers.resize(asked, false);
        answers
    }

    fn read(&mut self, path: String) -> Option<Vec<u8>> {
        self.workspace.read(&path).map(|bytes| bytes.to_vec())
    }
}
