//! `gonogo new check`: scaffolds a working check in a new folder.

use super::fail;
use crate::exit::Exit;
use crate::scaffold::{self, Language};
use std::path::PathBuf;

/// Scaffold a new check in Rust, Python, JavaScript, C or Go
/// (`gonogo new check NAME --lang LANG`).
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    #[command(subcommand)]
    what: NewCommand,
}

#[derive(Debug, clap::Subcommand)]
enum NewCommand {
    Check(NewCheckArgs),
}

/// Scaffold a check in a new folder: the source, the WIT it builds against,
/// a build script that pins the component in a pack, fixtures and a test.
///
/// Examples:
///   gonogo new check api-docs --lang python
///   gonogo new check licence --lang c --dir checks/licence
///   cd api-docs && bash test.sh
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct NewCheckArgs {
    /// The check's id, in kebab-case (`openapi`, `k8s-probes`).
    name: String,

    /// Its language.
    #[arg(long, short = 'l', value_enum)]
    lang: Language,

    /// The folder to create (default: ./NAME); it must not exist or be empty.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Runs `gonogo new`.
pub fn run(args: NewArgs) -> Exit {
    let NewCommand::Check(args) = args.what;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    match scaffold::write(&args.name, args.lang, &dir) {
        Ok(files) => {
            println!("created {} ({} files)", dir.display(), files.len());
            println!(
                "next: cd {} && bash test.sh   (builds, pins, runs it on fixture/)",
                dir.display()
            );
            Exit::Go
        }
        Err(error) => fail(error),
    }
}
