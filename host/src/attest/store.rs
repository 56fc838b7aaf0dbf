//! The attestations of a project, read and verified once per run, and the
//! judgement of a rule's `attestation:` requirement over them.

use super::{DIR, Envelope, PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, Statement, keys, pae};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Attestation files read at most, and their size cap.
const MAX_FILES: usize = 1_000;
const MAX_FILE_BYTES: u64 = 64 << 10;
/// How far ahead of this machine's clock a signer's clock may be.
const MAX_CLOCK_SKEW_MINUTES: i64 = 5;

/// The public keys a pack trusts, per role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    /// Role → trusted keys.
    pub roles: BTreeMap<String, Vec<VerifyingKey>>,
}

/// What a rule requires (its `attestation:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// Roles whose signatures count.
    pub roles: Vec<String>,
    /// Distinct signers needed.
    pub signers: usize,
    /// Oldest signature that still counts, in days.
    pub max_age_days: Option<i64>,
    /// Whether only the current commit counts (a newer commit invalidates).
    pub same_commit: bool,
}

/// A signature that verified.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    file: String,
    rule: String,
    role: String,
    key_id: String,
    signed_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    commit: Option<String>,
    /// The artifact digest (sha256 hex) it names, if it names one.
    artifact: Option<String>,
}

/// An attestation that stopped counting with time (expired, or older
/// than the rule allows), as the JSON report lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaleAttestation {
    /// Its file under `.gonogo/attestations/`.
    pub file: String,
    /// The role it was signed in.
    pub role: String,
    /// The day it was signed (`YYYY-MM-DD`).
    pub signed_at: String,
    /// `expired on …` or `older than N days`.
    pub reason: String,
}

/// The project's attestations, verified against the pack's trust.
pub struct Attestations {
    root: PathBuf,
    head: Option<String>,
    /// The artifact the run gates (sha256 hex), from `--artifact`.
    artifact: Option<String>,
    verified: Vec<Verified>,
    /// File → why it does not count, with the rule when it could be read.
    rejected: Vec<(Option<String>, String, String)>,
    ancestry: Mutex<HashMap<String, bool>>,
    /// Pack tests: rules taken as attested by this many valid signers.
    simulated: BTreeMap<String, usize>,
}

impl Attestations {
    /// None at all (`gonogo eval`).
    pub fn none() -> Self {
        Attestations {
            root: PathBuf::new(),
            head: None,
            artifact: None,
            verified: Vec::new(),
            rejected: Vec::new(),
            ancestry: Mutex::new(HashMap::new()),
            simulated: BTreeMap::new(),
        }
    }

    /// For pack tests: each rule of `signers` counts as attested by that many
    /// distinct valid signers; every other rule by none.
    pub fn simulated(signers: BTreeMap<String, usize>) -> Self {
        Attestations {
            simulated: signers,
            ..Attestations::none()
        }
    }

