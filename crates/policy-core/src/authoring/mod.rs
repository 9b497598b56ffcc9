//! Authoring assistance: what an annotator's editor offers besides
//! validation — quick fixes, annotate-selection, completion, outline,
//! occurrences (highlight, references, rename) and inlay hints.
//!
//! Architecture invariant: like the rest of the core, this module knows no
//! LSP types and no async. It answers in plain [`LineEdit`]s and
//! [`LinePoint`](crate::position::LinePoint) spans of one line; the server's per-feature files convert
//! those to the protocol in the negotiated encoding. An edit never spans a
//! line break, because no annotation does (docs/language.md §3).

pub mod annotate;
pub mod complete;
pub mod fixes;
pub mod inlay;
pub mod occurrences;
pub mod outline;

use std::borrow::Cow;

use crate::document::Document;
pub use crate::document::LineEdit;
pub use crate::position::point_at;
use crate::position::{LspRange, PositionEncoding, byte_of_column};
use crate::syntax::{Annotation, LineParse, SyntaxDiagnostic, is_markup_byte};

/// What an action is for: a protocol client files quick fixes and
/// rewrites under different menus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// Repairs a syntax diagnostic.
    QuickFix,
    /// Adds, removes or changes annotations of well-formed text.
    Rewrite,
}

/// One code action: a titled set of edits of one document, applied at once.
/// The edits never overlap and refer to the text before any of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<LineEdit>,
    /// The one fix that is clearly right for its diagnostic.
    pub preferred: bool,
    /// The diagnostic (and its line) this action repairs.
    pub fixes: Option<(usize, SyntaxDiagnostic)>,
}

/// Every line's parse and text (without its break), in order. O(line) a
/// line, where `Document::line_text` by number costs O(log n) more each:
/// the document-wide searches (occurrences, outline, completion counts)
/// walk the rope once instead.
pub fn lines(doc: &Document) -> impl Iterator<Item = (usize, &LineParse, Cow<'_, str>)> {
    lines_from(doc, 0)
}

/// [`lines`] from line `first` on: O(log n) to start
/// ([`Document::line_texts_from`]), plus O(lines / 256) steps through the
/// parse table.
pub fn lines_from(
    doc: &Document,
    first: usize,
) -> impl Iterator<Item = (usize, &LineParse, Cow<'_, str>)> {
    doc.line_parses_from(first)
        .zip(doc.line_texts_from(first))
        .map(|((line, parse), text)| (line, parse, text))
}

/// Every action for `range` (a selection, or a cursor when empty): quick
/// fixes for the syntax diagnostics it touches, then the rewrites it allows.
/// O(touched lines) for the fixes and annotate-selection; O(document) when
/// an occurrence search runs.
pub fn code_actions(doc: &Document, range: LspRange, enc: PositionEncoding) -> Vec<Action> {
    let mut out = Vec::new();
    let (first, last) = (range.start.line as usize, range.end.line as usize);
    let lines = lines_from(doc, first).take((last + 1).saturating_sub(first));
    for (line, parse, text) in lines.filter(|(_, p, _)| !p.diagnostics.is_empty()) {
        let from = if line == first {
            range.start.character
        } else {
            0
        };
        let to = if line == last {
            range.end.character
        } else {
            u32::MAX
        };
        for d in parse.diagnostics.iter() {
            // Touching counts: a cursor right after a bracket is on it.
            if d.start.column(enc) <= to && from <= d.end.column(enc) {
                out.extend(fixes::quick_fixes(line, &text, parse, d));
            }
        }
    }
    out.extend(annotate::rewrites(doc, range, enc));
    out
}

/// A selection of one line, as byte offsets of that line, clamped to char
/// boundaries; `None` when it spans a line break or lies past the end.
pub(crate) fn line_selection(
    doc: &Document,
    range: LspRange,
    enc: PositionEncoding,
) -> Option<(usize, String, usize, usize)> {
    if range.start.line != range.end.line {
        return None;
    }
    let line = range.start.line as usize;
    let text = doc.line_text(line)?.into_owned();
    let start = byte_of_column(&text, range.start.character, enc);
    let end = byte_of_column(&text, range.end.character, enc);
    (start <= end).then_some((line, text, start, end))
}

/// Whether byte range `start..end` overlaps annotation `a` (brackets
/// included).
pub(crate) fn overlaps(a: &Annotation, start: usize, end: usize) -> bool {
    (a.open.byte as usize) < end && start < a.end().byte as usize
}

/// Whether `text` has a markup character that is not escaped (a bracket
/// that would take part in the parse).
pub(crate) fn has_live_markup(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() && is_markup_byte(b[i + 1]) {
            i += 2;
            continue;
        }
        if is_markup_byte(b[i]) && b[i] != b'\\' {
            return true;
        }
        i += 1;
    }
    false
}
