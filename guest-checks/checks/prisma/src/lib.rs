//! # `prisma` — the database schema and its migrations
//!
//! ## What it checks
//! Every Prisma schema of the project (`schema.prisma`, a
//! `prisma/schema/` folder, or the path `package.json` names):
//! - the datasource provider and `relationMode` (`prisma` emulates
//!   relations in the client: the database enforces no foreign key);
//! - relation fields whose foreign-key columns are not the leading columns
//!   of any `@@index`, `@@unique`, `@@id`, `@id` or `@unique`: PostgreSQL
//!   does not index foreign keys, so every join and cascading delete on
//!   them scans the table (MySQL indexes them itself, unless
//!   `relationMode = "prisma"`);
//! - the `migrations` folder next to the schema: present, with migrations,
//!   tracked by git, not gitignored, with `migration_lock.toml`;
//! - `prisma migrate deploy` in the release path: a start, deploy or
//!   release script of `package.json`, a Dockerfile, a CI pipeline, a
//!   `Procfile`, `fly.toml`, `render.yaml` or a shell script under `scripts/`;
//! - `prisma db push` in that release path (it applies schema changes
//!   without migrations and may drop data); in a `dev`-style script it is fine.
//!
//! ## Why it matters
//! The seed checklists ask for indexes on frequently queried columns and for
//! `npx prisma migrate deploy` before the service starts. Unindexed
//! foreign keys are the most common slow query of Prisma on PostgreSQL.
//!
//! ## Example of a failing project
//! `Order.user @relation(fields: [userId])` without `@@index([userId])`,
//! no `prisma/migrations`, and `"start:prod": "prisma db push && node …"`.
//!
//! ## How to fix
//! Add `@@index([userId])`, create migrations with `prisma migrate dev`,
//! commit them, and run `prisma migrate deploy` in the release step.
//!
//! ## Facts it reports
//! `schemas` (paths), `provider` (or null), `relation_mode`
//! (`foreignKeys` or `prisma`), `models`, `unindexed_relations`
//! (`model`, `field`, `columns`, `path`, `line`), `tables` (by Prisma
//! Client accessor, `orderItem`: `model`, `columns` (scalar fields),
//! `indexed` (the columns an index leads with: `@id`, `@unique`, the first
//! of `@@index`/`@@unique`/`@@id`)), `migrations` (`path`,
//! `count`, `tracked`, `ignored`, `lock_file`), `migrate_deploy` and
//! `db_push_in_release` (each `path`, `line`, `context`); `user_model`
//! (`User`, or null), `user_relations` (the relations that lead to a
//! user's rows, directly or through rows that go with them: `model`,
//! `accessor`, `field`, `target`, `columns`, `on_delete`, `optional`,
//! `effect` = `erased` (Cascade), `detached` (SetNull, or an optional
//! relation's default) or `blocking` (Restrict, NoAction, or a required
//! relation's default: deleting the user fails unless the code removes
//! those rows first) or `erased-with-owner` (blocking, but the rows are
//! erased with the user through another relation), `path`, `line`).
//!
//! ## Findings
//! - `unindexed-relation` (fail, medium): a foreign key without an index.
//! - `migrations-missing` (fail, high): no migrations next to the schema.
//! - `migrations-not-committed` (fail, high): migrations untracked or ignored.
//! - `migration-lock-missing` (warn, low): no `migration_lock.toml`.
//! - `migrate-deploy-missing` (fail, high): nothing in the release path runs `prisma migrate deploy`.
//! - `db-push-in-release` (fail, high): the release path runs `prisma db push`.
//! - `schema-unreadable` (error): a schema file cannot be read (over the
//!   read cap), or a block in it is never closed, so models may be
//!   missing; the rules that read the models are `error`, with the line.

pub mod findings;
mod schema;
mod user_data;

use gonogo_analysis::{ci, dockerfile, graph, node};
use gonogo_check::workspace::{self, VcsKind};
use gonogo_check::{Check, Finding, Info, Report, Severity, json};

struct Prisma;

impl Check for Prisma {
    type Config = ();
    const INFO: Info = Info {
        id: "prisma",
        name: "Prisma schema and migrations",
        version: env!("CARGO_PKG_VERSION"),
        description: "Foreign keys without indexes, committed migrations, `prisma migrate deploy` \
                      in the release path and no `prisma db push` there.",
    };

