//! `describe` alone, for `gonogo checks`: the check is instantiated in a
//! fresh store with an empty project, no variables and no hosts, under its
//! deadline, and asked what it is. `run` is never called.

use super::state::CheckState;
use super::{Runtime, RuntimeError, root_cause};
use crate::envsource::EnvSource;
use crate::model::CheckInfo;
use crate::plan::{CheckSpec, Grants};
use crate::redact::Redactor;
use std::sync::Arc;
use wasmtime::Store;

/// What a component says about itself and what it may call.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Description {
    /// Its `describe()`.
    #[serde(flatten)]
    pub info: CheckInfo,
    /// The interfaces it imports (`gonogo:check/probe@0.1.0`, `wasi:…`).
    pub imports: Vec<String>,
}

impl Runtime {
    /// Loads `spec`'s component and calls `describe`, without grants.
    pub fn describe(&self, spec: &CheckSpec) -> Result<Description, RuntimeError> {
        let pre = self.prepare(spec)?;
        let component = pre.instance_pre().component();
        let imports = component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_owned())
            .collect();
        let broken = |reason: String| RuntimeError::Load {
            check: spec.name.clone(),
            location: spec.source.location(),
            reason,
        };
        let empty = EmptyDir::create()
            .map_err(|e| broken(format!("cannot create an empty project: {e}")))?;
        let ungranted = CheckSpec {
            grants: Grants::default(),
            ..spec.clone()
        };
        let env = EnvSource::from_pairs([]);
        let workspace = Arc::new(crate::workspace::SharedWorkspace::new(&empty.0));
        let no_secrets = Redactor::new(std::iter::empty::<&str>());
        let probes = Arc::new(crate::probe::Prober::live(no_secrets, false));
        let session = probes.session(&ungranted, &env);
        let state = CheckState::new(&ungranted, &empty.0, &env, &workspace, session)
            .map_err(|e| broken(root_cause(&e)))?;
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(Runtime::ticks(spec.limits.timeout));
        store.epoch_deadline_trap();
        let executor = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| broken(format!("cannot start its executor: {e}")))?;
        let described = self.with_epoch_ticker(|| {
            executor.block_on(async {
                tokio::time::timeout(spec.limits.timeout, async {
                    let check = pre.instantiate_async(&mut store).await?;
                    check.call_describe(&mut store).await
                })
                .await
            })
        });
        executor.shutdown_background();
        let info = match described {
            Err(_elapsed) => {
                return Err(broken(
                    "`describe` did not return before its deadline".into(),
                ));
            }
            Ok(Err(error))
                if error.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt) =>
            {
                return Err(broken(
                    "`describe` did not return before its deadline".into(),
                ));
            }
            Ok(Err(error)) => {
                return Err(broken(format!(
                    "`describe` trapped: {}",
                    root_cause(&error)
                )));
            }
            Ok(Ok(info)) => info,
        };
        if info.id.trim().is_empty() {
            return Err(RuntimeError::Contract {
                check: spec.name.clone(),
                location: spec.source.location(),
                reason: super::execute::EMPTY_ID.into(),
            });
        }
        Ok(Description {
            info: CheckInfo {
                id: info.id,
                name: info.name,
                version: info.version,
                description: info.description,
            },
            imports,
        })
    }
}

/// An empty folder for the project of a `describe`, removed afterwards.
struct EmptyDir(std::path::PathBuf);

impl EmptyDir {
    fn create() -> std::io::Result<Self> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("gonogo-describe-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(EmptyDir(path))
    }
}

impl Drop for EmptyDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
