//! The diagnostics of a document, whatever shows them: the language server
//! and `policy-lsp check` both call [`document_diagnostics`], so an editor
//! squiggle and a terminal report can never disagree.

use std::borrow::Cow;

use crate::document::Document;
use crate::position::LinePoint;
use crate::syntax::{Severity, SyntaxDiagnostic};

/// Where diagnostics come from (LSP `source`).
pub const SOURCE: &str = "policy-lsp";

/// One problem in a document, on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub start: LinePoint,
    pub end: LinePoint,
    pub severity: Severity,
    /// A stable code: the contract (spec §5).
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
}

impl Diagnostic {
    /// The diagnostic of a syntax problem on `line`.
    pub fn from_syntax(line: usize, d: &SyntaxDiagnostic) -> Diagnostic {
        Diagnostic {
            line,
            start: d.start,
            end: d.end,
            severity: d.code.severity(),
            code: Cow::Borrowed(d.code.as_str()),
            message: Cow::Borrowed(d.message()),
        }
    }
}

/// Every diagnostic of `doc`, in document order. O(diagnostics + lines).
pub fn document_diagnostics(doc: &Document) -> Vec<Diagnostic> {
    doc.diagnostics()
        .map(|(line, d)| Diagnostic::from_syntax(line, d))
        .collect()
}
