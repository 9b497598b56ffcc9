//! Publishing (after every open and change) and pull diagnostics.

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::state::OpenDocument;
use super::{Backend, convert};
use crate::diagnostics::document_diagnostics;
use crate::position::PositionEncoding;

/// Diagnostics waiting to be sent, in the order the edits arrived.
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The protocol diagnostics of a document. O(diagnostics + lines).
pub fn of(open: &OpenDocument, enc: PositionEncoding) -> Vec<Diagnostic> {
    document_diagnostics(&open.doc)
        .iter()
        .map(|d| convert::diagnostic(d, enc))
        .collect()
}

impl Backend {
    /// Queues `open`'s diagnostics for publishing. Synchronous, so that it
    /// can run before a handler's first `.await` and keep edit order.
    pub(super) fn queue_diagnostics(&self, uri: &Uri, open: &OpenDocument, enc: PositionEncoding) {
        self.queue(Publish {
            uri: uri.clone(),
            version: Some(open.version),
            diagnostics: of(open, enc),
        });
    }

    pub(super) fn queue(&self, publish: Publish) {
        // Fails only when the publisher task is gone, i.e. the server is
        // shutting down: nothing left to tell.
        let _ = self.publish.send(publish);
    }
}

/// Sends queued diagnostics one by one, in order. When a document has
/// several batches waiting, only the newest is sent: the older ones are
/// already out of date.
pub async fn publisher(client: Client, mut queue: mpsc::UnboundedReceiver<Publish>) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, 64).await > 0 {
        let mut drained: Vec<Publish> = Vec::with_capacity(batch.len());
        for p in batch.drain(..) {
            drained.retain(|q| q.uri != p.uri);
            drained.push(p);
        }
        for p in drained {
            client
                .publish_diagnostics(p.uri, p.diagnostics, p.version)
                .await;
        }
    }
}

/// `textDocument/diagnostic`: the same diagnostics, pulled.
pub fn pull(
    backend: &Backend,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let state = backend.state();
    let uri = params.text_document.uri;
    let Some(open) = state.documents.get(&uri) else {
        return Err(Error::invalid_params(format!(
            "{} is not open",
            uri.as_str()
        )));
    };
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items: of(open, state.encoding),
            },
        }),
    ))
}
