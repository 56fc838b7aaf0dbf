//! Micro-benchmarks of the engine (criterion): CEL evaluation per rule, and
//! one instantiate + `describe` + `run` of a built-in Rust check with a warm
//! `InstancePre`. `cargo bench --bench engine`; under `cargo test --benches`
//! each runs once, as a test, so they cannot rot.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gonogo::envsource::EnvSource;
use gonogo::eval::{self, Inputs};
use gonogo::outcomes::Outcomes;
use gonogo::redact::Redactor;
use gonogo::runtime::cache::CompileCache;
use gonogo::runtime::{RunContext, Runtime};
use gonogo::target::Target;
use gonogo::workspace::SharedWorkspace;
use std::path::Path;
use std::sync::Arc;

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A pack of `n` simple rules over the recorded example outcome.
fn simple_rules(n: usize) -> String {
    let mut pack = String::from("name: bench\nchecks:\n  env:\n    use: builtin:env\nrules:\n");
    for i in 0..n {
        pack.push_str(&format!(
            "  - id: rule-{i}\n    title: rule {i}\n    severity: low\n    check: env\n    expr: facts.vars.JWT_SECRET.length >= {i}\n"
        ));
    }
    pack
}

fn cel(c: &mut Criterion) {
    let runs =
        Outcomes::read(&repo().join("policies/production-readiness/tests/outcomes/shop-api.json"))
            .expect("recorded outcomes")
            .checks;
    let target = Target::inspect(repo());
    let inputs = Inputs {
        target: &target,
        environment: "production",
        now: chrono::Utc::now(),
        attestations: &gonogo::attest::store::Attestations::none(),
    };
    let mut group = c.benchmark_group("cel");
    group.bench_function("context: the recorded outcomes converted to CEL", |b| {
        b.iter(|| {
            let outcomes = eval::Outcomes::new(&runs);
            drop(eval::base_context(&outcomes, &inputs));
        })
    });
    // The cost of one rule is the slope between 200 and 400 rules (the
    // context is built once per evaluation, whatever the number of rules).
    for rules in [200, 400] {
        let plan = gonogo::policy::parse(&simple_rules(rules), "bench", None).expect("pack parses");
        group.throughput(Throughput::Elements(rules as u64));
        group.bench_function(format!("{rules} simple rules"), |b| {
            b.iter(|| eval::evaluate(&plan, &runs, &inputs))
        });
    }
    let text = std::fs::read_to_string(repo().join("policies/production-readiness/gonogo.yaml"))
        .expect("pack");
    let pack = gonogo::policy::parse(&text, "production-readiness", None).expect("pack parses");
    let full_runs = Outcomes::read(
        &repo().join("policies/production-readiness/tests/outcomes/shop-api-misconfigured.json"),
    )
    .expect("recorded outcomes")
    .checks;
    group.throughput(Throughput::Elements(pack.rules.len() as u64));
    group.bench_function("production-readiness pack, misconfigured example", |b| {
        b.iter(|| eval::evaluate(&pack, &full_runs, &inputs))
    });
    group.finish();
}

fn instantiate(c: &mut Criterion) {
    let cache = tempfile::tempdir().expect("temp dir");
    let runtime =
        Runtime::new(CompileCache::at(cache.path().to_path_buf()), false).expect("engine");
    let plan = gonogo::policy::parse(
        "name: bench\nchecks:\n  env:\n    use: builtin:env\n    grants: { public_env: [NODE_ENV] }\nrules: []\n",
        "bench",
        None,
    )
    .expect("pack parses");
    let spec = &plan.checks[0];
    let pre = runtime.prepare(spec).expect("prepares");
    let project = tempfile::tempdir().expect("temp dir");
    let env = EnvSource::from_pairs([("NODE_ENV", "production")]);
    let redactor = Redactor::new([]);
    let workspace = Arc::new(SharedWorkspace::new(project.path()));
    let probes = std::sync::Arc::new(gonogo::probe::Prober::live(redactor.clone(), false));
    let context = RunContext {
        project_dir: project.path(),
        env: &env,
        redactor: &redactor,
        workspace: &workspace,
        probes: &probes,
        on_finished: None,
        outcomes: None,
    };
    c.bench_function(
        "instantiate + describe + run (builtin:env, warm InstancePre)",
        |b| b.iter(|| runtime.run(spec, &pre, &context)),
    );
}

criterion_group!(benches, cel, instantiate);
criterion_main!(benches);
