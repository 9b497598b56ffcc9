//! The diagnostics of a document, whatever shows them: the language server
//! and `policy-lsp check` both call [`document_diagnostics`], so an editor
//! squiggle and a terminal report can never disagree.

use std::borrow::Cow;

use crate::analysis::Classes;
use crate::document::Document;
use crate::lints::{Finding, LintConfig, line_findings};
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
    /// A stable code: the contract (docs/language.md §6).
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

    /// The diagnostic of a lint's finding on `line`.
    pub fn from_finding(line: usize, f: Finding) -> Diagnostic {
        Diagnostic {
            line,
            start: f.start,
            end: f.end,
            severity: f.severity,
            code: Cow::Borrowed(f.lint.code()),
            message: Cow::Borrowed(f.lint.message()),
        }
    }
}

/// Every diagnostic of `doc`, in document order: the syntax diagnostics,
/// and on each line after them the lints `lints` switches on (with the
/// document's classes). O(lines + diagnostics).
pub fn document_diagnostics(
    doc: &Document,
    lints: Option<(&Classes, &LintConfig)>,
) -> Vec<Diagnostic> {
    let Some((classes, config)) = lints.filter(|(_, c)| c.any_on()) else {
        return doc
            .diagnostics()
            .map(|(line, d)| Diagnostic::from_syntax(line, d))
            .collect();
    };
    let mut out = Vec::new();
    for ((line, parse), line_classes) in doc.line_parses().zip(classes.lines_from(0)) {
        out.extend(
            parse
                .diagnostics
                .iter()
                .map(|d| Diagnostic::from_syntax(line, d)),
        );
        out.extend(
            line_findings(parse, line_classes, config).map(|f| Diagnostic::from_finding(line, f)),
        );
    }
    out
}
