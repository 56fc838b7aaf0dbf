//! The module graph of a service: every file reachable by imports from its
//! entry point(s), the way Node and TypeScript resolve them (relative
//! paths with extensions and `index` files, `.js` written for `.ts`,
//! `tsconfig.json` `baseUrl`/`paths`, and workspace packages of a monorepo).

use crate::js::{self, Kind, Text, Token};
use gonogo_check::workspace;
use std::collections::{BTreeMap, VecDeque};

/// Source extensions tried, in Node/TypeScript order.
pub const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "mjs", "cjs", "jsx", "mts", "cts"];

/// Most modules followed from one entry point.
const MAX_MODULES: usize = 5_000;

/// One import of a module.
#[derive(Debug, Clone)]
pub struct Import {
    /// The specifier as written (`express`, `./routes/auth`).
    pub specifier: String,
    /// The local names it binds (`helmet`, `Sentry`, `ThrottlerGuard`).
    pub bindings: Vec<String>,
    /// 1-based line.
    pub line: u32,
    /// The project file it resolves to, for local imports.
    pub resolved: Option<String>,
    /// `import type …`: erased at build time, never loaded at run time.
    pub type_only: bool,
    /// The part of the specifier naming a package (see [`package_of`]),
    /// found once: detectors ask every import of every module about
    /// package after package.
    package: Option<std::ops::Range<usize>>,
}

impl Import {
    /// The package a bare specifier names (`@sentry/node/x` → `@sentry/node`),
    /// `None` for relative and absolute paths.
    pub fn package(&self) -> Option<&str> {
        self.package.clone().map(|range| &self.specifier[range])
    }
    /// Whether it imports `package`, or the subpath `package` names
    /// (`hono/cors` is a subpath of the package `hono`).
    pub fn is_of(&self, package: &str) -> bool {
        self.package() == Some(package)
            || (self.package().is_some()
                && (self.specifier == package
                    || self
                        .specifier
                        .strip_prefix(package)
                        .is_some_and(|rest| rest.starts_with('/'))))
    }
}

/// A parsed module.
#[derive(Debug)]
pub struct Module {
    /// Path relative to the project root.
    pub path: String,
    /// Its tokens.
    pub tokens: Vec<Token>,
    /// Its imports, in order.
    pub imports: Vec<Import>,
    /// Why it could not be read (over the read cap, not a regular file),
    /// when it could not: its code, and what it imports, are unknown.
    pub unreadable: Option<String>,
    /// See [`Module::call_sites`] and [`Module::may_mention`]: built on
    /// first use (following imports needs neither).
    index: std::sync::OnceLock<Index>,
}

/// Token indexes of the names followed by `(`, by name.
pub type CallSites = rustc_hash::FxHashMap<Text, Vec<usize>>;

/// What detectors look up instead of scanning every token of every module.
#[derive(Debug)]
struct Index {
    calls: CallSites,
    /// Every identifier's text.
    identifiers: Identifiers,
}

/// A Bloom filter of a module's identifiers: whether a name may appear, in
/// two bit tests, without a hash set's allocations and probing. A false
/// positive costs only the scan that confirms it.
#[derive(Debug)]
struct Identifiers {
    bits: Vec<u64>,
}

impl Identifiers {
    /// Room for `count` identifiers at about 1 % false positives.
    fn with_capacity(count: usize) -> Self {
        let words = (count * 10 / 64 + 1).next_power_of_two();
        Identifiers {
            bits: vec![0; words],
        }
    }
    fn positions(&self, hash: u64) -> [usize; 2] {
        let mask = self.bits.len() * 64 - 1;
        // FxHash mixes its high bits best.
        [(hash >> 40) as usize & mask, (hash >> 18) as usize & mask]
    }
    fn insert(&mut self, hash: u64) {
        for at in self.positions(hash) {
            self.bits[at / 64] |= 1 << (at % 64);
        }
    }
    fn may_contain(&self, hash: u64) -> bool {
        self.positions(hash)
            .iter()
            .all(|&at| self.bits[at / 64] & (1 << (at % 64)) != 0)
    }
}

