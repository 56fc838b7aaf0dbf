//! One run of one check: its stored outcome when nothing it read has
//! changed (`reuse`), else a fresh `Store` with the check's grants and
//! limits, instantiate, `describe`, `run`, then the outcome validated and
//! redacted. Every problem of the run becomes status `error` (fail closed);
//! only a check that breaks the contract (an empty id, facts that are not a
//! JSON object) stops everything, since it is the check that is broken.

use super::bindings::CheckPre;
use super::state::{self, CheckState};
use super::{RunContext, Runtime, RuntimeError, outcome, root_cause};
use crate::model::{CheckInfo, CheckRun};
use crate::plan::CheckSpec;
use std::time::Instant;
use wasmtime::{Store, Trap};

/// How an empty `describe` id breaks the contract.
pub(super) const EMPTY_ID: &str =
    "`describe` returned an empty `id`: expected a short kebab-case identifier such as `openapi`";

impl Runtime {
    /// Runs one check, or reuses its stored outcome when everything it read
    /// is unchanged: problems of the run become status `error`; `Err` only
    /// when the check breaks the contract.
    pub fn run(
        &self,
        spec: &CheckSpec,
        pre: &CheckPre<CheckState>,
        context: &RunContext<'_>,
    ) -> Result<CheckRun, RuntimeError> {
        self.run_with(spec, || Ok(pre), context)
    }

    /// [`Runtime::run`], with the component prepared by `pre` only when the
    /// check has to run.
    pub(super) fn run_with<'p>(
        &self,
        spec: &CheckSpec,
        pre: impl FnOnce() -> Result<&'p CheckPre<CheckState>, RuntimeError>,
        context: &RunContext<'_>,
    ) -> Result<CheckRun, RuntimeError> {
        let started = Instant::now();
        if let Some(store) = context.outcomes
            && let Some(mut run) = store.recall(spec, context)
        {
            run.duration_ms = started.elapsed().as_millis() as u64;
            if self.verbose {
                crate::stderr::line(format_args!(
                    "gonogo: check `{}` reused its stored outcome in {} ms: nothing it read has changed",
                    spec.name, run.duration_ms
                ));
            }
            return Ok(run);
        }
        let (run, trace) = self.run_fresh(spec, pre()?, context)?;
        if let (Some(store), Some(trace)) = (context.outcomes, trace)
            && let Err(why) = store.keep(spec, context, &run, trace)
            && self.verbose
        {
            crate::stderr::line(format_args!(
                "gonogo: check `{}`: its outcome is not stored for reuse, since {why}",
                spec.name
            ));
        }
        Ok(run)
    }

    /// Runs one check in a fresh store, noting what it asks when outcomes
    /// are stored.
    fn run_fresh(
        &self,
        spec: &CheckSpec,
        pre: &CheckPre<CheckState>,
        context: &RunContext<'_>,
    ) -> Result<(CheckRun, Option<super::reuse::Trace>), RuntimeError> {
        let breach = |reason: String| RuntimeError::Contract {
            check: spec.name.clone(),
            location: spec.source.location(),
            reason,
        };
        let started = Instant::now();
        let probes = context.probes.session(spec, context.env);
        let mut state = match CheckState::new(
            spec,
            context.project_dir,
            context.env,
            context.workspace,
            probes,
        ) {
            Ok(state) => state,
            Err(error) => {
                return Ok((
                    CheckRun::failed(
                        &spec.name,
                        &spec.reference,
                        None,
                        format!(
                            "cannot mount the project `{}`: {}",
                            context.project_dir.display(),
                            root_cause(&error)
                        ),
                    ),
                    None,
                ));
            }
        };
        if context.outcomes.is_some() {
            state.trace = Some(super::reuse::Trace::default());
        }
        state.parts = Some(self.parts(spec, pre, context, started));
        let (mut store, executor) = match sandbox(&self.engine, state, spec.limits.timeout) {
            Ok(sandbox) => sandbox,
            Err(reason) => {
                return Ok((
                    CheckRun::failed(&spec.name, &spec.reference, None, reason),
                    None,
                ));
            }
        };
        let mut info: Option<CheckInfo> = None;
        // Two guards, one deadline: the epoch trap stops wasm that never
        // yields (a busy loop); the timeout drops a run blocked in a host
        // call (a WASI sleep or poll), which epochs cannot interrupt.
        let run_check = async {
            let check = pre.instantiate_async(&mut store).await?;
            let described = check.call_describe(&mut store).await?;
            info = Some(CheckInfo {
                id: described.id,
                name: described.name,
                version: described.version,
                description: described.description,
            });
            check.call_run(&mut store, &spec.config_json).await
        };
        let timed =
            executor.block_on(async { tokio::time::timeout(spec.limits.timeout, run_check).await });
        // A WASI call stuck on the blocking pool (opening a FIFO of the
        // project waits for a writer forever) must not hold the run: drop
        // the executor without waiting for it.
        executor.shutdown_background();
        if info.as_ref().is_some_and(|info| info.id.trim().is_empty()) {
            return Err(breach(EMPTY_ID.into()));
        }
        let mut run = match timed {
            Err(_elapsed) => {
                CheckRun::failed(&spec.name, &spec.reference, info, deadline_exceeded(spec))
            }
            Ok(Ok(Ok(outcome))) => {
                let info = info.unwrap_or_else(|| unreachable_info(spec));
                outcome::convert(
                    &spec.name,
                    &spec.reference,
                    info,
                    outcome,
                    spec.limits.outcome_bytes,
                )
                .map_err(breach)?
            }
            Ok(Ok(Err(reason))) => CheckRun::failed(
                &spec.name,
                &spec.reference,
                info,
                format!("the check reported an error: {reason}"),
            ),
            Ok(Err(error)) => CheckRun::failed(
                &spec.name,
                &spec.reference,
                info,
                stopped_reason(&error, store.data(), spec),
            ),
        };
        let mut state = store.into_data();
        let trace = state.take_trace();
        context.probes.finish(&mut state.probes);
        if !state.probes.replay_misses.is_empty() && run.error.is_none() {
            let reason = format!(
                "the probe recording has no answer for {} (record it again with `--record`)",
                state.probes.replay_misses.join(", ")
            );
            run = CheckRun::failed(&spec.name, &spec.reference, run.info.take(), reason);
        }
        run.probes_refused = std::mem::take(&mut state.probes.refused);
        let unlisted = state.probes.refusals - run.probes_refused.len();
        if unlisted > 0 {
            run.probes_refused
                .push(format!("… and {unlisted} more refused attempts"));
        }
        run.logs = collect_logs(state);
        run.duration_ms = started.elapsed().as_millis() as u64;
        if self.verbose {
            crate::stderr::line(format_args!(
                "gonogo: check `{}` ran in {} ms ({})",
                spec.name,
                run.duration_ms,
                run.status.as_str()
            ));
        }
        context.redactor.check_run(&mut run);
        Ok((run, trace))
    }
}

