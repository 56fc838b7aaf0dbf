//! Reusing a check's outcome when nothing it was given has changed since
//! the run that stored it.
//!
//! A check sees the project only through the host, so the host can note
//! what it asked: the listing (`workspace.files`, `workspace.vcs`), each
//! folder it listed alone (`workspace.files-in`), each file it read
//! (`workspace.read`) and each `workspace.ignored` and `workspace.present`
//! question, each answer kept as a sha256 or as it was. The outcome is stored in the
//! cache folder with that trace, under a key of everything else the run
//! depends on: this build of gonogo, the project's folder, the check's name, its
//! component, configuration, grants and limits, and the values of its
//! public variables. The next run under the same key asks the current
//! project the same questions first; when every answer is the same, the
//! check would be given exactly what it was given before, and its outcome
//! is reused without running it. The `ignored` questions of every stored
//! outcome are asked of git in one call, ahead, while it lists the files
//! (see [`OutcomeStore::ignored_questions`]). Asking costs what reading costs: the
//! files are read and hashed (once per run, shared), never trusted by
//! their size or time.
//!
//! An outcome is stored only when nothing outside the trace could have
//! shaped it: not when the check read a clock, opened the project through
//! WASI (a descriptor reaches files the listing leaves out), made a probe
//! call, was given a secret variable that is set (its value is not to be
//! hashed into a cache), ended without an outcome (an error, a trap, a
//! deadline), or asked more than a trace keeps. Randomness does not prevent it: the outcome reused is one a
//! fresh run could have given.

mod entry;
pub mod imports;
mod prune;

pub use entry::PartRun;

use super::RunContext;
use crate::envsource::EnvSource;
use crate::model::CheckRun;
use crate::plan::CheckSpec;
use crate::workspace::{Digest, SharedWorkspace};
use entry::{FORMAT, Header, Stored};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};

/// Most bytes of paths a trace keeps (files read, `ignored` and `present`
/// questions):
/// the host's memory is not the check's, and a check could ask without end.
const MAX_TRACE_PATH_BYTES: usize = 64 << 20;

/// What one run of a check asked the host, noted while it runs.
#[derive(Debug)]
pub struct Trace {
    /// Bytes of paths it may still keep.
    budget: usize,
    /// Whether it asked for the listing or the version control.
    listing: bool,
    /// The folders it listed alone (`workspace.files-in`).
    folders: std::collections::BTreeSet<String>,
    /// Each file it read, with the sha256 of what it got.
    reads: rustc_hash::FxHashMap<String, Option<Digest>>,
    /// Each `ignored` question with its answers.
    ignored: Vec<(Vec<String>, Vec<bool>)>,
    /// Each `present` question with its answers.
    present: Vec<(Vec<String>, Vec<bool>)>,
    /// Why its outcome may not be reused, when something outside the trace
    /// could have shaped it.
    unrepeatable: Option<&'static str>,
}

impl Default for Trace {
    fn default() -> Self {
        Trace::with_budget(MAX_TRACE_PATH_BYTES)
    }
}

impl Trace {
    /// A trace that keeps at most `budget` bytes of paths.
    fn with_budget(budget: usize) -> Self {
        Trace {
            budget,
            listing: false,
            folders: std::collections::BTreeSet::new(),
            reads: rustc_hash::FxHashMap::default(),
            ignored: Vec::new(),
            present: Vec::new(),
            unrepeatable: None,
        }
    }

    /// Takes `bytes` from the budget; past it, the trace keeps nothing more
    /// and the run is not stored.
    fn spend(&mut self, bytes: usize) -> bool {
        if self.unrepeatable.is_some() {
            return false;
        }
        match self.budget.checked_sub(bytes) {
            Some(left) => {
                self.budget = left;
                true
            }
            None => {
                self.unrepeatable("it asked more of the workspace than a trace keeps");
                self.reads = rustc_hash::FxHashMap::default();
                self.folders = std::collections::BTreeSet::new();
                self.ignored = Vec::new();
                self.present = Vec::new();
                false
            }
        }
    }

