//! Rewrites of well-formed text: annotate a selection, annotate every
//! occurrence, remove an annotation (keeping its text), change its kind.
//!
//! Annotate-selection refuses (offers nothing) where the result could not
//! parse as the one new annotation: a selection across a line break, one
//! that overlaps an existing annotation (annotations do not nest), one with
//! a live bracket in it, or one ending in a backslash (which would escape
//! the new closer).

use super::{Action, ActionKind, LineEdit, has_live_markup, line_selection, overlaps, point_at};
use crate::document::Document;
use crate::position::{LinePoint, LspRange, PositionEncoding};
use crate::syntax::{Annotation, AnnotationKind};

/// The order in which the kinds are offered: data first, as the most
/// frequent annotation of a policy.
const OFFER_ORDER: [AnnotationKind; 4] = [
    AnnotationKind::Data,
    AnnotationKind::Action,
    AnnotationKind::Actor,
    AnnotationKind::Purpose,
];

fn rewrite(title: String, edits: Vec<LineEdit>) -> Action {
    Action {
        title,
        kind: ActionKind::Rewrite,
        edits,
        preferred: false,
        fixes: None,
    }
}

/// The edits that wrap `line`'s bytes `start..end` as `kind`.
fn wrap(line: usize, text: &str, start: usize, end: usize, kind: AnnotationKind) -> [LineEdit; 2] {
    [
        LineEdit::insert(line, point_at(text, start), kind.opener().to_string()),
        LineEdit::insert(line, point_at(text, end), kind.closer().to_string()),
    ]
}

/// The rewrites `range` allows: annotate-selection and annotate-all for a
/// selection; remove, change kind and annotate-all on an annotation.
/// O(line), plus O(document) for the occurrence search.
pub fn rewrites(doc: &Document, range: LspRange, enc: PositionEncoding) -> Vec<Action> {
    let Some((line, text, start, end)) = line_selection(doc, range, enc) else {
        return Vec::new();
    };
    let Some(parse) = doc.line_parse(line) else {
        return Vec::new();
    };
    let on = parse.annotations.iter().find(|a| {
        (a.open.byte as usize) <= start
            && start < a.end().byte as usize
            && end <= a.end().byte as usize
    });
    if let Some(a) = on {
        return on_annotation(doc, line, &text, a);
    }
    let selected = &text[start..end];
    let lead = selected.len() - selected.trim_start().len();
    let (start, end) = (start + lead, start + lead + selected.trim().len());
    let selected = &text[start..end];
    if selected.is_empty()
        || selected.ends_with('\\')
        || has_live_markup(selected)
        || parse.annotations.iter().any(|a| overlaps(a, start, end))
    {
        return Vec::new();
    }
    let mut out: Vec<Action> = OFFER_ORDER
        .iter()
        .map(|&k| {
            rewrite(
                format!(
                    "Annotate as {} `{}{selected}{}`",
                    k.name(),
                    k.opener(),
                    k.closer()
                ),
                wrap(line, &text, start, end, k).into(),
            )
        })
        .collect();
    let all = occurrences_edits(doc, selected, AnnotationKind::Data);
    if all.len() > 2 {
        out.push(rewrite(
            format!(
                "Annotate all {} occurrences of “{selected}” as data",
                all.len() / 2
            ),
            all,
        ));
    }
    out
}

fn on_annotation(doc: &Document, line: usize, text: &str, a: &Annotation) -> Vec<Action> {
    let kind = a.kind;
    let mut out = vec![rewrite(
        format!("Remove the {} annotation (keep the text)", kind.name()),
        vec![
            LineEdit::replace_ascii(line, a.open, ""),
            LineEdit::replace_ascii(line, a.close, ""),
        ],
    )];
    for k in OFFER_ORDER.into_iter().filter(|&k| k != kind) {
        out.push(rewrite(
            format!("Change to {} `{}…{}`", k.name(), k.opener(), k.closer()),
            vec![
                LineEdit::replace_ascii(line, a.open, k.opener().to_string()),
                LineEdit::replace_ascii(line, a.close, k.closer().to_string()),
            ],
        ));
    }
    let raw = a.raw(text);
    let all = occurrences_edits(doc, raw, kind);
    if !all.is_empty() {
        let n = all.len() / 2;
        out.push(rewrite(
            format!(
                "Annotate {n} more occurrence{} of “{raw}” as {}",
                if n == 1 { "" } else { "s" },
                kind.name()
            ),
            all,
        ));
    }
    out
}

/// Every occurrence of `needle` (as written) that no annotation overlaps,
/// left to right without overlap, as `(line, start, end)`. O(document).
pub fn unannotated_occurrences(doc: &Document, needle: &str) -> Vec<(usize, LinePoint, LinePoint)> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    for (line, parse, text) in super::lines(doc) {
        for (at, _) in text.match_indices(needle) {
            let end = at + needle.len();
            // Right after a backslash the first char would read as escaped.
            let escaped = text[..at].ends_with('\\');
            if !escaped && !parse.annotations.iter().any(|a| overlaps(a, at, end)) {
                let start = point_at(&text, at);
                out.push((line, start, start.advanced_by(needle)));
            }
        }
    }
    out
}

/// The edits that wrap every un-annotated occurrence of `needle` as `kind`:
/// two per occurrence.
fn occurrences_edits(doc: &Document, needle: &str, kind: AnnotationKind) -> Vec<LineEdit> {
    unannotated_occurrences(doc, needle)
        .into_iter()
        .flat_map(|(line, start, end)| {
            [
                LineEdit::insert(line, start, kind.opener().to_string()),
                LineEdit::insert(line, end, kind.closer().to_string()),
            ]
        })
        .collect()
}
