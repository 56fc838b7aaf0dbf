//! Signed attestations for what only a person can vouch for (a restore
//! drill, an on-call rotation, a sign-off).
//!
//! An attestation is an in-toto Statement (v1) whose predicate names the
//! rule, the signer's role, a note, when it was signed and when it expires,
//! and whose subject is the repository's commit; it is wrapped in a DSSE
//! envelope signed with Ed25519 and stored in `.gonogo/attestations/`.
//! A pack trusts public keys per role (`trust.roles`), and a rule with
//! `attestation:` passes when enough distinct trusted signers of its roles
//! vouch for it, recently enough, for this repository's history.

pub mod keys;
pub mod store;
pub mod vouches;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The in-toto statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The predicate type of gonogo attestations.
pub const PREDICATE_TYPE: &str = "https://gonogo.dev/attestation/v1";
/// The DSSE payload type of an in-toto statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// Where attestations live, relative to the project.
pub const DIR: &str = ".gonogo/attestations";

/// A DSSE envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// [`PAYLOAD_TYPE`].
    pub payload_type: String,
    /// The statement, base64.
    pub payload: String,
    /// Signatures over the pre-authentication encoding.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One DSSE signature.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// The signer's key id ([`keys::key_id`]).
    pub keyid: String,
    /// The signature, base64.
    pub sig: String,
}

/// An in-toto statement (v1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What is attested: the repository at a commit (or an artifact digest).
    pub subject: Vec<Subject>,
    /// [`PREDICATE_TYPE`].
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// What the signer vouches for.
    pub predicate: Predicate,
}

/// Parses `sha256:<64 hex digits>` (the prefix optional) into lowercase hex.
pub fn parse_artifact(text: &str) -> Result<String, String> {
    let hex = text
        .trim()
        .trim_start_matches("sha256:")
        .to_ascii_lowercase();
    if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(hex)
    } else {
        Err(format!(
            "`{text}` is not an artifact digest: expected `sha256:` and 64 hex digits (`sha256sum FILE`, or the image digest)"
        ))
    }
}

/// A subject of a statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// A name for people (the project folder, an artifact).
    pub name: String,
    /// `gitCommit` or `sha256`, hex.
    pub digest: std::collections::BTreeMap<String, String>,
}

/// What a gonogo attestation says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predicate {
    /// The rule it satisfies.
    pub rule: String,
    /// The role the signer signs as.
    pub role: String,
    /// What was done, for people.
    #[serde(default)]
    pub note: String,
    /// The rule's title and the checklist items it lists, as the signer
    /// saw them (absent from statements of earlier versions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vouches_for: Vec<String>,
    /// When it was signed, RFC 3339.
    pub signed_at: String,
    /// When it stops counting, RFC 3339.
    pub expires_at: String,
}

/// The DSSE pre-authentication encoding that is signed.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Signs `statement` with `key` into an envelope.
pub fn sign(statement: &Statement, key: &ed25519_dalek::SigningKey) -> Envelope {
    use ed25519_dalek::Signer;
    let payload = serde_json::to_vec(statement).expect("a statement serializes");
    let signature = key.sign(&pae(PAYLOAD_TYPE, &payload));
    let b64 = base64::engine::general_purpose::STANDARD;
    Envelope {
        payload_type: PAYLOAD_TYPE.to_owned(),
        payload: b64.encode(&payload),
        signatures: vec![EnvelopeSignature {
            keyid: keys::key_id(&key.verifying_key()),
            sig: b64.encode(signature.to_bytes()),
        }],
    }
}

/// Parses `30d`, `12w`, `6m` (30-day months), `1y` (365 days) into days.
pub fn parse_days(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let number: i64 = number
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a duration such as 30d, 12w, 6m or 1y"))?;
    let factor = match unit {
        "d" => 1,
        "w" => 7,
        "m" => 30,
        "y" => 365,
        _ => {
            return Err(format!(
                "`{text}` is not a duration such as 30d, 12w, 6m or 1y"
            ));
        }
    };
    Ok(number * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_is_the_dsse_encoding() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn durations_read_days_weeks_months_years() {
        assert_eq!(parse_days("90d"), Ok(90));
        assert_eq!(parse_days("2w"), Ok(14));
        assert_eq!(parse_days("6m"), Ok(180));
        assert_eq!(parse_days("1y"), Ok(365));
        assert!(
            parse_days("0d").is_err() && parse_days("soon").is_err() && parse_days("").is_err()
        );
    }
}