/// The store of one run (a check's or a part's), with its memory cap and
/// a deadline `time` away that traps wasm that never yields, and the
/// executor its calls run on; `Err` says why there is none.
pub(super) fn sandbox(
    engine: &wasmtime::Engine,
    state: CheckState,
    time: std::time::Duration,
) -> Result<(Store<CheckState>, tokio::runtime::Runtime), String> {
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    store.set_epoch_deadline(Runtime::ticks(time));
    store.epoch_deadline_trap();
    let executor = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .map_err(|error| format!("cannot start its executor: {error}"))?;
    Ok((store, executor))
}

/// Why a run was stopped at its deadline.
pub(super) fn deadline_exceeded(spec: &CheckSpec) -> String {
    format!(
        "it exceeded its deadline of {} ms (`limits.timeout_ms`) and was stopped",
        spec.limits.timeout.as_millis()
    )
}

/// Why wasm stopped with `error`: its deadline, a full stdout or stderr,
/// its memory limit, or a trap.
pub(super) fn stopped_reason(
    error: &wasmtime::Error,
    state: &CheckState,
    spec: &CheckSpec,
) -> String {
    if error.downcast_ref::<Trap>() == Some(&Trap::Interrupt) {
        deadline_exceeded(spec)
    } else if let Some(stream) = state.full_stdio() {
        format!(
            "it wrote more than {} KiB to {stream}",
            state::STDIO_CAP_BYTES >> 10
        )
    } else if state.limiter.exceeded {
        format!(
            "it exceeded its memory limit of {} MiB (`limits.memory_mb`)",
            spec.limits.memory_bytes >> 20
        )
    } else {
        format!("it trapped: {}", root_cause(error))
    }
}

fn unreachable_info(spec: &CheckSpec) -> CheckInfo {
    CheckInfo {
        id: spec.name.clone(),
        name: spec.name.clone(),
        version: String::new(),
        description: String::new(),
    }
}

pub(super) fn collect_logs(state: CheckState) -> Vec<crate::model::LogLine> {
    let mut logs = state.log.lines;
    if state.log.truncated {
        logs.push(crate::model::LogLine {
            level: "warn".into(),
            message: format!("log truncated at {} bytes", state::LOG_CAP_BYTES),
        });
    }
    for (level, pipe) in [("stdout", &state.stdout), ("stderr", &state.stderr)] {
        let text = String::from_utf8_lossy(&pipe.contents()).into_owned();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            logs.push(crate::model::LogLine {
                level: level.into(),
                message: line.to_owned(),
            });
        }
    }
    logs
}
