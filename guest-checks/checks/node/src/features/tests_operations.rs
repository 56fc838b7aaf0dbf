//! The detectors of APM, metrics and log redaction, on small modules.

use super::tests::{one, sink};
use super::*;

#[test]
fn apm_agents_count_when_started() {
    let started = [
        "import 'dd-trace/init';",
        "import tracer from 'dd-trace';\ntracer.init({ service: 'api' });",
        "require('newrelic');",
        "import { NodeSDK } from '@opentelemetry/sdk-node';\nconst sdk = new NodeSDK({});\nsdk.start();",
        "import * as Sentry from '@sentry/node';\nSentry.init({ dsn: process.env.SENTRY_DSN, tracesSampleRate: 0.2 });",
        "import * as Sentry from '@sentry/nestjs';\nSentry.init({ dsn, tracesSampleRate: Number(process.env.RATE) });",
    ];
    for source in started {
        let mut findings = sink();
        assert!(
            !apm(&one(source), &[], &mut findings)["library"].is_null(),
            "{source}"
        );
        assert!(findings.findings.is_empty());
    }
    for source in [
        "import * as Sentry from '@sentry/node';\nSentry.init({ dsn: process.env.SENTRY_DSN });",
        "import * as Sentry from '@sentry/node';\nSentry.init({ dsn, tracesSampleRate: 0 });",
        "import tracer from 'dd-trace';",
    ] {
        let mut findings = sink();
        assert!(
            apm(&one(source), &[], &mut findings)["library"].is_null(),
            "{source}"
        );
        assert!(format!("{:?}", findings.findings).contains("apm-missing"));
    }
    let mut findings = sink();
    let preloaded = apm(
        &one("const x = 1;"),
        &["dd-trace/init".to_owned()],
        &mut findings,
    );
    assert_eq!(preloaded["library"], "dd-trace/init");
}

#[test]
fn metrics_count_when_they_leave_the_service() {
    for source in [
        "import client from 'prom-client';\nclient.collectDefaultMetrics();\napp.get('/metrics', async (req, res) => res.end(await client.register.metrics()));",
        "import promBundle from 'express-prom-bundle';\napp.use(promBundle({ includeMethod: true }));",
        "import { PrometheusModule } from '@willsoto/nestjs-prometheus';\n@Module({ imports: [PrometheusModule.register()] }) export class AppModule {}",
        "import StatsD from 'hot-shots';\nconst stats = new StatsD();",
    ] {
        let mut findings = sink();
        assert!(
            !metrics(&one(source), &mut findings)["library"].is_null(),
            "{source}"
        );
    }
    let mut findings = sink();
    let kept = metrics(
        &one("import client from 'prom-client';\nclient.collectDefaultMetrics();"),
        &mut findings,
    );
    assert!(kept["library"].is_null());
    assert!(format!("{:?}", findings.findings).contains("nothing serves them"));
}

#[test]
fn log_redaction_is_found_in_pino_and_winston() {
    for source in [
        "import pino from 'pino';\nexport const logger = pino({ redact: ['req.headers.authorization', '*.password'] });",
        "import { LoggerModule } from 'nestjs-pino';\nLoggerModule.forRoot({ pinoHttp: { redact: { paths: ['*.email'] } } });",
        "import winston from 'winston';\nconst logger = winston.createLogger({ format: winston.format.combine(maskPii(), winston.format.json()) });",
    ] {
        let mut findings = sink();
        assert_eq!(
            log_redaction(&one(source), &mut findings)["present"],
            true,
            "{source}"
        );
    }
    // fast-redact beside no logger redacts something else (API responses).
    let mut findings = sink();
    let elsewhere = log_redaction(
        &one(
            "import fastRedact from 'fast-redact';\nexport const redactResponse = fastRedact({ paths: ['value'] });",
        ),
        &mut findings,
    );
    assert_eq!(elsewhere["present"], false);
    let mut findings = sink();
    let plain = log_redaction(
        &one("import pino from 'pino';\nexport const logger = pino({ level: 'info' });"),
        &mut findings,
    );
    assert_eq!(plain["present"], false);
    assert!(format!("{:?}", findings.findings).contains("log-redaction-missing"));
}
