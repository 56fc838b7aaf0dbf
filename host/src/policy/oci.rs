//! Packs in an OCI registry: `oci://registry[:port]/repository:tag` (or
//! `@sha256:…`), as `oras push registry/repo:tag
//! gonogo.yaml:application/vnd.gonogo.pack.v1+yaml` publishes them. The
//! manifest is read through the distribution API, the pack's layer chosen
//! (by media type, title annotation, or as the only layer), and its blob
//! fetched and checked against the layer's digest. Anonymous registries and
//! the bearer-token flow of public ones (`WWW-Authenticate: Bearer realm=…`)
//! are supported; `localhost` and loopback registries are spoken to over
//! plain HTTP, every other one over HTTPS.

use super::remote::{get_following, ok_body};
use crate::probe::tls::Trust;
use sha2::{Digest, Sha256};

/// The media type of a pack layer.
pub const PACK_MEDIA_TYPE: &str = "application/vnd.gonogo.pack.v1+yaml";
const MANIFEST_TYPES: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// A parsed `oci://` reference (without the scheme).
#[derive(Debug, PartialEq, Eq)]
struct Reference {
    registry: String,
    repository: String,
    /// A tag or a `sha256:` digest.
    reference: String,
}

fn parse(text: &str) -> Result<Reference, String> {
    let (registry, rest) = text
        .split_once('/')
        .ok_or("expected `oci://registry/repository:tag`")?;
    let (repository, reference) = if let Some((repo, digest)) = rest.split_once('@') {
        (repo, digest)
    } else {
        match rest.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, tag),
            _ => (rest, "latest"),
        }
    };
    if registry.is_empty() || repository.is_empty() || reference.is_empty() {
        return Err("expected `oci://registry/repository:tag`".into());
    }
    Ok(Reference {
        registry: registry.to_owned(),
        repository: repository.to_owned(),
        reference: reference.to_owned(),
    })
}

fn scheme(registry: &str) -> &'static str {
    let host = registry.rsplit_once(':').map_or(registry, |(h, _)| h);
    if matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
        "http"
    } else {
        "https"
    }
}

/// Pulls the pack at `reference` (`registry/repository:tag`).
pub(super) async fn pull(trust: &Trust, reference: &str) -> Result<Vec<u8>, String> {
    let r = parse(reference)?;
    let base = format!(
        "{}://{}/v2/{}",
        scheme(&r.registry),
        r.registry,
        r.repository
    );
    let manifest_url = url(&format!("{base}/manifests/{}", r.reference))?;
    let accept = ("accept".to_owned(), MANIFEST_TYPES.to_owned());
    let mut auth: Option<(String, String)> = None;
    let mut answer =
        get_following(trust, manifest_url.clone(), std::slice::from_ref(&accept)).await?;
    if answer.status == 401 {
        let bearer = (
            "authorization".to_owned(),
            format!("Bearer {}", token(trust, &answer).await?),
        );
        answer = get_following(trust, manifest_url, &[accept.clone(), bearer.clone()]).await?;
        auth = Some(bearer);
    }
    let manifest: serde_json::Value = serde_json::from_slice(&ok_body(answer)?)
        .map_err(|e| format!("the registry's manifest is not JSON: {e}"))?;
    let layers = manifest["layers"].as_array().cloned().unwrap_or_default();
    let title = |layer: &serde_json::Value| {
        layer["annotations"]["org.opencontainers.image.title"]
            .as_str()
            .is_some_and(|t| t.ends_with(".yaml") || t.ends_with(".yml"))
    };
    let layer = layers
        .iter()
        .find(|l| l["mediaType"] == PACK_MEDIA_TYPE)
        .or_else(|| layers.iter().find(|l| title(l)))
        .or_else(|| (layers.len() == 1).then(|| &layers[0]))
        .ok_or_else(|| format!("the manifest has no layer of media type `{PACK_MEDIA_TYPE}`"))?;
    let digest = layer["digest"]
        .as_str()
        .and_then(|d| d.strip_prefix("sha256:"))
        .ok_or("the pack layer has no sha256 digest")?
        .to_ascii_lowercase();
    let blob_url = url(&format!("{base}/blobs/sha256:{digest}"))?;
    let headers: Vec<(String, String)> = auth.into_iter().collect();
    let blob = ok_body(get_following(trust, blob_url, &headers).await?)?;
    let actual = hex::encode(Sha256::digest(&blob));
    if actual != digest {
        return Err(format!(
            "the registry served a blob whose sha256 is `{actual}` for layer `sha256:{digest}`"
        ));
    }
    Ok(blob)
}

fn url(text: &str) -> Result<url::Url, String> {
    url::Url::parse(text).map_err(|e| format!("`{text}` is not a URL: {e}"))
}

/// An anonymous pull token from the realm a 401 names.
async fn token(
    trust: &Trust,
    unauthorized: &crate::probe::exchange::HttpAnswer,
) -> Result<String, String> {
    let challenge = unauthorized
        .headers
        .iter()
        .find(|(name, _)| name == "www-authenticate")
        .map(|(_, value)| value.as_str())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or("the registry wants credentials (HTTP 401 without a Bearer challenge); only anonymous pulls are supported")?;
    let mut realm = None;
    let mut query = Vec::new();
    for part in challenge.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        let value = value.trim_matches('"');
        match key {
            "realm" => realm = Some(value.to_owned()),
            "service" | "scope" => query.push((key.to_owned(), value.to_owned())),
            _ => {}
        }
    }
    let mut realm = url(&realm.ok_or("the Bearer challenge names no realm")?)?;
    realm.query_pairs_mut().extend_pairs(&query);
    let answer = get_following(trust, realm, &[]).await?;
    let body: serde_json::Value = serde_json::from_slice(&ok_body(answer)?)
        .map_err(|e| format!("the token endpoint answered no JSON: {e}"))?;
    body["token"]
        .as_str()
        .or_else(|| body["access_token"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| "the token endpoint gave no token".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_a_registry_a_repository_and_a_tag_or_digest() {
        let r = parse("ghcr.io/acme/policies/baseline:v3").expect("parses");
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.reference.as_str()
            ),
            ("ghcr.io", "acme/policies/baseline", "v3")
        );
        let r = parse("localhost:5000/baseline@sha256:abc").expect("parses");
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.reference.as_str()
            ),
            ("localhost:5000", "baseline", "sha256:abc")
        );
        assert_eq!(
            parse("registry.example/baseline")
                .expect("parses")
                .reference,
            "latest"
        );
        assert!(parse("no-repository").is_err());
        assert_eq!(scheme("localhost:5000"), "http");
        assert_eq!(scheme("127.0.0.1:5000"), "http");
        assert_eq!(scheme("ghcr.io"), "https");
    }
}
