//! Policy packs: YAML in, a validated [`Plan`] out, every problem reported
//! with file, line and column.
//!
//! A pack is a file (`gonogo.yaml`), a folder holding one, or a built-in
//! pack named `builtin:<name>`.

pub mod diagnostic;
pub mod exceptions;
pub mod oci;
mod raw;
pub mod remote;
mod validate;

pub use crate::plan::{
    CheckSource, CheckSpec, Enforcement, EnvGrant, Grants, Limits, Override, Plan, Rule,
};
pub use diagnostic::{Code, Diagnostic, PolicyError};

use std::path::{Path, PathBuf};

/// The file a pack folder holds, and the default pack of a project.
pub const PACK_FILE: &str = "gonogo.yaml";

/// Where the pack to load is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackRef {
    /// A file or a folder holding [`PACK_FILE`].
    Path(PathBuf),
    /// A pack embedded in the binary.
    Builtin(String),
}

impl PackRef {
    /// Parses what the user gave to `--policy`.
    pub fn parse(text: &str) -> Self {
        match text.strip_prefix("builtin:") {
            Some(name) => PackRef::Builtin(name.to_owned()),
            None => PackRef::Path(PathBuf::from(text)),
        }
    }

    /// The pack to use when `--policy` is absent: the project's own
    /// `gonogo.yaml`, else the built-in production-readiness pack.
    pub fn default_for(project: &Path) -> Self {
        let own = project.join(PACK_FILE);
        if own.is_file() {
            PackRef::Path(own)
        } else {
            PackRef::Builtin("production-readiness".to_owned())
        }
    }
}

/// How deep `extends:` chains may go.
const MAX_EXTENDS_DEPTH: usize = 8;
/// Most bytes of one pack file.
const MAX_PACK_BYTES: u64 = 4 << 20;

/// Loads and validates a pack; pinned remote packs it extends are kept in
/// the default cache folder ([`remote::cache_dir`]).
pub fn load(pack: &PackRef) -> Result<Plan, PolicyError> {
    load_with(
        pack,
        LoadOptions {
            pack_cache: remote::cache_dir(),
            parsed: None,
        },
    )
    .plan
}

/// How a pack is loaded: everything besides the pack that loading reads
/// or keeps is named here, so that nothing depends on call order.
pub struct LoadOptions<'a> {
    /// Where pinned remote packs are kept (`None`: fetched every time,
    /// kept nowhere), as `gonogo check --cache-dir` or `--no-cache` say.
    pub pack_cache: Option<PathBuf>,
    /// Where CEL expressions parsed by earlier runs are decoded from, and
    /// new ones recorded (`None`: every expression is parsed).
    pub parsed: Option<&'a crate::expr::parsed::ParsedStore>,
}

/// A pack loaded (or why not), and the remote packs its loading read.
pub struct Loaded {
    /// The plan, or every problem of the pack.
    pub plan: Result<Plan, PolicyError>,
    /// The remote packs read, in the order they were loaded (`gonogo pull`).
    pub remote: Vec<remote::Loaded>,
}

/// Loads and validates a pack as `options` say.
pub fn load_with(pack: &PackRef, options: LoadOptions<'_>) -> Loaded {
    let mut chain = Chain {
        packs: Vec::new(),
        pack_cache: options.pack_cache,
        parsed: options.parsed,
        remote: Vec::new(),
    };
    let plan = load_in_chain(pack, &mut chain);
    Loaded {
        plan,
        remote: chain.remote,
    }
}

/// The packs being loaded, each extended by the next (to refuse cycles),
/// where fetched packs are kept, where parsed expressions are, and the
/// remote packs read so far.
struct Chain<'a> {
    packs: Vec<String>,
    pack_cache: Option<PathBuf>,
    parsed: Option<&'a crate::expr::parsed::ParsedStore>,
    remote: Vec<remote::Loaded>,
}

/// Loads a pack that is extended by the packs in `chain`.
fn load_in_chain(pack: &PackRef, chain: &mut Chain<'_>) -> Result<Plan, PolicyError> {
    match pack {
        PackRef::Builtin(name) => {
            let Some(builtin) = crate::builtins::builtin_pack(name) else {
                let known: Vec<String> = crate::builtins::BUILTIN_PACKS
                    .iter()
                    .map(|p| format!("`builtin:{}`", p.name))
                    .collect();
                return Err(single(
                    &format!("builtin:{name}"),
                    "no built-in pack has this name".to_owned(),
                    Some(format!("built-in packs: {}", known.join(", "))),
                ));
            };
            parse_in_chain(builtin.yaml, &format!("builtin:{name}"), None, chain)
        }
        PackRef::Path(path) => {
            let file = if path.is_dir() {
                path.join(PACK_FILE)
            } else {
                path.clone()
            };
            let label = file.display().to_string();
            let text =
                crate::untrusted::read_named_text(&file, MAX_PACK_BYTES).map_err(|error| {
                    single(
                        &label,
                        format!("cannot read the policy pack: {error}"),
                        Some(
                            "name a pack file or a folder holding `gonogo.yaml` (`gonogo check --policy PACK`, `gonogo test PACK`)"
                                .to_owned(),
                        ),
                    )
                })?;
            let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
            parse_in_chain(&text, &label, Some(&base), chain)
        }
    }
}

