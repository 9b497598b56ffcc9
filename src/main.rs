//! `policy-lsp`: with no subcommand (or `--stdio`) a language server on
//! stdio; `check` and `classify` for the terminal.

fn main() -> std::process::ExitCode {
    policy_lsp::cli::main()
}
