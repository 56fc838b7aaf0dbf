//! # `docs` — what the next person on call needs to find
//!
//! ## What it checks
//! Documentation files (Markdown, MDX, AsciiDoc, text) outside
//! `node_modules`, by file name and by heading, never by a passing mention:
//! - setup instructions: a code block under a setup heading (Installation,
//!   Setup, Getting started, Quick start, Development, Running,
//!   Self-hosting, Deploy…) or a code block with a command that installs,
//!   configures or starts the project (`npm install`, `docker compose up`,
//!   `cp .env.example .env`…), in the root README or in a setup guide
//!   beside it (`SETUP.md`, `INSTALL.md`, `CONTRIBUTING.md`,
//!   `docs/getting-started.md`…);
//! - an env template (`.env.example`, `.env.sample`, `.env.template`,
//!   `env-example-relational`: `env` and example, sample, template or dist
//!   among the parts of its name);
//! - API documentation: an OpenAPI/Swagger file, a package that
//!   generates one (`@nestjs/swagger`, `swagger-ui-express`,
//!   `@fastify/swagger`, `express-openapi-validator`, `tsoa`), or a
//!   Markdown reference named for the API (`API.md`, `API_ENDPOINTS.md`)
//!   that lists at least three endpoints (`GET /api/v1/orders`);
//! - a runbook, an incident response plan, an escalation procedure, a
//!   rollback plan, a backup and restore procedure and a deployment guide:
//!   a file named for it, or a heading, whose text says what to do (two
//!   steps or more, a command with a few words around it, or a paragraph
//!   of twelve words); a heading with only `TODO` or nothing under it is
//!   reported as written but empty;
//! - recovery objectives: a line that names the recovery time objective
//!   (`RTO`) and one that names the recovery point objective (`RPO`), each
//!   with a duration (`RTO: 4 hours`, `| RPO | 15 min |`);
//! - a `CHANGELOG` that names the current version (or an `Unreleased`
//!   section), and a security policy (`SECURITY.md`, also under `.github/`);
//! - a privacy policy and terms of service, when the project is user-facing:
//!   a front-end package is present, or `user_facing: true` is set;
//! - for each web front-end (a package on Next, React, Vue, Nuxt, Svelte,
//!   Angular, Astro, Remix, Solid or Gatsby; not React Native or Expo):
//!   page metadata (Next `metadata`/`generateMetadata`, `next/head`,
//!   react-helmet, `useHead`/`useSeoMeta`, `<svelte:head>`, Angular's
//!   `Meta`, Remix `meta`, a `<meta name="description">`) and a robots.txt
//!   or sitemap (a file, or a sitemap package); and, where it loads an
//!   analytics or advertising tracker (Google Analytics or Tag Manager,
//!   PostHog, Mixpanel, Segment, Amplitude, Hotjar, the Meta pixel…), a
//!   consent manager (vanilla-cookieconsent, react-cookie-consent, Klaro,
//!   Cookiebot, OneTrust, Termly, iubenda, Usercentrics, or a
//!   `CookieConsent`/`cookie-banner` component of its own); a way to reach
//!   support (a `mailto:` link, a chat widget such as Intercom, Crisp or
//!   Zendesk, a contact or support page) and a way to give feedback (a
//!   feedback widget or form);
//! - how to reach support, in the documentation or a server-rendered app:
//!   a `SUPPORT.md`, a contact or support page or view, or a Support or
//!   Contact section with an address or a link.
//!
//! ## Why it matters
//! Every seed checklist ends with documentation: setup instructions, API
//! docs, a runbook, incident and rollback procedures, legal pages.
//!
//! ## Example of a failing project
//! A README with one line, no `.env.example`, no `docs/`.
//!
//! ## How to fix
//! Write the missing documents; a heading per procedure in one
//! `docs/runbook.md` is enough for this check.
//!
//! ## Facts it reports
//! `readme` (path or null), `readme_setup` (setup instructions found, in
//! the README or a setup guide), `setup_guide` (the guide's path, or null),
//! `env_example` (path or null),
//! `api_docs` (`file`, `generated`, `markdown` or null), `api_reference`
//! (the Markdown reference's path, or null), `api_generator` (a generator
//! that documents every route by construction: `@nestjs/swagger`,
//! `@fastify/swagger`, `tsoa`; or null), `documented_endpoints` (`method`
//! and `path`, parameters as `{}`, from the OpenAPI document's `paths`,
//! swagger-jsdoc's `@swagger` blocks and the Markdown reference's
//! `METHOD /path` lines; at most 500), `deployment_guide`,
//! `changelog_current` (the changelog has a heading with the root
//! package's `version` or `Unreleased`; null without either), `runbook`, `incident_plan`,
//! `escalation`, `rollback_plan`, `backup_restore`, `changelog`, `security_policy`,
//! `privacy_policy`, `terms` (each the path of the document found, or null),
//! `hollow_procedures` (`procedure`, `path`: named but empty), `user_facing`,
//! `recovery_objectives` (`rto`, `rpo`: each `path`, `line` and `value`,
//! or null), `front_ends` (`dir`, `framework`, `metadata`: `path` and
//! `line`, or null; `robots`: the file or package, or null; `trackers`;
//! `consent`: the consent manager, or null; `support_contact`: where a
//! page shows a contact address, a chat widget, or a contact or support
//! page; `feedback`: a feedback widget or form; each null when none),
//! `support_document` (a `SUPPORT.md`, a contact or support page or view
//! such as `views/contact.pug`, or a Support or Contact section with an
//! address or a link; null when none).
//!
//! ## Settings
//! - `user_facing` (bool): whether legal pages are required; by default,
//!   when a front-end package (Next, React, Vue, Nuxt, Svelte, Angular) is present.
//!
//! ## Findings
//! - `readme-missing` (fail, medium), `readme-no-setup` (warn, low).
//! - `env-example-missing` (warn, medium).
//! - `api-docs-missing` (warn, low).
//! - `runbook-missing`, `incident-plan-missing`, `escalation-missing`,
//!   `rollback-plan-missing`, `backup-restore-missing` (warn, medium): not
//!   found, or found with nothing written under it (located there).
//! - `deployment-guide-missing` (warn, medium), likewise.
//! - `recovery-objectives-missing` (warn, medium): no RTO or no RPO with a
//!   duration.
//! - `support-contact-missing` (warn, low): nothing says how to reach
//!   support; `feedback-missing` (warn, low): no front-end collects
//!   feedback.
//! - `seo-missing` (warn, low): a web front-end without page metadata, or
//!   without a robots.txt or sitemap.
//! - `cookie-consent-missing` (warn, medium): a web front-end loads a
//!   tracker without a consent manager.
//! - `changelog-missing`, `security-policy-missing` (warn, low).
//! - `privacy-policy-missing`, `terms-missing` (fail, medium): user-facing only.

