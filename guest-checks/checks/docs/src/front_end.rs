//! What a web front-end of the project shows search engines and asks of
//! its visitors: page metadata with a `robots.txt` or a sitemap (SEO), and
//! a cookie consent where it loads an analytics or advertising tracker, a
//! way to reach support, and a way to give feedback.
//! A front-end is a package that depends on a web framework (Next, React,
//! Vue, Nuxt, Svelte, Angular, Astro, Remix, Solid, Gatsby); mobile apps
//! (React Native, Expo) have no pages to index.

use gonogo_analysis::node::Package;
use gonogo_check::{Value, json, workspace};

/// Web frameworks whose packages are front-ends.
const WEB_FRAMEWORKS: &[&str] = &[
    "next",
    "nuxt",
    "@sveltejs/kit",
    "@angular/core",
    "astro",
    "@remix-run/react",
    "gatsby",
    "vue",
    "svelte",
    "solid-js",
    "react-dom",
];
/// Mobile frameworks: their packages are not web front-ends.
const MOBILE: &[&str] = &["react-native", "expo"];
/// Source files read per front-end, at most.
const MAX_FILES: usize = 4_000;
const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".js", ".jsx", ".mjs", ".vue", ".svelte", ".astro", ".html",
];

/// What sets a page's title and description, by framework.
const METADATA: &[&str] = &[
    "export const metadata",
    "export async function generateMetadata",
    "export function generateMetadata",
    "from 'next/head'",
    "from \"next/head\"",
    "next-seo",
    "react-helmet",
    "useSeoMeta(",
    "useHead(",
    "vue-meta",
    "<svelte:head>",
    "export const meta",
    "export function meta",
    "export const Head",
    "export function Head",
    "<meta name=\"description\"",
];
/// Packages that write a sitemap or robots.txt.
const SITEMAP_PACKAGES: &[&str] = &[
    "next-sitemap",
    "@nuxtjs/sitemap",
    "@nuxtjs/robots",
    "@astrojs/sitemap",
    "gatsby-plugin-sitemap",
    "svelte-sitemap",
    "sitemap",
];
/// Trackers that set cookies or read the device, as packages.
const TRACKER_PACKAGES: &[&str] = &[
    "react-ga",
    "react-ga4",
    "vue-gtag",
    "ngx-google-analytics",
    "@next/third-parties",
    "posthog-js",
    "mixpanel-browser",
    "@segment/analytics-next",
    "@amplitude/analytics-browser",
    "amplitude-js",
    "react-facebook-pixel",
    "@hotjar/browser",
    "react-hotjar",
    "@intercom/messenger-js-sdk",
];
/// Trackers loaded by a script.
const TRACKER_SCRIPTS: &[&str] = &[
    "googletagmanager.com",
    "google-analytics.com",
    "connect.facebook.net",
    "static.hotjar.com",
    "snap.licdn.com",
];
/// Consent managers, as packages.
const CONSENT_PACKAGES: &[&str] = &[
    "react-cookie-consent",
    "vanilla-cookieconsent",
    "cookieconsent",
    "klaro",
    "tarteaucitronjs",
    "@c15t/react",
    "@c15t/nextjs",
    "@usercentrics/cmp-browser-sdk",
    "react-cookie-banner",
    "@consent-manager/core",
];
/// Consent managers loaded by a script.
const CONSENT_SCRIPTS: &[&str] = &[
    "consent.cookiebot.com",
    "cdn.cookielaw.org",
    "app.termly.io",
    "cdn.iubenda.com",
    "app.usercentrics.eu",
    "cmp.osano.com",
];

/// What builds or serves a web front-end, in a `package.json` script.
const FRONT_END_COMMANDS: &[&str] = &[
    "next ",
    "vite",
    "nuxt",
    "astro ",
    "ng build",
    "ng serve",
    "react-scripts",
    "remix ",
    "react-router ",
    "gatsby ",
    "svelte-kit",
    "webpack serve",
    "webpack-dev-server",
    "parcel ",
    "rsbuild",
    "rspack",
    "nx run ",
    "nx serve",
    "nx build",
];

/// Whether the package builds or serves a web front-end (not a component
/// library or a Storybook): one of its scripts runs a front-end tool.
fn serves_pages(package: &Package) -> bool {
    package.manifest["scripts"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, command)| command.as_str())
        .any(|command| {
            let command = format!("{command} ");
            FRONT_END_COMMANDS.iter().any(|tool| command.contains(tool))
                && !command.contains("storybook")
        })
}

/// Whether `text` sets page metadata; Angular's `Meta` and `Title`
/// services count where the module imports them.
fn sets_metadata(text: &str) -> Option<usize> {
    let angular = text.contains("@angular/platform-browser");
    text.lines().position(|line| {
        METADATA.iter().any(|m| line.contains(m))
            || (angular
                && (line.contains(".updateTag(")
                    || line.contains(".addTag(")
                    || line.contains(".setTitle(")))
    })
}

