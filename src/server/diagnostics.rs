//! Publishing (after every open and change) and pull diagnostics.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::*;

use super::output::{Output, Permit};
use super::state::{OpenDocument, Snapshot};
use super::{Backend, convert};
use policy_core::authoring::point_at;
use policy_core::diagnostics::{self as core, SOURCE, analysed_diagnostics};
use policy_core::document::Document;
use policy_core::lints::LintConfig;
use policy_core::position::PositionEncoding;
use policy_core::syntax::Severity;
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// The code of the diagnostic shown while the server's copy of a document
/// is known to differ from the editor's (see `input.rs`).
pub const OUT_OF_SYNC: &str = "out-of-sync";

/// The out-of-sync diagnostic, over the first line of `doc` (at its start
/// when the server does not hold the document).
pub fn out_of_sync(doc: Option<&Document>) -> core::Diagnostic {
    let first = doc.and_then(|d| d.line_text(0)).unwrap_or_default();
    core::Diagnostic {
        line: 0,
        start: Default::default(),
        end: point_at(&first, first.len()),
        severity: Severity::Error,
        code: Cow::Borrowed(OUT_OF_SYNC),
        message: Cow::Borrowed(
            "the server's copy of this document is out of step with the editor: close and reopen it",
        ),
        related: Vec::new(),
    }
}

/// Diagnostics waiting to be sent, in the order the edits arrived.
pub struct Publish {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<core::Diagnostic>,
    pub encoding: PositionEncoding,
}

/// The protocol diagnostics of a document. O(diagnostics + lines).
pub fn of(snap: &Snapshot, uri: &Uri, out_of_sync: bool) -> Vec<Diagnostic> {
    let doc = &snap.doc;
    let stale = out_of_sync.then(|| self::out_of_sync(Some(doc.doc())));
    let mut found = analysed_diagnostics(doc, &snap.settings.lints);
    found.extend(super::disagreement::hints(doc));
    stale
        .iter()
        .chain(&found)
        .map(|d| convert::diagnostic_in(d, snap.encoding, Some(uri)))
        .collect()
}

/// `publishDiagnostics` params serialised straight from core diagnostics,
/// field for field what `ls_types::PublishDiagnosticsParams` gives, without
/// building protocol values first (see `output.rs` for why).
struct Wire<'a>(&'a Publish);
struct WireDiagnostic<'a>(&'a core::Diagnostic, PositionEncoding, &'a Uri);

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_struct("PublishDiagnosticsParams", 3)?;
        m.serialize_field("uri", p.uri.as_str())?;
        m.serialize_field(
            "diagnostics",
            &p.diagnostics
                .iter()
                .map(|d| WireDiagnostic(d, p.encoding, &p.uri))
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
        let mut m = s.serialize_struct("Diagnostic", 6)?;
        m.serialize_field("range", &convert::line_range(d.line, d.start, d.end, enc))?;
        m.serialize_field("severity", &convert::severity(d.severity))?;
        m.serialize_field("code", &d.code)?;
        m.serialize_field("source", SOURCE)?;
        m.serialize_field("message", &d.message)?;
        match convert::related(d, enc, self.2) {
            Some(r) => m.serialize_field("relatedInformation", &r)?,
            None => m.skip_field("relatedInformation")?,
        }
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
        let doc = &open.doc;
        let mut diagnostics = analysed_diagnostics(doc, lints);
        if self.is_out_of_sync(uri) {
            diagnostics.insert(0, out_of_sync(Some(doc.doc())));
        }
        diagnostics.extend(super::disagreement::hints(doc));
        self.queue(Publish {
            uri: uri.clone(),
            version: Some(open.version),
            diagnostics,
            encoding: enc,
        });
    }

    /// Whether the server's copy of `uri` is known to be stale.
    pub(super) fn is_out_of_sync(&self, uri: &Uri) -> bool {
        self.out_of_sync
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(uri)
    }

    /// Marks `uri` stale (`true`) or in step again; true if that changed.
    pub(super) fn set_out_of_sync(&self, uri: &Uri, stale: bool) -> bool {
        let mut set = self.out_of_sync.lock().unwrap_or_else(|p| p.into_inner());
        if stale {
            set.insert(uri.clone())
        } else {
            set.remove(uri)
        }
    }

    pub(super) fn queue(&self, publish: Publish) {
        // Fails only when the publisher task is gone, i.e. the server is
        // shutting down: nothing left to tell.
        let _ = self.publish.send(publish);
    }
}

/// Diagnostics not yet sent: the newest batch of each document, documents
/// in the order their first waiting batch came.
#[derive(Default)]
struct Waiting {
    order: VecDeque<Uri>,
    batches: HashMap<Uri, Publish>,
}

impl Waiting {
    /// Keeps `p`, replacing the older batch of its document.
    fn put(&mut self, p: Publish) {
        if !self.batches.contains_key(&p.uri) {
            self.order.push_back(p.uri.clone());
        }
        self.batches.insert(p.uri.clone(), p);
    }

    fn take(&mut self) -> Option<Publish> {
        let uri = self.order.pop_front()?;
        self.batches.remove(&uri)
    }
}

/// Sends queued diagnostics, in order. A batch is serialised only when
/// stdout has taken the previous one ([`Output::reserve`]); until then
/// only the newest batch of each document waits, the older ones being
/// out of date. So a client that stops reading costs one batch per
/// document, not one per edit.
pub async fn publisher(
    client: Client,
    output: Option<Output>,
    mut queue: mpsc::UnboundedReceiver<Publish>,
) {
    let mut waiting = Waiting::default();
    loop {
        if waiting.order.is_empty() {
            match queue.recv().await {
                Some(p) => waiting.put(p),
                None => return,
            }
            continue;
        }
        // Take in everything queued meanwhile, so that it replaces what waits.
        while let Ok(p) = queue.try_recv() {
            waiting.put(p);
        }
        match &output {
            Some(out) => {
                tokio::select! {
                    p = queue.recv() => match p {
                        Some(p) => waiting.put(p),
                        // The server is ending: send what waits, then stop.
                        None => {
                            while let Some(p) = waiting.take() {
                                let Some(permit) = out.reserve().await else { return };
                                send(out, permit, &p);
                            }
                            return;
                        }
                    },
                    permit = out.reserve() => {
                        let Some(permit) = permit else { return };
                        if let Some(p) = waiting.take() {
                            send(out, permit, &p);
                        }
                    }
                }
            }
            None => {
                if let Some(p) = waiting.take() {
                    let diagnostics = p
                        .diagnostics
                        .iter()
                        .map(|d| convert::diagnostic_in(d, p.encoding, Some(&p.uri)))
                        .collect();
                    client
                        .publish_diagnostics(p.uri, diagnostics, p.version)
                        .await
                }
            }
        }
    }
}

fn send(out: &Output, permit: Permit, p: &Publish) {
    out.notify_reserved(permit, "textDocument/publishDiagnostics", &Wire(p));
}

/// `textDocument/diagnostic`: the same diagnostics, pulled.
/// `out_of_sync`: the server's copy is known to be stale (see `input.rs`).
pub fn pull(
    snap: &Snapshot,
    uri: &Uri,
    out_of_sync: bool,
) -> Option<DocumentDiagnosticReportResult> {
    Some(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items: of(snap, uri, out_of_sync),
            },
        }),
    ))
}