/// Parses and validates pack text. `base` is the folder relative `use:`
/// paths start from (`None` for built-in packs, which may not use paths).
pub fn parse(text: &str, label: &str, base: Option<&Path>) -> Result<Plan, PolicyError> {
    parse_in_chain(
        text,
        label,
        base,
        &mut Chain {
            packs: Vec::new(),
            pack_cache: remote::cache_dir(),
            parsed: None,
            remote: Vec::new(),
        },
    )
}

fn parse_in_chain(
    text: &str,
    label: &str,
    base: Option<&Path>,
    chain: &mut Chain<'_>,
) -> Result<Plan, PolicyError> {
    let raw: raw::RawPack = serde_saphyr::from_str(text).map_err(|error| {
        let location = error.location();
        let message = error.without_snippet().to_string();
        PolicyError {
            diagnostics: vec![Diagnostic {
                code: diagnostic::Code::Yaml,
                file: label.to_owned(),
                line: location.map(|l| l.line()).unwrap_or(0),
                column: location.map(|l| l.column()).unwrap_or(0),
                message: strip_location_suffix(&message),
                help: None,
            }],
        }
    })?;
    let parent = match &raw.extends {
        Some(extends) => Some(extended(&extends.value, extends, label, base, chain)?),
        None => None,
    };
    let parent_digest = parent
        .as_ref()
        .map(|p| p.digest.clone())
        .unwrap_or_default();
    let mut plan = validate::validate(raw, label, base, parent, chain.parsed)?;
    plan.digest = pack_digest(text, &parent_digest, &plan.checks);
    Ok(plan)
}

/// The digest of a pack ([`Plan::digest`]): its text, the digest of the
/// pack it extends, and its checks' component digests, each
/// length-prefixed. Where the pack file is does not count.
fn pack_digest(text: &str, parent: &str, checks: &[crate::plan::CheckSpec]) -> String {
    use sha2::{Digest as _, Sha256};
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(text.as_bytes());
    field(parent.as_bytes());
    for check in checks {
        field(check.name.as_bytes());
        field(check.digest.as_bytes());
    }
    format!("sha256:{}", hex::encode(hash.finalize()))
}

/// Loads the pack `extends:` names, checking its pin, depth and cycles.
fn extended(
    extends: &raw::RawExtends,
    at: &serde_saphyr::Spanned<raw::RawExtends>,
    label: &str,
    base: Option<&Path>,
    chain: &mut Chain<'_>,
) -> Result<Plan, PolicyError> {
    let here = |code: diagnostic::Code, message: String, help: Option<String>| PolicyError {
        diagnostics: vec![Diagnostic {
            code,
            file: label.to_owned(),
            line: at.referenced.line(),
            column: at.referenced.column(),
            message,
            help,
        }],
    };
    let reference = extends.pack.value.trim();
    if remote::is_remote(reference) {
        return remote_extended(extends, reference, here, chain);
    }
    let pack = match PackRef::parse(reference) {
        PackRef::Path(path) => match base {
            Some(base) => PackRef::Path(base.join(path)),
            None => {
                return Err(here(
                    diagnostic::Code::Extends,
                    "a built-in pack can only extend built-in packs".into(),
                    None,
                ));
            }
        },
        builtin => builtin,
    };
    let (key, bytes): (String, Vec<u8>) = match &pack {
        PackRef::Builtin(name) => (
            format!("builtin:{name}"),
            crate::builtins::builtin_pack(name)
                .map(|p| p.yaml.as_bytes().to_vec())
                .unwrap_or_default(),
        ),
        PackRef::Path(path) => {
            let file = if path.is_dir() {
                path.join(PACK_FILE)
            } else {
                path.clone()
            };
            let key = file
                .canonicalize()
                .unwrap_or_else(|_| file.clone())
                .display()
                .to_string();
            let bytes = crate::untrusted::read_named(&file, MAX_PACK_BYTES).map_err(|error| {
                here(
                    diagnostic::Code::Extends,
                    format!(
                        "`extends: {reference}`: cannot read `{}`: {error}",
                        file.display()
                    ),
                    Some("paths are relative to the folder of this pack file".into()),
                )
            })?;
            (key, bytes)
        }
    };
    if let Some(pinned) = &extends.sha256 {
        use sha2::Digest;
        let actual = hex::encode(sha2::Sha256::digest(&bytes));
        let expected = pinned
            .value
            .trim()
            .trim_start_matches("sha256:")
            .to_ascii_lowercase();
        if actual != expected {
            return Err(here(
                diagnostic::Code::ExtendsDigest,
                format!(
                    "`extends: {reference}`: sha256 mismatch: pinned `{expected}`, the pack is `{actual}`"
                ),
                Some("if the new baseline is the one you mean, update `sha256:`".into()),
            ));
        }
    }
    if chain.packs.contains(&key) || chain.packs.len() >= MAX_EXTENDS_DEPTH {
        return Err(here(
            diagnostic::Code::Extends,
            format!(
                "`extends: {reference}` makes a cycle or a chain deeper than {MAX_EXTENDS_DEPTH} packs"
            ),
            None,
        ));
    }
    chain.packs.push(key);
    let plan = load_in_chain(&pack, chain);
    chain.packs.pop();
    plan
}

