//! The core of policy-lsp: the annotation markup, documents, taxonomy.
//!
//! Data flows one way: text → [`syntax`] → [`document`] → analysis →
//! protocol ([`server`]) or terminal ([`cli`]). The core modules know
//! nothing of LSP or async; see `ARCHITECTURE.md`.

pub mod analysis;
pub mod authoring;
pub mod cli;
pub mod describe;
pub mod diagnostics;
pub mod document;
pub mod position;
pub mod server;
pub mod syntax;
pub mod taxonomy;