    fn run(_: ()) -> Result<Report, String> {
        let mut report = Report::new();
        let schemas = schema_paths();
        report.fact("schemas", schemas.clone());
        if schemas.is_empty() {
            report.fact("provider", None::<String>);
            return Ok(report);
        }
        let mut unindexed = Vec::new();
        let mut tables = gonogo_check::Map::new();
        let mut provider = None;
        let mut relation_mode = None;
        let mut models = 0;
        let mut relations = Vec::new();
        let mut model_names = Vec::new();
        for path in &schemas {
            let text = match workspace::read_text_or_why(path) {
                Ok(text) => text,
                Err(why) => {
                    report.push(
                        Finding::error(
                            findings::SCHEMA_UNREADABLE,
                            format!("{path} {why}: its models could not be judged"),
                        )
                        .at(path, None)
                        .fix(
                            "keep it a regular file (not a symbolic link) under the 2 MiB read cap",
                        ),
                    );
                    continue;
                }
            };
            let parsed = schema::parse(&text);
            if let Some((why, line)) = &parsed.problem {
                report.push(
                    Finding::error(
                        findings::SCHEMA_UNREADABLE,
                        format!("{path} is not a well-formed Prisma schema: {why}"),
                    )
                    .at(path, Some(*line))
                    .fix("fix the schema (`npx prisma validate` shows the error)"),
                );
            }
            provider = provider.or(parsed.provider.clone());
            relation_mode = relation_mode.or(parsed.relation_mode.clone());
            models += parsed.models.len();
            relations.extend(user_data::relations(&parsed.models, path));
            model_names.extend(parsed.models.iter().map(|m| m.name.clone()));
            for model in &parsed.models {
                tables.insert(
                    schema::accessor(&model.name),
                    json!({
                        "model": model.name,
                        "columns": schema::columns(model, &parsed.models),
                        "indexed": schema::leading_columns(model),
                    }),
                );
            }
            let mysql_indexes_itself = parsed.provider.as_deref() == Some("mysql")
                && parsed.relation_mode.as_deref() != Some("prisma");
            if mysql_indexes_itself {
                continue;
            }
            for model in &parsed.models {
                for field in &model.fields {
                    let columns = schema::relation_columns(field);
                    if columns.is_empty() || schema::covered(model, &columns) {
                        continue;
                    }
                    unindexed.push(
                        json!({"model": model.name, "field": field.name, "columns": columns,
                                          "path": path, "line": field.line}),
                    );
                    report.push(
                        Finding::fail(
                            findings::UNINDEXED_RELATION,
                            Severity::Medium,
                            format!(
                                "`{}.{}` has no index on ({})",
                                model.name,
                                field.name,
                                columns.join(", ")
                            ),
                        )
                        .at(path, Some(field.line))
                        .fix(format!(
                            "add `@@index([{}])` to model {}",
                            columns.join(", "),
                            model.name
                        )),
                    );
                }
            }
        }
        report.fact("provider", provider);
        // `prisma` emulates relations in the client: no FOREIGN KEY constraints.
        report.fact(
            "relation_mode",
            relation_mode.unwrap_or_else(|| "foreignKeys".into()),
        );
        report.fact("models", models);
        report.fact("unindexed_relations", unindexed);
        report.fact("tables", tables);
        let user = user_data::user_model(model_names.iter().map(String::as_str));
        report.fact("user_model", user);
        report.fact(
            "user_relations",
            user.map(|user| user_data::user_relations(&relations, user))
                .unwrap_or_default(),
        );
        migrations(&mut report, &schemas[0]);
        release_commands(&mut report, &schemas[0])?;
        Ok(report)
    }
}

/// Schema files: `*.prisma` outside `node_modules` and test folders.
fn schema_paths() -> Vec<String> {
    workspace::files()
        .iter()
        .map(|f| f.path.to_owned())
        .filter(|p| p.ends_with(".prisma") && !p.split('/').any(|s| s == "node_modules"))
        .filter(|p| !gonogo_analysis::is_test_path(p))
        .collect()
}

fn migrations(report: &mut Report, schema: &str) {
    let mut dir = graph::parent(schema).to_owned();
    // A multi-file schema lives in `prisma/schema/`; migrations sit beside it.
    if dir.ends_with("/schema")
        && !workspace::files()
            .iter()
            .any(|f| f.path.starts_with(&format!("{dir}/migrations/")))
    {
        dir = graph::parent(&dir).to_owned();
    }
    let folder = graph::join(&dir, "migrations");
    let prefix = format!("{folder}/");
    let sql: Vec<&workspace::File> = workspace::files()
        .iter()
        .filter(|f| f.path.starts_with(&prefix) && f.path.ends_with("/migration.sql"))
        .collect();
    let lock = graph::join(&folder, "migration_lock.toml");
    let probe = graph::join(&folder, "0_init/migration.sql");
    let ignored = workspace::ignored(&[probe.as_str()])[0];
    // Looked for on disk only when it matters (the host notes the answer).
    let on_disk = || workspace::present(&[&format!("{folder}/")])[0];
    let tracked = match workspace::vcs() {
        VcsKind::Git => Some(!sql.is_empty() && sql.iter().all(|f| f.tracked)),
        _ => None,
    };
    report.fact(
        "migrations",
        json!({"path": folder, "count": sql.len(), "tracked": tracked, "ignored": ignored,
               "lock_file": workspace::exists(&lock)}),
    );
    if sql.is_empty() && !(ignored && on_disk()) {
        report.push(
            Finding::fail(
                findings::MIGRATIONS_MISSING,
                Severity::High,
                format!("no migrations in `{folder}`"),
            )
            .at(schema, None)
            .fix("create them with `npx prisma migrate dev --name init` and commit the folder"),
        );
        return;
    }
    if ignored || tracked == Some(false) {
        report.push(
            Finding::fail(
                findings::MIGRATIONS_NOT_COMMITTED,
                Severity::High,
                format!("`{folder}` is not committed"),
            )
            .at(&folder, None)
            .fix("remove it from .gitignore and commit every migration"),
        );
    }
    if !workspace::exists(&lock) {
        report.push(
            Finding::warn(
                findings::MIGRATION_LOCK_MISSING,
                Severity::Low,
                format!("`{lock}` is missing"),
            )
            .at(&folder, None)
            .fix("commit the `migration_lock.toml` Prisma writes"),
        );
    }
}

