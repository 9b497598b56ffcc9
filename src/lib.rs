//! The faces of policy-lsp on its core (`policy-core`): the language server
//! ([`server`]) and the command line ([`cli`]). Neither knows the other.
//! See `ARCHITECTURE.md`.

pub mod cli;
pub mod server;
pub mod walk;
