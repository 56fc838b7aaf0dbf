//! Parts of a check's run (`host.parts`): `run` names parts by their keys,
//! and the host works each out in a fresh instance of the same component
//! (its export `part`, world `check-with-parts`), with the check's grants,
//! memory limit and what is left of its deadline, but no probes and no
//! parts of its own. The parts of one call that cannot be reused run at
//! the same time, as many as there are cores, each on a thread of its
//! own. A part shares nothing with `run` but the key, so what it returns
//! depends on the key and on what it asked the host alone:
//! the host notes that (its trace), stores the value under the key, and
//! on a later run gives the stored value back without running the part
//! when every answer is the same. Whatever a part asked is added to the
//! trace of the run that asked for it, so that the run's own outcome is
//! reused only when its parts could be.

use super::bindings::CheckPre;
use super::reuse::{OutcomeStore, PartRun, Trace};
use super::state::CheckState;
use super::{Runtime, execute};
use crate::envsource::EnvSource;
use crate::plan::CheckSpec;
use crate::probe::Prober;
use crate::workspace::SharedWorkspace;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use wasmtime::Engine;

/// Most parts one run may ask for: each is an instance, a thread and a
/// file in the cache folder.
pub const MAX_PARTS_PER_RUN: usize = 1_000;
/// Longest key of a part.
pub const MAX_KEY_BYTES: usize = 4 << 10;

/// Why a run was not stored when one of its parts failed: a trap or a
/// deadline is not something a later run would repeat.
const PART_FAILED: &str = "a part of it failed";

/// What the parts of one run need, owned: a store's data cannot borrow.
pub struct Parts {
    engine: Engine,
    pre: CheckPre<CheckState>,
    spec: CheckSpec,
    project_dir: PathBuf,
    env: EnvSource,
    workspace: Arc<SharedWorkspace>,
    prober: Arc<Prober>,
    outcomes: Option<OutcomeStore>,
    deadline: Instant,
    verbose: bool,
    asked: usize,
    /// Most parts of one call worked out at the same time.
    at_once: usize,
}

/// What the check that asked for a part gets back.
pub struct Answer {
    /// What the part returned, or why there is nothing.
    pub value: Result<String, String>,
    /// What it logged.
    pub logs: Vec<crate::model::LogLine>,
    /// What it asked (when outcomes are stored), to add to the run's trace.
    pub trace: Option<Trace>,
}