/// A name looked up in many modules ([`Module::call_sites_of`]), hashed once.
#[derive(Debug, Clone, Copy)]
pub struct Name<'a> {
    text: &'a str,
    hash: u64,
}

impl<'a> Name<'a> {
    /// `text`, hashed.
    pub fn new(text: &'a str) -> Self {
        Name {
            text,
            hash: identifier_hash(text),
        }
    }
}

fn identifier_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

impl Module {
    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index {
                calls: CallSites::default(),
                identifiers: Identifiers::with_capacity(self.tokens.len()),
            };
            for (at, token) in self.tokens.iter().enumerate() {
                if token.kind != Kind::Ident {
                    continue;
                }
                index.identifiers.insert(identifier_hash(&token.text));
                if self.tokens.get(at + 1).is_some_and(|t| t.is_punct("(")) {
                    index.calls.entry(token.text.clone()).or_default().push(at);
                }
            }
            index
        })
    }
    /// Where each name is followed by `(` (calls, and declarations), by
    /// name: detectors look calls up instead of scanning every token.
    pub fn call_sites(&self) -> &CallSites {
        &self.index().calls
    }
    /// The token indexes where `name` is followed by `(`: [`Module::call_sites`]
    /// of one name, asked of module after module with the name hashed once;
    /// most modules are ruled out by two bit tests of the identifier filter.
    pub fn call_sites_of(&self, name: &Name<'_>) -> &[usize] {
        let index = self.index();
        if !index.identifiers.may_contain(name.hash) {
            return &[];
        }
        index.calls.get(name.text).map_or(&[], Vec::as_slice)
    }
    /// Whether identifier `name` may appear in the module: `false` means it
    /// does not (two bit tests of a Bloom filter, to skip modules before
    /// scanning their tokens); `true` must be confirmed by the scan.
    pub fn may_mention(&self, name: &str) -> bool {
        self.index().identifiers.may_contain(identifier_hash(name))
    }
    /// The first import of `package` (`@sentry/node/x` imports `@sentry/node`).
    pub fn imports_package(&self, package: &str) -> Option<&Import> {
        self.imports.iter().find(|i| i.is_of(package))
    }
    /// Whether a binding from an import of `package` is used after the import.
    pub fn uses_package(&self, package: &str) -> bool {
        self.imports
            .iter()
            .filter(|i| i.is_of(package))
            .any(|import| {
                import.bindings.is_empty() || import.bindings.iter().any(|b| self.binding_used(b))
            })
    }
    /// Whether identifier `name` appears more than once (its import or
    /// declaration, then at least one use).
    pub fn binding_used(&self, name: &str) -> bool {
        self.tokens.iter().filter(|t| t.is_ident(name)).count() > 1
    }
}

/// The package name of a bare specifier; `None` for relative or absolute paths.
pub fn package_of(specifier: &str) -> Option<&str> {
    package_range(specifier).map(|range| &specifier[range])
}

/// Where [`package_of`] is in the specifier.
fn package_range(specifier: &str) -> Option<std::ops::Range<usize>> {
    let start = if specifier.starts_with("node:") { 5 } else { 0 };
    let bare = &specifier[start..];
    if bare.starts_with('.') || bare.starts_with('/') {
        return None;
    }
    let mut parts = bare.splitn(3, '/');
    let first = parts.next()?;
    let len = if first.starts_with('@') {
        first.len() + 1 + parts.next()?.len()
    } else {
        first.len()
    };
    Some(start..start + len)
}

/// How bare specifiers map to project folders.
#[derive(Debug, Default, Clone)]
pub struct Resolver {
    /// Workspace package name → its folder.
    pub packages: BTreeMap<String, String>,
    /// `tsconfig` path aliases: pattern prefix (before `*`) → target prefixes.
    pub aliases: Vec<(String, Vec<String>)>,
    /// `tsconfig` `baseUrl`, relative to the project root.
    pub base_url: Option<String>,
    /// TypeScript configs that are listed but could not be read or parsed,
    /// and why: the aliases they state are unknown.
    pub unreadable: Vec<(String, String)>,
}

