//! The Wasm runtime: one `Engine` per process, every component compiled
//! once (and cached on disk), an `InstancePre` per check, and a fresh
//! `Store` with its limits and grants for every run. Checks run in parallel.

pub mod bindings;
pub mod cache;
mod contract;
mod datastore_api;
mod describe;
mod execute;
mod host_api;
pub(crate) mod outcome;
mod parts;
mod probe_api;
pub mod reuse;
mod schedule;
pub mod state;
mod workspace_api;

use crate::envsource::EnvSource;
use crate::model::CheckRun;
use crate::plan::{CheckSpec, Plan};
use crate::redact::Redactor;
use bindings::CheckPre;
use cache::{CompileCache, Provenance};
pub use describe::Description;
use state::CheckState;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine};

/// How often the epoch advances; deadlines are counted in these ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The world every check implements, for messages.
pub const WORLD: &str = "gonogo:check/check@0.1.0";

/// A problem that prevents a decision (exit 2).
#[derive(Debug, Clone, thiserror::Error)]
pub enum RuntimeError {
    /// The engine could not be set up.
    #[error("cannot start the WebAssembly engine: {0}")]
    Engine(String),
    /// A bug of the host (a panic while running checks).
    #[error("internal error: {0}")]
    Internal(String),
    /// A component failed to compile or link.
    #[error("check `{check}` (`{location}`) cannot be loaded: {reason}")]
    Load {
        /// The check's name.
        check: String,
        /// Its file, or `builtin:<name>`.
        location: String,
        /// Why.
        reason: String,
    },
    /// A check returned something the contract forbids (an empty id, facts
    /// that are not a JSON object): the check is broken, not the project.
    #[error("check `{check}` (`{location}`) breaks the `{WORLD}` contract: {reason}")]
    Contract {
        /// The check's name.
        check: String,
        /// Its file, or `builtin:<name>`.
        location: String,
        /// What it returned and what was expected.
        reason: String,
    },
}

/// Counts of how components were obtained in this process.
#[derive(Debug, Default)]
pub struct Stats {
    /// Components compiled.
    pub compiled: AtomicUsize,
    /// Components loaded from the cache.
    pub cached: AtomicUsize,
}

/// The engine, linker and compile cache of the process.
pub struct Runtime {
    engine: Engine,
    linker: Linker<CheckState>,
    cache: CompileCache,
    verbose: bool,
    /// How components were obtained.
    pub stats: Stats,
}

/// What a run needs besides the check itself.
pub struct RunContext<'a> {
    /// The project folder, mounted read-only at `/project`.
    pub project_dir: &'a Path,
    /// Where granted variables are read from.
    pub env: &'a EnvSource,
    /// Removes secret values from everything a check reports.
    pub redactor: &'a Redactor,
    /// The project's files and their git status, shared by every check.
    pub workspace: &'a std::sync::Arc<crate::workspace::SharedWorkspace>,
    /// Live probes (or their recording), shared by every check.
    pub probes: &'a std::sync::Arc<crate::probe::Prober>,
    /// Called with each check's name as it finishes (for progress).
    pub on_finished: Option<&'a (dyn Fn(&str) + Sync)>,
    /// Where outcomes are stored for reuse by a later run; `None` runs
    /// every check without storing anything.
    pub outcomes: Option<&'a reuse::OutcomeStore>,
}

