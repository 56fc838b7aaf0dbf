//! Dockerfile rules: the user and health check in effect at the final
//! stage, pinned bases, stages, production installs, `NODE_ENV`, copied
//! paths and `.dockerignore`.

use crate::findings;
use gonogo_analysis::dockerfile::{Dockerfile, Instruction, Stage};
use gonogo_analysis::graph;
use gonogo_check::workspace;
use gonogo_check::{Finding, Report, Severity, Value, json};

/// The stage `stage` builds on, when its `FROM` names an earlier stage.
fn parent_stage<'a>(file: &'a Dockerfile, stage: &Stage) -> Option<&'a Stage> {
    file.stages
        .iter()
        .take_while(|s| !std::ptr::eq(*s, stage))
        .find(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&stage.image))
        })
}

/// The last `keyword` instruction in effect in `stage`, following `FROM <stage>`.
fn in_effect<'a>(file: &'a Dockerfile, stage: &'a Stage, keyword: &str) -> Option<&'a Instruction> {
    stage
        .last(keyword)
        .or_else(|| parent_stage(file, stage).and_then(|p| in_effect(file, p, keyword)))
}

/// How a base image is pinned: `digest`, `tag`, `latest` or `none`;
/// `stage` for an earlier stage and `scratch`.
fn pinning(file: &Dockerfile, stage: &Stage) -> &'static str {
    if parent_stage(file, stage).is_some() || stage.image == "scratch" {
        return "stage";
    }
    let image = resolve_args(file, &stage.image);
    if image.contains("@sha256:") {
        return "digest";
    }
    let name = image.rsplit('/').next().unwrap_or(&image);
    match name.split_once(':') {
        Some((_, "latest")) => "latest",
        Some((_, tag)) if !tag.is_empty() && !tag.contains('$') => "tag",
        _ => "none",
    }
}

/// `${NAME}` / `$NAME` in `text` replaced by the default of a preamble `ARG`.
fn resolve_args(file: &Dockerfile, text: &str) -> String {
    let mut out = text.to_owned();
    for arg in file.preamble.iter().filter(|i| i.keyword == "ARG") {
        if let Some((name, value)) = arg.args.split_once('=') {
            let value = value.trim_matches('"');
            out = out
                .replace(&format!("${{{name}}}"), value)
                .replace(&format!("${name}"), value);
        }
    }
    out
}

fn runs_as_root(file: &Dockerfile, stage: &Stage) -> bool {
    match in_effect(file, stage, "USER") {
        Some(user) => {
            let name = user.args.split(':').next().unwrap_or_default().trim();
            name == "root" || name == "0"
        }
        None => !resolve_args(file, &stage.image).contains("nonroot"),
    }
}

/// Whether an install of dev dependencies is pruned or avoided.
fn production_install(file: &Dockerfile, stage: &Stage) -> Option<bool> {
    let mut installs = false;
    let mut node_env_production = false;
    let chain: Vec<&Stage> =
        std::iter::successors(Some(stage), |s| parent_stage(file, s)).collect();
    for stage in chain.iter().rev() {
        for instruction in &stage.instructions {
            let args = instruction.args.as_str();
            if instruction.keyword == "ENV" && is_node_env_production(args) {
                node_env_production = true;
            }
            if instruction.keyword != "RUN" {
                continue;
            }
            let prod_flag = [
                "--omit=dev",
                "--production",
                "--only=production",
                "--only=prod",
                "--prod",
                "prune",
            ]
            .iter()
            .any(|f| args.contains(f));
            if prod_flag {
                return Some(true);
            }
            if !gonogo_analysis::ci::installs(args, false).is_empty() || args.contains("npm ci") {
                installs = true;
                if node_env_production || args.contains("NODE_ENV=production") {
                    return Some(true);
                }
            }
        }
    }
    // node_modules copied from another stage (by name, or with the stage's
    // whole WORKDIR): production if that stage pruned or installed so.
    let copied = stage.all("COPY").find_map(|copy| {
        let from = copy
            .args
            .split_whitespace()
            .find_map(|w| w.strip_prefix("--from="))?;
        let source = file
            .stages
            .iter()
            .find(|s| s.name.as_deref() == Some(from))?;
        let words: Vec<String> = copy
            .exec_words()
            .into_iter()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let workdir = source
            .last("WORKDIR")
            .map(|w| w.args.trim().trim_end_matches('/').to_owned());
        let whole_workdir = words[..words.len().saturating_sub(1)]
            .iter()
            .any(|w| workdir.as_deref() == Some(w.trim_end_matches('/')) || w == "/");
        (copy.args.contains("node_modules") || whole_workdir).then_some(source)
    });
    if let Some(source) = copied {
        return production_install(file, source);
    }
    installs.then_some(false)
}