impl Resolver {
    /// Reads the TypeScript config of the folder `root` (project-relative,
    /// `""` for the project root): `tsconfig.json`, else the
    /// `tsconfig.base.json` of Nx and other monorepos, following `extends`,
    /// for `baseUrl` and `paths`. Aliases already known keep precedence.
    pub fn with_tsconfig(mut self, root: &str) -> Self {
        let Some(path) = ["tsconfig.json", "tsconfig.base.json"]
            .iter()
            .map(|name| join(root, name))
            .find(|p| workspace::exists(p))
        else {
            return self;
        };
        let (base, aliases) = read_tsconfig(&path, 0, &mut self.unreadable);
        for alias in aliases {
            if !self.aliases.iter().any(|(prefix, _)| *prefix == alias.0) {
                self.aliases.push(alias);
            }
        }
        if self.base_url.is_none() {
            self.base_url = base;
        }
        self
    }

    /// The project file `specifier`, imported from `from`, resolves to.
    pub fn resolve(&self, from: &str, specifier: &str) -> Option<String> {
        if specifier.starts_with('.') {
            let dir = parent(from);
            return resolve_file(&normalize(&join(dir, specifier)));
        }
        for (prefix, targets) in &self.aliases {
            if let Some(rest) = specifier.strip_prefix(prefix.as_str()) {
                for target in targets {
                    let candidate = if target.is_empty() {
                        rest.to_owned()
                    } else {
                        format!("{}/{rest}", target.trim_end_matches('/'))
                    };
                    if let Some(found) = resolve_file(&normalize(&candidate)) {
                        return Some(found);
                    }
                }
            }
        }
        if let Some(package) = package_of(specifier)
            && let Some(dir) = self.packages.get(package)
        {
            let rest = specifier[package.len()..].trim_start_matches('/');
            return if rest.is_empty() {
                package_entry(dir)
            } else {
                resolve_file(&join(dir, rest))
                    .or_else(|| resolve_file(&join(&join(dir, "src"), rest)))
            };
        }
        if let Some(base) = &self.base_url {
            return resolve_file(&normalize(&join(base, specifier)));
        }
        None
    }
}

/// How many `extends` a TypeScript config may chain.
const TSCONFIG_EXTENDS_DEPTH: usize = 8;

/// The `baseUrl` and `paths` aliases a TypeScript config file states or
/// inherits through relative `extends` (a child's `paths` replace its
/// parent's, as `tsc` reads them; targets are relative to `baseUrl`, else
/// to the file that declares `paths`).
/// A listed config that cannot be read or parsed is added to `unreadable`.
fn read_tsconfig(
    path: &str,
    depth: usize,
    unreadable: &mut Vec<(String, String)>,
) -> (Option<String>, Vec<(String, Vec<String>)>) {
    if !workspace::exists(path) {
        return (None, Vec::new());
    }
    let parsed = workspace::read_text_or_why(path).and_then(|text| {
        parse_jsonc(&text).ok_or_else(|| "is not valid JSON with comments".to_owned())
    });
    let config = match parsed {
        Ok(config) => config,
        Err(why) => {
            if !unreadable.iter().any(|(p, _)| p == path) {
                unreadable.push((path.to_owned(), why));
            }
            return (None, Vec::new());
        }
    };
    let dir = parent(path);
    let parents: Vec<&str> = match &config["extends"] {
        serde_json::Value::String(one) => vec![one.as_str()],
        serde_json::Value::Array(many) => many.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    let (mut base, mut aliases) = (None, Vec::new());
    if depth < TSCONFIG_EXTENDS_DEPTH {
        for extended in parents.into_iter().filter(|e| e.starts_with('.')) {
            let mut file = normalize(&join(dir, extended));
            if !file.ends_with(".json") {
                file.push_str(".json");
            }
            let (inherited_base, inherited) = read_tsconfig(&file, depth + 1, unreadable);
            base = inherited_base.or(base);
            if !inherited.is_empty() {
                aliases = inherited;
            }
        }
    }
    let options = &config["compilerOptions"];
    if let Some(own) = options["baseUrl"].as_str() {
        base = Some(normalize(&join(dir, own)));
    }
    if let Some(paths) = options["paths"].as_object() {
        let base_dir = base.clone().unwrap_or_else(|| dir.to_owned());
        aliases = paths
            .iter()
            .map(|(pattern, targets)| {
                let targets = targets
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str())
                    .map(|t| normalize(&join(&base_dir, t.trim_end_matches('*'))))
                    .collect();
                (pattern.trim_end_matches('*').to_owned(), targets)
            })
            .collect();
    }
    (base, aliases)
}

