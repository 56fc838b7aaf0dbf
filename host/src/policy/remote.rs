//! Baseline packs by URL (`extends: { pack: https://…, sha256: … }`) or OCI
//! reference (`oci://registry/repository:tag`, see [`super::oci`]): fetched
//! once, verified against their pin, and kept in a content-addressed cache
//! (`<cache>/packs/<sha256>.yaml`) that later runs read without the network.
//! An unpinned remote pack is refused unless `allow_unpinned: true`; then it
//! is fetched on every load and never cached.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a fetch may take, redirects included.
const FETCH_TIMEOUT: Duration = Duration::from_secs(20);
/// The largest pack accepted.
const MAX_PACK_BYTES: usize = 4 << 20;
/// Redirects followed.
const MAX_REDIRECTS: usize = 5;

/// Whether a reference names a remote pack (a URL or an OCI reference).
pub fn is_remote(reference: &str) -> bool {
    ["https://", "http://", "oci://"]
        .iter()
        .any(|scheme| reference.starts_with(scheme))
}

/// Whether a remote reference carries credentials (`https://user:token@…`,
/// `oci://user:token@registry/…`), which would end up in reports.
pub fn has_credentials(reference: &str) -> bool {
    let rest = reference
        .split_once("://")
        .map_or(reference, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority.contains('@')
}

/// Where fetched packs are kept in the cache folder `dir`.
pub fn cache_dir_in(dir: &Path) -> PathBuf {
    dir.join("packs")
}

/// Where fetched packs are kept by default: `$GONOGO_CACHE_DIR/packs`,
/// else the compile cache's folder (`~/.cache/gonogo`) + `packs`.
pub fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("GONOGO_CACHE_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(crate::cachedir::default_dir)
        .map(|dir| cache_dir_in(&dir))
}

/// A remote pack that was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// Its URL.
    pub url: String,
    /// Its sha256, hex.
    pub sha256: String,
    /// Where it came from.
    pub origin: Origin,
    /// Whether it was pinned (and so is cached).
    pub pinned: bool,
}

/// Where a remote pack's bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The offline cache.
    Cache,
    /// The network (and now cached, when pinned).
    Fetched,
}

/// The pack at `url`: from the cache when `pinned` (hex sha256) is there,
/// else fetched and, when pinned, verified and cached. The error is one
/// sentence for a diagnostic.
pub fn load(
    url: &str,
    pinned: Option<&str>,
    cache: Option<&Path>,
) -> Result<(Vec<u8>, Loaded), String> {
    let (bytes, origin) = load_unlogged(url, pinned, cache)?;
    let loaded = Loaded {
        url: url.to_owned(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        origin,
        pinned: pinned.is_some(),
    };
    Ok((bytes, loaded))
}

fn load_unlogged(
    url: &str,
    pinned: Option<&str>,
    cache: Option<&Path>,
) -> Result<(Vec<u8>, Origin), String> {
    let cached = pinned.and_then(|digest| Some(cache?.join(format!("{digest}.yaml"))));
    if let Some(path) = &cached
        && let Ok(bytes) = std::fs::read(path)
        && pinned == Some(hex::encode(Sha256::digest(&bytes)).as_str())
    {
        return Ok((bytes, Origin::Cache));
    }
    let bytes = fetch(url)?;
    if let Some(expected) = pinned {
        let actual = hex::encode(Sha256::digest(&bytes));
        if actual != expected {
            return Err(format!(
                "sha256 mismatch: pinned `{expected}`, the pack at this URL is `{actual}`"
            ));
        }
        if let Some(path) = &cached {
            crate::cachedir::store(path, &bytes);
        }
    }
    Ok((bytes, Origin::Fetched))
}

/// The pack's bytes from an `https://`/`http://` URL or an `oci://`
/// reference; certificates are verified against the system's roots.
fn fetch(reference: &str) -> Result<Vec<u8>, String> {
    let executor = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the fetch: {e}"))?;
    let trust = crate::probe::tls::Trust::new(&[]);
    executor.block_on(async {
        tokio::time::timeout(FETCH_TIMEOUT, async {
            match reference.strip_prefix("oci://") {
                Some(oci) => super::oci::pull(&trust, oci).await,
                None => {
                    let url = url::Url::parse(reference).map_err(|e| format!("not a URL: {e}"))?;
                    let answer = get_following(&trust, url, &[]).await?;
                    ok_body(answer)
                }
            }
        })
        .await
        .map_err(|_| format!("no answer within {} s", FETCH_TIMEOUT.as_secs()))?
    })
}

/// GETs `url` with `headers`, following up to [`MAX_REDIRECTS`] redirects.
pub(super) async fn get_following(
    trust: &crate::probe::tls::Trust,
    mut url: url::Url,
    headers: &[(String, String)],
) -> Result<crate::probe::exchange::HttpAnswer, String> {
    for _ in 0..=MAX_REDIRECTS {
        let answer = crate::probe::net::get(trust, &url, headers, MAX_PACK_BYTES)
            .await
            .map_err(|failure| format!("cannot fetch it: {failure}"))?;
        if !(300..400).contains(&answer.status) {
            return Ok(answer);
        }
        let location = answer
            .headers
            .iter()
            .find(|(name, _)| name == "location")
            .map(|(_, value)| value.clone())
            .ok_or_else(|| format!("HTTP {} without a Location", answer.status))?;
        url = url
            .join(&location)
            .map_err(|_| format!("bad redirect location `{location}`"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("redirect to `{url}`, which is not http(s)"));
        }
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// The body of a 200 answer that was not cut at the size cap.
pub(super) fn ok_body(answer: crate::probe::exchange::HttpAnswer) -> Result<Vec<u8>, String> {
    if answer.status != 200 {
        return Err(format!("the server answered HTTP {}", answer.status));
    }
    if answer.body_truncated {
        return Err(format!(
            "the pack is larger than {} MiB",
            MAX_PACK_BYTES >> 20
        ));
    }
    Ok(answer.body.0)
}
