//! The detectors of APM, metrics, log redaction and N+1 queries, on small modules.

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

#[test]
fn upload_size_limits_are_read_where_uploads_are_configured() {
    let cases = [
        // (source, places, unlimited)
        (
            "import multer from 'multer';\nconst upload = multer({ dest: 'uploads/' });",
            1,
            1,
        ),
        (
            "import multer from 'multer';\nconst upload = multer({ storage, limits: { fileSize: 10 * 1024 * 1024 } });",
            1,
            0,
        ),
        (
            "import multipart from '@fastify/multipart';\napp.register(multipart, { limits: { fileSize: 5e6 } });",
            1,
            0,
        ),
        (
            "@UseInterceptors(FileInterceptor('file'))\n@Post('avatar') upload() {}",
            1,
            1,
        ),
        (
            "@UseInterceptors(FileInterceptor('file'))\nupload(@UploadedFile(new ParseFilePipe({ validators: [new MaxFileSizeValidator({ maxSize: 1000 })] })) file) {}",
            1,
            0,
        ),
        ("app.use(express.json({ limit: '1mb' }));", 0, 0),
    ];
    for (source, places, unlimited) in cases {
        let mut findings = sink();
        let facts = upload_limits(&one(source), &mut findings);
        assert_eq!(facts["places"], places, "{source}");
        assert_eq!(
            facts["unlimited"].as_array().map(Vec::len),
            Some(unlimited),
            "{source}"
        );
        let reported = format!("{:?}", findings.findings).contains("upload-unlimited");
        assert_eq!(reported, unlimited > 0, "{source}");
    }
    // A module-wide `MulterModule.register` limits every interceptor.
    let modules = vec![
        gonogo_analysis::graph::parse_module(
            "src/app.module.ts",
            "@Module({ imports: [MulterModule.register({ limits: { fileSize: 1e7 } })] }) export class AppModule {}",
        ),
        gonogo_analysis::graph::parse_module(
            "src/files.controller.ts",
            "@UseInterceptors(FileInterceptor('file'))\n@Post() upload() {}",
        ),
    ];
    let mut findings = sink();
    assert_eq!(
        upload_limits(&modules, &mut findings)["unlimited"],
        json!([])
    );
}

#[test]
fn response_caching_is_found() {
    for source in [
        "import apicache from 'apicache';\napp.use(apicache.middleware('5 minutes'));",
        "@UseInterceptors(CacheInterceptor)\n@Controller('products') export class ProductsController {}",
        "router.get('/products', (req, res) => { res.set('Cache-Control', 'public, max-age=300'); res.json(list); });",
    ] {
        let mut findings = sink();
        assert!(
            !caching(&one(source), &mut findings)["via"].is_null(),
            "{source}"
        );
    }
    for source in [
        "res.set('Cache-Control', 'no-store');",
        "import { CacheInterceptor } from '@nestjs/cache-manager';",
    ] {
        let mut findings = sink();
        assert!(
            caching(&one(source), &mut findings)["via"].is_null(),
            "{source}"
        );
        assert!(format!("{:?}", findings.findings).contains("response-caching-missing"));
    }
}

