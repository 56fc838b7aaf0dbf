//! The published legal pages: the privacy policy and the terms of service
//! on the public website (`site_url`), at their usual paths. A page counts
//! when it answers 200 with a document that names it; a site that answers
//! every path with the same page (a single-page app's fallback) cannot be
//! judged without running its script, and says so.

use crate::client::{get, header};
use gonogo_check::{Report, Value, json};

const PRIVACY: &[&str] = &[
    "/privacy",
    "/privacy-policy",
    "/legal/privacy",
    "/privacy.html",
];
const TERMS: &[&str] = &[
    "/terms",
    "/terms-of-service",
    "/terms-and-conditions",
    "/tos",
    "/legal/terms",
    "/terms.html",
];
/// Redirects followed on the site's own host.
const MAX_REDIRECTS: usize = 2;
/// A page shorter than this (bytes) holds no policy.
const MIN_PAGE_BYTES: usize = 200;

/// The site's answer at `path`: status and body, after at most two
/// redirects on the same host.
fn fetch(site: &url::Url, path: &str) -> Result<(u16, String, String), String> {
    let mut url = site
        .join(path.trim_start_matches('/'))
        .map_err(|e| e.to_string())?;
    for _ in 0..=MAX_REDIRECTS {
        let response = get(url.as_str(), &[("accept", "text/html")])?;
        if (300..400).contains(&response.status)
            && let Some(next) = header(&response, "location").and_then(|l| url.join(l).ok())
            && next.host_str() == site.host_str()
        {
            url = next;
            continue;
        }
        let body = String::from_utf8_lossy(&response.body).into_owned();
        return Ok((response.status, body, url.to_string()));
    }
    Err("too many redirects".into())
}

/// Finds the page of `kind` among `paths`: its URL, or what was tried.
fn find(
    site: &url::Url,
    paths: &[&str],
    words: &[&str],
    fallback: Option<&str>,
) -> (Value, Vec<String>, bool) {
    let mut tried = Vec::new();
    let mut shell = false;
    for path in paths {
        match fetch(site, path) {
            Ok((200, body, url)) => {
                let lower = body.to_ascii_lowercase();
                if fallback.is_some_and(|f| f == body) {
                    shell = true;
                    tried.push(format!("{path}: the same page as any path"));
                } else if body.len() >= MIN_PAGE_BYTES && words.iter().any(|w| lower.contains(w)) {
                    return (json!({"url": url}), tried, false);
                } else {
                    tried.push(format!("{path}: 200 without the policy"));
                }
            }
            Ok((status, _, _)) => tried.push(format!("{path}: {status}")),
            Err(why) => tried.push(format!("{path}: {why}")),
        }
    }
    (Value::Null, tried, shell)
}

/// Probes the legal pages of `site`, reporting `legal_pages` (`site_url`,
/// `privacy` and `terms`: each `url` or null, and `inconclusive` when the
/// site answers every path with one page) and a finding for each page not
/// found, naming the paths tried and their answers.
pub fn legal_pages(report: &mut Report, site: &url::Url) {
    let fallback = fetch(site, "/gonogo-probe-no-such-page")
        .ok()
        .filter(|(status, _, _)| *status == 200)
        .map(|(_, body, _)| body);
    let (privacy, privacy_tried, privacy_shell) =
        find(site, PRIVACY, &["privacy"], fallback.as_deref());
    let (terms, terms_tried, terms_shell) =
        find(site, TERMS, &["terms", "conditions"], fallback.as_deref());
    let inconclusive = (privacy.is_null() && privacy_shell) || (terms.is_null() && terms_shell);
    for (page, tried, what, id) in [
        (
            &privacy,
            &privacy_tried,
            "privacy policy",
            crate::findings::PRIVACY_POLICY_UNPUBLISHED,
        ),
        (
            &terms,
            &terms_tried,
            "terms of service",
            crate::findings::TERMS_UNPUBLISHED,
        ),
    ] {
        if !page.is_null() {
            continue;
        }
        let message = format!("no {what} is published at {site}: {}", tried.join(", "));
        report.push(if inconclusive {
            gonogo_check::Finding::new(
                id,
                gonogo_check::Status::Skip,
                gonogo_check::Severity::Info,
                format!("{message} (a single-page app: its pages exist only once its script runs)"),
            )
        } else {
            gonogo_check::Finding::fail(id, gonogo_check::Severity::Medium, message)
                .fix(format!("publish the {what} at a stable URL of the site (`/privacy`, `/terms`) and link it from sign-up"))
        });
    }
    report.fact(
        "legal_pages",
        json!({
            "site_url": site.as_str(),
            "privacy": privacy,
            "terms": terms,
            "inconclusive": inconclusive,
        }),
    );
}
