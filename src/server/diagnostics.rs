//! Publishing (after every open and change) and pull diagnostics.

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

use super::output::Output;
use super::state::{OpenDocument, Snapshot};
use super::{Backend, convert};
use policy_core::diagnostics::{self as core, SOURCE, document_diagnostics};
use policy_core::lints::LintConfig;
use policy_core::position::PositionEncoding;
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Diagnostics waiting to be sent, in the order the edits arrived.
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<core::Diagnostic>,
    pub encoding: PositionEncoding,
}

/// The protocol diagnostics of a document. O(diagnostics + lines).
pub fn of(snap: &Snapshot) -> Vec<Diagnostic> {
    let doc = &snap.doc;
    let mut found = document_diagnostics(doc.doc(), Some((doc.classes(), &snap.settings.lints)));
    if let Some(theirs) = &snap.theirs {
        found.extend(super::disagreement::hints(doc.doc(), theirs));
    }
    found
        .iter()
        .map(|d| convert::diagnostic(d, snap.encoding))
        .collect()
}

/// `publishDiagnostics` params serialised straight from core diagnostics,
/// field for field what `ls_types::PublishDiagnosticsParams` gives, without
/// building protocol values first (see `output.rs` for why).
struct Wire<'a>(&'a Publish);
struct WireDiagnostic<'a>(&'a core::Diagnostic, PositionEncoding);

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_struct("PublishDiagnosticsParams", 3)?;
        m.serialize_field("uri", p.uri.as_str())?;
        m.serialize_field(
            "diagnostics",
            &p.diagnostics
                .iter()
                .map(|d| WireDiagnostic(d, p.encoding))
                .collect::<Vec<_>>(),
        )?;
        match p.version {
            Some(v) => m.serialize_field("version", &v)?,
            None => m.skip_field("version")?,
        }
        m.end()
    }
}

impl Serialize for WireDiagnostic<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (d, enc) = (self.0, self.1);
        let mut m = s.serialize_struct("Diagnostic", 5)?;
        m.serialize_field("range", &convert::line_range(d.line, d.start, d.end, enc))?;
        m.serialize_field("severity", &convert::severity(d.severity))?;
        m.serialize_field("code", &d.code)?;
        m.serialize_field("source", SOURCE)?;
        m.serialize_field("message", &d.message)?;
        m.end()
    }
}

impl Backend {
    /// Queues `open`'s diagnostics for publishing. Synchronous, so that it
    /// can run before a handler's first `.await` and keep edit order.
    pub(super) fn queue_diagnostics(
        &self,
        uri: &Uri,
        open: &OpenDocument,
        enc: PositionEncoding,
        lints: &LintConfig,
    ) {
        let mut diagnostics =
            document_diagnostics(open.doc.doc(), Some((open.doc.classes(), lints)));
        if let Some(theirs) = &open.theirs {
            diagnostics.extend(super::disagreement::hints(open.doc.doc(), theirs));
        }
        self.queue(Publish {
            uri: uri.clone(),
            version: Some(open.version),
            diagnostics,
            encoding: enc,
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
pub async fn publisher(
    client: Client,
    output: Option<Output>,
    mut queue: mpsc::UnboundedReceiver<Publish>,
) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, 64).await > 0 {
        let mut drained: Vec<Publish> = Vec::with_capacity(batch.len());
        for p in batch.drain(..) {
            drained.retain(|q| q.uri != p.uri);
            drained.push(p);
        }
        for p in drained {
            match &output {
                Some(out) => out.notify("textDocument/publishDiagnostics", &Wire(&p)),
                None => {
                    let diagnostics = p
                        .diagnostics
                        .iter()
                        .map(|d| convert::diagnostic(d, p.encoding))
                        .collect();
                    client
                        .publish_diagnostics(p.uri, diagnostics, p.version)
                        .await
                }
            }
        }
    }
}

/// `textDocument/diagnostic`: the same diagnostics, pulled.
pub fn pull(
    snap: &Snapshot,
    _: DocumentDiagnosticParams,
) -> Option<DocumentDiagnosticReportResult> {
    Some(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items: of(snap),
            },
        }),
    ))
}
