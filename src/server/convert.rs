//! Core values ↔ protocol types. The only place both are in view.

use tower_lsp_server::ls_types::{self as lsp, NumberOrString};

use policy_core::diagnostics::{Diagnostic, SOURCE};
use policy_core::position::{LinePoint, LspPosition, LspRange, PositionEncoding};
use policy_core::syntax::Severity;

pub fn position(p: lsp::Position) -> LspPosition {
    LspPosition::new(p.line, p.character)
}

pub fn range(r: lsp::Range) -> LspRange {
    LspRange {
        start: position(r.start),
        end: position(r.end),
    }
}

/// The range between two points of line `line`.
pub fn line_range(
    line: usize,
    start: LinePoint,
    end: LinePoint,
    enc: PositionEncoding,
) -> lsp::Range {
    lsp::Range::new(
        lsp::Position::new(line as u32, start.column(enc)),
        lsp::Position::new(line as u32, end.column(enc)),
    )
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// A core diagnostic as a protocol one; its related places (if any) in
/// document `uri` (none without a uri).
pub fn diagnostic(d: &Diagnostic, enc: PositionEncoding) -> lsp::Diagnostic {
    diagnostic_in(d, enc, None)
}

/// [`diagnostic`], with `relatedInformation` in document `uri`.
pub fn diagnostic_in(
    d: &Diagnostic,
    enc: PositionEncoding,
    uri: Option<&lsp::Uri>,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: line_range(d.line, d.start, d.end, enc),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some(SOURCE.to_string()),
        message: d.message.to_string(),
        related_information: uri.and_then(|uri| related(d, enc, uri)),
        ..lsp::Diagnostic::default()
    }
}

/// The related places of `d` in `uri`, `None` when it has none.
pub fn related(
    d: &Diagnostic,
    enc: PositionEncoding,
    uri: &lsp::Uri,
) -> Option<Vec<lsp::DiagnosticRelatedInformation>> {
    (!d.related.is_empty()).then(|| {
        d.related
            .iter()
            .map(|r| lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri.clone(), line_range(r.line, r.start, r.end, enc)),
                message: r.message.to_string(),
            })
            .collect()
    })
}

/// A core line edit as a protocol text edit.
pub fn text_edit(e: &policy_core::authoring::LineEdit, enc: PositionEncoding) -> lsp::TextEdit {
    lsp::TextEdit::new(line_range(e.line, e.start, e.end, enc), e.new_text.clone())
}

/// Core line edits of one document as a workspace edit.
pub fn workspace_edit(
    uri: &lsp::Uri,
    edits: &[policy_core::authoring::LineEdit],
    enc: PositionEncoding,
) -> lsp::WorkspaceEdit {
    let edits = edits.iter().map(|e| text_edit(e, enc)).collect();
    lsp::WorkspaceEdit {
        changes: Some([(uri.clone(), edits)].into_iter().collect()),
        ..lsp::WorkspaceEdit::default()
    }
}
