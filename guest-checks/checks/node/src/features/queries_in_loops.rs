//! N+1 queries: a Prisma read inside a loop over rows (`for … of`,
//! `while`, `.forEach(`, `.map(` — `Promise.all(rows.map(…))` too), one
//! query per row where one query with `include`, `in` or a join would do.

use super::Sink;
use crate::findings;
use crate::scan::At;
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Finding, Severity, Value, json};
use std::ops::Range;

/// Prisma Client reads.
const READS: &[&str] = &[
    "findUnique",
    "findUniqueOrThrow",
    "findFirst",
    "findFirstOrThrow",
    "findMany",
    "count",
    "aggregate",
];
/// Array methods whose callback runs once per element.
const EACH: &[&str] = &[
    "forEach", "map", "flatMap", "filter", "reduce", "some", "every",
];
/// Loops reported at most per service.
const MAX_REPORTED: usize = 50;

/// The token ranges of the loop bodies of a module: `for (…) { … }`,
/// `while (…) { … }`, and the arguments of `.forEach(`/`.map(`… calls.
fn loop_bodies(tokens: &[Token]) -> Vec<Range<usize>> {
    let mut bodies = Vec::new();
    for i in 0..tokens.len().saturating_sub(1) {
        let token = &tokens[i];
        if (token.is_ident("for") || token.is_ident("while")) && token.kind == Kind::Ident {
            // `for await (…)`
            let open = if tokens[i + 1].is_ident("await") {
                i + 2
            } else {
                i + 1
            };
            if !tokens.get(open).is_some_and(|t| t.is_punct("(")) {
                continue;
            }
            let close = js::matching(tokens, open);
            let body_start = close + 1;
            if tokens.get(body_start).is_some_and(|t| t.is_punct("{")) {
                bodies.push(body_start..js::matching(tokens, body_start));
            } else {
                // A body without braces: up to the end of its statement.
                let end = (body_start..tokens.len())
                    .find(|&j| tokens[j].is_punct(";"))
                    .unwrap_or(tokens.len());
                bodies.push(body_start..end);
            }
        } else if i > 0
            && tokens[i - 1].is_punct(".")
            && EACH.iter().any(|m| token.is_ident(m))
            && tokens[i + 1].is_punct("(")
        {
            bodies.push(i + 1..js::matching(tokens, i + 1));
        }
    }
    bodies
}

/// Whether token `i` is a Prisma read `<client>.<model>.<read>(`.
fn prisma_read(tokens: &[Token], i: usize) -> bool {
    i >= 3
        && READS.iter().any(|r| tokens[i].is_ident(r))
        && tokens.get(i + 1).is_some_and(|t| t.is_punct("("))
        && tokens[i - 1].is_punct(".")
        && tokens[i - 2].kind == Kind::Ident
        && tokens[i - 3].is_punct(".")
}

/// The Prisma reads made inside loops, in modules that use Prisma.
pub fn queries_in_loops(modules: &[Module], sink: &mut Sink) -> Value {
    let mut found = Vec::new();
    for module in modules {
        if module.imports_package("@prisma/client").is_none() && !module.may_mention("prisma") {
            continue;
        }
        if !READS.iter().any(|r| module.may_mention(r)) {
            continue;
        }
        let tokens = &module.tokens;
        let bodies = loop_bodies(tokens);
        if bodies.is_empty() {
            continue;
        }
        for i in 3..tokens.len() {
            if found.len() >= MAX_REPORTED {
                break;
            }
            if prisma_read(tokens, i) && bodies.iter().any(|b| b.contains(&i)) {
                let at = At::of(module, i);
                found.push(json!({
                    "model": tokens[i - 2].text.as_str(),
                    "method": tokens[i].text.as_str(),
                    "path": at.path,
                    "line": at.line,
                }));
            }
        }
    }
    if let Some(first) = found.first() {
        let at = At {
            path: first["path"].as_str().unwrap_or_default().to_owned(),
            line: first["line"].as_u64().unwrap_or_default() as u32,
        };
        sink.push(
            Finding::warn(
                findings::QUERY_IN_LOOP,
                Severity::Medium,
                format!(
                    "{} Prisma {} inside a loop, one query per iteration (first: `{}.{}`)",
                    found.len(),
                    if found.len() == 1 { "read" } else { "reads" },
                    first["model"].as_str().unwrap_or_default(),
                    first["method"].as_str().unwrap_or_default()
                ),
            )
            .fix("read the rows at once: `include` the relation, or `findMany({ where: { id: { in: ids } } })` before the loop"),
            Some(&at),
        );
    }
    json!(found)
}