    /// It asked for the listing or how the project is versioned.
    pub fn asked_listing(&mut self) {
        self.listing = true;
    }

    /// It listed the files under `folder`.
    pub fn listed_folder(&mut self, folder: String) {
        if !self.folders.contains(&folder) && self.spend(folder.len() + 64) {
            self.folders.insert(folder);
        }
    }

    /// It read `path` (the digest is computed once per run).
    pub fn read(&mut self, path: &str, workspace: &SharedWorkspace) {
        if !self.reads.contains_key(path) && self.spend(path.len() + 64) {
            self.reads
                .insert(path.to_owned(), workspace.read_digest(path));
        }
    }

    /// It asked which of `paths` are ignored and got `answers`.
    pub fn ignored(&mut self, paths: Vec<String>, answers: Vec<bool>) {
        let bytes = paths.iter().map(|p| p.len() + 32).sum();
        if self.spend(bytes) {
            self.ignored.push((paths, answers));
        }
    }

    /// It asked which of `paths` are on disk and got `answers`.
    pub fn present(&mut self, paths: Vec<String>, answers: Vec<bool>) {
        let bytes = paths.iter().map(|p| p.len() + 32).sum();
        if self.spend(bytes) {
            self.present.push((paths, answers));
        }
    }

    /// Something outside the trace could shape its outcome.
    pub fn unrepeatable(&mut self, why: &'static str) {
        self.unrepeatable.get_or_insert(why);
    }

    /// Why the outcome may not be reused, if it may not.
    pub fn unrepeatable_because(&self) -> Option<&'static str> {
        self.unrepeatable
    }

    /// Adds what a part of the run asked (`host.parts`): the run's outcome
    /// depends on it too.
    pub fn merge(&mut self, part: Trace) {
        if let Some(why) = part.unrepeatable {
            self.unrepeatable(why);
        }
        self.listing |= part.listing;
        for folder in part.folders {
            self.listed_folder(folder);
        }
        for (path, digest) in part.reads {
            if !self.reads.contains_key(&path) && self.spend(path.len() + 64) {
                self.reads.insert(path, digest);
            }
        }
        for (paths, answers) in part.ignored {
            self.ignored(paths, answers);
        }
        for (paths, answers) in part.present {
            self.present(paths, answers);
        }
    }

    /// The trace of a stored part, which holds now: what the part asked.
    fn of_stored(stored: &entry::Stored<PartRun>) -> Option<Trace> {
        let mut trace = Trace {
            listing: stored.header.listing.is_some(),
            ..Trace::default()
        };
        for (path, digest) in stored.reads()? {
            if trace.spend(path.len() + 64) {
                trace.reads.insert(path.to_owned(), digest.copied());
            }
        }
        for (folder, _) in &stored.header.folders {
            trace.listed_folder(folder.clone());
        }
        trace.ignored = stored.header.ignored.clone();
        trace.present = stored.header.present.clone();
        Some(trace)
    }
}

/// Where outcomes are stored, and whether stored ones are reused.
#[derive(Debug, Clone)]
pub struct OutcomeStore {
    dir: PathBuf,
    project: PathBuf,
    reuse: bool,
}

impl OutcomeStore {
    /// Outcomes of the project at `project_dir`, under `cache_dir/outcomes`.
    /// With `reuse` false, every check runs and its outcome is stored.
    pub fn new(cache_dir: &Path, project_dir: &Path, reuse: bool) -> Self {
        OutcomeStore {
            dir: cache_dir.join("outcomes"),
            project: std::fs::canonicalize(project_dir)
                .unwrap_or_else(|_| project_dir.to_path_buf()),
            reuse,
        }
    }

    /// The stored outcome of `spec`, when every answer it was given is the
    /// same now; redacted with this run's secrets.
    pub fn recall(&self, spec: &CheckSpec, context: &RunContext<'_>) -> Option<CheckRun> {
        if !self.reuse {
            return None;
        }
        let file = self.entry_path(spec, context.env, context.workspace).ok()?;
        let stored = Stored::<CheckRun>::decode(std::fs::read(&file).ok()?)?;
        // Where this check's reads begin: anywhere, as long as two checks
        // differ (their names do).
        let start = spec
            .name
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
            .wrapping_mul(0x9E37_79B9);
        if !stored.holds(context.workspace, start) {
            return None;
        }
        prune::used(&file);
        let mut run = stored.header.run;
        run.reused = true;
        context.redactor.check_run(&mut run);
        Some(run)
    }

