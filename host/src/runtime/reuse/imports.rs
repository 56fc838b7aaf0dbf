//! How each function of `gonogo:check` that a check imports is traced for
//! reuse: one [`Import`] per function of the WIT, each with a [`Tracing`]
//! given by an exhaustive `match`, so that a function cannot be added
//! without saying how its answers reach the trace. Every host function
//! starts with [`CheckState::asked`](super::super::state::CheckState::asked),
//! which applies the declaration (an unrepeatable import keeps the run from
//! being stored). A test derives the functions from `wit/check.wit` and
//! fails when one has no [`Import`].

/// A function of `gonogo:check` a check can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Import {
    /// `host.log`.
    HostLog,
    /// `host.granted-env`.
    HostGrantedEnv,
    /// `host.parts`.
    HostParts,
    /// `probe.http`.
    ProbeHttp,
    /// `probe.tls`.
    ProbeTls,
    /// `probe.dns-txt`.
    ProbeDnsTxt,
    /// `datastore.granted`.
    DatastoreGranted,
    /// `datastore.ask`.
    DatastoreAsk,
    /// `workspace.vcs`.
    WorkspaceVcs,
    /// `workspace.files`.
    WorkspaceFiles,
    /// `workspace.files-packed`.
    WorkspaceFilesPacked,
    /// `workspace.files-in`.
    WorkspaceFilesIn,
    /// `workspace.ignored`.
    WorkspaceIgnored,
    /// `workspace.read`.
    WorkspaceRead,
    /// `workspace.present`.
    WorkspacePresent,
    /// `workspace.history`.
    WorkspaceHistory,
}

/// How an import's answers reach the trace of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracing {
    /// It answers nothing the check could act on.
    Inert,
    /// Its answer depends only on what the outcome's key holds (the
    /// check's grants, configuration and limits).
    Keyed,
    /// Its question and answer are noted in the trace by the function
    /// itself, and asked again before an outcome is reused.
    Traced,
    /// Its answer depends on more than the project: a run that calls it
    /// is never stored, for this reason.
    Unrepeatable(&'static str),
}

impl Import {
    /// Every import, in WIT order.
    pub const ALL: &[Import] = &[
        Import::HostLog,
        Import::HostGrantedEnv,
        Import::HostParts,
        Import::ProbeHttp,
        Import::ProbeTls,
        Import::ProbeDnsTxt,
        Import::DatastoreGranted,
        Import::DatastoreAsk,
        Import::WorkspaceVcs,
        Import::WorkspaceFiles,
        Import::WorkspaceFilesPacked,
        Import::WorkspaceFilesIn,
        Import::WorkspaceIgnored,
        Import::WorkspaceRead,
        Import::WorkspacePresent,
        Import::WorkspaceHistory,
    ];

    /// `interface.function`, as the WIT names it.
    pub fn wit_name(self) -> &'static str {
        match self {
            Import::HostLog => "host.log",
            Import::HostGrantedEnv => "host.granted-env",
            Import::HostParts => "host.parts",
            Import::ProbeHttp => "probe.http",
            Import::ProbeTls => "probe.tls",
            Import::ProbeDnsTxt => "probe.dns-txt",
            Import::DatastoreGranted => "datastore.granted",
            Import::DatastoreAsk => "datastore.ask",
            Import::WorkspaceVcs => "workspace.vcs",
            Import::WorkspaceFiles => "workspace.files",
            Import::WorkspaceFilesPacked => "workspace.files-packed",
            Import::WorkspaceFilesIn => "workspace.files-in",
            Import::WorkspaceIgnored => "workspace.ignored",
            Import::WorkspaceRead => "workspace.read",
            Import::WorkspacePresent => "workspace.present",
            Import::WorkspaceHistory => "workspace.history",
        }
    }

    /// How its answers reach the trace.
    pub fn tracing(self) -> Tracing {
        const PROBED: &str = "it made a probe call";
        match self {
            Import::HostLog => Tracing::Inert,
            Import::HostGrantedEnv => Tracing::Keyed,
            // Each part's own trace is merged into the run's.
            Import::HostParts => Tracing::Traced,
            Import::ProbeHttp | Import::ProbeTls | Import::ProbeDnsTxt => {
                Tracing::Unrepeatable(PROBED)
            }
            // The engine comes from a deployment variable's value.
            Import::DatastoreGranted | Import::DatastoreAsk => {
                Tracing::Unrepeatable("it asked a live datastore")
            }
            Import::WorkspaceVcs
            | Import::WorkspaceFiles
            | Import::WorkspaceFilesPacked
            | Import::WorkspaceFilesIn
            | Import::WorkspaceIgnored
            | Import::WorkspaceRead
            | Import::WorkspacePresent => Tracing::Traced,
            // The key holds the refs the history is read from, for a
            // check granted it (others are refused).
            Import::WorkspaceHistory => Tracing::Keyed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `interface.function` of every function the worlds of
    /// `wit/check.wit` import from `gonogo:check`.
    fn imported_by_the_wit() -> BTreeSet<String> {
        let wit = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
        let mut resolve = wit_parser::Resolve::new();
        let (package, _) = resolve.push_path(&wit).expect("wit/ parses");
        let mut names = BTreeSet::new();
        for (_, world) in resolve
            .worlds
            .iter()
            .filter(|(_, w)| w.package == Some(package))
        {
            for item in world.imports.values() {
                if let wit_parser::WorldItem::Interface { id, .. } = item {
                    let interface = &resolve.interfaces[*id];
                    for function in interface.functions.keys() {
                        let name = interface.name.as_deref().unwrap_or("");
                        names.insert(format!("{name}.{function}"));
                    }
                }
            }
        }
        names
    }

    #[test]
    fn every_function_the_wit_imports_declares_how_it_is_traced() {
        let declared: BTreeSet<String> = Import::ALL
            .iter()
            .map(|i| i.wit_name().to_owned())
            .collect();
        let imported = imported_by_the_wit();
        assert!(!imported.is_empty());
        let undeclared: Vec<&String> = imported.difference(&declared).collect();
        assert!(
            undeclared.is_empty(),
            "imports of wit/check.wit with no `Import` (say how each is traced for reuse in host/src/runtime/reuse/imports.rs): {undeclared:?}"
        );
        let stale: Vec<&String> = declared.difference(&imported).collect();
        assert!(stale.is_empty(), "declared but not in the WIT: {stale:?}");
    }
}
