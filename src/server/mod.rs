//! The language server (placeholder until the protocol layer lands).

use std::process::ExitCode;

pub fn run_stdio() -> ExitCode {
    eprintln!("policy-lsp: the language server is not built yet; try `policy-lsp check --help`");
    ExitCode::from(crate::cli::EXIT_TROUBLE)
}
