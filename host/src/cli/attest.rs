//! `gonogo keygen` and `gonogo attest`: keys for people who vouch for what
//! no check can verify, and the signed attestations they commit.

use super::fail;
use crate::attest::{self, Predicate, Statement, Subject, keys};
use crate::exit::Exit;
use crate::policy::PackRef;
use crate::target::Target;
use std::path::PathBuf;

/// Create an Ed25519 key pair for signing attestations.
///
/// Writes NAME.key (the private key, PKCS#8 PEM, readable by you only;
/// keep it out of the repository) and NAME.pub, and prints the public key
/// to list under the pack's `trust.roles`.
///
/// Examples:
///   gonogo keygen alice --dir ~/.config/gonogo/keys
///   gonogo keygen sre-oncall
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct KeygenArgs {
    /// The key's file name, without extension.
    name: String,

    /// Where to write the two files.
    #[arg(long, default_value = ".", value_name = "DIR")]
    dir: PathBuf,
}

/// Runs `gonogo keygen`.
pub fn keygen(args: KeygenArgs) -> Exit {
    if args.name.is_empty() || args.name.contains(['/', '\\']) {
        return fail(format_args!("`{}` is not a file name", args.name));
    }
    let key = match keys::generate() {
        Ok(key) => key,
        Err(error) => return fail(error),
    };
    let private = args.dir.join(format!("{}.key", args.name));
    let public = args.dir.join(format!("{}.pub", args.name));
    if let Err(error) = keys::write_pair(&key, &private, &public) {
        return fail(error);
    }
    let verifying = key.verifying_key();
    println!(
        "private key: {} (keep it secret, out of the repository)",
        private.display()
    );
    println!("public key:  {}", public.display());
    println!("key id:      {}", keys::key_id(&verifying));
    println!(
        "\nTrust it in the pack:\n  trust:\n    roles:\n      <role>: [\"{}\"]",
        keys::public_text(&verifying)
    );
    Exit::Go
}

/// Sign an attestation that a rule's manual item is done.
///
/// Writes a DSSE envelope holding an in-toto Statement (v1) into
/// `.gonogo/attestations/` of the project, bound to its current git
/// commit, or with `--artifact` to a release artifact's digest (counted by
/// `gonogo check --artifact` with the same digest). Commit the file:
/// `gonogo check` counts it for the rule when the pack trusts the key for
/// the role, and until it expires.
///
/// Examples:
///   gonogo attest restore-drill --role sre --key ~/.config/gonogo/keys/alice.key \
///     --note "restored last night's backup into staging in 14 min" --expires 90d
///   gonogo attest security-signoff --role security --key sec.key --expires 30d apps/api
///   gonogo attest load-test --role qa --key qa.key --artifact sha256:4f0c…
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct AttestArgs {
    /// The rule the attestation satisfies.
    rule: String,

    /// The project folder (a git work tree).
    #[arg(default_value = ".")]
    dir: PathBuf,

    /// The role you sign as (the pack must trust your key for it).
    #[arg(long, value_name = "ROLE")]
    role: String,

    /// Your private key (from `gonogo keygen`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,

    /// What was done, for the people who read the report.
    #[arg(long, default_value = "", value_name = "TEXT")]
    note: String,

    /// How long it counts: 30d, 12w, 6m, 1y.
    #[arg(long, default_value = "90d", value_name = "DURATION")]
    expires: String,

    /// Bind it to this release artifact (`sha256:<hex>`, e.g. an image
    /// digest) instead of the current commit.
    #[arg(long, value_name = "DIGEST")]
    artifact: Option<String>,

    /// The pack whose rule this is (default: the project's gonogo.yaml,
    /// else the built-in production-readiness pack), to check the rule
    /// and role and show what the attestation vouches for.
    #[arg(long, short = 'p', value_name = "PACK")]
    policy: Option<String>,
}

