//! The `gonogo` binary: everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    gonogo::cli::main()
}