    /// Reads `<project>/.gonogo/attestations/*.json` and verifies each.
    /// `artifact` is the digest (sha256 hex) of the release artifact the run
    /// gates, if any: attestations signed for it count too.
    pub fn load(project: &Path, head: Option<&str>, artifact: Option<&str>, trust: &Trust) -> Self {
        let mut store = Attestations::none();
        store.root = project.to_owned();
        store.head = head.map(str::to_owned);
        store.artifact = artifact.map(str::to_owned);
        // The folder itself must be a real folder of the project, never a
        // link out of it; each file is read beneath the project.
        let is_real_folder = |relative: &str| {
            std::fs::symlink_metadata(project.join(relative)).is_ok_and(|m| m.is_dir())
        };
        if !is_real_folder(".gonogo") || !is_real_folder(DIR) {
            return store;
        }
        let Ok(entries) = std::fs::read_dir(project.join(DIR)) else {
            return store;
        };
        let mut files: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".json"))
            .collect();
        files.sort();
        for name in files.into_iter().take(MAX_FILES) {
            let label = format!("{DIR}/{name}");
            match verify_file(project, &label, trust) {
                Ok(verified) => store.verified.push(Verified {
                    file: label,
                    ..verified
                }),
                Err((rule, reason)) => store.rejected.push((rule, label, reason)),
            }
        }
        store
    }

    /// The attestations of rule `rule`, signed in a role it accepts, that
    /// no longer count at `now` because they expired or are older than the
    /// rule's `max_age_days`: what to renew.
    pub fn stale(
        &self,
        rule: &str,
        requirement: &Requirement,
        now: DateTime<Utc>,
    ) -> Vec<StaleAttestation> {
        self.verified
            .iter()
            .filter(|a| a.rule == rule && requirement.roles.contains(&a.role))
            .filter_map(|a| {
                let reason = if a.expires_at <= now {
                    format!("expired on {}", a.expires_at.format("%Y-%m-%d"))
                } else {
                    let days = requirement.max_age_days?;
                    if (now - a.signed_at).num_days() <= days {
                        return None;
                    }
                    format!("older than {days} days")
                };
                Some(StaleAttestation {
                    file: a.file.clone(),
                    role: a.role.clone(),
                    signed_at: a.signed_at.format("%Y-%m-%d").to_string(),
                    reason,
                })
            })
            .collect()
    }

    /// Judges `requirement` for rule `rule` at `now`: pass, and the reason
    /// for a person either way.
    pub fn judge(
        &self,
        rule: &str,
        requirement: &Requirement,
        now: DateTime<Utc>,
    ) -> (bool, String) {
        let mut problems: Vec<String> = self
            .rejected
            .iter()
            .filter(|(r, _, _)| r.as_deref().is_none_or(|r| r == rule))
            .map(|(_, file, reason)| format!("{file}: {reason}"))
            .collect();
        if let Some(&count) = self.simulated.get(rule) {
            return (
                count >= requirement.signers,
                format!(
                    "{count} of {} signer{} ({}) attest it (as the pack test says)",
                    requirement.signers,
                    if requirement.signers == 1 { "" } else { "s" },
                    requirement.roles.join(" or ")
                ),
            );
        }
        let mut signers = BTreeSet::new();
        for attestation in self.verified.iter().filter(|a| a.rule == rule) {
            match self.problem(attestation, requirement, now) {
                Some(problem) => problems.push(format!("{}: {problem}", attestation.file)),
                None => {
                    signers.insert(attestation.key_id.clone());
                }
            }
        }
        let ok = signers.len() >= requirement.signers;
        let roles = requirement.roles.join(" or ");
        let mut message = format!(
            "{} of {} signer{} ({roles}) attest it",
            signers.len(),
            requirement.signers,
            if requirement.signers == 1 { "" } else { "s" }
        );
        if !problems.is_empty() {
            message.push_str("; not counted: ");
            message.push_str(&problems.join("; "));
        }
        (ok, message)
    }

    /// Why a verified attestation does not count for this requirement.
    fn problem(
        &self,
        a: &Verified,
        requirement: &Requirement,
        now: DateTime<Utc>,
    ) -> Option<String> {
        if !requirement.roles.contains(&a.role) {
            return Some(format!(
                "signed as `{}`, the rule needs {}",
                a.role,
                requirement.roles.join(" or ")
            ));
        }
        if a.signed_at > now + chrono::Duration::minutes(MAX_CLOCK_SKEW_MINUTES) {
            return Some(format!(
                "signed_at {} is in the future: a signature cannot be dated later than it was made",
                a.signed_at.to_rfc3339()
            ));
        }
        if a.expires_at <= now {
            return Some(format!("expired on {}", a.expires_at.format("%Y-%m-%d")));
        }
        if let Some(days) = requirement.max_age_days
            && (now - a.signed_at).num_days() > days
        {
            return Some(format!(
                "signed on {}, more than {days} days ago",
                a.signed_at.format("%Y-%m-%d")
            ));
        }
        if let Some(artifact) = &a.artifact {
            return match &self.artifact {
                Some(gated) if gated == artifact => None,
                Some(gated) => Some(format!(
                    "wrong subject: signed for artifact sha256:{}, this run gates sha256:{}",
                    short(artifact),
                    short(gated)
                )),
                None => Some(format!(
                    "wrong subject: signed for artifact sha256:{}, and this run names no artifact (`--artifact`)",
                    short(artifact)
                )),
            };
        }
        let Some(commit) = &a.commit else {
            return Some("wrong subject: it names no git commit or artifact".into());
        };
        let Some(head) = &self.head else {
            return Some(format!(
                "wrong subject: signed for commit {}, and the project is not a git repository",
                short(commit)
            ));
        };
        if commit == head {
            return None;
        }
        if requirement.same_commit {
            return Some(format!(
                "wrong subject: signed for commit {}, the current commit is {} (this rule wants a fresh attestation for every commit)",
                short(commit),
                short(head)
            ));
        }
        if !self.is_ancestor(commit) {
            return Some(format!(
                "wrong subject: commit {} is not in this repository's history",
                short(commit)
            ));
        }
        None
    }

    fn is_ancestor(&self, commit: &str) -> bool {
        let mut cache = self.ancestry.lock().unwrap_or_else(|e| e.into_inner());
        *cache.entry(commit.to_owned()).or_insert_with(|| {
            commit.chars().all(|c| c.is_ascii_hexdigit())
                && crate::workspace::run_git(
                    &self.root,
                    &["merge-base", "--is-ancestor", commit, "HEAD"],
                    None,
                )
                .is_ok()
        })
    }
}

