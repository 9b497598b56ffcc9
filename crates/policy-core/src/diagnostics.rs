//! The diagnostics of a document, whatever shows them: the language server
//! and `policy-lsp check` both call [`document_diagnostics`], so an editor
//! squiggle and a terminal report can never disagree.

use std::borrow::Cow;

use crate::analysis::{AnalysedDocument, Classes, Practices};
use crate::doc_lints::{DocIndex, document_findings};
use crate::document::Document;
use crate::lints::{Finding, LintConfig, line_findings, practice_findings};
use crate::position::LinePoint;
use crate::practices::{LineCues, line_cues, line_practices};
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
    /// Other places of the same document the diagnostic refers to (LSP
    /// `relatedInformation`, `related` in `check --format json`): the
    /// other side of a `contradiction` or a `kind-mismatch`.
    pub related: Vec<Related>,
}

/// A place a [`Diagnostic`] refers to, with what happens there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub line: usize,
    pub start: LinePoint,
    pub end: LinePoint,
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
            related: Vec::new(),
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
            related: Vec::new(),
        }
    }
}

/// Every diagnostic of `doc`, in document order: the syntax diagnostics,
/// and on each line after them the lints `lints` switches on (with the
/// document's classes). O(lines + diagnostics).
///
/// The practice lints need each line's practices: computed here, for the
/// lines with annotations, when one of them is on (see
/// [`analysed_diagnostics`] for a document that holds them).
pub fn document_diagnostics(
    doc: &Document,
    lints: Option<(&Classes, &LintConfig)>,
) -> Vec<Diagnostic> {
    diagnostics_with(doc, lints, None, None)
}

/// [`document_diagnostics`] of an analysed document, with the practices
/// and the document index it holds, and with the per-line findings it
/// keeps when [`AnalysedDocument::set_lints`] named `config` (then the
/// per-line lints cost a copy per line). O(lines + diagnostics); when a
/// document-level lint is on and the document keeps no index
/// ([`AnalysedDocument::set_document_index`]), O(n) to build one.
pub fn analysed_diagnostics(doc: &AnalysedDocument, config: &LintConfig) -> Vec<Diagnostic> {
    let Some(findings) = doc.findings(config) else {
        return diagnostics_with(
            doc.doc(),
            Some((doc.classes(), config)),
            Some(doc.practices()),
            doc.document_index(),
        );
    };
    let documentwide = match (config.any_document_lint_on(), doc.document_index()) {
        (false, _) => Vec::new(),
        (true, Some(index)) => match findings.document() {
            Some(kept) => kept.diagnostics(index, doc.doc(), config).collect(),
            None => document_findings(index, doc.doc(), config),
        },
        (true, None) => document_findings(
            &DocIndex::once(doc.doc(), doc.classes(), doc.practices()),
            doc.doc(),
            config,
        ),
    };
    // The same order as `diagnostics_with`: on each line the syntax
    // diagnostics, the line's findings, then the document-level ones.
    let mut documentwide = documentwide.into_iter().peekable();
    let mut out = Vec::new();
    for ((line, parse), found) in doc.doc().line_parses().zip(findings.lines_from(0)) {
        out.extend(
            parse
                .diagnostics
                .iter()
                .map(|d| Diagnostic::from_syntax(line, d)),
        );
        out.extend(found.iter().map(|f| Diagnostic::from_finding(line, *f)));
        while let Some(d) = documentwide.next_if(|d| d.line <= line) {
            out.push(d);
        }
    }
    out.extend(documentwide);
    out
}

fn diagnostics_with(
    doc: &Document,
    lints: Option<(&Classes, &LintConfig)>,
    practices: Option<&Practices>,
    index: Option<&DocIndex>,
) -> Vec<Diagnostic> {
    let Some((classes, config)) = lints.filter(|(_, c)| c.any_on()) else {
        return doc
            .diagnostics()
            .map(|(line, d)| Diagnostic::from_syntax(line, d))
            .collect();
    };
    // The practices, computed here when the document holds none and a
    // document-level lint needs them all (else line by line below).
    let computed_practices = (practices.is_none() && config.any_document_lint_on())
        .then(|| Practices::new(doc, classes));
    let practices = practices.or(computed_practices.as_ref());
    // The document-level findings, in line order, merged in below.
    let documentwide = match (config.any_document_lint_on(), index, practices) {
        (false, _, _) => Vec::new(),
        (true, Some(index), _) => document_findings(index, doc, config),
        (true, None, Some(practices)) => {
            document_findings(&DocIndex::once(doc, classes, practices), doc, config)
        }
        // Not reached: the practices are computed when such a lint is on.
        (true, None, None) => Vec::new(),
    };
    let mut documentwide = documentwide.into_iter().peekable();
    let mut out = Vec::new();
    // The cues of the two lines above, which the practice lints read too.
    let mut above = [LineCues::default(); 2];
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
        if config.any_practice_lint_on() && !parse.annotations.is_empty() {
            let computed;
            let (of_line, cues) = match practices {
                Some(p) => (p.line(line), p.cues(line)),
                None => {
                    let text = doc.line_text(line).unwrap_or_default();
                    computed = line_practices(&text, parse, line_classes);
                    let cues = line_cues(&text, parse, &computed);
                    (&*computed, cues)
                }
            };
            out.extend(
                practice_findings(of_line, cues, above, config)
                    .map(|f| Diagnostic::from_finding(line, f)),
            );
            above = [cues, above[0]];
        } else if config.any_practice_lint_on() {
            // No annotation, no practice; but the next lines read whether
            // this one is blank or speaks of public disclosure.
            let cues = match practices {
                Some(p) => p.cues(line),
                None => line_cues(&doc.line_text(line).unwrap_or_default(), parse, &[]),
            };
            above = [cues, above[0]];
        }
        while let Some(d) = documentwide.next_if(|d| d.line <= line) {
            out.push(d);
        }
    }
    out.extend(documentwide);
    out
}
