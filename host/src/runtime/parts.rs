//! Parts of a check's run (`host.part`): `run` names a part by a key, and
//! the host works it out in a fresh instance of the same component (its
//! export `part`, world `check-with-parts`), with the check's grants,
//! memory limit and what is left of its deadline, but no probes and no
//! parts of its own. A part shares nothing with `run` but the key, so what
//! it returns depends on the key and on what it asked the host alone:
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
use crate::policy::CheckSpec;
use crate::probe::Prober;
use crate::workspace::SharedWorkspace;
use std::path::PathBuf;
use std::sync::Arc;
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
        }
    }
}

impl Parts {
    /// The part `key`: stored, when what it asked is unchanged, else worked
    /// out now (and stored).
    pub fn answer(&mut self, key: &str) -> Answer {
        let refuse = |why: String| Answer {
            value: Err(why),
            logs: Vec::new(),
            trace: None,
        };
        if self.asked == MAX_PARTS_PER_RUN {
            return refuse(format!(
                "a run may ask for at most {MAX_PARTS_PER_RUN} parts"
            ));
        }
        self.asked += 1;
        if key.len() > MAX_KEY_BYTES {
            return refuse(format!(
                "a part's key may be at most {} KiB long",
                MAX_KEY_BYTES >> 10
            ));
        }
        let started = Instant::now();
        if let Some(store) = &self.outcomes
            && let Some((part, trace)) =
                store.recall_part(&self.spec, &self.env, &self.workspace, key)
        {
            if self.verbose {
                eprintln!(
                    "gonogo: check `{}`: part `{key}` reused in {} ms: nothing it read has changed",
                    self.spec.name,
                    started.elapsed().as_millis()
                );
            }
            return Answer {
                value: Ok(part.value),
                logs: part.logs,
                trace: Some(trace),
            };
        }
        // The asking check is inside its executor on this thread: the part
        // gets a thread, and an executor, of its own.
        let answer = std::thread::scope(|scope| {
            scope
                .spawn(|| self.run_fresh(key))
                .join()
                .unwrap_or_else(|_| refuse("the host panicked running it (a bug)".into()))
        });
        if self.verbose {
            eprintln!(
                "gonogo: check `{}`: part `{key}` ran in {} ms",
                self.spec.name,
                started.elapsed().as_millis()
            );
        }
        // A failed part's trace is unrepeatable already (see `run_fresh`).
        if let (Ok(value), Some(trace), Some(store)) =
            (&answer.value, &answer.trace, &self.outcomes)
        {
            let part = PartRun {
                value: value.clone(),
                logs: answer.logs.clone(),
            };
            let kept = store.keep_part(&self.spec, &self.env, &self.workspace, key, &part, trace);
            if let Err(why) = kept
                && self.verbose
            {
                eprintln!(
                    "gonogo: check `{}`: part `{key}` is not stored for reuse, since {why}",
                    self.spec.name
                );
            }
        }
        answer
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
