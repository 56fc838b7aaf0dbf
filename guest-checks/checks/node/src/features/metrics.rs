//! Metrics collection: a Prometheus registry the service exposes (or
//! pushes), a framework plugin that serves `/metrics`, an OpenTelemetry
//! meter provider, or a StatsD client.

use super::{Sink, at_json};
use crate::findings;
use crate::scan::{At, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Packages that collect and expose metrics on their own (a `/metrics`
/// route, an exporter or a StatsD socket).
const EXPOSING: &[&str] = &[
    "express-prom-bundle",
    "express-prometheus-middleware",
    "fastify-metrics",
    "@willsoto/nestjs-prometheus",
    "koa-prometheus-adapter",
    "@hono/prometheus",
    "@opentelemetry/exporter-prometheus",
    "@opentelemetry/exporter-metrics-otlp-http",
    "@opentelemetry/exporter-metrics-otlp-grpc",
    "@opentelemetry/sdk-metrics",
    "hot-shots",
    "node-statsd",
    "statsd-client",
    "lynx",
];

/// Whether a reached module serves or pushes prom-client's registry:
/// `register.metrics()`, `registry.metrics()` or a `Pushgateway`.
fn prom_client_exposed(modules: &[Module]) -> Option<At> {
    modules.iter().find_map(|module| {
        let tokens = &module.tokens;
        (0..tokens.len().saturating_sub(2)).find_map(|i| {
            let exposed = (tokens[i].is_punct(".")
                && tokens[i + 1].is_ident("metrics")
                && tokens[i + 2].is_punct("("))
                || tokens[i].is_ident("Pushgateway");
            exposed.then(|| At::of(module, i))
        })
    })
}

/// The metrics the service collects, and how they leave it.
pub fn metrics(modules: &[Module], sink: &mut Sink) -> Value {
    let mut found = package_used(modules, EXPOSING);
    if found.is_none() && package_used(modules, &["prom-client"]).is_some() {
        found = prom_client_exposed(modules).map(|at| ("prom-client".to_owned(), at));
    }
    if found.is_none() {
        let collected_only = package_used(modules, &["prom-client"]).is_some();
        sink.push(
            Finding::warn(
                findings::METRICS_MISSING,
                Severity::Low,
                if collected_only {
                    "prom-client collects metrics but nothing serves them (no `register.metrics()` route, no Pushgateway)"
                } else {
                    "no metrics are collected (Prometheus, OpenTelemetry metrics, StatsD)"
                },
            )
            .fix("serve prom-client's registry on `/metrics` (`res.end(await register.metrics())`) or use `express-prom-bundle` / `@willsoto/nestjs-prometheus`"),
            None,
        );
    }
    let at = found.as_ref().map(|(_, at)| at.clone());
    json!({"library": found.map(|(library, _)| library), "at": at_json(&at)})
}