fn is_node_env_production(env_args: &str) -> bool {
    let compact = env_args.replace(['"', '\''], "");
    compact.contains("NODE_ENV=production")
        || compact.split_whitespace().collect::<Vec<_>>() == ["NODE_ENV", "production"]
}

/// `.dockerignore` patterns (with `!` negations) matched like Docker does,
/// on the common cases: `*`, `?`, `**`, a leading `/`, a trailing `/`.
fn dockerignore_excludes(patterns: &[String], path: &str) -> bool {
    let mut excluded = false;
    for pattern in patterns {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pattern.as_str()),
        };
        let pattern = pattern.trim_start_matches('/').trim_end_matches('/');
        let matches = glob(pattern, path)
            || path
                .split('/')
                .next()
                .is_some_and(|first| glob(pattern, first))
            || glob(&format!("**/{pattern}"), path);
        if matches {
            excluded = !negated;
        }
    }
    excluded
}

/// Whether `text` matches the `.dockerignore` pattern: `*` and `?` within
/// one path segment, `**` across any number of them, `[…]` classes
/// (globset's matcher, which compiles to a regex: no pattern can make it
/// backtrack without end). A pattern that is not a valid glob matches
/// nothing (Docker refuses it).
fn glob(pattern: &str, text: &str) -> bool {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .is_ok_and(|glob| glob.compile_matcher().is_match(text))
}

/// Whether `path` (relative to the project) names a listed file or folder;
/// gitignored build output is asked about separately, in one batch for
/// every Dockerfile (each batch runs git once).
fn path_listed(path: &str) -> bool {
    let path = graph::normalize(path);
    let prefix = format!("{path}/");
    // The list is sorted: the first path not below `prefix` is in the folder, if any is.
    let files = workspace::files();
    let first_after = files.partition_point(|f| f.path < prefix.as_str());
    path.is_empty()
        || workspace::exists(&path)
        || files
            .get(first_after)
            .is_some_and(|f| f.path.starts_with(&prefix))
}

/// Whether a source the listing lacks and git does not ignore is on disk
/// all the same (build output, under `.git`, or `node_modules` of a project
/// without git). Asked last, for those alone, of the host, which notes the
/// answers so that the outcome stays reusable.
fn on_disk(absent: &Absent) -> bool {
    let normalized = graph::normalize(&absent.source);
    workspace::present(&[absent.local.as_str(), normalized.as_str()])
        .into_iter()
        .any(|present| present)
}

/// A `COPY`/`ADD` source neither listed nor on disk.
pub struct Absent<'a> {
    copy: &'a Instruction,
    /// As written.
    source: String,
    /// As seen from the project root (what git is asked about, as a file
    /// and as a folder).
    pub local: String,
}

/// The `COPY`/`ADD` sources of `file` (at `path`) the listing lacks;
/// whether git ignores them (build output) is asked for every Dockerfile at
/// once.
pub fn absent_sources<'a>(path: &str, file: &'a Dockerfile) -> Vec<Absent<'a>> {
    let context = graph::parent(path);
    let mut absent = Vec::new();
    for copy in file.all("COPY").chain(file.all("ADD")) {
        let words: Vec<String> = copy
            .exec_words()
            .into_iter()
            .filter(|w| !w.starts_with("--"))
            .collect();
        if copy.args.contains("--from") || words.len() < 2 {
            continue;
        }
        for source in &words[..words.len() - 1] {
            if source.contains(['*', '?', '$']) || source.contains("://") {
                continue;
            }
            let local = graph::normalize(&graph::join(context, source));
            if !path_listed(&local) && !path_listed(source) {
                absent.push(Absent {
                    copy,
                    source: source.clone(),
                    local,
                });
            }
        }
    }
    absent
}

