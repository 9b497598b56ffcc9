//! Document highlight and references: every annotation of the same kind
//! and value as the one at the cursor, by its content; with the setting
//! `referencesByCategory`, for a data item every item of its taxonomy
//! category. Cost: O(document), plus a classification per data item by
//! category.

use tower_lsp_server::ls_types::*;

use super::{Backend, convert};
use crate::authoring::occurrences::related;

pub fn document_highlight(
    backend: &Backend,
    params: DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let state = backend.state();
    let enc = state.encoding;
    let pos = params.text_document_position_params;
    let open = state.documents.get(&pos.text_document.uri)?;
    let by_category = state
        .settings
        .references_by_category
        .then_some(&*open.taxonomy);
    let spans = related(&open.doc, convert::position(pos.position), enc, by_category);
    Some(
        spans
            .iter()
            .map(|s| DocumentHighlight {
                range: convert::line_range(s.line, s.start, s.end, enc),
                kind: Some(DocumentHighlightKind::TEXT),
            })
            .collect(),
    )
}

pub fn references(backend: &Backend, params: ReferenceParams) -> Option<Vec<Location>> {
    let state = backend.state();
    let enc = state.encoding;
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    let open = state.documents.get(&uri)?;
    let by_category = state
        .settings
        .references_by_category
        .then_some(&*open.taxonomy);
    let spans = related(&open.doc, convert::position(pos.position), enc, by_category);
    Some(
        spans
            .iter()
            .map(|s| {
                Location::new(
                    uri.clone(),
                    convert::line_range(s.line, s.start, s.end, enc),
                )
            })
            .collect(),
    )
}