/// Whether `path` is a robots.txt or sitemap: the files themselves, or
/// the routes that serve them in a Next app (`app/robots.ts`).
fn robots_or_sitemap(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name == "robots.txt"
        || name == "sitemap.xml"
        || ((name.starts_with("robots.") || name.starts_with("sitemap."))
            && lower.rsplit('/').nth(1) == Some("app"))
}

/// Support channels a page can show: a contact address or a chat widget.
const SUPPORT_MARKS: &[&str] = &[
    "mailto:",
    "widget.intercom.io",
    "@intercom/messenger-js-sdk",
    "client.crisp.chat",
    "embed.tawk.to",
    "static.zdassets.com",
    "js.hs-scripts.com",
    "wchat.freshchat.com",
    "@chatwoot",
];
/// Ways to collect feedback: a widget or a form of the product's own.
const FEEDBACK_MARKS: &[&str] = &[
    "feedbackIntegration(",
    "@userback/",
    "canny.io",
    "featurebase",
    "usersnap",
    "widget.hotjar.com",
    "tally.so",
    "@formbricks/",
];

/// Whether `path` is a page or component of the product's own for one of
/// `words` (`ContactForm.tsx`, `support-widget.vue`, `app/contact/page.tsx`;
/// not `contacts-api.ts`).
fn named_for(path: &str, words: &[&str]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let lower = stem.to_ascii_lowercase();
    let page_dir = path
        .rsplit('/')
        .nth(1)
        .unwrap_or_default()
        .to_ascii_lowercase();
    words.iter().any(|w| {
        // `get` rather than slicing: a name's bytes need not fall on
        // character boundaries where the word ends.
        let capitalised = stem
            .get(..w.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(w))
            && stem
                .get(w.len()..)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()));
        lower == *w
            || lower.starts_with(&format!("{w}-"))
            || lower.starts_with(&format!("{w}_"))
            || capitalised
            || (page_dir == *w
                && matches!(lower.as_str(), "page" | "index" | "+page")
                && ["app/", "pages/", "routes/", "views/"]
                    .iter()
                    .any(|root| path.starts_with(root) || path.contains(&format!("/{root}"))))
    })
}

/// Extensions of pages and server-rendered views.
const VIEW_EXTENSIONS: &[&str] = &[
    ".tsx",
    ".jsx",
    ".vue",
    ".svelte",
    ".astro",
    ".html",
    ".pug",
    ".ejs",
    ".hbs",
    ".handlebars",
    ".njk",
];

/// A page or view of the project named for contact or support
/// (`views/contact.pug`, `app/support/page.tsx`), outside tests and
/// dependencies: a server-rendered app shows support without a front-end
/// package.
pub fn support_page() -> Option<String> {
    workspace::files()
        .iter()
        .filter(|f| {
            !f.path
                .split('/')
                .any(|p| p == "node_modules" || p == "cypress")
                && !gonogo_analysis::is_test_path(f.path)
        })
        .filter(|f| {
            let lower = f.path.to_ascii_lowercase();
            VIEW_EXTENSIONS.iter().any(|e| lower.ends_with(e))
        })
        .find(|f| named_for(f.path, &["contact", "support"]))
        .map(|f| f.path.to_owned())
}

/// Whether a package declares `name` in its dependencies of either kind.
fn declares(package: &Package, name: &str) -> bool {
    package.depends_on(name) || package.dev_depends_on(name)
}

/// Whether `path` is a consent banner of the project's own
/// (`CookieConsent.tsx`, `cookie-banner.vue`).
fn own_consent_banner(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.contains("cookie") && (name.contains("consent") || name.contains("banner"))
}