    /// Every path the stored outcomes of `specs` asked `ignored` about:
    /// asked of git in one call ahead of [`OutcomeStore::recall`], rather
    /// than once per check (nothing when outcomes are not reused).
    pub fn ignored_questions(
        &self,
        specs: &[CheckSpec],
        env: &EnvSource,
        workspace: &SharedWorkspace,
    ) -> Vec<String> {
        if !self.reuse {
            return Vec::new();
        }
        let mut paths: Vec<String> = specs
            .iter()
            .filter_map(|spec| entry::read_questions(&self.entry_path(spec, env, workspace).ok()?))
            .flatten()
            .flat_map(|(paths, _)| {
                paths
                    .into_iter()
                    .take(super::workspace_api::MAX_PATHS_PER_QUESTION)
            })
            .collect();
        paths.sort_unstable();
        paths.dedup();
        paths
    }

    /// Stores the outcome of a fresh run with its trace; `Err` says why it
    /// is not stored (something outside the trace could have shaped it).
    pub fn keep(
        &self,
        spec: &CheckSpec,
        context: &RunContext<'_>,
        run: &CheckRun,
        trace: Trace,
    ) -> Result<(), &'static str> {
        if run.error.is_some() {
            return Err("it did not end with an outcome");
        }
        if let Some(why) = trace.unrepeatable {
            return Err(why);
        }
        let file = self.entry_path(spec, context.env, context.workspace)?;
        let mut reads: Vec<(String, Option<Digest>)> = trace.reads.into_iter().collect();
        reads.sort_unstable();
        let header = Header {
            format: FORMAT,
            run: run.clone(),
            listing: trace
                .listing
                .then(|| hex::encode(context.workspace.listing_digest())),
            folders: folder_digests(&trace.folders, context.workspace),
            ignored: trace.ignored,
            present: trace.present,
        };
        if let Some(bytes) = entry::encode(&header, &reads) {
            crate::cachedir::store(&file, &bytes);
        }
        Ok(())
    }

    /// The stored part `key` of `spec`'s run, with what it asked, when
    /// every answer it was given is the same now.
    pub fn recall_part(
        &self,
        spec: &CheckSpec,
        env: &EnvSource,
        workspace: &SharedWorkspace,
        key: &str,
    ) -> Option<(PartRun, Trace)> {
        if !self.reuse {
            return None;
        }
        let file = self.part_path(spec, env, workspace, key).ok()?;
        let stored = entry::Stored::<PartRun>::decode(std::fs::read(&file).ok()?)?;
        if !stored.holds(workspace, 0) {
            return None;
        }
        prune::used(&file);
        let trace = Trace::of_stored(&stored)?;
        Some((stored.header.run, trace))
    }

    /// Stores a part of `spec`'s run with what it asked; `Err` says why it
    /// is not stored.
    pub fn keep_part(
        &self,
        spec: &CheckSpec,
        env: &EnvSource,
        workspace: &SharedWorkspace,
        key: &str,
        part: &PartRun,
        trace: &Trace,
    ) -> Result<(), &'static str> {
        if let Some(why) = trace.unrepeatable {
            return Err(why);
        }
        let file = self.part_path(spec, env, workspace, key)?;
        let mut reads: Vec<(String, Option<Digest>)> = trace
            .reads
            .iter()
            .map(|(path, digest)| (path.clone(), *digest))
            .collect();
        reads.sort_unstable();
        let header = Header {
            format: FORMAT,
            run: part,
            listing: trace
                .listing
                .then(|| hex::encode(workspace.listing_digest())),
            folders: folder_digests(&trace.folders, workspace),
            ignored: trace.ignored.clone(),
            present: trace.present.clone(),
        };
        if let Some(bytes) = entry::encode(&header, &reads) {
            crate::cachedir::store(&file, &bytes);
        }
        Ok(())
    }

    /// Removes the stored outcomes and parts no run has used for
    /// [`prune::UNUSED_FOR`], at most once a day (see [`prune`]).
    pub fn prune(&self) {
        prune::sweep(&self.dir, std::time::SystemTime::now());
    }

    /// The file of `spec`'s outcome; `Err` says why its outcome is not to
    /// be stored at all.
    fn entry_path(
        &self,
        spec: &CheckSpec,
        env: &EnvSource,
        workspace: &SharedWorkspace,
    ) -> Result<PathBuf, &'static str> {
        let name = self.entry_key(spec, env, workspace)?;
        Ok(self.dir.join(format!("{name}.outcome")))
    }

    /// The file of the part `key` of `spec`'s run: under the key of the
    /// run's outcome, so that a part is reused only where the outcome
    /// could be.
    fn part_path(
        &self,
        spec: &CheckSpec,
        env: &EnvSource,
        workspace: &SharedWorkspace,
        key: &str,
    ) -> Result<PathBuf, &'static str> {
        let mut hash = Sha256::new();
        hash.update(self.entry_key(spec, env, workspace)?.as_bytes());
        hash.update(b" part ");
        hash.update(key.as_bytes());
        Ok(self
            .dir
            .join(format!("{}.part", hex::encode(hash.finalize()))))
    }

    /// The hex sha256 of everything `spec`'s outcome depends on besides
    /// its trace; `Err` says why it is not to be stored at all.
    fn entry_key(
        &self,
        spec: &CheckSpec,
        env: &EnvSource,
        workspace: &SharedWorkspace,
    ) -> Result<String, &'static str> {
        let mut key = Sha256::new();
        let mut field = |bytes: &[u8]| {
            key.update((bytes.len() as u64).to_le_bytes());
            key.update(bytes);
        };
        field(format!("gonogo {} outcome {FORMAT}", env!("CARGO_PKG_VERSION")).as_bytes());
        field(
            crate::cachedir::this_build()
                .ok_or("this build of gonogo cannot be told from others")?
                .as_bytes(),
        );
        field(self.project.as_os_str().as_encoded_bytes());
        field(spec.name.as_bytes());
        field(spec.reference.as_bytes());
        field(spec.digest.as_bytes());
        field(spec.config_json.as_bytes());
        field(format!("{:?} {:?}", spec.grants, spec.limits).as_bytes());
        if spec.grants.env_names {
            let names: Vec<&str> = env.names().collect();
            field(format!("names={}", names.join(",")).as_bytes());
        }
        if spec.grants.git_history {
            match workspace.history_key() {
                Ok(history) => field(format!("history={history}").as_bytes()),
                Err(why) => field(format!("no history: {why}").as_bytes()),
            }
        }
        for grant in &spec.grants.env {
            match env.get(&grant.name) {
                Some(_) if grant.secret => return Err("a secret variable granted to it is set"),
                Some(value) => field(format!("{}={value}", grant.name).as_bytes()),
                None => field(format!("{} unset", grant.name).as_bytes()),
            }
        }
        Ok(hex::encode(key.finalize()))
    }
}

