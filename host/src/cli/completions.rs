//! `gonogo completions` and `gonogo man`: generated from the same clap
//! definitions as `--help`, so they never disagree with it.

use super::Cli;
use crate::exit::Exit;
use clap::CommandFactory;

/// Print shell completions for bash, zsh, fish, elvish or PowerShell.
///
/// Examples:
///   gonogo completions bash > ~/.local/share/bash-completion/completions/gonogo
///   gonogo completions zsh > "${fpath[1]}/_gonogo"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell.
    shell: clap_complete::Shell,
}

/// Runs `gonogo completions`.
pub fn completions(args: CompletionsArgs) -> Exit {
    let mut command = Cli::command();
    // Into a buffer first: the generator panics on a write error, and a
    // closed pipe (`| head`) is not one worth a panic.
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut command, "gonogo", &mut buffer);
    let _ = std::io::Write::write_all(&mut std::io::stdout(), &buffer);
    Exit::Go
}

/// Print the man page (roff) of gonogo and its subcommands.
///
/// Example:
///   gonogo man > /usr/local/share/man/man1/gonogo.1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {}

/// Runs `gonogo man`.
pub fn man(_: ManArgs) -> Exit {
    let command = Cli::command();
    let mut out = std::io::stdout();
    let page = clap_mangen::Man::new(command.clone());
    if page.render(&mut out).is_err() {
        return Exit::Error;
    }
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("gonogo-{}", sub.get_name());
        let sub = sub.clone().name(name);
        if clap_mangen::Man::new(sub).render(&mut out).is_err() {
            return Exit::Error;
        }
    }
    Exit::Go
}