/// The web front-ends among `packages`, each with `dir`, `framework`,
/// `metadata` (`path` and `line` of what sets page metadata, or null),
/// `robots` (the robots.txt, sitemap or sitemap package, or null),
/// `trackers` (those loaded), `consent` (the consent manager, or null),
/// `support_contact` (where a page shows a contact address, a chat widget
/// or a contact or support page, or null) and `feedback` (a feedback
/// widget or form, or null).
pub fn front_ends(packages: &[Package]) -> Vec<Value> {
    let mut found = Vec::new();
    for package in packages {
        let Some(framework) = WEB_FRAMEWORKS.iter().find(|f| declares(package, f)) else {
            continue;
        };
        if MOBILE.iter().any(|m| declares(package, m)) || !serves_pages(package) {
            continue;
        }
        let prefix = if package.dir.is_empty() {
            String::new()
        } else {
            format!("{}/", package.dir)
        };
        let mine = |path: &str| {
            path.starts_with(&prefix)
                && !path
                    .split('/')
                    .any(|p| p == "node_modules" || p == "dist" || p == ".next")
        };
        let mut metadata = Value::Null;
        let mut robots: Option<String> = SITEMAP_PACKAGES
            .iter()
            .find(|p| declares(package, p))
            .map(|p| (*p).to_owned());
        let mut trackers: Vec<String> = TRACKER_PACKAGES
            .iter()
            .filter(|p| declares(package, p))
            .map(|p| (*p).to_owned())
            .collect();
        let mut consent: Option<String> = CONSENT_PACKAGES
            .iter()
            .find(|p| declares(package, p))
            .map(|p| (*p).to_owned());
        let mut support: Option<String> = None;
        let mut feedback: Option<String> = None;
        let mut read = 0;
        for file in workspace::files().iter().filter(|f| mine(f.path)) {
            let lower = file.path.to_ascii_lowercase();
            if robots.is_none() && robots_or_sitemap(&file.path[prefix.len()..]) {
                robots = Some(file.path.to_owned());
            }
            if consent.is_none() && own_consent_banner(file.path) {
                consent = Some(file.path.to_owned());
            }
            let source = EXTENSIONS.iter().any(|e| lower.ends_with(e))
                && !gonogo_analysis::is_test_path(file.path)
                && !file.path.split('/').any(|p| p == "cypress");
            if source
                && support.is_none()
                && named_for(&file.path[prefix.len()..], &["contact", "support", "help"])
            {
                support = Some(file.path.to_owned());
            }
            if source && feedback.is_none() && named_for(&file.path[prefix.len()..], &["feedback"])
            {
                feedback = Some(file.path.to_owned());
            }
            if !EXTENSIONS.iter().any(|e| lower.ends_with(e)) || read >= MAX_FILES {
                continue;
            }
            read += 1;
            let Some(text) = workspace::read_text(file.path) else {
                continue;
            };
            if metadata.is_null()
                && let Some(line) = sets_metadata(&text)
            {
                metadata = json!({"path": file.path, "line": line + 1});
            }
            for script in TRACKER_SCRIPTS {
                if text.contains(script) && !trackers.iter().any(|t| t == script) {
                    trackers.push((*script).to_owned());
                }
            }
            if support.is_none() && SUPPORT_MARKS.iter().any(|m| text.contains(m)) {
                support = Some(file.path.to_owned());
            }
            if feedback.is_none() && FEEDBACK_MARKS.iter().any(|m| text.contains(m)) {
                feedback = Some(file.path.to_owned());
            }
            if consent.is_none() {
                consent = CONSENT_SCRIPTS
                    .iter()
                    .find(|s| text.contains(*s))
                    .map(|s| (*s).to_owned());
            }
        }
        found.push(json!({
            "dir": package.dir,
            "framework": framework,
            "metadata": metadata,
            "robots": robots,
            "trackers": trackers,
            "consent": consent,
            "support_contact": support,
            "feedback": feedback,
        }));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{own_consent_banner, robots_or_sitemap, sets_metadata};

    #[test]
    fn pages_of_the_products_own_are_told_by_their_names() {
        use super::named_for;
        assert!(named_for("src/pages/contact.tsx", &["contact", "support"]));
        assert!(named_for("app/support/page.tsx", &["contact", "support"]));
        assert!(named_for("src/components/FeedbackForm.vue", &["feedback"]));
        assert!(named_for("src/components/ContactForm.tsx", &["contact"]));
        assert!(!named_for(
            "src/lib/contacts-api.ts",
            &["contact", "support"]
        ));
        assert!(!named_for("src/supported-currencies.ts", &["support"]));
        assert!(named_for("views/contact.pug", &["contact"]));
        assert!(!named_for("cypress/support/index.d.ts", &["support"]));
        assert!(
            !named_for("src/contáctos.vue", &["contact"]),
            "no panic on a multi-byte name"
        );
    }

    #[test]
    fn metadata_and_robots_are_told_apart_from_look_alikes() {
        assert_eq!(
            sets_metadata(
                "import { Meta } from '@angular/platform-browser';\nthis.meta.updateTag({ name: 'description' });"
            ),
            Some(1)
        );
        assert_eq!(sets_metadata("tags.addTag(tag);"), None);
        assert!(robots_or_sitemap("public/robots.txt"));
        assert!(robots_or_sitemap("src/app/sitemap.ts"));
        assert!(!robots_or_sitemap(
            "src/endpoints/sitemap/sitemap.controller.ts"
        ));
    }

    #[test]
    fn a_consent_banner_of_its_own_is_told_by_its_name() {
        assert!(own_consent_banner(
            "apps/web/src/components/CookieConsent.tsx"
        ));
        assert!(own_consent_banner("src/cookie-banner.vue"));
        assert!(!own_consent_banner("src/lib/cookies.ts"));
    }
}
