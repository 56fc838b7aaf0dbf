//! The command line: a thin layer over the library, one file per subcommand.

mod attest;
mod check;
mod checks;
mod completions;
mod eval;
mod explain;
mod new;
mod outputs;
mod progress;
mod pull;
mod push;
mod test;

use crate::exit::Exit;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// gonogo turns a production-readiness checklist into an executable gate:
/// sandboxed WebAssembly checks inspect a project, CEL rules decide go or
/// no-go, and the exit code tells the pipeline (0 go, 1 no-go, 2 no decision).
#[derive(Debug, Parser)]
#[command(name = "gonogo", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::CheckArgs),
    Checks(checks::ChecksArgs),
    Test(test::TestArgs),
    Eval(eval::EvalArgs),
    Explain(explain::ExplainArgs),
    New(new::NewArgs),
    Pull(pull::PullArgs),
    Serve(crate::serve::ServeArgs),
    Keygen(attest::KeygenArgs),
    Attest(attest::AttestArgs),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
}

/// Parses the command line and runs the subcommand.
pub fn main() -> std::process::ExitCode {
    let command = Cli::command().long_version(long_version());
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let exit = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Checks(args) => checks::run(args),
        Command::Test(args) => test::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Explain(args) => explain::run(args),
        Command::New(args) => new::run(args),
        Command::Pull(args) => pull::run(args),
        Command::Serve(args) => crate::serve::run(args),
        Command::Keygen(args) => attest::keygen(args),
        Command::Attest(args) => attest::attest(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
    };
    exit.into()
}

/// `gonogo --version`: the binary and the built-in checks and packs it embeds.
fn long_version() -> String {
    let checks: Vec<String> = crate::builtins::BUILTINS
        .iter()
        .map(|b| format!("builtin:{} {}", b.name, env!("GONOGO_CHECKS_VERSION")))
        .collect();
    let packs: Vec<String> = crate::builtins::BUILTIN_PACKS
        .iter()
        .map(|p| format!("builtin:{}", p.name))
        .collect();
    format!(
        "{}\nchecks: {}\npacks: {}\nWIT: gonogo:check@0.1.0, wasmtime 48",
        env!("CARGO_PKG_VERSION"),
        checks.join(", "),
        packs.join(", ")
    )
}

/// Prints an error the way every subcommand does, and gives exit code 2.
fn fail(message: impl std::fmt::Display) -> Exit {
    crate::stderr::error(message);
    Exit::Error
}