/// The source file a workspace package's imports land on.
fn package_entry(dir: &str) -> Option<String> {
    let manifest = workspace::read_text(&join(dir, "package.json"))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let declared = manifest.as_ref().and_then(|m| {
        ["source", "types", "main", "module"]
            .iter()
            .find_map(|key| m[*key].as_str())
            .map(str::to_owned)
    });
    declared
        .and_then(|main| resolve_file(&source_of_output(&normalize(&join(dir, &main)))))
        .or_else(|| resolve_file(&join(dir, "src/index")))
        .or_else(|| resolve_file(&join(dir, "index")))
}

/// Maps a build output path (`dist/main.js`) back to its source
/// (`src/main.ts`) when the output is not in the repository.
pub fn source_of_output(path: &str) -> String {
    if workspace::exists(path) && !path.contains("dist/") && !path.contains("build/") {
        return path.to_owned();
    }
    for out in ["dist/src/", "dist/", "build/src/", "build/", "out/", "lib/"] {
        let (before, after) = match path.find(out) {
            Some(at) if at == 0 || path[..at].ends_with('/') => {
                (&path[..at], &path[at + out.len()..])
            }
            _ => continue,
        };
        let stem = after.trim_end_matches(".d.ts");
        for candidate in [format!("{before}src/{stem}"), format!("{before}{stem}")] {
            if let Some(found) = resolve_file(strip_js_extension(&candidate)) {
                return found;
            }
        }
        // A monorepo builds each project into `dist/<project>/`: the source
        // of `dist/apps/api/main.js` is `apps/api/src/main.ts` (Nx, Turborepo).
        let parts: Vec<&str> = stem.split('/').collect();
        for split in (1..parts.len()).rev() {
            let candidate = format!(
                "{before}{}/src/{}",
                parts[..split].join("/"),
                parts[split..].join("/")
            );
            if let Some(found) = resolve_file(strip_js_extension(&candidate)) {
                return found;
            }
        }
    }
    path.to_owned()
}

fn strip_js_extension(path: &str) -> &str {
    [".js", ".mjs", ".cjs", ".jsx"]
        .iter()
        .find_map(|ext| path.strip_suffix(ext))
        .unwrap_or(path)
}

/// Resolves `path` to an existing file: as is, with an extension, a `.js`
/// written for a `.ts`, or an `index` file. (Called for every import of
/// every module: candidates are written into one buffer.)
pub fn resolve_file(path: &str) -> Option<String> {
    let extension = path.rsplit_once('.').map(|(_, e)| e);
    if extension.is_some_and(|e| EXTENSIONS.contains(&e)) && workspace::exists(path) {
        return Some(path.to_owned());
    }
    let stem = strip_js_extension(path);
    let bases: &[&str] = if stem == path { &[path] } else { &[stem, path] };
    let mut candidate = String::with_capacity(path.len() + 10);
    let mut found = |parts: &[&str]| {
        candidate.clear();
        parts.iter().for_each(|p| candidate.push_str(p));
        workspace::exists(&candidate)
    };
    for base in bases {
        for ext in EXTENSIONS {
            if found(&[base, ".", ext]) {
                return Some(candidate);
            }
        }
    }
    for ext in EXTENSIONS {
        if found(&[path, "/index.", ext]) {
            return Some(candidate);
        }
    }
    None
}

