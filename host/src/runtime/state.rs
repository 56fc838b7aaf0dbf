//! The data of one check's `Store`: its WASI context (read-only project,
//! granted variables only, no network), its grants, limits and log.

use crate::envsource::EnvSource;
use crate::model::LogLine;
use crate::plan::CheckSpec;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasmtime::ResourceLimiter;
use wasmtime::component::{Resource, ResourceTable};
use wasmtime_wasi::clocks::{HostMonotonicClock, HostWallClock};
use wasmtime_wasi::filesystem::{Descriptor, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::filesystem::preopens;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// Where the project is mounted inside the sandbox.
pub const GUEST_PROJECT_DIR: &str = "/project";
/// Cap on what `host.log` keeps, per check.
pub const LOG_CAP_BYTES: usize = 64 << 10;
/// What one log line costs besides its text (its record and level),
/// counted against [`LOG_CAP_BYTES`]: a million empty lines are not free.
pub const LOG_LINE_OVERHEAD_BYTES: usize = 64;
/// Cap on stdout and on stderr, each; writing past it traps the check.
pub const STDIO_CAP_BYTES: usize = 256 << 10;

/// Refuses memory growth past the cap, and remembers that it did.
#[derive(Debug)]
pub struct MemoryLimiter {
    /// The cap, in bytes.
    pub cap: usize,
    /// Whether the check asked for more.
    pub exceeded: bool,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.exceeded = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }
}

/// What the check logged through `host.log`, capped.
#[derive(Debug, Default)]
pub struct LogBuffer {
    /// The lines kept.
    pub lines: Vec<LogLine>,
    /// Bytes kept so far.
    pub bytes: usize,
    /// Whether lines were dropped at the cap.
    pub truncated: bool,
}

impl LogBuffer {
    /// Keeps the line unless the cap is reached.
    pub fn push(&mut self, level: &str, message: String) {
        let cost = LOG_LINE_OVERHEAD_BYTES + message.len();
        if self.bytes + cost > LOG_CAP_BYTES {
            self.truncated = true;
            return;
        }
        self.bytes += cost;
        self.lines.push(LogLine {
            level: level.to_owned(),
            message,
        });
    }
}

/// The store data of one run.
pub struct CheckState {
    wasi: WasiCtx,
    table: ResourceTable,
    /// Memory cap.
    pub limiter: MemoryLimiter,
    /// Variables the check may read, present or not.
    pub granted_env: Vec<crate::plan::EnvGrant>,
    /// Whether it may read the project's git history (`grants.git_history`).
    pub git_history: bool,
    /// `host.log` lines.
    pub log: LogBuffer,
    /// The project's files, shared by every check of the run.
    pub workspace: std::sync::Arc<crate::workspace::SharedWorkspace>,
    /// Its probes: grants, budget, refusals.
    pub probes: crate::probe::ProbeSession,
    /// Captured stdout.
    pub stdout: MemoryOutputPipe,
    /// Captured stderr.
    pub stderr: MemoryOutputPipe,
    /// What it asks the host, when its outcome may be stored for reuse.
    pub trace: Option<super::reuse::Trace>,
    /// Its parts (`host.parts`); `None` in a part, which has none.
    pub parts: Option<super::parts::Parts>,
    /// Set when it reads a wall or monotonic clock.
    clock_read: Arc<AtomicBool>,
}

