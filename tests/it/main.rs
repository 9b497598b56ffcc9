//! The root package's one integration-test binary: a new test is a new
//! function in one of these modules, not a new crate to link.
//!
//! Fixtures are written in the mini-language of [`common`] (a `$0` cursor,
//! `^^^ label` ranges under the text); LSP tests go through the typed
//! in-process client of [`common::lsp`], core tests call `policy_core`
//! directly. Files are found from `CARGO_MANIFEST_DIR`, the package root.

mod common;

mod agree;
mod authoring_annotate;
mod authoring_completion;
mod authoring_fixes;
mod authoring_navigation;
mod authoring_stdio;
mod cli;
mod cli_readme;
mod cli_usability;
mod core_authoring;
mod core_describe;
mod corpus;
mod doc_lints;
mod document;
mod export;
mod hover;
mod jd_findings;
mod language_doc;
mod layers;
mod lints_cli;
mod lints_file;
mod practices;
mod server;
mod stats_report;
mod syntax;
mod taxonomy;
mod taxonomy_cli;
mod taxonomy_conformance;
mod taxonomy_quick_fix;
mod taxonomy_rules;
