//! `gonogo check`: run a pack's checks over a project and decide go / no-go.

use super::{fail, outputs, progress::Progress};
use crate::decision::FailOn;
use crate::envsource::EnvSource;
use crate::exit::Exit;
use crate::gate::{self, GateInputs};
use crate::policy::{self, PackRef};
use crate::probe::Prober;
use crate::redact::Redactor;
use crate::report::Format;
use crate::runtime::cache::CompileCache;
use crate::runtime::reuse::OutcomeStore;
use crate::runtime::{RunContext, Runtime};
use crate::target::Target;
use crate::workspace::SharedWorkspace;
use std::path::PathBuf;

/// Run the checks of a policy pack over a project and decide go / no-go.
///
/// Exit code: 0 go, 1 no-go, 2 no decision (bad input, broken pack,
/// internal error). A check that fails to run makes the rules that read it
/// `error`, and an `error` of a blocking rule is a no-go.
///
/// Examples:
///   gonogo check                                   # ./ with ./gonogo.yaml or the built-in pack
///   gonogo check apps/api --env-file .env.production
///   gonogo check . --policy policies/production-readiness --format json
///   gonogo check --report sarif=gonogo.sarif --report markdown=$GITHUB_STEP_SUMMARY
///   gonogo check --fail-on warn                    # warnings are no-go too
///   gonogo check --record probes.json              # keep what live probes saw
///   gonogo check --replay probes.json              # same decision, no network
///   gonogo check --rerun                           # run checks whose inputs are unchanged too
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// The project folder; checks see it read-only at `/project`.
    #[arg(default_value = ".")]
    dir: PathBuf,

    /// The policy pack: a file, a folder holding `gonogo.yaml`, or
    /// `builtin:production-readiness`. Default: `DIR/gonogo.yaml` if it
    /// exists, else the built-in production-readiness pack.
    #[arg(long, short = 'p', value_name = "PACK")]
    policy: Option<String>,

    /// A dotenv file with the deployment's variables; repeat to layer them
    /// (later files win). Without any, the process environment is used.
    #[arg(long = "env-file", value_name = "FILE")]
    env_files: Vec<PathBuf>,

    /// Also read the process environment when `--env-file` is given (it
    /// wins over the files, as the platform's variables do).
    #[arg(long)]
    process_env: bool,

    /// The deploy environment rules see as `environment`.
    #[arg(long, short = 'e', default_value = "production", value_name = "NAME")]
    environment: String,

    /// Output format on standard output.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Also write the report in FORMAT to PATH; repeat for several
    /// (`--report sarif=gonogo.sarif --report junit=gonogo.xml`). Markdown
    /// is appended to, as `$GITHUB_STEP_SUMMARY` expects.
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = outputs::parse_report_target)]
    reports: Vec<outputs::ReportTarget>,

    /// SARIF's analysis category: `automationDetails.id` is the category,
    /// the project's path in the repository and a non-production
    /// environment (`gonogo/apps/api/`), so code scanning keeps the alerts
    /// of two projects of one repository apart.
    #[arg(long, default_value = "gonogo", value_name = "CATEGORY")]
    sarif_category: String,

    /// Judge the repository only: the checks the pack grants environment
    /// variables or hosts to (the deployment's variables, live probes) are
    /// not run, and the rules that read them are skipped, saying so. For a
    /// pre-push hook or a laptop without the production env file; the
    /// pipeline's full run still judges the rest.
    #[arg(long, conflicts_with_all = ["env_files", "process_env", "replay", "record"])]
    repository_only: bool,

    /// What makes a no-go: failing `block` rules, or `warn` rules too.
    #[arg(long, value_enum, default_value_t = FailOn::Block)]
    fail_on: FailOn,

    /// No progress indicator on stderr (it only shows on a terminal anyway).
    #[arg(long, short = 'q')]
    quiet: bool,

    /// Where compiled components, parsed CEL expressions and reusable
    /// outcomes are kept [default: $XDG_CACHE_HOME/gonogo or ~/.cache/gonogo].
    #[arg(long, env = "GONOGO_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Compile every component, parse every expression and run every
    /// check, without reading or writing the cache (wins over `--cache-dir`
    /// and `GONOGO_CACHE_DIR`).
    #[arg(long)]
    no_cache: bool,

    /// Run every check even when nothing it read has changed since its
    /// outcome was stored (which is otherwise reused); store the new ones.
    #[arg(long)]
    rerun: bool,

    /// Also write the checks' outcomes (redacted) to FILE, for
    /// `gonogo test` and `gonogo eval`.
    #[arg(long, value_name = "FILE")]
    save_outcomes: Option<PathBuf>,

    /// Write every live probe exchange (secrets redacted) to FILE, to
    /// replay later with `--replay`.
    #[arg(long, value_name = "FILE", conflicts_with = "replay")]
    record: Option<PathBuf>,

    /// Answer live probes from a file written by `--record`, without any
    /// network access; a probe the file has no answer for is an error of
    /// its check.
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,

    /// After the decision, send the JSON report to the `gonogo serve` at
    /// URL, with the repository's push token from $GONOGO_PUSH_TOKEN. A
    /// push that fails is a warning: it never changes the exit code.
    #[arg(long, value_name = "URL", value_parser = super::push::parse_url)]
    push: Option<String>,

    /// A PEM file of CA certificates that live probes trust besides the
    /// system's (a private deployment's CA); a pack can also name one per
    /// check with `grants.ca_bundle`.
    #[arg(long, value_name = "FILE")]
    ca_bundle: Option<PathBuf>,

    /// The readiness level to gate on (the pack's `levels`): rules above it
    /// are reported but decide nothing. Default: the highest.
    #[arg(long, value_name = "LEVEL")]
    level: Option<String>,

    /// An exceptions file (time-boxed waivers of rule failures). Default:
    /// `DIR/.gonogo/exceptions.yaml` when it exists.
    #[arg(long, value_name = "FILE")]
    exceptions: Option<PathBuf>,

    /// The release artifact this run gates (`sha256:<hex>`, e.g. an image
    /// digest): attestations signed for it (`gonogo attest --artifact`)
    /// count, besides those signed for the commit.
    #[arg(long, value_name = "DIGEST")]
    artifact: Option<String>,

    /// List every rule in the human report, passes and skips too, and
    /// report compilation, cache use and each check's run time on stderr.
    #[arg(long, short = 'v')]
    verbose: bool,
}

