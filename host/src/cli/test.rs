//! `gonogo test`: run a policy pack's own tests.

use super::fail;
use crate::exit::Exit;
use std::path::PathBuf;

/// Run a policy pack's tests: recorded check outcomes in, expected decision
/// and rule results out (no check runs).
///
/// Test files are the pack's `tests/*.yaml`; see docs/policy-packs.md.
/// Prints one line per test, then `N passed, N failed`. Exit code: 0 all
/// passed, 1 some failed, 2 the pack or a test file is broken.
///
/// Examples:
///   gonogo test policies/production-readiness
///   gonogo test                      # the pack in the current folder
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct TestArgs {
    /// The pack's folder (holding `gonogo.yaml` and `tests/`).
    #[arg(default_value = ".", value_name = "PACK_DIR")]
    pack: PathBuf,
}

/// Runs `gonogo test`.
pub fn run(args: TestArgs) -> Exit {
    let summary = match crate::packtest::run(&args.pack) {
        Ok(summary) => summary,
        Err(error) => {
            for diagnostic in &error.diagnostics {
                fail(diagnostic);
            }
            return Exit::Error;
        }
    };
    let green = anstyle::AnsiColor::Green.on_default();
    let red = anstyle::AnsiColor::Red.on_default().bold();
    anstream::println!(
        "gonogo test · pack {} · {} tests",
        summary.pack,
        summary.results.len()
    );
    for result in &summary.results {
        if result.failures.is_empty() {
            anstream::println!("  {green}✓{green:#} {}", result.name);
        } else {
            anstream::println!(
                "  {red}✗{red:#} {} ({})",
                result.name,
                result.file.display()
            );
            for failure in &result.failures {
                anstream::println!("      {failure}");
            }
        }
    }
    anstream::println!("{} passed, {} failed", summary.passed(), summary.failed());
    if summary.failed() == 0 {
        Exit::Go
    } else {
        Exit::NoGo
    }
}