/// `a/b` joined with `c` (either may be empty).
pub fn join(dir: &str, path: &str) -> String {
    let path = path.trim_start_matches("./");
    if dir.is_empty() || dir == "." {
        path.to_owned()
    } else {
        let dir = dir.trim_end_matches('/');
        let mut joined = String::with_capacity(dir.len() + 1 + path.len());
        joined.push_str(dir);
        joined.push('/');
        joined.push_str(path);
        joined
    }
}

/// The folder of a project path (`""` at the root).
pub fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Resolves `.` and `..` parts; a path escaping the root stays at the root.
/// (Called for every import of every module: written into one string.)
pub fn normalize(path: &str) -> String {
    let mut normal = String::with_capacity(path.len());
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => normal.truncate(normal.rfind('/').unwrap_or(0)),
            part => {
                if !normal.is_empty() {
                    normal.push('/');
                }
                normal.push_str(part);
            }
        }
    }
    normal
}

/// Parses JSON with comments and trailing commas (tsconfig, VS Code style).
pub fn parse_jsonc(text: &str) -> Option<serde_json::Value> {
    let tokens = js::tokenize(text);
    let mut out = String::with_capacity(text.len());
    for (index, token) in tokens.iter().enumerate() {
        if token.is_punct(",")
            && tokens
                .get(index + 1)
                .is_some_and(|t| t.is_punct("}") || t.is_punct("]"))
        {
            continue;
        }
        match token.kind {
            Kind::Str => {
                out.push_str(&serde_json::Value::String(token.text.to_string()).to_string())
            }
            _ => out.push_str(&token.text),
        }
        out.push(' ');
    }
    serde_json::from_str(&out).ok()
}

/// Parses one module's imports (not yet resolved: see [`reachable`]).
pub fn parse_module(path: &str, source: &str) -> Module {
    let tokens = js::tokenize(source);
    let mut imports = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let previous_is_dot =
            index > 0 && (tokens[index - 1].is_punct(".") || tokens[index - 1].is_punct("?."));
        if token.kind != Kind::Ident || previous_is_dot {
            continue;
        }
        let found = match token.text.as_str() {
            "import" => static_or_dynamic_import(&tokens, index),
            "export" => reexport(&tokens, index),
            "require" => require_call(&tokens, index),
            _ => None,
        };
        if let Some((specifier, bindings, line)) = found {
            let type_only = token.text == "import"
                && tokens.get(index + 1).is_some_and(|t| t.is_ident("type"))
                && tokens.get(index + 2).is_some_and(|t| !t.is_ident("from"));
            imports.push(Import {
                package: package_range(&specifier),
                specifier,
                bindings,
                line,
                resolved: None,
                type_only,
            });
        }
    }
    Module {
        path: path.to_owned(),
        tokens,
        imports,
        unreadable: None,
        index: std::sync::OnceLock::new(),
    }
}

type Found = (String, Vec<String>, u32);

fn static_or_dynamic_import(tokens: &[Token], index: usize) -> Option<Found> {
    let next = tokens.get(index + 1)?;
    if next.kind == Kind::Str {
        return Some((next.text.to_string(), Vec::new(), next.line));
    }
    if next.is_punct("(") {
        let arg = tokens.get(index + 2)?;
        return (arg.kind == Kind::Str).then(|| (arg.text.to_string(), Vec::new(), arg.line));
    }
    let mut bindings = Vec::new();
    let mut at = index + 1;
    while let Some(token) = tokens.get(at) {
        if at > index + 200 || token.is_punct(";") {
            return None;
        }
        if token.is_ident("from") && tokens.get(at + 1).is_some_and(|t| t.kind == Kind::Str) {
            let source = &tokens[at + 1];
            return Some((source.text.to_string(), bindings, source.line));
        }
        if token.kind == Kind::Ident && !matches!(token.text.as_str(), "type" | "as" | "typeof") {
            let aliased = tokens.get(at + 1).is_some_and(|t| t.is_ident("as"));
            if !aliased {
                bindings.push(token.text.to_string());
            }
        } else if token.kind != Kind::Ident && !matches!(token.text.as_str(), "{" | "}" | "," | "*")
        {
            return None;
        }
        at += 1;
    }
    None
}

