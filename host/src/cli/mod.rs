//! The command line: a thin layer over the library, one file per subcommand.

mod check;
mod eval;
mod outputs;
mod progress;
mod test;

use crate::exit::Exit;
use clap::{Parser, Subcommand};

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
    Test(test::TestArgs),
    Eval(eval::EvalArgs),
}

/// Parses the command line and runs the subcommand.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Test(args) => test::run(args),
        Command::Eval(args) => eval::run(args),
    };
    exit.into()
}

/// Prints an error the way every subcommand does, and gives exit code 2.
fn fail(message: impl std::fmt::Display) -> Exit {
    let red = anstyle::AnsiColor::Red.on_default().bold();
    anstream::eprintln!("{red}error:{red:#} {message}");
    Exit::Error
}
