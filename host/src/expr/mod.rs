//! CEL expressions of a pack: compiled once at load, with the static checks
//! the `cel` crate leaves to us: unknown variables, unknown check names in
//! `checks.<name>`, and type errors visible from literals alone.

pub mod parsed;
pub mod template;

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Variables every expression may use.
pub const GLOBAL_VARIABLES: &[&str] = &["checks", "target", "environment", "now"];
/// Variables only a rule with `check:` may use (that check's results).
pub const SCOPED_VARIABLES: &[&str] = &["facts", "findings", "status"];

/// A compiled expression and what it refers to.
#[derive(Debug, Clone)]
pub struct CompiledExpr {
    /// The CEL source.
    pub source: String,
    /// The parsed expression (shared with the other uses of the same
    /// source; see [`parsed`]).
    pub expression: Arc<IdedExpr>,
    /// Check names read through `checks.<name>`.
    pub checks_read: BTreeSet<String>,
}

/// The CEL environment of every pack: the standard library plus the
/// `strings`, `lists` and `math` extensions. Built once per process.
pub fn environment() -> Arc<cel::Env> {
    static ENVIRONMENT: std::sync::OnceLock<Arc<cel::Env>> = std::sync::OnceLock::new();
    Arc::clone(ENVIRONMENT.get_or_init(|| {
        let mut env = cel::Env::stdlib();
        for extension in [
            cel::extensions::strings,
            cel::extensions::lists,
            cel::extensions::math,
        ] {
            // Registering the stock extensions on a fresh stdlib cannot clash.
            let _ = env.add_extension(extension);
        }
        Arc::new(env)
    }))
}

/// What compiling an expression needs to know: the pack (for the static
/// checks), and where expressions parsed by earlier runs are kept.
pub struct Scope<'a> {
    /// Names declared under `checks:`.
    pub known_checks: &'a BTreeSet<String>,
    /// Whether the rule has `check:` (so `facts`, `findings`, `status` exist).
    pub scoped: bool,
    /// The store of parsed expressions, when the run keeps one.
    pub parsed: Option<&'a parsed::ParsedStore>,
}

/// The parser's message without its list of every token it would have
/// taken (`mismatched input '<EOF>' expecting {'[', '{', '(', …}`):
/// `the expression ends too early`, `unexpected ')'`.
fn plain_syntax_error(message: &str) -> String {
    let message = message.strip_prefix("Syntax error: ").unwrap_or(message);
    let Some(rest) = message
        .strip_prefix("mismatched input ")
        .or_else(|| message.strip_prefix("extraneous input "))
    else {
        return message.to_owned();
    };
    let token = rest.split(" expecting").next().unwrap_or(rest).trim();
    if token == "'<EOF>'" {
        "the expression ends too early (an operand or a closing bracket is missing)".to_owned()
    } else {
        format!("unexpected {token}")
    }
}

/// Compiles `source`; `bool_result` asks that it yield a bool when its type
/// is visible statically. The error text is lowercase and fit for a diagnostic.
pub fn compile(
    env: &cel::Env,
    source: &str,
    scope: &Scope<'_>,
    bool_result: bool,
) -> Result<CompiledExpr, String> {
    let expression = parsed::parse(env, source, scope.parsed).map_err(|errors| {
        let first = errors.errors.first();
        match first {
            Some(error) if error.msg.contains("Recursion limit") => {
                "the expression is nested too deeply (more than 96 levels)".to_owned()
            }
            Some(error) => format!(
                "CEL syntax error at {}:{} of the expression: {}",
                error.pos.0,
                error.pos.1 + 1,
                plain_syntax_error(&error.msg)
            ),
            None => "CEL syntax error".to_owned(),
        }
    })?;
    let mut walker = Walker {
        scope,
        bound: Vec::new(),
        checks_read: BTreeSet::new(),
        problem: None,
    };
    let kind = walker.walk(&expression);
    if let Some(problem) = walker.problem {
        return Err(problem);
    }
    if bool_result && let Some(kind) = kind.filter(|k| *k != "bool") {
        return Err(format!(
            "the expression is a `{kind}`, but it must be a `bool`"
        ));
    }
    Ok(CompiledExpr {
        source: source.to_owned(),
        expression,
        checks_read: walker.checks_read,
    })
}

struct Walker<'a, 'b> {
    scope: &'b Scope<'a>,
    /// Comprehension variables in scope.
    bound: Vec<String>,
    checks_read: BTreeSet<String>,
    problem: Option<String>,
}

