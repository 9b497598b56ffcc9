//! Rename an annotation's value everywhere it is annotated with the same
//! kind, and `prepareRename` to say what would be renamed.
//! Cost: O(document).

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::convert;
use super::state::Snapshot;
use policy_core::authoring::occurrences::{rename as rename_edits, target};

pub fn capability() -> OneOf<bool, RenameOptions> {
    OneOf::Right(RenameOptions {
        prepare_provider: Some(true),
        work_done_progress_options: WorkDoneProgressOptions::default(),
    })
}

pub fn prepare_rename(
    snap: &Snapshot,
    params: TextDocumentPositionParams,
) -> Option<PrepareRenameResponse> {
    let enc = snap.encoding;
    let (span, _, value) = target(snap.doc.doc(), convert::position(params.position), enc)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::line_range(span.line, span.start, span.end, enc),
        placeholder: value,
    })
}

pub fn rename(snap: &Snapshot, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let enc = snap.encoding;
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    match rename_edits(
        snap.doc.doc(),
        convert::position(pos.position),
        enc,
        &params.new_name,
    ) {
        Ok(edits) => Ok(Some(convert::workspace_edit(&uri, &edits, enc))),
        Err(e) => Err(Error::invalid_params(e.to_string())),
    }
}
