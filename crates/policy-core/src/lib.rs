//! The core of policy-lsp: the annotation markup, documents, the taxonomy
//! and what is derived from them.
//!
//! Data flows one way: text → [`syntax`] → [`document`] → [`analysis`] →
//! the faces (the language server and the CLI, in the `policy-lsp`
//! package). This crate knows nothing of LSP, JSON or async: its
//! `Cargo.toml` cannot name them, and a test fails if they enter its
//! dependency tree. See `ARCHITECTURE.md`.

pub mod agreement;
pub mod allow;
pub mod analysis;
pub mod authoring;
pub mod corpus;
pub mod describe;
pub mod diagnostics;
pub mod doc_lints;
pub mod document;
pub mod export;
pub mod lints;
pub mod position;
pub mod practices;
pub mod stats;
pub mod syntax;
pub mod taxonomy;
pub mod tokens;
pub mod topics;
pub mod vocabulary;
pub mod words;
pub mod workspace_lints;