mod api_reference;
pub mod findings;
mod front_end;
mod objectives;
mod procedures;
use gonogo_analysis::{contains_ignore_case, ends_with_ignore_case, node};
use gonogo_check::workspace;
use gonogo_check::{Check, Finding, Info, Report, Severity, json};
use serde::Deserialize;

/// The check's settings (`with:`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Whether legal pages are required (default: a front-end is present).
    #[serde(default)]
    user_facing: Option<bool>,
}

struct Docs;

/// A document, with its path and headings (lower case).
struct Document {
    path: String,
    name: String,
    headings: Vec<String>,
}

fn documents() -> Vec<Document> {
    workspace::files()
        .iter()
        .filter(|f| {
            !f.path
                .split('/')
                .any(|p| p == "node_modules" || p == "vendor")
        })
        .filter(|f| {
            [".md", ".mdx", ".markdown", ".adoc", ".txt", ".rst"]
                .iter()
                .any(|e| ends_with_ignore_case(f.path, e))
        })
        .map(|f| {
            let headings = workspace::read_text(f.path)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.starts_with('#') || l.starts_with("=="))
                .map(|l| l.trim_start_matches(['#', '=']).trim().to_ascii_lowercase())
                .collect();
            Document {
                name: f
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                path: f.path.to_owned(),
                headings,
            }
        })
        .collect()
}

/// The first document whose name or a heading contains one of `words`.
fn find<'a>(documents: &'a [Document], words: &[&str]) -> Option<&'a str> {
    let matches = |text: &str| words.iter().any(|w| text.contains(w));
    documents
        .iter()
        .find(|d| matches(&d.name))
        .or_else(|| {
            documents
                .iter()
                .find(|d| d.headings.iter().any(|h| matches(h)))
        })
        .map(|d| d.path.as_str())
}

/// Whether the document at `path` says how to set the project up: a code
/// block under a setup heading, or a code block with a command that
/// installs, configures or starts it (`npm install`, `docker compose up`,
/// `cp .env.example .env`…), wherever the section is.
fn has_setup(path: &str) -> bool {
    setup_in(&workspace::read_text(path).unwrap_or_default())
}

