//! Rule messages: plain text with `${ CEL }` placeholders, compiled at load.
//!
//! `"JWT_SECRET has ${facts.vars.JWT_SECRET.length} characters"`

use super::{self as expr, CompiledExpr, Scope};

/// One piece of a message.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// A CEL expression, shown as text.
    Expr(CompiledExpr),
}

/// A compiled message template.
#[derive(Debug, Clone)]
pub struct Template {
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
}

/// Compiles a template; errors name the placeholder that fails.
pub fn compile(env: &cel::Env, source: &str, scope: &Scope<'_>) -> Result<Template, String> {
    let mut pieces = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            pieces.push(Piece::Text(rest[..start].to_owned()));
        }
        let body = &rest[start + 2..];
        let end = closing_brace(body).ok_or_else(|| {
            format!(
                "unclosed `${{` at character {}",
                source.len() - rest.len() + start + 1
            )
        })?;
        let inner = body[..end].trim();
        if inner.is_empty() {
            return Err("empty `${}` placeholder".to_owned());
        }
        let compiled = expr::compile(env, inner, scope, false)
            .map_err(|error| format!("in placeholder `${{{inner}}}`: {error}"))?;
        pieces.push(Piece::Expr(compiled));
        rest = &body[end + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    Ok(Template { pieces })
}

/// The index of the `}` closing a placeholder, skipping braces in CEL map
/// literals and in quoted strings.
fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if let Some(q) = quote {
            match c {
                '\\' if !escaped => escaped = true,
                c if c == q && !escaped => quote = None,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn splits_text_and_placeholders() {
        let known = BTreeSet::new();
        let scope = Scope {
            known_checks: &known,
            scoped: true,
            parsed: None,
        };
        let template = compile(
            &expr::environment(),
            "has ${facts.n} of ${ {'a': '}'}['a'] }!",
            &scope,
        )
        .expect("compiles");
        assert_eq!(template.pieces.len(), 5);
        assert!(
            compile(&expr::environment(), "oops ${facts.n", &scope)
                .unwrap_err()
                .contains("unclosed")
        );
        assert!(
            compile(&expr::environment(), "${nope}", &scope)
                .unwrap_err()
                .contains("unknown variable")
        );
    }
}
