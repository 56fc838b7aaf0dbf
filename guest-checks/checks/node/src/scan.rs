//! Helpers over the modules a service's entry point reaches: calls,
//! route definitions, package bindings, and where each was found.

use gonogo_analysis::graph::{Module, Name};
use gonogo_analysis::js::{self, Kind, Token};
use std::ops::Range;

/// A place in the project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct At {
    /// Project-relative path.
    pub path: String,
    /// 1-based line.
    pub line: u32,
}

impl At {
    /// The place of token `index` of `module`.
    pub fn of(module: &Module, index: usize) -> At {
        At {
            path: module.path.clone(),
            line: module.tokens.get(index).map_or(1, |t| t.line),
        }
    }
}

/// A call found in a module: the callee's last name, the index of its `(`,
/// and its top-level argument ranges.
pub struct Call<'a> {
    /// The module.
    pub module: &'a Module,
    /// Index of the callee's name token.
    pub name_index: usize,
    /// Index of `(`.
    pub open: usize,
    /// Argument token ranges.
    pub args: Vec<Range<usize>>,
}

impl<'a> Call<'a> {
    /// The tokens of the module.
    pub fn tokens(&self) -> &'a [Token] {
        &self.module.tokens
    }
    /// Where the call is.
    pub fn at(&self) -> At {
        At::of(self.module, self.name_index)
    }
    /// The receiver of a member call (`app` in `app.use(`), if any.
    pub fn receiver(&self) -> Option<&'a str> {
        let tokens = self.tokens();
        (self.name_index >= 2 && tokens[self.name_index - 1].is_punct("."))
            .then(|| tokens[self.name_index - 2].text.as_str())
    }
    /// The string literal that is argument `n`, if it is one.
    pub fn string_arg(&self, n: usize) -> Option<&'a str> {
        let range = self.args.get(n)?;
        let token = self.tokens().get(range.start)?;
        (range.len() == 1 && token.is_string()).then_some(token.text.as_str())
    }
    /// The value of key `key` in the object literal that is argument `n`.
    pub fn option(&self, n: usize, key: &str) -> Option<Range<usize>> {
        let range = self.args.get(n)?.clone();
        js::object_value(self.tokens(), range, key)
    }
    /// Whether argument `n` is an object literal.
    pub fn arg_is_object(&self, n: usize) -> bool {
        self.args
            .get(n)
            .is_some_and(|r| self.tokens()[r.start].is_punct("{"))
    }
}

/// Every call of a function or method named `name` in `modules`.
/// (Modules without such a call are passed over before an iterator over
/// their calls is made: most are, in a large service.)
pub fn calls<'a>(modules: &'a [Module], name: &'a str) -> impl Iterator<Item = Call<'a>> + 'a {
    let name = Name::new(name);
    modules
        .iter()
        .filter_map(move |module| {
            let sites = module.call_sites_of(&name);
            (!sites.is_empty()).then_some((module, sites))
        })
        .flat_map(move |(module, sites)| {
            let tokens = &module.tokens;
            sites
                .iter()
                .copied()
                // `function name(` declares, it does not call.
                .filter(move |&i| i == 0 || !tokens[i - 1].is_ident("function"))
                .map(move |i| Call {
                    module,
                    name_index: i,
                    open: i + 1,
                    args: js::arguments(tokens, i + 1),
                })
        })
}

/// Whether the tokens in `range` mention identifier `name`.
pub fn mentions(tokens: &[Token], range: Range<usize>, name: &str) -> bool {
    tokens[range].iter().any(|t| t.is_ident(name))
}

/// Where a package is imported and its bindings used, in any module.
pub fn package_used(modules: &[Module], packages: &[&str]) -> Option<(String, At)> {
    modules.iter().find_map(|module| {
        packages.iter().find_map(|package| {
            let import = module.imports_package(package)?;
            module.uses_package(package).then(|| {
                (
                    (*package).to_owned(),
                    At {
                        path: module.path.clone(),
                        line: import.line,
                    },
                )
            })
        })
    })
}