fn reexport(tokens: &[Token], index: usize) -> Option<Found> {
    let mut at = index + 1;
    while let Some(token) = tokens.get(at) {
        if at > index + 200 {
            return None;
        }
        if token.is_ident("from") && tokens.get(at + 1).is_some_and(|t| t.kind == Kind::Str) {
            let source = &tokens[at + 1];
            return Some((source.text.to_string(), Vec::new(), source.line));
        }
        let allowed = token.kind == Kind::Ident && matches!(token.text.as_str(), "type" | "as")
            || matches!(token.text.as_str(), "{" | "}" | "," | "*")
            || (token.kind == Kind::Ident && tokens[at - 1].kind == Kind::Punct);
        if !allowed {
            return None;
        }
        at += 1;
    }
    None
}

fn require_call(tokens: &[Token], index: usize) -> Option<Found> {
    if !tokens.get(index + 1)?.is_punct("(") {
        return None;
    }
    let arg = tokens.get(index + 2)?;
    if arg.kind != Kind::Str || !tokens.get(index + 3)?.is_punct(")") {
        return None;
    }
    // `const x = require('…')` or `const { a, b } = require('…')`.
    let mut bindings = Vec::new();
    if index >= 2 && tokens[index - 1].is_punct("=") {
        let target = &tokens[index - 2];
        if target.kind == Kind::Ident {
            bindings.push(target.text.to_string());
        } else if target.is_punct("}") {
            let mut at = index - 3;
            while at > 0 && !tokens[at].is_punct("{") {
                if tokens[at].kind == Kind::Ident && !tokens[at + 1].is_punct(":") {
                    bindings.push(tokens[at].text.to_string());
                }
                at -= 1;
            }
        }
    }
    Some((arg.text.to_string(), bindings, arg.line))
}

/// Every module reachable from `entries`, entries first, breadth-first.
pub fn reachable(entries: &[String], resolver: &Resolver) -> Vec<Module> {
    walk(entries, resolver, Keep::Tokens)
}

/// The modules [`reachable`] finds, with their imports only: each
/// module's tokens are dropped once its imports are parsed, so a walk of
/// a large service keeps (and touches) a fraction of the memory. Their
/// call sites and identifiers are then empty: for checks that read
/// nothing but `imports`.
pub fn reachable_imports(entries: &[String], resolver: &Resolver) -> Vec<Module> {
    walk(entries, resolver, Keep::ImportsOnly)
}

/// What a walk keeps of each module.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    Tokens,
    ImportsOnly,
}

