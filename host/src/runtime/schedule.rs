//! The order checks start in. With fewer cores than checks, a long check
//! that starts last sets the wall time alone; so checks start longest
//! first, by how long each took the last time it ran (kept beside the
//! compiled components; a reused outcome is not a run), and checks never
//! timed start before all others.
//! Only the order changes: results stay in pack order, and a missing or
//! damaged record only means pack order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file, in the compile cache folder.
const FILE_NAME: &str = "durations.json";
/// Most checks remembered; the ones of other runs go first beyond it.
const MAX_REMEMBERED: usize = 256;

/// How long each check took when it last ran, by check name and component.
#[derive(Debug, Default)]
pub struct Durations {
    file: Option<PathBuf>,
    known: HashMap<String, u64>,
}

impl Durations {
    /// The durations recorded in `cache_dir` (none without a cache).
    pub fn load(cache_dir: Option<&Path>) -> Self {
        let Some(dir) = cache_dir else {
            return Durations::default();
        };
        let file = dir.join(FILE_NAME);
        let known = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Durations {
            file: Some(file),
            known,
        }
    }

    /// The key of a check: its name and its component's digest.
    pub fn key(name: &str, digest: &str) -> String {
        format!("{name}@{digest}")
    }

    /// Indexes of `keys` in the order to start them: never timed first (in
    /// pack order), then longest first (pack order among equals).
    pub fn order(&self, keys: &[String]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by_key(|&i| {
            std::cmp::Reverse(self.known.get(&keys[i]).copied().unwrap_or(u64::MAX))
        });
        order
    }

    /// Remembers this run's durations, best effort (a cache that cannot be
    /// written only costs time); a run that timed nothing writes nothing.
    pub fn save(mut self, timed: impl IntoIterator<Item = (String, u64)>) {
        let Some(file) = self.file.take() else {
            return;
        };
        let timed: HashMap<String, u64> = timed.into_iter().collect();
        if timed.is_empty() {
            return;
        }
        if self.known.len() + timed.len() > MAX_REMEMBERED {
            self.known.clear();
        }
        self.known.extend(timed);
        if let Ok(json) = serde_json::to_vec(&self.known) {
            crate::cachedir::store(&file, &json);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| Durations::key(n, "d")).collect()
    }

    #[test]
    fn checks_start_untimed_first_then_longest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        Durations::load(Some(dir.path())).save([
            (Durations::key("env", "d"), 1),
            (Durations::key("node", "d"), 300),
            (Durations::key("secrets", "d"), 150),
            (Durations::key("ci", "d"), 1),
        ]);
        let durations = Durations::load(Some(dir.path()));
        let order = durations.order(&keys(&["env", "secrets", "new", "ci", "node"]));
        assert_eq!(order, [2, 4, 1, 0, 3]);
    }

    #[test]
    fn without_a_record_checks_start_in_pack_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(FILE_NAME), "not json").expect("write");
        for durations in [Durations::load(Some(dir.path())), Durations::load(None)] {
            assert_eq!(durations.order(&keys(&["a", "b", "c"])), [0, 1, 2]);
        }
    }

    #[test]
    fn a_run_that_timed_nothing_keeps_the_record_as_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        Durations::load(Some(dir.path())).save([]);
        assert!(!dir.path().join(FILE_NAME).exists());
        Durations::load(Some(dir.path())).save([(Durations::key("node", "d"), 300)]);
        let before = std::fs::read(dir.path().join(FILE_NAME)).expect("record");
        Durations::load(Some(dir.path())).save([]);
        assert_eq!(
            std::fs::read(dir.path().join(FILE_NAME)).expect("record"),
            before
        );
    }

    #[test]
    fn a_component_that_changed_is_untimed() {
        let dir = tempfile::tempdir().expect("tempdir");
        Durations::load(Some(dir.path())).save([(Durations::key("node", "old"), 300)]);
        let durations = Durations::load(Some(dir.path()));
        let order = durations.order(&[Durations::key("node", "old"), Durations::key("x", "new")]);
        assert_eq!(order, [1, 0]);
    }
}