/// [`has_setup`] over a document's text.
fn setup_in(text: &str) -> bool {
    let mut in_setup = false;
    let mut in_code = false;
    for line in text.lines() {
        let lower = line.to_ascii_lowercase();
        let trimmed = lower.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if !in_code && in_setup {
                return true;
            }
            in_code = !in_code;
        } else if in_code {
            if is_setup_command(trimmed) {
                return true;
            }
        } else if (line.starts_with("    ") || line.starts_with('\t')) && is_setup_command(trimmed)
        {
            // An indented code block.
            return true;
        } else if in_setup
            && lower
                .split('`')
                .skip(1)
                .step_by(2)
                .any(|span| is_setup_command(span.trim()))
        {
            // `npm i` written inline, in a setup section.
            return true;
        } else if lower.starts_with('#') {
            in_setup = [
                "install",
                "setup",
                "set up",
                "getting started",
                "quick start",
                "quickstart",
                "development",
                "running",
                "local",
                "self-host",
                "self host",
                "deploy",
            ]
            .iter()
            .any(|w| lower.contains(w));
        }
    }
    false
}

/// A shell line that installs, configures or starts a project.
fn is_setup_command(line: &str) -> bool {
    let command = line.trim_start_matches(['$', '>', ' ']);
    const STARTS: &[&str] = &[
        "npm install",
        "npm i ",
        "npm ci",
        "npm run ",
        "npm start",
        "npx ",
        "yarn",
        "pnpm ",
        "bun install",
        "bun run ",
        "docker compose ",
        "docker-compose ",
        "docker run ",
        "docker build ",
        "git clone ",
        "cp .env",
        "make ",
        "node ",
    ];
    STARTS.iter().any(|start| command.starts_with(start)) || command == "npm i" || command == "make"
}

/// Setup guides kept beside the README (`SETUP.md`, `INSTALL.md`,
/// `docs/getting-started.md`…), by name.
fn is_setup_document(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = name.split('.').next().unwrap_or(name);
    let folder = lower.rsplit_once('/').map_or("", |(folder, _)| folder);
    let words: Vec<&str> = stem.split(['-', '_', ' ']).collect();
    let has = |word: &str| words.iter().any(|w| w.starts_with(word));
    matches!(folder, "" | "docs" | "doc")
        && (has("setup")
            || has("install")
            || has("deploy")
            || has("contributing")
            || has("development")
            || has("self")
            || has("quickstart")
            || has("gettingstarted")
            || (has("getting") && has("started"))
            || (has("quick") && has("start"))
            || has("running"))
}

