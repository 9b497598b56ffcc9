//! Rename an annotation's value everywhere it is annotated with the same
//! kind, and `prepareRename` to say what would be renamed.
//! Cost: O(document).

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::{Backend, convert};
use policy_core::authoring::occurrences::{rename as rename_edits, target};

pub fn capability() -> OneOf<bool, RenameOptions> {
    OneOf::Right(RenameOptions {
        prepare_provider: Some(true),
        work_done_progress_options: WorkDoneProgressOptions::default(),
    })
}

pub fn prepare_rename(
    backend: &Backend,
    params: TextDocumentPositionParams,
) -> Option<PrepareRenameResponse> {
    let state = backend.state();
    let enc = state.encoding;
    let open = state.documents.get(&params.text_document.uri)?;
    let (span, _, value) = target(&open.doc, convert::position(params.position), enc)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::line_range(span.line, span.start, span.end, enc),
        placeholder: value,
    })
}

pub fn rename(backend: &Backend, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let state = backend.state();
    let enc = state.encoding;
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    let Some(open) = state.documents.get(&uri) else {
        return Ok(None);
    };
    match rename_edits(
        &open.doc,
        convert::position(pos.position),
        enc,
        &params.new_name,
    ) {
        Ok(edits) => Ok(Some(convert::workspace_edit(&uri, &edits, enc))),
        Err(e) => Err(Error::invalid_params(e.to_string())),
    }
}