/// The first 12 characters (never a byte slice: a hostile digest may hold
/// any character).
fn short(commit: &str) -> &str {
    commit
        .char_indices()
        .nth(12)
        .map_or(commit, |(end, _)| &commit[..end])
}

/// Reads and verifies one envelope: the rule (when readable) and why not.
fn verify_file(
    project: &Path,
    relative: &str,
    trust: &Trust,
) -> Result<Verified, (Option<String>, String)> {
    let text = crate::untrusted::read_beneath_text(project, relative, MAX_FILE_BYTES)
        .map_err(|e| (None, format!("not read: {e}")))?;
    verify_text(&text, trust)
}

/// Verifies the text of one envelope: the rule (when readable) and why not.
pub(crate) fn verify_text(text: &str, trust: &Trust) -> Result<Verified, (Option<String>, String)> {
    let fail = |rule: Option<&str>, reason: String| (rule.map(str::to_owned), reason);
    let envelope: Envelope =
        serde_json::from_str(text).map_err(|e| fail(None, format!("not a DSSE envelope: {e}")))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(fail(
            None,
            format!(
                "payload type `{}` is not {PAYLOAD_TYPE}",
                envelope.payload_type
            ),
        ));
    }
    let payload = b64
        .decode(&envelope.payload)
        .map_err(|e| fail(None, format!("payload is not base64: {e}")))?;
    let statement: Statement = serde_json::from_slice(&payload)
        .map_err(|e| fail(None, format!("not an in-toto statement: {e}")))?;
    let rule = Some(statement.predicate.rule.as_str());
    if statement.statement_type != STATEMENT_TYPE || statement.predicate_type != PREDICATE_TYPE {
        return Err(fail(
            rule,
            "not a gonogo attestation (statement or predicate type)".into(),
        ));
    }
    let role = &statement.predicate.role;
    let signed = pae(&envelope.payload_type, &payload);
    let trusted_for_role = trust.roles.get(role).map(Vec::as_slice).unwrap_or_default();
    let mut untrusted = Vec::new();
    for signature in &envelope.signatures {
        let Some(key) = trusted_for_role
            .iter()
            .find(|k| keys::key_id(k) == signature.keyid)
        else {
            let elsewhere = trust
                .roles
                .iter()
                .find(|(_, ks)| ks.iter().any(|k| keys::key_id(k) == signature.keyid));
            untrusted.push(match elsewhere {
                Some((other, _)) => format!(
                    "untrusted key: key {} is trusted for role `{other}`, not `{role}`",
                    signature.keyid
                ),
                None => format!(
                    "untrusted key: key {} is not trusted by the pack for role `{role}`",
                    signature.keyid
                ),
            });
            continue;
        };
        let signature_bytes = b64
            .decode(&signature.sig)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok());
        let Some(signature_bytes) = signature_bytes else {
            return Err(fail(rule, "bad signature: not an Ed25519 signature".into()));
        };
        if key.verify_strict(&signed, &signature_bytes).is_err() {
            return Err(fail(
                rule,
                format!("bad signature by key {}", signature.keyid),
            ));
        }
        let date = |text: &str, what: &str| {
            DateTime::parse_from_rfc3339(text)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| fail(rule, format!("`{what}` is not an RFC 3339 date")))
        };
        return Ok(Verified {
            file: String::new(),
            rule: statement.predicate.rule.clone(),
            role: role.clone(),
            key_id: signature.keyid.clone(),
            signed_at: date(&statement.predicate.signed_at, "signed_at")?,
            expires_at: date(&statement.predicate.expires_at, "expires_at")?,
            commit: statement
                .subject
                .iter()
                .find_map(|s| s.digest.get("gitCommit").cloned()),
            artifact: statement
                .subject
                .iter()
                .find_map(|s| s.digest.get("sha256").map(|d| d.to_ascii_lowercase())),
        });
    }
    Err(fail(
        rule,
        untrusted
            .into_iter()
            .next()
            .unwrap_or_else(|| "no signature".to_owned()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attest::{Predicate, Subject, sign};

    const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

    /// A project folder holding one attestation signed `age` days before
    /// `now`, valid `valid` days after signing; and the trust of its key.
    fn one(age: i64, valid: i64, now: DateTime<Utc>) -> (tempfile::TempDir, Trust) {
        let key = keys::generate().unwrap();
        let signed = now - chrono::Duration::days(age);
        let statement = Statement {
            statement_type: STATEMENT_TYPE.into(),
            subject: vec![Subject {
                name: ".".into(),
                digest: [("gitCommit".to_owned(), COMMIT.to_owned())].into(),
            }],
            predicate_type: PREDICATE_TYPE.into(),
            predicate: Predicate {
                rule: "restore-drill".into(),
                role: "sre".into(),
                note: String::new(),
                vouches_for: Vec::new(),
                signed_at: signed.to_rfc3339(),
                expires_at: (signed + chrono::Duration::days(valid)).to_rfc3339(),
            },
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        let text = serde_json::to_string(&sign(&statement, &key)).unwrap();
        std::fs::write(dir.path().join(DIR).join("a.json"), text).unwrap();
        let trust = Trust {
            roles: [("sre".to_owned(), vec![key.verifying_key()])].into(),
        };
        (dir, trust)
    }

    fn requirement(max_age_days: Option<i64>) -> Requirement {
        Requirement {
            roles: vec!["sre".into()],
            signers: 1,
            max_age_days,
            same_commit: true,
        }
    }

    #[test]
    fn an_expired_attestation_stops_counting() {
        let now = Utc::now();
        let (dir, trust) = one(10, 30, now);
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        assert!(store.judge("restore-drill", &requirement(None), now).0);
        let later = now + chrono::Duration::days(21);
        let (ok, message) = store.judge("restore-drill", &requirement(None), later);
        assert!(!ok);
        assert!(
            message.contains(".gonogo/attestations/a.json: expired on"),
            "{message}"
        );
    }

    #[test]
    fn an_attestation_older_than_the_rule_allows_stops_counting() {
        let now = Utc::now();
        let (dir, trust) = one(100, 365, now);
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        assert!(store.judge("restore-drill", &requirement(Some(120)), now).0);
        let (ok, message) = store.judge("restore-drill", &requirement(Some(90)), now);
        assert!(!ok);
        assert!(message.contains("more than 90 days ago"), "{message}");
    }

    #[test]
    fn other_rules_attestations_are_not_counted_or_reported() {
        let now = Utc::now();
        let (dir, trust) = one(1, 30, now);
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        let (ok, message) = store.judge("load-test", &requirement(None), now);
        assert!(!ok);
        assert_eq!(message, "0 of 1 signer (sre) attest it");
    }

    #[test]
    fn an_attestation_dated_in_the_future_does_not_count() {
        let now = Utc::now();
        // Signed "30 days from now", so that `max_age_days` would let it
        // count for 30 days longer than the rule allows.
        let (dir, trust) = one(-30, 365, now);
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        let (ok, message) = store.judge("restore-drill", &requirement(Some(90)), now);
        assert!(!ok);
        assert!(message.contains("is in the future"), "{message}");
    }

    #[test]
    fn attestations_that_aged_past_the_rule_s_limit_or_expired_are_listed_to_renew() {
        let now = Utc::now();
        // Signed 120 days ago, expiring in a year: older than 90 days.
        let (dir, trust) = one(120, 485, now);
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        let stale = store.stale("restore-drill", &requirement(Some(90)), now);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].reason, "older than 90 days");
        assert!(stale[0].file.starts_with(DIR), "{stale:?}");
        assert!(
            store
                .stale("restore-drill", &requirement(Some(365)), now)
                .is_empty()
        );
        // Signed 40 days ago for 30 days: expired.
        let (dir, trust) = one(40, 30, now);
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        let stale = store.stale("restore-drill", &requirement(None), now);
        assert!(stale[0].reason.starts_with("expired on "), "{stale:?}");
        // One that counts is not stale.
        let (dir, trust) = one(1, 30, now);
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        assert!(
            store
                .stale("restore-drill", &requirement(Some(90)), now)
                .is_empty()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_among_the_attestations_is_rejected_at_once() {
        let now = Utc::now();
        let (dir, trust) = one(1, 30, now);
        let folder = dir.path().join(DIR);
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            folder.join("fifo.json"),
            rustix::fs::Mode::RUSR,
        )
        .unwrap();
        std::os::unix::fs::symlink("/dev/zero", folder.join("zero.json")).unwrap();
        let store = Attestations::load(dir.path(), Some(COMMIT), None, &trust);
        assert!(store.judge("restore-drill", &requirement(None), now).0);
        let reasons: Vec<&str> = store.rejected.iter().map(|(_, _, r)| r.as_str()).collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("FIFO")), "{reasons:?}");
        assert!(
            reasons.iter().any(|r| r.contains("symbolic link")),
            "{reasons:?}"
        );
    }
}