impl Runtime {
    /// The parts of one run of `spec`, which started at `started`.
    pub(super) fn parts(
        &self,
        spec: &CheckSpec,
        pre: &CheckPre<CheckState>,
        context: &super::RunContext<'_>,
        started: Instant,
    ) -> Parts {
        Parts {
            engine: self.engine.clone(),
            pre: pre.clone(),
            spec: spec.clone(),
            project_dir: context.project_dir.to_path_buf(),
            env: context.env.clone(),
            workspace: context.workspace.clone(),
            prober: context.probes.clone(),
            outcomes: context.outcomes.cloned(),
            deadline: started + spec.limits.timeout,
            verbose: self.verbose,
            asked: 0,
            at_once: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

impl Parts {
    /// The parts `keys`, in that order: each stored one whose answers are
    /// unchanged given back, the others worked out now, at the same time
    /// (and stored).
    pub fn answer_all(&mut self, keys: &[String]) -> Vec<Answer> {
        let mut answers: Vec<Option<Answer>> = keys.iter().map(|key| self.recall(key)).collect();
        let fresh: Vec<usize> = (0..keys.len()).filter(|&i| answers[i].is_none()).collect();
        for (index, answer) in self.run_at_once(keys, &fresh) {
            self.keep(&keys[index], &answer);
            answers[index] = Some(answer);
        }
        answers
            .into_iter()
            .map(|answer| answer.unwrap_or_else(|| refusal("the host panicked running it (a bug)")))
            .collect()
    }

    /// The part `key` without running it: refused (past the caps), or
    /// stored with every answer unchanged; `None` when it has to run.
    fn recall(&mut self, key: &str) -> Option<Answer> {
        if self.asked == MAX_PARTS_PER_RUN {
            return Some(refusal(&format!(
                "a run may ask for at most {MAX_PARTS_PER_RUN} parts"
            )));
        }
        self.asked += 1;
        if key.len() > MAX_KEY_BYTES {
            return Some(refusal(&format!(
                "a part's key may be at most {} KiB long",
                MAX_KEY_BYTES >> 10
            )));
        }
        let started = Instant::now();
        let (part, trace) =
            self.outcomes
                .as_ref()?
                .recall_part(&self.spec, &self.env, &self.workspace, key)?;
        if self.verbose {
            crate::stderr::line(format_args!(
                "gonogo: check `{}`: part `{key}` reused in {} ms: nothing it read has changed",
                self.spec.name,
                started.elapsed().as_millis()
            ));
        }
        Some(Answer {
            value: Ok(part.value),
            logs: part.logs,
            trace: Some(trace),
        })
    }

    /// Works out the parts `keys[i]` for each `i` of `fresh`, up to
    /// `at_once` of them at a time. The asking check is inside its
    /// executor on this thread: each part gets a thread, and an executor,
    /// of its own. A part whose thread panicked is left out.
    fn run_at_once(&self, keys: &[String], fresh: &[usize]) -> Vec<(usize, Answer)> {
        let next = AtomicUsize::new(0);
        let threads = self.at_once.min(fresh.len());
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        while let Some(&index) = fresh.get(next.fetch_add(1, Ordering::Relaxed)) {
                            let started = Instant::now();
                            let answer = self.run_fresh(&keys[index]);
                            if self.verbose {
                                crate::stderr::line(format_args!(
                                    "gonogo: check `{}`: part `{}` ran in {} ms",
                                    self.spec.name,
                                    keys[index],
                                    started.elapsed().as_millis()
                                ));
                            }
                            mine.push((index, answer));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .filter_map(|handle| handle.join().ok())
                .flatten()
                .collect()
        })
    }

    /// Stores a part that was worked out, when it may be reused (a failed
    /// part's trace is unrepeatable already: see `run_fresh`).
    fn keep(&self, key: &str, answer: &Answer) {
        let (Ok(value), Some(trace), Some(store)) = (&answer.value, &answer.trace, &self.outcomes)
        else {
            return;
        };
        let part = PartRun {
            value: value.clone(),
            logs: answer.logs.clone(),
        };
        let kept = store.keep_part(&self.spec, &self.env, &self.workspace, key, &part, trace);
        if let Err(why) = kept
            && self.verbose
        {
            crate::stderr::line(format_args!(
                "gonogo: check `{}`: part `{key}` is not stored for reuse, since {why}",
                self.spec.name
            ));
        }
    }

    /// Runs the part `key` in a fresh store.
    fn run_fresh(&self, key: &str) -> Answer {
        let failed = |why: String| Answer {
            value: Err(why),
            logs: Vec::new(),
            trace: self.outcomes.as_ref().map(|_| {
                let mut trace = Trace::default();
                trace.unrepeatable(PART_FAILED);
                trace
            }),
        };
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return failed(execute::deadline_exceeded(&self.spec));
        }
        // A part cannot probe: what a deployment answers is not in the
        // project, and a part is meant to be reused.
        let mut no_hosts = self.spec.clone();
        no_hosts.grants.hosts.clear();
        no_hosts.grants.datastores.clear();
        let probes = self.prober.session(&no_hosts, &self.env);
        let mut state = match CheckState::new(
            &self.spec,
            &self.project_dir,
            &self.env,
            &self.workspace,
            probes,
        ) {
            Ok(state) => state,
            Err(error) => {
                return failed(format!("cannot set it up: {}", super::root_cause(&error)));
            }
        };
        if self.outcomes.is_some() {
            state.trace = Some(Trace::default());
        }
        let (mut store, executor) = match execute::sandbox(&self.engine, state, left) {
            Ok(sandbox) => sandbox,
            Err(reason) => return failed(reason),
        };
        let call = async {
            let instance = self
                .pre
                .instance_pre()
                .instantiate_async(&mut store)
                .await?;
            let Ok(part) = instance
                .get_typed_func::<(&str, &str), (Result<String, String>,)>(&mut store, "part")
            else {
                return Ok(Err(
                    "the check exports no `part: func(config: string, key: string) -> \
                     result<string, string>` (world `check-with-parts`)"
                        .to_owned(),
                ));
            };
            let (value,) = part
                .call_async(&mut store, (&self.spec.config_json, key))
                .await?;
            wasmtime::Result::Ok(value)
        };
        let timed = executor.block_on(async { tokio::time::timeout(left, call).await });
        executor.shutdown_background();
        let value = match timed {
            Err(_elapsed) => Err(execute::deadline_exceeded(&self.spec)),
            Ok(Ok(Ok(value))) if value.len() > self.spec.limits.outcome_bytes => Err(format!(
                "it returned {} bytes, more than the check's outcome limit of {} (`limits.outcome_kb`)",
                value.len(),
                self.spec.limits.outcome_bytes
            )),
            Ok(Ok(value)) => value,
            Ok(Err(error)) => Err(execute::stopped_reason(&error, store.data(), &self.spec)),
        };
        let mut state = store.into_data();
        let mut trace = state.take_trace();
        if value.is_err()
            && let Some(trace) = &mut trace
        {
            trace.unrepeatable(PART_FAILED);
        }
        Answer {
            value: value.map_err(|why| format!("part `{key}`: {why}")),
            logs: execute::collect_logs(state),
            trace,
        }
    }
}

/// A part that was not worked out, and why.
fn refusal(why: &str) -> Answer {
    Answer {
        value: Err(why.to_owned()),
        logs: Vec::new(),
        trace: None,
    }
}
