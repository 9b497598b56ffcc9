//! Document highlight and references: every annotation of the same kind
//! and value as the one at the cursor, by its content; with the setting
//! `referencesByCategory`, for a data item every item of its taxonomy
//! category. Cost: O(document), plus a classification per data item by
//! category.

use tower_lsp_server::ls_types::*;

use super::convert;
use super::state::Snapshot;
use policy_core::authoring::occurrences::related;

/// The ranges related to the annotation at `pos` of `uri`, in the
/// negotiated encoding.
fn related_ranges(snap: &Snapshot, pos: Position) -> Vec<Range> {
    let enc = snap.encoding;
    let by_category = snap
        .settings
        .references_by_category
        .then_some(&**snap.doc.taxonomy());
    let spans = related(snap.doc.doc(), convert::position(pos), enc, by_category);
    spans
        .iter()
        .map(|s| convert::line_range(s.line, s.start, s.end, enc))
        .collect()
}

pub fn document_highlight(
    snap: &Snapshot,
    params: DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let ranges = related_ranges(snap, params.text_document_position_params.position);
    Some(
        ranges
            .into_iter()
            .map(|range| DocumentHighlight {
                range,
                kind: Some(DocumentHighlightKind::TEXT),
            })
            .collect(),
    )
}

pub fn references(snap: &Snapshot, params: ReferenceParams) -> Option<Vec<Location>> {
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    let ranges = related_ranges(snap, pos.position);
    Some(
        ranges
            .into_iter()
            .map(|range| Location::new(uri.clone(), range))
            .collect(),
    )
}
