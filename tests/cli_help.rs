//! The CLI's own surface: `--version`, `--help` examples on every
//! subcommand, `explain`, shell completions and the man page.

mod common;

use common::gonogo;
use predicates::prelude::*;

const SUBCOMMANDS: &[&str] = &["check", "test", "eval", "explain", "completions", "man"];

#[test]
fn version_lists_the_embedded_checks_and_packs() {
    gonogo()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "gonogo {}",
            env!("CARGO_PKG_VERSION")
        )))
        .stdout(predicate::str::contains("checks: builtin:env 0.1.0"))
        .stdout(predicate::str::contains(
            "packs: builtin:production-readiness",
        ));
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for subcommand in SUBCOMMANDS {
        gonogo()
            .args([subcommand, "--help"])
            .assert()
            .code(0)
            .stdout(
                predicate::str::contains("Example")
                    .and(predicate::str::contains(format!("gonogo {subcommand}"))),
            );
    }
}

#[test]
fn explain_shows_the_rule_its_cel_refs_and_fix() {
    gonogo()
        .args(["explain", "stripe-live-key"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "stripe-live-key — Stripe uses a live secret key in production",
        ))
        .stdout(predicate::str::contains(
            "Applies when (CEL):\n  environment == 'production'",
        ))
        .stdout(predicate::str::contains(
            "Passes when (CEL):\n  facts.vars.STRIPE_SECRET_KEY.prefix in ['sk_live_', 'rk_live_']",
        ))
        .stdout(predicate::str::contains(
            "How to fix:\n  use the live secret key",
        ))
        .stdout(predicate::str::contains(
            "When it does not apply, it says:\n  STRIPE_SECRET_KEY is not set",
        ))
        .stdout(predicate::str::contains(
            "Checklist items it covers:\n  seeds/000:28 **STRIPE_SECRET_KEY** – Stripe secret key (starts with `sk_`)\n  seeds/001:15 Stripe keys configured (if using payments)",
        ));
    gonogo()
        .args(["explain", "stripe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no rule `stripe`"))
        .stderr(predicate::str::contains(
            "did you mean stripe-live-key, stripe-webhook-secret, stripe-webhook-production, stripe-webhook-events, stripe-payments-succeeding?",
        ));
}

#[test]
fn completions_and_man_page_are_generated_for_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = gonogo()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&output.stdout);
        for subcommand in SUBCOMMANDS {
            assert!(
                text.contains(subcommand),
                "{shell} completions lack `{subcommand}`"
            );
        }
    }
    let output = gonogo().arg("man").output().expect("runs");
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.starts_with(".ie"), "roff");
    for subcommand in SUBCOMMANDS {
        assert!(
            page.contains(&format!("gonogo\\-{subcommand}")),
            "the man page lacks `gonogo-{subcommand}`"
        );
    }
}
