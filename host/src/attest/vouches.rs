//! What an attestation vouches for: the rule it satisfies and the
//! checklist items that rule lists in `refs:`, each with its text when the
//! pack ships its checklists (`seeds/NNN.txt` beside the pack, or embedded
//! with a built-in pack). `gonogo attest` shows them before signing and
//! records them in the statement, so a signature says what it covers.

use std::path::Path;

/// One item a rule vouches for: its reference, and its text when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// As the rule's `refs:` gives it (`seeds/001:88`).
    pub reference: String,
    /// The checklist line, without its checkbox, when the checklist is known.
    pub text: Option<String>,
}

impl Item {
    /// `seeds/001:88 Server/container configured`, or the reference alone.
    pub fn line(&self) -> String {
        match &self.text {
            Some(text) => format!("{} {text}", self.reference),
            None => self.reference.clone(),
        }
    }
}

/// The items a rule with these `refs` vouches for; `pack_dir` is the
/// folder of the pack file, where `seeds/NNN.txt` may be.
pub fn items(refs: &[String], pack_dir: Option<&Path>) -> Vec<Item> {
    refs.iter()
        .map(|reference| Item {
            reference: reference.clone(),
            text: text_of(reference, pack_dir),
        })
        .collect()
}

/// Each of a rule's `refs` with its checklist text (`seeds/004:34 Redis
/// password set`), for a rule defined in the pack file `defined_in` (a
/// path, or `builtin:NAME`): what reports and `explain` show people.
pub fn described(refs: &[String], defined_in: &str) -> Vec<String> {
    let pack_dir = (!defined_in.starts_with("builtin:"))
        .then(|| Path::new(defined_in).parent())
        .flatten();
    items(refs, pack_dir).iter().map(Item::line).collect()
}

/// The checklist line `seeds/NNN:LINE` names.
fn text_of(reference: &str, pack_dir: Option<&Path>) -> Option<String> {
    let (file, line) = reference.strip_prefix("seeds/")?.split_once(':')?;
    let line: usize = line.parse().ok()?;
    if file.is_empty()
        || !file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let embedded = crate::builtins::BUILTIN_PACKS
        .iter()
        .flat_map(|pack| pack.seeds)
        .find(|(name, _)| *name == file)
        .map(|(_, text)| (*text).to_owned());
    let text = embedded.or_else(|| {
        let path = pack_dir?.join("seeds").join(format!("{file}.txt"));
        crate::untrusted::read_named_text(&path, 1 << 20).ok()
    })?;
    let raw = text.lines().nth(line.checked_sub(1)?)?;
    let item = raw
        .trim()
        .trim_start_matches(['-', '*'])
        .trim_start()
        .trim_start_matches("[ ]")
        .trim_start_matches("[x]")
        .trim();
    let item: String = item.chars().filter(|c| !c.is_control()).take(200).collect();
    (!item.is_empty()).then_some(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_references_read_the_embedded_checklists() {
        let text = text_of("seeds/001:88", None).expect("a line of the starter pack's seeds");
        assert!(!text.starts_with("- ["), "{text}");
        assert_eq!(text_of("seeds/../etc/passwd:1", None), None);
        assert_eq!(text_of("seeds/001:0", None), None);
        assert_eq!(text_of("https://example.com/item", None), None);
    }
}