#[test]
fn the_columns_prisma_queries_filter_on_are_read() {
    let source = "const users = await this.prisma.user.findMany({ where: { status: 'active', email, AND: [{ a: 1 }] }, take: 10 });\n\
                  await prisma.orderItem.count({ where: { orderId: id, ...rest } });\n\
                  await prisma.user.findMany();\n\
                  const x = repo.find({ where: { name } });\n\
                  await tx.session.deleteMany({ where: filter });";
    let queries = prisma_queries(&one(source));
    let read: Vec<(String, Vec<String>)> = queries
        .as_array()
        .expect("list")
        .iter()
        .map(|q| {
            (
                q["model"].as_str().unwrap_or_default().to_owned(),
                q["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .map(|f| f.as_str().unwrap_or_default().to_owned())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            (
                "user".to_owned(),
                vec!["status".to_owned(), "email".to_owned()]
            ),
            ("orderItem".to_owned(), vec!["orderId".to_owned()]),
        ]
    );
}

#[test]
fn prisma_reads_inside_loops_are_n_plus_one_queries() {
    let loops = [
        "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nfor (const order of orders) {\n  order.user = await prisma.user.findUnique({ where: { id: order.userId } });\n}",
        "const prisma = new PrismaClient();\nawait Promise.all(orders.map((o) => prisma.user.findUnique({ where: { id: o.userId } })));",
        "const prisma = new PrismaClient();\nfor (const id of ids) await this.prisma.item.count({ where: { id } });",
    ];
    for source in loops {
        let mut findings = sink();
        let found = queries_in_loops(&one(source), &mut findings);
        assert_eq!(found.as_array().map(Vec::len), Some(1), "{source}");
        assert!(format!("{:?}", findings.findings).contains("query-in-loop"));
    }
    let batched = "const prisma = new PrismaClient();\nconst users = await prisma.user.findMany({ where: { id: { in: ids } } });\nfor (const order of orders) { order.user = users.find((u) => u.id === order.userId); }";
    let mut findings = sink();
    let found = queries_in_loops(&one(batched), &mut findings);
    assert_eq!(found.as_array().map(Vec::len), Some(0));
    assert!(findings.findings.is_empty());
}

#[test]
fn routes_are_listed_and_context_reads_are_not() {
    let modules = one(
        "app.get('/users/:id', (c) => c.json({ id: c.get('requestId') }));\n@Controller('orders')\nexport class Orders {\n  @Post(':id/cancel')\n  cancel() {}\n}",
    );
    let found = routes(&modules, &crate::scan::routes_by_module(&modules));
    let listed: Vec<String> = found
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or_default(),
                r["path"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(listed, ["GET /orders/users/{}", "POST /orders/{}/cancel"]);
}

#[test]
fn the_fields_pino_redacts_are_judged_where_they_are_written() {
    let judged = |source: &str| log_redaction(&one(source), &mut sink());
    let both = judged(
        "import pino from 'pino';\nexport const logger = pino({ redact: { paths: ['req.headers.authorization', '*.password', '*.email'], censor: '[x]' } });",
    );
    assert_eq!(both["covers_credentials"], true);
    assert_eq!(both["covers_personal"], true);
    let credentials_only = judged(
        "import pino from 'pino';\nexport const logger = pino({ redact: ['req.headers.authorization'] });",
    );
    assert_eq!(credentials_only["covers_personal"], false);
    let unknown = judged(
        "import pino from 'pino';\nconst fields = load();\nexport const logger = pino({ redact: fields });",
    );
    assert_eq!(unknown["present"], true);
    assert!(unknown["paths"].is_null() && unknown["covers_personal"].is_null());
}

#[test]
fn the_level_a_logger_is_configured_with_is_read() {
    let level = |source: &str| logger(&one(source), &mut sink())["level"].clone();
    let literal =
        level("import pino from 'pino';\nexport const logger = pino({ level: 'debug' });");
    assert_eq!(literal["value"], "debug");
    let from_env = level(
        "import winston from 'winston';\nexport const logger = winston.createLogger({ level: process.env.LOG_LEVEL || 'info', format: winston.format.json() });",
    );
    assert_eq!(
        (from_env["env"].as_str(), from_env["fallback"].as_str()),
        (Some("LOG_LEVEL"), Some("info"))
    );
    let chosen = level(
        "import pino from 'pino';\nexport const logger = pino({ level: isProduction ? 'info' : 'debug' });",
    );
    assert_eq!(chosen["conditional"], true);
    assert!(level("import pino from 'pino';\nexport const logger = pino();").is_null());
}

#[test]
fn the_port_comes_from_the_environment_or_is_written_in_the_code() {
    let port = |source: &str| {
        let modules = one(source);
        let mut findings = sink();
        let (read, _) = env_reads(&modules, &mut findings);
        let port = listen_port(&modules, &read, &mut findings);
        (port, format!("{:?}", findings.findings))
    };
    for source in [
        "app.listen(process.env.PORT || 3000);",
        "const port = normalizePort(process.env.PORT || '3000');\nserver.listen(port);",
        "await app.listen(configService.get('PORT') ?? 3000);\nconst p = process.env.APP_PORT;",
        "await fastify.listen({ port: Number(process.env.PORT), host: '0.0.0.0' });",
        "const port = Number(process.env.PORT ?? 8787);\nserve({ fetch: app.fetch, port });",
        // A fallback server on a fixed port beside the real one.
        "app.listen(process.env.PORT);\nmetrics.listen(9464);",
        // Environments validated by a schema (Joi, zod).
        "const envVars = schema.validate(process.env);\nconst config = { port: envVars.PORT };\napp.listen(config.port);",
        "serve({ fetch: app.fetch, port: deps.config.PORT });",
    ] {
        let (port, findings) = port(source);
        assert_eq!(port["from"], "env", "{source}");
        assert!(!findings.contains("port-fixed"), "{source}");
    }
    let (fixed, findings) =
        port("const app = express();\napp.listen(3000, () => console.log('up'));");
    assert_eq!(fixed["from"], "literal");
    assert_eq!(fixed["value"], "3000");
    assert_eq!(fixed["at"], "src/app.ts:2");
    assert!(findings.contains("port-fixed"));
    let (unknown, _) = port("import { config } from './config';\napp.listen(config.port);");
    assert_eq!(unknown["from"], "unknown");
    // The database's port is not the server's.
    let (other, _) =
        port("const db = process.env.DB_PORT;\napp.listen(config.port);\nconst m = env.SMTP_PORT;");
    assert_eq!(other["from"], "unknown");
    for none in [
        "serve(app);",
        "export default app;",
        "server.listen('/tmp/app.sock');",
    ] {
        let (port, _) = port(none);
        assert!(
            port.is_null() || port["from"] == "unknown",
            "{none}: {port}"
        );
    }
}
