//! The columns Prisma queries filter on: `prisma.user.findMany({ where: {
//! email, status: 'active' } })` filters `user` on `email` and `status`.
//! The pack compares them with the schema's indexes (the `prisma` check).

use crate::scan::At;
use gonogo_analysis::graph::Module;
use gonogo_analysis::js::{self, Kind, Token};
use gonogo_check::{Value, json};
use std::ops::Range;

/// Prisma Client methods that take a `where`.
const METHODS: &[&str] = &[
    "findMany",
    "findFirst",
    "findFirstOrThrow",
    "findUnique",
    "findUniqueOrThrow",
    "count",
    "aggregate",
    "groupBy",
    "updateMany",
    "deleteMany",
    "update",
    "delete",
    "upsert",
];

/// Queries kept at most per service.
const MAX_QUERIES: usize = 500;

/// The keys at the top level of the object literal in `range` (`{ a: 1,
/// b, 'c': x }` → a, b, c), without `AND`/`OR`/`NOT` and spreads.
fn top_level_keys(tokens: &[Token], range: Range<usize>) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0i32;
    let mut at_key = true;
    let end = range.end.min(tokens.len());
    for i in range.start + 1..end.saturating_sub(1) {
        let token = &tokens[i];
        match token.text.as_str() {
            "(" | "[" | "{" if token.kind == Kind::Punct => depth += 1,
            ")" | "]" | "}" if token.kind == Kind::Punct => depth -= 1,
            "," if token.kind == Kind::Punct && depth == 0 => {
                at_key = true;
                continue;
            }
            _ => {}
        }
        if depth == 0 && at_key && (token.kind == Kind::Ident || token.is_string()) {
            let next = tokens.get(i + 1);
            let is_key =
                next.is_some_and(|n| n.is_punct(":") || n.is_punct(",") || n.is_punct("}"));
            let previous_spread = i > 0 && tokens[i - 1].is_punct("...");
            if is_key && !previous_spread && !matches!(token.text.as_str(), "AND" | "OR" | "NOT") {
                keys.push(token.text.to_string());
            }
            at_key = false;
        } else if depth == 0 {
            at_key = false;
        }
    }
    keys
}

/// Every Prisma query with a literal `where` in `modules`: `model` (the
/// client accessor), `fields`, `method`, `path`, `line`.
pub fn prisma_queries(modules: &[Module]) -> Value {
    let mut queries = Vec::new();
    for module in modules {
        let tokens = &module.tokens;
        for method in METHODS {
            if !module.may_mention(method) {
                continue;
            }
            for i in 3..tokens.len().saturating_sub(1) {
                // `<client>.<model>.<method>(`
                let shaped = tokens[i].is_ident(method)
                    && tokens[i + 1].is_punct("(")
                    && tokens[i - 1].is_punct(".")
                    && tokens[i - 2].kind == Kind::Ident
                    && tokens[i - 3].is_punct(".");
                if !shaped {
                    continue;
                }
                let args = js::arguments(tokens, i + 1);
                let Some(first) = args.first() else { continue };
                let Some(filter) = js::object_value(tokens, first.clone(), "where")
                    .filter(|r| tokens[r.start].is_punct("{"))
                else {
                    continue;
                };
                let fields = top_level_keys(tokens, filter);
                if fields.is_empty() || queries.len() >= MAX_QUERIES {
                    continue;
                }
                let at = At::of(module, i);
                queries.push(json!({
                    "model": tokens[i - 2].text.as_str(),
                    "fields": fields,
                    "method": method,
                    "path": at.path,
                    "line": at.line,
                }));
            }
        }
    }
    json!(queries)
}