fn walk(entries: &[String], resolver: &Resolver, keep: Keep) -> Vec<Module> {
    let mut seen: rustc_hash::FxHashSet<String> = Default::default();
    let mut queue: VecDeque<String> = entries.iter().cloned().collect();
    // The configs that could not be read come first, as modules whose
    // content is unknown: what they would have resolved is missing.
    let mut modules: Vec<Module> = resolver
        .unreadable
        .iter()
        .map(|(path, why)| {
            let mut config = parse_module(path, "");
            config.unreadable = Some(why.clone());
            config
        })
        .collect();
    while let Some(path) = queue.pop_front() {
        if modules.len() >= MAX_MODULES || !seen.insert(path.clone()) {
            continue;
        }
        // A file that is not UTF-8 (a Latin-1 comment) is read with the
        // odd bytes replaced: the code around them still counts.
        let source = match workspace::read_text_or_why(&path) {
            Ok(source) => source,
            Err(_) if !workspace::exists(&path) => continue,
            Err(why) => {
                let mut module = parse_module(&path, "");
                module.unreadable = Some(why);
                modules.push(module);
                continue;
            }
        };
        let mut module = parse_module(&path, &source);
        if keep == Keep::ImportsOnly {
            module.tokens = Vec::new();
        }
        for import in &mut module.imports {
            import.resolved = resolver.resolve(&path, &import.specifier);
            if let Some(target) = &import.resolved
                && !seen.contains(target)
            {
                queue.push_back(target.clone());
            }
        }
        modules.push(module);
    }
    modules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_are_named_from_specifiers() {
        assert_eq!(package_of("@sentry/node/tracing"), Some("@sentry/node"));
        assert_eq!(package_of("express"), Some("express"));
        assert_eq!(package_of("node:fs"), Some("fs"));
        assert_eq!(package_of("./app"), None);
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize(&join("src/routes", "../app")), "src/app");
        assert_eq!(normalize("../../x"), "x");
        assert_eq!(normalize("a/./b//c/../../d/"), "a/d");
        assert_eq!(normalize("a/.."), "");
        assert_eq!(join("a/", "./b"), "a/b");
        assert_eq!(join("", "b"), "b");
    }

    #[test]
    fn imports_and_their_bindings_are_parsed() {
        let source = "import helmet from 'helmet';\nimport * as Sentry from '@sentry/node';\n\
                      import { ThrottlerGuard as TG, ThrottlerModule } from '@nestjs/throttler';\n\
                      import type { X } from './types';\nconst rateLimit = require('express-rate-limit');\n\
                      const { json } = require('body-parser');\nexport * from './routes';\nimport './instrument';\n\
                      // import cors from 'cors'\nconst m = await import('./lazy');";
        let module = parse_module("src/app.ts", source);
        let found: Vec<(&str, Vec<&str>)> = module
            .imports
            .iter()
            .map(|i| {
                (
                    i.specifier.as_str(),
                    i.bindings.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("helmet", vec!["helmet"]),
                ("@sentry/node", vec!["Sentry"]),
                ("@nestjs/throttler", vec!["TG", "ThrottlerModule"]),
                ("./types", vec!["X"]),
                ("express-rate-limit", vec!["rateLimit"]),
                ("body-parser", vec!["json"]),
                ("./routes", vec![]),
                ("./instrument", vec![]),
                ("./lazy", vec![]),
            ]
        );
    }

    #[test]
    fn identifiers_calls_and_packages_are_indexed() {
        let module = parse_module(
            "src/app.ts",
            "import * as Sentry from 'node:@sentry/node/tracing';\nimport x from './x';\n\
             // helmet()\nSentry.init({ dsn });\nconst s = 'APP_GUARD';",
        );
        assert!(module.may_mention("Sentry") && module.may_mention("dsn"));
        assert!(!module.may_mention("helmet"), "in a comment");
        assert!(!module.may_mention("APP_GUARD"), "in a string");
        assert_eq!(module.call_sites().get("init"), Some(&vec![14]));
        assert_eq!(module.call_sites_of(&Name::new("init")), [14]);
        assert!(
            module.call_sites_of(&Name::new("helmet")).is_empty(),
            "in a comment"
        );
        assert!(
            module.call_sites_of(&Name::new("dsn")).is_empty(),
            "not called"
        );
        let packages: Vec<Option<&str>> = module.imports.iter().map(Import::package).collect();
        assert_eq!(packages, [Some("@sentry/node"), None]);
        assert_eq!(
            module.imports_package("@sentry/node").map(|i| i.line),
            Some(1)
        );
    }

    #[test]
    fn the_identifier_filter_never_misses_and_seldom_errs() {
        let source: String = (0..2000)
            .map(|n| format!("let name{n} = f{n}(x);\n"))
            .collect();
        let module = parse_module("big.ts", &source);
        assert!((0..2000).all(|n| module.may_mention(&format!("name{n}"))));
        assert!((0..2000).all(|n| module.may_mention(&format!("f{n}"))));
        let false_positives = (0..10_000)
            .filter(|n| module.may_mention(&format!("absent{n}")))
            .count();
        assert!(
            false_positives < 300,
            "{false_positives} of 10,000 absent names"
        );
    }

    #[test]
    fn jsonc_is_parsed() {
        let value = parse_jsonc("{ // c\n \"a\": [1, 2,], /* x */ \"b\": \"//not a comment\", }")
            .expect("parses");
        assert_eq!(value["b"], "//not a comment");
        assert_eq!(value["a"][1], 2);
    }
}