impl Walker<'_, '_> {
    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Walks `node`; returns its CEL type name when literals alone decide it.
    fn walk(&mut self, node: &IdedExpr) -> Option<&'static str> {
        match &node.expr {
            Expr::Ident(name) => {
                self.check_variable(name);
                None
            }
            Expr::Select(select) => {
                if let Expr::Ident(root) = &select.operand.expr
                    && root == "checks"
                    && !self.bound.iter().any(|b| b == "checks")
                {
                    if self.scope.known_checks.contains(&select.field) {
                        self.checks_read.insert(select.field.clone());
                    } else {
                        self.fail(format!(
                            "`checks.{}` names no check of this pack (known: {})",
                            select.field,
                            list(self.scope.known_checks)
                        ));
                    }
                }
                self.walk(&select.operand);
                None
            }
            Expr::Literal(literal) => Some(literal_type(literal)),
            Expr::List(list) => {
                for element in &list.elements {
                    self.walk(element);
                }
                Some("list")
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(entry) = &entry.expr {
                        self.walk(&entry.key);
                        self.walk(&entry.value);
                    }
                }
                Some("map")
            }
            Expr::Struct(structure) => {
                for entry in &structure.entries {
                    if let EntryExpr::StructField(field) = &entry.expr {
                        self.walk(&field.value);
                    }
                }
                None
            }
            Expr::Comprehension(comprehension) => {
                self.walk(&comprehension.iter_range);
                self.walk(&comprehension.accu_init);
                let mut names = vec![
                    comprehension.iter_var.clone(),
                    comprehension.accu_var.clone(),
                ];
                names.extend(comprehension.iter_var2.clone());
                let depth = self.bound.len();
                self.bound.extend(names);
                self.walk(&comprehension.loop_cond);
                self.walk(&comprehension.loop_step);
                let result = self.walk(&comprehension.result);
                self.bound.truncate(depth);
                result
            }
            Expr::Call(call) => {
                if let Some(target) = &call.target {
                    self.walk(target);
                }
                let kinds: Vec<Option<&'static str>> =
                    call.args.iter().map(|a| self.walk(a)).collect();
                self.call_type(&call.func_name, &kinds)
            }
            Expr::Unspecified => None,
        }
    }

    fn check_variable(&mut self, name: &str) {
        if self.bound.iter().any(|b| b == name) || GLOBAL_VARIABLES.contains(&name) {
            return;
        }
        if SCOPED_VARIABLES.contains(&name) {
            if !self.scope.scoped {
                self.fail(format!(
                    "`{name}` is only defined in a rule with `check:`; use `checks.<name>.{name}` or add `check:`"
                ));
            }
            return;
        }
        self.fail(format!(
            "unknown variable `{name}` (known: {}, {})",
            GLOBAL_VARIABLES.join(", "),
            SCOPED_VARIABLES.join(", ")
        ));
    }

    /// Type of an operator applied to operands whose types are known.
    fn call_type(
        &mut self,
        function: &str,
        kinds: &[Option<&'static str>],
    ) -> Option<&'static str> {
        let symbol = match function {
            "_+_" => "+",
            "_-_" => "-",
            "_*_" => "*",
            "_/_" => "/",
            "_%_" => "%",
            "_<_" => "<",
            "_<=_" => "<=",
            "_>_" => ">",
            "_>=_" => ">=",
            "_==_" | "_!=_" | "_&&_" | "_||_" | "!_" | "@in" => return Some("bool"),
            "size" => return Some("int"),
            _ => return None,
        };
        let (Some(Some(left)), Some(Some(right))) = (kinds.first(), kinds.get(1)) else {
            return None;
        };
        if left != right {
            self.fail(format!(
                "no operator `{symbol}` for `{left}` and `{right}`; convert one side, e.g. `int(…)` or `string(…)`"
            ));
            return None;
        }
        match symbol {
            "<" | "<=" | ">" | ">=" => Some("bool"),
            _ => Some(left),
        }
    }
}

fn literal_type(literal: &LiteralValue) -> &'static str {
    match literal {
        LiteralValue::Boolean(_) => "bool",
        LiteralValue::Bytes(_) => "bytes",
        LiteralValue::Double(_) => "double",
        LiteralValue::Int(_) => "int",
        LiteralValue::Null => "null",
        LiteralValue::String(_) => "string",
        LiteralValue::UInt(_) => "uint",
    }
}

fn list(names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str, scoped: bool) -> Result<CompiledExpr, String> {
        let known: BTreeSet<String> = ["env".to_owned()].into();
        compile(
            &environment(),
            source,
            &Scope {
                known_checks: &known,
                scoped,
                parsed: None,
            },
            true,
        )
    }

    #[test]
    fn accepts_rules_over_known_names() {
        let compiled = check(
            "checks.env.facts.vars.all(k, has(checks.env.facts.vars[k].present))",
            false,
        )
        .expect("compiles");
        assert_eq!(compiled.checks_read, ["env".to_owned()].into());
        check("facts.x.length >= 32 && status == 'pass'", true).expect("compiles");
    }

    #[test]
    fn rejects_what_cannot_work() {
        let error = |s: &str, scoped| check(s, scoped).unwrap_err();
        assert!(
            error("checks.nope.status == 'pass'", false).contains("`checks.nope` names no check")
        );
        assert!(error("facts.x == 1", false).contains("only defined in a rule with `check:`"));
        assert!(error("factz.x == 1", true).contains("unknown variable `factz`"));
        assert!(
            error("facts.x.length >= '32' + 1", true)
                .contains("no operator `+` for `string` and `int`")
        );
        assert!(error("'yes'", true).contains("must be a `bool`"));
        let eof = error("facts.x ==", true);
        assert!(eof.starts_with("CEL syntax error at 1:"), "{eof}");
        assert!(
            eof.ends_with(
                "the expression ends too early (an operand or a closing bracket is missing)"
            ),
            "{eof}"
        );
        assert!(error("(facts.x == 1))", true).ends_with("unexpected ')'"));
    }
}
