//! Parsed CEL expressions kept between runs, in the cache folder.
//!
//! Parsing a pack's expressions (ANTLR) is most of the fixed cost of a
//! warm `gonogo check` on a small project. `gonogo check` opens the store
//! and hands it to the pack loader (`LoadOptions` of `policy`): an
//! expression whose exact source this build
//! of gonogo parsed before is decoded from the store instead of parsed, and
//! the static checks of [`super::compile`] run on it as on a fresh
//! parse, so diagnostics are the same. A source that does not parse is
//! never stored: its error always comes from the parser.
//!
//! One file per cache folder (`expressions.bin`), for every pack its runs
//! load, headed by this build's identity (an entry of another build is
//! never used); it is rewritten, atomically, only by a run that parsed
//! something new, and holds at most [`CAPACITY`] expressions. A damaged
//! file or entry is parsed again.

pub mod codec;

use cel::IdedExpr;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The store's file name in the cache folder.
pub const FILE: &str = "expressions.bin";
/// At most this many expressions are kept; past it a rewrite keeps only
/// those of the run that wrote it.
pub const CAPACITY: usize = 8192;
const MAGIC: &[u8] = b"gonogo parsed CEL 1\n";

/// The parsed expressions of one cache folder.
pub struct ParsedStore {
    /// `None` when this build cannot be told from others: nothing is kept.
    file: Option<PathBuf>,
    header: Vec<u8>,
    bytes: Vec<u8>,
    /// Source → where its encoded expression is in `bytes`.
    known: HashMap<String, Range<usize>>,
    session: Mutex<Session>,
}

#[derive(Default)]
struct Session {
    /// Every expression this run asked for, by source.
    used: BTreeMap<String, Arc<IdedExpr>>,
    /// How many had to be parsed.
    parsed: usize,
    /// How many came from the store.
    reused: usize,
}

impl ParsedStore {
    /// The store of `cache_dir`; an absent, unreadable or foreign file is an
    /// empty store.
    pub fn open(cache_dir: &Path) -> Self {
        let Some(build) = crate::cachedir::this_build() else {
            return Self::empty(None, Vec::new());
        };
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(format!("{} {build}\n", env!("CARGO_PKG_VERSION")).as_bytes());
        let file = cache_dir.join(FILE);
        let mut store = Self::empty(Some(file.clone()), header);
        if let Ok(bytes) = std::fs::read(&file)
            && let Some(known) = index(&bytes, &store.header)
        {
            store.known = known;
            store.bytes = bytes;
        }
        store
    }

    fn empty(file: Option<PathBuf>, header: Vec<u8>) -> Self {
        ParsedStore {
            file,
            header,
            bytes: Vec::new(),
            known: HashMap::new(),
            session: Mutex::new(Session::default()),
        }
    }

    /// `source` parsed with `env` (the packs' environment,
    /// [`super::environment`], whose macros the stored trees expand).
    pub fn parse(&self, env: &cel::Env, source: &str) -> Result<Arc<IdedExpr>, cel::ParseErrors> {
        let mut session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(expr) = session.used.get(source) {
            return Ok(Arc::clone(expr));
        }
        let stored = self.known.get(source).and_then(|range| {
            let mut decoder = codec::Decoder::new(&self.bytes[range.clone()]);
            decoder.expr().ok().filter(|_| decoder.is_empty())
        });
        let expr = match stored {
            Some(expr) => {
                session.reused += 1;
                Arc::new(expr)
            }
            None => {
                session.parsed += 1;
                Arc::new(env.parser().parse(source)?)
            }
        };
        session.used.insert(source.to_owned(), Arc::clone(&expr));
        Ok(expr)
    }

    /// How many expressions came from the store rather than the parser.
    pub fn reused(&self) -> usize {
        self.counts().1
    }

    /// How many expressions were parsed (a parse error included), and how
    /// many decoded from the store.
    pub fn counts(&self) -> (usize, usize) {
        let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        (session.parsed, session.reused)
    }

    /// Writes the store back when this run parsed something new; a store
    /// that cannot be written only costs time.
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        if session.parsed == 0 {
            return;
        }
        let mut entries: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
        for (source, expr) in &session.used {
            let mut encoded = Vec::new();
            codec::encode(expr, &mut encoded);
            // A tree deeper than the decoder takes is left to the parser.
            if codec::Decoder::new(&encoded).expr().is_ok() {
                entries.insert(source, encoded);
            }
        }
        if self.known.len() + entries.len() <= CAPACITY {
            for (source, range) in &self.known {
                entries
                    .entry(source)
                    .or_insert_with(|| self.bytes[range.clone()].to_vec());
            }
        }
        let mut out = self.header.clone();
        out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (source, encoded) in &entries {
            for part in [source.as_bytes(), encoded] {
                out.extend_from_slice(&(part.len() as u32).to_le_bytes());
                out.extend_from_slice(part);
            }
        }
        crate::cachedir::store(file, &out);
    }
}

/// Where each source's expression is in `bytes`; `None` for a file of
/// another build or a damaged one.
fn index(bytes: &[u8], header: &[u8]) -> Option<HashMap<String, Range<usize>>> {
    let body = bytes.strip_prefix(header)?;
    let mut decoder = codec::Decoder::new(body);
    let count = decoder.count().ok()?;
    let mut known = HashMap::with_capacity(count);
    for _ in 0..count {
        let source = decoder.text().ok()?;
        let length = decoder.count().ok()?;
        let start = bytes.len() - decoder.remaining();
        decoder.skip(length).ok()?;
        known.insert(source, start..start + length);
    }
    decoder.is_empty().then_some(known)
}

/// `source` parsed with `env`: from `store` when there is one, else by the parser.
pub fn parse(
    env: &cel::Env,
    source: &str,
    store: Option<&ParsedStore>,
) -> Result<Arc<IdedExpr>, cel::ParseErrors> {
    match store {
        Some(store) => store.parse(env, source),
        None => env.parser().parse(source).map(Arc::new),
    }
}

#[cfg(test)]
mod tests;
