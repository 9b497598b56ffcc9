//! The command line: files, terminals and output formats over the core.
//!
//! Exit status: 0 when nothing is wrong, 1 when a checked file has an error
//! diagnostic, 2 on usage or I/O trouble.

mod check;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status for usage or I/O trouble.
pub const EXIT_TROUBLE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "policy-lsp",
    version,
    about = "Checks privacy-policy annotation markup: (actor) [action] <data> {purpose}",
    long_about = "Checks privacy-policy annotation markup: (actor) [action] <data> {purpose}.\n\n\
                  With no subcommand, serves the Language Server Protocol on stdin/stdout \
                  (for editors)."
)]
struct Cli {
    /// Serve the Language Server Protocol on stdin/stdout (the default).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check files for markup errors (exit 1 if any file has an error).
    Check(CheckArgs),
    /// Serve the Language Server Protocol on stdin/stdout.
    Serve,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// For a person: the source line with a caret under the problem.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files, or directories searched for `*.policy`; `-` reads stdin.
    #[arg(value_name = "PATH", default_value = "-")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_TROUBLE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Serve) | None => crate::server::run_stdio(),
    }
}
