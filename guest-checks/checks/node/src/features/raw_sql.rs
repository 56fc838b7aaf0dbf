//! SQL built from interpolated values: `$queryRawUnsafe`/`$executeRawUnsafe`
//! with a built string, and `query(`/`execute(`/`raw(` calls whose SQL is a
//! template literal with `${…}` or a string joined with `+`.

use super::Sink;
use crate::findings;
use crate::scan::{At, calls, package_used};
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};

/// SQL database clients: a service that reaches one of them sends SQL.
const SQL_CLIENTS: &[&str] = &[
    "@prisma/client",
    "pg",
    "postgres",
    "mysql",
    "mysql2",
    "mysql2/promise",
    "knex",
    "sequelize",
    "typeorm",
    "@mikro-orm/core",
    "drizzle-orm",
    "kysely",
    "better-sqlite3",
    "slonik",
    "sqlite3",
    "@nestjs/typeorm",
];

/// Whether the text of a string or template reads as SQL.
fn reads_as_sql(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphabetic()).collect();
    let has = |w: &str| words.contains(&w);
    (has("select") && has("from"))
        || (has("insert") && has("into"))
        || (has("update") && has("set"))
        || (has("delete") && has("from"))
}

/// Whether the argument tokens build SQL from values: a template literal
/// with `${`, or a SQL string joined with `+`.
fn built_from_values(tokens: &[Token]) -> bool {
    // A tagged template (`sql\`…\``, `Prisma.sql\`…\``) hands its values
    // to the tag, which sends them as parameters: only an untagged one
    // builds a string.
    let interpolated = tokens.iter().enumerate().any(|(i, t)| {
        let tagged = i > 0 && matches!(tokens[i - 1].kind, Kind::Ident);
        t.kind == Kind::Template && !tagged && t.text.contains("${") && reads_as_sql(&t.text)
    });
    let joined = tokens.iter().any(|t| t.is_punct("+"))
        && tokens
            .iter()
            .any(|t| t.kind == Kind::Str && reads_as_sql(&t.text));
    interpolated || joined
}

/// SQL built from interpolated values, where the service sends SQL.
pub fn raw_sql(modules: &[Module], sink: &mut Sink) -> Value {
    let client = package_used(modules, SQL_CLIENTS).map(|(package, _)| package);
    let mut unsafe_at: Vec<At> = Vec::new();
    for name in ["$queryRawUnsafe", "$executeRawUnsafe"] {
        for call in calls(modules, name) {
            let built = call.args.first().is_some_and(|range| {
                let tokens = &call.tokens()[range.clone()];
                !(tokens.len() == 1 && tokens[0].kind == Kind::Str)
            });
            if built {
                unsafe_at.push(call.at());
            }
        }
    }
    for name in ["query", "execute", "raw", "unsafe"] {
        for call in calls(modules, name) {
            let Some(range) = call.args.first() else {
                continue;
            };
            if built_from_values(&call.tokens()[range.clone()]) {
                unsafe_at.push(call.at());
            }
        }
    }
    unsafe_at.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    unsafe_at.dedup_by(|a, b| a.path == b.path && a.line == b.line);
    for at in &unsafe_at {
        sink.push(
            Finding::fail(
                findings::RAW_SQL_INTERPOLATED,
                Severity::High,
                "SQL is built from interpolated values",
            )
            .fix("pass values as parameters (`$1`, `?`) or use the ORM's tagged template (`prisma.$queryRaw`…``)"),
            Some(at),
        );
    }
    json!({
        "client": client,
        "interpolated": unsafe_at.iter().map(|at| json!({"path": at.path, "line": at.line})).collect::<Vec<_>>(),
    })
}