impl Runtime {
    /// Sets up the engine. `verbose` reports compilation and cache use on stderr.
    pub fn new(cache: CompileCache, verbose: bool) -> Result<Self, RuntimeError> {
        let mut config = Config::new();
        config.wasm_component_model(true).epoch_interruption(true);
        if std::env::var_os("GONOGO_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&config).map_err(|e| RuntimeError::Engine(e.to_string()))?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| RuntimeError::Engine(e.to_string()))?;
        // The preopens again, noting a check's reach into the project
        // through WASI (see `reuse`).
        linker.allow_shadowing(true);
        wasmtime_wasi::p2::bindings::filesystem::preopens::add_to_linker::<_, HasSelf<_>>(
            &mut linker,
            |state| state,
        )
        .map_err(|e| RuntimeError::Engine(e.to_string()))?;
        linker.allow_shadowing(false);
        bindings::Check::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(|e| RuntimeError::Engine(e.to_string()))?;
        Ok(Runtime {
            engine,
            linker,
            cache,
            verbose,
            stats: Stats::default(),
        })
    }

    /// Compiles (or loads from cache) and links one component; checks that it
    /// implements the `check` world. Extra exports and unknown imports are
    /// tolerated (an unknown import traps if called).
    pub fn prepare(&self, spec: &CheckSpec) -> Result<CheckPre<CheckState>, RuntimeError> {
        let fail = |reason: String| RuntimeError::Load {
            check: spec.name.clone(),
            location: spec.source.location(),
            reason,
        };
        let started = Instant::now();
        if let Some(reason) = contract::not_a_component(spec.source.bytes()) {
            return Err(fail(reason));
        }
        let (component, provenance) = self
            .cache
            .load(&self.engine, spec.source.bytes(), &spec.digest)
            .map_err(|e| {
                fail(format!(
                    "it is not a valid WebAssembly component: {}",
                    root_cause(&e)
                ))
            })?;
        let counter = match provenance {
            Provenance::Compiled => &self.stats.compiled,
            Provenance::Cached => &self.stats.cached,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if self.verbose {
            let how = match provenance {
                Provenance::Compiled => "compiled",
                Provenance::Cached => "loaded from the compile cache",
            };
            crate::stderr::line(format_args!(
                "gonogo: `{}` {how} in {} ms",
                spec.reference,
                started.elapsed().as_millis()
            ));
        }
        let component_type = component.component_type();
        let imports: Vec<&str> = component_type
            .imports(&self.engine)
            .map(|(name, _)| name)
            .collect();
        let exports: Vec<&str> = component_type
            .exports(&self.engine)
            .map(|(name, _)| name)
            .collect();
        contract::check_world(&imports, &exports).map_err(fail)?;
        // Imports the host does not provide (wasi:http from a JS runtime, a
        // newer interface) trap if called, instead of refusing the check.
        // Only then: stubbing every import would shadow the semver-compatible
        // WASI versions the linker resolves on its own.
        let pre = match self.linker.instantiate_pre(&component) {
            Ok(pre) => pre,
            Err(_) => {
                let mut linker = self.linker.clone();
                linker
                    .define_unknown_imports_as_traps(&component)
                    .map_err(|e| fail(root_cause(&e)))?;
                linker
                    .instantiate_pre(&component)
                    .map_err(|e| fail(root_cause(&e)))?
            }
        };
        CheckPre::new(pre).map_err(|e| {
            fail(format!(
                "it does not match the world `{WORLD}`: {}",
                root_cause(&e)
            ))
        })
    }

    /// Runs every check of the plan in parallel, preparing each distinct
    /// component once, when a check first needs it. Results are in pack
    /// order; the first problem in pack order that prevents a decision is
    /// the `Err`.
    pub fn run_all(
        &self,
        plan: &Plan,
        context: &RunContext<'_>,
    ) -> Result<Vec<CheckRun>, RuntimeError> {
        // Each distinct component is prepared once, by the first check that
        // runs it: a check whose stored outcome is reused loads nothing.
        let mut prepared: HashMap<String, OnceLock<Result<CheckPre<CheckState>, RuntimeError>>> =
            HashMap::new();
        let mut jobs = Vec::new();
        for spec in &plan.checks {
            let digest = spec.digest.clone();
            prepared.entry(digest.clone()).or_default();
            jobs.push((spec, digest));
        }
        // The gitignore answers stored outcomes depend on, asked of git in
        // one call while it still lists the files.
        if let Some(store) = context.outcomes {
            let paths = store.ignored_questions(&plan.checks, context.env, context.workspace);
            if self.verbose && !paths.is_empty() {
                crate::stderr::line(format_args!(
                    "gonogo: {} gitignore question(s) of stored outcomes asked of git at once",
                    paths.len()
                ));
            }
            context.workspace.ask_ignored_ahead(paths);
        }
        let durations = schedule::Durations::load(self.cache.dir());
        let keys: Vec<String> = jobs
            .iter()
            .map(|(spec, digest)| schedule::Durations::key(&spec.name, digest))
            .collect();
        let order = durations.order(&keys);
        let next = AtomicUsize::new(0);
        let workers = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(jobs.len())
            .max(1);
        let mut worker_panicked = false;
        let mut results: Vec<Option<Result<CheckRun, RuntimeError>>> =
            (0..jobs.len()).map(|_| None).collect();
        self.with_epoch_ticker(|| {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut mine = Vec::new();
                            while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed))
                            {
                                let (spec, digest) = &jobs[index];
                                let pre = || {
                                    prepared[digest]
                                        .get_or_init(|| self.prepare(spec))
                                        .as_ref()
                                        .map_err(Clone::clone)
                                };
                                mine.push((index, self.run_with(spec, pre, context)));
                                if let Some(on_finished) = context.on_finished {
                                    on_finished(&spec.name);
                                }
                            }
                            mine
                        })
                    })
                    .collect();
                for handle in handles {
                    match handle.join() {
                        Ok(runs) => {
                            for (index, run) in runs {
                                results[index] = Some(run);
                            }
                        }
                        Err(_) => worker_panicked = true,
                    }
                }
            })
        });
        // A bug of the host is no verdict on the project: no decision.
        if worker_panicked {
            return Err(RuntimeError::Internal(
                "a thread running checks panicked; please report this bug".into(),
            ));
        }
        // A reused outcome took no time to run: what it took when it last
        // ran stays on record.
        durations.save(keys.into_iter().zip(&results).filter_map(|(key, run)| {
            let Some(Ok(run)) = run else { return None };
            (!run.reused).then_some((key, run.duration_ms))
        }));
        results
            .into_iter()
            .zip(&jobs)
            .map(|(run, (spec, _))| {
                run.unwrap_or_else(|| {
                    Ok(CheckRun::failed(
                        &spec.name,
                        &spec.reference,
                        None,
                        "it was never run (internal error)".into(),
                    ))
                })
            })
            .collect()
    }
}

impl Runtime {
    /// Runs `work` while a thread advances the engine's epoch every
    /// [`EPOCH_TICK`], so that deadlines stop wasm that never yields. The
    /// ticker stops as soon as `work` returns, not at its next tick (a sleep
    /// would add up to a tick to every run).
    fn with_epoch_ticker<R>(&self, work: impl FnOnce() -> R) -> R {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EPOCH_TICK) {
                    self.engine.increment_epoch();
                }
            });
            let result = work();
            drop(stop);
            result
        })
    }

    /// `time` in epoch ticks, at least one.
    fn ticks(time: Duration) -> u64 {
        (time.as_millis().div_ceil(EPOCH_TICK.as_millis()) as u64).max(1)
    }
}

/// The innermost message of an error chain, on one line.
fn root_cause(error: &wasmtime::Error) -> String {
    let text = error.root_cause().to_string();
    text.lines().next().unwrap_or_default().to_owned()
}
