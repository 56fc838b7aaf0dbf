//! Operational procedures (runbook, incident plan, escalation, rollback,
//! backup and restore, deployment guide), found by file name or heading and
//! judged by what is written there: a section or file that holds only a
//! placeholder (`TODO`, `TBD`, a heading with nothing under it) is no
//! procedure.

use gonogo_check::workspace;

/// What was found for one procedure.
#[derive(Debug, PartialEq, Eq)]
pub enum Found<'a> {
    /// A document or section with instructions in it.
    Written(&'a str),
    /// Only documents or sections that say nothing yet (the first one).
    Hollow(&'a str),
    /// No document or heading names it.
    Missing,
}

/// The first of `documents` (paths, with their lowercase file names and
/// headings) whose file name, else whose heading, contains one of `words`,
/// and that says something: its whole text for a file named for the
/// procedure, the section under the heading otherwise.
pub fn find<'a>(documents: &'a [super::Document], words: &[&str]) -> Found<'a> {
    let names = |text: &str| words.iter().any(|w| text.contains(w));
    let mut hollow = None;
    for document in documents.iter().filter(|d| names(&d.name)) {
        let text = workspace::read_text(&document.path).unwrap_or_default();
        if says_something(&text) {
            return Found::Written(&document.path);
        }
        hollow = hollow.or(Some(document.path.as_str()));
    }
    for document in documents
        .iter()
        .filter(|d| d.headings.iter().any(|h| names(h)))
    {
        let text = workspace::read_text(&document.path).unwrap_or_default();
        if sections(&text)
            .iter()
            .any(|(heading, body)| names(heading) && says_something(body))
        {
            return Found::Written(&document.path);
        }
        hollow = hollow.or(Some(document.path.as_str()));
    }
    hollow.map_or(Found::Missing, Found::Hollow)
}

/// Each Markdown section of `text`: its heading (lowercase) and the lines
/// under it up to the next heading of the same level or above; the
/// sections nested inside count as part of it.
pub fn sections(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let level = |line: &str| {
        let hashes = line.len() - line.trim_start_matches('#').len();
        (hashes > 0 && line[hashes..].starts_with(' ')).then_some(hashes)
    };
    let mut found = Vec::new();
    let mut in_code = false;
    let mut headings = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && let Some(depth) = level(line) {
            headings.push((index, depth));
        }
    }
    for (position, &(start, depth)) in headings.iter().enumerate() {
        let end = headings[position + 1..]
            .iter()
            .find(|(_, d)| *d <= depth)
            .map_or(lines.len(), |(i, _)| *i);
        let heading = lines[start]
            .trim_start_matches('#')
            .trim()
            .to_ascii_lowercase();
        found.push((heading, lines[start + 1..end].join("\n")));
    }
    found
}

/// Whether `body` holds instructions rather than a placeholder: two steps
/// or more (list items, numbered steps, lines of a code block), a command
/// in backticks with a few words around it, or a paragraph of twelve
/// words or more; never a body that is only `TODO`, `TBD` or the like.
pub fn says_something(body: &str) -> bool {
    let mut in_code = false;
    let (mut steps, mut words, mut inline_code) = (0, 0, 0);
    for line in body.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if in_code {
            steps += 1;
            continue;
        }
        let numbered = trimmed
            .split_once(['.', ')'])
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if trimmed.starts_with(['-', '*', '+']) || numbered {
            steps += 1;
        }
        inline_code += trimmed.matches('`').count() / 2;
        words += trimmed
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
    }
    let lower = body.to_ascii_lowercase();
    let placeholder = [
        "todo",
        "tbd",
        "to be written",
        "coming soon",
        "lorem ipsum",
        "fill in",
    ]
    .iter()
    .any(|p| lower.contains(p));
    if placeholder && words < 12 && steps < 2 {
        return false;
    }
    steps >= 2 || words >= 12 || (inline_code >= 1 && words >= 5)
}