/// Runs `gonogo attest`.
pub fn attest(args: AttestArgs) -> Exit {
    let days = match attest::parse_days(&args.expires) {
        Ok(days) => days,
        Err(error) => return fail(format_args!("--expires: {error}")),
    };
    let key = match keys::read_private(&args.key) {
        Ok(key) => key,
        Err(error) => return fail(error),
    };
    let target = Target::inspect(&args.dir);
    let (subject, bound_to) = match &args.artifact {
        Some(text) => match attest::parse_artifact(text) {
            Ok(hex) => (
                Subject {
                    name: "artifact".to_owned(),
                    digest: [("sha256".to_owned(), hex.clone())].into(),
                },
                format!("artifact sha256:{}", &hex[..12]),
            ),
            Err(error) => return fail(format_args!("--artifact: {error}")),
        },
        None => match target.commit.clone() {
            Some(commit) => (
                Subject {
                    name: target.path.clone(),
                    digest: [("gitCommit".to_owned(), commit.clone())].into(),
                },
                format!("commit {}", commit.chars().take(12).collect::<String>()),
            ),
            None => {
                return fail(format_args!(
                    "`{}` is not in a git repository with a commit: an attestation is bound to the current commit (or give `--artifact sha256:…`)",
                    args.dir.display()
                ));
            }
        },
    };
    let vouches_for = match vouched_items(&args) {
        Ok(items) => items,
        Err(why) => return fail(why),
    };
    println!(
        "vouching for {} ({} checklist item{}):",
        vouches_for[0],
        vouches_for.len() - 1,
        if vouches_for.len() == 2 { "" } else { "s" }
    );
    for item in &vouches_for[1..] {
        println!("  {item}");
    }
    let now = chrono::Utc::now();
    let seconds = chrono::SecondsFormat::Secs;
    let statement = Statement {
        statement_type: attest::STATEMENT_TYPE.to_owned(),
        subject: vec![subject],
        predicate_type: attest::PREDICATE_TYPE.to_owned(),
        predicate: Predicate {
            rule: args.rule.clone(),
            role: args.role.clone(),
            note: args.note.clone(),
            vouches_for,
            signed_at: now.to_rfc3339_opts(seconds, true),
            expires_at: (now + chrono::Duration::days(days)).to_rfc3339_opts(seconds, true),
        },
    };
    let envelope = attest::sign(&statement, &key);
    let folder = args.dir.join(attest::DIR);
    let file = folder.join(format!(
        "{}.{}.{}.json",
        args.rule,
        keys::key_id(&key.verifying_key()),
        now.format("%Y%m%dT%H%M%SZ")
    ));
    let text = serde_json::to_string_pretty(&envelope).expect("an envelope serializes") + "\n";
    if let Err(error) = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&file, text))
    {
        return fail(format_args!("cannot write `{}`: {error}", file.display()));
    }
    println!(
        "attested `{}` as {} for {bound_to}, until {}: {}",
        args.rule,
        args.role,
        statement.predicate.expires_at,
        file.display()
    );
    Exit::Go
}

/// The rule (`` `id` title ``) and the checklist items the attestation
/// vouches for, once the pack is loaded and the rule and role checked: an
/// attestation for a rule the pack does not have, or that is verified by
/// an expression, would never count.
fn vouched_items(args: &AttestArgs) -> Result<Vec<String>, String> {
    let pack = args
        .policy
        .as_deref()
        .map(PackRef::parse)
        .unwrap_or_else(|| PackRef::default_for(&args.dir));
    let plan = crate::policy::load(&pack).map_err(|error| error.to_string())?;
    let attested: Vec<&str> = plan
        .rules
        .iter()
        .filter(|r| r.attestation.is_some())
        .map(|r| r.id.as_str())
        .collect();
    let Some(rule) = plan.rules.iter().find(|r| r.id == args.rule) else {
        return Err(format!(
            "the pack `{}` has no rule `{}`; its attested rules: {}",
            plan.name,
            args.rule,
            if attested.is_empty() {
                "none".to_owned()
            } else {
                attested.join(", ")
            }
        ));
    };
    let Some(requirement) = &rule.attestation else {
        return Err(format!(
            "rule `{}` is verified by an expression, not vouched for: an attestation would never count",
            rule.id
        ));
    };
    if !requirement.roles.contains(&args.role) {
        return Err(format!(
            "--role {}: rule `{}` takes attestations of {}",
            args.role,
            rule.id,
            requirement.roles.join(", ")
        ));
    }
    let pack_dir = match &pack {
        PackRef::Path(path) if path.is_dir() => Some(path.clone()),
        PackRef::Path(path) => path.parent().map(std::path::Path::to_path_buf),
        PackRef::Builtin(_) => None,
    };
    // The pack's text reaches the terminal: no control character passes.
    let title: String = rule.title.chars().filter(|c| !c.is_control()).collect();
    let mut lines = vec![format!("`{}` {title}", rule.id)];
    lines.extend(
        crate::attest::vouches::items(&rule.refs, pack_dir.as_deref())
            .iter()
            .map(|item| item.line()),
    );
    Ok(lines)
}