/// Each folder listed alone, with the hex sha256 of what it lists now.
fn folder_digests(
    folders: &std::collections::BTreeSet<String>,
    workspace: &SharedWorkspace,
) -> Vec<(String, String)> {
    folders
        .iter()
        .map(|folder| (folder.clone(), hex::encode(workspace.folder_digest(folder))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{CheckSource, Grants, Limits};

    fn spec(config: &str) -> CheckSpec {
        let builtin = crate::builtins::builtin("env").expect("a built-in");
        CheckSpec {
            name: "env".into(),
            reference: "builtin:env".into(),
            source: CheckSource::Builtin(builtin),
            digest: "d".repeat(64),
            config_json: config.into(),
            grants: Grants::default(),
            limits: Limits::DEFAULT,
        }
    }

    #[test]
    fn a_stored_part_comes_back_while_what_it_read_is_the_same() {
        let project = tempfile::tempdir().expect("temp dir");
        std::fs::write(project.path().join("a.txt"), "a\n").expect("write");
        let cache = tempfile::tempdir().expect("temp dir");
        let store = OutcomeStore::new(cache.path(), project.path(), true);
        let env = EnvSource::default();
        let workspace = SharedWorkspace::new(project.path());
        let mut trace = Trace::default();
        trace.asked_listing();
        trace.read("a.txt", &workspace);
        trace.present(vec!["dist/".into()], vec![false]);
        let part = PartRun {
            value: "value of a".into(),
            logs: Vec::new(),
        };
        let check = spec("{}");
        store
            .keep_part(&check, &env, &workspace, "key-a", &part, &trace)
            .expect("stored");

        let (recalled, recalled_trace) = store
            .recall_part(&check, &env, &workspace, "key-a")
            .expect("recalled");
        assert_eq!(recalled.value, "value of a");
        assert!(recalled_trace.listing);
        assert_eq!(recalled_trace.reads.len(), 1);
        assert_eq!(recalled_trace.present, trace.present);
        // Another key, another configuration: nothing stored.
        assert!(
            store
                .recall_part(&check, &env, &workspace, "key-b")
                .is_none()
        );
        assert!(
            store
                .recall_part(&spec(r#"{"x":1}"#), &env, &workspace, "key-a")
                .is_none()
        );
        // Without reuse (`--rerun`), nothing is recalled.
        let rerun = OutcomeStore::new(cache.path(), project.path(), false);
        assert!(
            rerun
                .recall_part(&check, &env, &workspace, "key-a")
                .is_none()
        );
        // A run later, `a.txt` differs.
        std::fs::write(project.path().join("a.txt"), "A\n").expect("write");
        let later = SharedWorkspace::new(project.path());
        assert!(store.recall_part(&check, &env, &later, "key-a").is_none());
        // An unrepeatable part is not stored.
        let mut clock = Trace::default();
        clock.unrepeatable("it read a clock");
        assert_eq!(
            store.keep_part(&check, &env, &later, "key-c", &part, &clock),
            Err("it read a clock")
        );
    }

    #[test]
    fn what_a_part_asked_is_added_to_the_run_s_trace() {
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = SharedWorkspace::new(dir.path());
        let mut run = Trace::default();
        run.read("a.txt", &workspace);
        let mut part = Trace::default();
        part.asked_listing();
        part.listed_folder("api".into());
        part.read("a.txt", &workspace);
        part.read("b.txt", &workspace);
        part.ignored(vec![".env".into()], vec![true]);
        run.merge(part);
        assert!(run.listing);
        assert!(run.folders.contains("api"));
        assert_eq!(run.reads.len(), 2);
        assert_eq!(run.ignored, vec![(vec![".env".to_owned()], vec![true])]);
        assert_eq!(run.unrepeatable, None);
        let mut clock = Trace::default();
        clock.unrepeatable("it read a clock");
        run.merge(clock);
        assert_eq!(run.unrepeatable, Some("it read a clock"));
    }

    #[test]
    fn a_trace_past_its_budget_keeps_nothing_and_is_unrepeatable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = SharedWorkspace::new(dir.path());
        let mut trace = Trace::with_budget(200);
        trace.read("a.txt", &workspace);
        trace.ignored(vec!["dist/".into()], vec![false]);
        trace.present(vec!["dist/".into()], vec![true]);
        assert_eq!(trace.reads.len(), 1);
        assert_eq!(trace.ignored.len(), 1);
        assert_eq!(trace.present.len(), 1);
        assert_eq!(trace.unrepeatable, None);
        trace.present(vec!["x".repeat(200)], vec![false]);
        assert!(trace.reads.is_empty() && trace.ignored.is_empty() && trace.present.is_empty());
        trace.read("b.txt", &workspace);
        assert!(trace.reads.is_empty(), "nothing more is kept");
        assert_eq!(
            trace.unrepeatable,
            Some("it asked more of the workspace than a trace keeps")
        );
    }
}