/// A baseline by URL: pinned (or explicitly unpinned), from the offline
/// cache or fetched, parsed without a folder (it may not use checks by path).
fn remote_extended(
    extends: &raw::RawExtends,
    url: &str,
    here: impl Fn(diagnostic::Code, String, Option<String>) -> PolicyError,
    chain: &mut Chain<'_>,
) -> Result<Plan, PolicyError> {
    let pinned = extends.sha256.as_ref().map(|p| {
        p.value
            .trim()
            .trim_start_matches("sha256:")
            .to_ascii_lowercase()
    });
    if remote::has_credentials(url) {
        // The reference is printed in reports, `gonogo pull` and errors.
        return Err(here(diagnostic::Code::Extends,
            "`extends:` names a remote pack with credentials in its reference; they would be printed in every report".into(),
            Some("serve the baseline where it can be read anonymously (its sha256 pin guarantees its content)".into()),
        ));
    }
    if let Some(pin) = &pinned
        && !(pin.len() == 64 && pin.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(here(
            diagnostic::Code::ExtendsDigest,
            format!("`extends: {url}`: `sha256: {pin}` is not a sha256 digest (64 hex digits)"),
            None,
        ));
    }
    if pinned.is_none() && !extends.allow_unpinned {
        return Err(here(diagnostic::Code::Extends,
            format!("`extends: {url}`: a remote pack must be pinned with `sha256:`"),
            Some("fetch it once (`gonogo pull` prints its digest), check it, and pin it; or set `allow_unpinned: true` to follow whatever the URL serves".into()),
        ));
    }
    let (bytes, loaded) = remote::load(url, pinned.as_deref(), chain.pack_cache.as_deref())
        .map_err(|reason| {
            here(
                diagnostic::Code::Extends,
                format!("`extends: {url}`: {reason}"),
                None,
            )
        })?;
    chain.remote.push(loaded);
    let text = String::from_utf8(bytes).map_err(|_| {
        here(
            diagnostic::Code::Extends,
            format!("`extends: {url}`: the pack is not UTF-8 text"),
            None,
        )
    })?;
    if chain.packs.iter().any(|key| key == url) || chain.packs.len() >= MAX_EXTENDS_DEPTH {
        return Err(here(
            diagnostic::Code::Extends,
            format!(
                "`extends: {url}` makes a cycle or a chain deeper than {MAX_EXTENDS_DEPTH} packs"
            ),
            None,
        ));
    }
    chain.packs.push(url.to_owned());
    let plan = parse_in_chain(&text, url, None, chain);
    chain.packs.pop();
    plan
}

fn single(file: &str, message: String, help: Option<String>) -> PolicyError {
    PolicyError::single(Diagnostic::in_file(
        diagnostic::Code::Unreadable,
        file,
        message,
        help,
    ))
}

/// serde-saphyr appends " at line L column C"; we print that up front.
pub(crate) fn strip_location_suffix(message: &str) -> String {
    let message = message.trim();
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod pack_error_tests;

#[cfg(test)]
mod digest_tests {
    use super::parse;

    const PACK: &str = "name: p\nchecks:\n  env: { use: builtin:env }\nrules:\n  - id: a\n    title: A\n    severity: low\n    check: env\n    expr: \"true\"\n";

    #[test]
    fn a_pack_s_digest_follows_what_decides_not_where_the_file_is() {
        let one = parse(PACK, "a/gonogo.yaml", None).expect("a pack").digest;
        assert!(one.starts_with("sha256:") && one.len() == 71, "{one}");
        assert_eq!(
            parse(PACK, "b/other.yaml", None).expect("a pack").digest,
            one
        );
        let changed = PACK.replace("expr: \"true\"", "expr: \"false\"");
        assert_ne!(
            parse(&changed, "a/gonogo.yaml", None)
                .expect("a pack")
                .digest,
            one
        );
    }
}