impl CheckState {
    /// A fresh state for one run of `spec`.
    pub fn new(
        spec: &CheckSpec,
        project_dir: &std::path::Path,
        env: &EnvSource,
        workspace: &std::sync::Arc<crate::workspace::SharedWorkspace>,
        probes: crate::probe::ProbeSession,
    ) -> wasmtime::Result<Self> {
        let stdout = MemoryOutputPipe::new(STDIO_CAP_BYTES);
        let stderr = MemoryOutputPipe::new(STDIO_CAP_BYTES);
        let clock_read = Arc::new(AtomicBool::new(false));
        let mut builder = WasiCtxBuilder::new();
        builder
            .wall_clock(WatchedWallClock {
                inner: wasmtime_wasi::clocks::wall_clock(),
                read: clock_read.clone(),
            })
            .monotonic_clock(WatchedMonotonicClock {
                inner: wasmtime_wasi::clocks::monotonic_clock(),
                read: clock_read.clone(),
            })
            .preopened_dir(project_dir, GUEST_PROJECT_DIR, FsPerms::ReadOnly)?
            .initial_cwd(GUEST_PROJECT_DIR)
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        for grant in &spec.grants.env {
            if let Some(value) = env.get(&grant.name) {
                builder.env(&grant.name, value);
            }
        }
        if spec.grants.env_names {
            let names: Vec<&str> = env.names().collect();
            builder.env(crate::plan::ENV_NAMES_VARIABLE, names.join(","));
        }
        Ok(CheckState {
            wasi: builder.build(),
            table: ResourceTable::new(),
            limiter: MemoryLimiter {
                cap: spec.limits.memory_bytes,
                exceeded: false,
            },
            granted_env: spec.grants.env.clone(),
            git_history: spec.grants.git_history,
            log: LogBuffer::default(),
            workspace: workspace.clone(),
            probes,
            stdout,
            stderr,
            trace: None,
            parts: None,
            clock_read,
        })
    }

    /// Applies what `import` declares about reuse ([`Import::tracing`]):
    /// every host function of `gonogo:check` calls this first.
    ///
    /// [`Import::tracing`]: super::reuse::imports::Import::tracing
    pub fn asked(&mut self, import: super::reuse::imports::Import) {
        use super::reuse::imports::Tracing;
        if let Tracing::Unrepeatable(why) = import.tracing() {
            self.unrepeatable(why);
        }
    }

    /// Notes that something outside the trace could shape the outcome.
    pub fn unrepeatable(&mut self, why: &'static str) {
        if let Some(trace) = &mut self.trace {
            trace.unrepeatable(why);
        }
    }

    /// The trace of the run, with a clock read noted in it.
    pub fn take_trace(&mut self) -> Option<super::reuse::Trace> {
        if self.clock_read.load(Ordering::Relaxed) {
            self.unrepeatable("it read a clock");
        }
        self.trace.take()
    }
}

/// The host's wall clock, noting that it was read.
struct WatchedWallClock {
    inner: Box<dyn HostWallClock + Send>,
    read: Arc<AtomicBool>,
}

impl HostWallClock for WatchedWallClock {
    fn resolution(&self) -> Duration {
        self.inner.resolution()
    }

    fn now(&self) -> Duration {
        self.read.store(true, Ordering::Relaxed);
        self.inner.now()
    }
}

/// The host's monotonic clock, noting that it was read (a sleep reads it).
struct WatchedMonotonicClock {
    inner: Box<dyn HostMonotonicClock + Send>,
    read: Arc<AtomicBool>,
}

impl HostMonotonicClock for WatchedMonotonicClock {
    fn resolution(&self) -> u64 {
        self.inner.resolution()
    }

    fn now(&self) -> u64 {
        self.read.store(true, Ordering::Relaxed);
        self.inner.now()
    }
}

/// `wasi:filesystem/preopens`, in place of wasmtime-wasi's: the same
/// folders, with the reach into the project noted, since a descriptor can
/// read what the trace does not see.
impl preopens::Host for CheckState {
    fn get_directories(&mut self) -> wasmtime::Result<Vec<(Resource<Descriptor>, String)>> {
        self.unrepeatable("it opened the project through WASI");
        preopens::Host::get_directories(&mut WasiFilesystemView::filesystem(self))
    }
}

impl CheckState {
    /// `stdout` or `stderr` when the check filled it to the cap.
    pub fn full_stdio(&self) -> Option<&'static str> {
        [("stdout", &self.stdout), ("stderr", &self.stderr)]
            .into_iter()
            .find(|(_, pipe)| pipe.contents().len() >= STDIO_CAP_BYTES)
            .map(|(name, _)| name)
    }
}

impl WasiView for CheckState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_log_lines_count_against_the_cap() {
        let mut log = LogBuffer::default();
        for _ in 0..1_000_000 {
            log.push("info", String::new());
        }
        assert_eq!(log.lines.len(), LOG_CAP_BYTES / LOG_LINE_OVERHEAD_BYTES);
        assert!(log.truncated);
    }
}