impl Check for Docs {
    type Config = Config;
    const INFO: Info = Info {
        id: "docs",
        name: "Documentation",
        version: env!("CARGO_PKG_VERSION"),
        description: "README with setup, env template, API docs, runbook, incident, rollback and \
                      backup procedures, changelog, security policy, and legal pages when user-facing.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        let documents = documents();
        let root_docs: Vec<&Document> =
            documents.iter().filter(|d| !d.path.contains('/')).collect();
        let readme = root_docs
            .iter()
            .find(|d| d.name.starts_with("readme"))
            .map(|d| d.path.clone());
        let setup_guide = documents
            .iter()
            .filter(|d| is_setup_document(&d.path))
            .map(|d| d.path.as_str())
            .find(|path| has_setup(path));
        let setup = readme.as_deref().is_some_and(has_setup) || setup_guide.is_some();
        match &readme {
            None => report.push(
                Finding::fail(findings::README_MISSING, Severity::Medium, "no README at the project root")
                    .fix("add README.md with what the service does and how to run it"),
            ),
            Some(path) if !setup => report.push(
                Finding::warn(findings::README_NO_SETUP, Severity::Low, "no setup instructions with commands (in the README or a setup guide)")
                    .at(path, None)
                    .fix("add a `## Getting started` section with the commands to install, configure and run"),
            ),
            _ => {}
        }
        report.fact("readme", readme);
        report.fact("readme_setup", setup);
        report.fact("setup_guide", setup_guide);

        let env_example = workspace::files().iter().map(|f| f.path).find(|p| {
            // `.env.example`, `env-example-relational`, `example.env`…
            let name = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
            let parts: Vec<&str> = name.split(['.', '-', '_']).collect();
            !p.split('/').any(|d| d == "node_modules")
                && parts.contains(&"env")
                && parts
                    .iter()
                    .any(|part| matches!(*part, "example" | "sample" | "template" | "dist"))
        });
        if env_example.is_none() {
            report.push(
                Finding::warn(
                    findings::ENV_EXAMPLE_MISSING,
                    Severity::Medium,
                    "no .env.example documents the variables",
                )
                .fix("add .env.example listing every variable with a placeholder value"),
            );
        }
        report.fact("env_example", env_example);

        let packages = node::packages()?;
        let generators = [
            "@nestjs/swagger",
            "swagger-ui-express",
            "@fastify/swagger",
            "express-openapi-validator",
            "tsoa",
            "swagger-jsdoc",
            "hono-openapi",
            "@hono/zod-openapi",
        ];
        let spec_file = workspace::files().iter().find(|f| {
            let name = f.path.rsplit('/').next().unwrap_or_default();
            let starts = |prefix: &str| {
                name.get(..prefix.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
            };
            (starts("openapi") || starts("swagger"))
                && [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|e| ends_with_ignore_case(name, e))
                && !f.path.contains("node_modules")
        });
        let generated = packages
            .iter()
            .any(|p| generators.iter().any(|g| p.depends_on(g)));
        let reference = markdown_api_reference();
        let api_docs = if spec_file.is_some() {
            Some("file")
        } else if generated {
            Some("generated")
        } else if reference.is_some() {
            Some("markdown")
        } else {
            None
        };
        report.fact("api_reference", reference.clone());
        if api_docs.is_none() {
            report.push(
                Finding::warn(
                    findings::API_DOCS_MISSING,
                    Severity::Low,
                    "no OpenAPI/Swagger document or generator, and no Markdown API reference",
                )
                .fix("generate OpenAPI (e.g. @nestjs/swagger) or commit openapi.yaml"),
            );
        }
        report.fact("api_docs", api_docs);
        report.fact(
            "api_generator",
            api_reference::COMPLETE_GENERATORS
                .iter()
                .find(|g| packages.iter().any(|p| p.depends_on(g)))
                .copied(),
        );
        report.fact(
            "documented_endpoints",
            api_reference::documented(
                spec_file.map(|f| f.path),
                reference.as_deref(),
                packages.iter().any(|p| p.depends_on("swagger-jsdoc")),
            ),
        );

        let procedures: [(&str, &str, &[&str], &str); 8] = [
            (
                "runbook",
                findings::RUNBOOK_MISSING,
                &["runbook", "playbook", "operations"],
                "runbook",
            ),
            (
                "incident_plan",
                findings::INCIDENT_PLAN_MISSING,
                &["incident"],
                "incident response plan",
            ),
            (
                "escalation",
                findings::ESCALATION_MISSING,
                &["escalation", "escalate"],
                "escalation procedure",
            ),
            (
                "rollback_plan",
                findings::ROLLBACK_PLAN_MISSING,
                &["rollback", "roll back", "rolling back"],
                "rollback plan",
            ),
            (
                "backup_restore",
                findings::BACKUP_RESTORE_MISSING,
                &["backup", "restore", "disaster recovery"],
                "backup and restore procedure",
            ),
            (
                "deployment_guide",
                findings::DEPLOYMENT_GUIDE_MISSING,
                &["deployment", "deploying", "deploy.md", "how to deploy"],
                "deployment guide",
            ),
            (
                "changelog",
                findings::CHANGELOG_MISSING,
                &["changelog", "release notes", "history.md"],
                "changelog",
            ),
            (
                "security_policy",
                findings::SECURITY_POLICY_MISSING,
                &["security.md", "security policy"],
                "security policy",
            ),
        ];
        let mut hollow = Vec::new();
        for (fact, id, words, what) in procedures {
            // Presence is enough for a changelog (`changelog_current` reads
            // it) and a security policy; a procedure must say what to do.
            let (found, empty) = if matches!(fact, "changelog" | "security_policy") {
                (find(&documents, words), None)
            } else {
                match procedures::find(&documents, words) {
                    procedures::Found::Written(path) => (Some(path), None),
                    procedures::Found::Hollow(path) => (None, Some(path)),
                    procedures::Found::Missing => (None, None),
                }
            };
            if found.is_none() {
                let severity = if matches!(fact, "changelog" | "security_policy") {
                    Severity::Low
                } else {
                    Severity::Medium
                };
                let (message, at) = match empty {
                    Some(path) => {
                        hollow.push(json!({"procedure": fact, "path": path}));
                        (
                            format!(
                                "the {what} in {path} says nothing yet (no steps, commands or instructions; a placeholder at most)"
                            ),
                            Some(path),
                        )
                    }
                    None => (format!("no {what} found (by file name or heading)"), None),
                };
                let mut finding = Finding::warn(id, severity, message).fix(format!(
                    "write the {what}: a file or a `## {what}` heading with its steps, e.g. in docs/runbook.md"
                ));
                if let Some(path) = at {
                    finding = finding.at(path, None);
                }
                report.push(finding);
            }
            if fact == "changelog" {
                report.fact("changelog_current", changelog_current(found, &packages));
            }
            report.fact(fact, found);
        }
        report.fact("hollow_procedures", hollow);
        let objectives = objectives::recovery_objectives(documents.iter().map(|d| d.path.as_str()));
        let unstated: Vec<&str> = [("RTO", "rto"), ("RPO", "rpo")]
            .iter()
            .filter(|(_, key)| objectives[key].is_null())
            .map(|(name, _)| *name)
            .collect();
        if !unstated.is_empty() {
            report.push(
                Finding::warn(
                    findings::RECOVERY_OBJECTIVES_MISSING,
                    Severity::Medium,
                    format!(
                        "no document states the {} with a duration",
                        unstated.join(" or the ")
                    ),
                )
                .fix("state them where the runbook is: `RTO: 4 hours`, `RPO: 15 minutes`"),
            );
        }
        report.fact("recovery_objectives", objectives);

        let frontends = [
            "next",
            "react",
            "vue",
            "nuxt",
            "svelte",
            "@sveltejs/kit",
            "@angular/core",
            "react-native",
            "expo",
        ];
        let user_facing = config.user_facing.unwrap_or_else(|| {
            packages
                .iter()
                .any(|p| frontends.iter().any(|f| p.depends_on(f)))
        });
        report.fact("user_facing", user_facing);
        let page = |words: &[&str]| {
            workspace::files()
                .iter()
                .filter(|f| !f.path.contains("node_modules"))
                .find(|f| {
                    words.iter().any(|w| {
                        f.path
                            .rsplit('/')
                            .take(2)
                            .any(|part| contains_ignore_case(part, w))
                    })
                })
                .map(|f| f.path.to_owned())
        };
        let privacy = page(&["privacy"]);
        let terms = page(&["terms", "tos.", "conditions"]);
        if user_facing {
            for (found, id, what) in [
                (&privacy, findings::PRIVACY_POLICY_MISSING, "privacy policy"),
                (&terms, findings::TERMS_MISSING, "terms of service"),
            ] {
                if found.is_none() {
                    report.push(
                        Finding::fail(
                            id,
                            Severity::Medium,
                            format!("the project is user-facing and has no {what}"),
                        )
                        .fix(format!("publish a {what} page and link it from sign-up")),
                    );
                }
            }
        }
        report.fact("privacy_policy", privacy);
        report.fact("terms", terms);
        let support = support_document(&documents);
        let front_ends = front_end::front_ends(&packages);
        judge_front_ends(&mut report, &front_ends);
        if support.is_none() && !front_ends.iter().any(|f| !f["support_contact"].is_null()) {
            report.push(
                Finding::warn(
                    findings::SUPPORT_CONTACT_MISSING,
                    Severity::Low,
                    "nothing says how to reach support: no SUPPORT.md, no Support or Contact section with an address or a link, no contact page",
                )
                .fix("add a `## Support` section with the address (or SUPPORT.md), and a contact page or link in the product"),
            );
        }
        if !front_ends.is_empty() && front_ends.iter().all(|f| f["feedback"].is_null()) {
            report.push(
                Finding::warn(
                    findings::FEEDBACK_MISSING,
                    Severity::Low,
                    "no front-end has a feedback widget or a feedback form",
                )
                .fix("add a feedback widget (Sentry feedback, Userback, Canny…) or a `Feedback` form"),
            );
        }
        report.fact("support_document", support);
        report.fact("front_ends", front_ends);
        Ok(report)
    }
}

/// A document or page that says how to reach support: a `SUPPORT.md`, a
/// contact or support page or view, or a Support or Contact section with
/// an address or a link in it.
fn support_document(documents: &[Document]) -> Option<String> {
    if let Some(document) = documents.iter().find(|d| d.name == "support.md") {
        return Some(document.path.clone());
    }
    if let Some(page) = front_end::support_page() {
        return Some(page);
    }
    documents
        .iter()
        .filter(|d| {
            d.headings
                .iter()
                .any(|h| h.contains("support") || h.contains("contact"))
        })
        .find(|d| {
            let text = workspace::read_text(&d.path).unwrap_or_default();
            procedures::sections(&text).iter().any(|(heading, body)| {
                (heading.contains("support") || heading.contains("contact"))
                    && (body.contains('@') || body.contains("http"))
            })
        })
        .map(|d| d.path.clone())
}

/// `seo-missing` for a web front-end without page metadata or a
/// robots.txt/sitemap, `cookie-consent-missing` for one that loads a
/// tracker without a consent manager.
fn judge_front_ends(report: &mut Report, front_ends: &[gonogo_check::Value]) {
    for front_end in front_ends {
        let dir = front_end["dir"].as_str().unwrap_or_default();
        let name = if dir.is_empty() {
            "the root package"
        } else {
            dir
        };
        let manifest = if dir.is_empty() {
            "package.json".to_owned()
        } else {
            format!("{dir}/package.json")
        };
        let mut lacks = Vec::new();
        if front_end["metadata"].is_null() {
            lacks.push("no page sets a title and description");
        }
        if front_end["robots"].is_null() {
            lacks.push("no robots.txt or sitemap");
        }
        if !lacks.is_empty() {
            report.push(
                Finding::warn(
                    findings::SEO_MISSING,
                    Severity::Low,
                    format!("the front-end in {name}: {}", lacks.join(", ")),
                )
                .at(&manifest, None)
                .fix("set each page's title and description (Next `export const metadata`, react-helmet, `useSeoMeta`) and serve a robots.txt and a sitemap"),
            );
        }
        let trackers: Vec<&str> = front_end["trackers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str())
            .collect();
        if !trackers.is_empty() && front_end["consent"].is_null() {
            report.push(
                Finding::warn(
                    findings::COOKIE_CONSENT_MISSING,
                    Severity::Medium,
                    format!(
                        "the front-end in {name} loads {} without asking consent",
                        trackers.join(", ")
                    ),
                )
                .at(&manifest, None)
                .fix("load trackers only after consent, through a consent manager (vanilla-cookieconsent, Cookiebot, OneTrust) or a banner of your own"),
            );
        }
    }
}

/// Endpoints a Markdown API reference must list to count as one.
const MIN_DOCUMENTED_ENDPOINTS: usize = 3;

/// Whether the changelog at `path` covers the root package's version (or
/// keeps an `Unreleased` section): null without a changelog or a version.
fn changelog_current(path: Option<&str>, packages: &[node::Package]) -> Option<bool> {
    let text = workspace::read_text(path?)?;
    let root = packages.iter().find(|p| p.dir.is_empty())?;
    let version = root.manifest["version"].as_str()?;
    Some(mentions_release(&text, version))
}

/// Whether a changelog's text names `version` or an `Unreleased` section
/// in a heading.
fn mentions_release(text: &str, version: &str) -> bool {
    text.lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .any(|heading| heading.contains(version) || contains_ignore_case(heading, "unreleased"))
}

/// Whether a file name is that of a Markdown API reference (`API.md`,
/// `API_ENDPOINTS.md`, `api-reference.md`).
fn is_api_reference_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    ends_with_ignore_case(name, ".md")
        && name
            .to_ascii_lowercase()
            .split(['.', '-', '_'])
            .any(|part| part == "api" || part == "endpoints")
}

/// Whether a text lists at least [`MIN_DOCUMENTED_ENDPOINTS`] endpoints as
/// a method and a path (`GET /api/v1/orders`, `| POST | /auth/login |`).
fn lists_endpoints(text: &str) -> bool {
    text.lines()
        .filter(|line| {
            let words: Vec<&str> = line
                .split(|c: char| c.is_whitespace() || c == '`' || c == '|' || c == '*')
                .filter(|w| !w.is_empty())
                .collect();
            words.windows(2).any(|w| {
                matches!(w[0], "GET" | "POST" | "PUT" | "PATCH" | "DELETE") && w[1].starts_with('/')
            })
        })
        .count()
        >= MIN_DOCUMENTED_ENDPOINTS
}

/// A Markdown API reference of the project: named for the API, and
/// listing endpoints.
fn markdown_api_reference() -> Option<String> {
    workspace::files()
        .iter()
        .filter(|f| !f.path.contains("node_modules") && is_api_reference_name(f.path))
        .find(|f| workspace::read_text(f.path).is_some_and(|text| lists_endpoints(&text)))
        .map(|f| f.path.to_owned())
}

gonogo_check::export_check!(Docs);

#[cfg(test)]
mod tests;
