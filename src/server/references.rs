//! Document highlight and references: every annotation of the same kind
//! and value as the one at the cursor, by its content; with the setting
//! `referencesByCategory`, for a data item every item of its taxonomy
//! category. Cost: O(document), plus a classification per data item by
//! category.

use tower_lsp_server::ls_types::*;

use super::{Backend, convert};
use policy_core::authoring::occurrences::related;

/// The ranges related to the annotation at `pos` of `uri`, in the
/// negotiated encoding.
fn related_ranges(backend: &Backend, uri: &Uri, pos: Position) -> Option<Vec<Range>> {
    let state = backend.state();
    let enc = state.encoding;
    let open = state.documents.get(uri)?;
    let by_category = state
        .settings
        .references_by_category
        .then_some(&*open.taxonomy);
    let spans = related(&open.doc, convert::position(pos), enc, by_category);
    Some(
        spans
            .iter()
            .map(|s| convert::line_range(s.line, s.start, s.end, enc))
            .collect(),
    )
}

pub fn document_highlight(
    backend: &Backend,
    params: DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let pos = params.text_document_position_params;
    let ranges = related_ranges(backend, &pos.text_document.uri, pos.position)?;
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

pub fn references(backend: &Backend, params: ReferenceParams) -> Option<Vec<Location>> {
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    let ranges = related_ranges(backend, &uri, pos.position)?;
    Some(
        ranges
            .into_iter()
            .map(|range| Location::new(uri.clone(), range))
            .collect(),
    )
}
