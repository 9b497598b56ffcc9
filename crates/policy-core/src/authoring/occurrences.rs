//! Occurrences of an annotation: every annotation of the same kind and
//! value. Behind document highlight, references and rename.
//!
//! A reference is the annotation's content, not its brackets (docs/language.md §3).

use std::fmt;

use super::LineEdit;
use crate::document::Document;
use crate::position::{LinePoint, LspPosition, PositionEncoding};
use crate::syntax::{Annotation, AnnotationKind, escape};
use crate::taxonomy::Taxonomy;

/// The content of one annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub start: LinePoint,
    pub end: LinePoint,
}

impl Span {
    fn content(line: usize, a: &Annotation) -> Span {
        Span {
            line,
            start: a.content_start(),
            end: a.content_end(),
        }
    }
}

/// The annotation at `pos` and its value. O(log n + line).
pub fn target(
    doc: &Document,
    pos: LspPosition,
    enc: PositionEncoding,
) -> Option<(Span, Annotation, String)> {
    let (line, a) = doc.annotation_at(pos, enc)?;
    let text = doc.line_text(line)?;
    Some((Span::content(line, &a), a, a.value(&text).into_owned()))
}

/// The contents of every annotation with the kind and value of the one at
/// `pos` (itself included), in document order; empty off an annotation.
/// O(document).
pub fn occurrences(doc: &Document, pos: LspPosition, enc: PositionEncoding) -> Vec<Span> {
    related(doc, pos, enc, None)
}

/// Like [`occurrences`], and with `by_category`, a data item's relatives
/// are every data item of the same taxonomy category (手机号码 and 电话号码
/// alike); an unclassified item still has only its equals.
/// O(document), plus one classification per data item with `by_category`.
pub fn related(
    doc: &Document,
    pos: LspPosition,
    enc: PositionEncoding,
    by_category: Option<&Taxonomy>,
) -> Vec<Span> {
    let Some((_, target, value)) = target(doc, pos, enc) else {
        return Vec::new();
    };
    let category_of =
        |taxonomy: &Taxonomy, v: &str| taxonomy.classify(v).category().map(|c| c.id.clone());
    let category = match by_category {
        Some(t) if target.kind == AnnotationKind::Data => category_of(t, &value).map(|c| (t, c)),
        _ => None,
    };
    let mut out = Vec::new();
    for (line, parse, text) in super::lines(doc) {
        for a in parse.annotations.iter().filter(|a| a.kind == target.kind) {
            let v = a.value(&text);
            let same = v == value
                || category
                    .as_ref()
                    .is_some_and(|(t, c)| category_of(t, &v).as_ref() == Some(c));
            if same {
                out.push(Span::content(line, a));
            }
        }
    }
    out
}

/// Why a rename was refused, in the annotator's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    NotOnAnnotation,
    Empty,
    LineBreak,
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RenameError::NotOnAnnotation => {
                "there is no annotation here to rename: put the cursor on an annotation's text"
            }
            RenameError::Empty => "an annotation needs some text: the new value is empty",
            RenameError::LineBreak => {
                "an annotation stays on one line: the new value has a line break"
            }
        })
    }
}

impl std::error::Error for RenameError {}

/// The edits that give every occurrence of the annotation at `pos` the
/// value `new_value` (trimmed, and escaped where it has markup characters).
/// O(document).
pub fn rename(
    doc: &Document,
    pos: LspPosition,
    enc: PositionEncoding,
    new_value: &str,
) -> Result<Vec<LineEdit>, RenameError> {
    let value = new_value.trim();
    if value.contains(['\n', '\r']) {
        return Err(RenameError::LineBreak);
    }
    if value.is_empty() {
        return Err(RenameError::Empty);
    }
    let spans = occurrences(doc, pos, enc);
    if spans.is_empty() {
        return Err(RenameError::NotOnAnnotation);
    }
    let written = escape(value);
    Ok(spans
        .into_iter()
        .map(|s| LineEdit {
            line: s.line,
            start: s.start,
            end: s.end,
            new_text: written.to_string(),
        })
        .collect())
}
