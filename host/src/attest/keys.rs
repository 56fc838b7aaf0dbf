//! Ed25519 keys: `gonogo keygen` writes a private key (PKCS#8 PEM, mode
//! 0600) and its public key; packs trust public keys written as
//! `ed25519:<base64 of the 32 key bytes>`, identified by [`key_id`].

use base64::Engine as _;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The prefix of a public key in a pack.
pub const PREFIX: &str = "ed25519:";

/// The id of a public key: the first 16 hex digits of its sha256.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))[..16].to_owned()
}

/// `ed25519:<base64>`.
pub fn public_text(key: &VerifyingKey) -> String {
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key.as_bytes())
    )
}

/// Parses `ed25519:<base64>`.
pub fn parse_public(text: &str) -> Result<VerifyingKey, String> {
    let encoded = text.trim().strip_prefix(PREFIX).ok_or_else(|| {
        format!(
            "`{text}` is not a public key: expected `ed25519:<base64>` (as `gonogo keygen` prints)"
        )
    })?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| format!("`{text}` is not valid base64: {e}"))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| format!("`{text}` is not 32 bytes long"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| format!("`{text}` is not an Ed25519 key: {e}"))
}

/// A fresh signing key from the system's random source.
pub fn generate() -> Result<SigningKey, String> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| format!("no random source: {e}"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes `NAME.key` (private, 0600, never overwritten) and `NAME.pub`.
pub fn write_pair(key: &SigningKey, private: &Path, public: &Path) -> Result<(), String> {
    let pem = key
        .to_pkcs8_pem(Default::default())
        .map_err(|e| format!("cannot encode the key: {e}"))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(private).map_err(|e| {
        format!(
            "cannot create `{}`: {e} (an existing key is never overwritten)",
            private.display()
        )
    })?;
    std::io::Write::write_all(&mut file, pem.as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", private.display()))?;
    std::fs::write(public, format!("{}\n", public_text(&key.verifying_key())))
        .map_err(|e| format!("cannot write `{}`: {e}", public.display()))
}

/// Reads a private key written by `gonogo keygen`.
pub fn read_private(path: &Path) -> Result<SigningKey, String> {
    let text = crate::untrusted::read_named_text(path, 64 << 10)
        .map_err(|e| format!("cannot read the key `{}`: {e}", path.display()))?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        format!(
            "`{}` is not an Ed25519 private key in PKCS#8 PEM (`gonogo keygen` writes one): {e}",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_keys_round_trip_and_bad_ones_say_why() {
        let key = generate().unwrap().verifying_key();
        assert_eq!(parse_public(&public_text(&key)), Ok(key));
        assert_eq!(key_id(&key).len(), 16);
        for bad in ["abc", "ed25519:!!", "ed25519:AAAA"] {
            assert!(parse_public(bad).is_err(), "{bad}");
        }
    }
}