/// The local names bound to imports of `packages` in `module`.
pub fn bindings_of<'a>(module: &'a Module, packages: &[&str]) -> Vec<&'a str> {
    module
        .imports
        .iter()
        .filter(|i| packages.iter().any(|p| i.is_of(p)))
        .flat_map(|i| i.bindings.iter().map(String::as_str))
        .collect()
}

/// The path a route-defining call declares: `router.post('/login', …)`,
/// `@Post('login')`, `@Controller('auth')`.
pub const ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "all",
    "use",
    "route",
    "head",
    "options",
    "Get",
    "Post",
    "Put",
    "Patch",
    "Delete",
    "All",
    "Controller",
];

/// Every route-like call with a string path, with that path, module by
/// module: found once for the detectors that read them.
pub fn routes_by_module(modules: &[Module]) -> Vec<Vec<(String, Call<'_>)>> {
    let methods = route_methods();
    modules
        .iter()
        .map(|module| {
            methods
                .iter()
                .flat_map(|method| route_calls(module, method))
                .collect()
        })
        .collect()
}

fn route_methods() -> Vec<Name<'static>> {
    ROUTE_METHODS.iter().map(|m| Name::new(m)).collect()
}

/// The calls of `method` in `module` that define a route: a decorator or a
/// member call whose first argument is a string alone. The arguments are
/// split only for those (`config.get(key)` is a call of `get` too).
fn route_calls<'a>(
    module: &'a Module,
    method: &Name<'_>,
) -> impl Iterator<Item = (String, Call<'a>)> {
    let tokens = &module.tokens;
    module
        .call_sites_of(method)
        .iter()
        .copied()
        .filter(move |&i| {
            let decorator_or_member =
                i > 0 && (tokens[i - 1].is_punct("@") || tokens[i - 1].is_punct("."));
            let string_alone = tokens.get(i + 2).is_some_and(Token::is_string)
                && tokens
                    .get(i + 3)
                    .is_some_and(|t| t.is_punct(",") || t.is_punct(")"));
            decorator_or_member && string_alone
        })
        .map(move |i| {
            let call = Call {
                module,
                name_index: i,
                open: i + 1,
                args: js::arguments(tokens, i + 1),
            };
            (tokens[i + 2].text.to_string(), call)
        })
}

/// A Nest controller's prefix (`@Controller('auth')`) in a module.
pub fn controller_prefix(module: &Module) -> Option<String> {
    let tokens = &module.tokens;
    let sites = module.call_sites().get("Controller")?;
    sites.iter().find_map(|&i| {
        (i >= 1 && tokens[i - 1].is_punct("@")).then(|| {
            tokens
                .get(i + 2)
                .filter(|t| t.kind == Kind::Str)
                .map_or_else(String::new, |t| t.text.to_string())
        })
    })
}

/// Joins route parts into `/a/b`.
pub fn join_route(prefix: &str, path: &str) -> String {
    let (prefix, path) = (prefix.trim_matches('/'), path.trim_matches('/'));
    let mut joined = String::with_capacity(prefix.len() + path.len() + 2);
    for part in [prefix, path].into_iter().filter(|p| !p.is_empty()) {
        joined.push('/');
        joined.push_str(part);
    }
    if joined.is_empty() {
        joined.push('/');
    }
    joined
}

/// Words that make a route path about authentication.
const AUTH_WORDS: &[&str] = &[
    "login", "signin", "sign-in", "auth", "token", "password", "register", "signup", "sign-up",
    "otp", "session",
];

/// Whether a route path is about authentication (any letter case; asked of
/// every route of every module, so without a lowercased copy).
pub fn is_auth_path(path: &str) -> bool {
    AUTH_WORDS
        .iter()
        .any(|word| gonogo_analysis::contains_ignore_case(path, word))
}