/// Runs `gonogo check`.
pub fn run(args: CheckArgs) -> Exit {
    if !args.dir.is_dir() {
        return fail(format_args!(
            "`{}` is not a folder; give the project folder to check",
            args.dir.display()
        ));
    }
    // Git lists the files while the pack compiles and the checks load (a
    // pack without a check reading files leaves git's answer unused).
    let workspace = std::sync::Arc::new(SharedWorkspace::new(&args.dir));
    workspace.scan_in_background();
    let cache = if args.no_cache {
        CompileCache::disabled()
    } else {
        args.cache_dir
            .clone()
            .or_else(CompileCache::default_dir)
            .map_or_else(CompileCache::disabled, CompileCache::at)
    };
    if let Some(dir) = cache.dir() {
        workspace.keep_history_in(dir);
    }
    // Expressions this build parsed before are decoded, not parsed again.
    let parsed = cache.dir().map(crate::expr::parsed::ParsedStore::open);
    let pack = args
        .policy
        .as_deref()
        .map(PackRef::parse)
        .unwrap_or_else(|| PackRef::default_for(&args.dir));
    let loaded = policy::load_with(
        &pack,
        policy::LoadOptions {
            pack_cache: cache.dir().map(crate::policy::remote::cache_dir_in),
            parsed: parsed.as_ref(),
        },
    )
    .plan;
    if let Some(store) = &parsed {
        store.save();
        if args.verbose {
            let (parsed, decoded) = store.counts();
            crate::stderr::line(format_args!(
                "gonogo: {parsed} CEL expression(s) parsed, {decoded} decoded from the cache"
            ));
        }
    }
    let plan = match loaded {
        Ok(plan) => plan,
        Err(error) => {
            for diagnostic in &error.diagnostics {
                fail(diagnostic);
            }
            if error.diagnostics.len() > 1 {
                crate::stderr::line(format_args!(
                    "{} problems in the policy pack",
                    error.diagnostics.len()
                ));
            }
            let named = match &pack {
                PackRef::Path(path) => path.display().to_string(),
                PackRef::Builtin(name) => format!("builtin:{name}"),
            };
            if let Err(why) = outputs::write_pack_errors(&named, &error, args.format, &args.reports)
            {
                fail(why);
            }
            return Exit::Error;
        }
    };
    let gate = match args
        .level
        .as_deref()
        .map(|name| (name, gate::level_index(&plan, name)))
    {
        None => None,
        Some((_, Ok(index))) => Some(index),
        Some((name, Err(why))) => return fail(format_args!("--level {name}: {why}")),
    };
    let artifact = match args.artifact.as_deref().map(crate::attest::parse_artifact) {
        None => None,
        Some(Ok(hex)) => Some(hex),
        Some(Err(error)) => return fail(format_args!("--artifact: {error}")),
    };
    let mut exceptions = plan.exceptions.clone();
    let waivable = crate::policy::exceptions::Waivable::of(&plan);
    let loaded_exceptions = match &args.exceptions {
        Some(file) => Some(crate::policy::exceptions::load_file(file, &waivable)),
        None => crate::policy::exceptions::load_project_file(
            &args.dir,
            ".gonogo/exceptions.yaml",
            &waivable,
        ),
    };
    match loaded_exceptions {
        None => {}
        Some(Ok(more)) => exceptions.extend(more),
        Some(Err(error)) => {
            for diagnostic in &error.diagnostics {
                fail(diagnostic);
            }
            return Exit::Error;
        }
    }
    // `--repository-only`: the checks granted the deployment's variables or
    // hosts stay out of the run (and of what it may read).
    let mut plan = plan;
    let left_out: Vec<crate::plan::CheckSpec> = if args.repository_only {
        let (left_out, kept) = std::mem::take(&mut plan.checks).into_iter().partition(|c| {
            !c.grants.env.is_empty()
                || !c.grants.hosts.is_empty()
                || !c.grants.datastores.is_empty()
        });
        plan.checks = kept;
        left_out
    } else {
        Vec::new()
    };
    let use_process_env = !args.repository_only && (args.env_files.is_empty() || args.process_env);
    let env = match EnvSource::load(&args.env_files, use_process_env) {
        Ok(env) => env,
        Err(error) => return fail(error),
    };
    // Secret variables, and every datastore URL (its password above all).
    let redactor = Redactor::new(
        plan.checks
            .iter()
            .flat_map(|check| &check.grants.env)
            .filter(|grant| grant.secret)
            .filter_map(|grant| env.get(&grant.name))
            .chain(
                plan.checks
                    .iter()
                    .flat_map(|check| &check.grants.datastores)
                    .filter_map(|grant| env.get(&grant.variable)),
            ),
    );
    crate::stderr::redact_with(redactor.clone());
    let probes = match &args.replay {
        Some(path) => match Prober::replay(path, redactor.clone()) {
            Ok(prober) => prober,
            Err(error) => return fail(error),
        },
        None => Prober::live(redactor.clone(), args.record.is_some()),
    };
    // The push trusts what the probes trust besides the system's roots.
    let mut push_roots: Vec<Vec<u8>> = Vec::new();
    let probes = match &args.ca_bundle {
        Some(path) => match crate::probe::tls::read_pem_bundle(path) {
            Ok(certs) => {
                push_roots = certs.clone();
                probes.trust_also(certs)
            }
            Err(error) => return fail(format_args!("--ca-bundle: {error}")),
        },
        None => probes,
    };
    let probes = std::sync::Arc::new(probes);
    let outcomes = cache
        .dir()
        .map(|dir| OutcomeStore::new(dir, &args.dir, !args.rerun));
    let runtime = match Runtime::new(cache, args.verbose) {
        Ok(runtime) => runtime,
        Err(error) => return fail(error),
    };
    let progress = Progress::start(plan.checks.len(), args.quiet);
    let on_finished = |name: &str| {
        if let Some(progress) = &progress {
            progress.finished(name);
        }
    };
    let context = RunContext {
        project_dir: &args.dir,
        env: &env,
        redactor: &redactor,
        workspace: &workspace,
        probes: &probes,
        on_finished: Some(&on_finished),
        outcomes: outcomes.as_ref(),
    };
    let runs = runtime.run_all(&plan, &context);
    if let Some(store) = &outcomes {
        store.prune();
    }
    if let Some(progress) = &progress {
        progress.clear();
    }
    let mut runs = match runs {
        Ok(runs) => runs,
        Err(error) => return fail(error),
    };
    runs.extend(left_out.iter().map(|check| {
        crate::model::CheckRun::not_run(
            &check.name,
            &check.reference,
            "this run judges the repository only (`--repository-only`); it reads the deployment's environment or probes the service".into(),
        )
    }));
    if let Some(path) = &args.record {
        let order: Vec<String> = plan.checks.iter().map(|c| c.name.clone()).collect();
        if let Err(error) = probes.write_recording(path, &order) {
            return fail(format_args!(
                "cannot write the probe recording `{}`: {error}",
                path.display()
            ));
        }
    }
    if let Some(path) = &args.save_outcomes
        && let Err(error) = crate::outcomes::Outcomes::new(runs.clone()).write(path)
    {
        return fail(error);
    }
    let mut target = Target::inspect(&args.dir);
    target.artifact = artifact.map(|hex| format!("sha256:{hex}"));
    let attestations = crate::attest::store::Attestations::load(
        &args.dir,
        target.commit.as_deref(),
        target
            .artifact
            .as_deref()
            .map(|a| a.trim_start_matches("sha256:")),
        &plan.trust,
    );
    let verdict = gate::judge(
        &plan,
        &GateInputs {
            runs: &runs,
            exceptions: &exceptions,
            attestations: &attestations,
            target: &target,
            environment: &args.environment,
            level: gate,
            fail_on: args.fail_on,
            now: chrono::Utc::now(),
        },
    );
    let go = verdict.decision.go;
    let report = gate::report(&plan, target, &args.environment, verdict, runs);
    let options = crate::report::RenderOptions {
        sarif_category: args.sarif_category.clone(),
        verbose: args.verbose,
    };
    if let Err(error) = outputs::write_all(&report, args.format, &args.reports, &options) {
        return fail(error);
    }
    if let Some(server) = &args.push {
        super::push::push(server, &report, &options, &push_roots);
    }
    if go { Exit::Go } else { Exit::NoGo }
}