/// A shell command of the release path: (path, line, context, command).
type Command = (String, Option<u32>, String, String);

fn release_path_commands() -> Result<Vec<Command>, String> {
    let mut commands: Vec<Command> = Vec::new();
    for package in node::packages()? {
        let text = workspace::read_text(&package.manifest_path).unwrap_or_default();
        let Some(scripts) = package.manifest["scripts"].as_object() else {
            continue;
        };
        for (name, command) in scripts {
            let release = [
                "start",
                "prod",
                "deploy",
                "release",
                "migrate:prod",
                "predeploy",
                "postinstall",
                "prestart",
            ]
            .iter()
            .any(|k| name.contains(k));
            if !release || name.contains("dev") {
                continue;
            }
            let line = text
                .find(&format!("\"{name}\""))
                .map(|at| workspace::line_of(&text, at));
            commands.push((
                package.manifest_path.clone(),
                line,
                format!("scripts.{name}"),
                command.as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    for file in workspace::files() {
        let path = &file.path;
        let name = path.rsplit('/').next().unwrap_or_default();
        let is_dockerfile = name == "Dockerfile"
            || name.starts_with("Dockerfile.")
            || name.ends_with(".Dockerfile");
        let is_release_file = matches!(
            name,
            "Procfile"
                | "fly.toml"
                | "render.yaml"
                | "railway.toml"
                | "railway.json"
                | "app.yaml"
                | "heroku.yml"
        ) || (path.starts_with("scripts/") && name.ends_with(".sh"))
            || name == "docker-entrypoint.sh"
            || name == "entrypoint.sh";
        if !(is_dockerfile || is_release_file) {
            continue;
        }
        let Some(text) = workspace::read_text(path) else {
            continue;
        };
        if is_dockerfile {
            for stage_instruction in dockerfile::parse(&text)
                .stages
                .iter()
                .flat_map(|s| s.instructions.iter())
            {
                if matches!(
                    stage_instruction.keyword.as_str(),
                    "RUN" | "CMD" | "ENTRYPOINT"
                ) {
                    commands.push((
                        path.to_string(),
                        Some(stage_instruction.line),
                        stage_instruction.keyword.clone(),
                        stage_instruction.exec_words().join(" "),
                    ));
                }
            }
        } else {
            for (index, line) in text.lines().enumerate() {
                commands.push((
                    path.to_string(),
                    Some(index as u32 + 1),
                    name.to_owned(),
                    line.to_owned(),
                ));
            }
        }
    }
    for pipeline in ci::pipelines() {
        for (job, step) in pipeline.steps() {
            if let Some(run) = &step.run {
                commands.push((
                    pipeline.path.clone(),
                    Some(step.line),
                    format!("job {}", job.id),
                    run.clone(),
                ));
            }
        }
    }
    Ok(commands)
}

fn release_commands(report: &mut Report, schema: &str) -> Result<(), String> {
    let mut deploy = Vec::new();
    let mut push = Vec::new();
    for (path, line, context, command) in release_path_commands()? {
        let normalized = command.split_whitespace().collect::<Vec<_>>().join(" ");
        let entry = json!({"path": path, "line": line, "context": context});
        if normalized.contains("prisma migrate deploy") {
            deploy.push(entry.clone());
        }
        if normalized.contains("prisma db push") {
            push.push(entry);
            report.push(
                Finding::fail(findings::DB_PUSH_IN_RELEASE, Severity::High, format!("{context} runs `prisma db push`"))
                    .at(&path, line)
                    .fix("use `prisma migrate deploy` with committed migrations; keep `db push` for prototyping"),
            );
        }
    }
    if deploy.is_empty() {
        report.push(
            Finding::fail(
                findings::MIGRATE_DEPLOY_MISSING,
                Severity::High,
                "nothing in the release path runs `prisma migrate deploy`",
            )
            .at(schema, None)
            .fix("run `npx prisma migrate deploy` in the release step (CI deploy job, Dockerfile CMD or Procfile `release:`)"),
        );
    }
    report.fact("migrate_deploy", deploy);
    report.fact("db_push_in_release", push);
    Ok(())
}

gonogo_check::export_check!(Prisma);