/// Checks one Dockerfile, given its [`absent_sources`] and whether git
/// ignores each; returns its facts.
pub fn check(
    report: &mut Report,
    path: &str,
    file: &Dockerfile,
    absent: &[Absent],
    ignored: &[bool],
) -> Value {
    let Some(last) = file.final_stage() else {
        return json!({"path": path, "stages": 0});
    };
    let context = graph::parent(path);
    let root = runs_as_root(file, last);
    if root {
        let line = in_effect(file, last, "USER").map_or(last.line, |u| u.line);
        report.push(
            Finding::fail(
                findings::RUNS_AS_ROOT,
                Severity::High,
                "the final stage runs as root",
            )
            .at(path, Some(line))
            .fix("add `USER node` (or another unprivileged user) to the final stage"),
        );
    }
    let healthcheck = in_effect(file, last, "HEALTHCHECK")
        .filter(|h| !h.args.trim().eq_ignore_ascii_case("none"));
    if healthcheck.is_none() {
        report.push(
            Finding::warn(findings::HEALTHCHECK_MISSING, Severity::Medium, "the image has no HEALTHCHECK")
                .at(path, Some(last.line))
                .fix("add `HEALTHCHECK CMD wget -qO- http://localhost:$PORT/health || exit 1` (or rely on the orchestrator's probe)"),
        );
    }
    let mut bases = Vec::new();
    for stage in &file.stages {
        let pinned = pinning(file, stage);
        if pinned != "stage" {
            bases.push(json!({"image": stage.image, "pinned": pinned, "line": stage.line}));
        }
        if matches!(pinned, "latest" | "none") {
            report.push(
                Finding::fail(
                    findings::BASE_IMAGE_UNPINNED,
                    Severity::Medium,
                    format!("`{}` is not pinned to a version", stage.image),
                )
                .at(path, Some(stage.line))
                .fix("use a version tag (`node:20.14-alpine`), ideally with its `@sha256:` digest"),
            );
        }
    }
    if file.stages.len() < 2 {
        report.push(
            Finding::warn(findings::SINGLE_STAGE, Severity::Low, "the build is single-stage: build tools ship in the image")
                .at(path, Some(last.line))
                .fix("build in one stage and copy only the output and production modules into a slim final stage"),
        );
    }
    let prod_install = production_install(file, last);
    if prod_install == Some(false) {
        report.push(
            Finding::fail(
                findings::DEV_DEPENDENCIES_IN_IMAGE,
                Severity::Medium,
                "the image installs devDependencies",
            )
            .at(path, Some(last.line))
            .fix("install with `npm ci --omit=dev` in the final stage (or `npm prune --omit=dev`)"),
        );
    }
    let node_env = std::iter::successors(Some(last), |s| parent_stage(file, s))
        .flat_map(|s| s.all("ENV"))
        .any(|e| is_node_env_production(&e.args));
    let node_image = file
        .stages
        .iter()
        .any(|s| resolve_args(file, &s.image).contains("node"));
    if node_image && !node_env {
        report.push(
            Finding::warn(
                findings::NODE_ENV_NOT_PRODUCTION,
                Severity::Medium,
                "the image does not set NODE_ENV=production",
            )
            .at(path, Some(last.line))
            .fix("add `ENV NODE_ENV=production` to the final stage"),
        );
    }
    let copies_context = file.all("COPY").chain(file.all("ADD")).any(|c| {
        !c.args.contains("--from")
            && c.exec_words()
                .iter()
                .filter(|w| !w.starts_with("--"))
                .rev()
                .skip(1)
                .any(|w| w == "." || w == "./")
    });
    // The build context is the Dockerfile's folder or, in monorepos built
    // with `docker build -f apps/x/Dockerfile .`, the repository root; a
    // `<Dockerfile>.dockerignore` beside it wins (BuildKit).
    let ignore_path = [
        format!("{path}.dockerignore"),
        graph::join(context, ".dockerignore"),
        ".dockerignore".to_owned(),
    ]
    .into_iter()
    .find(|p| workspace::exists(p))
    .unwrap_or_else(|| graph::join(context, ".dockerignore"));
    let patterns: Option<Vec<String>> = workspace::read_text(&ignore_path).map(|t| {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    });
    let excludes = |p: &str| {
        patterns
            .as_ref()
            .is_some_and(|pats| dockerignore_excludes(pats, p))
    };
    let dockerignore = json!({
        "present": patterns.is_some(),
        "excludes_env": excludes(".env") && excludes(".env.production"),
        "excludes_node_modules": excludes("node_modules"),
        "excludes_git": excludes(".git"),
    });
    if copies_context {
        let missing: Vec<&str> = [
            (".env", ".env files"),
            ("node_modules", "node_modules"),
            (".git", ".git"),
        ]
        .iter()
        .filter(|(p, _)| !excludes(p) || (*p == ".env" && !excludes(".env.production")))
        .map(|(_, label)| *label)
        .collect();
        if !missing.is_empty() {
            let message = if patterns.is_none() {
                "`COPY .` sends the whole folder (.env files included) and there is no .dockerignore".to_owned()
            } else {
                format!(
                    "`COPY .` and .dockerignore does not exclude {}",
                    missing.join(", ")
                )
            };
            report.push(
                Finding::fail(findings::DOCKERIGNORE_INCOMPLETE, Severity::High, message)
                    .at(
                        if patterns.is_some() {
                            &ignore_path
                        } else {
                            path
                        },
                        None,
                    )
                    .fix("add `.env*`, `node_modules` and `.git` to .dockerignore"),
            );
        }
    }
    let mut missing_paths = Vec::new();
    for (source_absent, ignored) in absent.iter().zip(ignored) {
        if *ignored || on_disk(source_absent) {
            continue; // build output, made before `docker build`
        }
        let Absent { copy, source, .. } = source_absent;
        missing_paths.push(json!({"path": source, "line": copy.line}));
        report.push(
            Finding::fail(
                findings::COPY_MISSING_PATH,
                Severity::High,
                format!(
                    "`{}` copies `{source}`, which is not in the project",
                    copy.keyword
                ),
            )
            .at(path, Some(copy.line))
            .fix("fix the path, or create the file the build expects"),
        );
    }
    json!({
        "path": path,
        "stages": file.stages.len(),
        "runs_as_root": root,
        "healthcheck": healthcheck.is_some(),
        "bases": bases,
        "production_install": prod_install,
        "node_image": node_image,
        "node_env_production": node_env,
        "copies_context": copies_context,
        "dockerignore": dockerignore,
        "missing_copy_sources": missing_paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_analysis::dockerfile::parse;

    #[test]
    fn the_user_in_effect_follows_stages() {
        let file = parse("FROM node:20 AS base\nUSER node\nFROM base\nCMD x\n");
        assert!(!runs_as_root(&file, file.final_stage().expect("stage")));
        let file = parse("FROM node:20 AS build\nUSER node\nFROM node:20-alpine\nCMD x\n");
        assert!(runs_as_root(&file, file.final_stage().expect("stage")));
        let file = parse("FROM node:20\nUSER node\nRUN x\nUSER root\n");
        assert!(runs_as_root(&file, file.final_stage().expect("stage")));
    }

    #[test]
    fn pinning_reads_args_and_digests() {
        let file =
            parse("ARG V=20.1\nFROM node:${V}\nFROM node\nFROM node:latest\nFROM n@sha256:ab\n");
        let pins: Vec<&str> = file.stages.iter().map(|s| pinning(&file, s)).collect();
        assert_eq!(pins, ["tag", "none", "latest", "digest"]);
    }

    #[test]
    fn production_installs_are_recognised() {
        let prod = |text: &str| {
            let file = parse(text);
            production_install(&file, file.final_stage().expect("stage"))
        };
        assert_eq!(prod("FROM node\nRUN npm ci --omit=dev\n"), Some(true));
        assert_eq!(
            prod("FROM node\nENV NODE_ENV=production\nRUN npm ci\n"),
            Some(true)
        );
        assert_eq!(prod("FROM node\nRUN npm install\n"), Some(false));
        assert_eq!(
            prod(
                "FROM node AS b\nRUN npm ci\nFROM node\nCOPY --from=b /a/node_modules ./node_modules\n"
            ),
            Some(false)
        );
        assert_eq!(prod("FROM node\nCOPY dist .\n"), None);
        assert_eq!(
            prod(
                "FROM node AS b\nWORKDIR /repo\nRUN pnpm install && pnpm prune --prod\nFROM node\nCOPY --from=b /repo .\n"
            ),
            Some(true)
        );
        assert_eq!(
            prod(
                "FROM node AS b\nWORKDIR /app\nRUN npm ci\nFROM node\nCOPY --from=b /app/dist ./dist\n"
            ),
            None
        );
    }

    #[test]
    fn dockerignore_patterns_match_like_docker() {
        let patterns: Vec<String> = [".env*", "!.env.example", "**/node_modules", ".git/"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert!(dockerignore_excludes(&patterns, ".env.production"));
        assert!(!dockerignore_excludes(&patterns, ".env.example"));
        assert!(dockerignore_excludes(&patterns, "node_modules"));
        assert!(dockerignore_excludes(&patterns, "apps/api/node_modules"));
        assert!(dockerignore_excludes(&patterns, ".git"));
        assert!(!dockerignore_excludes(&patterns, "src"));
        let classes = vec!["[Dd]ist".to_owned(), "*.lo?".to_owned()];
        assert!(dockerignore_excludes(&classes, "Dist"));
        assert!(dockerignore_excludes(&classes, "debug.log"));
        assert!(!dockerignore_excludes(&classes, "logs/debug.txt"));
    }

    /// Patterns that made the former backtracking matcher take exponential
    /// time (this test then never ended) are answered at once; an invalid
    /// pattern matches nothing.
    #[test]
    fn hostile_dockerignore_patterns_cannot_stall_the_check() {
        let hostile = vec![
            format!("{}b", "*a".repeat(40)),
            format!("{}x", "**/".repeat(40)),
            "[unclosed".to_owned(),
        ];
        let long = "a".repeat(200);
        let deep = vec!["d"; 200].join("/");
        for path in [long.as_str(), deep.as_str()] {
            assert!(!dockerignore_excludes(&hostile, path));
        }
    }
}