/// The tokens of the initializer of `const|let|var NAME = …` in `module`.
pub fn initializer(module: &Module, name: &str) -> Option<Range<usize>> {
    let tokens = &module.tokens;
    let at = (1..tokens.len().saturating_sub(2)).find(|&i| {
        tokens[i].is_ident(name)
            && tokens[i + 1].is_punct("=")
            && matches!(tokens[i - 1].text.as_str(), "const" | "let" | "var")
    })?;
    let start = at + 2;
    let mut end = start;
    while end < tokens.len() && !tokens[end].is_punct(";") {
        if tokens[end].kind == Kind::Punct && matches!(tokens[end].text.as_str(), "(" | "[" | "{") {
            end = js::matching(tokens, end);
        }
        end += 1;
        if end < tokens.len()
            && tokens[end].line > tokens[end - 1].line
            && !continues(&tokens[end - 1], &tokens[end])
        {
            break;
        }
    }
    Some(start..end.min(tokens.len()))
}

/// Whether an expression continues across a line break between `a` and `b`.
fn continues(a: &Token, b: &Token) -> bool {
    let operator = |t: &Token| {
        t.kind == Kind::Punct
            && matches!(
                t.text.as_str(),
                "||" | "??" | "&&" | "." | "?." | "+" | "," | "(" | "?" | ":"
            )
    };
    operator(a) || operator(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_analysis::graph::parse_module;

    #[test]
    fn routes_and_prefixes_are_found() {
        let module = parse_module(
            "a.ts",
            "@Controller('health')\nclass H { @Get() a() {} @Get('ready') b() {} }\nrouter.post('/login', limiter, h);\nfoo('/x');",
        );
        let modules = [module];
        let found: Vec<String> = routes_by_module(&modules)
            .into_iter()
            .flatten()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(found, ["/login", "ready", "health"]);
        assert_eq!(controller_prefix(&modules[0]).as_deref(), Some("health"));
        assert_eq!(join_route("health", "ready"), "/health/ready");
        assert_eq!(join_route("", "/"), "/");
        assert_eq!(join_route("/api/", ""), "/api");
        assert_eq!(join_route("", "login"), "/login");
    }

    #[test]
    fn auth_paths_are_found_in_any_case() {
        for path in [
            "/login",
            "/api/v1/Auth/refresh",
            "/users/SIGN-UP",
            "/otp",
            "/x/session",
        ] {
            assert!(is_auth_path(path), "{path}");
        }
        for path in ["/items/5", "/health", "/", "", "/logi", "/sign_in"] {
            assert!(!is_auth_path(path), "{path}");
        }
    }

    #[test]
    fn only_a_string_alone_as_first_argument_makes_a_route() {
        let first = parse_module(
            "a.ts",
            "router.get('/a', h);\nconfig.get(KEY);\nrouter.get('/b' + x, h);\napp.use(`/c`);\nrouter.post('/d')",
        );
        let second = parse_module("b.ts", "@Get('e') e() {}");
        let modules = [first, second];
        let paths = |routes: &[(String, Call<'_>)]| -> Vec<String> {
            routes.iter().map(|(p, _)| p.clone()).collect()
        };
        let by_module = routes_by_module(&modules);
        assert_eq!(paths(&by_module[0]), ["/a", "/d", "/c"]);
        assert_eq!(paths(&by_module[1]), ["e"]);
        assert_eq!(
            by_module[0][0].1.args.len(),
            2,
            "the arguments of a route are split"
        );
    }

    #[test]
    fn initializers_are_found() {
        let module = parse_module(
            "a.js",
            "const secret = process.env.S ||\n  'x';\nconst other = 1;",
        );
        let range = initializer(&module, "secret").expect("found");
        let texts: Vec<&str> = module.tokens[range]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(texts, ["process", ".", "env", ".", "S", "||", "x"]);
    }
}
